from __future__ import annotations

import os

from scrapy.exceptions import NotConfigured

from crawler.items import Article, Rejected
from crawler.pipelines import NearDuplicate, stage_stats, store_failure
from crawler.pipelines.offload import offloadable, runs_in_worker
from crawler.reasons import Reason

ACTIONS = ("reject", "label")


class DedupPipeline:
    """Repeated blocks out of each article; near-duplicates of articles kept
    before (in this run or earlier ones: the index persists) rejected or labelled."""

    def __init__(self, stats, hasher, index, *, block_threshold, block_min_chars, dedup_blocks_on,
                 min_chars, action, dedup_articles_on=None, seen_store_decides=False):
        self.stats = stats
        # An article indexed before under its own URL is that article again, not
        # a near-duplicate of itself: a re-run exports it again (a live crawl's
        # seen-store skips what it exported before it is even fetched). Only the
        # same URL twice in one run is a duplicate, unless a seen-store decides
        # (a live crawl fetches a URL once per run; one killed between indexing
        # and exporting a page fetches it again and must export it).
        self.seen_store_decides = seen_store_decides
        self.urls_this_run: set[int] = set()  # hashes of the URLs checked in this run
        self.hasher = hasher
        self.index = index  # None: cross-article dedup off (or, in a pipeline worker, checked on the reactor)
        self.dedup_articles_on = index is not None if dedup_articles_on is None else dedup_articles_on
        self.block_threshold = block_threshold
        self.block_min_chars = block_min_chars
        self.dedup_blocks_on = dedup_blocks_on
        self.min_chars = min_chars
        self.action = action
        if hasher is not None:  # crawler.dedup imports numpy: only a stage that does the work needs it
            from crawler.dedup import dedup_blocks
            from crawler.dedup.text import normalize, shingle_hashes

            self.blocks_of, self.normalize, self.shingle_hashes = dedup_blocks, normalize, shingle_hashes

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("DEDUP_ENABLED"):
            raise NotConfigured("DEDUP_ENABLED is off")
        action = settings.get("DEDUP_ACTION")
        backend = settings.get("DEDUP_BACKEND")
        if runs_in_worker(crawler, cls) and backend != "memory":
            # The pipeline workers build the stage (a setting it refuses stops the crawl at start)
            # and check the shared index: here it only replays their records (``offloadable``),
            # with neither hasher nor index (nor numpy: ~0.1 s of the crawl's start). The index's
            # directory is made here, as opening the index made it: one that cannot be (a file in
            # its place, no right to write) stops the crawl before it opens, in one line.
            if backend == "disk" and settings.getbool("DEDUP_ARTICLES"):
                os.makedirs(settings.get("DEDUP_DIR"), exist_ok=True)
            return cls(stage_stats(crawler), None, None, block_threshold=0.0, block_min_chars=0, dedup_blocks_on=False,
                       min_chars=0, action=action, dedup_articles_on=False)
        from crawler.dedup import BACKENDS, MinHasher, open_index

        threshold = settings.getfloat("DEDUP_THRESHOLD")
        block_threshold = settings.getfloat("DEDUP_BLOCK_THRESHOLD")
        if action not in ACTIONS:
            raise ValueError(f"DEDUP_ACTION must be one of {ACTIONS}, not {action!r}")
        if backend not in BACKENDS:
            raise ValueError(f"DEDUP_BACKEND must be one of {BACKENDS}, not {backend!r}")
        for name, value in (("DEDUP_THRESHOLD", threshold), ("DEDUP_BLOCK_THRESHOLD", block_threshold)):
            if not 0.0 < value < 1.0:
                raise ValueError(f"{name} must be between 0 and 1 (exclusive), not {value}")
        hasher = MinHasher(settings.getint("DEDUP_NUM_PERM"), settings.getint("DEDUP_SHINGLE_SIZE"))
        # The block dedup's (texts x shared shingles) products are small and per article: OpenBLAS's
        # threads spin more CPU on them than they save (the stage's CPU halved on large articles).
        # For the whole process: its other work is per item too, and workers give the parallelism.
        # (Not in a crawl process whose pipeline workers run the stage: it has no products to run.)
        if not runs_in_worker(crawler, cls):
            from threadpoolctl import threadpool_limits

            threadpool_limits(1, user_api="blas")
        index = None
        articles_on = settings.getbool("DEDUP_ARTICLES")
        # A pipeline worker (crawler/pipelines/offload.py) checks the shared disk or Redis index itself; an
        # in-memory index lives in the crawl process, so there the worker only signs and the crawl checks.
        in_worker = getattr(crawler, "offload_worker", False)
        if articles_on and not (in_worker and backend == "memory"):
            index = open_index(
                backend, hasher, threshold,
                directory=settings.get("DEDUP_DIR"),
                redis_url=settings.get("DEDUP_REDIS_URL"),
                redis_prefix=settings.get("DEDUP_REDIS_PREFIX"),
                # a worker commits in batches, and whenever it runs out of items (``idle``)
                commit_every=max(1, settings.getint("DEDUP_COMMIT_EVERY")) if in_worker else 1,
            )
        return cls(
            stage_stats(crawler), hasher, index,
            block_threshold=block_threshold,
            block_min_chars=settings.getint("DEDUP_BLOCK_MIN_CHARS"),
            dedup_blocks_on=settings.getbool("DEDUP_BLOCKS"),
            min_chars=settings.getint("DEDUP_MIN_CHARS"),
            action=action,
            dedup_articles_on=articles_on,
            seen_store_decides=(getattr(getattr(crawler, "spider", None), "incremental", False)
                                and settings.getbool("SEEN_ENABLED")),
        )

    @property
    def commits_in_crawl(self) -> bool:
        """In a pipeline worker without the index: ``commit`` runs in the crawl process."""
        return self.index is None and self.dedup_articles_on

    @offloadable
    def process_item(self, item):
        return self.commit(*self.prepare(item))

    def idle(self) -> None:
        """No item waits (called by a pipeline worker): commit the index's open batch."""
        if self.index is not None:
            self.index.flush()

    def prepare(self, item):
        """The work that needs no index: repeated blocks out, the article's
        signature (None: not checked). Returns (item, signature)."""
        if not isinstance(item, Article):
            return item, None
        self.stats.inc_value("dedup/articles")
        norms = self._dedup_blocks(item) if self.dedup_blocks_on else None
        if not self.dedup_articles_on:
            return item, None
        # the text is its blocks joined by line breaks, which normalising drops: the
        # blocks' normalised texts joined are its own (when no block changed)
        norm = "".join(norms) if norms is not None and item.text == "\n".join(
            block.get("text") or "" for block in item.blocks) else self.normalize(item.text)
        if len(norm) < self.min_chars:
            self.stats.inc_value("dedup/too_short")
            return item, None
        # all the text's shingle hashes, repeats and all: a signature keeps minima, which repeats
        # do not change (the sort that would remove them is not needed)
        return item, self.hasher.signature(self.shingle_hashes(norm, self.hasher.shingle_size))

    def commit(self, item, signature):
        """Check the signature against the index; index it if it is new."""
        if signature is not None:
            self._dedup_article(item, signature)
        return item

    def _dedup_blocks(self, item: Article) -> list[str] | None:
        """Repeated blocks out; the blocks' normalised texts when none changed."""
        result = self.blocks_of(
            item.blocks, self.hasher, threshold=self.block_threshold, min_chars=self.block_min_chars
        )
        if not result.removed:
            return result.norms
        item.blocks = result.blocks
        item.removed.extend(result.removed)
        item.join_text()
        self.stats.inc_value("dedup/blocks_removed", len(result.removed))
        if result.split_blocks:
            self.stats.inc_value("dedup/blocks_split", result.split_blocks)

    def _dedup_article(self, item: Article, signature) -> None:
        if self.seen_store_decides:
            again_in_run = False
        else:
            key = hash(item.url)
            again_in_run = key in self.urls_this_run
            self.urls_this_run.add(key)
        try:
            match = self.index.check_and_add(item.url, signature, same_url_is_duplicate=again_in_run)
        except Exception as exc:
            if (reject := store_failure(item, exc, "the dedup index")) is None:
                raise
            raise reject from exc

        if match is None:
            self.stats.inc_value("dedup/indexed")
            return
        item.duplicate_of = match.url
        self.stats.inc_value("dedup/near_duplicates")
        if self.action == "reject":
            raise NearDuplicate(Rejected(
                fetched_from=item.fetched_from, url=item.url, reason=Reason.NEAR_DUPLICATE,
                detail=f"of {match.url} (similarity {match.similarity:.2f})",
            ))

    def close_spider(self):
        if self.index is not None:
            self.index.close()  # SQLite: every article is already committed; this releases the file
