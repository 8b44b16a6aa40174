"""The register of text about the text: how notices, notes and prompts are said.

A line that speaks about the page rather than its subject (a site's notice of
its rights and sources, the reader told how to take the text, a prompt to pass
it on, a sign-off, a memo to the writer, a generator's note) is said in words
an article about anything else seldom strings together: 转载, 侵删, 仅供,
本号, 观点, 留言, 此处, 配图, 待补; `disclaimer`, `subscribe`, `opinions`,
`affiliate`, `editor`. A log-odds model of Chinese character pairs and of
English words (note text against general text) scores that register whatever
the wording: a notice whose classes the note rules hold only in part is still
said as notices are.

The model is a data file (``metatalk.txt``) learned by
``python -m crawler.testing.metatalk_build`` from text no evaluation holds out:
the note side from the notes of the labelled families built on (kind "fit")
and the closed classes of the note rules (rules/55-58); the general side from
wordfreq's Chinese and English lists and the carrier paragraphs of the labelled
sets. Never a family marked novel, a family whose rules are written
(``written``, so their rows measure the model), a blind set or a look-alike.
A text's score is the mean of its pairs' log odds when it holds two Chinese
pairs or more, else the mean of its English words'; what the model does not
hold counts as neutral (zero). The register is one signal beside the note
rules' classes, never a removal on its own (``register_weight`` of the note
kind, crawler/cleaning/rules.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from crawler.cleaning import register

MODEL = Path(__file__).with_name("metatalk.txt")
_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def model(path: Path = MODEL) -> dict[str, float]:
    """Pairs of ideographs and English words of the model file, with their log
    odds (read, and kept, as the commercial register's files are)."""
    return register.model(path)


def pairs(text: str) -> list[str]:
    """The pairs of adjacent ideographs of ``text`` (none across a mark or a letter)."""
    return [run[i:i + 2] for run in _RUN.findall(text) for i in range(len(run) - 1)]


def words(text: str) -> list[str]:
    """The English words of ``text``, lower-cased."""
    return _WORD.findall(text.lower())


def score(text: str, table: dict[str, float] | None = None) -> float:
    """The mean log odds of ``text``'s pairs (two or more), else of its English words."""
    table = model() if table is None else table
    keys = pairs(text)
    if len(keys) < 2:
        keys = words(text)
    if not keys:
        return 0.0
    get = table.get
    return sum(get(k, 0.0) for k in keys) / len(keys)


# a key this many log odds above general text is one only notes say; a pair holding a character that binds
# any prose (写了, 的话) is no word of theirs, however seldom the general lists hold it
STRONG = 3.0
_BINDING = frozenset("了的是在和与也就都而及或被把给着过吗呢吧啊")


@lru_cache(maxsize=1)
def strong() -> frozenset[str]:
    """The keys said almost only in notes (twenty times likelier there than in
    general text): a note run on after a paragraph holds one in its last
    sentence, whatever its wording (the screen of such a rule: most blocks hold
    none and are not judged by their register at all)."""
    return frozenset(key for key, odds in model().items()
                     if odds >= STRONG and not _BINDING.intersection(key)
                     and (_RUN.fullmatch(key) is not None or len(key) >= 4))  # (an English word of four letters or more)


def says_strongly(text: str) -> bool:
    """Whether ``text`` (lower case) holds one of the register's strongest keys (``strong``)."""
    keys = strong()
    return not keys.isdisjoint(pairs(text)) or not keys.isdisjoint(words(text))
