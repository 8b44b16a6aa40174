"""Sohu articles (www.sohu.com/a/{news_id}_{media_id}, m.sohu.com/a/...).

The body is ``article#mp-editor`` (selectors in rules/sohu.toml). The
platform's injections inside it (the 返回搜狐，查看更多 link, 责任编辑, 平台声明,
read counters, the hidden 原标题 line) are removed before flattening, by
selector, and then by text pattern for copies where they are plain text;
each removal is appended to ``Article.removed`` as
``{"reason": "boilerplate", "text": ...}`` so nothing is lost silently.

Images: raw pages keep the picture URL AES-encrypted in ``data-src`` (key in
the rules file); rendered or saved pages have it in ``src``. Metadata: title
from the article heading (the ``<title>`` carries a ``_tag_tag`` suffix),
account and media id, 来源 (origin) of reposts, time from ``#news-time``'s
``data-val`` or ``og:release_date`` (China time), canonical
``https://www.sohu.com/a/{news_id}_{media_id}`` (m. links mapped).
"""

from __future__ import annotations

import base64
import re
from urllib.parse import urlsplit

import lxml.html

from crawler.errors import Rejection
from crawler.items import Article
from crawler.parsing.html import HTML_PARSER, element_text, flatten, page_stylesheet, remove_range
from crawler.parsing.jsdata import object_literal
from crawler.parsing.rules import compile_patterns, load_site_rules
from crawler.parsing.scan import ANY, Found
from crawler.parsing.selectors import Selector, TreeIndex, compile_indexed, first_of
from crawler.parsing.wechat import china_time
from crawler.reasons import Reason

_SPACE = re.compile(r"\s+")
_TITLE_BADGES = Selector(".article-tag")  # label badges inside the h1 (answered from the page's index)


def _aes_ecb_decrypt(data: str, key: str) -> str | None:
    """Sohu's encrypted image URL (base64 of AES-128-ECB, PKCS#7), or None."""
    try:
        from cryptography.hazmat.primitives import padding
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        raw = base64.b64decode(data, validate=True)
        decryptor = Cipher(algorithms.AES(key.encode()), modes.ECB()).decryptor()
        padded = decryptor.update(raw) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return (unpadder.update(padded) + unpadder.finalize()).decode("utf-8")
    except (ValueError, UnicodeDecodeError, ImportError):
        return None


