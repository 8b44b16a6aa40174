"""Reading page data from inline scripts without running them."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.parsing.jsdata import (
    _STRING, _skip_expression, first_match, js_decode, object_literal, script_vars, unescape_js,
)


def test_unescape_js_escapes():
    assert unescape_js(r"a\x26amp;b") == "a&amp;b"
    assert unescape_js(r"\u4e2d\u6587") == "中文"
    assert unescape_js(r"\uD83D\uDE00") == "😀"
    assert unescape_js(r"\u{1F600} x\/y it\'s") == "😀 x/y it's"
    assert unescape_js(r"line\nnext\ttab") == "line\nnext\ttab"
    assert unescape_js(r"bad \xZZ escape") == "bad xZZ escape"


def test_js_decode_undoes_the_second_layer():
    assert js_decode(r"a\x26b\x0ac") == "a&b\nc"


def test_script_vars_first_non_empty_string_wins():
    page = """
    var biz = "" || "MzA5MTIzNDU2Nw==";
    var mid = "" || "" || "2650001234";
    var nickname = htmlDecode("雾都&amp;书简");
    var msg_title = '标题'.html(false);
    var ct = "1525568400" * 1;
    var idx = opt.idx || window.idx;
    var idx = "2";
    window.sn = '' || 'abc';
    var desc = "x".replace(/a/g, "b");
    myvar ct = "999";
    """
    got = script_vars(page, ["biz", "mid", "nickname", "msg_title", "ct", "idx", "sn", "desc", "missing"])
    assert got == {
        "biz": "MzA5MTIzNDU2Nw==", "mid": "2650001234", "nickname": "雾都&amp;书简",
        "msg_title": "标题", "ct": "1525568400", "idx": "2", "sn": "abc", "desc": "x",
    }


def test_script_vars_keeps_an_empty_value_when_there_is_no_other():
    assert script_vars('var msg_source_url = \'\';', ["msg_source_url"]) == {"msg_source_url": ""}


def test_object_literal_nested_values_and_skipped_expressions():
    page = r"""
    window.cgiDataNew = {
        title: JsDecode('标题\x26amp;副题'),
        count: '3' * 1,
        ratio: 0.5,
        flag: true,
        empty: null,
        computed: window.foo + 1,
        "quoted key": "v",
        list: [ { cdn_url: 'https://a/1?x=1\x26amp;y=2' }, { cdn_url: 'https://a/2' }, ],
        nested: { inner: { deep: 'ok' } },
        method() { return 1; },
        tail: 'last',
    };
    """
    data = object_literal(page, r"window\.cgiDataNew\s*=\s*")
    assert data["title"] == "标题&amp;副题"
    assert data["count"] == 3 and data["ratio"] == 0.5 and data["flag"] is True
    assert data["empty"] is None and "computed" not in data
    assert data["quoted key"] == "v"
    assert [x["cdn_url"] for x in data["list"]] == ["https://a/1?x=1&amp;y=2", "https://a/2"]
    assert data["nested"]["inner"]["deep"] == "ok"
    assert data["tail"] == "last"


def test_object_literal_absent():
    assert object_literal("var x = 1;", r"window\.cgiDataNew\s*=\s*") is None


def test_script_vars_take_var_and_window_assignments_in_page_order():
    page = "window.a = 'w1'; var a = 'v1'; var b = ''; window.b = 'w2'; var b = 'v2'; window.c = ''; var c = '';"
    assert script_vars(page, ["a", "b", "c"]) == {"a": "w1", "b": "w2", "c": ""}


def _literal_end(src: str, quote: str) -> int | None:
    """Where the literal opening ``src`` ends, read a character at a time (None: unclosed)."""
    pos = 1
    while pos < len(src):
        char = src[pos]
        if char == quote:
            return pos + 1
        if char == "\\":
            pos += 2
            continue
        if char == "\n" and quote != "`":
            return None
        pos += 1
    return None


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["'", '"', "`"]), st.text(alphabet="ab'\"`\\\n\u00e9", max_size=30))
def test_a_string_literal_ends_at_its_first_unescaped_quote(quote, rest):
    src = quote + rest
    m = _STRING[quote].match(src)
    end = _literal_end(src, quote)
    assert (m.end() if m else None) == end
    if m:
        assert m.group(1) == src[1 : end - 1]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([r"window\.data\s*=\s*", r"wind(?:ow|y)\s*=", r"abab+", r"(?i)window\.x", r"w\w+=", r"abc|abd"]),
    st.text(alphabet="windowWINDOW.datxyab= \n", max_size=60),
)
def test_first_match_is_the_regex_search(pattern, page):
    compiled = re.compile(pattern)
    expected = compiled.search(page)
    got = first_match(compiled, page)
    assert (got.span() if got else None) == (expected.span() if expected else None)


def test_the_share_data_of_a_page_is_read_after_its_first_false_start():
    page = "window.cgiDataNew.x = 1; var a = 'window.cgiDataNew'; window.cgiDataNew = {title: 'T'};"
    assert object_literal(page, r"window\.cgiDataNew\s*=\s*") == {"title": "T"}


def test_deferred_members_are_read_when_asked_as_they_would_have_been():
    page = r"""window.cgiDataNew = {
        title: 'T', content: JsDecode('\x3cp\x3e正文\x3c/p\x3e'), pics: [{ cdn_url: 'https://a/1' }],
        computed: window.foo(1, 'x'), after: 'A' };"""
    start = r"window\.cgiDataNew\s*=\s*"
    eager = object_literal(page, start)
    lazy = object_literal(page, start, deferred=("content", "pics", "computed"))
    assert lazy.keys() == eager.keys() | {"computed"}
    assert {key: lazy[key].read() for key in ("content", "pics")} == {key: eager[key] for key in ("content", "pics")}
    assert lazy["computed"].read() is None  # an expression: not read, as "computed" is not in the eager result
    assert lazy["title"] == "T" and lazy["after"] == "A"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab ,()[]{}'\"`\\\n", max_size=40))
def test_skipping_an_expression_ends_where_a_character_by_character_walk_does(src):
    def walk(src, pos=0):  # the reader before runs of plain characters were stepped over in one match
        depth = 0
        while pos < len(src):
            c = src[pos]
            if c in "'\"`":
                m = _STRING[c].match(src, pos)
                pos = m.end() if m else pos + 1
                continue
            if c in "([{":
                depth += 1
            elif c in ")]}":
                if depth == 0:
                    return pos
                depth -= 1
            elif c == "," and depth == 0:
                return pos
            pos += 1
        return pos

    assert _skip_expression(src, 0) == walk(src)


def test_with_keys_only_those_members_are_read_the_others_stepped_over():
    page = r"""window.cgiDataNew = {
        user_info: { tags: [{ name: JsDecode('a,}b'), n: '1' * 1 }, [2, 3]], note: "x]" },
        title: 'T', computed: window.f(1, [2, {}]), nested: { title: 'inner' }, link: "L", after: 'A' };"""
    start = r"window\.cgiDataNew\s*=\s*"
    eager = object_literal(page, start)
    asked = object_literal(page, start, keys=("title", "link", "missing"))
    assert asked == {"title": "T", "link": "L"}
    assert {key: eager[key] for key in asked} == asked
