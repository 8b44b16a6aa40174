"""MinHash signatures, computed in batch with numpy.

Each of ``num_perm`` hash functions is a multiply-shift hash of the 64-bit
shingle hash, ``(a * x + b) mod 2**64`` keeping the high 32 bits (a is odd);
the signature holds, per function, the minimum over the shingles. The
probability that two signatures agree at one position estimates the Jaccard
similarity of the shingle sets, as with datasketch's ``MinHash``; only the
hash family differs (no modulo, so it vectorises cheaply). Shingles are
processed in row chunks so the (shingles x num_perm) products stay in cache:
the work per shingle happens inside NumPy, never in a Python loop.

The parameters derive from ``seed`` through splitmix64, not from a NumPy
random generator, so signatures stay comparable across NumPy versions: an
index written by one run is read by the next.
"""

from __future__ import annotations

import numpy as np

from crawler.dedup.text import mix64, normalize, shingle_set

_U64 = np.uint64
_MAX64 = np.iinfo(np.uint64).max
_CHUNK_ROWS = 256  # shingles per chunk: 256 x 128 x 8 bytes = 256 KiB of products (in L2; 1 MiB chunks ran 3-8x slower)


class MinHasher:
    """Turns texts into MinHash signatures (``uint32`` arrays of ``num_perm``)."""

    def __init__(self, num_perm: int = 128, shingle_size: int = 5, seed: int = 1):
        if num_perm < 1 or shingle_size < 1:
            raise ValueError("num_perm and shingle_size must be >= 1")
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.seed = seed
        offset = _U64((seed * 0x9E3779B97F4A7C15) % 2**64)
        stream = np.arange(2 * num_perm, dtype=_U64) + offset
        params = mix64(mix64(stream))
        self._mul = params[:num_perm] | _U64(1)  # odd multipliers
        self._add = params[num_perm:]

    def shingles(self, text: str) -> np.ndarray:
        """Distinct shingle hashes of a raw text (normalised first)."""
        return shingle_set(normalize(text), self.shingle_size)

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        """Signature of one set of shingle hashes (must not be empty)."""
        if len(hashes) == 0:
            raise ValueError("no shingles: an empty text has no signature")
        low = np.full(self.num_perm, _MAX64, dtype=_U64)
        with np.errstate(over="ignore"):
            for start in range(0, len(hashes), _CHUNK_ROWS):
                products = hashes[start : start + _CHUNK_ROWS, None] * self._mul
                products += self._add  # in place: a second (rows x num_perm) temporary cost ~10x the arithmetic
                np.minimum(low, np.minimum.reduce(products, axis=0), out=low)
        # The smallest 64-bit value also has the smallest high half.
        return (low >> _U64(32)).astype(np.uint32)

    def signatures(self, hash_sets: list[np.ndarray]) -> np.ndarray:
        """Signatures of many shingle sets, shape (len, num_perm).

        One vectorised reduction per set: measured faster than stacking the
        sets and reducing with ``np.minimum.reduceat``, whose (rows x
        num_perm) intermediate falls out of cache."""
        out = np.empty((len(hash_sets), self.num_perm), dtype=np.uint32)
        for index, hashes in enumerate(hash_sets):
            out[index] = self.signature(hashes)
        return out

    def text_signature(self, text: str) -> np.ndarray | None:
        """Signature of a raw text, or None when it has no letters or digits."""
        hashes = self.shingles(text)
        return self.signature(hashes) if len(hashes) else None


def similarity(signature: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of one signature with each row of ``others``."""
    # einsum counts the equal values of short rows ~2x faster than .mean or count_nonzero
    return np.einsum("...i->...", others == signature, dtype=np.int32) / signature.shape[-1]


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
