"""What the whole item pipeline chain makes of known inputs, against checked-in expected files.

A change meant to be invisible (a faster library, a refactor) must leave
every output as it was; a change of behaviour shows up here, entry by entry.
Each set is a JSON-lines file ``tests/data/chain_outputs/<set>.jsonl``, one
line per input: ``{"id", "output"[, "why"]}``. ``why`` is written by hand
after a regeneration, saying why that entry's output changed.

    python -m tests.support.chain_outputs            # regenerate every set
    python -m tests.support.chain_outputs SET ...    # some sets

Regenerating keeps the ``why`` of every entry whose output is unchanged and
puts ``"why": "TODO ..."`` on each changed one; the test fails while a TODO
is left. Read ``git diff tests/data/chain_outputs``, replace each TODO with
the reason, and say why in the commit message.

The sets (the chain built once per set by ``crawler.testing.chain``, a fresh
in-memory dedup index):
- ``fixtures``: tests/fixtures/pages, the whole exported article;
- ``clean_<name>``: the clean stage's labelled sets (crawler/testing/clean_labelled.py),
  each page with its injection: the text's digest and what was removed;
- ``dedup``: the dedup labelled set (crawler/testing/dedup_labelled.py) in its
  crawl order, cross-article dedup labelling: what each article duplicates;
- ``language``: the language labelled set, the language given to each block;
- ``real``: the pages of ../shared/corpus/real and ../shared/seeds, as digests
  and counts only (none of their text enters the repo).
Cross-article dedup and learned templates are off in the page sets, whose
inputs share text on purpose (the labelled carriers): each page's output
stands alone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from collections import Counter

from crawler.items import Article, Page
from crawler.testing import chain
from crawler.testing.clean_labelled import SETS as CLEAN_SETS
from crawler.testing.clean_labelled import build_cases
from crawler.testing.process import REPO, SHARED

EXPECTED = REPO / "tests" / "data" / "chain_outputs"
TODO = "TODO: say why this output changed"
REGEN = "python -m tests.support.chain_outputs"


def _digest(value) -> str:
    data = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:16]


def _rejected(record) -> dict:
    return {"rejected": record.reason, "detail": record.detail}


def _full(item) -> dict:
    if not isinstance(item, Article):
        return _rejected(item)
    return {"article": dataclasses.asdict(item)}


def _compact(item) -> dict:
    """An article's decisions, with its text as a digest."""
    if not isinstance(item, Article):
        return _rejected(item)
    return {
        "title": item.title, "lang": item.lang, "blocks": len(item.blocks), "chars": len(item.text),
        "text": _digest(item.text), "removed": [[r.get("reason"), r.get("text")] for r in item.removed],
        "duplicate_of": item.duplicate_of,
    }


def _counts(item) -> dict:
    """Counts and a digest of the whole article only (pages of ../shared)."""
    if not isinstance(item, Article):
        return _rejected(item)
    return {
        "lang": item.lang, "blocks": len(item.blocks), "chars": len(item.text),
        "removed": dict(sorted(Counter(r.get("reason") for r in item.removed).items())),
        "digest": _digest(dataclasses.asdict(item)),
    }


_PAGE_SETTINGS = {"DEDUP_ARTICLES": False, "CLEAN_TEMPLATES_ENABLED": False}


def _pages(pages, record) -> dict[str, dict]:
    stages = chain.build_stages(**_PAGE_SETTINGS)
    return {name: record(chain.run(stages, page)) for name, page in pages}


def _fixtures() -> dict[str, dict]:
    pages = REPO / "tests" / "fixtures" / "pages"
    inputs = []
    for case in sorted(p.name for p in pages.iterdir() if (p / "body.html").is_file()):
        meta = json.loads((pages / case / "meta.json").read_text(encoding="utf-8"))
        url = meta["url"]
        inputs.append((case, Page(url, url, body=(pages / case / "body.html").read_bytes(),
                                  content_type=meta.get("content_type"))))
    return _pages(inputs, _full)


