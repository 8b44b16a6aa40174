"""Dedup speed on real article texts: signatures, signature + index query,
and the whole stage, against datasketch peers measured in the same run.

Texts: every page under ../shared/corpus/real that parses to an article,
plus the two seeds, parsed with crawler.parsing.parse_page (parsing is not
timed). The set is cycled for --rounds rounds; from the second round on the
index finds each text again (a near-duplicate), so queries see hits and misses.

    python bench/dedup_speed.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time

from harness import ROOT as REPO  # noqa: E402  (the repository, put on sys.path)

from datasketch import MinHash  # noqa: E402

from crawler.dedup import MinHasher, dedup_blocks, open_index  # noqa: E402
from crawler.dedup.text import normalize, shingle_set  # noqa: E402
from crawler.errors import Rejection  # noqa: E402
from crawler.parsing import parse_page  # noqa: E402

SHARED = REPO.parent / "shared"


def real_articles():
    paths = sorted((SHARED / "corpus" / "real").rglob("*.html")) + sorted((SHARED / "seeds").iterdir())
    if not paths:
        sys.exit(f"no pages under {SHARED}: ../shared must sit beside the checkout")
    articles = []
    for path in paths:
        try:
            articles.append(parse_page(path.read_bytes(), path.as_uri(), name=path.name))
        except Rejection:
            continue
    return articles


def char_shingles(text: str, size: int) -> list[bytes]:
    norm = normalize(text)
    return [norm[i : i + size].encode() for i in range(max(1, len(norm) - size + 1))]


def timed(label: str, count: int, run) -> float:
    start = time.perf_counter()
    run()
    elapsed = time.perf_counter() - start
    print(f"  {label:<58} {count / elapsed:>9.0f} articles/s")
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--num-perm", type=int, default=128)
    parser.add_argument("--shingle", type=int, default=5)
    args = parser.parse_args()

    articles = real_articles()
    texts = [a.text for a in articles]
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} real article texts, {chars} characters "
          f"(mean {chars // len(texts)}, max {max(map(len, texts))}); {args.rounds} rounds; "
          f"num_perm={args.num_perm}, shingle={args.shingle}")
    hasher = MinHasher(args.num_perm, args.shingle)
    stream = texts * args.rounds
    total = len(stream)

    print("signature only")
    peer_shingles = [char_shingles(t, args.shingle) for t in texts]

    def datasketch_update_loop():
        for shingles in peer_shingles * max(1, args.rounds // 10):
            m = MinHash(num_perm=args.num_perm)
            for s in shingles:  # the plain peer: one update() per shingle
                m.update(s)

    def datasketch_bulk():
        MinHash.bulk(peer_shingles * max(1, args.rounds // 10), num_perm=args.num_perm)

    def ours():
        for text in stream:
            hasher.signature(shingle_set(normalize(text), args.shingle))

    peer_count = len(texts) * max(1, args.rounds // 10)
    loop_rate = timed("datasketch MinHash, update() per shingle (peer)", peer_count, datasketch_update_loop)
    bulk_rate = timed("datasketch MinHash.bulk (peer)", peer_count, datasketch_bulk)
    our_rate = timed("crawler.dedup MinHasher (normalise + shingle + sign)", total, ours)
    print(f"  ratio: {our_rate / loop_rate:.1f}x the update() loop, {our_rate / bulk_rate:.1f}x MinHash.bulk")

    print("signature + query/insert in the index (first round inserts, later rounds find)")
    for backend in ("memory", "disk"):
        with tempfile.TemporaryDirectory() as directory:
            index = open_index(backend, hasher, 0.5, directory=directory)

            def sign_and_query():
                for n, text in enumerate(stream):
                    signature = hasher.signature(shingle_set(normalize(text), args.shingle))
                    index.check_and_add(f"https://example.org/{n}", signature)

            rate = timed(f"{backend} index ({'SQLite WAL, one transaction per article' if backend == 'disk' else 'dicts'})",
                         total, sign_and_query)
            index.close()
    print(f"  target >= 500 articles/s: {'met' if rate >= 500 else 'NOT met'} on disk")

    print("whole stage: block dedup + signature + query (disk)")
    with tempfile.TemporaryDirectory() as directory:
        index = open_index("disk", hasher, 0.5, directory=directory)
        block_lists = [a.blocks for a in articles] * args.rounds

        def stage():
            for n, blocks in enumerate(block_lists):
                kept = dedup_blocks(blocks, hasher).blocks
                text = "\n".join(b["text"] for b in kept)
                index.check_and_add(f"https://example.org/{n}", hasher.signature(shingle_set(normalize(text), args.shingle)))

        timed("dedup stage on parsed blocks", total, stage)
        index.close()


if __name__ == "__main__":
    main()
