"""Notes found by their speech act (rules/57-speech.toml): a memo to the writer
left in a bracket, a site's notice at the tail or on a line of its own; and
the look-alikes that inform rather than instruct, reserve or decline."""

import pytest

from tests.support.cleaning import BOAT as BODY, ORCHARD as EN, kept, lenient, paragraphs, signals, without

CLEANER = lenient()
# the speech-act signals alone: without the rules of the other note files
ALONE = without(*("40-generator", "50-boilerplate", "55-notes", "56-functions"))


def clean(*texts, cleaner=CLEANER):
    return cleaner.clean_blocks(paragraphs(*texts))


@pytest.mark.parametrize("memo", [
    "（这里补一段老船工的原话，三句以内）",
    "【待核实：桐油的价格需要再问一下】",
    "{此处放一张船坞全景图}",
    "[Add a quote from the harbour master here]",
    "(TODO: check the boat's age before this goes out)",
])
def test_a_memo_to_the_writer_in_a_bracket_goes_at_its_seams(memo):
    r = clean(BODY[:20] + memo + BODY[20:], cleaner=ALONE)
    assert kept(r) == [BODY]
    assert signals(r) == [("generator_note", "writer_memo")]


@pytest.mark.parametrize("aside", [
    "（作者注：此处“老屋”指祖父在镇上的旧宅。）",
    "（图为修缮后的船坞，记者王芳摄）",
    "（当然这里其实可以写得更省事，不用每次都刷油）",
    "（后来他告诉我，那一刻他想起了父亲）",
    "（以上数据来源：市渔业局）",
])
def test_a_bracket_that_explains_or_comments_for_the_reader_stays(aside):
    text = BODY[:20] + aside + BODY[20:]
    assert kept(clean(text)) == [text]


@pytest.mark.parametrize("notice", [
    "图文均搜集自网络，若侵犯了您的权益，请与我们联系，我们会尽快删除。",
    "本号推送的文章仅代表作者本人观点，与本号立场无关。",
    "Nothing on this blog may be copied or republished without the owner's permission.",
])
def test_a_site_notice_at_the_tail_goes(notice):
    r = clean(BODY, EN, notice, cleaner=ALONE)
    assert kept(r) == [BODY, EN]
    assert signals(r) == [("boilerplate", "notice_act")]


@pytest.mark.parametrize("line", [
    "编者按：本文节选自作者新书《山河记》，经出版社授权刊发。",
    "更正：本报昨日第三版报道中，“东湖公园”应为“西湖公园”，特此更正。",
    "律师提醒，发现作品被擅自转载时，可以保留证据并联系平台删除。",
    "平台规定，使用AI生成的内容需要在文中标注，否则可能无法通过审核。",
    "该报告指出，未经授权转载他人作品属于侵权行为，情节严重的将承担法律责任。",
    "Correction: An earlier version of this article misstated the year the bridge opened; it was 1932.",
])
def test_credits_corrections_and_reported_rules_at_the_tail_stay(line):
    assert kept(clean(BODY, EN, line)) == [BODY, EN, line]


def test_a_notice_line_in_the_middle_needs_more_of_the_act_than_at_the_tail():
    # the site and its content from a source: enough at the tail, not on a line of its own
    notice = "以上内容来自公开渠道。"
    assert kept(clean(BODY, notice, BODY, EN, cleaner=ALONE)) == [BODY, notice, BODY, EN]
    assert kept(clean(BODY, BODY, EN, notice, cleaner=ALONE)) == [BODY, BODY, EN]


@pytest.mark.parametrize("memo", ["接下来补充两个渔村的例子，篇幅控制在五百字以内。", "Keep expanding the article until it passes 2,000 words."])
def test_a_memo_line_pointing_at_its_text_goes(memo):
    r = clean(BODY, memo, BODY, EN, cleaner=ALONE)
    assert kept(r) == [BODY, BODY, EN]
    assert signals(r) == [("generator_note", "writer_memo")]


@pytest.mark.parametrize("line", [
    "写作要求：自拟标题，不得抄袭，不少于800字。",
    "有些自媒体会用AI把一篇短文扩写到三千字以上，只为凑够字数。",
    "老师要求我们把作文控制在八百字以内，结尾要点题。",
    "（译者按：我认为作者这里在说反话，读者尽量体会这种幽默吧。）",
])
def test_requirements_descriptions_and_notes_to_readers_stay(line):
    assert kept(clean(BODY, line, BODY, EN, cleaner=ALONE)) == [BODY, line, BODY, EN]
