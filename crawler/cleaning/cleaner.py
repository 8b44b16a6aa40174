"""Apply a ``RuleSet`` to an article's blocks, span by span.

Each pass runs the rules in order over every block, each rule on the text the
rules before it left (so a sentence rule never fires on hidden text already
gone); each cut widens over the spaces at its seam so the sentence reads on,
and a block left with no letter or digit goes whole. Passes repeat until nothing more is found (a removal can
bring two pieces of spam together), so cleaning a clean article changes
nothing. Every removal names its reason and the signal that fired.

If everything found would remove more than ``max_removed_share`` of the
article's characters, or all of them, only the removals of strong signals
(``rules.STRONG_SIGNALS``: hidden text, runs of hosts or links, learned
templates) are made, and the article is flagged with the doubtful ones it
skipped; when even those would empty it, it is left as it was (never emptied).
"""

from __future__ import annotations

import bisect
import copy
import operator
import re
from collections import Counter
from dataclasses import dataclass, field

from crawler.cleaning import adshape, english, extent, foreign, hosts, metatalk, offers, salestalk, spans, stuffing, termlist
from crawler.cleaning.rules import STRONG_SIGNALS, Rule, RuleSet
from crawler.cleaning.screen import Screen, Screens
from crawler.cleaning.textops import (
    QUOTED, ZERO_WIDTH, apply_cuts, cjk_count, fold, is_cjk, merge_cuts, sentence_at, sentence_bounds, stitch, to_view,
    unfold,
)

SAFETY_VALVE = "safety_valve"
# two English words in a row (over ASCII bytes): a block without them has no English sales talk
_ENGLISH_WORDS = re.compile(rb"[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}")
MAX_PASSES = 8


@dataclass
class CleanResult:
    blocks: list[dict]
    removed: list[dict]  # {"reason", "signal", "text"} in document order
    input_chars: int
    removed_chars: int
    valve: bool = False  # too much would have gone: only the strong removals were made
    by_reason: dict[str, list[int]] = field(default_factory=dict)  # reason -> [count, chars]

    @property
    def share(self) -> float:
        return self.removed_chars / self.input_chars if self.input_chars else 0.0


class _Block:
    """One block during a pass, with its sentence bounds computed on demand.

    Rules see ``text``, the folded view of the block's text (``textops.fold``),
    and its ``spans`` moved onto that view; ``raw`` is the block's own text,
    where cuts are made (``cut_in_raw``).
    """

    __slots__ = ("raw", "text", "origin", "type", "spans", "raw_spans", "_sentences", "_hosts", "_screened",
                 "_passing", "_bit", "_brackets", "_english", "stuffed")

    def __init__(self, block: dict):
        self.raw = block["text"]
        self.text, self.origin = fold(self.raw)
        self.type = block.get("type", "paragraph")
        self.raw_spans = block.get("spans") or []
        self.spans = self.raw_spans if self.origin is None else [
            [to_view(self.origin, s), to_view(self.origin, e), kind, value] for s, e, kind, value in self.raw_spans]
        self._sentences = None
        self._brackets = None
        self._english = None
        self._hosts: dict[frozenset, list] = {}
        self._screened: dict[Screen, bool] = {}
        self.stuffed = True  # whether a keyword run may be in it (``stuffing.candidates``, asked per article)
        self._passing: int | None = None  # every screen the text passes, when known (``Screens.mask``)
        self._bit: dict[Screen, int] | None = None  # each screen's bit in it, with it

    def adjacent(self, at: int) -> bool:
        """Whether the folded view's characters ``at - 1`` and ``at`` stand
        side by side in the block's own text (nothing visible the fold dropped
        between them: 晨｜本 are not)."""
        if self.origin is None:
            return True
        return all(ch in ZERO_WIDTH for ch in self.raw[self.origin[at - 1] + 1:self.origin[at]])

    def cut_in_raw(self, start: int, end: int) -> tuple[int, int]:
        return unfold(self.raw, self.origin, start, end)

    def hosts(self, not_tlds: frozenset, spelt_tlds: frozenset) -> list:
        key = (not_tlds, spelt_tlds)
        if key not in self._hosts:
            self._hosts[key] = hosts.find_hosts(self.text, not_tlds, spelt_tlds)
        return self._hosts[key]

    def passes(self, screen: Screen) -> bool:
        """Whether the text holds one of the screen's literals (asked once per
        screen: several rules share one; all at once by ``Cleaner._block_live``)."""
        if self._passing is not None:
            return self._passing & self._bit[screen] != 0
        passed = self._screened.get(screen)
        if passed is None:
            passed = self._screened[screen] = screen(self.text)
        return passed

    def brackets(self) -> list[tuple[int, int, str]]:
        """(start, end, text) of each bracketed passage (``_BRACKETED``), found
        once for every bracket rule."""
        if self._brackets is None:
            self._brackets = [(m.start(), m.end(), m.group()) for m in _BRACKETED.finditer(self.text)]
        return self._brackets

    def english(self) -> bool:
        """Whether the text holds two English words in a row (asked once: the
        English rules share it). Looked for in its ASCII characters alone:
        dropping the others keeps every run of ASCII whole, and is cheap."""
        if self._english is None:
            ascii_only = self.text.encode("ascii", "ignore")
            self._english = len(ascii_only) >= 5 and _ENGLISH_WORDS.search(ascii_only) is not None
        return self._english

    def sentences(self):
        if self._sentences is None:
            self._sentences = sentence_bounds(self.text)
        return self._sentences


