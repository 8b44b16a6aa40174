"""Any other page: main content and metadata by trafilatura, then our walker.

``parse_generic`` extracts trafilatura's document (``extract_document``, with
a safety valve favouring recall when the precise pass keeps almost nothing),
walks its body into blocks with link spans (``_Walker``: every piece of text
once), cuts layout link rows and rejects link-list pages (pageshape.py), and
keeps a date only where the page states it (dates.py). docs/parsing.md gives
the steps, their thresholds and what they score on the public benchmarks.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from html import unescape
from urllib.parse import urljoin

from lxml import etree

from crawler.errors import Rejection
from crawler.items import Article
from crawler.parsing.dates import date_source, find_dateline
from crawler.parsing.html import _compose, _join, flatten
from crawler.parsing.pageshape import (
    LONG_TEXT_CHARS, chars, item_list_reason, link_share, list_page_reason, prune_link_rows,
)
from crawler.reasons import Reason

logger = logging.getLogger(__name__)

# a dateline is looked for in the first blocks of the article and the text before them
DATELINE_BLOCKS = 4

# blocks tried from each end to place the article in the markup (images)
IMAGE_ANCHOR_TRIES = 5

# the safety valve of _main_blocks
SHORT_TEXT_CHARS = 500
RECALL_GAIN = 2
RECALL_MAX_LINK_SHARE = 0.3
RECALL_MIN_BLOCKS = 3

# trafilatura's XML body element -> our block type
_BLOCK_KIND = {"p": "paragraph", "head": "heading", "item": "list_item", "quote": "quote"}
# containers: boundaries between blocks, no type of their own
_CONTAINERS = {"body", "doc", "main", "list", "div", "article", "section", "comments"}
# a paragraph inside these keeps the container's type
_ENCLOSING = {"quote", "list_item"}
# inside these a line break is a space
_LB_AS_SPACE = {"heading", "list_item"}
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
    that cell); ``graphic`` elements go to ``images``. The text of a ``ref``
    (a link) is marked with a "link" span, as the site parsers mark anchors.
    """

    def __init__(self) -> None:
        self.blocks: list[dict] = []
        self.images: list[dict] = []
        self.pieces: list[tuple[str, None, str | None]] = []
        self.kind = "paragraph"

    def add(self, text: str | None, kind: str, href: str | None = None) -> None:
        if text:
            if not self.pieces:
                self.kind = kind
            self.pieces.append((_INVISIBLE.sub("", text), None, href))

    def flush(self) -> None:
        if self.pieces:
            self.emit(self.kind, *_compose(self.pieces, keep_lines=False))
            self.pieces = []

    def emit(self, kind: str, text: str, spans: list | None = None) -> None:
        if text:
            block = {"type": kind, "text": text, "lang": None}
            if spans:
                block["spans"] = spans
            self.blocks.append(block)

    def children(self, el, kind: str, href: str | None = None) -> None:
        self.add(el.text, kind, href)
        for child in el:
            if isinstance(child.tag, str):
                self.walk(child, kind, href)
            self.add(child.tail, kind, href)

    def walk(self, el, kind: str, href: str | None) -> None:
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
            self.emit("table", *_table(el))
        elif tag in _BLOCK_KIND or tag in _CONTAINERS:
            inner = _BLOCK_KIND.get(tag, kind)
            if tag == "p" and kind in _ENCLOSING:
                inner = kind
            self.flush()
            self.children(el, inner, href)
            self.flush()
        else:  # inline: hi, ref, del, span...
            self.children(el, kind, el.get("target") or href if tag == "ref" else href)


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


def _cell(el) -> tuple[str, list]:
    """A cell's text on one line (block boundaries inside it as spaces), with link spans."""
    pieces: list[tuple[str, None, str | None]] = []

    def gather(node, href):
        if node.text:
            pieces.append((_INVISIBLE.sub("", node.text), None, href))
        for child in node:
            if child.tag == "graphic":
                pieces.append((" ", None, None))
            elif isinstance(child.tag, str):
                boundary = child.tag not in _INLINE
                if boundary:
                    pieces.append((" ", None, None))
                gather(child, child.get("target") or href if child.tag == "ref" else href)
                if boundary:
                    pieces.append((" ", None, None))
            if child.tail:
                pieces.append((_INVISIBLE.sub("", child.tail), None, href))

    gather(el, None)
    return _compose(pieces, keep_lines=False)


