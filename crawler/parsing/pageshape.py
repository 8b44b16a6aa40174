"""The shape of an extracted page: link text, layout boilerplate, link-list pages.

Plain functions over blocks with "link" spans (the generic walker and the
site parsers mark anchors alike). Characters are counted without
whitespace, so CJK and Latin text weigh alike per visible character.

``prune_link_rows(blocks)``
    Rows of layout tables that are mostly link text (navigation bars,
    "related articles", sponsored links) are cut out of table blocks; the
    removed rows are returned as ``{"reason": "boilerplate", "text"}``.
    Only table rows: in running text a link-heavy paragraph is usually
    content (a list of sources, a "read more" the author wrote).

``list_page_reason(blocks)``
    Why the extracted text is a list of links rather than an article
    (a navigation, search-result, forum-index or link-list page), or None.
    Signals, each a documented threshold below: the share of text in
    links short enough to be an item's title; else, with a lesser share of
    such links, many short blocks and little prose. Text without links is
    never a link list (a calendar, a poem, hard-wrapped lines are content).
    Search-result and teaser pages often keep no links in the extracted
    text: there, short labels repeated item after item ("功能介绍：") and
    teasers cut to one length or ending in an ellipsis tell the list.

``item_list_reason(blocks)``
    The same repeated items read on a whole page before any extraction (the
    generic path's cheap first look): why the page is a list of items with
    no article text anywhere, or None. Only labels and teasers count, over
    the blocks that are not wholly link text (an item's title is its link,
    the page's navigation is links too), and only on a page without two
    prose blocks in a row (the generic path also requires no run of
    ``LONG_TEXT_CHARS`` outside links: an article's paragraph).
"""

from __future__ import annotations

import re
from collections import Counter
from statistics import median

_SPACE = re.compile(r"\s+")

# a table row is boilerplate when at least this share of its text is links
ROW_LINK_SHARE = 0.5
# a block is prose when it has this many characters and little link text
PROSE_CHARS = 60
PROSE_MAX_LINK_SHARE = 0.3
# a page is a link list when item links (LINK_ITEM_MAX_CHARS) hold LIST_LINK_SHARE
# of its text; or when they hold LIST_MIN_LINK_SHARE of it and the page has at
# least LIST_MIN_BLOCKS blocks of median length LIST_MAX_MEDIAN_CHARS or less,
# with at most LIST_MAX_PROSE_SHARE of the text in prose blocks
LIST_LINK_SHARE = 0.6
LIST_MIN_LINK_SHARE = 0.3
LIST_MIN_BLOCKS = 8  # also the fewest blocks a list of repeated items has
LIST_MAX_MEDIAN_CHARS = 40
LIST_MAX_PROSE_SHARE = 0.25
# repeated items: a label (a block of at most LABEL_MAX_CHARS ending in a colon) or a teaser
# (at least TEASER_MIN_CHARS, ending with an ellipsis or cut to one length)
# found REPEATS times and in REPEATED_SHARE of the blocks
LABEL_MAX_CHARS = 12
TEASER_MIN_CHARS = 40
REPEATS = 4
REPEATED_SHARE = 0.25
_LABEL = re.compile(r"\w[:：]\s*$")  # a field's name: "功能介绍：", "Author:"
_ELLIPSIS = re.compile(r"(?:\.{3}|…|。。。)\s*$")
# a link longer than this is a linked paragraph, not an item of a list
LINK_ITEM_MAX_CHARS = 100
# a page holding a text this long outside links has an article's paragraph (teasers are shorter)
LONG_TEXT_CHARS = 200


def chars(text: str) -> int:
    return len(_SPACE.sub("", text))


def link_chars(block: dict, start: int = 0, end: int | None = None) -> int:
    end = len(block["text"]) if end is None else end
    return sum(
        chars(block["text"][max(s, start):min(e, end)])
        for s, e, kind, _ in block.get("spans", ())
        if kind == "link" and e > start and s < end
    )


def link_share(blocks: list[dict]) -> float:
    total = sum(chars(b["text"]) for b in blocks)
    return sum(link_chars(b) for b in blocks) / total if total else 0.0


def prune_link_rows(blocks: list[dict]) -> tuple[list[dict], list[dict]]:
    """Blocks without their link rows, and the rows removed."""
    kept: list[dict] = []
    removed: list[dict] = []
    for block in blocks:
        if block["type"] != "table" or not block.get("spans"):
            kept.append(block)
            continue
        rows, pos = [], 0
        for line in block["text"].split("\n"):
            start, end = pos, pos + len(line)
            pos = end + 1
            size = chars(line)
            if size and link_chars(block, start, end) / size >= ROW_LINK_SHARE:
                removed.append({"reason": "boilerplate", "text": line})
            else:
                rows.append((start, end))
        if len(rows) == block["text"].count("\n") + 1:
            kept.append(block)
        elif rows:
            kept.append(_rows_of(block, rows))
    return kept, removed


