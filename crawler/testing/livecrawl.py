"""Helpers to run real ``scrapy crawl`` processes against the mock site
(crawler/testing/mocksite.py): used by the spider tests and by bench/crawl_speed.py."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from crawler.testing.process import REPO, read_jsonl, scrapy_env


class MockSite:
    """The mock site in a subprocess; ``port`` is read from its first line."""

    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.testing.mocksite"], cwd=REPO,
            stdout=subprocess.PIPE, text=True,
        )
        self.port = int(self.proc.stdout.readline())
        self.base = f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def log(self, clear: bool = False) -> list[dict]:
        with urllib.request.urlopen(self.base + "/_log" + ("?clear=1" if clear else "")) as response:
            return json.load(response)

    @contextlib.contextmanager
    def hold(self, after: int):
        """Article pages past the next ``after`` wait until the block ends: what a
        test does inside it happens mid-crawl, whatever the machine's load."""
        urllib.request.urlopen(f"{self.base}/_hold?after={after}").close()
        try:
            yield
        finally:
            urllib.request.urlopen(f"{self.base}/_hold?release=1").close()

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def endpoint_settings(site: MockSite) -> dict[str, str]:
    """Every endpoint template pointed at the mock site."""
    base = site.base
    return {
        "WECHAT_ALBUM_URL": base + "/mp/appmsgalbum?action=getalbum&__biz={biz}&album_id={album_id}"
                                   "&count={count}&begin_msgid={begin_msgid}&begin_itemidx={begin_itemidx}&f=json",
        "SOHU_AUTHOR_API_URL": base + "/author-page-api/author-articles/pc/{author}?pNo={page}",
        "SOHU_FEED_API_URL": base + "/public-api/feed?scene={scene}&sceneId={scene_id}&page={page}&size={size}",
        "SOHU_ARTICLE_URL": base + "/a/{id}_{author_id}",
    }


# Test runs: no politeness waits (a delay of 1 ms; one request at a time per
# host holds at 0 as well: tests/test_spiders.py checks it).
FAST = {
    "DOWNLOAD_DELAY": "0.001",
    "AUTOTHROTTLE_ENABLED": "0",
    "RETRY_BACKOFF_BASE": "0.2",
    "TELNETCONSOLE_ENABLED": "0",
    "LOG_LEVEL": "INFO",
}


@dataclass
class Crawl:
    returncode: int
    articles: list[dict]
    rejects: list[dict]
    log: str
    seconds: float
    stats: dict[str, str] = field(default_factory=dict)

    @property
    def close_reason(self) -> str | None:
        match = re.search(r"Spider closed \((\w+)\)", self.log)
        return match.group(1) if match else None


def read_output(path: Path) -> list[dict]:
    return read_jsonl(path) if path.exists() else []


def crawl_command(spider: str, args: dict[str, str], settings: dict[str, str], workdir: Path,
                  run: str) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", spider,
               "-O", str(workdir / f"{run}.jsonl"),
               "-s", f"REJECTS_URI={workdir / f'{run}.rejects.jsonl'}",
               "-s", f"LOG_FILE={workdir / f'{run}.log'}"]
    for name, value in args.items():
        command += ["-a", f"{name}={value}"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    return command


def start_crawl(spider: str, args: dict[str, str], settings: dict[str, str], workdir: Path,
                run: str = "run") -> subprocess.Popen:
    """A crawl process in ``workdir`` (its cwd: state/ and exports/ land there)."""
    workdir.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(crawl_command(spider, args, settings, workdir, run), cwd=workdir,
                            env=scrapy_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def finish_crawl(proc: subprocess.Popen, workdir: Path, run: str = "run", started: float | None = None,
                 timeout: float = 120) -> Crawl:
    _, stderr = proc.communicate(timeout=timeout)
    log_file = workdir / f"{run}.log"
    log = (log_file.read_text(encoding="utf-8") if log_file.exists() else "") + stderr
    return Crawl(proc.returncode, read_output(workdir / f"{run}.jsonl"),
                 read_output(workdir / f"{run}.rejects.jsonl"), log,
                 time.monotonic() - started if started else 0.0, parse_stats(log))


def crawl(spider: str, args: dict[str, str], settings: dict[str, str], workdir: Path,
          run: str = "run", timeout: float = 120) -> Crawl:
    started = time.monotonic()
    return finish_crawl(start_crawl(spider, args, settings, workdir, run), workdir, run, started, timeout)


def parse_stats(log: str) -> dict[str, str]:
    """The numeric and string values of Scrapy's final stats dump."""
    dump = log.rpartition("Dumping Scrapy stats:")[2]
    return dict(re.findall(r"'([^']+)': ('[^']*'|[\d.]+)", dump))


def _wait_for(path: Path, holds, what: str, timeout: float) -> None:
    """Until ``holds(bytes)`` of the file at ``path`` (bytes: the crawl may be
    mid-way through a line, and a character); TimeoutError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and holds(path.read_bytes()):
            return
        time.sleep(0.05)
    raise TimeoutError(f"{path} did not {what}")


def wait_for_text(path: Path, text: str, timeout: float = 60) -> None:
    """Until the file at ``path`` (a crawl's log) holds ``text``."""
    _wait_for(path, lambda data: text.encode() in data, f"get {text!r}", timeout)


def wait_for_lines(path: Path, count: int, timeout: float = 60) -> None:
    _wait_for(path, lambda data: data.count(b"\n") >= count, f"reach {count} lines", timeout)

