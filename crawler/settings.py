"""Scrapy settings of the crawler. Every custom setting is documented in README.md."""

BOT_NAME = "crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Item pipeline chain: extract -> clean -> deduplicate -> language -> export
ITEM_PIPELINES = {
    "crawler.pipelines.extract.ExtractPipeline": 100,
    "crawler.pipelines.export.ExportPipeline": 900,
}

# --- Feeds
FEED_EXPORT_ENCODING = "utf-8"
# Feeds of a crawl with no FEEDS (no -o/-O): one JSON-lines file per spider and run.
DEFAULT_FEEDS = {
    "exports/%(name)s/%(name)s-%(time)s.jsonl": {"format": "jsonlines"},
}
# Rejects feed: every input that yields no article, with its reason.
REJECTS_URI = "exports/rejects/%(name)s-%(time)s.jsonl"
# Gzip every feed, the rejects feed included (".gz" is appended to their URIs).
EXPORT_GZIP = False
EXTENSIONS = {
    "scrapy.extensions.feedexport.FeedExporter": None,
    "crawler.feeds.FeedExporter": 0,
    "scrapy.extensions.logstats.LogStats": None,
    "crawler.stats.CrawlStats": 0,
    # after the feed exporter: an article is in its feed before it is marked exported
    "crawler.incremental.SeenExtension": 100,
    "crawler.incremental.ResumeGuard": 100,
    "crawler.downloader.AntiCrawlWatch": 0,
}
LOG_FORMATTER = "crawler.logformatter.LogFormatter"

# --- Input limits
# Largest page read, for live downloads and files alike (larger: reject too_large).
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024

# --- Politeness defaults
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
# AutoThrottle's first delay per host (it never goes below DOWNLOAD_DELAY).
AUTOTHROTTLE_START_DELAY = 2.0
USER_AGENT = "crawler (+https://github.com/; Chinese article corpus crawler)"
DOWNLOAD_TIMEOUT = 30
# Retries on RETRY_HTTP_CODES (429, 5xx...) and network errors: RETRY_TIMES (2)
# more tries, each after holding the host for Retry-After or a backoff.
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry without Retry-After; doubles per retry
RETRY_BACKOFF_MAX = 120.0  # longest backoff, seconds
RETRY_AFTER_MAX = 600.0  # a longer Retry-After: no retry now (reject http_error, a later run retries)

# --- Live spiders (wechat, sohu): endpoints as URL templates, so a crawl can be
# pointed at a mirror, a proxy or a test server.
# WeChat album JSON listing; {biz} {album_id} {count} {begin_msgid} {begin_itemidx}.
WECHAT_ALBUM_URL = (
    "https://mp.weixin.qq.com/mp/appmsgalbum?action=getalbum&__biz={biz}&album_id={album_id}"
    "&count={count}&begin_msgid={begin_msgid}&begin_itemidx={begin_itemidx}&f=json"
)
WECHAT_ALBUM_PAGE_SIZE = 10  # articles per album page ({count})
# Sohu author article list API; {author} {page} (from 1).
SOHU_AUTHOR_API_URL = "https://v2.sohu.com/author-page-api/author-articles/pc/{author}?pNo={page}"
# Sohu public feed API; {scene} {scene_id} {page} (from 1) {size}.
SOHU_FEED_API_URL = "https://v2.sohu.com/public-api/feed?scene={scene}&sceneId={scene_id}&page={page}&size={size}"
SOHU_FEED_PAGE_SIZE = 20  # items per feed API page ({size})
SOHU_FEED_SCENE = "CHANNEL"  # scene of a -a channel= id given without one
# A Sohu article from a feed API item; {id} {author_id}.
SOHU_ARTICLE_URL = "https://www.sohu.com/a/{id}_{author_id}"
# Hosts whose links are fetched from another host (mobile pages -> desktop pages).
SOHU_HOST_MAP = {"m.sohu.com": "www.sohu.com"}
LISTING_MAX_PAGES = 100  # pages read per feed, album, author or channel

# --- Safety of live crawls
# Hosts (mirrors, proxies) a spider may request besides its source hosts, the
# hosts of the endpoint templates above and of -a feed= URLs.
MIRROR_HOSTS = []
# Fetch links (from lists, feeds, APIs) resolving to private, loopback or
# link-local addresses; off by default (such links are rejected unsafe_address).
ALLOW_PRIVATE_ADDRESSES = False

# --- Anti-crawl (verification pages)
# Extra rule files (TOML, like crawler/data/anti_crawl.toml) of verification pages.
ANTI_CRAWL_RULES = []
# Verification pages in a row from one host after which it is asked no more.
ANTI_CRAWL_MAX_IN_ROW = 3
# Then close the spider (reason anti_crawl_blocked), rather than go on with other hosts.
ANTI_CRAWL_CLOSE_SPIDER = True

# --- Incremental crawls
SEEN_ENABLED = True  # skip articles exported by an earlier run (seen-store)
SEEN_DIR = "state/seen"  # directory of the embedded seen-store (one SQLite file per spider)
SEEN_RESET = False  # empty the spider's seen-store before crawling
SEEN_STORE = "crawler.seen.SqliteSeenStore"  # store class (from_settings(settings, spider name))
# Extra rule files (TOML, like crawler/data/urls.toml) for the seen-store key of a URL.
URL_KEY_RULES = []

DOWNLOADER_MIDDLEWARES = {
    # before robots.txt (100): an off-site host is not even asked for robots.txt
    "crawler.downloader.GuardMiddleware": 40,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.downloader.RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.downloader.BackoffRetryMiddleware": 550,
}
# The HTTP handler with the anti-crawl watch (crawler.downloader).
DOWNLOAD_HANDLERS = {
    "http": "crawler.downloader.GuardedDownloadHandler",
    "https": "crawler.downloader.GuardedDownloadHandler",
}

LOG_LEVEL = "INFO"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
