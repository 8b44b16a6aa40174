"""Distributed mode on a real redis-server: the shared seen-store, the leased
queue, and real ``scrapy crawl`` processes sharing one crawl of the mock
site (two at once; one of them killed mid-crawl)."""

from __future__ import annotations

import signal
import time
from datetime import datetime

import pytest
import redis
import scrapy
from scrapy.http import Request
from scrapy.utils.request import request_from_dict

from crawler.state.distributed import LEASE, JsonRequestCodec, LeasedQueue
from crawler.state.seen import RedisSeenStore
from crawler.testing import mocksite as M
from crawler.testing.livecrawl import (FAST, MockSite, endpoint_settings, finish_crawl, start_crawl, wait_for_lines,
                                      wait_for_text)


@pytest.fixture
def client(redis_url):
    connection = redis.Redis.from_url(redis_url)
    connection.flushdb()
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def site():
    with MockSite() as mock:
        yield mock


# --- the shared seen-store

def test_redis_seen_store_is_shared_per_spider_and_resettable(client, redis_url):
    settings = {"SEEN_REDIS_URL": redis_url, "SEEN_REDIS_PREFIX": "seen"}
    first, second = RedisSeenStore.from_settings(settings, "sohu"), RedisSeenStore.from_settings(settings, "sohu")
    other = RedisSeenStore.from_settings(settings, "wechat")
    first.add(["a", "b", "a", ""])
    assert "a" in second and "b" in second and "c" not in second and len(second) == 2
    assert "a" not in other and len(other) == 0
    second.clear()
    assert "a" not in first and len(first) == 0
    for store in (first, second, other):
        store.close()
    with pytest.raises(ValueError, match="SEEN_REDIS_URL"):
        RedisSeenStore.from_settings({}, "sohu")


# --- the leased queue

def make_queue(client, worker: str) -> LeasedQueue:
    queue = LeasedQueue(client, scrapy.Spider(name="t"), "test:%(spider)s")
    queue.worker = worker
    return queue


def test_pop_leases_by_priority_then_order_and_ack_drops(client):
    one = make_queue(client, "w1")
    one.heartbeat(30)
    for url, priority in (("http://h/1", 0), ("http://h/2", 1), ("http://h/3", 0)):
        one.push(Request(url, priority=priority))
    assert len(one) == 3
    popped = [one.pop() for _ in range(3)]
    assert [r.url for r in popped] == ["http://h/2", "http://h/1", "http://h/3"]
    assert one.pop() is None and len(one) == 0
    assert one.in_flight() == 3
    assert sorted(client.hkeys(one.inflight_key("w1"))) == sorted(r.meta[LEASE].encode() for r in popped)
    assert one.ack(popped[0].meta[LEASE]) and not one.ack(popped[0].meta[LEASE])
    assert client.hlen(one.inflight_key("w1")) == 2
    assert not client.hexists(one.data_key, popped[0].meta[LEASE])


def test_push_filters_on_the_shared_fingerprint_set_unless_told_not_to(client):
    queue = make_queue(client, "w1")
    assert queue.push(Request("http://h/1"), "fp1", "test:filter")
    assert not queue.push(Request("http://h/1?again"), "fp1", "test:filter"), "same fingerprint"
    assert queue.push(Request("http://h/1"), "", "test:filter"), "a follow-up (retry) is never filtered"
    assert len(queue) == 2 and client.smembers("test:filter") == {b"fp1"}


def test_the_first_worker_starts_afresh_the_next_ones_join(client):
    first, second = make_queue(client, "w1"), make_queue(client, "w2")
    client.sadd("test:filter", "old")  # left by a finished crawl
    assert first.join("test:filter", 30) and not client.exists("test:filter")
    first.push(Request("http://h/1"), "fp1", "test:filter")
    assert not second.join("test:filter", 30), "a crawl is under way"
    assert client.smembers("test:filter") == {b"fp1"} and len(second) == 1
    assert second.workers() == ["w1", "w2"]


def test_a_dead_workers_leases_go_back_and_its_late_ack_loses_nothing(client):
    dead, live = make_queue(client, "dead"), make_queue(client, "live")
    dead.push(Request("http://h/a"))
    dead.push(Request("http://h/b", priority=5))
    dead.heartbeat(0.2)
    live.heartbeat(30)
    taken = dead.pop()
    assert taken.url == "http://h/b"
    assert live.requeue("dead") == -1, "a worker with a live heartbeat keeps its leases"
    time.sleep(0.3)  # the heartbeat expires
    assert live.requeue("dead") == 1
    assert live.workers() == ["live"]
    assert dead.ack(taken.meta[LEASE]) is False, "a lease put back is no longer the dead worker's"
    again = live.pop()
    assert (again.url, again.meta[LEASE], again.priority) == ("http://h/b", taken.meta[LEASE], 5)
    assert live.pop().url == "http://h/a"
    assert live.in_flight() == 2


