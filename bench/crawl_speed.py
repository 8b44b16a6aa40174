"""Crawl throughput of a live spider with and without the item pipelines.

Runs ``scrapy crawl sohu -a author=benchN`` against the mock site
(crawler/testing/mocksite.py; N listing pages of 20 articles, N*20 + N + 1 pages) in
this one run: with ``ITEM_PIPELINES={}`` (pages fetched and handed over,
nothing parsed), with the project's full pipeline chain in one worker
process (``PIPELINE_WORKERS=1``, the default), and with the chain on the
reactor thread (``PIPELINE_WORKERS=0``); with ``--neighbour``, also
without pipelines beside a busy neighbour: a process running the chain's
stages on the same mock pages in a loop (a worker's work, with no crawl to
feed it; ``bench/pipeline_stages.py``'s stages),
which shows what one busy process costs the crawl on this machine whatever
the crawl does with it. The variants take turns, ``--repeat`` times each,
and the median of each is reported. No download delay, no AutoThrottle, a
fresh seen-store and dedup index each time; one request at a time to the mock
site, the project's ``CONCURRENT_REQUESTS_PER_DOMAIN`` (``--per-host N``: N
at once, which makes the crawl CPU-bound on a small machine). Prints pages/s of each (pages =
responses received, over the crawl's own elapsed time), the share of
throughput the chain costs, peak RSS (of the crawl process, and of the crawl
with its pipeline workers, sampled every 50 ms) and the CPU time per page of
the crawl process, its workers and the mock site, which share the machine;
and the CPU all three used per page from the spider's opening to the end,
against what the target's pages/s would leave on this machine's CPUs.

    python bench/crawl_speed.py [--pages 100] [--repeat 3] [--per-host 1] [--set NAME=VALUE] [--neighbour]

Targets: the chain costs <= 20% of throughput; the crawl process spends at most
1.2x the CPU per page with the chain in a worker as without pipelines (issue
20; whole run, start-up included); peak RSS <= 300 MB.
"""

from __future__ import annotations

import argparse
import copy
import multiprocessing
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from harness import cpu_seconds, tree_sample  # noqa: E402  (importing harness puts the repository on sys.path)

from crawler.testing.livecrawl import MockSite, endpoint_settings, finish_crawl, start_crawl  # noqa: E402

CHAIN_COST_TARGET = 0.20
RSS_TARGET_MB = 300
CRAWL_SIDE_TARGET = 1.2  # crawl process CPU per page: chain in a worker / no pipelines


def busy_neighbour(ready, stop) -> None:
    """The chain's stages on the crawl's mock pages, round after round (each
    with a fresh in-memory dedup index, so no page turns duplicate), until
    ``stop`` is set."""
    from pipeline_stages import build_stages, mock_pages  # bench/, this script's directory
    from scrapy.exceptions import DropItem

    pages = mock_pages(1000)
    ready.set()
    while True:
        stages = build_stages()
        for page in pages:
            if stop.is_set():
                return
            item = copy.copy(page)
            for _, stage in stages:
                try:
                    item = stage.process_item(item)
                except DropItem:
                    break


