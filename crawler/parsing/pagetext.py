"""A page's text read from its UTF-8 bytes a piece at a time.

Python stores a string at 1, 2 or 4 bytes a character, the widest its
characters need: one emoji in a 3 MB WeChat page makes its text 12 MB, and
decoding the page costs more CPU than an lxml parse of it (most of it the
memory written). The WeChat parser reads a few slices of such a page: the
share data near its end, the body element, the style sheets near its start.
``read_utf8`` checks that the bytes are UTF-8 in pieces (each piece of ASCII
is only tested, ``bytes.isascii``) and returns a ``PageText``, which decodes
what is asked. Every answer is the one the whole text gives:

- ``literal in page`` and ``find(literal)``: a literal occurs in the text
  where its UTF-8 bytes occur in the bytes (UTF-8 keeps substrings);
- ``head(n)``: ``text[:n]``; ``tail(offset)``: the text from the character
  at a byte offset to the end; ``window(start, end)``: the characters whose
  bytes lie in a range (widened to whole characters);
- ``match_start(pattern)``: the byte offset where ``pattern.search(text)``
  matches, read in windows around the occurrences of the literals every
  match holds (``window_plan``), or ``UNKNOWN`` for a pattern windows cannot
  decide (unbounded width, assertions, IGNORECASE);
- ``text``: the whole text, decoded once, for every other reader.
"""

from __future__ import annotations

import codecs
import functools
import re

try:  # re's private parser (moved in 3.11); without it, no window plans
    from re import _constants as _RE_OPS
    from re import _parser as _RE_PARSER
except ImportError:  # pragma: no cover
    _RE_PARSER = _RE_OPS = None

from crawler.cleaning.screen import required_literals
from crawler.parsing.scan import ANY, Found

# the bytes tested (ASCII) or decoded (the rest) at a time when checking a page:
# pieces of this size keep the decoded ones small (16 kB: 8x faster than one
# decode of a 3 MB page holding an emoji, measured on the real pages)
PIECE_BYTES = 16384
# a pattern is read in windows only when no match spans more characters than this
MAX_WINDOW_WIDTH = 4096
# occurrences of a pattern's literals tried one window each, before the whole text
MAX_WINDOWS = 64
UNKNOWN = -2  # match_start: windows cannot tell
# the bytes of the characters ``\s`` matches, and more: ASCII spaces, the controls
# \x1c-\x1f, any byte of a character beyond ASCII (a class for bytes patterns)
SPACE_BYTES = rb"[\t-\r\x1c-\x20\x80-\xff]"

_CONTINUATION = 0xC0, 0x80  # a byte b with b & 0xC0 == 0x80 continues a character


class PageText:
    """The text of a page whose bytes ``data[start:]`` are valid UTF-8 (``chars`` characters)."""

    __slots__ = ("data", "start", "chars", "_text")

    def __init__(self, data: bytes, start: int, chars: int):
        self.data, self.start, self.chars = data, start, chars
        self._text: str | None = None

    def __len__(self) -> int:
        return self.chars

    @property
    def text(self) -> str:
        """The whole text (decoded on the first call)."""
        if self._text is None:
            self._text = self.data[self.start:].decode("utf-8")
        return self._text

    def find(self, literal: str, offset: int = 0) -> int:
        """The byte offset of the first occurrence of ``literal`` from ``offset``, or -1."""
        return self.data.find(_utf8(literal), max(offset, self.start))

    def __contains__(self, literal: str) -> bool:
        return self.find(literal) >= 0

    def char_start(self, offset: int) -> int:
        """``offset`` (a byte offset) moved back to the first byte of its character."""
        data, mask, cont = self.data, *_CONTINUATION
        offset = max(offset, self.start)
        while offset > self.start and offset < len(data) and data[offset] & mask == cont:
            offset -= 1
        return offset

    def _forward(self, offset: int) -> int:
        """``offset`` moved on to the first byte of the next character (or the end)."""
        data, mask, cont = self.data, *_CONTINUATION
        offset = min(max(offset, self.start), len(data))
        while offset < len(data) and data[offset] & mask == cont:
            offset += 1
        return offset

    def window(self, start: int, end: int) -> str:
        """The characters whose bytes begin in ``[start, end)`` (byte offsets)."""
        return self.data[self.char_start(start):self._forward(end)].decode("utf-8")

    def tail(self, offset: int) -> str:
        """The text from the character holding byte ``offset`` to the end."""
        return self.data[self.char_start(offset):].decode("utf-8")

    def head(self, n: int) -> str:
        """``text[:n]``."""
        if self._text is not None:
            return self._text[:n]
        pieces, count, pos, size = [], 0, self.start, len(self.data)
        while count < n and pos < size:
            stop = self._forward(pos + n - count)  # at least as many bytes as characters wanted
            pieces.append(self.data[pos:stop].decode("utf-8"))
            count += len(pieces[-1])
            pos = stop
        return "".join(pieces)[:n]

    def head_end(self, n: int) -> int:
        """The byte offset where ``text[:n]`` ends: its bytes are ``data[start:head_end(n)]``.
        Counted a piece at a time (``utf8_chars``'s), a piece of ASCII only tested: only
        the pieces beyond ASCII are decoded, where ``head`` decodes everything."""
        data, count, pos, size = self.data, 0, self.start, len(self.data)
        while count < n and pos < size:
            stop = self._forward(pos + min(n - count, PIECE_BYTES))  # no more characters than wanted
            piece = data[pos:stop]
            count += len(piece) if piece.isascii() else len(piece.decode("utf-8"))
            pos = stop
        return pos

    def match_start(self, pattern: re.Pattern, found: Found = ANY) -> int:
        """The byte offset where ``pattern.search(text)`` matches, -1 when it
        does not, ``UNKNOWN`` when windows cannot tell (see ``window_plan``).
        ``found``: a scan of the bytes with the plan's literals among its
        ``starts`` (their first occurrences are then not searched for)."""
        plan = window_plan(pattern)
        if plan is None:
            return UNKNOWN
        literals, width = plan
        nexts = {}
        for literal in literals:
            first = found.first_offset(literal)
            nexts[_utf8(literal)] = self.find(literal) if first is None else first
        for _ in range(MAX_WINDOWS):
            found = [at for at in nexts.values() if at >= 0]
            if not found:
                return -1
            at = min(found)
            # a match holding this occurrence lies within `width` characters of it
            # (4 bytes at most each); the first match of the window is the page's
            # when no earlier occurrence had one and it fits in the window whole
            begin, end = self.char_start(at - 4 * width), self._forward(at + 8 * width)
            text = self.data[begin:end].decode("utf-8")
            if m := pattern.search(text):
                if m.start() + width > len(text) and end < len(self.data):
                    return UNKNOWN
                return begin + len(_utf8(text[: m.start()]))
            for literal, offset in nexts.items():
                if offset == at:
                    nexts[literal] = self.data.find(literal, at + 1)
        return UNKNOWN


