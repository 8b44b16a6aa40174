"""Leave-one-family-out evaluation of cleaning (bench/clean_lofo.py, tests).

The labelled spam (``clean_labelled``'s sets) is grouped into families
(``tests/data/clean/families.toml``: by vertical, shape, hiding technique,
wording). For each family, everything written for it (lexicon entries, vars,
rules: its ``withhold``) is taken away and its pages are cleaned with what is
left, so the figures say what the other signals still catch. Families of
``novel.toml`` had nothing written for them: they are measured as they are.

Scores are in tokens (a CJK character, a run of Latin letters or digits, a
punctuation mark): of the injected spam tokens, the share removed; of the
output tokens, the share that is legitimate; of the look-alike paragraphs,
the share that came out intact.
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, field

from crawler.cleaning import Cleaner, load_rules
from crawler.testing import clean_labelled as labelled

FAMILIES = labelled.DATA / "families.toml"
_TOKEN = re.compile(r"[A-Za-z0-9]+|\S")


@dataclass
class Family:
    name: str
    selectors: list[dict]
    withhold: dict = field(default_factory=dict)
    novel: bool = False
    structural: bool = False
    fit: bool = False  # written before any change for it, then used to build signals
    register: bool = True  # (fit) the register models learn from it (register_train)

    @property
    def kind(self) -> str:
        return "fit" if self.fit else "novel" if self.novel else "structural" if self.structural else "written"

    def holds(self, case: labelled.Case) -> bool:
        for sel in self.selectors:
            if sel["set"] not in ("*", case.set) or case.kind not in sel["kinds"]:
                continue
            if "match" not in sel or re.search(sel["match"], str(case.item)):
                return True
        return False


def load_families(path=FAMILIES) -> list[Family]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Family(f["name"], f["cases"], f.get("withhold", {}), f.get("novel", False), f.get("structural", False),
                   f.get("fit", False), f.get("register", True))
            for f in data["family"]]


def training_items(reasons, kinds) -> tuple[set[str], set[str], set[str]]:
    """What a model built from the labelled sets may learn from: the text items
    of ``reasons`` whose every family is of ``kinds`` (never a blind set's, nor
    one no family holds), and the Chinese and English carrier paragraphs of the
    sets that are not blind. The look-alikes are left out: they measure, and
    so are the items of a family marked ``register = false``, the kinds a
    set marks ``models = false`` (runs of search terms, no ad's prose:
    stuffing.toml) and the carriers of a set whose ``[carriers]`` table says
    ``models = false`` (written after the models, they would move them)."""
    families = load_families()
    items, zh, en = set(), set(), set()
    for name in labelled.SETS:
        if name.startswith("blind"):
            continue
        carriers, injections, _ = labelled.load_data(name)
        if carriers.get("models", True):  # a set's own carriers may be kept from the models too
            zh.update(carriers["zh"])
            en.update(carriers["en"])
        for kind, spec in injections.items():
            if spec.get("reason") not in reasons or spec.get("models") is False:
                continue
            for item in spec["items"]:
                if not isinstance(item, str):
                    continue
                held = [f for f in families if f.holds(labelled.Case(kind, spec["reason"], "text", item, [], set=name))]
                if held and all(f.kind in kinds and f.register for f in held):
                    items.add(item)
    return items, zh, en


@dataclass
class Parsed:
    """A case parsed once: its injected article (cleaned on copies) and what cleaning must give back."""

    case: labelled.Case
    article: object
    expected: str
    received: set


def parse_sets(names=labelled.SETS) -> list[Parsed]:
    out = []
    for name in names:
        for case in labelled.build_cases(name):
            article = labelled.parse(case, injected=True)
            expected = labelled.parse(case, injected=False).text
            out.append(Parsed(case, article, expected, {b["text"] for b in article.blocks}))
    return out


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


@dataclass
class Tally:
    pages: int = 0
    spam: int = 0  # injected tokens that reached cleaning
    spam_removed: int = 0
    output: int = 0  # tokens of the cleaned text
    legit_output: int = 0
    lookalikes: int = 0
    intact: int = 0
    leftovers: list = field(default_factory=list)  # (case, cleaned text) with spam left

    @property
    def recall(self) -> float:
        return self.spam_removed / self.spam if self.spam else 1.0

    @property
    def precision(self) -> float:
        return self.legit_output / self.output if self.output else 1.0

    @property
    def intact_share(self) -> float:
        return self.intact / self.lookalikes if self.lookalikes else 1.0


def clean_case(cleaner: Cleaner, parsed: Parsed):
    article = copy.deepcopy(parsed.article)
    cleaner.clean(article)
    return article


def score_spam(cleaner: Cleaner, cases: list[Parsed]) -> Tally:
    tally = Tally()
    for parsed in cases:
        article = clean_case(cleaner, parsed)
        after = tokens(article.text)
        # the labelled sets' character score, over token lists
        score = labelled.score(tokens(parsed.expected), tokens(parsed.article.text), after, [], None)
        tally.pages += 1
        tally.spam += score.spam_chars
        tally.spam_removed += score.spam_removed
        tally.output += len(after)
        tally.legit_output += score.legit_kept
        if score.legit_kept < len(after):
            tally.leftovers.append((parsed.case, parsed.expected, article.text))
    return tally


def score_lookalikes(cleaner: Cleaner, cases: list[Parsed], tally: Tally | None = None) -> Tally:
    tally = tally or Tally()
    for parsed in cases:
        article = clean_case(cleaner, parsed)
        kept = {b["text"] for b in article.blocks}
        for text in parsed.case.lookalikes:
            if text in parsed.received or parsed.case.fmt == "text":
                tally.lookalikes += 1
                tally.intact += text in kept
                if text not in kept:
                    tally.leftovers.append((parsed.case, text, ""))
    return tally


@dataclass
class Row:
    family: Family
    lofo: Tally  # with the family's withhold taken away
    full: Tally  # with every rule


def evaluate(families: list[Family], parsed: list[Parsed]) -> list[Row]:
    """Each family's spam cleaned without what was written for it, and every
    look-alike page cleaned with the same rules."""
    full_cleaner = Cleaner(load_rules())
    lookalike_pages = [p for p in parsed if p.case.reason is None]
    rows = []
    for family in families:
        cases = [p for p in parsed if p.case.reason is not None and family.holds(p.case)]
        cleaner = Cleaner(load_rules(withhold=family.withhold)) if family.withhold else full_cleaner
        lofo = score_spam(cleaner, cases)
        score_lookalikes(cleaner, lookalike_pages, lofo)
        full = score_spam(full_cleaner, cases) if family.withhold else lofo
        rows.append(Row(family, lofo, full))
    return rows
