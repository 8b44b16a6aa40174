"""Notes found by what they do (rules/56-functions.toml): a prompt to the
reader, a site's notice of its reliability or rights, an order to the writer,
a chat assistant's frame; and the look-alikes that do something else."""

import pytest

from crawler.cleaning import Cleaner
from tests.support.cleaning import built, kept, paragraphs, refused, signals, without

CLEANER = Cleaner(built(), max_removed_share=0.9)
# the signals alone: without the phrase and pattern rules of boilerplate,
# generator notes and the older note shapes
ALONE = without(*("40-generator", "50-boilerplate", "55-notes"))
BODY = "入秋以后，山里的柿子陆续成熟。村民们把摘下的柿子削皮串好，挂在屋檐下晾晒，一个月后就成了软糯香甜的柿饼。"
EN = "The ferry still leaves at dawn, and the fishermen still mend their nets on the pier before it goes."


def clean(*texts, cleaner=CLEANER):
    return cleaner.clean_blocks(paragraphs(*texts))


def alone(*texts):
    """Cleaned by the function signals without the rules written for boilerplate and generator notes."""
    return clean(*texts, cleaner=ALONE)


@pytest.mark.parametrize("line", ["读完有收获的话，顺手转给需要的朋友吧", "戳左下角“阅读原文”，看往期合集"])
def test_a_line_asking_the_reader_to_click_or_share_goes_anywhere(line):
    r = alone(BODY, line, BODY)
    assert kept(r) == [BODY, BODY]
    assert signals(r) == [("boilerplate", "reader_prompt")]


@pytest.mark.parametrize("line", [
    "那条视频被网友转发了上万次，村里的柿饼一下子卖空了。",  # someone else shared
    "请勿转发来源不明的消息。",  # a prohibition
    "她在看那本旧相册的时候，总会想起外婆。",  # 在看 in its ordinary sense
    "扫码报名，截止到本月底。",  # a notice's own service
])
def test_a_click_or_share_reported_or_forbidden_stays(line):
    assert kept(clean(BODY, line)) == [BODY, line]


def test_a_prompt_glued_into_a_sentence_about_something_else_does_not_take_it():
    # most of its clauses hold no word of a prompt: not a note (clause_share)
    text = "河道整治完成后，岸边种上了芦苇。点击下方链接进入附近的居民说，傍晚散步时常能看到白鹭在浅滩觅食，孩子们沿着堤岸追着它们跑。"
    assert kept(clean(BODY, text)) == [BODY, text]


@pytest.mark.parametrize("note", [
    "【使用须知】本页资料由合作机构提供，其准确性请读者自行核实。",
    "The content of this page is offered as is; readers act on it at their own risk.",
    # English wordings of accuracy, advice and a disclosed interest
    "Everything here is general information and may not be accurate for your situation.",
    "Disclosure: this blog earns a commission on some of the products it links to.",
])
def test_a_notice_of_the_pages_reliability_goes_at_the_tail(note):
    for blocks in ([BODY, note], [BODY + note]):
        r = alone(*blocks)
        assert kept(r) == [BODY]
        assert signals(r) == [("boilerplate", "site_notice")]


def test_a_labelled_notice_goes_as_a_block_of_its_own_anywhere():
    note = "〔网站声明〕所载内容仅供一般了解，不构成任何建议。"
    r = alone(note, BODY, BODY)
    assert kept(r) == [BODY, BODY] and signals(r) == [("boilerplate", "site_notice")]


@pytest.mark.parametrize("line", [
    "本文系作者原创，首发于个人公众号“山居笔记”。", "文中数据引自县农业局的年度报告，特此致谢。",
    "本文约2800字，阅读需要7分钟。", "展馆咨询电话：0571-86001234，每周一闭馆。", "感谢读到这里的你，我们下期见。",
])
def test_closing_credits_and_notices_stay(line):
    assert kept(clean(BODY, line)) == [BODY, line]


