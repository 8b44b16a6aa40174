"""Speed only: the characters a regex match can start with.

Python's ``re`` scans fast for a pattern that starts with a literal or a
character class, but tries the whole matcher at every position when the
pattern starts with an optional group (``(?:股票|线上){0,3}配资``). Prefixing
``(?=[<first characters>])`` restores the fast scan without changing what the
pattern matches. The analysis works on the parse tree of ``re``; whenever it
meets something it cannot bound (``.``, ``\\w``, a negated class, a pattern
that can match the empty string) it gives up and the pattern is used as is.
A digit or a space class (``\\d``, ``\\s``) among the first characters is
written into the lookahead as it is (``re`` tells its characters, by its own
Unicode tables); a group matching without case (``(?i:...)``) on the way to
them makes the lookahead match without case too (``re`` then matches a
character of its class as the group would; a group of other flags, ``(?-i:``,
``(?a:``, matches fewer characters than the lookahead lets through).
"""

from __future__ import annotations

import re

try:  # the parser module is private and moved in 3.11; without it, no speed-up
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover
    P = C = None

MAX_CHARS = 100_000


class _Unbounded(Exception):
    pass


# first characters are kept as ranges of code points, (first, last): classes
# such as [\u3400-\u9fff] hold tens of thousands of characters
Ranges = list[tuple[int, int]]

# what else a first character may be, kept in a set beside the ranges: a category of
# ``re`` (as written in a class), or ``CASELESS`` when a group without case leads to it
_CATEGORIES = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_SPACE: r"\s"} if C else {}
CASELESS = "i"


def _class_ranges(items, extra: set) -> Ranges:
    ranges: Ranges = []
    for op, av in items:
        if op is C.LITERAL:
            ranges.append((av, av))
        elif op is C.RANGE:
            lo, hi = av
            if hi - lo > MAX_CHARS:
                raise _Unbounded
            ranges.append((lo, hi))
        elif op is C.CATEGORY and av in _CATEGORIES:
            extra.add(_CATEGORIES[av])
        else:  # NEGATE, other CATEGORYs (\w, \D, ...)
            raise _Unbounded
    return ranges


def _first_seq(items, extra: set) -> tuple[Ranges, bool]:
    """(possible first characters, whether the sequence can match empty); the
    categories and case of those characters are added to ``extra``."""
    ranges: Ranges = []
    for op, av in items:
        first, nullable = _first_item(op, av, extra)
        ranges += first
        if not nullable:
            return ranges, False
    return ranges, True


def _first_item(op, av, extra: set) -> tuple[Ranges, bool]:
    if op is C.LITERAL:
        return [(av, av)], False
    if op is C.IN:
        return _class_ranges(av, extra), False
    if op is C.BRANCH:
        ranges, nullable = [], False
        for seq in av[1]:
            first, empty = _first_seq(seq, extra)
            ranges += first
            nullable = nullable or empty
        return ranges, nullable
    if op is C.SUBPATTERN:
        _group, add_flags, del_flags, seq = av
        if (add_flags | del_flags) & re.LOCALE:
            raise _Unbounded
        inner: set = set()
        found = _first_seq(seq, inner)
        if add_flags & re.IGNORECASE and (found[0] or inner):
            inner.add(CASELESS)
        extra |= inner
        return found
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        low, _high, seq = av
        first, empty = _first_seq(seq, extra)
        return first, empty or low == 0
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _first_seq(av, extra)
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return [], True  # zero width: the next item consumes the first character
    raise _Unbounded  # ANY, NOT_LITERAL, CATEGORY, GROUPREF...


def _merged(ranges: Ranges) -> Ranges:
    """``ranges`` sorted, overlapping and adjacent ones joined: the runs of consecutive code points."""
    merged: Ranges = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def parse(pattern: str, flags: int = 0):
    """``re``'s parse tree of ``pattern``, or None when it does not parse (or
    the parser module is missing)."""
    if P is None:
        return None
    try:
        return P.parse(pattern, flags)
    except (re.error, TypeError, ValueError, OverflowError):
        return None


