"""Errors of the plain-Python libraries (no Scrapy here)."""


class Rejection(Exception):
    """A page yields no article. ``reason`` is a stable string from the schema
    (deleted, violation, unavailable, expired, anti_crawl, not_article,
    not_found, http_error, empty, too_large, bad_encoding, unsupported, ...)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
