"""Article listings: feeds and site APIs -> article links with their metadata.

Plain Python (no Scrapy, no network): each parser takes the bytes of one
listing page and returns ``Entry`` objects (and where the listing pages, the
cursor of the next page). A listing that is not what it should be raises
``ListingError``.

- ``parse_feed``: RSS 2.0, Atom 1.0 and JSON Feed 1.x, as the WeChat bridges
  publish them (RSSHub, wewe-rss, we-mp-rss, Wechat2RSS); next pages from
  JSON Feed ``next_url`` and Atom ``<link rel="next">``.
- ``parse_wechat_album``: ``appmsgalbum?action=getalbum&f=json`` pages;
  ``article_list`` is a list, or an object for a one-article album.
- ``parse_sohu_author``: the author article list API (``data.pcArticleVOS``).
- ``parse_sohu_feed``: the public feed API (a JSON list of ``id``/``authorId``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from crawler.fetching.urls import clean_url

# WeChat and Sohu timestamps are Unix times; their articles are dated in China time.
CHINA_TZ = timezone(timedelta(hours=8), "CST")
_ATOM = "{http://www.w3.org/2005/Atom}"
_DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"


class ListingError(ValueError):
    """A listing page that cannot be read as the listing it should be."""


@dataclass
class Entry:
    url: str
    title: str | None = None
    author: str | None = None
    account: str | None = None
    account_id: str | None = None
    published: datetime | None = None  # timezone-aware

    def hints(self) -> dict[str, str]:
        """Metadata for the fields a page may lack (``Page.hints``)."""
        hints = {
            "title": self.title, "author": self.author,
            "account": self.account, "account_id": self.account_id,
            "published_at": self.published.isoformat() if self.published else None,
        }
        return {k: v for k, v in hints.items() if v}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def from_unix(value: Any) -> datetime | None:
    """Unix time in seconds or milliseconds (Sohu) -> China time."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number <= 0:
        return None
    if number > 1e11:  # milliseconds
        number /= 1000
    try:
        return datetime.fromtimestamp(number, CHINA_TZ)
    except (OverflowError, OSError, ValueError):
        return None


def parse_date(value: str | None) -> datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, JSON Feed); no zone given = China time."""
    value = _text(value)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=CHINA_TZ)
    return parsed


def _load_json(body: bytes, what: str) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ListingError(f"{what}: not JSON ({exc})") from None


# --- feeds


def parse_feed(body: bytes, url: str) -> tuple[list[Entry], str | None]:
    """Entries of an RSS, Atom or JSON feed page, and the next page's URL."""
    head = body.lstrip()[:1]
    if head in (b"{", b"["):
        return _parse_json_feed(body, url)
    if head != b"<":
        raise ListingError("feed: neither XML nor JSON")
    try:
        # no entity expansion, no network: a feed is untrusted input
        parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise ListingError(f"feed: bad XML ({exc})") from None
    if root is None:
        raise ListingError("feed: empty XML document")
    if root.tag == f"{_ATOM}feed":
        return _parse_atom(root, url)
    channel = root.find("channel") if root.tag == "rss" else None
    if channel is None and root.tag.endswith("RDF"):  # RSS 1.0: items beside the channel
        channel = root
    if channel is None:
        raise ListingError(f"feed: unknown root element <{etree.QName(root).localname}>")
    return _parse_rss(channel, url), None


def _child_text(element, *tags: str) -> str | None:
    for tag in tags:
        found = element.find(tag)
        if found is not None and (text := _text("".join(found.itertext()))):
            return text
    return None


def _parse_rss(channel, feed_url: str) -> list[Entry]:
    entries = []
    for item in channel.iter("item", "{http://purl.org/rss/1.0/}item"):
        link = _child_text(item, "link", "{http://purl.org/rss/1.0/}link")
        if not link:
            guid = item.find("guid")
            if guid is not None and guid.get("isPermaLink", "true") == "true":
                link = _text(guid.text)
        if not link:
            continue
        entries.append(Entry(
            url=clean_url(urljoin(feed_url, link)),
            title=_child_text(item, "title", "{http://purl.org/rss/1.0/}title"),
            author=_child_text(item, _DC_CREATOR, "author"),
            published=parse_date(_child_text(item, "pubDate", "{http://purl.org/dc/elements/1.1/}date")),
        ))
    return entries


def _atom_link(element, rel: str) -> str | None:
    for link in element.findall(f"{_ATOM}link"):
        if link.get("rel", "alternate") == rel and link.get("href"):
            return link.get("href")
    return None