class _Article:
    """The blocks of one pass, with article-wide exemption hits found on demand."""

    def __init__(self, blocks: list[_Block]):
        self.blocks = blocks
        self._hits: dict[str, list[tuple[int, int, int]]] = {}
        self._content: Counter | None = None  # English content words of the blocks, counted (``cohesive``)
        self._topics: dict[str, bool] = {}  # word -> whether it is the article's own (``topic``)
        self._squashed: str | None = None  # the blocks' letters and digits, lower-cased (``names_site``)

    def hits(self, rule: Rule) -> list[tuple[int, int, int]]:
        """(block index, start, end) of every match of the rule's ``unless_article``."""
        if rule.name not in self._hits:
            pattern = rule.compiled["unless_article"]
            self._hits[rule.name] = [(i, m.start(), m.end()) for i, b in enumerate(self.blocks)
                                     for m in pattern.finditer(b.text)]
        return self._hits[rule.name]

    def cohesive(self, rule: Rule, index: int, start: int, end: int, need: int | None = None) -> bool:
        """Whether ``blocks[index].text[start:end]`` shares ``cohesion`` content
        words (``need``, if given) with the rest of the article
        (``english.content_counts``). A paragraph's turn to the reader
        (``en_turn``) that shares one is the article's own advice."""
        if self._content is None:
            self._content = Counter()
            for block in self.blocks:
                self._content.update(english.content_counts(block.text, rule.compiled["cohesion_stop"]))
        own = english.content_counts(self.blocks[index].text[start:end], rule.compiled["cohesion_stop"])
        if sum(self._content[w] > n for w, n in own.items()) >= (need or rule.params["cohesion"]):
            return True
        return self.names_site(self.blocks[index].text[start:end])

    def foreign(self, rule: Rule, index: int, start: int, end: int) -> bool:
        """Whether ``blocks[index].text[start:end]`` is foreign to the article:
        ``english.ASIDE_OWN`` content words at least, at most one in
        ``english.ASIDE_SHARE`` of them said anywhere else in an article of
        ``english.ASIDE_ARTICLE`` characters at least (in any script), and no
        site the article names. An article keeps to its
        subject; an ad pasted into it speaks of its own."""
        self.cohesive(rule, index, start, end, 1)  # (counts the article's words once)
        own = english.content_counts(self.blocks[index].text[start:end], rule.compiled["cohesion_stop"])
        if len(own) < english.ASIDE_OWN or sum(len(b.text) for b in self.blocks) - (end - start) < english.ASIDE_ARTICLE:
            return False
        # (one word in common says little of a long sentence: across, every)
        shared = sum(self._content[w] > n for w, n in own.items())
        return shared <= len(own) // english.ASIDE_SHARE and not self.names_site(self.blocks[index].text[start:end])

    def names_site(self, cut: str) -> bool:
        """Whether the article names, outside ``cut``, a site ``cut`` gives (its
        host's name, as a word or words: Ear Books for earbooks.net): the
        product box of a review, a column about the shop; an ad's own site is
        named nowhere else."""
        labels = [m.group(1).lower() for m in _SITE_NAME.finditer(cut)]
        if not labels:
            return False
        if self._squashed is None:
            self._squashed = "\x00".join(_squash(block.text) for block in self.blocks)
        own = _squash(cut)
        return any(self._squashed.count(label) > own.count(label) for label in labels)

    def topic(self, word: str) -> bool:
        """Whether ``word`` recurs through the article in ``TOPIC_CONTEXTS``
        different contexts (the characters on either side): the article's own
        subject (招生办公室, 招生单位, 招生简章 in an admissions notice), where an
        ad pasted in, once or several times, brings its word in its own words."""
        got = self._topics.get(word)
        if got is None:
            contexts = set()
            for block in self.blocks:
                text = block.text
                at = text.find(word)
                while at >= 0 and len(contexts) < TOPIC_CONTEXTS:
                    contexts.add(text[max(at - 1, 0):at] + "\x00" + text[at + len(word):at + len(word) + 1])
                    at = text.find(word, at + 1)
            got = self._topics[word] = len(contexts) >= TOPIC_CONTEXTS
        return got

    def about(self, rule: Rule, index: int, start: int, end: int) -> bool:
        """Whether the article, outside this match, speaks of the rule's subject."""
        return any(i != index or e <= start or s >= end for i, s, e in self.hits(rule))


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


# a site's name: the label of its host before the top-level domain (www.clymer.co.uk, earbooks.net/en)
_SITE_NAME = re.compile(r"(?<![A-Za-z0-9.\-])(?:www\.)?([A-Za-z][A-Za-z0-9\-]{3,30})\.(?:co\.|com\.)?[a-z]{2,6}\b")


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())


# the contexts in which a word recurs through an article that make it the article's subject
TOPIC_CONTEXTS = 3
# how far before its contact a rule's ``seam`` (an ad's offer) is looked for
SEAM_REACH = 60


def _regex_cuts(rule: Rule, article: _Article, index: int) -> list[tuple[int, int, str]]:
    p = rule.params
    block = article.blocks[index]
    # cheapest first: most rules skip most blocks
    if p["max_block_chars"] is not None and len(block.text) > p["max_block_chars"]:
        return []
    if p["where"] == "head" and index >= p["within"]:
        return []
    if p["where"] == "tail" and index < len(article.blocks) - p["within"]:
        return []
    if rule.screen is not None and not block.passes(rule.screen):
        return []  # the text holds none of the literals every match needs
    if p["raw"] and rule.compiled["raw_needs"] is not None and not rule.compiled["raw_needs"].search(block.raw):
        return []  # (the same over the block's own text)
    return list(_match_cuts(rule, article, index))


# a match this short may be two words' halves
STRADDLE_CHARS = 3


def _straddles(text: str, start: int, end: int) -> bool:
    """Whether a short match of ideographs lies across two words of the host,
    each edge the half of a common word (未必|中国 holds 必中): met by chance."""
    if end - start > STRADDLE_CHARS or start == 0 or end >= len(text) or not all(map(is_cjk, text[start:end])):
        return False
    words = spans.lexicon().words
    return text[start - 1:start + 1] in words and text[end - 1:end + 1] in words


def _match_cuts(rule: Rule, article: _Article, index: int):
    p, c = rule.params, rule.compiled
    block = article.blocks[index]
    text = block.raw if p["raw"] else block.text
    pattern = c["pattern"]
    has_cut_group = "cut" in pattern.groupindex
    for m in pattern.finditer(text):
        s, e = m.span("cut") if has_cut_group and m.group("cut") is not None else m.span()
        if p["seam"] is not None:
            contact = m.start("contact")
            pasted = e < len(text) and _is_letter(text[e])
            seam = c["seam_pasted"] if pasted and p["seam_pasted"] is not None else c["seam"]
            offer = seam.search(text, max(0, contact - SEAM_REACH), contact)
            if offer is None:
                continue
            s = offer.start()
            if pasted:
                label = offer.start("label") if "label" in offer.re.groupindex else contact
                s = spans.pasted_start(text, s, label, e, spans.lexicon())
        if e <= s or _straddles(text, s, e):
            continue
        if p["context"] == "sentence" or p["scope"] == "sentence":
            cs, ce = sentence_at(block.sentences(), s)
            ce = max(ce, e)
        else:
            cs, ce = 0, len(text)
        if p["max_lead"] is not None and s - cs > p["max_lead"]:
            continue  # the match must open its sentence (or block)
        # "also" and the exemption look at the context without the match itself
        context = ((text if p["unless_match"] else _blank(text, s, e))[cs:ce]
                   if (c["also"] or c["unless"]) else "")
        if c["also"] is not None and not c["also"].search(context):
            continue
        signal = rule.signal
        if c["unless"] is not None and c["unless"].search(context) and not (
                p["unless_clause"] and not _own_clause_holds(text, s, e, c["unless"])):
            if p["unless_own_when_pasted"] and _pasted(text, s, e):
                # an ad pasted into a word answers for its own words only: the host's
                # (…这所乡村小学只有|收购老酒老茶，vx➜laojiu_777|六十多名学生…) are another sentence's
                if c["unless"].search(text, s, e) or (
                        c["unless_pasted"] is not None and c["unless_pasted"].search(context)):
                    continue
            # the sentence reports or warns; a term pasted into a word keeps that
            # cover only from its own clause (河道整治完成后，…白鹭又股票配资飞了回来)
            elif p["scope"] != "span" or not _pasted(text, s, e) or _clause_holds(text, s, e, c["unless"]):
                continue
            else:
                signal = "foreign_span"
        cut = (0, len(block.text)) if p["scope"] == "block" else (cs, ce) if p["scope"] == "sentence" else (s, e)
        # the article speaks of the subject outside what would go: the match is
        # content, unless it is foreign to its own sentence (pasted into a word
        # of a sentence that is about something else)
        if c["unless_article"] is not None and article.about(rule, index, *cut):
            if not _foreign(text, s, e, block.sentences(), c["unless_article"]):
                continue
            signal = "foreign_span"
        yield (*cut, signal)
        if p["scope"] == "block":
            return


def _is_letter(ch: str) -> bool:
    return ch.isalnum() or is_cjk(ch)


def _pasted(text: str, start: int, end: int) -> bool:
    """Glued to letters on both sides."""
    return start > 0 and end < len(text) and _is_letter(text[start - 1]) and _is_letter(text[end])


_CLAUSE_END = re.compile(r"[，,；;：:。！？!?\n]")


