from __future__ import annotations

import logging

from crawler.errors import Rejection
from crawler.items import Page, Rejected
from crawler.pipelines import PageRejected, error_record, stage_stats
from crawler.pipelines.offload import offloadable
from crawler.reasons import Reason

logger = logging.getLogger(__name__)


class ExtractPipeline:
    """Page bytes -> Article, or a reject with its reason."""

    def __init__(self, stats, parsers=None):
        self.stats = stats
        self.parsers = parsers  # None: the site parsers with the default rules

    @classmethod
    def from_crawler(cls, crawler):
        return cls.from_rules(stage_stats(crawler), crawler.settings.getdict("PARSING_RULES"))

    @classmethod
    def from_rules(cls, stats, rule_files: dict):
        if not rule_files:
            return cls(stats)
        from crawler.parsing import build_site_parsers

        return cls(stats, build_site_parsers(rule_files))

    def article(self, item: Page):
        """The page's article; ``Rejection`` (with its reason) when it yields none."""
        # imported where pages are parsed: a crawl process whose pipeline workers parse never imports it
        from crawler.parsing import parse_page

        if item.error:
            raise Rejection(item.error, item.detail)
        if item.status and item.status >= 400:
            reason = Reason.NOT_FOUND if item.status in (404, 410) else Reason.HTTP_ERROR
            raise Rejection(reason, f"HTTP {item.status}")
        article = parse_page(
            item.body, item.url, fetched_from=item.fetched_from,
            content_type=item.content_type,
            name=item.fetched_from if item.fetched_from.startswith("file:") else item.url,
            parsers=self.parsers,
        )
        for key, value in item.hints.items():  # listing metadata fills gaps only
            if getattr(article, key, None) in (None, "") and value:
                setattr(article, key, value)
                if key == "published_at":  # a corpus record's field, or a feed's or API's entry
                    article.published_from = "record" if item.fetched_from.startswith("file:") else "listing"
        return article

    @offloadable
    def process_item(self, item):
        if not isinstance(item, Page):
            return item
        self.stats.inc_value("extract/pages")
        try:
            article = self.article(item)
        except Rejection as exc:
            raise PageRejected(Rejected(
                fetched_from=item.fetched_from, url=item.url, status=item.status,
                reason=exc.reason, detail=exc.detail,
            )) from None
        except Exception as exc:  # a parser bug must not lose the page
            logger.exception("Parser failed on %s", item.fetched_from)
            raise PageRejected(error_record(item, exc)) from None
        from crawler.parsing import UNDECODABLE

        for entry in article.removed:
            if entry["reason"] == UNDECODABLE:
                self.stats.inc_value("extract/undecodable_pages")
                self.stats.inc_value("extract/undecodable_bytes", entry["count"])
        return article