def _clean(name: str) -> dict[str, dict]:
    inputs = []
    for case in build_cases(name):
        body, url, _ = case.page(injected=True)
        inputs.append((f"{case.number}/{case.kind}/{case.fmt}", Page(url, url, body=body)))
    return _pages(inputs, _compact)


def _real() -> dict[str, dict]:
    files = sorted((SHARED / "corpus" / "real").glob("*/*.html")) + sorted((SHARED / "seeds").glob("*"))
    assert files, f"no pages under {SHARED}: ../shared must sit beside the checkout"
    inputs = []
    for path in files:
        name = path.relative_to(SHARED).as_posix()
        inputs.append((name, Page(f"file:///shared/{name}", f"file:///shared/{name}", body=path.read_bytes())))
    return _pages(inputs, _counts)


def _dedup() -> dict[str, dict]:
    from crawler.testing import dedup_labelled

    stages = chain.build_stages(DEDUP_ACTION="label")
    out = {}
    for labelled in dedup_labelled.build():
        article = Article(url=labelled.url, fetched_from=labelled.url, source="web",
                          blocks=[{"type": "paragraph", "text": p} for p in labelled.paragraphs])
        article.join_text()
        out[labelled.url] = _compact(chain.run(stages, article))
    return out


def _language() -> dict[str, dict]:
    from crawler.testing.language_labelled import read_labelled

    detector = dict(chain.build_stages())["LanguagePipeline"].detector
    out = {}
    for name, rows in read_labelled():
        blocks = [{"type": block_type, "text": text} for _, block_type, text in rows]
        detector.tag_blocks(blocks)
        out[name] = {"langs": [block["lang"] for block in blocks]}
    return out


SETS = {"fixtures": _fixtures, **{f"clean_{n}": (lambda n=n: _clean(n)) for n in CLEAN_SETS},
        "dedup": _dedup, "language": _language, "real": _real}


def outputs(name: str) -> dict[str, dict]:
    """id -> output of the set ``name``, in input order."""
    return SETS[name]()


def read_expected(name: str) -> dict[str, dict]:
    """id -> {"output"[, "why"]} from the set's expected file."""
    path = EXPECTED / f"{name}.jsonl"
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        entries[entry.pop("id")] = entry
    return entries


def differences(name: str, got: dict[str, dict], expected: dict[str, dict]) -> list[str]:
    """What differs, one line per entry (empty: the outputs are as expected)."""
    lines = [f"{key}: new input" for key in got if key not in expected]
    lines += [f"{key}: input gone" for key in expected if key not in got]
    for key, output in got.items():
        if key in expected and expected[key]["output"] != output:
            old = expected[key]["output"]
            changed = sorted(k for k in set(old) | set(output) if old.get(k) != output.get(k))
            lines.append(f"{key}: " + "; ".join(f"{k}: {_short(old.get(k))} -> {_short(output.get(k))}"
                                                for k in changed))
    lines += [f"{key}: why is still {TODO!r}" for key, entry in expected.items() if entry.get("why") == TODO]
    return lines


def _short(value, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "..."


def regenerate(name: str) -> list[str]:
    """Rewrite the set's expected file; returns the ids whose output changed."""
    path = EXPECTED / f"{name}.jsonl"
    old = read_expected(name) if path.exists() else {}
    changed, lines = [], []
    for key, output in outputs(name).items():
        entry = {"id": key, "output": output}
        before = old.get(key)
        if before is not None and before["output"] == output:
            if "why" in before:
                entry["why"] = before["why"]
        elif before is not None:
            entry["why"] = TODO
            changed.append(key)
        lines.append(json.dumps(entry, ensure_ascii=False, sort_keys=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed


def main(argv: list[str]) -> int:
    names = argv or list(SETS)
    unknown = set(names) - set(SETS)
    if unknown:
        print(f"unknown set(s): {', '.join(sorted(unknown))} (sets: {', '.join(SETS)})", file=sys.stderr)
        return 2
    for name in names:
        changed = regenerate(name)
        print(f"{name}: {len(changed)} output(s) changed" + "".join(f"\n  {key}" for key in changed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
