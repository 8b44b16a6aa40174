"""The cross-article index on every backend: semantics, persistence, crash
safety and concurrent processes (disk and Redis)."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from crawler.dedup import IndexMismatch, MinHasher, open_index
from crawler.dedup.stores import INDEX_FILE

REPO = Path(__file__).resolve().parents[1]
HASHER = MinHasher(128, 5)

ORIGINAL = (
    "山区小学的孩子们每天要走一个小时山路去上学。去年秋天，一家公益组织为学校修了宿舍，"
    "住校的学生从十几人增加到六十多人。老师们说，孩子们的成绩和精神面貌都有了明显变化。"
    "不过，宿舍的冬季取暖仍然是个难题，学校正在和县里商量解决办法。"
) * 3
REPOST = "本文转载自公众号“乡村教育观察”。" + ORIGINAL.replace("六十多人", "七十多人") + "点击关注，了解更多。"
UNRELATED = (
    "The museum reopened after a two-year renovation, with a new glass roof over the central hall, "
    "a children's gallery and a cafe overlooking the canal. Curators say visitor numbers doubled in the first week."
) * 3


_prefix_counter = iter(range(10**6))


@pytest.fixture(params=["memory", "disk", "redis"])
def make_index(request, tmp_path):
    """A factory of indexes on one backend; calls share the same storage."""
    backend = request.param
    kwargs = {"directory": str(tmp_path / "dedup")}
    if backend == "redis":
        kwargs.update(redis_url=request.getfixturevalue("redis_url"), redis_prefix=f"t{next(_prefix_counter)}")
    opened = []

    def make(hasher=HASHER, threshold=0.5):
        index = open_index(backend, hasher, threshold, **kwargs)
        opened.append(index)
        return index

    make.backend = backend
    make.kwargs = kwargs
    yield make
    for index in opened:
        index.close()


def sig(text: str) -> np.ndarray:
    return HASHER.text_signature(text)


def test_near_duplicate_found_and_only_originals_indexed(make_index):
    index = make_index()
    assert index.check_and_add("https://mp.weixin.qq.com/s/original", sig(ORIGINAL)) is None
    assert index.check_and_add("https://example.org/unrelated", sig(UNRELATED)) is None
    match = index.check_and_add("https://www.sohu.com/a/repost", sig(REPOST))
    assert match is not None and match.url == "https://mp.weixin.qq.com/s/original"
    assert 0.5 <= match.similarity < 1.0
    assert len(index) == 2  # the repost was not added
    # Same article under a second URL: similarity 1.
    exact = index.check_and_add("https://mp.weixin.qq.com/s/other-url", sig(ORIGINAL))
    assert exact.url == "https://mp.weixin.qq.com/s/original" and exact.similarity == 1.0
    assert index.query(sig(UNRELATED)).url == "https://example.org/unrelated"
    assert index.query(sig("The orchestra opens its season with a programme of new works by young composers.")) is None


def test_best_candidate_is_named(make_index):
    index = make_index()
    index.check_and_add("a", sig(ORIGINAL))
    index.check_and_add("b", sig(ORIGINAL[: len(ORIGINAL) // 2] + UNRELATED))
    assert index.query(sig(ORIGINAL.replace("六十多人", "七十多人"))).url == "a"


def test_index_persists_and_refuses_other_parameters(make_index):
    first = make_index()
    first.check_and_add("https://example.org/a", sig(ORIGINAL))
    first.close()
    again = make_index()
    if make_index.backend == "memory":
        assert len(again) == 0  # by design: this run only
        return
    assert len(again) == 1
    assert again.check_and_add("https://example.org/b", sig(REPOST)).url == "https://example.org/a"
    with pytest.raises(IndexMismatch, match=r"num_perm=128 \(settings: 64\)"):
        make_index(hasher=MinHasher(64, 5))
    # A new threshold keeps the stored bands and only changes verification.
    strict = make_index(threshold=0.95)
    assert (strict.bands, strict.rows) == (again.bands, again.rows)
    assert strict.query(sig(REPOST)) is None


def test_an_index_of_another_hash_family_must_be_rebuilt(make_index):
    if make_index.backend == "memory":
        return  # nothing outlives the run
    first = make_index()
    first.check_and_add("https://example.org/a", sig(ORIGINAL))
    first.close()

    class OldFamily(MinHasher):
        family = "minhash-ms64"  # the NumPy multiply-shift family of earlier versions

    with pytest.raises(IndexMismatch, match=r"another signature scheme \(rensa-rminhash-v\d+-b16-k47-v2; "
                       r"this version signs with minhash-ms64-b16-k47-v2\).*Rebuild it"):
        make_index(hasher=OldFamily(128, 5))


def test_an_index_of_other_band_keys_must_be_rebuilt(make_index, monkeypatch):
    """Band keys of the version before (one mix per value) never meet these: the
    index they fill is refused, not read as if empty."""
    if make_index.backend == "memory":
        return  # nothing outlives the run
    import crawler.dedup.index

    monkeypatch.setattr(crawler.dedup.index, "BAND_KEYS", "v1")
    older = make_index()
    older.check_and_add("https://example.org/a", sig(ORIGINAL))
    older.close()
    monkeypatch.undo()
    with pytest.raises(IndexMismatch, match=r"another signature scheme \(rensa-rminhash-v\d+-b16-k47-v1; "
                       r"this version signs with rensa-rminhash-v\d+-b16-k47-v2\).*Rebuild it"):
        make_index()


def test_an_index_two_processes_create_at_once_keeps_the_first_ones_parameters(make_index):
    """The second process read no parameters before the first stored its own: it
    must use the stored ones (not its own, nor a mix), and leave them as they are."""
    from crawler.dedup.index import LSHIndex
    from crawler.dedup.stores import MemoryStore

    first = make_index(threshold=0.5)
    stored = first.store.read_meta()

    class ReadBeforeTheFirstWrote:
        def __init__(self, store):
            self.store, self.reads = store, 0

        def read_meta(self):
            self.reads += 1
            return {} if self.reads == 1 else self.store.read_meta()

        def __getattr__(self, name):
            return getattr(self.store, name)

    second = LSHIndex(ReadBeforeTheFirstWrote(first.store), HASHER, 0.9)
    assert (second.bands, second.rows, second.built_threshold) == (first.bands, first.rows, 0.5)
    own = LSHIndex(MemoryStore(), HASHER, 0.9)
    assert (own.bands, own.rows) != (first.bands, first.rows), "the second's own parameters would differ"
    assert first.store.read_meta() == stored


# Unrelated texts (random CJK characters, fixed seeds).
RACE_TEXTS = ["".join(map(chr, np.random.default_rng(i).integers(0x4E00, 0x9FA5, 300))) for i in range(300)]


def _race(backend, kwargs, seed, start, results):
    index = open_index(backend, HASHER, 0.5, **kwargs)
    start.wait()  # both processes write at the same time
    kept = []
    for i in np.random.default_rng(seed).permutation(len(RACE_TEXTS)):
        # Each process stores every article under its own URL: of each pair
        # of copies exactly one may be kept.
        if index.check_and_add(f"p{seed}/{i}", sig(RACE_TEXTS[i])) is None:
            kept.append(int(i))
    index.close()
    results.put(kept)


@pytest.mark.parametrize("make_index", ["disk", "redis"], indirect=True)
def test_two_processes_never_keep_the_same_article_twice(make_index):
    make_index().close()  # create the store and write its parameters
    context = multiprocessing.get_context("spawn")
    results, start = context.Queue(), context.Barrier(2)
    workers = [context.Process(target=_race, args=(make_index.backend, make_index.kwargs, seed, start, results))
               for seed in (1, 2)]
    for worker in workers:
        worker.start()
    kept = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    # (whether they interleaved is up to the machine's scheduler: one may finish first)
    assert sorted(kept[0] + kept[1]) == list(range(len(RACE_TEXTS)))
    assert len(make_index()) == len(RACE_TEXTS)


_WRITER = textwrap.dedent("""
    import sys, numpy as np
    from crawler.dedup import MinHasher, open_index
    index = open_index("disk", MinHasher(128, 5), 0.5, directory=sys.argv[1])
    rng = np.random.default_rng(7)
    for i in range(100000):
        index.check_and_add(f"https://example.org/{i}", rng.integers(0, 2**32, 128, dtype=np.uint64).astype(np.uint32))
        if i == 300:
            print("writing", flush=True)
