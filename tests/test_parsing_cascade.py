"""Hiding resolved through the cascade: the page's rules in order of specificity
and place, !important, inline styles written oddly, and the bounds of the work."""

from crawler.parsing import html as parsing_html
from crawler.parsing.html import flatten, fragment, specificity


def hidden(markup: str, sheet: str | None = None) -> list[tuple[str, str]]:
    blocks = flatten(fragment(markup), sheet=sheet).blocks
    return [(b["text"][s:e], v) for b in blocks for s, e, kind, v in b.get("spans", []) if kind == "hidden"]


def test_specificity_counts_ids_then_classes_then_types():
    assert specificity("p") == (0, 0, 1)
    assert specificity("#js_content .k5") == (1, 1, 0)
    assert specificity("div span.k3.k3b") == (0, 2, 2)
    assert specificity("span[title='n']:nth-child(2)") == (0, 2, 1)
    assert specificity("span.k8:not(.shown)") == (0, 2, 1)
    assert specificity(".v12::before") == (0, 1, 1)
    assert specificity("article > p > .h2") == (0, 1, 2)


def test_a_later_or_a_more_specific_rule_shows_what_a_rule_hid():
    sheet = """.a { display:none } .a { display:inline }
    #b { visibility:hidden } #b { visibility:visible }
    div .c { opacity:1 } .c { opacity:0 }
    .d { display:none } .d.on { display:inline }
    .e { display:inline } .e { display:none }"""
    markup = ('<div><p>一<span class="a">甲</span>二<span id="b">乙</span>三<span class="c">丙</span>'
              '四<span class="d on">丁</span>五<span class="e">戊</span></p></div>')
    assert hidden(markup, sheet) == [("戊", "style-rule display:none")]


def test_important_declarations_win_over_normal_ones_wherever_they_stand():
    sheet = ".a { display:none !important } .a { display:inline } .b { display:inline ! IMPORTANT }"
    markup = ('<div><p>一<span class="a">甲</span>二<span class="a" style="display:inline">乙</span>'
              '三<span class="b" style="display:none">丙</span>四<span style="display:none !important;display:inline">丁</span>'
              '五<span class="b" style="display:none!important">戊</span></p></div>')
    assert hidden(markup, sheet) == [("甲", "style-rule display:none"), ("乙", "style-rule display:none"),
                                     ("丁", "display:none"), ("戊", "display:none")]


def test_a_descendant_s_own_rule_gives_it_a_size_or_a_colour_again():
    sheet = ".z { font-size:0 } .z em { font-size:15px } .w { color:#fff } .w b { color:#333 }"
    markup = '<div><p>一<span class="z">甲<em>乙</em></span>二<span class="w">丙<b>丁</b></span></p></div>'
    assert hidden(markup, sheet) == [("甲", "style-rule font-size:0"), ("丙", "style-rule same-colour")]


def test_rules_for_small_screens_print_hover_or_a_missing_sibling_hide_nothing():
    sheet = """@media (max-width: 480px) { .hidden-xs { display:none } } @media print { .np { display:none } }
    .h:hover { display:none } .s + .s { display:none } .q .never { display:none } .x::before { display:none }"""
    markup = ('<div><p><span class="hidden-xs">甲</span><span class="np">乙</span><span class="h">丙</span>'
              '<span class="s">丁</span><span class="q">戊</span><span class="x">己</span>'
              '<span aria-hidden="true">庚</span></p></div>')
    assert hidden(markup, sheet) == []


def test_inline_styles_with_comments_odd_case_and_spacing_hide():
    markup = ('<div><p>一<span style="display:/* x */none">甲</span>二<span style="DISPLAY : NONE !IMPORTANT">乙</span>'
              '三<span style="display:/**/none/**/;">丙</span>四<span style="Opacity : 0.0">丁</span></p></div>')
    assert hidden(markup) == [("甲", "display:none"), ("乙", "display:none"), ("丙", "display:none"),
                              ("丁", "opacity:0")]


def test_viewport_units_and_flat_lines_in_a_clipping_box_hide():
    markup = ('<div><p>一<span style="transform:translate(-200vw,0)">甲</span>二<span style="transform:translateY(-100vh)">'
              '乙</span>三<span style="line-height:0;overflow:hidden;display:inline-block">丙</span>'
              '四<span class="f">丁</span>五<span style="line-height:0.5;overflow:hidden">戊</span>'
              '六<span style="line-height:0">己</span>七<span style="transform:translateX(-20vw)">庚</span></p></div>')
    assert hidden(markup, ".f { line-height:0px; overflow:hidden; display:block }") == [
        ("甲", "off-screen"), ("乙", "off-screen"), ("丙", "zero-size"), ("丁", "style-rule zero-size")]


