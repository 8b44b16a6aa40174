"""Inputs users already hold, read from disk as ``Page`` items. Plain Python, no Scrapy.

- ``walk(path)``: every entry of a file or directory tree, sorted, as a
  ``Unit`` to read or an ``Entry`` refused with its reason. Symlinks are
  named by their own path; a symlinked directory is followed once (a loop
  is refused); FIFOs, devices and sockets are refused without being opened;
  an unreadable directory or a dangling symlink is refused.
- ``units(entry, ...)``: the units of work of one file: the whole file, or
  for a Parquet file slices of its row groups (a unit a distributed crawl
  hands to one process).
- ``read_unit(unit, limits)``: the unit's pages: a page or text file is one
  page, a WARC one per HTML response record, a JSON-lines dump (``.jsonl``,
  ``.jsonl.gz``) one per line, a Parquet file one per row. Large files are
  streamed: a line, a record or a batch of rows at a time. With
  ``undecoded=True`` a JSON line is a ``JsonLine`` and a WARC response record
  a ``WarcRecord`` (their bytes, not yet decoded): the pipeline workers decode
  them, not the process that reads the file.

Every input ends as a ``Page``; those that cannot be pages carry the reject
reason in ``error`` (``too_large``, ``unreadable``, ``unsupported``,
``malformed``, ``empty``), so the extract stage rejects them with it.
Decompressed sizes are bounded: a record, a line or a cell over
``max_bytes`` is ``too_large``; a ``.gz`` input inflating past ``max_ratio``
times its size is cut there (``too_large``).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.items import Page
from crawler.reasons import Reason

WARC_SUFFIXES = (".warc", ".warc.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jl", ".jl.gz", ".ndjson", ".ndjson.gz")
PARQUET_SUFFIXES = (".parquet",)
PARQUET_BATCH_ROWS = 64  # rows converted to Python at once (a batch's pages are in memory together)
_LINE_CHUNK = 1 << 20  # bytes skipped at a time past an overlong line


@dataclass(frozen=True)
class Fields:
    """Field names of a record (JSON-lines object, Parquet column)."""

    html: str = "html"
    text: str = "text"
    url: str = "url"
    title: str = "title"
    date: str = "date"
    account: str = "account"

    def columns(self) -> list[str]:
        return [self.html, self.text, self.url, self.title, self.date, self.account]


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 16 * 1024 * 1024  # a page, record, line or cell; 0: none
    max_ratio: float = 100.0  # a .gz input inflates to at most this many times its size; 0: no cap
    fields: Fields = field(default_factory=Fields)


class Undecoded:
    """A record read but not decoded (the pipeline workers decode it):
    ``page(limits)`` decodes it; ``fetched_from`` names it."""

    @property
    def url(self) -> str:
        return self.fetched_from

    def page(self, limits: Limits) -> Page:
        raise NotImplementedError


@dataclass(frozen=True)
class JsonLine(Undecoded):
    """A JSON-lines record read but not decoded."""

    fetched_from: str
    line: bytes

    def page(self, limits: Limits) -> Page:
        return _json_record(self.line, self.fetched_from, limits)


@dataclass(frozen=True)
class WarcRecord(Undecoded):
    """An HTML response record of a ``.warc.gz``, framed (its gzip member
    inflated, one whole record) but not decoded."""

    fetched_from: str
    data: bytes

    def page(self, limits: Limits) -> Page:
        return _warc_record_page(self.data, self.fetched_from, limits.max_bytes)


def limits_from(settings) -> Limits:
    """The ``Limits`` a crawl's settings give (``DOWNLOAD_MAXSIZE``, ``FILES_*``)."""
    fields = Fields(**{name: settings.get(f"FILES_{name.upper()}_FIELD") for name in Fields.__dataclass_fields__})
    return Limits(settings.getint("DOWNLOAD_MAXSIZE"), settings.getfloat("FILES_MAX_INFLATE_RATIO"), fields)


