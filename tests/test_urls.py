"""Seen-store keys, host mapping and address safety (crawler.fetching.urls)."""

from __future__ import annotations

import pytest

from crawler.rulefiles import RulesError
from crawler.fetching.urls import article_key, clean_url, is_public_address, load_url_rules, map_host

RULES = load_url_rules()


def test_one_wechat_article_one_key_whatever_the_share_parameters():
    variants = [
        "https://mp.weixin.qq.com/s?__biz=MzA1==&mid=2650&idx=2&sn=abc&chksm=99#rd",
        "http://mp.weixin.qq.com/s?idx=2&mid=2650&__biz=MzA1==&sn=abc&scene=21#wechat_redirect",
        "https://MP.weixin.qq.com/s?__biz=MzA1==&amp;mid=2650&amp;idx=2&amp;sn=abc",
    ]
    keys = {article_key(url, RULES) for url in variants}
    assert keys == {"mp.weixin.qq.com/s?__biz=MzA1%3D%3D&idx=2&mid=2650"}
    assert article_key("https://mp.weixin.qq.com/s?__biz=MzA1==&mid=2650&idx=3&sn=abc", RULES) not in keys


def test_other_links_keep_their_identifying_parameters():
    assert article_key("https://mp.weixin.qq.com/s/KDWh_qGp?scene=1#x", RULES) == "mp.weixin.qq.com/s/KDWh_qGp"
    assert (article_key("https://www.sohu.com/a/778336904_120702?spm=smpc.1&scm=2", RULES)
            == "www.sohu.com/a/778336904_120702")
    assert (article_key("https://blog.example/post?id=7&utm_source=x&page=2", RULES)
            == "blog.example/post?id=7&page=2")
    assert article_key("http://127.0.0.1:8080/s/a", RULES) != article_key("http://127.0.0.1:8081/s/a", RULES)
    assert article_key("https://a.example:443/x", RULES) == article_key("http://a.example/x", RULES)


def test_users_identity_rules_come_first(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text('drop_params = ["session"]\n[[identity]]\npath = "/read"\nparams = ["doc"]\n', encoding="utf-8")
    rules = load_url_rules([extra])
    assert article_key("https://x.example/read?doc=1&page=3&session=z", rules) == "x.example/read?doc=1"
    assert article_key("https://x.example/other?page=3&session=z", rules) == "x.example/other?page=3"


@pytest.mark.parametrize("text, message", [
    ("drop_params = 3", "drop_params"),
    ('[[identity]]\npath = "s"\nparams = ["a"]', "starting with '/'"),
    ('[[identity]]\npath = "/s"\nparams = ["a"]\nhost = "x"', "unknown key"),
    ("nonsense = [", "not valid TOML"),
])
def test_bad_url_rules_name_the_file_and_the_problem(tmp_path, text, message):
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=message) as error:
        load_url_rules([bad])
    assert "bad.toml" in str(error.value)


def test_clean_url_and_mobile_host_mapping():
    assert clean_url("  https://a.example/s?x=1&amp;y=2#frag ") == "https://a.example/s?x=1&y=2"
    mapping = {"m.sohu.com": "www.sohu.com"}
    assert map_host("https://m.sohu.com/a/1_2?x=1", mapping) == "https://www.sohu.com/a/1_2?x=1"
    assert map_host("https://www.sohu.com/a/1_2", mapping) == "https://www.sohu.com/a/1_2"
    assert map_host("http://m.sohu.com:8080/a/1_2", mapping) == "http://www.sohu.com:8080/a/1_2"


@pytest.mark.parametrize("address, public", [
    ("8.8.8.8", True), ("2001:4860:4860::8888", True), ("203.0.113.9", False),  # TEST-NET is not global
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("::1", False),
    ("fe80::1", False), ("fc00::1", False), ("::ffff:127.0.0.1", False), ("224.0.0.1", False),
    ("not-an-ip", False),
])
def test_public_addresses(address, public):
    assert is_public_address(address) is public
