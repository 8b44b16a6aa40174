"""Character classes, sentence bounds and the cut arithmetic of cleaning.

A *cut* is ``(start, end, reason)`` over one block's text. Cuts only delete:
``apply_cuts`` returns the kept text, the removed pieces in order and the
block's spans moved to the kept text (spans inside a cut go, spans that
straddle one shrink).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from importlib import resources

_CJK_RANGES = (
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F),
    (0x3040, 0x30FF),  # kana: Japanese text glues like Chinese
)
_SPACES = " \t\u3000\u00a0"
# invisible characters spam puts between the letters of a word (配\u200b资); a
# cut takes those at its edges, and matching never sees them (``fold``)
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# symbols spam puts between the characters of a term (配-资, 股·票, 网/贷, 百＊家＊乐)
_INSERTED = r"[ \u3000\u00a0]*[-_*~·•・.|｜/／＊～~\\+＋#＃^丨]+[ \u3000\u00a0]*|[ \u3000\u00a0]+"
_FOLDABLE = re.compile(
    f"[{ZERO_WIDTH}\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0e\uff20\uff3f]"
    f"|(?<=[\u3400-\u9fff])(?:{_INSERTED})(?=[\u3400-\u9fff])"
)
# every character a match of _FOLDABLE can hold: a text with none (most Chinese
# prose) is its own view, told by one bitmap scan (~1 us a block; _FOLDABLE's
# look-behind, tried at each position, ~30 us)
_MAY_FOLD = re.compile(
    f"[{ZERO_WIDTH}\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0e\uff20\uff3f]"
    "|[" + "".join(map(re.escape, " \u3000\u00a0-_*~·•・.|｜/／＊～~\\+＋#＃^丨")) + "]"
)


def _char_table() -> dict[int, str]:
    """One character for another of the same length: the forms a term takes to
    slip past a lexicon. Compatibility forms (Kangxi and CJK radicals,
    compatibility ideographs, circled and mathematical letters: ⽹贷, 𝐜𝐚𝐬𝐢𝐧𝐨)
    as Unicode's NFKC maps them; traditional characters as simplified, by
    OpenCC's character table (its first candidate: 乾 stays a possible 乾)."""
    table: dict[int, str] = {}
    for lo, hi in ((0x2460, 0x24FF), (0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0x1D400, 0x1D7FF),
                   (0x1F130, 0x1F189), (0x2F800, 0x2FA1F)):
        for code in range(lo, hi + 1):
            norm = unicodedata.normalize("NFKC", chr(code))
            if len(norm) == 1 and norm != chr(code):
                table[code] = norm
    data = resources.files("opencc") / "dictionary" / "TSCharacters.txt"
    for line in data.read_text(encoding="utf-8").splitlines():
        trad, _, simplified = line.partition("\t")
        first = simplified.split(" ")[0]
        if len(trad) == 1 and len(first) == 1 and first != trad:
            table[ord(trad)] = first
    return table


CHAR_TABLE = _char_table()


def _class_of(codes) -> str:
    """A regex class of the code points, as ranges."""
    parts, run = [], []
    for code in sorted(codes):
        if run and code == run[-1] + 1:
            run.append(code)
            continue
        if run:
            parts.append(f"\\U{run[0]:08x}-\\U{run[-1]:08x}" if len(run) > 1 else f"\\U{run[0]:08x}")
        run = [code]
    if run:
        parts.append(f"\\U{run[0]:08x}-\\U{run[-1]:08x}" if len(run) > 1 else f"\\U{run[0]:08x}")
    return "[" + "".join(parts) + "]"


