"""Ads pasted into a sentence that carry no mark any list knows, by their
shape and how they sit there (``foreign`` rules of place "shape").

An ad names a trade and its service in a few telegraphic words (婚车车队租赁头车
奔驰, 门窗密封条胶条更换): whatever it sells, its characters are drawn from
the vocabulary of trade far more than a sentence about a lighthouse keeper's
night is. That *shape* is scored by a model learned from labelled text, not
written as phrases (adshape.txt, built by ``python -m
crawler.testing.adshape_build``): each character's log-odds of ad text
against article text, plus half the log-odds of each pair it makes with a
neighbour; a span is the stretch of a sentence whose scores, less
``OFFSET`` a character, sum highest.

A shape alone is no proof (a news story about a shop names its trade too), so
a span goes only when a second signal, independent of what it says, agrees:

- **the seam** (``shape_seam``): the host's characters either side of the
  span make a word once it goes (its paste split a word: 初中|专业疏通…|生),
  neither edge being inside a word;
- **no cohesion** (``shape_stray``): the span is glued inside a clause (no
  punctuation of the host at either side), shares no pair of ideographs
  with the rest of the article, and the rest of its sentence says nothing
  of trade and reports nothing (a shop, a price, a seller; 据, 记者);
  ``shape_edge`` the same glued at one side only, the clause's punctuation
  at the other (巡山|月嫂育儿嫂持证上岗|，), to a host's ideograph that is no
  function word (食堂还|提供送餐上门服务: the host's clause).

An ad of several clauses may be longer than one clause may (``max_long``)
when it is shaped as ads are throughout. The cut keeps the host's
characters: its edges are moved, a few characters at most, to where the
seam is best, and never split a word of the host (``word_edges``: a word
every reading of the sentence holds across the edge).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from crawler.cleaning import offers, spans
from crawler.cleaning.textops import cjk_count, is_cjk, sentence_at

# what a character scores less, so that a span holds the vocabulary of trade
# more than chance; what a character of the host's function words, clause
# punctuation, a Latin letter or digit scores
OFFSET = 0.3
FUNCTION_SCORE = -4.0
CLAUSE_SCORE = -1.5
OTHER_SCORE = -0.5
# how far an edge may move in to find the best seam
SHIFT = 3
# what a seam weighs against the shape's score (a word break, an edge inside a word)
JOIN_BONUS = {0: 0.0, 2: 3.0, 3: 4.0}
# how much more shape a span with no seam must have (its scores, their mean)
STRAY = 1.5
# a span with no seam opening with a coverb, or after a modal verb, is the
# host's own phrase (老人可以|按优惠价格|就餐)
COVERBS = frozenset("按凭以用为依照靠经由替")
MODALS = frozenset("以能会要想该需得可")
# a demonstrative or a numeral and its classifier take the noun phrase after
# them as theirs (这台|扫地机器人售价…): a span there is the host's own
COUNTED = frozenset("这那每哪该此某本一两二三几")
CLASSIFIERS = frozenset("台款个家位件种套辆部只张条双份间座所名项批")
# the most a placement adds to a stretch's score (its edges moved onto
# characters of trade): a stretch short of ``min_score`` by more is never a span
MAX_BONUS = 4.0
# what two sums of the same scores in another order may differ by, and more
_ROUNDING = 1e-9
INSIDE_COST = 2.0
# what a character costs the placement besides its score: of two placements
# alike, the tighter (the host's characters of some trade stay with the host)
TIGHT = 0.2
_CLAUSE = "，、"
_STOPS = set("。！？!?；;：:…\n")


@dataclass(frozen=True)
class Model:
    chars: dict[str, float]
    pairs: dict[str, float]
    unknown: float  # what a character the table does not hold scores
    seeds: re.Pattern  # two characters that lean to trade in a row (``SEED_CHAR``)
    # what ``_scores`` gives a character before its pairs, read once per character
    # (``_classify``): one look-up instead of four tests; ``paired`` those pairs add to
    paired: dict[str, float] = field(default_factory=dict)
    fixed: dict[str, float] = field(default_factory=dict)


# a seed, where a span may be: two characters that lean to trade in a row
# (each scoring ``SEED_CHAR`` or more: one scan of the block, ~0.01 ms a mock
# article, rules out most blocks), scoring ``SEED`` together with their pair
SEED_CHAR = 0.55
SEED = 3.5


@lru_cache(maxsize=1)
def model() -> Model:
    """The table of ``adshape.txt``, and its seeds."""
    chars, pairs = {}, {}
    text = (resources.files("crawler.cleaning") / "adshape.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, value = line.split("\t")
        (chars if len(key) == 1 else pairs)[key] = float(value)
    weak = f"[{re.escape(''.join(sorted(ch for ch, v in chars.items() if v >= SEED_CHAR)))}]"
    # two classes written out scan twice as fast as a class repeated ({2}); the
    # strong character is checked on what they find
    return Model(chars, pairs, min(chars.values()), re.compile(weak + weak))


@dataclass(frozen=True)
class Params:
    min_chars: int  # ideographs a span holds, at least
    max_chars: int  # ... and at most
    min_score: float  # what its characters must sum to
    min_mean: float  # ... on average
    max_long: int = 0  # ideographs a span of several clauses, shaped as ads are throughout, holds at most


def _scores(m: Model, text: str, lo: int, hi: int) -> list[float]:
    out = []
    paired, fixed, pairs = m.paired, m.fixed, m.pairs
    for i in range(lo, hi):
        ch = text[i]
        s = paired.get(ch)
        if s is None:
            s, with_pairs = (fixed[ch], False) if ch in fixed else _classify(m, ch)
            if not with_pairs:
                out.append(s)
                continue
        if i > lo:
            s += 0.5 * pairs.get(text[i - 1:i + 1], 0.0)
        if i + 1 < hi:
            s += 0.5 * pairs.get(text[i:i + 2], 0.0)
        out.append(s)
    return out


# the most characters ``_classify`` remembers (the table's own, and what text brings)
_CLASSIFIED = 1 << 16


def _classify(m: Model, ch: str) -> tuple[float, bool]:
    """(a character's score before its pairs, whether its pairs add to it: an
    ideograph, or a character of the table, unless a function word), remembered
    in ``m.paired`` or ``m.fixed``."""
    s = m.chars.get(ch)
    if ch in offers.FUNCTION:
        score, table = FUNCTION_SCORE, m.fixed
    elif s is not None or is_cjk(ch):
        score, table = (m.unknown if s is None else s) - OFFSET, m.paired
    else:
        score, table = (CLAUSE_SCORE if ch in _CLAUSE else OTHER_SCORE), m.fixed
    if len(table) < _CLASSIFIED:
        table[ch] = score
    return score, table is m.paired


def scores(text: str, lo: int, hi: int) -> list[float]:
    """Each character's score of ``text[lo:hi]`` (ad text against article text)."""
    return _scores(model(), text, lo, hi)


