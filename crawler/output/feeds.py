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
  exported is in the file even if the crawl is killed.
- ``JsonLinesExporter`` writes the project's items as Scrapy's exporter does,
  faster.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.exporters import BaseItemExporter, JsonLinesItemExporter
from scrapy.extensions.feedexport import FeedExporter as ScrapyFeedExporter

from crawler.output import atom
from crawler.items import Article, Rejected
from crawler.pipelines import Reject, error_record

GZIP = "scrapy.extensions.postprocessing.GzipPlugin"


def _with_gzip(uri: str, options: dict) -> tuple[str, dict]:
    if not uri.endswith(".gz"):
        uri += ".gz"
    options.setdefault("postprocessing", [GZIP])
    return uri, options


class FeedExporter(ScrapyFeedExporter):
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
            if gzip or str(uri).endswith(".gz"):
                uri, options = _with_gzip(str(uri), options)
            options.setdefault("format", "jsonlines")
            feeds[uri] = options
        if rejects_uri := settings.get("REJECTS_URI"):
            options = {"format": "jsonlines", "item_classes": [Rejected]}
            if gzip or rejects_uri.endswith(".gz"):
                rejects_uri, options = _with_gzip(rejects_uri, options)
            feeds[rejects_uri] = options
        settings.set("FEEDS", feeds, priority=priority)
        exporter = super().from_crawler(crawler)
        crawler.signals.connect(exporter.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(exporter.item_error, signal=signals.item_error)
        return exporter

    def item_scraped(self, item, spider) -> None:
        super().item_scraped(item, spider)
        # The seen-store marks an article exported right after this: it must be
        # in the file then, not in a buffer a killed process loses.
        for slot in self.slots:
            if slot.file is not None:
                slot.file.flush()

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


class JsonLinesExporter(JsonLinesItemExporter):
    """Scrapy's JSON-lines exporter (``FEED_EXPORTERS``: ``jsonlines``, ``jsonl``, ``jl``) with
    a fast path for the project's items: their fields are all set and have no
    serializer, so with no ``fields_to_export`` the line is the fields as they
    are, the same bytes as Scrapy's exporter, which looks up and serialises
    each field through ItemAdapter (three times as long in a crawl's profile)."""

    FIELDS = _plain_fields(Article, Rejected)

    def export_item(self, item) -> None:
        names = self.FIELDS.get(type(item))
        if names is None or self.fields_to_export is not None \
                or type(self).serialize_field is not BaseItemExporter.serialize_field:
            return super().export_item(item)
        line = self.encoder.encode({name: getattr(item, name) for name in names}) + "\n"
        self.file.write(line.encode(self.encoding or "utf-8"))


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
            self.entries.append(atom.entry_of(ItemAdapter(item), self.started))
            if len(self.entries) > 2 * self.max_entries:  # bound memory on long runs
                self.entries = atom.newest(self.entries, self.max_entries)

    def spider_closed(self, spider, reason) -> None:
        source = self.source or spider.name
        path = self.path % {"source": source, "name": spider.name}
        atom.update_feed(path, source, self.entries, self.max_entries)
