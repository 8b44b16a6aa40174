"""Pipeline workers (crawler/pipelines/offload.py): the chain run in a worker
and replayed on the reactor gives what the chain gives on the reactor alone."""

from __future__ import annotations

import asyncio
import copy
import json
import dataclasses
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.settings import Settings
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.fetching.corpus import Limits, record_page
from crawler.items import Article, Page
from crawler.pipelines import StateUnwritable, offload
from crawler.pipelines.dedup import DedupPipeline
from crawler.pipelines.offload import OffloadPipeline, WorkerDied, _Worker
from crawler.testing import corpora
from tests.support import read_jsonl, run_scrapy

REPO = Path(__file__).resolve().parent.parent
STAGES = [path for path, _ in sorted(project_settings.ITEM_PIPELINES.items(), key=lambda kv: kv[1])
          if not path.endswith("OffloadPipeline")]


def inputs() -> list[Page]:
    pages = []
    for folder in sorted((REPO / "tests" / "fixtures" / "pages").iterdir()):
        uri = (folder / "body.html").as_uri()
        pages.append(Page(uri, f"https://example.com/{folder.name}", body=(folder / "body.html").read_bytes(),
                          status=200, content_type="text/html; charset=utf-8"))
    for path in sorted((REPO / "samples").rglob("*.*")):
        pages.append(Page(path.as_uri(), path.as_uri(), body=path.read_bytes()))
    first = pages[0]
    pages.append(dataclasses.replace(first, fetched_from=first.fetched_from + "#again", url=first.url + "?again"))
    pages.append(Page("https://example.com/gone", "https://example.com/gone", body=b"gone", status=404))
    # records of a corpus (the files spider's JSON lines and Parquet rows), good and bad
    url, html = corpora.page(7)
    records = [{"url": url, "html": html.decode()}, {"url": "https://example.org/t", "text": "一段文字。\n第二段。"},
               {"url": "https://example.org/none"}, {"html": 42}]
    pages += [record_page(record, f"file:///data/dump.jsonl#line={n}", Limits()) for n, record in enumerate(records, 1)]
    return pages


def settings_for(tmp_path, **overrides) -> dict:
    values = {k: v for k, v in vars(project_settings).items() if k.isupper()}
    values.update(DEDUP_DIR=str(tmp_path / "dedup"), CLEAN_TEMPLATES_DIR=str(tmp_path / "templates"), **overrides)
    return values


def chain(settings: dict):
    crawler = get_crawler(settings_dict=settings)
    stages = []
    for path in STAGES:
        try:
            stages.append(load_object(path).from_crawler(crawler))
        except Exception as exc:
            if type(exc).__name__ != "NotConfigured":
                raise
    return stages, crawler.stats


def outcome(stages, item):
    try:
        for stage in stages:
            item = stage.process_item(item)
    except DropItem as exc:
        return type(exc).__name__, getattr(exc, "rejected", None)
    return "exported", dataclasses.asdict(item)


def run_inline(settings):
    stages, stats = chain(settings)
    return [outcome(stages, copy.deepcopy(page)) for page in inputs()], stats.get_stats()


def run_offloaded(settings, batch: bool = False):
    """The worker's part in this process (as a worker runs it: item by item, or
    ``batch``: all in one batch, as the files spider sends a corpus), then the replay."""
    stages, stats = chain(settings)
    offload._start_worker(settings, STAGES)
    pages = [copy.deepcopy(page) for page in inputs()]
    done = offload._run_batch(pages) if batch else [offload._run_stages(page) for page in pages]
    results = []
    for item, record in done:
        setattr(item, offload._RECORD, record)
        results.append(outcome(stages, item))
        assert not hasattr(item, offload._RECORD)  # never reaches a feed
    return results, stats.get_stats()


