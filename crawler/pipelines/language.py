from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from crawler.items import Article, Rejected
from crawler.pipelines import Reject, stage_stats
from crawler.pipelines.offload import offloadable, runs_in_worker
from crawler.reasons import Reason

if TYPE_CHECKING:
    from crawler.language import LanguageDetector

ACTIONS = ("drop", "label")


class LanguageRejected(Reject):
    """The article is not in a kept language (reason ``language``)."""


class LanguagePipeline:
    """Tag blocks and articles with their language; keep, label or split by it."""

    def __init__(self, stats, detector: LanguageDetector | None, keep: tuple[str, ...] = (),
                 min_share: float = 0.15, action: str = "drop", blocks_lang: str = "", build=None):
        if action not in ACTIONS:
            raise ValueError(f"LANG_ACTION must be one of {ACTIONS}, not {action!r}")
        self.stats = stats
        self._build = build  # the stage with its detector, when built without it (``from_crawler``)
        self.detector = detector
        self.keep = keep
        self.min_share = min_share
        self.action = action
        self.blocks_lang = blocks_lang

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("LANG_ENABLED", True):
            raise NotConfigured("LANG_ENABLED is off")
        if runs_in_worker(crawler, cls):
            # The crawl process replays its pipeline workers' records: they load the rules (and
            # langdetect), checked before the spider opens; here only for an item they did not see.
            return cls(stage_stats(crawler), None, build=lambda: cls.from_settings(stage_stats(crawler), settings))
        return cls.from_settings(stage_stats(crawler), settings)

    @classmethod
    def from_settings(cls, stats, settings):
        from crawler.language import LanguageDetector, load_rules

        rules = load_rules(settings.getlist("LANG_RULES"))
        keep = tuple(dict.fromkeys(rules.code(code) for code in settings.getlist("LANG_KEEP") if code.strip()))
        blocks_lang = (settings.get("LANG_BLOCKS") or "").strip()
        # langdetect's profiles (~20 MB, 0.3 s) are loaded on first need: script
        # and function words settle Chinese text, so a Chinese crawl may never load them
        return cls(
            stats, LanguageDetector(rules), keep=keep,
            min_share=settings.getfloat("LANG_KEEP_MIN_SHARE", 0.15),
            action=(settings.get("LANG_ACTION") or "drop").strip().lower(),
            blocks_lang=rules.code(blocks_lang) if blocks_lang else "",
        )

    @offloadable
    def process_item(self, item):
        if not isinstance(item, Article):
            return item
        from crawler.language import keep_blocks_of, tag_article, wanted  # imported where the stage works

        if self.detector is None:
            vars(self).update(vars(self._build()))
        guesses = tag_article(item, self.detector)
        self.stats.inc_value("language/articles")
        self.stats.inc_value(f"language/article/{item.lang}")
        # one call per key, not per block: a stats call costs more than the counting
        for method, count in Counter(guess.method for guess in guesses).items():
            self.stats.inc_value(f"language/blocks/{method}", count)
        if from_context := sum(not g.sure and b["lang"] != g.lang for b, g in zip(item.blocks, guesses)):
            self.stats.inc_value("language/blocks/from_context", from_context)
        if not wanted(item, self.keep, self.min_share):
            self.stats.inc_value("language/not_kept")
            if self.action == "drop":
                self._reject(item, f"{item.lang} {item.langs} not in {list(self.keep)}")
        if self.blocks_lang:
            removed = keep_blocks_of(item, self.blocks_lang)
            self.stats.inc_value("language/blocks_removed", removed)
            if item.lang != self.blocks_lang:  # nothing left in that language
                self._reject(item, f"no {self.blocks_lang} blocks")
        return item

    def _reject(self, item: Article, detail: str):
        raise LanguageRejected(Rejected(
            fetched_from=item.fetched_from, url=item.url, reason=Reason.LANGUAGE, detail=detail,
        ))
