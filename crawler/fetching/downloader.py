"""Downloader components of the live spiders: safety, anti-crawl, retries.

- ``GuardMiddleware``: a request goes only to the spider's trusted hosts
  (source hosts, hosts of the endpoint settings, ``MIRROR_HOSTS``, hosts of
  ``-a feed=`` URLs) or to the host of the link a list or feed gave
  (``listed_host`` in meta; a redirect from it to another host is refused);
  every host but the site's own must resolve to a public address unless
  ``ALLOW_PRIVATE_ADDRESSES``, feeds, mirrors and endpoints included, except
  an address the operator wrote as one (``127.0.0.1:1200``, ``localhost:1200``).
  Trust is for a host and port (``netloc_of``): a feed at ``127.0.0.1:1200``
  does not make ``127.0.0.1:6379`` trusted, so a link there gets the
  address check like any other.
- ``AntiCrawlWatch`` (an extension) with ``GuardedDownloadHandler`` (the
  HTTP handler): each response is checked for a verification page
  (``crawler.fetching.anticrawl``) as it arrives, marked in
  ``request.meta["anti_crawl"]``; after ``ANTI_CRAWL_MAX_IN_ROW`` of them in
  a row from one host, the host is blocked (its requests, those already
  waiting in its download slot included, are refused: reject ``host_blocked``)
  and, with ``ANTI_CRAWL_CLOSE_SPIDER``, the crawl stops: every request still
  queued is refused without being sent (``host_blocked``, or ``crawl_stopped``
  for other hosts), so each is recorded as a reject, and the spider closes
  (``anti_crawl_blocked``) when nothing is left.
- ``BackoffRetryMiddleware``: Scrapy's retries, with the host's download slot
  held for ``Retry-After`` or an exponential backoff before the next request.
- ``RobotsTxtMiddleware``: Scrapy's, fixed so that no request waiting for a
  host's robots.txt goes out unchecked.
- ``Downloader``: Scrapy's, fixed so that a slot's concurrency
  (``CONCURRENT_REQUESTS_PER_DOMAIN``) holds at zero download delay.

A refused request fails with ``Refused``, whose ``reason`` becomes the
reject reason of the page (see ``failure_reason``).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections import Counter
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.core.downloader import Downloader as ScrapyDownloader
from scrapy.core.downloader import Slot
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    CloseSpider,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotSupported,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
)
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import error as twisted_error
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThread

from crawler.errors import Rejection
from crawler.fetching.anticrawl import Detector, load_rules
from crawler.fetching.urls import host_of, ip_literal, is_public_address, netloc_of
from crawler.runtime.scrapy_internals import DecompressionMaxSizeExceeded, schedule_coro
from crawler.state.shared import SharedHosts
from crawler.reasons import Reason

logger = logging.getLogger(__name__)

ANTI_CRAWL_CLOSE_REASON = "anti_crawl_blocked"


class Refused(IgnoreRequest, Rejection):
    """A request the crawler chose not to send: a ``Rejection`` (reason and
    detail) that Scrapy drops as an ``IgnoreRequest``."""


# Failures of a download -> reject reason, most specific first.
_FAILURE_REASONS: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
    (DownloadCancelledError, Reason.TOO_LARGE),  # DOWNLOAD_MAXSIZE exceeded
    ((DownloadTimeoutError, twisted_error.TimeoutError), Reason.TIMEOUT),
    ((CannotResolveHostError, twisted_error.DNSLookupError), Reason.DNS_ERROR),
    (ResponseDataLossError, Reason.TRUNCATED),
    ((DownloadConnectionRefusedError, DownloadFailedError, twisted_error.ConnectError,
      twisted_error.ConnectionLost, twisted_error.ConnectionDone), Reason.CONNECTION_ERROR),
    ((UnsupportedURLSchemeError, NotSupported), Reason.UNSUPPORTED),
)


def failure_reason(exc: BaseException) -> tuple[str, str]:
    """(reject reason, detail) of a request that got no response."""
    if isinstance(exc, Rejection):
        return exc.reason, exc.detail
    if isinstance(exc, IgnoreRequest) and "robots.txt" in str(exc):
        return Reason.ROBOTS_DISALLOWED, "forbidden by robots.txt"
    if isinstance(exc, IgnoreRequest) and isinstance(exc.__cause__, DecompressionMaxSizeExceeded):
        # Scrapy 2.19's HttpCompressionMiddleware: a body over DOWNLOAD_MAXSIZE once
        # inflated (a gzip bomb) is an IgnoreRequest raised from this private error
        return Reason.TOO_LARGE, str(exc)
    for types, reason in _FAILURE_REASONS:
        if isinstance(exc, types):
            return reason, f"{type(exc).__name__}: {exc}".rstrip(": ")
    return Reason.DOWNLOAD_ERROR, f"{type(exc).__name__}: {exc}".rstrip(": ")


def _is_robots_request(request: Request) -> bool:
    return bool(request.meta.get("dont_obey_robotstxt")) and urlsplit(request.url).path == "/robots.txt"


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with every request that waits for a
    host's robots.txt getting its rules.

    Scrapy 2.19 awaits the host's pending Deferred from each waiting request;
    its result goes to the first waiter only, the others get None, which
    means "no robots.txt": they are sent unchecked. Here each waiter gets a
    Deferred of its own, fed by the pending one.
    """

    async def robot_parser(self, request: Request):
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        mine: Deferred = Deferred()

        def pass_on(result):
            mine.callback(result)
            return result

        pending.addCallback(pass_on)
        return await maybe_deferred_to_future(mine)