def segments(scores: list[float]) -> list[tuple[float, int, int]]:
    """The stretches of positive sum, each at its best: (sum, start, end)."""
    out, run, start, best = [], 0.0, 0, None
    for i, s in enumerate(scores):
        if run <= 0:
            if best is not None:
                out.append(best)
            run, start, best = 0.0, i, None
        run += s
        if run > 0 and (best is None or run > best[0]):
            best = (run, start, i + 1)
    if best is not None:
        out.append(best)
    return out


def word_edges(text: str, lo: int, hi: int, words: spans.Lexicon) -> set[int]:
    """Where a word of ``text[lo:hi]`` may end: the positions some best
    segmentation of it into the lexicon's words (fewest pieces, a character
    alone when no word holds it) puts a break at. An edge that falls
    elsewhere splits a word of the host however the sentence is read
    (第一|白蚁 is a break: 一白 makes a word only by chance, read alone)."""
    table = words.words
    n = hi - lo
    fwd = [0] * (n + 1)  # fewest pieces of text[lo:lo+i]
    for i in range(1, n + 1):
        best = fwd[i - 1] + 1
        for k in (2, 3):
            if i >= k and fwd[i - k] + 1 < best and text[lo + i - k:lo + i] in table:
                best = fwd[i - k] + 1
        fwd[i] = best
    back = [0] * (n + 1)  # fewest pieces of text[lo+i:hi]
    for i in range(n - 1, -1, -1):
        best = back[i + 1] + 1
        for k in (2, 3):
            if i + k <= n and back[i + k] + 1 < best and text[lo + i:lo + i + k] in table:
                best = back[i + k] + 1
        back[i] = best
    return {lo + i for i in range(n + 1) if fwd[i] + back[i] == fwd[n]}


