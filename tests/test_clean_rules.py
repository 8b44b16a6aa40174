"""Rule files: validation at load, user extensions, and the first-character speed-up."""

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.cleaning import Cleaner, RuleError, load_rules
from crawler.cleaning.firstchars import first_chars, with_first_chars
from crawler.cleaning.rules import alternation


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def paragraph(text):
    return {"type": "paragraph", "text": text, "lang": None}


def test_builtin_rules_load_in_file_order():
    names = load_rules().names()
    assert names.index("hidden-text") < names.index("host-run") < names.index("promo-footer")
    assert names.index("promo-footer") < names.index("generator-bracket-zh") < names.index("sohu-back-to-sohu")


@pytest.mark.parametrize("body, message", [
    ('[[rules]]\nname = "x"\nreason = "promo"\npattern = "a"\ncolour = "red"\n', "unknown key(s) ['colour']"),
    ('[[rules]]\nname = "x"\nreason = "Promo!"\npattern = "a"\n', "'reason' must be a lowercase word"),
    ('[[rules]]\nname = "x"\nreason = "promo"\npattern = "(a"\n', "'pattern' is not a valid regex"),
    ('[[rules]]\nname = "x"\nreason = "promo"\npattern = "{{nowhere}}"\n', "{{nowhere}} is neither a list nor a var"),
    ('[[rules]]\nname = "x"\nreason = "promo"\nscope = "page"\npattern = "a"\n', "'scope' must be one of"),
    ('[[rules]]\nname = "x"\nkind = "magic"\nreason = "promo"\n', "unknown kind 'magic'"),
    ('[[rules]]\nname = "x"\nreason = "promo"\n', "needs a 'pattern'"),
    ('[[rules]]\nname = "x"\nreason = "promo"\npattern = "a"\nmax_block_chars = "ten"\n', "'max_block_chars' has the wrong type"),
    ('[[rules]]\nname = "x"\nreason = "promo"\npattern = "a"\nmax_lead = -1\n', "'max_lead' must be >= 0"),
    ('[[rules]]\nname = "x"\nreason = "promo"\npattern = "a"\nseam = "b"\n', "'seam' needs a group named 'contact'"),
    ('[[rules]]\nname = "x"\nkind = "host_run"\nreason = "link_farm"\nmin_run = 1\n', "'min_run' must be >= 2"),
    ('[lists]\nwords = "not a list"\n', "list 'words' must be an array"),
    ('colour = 1\n', "unknown top-level key(s) ['colour']"),
    ('[[rules]]\nreason = "promo"\npattern = "a"\n', "rule without a 'name'"),
    ("not toml at all = = =\n", "not valid TOML"),
])
def test_mistakes_are_reported_with_file_and_rule(tmp_path, body, message):
    path = write(tmp_path, "mine.toml", body)
    with pytest.raises(RuleError) as err:
        load_rules([path])
    assert message in str(err.value)
    assert "mine.toml" in str(err.value)


def test_missing_file_and_unknown_disabled_rule_are_errors(tmp_path):
    with pytest.raises(RuleError, match="rule file not found"):
        load_rules([tmp_path / "absent.toml"])
    with pytest.raises(RuleError, match="not defined"):
        load_rules(disabled=["no-such-rule"])


def test_user_list_extends_a_builtin_vocabulary(tmp_path):
    text = "海边的渡轮每天往返两次，港口新开了飞鹰娱乐场，乘客可以在甲板上看日落。"
    assert Cleaner(load_rules()).clean_blocks([paragraph(text)]).removed == []
    user = write(tmp_path, "more.toml", '[lists]\ngambling_terms = ["飞鹰娱乐场"]\n')
    result = Cleaner(load_rules([user])).clean_blocks([paragraph(text)])
    assert result.removed == [{"reason": "promo", "signal": "lexicon", "text": "飞鹰娱乐场"}]
    assert result.blocks[0]["text"] == "海边的渡轮每天往返两次，港口新开了，乘客可以在甲板上看日落。"


def test_user_rule_with_its_own_reason_from_json(tmp_path):
    user = tmp_path / "watermark.json"
    user.write_text(json.dumps({"rules": [{
        "name": "site-watermark", "reason": "watermark", "scope": "block", "pattern": "^本文首发于.{1,20}$",
    }]}, ensure_ascii=False), encoding="utf-8")
    article = [paragraph("渡轮每天往返两次，乘客可以在甲板上看日落。"), paragraph("本文首发于渡口周刊")]
    result = Cleaner(load_rules([user])).clean_blocks(article)
    assert [b["text"] for b in result.blocks] == ["渡轮每天往返两次，乘客可以在甲板上看日落。"]
    assert result.by_reason == {"watermark": [1, 9]}


