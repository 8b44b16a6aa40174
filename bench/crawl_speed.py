"""Crawl throughput of a live spider with and without the item pipelines.

Runs ``scrapy crawl sohu -a author=benchN`` against the mock site
(tests/mocksite.py; N listing pages of 20 articles, N*20 + N + 1 pages) twice
in this one run: with the project's full pipeline chain, and with
``ITEM_PIPELINES={}`` (pages fetched and handed over, nothing parsed).
No download delay, no AutoThrottle, a fresh seen-store each time. Prints
pages/s of each (pages = responses received, over the crawl's own elapsed
time), the share of throughput the chain costs, and each crawl's peak RSS.

    python bench/crawl_speed.py [--pages 100] [--repeat 1]

Targets: the chain costs <= 20% of throughput; peak RSS <= 300 MB.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.livecrawl import MockSite, endpoint_settings, finish_crawl, start_crawl  # noqa: E402

CHAIN_COST_TARGET = 0.20
RSS_TARGET_MB = 300


def run(site: MockSite, workdir: Path, name: str, pages: int, extra: dict[str, str]) -> dict[str, float]:
    settings = {
        **endpoint_settings(site), "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "0",
        "TELNETCONSOLE_ENABLED": "0", "LOG_LEVEL": "INFO",
        "SEEN_DIR": str(workdir / name / "seen"), **extra,
    }
    proc = start_crawl("sohu", {"author": f"bench{pages}"}, settings, workdir / name, "crawl")
    # wait4 gives this child's own resource usage: its peak RSS
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    crawl = finish_crawl(proc, workdir / name, "crawl")
    if crawl.returncode != 0 or crawl.close_reason != "finished":
        raise SystemExit(f"{name}: crawl failed (exit {crawl.returncode})\n{crawl.log[-3000:]}")
    responses = int(crawl.stats["response_received_count"])
    seconds = float(crawl.stats["elapsed_time_seconds"])
    return {"pages": responses, "seconds": seconds, "pages_per_s": responses / seconds,
            "articles": len(crawl.articles), "rss_mb": usage.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100, help="listing pages of 20 articles (default 100)")
    parser.add_argument("--repeat", type=int, default=1, help="crawls per variant; the best is kept")
    options = parser.parse_args()
    variants = {"no pipelines": {"ITEM_PIPELINES": "{}"}, "full chain": {}}
    best: dict[str, dict[str, float]] = {}
    with MockSite() as site, tempfile.TemporaryDirectory() as tmp:
        for attempt in range(options.repeat):
            for name, extra in variants.items():
                result = run(site, Path(tmp), f"{name.replace(' ', '_')}{attempt}", options.pages, extra)
                if name not in best or result["pages_per_s"] > best[name]["pages_per_s"]:
                    best[name] = result
    print(f"crawl of sohu author bench{options.pages} from the mock site, no delay "
          f"({time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs)")
    print(f"{'variant':<14} {'pages':>6} {'articles':>8} {'seconds':>8} {'pages/s':>8} {'peak RSS MB':>12}")
    for name, r in best.items():
        print(f"{name:<14} {r['pages']:>6} {r['articles']:>8} {r['seconds']:>8.2f} {r['pages_per_s']:>8.1f}"
              f" {r['rss_mb']:>12.0f}")
    cost = 1 - best["full chain"]["pages_per_s"] / best["no pipelines"]["pages_per_s"]
    peak = max(r["rss_mb"] for r in best.values())
    print(f"chain cost: {cost:.0%} of throughput (target <= {CHAIN_COST_TARGET:.0%}): "
          f"{'met' if cost <= CHAIN_COST_TARGET else 'NOT met'}")
    print(f"peak RSS: {peak:.0f} MB (target <= {RSS_TARGET_MB} MB): {'met' if peak <= RSS_TARGET_MB else 'NOT met'}")


if __name__ == "__main__":
    main()
