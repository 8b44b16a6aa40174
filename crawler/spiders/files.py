"""``scrapy crawl files -a path=PATH``: saved pages from disk through the chain.

Reads one file or a directory tree (sorted, so runs are repeatable): HTML,
plain text and Markdown files are pages; ``.warc``/``.warc.gz`` archives give
one page per HTML response record, with its original URL. Files that cannot
be pages (too large, unreadable, malformed archives) still become ``Page``
items carrying the reject reason, so every input is accounted for.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import scrapy
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler.items import Page
from crawler.reasons import Reason

WARC_SUFFIXES = (".warc", ".warc.gz")


class FilesSpider(scrapy.Spider):
    name = "files"
    # PIPELINE_WORKERS 0: in Scrapy 2.19 a graceful stop (SIGINT) never finishes closing while an
    # item yielded by start() waits in an async pipeline (crawler/pipelines/offload.py is one).
    custom_settings = {"ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0, "PIPELINE_WORKERS": 0}

    def __init__(self, path: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not path:
            raise ValueError("the files spider needs -a path=FILE_OR_DIRECTORY")
        self.path = Path(path).expanduser()
        if not self.path.exists():
            raise ValueError(f"-a path={path}: no such file or directory")

    def files(self):
        if self.path.is_file():
            yield self.path.resolve()
            return
        for root, dirs, names in os.walk(self.path):
            dirs.sort()
            for name in sorted(names):
                yield (Path(root) / name).resolve()

    async def start(self):
        max_bytes = self.settings.getint("DOWNLOAD_MAXSIZE")
        for path in self.files():
            self.crawler.stats.inc_value("files/read")
            if path.name.lower().endswith(WARC_SUFFIXES):
                for page in warc_pages(path, max_bytes):
                    yield page
            else:
                yield file_page(path, max_bytes)


def file_page(path: Path, max_bytes: int) -> Page:
    uri = path.as_uri()
    try:
        size = path.stat().st_size
        if max_bytes and size > max_bytes:
            return Page(uri, uri, error=Reason.TOO_LARGE, detail=f"{size} bytes > DOWNLOAD_MAXSIZE {max_bytes}")
        return Page(uri, uri, body=path.read_bytes())
    except OSError as exc:
        return Page(uri, uri, error=Reason.UNREADABLE, detail=str(exc))


def warc_pages(path: Path, max_bytes: int):
    """One ``Page`` per HTML response record; other records are not pages."""
    uri = path.as_uri()
    found = False
    try:
        with path.open("rb") as stream:
            if not _looks_like_warc(stream):
                yield Page(uri, uri, error=Reason.MALFORMED, detail="not a WARC file")
                return
            records = ArchiveIterator(stream)
            for record in records:
                if record.rec_type != "response" or not record.http_headers:
                    continue
                content_type = record.http_headers.get_header("Content-Type") or ""
                if "html" not in content_type.lower():
                    continue
                found = True
                target = record.rec_headers.get_header("WARC-Target-URI")
                status = int(record.http_headers.get_statuscode() or 0) or None
                length = int(record.rec_headers.get_header("Content-Length") or 0)
                # read the payload before asking for the offset: that reads the record to its end
                body = b"" if max_bytes and length > max_bytes else record.content_stream().read()
                where = f"{uri}#offset={records.get_record_offset()}"
                if max_bytes and length > max_bytes:
                    yield Page(where, target, status=status, error=Reason.TOO_LARGE,
                               detail=f"record of {length} bytes > DOWNLOAD_MAXSIZE {max_bytes}")
                else:
                    yield Page(where, target, body=body, status=status, content_type=content_type)
    except (ArchiveLoadFailed, OSError, ValueError, EOFError, TypeError) as exc:
        yield Page(uri, uri, error=Reason.MALFORMED, detail=f"WARC: {exc}")
        return
    if not found:
        yield Page(uri, uri, error=Reason.EMPTY, detail="WARC has no HTML response record")


def _looks_like_warc(stream) -> bool:
    """A WARC (plain or gzipped) starts with a ``WARC/`` record header line
    naming a record type; warcio reads other bytes without complaint."""
    head = stream.read(4096)
    stream.seek(0)
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(31).decompress(head)
        except zlib.error:
            return False
    return head.startswith(b"WARC/") and b"WARC-Type:" in head
