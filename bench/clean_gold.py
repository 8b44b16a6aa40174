"""What the clean stage takes from text nobody here wrote: the gold texts of
the public extraction benchmarks.

    python bench/clean_gold.py [--show 20] [--set cwced|scrapinghub|real|all]

The gold main text of every page of ``../shared/benchmarks`` (cwced: Chinese
news and web pages of 2004-2022; scrapinghub: English-language news) and of
the real gold pages is the article as people chose it, spam-free as far as
its authors knew: split into its paragraphs and cleaned with every rule, all
it loses is a wrong removal (a legitimate sentence about prices, fees,
markets, a quoted statement, an English term in Chinese prose). The labelled
sets' look-alikes are sentences we wrote to resemble our spam; these are
sentences nobody wrote for us. Prints, per set: the share of gold characters
removed as spam (every reason but ``boilerplate``) and the share of
paragraphs such a removal leaves intact, the same with boilerplate removals
counted (credits and editor lines, notices: the golds differ on these, the
real pages' gold keeps 责任编辑 and 返回搜狐 which the project removes by design),
the pages touched, the characters removed per reason and signal, and with
``--show`` each removal. The peer in the same run is the naive regex pass of
``bench/clean_eval.py`` (every spam word and host name wherever it matches).

Targets, on the removals as spam: <= 0.05% of gold characters removed and
>= 99.9% of paragraphs intact on each set.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

import harness  # noqa: E402,F401  (puts the repository on sys.path)
from clean_eval import naive_cleaner  # noqa: E402

from crawler.cleaning import Cleaner, load_rules  # noqa: E402
from crawler.testing.extraction_sets import SETS, pages  # noqa: E402

CHARS_TARGET = 0.0005  # share of gold characters removed as spam, at most
INTACT_TARGET = 0.999  # share of gold paragraphs no spam removal touched, at least


def gold_blocks(gold: str) -> list[dict]:
    return [{"type": "paragraph", "text": line.strip(), "lang": None}
            for line in gold.splitlines() if line.strip()]


def score(name: str, cleaners: dict[str, Cleaner], naive, show: int) -> bool:
    """``cleaners``: "all" (every rule), "spam" (every rule but the boilerplate ones)."""
    chars = naive_removed = paragraphs = touched = 0
    removed, broken = Counter(), Counter()  # per cleaner: characters removed, paragraphs not intact
    by_signal: Counter = Counter()
    shown = []
    for page in pages(name):
        blocks = gold_blocks(page.gold)
        if not blocks:
            continue
        chars += sum(len(b["text"]) for b in blocks)
        paragraphs += len(blocks)
        naive_removed += sum(len(b["text"]) for b in blocks) - sum(len(b["text"]) for b in naive(blocks))
        results = {which: cleaner.clean_blocks(blocks) for which, cleaner in cleaners.items()}
        for which, result in results.items():
            removed[which] += result.removed_chars
            kept = {b["text"] for b in result.blocks}
            broken[which] += sum(b["text"] not in kept for b in blocks)
        touched += bool(results["all"].removed)
        for entry in results["all"].removed:  # (every rule's removals are listed)
            by_signal[(entry["reason"], entry.get("signal", ""))] += len(entry["text"])
            shown.append((page.id[:16], entry["reason"], entry.get("signal", ""), entry["text"].strip()))
    share = removed["spam"] / max(chars, 1)
    intact = 1 - broken["spam"] / max(paragraphs, 1)
    met = share <= CHARS_TARGET and intact >= INTACT_TARGET
    print(f"{name}: {paragraphs} gold paragraphs, {chars:,} characters, {touched} pages touched")
    print(f"  as spam: {removed['spam']:,} characters removed ({share:.3%}), paragraphs intact {intact:.2%}:"
          f" {'met' if met else 'NOT met'}")
    print(f"  with boilerplate: {removed['all']:,} characters ({removed['all'] / max(chars, 1):.3%}),"
          f" paragraphs intact {1 - broken['all'] / max(paragraphs, 1):.2%};"
          f" naive regex {naive_removed / max(chars, 1):.3%}")
    for (reason, signal), count in by_signal.most_common():
        print(f"    {reason:<12} {signal:<18} {count:>6}")
    for page_id, reason, signal, text in shown[:show]:
        print(f"    - {page_id} {reason}/{signal}: {text[:110]}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", type=int, default=0, help="removals to print per set")
    parser.add_argument("--set", dest="name", default="all", choices=(*SETS, "all"))
    args = parser.parse_args()
    rules = load_rules()
    boilerplate = [rule.name for rule in rules.rules if rule.reason == "boilerplate"]
    cleaners = {"spam": Cleaner(load_rules(disabled=boilerplate)), "all": Cleaner(rules)}
    met = [score(name, cleaners, naive_cleaner(rules), args.show) for name in (SETS if args.name == "all" else (args.name,))]
    print(f"targets (as spam: <= {CHARS_TARGET:.2%} of gold characters removed, >= {INTACT_TARGET:.1%} of paragraphs"
          " intact):"
          f" {'met' if all(met) else 'NOT met'}")
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
