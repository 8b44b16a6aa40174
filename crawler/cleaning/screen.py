"""Speed only: literals a text must hold for a regex to match anywhere in it.

Most rules find nothing in most blocks, yet a rule whose pattern opens with an
optional run of common words (``(?:股票|线上){0,3}配资``) makes ``re`` try its
matcher at nearly every position. From the parse tree of ``re`` this module
derives *clauses*, sets of literal strings, such that wherever the pattern
matches, the text holds a literal of every clause (inside the match, or where
a look-around looks). A block failing a clause cannot match; a C scan per
clause tells. The analysis:

- a literal, or a small class without case or category, matches one of a
  known set of strings; consecutive such items multiply into longer strings
  (``股(?:票|指)`` -> 股票, 股指); zero-width items keep them adjacent;
- a sequence needs what each of its items needs, and a string of each run of
  known strings;
- a branch needs, per clause, the union of a clause of each alternative
  (``配.?资|炒股`` needs 配 or 炒股, and 资 or 炒股);
- a repeat needs what its body needs when it must match once, nothing when
  optional; a positive look-around needs what it looks at;
- anything it cannot bound (``.``, ``\\w``, a negated class, a back reference,
  a cased character under IGNORECASE...) needs nothing. A pattern that needs
  nothing gets no screen: its rule runs as before.

A pattern matching without case (``re.IGNORECASE``, whole or in part) that
gets no clause so gets one more try in the *caseless* analysis: ASCII letters
count as their lower case (under ``IGNORECASE`` or not: a weaker clause is
still true), and the text is screened with its ASCII letters lower-cased. A
few other characters match ASCII letters without case (``CASE_TWINS``: ``ſ``
for s, the Kelvin sign for k, dotted and dotless i): a text holding one passes
every caseless screen.

Of the clauses found, the ``MAX_CLAUSES`` least likely to be met by chance
are kept (``Analysis.cost``: a guess from the literals' lengths alone, as
users' rules may be in any language).

``Screens`` asks all the screens of a rule set in one pass over a text: one
hyperscan literal database of every literal of every clause tells which
literals the text holds (~25 µs an article against ~240 µs for the screens
one by one on the mock site's pages, ``bench/clean_speed.py``); where
hyperscan has no wheel, each ``Screen`` scans on its own, with the same verdicts.
"""

from __future__ import annotations

import math
import re
from functools import reduce
from operator import or_

try:  # compiled multi-literal scan (wheels for Linux x86-64/arm64 and macOS)
    import hyperscan
except ImportError:  # pragma: no cover - the screens then scan one by one
    hyperscan = None

# re's private parser, as first characters use it (without it, no screen)
from crawler.cleaning.firstchars import C, parse

try:  # how re itself decides whether a character has case
    from _sre import ascii_iscased, unicode_iscased
except ImportError:  # pragma: no cover
    def unicode_iscased(code: int) -> bool:
        ch = chr(code)
        return ch != ch.lower() or ch != ch.upper()

    ascii_iscased = unicode_iscased

# most strings a known set may hold before it counts as unknown (a product of
# word lists grows fast), most characters of a class that counts as known
MAX_STRINGS = 256
MAX_CLASS = 64
# most clauses a pattern keeps (each costs a scan of the text)
MAX_CLAUSES = 2
# guessed chance that a character occurs at a given position: letters, digits
# and ideographs are many, spaces and punctuation few and frequent
_P_WORD, _P_OTHER = 1 / 50, 1 / 5

Clause = frozenset  # of literals: a text holding one of them meets it
_EMPTY = frozenset({""})


class _Info:
    """What one item (or sequence) of the parse tree matches.

    ``exact``: every string it can consume, when few (else None).
    ``need``: clauses the text meets wherever it matches, besides holding a
    string of ``exact`` (empty: nothing known).
    """

    __slots__ = ("exact", "need")

    def __init__(self, exact: frozenset[str] | None = None, need: tuple[Clause, ...] = ()):
        self.exact = exact
        self.need = need


_UNKNOWN = _Info()
_ZERO_WIDTH = _Info(_EMPTY)


