"""The item pipeline chain run in this process, the way a crawl builds it.

``build_stages`` builds the project's pipeline classes from the project
settings (plus overrides) through their ``from_crawler``, with the dedup
index and the learned templates in memory and every stage on this thread (``PIPELINE_WORKERS`` 0);
``run`` passes one item through them. Used by the benches
(bench/pipeline_stages.py, bench/chain_ratio.py, bench/crawl_speed.py) and by
the chain's output test (tests/support/chain_outputs.py).
"""

from __future__ import annotations

from types import SimpleNamespace

from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings

from crawler.pipelines import Reject


def build_stages(**overrides) -> list[tuple[str, object]]:
    """[(class name, stage)] in ``ITEM_PIPELINES`` order; a fresh dedup index and template store."""
    settings = get_project_settings()
    settings.set("DEDUP_BACKEND", "memory")
    settings.set("CLEAN_TEMPLATES_BACKEND", "memory")  # learned templates too: fresh, in this process
    settings.set("PIPELINE_WORKERS", 0)  # each stage on this thread, not in a worker
    for name, value in overrides.items():
        settings.set(name, value)
    # the pipelines read only the settings and the stats from the crawler
    crawler = SimpleNamespace(settings=settings)
    crawler.stats = MemoryStatsCollector(crawler)
    order = sorted(settings.getdict("ITEM_PIPELINES").items(), key=lambda kv: kv[1])
    stages = []
    for path, _ in order:
        try:
            stages.append((path.rsplit(".", 1)[-1], load_object(path).from_crawler(crawler)))
        except NotConfigured:  # e.g. OffloadPipeline with PIPELINE_WORKERS 0
            continue
    return stages


def run(stages, item):
    """The item after every stage: an ``Article``, or the ``Rejected`` record of the stage that dropped it."""
    try:
        for _, stage in stages:
            item = stage.process_item(item)
    except Reject as exc:
        return exc.rejected
    return item
