"""The docs document every setting the project adds; the README gives the two commands."""

import re

from scrapy.settings import default_settings

from crawler import settings as project_settings
from tests.support import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
SETTINGS_DOC = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")


def test_every_project_setting_is_documented():
    ours = [name for name in vars(project_settings) if name.isupper() and not hasattr(default_settings, name)]
    assert len(ours) > 30
    missing = [name for name in ours if f"| `{name}` |" not in SETTINGS_DOC]  # a row of a table
    assert missing == []


def test_readme_gives_the_two_commands():
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    assert "make demo\n" in blocks and "make test\n" in blocks
    assert "<!-- test-command -->\n```sh\nmake test\n```" in README


def test_readme_is_a_front_door_with_working_links():
    assert len(README.splitlines()) <= 200
    links = re.findall(r"\]\((docs/[^)#]+)", README)
    assert {"docs/architecture.md", "docs/settings.md", "docs/operations.md"} <= set(links)
    assert [link for link in links if not (REPO / link).exists()] == []


def test_docs_link_to_files_that_exist():
    broken = []
    for doc in (REPO / "docs").glob("*.md"):
        for target in re.findall(r"\]\(([\w./-]+\.md)", doc.read_text(encoding="utf-8")):
            if not (doc.parent / target).exists():
                broken.append(f"{doc.name} -> {target}")
    assert broken == []
