"""Decode page bytes the way a browser would, and refuse garbage.

Order (after the WHATWG encoding sniffing rules, simplified): byte-order mark,
the charset the server declared, a ``<meta charset>`` in the first bytes, then
UTF-8, then GB18030 (a superset of GBK and GB2312, the usual legacy encodings
of Chinese pages). A declared charset that fails to decode, or decodes to
garbage, is not trusted: the next candidate is tried, as mislabelled Chinese
pages are common. When no candidate decodes cleanly, the one with the fewest
undecodable byte sequences is used if they are few (``undecodable_limit``:
one per 1,000 characters, at least 8), dropped and counted. Bytes that are
valid UTF-8 yet read as garbage (text encoded twice) are refused rather than
guessed at.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from crawler.errors import Rejection
from crawler.parsing.pagetext import PageText, read_utf8
from crawler.reasons import Reason

try:  # compiled scan (wheels for Linux x86-64/arm64 and macOS)
    import hyperscan
except ImportError:  # pragma: no cover - the signatures are then counted on every page
    hyperscan = None

# A page may hold a few byte sequences its encoding cannot read (a truncated
# character, a stray byte): up to one per CHARS_PER_UNDECODABLE characters,
# and never fewer than MIN_UNDECODABLE, are dropped and counted; more, and
# the page is refused as bad_encoding.
CHARS_PER_UNDECODABLE = 1000
MIN_UNDECODABLE = 8

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# Labels browsers map to a wider encoding (WHATWG): decoding with the wider one
# never fails where the narrow one would have succeeded.
_WIDER = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
    "chinese": "gb18030", "csgb2312": "gb18030", "iso-8859-1": "cp1252",
    "latin1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252",
}
# UTF-8 bytes read as Latin-1/CP1252 ("æ–‡ç« "): the signature of mojibake.
_MOJIBAKE = re.compile("[\u00c2-\u00ef][\u0080-\u00bf\u2018-\u203a\u0152-\u0178]")
# Both signatures are made of Latin-1 characters (but U+FFFD and the CP1252
# second halves), a few in a Chinese page: they are counted on the page's
# Latin-1 characters alone, a string a fraction of its size.
_CONTROL_BYTE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MOJIBAKE_LEAD = re.compile(rb"[\xc2-\xef]")
_ORDINARY_BYTES = bytes(b for b in range(256) if not (_CONTROL_BYTE.match(bytes([b])) or _MOJIBAKE_LEAD.match(bytes([b]))))
# The same signatures in the UTF-8 bytes of a text: a control character is its own
# byte (no other character's bytes are ASCII), a character of U+00C2-U+00EF is C3
# followed by 82-AF (C3 is no continuation byte), U+FFFD is EF BF BD.
_CONTROL_BYTES = bytes(b for b in range(256) if _CONTROL_BYTE.match(bytes([b])))
_UTF8_MOJIBAKE_LEAD = re.compile(rb"\xc3[\x82-\xaf]")
_UTF8_REPLACEMENT = "\ufffd".encode()


def _normalise(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    label = _WIDER.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(body: bytes, content_type: str | None = None) -> str | None:
    """The charset from the BOM, the Content-Type header or a meta tag."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    if content_type and (m := _HEADER_CHARSET.search(content_type)):
        if name := _normalise(m.group(1)):
            return name
    if m := _META_CHARSET.search(body[:4096]):
        return _normalise(m.group(1).decode("ascii", "replace"))
    return None


# looks_garbled reads this many characters of a text
GARBLED_SAMPLE = 200_000