@pytest.mark.parametrize("batch", [False, True], ids=["items", "batch"])
@pytest.mark.parametrize("overrides", [
    {},
    {"LANG_KEEP": ["en"]},  # language rejects, decided after the dedup commit
    {"DEDUP_ACTION": "label", "DEDUP_BACKEND": "memory"},
], ids=["defaults", "language-rejects", "label-memory-index"])
def test_worker_then_replay_equals_the_chain_on_the_reactor(tmp_path, overrides, batch):
    inline, inline_stats = run_inline(settings_for(tmp_path / "inline", **overrides))
    offloaded, offloaded_stats = run_offloaded(settings_for(tmp_path / "offloaded", **overrides), batch)
    assert offloaded == inline
    kinds = [kind for kind, _ in inline]
    assert "exported" in kinds and "PageRejected" in kinds
    assert ("NearDuplicate" in kinds) == (overrides.get("DEDUP_ACTION") != "label")
    if overrides.get("LANG_KEEP"):
        assert "LanguageRejected" in kinds
    for stats in (inline_stats, offloaded_stats):
        stats.pop("start_time", None)
    assert offloaded_stats == inline_stats
    assert inline_stats["dedup/articles"] == inline_stats["clean/articles"]


def test_a_batch_leaves_the_shared_index_unlocked_and_a_failed_commit_exports_none_of_its_checks(
        tmp_path, monkeypatch):
    """A worker checks a batch's articles against the disk index together and
    commits them at once: no write lock held after the batch (another worker
    takes it without waiting); when that commit fails (a full disk), each
    article checked in it is rejected ``unavailable``, its check not counted."""
    runs = {}
    for name in ("stored", "disk full"):
        offload._start_worker(settings_for(tmp_path / name), STAGES)
        dedup, = (stage for stage in offload._worker["stages"] if type(stage).__name__ == "DedupPipeline")
        if name == "disk full":
            def full():
                dedup.index.store.db.execute("ROLLBACK")
                raise sqlite3.OperationalError("database or disk is full")

            monkeypatch.setattr(dedup.index, "flush", full)
        runs[name] = [record for _, record in offload._run_batch([copy.deepcopy(page) for page in inputs()])]
        monkeypatch.undo()
        for stage in offload._worker["stages"]:
            getattr(stage, "close_spider", lambda: None)()
    other = sqlite3.connect(tmp_path / "stored" / "dedup" / "index.sqlite3", timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # "database is locked" if the worker held it
    other.execute("ROLLBACK")
    other.close()
    indexed = [n for n, record in enumerate(runs["stored"]) if "dedup/indexed" in record.stats.get("DedupPipeline", ({},))[0]]
    assert indexed
    unstored = [n for n, record in enumerate(runs["disk full"]) if record.failed == "DedupPipeline"
                and isinstance(record.error, StateUnwritable)]
    assert unstored == indexed
    for n in unstored:
        record = runs["disk full"][n]
        assert record.error.rejected.reason == "unavailable"
        assert "dedup/indexed" not in record.stats["DedupPipeline"][0]


def test_worker_checks_a_shared_index_itself_and_leaves_a_memory_index_to_the_crawl(tmp_path):
    shim = type("WorkerCrawler", (), {})()
    shim.stats, shim.offload_worker = None, True
    shim.settings = Settings(settings_for(tmp_path, DEDUP_BACKEND="memory"))
    stage = DedupPipeline.from_crawler(shim)
    assert stage.index is None and stage.dedup_articles_on and stage.commits_in_crawl
    shim.settings = Settings(settings_for(tmp_path))  # disk
    stage = DedupPipeline.from_crawler(shim)
    assert stage.index is not None and not stage.commits_in_crawl
    assert (tmp_path / "dedup").exists()
    stage.close_spider()


def test_a_worker_of_an_incremental_crawl_knows_a_page_fetched_again_is_no_duplicate_of_itself(tmp_path):
    settings = settings_for(tmp_path)
    page = inputs()[0]
    for spider in (None, {"name": "sohu", "incremental": True}):
        offload._start_worker(settings, STAGES, spider)
        offload._run_stages(copy.deepcopy(page))
        _, record = offload._run_stages(copy.deepcopy(page))  # the same page again (a re-delivered request)
        assert (record.failed == "DedupPipeline") == (spider is None)  # near_duplicate only when not incremental
        for stage in offload._worker["stages"]:
            getattr(stage, "close_spider", lambda: None)()


def test_a_stage_bug_in_the_worker_is_raised_by_that_stage_on_the_reactor(tmp_path, monkeypatch):
    settings = settings_for(tmp_path)
    stages, _ = chain(settings)
    offload._start_worker(settings, STAGES)
    language, = (stage for stage in offload._worker["stages"] if type(stage).__name__ == "LanguagePipeline")

    def broken(item):
        raise KeyError("no such rule")

    monkeypatch.setattr(language, "process_item", broken)
    item, record = offload._run_stages(copy.deepcopy(inputs()[0]))
    assert record.failed == "LanguagePipeline" and isinstance(record.error, KeyError)
    setattr(item, offload._RECORD, record)
    at = [type(stage).__name__ for stage in stages].index("LanguagePipeline")
    for stage in stages[:at]:
        item = stage.process_item(item)  # extract, templates, clean, dedup: replayed (the index check runs)
    with pytest.raises(KeyError, match="no such rule"):
        stages[at].process_item(item)


class CrashStage:
    """A stage that kills its worker process on pages whose URL says so."""

    stats = None  # it counts nothing

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    @offload.offloadable
    def process_item(self, item):
        if isinstance(item, Page) and item.url.endswith("/crash"):
            os._exit(3)
        if isinstance(item, Page) and item.url.endswith("/slow"):
            time.sleep(0.1)
        return Article(url=item.url, fetched_from=item.fetched_from, source="web")


def test_worker_death_fails_the_item_at_work_and_a_new_worker_takes_the_rest():
    pipeline = OffloadPipeline({"LOG_LEVEL": "INFO"}, [f"{__name__}.CrashStage"], 1)

    async def scenario():
        pages = [Page(f"https://example.com/{name}", f"https://example.com/{name}")
                 for name in ("a", "crash", "b", "c")]
        results = await asyncio.gather(*(pipeline.process_item(page) for page in pages), return_exceptions=True)
        pipeline.close_spider()
        return results

    results = asyncio.run(scenario())
    assert isinstance(results[1], WorkerDied)
    assert [r.url for i, r in enumerate(results) if i != 1] == [
        "https://example.com/a", "https://example.com/b", "https://example.com/c"]
    assert all(isinstance(r, Article) for i, r in enumerate(results) if i != 1)


def test_a_worker_gathers_the_single_items_it_holds_and_stops_at_a_batch_or_the_end():
    import pickle
    import queue

    def inbox(*works):
        held = queue.SimpleQueue()
        for work in works:
            held.put(work if isinstance(work, bytes) else pickle.dumps(work))
        return held

    assert offload._gather("a", inbox("b", "c")) == (["a", "b", "c"], None)
    waiting = inbox(*"bcdefg")
    assert offload._gather("a", waiting) == (["a", "b", "c", "d"][: offload.GATHER], None)
    assert waiting.qsize() == 7 - offload.GATHER  # the rest left for the next round
    assert offload._gather("a", inbox("b", ["x", "y"], "c")) == (["a", "b"], ["x", "y"])
    items, behind = offload._gather("a", inbox("b", b"", "c"))
    assert items == ["a", "b"] and behind is offload._END


def test_a_worker_dying_with_items_it_ran_together_fails_only_the_one_that_killed_it():
    """Behind a slow page, the pages sent with it wait in the worker's inbox and are
    run together (``_gather``); the one that kills the worker fails, the others
    are done, in their order, each once."""
    pipeline = OffloadPipeline({"LOG_LEVEL": "INFO"}, [f"{__name__}.CrashStage"], 1)
    names = ("first/slow", "a", "b", "crash", "c", "d", "e")
    pages = [Page(f"https://example.com/{name}", f"https://example.com/{name}") for name in names]

    async def scenario():
        results = await asyncio.gather(*(pipeline.process_item(page) for page in pages), return_exceptions=True)
        pipeline.close_spider()
        return results

    results = asyncio.run(scenario())
    assert [type(r).__name__ for r in results] == ["Article"] * 3 + ["WorkerDied"] + ["Article"] * 3
    assert [r.url for r in results if isinstance(r, Article)] == [p.url for p in pages if "crash" not in p.url]


def test_a_worker_killed_after_it_answered_loses_no_item():
    """The worker dies with answers in its pipe that the crawl has not read yet
    and items still waiting to be sent: each answer is kept, at most the item
    it was working on fails, the rest go to a new worker (once, items were lost
    and their crawl never closed)."""
    pipeline = OffloadPipeline({"LOG_LEVEL": "INFO"}, [f"{__name__}.CrashStage"], 1)
    pages = [Page(f"https://example.com/{n}/slow", "") for n in range(3 * _Worker.IN_FLIGHT)]

    async def scenario():
        tasks = [asyncio.ensure_future(pipeline.process_item(page)) for page in pages]
        await asyncio.sleep(0)  # each task has sent its page or queued it
        worker = pipeline.workers[0]
        assert len(worker.sent) == _Worker.IN_FLIGHT and worker.waiting
        await worker.started  # its stages are built
        assert worker.conn.poll(60), "no answer from the worker"
        # items go out in order: those not waiting were sent (while the loop ran
        # above, answers may have been read and more items sent)
        sent = len(pages) - len(worker.waiting)
        # killed with an answer in its pipe the event loop has not read
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(30)
        results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 120)
        pipeline.close_spider()
        return results, sent

    results, sent = asyncio.run(scenario())
    died = [i for i, r in enumerate(results) if isinstance(r, WorkerDied)]
    assert len(died) <= 1 and all(i < sent for i in died)  # only an item that was sent
    assert [r.url for r in results if isinstance(r, Article)] == [p.url for i, p in enumerate(pages) if i not in died]


