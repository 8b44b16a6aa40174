"""Within-article dedup: repeated blocks and glued seams."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler.dedup import MinHasher, dedup_blocks
from crawler.dedup.text import normalize
from crawler.parsing import parse_page

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seeds" / "sohu_style_article_with_spam.txt"

# The spam the clean stage (another branch) removes from the seed, span by span.
SEED_SPAM = (
    re.compile(r"股票配资线上"),
    re.compile(r"(?:[0-9a-z]{2}\.otpe6\.cn\|?)+"),  # link-farm run of hosts
    re.compile(r"\(以下继续扩展内容[^)]*\)"),  # generator's note
    re.compile(r"广瑞配资提示[^\n]*"),  # footer
)

HASHER = MinHasher()


def simulate_clean(blocks):
    """Delete exactly the seed's spam spans; drop blocks left empty."""
    out = []
    for block in blocks:
        text = block["text"]
        for pattern in SEED_SPAM:
            text = pattern.sub("", text)
        if text.strip():
            out.append({**block, "text": text.strip()})
    return out


def para(block_text: str) -> dict:
    return {"type": "paragraph", "text": block_text, "lang": None}


def texts(result) -> list[str]:
    return [b["text"] for b in result.blocks]


@pytest.fixture(scope="module")
def seed_article():
    assert SEED.is_file(), f"seed missing: {SEED} (tests need ../shared beside the checkout)"
    return parse_page(SEED.read_bytes(), SEED.as_uri(), name=SEED.name)


@pytest.fixture(scope="module")
def seed_paragraphs():
    """The seed's 66 distinct paragraphs in order, derived from the raw lines
    without the dedup code: the first copy of the body runs from the first
    line to the line before the first glued one (a line that ends with the
    whole first line but is longer); the body's last paragraph is the file's
    last real line, which appears on its own only at the very end."""
    lines = [ln.strip() for ln in SEED.read_text(encoding="utf-8").splitlines() if ln.strip()]
    cleaned = [b["text"] for b in simulate_clean([para(ln) for ln in lines])]
    first = cleaned[0]
    glued = next(i for i, ln in enumerate(cleaned) if ln != first and ln.endswith(first))
    expected = cleaned[:glued] + [cleaned[-1]]
    assert cleaned[glued] == cleaned[-1] + first  # the seam: last paragraph + first, no space
    return expected


def test_seed_after_cleaning_is_its_66_paragraphs_once_each_in_order(seed_article, seed_paragraphs):
    assert len(seed_paragraphs) == 66 and len(set(seed_paragraphs)) == 66
    blocks = simulate_clean(seed_article.blocks)
    result = dedup_blocks(blocks, HASHER)
    assert texts(result) == seed_paragraphs
    # Everything removed is a repeat of a kept paragraph, recorded as such.
    kept = {normalize(t) for t in seed_paragraphs}
    assert result.removed and all(r["reason"] == "duplicate_block" for r in result.removed)
    assert all(normalize(r["text"]) in kept for r in result.removed)
    # Nothing lost: every input character is in a kept block or a removed one.
    total_in = sum(len(normalize(b["text"])) for b in blocks)
    total_out = sum(len(normalize(t)) for t in texts(result)) + sum(len(normalize(r["text"])) for r in result.removed)
    assert total_in == total_out
    assert result.split_blocks == 4  # the four glued copies


def test_seed_seams_split_even_with_the_spam_still_in(seed_article, seed_paragraphs):
    """Seam splitting does not rely on cleaning: the promo inside one glued
    copy and the link farm do not stop the repeats from going."""
    result = dedup_blocks(seed_article.blocks, HASHER)
    out = texts(result)
    assert sum(t.startswith("In the surging wave") for t in out) == 1
    assert sum(t.startswith("In summary, under the AI wave") for t in out) == 1
    promo_copy = [t for t in out if "股票配资线上" in t]
    assert len(promo_copy) == 1 and promo_copy[0].endswith("masterpieces.")
    # The link-farm copy is cut mid-sentence, not a block-level repeat: cleaning's job.
    farm = [t for t in out if "otpe6.cn" in t]
    assert len(farm) == 1
    # Cleaned afterwards, the output is the 66 paragraphs plus that one farm copy.
    cleaned = [b["text"] for b in simulate_clean([para(t) for t in out if t != farm[0]])]
    assert cleaned == seed_paragraphs
    assert simulate_clean([para(farm[0])])[0]["text"] in seed_paragraphs


def test_promo_between_the_glued_blocks_goes_with_the_repeat():
    first = "春天的江南总是烟雨蒙蒙，石板路上行人撑着油纸伞缓缓走过。茶馆里飘出评弹的声音，让人忍不住驻足。"
    last = "傍晚时分，河面泛起金色的光，乌篷船一只接一只地划回码头，船夫的号子在水巷里回荡。"
    blocks = [para(first), para("游客们纷纷拿出手机记录这一刻，古镇的夜晚即将开始。"), para(last + "限时优惠加微信" + first)]
    result = dedup_blocks(blocks, HASHER)
    assert texts(result) == [first, blocks[1]["text"], last]
    assert result.removed == [{"reason": "duplicate_block", "text": "限时优惠加微信" + first}]


