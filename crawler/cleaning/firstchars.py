"""Speed only: the characters a regex match can start with.

Python's ``re`` scans fast for a pattern that starts with a literal or a
character class, but tries the whole matcher at every position when the
pattern starts with an optional group (``(?:股票|线上){0,3}配资``). Prefixing
``(?=[<first characters>])`` restores the fast scan without changing what the
pattern matches. The analysis works on the parse tree of ``re``; whenever it
meets something it cannot bound (``.``, ``\\w``, a negated class, a pattern
that can match the empty string) it gives up and the pattern is used as is.
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


def _class_ranges(items) -> Ranges:
    ranges: Ranges = []
    for op, av in items:
        if op is C.LITERAL:
            ranges.append((av, av))
        elif op is C.RANGE:
            lo, hi = av
            if hi - lo > MAX_CHARS:
                raise _Unbounded
            ranges.append((lo, hi))
        else:  # NEGATE, CATEGORY (\w, \s, ...)
            raise _Unbounded
    return ranges


def _first_seq(items) -> tuple[Ranges, bool]:
    """(possible first characters, whether the sequence can match empty)."""
    ranges: Ranges = []
    for op, av in items:
        first, nullable = _first_item(op, av)
        ranges += first
        if not nullable:
            return ranges, False
    return ranges, True


def _first_item(op, av) -> tuple[Ranges, bool]:
    if op is C.LITERAL:
        return [(av, av)], False
    if op is C.IN:
        return _class_ranges(av), False
    if op is C.BRANCH:
        ranges, nullable = [], False
        for seq in av[1]:
            first, empty = _first_seq(seq)
            ranges += first
            nullable = nullable or empty
        return ranges, nullable
    if op is C.SUBPATTERN:
        _group, add_flags, del_flags, seq = av
        if add_flags or del_flags:  # inline flags change how characters match
            raise _Unbounded
        return _first_seq(seq)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        low, _high, seq = av
        first, empty = _first_seq(seq)
        return first, empty or low == 0
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _first_seq(av)
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
    """The characters every match of ``pattern`` starts with, or None if unbounded.

    ``parsed``: the pattern's parse tree, when the caller has it already.
    """
    ranges = _first_ranges(pattern, flags, parsed)
    return None if ranges is None else {chr(code) for lo, hi in ranges for code in range(lo, hi + 1)}


def _first_ranges(pattern: str, flags: int, parsed) -> Ranges | None:
    """``first_chars`` as merged ranges."""
    if parsed is None:
        parsed = parse(pattern, flags)
        if parsed is None:
            return None
    try:
        ranges, nullable = _first_seq(parsed)
    except _Unbounded:
        return None
    ranges = _merged(ranges)
    if nullable or not ranges or sum(hi - lo + 1 for lo, hi in ranges) > MAX_CHARS:
        return None
    return ranges


def with_first_chars(pattern: str, flags: int = 0) -> str:
    """``pattern`` prefixed with a lookahead on its first characters, when they are bounded."""
    return prefixed(pattern, flags)[0]


def prefixed(pattern: str, flags: int = 0):
    """``with_first_chars(pattern, flags)`` and the parse tree of that result,
    from one parse of ``pattern`` (a parse costs as much as the analyses
    that use it). The tree is None when ``pattern`` does not parse."""
    parsed = parse(pattern, flags)
    # global inline flags (``(?i)...``) must open the pattern: no lookahead before them
    if parsed is None or parsed.state.flags != P.fix_flags(pattern, flags):
        return pattern, parsed
    ranges = _first_ranges(pattern, flags, parsed)
    if ranges is None:
        return pattern, parsed
    lookahead = f"(?=[{_char_class(ranges)}])"
    # what the parser makes of ``lookahead(?:pattern)``: the lookahead's items, then
    # ``pattern``'s (re unpacks a group without name or flags into the sequence)
    tree = P.SubPattern(parsed.state, [*P.parse(lookahead, flags).data, *parsed.data])
    return f"{lookahead}(?:{pattern})", tree


def _char_class(ranges: Ranges) -> str:
    """The body of ``[...]`` for merged ``ranges``."""
    return "".join(_escape(lo) if lo == hi else f"{_escape(lo)}{_escape(hi)}" if hi == lo + 1
                   else f"{_escape(lo)}-{_escape(hi)}" for lo, hi in ranges)


def _escape(code: int) -> str:
    return f"\\U{code:08x}" if code > 0xFFFF else f"\\u{code:04x}"
