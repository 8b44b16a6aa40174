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


def test_the_clock_jumping_back_or_forward_keeps_the_schedule(tmp_path, monkeypatch):
    scheduler, started = scheduler_with_fake_runs(tmp_path, monkeypatch)
    scheduler.plan(T0)
    scheduler.tick(T0 + timedelta(hours=1))
    scheduler.running["news"].process.code = 0
    # the clock is set back six hours: the next run is at the next hour of the new time,
    # not six hours later
    scheduler.tick(T0 - timedelta(hours=5, minutes=30))
    assert len(started) == 1
    scheduler.tick(T0 - timedelta(hours=5))
    assert len(started) == 2
    scheduler.running["news"].process.code = 0
    # and set forward a day: one run, not 29
    scheduler.tick(T0 + timedelta(days=1, minutes=10))
    scheduler.running["news"].process.code = 0
    scheduler.tick(T0 + timedelta(days=1, minutes=20))
    assert len(started) == 3


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
    finished, stopped = runs[:2], runs[2:]  # a run going on at the Ctrl-C is stopped and logged too
    for run in runs:
        assert run["source"] == "samples" and run["exit_code"] == 0, run
    for run in finished:
        assert run["close_reason"] == "finished" and "stopped" not in run
        assert run["rejects"].get("deleted") == 1
    for run in stopped:
        assert run["close_reason"] in ("finished", "shutdown"), run
        assert [step["action"] for step in run["stopped"]] == ["SIGINT"]
    # the same files again: the same articles again, not near-duplicates of themselves
    assert runs[0]["articles"] == runs[1]["articles"] == 3
    assert "near_duplicate" not in runs[1]["rejects"]
    for before, after in zip(runs, runs[1:]):
        assert datetime.fromisoformat(before["end"]) <= datetime.fromisoformat(after["start"])
    feeds = sorted((tmp_path / "exports" / "samples").glob("samples-*.jsonl"))
    assert len(feeds) >= 1 and len(read_jsonl(feeds[0])) == 3
    assert sorted((tmp_path / "exports" / "rejects").glob("samples-*.jsonl"))
    assert (tmp_path / "exports" / "atom" / "samples.xml").exists()
    assert len(list((tmp_path / "exports" / "logs").glob("samples-*.log"))) >= 2
    state = json.loads((tmp_path / "state" / "schedule" / "last_runs.json").read_text())
    assert "samples" in state


def samples_source(schedule: str = "* * * * *") -> Source:
    return Source("samples", "files", schedule, {"path": str(REPO / "samples")},
                  settings={"SEEN_STORE": "", "DEDUP_INDEX": ""})


def test_a_run_stopped_as_it_starts_closes_with_a_reason(tmp_path, monkeypatch):
    """The scheduler's SIGINT reaches the crawl within a millisecond of its start,
    long before the crawl could handle it: the crawl still opens and closes."""
    monkeypatch.chdir(tmp_path)
    for key, value in scrapy_env().items():
        monkeypatch.setenv(key, value)
    scheduler = Scheduler([samples_source()], tmp_path / "state", tmp_path / "runs.jsonl")
    scheduler.plan(T0)
    scheduler.tick(T0 + timedelta(minutes=1))
    assert "samples" in scheduler.running
    scheduler.stop(timeout=120)
    [run] = read_jsonl(tmp_path / "runs.jsonl")
    assert run["exit_code"] == 0 and run["close_reason"] == "shutdown", run
    assert [step["action"] for step in run["stopped"]] == ["SIGINT"]


def test_a_run_that_does_not_stop_is_killed_with_its_group_and_logged(tmp_path, monkeypatch):
    script = tmp_path / "stubborn.py"  # a crawl stand-in that ignores SIGINT, with a child of its own
    write(script, "import signal, subprocess, sys, time\n"
                  "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                  "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})\n"
                  "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
                  "open(sys.argv[1], 'w').write(str(child.pid))\n"
                  "time.sleep(600)\n")
    pid_file = tmp_path / "child.pid"
    monkeypatch.setattr("crawler.scheduling.crawl_command",
                        lambda source, stats: [sys.executable, str(script), str(pid_file)])
    scheduler = Scheduler([samples_source()], tmp_path / "state", tmp_path / "runs.jsonl")
    scheduler.plan(T0)
    scheduler.tick(T0 + timedelta(minutes=1))
    deadline = time.monotonic() + 60
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    child = int(pid_file.read_text())
    scheduler.stop(timeout=0.5)
    [run] = read_jsonl(tmp_path / "runs.jsonl")
    assert run["exit_code"] == -signal.SIGKILL and run["close_reason"] is None
    assert [step["action"] for step in run["stopped"]] == ["SIGINT", "SIGKILL"]
    assert run["stopped"][1]["after_seconds"] == 0.5
    deadline = time.monotonic() + 60
    while Path(f"/proc/{child}").exists() and "Z" not in _state(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{child}").exists() or "Z" in _state(child)  # the group went with it


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "Z"


def test_ctrl_c_at_a_starting_crawl_closes_it_with_a_reason(tmp_path):
    """A Ctrl-C as soon as Scrapy logs its start (the settings loaded, nothing
    crawled yet): the spider still opens and closes, stats and exit status 0."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(300):
        write(pages / f"{n}.txt", f"第{n}篇。" * 40 + "\n")
    stats_file = tmp_path / "stats.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "files", "-a", f"path={pages}", "-s", "SEEN_STORE=",
         "-s", "DEDUP_INDEX=", "-s", f"RUN_STATS_FILE={stats_file}", "-O", str(tmp_path / "out.jsonl")],
        cwd=tmp_path, env=scrapy_env(), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )
    lines = []
    for line in proc.stderr:
        lines.append(line)
        if "Scrapy" in line and "started (bot:" in line:
            proc.send_signal(signal.SIGINT)
            break
    lines += proc.stderr.readlines()
    assert proc.wait(timeout=120) == 0, "".join(lines[-40:])
    stats = json.loads(stats_file.read_text())
    assert stats["finish_reason"] == "shutdown" and stats["shutdown/signal"] == "SIGINT"
