"""Time of each stage of the item pipeline chain, and its share of the chain.

    python bench/pipeline_stages.py [--rounds N] [--mock N] [--batch N]

Runs the project's own pipeline classes, built from the project settings the
way a crawl builds them (dedup index in memory, so every round sees the same
pages as new), on every saved page under ../shared/corpus/real and the two
seeds, or on N mock-site pages (``--mock``). Prints per stage: CPU time of
this process, share of the chain, pages/s and CPU per page; checks the
language stage's share against the 15 % target (issue 6) and, with
``--mock``, the chain's CPU per article against 1.2 ms (issue 20, a
pipeline worker's work). The peer of
every stage is the rest of the chain, measured in the same run. ``--batch
N``: the stages run over N items at a time, one stage over all of them
before the next, as a pipeline worker runs the items it holds at once
(``GATHER`` in crawler/pipelines/offload.py; a corpus's batches: 32).
"""

from __future__ import annotations

import argparse
import copy
import time

from harness import ROOT  # noqa: E402  (the repository, put on sys.path)

from scrapy.exceptions import DropItem  # noqa: E402

from scrapy.utils.project import get_project_settings  # noqa: E402

from crawler.items import Page  # noqa: E402
from crawler.runtime.gctuning import tune_gc  # noqa: E402
from crawler.testing.chain import build_stages  # noqa: E402  (bench/crawl_speed.py imports it from here)

SHARED = ROOT.parent / "shared"
WORKER_TARGET_MS = 1.2  # CPU of the chain per mock article


def mock_pages(count: int) -> list[Page]:
    """The Sohu article pages the crawl bench (bench/crawl_speed.py) fetches from the mock site."""
    from crawler.testing.mocksite import sohu_page

    urls = [f"https://www.sohu.com/a/{n}_8000" for n in range(800000000, 800000000 + count)]
    return [Page(url, url, body=sohu_page(int(url.rsplit("/", 1)[1].split("_")[0]), 8000, "https://www.sohu.com"))
            for url in urls]


def inputs() -> list[Page]:
    files = sorted((SHARED / "corpus" / "real").glob("*/*.html")) + sorted((SHARED / "seeds").glob("*"))
    return [Page(p.as_uri(), p.as_uri(), body=p.read_bytes()) for p in files]


def _through(stage, item):
    """The item after ``stage``, or None when it dropped it."""
    try:
        return stage.process_item(item)
    except DropItem:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mock", type=int, default=0, metavar="N",
                        help="time the N mock-site pages of bench/crawl_speed.py instead of the real ones")
    parser.add_argument("--batch", type=int, default=1, metavar="N",
                        help="items through the chain at a time, stage by stage (a worker holding N items)")
    args = parser.parse_args()
    pages = mock_pages(args.mock) if args.mock else inputs()
    megabytes = sum(len(p.body) for p in pages) / 1e6
    best: dict[str, float] = {}
    articles = 0
    for _ in range(args.rounds):
        stages = build_stages()  # a fresh dedup index each round
        # what exists now out of the collector's sight, as a pipeline worker does once its
        # stages are built (crawler/runtime/gctuning.py): else each full collection walks
        # all the pages held here, and the stage that happens to trigger it pays
        tune_gc(get_project_settings().getlist("GC_THRESHOLD"))
        spent = {name: 0.0 for name, _ in stages}
        articles = 0
        for first in range(0, len(pages), args.batch):
            items = [copy.copy(page) for page in pages[first:first + args.batch]]
            for name, stage in stages:
                start = time.process_time()
                items = [kept for kept in (_through(stage, item) for item in items) if kept is not None]
                spent[name] += time.process_time() - start
            articles += len(items)
        for name, seconds in spent.items():
            best[name] = min(best.get(name, seconds), seconds)
    total = sum(best.values())
    print(f"{len(pages)} inputs ({megabytes:.1f} MB), {articles} articles; best of {args.rounds} rounds"
          f"{f', {args.batch} items at a time' if args.batch > 1 else ''}")
    print(f"{'stage':<22}{'CPU ms':>10}{'share':>9}{'pages/s':>10}{'ms/page':>9}")
    for name, seconds in best.items():
        print(f"{name:<22}{seconds * 1000:>10.1f}{seconds / total:>9.1%}{len(pages) / seconds:>10.0f}"
              f"{seconds * 1000 / len(pages):>9.3f}")
    print(f"{'chain':<22}{total * 1000:>10.1f}{1:>9.0%}{len(pages) / total:>10.0f}"
          f"{total * 1000 / len(pages):>9.3f}  ({megabytes / total:.1f} MB/s)")
    if args.mock:
        per_article = total * 1000 / max(articles, 1)
        print(f"worker CPU per article {per_article:.2f} ms (target <= {WORKER_TARGET_MS} ms, issue 20): "
              f"{'met' if per_article <= WORKER_TARGET_MS else 'NOT met'}")
    language = best.get("LanguagePipeline", 0.0) / total
    print(f"language stage share {language:.1%} (target <= 15%): {'met' if language <= 0.15 else 'NOT met'}")


if __name__ == "__main__":
    main()
