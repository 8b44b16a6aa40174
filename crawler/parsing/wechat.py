"""WeChat official-account pages (mp.weixin.qq.com/s...), every layout 2016-2026.

The real pages are 2-3 MB, nearly all scripts and styles, so the parser never
builds a DOM of the whole page: it slices out the body container
(``#js_content``) and the few metadata elements, and reads the metadata from
the scripts (``var ct = "..."``, ``window.cgiDataNew = {...}``) with the
readers of ``jsdata``.

Where the fields come from, first found wins:

- share data (``window.cgiDataNew``, 2024+), then script variables
  (``var msg_title``, ``nickname``, ``author``, ``ct``/``create_time``,
  ``biz``/``mid``/``idx``/``sn``, ``msg_link``, ``msg_source_url``,
  ``msg_cdn_url``, ``item_show_type``), then the page's elements
  (``#activity-name``, ``#js_name``, ``#js_author_name``, ``#publish_time``)
  and ``<meta>`` tags, so saved copies without scripts parse too;
- text: ``#js_content`` flattened (parsing/html.py) for articles, video and
  audio posts; the share data's text (``content_noencode``) and picture list
  for image shares (``item_show_type`` 8) and text shares (10).

A page without an article body is matched against the special-page rules
(deleted, violation, unavailable, expired, anti_crawl, not_article) and
raises ``Rejection``.
"""

from __future__ import annotations

import html as htmllib
import re
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

from crawler.errors import Rejection
from crawler.evaluation import tokens
from crawler.items import Article
from crawler.parsing.html import STYLE_TAG, element_text, flatten, fragment, page_stylesheet, slice_element
from crawler.parsing.jsdata import (
    SCRIPT_END, Deferred, first_match, literal_prefix, object_after, object_literal, script_vars,
)
from crawler.parsing.pagetext import SPACE_BYTES, PageText, findall, text_of, window_literals
from crawler.parsing.rules import compile_selectors, load_site_rules
from crawler.parsing.scan import ANY, Found, Scanner
from crawler.parsing.special import special_reason, title_phrase
from crawler.reasons import Reason

CHINA = timezone(timedelta(hours=8))
_SCRIPT_VARS = (
    "msg_title", "nickname", "author", "ct", "create_time", "publish_time", "biz", "mid",
    "idx", "sn", "msg_link", "msg_source_url", "msg_cdn_url", "item_show_type", "desc",
)
# The share-data fields read; the object is read only until all were seen.
_SHARE_KEYS = (
    "nick_name", "title", "desc", "content_noencode", "create_time", "cdn_url", "link",
    "source_url", "author", "ori_create_time", "bizuin", "mid", "idx", "sn",
    "item_show_type", "picture_page_info_list",
)
# Read only for the text of share posts (and of bodies rendered by scripts): stepped
# over, read when asked (the text is the article's whole HTML, ~60 kB, on every page).
_SHARE_DEFERRED = ("content_noencode", "picture_page_info_list")
_META = re.compile(
    r"""<meta\s+(?:property|name)\s*=\s*["']([^"']+)["']\s+content\s*=\s*["']([^"']*)["']""",
    re.IGNORECASE,
)
# the same in the bytes, where any byte beyond ASCII may belong to a space (case-sensitive:
# a literal's first byte is then searched for at C speed)
_META_BYTES = re.compile(rb"<[mM][eE][tT][aA]%(s)s+(?:[pP][rR][oO][pP][eE][rR][tT][yY]|[nN][aA][mM][eE])%(s)s*=%(s)s*"
                         rb"""["'][^"']+["']%(s)s+[cC][oO][nN][tT][eE][nN][tT]%(s)s*=%(s)s*["'][^"']*["']"""
                         % {b"s": SPACE_BYTES})
