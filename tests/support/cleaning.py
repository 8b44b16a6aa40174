"""What the cleaning tests share: paragraphs built from texts, a cleaner
without some rule files (to test one kind of signal alone), and the texts
cleaned among more prose (the safety valve spares a short article, so a
removal is tested inside an article of some length), and a check of a
pattern's structure, and a user's rule file that must be refused."""

import functools
import re
from re import _constants as C, _parser

import pytest

from crawler.cleaning import Cleaner, RuleError, load_rules
from crawler.cleaning.rules import RuleSet

ZH = "入秋以后，山里的柿子陆续成熟，村民们把柿子削皮串好挂在屋檐下。"
EN = "The bridge opened in 1932 and still carries the morning trams."


@functools.cache
def built() -> RuleSet:
    """The built-in rules, built once for the tests that only read them (each
    build takes about a second)."""
    return load_rules()


@functools.cache
def full() -> Cleaner:
    """A cleaner with every rule file and the default safety valve (built once)."""
    return Cleaner(built())


@functools.cache
def lenient() -> Cleaner:
    """Every rule file, and a safety valve that lets 90% of an article go (a
    test's article is a note and a paragraph or two around it)."""
    return Cleaner(built(), max_removed_share=0.9)


# the prose the note and notice tests put around what they clean
BOAT = "入冬前，渔民们把船拖上岸，刮掉船底的藤壶，再刷上一层桐油。老船工说，一条木船保养得好，能用三十年。"
ORCHARD = "The orchard keeps forty old apple varieties, and the volunteers graft new trees from them every March."


def paragraphs(*texts: str) -> list[dict]:
    return [{"type": "paragraph", "text": t, "lang": None} for t in texts]


def without(*files: str, max_removed_share: float = 0.9) -> Cleaner:
    """A cleaner with the rules of these rule files (name stems, e.g.
    ``"55-notes"``) switched off."""
    return Cleaner(_without(files), max_removed_share=max_removed_share)


@functools.cache
def _without(files: tuple[str, ...]) -> RuleSet:
    return load_rules(disabled=[r.name for r in built().rules if any(f in r.source for f in files)])


def kept(result) -> list[str]:
    return [b["text"] for b in result.blocks]


def removed(result) -> list[tuple[str, str]]:
    """Each removal's signal and text without the spaces at its edges."""
    return [(x["signal"], x["text"].strip()) for x in result.removed]


def signals(result) -> list[tuple[str, str]]:
    return [(x["reason"], x["signal"]) for x in result.removed]


def among(cleaner: Cleaner, texts, before: tuple[str, ...], after: tuple[str, ...]):
    """``texts`` cleaned between the paragraphs ``before`` and ``after``, which
    must come out intact: (the texts kept, [(signal, text removed)])."""
    result = cleaner.clean_blocks(paragraphs(*before, *texts, *after))
    out = kept(result)
    assert out[:len(before)] == list(before) and out[len(out) - len(after):] == list(after)
    return out[len(before):len(out) - len(after)], [(r["signal"], r["text"]) for r in result.removed]


def one(cleaner: Cleaner, text: str) -> tuple[str, list[dict]]:
    """One paragraph cleaned: (its text, or "" when it went whole; the removals)."""
    result = cleaner.clean_blocks(paragraphs(text))
    return (result.blocks[0]["text"] if result.blocks else ""), result.removed


def before_prose(*texts: str):
    """The texts cleaned (by ``full()``) before more prose, which must come out
    intact: the result, its blocks those of the texts."""
    result = full().clean_blocks(paragraphs(*texts, ZH, EN, ZH))
    assert kept(result)[-3:] == [ZH, EN, ZH]
    result.blocks = result.blocks[:-3]
    return result


def nested_repeats(pattern: re.Pattern | str) -> list[int]:
    """The repeats of more than once (backtracking ones) standing inside another
    repeat of more than once in ``pattern``: each splits a run of text between
    its turns in every way before the match gives up, work growing as a power
    of the run. Read from the pattern's structure, not from a clock."""
    if isinstance(pattern, str):
        pattern = re.compile(pattern)
    return _nested(_parser.parse(pattern.pattern, pattern.flags))


def _nested(tree, inside: bool = False) -> list[int]:
    backtracking = (C.MAX_REPEAT, C.MIN_REPEAT)
    found = []
    for op, av in tree:
        if op in backtracking or op is C.POSSESSIVE_REPEAT:
            _, most, body = av
            turns = op in backtracking and most > 1
            if inside and turns:
                found.append(most)
            # a possessive repeat gives back nothing: what it holds is tried once
            found += _nested(body, turns or (inside and op in backtracking))
        elif op is C.SUBPATTERN:
            found += _nested(av[-1], inside)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            found += _nested(av[1], inside)
        elif op is C.BRANCH:
            for alternative in av[1]:
                found += _nested(alternative, inside)
        elif op is C.ATOMIC_GROUP:
            found += _nested(av, False)
    return found


def refused(tmp_path, toml: str, match: str, **options) -> None:
    """A user's rule file of ``toml`` is refused at load, with a message ``match`` finds."""
    path = tmp_path / "mine.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(RuleError, match=match):
        load_rules([path], **options)
