"""Every use the project makes of Scrapy's internals, in one place.

Scrapy's private names (a leading underscore, or attributes its docs do not
describe) change between releases without notice. The project relies on the
few below, each checked against the versions in ``TESTED_VERSIONS``:
``tests/test_scrapy_internals.py`` fails on any other Scrapy version, and on
any of these names gone, so an upgrade starts by reading this list.

Imported from here (never from Scrapy's private modules directly):

- ``schedule_coro`` (``scrapy.utils.defer._schedule_coro``): run a coroutine
  on the reactor without waiting for it (closing the spider from a signal
  handler or an extension; the downloader's queue loop).
- ``DecompressionMaxSizeExceeded`` (``scrapy.utils._compression``): the cause
  of the ``IgnoreRequest`` that HttpCompressionMiddleware raises for a body
  over ``DOWNLOAD_MAXSIZE`` once inflated (reject ``too_large``).

Overridden or read in place (listed in ``RELIED_ON``, checked by the test):

- ``crawler.fetching.downloader.Downloader`` overrides
  ``Downloader._process_queue`` and calls ``_wait_for_download``, and reads a
  ``Slot``'s ``queue``, ``transferring``, ``latercall``, ``lastseen``,
  ``delay``, ``jitter``, ``download_delay()``, ``free_transfer_slots()``.
- ``crawler.fetching.downloader.GuardedDownloadHandler`` reads
  ``HTTP11DownloadHandler._crawler``.
- ``crawler.output.feeds.FeedExporter`` walks Scrapy's ``FeedExporter.slots``,
  and reads a ``FeedSlot``'s ``file``, ``storage`` and ``filter`` (its
  ``start_exporting()`` called early) and a ``FileFeedStorage``'s ``path``, to
  cut a plain feed back to its last whole item after a failed write.
- ``crawler.pipelines.offload`` replays a worker's stats from
  ``StatsCollector._stats``, and, when its workers run the whole chain, takes
  the other stages' ``process_item`` out of the item pipeline's
  ``MiddlewareManager.methods`` to call them itself.
- ``crawler.runtime.signals.Sender`` sends an item's outcome signal as
  ``scrapy.utils.signal.send_catch_log`` does (pydispatch's receivers, the
  arguments each accepts, the errors it logs and under which logger), reading
  ``SignalManager.sender``; ``tests/test_signals.py`` compares the two.
"""

from __future__ import annotations

from scrapy.utils._compression import _DecompressionMaxSizeExceeded as DecompressionMaxSizeExceeded
from scrapy.utils.defer import _schedule_coro as schedule_coro

TESTED_VERSIONS = ("2.19.0",)

# (where, attribute): class attributes the project overrides or calls, and
# instance attributes it reads (checked on a built instance by the test)
RELIED_ON = (
    ("scrapy.core.downloader.Downloader", "_process_queue"),
    ("scrapy.core.downloader.Downloader", "_wait_for_download"),
    ("scrapy.core.downloader.Downloader", "slots"),
    ("scrapy.core.downloader.Slot", "download_delay"),
    ("scrapy.core.downloader.Slot", "free_transfer_slots"),
    ("scrapy.core.downloader.Slot", "queue"),
    ("scrapy.core.downloader.Slot", "transferring"),
    ("scrapy.core.downloader.Slot", "latercall"),
    ("scrapy.core.downloader.Slot", "lastseen"),
    ("scrapy.core.downloader.Slot", "delay"),
    ("scrapy.core.downloader.Slot", "jitter"),
    ("scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler", "_crawler"),
    ("scrapy.extensions.feedexport.FeedExporter", "slots"),
    ("scrapy.extensions.feedexport.FeedSlot", "file"),
    ("scrapy.extensions.feedexport.FeedSlot", "storage"),
    ("scrapy.extensions.feedexport.FeedSlot", "filter"),
    ("scrapy.extensions.feedexport.FeedSlot", "start_exporting"),
    ("scrapy.extensions.feedexport.FileFeedStorage", "path"),
    ("scrapy.statscollectors.StatsCollector", "_stats"),
    ("scrapy.middleware.MiddlewareManager", "methods"),
    ("scrapy.signalmanager.SignalManager", "sender"),
)

__all__ = ["DecompressionMaxSizeExceeded", "RELIED_ON", "TESTED_VERSIONS", "schedule_coro"]
