"""The reject reasons live in one registry, ``crawler.reasons.Reason``."""

import ast
import pickle
from pathlib import Path

import pytest

from crawler.parsing.rules import RULES_DIR, load_site_rules
from crawler.reasons import Reason
from crawler.rulefiles import RulesError, load_toml

PACKAGE = Path(__file__).resolve().parent.parent / "crawler"

# where a reject reason is handed over: the callee and the argument that holds it
_REASON_ARGS = {"Rejection": (0, "reason"), "Refused": (0, "reason"), "Rejected": (None, "reason"),
                "Page": (None, "error")}


def _reason_arguments(tree: ast.AST):
    """(line, expression) of every reason argument in the module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in _REASON_ARGS:
                continue
            position, keyword = _REASON_ARGS[name]
            if position is not None and len(node.args) > position:
                yield node.lineno, node.args[position]
            for kw in node.keywords:
                if kw.arg == keyword:
                    yield node.lineno, kw.value
        elif isinstance(node, ast.Assign):  # page.error = ..., reason = ...
            for target in node.targets:
                names = target.elts if isinstance(target, ast.Tuple) else [target]
                values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
                for t, v in zip(names, values):
                    # a reason chosen here, not one read from elsewhere (a rule, a record)
                    chosen = isinstance(v, (ast.Constant, ast.IfExp))
                    if getattr(t, "attr", None) == "error" or (getattr(t, "id", None) == "reason" and chosen):
                        yield node.lineno, v


def _strings(expr: ast.AST):
    for node in ast.walk(expr):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def _members(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "Reason":
            yield node.lineno, node.attr


def test_no_reason_is_a_bare_string_and_every_member_used_exists():
    bare, unknown = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(PACKAGE.parent)
        for line, expr in _reason_arguments(tree):
            bare += [f"{where}:{line}: {s!r}" for s in _strings(expr)]
        unknown += [f"{where}:{line}: Reason.{name}" for line, name in _members(tree)
                    if name not in Reason.__members__ and not hasattr(Reason, name)]
    assert bare == [], "reject reasons must be crawler.reasons.Reason members"
    assert unknown == []


def test_the_scan_sees_the_places_reasons_are_given():
    """The scan above would catch a literal in each kind of place it looks."""
    source = ('Rejection("x", "d"); Refused(reason="y", detail=""); Page(u, u, error="z")\n'
              'page.body, page.error = b"", "w"\nreason = "v" if a else Reason.EMPTY\n')
    found = sorted(s for _, e in _reason_arguments(ast.parse(source)) for s in _strings(e))
    assert found == ["v", "w", "x", "y", "z"]


def test_the_rule_files_name_only_known_reasons():
    for site in ("wechat", "web"):
        reasons = [rule["reason"] for rule in load_toml(RULES_DIR / f"{site}.toml")["special"]]
        assert reasons and set(reasons) <= set(Reason)


def test_a_user_rule_with_an_unknown_reason_is_refused(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text('[[special]]\nreason = "paywal"\nmarkers = ["paywall"]\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r"mine.toml: special\[0\]\.reason: unknown reject reason 'paywal'"):
        load_site_rules("web", [extra])


def test_a_reason_reads_as_its_string_everywhere():
    reason = Reason.NEAR_DUPLICATE
    assert reason == "near_duplicate" and f"rejects/{reason}" == "rejects/near_duplicate"
    assert type(str(reason)) is str and pickle.loads(pickle.dumps(reason)) is reason
    assert all(r.doc and r.given_by for r in Reason)
