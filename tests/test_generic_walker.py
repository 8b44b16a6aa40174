"""The generic path's block walker: its text is the text of the document it walks.

trafilatura hands us a body element (p, head, item, quote, code, table, lb,
graphic...). The walker must read every piece of its text exactly once, in
order: nested blocks not twice, nothing after a nested heading dropped, a
nested table read once with its cell. Images are the one thing it takes
out of the text (into ``images``).
"""

from copy import deepcopy

import pytest
from lxml import etree

from crawler.evaluation import tokens
from crawler.parsing.decode import decode_html
from crawler.parsing.generic import _blocks, extract_document
from crawler.testing.extraction_sets import pages
from tests.support import shared_path


def walk(xml: str) -> list[tuple[str, str]]:
    blocks, _ = _blocks(etree.fromstring(xml))
    return [(b["type"], b["text"]) for b in blocks]


def test_nested_code_is_one_block():
    assert walk("<body><code>a = 1<code>b = 2</code><lb/>c = 3</code></body>") == [
        ("code", "a = 1b = 2\nc = 3"),
    ]


def test_heading_inside_list_item_is_read_once_and_the_rest_kept():
    assert walk("<body><list><item>one<head>Title</head>after the heading</item></list></body>") == [
        ("list_item", "one"), ("heading", "Title"), ("list_item", "after the heading"),
    ]


def test_text_after_a_heading_inside_a_paragraph_is_kept():
    assert walk("<body><p>before<head>H</head>after</p>tail text</body>") == [
        ("paragraph", "before"), ("heading", "H"), ("paragraph", "after"), ("paragraph", "tail text"),
    ]


def test_nested_table_is_read_once_with_its_cell():
    xml = ("<body><table><row><cell>outer<table><row><cell>inner 1</cell><cell>inner 2</cell></row>"
           "</table></cell><cell>right</cell></row></table></body>")
    assert walk(xml) == [("table", "outer inner 1 inner 2\tright")]


def test_paragraphs_in_quotes_and_items_keep_the_container_type():
    assert walk("<body><quote><p>q1</p><p>q2</p></quote><list><item><p>i1</p></item></list></body>") == [
        ("quote", "q1"), ("quote", "q2"), ("list_item", "i1"),
    ]


def test_line_breaks_split_paragraphs_and_join_headings():
    assert walk("<body><p>a<lb/>b</p><head>c<lb/>d</head></body>") == [
        ("paragraph", "a"), ("paragraph", "b"), ("heading", "c d"),
    ]


def test_images_separate_words_and_go_to_images():
    blocks, images = _blocks(etree.fromstring('<body><p>Noem<graphic src="a.jpg" alt="x"/>Kristi</p></body>'))
    assert [b["text"] for b in blocks] == ["Noem Kristi"]
    assert images == [{"url": "a.jpg", "alt": "x"}]


def _document_text(body) -> str:
    from trafilatura.xml import xmltotxt

    body = deepcopy(body)
    for graphic in body.iter("graphic"):  # images are taken out of the text on purpose
        graphic.text = None
        graphic.attrib.clear()
    etree.strip_tags(body, "ref")  # a link is a span over its text, not "[text](target)"
    return xmltotxt(body, False)


@pytest.mark.parametrize("name", ["scrapinghub", "cwced"])
def test_walker_text_equals_the_document_text_on_every_benchmark_page(name):
    shared_path("benchmarks", name)
    differing = []
    for page in pages(name):
        doc = extract_document(decode_html(page.body), page.url)
        if doc is None or doc.body is None:
            continue
        blocks, _ = _blocks(doc.body)
        ours = tokens("\n".join(b["text"] for b in blocks))
        theirs = tokens(_document_text(doc.body))
        if ours != theirs:
            differing.append((page.id, dict(ours - theirs), dict(theirs - ours)))
    assert differing == []


def test_links_become_spans_over_their_text():
    blocks, _ = _blocks(etree.fromstring(
        '<body><p>read <ref target="http://a.example/x">the report</ref> first</p>'
        '<table><row><cell><ref target="/home">Home</ref></cell><cell>text</cell></row></table></body>'))
    assert blocks[0]["text"] == "read the report first"
    assert blocks[0]["spans"] == [[5, 15, "link", "http://a.example/x"]]
    assert blocks[1]["text"] == "Home\ttext" and blocks[1]["spans"] == [[0, 4, "link", "/home"]]
