"""Index size, memory and query latency as the index grows.

Synthetic signatures (random, num_perm=128, the default bands) are loaded in
batches into the embedded disk index (SQLite, the default backend); at each
checkpoint the script prints the files' size on disk, the process's resident
memory, the load rate and the latency of check-and-add (half of the queries
near-duplicates of indexed articles, half new). Peer in the same run, up to
--peer-max: datasketch's in-memory MinHashLSH with the same bands, holding
LeanMinHash signatures. --redis also loads a throwaway redis-server (from
PATH) and reports its used memory.

    python bench/dedup_scale.py                 # 10k, 100k (about a minute)
    python bench/dedup_scale.py --max 1000000   # adds 1M (several minutes)
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

import harness  # noqa: E402,F401  (puts the repository on sys.path)

from crawler.dedup import MinHasher, open_index  # noqa: E402

NUM_PERM = 128
BATCH = 20_000
QUERIES = 2_000


def rss_mib() -> float:
    """Resident memory now, after handing freed heap back to the system (glibc),
    so batches already written do not count."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def dir_mib(path: str) -> float:
    """Everything in the index directory: the database, its WAL and shared-memory file."""
    return sum(f.stat().st_size for f in Path(path).iterdir()) / 2**20


def signatures(rng: np.random.Generator, count: int) -> np.ndarray:
    return rng.integers(0, 2**32, (count, NUM_PERM), dtype=np.uint64).astype(np.uint32)


def near_copies(rng, originals: np.ndarray, agree: float) -> np.ndarray:
    """Signatures agreeing with ``originals`` on ``agree`` of their positions (~ Jaccard)."""
    copies = signatures(rng, len(originals))
    keep = rng.random(copies.shape) < agree
    copies[keep] = originals[keep]
    return copies


def latency(index, rng, loaded_rows: np.ndarray) -> tuple[float, float, float]:
    """(mean ms, p99 ms, share found) of check_and_add over QUERIES queries."""
    half = QUERIES // 2
    pick = rng.integers(0, len(loaded_rows), half)
    queries = np.concatenate([near_copies(rng, loaded_rows[pick], 0.8), signatures(rng, half)])
    times, found = [], 0
    for n, signature in enumerate(queries):
        start = time.perf_counter()
        found += index.check_and_add(f"https://q.example/{n}-{rng.integers(1 << 40)}", signature) is not None
        times.append((time.perf_counter() - start) * 1000)
    return statistics.fmean(times), float(np.percentile(times, 99)), found / len(queries)


def grow(index, rng, checkpoints: list[int], batch: int):
    """Load random signatures up to each checkpoint; yield (load rate/s, query stats)."""
    sample_rows = []  # a sample of loaded signatures, for near-duplicate queries
    loaded = 0
    for target in checkpoints:
        start, before = time.perf_counter(), loaded
        while loaded < target:
            count = min(batch, target - loaded)
            rows = signatures(rng, count)
            index.add_many([f"https://example.org/a/{loaded + i}" for i in range(count)], rows)
            sample_rows.append(rows[:: max(1, count // 50)])
            loaded += count
        rate = (loaded - before) / (time.perf_counter() - start)
        yield rate, latency(index, rng, np.concatenate(sample_rows))


def bench_disk(checkpoints: list[int], seed: int) -> None:
    print("embedded disk index (SQLite WAL; default backend)")
    print(f"{'articles':>10} {'disk MiB':>9} {'RSS MiB':>8} {'load/s':>9} {'query ms':>9} {'p99 ms':>7} {'found':>6}")
    with tempfile.TemporaryDirectory() as directory:
        index = open_index("disk", MinHasher(NUM_PERM, 5), 0.5, directory=directory)
        for rate, (mean, p99, found) in grow(index, np.random.default_rng(seed), checkpoints, BATCH):
            print(f"{len(index):>10} {dir_mib(directory):>9.0f} {rss_mib():>8.0f} {rate:>9.0f} "
                  f"{mean:>9.3f} {p99:>7.3f} {found:>6.2f}")
        index.close()


def bench_datasketch(checkpoints: list[int], seed: int, bands: int, rows: int) -> None:
    from datasketch import LeanMinHash, MinHashLSH

    print(f"peer: datasketch MinHashLSH in memory, same bands ({bands}x{rows}), LeanMinHash values")
    print(f"{'articles':>10} {'RSS +MiB':>9} {'insert/s':>9} {'query ms':>9}")
    rng = np.random.default_rng(seed)
    gc.collect()
    base = rss_mib()
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(bands, rows))
    loaded = previous = 0
    for target in checkpoints:
        start = time.perf_counter()
        while loaded < target:
            count = min(BATCH, target - loaded)
            batch = signatures(rng, count)
            with lsh.insertion_session() as session:
                for i, values in enumerate(batch):
                    session.insert(loaded + i, LeanMinHash(seed=1, hashvalues=values, scheme="legacy"))
            loaded += count
        rate = (target - previous) / (time.perf_counter() - start)
        previous = target
        probes = [LeanMinHash(seed=1, hashvalues=v, scheme="legacy") for v in signatures(rng, 500)]
        start = time.perf_counter()
        for probe in probes:
            lsh.query(probe)
        query_ms = (time.perf_counter() - start) / len(probes) * 1000
        print(f"{loaded:>10} {rss_mib() - base:>9.0f} {rate:>9.0f} {query_ms:>9.3f}")


def bench_redis(checkpoints: list[int], seed: int) -> None:
    import redis
    from crawler.testing.redis_server import redis_server

    print("Redis backend (throwaway redis-server): used memory")
    print(f"{'articles':>10} {'used MiB':>9} {'load/s':>9} {'query ms':>9} {'p99 ms':>7}")
    with redis_server() as url:
        index = open_index("redis", MinHasher(NUM_PERM, 5), 0.5, redis_url=url)
        client = redis.Redis.from_url(url)
        for rate, (mean, p99, _) in grow(index, np.random.default_rng(seed), checkpoints, 5_000):
            used = client.info("memory")["used_memory"] / 2**20
            print(f"{len(index):>10} {used:>9.0f} {rate:>9.0f} {mean:>9.3f} {p99:>7.3f}")
        index.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=100_000, help="largest index size (default 100000)")
    parser.add_argument("--peer-max", type=int, default=100_000, help="largest size for the datasketch peer")
    parser.add_argument("--redis", action="store_true", help="also measure the Redis backend (up to --peer-max)")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    checkpoints = [n for n in (10_000, 100_000, 1_000_000, 10_000_000) if n <= args.max] or [args.max]
    index = open_index("memory", MinHasher(NUM_PERM, 5), 0.5)
    print(f"num_perm={NUM_PERM}, threshold 0.5 -> {index.bands} bands x {index.rows} rows; "
          f"{QUERIES} check-and-add queries per checkpoint (half near-duplicates)")
    bench_disk(checkpoints, args.seed)
    peer_points = [n for n in checkpoints if n <= args.peer_max]
    bench_datasketch(peer_points, args.seed, index.bands, index.rows)
    if args.redis:
        bench_redis(peer_points, args.seed)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