def run(site: MockSite, workdir: Path, name: str, pages: int, extra: dict[str, str]) -> dict[str, float]:
    settings = {
        **endpoint_settings(site), "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "0",
        "TELNETCONSOLE_ENABLED": "0", "LOG_LEVEL": "INFO",
        "SEEN_DIR": str(workdir / name / "seen"), "DEDUP_DIR": str(workdir / name / "dedup"), **extra,
    }
    neighbour = None
    if settings.pop(NEIGHBOUR, None):
        context = multiprocessing.get_context("spawn")
        ready, stop = context.Event(), context.Event()
        neighbour = context.Process(target=busy_neighbour, args=(ready, stop))
        neighbour.start()
        if not ready.wait(120):
            neighbour.kill()
            raise SystemExit(f"{name}: the busy neighbour did not start (exit code {neighbour.exitcode})")
    site_cpu = cpu_seconds(site.proc.pid) or 0.0
    proc = start_crawl("sohu", {"author": f"bench{pages}"}, settings, workdir / name, "crawl")
    peak_tree = [0.0]
    cpu: dict[int, float] = {}  # pid -> CPU seconds, last seen
    at_open: dict[int, float] = {}  # the same when the spider opened, the mock site's included
    log = workdir / name / "crawl.log"
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak_tree[0] = max(peak_tree[0], tree_sample(proc.pid, cpu))
            if not at_open and log.exists() and b"Spider opened" in log.read_bytes():
                at_open.update(cpu)
                at_open[site.proc.pid] = cpu_seconds(site.proc.pid) or 0.0

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # wait4 gives this child's own resource usage: its peak RSS
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    sampler.join()
    if neighbour is not None:
        stop.set()
        neighbour.join(30)
    site_end = cpu_seconds(site.proc.pid) or 0.0
    site_cpu = site_end - site_cpu
    workers_cpu = sum(seconds for pid, seconds in cpu.items() if pid != proc.pid)
    crawl_end = usage.ru_utime + usage.ru_stime - workers_cpu
    # CPU from the spider's opening to the end, the window pages/s is measured over
    # (start-up left out; the close, a fraction of it, counted in)
    crawling = crawl_end + workers_cpu + site_end - sum(at_open.values())
    proc.returncode = os.waitstatus_to_exitcode(status)
    crawl = finish_crawl(proc, workdir / name, "crawl")
    if crawl.returncode != 0 or crawl.close_reason != "finished":
        raise SystemExit(f"{name}: crawl failed (exit {crawl.returncode})\n{crawl.log[-3000:]}")
    responses = int(crawl.stats["response_received_count"])
    seconds = float(crawl.stats["elapsed_time_seconds"])
    return {"pages": responses, "seconds": seconds, "pages_per_s": responses / seconds,
            "articles": len(crawl.articles), "rss_mb": usage.ru_maxrss / 1024,
            "tree_rss_mb": max(peak_tree[0], usage.ru_maxrss / 1024),
            # CPU ms per page over the whole run, start-up included; wait4's figure
            # includes the workers it reaped, which were sampled (to 50 ms) on their own
            "crawl_cpu": crawl_end / responses * 1000,
            "workers_cpu": workers_cpu / responses * 1000, "site_cpu": site_cpu / responses * 1000,
            "crawling_cpu": crawling / responses * 1000, "cpus_busy": crawling / seconds}


