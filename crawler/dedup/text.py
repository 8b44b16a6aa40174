"""Text preparation for deduplication: normalisation, sentences, shingles.

Normalisation makes two copies of a text compare equal when they differ only
in presentation: Unicode NFKC folds full-width letters, digits and
punctuation to their half-width forms (and ligatures, circled digits...),
case is folded, and everything that is not a letter or a digit (whitespace,
punctuation, symbols, emoji) is dropped. Chinese has no spaces, so shingles
are character n-grams of the normalised text, which works the same way for
English and for mixed text.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

_NON_WORD = re.compile(r"[\W_]+")

# Where a sentence ends: CJK or Latin terminal punctuation (possibly doubled,
# possibly followed by closing quotes/brackets); a Latin full stop followed by
# a space, a capital, a CJK character or an opening quote (the last three also
# catch blocks glued without a space: "...masterpieces.In the surging..."); or
# a line break. Over-splitting is harmless: a cut is only made where a whole
# other block lines up with the boundaries.
_SENTENCE_END = re.compile(
    r"(?:[。！？!?；;…]+|\.(?:\.\.)?(?=[\s\"'“‘(（\[A-Z\u3400-\u9fff])|\n)"
    r"[”’\"'）)\]」』】》]*\s*"
)

_U64 = np.uint64
_FNV_PRIME = _U64(0x100000001B3)


# Full-width punctuation of Chinese text, with what NFKC makes of each (one
# ASCII character, whatever surrounds it). Replaced before NFKC, they leave
# most Chinese texts already in NFKC: its quick check then passes and the
# full pass, 3x the cost of everything else here, is skipped. Same result.
_WIDE_PUNCTUATION = [(wide, unicodedata.normalize("NFKC", wide)) for wide in "，：；！？（）％／～　"]


def normalize(text: str) -> str:
    """Width, case, whitespace and punctuation folded away (see module doc)."""
    return _NON_WORD.sub("", _fold(text))


def _fold(text: str) -> str:
    for wide, narrow in _WIDE_PUNCTUATION:
        if wide in text:
            text = text.replace(wide, narrow)
    return unicodedata.normalize("NFKC", text).lower()


_SEPARATOR = "\x00"  # between texts normalised together: NFKC and case leave it alone, and it joins nothing
_BMP = 0x10000
_word_table: np.ndarray | None = None


def _words() -> np.ndarray:
    """Per code point of the Basic Multilingual Plane, whether ``_NON_WORD``
    keeps it (a letter or a digit: ``str.isalnum``), the separator kept too.
    Built at the first use (~5 ms)."""
    global _word_table
    if _word_table is None:
        table = np.fromiter((chr(c).isalnum() for c in range(_BMP)), dtype=bool, count=_BMP)
        table[ord(_SEPARATOR)] = True
        _word_table = table
    return _word_table


def normalize_all(texts: list[str]) -> list[str]:
    """``[normalize(t) for t in texts]``, the texts folded together and their
    punctuation dropped by one table look-up per character (the regular
    expression costs ~25 ns a character: half an article's dedup
    normalisation). Case and NFKC read no context across the separator (it
    is neither cased nor combining), so each text comes out as alone. Texts
    holding the separator, or characters beyond the Basic Multilingual
    Plane (emoji), are normalised one by one."""
    if len(texts) < 2:
        return [normalize(t) for t in texts]
    folded = _fold(_SEPARATOR.join(texts))
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype="<u4")
    if folded.count(_SEPARATOR) != len(texts) - 1 or np.maximum.reduce(codes, initial=0) >= _BMP:
        return [normalize(t) for t in texts]
    return codes[_words()[codes]].tobytes().decode("utf-32-le").split(_SEPARATOR)


def sentence_bounds(text: str) -> list[int]:
    """Offsets in ``text`` where sentences start, first 0, last ``len(text)``."""
    bounds = [0]
    for m in _SENTENCE_END.finditer(text):
        if bounds[-1] < m.end() < len(text):
            bounds.append(m.end())
    if len(text) > 0:
        bounds.append(len(text))
    return bounds


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads every input bit over the 64 output bits.
    An array's integer arithmetic wraps silently; a scalar's warns, so only a
    scalar pays for ``np.errstate`` (~5 us a use, three uses an article)."""
    if np.ndim(x) == 0:
        with np.errstate(over="ignore"):
            return _mix64(x)
    return _mix64(x)


_MIX1, _MIX2 = _U64(0xBF58476D1CE4E5B9), _U64(0x94D049BB133111EB)


def _mix64(x):
    x = x ^ (x >> _U64(30))
    x = x * _MIX1
    x = x ^ (x >> _U64(27))
    x = x * _MIX2
    return x ^ (x >> _U64(31))


_last_hashes: tuple[str, int, np.ndarray] = ("", 0, np.empty(0, dtype=_U64))


def shingle_hashes(norm: str, size: int) -> np.ndarray:
    """64-bit hashes of the character ``size``-grams of a normalised text,
    one per position (not deduplicated), computed without a Python loop per
    shingle: a polynomial over the code points, then mixed. A text shorter
    than ``size`` (but not empty) is one shingle, so short blocks still hash.

    The last text's hashes are kept (read-only): an article's blocks, all
    distinct, joined are the article's text, which the dedup stage hashes next."""
    global _last_hashes
    last, last_size, hashes = _last_hashes
    if size == last_size and norm == last:
        return hashes
    hashes = _shingle_hashes(norm, size)
    hashes.flags.writeable = False
    _last_hashes = (norm, size, hashes)
    return hashes


def _shingle_hashes(norm: str, size: int) -> np.ndarray:
    if not norm:
        return np.empty(0, dtype=_U64)
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype="<u4").astype(_U64)
    width = min(size, len(codes))
    count = len(codes) - width + 1
    acc = codes[:count].copy()
    for offset in range(1, width):  # loop over the n-gram width, not the shingles (arrays: wrapping, no warning)
        np.multiply(acc, _FNV_PRIME, out=acc)
        np.add(acc, codes[offset : offset + count], out=acc)
    return mix64_inplace(acc)


def mix64_inplace(x: np.ndarray) -> np.ndarray:
    """``mix64`` of a uint64 array, written over it (one temporary array, not five)."""
    shifted = np.empty_like(x)
    for shift, factor in ((30, _MIX1), (27, _MIX2), (31, None)):
        np.right_shift(x, _U64(shift), out=shifted)
        np.bitwise_xor(x, shifted, out=x)
        if factor is not None:
            np.multiply(x, factor, out=x)
    return x


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of a 1-d array: sort and keep each first. NumPy 2's
    ``np.unique`` hashes first and was ~7x slower on a text's shingles."""
    values = np.sort(values)
    first = np.empty(len(values), dtype=bool)
    first[:1] = True
    np.not_equal(values[1:], values[:-1], out=first[1:])
    return values[first]


def shingle_set(norm: str, size: int) -> np.ndarray:
    """Sorted distinct shingle hashes of a normalised text."""
    return sorted_distinct(shingle_hashes(norm, size))