def _seam(text: str, left: int, right: int, lo: int, hi: int, words: spans.Lexicon, edges: set[int]) -> tuple[int, int]:
    """(the word the host makes across the span: 0 none, 2 or 3 its
    ideographs; edges inside a word, ``edges`` being where a word may end) of
    the span ``text[left:right]``."""
    inside = (left not in edges) + (right not in edges)
    if not (left > lo and right < hi and is_cjk(text[left - 1]) and is_cjk(text[right])):
        return 0, inside
    x, v = text[left - 1], text[right]
    if x in offers.FUNCTION or v in offers.FUNCTION:
        return 0, inside  # 给|…|了: the host's grammar goes on, no word of its is split
    if (left - 1 > lo and text[left - 2] + x + v in words.words) or (
            right + 1 < hi and x + v + text[right + 1] in words.words):
        return 3, inside
    return (2 if x + v in words.words else 0), inside


def _placed(text: str, scores: list[float], lo: int, hi: int, left: int, right: int, words: spans.Lexicon,
            edges: set[int]):
    """The span's edges moved in (``SHIFT`` at most) to the best seam: (score,
    left, right, join, inside). Never out: what lies beyond the stretch takes
    from its score, and a seam found there is as often chance (堂|…|课) as the
    paste's."""
    best = None
    for a in range(left, min(right, left + SHIFT + 1)):
        for b in range(max(a + 1, right - SHIFT), right + 1):
            if not (is_cjk(text[a]) and is_cjk(text[b - 1])):
                continue
            join, inside = _seam(text, a, b, lo, hi, words, edges)
            score = sum(scores[a - lo:b - lo]) - TIGHT * (b - a) + JOIN_BONUS[join] - INSIDE_COST * inside
            if best is None or score > best[0]:
                best = (score, a, b, join, inside)
    return best


def _pairs(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1) if is_cjk(text[i]) and is_cjk(text[i + 1])}


def seeds(text: str) -> list[int]:
    """Where a span may be in ``text`` (most blocks: nowhere, told by one scan)."""
    m = model()
    chars, pairs = m.chars, m.pairs
    return [seed.start() for seed in m.seeds.finditer(text)
            if chars[(pair := seed.group())[0]] + chars[pair[1]] + pairs.get(pair, 0.0) >= SEED]


def cuts(text: str, bounds, article, params: Params, words: spans.Lexicon,
         unless: re.Pattern | None = None, trade: re.Pattern | None = None,
         adjacent=None, seeded: list[int] | None = None) -> list[tuple[int, int, str]]:
    """(start, end, signal) of the ads of one block found by their shape and
    seams. ``bounds``: its sentences (a callable, asked when a seed is found);
    ``article``: a callable giving the article's text (cohesion, asked only when needed); ``unless``: what reports in the
    rest of the sentence; ``trade``: the host's words of trade there;
    ``adjacent``: whether two characters in a row stood side by side before
    folding (nothing visible between them), ``text`` being a folded view;
    ``seeded``: ``seeds(text)``, when the caller has them."""
    m = model()
    out: list[tuple[int, int, str]] = []
    done = -1
    for at in seeds(text) if seeded is None else seeded:
        if at < done:
            continue
        lo, hi = sentence_at(bounds(), at)
        done = hi
        # a sentence is scored in stretches between its stops (a colon, a semicolon)
        scores = _scores(m, text, lo, hi)
        tail = offers.glued_tail(text) == lo
        for total, s, e in segments(scores):
            stretch = text[lo + s:lo + e]
            if total < params.min_score - MAX_BONUS or any(ch in _STOPS for ch in stretch):
                continue
            if tail:
                found = _tail(text, scores, lo, lo + s, lo + e, params, unless)
            elif cjk_count(stretch) < params.min_chars:
                continue  # a placement only moves the edges in: never a span (上门, 手册)
            elif total < params.min_score - _ROUNDING:
                # nor a span scoring enough: every stretch inside it sums to its sum at most
                # (``segments``: each of its heads sums above 0, none of its prefixes above it)
                continue
            else:
                found = _judge(text, scores, lo, hi, lo + s, lo + e, article, params, words, unless, trade,
                               adjacent or _always)
            if found is not None:
                out.append(found)
    return out


