"""Fault-injection scenarios: real ``scrapy crawl`` processes against the mock
site, with real faults (a full disk, a Redis server killed...). Each scenario
asserts what an operator relies on: every input ends as an article or a
reject with a reason, nothing twice, and the process exits in bounded time
with a close reason and an exit status that tell the truth."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from crawler.testing import livecrawl
from crawler.testing.livecrawl import FAST, Crawl, MockSite, endpoint_settings

EXIT_WITHIN = 120  # seconds: a scenario's crawl that runs longer hangs


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="module")
def site():
    with MockSite() as mock:
        yield mock


def bounded(proc: subprocess.Popen, workdir: Path, run: str = "run", timeout: float = EXIT_WITHIN) -> Crawl:
    """The crawl's outcome; a crawl still running after ``timeout`` is killed and the test fails."""
    try:
        return livecrawl.finish_crawl(proc, workdir, run, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        crawl = livecrawl.finish_crawl(proc, workdir, run, timeout=30)
        pytest.fail(f"the crawl did not exit within {timeout} s:\n{crawl.log[-3000:]}")


def crawl(spider: str, args: dict[str, str], settings: dict[str, str], workdir: Path, run: str = "run",
          timeout: float = EXIT_WITHIN) -> Crawl:
    return bounded(livecrawl.start_crawl(spider, args, settings, workdir, run), workdir, run, timeout)


def settings_for(site: MockSite, workdir: Path, **extra) -> dict[str, str]:
    return {**FAST, **endpoint_settings(site), "SEEN_DIR": str(workdir / "seen"),
            "DEDUP_DIR": str(workdir / "dedup"), **extra}


@contextlib.contextmanager
def small_disk(path: Path, size: str):
    """A real filesystem of ``size`` at ``path`` (tmpfs, root only). Where
    mounting is refused, ``path`` is left empty and the caller's file is made
    a link to /dev/full (ENOSPC on every write): see ``full_file``."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], check=True)


def full_file(directory: Path, name: str, mounted: bool) -> Path:
    """A file on the small disk, or one that is always full where none could be mounted."""
    path = directory / name
    if not mounted:
        os.symlink("/dev/full", path)
    return path


def whole_lines(path: Path) -> list[dict]:
    """Every line of a JSON-lines file, each of which must be whole JSON."""
    data = path.read_bytes() if path.exists() and not path.is_symlink() else b""
    assert not data or data.endswith(b"\n"), f"{path} ends in a partial line"
    return [json.loads(line) for line in data.splitlines()]
