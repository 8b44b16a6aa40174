"""Builds crawler/cleaning/pinyin_glued.txt, the table by which the folded
view of cleaning reads a word of the rules spelt with pinyin for one of its
characters (``pei资`` for 配资, ``网du`` for 网赌, ``彩piao`` for 彩票): for
every pair of adjacent ideographs in a word of the rule files (their lists,
variables and patterns), each
toneless reading (pypinyin, every reading of a heteronym) of one character
glued to the other, and the character it stands for; and every word of up to
four characters spelt in spaced pinyin (``wei xin``), and the word; and each
syllable of zhuyin (bopomofo) those characters are read with, and its pinyin.

    python -m crawler.testing.pinyin_build
"""

from __future__ import annotations

import itertools
import re
import tomllib

from crawler.cleaning import textops
from crawler.testing import sound_build
from crawler.testing.process import REPO

OUT = REPO / "crawler" / "cleaning" / textops.GLUED_FILE
RULES = REPO / "crawler" / "cleaning" / "rules"
_RUN = re.compile("[\u3400-\u9fff]{2,}")
_CLASS = re.compile(r"\[[^\]]*\]")  # a class of characters in a pattern is no word
HEADER = ("# built by python -m crawler.testing.pinyin_build from the rule files' lists and pypinyin's"
          " readings; a glued spelling, a tab, the ideograph it stands for (a zhuyin syllable: its pinyin)\n")


def _rule_files() -> list:
    """The rule files but the homophones built from their words (26-sounds.toml: none of them)."""
    return [path for path in sorted(RULES.glob("*.toml")) if path != sound_build.OUT]


def words() -> set[str]:
    """The runs of two to six ideographs in the rule files' lists, variables
    and patterns (not their descriptions, nor a pattern's classes of
    characters): the words the rules look for."""
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            found.update(run for run in _RUN.findall(_CLASS.sub(" ", value)) if len(run) <= 6)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key != "description":
                    walk(item)

    for path in _rule_files():
        walk(tomllib.loads(path.read_text(encoding="utf-8")))
    return found


def build() -> dict[str, str]:
    """Glued spelling -> the ideograph its pinyin stands for."""
    from pypinyin import Style, pinyin  # noqa: PLC0415  (a build-time dependency)
    from pypinyin.style import convert  # noqa: PLC0415

    def readings(ch: str) -> set[str]:
        return {r for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0] if r.isascii() and r.isalpha()}

    # a spelling two words share reads as the one the rules say most (wei xin: 微信, not 威信)
    said = "".join(path.read_text(encoding="utf-8") for path in _rule_files())
    table: dict[str, str] = {}
    for word in sorted(words(), key=lambda w: (-said.count(w), w)):
        for a, b in zip(word, word[1:]):
            for reading in readings(a):
                table.setdefault(reading + b, a)
            for reading in readings(b):
                table.setdefault(a + reading, b)
        if len(word) <= 4:  # the word in spaced pinyin (wei xin), each reading of each character
            for spelt in itertools.product(*(sorted(readings(ch)) for ch in word)):
                table.setdefault(" ".join(spelt), word)
    # a syllable of zhuyin without its tone mark, and its pinyin (ㄆㄟ: pei)
    for reading in sorted({r for word in words() for ch in word for r in readings(ch)}):
        zhuyin = convert(reading, Style.BOPOMOFO, strict=True).rstrip(textops._ZHUYIN_TONES)
        if zhuyin and not zhuyin.isascii():
            table.setdefault(zhuyin, reading)
    return table


def text() -> str:
    return HEADER + "".join(f"{key}\t{ch}\n" for key, ch in sorted(build().items()))


def main() -> None:
    OUT.write_text(text(), encoding="utf-8")
    print(f"{OUT}: the glued pinyin of the rules' words")


if __name__ == "__main__":
    main()
