"""Ads pasted inside someone else's sentence, found by the seams they leave.

A spam injector pastes an ad at any character of a host sentence, often
inside one of its words: ``…店主把刚出锅的油代孕包成功，详询客服条码在竹筐里…``.
Two things give such a span away without knowing what it sells:

- its *sales talk*: words of selling any trade (a guarantee, a price, a service
  for hire, a rush, a call to order, a contact), two or more close together
  (the ``anchors`` of a rule, weighted);
- its *seams*: where it starts and ends in the host sentence. The span is
  looked for around its sales talk, from ``window`` characters before the first
  piece to ``window`` after the last; a seam is good when the characters on
  either side of the span join into a word once it is taken out (``油`` +
  ``条``: a *word break*, the paste split a word of the host) while neither
  edge is inside a word (``油代``, ``服条`` are none), or when it is the
  host's punctuation. Which pairs of characters occur inside words comes
  from the most frequent words of wordfreq's Chinese list (its data only,
  loaded once, on the first block that holds sales talk).

A span is cut when its seams are a word break, or when it is bounded by the
host's punctuation and dense with sales talk; never when the rest of its
sentence sells too (an article about a shop), nor the whole sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from crawler.cleaning.textops import is_cjk, sentence_at

# what a character taken beyond the sales talk costs a span (the tightest of
# equally good spans wins)
SPREAD = 0.3
# what the best span must score (a word break 3 less its spread: at most five
# characters beyond the sales talk)
MIN_SCORE = 1.5
# a seam: the host's clause punctuation (a span between two is a clause)
_EDGE = set("，,、；;：:（）()“”\"‘’《》【】「」…—- \u3000")


@dataclass(frozen=True)
class Lexicon:
    """What the seams are judged by: pairs of ideographs that occur inside a
    word (``油条``, ``客服``), and the words of two or three ideographs."""

    pairs: frozenset[str]
    words: frozenset[str]

    def inside(self, left: str, right: str) -> bool:
        return is_cjk(left) and is_cjk(right) and left + right in self.pairs

    def opens_word(self, text: str, at: int) -> bool:
        """Whether ``text[at]`` opens a word with the characters after it (地 of 地方 is no particle)."""
        return any(text[at:at + n] in self.words for n in (2, 3)) if at + 1 < len(text) else False

    def joins(self, text: str, left: int, right: int) -> bool:
        """Whether the characters around ``text[left:right]`` make a word once it
        goes (``转`` + ``场``; ``酱`` + ``醅``... or three with a neighbour)."""
        x, v = text[left - 1], text[right]
        if not (is_cjk(x) and is_cjk(v)):
            return False
        words = self.words
        return (x + v in words or (left >= 2 and text[left - 2] + x + v in words)
                or (right + 1 < len(text) and x + v + text[right + 1] in words))


LEXICON_FILE = "lexicon_zh.txt"  # built by ``python -m crawler.testing.lexicon_build``


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The ``Lexicon`` of ``lexicon_zh.txt`` (``crawler/testing/lexicon_build.py``):
    the inner pairs of the most frequent words of wordfreq's Chinese list, and their words of two or
    three ideographs. Read from the file (~20 ms) rather than built from
    wordfreq's list (~0.5 s, and ~27 MB it keeps): a worker's first page with a
    seam to judge pays for it."""
    text = (resources.files("crawler.cleaning") / LEXICON_FILE).read_text(encoding="utf-8")
    pairs, _, words = text.partition("\n")[2].partition("\n\n")  # (its first line says where it comes from)
    return Lexicon(frozenset(pairs.split()), frozenset(words.split()))


@dataclass(frozen=True)
class Params:
    window: int  # how far a seam may lie from the sales talk
    max_gap: int  # sales talk further apart than this is two clusters
    min_weight: int  # sales talk a span needs (distinct pieces, weighted)
    edge_weight: int  # ... when bounded by punctuation on both sides, with no word break


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    weight: int
    text: str


def clusters(anchors: list[Anchor], bounds, max_gap: int) -> list[list[Anchor]]:
    """Anchors grouped by sentence, split where ``max_gap`` characters part them."""
    out: list[list[Anchor]] = []
    for a in sorted(anchors, key=lambda a: (a.start, -a.end)):
        last = out[-1][-1] if out else None
        if (last is not None and a.start - max(x.end for x in out[-1]) <= max_gap
                and sentence_at(bounds, a.start) == sentence_at(bounds, last.start)):
            out[-1].append(a)
        else:
            out.append([a])
    return out


