"""Read the data that pages carry in inline scripts, without running them.

WeChat pages declare their metadata as JavaScript: ``var ct = "1581517074";``,
``var nickname = htmlDecode("...")``, ``window.msg_title = '...' || '';`` and,
since 2024, one object literal ``window.cgiDataNew = {...}``. Two readers:

- ``script_vars(page, names)``: ``var NAME = <strings>`` / ``window.NAME = ...``
  assignments whose value is one or more string literals joined by ``||``,
  optionally wrapped in ``htmlDecode(...)``/``JsDecode(...)`` or followed by
  ``.html(false)``/``* 1``. The first non-empty string wins; assignments whose
  value is an expression (``opt.biz || window.biz``) are skipped.
- ``object_literal(page, start, keys=(), deferred=())``: parse the object
  literal that follows the first match of ``start`` into dicts, lists, strings,
  numbers and booleans (``'3' * 1`` is 3); values that are expressions are
  skipped; with ``keys``, only their top-level members are read (the others
  stepped over) and reading stops once they have all been seen; the
  values of the ``deferred`` keys are stepped over and read only when asked
  (``Deferred.read``: a 60 kB string is then matched, not decoded). Token
  scanning by regular expressions, so a 100 KB string costs one match.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from crawler.parsing.pagetext import SPACE_BYTES, PageText

try:  # re's private parser (moved in 3.11); without it, no literal prefix
    from re import _constants as _RE_OPS
    from re import _parser as _RE_PARSER
except ImportError:  # pragma: no cover
    _RE_PARSER = _RE_OPS = None

_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|\r\n|[\s\S])")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
# WeChat's JsDecode() undoes a second, literal escaping layer (\\x26 in source).
_JSDECODE = re.compile(r"\\x(5c|0d|22|26|27|3c|3e|0a)", re.IGNORECASE)

# A literal's body: runs of plain characters between escapes ("unrolled": one
# alternation per character costs 12x more on the 60 kB strings of share data).
_STRING = {
    "'": re.compile(r"'([^'\\\n]*(?:\\[\s\S][^'\\\n]*)*)'"),
    '"': re.compile(r'"([^"\\\n]*(?:\\[\s\S][^"\\\n]*)*)"'),
    "`": re.compile(r"`([^`\\]*(?:\\[\s\S][^`\\]*)*)`"),
}
_SPACE = re.compile(r"\s*(?://[^\n]*\n\s*|/\*.*?\*/\s*)*", re.DOTALL)
_KEY = re.compile(r"([A-Za-z_$][\w$]*)\s*:")
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_WORD = re.compile(r"(true|false|null|undefined)\b")
_WRAPPER = re.compile(r"(?:htmlDecode|JsDecode|decodeURIComponent)\s*\(\s*")
_SUFFIX = re.compile(r"\s*(?:\.html\(\s*(?:false|true|0|1)?\s*\)|\*\s*1\b)")
_OR = re.compile(r"\s*\|\|\s*")
_TIMES_ONE = re.compile(r"\*\s*1\b")
_IDENT_CHAR = re.compile(r"[\w$.]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Escapes whose meaning differs between JavaScript and Python's unicode_escape codec
# (\u{...}, \v, \0, \/ and other identity escapes, \U, \N{...}, octal).
_UNUSUAL_ESCAPE = re.compile(r"\\(?:u\{|[^xu\\'\"nrtbf\n])")


def unescape_js(raw: str) -> str:
    """The value of a JavaScript string literal's body."""
    if "\\" not in raw:
        return raw
    if not _UNUSUAL_ESCAPE.search(raw):
        # Python's codec reads the escapes JavaScript and Python share, in C.
        try:
            return _fix_surrogates(raw.encode("latin-1", "backslashreplace").decode("unicode_escape"))
        except UnicodeDecodeError:  # a malformed \x or \u escape: read one by one
            pass

    def one(m: re.Match) -> str:
        esc = m.group(1)
        if esc[0] == "x" and len(esc) == 3:
            return chr(int(esc[1:], 16))
        if esc.startswith("u{"):
            return chr(int(esc[2:-1], 16))
        if esc[0] == "u" and len(esc) == 5:
            return chr(int(esc[1:], 16))
        if esc in ("\n", "\r\n", "\u2028", "\u2029"):
            return ""  # line continuation
        return _SIMPLE_ESCAPES.get(esc, esc)

    return _fix_surrogates(_ESCAPE.sub(one, raw))


