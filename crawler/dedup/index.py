"""Cross-article near-duplicate index: banded MinHash LSH over a store.

MinHashLSH semantics: a signature of ``bands x rows`` values is cut into
``bands`` bands; two articles are candidates when they agree on every value
of at least one band. (bands, rows) are chosen from the threshold as
datasketch's MinHashLSH does (``lsh_params``). Candidates are then verified
on their stored signatures: the article is a near-duplicate of the candidate
with the highest estimated Jaccard similarity, if that reaches the threshold.

Only originals are indexed: an article found to be a near-duplicate is not
added, so ``duplicate_of`` always names an article that was kept. Check and
insert happen in one store transaction, so two crawler processes sharing a
store cannot both keep the same article.

The store (``stores.py``) only keeps band keys, packed signatures and URLs; the
index writes its parameters into the store the first time and refuses a
store built with another signature scheme (hash family, see ``minhash.FAMILY``),
whose keys would never match, saying it must be rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np

from crawler.dedup.minhash import MinHasher, lsh_params, similarity
from crawler.dedup.text import mix64, mix64_inplace

_U64 = np.uint64
_FN_WEIGHT = 0.9  # missing a duplicate costs more than verifying a candidate
KEY_BITS = 47
# How band keys are computed: v1 chained a mix per value (~65 NumPy calls an
# article), v2 mixes one weighted sum per band (~10). Keys of another version
# never meet these, so an index built with them is refused (``scheme``).
BAND_KEYS = "v2"


def pack(signatures: np.ndarray) -> np.ndarray:
    """Stored form of signatures: the low 16 bits of each value (b-bit
    MinHash). Two different values agree by chance with probability 2**-16,
    which biases a similarity estimate by less than 0.00002, and halves the
    signature storage."""
    return signatures.astype("<u2")


class IndexMismatch(Exception):
    """The store was built with other signature parameters."""


@dataclass(frozen=True)
class Match:
    url: str
    similarity: float


class Candidates(NamedTuple):
    """What a check reads: its candidates in id order, as one matrix of packed
    signatures (a row each) and an array of URLs, so that verifying them is
    vectorised rather than a Python object per candidate."""

    signatures: np.ndarray  # (n, width) "<u2"
    urls: np.ndarray  # (n,) object: str

    @classmethod
    def from_rows(cls, rows: list[tuple[int, str, bytes]]) -> Candidates:
        """From (id, url, packed signature) rows in id order."""
        urls = np.empty(len(rows), dtype=object)
        urls[:] = [url for _, url, _ in rows]
        # one buffer for all rows: a frombuffer per row costs more than the comparison
        joined = np.frombuffer(b"".join(signature for _, _, signature in rows), dtype="<u2")
        return cls(joined.reshape(len(rows), -1) if rows else joined.reshape(0, 0), urls)


class Transaction(Protocol):
    def candidates(self, keys: list[int]) -> Candidates:
        """The indexed articles sharing at least one band key with ``keys``."""
    def add(self, url: str, signature: bytes, keys: list[int]) -> None: ...


class Store(Protocol):
    def read_meta(self) -> dict[str, str]: ...
    def create_meta(self, meta: dict[str, str]) -> dict[str, str]:
        """Stores ``meta`` unless the index has some, in one atomic step; returns
        the index's meta (that of another process, if it created the index first)."""
    def atomically(self, keys: list[int], body): ...
    def add_many(self, rows: list[tuple[str, bytes, list[int]]]) -> None: ...
    def count(self) -> int: ...
    def flush(self) -> None: ...
    def clear(self) -> None:
        """Empty the index, parameters included (run it with no crawl using the index)."""
    def close(self) -> None: ...


