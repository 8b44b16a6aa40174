"""The embedded seen-store, and the small download helpers of the live spiders."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)

from crawler.fetching.downloader import Refused, failure_reason, retry_after_seconds
from crawler.state.seen import SqliteSeenStore


def test_keys_persist_across_reopening_and_clear_empties(tmp_path):
    store = SqliteSeenStore(tmp_path / "deep" / "wechat.sqlite3")
    store.add(["a", "b", "a", ""])
    assert "a" in store and "b" in store and "c" not in store and len(store) == 2
    store.close()
    again = SqliteSeenStore.from_settings({"SEEN_DIR": str(tmp_path / "deep")}, "wechat")
    assert "b" in again and len(again) == 2
    again.clear()
    assert "a" not in again and len(again) == 0
    again.close()


def test_a_store_per_spider(tmp_path):
    settings = {"SEEN_DIR": str(tmp_path)}
    wechat, sohu = SqliteSeenStore.from_settings(settings, "wechat"), SqliteSeenStore.from_settings(settings, "sohu")
    wechat.add(["k"])
    assert "k" in wechat and "k" not in sohu
    wechat.close(), sohu.close()


@pytest.mark.parametrize("value, seconds", [
    (b"120", 120.0), ("0", 0.0), (b"Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
    (b"Wed, 21 Oct 2015 07:27:00 GMT", 0.0), (b"soon", None), (None, None),
])
def test_retry_after_as_delay_or_date(value, seconds):
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    assert retry_after_seconds(value, now) == seconds


@pytest.mark.parametrize("exc, reason", [
    (Refused("off_site", "x"), "off_site"),
    (IgnoreRequest("Forbidden by robots.txt"), "robots_disallowed"),
    (DownloadCancelledError("larger than download max size"), "too_large"),
    (DownloadTimeoutError("took longer"), "timeout"),
    (CannotResolveHostError("no host"), "dns_error"),
    (ResponseDataLossError(), "truncated"),
    (ValueError("odd"), "download_error"),
])
def test_failures_map_to_reject_reasons(exc, reason):
    assert failure_reason(exc)[0] == reason