def test_worker_death_in_a_batch_fails_only_the_record_that_killed_it():
    """A batch (a corpus's records, ``run_records``) whose worker dies: its
    records go again one by one; the one that kills a worker alone fails with
    ``WorkerDied``, the others are done, in their order."""
    pipeline = OffloadPipeline({"LOG_LEVEL": "INFO"}, [f"{__name__}.CrashStage"], 1)
    names = ("a", "crash", "b", "c")
    pages = [Page(f"https://example.com/{name}", f"https://example.com/{name}") for name in names]

    async def scenario():
        results = await pipeline._batch(pages)
        pipeline.close_spider()
        return results

    results = asyncio.run(scenario())
    assert [item.url for item, _ in results] == [page.url for page in pages]
    outcomes = [type(outcome).__name__ for _, outcome in results]
    assert outcomes == ["Record", "WorkerDied", "Record", "Record"]
    assert all(isinstance(item, Article) for item, outcome in results if not isinstance(outcome, WorkerDied))


def test_a_second_worker_starts_only_when_the_first_is_busy():
    """PIPELINE_WORKERS is a most: one worker starts with the crawl, another when
    an item comes while every started one holds one (a one-page crawl builds the
    stages once, not once per core)."""
    pipeline = OffloadPipeline({"LOG_LEVEL": "INFO"}, [f"{__name__}.CrashStage"], 2)
    pipeline._spawn()
    pages = [Page(f"https://example.com/{n}", f"https://example.com/{n}") for n in range(3)]

    async def scenario():
        try:
            alone = await pipeline._batch(pages[:1])
            started = len(pipeline.workers)
            together = await asyncio.gather(pipeline._batch(pages[1:2]), pipeline._batch(pages[2:]))
            return alone, started, {worker.process.pid for worker in pipeline.workers}, together
        finally:
            pipeline.close_spider()

    alone, started, pids, together = asyncio.run(scenario())
    assert started == 1 and len(pids) == 2
    results = alone + [outcome for batch in together for outcome in batch]
    assert [item.url for item, _ in results] == [page.url for page in pages]
    assert all(isinstance(item, Article) and type(outcome).__name__ == "Record" for item, outcome in results)


