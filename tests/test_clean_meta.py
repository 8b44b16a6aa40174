"""Text about the text (rules/58-meta.toml): a credits line, a placeholder, a
chat model's frame, the reader told how to take the text; and the look-alikes
that are the article's own (a film's credits in a review, a slot a sentence
speaks of, an author's plan, advice quoted in a story)."""

import pytest

from tests.support.cleaning import BOAT as BODY, ORCHARD as EN, kept, lenient, paragraphs, signals, without

CLEANER = lenient()
# the signals of 58-meta.toml alone: without the rules of the other note files
ALONE = without(*("40-generator", "50-boilerplate", "55-notes", "56-functions", "57-speech"))


def clean(*texts, cleaner=ALONE):
    return cleaner.clean_blocks(paragraphs(*texts))


@pytest.mark.parametrize("line", [
    "文字｜陈默 排版｜小鹿 校对｜阿青",
    "采写：马骏　通讯员：李想　值班编辑：吴桐",
    "策划/王蕾  文/许诺  图/网络  责编/何苗",
    "Words: Mia Zhao | Design: Leo Tang | Editor: Kim Lu",
    "Text by Ana Lim · Photos by Joe Park · Edited by Sam Wu",
])
@pytest.mark.parametrize("at", ["head", "tail"])
def test_a_credits_line_goes_at_either_end(line, at):
    blocks = [line, BODY, EN] if at == "head" else [BODY, EN, line]
    r = clean(*blocks)
    assert kept(r) == [BODY, EN]
    assert signals(r) == [("boilerplate", "credits_line")]


@pytest.mark.parametrize("line", [
    "导演：王珂　编剧：刘青　摄影：赵毅　主演：李雪、陈默",       # a film's credits in a review
    "书名：《运河旧事》　作者：李明　出版社：人民文学出版社",       # a book's
    "时间：6月8日上午9点　地点：市图书馆三楼报告厅　主讲：周教授",  # an event's
    "这本书由李然翻译、张远作序，排版疏朗，插图出自一位青年画家之手。",
    "编辑：李文",                                                  # one role: a credit, not a staff line
    "The credits list Maria Lopez as editor and Tom Reed as designer.",
])
def test_credits_of_a_work_and_sentences_about_makers_stay(line):
    assert kept(clean(BODY, line, cleaner=CLEANER)) == [BODY, line]


@pytest.mark.parametrize("slot", [
    "[图片占位]", "【此处插入产品图】", "（配图：待定）", "[IMAGE: kitchen interior, 16:9]", "{作者姓名}",
    "{{CITY_NAME}}", "<插图2>", "<<CTA button>>", "(insert chart here)",
])
def test_a_placeholder_goes_at_its_seams(slot):
    # after the host's comma: the folded view drops a symbol between two ideographs (壶<插), so a
    # slot in angle brackets pasted between two is read as its words alone
    r = clean(BODY[:21] + slot + BODY[21:])
    assert kept(r) == [BODY]
    assert {s for _, s in signals(r)} == {"placeholder"}


@pytest.mark.parametrize("text", [
    "模板里的“[图片占位]”字样忘了删，这篇推文发出去后被读者截图吐槽。",   # quoted: reported
    "在邮件模板里写上{姓名}，发送时系统会自动换成每位客户的名字。",       # a slot spoken of
    "集合 {x | x > 0} 表示全体正实数，这是课本第一章的内容。",
    "他最爱读<地图里的中国>和<放牛班的春天>这两本书。",
    "（放大后的照片显示，墙上的字迹是民国年间留下的。）",
    "A caption under the first picture reads (Photo: city archive, 1932) and nothing more.",
    BODY[:20] + "（见图3）" + BODY[20:],
])
def test_brackets_and_braces_of_the_article_stay(text):
    assert kept(clean(text, cleaner=CLEANER)) == [text]


