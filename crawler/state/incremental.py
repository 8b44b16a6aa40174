"""Incremental crawls: the seen-store extension and the JOBDIR resume guard.

Both act only for spiders with ``incremental = True`` (the live spiders).

- ``SeenExtension`` opens the spider's seen-store (``SEEN_STORE`` class,
  ``SEEN_DIR``; ``SEEN_RESET`` empties it first) and adds the keys of every
  exported article: its listed URL's and its own URL's. It runs after the
  feed exporter, which has flushed the article to the feed file by then, so
  an article is never marked exported without being in a feed; once a feed
  write failed (``FeedExporter.failure``), nothing more is marked. Keys a
  store that does not answer (Redis down) could not take are appended to a
  journal on this machine's disk (``SEEN_DIR/<spider>.unmarked``) and marked
  when the spider next starts here, so an article written during an outage
  is not exported again by the next run.
- ``ResumeGuard``: Scrapy writes a JOBDIR's queue state and spider state
  only on a clean close. A run that was killed leaves them stale, and a stale
  queue can lose or repeat requests. The guard marks a JOBDIR as in use while
  a crawl runs; if the mark is still there when the next run opens the
  JOBDIR, the previous run died: its queue and state are dropped, and the
  crawl starts over from the listings (always re-read) with the seen-store
  skipping what was exported.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.job import job_dir
from scrapy.utils.misc import load_object

from crawler.items import Article
from crawler.output.feeds import FeedExporter
from crawler.state.outage import StateWatch, out_of_space, unreachable
from crawler.state.seen import journal_path
from crawler.fetching.urls import article_key, load_url_rules

logger = logging.getLogger(__name__)


class SeenExtension:
    def __init__(self, crawler):
        self.crawler = crawler
        self.store = None
        self.url_rules = None
        self.feeds: FeedExporter | None = None
        self.unmarked: set[str] = set()  # keys of exported articles the store could not take yet
        self.journaled: set[str] = set()  # of those, the keys already in the journal
        self.journal: Path | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("SEEN_ENABLED"):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        return extension

    def spider_opened(self, spider) -> None:
        if not getattr(spider, "incremental", False):
            return
        settings = self.crawler.settings
        self.url_rules = load_url_rules(settings.getlist("URL_KEY_RULES"))
        self.feeds = self.crawler.get_extension(FeedExporter)
        self.store = load_object(settings["SEEN_STORE"]).from_settings(settings, spider.name)
        self.journal = journal_path(settings, spider.name)
        if settings.getbool("SEEN_RESET"):
            self.store.clear()
            self.journal.unlink(missing_ok=True)
            logger.info("Seen-store of %s reset (SEEN_RESET)", spider.name)
        self.replay()
        # two keys per article as a rule (its listed link's and its canonical URL's)
        logger.info("Seen-store of %s: %d keys (the listed and canonical links of the articles exported before)",
                    spider.name, len(self.store))

    def __contains__(self, key: str) -> bool:
        if self.store is None:
            return False
        try:
            return key in self.store
        except Exception as exc:
            if not unreachable(exc):
                raise
            # asked for: a page exported before is then checked by the dedup index
            self.crawler.stats.inc_value("seen/unavailable")
            return False

    def item_scraped(self, item, response, spider) -> None:
        if self.store is None or not isinstance(item, Article):
            return
        if self.feeds is not None and not self.feeds.writes(item):  # not in the feed: fetched again next run
            self.crawler.stats.inc_value("seen/not_marked")
            return
        keys = {article_key(item.url, self.url_rules)}
        if response is not None and response.meta.get("seen_key"):
            keys.add(response.meta["seen_key"])
        if self.feeds is not None:  # once in the file (a Parquet feed: its row group written)
            self.feeds.when_durable(lambda: self.mark(keys))
        else:
            self.mark(keys)

    def mark(self, keys: set[str]) -> None:
        self.unmarked |= keys
        try:
            self.store.add(self.unmarked)
        except Exception as exc:
            if out_of_space(exc):  # it will not pass: the crawl stops
                self.crawler.get_extension(StateWatch).close(f"the seen-store could not be written ({exc})")
                return
            if not unreachable(exc):
                raise
            logger.warning("Seen-store unreachable (%s): %d keys marked when it answers again",
                           exc, len(self.unmarked))
            self.keep(self.unmarked - self.journaled)
            return
        self.unmarked.clear()
        self.journaled.clear()
        self.crawler.stats.inc_value("seen/added")

    def keep(self, keys: set[str]) -> None:
        """Append keys the store could not take to the journal, durably (a
        crawl killed during the outage keeps them too)."""
        if not keys or self.journal is None:
            return
        try:
            self.journal.parent.mkdir(parents=True, exist_ok=True)
            with open(self.journal, "a", encoding="utf-8") as journal:
                journal.write("".join(f"{key}\n" for key in sorted(keys)))
                journal.flush()
                os.fsync(journal.fileno())
        except OSError as exc:
            logger.error("Seen-store journal %s not written (%s): the next run may export %d articles again",
                         self.journal, exc, len(keys))
            return
        self.journaled |= keys

    def replay(self) -> None:
        """Mark the keys an earlier run of the spider kept in the journal."""
        if self.journal is None or not self.journal.exists():
            return
        taken = self.journal.with_name(f"{self.journal.name}.{os.getpid()}")
        os.replace(self.journal, taken)  # a process appending meanwhile starts a new journal
        keys = {line for line in taken.read_text(encoding="utf-8").splitlines() if line}
        logger.info("Seen-store of %s: marking %d keys an earlier run could not (%s)",
                    self.crawler.spider.name, len(keys), self.journal)
        self.mark(keys)  # not answering: they go back to the journal
        taken.unlink()

    def spider_closed(self, spider) -> None:
        if self.store is not None:
            if self.unmarked:
                logger.error("%d keys of exported articles could not be marked in the seen-store: kept in %s,"
                             " marked when the spider next starts on this machine", len(self.unmarked), self.journal)
                self.crawler.stats.set_value("seen/unmarked", len(self.unmarked))
            self.store.close()
            self.store = None


class ResumeGuard:
    MARK = "crawl.running"
    STALE = ("requests.queue", "requests.seen", "spider.state")

    def __init__(self, jobdir: Path):
        self.mark = jobdir / self.MARK

    @classmethod
    def from_crawler(cls, crawler):
        jobdir = job_dir(crawler.settings)
        if not jobdir or not getattr(crawler.spider, "incremental", False):
            raise NotConfigured
        guard = cls(Path(jobdir))
        if guard.mark.exists():
            guard.drop_stale_state(Path(jobdir))
        guard.mark.write_text(str(os.getpid()))
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def drop_stale_state(self, jobdir: Path) -> None:
        logger.warning(
            "JOBDIR %s: the previous run did not close cleanly (killed?); dropping its request"
            " queue and state, the listings are re-read and the seen-store skips exported articles",
            jobdir,
        )
        for name in self.STALE:
            path = jobdir / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()

    def spider_closed(self, spider) -> None:
        self.mark.unlink(missing_ok=True)
