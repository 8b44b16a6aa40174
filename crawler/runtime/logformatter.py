"""Log lines that name the page, not the item: a page item holds megabytes."""

from __future__ import annotations

import logging

from scrapy import logformatter

from crawler.pipelines import Reject


class LogFormatter(logformatter.LogFormatter):
    def scraped(self, item, response, spider):
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
