"""``scrapy crawl files`` on JSON-lines and Parquet corpora: one page or text
per record, every record an article or a reject with its reason."""

from __future__ import annotations

import gzip

import pyarrow as pa
import pytest

from crawler.testing import corpora
from tests.support import crawl_files_in


def by_where(items):
    return {item["fetched_from"].rsplit("/", 1)[-1]: item for item in items}


TEXT = "\n".join(corpora.M.article_text("plain-text-record")[0])


def test_a_jsonl_dump_with_good_and_bad_records(tmp_path, crawl_files):
    good = list(corpora.records(3))
    rows = [
        good[0],
        {"url": "https://example.org/t/1", "text": TEXT, "title": "纯文本记录", "date": "2024-03-01T08:00:00+08:00",
         "account": "文本号"},
        {"url": "https://example.org/nothing", "title": "no page"},  # neither html nor text
        '{"url": "https://example.org/broken", "html": "<p>cut',  # a broken JSON line
        {"url": "https://example.org/int", "html": 42},  # wrong types
        {"url": ["not", "a", "string"], "html": "<p>x</p>"},
        ["an", "array"],
        good[1],
        "",  # a blank line is no record
        {"url": "https://example.org/huge", "html": "<p>" + "长" * 40_000 + "</p>"},  # over DOWNLOAD_MAXSIZE
        good[2],
    ]
    (tmp_path / "in").mkdir()
    dump = corpora.write_jsonl(tmp_path / "in" / "dump.jsonl", rows)

    articles, rejects, _ = crawl_files(dump, "-s", "DOWNLOAD_MAXSIZE=100000")

    articles, rejects = by_where(articles), by_where(rejects)
    assert set(articles) == {"dump.jsonl#line=1", "dump.jsonl#line=2", "dump.jsonl#line=8", "dump.jsonl#line=11"}
    assert {where: r["reason"] for where, r in rejects.items()} == {
        "dump.jsonl#line=3": "empty", "dump.jsonl#line=4": "malformed", "dump.jsonl#line=5": "malformed",
        "dump.jsonl#line=6": "malformed", "dump.jsonl#line=7": "malformed", "dump.jsonl#line=10": "too_large"}
    assert "field html is a int" in rejects["dump.jsonl#line=5"]["detail"]
    assert "not a JSON line" in rejects["dump.jsonl#line=4"]["detail"]
    assert rejects["dump.jsonl#line=3"]["url"] == "https://example.org/nothing"
    # a page's own metadata first; a text record takes the record's
    assert articles["dump.jsonl#line=1"]["url"] == good[0]["url"]
    assert articles["dump.jsonl#line=8"]["url"] == good[1]["url"] and articles["dump.jsonl#line=8"]["account"]
    text = articles["dump.jsonl#line=2"]
    assert text["source"] == "text" and text["url"] == "https://example.org/t/1"
    assert (text["title"], text["published_at"], text["account"]) == ("纯文本记录", "2024-03-01T08:00:00+08:00", "文本号")
    assert text["published_from"] == "record"
    assert [b["text"] for b in text["blocks"]] == TEXT.splitlines()
    assert articles["dump.jsonl#line=1"]["fetched_from"].startswith(dump.parent.as_uri())


