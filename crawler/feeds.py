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
"""

from __future__ import annotations

from scrapy import signals
from scrapy.extensions.feedexport import FeedExporter as ScrapyFeedExporter

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
