"""The seen-store: keys of the articles already exported. Plain Python.

Live spiders skip an article whose key (``crawler.fetching.urls.article_key``) is in
the store, and the keys of an article are added when it is exported, so a
re-run fetches only what is new. Rejects are never added: they are retried.

``SeenStore`` is the interface a store implements; ``SqliteSeenStore`` is
the embedded default (one SQLite file per spider under ``SEEN_DIR``);
``RedisSeenStore`` is shared by the crawl processes of a distributed crawl
(one Redis set per spider). The ``SEEN_STORE`` setting chooses the class.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from crawler.state.backends import open_redis, open_sqlite


def journal_path(settings: Any, name: str) -> Path:
    """The journal of the keys a store that did not answer could not take
    (``crawler.state.incremental.SeenExtension`` keeps and replays it)."""
    return Path(settings.get("SEEN_DIR") or "state/seen") / f"{name}.unmarked"


class SeenStore(Protocol):
    """What the crawl needs from a store of exported article keys."""

    @classmethod
    def from_settings(cls, settings: Any, name: str) -> SeenStore:
        """The store of the crawl named ``name`` (the spider name), from a
        settings mapping (``settings.get(NAME)``)."""

    def __contains__(self, key: str) -> bool: ...

    def add(self, keys: Iterable[str]) -> None:
        """Record keys durably: a key added must survive a killed process."""

    def clear(self) -> None: ...

    def __len__(self) -> int: ...

    def close(self) -> None: ...


class SqliteSeenStore:
    """Keys in an SQLite table, committed as they are added.

    WAL journal with ``synchronous=NORMAL``: a commit survives the process
    being killed (not a power cut), at the cost of no fsync per commit.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db = open_sqlite(self.path)
        self.db.execute("CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, added REAL NOT NULL) WITHOUT ROWID")

    @classmethod
    def from_settings(cls, settings: Any, name: str) -> SqliteSeenStore:
        return cls(Path(settings.get("SEEN_DIR") or "state/seen") / f"{name}.sqlite3")

    def __contains__(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM seen WHERE key = ?", (key,)).fetchone() is not None

    def add(self, keys: Iterable[str]) -> None:
        now = time.time()
        rows = [(key, now) for key in keys if key]
        if rows:
            with self.db:  # one transaction per call
                self.db.execute("BEGIN")
                self.db.executemany("INSERT OR IGNORE INTO seen (key, added) VALUES (?, ?)", rows)

    def clear(self) -> None:
        self.db.execute("DELETE FROM seen")

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]

    def close(self) -> None:
        self.db.close()


class RedisSeenStore:
    """Keys in one Redis set per spider, ``<SEEN_REDIS_PREFIX>:<spider>``,
    shared by every crawl process pointed at the same server.

    SADD is atomic, so two processes adding the same key agree on one
    member. Durability is the server's: a key survives a crawl process being
    killed, and survives a Redis restart only with Redis persistence on.
    """

    def __init__(self, url: str, key: str):
        self.client = open_redis(url)
        self.key = key

    @classmethod
    def from_settings(cls, settings: Any, name: str) -> RedisSeenStore:
        url = settings.get("SEEN_REDIS_URL")
        if not url:
            raise ValueError("RedisSeenStore needs SEEN_REDIS_URL (e.g. redis://host:6379/0)")
        return cls(url, f"{settings.get('SEEN_REDIS_PREFIX') or 'seen'}:{name}")

    def __contains__(self, key: str) -> bool:
        return bool(self.client.sismember(self.key, key))

    def add(self, keys: Iterable[str]) -> None:
        members = [key for key in keys if key]
        if members:
            self.client.sadd(self.key, *members)

    def clear(self) -> None:
        self.client.delete(self.key)

    def __len__(self) -> int:
        return self.client.scard(self.key)

    def close(self) -> None:
        self.client.close()
