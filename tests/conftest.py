"""Fixtures shared by the tests (helpers are in tests/support)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import read_jsonl, run_scrapy

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
