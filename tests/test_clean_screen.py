"""The literal prefilter of regex rules (crawler/cleaning/screen.py): what each
construct needs, and never a text ruled out that the pattern matches."""

import functools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis import strategies as st

from crawler.cleaning import Cleaner, load_rules
from crawler.cleaning.cleaner import _Article, _Block
from crawler.cleaning.rules import _compile_clause, alternation
from crawler.cleaning.screen import CASE_TWINS, Analysis, Screen, Screens, hyperscan, required_literals
from crawler.cleaning.textops import _FOLDABLE, _MAY_FOLD, fold, glued_table, unfold
from crawler.testing.clean_labelled import SETS, load_data
from tests.support.cleaning import built

RULES = built()


def needs(pattern: str, flags: int = 0):
    """The clauses (in any order), or None."""
    clauses = required_literals(pattern, flags)
    return None if clauses is None else {frozenset(c) for c in clauses}


def screen(pattern: str, flags: int = 0) -> Screen:
    return Screen(required_literals(pattern, flags), lambda clause: re.compile(alternation(clause)))


# --- one construct at a time ---------------------------------------------------

def test_a_literal_run_is_needed_whole():
    assert needs("配资") == {frozenset({"配资"})}


def test_a_branch_needs_one_of_its_alternatives():
    assert needs("彩票|博彩") == {frozenset({"彩票", "博彩"})}


def test_known_strings_multiply_into_longer_literals():
    # 股(?:票|指)网 can only be 股票网 or 股指网; the optional word adds nothing needed
    assert needs("(?:线上)?股(?:票|指)网") == {frozenset({"股票网", "股指网"})}
    assert needs("[甲乙]方") == {frozenset({"甲方", "乙方"})}


def test_an_optional_or_open_part_needs_nothing():
    assert needs("(?:股票)*") is None
    assert needs("a?") is None
    assert needs(r"\d+") is None  # a category
    assert needs("[^a]") is None  # a negated class
    assert needs(".") is None
    assert needs(r"(?:股票){0,3}配资") == {frozenset({"配资"})}


def test_a_repeat_that_must_match_needs_its_body():
    assert needs("(?:彩票)+") == {frozenset({"彩票"})}
    assert needs("(?:彩票){2,}") == {frozenset({"彩票"})}


def test_a_sequence_needs_each_part_around_an_unknown_one():
    # both literals are needed: a text must hold 配 and 资
    assert needs("配.?资") == {frozenset({"配"}), frozenset({"资"})}


def test_a_branch_distributes_over_what_its_alternatives_need():
    # (配 and 资) or 炒股 = (配 or 炒股) and (资 or 炒股)
    assert needs("配.?资|炒股") == {frozenset({"炒股", "资"}), frozenset({"炒股", "配"})}


def test_the_most_selective_clauses_come_first_and_few_are_kept():
    assert required_literals("x.*配资彩票.*ab") == (frozenset({"配资彩票"}), frozenset({"ab"}))


def test_an_alternative_needing_nothing_makes_the_branch_need_nothing():
    assert needs(r"配资|\d+") is None


def test_look_arounds():
    # a positive one needs what it looks at; zero width keeps its neighbours adjacent
    assert needs(r"(?=.*?彩票)\w+") == {frozenset({"彩票"})}
    assert needs("(?<=官网)(?:配资)") == {frozenset({"配资"}), frozenset({"官网"})}
    assert needs("配(?!方)资") == {frozenset({"配资"})}  # a negative one needs nothing
    assert needs("(?!配方)") is None
    assert needs(r"\b配资\b") == {frozenset({"配资"})}


def test_case():
    # under IGNORECASE, a cased character is unknown; one without case is itself
    assert needs("casino", re.IGNORECASE) is None
    assert needs("casino") == {frozenset({"casino"})}
    assert needs("(?i)casino") is None
    assert needs("(?i:vip)配资") == {frozenset({"配资"})}
    assert needs("配资", re.IGNORECASE) == {frozenset({"配资"})}
    assert needs("[vV]信", re.IGNORECASE) == {frozenset({"信"})}


def caseless(pattern: str, flags: int = 0) -> Screen | None:
    clauses = required_literals(pattern, flags, analysis=Analysis(caseless=True))
    return clauses and Screen(clauses, lambda clause: re.compile(alternation(clause)), caseless=True)