_LONG_FORM_PATH = re.compile(r"^/s/?$|^/mp/appmsg/show")
_SHORT_FORM_PATH = re.compile(r"^/s/([A-Za-z0-9_-]{8,})")
_STAMP = re.compile(r"\d{9,13}")  # a Unix timestamp, in seconds or milliseconds
_CHINA_SECONDS = 8 * 3600
_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?\s*(?:(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)


def _clean(value) -> str | None:
    """A metadata string: entities decoded, whitespace trimmed, empty -> None."""
    if value is None:
        return None
    text = htmllib.unescape(str(value)).strip()
    return re.sub(r"\s+", " ", text) or None


def china_time(value) -> str | None:
    """ISO 8601 (+08:00) from a Unix timestamp (s or ms) or a Chinese date text."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if _STAMP.fullmatch(text):
        stamp = int(text)
        if stamp > 10**11:  # milliseconds
            stamp //= 1000
        # datetime.fromtimestamp(stamp, CHINA).isoformat() without building a datetime (whole
        # seconds, years 1973-5138: no fraction, four digits)
        return "%04d-%02d-%02dT%02d:%02d:%02d+08:00" % time.gmtime(stamp + _CHINA_SECONDS)[:6]
    m = _DATE_TEXT.search(text)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in m.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=CHINA).isoformat()
    except ValueError:
        return None


class WechatParser:
    name = "wechat"

    def __init__(self, rules: dict | None = None):
        self.rules = rules or load_site_rules("wechat")
        detect = self.rules["detect"]
        self.hosts = tuple(detect["hosts"])
        self.markers = tuple(detect["markers"])
        self.not_markers = tuple(detect.get("not_markers", ()))
        page = self.rules["page"]
        self.patterns = {key: re.compile(page[key]) for key in (
            "body", "title_heading", "account_name", "author_name", "meta_area",
            "publish_time", "share_data",
        )}
        self.post_types = self.rules["post_types"]
        self.identity = tuple(self.rules["url"]["identity"])
        self.url_host = self.rules["url"]["host"]
        self.special = self.rules["special"]
        self.message_selectors = compile_selectors(self.rules["special_pages"]["message_selectors"])
        # what one scan of a page's bytes tells before its text is searched (special
        # pages are small: their markers are searched in the text)
        self.scanner = Scanner(markers=(*self.markers, *self.not_markers), patterns=self.patterns.values(),
                               bounds=(STYLE_TAG,),
                               starts=(literal_prefix(self.patterns["share_data"]),
                                       *window_literals(self.patterns["body"])))

    # -- detection ------------------------------------------------------------
    # ``html``: the page's text, or a ``PageText`` read from its bytes (parsing/pagetext.py)
    def detect(self, html: str | PageText, url: str, found: Found = ANY) -> bool:
        if any(found.may_hold(marker) and marker in html for marker in self.not_markers):
            return False
        if any(found.may_hold(marker) and marker in html for marker in self.markers):
            return True
        host = urlsplit(url or "").hostname or ""
        if host in self.hosts:
            return True
        return title_phrase(html, self.special)  # a bare message page, e.g. saved

    # -- parsing --------------------------------------------------------------
    def parse(self, html: str | PageText, url: str, fetched_from: str | None = None,
              found: Found = ANY) -> Article:
        page = _Page(self, html, url, found)
        post_type = self.post_types.get(str(page.get("item_show_type") or "0"), "article")
        blocks, images = page.content(post_type)
        if not blocks:
            special = special_reason(text_of(html), url, self.special, self.message_selectors)
            if special:
                raise Rejection(*special)
            if page.body is None and page.share is None:
                raise Rejection(Reason.NOT_ARTICLE, "no WeChat article body in the page")
        title = page.title(blocks)
        removed: list[dict] = []
        # share posts take their title from their own first line: nothing repeats
        headline = title if post_type not in ("image_share", "text_share") else None
        blocks = self.trim_body(blocks, headline, removed)
        biz = page.first("bizuin", "biz")
        published_at, published_from = page.published_at()
        article = Article(
            url=page.canonical_url(),
            fetched_from=fetched_from or url,
            source="wechat",
            title=title,
            author=page.author(),
            account=_clean(page.first("nick_name", "nickname")) or page.element_text("account_name"),
            account_id=biz,
            published_at=published_at,
            published_from=published_from,
            post_type=post_type,
            source_url=_clean(page.first("source_url", "msg_source_url")),
            cover=_clean(page.first("cdn_url", "msg_cdn_url")) or page.fallback("cdn_url", page.meta, "meta_cover"),
            blocks=blocks,
            images=images,
            removed=removed,
        )
        article.join_text()
        return article

    # -- body trimming ------------------------------------------------------------
    def trim_body(self, blocks: list[dict], title: str | None, removed: list[dict]) -> list[dict]:
        """Drop the headline repeated atop the body and related-article link lists,
        recording each in ``removed``."""
        trim = self.rules["body_trim"]
        drop: dict[int, str] = {}
        # headline: leading headings (or a first block equal to the title)
        if title:
            wanted = tokens(title)
            lead = []
            for i, block in enumerate(blocks[: trim["max_headline_blocks"]]):
                if block["type"] != "heading" and not (i == 0 and block["text"] == title):
                    break
                lead.append(i)
            if lead and wanted:
                got = sum((tokens(" ".join(blocks[i]["text"] for i in lead)) & wanted).values())
                if got / sum(wanted.values()) >= trim["headline_overlap"]:
                    drop.update(dict.fromkeys(lead, "title_repeat"))
        # related-article lists
        link = re.compile(trim["related_link"])
        labels = "|".join(map(re.escape, trim["related_labels"]))
        label_only = re.compile(rf"^\W*(?:{labels})\W*$")
        label_prefix = re.compile(rf"^\W*(?:{labels})\s*[:：|丨]?\s*")

        def is_link_block(block: dict) -> bool:
            text = block["text"]
            start = m.end() if (m := label_prefix.match(text)) else 0
            rest = len(text[start:].strip())
            covered = sum(
                min(e, len(text)) - max(s, start)
                for s, e, kind, value in block.get("spans", ())
                if kind == "link" and link.search(value) and e > start
            )
            return rest > 0 and covered / rest >= trim["min_link_share"]

        flags = [is_link_block(b) for b in blocks]
        i = 0
        while i < len(blocks):
            if not flags[i]:
                i += 1
                continue
            end = i
            while end < len(blocks) and flags[end]:
                end += 1
            start = i
            if i > 0 and label_only.match(blocks[i - 1]["text"]):
                start = i - 1
            if start < i or label_prefix.match(blocks[i]["text"]) or end == len(blocks):
                drop.update(dict.fromkeys(range(start, end), "boilerplate"))
            i = end
        kept = []
        for i, block in enumerate(blocks):
            if i in drop:
                removed.append({"reason": drop[i], "text": block["text"]})
            else:
                kept.append(block)
        return kept


class _Page:
    """One page's metadata sources, each read only when a field needs it."""

    def __init__(self, parser: WechatParser, html: str | PageText, url: str, found: Found = ANY):
        self.parser = parser
        self.html = html
        self.url = url
        self.found = found
        share = parser.patterns["share_data"]
        self.share = None
        if not found.may_match(share):
            pass
        elif isinstance(html, str):  # in the last tenth of the page: looked for from where the scan saw it
            self.share = object_literal(html, share, _SHARE_KEYS, _SHARE_DEFERRED,
                                        pos=found.not_before(literal_prefix(share)), stop=SCRIPT_END)
        else:
            self.share = _share_data(html, share, found)
        self.body = self.slice("body")
        self._vars: dict | None = None
        self._meta: dict | None = None

    @property
    def vars(self) -> dict:
        if self._vars is None:
            self._vars = script_vars(self.html, _SCRIPT_VARS)
        return self._vars

    def shared(self, key: str):
        """A share-data field read when asked (``_SHARE_DEFERRED``), or None."""
        value = self.share.get(key) if self.share else None
        return value.read() if isinstance(value, Deferred) else value

    def get(self, key: str):
        """A share-data field, else the script variable of the same name."""
        if self.share and self.share.get(key) not in (None, ""):
            return self.share[key]
        return self.vars.get(key)

    def first(self, share_key: str, var_key: str):
        """The share-data field when the page has share data with that key (the
        scripts then say the same), else the script variable."""
        if self.share and share_key in self.share:
            return self.share[share_key] if self.share[share_key] not in (None, "") else None
        value = self.vars.get(var_key)
        return value if value not in (None, "") else None

    def fallback(self, share_key: str, read, *args):
        """``read(*args)`` (a <meta> tag or page element), unless the share data has
        ``share_key``: it is then authoritative, even when empty, and the costly
        scans of the page are skipped."""
        if self.share and share_key in self.share:
            return None
        return read(*args)

    def meta(self, key: str) -> str | None:
        if self._meta is None:
            self._meta = {}
            for name, content in findall(self.html, _META, _META_BYTES):
                self._meta.setdefault(name.lower(), content)
        for name in self.parser.rules["page"][key]:
            if value := _clean(self._meta.get(name.lower())):
                return value
        return None

    def slice(self, key: str) -> str | None:
        """The markup of the element whose opening tag the pattern ``key`` matches."""
        pattern = self.parser.patterns[key]
        return slice_element(self.html, pattern, self.found) if self.found.may_match(pattern) else None

    def element(self, key: str):
        markup = self.slice(key)
        return fragment(markup) if markup else None

    def element_text(self, key: str) -> str | None:
        el = self.element(key)
        return _clean(element_text(el)) if el is not None else None

    # -- content ----------------------------------------------------------------
    def content(self, post_type: str) -> tuple[list[dict], list[dict]]:
        if post_type in ("image_share", "text_share"):
            blocks, images = self.share_content()
            if blocks:
                return blocks, images
        blocks, images = [], []
        if self.body is not None:
            blocks, images = flatten(fragment(self.body), sheet=page_stylesheet(self.html, self.found))
        if not blocks:  # video/audio posts, bodies rendered by scripts: the share text
            blocks, shared_images = self.share_content()
            images = images or shared_images
        return blocks, [i for i in images if not i["url"].startswith("https://res.wx.qq.com/")]

    def share_content(self) -> tuple[list[dict], list[dict]]:
        share = self.share or {}
        content = self.shared("content_noencode")
        text = content or share.get("desc") or self.vars.get("desc") or ""
        if not content:
            text = htmllib.unescape(text)  # desc is entity-encoded, content_noencode is not
        if text.lstrip().startswith("<"):
            blocks = flatten(fragment(f"<div>{text}</div>")).blocks
        else:
            blocks = [
                {"type": "paragraph", "text": line.strip(), "lang": None}
                for line in text.splitlines() if line.strip()
            ]
        images = []
        for picture in self.shared("picture_page_info_list") or ():
            if isinstance(picture, dict) and picture.get("cdn_url"):
                images.append({"url": htmllib.unescape(picture["cdn_url"]), "alt": None})
        return blocks, images

    # -- fields -----------------------------------------------------------------
    def title(self, blocks: list[dict]) -> str | None:
        title = _clean(self.share.get("title")) if self.share else None
        title = title or _clean(self.vars.get("msg_title"))
        title = title or self.element_text("title_heading") or self.meta("meta_title")
        if not title and blocks:  # text shares may have none: their first line
            first = blocks[0]["text"]
            title = first if len(first) <= 64 else first[:63] + "…"
        return title

    def author(self) -> str | None:
        author = _clean(self.first("author", "author"))
        if author or (self.share and "author" in self.share) or "author" in self.vars:
            return author  # the page's data names no author: its elements will not either
        author = self.meta("meta_author") or self.element_text("author_name")
        if author:
            return author
        # 2016-2019 layout: <em class="rich_media_meta rich_media_meta_text">name</em>
        # beside the date and the account inside #meta_content.
        area = self.element("meta_area")
        if area is None:
            return None
        for el in area.iter("em", "span"):
            classes = el.get("class", "")
            if "rich_media_meta_text" in classes and not el.get("id") and "nickname" not in classes:
                text = _clean(element_text(el))
                if text and not _DATE_TEXT.search(text):
                    return text
        return None

    def published_at(self) -> tuple[str | None, str | None]:
        """(date, where it was read): the page's script data, else the visible date."""
        sources = (  # lazily: the script variables cost a scan of the page
            lambda: self.first("ori_create_time", "ct"),
            lambda: self.first("create_time", "create_time"),
            lambda: self.vars.get("publish_time"),
        )
        for source in sources:
            if stamp := china_time(source()):
                return stamp, "page_data"
        stamp = china_time(self.element_text("publish_time"))
        return stamp, "dateline" if stamp else None

    def canonical_url(self) -> str:
        """Long form with the identity parameters only, else the short /s/ form."""
        identity = self.parser.identity
        host = self.parser.url_host
        ids = {
            "__biz": self.first("bizuin", "biz"), "mid": self.first("mid", "mid"),
            "idx": self.first("idx", "idx"), "sn": self.first("sn", "sn"),
        }

        def candidates():  # read lazily: the script variables cost a scan of the page
            yield self.url
            yield self.share.get("link") if self.share else None
            yield self.vars.get("msg_link")
            yield self.meta("meta_url")

        if not all(ids.get(k) for k in identity):
            for candidate in candidates():
                params = _long_form_params(candidate)
                if params and all(params.get(k) for k in identity):
                    ids = params
                    break
        if all(ids.get(k) for k in identity):
            return f"https://{host}/s?" + "&".join(f"{k}={ids[k]}" for k in identity)
        for candidate in candidates():
            if candidate and (m := _SHORT_FORM_PATH.match(urlsplit(htmllib.unescape(candidate)).path)):
                return f"https://{host}/s/{m.group(1)}"
        return self.url


def _share_data(page: PageText, pattern: re.Pattern, found: Found) -> dict | None:
    """The share data of a page read from its bytes: the text from each occurrence of the
    pattern's literal prefix to the end of its script, decoded until one holds a match."""
    prefix = literal_prefix(pattern)
    if not prefix:
        return object_literal(page.text, pattern, _SHARE_KEYS, _SHARE_DEFERRED, stop=SCRIPT_END)
    at = found.first_offset(prefix)
    at = page.find(prefix) if at is None else at
    while at >= 0:
        end = page.find(SCRIPT_END, at)
        end = end if end >= 0 else len(page.data)
        text = page.window(at, end)
        if m := first_match(pattern, text):
            return object_after(text, m, _SHARE_KEYS, _SHARE_DEFERRED, stop=SCRIPT_END)
        at = page.find(prefix, end)
    return None


def _long_form_params(url: str | None) -> dict | None:
    if not url:
        return None
    parts = urlsplit(htmllib.unescape(url))
    if not _LONG_FORM_PATH.match(parts.path or ""):
        return None
    return {k: v[0] for k, v in parse_qs(parts.query).items() if v}
