"""Cleaning: remove injected spam and platform boilerplate from an article, span by span.

Plain Python, no Scrapy. Rules are data files (``rules/*.toml`` plus the
user's own, see ``rules.load_rules``); ``Cleaner`` applies them::

    cleaner = Cleaner(load_rules(["my_rules.toml"]), max_removed_share=0.5)
    result = cleaner.clean(article)   # article.blocks/text/removed updated

Every removal is recorded in ``article.removed`` as ``{"reason", "signal",
"text"}`` with one of ``REASONS`` (or a reason of the user's rules) and the
signal that fired (``rules.DEFAULT_SIGNALS``, a rule's own ``signal``; the
strong ones, kept by the safety valve, in ``STRONG_SIGNALS``); the removed
texts plus the kept text account exactly for the input.
"""

from crawler.cleaning.cleaner import SAFETY_VALVE, Cleaner, CleanResult
from crawler.cleaning.rules import DEFAULT_RULES_DIR, STRONG_SIGNALS, RuleError, RuleSet, load_rules

# reasons of the built-in rules
REASONS = ("hidden", "link_farm", "spam_url", "promo", "generator_note", "boilerplate", SAFETY_VALVE)

__all__ = [
    "Cleaner", "CleanResult", "DEFAULT_RULES_DIR", "REASONS", "RuleError", "RuleSet", "SAFETY_VALVE",
    "STRONG_SIGNALS", "load_rules",
]