def test_caseless_analysis_takes_ascii_letters_in_lower_case():
    test = caseless("casino|POKER", re.IGNORECASE)
    assert {frozenset(c) for c in test.clauses} == {frozenset({"casino", "poker"})}
    assert test("Best CaSiNo in town") and test("poker night") and not test("a quiet night")
    assert caseless("(?i:vip)配资").clauses == (frozenset({"vip配资"}),)
    assert caseless("[A-C]x").clauses == (frozenset({"ax", "bx", "cx"}),)
    # a letter beyond ASCII keeps its case rules: unknown when matched without case
    assert caseless("ÉCOLE", re.IGNORECASE).clauses == (frozenset({"cole"}),)


def test_case_twins_are_every_other_character_ignorecase_matches_to_an_ascii_letter():
    letter = re.compile("(?i)[a-z]")
    assert "".join(ch for ch in map(chr, range(128, 0x110000)) if letter.fullmatch(ch)) == CASE_TWINS
    # a text holding one passes a caseless screen, whatever else it holds
    test = caseless("casino", re.IGNORECASE)
    assert re.search("(?i)casino", "ca\u017fino") and test("ca\u017fino") and not test("caxino")


def test_the_clauses_are_trimmed_and_not_implied_by_each_other():
    # 股票 in a text already holds 股; 责任编辑 implies 任
    assert needs("股票|股") == {frozenset({"股"})}
    assert needs("责任编辑.*任") == {frozenset({"责任编辑"})}


def test_groups_atomic_groups_and_back_references():
    assert needs("(?P<cut>配资)") == {frozenset({"配资"})}
    assert needs("(?>配资)") == {frozenset({"配资"})}
    assert needs(r"(配)\1") == {frozenset({"配"})}


def test_an_unparsable_pattern_gets_no_screen():
    assert required_literals("(") is None


def test_a_screen_asks_each_clause():
    test = screen("配.?资|炒股")
    assert test("他用配 资炒") and test("炒股") and not test("配方") and not test("资料")
    many = screen("甲方|乙方|丙方|丁方|戊方")  # beyond the literals tested with `in`: a regex
    assert many("合同的丁方") and not many("方案")


# --- never a text ruled out that the pattern matches ---------------------------

ALPHABET = "ab配资股票 .x"


@st.composite
def regex(draw, depth=0):
    """A random pattern over a small alphabet, with every construct the analysis reads."""
    leaves = [st.sampled_from(list("ab配资股")), st.just("."), st.sampled_from(["[ab]", "[^a]", r"\s", r"\w", "[股票]"]),
              st.just(r"\b"), st.just("^"), st.just("$")]
    if depth >= 3:
        return draw(st.one_of(leaves))
    inner = regex(depth + 1)
    seq = st.lists(inner, min_size=1, max_size=3).map("".join)
    return draw(st.one_of(
        *leaves,
        seq,
        st.lists(seq, min_size=2, max_size=3).map(lambda alts: "(?:" + "|".join(alts) + ")"),
        # unbounded repeats only innermost: nested ones backtrack for ages
        st.tuples(seq, st.sampled_from(["?", "{2}", "{1,3}", "??"] + (["*", "+", "+?", "*+"] if depth >= 2 else []))).map(
            lambda t: f"(?:{t[0]}){t[1]}"),
        st.tuples(st.sampled_from(["(?=", "(?!", "(?<=", "(?<!"]), inner).map(lambda t: t[0] + t[1] + ")"),
        seq.map(lambda s: f"(?>{s})"),
        seq.map(lambda s: f"(?i:{s})"),
        seq.map(lambda s: f"(?P<g>{s})(?P=g)"),
    ))


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)  # look-behinds need a fixed width
    except re.error:
        return False
    return True


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(regex().filter(_compiles), st.lists(st.text(alphabet=ALPHABET, max_size=12), min_size=1, max_size=8))
def test_no_text_the_pattern_matches_fails_its_screen(pattern, texts):
    clauses = required_literals(pattern)
    if clauses is None:
        return
    test = screen(pattern)
    compiled = re.compile(pattern)
    for text in texts:
        if compiled.search(text):
            assert test(text), (pattern, text, clauses)
            assert all(any(literal in text for literal in clause) for clause in clauses)


