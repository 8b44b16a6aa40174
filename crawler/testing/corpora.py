"""Generated corpora in the real sites' structure (the mock site's pages), as
the files users hold: JSON lines, Parquet, WARC. Shared by tests and benches."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from crawler.testing import mocksite as M

SOHU_AUTHOR = 9100


def page(n: int) -> tuple[str, bytes]:
    """(url, html) of generated page ``n``: Sohu and WeChat articles in turn, each text distinct."""
    if n % 2:
        news_id = 900000000 + n
        return f"https://www.sohu.com/a/{news_id}_{SOHU_AUTHOR}", M.sohu_page(news_id, SOHU_AUTHOR, "https://www.sohu.com")
    link = f"https://mp.weixin.qq.com/s/corpus{n}"
    html = M.wechat_page(f"corpus-{n}", f"语料第{n}篇", "语料测试号", "编辑部", M.ts("2024-05-01") + n, link)
    return link, html


def records(count: int, start: int = 0) -> Iterator[dict]:
    """JSON-lines/Parquet records of pages ``start`` .. ``start + count - 1``."""
    for n in range(start, start + count):
        url, html = page(n)
        yield {"url": url, "html": html.decode("utf-8"), "title": None, "date": None, "account": None}


def write_jsonl(path: Path, rows: Iterable[dict | str]) -> Path:
    """Rows as JSON lines (a str row is written as it is: a broken line)."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as out:
        for row in rows:
            out.write((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n")
    return path


def write_parquet(path: Path, rows: list[dict], row_group_size: int = 1000, schema=None) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def write_warc(path: Path, pages: Iterable[tuple[str, bytes]], content_encoding: str | None = None) -> Path:
    """One gzipped WARC response record per (url, html)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, html in pages:
            headers = [("Content-Type", "text/html; charset=utf-8")]
            if content_encoding == "gzip":
                html = gzip.compress(html)
                headers.append(("Content-Encoding", "gzip"))
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html),
                                                          http_headers=http))
    return path