def _fix_surrogates(text: str) -> str:
    """Join the surrogate pairs of escapes such as \\uD83D\\uDE00 into one character."""
    if _SURROGATE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def js_decode(text: str) -> str:
    """WeChat's ``JsDecode``: undo the literal ``\\xNN`` layer."""
    return _JSDECODE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _string_at(src: str, pos: int, end: int | None = None) -> tuple[str, int] | None:
    quote = src[pos : pos + 1] if end is None or pos < end else ""
    pattern = _STRING.get(quote)
    if not pattern:
        return None
    m = pattern.match(src, pos, len(src) if end is None else end)
    if not m:
        return None
    return unescape_js(m.group(1)), m.end()


def _string_expr(src: str, pos: int, end: int | None = None) -> tuple[str | None, int]:
    """``'a' || "b"`` with wrappers/suffixes -> first non-empty string (read up to ``end``)."""
    value: str | None = None
    end = len(src) if end is None else end
    while True:
        wrapped = _WRAPPER.match(src, pos, end)
        if wrapped:
            pos = wrapped.end()
        got = _string_at(src, pos, end)
        if got is None:
            return value, pos
        text, pos = got
        if wrapped:
            pos = _SPACE.match(src, pos, end).end()
            if pos < end and src[pos] == ")":
                pos += 1
            text = js_decode(text)
        while m := _SUFFIX.match(src, pos, end):
            pos = m.end()
        if value is None or (not value and text):
            value = text if value is None or text else value
        m = _OR.match(src, pos, end)
        if not m:
            return value, pos
        pos = m.end()


# where a script's element ends, and what it declares with it (as a browser reads the
# page; the tag is written in lower case: other cases are read past)
SCRIPT_END = "</script"


def script_vars(page: str | PageText, names: list[str] | tuple[str, ...]) -> dict[str, str]:
    """The first non-empty string assigned to each name (absent when none),
    each read up to the end tag of its script (``SCRIPT_END``)."""
    found: dict[str, str] = {}
    fallback: dict[str, str] = {}
    for name, read in _assignments(page, names):
        if name in found:
            continue
        value = read()
        if value is None:
            continue
        if value.strip():
            found[name] = value
        else:
            fallback.setdefault(name, value)
    return {**fallback, **found}


def _assignments(page: str | PageText, names):
    """(name, a function reading its value) for each ``var NAME =`` and
    ``window.NAME =`` in page order, but those whose ``var``/``window`` ends
    an identifier (the function then gives None)."""
    # No \b before "var": it defeats the regex engine's fast scan (8x slower on
    # 3 MB pages); the character before the match is checked instead. One
    # pattern per prefix, each starting with a literal the engine scans for
    # (2.4x faster than one alternation); their matches never overlap, so
    # merged in page order they are the alternation's.
    alternatives = "(" + "|".join(map(re.escape, names)) + r")\s*=\s*"
    patterns = [re.compile(prefix + alternatives) for prefix in (r"var\s+", r"window\.")]
    if isinstance(page, str):
        ends = _ScriptEnds(page)
        for m in sorted((m for p in patterns for m in p.finditer(page)), key=lambda m: m.start()):
            if not (m.start() and _IDENT_CHAR.match(page, m.start() - 1)):
                yield m.group(1), functools.partial(_value_at, page, m.end(), ends)
        return
    # in the bytes: a superset of the matches (any byte beyond ASCII may be a space),
    # each then matched in the text from the character before it to its script's end
    spaced = b"(" + b"|".join(re.escape(n.encode("ascii")) for n in names) + b")" + SPACE_BYTES + b"*="
    candidates = [m for p in (rb"var" + SPACE_BYTES + b"+", rb"window\.")
                  for m in re.finditer(p + spaced, page.data)]
    scripts = _Scripts(page, patterns)
    for m in sorted(candidates, key=lambda m: m.start()):
        yield m.group(1).decode("ascii"), functools.partial(scripts.value_at, m.start())


class _ScriptEnds:
    """Where the script holding a place in a text ends (asked in text order)."""

    def __init__(self, text: str):
        self.text, self.end = text, -1

    def after(self, pos: int) -> int:
        if pos >= self.end or self.end < 0:
            end = self.text.find(SCRIPT_END, pos)
            self.end = end if end >= 0 else len(self.text)
        return self.end


