"""The project's commands: ``scrapy reset``, and usage errors in one line with exit status 2."""

import json

import numpy as np
import pytest
from scrapy.exceptions import ContractFail

from crawler.items import Page
from crawler.spiders.contracts import ArticleContract, RejectsContract
from crawler.spiders.wechat import WechatSpider

from crawler.cleaning.template_stores import open_template_store
from crawler.dedup import MinHasher, open_index
from crawler.state.seen import SqliteSeenStore
from tests.support import REPO, run_scrapy


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
    templates = open_template_store("disk", directory=str(tmp_path / "state" / "templates"))
    templates.observe(1, 2, [(3, 4, True)], learn=True)
    templates.close()
    out = run_scrapy("reset", "templates", cwd=tmp_path).stdout
    assert out == "learned templates (disk): emptied (1 articles)\n"
    assert open_template_store("disk", directory=str(tmp_path / "state" / "templates")).count() == 0


@pytest.mark.parametrize("args, message", [
    (("reset",), "scrapy reset: error: say what to reset: seen or dedup or templates"),
    (("crawl", "files"), "scrapy crawl: error: the files spider needs -a path=FILE_OR_DIRECTORY"),
    (("crawl", "files", "-a", "path=nowhere"), "scrapy crawl: error: -a path=nowhere: no such file or directory"),
    (("crawl", "wechat", "-a", "since=May"), "scrapy crawl: error: -a since=May: expected a date YYYY-MM-DD"),
    (("crawl", "weixin"), "scrapy crawl: error: no spider named 'weixin' (scrapy list names them)"),
    (("schedule", "--sources", "none.toml"), "scrapy schedule: error: none.toml: no such sources file"),
])
def test_a_usage_error_is_one_line_and_exit_status_2(tmp_path, args, message):
    proc = run_scrapy(*args, cwd=tmp_path, check=False)
    assert (proc.returncode, proc.stderr) == (2, message + "\n")


def test_a_crawl_that_cannot_open_its_state_is_one_line_and_exit_status_1(tmp_path):
    (tmp_path / "taken").write_text("a file where the dedup index's directory should be")
    proc = run_scrapy("crawl", "files", "-a", f"path={REPO / 'samples'}", "-O", "out.jsonl",
                      "-s", f"DEDUP_DIR={tmp_path / 'taken'}", cwd=tmp_path, check=False)
    assert proc.returncode == 1
    assert "The crawl could not start: FileExistsError" in proc.stderr and "Traceback" not in proc.stderr


def test_parse_runs_a_saved_page_through_the_chain(tmp_path):
    page = REPO / "samples" / "sohu" / "river_cleanup_volunteers.html"
    proc = run_scrapy("parse", page.as_uri(), cwd=tmp_path)
    article = json.loads(proc.stdout)
    assert article["url"] == "https://www.sohu.com/a/951234567_121900" and article["fetched_from"] == page.as_uri()
    assert article["title"] == "周末清理河道的志愿者们" and article["lang"] == "zh" and article["blocks"]
    assert not (tmp_path / "state").exists() and not (tmp_path / "exports").exists()  # nothing kept
    deleted = (REPO / "samples" / "wechat" / "deleted_by_author.html").as_uri()
    proc = run_scrapy("parse", deleted, cwd=tmp_path)
    assert json.loads(proc.stdout)["rejected"]["reason"] == "deleted"
    proc = run_scrapy("parse", "https://example.org/a", cwd=tmp_path, check=False)
    assert (proc.returncode, proc.stderr) == (
        2, "scrapy parse: error: no spider fetches example.org; save the page and parse its file:// URL\n")


def test_check_runs_the_contracts_of_the_spider_callbacks(tmp_path):
    proc = run_scrapy("check", cwd=tmp_path)
    assert "Ran 6 contracts" in proc.stderr and proc.stderr.rstrip().endswith("OK")


def test_the_contracts_fail_when_the_page_is_not_what_they_say():
    deleted = (REPO / "samples" / "wechat" / "deleted_by_author.html")
    page = Page(deleted.as_uri(), deleted.as_uri(), body=deleted.read_bytes())
    callback = WechatSpider(urls="x").parse_article
    RejectsContract(callback, "deleted").post_process([page])
    with pytest.raises(ContractFail, match="rejected as deleted, not empty"):
        RejectsContract(callback, "empty").post_process([page])
    with pytest.raises(ContractFail, match="rejected .*deleted.*, not an article"):
        ArticleContract(callback, "title").post_process([page])
    with pytest.raises(ContractFail, match="yielded no Page"):
        ArticleContract(callback, "title").post_process([])
