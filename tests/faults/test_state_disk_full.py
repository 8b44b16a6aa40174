"""The disk of the crawl's state (seen-store, dedup index, learned templates)
fills up mid-crawl while the feeds' disk has room."""

from __future__ import annotations

import shutil
from collections import Counter

from tests.faults.conftest import crawl, settings_for, small_disk
from tests.faults.test_disk_full import ARTICLES


def test_a_full_state_disk_stops_the_crawl_and_the_next_run_completes_it(site, tmp_path):
    state = tmp_path / "state"
    settings = settings_for(site, tmp_path, SEEN_DIR=str(state / "seen"), DEDUP_DIR=str(state / "dedup"),
                            CLEAN_TEMPLATES_DIR=str(state / "templates"))
    with small_disk(state, "400k") as mounted:  # room to open the stores and index some articles
        assert mounted, "a tmpfs could not be mounted (the fault tests run as root)"
        full = crawl("sohu", {"author": "bench10"}, settings, tmp_path, "full")
        kept = tmp_path / "kept"
        shutil.copytree(state, kept)  # what the full disk held, for the next run
    assert (full.returncode, full.close_reason) == (1, "state_full"), full.log[-3000:]
    assert 0 < len(full.articles) < ARTICLES
    # pages it could not index are rejects `unavailable`, not `error`s
    assert {r["reason"] for r in full.rejects} <= {"unavailable"}, full.rejects[:3]
    # with room again, the next run exports the rest
    shutil.rmtree(state)
    kept.rename(state)
    again = crawl("sohu", {"author": "bench10"}, settings, tmp_path, "again")
    assert (again.returncode, again.close_reason) == (0, "finished"), again.log[-3000:]
    exported = Counter(a["url"] for a in full.articles + again.articles)
    assert len(exported) == ARTICLES
    # once each, save the one whose mark in the seen-store found the disk full (it was in
    # the feed already); after it, nothing more was exported, so nothing more is unmarked
    assert sum(exported.values()) - ARTICLES <= 1, [url for url, n in exported.items() if n > 1]