@pytest.mark.parametrize("frame, at", [
    ("没问题！这是一篇关于老船的散文，供你参考：", "head"),
    ("当然可以，我试着用更生动的笔触写了下面这篇：", "head"),
    ("Certainly! Here's a warm, friendly article on the topic you gave me:", "head"),
    ("希望对你有帮助！如果还有其他问题，欢迎继续问我。", "tail"),
    ("以上就是全部内容啦，需要我再精简一些或者换个标题吗？", "tail"),
    ("这篇稿子已按照七百字左右完成，你看看是否合适。", "tail"),
])
def test_a_models_frame_goes_at_its_end(frame, at):
    blocks = [frame, BODY, EN] if at == "head" else [BODY, EN, frame]
    r = clean(*blocks)
    assert kept(r) == [BODY, EN]
    assert signals(r) == [("generator_note", "assistant_frame")]


@pytest.mark.parametrize("line, at", [
    ("在这篇文章里，我想谈谈三个问题：为什么读书、读什么书、怎么读书。", "head"),
    ("下面我将从历史、地理和经济三个方面，简单介绍这座城市。", "head"),
    ("我问它能不能写一首诗，它回答：“当然可以，以下是一首关于秋天的诗。”", "head"),
    ("以上三点，是我这些年带团队最深的体会。", "tail"),
    ("我希望你能明白，这篇文章不是为了批评谁。", "tail"),
    ("“希望对你有帮助，”她把笔记递给我时说，“考完记得还我。”", "tail"),
])
def test_an_authors_plan_and_quoted_replies_stay(line, at):
    blocks = [line, BODY] if at == "head" else [BODY, line]
    assert kept(clean(*blocks, cleaner=CLEANER)) == blocks


@pytest.mark.parametrize("note", [
    "观点不代表立场，理性看待，切勿盲从。",
    "Opinions are my own and not investment advice; do your own research.",
])
def test_the_reader_told_how_to_take_the_text_goes_at_the_tail(note):
    r = clean(BODY, EN + " " + note)
    assert kept(r) == [BODY, EN]
    assert signals(r) == [("boilerplate", "reader_caution")]


@pytest.mark.parametrize("line", [
    "入口处立着一块告示牌：野泳危险，后果自负。",
    "“这些数据仅供参考，具体还要看现场情况，”工程师说。",
    "投资有风险，这是每个理财课程的第一课，可很多人直到亏了钱才真正明白。",
    "如果你也路过这座小镇，不妨停下来，尝一尝那里的桂花糕。",
    "如果你也有关于老街的故事，欢迎在评论区和我们分享。",
    "市民如需咨询，可拨打政务服务热线12345，或登录市政府网站留言。",
])
def test_closings_warnings_and_invitations_of_the_article_stay(line):
    assert kept(clean(BODY, line, cleaner=CLEANER)) == [BODY, line]


def test_a_follow_asked_in_the_platforms_words_goes_at_the_tail():
    r = clean(BODY, "看到这里的朋友，不妨在评论区聊聊你的看法，点个关注不迷路。", cleaner=CLEANER)
    assert kept(r) == [BODY]
    assert signals(r) == [("boilerplate", "reader_prompt")]


@pytest.mark.parametrize("line", [
    "编排｜老周　核校｜小宁　封面｜阿杰",        # roles no list holds, by the characters of making
    "统筹：林一　美术：阿木　出品：周末工作室",
    "审读 / 陈卓  制图 / 小北  剪辑 / 王二",
])
def test_a_credits_line_goes_by_its_shape_whatever_its_roles(line):
    r = clean(BODY, EN, line)
    assert kept(r) == [BODY, EN]
    assert signals(r) == [("boilerplate", "credits_line")]


@pytest.mark.parametrize("line", [
    "颜色｜白色　材质｜纯棉　产地｜浙江",                          # a product's specification
    "编剧｜刘和平　导演｜张黎　摄影｜池小宁",                      # a series' credits in a review
    "时间：周六　地点：图书馆　主讲：周教授",                      # an event's
    "编排｜老周",                                                  # one pair
])
def test_pairs_that_are_no_credits_of_the_text_stay(line):
    assert kept(clean(BODY, line, cleaner=CLEANER)) == [BODY, line]


@pytest.mark.parametrize("line", [
    "更多精彩内容请移步作者主页",
    "上下滑动查看更多内容",
    "本文共4章，点击目录可快速跳转",
    "长按识别图中二维码，进入作者的喜马拉雅主页",
    "关注我的视频号，每周三晚八点直播答疑",
])
def test_the_reader_sent_to_the_pages_own_places_goes(line):
    r = clean(BODY, line, EN)
    assert kept(r) == [BODY, EN]
    assert signals(r) == [("boilerplate", "reader_prompt")]


