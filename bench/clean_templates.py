"""Learned templates (crawler/cleaning/templates.py): precision on the labelled sets, and cost.

    python bench/clean_templates.py [--set main|holdout|unseen|fresh|all] [--pages 500]

1. Every labelled set of the clean stage (tests/data/clean, built by
   crawler/testing/clean_labelled.py) cleaned with the templates off (the
   peer), learned as the pages come (``stream``) and learned over the whole
   set first (``two_pass``), then the rules: spam characters removed,
   legitimate characters kept, look-alike paragraphs broken, template
   removals, and those of them that took legitimate text.
2. Template families (tests/data/templates/families.toml, built by
   crawler/testing/template_families.py): per family of spam lines, the share
   removed from the third article holding it on (stream) and from every
   article (two passes); per family of content that recurs, the share kept.
3. CPU time per article of the template stage (memory and disk store) on the
   mock-site pages and the real pages of bench/pipeline_stages.py, against the
   rule-based clean stage on the same articles, in the same run.
"""

from __future__ import annotations

import argparse
import tempfile
import time

import harness  # noqa: E402,F401  (puts the repository on sys.path)

from crawler.cleaning import Cleaner, load_rules  # noqa: E402
from crawler.cleaning.template_stores import open_template_store  # noqa: E402
from crawler.cleaning.templates import Templates  # noqa: E402
from crawler.parsing import parse_page  # noqa: E402
from crawler.testing import clean_labelled, template_families, template_labelled  # noqa: E402


def precision(names: list[str], cleaner: Cleaner) -> None:
    print("| set | templates | spam removed | legit kept | look-alikes broken | template removals (chars) | of legit text |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name in names:
        for mode in template_labelled.MODES:
            out = template_labelled.run(name, mode, cleaner)
            s = out.total
            print(f"| {name} | {mode} | {s.recall:.2%} | {s.kept:.3%} | {len(out.broken)} | "
                  f"{out.template_removals} ({out.template_chars}) | {len(out.template_legit)} |", flush=True)


def families() -> None:
    """Per family of tests/data/templates/families.toml: spam removed from the
    third article on (stream) and from every article (two passes), content kept."""
    runs = {mode: template_families.run(mode) for mode in ("stream", "two_pass")}
    print("\n| family | kind | place | sources | stream | two passes | evidence |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    totals = {}
    for stream, both in zip(runs["stream"], runs["two_pass"]):
        spam = stream.kind == "spam"
        later = stream.removed[2:]  # from the third article on
        cells = [(sum(later), len(later)), (sum(both.removed), len(both.removed))]
        if not spam:
            cells = [(len(r) - sum(r), len(r)) for r in (stream.removed, both.removed)]
        for mode, (good, count) in zip(("stream", "two_pass"), cells):
            total = totals.setdefault((stream.kind, mode), [0, 0])
            total[0], total[1] = total[0] + good, total[1] + count
        print(f"| {stream.name} | {stream.kind} | {stream.place} | {stream.sources} | "
              f"{cells[0][0]}/{cells[0][1]} | {cells[1][0]}/{cells[1][1]} | {', '.join(both.evidence or stream.evidence)} |")
    for kind, what in (("spam", "spam lines removed"), ("legit", "content lines kept")):
        print(f"| all {kind} | {what} | | | {totals[kind, 'stream'][0]}/{totals[kind, 'stream'][1]} | "
              f"{totals[kind, 'two_pass'][0]}/{totals[kind, 'two_pass'][1]} | |")


def cost(count: int, cleaner: Cleaner) -> None:
    from pipeline_stages import inputs, mock_pages

    print("\n| pages | what | CPU ms an article | against the rules |")
    print("| --- | --- | --- | --- |")
    for label, pages in ((f"{count} mock-site", mock_pages(count)), ("real (../shared)", inputs())):
        articles = []
        for page in pages:
            try:
                articles.append(parse_page(page.body, page.url))
            except Exception:  # a reject: no article to clean
                continue
        timings = {}
        with tempfile.TemporaryDirectory() as tmp:
            for backend in ("memory", "disk"):
                templates = Templates(open_template_store(backend, directory=tmp))
                started = time.process_time()
                for article in articles:
                    templates.clean(article)
                timings[f"templates ({backend} store)"] = time.process_time() - started
                templates.store.close()
        started = time.process_time()
        for article in articles:
            cleaner.clean(article)
        timings["clean stage rules (peer)"] = peer = time.process_time() - started
        for what, seconds in timings.items():
            print(f"| {label} ({len(articles)} articles) | {what} | {seconds / len(articles) * 1000:.3f} | "
                  f"{seconds / peer:.2f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="name", default="all", choices=(*clean_labelled.SETS, "all"))
    parser.add_argument("--pages", type=int, default=500, help="mock-site pages timed (0: no timing)")
    args = parser.parse_args()
    cleaner = Cleaner(load_rules())
    precision(list(clean_labelled.SETS) if args.name == "all" else [args.name], cleaner)
    families()
    if args.pages:
        cost(args.pages, cleaner)


if __name__ == "__main__":
    main()