@dataclass(frozen=True)
class Unit:
    """A file to read, or the rows [start, stop) of a Parquet file."""

    path: str  # absolute, symlinks not resolved: the name the user gave
    start: int = 0
    stop: int | None = None

    @property
    def key(self) -> str:
        """Names the unit in a shared queue."""
        uri = Path(self.path).as_uri()
        return uri if self.stop is None else f"{uri}#rows={self.start}-{self.stop}"


@dataclass(frozen=True)
class Entry:
    """A directory entry refused without reading."""

    path: str
    reason: str
    detail: str

    def page(self) -> Page:
        uri = Path(self.path).as_uri()
        return Page(uri, uri, error=self.reason, detail=self.detail)


# --- the walk ---------------------------------------------------------------

def walk(path: str | os.PathLike) -> Iterator[Unit | Entry]:
    """Every entry under ``path`` (sorted by name), readable files as
    ``Unit``, the others as ``Entry`` with their reject reason."""
    top = os.path.abspath(os.fspath(path))
    yield from _visit(top, set())


def _visit(path: str, seen: set[tuple[int, int]]) -> Iterator[Unit | Entry]:
    try:
        info = os.stat(path)  # follows symlinks: what a reader would open
    except OSError as exc:
        yield _refused_link(path, exc)
        return
    if stat.S_ISREG(info.st_mode):
        yield Unit(path)
    elif stat.S_ISDIR(info.st_mode):
        yield from _visit_dir(path, info, seen)
    else:
        yield Entry(path, Reason.UNSUPPORTED, f"not a regular file ({_kind(info.st_mode)}): not read")


def _visit_dir(path: str, info: os.stat_result, seen: set[tuple[int, int]]) -> Iterator[Unit | Entry]:
    identity = (info.st_dev, info.st_ino)
    if identity in seen:
        yield Entry(path, Reason.UNSUPPORTED, f"symlink loop: {os.path.realpath(path)} is already being read")
        return
    try:
        with os.scandir(path) as listing:
            names = sorted(entry.name for entry in listing)
    except OSError as exc:
        yield Entry(path, Reason.UNREADABLE, f"directory: {exc.strerror or exc}")
        return
    seen = seen | {identity}
    for name in names:
        yield from _visit(os.path.join(path, name), seen)


def _refused_link(path: str, exc: OSError) -> Entry:
    if os.path.islink(path):
        target = os.readlink(path)
        what = "symlink loop" if exc.errno == 40 else "dangling symlink"
        return Entry(path, Reason.UNREADABLE, f"{what} to {target}: {exc.strerror or exc}")
    return Entry(path, Reason.UNREADABLE, exc.strerror or str(exc))


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "special file"


