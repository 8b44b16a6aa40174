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
store built with another signature scheme, whose keys would never match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from crawler.dedup.minhash import MinHasher, lsh_params, similarity
from crawler.dedup.text import mix64

_U64 = np.uint64
_FN_WEIGHT = 0.9  # missing a duplicate costs more than verifying a candidate
KEY_BITS = 47


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


class Transaction(Protocol):
    def candidates(self, keys: list[int]) -> list[int]: ...
    def fetch(self, ids: list[int]) -> list[tuple[int, str, bytes]]: ...
    def candidate_rows(self, keys: list[int]) -> list[tuple[int, str, bytes]]:
        """``fetch(candidates(keys))``, in one step where the store can."""
    def add(self, url: str, signature: bytes, keys: list[int]) -> None: ...


class Store(Protocol):
    def read_meta(self) -> dict[str, str]: ...
    def write_meta(self, meta: dict[str, str]) -> None: ...
    def atomically(self, keys: list[int], body): ...
    def add_many(self, rows: list[tuple[str, bytes, list[int]]]) -> None: ...
    def count(self) -> int: ...
    def flush(self) -> None: ...
    def close(self) -> None: ...


class LSHIndex:
    def __init__(self, store: Store, hasher: MinHasher, threshold: float):
        self.store = store
        self.hasher = hasher
        self.threshold = threshold
        wanted = {
            "scheme": "minhash-ms64-b16-k47-v1",
            "num_perm": str(hasher.num_perm),
            "shingle_size": str(hasher.shingle_size),
            "seed": str(hasher.seed),
        }
        meta = store.read_meta()
        if not meta:
            bands, rows = lsh_params(threshold, hasher.num_perm, _FN_WEIGHT)
            meta = {**wanted, "bands": str(bands), "rows": str(rows), "threshold": str(threshold)}
            store.write_meta(meta)
        differing = [k for k, v in wanted.items() if meta.get(k) != v]
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

    def band_keys(self, signatures: np.ndarray) -> np.ndarray:
        """A 47-bit key per band, shape (..., bands): band number and the
        band's values hashed together, so one key space serves all bands.
        47 bits fit SQLite's 6-byte integers (2 bytes a row less than 64);
        a chance collision only adds a candidate that verification drops."""
        width = self.bands * self.rows
        values = signatures[..., :width].reshape(*signatures.shape[:-1], self.bands, self.rows)
        keys = mix64(np.arange(self.bands, dtype=_U64) + _U64(0x51ED2701))
        with np.errstate(over="ignore"):
            for column in range(self.rows):
                keys = mix64(keys * _U64(0x100000001B3) + values[..., column].astype(_U64))
        return (keys >> _U64(64 - KEY_BITS)).astype(np.int64)

    def _best(self, signature: np.ndarray, rows: list[tuple[int, str, bytes]]) -> Match | None:
        if not rows:
            return None
        # one buffer for all candidates: a frombuffer per row costs more than the comparison
        others = np.frombuffer(b"".join(sig for _, _, sig in rows), dtype="<u2").reshape(len(rows), -1)
        scores = similarity(pack(signature), others)
        best = int(np.argmax(scores))  # first maximum: rows come in id order
        if scores[best] < self.threshold:
            return None
        return Match(url=rows[best][1], similarity=float(scores[best]))

    def query(self, signature: np.ndarray) -> Match | None:
        """The best near-duplicate already indexed, without adding anything."""
        keys = self.band_keys(signature).tolist()
        return self.store.atomically(keys, lambda tx: self._best(signature, tx.candidate_rows(keys)))

    def check_and_add(self, url: str, signature: np.ndarray, same_url_is_duplicate: bool = True) -> Match | None:
        """Return the near-duplicate of ``signature`` if one is indexed; else
        index it under ``url`` and return None. Atomic in the store.

        ``same_url_is_duplicate=False``: an article indexed before under this
        very URL is this page fetched again, not a duplicate of it (nor
        indexed twice). For crawls where a seen-store decides what was
        exported: a crawl killed between indexing a page and exporting it
        fetches it again, and must then export it."""
        keys = self.band_keys(signature).tolist()
        packed = pack(signature).tobytes()

        def body(tx: Transaction) -> Match | None:
            rows = tx.candidate_rows(keys)
            others = rows if same_url_is_duplicate else [row for row in rows if row[1] != url]
            match = self._best(signature, others)
            if match is None and len(others) == len(rows):
                tx.add(url, packed, keys)
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
