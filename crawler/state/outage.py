"""Outages of the crawl's state: Redis servers away, a local store's disk full.

A crawl depends on Redis when it runs in the distributed mode, uses the
Redis seen-store or the Redis dedup index. ``RedisWatch`` (an extension)
asks each such server every ``REDIS_CHECK_INTERVAL`` seconds whether it is
up and still holds the crawl's data (a probe key it wrote at the start):

- a server that does not answer starts an outage: the engine is paused (no
  new request is sent; pages in flight go on, the stages needing Redis
  reject them ``unavailable``), and the server is asked again with back-off
  (the interval doubling, up to 8 times); when it answers, the crawl goes on;
- an outage longer than ``REDIS_OUTAGE_TIMEOUT`` seconds, or a server that
  answers without the probe key (restarted empty: the queue, the seen-store
  or the index are gone), closes the crawl: close reason
  ``redis_unavailable`` (exit status 1, see crawler/commands/crawl.py).

``unreachable(exc)`` tells the components using Redis that an error is the
server being away (not a bug): they then reject the item ``unavailable``,
keep what they could not write for later, or wait.

``out_of_space(exc)`` tells the same of a local store (the SQLite dedup
index, template store or seen-store) that cannot be written: a full disk or
quota, a read-only filesystem. That does not pass by waiting: the stage
rejects the item ``unavailable`` by raising ``StateUnwritable``, and
``StateWatch`` (an extension, always on) closes the crawl ``state_full``
(exit status 1); nothing it could not write is marked done.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import socket
import sys
import time
import uuid

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.output.feeds import FeedExporter
from crawler.pipelines import StateUnwritable
from crawler.runtime.scrapy_internals import schedule_coro

logger = logging.getLogger(__name__)

REDIS_UNAVAILABLE = "redis_unavailable"  # close reason
STATE_FULL = "state_full"  # close reason: a local store of the crawl's state could not be written
MAX_BACKOFF = 8  # the check interval grows up to this many times during an outage


def unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` is a Redis server not answering (refused, reset, timed out)."""
    redis = sys.modules.get("redis")
    return redis is not None and isinstance(exc, (redis.ConnectionError, redis.TimeoutError))


def out_of_space(exc: BaseException) -> bool:
    """Whether ``exc`` is a local store that cannot be written: a full disk or
    quota, a read-only filesystem (as ``OSError`` or as SQLite reports them)."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS)
    if isinstance(exc, sqlite3.OperationalError):
        message = str(exc).lower()
        return "disk is full" in message or "readonly database" in message
    return False


def redis_urls(settings) -> list[str]:
    """The Redis servers the crawl with these settings depends on."""
    urls = []
    if settings.get("DISTRIBUTED_REDIS_URL"):
        urls.append(settings.get("DISTRIBUTED_REDIS_URL"))
    if (settings.getbool("DEDUP_ENABLED") and settings.getbool("DEDUP_ARTICLES")
            and settings.get("DEDUP_BACKEND") == "redis"):
        urls.append(settings.get("DEDUP_REDIS_URL"))
    if settings.getbool("SEEN_ENABLED") and str(settings.get("SEEN_STORE")).endswith("RedisSeenStore"):
        urls.append(settings.get("SEEN_REDIS_URL"))
    return list(dict.fromkeys(url for url in urls if url))


class RedisWatch:
    def __init__(self, crawler, urls: list[str], interval: float, timeout: float):
        import redis

        self.crawler = crawler
        self.interval = interval
        self.timeout = timeout
        # short socket timeouts: a check blocks the reactor thread at most that long
        wait = max(0.2, min(2.0, interval))
        self.clients = {url: redis.Redis.from_url(url, socket_timeout=wait, socket_connect_timeout=wait)
                        for url in urls}
        self.probe = f"crawler:probe:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.probe_ttl_ms = int((2 * timeout + 60) * 1000)
        self.down_since: float | None = None  # monotonic time the outage started
        self.next_check = 0.0
        self.loop = None
        self.closing = ""

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        urls = redis_urls(settings)
        if not urls:
            raise NotConfigured  # the crawl uses no Redis server (no message: no warning in the log)
        watch = cls(crawler, urls, settings.getfloat("REDIS_CHECK_INTERVAL"),
                    settings.getfloat("REDIS_OUTAGE_TIMEOUT"))
        crawler.signals.connect(watch.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(watch.spider_closed, signal=signals.spider_closed)
        return watch

    def spider_opened(self, spider) -> None:
        for client in self.clients.values():
            client.set(self.probe, "1", px=self.probe_ttl_ms)
        self.loop = task.LoopingCall(self.check)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        for client in self.clients.values():
            try:
                client.delete(self.probe)
            except Exception:  # noqa: BLE001 - the server may be gone: the key expires
                pass
            client.close()

    @property
    def down(self) -> bool:
        return self.down_since is not None

    def check(self) -> None:
        now = time.monotonic()
        if self.closing or now < self.next_check:
            return
        for url, client in self.clients.items():
            try:
                held = client.set(self.probe, "1", px=self.probe_ttl_ms, xx=True)
            except Exception as exc:  # noqa: BLE001 - any failure to answer is an outage
                return self.failed(url, exc, now)
            if not held:
                return self.close(f"Redis at {url} answers without the crawl's data (restarted empty?)")
        if self.down:
            logger.warning("Redis is back after %.1f s: the crawl goes on", now - self.down_since)
            self.crawler.stats.inc_value("redis/outages")
            self.down_since = None
            self.crawler.engine.unpause()

    def failed(self, url: str, exc: BaseException, now: float) -> None:
        if not self.down:
            self.down_since = now
            self.backoff = self.interval
            logger.error("Redis at %s does not answer (%s): requests paused; retrying for up to %.0f s"
                         " (REDIS_OUTAGE_TIMEOUT)", url, exc, self.timeout)
            self.crawler.engine.pause()
        elif now - self.down_since >= self.timeout:
            return self.close(f"Redis at {url} did not answer for {now - self.down_since:.0f} s ({exc})")
        self.backoff = min(self.backoff * 2, self.interval * MAX_BACKOFF)
        self.next_check = now + min(self.backoff, max(0.0, self.down_since + self.timeout - now))

    def close(self, why: str) -> None:
        self.closing = why
        self.crawler.stats.set_value("redis/unavailable", why)
        logger.error("%s: closing the crawl (%s)", why, REDIS_UNAVAILABLE)
        engine = self.crawler.engine
        if engine.spider is not None:
            schedule_coro(engine.close_spider_async(reason=REDIS_UNAVAILABLE))


class StateWatch:
    """Closes the crawl ``state_full`` the first time a stage could not write
    the crawl's state (a ``StateUnwritable`` reject) or the seen-store could
    not mark an exported article; the pages in flight end as rejects
    ``unavailable`` (nothing marked: the next run fetches them again)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.closing = ""

    @classmethod
    def from_crawler(cls, crawler):
        watch = cls(crawler)
        crawler.signals.connect(watch.item_dropped, signal=signals.item_dropped)
        return watch

    def item_dropped(self, item, response, exception, spider) -> None:
        if isinstance(exception, StateUnwritable):
            self.close(exception.rejected.detail)

    def close(self, why: str) -> None:
        if self.closing:
            return
        self.closing = why
        self.crawler.stats.set_value("state/error", why)
        logger.error("%s: closing the crawl (%s); no more articles are exported (nor marked), so the"
                     " next run fetches them again", why, STATE_FULL)
        if (feeds := self.crawler.get_extension(FeedExporter)) is not None:
            feeds.hold_articles(why)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            schedule_coro(engine.close_spider_async(reason=STATE_FULL))
