"""The commercial register (crawler/cleaning/register.py) and what the sales
talk of rules/59-salestalk.toml and the remnants of rules/66-remnant.toml do
with it: ads of trades no rule names and short of classes go whole, with the
cry that opens them, and what other rules left of an ad goes with it; news,
notices and an owner quoted on the same trades stay."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.cleaning import Cleaner, load_rules, register
from crawler.cleaning.textops import is_cjk
from crawler.testing import register_train
from tests.support.cleaning import among

CLEANER = Cleaner(load_rules())
ZH = "入秋以后，山里的柿子陆续成熟，村民们把柿子削皮串好挂在屋檐下，远远望去一片橙红。"
ZH2 = "天文台的开放日吸引了许多家庭，工作人员带大家用望远镜观察太阳黑子，孩子们看得入了迷。"
ZH3 = "这条老街的青石板路有四百多年历史，两旁是白墙黑瓦的民居，近几年开起了茶馆和手工艺作坊。"

# ads that invite the reader but hold too few classes of an offer: how they
# are said weighs the rest
PLAIN_ADS = [
    "专业清洗油烟机，师傅经验丰富，半天搞定，有需要的朋友联系我。",
    "驾照代考，科目一到科目四都能办，不过退款，有需要的私聊。",
]


def clean(*texts):
    return among(CLEANER, texts, (ZH,), (ZH2, ZH3))


def test_the_model_file_is_what_its_data_gives():
    assert register_train.main(["--check"]) == 0


def test_learn_weighs_the_pairs_of_each_side():
    table = register.learn(["全国包邮到家", "包邮到家"], ["记者表示", "记者表示同意"], min_odds=0.1)
    assert table["包邮"] > 0 > table["记者"]
    assert "同意" not in table  # seen once


def test_digits_and_latin_letters_fold():
    assert register.pairs("只要99元 VIP") == ["只要", "要0", "0元"]  # none across a space
    assert register.fold("只要99元，加VIP") == "只要0元，加a"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0a9Zb中文、，。 \u3040\u30ff\u3400\u4dbf\u9fff\ua000\U00020000\U0002fa1f\U0002fa20１２", max_size=30))
def test_the_pairs_are_those_of_two_word_characters_in_a_row(text):
    folded = register.fold(text)
    word = [ch in "0a" or is_cjk(ch) for ch in folded]
    assert register.pairs(text) == [folded[i:i + 2] for i in range(len(folded) - 1) if word[i] and word[i + 1]]


def test_an_ad_is_said_otherwise_than_news_on_its_trade():
    ad = "宠物殡葬一条龙服务，上门接送，单独火化，收费透明，当天办好，让毛孩子体面告别。"
    news = "记者了解到，这家宠物殡葬店去年接待了三百多位顾客，多数是二三十岁的年轻人。"
    assert register.score(ad) > 0.2 > 0 > register.score(news)


@pytest.mark.parametrize("ad", PLAIN_ADS)
def test_an_ad_short_of_classes_goes_by_its_register(ad):
    assert clean(ad) == ([], [("sales_para", ad)])


@pytest.mark.parametrize("ad", PLAIN_ADS)
def test_without_the_register_the_sales_talk_keeps_them(ad):
    cleaner = Cleaner(load_rules(), max_removed_share=0.9)
    rule = next(r for r in cleaner.rules if r.kind == "sales")
    weight = rule.params["register_weight"]
    rule.params["register_weight"] = 0
    try:
        _kept, removed = among(cleaner, (ad,), (ZH,), (ZH2, ZH3))
    finally:
        rule.params["register_weight"] = weight
    assert "sales_para" not in [signal for signal, _text in removed]


def test_the_cry_opening_an_ad_goes_with_it():
    ad = "学油画不难！零基础八节课画出一幅风景，小班授课，每周两次，学费一次缴清再减两百。试听免费，来了就知道。"
    assert clean(ad) == ([], [("sales_para", ad)])
    assert clean(ZH2 + ad) == ([ZH2], [("sales_tail", ad)])


@pytest.mark.parametrize("text", [
    "暑期游泳班开始报名，联系电话：13800001234。",
    "记者了解到，这家宠物殡葬店去年接待了三百多位顾客，多数是二三十岁的年轻人。",
    "他家的柯基幼犬卖四千元一只，疫苗做齐，老板说每个月能卖出十来只。",
    "出入境管理部门提醒，办理出国手续应通过正规渠道，不要轻信“百分之百成功、拒签全额退费”的承诺。",
])
def test_notices_news_and_owners_on_the_same_trades_stay(text):
    assert clean(text) == ([text], [])


def test_what_the_offer_rules_left_of_an_ad_goes_with_it():
    # the offer rule cuts the middle of this ad; the rest of it is said as ads
    # are (the sales talk and the said rule, which take it whole, off: the
    # remnant is what catches the ads they do not judge)
    ad = "全日制本科学历办理，学信网可查，一年拿证，不用上课不用考试，费用可分期，先拿证后付尾款。"
    assert clean(ZH2 + ad) == ([ZH2], [("sales_tail", ad)])
    kept, removed = among(Cleaner(load_rules(disabled=["sales-talk", "sales-said"])), (ZH2 + ad,), (ZH,), (ZH2, ZH3))
    assert kept == [ZH2]
    assert sorted("".join(text for _signal, text in removed)) == sorted(ad)  # every piece of it, no more
    assert {signal for signal, _text in removed} == {"offer_span", "ad_remnant"}


def test_the_host_left_around_a_pasted_ad_stays():
    kept, removed = clean(ZH2[:20] + "网贷口子秒下款" + ZH2[20:])
    assert kept == [ZH2]
    assert removed == [("lexicon", "网贷口子秒下款")]
