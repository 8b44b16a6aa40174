"""The dedup stage as Scrapy runs it: settings, stats, rejects, persistence."""

from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.items import Article, Page
from crawler.pipelines import NearDuplicate, Reject
from crawler.pipelines.dedup import DedupPipeline

BODY = [
    "地铁新线开通后，沿线的老街区重新热闹起来，早点铺子门口排起了长队，不少年轻人专程赶来打卡。",
    "街道办说，今年将改造三百多户老房子的管线，同时保留原有的门楼和青砖墙，不搞大拆大建。",
    "一位在这里住了四十年的老人说，变化来得很快，但他最在意的是邻里之间的那份熟悉还在不在。",
]


def pipeline(tmp_path, **overrides):
    values = {k: v for k, v in vars(project_settings).items() if k.startswith("DEDUP_")}
    values.update(DEDUP_DIR=str(tmp_path / "dedup"), **overrides)
    crawler = get_crawler(settings_dict=values)
    return DedupPipeline.from_crawler(crawler), crawler.stats


def article(url, paragraphs):
    blocks = [{"type": "paragraph", "text": p, "lang": None} for p in paragraphs]
    item = Article(url=url, fetched_from=url, source="wechat", blocks=blocks)
    item.join_text()
    return item


def test_registered_at_300_with_documented_defaults():
    assert project_settings.ITEM_PIPELINES["crawler.pipelines.dedup.DedupPipeline"] == 300
    assert (project_settings.DEDUP_THRESHOLD, project_settings.DEDUP_NUM_PERM,
            project_settings.DEDUP_SHINGLE_SIZE) == (0.5, 128, 5)
    assert project_settings.DEDUP_BACKEND == "disk" and project_settings.DEDUP_DIR == "state/dedup"


def test_repeated_blocks_removed_and_counted(tmp_path):
    stage, stats = pipeline(tmp_path)
    item = article("https://mp.weixin.qq.com/s/a", BODY + [BODY[2] + BODY[0], BODY[1]])
    out = stage.process_item(item)
    assert [b["text"] for b in out.blocks] == BODY
    assert out.text == "\n".join(BODY)
    assert [r["reason"] for r in out.removed] == ["duplicate_block"] * 3
    assert stats.get_value("dedup/blocks_removed") == 3
    assert stats.get_value("dedup/blocks_split") == 1
    assert stats.get_value("dedup/indexed") == 1
    stage.close_spider()


def test_near_duplicate_rejected_with_its_original(tmp_path):
    stage, stats = pipeline(tmp_path)
    stage.process_item(article("https://mp.weixin.qq.com/s/a", BODY))
    repost = article("https://www.sohu.com/a/1_2", ["来源：城市日报"] + BODY + ["返回搜狐，查看更多"])
    with pytest.raises(NearDuplicate) as caught:
        stage.process_item(repost)
    assert isinstance(caught.value, Reject)
    rejected = caught.value.rejected
    assert (rejected.reason, rejected.url) == ("near_duplicate", "https://www.sohu.com/a/1_2")
    assert rejected.detail.startswith("of https://mp.weixin.qq.com/s/a (similarity 0.")
    assert stats.get_value("dedup/near_duplicates") == 1
    stage.close_spider()


def test_label_mode_keeps_the_duplicate_with_duplicate_of(tmp_path):
    stage, stats = pipeline(tmp_path, DEDUP_ACTION="label")
    first = stage.process_item(article("https://mp.weixin.qq.com/s/a", BODY))
    assert first.duplicate_of is None
    copy = stage.process_item(article("https://mp.weixin.qq.com/s/b", BODY))
    assert copy.duplicate_of == "https://mp.weixin.qq.com/s/a"
    stage.close_spider()