def _clause_holds(text: str, start: int, end: int, pattern) -> bool:
    """Whether the clause around ``text[start:end]`` (between commas and the
    like), or the clause on either side of it, holds ``pattern`` outside it."""
    before = [m.end() for m in _CLAUSE_END.finditer(text, 0, start)]
    left = before[-2] if len(before) >= 2 else 0
    after = [m.start() for m in _CLAUSE_END.finditer(text, end)][:2]
    right = after[-1] if len(after) == 2 else len(text)
    return bool(pattern.search(_blank(text, start, end)[left:right]))


def _own_clause_holds(text: str, start: int, end: int, pattern) -> bool:
    """Whether the clause holding ``text[start:end]`` holds ``pattern`` outside it."""
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right = _CLAUSE_END.search(text, end)
    return bool(pattern.search(_blank(text, start, end), left, right.start() if right else len(text)))


def _foreign(text: str, start: int, end: int, bounds, topic) -> bool:
    """Whether ``text[start:end]`` was pasted into its sentence: glued to
    letters on both sides, in a sentence whose other words are not about its
    subject (``topic``)."""
    if not _pasted(text, start, end):
        return False
    cs, ce = sentence_at(bounds, start)
    return not topic.search(_blank(text, start, end)[cs:max(ce, end)])


def hidden_signal(value: str) -> str:
    """The signal of a hidden span, from the parser's note of how it was hidden."""
    if value.startswith("style-rule"):
        return "style_class"
    if value == "hidden-attribute":
        return "hidden_attribute"
    if value == "same-colour":
        return "same_colour"
    return "inline_style"


# (and ASCII angle brackets, single or doubled: <<Insert the sponsor's tagline here>>, braces:
# {在这里放上门店地址}, and the full-width and white forms of square brackets and braces: ［待补］, 〖配图〗, ｛…｝)
_OPENING = r"[（(【\[〔<{［〖｛]"
_BRACKETED = re.compile(_OPENING + r"<?[^（）()【】\[\]〔〕<>{}［］〖〗｛｝\n]{4,300}>?[）)】\]〕>}］〗｝]")
_OPENS = re.compile(_OPENING)  # a text without one holds no bracketed passage


def _note_score(rule: Rule, text: str) -> int:
    c, p = rule.compiled, rule.params
    if p["blank_quotes"]:
        text = QUOTED.sub(" ", text)
    lowered = text.lower()  # the groups are lower-case words
    score = sum(w for pattern, w in zip(c["groups"], p["weights"]) if pattern.search(lowered))
    score += 1 if c["marker"] is not None and c["marker"].search(lowered) else 0
    # said as notes are: asked only where it decides (most candidates are far short, or enough)
    weight = p["register_weight"]
    if weight and score < p["min_score"] <= score + weight and metatalk.score(lowered) >= p["register_min"] and (
            c["register_need"] is None or c["register_need"].search(lowered)):
        score += weight
    return score


_CLAUSES = re.compile(r"[^，,；;。！？!?\n]+")


def _clauses_hold(rule: Rule, text: str) -> bool:
    """Whether enough of the clauses of ``text`` hold a word of the rule's groups."""
    clauses = [m.group().lower() for m in _CLAUSES.finditer(text) if m.group().strip()]
    held = sum(1 for clause in clauses if any(g.search(clause) for g in rule.compiled["groups"]))
    return held >= rule.params["clause_share"] * len(clauses)


_LATIN_LETTER = re.compile(r"[A-Za-z]")


def _fits(text: str, max_chars: int) -> bool:
    """Whether a note is short enough for ``max_chars``: an ideograph carries
    what a Latin word of three or four letters does, so Latin letters count
    half (counted only when the text is longer than the limit)."""
    n = len(text)
    if n <= max_chars:
        return True
    # ASCII characters bound the letters from above (one pass in C): most long blocks stop here
    if n > 2 * max_chars or n - len(text.encode("ascii", "ignore")) // 2 > max_chars:
        return False
    return n - len(_LATIN_LETTER.findall(text)) // 2 <= max_chars


def _is_note(rule: Rule, text: str) -> bool:
    unless, need = rule.compiled["unless"], rule.compiled["need"]
    return (_fits(text, rule.params["max_chars"]) and (need is None or need.search(text.lower()) is not None)
            and _note_score(rule, text) >= rule.params["min_score"]
            and not (unless is not None and unless.search(text))
            and (not rule.params["clause_share"] or _clauses_hold(rule, text)))


def _note_cuts(rule: Rule, article: _Article, index: int) -> list[tuple[int, int]]:
    """The notes of ``rule`` in block ``index`` (``_notes``); a ``detached``
    rule's, only those that share nothing with the rest of the article."""
    found = _notes(rule, article, index)
    if found and rule.params["detached"]:
        found = [(s, e) for s, e in found if _detached(rule, article, index, s, e)]
    return found


# a note judged apart from the article holds this many pairs of ideographs or English words at least (a
# heading of four characters, 作者简介, has three), and
# the rest of the article ten times as many (a line alone, or beside a few words, is apart from nothing)
_DETACHED_KEYS = 4
_DETACHED_REST = 30


def _detached(rule: Rule, article: _Article, index: int, start: int, end: int, keys: int = _DETACHED_KEYS) -> bool:
    """Whether ``text[start:end]`` of block ``index`` is long enough to be
    judged and shares no pair of ideographs and no English content word
    with the rest of the article: a line about the page (its follow button,
    its rights, its app, its writer's memo) is about no subject of the
    article's, where the article's own sentences share its words."""
    text = article.blocks[index].text
    cut = text[start:end]
    if len(metatalk.pairs(cut)) < keys and len(metatalk.words(cut)) < keys:
        return False
    rest = "\x00".join([text[:start], text[end:]] + [b.text for i, b in enumerate(article.blocks) if i != index])
    if len(metatalk.pairs(rest)) + len(metatalk.words(rest)) < _DETACHED_REST or salestalk.shared(cut, rest):
        return False
    stop = rule.compiled["cohesion_stop"]
    own = english.content_counts(cut, stop)
    return not own or not any(english.content_counts(rest, stop).keys() & own.keys())


def _notes(rule: Rule, article: _Article, index: int) -> list[tuple[int, int]]:
    """Notes about the text or the site itself: bracketed ones anywhere, or
    the closing sentences of a block at the tail (the whole block when all of
    it is the note): the longest run of its last sentences that is a note and
    whose first sentence alone looks like one."""
    p = rule.params
    block = article.blocks[index]
    text = block.text
    if p["where"] == "bracket":
        found = [(s, e) for s, e, bracket in block.brackets() if _is_note(rule, bracket)]
        if found and rule.compiled["unless_sentence"] is not None:
            # the bracket is its sentence's own (写一篇作文（不少于600字）: the task's length)
            found = [(s, e) for s, e in found if not _clause_holds(text, s, e, rule.compiled["unless_sentence"])]
        if found and p["blank_quotes"]:
            # a bracket inside quotation marks is reported (模板里的“[图片占位]”字样忘了删)
            quoted = [m.span() for m in QUOTED.finditer(text)]
            found = [(s, e) for s, e in found if not any(qs < s and e < qe for qs, qe in quoted)]
        return found
    if p["where"] in ("line", "head"):  # the whole block is the note
        if p["where"] == "head" and index >= p["within"]:
            return []
        # a note glued to a paragraph takes its own sentences, not the paragraph: a block that is a
        # note is one whole when none of its sentences is the article's (a sentence of some length
        # holding none of the note's words), else from the sentence after the article's last, when
        # what follows is a note
        if p["whole"] and _is_note(rule, text):
            own = [e for s, e in block.sentences() if _own_sentence(rule, text[s:e])]
            if not own:
                return [(_note_head(rule, text, 0), len(text))]
            rest = len(text) - len(text[own[-1]:].lstrip())
            return [(_note_head(rule, text, rest), len(text))] if (
                rest < len(text) and _is_note(rule, text[rest:])) else []
        found = _glued_note(rule, text) if p["glued"] else None
        return [(found, len(text))] if found is not None else []
    if index < len(article.blocks) - p["within"]:
        return []
    found = None
    bounds = block.sentences()
    for start, end in reversed(bounds[-3:]):
        if not _fits(text[start:], p["max_chars"]):
            break
        if _note_score(rule, text[start:end]) >= 2 and _is_note(rule, text[start:]):
            found = start
    return [(_note_head(rule, text, found), len(text))] if found is not None else []


