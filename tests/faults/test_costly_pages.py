"""Pages within DOWNLOAD_MAXSIZE that would cost the chain minutes and gigabytes:
10 MB of one-character paragraphs (over 100 s and 600 MB in the extract stage
without a budget), 15.5 MB of plain text lines (~2 s, most of it the clean stage's)."""

from __future__ import annotations

import pytest

from crawler import settings as project_settings
from tests.faults.conftest import crawl, settings_for

# the chain's stages as a reject's detail names them ("extract: over the ...")
STAGES = {path.rsplit(".", 1)[1].removesuffix("Pipeline").lower() for path in project_settings.ITEM_PIPELINES}


def costly_crawl(site, tmp_path, path: str, **budget) -> str:
    """The detail of the page's reject; the page beside it is exported."""
    beside = site.url("/s/besideCostly")
    done = crawl("wechat", {"urls": f"{site.url(path)},{beside}"}, settings_for(site, tmp_path, **budget), tmp_path)
    assert (done.returncode, done.close_reason) == (0, "finished"), done.log[-3000:]
    assert [a["fetched_from"] for a in done.articles] == [beside], "the crawl goes on beside it"
    assert [(r["fetched_from"], r["reason"]) for r in done.rejects] == [(site.url(path), "too_costly")]
    return done.rejects[0]["detail"]


@pytest.mark.parametrize("path", ["/x/tiny-paras/tiny1", "/x/huge-text/huge1"])
def test_a_costly_page_goes_over_the_time_budget(site, tmp_path, path):
    # (the huge text costs the chain ~2 s of CPU since the clean stage's screens left out more rules)
    detail = costly_crawl(site, tmp_path, path, PAGE_TIME_BUDGET="0.5", PAGE_MEMORY_BUDGET="0")
    assert detail.split(":")[0] in STAGES and "0.5 s time budget" in detail, detail


def test_a_costly_page_goes_over_the_memory_budget(site, tmp_path):
    detail = costly_crawl(site, tmp_path, "/x/tiny-paras/tiny2", PAGE_MEMORY_BUDGET="150", PAGE_TIME_BUDGET="0")
    assert detail.split(":")[0] in STAGES and "150 MB memory budget" in detail, detail
