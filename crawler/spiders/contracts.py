"""Contracts for ``scrapy check``: a spider callback given a saved page, as a
crawl would hand it, and what the chain's parser makes of what it yields.

- ``@sample PATH``: the request of the check is the saved page at ``PATH``
  (relative to the project root, e.g. ``samples/sohu/…html``), with the meta
  an article request carries; the off-site guard lets this one ``file://``
  request through (``local_sample``).
- ``@article FIELD …``: every ``Page`` the callback yields parses (with the
  default site rules) into an article with these fields set.
- ``@rejects REASON``: every ``Page`` it yields is rejected with that reason.

With Scrapy's own ``@returns items 1 1``, ``scrapy check`` then tests the
callback, the parser and the reject reasons on pages kept in the repository.
"""

from __future__ import annotations

from pathlib import Path

from scrapy.contracts import Contract
from scrapy.exceptions import ContractFail

from crawler.errors import Rejection
from crawler.items import Page
from crawler.reasons import Reason

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class SampleContract(Contract):
    name = "sample"

    def adjust_request_args(self, args: dict) -> dict:
        url = (PROJECT_ROOT / self.args[0]).resolve().as_uri()
        args["url"] = url
        args["meta"] = {**(args.get("meta") or {}), "listed_url": url, "seen_key": url, "hints": {},
                        "local_sample": True}
        return args


def _pages(output: list) -> list[Page]:
    pages = [item for item in output if isinstance(item, Page)]
    if not pages:
        raise ContractFail("the callback yielded no Page")
    return pages


def _parse(page: Page):
    from crawler.parsing import parse_page  # here: every crawl loads this module with the spiders

    return parse_page(page.body, page.url, fetched_from=page.fetched_from,
                      content_type=page.content_type, name=page.fetched_from)


class ArticleContract(Contract):
    name = "article"

    def post_process(self, output: list) -> None:
        for page in _pages(output):
            try:
                article = _parse(page)
            except Rejection as exc:
                raise ContractFail(f"{page.url}: rejected ({exc}), not an article") from None
            missing = [field for field in self.args if getattr(article, field, None) in (None, "", [], {})]
            if missing:
                raise ContractFail(f"{page.url}: the article has no {', '.join(missing)}")


class RejectsContract(Contract):
    name = "rejects"

    def post_process(self, output: list) -> None:
        expected = Reason(self.args[0])
        for page in _pages(output):
            try:
                _parse(page)
            except Rejection as exc:
                if exc.reason != expected:
                    raise ContractFail(f"{page.url}: rejected as {exc.reason}, not {expected}") from None
            else:
                raise ContractFail(f"{page.url}: an article, not a reject {expected}")
