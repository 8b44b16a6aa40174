"""The README documents every setting the project adds, and the CI test command."""

import re

from scrapy.settings import default_settings

from crawler import settings as project_settings
from tests.support import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_project_setting_is_documented():
    ours = [name for name in vars(project_settings) if name.isupper() and not hasattr(default_settings, name)]
    assert len(ours) > 30
    missing = [name for name in ours if f"`{name}`" not in README]
    assert missing == []


def test_readme_gives_the_two_commands():
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    assert "make demo\n" in blocks and "make test\n" in blocks
    assert "<!-- test-command -->\n```sh\nmake test\n```" in README
