"""Keyword stuffing: runs of search terms that vary one head.

SEO spam pastes a run of short search terms into a page (上海装修公司,上海装修公司哪家好,
上海装修公司排名… / ``best casino online, online casino free, casino bonus…``), joined by
any separator or by none, under a label (相关搜索：, ``Tags:``) or none. What gives it
away is its structure, whatever the trade: the same *core* (two ideographs or more, or
an English word) recurs item after item, a few characters apart, in items too short to
be clauses, with none of the words that bind prose (了, 的, ``the``, ``was``) between.

The run is read over the block's own text, where the separators between ideographs
that the folded view drops (``上海装修公司|上海装修公司哪家好``) still tell the items: a
core is found by its occurrences, close together, and the run's items run from a
separator (or an occurrence) to the next. Kept:

- a list the host's grammar binds: a word that introduces an enumeration right before
  it (包括, 如, ``including``), or one that continues or closes it right after (和, 等,
  的, ``and``): 北京大学、北京师范大学、北京理工大学等高校…;
- items that differ only by a numeral or an ordinal (一号线、二号线、三号线), items that
  narrate (parallel clauses: 定力务必要强、魄力务必要大…) or hold a bracket, a quote or a sum;
- runs in which no item set apart by separators is the core alone, is held in another
  or holds a query word (哪家好, 价格): a list sharing a category word (利率风险、汇率风险、
  融资财务风险) is prose; a searcher's list repeats and queries. It takes four items
  (three under a label; five all opening with the core when nothing else tells).

The cut takes the run from its first item to its last, its label with it; at a seam
with the host's text it never takes the host's characters: a run glued to a word
starts at its core, and its last item ends where the other items' tails would.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from crawler.cleaning.textops import IS_CJK_CLASS

# what ends a stretch (a run never crosses a sentence's end)
_STRETCH_END = re.compile(r"[。！？!?\n]|\.(?=\s|$)")
# what may join two items
SEPARATORS = frozenset(",，、;；|/·丨｜•:：_-— \t")
EN_SEPARATORS = SEPARATORS - {" ", "\t", "-"}  # English items hold spaces and hyphens
_NUMERAL = re.compile(r"[0-9〇零一二三四五六七八九十百千两第号期届级#.\s]+")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
# a count of what a list named (三款手机, 两家公司, 4 models): the host's sentence sums it up
_COUNTED = re.compile(r"[一二两三四五六七八九十几多数0-9]{1,3}\s?(?:款|个|家|种|位|名|项|类|所|座|条|部|台|只|件|型|大|models?\b)")
# what an item never holds: brackets and quotation marks (the marks of prose, of a title), a sum or a
# year (a price list, a timeline: 899 美元, 2019年)
_PROSE_MARKS = re.compile(r"[（）()“”\"《》「」]|\d{3}")
_IDEOGRAPHS = re.compile(r"[\u3400-\u9fff]")
# two or more characters ``textops.is_cjk`` says yes to
_CJK_RUN = re.compile(IS_CJK_CLASS + "{2,}")
# items of a run whose pairs are compared (does one hold another?)
_PAIRED = 64
_LABEL_COLON = re.compile(r"\s*[:：]\s*$")


@dataclass(frozen=True)
class Params:
    min_items: int  # items of a run that holds the head alone, an item inside another or a query word
    min_items_plain: int  # ... of one that does not, whose items all open with the head
    max_item_chars: int  # the longest item, ideographs (an English item: words)
    max_item_words: int
    max_label_chars: int  # a label before the run (相关搜索：) taken with it


@dataclass(frozen=True)
class Words:
    """The rule's words (crawler/cleaning/rules/27-stuffing.toml)."""

    narration_zh: frozenset  # characters that bind prose (了 的 是): never in an item
    narration_en: frozenset  # English words that do (the, was, and)
    before: tuple  # an enumeration introduced right before (包括, including)
    after: tuple  # ... continued or closed right after (和, 等, 的, and, etc)
    closers: tuple  # ... closed a few characters after a glued last item (等, 和)
    queries: tuple  # what searchers add to a head (哪家好, 价格, near me)
    labels: tuple  # labels of a run glued to the host's text (相关搜索, tags)


