"""The rules cache (crawler/cleaning/rulecache.py): rules read back from it are
the rules built, their regexes compiled when first used; any change of the
inputs builds again; a damaged or unwritable cache only costs the build."""

import re
import subprocess
import sys

import pytest

from crawler.cleaning import Cleaner, RuleError, load_rules, rulecache
from crawler.cleaning import screen as screen_module
from crawler.cleaning.rules import DEFAULT_RULES_DIR, RuleSet, expand_paths
from crawler.cleaning.screen import Screens, _compile
from crawler.testing import clean_labelled as labelled
from crawler.testing.chain import build_stages
from tests.support import REPO
from tests.support.cleaning import built

BUILT = built()
USER_RULE = '[[rules]]\nname = "mine"\nreason = "promo"\npattern = \'{pattern}\'\n'


def _plain(value):
    """A compiled value as comparable data (a regex by its source and flags)."""
    if isinstance(value, re.Pattern):
        return ("re", value.pattern, value.flags)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _shape(ruleset: RuleSet) -> list:
    return [(r.name, r.kind, r.reason, r.source, r.signal, r.block_types, r.params,
             {k: _plain(r.compiled[k]) for k in sorted(set(r.compiled) | set(r.compiled._sources))},
             None if r.screen is None else (r.screen.clauses, r.screen.caseless))
            for r in ruleset.rules] + [ruleset.lists, ruleset.vars, ruleset.files]


def _files(tmp_path):
    return sorted(p.name for p in tmp_path.iterdir())


def _kept(tmp_path):
    return [name for name in _files(tmp_path) if name.endswith(rulecache.SUFFIX)]


def test_rules_read_back_are_the_rules_built_with_their_regexes_compiled_when_first_used(tmp_path):
    assert load_rules(cache_dir=tmp_path) is not None and len(_kept(tmp_path)) == 1
    cached = load_rules(cache_dir=tmp_path)
    pending = [(rule, key) for rule in cached.rules for key in rule.compiled._sources]
    assert len(pending) > 100 and not any(isinstance(v, re.Pattern) for r in cached.rules for v in r.compiled.values())
    rule, key = pending[0]
    assert key in rule.compiled and isinstance(rule.compiled.get(key), (re.Pattern, list))
    assert key not in rule.compiled._sources  # compiled once, then kept
    assert _shape(cached) == _shape(BUILT)
    # rules sharing a screen still share it (one verdict per block for all of them)
    assert len({id(r.screen) for r in cached.rules if r.screen}) == len({id(r.screen) for r in BUILT.rules if r.screen})


@pytest.mark.parametrize("name", ["main", "trades"])
def test_a_cleaner_of_cached_rules_cleans_as_one_of_built_rules(tmp_path, name):
    load_rules(cache_dir=tmp_path)
    cleaners = Cleaner(BUILT), Cleaner(load_rules(cache_dir=tmp_path))
    changed = 0
    for case in labelled.build_cases(name):
        articles = [labelled.parse(case) for _ in cleaners]
        results = [cleaner.clean(article) for cleaner, article in zip(cleaners, articles)]
        assert articles[0].text == articles[1].text and articles[0].removed == articles[1].removed
        assert results[0].by_reason == results[1].by_reason
        changed += bool(results[0].removed)
    assert changed > 50


def _verdicts(screens, texts) -> list[int]:
    """Per text, the screens it passes (bit i: ``screens.screens[i]``)."""
    return [screens.mask(text) for text in texts]


def test_the_screens_database_is_kept_with_the_rules_and_read_back_not_compiled(tmp_path, monkeypatch):
    load_rules(cache_dir=tmp_path)
    built = Cleaner(BUILT)._screens
    compiled = []
    monkeypatch.setattr(screen_module, "_compile", lambda *args: compiled.append(args) or _compile(*args))
    cleaner = Cleaner(load_rules(cache_dir=tmp_path))
    assert cleaner._screens.indexed and not compiled  # read back, not compiled again
    texts = [block["text"] for case in labelled.build_cases("main") for block in labelled.parse(case).blocks]
    assert len(texts) > 500
    verdicts = _verdicts(built, texts)
    assert sum(map(bool, verdicts)) > 100 and _verdicts(cleaner._screens, texts) == verdicts
    # a database hyperscan cannot read (another machine's, another version's) is compiled again
    state = cleaner._screens.__getstate__()
    state[1]["_database"] = b"not a database"
    again = Screens.__new__(Screens)
    again.__setstate__(state)
    assert len(compiled) == 1 and again.indexed and _verdicts(again, texts) == verdicts


