"""The text F1 metric: multiset F1 over CJK characters and Latin words."""

import pytest

from crawler.evaluation import text_f1, tokens


def test_tokens_are_cjk_characters_and_latin_words():
    assert tokens("中文 Text, text! 2024年") == {"中": 1, "文": 1, "text": 2, "2024": 1, "年": 1}


def test_identical_texts_score_one_whatever_the_layout():
    assert text_f1("第一段。\n第二段", "第一段 第二段。").f1 == 1.0


def test_precision_and_recall_count_multiplicity():
    score = text_f1("好好好", "好")
    assert score.recall == 1.0 and score.precision == pytest.approx(1 / 3)
    assert score.f1 == pytest.approx(0.5)


def test_disjoint_and_empty():
    assert text_f1("甲", "乙").f1 == 0.0
    assert text_f1("", "").f1 == 1.0
    assert text_f1("", "乙").f1 == 0.0