def _clause(strings: frozenset[str] | None) -> Clause | None:
    """``strings`` as a clause: None when the empty string is among them (any
    text holds it)."""
    return None if strings is None or "" in strings else strings


def _implies(a: Clause, b: Clause) -> bool:
    """Whether a text meeting clause ``a`` meets ``b``."""
    # a literal of both holds itself: only the others are searched (often none)
    return all(any(y in x for y in b) for x in a - b)


def _minimal(clause: Clause) -> Clause:
    """``clause`` without the literals holding another (a text holding the
    longer holds the shorter; they cost little, so only final clauses are trimmed)."""
    kept: set[str] = set()
    lengths: set[int] = set()
    for s in sorted(clause, key=len):
        # the pieces of s as long as a kept literal: fewer than the kept literals
        if not any(s[i:i + n] in kept for n in lengths for i in range(len(s) - n + 1)):
            kept.add(s)
            lengths.add(len(s))
    return frozenset(kept)


def _product(a: frozenset[str], b: frozenset[str]) -> frozenset[str] | None:
    if len(a) * len(b) > MAX_STRINGS:
        return None
    return frozenset(x + y for x in a for y in b)


_ATOMIC_GROUP = getattr(C, "ATOMIC_GROUP", None)
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)) if C else ()


class Analysis:
    """The analysis of patterns, with its memos: one can serve all the patterns
    of a rule set, whose word lists and vars recur across rules (the same
    sub-pattern, wherever it is, is analysed once)."""

    def __init__(self, caseless: bool = False):
        self.caseless = caseless  # ASCII letters as their lower case (module doc)
        self._costs: dict[Clause, float] = {}
        self._literal_costs: dict[str, float] = {}
        self._shapes: dict[tuple, int] = {}  # a sequence's structure -> its number
        self._infos: dict[tuple[int, bool], _Info] = {}  # (structure number, ignore case) -> what it matches
        self._numbers: dict[int, int] = {}  # id of a sequence of the tree in hand -> its structure number
        self._trimmed: dict[Clause, Clause] = {}  # clause -> _minimal(clause)

    def minimal(self, clause: Clause) -> Clause:
        """``_minimal(clause)``, once per clause (the final clauses of patterns sharing a var recur)."""
        trimmed = self._trimmed.get(clause)
        if trimmed is None:
            trimmed = self._trimmed[clause] = _minimal(clause)
        return trimmed

    def needs_of(self, parsed) -> tuple[Clause, ...]:
        """All that the pattern of parse tree ``parsed`` needs."""
        try:
            self._number(parsed.data)
            return self.needs(self.seq(parsed.data, bool(parsed.state.flags & re.IGNORECASE)))
        finally:
            self._numbers.clear()  # ids of this tree's parts, reused once it is freed

    def _number(self, items) -> int:
        """Number ``items`` and the sequences in it by structure, as far as
        ``item`` reads it (equal structures, one number); returns its number."""
        shape = []
        for op, av in getattr(items, "data", items):  # a SubPattern's list: no Python call per item
            if op is C.LITERAL:
                shape.append((op, av))
            elif op is C.IN:
                shape.append((op, tuple(av)))
            elif op is C.BRANCH:
                shape.append((op, tuple(self._number(seq) for seq in av[1])))
            elif op is C.SUBPATTERN:
                shape.append((op, av[1], av[2], self._number(av[3])))
            elif op is _ATOMIC_GROUP:
                shape.append((op, self._number(av)))
            elif op in _REPEATS:
                shape.append((op, av[0], av[1], self._number(av[2])))
            elif op is C.ASSERT:
                shape.append((op, self._number(av[1])))
            else:  # what ``item`` reads no further
                shape.append((op,))
        number = self._shapes.setdefault(tuple(shape), len(self._shapes))
        self._numbers[id(items)] = number
        return number

    def cost(self, clause: Clause) -> float:
        """Expected occurrences per character of text: lower screens out more."""
        cost = self._costs.get(clause)
        if cost is None:
            # fsum: the same float whatever order the set yields its literals in
            # (the choice of clauses must not depend on the process's hash seed)
            cost = self._costs[clause] = math.fsum(map(self._literal_cost, clause))
        return cost

    def _literal_cost(self, literal: str) -> float:
        cost = self._literal_costs.get(literal)
        if cost is None:
            cost = 1.0
            for ch in literal:
                cost *= _P_WORD if ch.isalnum() else _P_OTHER
            self._literal_costs[literal] = cost
        return cost

    def best(self, clauses) -> tuple[Clause, ...]:
        """The MAX_CLAUSES most selective of ``clauses`` (None ones left out),
        none implied by a kept one."""
        candidates = dict.fromkeys(c for c in clauses if c is not None)  # ties keep this order
        if len(candidates) < 2:  # most calls (a word list's trie is a tree of one-clause branches)
            return tuple(candidates)
        kept: list[Clause] = []
        for clause in sorted(candidates, key=lambda c: (self.cost(c), len(c), min(c), max(c))):
            if not any(_implies(k, clause) for k in kept):
                kept.append(clause)
                if len(kept) == MAX_CLAUSES:
                    break
        return tuple(kept)

    def needs(self, info: _Info) -> tuple[Clause, ...]:
        """All an item needs, a string of its exact ones included."""
        return self.best((*info.need, _clause(info.exact)))

    def either(self, needs: list[tuple[Clause, ...]]) -> tuple[Clause, ...]:
        """What a text needs where one of several alternatives matches: a
        clause of each alternative, united ((a and b) or c is (a or c) and (b or c))."""
        result: tuple[Clause, ...] = (frozenset(),)
        for need in needs:
            if not need:
                return ()
            result = self.best(r | c for r in result for c in need)
        return result

    def seq(self, items, ignore_case: bool) -> _Info:
        """A sequence (numbered by ``_number``): its exact strings if every
        item has them; it needs what each item needs, and a string of each run
        of exact items."""
        key = (self._numbers[id(items)], ignore_case)
        info = self._infos.get(key)
        if info is None:
            info = self._infos[key] = self._seq(items, ignore_case)
        return info

    def _seq(self, items, ignore_case: bool) -> _Info:
        clauses: list[Clause | None] = []
        run: frozenset[str] = _EMPTY  # product of the current run of exact items
        whole: frozenset[str] | None = _EMPTY  # product of all items, while known
        for op, av in getattr(items, "data", items):
            info = self.item(op, av, ignore_case)
            clauses += info.need
            whole = _product(whole, info.exact) if whole is not None and info.exact is not None else None
            if info.exact is None:
                clauses.append(_clause(run))
                run = _EMPTY
                continue
            grown = _product(run, info.exact)
            if grown is None:  # too many strings: the run so far is needed, a new one starts
                clauses.append(_clause(run))
                grown = info.exact
            run = grown
        clauses.append(_clause(run))
        return _Info(whole, self.best(clauses))

    def item(self, op, av, ignore_case: bool) -> _Info:
        if op is C.LITERAL:
            if self.caseless and av < 128:
                return _Info(frozenset({chr(av).lower()}))
            return _UNKNOWN if _has_case(av, ignore_case) else _Info(frozenset({chr(av)}))
        if op is C.IN:
            return _Info(_class(av, ignore_case, self.caseless))
        if op is C.BRANCH:
            alternatives = [self.seq(seq, ignore_case) for seq in av[1]]
            exact = None
            if all(a.exact is not None for a in alternatives):
                exact = frozenset().union(*(a.exact for a in alternatives))
                exact = exact if len(exact) <= MAX_STRINGS else None
            return _Info(exact, self.either([self.needs(a) for a in alternatives]))
        if op is C.SUBPATTERN:
            _group, add_flags, del_flags, seq = av
            if (add_flags | del_flags) & re.LOCALE:
                return _UNKNOWN
            if add_flags & re.IGNORECASE:
                ignore_case = True
            if del_flags & re.IGNORECASE:
                ignore_case = False
            return self.seq(seq, ignore_case)
        if op is _ATOMIC_GROUP:
            return self.seq(av, ignore_case)
        if op in _REPEATS:
            low, high, seq = av
            body = self.seq(seq, ignore_case)
            return _Info(_repeat(body.exact, low, high), self.needs(body) if low >= 1 else ())
        if op is C.AT or op is C.ASSERT_NOT:
            return _ZERO_WIDTH  # needs nothing (a negative look-around needs an absence)
        if op is C.ASSERT:
            _direction, seq = av
            return _Info(_EMPTY, self.needs(self.seq(seq, ignore_case)))  # it looks at the text
        return _UNKNOWN  # ANY, NOT_LITERAL, CATEGORY, GROUPREF, GROUPREF_EXISTS...


