"""Leave-one-family-out evaluation of cleaning on the labelled sets.

    python bench/clean_lofo.py [--family NAME ...] [--show N]

For each spam family of tests/data/clean/families.toml, the rules written
for it are withheld and its pages (every format) are cleaned with the rest;
prints per family the share of injected spam tokens removed, the share of
output tokens that are legitimate, the share of look-alike paragraphs (all
sets) kept intact, and, for comparison, the spam removed with every rule.
Families marked novel (tests/data/clean/novel.toml) had no rule written for
them. Targets on those: >= 98% removed, >= 99.5% legitimate, >= 98% intact.
The peer in the same run is the full rule set on the same pages.
"""

from __future__ import annotations

import argparse
import sys
import time

import harness  # noqa: E402,F401  (puts the repository on sys.path)

from crawler.testing import clean_lofo as lofo  # noqa: E402

TARGETS = (0.98, 0.995, 0.98)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--family", action="append", help="only these families")
    parser.add_argument("--show", type=int, default=0, help="leftovers to print per family")
    args = parser.parse_args()
    families = [f for f in lofo.load_families() if not args.family or f.name in args.family]
    start = time.process_time()
    parsed = lofo.parse_sets()
    rows = lofo.evaluate(families, parsed)
    print(f"{'family':22} {'kind':10} {'pages':>5} {'spam removed':>13} {'output legit':>13} "
          f"{'look-alikes':>12} {'all rules':>10}")
    novel_ok = True
    for row in rows:
        t = row.lofo
        print(f"{row.family.name:22} {row.family.kind:10} {t.pages:>5} {t.recall:>13.1%} {t.precision:>13.2%} "
              f"{t.intact_share:>12.1%} {row.full.recall:>10.1%}")
        if row.family.novel:
            novel_ok &= all(v >= goal for v, goal in zip((t.recall, t.precision, t.intact_share), TARGETS))
        for case, expected, got in t.leftovers[:args.show]:
            print(f"   {case.set}/{case.kind}/{case.fmt}: {str(case.item)[:60]!r}")
            if got:
                print(f"      left: {sorted(set(lofo.tokens(got)) - set(lofo.tokens(expected)))[:20]}")
            else:
                print(f"      look-alike broken: {expected}")
    novel = [r.lofo for r in rows if r.family.novel]
    if novel:
        spam = sum(t.spam for t in novel)
        removed = sum(t.spam_removed for t in novel)
        out = sum(t.output for t in novel)
        legit = sum(t.legit_output for t in novel)
        print(f"{'novel families':22} {'':10} {sum(t.pages for t in novel):>5} {removed / spam:>13.1%} "
              f"{legit / out:>13.2%}")
    print(f"targets on novel families (>= 98% removed, >= 99.5% legit, >= 98% intact): "
          f"{'met' if novel_ok else 'NOT met'}; {time.process_time() - start:.0f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
