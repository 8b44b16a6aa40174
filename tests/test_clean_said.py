"""Ads said as ads are, whatever their marks (rules/59-salestalk.toml
"sales-said", crawler/cleaning/salestalk.py said_start): a paragraph of a
trade no rule names, or the sentences glued at a paragraph's end, that is
said as ads are against the register of news (register_news_zh.txt), speaks
to the reader or cries or asks, and shares nothing with the article, goes
whole; news, notices, a consumer's warning and an owner quoted on the same
trade stay, and so does talk on the article's own subject."""

import pytest

from crawler.cleaning import Cleaner, load_rules, register, salestalk
from crawler.testing import register_train
from tests.support.cleaning import among
from tests.test_clean_register import ZH, ZH2, ZH3

CLEANER = Cleaner(load_rules())
# trades no rule file and no labelled set names, in wordings of their own
ADS = [
    "家里老人洗澡不方便？上门助浴团队带全套设备到家，两名护理员全程陪护，一次一百六十八，洗完还帮忙剪指甲，第一次体验减三十。",
    "狗狗毛打结、指甲长了别自己瞎剪，宠物美容店洗澡修毛一百元起，猫咪洗护八十八，办次卡十次再送两次，接送可以预约。",
]


def clean(*texts):
    return among(CLEANER, texts, (ZH,), (ZH2, ZH3))


def test_the_news_model_file_is_what_its_data_gives():
    assert register_train.main(["--check", "--news"]) == 0


def test_against_news_an_ad_is_said_otherwise_than_a_report_on_its_trade():
    table = register.model(register.MODEL_NEWS)
    report = "上门助浴在一些城市悄然兴起，一次服务的价格多在一百五十元到三百元之间，但从业人员大多没有接受过专业培训。"
    assert register.score(ADS[0], table) > 0.3 > register.score(report, table)


@pytest.mark.parametrize("ad", ADS)
def test_an_ad_of_a_trade_no_rule_names_goes_whole(ad):
    assert clean(ad) == ([], [("said_para", ad)])


@pytest.mark.parametrize("ad", ADS)
def test_glued_to_a_paragraph_the_ad_goes_and_the_host_stays_whole(ad):
    assert clean(ZH2 + ad) == ([ZH2], [("said_tail", ad)])


@pytest.mark.parametrize("ad", ADS)
def test_without_the_rule_they_stay(ad):
    assert among(Cleaner(load_rules(disabled=["sales-said"])), (ad,), (ZH,), (ZH2, ZH3)) == ([ad], [])


@pytest.mark.parametrize("text", [
    "上门助浴在一些城市悄然兴起，一次服务的价格多在一百五十元到三百元之间，但从业人员大多没有接受过专业培训。",
    "宠物美容店的小陈告诉记者，夏天是一年里最忙的时候，洗澡修毛一百元起，周末要提前两三天预约。",
    "有市民反映，收到一张传单写着“上门助浴一次只要九十九，不满意全额退”，打电话过去却被要求先交押金。",
    "如您需要办理居住证，请携带身份证和租房合同到社区服务窗口，工作日上午九点至下午五点均可办理，不收取任何费用。",
    "你有没有想过，为什么城市里的鸟越来越少？研究人员在三年里记录了四十多种鸟的数量变化，发现绿地的破碎化是主要原因。",
])
def test_reports_notices_and_warnings_on_the_same_trades_stay(text):
    assert clean(text) == ([text], [])


def test_talk_on_the_articles_own_subject_stays():
    # an article about a pet groomer's shop: its offer shares the article's words
    story = "小区门口新开了一家宠物美容店，店主是两个刚毕业的年轻人，洗澡修毛都是自己动手。"
    ad = ADS[1]
    kept, removed = among(CLEANER, (ad,), (story,), (ZH2,))
    assert (kept, removed) == ([ad], [])


