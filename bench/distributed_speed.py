"""Throughput of a distributed crawl: one process vs two sharing the crawl.

Runs ``scrapy crawl sohu -a author=benchN`` against the mock site
(crawler/testing/mocksite.py; N listing pages of 20 articles, N*20 + N + 1 pages) with
the full pipeline chain and no AutoThrottle, three ways: one embedded
process (no Redis: the peer), one distributed process and two distributed
processes started together, on a throwaway redis-server
(crawler/testing/redis_server.py), each crawl with its own fresh queue, seen-store and
dedup index. Twice: with no download delay (CPU-bound), and with a delay
per request (``--delay``, I/O-bound, as a polite crawl is). Prints pages/s
(responses received by all processes over the longest process's crawl
time, process start-up excluded as in bench/crawl_speed.py), the wall time
with start-up, the articles each process exported, and the ratios.

    python bench/distributed_speed.py [--pages 30] [--delay-pages 10] [--delay 0.05]

Two processes on one machine share its cores with the mock site and Redis:
with no delay the ratio says what a second process on the same machine adds.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import harness  # noqa: E402,F401  (puts the repository on sys.path)

from crawler.testing.livecrawl import MockSite, endpoint_settings, finish_crawl, start_crawl  # noqa: E402
from crawler.testing.redis_server import redis_server  # noqa: E402


def run(site: MockSite, redis_url: str | None, workdir: Path, name: str, pages: int, processes: int,
        delay: float) -> dict:
    settings = {
        **endpoint_settings(site), "DOWNLOAD_DELAY": str(delay), "AUTOTHROTTLE_ENABLED": "0",
        "TELNETCONSOLE_ENABLED": "0", "LOG_LEVEL": "INFO",
    }
    if redis_url:
        settings.update({
            "DISTRIBUTED_REDIS_URL": redis_url, "DISTRIBUTED_PREFIX": f"bench-{name}",
            "SEEN_REDIS_PREFIX": f"bench-{name}-seen", "DEDUP_REDIS_PREFIX": f"bench-{name}-dedup",
        })
    started = time.monotonic()
    procs = [start_crawl("sohu", {"author": f"bench{pages}"}, settings, workdir / name / str(i), "crawl")
             for i in range(processes)]
    crawls = [finish_crawl(proc, workdir / name / str(i), "crawl", timeout=600) for i, proc in enumerate(procs)]
    wall = time.monotonic() - started
    for crawl in crawls:
        if crawl.returncode != 0 or crawl.close_reason != "finished":
            raise SystemExit(f"{name}: crawl failed (exit {crawl.returncode})\n{crawl.log[-3000:]}")
    urls = [article["url"] for crawl in crawls for article in crawl.articles]
    if len(urls) != len(set(urls)) or len(urls) != pages * 20:
        raise SystemExit(f"{name}: {len(urls)} articles exported, {len(set(urls))} distinct; expected {pages * 20}")
    responses = sum(int(crawl.stats["response_received_count"]) for crawl in crawls)
    seconds = max(float(crawl.stats["elapsed_time_seconds"]) for crawl in crawls)
    return {"pages": responses, "seconds": seconds, "pages_per_s": responses / seconds, "wall": wall,
            "split": "+".join(str(len(crawl.articles)) for crawl in crawls)}


VARIANTS = {"embedded, one": (False, 1), "distributed, one": (True, 1), "distributed, two": (True, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=30, help="listing pages of 20 articles, no delay (default 30)")
    parser.add_argument("--delay-pages", type=int, default=10, help="listing pages with the delay (default 10)")
    parser.add_argument("--delay", type=float, default=0.05, help="DOWNLOAD_DELAY of the I/O-bound crawl (0.05 s)")
    options = parser.parse_args()
    scenarios = {f"no delay, bench{options.pages}": (options.pages, 0.0),
                 f"DOWNLOAD_DELAY {options.delay:g} s, bench{options.delay_pages}": (options.delay_pages, options.delay)}
    results: dict[str, dict[str, dict]] = {}
    with MockSite() as site, redis_server() as redis_url, tempfile.TemporaryDirectory() as tmp:
        for number, (scenario, (pages, delay)) in enumerate(scenarios.items()):
            results[scenario] = {
                variant: run(site, redis_url if shared else None, Path(tmp), f"s{number}-{processes}{'d' if shared else 'e'}",
                             pages, processes, delay)
                for variant, (shared, processes) in VARIANTS.items()
            }
    print(f"sohu author crawls from the mock site, full chain ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs)")
    for scenario, by_variant in results.items():
        print(f"\n{scenario}")
        print(f"{'variant':<17} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'wall s':>7}  articles per process")
        for variant, r in by_variant.items():
            print(f"{variant:<17} {r['pages']:>6} {r['seconds']:>8.2f} {r['pages_per_s']:>8.1f} {r['wall']:>7.2f}"
                  f"  {r['split']}")
        one, two = by_variant["distributed, one"]["pages_per_s"], by_variant["distributed, two"]["pages_per_s"]
        embedded = by_variant["embedded, one"]["pages_per_s"]
        print(f"two processes / one: {two / one:.2f}x; distributed one / embedded one: {one / embedded:.2f}x")


if __name__ == "__main__":
    main()
