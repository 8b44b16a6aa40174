import codecs
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.errors import Rejection
from crawler.parsing.decode import (
    _SuspectBytes, decode, decode_html, declared_charset, looks_garbled, looks_garbled_utf8, undecodable_limit,
)

PAGE = "<html><head>{meta}<title>标题</title></head><body><p>城市图书馆的夜读时光，读者很多。</p></body></html>"


def page(meta: str = "") -> str:
    return PAGE.format(meta=meta)


def test_utf8_without_declaration():
    assert "夜读时光" in decode_html(page().encode("utf-8"))


def test_bom_wins_over_meta():
    body = codecs.BOM_UTF8 + page('<meta charset="gbk">').encode("utf-8")
    text = decode_html(body)
    assert "夜读时光" in text and not text.startswith("\ufeff")


def test_utf16_bom():
    assert "夜读时光" in decode_html(codecs.BOM_UTF16_LE + page().encode("utf-16-le"))


@pytest.mark.parametrize("label", ["gbk", "GB2312", "gb18030"])
def test_meta_charset_gbk_family(label):
    body = page(f'<meta http-equiv="Content-Type" content="text/html; charset={label}">').encode("gbk")
    assert declared_charset(body) == "gb18030"
    assert "夜读时光" in decode_html(body)


def test_header_charset_used():
    body = page().encode("gbk")
    assert "夜读时光" in decode_html(body, "text/html; charset=GBK")


def test_undeclared_gbk_falls_back_to_gb18030():
    assert "夜读时光" in decode_html(page().encode("gbk"))


def test_mislabelled_page_decodes_with_what_works():
    body = page('<meta charset="utf-8">').encode("gbk")
    assert "夜读时光" in decode_html(body)


def test_utf8_read_as_latin1_is_garbage():
    mojibake = page('<meta charset="iso-8859-1">').encode("utf-8").decode("latin-1").encode("utf-8")
    with pytest.raises(Rejection) as err:
        decode_html(mojibake * 3)
    assert err.value.reason == "bad_encoding"


def test_binary_is_bad_encoding():
    noise = bytes(range(256)) * 40
    with pytest.raises(Rejection) as err:
        decode_html(b"<html><body>" + noise)
    assert err.value.reason == "bad_encoding"


# looks_garbled counts on the page's Latin-1 characters only (speed); it must
# say what the plain definition over the whole text says
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")
_MOJIBAKE = re.compile("[\u00c2-\u00ef][\u0080-\u00bf\u2018-\u203a\u0152-\u0178]")


def garbled_by_definition(text: str) -> bool:
    return bool(text) and (len(_CONTROL.findall(text)) > max(8, len(text) // 200)
                           or len(_MOJIBAKE.findall(text)) > max(8, len(text) // 100))


_ODD = ["\x00", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\ufffd", "\u00ff", "\u0080", "\u00a9",  # alone
        "\u00c2\u00a9", "\u00c3\u0153", "\u00e6\u2019", "\u00ef\u0178", "\u00c2\u0080", "\u00ef\u00bf"]  # pairs


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("ab 中文，。\n\t©·"), max_size=600), st.lists(st.sampled_from(_ODD), min_size=1, max_size=2),
       st.integers(0, 40))
def test_garbage_is_told_as_the_definition_says(normal, odd, every):
    # normal text with one or two kinds of odd characters every ``every`` characters (0: none)
    text = "".join(odd[i % len(odd)] if every and i % every == 0 else ch for i, ch in enumerate(normal))
    assert looks_garbled(text) == garbled_by_definition(text)
    # read from the bytes the text was decoded from (UTF-8 pages), a byte-order mark before it or not
    for data in (text.encode(), codecs.BOM_UTF8 + text.encode()):
        assert looks_garbled_utf8(data, text) == looks_garbled_utf8(data) == garbled_by_definition(text)


@pytest.mark.parametrize("odd", _ODD)
def test_each_kind_of_garbage_alone_is_told_as_the_definition_says(odd):
    for every in (2, 5, 20, 60, 150):
        for size in (50, 400, 3000):
            text = "".join(odd if i % every == 0 else "文" for i in range(size))
            assert looks_garbled(text) == garbled_by_definition(text), (every, size)
            assert looks_garbled_utf8(text.encode(), text) == garbled_by_definition(text), (every, size)


@pytest.mark.parametrize("odd", _ODD)
def test_the_scan_for_signatures_finds_each_kind_of_garbage(odd):
    # the pass that lets most pages go uncounted: a page with any signature at all is counted
    data = ("文" * 3000 + odd + "文").encode()
    suspects = bool(re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf\xbd|\xc3[\x82-\xaf]", data))
    assert _SuspectBytes().any_in(data) == suspects
    assert _SuspectBytes().any_in("文，。©·ab\n\t".encode() * 500) is False
    assert _SuspectBytes(engine=None).any_in(b"plain") is True  # no hyperscan: every page counted


def test_a_few_bad_sequences_are_dropped_and_counted():
    text = "<html><body><p>" + "城市图书馆的夜读时光，读者很多。" * 200 + "</p></body></html>"
    body = text[:500].encode("gbk") + b"\xff" + text[500:900].encode("gbk") + b"\xff" + text[900:].encode("gbk")
    decoded = decode(body)
    assert decoded.encoding == "gb18030" and decoded.undecodable == 2
    assert "\ufffd" not in decoded.text and decoded.text.count("夜读时光") == 200


def test_past_the_limit_of_bad_sequences_is_bad_encoding():
    good = page().encode("gbk")
    body = good + b"\xff" * (undecodable_limit(len(page())) + 1)
    with pytest.raises(Rejection) as err:
        decode(body)
    assert err.value.reason == "bad_encoding"
    assert decode(good + b"\xff" * undecodable_limit(len(page()))).undecodable == undecodable_limit(len(page()))
