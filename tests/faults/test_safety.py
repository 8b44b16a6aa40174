"""What a crawl exposes and what it may be made to fetch."""

from __future__ import annotations

import re
import socket
from urllib.parse import urlencode

from crawler.fetching.urls import is_public_address
from crawler.testing.livecrawl import MockSite
from tests.faults.conftest import crawl, settings_for


def test_no_remote_control_nor_telnet_console_unless_turned_on(site, tmp_path):
    settings = {key: value for key, value in settings_for(site, tmp_path).items()
                if key != "TELNETCONSOLE_ENABLED"}  # the project's default, not the tests'
    done = crawl("wechat", {"urls": site.url("/s/exposed1")}, settings, tmp_path)
    assert (done.returncode, done.close_reason) == (0, "finished"), done.log[-3000:]
    enabled = re.search(r"Enabled extensions:\n(\[.*?\])", done.log, re.S).group(1)
    assert "RemoteControl" not in enabled and "TelnetConsole" not in enabled
    assert "CrawlStats" in enabled, "the list read is the extensions'"


def test_a_local_feed_does_not_open_the_other_local_ports(site, tmp_path):
    # a self-hosted feed (RSSHub on 127.0.0.1:PORT) listing a link to another local service
    with MockSite() as other:
        other.log(clear=True)
        inside, elsewhere = site.url("/s/samePort"), other.url("/s/otherPort")
        feed = site.url("/feeds/links-to.json?" + urlencode({"url": [inside, elsewhere]}, doseq=True))
        done = crawl("wechat", {"feed": feed}, settings_for(site, tmp_path), tmp_path)
        assert (done.returncode, done.close_reason) == (0, "finished"), done.log[-3000:]
        assert [(r["fetched_from"], r["reason"]) for r in done.rejects] == [(elsewhere, "unsafe_address")]
        assert [a["fetched_from"] for a in done.articles] == [inside]
        assert other.log() == [], "the other local port was asked"


def test_a_feed_named_by_a_host_name_that_resolves_privately_is_refused(site, tmp_path):
    # a name the operator gave whose DNS answer is a private address (a rebinding attacker's,
    # or this machine's own name): the feed is refused, unlike 127.0.0.1:PORT written as such
    name = socket.gethostname()
    addresses = {info[4][0] for info in socket.getaddrinfo(name, None)}
    assert addresses and not any(is_public_address(a) for a in addresses), f"{name} resolves to {addresses}"
    feed = f"http://{name}:{site.port}/feeds/wechat.rss"
    site.log(clear=True)
    done = crawl("wechat", {"feed": feed}, settings_for(site, tmp_path), tmp_path)
    assert (done.returncode, done.close_reason) == (0, "finished"), done.log[-3000:]
    assert [(r["fetched_from"], r["reason"]) for r in done.rejects] == [(feed, "unsafe_address")]
    assert done.articles == [] and site.log() == []
