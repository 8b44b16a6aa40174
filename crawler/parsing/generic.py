"""Any other page: main content and metadata by trafilatura."""

from __future__ import annotations

import re
from datetime import date, datetime

from crawler.errors import Rejection
from crawler.items import Article
from crawler.reasons import Reason

# trafilatura's XML body element -> our block type
_BLOCK_TAGS = {
    "p": "paragraph", "head": "heading", "item": "list_item", "quote": "quote",
    "code": "code", "table": "table", "cell": None, "row": None,
}
_SPACE = re.compile(r"\s+")


def _text(el) -> str:
    return _SPACE.sub(" ", "".join(el.itertext())).strip()


def _blocks(body) -> tuple[list[dict], list[dict]]:
    blocks: list[dict] = []
    images: list[dict] = []
    for el in body.iter():
        if el.tag == "graphic" and el.get("src"):
            images.append({"url": el.get("src"), "alt": el.get("alt") or el.get("title")})
            continue
        kind = _BLOCK_TAGS.get(el.tag)
        if kind is None:
            continue
        # a quote or list of paragraphs: the inner blocks carry the text
        if el.tag in ("quote", "item") and el.find(".//p") is not None:
            continue
        if el.tag == "p" and el.getparent() is not None and el.getparent().tag in ("cell",):
            continue
        if kind == "table":
            rows = ["\t".join(_text(c) for c in r.iter("cell")) for r in el.iter("row")]
            text = "\n".join(r for r in rows if r.strip())
        elif kind == "code":
            text = "".join(el.itertext()).strip("\n")
        else:
            text = _text(el)
        if text:
            if el.tag == "p" and el.getparent() is not None and el.getparent().tag == "quote":
                kind = "quote"
            blocks.append({"type": kind, "text": text, "lang": None})
    return blocks, images


def _iso_date(value) -> str | None:
    if not value:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def parse_generic(html: str, url: str, fetched_from: str | None = None) -> Article:
    import trafilatura  # ~0.1 s at import: only for pages no site parser claims, paid by the first

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_images=True,
        include_comments=False, include_tables=True, output_format="python",
    )
    if doc is None or doc.body is None:
        raise Rejection(Reason.NOT_ARTICLE, "no main content found")
    blocks, images = _blocks(doc.body)
    if not blocks:
        raise Rejection(Reason.EMPTY, "main content has no text")
    article = Article(
        url=doc.url or url,
        fetched_from=fetched_from or url,
        source="web",
        title=doc.title or None,
        author=doc.author or None,
        account=doc.sitename or None,
        published_at=_iso_date(doc.date),
        cover=doc.image or None,
        blocks=blocks,
        images=images,
    )
    article.join_text()
    return article
