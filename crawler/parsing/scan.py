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
the caller searches the text as before, so results never change.

Sound only when the bytes are exactly the UTF-8 of the text searched (a
literal is in the text iff its UTF-8 is in the bytes): ``parse_page`` hands
the bytes on only for a page decoded as UTF-8 without undecodable sequences.
Without hyperscan (no wheel), without those bytes, or for a pattern needing
no literal, ``ANY`` answers: everything may be there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.cleaning.screen import required_literals

try:  # compiled multi-literal scan (wheels for Linux x86-64/arm64 and macOS)
    import hyperscan
except ImportError:  # pragma: no cover - every search then runs on the text
    hyperscan = None


class Found:
    """What one page may hold: literals reported by the scan."""

    __slots__ = ("_needs", "_hits")

    def __init__(self, needs: dict, hits: set[int]):
        self._needs = needs
        self._hits = hits

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
        super().__init__({}, set())


ANY: Found = _Any()


class Scanner:
    """One hyperscan database of the literals ``markers`` and ``patterns`` need."""

    __slots__ = ("_needs", "_database", "_scratch")

    def __init__(self, markers: Iterable[str] = (), patterns: Iterable[re.Pattern] = (), engine=hyperscan):
        numbers: dict[str, int] = {}  # literal -> its number in the database
        self._needs: dict = {}  # marker or (pattern, flags) -> numbers of the literals, one of which it needs
        wanted = [(marker, frozenset({marker})) for marker in markers if marker]
        for pattern in patterns:
            if isinstance(pattern.pattern, str) and (clauses := required_literals(pattern.pattern, pattern.flags)):
                wanted.append(((pattern.pattern, pattern.flags), clauses[0]))  # the most selective clause
        for key, clause in wanted:
            self._needs[key] = frozenset(numbers.setdefault(literal, len(numbers)) for literal in clause)
        self._database = self._scratch = None
        if engine is None or not numbers:
            return
        database = engine.Database(mode=engine.HS_MODE_BLOCK)
        # one report per literal is enough: whether it occurs, not where
        database.compile(expressions=[literal.encode("utf-8", "surrogatepass") for literal in numbers],
                         ids=list(numbers.values()), elements=len(numbers),
                         flags=[engine.HS_FLAG_SINGLEMATCH] * len(numbers), literal=True)
        self._database, self._scratch = database, engine.Scratch(database)

    def scan(self, utf8: bytes | None) -> Found:
        """What the page whose exact UTF-8 bytes are ``utf8`` may hold (``ANY`` without them)."""
        if utf8 is None or self._database is None:
            return ANY
        hits: set[int] = set()
        self._database.scan(utf8, match_event_handler=lambda number, *_: hits.add(number), scratch=self._scratch)
        return Found(self._needs, hits)
