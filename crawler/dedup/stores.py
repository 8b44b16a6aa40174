"""Where the near-duplicate index lives: memory, SQLite on disk, or Redis.

Every store keeps, per indexed article, an id (in insertion order), its URL
and its signature, plus (band key -> ids) rows; ``atomically`` runs a
read-check-insert body as one transaction.

- ``MemoryStore``: dictionaries; nothing survives the process (tests, one-off runs).
- ``SqliteStore``: one SQLite file in WAL mode under a directory. Every
  check-and-insert is its own ``BEGIN IMMEDIATE`` transaction, so a crash
  mid-write loses at most the article being written and never corrupts the
  file; several processes on one machine serialise on SQLite's lock.
  Committed rows of the newest ids are kept in memory (a row never changes),
  as arrays a check reads at once.
- ``RedisStore``: shared by crawler processes on several machines. Band rows
  live in hash buckets (a few dozen small fields each, which Redis stores
  compactly) instead of one key per band; check-and-insert uses optimistic
  locking (WATCH the buckets, MULTI/EXEC, retry when another process wrote).
"""

from __future__ import annotations

import os
from collections import defaultdict

import numpy as np

from crawler.dedup.index import KEY_BITS, Candidates
from crawler.dedup.text import sorted_distinct
from crawler.state.backends import open_redis, open_sqlite, with_tx

INDEX_FILE = "index.sqlite3"


