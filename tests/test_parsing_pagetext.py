"""Pages read from their UTF-8 bytes (crawler/parsing/pagetext.py) parse as their text does.

Every fixture page, every real page of ../shared/corpus/real and pages made
to trip the readers (characters of every width, spaces beyond ASCII where the
patterns allow them, look-alike tags, decoys before the real elements, an
unclosed comment, scripts that end before their value) give the same article
or the same rejection from a ``PageText`` as from the decoded text.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from pathlib import Path

import pytest

from crawler.errors import Rejection
from crawler.parsing import parse_html, parse_page
from crawler.parsing.decode import PAGETEXT_MIN_BYTES, read_page
from crawler.parsing.html import slice_element
from crawler.parsing.pagetext import PIECE_BYTES, UNKNOWN, read_utf8, utf8_chars
from tests.support import shared_path

FIXTURES = Path(__file__).parent / "fixtures" / "pages"


def outcome(page, body: bytes, url: str):
    """The article (as a dict) or the rejection parse_html gives."""
    try:
        return dataclasses.asdict(parse_html(page, url, utf8=body))
    except Rejection as exc:
        return ("rejected", exc.reason, exc.detail)


def assert_same(body: bytes, url: str = "https://mp.weixin.qq.com/s/AbCdEfGh123") -> None:
    page = read_utf8(body)
    assert page is not None
    assert outcome(page, body, url) == outcome(body.decode("utf-8-sig"), body, url)


def real_pages() -> list[Path]:
    return sorted(shared_path("corpus", "real").glob("*/*.html"))


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*/*.html")), ids=lambda p: p.parent.name)
def test_fixture_pages_read_from_bytes_parse_as_their_text(path):
    assert_same(path.read_bytes())


def test_real_pages_read_from_bytes_parse_as_their_text():
    for path in real_pages():
        body = path.read_bytes()
        if read_utf8(body) is not None:
            assert_same(body, path.as_uri())


def made_page(body: str = "", scripts: str = "", head: str = "", filler: int = 3 * PIECE_BYTES) -> bytes:
    """A WeChat page: long scripts (with emoji: a text of 4-byte characters) around the parts under test."""
    padding = "var x = '填充😀';\n" * (filler // 20)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<link href="https://res.wx.qq.com/mmbizappmsg/zh_CN/htmledition/x.css">{head}
<script>{padding}</script></head><body>
<div class="rich_media_content" id="js_content"><p>第一段正文，足够长的一段文字。</p>{body}</div>
<script>{padding}</script>
<script>{scripts}</script></body></html>""".encode()


MADE = {
    "plain": made_page(scripts='var msg_title = "标题";\nvar ct = "1581517074";'),
    "unicode spaces in assignments": made_page(
        scripts='var\u3000msg_title\u00a0=\u2003"标题";\nvar中ct = "1";\nvar ct\u205f= "1581517074";'),
    "a script ending before its value": made_page(scripts='var msg_title = </script><script>"x";'),
    "values joined, wrapped, escaped": made_page(
        scripts="var msg_title = htmlDecode('A\\x26amp;B') || \"C\";\nwindow.nickname = '' || '号\\u00e9';"),
    "an identifier ending in var": made_page(scripts='myvar msg_title = "no";\nvar msg_title = "yes";'),
    "meta tags with spaces beyond ASCII": made_page(
        head='<meta\u00a0property="og:title"\u3000content="元标题"><META NAME="author" CONTENT="作者">'),
    "meta look-alikes": made_page(head='<meta中name="author" content="x"><meta name="og:image" content="https://x/1.png">'),
    "style look-alikes and closes": made_page(
        head='<style中>.a{display:none}</style><STYLE type="text/css">.b{color:red}</STYLE\u3000>'
             '<style>.c{display:none}</style >',
        body='<p class="c">藏起来的字</p><p class="a">看得见</p>'),
    "an unclosed comment in the body": made_page(body="<p>二</p><!-- 注释 <p>三</p>"),
    "a comment holding the closing tag": made_page(body="<p>二</p><!-- </div> --><p>三</p>"),
    "a decoy id in a script before the body": made_page(head="<script>var s = 'id=\"js_content\"';</script>"),
    "share data after a mention of it": made_page(scripts=(
        "if (window.cgiDataNew) {}\n</script><script>window.cgiDataNew = {title: '分享标题', "
        "item_show_type: '0', nick_name: '号', create_time: '1762390511'};")),
    "no filler": made_page(scripts='var msg_title = "短";', filler=0),
}


@pytest.mark.parametrize("name", list(MADE))
def test_made_pages_read_from_bytes_parse_as_their_text(name):
    assert_same(MADE[name])


