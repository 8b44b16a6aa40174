"""Text-extraction quality: multiset F1 over CJK characters and Latin words.

The text of a page is reduced to a bag of tokens: every CJK ideograph is one
token, every run of ASCII letters and digits is one token (lower-cased);
punctuation, whitespace, emoji and line breaks do not count, so the score
measures *which* text was extracted, not how it was split into blocks.
Precision is the share of extracted tokens found in the gold text, recall the
share of gold tokens extracted (both counted with multiplicity), F1 their
harmonic mean. Two empty texts score 1.0.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

_TOKEN = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]|[A-Za-z0-9]+"
)


class Score(NamedTuple):
    precision: float
    recall: float
    f1: float


def tokens(text: str) -> Counter:
    return Counter(t.lower() for t in _TOKEN.findall(text or ""))


def text_f1(extracted: str, gold: str) -> Score:
    got, want = tokens(extracted), tokens(gold)
    if not got and not want:
        return Score(1.0, 1.0, 1.0)
    common = sum((got & want).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1)