def _tail(text, scores, lo, left, right, params, unless):
    """The block's last sentence, without an end of its own after one that
    has one (an ad glued to the paragraph's end), when the shape covers it."""
    body = text[lo:].rstrip()
    chars = sum(is_cjk(ch) for ch in body)
    rest = text[lo:left] + text[right:lo + len(body)]
    if sum(is_cjk(ch) for ch in rest) >= 3 or not params.min_chars <= chars <= params.max_chars:
        return None
    total = sum(scores[:len(body)])
    if total < params.min_score or total / chars < params.min_mean or any(ch in offers.FUNCTION for ch in body):
        return None
    if unless is not None and unless.search(body):
        return None
    return lo, len(text), "shape_tail"


def _always(_at: int) -> bool:
    return True


def _judge(text, scores, lo, hi, left, right, article, params, words, unless, trade, adjacent):
    placed = _placed(text, scores, lo, hi, left, right, words, word_edges(text, lo, hi, words))
    if placed is None:
        return None
    _score, left, right, join, inside = placed
    broken = join > 0 and not inside
    span = text[left:right]
    chars = sum(is_cjk(ch) for ch in span)
    total = sum(scores[left - lo:right - lo])
    long = chars > params.max_chars
    if chars < params.min_chars or inside:
        return None  # too short, or an edge splits a word of the host
    if long and not _long_ad(span, chars, total, params):
        return None  # too long for an ad of one clause, and not one of several
    if total < params.min_score or total / chars < params.min_mean:
        return None
    if any(ch in offers.FUNCTION for ch in span):
        return None  # the host's narrative words: an ad is telegraphic
    rest = text[lo:left] + text[right:hi]
    if sum(is_cjk(ch) for ch in rest) < 4:
        return None  # (nearly) the whole sentence: a line's or a sentence ad's to judge
    if unless is not None and unless.search(rest):
        return None  # the sentence reports (据, 记者, a warning)
    if not broken:
        if right < hi and text[right] in offers.BINDS_LEFT and not words.opens_word(text, right):
            return None  # 量体裁衣的西装: the host's particle takes the span as its phrase
        if left > lo and text[left - 1] in offers.BINDS_RIGHT:
            return None
        if left - 1 > lo and text[left - 1] in CLASSIFIERS and text[left - 2] in COUNTED:
            return None  # 这台|扫地机器人: the host's counted noun phrase
    cohesive = None
    if broken:
        # a word of three the host makes across the span is rarely chance; one of
        # two is, now and then: the span must then share no word with the article,
        # nor its sentence speak of trade (商场|推出以旧换新活动，家电销量明显|上升)
        if join == 3 or not ((trade is not None and trade.search(rest)) or (cohesive := _cohesive(span, article))):
            return left, right, "shape_seam"
        return None
    glued = (left > lo and _ideograph(text[left - 1]) and adjacent(left),
             right < hi and _ideograph(text[right]) and adjacent(right))
    if not any(glued):
        return None  # a clause of its own: a clause of the host's, as often as not
    if (total < STRAY * params.min_score or total / chars < STRAY * params.min_mean) and not (
            all(glued) and text[left - 1] not in offers.FUNCTION and text[right] not in offers.FUNCTION
            and _clauses(scores, left - lo, right - lo, span, params)):
        return None  # no seam tells the paste: the shape must say more
    if span[0] in COVERBS or text[left - 1] in MODALS:
        return None  # (可以)按优惠价格(就餐): the host's own phrase, led by its coverb or modal
    if not all(glued) and (any(ch.isspace() for ch in span)
                           or (glued[0] and text[left - 1] in offers.FUNCTION)
                           or (glued[1] and text[right] in offers.FUNCTION)):
        return None  # (食堂还)提供送餐上门服务: the host's own clause, its adverb or particle holding it
    if long and not all(glued) and _stub(text, lo, hi, left, right, glued[0]):
        return None  # (，)门票五十元，……欢迎提前预约|参观。: clauses that end on the host's stub are its own
    if (trade is not None and trade.search(rest)) or (unless is not None and unless.search(span)):
        return None  # the sentence is about trade or reports: the span is its subject
    if cohesive if cohesive is not None else _cohesive(span, article):
        return None  # the span shares words with the article: its topic
    return left, right, "shape_stray" if all(glued) else "shape_edge"


