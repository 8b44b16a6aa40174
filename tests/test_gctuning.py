import gc

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.runtime.gctuning import GcTuning


@pytest.fixture
def restore_gc():
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


def test_spider_opened_freezes_what_exists_and_sets_the_thresholds(restore_gc):
    gc.unfreeze()
    crawler = get_crawler(settings_dict={"GC_TUNING_ENABLED": True, "GC_THRESHOLD": [5000, 15, 30]})
    extension = GcTuning.from_crawler(crawler)
    assert gc.get_freeze_count() == 0
    extension.spider_opened(None)
    assert gc.get_threshold() == (5000, 15, 30)
    assert gc.get_freeze_count() > 1000  # the modules and objects built so far


def test_off_and_bad_thresholds(restore_gc):
    with pytest.raises(NotConfigured):
        GcTuning.from_crawler(get_crawler(settings_dict={"GC_TUNING_ENABLED": False}))
    for bad in ([0, 10, 10], [1, 2, 3, 4]):
        with pytest.raises(ValueError, match="GC_THRESHOLD"):
            GcTuning.from_crawler(get_crawler(settings_dict={"GC_TUNING_ENABLED": True, "GC_THRESHOLD": bad}))
