import re
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


# RFC 4287's rules for what this project writes (sections 3.3, 4.1.1, 4.1.2, 4.2.1, 4.2.6, 4.2.7)
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def rfc4287_problems(data: bytes) -> list[str]:
    root = etree.fromstring(data)
    q = lambda tag: f"{{{ATOM}}}{tag}"  # noqa: E731
    problems = []
    if root.tag != q("feed"):
        return ["the root is not atom:feed"]

    def once(node, tag, where):
        found = node.findall(q(tag))
        if len(found) != 1:
            problems.append(f"{where}: {len(found)} atom:{tag}, exactly one required")
        return found[0] if found else None

    def date(node, where):
        if node is not None and not RFC3339.match(node.text or ""):
            problems.append(f"{where}: {node.text!r} is not an RFC 3339 date-time")

    for tag in ("id", "title"):
        once(root, tag, "feed")
    date(once(root, "updated", "feed"), "feed updated")
    feed_author = any(a.findtext(q("name")) for a in root.findall(q("author")))
    for n, entry in enumerate(root.findall(q("entry"))):
        where = f"entry {n}"
        entry_id = once(entry, "id", where)
        if entry_id is not None and not IRI.match(entry_id.text or ""):
            problems.append(f"{where}: id {entry_id.text!r} is not an IRI")
        once(entry, "title", where)
        date(once(entry, "updated", where), f"{where} updated")
        published = entry.findall(q("published"))
        if len(published) > 1:
            problems.append(f"{where}: more than one atom:published")
        for node in published:
            date(node, f"{where} published")
        if not feed_author and not any(a.findtext(q("name")) for a in entry.findall(q("author"))):
            problems.append(f"{where}: no atom:author, and the feed has none")
        alternates = [link for link in entry.findall(q("link")) if link.get("rel", "alternate") == "alternate"]
        if not alternates and entry.find(q("content")) is None:
            problems.append(f"{where}: neither atom:content nor an alternate link")
        if len(alternates) > 1:
            problems.append(f"{where}: two alternate links")
    return problems


def test_the_feed_follows_rfc_4287(tmp_path):
    path = tmp_path / "feed.xml"
    articles = [
        article(1, 1),
        {"url": "file:///data/my%20page.txt", "title": None, "text": "x\x0by"},  # no author, no date
        {"url": "https://www.sohu.com/a/1_2", "title": "t", "published_at": "2026-02-03T09:30:00", "text": "y"},
        {"url": "https://www.sohu.com/a/3_4", "title": "t", "published_at": "soon", "text": "z"},
    ]
    update_feed(path, "tech feeds", [entry_of(a, FETCHED) for a in articles], max_entries=10)
    data = path.read_bytes()
    assert rfc4287_problems(data) == []
    entries = {e["id"]: e for e in read_entries(path)}
    assert entries["https://mp.weixin.qq.com/s/1"]["published"] == "2026-02-01T08:00:00+08:00"
    assert entries["https://www.sohu.com/a/1_2"]["published"] == "2026-02-03T09:30:00+08:00"
    assert entries["https://www.sohu.com/a/3_4"]["published"] == ""
    assert entries["file:///data/my%20page.txt"]["content"] == "xy"


def test_the_rules_catch_what_the_feed_used_to_be():
    old = (f'<feed xmlns="{ATOM}"><id>urn:crawler:x</id><title>x</title><updated>2026-03-01T00:00:00+00:00</updated>'
           '<entry><id>https://e.org/1</id><title>t</title><link href="https://e.org/1"/>'
           '<updated>2026-03-01</updated><content type="text">c</content></entry></feed>').encode()
    assert rfc4287_problems(old) == ["entry 0 updated: '2026-03-01' is not an RFC 3339 date-time",
                                     "entry 0: no atom:author, and the feed has none"]