# what widens a cut over the pieces of its ad it left at a seam (``widen``):
# the most characters taken at each side, what a character taken costs, what
# a seam is worth (a word of three the host makes across the cut, the host's
# punctuation; an edge inside a word takes from it), what a new seam must
# gain over the cut's own; the signals whose cuts are widened
WIDEN = 5
WIDEN_COST = 0.25
SEAM_JOIN = 3.0
SEAM_PUNCT = 0.5
SEAM_INSIDE = 3.0
WIDEN_GAIN = 1.0
WIDENED = frozenset({"shape_seam", "shape_stray", "shape_edge", "offer_span", "word_break", "sales_span", "pasted_id"})


def widen(text: str, start: int, end: int, lo: int, hi: int, words: spans.Lexicon,
          article=None) -> tuple[int, int]:
    """The cut ``text[start:end]`` of an ad pasted in the sentence
    ``text[lo:hi]``, widened over what it left of the ad at either seam: a
    few ideographs (no function word, no punctuation, leaning to trade more
    than to the host) between the cut and the host, taken when the seam
    beyond them is better by ``WIDEN_GAIN``: the cut's own edge split a word
    of the ad (无效全额退|款) and the new one splits none, or the host's
    characters there make a word of three once the ad goes
    (第一|白蚁防治[…]复治|天). The deletion test: the host reads on without it."""
    if end <= start or not lo <= start < end <= hi:
        return start, end
    edges = word_edges(text, lo, hi, words)
    scores = _scores(model(), text, lo, hi)
    base = _seam_value(text, start, end, lo, hi, words, edges)
    best = (base + WIDEN_GAIN, start, end)
    lefts = [start]
    for a in range(start - 1, max(lo, start - WIDEN) - 1, -1):
        if not _ideograph(text[a]) or text[a] in offers.FUNCTION:
            break
        lefts.append(a)
    rights = [end]
    for b in range(end, min(hi, end + WIDEN)):
        if not _ideograph(text[b]) or text[b] in offers.FUNCTION:
            break
        rights.append(b + 1)
    table = words.words
    lefts = [a for a in lefts if a == start or text[a - 1:a + 1] not in table]
    rights = [b for b in rights if b == end or text[b - 1:b + 1] not in table]
    for a in lefts:
        for b in rights:
            if a == start and b == end:
                continue
            if sum(scores[a - lo:start - lo]) < 0 or sum(scores[end - lo:b - lo]) < 0:
                continue  # the host's words more than the ad's: no fragment of it
            value = _seam_value(text, a, b, lo, hi, words, edges) - WIDEN_COST * ((start - a) + (b - end))
            if value > best[0]:
                best = (value, a, b)
    if article is None:
        return best[1], best[2]
    return _head_tail(text, best[1], best[2], lo, hi, words, scores, article)


# the most ideographs a piece of the ad foreign to the article may add at a side
FAR = 6
# characters that make a word of two with most others by chance (a numeral, a
# demonstrative, the particles 地 and 得: 一|…|一, 地|…|有): no seam of the paste
LOOSE = COUNTED | frozenset("地得")


def _head_tail(text, start, end, lo, hi, words, scores, article) -> tuple[int, int]:
    """The cut widened over the head (its trade's noun: 宴会场地出租|含布置) or
    the tail an ad left at a seam (``FAR`` ideographs at most a side, no
    function word), when the host's characters either side make a word once
    the whole ad goes (晾|…|晒), a stronger one than across the cut as it is, and each
    piece leans to trade and shares no pair of ideographs with the rest of
    the article (``article``: a callable giving its text). The deletion test
    at both edges at once: a word the host makes across them is seldom
    chance."""
    table = words.words
    lefts, n = [start], 0
    for a in range(start - 1, lo - 1, -1):
        if not _ideograph(text[a]) or text[a] in offers.FUNCTION or n >= FAR:
            break
        n += 1
        if text[a - 1:a + 1] not in table or a == lo:
            lefts.append(a)
    rights, n = [end], 0
    for b in range(end, hi):
        if not _ideograph(text[b]) or text[b] in offers.FUNCTION or n >= FAR:
            break
        n += 1
        if b + 1 >= hi or text[b:b + 2] not in table:
            rights.append(b + 1)
    if len(lefts) == 1 and len(rights) == 1:
        return start, end
    best = (_edge_value(text, start, end, lo, hi, words), start, end)  # the host's word across the cut as it is
    for a in lefts:
        if a < start and (sum(scores[a - lo:start - lo]) < 0 or _cohesive(text[a:start], article)):
            continue
        for b in rights:
            if (a, b) == (start, end):
                continue
            if b > end and (sum(scores[end - lo:b - lo]) < 0 or _cohesive(text[end:b], article)):
                continue
            value = _edge_value(text, a, b, lo, hi, words)
            if value > best[0] or (value == best[0] and value and (best[1], best[2]) != (start, end)):
                best = (value, a, b)  # a stronger word; of two alike, the longer cut
    return best[1], best[2]