@pytest.mark.parametrize("ad", ADS)
def test_an_ad_pasted_inside_a_sentence_of_the_host_is_not_judged_with_the_host(ad):
    # the host's last sentence ends on its own words: the sentence is not the
    # ad's to take (the rules of ads pasted inside a sentence may cut the ad)
    cut = ZH2.index("孩子们")
    kept, removed = among(CLEANER, (ZH2[:cut] + ad.rstrip("。") + ZH2[cut:],), (ZH,), (ZH3,))
    assert not [signal for signal, _text in removed if signal.startswith("said")]
    assert ZH2[:cut] in kept[0] and kept[0].endswith(ZH2[cut:])


# ads described rather than spoken: the shop or the product told in the third
# person, addressing no one, no question, no cry (trades no set holds)
DESCRIBED = [
    "红木梳子，一把梳子要经过十几道工序，梳齿圆润不刮头皮，长期使用头发顺滑不打结，刻字定制另收十元，三把以上包邮。",
]


@pytest.mark.parametrize("ad", DESCRIBED)
def test_an_ad_that_addresses_no_one_goes_whole_on_a_weaker_register(ad):
    assert clean(ad) == ([], [("said_para", ad)])
    assert clean(ZH2 + ad) == ([ZH2], [("said_tail", ad)])



@pytest.mark.parametrize("text", [
    # a host's sentence with an ad pasted inside (its marks and register the
    # ad's, the host's words resuming after it): not an ad described
    "傍晚时分，老人们在长椅上聊天，孩子们在草地上企业宣传片拍摄一条龙，满意再付款追逐。",
])
def test_a_host_sentence_with_an_ad_pasted_inside_is_not_an_ad_described(text, monkeypatch):
    _kept, removed = among(CLEANER, (text,), (ZH,), (ZH3,))
    assert not [signal for signal, _text in removed if signal.startswith("said")]
    # what keeps it: the host's sentence said as articles are once its best stretch of ad shape goes
    monkeypatch.setattr(salestalk, "_pasted_inside", lambda *_args: False)
    assert among(Cleaner(load_rules()), (text,), (ZH,), (ZH3,)) == ([], [("said_para", text)])


@pytest.mark.parametrize("ad", DESCRIBED)
def test_without_the_plain_tier_it_stays(ad):
    rules = load_rules()
    said = next(r for r in rules.rules if r.kind == "said")
    said.params["plain_register"] = 0.0
    assert among(Cleaner(rules), (ad,), (ZH,), (ZH2, ZH3)) == ([ad], [])


@pytest.mark.parametrize("text", [
    # the same trades reported, quoted, explained
    "记者走访发现，老城区的钟表修理铺越来越少，机械表洗油保养一次收费一百元到三百元不等，年轻人很少光顾。",
    "红糖的颜色并不能说明品质，古法熬制的红糖颜色偏深，但也有商家加入色素冒充，购买时可以看配料表。",
    "钟表师傅老周在这条街上修了三十年表，他说换一块电池十五元，一天下来挣不了几个钱，靠的是老顾客。",
])
def test_the_same_trades_reported_stay(text):
    assert clean(text) == ([text], [])


# ads of a trade no class knows, described to no one, whose only mark is
# their price (the said rule's screen holds the prices too)
PRICED = [
    "竹编收纳篮，老篾匠一根根劈篾编成，结实耐用不变形，大号一个六十八元，小号四十五元，三个起发。",
]
# a venue's notice to its public, described and priced as such an ad is
NOTICE = "展览持续到十月底，门票五十元，学生凭证半价，每周一闭馆，欢迎市民前往参观。"


@pytest.mark.parametrize("ad", PRICED)
def test_an_ad_priced_and_described_to_no_one_goes_whole(ad):
    assert clean(ad) == ([], [("said_para", ad)])
    assert clean(ZH2 + ad) == ([ZH2], [("said_tail", ad)])


def test_a_venues_notice_to_its_public_stays_and_goes_without_its_exemption():
    assert clean(NOTICE) == ([NOTICE], [])
    rules = load_rules()
    said = next(r for r in rules.rules if r.kind == "said")
    said.compiled["plain_unless"] = None
    assert among(Cleaner(rules), (NOTICE,), (ZH,), (ZH2, ZH3)) == ([], [("said_para", NOTICE)])