# a sentence this long holding none of a note's words, and not said as notes are, is the article's own
_OWN_SENTENCE = 20
_OWN_REGISTER = 0.3


def _own_sentence(rule: Rule, sentence: str) -> bool:
    """Whether ``sentence`` is the article's own rather than part of a note of ``rule``."""
    return (len(sentence) >= _OWN_SENTENCE and _note_score(rule, sentence) == 0
            and metatalk.score(sentence.lower()) < _OWN_REGISTER)


# a note read from a sentence start may hold the host's words glued before it with no sentence end between
# (…味道醇厚本文内容整理自…, …is taken账号所发布…): the note begins where the script changes or where its
# register does (the first pair of ideographs said as notes are), when what is before is the host's own
_SCRIPT_SEAM = re.compile(r"(?<=[\u3400-\u9fff])(?=[A-Za-z])|(?<=[A-Za-z])(?=[\u3400-\u9fff])")
_STOP_AT = re.compile(r"[。！？!?\n]")
_WORD_CHARS = re.compile(r"[A-Za-z0-9\u3400-\u9fff]")
_HOST_HEAD = 20  # letters, digits or ideographs of the host's at least


def _note_head(rule: Rule, text: str, start: int) -> int:
    """Where the note read from ``start`` to the block's end begins once the
    host's words glued before it are left out: the latest place in its first
    sentence where the script changes or a pair of ideographs said
    as notes are opens, with before it the host's: at least twenty letters or
    ideographs (a note's own opening, its sender or its label is shorter)
    holding none of the note's words, not said as notes are and nothing that
    exempts the note (a report's words), and from it a note still (back to
    where its run of such pairs opens); else ``start``."""
    if not rule.compiled["groups"]:
        return start  # a note by its register alone is judged whole sentences: no seam inside them
    sentence_end = _STOP_AT.search(text, start)
    stop = sentence_end.end() if sentence_end else len(text)
    if len(_WORD_CHARS.findall(text[start:stop])) <= _HOST_HEAD:
        return start  # a sentence this short holds no host sentence before the note
    table, unless = metatalk.model(), rule.compiled["unless"]
    seams = [m.start() for m in _SCRIPT_SEAM.finditer(text, start, stop)]
    seams += [i for i in range(start, stop - 1) if is_cjk(text[i]) and table.get(text[i:i + 2], 0.0) > 0]
    found = start
    for seam in sorted(seams):  # the latest seam with the host's own words before it and a note after
        head = text[start:seam]
        if len(_WORD_CHARS.findall(head)) < _HOST_HEAD:
            continue  # (a shorter stretch is the note's own opening, its sender or its label: 某某财经温馨提示：)
        if _note_score(rule, head) or metatalk.score(head.lower(), table) >= _OWN_REGISTER or (
                unless is not None and unless.search(head)):
            break  # the note's own words, said as notes are, or what makes it reported (记者…, 法院认为…)
        if _is_note(rule, text[seam:]):
            found = seam
    # back to where the run of pairs said as notes opens (本文内容: from 本, not 文), over gaps of one pair
    while found > start + _HOST_HEAD and is_cjk(text[found - 1]):
        step = next((k for k in (1, 2) if table.get(text[found - k:found - k + 2], 0.0) > 0), 0)
        if not step:
            break
        found -= step
    return found


# a block closed as sentences are (its glued note may be judged)
_CLOSED = re.compile(r"[。！？!?.…~～）)】」”\"]\s*$")
# ... or, for a note judged by its register alone (whole sentences), ended on a word or a closing mark
# (a notice pasted on with no full stop: …均为示意，以实物为准 / —— 仅供参考 ——)
_OPEN_END = re.compile(r"[\w\u3400-\u9fff*※—\-〕］】」』>＞]\s*$")


def _glued_note(rule: Rule, text: str) -> int | None:
    """Where a note of ``rule`` glued after the sentences of a paragraph starts:
    a run of its last sentences closed as sentences are (an unfinished one,
    详情请点击链接：, leads on), whose first is a note alone (a cry, 点赞！, may be
    the paragraph's own). Only the sentences within ``max_chars`` of the end
    are read, nearest first, and only one holding what the note needs is
    judged."""
    limit = rule.params["max_chars"]
    reach = max(0, len(text) - 2 * limit)
    if not _CLOSED.search(text) and (rule.compiled["groups"] or not _OPEN_END.search(text)):
        return None
    tail = text[reach:].lower()
    if not all(pattern.search(tail) for pattern in _indispensable(rule)):
        return None
    need = rule.compiled["need"]
    starts = [m.end() for m in _STOP.finditer(text, reach)]
    if starts and starts[-1] == len(text):
        del starts[-1]  # the block's closing mark
    if not rule.compiled["groups"] and (not starts or not metatalk.says_strongly(text[starts[-1]:].lower())):
        return None  # (a note by its register alone: its last sentence holds a key only notes say, or none is)
    found = None
    for start, end in reversed(list(zip(starts, starts[1:] + [len(text)]))):
        if not _fits(text[start:], limit):
            break
        sentence = text[start:end]
        if (need is None or need.search(sentence.lower())) and _is_note(rule, sentence) and (
                end == len(text) or _is_note(rule, text[start:])):
            found = start
        elif not rule.compiled["groups"]:
            break  # a note by its register alone is a run of the block's last sentences, each said so
    return None if found is None else _note_head(rule, text, found)


# (an English sentence's full stop ends it before a space, an ideograph or a capital: …is taken.本文…,
# …the flowers fade. Content may be shared…, …fade.PS：…)
_STOP = re.compile(r"(?:[。！？!?]|\.(?=\s|[\u3400-\u9fffA-Z]))\s*")


def _indispensable(rule: Rule) -> list:
    """The patterns every note of ``rule`` holds: its ``need``, and each group
    without which the rest (the other groups, the marker, the register) falls
    short of ``min_score``."""
    c, p = rule.compiled, rule.params
    most = sum(p["weights"]) + (1 if c["marker"] is not None else 0) + p["register_weight"]
    groups = [g for g, w in zip(c["groups"], p["weights"]) if most - w < p["min_score"]]
    return ([c["need"]] if c["need"] is not None else []) + groups


