"""The shared DOM-to-blocks flattener: blocks, hidden/link spans, images."""

import lxml.etree
import lxml.html
import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.parsing.html import (
    HTML_PARSER, _VISIBLE, _css_state, element_text, flatten, fragment, hidden_reason, read_declarations, slice_element,
)


def blocks_of(markup: str, **kwargs):
    return flatten(fragment(markup), **kwargs).blocks


def marked(block, kind):
    return [(block["text"][s:e], v) for s, e, k, v in block.get("spans", []) if k == kind]


def test_deep_nesting_is_one_block_per_paragraph():
    blocks = blocks_of(
        '<div id="c"><section><section><span>第一段</span><span><strong>继续</strong></span>'
        "</section></section><p><span>第二段</span></p><p><br></p><section> </section></div>"
    )
    assert [(b["type"], b["text"]) for b in blocks] == [
        ("paragraph", "第一段继续"), ("paragraph", "第二段"),
    ]


def test_block_types_follow_structure():
    blocks = blocks_of(
        "<div><h2>小标题</h2><ul><li><p>一项</p></li><li>二项</li></ul>"
        "<blockquote><p>引文</p></blockquote><figure><img src='a.png'><figcaption>图注</figcaption></figure></div>"
    )
    assert [(b["type"], b["text"]) for b in blocks] == [
        ("heading", "小标题"), ("list_item", "一项"), ("list_item", "二项"),
        ("quote", "引文"), ("caption", "图注"),
    ]


def test_br_splits_paragraphs_but_joins_inside_headings():
    blocks = blocks_of("<div><p>甲行<br>乙行</p><h3>标题<br>续</h3></div>")
    assert [b["text"] for b in blocks] == ["甲行", "乙行", "标题 续"]


def test_whitespace_collapses_and_zero_width_goes():
    blocks = blocks_of("<div><p>  Hello \n\t <b>big</b>\u200b   world&nbsp; </p></div>")
    assert blocks[0]["text"] == "Hello big world"


