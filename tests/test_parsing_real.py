"""The site parsers on the real saved pages of ../shared/corpus/real.

Every WeChat and Sohu page yields an article or the reject reason its kind
calls for (SOURCES.md); articles have a title, a body and a date; the text
matches the hand-made gold texts (F1 >= 0.99). The pages are parsed with a
file: URL, so the parser is chosen by markup alone.
"""

import json
from functools import lru_cache
from pathlib import Path

import pytest

from crawler.errors import Rejection
from crawler.evaluation import text_f1
from crawler.parsing import SITE_PARSERS, parse_page
from tests.support import shared_path

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real"

# Special pages and the reason each must be rejected with (from SOURCES.md).
SPECIAL = {
    "wechat_2025_deleted_by_author_zh_01.html": "deleted",
    "wechat_2025_deleted_by_author_zh_imageshare.html": "deleted",
    "wechat_2026_deleted_by_author_en.html": "deleted",
    "wechat_2025_violation_marketing.html": "violation",
    "wechat_2025_violation_law.html": "violation",
    "wechat_2026_temporarily_unavailable.html": "unavailable",
    "wechat_link_expired.html": "expired",
    "wechat_antispider_verify_env_abnormal.html": "anti_crawl",
    "wechat_antispider_verify_raw_2026.html": "anti_crawl",
    "wechat_aboutbiz_MjM5ODMxNzE2NQ.html": "not_article",
    "wechat_aboutbiz_MzI0Nzg2MTExMA.html": "not_article",
    "wechat_profile_history_bitsea_2017.html": "not_article",
}
# Post types SOURCES.md names; every other normal WeChat page is an article.
POST_TYPES = {
    "wechat_2025_imageshare_36kr.html": "image_share",
    "wechat_2025_imageshare_shenguang.html": "image_share",
    "wechat_2026_imageshare_36kr_nvidia.html": "image_share",
    "wechat_2025_textshare_xuanyuan.html": "text_share",
    "wechat_2025_textshare_jinbang_zhaosheng.html": "text_share",
}
# Publication dates SOURCES.md gives ("ct=" timestamps and dated rows).
DATES = {
    "wechat_2018_huashangbao_newsbrief_bgimage.html": "2018-04-06",
    "wechat_2018_gongchandangyuan_video_iframe.html": "2018-03-20",
    "wechat_2018_changjiangribao_mpvoice.html": "2018-03-19",
    "wechat_2018_qqmusic_embed.html": "2018-04-07",
    "wechat_2018_jiagoushi_mq.html": "2018-01-03",
    "wechat_2020_aifoukeji_galaxy_s20.html": "2020-02-12",
    "wechat_2020_weiwencode_python.html": "2020-02-11",
    "wechat_2022_suide_veterans.html": "2022-07-31",
    "wechat_2024_csdn_harmony.html": "2024-12-18",
    "wechat_2025_articleshare_xuanyuan_google.html": "2025-11-06",
    "wechat_2025_normal_xuanyuan_ai.html": "2025-11-10",
    "wechat_2025_normal_yinji_podcast.html": "2025-11-11",
    "wechat_2025_normal_boyuanba_stock.html": "2025-11-04",
    "wechat_2025_normal_math_day15.html": "2025-12-04",
    "sohu_2024_zhongfa_jingmao_www.html": "2024-05-13",
    "sohu_2024_brunson_sports_www.html": "2024-05-20",
}


def real_pages() -> list[Path]:
    assert REAL.is_dir(), f"the shared corpus is missing: {REAL}"
    pages = sorted([*REAL.glob("wechat/*.html"), *REAL.glob("sohu/*.html")])
    assert len(pages) >= 30, f"expected the real WeChat and Sohu pages under {REAL}"
    return pages


@lru_cache(maxsize=None)
def outcome(path: Path):
    try:
        return parse_page(path.read_bytes(), path.resolve().as_uri())
    except Rejection as exc:
        return exc