""")


def test_disk_index_survives_a_kill_mid_write(tmp_path):
    directory = tmp_path / "dedup"
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(directory)], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "writing"
    writer.send_signal(signal.SIGKILL)  # no chance to commit or close
    writer.wait()
    db = sqlite3.connect(directory / INDEX_FILE)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    docs = db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
    bands = int(db.execute("SELECT value FROM meta WHERE key = 'bands'").fetchone()[0])
    # Every stored article is whole: all its band rows are there, none without its article.
    assert docs > 300
    assert db.execute("SELECT COUNT(*) FROM bands").fetchone()[0] == docs * bands
    assert db.execute("SELECT COUNT(*) FROM bands WHERE doc NOT IN (SELECT id FROM docs)").fetchone()[0] == 0
    db.close()
    index = open_index("disk", HASHER, 0.5, directory=str(directory))
    rng = np.random.default_rng(7)
    first = rng.integers(0, 2**32, 128, dtype=np.uint64).astype(np.uint32)
    assert index.query(first).url == "https://example.org/0"
    index.close()


def test_the_same_url_again_is_a_duplicate_unless_told_otherwise(make_index):
    index = make_index()
    assert index.check_and_add("https://example.org/a", sig(ORIGINAL)) is None
    assert index.check_and_add("https://example.org/a", sig(ORIGINAL)).url == "https://example.org/a"
    # A live crawl killed after indexing a page and before exporting it fetches it again.
    assert index.check_and_add("https://example.org/a", sig(ORIGINAL), same_url_is_duplicate=False) is None
    assert index.check_and_add("https://example.org/a", sig(REPOST), same_url_is_duplicate=False) is None
    assert len(index) == 1, "indexed once"
    match = index.check_and_add("https://example.org/b", sig(REPOST), same_url_is_duplicate=False)
    assert match.url == "https://example.org/a"
    # The page's own earlier copy is passed over, not the other near-duplicates.
    index.add_many(["https://example.org/copy"], np.stack([sig(ORIGINAL)]))
    match = index.check_and_add("https://example.org/a", sig(REPOST), same_url_is_duplicate=False)
    assert match.url == "https://example.org/copy"
    assert len(index) == 2


def test_disk_row_cache_never_keeps_a_rolled_back_article(tmp_path):
    from crawler.dedup.stores import SqliteStore

    store = SqliteStore(str(tmp_path / "dedup"))
    signature, keys = b"\x01" * 256, [11, 22, 33]

    def add_then_fail(tx):
        tx.add("https://example.org/rolled-back", signature, keys)
        raise RuntimeError("crash mid-check")

    with pytest.raises(RuntimeError):
        store.atomically(keys, add_then_fail)
    # SQLite gives the rolled-back id to the next article, here written by another process
    other = SqliteStore(str(tmp_path / "dedup"))
    other.atomically(keys, lambda tx: tx.add("https://example.org/kept", signature, keys))
    assert list(store.candidates(keys).urls) == ["https://example.org/kept"]
    assert list(other.candidates(keys).urls) == ["https://example.org/kept"]
    store.close()
    other.close()


def _rows(store, keys):
    found = store.candidates(keys)
    return [(url, bytes(signature)) for url, signature in zip(found.urls, found.signatures)]


def test_disk_row_cache_serves_its_rows_with_those_another_process_wrote(tmp_path):
    from crawler.dedup.stores import SqliteStore

    store, other = SqliteStore(str(tmp_path / "dedup")), SqliteStore(str(tmp_path / "dedup"))
    keys = [5, 6]
    for n, writer in enumerate([store, other, store, other]):
        writer.atomically(keys, lambda tx, n=n: tx.add(f"https://example.org/{n}", bytes([n]) * 256, keys))
    assert store.cache.ids[1:5].tolist() == [1, -1, 3, -1], "its own committed rows only"
    expected = [(f"https://example.org/{n}", bytes([n]) * 256) for n in range(4)]
    assert _rows(store, keys) == expected  # cached and read rows merged in id order
    assert store.cache.ids[1:5].tolist() == [1, 2, 3, 4]
    assert _rows(store, keys) == expected == _rows(other, keys)
    store.close()
    other.close()


def test_disk_row_cache_slot_keeps_the_newest_id(tmp_path):
    from crawler.dedup.stores import RowCache, SqliteStore

    store = SqliteStore(str(tmp_path / "dedup"))
    store.cache = RowCache(2)  # ids 1 and 3 share a slot
    for n in (1, 2, 3):
        store.atomically([n], lambda tx, n=n: tx.add(f"https://example.org/{n}", bytes([n]) * 256, [n, 9]))
    assert store.cache.ids.tolist() == [2, 3]
    assert list(store.candidates([1]).urls) == ["https://example.org/1"]  # read from SQLite
    assert store.cache.ids.tolist() == [2, 3], "an older id does not evict a newer one"
    assert [url for url, _ in _rows(store, [9])] == [f"https://example.org/{n}" for n in (1, 2, 3)]
    store.cache, store.FETCH_IDS = RowCache(4), 2  # nothing cached: rows read two ids a query
    assert _rows(store, [9]) == [(f"https://example.org/{n}", bytes([n]) * 256) for n in (1, 2, 3)]
    store.close()


def test_disk_batch_caches_its_rows_only_once_committed(tmp_path):
    from crawler.dedup.stores import SqliteStore

    batching = SqliteStore(str(tmp_path / "dedup"), commit_every=10)
    signature = b"\x01" * 256
    batching.atomically([7], lambda tx: tx.add("https://example.org/1", signature, [7]))
    # a later check of the same batch reads the row from the open transaction, uncached
    assert list(batching.candidates([7]).urls) == ["https://example.org/1"]
    assert (batching.cache.ids == -1).all()

    def add_then_fail(tx):
        tx.add("https://example.org/failed", signature, [7])
        assert list(tx.candidates([7]).urls) == ["https://example.org/1", "https://example.org/failed"]
        raise RuntimeError("crash mid-check")

    with pytest.raises(RuntimeError):
        batching.atomically([7], add_then_fail)
    batching.atomically([7], lambda tx: tx.add("https://example.org/2", signature, [7]))  # the failed check's id
    batching.flush()
    assert batching.cache.ids[1:3].tolist() == [1, 2]
    assert list(batching.candidates([7]).urls) == ["https://example.org/1", "https://example.org/2"]
    batching.close()


class _CommitFails:
    """A connection whose COMMIT fails the way SQLite's does on a full disk:
    the transaction is rolled back."""

    def __init__(self, db):
        self.db = db

    def execute(self, sql, *args):
        if sql == "COMMIT":
            self.db.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")
        return self.db.execute(sql, *args)

    @property
    def in_transaction(self):
        return self.db.in_transaction


def test_disk_batch_rolled_back_by_a_failed_commit_is_never_cached(tmp_path):
    from crawler.dedup.stores import SqliteStore

    batching = SqliteStore(str(tmp_path / "dedup"), commit_every=10)
    batching.atomically([7], lambda tx: tx.add("https://example.org/lost", b"\x01" * 256, [7]))
    db, batching.db = batching.db, _CommitFails(batching.db)
    with pytest.raises(sqlite3.OperationalError):
        batching.flush()
    batching.db = db
    # the lost article's id goes to another process's article
    other = SqliteStore(str(tmp_path / "dedup"))
    other.atomically([7], lambda tx: tx.add("https://example.org/kept", b"\x02" * 256, [7]))
    batching.atomically([7], lambda tx: tx.candidates([7]))
    batching.flush()
    assert _rows(batching, [7]) == [("https://example.org/kept", b"\x02" * 256)]
    assert batching.cache.urls[1] == "https://example.org/kept"
    batching.close()
    other.close()


def test_disk_batched_commits_are_seen_by_others_at_flush_and_a_failed_check_alone_is_undone(tmp_path):
    from crawler.dedup.stores import SqliteStore

    batching = SqliteStore(str(tmp_path / "dedup"), commit_every=3)
    other = SqliteStore(str(tmp_path / "dedup"), commit_every=3)
    signature = b"\x01" * 256

    def add(url):
        return lambda tx: tx.add(url, signature, [7])

    def add_then_fail(tx):
        tx.add("https://example.org/failed", signature, [7])
        raise RuntimeError("crash mid-check")

    batching.atomically([7], add("https://example.org/1"))
    with pytest.raises(RuntimeError):
        batching.atomically([7], add_then_fail)
    batching.atomically([7], add("https://example.org/2"))
    assert other.count() == 0, "not committed yet: two checks of three"
    batching.flush()
    assert list(other.candidates([7]).urls) == ["https://example.org/1", "https://example.org/2"]
    for n in (3, 4, 5):  # the third check of a batch commits it
        batching.atomically([7], add(f"https://example.org/{n}"))
    assert other.count() == 5
    batching.atomically([7], add("https://example.org/6"))
    batching.close()  # commits what it holds
    assert other.count() == 6
    other.close()


def test_a_pipeline_worker_commits_its_index_batch_when_no_item_waits(tmp_path):
    import copy
    import threading

    from crawler import settings as project_settings
    from crawler.items import Page
    from crawler.pipelines import offload

    settings = {k: v for k, v in vars(project_settings).items() if k.isupper()}
    settings.update(DEDUP_DIR=str(tmp_path / "dedup"), CLEAN_TEMPLATES_DIR=str(tmp_path / "templates"),
                    GC_TUNING_ENABLED=False)
    stages = [p for p, _ in sorted(project_settings.ITEM_PIPELINES.items(), key=lambda kv: kv[1]) if "Offload" not in p]
    body = (REPO / "samples" / "sohu" / "river_cleanup_volunteers.html").read_bytes()
    crawl, worker = multiprocessing.Pipe(duplex=True)
    out = socket.socket(fileno=os.dup(crawl.fileno()))  # the crawl process's framed messages (_Worker.flush)

    def send(message: bytes) -> None:
        out.sendall(offload._frame(message))

    thread = threading.Thread(target=offload._worker_main, args=(worker, settings, stages, None), daemon=True)
    thread.start()
    page = Page("https://www.sohu.com/a/1_2", "https://www.sohu.com/a/1_2", body=body)
    crawl.recv_bytes()  # READY
    send(pickle.dumps(copy.deepcopy(page)))
    crawl.recv_bytes()  # its result; nothing else is sent, so the worker idles and commits
    deadline = time.monotonic() + 10
    db = sqlite3.connect(tmp_path / "dedup" / INDEX_FILE)
    while db.execute("SELECT COUNT(*) FROM docs").fetchone()[0] == 0:
        assert time.monotonic() < deadline, "the worker kept its batch while idle"
        time.sleep(0.05)
    send(b"")
    thread.join(10)
    out.close()
    db.close()
