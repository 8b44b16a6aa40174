"""Scrapy settings of the crawler. Every custom setting is documented in docs/settings.md."""

from crawler.runtime.interrupts import defer_early_stop as _defer_early_stop

# The first project code Scrapy's command line runs: from here on, a `scrapy
# crawl` stopped by SIGINT/SIGTERM while it starts still closes with a reason
# and its stats (crawler/runtime/interrupts.py). Does nothing in other processes.
_defer_early_stop()

# Scrapy's TLS context factory module builds two deprecated class aliases on import, each
# calling inspect.stack(), whose cost grows with the import stack's depth and the modules
# loaded: imported by the downloader while the spiders load (~0.1-0.2 s of CPU), here first.
import scrapy.core.downloader.contextfactory  # noqa: E402,F401
from scrapy.settings import default_settings as _scrapy_defaults  # noqa: E402

BOT_NAME = "crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Item pipeline chain: extract -> templates -> clean -> deduplicate -> language -> export
ITEM_PIPELINES = {
    "crawler.pipelines.offload.OffloadPipeline": 50,
    "crawler.pipelines.extract.ExtractPipeline": 100,
    "crawler.pipelines.templates.TemplatePipeline": 150,
    "crawler.pipelines.clean.CleanPipeline": 200,
    "crawler.pipelines.dedup.DedupPipeline": 300,
    "crawler.pipelines.language.LanguagePipeline": 400,
    "crawler.pipelines.export.ExportPipeline": 900,
}

# Worker processes running the chain's CPU-bound stages off the reactor thread
# (crawler/pipelines/offload.py; docs/architecture.md, docs/benchmarks.md); "auto": one per
# core available to the crawl; 0: every stage on the reactor thread.
PIPELINE_WORKERS = "auto"
# When the workers run the whole chain, pages a spider's callback gives go to them from
# the last spider middleware, not through Scrapy's item pipeline (same outcome and signals).
PIPELINE_SHORT_PATH_ENABLED = True
SPIDER_MIDDLEWARES = {"crawler.pipelines.offload.PagesToWorkers": 10}
# Seconds a pipeline worker may take to build its stages before the crawl stops (0: no limit).
PIPELINE_WORKER_START_TIMEOUT = 300.0
# Budget per page in a pipeline worker (crawler/runtime/budget.py): wall seconds for all
# its stages, megabytes of memory above the worker's own size (Linux); over it: reject
# too_costly, the stage in `detail`. 0: no budget.
PAGE_TIME_BUDGET = 30.0
PAGE_MEMORY_BUDGET = 1024

# --- Clean stage (crawler/cleaning; docs/cleaning.md)
# Remove injected spam and platform boilerplate span by span (False: stage off).
CLEAN_ENABLED = True
# Extra rule files or directories (TOML/JSON), read after the built-in rules, in order.
CLEAN_RULES = []
# Read the built-in rules (crawler/cleaning/rules/); False: only CLEAN_RULES.
CLEAN_DEFAULT_RULES = True
# Names of rules to switch off, e.g. ["sohu-original-title"].
CLEAN_DISABLED_RULES = []
# Safety valve: an article that cleaning would cut by more than this share of its characters is kept unchanged and flagged.
CLEAN_MAX_REMOVED_SHARE = 0.5
# Where the rules built are kept for the next run with the same rule files and code (crawler/cleaning/rulecache.py):
# a worker then starts in ms, not ~0.5 s of CPU. A directory only the user running the crawl can write; "": none.
CLEAN_RULES_CACHE_DIR = "~/.cache/crawler/clean-rules"