def test_index_persists_between_runs(tmp_path):
    stage, _ = pipeline(tmp_path)
    stage.process_item(article("https://mp.weixin.qq.com/s/a", BODY))
    stage.close_spider()
    next_run, stats = pipeline(tmp_path)
    with pytest.raises(NearDuplicate):
        next_run.process_item(article("https://www.sohu.com/a/9_9", BODY[:2] + [BODY[2][:-6] + "，这让人欣慰。"]))
    next_run.close_spider()
    assert (tmp_path / "dedup" / "index.sqlite3").is_file()


def test_an_article_again_in_a_later_run_is_no_near_duplicate_of_itself(tmp_path):
    """A re-run exports its articles again; the same URL twice in one run is a duplicate."""
    stage, _ = pipeline(tmp_path)
    stage.process_item(article("https://mp.weixin.qq.com/s/a", BODY))
    with pytest.raises(NearDuplicate) as caught:
        stage.process_item(article("https://mp.weixin.qq.com/s/a", BODY))  # the same page twice in a run
    assert caught.value.rejected.detail.startswith("of https://mp.weixin.qq.com/s/a ")
    stage.close_spider()
    next_run, stats = pipeline(tmp_path)
    again = next_run.process_item(article("https://mp.weixin.qq.com/s/a", BODY))
    assert again.duplicate_of is None and stats.get_value("dedup/near_duplicates") is None
    with pytest.raises(NearDuplicate):  # still a near-duplicate of everything else it matches
        next_run.process_item(article("https://www.sohu.com/a/9_9", BODY))
    with pytest.raises(NearDuplicate):
        next_run.process_item(article("https://mp.weixin.qq.com/s/a", BODY))
    next_run.close_spider()


def test_short_articles_and_other_items_pass(tmp_path):
    stage, stats = pipeline(tmp_path)
    page = Page(fetched_from="x", url="https://example.org/")
    assert stage.process_item(page) is page
    for _ in range(2):
        stage.process_item(article("https://mp.weixin.qq.com/s/short", ["早安，今天也要加油。"]))
    assert stats.get_value("dedup/too_short") == 2
    assert stats.get_value("dedup/near_duplicates") is None
    stage.close_spider()


def test_switched_off_and_bad_settings(tmp_path):
    with pytest.raises(NotConfigured):
        pipeline(tmp_path, DEDUP_ENABLED=False)
    with pytest.raises(ValueError, match="DEDUP_ACTION"):
        pipeline(tmp_path, DEDUP_ACTION="drop")
    with pytest.raises(ValueError, match="DEDUP_THRESHOLD"):
        pipeline(tmp_path, DEDUP_THRESHOLD=1.5)
    stage, _ = pipeline(tmp_path, DEDUP_ARTICLES=False, DEDUP_BACKEND="redis")  # no index, no server needed
    assert stage.index is None
    assert not (tmp_path / "dedup").exists()


@pytest.mark.parametrize("incremental, seen_enabled, rejected", [(False, True, True), (True, False, True),
                                                                  (True, True, False)])
def test_own_url_again_is_a_duplicate_unless_a_seen_store_decides(tmp_path, incremental, seen_enabled, rejected):
    # A live crawl (seen-store on) killed after indexing a page, before exporting it,
    # fetches it again: it must be exported then, not rejected as a copy of itself.
    values = {k: v for k, v in vars(project_settings).items() if k.startswith("DEDUP_")}
    values.update(DEDUP_DIR=str(tmp_path / "dedup"), SEEN_ENABLED=seen_enabled)
    crawler = get_crawler(settings_dict=values)
    crawler.spider = type("Spider", (), {"incremental": incremental})()
    stage = DedupPipeline.from_crawler(crawler)
    stage.process_item(article("https://mp.weixin.qq.com/s/a", BODY))
    if rejected:
        with pytest.raises(NearDuplicate):
            stage.process_item(article("https://mp.weixin.qq.com/s/a", BODY))
    else:
        assert stage.process_item(article("https://mp.weixin.qq.com/s/a", BODY)).duplicate_of is None
    with pytest.raises(NearDuplicate):
        stage.process_item(article("https://mp.weixin.qq.com/s/b", BODY))
    stage.close_spider()
