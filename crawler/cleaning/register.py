"""The commercial register of Chinese text, character by character.

An ad and an article about the same trade share their nouns; what differs is
how they are said: an ad speaks in offers and short promises (只要, 包邮, 一对一,
免费, 抓紧, 到家), an article reports, explains and narrates (表示, 记者, 因为,
已经, 进行). A log-odds model of character pairs (ad text against article
text) scores that register whatever the trade: a vertical whose nouns no list
holds is still said in the words of selling.

The model is a data file (``register_zh.txt``, one pair a line with its log
odds) learned by ``python -m crawler.testing.register_train`` from text that
no evaluation holds out: the ad side from the labelled families that rules
were written or tuned on, the article side from invented and fixture articles
(never the carriers or look-alikes of the labelled sets, which measure it).
Digits fold to ``0`` and Latin letters to ``a`` before the pairs are taken, so
a price is a price whatever its figure. A text's score is the mean log odds
of its pairs, pairs the model does not hold counting as neutral (zero) and
pairs of which one side is not a letter, digit or ideograph ignored.

A second Chinese model (``register_news_zh.txt``, ``--news``) weighs the same
ad side against far more article text: the same articles plus the gold text
of half the pages of the cwced benchmark (Chinese news and web pages, in
../shared; the pages of even rank: the other half measures it with
bench/clean_gold.py). Its article side knows how news, notices and reports
are said, so a paragraph it finds said as ads are is so against the register
of articles at large, not of a few invented ones: the whole-paragraph
judgement of the sales talk reads it (``salestalk.said_start``).

English text has a model of its own (``register_en.txt``, learned by the
same script with ``--lang en``), of words rather than pairs: an English ad
is said with its own function words and forms (your, our, just, from $0,
included, guaranteed, now), an article with others (the, said, had, which).
Words are lower-cased, figures fold to ``0`` and currency and per-cent signs
are words of their own; ``score(text, unit=words)`` reads it.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from crawler.cleaning.textops import IS_CJK_CLASS

MODEL = Path(__file__).with_name("register_zh.txt")
MODEL_EN = Path(__file__).with_name("register_en.txt")
MODEL_NEWS = Path(__file__).with_name("register_news_zh.txt")
_LATIN = re.compile(r"[A-Za-z]+")
_EN_WORD = re.compile(r"[a-z][a-z'’]*|\d[\d,.]*|[$€£%]")
_DIGITS = re.compile(r"[0-9０-９]+")


def fold(text: str) -> str:
    """``text`` with runs of digits as ``0`` and runs of Latin letters as ``a``."""
    return _LATIN.sub("a", _DIGITS.sub("0", text))


def pairs(text: str) -> list[str]:
    """The character pairs of ``text`` (folded) whose characters are both
    ideographs, digits or letters: pairs across punctuation say nothing.
    (The pairs inside each run of such characters, the runs found in C.)"""
    return [run[i:i + 2] for run in _WORD_RUN.findall(fold(text)) for i in range(len(run) - 1)]


def words(text: str) -> list[str]:
    """The English words of ``text``, lower-cased, figures as ``0``, and its
    currency and per-cent signs."""
    return ["0" if w[0].isdigit() else w for w in _EN_WORD.findall(text.lower())]


# two or more in a row of the characters of a pair: ideographs (``textops.is_cjk``),
# and digits and letters as ``fold`` leaves them
_WORD_RUN = re.compile("[0a" + IS_CJK_CLASS[1:] + "{2,}")


@lru_cache(maxsize=4)  # its three files, and the notes' register's (crawler/cleaning/metatalk.py)
def model(path: Path = MODEL) -> dict[str, float]:
    """The units of a model file and their log odds (ad over article). Read as
    package data, by name: the package may be a zipped egg (scrapyd)."""
    table = {}
    for line in (resources.files("crawler.cleaning") / path.name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            pair, odds = line.split("\t")
            table[pair] = float(odds)
    return table


def score(text: str, table: dict[str, float] | None = None, unit=pairs) -> float:
    """The mean log odds of ``text``'s units (``pairs`` of Chinese, ``words``
    of English, each with its model): above zero, said as ads are."""
    table = (model() if unit is pairs else model(MODEL_EN)) if table is None else table
    found = unit(text)
    if not found:
        return 0.0
    return sum(table.get(p, 0.0) for p in found) / len(found)


def learn(ads: list[str], articles: list[str], prior: float = 0.5, min_count: int = 2,
          min_odds: float = 0.7, unit=pairs, balanced: bool = False) -> dict[str, float]:
    """Log odds of each unit (a pair, a word) seen ``min_count`` times at least,
    smoothed by ``prior`` per unit; units nearer zero than ``min_odds`` are
    left out (neutral). Each side's counts are normalised by its size. With
    ``balanced``, the article side's prior grows with its size over the ad
    side's: when one side is hundreds of times the other, a unit seen twice
    in articles and never in ads is no sign of an ad."""
    ad_counts, article_counts = _counts(ads, unit), _counts(articles, unit)
    ad_total, article_total = sum(ad_counts.values()), sum(article_counts.values())
    vocabulary = set(ad_counts) | set(article_counts)
    size = len(vocabulary)
    article_prior = prior * article_total / ad_total if balanced else prior
    table = {}
    for pair in vocabulary:
        a, b = ad_counts.get(pair, 0), article_counts.get(pair, 0)
        if a + b < min_count:
            continue
        odds = (math.log((a + prior) / (ad_total + prior * size))
                - math.log((b + article_prior) / (article_total + article_prior * size)))
        if abs(odds) >= min_odds:
            table[pair] = round(odds, 1)
    return table


def _counts(texts: list[str], unit) -> dict[str, int]:
    counts: dict[str, int] = {}
    for text in texts:
        for pair in unit(text):
            counts[pair] = counts.get(pair, 0) + 1
    return counts
