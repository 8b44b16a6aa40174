"""Contacts of any messenger with the clause around them (contact-clause and
contact-label of 30-promo.toml, their vars in 29-contacts.toml): the clause
goes whole, no host character goes with it, and contacts in news, notices and
code stay."""

import pytest

from crawler.cleaning.cleaner import SEAM_REACH
from tests.support.cleaning import ZH, full, kept, nested_repeats, removed
from tests.support.cleaning import before_prose as clean


@pytest.mark.parametrize("ad", [
    "有意者请加薇：lm_8899 备注来意",              # a reader addressed, a homophone label, a note after
    "下单请私信 Telegram @fastship_cn",           # a foreign messenger, an @handle
    "详情咨询扣扣 2208 7766 51",                  # a number grouped any way
    "需要的朋友戳➕V：aq55667",                    # a symbol dressing the label
    "来电咨询：一五八-二二三三-四四五五",            # Chinese numerals, no label
    "VX同号：188 1234 5678",                      # "the same number" after a Latin label
    "速加 ☞ 壹叁玖 捌捌陆陆 伍伍柒柒",               # formal numerals after a pointing hand
    "搜索 Discord：gamepass#7781 进群领福利",      # a Discord tag, a note of joining
    "感兴趣的小伙伴滴滴我 ☞ hx_2046",              # a verb of any register, a pointing hand
])
def test_a_contact_in_a_clause_of_reaching_goes_whole(ad):
    assert kept(clean(ad)) == []  # a line (which a rule of short lines may take first)
    r = clean(f"{ZH}{ad}")  # appended to a paragraph
    assert kept(r) == [ZH]
    assert removed(r) == [("contact_clause", ad)]


def test_the_ads_offer_before_its_clause_goes_with_it():
    ad = "宝妈副业日入三百，感兴趣的➕ v❤：bm6688"
    r = clean(f"{ZH}{ad}")
    assert kept(r) == [ZH] and removed(r) == [("contact_clause", ad)]


@pytest.mark.parametrize("ad", [
    "有意者请加薇：lm_8899",
    "需要的朋友戳➕V：aq55667",
    "详情咨询扣扣 2208 7766 51",
])
def test_pasted_into_a_word_the_clause_goes_from_its_head_only(ad):
    r = clean(f"入秋以后，山里的柿子{ad}陆续成熟。")
    assert kept(r) == ["入秋以后，山里的柿子陆续成熟。"]
    assert removed(r) == [("contact_clause", ad)]


@pytest.mark.parametrize("ad", [
    "企鹅 1 0 2 4 5 5 6 7 8 9，备注资料",          # a digit at a time after a space
    "威信→yx2024haohuo",                          # an arrow for a separator
    "WhatsApp：+852 6123 4567 全天在线",          # a country code, a note after
    "Signal 号：+1 415 555 0199，私聊报价",        # a label with 号 after a space
    "微：lux_jimai（同号）",                       # letters joined by _, a bracketed note
])
def test_a_contact_after_a_label_of_any_script_goes_with_its_note(ad):
    r = clean(f"{ZH}{ad}")
    assert kept(r) == [ZH]
    assert removed(r) == [("contact_shape", ad)]


@pytest.mark.parametrize("ad, signal", [
    ("有事敲我：Ｌ８Ｋ９Ｍ２Ｐ", "contact_clause"),       # a verb no list holds, then 我; capitals and digits
    ("咨询热线 ¹³⁸⁻⁰⁰¹³⁻⁸⁸⁶⁶", "contact_clause"),      # superscript digits, minus signs between
    ("加卫星：qk_5521，备注读者", "contact_clause"),   # a homophone of the messenger
    ("徽信 lao_wang_1688 随时在线", "contact_shape"),  # a label opening its clause, a space, a handle
    ("薇芯号是 k·e·f·u·8·8·6", "channel_label"),  # a handle spelt out with dots, 是 after a homophone of 微信
    ("微信号 h*k*7*7*5*5", "contact_shape"),          # ... with stars
    ("咨询：١٣٩٠٠١١٢٢٣٣", "contact_clause"),          # digits of another script
    ("wei xin：shufa_2288", "contact_shape"),         # the messenger in spaced pinyin
    ("wēi xìn：shufa_2288", "contact_shape"),         # ... with its tone marks
    ("踢我VX：kd-5566-kd", "contact_clause"),          # a verb no list holds, 我, a Latin label, a colon
    ("嘀我 kefu_8866 就行", "contact_clause"),         # a verb no list holds, 我, a space and a handle
    ("cue我 lily.0909 发你样品", "contact_clause"),    # ... a verb in Latin letters
    ("联系电话：〡〣〨 〇〇〡〣 〨〇〇〇", "contact_clause"),  # Hangzhou numerals
    ("薇：ѕһоրрɩ_77 看样品", "contact_shape"),        # a handle of borrowed letters, no ASCII letter
])
def test_a_contact_in_a_notation_of_any_kind_goes_whole(ad, signal):
    r = clean(f"{ZH}{ad}")
    assert kept(r) == [ZH]
    assert removed(r) == [(signal, ad)]


