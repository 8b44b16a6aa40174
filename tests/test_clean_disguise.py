"""The ad around a term or a contact a rule found (``grow`` of the promo and
contact rules, crawler/cleaning/extent.py): its words no list holds go with
it, the host's stay."""

import pytest

from crawler.cleaning.extent import grow
from tests.support.cleaning import ZH, kept, removed
from tests.support.cleaning import before_prose as clean


@pytest.mark.parametrize("text, cut, grown", [
    # the ad's words after the term, to the host's punctuation or the block's end
    ("每一盆都有自己的名字。彩票计划免费领", "彩票计划", "彩票计划免费领"),
    ("股票配资，开户送三天免息", "股票配资", "股票配资，开户送三天免息"),
    # pasted into a word of the host: the host's word whole again (请|…|假)
    ("居民看病不必再请网赌平台首充送百假。", "网赌平台", "网赌平台首充送百"),
    # the offer before a contact, from the block's start
    ("专业开锁换锁芯随叫随到，手机 13912345678", "手机 13912345678", "专业开锁换锁芯随叫随到，手机 13912345678"),
    # host text on both sides: nothing more, even where it reads as an ad's (…上门)
    ("村民们把柿子削皮股票配资串好挂在屋檐下。", "股票配资", "股票配资"),
    ("每一盆都有自己彩票计划免费领的名字。", "彩票计划", "彩票计划"),
    ("医生还会定股票杠杆期上门，为老人测量血压。", "股票杠杆", "股票杠杆"),
])
def test_a_cut_grows_over_the_ad_around_it_and_stops_at_the_host(text, cut, grown):
    start = text.index(cut)
    s, e = grow(text, start, start + len(cut), 0, len(text))
    assert text[s:e] == grown


@pytest.mark.parametrize("text", [
    "当年食堂的菜票、粮票，如今都成了收藏爱好者手里的宝贝。",
    "志愿者每个月都会陪资助的孩子去医院复查。",
    "彩票站老板说，这期双色球的奖池累计超过了十亿元。",
])
def test_words_beside_the_terms_in_prose_stay(text):
    assert kept(clean(text)) == [text]


def test_a_contact_with_an_offer_of_any_trade_goes_whole():
    ad = "家电维修空调加氟当天上门，拨打 400-820-1234"
    r = clean(f"{ZH}{ad}")
    assert kept(r) == [ZH]
    assert "".join(text for _, text in removed(r)) == ad
