"""Special pages: a site's pages that carry no article, told by ordered rules.

``special_reason(html, url, rules, message_selectors)`` returns
``(reason, detail)`` for the first rule that matches, or None. A rule (a dict
from the site's rules file) matches when one of its ``url_patterns`` matches
the URL, one of its ``markers`` occurs in the raw page, or one of its
``phrases`` occurs (case-insensitively) in the page's message text: the text
of the elements matched by ``message_selectors`` plus the ``<title>``. Callers
ask only when the page has no article body, so an article that merely quotes
a phrase is never taken for a special page.
"""

from __future__ import annotations

import re

import lxml.html
from lxml.cssselect import CSSSelector

from crawler.parsing.html import element_text
from crawler.parsing.pagetext import PageText, head_of

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def message_text(html: str, selectors: list[CSSSelector]) -> str:
    """The text of the page's message elements and its <title>, one per line."""
    parts = []
    if m := _TITLE.search(html):
        parts.append(lxml.html.fromstring(f"<p>{m.group(1)}</p>").text_content().strip())
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return "\n".join(parts)
    seen = set()
    for selector in selectors:
        for el in selector(doc):
            if el in seen:
                continue
            seen.add(el)
            parts.append(element_text(el))
    return "\n".join(p for p in parts if p)


def title_phrase(html: str | PageText, rules: list[dict]) -> bool:
    """True when the page's <title> is one of the rules' phrases (a bare message page)."""
    m = _TITLE.search(head_of(html, 65536))
    if not m:
        return False
    title = m.group(1).strip().lower()
    return bool(title) and any(
        title == phrase.lower() for rule in rules for phrase in rule.get("phrases", ())
    )


def special_reason(
    html: str, url: str, rules: list[dict], message_selectors: list[CSSSelector]
) -> tuple[str, str] | None:
    message: str | None = None
    for rule in rules:
        for pattern in rule.get("url_patterns", ()):
            if url and re.search(pattern, url):
                return rule["reason"], f"URL matches {pattern!r}"
        for marker in rule.get("markers", ()):
            if marker in html:
                return rule["reason"], f"page contains {marker!r}"
        phrases = rule.get("phrases", ())
        if phrases:
            if message is None:
                message = message_text(html, message_selectors).lower()
            for phrase in phrases:
                if phrase.lower() in message:
                    return rule["reason"], f"message says {phrase!r}"
    return None
