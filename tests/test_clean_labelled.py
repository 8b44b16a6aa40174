"""The labelled set (tests/data/clean, built by clean_labelled.py): recall, precision, look-alikes."""

import pytest

from tests import clean_labelled as labelled
from crawler.cleaning import Cleaner, load_rules

CLEANER = Cleaner(load_rules())


@pytest.fixture(scope="module")
def run():
    cases = labelled.build_cases()
    total = labelled.Score()
    by_kind: dict[str, labelled.Score] = {}
    broken = []
    for case in cases:
        article = labelled.parse(case, injected=True)
        expected = labelled.parse(case, injected=False).text
        before = article.text
        received = {b["text"] for b in article.blocks}
        mine = len(article.removed)
        CLEANER.clean(article)
        score = labelled.score(expected, before, article.text, article.removed[mine:], case.reason)
        total.add(score)
        by_kind.setdefault(case.kind, labelled.Score()).add(score)
        kept = {b["text"] for b in article.blocks}
        # a look-alike that reached cleaning must leave it untouched; in plain
        # text nothing but cleaning stands between it and the output
        broken += [(case.fmt, text) for text in case.lookalikes
                   if (text in received or case.fmt == "text") and text not in kept]
    return cases, total, by_kind, broken


def test_the_set_is_big_and_covers_every_kind_and_format(run):
    cases, _total, by_kind, _broken = run
    injected = [c for c in cases if c.reason]
    assert len({(c.kind, str(c.item)) for c in injected}) >= 150
    assert {c.reason for c in injected} == {
        "link_farm", "spam_url", "promo", "boilerplate", "generator_note", "hidden"}
    assert {c.fmt for c in injected} == {"text", "markdown", "wechat", "sohu"}
    lookalikes = {text for c in cases for text in c.lookalikes}
    assert len(lookalikes) >= 40
    assert all(score.spam_chars for kind, score in by_kind.items() if kind != "lookalike")


def test_spam_characters_removed(run):
    _cases, total, _by_kind, _broken = run
    assert total.recall >= 0.995, f"{total.spam_removed}/{total.spam_chars}"


def test_legitimate_characters_kept(run):
    _cases, total, _by_kind, _broken = run
    assert total.kept >= 0.999, f"{total.legit_kept}/{total.legit_chars}"


def test_every_lookalike_is_intact(run):
    *_rest, broken = run
    assert broken == []


def test_removals_carry_the_expected_reason(run):
    _cases, total, _by_kind, _broken = run
    assert total.reason_ok / total.reason_cases >= 0.98
