"""Cheap recognition of verification (anti-crawl) pages. Plain Python.

A spider must not take a verification page for an article, and must notice
when a host answers every request with one. This looks at the final URL and
the first bytes of the body only, against the rules of
``crawler/data/anti_crawl.toml`` (plus users' files): it runs on every
response, before any parsing.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from crawler.rulefiles import DATA_DIR, RulesError, check_keys, load_toml, string_list, tables

DEFAULT_RULES_FILE = DATA_DIR / "anti_crawl.toml"
# Verification pages are small; their markers sit in the first few KB.
SCAN_BYTES = 64 * 1024


@dataclass(frozen=True)
class Rule:
    name: str
    url: re.Pattern[str] | None
    # each marker as its UTF-8 and GB18030 bytes: a page matches when every
    # marker is found in one of its encodings
    body: tuple[tuple[bytes, ...], ...]

    def matches(self, url: str, head: bytes) -> bool:
        if self.url is not None and self.url.search(url):
            return True
        return bool(self.body) and all(
            any(form in head for form in forms) for forms in self.body
        )


def _encodings(marker: str) -> tuple[bytes, ...]:
    return tuple(dict.fromkeys((marker.encode("utf-8"), marker.encode("gb18030"))))


def load_rules(extra_files: Iterable[str | Path] = ()) -> list[Rule]:
    """The built-in rules, then those of users' files, in file order."""
    rules: list[Rule] = []
    names: set[str] = set()
    for path in [DEFAULT_RULES_FILE, *extra_files]:
        data = load_toml(path)
        check_keys(data, ("rule",), str(path))
        for where, entry in tables(data, "rule", path, ("name", "url", "body")):
            name = entry.get("name")
            if not isinstance(name, str) or not name:
                raise RulesError(f"{where}: 'name' (a non-empty string) is required")
            if name in names:
                raise RulesError(f"{where}: duplicate rule name {name!r}")
            if "url" not in entry and "body" not in entry:
                raise RulesError(f"{where} ({name}): needs 'url' or 'body'")
            pattern = None
            if "url" in entry:
                if not isinstance(entry["url"], str):
                    raise RulesError(f"{where} ({name}): 'url' must be a regular expression string")
                try:
                    pattern = re.compile(entry["url"])
                except re.error as exc:
                    raise RulesError(f"{where} ({name}): bad 'url' pattern: {exc}") from None
            markers = string_list(entry.get("body", []), f"{where} ({name}): body") if "body" in entry else []
            names.add(name)
            rules.append(Rule(name, pattern, tuple(_encodings(m) for m in markers)))
    return rules


def decoded_head(body: bytes, content_encoding: str, limit: int = SCAN_BYTES) -> bytes:
    """The first ``limit`` bytes of a body still in its Content-Encoding
    (gzip, deflate, br), decoded; the raw bytes when they cannot be."""
    encoding = content_encoding.strip().lower()
    try:
        if encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, limit)
        if encoding == "deflate":
            try:
                return zlib.decompressobj().decompress(body, limit)
            except zlib.error:  # raw deflate, as some servers send it
                return zlib.decompressobj(-zlib.MAX_WBITS).decompress(body, limit)
        if encoding == "br":
            import brotli  # optional, as in Scrapy

            return brotli.decompress(body)[:limit]
    except Exception:  # a broken stream, or no brotli module: the raw bytes it is
        return body[:limit]
    return body[:limit]


class Detector:
    def __init__(self, rules: list[Rule], scan_bytes: int = SCAN_BYTES):
        self.rules = rules
        self.scan_bytes = scan_bytes

    def match(self, url: str, body: bytes, content_encoding: str = "") -> str | None:
        """The name of the first rule the page matches, or None."""
        head = decoded_head(body, content_encoding, self.scan_bytes)
        for rule in self.rules:
            if rule.matches(url, head):
                return rule.name
        return None
