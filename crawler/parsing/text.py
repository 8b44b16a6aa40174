"""Articles given as plain text or Markdown: one block per paragraph.

Plain text: every non-empty line is a paragraph (the convention of Chinese
text files, and of the project's seed documents). Markdown: CommonMark-style
paragraphs (consecutive lines join), headings, list items, quotes, fenced
code, pipe tables; images go to ``images``; the first ``#`` heading, when it
opens the document, is the title.
"""

from __future__ import annotations

import re

from crawler.items import Article

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_QUOTE = re.compile(r"^\s*>\s?(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_LINK = re.compile(r"\[([^\]]+)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~|`)(?=\S)(.+?)(?<=\S)\1")


def _inline(text: str) -> tuple[str, list[list]]:
    """Markdown inline markup to plain text, with link spans kept."""
    text = _IMAGE.sub("", text)
    prev = None
    while prev != text:  # nested emphasis: **a *b* c**
        prev, text = text, _EMPHASIS.sub(r"\2", text)
    spans: list[list] = []
    out: list[str] = []
    pos = 0
    for m in _LINK.finditer(text):
        out.append(text[pos : m.start()])
        start = sum(len(s) for s in out)
        out.append(m.group(1))
        spans.append([start, start + len(m.group(1)), "link", m.group(2)])
        pos = m.end()
    out.append(text[pos:])
    return "".join(out).strip(), spans


def _block(kind: str, raw: str) -> dict | None:
    text, spans = _inline(raw)
    lead = len(text) - len(text.lstrip())
    if not text:
        return None
    block = {"type": kind, "text": text, "lang": None}
    if spans:
        block["spans"] = [[s - lead, e - lead, k, v] for s, e, k, v in spans]
    return block


def parse_plain_text(text: str, url: str, fetched_from: str | None = None) -> Article:
    blocks = [
        {"type": "paragraph", "text": line.strip(), "lang": None}
        for line in text.splitlines()
        if line.strip()
    ]
    return _article(url, fetched_from, None, blocks, [])


def parse_markdown(text: str, url: str, fetched_from: str | None = None) -> Article:
    blocks: list[dict] = []
    images: list[dict] = []
    title = None
    para: list[str] = []
    code: list[str] | None = None
    table: list[str] = []

    def flush() -> None:
        if para:
            if b := _block("paragraph", " ".join(s.strip() for s in para)):
                blocks.append(b)
            para.clear()
        if table:
            rows = [r.strip().strip("|") for r in table if not _TABLE_SEP.match(r)]
            cells = ["\t".join(c.strip() for c in r.split("|")) for r in rows]
            blocks.append({"type": "table", "text": "\n".join(cells), "lang": None})
            table.clear()

    for line in text.splitlines():
        if code is not None:
            if _FENCE.match(line):
                if code:
                    blocks.append({"type": "code", "text": "\n".join(code), "lang": None})
                code = None
            else:
                code.append(line)
            continue
        images += [{"url": m.group(2), "alt": m.group(1) or None} for m in _IMAGE.finditer(line)]
        if _FENCE.match(line):
            flush()
            code = []
        elif not line.strip() or _RULE.match(line):
            flush()
        elif _TABLE_ROW.match(line) or (table and _TABLE_SEP.match(line)):
            if para:
                flush()
            table.append(line)
        elif m := _HEADING.match(line):
            flush()
            if title is None and not blocks and len(m.group(1)) == 1:
                title = _inline(m.group(2))[0]
            elif b := _block("heading", m.group(2)):
                blocks.append(b)
        elif m := _LIST.match(line):
            flush()
            if b := _block("list_item", m.group(1)):
                blocks.append(b)
        elif m := _QUOTE.match(line):
            flush()
            if b := _block("quote", m.group(1)):
                blocks.append(b)
        else:
            para.append(line)
    flush()
    if code:
        blocks.append({"type": "code", "text": "\n".join(code), "lang": None})
    return _article(url, fetched_from, title, blocks, images)


def _article(url, fetched_from, title, blocks, images) -> Article:
    article = Article(
        url=url, fetched_from=fetched_from or url, source="text",
        title=title, blocks=blocks, images=images,
    )
    article.join_text()
    return article