def _has_case(code: int, ignore_case: bool) -> bool:
    return ignore_case and (unicode_iscased(code) or ascii_iscased(code))


def _class(items, ignore_case: bool, caseless: bool = False) -> frozenset[str] | None:
    """The characters of a class ``[...]``, when few and without case
    (``caseless``: ASCII letters as their lower case)."""
    chars: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            codes = (av,)
        elif op is C.RANGE and av[1] - av[0] < MAX_CLASS:
            codes = range(av[0], av[1] + 1)
        else:  # NEGATE, CATEGORY, a wide range
            return None
        for code in codes:
            if caseless and code < 128:
                chars.add(chr(code).lower())
                continue
            if _has_case(code, ignore_case):
                return None
            chars.add(chr(code))
    return frozenset(chars) if len(chars) <= MAX_CLASS else None


def _repeat(exact: frozenset[str] | None, low: int, high: int) -> frozenset[str] | None:
    """The strings ``x{low,high}`` can match, for a few repeats of few strings (``x?``)."""
    if exact is None or high > 3:
        return None
    strings, power = (_EMPTY if low == 0 else frozenset()), _EMPTY
    for count in range(1, high + 1):
        power = _product(power, exact)
        if power is None:
            return None
        if count >= low:
            strings |= power
    return strings if len(strings) <= MAX_STRINGS else None