def _span_cuts(rule: Rule, block: _Block) -> list[tuple[int, int, str]]:
    """Ads pasted inside a sentence (``spans.cuts``), over the folded view."""
    c, p = rule.compiled, rule.params
    if rule.screen is not None and not block.passes(rule.screen):
        return []  # no word of a heavy group: no span can weigh enough
    text = block.text
    anchors = [spans.Anchor(m.start(), m.end(), c["weights"][m.group()], m.group())
               for m in c["anchors"].finditer(text)]
    if sum(a.weight for a in anchors) < p["min_weight"]:
        return []  # most blocks: no sales talk, no table needed
    if c["marker"] is not None:
        # a word inside a contact (加微信abc) is the contact's, counted once with it
        marks = [spans.Anchor(m.start(), m.end(), p["marker_weight"], "\x00contact")
                 for m in c["marker"].finditer(text)]
        anchors = [a for a in anchors if not any(k.start <= a.start and a.end <= k.end for k in marks)] + marks
    params = spans.Params(p["window"], p["max_gap"], p["min_weight"], p["edge_weight"])
    found = spans.cuts(text, anchors, block.sentences(), params, spans.lexicon(), c["unless"])
    skip = c["skip"]
    return [(s, e, signal) for s, e, signal in found if skip is None or not skip.search(text, s, e)]


def _offer_cuts(rule: Rule, article: _Article, index: int) -> list[tuple[int, int, str]]:
    """Short ads of any trade by their offer marks (``offers``), over the folded view."""
    c, p = rule.compiled, rule.params
    block = article.blocks[index]
    text = block.text
    line = p["place"] == "line"
    start = 0
    if line and len(text) > p["max_chars"] + 4:
        # a line rule judges a short block, or the unterminated tail glued to a longer one
        start = offers.glued_tail(text)
        if start is None:
            return []
    elif line and index == 0:
        return []
    if rule.screen is not None and not block.passes(rule.screen):
        return []
    found = offers.marks(c["marks"], c["weights"], p["shape_weights"], text, start)
    heft = sum(a.weight for a in found)
    if heft >= p["lone_weight" if p["lone_weight"] is not None and not line else "min_weight"] - line:
        # the figures an article reports, and its own words of trade, offer nothing
        found = [a for a in offers.reported(text, found)
                 if a.weight < 2 or a.text not in c["weights"] or not article.topic(a.text)]
        heft = sum(a.weight for a in found)
    if heft < p["min_weight"] - line:
        # (a line of one strong mark may do: offers.is_offer_line); inline, fewer marks
        # only for a lone span (offers.Lone), told apart cheaply before any sentence is cut
        lone = None if line or p["lone_weight"] is None else offers.Lone(
            p["lone_weight"], p["lone_chars"], c["unless_lone"])
        if lone is None or heft < lone.weight or not offers.may_be_lone(text, found, lone):
            return []
    if line:
        blocks = article.blocks
        around = (text[:start] if start else blocks[index - 1].text,
                  blocks[index + 1].text if index + 1 < len(blocks) else "")
        if not offers.is_offer_line(text[start:], found, around, p["min_weight"], p["max_chars"], c["unless"]):
            return []
        return [(start, len(text), "offer_tail" if start else "offer_line")]
    if offers.line_shaped(text, p["max_chars"]):
        return []  # a line: the line rule's to judge whole
    params = spans.Params(p["window"], p["max_gap"], p["min_weight"], p["edge_weight"])
    lone = None if p["lone_weight"] is None else offers.Lone(p["lone_weight"], p["lone_chars"], c["unless_lone"])
    cuts = offers.span_cuts(text, found, block.sentences(), params, spans.lexicon(), c["unless"], lone)
    skip = c["skip"]
    return [(s, e, signal) for s, e, signal in cuts if skip is None or not skip.search(text, s, e)]


def _en_offer_cuts(rule: Rule, article: _Article, index: int) -> list[tuple[int, int, str]]:
    """English sales sentences or pasted keyword runs (``english``), over the folded view."""
    c, p = rule.compiled, rule.params
    block = article.blocks[index]
    text = block.text
    if not block.english() or (rule.screen is not None and not block.passes(rule.screen)):
        return []
    found = english.marks(c["marks"], text)
    if not found:
        return []
    if p["place"] == "run":
        return english.run_cuts(text, block.sentences(), found, p["weights"], c["function"], p["min_weight"],
                                c["unless"], c["acts"])
    foreign = None if p["cohesion"] is None else lambda start, end: article.foreign(rule, index, start, end)
    return english.sentence_cuts(text, block.sentences(), found, p["weights"], c["voice"], c["function"],
                                 p["min_weight"], c["unless"], p["register_min"], c["acts"], foreign)


# a lone host's sentence is judged detached from the article with this many keys (pairs, words) at least
LONE_HOST_KEYS = 2
_FULL_WIDTH = re.compile("[\uff01-\uff5e]")


def _lone_host_cuts(rule: Rule, article: _Article, index: int) -> list[tuple[int, int, str]]:
    """A lone host or IP address announced (``hosts.announced``), with its
    sentence when little else is in it; kept when the article speaks of the
    site elsewhere (its name outside the host) or the sentence reports."""
    c, p = rule.compiled, rule.params
    block = article.blocks[index]
    text = block.text
    tokens = block.hosts(c["not_tlds"], c["spelt_tlds"]) + hosts.find_ips(text)
    if not tokens:
        return []
    bounds = block.sentences()
    # the article's words outside its hosts: where it would name a site it speaks of
    blanked = text
    for tok in tokens:
        blanked = _blank(blanked, tok.start, tok.end)
    elsewhere = "\x00".join([blanked] + [b.text for i, b in enumerate(article.blocks) if i != index]).lower()
    cuts = []
    for tok in tokens:
        if c["official"] is not None and c["official"].search(tok.host):
            continue
        lo = sentence_at(bounds, tok.start)[0]
        hi = max(sentence_at(bounds, tok.end - 1)[1], tok.end)
        rest = text[lo:tok.start] + " " + text[tok.end:hi]
        if c["unless"] is not None and c["unless"].search(rest):
            continue
        if hosts.site_name(tok.host) in elsewhere:
            continue  # the article speaks of the site
        # full-width letters in the page's own text are a notation no link is written in
        disguised = tok.disguised or _FULL_WIDTH.search(block.raw[slice(*block.cut_in_raw(tok.start, tok.end))])
        whole = hosts.announced(text, tok._replace(disguised=bool(disguised)), rest, c["cues_before"], c["cues_after"],
                                p["min_score"], p["register_min"], p["max_rest"],
                                lambda: _detached(rule, article, index, lo, hi, LONE_HOST_KEYS),
                                len(metatalk.pairs(rest)) + len(metatalk.words(rest)) < LONE_HOST_KEYS)
        if whole is not None:
            cuts.append((lo, hi, rule.signal) if whole else (tok.start, tok.end, rule.signal))
    return cuts


def _shared(article: _Article, index: int, start: int, before: int) -> int:
    """Pairs of ideographs the talk from ``start`` of block ``index`` shares with
    the rest of the article: the other blocks and the block's text before ``before``."""
    text = article.blocks[index].text
    rest = "\x00".join([text[:before]] + [b.text for i, b in enumerate(article.blocks) if i != index])
    return salestalk.shared(text[start:], rest)


def _sales_cuts(rule: Rule, article: _Article, index: int) -> list[tuple[int, int, str]]:
    """Chinese sales talk making a paragraph or ending one (``salestalk``),
    over the folded view; kept when it shares the article's subject."""
    c, p = rule.compiled, rule.params
    block = article.blocks[index]
    if rule.screen is not None and not block.passes(rule.screen):
        return []
    text = block.text
    found = english.marks(c["marks"], text, unquoted=True)

    def shares(start: int, walked: int) -> int:
        return _shared(article, index, start, walked)

    talk = salestalk.talk_start(text, block.sentences(), found, p["weights"], c["address"], p, c["unless"], shares)
    if talk is None:
        return []
    start, walked = talk
    if shares(start, walked) > p["max_shared"]:
        return []
    return [(start, len(text), rule.signal if start == 0 else "sales_tail")]


