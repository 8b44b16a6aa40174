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


def _class_chars(items) -> set[str]:
    chars: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            chars.add(chr(av))
        elif op is C.RANGE:
            lo, hi = av
            if hi - lo > MAX_CHARS:
                raise _Unbounded
            chars.update(chr(c) for c in range(lo, hi + 1))
        else:  # NEGATE, CATEGORY (\w, \s, ...)
            raise _Unbounded
    return chars


def _first_seq(items) -> tuple[set[str], bool]:
    """(possible first characters, whether the sequence can match empty)."""
    chars: set[str] = set()
    for op, av in items:
        first, nullable = _first_item(op, av)
        chars |= first
        if not nullable:
            return chars, False
    return chars, True


def _first_item(op, av) -> tuple[set[str], bool]:
    if op is C.LITERAL:
        return {chr(av)}, False
    if op is C.IN:
        return _class_chars(av), False
    if op is C.BRANCH:
        chars, nullable = set(), False
        for seq in av[1]:
            first, empty = _first_seq(seq)
            chars |= first
            nullable = nullable or empty
        return chars, nullable
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
        return set(), True  # zero width: the next item consumes the first character
    raise _Unbounded  # ANY, NOT_LITERAL, CATEGORY, GROUPREF...


def parse(pattern: str, flags: int = 0):
    """``re``'s parse tree of ``pattern``, or None when it does not parse (or
    the parser module is missing)."""
    if P is None:
        return None
    try:
        return P.parse(pattern, flags)
    except (re.error, TypeError, ValueError):
        return None


def first_chars(pattern: str, flags: int = 0, parsed=None) -> set[str] | None:
    """The characters every match of ``pattern`` starts with, or None if unbounded.

    ``parsed``: the pattern's parse tree, when the caller has it already.
    """
    if parsed is None:
        parsed = parse(pattern, flags)
        if parsed is None:
            return None
    try:
        chars, nullable = _first_seq(parsed)
    except _Unbounded:
        return None
    if nullable or not chars or len(chars) > MAX_CHARS:
        return None
    return chars


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
    chars = first_chars(pattern, flags, parsed)
    if chars is None:
        return pattern, parsed
    lookahead = f"(?=[{_char_class(chars)}])"
    # what the parser makes of ``lookahead(?:pattern)``: the lookahead's items, then
    # the group holding ``pattern``'s tree (a non-capturing group numbers no group)
    tree = P.SubPattern(parsed.state, [*P.parse(lookahead, flags).data, (C.SUBPATTERN, (None, 0, 0, parsed))])
    return f"{lookahead}(?:{pattern})", tree


def _char_class(chars: set[str]) -> str:
    """The body of ``[...]`` for ``chars``, consecutive code points as ranges."""
    codes = sorted(ord(ch) for ch in chars)
    parts = []
    start = prev = codes[0]
    for code in codes[1:] + [None]:
        if code is not None and code == prev + 1:
            prev = code
            continue
        lo, hi = _escape(start), _escape(prev)
        parts.append(lo if start == prev else f"{lo}{hi}" if prev == start + 1 else f"{lo}-{hi}")
        if code is not None:
            start = prev = code
    return "".join(parts)


def _escape(code: int) -> str:
    return f"\\U{code:08x}" if code > 0xFFFF else f"\\u{code:04x}"
