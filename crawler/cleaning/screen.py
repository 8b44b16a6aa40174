"""Speed only: literals a text must hold for a regex to match anywhere in it.

Most rules find nothing in most blocks, yet a rule whose pattern opens with an
optional run of common words (``(?:股票|线上){0,3}配资``) makes ``re`` try its
matcher at nearly every position. From the parse tree of ``re`` this module
derives a set of literal strings such that every match of the pattern (with
what its look-arounds look at) contains one of them; a block holding none of
them cannot match, and one C scan for the literals tells. The analysis:

- a literal, or a small class without case or category, matches one of a
  known set of strings; consecutive such items multiply into longer strings
  (``股(?:票|指)`` -> 股票, 股指), zero-width items keep them adjacent;
- a sequence needs what any one of its items needs, or any run of known
  strings: the set least likely to occur in text is kept (``_cost``);
- a branch needs the union of what its alternatives need;
- a repeat needs what its body needs when it must match once, nothing if
  optional; a positive look-around needs what it looks at (in the text);
- anything it cannot bound (``.``, ``\\w``, a negated class, a back reference,
  a cased character under IGNORECASE...) needs nothing, and a pattern that
  needs nothing gets no screen: the rule runs as before.
"""

from __future__ import annotations

import re

try:  # the parser module is private and moved in 3.11; without it, no screen
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover
    P = C = None
try:  # how re itself decides whether a character has case
    from _sre import ascii_iscased, unicode_iscased
except ImportError:  # pragma: no cover
    def unicode_iscased(code: int) -> bool:
        ch = chr(code)
        return ch != ch.lower() or ch != ch.upper()

    ascii_iscased = unicode_iscased

# most strings a known set may hold before it counts as unknown (a product of
# word lists grows fast); a class larger than MAX_CLASS is unknown too
MAX_STRINGS = 256
MAX_CLASS = 64
# guessed chance that a character occurs at a given position: letters, digits
# and ideographs are many, spaces and punctuation few and frequent
_P_WORD, _P_OTHER = 1 / 50, 1 / 5


class _Info:
    """What one item (or sequence) of the parse tree matches.

    ``exact``: every string it can consume, when few (else None).
    ``need``: literals one of which the text holds wherever it matches (else None).
    """

    __slots__ = ("exact", "need")

    def __init__(self, exact: frozenset[str] | None = None, need: frozenset[str] | None = None):
        self.exact = exact
        self.need = need if need is not None else _usable(exact)


def _usable(strings: frozenset[str] | None) -> frozenset[str] | None:
    """``strings`` without those holding another (a text holding the longer
    holds the shorter); None when the empty string is among them."""
    if strings is None or "" in strings:
        return None
    kept: list[str] = []
    for s in sorted(strings, key=len):
        if not any(k in s for k in kept):
            kept.append(s)
    return frozenset(kept)


_EMPTY = frozenset({""})
_UNKNOWN = _Info()


def _cost(strings: frozenset[str]) -> float:
    """Expected occurrences per character of text: lower screens out more."""
    total = 0.0
    for s in strings:
        p = 1.0
        for ch in s:
            p *= _P_WORD if ch.isalnum() else _P_OTHER
        total += p
    return total


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    if a is None:
        return b
    if b is None:
        return a
    return b if (_cost(b), len(b)) < (_cost(a), len(a)) else a


def _product(a: frozenset[str], b: frozenset[str]) -> frozenset[str] | None:
    if len(a) * len(b) > MAX_STRINGS:
        return None
    return frozenset(x + y for x in a for y in b)


def _has_case(code: int, ignore_case: bool) -> bool:
    return ignore_case and (unicode_iscased(code) or ascii_iscased(code))


def _class(items, ignore_case: bool) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            codes = (av,)
        elif op is C.RANGE and av[1] - av[0] < MAX_CLASS:
            codes = range(av[0], av[1] + 1)
        else:  # NEGATE, CATEGORY, a wide range
            return None
        for code in codes:
            if _has_case(code, ignore_case):
                return None
            chars.add(chr(code))
    return frozenset(chars) if len(chars) <= MAX_CLASS else None