def _counting_selectors(monkeypatch) -> list:
    """Every selector evaluated from now on, in order."""
    evaluated = []
    compile_selector = parsing_html._css_selector

    def counting(selector):
        compiled = compile_selector(selector)
        return None if compiled is None else (lambda top: evaluated.append(selector) or compiled(top))

    monkeypatch.setattr(parsing_html, "_css_selector", counting)
    parsing_html._sheet_rules.cache_clear()
    return evaluated


def test_a_sheet_of_ten_thousand_rules_is_read_within_its_bounds(monkeypatch):
    evaluated = _counting_selectors(monkeypatch)
    classes = " ".join(f"j{n}" for n in range(0, 10_000, 7))
    # rules that set a colour do not push the hiding rule at the end out of the sheet
    colours = "".join(f".j{n} {{ color:#123 }}" for n in range(10_000))
    markup = f'<div><p class="{classes}">正文<span class="hide">藏</span></p></div>'
    assert hidden(markup, colours + ".hide { display:none }") == [("藏", "style-rule display:none")]
    assert len(evaluated) <= 2 * parsing_html.MAX_SHEET_RULES
    # hiding rules past the bound are not read (the first ones hide the span here)
    evaluated.clear()
    hiding = "".join(f".j{n} span {{ display:none }}" for n in range(10_000))
    assert hidden(markup, hiding + ".hide { display:none }") == [("藏", "style-rule display:none")]
    assert len(evaluated) <= parsing_html.MAX_SHEET_RULES
    # one rule of ten thousand selectors, and nesting as deep as the parser keeps
    evaluated.clear()
    grouped = ", ".join(f".j{n} .hide" for n in range(10_000)) + " { display:none }"
    deep = '<div><p class="j0">正文' + '<span class="hide">' * 200 + "藏" + "</span>" * 200 + "</p></div>"
    assert hidden(deep, grouped + ".hide .hide { display:inline }") == [("藏", "style-rule display:none")]
    assert len(evaluated) <= 2 * parsing_html.MAX_SHEET_RULES
    parsing_html._sheet_rules.cache_clear()


def test_a_descendant_inherits_no_size_visibility_or_colour_it_does_not_set_afresh():
    sheet = """.z { font-size:0 } .z em { font-size:1.5em } .z i { font-size:120% } .z b { font-size:1rem }
    .v { visibility:hidden } .v em { visibility:inherit } .v i { visibility:unset } .v b { visibility:visible }
    .t { color:transparent } .t em { color:inherit } .t b { color:#333 }"""
    markup = ('<div><p>一<span class="z"><em>甲</em><i>乙</i><b>丙</b></span>二<span class="v"><em>丁</em><i>戊</i>'
              '<b>己</b></span>三<span class="t"><em>庚</em><b>辛</b></span></p></div>')
    assert hidden(markup, sheet) == [("甲乙", "style-rule font-size:0"), ("丁戊", "style-rule visibility:hidden"),
                                     ("庚", "style-rule transparent")]


def test_margins_bottoms_percentages_and_font_colours_hide_only_when_they_leave_nothing_to_see():
    markup = ('<div><p>一<span style="margin:0 0 0 -9999px">甲</span>二<span style="margin:-9999px 0 0">乙</span>'
              '三<span style="position:fixed;bottom:-5000px">丙</span>四<span style="color:rgb(100% 100% 100%)">丁</span>'
              '五<font color="#ffffff">戊</font>六<span style="font-size:3%">己</span>'
              '七<span style="margin:0 -9999px 0 0">庚</span>八<span style="bottom:-20px">辛</span>'
              '九<span style="color:rgb(20%,20%,20%)">壬</span>十<font color="#333">癸</font>'
              '<span style="font-size:80%">子</span></p></div>')
    assert hidden(markup) == [("甲", "off-screen"), ("乙", "off-screen"), ("丙", "off-screen"), ("丁", "same-colour"),
                              ("戊", "same-colour"), ("己", "font-size:0")]
    # a rule of the sheet beats the hint of <font>
    assert hidden('<div><p>一<font class="c" color="#fff">甲</font></p></div>', ".c { color:#333; background:#fff }") == []


