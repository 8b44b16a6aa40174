"""Connections of the stores that outlive a crawl: SQLite on disk, Redis.

The dedup index (``crawler.dedup.stores``), the seen-store
(``crawler.state.seen``) and the learned templates
(``crawler.cleaning.template_stores``) open their backends here, so that
they share one journal mode, one lock timeout and one start-up check.
Plain Python; ``redis`` is imported only by the Redis backend.
"""

from __future__ import annotations

import os
import sqlite3
import time


def open_sqlite(path: str | os.PathLike, timeout: float = 60) -> sqlite3.Connection:
    """An SQLite file in WAL mode, its directory made, in autocommit mode
    (transactions are opened explicitly, e.g. by ``with_tx``).

    ``synchronous=NORMAL``: a commit survives the process being killed (not
    a power cut), and the file is never corrupt; several processes on one
    machine serialise on SQLite's lock, each waiting up to ``timeout`` s.
    """
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, timeout=timeout)
    deadline = time.monotonic() + timeout
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            # SQLite answers a change of journal mode that meets another
            # connection's lock at once, without waiting for the lock: two
            # pipeline workers opening a new file together failed 1 time in 10
            if "locked" not in str(exc) or time.monotonic() > deadline:
                db.close()
                raise
            time.sleep(0.005)
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def with_tx(db: sqlite3.Connection, body):
    """Run ``body`` in one write transaction: all of it is stored, or none."""
    db.execute("BEGIN IMMEDIATE")
    try:
        result = body()
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return result


def open_redis(url: str):
    """A Redis client, checked at once: a store fails at start, not at its first use."""
    import redis  # only the Redis backends need it

    client = redis.Redis.from_url(url)
    client.ping()
    return client
