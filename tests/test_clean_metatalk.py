"""The register of text about the text (crawler/cleaning/metatalk.py) and what
the note rules do with it: a notice or a prompt one class short of its rule,
said as notices are, goes; the same words in a dated report, a provenance note
or the article's prose stay."""

import pytest

from crawler.cleaning import Cleaner, load_rules, metatalk
from crawler.testing import metatalk_build
from tests.support.cleaning import BOAT, ORCHARD, lenient, paragraphs

# a notice whose rule (57-speech.toml's site-speech-tail) finds one class short: its register decides
SHORT = "图文多采自网友投稿，若有不妥之处，请来信说明。"


def without_register() -> Cleaner:
    rules = load_rules()
    for rule in rules.rules:
        if rule.kind == "note":
            rule.params["register_weight"] = 0
    return Cleaner(rules, max_removed_share=0.9)


def removed(cleaner: Cleaner, line: str) -> list[tuple[str, str]]:
    result = cleaner.clean_blocks(paragraphs(BOAT, ORCHARD, line))
    assert [b["text"] for b in result.blocks][:2] == [BOAT, ORCHARD]
    return [(r["signal"], r["text"]) for r in result.removed]


def test_the_model_file_is_what_its_script_builds():
    assert metatalk_build.main(["--check"]) == 0


def test_notes_are_said_otherwise_than_prose():
    for note in (SHORT, "转引请注明出处，谢绝商用。", "Opinions here are the writer's alone, not professional advice."):
        assert metatalk.score(note.lower()) >= 0.5
    for prose in (BOAT, ORCHARD.lower(), "照片中央的那位老人，就是摄影师的祖父。"):
        assert metatalk.score(prose) < 0.2
    # the register is one signal: a share reported is said in the same words (the rules' unless keeps it)
    assert metatalk.score("他把这篇文章转给了在外地读书的女儿。") >= 0.5


def test_chinese_pairs_count_before_english_words():
    table = {"转载": 2.0, "share": -1.0}
    assert metatalk.score("转载share", table) == -1.0  # one pair: its English words decide
    assert metatalk.score("请勿转载", table) == pytest.approx(2.0 / 3)
    assert metatalk.score("", table) == 0.0


def test_a_notice_one_class_short_goes_by_its_register():
    assert removed(lenient(), SHORT) == [("notice_act", SHORT)]
    assert removed(without_register(), SHORT) == []


@pytest.mark.parametrize("line", [
    "去年，本站曾因转载图片被起诉，最终赔偿了两万元。",  # a dated report of what happened
    "本文原载于《江南》杂志，经作者同意转发。",          # provenance: it informs, declines and asks nothing
    "他把这篇文章转给了在外地读书的女儿，女儿回复说：“我也想家了。”",
    "编辑部在核实后发现，此前流传的说法并不准确，并于当天发布了更正。",
])
def test_the_same_words_in_a_report_or_a_provenance_note_stay(line):
    assert removed(lenient(), line) == []


# lines no note rule holds the classes of (checked below without the register rules): the page's furniture of
# platforms no rule names, known by their register and by sharing nothing with the article
EDGE_LINES = ["头图来源：视觉中国", "TODO: add a quote from the mayor"]


def without_edge_register() -> Cleaner:
    rules = load_rules()
    rules.rules = [r for r in rules.rules if not r.name.startswith("register-")]
    return Cleaner(rules, max_removed_share=0.9)


@pytest.mark.parametrize("line", EDGE_LINES)
def test_a_line_at_the_edge_said_as_notes_are_and_about_nothing_of_the_article_goes(line):
    assert removed(without_edge_register(), line) == []
    assert removed(lenient(), line) == [("edge_register", line)]
    # at the head too
    result = lenient().clean_blocks(paragraphs(line, BOAT, ORCHARD))
    assert [(r["signal"], r["text"]) for r in result.removed] == [("edge_register", line)]


def test_the_same_line_in_the_middle_or_sharing_the_articles_words_stays():
    line = EDGE_LINES[0]
    assert lenient().clean_blocks(paragraphs(BOAT, line, ORCHARD, ORCHARD)).removed == []
    # an article about the picture agency: the line is its own
    agency = "视觉中国是国内较早的图片库之一，头图的版权纠纷曾引起广泛讨论。"
    assert lenient().clean_blocks(paragraphs(agency, BOAT, line)).removed == []


@pytest.mark.parametrize("line", [
    "编辑部决定把这篇稿子推迟一周发表，等数据核实后再说。",   # told: a disposal, a decision
    "在这篇文章里，我想谈谈三个问题：为什么读书、读什么书。",  # the author's own words
    "本文系作者原创，首发于个人博客。",                        # the article's own record
    "更多信息可关注公众号“平安北京”，或拨打 010-6240 1234 查询。",  # a contact: the contact rules judge it
])
def test_a_line_that_tells_or_keeps_the_articles_record_stays_at_the_edge(line):
    assert [s for s, _ in removed(lenient(), line)] == []


