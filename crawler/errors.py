"""Errors of the plain-Python libraries (no Scrapy here)."""

from crawler.reasons import Reason


class Rejection(Exception):
    """A page yields no article, for ``reason`` (one of ``crawler.reasons.Reason``)."""

    def __init__(self, reason: Reason, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
