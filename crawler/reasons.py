"""The reject reasons: every input that yields no article ends with one of these.

One registry for the whole crawl, and one vocabulary around it:

- ``crawler.errors.Rejection(reason, detail)``: no article, and why. The plain
  libraries raise it; the downloader's ``Refused`` (a request not sent) is one
  too, that Scrapy drops as an ``IgnoreRequest``; the spiders put the reason
  of a page they could not get in ``Page.error``.
- ``crawler.items.Rejected``: its record, one line of the rejects feed.
- ``crawler.pipelines.Reject``: how a stage drops an item (a ``DropItem``
  carrying the ``Rejected`` record; ``PageRejected``, ``NearDuplicate`` and
  ``LanguageRejected`` say which stage), counted as ``rejects/<reason>``.
The special-page rule files (``crawler/parsing/rules/*.toml``) name reasons
too, only these (a test checks); a user's rule file may add reasons of its own.

``Reason`` is a ``StrEnum``: a member *is* its string (``Reason.EMPTY ==
"empty"``), so feeds, stats keys and pickles read the same as before. The
reasons table of the docs (docs/output.md) is generated from ``describe()``
and a test checks it matches.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """A stable reject reason, with what it means (``.doc``) and who gives it (``.given_by``)."""

    doc: str
    given_by: str

    def __new__(cls, value: str, given_by: str, doc: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.given_by = given_by
        member.doc = doc
        return member

    # special pages (parsing rule files)
    DELETED = "deleted", "parser", "the publisher deleted the article"
    VIOLATION = "violation", "parser", "the platform removed the article for breaking its rules"
    UNAVAILABLE = "unavailable", "parser, templates, dedup, distributed", (
        "the article cannot be viewed (withdrawn, restricted); or a store the crawl needs did not answer (Redis)"
        " or could not be written (a full disk: the crawl closes `state_full`); `detail` says which, the next"
        " run asks again")
    EXPIRED = "expired", "parser", "the link has expired"
    ANTI_CRAWL = "anti_crawl", "parser, spider", "a verification page instead of the article (`detail` names the rule)"
    # parsing
    NOT_ARTICLE = "not_article", "parser", "no article body (a profile, history or about page; a link-list, search-result or forum-index page, the signal in `detail`; unparsable HTML)"
    EMPTY = "empty", "parser, spider", "no bytes, no text in the article, or a record with neither HTML nor text"
    BAD_ENCODING = "bad_encoding", "parser", "not decodable without garbage (UTF-8, GB18030, the declared charset)"
    UNSUPPORTED = "unsupported", "parser, downloader, spider", (
        "not HTML, text or Markdown, a URL scheme that is not fetched, or not a regular file"
        " (FIFO, device, socket; a directory symlink loop): never opened")
    # responses
    NOT_FOUND = "not_found", "extract", "HTTP 404 or 410 (`status` set)"
    HTTP_ERROR = "http_error", "extract", "another 4xx/5xx status after the retries (`status` set)"
    TOO_COSTLY = "too_costly", "pipeline worker", (
        "over the budget of CPU time (`PAGE_TIME_BUDGET`) or memory (`PAGE_MEMORY_BUDGET`) per page;"
        " `detail` names the stage")
    TOO_LARGE = "too_large", "spider, downloader", "larger than `DOWNLOAD_MAXSIZE`"
    # files
    UNREADABLE = "unreadable", "spider", "a file or directory that cannot be read (permissions, a dangling symlink)"
    MALFORMED = "malformed", "spider", (
        "a malformed archive or record: a damaged WARC, gzip or Parquet file, a WARC record cut short,"
        " a broken JSON line, a record field of the wrong type")
    # downloads
    TIMEOUT = "timeout", "downloader", "no response in time, after the retries"
    DNS_ERROR = "dns_error", "downloader", "the host name does not resolve"
    CONNECTION_ERROR = "connection_error", "downloader", "the connection failed or was lost, after the retries"
    TRUNCATED = "truncated", "downloader", "fewer bytes than announced"
    DOWNLOAD_ERROR = "download_error", "downloader", "any other failed download"
    ROBOTS_DISALLOWED = "robots_disallowed", "downloader", "forbidden by the host's robots.txt"
    OFF_SITE = "off_site", "downloader", "not a source host, a mirror, or the host of a listed link"
    UNSAFE_ADDRESS = "unsafe_address", "downloader", "the host is or resolves to a private, loopback or link-local address"
    BAD_URL = "bad_url", "spider", "not an http(s) link"
    HOST_BLOCKED = "host_blocked", "downloader", "not requested: its host was blocked for serving verification pages"
    CRAWL_STOPPED = "crawl_stopped", "downloader", "not requested: the crawl was stopping after a host was blocked"
    LISTING_ERROR = "listing_error", "spider", "a feed or API page that is not what it should be (bad JSON, API error code)"
    # pipeline stages
    NEAR_DUPLICATE = "near_duplicate", "dedup", "near-duplicates an article already kept (`DEDUP_ACTION = \"reject\"`)"
    LANGUAGE = "language", "language", "not in a kept language, or no block of `LANG_BLOCKS`' language"
    ERROR = "error", "any stage", "a stage failed on the item: a bug to report (the traceback is in the log)"


def describe() -> str:
    """The Markdown table of the reasons, as the docs hold it."""
    rows = ["| reason | given by | when |", "| --- | --- | --- |"]
    rows += [f"| `{r.value}` | {r.given_by} | {r.doc} |" for r in Reason]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":  # python -m crawler.reasons: the table docs/output.md holds
    print(describe(), end="")
