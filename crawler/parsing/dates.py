"""Where a page states its publication date: a date is kept only when the page shows it.

``date_source(html, iso_date)`` finds ``iso_date`` (``YYYY-MM-DD``) written in
the page itself and says where: ``"metadata"`` when it is inside a tag (a
``<meta>`` content, a ``<time datetime>``) or a script (JSON-LD),
``"dateline"`` when it is text a reader sees. Written numerically with any
of the usual separators (2019-11-18, 2019/11/18, 2019.11.18, 2019年11月18日)
or with an English month name (November 18, 2019; 18 Nov 2019). None when
the page does not state it: a date read from the URL or guessed from a
copyright line is not the page's date, and is dropped.
"""

from __future__ import annotations

import re

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _patterns(year: int, month: int, day: int) -> re.Pattern:
    name = _MONTHS[month - 1] + r"[a-z]*\.?"
    return re.compile(
        rf"(?<!\d){year}\s*[-/.年]\s*0?{month}\s*[-/.月]\s*0?{day}(?!\d)"
        rf"|(?<![\w]){name}\s+0?{day}(?:st|nd|rd|th)?,?\s+{year}(?!\d)"
        rf"|(?<!\d)0?{day}(?:st|nd|rd|th)?\s+{name}\s+{year}(?!\d)",
        re.IGNORECASE,
    )


def _inside_markup(lowered: str, pos: int) -> bool:
    """Inside a tag's attributes or a script's code (not text a reader sees)."""
    if lowered.rfind("<", 0, pos) > lowered.rfind(">", 0, pos):
        return True
    return lowered.rfind("<script", 0, pos) > lowered.rfind("</script", 0, pos)


def date_source(html: str, iso_date: str) -> str | None:
    """"metadata", "dateline" or None (see the module docstring)."""
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", iso_date or "")
    if not m:
        return None
    found = None
    lowered = html.lower()
    for match in _patterns(int(m[1]), int(m[2]), int(m[3])).finditer(lowered):
        if _inside_markup(lowered, match.start()):
            return "metadata"
        found = "dateline"
    return found


# A dateline: a full numeric date with a time of day or a label naming it
# the publication (发布/发表/时间/更新/来源/日期, posted/published/updated).
_DATELINE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?"
    r"(\s*\d{1,2}[:：]\d{2})?"
)
_DATELINE_LABEL = re.compile(r"发布|发表|时间|更新|来源|日期|posted|published|updated", re.IGNORECASE)
DATELINE_MAX_CHARS = 80  # a dateline is a short line, not a sentence of the article
_TAG = re.compile(r"<[^>]*>|&nbsp;")
_HEAD_WINDOW = 3000  # characters of markup before the first block searched for a dateline


def find_dateline(html: str, first_text: str, lines: list[str]) -> str | None:
    """The date (YYYY-MM-DD) of a dateline near the article's start, or None.

    Searched in ``lines`` (the article's first blocks) and in the text shown
    just before ``first_text`` (the article's first words) in ``html``; a
    line qualifies when it is short, holds a full date, and has a time of
    day or a publication label beside it.
    """
    before = []
    pos = html.find(first_text) if first_text else -1
    if pos > 0:
        window = _TAG.sub("\n", html[max(0, pos - _HEAD_WINDOW):pos])
        before = [line.strip() for line in window.split("\n") if line.strip()][-8:]
    for line in [*before, *lines]:
        if len(line) > DATELINE_MAX_CHARS:
            continue
        m = _DATELINE.search(line)
        if m and (m[4] or _DATELINE_LABEL.search(line)):
            year, month, day = int(m[1]), int(m[2]), int(m[3])
            if 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return None
