"""Ctrl-C during ``scrapy crawl files`` with the chain in worker processes: the
crawl stops reading, closes in bounded time with close reason ``shutdown``,
and what it exported is whole and exported once."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

from crawler.testing import corpora
from crawler.testing.livecrawl import wait_for_lines
from crawler.testing.process import read_jsonl, scrapy_env


def test_ctrl_c_stops_a_files_crawl_on_two_workers_in_bounded_time(tmp_path):
    dump = corpora.write_jsonl(tmp_path / "dump.jsonl", corpora.records(1500))
    out = tmp_path / "articles.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "files", "-a", f"path={dump}", "-O", str(out),
         "-s", f"REJECTS_URI={tmp_path / 'rejects.jsonl'}", "-s", "PIPELINE_WORKERS=2",
         "-s", "DEDUP_BACKEND=memory", "-s", f"RUN_STATS_FILE={tmp_path / 'stats.json'}"],
        cwd=tmp_path, env=scrapy_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_lines(out, 30, timeout=120)
        proc.send_signal(signal.SIGINT)
        _, log = proc.communicate(timeout=60)  # a graceful stop, not a hang
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode >= 0, log[-3000:]  # closed, not killed by the signal
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["finish_reason"] == "shutdown"
    assert stats["files/units_unfinished"] == 1, "the dump was left before its end"
    articles = read_jsonl(out)  # whole lines only
    assert 30 <= len(articles) < 1500 and stats["articles"] == len(articles)
    assert len({a["fetched_from"] for a in articles}) == len(articles)