def _edge_value(text, a, b, lo, hi, words) -> int:
    """What tells the edges of a cut ``text[a:b]`` are the paste's: the
    host's word across the cut (3 or 2 its ideographs; 0 none)."""
    if a > lo and b < hi and _ideograph(text[a - 1]) and _ideograph(text[b]):
        x, v = text[a - 1], text[b]
        if x not in offers.FUNCTION and v not in offers.FUNCTION:
            if (a - 1 > lo and text[a - 2] + x + v in words.words) or (b + 1 < hi and x + v + text[b + 1] in words.words):
                return 3
            if x + v in words.words and not (x in LOOSE or v in LOOSE):
                return 2
    return 0


def _seam_value(text, a, b, lo, hi, words, edges) -> float:
    """What the seams of a cut ``text[a:b]`` are worth: the host's word across
    it, the host's punctuation at an edge, an edge inside a word."""
    value = -SEAM_INSIDE * ((a not in edges) + (b not in edges))
    left_open = a == lo or not (text[a - 1].isalnum())
    right_open = b >= hi or not (text[b].isalnum())
    value += SEAM_PUNCT * (left_open + right_open)
    if not (left_open or right_open) and _ideograph(text[a - 1]) and _ideograph(text[b]):
        join, _inside = _seam(text, a, b, lo, hi, words, edges)
        if join == 3:  # a word of two across it is now and then chance (地|…|有)
            value += SEAM_JOIN
    return value


def _stub(text: str, lo: int, hi: int, left: int, right: int, at_left: bool) -> bool:
    """Whether the host text a span of several clauses is glued to is a stub:
    fewer than three ideographs up to the clause's punctuation. Such a paste
    leaves the rest of a host clause there; a word or two is the last clause
    going on (预约|参观, 欢迎|光临)."""
    n = 0
    step = range(left - 1, lo - 1, -1) if at_left else range(right, hi)
    for i in step:
        ch = text[i]
        if _ideograph(ch):
            n += 1
            if n >= 3:
                return False
        elif not ch.isalnum():
            break
    return True


def _ideograph(ch: str) -> bool:
    """An ideograph (the host's full-width punctuation, ｜ or ，, is no glue)."""
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _long_ad(span: str, chars: int, total: float, params: Params) -> bool:
    """Whether a span longer than ``max_chars`` is an ad of several clauses:
    the host's clause punctuation inside, ``max_long`` ideographs at most,
    shaped as ads are throughout (``STRAY`` times the mean)."""
    return (chars <= params.max_long and any(ch in _CLAUSE for ch in span)
            and total / chars >= STRAY * params.min_mean)


# what each clause of an ad of several clauses glued inside a host's clause sums to, at least
CLAUSE_MIN = 3.0


def _clauses(scores, a, b, span, params) -> bool:
    """Whether ``span`` (its characters' ``scores[a:b]``) holds two clauses or
    more, each shaped as an ad (``CLAUSE_MIN`` at least, ``min_mean`` on
    average): an ad's own comma inside a paste glued at both ends. A host's
    clause does not hold a comma between two stretches of trade."""
    pieces, start = [], 0
    for i, ch in enumerate(span + "，"):
        if ch == "，":
            pieces.append((start, i))
            start = i + 1
    if len(pieces) < 2:
        return False
    for s, e in pieces:
        n = sum(is_cjk(ch) for ch in span[s:e])
        total = sum(scores[a + s:a + e])
        if n < 3 or total < CLAUSE_MIN or total / n < params.min_mean:
            return False
    return True


def _cohesive(span: str, article) -> bool:
    """Whether ``span`` shares a pair of ideographs with the rest of the article."""
    others = article().replace(span, "\x00")
    return any(p in others for p in _pairs(span))
