"""Indexed CSS selectors (crawler/parsing/selectors.py) give what lxml's
CSSSelector gives: same elements, same order, on every fixture page, for the
selectors of the site rules and for selectors of each supported form, also
after elements are dropped from the tree."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from lxml.cssselect import CSSSelector

from crawler.parsing.rules import load_site_rules
from crawler.parsing.selectors import Selector, TreeIndex, first_of
from crawler.testing.mocksite import sohu_page

PAGES = sorted((Path(__file__).parent / "fixtures" / "pages").glob("*/body.html"))

# every form the index answers, and forms it leaves to cssselect (pseudo-classes,
# other combinators, groups, escapes, quoted spaces): both must agree with cssselect
FORMS = [
    "p", "div", "*", "H1", "a", "#mp-editor", "#js_content", "#nope", ".rich_media_content", ".text-title h1",
    "article.article", "article#mp-editor", "div.text .article-info span", "[data-role]", "[data-role=editor-name]",
    "[data-role='editor-name']", '[data-role="editor-name"]', "a[href*='www.sohu.com/?strategyid']",
    "a[href*='']", "a[href^='']", "a[href$='']", "[class=''] p", "img[data-src^=http]", "img[src$=png]",
    "meta[name=mediaid]", "meta[property]", "#user-info h4 a", "body p span", "html body", "body > div",
    "p + p", "p ~ p", "p:first-child", "div:not(.text)", "p, span", "h1 .article-tag", "[title='a b']",
    ".a\\:b", "span[data-val]", "section section", "div div div p", ".area .area", "* p", "[id] [class]",
]


def _sohu_rule_selectors() -> list[str]:
    rules = load_site_rules("sohu")
    page = rules["page"]
    found = [css for key in ("body", "title", "account", "time", "origin", "author") for css in page[key]]
    return found + [css for rule in rules["boilerplate"] for css in rule["selectors"]]


def _documents():
    for path in PAGES:
        yield path.parent.name, path.read_bytes().decode("utf-8", "replace")
    yield "mock_sohu", sohu_page(800000001, 8000, "https://www.sohu.com").decode()


@pytest.mark.parametrize("name,html", list(_documents()), ids=lambda v: v if len(v) < 60 else "")
def test_indexed_selectors_answer_as_cssselect(name, html):
    doc = lxml.html.fromstring(html)
    index = TreeIndex(doc)
    body = doc.find(".//body")
    body_indexes = [TreeIndex(body), index.rooted(body)] if body is not None else []
    for css in FORMS + _sohu_rule_selectors():
        selector = Selector(css)
        assert selector.select(index) == CSSSelector(css)(doc), (name, css)
        for body_index in body_indexes:  # its own index, and the page's index rooted at it
            assert selector.select(body_index) == CSSSelector(css)(body), (name, css, "from body")


def test_answers_leave_out_what_was_dropped_since_the_index():
    doc = lxml.html.fromstring(sohu_page(800000001, 8000, "https://www.sohu.com").decode())
    index = TreeIndex(doc)
    editor = Selector("[data-role=editor-name]")
    title = Selector(".text-title h1")
    assert editor.select(index) and title.select(index)
    editor.select(index)[0].drop_tree()
    doc.find(".//h1").getparent().getparent().drop_tree()  # a subtree holding a match
    for selector in (editor, title, Selector("span"), Selector("p"), Selector("h1 span")):
        assert selector.select(index) == selector.xpath(doc)
    assert editor.select(index) == [] and first_of([title, editor], index) is None


def test_descendants_count_from_the_root_only():
    """An ancestor above the root does not make a match (XPath's descendant-or-self from the root)."""
    doc = lxml.html.fromstring("<html><body><div class='a'><p>x</p><div class='b'><p>y</p></div></div></body></html>")
    inner = doc.find(".//div[@class='b']")
    for css in (".a p", ".b p", "div p", "p", ".b"):
        assert Selector(css).select(TreeIndex(inner)) == CSSSelector(css)(inner), css
        assert Selector(css).select(TreeIndex(doc).rooted(inner)) == CSSSelector(css)(inner), css


def test_an_index_rooted_at_an_element_leaves_out_what_was_dropped_under_it():
    doc = lxml.html.fromstring(sohu_page(800000001, 8000, "https://www.sohu.com").decode())
    index = TreeIndex(doc)
    editor = doc.find(".//article")
    under = index.rooted(editor)
    paragraphs = Selector("p")
    first = paragraphs.select(under)[0]
    first.drop_tree()
    assert paragraphs.select(under) == paragraphs.xpath(editor) and first not in paragraphs.select(index)
