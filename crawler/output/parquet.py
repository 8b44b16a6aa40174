"""Parquet feeds (``-O out.parquet``, ``FEEDS`` format ``parquet``): a feed
exporter writing the project's items with a fixed schema (pyarrow).

The schema has the JSON-lines feed's field names; ``blocks``, ``images`` and
``removed`` are lists of structs, ``langs`` a map from language to share. A
key an entry lacks in JSON lines is null in Parquet (a ``removed`` entry
without ``signal``). Articles and rejects have a schema each
(``ARTICLE_SCHEMA``, ``REJECTED_SCHEMA``); a feed takes the first item's.

Rows are written a row group at a time (``PARQUET_ROW_GROUP_ROWS`` rows, or
sooner when the oldest row waited ``PARQUET_FLUSH_SECONDS``), and after
each row group the file ends with a footer covering every group written: it
is a valid Parquet file at every row group, so a crawl killed keeps all but
the rows of the group it was filling. Nothing marks a row's record done
(seen-store, distributed marks and acknowledgements) before its group is
written (``pending``, ``readable``; ``FeedExporter.when_durable``).

How a group is added (``flush_rows``): pyarrow writes it as a one-group file in
memory; its data goes where the old footer starts, its footer's byte offsets
moved by as much (``moved_footer``), then the footer of all groups (pyarrow's
metadata, appended group by group). A write can stop part way (Linux ends a
write between pages when the process gets SIGKILL; a full disk), so the old
footer is copied first past where the new file ends, the new group and footer
are written, and the file is cut to its new end: at every moment the file
reads as the old or the new one, except during the copy, which only lengthens
the file; ``valid_end`` finds the end of the last whole file in what such a
write leaves, and ``repair`` (``python -m crawler.output.parquet FILE``) cuts
the file there. A feed that cannot seek (a pipe) gets its footer once, at
the end.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import mmap
import os
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq
from scrapy.exporters import BaseItemExporter

from crawler.items import Article, Rejected

logger = logging.getLogger(__name__)

_TEXT = pa.string()
ARTICLE_SCHEMA = pa.schema([
    ("url", _TEXT), ("fetched_from", _TEXT), ("source", _TEXT), ("title", _TEXT), ("author", _TEXT),
    ("account", _TEXT), ("account_id", _TEXT), ("published_at", _TEXT), ("published_from", _TEXT), ("post_type", _TEXT),
    ("source_url", _TEXT), ("origin", _TEXT), ("cover", _TEXT),
    ("blocks", pa.list_(pa.struct([("type", _TEXT), ("text", _TEXT), ("lang", _TEXT)]))),
    ("text", _TEXT), ("lang", _TEXT), ("langs", pa.map_(_TEXT, pa.float64())),
    ("images", pa.list_(pa.struct([("url", _TEXT), ("alt", _TEXT)]))),
    # evidence, articles: of a learned template (crawler/cleaning/templates.py)
    ("removed", pa.list_(pa.struct([("reason", _TEXT), ("signal", _TEXT), ("text", _TEXT), ("count", pa.int64()),
                                    ("evidence", pa.list_(_TEXT)), ("articles", pa.int64())]))),
    ("duplicate_of", _TEXT),
])
REJECTED_SCHEMA = pa.schema([
    ("fetched_from", _TEXT), ("url", _TEXT), ("reason", _TEXT), ("status", pa.int32()), ("detail", _TEXT),
])
SCHEMAS = {Article: ARTICLE_SCHEMA, Rejected: REJECTED_SCHEMA}
_MAGIC = b"PAR1"


def _struct_keys(schema: pa.Schema) -> dict[str, set[str]]:
    """Field -> the keys its structs have, for list-of-struct fields."""
    keys = {}
    for column in schema:
        if pa.types.is_list(column.type) and pa.types.is_struct(column.type.value_type):
            keys[column.name] = {f.name for f in column.type.value_type}
    return keys


# --- moving a row group: the byte offsets in its footer (Thrift compact protocol) ---
# Field ids (parquet.thrift) of the offsets to move, per struct: FileMetaData.row_groups ->
# RowGroup (columns, file_offset) -> ColumnChunk (file_offset, meta_data, offset/column index
# offsets) -> ColumnMetaData (data, index, dictionary page and bloom filter offsets).
_FILE, _ROW_GROUP, _CHUNK, _COLUMN = "file", "row_group", "chunk", "column"
_NESTED = {(_FILE, 4): _ROW_GROUP, (_ROW_GROUP, 1): _CHUNK, (_CHUNK, 3): _COLUMN}
_OFFSETS = {(_ROW_GROUP, 5), (_CHUNK, 2), (_CHUNK, 4), (_CHUNK, 6),
            (_COLUMN, 9), (_COLUMN, 10), (_COLUMN, 11), (_COLUMN, 14)}


class _Thrift:
    """Copies a Thrift compact-protocol struct, adding ``delta`` to the offset fields."""

    def __init__(self, data: bytes, delta: int):
        self.data, self.pos, self.delta, self.out = data, 0, delta, bytearray()

    def varint(self) -> int:
        shift = value = 0
        while True:
            byte = self.data[self.pos]
            self.pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    def put_varint(self, value: int) -> None:
        while value >= 0x80:
            self.out.append(value & 0x7F | 0x80)
            value >>= 7
        self.out.append(value)

    def copy(self, start: int) -> None:
        self.out += self.data[start:self.pos]

    def struct(self, kind: str | None) -> None:
        field = 0
        while True:
            header = self.data[self.pos]
            self.pos += 1
            self.out.append(header)
            if header == 0:
                return
            kind_of_value, delta = header & 0x0F, header >> 4
            if delta:
                field += delta
            else:
                start = self.pos
                zigzag = self.varint()
                self.copy(start)
                field = (zigzag >> 1) ^ -(zigzag & 1)
            if kind_of_value == 6 and (kind, field) in _OFFSETS:
                zigzag = self.varint()
                value = (zigzag >> 1) ^ -(zigzag & 1)
                value += self.delta if value > 0 else 0  # 0 or absent-like values stay
                self.put_varint((value << 1) ^ (value >> 63))
            else:
                self.value(kind_of_value, _NESTED.get((kind, field)))

    def value(self, kind_of_value: int, nested: str | None) -> None:
        start = self.pos
        if kind_of_value in (1, 2):  # booleans: in the header
            return
        if kind_of_value == 3:
            self.pos += 1
        elif kind_of_value in (4, 5, 6):
            self.varint()
        elif kind_of_value == 7:
            self.pos += 8
        elif kind_of_value == 8:
            length = self.varint()
            self.pos += length
        elif kind_of_value in (9, 10):
            header = self.data[self.pos]
            self.pos += 1
            size = header >> 4
            if size == 15:
                size = self.varint()
            self.copy(start)
            for _ in range(size):
                if header & 0x0F in (1, 2):  # booleans in a list: a byte each
                    self.pos += 1
                    self.copy(self.pos - 1)
                else:
                    self.value(header & 0x0F, nested)
            return
        elif kind_of_value == 11:
            size = self.varint()
            types = self.data[self.pos] if size else 0
            self.pos += 1 if size else 0
            self.copy(start)
            for _ in range(size):
                self.value(types >> 4, None)
                self.value(types & 0x0F, None)
            return
        elif kind_of_value == 12:
            self.struct(nested)
            return
        else:
            raise ValueError(f"unknown Thrift compact type {kind_of_value}")
        self.copy(start)


def moved_footer(footer: bytes, delta: int) -> bytes:
    """A Parquet footer (FileMetaData) whose row groups' byte offsets are ``delta`` further."""
    thrift = _Thrift(footer, delta)
    thrift.struct(_FILE)
    return bytes(thrift.out)


