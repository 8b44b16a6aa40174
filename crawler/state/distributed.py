"""Distributed crawls: several ``scrapy crawl`` processes, on any machines,
share one crawl through Redis.

One setting switches it on: ``DISTRIBUTED_REDIS_URL``. The ``DistributedMode``
addon (in ``ADDONS``; crawler/state/mode.py, which a crawl not distributed
loads without scrapy-redis and redis) then points the scheduler, the dupefilter, the
seen-store and the dedup index at that server, so every process started
with the same spider, arguments and URL works on one shared crawl.

The queue is scrapy-redis's, made reliable. Plain scrapy-redis pops a
request off the shared queue and forgets it: a process killed while it
holds the request loses it, and the shared dupefilter then stops anyone
from queuing it again. Here (``ReliableScheduler`` and ``LeasedQueue``):

- popping moves the request's id from the queue into the worker's
  in-flight hash in one Lua script (a lease), so a request is always either
  queued or leased by exactly one worker;
- the worker acknowledges the lease (drops it) when the request's outcome
  is final: the engine is done with it, which is after its callback or
  errback output was consumed, every item of it reached the end of the
  pipeline (exported or dropped), and the requests it yielded were queued.
  Retries and redirects are queued (with a new lease) before the request
  they replace is acknowledged. Once a feed write failed, nothing more is
  acknowledged: the crawl stops (``feed_error``) and puts its leases back;
- every worker keeps a heartbeat key with a TTL (``DISTRIBUTED_WORKER_TTL``)
  and, every ``DISTRIBUTED_POLL_INTERVAL``, puts back on the queue the
  leases of workers whose heartbeat expired (killed, or cut off);
- a worker does not close while the queue has requests or any worker holds
  leases (``DontCloseSpider`` on ``spider_idle``), and closes when both are
  empty; an idle worker puts back on the queue the leases in its in-flight
  hash it does not know of (a pop Redis made but whose reply was lost when
  the server died), which otherwise nobody would ever re-deliver;
- a Redis server that does not answer is waited for (``RedisWatch``,
  crawler/state/outage.py, pauses the engine and closes the crawl
  ``redis_unavailable`` when the outage lasts too long): a request the worker
  could not queue is kept and queued when Redis is back, an acknowledgement
  that failed is made again; at a close during the outage, what could not be
  queued becomes a reject ``unavailable`` (the next run asks again) and the
  leases stay with the worker in Redis, for the next run to re-deliver.

The crawl that finishes clears the queue and dupefilter, so the next run
re-reads the listings, like an embedded run.

Re-delivery means a request may be fetched twice (once by a worker killed
before it acknowledged). Exports stay exactly-once through the shared
seen-store: an article exported is marked before its request is
acknowledged, and a re-delivered article already marked is skipped by the
spider. An article re-delivered before it was exported is exported by the
worker that gets it (the dedup index does not count a page seen again
under the same URL as a duplicate of itself).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import socket
import uuid
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import Base as RedisQueueBase
from scrapy_redis.scheduler import Scheduler as RedisScheduler
from twisted.internet import task

from crawler.items import Rejected
from crawler.output.feeds import FeedExporter
from crawler.pipelines import Reject
from crawler.reasons import Reason
from crawler.state.mode import LEASE, UNFINISHED
from crawler.state.outage import unreachable

logger = logging.getLogger(__name__)

# --- the shared queue ------------------------------------------------------

class JsonRequestCodec:
    """Requests as JSON in Redis (not pickle: a process must not run code
    that whoever can write to the server put there). Bytes (headers, body)
    are tagged base64; any other non-JSON value in a request is an error."""

    @staticmethod
    def dumps(obj: Any) -> str:
        return json.dumps(_to_json(obj), ensure_ascii=False, separators=(",", ":"))

    @staticmethod
    def loads(text: bytes | str) -> Any:
        return json.loads(text, object_hook=_from_json)


def _to_json(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"__bytes__": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {key: _to_json(item) for key, item in value.items()}
        return {"__pairs__": [[_to_json(key), _to_json(item)] for key, item in value.items()]}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_to_json(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"a request queued in Redis holds a {type(value).__name__} ({value!r}): only JSON values"
                    " and bytes can be shared between crawl processes")


def _from_json(obj: dict) -> Any:
    if "__bytes__" in obj and len(obj) == 1:
        return base64.b64decode(obj["__bytes__"])
    if "__pairs__" in obj and len(obj) == 1:
        return {_hashable(key): item for key, item in obj["__pairs__"]}
    return obj


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


# Queue a request unless the shared filter saw its fingerprint (ARGV[3]; ''
# for a follow-up, never filtered), in one round trip. Zero-padded ids sort
# in push order among equal scores: FIFO per priority.
# KEYS: queue, data, id counter, dupefilter. ARGV: request, score, fingerprint.
_PUSH = """
if ARGV[3] ~= '' and redis.call('SADD', KEYS[4], ARGV[3]) == 0 then return 0 end
local id = string.format('%012d', redis.call('INCR', KEYS[3]))
redis.call('HSET', KEYS[2], id, ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[2], id)
return 1
"""

# Pop the first id of the queue (lowest score: highest priority, then oldest)
# into the worker's in-flight hash, in one step. KEYS: queue, data, in-flight.
_POP = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return false end
redis.call('ZREM', KEYS[1], first[1])
local data = redis.call('HGET', KEYS[2], first[1])
if not data then return {first[1], false} end
redis.call('HSET', KEYS[3], first[1], first[2])
return {first[1], data}
"""