# --- Learned templates (crawler/cleaning/templates.py; docs/cleaning.md "Learned templates"): lines and
# sentences recurring across articles, removed before the clean stage's rules when there is evidence beyond recurrence.
CLEAN_TEMPLATES_ENABLED = True
CLEAN_TEMPLATES_MIN_ARTICLES = 3  # distinct articles a template is seen in before it is removed (this one included)
CLEAN_TEMPLATES_MIN_SOURCES = 5  # sources (accounts, sites) a short line must be seen in to be boilerplate by spread
CLEAN_TEMPLATES_BACKEND = "disk"  # store: "disk" (SQLite in CLEAN_TEMPLATES_DIR), "redis" (shared), "memory" (one process)
CLEAN_TEMPLATES_DIR = "state/templates"  # directory of the disk store; delete it (crawler stopped) to reset
CLEAN_TEMPLATES_REDIS_URL = "redis://127.0.0.1:6379/0"  # Redis server of the shared store (CLEAN_TEMPLATES_BACKEND = "redis")
CLEAN_TEMPLATES_REDIS_PREFIX = "templates"  # prefix of the store's Redis keys: one store per prefix
CLEAN_TEMPLATES_RESET = False  # empty the store before crawling
CLEAN_TEMPLATES_LEARN_FIRST = False  # files spider: learn every article of the path first, then clean (two passes)
CLEAN_TEMPLATES_VOCABULARY = []  # extra vocabulary files (TOML, like crawler/data/templates.toml)

# --- Parsing
# Extra rule files (TOML) per site parser, merged before the defaults of
# crawler/parsing/rules/<site>.toml, e.g. {"wechat": ["my_wechat.toml"]}.
PARSING_RULES = {}

# --- Language stage (crawler/language; docs/language.md)
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

# --- Deduplication (crawler/dedup; docs/dedup.md). Defaults measured on crawler/testing/dedup_labelled.py.
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
DEDUP_COMMIT_EVERY = 16  # disk index in a pipeline worker: checks per commit (also commits when idle); 1: each
DEDUP_DIR = "state/dedup"  # directory of the disk index; delete it (crawler stopped) to reset
DEDUP_REDIS_URL = "redis://127.0.0.1:6379/0"  # Redis server of the shared index (DEDUP_BACKEND = "redis")
DEDUP_REDIS_PREFIX = "dedup"  # prefix of the index's Redis keys: one index per prefix

# --- Feeds
FEED_EXPORT_ENCODING = "utf-8"
# Scrapy's JSON-lines exporter with a fast path for the project's items (crawler/output/feeds.py).
FEED_EXPORTERS = {name: "crawler.output.feeds.JsonLinesExporter" for name in ("jsonlines", "jsonl", "jl")}
# Parquet feeds (-O out.parquet; crawler/output/parquet.py; docs/output.md "Parquet"), pyarrow imported by a
# crawl that writes one only (Scrapy loads every exporter class at start).
FEED_EXPORTERS["parquet"] = "crawler.output.feeds.ParquetExporter"
# CSV (-O out.csv): list and dict fields as JSON text (crawler/output/feeds.py CsvExporter)
FEED_EXPORTERS["csv"] = "crawler.output.feeds.CsvExporter"
PARQUET_ROW_GROUP_ROWS = 1000  # rows per row group; the file is valid Parquet after each group written
PARQUET_FLUSH_SECONDS = 60.0  # a row group is written sooner when its first row waited this long (checked per item)
PARQUET_COMPRESSION = "zstd"  # column compression: zstd, snappy, gzip, none...
# Feeds of a crawl with no FEEDS (no -o/-O): one JSON-lines file per spider and run.
DEFAULT_FEEDS = {
    "exports/%(name)s/%(name)s-%(time)s.jsonl": {"format": "jsonlines"},
}
# Rejects feed: every input that yields no article, with its reason.
REJECTS_URI = "exports/rejects/%(name)s-%(time)s.jsonl"
# Gzip every feed, the rejects feed included (".gz" is appended to their URIs).
EXPORT_GZIP = False
# Atom feed per source of its latest clean articles, rewritten after each run.
ATOM_FEED_ENABLED = True
ATOM_FEED_PATH = "exports/atom/%(source)s.xml"  # a local path; %(source)s: SOURCE_NAME or the spider
ATOM_FEED_ENTRIES = 50
EXTENSIONS = {
    "scrapy.extensions.feedexport.FeedExporter": None,
    "crawler.output.feeds.FeedExporter": 0,
    "scrapy.extensions.logstats.LogStats": None,
    "crawler.runtime.stats.CrawlStats": 0,
    "crawler.output.feeds.AtomFeed": 0,
    "crawler.fetching.downloader.AntiCrawlWatch": 0,
    # after the feed exporter: an article is in its feed before it is marked exported
    "crawler.state.incremental.SeenExtension": 100,
    "crawler.state.incremental.ResumeGuard": 100,
    "crawler.runtime.gctuning.GcTuning": 0,
    "crawler.state.outage.RedisWatch": 0,
    "crawler.state.outage.StateWatch": 0,  # closes the crawl state_full when a local store cannot be written
    "crawler.state.shared.SharedHosts": 0,  # distributed crawls only
    # closes the spider on SIGINT/SIGTERM (reason shutdown), also while the crawl starts
    "crawler.runtime.interrupts.SignalStop": 0,
    # first: pipeline workers start while the rest of the crawl is built
    "crawler.pipelines.offload.StartWorkers": -100,
    # Scrapy's, imported only when REMOTE_CONTROL_ENABLED (crawler/runtime/optional.py)
    "crawler.runtime.optional.RemoteControl": 0,
}
# Scrapy imports the module of every extension EXTENSIONS_BASE names, turned off
# or not: RemoteControl's imports aiohttp, ~0.1 s of CPU at each crawl's start.
# It is named in EXTENSIONS instead, by a class that imports it when turned on.
EXTENSIONS_BASE = {path: order for path, order in _scrapy_defaults.EXTENSIONS_BASE.items()
                   if path != "scrapy.extensions.remote_control.RemoteControl"}