def _seq(items, ignore_case: bool) -> _Info:
    """A sequence: its exact strings if every item has them; what it needs is
    the best of each item's need and of each run of exact items."""
    best: frozenset[str] | None = None
    run: frozenset[str] | None = _EMPTY  # product of the current run of exact items
    whole: frozenset[str] | None = _EMPTY  # product of all items, while known
    for op, av in items:
        info = _item(op, av, ignore_case)
        best = _better(best, info.need)
        whole = _product(whole, info.exact) if whole is not None and info.exact is not None else None
        if info.exact is None:
            best = _better(best, _usable(run))
            run = _EMPTY
            continue
        grown = _product(run, info.exact)
        if grown is None:  # too many strings: what the run had so far is a candidate
            best = _better(best, _usable(run))
            grown = info.exact
        run = grown
    best = _better(best, _usable(run))
    return _Info(whole, best) if whole is not None else _Info(None, best)


def _item(op, av, ignore_case: bool) -> _Info:
    if op is C.LITERAL:
        return _UNKNOWN if _has_case(av, ignore_case) else _Info(frozenset({chr(av)}))
    if op is C.IN:
        return _Info(_class(av, ignore_case))
    if op is C.BRANCH:
        alternatives = [_seq(seq, ignore_case) for seq in av[1]]
        exact = None
        if all(a.exact is not None for a in alternatives):
            exact = frozenset().union(*(a.exact for a in alternatives))
            exact = exact if len(exact) <= MAX_STRINGS else None
        need = None
        if all(a.need is not None for a in alternatives):
            need = _usable(frozenset().union(*(a.need for a in alternatives)))
        return _Info(exact, _better(need, _usable(exact)))
    if op is C.SUBPATTERN:
        _group, add_flags, del_flags, seq = av
        if (add_flags | del_flags) & re.LOCALE:
            return _UNKNOWN
        if add_flags & re.IGNORECASE:
            ignore_case = True
        if del_flags & re.IGNORECASE:
            ignore_case = False
        return _seq(seq, ignore_case)
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _seq(av, ignore_case)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        low, high, seq = av
        body = _seq(seq, ignore_case)
        exact = None
        if body.exact is not None and high <= 3:  # x? and x{2}: a few products
            exact, power = (_EMPTY if low == 0 else frozenset()), _EMPTY
            for count in range(1, high + 1):
                power = _product(power, body.exact)
                if power is None:
                    exact = None
                    break
                if count >= low:
                    exact = exact | power
            if exact is not None and len(exact) > MAX_STRINGS:
                exact = None
        return _Info(exact, body.need if low >= 1 else None)
    if op is C.AT or op is C.ASSERT_NOT:
        return _Info(_EMPTY)  # zero width, and needs nothing
    if op is C.ASSERT:
        _direction, seq = av
        return _Info(_EMPTY, _seq(seq, ignore_case).need)  # what it looks at is in the text
    return _UNKNOWN  # ANY, NOT_LITERAL, CATEGORY, GROUPREF, GROUPREF_EXISTS...


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Literals one of which a text holds wherever ``pattern`` matches in it,
    or None when the analysis cannot bound them."""
    if P is None:
        return None
    try:
        parsed = P.parse(pattern, flags)
    except (re.error, TypeError, ValueError):
        return None
    if parsed.state.flags & re.LOCALE:
        return None
    try:
        need = _seq(parsed.data, bool(parsed.state.flags & re.IGNORECASE)).need
    except RecursionError:
        return None
    return need or None


class Screen:
    """A test that a text holds one of ``literals``: False means the pattern
    it was derived from cannot match the text."""

    __slots__ = ("literals", "_regex")

    def __init__(self, literals: frozenset[str], regex: re.Pattern):
        self.literals = literals
        self._regex = regex  # matches any of the literals

    def __call__(self, text: str) -> bool:
        return self._regex.search(text) is not None

    def __repr__(self) -> str:
        return f"Screen({sorted(self.literals)!r})"