# Acknowledge a lease: drop it and its request, but only if this worker
# still holds it (a worker declared dead lost its leases to the queue).
# KEYS: in-flight, data. ARGV: id.
_ACK = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then redis.call('HDEL', KEYS[2], ARGV[1]) return 1 end
return 0
"""

# Put a worker's leases back on the queue and forget the worker, unless its
# heartbeat is alive (ARGV[2] == '1': only a dead worker's).
# KEYS: in-flight, queue, heartbeat, workers. ARGV: worker id, check heartbeat.
_REQUEUE = """
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local held = redis.call('HGETALL', KEYS[1])
for i = 1, #held, 2 do redis.call('ZADD', KEYS[2], held[i + 1], held[i]) end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[4], ARGV[1])
return #held / 2
"""

# Put back on the queue the leases of this worker's in-flight hash that it
# does not know it holds (ARGV: the leases it knows): a pop Redis made whose
# reply was lost (the server killed after it wrote the pop, before it
# answered). Nobody else re-delivers them while the worker is alive.
# KEYS: in-flight, queue. ARGV: the leases the worker holds.
_RECLAIM = """
local known = {}
for _, lease in ipairs(ARGV) do known[lease] = true end
local held = redis.call('HGETALL', KEYS[1])
local count = 0
for i = 1, #held, 2 do
  if not known[held[i]] then
    redis.call('ZADD', KEYS[2], held[i + 1], held[i])
    redis.call('HDEL', KEYS[1], held[i])
    count = count + 1
  end
