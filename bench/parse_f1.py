"""Text F1 of the parsers against the gold texts of the real pages.

    python bench/parse_f1.py [--corpus ../shared/corpus/real]

For every ``*.gold.json`` beside a saved page, prints the multiset F1 over
CJK characters and Latin words (crawler/evaluation.py: each CJK ideograph and
each ASCII letter/digit run is a token; punctuation and layout do not count)
of our parser's text and, as the peer measured in the same run, of
``trafilatura.extract`` on the same page. Target: >= 0.99 on each page.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from crawler.evaluation import text_f1  # noqa: E402
from crawler.parsing import parse_page  # noqa: E402
from crawler.parsing.decode import decode_html  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "real")
    args = parser.parse_args()
    golds = sorted(args.corpus.glob("*/*.gold.json"))
    if not golds:
        print(f"no *.gold.json under {args.corpus}", file=sys.stderr)
        return 1
    print(f"{'page':45s} {'ours P':>7s} {'R':>6s} {'F1':>6s}   {'trafilatura F1':>14s}")
    worst = 1.0
    for gold_path in golds:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))["content"]
        page = gold_path.with_name(gold_path.name.replace(".gold.json", ".html"))
        body = page.read_bytes()
        ours = text_f1(parse_page(body, page.resolve().as_uri()).text, gold)
        peer = text_f1(trafilatura.extract(decode_html(body)) or "", gold)
        worst = min(worst, ours.f1)
        print(f"{page.name:45s} {ours.precision:7.4f} {ours.recall:6.4f} {ours.f1:6.4f}   {peer.f1:14.4f}")
    print(f"worst F1 (ours): {worst:.4f}  target >= 0.99: {'met' if worst >= 0.99 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