def looks_garbled(text: str) -> bool:
    """True for text a reader could not use: control bytes or mojibake (in its
    first ``GARBLED_SAMPLE`` characters)."""
    sample = text[:GARBLED_SAMPLE]
    if not sample:
        return False
    # the suspect Latin-1 characters alone (a C pass each), usually none
    suspects = sample.encode("latin-1", "ignore").translate(None, _ORDINARY_BYTES)
    if len(_CONTROL_BYTE.findall(suspects)) + sample.count("\ufffd") > max(8, len(sample) // 200):
        return True
    if _MOJIBAKE_LEAD.search(suspects) is None:
        return False
    return len(_MOJIBAKE.findall(sample)) > max(8, len(sample) // 100)


class _SuspectBytes:
    """Whether UTF-8 bytes hold any of the garbage signatures (a control byte, U+FFFD, a
    character of U+00C2-U+00EF): one hyperscan pass (~3 us on a 16 kB page, where the
    counts of ``looks_garbled_utf8`` cost ~35 us). Most pages hold none, and are then
    told apart without counting; without hyperscan every page is counted."""

    def __init__(self, engine=hyperscan):
        self.engine, self._database = engine, None

    def any_in(self, data: bytes) -> bool:
        if self.engine is None:
            return True
        if self._database is None:  # built at the first page: a process that parses none never pays
            engine = self.engine
            database = engine.Database(mode=engine.HS_MODE_BLOCK)
            expressions = [rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", re.escape(_UTF8_REPLACEMENT), _UTF8_MOJIBAKE_LEAD.pattern]
            database.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions),
                             flags=[engine.HS_FLAG_SINGLEMATCH] * len(expressions))
            self._database, self._scratch = database, engine.Scratch(database)
        hits: list[int] = []
        self._database.scan(data, match_event_handler=lambda number, *_: hits.append(number), scratch=self._scratch)
        return bool(hits)


_SUSPECTS = _SuspectBytes()


def looks_garbled_utf8(data: bytes, text: str | None = None) -> bool:
    """``looks_garbled(text)`` where ``text`` is ``data`` decoded as UTF-8 (a
    byte-order mark left out; decoded here when not given, and only when the
    bytes hold a signature) and no longer than ``GARBLED_SAMPLE``: the
    signatures counted in the bytes (a Chinese page's Latin-1 characters are
    picked out of its text one run at a time: ~2x the cost on a mock article)."""
    if not _SUSPECTS.any_in(data):
        return False  # no control byte, no U+FFFD, no mojibake lead: nothing to count
    if text is None:
        text = data.decode("utf-8-sig")
    if not text:
        return False
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls + data.count(_UTF8_REPLACEMENT) > max(8, len(text) // 200):
        return True
    if b"\xc3" not in data or _UTF8_MOJIBAKE_LEAD.search(data) is None:
        return False
    return len(_MOJIBAKE.findall(text)) > max(8, len(text) // 100)


class Decoded(NamedTuple):
    text: str
    encoding: str
    undecodable: int  # byte sequences the encoding could not read, dropped


def undecodable_limit(chars: int) -> int:
    """Most undecodable byte sequences a page of ``chars`` characters may have."""
    return max(MIN_UNDECODABLE, chars // CHARS_PER_UNDECODABLE)


def decode(body: bytes, content_type: str | None = None) -> Decoded:
    """The page as text with the encoding used; raise ``Rejection(Reason.BAD_ENCODING)``.

    A candidate that decodes cleanly wins in the order above. When none
    does, the candidate with the fewest undecodable byte sequences is used,
    those sequences dropped (a browser shows each as U+FFFD) and counted, as
    long as they stay within ``undecodable_limit`` and the rest is not garbage.
    """
    candidates = []
    declared = declared_charset(body, content_type)
    if declared:
        candidates.append(declared)
    candidates += [c for c in ("utf-8", "gb18030") if c not in candidates]
    tolerant = []
    for encoding in candidates:
        try:
            text = body.decode(encoding)
        except LookupError:
            continue
        except UnicodeDecodeError:
            text = body.decode(encoding, "replace")
            tolerant.append((text.count("\ufffd"), encoding, text))
            continue
        text = text.removeprefix("\ufeff")
        exact = encoding == "utf-8" and len(text) <= GARBLED_SAMPLE  # the text is all of the bytes
        if not (looks_garbled_utf8(body, text) if exact else looks_garbled(text)):
            return Decoded(text, encoding, 0)
        if encoding.startswith("utf-"):
            # valid UTF-8 that reads as garbage is double-encoded: no other
            # candidate would make sense of it
            break
    else:
        for bad, encoding, text in sorted(tolerant, key=lambda t: t[0]):
            text = text.removeprefix("\ufeff").replace("\ufffd", "")
            if bad <= undecodable_limit(len(text)) and not looks_garbled(text):
                return Decoded(text, encoding, bad)
    raise Rejection(
        Reason.BAD_ENCODING,
        f"not decodable as {', '.join(candidates)} without garbage",
    )


# pages smaller than this are decoded whole: reading them in pieces saves nothing
# (WeChat's pages of 2016-2019 are 0.1-0.2 MB, their pieces cost 0.2-0.5 ms more)
PAGETEXT_MIN_BYTES = 256 * 1024


def read_page(body: bytes, content_type: str | None = None) -> PageText | None:
    """The text ``decode`` gives as UTF-8, as a ``PageText`` read from the bytes
    (parsing/pagetext.py), without decoding the whole page; None for a page
    under ``PAGETEXT_MIN_BYTES``, or when ``decode`` would try another encoding
    first, or the bytes are not UTF-8, or the text looks garbled (``decode``
    then says what it does)."""
    if len(body) < PAGETEXT_MIN_BYTES or declared_charset(body, content_type) not in (None, "utf-8"):
        return None
    page = read_utf8(body)
    if page is None or looks_garbled_utf8(page.data[page.start:page.head_end(GARBLED_SAMPLE)]):
        return None
    return page


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Return the page as text (see ``decode``), or raise ``Rejection(Reason.BAD_ENCODING)``."""
    return decode(body, content_type).text
