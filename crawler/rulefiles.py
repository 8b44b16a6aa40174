"""Loading rule files with errors that name the file and the entry.

The one loader and the one error class of every rule file the project reads
(parsing, cleaning, language, anti-crawl, URL keys): ``load_toml`` for TOML,
``load_data`` for TOML or JSON by the file's suffix; ``RulesError`` for any
file that is missing, unreadable, malformed or holds an invalid rule.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

# read through importlib.resources: the package may run from a zipped egg (scrapyd)
DATA_DIR = resources.files("crawler") / "data"


class RulesError(ValueError):
    """A rule file is missing, not TOML, or holds an invalid rule."""


def load_toml(path: str | Path | Traversable) -> dict[str, Any]:
    """A rule file's TOML; ``RulesError`` naming the file when it cannot be read."""
    if isinstance(path, str):
        path = Path(path)
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        raise RulesError(f"{path}: rule file not found") from None
    except OSError as exc:
        raise RulesError(f"{path}: cannot read rule file ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path}: not valid TOML ({exc})") from None


def load_data(path: str | Path | Traversable) -> dict[str, Any]:
    """A rule file's table, TOML or JSON by its suffix; ``RulesError`` naming the file otherwise."""
    if isinstance(path, str):
        path = Path(path)
    kind = path.name.rsplit(".", 1)[-1].lower()
    if kind == "toml":
        data = load_toml(path)
    elif kind == "json":
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except OSError as exc:
            raise RulesError(f"{path}: cannot read rule file ({exc.strerror or exc})") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise RulesError(f"{path}: not valid JSON ({exc})") from None
    else:
        raise RulesError(f"{path}: rule files are .toml or .json")
    if not isinstance(data, dict):
        raise RulesError(f"{path}: top level must be a table/object")
    return data


def check_keys(table: dict[str, Any], allowed: Iterable[str], where: str) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise RulesError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")


def string_list(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RulesError(f"{where}: expected a list of non-empty strings, got {value!r}")
    return value


def tables(data: dict[str, Any], key: str, path: str | Path | Traversable, allowed: Iterable[str]) -> list[tuple[str, dict]]:
    """The ``[[key]]`` tables of a rule file as (where, table), each checked
    to be a table with only ``allowed`` keys; ``where`` names it in errors."""
    entries = data.get(key, [])
    if not isinstance(entries, list):
        raise RulesError(f"{path}: {key} must be an array of tables ([[{key}]])")
    checked = []
    for n, entry in enumerate(entries, 1):
        where = f"{path}: {key} {n}"
        if not isinstance(entry, dict):
            raise RulesError(f"{where}: expected a table")
        check_keys(entry, allowed, where)
        checked.append((where, entry))
    return checked
