"""Builds crawler/cleaning/rules/26-sounds.toml, the vars by which rules find
a word of theirs written with other characters of the same sound (胃心 or 为信
for 微信, 博才 for 博彩, 代宽 for 贷款, 时时采 for 时时彩): per word of the lists
``sound_of_contact`` (messengers) and ``sound_of_promo`` (promo terms) of the
rule files, a pattern of its homophones. A character's homophones are the
common characters (``COMMON`` most frequent of wordfreq's Chinese list, by the
words holding them) that share one of its toneless readings (pypinyin, every
reading in the word; a homophone by its usual reading), at most ``PER_SOUND`` of them, the most frequent
first (what a pinyin input method offers first). A word of two characters may
be written with any homophone of either or both, unless the pair is a word
itself (of the seams' lexicon, crawler/cleaning/lexicon_zh.txt: 收集 is no
手机, 维新 no 微信); one of three or four keeps all its characters but one.
The word itself is not its homophone (its own rules find it).

    python -m crawler.testing.sound_build
"""

from __future__ import annotations

import collections
import itertools
import tomllib

from crawler.cleaning import spans
from crawler.cleaning.textops import is_cjk
from crawler.testing.process import REPO

RULES = REPO / "crawler" / "cleaning" / "rules"
OUT = RULES / "26-sounds.toml"
LISTS = {"sound_contact": "sound_of_contact", "sound_promo": "sound_of_promo"}
COMMON = 5000  # characters counted as common (more than a school list: a reading of few characters keeps its rarer ones, 叩 for kou)
PER_SOUND = 32  # homophones kept a reading (the most frequent: what an input method offers first)
HEADER = '''# built by python -m crawler.testing.sound_build from the rule files' lists
# sound_of_contact and sound_of_promo, pypinyin's readings and wordfreq's
# Chinese list (wordfreq data: CC BY-SA 4.0, Robyn Speer): do not edit
description = """Homophones of the rules' messengers and promo terms: per word, the
common characters of the same toneless reading in its place (胃心 for 微信,
博才 for 博彩, 时时采 for 时时彩), the word itself excluded."""

[vars]
'''


def target_words() -> dict[str, list[str]]:
    lists: dict[str, list[str]] = {}
    for path in sorted(RULES.glob("*.toml")):
        if path != OUT:
            lists.update(tomllib.loads(path.read_text(encoding="utf-8")).get("lists", {}))
    return {var: lists[name] for var, name in LISTS.items()}


def common(count: int | None = COMMON) -> list[str]:
    """The ``count`` most frequent ideographs (None: all), by the frequency of the words holding them."""
    import wordfreq  # noqa: PLC0415  (build time only)

    weight: collections.Counter = collections.Counter()
    for word, freq in wordfreq.get_frequency_dict("zh", "large").items():
        for ch in word:
            if is_cjk(ch):
                weight[ch] += freq
    wordfreq.get_frequency_list.cache_clear()
    return [ch for ch, _ in weight.most_common(count)]


def homophones() -> dict[str, dict[str, list[str]]]:
    """Target word -> character of it -> its homophones (itself first)."""
    from pypinyin import Style, lazy_pinyin  # noqa: PLC0415  (build time only)

    by_sound: dict[str, list[str]] = collections.defaultdict(list)
    for ch in common():  # most frequent first, by its usual reading alone (乐 le, not yue)
        by_sound[lazy_pinyin(ch, style=Style.NORMAL)[0]].append(ch)
    out = {}
    for words in target_words().values():
        for word in words:  # each character by its reading in the word (百家乐: le)
            out[word] = {ch: list(dict.fromkeys([ch, *by_sound[reading][:PER_SOUND]]))
                         for ch, reading in zip(word, lazy_pinyin(word, style=Style.NORMAL))}
    return out


def _class(chars: list[str]) -> str:
    return "[" + "".join(sorted(chars)) + "]"


def ways(word: str, sounds: dict[str, list[str]], words: frozenset) -> list[str]:
    """The homophones of ``word`` as alternatives each opening with a literal
    (``sounds``: its characters' homophones). Of a word of two characters, the
    pairs that are no word themselves (``words``: 收集 and 维新 say what they
    say), grouped by their first character; of three or four, the word with
    one character replaced."""
    if len(word) == 2:
        found = []
        for first in sounds[word[0]]:
            second = [ch for ch in sounds[word[1]] if first + ch != word and first + ch not in words]
            if second:
                found.append(first + (_class(second) if len(second) > 1 else second[0]))
        return found
    found = []
    for i, ch in enumerate(word):
        others = [other for other in sounds[ch] if other != ch]
        if i == 0:
            found += [other + word[1:] for other in others]
        elif others:
            found.append(word[:i] + _class(others) + word[i + 1:])
    return found


def text() -> str:
    """The file: per list, one flat alternation (every alternative opening with a
    literal, so that ``re`` skips to where one of those characters stands), the
    words themselves not among them (their own rules find them)."""
    sounds = homophones()
    lexicon = spans.lexicon().words
    lines = [HEADER]
    for var, targets in target_words().items():
        alternatives = [way for word in sorted(set(targets), key=lambda w: (-len(w), w))
                        for way in ways(word, sounds[word], lexicon)]
        lines.append(f"{var} = '(?:{'|'.join(alternatives)})'\n")
    return "".join(lines)


def main() -> None:
    OUT.write_text(text(), encoding="utf-8")
    print(f"{OUT}: the homophones of the rules' messengers and promo terms")


if __name__ == "__main__":
    main()