def _rows_of(block: dict, rows: list[tuple[int, int]]) -> dict:
    """The table block reduced to some of its rows, spans shifted."""
    text_parts, spans, pos = [], [], 0
    for i, (start, end) in enumerate(rows):
        if i:
            text_parts.append("\n")
            pos += 1
        text_parts.append(block["text"][start:end])
        for s, e, kind, value in block.get("spans", ()):
            if e > start and s < end:
                spans.append([max(s, start) - start + pos, min(e, end) - start + pos, kind, value])
        pos += end - start
    out = {**block, "text": "".join(text_parts)}
    if spans:
        out["spans"] = spans
    else:
        out.pop("spans", None)
    return out


def item_link_chars(block: dict) -> int:
    """Link text in links short enough to be an item's title (not a linked paragraph)."""
    return sum(
        size for s, e, kind, _ in block.get("spans", ())
        if kind == "link" and (size := chars(block["text"][s:e])) <= LINK_ITEM_MAX_CHARS
    )


def _repeated_items(blocks: list[dict], sizes: list[int]) -> str | None:
    """Short labels repeated item after item, or teasers cut to one length."""
    if len(blocks) < LIST_MIN_BLOCKS:
        return None
    labels = Counter(b["text"] for b, size in zip(blocks, sizes) if size <= LABEL_MAX_CHARS and _LABEL.search(b["text"]))
    repeated = {label: count for label, count in labels.items() if count >= REPEATS}
    if sum(repeated.values()) >= REPEATED_SHARE * len(blocks):
        names = ", ".join(f"{label!r} x{count}" for label, count in sorted(repeated.items(), key=lambda x: -x[1]))
        return f"field labels repeat item after item ({names}) in {len(blocks)} blocks"
    cut = [i for i, b in enumerate(blocks) if _ELLIPSIS.search(b["text"]) and sizes[i] >= TEASER_MIN_CHARS]
    if len(cut) >= REPEATS and len(cut) >= REPEATED_SHARE * len(blocks):
        return f"{len(cut)} of {len(blocks)} blocks are teasers cut off with an ellipsis"
    lengths = Counter(size for size in sizes if size >= TEASER_MIN_CHARS)
    if lengths:
        mode = max(lengths, key=lambda n: lengths[n - 1] + lengths[n] + lengths[n + 1])
        same = [i for i, size in enumerate(sizes) if abs(size - mode) <= 1]
        # hard-wrapped lines have one length too, but follow each other
        apart = all(b - a > 1 for a, b in zip(same, same[1:]))
        if len(same) >= REPEATS and len(same) >= REPEATED_SHARE * len(blocks) and apart:
            return f"{len(same)} of {len(blocks)} blocks are teasers cut to {mode} characters"
    return None


def list_page_reason(blocks: list[dict]) -> str | None:
    """Why these blocks are a link list and not an article, or None."""
    sizes = [chars(b["text"]) for b in blocks]
    total = sum(sizes)
    if not total:
        return None
    if reason := _repeated_items(blocks, sizes):
        return reason
    share = sum(item_link_chars(b) for b in blocks) / total
    if share >= LIST_LINK_SHARE:
        return f"link text is {share:.0%} of the text ({len(blocks)} blocks)"
    if share < LIST_MIN_LINK_SHARE or len(blocks) < LIST_MIN_BLOCKS:
        return None
    prose = sum(size for block, size in zip(blocks, sizes) if _prose(block, size))
    typical = median(sizes)
    if typical <= LIST_MAX_MEDIAN_CHARS and prose / total <= LIST_MAX_PROSE_SHARE:
        return (f"{len(blocks)} short blocks (median {typical:.0f} characters), link text {share:.0%}, "
                f"{prose / total:.0%} of the text in paragraphs of prose")
    return None


def _prose(block: dict, size: int) -> bool:
    return size >= PROSE_CHARS and link_chars(block) / size <= PROSE_MAX_LINK_SHARE


def item_list_reason(blocks: list[dict]) -> str | None:
    """Why a whole page's blocks are a list of items with no article text, or None."""
    sizes = [chars(b["text"]) for b in blocks]
    prose = [_prose(b, size) for b, size in zip(blocks, sizes)]
    if any(a and b for a, b in zip(prose, prose[1:])):
        return None  # paragraphs in a row: an article may be among them
    text = [(b, size) for b, size in zip(blocks, sizes) if size and link_chars(b) < size]
    reason = _repeated_items([b for b, _ in text], [size for _, size in text])
    return f"{reason} (the whole page, before extraction)" if reason else None
