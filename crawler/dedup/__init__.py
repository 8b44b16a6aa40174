"""Deduplication: repeated blocks inside an article, near-duplicate articles
across the crawl (MinHash over character shingles). Plain Python, no Scrapy.

- ``text``: normalisation, sentence bounds, shingle hashes.
- ``minhash``: batch MinHash signatures and LSH band parameters.
- ``blocks``: within-article block dedup with seam splitting.
- ``index`` / ``stores``: the persistent cross-article LSH index.
"""

from __future__ import annotations

from crawler.dedup.blocks import BlockDedup, dedup_blocks
from crawler.dedup.index import IndexMismatch, LSHIndex, Match
from crawler.dedup.minhash import MinHasher
from crawler.dedup.stores import MemoryStore, RedisStore, SqliteStore

BACKENDS = ("disk", "redis", "memory")


def open_index(
    backend: str,
    hasher: MinHasher,
    threshold: float,
    *,
    directory: str = "state/dedup",
    redis_url: str = "redis://127.0.0.1:6379/0",
    redis_prefix: str = "dedup",
    commit_every: int = 1,
) -> LSHIndex:
    """The cross-article index on the chosen backend (see ``stores``);
    ``commit_every``: checks per commit on disk (see ``SqliteStore``)."""
    if backend == "disk":
        store = SqliteStore(directory, commit_every=commit_every)
    elif backend == "redis":
        store = RedisStore(redis_url, redis_prefix)
    elif backend == "memory":
        store = MemoryStore()
    else:
        raise ValueError(f"unknown dedup backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    try:
        return LSHIndex(store, hasher, threshold)
    except BaseException:
        store.close()
        raise


__all__ = [
    "BACKENDS", "BlockDedup", "IndexMismatch", "LSHIndex", "Match", "MemoryStore", "MinHasher",
    "RedisStore", "SqliteStore", "dedup_blocks", "open_index",
]
