"""Scrapy settings of the crawler. Every custom setting is documented in README.md."""

BOT_NAME = "crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Item pipeline chain: extract -> clean -> deduplicate -> language -> export
ITEM_PIPELINES = {
    "crawler.pipelines.extract.ExtractPipeline": 100,
    "crawler.pipelines.dedup.DedupPipeline": 300,
    "crawler.pipelines.export.ExportPipeline": 900,
}

# --- Deduplication (crawler/dedup; README "Deduplication"). Defaults measured on tests/dedup_labelled.py.
DEDUP_ENABLED = True  # run the dedup stage at all
DEDUP_BLOCKS = True  # remove repeated blocks inside each article, splitting glued blocks at seams
DEDUP_BLOCK_THRESHOLD = 0.8  # MinHash similarity at which a block repeats an earlier block
DEDUP_BLOCK_MIN_CHARS = 15  # blocks shorter than this (letters/digits) are never removed as repeats
DEDUP_ARTICLES = True  # reject/label articles that near-duplicate one kept before (persistent index)
DEDUP_THRESHOLD = 0.5  # estimated Jaccard similarity of shingle sets at which articles are near-duplicates
DEDUP_NUM_PERM = 128  # MinHash permutations (an index is built for one value; change = reset)
DEDUP_SHINGLE_SIZE = 5  # characters per shingle (an index is built for one value; change = reset)
DEDUP_MIN_CHARS = 50  # shorter articles (letters/digits) are neither checked nor indexed
DEDUP_ACTION = "reject"  # near-duplicates: "reject" (rejects feed, reason near_duplicate) or "label" (kept, duplicate_of set)
DEDUP_BACKEND = "disk"  # index store: "disk" (SQLite in DEDUP_DIR), "redis" (shared by processes), "memory" (this run only)
DEDUP_DIR = "state/dedup"  # directory of the disk index; delete it (crawler stopped) to reset
DEDUP_REDIS_URL = "redis://127.0.0.1:6379/0"  # Redis server of the shared index (DEDUP_BACKEND = "redis")
DEDUP_REDIS_PREFIX = "dedup"  # prefix of the index's Redis keys: one index per prefix

# --- Feeds
FEED_EXPORT_ENCODING = "utf-8"
# Default feeds when no -o/-O is given: one JSON-lines file per spider and run.
FEEDS = {
    "exports/%(name)s/%(name)s-%(time)s.jsonl": {"format": "jsonlines"},
}
# Rejects feed: every input that yields no article, with its reason.
REJECTS_URI = "exports/rejects/%(name)s-%(time)s.jsonl"
# Gzip the default feeds and the rejects feed (".gz" is appended to their URIs).
EXPORT_GZIP = False
EXTENSIONS = {
    "scrapy.extensions.feedexport.FeedExporter": None,
    "crawler.feeds.FeedExporter": 0,
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
USER_AGENT = "crawler (+https://github.com/; Chinese article corpus crawler)"

LOG_LEVEL = "INFO"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
