"""Parsing: page bytes -> ``Article`` (or ``Rejection``). Plain Python, no Scrapy.

``parse_page`` picks the parser by the page's content, the URL being only a
hint: Markdown and plain text by name or media type; HTML by the first site
parser in ``SITE_PARSERS`` whose ``detect`` accepts the markup, else the
generic extractor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from crawler.errors import Rejection
from crawler.items import Article
from crawler.parsing.decode import decode, looks_garbled, read_page
from crawler.parsing.generic import parse_generic
from crawler.parsing.pagetext import PageText, text_of
from crawler.parsing.rules import load_site_rules
from crawler.parsing.scan import ANY, Found, Scanner
from crawler.parsing.sohu import SohuParser
from crawler.parsing.special import special_reason
from crawler.parsing.text import parse_markdown, parse_plain_text
from crawler.parsing.wechat import WechatParser
from crawler.reasons import Reason


class SiteParser(NamedTuple):
    name: str
    detect: Callable[[str, str, Found], bool]  # (html, url, found) -> this parser's markup?
    parse: Callable[[str, str, str, Found], Article]  # (html, url, fetched_from, found)
    scanner: Scanner | None = None  # tells ``found``: what the page may hold (parsing/scan.py)
    reads_bytes: bool = False  # detect and parse take a PageText too (parsing/pagetext.py)


def build_site_parsers(rule_files: Mapping[str, Sequence[str]] | None = None) -> list[SiteParser]:
    """The site parsers, most specific first, with users' rule files merged in.

    ``rule_files`` maps a site ("wechat", "sohu") to extra TOML files (see
    parsing/rules.py); the result can be passed to ``parse_page(parsers=...)``.
    """
    rule_files = rule_files or {}
    unknown = set(rule_files) - {"wechat", "sohu"}
    if unknown:
        raise ValueError(f"no site parser named {', '.join(sorted(unknown))}")
    wechat = WechatParser(load_site_rules("wechat", tuple(rule_files.get("wechat", ()))))
    sohu = SohuParser(load_site_rules("sohu", tuple(rule_files.get("sohu", ()))))
    # WeChat first: Sohu reposts of WeChat articles keep Sohu's markup, while
    # WeChat pages never carry Sohu's markers.
    return [SiteParser("wechat", wechat.detect, wechat.parse, wechat.scanner, reads_bytes=True),
            SiteParser("sohu", sohu.detect, sohu.parse)]


# Site parsers with the default rules, most specific first.
SITE_PARSERS: list[SiteParser] = build_site_parsers()
# Pages of other sites that carry no article (verification pages...).
WEB_SPECIAL_PAGES: list[dict] = load_site_rules("web")["special"]

# Article.removed reason: byte sequences the page's encoding could not read,
# dropped by decoding; the entry's "count" says how many.
UNDECODABLE = "undecodable_bytes"
# Pages shorter than this (characters) are told by a site parser's ``detect`` on their text, and
# scanned (parsing/scan.py) only for the parser that takes them: a scan costs a Sohu article as
# much as the dozen searches of its text it could spare, then helps no parser
SCAN_AFTER_DETECT = 65536
_TEXT_TYPES = {"text/plain": "text", "text/markdown": "markdown", "text/x-markdown": "markdown"}
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def kind_of(name: str, content_type: str | None, body: bytes) -> str | None:
    """'html', 'text', 'markdown', or None for what we cannot parse."""
    lowered = name.lower().split("?", 1)[0].split("#", 1)[0]
    if lowered.endswith((".md", ".markdown")):
        return "markdown"
    if lowered.endswith(".txt"):
        return "text"
    if lowered.endswith((".html", ".htm", ".xhtml", ".shtml")):
        return "html"
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime in _TEXT_TYPES:
        return _TEXT_TYPES[mime]
    if mime in _HTML_TYPES:
        return "html"
    head = body[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<body")):
        return "html"
    if not mime and (b"<html" in body[:65536].lower() or _looks_like_markup(body)):
        return "html"
    return None


# Elements that make a fragment (a saved body, a page starting with a script
# or a comment) HTML rather than text that merely opens with a "<".
_HTML_ELEMENT = re.compile(rb"<(?:p|div|br|span|a|table|td|script|style|form|img|h[1-6]|ul|li|font|center|title)[\s/>]", re.IGNORECASE)


def _looks_like_markup(body: bytes) -> bool:
    """An HTML fragment: opens with a tag or comment and holds common elements."""
    head = body[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    opens_with_tag = head[:1] == b"<" and (head[1:2].isalpha() or head[1:2] == b"!")
    return opens_with_tag and _HTML_ELEMENT.search(head) is not None


def decode_text(body: bytes, content_type: str | None = None) -> str:
    """Text files: UTF-8 (with or without BOM), else GB18030; garbage refused."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not looks_garbled(text):
            return text
    raise Rejection(Reason.BAD_ENCODING, "text is neither UTF-8 nor GB18030")


