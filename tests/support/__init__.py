"""Helpers of the test suite only (what benches share too is in crawler.testing)."""

from __future__ import annotations

from pathlib import Path

from crawler.testing.process import REPO, SHARED, read_jsonl, run_scrapy, scrapy_env

__all__ = ["REPO", "SHARED", "read_jsonl", "run_scrapy", "scrapy_env", "shared_path"]


def shared_path(*parts: str) -> Path:
    """A file of ../shared; its absence fails the test (CI has it beside the repo)."""
    path = SHARED.joinpath(*parts)
    assert path.exists(), f"{path} is missing: ../shared must sit beside the checkout"
    return path