end
return count
"""


# A worker joins: when no worker is registered and nothing is queued, the last
# crawl is over and this one starts afresh (filter and requests dropped, so
# listings are read again); then its heartbeat. One step, so two workers
# starting together cannot clear what the other already queued.
# KEYS: workers, queue, dupefilter, data, id counter, heartbeat, the crawl's shared
# article budget, blocked hosts and streaks (crawler/state/shared.py). ARGV: worker, TTL ms.
_JOIN = """
local fresh = redis.call('SCARD', KEYS[1]) == 0 and redis.call('ZCARD', KEYS[2]) == 0
if fresh then redis.call('DEL', KEYS[3], KEYS[4], KEYS[5], KEYS[7], KEYS[8], KEYS[9]) end
redis.call('SET', KEYS[6], '1', 'PX', ARGV[2])
redis.call('SADD', KEYS[1], ARGV[1])
return fresh and 1 or 0
"""


class LeasedQueue(RedisQueueBase):
    """A priority queue of requests with leases. Keys under ``key``:
    ``:queue`` (sorted set of ids, score = -priority), ``:data`` (hash id ->
    request JSON), ``:next`` (id counter), ``:workers`` (set of worker ids),
    ``:alive:<worker>`` (heartbeat, expires) and ``:inflight:<worker>``
    (hash id -> score: the worker's leases)."""

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer or JsonRequestCodec)
        self.queue_key, self.data_key = f"{self.key}:queue", f"{self.key}:data"
        self.workers_key = f"{self.key}:workers"
        self.worker = ""
        self._push = server.register_script(_PUSH)
        self._pop = server.register_script(_POP)
        self._ack = server.register_script(_ACK)
        self._requeue = server.register_script(_REQUEUE)
        self._join = server.register_script(_JOIN)
        self._reclaim = server.register_script(_RECLAIM)

    def inflight_key(self, worker: str) -> str:
        return f"{self.key}:inflight:{worker}"

    def alive_key(self, worker: str) -> str:
        return f"{self.key}:alive:{worker}"

    def __len__(self) -> int:
        return self.server.zcard(self.queue_key)

    def push(self, request: Request, fingerprint: str = "", dupefilter_key: str = "") -> bool:
        """Queue ``request``; with a fingerprint, only if the dupefilter set
        ``dupefilter_key`` did not hold it (then it does). Its lease id is
        given at pop time."""
        keys = [self.queue_key, self.data_key, f"{self.key}:next", dupefilter_key or f"{self.key}:unfiltered"]
        return bool(self._push(keys=keys, args=[self._encode_request(request), -request.priority, fingerprint]))

    def pop(self, timeout: int = 0) -> Request | None:
        while True:
            popped = self._pop(keys=[self.queue_key, self.data_key, self.inflight_key(self.worker)])
            if not popped:
                return None
            lease, data = popped
            lease = lease.decode() if isinstance(lease, bytes) else lease
            if not data:
                continue  # an id whose request is gone (a cleared crawl)
            try:
                request = self._decode_request(data)
            except Exception:  # left leased, it would keep every worker waiting for it
                logger.exception("Dropping request %s of the shared queue: it cannot be read", lease)
                self.ack(lease)
                continue
            request.meta[LEASE] = lease
            return request

    def ack(self, lease: str) -> bool:
        return bool(self._ack(keys=[self.inflight_key(self.worker), self.data_key], args=[lease]))

    def join(self, dupefilter_key: str, ttl: float) -> bool:
        """Register this worker; True when it starts a new crawl (see ``_JOIN``)."""
        keys = [self.workers_key, self.queue_key, dupefilter_key, self.data_key, f"{self.key}:next",
                self.alive_key(self.worker), *self.crawl_keys()]
        return bool(self._join(keys=keys, args=[self.worker, int(ttl * 1000)]))

    def heartbeat(self, ttl: float) -> None:
        with self.server.pipeline() as pipe:
            pipe.set(self.alive_key(self.worker), "1", px=int(ttl * 1000))
            pipe.sadd(self.workers_key, self.worker)
            pipe.execute()

    def workers(self) -> list[str]:
        return sorted(w.decode() if isinstance(w, bytes) else w for w in self.server.smembers(self.workers_key))

    def requeue(self, worker: str, only_if_dead: bool = True) -> int:
        """Put ``worker``'s leases back on the queue; -1 if its heartbeat is alive."""
        keys = [self.inflight_key(worker), self.queue_key, self.alive_key(worker), self.workers_key]
        return int(self._requeue(keys=keys, args=[worker, "1" if only_if_dead else "0"]))

    def reclaim(self, known: set[str]) -> int:
        """Put back on the queue this worker's leases other than ``known`` (the
        ones it was told of); how many."""
        return int(self._reclaim(keys=[self.inflight_key(self.worker), self.queue_key], args=sorted(known)))

    def in_flight(self) -> int:
        """Leases held by all registered workers."""
        return sum(self.server.hlen(self.inflight_key(worker)) for worker in self.workers())

    def leave(self) -> None:
        with self.server.pipeline() as pipe:
            pipe.srem(self.workers_key, self.worker)
            pipe.delete(self.alive_key(self.worker))
            pipe.execute()

    def crawl_keys(self) -> list[str]:
        """Keys of the crawl's shared politeness state (``SharedHosts``), cleared with the crawl."""
        return [f"{self.key}:articles", f"{self.key}:blocked", f"{self.key}:streak"]

    def clear(self) -> None:
        self.server.delete(self.queue_key, self.data_key, f"{self.key}:next", *self.crawl_keys())
        # per-unit records of the files spider (crawler/state/units.py): they live as long as the crawl
        for key in self.server.scan_iter(match=f"{self.key}:done:*", count=1000):
            self.server.delete(key)


class SharedDupeFilter(RFPDupeFilter):
    """scrapy-redis's shared request filter, keyed on the article key
    (``meta["seen_key"]``, see ``crawler.fetching.urls.article_key``) when a request
    has one, so one article listed under two URLs is fetched once by the
    whole crawl. It lives as long as the crawl: the scheduler clears it."""

    def request_fingerprint(self, request: Request) -> str:
        key = request.meta.get("seen_key")
        return f"article:{key}" if key else super().request_fingerprint(request)

    def close(self, reason: str = "") -> None:
        pass  # the crawl outlives one process: ReliableScheduler decides when to clear


