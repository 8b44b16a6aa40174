"""Templates learned from the crawl: lines and sentences that recur across articles.

Plain Python, no Scrapy. Boilerplate of an account or a site and the
templates of spam farms are written once and pasted into many articles, with
their varying parts (a brand, a number, a platform, a host) filled in anew.
Each block of an article, and each sentence of a block of several, is a
*unit*; its *template form* is its text folded (``textops.fold``), NFKC,
lower-cased, with hosts and e-mail addresses, platform names and the ids
after them, short ``【brand】`` tags, and (in Chinese text) runs of Latin
letters and digits, (in English text) numbers replaced by slots, and without
spaces or punctuation. Units of the same form in different articles are one
template, whatever fills its slots. Only units with a cue in the line (below)
are formed and learned: prose costs one scan of the article. A form of at
most ``MAX_SHINGLED`` characters is also learned as its pieces of
``SHINGLE`` characters: a line of its own most of whose pieces recur, the
cue among them, is a template whose varying part is a word (a brand written
out), evidence ``most_of_the_line``.

The store (``template_stores``) counts, per template form: the distinct
articles holding it, the sources (account or site) they came from, the
variants of its slots, and per source how many of its articles hold it at
their head or tail (``EDGE_BLOCKS`` blocks at either end). An article is
counted once, however often it is seen (its URL is recorded).

Recurrence alone removes nothing: a legitimate sentence quoted in many
articles recurs too. A unit of an article is removed when its form was seen
in at least ``min_articles`` distinct articles (this one included) and it
has evidence of both kinds:

- *in the line itself* (``Form.cues``): ``host`` (a host name, URL or
  e-mail address), ``contact`` (a platform followed by an id), ``vocabulary`` (different boilerplate words of
  crawler/data/templates.toml making a quarter of the line or more: a
  notice, where prose says 关注 or 来源 in passing),
  ``little_content`` (hosts, contacts and numbers are most of it);
- *in how it recurs*: ``varying_slots`` (the same form seen with different
  slot values: a template filled in, where a quotation is repeated word for
  word), ``account_edge`` (at the head or tail of ``min_articles`` articles
  of this article's own source), ``many_sources`` (a short notice, cue
  ``vocabulary``, seen in articles of ``min_sources`` sources or more).

Removals are recorded in ``article.removed`` as ``{"reason": "template",
"signal": "template", "text", "evidence", "articles"}``.

A crawl learns as it goes (``clean``: learn this article, then decide), so
a template is removed from the ``min_articles``-th article holding it on;
an offline corpus can be learned whole first (``learn`` on every article,
then ``clean``: an article already learned is not counted again).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol
from urllib.parse import urlsplit

from crawler.cleaning.hosts import find_hosts
from crawler.cleaning.rules import alternation
from crawler.cleaning.textops import apply_cuts, fold, merge_cuts, sentence_bounds, stitch
from crawler.rulefiles import DATA_DIR, check_keys, load_data, string_list

REASON = SIGNAL = "template"
EDGE_BLOCKS = 2  # blocks at each end of an article that are its head or tail (a quarter of it at most)
MIN_CHARS = 8  # letters, digits and ideographs a unit needs to be learned
SHORT_CHARS = 40  # a line this short may be boilerplate by its spread alone
CUE_SHARE = 0.25  # share of a line's characters in boilerplate words (two different ones at least) that makes it boilerplate
# a form of at most MAX_SHINGLED characters is also learned as its pieces of SHINGLE
# characters; a line whose pieces recur but for a word or two is a template whose varying
# part is a word: 本文由<金穗>研究院整理发布，转载请注明出处，…
SHINGLE, MAX_SHINGLED = 4, 40
WORDS, WORD_CHARS = 2, 4  # ... and its pieces that do not recur are those of at most WORDS words of WORD_CHARS
MAX_KEYS = 2000  # keys (forms and pieces) of one article sent to the store
MAX_UNITS = 400  # units of one article (the first ones): bounded work per page
BITS = 31  # bits of the source and variant sets (signed 32-bit integers in Lua and SQLite)
DEFAULT_VOCABULARY = DATA_DIR / "templates.toml"

# slots: one private-use character each, which no other step of the form turns into anything
HOST, PLATFORM, NAME, BRAND, NUMBER = "\ue001", "\ue002", "\ue003", "\ue004", "\ue005"
# an id after a platform's name: 微信 abc123, QQ号：12345678, 抖音搜索 jr0x0
_ID_LEAD = r"(?:号|id|账号|搜索|搜|添加|加)?[\s:：+]*"
_CONTACT_ID = _ID_LEAD + r"(?:[a-z0-9][a-z0-9_\-]{3,})"
_PHONE_ID = re.compile(_ID_LEAD + r"[\d\s\-]+")
_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|400[- ]?\d{3}[- ]?\d{4}|0\d{2,3}[- ]?\d{7,8})(?!\d)")
_EMAIL = re.compile(r"[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}")
_BRAND = re.compile(r"[【\[][^】\]]{1,12}[】\]]")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_RUN = re.compile(r"[a-z0-9](?:[a-z0-9_\-.,:%]*[a-z0-9%])?")
_NOT_KEPT = re.compile(r"[^\w\ue001-\ue005]|_")
_SLOTS = re.compile(r"[\ue001-\ue005]")
# what is not a letter or digit, an ideograph or kana, a Latin letter (lower case): a count of
# those is the length of the text less them (~2x faster than a list of every one, findall's)
_NOT_ALNUM = re.compile(r"[\W_]+")
_NOT_CJK = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff]+")
_NOT_LETTER = re.compile(r"[^a-z]+")


class Vocabulary(NamedTuple):
    platforms: tuple[str, ...]
    cues: tuple[str, ...]
    phones: tuple[str, ...] = ()


def load_vocabulary(paths=(), *, defaults: bool = True) -> Vocabulary:
    """The built-in vocabulary (unless ``defaults`` is false) extended by each file of ``paths``."""
    lists: dict[str, list[str]] = {"platforms": [], "cues": [], "phones": []}
    for path in ([DEFAULT_VOCABULARY] if defaults else []) + list(paths):
        data = load_data(path)
        check_keys(data, lists, str(path))
        for name, words in data.items():
            lists[name] += [w.lower() for w in string_list(words, f"{path}: {name}")]
    return Vocabulary(*(tuple(dict.fromkeys(lists[name])) for name in ("platforms", "cues", "phones")))


class Form(NamedTuple):
    key: int  # 63-bit hash of the template form
    variant: int  # bit (0..BITS-1) of the slot values it was filled with
    chars: int  # letters, digits and ideographs
    cues: tuple[str, ...]  # evidence in the line itself
    # (where, key) of the form's pieces of SHINGLE characters, two of them at least no slot
    # (slots alone recur everywhere), for a form of at most MAX_SHINGLED characters
    shingles: tuple[tuple[int, int], ...] = ()
    spots: tuple[tuple[str, int], ...] = ()  # (cue or boilerplate word, where in the form) of its pieces


def _hash63(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") >> 1


class CueScreen:
    """``search(text)``: whether the cue pattern finds something in ``text``.
    A match opens with one of ``first``'s characters: a text without any
    (Chinese prose without digits) is told by one class scan (~1 us a block),
    else the pattern, led by a look-ahead of those characters (half the cost
    of trying each alternative at each position), searches from the first."""

    __slots__ = ("body", "first", "pattern")

    def __init__(self, body: str, first: str):
        self.body = body  # the pattern as written
        self.first = re.compile(f"[{first}]")
        self.pattern = re.compile(f"(?=[{first}])(?:{body})")

    def search(self, text: str) -> bool:
        at = self.first.search(text)
        return at is not None and self.pattern.search(text, at.start()) is not None


def _standalone(words, after: str = "") -> re.Pattern:
    """Any of ``words`` not inside a Latin word, the longest that fits first, then ``after``:
    the words as a trie (``alternation``: one test a character, not one a word), led by a
    look-ahead of their first characters (one class test where none starts). ~2-3x faster
    than the words' alternation, longest first, that it matches as (tests/test_templates.py)."""
    if not words:
        return re.compile("(?!)")
    lead = "" if "" in words else "(?=[" + "".join(sorted({re.escape(word[0]) for word in words})) + "])"
    return re.compile(rf"{lead}(?<![a-z])(?:{alternation(words)})(?![a-z]){after}")