def test_same_name_replaces_a_rule_and_enabled_false_removes_it(tmp_path):
    base = load_rules().names()
    replaced = write(tmp_path, "a.toml", '[[rules]]\nname = "sohu-back-to-sohu"\nreason = "boilerplate"\npattern = "返回首页"\n')
    rules = load_rules([replaced])
    assert rules.names() == base
    assert rules.rules[base.index("sohu-back-to-sohu")].params["pattern"] == "返回首页"
    off = write(tmp_path, "b.toml", '[[rules]]\nname = "sohu-back-to-sohu"\nenabled = false\n')
    assert "sohu-back-to-sohu" not in load_rules([off]).names()
    assert "sohu-back-to-sohu" not in load_rules(disabled=["sohu-back-to-sohu"]).names()


def test_directory_of_rule_files_is_read_by_name(tmp_path):
    write(tmp_path, "2.toml", '[[rules]]\nname = "second"\nreason = "x"\npattern = "b"\n')
    write(tmp_path, "1.toml", '[[rules]]\nname = "first"\nreason = "x"\npattern = "a"\n')
    write(tmp_path, "notes.txt", "ignored")
    assert load_rules([tmp_path], defaults=False).names() == ["first", "second"]


# -- regex helpers -------------------------------------------------------------------

words = st.lists(st.text(alphabet="ab配资.|", min_size=1, max_size=4), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(words, st.text(alphabet="ab配资.|x ", max_size=30))
def test_trie_alternation_matches_like_a_plain_alternation(vocabulary, text):
    plain = "|".join(re.escape(w) for w in sorted(set(vocabulary), key=lambda w: (-len(w), w)))
    assert [m.span() for m in re.finditer(alternation(vocabulary), text)] == \
           [m.span() for m in re.finditer(plain, text)]


PATTERNS = [
    r"(?:股票|线上){0,3}配资(?:平台|网){0,2}",
    r"(?<=[a-z ])(?P<cut>(?=[\u4e00-\u9fff]*?配资)[\u4e00-\u9fff]+)",
    r"[（(【\[](?=[^)）]{0,20}?字数)[^)）]{1,30}[)）]",
    r"\b(?:online casino|free spins)\b",
    r"^(?:点击|长按)?关注$",
    # a digit or a space class among the first characters, a group without case on the way to them
    r"(?:仅需|低至)?\s*[十百千\d]+元",
    r"(?i:(?<![a-z])(?:free|sk(?-i:IN)|\d+ ?spins))",
    r"(?:(?i:casino)|网)\s?平台",
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATTERNS), st.booleans(),
       st.text(alphabet="ab 配资股票线上平台网点击长按关注字数()（）【online casinofreespiFREESKIN"
                        "\u212a\u017f\u0130\u0131\u3000\u00a0\t0９\u0663十元仅需低至", max_size=40))
def test_first_character_prefix_changes_no_match(pattern, ignore_case, text):
    flags = re.IGNORECASE if ignore_case else 0
    fast = re.compile(with_first_chars(pattern, flags), flags)
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in re.finditer(pattern, text, flags)]


@pytest.mark.parametrize("pattern, text", [
    (r"(?i:(?<![a-z])(?:free|sk(?-i:IN)|\d+ ?spins))", "FREE Free \u212aIN SKIN 10 SPINS ٣spins"),
    (r"(?:仅需|低至)?\s*[十百千\d]+元", "仅需\u3000٣百元 低至 ９元 五元 ٣元"),
    (r"(?:(?i:casino)|网)\s?平台", "CASINO平台 网\u00a0平台 Casino 平台"),
])
def test_the_prefix_of_digit_space_and_caseless_firsts_keeps_every_match(pattern, text):
    assert with_first_chars(pattern) != pattern
    found = [m.span() for m in re.finditer(pattern, text)]
    assert len(found) >= 3 and [m.span() for m in re.finditer(with_first_chars(pattern), text)] == found


def test_first_characters_are_found_or_given_up():
    assert first_chars(r"(?:股票|线上){0,3}配资") == {"股", "线", "配"}
    assert first_chars(r"\w+x") is None  # a category: unbounded
    assert first_chars(r"a?") is None  # can match empty
    assert with_first_chars(r".x") == r".x"
    assert first_chars(r"\d+x") is None  # a category re tells: no set of characters...
    assert with_first_chars(r"\d+x") == r"(?=[\d])(?:\d+x)"  # ... but a lookahead all the same
    assert with_first_chars(r"(?i:ab)|c") == r"(?=(?i:[\u0061\u0063]))(?:(?i:ab)|c)"
    # re tries a pattern anchored at the start there alone: a lookahead before it would try every position
    assert with_first_chars(r"^\s*(?:点击|长按)关注") == r"^\s*(?:点击|长按)关注"
    assert with_first_chars(r"\A关注") == r"\A关注"