def test_reclaim_puts_back_only_the_leases_the_worker_does_not_know_of(client):
    queue = make_queue(client, "w1")
    for url, priority in (("http://h/a", 0), ("http://h/b", 2), ("http://h/c", 1)):
        queue.push(Request(url, priority=priority))
    known = queue.pop()
    lost = queue.pop()  # as if its reply had been lost: the worker does not know it holds it
    assert queue.reclaim({known.meta[LEASE]}) == 1
    assert client.hkeys(queue.inflight_key("w1")) == [known.meta[LEASE].encode()]
    again = queue.pop()
    assert (again.url, again.meta[LEASE], again.priority) == (lost.url, lost.meta[LEASE], 1), "its place kept"
    assert queue.reclaim({known.meta[LEASE], again.meta[LEASE]}) == 0


def test_requests_travel_as_json_and_other_values_are_refused():
    request = Request("http://h/x", method="POST", body=b"\x00\xffbody", headers={"X-A": "1"},
                      meta={"seen_key": "k", "hints": {"title": "标题"}, "handle_httpstatus_list": [404]},
                      cb_kwargs={"page": 2}, priority=3)
    text = JsonRequestCodec.dumps(request.to_dict())
    assert "\\u" not in text and "标题" in text
    back = request_from_dict(JsonRequestCodec.loads(text.encode()))
    assert (back.url, back.method, back.body, back.priority) == (request.url, "POST", b"\x00\xffbody", 3)
    assert back.headers.getlist("X-A") == [b"1"]
    assert back.meta == request.meta and back.cb_kwargs == {"page": 2}
    with pytest.raises(TypeError, match="datetime"):
        JsonRequestCodec.dumps(Request("http://h/y", meta={"when": datetime(2024, 1, 1)}).to_dict())


# --- real crawl processes

def dist_settings(site, redis_url, tmp_path, **extra) -> dict[str, str]:
    return {**FAST, **endpoint_settings(site), "DISTRIBUTED_REDIS_URL": redis_url,
            "DISTRIBUTED_WORKER_TTL": "2", "DISTRIBUTED_POLL_INTERVAL": "0.25",
            "WECHAT_ALBUM_PAGE_SIZE": "2", "SEEN_DIR": str(tmp_path / "unused-seen"), **extra}


def run_workers(spider, args, settings, tmp_path, names):
    started = time.monotonic()
    procs = {name: start_crawl(spider, args, settings, tmp_path / name) for name in names}
    return {name: finish_crawl(proc, tmp_path / name, started=started, timeout=60) for name, proc in procs.items()}


def bench_urls(pages: int) -> list[str]:
    """The canonical URLs (the pages' own) of author benchN's articles."""
    return sorted(f"https://www.sohu.com/a/{n}_8000" for n in range(800000000, 800000000 + pages * M.BENCH_PAGE))


def test_two_workers_share_a_sohu_author_each_article_once_then_nothing_new(site, client, redis_url, tmp_path):
    # fetching slowly enough (~8 s for one worker) that a worker which starts
    # a few seconds late on a loaded machine still finds requests to take
    settings = dist_settings(site, redis_url, tmp_path, DOWNLOAD_DELAY="0.1")
    crawls = run_workers("sohu", {"author": "bench4"}, settings, tmp_path, ["a", "b"])
    for crawl in crawls.values():
        assert crawl.returncode == 0 and crawl.close_reason == "finished", crawl.log[-3000:]
        assert crawl.rejects == []
        assert crawl.articles, "both workers took part"
    exported = sorted(a["url"] for crawl in crawls.values() for a in crawl.articles)
    assert exported == bench_urls(4)
    # the finished crawl left no queue nor lease behind; the seen-store is shared
    assert [key for key in client.keys("crawl:*") if b":dupefilter" in key or b":inflight" in key] == []
    # each article under the key of its listed URL (the mock host) and of its own (www.sohu.com)
    assert client.scard("seen:sohu") == 2 * len(exported)
    # a new run re-reads the listing and exports nothing new
    again = run_workers("sohu", {"author": "bench4"}, settings, tmp_path, ["c"])["c"]
    assert again.returncode == 0 and again.close_reason == "finished", again.log[-3000:]
    assert again.articles == [] and int(again.stats["listing/pages"]) == 5
    assert int(again.stats["seen/skipped"]) == len(exported)