@pytest.fixture(scope="module")
def damaged(tmp_path_factory):
    """One crawl at the default settings of a folder of damaged corpora: a
    gzipped JSON-lines dump cut short (cut/) and Parquet files of good and bad
    rows, one of them cut (parquet/). Returns the folder, the articles and the
    rejects."""
    workdir = tmp_path_factory.mktemp("damaged")
    whole = corpora.write_jsonl(workdir / "whole.jsonl.gz", corpora.records(6))
    data = whole.read_bytes()
    folder = workdir / "in"
    (folder / "cut").mkdir(parents=True)
    (folder / "cut" / "cut.jsonl.gz").write_bytes(data[: len(data) * 2 // 3])
    (folder / "parquet").mkdir()
    write_parquet_files(folder / "parquet")
    articles, rejects, _ = crawl_files_in(workdir, folder)
    return folder, articles, rejects


def under(items, folder):
    return [item for item in items if item["fetched_from"].startswith(folder.as_uri() + "/")]


def test_a_truncated_gzip_dump_keeps_its_records_and_rejects_the_cut(damaged):
    folder, articles, rejects = damaged
    articles, rejects = under(articles, folder / "cut"), under(rejects, folder / "cut")
    readable = sum(1 for _ in gzip_lines(folder / "cut" / "cut.jsonl.gz"))

    assert 0 < readable < 6
    assert sorted(by_where(articles)) == [f"cut.jsonl.gz#line={n}" for n in range(1, readable + 1)]
    assert [(r["fetched_from"].rsplit("/", 1)[-1], r["reason"]) for r in rejects] == [
        (f"cut.jsonl.gz#line={readable + 1}", "malformed")]
    assert "EOFError" in rejects[0]["detail"]


def gzip_lines(path):
    """The complete lines Python's gzip reader gets from a cut file."""
    with gzip.open(path, "rb") as f:
        try:
            for line in f:
                if line.endswith(b"\n"):
                    yield line
        except EOFError:
            return


def test_a_gzip_bomb_is_cut_at_the_inflate_ratio(tmp_path, crawl_files):
    bomb = tmp_path / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb") as out:
        out.write(b'{"text": "' + b"a" * 1000 + b'"}\n')
        for _ in range(64):
            out.write(b" " * (1 << 20))  # 64 MiB of blanks, one line
    articles, rejects, _ = crawl_files(bomb, "-s", "FILES_MAX_INFLATE_RATIO=10")
    assert articles == [] or len(articles) == 1
    assert [r["reason"] for r in rejects][-1] == "too_large"
    assert "inflates past 10 times" in rejects[-1]["detail"]


def write_parquet_files(folder):
    rows = list(corpora.records(5, start=100))  # pages the cut dump does not hold: no duplicates
    rows[2] = {"url": "https://example.org/empty", "html": None, "title": "空", "date": None, "account": None}
    rows.append({"url": "https://example.org/t/2", "html": None, "title": None, "date": None, "account": None})
    schema = pa.schema([("url", pa.string()), ("html", pa.string()), ("title", pa.string()),
                        ("date", pa.string()), ("account", pa.string())])
    corpora.write_parquet(folder / "a.parquet", rows, row_group_size=2, schema=schema)
    # a column of the wrong type: every row a reject
    corpora.write_parquet(folder / "b.parquet", [{"url": "https://example.org/n", "html": 7}])
    # raw page bytes, with a text column and a timestamp date
    url, html = corpora.page(20)
    corpora.write_parquet(folder / "c.parquet", [
        {"url": url, "html": html, "text": None, "date": None},
        {"url": "https://example.org/t/3", "html": None, "text": TEXT, "date": pa.scalar(0, pa.timestamp("s")).as_py()}])
    good = (folder / "a.parquet").read_bytes()
    (folder / "d.parquet").write_bytes(good[: len(good) // 2])  # cut: its footer is gone


def test_parquet_files_good_and_bad_rows_and_a_damaged_file(damaged):
    folder, articles, rejects = damaged
    url = corpora.page(20)[0]
    articles, rejects = by_where(under(articles, folder / "parquet")), by_where(under(rejects, folder / "parquet"))
    assert set(articles) == {"a.parquet#row=0", "a.parquet#row=1", "a.parquet#row=3", "a.parquet#row=4",
                             "c.parquet#row=0", "c.parquet#row=1"}
    assert {where: r["reason"] for where, r in rejects.items()} == {
        "a.parquet#row=2": "empty", "a.parquet#row=5": "empty", "b.parquet#row=0": "malformed",
        "d.parquet": "malformed"}
    assert "field html is a int" in rejects["b.parquet#row=0"]["detail"]
    assert articles["c.parquet#row=0"]["url"] == url
    assert articles["c.parquet#row=1"]["published_at"] == "1970-01-01T00:00:00"


def test_field_names_are_settings(tmp_path, crawl_files):
    url, html = corpora.page(1)
    dump = corpora.write_jsonl(tmp_path / "d.jsonl", [{"link": url, "content": html.decode()}, {"html": "x"}])
    articles, rejects, _ = crawl_files(dump, "-s", "FILES_HTML_FIELD=content", "-s", "FILES_URL_FIELD=link")
    assert [a["url"] for a in articles] == [url]
    assert [(r["reason"], r["detail"]) for r in rejects] == [("empty", "record has no content nor text")]
