"""What the live spiders (``wechat``, ``sohu``) share: arguments, article
requests, the seen-store check, listing paging, and failures as pages.

A live spider discovers article links (URL lists, feeds, site listings) and
yields each article page as a ``Page`` with the listing's metadata in
``hints``; it never parses an article. Every request that gets no usable
page still yields a ``Page`` carrying the reason (``error``) or the HTTP
status, so it reaches the rejects feed.

Arguments common to both: ``-a urls=FILE_OR_LIST``, ``-a feed=URL[,URL]``,
``-a max_articles=N``, ``-a since=YYYY-MM-DD``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Request, Response

from crawler.fetching.downloader import failure_reason
from crawler.state.incremental import SeenExtension
from crawler.state.shared import SharedHosts
from crawler.items import Page
from crawler.fetching.listings import CHINA_TZ, ListingError, parse_feed, published_before
from crawler.fetching.urls import article_key, clean_url, host_of, load_url_rules, map_host, named_address, netloc_of
from crawler.reasons import Reason

logger = logging.getLogger(__name__)

# Error statuses reach the callbacks (and become rejects with their status)
# instead of being dropped by HttpErrorMiddleware; 3xx still redirect.
ERROR_STATUSES = list(range(400, 600))


def split_arg(value: str | None) -> list[str]:
    """A comma-separated argument as a list (empty items dropped)."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def read_url_list(value: str | None) -> list[str]:
    """``-a urls=``: a file of URLs (one a line, # comments) or a comma-separated list."""
    if not value:
        return []
    path = Path(value).expanduser()
    if path.is_file():
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return split_arg(value)


