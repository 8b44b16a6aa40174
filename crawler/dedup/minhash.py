"""MinHash signatures of sets of 64-bit shingle hashes.

The signature holds, per each of ``num_perm`` hash functions, the minimum
over the shingles (32-bit values); the share of positions where two
signatures agree estimates the Jaccard similarity of the shingle sets, as
with datasketch's ``MinHash`` (the reference of tests and benches). The
hash family is rensa's ``RMinHash`` (compiled, seeded), given the shingle
hashes of ``crawler.dedup.text`` as they are: all the sets of a call go in one
flat buffer with row offsets, ~20 µs an article against ~200-450 µs for the
NumPy multiply-shift family used before (``bench/dedup_speed.py``).

Signatures from another family (or another ``ALGORITHM_VERSION`` of rensa's)
never match these: ``FAMILY`` names the family, an index stores it in its
meta and refuses to mix (``crawler/dedup/index.py``), and a test pins the
values of a known input so that an upgrade changing them fails before it
reaches an index.
"""

from __future__ import annotations

from array import array
from itertools import accumulate, chain

import numpy as np
import rensa

from crawler.dedup.text import normalize, shingle_set

_U64 = np.uint64
_DIGESTS = rensa.RMinHash.digest_matrix_from_flat_token_hashes
FAMILY = f"rensa-rminhash-v{rensa.RMinHash.ALGORITHM_VERSION}"
_U32 = next(code for code in "IL" if array(code).itemsize == 4)  # array's unsigned 32-bit type code


class MinHasher:
    """Turns texts into MinHash signatures (``uint32`` arrays of ``num_perm``)."""

    family = FAMILY

    def __init__(self, num_perm: int = 128, shingle_size: int = 5, seed: int = 1):
        if num_perm < 1 or shingle_size < 1:
            raise ValueError("num_perm and shingle_size must be >= 1")
        if not 0 <= seed < 2**64:
            raise ValueError("seed must be an unsigned 64-bit integer")
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.seed = seed

    def shingles(self, text: str) -> np.ndarray:
        """Distinct shingle hashes of a raw text (normalised first)."""
        return shingle_set(normalize(text), self.shingle_size)

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        """Signature of one set of shingle hashes (must not be empty); given
        in any order and with repeats, the same (minima, tested)."""
        return self.signatures([hashes])[0]

    def signatures(self, hash_sets: list[np.ndarray]) -> np.ndarray:
        """Signatures of many shingle sets (none empty), shape (len, num_perm):
        one call into rensa for all of them. (Offsets and values pass through
        Python lists and ``array``: NumPy's cumsum, diff and array of a list
        each cost more than rensa's digests of an article.)"""
        if not hash_sets:
            return np.empty((0, self.num_perm), dtype=np.uint32)
        sizes = [len(h) for h in hash_sets]
        if not all(sizes):
            raise ValueError("no shingles: an empty text has no signature")
        offsets = np.array([0, *accumulate(sizes)], dtype=_U64)
        flat = hash_sets[0] if len(hash_sets) == 1 else np.concatenate(hash_sets)
        rows = _DIGESTS(np.ascontiguousarray(flat, dtype=_U64), offsets, self.num_perm, self.seed).to_rows()
        values = array(_U32, rows[0] if len(rows) == 1 else chain.from_iterable(rows))  # OverflowError beyond 32 bits
        return np.frombuffer(values, dtype=np.uint32).reshape(len(rows), self.num_perm)

    def text_signature(self, text: str) -> np.ndarray | None:
        """Signature of a raw text, or None when it has no letters or digits."""
        hashes = self.shingles(text)
        return self.signature(hashes) if len(hashes) else None


def similarity(signature: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of one signature with each row of ``others``."""
    # the ufunc's own reduction: no Python wrapper around it (einsum's, .mean's, count_nonzero's)
    return np.add.reduce(others == signature, axis=-1, dtype=np.int32) / signature.shape[-1]


def lsh_params(threshold: float, num_perm: int, fn_weight: float = 0.5) -> tuple[int, int]:
    """(bands, rows) for banded LSH, chosen as datasketch's ``MinHashLSH`` does:
    the split of ``num_perm`` that minimises the weighted area of false
    positives (below ``threshold``) and false negatives (above it) under the
    candidate curve ``1 - (1 - s**r)**b``. ``fn_weight`` in (0, 1) weighs
    missed duplicates against extra candidates; candidates are verified on
    their signatures afterwards, so missing is the costlier error.

    The curve is a polynomial of degree ``b * r <= num_perm``, so Gauss-Legendre
    quadrature with ``num_perm // 2 + 1`` nodes integrates it exactly: the same
    choice as datasketch's adaptive quadrature (tested), without importing
    SciPy for it (0.6 s and ~45 MB in each process that opens a new index)."""
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), not {threshold}")
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)
    # nodes and weights moved from [-1, 1] onto [0, threshold] and [threshold, 1]
    below, below_w = (nodes + 1) * threshold / 2, weights * threshold / 2
    above, above_w = threshold + (nodes + 1) * (1 - threshold) / 2, weights * (1 - threshold) / 2
    best, choice = float("inf"), (0, 0)
    for bands in range(1, num_perm + 1):  # in datasketch's order: ties go to the first
        rows = np.arange(1, num_perm // bands + 1, dtype=float)[:, None]
        false_positive = (1 - (1 - below**rows) ** bands) @ below_w
        false_negative = ((1 - above**rows) ** bands) @ above_w
        error = false_positive * (1 - fn_weight) + false_negative * fn_weight
        at = int(np.argmin(error))
        if error[at] < best:
            best, choice = float(error[at]), (bands, at + 1)
    return choice
