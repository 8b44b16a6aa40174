"""Verification-page recognition against the real saved pages in ../shared
(which must be there: these tests fail, not skip, without them)."""

from __future__ import annotations

import gzip
import zlib
from types import SimpleNamespace

import pytest
from scrapy.exceptions import CloseSpider
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.fetching.anticrawl import Detector, decoded_head, load_rules
from crawler.fetching.downloader import ANTI_CRAWL_CLOSE_REASON, AntiCrawlWatch
from crawler.rulefiles import RulesError
from tests.support import shared_path

DETECTOR = Detector(load_rules())

VERIFICATION_PAGES = [
    "wechat/wechat_antispider_verify_raw_2026.html",
    "wechat/wechat_antispider_verify_env_abnormal.html",
    "other/sogou_weixin_search_antispider.html",
]


def real(name: str) -> bytes:
    return shared_path("corpus", "real", name).read_bytes()


@pytest.mark.parametrize("name", VERIFICATION_PAGES)
def test_real_verification_pages_are_recognised_by_their_body(name):
    # served at the article's own URL, so only the body can tell
    assert DETECTOR.match("https://mp.weixin.qq.com/s/xDs2GD1jWJEoWX5JHtb2qQ", real(name)) is not None


def test_no_real_article_or_special_page_is_taken_for_a_verification_page():
    real_dir = shared_path("corpus", "real")
    others = [p for p in sorted(real_dir.glob("*/*.html")) if str(p.relative_to(real_dir)) not in VERIFICATION_PAGES]
    assert len(others) >= 30
    for path in others:
        assert DETECTOR.match("https://mp.weixin.qq.com/s/abc", path.read_bytes()) is None, path.name


@pytest.mark.parametrize("url, rule", [
    ("https://mp.weixin.qq.com/mp/wappoc_appmsgcaptcha?poc_token=x&target_url=y", "wechat_verify_url"),
    ("https://mp.weixin.qq.com/mp/secitptpage/verify.html?x=1", "wechat_verify_url"),
    ("https://weixin.sogou.com/antispider/?from=%2fweixin", "sogou_antispider_url"),
    ("https://example.com/captcha/show", "captcha_url"),
])
def test_verification_urls(url, rule):
    assert DETECTOR.match(url, b"<html></html>") == rule


def test_articles_mentioning_the_words_are_not_verification_pages():
    article = "<p>实验室报告环境异常，温度过高。</p><p>How to solve a captcha.</p>".encode()
    assert DETECTOR.match("https://example.com/posts/captcha-history", article) is None


def test_markers_in_gb18030_and_compressed_bodies():
    page = "<h2>环境异常</h2><p>当前环境异常，完成验证后即可继续访问。</p>"
    assert DETECTOR.match("https://a.example/x", page.encode("gb18030")) == "wechat_env_abnormal"
    utf8 = page.encode()
    assert DETECTOR.match("https://a.example/x", gzip.compress(utf8), "gzip") == "wechat_env_abnormal"
    assert DETECTOR.match("https://a.example/x", zlib.compress(utf8), "deflate") == "wechat_env_abnormal"
    assert decoded_head(b"\x1f\x8bnot gzip", "gzip") == b"\x1f\x8bnot gzip"  # broken: raw bytes


def test_user_rules_extend_the_built_in_ones(tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text('[[rule]]\nname = "my_wall"\nbody = ["请登录后查看", "login-wall"]\n', encoding="utf-8")
    detector = Detector(load_rules([mine]))
    assert detector.match("https://a.example/", "<div class=login-wall>请登录后查看</div>".encode()) == "my_wall"
    assert detector.match("https://a.example/", "<div>请登录后查看</div>".encode()) is None  # every marker


@pytest.mark.parametrize("text, message", [
    ('[[rule]]\nbody = ["x"]', "'name'"),
    ('[[rule]]\nname = "a"', "needs 'url' or 'body'"),
    ('[[rule]]\nname = "a"\nurl = "("', "bad 'url' pattern"),
    ('[[rule]]\nname = "a"\nbody = "x"', "list of non-empty strings"),
    ('[[rule]]\nname = "wechat_verify_url"\nurl = "x"', "duplicate rule name"),
    ('[[rule]]\nname = "a"\nurl = "x"\nweight = 2', "unknown key"),
])
def test_bad_rules_are_refused_with_a_clear_error(tmp_path, text, message):
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        load_rules([bad])


def test_a_stopping_crawl_refuses_what_is_queued_then_closes():
    crawler = SimpleNamespace(settings=Settings())
    crawler.stats = MemoryStatsCollector(crawler)
    watch = AntiCrawlWatch(crawler, detector=None, max_in_row=3, close_spider=True)
    watch.spider_idle(None)  # nothing blocked: the spider may close as usual
    assert watch.refusal("https://mp.weixin.qq.com/s/a") is None
    watch.in_row["mp.weixin.qq.com"] = 3
    watch.block("mp.weixin.qq.com", "wechat_verify_page")
    assert watch.refusal("https://mp.weixin.qq.com/s/b").reason == "host_blocked"
    stopped = watch.refusal("https://www.sohu.com/a/1_2")
    assert stopped.reason == "crawl_stopped" and "mp.weixin.qq.com served 3 verification pages" in stopped.detail
    with pytest.raises(CloseSpider) as closing:
        watch.spider_idle(None)
    assert closing.value.reason == ANTI_CRAWL_CLOSE_REASON


def test_a_robots_txt_answer_does_not_end_a_streak_of_verification_pages():
    from scrapy.http import HtmlResponse, Request

    crawler = SimpleNamespace(settings=Settings())
    crawler.stats = MemoryStatsCollector(crawler)
    watch = AntiCrawlWatch(crawler, DETECTOR, max_in_row=3, close_spider=False)
    verify = real(VERIFICATION_PAGES[0])

    def answer(path, body, **meta):
        url = f"https://mp.weixin.qq.com{path}"
        watch.inspect(Request(url, meta=meta), HtmlResponse(url, body=body))

    answer("/s/a", verify)
    answer("/robots.txt", b"User-agent: *\nAllow: /\n", dont_obey_robotstxt=True)
    answer("/s/b", verify)
    assert watch.in_row["mp.weixin.qq.com"] == 2
    answer("/s/c", verify)
    assert watch.refusal("https://mp.weixin.qq.com/s/d").reason == "host_blocked"
    answer("/s/ok", b"<html><body><p>an article</p></body></html>")  # a real page does end it
    assert watch.in_row["mp.weixin.qq.com"] == 0
