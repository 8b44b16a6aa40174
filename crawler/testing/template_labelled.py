"""The labelled sets of the clean stage (``clean_labelled``) cleaned with learned templates.

Every page of a set is one article of a corpus: its carrier paragraphs recur
in dozens of pages, often at their head or tail and under one WeChat
account, and each look-alike paragraph (spam vocabulary used as content)
recurs in three pages. So the sets are a hard case for templates: all of
that recurrence is legitimate, and must be kept.

``run(name, mode)`` cleans every page (templates, then the rules) with the
templates ``off``, learned as the pages come (``stream``), or learned over
the whole set first (``two_pass``), and scores it as ``clean_labelled`` does.
Used by tests/test_clean_templates.py and bench/clean_templates.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.cleaning import Cleaner, load_rules
from crawler.cleaning.template_stores import MemoryTemplateStore
from crawler.cleaning.templates import REASON, Templates
from crawler.testing import clean_labelled as labelled

MODES = ("off", "stream", "two_pass")


@dataclass
class Outcome:
    total: labelled.Score = field(default_factory=labelled.Score)
    broken: list[tuple[str, str]] = field(default_factory=list)  # (format, look-alike paragraph) not intact
    template_removals: int = 0
    template_chars: int = 0
    template_legit: list[str] = field(default_factory=list)  # template removals of text the clean page holds


def run(name: str, mode: str, cleaner: Cleaner | None = None, **options) -> Outcome:
    """Clean the set ``name`` with templates in ``mode`` (``options``: of ``Templates``)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    cleaner = cleaner or Cleaner(load_rules())
    cases = labelled.build_cases(name)
    pages = [labelled.parse(case, injected=True) for case in cases]
    templates = None if mode == "off" else Templates(MemoryTemplateStore(), **options)
    if mode == "two_pass":
        for article in pages:
            templates.learn(article)
    out = Outcome()
    for case, article in zip(cases, pages):
        expected = labelled.parse(case, injected=False).text
        before = article.text
        received = {b["text"] for b in article.blocks}
        if templates is not None:
            templates.clean(article)
        cleaner.clean(article)
        mine = [r for r in article.removed if r["reason"] == REASON]
        out.template_removals += len(mine)
        out.template_chars += sum(len(r["text"]) for r in mine)
        out.template_legit += [r["text"] for r in mine if r["text"].strip() and r["text"].strip() in expected]
        out.total.add(labelled.score(expected, before, article.text, article.removed, case.reason))
        kept = {b["text"] for b in article.blocks}
        out.broken += [(case.fmt, text) for text in case.lookalikes
                       if (text in received or case.fmt == "text") and text not in kept]
    return out
