"""Lists of search terms that share no core (rules/27-stuffing.toml, rule
term-list, crawler/cleaning/termlist.py, signal term_list): distinct queries,
long-tail questions, hashtags, terms with their pinyin, as a line, at a
paragraph's end or pasted in a sentence, cut without a character of the host.
And what must stay: lists with nothing that asks, a writer's questions, a
list the host counts or introduces, a single hashtag topic."""

import pytest

from tests.support.cleaning import ZH, among, full

CLEANER = full()
ZH2 = "天文台的开放日吸引了许多家庭，工作人员带大家观察太阳黑子。"
EN2 = "The orchard keeps forty old apple varieties, and the volunteers graft new trees from them every March."


def clean(*texts, around=(ZH,), after=(ZH2, ZH)):
    return among(CLEANER, texts, around, after)


@pytest.mark.parametrize("run", [
    "成都租车哪家好 / 重庆民宿推荐 / 贵阳到凯里怎么坐车 / 昆明花市攻略 / 大理住哪里方便",
    "#高考志愿填报# #高考分数线# #志愿填报技巧# #专业选择怎么选#",
    "热搜：家用跑步机哪款好 电动自行车推荐 智能门锁值得买吗 净水器怎么选",
    "【相关搜索】吉他入门教程【相关搜索】尤克里里多少钱【相关搜索】架子鼓培训",
    "葡萄酒哪个牌子好？红酒怎么醒酒？起泡酒价格？威士忌推荐？",
    "瑜伽垫 yujiadian 瑜伽服推荐 yujiafu 瑜伽馆多少钱",
])
def test_a_list_of_search_terms_as_a_line_of_its_own_goes(run):
    kept, removed = clean(run)
    assert kept == []
    assert removed == [("term_list", run)]


def test_an_english_list_of_queries_goes():
    run = "tile repair near me | grout cleaning cost | bathroom remodel price | shower leak fix"
    kept, removed = clean(run, around=(EN2,), after=(EN2,))
    assert kept == []
    assert removed == [("term_list", run)]


def test_a_list_glued_to_a_paragraphs_end_goes_and_the_paragraph_stays():
    run = "婚纱租赁哪家好 / 伴娘服推荐 / 婚鞋怎么挑 / 头纱多少钱"
    kept, removed = clean(ZH2 + run)
    assert kept == [ZH2]
    assert removed == [("term_list", run)]


def test_pasted_inside_a_sentence_the_host_keeps_every_character():
    # the items glued to the host's words at either seam stay (where the host starts is unknown);
    # the last one is cut after its query word
    host = "孩子们放学后在这里{}写作业，周末也会来。"
    kept, removed = clean(host.format("羽毛球拍推荐 / 球鞋哪款好 / 网球培训多少钱 / 跳绳怎么选 / 乒乓球台价格"))
    assert kept == [host.format("羽毛球拍推荐")]
    assert removed == [("term_list", " / 球鞋哪款好 / 网球培训多少钱 / 跳绳怎么选 / 乒乓球台价格")]


@pytest.mark.parametrize("text", [
    "今日菜单：番茄炒蛋 红烧茄子 清炒时蔬 紫菜蛋花汤",  # nothing asks
    "参展品牌：海尔、美的、格力、海信、长虹、方太",
    "关键词：城市更新；老旧小区；社区治理；居民参与",  # a label, nothing asks
    "装修前要想清楚：预算多少？工期多久？找装修公司还是自己找工人？",  # a writer's questions
    "在这篇文章里，我想谈谈三个问题：为什么读书、读什么书、怎么读书。",  # counted by the host
    "#我的家乡# 今天给大家分享一下家乡的早点，一碗豆腐脑配两根油条。",  # one hashtag, then prose
    "这些项目包括：老人助餐怎么办、社区食堂价格、托育点推荐、便民服务电话，由街道统一管理。",  # introduced
    "造价提高、工期延误、产出服务价格下调、投入品价格上涨，都让企业承压。",  # a clause's list, few ask
    "Topics: climate policy, carbon pricing, energy transition",
])
def test_lists_with_nothing_that_asks_or_bound_by_the_host_stay(text):
    kept, removed = clean(text)
    assert kept == [text]
    assert removed == []
