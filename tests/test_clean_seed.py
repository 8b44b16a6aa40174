"""Done-when of the clean stage on the shared seed and on the real pages (../shared).

These tests read ../shared beside the checkout and fail when it is missing.
"""

from pathlib import Path

import pytest

from crawler.errors import Rejection
from crawler.parsing import parse_page
from tests.support.cleaning import full

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seeds" / "sohu_style_article_with_spam.txt"
REAL = SHARED / "corpus" / "real"
CLEANER = full()


@pytest.fixture(scope="module")
def seed():
    assert SEED.is_file(), f"{SEED} is missing: the shared material must sit beside the checkout"
    raw = SEED.read_bytes()
    article = parse_page(raw, SEED.as_uri(), name=SEED.name)
    before = [b["text"] for b in article.blocks]
    result = CLEANER.clean(article)
    return raw.decode("utf-8"), before, article, result


def test_seed_has_no_trace_of_spam(seed):
    _raw, _before, article, result = seed
    assert not result.valve
    for trace in ("otpe6", "配资", "扩展内容", "字数", "审核通过", "不代表本站观点"):
        assert trace not in article.text
    assert {r["reason"] for r in article.removed} == {"link_farm", "promo", "generator_note"}


def test_seed_keeps_each_distinct_content_paragraph(seed):
    raw, _before, article, _result = seed
    # the seed's lines that carry no spam and no seam between two paragraphs
    spam_marks = ("otpe6", "配资", "以下继续扩展", "masterpieces.In")
    content = [line for line in dict.fromkeys(raw.splitlines()) if line.strip()
               and not any(mark in line for mark in spam_marks)]
    assert len(content) == 66
    kept = {b["text"] for b in article.blocks}
    assert [p for p in content if p not in kept] == []


def test_seed_spam_in_a_paragraph_is_cut_out_of_it(seed):
    _raw, before, article, _result = seed
    kept = {b["text"] for b in article.blocks}
    farm_lines = [t for t in before if "otpe6" in t]
    assert farm_lines
    for line in farm_lines:  # the paragraph with the host run comes back whole
        start = line.index("un.otpe6.cn")
        end = line.rindex("otpe6.cn") + len("otpe6.cn")
        assert line[:start] + line[end:] in kept
    glued = [t for t in kept if "In the future" in t and "masterpieces.In" in t]
    assert glued and all("In the future, only when" in t for t in glued)


def test_seed_repeats_stay_for_dedup(seed):
    _raw, before, article, _result = seed
    texts = [b["text"] for b in article.blocks]
    assert len(texts) > len(set(texts))  # the repeated paragraphs are dedup's job
    removed_blocks = len(before) - len(texts)
    assert removed_blocks == sum(1 for t in before if t.startswith("(以下继续扩展") or "配资提示" in t)


def test_real_pages_lose_only_boilerplate():
    pages = sorted(REAL.glob("*/*.html"))
    assert pages, f"{REAL} is missing: the shared material must sit beside the checkout"
    reasons = set()
    cleaned = 0
    for page in pages:
        site = page.parent.name
        url = {"wechat": "https://mp.weixin.qq.com/s/x", "sohu": "https://www.sohu.com/a/1_2"}.get(site, page.as_uri())
        try:
            article = parse_page(page.read_bytes(), url, name=page.name)
        except Rejection:
            continue
        chars = len(article.text)
        mine = len(article.removed)
        result = CLEANER.clean(article)
        cleaned += 1
        reasons |= {r["reason"] for r in article.removed[mine:]}
        assert not result.valve, page.name
        assert result.removed_chars <= 0.1 * chars, page.name
    assert cleaned >= 20
    assert reasons <= {"boilerplate"}