def _said_cuts(rule: Rule, article: _Article, index: int) -> list[tuple[int, int, str]]:
    """Chinese talk said as ads are making a paragraph or ending one (``salestalk.said_start``)."""
    block = article.blocks[index]
    if rule.screen is not None and not block.passes(rule.screen):
        return []
    text = block.text
    if len(text) > rule.params["max_chars"] or cjk_count(text) < rule.params["min_chars"]:
        return []
    marks = rule.compiled["marks"]
    kept: list = []

    def found() -> list:  # the marks, looked for only when they decide (most blocks: never)
        if not kept:
            kept.append(english.marks(marks, text, unquoted=True) if marks is not None else [])
        return kept[0]

    start = salestalk.said_start(text, block.sentences(), rule.compiled["pattern"], found, rule.compiled["unless"],
                                 rule.params, lambda start: _shared(article, index, start, start),
                                 rule.compiled.get("plain_unless"))
    if start is None:
        return []
    return [(start, len(text), rule.signal if start == 0 else "said_tail")]


def _rule_cuts(rule: Rule, article: _Article, index: int) -> list[tuple[int, int, str]]:
    """(start, end, signal) of what the rule finds in one block: over the
    folded view, except for ``hidden`` and ``stuffing`` (over the block's own text)."""
    p, c = rule.params, rule.compiled
    block = article.blocks[index]
    signal = rule.signal
    if rule.kind == "regex":
        return _regex_cuts(rule, article, index)
    if rule.kind == "hidden":
        # over the block's own text: a span may hold nothing but invisible characters
        return [(s, e, hidden_signal(value)) for s, e, kind, value in block.raw_spans if kind == "hidden" and e > s]
    if rule.kind == "host_run":
        tokens = block.hosts(c["not_tlds"], c["spelt_tlds"])
        return [(s, e, signal) for s, e in hosts.farm_cuts(
            block.text, tokens, c["cues_before"], c["cues_after"],
            p["min_run"], p["pipe_min_run"], p["loose_min_run"])] if tokens else []
    if rule.kind == "bare_url":
        tokens = block.hosts(c["not_tlds"], c["spelt_tlds"])
        if not tokens:
            return []
        cuts = hosts.bare_url_cuts(block.text, tokens, c["spam_host_words"], c["cues_before"], c["cues_after"])
        # a sentence that reports on the site keeps it, unless it was pasted into a word
        bounds = block.sentences() if cuts and c["unless"] is not None else []
        return [(s, e, signal) for s, e, pasted in cuts
                if pasted or c["unless"] is None
                or not c["unless"].search(_blank(block.text, s, e)[slice(*sentence_at(bounds, s))])]
    if rule.kind == "lone_host":
        return _lone_host_cuts(rule, article, index)
    if rule.kind == "note":
        return [(s, e, signal) for s, e in _note_cuts(rule, article, index)]
    if rule.kind == "span":
        return _span_cuts(rule, block)
    if rule.kind == "offer":
        return _offer_cuts(rule, article, index)
    if rule.kind == "en_offer":
        return _en_offer_cuts(rule, article, index)
    if rule.kind == "foreign" and p["place"] == "shape":
        seeds = adshape.seeds(block.text)
        if not seeds:
            return []  # most blocks: no two characters of trade in a row
        params = adshape.Params(p["min_chars"], p["max_chars"], p["min_score"], p["min_mean"], p["max_long"])
        return adshape.cuts(block.text, block.sentences, lambda: "\n".join(b.text for b in article.blocks),
                            params, spans.lexicon(), c["unless"], c["unless_lone"], block.adjacent, seeds)
    if rule.kind == "foreign":
        if p["min_words"] >= 2 and not block.english():
            return []  # no two English words in a row: no English sentence to be foreign to
        find = foreign.tail_cuts if p["place"] == "tail" else foreign.script_cuts
        return [(s, e, signal) for s, e in find(block.text, p["min_chars"], p["min_words"])]
    if rule.kind == "sales":
        return _sales_cuts(rule, article, index)
    if rule.kind == "stuffing":  # (a block ``stuffing.candidates`` rules out is never asked: ``_NEEDS``)
        # over the block's own text: the separators the folded view drops between ideographs tell the items
        return [(s, e, signal) for s, e in stuffing.cuts(block.raw, c["params"], c["words"])]
    if rule.kind == "terms":  # (over the block's own text, as stuffing)
        raw = block.raw

        def shares(start: int, end: int, lo: int, hi: int) -> int:
            # what raw[start:end] shares with the article outside raw[lo:hi]: its subject
            rest = "\x00".join([raw[:lo], raw[hi:]] + [b.raw for i, b in enumerate(article.blocks) if i != index])
            return salestalk.shared(raw[start:end], rest)

        return [(s, e, signal) for s, e in termlist.cuts(raw, c["terms"], shares)]
    if rule.kind == "said":
        return _said_cuts(rule, article, index)
    if rule.kind == "link_run":
        if not block.spans:
            return []  # no link in the block: no run of them
        return [(s, e, signal) for s, e in hosts.link_run_cuts(
            block.text, block.spans, c["cues_before"], c["cues_after"],
            p["min_run"], p["pipe_min_run"], p["loose_min_run"])]
    raise ValueError(f"unknown rule kind {rule.kind!r}")  # RuleSet validation prevents this


# a notice's label (…提示：, …声明：) and the few characters before it in its sentence: whose notice it is
_LABEL = re.compile(r"\s*(?:温馨|风险|特别|重要|友情)?(?:提示|提醒|声明|说明|公告|须知)\s*[:：]")
_SENTENCE_END = "。！？!?；;\n"


def _label_owner(text: str, start: int, end: int) -> int:
    """Where a cut that runs to the end of its block and opens with a
    notice's label starts once it takes the label's owner (…。银河提示：… →
    from 银河): at most 12 characters, back to the end of the sentence
    before, with no comma between (they name the notice's sender, not the
    host's words)."""
    if end < len(text.rstrip()) or not _LABEL.match(text, start):
        return start
    b = start
    while b > 0 and start - b < 12 and text[b - 1] not in _SENTENCE_END and text[b - 1] not in "，,、：:“”\"":
        b -= 1
    return b if b == 0 or text[b - 1] in _SENTENCE_END else start


def _widened(block: _Block, found: list[tuple[int, int, str]], article: _Article) -> list[tuple[int, int, str]]:
    """Cuts of ads pasted in a sentence widened over what they left of the ad at their seams (``adshape.widen``)."""
    out = []
    for s, e, signal in found:
        if signal in adshape.WIDENED:
            lo, hi = sentence_at(block.sentences(), s)
            s, e = adshape.widen(block.text, s, e, lo, max(hi, e), spans.lexicon(),
                                 lambda: "\n".join(b.text for b in article.blocks))
        out.append((s, e, signal))
    return out


