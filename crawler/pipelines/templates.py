from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from crawler.items import Article
from crawler.pipelines import stage_stats, store_failure
from crawler.pipelines.offload import offloadable, runs_in_worker

if TYPE_CHECKING:
    from crawler.cleaning.templates import Templates

logger = logging.getLogger(__name__)


def open_templates(settings) -> Templates:
    """The learned templates the settings describe (``CLEAN_TEMPLATES_*``). The library is
    imported here: a crawl process whose pipeline workers use the store never imports it."""
    from crawler.cleaning.template_stores import BACKENDS, open_template_store
    from crawler.cleaning.templates import Templates, load_vocabulary

    backend = settings.get("CLEAN_TEMPLATES_BACKEND")
    if backend not in BACKENDS:
        raise ValueError(f"CLEAN_TEMPLATES_BACKEND must be one of {BACKENDS}, not {backend!r}")
    vocabulary = load_vocabulary(settings.getlist("CLEAN_TEMPLATES_VOCABULARY"))
    store = open_template_store(
        backend, directory=settings.get("CLEAN_TEMPLATES_DIR"),
        redis_url=settings.get("CLEAN_TEMPLATES_REDIS_URL"), redis_prefix=settings.get("CLEAN_TEMPLATES_REDIS_PREFIX"))
    try:
        return Templates(store, vocabulary, min_articles=settings.getint("CLEAN_TEMPLATES_MIN_ARTICLES"),
                         min_sources=settings.getint("CLEAN_TEMPLATES_MIN_SOURCES"))
    except BaseException:
        store.close()
        raise


class TemplatePipeline:
    """Removes templates learned from the crawl (crawler/cleaning/templates.py):
    lines and sentences recurring across articles, with evidence beyond
    recurrence. Runs before the rule-based clean stage, in the pipeline
    workers, which share the disk or Redis store. A store in memory is the
    crawl process's: with workers, the stage then runs there (``commit``),
    after the workers' stages.

    ``CLEAN_TEMPLATES_LEARN_FIRST``: with a spider that can list its pages
    before crawling them (``pages()``: the files spider), every article is
    learned when the spider opens, so the first ones are cleaned too.

    Stats: ``templates/articles`` (looked at), ``templates/articles_changed``,
    ``templates/learned_first`` (articles learned before the crawl),
    ``templates/whole_article`` (articles made of templates only: left as
    they are), ``clean/removed/template`` and ``clean/removed/template/chars``.
    """

    def __init__(self, build, stats, *, commits_in_crawl: bool = False, learn_first: bool = False,
                 parsers=None, crawler=None):
        self._build = build  # opens the store: where it is used only (not to replay a worker's record)
        self._templates: Templates | None = None
        self.stats = stats
        self.commits_in_crawl = commits_in_crawl
        self.learn_first = learn_first
        self.parsers = parsers
        self.crawler = crawler

    @property
    def templates(self) -> Templates:
        if self._templates is None:
            self._templates = self._build()
        return self._templates

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("CLEAN_TEMPLATES_ENABLED"):
            raise NotConfigured("CLEAN_TEMPLATES_ENABLED is off")
        in_worker = getattr(crawler, "offload_worker", False)
        in_memory = settings.get("CLEAN_TEMPLATES_BACKEND") == "memory"
        stage = cls(lambda: open_templates(settings), stage_stats(crawler),
                    commits_in_crawl=in_worker and in_memory,
                    learn_first=settings.getbool("CLEAN_TEMPLATES_LEARN_FIRST"),
                    parsers=settings.getdict("PARSING_RULES"), crawler=crawler)
        # The store is opened at start where it is used, so that a bad setting or store stops the
        # crawl there: in the pipeline workers when they share it (disk, Redis), the crawl process then
        # only replaying their records (it opens the store to reset it, or to learn first); else in
        # the crawl process.
        if in_worker:
            uses_store = not in_memory
        else:
            uses_store = in_memory or not runs_in_worker(crawler, cls)
        reset = settings.getbool("CLEAN_TEMPLATES_RESET") and not in_worker
        if uses_store or reset:
            stage.templates
        if reset:
            stage.templates.store.clear()
        return stage

    def open_spider(self, spider=None):
        pages = getattr(spider or getattr(self.crawler, "spider", None), "pages", None)
        if not self.learn_first or pages is None:
            return
        from crawler.pipelines.extract import ExtractPipeline  # the extract stage's own parsing

        extract = ExtractPipeline.from_rules(self.stats, self.parsers)
        learned = 0
        for page in pages():
            try:
                article = extract.article(page)
            except Exception:  # a reject, or a parser bug: the extract stage reports it when the crawl reaches it
                continue
            self.templates.learn(article)
            learned += 1
        self.stats.inc_value("templates/learned_first", learned)
        logger.info("Learned the templates of %d articles before crawling them", learned)

    @offloadable
    def process_item(self, item):
        return self.commit(item)

    def prepare(self, item):
        """In a worker, with the store in the crawl process's memory: nothing (``commit`` does it all)."""
        return item, None

    def commit(self, item, state=None):
        from crawler.cleaning.templates import REASON  # imported where the stage works (open_templates)

        if not isinstance(item, Article):
            return item
        try:
            result = self.templates.clean(item)
        except Exception as exc:
            if (reject := store_failure(item, exc, "the learned-template store")) is None:
                raise
            raise reject from exc
        self.stats.inc_value("templates/articles")
        if result.whole:
            self.stats.inc_value("templates/whole_article")
        if result.removed:
            self.stats.inc_value("templates/articles_changed")
            self.stats.inc_value(f"clean/removed/{REASON}", len(result.removed))
            self.stats.inc_value(f"clean/removed/{REASON}/chars", result.removed_chars)
        return item

    def close_spider(self, spider=None):
        if self._templates is not None:
            self._templates.store.close()