def parse_max_articles(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise ValueError(f"-a max_articles={value}: expected a whole number >= 0")
    return number


def parse_since(value: str | None) -> datetime | None:
    """``-a since=YYYY-MM-DD``: midnight of that day, China time."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"-a since={value}: expected a date YYYY-MM-DD") from None
    return datetime.combine(day, time(), CHINA_TZ)


class LiveSpider(scrapy.Spider):
    incremental = True  # seen-store and JOBDIR resume guard (crawler.state.incremental)
    source_hosts: tuple[str, ...] = ()  # the site's own hosts
    endpoint_settings: tuple[str, ...] = ()  # settings holding the URL templates it requests
    host_map_setting: str | None = None  # setting mapping hosts to fetch from instead
    # what is missing from the arguments for a crawl (not for `scrapy check`, which
    # gives the callbacks their pages): `scrapy crawl` says it as a usage error
    usage_problem = ""

    def __init__(self, urls: str | None = None, feed: str | None = None,
                 max_articles: str | None = None, since: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.url_list = read_url_list(urls)
        self.feed_urls = [clean_url(url) for url in split_arg(feed)]
        self.max_articles = parse_max_articles(max_articles)
        self.since = parse_since(since)
        self.requested_keys: set[str] = set()  # articles requested by this run
        self.fetched_keys: set[str] = set()  # articles whose page this run yielded
        self.queued: set[str] = set()  # requested, no answer yet (kept in JOBDIR state)
        self.resumed: set[str] = set()  # queued by the paused run: in the JOBDIR queue
        self.requested_count = 0  # article requests of this job (a paused run's included)
        self.budget_logged = False
        self.seen: SeenExtension | None = None  # set in start(): the seen-store, if enabled

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.url_rules = load_url_rules(settings.getlist("URL_KEY_RULES"))
        spider.host_map = settings.getdict(spider.host_map_setting) if spider.host_map_setting else {}
        spider.listing_max_pages = settings.getint("LISTING_MAX_PAGES")
        # "host" or "host:port": the trust is for that port only (netloc_of)
        own = {netloc_of(f"//{host}") for host in [*spider.source_hosts, *spider.host_map.values()]}
        chosen = (  # by the operator
            {netloc_of(f"//{host}") for host in settings.getlist("MIRROR_HOSTS")}
            | {netloc_of(url) for url in spider.feed_urls}
            | {netloc_of(settings.get(name) or "") for name in spider.endpoint_settings}
        )
        spider.trusted_hosts = frozenset(own | chosen) - {""}
        # no address check for the site's own hosts, nor for an address the operator wrote
        # as one (127.0.0.1:1200, localhost:1200: no name whose DNS answer could change)
        spider.unchecked_hosts = frozenset(own | {netloc for netloc in chosen if named_address(netloc)}) - {""}
        return spider

    # --- start

    async def start(self):
        if self.usage_problem:
            raise ValueError(self.usage_problem)
        self.seen = self.crawler.get_extension(SeenExtension)
        state = getattr(self, "state", None)  # JOBDIR only (SpiderState)
        if state is not None:
            self.resumed = set(state.get("queued", ()))
            state["queued"] = self.queued = set(self.resumed)
            self.requested_count = state.get("articles_requested", 0)
            if self.resumed:
                logger.info("Resuming: %d article requests are in the JOBDIR queue", len(self.resumed))
        for url in self.feed_urls:
            yield self.listing_request(url, self.parse_feed, {"page": 1})
        for request in self.start_listings():
            yield request
        for url in self.url_list:
            if (item := self.article_request(url, listed=True)) is not None:
                yield item

    def start_listings(self) -> Iterable[Request]:
        """The site's own listings (albums, author and channel APIs)."""
        return ()

    # --- articles

    def fetch_url(self, url: str) -> str:
        return map_host(clean_url(url), self.host_map)

    def budget_left(self) -> bool:
        """Whether ``-a max_articles`` allows another article request."""
        if self.max_articles is None or self.requested_count < self.max_articles:
            return True
        if not self.budget_logged:
            logger.info("max_articles=%d reached: no more article requests", self.max_articles)
            self.budget_logged = True
        return False

    def shared_budget_left(self, key: str) -> bool:
        """In a distributed crawl, whether ``max_articles`` of the whole crawl allows this article."""
        shared = SharedHosts.of(self.crawler)
        if self.max_articles is None or shared is None or shared.claim_article(key, self.max_articles):
            return True
        self.requested_count = self.max_articles  # no more listing pages either (budget_left)
        return self.budget_left()

    def article_request(self, url: str, hints: dict | None = None, listed: bool = False) -> Request | Page | None:
        """The request of an article page, None when it is not to be fetched
        (already requested, exported before, queued by the paused run, over
        the budget), or a rejected ``Page`` when ``url`` cannot be fetched.

        ``listed``: the link comes from a URL list or a feed, which may point
        at any host (see ``GuardMiddleware``); links from site APIs may not.
        """
        stats = self.crawler.stats
        try:
            url = self.fetch_url(url)
            fetchable = urlsplit(url).scheme.lower() in ("http", "https") and bool(host_of(url))
        except ValueError:  # e.g. a broken IPv6 literal
            fetchable = False
        if not fetchable:
            return Page(url, url, error=Reason.BAD_URL, detail="not an http(s) URL", source_hint=self.name)
        key = article_key(url, self.url_rules)
        if key in self.requested_keys:
            stats.inc_value("articles/listed_twice")
            return None
        self.requested_keys.add(key)
        if self.seen is not None and key in self.seen:
            stats.inc_value("seen/skipped")
            return None
        if key in self.resumed:
            return None
        if not self.budget_left() or not self.shared_budget_left(key):
            return None
        self.queued.add(key)
        self.requested_count += 1
        stats.inc_value("articles/requested")
        if (state := getattr(self, "state", None)) is not None:
            state["articles_requested"] = self.requested_count
        meta = {"seen_key": key, "listed_url": url, "hints": hints or {},
                "handle_httpstatus_list": ERROR_STATUSES}
        if listed:
            meta["listed_host"] = netloc_of(url)
        return Request(url, callback=self.parse_article, errback=self.article_failed,
                       dont_filter=True, meta=meta)

    def parse_article(self, response: Response):
        key = response.meta["seen_key"]
        self.queued.discard(key)
        if key in self.fetched_keys or (self.seen is not None and key in self.seen):
            # a request queued twice (a resumed JOBDIR and a re-read listing)
            self.crawler.stats.inc_value("seen/skipped")
            return
        self.fetched_keys.add(key)
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        page = Page(
            fetched_from=response.meta["listed_url"], url=response.url, body=response.body,
            status=response.status, content_type=content_type, source_hint=self.name,
            hints=response.meta["hints"],
        )
        if rule := response.meta.get("anti_crawl"):
            page.body, page.error = b"", Reason.ANTI_CRAWL
            page.detail = f"verification page ({rule}) at {response.url}"
        yield page

    def article_failed(self, failure):
        request = failure.request
        self.queued.discard(request.meta.get("seen_key"))
        reason, detail = failure_reason(failure.value)
        yield Page(request.meta.get("listed_url", request.url), request.url, error=reason,
                   detail=detail, source_hint=self.name, hints=request.meta.get("hints", {}))

    # --- listings

    def listing_request(self, url: str, callback, cb_kwargs: dict) -> Request:
        """Listings are re-read on every run (``dont_filter``), JOBDIR or not."""
        return Request(url, callback=callback, errback=self.listing_failed, dont_filter=True,
                       cb_kwargs=cb_kwargs, priority=1,
                       meta={"listing": True, "handle_httpstatus_list": ERROR_STATUSES})

    def listing_problem(self, response: Response) -> Page | None:
        """A ``Page`` rejecting a listing response that is no listing."""
        self.crawler.stats.inc_value("listing/pages")
        if rule := response.meta.get("anti_crawl"):
            return Page(response.url, response.url, error=Reason.ANTI_CRAWL, source_hint=self.name,
                        detail=f"verification page ({rule}) instead of a listing")
        if response.status >= 400:
            return Page(response.url, response.url, status=response.status, source_hint=self.name,
                        detail="listing")
        return None

    def listing_failed(self, failure):
        request = failure.request
        reason, detail = failure_reason(failure.value)
        logger.warning("Listing %s failed: %s (%s)", request.url, reason, detail)
        yield Page(request.url, request.url, error=reason, detail=f"listing: {detail}", source_hint=self.name)

    def follow_listing(self, response: Response, parse, page: int, listed: bool = False,
                       newest_first: bool = False):
        """Yield what a listing page gives (article requests, or a ``Page``
        rejecting the listing); return whether to read its next page and
        what else ``parse(response) -> (entries, extra)`` found (a cursor).

        Not the next page when this one failed, had no entry, or was page
        ``LISTING_MAX_PAGES``, when the budget is spent, nor, for a listing
        sorted newest first, when the whole page is older than ``since``.
        ``listed``: entries may point at any host (feeds), see ``article_request``.
        """
        if (problem := self.listing_problem(response)) is not None:
            yield problem
            return False, None
        try:
            entries, extra = parse(response)
        except ListingError as exc:
            logger.warning("Unreadable listing %s: %s", response.url, exc)
            yield Page(response.url, response.url, status=response.status, error=Reason.LISTING_ERROR,
                       detail=str(exc), source_hint=self.name)
            return False, None
        stats = self.crawler.stats
        stats.inc_value("listing/entries", len(entries))
        too_old = 0
        for entry in entries:
            if published_before(entry, self.since):
                too_old += 1
            elif (item := self.article_request(entry.url, entry.hints(), listed=listed)) is not None:
                yield item
        stats.inc_value("listing/too_old", too_old)
        more = (bool(entries) and page < self.listing_max_pages and self.budget_left()
                and not (newest_first and too_old == len(entries)))
        return more, extra

    def parse_feed(self, response: Response, page: int):
        more, next_url = yield from self.follow_listing(
            response, lambda r: parse_feed(r.body, r.url), page, listed=True)
        if more and next_url:
            yield self.listing_request(next_url, self.parse_feed, {"page": page + 1})

    def closed(self, reason: str) -> None:
        stats = self.crawler.stats
        unanswered = 0 if reason == "finished" else len(self.queued)
        if reason == "finished":
            self.queued.clear()  # nothing can be pending once the crawl finished
        logger.info(
            "Closed (%s): %d article requests, %d skipped as exported before%s",
            reason, stats.get_value("articles/requested", 0), stats.get_value("seen/skipped", 0),
            f"; {unanswered} not answered yet: not marked exported, so asked again by the next run"
            " (or the JOBDIR resume)" if unanswered else "",
        )