@pytest.mark.parametrize("text", [
    # news: a person's or an account's handle, a leaked or a dead number, a messenger as a subject
    "该账号 @tech_daily 拥有三十万关注者，曾多次发布不实信息。",
    "他的 Instagram 账号 @lina.travel88 记录了三年的旅行。",
    "她的手机号码 138 0013 8000 被泄露后，每天接到十几个推销电话。",
    "截至发稿，记者多次拨打 139 1234 5678 均未接通。",
    "这家面馆开了二十年，老板说想吃的可以提前打 13700001111 订位。",
    "诈骗分子通常会要求受害人添加微信号wxid_abc123进行“一对一指导”，警方提醒切勿轻信。",
    "Signal 和 Telegram 在海外用户中较为流行，两款软件都主打加密通信。",
    # notices: whose contact it is, a public hotline of five digits
    "停电期间如有紧急情况，请拨打供电服务热线 95598。",
    "如需帮助，可以打 1 8 6 0 0 0 0 1 2 3 4 找值班人员。",
    "想报名的家长直接打 138 0013 8000",
    # names in code and software, no contact
    "我们在 GitHub 上搜 fastapi_users 就能找到这个项目。",
    "用户可以在设置中找到 user_id，填写后提交即可。",
    "打开终端，输入 pip install requests_html 即可安装。",
    "找到 config_file 后，把第二行改成 debug_mode。",
    "课程编号：cs_1024，上课地点在三号楼。",
    "型号：RTX4090，学号：20211234，文件：data_2024.csv，用户名：zhang_san。",
    # a code after a verb and 我 or a colon, a name after a run of ideographs and a space
    "老师问我：A12345 这道题怎么做。",
    "如需咨询：ISO9001 认证流程，请到二楼。",
    "项目代号 moon_2024 已于上月启动，首批设备已经运抵现场。",
    "比赛选手 player_007 在决赛中获得冠军。",
    "他在抖音上的账号 lao_wang_1688 有三十万粉丝。",
    "这颗卫星的编号是 tianhe_2024，将在明年发射。",
    # numbers in other notations: a hotline, an exam number, a model; a name spelt out, a formula
    "派出所的值班电话是 ⑧⑧⑥⑥⑤⑤④④，报警请直接拨打110。",
    "请各位同学记住自己的考号 ¹²³⁴⁵⁶⁷⁸，考试时要填写。",
    "网名 k·e·v·i·n 的玩家在论坛里发帖求助。",
    "公式 a*b*c*2 的结果要保留两位小数。",
    # digits of another script in a date, a name in pinyin in a sentence
    "这份阿拉伯文的合同签于 ٢٠٢٤ 年，编号 ١٢٣٤٥٦٧٨٩。",
    "他的英文名 Wei Xin 写在了护照的第一页。",
    # a verb and 我 before a name, Suzhou numerals in a museum piece, a Russian name
    "他笑着说：“你要是找不到路，就叫我 xiaoyu_2008，论坛里都这么叫。”",
    "展柜里的老账本用苏州码子记账，〡〢〣〤〥这些数字如今只有少数老师傅还认得。",
    "俄罗斯选手 Алексей 在第三轮比赛中胜出。",
])
def test_contacts_in_news_notices_and_code_stay(text):
    assert kept(clean(text)) == [text]