@pytest.mark.parametrize("line", [
    "“返回搜狐，查看更多”这几个字出现在每篇搜狐号文章的末尾。",    # the prompt spoken of
    "第二步：进入主页，点击右上角的设置即可。",                      # a how-to step
    "他打开App，进入作者主页查看了更多文章。",                      # a story
    "点击“我的”，进入个人主页，就能看到收藏的文章。",                # no place of the page's own
])
def test_moves_told_or_taught_stay(line):
    assert kept(clean(BODY, line, cleaner=CLEANER)) == [BODY, line]


@pytest.mark.parametrize("line", [
    "作者在序言中写道，书中引用的数据均来自公开渠道，难免有疏漏。",   # someone's words, reported
    "法院认定，网站在显著位置注明“来源网络”并不能免除其侵权责任。",   # a ruling, reported
    "本文转载自微信公众号“老街故事”，已获授权。",                     # provenance: no ad pasted in it
])
def test_notices_reported_and_provenance_stay(line):
    assert kept(clean(BODY, line, EN, cleaner=CLEANER)) == [BODY, line, EN]


def test_a_prompt_handing_the_text_on_goes():
    line = "喜欢的话就把它推荐给你的好友，也欢迎留下你的故事。"
    r = clean(BODY, EN, line, cleaner=CLEANER)
    assert kept(r) == [BODY, EN]
    # someone handing it on is told (她把它转给了女儿)
    told = "她把它转给了在外地读书的女儿，女儿回复说也想家了。"
    assert kept(clean(BODY, EN, told, cleaner=CLEANER)) == [BODY, EN, told]


@pytest.mark.parametrize("slot", [
    "（地址：XX省XX市XX路XX号）",
    "（联系人：×××，电话：××××××××）",
    "【负责人：＿＿＿＿】",
    "(Contact: XXXX, phone: XXX-XXXX)",
])
def test_a_bracket_of_blank_fields_goes_at_its_seams(slot):
    r = clean(BODY[:21] + slot + BODY[21:])
    assert kept(r) == [BODY]
    assert signals(r) == [("generator_note", "placeholder")]


@pytest.mark.parametrize("text", [
    "受访的那位老师（受访者：李××）请我们不要公开她任教的学校。",     # one name hidden in a story
    "尺码表里（尺码：XXL）的那一行印错了，店家后来换了标签。",          # a size, not a blank
    "报名表（姓名：____）这一栏，在模板里是留给家长填写的。",          # a blank spoken of
])
def test_a_name_hidden_in_a_story_and_a_blank_spoken_of_stay(text):
    assert kept(clean(BODY, text, cleaner=CLEANER)) == [BODY, text]


@pytest.mark.parametrize("mark", ["（全文完）", "— 完 —", "本文完，感谢阅读", "【正文完】"])
def test_the_end_of_the_text_marked_goes_on_its_own_or_glued(mark):
    r = clean(BODY, EN, mark)
    assert kept(r) == [BODY, EN]
    assert signals(r) == [("boilerplate", "end_mark")]
    r = clean(EN, BODY + mark)
    assert kept(r) == [EN, BODY]
    assert signals(r) == [("boilerplate", "end_mark")]


@pytest.mark.parametrize("text", [
    "那天的会议开到很晚才完。",                    # a sentence's own 完
    "故事讲完了，孩子们还不肯睡。",
])
def test_a_sentences_own_end_stays(text):
    assert kept(clean(BODY, text, cleaner=CLEANER)) == [BODY, text]


def test_staff_credits_glued_to_the_last_paragraph_go():
    r = clean(EN, BODY + "本期编辑：小鹿 | 美编：阿七")
    assert kept(r) == [EN, BODY]
    assert signals(r) == [("boilerplate", "credits_line")]


def test_a_writing_tool_described_is_no_models_frame():
    line = "这家公司推出的写作助手可以根据关键词生成初稿，用户仍需自己修改润色。"
    assert kept(clean(BODY, EN, line, cleaner=CLEANER)) == [BODY, EN, line]
    frame = "以上就是全部内容啦，需要我再精简一些吗？"
    assert kept(clean(BODY, EN, frame, cleaner=CLEANER)) == [BODY, EN]
