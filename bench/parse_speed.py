"""Speed of the site parsers against trafilatura.extract on the real pages.

    python bench/parse_speed.py [--rounds 3] [--corpus ../shared/corpus/real] [--json out.json]

Both get the same decoded HTML strings in the same run: ours through
``crawler.parsing.parse_html`` (parser choice by markup + parse, special
pages raising Rejection included), the peer ``trafilatura.extract``. Each
page is timed ``--rounds`` times, ours and the peer alternating
(bench/harness.py), in CPU seconds, and the fastest round kept for both
sides (the machine is shared). Prints pages/s and MB/s per group and the ratio;
the target is >= 5x on the big (2-3 MB) WeChat pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

from harness import ROOT, arguments, interleaved, ratio, write_results

import trafilatura  # noqa: E402

from crawler.errors import Rejection  # noqa: E402
from crawler.parsing import parse_html  # noqa: E402
from crawler.parsing.decode import decode_html  # noqa: E402


def ours(html: str, url: str) -> None:
    try:
        parse_html(html, url)
    except Rejection:
        pass


def main() -> int:
    parser = arguments(__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "real")
    args = parser.parse_args()
    paths = sorted([*args.corpus.glob("wechat/*.html"), *args.corpus.glob("sohu/*.html")])
    if not paths:
        print(f"no pages under {args.corpus}", file=sys.stderr)
        return 1
    rows = []
    for path in paths:
        html = decode_html(path.read_bytes())
        url = path.resolve().as_uri()
        timings = interleaved({"ours": lambda: ours(html, url),
                               "peer": lambda: trafilatura.extract(html)}, args.rounds)
        rows.append((path, len(html.encode("utf-8")), timings["ours"].best, timings["peer"].best))
    groups = {
        "WeChat pages >= 1 MB": [r for r in rows if r[0].parent.name == "wechat" and r[1] >= 1_000_000],
        "WeChat pages < 1 MB": [r for r in rows if r[0].parent.name == "wechat" and r[1] < 1_000_000],
        "Sohu pages": [r for r in rows if r[0].parent.name == "sohu"],
        "all pages": rows,
    }
    print(f"{'group':22s} {'pages':>5s} {'MB':>6s} | {'ours p/s':>9s} {'MB/s':>7s} | "
          f"{'trafilatura p/s':>15s} {'MB/s':>6s} | {'ratio':>6s} {'worst page':>10s}")
    results = {}
    for name, group in groups.items():
        if not group:
            continue
        size = sum(r[1] for r in group) / 1e6
        mine = sum(r[2] for r in group)
        peer = sum(r[3] for r in group)
        worst = min(r[3] / r[2] for r in group)
        print(f"{name:22s} {len(group):5d} {size:6.1f} | {len(group) / mine:9.1f} {size / mine:7.1f} | "
              f"{len(group) / peer:15.1f} {size / peer:6.1f} | {ratio(peer, mine):5.1f}x {worst:9.1f}x")
        results[name] = {"pages": len(group), "mb": size, "ours_cpu_s": mine, "peer_cpu_s": peer,
                         "ratio": ratio(peer, mine), "worst_page_ratio": worst}
    write_results(args.json, {"groups": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
