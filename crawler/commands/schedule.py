"""``scrapy schedule``: run each source's crawl on its cron schedule, until stopped."""

from __future__ import annotations

import signal
import sys
import time

from scrapy.commands import ScrapyCommand

from crawler.commands import usage_error
from crawler.scheduling import Scheduler, SourcesError, load_sources, now


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": True}

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Run each source of the sources file on its schedule, until stopped"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--sources", help="sources file (TOML); default: setting SCHEDULE_SOURCES")
        parser.add_argument("--run-log", help="run log (JSON lines); default: setting SCHEDULE_RUN_LOG")
        parser.add_argument("--for", dest="duration", type=float, default=0,
                            help="stop after this many seconds (default: run until stopped)")

    def process_options(self, args, opts) -> None:
        super().process_options(args, opts)
        try:  # before anything is logged or started
            self.sources = load_sources(opts.sources or self.settings.get("SCHEDULE_SOURCES"))
        except SourcesError as exc:
            sys.exit(usage_error("schedule", str(exc)))

    def run(self, args, opts) -> None:
        settings = self.settings
        scheduler = Scheduler(
            self.sources,
            state_dir=settings.get("SCHEDULE_STATE_DIR"),
            run_log=opts.run_log or settings.get("SCHEDULE_RUN_LOG"),
            log_dir=settings.get("SCHEDULE_LOG_DIR"),
        )
        stopping = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopping.append(True))
        started = time.monotonic()
        scheduler.plan(now())
        while not stopping and not (opts.duration and time.monotonic() - started > opts.duration):
            scheduler.tick(now())
            time.sleep(settings.getfloat("SCHEDULE_TICK"))
        scheduler.stop(settings.getfloat("SCHEDULE_STOP_TIMEOUT"))
