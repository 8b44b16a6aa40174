"""``scrapy crawl files`` through the real engine: every input is accounted for."""

from __future__ import annotations

import io
import json

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.support import REPO, read_jsonl, run_scrapy, shared_path

NEWS = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head>
<body><header><nav><a href="/">首页</a> <a href="/news">新闻</a></nav></header>
<article><h1>{title}</h1>{body}
</article><footer>版权所有</footer></body></html>"""
# distinct articles: the dedup stage would reject copies of one text as near-duplicates
BODIES = [
    """<p>今年秋天，城东的老旧小区完成了电梯加装工程，六栋楼的居民终于不用再爬楼梯。</p>
<p>工程由街道牵头，居民按楼层分摊费用，高层住户出资较多，一楼住户不出资。</p>
<p>七十八岁的刘阿姨住在六楼，她说，过去下楼买菜要歇三次，现在十分钟就能往返。</p>
<p>街道表示，明年还将有十二栋楼启动加装，报名工作已经开始。</p>""",
    """<p>城西菜市场改造后重新开业，摊位从八十个增加到一百二十个，过道也宽了一倍。</p>
<p>市场新装了排水沟和通风系统，雨天地面不再积水，夏天也不再闷热。</p>
<p>卖了二十年豆腐的王师傅说，以前顾客挑完菜要绕半圈才能出去，现在两边都有门。</p>
<p>管理方表示，下个月将上线电子秤溯源系统，顾客扫码就能看到商品来源。</p>""",
    """<p>河滨公园的夜跑步道本周亮灯，全长四点二公里，每隔五十米设有一盏太阳能路灯。</p>
<p>步道采用透水材料铺设，下雨后十几分钟路面就能恢复干爽，适合老人散步。</p>
<p>附近居民李先生每天晚饭后都来跑两圈，他说灯光柔和，不刺眼，跑起来很舒服。</p>
<p>园方计划明年春天在步道沿线增设三处饮水点和两个公共卫生间。</p>""",
    """<p>区图书馆的自习室开始实行线上预约，读者可以提前三天选座，每次最长四小时。</p>
<p>预约上线第一周，座位使用率从六成提高到九成，排队等座的情况基本消失。</p>
<p>准备考研的大学生小陈说，过去周末一早就要来占座，现在可以安心睡到七点。</p>
<p>馆方提醒，预约后超过三十分钟未签到的座位将自动释放给其他读者。</p>""",
]

# pages of the generic path's cases (stray bytes, a fragment)
EXTRA = [
    """<p>社区食堂在老年活动中心一楼开张，每天供应早餐和午餐，六十岁以上的居民打八折。</p>
<p>食堂由一家本地餐饮企业运营，菜单每周更换，少油少盐，还有专门的软食窗口。</p>
<p>附近居民赵大爷几乎每天都来吃午饭，他说两荤一素加一碗汤，十二块钱就够了。</p>
<p>街道计划在年底前再开两家社区食堂，覆盖更多的老旧小区。</p>""",
    """<p>每月第一个周六，广场上都会举办旧书市集，几十个摊位摆满了旧书、旧杂志和老唱片。</p>
