"""Helpers of the test suite only (what benches share too is in crawler.testing)."""

from __future__ import annotations

from pathlib import Path

from crawler.testing.process import REPO, SHARED, read_jsonl, run_scrapy, scrapy_env

__all__ = ["REPO", "SHARED", "crawl_files_in", "read_jsonl", "run_scrapy", "scrapy_env", "shared_path"]


def shared_path(*parts: str) -> Path:
    """A file of ../shared; its absence fails the test (CI has it beside the repo)."""
    path = SHARED.joinpath(*parts)
    assert path.exists(), f"{path} is missing: ../shared must sit beside the checkout"
    return path


def crawl_files_in(workdir: Path, path: Path, *extra: str):
    """Run ``scrapy crawl files`` on a path from ``workdir``; return (articles, rejects, stderr)."""
    out, rejects = workdir / "articles.jsonl", workdir / "rejects.jsonl"
    proc = run_scrapy(
        "crawl", "files", "-a", f"path={path}", "-O", str(out),
        "-s", f"REJECTS_URI={rejects}", *extra, cwd=workdir,
    )
    return read_jsonl(out), read_jsonl(rejects), proc.stderr
