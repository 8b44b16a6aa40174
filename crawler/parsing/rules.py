"""Site rules (markers, selectors, special-page phrases) from TOML data files.

``load_site_rules(site, extra=())`` reads ``rules/<site>.toml`` and then each
user file in ``extra`` (paths), merges them and validates the result against
the site's schema: unknown keys, wrong types, bad regular expressions and bad
CSS selectors raise ``RulesError`` naming the file and the key. Merging keeps
order meaningful: a user's list items and rule tables come *before* the
defaults (so they win where first match counts); a user's scalar replaces the
default. Loaded rules are plain dicts plus compiled patterns; nothing global
is mutated.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

from lxml.cssselect import CSSSelector

from crawler.reasons import Reason
from crawler.rulefiles import RulesError, load_toml

# read through importlib.resources: the package may run from a zipped egg (scrapyd)
RULES_DIR = resources.files("crawler.parsing") / "rules"
_REASON_WORD = re.compile(r"^[a-z][a-z0-9_]*$")


# Schema leaves: "str", "reason" (a reject reason: a lowercase word), "regex", "css", "[str]", "[regex]", "[css]", "fraction" (0..1),
# "count" (int >= 0), or a dict (a table)
# or a one-item list holding a dict (an array of tables). "{str}" is a str->str table.
_SCHEMAS: dict[str, dict] = {
    "wechat": {
        "detect": {"hosts": "[str]", "markers": "[str]", "not_markers": "[str]"},
        "page": {
            "body": "regex", "title_heading": "regex", "account_name": "regex",
            "author_name": "regex", "meta_area": "regex", "publish_time": "regex",
            "share_data": "regex", "meta_title": "[str]", "meta_author": "[str]",
            "meta_cover": "[str]", "meta_url": "[str]",
        },
        "body_trim": {
            "related_link": "regex", "related_labels": "[str]", "min_link_share": "fraction",
            "headline_overlap": "fraction", "max_headline_blocks": "count",
        },
        "post_types": "{str}",
        "url": {"host": "str", "identity": "[str]"},
        "special_pages": {"message_selectors": "[css]"},
        "special": [{"reason": "reason", "phrases": "[str]", "markers": "[str]", "url_patterns": "[regex]"}],
    },
    "sohu": {
        "detect": {"hosts": "[str]", "markers": "[str]"},
        "page": {
            "body": "[css]", "title": "[css]", "account": "[css]", "time": "[css]",
            "origin": "[css]", "author": "[css]", "meta_published": "[str]",
            "meta_title": "[str]", "meta_cover": "[str]", "article_data": "regex",
            "canonical": "str", "article_path": "regex", "image_key": "str",
            "image_skip": "[regex]",
        },
        "boilerplate": [{"name": "str", "selectors": "[css]"}],
        "boilerplate_text": [{"name": "str", "pattern": "regex"}],
    },
}
_SCHEMAS["web"] = {"special": _SCHEMAS["wechat"]["special"]}
# Keys a rule table must have.
_REQUIRED = {
    ("wechat", "special"): ("reason",),
    ("web", "special"): ("reason",),
    ("sohu", "boilerplate"): ("name", "selectors"),
    ("sohu", "boilerplate_text"): ("name", "pattern"),
}


def _merge(default: Any, user: Any) -> Any:
    if isinstance(default, dict) and isinstance(user, dict):
        merged = dict(default)
        for key, value in user.items():
            merged[key] = _merge(default[key], value) if key in default else value
        return merged
    if isinstance(default, list) and isinstance(user, list):
        return [*user, *(item for item in default if item not in user)]
    return user


def _check(value: Any, schema: Any, where: str, site: str, key_path: tuple) -> None:
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            raise RulesError(f"{where or 'top level'}: expected a table")
        for key, item in value.items():
            if key not in schema:
                raise RulesError(f"{where}.{key}: unknown key (known: {', '.join(schema)})")
            _check(item, schema[key], f"{where}.{key}" if where else key, site, (*key_path, key))
        return
    if isinstance(schema, list):
        if not isinstance(value, list):
            raise RulesError(f"{where}: expected an array of tables")
        required = _REQUIRED.get((site, key_path[-1]), ())
        for i, item in enumerate(value):
            _check(item, schema[0], f"{where}[{i}]", site, key_path)
            for key in required:
                if key not in item:
                    raise RulesError(f"{where}[{i}]: missing required key {key!r}")
        return
    if schema in ("fraction", "count"):
        ok = (
            isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1
            if schema == "fraction" else isinstance(value, int) and not isinstance(value, bool) and value >= 0
        )
        if not ok:
            expected = "a number from 0 to 1" if schema == "fraction" else "a whole number >= 0"
            raise RulesError(f"{where}: expected {expected}, got {value!r}")
        return
    if schema == "{str}":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise RulesError(f"{where}: expected a table of strings")
        return
    if schema == "reason":  # the built-in rules name Reason members (tests/test_reasons.py); a user's
        # rule may name a reason of its own, a lowercase word like them
        if not isinstance(value, str) or not _REASON_WORD.match(value):
            raise RulesError(f"{where}: a reject reason is a lowercase word like {Reason.DELETED.value!r}, "
                             f"not {value!r}")
        return
    items = value if schema.startswith("[") else [value]
    if schema.startswith("[") and not isinstance(value, list):
        raise RulesError(f"{where}: expected an array")
    kind = schema.strip("[]")
    for item in items:
        if not isinstance(item, str) or not item:
            raise RulesError(f"{where}: expected a non-empty string, got {item!r}")
        if kind == "regex":
            try:
                re.compile(item)
            except re.error as exc:
                raise RulesError(f"{where}: bad regular expression {item!r}: {exc}") from None
        elif kind == "css":
            try:
                CSSSelector(item)
            except Exception as exc:  # cssselect raises several types
                raise RulesError(f"{where}: bad CSS selector {item!r}: {exc}") from None


def load_site_rules(site: str, extra: tuple[str | Path, ...] | list = ()) -> dict:
    """The validated rules of ``site`` ("wechat", "sohu"), user files merged in."""
    if site not in _SCHEMAS:
        raise RulesError(f"no rules schema for site {site!r}")
    rules: dict = {}
    for path in (RULES_DIR / f"{site}.toml", *map(Path, extra)):
        data = load_toml(path)
        try:
            _check(data, _SCHEMAS[site], "", site, (site,))
        except RulesError as exc:
            raise RulesError(f"{path}: {exc}") from None
        rules = _merge(rules, data) if rules else data
    return rules


def compile_patterns(patterns: list[str]) -> list[re.Pattern]:
    return [re.compile(p) for p in patterns]


def compile_selectors(selectors: list[str]) -> list[CSSSelector]:
    return [CSSSelector(s) for s in selectors]