def required_literals(pattern: str, flags: int = 0, parsed=None,
                      analysis: Analysis | None = None) -> tuple[Clause, ...] | None:
    """Clauses (sets of literals) such that wherever ``pattern`` matches in a
    text, the text holds a literal of each; None when the analysis finds none.

    ``parsed``: the pattern's parse tree, when the caller has it already;
    ``analysis``: one shared with other patterns (their common parts analysed once).
    """
    if parsed is None:
        parsed = parse(pattern, flags)
        if parsed is None:
            return None
    if parsed.state.flags & re.LOCALE:
        return None
    analysis = analysis or Analysis()
    try:
        need = analysis.needs_of(parsed)
    except RecursionError:
        return None
    return tuple(map(analysis.minimal, need)) or None


# a clause of at most this many literals is tested with ``in``: measured on the
# mock-site blocks, 0.3-0.6 us against 0.7-1.0 us for a regex scan (one literal:
# both 0.2 us; 100+ literals: ``in`` 20 us, the regex 1-4 us)
MAX_IN_TESTS = 3


# the characters other than ASCII letters that re's IGNORECASE matches to one
# (tests/test_clean_screen.py finds them all among the code points)
CASE_TWINS = "\u0130\u0131\u017f\u212a"
_CASE_TWIN = re.compile(f"[{CASE_TWINS}]")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class Screen:
    """A test that a text holds a literal of each clause: False means the
    pattern the clauses come from cannot match the text. A ``caseless`` one
    (from the caseless analysis) looks at the text's ASCII letters in lower
    case, and passes any text holding one of ``CASE_TWINS``."""

    __slots__ = ("clauses", "caseless", "_compile_clause", "_tests")

    def __init__(self, clauses: tuple[Clause, ...], compile_clause, caseless: bool = False):
        """``compile_clause``: a clause -> a regex matching any of its literals
        (a module-level function: a screen is pickled with the rules, rulecache.py)."""
        self.clauses = clauses
        self.caseless = caseless
        self._compile_clause = compile_clause
        # per clause, most selective first: its literals, or a regex for many; built when
        # first asked (with hyperscan, ``Screens`` reads only the clauses)
        self._tests = None

    def __getstate__(self):
        return None, {"clauses": self.clauses, "caseless": self.caseless, "_compile_clause": self._compile_clause,
                      "_tests": None}

    def __call__(self, text: str) -> bool:
        if self._tests is None:
            self._tests = tuple(tuple(clause) if len(clause) <= MAX_IN_TESTS else self._compile_clause(clause)
                                for clause in self.clauses)
        if self.caseless:
            if _CASE_TWIN.search(text):
                return True
            text = text.translate(_ASCII_LOWER)
        for test in self._tests:
            if type(test) is tuple:
                for literal in test:
                    if literal in text:
                        break
                else:
                    return False
            elif test.search(text) is None:
                return False
        return True

    def __repr__(self) -> str:
        return f"Screen({[sorted(c) for c in self.clauses]!r}{', caseless' if self.caseless else ''})"


