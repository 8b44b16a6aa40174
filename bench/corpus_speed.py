"""Cleaning a corpus users hold: ``scrapy crawl files`` on 1 and 2 pipeline
workers against the stack one would assemble by hand, in the same run.

Generates ``--pages`` pages in the real sites' structure (the mock site's
Sohu and WeChat page builders, crawler/testing/corpora.py), written twice: a
JSON-lines dump and a gzipped WARC. Each goes through ``scrapy crawl files``
(the whole chain: parse, clean, dedup on disk, language; JSON-lines feed)
with ``PIPELINE_WORKERS`` 1 and 2. The peer runs in this process on the
JSON-lines pages: ``trafilatura.extract``, ``langdetect.detect`` and a
datasketch ``MinHash`` (128 permutations, 5-character shingles) checked and
inserted in a ``MinHashLSH`` (threshold 0.5), which is what one writes by hand
for the same three jobs (``--peer-pages`` of them: the first pages of the same
set, as the peer is slow).

The crawls run with the bytecode of every module they import compiled
beforehand (into a cache in the run's temporary directory, whatever
``PYTHONDONTWRITEBYTECODE`` says), as an installed package or a used checkout
has it: the project's by ``compileall``, Scrapy's and the other libraries' by a
crawl of a few pages of each format before the measured ones. Else the first
crawl measured (JSONL, 1 worker) compiled them all again (~2.5 s of CPU).

Prints, per variant: pages/s (the process's wall time, start-up included),
CPU seconds per 1,000 pages (every process, then the crawl process and the
workers apart), pages per CPU second, the seconds its processes were ready to
run but waited for a CPU (Linux schedstat, summed: what other jobs took from
it), peak RSS (the crawl process and its
workers summed, sampled every 0.1 s); then the ratios against the targets: 2
workers / 1 worker pages/s (>= 1.8 on 2 cores; on a busy machine the wall
time says little, so also what the CPU split predicts on 2 free cores: one
worker does a page per its CPU a page beside the crawl process, two share
both cores with it, 2 x workers' CPU / all the CPU; and the two workers' CPU,
least busy / busiest, below 1 when one worked less: started late, or waited
for the other), the crawl's pages per
CPU second / the peer's (>= 5), peak RSS with 2 workers (<= 400 MB).
``--json PATH`` also writes them.

    python bench/corpus_speed.py [--pages 10000] [--peer-pages 2000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness import ROOT, tree_sample  # noqa: E402  (importing harness puts the repository on sys.path)

from crawler.testing import corpora  # noqa: E402
from crawler.testing.process import read_jsonl, scrapy_env  # noqa: E402


def crawl_env(tmp: Path) -> dict[str, str]:
    """The crawls' environment: bytecode read from (and written to) a cache of
    the run, the project's compiled into it first, then what a crawl of each
    format imports (a crawl of a few pages, not measured)."""
    env = scrapy_env(PYTHONPYCACHEPREFIX=str(tmp / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "crawler")], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    warm = tmp / "warm-up"
    warm.mkdir()
    corpora.write_jsonl(warm / "pages.jsonl", corpora.records(4))
    corpora.write_warc(warm / "pages.warc.gz", (corpora.page(n) for n in range(4)))
    crawl(warm, 1, tmp / "warm-up-crawl", env)
    return env


def crawl(path: Path, count: int, workdir: Path, env: dict[str, str]) -> dict:
    workdir.mkdir(parents=True)
    command = [sys.executable, "-m", "scrapy", "crawl", "files", "-a", f"path={path}",
               "-O", str(workdir / "articles.jsonl"), "-s", f"REJECTS_URI={workdir / 'rejects.jsonl'}",
               "-s", f"PIPELINE_WORKERS={count}", "-s", "LOG_LEVEL=WARNING", "-s", "TELNETCONSOLE_ENABLED=0",
               "-s", f"DEDUP_DIR={workdir / 'dedup'}", "-s", "ATOM_FEED_ENABLED=0"]
    started = time.monotonic()
    proc = subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    peak, cpu, waited = [0.0], {}, {}  # MB; pid -> CPU seconds, seconds waiting for a CPU, last seen
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], tree_sample(proc.pid, cpu, waited))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    log = proc.stderr.read()
    # wait4: the crawl's own usage, and that of the workers it reaped
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"crawl failed:\n{log[-3000:]}")
    articles, rejects = read_jsonl(workdir / "articles.jsonl"), read_jsonl(workdir / "rejects.jsonl")
    # the workers were sampled on their own (to 0.1 s); the crawl process is the rest
    workers = sum(seconds for pid, seconds in cpu.items() if pid != proc.pid)
    total = usage.ru_utime + usage.ru_stime
    # the pipeline workers' CPU, least busy / busiest (multiprocessing's helper process, which
    # uses next to none, left out): below 1 when one worked less, e.g. started late
    busiest = sorted((seconds for pid, seconds in cpu.items() if pid != proc.pid), reverse=True)[:count]
    return {"pages": len(articles) + len(rejects), "articles": len(articles), "wall": wall, "cpu": total,
            "balance": busiest[-1] / busiest[0] if busiest and busiest[0] else 1.0,
            "crawl_cpu": total - workers, "workers_cpu": workers, "waited": sum(waited.values()),
            "peak_rss": max(peak[0], usage.ru_maxrss / 1024) * 2**20}


def peer(dump: Path, pages: int) -> dict:
    """trafilatura + langdetect + datasketch, by hand, in this process."""
    import trafilatura
    from datasketch import MinHash, MinHashLSH
    from langdetect import DetectorFactory, LangDetectException, detect

    DetectorFactory.seed = 0
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    kept = done = 0
    cpu0, wall0 = time.process_time(), time.monotonic()
    with dump.open(encoding="utf-8") as lines:
        for line in lines:
            if done >= pages:
                break
            record = json.loads(line)
            done += 1
            text = trafilatura.extract(record["html"], url=record["url"]) or ""
            if not text:
                continue
            try:
                detect(text)
            except LangDetectException:
                pass
            signature = MinHash(num_perm=128)
            signature.update_batch([text[i:i + 5].encode("utf-8") for i in range(max(1, len(text) - 4))])
            if not lsh.query(signature):
                lsh.insert(str(done), signature)
                kept += 1
    return {"pages": done, "articles": kept, "wall": time.monotonic() - wall0, "cpu": time.process_time() - cpu0,
            "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


def row(name: str, result: dict) -> str:
    pages = result["pages"]
    split = " | ".join(f"{1000 * result[key] / pages:.2f}" if key in result else "—"
                       for key in ("crawl_cpu", "workers_cpu"))
    waited = f"{result['waited']:.1f}" if "waited" in result else "—"
    return (f"| {name} | {pages} | {result['articles']} | {result['wall']:.1f} | {pages / result['wall']:.1f} |"
            f" {1000 * result['cpu'] / pages:.2f} | {split} | {pages / result['cpu']:.1f} | {waited} |"
            f" {result['peak_rss'] / 2**20:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--peer-pages", type=int, default=2_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="corpus-speed-") as tmp:
        tmp = Path(tmp)
        dump = corpora.write_jsonl(tmp / "pages.jsonl", corpora.records(args.pages))
        warc = corpora.write_warc(tmp / "pages.warc.gz", (corpora.page(n) for n in range(args.pages)))
        results, env = {}, crawl_env(tmp)
        for label, path in (("JSONL", dump), ("WARC", warc)):
            for workers in (1, 2):
                results[f"{label}, {workers} worker{'s' * (workers > 1)}"] = crawl(
                    path, workers, tmp / f"{label}-{workers}", env)
        results["hand-built (trafilatura + datasketch + langdetect)"] = peer(dump, args.peer_pages)
    print(f"{args.pages} generated pages ({os.cpu_count()} CPUs, shared with other jobs)\n")
    print("| variant | pages | articles | wall s | pages/s | CPU s / 1000 pages | crawl process | workers |"
          " pages / CPU s | waited for a CPU s | peak RSS MB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, result in results.items():
        print(row(name, result))
    hand = results["hand-built (trafilatura + datasketch + langdetect)"]
    hand_rate = hand["pages"] / hand["cpu"]
    ratios = {}
    print()
    for label in ("JSONL", "WARC"):
        one, two = results[f"{label}, 1 worker"], results[f"{label}, 2 workers"]
        ratios[label] = {
            "two_over_one": (two["pages"] / two["wall"]) / (one["pages"] / one["wall"]),
            "cpu_rate_over_hand": (two["pages"] / two["cpu"]) / hand_rate,
            "peak_rss_mb_two_workers": two["peak_rss"] / 2**20,
            # on 2 free cores one worker runs beside the crawl process (1 / workers' CPU a page), two share
            # both cores with it (2 / all the CPU a page): what the CPU split predicts, whatever the load
            "two_over_one_on_free_cores": 2 * two["workers_cpu"] / two["cpu"],
            "two_workers_balance": two["balance"],
        }
        r = ratios[label]
        print(f"{label}: 2 workers / 1 worker {r['two_over_one']:.2f}x (target >= 1.8), on 2 free cores"
              f" {r['two_over_one_on_free_cores']:.2f}x from the CPU of each process (the workers' CPU,"
              f" least busy / busiest: {r['two_workers_balance']:.2f});"
              f" pages per CPU second / hand-built {r['cpu_rate_over_hand']:.2f}x (target >= 5);"
              f" peak RSS with 2 workers {r['peak_rss_mb_two_workers']:.0f} MB (target <= 400)")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "ratios": ratios}, indent=2))


if __name__ == "__main__":
    main()
