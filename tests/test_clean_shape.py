"""Ads pasted into a sentence with no mark any list knows, found by their shape
(crawler/cleaning/adshape.py, a model learned from labelled text) and a second
signal that does not depend on what they say: the host's word they split, or
their sharing nothing with the article. Cut to the character; a sentence that
tells of a trade in its own words stays."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.cleaning import Cleaner, adshape, load_rules, spans
from crawler.testing import adshape_build
from tests.support.cleaning import one, paragraphs


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner(load_rules())


# (host, where the ad goes, the ad, the signal): in a word of the host (沙|地), or
# glued inside a clause of an article that shares no word with it
PASTED = [
    ("老林场的苗圃今年育出了两万株樟子松幼苗，开春就要移栽到沙地上去。", "沙", "驾校报名科目二陪练", "shape_seam"),
    ("邮递员骑着摩托车翻过三座山梁，才能把报纸送到最远的那个村子。", "摩托", "纹眉绣眉修复专业店", "shape_seam"),
    ("灯塔看守人每晚要爬一百多级台阶去检查灯器，台风天更是整夜守在塔顶。", "检查灯", "专业疏通下水道马桶", "shape_stray"),
    # glued to the host at one side, its clause's comma at the other
    ("暴雪过后，护林员踩着齐膝深的积雪巡山，检查每一处防火瞭望塔的设备。", "巡山", "月嫂育儿嫂持证上岗", "shape_edge"),
    ("考古队在河滩上发现了一处新石器时代的灶坑，里面还残留着烧焦的谷粒。", "灶坑", "茶叶礼盒批发走量价", "shape_edge"),
    # an ad of several clauses, longer than one clause may be
    ("她说，每一块碎片都可能藏着古人生活的线索。", "碎", "婚恋交友平台海量优质单身，注册即可免费匹配", "shape_seam"),
]


@pytest.mark.parametrize("host, at, ad, signal", PASTED)
def test_an_ad_pasted_into_a_sentence_goes_to_the_character(cleaner, host, at, ad, signal):
    cut = host.index(at) + len(at)
    text, removed = one(cleaner, host[:cut] + ad + host[cut:])
    assert text == host
    assert [(r["reason"], r["signal"], r["text"]) for r in removed] == [("promo", signal, ad)]


@pytest.mark.parametrize("text", [
    # a shop, a seller, a trade told of in the sentence's own words
    "这家老字号裁缝铺至今还在做量体裁衣的西装，一套要等一个多月。",
    "她说，婚车车队的头车一般要提前半年预订，旺季还得加钱。",
    "警方查明，该团伙以高价回收烟酒为名收购假酒，再转手卖给小卖部。",
    "民警提醒，收购废旧电缆须查验来源，切勿贪图便宜收赃。",
    "测评中，这款吸顶灯的亮度和显色指数都排在前三，安装也不费事。",
    "不到十平方米的修表铺里，老师傅一修就是四十年，换一块电池收十块钱。",
    "即日起，年满六十五周岁的老人凭老年卡可享公交免费乘车，每月不限次数。",
    # the host's grammar goes on across a span of trade (给…了): no word of it split
    "总之是给物流配送提供了有力的条件，这些地区是可以实现网购的。",
    # a word the host makes across it by chance (场|…|上), in a sentence about trade
    "今年春节前，不少商场推出以旧换新活动，家电销量明显上升。",
    # the host's own phrase, after its modal and led by its coverb
    "社区助餐点开张后，六十岁以上的老人可以按优惠价格就餐。",
    # a clause of the host's, ended by its comma and held by its adverb (还)
    "对于行动不便的老人，食堂还提供送餐上门服务，由社区志愿者负责配送。",
    "他从部队退伍后学了跆拳道，如今在少年宫教孩子们基本功。",
    # the noun phrase a demonstrative and its classifier take (这台…)
    "这台扫地机器人售价两千元，续航两个半小时，首发期间赠送一套滤网。",
    # a promotion the news tells of, its clauses the host's: its adverb (就) binds them
    "镇上新开的健身房推出了年卡，前一百名会员送私教课两节，开业当天就排起了长队。",
    "去年冬天，街口那家理发店贴出告示，老人理发半价，学生凭证八折，引来不少街坊。",
    "超市门口的海报写着鸡蛋特价，每斤四块五，限购两斤，大爷大妈们早早就来排队。",
    "他回忆说，那时镇上唯一的照相馆可以拍证件照，一寸照两毛钱，三天后取。",
    "她翻出当年的报纸，上面印着招工启事，包吃包住，月薪八十元，如今读来恍如隔世。",
])

def test_a_sentence_about_a_trade_stays(cleaner, text):
    assert one(cleaner, text) == (text, [])


@pytest.mark.parametrize("text, at, edge", [
    # 一白 and 山猫 make words only read alone: 第一|白蚁, 小山|猫狗 are breaks
    ("第一白蚁防治", 2, True),
    ("小山猫狗洗牙", 2, True),
    # 身份证 is a word however the sentence is read
    ("凭身份证乘车", 3, False),
])
def test_an_edge_splits_a_word_only_when_every_reading_does(text, at, edge):
    assert (at in adshape.word_edges(text, 0, len(text), spans.lexicon())) is edge


def test_a_span_the_article_speaks_of_elsewhere_is_its_topic(cleaner):
    # glued inside a clause, but the article speaks of pianos and their tuning
    topic = "这位调音师说，钢琴回收的行情这几年变化很大。"
    text = "社区合唱团的成员每周二下午都在活动室里排练，二手钢琴回收价高大家都知道。"
    result = cleaner.clean_blocks(paragraphs(topic, text))
    assert not [r for r in result.removed if r["signal"].startswith("shape")]


def test_a_clause_after_full_width_punctuation_is_not_glued_to_a_word(cleaner):
    # the host's full-width bar before it (｜本文…): a clause of its own, whatever else judges it
    head = "来源：综合整理｜编辑：王晓｜本文仅代表作者观点，不代表本平台立场。"
    body = "社区合唱团的成员每周二下午都在活动室里排练，一唱就是一整个下午。"
    result = cleaner.clean_blocks(paragraphs(head, body))
    assert not [r for r in result.removed if r["signal"].startswith("shape")]


def test_an_ad_glued_unterminated_at_a_paragraphs_end_goes(cleaner):
    host = "入秋以后，草原上的牧民开始打草储草，一捆捆草垛在夕阳下像一座座小山。"
    text, removed = one(cleaner, host + "纹眉绣眉修复专业店")
    assert text == host
    assert [r["signal"] for r in removed] == ["shape_tail"]


def test_the_model_file_is_what_its_script_builds():
    rows = adshape_build.build()
    model = adshape.model()
    assert len(rows) == len(model.chars) + len(model.pairs)
    for key, score in rows:
        table = model.chars if len(key) == 1 else model.pairs
        assert table[key] == pytest.approx(score, abs=0.006)


# (host, where the ad goes, the ad): a cut whose edge split a word of the ad (退|款,
# 品 of 正品, 取|货) is widened over the rest of it, to the host's own seam
WIDENED = [
    ("镇上的小学新建了一间陶艺教室，孩子们第一次摸到陶土时都很兴奋。", "第一次", "正品化妆品代购全网最低"),
    # the ad's head or tail a cut left at a seam (宴会场地出租|含布置), where the host's
    # characters either side make a word once the whole ad goes (晾|…|晒, 提|…|前), none
    # across the cut as it is, the piece leaning to trade and shared with nothing else
    ("老船工每天傍晚都要把渔网晾晒在堤岸上，等第二天一早再收。", "晾", "宴会场地出租含布置"),
    ("每年端午，村里的龙舟队都要提前一个月下水训练。", "提", "小微企业代理记账每月两百起"),
    ("暴雨过后，志愿者们连夜把河堤上的沙袋重新垒了一遍。", "连", "宴会场地出租含布置"),
    ("渔民们把新打的鱼晾晒在礁石上。", "晾", "小微企业代理记账每月两百起"),
]


@pytest.mark.parametrize("host, at, ad", WIDENED)
def test_a_cut_is_widened_over_the_word_of_the_ad_its_edge_split(cleaner, host, at, ad):
    cut = host.index(at) + len(at)
    text, removed = one(cleaner, host[:cut] + ad + host[cut:])
    assert text == host
    assert "".join(r["text"] for r in removed) == ad


@pytest.mark.parametrize("text, cut, want", [
    # the edge splits 退款 of the ad: widened over 款, not over the host's 孩子
    ("老师说无效全额退款孩子们都笑了。", "无效全额退", "无效全额退款"),
    # an exact cut stays as it is: the host's words either side make no word of three across it
    ("护鸟员老杨每年冬天都要数清楚来过冬的地暖清洗除垢一次见效天鹅有多少只。", "除垢一次见效", "除垢一次见效"),
    ("老林场的苗圃今年育出了两万株樟子松幼苗。", "两万株", "两万株"),
])
def test_widen_takes_only_what_the_ad_left_at_its_seam(text, cut, want):
    start = text.index(cut)
    lo, hi = 0, len(text)
    a, b = adshape.widen(text, start, start + len(cut), lo, hi, spans.lexicon())
    assert text[a:b] == want


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(min_value=-4.5, max_value=3.0, allow_nan=False), max_size=40))
def test_no_stretch_inside_a_segment_sums_above_it(scores):
    # what lets ``cuts`` leave a segment short of min_score unjudged: a placement lies inside it
    for total, s, e in adshape.segments(scores):
        assert all(sum(scores[a:b]) <= total + adshape._ROUNDING for a in range(s, e) for b in range(a + 1, e + 1))


def test_a_piece_the_article_shares_or_a_chance_seam_stays():
    words = spans.lexicon()
    text = "老船工每天傍晚都要把渔网晾宴会场地出租含布置晒在堤岸上。"
    start = text.index("宴会")
    end = start + len("宴会场地出租")
    # the host makes 晾晒 once the whole ad goes: the tail 含布置 goes with the cut
    a, b = adshape.widen(text, start, end, 0, len(text), words, lambda: text)
    assert text[a:b] == "宴会场地出租含布置"
    # the article speaks of 布置 elsewhere: the piece is its own, not the ad's
    a, b = adshape.widen(text, start, end, 0, len(text), words, lambda: text + "\n礼堂的布置花了三天。")
    assert text[a:b] == "宴会场地出租"
    # 地|…|有 makes a word by chance (地, 得, numerals and demonstratives make one with most characters)
    text = "护鸟员老杨每年冬天都要数清楚来过冬的地暖清洗除垢一次见效天鹅有多少只。"
    start = text.index("除垢")
    a, b = adshape.widen(text, start, start + len("除垢一次见效"), 0, len(text), words, lambda: text)
    assert text[a:b] == "除垢一次见效"


def test_an_ad_of_two_clauses_glued_inside_a_clause_goes(cleaner):
    host = "老船长在岛上守了整整一个冬天，靠无线电和家人联络。"
    ad = "宝宝胎毛笔手足印定制，满月宴前到货"
    cut = host.index("整整") + 2
    text, removed = one(cleaner, host[:cut] + ad + host[cut:])
    assert text == host
    assert [(r["signal"], r["text"]) for r in removed] == [("shape_stray", ad)]
