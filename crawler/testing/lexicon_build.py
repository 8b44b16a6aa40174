"""Builds crawler/cleaning/lexicon_zh.txt, the word table the seams of pasted
ads are judged by (``crawler.cleaning.spans.lexicon``), from wordfreq's
Chinese list: its pairs of ideographs, then a blank line, then its words of
two or three ideographs, one a line, sorted.

    python -m crawler.testing.lexicon_build
"""

from __future__ import annotations

import itertools

from crawler.cleaning import spans
from crawler.cleaning.textops import is_cjk
from crawler.testing.process import REPO

OUT = REPO / "crawler" / "cleaning" / spans.LEXICON_FILE
# the most frequent words of the list whose inner pairs make the table (more
# takes rare words whose pairs join anything; fewer misses everyday words)
WORDS = 100_000
HEADER = ("# built by python -m crawler.testing.lexicon_build from wordfreq's Chinese list"
          " (wordfreq data: CC BY-SA 4.0, Robyn Speer); pairs, a blank line, words\n")


def build() -> spans.Lexicon:
    """The ``Lexicon`` from wordfreq's list itself (what ``lexicon_zh.txt`` holds)."""
    import wordfreq  # noqa: PLC0415  (its import and data cost ~0.5 s)

    pairs, words = set(), set()
    for word in itertools.islice(wordfreq.iter_wordlist("zh", "large"), WORDS):
        if not all(is_cjk(ch) for ch in word):
            continue
        pairs.update(a + b for a, b in zip(word, word[1:]))
        if 2 <= len(word) <= 3:
            words.add(word)
    wordfreq.get_frequency_list.cache_clear()
    return spans.Lexicon(frozenset(pairs), frozenset(words))


def text() -> str:
    built = build()
    return HEADER + "\n".join(sorted(built.pairs)) + "\n\n" + "\n".join(sorted(built.words)) + "\n"


def main() -> None:
    OUT.write_text(text(), encoding="utf-8")
    print(f"{OUT}: the lexicon of seams")


if __name__ == "__main__":
    main()
