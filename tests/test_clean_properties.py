"""Properties of cleaning on generated articles: idempotent, only deletes, accounts for every character."""

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.testing.clean_labelled import load_data
from crawler.cleaning import Cleaner
from crawler.cleaning.rules import STRONG_SIGNALS
from tests.support.cleaning import built

# the main and the unseen sets: the latter brings zero-width and full-width
# disguises, which cleaning matches on a folded view and cuts in the original
SPAM: list[str] = []
LEGIT: list[str] = []
for name in ("main", "unseen"):
    carriers, injections, lookalikes = load_data(name)
    SPAM += [item if isinstance(item, str) else " ".join(item[1:])
             for spec in injections.values() for item in spec["items"]]
    LEGIT += carriers["zh"] + carriers["en"] + [entry["text"] for entry in lookalikes]
CLEANERS = {share: Cleaner(built(), max_removed_share=share) for share in (0.3, 1.0)}

# pieces of text: whole or cut-up paragraphs and spam, and loose characters
fragment = st.one_of(
    st.sampled_from(LEGIT).flatmap(lambda t: st.integers(0, len(t)).map(lambda i: t[i:i + 40])),
    st.sampled_from(SPAM),
    st.text(alphabet=" ，。|、:.,！a1配资原则网站关注\u200b\u3000ｖｘ８", max_size=6),
)


@st.composite
def block(draw):
    text = "".join(draw(st.lists(fragment, min_size=1, max_size=5))).strip() or "正文"
    spans = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        kind = draw(st.sampled_from(["hidden", "link"]))
        spans.append([start, end, kind, "display:none" if kind == "hidden" else "http://a.example.cn/"])
    out = {"type": draw(st.sampled_from(["paragraph", "paragraph", "heading", "quote", "code"])),
           "text": text, "lang": None}
    if spans:
        out["spans"] = sorted(spans)
    return out


articles = st.lists(block(), min_size=1, max_size=6)
common = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


@common
@given(articles, st.sampled_from(sorted(CLEANERS)))
def test_cleaning_is_idempotent(blocks, share):
    cleaner = CLEANERS[share]
    once = cleaner.clean_blocks(blocks)
    if once.valve:
        return  # the article object carries the flag; clean() then leaves it alone
    twice = cleaner.clean_blocks(once.blocks)
    assert twice.removed == []
    assert twice.blocks == once.blocks


@common
@given(articles, st.sampled_from(sorted(CLEANERS)))
def test_cleaning_only_deletes_and_keeps_order(blocks, share):
    result = CLEANERS[share].clean_blocks(blocks)
    source = iter(blocks)
    for out in result.blocks:  # each output block comes from a later input block, shortened
        assert any(out["type"] == b["type"] and is_subsequence(out["text"], b["text"]) for b in source)


@common
@given(articles, st.sampled_from(sorted(CLEANERS)))
def test_removed_plus_kept_is_the_input(blocks, share):
    result = CLEANERS[share].clean_blocks(blocks)
    before = Counter("".join(b["text"] for b in blocks))
    after = Counter("".join(b["text"] for b in result.blocks))
    gone = Counter("".join(r["text"] for r in result.removed))
    assert after + gone == before
    assert result.removed_chars == sum(gone.values())
    if result.valve:  # only strong signals cut; the doubtful finds are listed, not made
        assert all(r["signal"] in STRONG_SIGNALS for r in result.removed[:-1])
        assert result.removed[-1]["reason"] == "safety_valve"


@common
@given(articles)
def test_spans_stay_valid_and_hidden_text_goes(blocks):
    result = CLEANERS[1.0].clean_blocks(blocks)
    for out in result.blocks:
        for start, end, kind, _value in out.get("spans", []):
            assert 0 <= start < end <= len(out["text"])
            if not result.valve:
                assert kind == "link"  # every hidden span was removed