def first_chars(pattern: str, flags: int = 0, parsed=None) -> set[str] | None:
    """The characters every match of ``pattern`` starts with, or None if
    unbounded (or told by a category or without case: ``\\d``, ``(?i:a)``).

    ``parsed``: the pattern's parse tree, when the caller has it already.
    """
    found = _first_ranges(pattern, flags, parsed)
    if found is None or found[1]:
        return None
    return {chr(code) for lo, hi in found[0] for code in range(lo, hi + 1)}


def _first_ranges(pattern: str, flags: int, parsed) -> tuple[Ranges, set] | None:
    """``first_chars`` as merged ranges, and what else they may be (``_first_seq``'s ``extra``)."""
    if parsed is None:
        parsed = parse(pattern, flags)
        if parsed is None:
            return None
    extra: set = set()
    try:
        ranges, nullable = _first_seq(parsed, extra)
    except _Unbounded:
        return None
    ranges = _merged(ranges)
    if nullable or not (ranges or extra) or sum(hi - lo + 1 for lo, hi in ranges) > MAX_CHARS:
        return None
    return ranges, extra


def with_first_chars(pattern: str, flags: int = 0) -> str:
    """``pattern`` prefixed with a lookahead on its first characters, when they are bounded."""
    return prefixed(pattern, flags)[0]


def prefixed(pattern: str, flags: int = 0):
    """``with_first_chars(pattern, flags)`` and the parse tree of that result,
    from one parse of ``pattern`` (a parse costs as much as the analyses
    that use it). The tree is None when ``pattern`` does not parse."""
    parsed = parse(pattern, flags)
    ahead = lookahead(pattern, flags, parsed)
    if not ahead:
        return pattern, parsed
    # what the parser makes of ``lookahead(?:pattern)``: the lookahead's items, then
    # ``pattern``'s (re unpacks a group without name or flags into the sequence)
    tree = P.SubPattern(parsed.state, [*P.parse(ahead, flags).data, *parsed.data])
    return f"{ahead}(?:{pattern})", tree


def lookahead(pattern: str, flags: int = 0, parsed=None) -> str:
    """The lookahead on the first characters of ``pattern`` that ``with_first_chars``
    puts before it, or "" when they are unbounded or nothing may stand before it."""
    if parsed is None:
        parsed = parse(pattern, flags)
    # global inline flags (``(?i)...``) must open the pattern: no lookahead before them; nor
    # before a pattern anchored at the start (^, \\A), which re tries at the start alone
    if parsed is None or parsed.state.flags != P.fix_flags(pattern, flags) or _anchored(parsed):
        return ""
    found = _first_ranges(pattern, flags, parsed)
    if found is None:
        return ""
    ranges, extra = found
    chars = f"[{_char_class(ranges)}{''.join(sorted(extra - {CASELESS}))}]"
    caseless = CASELESS in extra and not parsed.state.flags & re.IGNORECASE
    return f"(?=(?i:{chars}))" if caseless else f"(?={chars})"


def _anchored(parsed) -> bool:
    """Whether the pattern opens with ``\\A``, or ``^`` without MULTILINE: ``re`` then
    tries a match at the text's start only, unless something stands before them."""
    first = parsed.data[0] if parsed.data else None
    return first == (C.AT, C.AT_BEGINNING_STRING) or (
        first == (C.AT, C.AT_BEGINNING) and not parsed.state.flags & re.MULTILINE)


def _char_class(ranges: Ranges) -> str:
    """The body of ``[...]`` for merged ``ranges``."""
    return "".join(_escape(lo) if lo == hi else f"{_escape(lo)}{_escape(hi)}" if hi == lo + 1
                   else f"{_escape(lo)}-{_escape(hi)}" for lo, hi in ranges)


def _escape(code: int) -> str:
    return f"\\U{code:08x}" if code > 0xFFFF else f"\\u{code:04x}"