def open_regular(path: str):
    """Open a file for reading only if it is (still) a regular file: never
    blocks on a FIFO that replaced it, never reads a device."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise IsADirectoryError(f"not a regular file ({_kind(mode)})") if not stat.S_ISDIR(mode) \
                else IsADirectoryError("a directory")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


# --- units of work ----------------------------------------------------------

def suffix_of(path: str) -> str:
    name = path.lower()
    for suffix in WARC_SUFFIXES + JSONL_SUFFIXES + PARQUET_SUFFIXES:
        if name.endswith(suffix):
            return suffix
    return ""


def units(unit: Unit, slice_rows: int = 0) -> list[Unit | Entry]:
    """``unit`` cut into slices of about ``slice_rows`` rows (whole row
    groups) when it is a Parquet file; any other file is one unit."""
    if not slice_rows or suffix_of(unit.path) not in PARQUET_SUFFIXES:
        return [unit]
    import pyarrow.parquet as pq

    try:
        with open_regular(unit.path) as stream:
            meta = pq.ParquetFile(stream).metadata
            groups = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    except Exception:  # read_unit rejects it with its reason
        return [unit]
    slices, start, size = [], 0, 0
    for rows in groups:
        size += rows
        if size >= slice_rows:
            slices.append(Unit(unit.path, start, start + size))
            start, size = start + size, 0
    if size or not slices:
        slices.append(Unit(unit.path, start, start + size))
    return slices if len(slices) > 1 else [unit]


def read_unit(unit: Unit, limits: Limits, undecoded: bool = False) -> Iterator[Page | JsonLine | WarcRecord]:
    suffix = suffix_of(unit.path)
    if suffix in WARC_SUFFIXES:
        return warc_records(unit.path, limits, undecoded)
    if suffix in JSONL_SUFFIXES:
        return jsonl_pages(unit.path, limits, undecoded)
    if suffix in PARQUET_SUFFIXES:
        return parquet_pages(unit, limits)
    return iter([file_page(unit.path, limits.max_bytes)])


# --- one page per file ------------------------------------------------------

def file_page(path: str, max_bytes: int) -> Page:
    uri = Path(path).as_uri()
    try:
        with open_regular(path) as stream:
            size = os.fstat(stream.fileno()).st_size
            if max_bytes and size > max_bytes:
                return Page(uri, uri, error=Reason.TOO_LARGE, detail=f"{size} bytes > DOWNLOAD_MAXSIZE {max_bytes}")
            body = stream.read(max_bytes + 1) if max_bytes else stream.read()
        if max_bytes and len(body) > max_bytes:  # it grew while read
            return Page(uri, uri, error=Reason.TOO_LARGE, detail=f"over DOWNLOAD_MAXSIZE {max_bytes}")
        return Page(uri, uri, body=body)
    except OSError as exc:
        return Page(uri, uri, error=Reason.UNREADABLE, detail=exc.strerror or str(exc))


# --- records: JSON lines and Parquet ----------------------------------------

def record_page(record: Any, where: str, limits: Limits) -> Page:
    """A page (or text) from one record; a reject when it holds none or
    holds values of the wrong type."""
    names = limits.fields
    if not isinstance(record, dict):
        return Page(where, where, error=Reason.MALFORMED, detail=f"record is a JSON {type(record).__name__}, not an object")
    url = record.get(names.url)
    if url is not None and not isinstance(url, str):
        return _wrong_type(where, names.url, url)
    url = url or where
    hints = {}
    for key, name in (("title", names.title), ("published_at", names.date), ("account", names.account)):
        value = record.get(name)
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        if value is not None and not isinstance(value, str):
            return _wrong_type(where, name, value, url)
        if value:
            hints[key] = value
    for name, content_type in ((names.html, "text/html"), (names.text, "text/plain")):
        value = record.get(name)
        if value is None or value == "":
            continue
        if isinstance(value, str):
            body, content_type = value.encode("utf-8", "surrogatepass"), content_type + "; charset=utf-8"
        elif isinstance(value, bytes):  # raw page bytes (a Parquet binary column): charset sniffed
            body = value
        else:
            return _wrong_type(where, name, value, url)
        if limits.max_bytes and len(body) > limits.max_bytes:
            return Page(where, url, error=Reason.TOO_LARGE,
                        detail=f"field {name}: {len(body)} bytes > DOWNLOAD_MAXSIZE {limits.max_bytes}")
        return Page(where, url, body=body, content_type=content_type, hints=hints)
    return Page(where, url, error=Reason.EMPTY, detail=f"record has no {names.html} nor {names.text}")


def _wrong_type(where: str, name: str, value: Any, url: str | None = None) -> Page:
    return Page(where, url or where, error=Reason.MALFORMED, detail=f"field {name} is a {type(value).__name__}")


class _Capped:
    """A readable stream that ends (``exceeded`` set) past ``cap`` bytes."""

    def __init__(self, stream, cap: int):
        self.stream, self.cap, self.read_bytes, self.exceeded = stream, cap, 0, False

    def readline(self, size: int = -1) -> bytes:
        if self.cap and self.read_bytes >= self.cap:
            self.exceeded = True
            return b""
        limit = size if size >= 0 else _LINE_CHUNK
        if self.cap:
            limit = min(limit, self.cap - self.read_bytes + 1)
        line = self.stream.readline(limit)
        self.read_bytes += len(line)
        return line


def jsonl_pages(path: str, limits: Limits, undecoded: bool = False) -> Iterator[Page | JsonLine]:
    """One page per line of a JSON-lines file (gzipped when it ends in ``.gz``);
    ``undecoded``: a line that is not a reject already is a ``JsonLine``."""
    uri = Path(path).as_uri()
    number = 0
    try:
        with open_regular(path) as raw:
            size = os.fstat(raw.fileno()).st_size
            gzipped = path.lower().endswith(".gz")
            stream = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
            capped = _Capped(stream, int(limits.max_ratio * max(size, 1 << 20)) if gzipped and limits.max_ratio else 0)
            while True:
                line, too_long = _read_line(capped, limits.max_bytes)
                if not line and not too_long:
                    break
                number += 1
                where = f"{uri}#line={number}"
                if too_long:
                    yield Page(where, where, error=Reason.TOO_LARGE, detail=f"line over DOWNLOAD_MAXSIZE {limits.max_bytes}")
                elif line.strip():
                    yield JsonLine(where, line) if undecoded else _json_record(line, where, limits)
            if capped.exceeded:
                yield Page(f"{uri}#line={number + 1}", uri, error=Reason.TOO_LARGE,
                           detail=f"gzip inflates past {limits.max_ratio:g} times its {size} bytes: rest not read")
    except (OSError, EOFError, zlib.error) as exc:
        if isinstance(exc, (EOFError, zlib.error, gzip.BadGzipFile)) or number:
            yield Page(f"{uri}#line={number + 1}", uri, error=Reason.MALFORMED,
                       detail=f"after line {number}: {type(exc).__name__}: {exc}")
        else:
            yield Page(uri, uri, error=Reason.UNREADABLE, detail=exc.strerror or str(exc))


def _read_line(stream: _Capped, max_bytes: int) -> tuple[bytes, bool]:
    """The next line, or (b"", True) for a line over ``max_bytes`` (skipped to its end)."""
    if not max_bytes:
        parts = []
        while (part := stream.readline(_LINE_CHUNK)) and not part.endswith(b"\n"):
            parts.append(part)
        return b"".join(parts) + part, False
    line = stream.readline(max_bytes + 1)
    if len(line) <= max_bytes or line.endswith(b"\n"):  # at most max_bytes and its newline
        return line, False
    while (part := stream.readline(_LINE_CHUNK)) and not part.endswith(b"\n"):
        pass
    return b"", True


def _json_record(line: bytes, where: str, limits: Limits) -> Page:
    try:
        record = json.loads(line)
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        return Page(where, where, error=Reason.MALFORMED, detail=f"not a JSON line: {exc}")
    return record_page(record, where, limits)


def parquet_pages(unit: Unit, limits: Limits) -> Iterator[Page]:
    """One page per row of a Parquet file (rows [start, stop) of the unit),
    a batch of rows at a time, only the record's columns read."""
    import pyarrow.parquet as pq

    uri = Path(unit.path).as_uri()
    row = unit.start
    try:
        with open_regular(unit.path) as stream:
            reader = pq.ParquetFile(stream)
            present = set(reader.schema_arrow.names)
            columns = [name for name in dict.fromkeys(limits.fields.columns()) if name in present]
            groups = _row_groups(reader, unit)
            if not columns:
                yield from (Page(f"{uri}#row={n}", f"{uri}#row={n}", error=Reason.EMPTY,
                                 detail=f"no column {limits.fields.html} nor {limits.fields.text}")
                            for n in range(unit.start, unit.start + sum(reader.metadata.row_group(g).num_rows
                                                                          for g in groups)))
                return
            for batch in reader.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=groups, columns=columns,
                                             use_threads=False):
                for record in batch.to_pylist():
                    where = f"{uri}#row={row}"
                    yield record_page(record, where, limits)
                    row += 1
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError... on a damaged file
        reason = Reason.UNREADABLE if isinstance(exc, PermissionError) else Reason.MALFORMED
        yield Page(f"{uri}#row={row}" if row else uri, uri, error=reason,
                   detail=f"Parquet: {type(exc).__name__}: {exc}")


