"""The counts and classes textops derives from ``is_cjk`` say what it says."""

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.cleaning.textops import _CJK_RANGES, cjk_count, fold, is_cjk, unfold

# every code point at and beside the edges of the ranges, and a stretch of each
EDGES = "".join(chr(c) for lo, hi in _CJK_RANGES for c in [*range(lo - 3, lo + 4), *range(hi - 3, hi + 4)])


def test_cjk_count_is_the_count_of_is_cjk_at_the_edges_of_its_ranges():
    assert cjk_count(EDGES) == sum(map(is_cjk, EDGES)) > 0
    assert cjk_count("") == 0 and cjk_count("abc，。 \ud800") == 0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(EDGES + "ab 1，。、\u3000\ud83d"), max_size=60))
def test_cjk_count_counts_as_is_cjk_does(text):
    assert cjk_count(text) == sum(map(is_cjk, text))


def test_pinyin_with_its_tone_marks_reads_as_pinyin_and_other_accents_stay():
    assert fold("bó cǎi 平台")[0] == "博彩 平台"
    assert fold("下kuǎn秒批")[0] == "下款秒批"
    assert fold("他说 café 很好喝")[0] == "他说 café 很好喝"


def _cut(text: str, term: str) -> str:
    """The text a cut of ``term`` in the folded view takes from ``text``."""
    view, origin = fold(text)
    start = view.index(term)
    cut_start, cut_end = unfold(text, origin, start, start + len(term))
    return text[cut_start:cut_end]


def test_notations_of_a_character_read_as_the_character_and_a_cut_takes_all_of_it():
    # enclosed and parenthesised ideographs (an emoji one between two ideographs is a decoration)
    assert fold("配㊮开户")[0] == "配资开户" and fold("㈹开发票")[0] == "代开发票"
    assert fold("🈚视征信")[0] == "无视征信" and fold("网㊙贷")[0] == "网贷"
    # each character in brackets of its own
    assert fold("酒店【博】【彩】平台")[0] == "酒店博彩平台"
    assert _cut("酒店【博】【彩】平台", "博彩") == "【博】【彩】"
    assert fold("「永」字")[0] == "「永」字"  # one bracketed character is a quotation
    # a letter of another script drawn as an ideograph, alone among ideographs
    assert fold("新ロ子秒批")[0] == "新口子秒批"
    assert fold("日本公司的ロボット展台")[0] == "日本公司的ロボット展台"
    # zhuyin glued to a term's other character; pinyin with tone numbers
    assert fold("ㄆㄟˋ资平台")[0] == "配资平台" and _cut("ㄆㄟˋ资平台", "配资") == "ㄆㄟˋ资"
    assert fold("先学ㄅㄆㄇㄈ注音")[0] == "先学ㄅㄆㄇㄈ注音"
    assert fold("pei4zi1 开户")[0] == "配资 开户" and _cut("pei4zi1 开户", "配") == "pei4zi1"
    assert fold("写成 ma1、ma2")[0] == "写成 ma1、ma2"


def test_invisible_characters_of_any_class_and_marks_between_letters_are_dropped():
    assert fold("百\u3164家\u3164乐")[0] == "百家乐" and fold("套\U000e0020现")[0] == "套现"
    assert fold("刷\U000e0101单")[0] == "刷单" and fold("彩\u115f票")[0] == "彩票"
    assert fold("c🎲a🎲s🎲i🎲n🎲o 注册")[0] == "casino 注册"
    # accents on two letters of a word or more are a disguise; one is a language's
    assert fold("ćàśíñó bónúś 首充")[0] == "casino bonus 首充"
    assert fold("crêpes and a naïve rosé")[0] == "crêpes and a naïve rosé"


def test_a_character_written_as_its_parts_reads_as_it_beside_a_character_of_its_word():
    assert fold("酉己次贝开户")[0] == "配资开户"  # both characters of 配资 split
    assert fold("网上贝者场")[0] == "网上赌场" and fold("发覀示代开")[0] == "发票代开"
    assert _cut("酉己次贝开户", "配资") == "酉己次贝"
    # parts that make no word of the rules with their neighbours, or that prose writes, stay
    for prose in ("宝贝者也", "这次贝壳很多", "人言可畏", "老王见了他"):
        assert fold(prose)[0] == prose


def test_a_word_of_the_rules_in_solid_pinyin_among_ideographs_reads_as_the_word():
    assert fold("peizi开户")[0] == "配资开户" and fold("网上 WangDu 回血")[0] == "网上 网赌 回血"
    assert _cut("peizi开户", "配资") == "peizi"
    # English words and words of no rule keep their letters
    for text in ("使用 python 编程", "他说 hello 你好", "The women said 你好"):
        assert fold(text)[0] == text


def test_digits_of_any_numeral_system_read_as_digits():
    # the Hangzhou numerals and the counting rods; 〇 and the Roman numerals keep their reading
    assert fold("电话：〡〣〨 〇〇〡〣")[0] == "电话：138 〇〇13"
    assert fold("扣扣 𝍠𝍢𝍤𝍦")[0] == "扣扣 1357"
    assert fold("二〇二四年")[0] == "二〇二四年" and fold("第Ⅱ部分")[0] == "第Ⅱ部分"


def test_a_handle_of_letters_borrowed_from_other_alphabets_reads_as_a_handle():
    assert fold("vx→ԁаԁа_1212")[0] == "vx→dada_1212"
    # a letter with no look-alike stands as a placeholder: the handle keeps its shape
    assert fold("薇：ѕһоրрɩ_77")[0] == "薇：shoxpi_77"
    # a word of another alphabet with no ASCII in it keeps its letters
    assert fold("选手 Алексей 胜出")[0] == "选手 Алексей 胜出"


def test_a_letter_or_digit_between_the_characters_of_a_rules_word_is_noise():
    assert fold("网a赌回血")[0] == "网赌回血" and fold("贷7款当天到账")[0] == "贷款当天到账"
    assert _cut("配k资开户", "配资") == "配k资"
    # counts and grades between characters that make no word of the rules stay
    for prose in ("今年3月", "买3送1", "第3季度", "做B超"):
        assert fold(prose)[0] == prose
