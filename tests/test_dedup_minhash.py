"""Normalisation, sentence bounds, signatures and LSH parameters."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.dedup.minhash import MinHasher, lsh_params, similarity
from crawler.dedup.text import _words, normalize, normalize_all, sentence_bounds, shingle_hashes, shingle_set

TEXT_A = ("冬天的哈尔滨，冰雕在夜色里发着光，游客们裹着厚厚的羽绒服排队进入冰雪大世界。"
          "一位来自广州的游客说，这是她第一次见到零下二十度的天气，冷得很兴奋。") * 2
TEXT_B = TEXT_A.replace("广州", "海口").replace("二十度", "二十五度") + "景区表示，今年接待量比去年多了三成。"


def test_normalize_folds_width_case_space_and_punctuation():
    assert normalize("ＡＩ 技术，２０２５年！ Hello,\u3000World…") == "ai技术2025年helloworld"
    assert normalize("“真心”——温度。") == "真心温度"
    assert normalize("  \n") == ""


# characters around which NFKC composes, decomposes or maps: full-width forms,
# combining marks, Hangul jamo, compatibility symbols, CJK and plain ASCII
_TRICKY = st.text(st.sampled_from(
    "，：；！？（）％／～　ＡａＺ０９e\u0301\u0308\u3099\u309a\u1100\u1161\u11a8か゛ﾊﾟ™㎏℃①½ﬁ…。、中文 aZ9,."
), max_size=30)


@settings(max_examples=400, deadline=None)
@given(_TRICKY)
def test_normalize_is_nfkc_casefold_and_word_characters_only(text):
    # the definition; normalize() replaces some full-width punctuation first, which must not change it
    assert normalize(text) == re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).lower())


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(st.sampled_from("ΣσΑa\u0301\u0308e\u1100\u1161ｶﾞ中，。 \n"), max_size=8) | _TRICKY, max_size=5))
def test_a_text_of_blocks_joined_by_line_breaks_normalises_to_its_blocks_normalised_joined(blocks):
    # the dedup stage takes the article's normalised text from its blocks' (a final
    # sigma, a combining mark or a jamo at a block's edge must not tell the difference)
    assert normalize("\n".join(blocks)) == "".join(map(normalize, blocks))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(st.sampled_from("ΣσΑa\u0301\u0308e\u1100\u1161ｶﾞ中，。 \n\x00😀_"), max_size=8) | _TRICKY,
                max_size=6))
def test_texts_normalised_together_are_each_normalised_alone(texts):
    # folded in one string (final sigmas, combining marks and jamo at the edges; texts
    # holding the separator or characters beyond the BMP, which take the one-by-one path)
    assert normalize_all(texts) == [normalize(text) for text in texts]


def test_the_word_table_keeps_what_the_expression_keeps():
    table = _words()
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000 or code == 0:  # surrogates are no text; NUL is the separator
            continue
        assert table[code] == (re.fullmatch(r"[\W_]+", chr(code)) is None), hex(code)


def test_shingle_hashes_of_the_same_text_again_are_the_kept_ones_and_read_only():
    first = shingle_hashes("冬天的哈尔滨冰雕", 5)
    again = shingle_hashes("".join(["冬天的", "哈尔滨冰雕"]), 5)  # equal, another object
    assert again is first and not again.flags.writeable
    assert shingle_hashes("冬天的哈尔滨冰雕", 4).tolist() != first.tolist()[:3]  # another size: computed anew
    assert len(shingle_hashes("冬天的哈尔滨冰雕", 4)) == 5


def test_sentence_bounds_cut_glued_sentences_but_not_numbers():
    text = "It rose 3.5 percent. Then it fell.In the end nothing changed。下一句！最后"
    bounds = sentence_bounds(text)
    parts = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    assert parts == ["It rose 3.5 percent. ", "Then it fell.", "In the end nothing changed。", "下一句！", "最后"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=12), st.integers(1, 6))
def test_shingle_hashes_are_the_mixed_polynomial_of_each_window(text, size):
    # the definition, in Python integers: Horner's rule over the code points mod 2**64, then splitmix64
    def mixed(x):
        for shift, factor in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
            x = ((x ^ (x >> shift)) * factor) % 2**64
        return x ^ (x >> 31)

    width = min(size, len(text))
    expected = []
    for start in range(len(text) - width + 1 if text else 0):
        acc = 0
        for char in text[start:start + width]:
            acc = (acc * 0x100000001B3 + ord(char)) % 2**64
        expected.append(mixed(acc))
    assert shingle_hashes(text, size).tolist() == expected


def test_shingles_are_character_ngrams():
    assert len(shingle_hashes("abcdef", 5)) == 2
    assert len(shingle_hashes("abc", 5)) == 1  # short text: one shingle
    assert len(shingle_set("abababab", 2)) == 2
    assert shingle_set("北京欢迎你", 3).tolist() == shingle_set("北京欢迎你", 3).tolist()


def test_batch_signatures_equal_single_ones_and_are_reproducible():
    hasher = MinHasher(64, 5)
    sets = [hasher.shingles(t) for t in (TEXT_A, TEXT_B, "短句子", TEXT_A * 40)]
    batch = hasher.signatures(sets)
    assert batch.shape == (4, 64) and batch.dtype == np.uint32
    assert all((batch[i] == hasher.signature(s)).all() for i, s in enumerate(sets))
    assert (MinHasher(64, 5).signatures(sets) == batch).all()  # same seed, same signatures
    assert not (MinHasher(64, 5, seed=2).signature(sets[0]) == batch[0]).all()


def test_repeats_and_order_of_the_hashes_leave_the_signature_as_it_is():
    """The dedup stage signs an article's shingle hashes as they come, repeats and all."""
    hasher = MinHasher(128, 5)
    hashes = shingle_hashes(normalize(TEXT_A + TEXT_A[:40] + TEXT_B), 5)
    assert len(np.unique(hashes)) < len(hashes)  # the text repeats itself
    distinct = hasher.signature(np.unique(hashes))
    assert (hasher.signature(hashes) == distinct).all()
    assert (hasher.signature(np.random.default_rng(0).permutation(hashes)) == distinct).all()
    assert not (hasher.signature(hashes[: len(hashes) // 2]) == distinct).all()


def test_the_hash_family_gives_the_values_an_index_holds():
    # Stored signatures are only comparable with new ones while these values hold:
    # a rensa upgrade or platform that changes them must change FAMILY too (indexes then ask to be rebuilt).
    hasher = MinHasher(128, 5)
    assert hasher.family == "rensa-rminhash-v2"
    signature = hasher.signature(np.arange(1, 1001, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    assert signature[:6].tolist() == [240145837, 54214011, 196633033, 5842651, 191655138, 93943809]


def test_similarity_estimates_jaccard_like_datasketch():
    hasher = MinHasher(256, 5)
    a, b = hasher.shingles(TEXT_A), hasher.shingles(TEXT_B)
    exact = len(np.intersect1d(a, b)) / len(np.union1d(a, b))
    ours = similarity(hasher.signature(a), hasher.signature(b)[None])[0]
    reference = []
    for shingles in (a, b):
        m = MinHash(num_perm=256)
        m.update_batch([int(h).to_bytes(8, "little") for h in shingles])
        reference.append(m)
    theirs = reference[0].jaccard(reference[1])
    assert abs(ours - exact) < 0.08 and abs(theirs - exact) < 0.08


def test_lsh_params_put_the_curve_around_the_threshold():
    bands, rows = lsh_params(0.5, 128, fn_weight=0.9)
    assert bands * rows <= 128

    def candidate(s):
        return 1 - (1 - s**rows) ** bands

    assert candidate(0.6) > 0.95 and candidate(0.2) < 0.05


@pytest.mark.parametrize("num_perm", [16, 64, 128, 256])
def test_lsh_params_are_datasketchs_choice(num_perm):
    from datasketch.lsh import _optimal_param

    for threshold in (0.1, 0.3, 0.45, 0.5, 0.7, 0.85, 0.95):
        for fn_weight in (0.1, 0.5, 0.9):
            assert lsh_params(threshold, num_perm, fn_weight) == _optimal_param(
                threshold, num_perm, 1 - fn_weight, fn_weight), (threshold, fn_weight)


def test_a_new_index_does_not_import_scipy(tmp_path):
    # SciPy (via datasketch) would cost each crawl process and pipeline worker ~45 MB and 0.6 s
    code = ("import sys; from crawler.dedup import MinHasher, open_index; "
            f"open_index('disk', MinHasher(), 0.5, directory={str(tmp_path)!r}).close(); "
            "print('scipy' in sys.modules, 'datasketch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.split() == ["False", "False"]


def test_hashing_wraps_without_warnings():
    """Shingle hashes and the splitmix finaliser overflow by design, arrays and scalars alike."""
    import warnings

    from crawler.dedup.text import mix64

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        top = np.uint64(2**64 - 1)
        assert mix64(top) == mix64(np.array([top]))[0]
        assert len(shingle_hashes("\U0010ffff" * 40, 5)) == 36
