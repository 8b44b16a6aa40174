"""Start-up: time to the first exported item of a one-page ``files`` crawl.

    python bench/startup_speed.py [--runs 7] [--against CHECKOUT] [--set NAME=VALUE]

Runs ``scrapy crawl files -a path=<a fixture page> -O out.jsonl`` in a fresh
process and measures the wall time from the process start to the first line
of the feed, and the CPU time of the whole process, its pipeline workers included. With ``--against``, the
same crawl of another checkout of the project (e.g. a ``git worktree`` of an
earlier commit) takes turns with this one, and the ratio of the medians is
printed: both see the same machine load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import ROOT  # noqa: E402  (the repository, put on sys.path)
PAGE = ROOT / "tests" / "fixtures" / "pages" / "wechat_2025_article" / "body.html"


def one_run(checkout: Path, workdir: Path, settings: list[str]) -> tuple[float, float]:
    """(seconds to the first exported line, CPU seconds of the crawl process)."""
    out = workdir / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(checkout), "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "files", "-a", f"path={PAGE}", "-O", str(out),
         "-s", "LOG_LEVEL=WARNING", *(arg for setting in settings for arg in ("-s", setting))],
        cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    first = None
    while True:
        if first is None and out.exists() and b"\n" in out.read_bytes():
            first = time.monotonic() - started
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG if first is None else 0)
        if pid:  # exited (os.wait4 reaps it: proc.poll() would lose its resource usage)
            break
        time.sleep(0.002)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if first is None and out.exists() and b"\n" in out.read_bytes():
        first = time.monotonic() - started  # written as the process closed
    if proc.returncode != 0 or first is None:
        raise SystemExit(f"{checkout}: the crawl failed or exported nothing")
    return first, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--against", type=Path, help="another checkout of the project, run in turn")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for every crawl (e.g. PIPELINE_WORKERS=0 to compare with a checkout "
                             "whose files spider ran the chain in the crawl process)")
    args = parser.parse_args()
    checkouts = {"this checkout": ROOT}
    if args.against:
        checkouts[f"{args.against}"] = args.against.resolve()
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in checkouts}
    for _ in range(args.runs):
        for name, checkout in checkouts.items():
            with tempfile.TemporaryDirectory() as tmp:  # fresh state: the page is new each time
                results[name].append(one_run(checkout, Path(tmp), args.set))
    print(f"one-page files crawl ({PAGE.parent.name}), median of {args.runs} runs taking turns")
    print(f"{'checkout':<40}{'first item s':>14}{'CPU s':>8}")
    medians = {}
    for name, runs in results.items():
        medians[name] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
        print(f"{name:<40}{medians[name][0]:>14.2f}{medians[name][1]:>8.2f}")
    if args.against:
        this, other = medians["this checkout"], medians[f"{args.against}"]
        print(f"this checkout / other: first item {this[0] / other[0]:.2f}x, CPU {this[1] / other[1]:.2f}x")


if __name__ == "__main__":
    main()