def _value_at(src: str, pos: int, ends: _ScriptEnds) -> str | None:
    return _string_expr(src, pos, ends.after(pos))[0]


class _Scripts:
    """The text of the scripts of a ``PageText`` that hold the assignments read
    (asked in page order: each script found and decoded once, offsets counted on)."""

    def __init__(self, page: PageText, patterns):
        self.page, self.patterns = page, patterns
        self.end = -1  # where the current script ends (a byte offset)
        self.text, self.at, self.pos = "", 0, 0  # its text, and the byte offset of text[pos]

    def value_at(self, at: int) -> str | None:
        page = self.page
        if at >= self.end:  # a script not read yet: from the character before the assignment
            end = page.find(SCRIPT_END, at)
            self.end = end if end >= 0 else len(page.data)
            self.at = page.char_start(at - 1) if at > page.start else at
            self.text, self.pos = page.window(self.at, self.end), 0
        self.pos += len(page.data[self.at:at].decode("utf-8"))
        self.at = at
        text = self.text
        for pattern in self.patterns:
            if m := pattern.match(text, self.pos):
                if m.start() and _IDENT_CHAR.match(text, m.start() - 1):
                    return None
                return _string_expr(text, m.end())[0]
        return None


class _Skip(Exception):
    pass


# characters that do not change the nesting of an expression: stepped over in one match
_PLAIN = re.compile(r"[^'\"`()\[\]{},]+")
# ... and inside brackets, where a comma ends nothing (an array of objects: one match, not one a member)
_NESTED_PLAIN = re.compile(r"[^'\"`()\[\]{}]+")


def _skip_expression(src: str, pos: int) -> int:
    """Move past an expression we do not evaluate, up to , } or ] at depth 0."""
    depth = 0
    n = len(src)
    while pos < n:
        if plain := (_NESTED_PLAIN if depth else _PLAIN).match(src, pos):
            pos = plain.end()
            if pos >= n:
                break
        c = src[pos]
        if c in "'\"`":
            m = _STRING[c].match(src, pos)
            pos = m.end() if m else pos + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return pos
            depth -= 1
        elif c == "," and depth == 0:
            return pos
        pos += 1
    return pos


def _value(src: str, pos: int) -> tuple[Any, int]:
    pos = _SPACE.match(src, pos).end()
    c = src[pos : pos + 1]
    if c == "{":
        return _object(src, pos)
    if c == "[":
        return _array(src, pos)
    if c in "'\"`" or _WRAPPER.match(src, pos):
        text, end = _string_expr(src, pos)
        if text is None:
            raise _Skip
        if _TIMES_ONE.search(src, pos, end):  # '3' * 1 is the number 3 in JavaScript
            number = text.strip() or "0"
            if _NUMBER.fullmatch(number):
                return (float(number) if "." in number or "e" in number.lower() else int(number)), end
        return text, end
    if m := _NUMBER.match(src, pos):
        end = _SUFFIX.match(src, m.end())
        return float(m.group()) if "." in m.group() else int(m.group()), (end.end() if end else m.end())
    if m := _WORD.match(src, pos):
        return {"true": True, "false": False}.get(m.group(1)), m.end()
    raise _Skip


def _after_value(src: str, pos: int, value_end: int) -> int:
    """Skip anything trailing a value (``.replace(...)`` chains) up to , } ]."""
    pos = _SPACE.match(src, value_end).end()
    if src[pos : pos + 1] not in (",", "}", "]"):
        pos = _skip_expression(src, pos)
    return pos


class Deferred:
    """The value of an object member, read when first asked (None when it is an
    expression that is not read)."""

    __slots__ = ("_src", "_pos", "_value")
    _UNREAD = object()

    def __init__(self, src: str, pos: int):
        self._src, self._pos, self._value = src, pos, self._UNREAD

    def read(self) -> Any:
        if self._value is self._UNREAD:
            try:
                self._value = _value(self._src, self._pos)[0]
            except _Skip:
                self._value = None
        return self._value


