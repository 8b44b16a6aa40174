"""Text F1 of the project's extraction against trafilatura on public benchmarks.

    python bench/extraction_f1.py [--set scrapinghub --set cwced --set real] [--pages N] [--worst K]

For every page of each set (crawler/testing/extraction_sets.py: the
scrapinghub English news set and the cwced old Chinese pages of
../shared/benchmarks, and the project's own WeChat/Sohu gold pages), the
same run scores against the gold text, with the project's metric
(crawler/evaluation.py: multiset F1 over CJK characters and Latin words):

- ours: ``crawler.parsing.parse_page`` on the page's bytes (decoding, parser
  choice, rejects included; a reject scores 0 unless the gold is empty);
- trafilatura ``extract`` with its defaults, and with ``favor_precision``,
  both handed the page as the project decodes it (``decode_html``; the raw
  bytes when that refuses the page).

Prints, per set: mean and median F1 of each, per-page wins of ours against
each peer (better / same within 0.005 / worse), our rejects by reason, and
CPU seconds per side; ``--worst K`` lists our K lowest pages. On cwced,
which labels dates, our ``published_at`` against the gold date: right,
wrong, none where the gold has one, given where the gold has none. Targets: mean
F1 >= trafilatura favor_precision + 0.01 on scrapinghub and cwced, >= 0.90
on cwced, >= 0.99 on every real gold page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter

import harness  # noqa: E402,F401  (puts the repository on sys.path)

import trafilatura  # noqa: E402

from crawler.errors import Rejection  # noqa: E402
from crawler.evaluation import text_f1  # noqa: E402
from crawler.parsing import parse_page  # noqa: E402
from crawler.parsing.decode import decode_html  # noqa: E402
from crawler.testing.extraction_sets import SETS, pages  # noqa: E402

PEERS = {
    "trafilatura": {},
    "traf. precision": {"favor_precision": True},
}
TIE = 0.005


def ours(page) -> tuple[str, str | None, str | None]:
    """(text, reject reason, published date)."""
    try:
        article = parse_page(page.body, page.url)
    except Rejection as rejection:
        return "", rejection.reason, None
    return article.text, None, (article.published_at or "")[:10] or None


def _date_verdict(published: str | None, gold: str | None) -> str:
    if gold is None:
        return "none, right" if published is None else "given, gold has none"
    if published is None:
        return "none, gold has one"
    return "right" if published == gold else "wrong"


def peer_input(page):
    try:
        return decode_html(page.body)
    except Rejection:
        return page.body


def timed(fn, *args):
    start = time.process_time()
    result = fn(*args)
    return result, time.process_time() - start


def run_set(name: str, limit: int | None, worst: int) -> dict:
    scores: dict[str, list[float]] = {"ours": [], **{p: [] for p in PEERS}}
    seconds = Counter()
    rejects: Counter = Counter()
    dates: Counter = Counter()
    rows = []
    for i, page in enumerate(pages(name)):
        if limit is not None and i >= limit:
            break
        (text, reason, published), spent = timed(ours, page)
        seconds["ours"] += spent
        if name == "cwced":
            dates[_date_verdict(published, page.date)] += 1
        if reason:
            rejects[reason] += 1
        scores["ours"].append(text_f1(text, page.gold).f1)
        html = peer_input(page)
        for peer, options in PEERS.items():
            out, spent = timed(lambda: trafilatura.extract(html, url=page.url, **options) or "")
            seconds[peer] += spent
            scores[peer].append(text_f1(out, page.gold).f1)
        rows.append((scores["ours"][-1], scores["traf. precision"][-1], page.id, reason))
    count = len(scores["ours"])
    print(f"\n== {name}: {count} pages")
    print(f"{'':16s} {'mean F1':>8s} {'median':>7s} {'CPU s':>7s} {'ours better/same/worse':>24s}")
    for side, values in scores.items():
        wins = ""
        if side != "ours":
            diffs = [a - b for a, b in zip(scores["ours"], values)]
            wins = "/".join(str(n) for n in (
                sum(d > TIE for d in diffs), sum(abs(d) <= TIE for d in diffs), sum(d < -TIE for d in diffs)))
        print(f"{side:16s} {statistics.fmean(values):8.4f} {statistics.median(values):7.4f} "
              f"{seconds[side]:7.2f} {wins:>24s}")
    print("rejects (ours): " + (", ".join(f"{r} {n}" for r, n in rejects.most_common()) or "none"))
    if dates:
        print("dates (ours, against the gold dates): " + ", ".join(f"{v} {n}" for v, n in sorted(dates.items())))
    for f1, peer, page_id, reason in sorted(rows)[:worst]:
        print(f"  {f1:.3f} (trafilatura precision {peer:.3f}) {page_id}{' ' + reason if reason else ''}")
    return {side: statistics.fmean(values) for side, values in scores.items()} | {
        "worst": min(scores["ours"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", action="append", choices=SETS, dest="sets")
    parser.add_argument("--pages", type=int, help="only the first N pages of each set")
    parser.add_argument("--worst", type=int, default=0, help="list our K lowest pages per set")
    args = parser.parse_args()
    results = {name: run_set(name, args.pages, args.worst) for name in args.sets or SETS}
    print()
    for name, result in results.items():
        if name == "real":
            print(f"real: worst F1 {result['worst']:.4f} (target >= 0.99)")
            continue
        target = result["traf. precision"] + 0.01
        if name == "cwced":
            target = max(target, 0.90)
        verdict = "met" if result["ours"] >= target else "NOT met"
        print(f"{name}: ours {result['ours']:.4f}, target >= {target:.4f}: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
