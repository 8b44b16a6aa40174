"""Clean stage: what goes, what stays, and how removals are recorded."""

import pytest

from crawler.cleaning import SAFETY_VALVE, Cleaner, load_rules
from crawler.items import Article

# the examples are single short paragraphs: a high valve lets their spam go
CLEANER = Cleaner(load_rules(), max_removed_share=0.9)


def clean(*texts, **kwargs):
    blocks = [b if isinstance(b, dict) else {"type": "paragraph", "text": b, "lang": None} for b in texts]
    cleaner = Cleaner(load_rules(), **kwargs) if kwargs else CLEANER
    return cleaner.clean_blocks(blocks)


def kept(result):
    return [b["text"] for b in result.blocks]


# -- the four shapes of the issue, in our own words ---------------------------------

def test_host_farm_inside_a_chinese_word_is_cut_and_the_word_rejoined():
    r = clean("城市更新的关键在于保留原k1.zq8w.cn|k2.zq8w.cn|k3.zq8w.cn|k4.zq8w.cn有的街巷肌理。")
    assert kept(r) == ["城市更新的关键在于保留原有的街巷肌理。"]
    assert r.removed == [{"reason": "link_farm", "text": "k1.zq8w.cn|k2.zq8w.cn|k3.zq8w.cn|k4.zq8w.cn"}]


def test_chinese_promo_glued_into_an_english_sentence():
    r = clean("By next spring线上配资平台, the ferry will run every hour.")
    assert kept(r) == ["By next spring, the ferry will run every hour."]
    assert r.removed == [{"reason": "promo", "text": "线上配资平台"}]


def test_brand_margin_footer_line_goes():
    r = clean("渡轮每天往返两次。", "恒达配资提示：文章来自网络，不代表本站观点。")
    assert kept(r) == ["渡轮每天往返两次。"]
    assert r.removed[0]["reason"] == "promo"


def test_generator_note_line_goes():
    r = clean("渡轮每天往返两次。", "（以下继续扩写，确保全文超过2000字，便于平台审核。）")
    assert kept(r) == ["渡轮每天往返两次。"]
    assert r.removed == [{"reason": "generator_note", "text": "（以下继续扩写，确保全文超过2000字，便于平台审核。）"}]


# -- precision -------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Looking ahead, the new pier could become a助力 to the fishing town rather than a burden.",
    "监管部门近期严厉打击非法配资活动，提醒投资者远离场外配资平台。",
    "该公司官网www.example-ferry.cn显示，新航线将于下月开通。",
    "今年一季度全国彩票销售额同比增长，其中体育彩票增幅最大。",
    "运行build.sh、deploy.py和check.py之前，先确认环境变量。",
    "Sites such as python.org, pypi.org and readthedocs.io host most of the documentation.",
    "读者在文章末尾点击“阅读原文”，就能看到完整的调查数据。",
])
def test_legitimate_text_with_spam_vocabulary_is_untouched(text):
    r = clean(text)
    assert kept(r) == [text]
    assert r.removed == []


def test_a_promo_term_is_content_in_an_article_about_the_subject():
    article = ["股市回暖后，不少散户开始加杠杆。", "配资的门槛有多低？", "业内人士分析了其中的风险。"]
    assert kept(clean(*article)) == article


def test_the_same_term_in_an_unrelated_article_is_spam():
    r = clean("春天的湿地迎来了候鸟。", "配资开户的门槛有多低？")
    assert "配资" not in "".join(kept(r))


# -- stitching ---------------------------------------------------------------------------

def test_cut_between_english_words_keeps_one_space():
    r = clean("The old mill a1.rr4.top | a2.rr4.top | a3.rr4.top stands by the river.")
    assert kept(r) == ["The old mill stands by the river."]
    assert r.removed[0]["text"] == "a1.rr4.top | a2.rr4.top | a3.rr4.top "


def test_cut_before_punctuation_takes_the_space():
    r = clean("The mill stands by the river online casino.")
    assert kept(r) == ["The mill stands by the river."]


def test_cut_between_chinese_characters_takes_the_spaces():
    r = clean("老街的早点铺 m1.bb3.cn m2.bb3.cn m3.bb3.cn 排起了长队。")
    assert kept(r) == ["老街的早点铺排起了长队。"]


def test_block_left_with_punctuation_only_goes_whole():
    r = clean("正文第一段。", "【百家乐】")
    assert kept(r) == ["正文第一段。"]
    assert "".join(x["text"] for x in r.removed) == "【百家乐】"


# -- spans -----------------------------------------------------------------------------

