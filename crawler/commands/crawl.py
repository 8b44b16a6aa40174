"""``scrapy crawl`` with an exit status that tells whether the crawl did its job.

Scrapy's ``crawl`` exits 0 whatever the close reason. Here it exits 1 when
the crawl closed for a reason in ``FAILED_CLOSE_REASONS`` (its output is
incomplete and the next run must make up for it), or when a feed could not
be written or stored, so a scheduled job can tell.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.spiderloader import get_spider_loader

from crawler.commands import usage_error
from crawler.runtime import interrupts

logger = logging.getLogger(__name__)

# feed_error: a feed write failed (crawler/output/feeds.py);
# redis_unavailable: a Redis server the crawl uses was lost (crawler/state/outage.py);
# state_full: a local store of the crawl's state could not be written (the same module)
FAILED_CLOSE_REASONS = frozenset({"feed_error", "redis_unavailable", "state_full"})


def crawl_failure(stats: dict) -> str:
    """Why a crawl with these final stats failed; empty if it did not."""
    reason = stats.get("finish_reason")
    if reason in FAILED_CLOSE_REASONS:
        return f"closed ({reason})"
    if error := stats.get("feeds/error"):
        return f"a feed write failed ({error})"
    if failed := sum(value for key, value in stats.items() if key.startswith("feedexport/failed_count/")):
        return f"{failed} feed(s) could not be stored"
    return ""


class Command(ScrapyCrawlCommand):
    def __init__(self) -> None:
        super().__init__()
        self.crawlers = []

    def _create_crawler(self, spidercls):
        crawler = super()._create_crawler(spidercls)
        self.crawlers.append(crawler)
        return crawler

    def process_options(self, args, opts) -> None:
        super().process_options(args, opts)
        # before the crawler process exists: nothing logged, nothing started
        if len(args) == 1 and (problem := self.argument_problem(args[0], opts.spargs)):
            sys.exit(usage_error("crawl", problem))

    def run(self, args, opts) -> None:
        if interrupts.handling():
            # our handler stays in charge of SIGINT/SIGTERM for the whole crawl
            # (Scrapy's, installed once the reactor runs, would stop a crawl
            # whose engine is not running yet without closing it)
            start = self.crawler_process.start
            self.crawler_process.start = lambda: start(install_signal_handlers=False)
        crawl = self.crawler_process.crawl
        self.crawler_process.crawl = lambda *a, **kw: _one_line_on_failure(crawl(*a, **kw))
        super().run(args, opts)
        for crawler in self.crawlers:
            if getattr(crawler, "spider", None) is None:
                continue  # never started (Scrapy logged why; exit status 1)
            if why := crawl_failure(crawler.stats.get_stats()):
                logger.error("The crawl failed: %s; exit status 1", why)
                self.exitcode = 1

    def argument_problem(self, name: str, spargs: dict) -> str:
        """What is wrong with the spider's name or its ``-a`` arguments, if
        anything: the spider is built once with them, as the crawl will build
        it (its constructor checks them), before anything starts."""
        try:
            spidercls = get_spider_loader(self.settings).load(name)
        except KeyError:
            return f"no spider named {name!r} (scrapy list names them)"
        try:
            spider = spidercls(**spargs)
        except ValueError as exc:
            return str(exc)
        return getattr(spider, "usage_problem", "")


def _one_line_on_failure(started):
    """A crawl that cannot start (a store it cannot open: a full disk, a
    directory it may not write) is one line in the log, not a traceback;
    Scrapy still sees the failure (exit status 1)."""

    def report(exc: BaseException) -> None:
        logger.error("The crawl could not start: %s: %s; exit status 1", type(exc).__name__, exc)

    if isinstance(started, asyncio.Future):
        started.add_done_callback(
            lambda task: None if task.cancelled() or task.exception() is None else report(task.exception()))
    else:  # a Deferred (another reactor)
        started.addErrback(lambda failure: report(failure.value))
    return started
