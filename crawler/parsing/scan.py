"""Which of a parser's markers and patterns a page may hold, told by one scan of its bytes.

A WeChat page is 2-3 MB of text that Python stores at 4 bytes a character
(its emoji make it so): each ``in`` test or regex search that finds nothing
reads all of it, ~1-3 ms, a third of an lxml parse of the same page. The
parser asks about a dozen things most pages lack (Sohu's markers, elements
of other layouts, the share data of older pages). ``Scanner`` puts the
literals each pattern needs in order to match (``required_literals`` of
crawler/cleaning/screen.py, its most selective clause) and each marker into
one hyperscan literal database; ``scan(utf8)`` reads the page's UTF-8 bytes
once (~0.3-0.5 ms on 3 MB) and returns a ``Found``. Its ``may_hold(marker)``
and ``may_match(pattern)`` are False only when the page lacks what the
marker or pattern needs: the search is then skipped. True says only "maybe":
the caller searches the text as before, so results never change. For a few
literals (``bounds``, matched without ASCII case) the scan also keeps where
the last one starts: ``last_start`` bounds a loop of searches for every
occurrence (the page's ``<style>`` elements end in its first fifth), whose
last, failing search would otherwise read the rest of the page. A byte
offset is never less than the index of the same character in the text, so
no search starting past it can match.

Sound only when the bytes are exactly the UTF-8 of the text searched (a
literal is in the text iff its UTF-8 is in the bytes): ``parse_page`` hands
the bytes on only for a page decoded as UTF-8 without undecodable sequences.
Without hyperscan (no wheel), without those bytes, or for a pattern needing
no literal, ``ANY`` answers: everything may be there. A page holding one of
the few characters ``re`` matches to an ASCII letter without case
(``CASE_TWINS``: ſ, the Kelvin sign, dotted and dotless i) has no bounds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.cleaning.screen import CASE_TWINS, required_literals

try:  # compiled multi-literal scan (wheels for Linux x86-64/arm64 and macOS)
    import hyperscan
except ImportError:  # pragma: no cover - every search then runs on the text
    hyperscan = None


class Found:
    """What one page may hold: literals reported by the scan."""

    __slots__ = ("_needs", "_hits", "_last")

    def __init__(self, needs: dict, hits: set[int], last: dict[str, int] | None = None):
        self._needs = needs
        self._hits = hits
        self._last = last  # bound literal -> byte offset of its last start (-1: none); None: unknown

    def last_start(self, literal: str) -> int | None:
        """An index of the text past which ``literal`` (any ASCII case) does not
        start: -1 when the page lacks it; None when unknown."""
        return None if self._last is None else self._last.get(literal)

    def may_hold(self, marker: str) -> bool:
        """False when the page cannot contain ``marker`` (``marker in text`` is False)."""
        return self._may(marker)

    def may_match(self, pattern: re.Pattern) -> bool:
        """False when ``pattern`` cannot match anywhere in the page."""
        return self._may((pattern.pattern, pattern.flags))

    def _may(self, key) -> bool:
        need = self._needs.get(key)
        return need is None or not need.isdisjoint(self._hits)


class _Any(Found):
    """No scan: everything may be there."""

    __slots__ = ()

    def __init__(self):
        super().__init__({}, set(), None)


ANY: Found = _Any()


class Scanner:
    """One hyperscan database of the literals ``markers`` and ``patterns`` need,
    and of the ``bounds`` (ASCII literals, any case) whose last start is kept."""

    __slots__ = ("_needs", "_bounds", "_twins", "_database", "_scratch")

    def __init__(self, markers: Iterable[str] = (), patterns: Iterable[re.Pattern] = (),
                 bounds: Iterable[str] = (), engine=hyperscan):
        bounds = tuple(dict.fromkeys(bounds))
        if not all(literal.isascii() for literal in bounds):
            raise ValueError("bounds are ASCII literals")
        markers = (*markers, *CASE_TWINS)
        numbers: dict[str, int] = {}  # literal -> its number in the database
        self._needs: dict = {}  # marker or (pattern, flags) -> numbers of the literals, one of which it needs
        wanted = [(marker, frozenset({marker})) for marker in markers if marker]
        for pattern in patterns:
            if isinstance(pattern.pattern, str) and (clauses := required_literals(pattern.pattern, pattern.flags)):
                wanted.append(((pattern.pattern, pattern.flags), clauses[0]))  # the most selective clause
        for key, clause in wanted:
            self._needs[key] = frozenset(numbers.setdefault(literal, len(numbers)) for literal in clause)
        self._twins = frozenset(numbers[twin] for twin in CASE_TWINS)
        # bound literal -> (its number, its length in bytes)
        self._bounds = {literal: (len(numbers) + n, len(literal)) for n, literal in enumerate(bounds)}
        self._database = self._scratch = None
        if engine is None:
            return
        database = engine.Database(mode=engine.HS_MODE_BLOCK)
        # one report per literal is enough: whether it occurs, not where; every
        # occurrence of a bound (they are few), in any ASCII case
        database.compile(
            expressions=[literal.encode("utf-8", "surrogatepass") for literal in (*numbers, *self._bounds)],
            ids=[*numbers.values(), *(number for number, _ in self._bounds.values())],
            elements=len(numbers) + len(self._bounds), literal=True,
            flags=[engine.HS_FLAG_SINGLEMATCH] * len(numbers) + [engine.HS_FLAG_CASELESS] * len(self._bounds),
        )
        self._database, self._scratch = database, engine.Scratch(database)

    def scan(self, utf8: bytes | None) -> Found:
        """What the page whose exact UTF-8 bytes are ``utf8`` may hold (``ANY`` without them)."""
        if utf8 is None or self._database is None:
            return ANY
        hits: set[int] = set()
        ends: dict[int, int] = {}  # bound's number -> end of its last occurrence

        def report(number: int, start: int, end: int, flags: int, context) -> None:
            hits.add(number)
            ends[number] = max(end, ends.get(number, 0))

        self._database.scan(utf8, match_event_handler=report, scratch=self._scratch)
        last = None
        if self._twins.isdisjoint(hits):
            last = {literal: ends[number] - size if number in ends else -1
                    for literal, (number, size) in self._bounds.items()}
        return Found(self._needs, hits, last)
