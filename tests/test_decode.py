import codecs

import pytest

from crawler.errors import Rejection
from crawler.parsing.decode import decode_html, declared_charset

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