def test_a_statement_quoted_after_a_verb_of_saying_stays_whoever_says_it():
    """A notice's words in someone else's mouth, quoted at a paragraph's end, are reported."""
    text = BODY + "一家音像协会表示：“翻唱他人歌曲前，务必取得词曲作者的授权，否则后果自负。”"
    assert kept(clean(BODY, text)) == [BODY, text]


def test_an_order_to_the_writer_to_replace_a_passage_goes_from_its_paragraph():
    note = "【此处换成客户审核过的那版介绍，发稿前务必删掉本条】"
    r = alone(BODY + note, BODY)
    assert kept(r) == [BODY, BODY]
    assert signals(r) == [("generator_note", "writer_order")]


@pytest.mark.parametrize("note", [
    "[Writer: add one more example here before sending it to the client]",
    "<<Plug in the sponsor's tagline here, no more than 15 words>>",
])
def test_an_english_order_to_the_writer_goes_in_any_bracket(note):
    r = alone(EN + " " + note, BODY)
    assert kept(r) == [EN, BODY]
    assert signals(r) == [("generator_note", "writer_order")]


@pytest.mark.parametrize("line", [
    "Below the bridge, the river widens into a lake where herons nest in spring.",
    "The author thanks the villagers, who shared their stories and photographs.",
    "Prices here were accurate at the time of writing, the guide's editors note.",
    "[The mayor added that the plan would be reviewed before the next council meeting.]",
])
def test_english_closing_lines_that_decline_or_order_nothing_stay(line):
    assert kept(clean(BODY, EN, line)) == [BODY, EN, line]


def test_an_editors_note_on_cuts_stays():
    text = BODY + "（本文根据讲座录音整理，有删减）"
    assert kept(clean(text, BODY)) == [text, BODY]


@pytest.mark.parametrize("frame, where", [
    ("好的，这是按照你的要求完成的文章：", 0), ("Here's the post you asked for, in a lighter tone:", 0),
    ("如果你想调整语气或者缩短篇幅，随时告诉我，我再改一版。", -1),
    ("Below is the essay you asked me to write, in three parts:", 0),
])
def test_a_chat_assistants_frame_goes_at_the_head_or_tail(frame, where):
    blocks = [BODY, EN]
    blocks.insert(len(blocks) if where else 0, frame)
    r = alone(*blocks)
    assert kept(r) == [BODY, EN]
    assert signals(r) == [("generator_note", "assistant_frame")]


@pytest.mark.parametrize("text", [
    "有人让聊天机器人“写一篇关于秋天的文章”，它的回答以“好的，以下是为您撰写的文章：”开头。",
    'The chatbot began with "Here is the article you requested:" and then invented three sources.',
])
def test_a_frame_quoted_in_an_article_about_ai_stays(text):
    assert kept(clean(text, BODY)) == [text, BODY]


def test_a_note_rule_names_a_known_position(tmp_path):
    refused(tmp_path, '[lists]\nw = ["a"]\n[[rules]]\nname = "x"\nkind = "note"\nreason = "boilerplate"\n'
                      'groups = ["w"]\nwhere = "middle"\n', "'where' must be one of tail, bracket, head, line")


@pytest.mark.parametrize("line", [
    "扫描下方二维码加入读者群",                     # the page's own layout pointed at
    "觉得有用就收藏起来，以免找不到",               # the page's collect button, the text its object
])
def test_a_prompt_pointing_at_the_page_or_its_collect_button_goes(line):
    r = clean(BODY, line, EN)
    assert kept(r) == [BODY, EN]
    assert signals(r) == [("boilerplate", "reader_prompt")]


@pytest.mark.parametrize("line", [
    "这件文物现收藏于省博物馆，欢迎前去参观。",        # a collector's 收藏
    "他在展板下方贴了一张二维码，扫码的人却寥寥无几。",  # a story
])
def test_a_collection_and_a_code_in_a_story_stay(line):
    assert kept(clean(BODY, line, EN)) == [BODY, line, EN]


def test_a_bracket_of_a_tasks_own_terms_stays():
    line = "请以“我的家乡”为题写一篇作文（不少于600字）。"
    assert kept(clean(BODY, line, EN)) == [BODY, line, EN]
