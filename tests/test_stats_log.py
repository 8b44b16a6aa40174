"""The progress line says what it counts: rates over the time they took."""

import logging

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.runtime import stats as stats_module
from crawler.runtime.stats import CrawlStats


def test_rates_are_per_minute_of_the_time_they_took(monkeypatch, caplog):
    clock = [100.0]
    monkeypatch.setattr(stats_module.time, "monotonic", lambda: clock[0])
    stats = MemoryStatsCollector(get_crawler())
    ext = CrawlStats(stats, interval=60)
    ext.opened = ext.last_time = clock[0]
    caplog.set_level(logging.INFO, logger="crawler.runtime.stats")
    stats.set_value("files/read", 30)
    stats.set_value("articles", 20)
    clock[0] += 30  # a line 30 s after the start: 30 pages in 30 s
    ext.log()
    stats.set_value("files/read", 46)
    stats.set_value("articles", 40)
    clock[0] += 1.4  # the crawl closes 1.4 s later
    ext.log(final=True)
    first, last = (r.getMessage() for r in caplog.records if r.name == "crawler.runtime.stats")
    assert first == "Progress: 30 pages (60/min), 20 articles (40/min), 0 rejects"
    assert last == "Progress: 46 pages (87/min), 40 articles (76/min), 0 rejects; rates over the whole run, 31.4 s"
