"""The public extraction benchmarks of ../shared/benchmarks, page by page.

Shared by ``bench/extraction_f1.py`` and the walker tests. Each set yields
``Page(id, body, url, gold)``: the saved bytes, the URL the page is parsed
under (the page's own URL when the set records it, else a ``file:`` URL, so
the parser is chosen by markup alone) and the gold main text.

- ``scrapinghub``: scrapinghub/article-extraction-benchmark, 181 news and
  blog pages (mostly English), ``html/<id>.html.gz`` and
  ``ground-truth.json`` (``articleBody``, ``url``).
- ``cwced``: Chinese-Web-Content-Extraction-Dataset, 69 Chinese pages of
  2004-2020 (blogs, forums, news; mostly GB2312/GBK), ``original/<id>.html``
  and ``cleaned/<id>.txt``; ``date/<id>.txt`` gives ``Page.date``.
- ``real``: the project's own saved WeChat and Sohu pages with a
  ``*.gold.json`` beside them (../shared/corpus/real).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from crawler.testing.process import SHARED

BENCHMARKS = SHARED / "benchmarks"
SETS = ("scrapinghub", "cwced", "real")


class Page(NamedTuple):
    id: str
    body: bytes
    url: str
    gold: str
    date: str | None = None  # the gold publication date (YYYY-MM-DD) where the set has one


def _scrapinghub(root: Path) -> Iterator[Page]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        body = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
        yield Page(page_id, body, truth[page_id]["url"], truth[page_id]["articleBody"])


def _cwced(root: Path) -> Iterator[Page]:
    for path in sorted((root / "original").glob("*.html")):
        gold = (root / "cleaned" / f"{path.stem}.txt").read_text(encoding="utf-8", errors="replace")
        day = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", (root / "date" / f"{path.stem}.txt").read_text().strip())
        date = f"{day[1]}-{int(day[2]):02d}-{int(day[3]):02d}" if day else None  # else UNKNOWN or a year
        yield Page(path.stem, path.read_bytes(), path.resolve().as_uri(), gold, date)


def _real(root: Path) -> Iterator[Page]:
    for gold_path in sorted(root.glob("*/*.gold.json")):
        page = gold_path.with_name(gold_path.name.replace(".gold.json", ".html"))
        gold = json.loads(gold_path.read_text(encoding="utf-8"))["content"]
        yield Page(page.stem, page.read_bytes(), page.resolve().as_uri(), gold)


def pages(name: str) -> Iterator[Page]:
    """The pages of one set (see ``SETS``); missing files raise."""
    if name == "scrapinghub":
        return _scrapinghub(BENCHMARKS / "scrapinghub")
    if name == "cwced":
        return _cwced(BENCHMARKS / "cwced")
    if name == "real":
        return _real(SHARED / "corpus" / "real")
    raise ValueError(f"no extraction set named {name!r} (one of {', '.join(SETS)})")
