"""The chain's CPU-bound work in worker processes, off the reactor thread.

Scrapy runs item pipelines on the reactor thread, which also drives every
download: a millisecond spent parsing a page is a millisecond no request
moves. ``OffloadPipeline`` (first in the chain, ``PIPELINE_WORKERS`` > 0)
sends each ``Page`` to a worker process, which runs the stages that follow
in the chain there, in order, each one built from the crawl's settings (a
worker says first whether it could build them; one that could not stops the
crawl before the spider opens, with the error); the
item comes back with a ``Record`` of what each stage did. Then every stage
on the reactor, reached in its turn, replays its part instead of doing the
work again (``offloadable``): it counts the stats the worker recorded for
it, raises the reject or error the worker met in it, or runs the part of it
that needs state only the crawl process holds (``commit``).

The contract is written down in crawler/pipelines/stage.py (``Stage``,
``Split``, ``Idle``, ``WorkerCrawler``) and checked when the workers start.
A stage takes part by decorating ``process_item`` with ``offloadable``; it
must then depend only on the item, its settings and state shared between
processes (the dedup index on disk or in Redis). A stage whose state only
the crawl process holds (the dedup index in memory) says so with
``commits_in_crawl`` and splits its work in ``prepare(item) -> (item,
state)``, pure, run by the worker, and ``commit(item, state)``, run on the
reactor. When the workers run every stage after
``OffloadPipeline``, Scrapy's item pipeline calls ``OffloadPipeline`` alone
(``_take_chain``): it replays the stats of an item that went through them all
itself, and hands any other to the stages in their order. The worker stops
before the first stage not offloadable: that stage and those after it run
on the reactor as before. Stages after a ``commit`` run in the worker before
that commit happened; they must not read what it sets (``duplicate_of``).
A stage may define ``idle()``: the worker calls it when no item has come for
``IDLE_AFTER`` seconds (the dedup stage then commits the index checks it
batches; a crawl fetching one page at a time would otherwise commit nearly
every check alone), and after the checks of a batch (``_run_batch``).
If the commit rejects the item, what they recorded is never replayed, so
stats and rejects are those of the chain on the reactor. Single items waiting
in a worker's inbox are run together, stage by stage (``_gather``), and answered
one by one. Log records of the
worker's stages are replayed in the crawl's log. When a worker dies, the
item it was working on (maybe what killed it) fails with ``WorkerDied``
(reject ``error``) and a new worker takes the items it had not started (those
it may have been running together with it: each alone, so that only the one
that kills a worker fails).
Items in flight are bounded by Scrapy's scraper slot (``SCRAPER_SLOT_MAX_ACTIVE_SIZE``):
a response stays active until its items are through the chain.

Batches: when the workers run every stage of the chain, the files spider hands
a unit's records to ``run_records`` instead of yielding them: ``BATCH_RECORDS``
a message, ``2 x PIPELINE_WORKERS`` batches at the workers at once, each taken
back in order and finished as Scrapy's scraper finishes an item (the stages'
replay, then the log line and signal of its outcome), without the per-item
work of Scrapy's callback output and item pipeline.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import pickle
import queue
import socket
import struct
import threading
import traceback
from collections import deque
from types import SimpleNamespace
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.settings import Settings
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.log import logformatter_adapter
from scrapy.utils.reactor import is_asyncio_reactor_installed, is_reactor_installed
from twisted.python.failure import Failure

from crawler.fetching.corpus import Undecoded, limits_from
from crawler.items import Page, Rejected
from crawler.output.feeds import FEED_LINE, feed_line
from crawler.pipelines import PLAIN_COLLECTORS, PageRejected, store_failure
from crawler.pipelines.stage import Idle, Split, Stage, is_offloadable, problems
from crawler.reasons import Reason
from crawler.runtime.budget import OverBudget, PageBudget
from crawler.runtime.gctuning import tune_gc
from crawler.runtime.signals import Sender

logger = logging.getLogger(__name__)

_RECORD = "_offload_record"  # attribute of an item carrying its Record on the reactor
_PIPELINE = "_offload_pipeline"  # attribute of the crawler holding its OffloadPipeline, once built
# what a worker's stages may read of ``crawler.spider`` (the dedup stage: ``incremental``)
SPIDER_FACTS = ("name", "incremental")


@dataclass
class Record:
    """What the worker's stages did to one item, per stage class name."""

    # per stage: its inc_value totals by key (one call each when replayed, however often the
    # stage counted), and its other stats calls in order
    stats: dict[str, tuple[dict[str, Any], list[tuple[str, str, Any]]]] = field(default_factory=dict)
    states: dict[str, Any] = field(default_factory=dict)
    failed: str | None = None  # the stage that raised ``error``
    error: BaseException | None = None
    last: str = ""  # the last stage the worker ran
    logs: list[logging.LogRecord] = field(default_factory=list)
    line: bytes | None = None  # the item's JSON line for the feeds (``feed_line``), when it went through


def runs_in_worker(crawler, stage: type) -> bool:
    """Whether the crawl's pipeline workers run ``stage``: in the crawl process
    it then only replays their records, and need not build what the work needs."""
    pipeline = getattr(crawler, _PIPELINE, None)
    return pipeline is not None and f"{stage.__module__}.{stage.__qualname__}" in pipeline.paths


