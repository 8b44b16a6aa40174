"""The contract of a stage of the chain, written down as ``typing.Protocol``s.

The chain (``ITEM_PIPELINES``) is Scrapy item pipelines; the pipeline
workers (crawler/pipelines/offload.py) run the same stage classes in other
processes and replay what they did on the reactor. What a stage must offer:

- ``Stage``: built by ``from_crawler(crawler)`` (settings read there,
  ``NotConfigured`` when its ``*_ENABLED`` flag is off), counts through
  ``self.stats`` (the crawler's stats; in a worker a recorder whose calls are
  replayed on the reactor, by the stage's class name), and
  ``process_item(item)`` returns the item, passes anything that is not its
  kind through untouched, and rejects by raising a ``crawler.pipelines.Reject``
  subclass.
- ``Offloadable``: a ``Stage`` whose ``process_item`` is decorated with
  ``offload.offloadable``; it may then depend only on the item, its settings
  and state shared between processes.
- ``Split``: an offloadable stage holding state only the crawl process has
  (an in-memory index) says so with ``commits_in_crawl`` and splits
  ``process_item`` into ``prepare(item) -> (item, state)``, pure, run by the
  worker, and ``commit(item, state) -> item``, run on the reactor.
- ``Idle``: ``idle()``, called by a worker when no item has come for
  ``offload.IDLE_AFTER`` seconds (finish what it batches), and, for a
  ``Split`` stage the worker commits, after a batch's commits.
- ``WorkerCrawler``: what a stage may read of the crawler when a worker
  builds it: ``settings``, ``stats``, ``offload_worker`` (True) and
  ``spider`` (the facts in ``offload.SPIDER_FACTS``, or None).

``problems(cls)`` says how a stage class falls short of the contract it
claims; the pipeline workers refuse such a chain at start, and a built stage
that is no ``Stage`` (no ``stats``) or splits its work without saying where
(``prepare``/``commit`` without ``commits_in_crawl``); tests/test_stages.py
checks every stage of ``ITEM_PIPELINES``.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Stage(Protocol):
    stats: Any

    @classmethod
    def from_crawler(cls, crawler: Any) -> Stage: ...

    def process_item(self, item: Any) -> Any: ...


@runtime_checkable
class Split(Stage, Protocol):
    @property
    def commits_in_crawl(self) -> bool: ...

    def prepare(self, item: Any) -> tuple[Any, Any]: ...

    def commit(self, item: Any, state: Any) -> Any: ...


@runtime_checkable
class Idle(Protocol):
    def idle(self) -> None: ...


class WorkerCrawler(Protocol):
    settings: Any
    stats: Any
    offload_worker: bool
    spider: Any


def is_offloadable(cls: type) -> bool:
    return bool(getattr(getattr(cls, "process_item", None), "offloadable", False))


def problems(cls: type) -> list[str]:
    """How the stage class ``cls`` falls short of the contract it claims (none: it holds)."""
    name = f"{cls.__module__}.{cls.__qualname__}"
    found = [f"{name}: no {member}" for member in ("from_crawler", "process_item") if not hasattr(cls, member)]
    if is_offloadable(cls):
        # (commits_in_crawl may be set per instance: the worker checks it on the built stage)
        split = [member for member in ("prepare", "commit") if hasattr(cls, member)]
        if len(split) == 1:
            found.append(f"{name}: a split stage needs {({'prepare', 'commit'} - set(split)).pop()} too")
    elif any(hasattr(cls, member) for member in ("commits_in_crawl", "prepare", "commit", "idle")):
        found.append(f"{name}: prepare/commit/idle are for offloadable stages (process_item not @offloadable)")
    return found
