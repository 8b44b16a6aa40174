"""A budget of CPU time and memory per page for the chain's stages.

Enforced in the pipeline worker processes (crawler/pipelines/offload.py),
where the stages run in the process's main thread. A watchdog thread looks
every ``CHECK_EVERY`` seconds at the page being processed:

- time: all the stages of one page together may take ``PAGE_TIME_BUDGET``
  seconds of the CPU time of the thread that runs them (a page's cost, not
  the machine's load: a worker that waits for a core spends none of it);
- memory: the worker's resident memory may grow ``PAGE_MEMORY_BUDGET``
  megabytes above what it was when the page came, or for a batch run a stage
  at a time, when the page's stage started (Linux: /proc/self/statm).

Over either, the watchdog raises ``OverBudget`` in the main thread, in the
stage at work (at its next Python instruction: a single call into C, such as
one lxml parse, is not interrupted, but is bounded by the page's size), and
the page becomes a reject ``too_costly`` whose ``detail`` names the stage.
"""

from __future__ import annotations

import ctypes
import gc
import os
import sys
import threading
import time

CHECK_EVERY = 0.05  # seconds between the watchdog's looks


class OverBudget(BaseException):
    """Raised in a stage over its page's budget. A ``BaseException``, like
    ``KeyboardInterrupt``: the stages' handlers of bugs do not take it for one.
    Raised without arguments (by the watchdog); ``PageBudget.why`` says what."""


class PageBudget:
    def __init__(self, seconds: float, megabytes: int):
        self.seconds = seconds
        self.bytes = megabytes * 1024 * 1024 if _rss() is not None else 0
        self.lock = threading.Lock()
        self.in_stage = False
        self.started = 0.0  # the stages' thread's CPU time when the page came
        self.clock = _thread_clock()
        self.rss_at_start = 0
        self.why = ""  # what the page went over, once it did
        self.main = threading.main_thread().ident

    @classmethod
    def from_settings(cls, settings) -> PageBudget:
        return cls(settings.getfloat("PAGE_TIME_BUDGET"), settings.getint("PAGE_MEMORY_BUDGET"))

    def install(self) -> None:
        """In the worker process: start the watchdog (nothing to watch without a budget)."""
        if self.seconds > 0 or self.bytes > 0:
            threading.Thread(target=self._watch, name="page-budget", daemon=True).start()

    def start_page(self, spent: float = 0.0) -> None:
        """A page comes, whose stages took ``spent`` seconds already (a worker
        running a batch a stage at a time comes back to each page per stage)."""
        with self.lock:
            self.why = ""
            self.started = self.clock() - spent
            self.rss_at_start = (_rss() or 0) if self.bytes else 0

    def spent(self) -> float:
        """CPU seconds the page's stages took so far."""
        return self.clock() - self.started

    def stage(self, call, *args):
        """``call(*args)`` within the page's budget; ``OverBudget`` when over it."""
        with self.lock:
            if self.why:
                raise OverBudget
            self.in_stage = True
        try:
            return call(*args)
        finally:
            with self.lock:
                self.in_stage = False
                _raise_in(self.main, None)  # one set just before, not raised yet: cancelled

    def _watch(self) -> None:
        while True:
            time.sleep(CHECK_EVERY)
            with self.lock:
                if not self.in_stage or self.why:
                    continue
                if self.seconds > 0 and self.clock() - self.started > self.seconds:
                    self.why = f"over the {self.seconds:g} s time budget per page (PAGE_TIME_BUDGET)"
                elif self.bytes and (_rss() or 0) - self.rss_at_start > self.bytes:
                    self.why = (f"over the {self.bytes // (1024 * 1024)} MB memory budget per page"
                                " (PAGE_MEMORY_BUDGET)")
                if self.why:
                    _raise_in(self.main, OverBudget)

    @staticmethod
    def recover() -> None:
        """After a page over budget: its garbage collected."""
        gc.collect()


def _thread_clock():
    """The CPU clock of the thread that builds the budget (the stages' thread),
    readable from the watchdog's; where threads have no such clock, the
    process's CPU time (the watchdog itself spends next to none)."""
    try:
        clock = time.pthread_getcpuclockid(threading.get_ident())
        time.clock_gettime(clock)
    except (AttributeError, OSError):
        return time.process_time
    return lambda: time.clock_gettime(clock)


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


_statm: int | None = None  # /proc/self/statm, kept open: read again from its start, it tells the figures of now


def _rss() -> int | None:
    """This process's resident memory, bytes; None where /proc is not there.
    Read at every stage of every page: one ``pread`` (~1.5 us) instead of an
    open, read and close (~13 us, ~70 us a page of six stages)."""
    global _statm
    if not sys.platform.startswith("linux"):
        return None
    if _statm is None:
        _statm = os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC)
    return int(os.pread(_statm, 64, 0).split()[1]) * _PAGE


def _forget_statm() -> None:
    """In a forked child: the file kept open is its parent's."""
    global _statm
    _statm = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_statm)