def test_two_workers_share_wechat_feeds_and_albums(site, client, redis_url, tmp_path):
    feeds = ",".join(site.url(f"/feeds/wechat.{kind}") for kind in ("rss", "atom", "json"))
    albums = ",".join(f"https://mp.weixin.qq.com/mp/appmsgalbum?__biz={M.WECHAT_BIZ}&album_id={album}"
                      for album in ("1001", "1002"))
    # a retried and a redirected request: their follow-ups must pass the shared filter
    retried, redirected = site.url("/x/503/distB"), site.url("/x/redirect/distG")
    crawls = run_workers("wechat", {"feed": feeds, "album": albums, "urls": f"{retried},{redirected}"},
                         dist_settings(site, redis_url, tmp_path), tmp_path, ["a", "b"])
    for crawl in crawls.values():
        assert crawl.returncode == 0 and crawl.close_reason == "finished", crawl.log[-3000:]
        assert crawl.rejects == []
    exported = sorted(a["fetched_from"] for crawl in crawls.values() for a in crawl.articles)
    codes = {site.url(f"/s/{code}") for entries in M.FEED_ENTRIES.values() for code, *_ in entries}
    album_msgids = {m for album in ("1001", "1002") for m in M.ALBUMS[album]}
    assert len(exported) == len(set(exported)), "an article exported twice"
    assert codes | {retried, redirected} <= set(exported)
    assert {int(url.split("mid=")[1].split("&")[0]) for url in exported if "mid=" in url} == album_msgids
    assert len(exported) == len(codes) + len(album_msgids) + 2
    served = [entry["status"] for entry in site.log() if entry["path"] == "/x/503/distB"]
    assert served == [503, 200]


def test_a_killed_worker_loses_nothing_and_duplicates_nothing_it_had_marked(site, client, redis_url, tmp_path):
    # The victim is killed mid-crawl, once it has exported 15 of 160 articles
    # (fetching at 0.05 s a page, it still holds leases and has more queued);
    # the survivor starts after the kill, so no machine load can let the victim
    # finish first (a survivor started beside it could take 15 s to start on a
    # loaded machine, by when the victim had done everything).
    settings = dist_settings(site, redis_url, tmp_path, DOWNLOAD_DELAY="0.05")
    with site.hold(after=30):  # killed mid-crawl, however slowly this test sees the lines
        victim = start_crawl("sohu", {"author": "bench8"}, settings, tmp_path / "victim")
        wait_for_lines(tmp_path / "victim" / "run.jsonl", 15, timeout=60)
        victim.send_signal(signal.SIGKILL)  # no chance to acknowledge, re-queue or close
        victim.wait(timeout=10)
    killed = finish_crawl(victim, tmp_path / "victim")
    assert killed.close_reason is None, "the victim was killed before it finished"
    assert client.hlen("crawl:sohu:data") > 0, "the victim left requests queued or leased"
    # the one limit docs/operations.md states: killed between writing an article to its
    # feed and marking it in the seen-store, the victim leaves it to be exported again
    marked = {key.decode() for key in client.smembers("seen:sohu")}
    unmarked = [a["url"] for a in killed.articles if a["url"].removeprefix("https://") not in marked]
    assert len(unmarked) <= 1, "marked as each is written: one article at most between the two"
    started = time.monotonic()
    survivor = start_crawl("sohu", {"author": "bench8"}, settings, tmp_path / "survivor")
    done = finish_crawl(survivor, tmp_path / "survivor", started=started, timeout=120)
    assert done.returncode == 0 and done.close_reason == "finished", done.log[-3000:]
    assert int(done.stats["distributed/requeued"]) > 0, "the victim held requests when it died"
    exported = [a["url"] for crawl in (killed, done) for a in crawl.articles]
    assert sorted(set(exported)) == bench_urls(8), "an article lost"
    assert [url for url in set(exported) if exported.count(url) > 1 and url not in unmarked] == []
    assert done.rejects == []


def test_a_crawl_stopped_with_ctrl_c_is_finished_by_a_later_worker(site, client, redis_url, tmp_path):
    settings = dist_settings(site, redis_url, tmp_path)
    # fetching slower than the chain exports, so that the stop lands with requests still queued
    with site.hold(after=30):  # stopped with requests still queued, however slowly this test sees the lines
        first = start_crawl("sohu", {"author": "bench8"}, {**settings, "DOWNLOAD_DELAY": "0.05"},
                            tmp_path / "first")
        wait_for_lines(tmp_path / "first" / "run.jsonl", 15, timeout=30)
        first.send_signal(signal.SIGINT)  # a clean close: its leases go back on the queue
        wait_for_text(tmp_path / "first" / "run.log", "Received SIGINT")
    stopped = finish_crawl(first, tmp_path / "first", timeout=30)
    assert stopped.close_reason == "shutdown", stopped.log[-3000:]
    assert client.zcard("crawl:sohu:queue") > 0 and client.smembers("crawl:sohu:workers") == set()
    later = run_workers("sohu", {"author": "bench8"}, settings, tmp_path, ["later"])["later"]
    assert later.returncode == 0 and later.close_reason == "finished", later.log[-3000:]
    assert "joins the crawl" in later.log
    assert stopped.rejects == [] and later.rejects == []
    exported = sorted(a["url"] for crawl in (stopped, later) for a in crawl.articles)
    assert exported == bench_urls(8)
