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


# -- bare runs (rule bare-term-run, signal term_run): nothing asks, no core is
# shared, no label; the shape alone: five short items or more parted by one
# mark that parts no clause, sharing nothing with the article

@pytest.mark.parametrize("run", [
    "陶艺体验 ✧ 木工课 ✧ 皮具手作 ✧ 银饰定制 ✧ 扎染 ✧ 香薰蜡烛",
    "〖房屋托管〗〖短租公寓〗〖家具回收〗〖保洁开荒〗〖钥匙托管〗",
    "①代驾②跑腿③陪诊④代排队⑤宠物喂养",
    "豆浆机   破壁机   酸奶机   面包机   空气炸锅",  # spaces alone, however many
    "紙箱訂做・氣泡膜・打包帶・快遞袋・標籤印刷",  # traditional characters
    "surf lessons ⋆ board hire ⋆ wetsuit rental ⋆ beach yoga ⋆ kite school",
])
def test_a_bare_run_as_a_line_of_its_own_goes(run):
    around = (EN2,) if run.isascii() or run[0].isascii() else (ZH,)
    kept, removed = clean(run, around=around, after=around)
    assert kept == []
    assert removed == [("term_run", run)]


def test_a_bare_run_pasted_inside_a_sentence_leaves_the_host_every_character():
    # its edge items are glued to the host's words (where the host ends is unknown): they stay;
    # a run that ends inside a sentence began inside it, so its first item stays too
    host = "孩子们放学后在这里{}写作业，周末也会来。"
    kept, removed = clean(host.format("陶艺体验 ✧ 木工课 ✧ 皮具手作 ✧ 银饰定制 ✧ 扎染 ✧ 香薰蜡烛"))
    assert kept == [host.format("陶艺体验香薰蜡烛")]
    assert removed == [("term_run", " ✧ 木工课 ✧ 皮具手作 ✧ 银饰定制 ✧ 扎染 ✧ ")]
    glued = "孩子们放学后在这里✧木工课✧皮具手作✧银饰定制✧扎染✧香薰蜡烛写作业，周末也会来。"
    kept, removed = clean(glued)
    assert kept == ["孩子们放学后在这里香薰蜡烛写作业，周末也会来。"]
    assert removed == [("term_run", "✧木工课✧皮具手作✧银饰定制✧扎染✧")]


def test_a_bare_run_after_an_english_sentence_leaves_its_full_stop():
    run = "陶艺体验 ✧ 木工课 ✧ 皮具手作 ✧ 银饰定制 ✧ 扎染 ✧ 香薰蜡烛"
    kept, removed = clean(EN2 + run, around=(EN2,), after=(EN2,))
    assert kept == [EN2]
    assert removed == [("term_run", run)]


@pytest.mark.parametrize("text", [
    "食材：排骨 ◆ 玉米 ◆ 胡萝卜 ◆ 姜片 ◆ 葱段",  # under a label: the host names what it lists
    "主演：张译 / 吴京 / 殷桃 / 王景春 / 黄渤",
    "床前明月光 疑是地上霜 举头望明月 低头思故乡 白日依山尽",  # lines of one length: a poem
    "首页 > 新闻中心 > 行业动态 > 正文",  # four items
    "他去过北京、上海、广州、深圳、哈尔滨、乌鲁木齐。",  # a clause's marks: prose's enumeration
    "家政保洁，保姆，月嫂，护工，钟点工，开荒保洁，擦玻璃",  # (a clause's marks: not read bare)
    "外观简洁，做工扎实，续航持久，拍照清晰，系统流畅，价格实惠。",
    "记者 张伟 李娜 王芳 刘洋 陈静",  # people: a byline, a team, a cast (two items in three names)
    "颜骏凌 / 張琳芃 / 朱辰杰 / 蒋光太 / 吴曦 / 武磊",
    "周一 ✦ 周三 ✦ 周五 ✦ 周六 ✦ 周日",  # a series told by its numerals
])
def test_bare_lists_of_the_hosts_kinds_stay(text):
    kept, removed = clean(text)
    assert kept == [text]
    assert removed == []


def test_a_bare_run_sharing_the_articles_subject_stays_and_goes_without_it():
    # a post's own tags: its words are the article's
    tags = "陶艺体验 ✧ 木工课 ✧ 皮具手作 ✧ 银饰定制 ✧ 扎染 ✧ 香薰蜡烛"
    story = "周末的市集上，扎染摊位前排起了长队，一位老师手把手教孩子们给布料打结上色。"
    kept, removed = clean(tags, around=(story,), after=(ZH,))
    assert kept == [tags]
    assert removed == []