CASED_ALPHABET = "aAbBsSkK配资 .\u017f\u212a\u0130\u0131"


@st.composite
def cased_regex(draw, depth=0):
    """A random pattern of cased letters, parts of it matching without case."""
    leaves = [st.sampled_from(list("aAbBsSkK配")), st.just("."), st.sampled_from(["[aB]", "[A-C]", "[^a]", r"\w", "[sK]"])]
    if depth >= 2:
        return draw(st.one_of(leaves))
    seq = st.lists(cased_regex(depth + 1), min_size=1, max_size=3).map("".join)
    return draw(st.one_of(
        *leaves, seq,
        st.lists(seq, min_size=2, max_size=3).map(lambda alts: "(?:" + "|".join(alts) + ")"),
        st.tuples(seq, st.sampled_from(["?", "{2}", "+"])).map(lambda t: f"(?:{t[0]}){t[1]}"),
        seq.map(lambda s: f"(?i:{s})"), seq.map(lambda s: f"(?-i:{s})"),
    ))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(cased_regex(), st.booleans(), st.lists(st.text(alphabet=CASED_ALPHABET, max_size=10), min_size=1, max_size=8))
def test_no_text_the_pattern_matches_fails_its_caseless_screen(pattern, ignore_case, texts):
    flags = re.IGNORECASE if ignore_case else 0
    if not _compiles(pattern):
        return
    test = caseless(pattern, flags)
    if test is None:
        return
    compiled = re.compile(pattern, flags)
    one_scan = Screens([test])
    for text in texts:
        assert one_scan.verdicts(text)[test] == test(text), (pattern, text)
        if compiled.search(text):
            assert test(text), (pattern, text, test)


SCREENED = [rule for rule in RULES.rules if rule.screen is not None]


def test_most_built_in_rules_are_screened():
    regex_rules = [rule for rule in RULES.rules if rule.kind == "regex"]
    assert len(SCREENED) >= 0.8 * len(regex_rules)


def test_most_built_in_note_rules_are_screened():
    # a note needs a word of its groups (rules._note_needs_a_word): blocks with none skip the rule
    notes = [rule for rule in RULES.rules if rule.kind == "note"]
    assert notes and sum(rule.screen is not None for rule in notes) >= 0.8 * len(notes)


@pytest.mark.parametrize("rule", SCREENED, ids=lambda rule: rule.name)
def test_no_text_a_built_in_rule_matches_fails_its_screen(rule):
    pattern = rule.compiled["pattern"]

    # texts holding a match, built by hypothesis from the pattern itself; the
    # same ones each run: on some texts a rule's own pattern backtracks for
    # minutes (rules guard it with max_block_chars)
    @settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(pattern))
    def check(text):
        assert pattern.search(text)
        assert rule.screen(text), (rule.name, text)

    # and the labelled sets' texts it matches, as written and with their case changed
    # (a note rule's words are looked for in the lower-cased text)
    limit = rule.params.get("max_block_chars") or 2000
    seen = str.lower if rule.kind == "note" else str
    matched = [text for original in _labelled_texts(joined=False) if len(original) <= limit
               for text in (original, original.swapcase(), original.upper()) if pattern.search(seen(text))]
    assert all(rule.screen(text) for text in matched), rule.name
    try:
        check()
    except Unsatisfiable:  # hypothesis cannot write a text for some patterns (look-behinds)
        assert matched, f"{rule.name}: no text it matches to test its screen on"


