"""Quality of the clean stage on the labelled set (tests/data/clean).

    python bench/clean_eval.py [--show 10] [--set main|holdout|unseen|all]

Every injection of tests/data/clean/injections.toml is put into pages of
each of its formats (plain text, Markdown, WeChat #js_content, Sohu
article#mp-editor), parsed by crawler.parsing.parse_page and cleaned; the
same page parsed without the injection is what cleaning must give back.
Prints, per kind, per format and overall: the share of injected characters
removed (target >= 99.5%), the share of legitimate characters kept (target
>= 99.9%), how many cases carry the expected reason, and every look-alike
paragraph (tests/data/clean/lookalikes.toml) that did not come out intact.
``--set`` picks the set: ``main`` (the default), ``holdout``
(tests/data/clean/holdout.toml, written after the first rules were tuned),
``unseen`` (tests/data/clean/unseen.toml: variants and verticals the first
rules were not written for, with its own carriers and look-alikes) or ``all``
(each in turn; the exit status says whether every one met the targets).
``--holdout`` is ``--set holdout``.
The peer in the same run is a naive cleaner: one regex of the spam
vocabulary and host names, removed wherever it matches.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys

import harness  # noqa: E402,F401  (puts the repository on sys.path)

from crawler.cleaning import Cleaner, load_rules  # noqa: E402
from crawler.testing import clean_labelled as labelled  # noqa: E402


def naive_cleaner(rules):
    """The obvious baseline: every vocabulary word and every host name, anywhere."""
    words = [w for name in ("gambling_terms", "lottery_terms", "loan_terms", "ui_strings", "promo_en")
             for w in rules.lists[name]]
    pattern = re.compile(
        "|".join(map(re.escape, sorted(set(words), key=len, reverse=True)))
        + r"|配资|(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/\S*)?|阅读原文|关注我们|责任编辑[:：]\S*",
        re.IGNORECASE,
    )

    def clean(blocks):
        return [b for b in ({**b, "text": pattern.sub("", b["text"]).strip()} for b in blocks) if b["text"]]

    return clean


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", type=int, default=10, help="cases with leftovers or losses to print")
    parser.add_argument("--set", dest="name", default="main", choices=(*labelled.SETS, "all"),
                        help="labelled set to score")
    parser.add_argument("--holdout", action="store_true", help="same as --set holdout")
    parser.add_argument("--kind", help="only the cases of this kind (e.g. promo_line, lookalike)")
    args = parser.parse_args()
    rules = load_rules()
    names = labelled.SETS if args.name == "all" else ["holdout" if args.holdout else args.name]
    results = []
    for name in names:
        print(f"==== set {name}")
        results.append(evaluate(name, rules, args.show, args.kind))
    return 0 if all(results) else 1


def evaluate(name: str, rules, show: int, kind: str | None = None) -> bool:
    """Score one set, print its table; whether it met the targets."""
    cleaner = Cleaner(rules)
    naive = naive_cleaner(rules)
    cases = [c for c in labelled.build_cases(name) if kind is None or c.kind == kind]
    groups: dict[str, labelled.Score] = {}
    naive_total = labelled.Score()
    broken, shown = [], 0
    for case in cases:
        article = labelled.parse(case, injected=True)
        expected = labelled.parse(case, injected=False).text
        before = article.text
        received = {b["text"] for b in article.blocks}
        naive_text = "\n".join(b["text"] for b in naive(article.blocks))
        naive_total.add(labelled.score(expected, before, naive_text, [], None))
        mine = len(article.removed)
        cleaner.clean(article)
        score = labelled.score(expected, before, article.text, article.removed[mine:], case.reason)
        for key in (f"kind {case.kind}", f"format {case.fmt}", "ALL"):
            groups.setdefault(key, labelled.Score()).add(score)
        kept = {b["text"] for b in article.blocks}
        broken += [(case.fmt, t) for t in case.lookalikes if (t in received or case.fmt == "text") and t not in kept]
        if shown < show and (score.spam_removed < score.spam_chars or score.legit_kept < score.legit_chars):
            shown += 1
            print(f"-- {case.kind} / {case.fmt}: {case.item!r}")
            ops = difflib.SequenceMatcher(None, expected, article.text, autojunk=False).get_opcodes()
            for op, a0, a1, b0, b1 in ops:
                if op != "equal":
                    print(f"   {op}: expected {expected[a0:a1]!r} got {article.text[b0:b1]!r}")
    injections = {(c.kind, str(c.item)) for c in cases if c.reason}
    lookalikes = {t for c in cases for t in c.lookalikes}
    print(f"\n{len(injections)} injections in {sum(1 for c in cases if c.reason)} pages; "
          f"{len(lookalikes)} look-alike paragraphs in {sum(1 for c in cases if not c.reason)} pages\n")
    print(f"{'group':28} {'spam removed':>22} {'legit kept':>24} {'reason ok':>10}")
    for key in sorted(groups, key=lambda k: (k != "ALL", k)):
        s = groups[key]
        reason = f"{s.reason_ok}/{s.reason_cases}" if s.reason_cases else "-"
        print(f"{key:28} {s.spam_removed:>7}/{s.spam_chars:<7} {s.recall:7.2%} "
              f"{s.legit_kept:>7}/{s.legit_chars:<7} {s.kept:8.3%} {reason:>10}")
    total = groups["ALL"]
    print(f"\nnaive regex peer (same pages): spam removed {naive_total.recall:.2%}, "
          f"legit kept {naive_total.kept:.3%}")
    print(f"look-alike paragraphs broken: {len(broken)}")
    for fmt, text in broken:
        print(f"   {fmt}: {text}")
    ok = total.recall >= 0.995 and total.kept >= 0.999 and not broken
    print("targets (>= 99.5% removed, >= 99.9% kept, look-alikes intact):", "met" if ok else "NOT met")
    return ok


if __name__ == "__main__":
    sys.exit(main())
