from __future__ import annotations

from scrapy.exceptions import NotConfigured

from crawler.cleaning import Cleaner, load_rules
from crawler.items import Article
from crawler.pipelines.offload import offloadable


class CleanPipeline:
    """Removes injected spam and boilerplate from each Article, span by span.

    Rules: the built-in files (unless ``CLEAN_DEFAULT_RULES`` is false), then
    ``CLEAN_RULES``; a broken rule file stops the crawl at start-up with the
    file and rule named. Stats: ``clean/removed/<reason>`` (removals) and
    ``clean/removed/<reason>/chars``; ``clean/safety_valve`` for articles kept
    as they were because cleaning would have removed too much.
    """

    def __init__(self, cleaner: Cleaner, stats):
        self.cleaner = cleaner
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("CLEAN_ENABLED", True):
            raise NotConfigured("CLEAN_ENABLED is false")
        rules = load_rules(
            settings.getlist("CLEAN_RULES"),
            defaults=settings.getbool("CLEAN_DEFAULT_RULES", True),
            disabled=settings.getlist("CLEAN_DISABLED_RULES"),
        )
        cleaner = Cleaner(rules, max_removed_share=settings.getfloat("CLEAN_MAX_REMOVED_SHARE", 0.5))
        return cls(cleaner, crawler.stats)

    @offloadable
    def process_item(self, item):
        if not isinstance(item, Article):
            return item
        result = self.cleaner.clean(item)
        self.stats.inc_value("clean/articles")
        if result.valve:
            self.stats.inc_value("clean/safety_valve")
        elif result.removed:
            self.stats.inc_value("clean/articles_changed")
            self.stats.inc_value("clean/removed_chars", result.removed_chars)
        for reason, (count, chars) in result.by_reason.items():
            self.stats.inc_value(f"clean/removed/{reason}", count)
            if chars:
                self.stats.inc_value(f"clean/removed/{reason}/chars", chars)
        return item
