"""An Atom feed of a source's latest clean articles, for feed readers.

Each run merges its articles into the feed file (an article seen again
replaces its entry), keeps the newest ``max_entries`` and rewrites the file
atomically, so a reader never fetches half a feed.

Valid Atom (RFC 4287): the feed names an author (the source), so entries
without one are valid too; every entry has ``id`` (the article's URL),
``title``, ``updated`` and, when the article is dated, ``published``, both
RFC 3339 date-times (a date without an offset is taken as China time; one that
cannot be read is left out); characters XML 1.0 cannot hold are dropped.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from crawler.output.atomic import write_atomically

ATOM = "http://www.w3.org/2005/Atom"
_FIELDS = ("id", "title", "link", "published", "updated", "author", "content")
CHINA = timezone(timedelta(hours=8))
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0


def _q(tag: str) -> str:
    return f"{{{ATOM}}}{tag}"


def rfc3339(value: str | None) -> str:
    """``value`` (ISO 8601) as an RFC 3339 date-time; empty if it cannot be read."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return ""
    return (moment if moment.tzinfo else moment.replace(tzinfo=CHINA)).isoformat()


def entry_of(article: dict, fetched: datetime) -> dict:
    """The Atom entry of an exported article (a mapping of the Article schema)."""
    published = rfc3339(article.get("published_at"))
    return {
        "id": article["url"],
        "title": article.get("title") or article["url"],
        "link": article["url"],
        "published": published,
        "updated": published or fetched.isoformat(),
        "author": article.get("author") or article.get("account") or "",
        "content": article.get("text") or "",
    }


def read_entries(path: Path) -> list[dict]:
    """Entries of an existing feed file; none if it is missing or unreadable."""
    try:
        root = etree.parse(str(path)).getroot()
    except (OSError, etree.XMLSyntaxError):
        return []
    entries = []
    for node in root.iter(_q("entry")):
        link = node.find(_q("link"))
        entries.append({
            "id": node.findtext(_q("id"), ""),
            "title": node.findtext(_q("title"), ""),
            "link": link.get("href", "") if link is not None else "",
            "published": node.findtext(_q("published"), ""),
            "updated": node.findtext(_q("updated"), ""),
            "author": node.findtext(f"{_q('author')}/{_q('name')}", ""),
            "content": node.findtext(_q("content"), ""),
        })
    return entries


def sort_key(entry: dict) -> datetime:
    try:
        moment = datetime.fromisoformat(entry["updated"])
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def newest(entries: list[dict], count: int) -> list[dict]:
    """The ``count`` most recent entries, newest first."""
    return sorted(entries, key=sort_key, reverse=True)[:count]


def _text(parent, tag: str, text: str, **attributes):
    node = etree.SubElement(parent, _q(tag), **attributes)
    node.text = _NOT_XML.sub("", text)
    return node


def render(title: str, feed_id: str, entries: list[dict], updated: datetime) -> bytes:
    feed = etree.Element(_q("feed"), nsmap={None: ATOM})
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    _text(feed, "updated", updated.isoformat())
    _text(etree.SubElement(feed, _q("author")), "name", title)  # the source: entries may name none
    for entry in entries:
        node = etree.SubElement(feed, _q("entry"))
        _text(node, "id", entry["id"])
        _text(node, "title", entry["title"])
        etree.SubElement(node, _q("link"), rel="alternate", href=entry["link"])
        if entry.get("published"):
            _text(node, "published", entry["published"])
        _text(node, "updated", entry["updated"])
        if entry["author"]:
            _text(etree.SubElement(node, _q("author")), "name", entry["author"])
        _text(node, "content", entry["content"], type="text")
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


def update_feed(path: str | Path, title: str, new_entries: list[dict], max_entries: int,
                updated: datetime | None = None) -> list[dict]:
    """Merge ``new_entries`` into the feed at ``path``; return the entries written."""
    path = Path(path)
    updated = updated or datetime.now(timezone.utc)
    merged = {e["id"]: e for e in read_entries(path)}
    merged.update((e["id"], e) for e in new_entries)
    entries = newest(list(merged.values()), max_entries)
    write_atomically(path, render(title, f"urn:crawler:{quote(title, safe='')}", entries, updated))
    return entries