def test_a_spider_with_work_for_every_worker_starts_them_all_with_the_crawl(monkeypatch):
    """``eager_workers`` (the files spider on a large corpus): every worker starts
    with the crawl; without it, one."""
    from types import SimpleNamespace

    monkeypatch.setattr(offload, "is_asyncio_reactor_installed", lambda: True)
    chain = {"crawler.pipelines.offload.OffloadPipeline": 50, f"{__name__}.CrashStage": 100}
    started = {}
    for eager in (False, True):
        crawler = get_crawler(settings_dict={"ITEM_PIPELINES": chain, "PIPELINE_WORKERS": 2})
        crawler.spider = SimpleNamespace(name="files", eager_workers=eager)
        pipeline = OffloadPipeline.from_crawler(crawler)
        try:
            started[eager] = sum(worker.process.is_alive() for worker in pipeline.workers)
        finally:
            pipeline.close_spider()
    assert started == {False: 1, True: 2}


class BuildsWhileUp:
    """A stage that cannot be built once ``DOWN_MARKER`` exists (a store that stopped answering)."""

    stats = None

    @classmethod
    def from_crawler(cls, crawler):
        if Path(crawler.settings["DOWN_MARKER"]).exists():
            raise RuntimeError("the store does not answer")
        return cls()

    @offload.offloadable
    def process_item(self, item):
        return Article(url=item.url, fetched_from=item.fetched_from, source="web")