# Freeze what the crawl built at start out of the garbage collector's sight
# (crawler/runtime/gctuning.py; docs/architecture.md, docs/benchmarks.md).
GC_TUNING_ENABLED = True
# gc.set_threshold for generations 0, 1, 2 (e.g. "20000,20,100"); empty: Python's (700, 10, 10).
GC_THRESHOLD = []
LOG_FORMATTER = "crawler.runtime.logformatter.LogFormatter"

# --- Input limits
# Largest page read, for live downloads and files alike (larger: reject too_large).
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024

# --- The files spider (crawler/spiders/files.py; docs/operations.md "Existing corpora")
# Field names of a JSON-lines or Parquet record: the page's HTML, else its plain text; its URL;
# optional metadata filling what the page lacks (date: published_at).
FILES_HTML_FIELD = "html"
FILES_TEXT_FIELD = "text"
FILES_URL_FIELD = "url"
FILES_TITLE_FIELD = "title"
FILES_DATE_FIELD = "date"
FILES_ACCOUNT_FIELD = "account"
# A .gz input inflating past this many times its size is cut there (reject too_large); 0: no cap.
FILES_MAX_INFLATE_RATIO = 100.0
# Rows of a Parquet file per unit of work (whole row groups); 0: a file is one unit.
FILES_SLICE_ROWS = 100_000

# --- Politeness defaults
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Scrapy's downloader, keeping CONCURRENT_REQUESTS_PER_DOMAIN at DOWNLOAD_DELAY = 0 too (crawler/fetching/downloader.py).
DOWNLOADER = "crawler.fetching.downloader.Downloader"
# Items (and requests) of one response handled at once. Scrapy starts that many tasks
# per response (default 100); a page yields one item, a listing page a few dozen
# requests: 8 took ~25% more pages/s on a CPU-bound crawl (docs/architecture.md, docs/benchmarks.md).
CONCURRENT_ITEMS = 8
# Scrapy's check that a generator callback returns no value re-reads and parses the
# callback's source for nearly every response (its cache is keyed weakly on the bound
# method, which dies with its request): a third of the crawl's CPU. The project's
# callbacks are checked once, by tests/test_spiders.py, instead.
WARN_ON_GENERATOR_RETURN_VALUE = False
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
SEEN_STORE = "crawler.state.seen.SqliteSeenStore"  # store class (from_settings(settings, spider name))
# Extra rule files (TOML, like crawler/data/urls.toml) for the seen-store key of a URL.
URL_KEY_RULES = []
SEEN_REDIS_URL = ""  # Redis server of crawler.state.seen.RedisSeenStore (set by DISTRIBUTED_REDIS_URL)
SEEN_REDIS_PREFIX = "seen"  # its keys: <prefix>:<spider>, one set of article keys per spider

