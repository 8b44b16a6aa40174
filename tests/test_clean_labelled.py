"""The labelled sets (tests/data/clean, built by clean_labelled.py): recall, precision, look-alikes.

``main`` is the set the first rules were tuned on; ``unseen`` holds variants
they were not written for (measured before the rules were changed for it);
``fresh`` was written after those changes to probe them. All three must meet
the same targets.
"""

import pytest

from crawler.testing import clean_labelled as labelled
from tests.support.cleaning import full

CLEANER = full()
# set -> (injections, look-alike paragraphs) it must hold at least
SIZES = {"main": (150, 40), "unseen": (120, 40), "fresh": (40, 40)}
ALL_REASONS = {"link_farm", "spam_url", "promo", "boilerplate", "generator_note", "hidden"}


@pytest.fixture(scope="module", params=sorted(SIZES))
def run(request):
    cases = labelled.build_cases(request.param)
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
    return request.param, cases, total, by_kind, broken


def test_the_set_is_big_and_covers_every_kind_and_format(run):
    name, cases, _total, by_kind, _broken = run
    injected = [c for c in cases if c.reason]
    min_injections, min_lookalikes = SIZES[name]
    assert len({(c.kind, str(c.item)) for c in injected}) >= min_injections
    assert len({text for c in cases for text in c.lookalikes}) >= min_lookalikes
    assert {c.fmt for c in injected} >= {"text", "wechat", "sohu", "markdown"}
    if name != "fresh":  # the probe set holds no lone spam URL
        assert {c.reason for c in injected} == ALL_REASONS
    assert all(score.spam_chars for kind, score in by_kind.items() if kind != "lookalike")


def test_spam_characters_removed(run):
    _name, _cases, total, _by_kind, _broken = run
    assert total.recall >= 0.995, f"{total.spam_removed}/{total.spam_chars}"


def test_legitimate_characters_kept(run):
    _name, _cases, total, _by_kind, _broken = run
    assert total.kept >= 0.999, f"{total.legit_kept}/{total.legit_chars}"


def test_every_lookalike_is_intact(run):
    *_rest, broken = run
    assert broken == []


def test_removals_carry_the_expected_reason(run):
    _name, _cases, total, _by_kind, _broken = run
    assert total.reason_ok / total.reason_cases >= 0.98