def _clean_block(rules: list[Rule], live: list[int], article: _Article, index: int, block: dict):
    """Run the rules in order over one block, each on the text the previous left.

    ``live``: the positions, in order, of the rules that may find something in
    the block as it was when the pass began (``Cleaner._block_live``); once a
    cut changes the block, every later rule is tried. Returns the new block
    (None when nothing is left) and the removals, or (block, []) when nothing
    was found.
    """
    work = article.blocks[index]
    removed: list[dict] = []
    spans = block.get("spans")
    order, position = live, 0  # the live rules; from the first cut, every rule after it
    changed = False
    origin, alive, gone = work.raw, None, {}  # the block's text, the offsets left, why each other went
    while position < len(order):
        k = order[position]
        position += 1
        rule = rules[k]
        if work.type not in rule.block_types or not work.raw:
            continue
        if rule.kind == "remnant":  # over the block's own text, knowing what went
            found = [(s, e, rule.signal) for s, e in salestalk.remnants(
                origin, alive, gone, rule.compiled["reasons"], rule.params["min_register"],
                rule.compiled["unless"])] if gone else []
        else:
            found = _rule_cuts(rule, article, index)
        if found and rule.params.get("grow") and rule.params["scope"] == "span":
            bounds = work.sentences()
            found = [(*extent.grow(work.text, s, e, *sentence_at(bounds, s)), signal)
                     for s, e, signal in found]
        if found and rule.params.get("cohesion") is not None:
            found = [cut for cut in found if not article.cohesive(
                rule, index, cut[0], cut[1], english.TURN_COHESION if cut[2] == "en_turn" else None)]
        if not found:
            continue
        if any(signal in adshape.WIDENED for _s, _e, signal in found):
            found = _widened(work, found, article)
        text = work.raw
        if rule.kind not in ("hidden", "remnant", "stuffing", "terms"):  # the others cut the folded view
            found = [(*work.cut_in_raw(s, e), signal) for s, e, signal in found]
            found = [(_label_owner(work.raw, s, e), e, signal) for s, e, signal in found]
        cuts = merge_cuts([(*stitch(text, s, e), (rule.reason, signal), 0) for s, e, signal in found])
        alive = list(range(len(origin))) if alive is None else alive
        for s, e, (reason, _signal) in cuts:
            gone.update(dict.fromkeys(alive[s:e], reason))
        alive = [offset for i, offset in enumerate(alive) if not any(s <= i < e for s, e, _ in cuts)]
        kept, pieces, spans = apply_cuts(text, cuts, spans)
        removed += [{"reason": reason, "signal": signal, "text": piece} for (reason, signal), piece in pieces]
        work = _Block({"type": work.type, "text": kept, "spans": spans})
        article.blocks[index] = work
        if not changed:
            order, position, changed = range(k + 1, len(rules)), 0, True
    if not removed:
        return block, []
    left = work.raw
    if left and not any(ch.isalnum() for ch in left):
        # only punctuation or spaces are left: they go with the largest removal's reason
        largest = max(removed, key=lambda r: len(r["text"]))
        removed.append({"reason": largest["reason"], "signal": largest["signal"], "text": left})
        left = ""
    if not left:
        return None, removed
    new = dict(block, text=left)
    if spans:
        new["spans"] = spans
    else:
        new.pop("spans", None)
    return new, removed


# the rules that find nothing in a block without a mark: spans (hidden text over
# the block's own, links), a dot in its folded view (hosts), an opening bracket
# (notes in brackets)
_NEEDS = {
    "spans": lambda rule: rule.kind in ("hidden", "link_run"),
    "dot": lambda rule: rule.kind in ("host_run", "bare_url", "lone_host"),
    "bracket": lambda rule: rule.kind == "note" and rule.params["where"] == "bracket",
    "stuffing": lambda rule: rule.kind == "stuffing",
}


def _length_limit(rule: Rule) -> int | None:
    """The longest block (folded view) in which the rule may find something:
    ``max_block_chars`` of a regex rule; for a note that is the whole block,
    twice its ``max_chars`` (``_fits``: Latin letters count half); not for a note
    read only as the last sentences of a block of any length (``whole`` false)."""
    if rule.kind == "regex":
        return rule.params["max_block_chars"]
    if rule.kind == "note" and rule.params["where"] in ("line", "head") and rule.params["whole"]:
        return 2 * rule.params["max_chars"]
    return None


def _screens(ruleset: RuleSet) -> Screens:
    """The screens of ``ruleset``'s rules: those it was read with from the rules cache
    (their database compiled before), or built."""
    screens = tuple(dict.fromkeys(r.screen for r in ruleset.rules if r.screen is not None))
    kept = ruleset.screens
    if kept is not None and len(kept.screens) == len(screens) and all(map(operator.is_, kept.screens, screens)):
        return kept
    return Screens(screens)


