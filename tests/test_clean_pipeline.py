"""CleanPipeline: settings, stats, pass-through."""

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.cleaning import RuleError
from crawler.items import Article, Page
from crawler.pipelines.clean import CleanPipeline


def pipeline(**settings):
    crawler = get_crawler(settings_dict=settings)
    crawler.stats.open_spider()
    return CleanPipeline.from_crawler(crawler), crawler.stats


def article(*texts):
    a = Article(url="https://www.sohu.com/a/1_2", fetched_from="f", source="sohu",
                blocks=[{"type": "paragraph", "text": t, "lang": None} for t in texts])
    a.join_text()
    return a


def test_registered_in_the_chain_at_200():
    from crawler import settings
    assert settings.ITEM_PIPELINES["crawler.pipelines.clean.CleanPipeline"] == 200


def test_disabled_stage_is_not_configured():
    with pytest.raises(NotConfigured):
        pipeline(CLEAN_ENABLED=False)


def test_broken_user_rules_stop_at_start(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rules]]\nname = "x"\nreason = "promo"\npattern = "("\n', encoding="utf-8")
    with pytest.raises(RuleError, match="bad.toml"):
        pipeline(CLEAN_RULES=[str(bad)])


def test_cleans_articles_and_counts_per_reason():
    stage, stats = pipeline()
    item = article("渡轮每天往返两次，乘客可以在甲板上看日落，港口的灯塔已有百年历史。",
                   "点击上方蓝字关注我们", "金鼎配资提示：文章来自网络，不代表本站观点。")
    assert stage.process_item(item) is item
    assert item.text == "渡轮每天往返两次，乘客可以在甲板上看日落，港口的灯塔已有百年历史。"
    assert stats.get_value("clean/articles") == 1
    assert stats.get_value("clean/articles_changed") == 1
    assert stats.get_value("clean/removed/boilerplate") == 1
    assert stats.get_value("clean/removed/boilerplate/chars") == len("点击上方蓝字关注我们")
    assert stats.get_value("clean/removed/promo") == 1
    assert stats.get_value("clean/removed_chars") == len("点击上方蓝字关注我们金鼎配资提示：文章来自网络，不代表本站观点。")


def test_safety_valve_is_counted():
    stage, stats = pipeline(CLEAN_MAX_REMOVED_SHARE=0.2)
    item = article("短讯。", "点击上方蓝字关注我们")
    stage.process_item(item)
    assert [b["text"] for b in item.blocks] == ["短讯。", "点击上方蓝字关注我们"]
    assert item.removed[-1]["reason"] == "safety_valve"
    assert stats.get_value("clean/safety_valve") == 1
    assert stats.get_value("clean/removed/safety_valve") == 1


def test_user_rules_and_disabled_rules_from_settings(tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text('[[rules]]\nname = "ferry-ad"\nreason = "ad"\npattern = "船票八折"\n', encoding="utf-8")
    stage, stats = pipeline(CLEAN_RULES=[str(mine)], CLEAN_DISABLED_RULES=[
        "wechat-prompt-line", "wechat-prompt-head", "wechat-prompt-tail", "reader-prompt-line", "reader-prompt-tail"])
    item = article("渡轮每天往返两次船票八折，乘客可以在甲板上看日落。", "点击上方蓝字关注我们")
    stage.process_item(item)
    assert item.text == "渡轮每天往返两次，乘客可以在甲板上看日落。\n点击上方蓝字关注我们"
    assert stats.get_value("clean/removed/ad") == 1


def test_other_items_pass_through():
    stage, stats = pipeline()
    page = Page(fetched_from="f", url="u")
    assert stage.process_item(page) is page
    assert stats.get_value("clean/articles") is None
