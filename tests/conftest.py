"""Shared test helpers: paths, and running the real ``scrapy`` command."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file of ../shared; its absence fails the test (CI has it beside the repo)."""
    path = SHARED.joinpath(*parts)
    assert path.exists(), f"{path} is missing: ../shared must sit beside the checkout"
    return path


def scrapy_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["SCRAPY_SETTINGS_MODULE"] = "crawler.settings"
    env.update(extra)
    return env


def run_scrapy(*args: str, cwd: Path, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``scrapy ARGS`` with the project's settings, from ``cwd``."""
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd, env=scrapy_env(), capture_output=True, text=True, timeout=timeout,
    )
    if check:
        assert proc.returncode == 0, f"scrapy {' '.join(args)} failed:\n{proc.stderr[-4000:]}"
    return proc


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture
def crawl_files(tmp_path):
    """Run ``scrapy crawl files`` on a path; return (articles, rejects, stderr)."""

    def crawl(path: Path, *extra: str):
        out, rejects = tmp_path / "articles.jsonl", tmp_path / "rejects.jsonl"
        proc = run_scrapy(
            "crawl", "files", "-a", f"path={path}", "-O", str(out),
            "-s", f"REJECTS_URI={rejects}", *extra, cwd=tmp_path,
        )
        return read_jsonl(out), read_jsonl(rejects), proc.stderr

    return crawl