async def _getaddrinfo(host: str) -> list:
    """Every address of ``host``, resolved off the reactor thread."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # a non-asyncio Twisted reactor
        return await deferToThread(socket.getaddrinfo, host, None)
    return await loop.getaddrinfo(host, None)


class GuardMiddleware:
    """Off-site and private-address refusal (see the module docstring)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.allow_private = crawler.settings.getbool("ALLOW_PRIVATE_ADDRESSES")
        self.addresses: dict[str, str | Refused] = {}  # host -> checked address or refusal

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request: Request):
        trusted = getattr(self.crawler.spider, "trusted_hosts", None)
        if trusted is None:  # not a live spider
            return None
        if request.meta.get("local_sample") and request.url.startswith("file:"):
            return None  # a saved page a `scrapy check` contract hands a callback (crawler/spiders/contracts.py)
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise self._refuse(Refused(Reason.UNSUPPORTED, f"scheme {parts.scheme!r} is not fetched"))
        host, netloc = host_of(request.url), netloc_of(request.url)
        # robots.txt of a host about to be asked: it may redirect elsewhere
        # (crawlers follow that), but never to a private address
        if (not _is_robots_request(request) and netloc not in trusted
                and netloc != request.meta.get("listed_host")):
            raise self._refuse(Refused(
                Reason.OFF_SITE, f"{netloc} is not a source host, a mirror, or the host of a listed link"))
        if self.allow_private or netloc in getattr(self.crawler.spider, "unchecked_hosts", trusted):
            return None
        if host not in self.addresses:
            self.addresses[host] = await self._check_address(host)
        verdict = self.addresses[host]
        if isinstance(verdict, Refused):
            raise self._refuse(verdict)
        return None

    def _refuse(self, refused: Refused) -> Refused:
        self.crawler.stats.inc_value(f"guard/refused/{refused.reason}")
        return refused

    async def _check_address(self, host: str) -> str | Refused:
        """The address(es) ``host`` resolves to, all of which must be public."""
        literal = ip_literal(host)
        if literal is not None:
            addresses = [literal]
        else:
            try:
                infos = await _getaddrinfo(host)
            except OSError as exc:
                return Refused(Reason.DNS_ERROR, f"cannot resolve {host}: {exc}")
            addresses = sorted({info[4][0] for info in infos})
        for address in addresses:
            if not is_public_address(address):
                where = "is" if address == literal else f"resolves to {address},"
                return Refused(
                    Reason.UNSAFE_ADDRESS,
                    f"{host} {where} a private, loopback or link-local address"
                    " (ALLOW_PRIVATE_ADDRESSES allows it)")
        return addresses[0]


