"""Leave-one-family-out, fast subset (bench/clean_lofo.py runs every family):
families of novel.toml and probe.toml that the structural and shape signals
must catch with nothing written for them, and a written family whose figures
must fall when what was written for it is withheld (the evaluation can fail)."""

import pytest

from crawler.testing import clean_lofo as lofo

SIGNAL_FAMILIES = ("style_sheet", "host_separators", "tail_note_probe", "writer_note_probe", "disclaimer_unknown",
                   "english_seo_en")


@pytest.fixture(scope="module")
def rows():
    families = {f.name: f for f in lofo.load_families()}
    chosen = [families[name] for name in (*SIGNAL_FAMILIES, "promo_footer")]
    parsed = lofo.parse_sets(("main", "novel", "probe"))
    return {row.family.name: row for row in lofo.evaluate(chosen, parsed)}


@pytest.mark.parametrize("name", SIGNAL_FAMILIES)
def test_families_nothing_was_written_for_meet_the_targets(rows, name):
    t = rows[name].lofo
    assert rows[name].family.novel and not rows[name].family.withhold
    assert t.pages >= 18
    assert t.recall >= 0.98, t.leftovers[:3]
    assert t.precision >= 0.995
    assert t.intact_share >= 0.98 and t.lookalikes >= 60


def test_withholding_what_was_written_for_a_family_takes_its_lexicon_away(rows):
    row = rows["promo_footer"]
    assert row.family.withhold["rules"] == ["promo-footer", "promo-footer-tail"]
    assert row.full.recall >= 0.99
    assert row.lofo.recall < row.full.recall


def test_families_select_their_cases():
    families = {f.name: f for f in lofo.load_families()}
    cases = [c for c in lofo.labelled.build_cases("main") if c.reason]
    margin = [c for c in cases if families["margin_finance"].holds(c)]
    assert margin and all(c.kind.startswith("promo") for c in margin)
    assert all(any(w in str(c.item) for w in ("配", "杠杆", "炒股", "融资")) for c in margin)
    assert not any(families["trad_promo"].holds(c) for c in cases)
