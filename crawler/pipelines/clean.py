from __future__ import annotations

import os
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from crawler.items import Article
from crawler.pipelines import stage_stats
from crawler.pipelines.offload import offloadable, runs_in_worker

if TYPE_CHECKING:
    from crawler.cleaning import Cleaner


class CleanPipeline:
    """Removes injected spam and boilerplate from each Article, span by span.

    Rules: the built-in files (unless ``CLEAN_DEFAULT_RULES`` is false), then
    ``CLEAN_RULES``, kept built in ``CLEAN_RULES_CACHE_DIR`` for the next run; a broken rule file stops the crawl at start-up with the
    file and rule named. Stats: ``clean/removed/<reason>`` (removals) and
    ``clean/removed/<reason>/chars``; ``clean/safety_valve`` for articles kept
    as they were because cleaning would have removed too much.
    """

    def __init__(self, cleaner: Cleaner | None, stats, build=None):
        self._cleaner = cleaner
        self._build = build  # makes the cleaner when it is None
        self.stats = stats

    @property
    def cleaner(self) -> Cleaner:
        if self._cleaner is None:
            self._cleaner = self._build()
        return self._cleaner

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("CLEAN_ENABLED", True):
            raise NotConfigured("CLEAN_ENABLED is false")

        def build() -> Cleaner:
            from crawler.cleaning import Cleaner, load_rules  # where the stage works only

            cache_dir = settings.get("CLEAN_RULES_CACHE_DIR")
            rules = load_rules(
                settings.getlist("CLEAN_RULES"),
                defaults=settings.getbool("CLEAN_DEFAULT_RULES", True),
                disabled=settings.getlist("CLEAN_DISABLED_RULES"),
                cache_dir=os.path.expanduser(cache_dir) if cache_dir else None,
            )
            return Cleaner(rules, max_removed_share=settings.getfloat("CLEAN_MAX_REMOVED_SHARE", 0.5))

        # Where pipeline workers clean, the crawl process only replays their stats: the rules
        # (~0.5 s to build, a few ms read from CLEAN_RULES_CACHE_DIR) are built there, and checked by the workers before the spider opens;
        # the crawl process does not even import the cleaner (its screens, hyperscan).
        return cls(None if runs_in_worker(crawler, cls) else build(), stage_stats(crawler), build)

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