def _object(src: str, pos: int, wanted: frozenset = frozenset(),
            deferred: frozenset = frozenset()) -> tuple[dict, int]:
    result: dict[str, Any] = {}
    pos += 1  # {
    while True:
        if wanted and wanted <= result.keys():
            return result, pos  # every wanted key read: the rest is not needed
        pos = _SPACE.match(src, pos).end()
        c = src[pos : pos + 1]
        if c == "}" or not c:
            return result, pos + 1
        if c == ",":
            pos += 1
            continue
        if c in "'\"":
            got = _string_at(src, pos)
            if got is None:
                return result, len(src)
            key, pos = got
            pos = _SPACE.match(src, pos).end()
            if src[pos : pos + 1] != ":":
                pos = _skip_expression(src, pos)
                continue
            pos += 1
        else:
            m = _KEY.match(src, pos)
            if not m:  # spread, method or other syntax: skip the member
                pos = _skip_expression(src, pos)
                continue
            key, pos = m.group(1), m.end()
        if key in deferred and key not in result:
            result[key] = Deferred(src, pos)
            pos = _skip_expression(src, pos)
            continue
        if wanted and key not in wanted:  # not asked for: stepped over, not read
            pos = _skip_expression(src, pos)
            continue
        try:
            value, end = _value(src, pos)
        except _Skip:
            pos = _skip_expression(src, pos)
            continue
        result.setdefault(key, value)
        pos = _after_value(src, pos, end)


def _array(src: str, pos: int) -> tuple[list, int]:
    result: list[Any] = []
    pos += 1  # [
    while True:
        pos = _SPACE.match(src, pos).end()
        c = src[pos : pos + 1]
        if c == "]" or not c:
            return result, pos + 1
        if c == ",":
            pos += 1
            continue
        try:
            value, end = _value(src, pos)
        except _Skip:
            pos = _skip_expression(src, pos)
            continue
        result.append(value)
        pos = _after_value(src, pos, end)


@functools.lru_cache(maxsize=64)
def literal_prefix(pattern: re.Pattern) -> str:
    """The characters every match of ``pattern`` starts with (case-sensitive
    patterns only; "" when it starts otherwise)."""
    if _RE_PARSER is None or pattern.flags & re.IGNORECASE or not isinstance(pattern.pattern, str):
        return ""
    prefix = []
    for op, value in _RE_PARSER.parse(pattern.pattern, pattern.flags):
        if op is not _RE_OPS.LITERAL:
            break
        prefix.append(chr(value))
    return "".join(prefix)


def first_match(pattern: re.Pattern, page: str, pos: int = 0) -> re.Match | None:
    """``pattern.search(page)``, each try where the pattern's literal prefix
    occurs (``str.find``: 2-3x faster than the regex scan of a 3 MB page);
    ``pos``: where to look from, the page holding no match before it."""
    prefix = literal_prefix(pattern)
    if len(prefix) < 4:
        return pattern.search(page, pos)
    pos = page.find(prefix, pos)
    while pos >= 0:
        if m := pattern.match(page, pos):
            return m
        pos = page.find(prefix, pos + 1)
    return None


def object_literal(page: str, start: str | re.Pattern, keys=(), deferred=(), pos: int = 0,
                   stop: str | None = None) -> dict | None:
    """The object literal right after the first match of ``start``, or None
    (``pos``: where to look from, the page holding no match before it).

    With ``keys``, the result holds those of them found at the top level (the
    values of other members are stepped over, not read), and reading stops
    once all of them were found. The values of the top-level
    ``deferred`` keys (among ``keys``, when given) are ``Deferred``: stepped
    over, read by their ``read()``. With ``stop`` (``SCRIPT_END``), nothing
    from its first occurrence after the match on is read."""
    pattern = re.compile(start) if isinstance(start, str) else start
    m = first_match(pattern, page, pos)
    return object_after(page, m, keys, deferred, stop) if m else None


def object_after(page: str, m: re.Match, keys=(), deferred=(), stop: str | None = None) -> dict | None:
    """``object_literal`` for the match ``m`` of its ``start`` in ``page``."""
    pos = m.end()
    if stop is not None and (end := page.find(stop, pos)) >= 0:
        page, pos = page[pos:end], 0  # a copy of the script's rest, not of the page's
    pos = _SPACE.match(page, pos).end()
    if page[pos : pos + 1] != "{":
        return None
    return _object(page, pos, frozenset(keys), frozenset(deferred))[0]