def _row_groups(reader, unit: Unit) -> list[int]:
    meta = reader.metadata
    if unit.stop is None:
        return list(range(meta.num_row_groups))
    groups, first = [], 0
    for index in range(meta.num_row_groups):
        if unit.start <= first < unit.stop:
            groups.append(index)
        first += meta.row_group(index).num_rows
    return groups


# --- WARC -------------------------------------------------------------------

_MEMBER_PIECE = 1 << 15  # compressed bytes given to the inflater at once (what is left over is copied)
_HEADERS_SLACK = 1 << 16  # inflated bytes a framed record may hold beyond DOWNLOAD_MAXSIZE: its headers
_FRAME_BOUND = 1 << 26  # inflated bytes of a framed record when no other bound is set


def warc_records(path: str, limits: Limits, undecoded: bool = False) -> Iterator[Page | WarcRecord]:
    """One page per HTML response record of a WARC (``warc_pages``); in a
    ``.warc.gz`` whose gzip members each hold one whole record (as WARC
    writers make them), the records are framed here, each member inflated
    (zlib) and its headers read only as far as whether it is an HTML
    response: such a record is a ``WarcRecord`` (``undecoded``) or the page
    ``warcio`` reads from it, its other records are not pages. From the
    first member that is not so (one inflating past ``DOWNLOAD_MAXSIZE`` or
    the inflate cap, several records in one member, a damaged or truncated
    member), and for a plain ``.warc``, ``warc_pages`` reads the rest."""
    uri = Path(path).as_uri()
    found, resume = False, 0  # a page yielded; where warc_pages reads on from
    if path.lower().endswith(".gz"):
        try:
            with open_regular(path) as stream:
                if _looks_like_warc(stream):
                    for offset, end, data in _gzip_members(stream, _frame_bound(limits, stream)):
                        html = _html_response(data) if data is not None else None
                        if html is None:  # not a member framed here: warcio reads from it on
                            break
                        if html:
                            found = True
                            record = WarcRecord(f"{uri}#offset={offset}", data)
                            yield record if undecoded else record.page(limits)
                        resume = end
                    else:
                        if not found:
                            yield Page(uri, uri, error=Reason.EMPTY, detail="WARC has no HTML response record")
                        return
        except OSError:
            pass  # warc_pages reads on from the last record framed, and tells why it cannot
    yield from warc_pages(path, limits.max_bytes, limits.max_ratio, start=resume, found=found)


