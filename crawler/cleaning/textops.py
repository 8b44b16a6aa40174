"""Character classes, sentence bounds and the cut arithmetic of cleaning.

A *cut* is ``(start, end, reason)`` over one block's text. Cuts only delete:
``apply_cuts`` returns the kept text, the removed pieces in order and the
block's spans moved to the kept text (spans inside a cut go, spans that
straddle one shrink).
"""

from __future__ import annotations

import bisect
import re

_CJK_RANGES = (
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F),
    (0x3040, 0x30FF),  # kana: Japanese text glues like Chinese
)
_SPACES = " \t\u3000\u00a0"
# no space is kept after these, nor before the closers
_OPENERS = set("([{（【《〈「『“‘")
_CLOSERS = set(")]}）】》〉」』”’,.;:!?，。；：！？、…")
# a sentence ends after one of these (plus any closing quotes/brackets)
_SENTENCE_END = re.compile(r"[。！？!?；;…]+[”’」』）)\]】》]*|\.(?=\s|$)[”’\"')\]]*|\n")


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def is_space(ch: str) -> bool:
    return ch in _SPACES


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, terminal punctuation included."""
    bounds = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if end > start:
            bounds.append((start, end))
        start = end
        while start < len(text) and is_space(text[start]):
            start += 1
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


def sentence_at(bounds: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    starts = [b[0] for b in bounds]
    i = max(bisect.bisect_right(starts, pos) - 1, 0)
    return bounds[i] if bounds else (0, 0)


def _want_space(left: str | None, right: str | None) -> bool:
    """Whether a space belongs between the two characters that a cut joins."""
    if left is None or right is None:
        return False
    if left in _OPENERS or right in _CLOSERS:
        return False
    return not (is_cjk(left) or is_cjk(right))


def stitch(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a cut over the spaces at its seam so the sentence reads on.

    ``the core a.cn | b.cn principle`` keeps one space; ``原 a.cn 则`` none;
    a cut at a block's edge takes the spaces beside it.
    """
    s, e = start, end
    while s > 0 and is_space(text[s - 1]):
        s -= 1
    while e < len(text) and is_space(text[e]):
        e += 1
    spaces = (start - s) + (e - end)
    left = text[s - 1] if s > 0 else None
    right = text[e] if e < len(text) else None
    if spaces and _want_space(left, right):
        # keep one space: the one before the cut if there was one
        if start > s:
            s += 1
        else:
            e -= 1
    return s, e


def merge_cuts(cuts: list[tuple[int, int, str, int]]) -> list[tuple[int, int, str]]:
    """Union overlapping cuts; the reason of the earliest rule (lowest order) wins."""
    out: list[list] = []
    for s, e, reason, order in sorted(cuts, key=lambda c: (c[0], c[3])):
        if out and s < out[-1][1]:
            last = out[-1]
            last[1] = max(last[1], e)
            if order < last[3]:
                last[2], last[3] = reason, order
        else:
            out.append([s, e, reason, order])
    return [(s, e, r) for s, e, r, _ in out]


def apply_cuts(text: str, cuts: list[tuple[int, int, str]], spans: list | None = None):
    """Delete non-overlapping sorted ``cuts``; return (kept, pieces, spans).

    ``pieces`` are ``(reason, removed_text)`` in order.
    """
    kept: list[str] = []
    pieces: list[tuple[str, str]] = []
    pos = 0
    for s, e, reason in cuts:
        kept.append(text[pos:s])
        pieces.append((reason, text[s:e]))
        pos = e
    kept.append(text[pos:])
    new_spans = None
    if spans is not None:
        new_spans = []
        for s, e, kind, value in spans:
            ns, ne = _moved(s, cuts), _moved(e, cuts)
            if ne > ns:
                new_spans.append([ns, ne, kind, value])
    return "".join(kept), pieces, new_spans


def _moved(pos: int, cuts) -> int:
    """Where offset ``pos`` lands once the cuts are gone."""
    shift = 0
    for s, e, _ in cuts:
        if pos <= s:
            break
        shift += min(pos, e) - s
    return pos - shift
