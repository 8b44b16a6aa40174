"""``scrapy crawl sohu``: Sohu articles (www.sohu.com/a/…).

- ``-a author=ID[,ID]``: media (author) ids, paged through the author's
  article list API (``SOHU_AUTHOR_API_URL``);
- ``-a channel=SCENE_ID[,SCENE:SCENE_ID]``: feed scenes of the public feed
  API (``SOHU_FEED_API_URL``), ``SOHU_FEED_SCENE`` (CHANNEL) unless a scene
  is given (``TAG:67230``);
- ``-a urls=FILE_OR_LIST`` and ``-a feed=URL[,URL]``.

Mobile links (``m.sohu.com``) are fetched from ``www.sohu.com``
(``SOHU_HOST_MAP``). Plus ``-a max_articles=N`` and ``-a since=YYYY-MM-DD``.
"""

from __future__ import annotations

from urllib.parse import quote

from crawler.fetching.listings import parse_sohu_author, parse_sohu_feed
from crawler.spiders.live import LiveSpider, split_arg


def parse_channel(value: str) -> tuple[str | None, str]:
    """(scene or None for the default, scene id) of a ``-a channel=`` item."""
    scene, _, scene_id = value.rpartition(":")
    scene, scene_id = scene.strip().upper(), scene_id.strip()
    if not scene_id or (scene and not scene.replace("_", "").isalnum()):
        raise ValueError(f"-a channel={value}: expected SCENE_ID or SCENE:SCENE_ID")
    return scene or None, scene_id


class SohuSpider(LiveSpider):
    name = "sohu"
    source_hosts = ("www.sohu.com", "m.sohu.com", "v2.sohu.com")
    endpoint_settings = ("SOHU_AUTHOR_API_URL", "SOHU_FEED_API_URL", "SOHU_ARTICLE_URL")
    host_map_setting = "SOHU_HOST_MAP"

    def __init__(self, author: str | None = None, channel: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.authors = split_arg(author)
        self.channels = [parse_channel(value) for value in split_arg(channel)]
        if not (self.authors or self.channels or self.url_list or self.feed_urls):
            self.usage_problem = "the sohu spider needs -a author=, -a channel=, -a urls= or -a feed="

    def parse_article(self, response):
        """A Sohu article page: one ``Page`` for the chain (``scrapy check`` runs it on a saved page).

        @sample samples/sohu/river_cleanup_volunteers.html
        @returns items 1 1
        @returns requests 0 0
        @article title text account published_at
        """
        yield from super().parse_article(response)

    def start_listings(self):
        for author in self.authors:
            yield self.author_request(author, 1)
        for scene, scene_id in self.channels:
            yield self.channel_request(scene or self.settings["SOHU_FEED_SCENE"], scene_id, 1)

    def author_request(self, author: str, page: int):
        url = self.settings["SOHU_AUTHOR_API_URL"].format(author=quote(author, safe=""), page=page)
        return self.listing_request(url, self.parse_author, {"author": author, "page": page})

    def parse_author(self, response, author: str, page: int):
        more, _ = yield from self.follow_listing(
            response, lambda r: (parse_sohu_author(r.body, r.url), None), page, newest_first=True)
        if more:
            yield self.author_request(author, page + 1)

    def channel_request(self, scene: str, scene_id: str, page: int):
        url = self.settings["SOHU_FEED_API_URL"].format(
            scene=quote(scene, safe=""), scene_id=quote(scene_id, safe=""), page=page,
            size=self.settings.getint("SOHU_FEED_PAGE_SIZE"),
        )
        return self.listing_request(url, self.parse_channel,
                                    {"scene": scene, "scene_id": scene_id, "page": page})

    def parse_channel(self, response, scene: str, scene_id: str, page: int):
        article_url = self.settings["SOHU_ARTICLE_URL"]
        more, _ = yield from self.follow_listing(
            response, lambda r: (parse_sohu_feed(r.body, article_url), None), page, newest_first=True)
        if more:
            yield self.channel_request(scene, scene_id, page + 1)
