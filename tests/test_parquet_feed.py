"""Parquet feeds (crawler/output/parquet.py): the same items as the JSON-lines
feed of the same crawl, a fixed schema, and a valid file after every row group."""

from __future__ import annotations

import importlib.util
import io
import json
import signal
import subprocess
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq

from crawler.output.parquet import ARTICLE_SCHEMA, REJECTED_SCHEMA, ParquetExporter, repair, valid_end
from crawler.items import Rejected
from crawler.testing import corpora
from tests.support import REPO, read_jsonl, run_scrapy, scrapy_env


def plain(value):
    """A value with maps as objects and null struct keys left out (null in Parquet: absent or null in JSON)."""
    if isinstance(value, list) and value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
        return {k: plain(v) for k, v in value}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if v is not None}
    return value


def nested_plain(row: dict) -> dict:
    """Top-level nulls kept (JSON lines writes them), nested ones dropped."""
    return {k: plain(v) if isinstance(v, list) else v for k, v in row.items()}


def test_parquet_feeds_hold_what_the_json_lines_feeds_of_the_same_crawl_hold(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    corpora.write_jsonl(corpus / "dump.jsonl", [*corpora.records(4), {"url": "https://example.org/x"}, "{broken"])
    feeds = {"articles.jsonl": {"format": "jsonlines", "overwrite": True}, "articles.parquet": {"format": "parquet"},
             "rejects.jsonl": {"format": "jsonlines", "overwrite": True, "item_classes": ["crawler.items.Rejected"]},
             "rejects.parquet": {"format": "parquet", "item_classes": ["crawler.items.Rejected"]}}
    for path in (REPO / "samples", corpus):
        run_scrapy("crawl", "files", "-a", f"path={path}", "-s", f"FEEDS={json.dumps(feeds)}",
                   "-s", "REJECTS_URI=", "-s", "PARQUET_ROW_GROUP_ROWS=2", "-s", "DEDUP_BACKEND=memory",
                   cwd=tmp_path)
        for kind, schema in (("articles", ARTICLE_SCHEMA), ("rejects", REJECTED_SCHEMA)):
            parquet = pq.read_table(tmp_path / f"{kind}.parquet")
            assert parquet.schema.equals(schema)
            expected = [nested_plain(row) for row in read_jsonl(tmp_path / f"{kind}.jsonl")]
            assert expected, kind
            rows = [nested_plain(row) for row in parquet.to_pylist()]
            key = lambda row: row["fetched_from"]  # noqa: E731 - items reach feeds in the order the chain ends them
            assert sorted(rows, key=key) == sorted(expected, key=key)
    assert pq.read_metadata(tmp_path / "articles.parquet").num_row_groups == 2  # 4 articles, 2 a group
    for reader in ("pandas", "duckdb", "datasets"):  # the readers users hold, where installed
        if importlib.util.find_spec(reader) is None:
            continue
        path = str(tmp_path / "articles.parquet")
        if reader == "pandas":
            frame = __import__("pandas").read_parquet(path)
        elif reader == "duckdb":
            frame = __import__("duckdb").sql(f"SELECT * FROM '{path}'").df()
        else:
            frame = __import__("datasets").load_dataset("parquet", data_files=path, split="train").to_pandas()
        assert list(frame.columns) == ARTICLE_SCHEMA.names and len(frame) == 4


def test_a_killed_crawl_keeps_every_row_group_it_wrote(tmp_path):
    dump = corpora.write_jsonl(tmp_path / "dump.jsonl", corpora.records(400))
    out = tmp_path / "articles.parquet"
    proc = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "files", "-a", f"path={dump}", "-O", str(out),
         "-s", "PARQUET_ROW_GROUP_ROWS=5", "-s", "DEDUP_BACKEND=memory", "-s", f"REJECTS_URI={tmp_path / 'r.jsonl'}"],
        cwd=tmp_path, env=scrapy_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        groups = 0
        while groups < 3 and proc.poll() is None and time.monotonic() < deadline:
            try:
                groups = pq.read_metadata(out).num_row_groups  # valid at every row group
            except (OSError, ValueError):
                groups = 0
            time.sleep(0.05)
        assert groups >= 3, "the crawl wrote no 3 row groups"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    # Killed during the one write that only lengthens the file, it needs cutting back (below)
    assert repair(out) is not None
    rows = pq.read_table(out).to_pylist()
    assert len(rows) >= 15 and len(rows) % 5 == 0
    assert len({row["fetched_from"] for row in rows}) == len(rows)
    assert all(row["text"] and row["blocks"] for row in rows)