def test_a_worker_started_later_that_cannot_build_leaves_the_items_to_the_others(tmp_path):
    down = tmp_path / "down"
    pipeline = OffloadPipeline({"LOG_LEVEL": "INFO", "DOWN_MARKER": str(down)}, [f"{__name__}.BuildsWhileUp"], 2)
    pipeline._spawn()
    pages = [Page(f"https://example.com/{n}", f"https://example.com/{n}") for n in range(6)]

    async def scenario():
        try:
            results = await pipeline._batch(pages[:1])  # the first worker built its stages
            down.touch()
            for batch in await asyncio.gather(pipeline._batch(pages[1:2]), pipeline._batch(pages[2:3])):
                results += batch  # the second came while the first held one: another worker starts
            for _ in range(2400):  # until it said it could not build (bounded: 120 s)
                if pipeline.size == 1:
                    break
                await asyncio.sleep(0.05)
            started = pipeline.size
            for page in pages[3:]:
                results += await pipeline._batch([page])
            return results, started
        finally:
            pipeline.close_spider()

    results, started = asyncio.run(scenario())
    assert started == 1 and pipeline.error is None  # the crawl goes on with the first
    assert [item.url for item, _ in results] == [page.url for page in pages]
    assert all(isinstance(item, Article) and type(outcome).__name__ == "Record" for item, outcome in results)


def test_workers_start_with_the_extensions_and_the_pipeline_takes_them_over(monkeypatch):
    monkeypatch.setattr(offload, "is_reactor_installed", lambda: True)
    monkeypatch.setattr(offload, "is_asyncio_reactor_installed", lambda: True)
    chain = {"crawler.pipelines.offload.OffloadPipeline": 50, f"{__name__}.CrashStage": 100}
    crawler = get_crawler(settings_dict={"ITEM_PIPELINES": chain, "PIPELINE_WORKERS": 1})
    with pytest.raises(NotConfigured):  # an extension with nothing left to do
        offload.StartWorkers.from_crawler(crawler)
    pipeline = OffloadPipeline.from_crawler(crawler)
    try:
        assert len(pipeline.workers) == 1 and pipeline.workers[0].process.is_alive()
        assert OffloadPipeline.from_crawler(crawler) is pipeline  # no second set of workers
    finally:
        pipeline.close_spider()
    # without the pipeline in the chain, nothing starts
    idle = get_crawler(settings_dict={"ITEM_PIPELINES": {f"{__name__}.CrashStage": 100}, "PIPELINE_WORKERS": 1})
    with pytest.raises(NotConfigured):
        offload.StartWorkers.from_crawler(idle)
    assert getattr(idle, offload._PIPELINE, None) is None


