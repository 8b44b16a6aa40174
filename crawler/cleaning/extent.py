"""How far an ad goes beyond the term or the contact a rule found in it.

A rule that finds a promo term or a contact cuts what it knows: 彩票计划, the
label and the id. The ad it stands in goes on with words no list holds
(…免费领, …，开户送三天免息, 专业开锁换锁芯随叫随到，…), whatever their notation.
``grow`` moves each edge of such a cut outwards over the characters beside it
while they read as ad text (the ad-shape model, ``adshape.scores``: each
character's log-odds of ad text against article text), and stops where the
host's text begins:

- a growth is taken only as a whole that sums to ``MIN_GAIN`` at least,
  ``MIN_MEAN`` a character, and
  its outermost character reads as an ad's (an edge never ends on the host's
  characters);
- it ends at the host's punctuation or the sentence's edge, or where the
  host's characters either side of the cut make a word again (the paste split
  it: 请|网堵平台首充送百|假), never elsewhere inside the host's prose; a cut
  glued to the host's ideograph on one side grows on the other only to make
  such a word whole (定|股票杠杆|期上门 keeps 期上门);
- it crosses a comma (the ad's next clause, at a cost) but never a sentence's
  end, a colon or a semicolon;
- reaching the host's punctuation or the sentence's edge weighs ``EDGE_BONUS``:
  an ad ends where its clause does; an edge where the host's characters on
  either side of the cut make a word again weighs ``JOIN_BONUS``: the paste
  split that word (请|网堵平台首充送百|假).
"""

from __future__ import annotations

from crawler.cleaning import adshape, spans
from crawler.cleaning.textops import is_cjk

REACH = 14  # characters looked at beyond each edge of the cut
MIN_GAIN = 2.0  # what the characters taken must sum to
MIN_MEAN = 1.0  # ... and on average (the host's words that read a little as an ad's stay: 周末专程)
EDGE_BONUS = 2.0  # a growth that reaches the host's punctuation or the sentence's edge
JOIN_BONUS = 3.0  # ... or the place where the host's characters either side make a word again
_CROSS = set("，、,")  # marks a growth may cross (the ad's next clause)
_STOP = set("。！？!?；;：:…\n")


def grow(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """The cut ``text[start:end]`` grown over the ad around it, within the
    sentence ``text[lo:hi]``."""
    if end - start < 2 or not lo <= start < end <= hi:
        return start, end
    scores = adshape.scores(text, lo, hi)
    words = spans.lexicon()
    edges = None
    right = _reach(text, scores, lo, end, min(hi, end + REACH), 1, hi)
    if right:
        edges = adshape.word_edges(text, lo, hi, words)
        before = text[start - 1] if start > lo else ""
        joined = {p for p in right if before and p < hi and p in edges and before + text[p] in words.words}
        for p in joined:  # the host's word the paste split, whole again (请|…首充送百|假)
            right[p] += JOIN_BONUS
        # glued to the host's ideograph on its left, the ad is inside the host's clause: only
        # the host's word made whole again tells where it ends (定|股票杠杆|期上门 keeps 期上门)
        glued = bool(before) and is_cjk(before)
        end = max((p for p in right if p in joined or (not glued and (
                   p == hi or text[p] in _CROSS or text[p] in _STOP))), key=right.get, default=end)
    left = _reach(text, scores, lo, start - 1, max(lo, start - REACH) - 1, -1, lo)
    if left:
        edges = edges or adshape.word_edges(text, lo, hi, words)
        after = text[end] if end < hi else ""
        joined = {p for p in left if after and p > lo and p in edges and text[p - 1] + after in words.words}
        for p in joined:
            left[p] += JOIN_BONUS
        glued = bool(after) and is_cjk(after)
        start = max((p for p in left if p in joined or (not glued and (
                     p == lo or text[p - 1] in _CROSS or text[p - 1] in _STOP))), key=left.get, default=start)
    return start, end


def _reach(text: str, scores: list[float], lo: int, at: int, limit: int, step: int, edge: int) -> dict[int, float]:
    """Where the cut's edge may move, walking from ``at`` by ``step`` up to
    ``limit``: edge position -> the growth's worth (its sum, with the bonus)."""
    found: dict[int, float] = {}
    total = 0.0
    for i in range(at, limit, step):
        ch = text[i]
        if ch in _STOP:
            break
        total += scores[i - lo]
        if ch in _CROSS or not (is_cjk(ch) or ch.isalnum()) or scores[i - lo] <= 0:
            continue  # the growth's outermost character must read as an ad's
        place = i + 1 if step > 0 else i
        beyond = place if step > 0 else place - 1  # the character after the growth
        bonus = EDGE_BONUS if place == edge or text[beyond] in _CROSS or text[beyond] in _STOP else 0.0
        if total >= MIN_GAIN and total >= MIN_MEAN * abs(place - at):
            found[place] = total + bonus
    return found
