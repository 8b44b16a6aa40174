"""Builds crawler/cleaning/adshape.txt, the ad-shape model of ``foreign``'s
"shape" place: character and character-pair log-odds of ad text against
article text.

    python -m crawler.testing.adshape_build

Ad text: the promo items of the labelled sets' families that rules were
written for or built on (families.toml kinds "written" and "fit"), none of a
family marked novel and none of the blind sets. Article text: wordfreq's
Chinese list (each word weighted by its frequency) and the Chinese carrier
paragraphs of the same sets; the look-alikes are left out (they measure the
model). The words of trade of the offer and sales lists (rules/28-span.toml,
60-offers.toml: closed classes, no trade's name) count as ad text too.
Pairs are kept when the ad text holds them ``MIN_PAIR`` times or more;
characters when either side holds them (the ``CHARS`` most frequent of
wordfreq's list at least).
"""

from __future__ import annotations

import math
import tomllib
import re
from collections import Counter

from crawler.testing import clean_lofo as lofo
from crawler.testing.process import REPO

OUT = REPO / "crawler" / "cleaning" / "adshape.txt"
_RUN = re.compile(r"[\u3400-\u9fff]+")
# the ad counts are smoothed towards the article side's shares (a Dirichlet
# prior of this many characters): what the ad text never holds scores
# log(SMOOTH / (ad characters + SMOOTH)), rare or common; the share of
# wordfreq in the article side
SMOOTH = 2000
WORDFREQ_SHARE = 0.7
MIN_PAIR = 2
CLIP = 4.0
CHARS = 5000
RULES = REPO / "crawler" / "cleaning" / "rules"
TRADE_LISTS = {"28-span.toml": ("sales_strong", "sales_weak"),
               "60-offers.toml": ("offer_acts", "offer_promises", "offer_weak")}


def training_text() -> tuple[list[str], list[str]]:
    """(ad items, article paragraphs) the model learns from."""
    ads, prose, _ = lofo.training_items(("promo",), ("fit", "written"))
    for name, lists in TRADE_LISTS.items():
        data = tomllib.loads((RULES / name).read_text(encoding="utf-8"))
        ads.update(w for n in lists for w in data["lists"][n])
    return sorted(ads), sorted(prose)


def _counts(texts, weights=None) -> tuple[Counter, Counter]:
    chars, pairs = Counter(), Counter()
    for n, text in enumerate(texts):
        w = 1.0 if weights is None else weights[n]
        for run in _RUN.findall(text):
            for ch in run:
                chars[ch] += w
            for i in range(len(run) - 1):
                pairs[run[i:i + 2]] += w
    return chars, pairs


def _shares(counts: Counter) -> dict[str, float]:
    total = sum(counts.values()) or 1.0
    return {k: v / total for k, v in counts.items()}


def build() -> list[tuple[str, float]]:
    import wordfreq  # noqa: PLC0415

    ads, prose = training_text()
    freq = wordfreq.get_frequency_dict("zh", "large")
    words = [w for w in freq if _RUN.fullmatch(w)]
    wf_chars, wf_pairs = _counts(words, [freq[w] for w in words])
    pr_chars, pr_pairs = _counts(prose)
    ad_chars, ad_pairs = _counts(ads)
    out = []
    for ad, wf, pr, keep in ((ad_chars, wf_chars, pr_chars, 1), (ad_pairs, wf_pairs, pr_pairs, MIN_PAIR)):
        wf_s, pr_s = _shares(wf), _shares(pr)
        total = sum(ad.values())
        floor = 1e-9
        keys = [k for k, n in ad.items() if n >= keep]
        if keep == 1:
            keys = sorted(set(keys) | {k for k, _ in wf.most_common(CHARS)})
        for key in keys:
            n = ad.get(key, 0)
            p_bg = WORDFREQ_SHARE * wf_s.get(key, 0.0) + (1 - WORDFREQ_SHARE) * pr_s.get(key, 0.0) + floor
            p_ad = (n + SMOOTH * p_bg) / (total + SMOOTH)
            out.append((key, max(-CLIP, min(CLIP, math.log(p_ad / p_bg)))))
    return out


def main() -> None:
    rows = build()
    lines = [f"{key}\t{score:.2f}" for key, score in sorted(rows, key=lambda r: (len(r[0]), r[0]))]
    OUT.write_text("# built by python -m crawler.testing.adshape_build: key, log-odds of ad text against article text\n"
                   + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines)} keys")


if __name__ == "__main__":
    main()
