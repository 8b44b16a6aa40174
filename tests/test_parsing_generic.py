"""The generic path (pages no site parser claims): fragments, decoding, what is an article."""

import pytest

from crawler.errors import Rejection
from crawler.parsing import UNDECODABLE, kind_of, parse_page
from crawler.parsing.dates import date_source

PARAGRAPHS = "".join(
    f"<p>第{i}段：城市图书馆的夜读时光吸引了许多读者，他们在安静的阅览室里读书、写作和思考，直到深夜才离开。</p>"
    for i in range(1, 9)
)


@pytest.mark.parametrize("opening", [
    "<script>var a = 1;</script>",
    "<!-- saved by a browser -->",
    '<text id="http://example.com/a" encoding="gb2312">',
    "<div id='content'>",
])
def test_fragments_without_html_element_are_parsed(opening):
    body = f"{opening}<h1>夜读</h1>{PARAGRAPHS}".encode("utf-8")
    assert kind_of("http://example.com/a", None, body) == "html"
    article = parse_page(body, "http://example.com/a")
    assert "第8段" in article.text and "var a" not in article.text


def test_text_opening_with_a_bracket_is_not_html():
    assert kind_of("http://example.com/a", None, "<注意> 这是一段纯文本，不是网页。".encode("utf-8")) is None


def test_a_few_undecodable_bytes_are_recorded_in_removed():
    body = f"<html><head><meta charset='gbk'></head><body>{PARAGRAPHS}</body></html>".encode("gbk")
    body = body.replace("第3段".encode("gbk"), "第3段".encode("gbk") + b"\xff")
    article = parse_page(body, "http://example.com/a")
    assert "第3段" in article.text and "\ufffd" not in article.text
    assert {"reason": UNDECODABLE, "text": "", "count": 1} in article.removed


@pytest.mark.parametrize("html, source", [
    ('<meta property="article:published_time" content="2019-11-18T10:00:00Z">', "metadata"),
    ('<script type="application/ld+json">{"datePublished": "2019-11-18"}</script>', "metadata"),
    ('<time datetime="2019-11-18">yesterday</time>', "metadata"),
    ("<p>2019年11月18日 10:40 来源：新华社</p>", "dateline"),
    ("<p>发布时间：2019/11/18</p>", "dateline"),
    ("<span>Published November 18, 2019</span>", "dateline"),
    ("<span>18 Nov 2019</span>", "dateline"),
    ("<p>Copyright 2019. Updated 2019-11-19, 2019-11-180</p>", None),
])
def test_date_source(html, source):
    assert date_source(html, "2019-11-18") == source


def _dated_page(head: str = "", dateline: str = "", footer: str = "") -> bytes:
    return (f"<html><head><title>夜读</title>{head}</head><body><article><h1>夜读</h1>{dateline}"
            f"{PARAGRAPHS}</article><footer>{footer}</footer></body></html>").encode("utf-8")


def test_a_date_the_page_states_is_kept():
    meta = '<meta property="article:published_time" content="2024-05-04T10:00:00+08:00">'
    article = parse_page(_dated_page(head=meta), "http://example.com/a")
    assert article.published_at.startswith("2024-05-04") and article.published_from == "metadata"
    for dateline in ("<p>2024年5月4日 10:00</p>", "<div>发布时间：2024/5/4</div>"):
        article = parse_page(_dated_page(dateline=dateline), "http://example.com/a")
        assert (article.published_at, article.published_from) == ("2024-05-04", "dateline")


def test_a_date_in_the_running_text_is_not_a_dateline():
    opening = "<p>2024年5月4日，记者来到城市图书馆，看到许多读者在安静的阅览室里读书、写作和思考，直到深夜才离开。</p>"
    assert parse_page(_dated_page(dateline=opening), "http://example.com/a").published_at is None


@pytest.mark.parametrize("url, footer", [
    ("http://example.com/2024/05/04/a.html", ""),  # only in the URL
    ("http://example.com/a", "© 2005 夜读网 版权所有"),  # only a copyright year
])
def test_no_date_is_invented(url, footer):
    article = parse_page(_dated_page(footer=footer), url)
    assert (article.published_at, article.published_from) == (None, None)


def test_images_are_those_of_the_article():
    half = PARAGRAPHS.index("<p>第5段")
    body = (f'<html><body><header><img src="/logo.png"></header><article><h1>夜读</h1>{PARAGRAPHS[:half]}'
            f'<figure><img data-src="/photo.jpg" src="data:image/gif;base64,R0l" alt="阅览室"></figure>'
            f'{PARAGRAPHS[half:]}</article><footer><img src="/ad.gif"></footer></body></html>')
    article = parse_page(body.encode("utf-8"), "http://example.com/a/1")
    assert article.images == [{"url": "http://example.com/photo.jpg", "alt": "阅览室"}]
