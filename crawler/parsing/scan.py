"""Which of a parser's markers and patterns a page may hold, told by one scan of its bytes.

A WeChat page is 2-3 MB of text that Python stores at 4 bytes a character
(its emoji make it so): each ``in`` test or regex search that finds nothing
reads all of it, ~1-3 ms, a third of an lxml parse of the same page. The
parser asks about a dozen things most pages lack (Sohu's markers, elements
of other layouts, the share data of older pages). ``Scanner`` puts the
literals each pattern needs in order to match (``required_literals`` of
crawler/cleaning/screen.py, its most selective clause) and each marker into
one hyperscan literal database; ``scan(utf8, chars)`` reads the page's UTF-8
bytes once (~0.5 ms on 3 MB) and returns a ``Found``:

- ``may_hold(marker)``, ``may_match(pattern)``: False only when the page
  lacks what the marker or pattern needs, and the search is skipped; True
  says only "maybe": the text is searched as before, so results never change;
- ``last_start(bound)``, for the ``bounds`` (ASCII literals matched in any
  case): an index past which none starts, so a loop of searches for every
  occurrence (the page's ``<style>`` elements, which end in its first fifth)
  stops there rather than read the rest of the page; ``bound_starts(bound)``:
  where each occurrence starts (the page's ``<style`` tags, read without a
  search of the markup between them);
- ``not_before(start)``, for the ``starts`` (literals): an index before which
  none starts, where the search for the first one may begin (WeChat's share
  data sits in the last tenth of the page).

A character's byte offset is never less than its index in the text, and
exceeds it by at most the slack, the page's bytes less its characters
(~15,000 on a 3 MB WeChat page, nearly all ASCII): byte offsets bound
indexes both ways. All of this holds only when the bytes are exactly the
UTF-8 of the text searched (a literal is in the text iff its UTF-8 is in the
bytes): ``parse_page`` hands the bytes on only for a page decoded as UTF-8
without undecodable sequences. Without hyperscan (no wheel), without those
bytes, or for a pattern needing no literal, ``ANY`` answers: everything may
be there. A page holding one of the few characters ``re`` matches to an
ASCII letter without case (``CASE_TWINS``: ſ, the Kelvin sign, dotted and
dotless i) has no bounds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.cleaning.screen import CASE_TWINS, required_literals

try:  # compiled multi-literal scan (wheels for Linux x86-64/arm64 and macOS)
    import hyperscan
except ImportError:  # pragma: no cover - every search then runs on the text
    hyperscan = None

_PRESENT, _BOUND, _START = "present", "bound", "start"  # what the scan keeps of a literal


class Found:
    """What one page may hold, from the scan of its bytes."""

    __slots__ = ("_needs", "_numbers", "_hits", "_ends", "_slack", "_bounded", "_every")

    def __init__(self, needs: dict, numbers: dict, hits: set[int], ends: dict[int, int],
                 slack: int, bounded: bool, every: dict[int, list[int]] | None = None):
        self._needs = needs  # marker or (pattern, flags) -> numbers of literals, one of which it needs
        self._numbers = numbers  # (what is kept, literal) -> (its number, its length in bytes)
        self._hits = hits  # numbers of the literals found
        self._ends = ends  # number -> end offset of a bound's last occurrence, of a start's first
        self._slack = slack  # the most a character's byte offset exceeds its index
        self._bounded = bounded  # no case twin in the page: the bounds hold
        self._every = every or {}  # number -> end offsets of each occurrence of a bound or a start

    def may_hold(self, marker: str) -> bool:
        """False when the page cannot contain ``marker`` (``marker in text`` is False)."""
        return self._may(marker)

    def may_match(self, pattern: re.Pattern) -> bool:
        """False when ``pattern`` cannot match anywhere in the page."""
        return self._may((pattern.pattern, pattern.flags))

    def _may(self, key) -> bool:
        need = self._needs.get(key)
        return need is None or not need.isdisjoint(self._hits)

    def last_start(self, bound: str) -> int | None:
        """An index of the text past which ``bound`` (any ASCII case) does not
        start: -1 when the page lacks it; None when unknown."""
        if not self._bounded or (_BOUND, bound) not in self._numbers:
            return None
        number, size = self._numbers[_BOUND, bound]
        return self._ends[number] - size if number in self._ends else -1

    def bound_starts(self, bound: str) -> list[int] | None:
        """The byte offsets where ``bound`` (any ASCII case) starts in the page's
        bytes, every one in order; None when unknown (as ``last_start``)."""
        if not self._bounded or (_BOUND, bound) not in self._numbers:
            return None
        number, size = self._numbers[_BOUND, bound]
        return sorted(end - size for end in self._every.get(number, ()))

    def first_offset(self, start: str) -> int | None:
        """The byte offset where ``start`` (one of the ``starts``) first occurs:
        -1 when the page lacks it; None when unknown."""
        if (_START, start) not in self._numbers:
            return None
        number, size = self._numbers[_START, start]
        return self._ends[number] - size if number in self._ends else -1

    def not_before(self, start: str) -> int:
        """An index of the text before which ``start`` does not start (0 when unknown)."""
        number, size = self._numbers.get((_START, start), (None, 0))
        if number not in self._ends:
            return 0
        return max(0, self._ends[number] - size - self._slack)


class _Any(Found):
    """No scan: everything may be there."""

    __slots__ = ()

    def __init__(self):
        super().__init__({}, {}, set(), {}, 0, False)


ANY: Found = _Any()


class Scanner:
    """One hyperscan database of the literals ``markers`` and ``patterns`` need,
    of the ``bounds`` (ASCII, any case) and of the ``starts``."""

    __slots__ = ("_needs", "_numbers", "_twins", "_database", "_scratch")

    def __init__(self, markers: Iterable[str] = (), patterns: Iterable[re.Pattern] = (),
                 bounds: Iterable[str] = (), starts: Iterable[str] = (), engine=hyperscan):
        bounds, starts = tuple(dict.fromkeys(bounds)), tuple(dict.fromkeys(s for s in starts if s))
        if not all(literal.isascii() for literal in bounds):
            raise ValueError("bounds are ASCII literals")
        wanted = [(marker, frozenset({marker})) for marker in (*markers, *CASE_TWINS) if marker]
        for pattern in patterns:
            if isinstance(pattern.pattern, str) and (clauses := required_literals(pattern.pattern, pattern.flags)):
                wanted.append(((pattern.pattern, pattern.flags), clauses[0]))  # the most selective clause
        keys = dict.fromkeys([*((_PRESENT, literal) for _, clause in wanted for literal in sorted(clause)),
                              *((_BOUND, literal) for literal in bounds), *((_START, literal) for literal in starts)])
        self._numbers = {key: (number, len(_utf8(key[1]))) for number, key in enumerate(keys)}
        self._needs = {key: frozenset(self._numbers[_PRESENT, literal][0] for literal in clause)
                       for key, clause in wanted}
        self._twins = frozenset(self._numbers[_PRESENT, twin][0] for twin in CASE_TWINS)
        self._database = self._scratch = None
        if engine is None:
            return
        # a present literal is reported once (whether it occurs, not where); every
        # occurrence of a bound (any ASCII case) and of a start (they are few)
        flags = {_PRESENT: engine.HS_FLAG_SINGLEMATCH, _BOUND: engine.HS_FLAG_CASELESS, _START: 0}
        database = engine.Database(mode=engine.HS_MODE_BLOCK)
        database.compile(expressions=[_utf8(literal) for _, literal in self._numbers],
                         ids=[number for number, _ in self._numbers.values()], elements=len(self._numbers),
                         flags=[flags[kept] for kept, _ in self._numbers], literal=True)
        self._database, self._scratch = database, engine.Scratch(database)

    def scan(self, utf8: bytes | None, chars: int | None = None) -> Found:
        """What the page whose exact UTF-8 bytes are ``utf8`` may hold (``ANY``
        without them); ``chars``: the length of its text (without, ``not_before`` is 0)."""
        if utf8 is None or self._database is None:
            return ANY
        every: dict[int, list[int]] = {}  # number -> the end offset of each occurrence

        def report(number: int, start: int, end: int, flags: int, context) -> None:
            every.setdefault(number, []).append(end)

        self._database.scan(utf8, match_event_handler=report, scratch=self._scratch)
        hits = set(every)
        ends = {number: (max if kept == _BOUND else min)(every[number])
                for (kept, _), (number, _) in self._numbers.items() if kept != _PRESENT and number in hits}
        slack = len(utf8) - chars if chars is not None else len(utf8)
        return Found(self._needs, self._numbers, hits, ends, slack, self._twins.isdisjoint(hits), every)


def _utf8(literal: str) -> bytes:
    return literal.encode("utf-8", "surrogatepass")
