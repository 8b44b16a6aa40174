"""Fixtures shared by the tests (helpers are in tests/support)."""

from __future__ import annotations

import ast
import inspect

import pytest

from crawler.testing.redis_server import redis_server
from tests.support import crawl_files_in

# what a test needs beyond the checkout (pytest.ini registers the markers), told from its code:
# the names that lead to each, in the test, its fixtures, its parameters, the module's top level
# and the module's helpers it calls (modules of crawler.testing that read ../shared count as such)
NEEDS = {
    "redis": ("redis_server", "restartable_redis_server", "redis_url", "RedisSeenStore"),
    "scrapyd": ("scrapyd",),
    "shared": ("shared_path", "SHARED", "extraction_sets", "chain_outputs"),
}


def _names(node: ast.AST) -> set[str]:
    names = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            names.add(n.id)
        elif isinstance(n, ast.Attribute):
            names.add(n.attr)
        elif isinstance(n, ast.Constant) and n.value == "shared":  # a path built by hand: … / "shared"
            names.add("SHARED")
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names |= {a.name.rsplit(".", 1)[-1] for a in n.names} | {(getattr(n, "module", "") or "").rsplit(".", 1)[-1]}
    return names


class _Module:
    """A test module's top-level names and its functions' names, read once."""

    def __init__(self, module):
        tree = ast.parse(inspect.getsource(module))
        self.functions: dict[str, set[str]] = {}
        self.top: set[str] = set()
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions[node.name] = _names(ast.Module(body=node.body, type_ignores=[]))
                self.top |= set().union(*(_names(d) for d in node.decorator_list)) if node.decorator_list else set()
            elif not isinstance(node, (ast.ClassDef, ast.Import, ast.ImportFrom)):
                self.top |= _names(node)

    def closure(self, names: set[str]) -> set[str]:
        """``names`` and those of the module's functions they call, transitively."""
        seen, todo = set(names), list(names & self.functions.keys())
        while todo:
            new = self.functions[todo.pop()] - seen
            seen |= new
            todo += list(new & self.functions.keys())
        return seen


def _fixture_names(item) -> set[str]:
    names = set()
    for defs in getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {}).values():
        try:
            names |= _names(ast.parse(inspect.cleandoc("\n" + inspect.getsource(defs[-1].func))))
        except (TypeError, OSError, SyntaxError):
            continue
    return names


def pytest_collection_modifyitems(config, items):
    """Marks each test with what it needs (``-m "not redis"`` runs the rest)."""
    modules: dict[str, _Module] = {}
    for item in items:
        function = getattr(item, "function", None)
        if function is None:
            continue
        module = modules.get(item.module.__name__) or modules.setdefault(item.module.__name__, _Module(item.module))
        names = module.closure(module.top | module.functions.get(function.__name__, set()) | _fixture_names(item))
        params = set(map(str, getattr(getattr(item, "callspec", None), "params", {}).values()))
        for marker, leads in NEEDS.items():
            if names & set(leads) or marker in params:
                item.add_marker(marker)


@pytest.fixture
def crawl_files(tmp_path):
    """``crawl_files_in`` the test's own directory."""
    return lambda path, *extra: crawl_files_in(tmp_path, path, *extra)


@pytest.fixture(scope="module")
def redis_url():
    """A redis-server for the tests of a module (a module may define its own)."""
    with redis_server() as url:
        yield url
