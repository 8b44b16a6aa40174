"""Messengers and promo terms written with other characters of the same sound
(rules contact-sound and promo-sound-term, their homophones built into
crawler/cleaning/rules/26-sounds.toml by crawler/testing/sound_build.py)."""

import re
import tomllib

import pytest

from crawler.cleaning import cleaner
from crawler.testing import sound_build
from tests.support.cleaning import ZH, kept, removed
from tests.support.cleaning import before_prose as clean


def test_the_homophones_file_is_the_one_the_build_writes():
    # (a change to the lists sound_of_contact / sound_of_promo: python -m crawler.testing.sound_build)
    assert sound_build.OUT.read_text(encoding="utf-8") == sound_build.text()


@pytest.mark.parametrize("var, text, found", [
    ("sound_contact", "胃心", True), ("sound_contact", "为信", True), ("sound_contact", "小红述", True),
    ("sound_contact", "逗音", True), ("sound_contact", "手鸡", True),
    # the word itself is its own rules', and a pair that is a word says what it says
    ("sound_contact", "微信", False), ("sound_contact", "收集", False), ("sound_contact", "维新", False),
    ("sound_promo", "博才", True), ("sound_promo", "代宽", True), ("sound_promo", "时时采", True),
    ("sound_promo", "博彩", False), ("sound_promo", "带宽", False),
])
def test_a_homophone_is_a_pair_of_the_same_sound_that_is_no_word(var, text, found):
    vars_ = tomllib.loads(sound_build.OUT.read_text(encoding="utf-8"))["vars"]
    assert bool(re.fullmatch(vars_[var], text)) is found


@pytest.mark.parametrize("host, ad, left", [
    # a messenger by its sound, glued to the host's word: the label goes with its id
    ("入秋以后，山里的柿子陆续成熟，村民们把摘下的柿子削皮", "胃心：chaye_5168 ", "串好挂在屋檐下。"),
    ("几年不见的白", "小红述搜 mengmeng_studio ", "鹭又飞了回来。"),
    # the host's sentence holds a word of a notice (整治) outside the ad's clause
    ("河道整治完成后，岸边种上了芦苇，几年不见的白", "逗音号 dyhao_8828 ", "鹭又飞了回来。"),
])
def test_a_contact_after_a_messenger_written_by_its_sound_goes_with_its_label(host, ad, left):
    r = clean(host + ad + left)
    assert kept(r) == [host + left]
    assert ("channel_label", ad.strip()) in removed(r)


@pytest.mark.parametrize("text", [
    "老校长在村里很有威信，大家有了矛盾都愿意找他评理。",
    "为信守承诺，他连夜把最后一车橘子送到了客户手中。",
    "记者拨打了商家留下的手机号 138 0013 8000，对方称货已售罄。",
    "他在微博上发文回应了网友的质疑，账号名叫“老周说茶”。",
    "社区把志愿者收集的 2000 份问卷交给了街道办。",
    "我们手机 2 台、电脑 1 台都已登记在册。",
])
def test_the_same_sounds_and_ids_in_prose_stay(text):
    assert kept(clean(text)) == [text]


@pytest.mark.parametrize("ad, host_after", [
    ("代宽秒批", "黑户可做，"),
    ("时时采计划包中", ""),
])
def test_a_promo_term_written_by_its_sound_goes_with_the_offer_after_it(ad, host_after):
    r = clean(ad + host_after + ZH)
    assert any(signal == "sound_term" and text.startswith(ad[:2]) for signal, text in removed(r))


@pytest.mark.parametrize("text", [
    "家里的宽带升级以后，带宽提高到了千兆，看视频再也不卡。",
    "当年食堂的菜票、粮票，如今都成了收藏爱好者手里的宝贝。",
    "这位老先生博才多艺，退休后在社区开了书法班，学员免费。",
])
def test_a_term_of_the_same_sound_with_no_offer_after_it_stays(text):
    assert kept(clean(text)) == [text]


def test_an_exemption_looked_for_in_the_clause_only_spares_no_ad_pasted_into_a_long_sentence():
    unless = re.compile("居民|整治")
    text = "河道整治完成后，几年不见的白小红述搜 mm_88 鹭又飞回来。附近的居民说"
    start = text.index("小红述")
    end = text.index(" 鹭")
    assert not cleaner._own_clause_holds(text, start, end, unless)
    assert cleaner._own_clause_holds("居民看病小红述搜 mm_88 不必请假", 4, 16, unless)
