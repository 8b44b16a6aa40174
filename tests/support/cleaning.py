"""What the cleaning tests share: paragraphs built from texts, a cleaner
without some rule files (to test one kind of signal alone), and the texts
cleaned among more prose (the safety valve spares a short article, so a
removal is tested inside an article of some length)."""

from crawler.cleaning import Cleaner, load_rules


def paragraphs(*texts: str) -> list[dict]:
    return [{"type": "paragraph", "text": t, "lang": None} for t in texts]


def without(*files: str, max_removed_share: float = 0.9) -> Cleaner:
    """A cleaner with the rules of these rule files (name stems, e.g.
    ``"55-notes"``) switched off."""
    rules = load_rules().rules
    return Cleaner(load_rules(disabled=[r.name for r in rules if any(f in r.source for f in files)]),
                   max_removed_share=max_removed_share)


def kept(result) -> list[str]:
    return [b["text"] for b in result.blocks]


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
