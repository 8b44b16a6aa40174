"""An Atom feed of a source's latest clean articles, for feed readers.

Each run merges its articles into the feed file (an article seen again
replaces its entry), keeps the newest ``max_entries`` and rewrites the file
atomically, so a reader never fetches half a feed.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from crawler.output.atomic import write_atomically

ATOM = "http://www.w3.org/2005/Atom"
_FIELDS = ("id", "title", "link", "updated", "author", "content")


def _q(tag: str) -> str:
    return f"{{{ATOM}}}{tag}"


def entry_of(article: dict, fetched: datetime) -> dict:
    """The Atom entry of an exported article (a mapping of the Article schema)."""
    return {
        "id": article["url"],
        "title": article.get("title") or article["url"],
        "link": article["url"],
        "updated": article.get("published_at") or fetched.isoformat(),
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


def render(title: str, feed_id: str, entries: list[dict], updated: datetime) -> bytes:
    feed = etree.Element(_q("feed"), nsmap={None: ATOM})
    etree.SubElement(feed, _q("id")).text = feed_id
    etree.SubElement(feed, _q("title")).text = title
    etree.SubElement(feed, _q("updated")).text = updated.isoformat()
    for entry in entries:
        node = etree.SubElement(feed, _q("entry"))
        etree.SubElement(node, _q("id")).text = entry["id"]
        etree.SubElement(node, _q("title")).text = entry["title"]
        etree.SubElement(node, _q("link"), href=entry["link"])
        etree.SubElement(node, _q("updated")).text = entry["updated"]
        if entry["author"]:
            etree.SubElement(etree.SubElement(node, _q("author")), _q("name")).text = entry["author"]
        etree.SubElement(node, _q("content"), type="text").text = entry["content"]
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


def update_feed(path: str | Path, title: str, new_entries: list[dict], max_entries: int,
                updated: datetime | None = None) -> list[dict]:
    """Merge ``new_entries`` into the feed at ``path``; return the entries written."""
    path = Path(path)
    updated = updated or datetime.now(timezone.utc)
    merged = {e["id"]: e for e in read_entries(path)}
    merged.update((e["id"], e) for e in new_entries)
    entries = newest(list(merged.values()), max_entries)
    write_atomically(path, render(title, f"urn:crawler:{title}", entries, updated))
    return entries