def offloadable(process_item):
    """Marks a stage's ``process_item`` as safe to run in a worker, and
    replays the worker's record on the reactor when the item carries one."""

    @functools.wraps(process_item)
    def wrapper(self, item):
        record = getattr(item, _RECORD, None)
        name = type(self).__name__
        if record is None or name not in record.stats:
            return process_item(self, item)
        replay_stats(self.stats, *record.stats[name])
        if name == record.last or record.failed == name:
            delattr(item, _RECORD)  # the feeds never see it
        if record.failed == name:
            raise record.error
        if name in record.states:
            try:
                self.commit(item, record.states[name])
            except BaseException:
                if hasattr(item, _RECORD):
                    delattr(item, _RECORD)  # what later stages did in the worker never happened
                raise
        return item

    wrapper.offloadable = True
    return wrapper


def replay_stats(stats, counts: dict[str, Any], calls: list[tuple[str, str, Any]]) -> None:
    """A stage's stats as a worker recorded them (``_StatsRecorder``), on ``stats``."""
    add_counts(stats, counts)
    for method, key, value in calls:
        getattr(stats, method)(key, value)


def add_counts(stats, counts: dict[str, Any]) -> None:
    """``stats.inc_value(key, count)`` for each of ``counts``. Scrapy's own
    collectors wrap every call in a check of a deprecated ``spider`` argument
    (~1.8 µs a call, dozens an article): for them the totals go straight
    into the dict their ``inc_value`` updates; any other collector (Redis...)
    gets its calls."""
    if type(stats) in PLAIN_COLLECTORS:
        values = stats._stats
        for key, count in counts.items():
            values[key] = values.get(key, 0) + count
        return
    inc_value = stats.inc_value
    for key, count in counts.items():
        inc_value(key, count)



class _StatsRecorder:
    """Stands for the crawl's stats collector in a worker: totals the
    ``inc_value`` calls per key, records the others in order."""

    def __init__(self):
        self.counts: dict[str, Any] = {}
        self.calls: list[tuple[str, str, Any]] = []

    def inc_value(self, key, count=1, *args, **kwargs):
        self.counts[key] = self.counts.get(key, 0) + count

    def _record(method):  # noqa: N805 - builds the recording methods below
        def call(self, key, value=1, *args, **kwargs):
            self.calls.append((method, key, value))
        return call

    set_value = _record("set_value")
    max_value = _record("max_value")
    min_value = _record("min_value")

    def get_value(self, key, default=None, *args, **kwargs):
        return default  # the worker sees no totals; no stage reads them


