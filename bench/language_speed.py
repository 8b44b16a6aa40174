"""Speed of the language stage against plain langdetect, and its share of pipeline time.

    python bench/language_speed.py [--repeat N]

Inputs: every page under ../shared/corpus/real that parse_page turns into an
article, and the seed ../shared/seeds/sohu_style_article_with_spam.txt.
Peer, in the same run: langdetect (all 55 profiles, seeded factory) on every block.
Pipeline time here = parse_page + language: the clean and dedup stages are not
on this branch, so the share printed is an upper bound of the merged chain's.
Also prints both methods' accuracy on the labelled set (blocks >= 20 chars).
"""

from __future__ import annotations

import argparse
import sys
import time

from harness import ROOT  # noqa: E402  (the repository, put on sys.path)

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory  # noqa: E402
from langdetect.lang_detect_exception import LangDetectException  # noqa: E402

from crawler.errors import Rejection  # noqa: E402
from crawler.language import LanguageDetector, load_rules, tag_article  # noqa: E402
from crawler.parsing import parse_page  # noqa: E402

SHARED = ROOT.parent / "shared"
REAL = SHARED / "corpus" / "real"
SEED = SHARED / "seeds" / "sohu_style_article_with_spam.txt"


def plain_langdetect():
    factory = DetectorFactory()
    factory.set_seed(0)
    factory.load_profile(PROFILES_DIRECTORY)

    def detect(text: str) -> str:
        detector = factory.create()
        detector.append(text)
        try:
            return detector.detect()
        except LangDetectException:
            return "und"
    return detect


def pages() -> list[tuple[str, bytes]]:
    found = sorted(p for p in REAL.rglob("*") if p.is_file() and p.name != "SOURCES.md")
    if not found:
        sys.exit(f"no pages under {REAL}")
    return [(p.name, p.read_bytes()) for p in found]


def parse(name: str, body: bytes):
    try:
        return parse_page(body, f"file:{name}", name=name)
    except Rejection:
        return None


def run(inputs, detector, peer, repeat: int) -> dict[str, float]:
    """Best-of-`repeat` seconds for each phase over `inputs`."""
    best = {"parse": float("inf"), "language": float("inf"), "peer": float("inf")}
    blocks = 0
    for _ in range(repeat):
        spent = dict.fromkeys(best, 0.0)
        blocks = 0
        for name, body in inputs:
            start = time.perf_counter()
            article = parse(name, body)
            spent["parse"] += time.perf_counter() - start
            if article is None:
                continue
            texts = [b["text"] for b in article.blocks]
            blocks += len(texts)
            start = time.perf_counter()
            tag_article(article, detector)
            spent["language"] += time.perf_counter() - start
            start = time.perf_counter()
            for text in texts:
                peer(text)
            spent["peer"] += time.perf_counter() - start
        best = {key: min(best[key], spent[key]) for key in best}
    return {**best, "blocks": blocks}


def report(title: str, figures: dict[str, float]) -> None:
    blocks, parse_s, lang_s, peer_s = figures["blocks"], figures["parse"], figures["language"], figures["peer"]
    print(f"\n{title}: {blocks} blocks")
    print(f"  parse_page          {parse_s * 1000:9.1f} ms")
    print(f"  language stage      {lang_s * 1000:9.1f} ms  {blocks / lang_s:10.0f} blocks/s")
    print(f"  plain langdetect    {peer_s * 1000:9.1f} ms  {blocks / peer_s:10.0f} blocks/s")
    print(f"  speed-up vs peer    {peer_s / lang_s:9.1f} x")
    print(f"  language share of parse+language: {lang_s / (parse_s + lang_s):6.1%}"
          f"   (with plain langdetect: {peer_s / (parse_s + peer_s):6.1%})")


def labelled_accuracy(detector, peer) -> None:
    from crawler.testing.language_labelled import read_labelled, tag_labelled

    ours = [(e, g) for e, g, t in tag_labelled(detector) if len(t) >= 20]
    rows = [(e, t) for _, article in read_labelled() for e, _, t in article if len(t) >= 20]
    theirs = [(e, {"zh-cn": "zh", "zh-tw": "zh"}.get(g, g)) for e, g in ((e, peer(t)) for e, t in rows)]
    for label, pairs in (("language stage", ours), ("plain langdetect", theirs)):
        right = sum(e == g for e, g in pairs)
        print(f"  {label:18}  {right}/{len(pairs)} = {right / len(pairs):.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure; the best is kept")
    args = parser.parse_args()

    start = time.perf_counter()
    detector = LanguageDetector(load_rules()).prepare()
    print(f"language stage start-up (rules + its langdetect profiles): {(time.perf_counter() - start) * 1000:.0f} ms")
    start = time.perf_counter()
    peer = plain_langdetect()
    print(f"plain langdetect start-up (55 profiles): {(time.perf_counter() - start) * 1000:.0f} ms")

    real = pages()
    run(real, detector, peer, 1)  # warm-up: imports, caches
    report(f"real pages ({len(real)} files under {REAL.relative_to(SHARED.parent)})",
           run(real, detector, peer, args.repeat))
    report("seed (bilingual zh/en, with spam)", run([(SEED.name, SEED.read_bytes())], detector, peer, args.repeat))
    print("\naccuracy on tests/data/language_blocks.txt, blocks >= 20 chars:")
    labelled_accuracy(detector, peer)


if __name__ == "__main__":
    main()
