"""The language stage's labelled set (``tests/data/language_blocks.txt``):
one article per ``## name`` line, then ``lang|block type|text`` rows."""

from __future__ import annotations

from pathlib import Path

from crawler.language import LanguageDetector
from crawler.testing.process import REPO

LABELLED = REPO / "tests" / "data" / "language_blocks.txt"


def read_labelled(path: Path = LABELLED) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """[(article name, [(expected lang, block type, text), ...]), ...]"""
    articles: list[tuple[str, list[tuple[str, str, str]]]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("## "):
            articles.append((line[3:].strip(), []))
        elif line.strip() and not line.startswith("#"):
            expected, block_type, text = line.split("|", 2)
            assert articles, f"line {number}: block before the first article"
            articles[-1][1].append((expected, block_type, text))
    return articles


def tag_labelled(detector: LanguageDetector) -> list[tuple[str, str, str]]:
    """[(expected, got, text)] over the labelled set, each article as context."""
    results = []
    for _, rows in read_labelled():
        blocks = [{"type": block_type, "text": text} for _, block_type, text in rows]
        detector.tag_blocks(blocks)
        results += [(expected, block["lang"], text) for (expected, _, text), block in zip(rows, blocks)]
    return results
