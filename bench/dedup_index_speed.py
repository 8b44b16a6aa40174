"""Cross-article index check speed: ``LSHIndex.check_and_add`` per article on
each backend, with the digests that show two versions give the same results.

Workloads (signatures computed before timing, as the dedup stage does:
``normalize`` + ``shingle_set`` + ``MinHasher``):
- mock: ``--mock`` Sohu pages of the crawl bench's mock site
  (``crawler.testing.mocksite.sohu_page(n, 8000, host)``) parsed with ``parse_page``.
  Their invented texts share many shingles: each check meets ~100-300 LSH
  candidates, the worst case for the per-candidate work.
- real: the real pages under ../shared (as bench/dedup_speed.py), cycled
  ``--rounds`` times under two alternating URLs: few candidates, repeats under
  another URL and under the same URL.

Per workload and value of ``same_url_is_duplicate``: ms per check on the disk index in a pipeline worker's mode
(``commit_every=16``), the disk index committing every check, and the
memory index (the peer: dicts, no SQL), the ratio disk/memory; then an md5
of the sequence of (url, match url, similarity) and of the final docs and
bands tables, to compare across commits.

    python bench/dedup_index_speed.py [--mock 2000] [--rounds 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import tempfile
import time
from pathlib import Path

import harness  # noqa: E402,F401  (puts the repository on sys.path)

from bench.dedup_speed import real_articles  # noqa: E402
from crawler.dedup import MinHasher, open_index  # noqa: E402
from crawler.dedup.stores import INDEX_FILE  # noqa: E402
from crawler.dedup.text import normalize, shingle_set  # noqa: E402
from crawler.parsing import parse_page  # noqa: E402
from crawler.testing.mocksite import sohu_page  # noqa: E402

THRESHOLD = 0.5
WORKER_COMMIT_EVERY = 16  # DEDUP_COMMIT_EVERY's default


def mock_texts(count: int) -> list[tuple[str, str]]:
    host = "https://www.sohu.com"
    out = []
    for n in range(800000000, 800000000 + count):
        url = f"{host}/a/{n}_8000"
        out.append((url, parse_page(sohu_page(n, 8000, host), url).text))
    return out


def real_texts(rounds: int) -> list[tuple[str, str]]:
    """Rounds alternate between two URLs per text: every other round fetches the same pages again."""
    texts = [a.text for a in real_articles()]
    return [(f"https://example.org/{r % 2}/{i}", t) for r in range(rounds) for i, t in enumerate(texts)]


def run(backend: str, commit_every: int, same_url: bool, stream, hasher: MinHasher) -> tuple[float, list, str]:
    """(seconds, results, md5 of the tables on disk or '')."""
    with tempfile.TemporaryDirectory() as directory:
        index = open_index(backend, hasher, THRESHOLD, directory=directory, commit_every=commit_every)
        start = time.perf_counter()
        results = [index.check_and_add(url, signature, same_url) for url, signature in stream]
        index.flush()
        elapsed = time.perf_counter() - start
        index.close()
        tables = ""
        if backend == "disk":
            db = sqlite3.connect(Path(directory) / INDEX_FILE)
            digest = hashlib.md5()
            for row in db.execute("SELECT id, url, sig FROM docs ORDER BY id"):
                digest.update(repr(row).encode())
            for row in db.execute("SELECT key, doc FROM bands ORDER BY key, doc"):
                digest.update(repr(row).encode())
            db.close()
            tables = digest.hexdigest()
    return elapsed, results, tables


def results_md5(stream, results) -> str:
    digest = hashlib.md5()
    for (url, _), match in zip(stream, results):
        digest.update(repr((url, match and match.url, match and match.similarity)).encode())
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mock", type=int, default=2000, help="mock-site articles")
    parser.add_argument("--rounds", type=int, default=20, help="passes over the real corpus")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each variant; the best is reported")
    args = parser.parse_args()
    hasher = MinHasher(128, 5)

    workloads = (("mock", mock_texts(args.mock)), ("real", real_texts(args.rounds)))
    for name, texts in workloads:
        stream = [(url, hasher.signature(shingle_set(normalize(text), hasher.shingle_size))) for url, text in texts]
        print(f"{name}: {len(stream)} articles")
        # same_url_is_duplicate: False as in a live crawl (seen-store on), True as in `files`
        for same_url in (False, True):
            print(f"  same_url_is_duplicate={same_url}")
            times = {}
            for label, backend, commit_every in (
                (f"disk, commit_every={WORKER_COMMIT_EVERY}", "disk", WORKER_COMMIT_EVERY),
                ("disk, commit_every=1", "disk", 1),
                ("memory (peer)", "memory", 1),
            ):
                best = None
                for _ in range(args.repeat):
                    elapsed, results, tables = run(backend, commit_every, same_url, stream, hasher)
                    best = elapsed if best is None else min(best, elapsed)
                times[label] = best
                found = sum(r is not None for r in results)
                print(f"    {label:<24} {best / len(stream) * 1000:6.3f} ms/check  {found:4} near-duplicates"
                      f"  results md5 {results_md5(stream, results)}" + (f"  tables md5 {tables}" if tables else ""))
            worker = times[f"disk, commit_every={WORKER_COMMIT_EVERY}"]
            print(f"    disk (commit_every={WORKER_COMMIT_EVERY}) / memory: {worker / times['memory (peer)']:.2f}x")

if __name__ == "__main__":
    main()