class AntiCrawlWatch:
    """Recognise verification pages; stop asking a host that keeps serving them.

    An extension, called by ``GuardedDownloadHandler`` on every response as it
    arrives: before the host's download slot sends its next request, so that
    request is refused if this response blocked the host.
    """

    def __init__(self, crawler, detector: Detector, max_in_row: int, close_spider: bool):
        self.crawler = crawler
        self.detector = detector
        self.max_in_row = max_in_row
        self.close_spider = close_spider
        self.in_row: Counter[str] = Counter()
        self.blocked: dict[str, str] = {}  # host -> why
        self.stopping = ""  # why the crawl stops, once a host is blocked and close_spider

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        detector = Detector(load_rules(settings.getlist("ANTI_CRAWL_RULES")))
        watch = cls(crawler, detector, settings.getint("ANTI_CRAWL_MAX_IN_ROW"),
                    settings.getbool("ANTI_CRAWL_CLOSE_SPIDER"))
        crawler.signals.connect(watch.spider_idle, signal=signals.spider_idle)
        return watch

    def inspect(self, request: Request, response) -> None:
        """Mark a verification page in ``request.meta["anti_crawl"]`` (its rule)
        and count it; a real page (2xx) ends its host's streak. A robots.txt
        answer is no page: in a distributed crawl, another process's robots.txt
        arriving between two verification pages would end the shared streak."""
        if _is_robots_request(request):
            return
        # the host asked, even when it redirected to a verification page elsewhere
        host = host_of((request.meta.get("redirect_urls") or [request.url])[0])
        encoding = response.headers.get(b"Content-Encoding", b"").decode("latin-1")
        rule = self.detector.match(response.url, response.body, encoding)
        shared = SharedHosts.of(self.crawler)  # a distributed crawl: one streak for all its processes
        if rule is None:
            if 200 <= response.status < 300:
                self.in_row[host] = 0
                if shared is not None:
                    shared.streak(host, verification=False)
            return
        request.meta["anti_crawl"] = rule
        self.crawler.stats.inc_value("anti_crawl/pages")
        self.in_row[host] = self.in_row[host] + 1 if shared is None else shared.streak(host, verification=True)
        if self.max_in_row and self.in_row[host] >= self.max_in_row and host not in self.blocked:
            self.block(host, rule)

    def block(self, host: str, rule: str, why: str = "") -> None:
        """Ask ``host`` no more (``why``: another process of a distributed crawl blocked it)."""
        self.blocked[host] = why or f"{self.in_row[host]} verification pages in a row (last: {rule})"
        if not why and (shared := SharedHosts.of(self.crawler)) is not None:
            shared.block(host, self.blocked[host])
        self.crawler.stats.inc_value("anti_crawl/blocked_hosts")
        logger.error(
            "Anti-crawl: %s served %s; no more requests to it%s",
            host, self.blocked[host], ", closing the spider" if self.close_spider else "",
        )
        if self.close_spider and not self.stopping:
            # closing now would drop the queued requests unrecorded: they are
            # refused one by one instead (no network), then the spider closes
            self.stopping = f"{host} served {self.blocked[host]}"

    def refusal(self, url: str) -> Refused | None:
        """``Refused`` for a request to a blocked host, or any request once the
        crawl is stopping; else None."""
        host = host_of(url)
        shared = SharedHosts.of(self.crawler)
        if host not in self.blocked and shared is not None and (why := shared.blocked(host)):
            self.block(host, "", why)
        if host in self.blocked:
            return Refused(Reason.HOST_BLOCKED, f"not requested: {host} served {self.blocked[host]}")
        if self.stopping:
            return Refused(Reason.CRAWL_STOPPED, f"not requested: the crawl stopped because {self.stopping}")
        return None

    def spider_idle(self, spider) -> None:
        shared = SharedHosts.of(self.crawler)
        if not self.stopping and self.close_spider and shared is not None and (hosts := shared.blocked_hosts()):
            # another process of the distributed crawl blocked a host and stops: so does this one
            self.stopping = f"{', '.join(hosts)} served verification pages (blocked by another process)"
        if self.stopping:
            raise CloseSpider(ANTI_CRAWL_CLOSE_REASON)


