"""Precision and recall of near-duplicate detection on the labelled set
(crawler/testing/dedup_labelled.py): per category at the default settings, then a
sweep over shingle size, num_perm and threshold (how the defaults were chosen).

    python bench/dedup_quality.py [--no-sweep]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import numpy as np

import harness  # noqa: E402,F401  (puts the repository on sys.path)

from crawler import settings  # noqa: E402
from crawler.dedup import MinHasher, open_index  # noqa: E402
from crawler.dedup.text import normalize, shingle_set  # noqa: E402
from crawler.testing import dedup_labelled as labelled  # noqa: E402


def run(articles, num_perm: int, shingle: int, threshold: float):
    hasher = MinHasher(num_perm, shingle)
    index = open_index("memory", hasher, threshold)
    scores = labelled.evaluate(articles, index, hasher)
    return scores, index


def exact_similarities(articles, shingle: int):
    """Exact Jaccard of each variant with its base, and the largest between two distinct originals."""
    sets = {a.url: shingle_set(normalize(a.text), shingle) for a in articles}
    base = {a.cluster: a.url for a in articles if a.category in ("base", "negative_boilerplate")}

    def jaccard(x, y):
        common = len(np.intersect1d(sets[x], sets[y], assume_unique=True))
        return common / (len(sets[x]) + len(sets[y]) - common)

    variants = {}
    for a in articles:
        if a.category in labelled.VARIANT_CATEGORIES:
            variants.setdefault(a.category, []).append(jaccard(a.url, base[a.cluster]))
    originals = list(base.values())
    negatives = [jaccard(x, y) for i, x in enumerate(originals) for y in originals[:i]]
    return variants, negatives


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-sweep", action="store_true")
    args = parser.parse_args()
    articles = labelled.build()
    counts = Counter(a.category for a in articles)
    print(f"labelled set: {len(articles)} articles; " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))

    perm, shingle, threshold = settings.DEDUP_NUM_PERM, settings.DEDUP_SHINGLE_SIZE, settings.DEDUP_THRESHOLD
    variants, negatives = exact_similarities(articles, shingle)
    print(f"\nexact Jaccard ({shingle}-character shingles): distinct originals max {max(negatives):.3f}, "
          f"99.9th percentile {np.percentile(negatives, 99.9):.3f}, median {np.median(negatives):.3f}")
    start = time.perf_counter()
    scores, index = run(articles, perm, shingle, threshold)
    print(f"\ndefaults: num_perm={perm}, shingle={shingle}, threshold={threshold} "
          f"({index.bands} bands x {index.rows} rows), {time.perf_counter() - start:.2f} s")
    print(f"  precision {scores.precision:.4f} ({scores.correct}/{scores.flagged} flagged correctly, "
          f"{len(scores.false_positives)} false)")
    print(f"  recall, edits <= 20% and the other variant kinds: {scores.recall(labelled.TARGET_CATEGORIES):.4f}")
    print(f"  {'category':<12} {'recall':>7} {'found':>9}  exact Jaccard with the original (min / median)")
    for category in labelled.VARIANT_CATEGORIES:
        detected, total = scores.per_category[category]
        sims = variants[category]
        print(f"  {category:<12} {detected / total:>7.3f} {detected:>4}/{total:<4}  {min(sims):.2f} / {np.median(sims):.2f}")

    if args.no_sweep:
        return
    print("\nsweep: precision, recall (edits <= 20% + other kinds), recall edit_30, edit_40")
    for shingle in (4, 5, 6):
        for perm in (64, 128):
            for threshold in (0.4, 0.45, 0.5, 0.55, 0.6):
                s, index = run(articles, perm, shingle, threshold)
                print(f"  shingle={shingle} num_perm={perm:<3} threshold={threshold:<4} "
                      f"({index.bands:>2}x{index.rows}) P={s.precision:.4f} R={s.recall(labelled.TARGET_CATEGORIES):.4f} "
                      f"R30={s.recall(['edit_30']):.2f} R40={s.recall(['edit_40']):.2f}")


if __name__ == "__main__":
    main()
