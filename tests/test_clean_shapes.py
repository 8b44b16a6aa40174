"""Shapes of rules/35-shapes.toml: sales talk of any verb, hooks, English pasted
flush into Chinese and contacts of any messenger, each with what must stay."""

import pytest

from tests.support.cleaning import EN, ZH, full, kept, nested_repeats, paragraphs, removed
from tests.support.cleaning import before_prose as clean


@pytest.mark.parametrize("ad", [
    "Stream every match live for just $4, cancel anytime.",
    "Melt belly fat while you sleep with KetoBurn, 60% off this week only.",
    "Snap up designer bags at 90% off, free shipping worldwide.",
])
def test_sales_sentence_led_by_a_verb_of_any_kind_goes(ad):
    r = clean(f"{EN} {ad}")
    assert kept(r) == [EN]
    assert removed(r) == [("sales_pitch", ad)]


@pytest.mark.parametrize("text", [
    # one mark: an instruction or news
    "Watch the full interview on the website, where a transcript is free.",
    # two marks in different clauses
    "Buy your rail pass before you travel; it costs $120 online at the station.",
    # no verb leads: a noun, a plural, a past tense
    "Inflation hit 5% in March, with petrol at $4 a gallon.",
    "Subscribers get the first month free, the service announced, at $9.99 after that.",
    "Stream quality dropped during the final, and fans who paid $4.99 got 50% back.",
])
def test_instructions_and_news_with_prices_stay(text):
    assert kept(clean(f"{EN} {text}")) == [f"{EN} {text}"]


def test_a_hook_goes_with_the_sellers_sentence_after_it():
    ad = "Stuck on your thesis? Our writers deliver any essay within 24 hours."
    r = clean(f"{EN} {ad}")
    assert kept(r) == [EN]
    assert removed(r) == [("sales_hook", ad)]
    question = "Need a quick lunch? Toss leftover rice with an egg, and it is ready in ten minutes."
    assert kept(clean(question)) == [question]


def test_english_of_any_words_pasted_flush_into_chinese_goes():
    r = clean("入秋以后，山里的柿vpn unblock netflix china子陆续成熟。")
    assert kept(r) == ["入秋以后，山里的柿子陆续成熟。"]
    assert removed(r) == [("foreign_span", "vpn unblock netflix china")]


@pytest.mark.parametrize("text", [
    "这本书的英文名是a brief history of time，中文译本卖得也不错。",  # named
    "他下载了open street map的离线包，进山前把路线都存好了。",  # taken up by 的
    "这家公司把 machine learning 用在了农产品分拣上。",  # spaced
    "他把这类做法称为流程再造（process reengineering），很多公司都试过。",  # a gloss in brackets
])
def test_english_named_or_spaced_in_chinese_prose_stays(text):
    assert kept(clean(text)) == [text]


@pytest.mark.parametrize("bait", ["Line：hk_7788", "蝌蚪号：kd88123", "v❤x：hy5599", "🐧：3345678901", "Skype：sales.cn88"])
def test_contact_of_any_messenger_goes(bait):
    r = clean(f"入秋以后，山里的柿子{bait}陆续成熟。")
    assert kept(r) == ["入秋以后，山里的柿子陆续成熟。"]
    assert removed(r) == [("contact_shape", bait)]


@pytest.mark.parametrize("text", [
    "型号：RTX4090，学号：20211234，文件：data_2024.csv，用户名：zhang_san。",
    "本期看点：Web Worker：No.85 讲前端性能。",
    "报名请联系社区工作人员，微信：sq_2024，名额有限。",  # a notice names whose contact it is
    "会议论文请发送至邮箱 conf2025@example.edu，逾期不再受理。",
])
def test_ids_that_are_no_contact_bait_stay(text):
    assert kept(clean(text)) == [text]


def test_a_note_glued_after_an_english_sentence_is_a_sentence_of_its_own():
    last = "Villagers string the fruit under the eaves.Editor's note: some images in this post were sourced online; contact us for removal."
    r = full().clean_blocks(paragraphs(ZH, EN, ZH, last))
    assert kept(r) == [ZH, EN, ZH, "Villagers string the fruit under the eaves."]
    assert removed(r) == [("note_shape", last.split("eaves.")[1])]


# -- an ad closed by a contact of any messenger (offer-contact-* of 30-promo.toml, vars here) --

@pytest.mark.parametrize("ad", [
    "家政保洁开荒擦玻璃，嘀嘀：jz_3366",          # a label no rule lists, a handle
    "二手钢琴回收当天估价，丫丫 2846600173",       # a nickname, a number of a QQ's length
    "空调清洗加氟上门快，手机 13600001111",          # a phone label, a mobile number
    "海外留学文书全程托管，Kik：@uni_help",         # an @handle
])
def test_an_ad_closed_by_a_contact_of_any_label_goes(ad):
    for text, left in ((ad, []), (ZH + ad, [ZH])):  # a line, or appended to a paragraph
        r = clean(text)
        assert kept(r) == left
        assert removed(r) == [("offer_contact", ad)]


def test_an_ad_pasted_into_a_word_goes_from_about_its_offer():
    # where the host's words end is not known: the ad is taken from about ten
    # characters before its contact (here with one of the host's)
    r = clean("傍晚时分，骑行和跑步的市民络家政保洁开荒擦玻璃，嘀嘀：jz_3366绎不绝。")
    assert kept(r) == ["傍晚时分，骑行和跑步的市民绎不绝。"]
    assert removed(r) == [("offer_contact", "络家政保洁开荒擦玻璃，嘀嘀：jz_3366")]
    # ... and from the host's punctuation when it stands near
    r = clean("傍晚时分，家政保洁开荒擦玻璃，嘀嘀：jz_3366骑行和跑步的市民络绎不绝。")
    assert kept(r) == ["傍晚时分，骑行和跑步的市民络绎不绝。"]


