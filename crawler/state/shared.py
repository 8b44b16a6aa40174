"""Politeness shared by the processes of a distributed crawl, through Redis.

Each process of a distributed crawl has its own download slots, so without
this N processes ask a host N times as often. ``SharedHosts`` (an extension,
on in the distributed mode only) keeps in Redis, per host and port:

- the earliest time the next request may go (``DOWNLOAD_DELAY`` after the
  last one sent by any process, or later while a ``Retry-After`` or a
  back-off holds the host);
- the requests in flight (at most ``CONCURRENT_REQUESTS_PER_DOMAIN`` across
  all processes; a token expires after ``DOWNLOAD_TIMEOUT`` plus a minute,
  should its process die holding it);

and, per crawl, the article requests counted against ``-a max_articles``
(one set: each article counted once, whichever process lists it) and the
hosts' streaks of verification pages in a row and the hosts blocked for
serving them (every process stops asking a host any of them blocked). The download handler
(``crawler.fetching.downloader.GuardedDownloadHandler``) takes the host's turn
as the request leaves, after the process's own download slot let it go, and
gives it back with the response. A Redis that does not answer leaves each process to its own
politeness (``RedisWatch`` pauses the crawl meanwhile); a turn it could not
give back then is given back before the process's next turn.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from scrapy.exceptions import NotConfigured

from crawler.fetching.urls import netloc_of
from crawler.state.outage import unreachable

logger = logging.getLogger(__name__)

POLL = 0.02  # seconds between tries while a host's requests in flight are at the limit

# A host's turn. KEYS: next-time key, in-flight sorted set. ARGV: delay ms, limit, token, token lifetime ms.
# Returns 0 (go), the ms to wait for the delay, or -1 (at the limit of requests in flight).
_TURN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local next = tonumber(redis.call('GET', KEYS[1]) or '0')
if next > now then return next - now end
if tonumber(ARGV[2]) > 0 and redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return -1 end
redis.call('SET', KEYS[1], now + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[3])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]))
return 0
"""

# Hold a host: its next request not before now + ARGV[1] ms. KEYS: next-time key.
_HOLD = """
local t = redis.call('TIME')
local until_ = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
if until_ > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 60000)
end
"""

# Count an article against the budget. KEYS: the set of counted articles. ARGV: key, budget.
# 1: counted (or counted before); 0: the budget is spent.
_CLAIM = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
return 1
"""


class SharedHosts:
    def __init__(self, crawler, client, prefix: str):
        settings = crawler.settings
        self.crawler = crawler
        self.client = client
        self.prefix = prefix  # <DISTRIBUTED_PREFIX>:<spider>
        self.delay_ms = int(settings.getfloat("DOWNLOAD_DELAY") * 1000)
        self.limit = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        self.token_ms = int((settings.getfloat("DOWNLOAD_TIMEOUT") + 60) * 1000)
        self._turn = client.register_script(_TURN)
        self._hold = client.register_script(_HOLD)
        self._claim = client.register_script(_CLAIM)
        self.warned = False
        self.unreleased: dict[str, set[str]] = {}  # busy key -> tokens Redis did not take back yet

    @staticmethod
    def of(crawler) -> SharedHosts | None:
        """The crawl's ``SharedHosts``, None outside the distributed mode (looked up once)."""
        if not hasattr(crawler, "_shared_hosts"):
            get_extension = getattr(crawler, "get_extension", None)  # None: a stand-in crawler of a test
            crawler._shared_hosts = get_extension(SharedHosts) if get_extension else None
        return crawler._shared_hosts

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        url = settings.get("DISTRIBUTED_REDIS_URL")
        if not url:
            raise NotConfigured  # not a distributed crawl (no message: no warning in the log)
        import redis

        prefix = f"{settings.get('DISTRIBUTED_PREFIX') or 'crawl'}:{crawler.spidercls.name}"
        return cls(crawler, redis.Redis.from_url(url), prefix)

    def _host(self, netloc: str) -> tuple[str, str]:
        return f"{self.prefix}:host:{netloc}:next", f"{self.prefix}:host:{netloc}:busy"

    def _call(self, call, default):
        try:
            return call()
        except Exception as exc:
            if not unreachable(exc):
                raise
            if not self.warned:
                logger.warning("Shared politeness: Redis does not answer (%s); this process's own applies", exc)
                self.warned = True
            return default

    async def turn(self, url: str) -> str | None:
        """Wait for the host's turn; the token to give back with ``done``."""
        token = uuid.uuid4().hex
        keys = self._host(netloc_of(url))
        while True:
            self._release()
            wait = self._call(lambda: self._turn(keys=keys, args=[self.delay_ms, self.limit, token, self.token_ms]), 0)
            if wait == 0:
                return token
            self.crawler.stats.inc_value("shared/waits")
            await asyncio.sleep(POLL if wait < 0 else wait / 1000)

    def done(self, url: str, token: str) -> None:
        """Give the host's turn back; while Redis does not answer, kept and given
        back at the next turn (else the token held the host for its whole
        lifetime, ``DOWNLOAD_TIMEOUT`` plus a minute, for every process)."""
        self.unreleased.setdefault(self._host(netloc_of(url))[1], set()).add(token)
        self._release()

    def _release(self) -> None:
        for key, tokens in list(self.unreleased.items()):
            if self._call(lambda: self.client.zrem(key, *tokens), None) is None:  # noqa: B023 - called at once
                return
            del self.unreleased[key]

    def hold(self, url: str, seconds: float) -> None:
        """No request to the host, from any process, for ``seconds``."""
        self._call(lambda: self._hold(keys=[self._host(netloc_of(url))[0]], args=[int(seconds * 1000)]), None)

    def claim_article(self, key: str, budget: int) -> bool:
        """Whether the crawl's ``max_articles`` allows this article's request."""
        return bool(self._call(lambda: self._claim(keys=[f"{self.prefix}:articles"], args=[key, budget]), 1))

    def block(self, host: str, why: str) -> None:
        self._call(lambda: self.client.hset(f"{self.prefix}:blocked", host, why), None)

    def streak(self, host: str, verification: bool) -> int:
        """The host's verification pages in a row, across processes, after this response."""
        key = f"{self.prefix}:streak"
        if verification:
            return int(self._call(lambda: self.client.hincrby(key, host, 1), 1))
        self._call(lambda: self.client.hdel(key, host), None)
        return 0

    def blocked_hosts(self) -> list[str]:
        hosts = self._call(lambda: self.client.hkeys(f"{self.prefix}:blocked"), [])
        return sorted(host.decode() if isinstance(host, bytes) else host for host in hosts)

    def blocked(self, host: str) -> str | None:
        """Why another process blocked ``host``, or None."""
        why = self._call(lambda: self.client.hget(f"{self.prefix}:blocked", host), None)
        return why.decode() if isinstance(why, bytes) else why
