"""The whole chain's CPU time against an lxml parse and trafilatura, on the real pages.

    python bench/chain_ratio.py [--rounds 5]

In one process, with everything built once before timing: an lxml parse of
each page of ../shared/corpus/real (``lxml.html.document_fromstring`` of the
bytes), ``trafilatura.extract`` of each, and the project's whole item
pipeline chain (crawler/testing/chain.py: extract, clean, dedup, language,
export, on this thread) on each. The three take turns in every round (their
order rotates), CPU time of this process is measured, and the median round of
each is kept, so a busy machine slows all three alike. The dedup index is
emptied between rounds (untimed), so every round sees the pages as new.

Prints the CPU time of each, the chain per stage, and the two ratios with
their targets (issue 20): chain <= 3x the lxml parse, >= 5x faster than
trafilatura.extract. Then, in one pass after the timed rounds, the memory the
extract stage holds at its peak on the page where it holds most (tracemalloc:
Python's allocations, lxml's own excluded), and on all pages summed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc

import harness  # noqa: E402,F401  (puts the repository on sys.path)

import lxml.html  # noqa: E402
import trafilatura  # noqa: E402
from scrapy.exceptions import DropItem  # noqa: E402

from crawler.dedup import open_index  # noqa: E402
from crawler.items import Page  # noqa: E402
from crawler.testing.chain import build_stages  # noqa: E402
from crawler.testing.process import SHARED  # noqa: E402

LXML_TARGET = 3.0  # chain <= 3x the lxml parse
TRAFILATURA_TARGET = 5.0  # trafilatura.extract >= 5x the chain


def real_pages() -> list[tuple[str, bytes]]:
    files = sorted((SHARED / "corpus" / "real").glob("*/*.html"))
    if not files:
        sys.exit(f"no pages under {SHARED / 'corpus' / 'real'}")
    return [(p.as_uri(), p.read_bytes()) for p in files]


def time_lxml(pages) -> float:
    start = time.process_time()
    for _, body in pages:
        lxml.html.document_fromstring(body)
    return time.process_time() - start


def time_trafilatura(pages) -> float:
    start = time.process_time()
    for url, body in pages:
        trafilatura.extract(body, url=url)
    return time.process_time() - start


def fresh_index(stages) -> None:
    """An empty in-memory dedup index for the next round (untimed)."""
    dedup = dict(stages).get("DedupPipeline")
    if dedup is not None and dedup.index is not None:
        old = dedup.index
        dedup.index = open_index("memory", old.hasher, old.threshold)


def time_chain(pages, stages, per_stage: dict[str, float]) -> float:
    fresh_index(stages)
    clock = time.process_time
    total = 0.0
    for url, body in pages:
        item = Page(url, url, body=body)
        for name, stage in stages:
            start = clock()
            try:
                item = stage.process_item(item)
            except DropItem:
                spent = clock() - start
                per_stage[name] += spent
                total += spent
                break
            spent = clock() - start
            per_stage[name] += spent
            total += spent
    return total


def extract_peaks(pages, stages) -> list[int]:
    """Bytes held at the extract stage's peak, page by page (untimed)."""
    extract = dict(stages)["ExtractPipeline"]
    peaks = []
    tracemalloc.start()
    for url, body in pages:
        tracemalloc.reset_peak()
        try:
            extract.process_item(Page(url, url, body=body))
        except DropItem:
            pass
        peaks.append(tracemalloc.get_traced_memory()[1])
    tracemalloc.stop()
    return peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    pages = real_pages()
    stages = build_stages()
    megabytes = sum(len(body) for _, body in pages) / 1e6
    runs = {
        "lxml parse": lambda: time_lxml(pages),
        "trafilatura.extract": lambda: time_trafilatura(pages),
        "chain": lambda: time_chain(pages, stages, per_stage),
    }
    names = list(runs)
    times: dict[str, list[float]] = {name: [] for name in names}
    stage_rounds: list[dict[str, float]] = []
    per_stage = {name: 0.0 for name, _ in stages}
    runs["chain"]()  # warm-up: first-call imports and caches (untimed)
    for number in range(args.rounds):
        per_stage = {name: 0.0 for name, _ in stages}
        for name in names[number % 3:] + names[: number % 3]:
            times[name].append(runs[name]())
        stage_rounds.append(per_stage)
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"{len(pages)} real pages ({megabytes:.1f} MB), CPU time of this process, "
          f"median of {args.rounds} interleaved rounds")
    print(f"{'':<22}{'ms':>9}{'ms/page':>9}")
    for name in names:
        print(f"{name:<22}{median[name] * 1000:>9.1f}{median[name] * 1000 / len(pages):>9.2f}")
    for name, _ in stages:
        seconds = statistics.median(r[name] for r in stage_rounds)
        print(f"  {name:<20}{seconds * 1000:>9.1f}{seconds * 1000 / len(pages):>9.2f}")
    over_lxml = median["chain"] / median["lxml parse"]
    under_trafilatura = median["trafilatura.extract"] / median["chain"]
    print(f"chain / lxml parse: {over_lxml:.2f}x (target <= {LXML_TARGET:g}x): "
          f"{'met' if over_lxml <= LXML_TARGET else 'NOT met'}")
    print(f"trafilatura.extract / chain: {under_trafilatura:.2f}x (target >= {TRAFILATURA_TARGET:g}x): "
          f"{'met' if under_trafilatura >= TRAFILATURA_TARGET else 'NOT met'}")
    peaks = extract_peaks(pages, stages)
    print(f"extract stage's peak memory: {max(peaks) / 1e6:.1f} MB on one page at most, "
          f"{sum(peaks) / 1e6:.0f} MB over the {len(pages)} pages")


if __name__ == "__main__":
    main()