@pytest.mark.parametrize(
    "style, reason",
    [
        ("display:none", "display:none"),
        ("DISPLAY: NONE !important", "display:none"),
        ("visibility: hidden", "visibility:hidden"),
        ("font-size:0px", "font-size:0"),
        ("font-size: 0", "font-size:0"),
        ("opacity:0", "opacity:0"),
        ("position:absolute;left:-9999px", "off-screen"),
        ("text-indent:-9999px", "off-screen"),
        ("top:-100em;position:absolute", "off-screen"),
        ("transform: translateX(-5000px)", "off-screen"),
        ("color:red;margin-left:-20px", None),  # a small negative margin is layout
        ("font-size:15px;visibility:visible", None),
        ("opacity:0.5", None),
        ("font-size:1px", "font-size:0"),  # below 2px nobody reads it
        ("font-size:0.8em", None),
        ("height:0;overflow:hidden", "zero-size"),
        ("max-height: 0px; overflow-y: hidden", "zero-size"),
        ("height:0", None),  # without clipping, the content overflows into view
        ("overflow:hidden;max-height:300px", None),
        ("transform:scale(0)", "zero-size"),
        ("transform:scale(0.5)", None),
        ("position:absolute;clip:rect(0 0 0 0)", "clipped"),
        ("clip-path: inset(50%)", "clipped"),
        ("color:transparent", "transparent"),
        ("color: rgba(0, 0, 0, 0)", "transparent"),
        ("color:rgba(0,0,0,0.8)", None),
        # gradient text: the background shows through the transparent colour
        ("background:linear-gradient(red,blue);-webkit-background-clip:text;color:transparent", None),
        ("", None),
        # what a browser renders as nothing however the CSS says it, and look-alikes it shows
        ("filter:opacity(0%)", "opacity:0"),
        ("filter: blur(1px) opacity(0)", "opacity:0"),
        ("filter:alpha(opacity=0)", "opacity:0"),
        ("opacity:.02", "opacity:0"),  # faint enough to be unseen
        ("opacity:3%", "opacity:0"),
        ("filter:opacity(80%)", None),
        ("filter:grayscale(1)", None),
        ("opacity:0.3", None),
        ("font:0/0 a", "font-size:0"),  # the font shorthand
        ("font:italic 0px serif", "font-size:0"),
        ("font:700 16px sans-serif", None),
        ("font:bold 14px/1.5 Arial", None),
        ("font:12px/0 a", None),
        ("display:block;text-indent:100%;white-space:nowrap;overflow:hidden", "off-screen"),
        ("text-indent:100%", None),  # unclipped, it may still show
        ("text-indent:-100em", "off-screen"),
        ("text-indent:2em", None),
        ("clip-path:inset(0 100% 0 0)", "clipped"),
        ("clip-path:inset(50% 0)", "clipped"),
        ("clip-path:inset(10%)", None),
        ("clip-path:inset(0 round 8px)", None),
        ("clip-path:polygon(0 0,0 0,0 0)", "clipped"),
        ("clip-path:polygon(50% 0,100% 100%,0 100%)", None),
        ("clip-path:circle(0)", "clipped"),
        ("position:absolute;clip:rect(1px,1px,1px,1px)", "clipped"),
        ("position:absolute;clip:rect(0,auto,auto,0)", None),
        ("transform:rotateY(90deg)", "zero-size"),  # edge-on
        ("transform:rotateX(0.25turn)", "zero-size"),
        ("transform:rotateY(180deg)", None),
        ("transform:rotate(90deg)", None),
        ("transform:matrix(0,0,0,0,0,0)", "zero-size"),
        ("transform:matrix(1,0,0,1,10,10)", None),
        ("transform:scale(0.001)", "zero-size"),
        ("transform:scale(1.05)", None),
        ("scale:0", "zero-size"),  # the transform properties of their own
        ("scale:1.2", None),
        ("translate:-10000px 0", "off-screen"),
        ("translate:10px 20px", None),
        ("rotate:y 90deg", "zero-size"),
        ("rotate:45deg", None),
        ("position:absolute;inset:-9999px auto auto -9999px", "off-screen"),
        ("inset:0", None),
        ("content-visibility:hidden", "content-visibility:hidden"),
        ("content-visibility:auto", None),
        ("color:rgb(0 0 0 / 0)", "transparent"),
        ("color:hsla(0, 0%, 0%, 0)", "transparent"),
        ("color:rgb(0 0 0 / 0.8)", None),
        ("color:#fefefe", "same-colour"),  # too near the white page to be told apart
        ("color:hsl(0,0%,100%)", "same-colour"),
        ("color:snow", "same-colour"),
        ("color:#f0f0f0", None),
        ("color:hsl(0,0%,20%)", None),
        # a translucent white on white is white; a translucent black is grey
        ("color:rgba(255,255,255,.5)", "same-colour"),
        ("color:rgba(0,0,0,.5)", None),
        ("color:#ffffff80", "same-colour"),
        ("color:#0008", None),
    ],
)
def test_hidden_reason(style, reason):
    assert hidden_reason(style) == reason


def test_light_text_on_a_wide_coloured_border_is_seen():
    # a ribbon drawn with borders paints its colour behind the text (a real 2018 WeChat page)
    markup = ('<div><p><section style="height:0;border-top-width:1.1em;border-top-style:solid;'
              'border-color:rgb(151, 216, 247)"><section style="color:rgb(254,255,253)">华商新闻</section>'
              '</section><span style="border:1px solid #eee"><span style="color:#fefefe">藏</span></span></p></div>')
    assert _hidden_spans(markup, None) == [("藏", "same-colour")]


def test_sheet_rules_inside_screen_media_and_supports_blocks_apply():
    sheet = """@media screen { .m7 { display:none } } @media only screen { .m8 { font:0/0 a } }
    @supports (display:grid) { .s4 { visibility:hidden } } @media print { .np { display:none } }
    @media screen and (max-width: 300px) { .nw { display:none } }"""
    markup = ('<div><p>甲<span class="m7">一</span>乙<span class="m8">二</span>丙<span class="s4">三</span>'
              '丁<span class="np">四</span>戊<span class="nw">五</span></p></div>')
    assert _hidden_spans(markup, sheet) == [("一", "style-rule display:none"), ("二", "style-rule font-size:0"),
                                            ("三", "style-rule visibility:hidden")]


def test_a_descendant_colour_shows_transparent_text_again():
    blocks = blocks_of('<div><p>正文<span style="color:transparent">隐<b style="color:#333">显</b></span></p></div>')
    assert blocks[0]["text"] == "正文隐显"
    assert blocks[0]["spans"] == [[2, 3, "hidden", "transparent"]]


def test_hidden_text_is_marked_not_dropped():
    blocks = blocks_of(
        '<div><p>正文<span style="display:none">藏起来</span>继续'
        '<span hidden>属性</span><span style="position:absolute;left:-9999px">屏外</span></p></div>'
    )
    assert blocks[0]["text"] == "正文藏起来继续属性屏外"
    assert marked(blocks[0], "hidden") == [
        ("藏起来", "display:none"), ("属性", "hidden-attribute"), ("屏外", "off-screen"),
    ]


