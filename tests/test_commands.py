"""The project's commands: ``scrapy reset``, and usage errors in one line with exit status 2."""

import numpy as np
import pytest

from crawler.dedup import MinHasher, open_index
from crawler.state.seen import SqliteSeenStore
from tests.support import run_scrapy


def test_reset_empties_the_seen_store_and_the_index(tmp_path):
    store = SqliteSeenStore(tmp_path / "state" / "seen" / "wechat.sqlite3")
    store.add(["a", "b"])
    store.close()
    hasher = MinHasher(128, 5)
    index = open_index("disk", hasher, 0.5, directory=str(tmp_path / "state" / "dedup"))
    index.add_many(["https://example.org/a"], np.stack([hasher.signature(np.arange(40, dtype=np.uint64))]))
    index.close()

    out = run_scrapy("reset", "seen", "wechat", cwd=tmp_path).stdout
    assert out == "seen-store of wechat: emptied (2 keys)\n"
    assert len(SqliteSeenStore(tmp_path / "state" / "seen" / "wechat.sqlite3")) == 0
    out = run_scrapy("reset", "dedup", cwd=tmp_path).stdout
    assert out == "near-duplicate index (state/dedup): emptied (1 articles)\n"
    assert len(open_index("disk", MinHasher(64, 3), 0.5, directory=str(tmp_path / "state" / "dedup"))) == 0


@pytest.mark.parametrize("args, message", [
    (("reset",), "scrapy reset: error: say what to reset: seen or dedup"),
    (("crawl", "files"), "scrapy crawl: error: the files spider needs -a path=FILE_OR_DIRECTORY"),
    (("crawl", "files", "-a", "path=nowhere"), "scrapy crawl: error: -a path=nowhere: no such file or directory"),
    (("crawl", "wechat", "-a", "since=May"), "scrapy crawl: error: -a since=May: expected a date YYYY-MM-DD"),
    (("crawl", "weixin"), "scrapy crawl: error: no spider named 'weixin' (scrapy list names them)"),
    (("schedule", "--sources", "none.toml"), "scrapy schedule: error: none.toml: no such sources file"),
])
def test_a_usage_error_is_one_line_and_exit_status_2(tmp_path, args, message):
    proc = run_scrapy(*args, cwd=tmp_path, check=False)
    assert (proc.returncode, proc.stderr) == (2, message + "\n")
