"""One scan of a page's bytes tells what the site parsers need not search for (parsing/scan.py)."""

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.errors import Rejection
from crawler.parsing import SITE_PARSERS, parse_html
from crawler.parsing.decode import decode
from crawler.parsing.html import STYLE_TAG, page_stylesheet
from crawler.parsing.pagetext import read_utf8
from crawler.parsing.scan import ANY, Scanner
from crawler.parsing.wechat import WechatParser

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real"
WECHAT = WechatParser()
MARKERS = (*WECHAT.markers, *WECHAT.not_markers, "<title>关于公众号", "var msgList")
PATTERNS = (*WECHAT.patterns.values(), re.compile(r"<style\b[^>]*>", re.IGNORECASE), re.compile(r"id=\w+"))
SCANNER = Scanner(MARKERS, PATTERNS)
PIECES = [
    'id="js_content"', "id='js_name'", 'id="post-user\'', "window.cgiDataNew", " = {", "=", "res.wx.qq.com/mmbizwap",
    'id="mp-editor"', "window.sohu_mp", "var msg_title", "<title>", "关于公众号", "<STYLE>", "<style", ">", "中",
    "😀", "\u00e9", " ", "\n", "id=", "js_", "content", '"', "'", "\ufeff",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_a_search_is_skipped_only_where_it_finds_nothing(pieces):
    text = "".join(pieces)
    found = SCANNER.scan(text.encode("utf-8"))
    for marker in MARKERS:
        assert found.may_hold(marker) or marker not in text
    for pattern in PATTERNS:
        assert found.may_match(pattern) or pattern.search(text) is None


def test_a_page_lacking_a_marker_or_an_element_is_told_so():
    found = SCANNER.scan('<div id="js_content">正文 😀</div> res.wx.qq.com/mmbizwap'.encode())
    assert found.may_hold("res.wx.qq.com/mmbizwap") and found.may_match(WECHAT.patterns["body"])
    assert not found.may_hold("window.sohu_mp") and not found.may_hold('id="mp-editor"')
    assert not found.may_match(WECHAT.patterns["share_data"]) and not found.may_match(WECHAT.patterns["author_name"])


def test_without_the_bytes_or_hyperscan_everything_may_be_there():
    assert SCANNER.scan(None) is ANY
    assert Scanner(MARKERS, PATTERNS, engine=None).scan(b"nothing here") is ANY
    assert ANY.may_hold("window.sohu_mp") and ANY.may_match(WECHAT.patterns["body"])


def _outcome(html: str, url: str, utf8: bytes | None):
    try:
        return dataclasses.asdict(parse_html(html, url, utf8=utf8))
    except Rejection as exc:
        return exc.reason, exc.detail


@pytest.mark.parametrize("path", sorted(REAL.glob("wechat/*.html")), ids=lambda p: p.name)
def test_real_pages_parse_the_same_with_and_without_the_scan(path):
    body = path.read_bytes()
    decoded = decode(body)
    assert decoded.encoding == "utf-8" and not decoded.undecodable
    url = path.as_uri()
    assert _outcome(decoded.text, url, body) == _outcome(decoded.text, url, None)
    wechat = next(parser for parser in SITE_PARSERS if parser.name == "wechat")
    assert not any(wechat.scanner.scan(body).may_hold(marker) for marker in WECHAT.not_markers)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["<style>a{}</style>", "<STYLE x>b{}</Style >", "<sTyle>", "</style>", "<ſtyle>c{}</style>",
                                 "中", "😀", "<p>", " ", "style"]), max_size=10))
def test_the_sheet_read_up_to_the_last_style_tag_is_the_whole_sheet(pieces):
    text = "".join(pieces)
    found = Scanner(bounds=[STYLE_TAG]).scan(text.encode("utf-8"))
    assert page_stylesheet(text, found) == page_stylesheet(text)
    # from the bytes, each "<style" where the scan saw it (none searched for)
    assert page_stylesheet(read_utf8(text.encode("utf-8")), found) == page_stylesheet(text)


def test_the_last_style_tag_is_told_in_any_ascii_case_and_unknown_beside_a_case_twin():
    scanner = Scanner(bounds=[STYLE_TAG])
    assert scanner.scan("中<style>x</style><p>😀<STYLE>y</STYLE> tail".encode()).last_start(STYLE_TAG) == len("中<style>x</style><p>😀".encode())
    assert scanner.scan(b"<p>no sheet</p>").last_start(STYLE_TAG) == -1
    assert scanner.scan("<ſtyle>x</style>".encode()).last_start(STYLE_TAG) is None
    assert ANY.last_start(STYLE_TAG) is None


def test_every_style_tag_is_told_where_it_starts_and_none_beside_a_case_twin():
    scanner = Scanner(bounds=[STYLE_TAG])
    page = "中<style>x</style><p>😀<STYLE>y</STYLE> <Style".encode()
    assert scanner.scan(page).bound_starts(STYLE_TAG) == [m.start() for m in re.finditer(rb"(?i)<style", page)]
    assert scanner.scan(b"<p>no sheet</p>").bound_starts(STYLE_TAG) == []
    assert scanner.scan("<ſtyle>x</style><style>".encode()).bound_starts(STYLE_TAG) is None
    assert ANY.bound_starts(STYLE_TAG) is None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["window.cgiDataNew", "window.cgiData", "中文", "😀", "\u00e9", "x" * 20, "\ufeff"]),
                max_size=12))
def test_a_search_may_begin_where_the_scan_saw_the_first_start(pieces):
    text = "".join(pieces)
    found = Scanner(starts=["window.cgiDataNew"]).scan(text.encode("utf-8"), len(text))
    first = text.find("window.cgiDataNew")
    assert found.not_before("window.cgiDataNew") <= (first if first >= 0 else len(text))
    assert found.not_before("never registered") == 0 and ANY.not_before("window.cgiDataNew") == 0
