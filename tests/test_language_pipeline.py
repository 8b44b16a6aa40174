"""Language stage adapter: settings, stats, rejects, one-language export."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.items import Article, Page
from crawler.parsing import parse_page
from crawler.pipelines.language import LanguagePipeline, LanguageRejected

ZH = "屋顶农场不仅能为附近的餐厅提供新鲜蔬菜，还能在夏天降低楼内的温度。"
EN = "The rooftop farm supplies fresh vegetables to nearby restaurants and cools the building in summer."


def pipeline(**settings) -> LanguagePipeline:
    return LanguagePipeline.from_crawler(get_crawler(settings_dict=settings))


def bilingual() -> Article:
    article = Article(url="https://example.com/a", fetched_from="https://example.com/a", source="sohu")
    article.blocks = [
        {"type": "paragraph", "text": ZH}, {"type": "paragraph", "text": EN},
        {"type": "caption", "text": "2025"}, {"type": "paragraph", "text": ZH},
        {"type": "paragraph", "text": ZH},
    ]
    article.join_text()
    return article


def test_tags_blocks_and_article_and_counts_stats():
    stage = pipeline()
    article = stage.process_item(bilingual())
    assert [b["lang"] for b in article.blocks] == ["zh", "en", "und", "zh", "zh"]
    assert article.lang == "zh" and set(article.langs) == {"zh", "en", "und"}
    stats = stage.stats.get_stats()
    assert stats["language/articles"] == 1
    assert stats["language/article/zh"] == 1
    assert stats["language/blocks/script"] == 3


def test_other_items_pass_through():
    page = Page(fetched_from="x", url="https://example.com/")
    assert pipeline().process_item(page) is page


def test_disabled_stage_is_not_configured():
    with pytest.raises(NotConfigured):
        pipeline(LANG_ENABLED=False)


def test_bad_action_is_refused():
    with pytest.raises(ValueError, match="LANG_ACTION"):
        pipeline(LANG_ACTION="delete")


def test_drop_rejects_articles_in_other_languages_with_reason_language():
    with pytest.raises(LanguageRejected) as caught:
        pipeline(LANG_KEEP="ja,ko").process_item(bilingual())
    assert caught.value.rejected.reason == "language"
    assert caught.value.rejected.url == "https://example.com/a"


def test_label_keeps_them_and_counts_them():
    stage = pipeline(LANG_KEEP=["ja"], LANG_ACTION="label")
    assert stage.process_item(bilingual()).lang == "zh"
    assert stage.stats.get_value("language/not_kept") == 1


def test_keep_accepts_detector_spellings():
    article = bilingual()
    article.blocks = article.blocks[:1]
    assert pipeline(LANG_KEEP=["zh-CN"]).process_item(article).lang == "zh"


def test_blocks_of_one_language_moves_the_others_to_removed():
    stage = pipeline(LANG_BLOCKS="en")
    article = stage.process_item(bilingual())
    assert [b["text"] for b in article.blocks] == [EN, "2025"]
    assert article.lang == "en"
    assert [r["reason"] for r in article.removed] == ["other_language"] * 3
    assert stage.stats.get_value("language/blocks_removed") == 3


def test_blocks_of_an_absent_language_reject_the_article():
    with pytest.raises(LanguageRejected, match="no ja blocks"):
        pipeline(LANG_BLOCKS="ja").process_item(bilingual())


def test_bilingual_seed_is_kept_for_its_chinese_side():
    seed = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "sohu_style_article_with_spam.txt"
    article = parse_page(seed.read_bytes(), "file:sohu_style_article_with_spam.txt")
    article = pipeline(LANG_KEEP=["zh"], LANG_BLOCKS="zh").process_item(article)
    assert article.lang == "zh" and article.langs.get("en", 0) == 0
    assert article.removed and {r["reason"] for r in article.removed} == {"other_language"}


def test_counts_blocks_by_method_and_those_told_by_their_context():
    ja = "今日はとても良い天気ですね。明日も晴れるといいのですが、どうでしょうか。"
    article = Article(url="https://example.com/j", fetched_from="https://example.com/j", source="sohu")
    article.blocks = [{"type": "paragraph", "text": ja}, {"type": "paragraph", "text": "東京都"},
                      {"type": "paragraph", "text": ja}, {"type": "paragraph", "text": "大阪"}]
    article.join_text()
    stage = pipeline()
    stage.process_item(article)
    assert [b["lang"] for b in article.blocks] == ["ja", "ja", "ja", "ja"]  # kanji alone: Japanese here
    stats = stage.stats.get_stats()
    assert stats["language/blocks/script"] == 2 and stats["language/blocks/short"] == 2
    assert stats["language/blocks/from_context"] == 2
