"""Chinese sales talk of rules/59-salestalk.toml (crawler/cleaning/salestalk.py):
whole ad paragraphs of any trade, and the ad sentences glued at a paragraph's
end, found by what the talk does (invites, speaks for the seller, presses,
prices, guarantees, gives); and what must stay (news and reviews that report
prices, offers and shops, notices, an article about its own shop)."""

import pytest

from crawler.cleaning import english, load_rules, salestalk
from crawler.cleaning.textops import sentence_bounds
from tests.support.cleaning import among, full, refused

CLEANER = full()
ZH = "入秋以后，山里的柿子陆续成熟，村民们把柿子削皮串好挂在屋檐下，远远望去一片橙红。"
ZH2 = "天文台的开放日吸引了许多家庭，工作人员带大家用望远镜观察太阳黑子，孩子们看得入了迷。"
ZH3 = "这条老街的青石板路有四百多年历史，两旁是白墙黑瓦的民居，近几年开起了茶馆和手工艺作坊。"


def clean(*texts):
    return among(CLEANER, texts, (ZH,), (ZH2, ZH3))


# ads of trades no rule names, in wordings of their own
ADS = [
    "专业鱼缸造景，上门设计安装，草缸海缸都能做，保活保成景，养死包赔。有兴趣的可以留言。",
    "出售自家果园的脐橙，甜度高汁水多，十斤一箱八十元，全国包邮，坏果包赔，需要的加我。",
    "钢琴调音师傅，从业二十年，市区上门一次一百五，音不准不收钱。",
    "工厂清仓，库存羽绒服一律五十元一件，款式齐全，先到先得，卖完就没了。",
    # a short question before it is its hook
    "想学开叉车？本校常年招收叉车、挖机学员，包教包会，考试不过免费重考，学成推荐工作。报名热线就在下方，随到随学。",
]


@pytest.mark.parametrize("ad", ADS)
def test_an_ad_paragraph_of_any_trade_goes_whole(ad):
    kept, removed = clean(ad)
    assert kept == []
    assert removed == [("sales_para", ad)]


@pytest.mark.parametrize("ad", ADS[:3])
def test_an_ad_glued_at_a_paragraphs_end_is_cut_at_its_sentence_boundary(ad):
    kept, removed = clean(ZH2 + ad)
    assert kept == [ZH2]
    assert removed == [("sales_tail", ad)]


@pytest.mark.parametrize("text", [
    # a report quoting an ad, a warning, a notice, a review, a story with prices
    "市消协近日通报了一批培训类投诉，其中一家机构的宣传单上写着“包教包会，学不会全额退款”。",
    "警方提醒，近期有人在社交平台发布“低价代购、假一赔十”的广告，收款后便将买家拉黑。",
    "报名请联系社区工作人员，名额有限，额满即止，活动当天免费提供午餐。",
    "这台扫拖一体机的官方售价是两千九百九十九元，实测在木地板上的拖地效果不错，“双十一”到手价约两千四百元。",
    "老板说，开业一个月来，店里的咖啡卖得最好，每天能出两百多杯，周末还推出了买一送一。",
    # the seller quoted: the marks inside quotation marks do not count
    "“我们家的面包都是当天现烤的，全场八折，欢迎大家来尝，卖完为止。”店主王女士笑着说。",
])
def test_news_and_reviews_reporting_offers_stay(text):
    assert clean(text) == ([text], [])


def test_an_ad_pasted_inside_a_sentence_does_not_take_the_sentence():
    # the marks sit in one clause of a sentence about something else: the
    # inline rules' to cut, not a paragraph of sales talk
    host = "小镇的集市每逢农历三、六、九开市，附近村子的人挑着担子{}赶来，卖菜的、卖鸡的，热闹得很。"
    kept, removed = clean(host.format("宠物寄养包接送，节假日不加价"))
    assert all(signal not in ("sales_para", "sales_tail") for signal, _ in removed)
    assert kept and kept[0].startswith("小镇的集市") and kept[0].endswith("热闹得很。")


def test_an_article_about_its_own_offer_keeps_it():
    # the invitation shares the article's subject (展览, 门票...): the article's own
    about = [
        "市博物馆的青铜器特展本周六开幕，共展出一百二十余件文物，其中三十件为首次公开展出。",
        "策展人介绍，展品按年代分为四个单元，观众可以看到青铜器纹饰从简到繁的变化。",
        "青铜器特展持续到十月底，门票五十元，学生凭证半价，名额有限，欢迎市民提前预约参观。",
    ]
    assert clean(*about) == (about, [])
    # the same invitation in an article about something else goes
    kept, removed = clean(about[2])
    assert kept == [] and removed == [("sales_para", about[2])]


