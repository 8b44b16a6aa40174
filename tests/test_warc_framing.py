"""WARC records framed by the process that reads the file and decoded by the
pipeline workers (``warc_records``) give the pages warcio's own reading of the
file gives (``warc_pages``), damaged and unusual files included."""

from __future__ import annotations

import dataclasses
import gzip
import io

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.fetching.corpus import Limits, Undecoded, WarcRecord, warc_pages, warc_records
from crawler.testing import corpora


def write(path, records, gzipped=True):
    """``records``: (type, url, payload bytes, HTTP Content-Type or None for no HTTP headers)."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        for kind, url, payload, content_type in records:
            http = None if content_type is None else StatusAndHeaders(
                "200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, kind, payload=io.BytesIO(payload), http_headers=http))
    return path


def mixed(path):
    """A crawler's WARC: warcinfo, request and metadata records among HTML and other responses."""
    url, html = corpora.page(1)
    return write(path, [
        ("warcinfo", None, b"software: test\r\n", None),
        ("request", url, b"GET / HTTP/1.1\r\n\r\n", None),
        ("response", url, html, "text/html; charset=utf-8"),
        ("metadata", url, b"via: x\r\n", None),
        ("response", "https://example.org/logo.png", b"\x89PNG" + bytes(300), "image/png"),
        ("response", "https://example.org/x", b"<html><body><p>XHTML</p></body></html>", "application/xhtml+xml"),
        ("resource", "https://example.org/r", b"<p>not a response</p>", None),
        *[("response", *corpora.page(n), "text/html") for n in range(2, 5)],
    ])


def test_records_with_an_encoded_payload_or_unusual_headers_are_read_by_warcio(tmp_path):
    path = corpora.write_warc(tmp_path / "enc.warc.gz", [corpora.page(n) for n in range(3)], content_encoding="gzip")
    assert check(path)[0] == 3
    odd = [odd_record(b"<https://example.org/w>", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>w</p>"),
           odd_record(b"https://example.org/a b", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>a</p>"),
           odd_record(b"https://example.org/c", b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=\xe9\r\n"
                                               b"Transfer-Encoding: chunked\r\n\r\n8\r\n<p>c</p>\r\n0\r\n\r\n")]
    (tmp_path / "odd.warc.gz").write_bytes(b"".join(odd))
    framed, read = check(tmp_path / "odd.warc.gz")
    assert framed == 3 and [(page["url"], page["body"]) for page in read] == [
        ("https://example.org/w", b"<p>w</p>"), ("https://example.org/a%20b", b"<p>a</p>"),
        ("https://example.org/c", b"<p>c</p>")]


def test_a_record_warcio_cannot_read_is_a_reject_of_its_own_once_framed(tmp_path):
    """(warcio, reading the whole file, stops at it: the records after it are lost)"""
    good = odd_record(b"https://example.org/g", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>g</p>")
    bad = odd_record(b"https://example.org/b", b"HTTP/1.1 x OK\r\nContent-Type: text/html\r\n\r\n<p>b</p>")
    (tmp_path / "bad.warc.gz").write_bytes(good + bad + good)
    read = [page.error for page in warc_records(str(tmp_path / "bad.warc.gz"), Limits())]
    assert read == [None, "malformed", None]
    assert [page.error for page in warc_pages(str(tmp_path / "bad.warc.gz"), 1000)] == [None, "malformed"]


def odd_record(uri: bytes, message: bytes) -> bytes:
    return gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: %s\r\nContent-Length: %d\r\n\r\n"
                         b"%s\r\n\r\n" % (uri, len(message), message))


def pages(records, limits):
    return [dataclasses.asdict(record.page(limits) if isinstance(record, Undecoded) else record)
            for record in records]


def check(path, limits=Limits()):
    """The three readings agree; how many of the records were framed (decoded by a worker)."""
    by_warcio = pages(warc_pages(str(path), limits.max_bytes, limits.max_ratio), limits)
    assert pages(warc_records(str(path), limits), limits) == by_warcio
    undecoded = list(warc_records(str(path), limits, undecoded=True))
    assert pages(undecoded, limits) == by_warcio
    return sum(isinstance(record, WarcRecord) for record in undecoded), by_warcio


def test_a_crawlers_warc_is_framed_record_by_record(tmp_path):
    framed, read = check(mixed(tmp_path / "mixed.warc.gz"))
    assert framed == len(read) == 5  # the HTML responses, none of the others
    assert all(page["error"] is None and page["body"] for page in read)


def test_what_is_not_framed_is_read_by_warcio_from_there(tmp_path):
    path = mixed(tmp_path / "mixed.warc.gz")
    data = path.read_bytes()
    whole = gzip.compress(gzip.decompress(data))  # one gzip member for every record
    cases = {
        "one member": whole,
        "cut in the last member": data[:-60],
        "cut early": data[:len(data) // 3],
        "bytes after the last member": data + b"not gzip at all",
        "a damaged member": data[:900] + bytes(40) + data[940:],
    }
    for name, content in cases.items():
        (tmp_path / f"{name}.warc.gz").write_bytes(content)
        framed, read = check(tmp_path / f"{name}.warc.gz")
        assert read, name
    assert check(tmp_path / "one member.warc.gz")[0] == 0
    framed, read = check(write(tmp_path / "plain.warc", [("response", *corpora.page(1), "text/html")], gzipped=False))
    assert framed == 0 and len(read) == 1 and read[0]["body"]


@pytest.mark.parametrize("limits", [Limits(max_bytes=4000), Limits(max_ratio=2), Limits(max_bytes=0, max_ratio=0)],
                         ids=["DOWNLOAD_MAXSIZE", "inflate ratio", "no bounds"])
def test_records_over_the_bounds_are_what_warcio_makes_of_them(tmp_path, limits):
    url, html = corpora.page(7)
    path = write(tmp_path / "big.warc.gz", [
        ("response", url, html, "text/html"),
        ("response", "https://example.org/big", b"<p>" + b"x" * 20_000 + b"</p>", "text/html"),
        ("response", "https://example.org/enc", gzip.compress(b"<p>" * 100_000), "text/html"),
        ("resource", "https://example.org/zeros", bytes(3 << 20), None),
        ("response", *corpora.page(8), "text/html"),
    ])
    framed, read = check(path, limits)
    assert framed >= 1
    if not limits.max_bytes:  # no DOWNLOAD_MAXSIZE: every page whole
        assert [(page["url"], page["error"], len(page["body"])) for page in read] == [
            (url, None, len(html)), ("https://example.org/big", None, 20_007),
            ("https://example.org/enc", None, len(gzip.compress(b"<p>" * 100_000))),
            (corpora.page(8)[0], None, len(corpora.page(8)[1]))]


def test_a_warc_without_an_html_response_and_one_with_folded_headers(tmp_path):
    framed, read = check(write(tmp_path / "none.warc.gz", [("resource", "https://example.org/r", b"x", None)]))
    assert [page["error"] for page in read] == ["empty"]
    folded = tmp_path / "folded.warc.gz"
    message = b"HTTP/1.1 200 OK\r\nContent-Type: text/\r\n html\r\n\r\n<p>folded</p>"
    head = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/f\r\n"
            b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n" % len(message))
    folded.write_bytes(gzip.compress(head + message + b"\r\n\r\n"))
    assert check(folded)[0] == 0  # left to warcio