class _WatchedFile(io.FileIO):
    """A feed file that checks, after each write or cut reaches the disk, that the file
    holds a valid Parquet file: a process killed between two writes leaves that."""

    def __init__(self, path, mode):
        super().__init__(path, mode)
        self.path = path
        self.states: list[int | None] = []  # rows readable after each write

    def write(self, data):
        written = super().write(data)
        self._check()
        return written

    def truncate(self, size=None):
        cut = super().truncate(size)
        self._check()
        return cut

    def _check(self):
        try:
            self.states.append(pq.read_metadata(self.path).num_rows)
        except Exception:  # noqa: BLE001 - any unreadable state is what the test looks for
            self.states.append(None)


def test_the_file_is_valid_parquet_after_every_write(tmp_path):
    path = tmp_path / "rejects.parquet"
    file = _WatchedFile(path, "wb")
    exporter = ParquetExporter(file, row_group_rows=3)
    exporter.start_exporting()
    for n in range(10):
        exporter.export_item(Rejected(fetched_from=f"file:///dump.jsonl#line={n}", url=None, reason="empty",
                                      status=None, detail=""))
    exporter.finish_exporting()
    file.close()
    assert None not in file.states, file.states
    assert file.states[-1] == 10 and pq.read_table(path).num_rows == 10


def test_a_crawl_loads_the_parquet_exporter_without_pyarrow_until_a_parquet_feed_opens():
    # Scrapy loads every FEED_EXPORTERS class at a crawl's start: pyarrow (~0.1 s) waits for a Parquet feed
    show = ("import sys; from scrapy.utils.misc import load_object; from crawler import settings; "
            "exporters = [load_object(path) for path in settings.FEED_EXPORTERS.values()]; "
            "print('pyarrow' in sys.modules, hasattr(load_object(settings.FEED_EXPORTERS['parquet']), 'from_crawler'))")
    out = subprocess.run([sys.executable, "-c", show], cwd=REPO, env=scrapy_env(), capture_output=True, text=True,
                         check=True).stdout
    assert out == "False True\n"


def _rows(data: bytes) -> int | None:
    """Rows a reader gets from these bytes, data pages and all; None: no Parquet file."""
    try:
        return pq.read_table(pa.BufferReader(data)).num_rows
    except (OSError, ValueError):
        return None


class _KilledAnywhere(io.FileIO):
    """A feed file that, before each write, works out what the file would hold
    had the process been killed with that write part done (Linux stops a write
    between pages on SIGKILL; a full disk stops it anywhere)."""

    def __init__(self, path, mode):
        super().__init__(path, mode)
        self.path = path
        self.states: list[tuple[bool, int, int, int | None, int | None]] = []

    def write(self, data):
        at, before = self.tell(), self.path.read_bytes()
        whole = _rows(before) or 0
        for cut in sorted({*range(0, len(data), 7), len(data) - 1}):
            state = bytearray(before.ljust(at, b"\0"))
            state[at: at + cut] = data[:cut]
            end = valid_end(bytes(state))
            self.states.append((at >= len(before), cut, whole, _rows(bytes(state)),
                                end and _rows(bytes(state[:end]))))
        return super().write(data)


def test_a_write_killed_anywhere_leaves_every_row_group_written_before(tmp_path):
    path = tmp_path / "rejects.parquet"
    file = _KilledAnywhere(path, "wb")
    exporter = ParquetExporter(file, row_group_rows=3)
    for n in range(12):
        exporter.export_item(Rejected(fetched_from=f"file:///dump.jsonl#line={n}", url=None, reason="empty",
                                      status=None, detail="x" * n))
    exporter.finish_exporting()
    file.close()
    assert pq.read_table(path).num_rows == 12
    states = file.states
    assert len(states) > 100
    for lengthens, cut, whole, rows, repaired in states:
        # read as it is: the old file or the new one (never fewer rows) ...
        if rows is not None:
            assert rows >= whole, (cut, whole, rows)
        else:  # ... except part way through the copy of the old footer past the end,
            assert lengthens, (cut, whole)
            assert (repaired or 0) == whole, (cut, whole, repaired)  # which repair cuts off
    assert any(rows is None for _, _, _, rows, _ in states)  # the copy's window is real and repaired


def test_repair_cuts_a_file_back_to_its_last_footer_and_leaves_a_whole_one_alone(tmp_path):
    path = tmp_path / "rejects.parquet"
    with open(path, "wb") as file:
        exporter = ParquetExporter(file, row_group_rows=2)
        for n in range(4):
            exporter.export_item(Rejected(fetched_from=f"file:///d#line={n}", url=None, reason="empty",
                                          status=None, detail=""))
        exporter.finish_exporting()
    size = path.stat().st_size
    assert repair(path) == 0 and path.stat().st_size == size
    with open(path, "ab") as file:
        file.write(b"\0" * 5000 + b"PAR1partial footer")
    assert repair(path) == 5018 and pq.read_table(path).num_rows == 4
    path.write_bytes(b"PAR1" + b"\0" * 100)
    assert repair(path) is None