def test_the_crawl_process_leaves_the_clean_rules_to_the_workers(monkeypatch):
    from crawler.pipelines.clean import CleanPipeline

    monkeypatch.setattr(offload, "is_asyncio_reactor_installed", lambda: True)
    chain = {"crawler.pipelines.offload.OffloadPipeline": 50, "crawler.pipelines.clean.CleanPipeline": 200}
    crawler = get_crawler(settings_dict={"ITEM_PIPELINES": chain, "PIPELINE_WORKERS": 1})
    pipeline = OffloadPipeline.from_crawler(crawler)
    try:
        stage = CleanPipeline.from_crawler(crawler)
        assert stage._cleaner is None  # nothing compiled in the crawl process
        # an article that did not come through a worker is still cleaned here
        item = Article(url="https://www.sohu.com/a/1_2", fetched_from="f", source="sohu",
                       blocks=[{"type": "paragraph", "text": "渡轮每天往返两次，港口的灯塔已有百年历史。"},
                               {"type": "paragraph", "text": "点击上方蓝字关注我们"}])
        item.join_text()
        stage.process_item(item)
        assert item.text == "渡轮每天往返两次，港口的灯塔已有百年历史。"
    finally:
        pipeline.close_spider()
    alone = get_crawler(settings_dict={"PIPELINE_WORKERS": 0})
    assert CleanPipeline.from_crawler(alone)._cleaner is not None


# libraries only the stages' work needs: a crawl process whose workers do it never imports them
STAGE_LIBRARIES = ("crawler.parsing", "crawler.cleaning", "crawler.language", "crawler.dedup", "hyperscan",
                   "langdetect", "threadpoolctl", "trafilatura", "datasketch", "jieba", "numpy", "rensa")


def test_the_crawl_process_builds_the_chain_without_the_libraries_its_workers_use(tmp_path):
    script = f"""
import json, sys
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.test import get_crawler
from crawler.pipelines import offload
from tests.test_offload import STAGES, settings_for
offload.is_asyncio_reactor_installed = lambda: True
settings = settings_for(__import__("pathlib").Path({str(tmp_path)!r}), PIPELINE_WORKERS=1)
crawler = get_crawler(settings_dict=settings)
pipeline = offload.OffloadPipeline.from_crawler(crawler)
try:
    stages = [build_from_crawler(load_object(path), crawler) for path in STAGES]
finally:
    pipeline.close_spider()
print(json.dumps(sorted(sys.modules)))
"""
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    imported = [name for name in json.loads(proc.stdout.splitlines()[-1]) if name.startswith(STAGE_LIBRARIES)]
    assert not imported