@pytest.mark.parametrize("text", [
    "报名电话：13800001234（王老师），报名截止本周五。",    # the contact opens, no offer before it
    "暑期游泳班开始报名，联系电话：13800001234。",         # whose or what for (报名, 通知, 学校...)
    "小区停水通知，维修电话 13912345678。",
    "周末照常接诊，电话：0531-8812345。",                 # a landline: notices print theirs
    "据介绍，店主李先生的微信号是 li_baker88。",            # a sentence about someone
    "如发现可疑情况，请拨打反诈专线96110。",
])
def test_contacts_in_notices_and_news_stay(text):
    assert kept(clean(text)) == [text]


# -- contacts of any shape after an ad's offer (num_sep, mobile_any, landline_any, platform_label... here) --

@pytest.mark.parametrize("ad", [
    "上门修锁换锁芯，打 137.0000.2211",               # a mobile number grouped with dots
    "旧家具回收清运，📲 1 5 9 0 0 0 0 2 2 3 3",         # ... a digit at a time, an emoji label
    "保姆月嫂持证上岗，电话幺五九零零零零二二三三",          # in Chinese numerals (幺 for 1)
    "毕业相册定制设计，小绿书搜：相册工坊668",              # a platform no list holds, a name to search
    "尤克里里网课零基础包教会，X站私信：uke_lee",          # ... a handle of letters and an underscore
    "渔具批发一手货源，钉群：66778899",
    "家装水电改造免费上门勘测，座机 0512 6655 7788",        # a landline, with a mark of trade
    "少儿美术课体验价九十九，（0755）2233 4455",            # ... after no label
    "婚礼跟拍团队档期可约，➜ 400 100 2233",               # a 400 number after an arrow
])
def test_an_ad_closed_by_a_contact_of_any_shape_goes(ad):
    for text, left in ((ad, []), (ZH + ad, [ZH])):
        r = clean(text)
        assert kept(r) == left, text
        assert [signal for signal, _ in removed(r)] == ["offer_contact"]
        assert "".join(piece for _, piece in removed(r)) == ad


@pytest.mark.parametrize("text", [
    "周末照常接诊，电话：0531-8812345。",                   # a landline after a clause with no trade in it
    "本周六开放参观，预约电话：0571-86001234。",
    "展会地址：上海市浦东新区龙阳路2345号，咨询电话 021-6888 8888。",
    "记者拨打该店公示的电话 0755-2345 6789，店员表示暂停营业。",
    "消费者王女士称，她多次拨打客服电话 400-888-1234 均无人接听。",
    "她的手机号码 138 0013 8000 被泄露后，每天接到十几个推销电话。",
    "在小红书搜索“露营装备”，能找到上千篇用户写的测评。",
    "他在抖音号“老李说车”上发布的视频获得了十万点赞。",
    "社保业务可在工作日拨打（０２１）６２３４５６７８咨询。",
    "列车时刻表显示，G1234 次列车将于早上八点零五分发车。",
])
def test_contacts_and_numbers_in_news_and_notices_stay(text):
    assert kept(clean(text)) == [text]


def test_an_ad_pasted_into_a_word_answers_for_its_own_words_only():
    # the host's words (小学, 学生) name whose sentence it is, not whose contact: the ad goes
    r = clean("这所乡村小学只有收购老酒老茶，vx➜laojiu_777六十多名学生，却组建了一支管乐队。")
    assert [signal for signal, _ in removed(r)] == ["offer_contact"]
    assert "laojiu_777" in removed(r)[0][1] and "学生" in kept(r)[0]
    # a notice's own words still keep it, pasted or not
    for text in ("请家长报名请拨打13800001234咨询。", "学校招生办电话13800001234咨询详情。"):
        assert kept(clean(text)) == [text]


def test_contact_shape_tries_english_prose_in_linear_work():
    """Its label of up to four runs of letters once tried every split of every
    word of English prose among the runs (9 µs a character); each run is taken
    whole now, and a page built of prose, colons and numbers costs no more than
    its length. Checked on the pattern's structure, not on a clock."""
    rule = next(r for r in full().rules if r.name == "contact-shape")
    pattern = rule.compiled["pattern"]
    assert nested_repeats(pattern) == []
    # the check finds the shape it guards against
    assert nested_repeats(r"(?:\s?[A-Za-z]{1,10}){0,3}:") == [10]
    hostile = "Lorem ipsum dolor sit amet: 12345 consectetur adipiscing elitseddoeiusmodtemporincididunt: 678 " * 40
    assert kept(clean(hostile.strip())) == [hostile.strip()]
    bait = "Line id：hk_7788"
    r = clean(f"{ZH}{bait}")
    assert removed(r) == [("contact_shape", bait)]


@pytest.mark.parametrize("text, term", [
    ("这份报告未必中央部门都看过，各省的反馈也还没有汇总。", "必中"),  # 未必 | 中央
])
def test_a_short_term_across_two_words_of_the_host_stays(text, term):
    """A spam term of two or three ideographs met across a word break of the
    host, each of its edges the half of a common word, is a chance match."""
    assert term in text
    assert kept(clean(text)) == [text]


def test_the_same_term_glued_as_a_word_goes():
    r = clean("入秋以后，山里的柿子陆续成熟，彩票三期必中，村民们忙着削皮。")
    assert "必中" not in "".join(kept(r))
