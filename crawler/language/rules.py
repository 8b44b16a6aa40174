"""Rules of the language stage: the script table, stopwords and thresholds.

The defaults are ``rules.toml`` beside this module; user files (the
``LANG_RULES`` setting) are merged over them in order. Everything is checked
at load so that a bad file fails at start-up with the file and key named.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langdetect.detector_factory import PROFILES_DIRECTORY

from crawler.rulefiles import RulesError, load_toml

# read through importlib.resources: the package may run from a zipped egg (scrapyd)
DEFAULT_RULES = resources.files("crawler.language") / "rules.toml"

_CODE = re.compile(r"^[a-z]{2,3}$")
_RANGE = re.compile(r"^([0-9A-Fa-f]{4,6})(?:-([0-9A-Fa-f]{4,6}))?$")
_DETECT_KEYS = {
    "seed": int, "scan_chars": int, "sample_chars": int,
    "min_probability": float, "sure_chars": int, "context_probability": float,
    "stopword_min_hits": int, "stopword_min_share": float, "stopword_margin": float,
    "neutral_types": list,
}


@dataclass(frozen=True)
class Script:
    name: str
    ranges: tuple[tuple[int, int], ...]
    weight: float  # words per character, or 0 when ``words`` counts them
    words: bool  # the script spaces its words: count runs of its characters
    lang: str | None  # the language the script alone tells ...
    candidates: tuple[str, ...]  # ... or the langdetect profiles to choose from
    min_chars: int
    context_langs: tuple[str, ...] = ()
    absorbs: str | None = None
    absorb_share: float = 1.0

    def languages(self, aliases: dict[str, str]) -> tuple[str, ...]:
        """Every language a block of this script may be tagged with."""
        own = (self.lang,) if self.lang else tuple(aliases.get(c, c) for c in self.candidates)
        return tuple(dict.fromkeys(own + self.context_langs))


@dataclass(frozen=True)
class Rules:
    seed: int
    scan_chars: int
    sample_chars: int
    min_probability: float
    sure_chars: int
    context_probability: float
    stopword_min_hits: int
    stopword_min_share: float
    stopword_margin: float
    neutral_types: tuple[str, ...]
    aliases: dict[str, str]
    scripts: tuple[Script, ...]
    stopwords: dict[str, tuple[str, ...]]  # function word -> the languages listing it

    def code(self, name: str) -> str:
        """ISO 639-1 code of a detector's language name (zh-cn -> zh)."""
        name = name.strip().lower().replace("_", "-")
        return self.aliases.get(name, name)


def load_rules(extra_files: list[str | os.PathLike] | tuple = ()) -> Rules:
    """The default rules with ``extra_files`` merged over them, validated."""
    merged: dict[str, Any] = {"detect": {}, "aliases": {}, "script": [], "stopwords": {}}
    for path in (DEFAULT_RULES, *map(Path, extra_files)):
        _merge(merged, load_toml(path), str(path))
    return _build(merged)


def _merge(merged: dict[str, Any], data: dict[str, Any], source: str) -> None:
    unknown = set(data) - set(merged)
    if unknown:
        raise RulesError(f"{source}: unknown section(s) {sorted(unknown)}")
    for section in ("detect", "aliases", "stopwords"):
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise RulesError(f"{source}: [{section}] must be a table")
        merged[section].update({key: (value, source) for key, value in table.items()})
    scripts = data.get("script", [])
    if not isinstance(scripts, list):
        raise RulesError(f"{source}: [[script]] must be an array of tables")
    for entry in scripts:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name:
            raise RulesError(f"{source}: every [[script]] needs a name")
        position = next((i for i, (old, _) in enumerate(merged["script"]) if old["name"] == name), None)
        if position is None:
            merged["script"].append((entry, source))
        else:
            merged["script"][position] = (entry, source)


