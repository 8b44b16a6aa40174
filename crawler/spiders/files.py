"""``scrapy crawl files -a path=PATH``: pages and corpora from disk through the chain.

Reads one file or a directory tree (sorted): HTML, plain text and Markdown
files are pages; ``.warc``/``.warc.gz`` archives give one page per HTML
response record; JSON-lines dumps (``.jsonl``, ``.jsonl.gz``) one per line
and Parquet files one per row (``FILES_*_FIELD`` name the fields). Inputs
that cannot be pages (too large, unreadable, malformed, not regular files)
still become ``Page`` items carrying the reject reason, so every input is
accounted for (crawler/fetching/corpus.py reads them).

Each file, or slice of ``FILES_SLICE_ROWS`` rows of a Parquet file, is one
request (a unit of work) that ``UnitHandler`` answers without reading; the
callback reads the unit and yields its pages. So the files go through
Scrapy's scheduler: in the distributed mode (crawler/state/distributed.py)
processes share them through the Redis queue, a killed process's units are
re-delivered, and the records of a re-delivered unit that reached a feed
already are skipped (crawler/state/units.py). Items come from callbacks, which Scrapy
consumes ``CONCURRENT_ITEMS`` at a time: a large file is read as the chain
takes its pages, never ahead of it. When the pipeline workers run the whole
chain, the callback hands the records to them in batches instead of yielding
items (``OffloadPipeline.run_records``, a few batches in flight: read as the
workers take them too).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import scrapy
from scrapy import signals
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.fetching.corpus import Entry, Limits, Unit, limits_from, read_unit, units, walk
from crawler.items import Page
from crawler.pipelines.offload import batches_for
from crawler.reasons import Reason
from crawler.state.mode import UNFINISHED
from crawler.state.units import UNIT_META, DoneRecords

logger = logging.getLogger(__name__)
UNIT = UNIT_META  # request meta: the unit (a dict of Unit's fields, or of Entry's)
# Inputs of this size or more keep every pipeline worker busy from the crawl's start (~500
# pages of 16 kB: a worker's start, ~0.7 s of CPU, is ~300 pages of its work): they all start
# with the crawl (``eager_workers``) rather than one by one as batches come, when a second
# worker started only once the first was ready and had its first batch, and the first
# worked alone while it imported and built its stages.
EAGER_INPUT_BYTES = 8 * 2**20


class FilesSpider(scrapy.Spider):
    name = "files"
    custom_settings = {
        "ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "DOWNLOAD_HANDLERS": {"file": "crawler.spiders.files.UnitHandler"},
        # units in the order of the walk (Scrapy's memory queue is last in, first out)
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        # a unit's response is empty (counted 1 KiB): about 16 units read at once
        "SCRAPER_SLOT_MAX_ACTIVE_SIZE": 16 * 1024,
    }

    def __init__(self, path: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not path:
            raise ValueError("the files spider needs -a path=FILE_OR_DIRECTORY")
        self.path = Path(path).expanduser()
        if not self.path.exists() and not self.path.is_symlink():
            raise ValueError(f"-a path={path}: no such file or directory")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.done = None  # DoneRecords in the distributed mode
        spider.eager_workers = input_bytes_reach(spider.path, EAGER_INPUT_BYTES)  # read by OffloadPipeline
        crawler.signals.connect(spider.opened, signal=signals.spider_opened)
        return spider

    def opened(self, spider) -> None:
        # connected now, after the feed exporter: a record is marked once it is in a feed
        self.done = DoneRecords.connect(self.crawler)

    def limits(self) -> Limits:
        return limits_from(self.settings)

    def work(self):
        """In the walk's order: the entries refused (``Entry``) and the units to read (``Unit``)."""
        slice_rows = self.settings.getint("FILES_SLICE_ROWS")
        for entry in walk(self.path):
            if isinstance(entry, Entry):
                yield entry
            else:
                yield from units(entry, slice_rows)

    async def start(self):
        for unit in self.work():
            if isinstance(unit, Entry):
                yield self.unit_request(unit.path, {"entry": vars(unit)})
            else:
                yield self.unit_request(unit.key, {"unit": vars(unit)})

    def unit_request(self, key: str, what: dict) -> scrapy.Request:
        url = key if key.startswith("file:") else Path(key).as_uri()
        # seen_key: the shared dupefilter of the distributed mode queues each unit once
        return scrapy.Request(url, callback=self.read, errback=self.failed, dont_filter=True,
                              meta={UNIT: what, "seen_key": url})

    def pages(self):
        """Every page of the path, in order, read here rather than through
        requests: what ``CLEAN_TEMPLATES_LEARN_FIRST`` learns before the crawl
        (crawler/pipelines/templates.py)."""
        limits = self.limits()
        for unit in self.work():
            if isinstance(unit, Entry):
                yield unit.page()
            else:
                yield from read_unit(unit, limits)

    async def read(self, response: Response):
        what = response.meta[UNIT]
        self.crawler.stats.inc_value("files/read")
        if "entry" in what:
            yield Entry(**what["entry"]).page()
            return
        workers = batches_for(self.crawler)
        records = self.records(response, Unit(**what["unit"]), undecoded=workers is not None)
        if workers is None:
            for page in records:
                yield page
        else:  # the workers run the whole chain: the records go to them in batches, not as items
            await workers.run_records(records, response)

    def records(self, response: Response, unit: Unit, undecoded: bool):
        """The unit's records, but those of a re-delivered unit already in a feed."""
        skip = self.done.of(response.url) if self.done is not None else ()  # a unit re-delivered
        for page in read_unit(unit, self.limits(), undecoded):
            if self.closing():  # stopping (Ctrl-C): the rest of the unit is left for a later run
                response.meta[UNFINISHED] = True
                self.crawler.stats.inc_value("files/units_unfinished")
                return
            if page.fetched_from in skip:
                self.crawler.stats.inc_value("files/records_skipped")
                continue
            yield page

    def closing(self) -> bool:
        """The crawl is stopping: the engine stopped, or the spider is closing
        (Scrapy 2.19 marks its engine slot ``closing``; a close by
        ``close_spider_async``, as the project's Ctrl-C handler does, leaves the
        engine running until the slot is done)."""
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        return not engine.running or (slot is not None and slot.closing is not None)

    def failed(self, failure):
        request = failure.request
        uri = request.url
        logger.error("Unit %s failed: %s", uri, failure.value)
        yield Page(uri, uri, error=Reason.ERROR, detail=f"{type(failure.value).__name__}: {failure.value}")


def input_bytes_reach(path: Path, size: int) -> bool:
    """Whether the files the walk reads under ``path`` hold ``size`` bytes or
    more (counted until they do)."""
    total = 0
    for unit in walk(path):
        if isinstance(unit, Unit):
            try:
                total += os.stat(unit.path).st_size
            except OSError:
                continue
            if total >= size:
                return True
    return False


class UnitHandler(BaseDownloadHandler):
    """Answers a unit's request with an empty response: the callback reads the unit."""

    async def download_request(self, request):
        if UNIT not in request.meta:
            raise NotConfigured(f"{request.url}: the files spider reads only the units it queued")
        return Response(url=request.url, request=request)