def weight(cluster: list[Anchor]) -> int:
    """Distinct pieces of sales talk, each counted once with its weight."""
    seen: dict[str, int] = {}
    for a in cluster:
        seen[a.text] = max(seen.get(a.text, 0), a.weight)
    return sum(seen.values())


def seams(text: str, start: int, end: int, lo: int, hi: int, window: int, words: Lexicon):
    """The best span around ``text[start:end]`` (the sales talk) within the
    sentence ``[lo, hi)``: (score, span start, span end, word break?), or None.

    Scored by its seams: a word break (the characters around the span make a
    word once it goes, neither edge being inside one) 3; each edge at the
    host's punctuation or the sentence's end 1.5; an edge inside a word -3;
    each character taken beyond the sales talk -``SPREAD`` (the tightest span wins).
    """
    best = None
    hi_open = hi
    while hi_open > lo and not (text[hi_open - 1].isalnum() or is_cjk(text[hi_open - 1])):
        hi_open -= 1  # the sentence's closing punctuation stays with the host
    for left in range(max(lo, start - window), start + 1):
        x = text[left - 1] if left > lo else ""
        left_edge = left == lo or x in _EDGE
        left_word = not left_edge and words.inside(x, text[left])
        for right in range(end, min(hi_open, end + window) + 1):
            v = text[right] if right < hi_open else ""
            right_edge = right == hi_open or v in _EDGE
            right_word = not right_edge and words.inside(text[right - 1], v)
            broken = (not left_edge and not right_edge and not left_word and not right_word
                      and words.joins(text, left, right))
            score = (3 * broken + 1.5 * (left_edge + right_edge) - 3 * (left_word + right_word)
                     - SPREAD * ((start - left) + (right - end)))
            if best is None or score > best[0]:
                best = (score, left, right, broken)
    return best


def cuts(text: str, anchors: list[Anchor], bounds, params: Params, words: Lexicon, unless=None) -> list[tuple[int, int, str]]:
    """(start, end, signal) of the pasted ads in one block: ``word_break``
    when the seams split a word of the host, ``sales_span`` when the host's
    punctuation bounds a span dense with sales talk. ``unless``: a pattern
    that, found in the rest of the sentence, keeps it (a report, a notice)."""
    out = []
    for cluster in clusters(anchors, bounds, params.max_gap):
        heft = weight(cluster)
        if heft < params.min_weight:
            continue
        # the span is sought around its strong pieces (weight 2 and more): a
        # weak word beside it may be the host's own (可回收物)
        strong = [a for a in cluster if a.weight >= 2]
        if not strong:
            continue
        start, end = min(a.start for a in strong), max(a.end for a in strong)
        lo, hi = sentence_at(bounds, start)
        found = seams(text, start, end, lo, hi, params.window, words)
        if found is None:
            continue
        score, left, right, broken = found
        if score < MIN_SCORE:
            continue  # good seams only far from the sales talk: likely chance, in the host
        # bounded by the host's punctuation inside the block: at the block's edge
        # the span would be the head or tail of a line, the line rules' to judge
        bounded = (0 < left and (left == lo or text[left - 1] in _EDGE)
                   and right < len(text) and (right >= hi or text[right] in _EDGE
                                              or not (text[right].isalnum() or is_cjk(text[right]))))
        if broken:
            signal = "word_break"
        elif bounded and heft >= params.edge_weight:
            signal = "sales_span"
        else:
            continue
        rest = text[lo:left] + text[right:hi]
        if not any(is_cjk(ch) for ch in rest):
            continue  # the whole sentence: a line or sentence ad is the other rules' to judge
        if any(lo <= a.start < hi and (a.end <= left or a.start >= right) for a in anchors):
            continue  # the sentence sells outside the span too: it is about selling
        if unless is not None and unless.search(rest):
            continue
        out.append((left, right, signal))
    return out



# how far before its contact an ad pasted into a word is taken to begin when
# no punctuation bounds it (its offer: 7-14 characters in the labelled sets)
OFFER_REACH = 10


def pasted_start(text: str, start: int, contact: int, end: int, words: Lexicon) -> int:
    """Where an ad pasted into a word before its contact ``text[contact:end]``
    begins, ``start`` being the farthest its offer may reach: there when the
    host's punctuation stands before it and it is near, else ``OFFER_REACH``
    characters before the contact, moved on while its edge is inside a word.
    (Where the host's words part is not known without knowing what the ad
    sells: a word break is rare at these seams.)"""
    start = max([start] + [i + 1 for i in range(start, contact - 4) if text[i] in _EDGE])
    if contact - start <= OFFER_REACH:
        return start
    left = contact - OFFER_REACH
    while left < contact - 4 and words.inside(text[left - 1], text[left]):
        left += 1
    return left
