"""Damaged and oversized archives under ``scrapy crawl files``: bytes are
inflated only up to a cap, and every damaged member is a reject."""

from __future__ import annotations

import io

import pytest
from warcio.warcwriter import WARCWriter

from crawler.testing import corpora
from tests.support import crawl_files_in


def test_a_gzip_encoded_warc_record_is_inflated_only_up_to_the_cap(tmp_path, crawl_files):
    url, html = corpora.page(3)
    bomb = b"<html><body>" + b"<p>" * (8 << 20) + b"</body></html>"  # 24 MiB, ~25 KiB gzipped
    warc = corpora.write_warc(tmp_path / "enc.warc.gz", [(url, html), ("https://example.org/bomb", bomb)],
                              content_encoding="gzip")
    articles, rejects, _ = crawl_files(warc, "-s", "DOWNLOAD_MAXSIZE=1000000")
    assert [a["url"] for a in articles] == [url]  # a gzip-encoded page is read, inflated
    assert [(r["url"], r["reason"]) for r in rejects] == [("https://example.org/bomb", "too_large")]
    assert "inflates past DOWNLOAD_MAXSIZE 1000000" in rejects[0]["detail"]


CUTS = {"last-member-trailer": 60, "last-member-body": 4000}


@pytest.fixture(scope="module")
def truncated(tmp_path_factory):
    """One crawl of a folder of WARC files of three pages each, each cut CUTS[name]
    bytes before its end (pages of their own: the same page in two files is a
    near-duplicate, whichever file is read first)."""
    workdir = tmp_path_factory.mktemp("truncated")
    (workdir / "in").mkdir()
    for first, (name, cut) in zip((3, 0), CUTS.items()):
        pages = [corpora.page(first + n) for n in range(3)]
        data = corpora.write_warc(workdir / f"{name}.whole.warc.gz", pages).read_bytes()
        (workdir / "in" / f"{name}.warc.gz").write_bytes(data[:-cut])
    return crawl_files_in(workdir, workdir / "in")


@pytest.mark.parametrize("name", CUTS)
def test_the_truncated_last_member_of_a_warc_gz_is_a_reject(truncated, name):
    articles, rejects, _ = truncated
    mine = lambda items: [i for i in items if f"/{name}.warc.gz" in i["fetched_from"]]  # noqa: E731
    assert len(mine(articles)) == 2
    assert [r["reason"] for r in mine(rejects)] == ["malformed"]
    assert "#offset=" in mine(rejects)[0]["fetched_from"]


def test_a_warc_gz_record_declaring_more_than_the_inflate_ratio_is_not_inflated(tmp_path, crawl_files):
    warc = corpora.write_warc(tmp_path / "bomb.warc.gz", [corpora.page(5)])
    with warc.open("ab") as out:  # then a record of 3 MiB of zeros (a few KiB gzipped), not HTML
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warc_record("https://example.org/zeros", "resource",
                                                      payload=io.BytesIO(bytes(3 << 20))))
    articles, rejects, _ = crawl_files(warc, "-s", "FILES_MAX_INFLATE_RATIO=2")
    assert len(articles) == 1
    assert [r["reason"] for r in rejects] == ["too_large"]
    assert "inflates past 2 times" in rejects[0]["detail"]
