"""Ads of any trade pasted inside someone else's sentence (crawler/cleaning/spans.py):
cut where their seams split a word of the host, kept where the sentence itself
sells or reports."""

import pytest

from crawler.cleaning import Cleaner, load_rules
from crawler.cleaning.spans import lexicon
from tests.support.cleaning import one as clean, refused

HOST = "清晨六点，老街的早点铺已经排起了长队。店主把刚出锅的油条码在竹筐里，顺手给熟客多舀一勺豆浆。"


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner(load_rules())


def test_the_lexicon_knows_words_and_their_inner_pairs():
    words = lexicon()
    assert "油条" in words.words and words.inside("油", "条")
    assert not words.inside("油", "祛") and not words.inside("低", "条")
    text = "刚出锅的油祛湿茶条码"
    assert words.joins(text, 5, 8)  # 油 + 条 once 祛湿茶 goes


@pytest.mark.parametrize("ad", ["祛湿茶厂家直销，买一送一，全网最低"])
def test_an_ad_that_splits_a_word_goes_and_the_word_rejoins(cleaner, ad):
    at = HOST.index("条码")
    text, removed = clean(cleaner, HOST[:at] + ad + HOST[at:])
    assert text == HOST
    assert [(r["reason"], r["signal"], r["text"]) for r in removed] == [("promo", "word_break", ad)]


@pytest.mark.parametrize("text", [
    # the sentence sells outside the span too: an article about a shop
    "这家茶叶店厂家直销，价格比商场低一些，买一送一的活动吸引了不少老顾客。",
    # it reports
    "店主表示，厂家直销加上买一送一，这个月的销量翻了一番。",
    # one piece of sales talk is a word like any other
    "他把旧相机送去批发市场旁的维修店，师傅说还能再用好几年。",
    HOST,
])
def test_sales_words_in_a_sentence_of_its_own_stay(cleaner, text):
    assert clean(cleaner, text) == (text, [])


def test_an_ad_reaching_far_beyond_its_sales_talk_stays():
    """A limit: the seams are sought within a few characters of the sales talk
    (each one further costs), so an ad with a long tail of other words stays."""
    at = HOST.index("条码")
    text = HOST[:at] + "二手相机批发，量大从优，质保一年还送三脚架" + HOST[at:]
    assert clean(cleaner=Cleaner(load_rules()), text=text)[0] != HOST


def test_a_span_rule_is_validated(tmp_path):
    refused(tmp_path, '[[rules]]\nname = "x"\nkind = "span"\nreason = "promo"\n', "needs 'groups'", defaults=False)


def test_the_lexicon_file_is_what_its_script_builds():
    """lexicon_zh.txt is read at the first seam a worker judges (a few ms, not
    the ~0.5 s of wordfreq's list); it must hold what the list gives."""
    from crawler.testing import lexicon_build

    assert lexicon() == lexicon_build.build()
