"""Any other page: main content and metadata by trafilatura."""

from __future__ import annotations

import re
from datetime import date, datetime

from crawler.errors import Rejection
from crawler.items import Article
from crawler.reasons import Reason

# trafilatura's XML body element -> our block type
_BLOCK_KIND = {"p": "paragraph", "head": "heading", "item": "list_item", "quote": "quote"}
# containers: boundaries between blocks, no type of their own
_CONTAINERS = {"body", "doc", "main", "list", "div", "article", "section", "comments"}
# a paragraph inside these keeps the container's type
_ENCLOSING = {"quote", "list_item"}
# inside these a line break is a space
_LB_AS_SPACE = {"heading", "list_item"}
_SPACE = re.compile(r"\s+")
# characters a reader does not see: controls, soft hyphens, zero-width
# marks, private-use code points (undefined legacy bytes decode to these)
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u200b-\u200f\u2060\ufeff\ue000-\uf8ff]")
_DOCUMENT = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)
# trafilatura's inline elements: no boundary around them
_INLINE = {"hi", "ref", "del", "span", "sub", "sup"}


class _Walker:
    """Blocks of trafilatura's body element: every piece of text exactly once.

    Each element's ``text`` and each child's ``tail`` is read once, in
    document order, into the block of the innermost enclosing block element;
    a block element nested in another (a heading in a list item, a paragraph
    in a quote) ends the outer block's text so far and starts its own. Code
    and tables are read whole (a table nested in a cell is read once, with
    that cell); ``graphic`` elements go to ``images``.
    """

    def __init__(self) -> None:
        self.blocks: list[dict] = []
        self.images: list[dict] = []
        self.pieces: list[str] = []
        self.kind = "paragraph"

    def add(self, text: str | None, kind: str) -> None:
        if text:
            if not self.pieces:
                self.kind = kind
            self.pieces.append(text)

    def flush(self) -> None:
        if self.pieces:
            self.emit(self.kind, _clean("".join(self.pieces)))
            self.pieces = []

    def emit(self, kind: str, text: str) -> None:
        if text:
            self.blocks.append({"type": kind, "text": text, "lang": None})

    def children(self, el, kind: str) -> None:
        self.add(el.text, kind)
        for child in el:
            if isinstance(child.tag, str):
                self.walk(child, kind)
            self.add(child.tail, kind)

    def walk(self, el, kind: str) -> None:
        tag = el.tag
        if tag == "graphic":
            self.add(" ", kind)  # an inline image separates the words around it
            if el.get("src"):
                self.images.append({"url": el.get("src"), "alt": el.get("alt") or el.get("title")})
        elif tag == "lb":
            if kind in _LB_AS_SPACE:
                self.add(" ", kind)
            else:
                self.flush()
        elif tag == "code":
            self.flush()
            self.emit("code", _INVISIBLE.sub("", "".join(_code_lines(el))).strip("\n"))
        elif tag == "table":
            self.flush()
            self.emit("table", _table_text(el))
        elif tag in _BLOCK_KIND or tag in _CONTAINERS:
            inner = _BLOCK_KIND.get(tag, kind)
            if tag == "p" and kind in _ENCLOSING:
                inner = kind
            self.flush()
            self.children(el, inner)
            self.flush()
        else:  # inline: hi, ref, del, span...
            self.children(el, kind)


def _code_lines(el):
    """The text of a code element, a line break for each ``lb``."""
    if el.text:
        yield el.text
    for child in el:
        if child.tag == "lb":
            yield "\n"
        elif isinstance(child.tag, str):
            yield from _code_lines(child)
        if child.tail:
            yield child.tail


def _inline_text(el) -> str:
    """An element's text on one line, block boundaries inside it as spaces."""
    return _clean("".join(_inline_pieces(el)))


def _clean(text: str) -> str:
    return _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip()


def _inline_pieces(el):
    if el.text:
        yield el.text
    for child in el:
        if child.tag == "graphic":
            yield " "
        elif isinstance(child.tag, str):
            boundary = child.tag not in _INLINE
            if boundary:
                yield " "
            yield from _inline_pieces(child)
            if boundary:
                yield " "
        if child.tail:
            yield child.tail


def _table_text(table) -> str:
    """Rows on lines, cells joined by tabs; a nested table is read with its cell."""
    lines = []
    for row in _own(table, "row"):
        cells = [_inline_text(cell) for cell in _own(row, "cell")]
        if any(cells):
            lines.append("\t".join(cells))
    return "\n".join(lines)


def _own(el, tag: str):
    """Descendants ``tag`` of ``el`` not inside a nested table."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag != "table" and isinstance(child.tag, str):
            yield from _own(child, tag)


def _blocks(body) -> tuple[list[dict], list[dict]]:
    walker = _Walker()
    walker.children(body, "paragraph")
    walker.flush()
    return walker.blocks, walker.images


def _iso_date(value) -> str | None:
    if not value:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def extract_document(html: str, url: str):
    """trafilatura's document of the page (its body element is what ``_blocks`` walks).

    A fragment (no ``<html>`` or ``<body>`` element: a saved body, markup
    opening with a script, a comment or a crawler's wrapper element) is put
    in a body first, as a browser would.
    """
    import trafilatura  # ~0.1 s at import: only for pages no site parser claims, paid by the first

    if _DOCUMENT.search(html) is None:
        html = f"<html><body>{html}</body></html>"
    return trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_images=True, include_comments=False,
        include_tables=True, favor_precision=True, output_format="python",
    )


def parse_generic(html: str, url: str, fetched_from: str | None = None) -> Article:
    doc = extract_document(html, url)
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
