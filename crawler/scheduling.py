"""Scheduled crawls: the sources file, when each source is due, the run log.

Plain Python (no Scrapy, no Twisted): the ``scrapy schedule`` command drives
``Scheduler`` and runs each crawl as its own ``scrapy crawl`` process, so a
crash or a leak in one run cannot take the scheduler down.

The sources file (TOML)::

    [[sources]]
    name = "tech-feeds"              # letters, digits, - and _
    spider = "wechat"
    schedule = "0 */6 * * *"         # cron; a 6th field is seconds
    args = { feed = "https://example.org/feed.xml", max_articles = 200 }
    feed = "exports/tech-feeds/%(time)s.jsonl"    # optional
    settings = { DOWNLOAD_DELAY = 2 }             # optional
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from croniter import croniter

from crawler.output.atomic import write_atomically

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_SOURCE_KEYS = {"name", "spider", "schedule", "args", "feed", "settings"}
DEFAULT_FEED = "exports/%(source)s/%(source)s-%(time)s.jsonl"


class SourcesError(ValueError):
    """The sources file is not valid; the message says where and why."""


@dataclass(frozen=True)
class Source:
    name: str
    spider: str
    schedule: str
    args: dict[str, str] = field(default_factory=dict)
    feed: str = DEFAULT_FEED
    settings: dict[str, Any] = field(default_factory=dict)

    def next_after(self, moment: datetime) -> datetime:
        return croniter(self.schedule, moment).get_next(datetime)


def load_sources(path: str | Path) -> list[Source]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesError(f"{path}: no such sources file") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path}: not valid TOML: {exc}") from None
    entries = data.get("sources")
    if not isinstance(entries, list) or not entries:
        raise SourcesError(f"{path}: needs at least one [[sources]] table")
    sources: list[Source] = []
    for number, entry in enumerate(entries, 1):
        where = f"{path}: source #{number}"
        unknown = set(entry) - _SOURCE_KEYS
        if unknown:
            raise SourcesError(f"{where}: unknown keys {sorted(unknown)} (known: {sorted(_SOURCE_KEYS)})")
        for key in ("name", "spider", "schedule"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise SourcesError(f"{where}: '{key}' must be a non-empty string")
        name = entry["name"]
        where = f"{path}: source {name!r}"
        if not _NAME.match(name):
            raise SourcesError(f"{where}: a name has letters, digits, '-' and '_' only")
        if any(s.name == name for s in sources):
            raise SourcesError(f"{where}: the name is used twice")
        if not croniter.is_valid(entry["schedule"]):
            raise SourcesError(f"{where}: schedule {entry['schedule']!r} is not a cron expression")
        args = entry.get("args", {})
        if not isinstance(args, dict) or not all(isinstance(v, (str, int, float)) for v in args.values()):
            raise SourcesError(f"{where}: 'args' must be a table of strings or numbers")
        settings = entry.get("settings", {})
        if not isinstance(settings, dict):
            raise SourcesError(f"{where}: 'settings' must be a table")
        feed = entry.get("feed", DEFAULT_FEED)
        if not isinstance(feed, str) or not feed:
            raise SourcesError(f"{where}: 'feed' must be a feed URI")
        sources.append(Source(
            name=name, spider=entry["spider"], schedule=entry["schedule"],
            args={k: str(v) for k, v in args.items()}, feed=feed, settings=settings,
        ))
    return sources


def crawl_command(source: Source, stats_file: Path) -> list[str]:
    """The ``scrapy crawl`` command line of one run of ``source``."""
    feed = source.feed.replace("%(source)s", source.name)
    command = [sys.executable, "-m", "scrapy", "crawl", source.spider]
    for key, value in source.args.items():
        command += ["-a", f"{key}={value}"]
    settings = {
        "REJECTS_URI": f"exports/rejects/{source.name}-%(time)s.jsonl",
        **source.settings,
        "FEEDS": json.dumps({feed: {"format": "jsonlines"}}),
        "SOURCE_NAME": source.name,
        "RUN_STATS_FILE": str(stats_file),
    }
    for key, value in settings.items():
        command += ["-s", f"{key}={value if isinstance(value, str) else json.dumps(value)}"]
    return command


def run_record(source: Source, start: datetime, end: datetime, exit_code: int, stats: dict) -> dict:
    """One line of the run log."""
    return {
        "source": source.name,
        "spider": source.spider,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "exit_code": exit_code,
        "close_reason": stats.get("finish_reason"),
        "pages": stats.get("extract/pages", 0),
        "articles": stats.get("articles", 0),
        "rejects": {
            key.removeprefix("rejects/"): n
            for key, n in sorted(stats.items()) if key.startswith("rejects/")
        },
    }


@dataclass
class _Run:
    process: subprocess.Popen
    start: datetime
    stats_file: Path
    lock: Any
    stopping: list[dict] = field(default_factory=list)  # what the scheduler did to stop it


class Scheduler:
    """Starts each source's crawl on time: never two runs of one source at
    once (also across schedulers sharing ``state_dir``: a lock file per
    source), and a run missed while the scheduler was down or the previous
    run was still going is caught up once, not once per missed time."""

    def __init__(self, sources: list[Source], state_dir: str | Path, run_log: str | Path,
                 log_dir: str | Path | None = None):
        self.sources = {s.name: s for s in sources}
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.run_log = Path(run_log)
        self.log_dir = Path(log_dir) if log_dir else None
        self.running: dict[str, _Run] = {}
        self.pending: set[str] = set()
        self.next_due: dict[str, datetime] = {}

    # -- state: when each source last started, kept across scheduler restarts
    def _state_file(self) -> Path:
        return self.state_dir / "last_runs.json"

    def _last_runs(self) -> dict[str, str]:
        try:
            return json.loads(self._state_file().read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _save_last_run(self, name: str, moment: datetime) -> None:
        last = self._last_runs()
        last[name] = moment.isoformat()
        write_atomically(self._state_file(), json.dumps(last, indent=1))

    def plan(self, now: datetime) -> None:
        """At start: each source's next time, and a catch-up of what was missed."""
        last = self._last_runs()
        for name, source in self.sources.items():
            if name in last and source.next_after(datetime.fromisoformat(last[name])) <= now:
                self.pending.add(name)
            self.next_due[name] = source.next_after(now)

    def tick(self, now: datetime) -> None:
        self._reap(now)
        for name, source in self.sources.items():
            if (upcoming := source.next_after(now)) < self.next_due[name]:
                # the clock went back (a corrected clock): the schedule follows it, instead
                # of waiting for the old next time to come round again
                logger.warning("The clock went back to %s: next run of %s at %s", now, name, upcoming)
                self.next_due[name] = upcoming
            if now >= self.next_due[name]:
                self.pending.add(name)
                self.next_due[name] = source.next_after(now)
            if name in self.pending and name not in self.running:
                self._start(source, now)

    def _start(self, source: Source, now: datetime) -> None:
        lock = (self.state_dir / f"{source.name}.lock").open("w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            logger.warning("Source %s is running in another scheduler; it stays due", source.name)
            return
        self.pending.discard(source.name)
        fd, stats_name = tempfile.mkstemp(prefix=f"{source.name}-", suffix=".stats.json", dir=self.state_dir)
        os.close(fd)
        stats_file = Path(stats_name)
        output = None
        if self.log_dir:  # each run's Scrapy log in its own file
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = (self.log_dir / f"{source.name}-{now:%Y-%m-%dT%H-%M-%S}.log").open("ab")
        logger.info("Starting a run of %s (spider %s)", source.name, source.spider)
        process = _start_crawl(crawl_command(source, stats_file), output)
        if output:
            output.close()  # the child has its own copy
        self.running[source.name] = _Run(process, now, stats_file, lock)
        self._save_last_run(source.name, now)

    def _reap(self, now: datetime) -> None:
        for name, run in list(self.running.items()):
            code = run.process.poll()
            if code is None:
                continue
            del self.running[name]
            try:
                stats = json.loads(run.stats_file.read_text(encoding="utf-8") or "{}")
            except (OSError, ValueError):
                stats = {}
            run.stats_file.unlink(missing_ok=True)
            record = run_record(self.sources[name], run.start, now, code, stats)
            if run.stopping:
                record["stopped"] = run.stopping
            self.run_log.parent.mkdir(parents=True, exist_ok=True)
            with self.run_log.open("a", encoding="utf-8") as log:
                log.write(json.dumps(record, ensure_ascii=False) + "\n")
            run.lock.close()
            logger.info("Run of %s ended: %s", name, json.dumps(record, ensure_ascii=False))

    def stop(self, timeout: float = 60) -> None:
        """Stop the running crawls: a graceful stop (SIGINT: the spider closes
        with reason ``shutdown``), up to ``timeout`` seconds for them to end,
        then a kill of what is left (the run's whole process group). Each step
        is in the run's record (``stopped``)."""
        for run in self.running.values():
            run.process.send_signal(signal.SIGINT)
            run.stopping.append({"at": now().isoformat(), "action": "SIGINT"})
        deadline = time.monotonic() + timeout
        for run in self.running.values():
            try:
                run.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                run.stopping.append({"at": now().isoformat(), "action": "SIGKILL", "after_seconds": timeout})
                logger.warning("A run (pid %d) did not end %g s after SIGINT: killed", run.process.pid, timeout)
            _kill_group(run.process)
            run.process.wait()
        self._reap(now())


def _start_crawl(command: list[str], output) -> subprocess.Popen:
    """Start a crawl in a process group of its own (a Ctrl-C typed at the
    scheduler's terminal reaches the scheduler only: it stops the runs itself),
    with SIGINT and SIGTERM blocked until the crawl's handler is in place (a
    stop sent while it starts waits for it instead of killing it;
    crawler/runtime/interrupts.py)."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, (signal.SIGINT, signal.SIGTERM))
    try:
        return subprocess.Popen(command, stdout=output, stderr=output, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _kill_group(process: subprocess.Popen) -> None:
    """Kill what is left of a run's process group (its pipeline workers too)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def now() -> datetime:
    return datetime.now(timezone.utc).astimezone()