def _build(merged: dict[str, Any]) -> Rules:
    detect = {}
    for key, kind in _DETECT_KEYS.items():
        if key not in merged["detect"]:
            raise RulesError(f"[detect] {key} is missing")
        value, source = merged["detect"][key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise RulesError(f"{source}: [detect] {key} must be a {kind.__name__}")
        detect[key] = value
    extra = set(merged["detect"]) - set(_DETECT_KEYS)
    if extra:
        raise RulesError(f"[detect] unknown key(s) {sorted(extra)}")
    for key in ("scan_chars", "sample_chars", "stopword_min_hits"):
        if detect[key] < 1:
            raise RulesError(f"[detect] {key} must be at least 1")
    for key in ("min_probability", "context_probability", "stopword_min_share"):
        if not 0.0 <= detect[key] <= 1.0:
            raise RulesError(f"[detect] {key} must be between 0 and 1")

    aliases = {}
    for name, (code, source) in merged["aliases"].items():
        if not isinstance(code, str) or not _CODE.match(code):
            raise RulesError(f"{source}: [aliases] {name!r} must map to a lowercase language code")
        aliases[name.lower()] = code

    profiles = set(os.listdir(PROFILES_DIRECTORY))
    scripts = tuple(_script(entry, source, aliases, profiles) for entry, source in merged["script"])
    _check_overlaps(scripts)
    names = {script.name for script in scripts}
    for script in scripts:
        if script.absorbs is not None and script.absorbs not in names:
            raise RulesError(f"[[script]] {script.name}: absorbs unknown script {script.absorbs!r}")

    stopwords: dict[str, tuple[str, ...]] = {}  # word -> languages listing it
    for lang, (words, source) in merged["stopwords"].items():
        if not _CODE.match(lang):
            raise RulesError(f"{source}: [stopwords] {lang!r} is not a lowercase language code")
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise RulesError(f"{source}: [stopwords] {lang} must be a list of words")
        lowered = [w.lower() for w in words]
        twice = sorted({w for w in lowered if lowered.count(w) > 1})
        if twice:
            raise RulesError(f"{source}: [stopwords] {lang} lists {twice} twice")
        for word in lowered:
            stopwords[word] = stopwords.get(word, ()) + (lang,)

    return Rules(
        **{key: value for key, value in detect.items() if key != "neutral_types"},
        neutral_types=tuple(detect["neutral_types"]),
        aliases=aliases, scripts=scripts, stopwords=stopwords,
    )


def _script(entry: dict[str, Any], source: str, aliases: dict[str, str], profiles: set[str]) -> Script:
    name = entry["name"]
    where = f"{source}: [[script]] {name}"
    allowed = {"name", "ranges", "weight", "words", "lang", "candidates", "min_chars",
               "context_langs", "absorbs", "absorb_share"}
    if set(entry) - allowed:
        raise RulesError(f"{where}: unknown key(s) {sorted(set(entry) - allowed)}")
    ranges = []
    for text in entry.get("ranges") or []:
        match = _RANGE.match(text) if isinstance(text, str) else None
        if not match:
            raise RulesError(f"{where}: bad range {text!r} (hex 'XXXX-YYYY' or 'XXXX')")
        start = int(match.group(1), 16)
        end = int(match.group(2) or match.group(1), 16)
        if end < start or end > 0x10FFFF:
            raise RulesError(f"{where}: bad range {text!r}")
        ranges.append((start, end))
    if not ranges:
        raise RulesError(f"{where}: ranges are missing")
    words = entry.get("words", False)
    weight = entry.get("weight", 0)
    if not isinstance(words, bool):
        raise RulesError(f"{where}: words must be true or false")
    if words == ("weight" in entry):
        raise RulesError(f"{where}: give either weight or words = true")
    if not words and (not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight <= 0):
        raise RulesError(f"{where}: weight must be a positive number")
    lang = entry.get("lang")
    candidates = entry.get("candidates") or []
    if (lang is None) == (not candidates):
        raise RulesError(f"{where}: give either lang or candidates")
    if lang is not None and (not isinstance(lang, str) or not _CODE.match(lang)):
        raise RulesError(f"{where}: lang must be a lowercase language code")
    for candidate in candidates:
        if candidate not in profiles:
            raise RulesError(f"{where}: langdetect has no profile {candidate!r}")
    if candidates and len(candidates) < 2:
        raise RulesError(f"{where}: candidates need at least two languages")
    min_chars = entry.get("min_chars")
    if not isinstance(min_chars, int) or isinstance(min_chars, bool) or min_chars < 1:
        raise RulesError(f"{where}: min_chars must be a positive integer")
    context_langs = entry.get("context_langs", [])
    if not all(isinstance(c, str) and _CODE.match(c) for c in context_langs):
        raise RulesError(f"{where}: context_langs must be language codes")
    absorb_share = entry.get("absorb_share", 1.0)
    if not isinstance(absorb_share, (int, float)) or not 0 < absorb_share <= 1:
        raise RulesError(f"{where}: absorb_share must be in (0, 1]")
    return Script(
        name=name, ranges=tuple(ranges), weight=float(weight), words=words, lang=lang,
        candidates=tuple(candidates), min_chars=min_chars,
        context_langs=tuple(aliases.get(c, c) for c in context_langs),
        absorbs=entry.get("absorbs"), absorb_share=float(absorb_share),
    )


def _check_overlaps(scripts: tuple[Script, ...]) -> None:
    spans = sorted((start, end, script.name) for script in scripts for start, end in script.ranges)
    for (start_a, end_a, name_a), (start_b, _, name_b) in zip(spans, spans[1:]):
        if start_b <= end_a:
            raise RulesError(f"[[script]] ranges overlap: {name_a} and {name_b} at U+{start_b:04X}")
