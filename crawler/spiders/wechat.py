"""``scrapy crawl wechat``: WeChat official-account articles (mp.weixin.qq.com).

WeChat publishes no public list of an account's articles, so the spider takes
the links users have:

- ``-a urls=FILE_OR_LIST``: article links, long (``/s?__biz=…&mid=…``) or short (``/s/…``);
- ``-a feed=URL[,URL]``: RSS, Atom or JSON Feed URLs of the bridges that
  publish official accounts as feeds; each entry's title, author and date
  fill what the page lacks;
- ``-a album=URL[,URL]``: album (合集) URLs (``…/mp/appmsgalbum?__biz=…&album_id=…``),
  paged through their JSON listing (``WECHAT_ALBUM_URL``).

Plus ``-a max_articles=N`` and ``-a since=YYYY-MM-DD`` (see ``live.py``).
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

from crawler.fetching.listings import parse_wechat_album
from crawler.spiders.live import LiveSpider, split_arg


def parse_album_url(url: str) -> tuple[str, str]:
    """(__biz, album_id) of an album link."""
    query = parse_qs(urlsplit(url.strip()).query)
    biz, album_id = query.get("__biz", [""])[0], query.get("album_id", [""])[0]
    if not biz or not album_id:
        raise ValueError(f"-a album={url}: an album URL needs __biz and album_id parameters")
    return biz, album_id


class WechatSpider(LiveSpider):
    name = "wechat"
    source_hosts = ("mp.weixin.qq.com",)
    endpoint_settings = ("WECHAT_ALBUM_URL",)

    def __init__(self, album: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.albums = [parse_album_url(url) for url in split_arg(album)]
        if not (self.albums or self.url_list or self.feed_urls):
            self.usage_problem = "the wechat spider needs -a urls=, -a feed= or -a album="

    def parse_article(self, response):
        """A WeChat article page: one ``Page`` for the chain (``scrapy check`` runs it on a saved page).

        @sample samples/wechat/city_library_night_reading.html
        @returns items 1 1
        @returns requests 0 0
        @article title text account published_at
        """
        yield from super().parse_article(response)

    def start_listings(self):
        for biz, album_id in self.albums:
            yield self.album_request(biz, album_id, ("", ""), 1)

    def album_request(self, biz: str, album_id: str, cursor: tuple[str, str], page: int):
        url = self.settings["WECHAT_ALBUM_URL"].format(
            biz=quote(biz, safe=""), album_id=quote(album_id, safe=""),
            count=self.settings.getint("WECHAT_ALBUM_PAGE_SIZE"),
            begin_msgid=quote(cursor[0], safe=""), begin_itemidx=quote(cursor[1], safe=""),
        )
        return self.listing_request(url, self.parse_album, {"biz": biz, "album_id": album_id, "page": page})

    def parse_album(self, response, biz: str, album_id: str, page: int):
        # albums are not sorted newest first for sure: since filters entries, never stops paging
        more, cursor = yield from self.follow_listing(response, lambda r: parse_wechat_album(r.body), page)
        if more and cursor:
            yield self.album_request(biz, album_id, cursor, page + 1)