@pytest.mark.parametrize("name", ["contact-clause", "contact-label"])
def test_contact_rules_do_work_linear_in_the_text(name):
    """The id is looked for first, by a pattern with no repeat inside a repeat
    (checked on its structure, not on a clock); the clause before it only in
    the SEAM_REACH characters before an id. A page of prose, colons, numbers
    and verbs of reaching comes out whole."""
    rule = next(r for r in full().rules if r.name == name)
    pattern = rule.compiled["pattern"]
    assert nested_repeats(pattern) == []
    assert nested_repeats(r"(?:\s?[A-Za-z]{1,10}){0,3}:") == [10]  # the check finds what it guards against
    assert SEAM_REACH <= 60
    hostile = ("Lorem ipsum dolor sit amet: 12345 consectetur: 678 adipiscing elit sed do " * 30).strip()
    assert kept(clean(hostile)) == [hostile]
    hostile_zh = "记者打了一二三四个电话，联系了五六位专家，咨询：2024 年的第 12 期。" * 20
    assert kept(clean(hostile_zh)) == [hostile_zh]


@pytest.mark.parametrize("text", [
    "\"Mayor @LindaOkoro has kept every promise she made to this district,\" the senator posted on Sunday.",
    "The footage, shared by @riverwatch07 on Sunday, shows the flooded square.",
])
def test_an_at_handle_named_in_an_english_report_stays(text):
    """A person's account named in the news or a post quoted: no contact offered."""
    assert removed(clean(text)) == []


@pytest.mark.parametrize("ad, signal", [
    ("tangtang_66 是我的v，备注来意", "contact_shape"),     # the id before its label
    ("mm_5201314 这是我微", "contact_shape"),
    ("lucky_7788 加我，秒通过", "contact_shape"),         # ... then a verb of reaching
    ("13800001111 微信同号", "contact_shape"),            # ... then "the same number on"
    ("cc_9527（v）备注来意", "contact_shape"),            # ... then its label in brackets
    ("电话：幺三八 零零幺幺 二二三三", "contact_shape"),       # a number in the phone's reading
    ("手机：壹叁玖 0000 捌捌捌捌", "contact_shape"),         # capitals mixed with digits
    ("滴滴我：V18600001111", "contact_clause"),             # a mobile behind a letter
    ("加wx：lily_0909 拿资料", "contact_clause"),           # a short clause closing the block
])
def test_a_contact_in_a_notation_no_view_maps_goes_whole(ad, signal):
    r = clean(f"{ZH}{ad}")
    assert kept(r) == [ZH]
    assert removed(r) == [(signal, ad)]


@pytest.mark.parametrize("text", [
    "电话号码里的一，老辈人习惯念成幺，幺三八听起来就像一三八。",
    "会计在支票上写下大写金额：壹仟叁佰捌拾元整。",
    "他给自己取的网名叫 sunny_day2020，一用就是十年。",
    "sunny_day2020 是他的网名，一用就是十年。",
    "他的账号 lao_li_88 加了很多好友。",
    "把 config_123 加到列表里，再重新运行一次。",
    "社保业务可在工作日拨打（０２１）６２３４５６７８咨询。",  # a number before a verb alone: a notice's
    "如需帮助，可以打 1 8 6 0 0 0 0 1 2 3 4 找值班人员",
    "入秋以后，山里的柿子🐧：3345678901陆续成熟。",
])
def test_numbers_in_words_and_ids_of_someone_else_stay(text):
    r = clean(text)
    if "🐧" in text:  # the contact goes, not the numeral of the host word after it (陆续)
        assert kept(r) == ["入秋以后，山里的柿子陆续成熟。"]
    else:
        assert kept(r) == [text]

@pytest.mark.parametrize("ad, gone", [
    ("徽信 lao_wang_1688 随时在线", " lao_wang_1688 "),  # a label of ideographs: the id goes
    ("💚 lucky_7788 秒通过", "💚 lucky_7788 "),          # a label of symbols goes with it
])
def test_an_id_pasted_between_a_sentences_ideographs_goes(ad, gone):
    r = clean(f"入秋以后，村民们把摘下的柿子削皮{ad}串好，挂在屋檐下晾晒。")
    assert [(signal, text.strip()) for signal, text in removed(r)] == [("pasted_id", gone.strip())]


@pytest.mark.parametrize("text", [
    "比赛选手 player_007 在决赛中获得冠军。",              # the host's function word binds it
    "据介绍，项目代号 moon_2024 已于上月启动。",             # an id of another kind
])
def test_an_id_the_host_binds_or_names_stays(text):
    assert kept(clean(text)) == [text]
