"""The counts and classes textops derives from ``is_cjk`` say what it says."""

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.cleaning.textops import _CJK_RANGES, cjk_count, fold, is_cjk

# every code point at and beside the edges of the ranges, and a stretch of each
EDGES = "".join(chr(c) for lo, hi in _CJK_RANGES for c in [*range(lo - 3, lo + 4), *range(hi - 3, hi + 4)])


def test_cjk_count_is_the_count_of_is_cjk_at_the_edges_of_its_ranges():
    assert cjk_count(EDGES) == sum(map(is_cjk, EDGES)) > 0
    assert cjk_count("") == 0 and cjk_count("abc，。 \ud800") == 0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(EDGES + "ab 1，。、\u3000\ud83d"), max_size=60))
def test_cjk_count_counts_as_is_cjk_does(text):
    assert cjk_count(text) == sum(map(is_cjk, text))


def test_pinyin_with_its_tone_marks_reads_as_pinyin_and_other_accents_stay():
    assert fold("bó cǎi 平台")[0] == "博彩 平台"
    assert fold("下kuǎn秒批")[0] == "下款秒批"
    assert fold("他说 café 很好喝")[0] == "他说 café 很好喝"
