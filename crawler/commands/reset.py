"""``scrapy reset``: empty the state that makes a re-run skip or reject articles.

``scrapy reset seen SPIDER...`` empties those spiders' seen-stores (the next
live crawl fetches and exports every article again, as ``-s SEEN_RESET=1``
does for one run); ``scrapy reset dedup`` empties the near-duplicate index
(on its backend, ``DEDUP_BACKEND``), ``scrapy reset templates`` the learned
templates (``CLEAN_TEMPLATES_BACKEND``). Run it with no crawl using that state.
"""

from __future__ import annotations

from scrapy.commands import ScrapyCommand
from scrapy.utils.misc import load_object

from crawler.commands import usage_error
from crawler.state.seen import journal_path

WHAT = ("seen", "dedup", "templates")


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "seen SPIDER [SPIDER ...] | dedup | templates"

    def short_desc(self) -> str:
        return "Empty spiders' seen-stores, the near-duplicate index or the learned templates"

    def run(self, args, opts) -> None:
        if not args or args[0] not in WHAT:
            self.exitcode = usage_error("reset", f"say what to reset: {' or '.join(WHAT)}")
        elif args[0] == "seen" and not args[1:]:
            self.exitcode = usage_error("reset", "reset seen needs the spider(s) whose seen-store to empty")
        elif args[0] != "seen" and args[1:]:
            self.exitcode = usage_error("reset", f"reset {args[0]} takes no spider: it is shared")
        elif args[0] == "seen":
            for name in args[1:]:
                self.reset_seen(name)
        elif args[0] == "templates":
            self.reset_templates()
        else:
            self.reset_dedup()

    def reset_seen(self, name: str) -> None:
        keys = _empty(load_object(self.settings["SEEN_STORE"]).from_settings(self.settings, name), len)
        journal_path(self.settings, name).unlink(missing_ok=True)  # keys waiting to be marked
        print(f"seen-store of {name}: emptied ({keys} keys)")

    def reset_dedup(self) -> None:
        from crawler.dedup import RedisStore, SqliteStore  # here: every scrapy command loads this module

        settings = self.settings
        backend = settings.get("DEDUP_BACKEND")
        if backend == "disk":
            store, where = SqliteStore(settings.get("DEDUP_DIR")), settings.get("DEDUP_DIR")
        elif backend == "redis":
            store = RedisStore(settings.get("DEDUP_REDIS_URL"), settings.get("DEDUP_REDIS_PREFIX"))
            where = f"{settings.get('DEDUP_REDIS_URL')} {settings.get('DEDUP_REDIS_PREFIX')}:*"
        else:
            print(f"near-duplicate index: nothing to reset (DEDUP_BACKEND = {backend!r} lives for one run)")
            return
        print(f"near-duplicate index ({where}): emptied ({_empty(store)} articles)")

    def reset_templates(self) -> None:
        settings = self.settings
        backend = settings.get("CLEAN_TEMPLATES_BACKEND")
        if backend == "memory":
            print("learned templates: nothing to reset (CLEAN_TEMPLATES_BACKEND = 'memory' lives for one run)")
            return
        from crawler.pipelines.templates import open_templates

        print(f"learned templates ({backend}): emptied ({_empty(open_templates(settings).store)} articles)")


def _empty(store, size=lambda store: store.count()) -> int:
    """Empty ``store`` and close it; what it held (``size`` of it)."""
    try:
        held = size(store)
        store.clear()
    finally:
        store.close()
    return held
