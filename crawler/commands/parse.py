"""``scrapy parse URL``: one page through the whole chain, the article printed.

Replaces Scrapy's ``parse``, which would print what a spider callback yields
(for this project, a ``Page`` of raw bytes) and cannot pick a spider for a
``file://`` URL. Here the page goes where a crawl would send it: a
``file://`` URL (a saved page, a ``.txt``/``.md`` file, a WARC) to the
``files`` spider, a WeChat or Sohu URL to the spider whose hosts it names
(``--spider`` chooses another), and then through every stage of the chain.
Each article is printed as JSON (as the feeds hold it), each reject as its
record. Nothing is kept: no feed, no seen-store, an in-memory
near-duplicate index and template store, no Atom feed.
"""

from __future__ import annotations

import json
import sys
from urllib.parse import unquote, urlsplit

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.commands import ScrapyCommand
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.spiderloader import get_spider_loader

from crawler.commands import usage_error
from crawler.fetching.urls import host_of
from crawler.items import Article
from crawler.pipelines import Reject


class Command(ScrapyCommand):
    requires_project = True
    # over the project's settings, under the command line's -s
    overrides = {
        "LOG_LEVEL": "ERROR",
        # no feed, no rejects feed (dict settings merge: the exporter itself is left out)
        "EXTENSIONS": {"crawler.output.feeds.FeedExporter": None},
        "ATOM_FEED_ENABLED": False,
        "SEEN_ENABLED": False,
        "DEDUP_BACKEND": "memory",
        "CLEAN_TEMPLATES_BACKEND": "memory",
        "PIPELINE_WORKERS": 0,
    }

    def syntax(self) -> str:
        return "[options] URL"

    def short_desc(self) -> str:
        return "Run one page (http(s) or file:// URL) through the chain and print the article or the reject"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--spider", help="the spider to fetch it with (default: chosen by the URL)")
        parser.add_argument("-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
                            help="a spider argument (may be repeated)")

    def process_options(self, args, opts) -> None:
        super().process_options(args, opts)
        for name, value in self.overrides.items():
            if self.settings.getpriority(name) < SETTINGS_PRIORITIES["cmdline"]:
                self.settings.set(name, value, priority="cmdline")
        if len(args) != 1:
            sys.exit(usage_error("parse", "give one URL (http(s):// or file://)"))
        try:
            self.spider_name, self.spider_args = self.spider_for(args[0], opts.spider)
        except ValueError as exc:
            sys.exit(usage_error("parse", str(exc)))
        for pair in opts.spargs:
            name, sep, value = pair.partition("=")
            if not sep:
                sys.exit(usage_error("parse", f"-a {pair}: expected NAME=VALUE"))
            self.spider_args[name] = value

    def spider_for(self, url: str, chosen: str | None) -> tuple[str, dict[str, str]]:
        """The spider that fetches ``url`` and its arguments."""
        parts = urlsplit(url)
        if parts.scheme == "file":
            if chosen not in (None, "files"):
                raise ValueError("a file:// URL is read by the files spider")
            return "files", {"path": unquote(parts.path)}
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{url}: not an http(s):// or file:// URL")
        loader = get_spider_loader(self.settings)
        if chosen:
            if chosen not in loader.list():
                raise ValueError(f"no spider named {chosen!r} (scrapy list names them)")
            return chosen, {"urls": url}
        host = host_of(url)
        for name in loader.list():
            hosts = getattr(loader.load(name), "source_hosts", ())
            if host in hosts:
                return name, {"urls": url}
        raise ValueError(f"no spider fetches {host}; save the page and parse its file:// URL")

    def run(self, args, opts) -> None:
        self.printed = 0
        crawler = self.crawler_process.create_crawler(self.spider_name)
        crawler.signals.connect(self.print_article, signal=signals.item_scraped)
        crawler.signals.connect(self.print_reject, signal=signals.item_dropped)
        self.crawler_process.crawl(crawler, **self.spider_args)
        self.crawler_process.start()
        if not self.printed:
            print("no article and no reject: see the log (-L INFO)", file=sys.stderr)
            self.exitcode = 1

    def print_article(self, item, response, spider) -> None:
        if isinstance(item, Article):
            self._print(ItemAdapter(item).asdict())

    def print_reject(self, item, response, exception, spider) -> None:
        if isinstance(exception, Reject):
            self._print({"rejected": ItemAdapter(exception.rejected).asdict()})

    def _print(self, record: dict) -> None:
        self.printed += 1
        print(json.dumps(record, ensure_ascii=False, indent=2, default=str), flush=True)
