from __future__ import annotations

from crawler.items import Article
from crawler.pipelines import stage_stats
from crawler.pipelines.offload import offloadable


class ExportPipeline:
    """Last stage: the article in its exported form (internal marks dropped)."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(stage_stats(crawler))

    @offloadable
    def process_item(self, item):
        if not isinstance(item, Article):
            return item
        for block in item.blocks:
            block.pop("spans", None)
        item.join_text()
        self.stats.inc_value("articles")
        self.stats.inc_value(f"articles/{item.source}")
        return item