class Former:
    """Builds the template form of a line (see the module's docstring)."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        # a platform word stands alone: "line" in "online" is none
        self._platform = _standalone(vocabulary.platforms)
        self._contact = _standalone(vocabulary.platforms, _CONTACT_ID)
        self._cues = _standalone(vocabulary.cues)  # "visit" in "visitors" is none
        self._words = re.compile(alternation((*vocabulary.platforms, *vocabulary.cues)))
        self._screens: dict[tuple[str, ...], CueScreen] = {}

    def screen(self, text: str) -> CueScreen:
        """What a line of ``text`` (folded, lower-cased) needs to show a cue: a host or address, a
        run of digits, or one of the platform names ``text`` holds, or (when
        it holds two) one of its boilerplate words. One scan of the article
        for the words; a small pattern to search its blocks with."""
        found = set(self._words.findall(text))
        platforms = found.intersection(self.vocabulary.platforms)
        cues = found.intersection(self.vocabulary.cues)
        present = tuple(sorted(platforms | (cues if len(cues) > 1 else set())))
        pattern = self._screens.get(present)
        if pattern is None:
            if len(self._screens) >= 1024:
                self._screens.clear()
            words = "".join(f"|{re.escape(word)}" for word in present)
            first = "".join(sorted({re.escape(word[0]) for word in present if word}))
            pattern = self._screens[present] = CueScreen(rf"[a-z0-9]\.[a-z]|@|\d{{3}}{words}",
                                                          rf"a-z0-9@\d{first}")
        return pattern

    def form(self, text: str, screen: CueScreen | None = None) -> Form | None:
        """The form of ``text``; None when it is too short to be learned, or
        holds nothing ``screen`` (of this text or an article holding it) finds."""
        folded = fold(text)[0].lower()
        if not (screen or self.screen(folded)).search(folded):  # no cue can be found: most prose
            return None
        raw = unicodedata.normalize("NFKC", folded)
        chars = len(_NOT_ALNUM.sub("", raw))
        if chars < MIN_CHARS:
            return None
        view, slotted = _slot_hosts(raw)
        cues: list[str] = ["host"] if slotted else []
        if any(self._is_contact(m) for m in self._contact.finditer(view)):
            cues.append("contact")
        words = self._cues.findall(view)
        if len(set(words)) >= 2 and sum(map(len, words)) >= CUE_SHARE * chars:
            cues.append("vocabulary")
        slotted += sum(e - s for s, e in _union(m.span() for pattern in (self._contact, _PHONE, _NUMBER)
                                                for m in pattern.finditer(view)))
        if slotted * 2 > chars:
            cues.append("little_content")
        if not cues:  # never removed: not worth a key (nor a row in the store)
            return Form(0, 0, chars, ())
        template = self._template(view)
        shingles, spots = (), ()
        if len(template) <= MAX_SHINGLED:
            shingles = tuple((i, _hash63(f"s:{piece}")) for i in range(len(template) - SHINGLE + 1)
                             if len(_SLOTS.sub("", piece := template[i:i + SHINGLE])) >= 2)
            slots = {"host": HOST, "contact": PLATFORM}
            spots = (*((cue, m.start()) for cue in cues if cue in slots for m in re.finditer(slots[cue], template)),
                     *((m.group(), m.start()) for m in self._cues.finditer(template)))
        # the variant: the slots' values (what the form leaves out but punctuation and spaces)
        return Form(_hash63(template), _hash63(_NOT_KEPT.sub("", raw)) % BITS, chars, tuple(cues), shingles, spots)

    def _is_contact(self, match: re.Match) -> bool:
        """A platform and an id; a phone line and a number is a phone number, which notices give too."""
        phone = next((word for word in self.vocabulary.phones if match.group().startswith(word)), None)
        return phone is None or not _PHONE_ID.fullmatch(match.group()[len(phone):])

    def _template(self, view: str) -> str:
        """The form of a view whose hosts are slots already."""
        text = self._contact.sub(PLATFORM + NAME, view)
        text = self._platform.sub(PLATFORM, text)
        text = _BRAND.sub(BRAND, text)
        # Chinese text: a run of Latin letters or digits is a name, an id or a number: one slot
        chinese = len(_NOT_CJK.sub("", text)) >= len(_NOT_LETTER.sub("", text))
        text = _RUN.sub(NAME, text) if chinese else _NUMBER.sub(NUMBER, text)
        return _NOT_KEPT.sub("", text)


def _slot_hosts(raw: str) -> tuple[str, int]:
    """``raw`` with its e-mail addresses and host names as slots, and how many characters they took."""
    view = _EMAIL.sub(HOST, raw)
    slotted = sum(len(address) for address in _EMAIL.findall(raw)) if view != raw else 0
    for host in reversed(find_hosts(view, frozenset())):
        slotted += host.end - host.start
        view = view[:host.start] + HOST + view[host.end:]
    return view, slotted


def _union(spans) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


class Unit(NamedTuple):
    block: int
    start: int
    end: int
    form: Form
    edge: bool
    whole: bool  # the whole block, not one of its sentences


class Stats(NamedTuple):
    """What the store knows of a template form (this article included)."""

    articles: int  # distinct articles holding it
    sources: int  # bits of the sources of those articles
    variants: int  # bits of the slot values seen
    source_edge: int  # articles of this article's source holding it at their head or tail


class Store(Protocol):
    def observe(self, article: int, source: int, units: list[tuple[int, int, bool]], learn: bool) -> list[Stats]:
        """For ``units`` (key, variant bit, at an edge), distinct keys, of the
        article ``article`` (63-bit id) from ``source`` (63-bit id): record
        them (when ``learn`` and the article is new to the store), then
        return what is known of each key, in order. Atomic."""
    def count(self) -> int:
        """Articles learned."""
    def close(self) -> None: ...


def popcount(bits: int) -> int:
    return bin(bits & ((1 << BITS) - 1)).count("1")


def article_identity(article) -> tuple[int, int]:
    """(article id, source id): its URL, and its account (or, lacking one, its site)."""
    url = article.url or article.fetched_from
    source = article.account_id or article.account or urlsplit(url).netloc or urlsplit(url).scheme
    return _hash63(url), _hash63(f"{article.source}:{source}")


@dataclass
class TemplateResult:
    removed: list[dict] = field(default_factory=list)
    removed_chars: int = 0
    units: int = 0  # units learned or looked up
    whole: bool = False  # everything would have gone: nothing removed


class Templates:
    """Learns templates into a ``Store`` and removes them from articles."""

    def __init__(self, store: Store, vocabulary: Vocabulary | None = None, min_articles: int = 3,
                 min_sources: int = 5):
        if min_articles < 2:
            raise ValueError("min_articles must be at least 2: one article is no recurrence")
        if not 2 <= min_sources <= BITS:
            raise ValueError(f"min_sources must be between 2 and {BITS}")
        self.store = store
        self.former = Former(vocabulary or load_vocabulary())
        self.min_articles = min_articles
        self.min_sources = min_sources

    def units(self, blocks: list[dict]) -> list[Unit]:
        """The blocks, and the sentences of blocks of several, long enough to learn."""
        found: list[Unit] = []
        folded = [fold(block["text"])[0].lower() for block in blocks]  # once: folding is not cheap
        screen = self.former.screen("\n".join(folded))
        last = len(blocks) - 1
        edges = max(1, min(EDGE_BLOCKS, len(blocks) // 4))  # a short article's middle is no edge
        for i, block in enumerate(blocks):
            text = block["text"]
            if not screen.search(folded[i]):
                continue  # no cue anywhere in the block
            head, tail = i < edges, last - i < edges
            sentences = sentence_bounds(text)
            lines = [(0, len(text), head or tail)]
            if len(sentences) > 1:  # at an edge: the first of a head block, the last of a tail block
                lines += [(start, end, (head and n == 0) or (tail and n == len(sentences) - 1))
                          for n, (start, end) in enumerate(sentences)]
            for start, end, edge in lines:
                found += [Unit(i, start, end, form, edge, end - start == len(text))
                          for form in self.forms(text[start:end], screen)]
            if len(found) >= MAX_UNITS:
                return found[:MAX_UNITS]
        return found

    def forms(self, line: str, screen: CueScreen | None = None) -> list[Form]:
        """The form of a line that could be removed (with a cue in the line), if any."""
        form = self.former.form(line, screen)
        return [form] if form is not None and form.cues else []

    def _observe(self, article, learn: bool) -> tuple[list[Unit], dict[int, Stats]]:
        units = self.units(article.blocks)
        if not units:
            return units, {}
        merged: dict[int, list] = {}  # key -> [variant bits, edge]: a form counts once per article
        for unit in units:
            for key in (unit.form.key, *(key for _, key in unit.form.shingles)):
                entry = merged.setdefault(key, [unit.form.variant, False])
                entry[1] = entry[1] or unit.edge
            if len(merged) >= MAX_KEYS:
                break
        article_id, source = article_identity(article)
        stats = self.store.observe(article_id, source, [(k, v, e) for k, (v, e) in merged.items()], learn)
        return units, dict(zip(merged, stats))

    def learn(self, article) -> int:
        """Count the article's units (first pass of an offline corpus); how many."""
        return len(self._observe(article, learn=True)[0])

    def evidence(self, form: Form, stats: Stats) -> list[str] | None:
        """Why a unit of this form is a template, or None when it is not."""
        if stats.articles < self.min_articles or not form.cues:
            return None
        recurrence = []
        if popcount(stats.variants) > 1:
            recurrence.append("varying_slots")
        if stats.source_edge >= self.min_articles:
            recurrence.append("account_edge")
        if "vocabulary" in form.cues and form.chars <= SHORT_CHARS and popcount(stats.sources) >= self.min_sources:
            recurrence.append("many_sources")  # a notice spread across sources (a host or contact so spread is cited)
        return [*form.cues, *recurrence] if recurrence else None

    def _by_shingles(self, form: Form, stats: dict[int, Stats]) -> tuple[Stats | None, list[str] | None]:
        """A line most of whose pieces recur: a template whose varying part is a
        word (a brand written out). Judged on its weakest recurring piece."""
        recurring = [(i, k) for i, k in form.shingles if k in stats and stats[k].articles >= self.min_articles]
        missing = sorted({i for i, _ in form.shingles} - {i for i, _ in recurring})
        runs = [len(list(run)) for _, run in itertools.groupby(missing, key=lambda i, c=itertools.count(): i - next(c))]
        # what does not recur is a word or two (all of it recurring, yet not its form: its slots
        # differ in number or kind, no template filled in)
        if not recurring or not runs or len(runs) > WORDS or max(runs) > SHINGLE + WORD_CHARS - 1:
            return None, None
        # the cue must be in the part that recurs: a spam word pasted into a quoted sentence is no template
        covered = {i + j for i, _ in recurring for j in range(SHINGLE)}
        words = {word for word, at in form.spots if at in covered and word not in ("host", "contact")}
        cues = [cue for cue in ("host", "contact") if any(c == cue and at in covered for c, at in form.spots)]
        if len(words) >= 2 and "vocabulary" in form.cues:
            cues.append("vocabulary")
        weakest = min((stats[k] for _, k in recurring), key=lambda known: known.articles)
        why = self.evidence(form._replace(cues=tuple(cues)), weakest)
        return weakest, None if why is None else [*why, "most_of_the_line"]

    def clean(self, article, learn: bool = True) -> TemplateResult:
        """Learn the article (unless ``learn`` is false), then remove its
        templates in place: blocks, text and ``removed``."""
        units, stats = self._observe(article, learn)
        result = TemplateResult(units=len(units))
        found: dict[int, list[tuple[int, int, list[str], int]]] = {}
        for unit in units:
            known = stats.get(unit.form.key)
            why = None if known is None else self.evidence(unit.form, known)
            if why is None and known is not None and unit.whole:  # a line of its own, not a sentence in prose
                known, why = self._by_shingles(unit.form, stats)
            if why is not None:
                found.setdefault(unit.block, []).append((unit.start, unit.end, why, known.articles))
        if not found:
            return result
        blocks, removed = self._cut(article.blocks, found)
        if not any(ch.isalnum() for block in blocks for ch in block["text"]):
            result.whole = True  # a page made of nothing else: no verdict on it here
            return result
        article.blocks = blocks
        article.removed.extend(removed)
        article.join_text()
        result.removed = removed
        result.removed_chars = sum(len(r["text"]) for r in removed)
        return result

    @staticmethod
    def _cut(blocks: list[dict], found: dict[int, list]) -> tuple[list[dict], list[dict]]:
        out: list[dict] = []
        removed: list[dict] = []
        for i, block in enumerate(blocks):
            if i not in found:
                out.append(block)
                continue
            text = block["text"]
            spans = found[i]
            whole = [s for s in spans if s[0] == 0 and s[1] == len(text)]
            cuts = [(0, len(text), 0)] if whole else merge_cuts(
                [(*stitch(text, s, e), n, 0) for n, (s, e, _, _) in enumerate(spans)])
            kept, pieces, new_spans = apply_cuts(text, cuts, block.get("spans"))
            for n, piece in pieces:
                _, _, why, articles = (whole or spans)[n]
                removed.append({"reason": REASON, "signal": SIGNAL, "text": piece,
                                "evidence": why, "articles": articles})
            if kept and not any(ch.isalnum() for ch in kept):
                removed.append({**removed[-1], "text": kept})  # only punctuation is left: it goes too
                kept = ""
            if kept:
                new = dict(block, text=kept)
                if new_spans:
                    new["spans"] = new_spans
                else:
                    new.pop("spans", None)
                out.append(new)
        return out, removed