def parse_html(
    html: str | PageText, url: str, fetched_from: str | None = None,
    parsers: Sequence[SiteParser] | None = None, utf8: bytes | None = None,
) -> Article:
    """``utf8``: the page's bytes when ``html`` is exactly their UTF-8 decoding
    (site parsers then skip searches of the text for what one scan of the bytes
    did not find, parsing/scan.py). ``html`` may be a ``PageText`` (its bytes
    are then ``utf8``): the parsers that read one get it, the others its text."""
    if isinstance(html, PageText):
        utf8 = html.data
    for parser in SITE_PARSERS if parsers is None else parsers:
        scanned = parser.scanner is not None and len(html) >= SCAN_AFTER_DETECT
        found = parser.scanner.scan(utf8, len(html)) if scanned else ANY
        page = html if parser.reads_bytes else text_of(html)
        if parser.detect(page, url, found):
            if parser.scanner is not None and not scanned:
                found = parser.scanner.scan(utf8, len(html))
            return parser.parse(page, url, fetched_from or url, found)
    html = text_of(html)
    if special := special_reason(html, url, WEB_SPECIAL_PAGES, []):
        raise Rejection(*special)
    return parse_generic(html, url, fetched_from)


def parse_page(
    body: bytes,
    url: str,
    *,
    fetched_from: str | None = None,
    content_type: str | None = None,
    name: str | None = None,
    parsers: Sequence[SiteParser] | None = None,
) -> Article:
    """Parse one page; raise ``Rejection`` when it yields no article.

    ``name`` is the file name or URL path used to tell the format; it
    defaults to ``url``. ``parsers`` replaces ``SITE_PARSERS`` (e.g. built
    with users' rule files by ``build_site_parsers``).
    """
    fetched_from = fetched_from or url
    if not body or body.isspace():  # what `not body.strip()` says, without copying 3 MB
        raise Rejection(Reason.EMPTY, "no bytes")
    kind = kind_of(name or url, content_type, body)
    if kind is None:
        raise Rejection(Reason.UNSUPPORTED, f"not HTML, text or Markdown ({content_type or 'unknown type'})")
    if kind == "html" and (page := read_page(body, content_type)) is not None:
        article = parse_html(page, url, fetched_from, parsers)  # UTF-8: decoded where read
    elif kind == "html":
        decoded = decode(body, content_type)
        exact = decoded.encoding == "utf-8" and not decoded.undecodable  # the text is the bytes' decoding
        article = parse_html(decoded.text, url, fetched_from, parsers, body if exact else None)
        if decoded.undecodable:
            article.removed.append({"reason": UNDECODABLE, "text": "", "count": decoded.undecodable})
    else:
        text = decode_text(body, content_type)
        parse = parse_markdown if kind == "markdown" else parse_plain_text
        article = parse(text, url, fetched_from)
    if not article.blocks:
        raise Rejection(Reason.EMPTY, "no text in the article")
    return article
