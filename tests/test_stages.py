"""The stages of the chain hold the contract written in crawler/pipelines/stage.py."""

from types import SimpleNamespace

import pytest
from scrapy.settings import Settings
from scrapy.utils.misc import load_object

from crawler import settings as project_settings
from crawler.pipelines import PLAIN_COLLECTORS, DirectCounts, offload, stage_stats
from crawler.pipelines.offload import offloadable
from crawler.pipelines.stage import Idle, Split, Stage, is_offloadable, problems
from tests.test_offload import STAGES, chain, settings_for


def test_every_stage_of_the_chain_holds_its_contract(tmp_path):
    classes = [load_object(path) for path in STAGES]
    assert [problem for cls in classes for problem in problems(cls)] == []
    assert {"ExtractPipeline", "CleanPipeline", "DedupPipeline", "LanguagePipeline", "ExportPipeline"} <= {
        cls.__name__ for cls in classes if is_offloadable(cls)}
    stages, _ = chain(settings_for(tmp_path))
    assert all(isinstance(stage, Stage) for stage in stages)
    split = [stage for stage in stages if hasattr(stage, "prepare")]
    assert "DedupPipeline" in {type(s).__name__ for s in split} and all(isinstance(s, Split) for s in split)
    assert "DedupPipeline" in {type(s).__name__ for s in stages if isinstance(s, Idle)}
    for stage in stages:
        getattr(stage, "close_spider", lambda: None)()
    assert project_settings.ITEM_PIPELINES["crawler.pipelines.offload.OffloadPipeline"] < min(
        project_settings.ITEM_PIPELINES[path] for path in STAGES)


class HalfSplit:
    stats = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    @offloadable
    def process_item(self, item):
        return item

    def prepare(self, item):
        return item, None


class IdleOnReactor:
    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def process_item(self, item):
        return item

    def idle(self):
        pass


class NoStats:
    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    @offloadable
    def process_item(self, item):
        return item


def test_a_stage_short_of_its_contract_is_named():
    assert problems(HalfSplit) == ["tests.test_stages.HalfSplit: a split stage needs commit too"]
    assert problems(IdleOnReactor) == [
        "tests.test_stages.IdleOnReactor: prepare/commit/idle are for offloadable stages (process_item not @offloadable)"]
    assert problems(NoStats) == []  # its class cannot say; the worker checks the built stage


def test_a_worker_refuses_a_stage_whose_stats_it_could_not_replay(tmp_path):
    with pytest.raises(TypeError, match="tests.test_stages.NoStats is not a Stage"):
        offload._start_worker(settings_for(tmp_path), ["tests.test_stages.NoStats"])


@pytest.mark.parametrize("collector", PLAIN_COLLECTORS)
def test_a_stage_counts_into_scrapys_own_collectors_as_their_inc_value_does(collector):
    # DirectCounts writes into the dict Scrapy's collectors keep (``_stats``): fails on a Scrapy that moves it
    crawler = SimpleNamespace(settings=Settings())
    theirs, ours = collector(crawler), collector(crawler)
    direct = stage_stats(SimpleNamespace(stats=ours))
    assert isinstance(direct, DirectCounts)
    for stats in (theirs, direct):
        for args in (("a",), ("a", 2), ("b", 3, 10), ("a",)):
            stats.inc_value(*args)
        stats.set_value("c", 5)
    assert ours.get_stats() == theirs.get_stats() == {"a": 4, "b": 13, "c": 5}
    for stats in (theirs, direct):
        stats.set_stats({"d": 1})  # a new dict: later counts go into it
        stats.inc_value("d")
    assert ours.get_stats() == theirs.get_stats() == {"d": 2}
    recorder = offload._StatsRecorder()
    assert stage_stats(SimpleNamespace(stats=recorder)) is recorder  # a worker's recorder is counted as it is
