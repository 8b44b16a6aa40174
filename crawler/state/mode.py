"""The distributed mode's switch: the ``DistributedMode`` addon and the request
meta keys its scheduler sets, apart from crawler/state/distributed.py so that
a crawl that is not distributed imports neither scrapy-redis nor redis (the
addon is in ``ADDONS`` of every crawl; ~0.1 s of CPU at start)."""

from __future__ import annotations

from typing import Any

LEASE = "dist_lease"  # request meta: the id the request has in the shared queue
UNFINISHED = "unit_unfinished"  # request meta: its callback stopped before its end (files spider); never acked


# What the addon fills in when DISTRIBUTED_REDIS_URL is set: the scheduler and
# dupefilter (scrapy-redis settings), the seen-store, the dedup index and the learned templates.
def distributed_settings(url: str, prefix: str) -> dict[str, Any]:
    return {
        "SCHEDULER": "crawler.state.distributed.ReliableScheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.state.distributed.LeasedQueue",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
        "DUPEFILTER_CLASS": "crawler.state.distributed.SharedDupeFilter",
        "REDIS_URL": url,
        "SEEN_STORE": "crawler.state.seen.RedisSeenStore",
        "SEEN_REDIS_URL": url,
        "DEDUP_BACKEND": "redis",
        "DEDUP_REDIS_URL": url,
        "CLEAN_TEMPLATES_BACKEND": "redis",
        "CLEAN_TEMPLATES_REDIS_URL": url,
    }


class DistributedMode:
    """Scrapy addon: with ``DISTRIBUTED_REDIS_URL`` set, fill the settings
    of the shared scheduler, dupefilter, seen-store and dedup index.

    They are set at project priority, over ``settings.py``; a setting given
    on the command line (``-s``) still wins."""

    def update_settings(self, settings) -> None:
        url = settings.get("DISTRIBUTED_REDIS_URL")
        if not url:
            return
        prefix = settings.get("DISTRIBUTED_PREFIX") or "crawl"
        for name, value in distributed_settings(url, prefix).items():
            settings.set(name, value, priority="project")
