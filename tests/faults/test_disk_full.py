"""The disk of the feeds fills up mid-crawl: embedded (SQLite seen-store) and
distributed (Redis seen-store and queue)."""

from __future__ import annotations

import sqlite3
import subprocess

import pyarrow.parquet as pq
import pytest
import redis

from crawler.fetching.urls import article_key, load_url_rules
from crawler.testing import livecrawl as L
from crawler.testing.redis_server import redis_server
from tests.faults.conftest import bounded, full_file, settings_for, small_disk, whole_lines

ARTICLES = 200  # author bench10: 10 pages of 20


def crawl_to(feed, settings, workdir, run):
    """A sohu crawl exporting to ``feed`` (anywhere), bounded in time."""
    workdir.mkdir(parents=True, exist_ok=True)
    command = L.crawl_command("sohu", {"author": "bench10"}, settings, workdir, run)
    command[command.index("-O") + 1] = str(feed)
    proc = subprocess.Popen(command, cwd=workdir, env=L.scrapy_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    return bounded(proc, workdir, run)


def seen_keys(workdir, url: str | None) -> set[str]:
    """The keys marked exported: the embedded store's, or the Redis one's at ``url``."""
    if url:
        client = redis.Redis.from_url(url)
        try:
            return {key.decode() for key in client.smembers("seen:sohu")}
        finally:
            client.close()
    db = sqlite3.connect(workdir / "seen" / "sohu.sqlite3")
    try:
        return {key for (key,) in db.execute("SELECT key FROM seen")}
    finally:
        db.close()


@pytest.fixture(params=["embedded", "distributed"])
def redis_url(request):
    if request.param == "embedded":
        yield None
        return
    with redis_server() as url:
        yield url


def test_a_full_disk_stops_the_crawl_and_marks_only_what_was_written(site, tmp_path, redis_url):
    mode = {"DISTRIBUTED_REDIS_URL": redis_url, "DISTRIBUTED_WORKER_TTL": "2",
            "DISTRIBUTED_POLL_INTERVAL": "0.25"} if redis_url else {}
    settings = settings_for(site, tmp_path, **mode)
    with small_disk(tmp_path / "disk", "300k") as mounted:  # room for ~30 of the 200 articles
        feed = full_file(tmp_path / "disk", "articles.jsonl", mounted)
        full = crawl_to(feed, settings, tmp_path, "full")
        written = whole_lines(feed)
    assert (full.returncode, full.close_reason) == (1, "feed_error"), full.log[-3000:]
    assert len(written) < ARTICLES
    marked_then_resumed(written, settings, tmp_path, redis_url)


def marked_then_resumed(written: list[dict], settings, workdir, redis_url) -> None:
    """Marked exported: exactly the articles in the feed (under their own and their listed
    URL); with room again, the next run exports exactly the others (distributed: what the
    full run had not acknowledged is still queued)."""
    seen = seen_keys(workdir, redis_url)
    assert {article_key(a["url"], load_url_rules([])) for a in written} <= seen
    assert len(seen) == 2 * len(written)
    again = crawl_to(workdir / "again.jsonl", settings, workdir, "again")
    assert (again.returncode, again.close_reason) == (0, "finished"), again.log[-3000:]
    urls = [a["url"] for a in written + again.articles]
    assert len(urls) == len(set(urls)) == ARTICLES and again.rejects == []


def test_a_full_disk_leaves_a_parquet_feed_whole_and_marks_only_its_rows(site, tmp_path):
    settings = {**settings_for(site, tmp_path), "PARQUET_ROW_GROUP_ROWS": "10"}
    with small_disk(tmp_path / "disk", "120k") as mounted:
        feed = full_file(tmp_path / "disk", "articles.parquet", mounted)
        full = crawl_to(feed, settings, tmp_path, "full")
        # read as it is, no repair: the failed write was rolled back
        written = pq.read_table(feed).to_pylist() if mounted else []
    assert (full.returncode, full.close_reason) == (1, "feed_error"), full.log[-3000:]
    assert len(written) % 10 == 0 and (0 < len(written) < ARTICLES or not mounted), len(written)
    assert 'cut back' not in full.log  # the exporter rolled its file back itself
    marked_then_resumed(written, settings, tmp_path, None)
