"""The furniture of any platform (rules/51-furniture.toml) and notes glued to
a paragraph (issue 17): control labels and counters, app prompts, sign-offs,
a notice glued after a paragraph's own sentences; and the article's own lines
that use the same words."""

import pytest

from tests.support.cleaning import BOAT as BODY, ORCHARD as EN, kept, lenient, paragraphs, signals, without

CLEANER = lenient()
# the signals by shape alone: without the fixed shapes and vocabularies of platforms and generators
ALONE = without("30-promo", "40-generator", "50-boilerplate")


def clean(*texts, cleaner=CLEANER):
    return cleaner.clean_blocks(paragraphs(*texts))


@pytest.mark.parametrize("line, signal", [
    ("展开全文∨", "ui_label"),
    ("举报/反馈", "ui_label"),
    ("作者最新文章", "ui_label"),
    ("赞 326 ｜ 收藏 41 ｜ 转发 17", "ui_label"),
    ("阅读 10万+", "ui_label"),
    ("打开今日头条App，阅读体验更流畅", "app_prompt"),
    ("下载客户端，随时随地看新闻", "app_prompt"),
    ("更多精彩资讯，请下载百度App", "app_prompt"),
])
def test_a_platforms_control_or_app_prompt_goes_where_it_stands(line, signal):
    for blocks in ([BODY, line, EN], [line, BODY, EN], [BODY, EN + line]):
        r = clean(*blocks, cleaner=ALONE)
        assert kept(r) == [BODY, EN], blocks
        assert {s for _, s in signals(r)} == {signal}


def test_a_sign_off_closing_the_issue_goes():
    r = clean(BODY, EN, "今天就聊到这儿，咱们周四老时间见。", cleaner=ALONE)
    assert kept(r) == [BODY, EN]
    assert signals(r) == [("boilerplate", "sign_off")]


@pytest.mark.parametrize("line", [
    "网友评论",
    "作者简介",
    "打开地图App，搜索“老街”即可导航到入口。",
    "记者下载了五款新闻客户端，发现其中三款会弹出推送授权请求。",
    "写到这里，窗外的雨已经停了，我想这篇文章也该结束了。",
    "感谢每一位读到这里的朋友，我们下期再见。",
    "她挥挥手说：“今天就聊到这儿，明天见。”",
    "奶奶学会了给孙女的视频点赞，每次点完都要打电话问一句“你看到了吗”。",
    "该账号运营方称，过去一年共删除了四百余篇涉嫌侵权的转载稿件。",
    "业内人士表示，平台“仅提供信息存储空间”的声明，并不能在所有侵权纠纷中免除其责任。",
])
@pytest.mark.parametrize("at", ["middle", "tail"])
def test_the_articles_own_lines_in_the_same_words_stay(line, at):
    blocks = [BODY, line, EN] if at == "middle" else [BODY, EN, line]
    assert kept(clean(*blocks)) == blocks


def test_a_notice_glued_after_a_paragraph_takes_its_own_sentences_only():
    notice = "本文来自百家号作者，未经平台许可不得擅自转载。"
    r = clean(BODY + notice, EN, BODY[:20])
    assert kept(r) == [BODY, EN, BODY[:20]]
    assert [t for t, _ in signals(r)] == ["boilerplate"]


@pytest.mark.parametrize("memo", ["〔此处留白，稍后补采访录音的文字稿〕", "（文末挂小程序卡片）", "【二维码图片】"])
def test_a_memo_about_the_pages_making_goes(memo):
    assert kept(clean(BODY[:30] + memo + BODY[30:], EN)) == [BODY, EN]


@pytest.mark.parametrize("aside", ["（作者注：此处“老屋”指祖父在镇上的旧宅。）", "(Image credit: All About Space)"])
def test_a_bracket_for_the_reader_stays(aside):
    assert kept(clean(BODY, aside, EN)) == [BODY, aside, EN]
