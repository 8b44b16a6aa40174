"""Link-list pages and layout link rows on the generic path (crawler/parsing/pageshape.py).

Families of pages that are not articles (navigation and link lists, search
results, forum indexes, teaser lists, directory records) against families
that are (prose with links, lists without links, hard-wrapped text,
newsletters of linked items, articles with separators).
"""

import pytest

from crawler.errors import Rejection
from crawler.parsing import parse_page
from crawler.parsing.pageshape import item_list_reason, list_page_reason, prune_link_rows

SENTENCE = "城市图书馆的夜读时光吸引了许多读者，他们在安静的阅览室里读书、写作和思考，直到深夜才离开这里回家。"


def block(text, kind="paragraph", links=()):
    """A block whose ``links`` (substrings of ``text``) are marked as link spans."""
    spans = []
    for link in links:
        start = text.index(link)
        spans.append([start, start + len(link), "link", "http://example.com/x"])
    b = {"type": kind, "text": text, "lang": None}
    if spans:
        b["spans"] = spans
    return b


def linked(text, kind="list_item"):
    return block(text, kind, [text])


NOT_ARTICLES = {
    "navigation": [linked(f"栏目{i}：新闻与评论") for i in range(20)],
    "link list with a heading": [block("友情链接", "heading")] + [linked(f"Partner site number {i}") for i in range(12)],
    "forum index": [block("版块\t主题\t作者", "table")] + [
        block(f"灌水区\t关于夜读活动的第{i}个帖子\t用户{i}", "table", [f"关于夜读活动的第{i}个帖子", f"用户{i}"])
        for i in range(12)],
    "search results with cut snippets": [
        b for i in range(6) for b in (block(f"夜读时光 第{i}篇", "heading"), block(SENTENCE[: 40 + i % 2] + "..."))],
    "teasers cut to one length": [
        b for i in range(8) for b in (block(SENTENCE[i:] + SENTENCE[: i + 20]), block(f"公众号{i}"))],
    "directory records": [
        b for i in range(6) for b in (block("功能介绍：", "list_item"), block(SENTENCE[i:], "list_item"),
                                      block("认证：", "list_item"), block(f"某某文化传媒有限公司{i}", "list_item"))],
}

ARTICLES = {
    "prose with links": [block(SENTENCE * 2, links=["城市图书馆"]) for _ in range(6)],
    "calendar without links": [block(f"第{i}站：3月{i}日 北京") for i in range(1, 13)],
    "hard-wrapped lines": [block(SENTENCE[i % 10:][:36]) for i in range(40)],
    "newsletter of linked items": [block("Good morning! Here is the news you need.")] + [
        block(f"Item {i}: the attorney general is investigating the company amid layoffs and the "
              "board is meeting on Friday to discuss what comes next for everyone involved.",
              "list_item", ["the attorney general is investigating the company"]) for i in range(10)],
    "separators between sections": [
        b for i in range(8) for b in (block("___"), block(f"QUESTION {i}?"), block(SENTENCE * (i % 3 + 1) + SENTENCE[:i * 7]))],
    "deals with linked paragraphs": [linked(SENTENCE * 3, "paragraph") for _ in range(8)],
    "short article": [block(SENTENCE)],
}


@pytest.mark.parametrize("name", NOT_ARTICLES)
def test_link_list_families_are_not_articles(name):
    assert list_page_reason(NOT_ARTICLES[name])


@pytest.mark.parametrize("name", ARTICLES)
def test_article_families_are_articles(name):
    assert list_page_reason(ARTICLES[name]) is None


def test_link_rows_of_layout_tables_are_pruned_and_recorded():
    table = block("首页\t新闻\t体育\n" + SENTENCE + "\n相关：夜读活动报道", "table", ["首页", "新闻", "体育", "夜读活动报道"])
    kept, removed = prune_link_rows([table, block(SENTENCE)])
    assert [b["text"] for b in kept] == [SENTENCE, SENTENCE]
    assert removed == [{"reason": "boilerplate", "text": "首页\t新闻\t体育"},
                       {"reason": "boilerplate", "text": "相关：夜读活动报道"}]
    assert "spans" not in kept[0]


def test_a_link_list_page_is_rejected_with_its_reason():
    items = "".join(f'<li><a href="/news/{i}">夜读时光专题报道第{i}篇：读者故事</a></li>' for i in range(40))
    body = f"<html><head><title>专题</title></head><body><div id='main'><ul>{items}</ul></div></body></html>"
    with pytest.raises(Rejection) as err:
        parse_page(body.encode("utf-8"), "http://example.com/list")
    assert err.value.reason == "not_article"


# Pages read whole, before extraction: a list of items beside the site's
# navigation (links), against articles beside such lists.
NAVIGATION = [linked(f"栏目{i}") for i in range(12)]
WHOLE_LISTS = {
    "search results with cut snippets": NAVIGATION + NOT_ARTICLES["search results with cut snippets"],
    "teasers cut to one length": NAVIGATION + NOT_ARTICLES["teasers cut to one length"],
    "directory records": NAVIGATION + NOT_ARTICLES["directory records"],
    "titles linked above their teasers": NAVIGATION + [
        b for i in range(8) for b in (linked(f"夜读时光 第{i}篇", "heading"), block(SENTENCE[i:40 + i] + "…"))],
}
WHOLE_ARTICLES = {
    **{name: NAVIGATION + blocks for name, blocks in ARTICLES.items()},
    "paragraphs beside a teaser column": NAVIGATION + [block(SENTENCE * 2), block(SENTENCE + SENTENCE[:20])]
    + NOT_ARTICLES["search results with cut snippets"],
}


@pytest.mark.parametrize("name", WHOLE_LISTS)
def test_whole_pages_listing_items_are_told_before_extraction(name):
    assert "before extraction" in item_list_reason(WHOLE_LISTS[name])


@pytest.mark.parametrize("name", WHOLE_ARTICLES)
def test_whole_pages_with_an_article_are_left_to_extraction(name):
    assert item_list_reason(WHOLE_ARTICLES[name]) is None


def test_a_search_page_is_rejected_before_extraction_and_an_article_beside_teasers_is_not():
    items = "".join(
        f'<li><h3><a href="/a/{i}">夜读时光专题第{i}篇</a></h3><p>{SENTENCE[i:] + SENTENCE[:i + 30]}…</p>'
        f'<span><a href="/u/{i}">读书会{i}</a></span></li>' for i in range(10))
    nav = "".join(f'<a href="/c/{i}">栏目{i}</a>' for i in range(10))
    page = f"<html><head><title>搜索</title></head><body><div>{nav}</div><ul>{items}</ul></body></html>"
    with pytest.raises(Rejection) as err:
        parse_page(page.encode("utf-8"), "http://example.com/search")
    assert err.value.reason == "not_article" and "before extraction" in err.value.detail
    # the same page with an article: left to extraction (whatever it then makes of the page)
    article = "".join(f"<p>{SENTENCE * 3}</p>" for _ in range(4))
    page = page.replace("<ul>", f"<div class='article'><h1>夜读时光</h1>{article}</div><ul>")
    try:
        parse_page(page.encode("utf-8"), "http://example.com/a")
    except Rejection as rejection:
        assert "before extraction" not in rejection.detail