def test_three_glued_blocks_come_apart():
    a = "The harbour was quiet before dawn, and the fishing boats rocked gently against the pier."
    b = "By seven the market had filled with buyers haggling over crates of silver mackerel and crabs."
    c = "At noon the auction closed, and the last trucks left for restaurants across the province."
    blocks = [para(a), para(b), para(c), para(c + a + " " + b)]
    result = dedup_blocks(blocks, HASHER)
    assert texts(result) == [a, b, c]
    assert sorted(normalize(r["text"]) for r in result.removed) == sorted(normalize(t) for t in (a, b, c))


def test_glued_block_before_its_parts_keeps_the_first_occurrence():
    a = "这座图书馆建于上世纪三十年代，外墙的红砖至今保存完好，每年吸引数万名读者。"
    b = "馆内藏有大量地方志和老报纸，研究人员常常在阅览室里一坐就是一整天。"
    blocks = [para(a + b), para("后来图书馆进行了数字化改造。"), para(a), para(b)]
    result = dedup_blocks(blocks, HASHER)
    # The glued block came first: it is split, both halves stay; the later copies go.
    assert texts(result) == [a + b, "后来图书馆进行了数字化改造。"]
    assert [r["text"] for r in result.removed] == [a, b]


def test_sentence_quoted_from_an_earlier_paragraph_is_removed_without_rewriting_it():
    body = ("研究团队在三年里走访了四十个村庄。他们发现，留守老人最缺的不是钱，而是有人陪伴说话。"
            "这一结论后来写进了地方政府的工作报告。")
    quote = "他们发现，留守老人最缺的不是钱，而是有人陪伴说话。"
    result = dedup_blocks([para(body), {"type": "quote", "text": quote, "lang": None}], HASHER)
    assert texts(result) == [body]  # the paragraph is kept whole, not split
    assert result.removed == [{"reason": "duplicate_block", "text": quote}]
    assert result.split_blocks == 0


def test_text_inside_a_sentence_is_never_cut_out():
    heading = "城市更新中的老街区保护问题"
    sentence = f"专家认为，{heading}需要更多居民参与讨论，而不是只由开发商说了算。"
    result = dedup_blocks([{"type": "heading", "text": heading, "lang": None}, para(sentence)], HASHER)
    assert texts(result) == [heading, sentence]
    assert result.removed == []


def test_full_width_and_spacing_variants_are_exact_repeats():
    text = "ＡＩ写作工具在２０２５年迅速普及， 但编辑们仍然坚持人工审校！"
    variant = "AI写作工具在2025年迅速普及,但编辑们仍然坚持人工审校!"
    result = dedup_blocks([para(text), para("中间段落，讲的是另外一件事情，和前后都没有关系。"), para(variant)], HASHER)
    assert len(result.blocks) == 2 and result.removed[0]["text"] == variant


def test_near_duplicate_block_removed_and_distinct_ones_kept():
    text = ("The city council approved the new cycling lanes on Tuesday after months of debate, "
            "promising that construction would begin in the spring and finish before the summer festival.")
    near = text.replace("Tuesday", "Wednesday")
    other = ("Shop owners along the avenue worried about parking, but a survey found most customers "
             "arrive on foot or by bus, and several cafes now plan to add outdoor seating.")
    result = dedup_blocks([para(text), para(other), para(near)], HASHER)
    assert texts(result) == [text, other]


def test_short_repeated_lines_are_kept():
    blocks = [para("小结"), para("第一部分讲的是背景和问题的由来，篇幅不长。"), para("小结"), para("第二部分讲的是解决办法。")]
    result = dedup_blocks(blocks, HASHER)
    assert texts(result) == [b["text"] for b in blocks]


def test_spans_follow_the_cut():
    a = "Volunteers planted two hundred trees along the river bank over the weekend."
    b = "The mayor thanked them and promised to fund a second planting next autumn."
    glued = b + a
    link_at = glued.index("mayor")
    hidden_at = glued.index("two hundred")
    block = {"type": "paragraph", "text": glued, "lang": None,
             "spans": [[link_at, link_at + 5, "link", "https://example.org/mayor"],
                       [hidden_at, hidden_at + 11, "hidden", "display:none"]]}
    result = dedup_blocks([para(a), block], HASHER)
    assert texts(result) == [a, b]
    kept = result.blocks[1]
    assert kept["spans"] == [[b.index("mayor"), b.index("mayor") + 5, "link", "https://example.org/mayor"]]
    assert kept["text"][kept["spans"][0][0]:kept["spans"][0][1]] == "mayor"
    assert "spans" in block  # the input block is not modified


def test_similar_rows_of_a_report_are_not_repeats():
    rows = [para(f"{2000 + i // 12}年{i % 12 + 1}月，公司营收{(i * 37) % 90 / 10 + 1:.1f}亿元，"
                 f"同比增长{(i * 13) % 40}%，净利润{(i * 7) % 50 / 10:.1f}亿元。") for i in range(120)]
    result = dedup_blocks(rows, HASHER)
    assert texts(result) == [r["text"] for r in rows] and result.removed == []