class ParquetExporter(BaseItemExporter):
    """Scrapy item exporter (``FEED_EXPORTERS["parquet"]``)."""

    cuts_back = True  # after a failed write the file is as it was: FeedExporter leaves it alone

    def __init__(self, file, *, row_group_rows: int = 1000, flush_seconds: float = 60.0,
                 compression: str = "zstd", **kwargs):
        super().__init__(dont_fail=True, **kwargs)
        self.file = file
        self.row_group_rows = max(1, row_group_rows)
        self.flush_seconds = flush_seconds
        self.compression = compression
        self.item_class: type | None = None
        self.schema: pa.Schema | None = None
        self.rows: list[dict] = []
        self.oldest = 0.0  # when the first buffered row came
        self.metadata = None  # pq.FileMetaData of the row groups written
        self.data_end = 0  # where the next row group goes
        self.tail = b""  # the file's footer, its length and magic, as written at data_end
        self.seekable = _seekable(file)
        self.stream_writer: pq.ParquetWriter | None = None  # when the file cannot seek
        self.warned: set[str] = set()
        self.readable = 0  # times rows taken became readable in the file (FeedExporter.when_durable)

    @property
    def pending(self) -> bool:
        """Rows taken that a crawl killed now would lose: rows buffered, or
        (a feed that cannot seek: its footer comes at the end) any row."""
        return bool(self.rows) or self.stream_writer is not None

    @classmethod
    def from_crawler(cls, crawler, file, **kwargs):
        settings = crawler.settings
        kwargs.setdefault("row_group_rows", settings.getint("PARQUET_ROW_GROUP_ROWS"))
        kwargs.setdefault("flush_seconds", settings.getfloat("PARQUET_FLUSH_SECONDS"))
        kwargs.setdefault("compression", settings.get("PARQUET_COMPRESSION"))
        return cls(file, **kwargs)

    def start_exporting(self) -> None:
        pass

    def export_item(self, item) -> None:
        cls = type(item)
        if self.item_class is None:
            if cls not in SCHEMAS:
                raise TypeError(f"a Parquet feed takes Article or Rejected items, not {cls.__name__}")
            self.item_class, self.schema = cls, SCHEMAS[cls]
            self.nested = _struct_keys(self.schema)
        elif cls is not self.item_class:
            raise TypeError(f"a Parquet feed of {self.item_class.__name__} got a {cls.__name__}: give it"
                            " item_classes of one kind")
        row = {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
        self._check_keys(row)
        if not self.rows:
            self.oldest = time.monotonic()
        self.rows.append(row)
        if len(self.rows) >= self.row_group_rows or time.monotonic() - self.oldest >= self.flush_seconds:
            self.flush_rows()

    def _check_keys(self, row: dict) -> None:
        """Keys the schema lacks would be lost: said once per field and key."""
        for name, keys in self.nested.items():
            for entry in row.get(name) or ():
                for key in entry.keys() - keys:
                    if (where := f"{name}.{key}") not in self.warned:
                        self.warned.add(where)
                        logger.warning("Parquet feed: %s is not in the schema and is not written", where)

    def flush_rows(self) -> None:
        """The buffered rows as one row group, and the footer after it."""
        if not self.rows:
            return
        table = pa.Table.from_pylist(self.rows, schema=self.schema)
        self.rows = []
        if not self.seekable:
            if self.stream_writer is None:
                self.stream_writer = pq.ParquetWriter(self.file, self.schema, compression=self.compression)
            self.stream_writer.write_table(table, row_group_size=table.num_rows)
            return
        start = b""
        if self.metadata is None:  # the file's first bytes go with its first group
            start, self.data_end = _MAGIC, len(_MAGIC)
        memory = io.BytesIO()
        with pq.ParquetWriter(memory, self.schema, compression=self.compression) as writer:
            writer.write_table(table, row_group_size=table.num_rows)
        written = memory.getvalue()
        footer_length = int.from_bytes(written[-8:-4], "little")
        data = written[len(_MAGIC): len(written) - 8 - footer_length]
        # its offsets count from the one-group file's start; its data goes at data_end
        footer = moved_footer(written[len(written) - 8 - footer_length: -8], self.data_end - len(_MAGIC))
        group = pq.read_metadata(io.BytesIO(_MAGIC + footer + len(footer).to_bytes(4, "little") + _MAGIC))
        if self.metadata is None:
            self.metadata = group
        else:
            self.metadata.append_row_groups(group)
        footer = io.BytesIO()
        self.metadata.write_metadata_file(footer)
        self._write(self.data_end - len(start), start + data, footer.getvalue()[len(_MAGIC):])
        self.readable += 1

    def _write(self, start: int, data: bytes, tail: bytes) -> None:
        """``data`` at ``start``, then ``tail`` (footer, length, magic), the
        file readable as before until the last step (module docstring)."""
        old_end = None
        new_end = start + len(data) + len(tail)
        file = self.file
        file.flush()
        try:
            if self.tail:  # the old footer, past the new end: the file's end until the cut
                old_end = start + len(self.tail)
                file.seek(new_end)
                file.write(self.tail)
                file.flush()
            file.seek(start)
            file.write(data + tail)
            file.flush()
            file.truncate(new_end)
        except OSError:
            if old_end is not None:
                self._roll_back(start, old_end)
            self.metadata = pq.read_metadata(io.BytesIO(_MAGIC + self.tail)) if self.tail else None
            raise
        self.data_end, self.tail = start + len(data), tail

    def _roll_back(self, start: int, old_end: int) -> None:
        """After a failed write (a full disk): the old file as it was, as far as it can be."""
        try:
            self.file.seek(start)
            self.file.write(self.tail)  # over what the failed write left there: blocks the file had
            self.file.flush()
            self.file.truncate(old_end)
        except OSError as exc:  # the copy past the end still makes the file the old one
            logger.warning("Parquet feed: could not cut the file back after a failed write: %s", exc)

    def finish_exporting(self) -> None:
        self.flush_rows()
        if self.stream_writer is not None:
            self.stream_writer.close()
            self.stream_writer = None
            self.readable += 1
        elif self.metadata is None:  # no row: a file with the schema and no row group
            schema = self.schema or SCHEMAS[Article]
            pq.write_table(schema.empty_table(), self.file, compression=self.compression)
        self.file.flush()


def valid_end(data) -> int | None:
    """Where the last whole Parquet file in ``data`` (bytes, an mmap) ends: a
    footer whose row groups all lie before it. None when there is none."""
    if data[:len(_MAGIC)] != _MAGIC:
        return None
    end = len(data)
    while (magic := data.rfind(_MAGIC, len(_MAGIC), end)) >= 0:
        end = magic + len(_MAGIC) - 1  # the next candidate starts before this one
        footer_end = magic - 4
        footer_start = footer_end - int.from_bytes(data[footer_end:magic], "little")
        if footer_end < len(_MAGIC) or footer_start < len(_MAGIC):
            continue
        try:
            metadata = pq.read_metadata(pa.BufferReader(_MAGIC + bytes(data[footer_start:magic + len(_MAGIC)])))
        except (OSError, ValueError):  # pyarrow's ArrowInvalid is a ValueError
            continue
        if all(_chunk_end(metadata.row_group(g).column(c)) <= footer_start
               for g in range(metadata.num_row_groups) for c in range(metadata.num_columns)):
            return magic + len(_MAGIC)
    return None


def _chunk_end(column) -> int:
    start = column.data_page_offset
    if column.has_dictionary_page and column.dictionary_page_offset:
        start = min(start, column.dictionary_page_offset)
    return start + column.total_compressed_size


def repair(path) -> int | None:
    """Cut a Parquet feed a killed process left part-written back to its last
    whole file: the bytes cut (0: it was whole), or None when it holds no footer."""
    with open(path, "r+b") as file:
        size = os.fstat(file.fileno()).st_size
        if size == 0:
            return None
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            end = valid_end(data)
        if end is None:
            return None
        file.truncate(end)
    return size - end


def main(argv: list[str] | None = None) -> int:
    """``python -m crawler.output.parquet FILE...``: each file cut back to its last whole Parquet file."""
    paths = sys.argv[1:] if argv is None else argv
    if not paths:
        print(main.__doc__, file=sys.stderr)
        return 2
    status = 0
    for path in paths:
        try:
            cut = repair(path)
        except OSError as exc:
            print(f"{path}: {exc.strerror}", file=sys.stderr)
            status = 1
            continue
        if cut is None:
            print(f"{path}: no whole Parquet file in it", file=sys.stderr)
            status = 1
        else:
            print(f"{path}: {cut} bytes cut, {pq.read_metadata(path).num_rows} rows")
    return status


def _seekable(file) -> bool:
    """True for a file the exporter may seek in and cut: not one opened to append."""
    try:
        return "a" not in getattr(file, "mode", "") and file.seekable() and file.tell() == 0
    except (AttributeError, OSError, ValueError):
        return False


if __name__ == "__main__":
    sys.exit(main())
