"""Rules files: validated at load with clear errors, extendable by users."""

import re

import pytest

from crawler.errors import Rejection
from crawler.parsing import build_site_parsers, parse_page
from crawler.parsing.rules import RulesError, load_site_rules


def write(tmp_path, text, name="user.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_rules_load():
    wechat = load_site_rules("wechat")
    assert [rule["reason"] for rule in wechat["special"]][:2] == ["anti_crawl", "deleted"]
    assert load_site_rules("sohu")["page"]["body"][0] == "article#mp-editor"


@pytest.mark.parametrize(
    "text, message",
    [
        ('[detect]\nmarkers = "not a list"\n', "detect.markers: expected an array"),
        ("[detect]\nunknown = []\n", "detect.unknown: unknown key"),
        ("[[special]]\nphrases = ['x']\n", "special[0]: missing required key 'reason'"),
        ("[[special]]\nreason = 'deleted'\nurl_patterns = ['(']\n", "bad regular expression"),
        ("[special_pages]\nmessage_selectors = ['div[']\n", "bad CSS selector"),
        ("[body_trim]\nmin_link_share = 2\n", "expected a number from 0 to 1"),
        ("this is = = not toml", "not valid TOML"),
    ],
)
def test_bad_user_rules_are_refused_with_the_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(RulesError, match=re.escape(message)) as err:
        load_site_rules("wechat", [path])
    assert str(path) in str(err.value)


def test_missing_rules_file(tmp_path):
    with pytest.raises(RulesError, match="not found"):
        load_site_rules("sohu", [tmp_path / "nope.toml"])


def test_user_special_phrase_comes_first(tmp_path):
    path = write(tmp_path, '[[special]]\nreason = "region_blocked"\nphrases = ["该内容在当前地区不可见"]\n')
    rules = load_site_rules("wechat", [path])
    assert rules["special"][0]["reason"] == "region_blocked"
    assert len(rules["special"]) == len(load_site_rules("wechat")["special"]) + 1
    page = (
        '<html><head><link href="https://res.wx.qq.com/mmbizappmsg/a.css"></head><body>'
        '<div class="weui-msg"><h2 class="weui-msg__title">该内容在当前地区不可见</h2></div></body></html>'
    ).encode()
    url = "https://mp.weixin.qq.com/s/Ab12Cd34Ef56Gh78"
    with pytest.raises(Rejection) as default:
        parse_page(page, url)
    assert default.value.reason == "unavailable"  # the catch-all for message pages
    with pytest.raises(Rejection) as custom:
        parse_page(page, url, parsers=build_site_parsers({"wechat": [str(path)]}))
    assert custom.value.reason == "region_blocked"


def test_user_sohu_boilerplate_selector(tmp_path):
    path = write(tmp_path, '[[boilerplate]]\nname = "promo"\nselectors = [".mp-promo"]\n')
    page = (
        '<html><body><article id="mp-editor"><p>正文第一句。</p>'
        '<p class="mp-promo">关注我们领取福利</p></article></body></html>'
    ).encode()
    url = "https://www.sohu.com/a/800000001_100000001"
    assert "领取福利" in parse_page(page, url).text
    article = parse_page(page, url, parsers=build_site_parsers({"sohu": [str(path)]}))
    assert article.text == "正文第一句。"
    assert {"reason": "boilerplate", "text": "关注我们领取福利"} in article.removed


def test_unknown_site_in_setting():
    with pytest.raises(ValueError, match="no site parser named weibo"):
        build_site_parsers({"weibo": []})
