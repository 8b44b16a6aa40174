"""What a crawl exposes and what it may be made to fetch."""

from __future__ import annotations

import re

from tests.faults.conftest import crawl, settings_for


def test_no_remote_control_nor_telnet_console_unless_turned_on(site, tmp_path):
    settings = {key: value for key, value in settings_for(site, tmp_path).items()
                if key != "TELNETCONSOLE_ENABLED"}  # the project's default, not the tests'
    done = crawl("wechat", {"urls": site.url("/s/exposed1")}, settings, tmp_path)
    assert (done.returncode, done.close_reason) == (0, "finished"), done.log[-3000:]
    enabled = re.search(r"Enabled extensions:\n(\[.*?\])", done.log, re.S).group(1)
    assert "RemoteControl" not in enabled and "TelnetConsole" not in enabled
    assert "CrawlStats" in enabled, "the list read is the extensions'"
