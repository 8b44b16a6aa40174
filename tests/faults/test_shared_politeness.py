"""Two processes of one distributed crawl ask a host as one process would:
its delay and its requests in flight, ``max_articles`` and the anti-crawl
block are shared through Redis. Checked on the mock site's request log."""

from __future__ import annotations

from crawler.testing import livecrawl as L
from tests.faults.conftest import bounded, settings_for

DELAY = 0.3


def two_workers(site, redis_url, tmp_path, args, **extra):
    settings = settings_for(site, tmp_path, DISTRIBUTED_REDIS_URL=redis_url, DISTRIBUTED_WORKER_TTL="2",
                            DISTRIBUTED_POLL_INTERVAL="0.25", DISTRIBUTED_PREFIX=tmp_path.name, **extra)
    site.log(clear=True)
    procs = [L.start_crawl("sohu", args, settings, tmp_path / name) for name in ("a", "b")]
    crawls = [bounded(proc, tmp_path / name) for proc, name in zip(procs, ("a", "b"))]
    for crawl in crawls:
        assert crawl.returncode == 0, crawl.log[-3000:]
    return crawls


def test_two_workers_keep_one_hosts_delay_and_one_request_at_a_time(site, redis_url, tmp_path):
    crawls = two_workers(site, redis_url, tmp_path, {"author": "bench2"}, DOWNLOAD_DELAY=str(DELAY))
    assert all(crawl.articles for crawl in crawls), "both workers took part"
    assert sum(len(crawl.articles) for crawl in crawls) == 40
    served = sorted((entry for entry in site.log() if entry["path"] != "/robots.txt"), key=lambda e: e["start"])
    # one request at a time: each starts after the one before ended
    assert all(later["start"] >= earlier["end"] for earlier, later in zip(served, served[1:]))
    # and DOWNLOAD_DELAY apart (half of it: the requests' transit times differ)
    gaps = [later["start"] - earlier["start"] for earlier, later in zip(served, served[1:])]
    assert min(gaps) >= DELAY / 2, sorted(gaps)[:5]


def test_two_workers_share_max_articles(site, redis_url, tmp_path):
    # slow enough (25 x 0.5 s) that the second worker joins before the first is done: a worker
    # starting after the crawl finished starts a new one, with a budget of its own
    crawls = two_workers(site, redis_url, tmp_path, {"author": "bench4", "max_articles": "25"},
                         DOWNLOAD_DELAY="0.5")
    exported = [a["url"] for crawl in crawls for a in crawl.articles]
    assert len(exported) == len(set(exported)) == 25


def test_a_host_blocked_by_one_worker_is_blocked_for_both(site, redis_url, tmp_path):
    verify = ",".join(site.url(f"/x/verify/shared{n}") for n in range(12))
    crawls = two_workers(site, redis_url, tmp_path, {"urls": verify}, CONCURRENT_REQUESTS="1")
    assert {crawl.close_reason for crawl in crawls} == {"anti_crawl_blocked"}
    asked = [entry for entry in site.log() if entry["path"].startswith("/x/verify/")]
    # three in a row block the host: later requests, whichever worker holds them, are not
    # sent (a robots.txt answer between two of them does not end the streak)
    assert len(asked) == 3, [entry["path"] for entry in asked]
    assert sum(len(crawl.rejects) for crawl in crawls) == 12
