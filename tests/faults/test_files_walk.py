"""Faults of a real directory tree under ``scrapy crawl files``: every entry is
read or rejected with its reason, nothing hangs, nothing is read unbounded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from crawler.testing import corpora
from crawler.testing.process import read_jsonl, scrapy_env

# root reads every file: the crawl then runs without the capabilities that let it
UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"] if os.geteuid() == 0 else []


def crawl(path: Path, out: Path, *extra: str, prefix: list[str] = ()) -> subprocess.CompletedProcess:
    """``scrapy crawl files`` on ``path``, bounded in time."""
    command = [*prefix, sys.executable, "-m", "scrapy", "crawl", "files", "-a", f"path={path}",
               "-O", str(out / "articles.jsonl"), "-s", f"REJECTS_URI={out / 'rejects.jsonl'}",
               "-s", "DEDUP_BACKEND=memory", "-s", "SEEN_ENABLED=0", "-s", "ATOM_FEED_ENABLED=0", *extra]
    proc = subprocess.run(command, cwd=out, env=scrapy_env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "'finish_reason': 'finished'" in proc.stderr, proc.stderr[-3000:]
    return proc


def names(items):
    return {item["fetched_from"].rsplit("/", 1)[-1]: item for item in items}


def test_loops_fifos_devices_and_symlinks_are_rejected_by_their_own_name(tmp_path):
    tree = tmp_path / "tree"
    (tree / "a").mkdir(parents=True)
    first = corpora.write_jsonl(tree / "a" / "first.jsonl", corpora.records(1))
    (tree / "a" / "loop").symlink_to("..")  # a directory symlink back up the tree
    (tree / "self").symlink_to("self")  # a symlink to itself
    os.mkfifo(tree / "fifo.html")  # read, it would block the crawl for ever
    (tree / "zero.html").symlink_to("/dev/zero")  # read, it would never end
    (tree / "dangling.html").symlink_to(tmp_path / "gone.html")
    (tree / "linked.jsonl").symlink_to(first)  # a symlink to a file: read under its own name
    corpora.write_jsonl(tree / "z_last.jsonl", corpora.records(1, start=1))

    crawl(tree, tmp_path)

    articles = names(read_jsonl(tmp_path / "articles.jsonl"))
    rejects = names(read_jsonl(tmp_path / "rejects.jsonl"))
    # first.jsonl and the symlink to it hold one page, read under both names: one is its near-duplicate
    copies = {"first.jsonl#line=1", "linked.jsonl#line=1"}
    assert set(articles) - copies == {"z_last.jsonl#line=1"} and len(copies & set(articles)) == 1
    reasons = {name: r["reason"] for name, r in rejects.items()}
    assert reasons.pop((copies - set(articles)).pop()) == "near_duplicate"
    assert reasons == {"loop": "unsupported", "self": "unreadable", "fifo.html": "unsupported",
                       "zero.html": "unsupported", "dangling.html": "unreadable"}
    assert rejects["loop"]["fetched_from"] == (tree / "a" / "loop").as_uri()
    assert "symlink loop" in rejects["loop"]["detail"] and "symlink loop" in rejects["self"]["detail"]
    assert "FIFO" in rejects["fifo.html"]["detail"] and "character device" in rejects["zero.html"]["detail"]
    assert rejects["dangling.html"]["fetched_from"] == (tree / "dangling.html").as_uri()
    assert str(tmp_path / "gone.html") in rejects["dangling.html"]["detail"]


def test_unreadable_directories_and_files_are_rejected(tmp_path):
    tree = tmp_path / "tree"
    (tree / "closed").mkdir(parents=True)
    corpora.write_jsonl(tree / "closed" / "inside.jsonl", corpora.records(1))
    corpora.write_jsonl(tree / "open.jsonl", corpora.records(1, start=1))
    secret = corpora.write_jsonl(tree / "secret.jsonl", corpora.records(1, start=2))
    (tree / "closed").chmod(0o000)
    secret.chmod(0o000)
    try:
        crawl(tree, tmp_path, prefix=UNPRIVILEGED)
    finally:
        (tree / "closed").chmod(0o755)
    articles = names(read_jsonl(tmp_path / "articles.jsonl"))
    rejects = names(read_jsonl(tmp_path / "rejects.jsonl"))
    assert set(articles) == {"open.jsonl#line=1"}
    assert {name: r["reason"] for name, r in rejects.items()} == {
        "closed": "unreadable", "secret.jsonl": "unreadable"}
    assert "directory" in rejects["closed"]["detail"]
