"""Throughput of the clean stage on the real pages, against peers in the same run.

    python bench/clean_speed.py [--rounds 5] [--corpus ../shared/corpus/real] [--seeds ../shared/seeds]

The pages (the WeChat and Sohu HTML under --corpus, and the seed documents)
are parsed once by crawler.parsing.parse_page; then, per article, the fastest
of --rounds runs is kept (the machine is shared) for:

- clean: ``Cleaner.clean_blocks`` with the built-in rules (the stage's work);
- unscreened: the same without the rules' literal prefilters (``Rule.screen``),
  which is what cleaning cost before them; the outputs must be equal;
- parse: ``parse_page`` of the same page (the stage before it);
- naive: one regex of the spam vocabulary and host names over every block
  (``re.sub``), the least a cleaner could do.

Also a group "mock": --mock articles of the mock site the crawl bench crawls
(crawler/testing/mocksite.py, about 8 paragraphs of invented Chinese).

Prints articles/s and MB/s (UTF-8 bytes of article text) for each, and the
ratios clean/parse, clean/naive and unscreened/clean.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
import time
from pathlib import Path

from harness import ROOT  # noqa: E402  (the repository, put on sys.path)

from crawler.cleaning import Cleaner, load_rules  # noqa: E402
from crawler.errors import Rejection  # noqa: E402
from crawler.parsing import parse_page  # noqa: E402
from crawler.testing.mocksite import sohu_page  # noqa: E402


def best(fn, rounds: int) -> float:
    fastest = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest


def naive_pattern(rules) -> re.Pattern:
    words = [w for name in ("gambling_terms", "lottery_terms", "loan_terms", "ui_strings", "promo_en")
             for w in rules.lists[name]]
    return re.compile("|".join(map(re.escape, sorted(set(words), key=len, reverse=True)))
                      + r"|配资|(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}", re.IGNORECASE)


def unscreened(rules):
    """The rule set without the literal prefilters."""
    bare = copy.copy(rules)
    bare.rules = [copy.copy(rule) for rule in rules.rules]
    for rule in bare.rules:
        rule.screen = None
    return bare


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "real")
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--mock", type=int, default=100, help="mock-site articles (0: none)")
    args = parser.parse_args()
    pages = sorted([*args.corpus.glob("wechat/*.html"), *args.corpus.glob("sohu/*.html")])
    pages += sorted([*args.seeds.glob("*.txt"), *args.seeds.glob("*.md")])
    if not pages:
        print(f"no pages under {args.corpus} or {args.seeds}", file=sys.stderr)
        return 1
    rules = load_rules()
    cleaner, bare = Cleaner(rules), Cleaner(unscreened(rules))
    pattern = naive_pattern(rules)
    stages = ("clean", "unscreened", "parse", "naive")
    groups: dict[str, dict[str, float]] = {}
    rows = []
    inputs = [(path.read_bytes(), {"wechat": "https://mp.weixin.qq.com/s/x", "sohu": "https://www.sohu.com/a/1_2"}.get(
        path.parent.name, path.resolve().as_uri()), path.name, "seeds" if path.parent == args.seeds else "real pages")
        for path in pages]
    host = "http://127.0.0.1:1"
    inputs += [(sohu_page(n, 8000, host), f"{host}/a/{n}_8000", f"mock {n}", "mock")
               for n in range(800000000, 800000000 + args.mock)]
    for body, url, name, group in inputs:
        try:
            article = parse_page(body, url, name=name)
        except Rejection:
            continue  # special pages (deleted, anti-crawl...) never reach cleaning
        blocks = article.blocks
        size = len(article.text.encode("utf-8"))
        if cleaner.clean_blocks(blocks) != bare.clean_blocks(blocks):
            print(f"{name}: the prefilters changed the output", file=sys.stderr)
            return 1
        times = {
            "clean": best(lambda: cleaner.clean_blocks(blocks), args.rounds),
            "unscreened": best(lambda: bare.clean_blocks(blocks), args.rounds),
            "parse": best(lambda: parse_page(body, url, name=name), args.rounds),
            "naive": best(lambda: [pattern.sub("", b["text"]) for b in blocks], args.rounds),
        }
        for bucket in (group, "all") if group != "mock" else (group,):
            totals = groups.setdefault(bucket, {**dict.fromkeys(stages, 0.0), "articles": 0, "bytes": 0})
            for key, value in times.items():
                totals[key] += value
            totals["articles"] += 1
            totals["bytes"] += size
        rows.append((name, size, times["clean"]))
    print(f"best of {args.rounds} rounds per article; MB = UTF-8 bytes of article text\n")
    print(f"{'largest articles':44} {'text KB':>8} {'clean ms':>9}")
    for name, size, seconds in sorted(rows, key=lambda r: -r[1])[:5]:
        print(f"{name[:44]:44} {size / 1e3:8.1f} {seconds * 1e3:9.2f}")
    print(f"\n{'group':11} {'articles':>8} {'MB':>6} {'stage':>10} {'seconds':>9} {'articles/s':>11} {'MB/s':>7}")
    for name, t in groups.items():
        mb = t["bytes"] / 1e6
        for key in stages:
            print(f"{name:11} {t['articles']:8} {mb:6.2f} {key:>10} {t[key]:9.4f} "
                  f"{t['articles'] / t[key]:11.1f} {mb / t[key]:7.2f}")
        print(f"{'':11} clean {t['clean'] / t['articles'] * 1e3:.3f} ms/article; clean/parse time "
              f"{t['clean'] / t['parse']:.2f}, clean/naive regex time {t['clean'] / t['naive']:.1f}x, "
              f"unscreened/clean time {t['unscreened'] / t['clean']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
