"""Spans foreign to their own sentence (crawler/cleaning/foreign.py), judged
by how they sit there: cut to the character at their seams, kept where the
sentence quotes them or is itself about them."""

import pytest

from crawler.cleaning import Cleaner, load_rules
from tests.support.cleaning import one as clean, refused

EN = "The ferryman has rowed across the river every dawn for thirty years, rarely missing a single morning."


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner(load_rules())


@pytest.mark.parametrize("ad", ["鱼缸造景上门布置", "宝宝满月酒席承办，每桌八百八"])
@pytest.mark.parametrize("at", ["rowed", "river", "single"])
def test_ideographs_glued_to_a_word_of_an_english_sentence_go_to_the_character(cleaner, ad, at):
    end = EN.index(at) + len(at)
    text, removed = clean(cleaner, EN[:end] + ad + EN[end:])
    assert text == EN
    assert [(r["reason"], r["signal"], r["text"]) for r in removed] == [("promo", "foreign_script", ad)]


@pytest.mark.parametrize("text", [
    # quoted, set apart by spaces, brackets or a comma: English that names Chinese
    "The sign above the door reads 欢迎光临 in bold red characters, as it has since the shop opened.",
    "Her grandmother's recipe book, titled “家常菜谱”, has been in the family since the sixties.",
    "The old word for a ferry crossing (渡口) still appears on every map of the river town.",
    "Locals call the dish 红烧肉, and no family dinner in the village goes without it.",
    # a short name glued to a word: below the run a paste needs
    "Readers of the WeChat公众号 pages often share the stories with their friends.",
    # English that goes on in Chinese to its end: no English after the run
    "In the old town the stallholders sell postcards, and buy cheap watches online here已经很少见了。",
    # a Chinese sentence with an English word glued in is not an English sentence
    "他用iPhone手机拍下的这段短片，在全市中学生影像比赛中获得了一等奖。",
    # a name given in both scripts: the bracket after the run glosses it
    "The ferry Island Star东海之星号（Island Star ferry） sails twice a day to the outer islands.",
])
def test_chinese_set_apart_in_english_or_english_in_chinese_stays(cleaner, text):
    assert clean(cleaner, text) == (text, [])


def test_a_foreign_rule_names_a_known_place(tmp_path):
    refused(tmp_path, '[[rules]]\nname = "f"\nkind = "foreign"\nplace = "nowhere"\nreason = "promo"\n', "place")


@pytest.mark.parametrize("english, glued", [
    ("After the moat was dredged, the water ran clear again and egrets returned to feed at dusk.", "公众号代写文案，千字八十"),
    ("The postman rides his motorbike over three ridges to the farthest village", "山地自行车租一天三十"),
])
def test_a_run_glued_to_the_end_of_an_english_paragraph_goes(cleaner, english, glued):
    text, removed = clean(cleaner, english + glued)
    assert text == english
    assert [(r["signal"], r["text"]) for r in removed] == [("script_tail", glued)]


@pytest.mark.parametrize("text", [
    "The museum reopened on Monday after two years of repairs.博物馆周一重新开放。",  # a translation, ended
    "The museum reopened on Monday after two years of repairs. 博物馆重新开放",  # set apart by a space
    "他在报告中写道 the museum reopened on Monday after repairs.博物馆重新开放",  # a bilingual paragraph
    "Visitors queued at the gate.长城",  # too short a run
])
def test_chinese_after_english_that_ends_or_stands_apart_stays(cleaner, text):
    assert clean(cleaner, text)[0] == text
