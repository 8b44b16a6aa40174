"""Scrapy settings of the crawler. Every custom setting is documented in README.md."""

BOT_NAME = "crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Item pipeline chain: extract -> clean -> deduplicate -> language -> export
ITEM_PIPELINES = {
    "crawler.pipelines.extract.ExtractPipeline": 100,
    "crawler.pipelines.language.LanguagePipeline": 400,
    "crawler.pipelines.export.ExportPipeline": 900,
}

# --- Language stage (crawler/language; README "Language")
# Tag every block and article with its language (off: no lang, no langs).
LANG_ENABLED = True
# Languages to keep (ISO 639-1, e.g. ["zh"]); empty: all.
LANG_KEEP = []
# An article is kept when its main language is kept or kept languages hold this share of its characters.
LANG_KEEP_MIN_SHARE = 0.15
# Articles not kept: "drop" (rejects feed, reason "language") or "label" (exported, tagged only).
LANG_ACTION = "drop"
# Export only the blocks of this language (plus blocks of no language); others go to `removed`.
LANG_BLOCKS = ""
# Extra rules files (TOML) merged over crawler/language/rules.toml, in order.
LANG_RULES = []

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
