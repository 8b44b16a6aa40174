"""Records of the units of work that reached a feed, shared through Redis.

In the distributed mode, a unit of the files spider (a file, or a slice of a
Parquet file: one request in the shared queue) held by a worker that dies is
re-delivered whole to another. ``DoneRecords`` keeps, per unit, the records
(their ``fetched_from``) already written to a feed, articles or rejects, so
the worker that gets the unit again skips them: every record ends once in
the feeds. A record is marked right after the feed exporter wrote and flushed
it (the handlers are connected after the exporter's; a Parquet feed's row
group written: ``FeedExporter.when_durable``), never before, and not
once a feed write failed; a worker killed between the two leaves that one
record to be written again, as a live spider's seen-store does.

Keys: ``<queue key>:done:<sha1 of the unit's URL>``, a set per unit; they go
with the crawl's queue when the whole crawl is over (``LeasedQueue.clear``).
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from scrapy import signals

from crawler.output.feeds import FeedExporter
from crawler.pipelines import Reject

if TYPE_CHECKING:
    import redis

logger = logging.getLogger(__name__)

UNIT_META = "files_unit"  # request meta of a unit's request (crawler/spiders/files.py)


def done_prefix(queue_key: str) -> str:
    return f"{queue_key}:done:"


class DoneRecords:
    def __init__(self, client: redis.Redis, prefix: str, feeds: FeedExporter | None = None, stats=None):
        self.client, self.prefix, self.feeds, self.stats = client, prefix, feeds, stats

    @classmethod
    def connect(cls, crawler) -> DoneRecords | None:
        """For a crawl in the distributed mode: marks connected after the feed exporter's handlers."""
        settings = crawler.settings
        url = settings.get("DISTRIBUTED_REDIS_URL")
        if not url:
            return None
        import redis  # here: a crawl not distributed needs no client (~0.1 s at start)

        queue_key = settings.get("SCHEDULER_QUEUE_KEY") % {"spider": crawler.spider.name}
        done = cls(redis.Redis.from_url(url), done_prefix(queue_key), crawler.get_extension(FeedExporter),
                   crawler.stats)
        crawler.signals.connect(done.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(done.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(done.item_error, signal=signals.item_error)
        return done

    def key(self, unit_url: str) -> str:
        return self.prefix + hashlib.sha1(unit_url.encode("utf-8")).hexdigest()

    def of(self, unit_url: str) -> set[str]:
        """The records of the unit already in a feed (a unit re-delivered)."""
        return {m.decode("utf-8") for m in self.client.smembers(self.key(unit_url))}

    def mark(self, item, response) -> None:
        if response is None or UNIT_META not in getattr(response, "meta", {}):
            return
        if self.feeds is not None and not self.feeds.writes(item):  # not written: not done
            return
        where = getattr(item, "fetched_from", None)
        if where:
            key = self.key(response.url)
            if self.feeds is not None:  # once in the file (a Parquet feed: its row group written)
                self.feeds.when_durable(lambda: self.add(key, where))
            else:
                self.add(key, where)

    def add(self, key: str, where: str) -> None:
        self.client.sadd(key, where)
        if self.stats is not None:
            self.stats.inc_value("files/records_marked")

    def item_scraped(self, item, response, spider) -> None:
        self.mark(item, response)

    def item_dropped(self, item, response, exception, spider) -> None:
        if isinstance(exception, Reject):  # the rejects feed took it
            self.mark(exception.rejected, response)

    def item_error(self, item, response, spider, failure) -> None:
        self.mark(item, response)
