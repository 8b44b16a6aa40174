"""Log lines that name the page, not the item: a page item holds megabytes."""

from __future__ import annotations

import logging

from scrapy import logformatter

from crawler.pipelines import Reject


class LogFormatter(logformatter.LogFormatter):
    """Also: no DEBUG line per page and per item unless ``LOG_LEVEL`` lets them
    through. Scrapy filters by level in its log handler, after a record was
    made for each of them; the crawl process made two a page for nothing."""

    def __init__(self, debug: bool = True):
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler):
        level = crawler.settings.get("LOG_LEVEL")
        number = level if isinstance(level, int) else logging.getLevelName(str(level).upper())
        return cls(debug=not isinstance(number, int) or number <= logging.DEBUG)

    def crawled(self, request, response, spider):
        return super().crawled(request, response, spider) if self.debug else None

    def scraped(self, item, response, spider):
        if not self.debug:
            return None
        return {
            "level": logging.DEBUG,
            "msg": "Scraped %(kind)s %(url)s",
            "args": {"kind": type(item).__name__, "url": getattr(item, "url", None)},
        }

    def dropped(self, item, exception, response, spider):
        if isinstance(exception, Reject):
            return {
                "level": logging.INFO,
                "msg": "Rejected %(exception)s",
                "args": {"exception": exception},
            }
        entry = super().dropped(item, exception, response, spider)
        entry["msg"] = "Dropped: %(exception)s"
        return entry

    def item_error(self, item, exception, response, spider):
        entry = super().item_error(item, exception, response, spider)
        entry["msg"] = "Error processing an item from %(url)s"
        entry["args"] = {"url": getattr(item, "fetched_from", None)}
        return entry
