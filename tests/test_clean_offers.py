"""Offers of rules/60-offers.toml (crawler/cleaning/offers.py): short ads of
trades no list holds, pasted inside a sentence or as a line of their own,
found by the marks of an offer; and what must stay (news with prices, shops,
job notices, quoted slogans, headings, an article's own prompt)."""

import pytest

from tests.support.cleaning import ZH, among, full, refused

CLEANER = full()
ZH2 = "天文台的开放日吸引了许多家庭，工作人员带大家观察太阳黑子。"


def clean(*texts):
    return among(CLEANER, texts, (ZH,), (ZH2, ZH))


@pytest.mark.parametrize("host, ad", [
    # a word of the host split by the paste (专业除甲醛… between 古 and 籍)
    ("图书馆的古{}籍修复室里，修复师正用毛笔蘸着浆糊。", "专业除甲醛不达标不收费"),
    # between two words of the host: the offer goes with the trade named before it
    ("这座山村的村民在{}梯田里种了水稻，秋天一片金黄。", "土鸡蛋现货直发，坏一赔二"),
    ("社区把{}一块闲置空地改成了口袋公园，铺了步道。", "宠物寄养包接送，节假日不加价"),
    # a word of the host split by the paste farther back than the offer's trade name
    ("图书馆的修复师正用毛{}笔蘸着浆糊，把书页托裱平整。", "宠物寄养包接送，节假日不加价"),
    # 地 of the host's 地方 opens a word: no particle binding the span as the host's phrase
    ("几位老人拉着二胡唱起了{}地方戏，引来不少路人驻足。", "特价名表三折起"),
])
def test_an_offer_pasted_inside_a_sentence_goes(host, ad):
    kept, removed = clean(host.format(ad))
    assert kept == [host.format("")]
    assert removed == [("offer_span", ad)]


@pytest.mark.parametrize("host, ad", [
    # one strong mark (包教包会, 上门回收), glued inside a clause of a sentence that says nothing of trade
    ("山区的孩子上学要走一个多小时的{}山路，家长们每天都要接送。", "考证培训包教包会"),
    ("老木匠开始修补{}谷仓的门板，一锤一钉都不马虎。", "二手钢琴上门回收"),
])
def test_an_offer_of_one_strong_mark_glued_into_a_sentence_about_something_else_goes(host, ad):
    kept, removed = clean(host.format(ad))
    assert kept == [host.format("")]
    assert removed == [("offer_span", ad)]


@pytest.mark.parametrize("text", [
    # one strong mark in a sentence about trade: a shop, its buyers, its event
    "今年春节前，不少商场推出以旧换新活动，家电销量明显上升。",
    "二手书店老板说，店里的旧书低价出售，很多大学生周末专程来淘书。",
    # too short to name a trade, and bound by the host's 的
    "这个冬天，他报名参加了厨师培训，包学包会的承诺让他心里踏实。",
])
def test_one_strong_mark_in_a_sentence_about_trade_stays(text):
    assert clean(text) == ([text], [])


@pytest.mark.parametrize("text", [
    # the span would be what the host's 的 qualifies, or hold its narrative words
    "社区食堂的午餐套餐十二元，两荤一素，老人还能再打九折。",
    # a slogan quoted, not an offer made
    "培训学校的招生简章上写着“包学包会”，但合同里并没有相关条款。",
])
def test_prices_and_offers_of_the_host_stay(text):
    assert clean(text) == ([text], [])


@pytest.mark.parametrize("line", [
    "全屋定制衣柜每平米599元起", "瓷砖清仓五折处理数量有限", "成人英语速成班报名送教材",
    "外卖代运营提升销量效果看得见",  # one strong mark: a telegraphic line (no function word)
])
def test_an_offer_as_a_line_of_its_own_goes(line):
    kept, removed = clean(line)
    assert kept == []
    assert removed == [("offer_line", line)]


@pytest.mark.parametrize("text", [
    "新店开业当天推出买一送一活动，门口排起了长队。",
    "招聘启事显示，该公司招聘普工若干名，月薪五千至七千元，包吃住。",
    "商场门口挂着“全场五折，仅限今天”的横幅，但店员说只限部分商品。",
    "这家驾校打出了“包教包会”的广告，却被学员投诉收费不透明。",
    "图书馆的自助借还机可以免押金办卡，全程只需两分钟，详情可咨询一楼服务台。",
    "报名请联系社区工作人员，微信：sq_2024，名额有限，额满即止。",
    "这款扫地机器人售价1999元，实测续航约两个小时，对宠物毛发的清理效果不错。",
    # headings: an enumerator, or words shared with the paragraph they introduce
    "一、价格与售后",
    "上门维修的三个坑",
])
def test_news_notices_and_headings_stay(text):
    assert clean(text) == ([text], [])