NEIGHBOUR = "neighbour"  # a variant's flag: run the crawl beside busy_neighbour
VARIANTS = {
    "no pipelines": {"ITEM_PIPELINES": "{}"},
    "chain, 1 worker": {"PIPELINE_WORKERS": "1"},  # the default
    "chain on reactor": {"PIPELINE_WORKERS": "0"},
    "no pipelines, busy neighbour": {"ITEM_PIPELINES": "{}", NEIGHBOUR: "1"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100, help="listing pages of 20 articles (default 100)")
    parser.add_argument("--repeat", type=int, default=3, help="crawls per variant, taking turns; the median is kept")
    parser.add_argument("--no-reactor", action="store_true", help="leave out the PIPELINE_WORKERS=0 variant")
    parser.add_argument("--per-host", type=int, default=None,
                        help="requests at once to the mock site (default: CONCURRENT_REQUESTS_PER_DOMAIN, 1)")
    parser.add_argument("--neighbour", action="store_true",
                        help="add a crawl without pipelines beside a process running the chain's stages in a loop")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting for every variant (a variant's own settings win), e.g. CLEAN_ENABLED=0; repeatable")
    options = parser.parse_args()
    if malformed := [setting for setting in options.set if "=" not in setting]:
        parser.error(f"--set takes NAME=VALUE, not {', '.join(malformed)}")
    common = dict(setting.split("=", 1) for setting in options.set)
    if options.per_host is not None:
        common["CONCURRENT_REQUESTS_PER_DOMAIN"] = str(options.per_host)
    variants = {k: {**common, **v} for k, v in VARIANTS.items()
                if not (options.no_reactor and "reactor" in k) and (options.neighbour or NEIGHBOUR not in v)}
    results: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
    with MockSite() as site, tempfile.TemporaryDirectory() as tmp:
        for attempt in range(options.repeat):
            for name, extra in variants.items():
                slug = name.replace(" ", "_").replace(",", "")
                results[name].append(run(site, Path(tmp), f"{slug}{attempt}", options.pages, extra))
    print(f"crawl of sohu author bench{options.pages} from the mock site, no delay, "
          f"{options.per_host or 1} request(s) at a time{''.join(f', {s}' for s in options.set)} "
          f"({time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}); "
          f"median of {options.repeat}")
    print(f"{'variant':<28} {'pages':>6} {'articles':>8} {'seconds':>8} {'pages/s':>8} {'(runs)':>20}"
          f" {'RSS MB':>7} {'+workers':>9}")
    median: dict[str, dict[str, float]] = {}
    for name, runs in results.items():
        median[name] = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        r = median[name]
        each = "/".join(f"{x['pages_per_s']:.0f}" for x in runs)
        print(f"{name:<28} {r['pages']:>6.0f} {r['articles']:>8.0f} {r['seconds']:>8.2f} {r['pages_per_s']:>8.1f}"
              f" {each:>20} {max(x['rss_mb'] for x in runs):>7.0f} {max(x['tree_rss_mb'] for x in runs):>9.0f}")
    print("CPU ms per page (whole run, start-up included): "
          + "; ".join(f"{name}: crawl {r['crawl_cpu']:.2f}, workers {r['workers_cpu']:.2f}, "
                      f"mock site {r['site_cpu']:.2f}" for name, r in median.items()))
    print("CPU ms per page while crawling (spider open to close, all processes), and CPUs busy: "
          + "; ".join(f"{name}: {r['crawling_cpu']:.2f} ms, {r['cpus_busy']:.2f} of {os.cpu_count()}"
                      for name, r in median.items()))
    side = median["chain, 1 worker"]["crawl_cpu"] / median["no pipelines"]["crawl_cpu"]
    # each round's two crawls ran one after the other: the spread of their ratios is the noise's
    each = "/".join(f"{chain['crawl_cpu'] / plain['crawl_cpu']:.2f}"
                    for chain, plain in zip(results["chain, 1 worker"], results["no pipelines"]))
    print(f"crawl process CPU per page, chain in a worker / no pipelines: {side:.2f}x (rounds: {each}) "
          f"(target <= {CRAWL_SIDE_TARGET}x, issue 20): {'met' if side <= CRAWL_SIDE_TARGET else 'NOT met'}")
    base = median["no pipelines"]["pages_per_s"]
    target_rate = (1 - CHAIN_COST_TARGET) * base
    budget = os.cpu_count() / target_rate * 1000  # CPU ms per page the target leaves, all processes together
    for name in [name for name in variants if name != "no pipelines"]:
        cost = 1 - median[name]["pages_per_s"] / base
        if NEIGHBOUR in variants[name]:
            print(f"{name}: the neighbour alone costs the crawl {cost:.0%} of throughput")
            continue
        print(f"{name}: the chain costs {cost:.0%} of throughput (target <= {CHAIN_COST_TARGET:.0%}): "
              f"{'met' if cost <= CHAIN_COST_TARGET else 'NOT met'}; the target's "
              f"{target_rate:.0f} pages/s on {os.cpu_count()} CPUs allow at most "
              f"{budget:.2f} ms of CPU per page, it used {median[name]['crawling_cpu']:.2f}")
    peak = max(x["tree_rss_mb"] for runs in results.values() for x in runs)
    print(f"peak RSS, workers included: {peak:.0f} MB (target <= {RSS_TARGET_MB} MB): "
          f"{'met' if peak <= RSS_TARGET_MB else 'NOT met'}")


if __name__ == "__main__":
    main()
