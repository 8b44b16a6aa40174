"""Keyword stuffing of rules/27-stuffing.toml (crawler/cleaning/stuffing.py):
runs of search terms that vary one core, joined by any separator or none,
under a label or none, as a line, at a paragraph's end or pasted inside a
sentence; cut whole, never with a character of the host at a seam. And what
must stay: enumerations bound by the host's grammar, lists of numbered
things, parallel clauses, lists of names with a shared part."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.cleaning import stuffing
from crawler.cleaning.textops import fold
from tests.support.cleaning import ZH, among, full, refused

CLEANER = full()
ZH2 = "天文台的开放日吸引了许多家庭，工作人员带大家观察太阳黑子。"
EN2 = "The orchard keeps forty old apple varieties, and the volunteers graft new trees from them every March."


def clean(*texts, around=(ZH,), after=(ZH2, ZH)):
    return among(CLEANER, texts, around, after)


@pytest.mark.parametrize("host, run", [
    # pasted inside a sentence: every separator, or none (the folded view drops the symbols between ideographs)
    ("图书馆的古{}籍修复室里，修复师正用毛笔蘸着浆糊。", "上海装修公司|上海装修公司哪家好|上海装修公司排名|上海装修公司电话"),
    ("这座山村的村民在{}梯田里种了水稻，秋天一片金黄。", "北京搬家 北京搬家公司 北京搬家价格 北京搬家多少钱"),
    ("社区把{}一块闲置空地改成了口袋公园，铺了步道。", "律师咨询/免费律师咨询/离婚律师/离婚律师咨询"),
    ("几位老人拉着二胡唱起了{}地方戏，引来不少路人驻足。", "宠物医院·宠物医院24小时·附近宠物医院·宠物医院排名"),
    # a label and its colon go with the run
    ("孩子们放学后在这里{}写作业，周末也会来。", "热门标签：钢结构|钢结构厂房|钢结构价格|钢结构公司|钢结构价格"),
])
def test_a_run_pasted_inside_a_sentence_goes_and_the_host_keeps_every_character(host, run):
    kept, removed = clean(host.format(run))
    assert kept == [host.format("")]
    assert [signal for signal, _ in removed] == ["keyword_run"]
    assert removed[0][1] == run


@pytest.mark.parametrize("run", [
    "空调维修空调维修电话空调维修上门空调加氟多少钱",  # glued, no separator at all
    "相关搜索：婚纱摄影，婚纱摄影工作室，婚纱照价格，婚纱摄影哪家好，婚纱照多少钱",
    "减肥药、减肥药排行榜、减肥药哪个好、最有效的减肥药、减肥药副作用",
    "美国签证；美国签证办理；美国签证材料；美国签证面试",
    "防水补漏丨防水补漏公司丨卫生间防水补漏丨屋顶防水补漏价格",
])
def test_a_run_as_a_line_of_its_own_goes(run):
    kept, removed = clean(run)
    assert kept == []
    assert removed == [("keyword_run", run)]


def test_a_last_item_glued_to_the_host_with_a_tail_no_other_item_has_leaves_it_not_the_hosts_characters():
    # (where 公司 ends and the host's 写作业 starts is not known: the tail stays, the host is whole)
    host = "孩子们放学后在这里{}写作业，周末也会来。"
    kept, removed = clean(host.format("钢结构|钢结构厂房|钢结构价格|钢结构设计|钢结构公司"))
    assert kept == [host.format("公司")]
    assert removed == [("keyword_run", "钢结构|钢结构厂房|钢结构价格|钢结构设计|钢结构")]


def test_a_run_glued_to_a_paragraphs_end_goes_from_its_first_item():
    paragraph = "河道整治完成后，岸边种上了芦苇和菖蒲，几年不见的白鹭又飞了回来。"
    run = "月子中心|月子会所|月子中心价格|月子中心排名|月子中心哪家好"
    kept, removed = clean(paragraph + run)
    assert kept == [paragraph]
    assert removed == [("keyword_run", run)]


@pytest.mark.parametrize("host, run", [
    ("The bridge opened in 1932 and{} still carries the morning trams.",
     " cheap flights | cheap flights to london | last minute cheap flights | cheap flights online"),
    ("The bridge opened in 1932 and{} still carries the morning trams.",
     " crypto wallet/crypto exchange/crypto wallet app/best crypto exchange"),
])
def test_an_english_run_pasted_inside_a_sentence_goes(host, run):
    kept, removed = clean(host.format(run), around=(EN2,), after=(EN2,))
    assert kept == [host.format("")]
    assert [signal for signal, _ in removed] == ["keyword_run"]


@pytest.mark.parametrize("text", [
    # an enumeration the host's grammar introduces, continues or sums up
    "这家工厂的主要产品包括钢材、水泥、玻璃、铝合金门窗和防水材料，产品远销东南亚多个国家。",
    "北京大学、北京师范大学、北京理工大学等高校的学者参加了此次研讨会。",
    "华为Mate 60、华为Mate 60 Pro、华为Mate 60 Pro+三款手机的屏幕尺寸各不相同。",
    "本次评测的机型包括iPhone 15、iPhone 15 Plus、iPhone 15 Pro和iPhone 15 Pro Max，四款机型均为国行版本。",
    "服务内容包括医疗服务、舒适照护、康复服务，由社区卫生服务中心提供。",
    # numbered things
    "地铁一号线、二号线、三号线和五号线在这里换乘，早高峰的客流量非常大。",
    "目录：第一章 绪论 第二章 文献综述 第三章 研究方法 第四章 结果与讨论 第五章 结论",
    # parallel clauses and lists sharing a category word: prose
    "要大力弘扬企业家精神，依法保护企业家合法权益，快速回应企业家合理诉求，着力彰显企业家时代风采。",
    "定力务必要强、魄力务必要大、发力务必要准、活力务必要足。",
    "主要风险是利率风险、汇率风险、融资财务风险和政策风险。",
    "学校图书馆、学校食堂、学校体育馆将于暑假期间进行维修，开学前恢复开放。",
    "红烧肉、红烧排骨、红烧鱼块都是这家小馆的招牌菜，红烧的做法大同小异，关键在于火候。",
    # an abstract's keywords, an editor's tags: no term varied
    "关键词：城市更新；老旧小区；社区治理；居民参与",
    "标签：旅行｜摄影｜川西｜自驾",
    "The lineup includes the iPhone 15, iPhone 15 Plus, iPhone 15 Pro and iPhone 15 Pro Max, all with USB-C.",
    "Breakfast: eggs, toast, eggs and toast, coffee, tea.",
])
def test_lists_of_the_host_stay(text):
    assert clean(text) == ([text], [])


def test_the_screen_rules_out_prose_and_lets_every_run_through():
    prose = [fold(t)[0] for t in (ZH, ZH2, "这座小镇的图书馆建于上世纪八十年代，几经翻修，如今每天接待上百位读者。")]
    assert stuffing.candidates(prose, [False] * len(prose)) == set()
    for run in ("空调维修空调维修电话空调维修上门", "婚纱摄影，婚纱摄影工作室，婚纱照价格，婚纱摄影哪家好",
                "北京搬家,北京搬家公司,北京搬家价格", ZH + "苏州保洁苏州保洁公司苏州开荒保洁"):
        view, origin = fold(run)
        assert stuffing.candidates([ZH, view], [False, origin is not None]) == {1}


def test_a_stuffing_rule_needs_runs_of_three_items_at_least(tmp_path):
    refused(tmp_path, """
[[rules]]
name = "tiny-runs"
kind = "stuffing"
reason = "promo"
min_items = 2
""", "3 items or more")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["上海", "装修", "公司", "哪家好", "海", "、", "，", "。", " ", "ab", "\n"]), max_size=30),
       st.integers(3, 16), st.integers(2, 4))
def test_a_block_without_a_recurring_pair_holds_no_chain_of_one(pieces, max_gap, need):
    # what lets ``cuts`` skip the walk over the pairs of a block's stretches
    text = "".join(pieces)
    if stuffing._cjk_cores(text, max_gap, need):
        assert stuffing._recurring(max_gap, need).search(text) is not None