class MemoryStore:
    """Band rows in a dictionary; URLs and packed signatures in arrays grown
    by doubling, so that a check's candidates are two fancy indexes, not a
    Python object per candidate."""

    def __init__(self):
        self.meta: dict[str, str] = {}
        self.size = 0  # articles indexed: the arrays' rows beyond are room to grow
        self.urls = np.empty(0, dtype=object)
        self.signatures = np.empty((0, 0), dtype="<u2")
        self.bands: dict[int, list[int]] = defaultdict(list)

    def read_meta(self) -> dict[str, str]:
        return dict(self.meta)

    def create_meta(self, meta: dict[str, str]) -> dict[str, str]:
        if not self.meta:
            self.meta.update(meta)
        return dict(self.meta)

    def atomically(self, keys, body):
        return body(self)

    def candidates(self, keys: list[int]) -> Candidates:
        found = [ids for key in keys if (ids := self.bands.get(key))]
        ids = sorted(set().union(*found)) if len(found) > 1 else found[0] if found else []
        return Candidates(self.signatures[ids], self.urls[ids])

    def add(self, url: str, signature: bytes, keys: list[int]) -> None:
        doc = self.size
        if doc == len(self.urls):
            room = max(16, 2 * doc)
            urls, signatures = np.empty(room, dtype=object), np.empty((room, len(signature) // 2), dtype="<u2")
            urls[:doc], signatures[:doc] = self.urls, self.signatures if doc else 0
            self.urls, self.signatures = urls, signatures
        self.urls[doc] = url
        self.signatures[doc] = np.frombuffer(signature, dtype="<u2")
        self.size += 1
        for key in keys:
            self.bands[key].append(doc)

    def add_many(self, rows) -> None:
        for url, signature, keys in rows:
            self.add(url, signature, keys)

    def count(self) -> int:
        return self.size

    def clear(self) -> None:
        self.__init__()  # parameters included

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


class RowCache:
    """Committed rows (url, packed signature) of the newest ``capacity`` ids,
    read for many ids at once: SQLite gives ids in order and none is ever
    deleted, so the newest ids fill slots ``id % capacity`` without clashing
    (a slot keeps the newest id put in it). Signatures are one matrix and URLs
    one array, so a check's candidates are two fancy indexes, not a Python
    object per candidate."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self.ids = np.full(capacity, -1, dtype=np.int64)
        self.urls = np.empty(capacity, dtype=object)
        self.signatures = np.empty((capacity, 0), dtype="<u2")  # sized at the first row

    def put(self, rows) -> None:
        for doc, url, signature in rows:
            slot = doc % self.capacity
            if doc < self.ids[slot]:
                continue
            if not self.signatures.shape[1]:
                self.signatures = np.zeros((self.capacity, len(signature) // 2), dtype="<u2")
            self.ids[slot], self.urls[slot] = doc, url
            self.signatures[slot] = np.frombuffer(signature, dtype="<u2")

    def get(self, ids: np.ndarray) -> tuple[Candidates, np.ndarray]:
        """The rows of ``ids`` and which of them are cached (the others' rows are stale)."""
        slots = ids % self.capacity
        return Candidates(self.signatures[slots], self.urls[slots]), self.ids[slots] == ids


class SqliteStore:
    # committed rows of the newest ids: a row never changes once written, and a new
    # article's candidates are mostly recent articles, so most checks read only ids
    # from SQLite (50,000 x 128 permutations: 13 MB)
    ROW_CACHE = 50_000
    FETCH_IDS = 10_000  # ids per query reading rows missing from the cache

    def __init__(self, directory: str, cache_mib: int = 64, commit_every: int = 1):
        self.cache = RowCache(self.ROW_CACHE)
        self.written: list[tuple[int, str, bytes]] = []  # by the open transaction: cached once committed
        # checks per commit: above 1, a check is a savepoint of a write transaction kept open
        # until that many, or ``flush`` (a commit writes ~35 pages to the WAL: 0.2 ms)
        self.commit_every = commit_every
        self.pending = 0
        self.path = os.path.join(directory, INDEX_FILE)
        self.db = open_sqlite(self.path)  # autocommit: transactions are opened explicitly below
        self.db.execute(f"PRAGMA cache_size=-{cache_mib * 1024}")
        # A savepoint keeps the pages a check changes (~33) in a sub-journal, by default a
        # temporary file: written there, each check cost ~0.1 ms more than in memory.
        self.db.execute("PRAGMA temp_store=MEMORY")
        self.db.execute("PRAGMA journal_size_limit=33554432")  # truncate the WAL to 32 MiB after checkpoints
        # Checkpoint (and fsync) every 8192 WAL pages (32 MiB) rather than 1000: each article dirties
        # ~32 band pages, so the default fsynced every ~30 articles. Commits stay one per article.
        self.db.execute("PRAGMA wal_autocheckpoint=8192")
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS docs (id INTEGER PRIMARY KEY, url TEXT NOT NULL, sig BLOB NOT NULL)"
        )
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, doc INTEGER NOT NULL,"
            " PRIMARY KEY (key, doc)) WITHOUT ROWID"
        )
        self.db.execute("COMMIT")

    def read_meta(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, value FROM meta"))

    def create_meta(self, meta: dict[str, str]) -> dict[str, str]:
        self.flush()

        def create() -> dict[str, str]:
            if not self.db.execute("SELECT 1 FROM meta LIMIT 1").fetchone():
                self.db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
            return self.read_meta()

        return with_tx(self.db, create)

    def atomically(self, keys, body):
        if self.commit_every <= 1:
            return self._transaction(lambda: body(self))
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")
        done = len(self.written)
        self.db.execute("SAVEPOINT check_and_add")
        try:
            result = body(self)
        except BaseException:
            self.db.execute("ROLLBACK TO check_and_add")
            self.db.execute("RELEASE check_and_add")
            del self.written[done:]
            raise
        self.db.execute("RELEASE check_and_add")
        self.pending += 1
        if self.pending >= self.commit_every:
            self.flush()
        return result

    def flush(self) -> None:
        """Commit the checks of the open batch (none open: nothing to do)."""
        if self.db.in_transaction:
            try:
                self.db.execute("COMMIT")
            except BaseException:
                if not self.db.in_transaction:  # SQLite rolled it back (disk full, I/O error)
                    self.written = []
                raise
        self._cache_written()
        self.pending = 0

    def _transaction(self, body):
        # a rolled-back id is given again to the next article: cache only what was committed
        self.written = []
        try:
            result = with_tx(self.db, body)
        except BaseException:
            self.written = []
            raise
        self._cache_written()
        return result

    def _cache_written(self) -> None:
        """The rows the transaction just committed go to the row cache."""
        self.cache.put(self.written)
        self.written = []

    def candidates(self, keys: list[int]) -> Candidates:
        ids = self._candidate_ids(keys)
        found, cached = self.cache.get(ids)
        if cached.all():
            return found
        missing = ~cached
        rows = self._fetch(ids[missing].tolist())
        # the open transaction's own rows (ids from its first) are cached once it commits
        self.cache.put(rows if not self.written else [row for row in rows if row[0] < self.written[0][0]])
        fetched = Candidates.from_rows(rows)
        if not cached.any():
            return fetched
        found.signatures[missing] = fetched.signatures
        found.urls[missing] = fetched.urls
        return found

    def _candidate_ids(self, keys: list[int]) -> np.ndarray:
        """Sorted distinct ids of the articles having one of the band ``keys``."""
        marks = ",".join("?" * len(keys))
        # All ids in one string, parsed by NumPy: a Python int per row cost more than the
        # query. No DISTINCT: SQLite's temporary B-tree for it cost more than the query.
        (joined,), = self.db.execute(f"SELECT group_concat(doc) FROM bands WHERE key IN ({marks})", keys)
        if joined is None:
            return np.empty(0, dtype=np.int64)
        return sorted_distinct(np.fromstring(joined, dtype=np.int64, sep=","))

    def _fetch(self, ids: list[int]) -> list[tuple[int, str, bytes]]:
        """Rows of the sorted ``ids``, in that order."""
        rows = []
        for start in range(0, len(ids), self.FETCH_IDS):  # SQLite takes at most 32,766 parameters
            chunk = ids[start : start + self.FETCH_IDS]
            marks = ",".join("?" * len(chunk))
            rows += self.db.execute(f"SELECT id, url, sig FROM docs WHERE id IN ({marks}) ORDER BY id", chunk)
        return rows

    def add(self, url: str, signature: bytes, keys: list[int]) -> None:
        doc = self.db.execute("INSERT INTO docs (url, sig) VALUES (?, ?)", (url, signature)).lastrowid
        # one statement for all band rows: executemany's per-row cost exceeded the inserts'
        values = ",".join(["(?, ?)"] * len(keys))
        self.db.execute(f"INSERT OR IGNORE INTO bands (key, doc) VALUES {values}",
                        [value for key in keys for value in (key, doc)])
        self.written.append((doc, url, signature))

    def add_many(self, rows) -> None:
        def insert() -> None:
            for url, signature, keys in rows:
                self.add(url, signature, keys)

        self.flush()
        self._transaction(insert)

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]

    def clear(self) -> None:
        def delete() -> None:
            for table in ("bands", "docs", "meta"):
                self.db.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)

        self.flush()
        with_tx(self.db, delete)
        self.cache = RowCache(self.ROW_CACHE)

    def close(self) -> None:
        if self.pending:  # checks of an open batch
            self.flush()
        self.db.close()