def _strings(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    values = data.values() if isinstance(data, dict) else data if isinstance(data, (list, tuple)) else []
    return [text for value in values for text in _strings(value)]


@functools.cache
def _labelled_texts(joined: bool = True) -> list[str]:
    """Every text of the cleaning's labelled sets (spam and legitimate, folded as
    rules see it), and each set's texts joined as an article's blocks are."""
    texts = []
    for name in SETS:
        found = [fold(text)[0] for text in _strings(load_data(name))]
        texts += found + (["\x00".join(found[i:i + 8]) for i in range(0, len(found), 8)] if joined else [])
    return texts


def test_all_screens_in_one_scan_give_each_screen_s_own_verdict():
    assert hyperscan is not None, "hyperscan is in requirements.txt: its wheel failed to install"
    screens = [rule.screen for rule in SCREENED]
    one_scan, one_by_one = Screens(screens), Screens(screens, engine=None)
    texts = _labelled_texts() + ["", "配资", "\ud83d配资平台\udc00", "ＱＱ群", "Best CASINO bonus", "ca\u017fino"]
    ruled_in = 0
    for text in texts:
        expected = {screen: screen(text) for screen in screens}
        assert one_scan.verdicts(text) == expected == one_by_one.verdicts(text), text
        ruled_in += sum(expected.values())
    assert ruled_in  # some texts hold spam: not every verdict is False


MIXED = [Screen(tuple(map(frozenset, clauses)), _compile_clause, caseless) for clauses, caseless in [
    ((["ab"],), False), ((["ab", "cd"], ["ef"]), False), ((["x"], ["y"], ["z", "ab"]), False),
    ((["cd"], ["x", "ef"]), True), ((["y", "q"],), True)]]
MIXED_SCAN = Screens(MIXED)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdefxyzqAB \u017f", max_size=24))
def test_one_scan_tells_screens_of_one_two_and_three_clauses_as_each_does(text):
    # a screen of several clauses passes when the literals found hold a literal of each
    assert MIXED_SCAN.verdicts(text) == {screen: screen(text) for screen in MIXED}


def test_rules_needing_the_same_literals_share_one_screen_asked_once_per_block():
    promo = {rule.name: rule.screen for rule in RULES.rules
             if rule.name in ("promo-short-line", "promo-glued", "promo-sentence", "promo-in-latin")}
    assert len(set(map(id, promo.values()))) == 1
    shared = next(iter(promo.values()))
    calls = []

    class Counting(Screen):
        __slots__ = ()

        def __call__(self, text):
            calls.append(text)
            return super().__call__(text)

    counting = Counting(shared.clauses, lambda clause: re.compile(alternation(clause)))
    block = _Block({"type": "paragraph", "text": "他在河边修好了一台旧水车。"})
    assert not block.passes(counting) and not block.passes(counting)
    assert len(calls) == 1


def test_a_screened_out_block_costs_no_match_but_a_spam_block_is_still_cleaned():
    cleaner = Cleaner(RULES)
    clean = [{"type": "paragraph", "text": "清晨六点，渡口的摆渡人悄悄地测量了溪水的流速。"}]
    assert cleaner.clean_blocks(clean).removed == []
    spam = clean + [{"type": "paragraph", "text": "我们整理了溪水的流速数据，画成了图表。正规配资平台，低息开户找我们。"}]
    result = cleaner.clean_blocks(spam)
    assert [r["reason"] for r in result.removed] == ["promo"]
    assert result.blocks[1]["text"] == "我们整理了溪水的流速数据，画成了图表。"


def test_a_screen_failing_on_the_whole_article_skips_its_rules_yet_a_cut_brings_them_back(tmp_path):
    # rule "tag" removes a marker; only then does "promo" find its literal, in the same pass
    path = tmp_path / "mine.toml"
    path.write_text('[[rules]]\nname = "tag"\nreason = "boilerplate"\npattern = "【广告】"\n\n'
                    '[[rules]]\nname = "promo"\nreason = "promo"\npattern = "配资平台"\n', encoding="utf-8")
    cleaner = Cleaner(load_rules([path], defaults=False))
    blocks = [{"type": "paragraph", "text": "渡口的摆渡人测量了溪水的流速。"},
              {"type": "paragraph", "text": "他说起了配资【广告】平台的事。"}]
    article = _Article([_Block(b) for b in blocks])
    assert cleaner._live_rules(article, None, cleaner.rules) == [True, False]  # no block holds 配资平台 yet
    assert cleaner._live_rules(article, {0}, cleaner.rules) == [False, False]
    out, removed, _ = cleaner._pass(blocks, None, cleaner.rules)  # one pass: the promo rule saw the text the tag rule left
    assert [r["reason"] for r in removed] == ["boilerplate", "promo"]
    assert out[1]["text"] == "他说起了的事。"


def test_the_glued_pinyin_table_is_the_one_its_script_builds():
    from crawler.testing import pinyin_build  # noqa: PLC0415

    # (a rule file's new words change it: python -m crawler.testing.pinyin_build)
    assert glued_table() == pinyin_build.build(), "rebuild crawler/cleaning/pinyin_glued.txt"
    assert glued_table()["pei资"] == "配" and glued_table()["网du"] == "赌"


def test_a_cut_ending_on_a_syllable_read_as_an_ideograph_takes_the_whole_syllable():
    text = "二楼新设了彩piao自习区"
    view, origin = fold(text)
    assert view == "二楼新设了彩票自习区"
    assert unfold(text, origin, 5, 7) == (5, 10)  # 彩票 -> 彩piao
    text = "请加wei xin：ab_12"
    view, origin = fold(text)
    assert view == "请加微信：ab_12"
    assert unfold(text, origin, 2, 4) == (2, 9)  # 微信 -> wei xin


def test_a_text_without_a_character_folding_can_take_is_its_own_view():
    # fold's first scan (_MAY_FOLD) must know every character a match of _FOLDABLE
    # can hold: alone, or between two ideographs (where inserted symbols are taken)
    for code in range(0x110000):
        ch = chr(code)
        if _FOLDABLE.search(ch) or _FOLDABLE.search(f"中{ch}中"):
            assert _MAY_FOLD.search(ch), hex(code)
    assert fold("配-资平台，正规配资") == ("配资平台，正规配资", [0, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert fold("他在河边修好了一台旧水车。") == ("他在河边修好了一台旧水车。", None)


@pytest.mark.parametrize("text, view", [
    ("配❤\ufe0f资平台", "配资平台"),
    ("網\u200e貸", "网贷"),
    ("🅱🅴🆃 ⒝⒠⒯ ᴄᴀꜱɪɴᴏ", "BET bet casino"),
    ("c.a.s.i.n.o 真钱", "casino 真钱"),
    ("onl\u0456ne", "online"),
    ("Москва и Αθήνα", "Москва и Αθήνα"),  # no ASCII letter in the word: its own alphabet
    ("北京→天津，晴☀转多云", "北京天津，晴转多云"),  # two words joined: no punctuation of prose goes
    ("分配，资金；股票、基金", "分配，资金；股票、基金"),
    ("U.S. and e.g. stay", "U.S. and e.g. stay"),
    # a handle spelt out (a letter among its characters; digits alone are a number),
    # digits of other notations, pinyin for a character of a rule's word
    ("h*k*7*7*5*5 k·e·f·u·8·8·6", "hk7755 kefu886"),
    ("1 0 2 4 5 5", "1 0 2 4 5 5"),
    ("¹³⁸ ⑨⑧⑦ ⅤⅩ", "138 987 VX"),
    ("pei资，网du娱乐，彩piao计划，网du。", "配资，网赌娱乐，彩票计划，网赌。"),
    ("用app下单，ni好", "用app下单，ni好"),
    # digits of other scripts; a rule's word in spaced pinyin among ideographs (not in English prose)
    ("咨询：١٣٩٠٠ ๓๔๕", "咨询：13900 345"),
    ("wei xin：ab_12，bo cai 平台", "微信：ab_12，博彩 平台"),
    ("I said wei xin 好", "I said wei xin 好"),
])
def test_the_folded_view_drops_symbols_of_any_class_and_maps_look_alikes(text, view):
    folded, origin = fold(text)
    assert folded == view
    if origin is not None:  # each character of the view comes from a later place of the text than the last
        assert len(origin) == len(folded) + 1 and origin == sorted(set(origin)) and origin[-1] == len(text)



def test_a_cleaner_without_the_one_scan_cleans_as_with_it():
    # where hyperscan has no wheel each block asks its rules' screens one by one
    # (``Cleaner._live_rules``, then ``Screen.__call__``): the same removals
    with_scan, one_by_one = Cleaner(RULES), Cleaner(RULES)
    one_by_one._screens = Screens(one_by_one._screens.screens, engine=None)
    assert with_scan._screens.indexed and not one_by_one._screens.indexed
    texts = _labelled_texts(joined=False)
    articles = [[{"type": "paragraph", "text": text} for text in texts[i:i + 8]] for i in range(0, len(texts), 8)]
    removed = 0
    for blocks in articles:
        expected = with_scan.clean_blocks(blocks)
        assert one_by_one.clean_blocks(blocks) == expected, blocks
        removed += len(expected.removed)
    assert removed  # the labelled sets hold spam: some removals were compared
