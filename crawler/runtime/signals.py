"""A signal sent once per item, as Scrapy's ``send_catch_log`` sends it, at less cost.

``SignalManager.send_catch_log`` hands each receiver to pydispatch's
``robustApply``, which reads the receiver's code object on every call to pick
the named arguments it accepts (~5 µs a receiver, four or five receivers of
``item_scraped`` an article: a tenth of the crawl process's own CPU for an
article whose chain ran in a worker). ``Sender`` reads that once per receiver
and otherwise does what ``send_catch_log`` does: the live receivers of the
signal, in the order they connected, each given the arguments it accepts
(``signal`` and ``sender`` included); an exception is logged and the next
receiver still runs; a receiver that returns a Deferred is logged as an error,
not waited for.
"""

from __future__ import annotations

import logging
from typing import Any

from pydispatch.dispatcher import getAllReceivers, liveReceivers
from pydispatch.robustapply import function
from scrapy.exceptions import StopDownload
from twisted.internet.defer import Deferred

# the logger whose lines these are when Scrapy sends the signal
logger = logging.getLogger("scrapy.utils.signal")

_VAR_KEYWORDS = 0x08  # CO_VARKEYWORDS: the receiver takes ``**named``: it is given every argument


def accepted(receiver) -> tuple[str, ...] | None:
    """The named arguments ``receiver`` accepts (as ``robustApply`` reads them), None for all."""
    _, code, bound = function(receiver)
    if code.co_flags & _VAR_KEYWORDS:
        return None
    return code.co_varnames[bound:code.co_argcount]


class Sender:
    """``send(signal, **named)``: ``crawler.signals.send_catch_log(signal, **named)``,
    what each receiver accepts read once."""

    def __init__(self, manager):
        self.sender = manager.sender
        self.plans: dict[Any, tuple[str, ...] | None] = {}  # receiver -> its arguments (None: all)

    def send(self, signal, **named) -> None:
        named["signal"], named["sender"] = signal, self.sender
        for receiver in liveReceivers(getAllReceivers(self.sender, signal)):
            try:
                try:
                    names = self.plans[receiver]
                except KeyError:
                    names = self.plans[receiver] = accepted(receiver)
                except TypeError:  # a receiver that cannot be a key: read each time
                    names = accepted(receiver)
                response = receiver(**(named if names is None else {k: named[k] for k in names if k in named}))
                if isinstance(response, Deferred):
                    logger.error("Cannot return deferreds from signal handler: %(receiver)s",
                                 {"receiver": receiver}, extra={"spider": named.get("spider")})
            except StopDownload:
                pass
            except Exception:
                logger.error("Error caught on signal handler: %(receiver)s", {"receiver": receiver},
                             exc_info=True, extra={"spider": named.get("spider")})