def test_root_visibility_hidden_is_not_hidden_text():
    root = fragment('<div id="js_content" style="visibility: hidden;"><p>可见的正文</p></div>')
    (block,) = flatten(root).blocks
    assert block["text"] == "可见的正文" and "spans" not in block


def test_descendant_overrides_inherited_visibility_and_font_size():
    blocks = blocks_of(
        '<div><section style="visibility:hidden">藏<span style="visibility:visible">显</span></section>'
        '<section style="font-size:0"><span style="font-size:16px">有字号</span>无字号</section></div>'
    )
    assert marked(blocks[0], "hidden") == [("藏", "visibility:hidden")]
    assert marked(blocks[1], "hidden") == [("无字号", "font-size:0")]


def test_display_none_cannot_be_overridden():
    blocks = blocks_of('<div><p style="display:none">A<span style="display:inline">B</span></p></div>')
    assert marked(blocks[0], "hidden") == [("AB", "display:none")]


def test_link_spans_carry_href_and_merge_across_inline_children():
    blocks = blocks_of('<div><p>见 <a href="https://x.example/a"><b>这里</b>和那里</a>。</p></div>')
    assert marked(blocks[0], "link") == [("这里和那里", "https://x.example/a")]


def test_relative_hrefs_resolve_against_base_url():
    blocks = blocks_of('<div><p><a href="/a/1">链</a></p></div>', base_url="https://www.sohu.com/a/2")
    assert marked(blocks[0], "link") == [("链", "https://www.sohu.com/a/1")]


def test_spans_survive_leading_whitespace_strip():
    blocks = blocks_of('<div><p>   <span style="opacity:0">xy</span> z</p></div>')
    assert blocks[0]["text"] == "xy z"
    assert marked(blocks[0], "hidden") == [("xy", "opacity:0")]


def test_code_block_keeps_lines():
    blocks = blocks_of(
        '<div><pre><code><span>def f():</span></code><code><span>    return 1</span></code></pre>'
        "<pre>a = 1<br>b = 2\n</pre></div>"
    )
    assert [(b["type"], b["text"]) for b in blocks] == [
        ("code", "def f():\n    return 1"), ("code", "a = 1\nb = 2"),
    ]


def test_table_rows_and_cells():
    blocks = blocks_of(
        "<div><table><tr><th>名</th><th>值</th></tr><tr><td><p>甲</p></td>"
        '<td>1<span style="display:none">藏</span></td></tr><tr><td></td></tr></table></div>'
    )
    (table,) = blocks
    assert table["type"] == "table" and table["text"] == "名\t值\n甲\t1藏"
    assert marked(table, "hidden") == [("藏", "display:none")]


def test_images_from_data_src_deduplicated_and_hidden_ones_skipped():
    root = fragment(
        '<div><img data-src="https://mmbiz.qpic.cn/a/640?wx_fmt=png" src="data:image/gif;base64,R0">'
        '<img data-src="https://mmbiz.qpic.cn/a/640?wx_fmt=png"><img src="//img.example/b.jpg" alt="乙">'
        '<p style="display:none"><img src="https://img.example/c.jpg"></p></div>'
    )
    assert flatten(root).images == [
        {"url": "https://mmbiz.qpic.cn/a/640?wx_fmt=png", "alt": None},
        {"url": "https://img.example/b.jpg", "alt": "乙"},
    ]


def test_scripts_and_comments_contribute_nothing():
    blocks = blocks_of("<div><p>前<!-- 注释 --><script>var a='x';</script>后</p></div>")
    assert blocks[0]["text"] == "前后"


def test_slice_element_is_balanced_and_skips_comments():
    page = (
        "<html><script>var x = '<div>';</script><body><div id='x'><div>内<!-- <div> -->"
        "</div>尾</div><div>外</div></body></html>"
    )
    assert slice_element(page, r"id='x'") == "<div id='x'><div>内<!-- <div> --></div>尾</div>"
    assert slice_element(page, r"id='missing'") is None


def test_remove_range_shifts_and_clips_spans():
    from crawler.parsing.html import remove_range

    block = {"type": "paragraph", "text": "前文SPAM后文链接", "lang": None,
             "spans": [[2, 6, "hidden", "display:none"], [1, 8, "link", "u"], [8, 10, "link", "v"]]}
    assert remove_range(block, 2, 6) == "SPAM"
    assert block["text"] == "前文后文链接"
    assert block["spans"] == [[1, 4, "link", "u"], [4, 6, "link", "v"]]
    remove_range(block, 0, 4)
    assert block["text"] == "链接" and block["spans"] == [[0, 2, "link", "v"]]


