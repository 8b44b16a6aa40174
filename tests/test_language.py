"""Language stage library: labelled set, mixed and short text, determinism, rules."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.items import Article
from crawler.language import (
    LanguageDetector, RulesError, keep_blocks_of, language_shares, load_rules, tag_article, wanted,
)
from crawler.parsing import parse_page
from crawler.testing.language_labelled import read_labelled, tag_labelled

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "sohu_style_article_with_spam.txt"


DETECTOR = LanguageDetector(load_rules())


@pytest.fixture
def detector() -> LanguageDetector:
    return DETECTOR


def tags(detector: LanguageDetector, *blocks: tuple[str, str]) -> list[str]:
    tagged = [{"type": block_type, "text": text} for block_type, text in blocks]
    detector.tag_blocks(tagged)
    return [block["lang"] for block in tagged]


# -- the labelled set -----------------------------------------------------------

def test_labelled_set_covers_the_required_kinds():
    articles = dict(read_labelled())
    rows = [row for article in articles.values() for row in article]
    assert len(rows) >= 500
    long_by_lang = Counter(expected for expected, _, text in rows if len(text) >= 20)
    for lang, least in {"zh": 130, "en": 120, "ja": 40, "ko": 40}.items():
        assert long_by_lang[lang] >= least, lang
    for name, least in {"zh-hant": 30, "zh-mixed-terms": 40, "en-one-chinese-word": 25}.items():
        assert len(articles[name]) >= least, name
    assert sum(len(text) < 20 for _, _, text in rows) >= 80


def test_accuracy_on_blocks_of_20_chars_or_more(detector):
    results = [(e, g, t) for e, g, t in tag_labelled(detector) if len(t) >= 20]
    wrong = [(e, g, t) for e, g, t in results if e != g]
    accuracy = 1 - len(wrong) / len(results)
    assert accuracy >= 0.995, wrong


def test_short_blocks_take_context_or_und(detector):
    wrong = [(e, g, t) for e, g, t in tag_labelled(detector) if len(t) < 20 and e != g]
    assert not wrong


# -- mixed text -----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "生成式AI的快速发展无疑为表演行业带来了机遇与挑战，4K画质已成标配。",
    "测试中Vidu Q2生成一段10秒视频只需要不到30秒，GDP和CPI数据同步公布。",
    "我们用Python的requests库和BeautifulSoup解析HTML页面，效果不错。",
    "在settings.py中把DOWNLOAD_DELAY和CONCURRENT_REQUESTS调小一些，避免被封。",
])
def test_chinese_with_latin_terms_is_zh(detector, text):
    assert tags(detector, ("paragraph", text)) == ["zh"]


@pytest.mark.parametrize("text", [
    "Every winter my aunt cooks a big pot of 汤 for the neighbours who live alone.",
    "The phrase 加油 is shouted at every match, and foreign players soon learn it.",
])
def test_english_with_one_chinese_word_is_en(detector, text):
    assert tags(detector, ("paragraph", text)) == ["en"]


def test_scripts_tell_japanese_korean_and_traditional_chinese(detector):
    assert tags(
        detector,
        ("paragraph", "駅前の新しい図書館は、来月から夜九時まで開いているそうです。"),
        ("paragraph", "역 앞의 새 도서관은 다음 달부터 밤 아홉 시까지 문을 연다고 한다."),
        ("paragraph", "車站前的新圖書館從下個月起將開放到晚上九點，方便上班族借書。"),
    ) == ["ja", "ko", "zh"]


def test_characters_beyond_the_basic_plane_count_for_their_script(detector):
    # CJK extension B (U+20000...): rare characters, outside the detector's translate table
    rare = "".join(chr(0x20000 + i) for i in range(0, 400, 17))
    assert detector.guess(rare).lang == "zh"
    assert detector.guess("the river " + rare).lang == "zh"
    assert detector.guess("\U0001F600" * 10).method == "none"  # emoji: no script


def test_latin_languages_are_told_apart(detector):
    assert tags(
        detector,
        ("paragraph", "La bibliothèque restera ouverte jusqu'à vingt et une heures à partir du mois prochain."),
        ("paragraph", "Die Bibliothek bleibt ab dem nächsten Monat bis einundzwanzig Uhr geöffnet."),
        ("paragraph", "The library will stay open until nine in the evening from next month."),
    ) == ["fr", "de", "en"]


def test_link_farm_does_not_turn_chinese_latin(detector):
    farm = "|".join(f"{a}{b}.qxze7.cn" for a, b in zip("abcdefghij", "klmnopqrst"))
    assert tags(detector, ("paragraph", "但核心原则仍是技术赋能真人，而非取而代之。" + farm)) == ["zh"]


def test_addresses_glued_to_chinese_leave_the_chinese_counted(detector):
    text = "详情请访问https://example.com/a或写信到news@example.com了解报名须知和活动安排"
    guess = detector.guess(text)
    assert (guess.lang, guess.sure, guess.method) == ("zh", True, "script")


# -- short blocks ----------------------------------------------------------------

def test_short_block_takes_neighbour_language_heading_looks_forward(detector):
    en = "The museum is run almost entirely by volunteers from the town's old fishing families."
    zh = "博物馆几乎完全由志愿者运营，他们大多来自镇上的老渔民家庭，对这段历史很有感情。"
    assert tags(detector, ("paragraph", zh), ("heading", "Visitors"), ("paragraph", en),
                ("caption", "Photo"), ("paragraph", zh)) == ["zh", "en", "en", "en", "zh"]


def test_short_han_follows_japanese_context_else_zh(detector):
    ja = "この町の博物館は、ほとんどボランティアによって運営されています。"
    assert tags(detector, ("paragraph", ja), ("caption", "写真")) == ["ja", "ja"]
    assert tags(detector, ("caption", "写真")) == ["zh"]


def test_numbers_symbols_and_unknown_latin_are_und(detector):
    zh = "今年村里的茶叶产量比去年增长了两成，收购价格也略有上涨。"
    assert tags(detector, ("paragraph", zh), ("paragraph", "2025-03-18"), ("paragraph", "★★★"),
                ("caption", "AI"), ("caption", "图片")) == ["zh", "und", "und", "und", "zh"]


def test_code_blocks_have_no_language(detector):
    assert tags(detector, ("code", "for item in items:\n    print(item)  # the loop")) == ["und"]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gets_a_code_and_never_fails(text):
    guess = DETECTOR.guess(text)
    assert guess.lang == "und" or re.fullmatch("[a-z]{2}", guess.lang)
    assert DETECTOR.guess(text) == guess


# -- determinism -----------------------------------------------------------------

_TAG_IN_CHILD = """
import json, langdetect
from langdetect import DetectorFactory
DetectorFactory.seed = 12345  # another module's global choice must not matter
langdetect.detect("warm up the global factory")
from crawler.testing.language_labelled import tag_labelled
from crawler.language import LanguageDetector, load_rules
print(json.dumps([got for _, got, _ in tag_labelled(LanguageDetector(load_rules()))]))
"""


def test_same_tags_in_every_process(detector):
    here = [got for _, got, _ in tag_labelled(detector)]
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", _TAG_IN_CHILD], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True).stdout
        assert json.loads(out) == here


# -- the seed ---------------------------------------------------------------------

def test_seed_chinese_paragraphs_zh_english_paragraphs_en(detector):
    article = parse_page(SEED.read_bytes(), "file:sohu_style_article_with_spam.txt")
    tag_article(article, detector)
    chinese = [b for b in article.blocks if len(re.findall("[\u4e00-\u9fff]", b["text"])) >= 20]
    english = [b for b in article.blocks
               if not re.search("[\u4e00-\u9fff]", b["text"]) and len(re.findall("[A-Za-z]", b["text"])) >= 20]
    assert len(chinese) >= 100 and len(english) >= 100
    assert {b["lang"] for b in chinese} == {"zh"}
    assert {b["lang"] for b in english} == {"en"}
    assert article.lang == "en"  # English paragraphs are longer in characters
    assert article.langs["zh"] > 0.15 and article.langs["en"] > 0.6


# -- article level ------------------------------------------------------------------

def _article(*blocks: tuple[str, str]) -> Article:
    article = Article(url="https://example.com/a", fetched_from="https://example.com/a", source="web")
    article.blocks = [{"type": "paragraph", "text": text, "lang": lang} for lang, text in blocks]
    article.join_text()
    return article


def test_shares_are_per_character_and_main_language_skips_und():
    lang, langs = language_shares(_article(("und", "1234567890"), ("zh", "中文中文"), ("en", "ab")).blocks)
    assert lang == "zh"
    assert langs == {"und": 0.625, "zh": 0.25, "en": 0.125}
    assert language_shares([]) == ("und", {})


def test_bilingual_article_is_wanted_for_its_minor_language():
    article = _article(("en", "x" * 70), ("zh", "字" * 30))
    article.lang, article.langs = language_shares(article.blocks)
    assert wanted(article, (), 0.25)
    assert wanted(article, ("zh",), 0.25)
    assert not wanted(article, ("zh",), 0.5)
    assert not wanted(article, ("ja",), 0.25)


def test_keep_blocks_of_one_language_records_the_others():
    article = _article(("zh", "第一段中文"), ("en", "First English paragraph"), ("und", "2025"), ("zh", "第二段中文"))
    assert keep_blocks_of(article, "zh") == 1
    assert [b["text"] for b in article.blocks] == ["第一段中文", "2025", "第二段中文"]
    assert article.text == "第一段中文\n2025\n第二段中文"
    assert article.removed == [{"reason": "other_language", "text": "First English paragraph"}]
    assert article.lang == "zh" and "en" not in article.langs


# -- rules ---------------------------------------------------------------------------

def _rules_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "extra.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, message", [
    ('[[script]]\nname = "x"\nranges = ["4E00-4E10"]\nweight = 1\nlang = "xx"\nmin_chars = 1\n', "overlap"),
    ('[[script]]\nname = "latin"\nranges = ["0041-005A"]\nwords = true\ncandidates = ["en", "klingon"]\nmin_chars = 3\n',
     "no profile"),
    ('[stopwords]\nsv = ["och", "att", "och"]\n', "lists \\['och'\\] twice"),
    ('[detect]\nmin_probability = 2\n', "between 0 and 1"),
    ('[detect]\nspeed = 1\n', "unknown key"),
    ('[[script]]\nname = "y"\nranges = ["ZZZZ"]\nweight = 1\nlang = "yy"\nmin_chars = 1\n', "bad range"),
    ("[detect\n", "not valid TOML"),
])
def test_bad_rules_are_refused_with_a_clear_error(tmp_path, text, message):
    with pytest.raises(RulesError, match=message):
        load_rules([_rules_file(tmp_path, text)])


def test_user_rules_add_a_script_and_override_thresholds(tmp_path):
    extra = _rules_file(tmp_path, (
        '[detect]\nsample_chars = 120\n'
        '[[script]]\nname = "georgian"\nranges = ["10A0-10FF"]\nwords = true\nlang = "ka"\nmin_chars = 4\n'
    ))
    rules = load_rules([extra])
    assert rules.sample_chars == 120
    text = "საქართველო ლამაზი ქვეყანაა და აქ ბევრი ტურისტი ჩამოდის."
    assert tags(LanguageDetector(rules), ("paragraph", text)) == ["ka"]
    assert tags(LanguageDetector(load_rules()), ("paragraph", text)) == ["und"]


def test_detectors_of_a_process_share_langdetect_profiles_loaded_once():
    from crawler.language.detect import LanguageDetector

    rules = load_rules()
    latin = next(s for s in rules.scripts if s.name == "latin")
    first, second = LanguageDetector(rules), LanguageDetector(rules)
    assert first._factory(latin) is second._factory(latin)  # one load for both
    text = "Ceci est une phrase assez longue pour que la detection soit fiable et sure."
    assert first.guess(text) == second.guess(text)