def _compile(literals, engine):
    """The hyperscan database of ``literals``, (literal, caseless, id) each."""
    database = engine.Database(mode=engine.HS_MODE_BLOCK)
    # hyperscan's caseless matching is for ASCII letters only, as a caseless screen's
    flags = [engine.HS_FLAG_SINGLEMATCH | (engine.HS_FLAG_CASELESS if caseless else 0) for _, caseless, _ in literals]
    database.compile(expressions=[_utf8(literal) for literal, _, _ in literals], ids=[id_ for _, _, id_ in literals],
                     elements=len(literals), flags=flags, literal=True)
    return database


def _utf8(text: str) -> bytes:
    # a lone surrogate (from an escaped JS string) is kept as itself: UTF-8 keeps
    # each character's bytes apart, so a literal is in the bytes iff it is in the text
    return text.encode("utf-8", "surrogatepass")


# most literals sharing one hyperscan id (Screens.__init__)
ID_SHARE = 32


class Screens:
    """The verdicts of many screens on one text from one scan of it."""

    __slots__ = ("screens", "_clauses", "_database", "_scratch", "_caseless", "_width", "_starts", "_start_bits",
                 "_always", "_passes", "_clause_bits", "_literals")

    def __init__(self, screens, engine=hyperscan):
        """``screens``: ``Screen`` objects (repeats asked once); ``engine``: the
        hyperscan module, or None to ask each screen on its own."""
        self.screens = tuple(dict.fromkeys(screens))
        self._database = None
        if engine is None or not self.screens:
            return
        numbers: dict[tuple[str, bool], int] = {}  # (literal, caseless) -> its number
        # per screen, per clause: the numbers of its literals
        self._clauses = [tuple(frozenset(numbers.setdefault((literal, screen.caseless), len(numbers))
                                         for literal in clause)
                               for clause in screen.clauses) for screen in self.screens]
        # per literal, the screens holding it: a screen none of whose literals occur fails
        holding: dict[int, set[int]] = {}
        for index, clauses in enumerate(self._clauses):
            for clause in clauses:
                for number in clause:
                    holding.setdefault(number, set()).add(index)
        # Screens are the bits of integers (``mask``: bit i, ``screens[i]``). Per literal, the
        # screens of one clause that pass when it is found, and the clauses of the screens of
        # several clauses it satisfies, as the bits of another integer: each such screen owns
        # ``_width`` bits in a row from its *start* bit (``_starts``), one a clause, those
        # beyond its clauses always set (``_always``); it passes when the bits of the
        # literals found hold all of its own (``mask``: one shift and AND a bit of width)
        several = sorted(index for index, clauses in enumerate(self._clauses) if len(clauses) > 1)
        alone = set(range(len(self.screens))) - set(several)
        passes = {number: sum(1 << i for i in indexes & alone) for number, indexes in holding.items()}
        clause_bits = dict.fromkeys(holding, 0)
        self._width = width = max((len(self._clauses[index]) for index in several), default=1)
        self._starts: dict[int, int] = {}  # start bit -> the screen's bit
        self._always = 0
        for k, index in enumerate(several):
            clauses = self._clauses[index]
            for j, clause in enumerate(clauses):
                for number in clause:
                    clause_bits[number] |= 1 << k * width + j
            self._always |= ((1 << width) - (1 << len(clauses))) << k * width
            self._starts[1 << k * width] = 1 << index
        self._start_bits = sum(self._starts)
        self._caseless = sum(1 << i for i, screen in enumerate(self.screens) if screen.caseless)
        # literals that tell the same (the digits of one class, say) share an id, up to
        # ID_SHARE of them: hyperscan reports each id once (HS_FLAG_SINGLEMATCH), so a text
        # costs about one call per kind of literal it holds, not one per literal; beyond a
        # few dozen literals an id, compiling slows (7.9 s, against 0.2, for the ~8,000
        # literals of the homophone rules' two clauses in one id each)
        told: dict[tuple[int, int], int] = {}  # what a literal tells -> literals telling it so far
        shared: dict[tuple[tuple[int, int], int], int] = {}  # (what, rank // ID_SHARE) -> id
        ids = []
        for n in numbers.values():
            tell = (passes[n], clause_bits[n])
            rank = told[tell] = told.get(tell, -1) + 1
            ids.append(shared.setdefault((tell, rank // ID_SHARE), len(shared)))
        self._passes, self._clause_bits = (tuple(tell[i] for tell, _ in shared) for i in range(2))
        # (literal, caseless, its id), in the order of their numbers
        self._literals = tuple((literal, caseless, id_) for (literal, caseless), id_ in zip(numbers, ids))
        self._use(_compile(self._literals, engine), engine)

    def _use(self, database, engine) -> None:
        self._database, self._scratch = database, engine.Scratch(database)

    def __getstate__(self):
        """Pickled with the rules (rulecache.py): the database serialised, ~0.1 ms to read
        back against ~80-130 ms to compile (a pipeline worker's start)."""
        state = {name: getattr(self, name) for name in self.__slots__ if name != "_scratch" and hasattr(self, name)}
        if self._database is not None:
            state["_database"] = hyperscan.dumpb(self._database)
        return None, state

    def __setstate__(self, state) -> None:
        _, values = state
        database = values.pop("_database", None)
        for name, value in values.items():
            setattr(self, name, value)
        self._database = self._scratch = None
        if database is None:
            return
        try:  # one serialised on another machine or hyperscan version does not load: compiled again
            database = hyperscan.loadb(database, hyperscan.HS_MODE_BLOCK)
        except Exception:
            database = _compile(self._literals, hyperscan)
        self._use(database, hyperscan)

    @property
    def indexed(self) -> bool:
        """Whether one scan answers for every screen (hyperscan is there)."""
        return self._database is not None

    def verdicts(self, text: str) -> dict[Screen, bool]:
        """Per screen, whether ``text`` holds a literal of each of its clauses."""
        passing = self.passing(text)
        return {screen: screen in passing for screen in self.screens}

    def passing(self, text: str) -> set[Screen]:
        """The screens ``text`` passes."""
        mask = self.mask(text)
        return {screen for i, screen in enumerate(self.screens) if mask >> i & 1}

    def mask(self, text: str) -> int:
        """The screens ``text`` passes, as bits (bit i: ``screens[i]``). Only
        those holding a literal the scan found are checked clause by clause: a
        clean text costs little more than its scan, however many screens there are."""
        if self._database is None:
            return sum(1 << i for i, screen in enumerate(self.screens) if screen(text))
        ids: list[int] = []  # each id once; a handler of named arguments that appends:
        # the cheapest call for the ~10 kinds of literal ordinary prose holds
        self._database.scan(_utf8(text), match_event_handler=lambda id_, start, end, flags, context:
                            ids.append(id_), scratch=self._scratch)
        passing = reduce(or_, map(self._passes.__getitem__, ids), 0)
        found = reduce(or_, map(self._clause_bits.__getitem__, ids), self._always)
        held = found & self._start_bits  # the screens of several clauses whose every clause is found
        for shift in range(1, self._width):
            held &= found >> shift
        while held:
            low = held & -held
            passing |= self._starts[low]
            held ^= low
        if self._caseless and _CASE_TWIN.search(text) is not None:
            passing |= self._caseless
        return passing