def _parse_atom(root, feed_url: str) -> tuple[list[Entry], str | None]:
    entries = []
    for entry in root.findall(f"{_ATOM}entry"):
        link = _atom_link(entry, "alternate")
        if not link:
            continue
        author = entry.find(f"{_ATOM}author")
        entries.append(Entry(
            url=clean_url(urljoin(feed_url, link)),
            title=_child_text(entry, f"{_ATOM}title"),
            author=_child_text(author, f"{_ATOM}name") if author is not None else None,
            published=parse_date(_child_text(entry, f"{_ATOM}published", f"{_ATOM}updated")),
        ))
    next_page = _atom_link(root, "next")
    return entries, urljoin(feed_url, next_page) if next_page else None


def _parse_json_feed(body: bytes, feed_url: str) -> tuple[list[Entry], str | None]:
    data = _load_json(body, "JSON feed")
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ListingError("JSON feed: no 'items' list")
    entries = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if not isinstance(link, str) or not link.strip():
            continue
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        names = [a.get("name") for a in authors if isinstance(a, dict) and a.get("name")]
        entries.append(Entry(
            url=clean_url(urljoin(feed_url, link)),
            title=_text(item.get("title")),
            author=_text(", ".join(names)) if names else None,
            published=parse_date(item.get("date_published") or item.get("date_modified")),
        ))
    next_url = data.get("next_url")
    return entries, urljoin(feed_url, next_url) if isinstance(next_url, str) and next_url else None


# --- WeChat album


def parse_wechat_album(body: bytes) -> tuple[list[Entry], tuple[str, str] | None]:
    """Entries of an album JSON page and the (begin_msgid, begin_itemidx)
    cursor of the next page, None on the last page."""
    data = _load_json(body, "album")
    if not isinstance(data, dict):
        raise ListingError("album: not a JSON object")
    base = data.get("base_resp")
    if isinstance(base, dict) and str(base.get("ret", "0")) != "0":
        raise ListingError(f"album: API error ret={base.get('ret')} {base.get('errmsg') or ''}".rstrip())
    resp = data.get("getalbum_resp")
    if not isinstance(resp, dict):
        raise ListingError("album: no getalbum_resp")
    items = resp.get("article_list") or []
    if isinstance(items, dict):  # a one-article album
        items = [items]
    if not isinstance(items, list):
        raise ListingError("album: article_list is neither a list nor an object")
    entries = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str) or not item["url"].strip():
            continue
        entries.append(Entry(
            url=clean_url(item["url"]),
            title=_text(item.get("title")),
            published=from_unix(item.get("create_time")),
        ))
    cursor = None
    if str(resp.get("continue_flag", "0")) == "1" and items:
        last = items[-1]
        if isinstance(last, dict) and last.get("msgid") is not None:
            cursor = (str(last["msgid"]), str(last.get("itemidx", "1")))
    return entries, cursor


# --- Sohu


def _sohu_link(link: str, api_url: str) -> str:
    """The author API gives links without a scheme ("www.sohu.com/a/..."):
    they take the API's own scheme."""
    link = link.strip()
    if "://" not in link and not link.startswith("//"):
        link = "//" + link
    return clean_url(urljoin(api_url, link))


def parse_sohu_author(body: bytes, api_url: str) -> list[Entry]:
    """One page of the author article list API (fetched from ``api_url``)."""
    data = _load_json(body, "Sohu author API")
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        raise ListingError("Sohu author API: no 'data' object")
    items = data["data"].get("pcArticleVOS")
    if items is None:
        return []
    if not isinstance(items, list):
        raise ListingError("Sohu author API: pcArticleVOS is not a list")
    entries = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("link"), str) or not item["link"].strip():
            continue
        entries.append(Entry(
            url=_sohu_link(item["link"], api_url),
            title=_text(item.get("title")),
            account=_text(item.get("authorName")),
            published=from_unix(item.get("publicTime")),
        ))
    return entries


def parse_sohu_feed(body: bytes, article_url: str) -> list[Entry]:
    """One page of the public feed API; ``article_url`` is the template
    building an article's URL from ``{id}`` and ``{author_id}``."""
    data = _load_json(body, "Sohu feed API")
    if isinstance(data, dict):  # some scenes wrap the list
        data = data.get("data", data.get("list"))
    if not isinstance(data, list):
        raise ListingError("Sohu feed API: not a JSON list")
    entries = []
    for item in data:
        if not isinstance(item, dict) or item.get("id") in (None, "") or item.get("authorId") in (None, ""):
            continue
        entries.append(Entry(
            url=article_url.format(id=item["id"], author_id=item["authorId"]),
            title=_text(item.get("title")),
            account=_text(item.get("authorName")),
            account_id=_text(item.get("authorId")),
            published=from_unix(item.get("publicTime")),
        ))
    return entries


def published_before(entry: Entry, since: datetime | None) -> bool:
    """True when the listing dates the entry before ``since`` (undated: False)."""
    return since is not None and entry.published is not None and entry.published < since

