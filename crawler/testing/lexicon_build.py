"""Builds crawler/cleaning/lexicon_zh.txt, the word table the seams of pasted
ads are judged by (``crawler.cleaning.spans.lexicon``), from wordfreq's
Chinese list: its pairs of ideographs, then a blank line, then its words of
two or three ideographs, one a line, sorted.

    python -m crawler.testing.lexicon_build
"""

from __future__ import annotations

from crawler.cleaning import spans
from crawler.testing.process import REPO

OUT = REPO / "crawler" / "cleaning" / spans.LEXICON_FILE


HEADER = ("# built by python -m crawler.testing.lexicon_build from wordfreq's Chinese list"
          " (wordfreq data: CC BY-SA 4.0, Robyn Speer); pairs, a blank line, words\n")


def text() -> str:
    built = spans.build_lexicon()
    return HEADER + "\n".join(sorted(built.pairs)) + "\n\n" + "\n".join(sorted(built.words)) + "\n"


def main() -> None:
    OUT.write_text(text(), encoding="utf-8")
    print(f"{OUT}: the lexicon of seams")


if __name__ == "__main__":
    main()
