"""Field-by-field output of the parsers on the project's own page fixtures.

expected.json files are reviewed specifications; regenerate them with
``python -m tests.fixtures.regen`` only to accept a reviewed change.
"""

import pytest

from tests.fixtures.cases import case_names, expected_of, run_case

CASES = case_names()


def test_fixture_set_covers_every_kind():
    kinds = {expected_of(c).get("article", {}).get("post_type") for c in CASES}
    reasons = {expected_of(c).get("rejected", {}).get("reason") for c in CASES}
    sources = {expected_of(c).get("article", {}).get("source") for c in CASES}
    assert {"article", "image_share", "text_share", "video"} <= kinds
    assert {"deleted", "violation", "unavailable", "expired", "anti_crawl", "not_article"} <= reasons
    assert {"wechat", "sohu", "web"} <= sources


@pytest.mark.parametrize("case", CASES)
def test_fixture(case):
    expected = expected_of(case)
    got = run_case(case)
    assert got.keys() == expected.keys(), f"{case}: {got.keys()} instead of {expected.keys()}"
    got_fields, want_fields = next(iter(got.values())), next(iter(expected.values()))
    wrong = {
        field: (got_fields.get(field), want)
        for field, want in want_fields.items() if got_fields.get(field) != want
    }
    assert not wrong, f"{case}: fields differ (got, expected): {wrong}"
    assert set(got_fields) == set(want_fields)