def _table(table) -> tuple[str, list]:
    """Rows on lines, cells joined by tabs; a nested table is read with its cell."""
    rows = []
    for row in _own(table, "row"):
        cells = [_cell(cell) for cell in _own(row, "cell")]
        if any(text for text, _ in cells):
            rows.append(_join(cells, "\t"))
    return _join(rows, "\n")


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


def _published_at(html: str, value, blocks: list[dict]) -> tuple[str | None, str | None]:
    """(date, where the page states it): trafilatura's date when the page states it,
    else a dateline by the article's start, else (None, None)."""
    if value:
        found = value.isoformat() if isinstance(value, (date, datetime)) else str(value)
        source = date_source(html, found)
        logger.debug("date %s: %s", found, source or "not stated on the page, dropped")
        if source:
            return found, source
    first = next((b["text"][:12] for b in blocks if len(b["text"]) >= 12), "")
    dateline = find_dateline(html, first, [line for b in blocks[:DATELINE_BLOCKS] for line in b["text"].split("\n")])
    return dateline, "dateline" if dateline else None


def extract_document(html, url: str, *, recall: bool = False, metadata: bool = True):
    """trafilatura's document of the page (its body element is what ``_blocks`` walks).

    ``html``: the page's text, or its tree (``page_tree``: trafilatura copies
    it, so one parse serves every pass). ``favor_precision`` by default
    (measured better on both benchmark sets, docs/parsing.md),
    ``favor_recall`` when ``recall``; links kept (they become spans), images
    not (including them changes which nodes trafilatura keeps, for the worse:
    images are read from the page itself). With ``metadata``, the fields of
    ``page_metadata`` too.
    """
    import trafilatura  # ~0.1 s at import: only for pages no site parser claims, paid by the first

    return trafilatura.bare_extraction(
        page_tree(html) if isinstance(html, str) else html,
        url=url, with_metadata=metadata, include_images=False, include_comments=False,
        include_tables=True, include_links=True, favor_precision=not recall, favor_recall=recall,
        output_format="python", date_extraction_params=_date_params(),
    )


def page_tree(html: str):
    """The page's tree as trafilatura reads it (None when it does not parse).

    A fragment (no ``<html>`` or ``<body>`` element: a saved body, markup
    opening with a script, a comment or a crawler's wrapper element) is put
    in a body first, as a browser would.
    """
    from trafilatura.utils import load_html

    if _DOCUMENT.search(html) is None:
        html = f"<html><body>{html}</body></html>"
    try:
        return load_html(html)
    except (TypeError, ValueError):
        return None


def page_metadata(tree, url: str):
    """trafilatura's metadata of the page (title, author, site name, date, URL,
    image), read as ``bare_extraction`` reads it; None where that would have
    refused the page. No date guessed from free text (htmldate's
    ``extensive_search`` off); ``parse_generic`` keeps a date only where the
    page states it (dates.py)."""
    from trafilatura.metadata import extract_metadata

    try:
        return extract_metadata(tree, url, _date_params(), False, set())
    except (TypeError, ValueError):
        return None


def _date_params() -> dict:
    from trafilatura.settings import set_date_params

    return set_date_params(extensive=False)  # no date guessed from free text


def _text_blocks(doc) -> list[dict]:
    return _blocks(doc.body)[0] if doc is not None and doc.body is not None else []