class Cleaner:
    """Cleans articles with one ``RuleSet``; holds no state between articles."""

    def __init__(self, ruleset: RuleSet, max_removed_share: float = 0.5):
        if not 0 < max_removed_share <= 1:
            raise ValueError("max_removed_share must be in (0, 1]")
        self.rules = ruleset.rules
        self.max_removed_share = max_removed_share
        self._strong = [r for r in self.rules if r.strong]
        self._screens = _screens(ruleset)
        self._screen_bit = {screen: 1 << i for i, screen in enumerate(self._screens.screens)}
        self._article_patterns = [r.compiled["unless_article"] for r in self.rules
                                  if r.compiled.get("unless_article") is not None]
        # blocks this close to either end depend on their position (rules with "where")
        self._window = max((r.params["within"] for r in self.rules
                            if r.params.get("where", "any") != "any"), default=0)
        # note rules that look only at the head or the tail: (position, head?, within)
        self._edge_notes = [(k, r.params["where"] == "head", r.params["within"]) for k, r in enumerate(self.rules)
                            if r.kind == "note" and r.params["where"] in ("head", "tail")]
        self._edge_reach = max((within for _, _, within in self._edge_notes), default=0)
        self._stuffing = any(r.kind == "stuffing" for r in self.rules)
        self._off: dict[tuple[int, int], int] = {}  # (blocks before, blocks after, at most the reach) -> ``_placed``
        self._positions: dict[int, tuple] = {}  # id of a list of rules -> (it, ``_by_screen``'s answer)

    def clean_blocks(self, blocks: list[dict]) -> CleanResult:
        """Clean a list of blocks; the input is not modified."""
        input_chars = sum(len(b["text"]) for b in blocks)
        current, removed = self._run(blocks, self.rules)
        removed_chars = sum(len(r["text"]) for r in removed)
        if input_chars and (removed_chars / input_chars > self.max_removed_share or not current):
            return self._valve(blocks, removed, round(removed_chars / input_chars, 4))
        return self._result(current, removed, input_chars)

    def _run(self, blocks: list[dict], rules: list[Rule]) -> tuple[list[dict], list[dict]]:
        """Passes of ``rules`` until nothing more is found: (blocks, removals)."""
        current = [dict(b) for b in blocks]
        removed: list[dict] = []
        todo = None  # block indices to look at; None: all
        for _ in range(MAX_PASSES):
            current, found, todo = self._pass(current, todo, rules)
            if not found:
                break
            removed += found
        return current, removed

    def _valve(self, blocks: list[dict], removed: list[dict], share: float) -> CleanResult:
        """Too much would go (or everything): a doubtful signal is more likely
        wrong than the page. The strong removals alone are kept (hidden text,
        runs of hosts, templates), unless they too would empty the article;
        the flag records the share and what was skipped."""
        input_chars = sum(len(b["text"]) for b in blocks)
        kept_blocks, kept = self._run(blocks, self._strong) if self._strong else (blocks, [])
        if not kept or not kept_blocks:
            kept_blocks, kept = copy.deepcopy(blocks), []
        skipped = [r for r in removed if not kept or r["signal"] not in STRONG_SIGNALS]
        flag = {"reason": SAFETY_VALVE, "signal": SAFETY_VALVE, "text": "", "share": share,
                "skipped": [{"reason": r["reason"], "signal": r["signal"], "text": r["text"]} for r in skipped]}
        result = self._result(kept_blocks, kept + [flag], input_chars)
        result.valve = True
        return result

    @staticmethod
    def _result(blocks: list[dict], removed: list[dict], input_chars: int) -> CleanResult:
        by_reason: dict[str, list[int]] = {}
        for r in removed:
            tally = by_reason.setdefault(r["reason"], [0, 0])
            tally[0] += 1
            tally[1] += len(r["text"])
        removed_chars = sum(len(r["text"]) for r in removed)
        return CleanResult(blocks, removed, input_chars, removed_chars, by_reason=by_reason)

    def _pass(self, blocks: list[dict], todo: set[int] | None, rules: list[Rule]):
        """One pass over ``blocks`` (only those in ``todo`` when given).

        Returns the new blocks, the removals, and what the next pass must look
        at: the blocks that changed; when a block went, also those now at the
        head or tail (rules with ``where``); all of them when removed text held
        a word an article-wide exemption counts.
        """
        article = _Article([_Block(b) for b in blocks])
        if self._stuffing and (rules is self.rules or any(r.kind == "stuffing" for r in rules)):
            may = stuffing.candidates([b.raw for b in article.blocks], [b.origin is not None for b in article.blocks])
            for i, block in enumerate(article.blocks):
                block.stuffed = i in may
        live = None if self._screens.indexed else self._live_rules(article, todo, rules)
        out: list[dict] = []
        removed: list[dict] = []
        changed: set[int] = set()
        everything = shifted = False
        for i, block in enumerate(blocks):
            if todo is not None and i not in todo:
                out.append(block)
                continue
            original = block["text"]
            block_live = self._block_live(article.blocks[i], live, rules, i, len(blocks))
            new, found = _clean_block(rules, block_live, article, i, block)
            if not found:
                out.append(block)
                continue
            removed += found
            everything = everything or self._reaches_article(original, [r["text"] for r in found])
            if new is None:
                shifted = True
            else:
                changed.add(len(out))
                out.append(new)
        if everything:
            return out, removed, None
        if shifted and self._window:
            changed |= set(range(min(self._window, len(out))))
            changed |= set(range(max(len(out) - self._window, 0), len(out)))
        return out, removed, changed

    def _live_rules(self, article: _Article, todo: set[int] | None, rules: list[Rule]) -> list[bool]:
        """Per rule, whether it may find something in a block of this pass.

        A screen that fails on all the blocks joined fails on each of them, so
        its rules are ruled out with one scan of the article instead of one
        per block (joining can only add matches, across a seam); all the
        screens are asked in that one scan.
        """
        text = "\x00".join(b.text for i, b in enumerate(article.blocks) if todo is None or i in todo)
        verdicts = self._screens.verdicts(text)
        return [rule.screen is None or verdicts[rule.screen] for rule in rules]

    def _block_live(self, block: _Block, live: list[bool] | None, rules: list[Rule], index: int,
                    count: int) -> list[int]:
        """The positions of the rules that may find something in block
        ``index`` of ``count``: one scan of its text tells every screen's
        verdict (a rule whose screen fails finds nothing), so most rules of a
        clean block are never called, nor looked at (the rules of each screen
        passed are read from a table, as bits). Without the one scan, those of
        ``live`` (``_live_rules``). The head and tail note rules are left out
        where the block is not where they look (each would be called only to say so)."""
        if live is not None:
            found = [k for k, may in enumerate(live) if may and (block.stuffed or rules[k].kind != "stuffing")]
            return [k for k in found if not self._placed(index, count) >> k & 1] if rules is self.rules else found
        # (a screen passed by the block is passed by the article it is in: no scan of the article is needed)
        passing = block._passing = self._screens.mask(block.text)
        block._bit = self._screen_bit
        unscreened, by_screen, position, marked, limits = self._by_screen(rules)
        found = unscreened
        while passing:
            low = passing & -passing
            found |= by_screen.get(low, 0)
            passing ^= low
        # rules of a kind that needs a mark the block lacks (``_NEEDS``), or that look at shorter blocks
        if not block.raw_spans:
            found &= ~marked["spans"]
        text = block.text
        if not hosts.maybe_hosts(text):
            found &= ~marked["dot"]
        if _OPENS.search(text) is None:
            found &= ~marked["bracket"]
        if not block.stuffed:
            found &= ~marked["stuffing"]
        bounds, over = limits  # rules that look at short blocks only
        found &= ~over[bisect.bisect_left(bounds, len(text))]
        if rules is self.rules:
            found &= ~self._placed(index, count)
        positions = []
        while found:
            low = found & -found
            positions.append(position[low])
            found ^= low
        return positions

    def _by_screen(self, rules: list[Rule]) -> tuple:
        """As bits (bit k: ``rules[k]``), the rules without a screen, and those of
        each screen by its bit (``Screens.mask``); each rule's position by its
        bit; the rules that need a mark (``_NEEDS``), by mark; and those with a
        ``_length_limit``: the limits in ascending order, and the rules of the
        first n of them, for each n."""
        known = self._positions.get(id(rules))
        if known is None or known[0] is not rules:
            by_screen: dict[int, int] = {}
            for k, rule in enumerate(rules):
                if rule.screen is not None:
                    bit = self._screen_bit[rule.screen]
                    by_screen[bit] = by_screen.get(bit, 0) | 1 << k
            unscreened = sum(1 << k for k, rule in enumerate(rules) if rule.screen is None)
            marked = {mark: sum(1 << k for k, rule in enumerate(rules) if needs(rule)) for mark, needs in _NEEDS.items()}
            limits: dict[int, int] = {}
            for k, rule in enumerate(rules):
                if (limit := _length_limit(rule)) is not None:
                    limits[limit] = limits.get(limit, 0) | 1 << k
            bounds = sorted(limits)
            over = [0]  # by how many limits a block's length is over: those rules, as bits
            for limit in bounds:
                over.append(over[-1] | limits[limit])
            known = self._positions[id(rules)] = (rules, unscreened, by_screen, {1 << k: k for k in range(len(rules))},
                                                  marked, (bounds, over))
        return known[1:]

    def _placed(self, index: int, count: int) -> int:
        """As bits, the head and tail note rules that do not look at block ``index`` of ``count``."""
        key = (min(index, self._edge_reach), min(count - 1 - index, self._edge_reach))
        off = self._off.get(key)
        if off is None:
            off = self._off[key] = sum(1 << k for k, head, within in self._edge_notes
                                       if (index >= within if head else index < count - within))
        return off

    def _reaches_article(self, original: str, pieces: list[str]) -> bool:
        """Whether a removal took (part of) a word that an article-wide exemption counts."""
        for piece in pieces:
            at = original.find(piece)
            around = original[max(0, at - 8):at + len(piece) + 8] if at >= 0 else original
            if any(p.search(around) for p in self._article_patterns):
                return True
        return False

    def clean(self, article) -> CleanResult:
        """Clean an ``Article`` in place: blocks, text and ``removed``.

        An article already flagged by the safety valve is left alone (its
        verdict stands), which keeps cleaning idempotent.
        """
        if any(r.get("reason") == SAFETY_VALVE for r in article.removed):
            chars = sum(len(b["text"]) for b in article.blocks)
            return CleanResult(article.blocks, [], chars, 0)
        result = self.clean_blocks(article.blocks)
        if result.removed:
            article.blocks = result.blocks
            article.removed.extend(result.removed)
            article.join_text()
        return result
