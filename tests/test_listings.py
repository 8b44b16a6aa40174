"""Listing parsers (feeds, WeChat album JSON, Sohu APIs): plain Python, no network."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from crawler.fetching.listings import (
    Entry,
    ListingError,
    from_unix,
    parse_date,
    parse_feed,
    parse_sohu_author,
    parse_sohu_feed,
    parse_wechat_album,
    published_before,
)

CST = timezone(timedelta(hours=8))
FEED_URL = "https://rss.example.org/feeds/acct"


def test_rss_entries_with_dc_creator_relative_link_and_guid_fallback():
    body = """<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>账号</title>
<item><title> 第一篇  文章 </title><link>/s/abc</link><dc:creator>作者甲</dc:creator>
  <pubDate>Tue, 04 Jun 2024 08:00:00 GMT</pubDate></item>
<item><title>只有 guid</title><guid>https://mp.weixin.qq.com/s/xyz</guid></item>
<item><title>不是链接的 guid</title><guid isPermaLink="false">urn:1</guid></item>
</channel></rss>""".encode()
    entries, next_url = parse_feed(body, FEED_URL)
    assert next_url is None
    assert [e.url for e in entries] == ["https://rss.example.org/s/abc", "https://mp.weixin.qq.com/s/xyz"]
    first = entries[0]
    assert (first.title, first.author) == ("第一篇 文章", "作者甲")
    assert first.hints()["published_at"] == "2024-06-04T08:00:00+00:00"
    assert "published_at" not in entries[1].hints()


def test_atom_alternate_link_author_updated_and_next_page():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<link rel="next" href="?page=2"/>
<entry><title>A</title><link rel="enclosure" href="/a.mp3"/><link href="https://mp.weixin.qq.com/s/a"/>
  <author><name>N</name></author><updated>2024-06-05T10:00:00+08:00</updated></entry>
<entry><title>no link</title></entry></feed>"""
    entries, next_url = parse_feed(body, FEED_URL)
    assert next_url == FEED_URL + "?page=2"
    assert len(entries) == 1
    assert entries[0].url == "https://mp.weixin.qq.com/s/a"
    assert entries[0].published == datetime(2024, 6, 5, 10, tzinfo=CST)


def test_json_feed_items_authors_and_next_url():
    data = {"version": "https://jsonfeed.org/version/1.1", "next_url": "https://rss.example.org/p2", "items": [
        {"id": "1", "url": "https://mp.weixin.qq.com/s/one#rd", "title": "One",
         "authors": [{"name": "甲"}, {"name": "乙"}], "date_published": "2024-06-01T00:00:00Z"},
        {"id": "2", "external_url": "https://www.sohu.com/a/1_2", "author": {"name": "丙"}},
        {"id": "3", "title": "no url"}]}
    entries, next_url = parse_feed(json.dumps(data).encode(), FEED_URL)
    assert next_url == "https://rss.example.org/p2"
    assert [(e.url, e.author) for e in entries] == [
        ("https://mp.weixin.qq.com/s/one", "甲, 乙"), ("https://www.sohu.com/a/1_2", "丙")]


@pytest.mark.parametrize("body", [b"", b"plain text", b"{\"items\": 3}", b"<html><body/></html>"])
def test_what_is_no_feed_is_a_listing_error(body):
    with pytest.raises(ListingError):
        parse_feed(body, FEED_URL)


def test_feed_xml_entities_are_not_expanded():
    body = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>&x;</title><link>https://a.example/s/1</link></item></channel></rss>"""
    entries, _ = parse_feed(body, FEED_URL)
    assert entries[0].title is None or "root:" not in entries[0].title


def album(article_list, continue_flag="0", ret=0) -> bytes:
    return json.dumps({"base_resp": {"ret": ret}, "getalbum_resp": {
        "article_list": article_list, "continue_flag": continue_flag}}).encode()


def test_album_page_list_with_escaped_links_and_cursor():
    items = [{"title": f"T{i}", "url": f"http://mp.weixin.qq.com/s?__biz=B&amp;mid={i}&amp;idx=1&amp;sn=s#rd",
              "create_time": "1717200000", "msgid": str(i), "itemidx": "1"} for i in (11, 12)]
    entries, cursor = parse_wechat_album(album(items, "1"))
    assert [e.url for e in entries] == [f"http://mp.weixin.qq.com/s?__biz=B&mid={i}&idx=1&sn=s" for i in (11, 12)]
    assert entries[0].published == datetime(2024, 6, 1, 8, tzinfo=CST)
    assert cursor == ("12", "1")
    assert parse_wechat_album(album(items, "0"))[1] is None


def test_one_article_album_is_an_object():
    entries, cursor = parse_wechat_album(album({"title": "only", "url": "https://mp.weixin.qq.com/s/one",
                                                "msgid": "5", "itemidx": "1"}))
    assert [e.title for e in entries] == ["only"] and cursor is None


@pytest.mark.parametrize("body", [album([], ret=-2), b"[]", b"{}", b"not json", album("text")])
def test_album_errors(body):
    with pytest.raises(ListingError):
        parse_wechat_album(body)


def test_sohu_author_links_take_the_api_scheme():
    body = json.dumps({"code": 200, "data": {"pcArticleVOS": [
        {"title": "A", "link": "www.sohu.com/a/100_200?scm=1", "publicTime": 1717200000000},
        {"title": "B", "link": "//www.sohu.com/a/101_200"},
        {"title": "no link"}]}}).encode()
    entries = parse_sohu_author(body, "https://v2.sohu.com/author-page-api/author-articles/pc/200?pNo=1")
    assert [e.url for e in entries] == ["https://www.sohu.com/a/100_200?scm=1", "https://www.sohu.com/a/101_200"]
    assert entries[0].published == datetime(2024, 6, 1, 8, tzinfo=CST)
    assert parse_sohu_author(body, "http://127.0.0.1:8000/api")[0].url.startswith("http://www.sohu.com/")
    assert parse_sohu_author(b'{"data": {}}', "https://x") == []
    with pytest.raises(ListingError):
        parse_sohu_author(b'{"code": 500}', "https://x")


def test_sohu_feed_builds_article_urls_from_the_template():
    body = json.dumps([{"id": 300, "authorId": 400, "authorName": "媒体", "title": "T", "publicTime": 1717200000000},
                       {"id": 301}]).encode()
    entries = parse_sohu_feed(body, "https://www.sohu.com/a/{id}_{author_id}")
    assert [(e.url, e.account, e.account_id) for e in entries] == [("https://www.sohu.com/a/300_400", "媒体", "400")]
    with pytest.raises(ListingError):
        parse_sohu_feed(b'{"error": 1}', "{id}")


def test_dates_and_since():
    assert from_unix("1717200000") == from_unix(1717200000000) == datetime(2024, 6, 1, 8, tzinfo=CST)
    assert from_unix("") is None and from_unix(0) is None
    assert parse_date("2024-06-01 10:00") == datetime(2024, 6, 1, 10, tzinfo=CST)  # no zone: China time
    assert parse_date("yesterday") is None
    since = datetime(2024, 6, 1, tzinfo=CST)
    assert published_before(Entry("u", published=datetime(2024, 5, 31, 23, tzinfo=CST)), since)
    assert not published_before(Entry("u", published=since), since)
    assert not published_before(Entry("u"), since)  # undated: fetched
    assert not published_before(Entry("u", published=datetime(2000, 1, 1, tzinfo=CST)), None)
