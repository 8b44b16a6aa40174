"""The items the crawl produces: a contract that other tools read.

Plain dataclasses (itemadapter handles them), so the parsing and cleaning
libraries can build them without importing Scrapy.

Blocks are dicts ``{"type", "text", "lang"}``. Inside the pipeline a block may
also carry ``"spans"``: ``[start, end, kind, value]`` marks over its text left
by the HTML parsers (``kind`` "hidden" with the CSS reason, "link" with the
href) so the clean stage sees hidden elements and anchors after flattening.
The export stage drops ``spans``; they never reach a feed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SOURCES = ("wechat", "sohu", "web", "text")
BLOCK_TYPES = ("heading", "paragraph", "list_item", "quote", "caption", "code", "table")


@dataclass
class Article:
    url: str
    fetched_from: str
    source: str
    title: str | None = None
    author: str | None = None
    account: str | None = None
    account_id: str | None = None  # WeChat __biz, Sohu media id
    published_at: str | None = None  # ISO 8601 with offset
    # where the date was read: metadata (meta, <time>, JSON-LD), dateline (visible text),
    # page_data (WeChat's page script data), listing (a feed or API entry), record (a corpus field)
    published_from: str | None = None
    post_type: str | None = None  # WeChat: article, image_share, text_share, video, audio
    source_url: str | None = None  # WeChat 阅读原文 link
    origin: str | None = None  # 来源 of a repost
    cover: str | None = None
    blocks: list[dict[str, Any]] = field(default_factory=list)
    text: str = ""
    lang: str | None = None
    langs: dict[str, float] = field(default_factory=dict)
    images: list[dict[str, str | None]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    duplicate_of: str | None = None

    def join_text(self) -> str:
        """Recompute ``text`` from the blocks (after a stage changed them)."""
        self.text = "\n".join(b["text"] for b in self.blocks)
        return self.text


@dataclass
class Rejected:
    """An input that yields no article, with a stable ``reason``."""

    fetched_from: str
    url: str | None
    reason: str
    status: int | None = None
    detail: str = ""


@dataclass
class Page:
    """Raw input handed by a spider to the extract stage: bytes, not yet parsed.

    ``error`` is set when the spider could not get usable bytes at all
    (a reject reason such as too_large or http_error); ``hints`` carries
    metadata from a listing (feed title, author, date) for fields the page lacks.
    """

    fetched_from: str
    url: str
    body: bytes = field(default=b"", repr=False)
    status: int | None = None
    content_type: str | None = None
    source_hint: str | None = None
    error: str | None = None
    detail: str = ""
    hints: dict[str, Any] = field(default_factory=dict)
