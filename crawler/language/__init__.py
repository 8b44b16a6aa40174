"""Language of every block and article. Plain Python, no Scrapy.

``tag_article`` sets ``lang`` on each block, and on the article ``lang`` (the
language of most of its characters, ``und`` only when no block has one) and
``langs`` (share of characters per block language). ``wanted`` and
``keep_blocks_of`` serve the stage's keep and one-language export settings.
"""

from __future__ import annotations

from collections import Counter

from crawler.items import Article
from crawler.language.detect import UNDETERMINED, Guess, LanguageDetector
from crawler.language.rules import Rules, RulesError, load_rules

__all__ = [
    "UNDETERMINED", "Guess", "LanguageDetector", "Rules", "RulesError", "load_rules",
    "language_shares", "tag_article", "wanted", "keep_blocks_of",
]

OTHER_LANGUAGE = "other_language"  # reason recorded in Article.removed


def language_shares(blocks: list[dict]) -> tuple[str, dict[str, float]]:
    """(main language, share of characters per language) of tagged blocks."""
    chars: Counter[str] = Counter()
    for block in blocks:
        chars[block.get("lang") or UNDETERMINED] += len(block.get("text") or "")
    total = sum(chars.values())
    if not total:
        return UNDETERMINED, {}
    ordered = sorted(chars.items(), key=lambda item: (-item[1], item[0]))
    langs = {lang: round(count / total, 4) for lang, count in ordered}
    main = next((lang for lang, _ in ordered if lang != UNDETERMINED), UNDETERMINED)
    return main, langs


def tag_article(article: Article, detector: LanguageDetector) -> list[Guess]:
    """Tag the blocks and the article; return the block guesses."""
    guesses = detector.tag_blocks(article.blocks)
    article.lang, article.langs = language_shares(article.blocks)
    return guesses


def wanted(article: Article, keep: tuple[str, ...], min_share: float) -> bool:
    """Is the article in one of the ``keep`` languages? (empty ``keep``: all are)

    Its main language counts, and so does a kept language holding at least
    ``min_share`` of the characters: a bilingual zh/en article is kept for
    ``zh`` although English, wordier, has most of its characters.
    """
    if not keep or article.lang in keep:
        return True
    return sum(article.langs.get(lang, 0.0) for lang in keep) >= min_share


def keep_blocks_of(article: Article, lang: str) -> int:
    """Keep the blocks in ``lang`` (and those of no language: numbers, symbols);
    move the others to ``removed`` with reason ``other_language`` and re-tag
    the article. Returns how many blocks were removed."""
    kept = []
    for block in article.blocks:
        if block.get("lang") in (lang, UNDETERMINED):
            kept.append(block)
        else:
            article.removed.append({"reason": OTHER_LANGUAGE, "text": block["text"]})
    removed = len(article.blocks) - len(kept)
    if removed:
        article.blocks = kept
        article.join_text()
        article.lang, article.langs = language_shares(kept)
    return removed
