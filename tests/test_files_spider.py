"""``scrapy crawl files`` through the real engine: every input is accounted for."""

from __future__ import annotations

import io
import json

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.conftest import REPO, read_jsonl, run_scrapy, shared_path

NEWS = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head>
<body><header><nav><a href="/">首页</a> <a href="/news">新闻</a></nav></header>
<article><h1>{title}</h1>
<p>今年秋天，城东的老旧小区完成了电梯加装工程，六栋楼的居民终于不用再爬楼梯。</p>
<p>工程由街道牵头，居民按楼层分摊费用，高层住户出资较多，一楼住户不出资。</p>
<p>七十八岁的刘阿姨住在六楼，她说，过去下楼买菜要歇三次，现在十分钟就能往返。</p>
<p>街道表示，明年还将有十二栋楼启动加装，报名工作已经开始。</p>
</article><footer>版权所有</footer></body></html>"""


def write_warc(path, records):
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        for url, content_type, status, body in records:
            headers = StatusAndHeaders(f"{status} OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))


def test_every_bad_input_is_an_article_or_a_reject(tmp_path, crawl_files):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "binary.bin").write_bytes(bytes(range(256)) * 64)
    (inputs / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    (inputs / "empty.html").write_bytes(b"")
    (inputs / "gbk.html").write_bytes(NEWS.format(charset="gbk", title="老旧小区加装电梯").encode("gbk"))
    (inputs / "gbk_undeclared.htm").write_bytes(
        NEWS.format(charset="", title="老旧小区加装电梯").replace('<meta charset="">', "").encode("gbk"))
    full = NEWS.format(charset="utf-8", title="加装电梯之后").encode("utf-8")
    (inputs / "truncated.html").write_bytes(full[: full.index("街道表示".encode())])
    with (inputs / "huge.html").open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    write_warc(inputs / "small.warc.gz", [
        ("https://news.example.org/a/1", "text/html; charset=utf-8", 200, NEWS.format(charset="utf-8", title="电梯").encode()),
        ("https://news.example.org/logo.png", "image/png", 200, b"\x89PNG"),
        ("https://news.example.org/a/gone", "text/html", 404, b"<html><body>not here</body></html>"),
    ])
    (inputs / "broken.warc").write_bytes(b"WARC/1.0\r\nthis is not a warc record\r\n\r\n")

    articles, rejects, _ = crawl_files(inputs)

    by_file = {a["fetched_from"].rsplit("/", 1)[-1]: a for a in articles}
    reasons = {r["fetched_from"].rsplit("/", 1)[-1]: r["reason"] for r in rejects}
    assert reasons == {
        "binary.bin": "unsupported",
        "image.html": "bad_encoding",
        "empty.html": "empty",
        "huge.html": "too_large",
        "broken.warc": "malformed",
        f"small.warc.gz#offset={reasons_offset(rejects, 'news.example.org/a/gone')}": "not_found",
    }
    assert set(by_file) == {"gbk.html", "gbk_undeclared.htm", "truncated.html", next(k for k in by_file if k.startswith("small.warc.gz#"))}
    assert "刘阿姨" in by_file["gbk.html"]["text"] and "刘阿姨" in by_file["gbk_undeclared.htm"]["text"]
    assert "刘阿姨" in by_file["truncated.html"]["text"]
    warc_article = next(a for k, a in by_file.items() if k.startswith("small.warc.gz#"))
    assert warc_article["url"] == "https://news.example.org/a/1"
    huge = next(r for r in rejects if r["reason"] == "too_large")
    assert "52428800 bytes" in huge["detail"]


def reasons_offset(rejects, url_part):
    reject = next(r for r in rejects if url_part in (r["url"] or ""))
    assert reject["status"] == 404
    return reject["fetched_from"].rsplit("#offset=", 1)[1]


def is_subsequence(part: str, whole: str) -> bool:
    chars = iter(whole)
    return all(c in chars for c in part)


def test_seeds_give_two_articles_of_their_paragraphs(crawl_files):
    seeds = shared_path("seeds")
    articles, rejects, _ = crawl_files(seeds)
    assert rejects == []
    assert len(articles) == 2
    txt = next(a for a in articles if a["fetched_from"].endswith(".txt"))
    lines = [line for line in (seeds / "sohu_style_article_with_spam.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    # every block is one of the document's paragraphs, or what cleaning left of one
    assert all(b["type"] == "paragraph" for b in txt["blocks"])
    assert all(any(is_subsequence(b["text"], line) for line in lines) for b in txt["blocks"])
    md = next(a for a in articles if a["fetched_from"].endswith(".md"))
    assert md["title"].startswith("当AI开始") and len(md["blocks"]) > 20


def test_output_is_utf8_jsonl_and_schema(tmp_path, crawl_files):
    articles, rejects, _ = crawl_files(REPO / "samples")
    raw = (tmp_path / "articles.jsonl").read_text(encoding="utf-8")
    assert "\\u" not in raw and "图书馆" in raw
    for line in raw.splitlines():
        json.loads(line)
    schema = {"url", "fetched_from", "source", "title", "author", "account", "published_at",
              "blocks", "text", "lang", "images", "removed", "duplicate_of"}
    for article in articles:
        assert schema <= set(article)
        assert all(set(b) == {"type", "text", "lang"} for b in article["blocks"])
        assert article["text"] == "\n".join(b["text"] for b in article["blocks"])
    assert [(r["fetched_from"].rsplit("/", 1)[-1], r["reason"]) for r in rejects] == [
        ("deleted_by_author.html", "deleted")]
    assert len(articles) == 3