class _LogCollector(logging.Handler):
    """Keeps a worker's log records (message and traceback made text) for the crawl's log."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # a copy: the record is shared with the process's other handlers, which keep its traceback
        record = logging.makeLogRecord(record.__dict__)
        record.msg = record.getMessage()
        record.args = ()
        if record.exc_info:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
            record.exc_info = None
        self.records.append(record)


_worker: dict[str, Any] = {}  # the worker process's stages, built once by _start_worker
READY = "ready"  # a worker's first message when its stages are built; else the exception that stopped it
IDLE_AFTER = 0.05  # seconds without an item before a worker's stages finish what they batch


def _start_worker(settings: dict, paths: list[str], spider: dict | None = None) -> None:
    crawler_settings = Settings(settings)
    stats = _StatsRecorder()
    # what the stages read from a crawler; offload_worker: open no state of the crawl process (in-memory
    # index); spider: the spider's attributes the stages read (``SPIDER_FACTS``)
    shim = type("WorkerCrawler", (), {})()
    shim.settings, shim.stats, shim.offload_worker = crawler_settings, stats, True
    shim.spider = SimpleNamespace(**spider) if spider is not None else None
    stages = []
    for path in paths:
        try:
            stage = build_from_crawler(load_object(path), shim)
        except NotConfigured:
            continue
        if not isinstance(stage, Stage):  # its stats could not be replayed
            raise TypeError(f"{path} is not a Stage (crawler/pipelines/stage.py): it has no stats")
        if hasattr(stage, "prepare") and not isinstance(stage, Split):
            raise TypeError(f"{path} splits its work but has no commits_in_crawl (crawler/pipelines/stage.py)")
        stages.append(stage)
    collector = _LogCollector()
    logging.getLogger().addHandler(collector)
    logging.getLogger().setLevel(logging.getLevelName(crawler_settings.get("LOG_LEVEL", "DEBUG")))
    budget = PageBudget.from_settings(crawler_settings)
    budget.install()
    _worker.update(stages=stages, stats=stats, logs=collector, budget=budget, limits=limits_from(crawler_settings))
    if crawler_settings.getbool("GC_TUNING_ENABLED"):
        tune_gc(crawler_settings.getlist("GC_THRESHOLD"))


def _worker_main(conn, settings: dict, paths: list[str], spider: dict | None) -> None:
    """A worker process: first whether its stages could be built (``READY`` or
    the error), then items in, (item, record) out, in order, until an empty
    message; a list of items (a batch) gives the list of their (item, record)."""
    try:
        _start_worker(settings, paths, spider)
    except Exception as exc:  # a broken rule file, an index of another scheme: the crawl stops at start
        _answer(conn, _picklable(exc))
        return
    _answer(conn, READY)
    idle = [stage.idle for stage in _worker["stages"] if isinstance(stage, Idle)]
    inbox = _inbox(conn.fileno())
    try:
        while True:
            try:
                message = inbox.get(timeout=IDLE_AFTER if idle else None)
            except queue.Empty:  # nothing came for a while: stages finish what they batch
                for hook in idle:
                    hook()
                message = inbox.get()
            if not message:
                break
            work = pickle.loads(message)
            if isinstance(work, list):
                _answer(conn, _run_batch(work))
                continue
            items, behind = _gather(work, inbox)
            for answer in _run_batch(items, commit=False):  # an answer each, in their order
                _answer(conn, answer)
            if behind is _END:
                break
            if behind is not None:
                _answer(conn, _run_batch(behind))
    finally:
        for stage in _worker["stages"]:
            if hasattr(stage, "close_spider"):
                stage.close_spider()


_ANSWER_HEADER = struct.Struct("!i")  # multiprocessing's framing, which the crawl process reads (``recv_bytes``)


def _answer(conn, answer) -> None:
    """In a worker: ``answer`` to the crawl process, framed as ``Connection.send_bytes``
    frames it, in one write: ``send_bytes`` writes the length of a message over 16 kB
    (an article's answer is ~20 kB) apart from it, and the crawl process woke for the
    length alone, then waited in a read for the rest."""
    payload = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
    if len(payload) > 0x7FFFFFFF:
        conn.send_bytes(payload)  # another header: send_bytes's own
        return
    data = memoryview(_ANSWER_HEADER.pack(len(payload)) + payload)
    while data:
        data = data[os.write(conn.fileno(), data):]


def _run_stages(item):
    """In a worker: one item through the offloaded stages; (item, record)."""
    return _run_batch([item])[0]


GATHER = 4  # single items a worker runs together, of those waiting (at most _Worker.IN_FLIGHT)
_END = object()
_ALONE = object()  # a worker died holding an item with others: send it again alone


def _gather(first, inbox: queue.SimpleQueue) -> tuple[list, Any]:
    """In a worker: ``first`` and the single items already waiting behind it,
    ``GATHER`` at most, to run stage by stage together: each stage's code and
    data then stay in the CPU's caches from one item to the next (an item
    through every stage alone cost ~20% more CPU on mock pages: 2.40-2.53
    against 2.00-2.11 ms, ``bench/pipeline_stages.py --batch``). Also what stopped the gathering,
    taken from the inbox: a batch (a list), ``_END`` or None. Only items the
    worker already holds are taken: none waits for another. The crawl
    process knows it may have been running several (``_died``)."""
    items = [first]
    while len(items) < GATHER:
        try:
            message = inbox.get_nowait()
        except queue.Empty:
            return items, None
        if not message:
            return items, _END
        work = pickle.loads(message)
        if isinstance(work, list):
            return items, work
        items.append(work)
    return items, None


def _run_batch(items: list, commit: bool = True) -> list[tuple[Any, Record]]:
    """In a worker: items through the offloaded stages, one stage over all of
    them before the next, each item within its page's budget
    (crawler/runtime/budget.py); their (item, record), in order.

    A stage that checks a store shared with the other workers and batches its
    commits (``Split`` and ``Idle``, run here: the dedup index on disk) checks
    the items one after the other once it prepared them all, then commits
    (``idle``): the store's write lock is held for the checks alone. Taken
    item by item, the lock was held from one item's check through the next
    items' other stages, and a second worker waited for it (SQLite's busy
    wait) about half its time. Gathered single items (``commit`` False) are
    committed as single items are: every ``DEDUP_COMMIT_EVERY`` checks, and
    when idle."""
    runs = [_Run(item) for item in items]
    for stage in _worker["stages"]:
        name = type(stage).__name__
        going = [run for run in runs if run.record.failed is None]
        if not isinstance(stage, Split):
            for run in going:
                run.step(name, stage.process_item)
        else:
            prepared = [(run, run.step(name, stage.prepare, split=True)) for run in going]
            prepared = [(run, state) for run, state in prepared if run.record.failed is None]
            if stage.commits_in_crawl:  # the crawl process commits
                for run, state in prepared:
                    run.record.states[name] = state
                continue
            checked = []  # (run, its stage's stats before the check): items with a check to commit
            for run, state in prepared:
                counts, calls = run.record.stats[name]
                before = dict(counts), list(calls)
                if run.step(name, stage.commit, state) and state is not None:
                    checked.append((run, before))
            if commit and isinstance(stage, Idle) and len(runs) > 1:  # (else it commits when idle)
                try:
                    stage.idle()
                except Exception as exc:  # the checks were not stored: none of their items is
                    for run, before in checked:
                        run.record.stats[name] = before
                        run.fail(name, store_failure(run.item, exc, f"the {name} store") or exc)
    for run in runs:  # encoded here, the crawl process only writes it (``_carry``)
        if run.record.failed is None and not run.record.states:
            run.record.line = feed_line(run.item)
    return [(run.item, run.record) for run in runs]


class _Run:
    """One item's way through a worker's stages: the item, its record, the
    time its stages took so far (its budget is for them all)."""

    def __init__(self, item):
        if isinstance(item, Undecoded):  # read by the crawl process, decoded here
            item = item.page(_worker["limits"])
        self.item, self.record, self.spent = item, Record(), 0.0

    def step(self, name: str, call, *args, split: bool = False):
        """``call(item, *args)``, stage ``name``'s work, within the page's
        budget; the item becomes what it returns (``split``: a ``prepare``'s
        item, and its state is returned). True, or the state; None when the
        stage failed (the record says why)."""
        stats, budget, record = _worker["stats"], _worker["budget"], self.record
        stats.counts, stats.calls = record.stats.setdefault(name, ({}, []))
        _worker["logs"].records = record.logs
        record.last = name
        budget.start_page(self.spent)
        try:
            result = budget.stage(call, self.item, *args)
        except OverBudget:
            self.fail(name, _too_costly(self.item, name, budget.why))
            budget.recover()
            return None
        except Exception as exc:  # replayed on the reactor, where Scrapy handles it
            self.fail(name, exc)
            return None
        finally:
            self.spent = budget.spent()
        if split:
            self.item, state = result
            return state
        self.item = result
        return True

    def fail(self, name: str, error: BaseException) -> None:
        self.record.failed, self.record.error = name, _picklable(error)


def _too_costly(item, stage: str, why: str) -> PageRejected:
    logger.warning("%s: %s, in the %s stage", getattr(item, "fetched_from", item), why, stage)
    return PageRejected(Rejected(
        fetched_from=getattr(item, "fetched_from", "") or "", url=getattr(item, "url", None),
        status=getattr(item, "status", None), reason=Reason.TOO_COSTLY,
        detail=f"{stage.removesuffix('Pipeline').lower()}: {why}"))


def _picklable(exc: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def available_cores() -> int:
    """The CPUs this process may run on (its affinity, where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def worker_count(value) -> int:
    """``PIPELINE_WORKERS``: a number, or ``auto`` for the cores available."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        return available_cores()
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"PIPELINE_WORKERS must be a number or auto, not {value!r}") from None


class WorkerDied(RuntimeError):
    """The worker process died while it ran the stages on this item."""


class _Worker:
    """A worker process and the items it was given; results come back in order."""

    # items in its pipe at once: enough that it never waits for the reactor,
    # which then wakes it (and is preempted by it) rarely; 2 ran ~5% slower
    IN_FLIGHT = 8

    def __init__(self, settings: dict, paths: list[str], spider: dict | None):
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: no threads, sockets, SQLite handles
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_worker_main, args=(child, settings, paths, spider), daemon=True,
                                       name="pipeline-worker")
        self.process.start()
        child.close()
        # Messages go out framed (``_receive``) through a socket of its own on the pipe, written
        # without blocking (``MSG_DONTWAIT``), what the pipe does not take now when it can: a
        # batch (~0.5 MB) fills the pipe, and the worker reads it only once done with the one
        # before; sent one at a time instead, a worker waited for the reactor after each batch.
        self.sock = socket.socket(fileno=os.dup(self.conn.fileno()))
        # framed messages not yet written: (bytes, the item's future on a message's last part)
        self.outbox: deque[tuple[memoryview, asyncio.Future | None]] = deque()
        self.unwritten: set[asyncio.Future] = set()  # sent items whose message is not wholly in the pipe
        self.writing = False  # the event loop calls ``pump`` when the pipe can take more
        self.waiting: deque[tuple[asyncio.Future, bytes]] = deque()
        self.sent: deque[asyncio.Future] = deque()
        self.single: set[asyncio.Future] = set()  # items of messages the worker may run together (``_gather``)
        self.watched = False  # its pipe is read by the event loop
        self.started: asyncio.Future | None = None  # READY or the build error, once the worker said so

    def load(self) -> int:
        return len(self.waiting) + len(self.sent)

    def pump(self) -> None:
        """Send the worker what it may take now. A worker that died is not failed
        here: its pipe still holds the answers it wrote before, and the reader
        meets its end (``_died``) after them."""
        try:
            self._send()
        except OSError:
            self.outbox.clear()  # not to be read: the reader fails its items when it meets the pipe's end
            self._writer(False)

    def _send(self) -> None:
        while self.waiting and len(self.sent) < self.IN_FLIGHT:
            future, message = self.waiting.popleft()
            self.outbox.append((_frame(message), future))
            self.unwritten.add(future)
            self.sent.append(future)
        self.flush()

    def flush(self) -> None:
        """Write the outbox as far as the pipe takes it now; the rest when it can
        (a dead worker: ``OSError``, its items are failed when its pipe ends)."""
        while self.outbox:
            try:
                view, future = self.outbox[0]
                written = self.sock.send(view, socket.MSG_DONTWAIT)
            except BlockingIOError:
                break
            if written < len(view):
                self.outbox[0] = (view[written:], future)
            else:
                self.outbox.popleft()
                self.unwritten.discard(future)
        self._writer(bool(self.outbox))

    def _writer(self, on: bool) -> None:
        """Whether the event loop calls ``pump`` when the pipe can take more."""
        if on != self.writing:
            loop = asyncio.get_running_loop()
            if on:
                loop.add_writer(self.sock.fileno(), self.pump)
            else:
                loop.remove_writer(self.sock.fileno())
            self.writing = on

    def stop(self) -> None:
        """No more work: what the outbox holds, then an empty message (the worker closes its stages and exits)."""
        self._writer(False)
        self.outbox.append((_frame(b""), None))
        while self.outbox:
            self.sock.sendall(self.outbox.popleft()[0])

    def close(self) -> None:
        self._writer(False)
        self.sock.close()
        self.conn.close()


_HEADER = struct.Struct("!Q")  # a message's length, before it


def _frame(message: bytes) -> memoryview:
    """``message`` after its length, in one piece: written in one call, the worker's
    reader wakes once for it (written apart, it woke for the length alone)."""
    return memoryview(_HEADER.pack(len(message)) + message)


def _inbox(fd: int) -> queue.SimpleQueue:
    """In a worker: the messages of the crawl process, read as they come by a
    thread of their own, so the pipe is emptied while the stages work and a
    batch is whole when the worker takes it (a pipe holds less than one)."""
    inbox = queue.SimpleQueue()

    def read() -> None:
        try:
            while message := _receive(fd):
                inbox.put(message)
        finally:
            inbox.put(b"")  # the end (or the crawl process is gone)

    threading.Thread(target=read, name="pipeline-inbox", daemon=True).start()
    return inbox


def _receive(fd: int) -> bytearray:
    """In a worker: the next message the crawl process framed (``_Worker.flush``);
    empty when the crawl process said it has no more, or its end is closed."""
    header = _read_exactly(fd, _HEADER.size)
    if len(header) < _HEADER.size:
        return bytearray()
    return _read_exactly(fd, _HEADER.unpack(header)[0])


def _read_exactly(fd: int, size: int) -> bytearray:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size and (count := os.readv(fd, [view[got:]])):
        got += count
    del view
    return buffer if got == size else buffer[:got]


class OffloadPipeline:
    """Runs the offloadable stages of the chain in ``PIPELINE_WORKERS`` processes.

    No executor thread: the workers' pipes are read by the reactor's own
    event loop, so the crawl process's one thread never waits for a lock or
    for the GIL of a helper thread."""

    def __init__(self, settings: dict, paths: list[str], workers: int, stats=None, spider: dict | None = None):
        self.settings = settings
        self.paths = paths
        self.spider = spider
        self.size = workers
        # workers started: one at the crawl's start, one more each time every started one
        # holds an item (``_run``), up to ``size``: a short crawl does not pay for workers it
        # never needs (each imports and builds the stages: ~0.7 s of CPU at a one-page crawl's start);
        # all at once for a spider that has work for them all from its start (``eager_workers``)
        self.wanted = min(workers, 1)
        self.stats = stats
        self.workers: list[_Worker] = []
        self.error: BaseException | None = None  # why the workers could not build their stages
        self.crawler = None  # set by from_crawler: batches need its engine and signals
        self._chain: list | None = None  # the crawl's stages after this one, when the workers run them all
        self._after: list = []  # their ``process_item``, called here instead of by Scrapy (``_take_chain``)
        self._after_names: tuple[str, ...] = ()  # their class names, as a worker's record names them
        self.whole = False  # whether the workers run every stage of the chain (set by from_crawler)
        self._batch_slots: asyncio.Semaphore | None = None
        self._signals: Sender | None = None  # the outcome signals of ``_finish``, once the crawler is known

    @classmethod
    def from_crawler(cls, crawler):
        if (built := getattr(crawler, _PIPELINE, None)) is not None:
            return built  # started early by StartWorkers
        settings = crawler.settings
        workers = worker_count(settings.get("PIPELINE_WORKERS"))
        if workers <= 0:
            raise NotConfigured("PIPELINE_WORKERS is 0")
        if not is_asyncio_reactor_installed():
            logger.warning("PIPELINE_WORKERS needs the asyncio reactor; stages run on the reactor thread")
            raise NotConfigured("no asyncio reactor")
        chain = sorted(
            settings.get_component_priority_dict_with_base("ITEM_PIPELINES").items(), key=lambda kv: kv[1]
        )
        paths, whole = [], True
        for path, priority in chain:
            stage = load_object(path) if isinstance(path, str) else path
            if stage is cls or priority is None:
                continue
            if broken := problems(stage):
                raise TypeError("; ".join(broken))
            if not is_offloadable(stage):
                whole = False
                break  # this stage and those after it stay on the reactor
            paths.append(path if isinstance(path, str) else f"{stage.__module__}.{stage.__qualname__}")
        if not paths:
            raise NotConfigured("no offloadable stage in ITEM_PIPELINES")
        frozen = settings.copy_to_dict()
        try:
            pickle.dumps(frozen)
        except Exception as exc:
            logger.warning("PIPELINE_WORKERS: the settings cannot be sent to a worker (%s); stages run "
                           "on the reactor thread", exc)
            raise NotConfigured("unpicklable settings") from None
        spider = getattr(crawler, "spider", None)
        facts = {name: getattr(spider, name) for name in SPIDER_FACTS if hasattr(spider, name)}
        pipeline = cls(frozen, paths, workers, crawler.stats, facts)
        pipeline.crawler, pipeline.whole = crawler, whole
        if getattr(spider, "eager_workers", False):  # work for every worker from the start (a large corpus)
            pipeline.wanted = workers
        pipeline._spawn()  # the workers import and build their stages while the crawl starts
        setattr(crawler, _PIPELINE, pipeline)
        return pipeline

    async def open_spider(self):
        """Watch the workers' pipes, and wait until they have built their stages: a
        stage that cannot be built (a broken rule file) stops the crawl here, as it
        would on the reactor, though only the workers build the stages they run."""
        self._start()
        for worker in list(self.workers):
            # answered by the worker, or by ``_overdue`` past PIPELINE_WORKER_START_TIMEOUT
            if (outcome := await asyncio.shield(worker.started)) != READY:
                raise outcome
        self._take_chain()

    def _take_chain(self) -> None:
        """When the workers run every stage after this one, those stages only replay
        their records on the reactor: ``process_item`` calls them itself, and Scrapy's
        item pipeline calls this stage alone. Scrapy's chain costs a few microseconds a
        stage and item (an awaitable made of each result, the stage's name built for a
        warning); the outcome is the same: each stage in its order, a reject raised by
        one ends the item's way."""
        if self.crawler is None or self.batch_chain() is None:
            return
        methods = self.crawler.engine.scraper.itemproc.methods["process_item"]
        if methods and methods[0] == self.process_item:
            self._after = list(methods)[1:]
            self._after_names = tuple(type(method.__self__).__name__ for method in self._after)
            methods.clear()
            methods.append(self.process_item)

    def _spawn(self) -> None:
        while len(self.workers) < self.wanted:
            self.workers.append(_Worker(self.settings, self.paths, self.spider))

    def _start(self) -> None:
        self._spawn()
        if self.error is not None:
            raise self.error
        for worker in self.workers:
            if not worker.watched:
                loop = asyncio.get_running_loop()
                worker.started = loop.create_future()
                loop.add_reader(worker.conn.fileno(), self._readable, worker)
                worker.watched = True
                # any worker, the first or one started later (a second, a dead one's successor)
                if timeout := float(self.settings.get("PIPELINE_WORKER_START_TIMEOUT") or 0):
                    loop.call_later(timeout, self._overdue, worker, timeout)
                logger.info("Pipeline worker %d started: %s", worker.process.pid, ", ".join(
                    path.rsplit(".", 1)[-1] for path in self.paths))

    def _readable(self, worker: _Worker) -> None:
        # One result per call, without asking the pipe first (a system call per
        # item): the event loop calls again while the pipe has more.
        try:
            result = pickle.loads(worker.conn.recv_bytes())
            if not worker.started.done():
                worker.started.set_result(result)
                if result != READY and not self._unbuilt(worker, result):
                    self._failed(result)
                return
            future = worker.sent.popleft()
            if not future.done():
                future.set_result(result)  # its caller runs later: the worker's next work goes first
            worker.pump()
        except (EOFError, OSError):
            self._died(worker)

    def _overdue(self, worker: _Worker, timeout: float) -> None:
        """A worker that neither built its stages nor died within the timeout must not
        hold the crawl open: at the start, the crawl stops; later, it is a worker that
        could not build (``_unbuilt``), and with no other worker every item fails."""
        if worker.started.done():
            return
        error = WorkerDied(f"pipeline worker {worker.process.pid} did not build its stages "
                           f"within PIPELINE_WORKER_START_TIMEOUT ({timeout:g} s)")
        worker.process.kill()  # it hangs: nothing it could still say is waited for
        worker.started.set_result(error)
        if not self._unbuilt(worker, error):
            self._failed(error)

    def _unbuilt(self, worker: _Worker, error: BaseException) -> bool:
        """A worker started after others had built their stages could not build them: a
        cause of the moment (a store not answering), as the same stages were built before.
        The crawl goes on with the workers it has (no more are started), and the items
        given to this one go to them. False when no other worker has its stages."""
        others = [other for other in self.workers if other is not worker and other.started is not None
                  and other.started.done() and other.started.result() == READY]
        if not others:
            return False
        logger.warning("A pipeline worker started later could not build its stages (%s: %s); "
                       "the crawl goes on with %d", type(error).__name__, error, len(others))
        self._unwatch(worker)
        self.workers.remove(worker)
        worker.close()
        self.size = self.wanted = len(self.workers)
        for future in list(worker.sent) + [future for future, _ in worker.waiting]:
            if not future.done():
                future.set_result(None)  # not run: the caller sends it again
        return True

    def _failed(self, error: BaseException) -> None:
        """The workers could not build their stages: every item fails with that error, and no
        worker is started again (each would fail alike)."""
        self.error = error
        logger.error("Pipeline workers could not build their stages: %s: %s", type(error).__name__, error)
        for worker in self.workers:
            self._unwatch(worker)
            if worker.started is not None and not worker.started.done():
                # no longer watched, it would never say: ``open_spider`` waited for it (the
                # other worker's error read first) until PIPELINE_WORKER_START_TIMEOUT
                worker.started.set_result(error)
            for future in list(worker.sent) + [future for future, _ in worker.waiting]:
                if not future.done():
                    future.set_exception(error)
            worker.waiting.clear()
            worker.sent.clear()

    def _unwatch(self, worker: _Worker) -> None:
        if worker.watched:
            asyncio.get_running_loop().remove_reader(worker.conn.fileno())
            worker.watched = False

    def _died(self, worker: _Worker) -> None:
        """The item at work is failed (it may be what killed the worker); the others go to a new worker."""
        self._unwatch(worker)
        self.workers.remove(worker)
        worker.close()
        worker.process.join(5)
        logger.error("A pipeline worker died (exit code %s); starting another", worker.process.exitcode)
        if self.stats is not None:
            self.stats.inc_value("offload/worker_died")
        if worker.started is not None and not worker.started.done():  # died before its stages were built
            worker.started.set_result(WorkerDied(f"pipeline worker exited with code {worker.process.exitcode} "
                                                 "before its stages were built"))
        # its pipe was read to the end: what it answered is answered; the first item sent
        # and not answered was at work, if its message was wholly written to the pipe (one
        # sent as it died, after the answers were read, never reached it)
        sent = list(worker.sent)
        written = bool(sent) and sent[0] not in worker.unwritten
        if written and sent[0] in worker.single:
            # a single item, which the worker may have been running with those sent after it
            # (``_gather``): each single item it held goes again alone, so that only the one
            # that kills a worker fails
            for future in sent:
                future.set_result(_ALONE if future in worker.single and future not in worker.unwritten else None)
        else:
            at_work = sent[:1] if written else []
            for future in at_work:
                future.set_exception(WorkerDied(f"pipeline worker exited with code {worker.process.exitcode}"))
            for future in sent[len(at_work):]:
                future.set_result(None)  # not run: the caller resubmits it
        for future, _ in worker.waiting:
            future.set_result(None)

    async def _run(self, message: bytes, alone=None):
        """The worker's answer to ``message``: (item, record), or a list of them
        for a batch; raises ``WorkerDied`` when the worker died working on it.
        ``alone``: the message is one item, which a worker may run with others
        (``_gather``); ``alone()`` gives it as a batch of its own, sent instead
        when a worker died holding it among others."""
        while True:
            self._start()
            # a worker still building its stages takes items only when no other has them built
            ready = [w for w in self.workers if w.started is not None and w.started.done()]
            worker = min(ready or self.workers, key=_Worker.load)
            if worker.load() and self.wanted < self.size:  # every worker busy: one more
                self.wanted += 1
                self._start()
            future = asyncio.get_running_loop().create_future()
            worker.waiting.append((future, message))
            if alone is not None:
                worker.single.add(future)
            worker.pump()
            try:
                outcome = await future
            finally:
                worker.single.discard(future)
            if outcome is _ALONE:
                message, alone = alone(), None
            elif outcome is not None:
                return outcome

    async def _run_single(self, item) -> tuple[Any, Record]:
        """``item`` through a worker as a single item (which a worker may run with the
        others it holds, ``_gather``): its (item, record)."""
        answer = await self._run(pickle.dumps(item, pickle.HIGHEST_PROTOCOL),
                                 alone=lambda: pickle.dumps([item], pickle.HIGHEST_PROTOCOL))
        return answer[0] if isinstance(answer, list) else answer

    async def process_item(self, item):
        if isinstance(item, Page):
            item, record = await self._run_single(item)
            _replay_logs(record)
            if self._replayed(item, record):
                return item
            _carry(item, record, self.whole)
        for process_item in self._after:
            item = process_item(item)
        return item

    def _replayed(self, item, record: Record) -> bool:
        """The stages' part of an item that went through every one of them in the
        worker, neither failed nor left to commit here: their stats, as each
        stage's ``offloadable`` would count them, in their order, and the item's
        feed line (``_carry``). False for any other item: the stages replay it."""
        if (not self._after_names or record.failed is not None or record.states
                or tuple(record.stats) != self._after_names):
            return False
        for counts, calls in record.stats.values():
            replay_stats(self.stats, counts, calls)
        if self.whole and record.line is not None:
            setattr(item, FEED_LINE, record.line)
        return True

    # --- batches: records of a corpus past Scrapy's per-item path ---------------

    def batch_chain(self) -> list | None:
        """The crawl's stages after this one, when the workers run every one of
        them (then a batch of records needs no item pipeline: see ``run_records``);
        None otherwise."""
        if self._chain is None:
            stages = [stage for stage in self.crawler.engine.scraper.itemproc.middlewares if stage is not self]
            whole = all(is_offloadable(type(stage)) and f"{type(stage).__module__}.{type(stage).__qualname__}"
                        in self.paths for stage in stages)
            self._chain = stages if whole else []
        return self._chain or None

    async def run_records(self, records, response) -> None:
        """The records of one unit of a corpus (``Page``, ``JsonLine``, ``WarcRecord``), a
        batch of ``BATCH_RECORDS`` to a worker at a time, several batches in
        flight, each finished in the records' order as if it had come out of
        Scrapy's item pipeline: the crawl's stages replay what the workers did,
        then the log line and the ``item_scraped``, ``item_dropped`` or
        ``item_error`` signal of each record (feeds, stats, marks), with
        ``response`` as its response. Spares the crawl process Scrapy's
        per-item work (a callback's output, the pipeline's deferreds), which
        cost as much as a record's reading and its feed line."""
        if self._batch_slots is None:  # batches at the workers at once, of all units
            self._batch_slots = asyncio.Semaphore(2 * self.size)
        pending: deque[asyncio.Task] = deque()
        batch: list = []
        for record in records:
            batch.append(record)
            if len(batch) == BATCH_RECORDS:
                await self._batch_slots.acquire()
                pending.append(asyncio.ensure_future(self._slotted(batch)))
                batch = []
                while pending and (pending[0].done() or len(pending) > 2 * self.size):
                    self._finish(await pending.popleft(), response)
        if batch:
            await self._batch_slots.acquire()
            pending.append(asyncio.ensure_future(self._slotted(batch)))
        while pending:
            self._finish(await pending.popleft(), response)

    async def run_page(self, page: Page, response) -> None:
        """A page a spider's callback gave (``PagesToWorkers``), through a worker and
        finished as ``run_records`` finishes a record: the same outcome, log line and
        signal as through Scrapy's item pipeline, without its per-item work."""
        try:
            result = await self._run_single(page)
        except Exception as exc:  # the worker died on it, or the workers could not start
            result = (page, exc)
        self._finish([result], response)

    async def _slotted(self, records: list) -> list[tuple[Any, Record | BaseException]]:
        try:
            return await self._batch(records)
        finally:
            self._batch_slots.release()

    async def _batch(self, records: list) -> list[tuple[Any, Record | BaseException]]:
        try:
            return await self._run(pickle.dumps(records, pickle.HIGHEST_PROTOCOL))
        except WorkerDied as died:
            if len(records) == 1:
                return [(records[0], died)]
            # which record killed it is unknown: each again alone
            return [outcome for record in records for outcome in await self._batch([record])]
        except Exception as exc:  # the workers could not start: every record fails with why
            return [(record, exc) for record in records]

    def _finish(self, results, response) -> None:
        crawler = self.crawler
        if self._signals is None:
            self._signals = Sender(crawler.signals)
        spider, send = crawler.spider, self._signals.send
        formatter = crawler.engine.scraper.logformatter
        for item, record in results:
            try:
                if isinstance(record, BaseException):
                    raise record
                _replay_logs(record)
                if not self._replayed(item, record):
                    _carry(item, record, True)
                    for stage in self._chain:
                        item = stage.process_item(item)
            except DropItem as exc:
                _log(formatter.dropped(item, exc, response, spider), spider, item)
                send(signal=signals.item_dropped, item=item, response=response, spider=spider, exception=exc)
            except Exception as exc:
                _log(formatter.item_error(item, exc, response, spider), spider, item, exc)
                send(signal=signals.item_error, item=item, response=response, spider=spider, failure=Failure(exc))
            else:
                _log(formatter.scraped(item, response, spider), spider, item)
                send(signal=signals.item_scraped, item=item, response=response, spider=spider)

    def close_spider(self):
        for worker in self.workers:
            self._unwatch(worker)
            try:
                worker.stop()
            except OSError:
                pass
        for worker in self.workers:
            worker.process.join(30)
            if worker.process.is_alive():
                worker.process.terminate()
            worker.close()
        self.workers = []


BATCH_RECORDS = 32  # records of a corpus sent to a worker at once (``run_records``)


def batches_for(crawler) -> OffloadPipeline | None:
    """The crawl's pipeline workers, when they run its whole chain: a corpus's
    records can then go to them in batches (``OffloadPipeline.run_records``)."""
    pipeline = getattr(crawler, _PIPELINE, None)
    if pipeline is None or pipeline.crawler is None or pipeline.batch_chain() is None:
        return None
    return pipeline


def _carry(item, record: Record, whole: bool) -> None:
    """``item`` on the reactor with its worker's record (replayed by the stages), and with the
    feed line the worker encoded when nothing after the worker can change the item: ``whole``,
    the workers ran every stage after ``OffloadPipeline``, and no stage commits on the reactor."""
    setattr(item, _RECORD, record)
    if whole and record.line is not None and not record.states:
        setattr(item, FEED_LINE, record.line)


def _replay_logs(record: Record) -> None:
    for log in record.logs:
        logging.getLogger(log.name).handle(log)


_scraper_logger = logging.getLogger("scrapy.core.scraper")  # whose lines these are otherwise


def _log(entry: dict | None, spider, item, exc: BaseException | None = None) -> None:
    """A log formatter's line of an item's outcome, logged as Scrapy's scraper does."""
    if entry is not None:
        _scraper_logger.log(*logformatter_adapter(entry), extra={"spider": spider, "item": item},
                   exc_info=(type(exc), exc, exc.__traceback__) if exc is not None else None)


class PagesToWorkers:
    """Spider middleware: when the pipeline workers run the whole chain, a
    ``Page`` a callback gives (a live spider's article, or a failure made a
    page) goes to them here, and comes out as Scrapy's scraper would finish
    it (``OffloadPipeline.run_page``: the stages' replay, the log line, the
    ``item_scraped``/``item_dropped``/``item_error`` signal with its
    response), not as an item: the crawl process is spared Scrapy's per-item
    work (the callback output's way through the outer middlewares to the item
    pipeline, the pipeline's deferreds, the signal's asynchronous dispatch,
    one task a receiver). The callback's response
    stays in Scrapy's scraper slot until its page is through, as it does
    while its item is in the pipeline, so ``SCRAPER_SLOT_MAX_ACTIVE_SIZE``
    bounds the pages in flight as before. Last of the spider middlewares
    (``SPIDER_MIDDLEWARES``): the others see the pages first, as items.
    Signal handlers are called as ``send_catch_log`` calls them: one that
    returns a Deferred is not waited for (``PIPELINE_SHORT_PATH_ENABLED =
    False`` gives every page Scrapy's item path)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("PIPELINE_SHORT_PATH_ENABLED") or getattr(crawler, _PIPELINE, None) is None:
            raise NotConfigured  # no workers started (``StartWorkers``): nothing to send pages to
        return cls(crawler)

    async def process_spider_output(self, response, result):
        workers = batches_for(self.crawler)
        async for output in result:
            if workers is not None and isinstance(output, Page):
                await workers.run_page(output, response)
            else:
                yield output


class StartWorkers:
    """Extension: the pipeline workers start as soon as the crawl's extensions
    are built, not when the item pipelines are (the downloader and middlewares
    come between, ~0.2 s), so that they are ready about when the spider opens:
    a worker that starts late holds every item back. ``OffloadPipeline`` takes
    them over. Nothing starts unless it is in ``ITEM_PIPELINES``."""

    @classmethod
    def from_crawler(cls, crawler):
        chain = crawler.settings.get_component_priority_dict_with_base("ITEM_PIPELINES")
        if is_reactor_installed() and any(
                priority is not None and load_object(path) is OffloadPipeline for path, priority in chain.items()):
            OffloadPipeline.from_crawler(crawler)
        raise NotConfigured  # nothing to do once the workers are started (no message: no warning in the log)
