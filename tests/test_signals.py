"""crawler.runtime.signals.Sender sends a signal as Scrapy's send_catch_log does."""

import logging

import pytest
from scrapy import signals
from scrapy.exceptions import StopDownload
from scrapy.signalmanager import SignalManager
from twisted.internet.defer import Deferred

from crawler.runtime.signals import Sender


_SENDERS = []  # kept alive: pydispatch files receivers under id(sender), which a new sender could reuse


def new_manager() -> SignalManager:
    """A signal manager of a sender of its own, never seen by another test."""
    _SENDERS.append(object())
    return SignalManager(_SENDERS[-1])


class Receivers:
    """Receivers of every shape a handler takes, each noting what it was given."""

    def __init__(self):
        self.calls = []

    def three(self, item, response, spider):
        self.calls.append(("three", item, response, spider))

    def two(self, item, spider):
        self.calls.append(("two", item, spider))

    def everything(self, **named):
        self.calls.append(("everything", sorted(named)))

    def failing(self, item):
        self.calls.append(("failing", item))
        raise ValueError("a handler's bug")

    def stopping(self, item):
        self.calls.append(("stopping", item))
        raise StopDownload(fail=False)

    def deferred(self, item):
        self.calls.append(("deferred", item))
        return Deferred()


def function_receiver_calls():
    calls = []

    def on_item(item, sender):
        calls.append(("function", item, sender is not None))
    return on_item, calls


def connected(receivers: Receivers, manager: SignalManager, *extra):
    for handler in (receivers.three, receivers.failing, receivers.two, receivers.everything,
                    receivers.stopping, receivers.deferred, *extra):
        manager.connect(handler, signal=signals.item_scraped)


def test_each_receiver_gets_what_scrapy_gives_it_in_the_same_order_and_the_same_log(caplog):
    outcomes = []
    for send in ("scrapy", "sender"):
        receivers, manager = Receivers(), new_manager()
        on_item, function_calls = function_receiver_calls()
        connected(receivers, manager, on_item)
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            for item in ("first", "second"):
                if send == "scrapy":
                    manager.send_catch_log(signal=signals.item_scraped, item=item, response="r", spider="s")
                else:
                    Sender(manager).send(signals.item_scraped, item=item, response="r", spider="s")
        logged = [(r.name, r.getMessage().split(":")[0], r.exc_info is not None) for r in caplog.records]
        outcomes.append((receivers.calls, function_calls, logged))
    assert outcomes[0] == outcomes[1]
    calls, _, logged = outcomes[1]
    assert ("three", "second", "r", "s") in calls and ("two", "second", "s") in calls
    assert ("everything", ["item", "response", "sender", "signal", "spider"]) in calls
    # the failing handler is logged with its traceback; the ones after it still ran
    assert ("scrapy.utils.signal", "Error caught on signal handler", True) in logged
    assert ("scrapy.utils.signal", "Cannot return deferreds from signal handler", False) in logged
    assert len(logged) == 4  # two items, each: the error and the Deferred; StopDownload is not logged


def test_receivers_connected_or_disconnected_between_sends_are_followed():
    receivers, manager = Receivers(), new_manager()
    sender = Sender(manager)
    manager.connect(receivers.two, signal=signals.item_scraped)
    sender.send(signals.item_scraped, item=1, response=None, spider="s")
    manager.connect(receivers.three, signal=signals.item_scraped)
    sender.send(signals.item_scraped, item=2, response=None, spider="s")
    manager.disconnect(receivers.two, signal=signals.item_scraped)
    sender.send(signals.item_scraped, item=3, response=None, spider="s")
    assert receivers.calls == [("two", 1, "s"), ("two", 2, "s"), ("three", 2, None, "s"), ("three", 3, None, "s")]


def test_a_receiver_gone_is_not_called_and_another_signal_reaches_only_its_own():
    kept, manager = Receivers(), new_manager()
    gone = Receivers()
    manager.connect(gone.two, signal=signals.item_scraped)  # weakly referenced, as Scrapy connects
    manager.connect(kept.two, signal=signals.item_dropped)
    calls = gone.calls
    del gone
    sender = Sender(manager)
    sender.send(signals.item_scraped, item=1, response=None, spider="s")
    sender.send(signals.item_dropped, item=2, response=None, spider="s", exception=None)
    assert calls == [] and kept.calls == [("two", 2, "s")]


@pytest.mark.parametrize("receiver", [object(), 42])
def test_a_receiver_that_cannot_be_called_is_logged_as_scrapy_logs_it(caplog, receiver):
    manager = new_manager()
    manager.connect(receiver, signal=signals.item_scraped, weak=False)
    with caplog.at_level(logging.ERROR):
        Sender(manager).send(signals.item_scraped, item=1, response=None, spider="s")
    assert [r.getMessage().split(":")[0] for r in caplog.records] == ["Error caught on signal handler"]