def _hidden_spans(markup: str, sheet: str | None):
    blocks = flatten(fragment(markup), sheet=sheet).blocks
    return [(b["text"][s:e], v) for b in blocks for s, e, kind, v in b.get("spans", []) if kind == "hidden"]


def test_rules_of_the_pages_style_element_hide_text_like_inline_styles():
    sheet = """/* the page's own rules */
    .hx { display: none } #k7{visibility:hidden}
    span.tiny{font-size:1px} .box em { display:none !important } .far{position:absolute;left:-12000px}
    .wh { color: #FFF } a:hover { display: none } p::before { display: none }
    @media print { .np { display: none } }
    """
    markup = ('<div><p>甲<span class="hx">一</span>乙<span id="k7">二</span>丙<span class="tiny">三</span>'
              '丁<span class="box"><em>四</em></span>戊<span class="far">五</span>己<span class="wh">六</span>'
              '<a href="/x">庚</a><span class="np">辛</span></p></div>')
    spans = _hidden_spans(markup, sheet)
    assert spans == [("一", "style-rule display:none"), ("二", "style-rule visibility:hidden"),
                     ("三", "style-rule font-size:0"), ("四", "style-rule display:none"),
                     ("五", "style-rule off-screen"), ("六", "style-rule same-colour")]
    # without the sheet, nothing is hidden; an inline style that shows the text wins
    assert _hidden_spans(markup, None) == []
    assert _hidden_spans('<div><p>甲<span class="hx" style="display:inline">一</span></p></div>', ".hx{display:none}") == []


def test_text_coloured_like_its_background_is_hidden():
    spans = _hidden_spans(
        '<div><p>甲<span style="color:#fff;background-color:#fff">一</span>'
        '<span style="color:rgb(255, 255, 255)">二</span>'
        '<span style="background:#000"><span style="color:white">三</span></span>'
        '<span style="background:url(x.png)"><span style="color:#fff">四</span></span>'
        '<span style="color:#fff"><span style="color:#333">五</span></span></p></div>', None)
    # white on white goes; white on black, on an image, or a descendant recoloured stays
    assert spans == [("一二", "same-colour")]


def test_the_wechat_and_sohu_parsers_read_the_pages_style_elements():
    from crawler.parsing import parse_page
    from crawler.testing.clean_labelled import render

    blocks = [[("text", "渡口的早晨很安静"), ("inj", "股票配资", '@class="zq"'), ("text", "。")]]
    for fmt, sheet, reason in (("wechat", ".zq{display:none}", "display:none"),
                               ("sohu", "#mp-editor .zq{font-size:0}", "font-size:0")):
        body, url, _ = render(fmt, blocks, True, 1, sheet)
        article = parse_page(body, url)
        assert article.blocks[0]["text"] == "渡口的早晨很安静股票配资。"
        assert article.blocks[0]["spans"] == [[8, 12, "hidden", "style-rule " + reason]]


def test_sheet_selectors_naming_a_class_or_id_the_page_lacks_are_skipped_with_the_same_styles(monkeypatch):
    import lxml.html

    from crawler.parsing import html as parsing_html

    page = ('<html><body><div class="a b" id="x"><p class="c">one</p><span class="d">two</span></div>'
            '<p class="e">three</p><div class="f"><p>four</p></div><div class="g"><p class="h">five</p></div>'
            '<div class="k"><p>six</p></div><p class="m">seven</p></body></html>')
    sheet = (".a .c{display:none} .zz .c{display:none} #x > span{font-size:0} #nope p{opacity:0}"
             " div.a.b p{color:red} p:not(.zz){height:0} [class~=e]{width:0} .e, .missing{left:-9999px}"
             " .f p{display:none} .g .h:hover{display:none} .k + .m{display:none} .k ~ p{visibility:hidden}")
    root = lxml.html.document_fromstring(page)
    body = root.body
    containers = [body, *body.iterdescendants("div")]
    skipping = [parsing_html.sheet_styles(container, sheet) for container in containers]
    monkeypatch.setattr(parsing_html._NameCheck, "__call__", lambda *args: True)  # every selector evaluated
    parsing_html._sheet_rules.cache_clear()
    for container, styles in zip(containers, skipping):
        everything = parsing_html.sheet_styles(container, sheet)
        # the same styles for every element in the container; others need none
        inside = set(container.iter())
        assert {el: d for el, d in everything.items() if el in inside} == {
            el: d for el, d in styles.items() if el in inside}
    parsing_html._sheet_rules.cache_clear()
    by_text = {el.text: decl for el, decl in skipping[0].items()}
    # only rules that hide text by themselves (or paint a background) are read, and those that
    # set a property such a rule set: color:red, height:0 and width:0 alone hide nothing; :hover
    # is a state a page is never in; "seven": .k ~ p (0,1,1) before the more specific .k + .m (0,2,0)
    assert by_text == {"one": "display:none", "two": "font-size:0", "three": "left:-9999px",
                       "four": "display:none", "seven": "visibility:hidden;display:none"}