def test_the_classes_are_scored_as_english_offers_are():
    rule = next(r for r in load_rules().rules if r.kind == "sales")
    found = english.marks(rule.compiled["marks"], "本店特价八折，七折也有，欢迎选购", unquoted=True)
    names = [rule.params["classes"][m.group] for m in found]
    assert names[:2] == ["talk_seller", "talk_price"] and "talk_invite" in names
    weight, classes = salestalk.score(found, rule.params["weights"])
    # the price class counts its weight once, and one more for its second mark
    assert classes == 3 and weight == 2 + (2 + 1) + 2


def test_terse_talk_and_prose_are_told_apart():
    assert salestalk.terse("产地直发，不打蜡不抛光，五斤装六十八元，两袋包邮")
    assert not salestalk.terse("村民们把柿子削皮串好挂在屋檐下，远远望去一片橙红，像是挂满了小灯笼")


def test_a_sales_rule_must_address_some_of_its_classes(tmp_path):
    refused(tmp_path, "[[rules]]\nname = 'x'\nkind = 'sales'\nreason = 'promo'\n"
                      "classes = ['talk_invite']\nweights = [2]\naddress = ['talk_seller']\n", "address")


# ads that neither invite the reader nor speak for the seller in words the
# classes know: the block is screened by any class that offers, and the talk
# goes by its offers and by sharing nothing with the article
UNADDRESSED = [
    "进口冷冻牛排整箱特价，每块独立包装，解冻即煎，坏一赔二，顺丰冷链次日到家。",
    "手工羊毛地毯现货清仓，纯手工编织，十年不变形，尺寸可定做，量大从优，全国包邮到家。",
]


@pytest.mark.parametrize("ad", UNADDRESSED)
def test_an_ad_that_addresses_no_one_goes_by_its_offers(ad):
    kept, removed = clean(ad)
    assert kept == [] and removed == [("sales_para", ad)]


def test_talk_foreign_to_the_article_counts_as_evidence():
    # two classes of marks (a price, a gift), no address, its register not
    # consulted: sharing nothing with the article, it is an ad; sharing words, not
    rule = next(r for r in load_rules().rules if r.kind == "sales")
    params = dict(rule.params, register_weight=0)
    ad = "竹编果篮每只八十八元，两只包邮，三只九折，五只再送杯垫。"
    found = english.marks(rule.compiled["marks"], ad, unquoted=True)

    def judged(shared):
        return salestalk.talk_start(ad, sentence_bounds(ad), found, params["weights"], rule.compiled["address"],
                                    params, rule.compiled["unless"], lambda start, walked: shared)

    assert judged(0) == (0, 0)
    assert judged(5) is None


def test_the_opening_of_an_ad_glued_to_a_paragraph_goes_with_it_when_foreign():
    # the ad's first sentence holds one class only; sharing nothing with the
    # article, it is the ad's opening, not the host's
    ad = "新疆阿克苏冰糖心苹果，果园现摘现发，坏果包赔。新客首单第二箱半价，每天限量五十箱。"
    kept, removed = clean(ZH2 + ad)
    assert kept == [ZH2] and removed == [("sales_tail", ad)]


def test_an_ad_glued_to_an_english_paragraph_opens_at_the_change_of_script():
    host = "The observatory opens its roof to families on the first Saturday of every month."
    ad = "新疆阿克苏冰糖心苹果，果园现摘现发，坏果包赔。新客首单第二箱半价，每天限量五十箱。"
    kept, removed = clean(host + ad)
    assert kept == [host] and removed == [("sales_tail", ad)]


@pytest.mark.parametrize("text", [
    # a price stated as an attribute is reported, whatever else the sentence offers
    "这款手机的起售价为三千九百九十九元，十二月一日起正式开售，首批购买还送一年碎屏险。",
    "这台扫地机器人售价两千九百九十九元，续航两个半小时，支持自动集尘，首发期间赠送一套滤网。",
    # prose binds its words: foreign to the article, it is still not an ad
    "月嫂行业缺口很大，持证上岗的月嫂月薪普遍在一万元以上。",
    "厂家直销的模式省去了中间环节，但也让售后服务变得更难保障。",
    "景区门票成人六十元，学生半价，七十岁以上老人免票，每天限流八千人，需提前一天在线预约。",
    # a how-to's condition is no price (只要 without a figure)
    "小番茄、生菜和薄荷都适合新手，只要保证每天四小时以上的日照，浇水见干见湿即可。",
])
def test_foreign_reports_of_prices_and_offers_stay(text):
    assert clean(text) == ([text], [])


def test_a_sales_rules_screen_must_name_some_of_its_classes(tmp_path):
    refused(tmp_path, "[vars]\nx = 'a'\ny = 'b'\n[[rules]]\nname = 'x'\nkind = 'sales'\nreason = 'promo'\n"
                      "classes = ['x']\nweights = [2]\naddress = ['x']\nscreen = ['y']\n", "screen")
