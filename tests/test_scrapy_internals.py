"""The Scrapy internals the project relies on (crawler/runtime/scrapy_internals.py) are there,
in a Scrapy version they were tested with."""

import ast
from importlib import import_module

import scrapy
from scrapy.core.downloader import Slot
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.runtime.scrapy_internals import RELIED_ON, TESTED_VERSIONS
from tests.support import REPO


def test_scrapy_is_a_tested_version():
    assert scrapy.__version__ in TESTED_VERSIONS, (
        f"Scrapy {scrapy.__version__} is not a version the project's use of its internals was tested with: "
        "check each name in crawler/runtime/scrapy_internals.py, then add the version to TESTED_VERSIONS")


def instances() -> dict[str, object]:
    crawler = get_crawler()
    return {
        "scrapy.core.downloader.Slot": Slot(concurrency=1, delay=0, jitter=0),
        "scrapy.statscollectors.StatsCollector": MemoryStatsCollector(crawler),
    }


def test_every_internal_relied_on_is_there():
    built = instances()
    missing = []
    for where, name in RELIED_ON:
        module, _, attr = where.rpartition(".")
        owner = getattr(import_module(module), attr)
        if not (hasattr(owner, name) or hasattr(built.get(where), name) or _assigned_in_init(owner, name)):
            missing.append(f"{where}.{name}")
    assert missing == []


def _assigned_in_init(cls, name: str) -> bool:
    """Whether some ``__init__`` of ``cls``'s classes sets ``self.<name>``."""
    import inspect
    import textwrap

    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(init)))
        except (OSError, TypeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == name and isinstance(node.ctx, ast.Store):
                return True
    return False


def test_no_module_imports_scrapy_internals_but_the_one():
    offenders = []
    for path in sorted((REPO / "crawler").rglob("*.py")):
        if path.name == "scrapy_internals.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scrapy"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private or "._" in node.module:
                    offenders.append(f"{path.relative_to(REPO)}: from {node.module} import {private}")
    assert offenders == []
