"""Scrapy extensions a crawl imports only when turned on: RemoteControl
(crawler/runtime/optional.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.extensions.remote_control import RemoteControl as ScrapyRemoteControl
from scrapy.utils.test import get_crawler

from crawler.runtime.optional import RemoteControl
from tests.support import REPO


def test_the_crawls_extensions_are_resolved_without_importing_remote_control():
    """As Scrapy resolves them when a crawl starts: every component its dicts name is imported."""
    code = ("import sys\n"
            "from scrapy.settings import Settings\n"
            "from crawler import settings\n"
            "settings = Settings(vars(settings))\n"
            "names = list(settings.get_component_priority_dict_with_base('EXTENSIONS'))\n"
            "print('crawler.runtime.optional.RemoteControl' in names, any('remote_control' in n for n in names),\n"
            "      *(name in sys.modules for name in ('aiohttp', 'scrapy.extensions.remote_control')))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False", "False", "False"], done.stderr


def test_remote_control_is_scrapys_when_turned_on_and_nothing_when_off():
    assert isinstance(RemoteControl.from_crawler(get_crawler(settings_dict={"REMOTE_CONTROL_ENABLED": True})),
                      ScrapyRemoteControl)
    with pytest.raises(NotConfigured):
        RemoteControl.from_crawler(get_crawler(settings_dict={"REMOTE_CONTROL_ENABLED": False}))