<p>市集不收摊位费，只要求摊主自带桌布，收摊后把垃圾带走。</p>
<p>退休的摊主孙老师带来了三百多本藏书，他说最希望这些书能找到真正爱读的人。</p>
<p>主办方表示，冬天市集将搬进图书馆的大厅，时间不变。</p>""",
]


def write_warc(path, records):
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        for url, content_type, status, body in records:
            headers = StatusAndHeaders(f"{status} OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))


def test_every_bad_input_is_an_article_or_a_reject(tmp_path, crawl_files):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "binary.bin").write_bytes(bytes(range(256)) * 64)
    (inputs / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    (inputs / "empty.html").write_bytes(b"")
    (inputs / "gbk.html").write_bytes(NEWS.format(charset="gbk", title="老旧小区加装电梯", body=BODIES[0]).encode("gbk"))
    (inputs / "gbk_undeclared.htm").write_bytes(
        NEWS.format(charset="", title="菜市场改造", body=BODIES[1]).replace('<meta charset="">', "").encode("gbk"))
    full = NEWS.format(charset="utf-8", title="夜跑步道亮灯", body=BODIES[2]).encode("utf-8")
    (inputs / "truncated.html").write_bytes(full[: full.index("园方计划".encode())])
    with (inputs / "huge.html").open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    write_warc(inputs / "small.warc.gz", [
        ("https://news.example.org/a/1", "text/html; charset=utf-8", 200,
         NEWS.format(charset="utf-8", title="自习室预约", body=BODIES[3]).encode()),
        ("https://news.example.org/logo.png", "image/png", 200, b"\x89PNG"),
        ("https://news.example.org/a/gone", "text/html", 404, b"<html><body>not here</body></html>"),
    ])
    (inputs / "broken.warc").write_bytes(b"WARC/1.0\r\nthis is not a warc record\r\n\r\n")
    # two stray bytes in a GBK page: read as a browser reads it, the bytes counted
    page = NEWS.format(charset="gbk", title="社区食堂", body=EXTRA[0])
    cut = page.index("附近居民")
    (inputs / "stray_bytes.html").write_bytes(
        page[:cut].encode("gbk") + b"\xff" + page[cut:cut + 10].encode("gbk") + b"\xff" + page[cut + 10:].encode("gbk"))
    # a saved body without <html>, opening with a script
    (inputs / "fragment.html").write_bytes(("<script>var x = 1;</script><h1>旧书市集</h1>" + EXTRA[1]).encode("utf-8"))

    articles, rejects, log = crawl_files(inputs)

    by_file = {a["fetched_from"].rsplit("/", 1)[-1]: a for a in articles}
    reasons = {r["fetched_from"].rsplit("/", 1)[-1]: r["reason"] for r in rejects}
    assert reasons == {
        "binary.bin": "unsupported",
        "image.html": "bad_encoding",
        "empty.html": "empty",
        "huge.html": "too_large",
        "broken.warc": "malformed",
        f"small.warc.gz#offset={reasons_offset(rejects, 'news.example.org/a/gone')}": "not_found",
    }
    assert set(by_file) == {"gbk.html", "gbk_undeclared.htm", "truncated.html", "stray_bytes.html",
                            "fragment.html", next(k for k in by_file if k.startswith("small.warc.gz#"))}
    assert "附近居民赵大爷" in by_file["stray_bytes.html"]["text"]
    assert {"reason": "undecodable_bytes", "text": "", "count": 2} in by_file["stray_bytes.html"]["removed"]
    assert "'extract/undecodable_bytes': 2" in log and "'extract/undecodable_pages': 1" in log
    assert "摊主孙老师" in by_file["fragment.html"]["text"] and "var x" not in by_file["fragment.html"]["text"]
    assert "刘阿姨" in by_file["gbk.html"]["text"] and "王师傅" in by_file["gbk_undeclared.htm"]["text"]
    assert "李先生" in by_file["truncated.html"]["text"] and "园方计划" not in by_file["truncated.html"]["text"]
    warc_article = next(a for k, a in by_file.items() if k.startswith("small.warc.gz#"))
    assert warc_article["url"] == "https://news.example.org/a/1"
    huge = next(r for r in rejects if r["reason"] == "too_large")
    assert "52428800 bytes" in huge["detail"]


def reasons_offset(rejects, url_part):
    reject = next(r for r in rejects if url_part in (r["url"] or ""))
    assert reject["status"] == 404
    return reject["fetched_from"].rsplit("#offset=", 1)[1]


def is_subsequence(part: str, whole: str) -> bool:
    chars = iter(whole)
    return all(c in chars for c in part)


def test_seeds_give_two_articles_of_their_paragraphs(crawl_files):
    seeds = shared_path("seeds")
    articles, rejects, _ = crawl_files(seeds)
    assert rejects == []
    assert len(articles) == 2
    txt = next(a for a in articles if a["fetched_from"].endswith(".txt"))
    lines = [line for line in (seeds / "sohu_style_article_with_spam.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    # the whole chain: spam gone, repeats gone, the 66 distinct paragraphs once each, in order
    texts = [b["text"] for b in txt["blocks"]]
    assert len(texts) == 66 and len(set(texts)) == 66
    assert all(b["type"] == "paragraph" and b["lang"] in ("zh", "en") for b in txt["blocks"])
    assert all(any(is_subsequence(t, line) for line in lines) for t in texts)
    assert [lines.index(t) for t in texts if t in lines] == sorted(lines.index(t) for t in texts if t in lines)
    for spam in ("otpe6", "配资", "以下继续扩展", "masterpieces.In"):
        assert spam not in txt["text"]
    reasons = {r["reason"] for r in txt["removed"]}
    assert {"link_farm", "promo", "generator_note", "duplicate_block"} <= reasons
    assert txt["lang"] == "en" and set(txt["langs"]) == {"en", "zh"}
    md = next(a for a in articles if a["fetched_from"].endswith(".md"))
    assert md["title"].startswith("当AI开始") and len(md["blocks"]) > 20


def test_output_is_utf8_jsonl_and_schema(tmp_path, crawl_files):
    articles, rejects, _ = crawl_files(REPO / "samples")
    raw = (tmp_path / "articles.jsonl").read_text(encoding="utf-8")
    assert "\\u" not in raw and "图书馆" in raw
    for line in raw.splitlines():
        json.loads(line)
    schema = {"url", "fetched_from", "source", "title", "author", "account", "published_at",
              "published_from", "blocks", "text", "lang", "images", "removed", "duplicate_of"}
    for article in articles:
        assert schema <= set(article)
        assert all(set(b) == {"type", "text", "lang"} for b in article["blocks"])
        assert article["text"] == "\n".join(b["text"] for b in article["blocks"])
    assert [(r["fetched_from"].rsplit("/", 1)[-1], r["reason"]) for r in rejects] == [
        ("deleted_by_author.html", "deleted")]
    assert len(articles) == 3


def test_inputs_large_enough_start_every_pipeline_worker_with_the_crawl(tmp_path):
    """The files under the path are counted until they reach the size (a link to a
    file counts as the file a reader opens; what the walk refuses counts nothing)."""
    from crawler.spiders.files import input_bytes_reach

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.jsonl").write_bytes(b"x" * 600)
    (tmp_path / "two.warc.gz").write_bytes(b"y" * 300)
    (tmp_path / "link.jsonl").symlink_to(tmp_path / "a" / "one.jsonl")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    assert input_bytes_reach(tmp_path, 1500) and not input_bytes_reach(tmp_path, 1501)
    assert input_bytes_reach(tmp_path / "two.warc.gz", 300) and not input_bytes_reach(tmp_path / "two.warc.gz", 301)
