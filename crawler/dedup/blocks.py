"""Repeated blocks inside one article.

Spam generators and careless reposts repeat an article's body several times,
and where one copy ends and the next begins the last paragraph and the first
are often glued into one block ("...masterpieces.In the surging wave...",
sometimes with a promo between). Two steps:

1. Seams. A block that contains a whole other block of the article (anywhere
   in it, exactly or as a near-duplicate) at sentence boundaries is cut at
   those boundaries into pieces. Candidates come from the MinHash estimate of
   containment, among the blocks that share shingles with another block at
   all; the occurrence is then located on exact shingle positions,
   snapped to the nearest sentence boundaries and verified. Cutting is
   repeated on the pieces, so three glued blocks come apart too.
2. First occurrence stays. Pieces are read in order; one whose normalised
   text was seen, or whose MinHash similarity with a kept piece reaches the
   threshold, goes to ``removed`` with reason ``duplicate_block``.

Pieces of a block that all stay are joined back, so a block is only split
where something was removed from it; text is never rewritten, only cut.
Blocks shorter than ``min_chars`` (normalised) are never removed: a repeated
short line is as often a refrain or a table label as spam.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crawler.dedup.minhash import MinHasher, similarity
from crawler.dedup.text import (
    normalize, normalize_all, sentence_bounds, shingle_hashes, shingle_set, sorted_distinct,
)

REASON = "duplicate_block"
# A copy inside a glued block must be a near-duplicate (>= threshold, 0.8 by
# default) of the whole inner block; the estimate is noisy when the outer
# block is much longer, so candidates are taken well below that and the exact
# check decides. At most _MAX_PAIRS candidates (the most contained first) are
# checked per round, which bounds the work on table-like articles whose many
# similar rows all look a little contained in each other.
_PREFILTER_CONTAINMENT = 0.6
_MAX_PAIRS = 500
_MAX_ROUNDS = 6
_MATRIX_ROWS = 64  # signature rows compared at once (bounds memory for huge articles)
_U64 = np.uint64
_MAX_PAIR_CELLS = 4_000_000  # texts x shared shingles of the exact pair table (16 MB of float32)
_NO_PAIR = np.zeros((0, 0), dtype=np.float32)  # the pair table when no text shares half its shingles


@dataclass
class BlockDedup:
    blocks: list[dict[str, Any]]
    removed: list[dict[str, str]] = field(default_factory=list)
    split_blocks: int = 0  # input blocks that were cut at a seam
    norms: list[str] = field(default_factory=list)  # each input block's normalised text


@dataclass
class _Piece:
    block: int  # index of the input block
    start: int  # offsets in that block's text
    end: int
    norm: str


class _Text:
    """A distinct normalised text with its shingle set and signature."""

    def __init__(self, norm: str, shingles: np.ndarray, signature: np.ndarray):
        self.norm = norm
        self.shingles = shingles
        self.signature = signature


class _Profiler:
    """Shingles and signatures of an article's distinct texts, computed only
    for texts that may take part in a repeat at all. A near-duplicate at
    similarity t shares at least t of its shingles with the other text, a
    block inside a glued one at least t with the glued block (verified
    exactly, see ``_locate``); so a text is left out unless, with some one
    other text, one of the two shares at least half of its shingles (exact
    counts per pair; on articles too large for the pair table, shared with
    any other text at least min(half its shingles, half a shortest block's)).
    In most articles no text qualifies and no signature is computed."""

    def __init__(self, hasher: MinHasher, min_chars: int):
        self.hasher = hasher
        self.size = hasher.shingle_size
        self.floor = max(1.0, 0.5 * (min_chars - self.size + 1))
        self.cache: dict[str, _Text] = {}
        self.last: tuple[tuple[str, ...], list[_Text]] | None = None

    def involved(self, norms: list[str]) -> list[_Text]:
        """The texts among ``norms`` (distinct) that may repeat or contain another."""
        if self.last is not None and self.last[0] == tuple(norms):
            return self.last[1]  # no seam was cut since the last call
        sizes, shingles_of, shared, pairs = _shingle_sets(norms, self.size)
        if pairs is _NO_PAIR:
            wanted = []
        elif pairs is not None:
            half = pairs >= 0.5 * sizes[:, None]  # [i, j]: text j holds half of text i's shingles
            wanted = np.flatnonzero((sizes > 0) & (half.any(axis=1) | half.any(axis=0)))
        else:
            wanted = np.flatnonzero((sizes > 0) & (shared >= np.minimum(0.5 * sizes, self.floor)))
        fresh = [i for i in wanted if norms[i] not in self.cache]
        if fresh:
            shingles = [shingles_of(i) for i in fresh]
            for i, mine, signature in zip(fresh, shingles, self.hasher.signatures(shingles)):
                self.cache[norms[i]] = _Text(norms[i], mine, signature)
        result = [self.cache[norms[i]] for i in wanted]
        self.last = (tuple(norms), result)
        return result


def _shingle_sets(norms: list[str], size: int):
    """Per text, its number of distinct shingles, and how many of them also
    occur in another of the texts; a function giving a text's sorted distinct
    shingle hashes (asked only of the few texts that get a signature); and
    the (texts x texts) table of shingles each pair shares, ``_NO_PAIR`` when
    no text shares half its shingles with the others (no pair can), or None
    when the article is too large for the table. One vectorised pass over all the texts, in
    array methods and ufuncs (NumPy's module-level wrappers cost a Python
    call or two each, more than the work on an article's ~2,000 shingles)."""
    count = len(norms)
    lengths = np.array([len(n) for n in norms], dtype=np.intp)
    hashes = shingle_hashes("".join(norms), size)
    owner = np.arange(count).repeat(lengths)[: len(hashes)]
    # windows across two texts are not shingles
    inside = np.less_equal(np.arange(size, len(hashes) + size), np.add.accumulate(lengths).take(owner))
    hashes, owner = hashes[inside], owner[inside]
    # One plain sort of (shingle, text) keys: the hash with its low bits replaced by
    # the text's number (cheaper than a stable argsort of the hashes and the gathers
    # after it). Two shingles whose hashes differ only in those bits count as one
    # here (odds ~1e-11 an article); signatures read the full hashes (shingles_of).
    low = _U64((1 << max(1, (count - 1).bit_length())) - 1)
    keys = np.bitwise_or(hashes & ~low, owner.astype(_U64))
    keys.sort()
    new = np.empty(len(keys), dtype=bool)
    new[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    keys = keys[new]  # each shingle once per text
    shingle = keys & ~low
    same = np.equal(shingle[1:], shingle[:-1])
    repeated = np.zeros(len(keys), dtype=bool)
    repeated[1:] = same
    repeated[:-1] |= same
    owners = (keys & low).astype(np.intp)
    shared_owner = owners[repeated]
    shared = np.bincount(shared_owner, minlength=count)
    sizes = np.bincount(owners, minlength=count).astype(float)

    def shingles_of(i: int) -> np.ndarray:
        return sorted_distinct(hashes[owner == i])

    # no text shares half its shingles with the others: no pair can (the table is not
    # built, and its size need not be known when it would fit: a column or more a shared key)
    none_half = not np.greater_equal(shared, 0.5 * sizes).any()
    if none_half and count * len(shared_owner) <= _MAX_PAIR_CELLS:
        return sizes, shingles_of, shared, _NO_PAIR
    # each shingle found in several texts is a column; texts x columns, times its transpose
    shared_hashes = shingle[repeated]
    starts = np.empty(len(shared_hashes), dtype=bool)
    starts[:1] = True
    np.not_equal(shared_hashes[1:], shared_hashes[:-1], out=starts[1:])
    column = np.add.accumulate(starts) - 1
    columns = int(column[-1]) + 1 if len(column) else 0
    if count * columns > _MAX_PAIR_CELLS:
        return sizes, shingles_of, shared, None
    if none_half:
        return sizes, shingles_of, shared, _NO_PAIR
    incidence = np.zeros((count, columns), dtype=np.float32)  # float32: exact counts below 2**24
    incidence[shared_owner, column] = 1.0
    pairs = incidence @ incidence.T
    np.fill_diagonal(pairs, 0.0)
    return sizes, shingles_of, shared, pairs


def dedup_blocks(
    blocks: list[dict[str, Any]],
    hasher: MinHasher,
    *,
    threshold: float = 0.8,
    min_chars: int = 15,
) -> BlockDedup:
    """Remove repeated blocks (and the repeated halves of glued blocks)."""
    texts = [block.get("text") or "" for block in blocks]
    norms = normalize_all(texts)
    pieces = [_Piece(i, 0, len(t), norm) for i, (t, norm) in enumerate(zip(texts, norms))]
    profiler = _Profiler(hasher, min_chars)
    cut = False
    for _ in range(_MAX_ROUNDS):
        cuts = _seam_cuts(pieces, texts, profiler, threshold, min_chars)
        if not cuts:
            break
        pieces, cut = _apply_cuts(pieces, texts, cuts), True
    keep = _first_occurrences(pieces, profiler, threshold, min_chars)
    if not cut and all(keep):  # the article as it came (what _assemble makes of it, at less cost)
        return BlockDedup(blocks=list(blocks), norms=norms)
    result = _assemble(blocks, texts, pieces, keep)
    result.norms = norms
    return result


def _distinct(pieces: list[_Piece], min_chars: int) -> list[str]:
    return list(dict.fromkeys(p.norm for p in pieces if len(p.norm) >= min_chars))


def _seam_cuts(pieces, texts, profiler, threshold, min_chars) -> dict[str, set[int]]:
    """Normalised offsets at which pieces with a given normalised text are cut."""
    distinct = _distinct(pieces, min_chars)
    infos = profiler.involved(distinct) if len(distinct) > 1 else []
    if len(infos) < 2:
        return {}
    size = profiler.size
    signatures = np.stack([i.signature for i in infos])
    sizes = np.array([len(i.shingles) for i in infos], dtype=float)
    lengths = np.array([len(i.norm) for i in infos])
    first_piece = {}
    for piece in pieces:
        first_piece.setdefault(piece.norm, piece)
    pairs: list[tuple[float, int, int]] = []
    for row in range(0, len(infos), _MATRIX_ROWS):
        sim = (signatures[row : row + _MATRIX_ROWS, None, :] == signatures[None, :, :]).mean(-1)
        part_sizes = sizes[row : row + _MATRIX_ROWS, None]
        # |A n B| / |A| from J = |A n B| / |A u B|: J (|A| + |B|) / ((1 + J) |A|)
        containment = sim * (part_sizes + sizes[None, :]) / ((1 + sim) * part_sizes)
        shorter = lengths[row : row + _MATRIX_ROWS, None] < lengths[None, :]
        for a, b in zip(*np.nonzero((containment >= _PREFILTER_CONTAINMENT) & shorter)):
            pairs.append((-float(containment[a, b]), row + int(a), int(b)))
    cuts: dict[str, set[int]] = {}
    for _, a, b in sorted(pairs)[:_MAX_PAIRS]:
        inner, outer = infos[a], infos[b].norm
        piece = first_piece[outer]
        found = _locate(inner, outer, texts[piece.block][piece.start : piece.end], size, threshold)
        if found:
            cuts.setdefault(outer, set()).update(found)
    return cuts


def _norm_bounds(raw: str) -> dict[int, int]:
    """Sentence boundaries of a raw text: normalised offset -> raw offset."""
    bounds = sentence_bounds(raw)
    table: dict[int, int] = {}
    offset = 0
    for start, end in zip(bounds, bounds[1:]):
        table.setdefault(offset, start)
        offset += len(normalize(raw[start:end]))
    table[offset] = len(raw)
    return table


def _locate(inner: _Text, outer: str, outer_raw: str, size: int, threshold: float) -> set[int]:
    """Normalised cut offsets that isolate each copy of ``inner`` in ``outer``.

    A copy is found exactly (substring) or as a run of shingles of ``outer``
    that belong to ``inner``, allowing small gaps (a promo inside the copy).
    Each copy is widened or narrowed to the nearest sentence boundaries, and
    kept only if that stretch is still a near-duplicate of ``inner``."""
    a = inner.norm
    spans = []
    pos = outer.find(a)
    while pos >= 0:
        spans.append((pos, pos + len(a)))
        pos = outer.find(a, pos + len(a))
    slack = int(len(a) * (1 - threshold)) + size
    if not spans:
        spans = _covered_runs(inner, outer, size, gap=slack)
    bounds = sorted(_norm_bounds(outer_raw))
    cuts: set[int] = set()
    for start, end in spans:
        left = [b for b in bounds if start - slack <= b <= start + size]
        right = [b for b in bounds if end - size <= b <= end + slack]
        if not left or not right:
            continue
        snap_start = min(left, key=lambda b: abs(b - start))
        snap_end = min(right, key=lambda b: abs(b - end))
        if snap_end <= snap_start or (snap_start == 0 and snap_end == len(outer)):
            continue  # the whole outer block: a whole-block duplicate, not a seam
        stretch = outer[snap_start:snap_end]
        if stretch != a and not _near(shingle_set(stretch, size), inner.shingles, threshold):
            continue
        cuts.update(c for c in (snap_start, snap_end) if 0 < c < len(outer))
    return cuts


def _covered_runs(inner: _Text, outer: str, size: int, gap: int) -> list[tuple[int, int]]:
    """Stretches of ``outer`` whose characters lie in shingles of ``inner``,
    merged over gaps of at most ``gap`` characters."""
    hashes = shingle_hashes(outer, size)
    hit = np.isin(hashes, inner.shingles)
    if not hit.any():
        return []
    # Character c is covered when a hit shingle starts in [c - size + 1, c].
    counts = np.concatenate(([0], np.cumsum(hit)))
    chars = np.arange(len(outer))
    upper = np.minimum(chars, len(hit) - 1) + 1
    lower = np.maximum(chars - size + 1, 0)
    covered = counts[upper] - counts[lower] > 0
    edges = np.flatnonzero(np.diff(np.concatenate(([0], covered.astype(np.int8), [0]))))
    runs = list(zip(edges[::2].tolist(), edges[1::2].tolist()))
    merged = [runs[0]]
    for start, end in runs[1:]:
        if start - merged[-1][1] <= gap:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _near(first: np.ndarray, second: np.ndarray, threshold: float) -> bool:
    """Exact Jaccard of two sorted shingle sets reaches the threshold."""
    common = len(np.intersect1d(first, second, assume_unique=True))
    return common / (len(first) + len(second) - common) >= threshold


def _apply_cuts(pieces: list[_Piece], texts: list[str], cuts: dict[str, set[int]]) -> list[_Piece]:
    out: list[_Piece] = []
    for piece in pieces:
        offsets = cuts.get(piece.norm)
        if not offsets:
            out.append(piece)
            continue
        raw = texts[piece.block][piece.start : piece.end]
        table = _norm_bounds(raw)
        edges = sorted(table[o] for o in offsets if o in table)
        start = 0
        for edge in edges + [len(raw)]:
            norm = normalize(raw[start:edge])
            if norm or edge == len(raw):  # a cut leaving only punctuation is skipped
                out.append(_Piece(piece.block, piece.start + start, piece.start + edge, norm))
                start = edge
    # A trailing punctuation-only piece joins the piece before it.
    merged: list[_Piece] = []
    for piece in out:
        if not piece.norm and merged and merged[-1].block == piece.block:
            merged[-1] = _Piece(piece.block, merged[-1].start, piece.end, merged[-1].norm)
        else:
            merged.append(piece)
    return merged


def _first_occurrences(pieces, profiler, threshold, min_chars) -> list[bool]:
    distinct = _distinct(pieces, min_chars)
    signature_of = {i.norm: i.signature for i in profiler.involved(distinct)} if len(distinct) > 1 else {}
    keep = []
    seen: set[str] = set()
    kept_signatures: list[np.ndarray] = []
    for piece in pieces:
        if len(piece.norm) < min_chars:
            keep.append(True)
            continue
        if piece.norm in seen:
            keep.append(False)
            continue
        signature = signature_of.get(piece.norm)  # None: shares too little to be a near-duplicate
        if signature is not None and kept_signatures:
            if similarity(signature, np.stack(kept_signatures)).max() >= threshold:
                keep.append(False)
                continue
        seen.add(piece.norm)
        if signature is not None:
            kept_signatures.append(signature)
        keep.append(True)
    return keep


def _assemble(blocks, texts, pieces, keep) -> BlockDedup:
    result = BlockDedup(blocks=[])
    split = set()
    run: list[_Piece] = []

    def close_run() -> None:
        if run:
            block = blocks[run[0].block]
            part = _slice_block(block, run[0].start, run[-1].end)
            if part is not None:
                result.blocks.append(part)
            run.clear()

    for piece, kept in zip(pieces, keep):
        if run and run[-1].block != piece.block:
            close_run()
        if kept:
            run.append(piece)
            continue
        close_run()
        text = texts[piece.block][piece.start : piece.end].strip()
        result.removed.append({"reason": REASON, "text": text})
        if (piece.start, piece.end) != (0, len(texts[piece.block])):
            split.add(piece.block)
    close_run()
    result.split_blocks = len(split)
    return result


def _slice_block(block: dict[str, Any], start: int, end: int) -> dict[str, Any] | None:
    """The block cut to ``text[start:end]`` (stripped), spans clipped and shifted."""
    text = block.get("text") or ""
    if (start, end) == (0, len(text)):
        return block
    raw = text[start:end]
    lead = len(raw) - len(raw.lstrip())
    part_text = raw.strip()
    if not part_text:
        return None
    begin, finish = start + lead, start + lead + len(part_text)
    part = {key: value for key, value in block.items() if key != "spans"}
    part["text"] = part_text
    spans = [
        [max(s, begin) - begin, min(e, finish) - begin, kind, value]
        for s, e, kind, value in block.get("spans") or []
        if s < finish and e > begin
    ]
    if spans:
        part["spans"] = spans
    return part