# --- Distributed mode (crawler/state/distributed.py; docs/operations.md)
# Set to a Redis URL: every process crawling with it shares one reliable request
# queue, dupefilter, seen-store and dedup index (the DistributedMode addon fills
# SCHEDULER, DUPEFILTER_CLASS, REDIS_URL, SEEN_STORE, SEEN_REDIS_URL, DEDUP_BACKEND, DEDUP_REDIS_URL).
DISTRIBUTED_REDIS_URL = ""
DISTRIBUTED_PREFIX = "crawl"  # queue keys: <prefix>:<spider>:...; one shared crawl per prefix and spider
DISTRIBUTED_WORKER_TTL = 30.0  # seconds without a heartbeat after which a worker's requests are re-queued
DISTRIBUTED_POLL_INTERVAL = 1.0  # seconds between heartbeats, checks for dead workers and queue polls
ADDONS = {"crawler.state.mode.DistributedMode": 0}
# A Redis server the crawl uses (distributed mode, Redis seen-store or dedup index) that does not
# answer pauses the requests and is asked again, with back-off, for this many seconds; then the
# crawl closes (redis_unavailable). crawler/state/outage.py
REDIS_OUTAGE_TIMEOUT = 60.0
REDIS_CHECK_INTERVAL = 1.0  # seconds between checks that the crawl's Redis servers answer

DOWNLOADER_MIDDLEWARES = {
    # before robots.txt (100): an off-site host is not even asked for robots.txt
    "crawler.fetching.downloader.GuardMiddleware": 40,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.fetching.downloader.RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.fetching.downloader.BackoffRetryMiddleware": 550,
}
# The HTTP handler with the anti-crawl watch (crawler.fetching.downloader).
DOWNLOAD_HANDLERS = {
    "http": "crawler.fetching.downloader.GuardedDownloadHandler",
    "https": "crawler.fetching.downloader.GuardedDownloadHandler",
}

# --- Scheduled crawls (scrapy schedule)
COMMANDS_MODULE = "crawler.commands"
# `scrapy check`: spider callbacks tested on saved pages (crawler/spiders/contracts.py)
SPIDER_CONTRACTS = {
    "crawler.spiders.contracts.SampleContract": 10,
    "crawler.spiders.contracts.ArticleContract": 10,
    "crawler.spiders.contracts.RejectsContract": 10,
}
SCHEDULE_SOURCES = "sources.toml"  # the sources file
SCHEDULE_RUN_LOG = "exports/runs.jsonl"  # one JSON line per run
SCHEDULE_STATE_DIR = "state/schedule"  # last run times and per-source locks
SCHEDULE_LOG_DIR = "exports/logs"  # each run's Scrapy log, one file per run; empty: the scheduler's output
SCHEDULE_TICK = 1.0  # seconds between checks of what is due
SCHEDULE_STOP_TIMEOUT = 60.0  # seconds a run has to close after the scheduler's SIGINT, before it is killed
SOURCE_NAME = ""  # set by the scheduler for each run; names the Atom feed
RUN_STATS_FILE = ""  # where a run writes its final stats (JSON), for the run log

# --- Safe by default (docs/operations.md, "Threat model")
# Scrapy's telnet console and its RemoteControl HTTP endpoint (Scrapy 2.19) both
# run Python sent to them: off unless turned on.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

LOG_LEVEL = "INFO"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