PAGES = real_pages() if REAL.is_dir() else [REAL / "missing"]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_page_yields_article_or_its_reject_reason(path):
    assert path.is_file(), f"missing real page {path}"
    result = outcome(path)
    if path.name in SPECIAL:
        assert isinstance(result, Rejection), f"{path.name} parsed as an article"
        assert result.reason == SPECIAL[path.name]
        return
    assert not isinstance(result, Rejection), f"normal page rejected: {result}"
    site = path.parent.name
    assert result.source == site
    assert result.title and result.title.strip()
    assert result.blocks and result.text.strip()
    assert result.published_at and result.published_at.endswith("+08:00")
    assert result.published_from == {"wechat": "page_data", "sohu": "dateline"}[site]
    if path.name in DATES:
        assert result.published_at.startswith(DATES[path.name])
    if site == "wechat":
        assert result.post_type == POST_TYPES.get(path.name, "article")
        assert result.account and result.account_id
    else:
        assert result.url.startswith("https://www.sohu.com/a/") and result.account_id


def test_special_pages_all_present():
    names = {p.name for p in real_pages()}
    assert set(SPECIAL) <= names


@pytest.mark.parametrize("gold", sorted(REAL.glob("*/*.gold.json")), ids=lambda p: p.name)
def test_text_f1_against_gold(gold):
    data = json.loads(gold.read_text(encoding="utf-8"))
    result = outcome(gold.with_name(gold.name.replace(".gold.json", ".html")))
    assert not isinstance(result, Rejection)
    score = text_f1(result.text, data["content"])
    assert score.f1 >= 0.99, f"{gold.name}: {score}"


def test_gold_files_present():
    assert len(list(REAL.glob("*/*.gold.json"))) >= 3


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_parser_is_chosen_by_markup(path):
    """With a file: URL there is no host hint: the page's own markup decides
    (the bare 'temporarily unavailable' page by its <title>)."""
    html = path.read_text(encoding="utf-8")
    chosen = next((p.name for p in SITE_PARSERS if p.detect(html, path.as_uri())), None)
    assert chosen == path.parent.name


def test_wechat_urls_are_normalised_to_the_long_form():
    result = outcome(REAL / "wechat" / "wechat_2022_suide_veterans.html")
    assert result.url == (
        "https://mp.weixin.qq.com/s?__biz=MzAxMzgxNzUxOA==&mid=2650804290&idx=8"
        "&sn=d625de357b53f96d710aca4e6ec7f57c"
    )


def test_wechat_source_url_is_unescaped():
    result = outcome(REAL / "wechat" / "wechat_2018_jiagoushi_mq.html")
    assert result.source_url and "&amp;" not in result.source_url and "\\x26" not in result.source_url
    assert result.source_url.startswith("https://mp.weixin.qq.com/s?__biz=MjM5ODYxMDA5OQ==&")


def test_wechat_images_come_from_data_src():
    result = outcome(REAL / "wechat" / "wechat_2025_normal_math_day15.html")
    assert result.images
    # the real pictures, not the emoji template strings of the page's scripts
    assert all(i["url"].startswith("https://mmbiz.qpic.cn/") for i in result.images)
    assert sum("wx_fmt=" in i["url"] for i in result.images) >= len(result.images) - 1


def test_image_share_pictures_from_share_data():
    result = outcome(REAL / "wechat" / "wechat_2025_imageshare_36kr.html")
    assert len(result.images) >= 2
    assert all(i["url"].startswith("https://mmbiz.qpic.cn/") and "&amp;" not in i["url"] for i in result.images)


def test_sohu_injections_recorded_not_in_text():
    for name in ("sohu_2024_brunson_sports_www.html", "sohu_2024_zhongfa_jingmao_www.html"):
        result = outcome(REAL / "sohu" / name)
        assert "返回搜狐" not in result.text and "责任编辑" not in result.text
        removed = [r["text"] for r in result.removed if r["reason"] == "boilerplate"]
        assert "返回搜狐，查看更多" in removed
        assert any(t.startswith("责任编辑") for t in removed)


def test_sogou_verification_page_is_anti_crawl():
    page = shared_path("corpus", "real", "other", "sogou_weixin_search_antispider.html")
    with pytest.raises(Rejection) as err:
        parse_page(page.read_bytes(), "https://weixin.sogou.com/antispider/?from=%2Fweixin")
    assert err.value.reason == "anti_crawl"
    with pytest.raises(Rejection) as err:  # a saved copy: the markup alone tells
        parse_page(page.read_bytes(), page.as_uri())
    assert err.value.reason == "anti_crawl"