def test_made_pages_hold_what_the_readers_must_tell_apart():
    article = parse_page(MADE["unicode spaces in assignments"], "https://mp.weixin.qq.com/s/AbCdEfGh123")
    assert article.title == "标题" and article.published_at == "2020-02-12T22:17:54+08:00"
    article = parse_page(MADE["meta tags with spaces beyond ASCII"], "https://mp.weixin.qq.com/s/AbCdEfGh123")
    assert article.author == "作者"
    article = parse_page(MADE["style look-alikes and closes"], "https://mp.weixin.qq.com/s/AbCdEfGh123")
    assert "藏起来的字" in article.text and any("style-rule" in s[3] for b in article.blocks for s in b.get("spans", ()))
    article = parse_page(MADE["an identifier ending in var"], "https://mp.weixin.qq.com/s/AbCdEfGh123")
    assert article.title == "yes"


def test_the_text_of_the_pieces_is_the_text():
    body = MADE["plain"]
    page = read_utf8(body)
    text = body.decode()
    assert page.chars == len(text) and page.text == text
    for n in (0, 1, 100, PIECE_BYTES - 1, PIECE_BYTES + 3, len(text) // 2, len(text) + 10):
        assert page.head(n) == text[:n]
        assert body[:page.head_end(n)] == text[:n].encode()
    at = body.index("😀".encode())
    assert page.window(at + 1, at + 2) == "😀" and page.tail(at + 3) == text[text.index("😀"):]
    assert ("填充😀" in page, "填充😁" in page) == (True, False)


@pytest.mark.parametrize("body", [
    b"\xef\xbb\xbf" + "正文".encode() * 20000,  # a byte-order mark: not in the text
    "😀".encode() * (PIECE_BYTES // 4 + 1) + b"a",  # pieces cut inside characters
])
def test_characters_are_counted_across_pieces(body):
    page = read_utf8(body)
    assert page.text == body.decode("utf-8-sig") and page.chars == len(page.text)
    for n in (0, 1, 7, PIECE_BYTES // 3, PIECE_BYTES + 1, page.chars - 1, page.chars, page.chars + 5):
        assert body[page.start:page.head_end(n)] == page.text[:n].encode()


@pytest.mark.parametrize("body", [
    b"a" * PIECE_BYTES + b"\xff" + b"b" * 10,  # a byte UTF-8 never has
    "中".encode() * PIECE_BYTES + b"\xe4\xb8",  # a character cut off at the end
    b"a" * (PIECE_BYTES - 1) + b"\x80" * 8,  # continuation bytes with no lead
    b"\xed\xa0\x80",  # a surrogate
])
def test_bytes_that_are_not_utf8_are_not_read(body):
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert utf8_chars(body) is None and read_utf8(body) is None


def test_patterns_windows_cannot_decide_are_matched_in_the_text():
    body = MADE["plain"]
    page = read_utf8(body)
    for pattern in (r'id="js_content"[^>]*', r'(?<=div )class="rich_media_content"', r"(?i)ID=.JS_CONTENT."):
        compiled = re.compile(pattern)
        assert page.match_start(compiled) == UNKNOWN
        assert slice_element(page, compiled) == slice_element(body.decode(), compiled)
    assert page.match_start(re.compile(r'id="js_content"')) == body.index(b'id="js_content"')
    assert page.match_start(re.compile(r'id="absent"')) == -1


def test_pages_not_read_from_bytes():
    big = made_page(scripts='var msg_title = "标题";', filler=PAGETEXT_MIN_BYTES // 2)
    assert read_page(big) is not None and read_page(big[: PAGETEXT_MIN_BYTES - 1]) is None  # small: decoded whole
    assert read_page(big, "text/html; charset=utf-8") is not None
    assert read_page(big.replace(b'charset="utf-8"', b'charset="gbk"')) is None  # another encoding first
    assert read_page(codecs.BOM_UTF16_LE + big) is None


def test_a_script_of_many_assignments_is_read_once(monkeypatch):
    """Assignments with nothing in them (each read, none found) in one long script:
    the script's end is looked for and its text decoded once, not once an assignment."""
    from crawler.parsing.jsdata import script_vars
    from crawler.parsing.pagetext import PageText

    body = made_page(scripts="var ct = '';\n" * 5000 + 'var ct = "1581517074";')
    page = read_utf8(body)
    calls = {"find": 0, "window": 0}
    for name in calls:
        original = getattr(PageText, name)

        def counted(self, *args, _original=original, _name=name):
            calls[_name] += 1
            return _original(self, *args)

        monkeypatch.setattr(PageText, name, counted)
    assert script_vars(page, ("ct",)) == script_vars(body.decode(), ("ct",)) == {"ct": "1581517074"}
    assert calls["find"] <= 2 and calls["window"] <= 2
