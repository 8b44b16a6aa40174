"""The project's log formatter (crawler/runtime/logformatter.py)."""

from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from crawler.items import Article
from crawler.runtime.logformatter import LogFormatter


def formatter(level):
    return LogFormatter.from_crawler(get_crawler(settings_dict={"LOG_LEVEL": level}))


def test_page_and_item_lines_are_made_only_when_the_log_level_shows_them():
    request = Request("https://www.sohu.com/a/1_2")
    response = Response(request.url, request=request)
    item = Article(url=request.url, fetched_from=request.url, source="sohu")
    for level in ("DEBUG", 10, "debug"):
        assert formatter(level).crawled(request, response, None)["level"] == 10
        assert formatter(level).scraped(item, response, None)["args"]["url"] == request.url
    for level in ("INFO", "WARNING", 20):
        assert formatter(level).crawled(request, response, None) is None
        assert formatter(level).scraped(item, response, None) is None