def _frame_bound(limits: Limits, stream) -> int:
    """Inflated bytes of a record framed by ``warc_records``: ``DOWNLOAD_MAXSIZE``
    and its headers, and no more than the inflate cap (``warc_pages`` reads a
    larger one as it would: skipped, refused past the cap)."""
    cap = limits.max_ratio and int(limits.max_ratio * max(os.fstat(stream.fileno()).st_size, 1 << 20))
    return min(filter(None, (limits.max_bytes and limits.max_bytes + _HEADERS_SLACK, cap)), default=_FRAME_BOUND)


def _gzip_members(stream, bound: int) -> Iterator[tuple[int, int, bytes | None]]:
    """(offset, end, inflated bytes) of each gzip member of ``stream``, in
    order, to its end; (offset, None, None) for a member that inflates past
    ``bound`` bytes, cannot be inflated or is cut short (the last one given)."""
    pending, offset = memoryview(b""), 0
    while True:
        if not pending:
            pending = memoryview(stream.read(1 << 20))
            if not pending:
                return
        inflater, parts, size, end = zlib.decompressobj(31), [], 0, offset
        while not inflater.eof:
            if not pending:
                pending = memoryview(stream.read(1 << 20))
                if not pending:  # cut short
                    yield offset, None, None
                    return
            piece = pending[:_MEMBER_PIECE]
            try:
                part = inflater.decompress(piece, bound + 1 - size)
            except zlib.error:
                yield offset, None, None
                return
            size += len(part)
            if size > bound:
                yield offset, None, None
                return
            parts.append(part)
            taken = len(piece) - len(inflater.unused_data)
            end += taken
            pending = pending[taken:]
        yield offset, end, b"".join(parts)
        offset = end


