"""Item pipelines: thin Scrapy adapters over the plain-Python libraries.

The chain (see ``ITEM_PIPELINES`` in settings): extract -> clean ->
deduplicate -> language -> export. Each stage reads its settings in
``from_crawler`` (raising ``NotConfigured`` when its ``*_ENABLED`` flag is
off), passes anything that is not an ``Article`` through untouched, counts
its stats, and rejects an item by raising a ``Reject`` subclass, which the
``crawler.output.feeds.FeedExporter`` writes to the rejects feed and
``crawler.runtime.stats.CrawlStats`` counts per reason.
"""

from scrapy.exceptions import DropItem
from scrapy.statscollectors import MemoryStatsCollector, StatsCollector

from crawler.items import Rejected
from crawler.reasons import Reason

# Scrapy's own collectors: they keep their values in the dict ``_stats`` and wrap every call in a
# check of a deprecated ``spider`` argument (~1.8 us a call; the chain makes ~20 an article)
PLAIN_COLLECTORS = (MemoryStatsCollector, StatsCollector)


class DirectCounts:
    """A plain Scrapy collector whose ``inc_value`` adds straight into its values
    (what its own does, without the wrapping); every other call goes to it."""

    __slots__ = ("collector",)

    def __init__(self, collector):
        self.collector = collector

    def inc_value(self, key, count=1, start=0, spider=None):
        values = object.__getattribute__(self.collector, "_stats")  # read each time: set_stats replaces it
        values[key] = values.get(key, start) + count

    def __getattr__(self, name):
        return getattr(self.collector, name)


def stage_stats(crawler):
    """The stats a stage of the chain counts into: the crawler's (``DirectCounts``
    of it when it is one of Scrapy's own collectors)."""
    stats = crawler.stats
    return DirectCounts(stats) if type(stats) in PLAIN_COLLECTORS else stats


class Reject(DropItem):
    """Drop an item and record why: ``rejected`` goes to the rejects feed."""

    def __init__(self, rejected: Rejected):
        message = f"{rejected.reason} {rejected.fetched_from}"
        if rejected.detail:
            message += f" ({rejected.detail})"
        super().__init__(message, log_level="INFO")
        self.rejected = rejected

    def __reduce__(self):  # pickled by pipeline workers (offload.py): rebuilt from the record
        return type(self), (self.rejected,)


class PageRejected(Reject):
    """The page yields no article (extract stage)."""


class NearDuplicate(Reject):
    """The article near-duplicates one already kept (dedup stage)."""


class StateUnwritable(Reject):
    """A local store of the crawl's state could not be written (a full disk):
    the item is rejected ``unavailable`` and the crawl closes ``state_full``
    (``crawler.state.outage.StateWatch``)."""


def store_failure(item, exc: BaseException, store: str) -> Reject | None:
    """The reject of an item whose stage could not use ``store`` (the dedup
    index, the learned-template store): its Redis away, or its disk full.
    None for any other error (a bug: the item is an ``error``)."""
    from crawler.state.outage import out_of_space, unreachable  # here: that module imports this one

    if unreachable(exc):
        kind, why = Reject, f"{store}'s Redis did not answer"
    elif out_of_space(exc):
        kind, why = StateUnwritable, f"{store} could not be written"
    else:
        return None
    # not checked, so not exported: the next run (or this one's retry) gets it again
    return kind(Rejected(fetched_from=item.fetched_from, url=item.url, reason=Reason.UNAVAILABLE,
                         detail=f"{why} ({type(exc).__name__}: {exc})"))


ERROR_REASON = Reason.ERROR  # the reject reason of an item a stage failed on with a bug


def error_record(item, exc: BaseException) -> Rejected:
    """The rejects-feed record of an item a stage failed on with a bug."""
    return Rejected(
        fetched_from=getattr(item, "fetched_from", "") or "",
        url=getattr(item, "url", None),
        status=getattr(item, "status", None),
        reason=ERROR_REASON,
        detail=f"{type(exc).__name__}: {exc}",
    )
