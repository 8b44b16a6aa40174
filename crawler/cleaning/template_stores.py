"""Where learned templates live: memory, SQLite on disk, or Redis.

Beside the near-duplicate index and on the same backends
(``crawler.state.backends``). Every store keeps the ids of the articles
learned (an article counts once), and per template form: how many articles
hold it, the bits of their sources and of its slot values, and per (form,
source) how many of that source's articles hold it at their head or tail.
``observe`` records an article and reads back its forms in one atomic step,
so processes sharing a store (pipeline workers, distributed crawls) count
every article once and each sees the counts with its own article in them.

- ``MemoryTemplateStore``: dictionaries; this process only.
- ``SqliteTemplateStore``: ``templates.sqlite3`` under a directory, one
  ``BEGIN IMMEDIATE`` transaction per article.
- ``RedisTemplateStore``: keys under a prefix; one Lua script per article
  (Redis runs a script alone: no other client's write comes between).

A store records the scheme of the forms it holds and refuses another
(``TemplateStoreMismatch``): reset it (``clear``, or delete its directory or
its Redis keys) after changing how forms are made.
"""

from __future__ import annotations

import os
from collections import defaultdict

from crawler.cleaning.templates import BITS, Stats
from crawler.state.backends import open_redis, open_sqlite, with_tx

STORE_FILE = "templates.sqlite3"
SCHEME = "templates-v2"  # how forms are made (crawler/cleaning/templates.py); a change needs a reset
BACKENDS = ("disk", "redis", "memory")


class TemplateStoreMismatch(Exception):
    """The store holds forms made another way."""


def _mismatch(found: str) -> TemplateStoreMismatch:
    return TemplateStoreMismatch(
        f"the template store holds forms of scheme {found!r}, not {SCHEME!r}: reset it "
        "(CLEAN_TEMPLATES_RESET, or delete its directory or Redis keys)")


class MemoryTemplateStore:
    def __init__(self):
        self.articles: set[int] = set()
        self.forms: dict[int, list[int]] = {}  # key -> [articles, source bits, variant bits]
        self.edges: dict[tuple[int, int], int] = defaultdict(int)

    def observe(self, article, source, units, learn):
        if learn and article not in self.articles:
            self.articles.add(article)
            for key, variant, edge in units:
                form = self.forms.setdefault(key, [0, 0, 0])
                form[0] += 1
                form[1] |= 1 << (source % BITS)
                form[2] |= 1 << variant
                if edge:
                    self.edges[key, source] += 1
        return [Stats(*self.forms.get(key, (0, 0, 0)), self.edges.get((key, source), 0)) for key, _, _ in units]

    def count(self) -> int:
        return len(self.articles)

    def clear(self) -> None:
        self.__init__()

    def close(self) -> None:
        pass


class SqliteTemplateStore:
    def __init__(self, directory: str):
        self.path = os.path.join(directory, STORE_FILE)
        self.db = open_sqlite(self.path)

        def create():
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self.db.execute("CREATE TABLE IF NOT EXISTS articles (id INTEGER PRIMARY KEY)")
            self.db.execute("CREATE TABLE IF NOT EXISTS forms (key INTEGER PRIMARY KEY, articles INTEGER NOT NULL,"
                            " sources INTEGER NOT NULL, variants INTEGER NOT NULL)")
            self.db.execute("CREATE TABLE IF NOT EXISTS edges (key INTEGER NOT NULL, source INTEGER NOT NULL,"
                            " articles INTEGER NOT NULL, PRIMARY KEY (key, source)) WITHOUT ROWID")
            self.db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('scheme', ?)", (SCHEME,))
            return self.db.execute("SELECT value FROM meta WHERE key = 'scheme'").fetchone()[0]

        found = with_tx(self.db, create)
        if found != SCHEME:
            self.db.close()
            raise _mismatch(found)

    def observe(self, article, source, units, learn):
        if not learn:
            return self._read(source, units)

        def body():
            if self.db.execute("INSERT OR IGNORE INTO articles (id) VALUES (?)", (article,)).rowcount:
                self.db.executemany(
                    "INSERT INTO forms (key, articles, sources, variants) VALUES (?, 1, ?, ?) ON CONFLICT (key)"
                    " DO UPDATE SET articles = articles + 1, sources = sources | excluded.sources,"
                    " variants = variants | excluded.variants",
                    [(key, 1 << (source % BITS), 1 << variant) for key, variant, _ in units])
                self.db.executemany(
                    "INSERT INTO edges (key, source, articles) VALUES (?, ?, 1) ON CONFLICT (key, source)"
                    " DO UPDATE SET articles = articles + 1",
                    [(key, source) for key, _, edge in units if edge])
            return self._read(source, units)

        return with_tx(self.db, body)

    def _read(self, source, units) -> list[Stats]:
        keys = [key for key, _, _ in units]  # at most templates.MAX_UNITS: one query each
        marks = ",".join("?" * len(keys))
        forms = {row[0]: row[1:] for row in self.db.execute(
            f"SELECT key, articles, sources, variants FROM forms WHERE key IN ({marks})", keys)}
        edges = dict(self.db.execute(
            f"SELECT key, articles FROM edges WHERE source = ? AND key IN ({marks})", [source, *keys]))
        return [Stats(*forms.get(key, (0, 0, 0)), edges.get(key, 0)) for key in keys]

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def clear(self) -> None:
        with_tx(self.db, lambda: [self.db.execute(f"DELETE FROM {table}") for table in ("articles", "forms", "edges")])

    def close(self) -> None:
        self.db.close()