# a class of BMP characters compiles to a bitmap (one test a character); one
# holding astral characters to a list of ranges (a test per range): those are
# looked for apart, as any astral character at all
_MAPPED = re.compile(_class_of(c for c in CHAR_TABLE if c <= 0xFFFF) + "|[\\U00010000-\\U0010ffff]")
# no space is kept after these, nor before the closers
_OPENERS = set("([{（【《〈「『“‘")
_CLOSERS = set(")]}）】》〉」』”’,.;:!?，。；：！？、…")
# a sentence ends after one of these (plus any closing quotes/brackets)
# (an English sentence ends at a dot before a space, the end, an ideograph, a
# full-width opener or a capitalised word: "...the mountain.以上内容…",
# "...the mountain.（作者注：…）" and "...evenly.Editor's note: …" are two sentences)
_SENTENCE_END = re.compile(r"[。！？!?；;…]+[”’」』）)\]】》]*|\.(?=\s|$|[\u3400-\u9fff（【〔「『“]|[A-Z][a-z])[”’\"')\]]*|\n")


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def is_space(ch: str) -> bool:
    return ch in _SPACES


def fold(text: str) -> tuple[str, list[int] | None]:
    """The text rules match on, and where each of its characters comes from.

    Spam disguises its words so that a literal pattern misses them: invisible
    characters between letters (``配\u200b资``), full-width letters and digits
    (``ｖｘ：ｐｚ８８``, ``ｗｗｗ．ｘ．ｃｏｍ``), spaces or symbols between
    ideographs (``配 资 平 台``, ``配-资``, ``股·票``, ``网/贷``; Chinese puts
    none there), traditional characters (``配資``), radicals and compatibility
    forms (``⽹贷``). The folded view drops the invisible characters and what
    stands between two ideographs, narrows full-width letters, digits and
    ``．＠＿``, and maps characters by ``CHAR_TABLE`` (one for one); CJK
    punctuation stays as it is. Returns ``(view, origin)`` where ``origin[i]``
    is the offset in ``text`` of ``view[i]`` (plus one entry for the end), or
    ``(view, None)`` when the view has the text's offsets.
    """
    if _MAPPED.search(text):
        text = text.translate(CHAR_TABLE)
    if not _MAY_FOLD.search(text) or not _FOLDABLE.search(text):
        return text, None
    view: list[str] = []
    origin: list[int] = []
    pos = 0
    for m in _FOLDABLE.finditer(text):
        view.append(text[pos:m.start()])
        origin.extend(range(pos, m.start()))
        ch = m.group()
        if len(ch) == 1 and "\uff01" <= ch <= "\uff5e" and ch not in "＊｜／＋＃～":
            view.append(chr(ord(ch) - 0xFEE0))
            origin.append(m.start())
        pos = m.end()
    view.append(text[pos:])
    origin.extend(range(pos, len(text) + 1))
    return "".join(view), origin


def unfold(text: str, origin: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """A cut over the folded view as a cut over ``text``, with the invisible
    characters at its edges."""
    if origin is not None:
        start, end = origin[start], (origin[end - 1] + 1 if end > start else origin[start])
    while start > 0 and text[start - 1] in ZERO_WIDTH:
        start -= 1
    while end < len(text) and text[end] in ZERO_WIDTH:
        end += 1
    return start, end


def to_view(origin: list[int] | None, pos: int) -> int:
    """Where offset ``pos`` of the text falls in its folded view."""
    return pos if origin is None else bisect.bisect_left(origin, pos)


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
    a cut at a block's edge takes the spaces (and invisible characters) beside it.
    """
    s, e = start, end
    while s > 0 and (is_space(text[s - 1]) or text[s - 1] in ZERO_WIDTH):
        s -= 1
    while e < len(text) and (is_space(text[e]) or text[e] in ZERO_WIDTH):
        e += 1
    left = text[s - 1] if s > 0 else None
    right = text[e] if e < len(text) else None
    before = [i for i in range(s, start) if is_space(text[i])]
    after = [i for i in range(end, e) if is_space(text[i])]
    if (before or after) and _want_space(left, right):
        # keep one space: the one before the cut if there was one
        if before:
            s = before[0] + 1
        else:
            e = after[-1]
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