def findall(page: str | PageText, pattern: re.Pattern, superset: re.Pattern) -> list:
    """``pattern.findall`` of the page's text; of a ``PageText``, only the
    matches of ``superset`` are decoded: a bytes pattern that matches wherever
    ``pattern`` does, over the same bytes (and maybe elsewhere)."""
    if isinstance(page, str):
        return pattern.findall(page)
    out, pos = [], page.start
    while candidate := superset.search(page.data, pos):
        text = page.window(candidate.start(), candidate.end())
        if m := pattern.match(text):
            out.append(m.groups() if pattern.groups > 1 else m.group(pattern.groups))
            pos = candidate.start() + len(_utf8(text[: m.end()]))
        else:
            pos = candidate.start() + 1
    return out


def text_of(page: str | PageText) -> str:
    """The whole text of a page given as text or as a ``PageText``."""
    return page if isinstance(page, str) else page.text


def head_of(page: str | PageText, n: int) -> str:
    """The first ``n`` characters of a page given as text or as a ``PageText``."""
    return page[:n] if isinstance(page, str) else page.head(n)


def utf8_chars(data: bytes, start: int = 0) -> int | None:
    """How many characters ``data[start:]`` decodes to, or None when it is not
    valid UTF-8 (the verdict of one ``decode``, given piece by piece)."""
    chars, pos, size = 0, start, len(data)
    mask, cont = _CONTINUATION
    while pos < size:
        stop = min(size, pos + PIECE_BYTES)
        for _ in range(3):  # a character has 3 continuation bytes at most
            if stop < size and data[stop] & mask == cont:
                stop += 1
        if stop < size and data[stop] & mask == cont:
            return None
        piece = data[pos:stop]
        if piece.isascii():
            chars += len(piece)
        else:
            try:
                chars += len(piece.decode("utf-8"))
            except UnicodeDecodeError:
                return None
        pos = stop
    return chars


def read_utf8(data: bytes) -> PageText | None:
    """The page as a ``PageText`` when its bytes are valid UTF-8 (a byte-order
    mark left out of the text), else None."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    chars = utf8_chars(data, start)
    return PageText(data, start, chars) if chars is not None else None


# what a window cannot see: text before or after it (anchors, look-arounds, \b)
# and groups matched before (back references)
_OUTSIDE = {"AT", "ASSERT", "ASSERT_NOT", "GROUPREF", "GROUPREF_EXISTS", "GROUPREF_IGNORE",
            "GROUPREF_LOC_IGNORE", "GROUPREF_UNI_IGNORE"}


def _sees_outside(items) -> bool:
    for op, value in items:
        if str(op) in _OUTSIDE:
            return True
        for part in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(part, _RE_PARSER.SubPattern) and _sees_outside(part):
                return True
            if isinstance(part, (list, tuple)) and any(
                isinstance(sub, _RE_PARSER.SubPattern) and _sees_outside(sub) for sub in part
            ):
                return True
    return False


@functools.lru_cache(maxsize=256)
def window_plan(pattern: re.Pattern) -> tuple[tuple[str, ...], int] | None:
    """(the literals one of which every match of ``pattern`` holds, the
    most characters a match spans), or None when windows cannot decide:
    a match may span more than ``MAX_WINDOW_WIDTH`` characters, or look
    outside itself, or the pattern ignores case or holds no literal."""
    if _RE_PARSER is None or not isinstance(pattern.pattern, str) or pattern.flags & re.IGNORECASE:
        return None
    tree = _RE_PARSER.parse(pattern.pattern, pattern.flags)
    width = tree.getwidth()[1]
    if width > MAX_WINDOW_WIDTH or _sees_outside(tree):
        return None
    clauses = required_literals(pattern.pattern, pattern.flags, parsed=None)
    if not clauses:
        return None
    return tuple(sorted(clauses[0])), width


def _utf8(literal: str) -> bytes:
    return literal.encode("utf-8", "surrogatepass")


def window_literals(pattern: re.Pattern) -> tuple[str, ...]:
    """The literals ``match_start`` looks for (none when windows cannot decide)."""
    plan = window_plan(pattern)
    return plan[0] if plan else ()
