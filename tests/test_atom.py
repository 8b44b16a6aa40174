from datetime import datetime, timezone

from lxml import etree

from crawler.output.atom import ATOM, entry_of, read_entries, update_feed

FETCHED = datetime(2026, 3, 1, tzinfo=timezone.utc)


def article(n: int, day: int) -> dict:
    return {"url": f"https://mp.weixin.qq.com/s/{n}", "title": f"第{n}篇", "author": "林晓",
            "account": "书香城南", "published_at": f"2026-02-{day:02d}T08:00:00+08:00", "text": f"正文{n}\n第二段"}


def test_feed_keeps_newest_entries_across_runs(tmp_path):
    path = tmp_path / "atom" / "books.xml"
    update_feed(path, "books", [entry_of(article(n, n), FETCHED) for n in (1, 2, 3)], max_entries=4)
    # a second run: one new article, one updated article
    changed = dict(article(2, 2), title="第2篇（更新）")
    update_feed(path, "books", [entry_of(article(4, 10), FETCHED), entry_of(changed, FETCHED)], max_entries=3)
    entries = read_entries(path)
    assert [e["title"] for e in entries] == ["第4篇", "第3篇", "第2篇（更新）"]
    assert entries[0]["content"] == "正文4\n第二段" and entries[0]["author"] == "林晓"
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{{{ATOM}}}feed" and root.findtext(f"{{{ATOM}}}title") == "books"
    assert not list(path.parent.glob(".*.tmp"))


def test_entry_without_date_or_author_falls_back(tmp_path):
    entry = entry_of({"url": "file:///a.txt", "title": None, "text": "x"}, FETCHED)
    assert entry["updated"] == FETCHED.isoformat() and entry["title"] == "file:///a.txt"
    assert entry["author"] == ""


def test_unreadable_feed_is_replaced(tmp_path):
    path = tmp_path / "bad.xml"
    path.write_text("<feed><entry>", encoding="utf-8")
    update_feed(path, "x", [entry_of(article(1, 1), FETCHED)], max_entries=5)
    assert [e["id"] for e in read_entries(path)] == ["https://mp.weixin.qq.com/s/1"]