@pytest.mark.parametrize("line", [
    # what the offer pledges, with no trade word any list holds: a gift for an act of the
    # reader, a qualification waived, anyone qualifying, service round the clock, a hook
    # (a function word inside a mark is the offer's own: 关注就领, 全天在线, 也能办)
    "网课代刷学时，关注就领电子书，全天在线",
    "不看学历也能办理，当天拿证",
    "新人下载APP即领十元券，认准蓝鲸优选",
])
def test_a_line_of_pledges_of_any_trade_goes(line):
    kept, removed = clean(line)
    assert kept == []
    assert [signal for signal, _ in removed] == ["offer_line"]


@pytest.mark.parametrize("text", [
    "市场监管部门提醒，所谓“无视征信、当天放款”的网贷广告多为陷阱。",
    "图书馆的24小时在线客服可以解答读者的借阅问题。",
    "押金问题解决以后，用户无需押金就可以扫码骑行。",
    "还在为孩子的作业发愁？不少家长开始求助社区的免费辅导班。",
    "认准绿色食品标志，是老人们在菜市场挑菜的一个小窍门。",
])
def test_pledges_in_news_and_notices_stay(text):
    assert clean(text) == ([text], [])


def test_a_line_saying_again_the_offer_of_the_paragraph_before_it_stays():
    own = "如果对这门课程感兴趣，也欢迎添加我的好友，报名学习。"
    prompt = "👇️添加微信好友报名学习👇️"
    assert clean(own, prompt) == ([own, prompt], [])


def test_a_line_that_heads_the_paragraph_after_it_stays():
    heading = "花卉绿植租摆包养护"
    body = "花卉绿植的租摆在写字楼里越来越常见，包养护的合同一般一年一签。"
    assert clean(heading, body) == ([heading, body], [])


@pytest.mark.parametrize("body, message", [
    ('place = "middle"\ngroups = ["sales_strong"]', "'place' must be one of"),
    ('groups = ["sales_strong"]\nshapes = ["offer_price"]\nshape_weights = [2, 3]', "'shapes' must name vars"),
    ('groups = ["sales_strong"]\nshapes = ["no_such_var"]', "no_such_var"),
])
def test_an_offer_rule_with_a_mistake_is_refused(tmp_path, body, message):
    refused(tmp_path, f'[[rules]]\nname = "my-offer"\nkind = "offer"\nreason = "promo"\n{body}\n', message)


def test_an_offer_glued_to_the_end_of_a_paragraph_goes():
    host = "入秋以后，草原上的牧民开始打草储草。一捆捆草垛在夕阳下像一座座小山。"
    kept, removed = clean(host + "化粪池清掏抽污，全城半小时到")
    assert kept == [host]
    assert removed == [("offer_tail", "化粪池清掏抽污，全城半小时到")]


@pytest.mark.parametrize("text", [
    # an unterminated last sentence without offer marks, or sharing the paragraph's words
    "老街的改造去年秋天完工。改造后的老街",
    "社区食堂去年开张，午餐套餐很受欢迎。社区食堂午餐套餐每份十二元",
])
def test_an_unterminated_last_sentence_of_the_host_stays(text):
    assert clean(text) == ([text], [])


@pytest.mark.parametrize("text", [
    # a table of figures the article reports: three sums or more joined by list punctuation alone
    "新方案实施后，一类、二类、三类地区的供暖费依次为每平方米18元、21元、24元。",
    "本届论坛的注册、食宿和交通分别收取600元、900元和450元，由主办方统一开具发票。",
    # a sum right after the charge it is, or the verb charging it
    "申请人须随材料附上工本费40元后，再到窗口领取受理回执。",
    "新建的立体车库白天每小时收4元，夜里每两小时收3元，全天最多收30元。",
    # two marks bound by the host's 的 into one phrase
    "这间铺面每年32000元的租赁收入，是老两口主要的生活来源。",
])
def test_figures_an_article_reports_stay(text):
    assert clean(text) == ([text], [])


def test_a_word_of_trade_the_article_says_in_different_contexts_is_its_subject():
    notice = ["本院今年继续面向港澳台地区招生，招生名额另行公布。",
              "各地招生考试机构负责受理报名，并于五月底前汇总。",
              "报名材料请寄至北京海淀区学院路十号，美术学院研究生部招生办公室。"]
    assert clean(*notice) == (notice, [])
    # the same word pasted into an article about something else goes
    kept, removed = clean("老林场的苗圃今年育出了两万株幼苗，开春就要移{}栽到沙地上去。".format("书法培训暑期火热招生"))
    assert removed and removed[0][0] == "offer_span"


def test_a_paste_is_cut_from_its_trade_name_not_from_the_host_before_a_particle():
    host = "大桥合龙那天，工地上的工人们放下{}手里的活，望着两端的钢梁对接。"
    kept, removed = clean(host.format("婚车车队租赁头车奔驰"))
    assert removed and removed[0][1].startswith("婚车")
    assert kept[0].startswith("大桥合龙那天，工地上的工人们放下")