class ReliableScheduler(RedisScheduler):
    """scrapy-redis's scheduler with leases, heartbeats, re-delivery of a
    dead worker's requests and a close only when the whole crawl is done."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        settings = crawler.settings
        scheduler.crawler = crawler
        scheduler.ttl = settings.getfloat("DISTRIBUTED_WORKER_TTL")
        scheduler.poll = settings.getfloat("DISTRIBUTED_POLL_INTERVAL")
        if not 0 < scheduler.poll * 3 <= scheduler.ttl:
            raise ValueError(
                f"DISTRIBUTED_WORKER_TTL ({scheduler.ttl}) must be at least 3 x DISTRIBUTED_POLL_INTERVAL"
                f" ({scheduler.poll}) > 0: a live worker must refresh its heartbeat before it expires")
        scheduler.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        scheduler.held: set[str] = set()  # leases this worker holds
        scheduler.waiting = False  # idle, kept open by other workers' leases
        scheduler.loop = None
        scheduler.feeds = crawler.get_extension(FeedExporter)
        scheduler.unqueued: list[tuple[Request, str]] = []  # not pushed: Redis did not answer
        scheduler.outage = ""  # the last Redis error, while Redis does not answer
        return scheduler

    def redis(self, call, default=None):
        """``call()``, or ``default`` when Redis does not answer (the outage is
        logged once; ``RedisWatch`` decides how long the crawl waits)."""
        try:
            result = call()
        except Exception as exc:
            if not unreachable(exc):
                raise
            if not self.outage:
                logger.warning("Distributed worker %s: Redis does not answer (%s); waiting", self.worker, exc)
            self.outage = f"{type(exc).__name__}: {exc}"
            return default
        self.outage = ""
        return result

    # --- lifecycle

    def open(self, spider):
        super().open(spider)
        queue: LeasedQueue = self.queue
        queue.worker = self.worker
        self.requeue_dead()
        if queue.join(self.df.key, self.ttl):
            logger.info("Distributed worker %s starts a new crawl of %s", self.worker, spider.name)
        else:
            logger.info("Distributed worker %s joins the crawl of %s: %d requests queued, workers %s",
                        self.worker, spider.name, len(queue), ", ".join(queue.workers()))
        self.crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        self._watch_engine()
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.poll, now=False)

    def _watch_engine(self) -> None:
        """Acknowledge each leased request when the engine lets it go.

        The engine's slot removes a request from its in-progress set once
        its download, callback or errback, items and follow-ups are all
        handled; Scrapy has no signal for that moment, so the slot's
        ``remove_request`` is wrapped (Scrapy 2.19, pinned; the spider-idle
        handler acknowledges anything left should that hook ever change)."""
        slot = self.crawler.engine._slot
        remove_request = slot.remove_request

        def remove_and_ack(request: Request) -> None:
            self.finished(request)
            remove_request(request)

        slot.remove_request = remove_and_ack

    def close(self, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        queue: LeasedQueue = self.queue
        if self.feeds is not None:  # what is done is written and acknowledged; the rest goes back
            self.feeds.flush_buffers()
        self.push_unqueued()
        self.reject_unqueued()
        if reason == "finished" and not self.redis(lambda: len(queue), 1) and not self.redis(queue.in_flight, 1):
            self.df.clear()  # the crawl is complete: the next one starts over
            queue.clear()
        else:
            # unacknowledged = not final: back on the queue, for the others or the next run
            count = self.redis(lambda: queue.requeue(self.worker, only_if_dead=False), -1)
            if count > 0:
                logger.info("Closed (%s) holding %d requests: put back on the shared queue", reason, count)
            elif count < 0 and self.held:
                logger.warning("Closed (%s) while Redis does not answer: the %d requests this worker holds"
                               " stay leased to it, and the next run re-delivers them", reason, len(self.held))
        self.redis(queue.leave)

    def reject_unqueued(self) -> None:
        """Requests Redis never took: rejects ``unavailable`` (nothing marks them: the next run asks again)."""
        for request, _ in self.unqueued:
            rejected = Rejected(fetched_from=request.meta.get("listed_url", request.url), url=request.url,
                                reason=Reason.UNAVAILABLE,
                                detail=f"not queued: Redis did not answer ({self.outage or 'outage'})")
            self.crawler.signals.send_catch_log(signals.item_dropped, item=rejected, response=None,
                                                exception=Reject(rejected), spider=self.spider)
        self.unqueued.clear()

    # --- requests

    def enqueue_request(self, request: Request) -> bool:
        # A retry or redirect carries the lease of the request it replaces,
        # which this worker holds: it must not be filtered as already seen.
        # Anything else goes through the shared filter, dont_filter or not:
        # listings and articles are dont_filter for the embedded JOBDIR
        # filter, which outlives runs; this one lives for one crawl.
        follow_up = request.meta.get(LEASE) in self.held
        fingerprint = "" if follow_up else self.df.request_fingerprint(request)
        pushed = self.redis(lambda: self.queue.push(request, fingerprint, self.df.key))
        if pushed is None:  # kept until Redis answers
            self.unqueued.append((request, fingerprint))
            return True
        if not pushed:
            self.df.log(request, self.spider)
            self.stats.inc_value("distributed/filtered")
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def push_unqueued(self) -> None:
        while self.unqueued:
            request, fingerprint = self.unqueued[0]
            if self.redis(lambda: self.queue.push(request, fingerprint, self.df.key)) is None:
                return
            self.unqueued.pop(0)

    def has_pending_requests(self) -> bool:
        return bool(self.unqueued) or self.redis(lambda: len(self.queue), 0) > 0

    def next_request(self) -> Request | None:
        request = self.redis(self.queue.pop)
        if request is not None:
            self.waiting = False
            self.held.add(request.meta[LEASE])
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def finished(self, request: Request) -> None:
        lease = request.meta.get(LEASE)
        if request.meta.get(UNFINISHED):  # left before its end (stopping): back on the queue at close
            return
        if self.feeds is not None:  # once its items are in the files (a Parquet feed: their row group written)
            self.feeds.when_durable(lambda: self.ack(lease))
        else:
            self.ack(lease)

    def ack(self, lease: str) -> None:
        if lease in self.held and self.may_ack() and self.redis(lambda: self.queue.ack(lease)) is not None:
            self.held.discard(lease)  # else kept, acknowledged when Redis is back (or re-delivered)
            self.stats.inc_value("distributed/acked")

    def may_ack(self) -> bool:
        """Whether what a request yielded reached the feeds: not after a feed write failed."""
        return self.feeds is None or self.feeds.writes()

    # --- liveness

    def tick(self) -> None:
        """Heartbeat, re-delivery of dead workers' leases, and a nudge to the
        engine when other workers queued requests or it waits for them to
        finish (it would look again only every 5 s)."""
        try:
            if self.redis(lambda: self.queue.heartbeat(self.ttl), False) is False:
                return  # Redis does not answer: RedisWatch decides how long to wait
            self.push_unqueued()
            self.requeue_dead()
            slot = self.crawler.engine._slot
            if slot is not None and (self.waiting or self.redis(lambda: len(self.queue), 0)):
                slot.nextcall.schedule()
        except Exception:  # a bug must not stop the loop for good
            logger.exception("Distributed worker %s: heartbeat failed", self.worker)

    def requeue_dead(self) -> None:
        queue: LeasedQueue = self.queue
        for worker in self.redis(queue.workers, []):
            if worker != self.worker and (count := self.redis(lambda: queue.requeue(worker), -1)) >= 0:
                logger.warning("Worker %s stopped its heartbeat: %d of its requests put back on the queue",
                               worker, count)
                self.stats.inc_value("distributed/requeued", count)

    def reclaim_lost(self) -> None:
        """Re-deliver the leases Redis gave this worker without it hearing of
        them (a pop whose reply an outage cut off): left in its in-flight
        hash, they would keep every worker, this one too, waiting for ever."""
        count = self.redis(lambda: self.queue.reclaim(self.held), 0)
        if count:
            logger.warning("Distributed worker %s: %d requests leased to it by a pop whose reply was lost"
                           " put back on the queue", self.worker, count)
            self.stats.inc_value("distributed/reclaimed", count)

    def spider_idle(self, spider) -> None:
        # The engine is idle: whatever this worker popped is handled by now, and
        # written once the feeds write what they buffer.
        if self.feeds is not None:
            self.feeds.flush_buffers()
        for lease in list(self.held) if self.may_ack() else ():
            if self.redis(lambda: self.queue.ack(lease)) is not None:
                self.held.discard(lease)
        self.requeue_dead()
        self.reclaim_lost()
        self.push_unqueued()
        if (self.unqueued or self.held or self.redis(lambda: len(self.queue), 1)
                or self.redis(self.queue.in_flight, 1)):
            self.waiting = True
            raise DontCloseSpider  # others still hold requests, which may yield more (or Redis is away)