def _html_response(data: bytes) -> bool | None:
    """Whether ``data``, one gzip member inflated, is an HTML response record
    (WARC-Type ``response``, an HTTP message whose Content-Type names html);
    None when it is not exactly one whole WARC record of headers this reads
    as warcio does (left to warcio)."""
    head = data.find(b"\r\n\r\n")
    if head < 0 or not data.startswith(b"WARC/"):
        return None
    fields = _header_fields(data, 0, head)
    try:
        length = int(fields[b"content-length"]) if fields is not None else -1
    except (KeyError, ValueError):
        return None
    if length < 0 or len(data) != head + 4 + length + 4 or not data.endswith(b"\r\n\r\n"):
        return None
    if fields.get(b"warc-type") != b"response":
        return False
    block = head + 4
    http = data.find(b"\r\n\r\n", block, block + length)
    if http < 0 or not data.startswith(b"HTTP/", block):
        return None
    fields = _header_fields(data, block, http)
    return None if fields is None else b"html" in fields.get(b"content-type", b"").lower()


def _header_fields(data: bytes, start: int, stop: int) -> dict[bytes, bytes] | None:
    """The header lines of ``data[start:stop]`` after its first line, by
    lowercased name (the first of a name); None if a line continues the one
    before it (folded: left to warcio)."""
    fields = {}
    for line in data[start:stop].split(b"\r\n")[1:]:
        if line[:1] in (b" ", b"\t"):
            return None
        name, colon, value = line.partition(b":")
        if colon:
            fields.setdefault(name.strip().lower(), value.strip())
    return fields


def _warc_record_page(data: bytes, where: str, max_bytes: int) -> Page:
    """The page of one framed HTML response record (``WarcRecord``): read
    here when its payload is its HTTP body as it stands (no Content- or
    Transfer-Encoding) and the headers it gives are ASCII, as warcio would read
    them; else by warcio."""
    head = data.find(b"\r\n\r\n")
    warc = _header_fields(data, 0, head)
    length, block = int(warc[b"content-length"]), head + 4
    http = data.find(b"\r\n\r\n", block, block + length)
    fields = _header_fields(data, block, http)
    target, content_type = warc.get(b"warc-target-uri", b""), fields.get(b"content-type", b"")
    code = data[block:data.find(b"\r\n", block)].split(b" ", 2)[1:2]
    if (b"content-encoding" in fields or b"transfer-encoding" in fields or not code or not code[0].isdigit()
            or not target.isascii() or not content_type.isascii() or target[:1] in (b"", b"<") or b" " in target):
        return _warcio_record_page(data, where, max_bytes)
    target, status = target.decode(), int(code[0]) or None
    if max_bytes and length > max_bytes:
        return Page(where, target, status=status, error=Reason.TOO_LARGE,
                    detail=f"record of {length} bytes > DOWNLOAD_MAXSIZE {max_bytes}")
    return Page(where, target, body=data[http + 4:block + length], status=status, content_type=content_type.decode())


def _warcio_record_page(data: bytes, where: str, max_bytes: int) -> Page:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        record = next(iter(ArchiveIterator(io.BytesIO(data))))
        page = _warc_page(record, max_bytes, lambda: where)
    except (ArchiveLoadFailed, StopIteration, ValueError, EOFError, TypeError, zlib.error) as exc:
        return Page(where, where, error=Reason.MALFORMED, detail=f"WARC: {exc}")
    if page is None:  # its headers, read as an HTML response's here, are not one's to warcio
        return Page(where, where, error=Reason.MALFORMED, detail="WARC: warcio reads no HTML response in the record")
    return page