def _main_blocks(tree, url: str):
    """trafilatura's document (without metadata) and our blocks of it, with the safety valve.

    When the precise extraction keeps less than ``SHORT_TEXT_CHARS``
    characters, the page is extracted again favouring recall, and that
    result is taken if it holds at least ``RECALL_GAIN`` times the text in
    at least ``RECALL_MIN_BLOCKS`` blocks (not one run of flattened text)
    and is prose (link text below ``RECALL_MAX_LINK_SHARE``): a precise
    pass sometimes settles on a notice or a teaser beside the article.
    """
    doc = extract_document(tree, url, metadata=False)
    blocks = _text_blocks(doc)
    size = sum(chars(b["text"]) for b in blocks)
    if size < SHORT_TEXT_CHARS:
        wide = extract_document(tree, url, recall=True, metadata=False)
        wide_blocks = _text_blocks(wide)
        if (sum(chars(b["text"]) for b in wide_blocks) >= RECALL_GAIN * max(size, 1)
                and len(wide_blocks) >= RECALL_MIN_BLOCKS and link_share(wide_blocks) < RECALL_MAX_LINK_SHARE):
            return (wide if doc is None else doc), wide_blocks
    return doc, blocks


_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""\b(data-src|data-original|src|alt|title)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def _images(html: str, blocks: list[dict], base_url: str) -> list[dict]:
    """The ``<img>`` tags of the page between the first and the last block's text.

    A block's text is looked up as written in the markup; entities or tags
    inside it hide it, so a few blocks from each end are tried.
    """
    texts = [b["text"] for b in blocks if len(b["text"]) >= 8]
    starts = (html.find(text[:16]) for text in texts[:IMAGE_ANCHOR_TRIES])
    begin = next((i for i in starts if i >= 0), -1)
    ends = (html.rfind(text[-16:]) for text in reversed(texts[-IMAGE_ANCHOR_TRIES:]))
    end = next((i for i in ends if i >= 0), -1)
    if begin < 0 or end <= begin:
        return []
    images, seen = [], set()
    for tag in _IMG.findall(html, begin, end):
        attrs = {}
        for name, *values in _ATTR.findall(tag):
            attrs.setdefault(name.lower(), unescape(next((v for v in values if v), "")))
        src = next((attrs[a] for a in ("data-src", "data-original", "src") if attrs.get(a, "").strip()
                    and not attrs[a].startswith("data:")), None)
        if src:
            src = urljoin(base_url, src.strip())
            if src not in seen:
                seen.add(src)
                images.append({"url": src, "alt": attrs.get("alt") or attrs.get("title") or None})
    return images


# a text outside links, scripts and styles as long as an article's paragraph
_LONG_TEXT = etree.XPath(
    f"boolean(//body//text()[string-length(normalize-space(.)) >= {LONG_TEXT_CHARS}]"
    "[not(ancestor::a or ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)])"
)


def _item_list(tree) -> str | None:
    """``item_list_reason`` of the whole page (a search or hot-list page), read
    before trafilatura (a tenth of its cost); None at once when the page has
    a text as long as an article's paragraph."""
    body = tree.find("body") if tree is not None else None
    if body is None or _LONG_TEXT(tree):
        return None
    return item_list_reason(flatten(body).blocks)


def parse_generic(html: str, url: str, fetched_from: str | None = None) -> Article:
    """The page's article. A list of items is told first on the whole page;
    else the link-list shape is decided on trafilatura's text, before its
    metadata is read (most of a rejected page's cost)."""
    tree = page_tree(html)
    if reason := _item_list(tree):
        raise Rejection(Reason.NOT_ARTICLE, reason)
    doc, blocks = _main_blocks(tree, url)
    if doc is None or doc.body is None:
        raise Rejection(Reason.NOT_ARTICLE, "no main content found")
    blocks, removed = prune_link_rows(blocks)
    if not blocks:
        raise Rejection(Reason.EMPTY, "main content has no text")
    if reason := list_page_reason(blocks):
        raise Rejection(Reason.NOT_ARTICLE, reason)
    meta = page_metadata(tree, url)
    if meta is None:
        raise Rejection(Reason.NOT_ARTICLE, "no main content found")
    published_at, published_from = _published_at(html, meta.date, blocks)
    article = Article(
        url=meta.url or url,
        fetched_from=fetched_from or url,
        source="web",
        title=meta.title or None,
        author=meta.author or None,
        account=meta.sitename or None,
        published_at=published_at,
        published_from=published_from,
        cover=meta.image or None,
        blocks=blocks,
        images=_images(html, blocks, url),
        removed=removed,
    )
    article.join_text()
    return article