_DECLARATION = st.sampled_from([
    "color", "COLOR", "background", "background-color", "--weui-BG-0", "--weui-TAG-BACKGROUND-RED", "display",
    "font-size", "clip", "clip-path", "max-height", "overflow", "left", "opacity", "transform", "x-color",
]).flatmap(lambda prop: st.tuples(st.just(prop), st.sampled_from(
    [" #fff", "#FFFFFF", "none", " 0 ", "-9999px", "hidden", "rgba(0,0,0,.1)", "1px !important", "white url(x)", "", ":"])))


@settings(max_examples=500, deadline=None)
@given(st.lists(_DECLARATION, max_size=8), st.sampled_from([";", "; ", " ;\n"]))
def test_a_rule_keeps_only_the_declarations_read_and_reads_the_same_state(declarations, separator):
    text = separator.join(f"{prop}:{value}" for prop, value in declarations)
    kept = read_declarations(text)
    assert len(kept) <= len(text)
    assert _css_state(kept, _VISIBLE, False) == _css_state(text, _VISIBLE, False)
    assert _css_state(f"{kept};color:red", _VISIBLE, False) == _css_state(f"{text};color:red", _VISIBLE, False)


@pytest.mark.parametrize("markup", [
    "<h1>  标题\u200b 一\n二\t三\u00a0 </h1>", "<a href='x'>\ufeff账号</a>", "<span> </span>", "<span></span>",
    "<h1>标题<span class='tag'>标签</span>尾</h1>", "<div>甲<!-- 注 -->乙</div>", "<pre> 一\n  二 </pre>",
])
def test_element_text_of_a_childless_element_is_what_flattening_gives(markup):
    el = fragment(markup)
    assert element_text(el) == " ".join(block["text"] for block in flatten(el).blocks)



def _fragment_of_text(markup: str):
    """fragment() as it read the markup's text (HTML_PARSER on the str)."""
    elements = lxml.html.fragments_fromstring(markup.strip(), parser=HTML_PARSER)
    wrapper = lxml.etree.SubElement(lxml.etree.SubElement(HTML_PARSER.makeelement("html"), "body"), "div")
    if elements and isinstance(elements[0], str):
        wrapper.text = elements.pop(0)
    wrapper.extend(elements)
    return wrapper[0] if len(wrapper) == 1 and not (wrapper.text or "").strip() and not (wrapper[0].tail or "").strip() \
        else wrapper


@pytest.mark.parametrize("markup", [
    "<p>a\x00b\x01\x08c\x0b\x0c\x1f\x7f\x80\x9f</p>", "<p>a\r\nb\rc</p>", "\ufeff<p>x</p>", "<p>\ufeffx\uffff\ufffe</p>",
    "<p>😀中文</p>", '<?xml version="1.0" encoding="gbk"?><p>中文</p>', '<meta charset="gbk"><p>中文</p>',
    '<meta http-equiv="Content-Type" content="text/html; charset=big5"><p>中文</p>', "text first<p>x</p>tail",
    "<p>&#0;&#x1F600;&nbsp;\u2028</p>", "<section><p>a</section>", "<!-- c --><p>x</p>", "\u3000<p>全角空格</p>\xa0",
    "<p>\udc80</p>",  # a lone surrogate (no UTF-8): read as text
])
def test_a_fragment_is_read_from_its_utf8_bytes_as_from_its_text(markup):
    # fragment() parses the markup's UTF-8 bytes (less work for lxml than a str): the same tree
    got, expected = fragment(markup), _fragment_of_text(markup)
    assert lxml.etree.tostring(got, encoding="unicode") == lxml.etree.tostring(expected, encoding="unicode")
    assert type(got) is type(expected) and [type(el) for el in got.iter()] == [type(el) for el in expected.iter()]