def warc_pages(path: str, max_bytes: int, max_ratio: float = 0.0, start: int = 0,
               found: bool = False) -> Iterator[Page]:
    """One ``Page`` per HTML response record; other records are not pages.

    A record's payload is read (and inflated, for ``Content-Encoding: gzip``)
    up to ``max_bytes``; a record cut short, or bytes past the last record
    read (a truncated gzip member), are rejected ``malformed``; in a
    ``.warc.gz``, a record declaring more than ``max_ratio`` times the file's
    size ends the reading (``too_large``), as skipping it would inflate it.
    ``start``: the offset of the first record to read (those before were read
    by ``warc_records``; ``found``: one of them was a page)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    uri = Path(path).as_uri()
    end = start  # where the last record read ends
    try:
        with open_regular(path) as stream:
            size = os.fstat(stream.fileno()).st_size
            if not _looks_like_warc(stream):
                yield Page(uri, uri, error=Reason.MALFORMED, detail="not a WARC file")
                return
            stream.seek(start)
            records = ArchiveIterator(stream)
            if start:  # WARC records were read before it: warcio tells what it makes of bytes that are not one
                records.known_format = "warc"
            cap = int(max_ratio * max(size, 1 << 20)) if max_ratio and path.lower().endswith(".gz") else 0
            for record in records:
                declared = int(record.rec_headers.get_header("Content-Length") or 0)
                if cap and declared > cap:  # skipping it would inflate it all (a gzip bomb)
                    yield Page(f"{uri}#offset={end}", uri, error=Reason.TOO_LARGE,
                               detail=f"record of {declared} bytes inflates past {max_ratio:g} times the"
                                      f" file's {size} bytes: rest not read")
                    return
                # the payload read, the offset is known (asking first would read the record to its end)
                page = _warc_page(record, max_bytes, lambda: f"{uri}#offset={records.get_record_offset()}")
                end = records.get_record_offset() + records.get_record_length()
                if page is not None:
                    found = True
                    yield page
            if end < size and not _blank_tail(stream, end, size):
                yield Page(f"{uri}#offset={end}", uri, error=Reason.MALFORMED,
                           detail=f"WARC: {size - end} bytes after the last record cannot be read (truncated?)")
                return
    except (ArchiveLoadFailed, OSError, ValueError, EOFError, TypeError, zlib.error) as exc:
        yield Page(f"{uri}#offset={end}" if end else uri, uri, error=Reason.MALFORMED, detail=f"WARC: {exc}")
        return
    if not found:
        yield Page(uri, uri, error=Reason.EMPTY, detail="WARC has no HTML response record")


def _blank_tail(stream, end: int, size: int) -> bool:
    """Whether the bytes after the last record are the line ends that close it
    (in a plain ``.warc`` warcio's record length leaves them out)."""
    if size - end > 4:
        return False
    stream.seek(end)
    return not stream.read(4).strip(b"\r\n")


def _warc_page(record, max_bytes: int, where) -> Page | None:
    """The page of a warcio record (``where()`` names it once its payload is
    read), or None when it is not an HTML response."""
    if record.rec_type != "response" or not record.http_headers:
        return None
    content_type = record.http_headers.get_header("Content-Type") or ""
    if "html" not in content_type.lower():
        return None
    target = record.rec_headers.get_header("WARC-Target-URI")
    status = int(record.http_headers.get_statuscode() or 0) or None
    length = int(record.rec_headers.get_header("Content-Length") or 0)
    too_large = f"record of {length} bytes > DOWNLOAD_MAXSIZE {max_bytes}"
    body = b""
    if not (max_bytes and length > max_bytes):
        # inflated as it is read (Content-Encoding): never more than the cap (read(-1) read nothing)
        stream = record.content_stream()
        body = stream.read(max_bytes + 1) if max_bytes else stream.read()
        if max_bytes and len(body) > max_bytes:
            too_large = f"record inflates past DOWNLOAD_MAXSIZE {max_bytes}"
        else:
            too_large = ""
    short = not too_large and getattr(record.raw_stream, "limit", 0) > 0
    if too_large:
        return Page(where(), target, status=status, error=Reason.TOO_LARGE, detail=too_large)
    if short:
        return Page(where(), target, status=status, error=Reason.MALFORMED,
                    detail=f"WARC record cut short: {record.raw_stream.limit} of {length} bytes missing")
    return Page(where(), target, body=body, status=status, content_type=content_type)


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
