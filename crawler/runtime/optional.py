"""Scrapy's extensions whose modules cost a crawl's start even when their
settings keep them off: Scrapy imports an extension's module before its
``from_crawler`` says ``NotConfigured``. Each is named in ``EXTENSIONS`` by
the class here instead, which imports it only when it is turned on."""

from __future__ import annotations

from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler


class RemoteControl:
    """Scrapy's ``RemoteControl`` HTTP endpoint (Scrapy 2.19) when
    ``REMOTE_CONTROL_ENABLED`` (off by default: docs/operations.md, threat
    model). Its module imports aiohttp: ~0.1 s of CPU at every crawl's start."""

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("REMOTE_CONTROL_ENABLED"):
            raise NotConfigured
        from scrapy.extensions.remote_control import RemoteControl

        return build_from_crawler(RemoteControl, crawler)
