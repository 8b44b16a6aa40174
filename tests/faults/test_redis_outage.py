"""The Redis server of a crawl is killed mid-crawl: never back, back with its
data, back empty; in the distributed mode and with the Redis dedup index alone."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter

import pytest
from scrapy import Spider
from redis import StrictRedis
from scrapy.utils.test import get_crawler

from crawler.state import distributed
from crawler.state.incremental import SeenExtension
from crawler.state.shared import SharedHosts
from crawler.testing import livecrawl as L
from crawler.testing.redis_server import restartable_redis_server
from tests.faults.conftest import bounded, settings_for

AUTHOR, PAGES = "bench6", 6
ALL = {f"https://www.sohu.com/a/{n}_8000" for n in range(800000000, 800000000 + PAGES * 20)}


@pytest.fixture
def redis():
    with restartable_redis_server() as server:
        yield server


def outage_settings(site, redis, workdir, distributed: bool, outage_timeout: float = 3) -> dict[str, str]:
    mode = ({"DISTRIBUTED_REDIS_URL": redis.url, "DISTRIBUTED_WORKER_TTL": "2", "DISTRIBUTED_POLL_INTERVAL": "0.25"}
            if distributed else {"DEDUP_BACKEND": "redis", "DEDUP_REDIS_URL": redis.url})
    # ~6 s of fetching; the site's hold (HOLD) makes sure the fault lands mid-crawl
    return settings_for(site, workdir, DOWNLOAD_DELAY="0.05", REDIS_OUTAGE_TIMEOUT=str(outage_timeout),
                        REDIS_CHECK_INTERVAL="0.25", **mode)


HOLD = 30  # article pages served before the others wait for the fault (MockSite.hold)

# Redis restarted "in time": the bound is far above a restart on a busy machine
# (a restart of ~3 s under load outlasted a bound of 3 s and closed the crawl)
BACK_IN_TIME = 120


def start(settings, workdir, run="run"):
    return L.start_crawl("sohu", {"author": AUTHOR}, settings, workdir, run)


def canonical(crawl) -> list[str]:
    """The canonical URLs of the articles and of the rejects (listed on the mock host)."""
    ids = [re.search(r"/a/(\d+_\d+)", r["fetched_from"]).group(1) for r in crawl.rejects]
    return [a["url"] for a in crawl.articles] + [f"https://www.sohu.com/a/{id_}" for id_ in ids]


def assert_no_twice(*crawls) -> None:
    urls = Counter(url for crawl in crawls for url in canonical(crawl))
    assert [url for url, n in urls.items() if n > 1] == [], "an article or reject twice"


def assert_unavailable_only(crawl) -> None:
    assert {r["reason"] for r in crawl.rejects} <= {"unavailable"}, crawl.rejects[:3]


@pytest.mark.parametrize("distributed", [True, False], ids=["distributed", "dedup-only"])
def test_redis_gone_for_good_closes_the_crawl_and_the_next_run_completes_it(site, redis, tmp_path, distributed):
    settings = outage_settings(site, redis, tmp_path, distributed)
    with site.hold(after=HOLD):
        proc = start(settings, tmp_path, "cut")
        L.wait_for_lines(tmp_path / "cut.jsonl", 20, timeout=60)
        redis.kill()
    cut = bounded(proc, tmp_path, "cut")
    assert (cut.returncode, cut.close_reason) == (1, "redis_unavailable"), cut.log[-3000:]
    assert_unavailable_only(cut)
    assert "Traceback" not in cut.log
    redis.start()  # with its data (append-only file): the next run completes the crawl
    again = bounded(start(settings, tmp_path, "again"), tmp_path, "again")
    assert (again.returncode, again.close_reason) == (0, "finished"), again.log[-3000:]
    assert again.rejects == []
    exported = [a["url"] for a in cut.articles + again.articles]
    assert sorted(exported) == sorted(ALL), "an article lost or exported twice"


@pytest.mark.parametrize("distributed", [True, False], ids=["distributed", "dedup-only"])
def test_redis_back_in_time_the_crawl_goes_on(site, redis, tmp_path, distributed):
    with site.hold(after=HOLD):
        proc = start(outage_settings(site, redis, tmp_path, distributed, BACK_IN_TIME), tmp_path)
        L.wait_for_lines(tmp_path / "run.jsonl", 20, timeout=60)
        redis.kill()
        redis.start()  # within REDIS_OUTAGE_TIMEOUT, with its data
    done = bounded(proc, tmp_path)
    assert (done.returncode, done.close_reason) == (0, "finished"), done.log[-3000:]
    assert_unavailable_only(done)
    assert_no_twice(done)
    assert set(canonical(done)) == ALL, "every article exported or rejected unavailable"


def test_a_lease_whose_pop_reply_was_lost_is_delivered_again(site, redis, tmp_path):
    # Redis killed after it wrote a pop (fsync always) but before it answered:
    # the request sits in the worker's in-flight hash, and the worker never
    # heard of it. Here Redis makes that pop for the running worker, as it would.
    with site.hold(after=HOLD):
        proc = start(outage_settings(site, redis, tmp_path, True, BACK_IN_TIME), tmp_path)
        L.wait_for_lines(tmp_path / "run.jsonl", 20, timeout=60)
        client = StrictRedis.from_url(redis.url)
        [worker] = [w.decode() for w in client.smembers("crawl:sohu:workers")]
        keys = ["crawl:sohu:queue", "crawl:sohu:data", f"crawl:sohu:inflight:{worker}"]
        # the worker may be between pages, its next links not queued yet: wait until
        # the queue holds one (the hold keeps the crawl from emptying it for good)
        deadline = time.monotonic() + 60
        while not (popped := client.eval(distributed._POP, len(keys), *keys)) and time.monotonic() < deadline:
            time.sleep(0.05)
        client.close()
    assert popped and popped[1], "the queue stayed empty: the crawl went faster than the test"
    done = bounded(proc, tmp_path)
    assert (done.returncode, done.close_reason) == (0, "finished"), done.log[-3000:]
    assert done.stats.get("distributed/reclaimed") == "1", done.log[-3000:]
    assert done.rejects == []
    assert_no_twice(done)
    assert set(canonical(done)) == ALL, "every article exported"


def test_a_host_turn_given_back_while_redis_is_away_is_given_back_when_it_answers(redis):
    # else the token held the host, for every process, for its lifetime (DOWNLOAD_TIMEOUT + 60 s)
    crawler = get_crawler(_Sohu, {"DISTRIBUTED_REDIS_URL": redis.url, "DOWNLOAD_DELAY": 0,
                                  "CONCURRENT_REQUESTS_PER_DOMAIN": 1})
    crawler._apply_settings()
    hosts = SharedHosts.from_crawler(crawler)
    url = "https://www.sohu.com/a/1_8000"
    token = asyncio.run(hosts.turn(url))
    redis.kill()
    hosts.done(url, token)  # the response came back during the outage
    redis.start()  # with its data: the token still holds the host
    assert asyncio.run(asyncio.wait_for(hosts.turn(url), 60)) != token
    assert crawler.stats.get_value("shared/waits") is None, "the host's turn came at once"
    assert hosts.unreleased == {}


def test_redis_back_empty_closes_the_crawl(site, redis, tmp_path):
    with site.hold(after=HOLD):
        proc = start(outage_settings(site, redis, tmp_path, True, BACK_IN_TIME), tmp_path)
        L.wait_for_lines(tmp_path / "run.jsonl", 20, timeout=60)
        redis.kill()
        redis.start(empty=True)  # the queue, the leases, the seen-store and the index are gone
    done = bounded(proc, tmp_path)
    assert (done.returncode, done.close_reason) == (1, "redis_unavailable"), done.log[-3000:]
    assert_unavailable_only(done)
    assert_no_twice(done)


class _Sohu(Spider):
    name, incremental = "sohu", True


def opened_seen_extension(redis, tmp_path) -> SeenExtension:
    crawler = get_crawler(_Sohu, {"SEEN_ENABLED": True, "SEEN_DIR": str(tmp_path), "SEEN_STORE": "crawler.state.seen.RedisSeenStore",
                                  "SEEN_REDIS_URL": redis.url})
    crawler._apply_settings()  # the extension manager, as a crawl has it before spider_opened
    crawler.spider = crawler._create_spider()
    extension = SeenExtension.from_crawler(crawler)
    extension.spider_opened(crawler.spider)
    return extension


def test_keys_a_dead_seen_store_could_not_take_are_marked_when_the_spider_next_starts(redis, tmp_path):
    # the race the outage tests can meet: an article written to its feed just as Redis dies
    first = opened_seen_extension(redis, tmp_path)
    first.mark({"www.sohu.com/a/1_8000"})
    redis.kill()
    first.mark({"www.sohu.com/a/2_8000"})
    first.mark({"www.sohu.com/a/3_8000"})
    first.spider_closed(first.crawler.spider)
    journal = tmp_path / "sohu.unmarked"
    assert sorted(journal.read_text().split()) == ["www.sohu.com/a/2_8000", "www.sohu.com/a/3_8000"]
    redis.start()  # with its data
    again = opened_seen_extension(redis, tmp_path)
    assert all(f"www.sohu.com/a/{n}_8000" in again.store for n in (1, 2, 3))
    assert not journal.exists() and list(tmp_path.iterdir()) == []
    again.spider_closed(again.crawler.spider)