class GuardedDownloadHandler(HTTP11DownloadHandler):
    """HTTP(S) downloads watched by ``AntiCrawlWatch``: a request to a blocked
    host is refused at the last moment (requests already waiting in the host's
    download slot included), and each response is inspected as it arrives."""

    async def download_request(self, request: Request):
        watch = self._crawler.get_extension(AntiCrawlWatch)
        self._refuse_if_blocked(watch, request)
        # a distributed crawl: the host's turn among all its processes (crawler/state/shared.py)
        shared = SharedHosts.of(self._crawler)
        token = await shared.turn(request.url) if shared is not None else None
        try:
            if token is not None:
                self._refuse_if_blocked(watch, request)  # blocked while this one waited for its turn
            response = await super().download_request(request)
            if watch is not None:  # before the turn is given back: the next one sees a block
                watch.inspect(request, response)
            return response
        finally:
            if token is not None:
                shared.done(request.url, token)

    def _refuse_if_blocked(self, watch: AntiCrawlWatch | None, request: Request) -> None:
        if watch is None or (refused := watch.refusal(request.url)) is None:
            return
        # nothing was sent: let the next queued request go without the download delay
        slot = self._crawler.engine.downloader.slots.get(request.meta.get("download_slot"))
        if slot is not None:
            slot.lastseen = 0
        self._crawler.stats.inc_value("anti_crawl/not_requested")
        raise refused


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds asked by a ``Retry-After`` header (delay or HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isascii() and text.isdigit():  # "²" is a digit to str.isdigit, not to float()
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Retries (429, 5xx, network errors) that wait before asking the host again.

    The wait is the response's ``Retry-After`` (capped at ``RETRY_AFTER_MAX``;
    longer and the request is not retried, nor its host held: it is rejected
    and a later run retries it), else ``RETRY_BACKOFF_BASE * 2**retries`` capped at
    ``RETRY_BACKOFF_MAX``. It holds the host's download slot, so no request
    goes to that host meanwhile; the slot's own delay comes back with the
    next good response.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE")
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX")
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX")
        self.held: dict[str, tuple[float, float]] = {}  # slot key -> its (delay, jitter)

    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        # response_downloaded comes before the slot sends its next request,
        # process_response after: holding the slot must happen here
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    def backoff(self, request: Request) -> float:
        return min(self.backoff_max, self.backoff_base * 2 ** request.meta.get("retry_times", 0))

    def response_downloaded(self, response, request, spider) -> None:
        key = request.meta.get("download_slot")
        if response.status in self.retry_http_codes and not request.meta.get("dont_retry"):
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            if asked is not None and asked > self.retry_after_max:
                return  # rejected now (process_response), for a later run: nothing to wait for
            self.hold(request, self.backoff(request) if asked is None else asked)
        elif key in self.held:
            self.release(key)

    def process_response(self, request, response):
        if response.status in self.retry_http_codes and not request.meta.get("dont_retry"):
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            if asked is not None and asked > self.retry_after_max:
                self.crawler.stats.inc_value("retry/retry_after_too_long")
                logger.warning("Not retrying %s: Retry-After %.0f s > RETRY_AFTER_MAX", request, asked)
                return response
        return super().process_response(request, response)

    def process_exception(self, request, exception):
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            self.hold(request, self.backoff(request))
        return result

    def hold(self, request: Request, wait: float) -> None:
        """No request to the request's host for ``wait`` seconds (from any
        process of a distributed crawl: ``SharedHosts``)."""
        if wait > 0 and (shared := SharedHosts.of(self.crawler)) is not None:
            shared.hold(request.url, wait)
        key = request.meta.get("download_slot")
        slot = self.crawler.engine.downloader.slots.get(key) if key else None
        if slot is None or wait <= 0:
            return
        delay, jitter = self.held.setdefault(key, (slot.delay, slot.jitter))
        slot.delay, slot.jitter = max(wait, delay), 0
        slot.lastseen = time.monotonic()
        self.crawler.stats.inc_value("retry/host_held")

    def release(self, key: str) -> None:
        delay, jitter = self.held.pop(key)
        slot = self.crawler.engine.downloader.slots.get(key)
        if slot is not None:
            slot.delay, slot.jitter = delay, jitter


class Downloader(ScrapyDownloader):
    """Scrapy's downloader, with each slot's concurrency kept at zero delay.

    Scrapy 2.19 counts a request as transferring only when the task that
    downloads it starts, after the loop that fills the slot: at zero delay
    that loop sent a host's whole queue at once (up to ``CONCURRENT_REQUESTS``),
    whatever ``CONCURRENT_REQUESTS_PER_DOMAIN`` said, and the connections
    beyond the pool's one per host were closed after each use (a new
    connection for nearly every request). Here a request counts as soon as
    it leaves the queue; with a delay, Scrapy's loop sends one at a time anyway.
    """

    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall or slot.download_delay():
            return super()._process_queue(slot)
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = time.monotonic()
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # counted now; ``_download`` adds it again (a set) and removes it
            schedule_coro(self._wait_for_download(slot, request, queue_dfd))