class LSHIndex:
    def __init__(self, store: Store, hasher: MinHasher, threshold: float):
        self.store = store
        self.hasher = hasher
        self.threshold = threshold
        wanted = {
            # the hash family, the stored form (b16) and the band keys (k47, BAND_KEYS)
            "scheme": f"{hasher.family}-b16-k47-{BAND_KEYS}",
            "num_perm": str(hasher.num_perm),
            "shingle_size": str(hasher.shingle_size),
            "seed": str(hasher.seed),
        }
        meta = store.read_meta()
        if not meta:
            bands, rows = lsh_params(threshold, hasher.num_perm, _FN_WEIGHT)
            meta = store.create_meta({**wanted, "bands": str(bands), "rows": str(rows), "threshold": str(threshold)})
        differing = [k for k, v in wanted.items() if meta.get(k) != v]
        if "scheme" in differing:
            raise IndexMismatch(
                f"the dedup index was built with another signature scheme ({meta.get('scheme')}; this "
                f"version signs with {wanted['scheme']}): its signatures can never match new ones, so "
                "every article would look new. Rebuild it: delete its directory (DEDUP_DIR) or Redis "
                "prefix (DEDUP_REDIS_PREFIX), or point the setting elsewhere, and recrawl what it should hold"
            )
        if differing:
            found = ", ".join(f"{k}={meta.get(k)} (settings: {wanted[k]})" for k in differing)
            raise IndexMismatch(
                f"the dedup index was built with other parameters: {found}; restore the "
                "settings or reset the index (delete its directory or Redis prefix)"
            )
        # Bands stay as built: raising the threshold later only tightens verification.
        self.bands = int(meta["bands"])
        self.rows = int(meta["rows"])
        self.built_threshold = float(meta["threshold"])
        self._band_seeds = mix64(np.arange(self.bands, dtype=_U64) + _U64(0x51ED2701))  # the band numbers, hashed
        self._column_weights = mix64(np.arange(self.rows, dtype=_U64) + _U64(0x2545F491)) | _U64(1)  # odd

    def band_keys(self, signatures: np.ndarray) -> np.ndarray:
        """A 47-bit key per band, shape (..., bands): the band's values, each
        times an odd 64-bit constant of its column, summed (mod 2**64) with the
        band number's constant and mixed; one key space serves all bands.
        47 bits fit SQLite's 6-byte integers (2 bytes a row less than 64);
        a chance collision only adds a candidate that verification drops."""
        width = self.bands * self.rows
        values = signatures[..., :width].reshape(*signatures.shape[:-1], self.bands, self.rows).astype(_U64)
        keys = values @ self._column_weights  # the weighted sums (integer products wrap, as the sum did)
        keys += self._band_seeds
        np.right_shift(mix64_inplace(keys), _U64(64 - KEY_BITS), out=keys)
        return keys.view(np.int64)

    def _best(self, packed: np.ndarray, found: Candidates, skipped: np.ndarray | None = None) -> Match | None:
        """The candidate most similar to the ``packed`` signature (not one of
        ``skipped``), if it reaches the threshold."""
        if not len(found.urls):
            return None
        scores = similarity(packed, found.signatures)
        if skipped is not None:
            scores[skipped] = -1.0
        best = int(scores.argmax())  # first maximum: candidates come in id order
        if scores[best] < self.threshold:
            return None
        return Match(url=found.urls[best], similarity=float(scores[best]))

    def query(self, signature: np.ndarray) -> Match | None:
        """The best near-duplicate already indexed, without adding anything."""
        keys = self.band_keys(signature).tolist()
        return self.store.atomically(keys, lambda tx: self._best(pack(signature), tx.candidates(keys)))

    def check_and_add(self, url: str, signature: np.ndarray, same_url_is_duplicate: bool = True) -> Match | None:
        """Return the near-duplicate of ``signature`` if one is indexed; else
        index it under ``url`` and return None. Atomic in the store.

        ``same_url_is_duplicate=False``: an article indexed before under this
        very URL is this page fetched again, not a duplicate of it (nor
        indexed twice). For crawls where a seen-store decides what was
        exported: a crawl killed between indexing a page and exporting it
        fetches it again, and must then export it."""
        keys = self.band_keys(signature).tolist()
        packed = pack(signature)

        def body(tx: Transaction) -> Match | None:
            found = tx.candidates(keys)
            same_url = None if same_url_is_duplicate else found.urls == url
            match = self._best(packed, found, same_url)
            if match is None and (same_url is None or not same_url.any()):
                tx.add(url, packed.tobytes(), keys)
            return match

        return self.store.atomically(keys, body)

    def add_many(self, urls: list[str], signatures: np.ndarray) -> None:
        """Index many articles unconditionally (bulk loading, benchmarks)."""
        keys = self.band_keys(signatures).tolist()
        packed = pack(signatures)
        self.store.add_many([(u, packed[i].tobytes(), keys[i]) for i, u in enumerate(urls)])

    def __len__(self) -> int:
        return self.store.count()

    def flush(self) -> None:
        """Make every check so far durable (a store batching its commits holds some)."""
        self.store.flush()

    def close(self) -> None:
        self.store.close()
