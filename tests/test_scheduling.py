"""The sources file, the scheduler's timing rules, and `scrapy schedule` for real."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.scheduling import Scheduler, Source, SourcesError, crawl_command, load_sources
from tests.support import REPO, read_jsonl, scrapy_env

T0 = datetime(2026, 1, 1, 0, 0, tzinfo=timezone.utc)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_load_sources(tmp_path):
    sources = load_sources(write(tmp_path / "s.toml", """
[[sources]]
name = "tech"
spider = "wechat"
schedule = "0 */6 * * *"
args = { feed = "https://example.org/feed.xml", max_articles = 200 }
settings = { DOWNLOAD_DELAY = 2 }
"""))
    assert sources == [Source("tech", "wechat", "0 */6 * * *",
                              {"feed": "https://example.org/feed.xml", "max_articles": "200"},
                              settings={"DOWNLOAD_DELAY": 2})]
    assert sources[0].next_after(T0) == T0 + timedelta(hours=6)


@pytest.mark.parametrize("body, message", [
    ("", "at least one [[sources]]"),
    ("[[sources]]\nname='a'\nspider='files'\n", "'schedule' must be"),
    ("[[sources]]\nname='a b'\nspider='files'\nschedule='* * * * *'\n", "letters, digits"),
    ("[[sources]]\nname='a'\nspider='files'\nschedule='61 * * * *'\n", "not a cron expression"),
    ("[[sources]]\nname='a'\nspider='files'\nschedule='* * * * *'\nwhen='x'\n", "unknown keys ['when']"),
    ("[[sources]]\nname='a'\nspider='f'\nschedule='* * * * *'\n[[sources]]\nname='a'\nspider='f'\nschedule='* * * * *'\n", "used twice"),
    ("[[sources]\n", "not valid TOML"),
])
def test_bad_sources_files_say_why(tmp_path, body, message):
    with pytest.raises(SourcesError) as err:
        load_sources(write(tmp_path / "s.toml", body))
    assert message in str(err.value)


def test_crawl_command_carries_args_feed_and_source(tmp_path):
    source = Source("tech", "wechat", "* * * * *", {"feed": "u"}, feed="out/%(source)s-%(time)s.jsonl",
                    settings={"DOWNLOAD_DELAY": 2})
    command = crawl_command(source, tmp_path / "stats.json")
    assert command[1:5] == ["-m", "scrapy", "crawl", "wechat"]
    assert ["-a", "feed=u"] == command[5:7]
    settings = [v for k, v in zip(command[5::2], command[6::2]) if k == "-s"]
    assert 'FEEDS={"out/tech-%(time)s.jsonl": {"format": "jsonlines"}}' in settings
    assert "SOURCE_NAME=tech" in settings and "DOWNLOAD_DELAY=2" in settings
    assert "REJECTS_URI=exports/rejects/tech-%(time)s.jsonl" in settings


class FakeProcess:
    def __init__(self):
        self.code = None

    def poll(self):
        return self.code


def scheduler_with_fake_runs(tmp_path, monkeypatch, schedule="0 * * * *"):
    started = []

    def popen(command, **kwargs):
        started.append(command)
        return FakeProcess()

    monkeypatch.setattr("crawler.scheduling.subprocess.Popen", popen)
    source = Source("news", "files", schedule, {"path": "x"})
    return Scheduler([source], tmp_path / "state", tmp_path / "runs.jsonl"), started


def test_never_two_runs_at_once_and_a_missed_run_caught_up_once(tmp_path, monkeypatch):
    scheduler, started = scheduler_with_fake_runs(tmp_path, monkeypatch)
    scheduler.plan(T0)
    scheduler.tick(T0 + timedelta(minutes=30))
    assert started == []  # first start: waits for the schedule
    scheduler.tick(T0 + timedelta(hours=1))
    assert len(started) == 1
    # the run lasts three scheduled times: no second run while it goes on
    for hours in (2, 3, 4):
        scheduler.tick(T0 + timedelta(hours=hours))
    assert len(started) == 1
    scheduler.running["news"].process.code = 0
    scheduler.tick(T0 + timedelta(hours=4, minutes=10))  # ended: the missed times caught up once
    assert len(started) == 2
    scheduler.running["news"].process.code = 0
    scheduler.tick(T0 + timedelta(hours=4, minutes=20))
    assert len(started) == 2
    runs = read_jsonl(tmp_path / "runs.jsonl")
    assert [r["source"] for r in runs] == ["news", "news"] and runs[0]["exit_code"] == 0


def test_a_restart_catches_up_what_was_missed_while_down(tmp_path, monkeypatch):
    scheduler, started = scheduler_with_fake_runs(tmp_path, monkeypatch)
    scheduler.plan(T0)
    scheduler.tick(T0 + timedelta(hours=1))
    scheduler.running["news"].process.code = 0
    scheduler.tick(T0 + timedelta(hours=1, minutes=5))
    # the scheduler is down for a day, then starts again
    again, started_again = scheduler_with_fake_runs(tmp_path, monkeypatch)
    again.plan(T0 + timedelta(days=1, minutes=30))
    again.tick(T0 + timedelta(days=1, minutes=30))
    assert len(started_again) == 1  # one catch-up, not 23
    again.running["news"].process.code = 0
    again.tick(T0 + timedelta(days=1, minutes=40))
    assert len(started_again) == 1


def test_schedule_command_runs_sources_on_time(tmp_path):
    write(tmp_path / "sources.toml", f"""
[[sources]]
name = "samples"
spider = "files"
schedule = "* * * * * */3"
args = {{ path = "{REPO / 'samples'}" }}
""")
    proc = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "schedule", "-s", "SCHEDULE_TICK=0.2"],
        cwd=tmp_path, env=scrapy_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    runs_file = tmp_path / "exports" / "runs.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if runs_file.exists() and len(read_jsonl(runs_file)) >= 2:
            break
        time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    output = proc.communicate(timeout=60)[0]
    assert proc.returncode == 0, output[-3000:]
    runs = read_jsonl(runs_file)
    assert len(runs) >= 2, output[-3000:]
    for run in runs:
        assert run["source"] == "samples" and run["exit_code"] == 0
        assert run["close_reason"] == "finished"
        assert run["rejects"].get("deleted") == 1
    # runs are incremental: the dedup index persists, so later runs export nothing again
    assert runs[0]["articles"] == 3
    assert all(run["articles"] == 0 and run["rejects"]["near_duplicate"] == 3 for run in runs[1:])
    for before, after in zip(runs, runs[1:]):
        assert datetime.fromisoformat(before["end"]) <= datetime.fromisoformat(after["start"])
    feeds = sorted((tmp_path / "exports" / "samples").glob("samples-*.jsonl"))
    assert len(feeds) >= 1 and len(read_jsonl(feeds[0])) == 3
    assert sorted((tmp_path / "exports" / "rejects").glob("samples-*.jsonl"))
    assert (tmp_path / "exports" / "atom" / "samples.xml").exists()
    assert len(list((tmp_path / "exports" / "logs").glob("samples-*.log"))) >= 2
    state = json.loads((tmp_path / "state" / "schedule" / "last_runs.json").read_text())
    assert "samples" in state