def test_media_queries_layers_and_supports_apply_when_they_hold_on_every_screen():
    sheet = """@media (min-width: 1px) { .a { display:none } } @media all and (min-width: 0) { .b { display:none } }
    @media not print { .c { display:none } } @layer base { .d { display:none } }
    @media (min-width: 1200px) { .e { display:none } } @media (max-width: 480px) { .f { display:none } }
    @media print, speech { .g { display:none } } @supports not (display: block) { .h { display:none } }
    @media (prefers-color-scheme: dark) { .i { display:none } }"""
    markup = "<div><p>" + "".join(f'<span class="{c}">{c}</span>,' for c in "abcdefghi") + "</p></div>"
    assert [text for text, _ in hidden(markup, sheet)] == ["a", "b", "c", "d"]


def test_a_style_element_for_print_or_small_screens_is_not_read():
    page = ('<html><head><style media="print">.p { display:none }</style><style media=\'(max-width: 480px)\'>'
            '.s { display:none }</style><style media="screen">.k { display:none }</style><style>.n { color:red }'
            "</style></head><body></body></html>")
    assert parsing_html.page_stylesheet(page) == ".k { display:none }\n.n { color:red }"


def test_nested_rules_are_read_with_their_parents_selectors_and_at_blocks_that_hold():
    css = ("@import url(x.css); .a { color:red; & .b { display:none } .c > i { opacity:0 } }"
           " @media print { .p { display:none } } @media screen { .s { .t { font-size:0 } } }"
           " @keyframes k { 0% { opacity:0 } } .z { color:blue }")
    assert [(selectors, text.replace(" ", "")) for selectors, text in parsing_html.style_rules(css)] == [
        ((".a",), "color:red;;"), ((".a .b",), "display:none"), ((".a .c > i",), "opacity:0"),
        ((".s",), ";"), ((".s .t",), "font-size:0"), ((".z",), "color:blue")]
    sheet = "p { & .n1 { display:none } } .w9 { .n2 { display:none } } SPAN.n3 { display:none } [CLASS~=n4] { opacity:0 }"
    markup = ('<div><p>一<span class="n1">甲</span>二<span class="n2">乙</span>三<span class="n3">丙</span>'
              '四<span class="n4">丁</span></p></div>')
    assert [text for text, _ in hidden(markup, sheet)] == ["甲", "丙", "丁"]


def test_blocks_nested_deeper_than_the_bound_are_not_read():
    deep = "".join(f".d{n} {{ " for n in range(200)) + "display:none" + " }" * 200
    rules = parsing_html.style_rules(deep)
    assert len(rules) == parsing_html._MAX_NESTING
    assert all("display" not in declarations for _, declarations in rules)


def test_translucent_colours_calc_exponents_zoom_and_logical_properties():
    markup = ('<div><p>一<span style="color:rgba(255,255,255,.5)">甲</span>二<span style="left:calc(-100vh - 20px)">乙</span>'
              '三<span style="top:-1e4px">丙</span>四<span style="transform:translate3d(0,-9999px,0)">丁</span>'
              '五<span style="zoom:0.01">戊</span>六<span style="inset-inline-start:-9999px">己</span>'
              '七<span style="block-size:0;overflow:hidden">庚</span>八<span style="translate:0 -9999px">辛</span>'
              '九<span style="color:rgba(0,0,0,.5)">壬</span>十<span style="left:calc(50% - 10px)">癸</span>'
              '<span style="zoom:0.9">子</span><span style="transform:translate(-100%)">丑</span>'
              '<span style="zoom:0">寅</span><span style="color:#fff8;background:#222">卯</span></p></div>')
    assert hidden(markup) == [("甲", "same-colour"), ("乙", "off-screen"), ("丙", "off-screen"), ("丁", "off-screen"),
                              ("戊", "zero-size"), ("己", "off-screen"), ("庚", "zero-size"), ("辛", "off-screen")]


def test_a_page_s_own_short_sheet_is_read_after_a_template_s_sheets_past_the_budget():
    template = "".join(f".t{n} {{ color:#123; margin:0 }}" for n in range(12_000))  # ~330 kB
    assert len(template) > parsing_html.MAX_SHEET_CHARS
    page = (f"<html><head><style>{template}</style><style>@media screen {{ .own {{ display:none }}</style>"
            "<style>.own2 { font-size:0 }</style></head><body></body></html>")
    sheet = parsing_html.page_stylesheet(page)
    assert len(sheet) <= parsing_html.MAX_SHEET_CHARS + 10
    # the template's sheet cut after a whole rule; the @media block left open is closed with its element
    assert [(sel, text.strip()) for sel, text in parsing_html.style_rules(sheet)][-2:] == [
        ((".own",), "display:none"), ((".own2",), "font-size:0")]