@pytest.mark.parametrize("workers", [1, 4])
def test_a_stage_the_workers_cannot_build_stops_the_crawl_at_start(tmp_path, workers):
    """With several workers, the crawl stops at the first error any of them reads, not
    after PIPELINE_WORKER_START_TIMEOUT (it waited for the first worker, which was no
    longer watched once another's error was read: three times in four here)."""
    from tests.support import read_jsonl, run_scrapy

    bad = tmp_path / "bad.toml"
    bad.write_text('[[rules]]\nname = "x"\nreason = "promo"\npattern = "("\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    page = REPO / "tests" / "fixtures" / "pages" / "wechat_2025_article" / "body.html"
    proc = run_scrapy("crawl", "files", "-a", f"path={page}", "-O", str(out), "-s", f"PIPELINE_WORKERS={workers}",
                      "-s", "PIPELINE_WORKER_START_TIMEOUT=3600", "-s", f"CLEAN_RULES={bad}", cwd=tmp_path, check=False)
    assert proc.returncode != 0
    assert "Pipeline workers could not build their stages: RulesError" in proc.stderr
    assert f"{bad} rules[0] rule 'x'" in proc.stderr
    assert not out.exists() or not read_jsonl(out)


def test_replayed_counts_reach_any_stats_collector_as_totals():
    from scrapy.statscollectors import MemoryStatsCollector

    class Calls(MemoryStatsCollector):  # a collector of its own (Redis...): gets inc_value calls
        def inc_value(self, key, count=1, start=0, spider=None):
            self.calls = getattr(self, "calls", 0) + 1
            super().inc_value(key, count, start)

    recorder = offload._StatsRecorder()
    for key in ("a", "b", "a", "a"):
        recorder.inc_value(key)
    recorder.inc_value("b", 5)
    assert recorder.counts == {"a": 3, "b": 6}
    for collector in (MemoryStatsCollector(get_crawler()), Calls(get_crawler())):
        collector.inc_value("a", 1)
        offload.add_counts(collector, recorder.counts)
        assert collector.get_stats() == {"a": 4, "b": 6}
    assert collector.calls == 3  # one call a key, and the one before


@pytest.fixture(scope="module")
def files_runs(tmp_path_factory):
    """The real engine: one corpus through ``scrapy crawl files`` with the chain
    on the reactor thread (0), in one worker process (1) and in two (2); each
    run's outputs read back (sorted: workers may end items in another order)
    and as the bytes written."""
    tmp_path = tmp_path_factory.mktemp("files_runs")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [*corpora.records(12), {"url": "https://example.org/none"}, "{broken", {"html": 42},
            *corpora.records(2)]  # the last two: near-duplicates of the first two
    corpora.write_jsonl(corpus / "dump.jsonl", rows)
    corpora.write_warc(corpus / "pages.warc.gz", [corpora.page(n) for n in range(20, 26)])
    runs = {}
    for workers in ("0", "1", "2"):
        out = tmp_path / workers
        out.mkdir()
        run_scrapy("crawl", "files", "-a", f"path={corpus}", "-O", str(out / "articles.jsonl"),
                   "-s", f"REJECTS_URI={out / 'rejects.jsonl'}", "-s", f"RUN_STATS_FILE={out / 'stats.json'}",
                   "-s", f"PIPELINE_WORKERS={workers}", "-s", "DEDUP_BACKEND=memory", cwd=out)
        stats = json.loads((out / "stats.json").read_text())
        counted = {key: value for key, value in stats.items()
                   if key.split("/")[0] in ("articles", "rejects", "extract", "clean", "dedup", "language", "files")
                   or key in ("item_scraped_count", "item_dropped_count")}
        key = lambda item: item["fetched_from"]  # noqa: E731
        runs[workers] = {
            "items": (sorted(read_jsonl(out / "articles.jsonl"), key=key),
                      sorted(read_jsonl(out / "rejects.jsonl"), key=key), counted),
            "bytes": [sorted((out / name).read_bytes().splitlines()) for name in ("articles.jsonl", "rejects.jsonl")],
        }
    return runs


def test_a_files_crawl_on_two_workers_gives_what_it_gives_on_the_reactor(files_runs):
    assert files_runs["2"]["items"] == files_runs["0"]["items"]
    articles, rejects, stats = files_runs["0"]["items"]
    assert len(articles) == 18 and stats["articles"] == 18
    assert sorted(r["reason"] for r in rejects) == ["empty", "malformed", "malformed", "near_duplicate", "near_duplicate"]


def test_the_feed_line_a_worker_encodes_is_the_line_the_feed_writes(tmp_path):
    """A worker encodes each article's JSON line (``feed_line``); the crawl process
    writes those bytes, which are what the feed writes of the article itself."""
    import io

    from crawler.output.feeds import FEED_LINE, JsonLinesExporter

    offload._start_worker(settings_for(tmp_path), STAGES)
    done = [offload._run_stages(copy.deepcopy(page)) for page in inputs()]
    articles = [(item, record) for item, record in done if isinstance(item, Article) and record.failed is None]
    assert articles and all(record.line for _, record in articles)
    assert all(record.line is None for item, record in done if record.failed is not None)
    for options, carried in (({"encoding": "utf-8"}, True), ({}, False), ({"encoding": "utf-8", "sort_keys": True}, False)):
        written, ready = io.BytesIO(), io.BytesIO()
        for item, record in articles:
            JsonLinesExporter(written, **options).export_item(item)
            setattr(item, FEED_LINE, b"ready\n")
            JsonLinesExporter(ready, **options).export_item(item)
            delattr(item, FEED_LINE)
        lines = b"".join(record.line for _, record in articles)
        assert (written.getvalue() == lines) is carried  # utf-8 and nothing else: the feed's default
        assert (ready.getvalue() == b"ready\n" * len(articles)) is carried  # used only where it is that line


def test_a_crawl_with_a_worker_writes_the_bytes_of_a_crawl_on_the_reactor(files_runs):
    articles, rejects = files_runs["0"]["bytes"]
    assert len(articles) == 18 and len(rejects) == 5
    assert files_runs["1"]["bytes"] == files_runs["0"]["bytes"]


def test_a_worker_that_hangs_building_its_stages_stops_the_crawl_at_start(tmp_path):
    """A rule file that is a FIFO nobody writes: the worker blocks reading it
    for good; the crawl stops after PIPELINE_WORKER_START_TIMEOUT, not never."""
    from tests.support import read_jsonl, run_scrapy

    fifo = tmp_path / "rules.toml"
    os.mkfifo(fifo)
    out = tmp_path / "out.jsonl"
    page = REPO / "tests" / "fixtures" / "pages" / "wechat_2025_article" / "body.html"
    proc = run_scrapy("crawl", "files", "-a", f"path={page}", "-O", str(out), "-s", "PIPELINE_WORKERS=1",
                      "-s", f"CLEAN_RULES={fifo}", "-s", "PIPELINE_WORKER_START_TIMEOUT=2",
                      cwd=tmp_path, check=False, timeout=120)
    assert proc.returncode != 0
    assert "did not build its stages within PIPELINE_WORKER_START_TIMEOUT (2 s)" in proc.stderr
    assert not out.exists() or not read_jsonl(out)


class HangsOnceMarked(CrashStage):
    """CrashStage whose build blocks for good once ``HANG_FIFO`` exists: it opens
    that FIFO, which nobody writes (a store that accepts and never answers)."""

    @classmethod
    def from_crawler(cls, crawler):
        if os.path.exists(crawler.settings["HANG_FIFO"]):
            open(crawler.settings["HANG_FIFO"]).read()
        return cls()


def test_a_worker_started_later_that_hangs_building_fails_the_items_instead_of_holding_them(tmp_path):
    """The only worker dies; its successor hangs building its stages. Past
    PIPELINE_WORKER_START_TIMEOUT the items fail with that reason (as when a
    successor cannot build), the hung process is killed; nothing waits for good."""
    fifo = tmp_path / "store"
    settings = {"LOG_LEVEL": "INFO", "HANG_FIFO": str(fifo), "PIPELINE_WORKER_START_TIMEOUT": 0}
    pipeline = OffloadPipeline(settings, [f"{__name__}.HangsOnceMarked"], 1)
    pages = {name: Page(f"https://example.com/{name}", f"https://example.com/{name}") for name in ("a", "crash", "b")}

    async def scenario():
        try:
            first = await pipeline.process_item(pages["a"])  # no limit: a busy machine starts slowly
            settings["PIPELINE_WORKER_START_TIMEOUT"] = 2  # read as each worker starts
            os.mkfifo(fifo)
            # the crash item goes again alone to the successor (to tell it from items run
            # with it), as does b; bounded for a busy machine, without the timeout it never ends
            later = await asyncio.wait_for(asyncio.gather(
                *(pipeline.process_item(pages[name]) for name in ("crash", "b")), return_exceptions=True), 300)
            return first, later, [worker.process for worker in pipeline.workers]
        finally:
            pipeline.close_spider()

    first, later, processes = asyncio.run(scenario())
    assert isinstance(first, Article)
    assert all(error is pipeline.error for error in later)
    assert isinstance(pipeline.error, WorkerDied)
    assert "within PIPELINE_WORKER_START_TIMEOUT (2 s)" in str(pipeline.error)
    assert processes and not any(process.is_alive() for process in processes)


def test_a_crawl_not_distributed_imports_neither_scrapy_redis_nor_redis():
    """The distributed mode's addon is in every crawl's ADDONS, and the files spider reads a
    request meta key of it: both from crawler/state/mode.py, which needs neither."""
    script = """
import json, sys
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings
settings = get_project_settings()
for addon in settings.getdict("ADDONS"):
    load_object(addon)().update_settings(settings)
loader = SpiderLoader.from_settings(settings)
for name in loader.list():
    loader.load(name)
print(json.dumps(sorted(sys.modules)))
"""
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    imported = set(json.loads(proc.stdout.splitlines()[-1]))
    assert "crawler.state.mode" in imported
    assert not {"scrapy_redis", "redis", "crawler.state.distributed"} & imported