class RedisTemplateStore:
    """Keys under ``prefix``: ``:meta`` (hash: the scheme), ``:articles`` (set
    of article ids) and ``:f:<bucket>`` (hashes; per form, fields ``<key>a``
    articles, ``<key>s`` source bits, ``<key>v`` variant bits, and
    ``<key><source>`` that source's articles holding it at an edge; keys and
    sources as 8 bytes)."""

    BUCKET_BITS = 16  # 65,536 hashes of small fields, which Redis stores compactly

    # KEYS: articles set, then one bucket per unit; ARGV: learn, article, source, source bit,
    # then per unit: key, variant bit, edge
    _OBSERVE = """
local new = 0
if ARGV[1] == '1' then new = redis.call('SADD', KEYS[1], ARGV[2]) end
local source, sbit = ARGV[3], tonumber(ARGV[4])
local out = {}
for i = 2, #KEYS do
  local h, j = KEYS[i], 5 + (i - 2) * 3
  local f = ARGV[j]
  if new == 1 then
    redis.call('HINCRBY', h, f .. 'a', 1)
    redis.call('HSET', h, f .. 's', bit.bor(tonumber(redis.call('HGET', h, f .. 's') or '0'), sbit))
    redis.call('HSET', h, f .. 'v', bit.bor(tonumber(redis.call('HGET', h, f .. 'v') or '0'), tonumber(ARGV[j + 1])))
    if ARGV[j + 2] == '1' then redis.call('HINCRBY', h, f .. source, 1) end
  end
  out[i - 1] = redis.call('HMGET', h, f .. 'a', f .. 's', f .. 'v', f .. source)
end
return out
"""

    def __init__(self, url: str, prefix: str = "templates"):
        self.client = open_redis(url)
        self.prefix = prefix
        self._observe = self.client.register_script(self._OBSERVE)
        self.client.hsetnx(f"{prefix}:meta", "scheme", SCHEME)
        found = self.client.hget(f"{prefix}:meta", "scheme").decode()
        if found != SCHEME:
            self.client.close()
            raise _mismatch(found)

    def observe(self, article, source, units, learn):
        keys = [f"{self.prefix}:articles"]
        args: list = ["1" if learn else "0", article.to_bytes(8, "big"), source.to_bytes(8, "big"),
                      1 << (source % BITS)]
        for key, variant, edge in units:
            keys.append(f"{self.prefix}:f:{key >> (63 - self.BUCKET_BITS)}")
            args += [key.to_bytes(8, "big"), 1 << variant, "1" if edge else "0"]
        rows = self._observe(keys=keys, args=args)
        return [Stats(*(int(value or 0) for value in row)) for row in rows]

    def count(self) -> int:
        return int(self.client.scard(f"{self.prefix}:articles"))

    def clear(self) -> None:
        for name in self.client.scan_iter(match=f"{self.prefix}:*", count=1000):
            if name != f"{self.prefix}:meta".encode():
                self.client.delete(name)

    def close(self) -> None:
        self.client.close()


def open_template_store(backend: str, *, directory: str = "state/templates",
                        redis_url: str = "redis://127.0.0.1:6379/0", redis_prefix: str = "templates"):
    """The template store on the chosen backend (see the module's docstring)."""
    if backend == "disk":
        return SqliteTemplateStore(directory)
    if backend == "redis":
        return RedisTemplateStore(redis_url, redis_prefix)
    if backend == "memory":
        return MemoryTemplateStore()
    raise ValueError(f"unknown template store backend {backend!r}: choose one of {', '.join(BACKENDS)}")