def test_hidden_spans_go_and_other_spans_move():
    text = "看得见隐藏的字继续阅读链接文字结束"
    block = {"type": "paragraph", "text": text, "lang": None, "spans": [
        [3, 7, "hidden", "display:none"], [11, 15, "link", "https://example.org/a"]]}
    r = clean(block)
    assert kept(r) == ["看得见继续阅读链接文字结束"]
    assert r.removed == [{"reason": "hidden", "text": "隐藏的字"}]
    (out,) = r.blocks
    assert out["spans"] == [[7, 11, "link", "https://example.org/a"]]
    assert out["text"][7:11] == "链接文字"


def test_spans_inside_a_cut_are_dropped():
    text = "正文k1.ww2.cn|k2.ww2.cn|k3.ww2.cn继续"
    s = text.index("k2")
    block = {"type": "paragraph", "text": text, "lang": None,
             "spans": [[s, s + 9, "link", "http://k2.ww2.cn/"]]}
    (out,) = clean(block).blocks
    assert out["text"] == "正文继续"
    assert "spans" not in out


def test_link_elements_run_is_a_farm():
    text = "保留原有首页新闻体育财经的街巷。"
    start = text.index("首页")
    spans = [[start + 2 * i, start + 2 * i + 2, "link", f"http://{c}.mn3p.top/"] for i, c in enumerate("abcd")]
    r = clean({"type": "paragraph", "text": text, "lang": None, "spans": spans})
    assert kept(r) == ["保留原有的街巷。"]
    assert r.removed == [{"reason": "link_farm", "text": "首页新闻体育财经"}]


def test_links_to_one_sites_pages_with_titles_are_not_a_farm():
    text = "相关报道：渡轮复航首日客流 | 码头改造工程进展"
    a, b = text.index("渡轮"), text.index("码头")
    spans = [[a, a + 8, "link", "https://news.example.cn/1"], [b, b + 8, "link", "https://news.example.cn/2"]]
    assert kept(clean({"type": "paragraph", "text": text, "lang": None, "spans": spans})) == [text]


def test_code_blocks_are_left_alone_by_text_rules():
    code = {"type": "code", "text": "hosts = 'a.x1.cn|b.x1.cn|c.x1.cn'", "lang": None}
    assert clean(code).removed == []


# -- where, safety valve, article ---------------------------------------------------------

def test_original_title_only_at_the_head():
    head = clean("原标题：渡口的早晨", "正文。")
    assert kept(head) == ["正文。"]
    late = ["正文一。", "正文二。", "正文三。", "正文四。", "正文五。", "原标题：渡口的早晨"]
    assert kept(clean(*late)) == late


def test_safety_valve_keeps_the_article_and_flags_it():
    blocks = ["短文。", "点击上方蓝字关注我们", "长按识别二维码关注", "喜欢就点个在看吧"]
    r = clean(*blocks, max_removed_share=0.5)
    assert r.valve
    assert kept(r) == blocks
    assert r.removed == [{"reason": SAFETY_VALVE, "text": "", "share": pytest.approx(r.removed[0]["share"])}]
    assert r.removed[0]["share"] > 0.5


def test_clean_article_updates_text_and_appends_removals():
    article = Article(url="u", fetched_from="u", source="text",
                      blocks=[{"type": "paragraph", "text": "渡轮每天往返两次。", "lang": None},
                              {"type": "paragraph", "text": "返回搜狐，查看更多", "lang": None}],
                      removed=[{"reason": "title_repeat", "text": "标题"}])
    article.join_text()
    CLEANER.clean(article)
    assert article.text == "渡轮每天往返两次。"
    assert article.removed == [{"reason": "title_repeat", "text": "标题"},
                               {"reason": "boilerplate", "text": "返回搜狐，查看更多"}]


def test_flagged_article_is_not_cleaned_again():
    article = Article(url="u", fetched_from="u", source="text",
                      blocks=[{"type": "paragraph", "text": "阅读原文", "lang": None}],
                      removed=[{"reason": SAFETY_VALVE, "text": "", "share": 1.0}])
    CLEANER.clean(article)
    assert [b["text"] for b in article.blocks] == ["阅读原文"]
    assert len(article.removed) == 1


def test_an_article_is_never_emptied():
    r = clean("点击上方蓝字关注我们", "长按识别二维码关注", max_removed_share=1.0)
    assert r.valve
    assert kept(r) == ["点击上方蓝字关注我们", "长按识别二维码关注"]


def test_max_removed_share_is_checked():
    with pytest.raises(ValueError):
        Cleaner(load_rules(), max_removed_share=0)