# Screen (``candidates``): a run after a label's colon whose first pair of
# characters recurs twice close after it (相关搜索：婚纱摄影，婚纱摄影工作室…)
_LABELLED_RUN = re.compile(r"[:：]\s*(\w\w)[^。！？\n]{0,16}?\1[^。！？\n]{0,16}?\1")
# English words in a row (of the block's ASCII characters): an English run may be there
_ENGLISH = re.compile(rb"[A-Za-z]{2,}[ ,|/;]+[A-Za-z]{2,}")
_ENDS = frozenset("。！？!?…")
# the list marks the fold keeps (between ideographs too)
_MARKS = ("、", "；", ",", ";")
# how far from a block's or its last sentence's start a run's first pair of characters is looked for again
_REACH = 40
# the longest block a run that opens it is looked for in (a line of terms; prose is longer)
_LINE = 160


def candidates(views: list[str], changed: list[bool]) -> set[int]:
    """The blocks (by index) a run may be in, found with a few C scans of the
    article and a look at each block's ends: a block whose folded view dropped
    characters (what stood between two ideographs: 上海装修公司|上海装修公司哪家好),
    one holding the list marks 、 ； , or ; (the fold keeps them), a short one
    that opens with a pair of characters that recurs twice close after (a run
    glued with no separator or with commas: 空调维修空调维修电话…), one that
    ends with no sentence end on a last sentence that does, a label's run, and
    English words in a row. Most blocks of prose are ruled out at the cost of a
    few string scans."""
    found = {i for i, c in enumerate(changed) if c} if any(changed) else set()
    joined = "\x00".join(views)
    for mark in _MARKS:
        if mark in joined:
            found.update(i for i, v in enumerate(views) if mark in v)
    if ":" in joined or "：" in joined:
        found.update(i for i, v in enumerate(views) if _LABELLED_RUN.search(v))
    if " " in joined and _ENGLISH.search(joined.encode("ascii", "ignore")):
        found.update(i for i, v in enumerate(views) if _ENGLISH.search(v.encode("ascii", "ignore")))
    for i, view in enumerate(views):
        if len(view) <= _LINE and view.count(view[:2], 2, _REACH) >= 2:
            found.add(i)
        elif view and view[-1] not in _ENDS:
            at = view.rfind("。") + 1  # (a run glued to a paragraph's end)
            if view.count(view[at:at + 2], at + 2, at + _REACH) >= 2:
                found.add(i)
    return found


def _cjk_cores(text: str, max_gap: int, need: int) -> list[list[int]]:
    """Chains of occurrences (start offsets) of one pair of ideographs, each within
    ``max_gap`` of the one before, ``need`` at least."""
    last: dict[str, int] = {}
    chain: dict[str, list[int]] = {}
    found = []
    # a pair of ideographs lies inside a run of them: the runs are found in C, not
    # by asking ``is_cjk`` of every character (most of a real page's clean time here)
    for run in _CJK_RUN.finditer(text):
        for i in range(run.start(), run.end() - 1):
            pair = text[i:i + 2]
            prev = last.get(pair)
            last[pair] = i
            if prev is not None and 2 <= i - prev <= max_gap:
                chain[pair].append(i)
            else:
                if pair in chain and len(chain[pair]) >= need:
                    found.append(chain[pair])
                chain[pair] = [i]
    found += [c for c in chain.values() if len(c) >= need]
    return found


@functools.lru_cache(maxsize=8)
def _recurring(max_gap: int, need: int) -> re.Pattern:
    """A pair of ideographs followed by ``need - 1`` more of it, each within
    ``max_gap`` of the one before: what a chain of ``_cjk_cores`` holds. One
    scan of a block in C rules out most blocks of prose (their 、 pass
    ``candidates``) before the pairs of each of its stretches are walked."""
    again = f"(?s:.){{0,{max_gap - 2}}}?\\1"
    return re.compile(f"({IS_CJK_CLASS}{{2}})(?={again * (need - 1)})")


def _en_cores(text: str, max_words: int, stop: frozenset = frozenset()) -> list[list[tuple]]:
    """Chains of occurrences (start, end) of one English word (three letters or
    more, lower-cased), each within ``max_words`` words of the one before."""
    words = [(m.start(), m.end(), m.group().lower()) for m in _EN_WORD.finditer(text)]
    if len(words) < 5:
        return []
    last: dict[str, int] = {}
    chain: dict[str, list[tuple]] = {}
    found = []
    for k, (s, e, w) in enumerate(words):
        if len(w) < 3 or w in stop:
            continue
        prev = last.get(w)
        last[w] = k
        if prev is not None and k - prev <= max_words:
            chain[w].append((s, e))
        else:
            if w in chain and len(chain[w]) >= 3:
                found.append(chain[w])
            chain[w] = [(s, e)]
    found += [c for c in chain.values() if len(c) >= 3]
    return found


