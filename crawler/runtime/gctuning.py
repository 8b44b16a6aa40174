"""Python's cyclic garbage collector, tuned for a long crawl.

A full collection walks every container object the process holds. A crawl
holds a lot that never becomes garbage (modules, Scrapy's components, rule
tables, language profiles), and it ran a full collection every ~1,000
pages, each a pause of up to ~0.1 s on the reactor thread (1.1 s of a 7 s
bench crawl). So once the crawl is built, what exists is frozen
(``gc.freeze``: moved out of the collector's sight for good). Collecting
young objects less often too (``GC_THRESHOLD``, e.g. 20000, 20, 100) saved
a little more time but kept ~25 MB more cyclic garbage (responses held by
tracebacks) alive, so Python's thresholds stay by default. Also applied in
pipeline workers once their stages are built.
"""

from __future__ import annotations

import gc

from scrapy import signals
from scrapy.exceptions import NotConfigured


def tune_gc(threshold) -> None:
    """Freeze what exists now and set the collector's thresholds."""
    gc.collect()  # what is garbage already should not be frozen with the rest
    gc.freeze()
    if threshold:
        gc.set_threshold(*(int(value) for value in threshold))


class GcTuning:
    """Extension: ``tune_gc`` when the spider opens (``GC_TUNING_ENABLED``)."""

    def __init__(self, threshold):
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("GC_TUNING_ENABLED"):
            raise NotConfigured
        threshold = crawler.settings.getlist("GC_THRESHOLD")
        if threshold and (len(threshold) > 3 or any(int(value) < 1 for value in threshold)):
            raise ValueError(f"GC_THRESHOLD takes up to 3 positive integers, not {threshold!r}")
        extension = cls(threshold)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        return extension

    def spider_opened(self, spider) -> None:
        tune_gc(self.threshold)