class SohuParser:
    name = "sohu"

    def __init__(self, rules: dict | None = None):
        self.rules = rules or load_site_rules("sohu")
        self.hosts = tuple(self.rules["detect"]["hosts"])
        self.markers = tuple(self.rules["detect"]["markers"])
        page = self.rules["page"]
        self.selectors = {
            key: compile_indexed(page[key])
            for key in ("body", "title", "account", "time", "origin", "author")
        }
        self.article_data = re.compile(page["article_data"])
        self.article_path = re.compile(page["article_path"])
        self.image_skip = compile_patterns(page["image_skip"])
        self.boilerplate = [
            (rule["name"], compile_indexed(rule["selectors"])) for rule in self.rules["boilerplate"]
        ]
        self.boilerplate_text = [
            (rule["name"], re.compile(rule["pattern"])) for rule in self.rules["boilerplate_text"]
        ]

    # ``found``: what a scan of the page's bytes tells (parsing/scan.py); the Sohu
    # parser has no scanner (its pages are ~100 kB), so it is always ANY
    def detect(self, html: str, url: str, found: Found = ANY) -> bool:
        if any(marker in html for marker in self.markers):
            return True
        # The host is only a hint: an article path on a Sohu host whose markup has an
        # <article> (a layout without the usual markers) is tried too.
        parts = urlsplit(url or "")
        return (
            (parts.hostname or "") in self.hosts
            and bool(self.article_path.search(parts.path))
            and "<article" in html
        )

    def parse(self, html: str, url: str, fetched_from: str | None = None, found: Found = ANY) -> Article:
        try:
            doc = lxml.html.fromstring(html, parser=HTML_PARSER)
        except (ValueError, lxml.etree.ParserError) as exc:
            raise Rejection(Reason.NOT_ARTICLE, f"unparsable HTML: {exc}") from None
        body = next((found[0] for selector in self.selectors["body"] if (found := selector.xpath(doc))), None)
        if body is None:
            raise Rejection(Reason.NOT_ARTICLE, "no Sohu article body (article#mp-editor)")
        removed: list[dict] = []
        self._resolve_images(body)  # first: the index then holds the attributes it sets
        # one index of the page for every selector: what is dropped from the tree after it
        # is left out of the answers (selectors.TreeIndex.holds)
        index = TreeIndex(doc)
        self._drop_injections(index.rooted(body), removed)
        blocks, images = flatten(body, image_attrs=("src",), base_url="https://www.sohu.com/",
                                 sheet=page_stylesheet(html))
        blocks = self._drop_injected_text(blocks, removed)
        images = [i for i in images if not any(p.search(i["url"]) for p in self.image_skip)]
        data = (object_literal(html, self.article_data) or {}) if "sohu_mp" in html else {}
        meta = {
            (el.get("property") or el.get("name") or el.get("itemprop") or "").lower(): el.get("content")
            for el in index.by_tag.get("meta", ()) if index.holds(el)
        }
        published_at, published_from = self._published(index, meta)
        article = Article(
            url=self._canonical(doc, url, data, meta),
            fetched_from=fetched_from or url,
            source="sohu",
            title=self._title(index, data, meta),
            author=self._text(index, "author") or _clean(meta.get("author")),
            account=self._text(index, "account") or _clean(meta.get("mediaid")),
            account_id=self._media_id(doc, url, data, meta),
            published_at=published_at,
            published_from=published_from,
            origin=self._origin(index),
            cover=_image_url(meta.get("og:image")),
            blocks=blocks,
            images=images,
            removed=removed,
        )
        article.join_text()
        return article

    # -- body -------------------------------------------------------------------
    def _drop_injections(self, index: TreeIndex, removed: list[dict]) -> None:
        """The boilerplate under ``index.root`` (the body) out of the tree, its text to ``removed``."""
        for _name, selectors in self.boilerplate:
            for selector in selectors:
                for el in selector.select(index):  # what is dropped leaves the answers of later selectors
                    if el is index.root:
                        continue
                    text = _clean(el.text_content())
                    if text:
                        removed.append({"reason": "boilerplate", "text": text})
                    el.drop_tree()  # keeps the tail text, which is not part of it

    def _drop_injected_text(self, blocks: list[dict], removed: list[dict]) -> list[dict]:
        kept = []
        for block in blocks:
            for _name, pattern in self.boilerplate_text:
                while block["text"] and (m := pattern.search(block["text"])) and m.end() > m.start():
                    text = remove_range(block, m.start(), m.end()).strip()
                    if text:
                        removed.append({"reason": "boilerplate", "text": text})
            if block["text"]:
                kept.append(block)
        return kept

    def _resolve_images(self, body) -> None:
        key = self.rules["page"]["image_key"]
        for img in body.iter("img"):
            src = (img.get("src") or "").strip()
            if src and not src.startswith("data:"):
                continue
            candidate = (img.get("data-src") or img.get("data-original") or "").strip()
            if candidate and not re.match(r"(?:https?:)?//", candidate):
                candidate = _aes_ecb_decrypt(candidate, key) or ""
            if candidate:
                img.set("src", candidate)
            elif "src" in img.attrib:
                del img.attrib["src"]

    # -- metadata ---------------------------------------------------------------
    def _text(self, index: TreeIndex, key: str) -> str | None:
        el = first_of(self.selectors[key], index)
        if el is None:
            return None
        if el.tag == "meta":
            return _clean(el.get("content"))
        return _clean(element_text(el))

    def _title(self, index: TreeIndex, data: dict, meta: dict) -> str | None:
        heading = first_of(self.selectors["title"], index)
        if heading is not None:
            for tag in _TITLE_BADGES.select(index.rooted(heading)):
                tag.drop_tree()
            if title := _clean(element_text(heading)):
                return title
        if title := _clean(data.get("title")):
            return title
        for key in self.rules["page"]["meta_title"]:
            if value := _clean(meta.get(key)):
                return value.split("_")[0]  # "title_tag_tag"
        return None

    def _published(self, index: TreeIndex, meta: dict) -> tuple[str | None, str | None]:
        """(date, where it was read): the article's visible time, else the page's metadata."""
        el = first_of(self.selectors["time"], index)
        if el is not None:
            stamp = china_time(el.get("data-val")) or china_time(element_text(el))
            if stamp:
                return stamp, "dateline"
        for key in self.rules["page"]["meta_published"]:
            if stamp := china_time(meta.get(key.lower())):
                return stamp, "metadata"
        return None, None

    def _origin(self, index: TreeIndex) -> str | None:
        text = self._text(index, "origin")
        if not text:
            return None
        return re.sub(r"^\s*来源\s*[:：]\s*", "", text) or None

    def _ids(self, doc, url: str, data: dict, meta: dict) -> tuple[str, str] | None:
        if data.get("news_id") and data.get("media_id") and str(data["media_id"]).isdigit():
            return str(data["news_id"]), str(data["media_id"])
        canonical = doc.find(".//link[@rel='canonical']")
        for candidate in (url, canonical.get("href") if canonical is not None else None, meta.get("og:url")):
            if candidate and (m := self.article_path.search(urlsplit(candidate).path or candidate)):
                return m.group(1), m.group(2)
        return None

    def _canonical(self, doc, url: str, data: dict, meta: dict) -> str:
        ids = self._ids(doc, url, data, meta)
        if ids is None:
            return url
        return self.rules["page"]["canonical"].format(news_id=ids[0], media_id=ids[1])

    def _media_id(self, doc, url: str, data: dict, meta: dict) -> str | None:
        ids = self._ids(doc, url, data, meta)
        return ids[1] if ids else None


def _clean(value) -> str | None:
    if value is None:
        return None
    return _SPACE.sub(" ", str(value)).strip() or None


def _image_url(value: str | None) -> str | None:
    value = _clean(value)
    if not value:
        return None
    return "https:" + value if value.startswith("//") else value
