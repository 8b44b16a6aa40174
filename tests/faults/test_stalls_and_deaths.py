"""A site that stalls mid-body; a pipeline worker process killed mid-crawl."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from crawler.testing import livecrawl as L
from tests.faults.conftest import bounded, crawl, settings_for


def test_a_page_stalling_mid_body_is_a_timeout_and_the_crawl_goes_on(site, tmp_path):
    stalled, beside = site.url("/x/stall/stall1"), site.url("/s/besideStall")
    done = crawl("wechat", {"urls": f"{stalled},{beside}"},
                 settings_for(site, tmp_path, DOWNLOAD_TIMEOUT="1", RETRY_TIMES="0"), tmp_path)
    assert (done.returncode, done.close_reason) == (0, "finished"), done.log[-3000:]
    assert [(r["fetched_from"], r["reason"]) for r in done.rejects] == [(stalled, "timeout")]
    assert [a["fetched_from"] for a in done.articles] == [beside]


def pipeline_workers(pid: int) -> list[int]:
    """The pipeline worker processes of crawl process ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rpartition(")")[2].split()[1]) == pid and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return found


def test_a_killed_pipeline_worker_loses_no_page(site, tmp_path):
    with site.hold(after=30):  # killed mid-crawl, however slowly this test sees the lines
        proc = L.start_crawl("sohu", {"author": "bench6"}, settings_for(site, tmp_path, DOWNLOAD_DELAY="0.03"),
                             tmp_path)
        L.wait_for_lines(tmp_path / "run.jsonl", 20, timeout=60)
        workers = pipeline_workers(proc.pid)
        assert workers, "no pipeline worker found"
        os.kill(workers[0], signal.SIGKILL)
    done = bounded(proc, tmp_path)
    assert (done.returncode, done.close_reason) == (0, "finished"), done.log[-3000:]
    assert int(done.stats["offload/worker_died"]) == 1
    # the page at work when it died is a reject error; every other page an article; none twice
    assert {r["reason"] for r in done.rejects} <= {"error"} and len(done.rejects) <= 1
    pages = [a["fetched_from"] for a in done.articles] + [r["fetched_from"] for r in done.rejects]
    assert len(pages) == len(set(pages)) == 120
