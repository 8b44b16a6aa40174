"""Crawl stats of articles and rejects, and a periodic progress line.

Counts ``rejects`` and ``rejects/<reason>`` for every item dropped with a
``Reject`` or failed on by a stage (reason ``error``); ``articles`` is
counted by the export stage. Every
``LOGSTATS_INTERVAL`` seconds logs pages, articles, rejects per reason,
the rates, and the articles a live spider skipped as exported by an earlier
run (``seen/skipped``), in place of Scrapy's own LogStats line.
"""

from __future__ import annotations

import json
import logging
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.output.atomic import write_atomically
from crawler.pipelines import ERROR_REASON, Reject

logger = logging.getLogger(__name__)


class CrawlStats:
    def __init__(self, stats, interval: float, stats_file: str = ""):
        self.stats = stats
        self.interval = interval
        self.stats_file = stats_file
        self.task = None
        self.last = (0, 0, 0)
        self.opened = self.last_time = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("LOGSTATS_INTERVAL")
        if interval < 0:
            raise NotConfigured
        ext = cls(crawler.stats, interval, crawler.settings.get("RUN_STATS_FILE"))
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(ext.item_error, signal=signals.item_error)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.write_stats, signal=signals.engine_stopped)
        return ext

    def item_dropped(self, item, response, exception, spider) -> None:
        if isinstance(exception, Reject):
            self.count_reject(exception.rejected.reason)

    def item_error(self, item, response, spider, failure) -> None:
        self.count_reject(ERROR_REASON)

    def count_reject(self, reason: str) -> None:
        self.stats.inc_value("rejects")
        self.stats.inc_value(f"rejects/{reason}")

    def spider_opened(self, spider) -> None:
        self.opened = self.last_time = time.monotonic()
        if self.interval:
            self.task = task.LoopingCall(self.log)
            self.task.start(self.interval, now=False)

    def spider_closed(self, spider, reason) -> None:
        if self.task and self.task.running:
            self.task.stop()
        self.log(final=True)

    def write_stats(self) -> None:
        """The final stats, for the scheduler's run log (``RUN_STATS_FILE``)."""
        if self.stats_file:
            write_atomically(self.stats_file, json.dumps(self.stats.get_stats(), default=str))

    def log(self, final: bool = False) -> None:
        """The counts, and the rates per minute over the time they took: since
        the previous line, or (``final``) over the whole run, whose length the
        line then gives."""
        values = self.stats.get_stats()
        pages = values.get("response_received_count", 0) + values.get("files/read", 0)
        articles = values.get("articles", 0)
        rejects = values.get("rejects", 0)
        now = time.monotonic()
        counts, since, start = (pages, articles, rejects), self.last, self.last_time
        if final:
            since, start = (0, 0, 0), self.opened
        elapsed = max(now - start, 1e-3)
        per_min = [(count - then) * 60 / elapsed for count, then in zip(counts, since)]
        self.last, self.last_time = counts, now
        reasons = ", ".join(
            f"{key.removeprefix('rejects/')} {n}"
            for key, n in sorted(values.items()) if key.startswith("rejects/")
        )
        skipped = values.get("seen/skipped", 0)
        logger.info(
            "Progress: %d pages (%d/min), %d articles (%d/min), %d rejects%s%s%s",
            pages, per_min[0], articles, per_min[1], rejects,
            f" ({reasons})" if reasons else "",
            f", {skipped} skipped as exported before" if skipped else "",
            f"; rates over the whole run, {now - self.opened:.1f} s" if final else "",
        )