class RedisStore:
    """Keys under ``prefix``: ``:meta`` (hash), ``:next`` (id counter),
    ``:count``, ``:b:<bucket>`` (hash: rest of the band key -> comma-separated ids) and
    ``:d:<id // 1024>`` (hash: id -> signature bytes + URL)."""

    BUCKET_BITS = 20  # 1M band buckets: ~32 small fields each at 1M articles x 32 bands
    DOC_BUCKET = 1024

    def __init__(self, url: str, prefix: str = "dedup"):
        import redis  # only this backend needs it

        self.client = open_redis(url)
        self.prefix = prefix
        self._watch_error = redis.WatchError
        self._read_bands = self.client.register_script(
            "local out = {} for i, key in ipairs(KEYS) do"
            " out[i] = redis.call('HGET', key, ARGV[i]) or false end return out"
        )
        self._append_id = self.client.register_script(
            "local old = redis.call('HGET', KEYS[1], ARGV[1])"
            " if old then redis.call('HSET', KEYS[1], ARGV[1], old .. ',' .. ARGV[2])"
            " else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end"
        )
        # all of the meta or none, and only if there is none: two processes creating the
        # index at once must not read it half written, nor mix their values
        self._create_meta = self.client.register_script(
            "if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('HSET', KEYS[1], unpack(ARGV)) end"
        )
        self._pending: list[tuple[str, bytes, list[int]]] = []
        self._read: dict[tuple[str, bytes], bytes | None] = {}

    def _bucket(self, key: int) -> tuple[str, bytes]:
        """Band keys are 47-bit: the top bits choose the bucket, the rest is the field."""
        low_bits = KEY_BITS - self.BUCKET_BITS
        return f"{self.prefix}:b:{key >> low_bits}", (key & ((1 << low_bits) - 1)).to_bytes(4, "big")

    def read_meta(self) -> dict[str, str]:
        raw = self.client.hgetall(f"{self.prefix}:meta")
        return {k.decode(): v.decode() for k, v in raw.items()}

    def create_meta(self, meta: dict[str, str]) -> dict[str, str]:
        self._create_meta(keys=[f"{self.prefix}:meta"], args=[x for pair in meta.items() for x in pair])
        return self.read_meta()  # whoever created it: meta never changes once there

    def atomically(self, keys, body):
        buckets = [self._bucket(k) for k in keys]
        names = sorted({name for name, _ in buckets})
        with self.client.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(*names)
                    self._pending.clear()
                    values = self._read_bands(keys=[n for n, _ in buckets], args=[f for _, f in buckets], client=pipe)
                    self._read = {b: v for b, v in zip(buckets, values)}
                    result = body(self)
                    if not self._pending:
                        pipe.unwatch()
                        return result
                    doc = int(self.client.incr(f"{self.prefix}:next"))
                    pipe.multi()
                    (url, signature, band_keys), = self._pending
                    self._queue_add(pipe, doc, url, signature, band_keys)
                    pipe.incr(f"{self.prefix}:count")
                    pipe.execute()
                    return result
                except self._watch_error:
                    continue  # another process wrote one of our buckets: redo

    def candidates(self, keys: list[int]) -> Candidates:
        return Candidates.from_rows(self._fetch(self._candidate_ids(keys)))

    def _candidate_ids(self, keys: list[int]) -> list[int]:
        ids: set[int] = set()
        for key in keys:
            value = self._read.get(self._bucket(key))
            if value:
                ids.update(int(i) for i in value.split(b","))
        return sorted(ids)

    def _fetch(self, ids: list[int]) -> list[tuple[int, str, bytes]]:
        # one round trip for all candidates (stored articles never change: no WATCH needed)
        pipe = self.client.pipeline(transaction=False)
        for doc in ids:
            pipe.hget(f"{self.prefix}:d:{doc // self.DOC_BUCKET}", str(doc))
        out = []
        for doc, value in zip(ids, pipe.execute() if ids else []):
            if value is not None:
                size = int.from_bytes(value[:2], "big")
                out.append((doc, value[2 + size :].decode(), value[2 : 2 + size]))
        return out

    def add(self, url: str, signature: bytes, keys: list[int]) -> None:
        self._pending.append((url, signature, keys))  # written at EXEC, one per transaction

    def _queue_add(self, pipe, doc: int, url: str, signature: bytes, keys: list[int]) -> None:
        value = len(signature).to_bytes(2, "big") + signature + url.encode()
        pipe.hset(f"{self.prefix}:d:{doc // self.DOC_BUCKET}", str(doc), value)
        for key in keys:
            name, field = self._bucket(key)
            old = self._read.get((name, field))
            pipe.hset(name, field, (old + b"," if old else b"") + str(doc).encode())

    def add_many(self, rows) -> None:
        pipe = self.client.pipeline(transaction=False)
        first = int(self.client.incrby(f"{self.prefix}:next", len(rows))) - len(rows) + 1
        for offset, (url, signature, keys) in enumerate(rows):
            doc = first + offset
            value = len(signature).to_bytes(2, "big") + signature + url.encode()
            pipe.hset(f"{self.prefix}:d:{doc // self.DOC_BUCKET}", str(doc), value)
            for key in keys:
                name, field = self._bucket(key)
                self._append_id(keys=[name], args=[field, str(doc)], client=pipe)
        pipe.incrby(f"{self.prefix}:count", len(rows))
        pipe.execute()

    def count(self) -> int:
        value = self.client.get(f"{self.prefix}:count")
        return int(value) if value else 0

    def clear(self) -> None:
        keys = list(self.client.scan_iter(match=f"{self.prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            self.client.delete(*keys[start:start + 1000])

    def flush(self) -> None:
        pass  # every check is its own MULTI/EXEC

    def close(self) -> None:
        self.client.close()