def test_a_bracket_said_as_notes_are_goes_and_a_bracket_of_prose_stays():
    note = "（本段由模型生成，可信度：中）"
    result = lenient().clean_blocks(paragraphs(BOAT, "老船工说" + note + "，一条木船能用三十年。", ORCHARD))
    assert [(r["signal"], r["text"]) for r in result.removed] == [("note_register", note)]
    prose = "老船工说（他在码头干了四十年），一条木船能用三十年。"
    assert lenient().clean_blocks(paragraphs(BOAT, prose, ORCHARD)).removed == []


# a paragraph of the article's, then a notice run on after its last sentence (glued_register)
KILN = "老窑工说，烧一窑青瓷要守三天三夜，火候差一点，整窑的釉色就全变了样。"


def without_glued_register() -> Cleaner:
    rules = load_rules()
    rules.rules = [r for r in rules.rules if r.name != "register-glued"]
    return Cleaner(rules, max_removed_share=0.9)


@pytest.mark.parametrize("notice", [
    "图片及视频素材由受访者提供，未经授权禁止截取使用。",
    "本栏目文章仅代表作者本人观点，不代表本报立场",      # no full stop: pasted on as it is
    "温馨提示：文内图片均为示意，实物请以到手为准～",
])
def test_a_notice_run_on_after_any_paragraph_goes_by_its_register_and_its_detachment(notice):
    blocks = paragraphs(BOAT, KILN + notice, ORCHARD, BOAT.replace("渔民", "船员"))
    assert without_glued_register().clean_blocks(blocks).removed == []
    result = lenient().clean_blocks(blocks)
    assert [(r["signal"], r["text"]) for r in result.removed] == [("glued_register", notice)]
    assert [b["text"] for b in result.blocks][1] == KILN


def test_a_glued_notice_that_shares_the_articles_words_or_stands_alone_stays():
    notice = "图片及视频素材由受访者提供，未经授权禁止截取使用。"
    # an article about the footage: the line is its own
    footage = "这段视频素材拍下了窑火最旺的时刻，受访者说那天整夜没合眼。"
    assert lenient().clean_blocks(paragraphs(BOAT, KILN + notice, footage, BOAT)).removed == []
    # a paragraph of its own is not run on: the paste is the evidence (the edge rules judge the article's ends)
    assert lenient().clean_blocks(paragraphs(BOAT, notice, KILN, BOAT.replace("渔民", "船员"))).removed == []


@pytest.mark.parametrize("tail", [
    "医生提醒，如出现头晕乏力应及时复诊，不要自行停药。",     # told: someone's advice reported
    "特此更正，并向读者致歉。",                               # the newsroom's own correction
    "这位版主说，转载别人的照片一定要注明出处。",
])
def test_a_reported_caveat_or_the_articles_own_closing_stays(tail):
    assert lenient().clean_blocks(paragraphs(BOAT, KILN + tail, ORCHARD, BOAT)).removed == []


def test_an_english_notice_after_an_english_paragraphs_full_stop_goes():
    host = "Track crews replace rails in the four hours before dawn, when no trains run on the line."
    notice = "This post contains the author's views only and should not be read as professional advice."
    for seam in (" ", ""):  # a space after the full stop, or none (…the line.This post…)
        result = lenient().clean_blocks(paragraphs(BOAT, host + seam + notice, KILN, BOAT))
        assert [(r["signal"], r["text"].strip()) for r in result.removed] == [("glued_register", notice)]
        assert result.blocks[1]["text"].rstrip() == host


def test_only_keys_notes_alone_say_let_a_paragraph_be_judged_by_its_register():
    # the screen of a note run on: a paragraph's last sentence holding no such key is not judged at all
    assert metatalk.says_strongly("图片及视频素材由受访者提供，未经授权禁止截取使用。")
    assert not metatalk.says_strongly("前后一共72次，孩子们每天放学都来围观。")
    # a pair holding a character that binds any prose is no key of notes, however seldom a list holds it
    assert not any(set(key) & set("了的是") for key in metatalk.strong())


@pytest.mark.parametrize("marks", ["［］", "〖〗", "｛｝"])
def test_a_note_in_brackets_of_any_form_goes(marks):
    note = marks[0] + "此处插入采访录音文字稿" + marks[1]
    result = lenient().clean_blocks(paragraphs(BOAT, "老船工说" + note + "，一条木船能用三十年。", ORCHARD))
    assert [r["text"] for r in result.removed] == [note]
