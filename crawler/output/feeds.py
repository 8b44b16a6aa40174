"""Scrapy's feed exporter with the project's routing of items to feeds.

- ``DEFAULT_FEEDS`` are the feeds of a crawl that has no ``FEEDS`` (no
  ``-o/-O``): kept apart from ``FEEDS`` because Scrapy adds ``-o/-O`` feeds to
  those of the settings instead of replacing them.
- A feed that names no ``item_classes`` (nor ``item_filter``) takes articles
  only, so ``-O articles.jsonl`` never holds rejects.
- ``REJECTS_URI`` (a feed URI template) adds a JSON-lines feed of ``Rejected``
  records, fed by items dropped with a ``Reject`` and by items a stage failed
  on (reason ``error``); it is there also when ``-o/-O`` replaces the default
  feeds.
- ``EXPORT_GZIP`` gzips every feed, appending ``.gz`` to its URI; a feed whose
  URI ends in ``.gz`` is gzipped anyway.
- Feed files are flushed after each item, so what the seen-store records as
  exported is in the file even if the crawl is killed. A feed that buffers
  (Parquet: a row group at a time) holds marks back: ``when_durable(callback)``
  calls back once what the feeds took so far is in their files, at once or
  when the row groups holding it are written; ``flush_buffers()`` writes them
  now (a distributed crawl going idle or closing).
- A feed write that fails (disk full, I/O error) stops the crawl (close
  reason ``feed_error``, a failed exit status): nothing more is written to
  any feed, ``failure`` says why, so the seen-store marks nothing more and
  the distributed queue acknowledges nothing more; a plain file is cut back
  at close to its last whole item.
- ``JsonLinesExporter`` writes the project's items as Scrapy's exporter does,
  faster; an article a pipeline worker finished carries its line already
  encoded (``feed_line``, ``FEED_LINE``), which a feed of the default options
  writes as it is (the same bytes, at the same point).
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import os
from collections import deque
from datetime import datetime, timezone

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.exporters import BaseItemExporter, CsvItemExporter, JsonLinesItemExporter
from scrapy.extensions.feedexport import FeedExporter as ScrapyFeedExporter
from scrapy.extensions.feedexport import FileFeedStorage
from scrapy.utils.serialize import ScrapyJSONEncoder

from crawler.output import atom
from crawler.items import Article, Rejected
from crawler.pipelines import Reject, error_record
from crawler.runtime.scrapy_internals import schedule_coro

logger = logging.getLogger(__name__)

GZIP = "scrapy.extensions.postprocessing.GzipPlugin"
FEED_ERROR = "feed_error"  # close reason of a crawl whose feed could not be written


def _with_gzip(uri: str, options: dict) -> tuple[str, dict]:
    if not uri.endswith(".gz"):
        uri += ".gz"
    options.setdefault("postprocessing", [GZIP])
    return uri, options


class FeedExporter(ScrapyFeedExporter):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.failure = ""  # why the feeds stopped being written; empty while they are
        self.held = ""  # why articles (not rejects) are no longer written; empty while they are
        self.whole: dict[str, int] = {}  # plain feed file -> its size after its last whole item
        # callbacks waiting for buffered rows to be written: (exporter, its ``readable`` then) each
        self.durable: deque[tuple[list[tuple[object, int]], object]] = deque()

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        priority = settings.getpriority("FEEDS") or "project"
        gzip = settings.getbool("EXPORT_GZIP")
        feeds = {}
        configured = settings.getdict("FEEDS") or settings.getdict("DEFAULT_FEEDS")
        for uri, options in configured.items():
            options = dict(options)
            if not options.get("item_classes") and not options.get("item_filter"):
                options["item_classes"] = [Article]
            parquet = options.get("format") == "parquet" or str(uri).endswith(".parquet")
            if (gzip and not parquet) or str(uri).endswith(".gz"):  # Parquet compresses its columns itself
                uri, options = _with_gzip(str(uri), options)
            options.setdefault("format", "parquet" if parquet else "jsonlines")
            if parquet:  # one Parquet file cannot be appended to another
                options.setdefault("overwrite", True)
            feeds[uri] = options
        if rejects_uri := settings.get("REJECTS_URI"):
            parquet = rejects_uri.endswith(".parquet")
            options = {"format": "parquet" if parquet else "jsonlines", "item_classes": [Rejected]}
            if parquet:
                options["overwrite"] = True
            if (gzip and not parquet) or rejects_uri.endswith(".gz"):
                rejects_uri, options = _with_gzip(rejects_uri, options)
            feeds[rejects_uri] = options
        settings.set("FEEDS", feeds, priority=priority)
        exporter = super().from_crawler(crawler)
        crawler.signals.connect(exporter.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(exporter.item_error, signal=signals.item_error)
        return exporter

    def item_scraped(self, item, spider) -> None:
        if not self.writes(item):  # nothing is written after a failed write: no item half-written past it
            self.crawler.stats.inc_value("feeds/not_written")
            return
        try:
            for slot in self.slots:
                if slot.file is None and slot.filter.accepts(item):  # opened now: its size before any item
                    slot.start_exporting()
                    self._written(slot)
            super().item_scraped(item, spider)
            # The seen-store marks an article exported right after this: it must be
            # in the file then, not in a buffer a killed process loses.
            for slot in self.slots:
                if slot.file is not None:
                    slot.file.flush()
                    self._written(slot)
        except OSError as exc:
            self.fail(exc)
        if self.durable:
            self._call_durable()

    def when_durable(self, callback) -> None:
        """``callback()`` once what the feeds took so far would survive the
        crawl's death: now, or once the feeds that buffer it (Parquet) wrote
        it; never once a feed write failed (it is then not done)."""
        waits = [(slot.exporter, slot.exporter.readable) for slot in self.slots
                 if getattr(slot.exporter, "pending", False)]
        if waits or self.durable:
            self.durable.append((waits, callback))
            self._call_durable()
        elif not self.failure:
            callback()

    def _call_durable(self) -> None:
        while self.durable and not self.failure:
            waits, callback = self.durable[0]
            if any(exporter.readable <= then for exporter, then in waits):
                return
            self.durable.popleft()
            callback()
        if self.failure:
            self.durable.clear()

    def flush_buffers(self) -> None:
        """The rows the feeds buffer written now, and what waited for them done."""
        try:
            for slot in self.slots:
                if getattr(slot.exporter, "pending", False) and not self.failure:
                    slot.exporter.flush_rows()
        except OSError as exc:
            self.fail(exc)
        self._call_durable()

    def _written(self, slot) -> None:
        if (isinstance(slot.file, io.BufferedWriter) and isinstance(slot.storage, FileFeedStorage)
                and not getattr(slot.exporter, "cuts_back", False)):
            self.whole[slot.storage.path] = slot.file.tell()

    def writes(self, item=None) -> bool:
        """Whether ``item`` (or, with none, every item) goes to the feeds now.
        What does not is not marked exported (seen-store, distributed queue)
        either: the next run fetches it again."""
        return not self.failure and not (self.held and (item is None or isinstance(item, Article)))

    def hold_articles(self, why: str) -> None:
        """Write no more articles (rejects still are): the crawl stops for ``why``."""
        self.held = why

    def fail(self, exc: OSError) -> None:
        self.failure = f"{type(exc).__name__}: {exc}"
        self.crawler.stats.inc_value("feeds/not_written")
        self.crawler.stats.set_value("feeds/error", self.failure)
        logger.error("A feed write failed (%s): the crawl stops (%s); nothing more is written to the feeds"
                     " nor marked exported, so the next run fetches it again", self.failure, FEED_ERROR)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            schedule_coro(engine.close_spider_async(reason=FEED_ERROR))

    async def close_spider(self, spider) -> None:
        self.flush_buffers()  # before the marks' stores close (their spider_closed handlers come after)
        await super().close_spider(spider)
        self._call_durable()  # a feed that could not seek is readable once finished
        if not self.failure:
            return
        for path, size in self.whole.items():  # a line half written when the disk filled up
            try:
                if os.path.getsize(path) > size:
                    os.truncate(path, size)
                    logger.warning("Feed %s cut back to its last whole item (%d bytes)", path, size)
            except OSError as exc:
                logger.error("Feed %s may end in a partial line: %s", path, exc)

    def item_dropped(self, item, response, exception, spider) -> None:
        if isinstance(exception, Reject):
            # only the feeds taking Rejected accept it
            self.item_scraped(exception.rejected, spider)

    def item_error(self, item, response, spider, failure) -> None:
        self.item_scraped(error_record(item, failure.value), spider)


def _plain_fields(*classes) -> dict[type, tuple[str, ...]]:
    """The field names, in order, of those item dataclasses whose fields have no ``serializer``."""
    fields = {cls: dataclasses.fields(cls) for cls in classes}
    return {cls: tuple(f.name for f in own) for cls, own in fields.items()
            if not any("serializer" in f.metadata for f in own)}


FEED_LINE = "_feed_line"  # attribute of an item carrying its ``feed_line``, made by a pipeline worker
_PLAIN_OPTIONS = {"encoding": "utf-8", "ensure_ascii": False}  # the options feed_line encodes with
_PLAIN_ENCODER = ScrapyJSONEncoder(ensure_ascii=False)


def feed_line(item) -> bytes | None:
    """The item's line in a JSON-lines feed of the default options (every field,
    UTF-8), as ``JsonLinesExporter`` writes it; None for an item it writes
    otherwise. Made by the pipeline workers (crawler/pipelines/offload.py), so
    that the crawl process only writes the bytes."""
    names = JsonLinesExporter.FIELDS.get(type(item))
    if names is None:
        return None
    return (_PLAIN_ENCODER.encode({name: getattr(item, name) for name in names}) + "\n").encode("utf-8")


class JsonLinesExporter(JsonLinesItemExporter):
    """Scrapy's JSON-lines exporter (``FEED_EXPORTERS``: ``jsonlines``, ``jsonl``, ``jl``) with
    a fast path for the project's items: their fields are all set and have no
    serializer, so with no ``fields_to_export`` the line is the fields as they
    are, the same bytes as Scrapy's exporter, which looks up and serialises
    each field through ItemAdapter (three times as long in a crawl's profile)."""

    FIELDS = _plain_fields(Article, Rejected)

    def __init__(self, file, **kwargs):
        super().__init__(file, **kwargs)
        # the options feed_line encodes with: an item's ready line is this feed's line
        self.plain = {"encoding": (self.encoding or "").lower(), **self._kwargs} == _PLAIN_OPTIONS

    def export_item(self, item) -> None:
        names = self.FIELDS.get(type(item))
        if names is None or self.fields_to_export is not None \
                or type(self).serialize_field is not BaseItemExporter.serialize_field:
            return super().export_item(item)
        line = getattr(item, FEED_LINE, None) if self.plain else None
        if line is None:
            line = (self.encoder.encode({name: getattr(item, name) for name in names}) + "\n").encode(
                self.encoding or "utf-8")
        self.file.write(line)


class ParquetExporter:
    """``FEED_EXPORTERS["parquet"]``: crawler/output/parquet.py's exporter, imported
    (with pyarrow, ~0.1 s of CPU) when a feed is opened, not when Scrapy loads the
    exporter classes at every crawl's start."""

    @classmethod
    def from_crawler(cls, crawler, file, **kwargs):
        from crawler.output import parquet

        return parquet.ParquetExporter.from_crawler(crawler, file, **kwargs)


class CsvExporter(CsvItemExporter):
    """Scrapy's CSV exporter (``FEED_EXPORTERS``: ``csv``) with list and dict
    fields (``blocks``, ``images``, ``removed``, ``langs``) as JSON text, not a
    Python repr: a CSV reader gets back the same values as the JSON-lines
    feed holds (``json.loads`` of the cell)."""

    def serialize_field(self, field, name, value):
        if "serializer" not in field and isinstance(value, (list, dict)):
            return json.dumps(value, ensure_ascii=False)
        return super().serialize_field(field, name, value)


class AtomFeed:
    """After each run, merges the run's articles into the source's Atom feed
    (``ATOM_FEED_PATH``, ``%(source)s`` being ``SOURCE_NAME`` or the spider's
    name), keeping the newest ``ATOM_FEED_ENTRIES``."""

    def __init__(self, path: str, max_entries: int, source: str = ""):
        self.path = path
        self.max_entries = max_entries
        self.source = source
        self.entries: list[dict] = []
        self.started = datetime.now(timezone.utc)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("ATOM_FEED_ENABLED") or not settings.get("ATOM_FEED_PATH"):
            raise NotConfigured
        ext = cls(settings.get("ATOM_FEED_PATH"), settings.getint("ATOM_FEED_ENTRIES"), settings.get("SOURCE_NAME"))
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def item_scraped(self, item, spider) -> None:
        if isinstance(item, Article):
            # the dataclass's own attributes: what ItemAdapter(item) would read, without its lookups
            self.entries.append(atom.entry_of(vars(item), self.started))
            if len(self.entries) > 2 * self.max_entries:  # bound memory on long runs
                self.entries = atom.newest(self.entries, self.max_entries)

    def spider_closed(self, spider, reason) -> None:
        source = self.source or spider.name
        path = self.path % {"source": source, "name": spider.name}
        atom.update_feed(path, source, self.entries, self.max_entries)