def _stretches(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in _STRETCH_END.finditer(text):
        if m.start() > start:
            bounds.append((start, m.start()))
        start = m.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


def _grow(text: str, starts: list[int], length: int) -> tuple[list[int], int]:
    """The core widened to every character its occurrences all share on either
    side (华为|Mate: the core is 华为Mate), separators aside."""
    while (all(s > 0 for s in starts) and len({text[s - 1] for s in starts}) == 1
           and text[starts[0] - 1] not in SEPARATORS):
        starts = [s - 1 for s in starts]
        length += 1
    gap = min(b - a for a, b in zip(starts, starts[1:]))
    while (all(s + length < len(text) for s in starts) and len({text[s + length] for s in starts}) == 1
           and (text[starts[0] + length] not in SEPARATORS or text[starts[0] + length] == " ")
           and gap > length):
        length += 1
    return starts, length


def _set_apart(text: str, start: int, end: int, lo: int, hi: int, seps: frozenset) -> bool:
    """Whether ``text[start:end]`` has a separator or its stretch's edge on
    either side, spaces aside."""
    while start > lo and text[start - 1].isspace():
        start -= 1
    while end < hi and text[end].isspace():
        end += 1
    return (start == lo or text[start - 1] in seps) and (end >= hi or text[end] in seps)


def _is_numeral(text: str) -> bool:
    return not text or _NUMERAL.fullmatch(text) is not None


class _Run:
    """One chain of a core's occurrences, read as items."""

    def __init__(self, text: str, lo: int, hi: int, occurrences: list[tuple[int, int]], english: bool):
        self.text, self.lo, self.hi, self.english = text, lo, hi, english
        self.occ = occurrences  # (start, end) of the core in each item
        self.seps = EN_SEPARATORS if english else SEPARATORS

    def items(self) -> list[tuple[int, int]]:
        """Each item: from its core's occurrence, or the separator before it when
        nearer than the occurrence before, to the next item."""
        text, out = self.text, []
        for k, (s, e) in enumerate(self.occ):
            floor = self.occ[k - 1][1] if k else self.lo
            start = s
            j = s - 1
            while j >= floor and text[j] not in self.seps:
                j -= 1
            if j >= floor and k:
                start = j + 1  # the item opens after its separator (成人英语培训)
            elif k == 0:
                start = j + 1 if j >= floor else self.lo
            ceiling = self.occ[k + 1][0] if k + 1 < len(self.occ) else self.hi
            end = ceiling
            j = e
            while j < ceiling and text[j] not in self.seps:
                j += 1
            if j < ceiling:
                end = j
            out.append((start, end))
        # an item's start is the end of the separators after the one before
        fixed = []
        for k, (s, e) in enumerate(out):
            if k and s < out[k - 1][1]:
                s = out[k - 1][1]
            while s < e and text[s] in SEPARATORS:
                s += 1
            fixed.append((s, e))
        return fixed


def _narrates(piece: str, words: Words, english: bool = False) -> bool:
    """Whether ``piece`` holds a word that binds prose, of either language."""
    if any(ch in words.narration_zh for ch in piece):
        return True
    return any(w.lower() in words.narration_en for w in _EN_WORD.findall(piece))


def _bound(text: str, lo: int, start: int, core: int, end: int, words: Words) -> bool:
    """Whether the host's grammar binds the run: an enumeration's opener before
    it in its clause (服务内容包括医疗服务、…), or its continuation right after."""
    clause = max(lo, *(text.rfind(mark, lo, start) + 1 for mark in "，,；;"))
    before = text[clause:core].lower()
    after = text[end:end + 6].lstrip(" ，,").lower()
    return any(w in before for w in words.before) or after.startswith(words.after)


def _bound_later(text: str, end: int, hi: int, reach: int, words: Words) -> bool:
    """Whether the words right after a glued last item go on, within ``reach``
    (what another item holds after its core), to close an enumeration
    (北京理工|大学等高校: the host's list) or to count it (…Pro+三款手机)."""
    for p in range(end, min(end + reach + 1, hi)):
        if text[p] in SEPARATORS or text[p] in "，。":
            return False
        if text.startswith(words.closers, p) or _COUNTED.match(text, p):
            return True
    return False


def _head_start(text: str, lo: int, items: list[tuple[int, int]], occ: list[tuple[int, int]], english: bool,
                words: Words) -> int:
    """Where a first item glued to the host's words starts: at its core, with the
    words before it an English item of the run holds before its own core (opened
    best|casino online: online casino free), or the characters another item
    of the run holds there (去了|成人英语培训: 成人英语培训)."""
    s = occ[0][0]
    heads = [text[i:o] for (i, _), (o, _) in zip(items[1:], occ[1:])]
    if english:
        lowered = text[lo:s].lower().rstrip()
        for h in sorted((h.strip().lower() for h in heads), key=len, reverse=True):
            if h and lowered.endswith(h) and (len(lowered) == len(h) or not lowered[-len(h) - 1].isalnum()):
                return lo + len(lowered) - len(h)
        return s
    for h in sorted((h.strip() for h in heads), key=len, reverse=True):
        if h and text.endswith(h, lo, s):
            return s - len(h)
    return s


def _tail_end(text: str, items: list[tuple[int, int]], occ: list[tuple[int, int]], hi: int, glued: bool,
              english: bool, words: Words) -> int:
    """Where the last item ends: at a separator or the stretch's end when its
    tail is no longer than the other items'; glued to the host's words, at the
    longest tail of another item it repeats or a query word, else at its core."""
    s, e = occ[-1]
    last_start, last_end = items[-1]
    tails = [text[oe:ie] for (_, oe), (_, ie) in zip(occ[:-1], items[:-1])]
    rest = text[e:last_end]
    if english:
        longest = max((len(_EN_WORD.findall(t)) for t in tails), default=0)
        whole = not glued and len(_EN_WORD.findall(rest)) <= longest + 2 and not _narrates(rest, words)
        if whole:
            return last_end
        # glued to the host's words: the words the other items use, as many as they hold after the core
        seen = {w.lower() for s_, e_ in items[:-1] for w in _EN_WORD.findall(text[s_:e_])}
        kept = e
        for k, m in enumerate(_EN_WORD.finditer(text, e, last_end)):
            if k >= longest or m.group().lower() not in seen:
                break
            kept = m.end()
        after = text[kept:last_end].lower()
        lead = len(after) - len(after.lstrip())
        for q in words.queries:  # (seo agency| near me)
            if after.startswith(q, lead) and (len(after) == lead + len(q) or not after[lead + len(q)].isalnum()):
                return kept + lead + len(q)
        return kept
    longest = max((len(t.strip()) for t in tails), default=0)
    if not glued and len(rest.strip()) <= longest + 2 and not _narrates(rest, words):
        return last_end
    best = e
    lead = len(rest) - len(rest.lstrip())
    for t in list(tails) + list(words.queries):
        t = t.strip()
        if t and rest.startswith(t, lead) and e + lead + len(t) > best:
            best = e + lead + len(t)
    return best


def cuts(text: str, params: Params, words: Words) -> list[tuple[int, int]]:
    """(start, end) of each run of search terms in ``text`` (a block's own text)."""
    found = []
    cjk = _recurring(params.max_item_chars, 3).search(text) is not None
    for lo, hi in _stretches(text):
        stretch = text[lo:hi]
        chains = [([(lo + s, lo + s + 2) for s in c], False)
                  for c in (_cjk_cores(stretch, params.max_item_chars, 3) if cjk else ())]
        chains += [([(lo + s, lo + e) for s, e in c], True)
                   for c in _en_cores(stretch, params.max_item_words, stop=words.narration_en)]
        # the longest chains first: a core's every occurrence, before a pair of it
        for occ, english in sorted(chains, key=lambda c: (-len(c[0]), c[0][0][0])):
            cut = _judge(text, lo, hi, occ, english, params, words)
            if cut is not None and not any(s < cut[1] and cut[0] < e for s, e in found):
                found.append(cut)
    return sorted(found)


def _judge(text: str, lo: int, hi: int, occ: list[tuple[int, int]], english: bool, params: Params,
           words: Words) -> tuple[int, int] | None:
    if len({text[s:e] for s, e in occ}) == 1:  # (an English word in one spelling)
        starts, length = _grow(text, [s for s, _ in occ], occ[0][1] - occ[0][0])
        occ = [(s, s + length) for s in starts]
    run = _Run(text, lo, hi, occ, english)
    items = run.items()
    # the gaps between items hold separators and the items' own words only
    limit = params.max_item_words if english else params.max_item_chars
    # (an English item's ideographs count as words: Galaxy S20 4G 版售价 is no search term)
    size = (lambda a, b: len(_EN_WORD.findall(text[a:b])) + len(_IDEOGRAPHS.findall(text, a, b))) if english else (
        lambda a, b: b - a)
    if any(size(s, e) > limit for s, e in items[1:-1]):
        return None
    # the first item: its core, or from a separator or the stretch's start when short
    first_s = items[0][0]
    lead = text[first_s:occ[0][0]]
    if (size(first_s, occ[0][0]) > (2 if english else 4) or _narrates(lead, words)
            or (english and not lead.isascii())):
        first_s = _head_start(text, first_s, items, occ, english, words)
    glued_end = items[-1][1] < hi and text[items[-1][1]] not in run.seps
    last_end = _tail_end(text, items, occ, hi, glued_end or size(items[-1][0], items[-1][1]) > limit, english, words)
    items[0] = (first_s, items[0][1])
    items[-1] = (items[-1][0], last_end)
    # (one item may bind its words as a phrase does, 最有效的减肥药, in a long run)
    narrating = sum(_narrates(text[s:e], words) or _PROSE_MARKS.search(text, s, e) is not None for s, e in items)
    if narrating > (1 if len(items) - narrating >= params.min_items else 0):
        return None
    reach = max((e - oe for (_, oe), (_, e) in zip(occ[:-1], items[:-1])), default=0) + 2
    if _bound(text, lo, first_s, occ[0][0], last_end, words) or (last_end < hi and _bound_later(text, last_end, hi, reach, words)):
        return None
    # items that differ by a numeral alone are a list of numbered things
    cores = {text[s:e].lower() for s, e in occ}
    rests = [text[s:e].lower() for s, e in items]
    if all(_is_numeral(r.replace(next(iter(cores)), "")) for r in rests):
        return None
    whole = [text[s:e].strip().lower() for s, e in items]
    # what tells a searcher's list is read in items set apart on both sides (by a
    # separator or the stretch's edge), not in a piece cut back to its core or split
    # at one (服务内容包括医疗|服务、)
    full = [w for w, (s, e) in zip(whole, items) if _set_apart(text, s, e, lo, hi, run.seps)]
    if last_end > occ[-1][1] and whole[-1] not in full:
        full.append(whole[-1])  # (a glued last item ends on a tail another item has, or a query word)
    core = text[occ[0][0]:occ[0][1]].strip().lower()
    # what a searcher's list shows and a writer's does not: the head term alone, a
    # term repeated inside a longer one, a query word; else items that all open
    # with the core, many of them (杭州seo优化 杭州网站优化 杭州seo公司…)
    # (pairs among the first items only: a run of thousands is judged in bounded time)
    few = full[:_PAIRED]
    varied = (core in full or any(a != b and a in b for a in few for b in whole[:_PAIRED] if a)
              or any(q in w for w in full for q in words.queries))
    opened = all(w.startswith(core) for w in whole)
    start = _with_label(text, lo, first_s, params, words)
    # (a label says what the run is: one item fewer will do)
    need = params.min_items - (start < first_s)
    if not (len(items) >= need and varied or len(items) >= params.min_items_plain and opened):
        return None
    return start, last_end


def _with_label(text: str, lo: int, start: int, params: Params, words: Words) -> int:
    """The run's start, moved back over a label and its colon (相关搜索：, Tags:):
    a short one opening its stretch or clause, or a label word glued to the host."""
    head = text[lo:start]
    m = _LABEL_COLON.search(head)
    if m is None:
        return start
    label_end = lo + m.start()
    j = label_end
    while j > lo and text[j - 1] not in "，,；;":
        j -= 1
    label = text[j:label_end].strip()
    if label and len(label) <= params.max_label_chars and (len(_EN_WORD.findall(label)) <= 3):
        return j
    lowered = text[lo:label_end].lower()
    for word in sorted(words.labels, key=len, reverse=True):
        if lowered.endswith(word):
            return label_end - len(word)
    return start
