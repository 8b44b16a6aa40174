"""What a fresh clone needs: the pinned packages installed, generated files ignored."""

import re
import subprocess
from importlib import metadata

import pytest

from tests.support import REPO


def pins() -> dict[str, str]:
    text = (REPO / "requirements.txt").read_text(encoding="utf-8")
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M))


def test_every_pinned_package_is_installed_at_its_pin():
    wrong = {name: (pin, metadata.version(name)) for name, pin in pins().items()
             if metadata.version(name) != pin}
    assert wrong == {}


def test_trafilatura_needs_nothing_unpinned():
    import trafilatura  # noqa: F401  (imports lxml_html_clean)

    assert "lxml_html_clean" in {name.replace("-", "_").lower() for name in pins()}


@pytest.mark.parametrize("path", ["articles.jsonl", "build/lib/crawler/settings.py", "exports/runs.jsonl",
                                  "state/dedup/index.sqlite3", "project.egg-info/PKG-INFO"])
def test_generated_files_are_ignored(path):
    assert subprocess.run(["git", "check-ignore", "-q", path], cwd=REPO).returncode == 0
