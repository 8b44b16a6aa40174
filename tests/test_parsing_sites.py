"""Site parser behaviour on small pages: choice by markup, URLs, edge cases."""

import pytest

from crawler.errors import Rejection
from crawler.parsing import parse_page
from tests.support import REPO as REPO_ROOT

WECHAT_BODY = """<html><head><title>t</title></head><body>
<h1 id="activity-name">镜像里的文章</h1>
<div id="js_content" style="visibility: hidden;"><p>正文在这里。</p></div>
<script>
var biz = "" || "MzI0MDAwMDAwMA==";
var mid = "" || "" || "2247000001";
var idx = "" || "" || "1";
var sn = "" || "" || "0123456789abcdef0123456789abcdef";
var nickname = "测试号";
var ct = "1600000000";
var msg_title = "镜像里的文章";
{extra}
</script></body></html>"""


def wechat_page(extra=""):
    return WECHAT_BODY.replace("{extra}", extra).encode()


def test_mirrored_wechat_copy_parses_by_markup_and_gets_the_canonical_url():
    article = parse_page(wechat_page(), "https://mirror.example.com/p/42.html")
    assert article.source == "wechat"
    assert article.url == (
        "https://mp.weixin.qq.com/s?__biz=MzI0MDAwMDAwMA==&mid=2247000001&idx=1"
        "&sn=0123456789abcdef0123456789abcdef"
    )
    assert article.published_at == "2020-09-13T20:26:40+08:00"


def test_tracking_parameters_dropped_from_the_given_long_url():
    page = wechat_page().replace(b'var sn = "" || "" || "0123456789abcdef0123456789abcdef";', b"")
    url = ("http://mp.weixin.qq.com/s?__biz=MzI0MDAwMDAwMA==&mid=2247000001&idx=1"
           "&sn=fedcba9876543210fedcba9876543210&chksm=ab12&scene=21&from=groupmessage#wechat_redirect")
    assert parse_page(page, url).url == (
        "https://mp.weixin.qq.com/s?__biz=MzI0MDAwMDAwMA==&mid=2247000001&idx=1"
        "&sn=fedcba9876543210fedcba9876543210"
    )


def test_short_link_kept_when_no_long_form_exists():
    page = wechat_page().replace(b'var sn = "" || "" || "0123456789abcdef0123456789abcdef";', b"")
    article = parse_page(page, "https://mp.weixin.qq.com/s/AbCdEfGh12345678?scene=1")
    assert article.url == "https://mp.weixin.qq.com/s/AbCdEfGh12345678"


def test_wechat_page_without_body_or_message_is_not_an_article():
    page = b'<html><head><link href="https://res.wx.qq.com/mmbizappmsg/x.css"></head><body><p>x</p></body></html>'
    with pytest.raises(Rejection) as err:
        parse_page(page, "https://mp.weixin.qq.com/s/AbCdEfGh12345678")
    assert err.value.reason == "not_article"


def test_sohu_repost_of_a_wechat_article_stays_sohu():
    page = """<html><body><div class="text-title"><h1>转载的文章</h1></div>
    <article class="article" id="mp-editor"><p>正文。</p>
    <p><img src="https://mmbiz.qpic.cn/mmbiz_jpg/abc/640?wx_fmt=jpeg"></p></article>
    <script>window.sohu_mp.article({news_id: "800000002", media_id: "100000002", title: "转载的文章"});</script>
    </body></html>""".encode()
    article = parse_page(page, "file:///saved/sohu.html")
    assert article.source == "sohu"
    assert article.url == "https://www.sohu.com/a/800000002_100000002"
    assert article.images == [{"url": "https://mmbiz.qpic.cn/mmbiz_jpg/abc/640?wx_fmt=jpeg", "alt": None}]


def test_sohu_repost_keeping_a_copied_wechat_body_stays_sohu():
    page = """<html><body><article class="article" id="mp-editor">
    <div class="rich_media_content" id="js_content"><p>从公众号复制来的正文。</p></div>
    </article></body></html>""".encode()
    article = parse_page(page, "https://www.sohu.com/a/800000005_100000005")
    assert article.source == "sohu" and article.text == "从公众号复制来的正文。"


def test_sohu_host_without_article_markup_goes_to_the_generic_parser():
    page = ("<html><head><title>搜狐首页</title></head><body><main><p>"
            + "今日要闻很多，这里是首页的导语文字。" * 5 + "</p></main></body></html>").encode()
    article = parse_page(page, "https://www.sohu.com/a/800000003_100000003")
    assert article.source == "web"


def test_sohu_undecryptable_image_is_left_out():
    page = """<html><body><article id="mp-editor"><p>正文。</p>
    <p><img data-src="not-base64-!!"></p></article></body></html>""".encode()
    article = parse_page(page, "https://m.sohu.com/a/800000004_100000004")
    assert article.images == []
    assert article.url == "https://www.sohu.com/a/800000004_100000004"


def test_sohu_boilerplate_quoted_in_the_text_is_content():
    html = (REPO_ROOT / "samples" / "sohu" / "river_cleanup_volunteers.html").read_text(encoding="utf-8")
    quoted = "很多读者第一次注意到页面底部的“返回搜狐，查看更多”这几个字，是在手机上。"
    html = html.replace("<p>每个周六", f"<p>{quoted}</p><p>每个周六")
    article = parse_page(html.encode(), "https://www.sohu.com/a/951234567_121900")
    assert article.blocks[0]["text"] == quoted
    assert {"reason": "boilerplate", "text": "返回搜狐，查看更多"} in article.removed  # the real link still goes
    assert "返回搜狐" not in article.text.replace(quoted, "")
