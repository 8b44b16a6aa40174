"""Damaged and oversized archives under ``scrapy crawl files``: bytes are
inflated only up to a cap, and every damaged member is a reject."""

from __future__ import annotations

import io

import pytest
from warcio.warcwriter import WARCWriter

from crawler.testing import corpora



def test_a_gzip_encoded_warc_record_is_inflated_only_up_to_the_cap(tmp_path, crawl_files):
    url, html = corpora.page(3)
    bomb = b"<html><body>" + b"<p>" * (8 << 20) + b"</body></html>"  # 24 MiB, ~25 KiB gzipped
    warc = corpora.write_warc(tmp_path / "enc.warc.gz", [(url, html), ("https://example.org/bomb", bomb)],
                              content_encoding="gzip")
    articles, rejects, _ = crawl_files(warc, "-s", "DOWNLOAD_MAXSIZE=1000000")
    assert [a["url"] for a in articles] == [url]  # a gzip-encoded page is read, inflated
    assert [(r["url"], r["reason"]) for r in rejects] == [("https://example.org/bomb", "too_large")]
    assert "inflates past DOWNLOAD_MAXSIZE 1000000" in rejects[0]["detail"]


@pytest.mark.parametrize("cut", [60, 4000], ids=["last-member-trailer", "last-member-body"])
def test_the_truncated_last_member_of_a_warc_gz_is_a_reject(tmp_path, crawl_files, cut):
    whole = corpora.write_warc(tmp_path / "whole.warc.gz", [corpora.page(n) for n in range(3)])
    data = whole.read_bytes()
    (tmp_path / "in").mkdir()
    warc = tmp_path / "in" / "cut.warc.gz"
    warc.write_bytes(data[:-cut])
    articles, rejects, _ = crawl_files(warc)
    assert len(articles) == 2
    assert [r["reason"] for r in rejects] == ["malformed"]
    assert "#offset=" in rejects[0]["fetched_from"]


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