def test_a_changed_rule_file_or_argument_builds_again(tmp_path):
    mine = tmp_path / "mine.toml"
    cache = tmp_path / "cache"
    mine.write_text(USER_RULE.format(pattern="甲乙丙"), encoding="utf-8")
    assert load_rules([mine], cache_dir=cache).rules[-1].params["pattern"] == "甲乙丙"
    mine.write_text(USER_RULE.format(pattern="丁戊己"), encoding="utf-8")
    assert load_rules([mine], cache_dir=cache).rules[-1].params["pattern"] == "丁戊己"
    assert "mine" not in load_rules([mine], cache_dir=cache, disabled=["mine"]).names()
    assert len(_kept(cache)) == 3


def test_a_broken_rule_file_is_never_cached(tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text(USER_RULE.format(pattern="(?<=a+)b"), encoding="utf-8")  # re's compiler refuses it
    for _ in range(2):
        with pytest.raises(RuleError, match="not a valid regex"):
            load_rules([mine], cache_dir=tmp_path / "cache")
    assert _kept(tmp_path / "cache") == []


@pytest.mark.parametrize("damage", [lambda data: data[:len(data) // 2], lambda data: data[:-1] + b"x",
                                    lambda data: b""])
def test_a_damaged_cache_file_is_built_again_and_replaced(tmp_path, damage, caplog):
    load_rules(cache_dir=tmp_path)
    (path,) = tmp_path.glob(f"*{rulecache.SUFFIX}")
    path.write_bytes(damage(path.read_bytes()))
    assert _shape(load_rules(cache_dir=tmp_path)) == _shape(BUILT)
    assert "damaged" in caplog.text
    assert rulecache.read(tmp_path, path.name.removesuffix(rulecache.SUFFIX), RuleSet) is not None


def test_a_file_of_another_key_is_not_taken_for_this_one(tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text(USER_RULE.format(pattern="甲乙丙"), encoding="utf-8")
    cache = tmp_path / "cache"
    load_rules(cache_dir=cache)
    (other,) = cache.glob(f"*{rulecache.SUFFIX}")
    key = rulecache.key(expand_paths([DEFAULT_RULES_DIR, mine]), (), None)
    other.rename(cache / f"{key}{rulecache.SUFFIX}")
    assert load_rules([mine], cache_dir=cache).rules[-1].name == "mine"


def test_a_cache_that_cannot_be_written_leaves_the_load_as_without_one(tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    assert _shape(load_rules(cache_dir=blocked)) == _shape(BUILT)
    assert "could not write" in caplog.text
    assert _shape(load_rules(cache_dir=blocked / "below")) == _shape(BUILT)


def test_only_the_newest_files_are_kept(tmp_path):
    mine = tmp_path / "mine.toml"
    for i in range(rulecache.KEEP + 2):
        mine.write_text(USER_RULE.format(pattern=f"甲{i}"), encoding="utf-8")
        load_rules([mine], defaults=False, cache_dir=tmp_path / "cache")
    assert len(_kept(tmp_path / "cache")) == rulecache.KEEP
    assert load_rules([mine], defaults=False, cache_dir=tmp_path / "cache").rules[0].params["pattern"] == "甲9"


def test_processes_loading_the_same_rules_at_once_build_them_once(tmp_path):
    # each says how many rules it has and whether it built them (read back, regexes wait to be compiled)
    show = ("import sys; from crawler.cleaning import load_rules; rules = load_rules(cache_dir=sys.argv[1]); "
            "print(len(rules.rules), 'read' if any(r.compiled._sources for r in rules.rules) else 'built')")
    procs = [subprocess.Popen([sys.executable, "-c", show, str(tmp_path)], cwd=REPO, stdout=subprocess.PIPE,
                              text=True) for _ in range(3)]
    outs = sorted(proc.communicate(timeout=300)[0] for proc in procs)
    assert all(proc.returncode == 0 for proc in procs)
    assert outs == [f"{len(BUILT.rules)} built\n"] + [f"{len(BUILT.rules)} read\n"] * 2
    assert len(_kept(tmp_path)) == 1
    assert _shape(load_rules(cache_dir=tmp_path)) == _shape(BUILT)


@pytest.mark.parametrize("setting", ["cache", ""])
def test_the_clean_stage_keeps_its_rules_in_CLEAN_RULES_CACHE_DIR(tmp_path, setting):
    stages = dict(build_stages(CLEAN_RULES_CACHE_DIR=str(tmp_path / setting) if setting else ""))
    assert stages["CleanPipeline"].cleaner.rules
    assert _files(tmp_path) == ([setting] if setting else [])
