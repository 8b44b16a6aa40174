"""Loading rules (crawler/cleaning/rules.py): each pattern parsed, compiled and
analysed once, with the same results as doing it piece by piece."""

import os
import re
import subprocess
import sys
from re import _parser as P

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crawler.cleaning import RuleError, load_rules
from crawler.cleaning.firstchars import prefixed, with_first_chars
from crawler.cleaning.screen import Analysis, required_literals
from tests.support import REPO
from tests.test_clean_screen import regex
from tests.support.cleaning import built

RULES = built()


def _plain(tree):
    """A parse tree as nested lists and tuples (SubPattern has no equality)."""
    if isinstance(tree, P.SubPattern):
        return ["SUB", [_plain(item) for item in tree.data]]
    if isinstance(tree, (list, tuple)):
        return type(tree)(_plain(item) for item in tree)
    return tree


@pytest.mark.parametrize("pattern", [
    r"(?:股票|线上){0,3}配资", r"[\u3400-\u9fff]+平台", "a|b|c", "(?P<x>配)资(?P=x)", "x(?=y)", "配资", ".x", "a?"])
@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
def test_the_tree_given_with_the_prefixed_pattern_is_the_parse_of_it(pattern, flags):
    fast, tree = prefixed(pattern, flags)
    assert fast == with_first_chars(pattern, flags)
    parsed = P.parse(fast, flags)
    assert _plain(tree) == _plain(parsed) and tree.state.flags == parsed.state.flags


def test_the_trees_of_the_built_in_patterns_are_their_parses():
    patterns = {(rule.compiled[key].pattern, rule.compiled[key].flags & re.IGNORECASE)
                for rule in RULES.rules for key in ("pattern", "also", "unless", "unless_article")
                if rule.compiled.get(key) is not None}
    expanded = [p for p in patterns if p[0].startswith("(?=[")]
    assert len(expanded) > 20
    for fast, flags in expanded:
        inner = fast[fast.index("])(?:") + 5:-1]  # the pattern as the rule file expands it
        again, tree = prefixed(inner, flags)
        assert again == fast
        assert _plain(tree) == _plain(P.parse(fast, flags))


def test_the_lookaheads_at_the_head_of_class_groups_change_no_mark():
    marks = [rule.compiled["marks"] for rule in RULES.rules if rule.kind in ("sales", "said")]
    texts = [line for path in sorted((REPO / "tests" / "data" / "clean").glob("*.toml"))
             for line in path.read_text(encoding="utf-8").splitlines()]
    for pattern in marks:
        bare = re.compile(re.sub(r"\(\?=\[[^\]]*\]\)", "", pattern.pattern), pattern.flags)
        assert bare.pattern.count("(?=[") < pattern.pattern.count("(?=[") - 5  # (most classes start bounded)
        found = [[(m.span(), m.lastgroup) for m in pattern.finditer(text)] for text in texts]
        assert found == [[(m.span(), m.lastgroup) for m in bare.finditer(text)] for text in texts]
        assert sum(map(len, found)) > 100


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.lists(regex(), min_size=2, max_size=6))
@example(["(?P<g>配a)(?P=g)", "(?i:配a)配", "配a|b", "(?i)配a|b", "(?:配a){2}", "(?=配a)b"])
def test_an_analysis_shared_by_patterns_finds_what_each_alone_finds(patterns):
    # the shared one meets equal sub-patterns again (a memo): it must not mix them up
    shared = Analysis()
    for pattern in patterns + patterns[::-1]:
        for flags in (0, re.IGNORECASE):
            assert required_literals(pattern, flags, analysis=shared) == required_literals(pattern, flags)


def test_the_clauses_chosen_do_not_depend_on_the_hash_seed():
    # ties between equally selective clauses were once broken by set order (and
    # float sums over it), so each process of a crawl could screen differently
    show = "from crawler.cleaning import load_rules; print([r.screen for r in load_rules().rules])"
    screens = [subprocess.run([sys.executable, "-c", show], cwd=REPO, capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2")]
    assert screens[0] == screens[1] != "[]\n"


def _load_one(tmp_path, pattern: str):
    path = tmp_path / "mine.toml"
    path.write_text(f"[[rules]]\nname = \"mine\"\nreason = \"promo\"\npattern = '''{pattern}'''\n", encoding="utf-8")
    return load_rules([path], defaults=False).rules[0]


def test_a_pattern_opening_with_global_flags_is_used_as_written(tmp_path):
    # a lookahead before (?i) would be an error: such a pattern gets none
    rule = _load_one(tmp_path, "(?i)casino 配资")
    assert rule.compiled["pattern"].pattern == "(?i)casino 配资"
    assert rule.compiled["pattern"].search("CASINO 配资")
    assert [sorted(c) for c in rule.screen.clauses] == [[" 配资"]]  # casino has case: unknown


@pytest.mark.parametrize("pattern, message", [
    ("a)(b", "unbalanced parenthesis at position 1"),  # the position in the pattern as written
    ("(?<=a+)b", "look-behind requires fixed-width pattern"),
    ("a{99999999999}", "the repetition number is too large"),
])
def test_a_bad_pattern_is_told_as_written(tmp_path, pattern, message):
    with pytest.raises(RuleError, match=re.escape(f"'pattern' is not a valid regex: {message}")):
        _load_one(tmp_path, pattern)
