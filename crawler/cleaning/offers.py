"""Short ads of any trade, by the marks of an offer and where they sit.

An ad names a trade (which no list can hold: there is always another one)
and then offers it, and the offer is written in a small closed vocabulary
whatever is sold: an act of trade (出售, 批发, 代办, 上门, 回收, 招生), a
guarantee or a risk taken away (包退, 坏一赔二, 不达标不收费, 质保五年), a price,
rate or quantity (68元, 一折起, 每平米599元起, 满百减二十), speed (十分钟取机,
当天出, 秒到账), scarcity and first-order bait (名额仅剩, 首单, 立减), and the
reader addressed (带你, 欢迎). Those *marks* are data (the lists and regex
vars an ``offer`` rule names, each with a weight); a span is scored by the
distinct marks it holds.

Where it sits tells the rest:

- **inline** (``place = "span"``): an ad pasted inside another sentence is
  telegraphic (no 的/了/着/是/把…: the host's narrative words) and ends at its
  seams. Its span is sought around its marks, a character beyond them
  costing little when it is a content character and much when it is one of
  the host's function words or its clause punctuation; its seams are scored
  as in ``spans`` (a word of the host split by the paste, the host's
  punctuation, an edge inside a word). It goes when a word break or the
  host's punctuation bounds it, or when it holds two different strong marks
  between two words, the marks inside its seams weighing enough; never the
  whole sentence, nor when the rest of the sentence offers too (an article
  about a shop) or reports, nor when a particle of the host binds it
  (``买一送一的活动``).
- **a line** (``place = "line"``): a short block in the body of the article,
  with no sentence end, scoring as an offer (one strong mark is enough when
  it holds no function word), and foreign to its neighbours:
  no enumerator, no words shared with the block after it (which a heading
  introduces) or before it (the article's own offer, said again as a prompt).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.cleaning import spans
from crawler.cleaning.textops import is_cjk, sentence_at

# the host's words that ads leave out: particles, pronouns, copulas, narrative
# adverbs; a span reaching over one of them is likely eating its host
FUNCTION = frozenset("的了着过是在把被将他她它我这那就都也很还又吗呢吧啊呀说让给对从向与和跟而并却")
# particles that bind the phrase after them: a span after one is the host's own
BINDS_RIGHT = frozenset("的之")
# the host's narrative words that an ad of several clauses leaves out
NARRATIVE = frozenset("的了着是把被他她它我这那就都也很还又吗呢吧啊呀却")
# the host's particle: no half of a word a paste split (的|…|头 makes 的头 by chance, a
# tokeniser's pair), so the host's words before it are not taken with the ad
_PARTICLE = frozenset("的")
# a weak mark this close before the strong ones is taken as the offer's opening
LEAD_GAP = 2
# particles that bind the phrase before them: a span followed by one is the host's own
BINDS_LEFT = frozenset("的地得了着过")
# what a character beyond the marks costs: a content one (after the marks more:
# an ad names its trade first and ends on its offer), a function one, clause punctuation
CONTENT_COST = 0.25
TAIL_COST = 1.6
FUNCTION_COST = 1.5
PUNCT_COST = 1.0
# what the best span must score (its seams less what it takes beyond the marks)
MIN_SCORE = 0.0
_EDGE = spans._EDGE  # the host's clause punctuation
_SENTENCE_END = "。？?!！…"
_CLOSERS = "”\"）)】」』"
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十\d]{1,3}[、.．:：)）]|[（(][一二三四五六七八九十\d]{1,3}[)）]|"
                      r"第[一二三四五六七八九十百\d]{1,3}[章节部分条点步]|附[录件]?[：:])")


def marks(pattern: re.Pattern, weights: dict[str, int], shape_weights: list[int], text: str,
          start: int = 0) -> list[spans.Anchor]:
    """The offer marks of ``text`` from ``start``: (start, end, weight, key) as ``spans.Anchor``."""
    out = []
    for m in pattern.finditer(text, start):
        group = m.lastgroup
        w = weights.get(m.group(), 1) if group == "w" else shape_weights[int(group[1:])]
        out.append(spans.Anchor(m.start(), m.end(), w, m.group()))
    return out


# a figure and its unit (0.375元, 1800元, 3万元, 12%), and three or more in a
# row joined by list punctuation alone (0.375元、0.355元、0.385元; 1800元、2500元和5500元):
# the cells of a table the article reports (tariffs, fees, prices by region),
# no offer made; an ad names what each price buys between them (单人68元、双人98元)
_FIGURE = r"\d+(?:\.\d+)?(?:[万亿千百]?元|块|[%％])"
_FIGURES = re.compile(rf"{_FIGURE}(?:\s*(?:[、，,/]|和|及|与|或)\s*{_FIGURE}){{2,}}")
# a sum right after the charge it is or the verb that charges it (材料费150元, 邮资3元,
# 首小时收6元, 每人交20元): the host's account of what is paid; an ad's price comes
# with its bait (仅需, 低至, 起), which stands between
_CHARGE = frozenset("费资税收交缴")


def reported(text: str, found: list[spans.Anchor]) -> list[spans.Anchor]:
    """``found`` without the figures an article reports: the cells of a list
    of figures (``_FIGURES``) and a bare sum right after its charge or the verb
    charging it (``_CHARGE``)."""
    sums = [a for a in found if a.text[:1].isdigit()]
    if not sums:
        return found
    tables = [m.span() for m in _FIGURES.finditer(text)] if len(sums) >= 3 else []
    return [a for a in found if not a.text[:1].isdigit() or not (
        (a.start > 0 and text[a.start - 1] in _CHARGE) or any(s <= a.start and a.end <= e for s, e in tables))]


def _cost(ch: str, content: float) -> float:
    if ch in FUNCTION:
        return FUNCTION_COST
    if ch in _EDGE or not (ch.isalnum() or is_cjk(ch)):
        return PUNCT_COST
    return content


def _best_span(text: str, start: int, end: int, lo: int, hi: int, window: int, words: spans.Lexicon,
               cheap: frozenset = frozenset()):
    """(score, left, right, broken, left_edge, right_edge) of the best span
    around the marks ``text[start:end]`` inside the sentence ``[lo, hi)``.
    At the marks' own ends a pair that makes a word is taken for chance (a
    mark is a unit: ``重学|好几个月``), so it counts as inside a word only
    beyond them. ``cheap``: positions of weak marks of the cluster, content
    whichever side they lie."""
    hi_open = hi
    while hi_open > lo and not (text[hi_open - 1].isalnum() or is_cjk(text[hi_open - 1])):
        hi_open -= 1  # the sentence's closing punctuation stays with the host
    lefts, cost = [], 0.0
    for left in range(start, max(lo, start - window) - 1, -1):
        if left < start:
            cost += _cost(text[left], CONTENT_COST)
        x = text[left - 1] if left > lo else ""
        edge = left == lo or x in _EDGE
        inside = not edge and left < start and words.inside(x, text[left])
        lefts.append((left, cost, edge, inside))
    rights, cost = [], 0.0
    for right in range(end, min(hi_open, end + window) + 1):
        if right > end:
            cost += _cost(text[right - 1], CONTENT_COST if right - 1 in cheap else TAIL_COST)
        v = text[right] if right < hi_open else ""
        edge = right == hi_open or v in _EDGE
        inside = not edge and right > end and words.inside(text[right - 1], v)
        rights.append((right, cost, edge, inside))
    best = None
    for left, lcost, ledge, lin in lefts:
        for right, rcost, redge, rin in rights:
            broken = (not (ledge or redge or lin or rin) and text[left - 1] not in _PARTICLE
                      and words.joins(text, left, right))
            score = 3 * broken + 1.5 * (ledge + redge) - 3 * (lin + rin) - lcost - rcost
            if best is None or score > best[0]:
                best = (score, left, right, broken, ledge, redge)
    return best


@dataclass(frozen=True)
class Lone:
    """When one strong mark may do (``span_cuts``): its seams tell the paste,
    the span is long enough to name a trade and its sentence is not about trade."""

    weight: int  # the marks such a span needs
    min_chars: int  # the ideographs it must hold, its trade named
    unless: re.Pattern | None  # the host's words of trade, looked for in the rest of the sentence


def span_cuts(text: str, found: list[spans.Anchor], bounds, params: spans.Params, words: spans.Lexicon,
              unless: re.Pattern | None = None, lone: Lone | None = None) -> list[tuple[int, int, str]]:
    """(start, end, signal) of the ads pasted inside the sentences of one block."""
    out = []
    floor = params.min_weight - 1 if lone is None else min(lone.weight, params.min_weight - 1)
    for cluster in spans.clusters(found, bounds, params.max_gap):
        heft = spans.weight(cluster)
        # a word break is evidence enough for one mark less (checked again on the span)
        if heft < floor or not any(a.weight >= 2 for a in cluster):
            continue
        # the span is sought around the strong marks: a weak word beside them may be the host's (立即)
        strong = [a for a in cluster if a.weight >= 2]
        start, end = min(a.start for a in strong), max(a.end for a in strong)
        for a in sorted((a for a in cluster if a.weight < 2 and a.end <= start), key=lambda a: -a.end):
            if start - a.end > LEAD_GAP:
                break
            start = a.start  # a weak mark just before the offer opens it (二手挖掘机低价|转让)
        lo, hi = sentence_at(bounds, start)
        cheap = frozenset(i for a in cluster if a.weight < 2 for i in range(a.start, a.end))
        best = _best_span(text, start, end, lo, hi, params.window, words, cheap)
        if best is None:
            continue
        score, left, right, broken, ledge, redge = best
        if score < MIN_SCORE:
            continue  # a seam inside a word, or good seams only far from the marks
        # the span itself must carry the offer (招生 of 招生办 beside a 咨询电话 does not)
        inside = [a for a in cluster if left <= a.start and a.end <= right]
        heft = spans.weight(inside)
        # a word break tells the seams; otherwise the host's punctuation, or an
        # offer dense enough (two strong marks at least) between two words
        dense = heft >= params.min_weight and (
            heft >= params.edge_weight or len({a.text for a in inside if a.weight >= 2}) >= 2)
        alone = not ((broken and heft >= params.min_weight - 1) or ((ledge or redge) and heft >= params.min_weight)
                     or dense)
        # one strong mark: the paste split a word of the host, or sits glued inside a clause
        if alone and not (lone is not None and heft >= lone.weight and (broken or not (ledge or redge))):
            continue
        if not broken and right < hi and text[right] in BINDS_LEFT and not words.opens_word(text, right):
            continue  # 买一送一的活动: the host's particle takes the span as its own phrase
        if not broken and left > lo and text[left - 1] in BINDS_RIGHT:
            continue  # 食堂的|午餐套餐十二元: the span is what the host's phrase qualifies
        if not broken and _clauses(text, left, right) and any(ch in NARRATIVE for ch in text[left:right]):
            continue  # clauses of narrative (老人还能再打九折): the host's, an ad is telegraphic
        if _bound(text, inside):
            continue  # 每年15888元的租赁收益: the host's 的 makes one noun phrase of the marks
        if _quoted(text, start, end, lo, hi):
            continue  # 写着“包学包会”: a slogan quoted, not an offer made
        rest = text[lo:left] + text[right:hi]
        if sum(is_cjk(ch) for ch in rest) < 4:
            continue  # (nearly) the whole sentence: a line or a sentence ad, not a paste
        if any(lo <= a.start < hi and a.weight >= 2 and (a.end <= left or a.start >= right) for a in found):
            continue  # the sentence offers outside the span too: it is about selling
        if unless is not None and unless.search(rest):
            continue
        if not (broken or ledge):
            left = trade_start(text, left, right, lo, words)
        if alone and not _lone_span(text, left, right, lo, hi, lone, broken, words):
            continue
        out.append((left, right, "offer_span"))
    return out


def may_be_lone(text: str, found: list[spans.Anchor], lone: Lone) -> bool:
    """Whether a strong mark of ``found`` stands among enough ideographs for a
    lone span (``_lone_span``: one less for a split word), counting out from
    it to the host's function words or the sentence's end: a cheap test,
    before any sentence of the block is cut, that every lone span passes."""
    need = lone.min_chars - 1
    for a in found:
        if a.weight < 2:
            continue
        count = sum(is_cjk(ch) for ch in text[a.start:a.end])
        for step in (-1, 1):
            i = a.start - 1 if step < 0 else a.end
            while count < need and 0 <= i < len(text) and text[i] not in FUNCTION and text[i] not in _SENTENCE_END:
                count += is_cjk(text[i])
                i += step
        if count >= need:
            return True
    return False


# a number and its measure word, right before a span or opening it
_COUNTED = re.compile(r"[\d零一二两三四五六七八九十百千万几多数][个家名位种项所条批台件座次类门]{1,2}$")


def _lone_span(text: str, left: int, right: int, lo: int, hi: int, lone: Lone, broken: bool,
               words: spans.Lexicon) -> bool:
    """Whether ``text[left:right]``, a span of one strong mark, is an ad on
    its own: long enough to name its trade (one ideograph less when it split a
    word of the host), telegraphic (none of the host's function words), no
    edge splitting a word of two ideographs (优惠价|格), and foreign to a
    sentence that says nothing of trade."""
    span = text[left:right]
    if sum(is_cjk(ch) for ch in span) < lone.min_chars - broken or any(ch in FUNCTION for ch in span):
        return False
    if _COUNTED.search(text, lo, left) or _COUNTED.search(text, lo, left + 1):
        return False  # 已有三个|研究生招生试点: what the host counts is its own noun
    if (left > 0 and text[left - 1:left + 1] in words.words) or text[right - 1:right + 1] in words.words:
        return False
    return lone.unless is None or not lone.unless.search(text[lo:left] + text[right:hi])


# how far before its offer an ad's trade name may reach, and how far it is
# taken when nothing else tells: trade names run 2-7 ideographs in the labelled
# sets, but beyond 4 a character taken is as often the host's as the ad's
TRADE_REACH = 8
TRADE_PRIOR = 4
# a trade name is a noun phrase: the host's function words, negations and
# adverbs (不必再, 略有, 时常) are not part of one
TRADE_STOP = FUNCTION | frozenset("不没再已曾正刚才更最太挺常略有时")


def _words_before(text: str, lo: int, left: int, words: spans.Lexicon) -> list[int]:
    """Where the words before ``text[left]`` start, nearest first: the
    lexicon's longest word ending there (else one character), back to a
    function word, punctuation, the sentence's start or ``TRADE_REACH``."""
    starts, i = [], left
    while i > lo and left - i < TRADE_REACH and is_cjk(text[i - 1]) and text[i - 1] not in TRADE_STOP:
        step = next((n for n in (3, 2) if i - n >= lo and text[i - n:i] in words.words
                     and not any(ch in TRADE_STOP for ch in text[i - n:i])), 1)
        if left - (i - step) > TRADE_REACH:
            break
        i -= step
        starts.append(i)
    return starts


def trade_start(text: str, left: int, right: int, lo: int, words: spans.Lexicon) -> int:
    """Where an ad found by its offer ``text[left:right]`` begins: an ad names
    its trade right before the offer (宠物寄养|包接送), so the span is taken back
    over the words before it, to a point where the host's word, split by the
    paste, joins again once the ad goes; else over ``TRADE_PRIOR`` characters
    of whole words, stopping at a word the rest of the block uses too (the
    host's own: a word said twice is the host's topic)."""
    starts = _words_before(text, lo, left, words)
    for start in [left] + starts:
        if start > lo and right < len(text) and words.joins(text, start, right):
            return start
    out = left
    for start in starts:
        word = text[start:out]
        if left - start > TRADE_PRIOR and out != left:
            break
        if len(word) >= 2 and (word in text[:start] or word in text[right:]):
            break
        out = start
    return out


def _clauses(text: str, left: int, right: int) -> bool:
    """Whether ``text[left:right]`` holds clause punctuation (two clauses or more)."""
    return any(ch in "，,；;" for ch in text[left:right])


def _bound(text: str, inside: list[spans.Anchor]) -> bool:
    """Whether a particle of the host (的, 之) binds two strong marks of a span
    into one phrase: an ad is telegraphic, it lists its offer."""
    strong = sorted((a for a in inside if a.weight >= 2), key=lambda a: a.start)
    return any(0 < b.start - a.end <= 2 and any(ch in BINDS_RIGHT for ch in text[a.end:b.start])
               for a, b in zip(strong, strong[1:]))


def _quoted(text: str, start: int, end: int, lo: int, hi: int) -> bool:
    """Whether the marks ``text[start:end]`` stand inside quotation marks of their sentence."""
    opened = text.rfind("“", lo, start)
    return opened >= 0 and text.find("”", opened, start) < 0 and 0 <= text.find("”", end, hi)


def _shared_words(a: str, b: str) -> int:
    """Distinct pairs of ideographs ``a`` and ``b`` share."""
    pairs = {a[i:i + 2] for i in range(len(a) - 1) if is_cjk(a[i]) and is_cjk(a[i + 1])}
    return sum(p in b for p in pairs)


def glued_tail(text: str) -> int | None:
    """Where the block's last sentence starts when it has no end of its own
    after a sentence that has one: a line glued to the paragraph (an ad
    pasted at its end), to be judged as a line."""
    body = text.rstrip()
    if not body or body[-1] in _SENTENCE_END or body[-1] in _CLOSERS:
        return None
    end = max(body.rfind(ch) for ch in _SENTENCE_END)
    if end < 0:
        return None
    start = end + 1
    while start < len(body) and body[start].isspace():
        start += 1
    return start


def line_shaped(text: str, max_chars: int) -> bool:
    """A short block without a sentence end: a line, judged whole (``is_offer_line``), never cut inside."""
    body = text.strip()
    return len(body) <= max_chars and not any(ch in "。？?" for ch in body) and not (body and body[-1] in _SENTENCE_END)


def is_offer_line(text: str, found: list[spans.Anchor], neighbours: tuple[str, str], min_weight: int,
                  max_chars: int, unless: re.Pattern | None = None) -> bool:
    """Whether a block is a line of its own offering a trade: short, no
    sentence end, dense with offer marks, and foreign to the blocks around it
    (a heading shares words with what follows it, a caption or a prompt of
    the article's own offer with what precedes it)."""
    body = text.strip()
    if not body or not line_shaped(body, max_chars):
        return False
    # the host's function words: those inside the marks are the offer's own (关注就领, 全天在线, 也能办)
    function = sum(ch in FUNCTION for ch in body) - sum(ch in FUNCTION for a in found for ch in a.text)
    heft = spans.weight(found)
    # one strong mark is enough for a telegraphic line (no function word at all)
    if heft < min_weight - (function == 0) or not any(a.weight >= 2 for a in found):
        return False
    if _HEADING.match(body) or function > 1:
        return False
    if unless is not None and unless.search(body):
        return False
    return all(_shared_words(body, other) < 2 for other in neighbours)
