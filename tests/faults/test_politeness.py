"""A host that answers 429 with odd or huge Retry-After values, and a gzip bomb."""

from __future__ import annotations

import pytest

from tests.faults.conftest import crawl, settings_for


@pytest.fixture
def fresh(site):
    site.log(clear=True)
    return site


def served(site, path: str) -> list[dict]:
    return [entry for entry in site.log() if entry["path"] == path]


def test_a_retry_after_beyond_the_maximum_rejects_the_page_without_holding_its_host(fresh, tmp_path):
    site, long = fresh, "/x/429-long/held1"
    others = [f"/s/afterHeld{n}" for n in range(6)]
    # RETRY_AFTER_MAX at its default (600 s): a held host would keep the crawl past the bound
    done = crawl("wechat", {"urls": ",".join(site.url(p) for p in [long, *others])},
                 settings_for(site, tmp_path), tmp_path)
    assert (done.returncode, done.close_reason) == (0, "finished"), done.log[-3000:]
    assert [(r["fetched_from"], r["reason"], r["status"]) for r in done.rejects] == \
        [(site.url(long), "http_error", 429)]
    assert sorted(a["fetched_from"] for a in done.articles) == sorted(site.url(p) for p in others)
    refused_at = served(site, long)[0]["end"]
    assert any(entry["start"] >= refused_at for path in others for entry in served(site, path)), \
        "no request followed the 429: the scenario did not happen"


def test_a_retry_after_that_is_no_number_is_a_plain_retry(fresh, tmp_path):
    site, odd = fresh, "/x/429-odd/odd1"  # Retry-After: ² (a digit to str.isdigit, not to int)
    done = crawl("wechat", {"urls": site.url(odd)}, settings_for(site, tmp_path), tmp_path)
    assert (done.returncode, done.close_reason) == (0, "finished"), done.log[-3000:]
    assert [a["fetched_from"] for a in done.articles] == [site.url(odd)] and done.rejects == []
    assert [entry["status"] for entry in served(site, odd)] == [429, 200]
    assert "Traceback" not in done.log


def test_a_gzip_bomb_over_http_is_too_large(fresh, tmp_path):
    site, bomb = fresh, "/x/gzip-bomb/bomb1"  # 4 KB on the wire, 4 MB inflated
    done = crawl("wechat", {"urls": f"{site.url(bomb)},{site.url('/s/besideBomb')}"},
                 settings_for(site, tmp_path, DOWNLOAD_MAXSIZE="1000000"), tmp_path)
    assert (done.returncode, done.close_reason) == (0, "finished"), done.log[-3000:]
    assert [(r["fetched_from"], r["reason"]) for r in done.rejects] == [(site.url(bomb), "too_large")]
    assert [a["fetched_from"] for a in done.articles] == [site.url("/s/besideBomb")]
