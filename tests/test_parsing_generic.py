"""The generic path (pages no site parser claims): fragments, decoding, what is an article."""

import pytest

from crawler.errors import Rejection
from crawler.parsing import UNDECODABLE, kind_of, parse_page

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
