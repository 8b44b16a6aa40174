"""Ctrl-C and SIGTERM in a ``scrapy crawl``, from its first second to its last.

Scrapy installs its graceful-stop handlers only once the reactor runs.
Before that (imports, the spider loader, building the crawler) a SIGINT is
Python's ``KeyboardInterrupt``: a traceback, exit status -2, no close reason,
no stats; a SIGTERM kills outright. And Scrapy's handler, once there, stops a
crawl whose spider is open but whose engine is not running yet by stopping
the reactor: no close reason, no stats either.

So in a ``scrapy crawl`` process the project's handler is in charge of both
signals throughout. ``defer_early_stop()`` installs it as soon as Scrapy's
command line loads the project's settings (crawler/settings.py); the
project's ``crawl`` command then starts the reactor without Scrapy's and
Twisted's handlers. The handler only records the signal; ``SignalStop``, an
extension, closes the spider with Scrapy's reason for a signalled stop,
``shutdown``, as soon as it is open (at once if it already is), so a crawl
stopped while starting ends like one stopped later: stats, feeds closed,
exit status 0. A second signal stops the process at once, as Scrapy's
second signal does.

A parent that must not lose a stop (the scheduler, crawler/scheduling.py)
starts the crawl with SIGINT and SIGTERM blocked: a signal sent before the
handler is in place stays pending, and is delivered to it when
``defer_early_stop()`` unblocks them. Before that point (the interpreter and
Scrapy importing, well under a second on an idle machine) a Ctrl-C typed in
a terminal still ends the process, with no crawl started.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
CLOSE_REASON = "shutdown"  # the reason Scrapy's own graceful stop gives
_requested: list[int] = []
_listeners: list[Callable[[int], None]] = []


def _command(argv: list[str]) -> str | None:
    """The scrapy command in ``argv``, found as Scrapy's command line finds it."""
    return next((arg for arg in argv[1:] if not arg.startswith("-")), None)


def _record(signum: int, _frame) -> None:
    if _requested:  # asked twice: stop now
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    _requested.append(signum)
    for listener in list(_listeners):
        listener(signum)


def defer_early_stop(argv: list[str] | None = None) -> bool:
    """In a ``scrapy crawl`` process, put the project's handler in charge of
    SIGINT and SIGTERM. False (and nothing changed) anywhere else."""
    argv = sys.argv if argv is None else argv
    if ("scrapy.cmdline" not in sys.modules or _command(argv) != "crawl"
            or threading.current_thread() is not threading.main_thread()):
        return False
    ours = (signal.default_int_handler, signal.SIG_DFL, signal.SIG_IGN, _record)
    if any(signal.getsignal(sig) not in ours for sig in STOP_SIGNALS):
        return False  # someone else handles them (a debugger, an embedding program)
    for sig in STOP_SIGNALS:
        signal.signal(sig, _record)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    return True


def handling() -> bool:
    """Whether the project's handler is in charge of the stop signals."""
    return all(signal.getsignal(sig) is _record for sig in STOP_SIGNALS)


def requested() -> int | None:
    """The stop signal received so far, if any."""
    return _requested[0] if _requested else None


class SignalStop:
    """Closes the spider (reason ``shutdown``) on a stop signal: once it is
    open if the signal came while the crawl was starting, at once otherwise."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.open = False

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        self.open = True
        _listeners.append(self.signalled)
        if (signum := requested()) is not None:
            self.stop(signum)

    def signalled(self, signum: int) -> None:
        """From the signal handler: act on the reactor's turn, not in the handler."""
        from twisted.internet import reactor

        reactor.callFromThread(self.stop, signum)

    def stop(self, signum: int) -> None:
        if not self.open or self.crawler.engine is None:
            return
        self.open = False
        name = signal.Signals(signum).name
        logger.info("Received %s, closing the spider (%s). Send again to force", name, CLOSE_REASON)
        self.crawler.stats.set_value("shutdown/signal", name)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=CLOSE_REASON))

    def spider_closed(self, spider, reason) -> None:
        self.open = False
        if self.signalled in _listeners:
            _listeners.remove(self.signalled)
