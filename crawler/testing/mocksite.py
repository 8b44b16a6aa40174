"""A mock of the WeChat and Sohu sites on 127.0.0.1, for the spider tests and
the crawl bench. ``python -m crawler.testing.mocksite`` prints the port, then serves
until killed (Scrapy's own tests start their mock server the same way).

It serves, with article text invented here (no real page is copied):

- WeChat: article pages in the real markup (``#activity-name``, ``#js_name``,
  ``#js_content``, ``var ct``...) at long ``/s?__biz=…&mid=…&idx=…&sn=…`` and
  short ``/s/CODE`` links; album JSON (``/mp/appmsgalbum?action=getalbum…&f=json``,
  paged by ``begin_msgid``/``begin_itemidx``, ``continue_flag``, a one-article
  album answering an object); RSS, Atom and JSON feeds (``/feeds/…``);
  verification pages (``/x/verify/CODE``, and ``/x/verify-redirect/CODE`` redirecting
  to ``/mp/wappoc_appmsgcaptcha``).
- Sohu: article pages (``/a/ID_AUTHOR``: ``.text-title h1``, ``#news-time``,
  ``article#mp-editor``), the author list API
  (``/author-page-api/author-articles/pc/AUTHOR?pNo=N``; author ``benchN``
  has N pages of 20 articles) and the feed API (``/public-api/feed?scene=…``).
- Misbehaviour under ``/x/KIND/CODE``: ``429`` (once, ``Retry-After: 1``),
  ``503`` (once), ``500`` (always), ``404``, ``slow`` (1.6 s), ``truncated``
  (closes before the promised length), ``big`` (1 MB), ``redirect`` (same host),
  ``redirect-off`` (to ``localhost``), ``slowok`` (0.2 s then the article),
  ``429-long`` (always, ``Retry-After: 3600``), ``429-odd`` (once,
  ``Retry-After: ²``), ``gzip-bomb`` (4 MB of zeros gzipped to 4 KB),
  ``tiny-paras`` (10 MB of one-character paragraphs), ``huge-text``
  (15.5 MB of plain text lines), ``stall`` (half the body, then 3 s of
  silence, then the connection closed);
  ``/private/…`` is disallowed by ``/robots.txt``.
- ``/_log``: the requests served so far (JSON; ``?clear=1`` empties it).
- ``/_hold?after=N``: article pages past the next N wait until ``/_hold?release=1``
  (at most ``HOLD_LIMIT`` seconds): a test that acts mid-crawl (a signal, a
  fault) acts before the crawl can finish, however loaded the machine.

The catalogue below (feeds, albums, authors, channels) is what the tests
compare crawl output with.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import random
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CST = timezone(timedelta(hours=8))

# --- invented text -------------------------------------------------------------

_WHEN = ["今年春天", "上个月", "近几年来", "去年冬天", "本周一", "入夏以后", "清晨六点", "年初",
         "这个季度", "前不久", "每逢周末", "傍晚时分", "开学前夕", "节假日期间", "雨季到来前"]
_WHO = ["镇上的木工合作社", "一位退休的中学物理老师", "河对岸的果园主人", "社区图书馆的志愿者",
        "县里的气象观测站", "两名刚毕业的建筑系学生", "老街上的修表师傅", "一支业余天文小组",
        "山脚下的养蜂人家", "市场里卖豆腐的夫妻", "渡口的摆渡人", "村小的音乐教师",
        "一家做竹编的小作坊", "水库管理所的技术员", "夜校的书法班学员", "港口的老船长",
        "茶园的采茶队", "城西的旧书摊主", "一位研究苔藓的博士生", "街角面包店的学徒"]
_HOW = ["悄悄地", "一点一点地", "反复琢磨着", "不紧不慢地", "花了整整三周", "在众人的怀疑中",
        "借着一盏台灯", "顶着烈日", "用最笨的办法", "和邻居们一起", "趁着农闲", "对照旧笔记"]
_DO = ["修好了一台生锈的织布机", "记录下每天的云层高度", "整理出一份方言词表", "测量了溪水的流速",
       "复原了一张褪色的老地图", "试种了七个品种的番茄", "绘制出附近鸟类的迁徙路线",
       "改良了屋顶的排水槽", "统计了一年里的萤火虫数量", "拼好了一架旧钢琴的音板",
       "编写了一本给孩子的星图手册", "找回了失传多年的染布配方", "收集了三百多枚不同的树叶",
       "搭起了一个能发电的小水车", "校准了钟楼上停摆的大钟", "培育出耐寒的油菜苗"]
_RESULT = ["结果出乎所有人的意料", "邻居们纷纷上门请教", "这件事很快在镇上传开了",
           "数据比预想的还要稳定", "孩子们每天放学都来围观", "连外地的游客也专程赶来",
           "他们决定把经验写成小册子", "第二年又有了新的发现", "当地学校把它编进了课外读物",
           "不少细节至今仍在讨论", "这让原本冷清的角落热闹起来", "每一步都留下了详细的笔记"]
_HEADINGS = ["缘起", "过程", "难点", "转机", "后来", "几点体会", "尚未解决的问题", "下一步"]


def _sentence(rng: random.Random) -> str:
    number = rng.randint(2, 97)
    return (f"{rng.choice(_WHEN)}，{rng.choice(_WHO)}{rng.choice(_HOW)}{rng.choice(_DO)}，"
            f"前后一共{number}次，{rng.choice(_RESULT)}。")


def article_text(seed: str) -> tuple[list[str], list[str]]:
    """(paragraphs, headings) of the invented article ``seed``: the same seed,
    the same text; different seeds, different texts."""
    rng = random.Random(hashlib.sha256(seed.encode()).digest())
    paragraphs = [
        "".join(_sentence(rng) for _ in range(rng.randint(3, 5)))
        for _ in range(rng.randint(6, 9))
    ]
    return paragraphs, rng.sample(_HEADINGS, 2)


# Boilerplate of real pages (styles, scripts): the parser must get past it.
_STYLE = "\n".join(
    f".rich_media_area_{i} .item_{j}{{margin:{i}px {j}px;padding:{j}px;color:#{i:02x}{j:02x}99}}"
    for i in range(12) for j in range(12)
)

# --- catalogue ----------------------------------------------------------------


def ts(day: str) -> int:
    """Unix time of 09:30 China time on ``day`` (YYYY-MM-DD)."""
    return int(datetime.fromisoformat(f"{day}T09:30:00+08:00").timestamp())


WECHAT_BIZ = "MzMockAcct01=="
# msgid -> (title, account, author, day)
WECHAT_ARTICLES = {
    2247480001: ("木工社的第一台织布机", "小镇手记", "周青", "2024-03-02"),
    2247480002: ("云层高度观测一年记", "小镇手记", "周青", "2024-03-09"),
    2247480003: ("方言词表是怎样整理出来的", "小镇手记", "林一", "2024-04-01"),
    2247480004: ("溪水流速的测量方法", "小镇手记", "林一", "2024-04-20"),
    2247480005: ("一张老地图的复原", "小镇手记", "周青", "2024-05-06"),
    2247480006: ("番茄试种笔记", "小镇手记", "陈木", "2024-05-30"),
}


def wechat_long_path(msgid: int, idx: int = 1) -> str:
    sn = hashlib.md5(f"{msgid}-{idx}".encode()).hexdigest()
    return f"/s?__biz={WECHAT_BIZ}&mid={msgid}&idx={idx}&sn={sn}"


# album id -> msgids in album order
ALBUMS = {"1001": [2247480001, 2247480002, 2247480003, 2247480004, 2247480005], "1002": [2247480006]}

# Feeds: (short code, title, author, day); the "bare" pages carry no title,
# author nor date of their own, so the feed's fill them.
FEED_ENTRIES = {
    "rss": [("rssA1", "蜂箱旁的一个夏天", "赵岚", "2024-06-01"), ("rssA2", "豆腐坊的清晨", "赵岚", "2024-06-03")],
    "atom": [("atomB1", "渡口往事", "钱川", "2024-06-05"), ("bareC1", "夜校书法班结业记", "钱川", "2024-06-07")],
    "json": [("jsonD1", "港口老船长的航海日志", "孙舟", "2024-06-09")],
    "json2": [("bareD2", "茶园采茶队的新歌", "孙舟", "2024-06-11")],
}
BARE_CODES = {"bareC1", "bareD2"}

SOHU_ACCOUNT = "城南观察"
# author -> [(news id, title, day)], newest first; the API pages them by SOHU_AUTHOR_PAGE
SOHU_AUTHORS = {
    "9001": [
        (700000005, "旧书摊主的三十年", "2024-06-05"),
        (700000004, "钟楼大钟重新走动", "2024-06-01"),
        (700000003, "水车发电小记", "2024-05-20"),
        (700000002, "苔藓博士的田野课", "2024-04-10"),
        (700000001, "面包店学徒的一天", "2024-03-01"),
    ],
}
SOHU_AUTHOR_PAGE = 2
# (scene, scene id) -> [(news id, author id, title, day)], newest first
SOHU_CHANNELS = {
    ("CHANNEL", "77"): [
        (710000004, 9002, "社区图书馆的夜读会", "2024-06-10"),
        (710000003, 9002, "油菜苗过冬记", "2024-06-02"),
        (710000002, 9003, "染布配方寻访", "2024-05-25"),
    ],
    ("TAG", "555"): [(720000001, 9004, "萤火虫计数的夏夜", "2024-06-12")],
}
BENCH_PAGE = 20


def sohu_article(news_id: int, author_id: int) -> tuple[str, str, str]:
    """(title, account, day) of a Sohu article of the catalogue, or invented."""
    for items in SOHU_AUTHORS.values():
        for nid, title, day in items:
            if nid == news_id:
                return title, SOHU_ACCOUNT, day
    for items in SOHU_CHANNELS.values():
        for nid, _, title, day in items:
            if nid == news_id:
                return title, f"作者{author_id}", day
    day = (datetime(2024, 1, 1) + timedelta(days=news_id % 300)).date().isoformat()
    return f"第{news_id}号测试文章", f"作者{author_id}", day


# --- pages ----------------------------------------------------------------------


# Pages sharing a farm's template (``/s/farmN``: its slots filled in anew on
# each page) or quoting one legitimate passage (``/s/quoteN``), for the tests
# of learned templates (crawler/cleaning/templates.py).
FARM_BRANDS = ["金穗", "鼎盛", "瑞丰", "恒通", "汇远", "嘉禾", "泰和", "润达"]
FARM_PLATFORMS = ["微信", "QQ", "抖音", "微博"]


def farm_lines(n: int) -> tuple[str, str]:
    """(head, tail) of the farm template on its page ``n``."""
    brand, platform = FARM_BRANDS[n % len(FARM_BRANDS)], FARM_PLATFORMS[n % len(FARM_PLATFORMS)]
    return (f"【{brand}内参】已有{3 + n * 7}万读者订阅，{platform}搜索 jr{n}x{n * 13}，回复“内参”领取今日福利",
            f"本文由{brand}研究院整理发布，转载请注明出处，更多内容见 www.{brand_host(n)}.com")


def brand_host(n: int) -> str:
    return f"jq{n}{chr(97 + n % 26)}{n * 3}"


# quoted by every quote page, at its head and inside a paragraph: a passage
# with a number and a title in it, and a sentence citing an official site
QUOTE = "梭罗在1854年出版的《瓦尔登湖》里写道：“我到林中去，因为我希望从容不迫地生活。”"
QUOTE_CITING = "国家统计局在官网 www.stats.gov.cn 公布了这组数据，各地可以据此比较。"


def wechat_page(seed: str, title: str | None, account: str | None, author: str | None,
                created: int | None, link: str, head: tuple[str, ...] = (), tail: tuple[str, ...] = (),
                glued: str = "") -> bytes:
    """``head``/``tail``: paragraphs before and after the article's; ``glued``:
    a sentence appended to its fourth paragraph."""
    paragraphs, headings = article_text(seed)
    paragraphs = [*head, *paragraphs[:3], paragraphs[3] + glued, *paragraphs[4:], *tail]
    if not title:  # a bare page: nothing a parser could take for a title
        headings = ["", ""]
    body = [f"<section><h2>{headings[0]}</h2>" if headings[0] else "<section>"]
    body += [f'<p style="margin:0 8px;line-height:1.75em;"><span style="font-size:15px;">{p}</span></p>'
             for p in paragraphs[:3]]
    body.append(f"<h2>{headings[1]}</h2>" if headings[1] else "")
    body += [f"<p><span>{p}</span></p>" for p in paragraphs[3:]]
    body.append("</section>")
    head_meta = ""
    if title:
        head_meta += (f'<meta property="og:title" content="{escape(title)}" />\n'
                      f'  <meta property="twitter:title" content="{escape(title)}" />\n')
    head_meta += f'  <meta property="og:url" content="{escape(link)}" />\n'
    meta_list = ""
    if author:
        meta_list += f'<span class="rich_media_meta rich_media_meta_text">{escape(author)}</span>\n'
    if account:
        meta_list += ('<span class="rich_media_meta rich_media_meta_nickname" id="profileBt">'
                      f'<a href="javascript:void(0);" class="wx_tap_link js_wx_tap_highlight" id="js_name">'
                      f"{escape(account)}</a></span>\n")
    script = ""
    if created:
        script += f'var ct = "{created}";\n'
    if account:
        script += f'var nickname = htmlDecode("{escape(account)}");\n'
    if title:
        script += f"var msg_title = '{escape(title)}'.html(false);\n"
    script += f'var msg_link = "{escape(link)}";\n'
    html = f"""<!DOCTYPE html>
<html>
<head>
  <meta http-equiv="Content-Type" content="text/html; charset=utf-8">
  <meta name="viewport" content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0,viewport-fit=cover">
  {head_meta}
  <meta property="og:type" content="article" />
  <style>{_STYLE}</style>
  <script type="text/javascript">var biz = "" || "{WECHAT_BIZ}"; var idx = "" || "1";</script>
</head>
<body id="activity-detail" class="zh_CN wx_wap_page mm_appmsg comment_feature discuss_tab appmsg_skin_default">
<div id="js_article" class="rich_media">
  <div id="js_top_ad_area" class="top_banner"></div>
  <div class="rich_media_inner">
    <div id="page-content" class="rich_media_area_primary">
      <div class="rich_media_area_primary_inner">
        <div id="img-content" class="rich_media_wrp">
          {f'<h1 class="rich_media_title " id="activity-name">{escape(title)}</h1>' if title else ''}
          <div id="meta_content" class="rich_media_meta_list">
            {meta_list}
            <em id="publish_time" class="rich_media_meta rich_media_meta_text"></em>
          </div>
          <div class="rich_media_content " id="js_content" style="visibility: hidden;">
            {''.join(body)}
          </div>
          <div id="js_sponsor_ad_area" style="display:none;"></div>
        </div>
      </div>
    </div>
  </div>
</div>
<script type="text/javascript">
{script}
</script>
</body>
</html>"""
    return html.encode("utf-8")


def sohu_page(news_id: int, author_id: int, host: str) -> bytes:
    title, account, day = sohu_article(news_id, author_id)
    paragraphs, _ = article_text(f"sohu-{news_id}")
    created = ts(day)
    paras = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = f"""<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <title>{escape(title)}_{escape(account)}</title>
  <meta name="mediaid" content="{escape(account)}">
  <meta property="og:type" content="news">
  <meta property="og:url" content="{host}/a/{news_id}_{author_id}">
  <meta property="og:release_date" content="{day} 09:30">
  <style>{_STYLE}</style>
</head>
<body>
<div class="wrapper-box">
  <div class="area clearfix" id="article-container">
    <div class="column left">
      <div class="user-info" id="user-info" data-spm="author">
        <h4><a href="https://mp.sohu.com/profile?xpt=mock{author_id}" target="_blank">{escape(account)}</a></h4>
      </div>
    </div>
    <div class="left main">
      <div data-spm="content">
        <div class="text">
          <div class="text-title">
            <h1>{escape(title)}<span class="article-tag"></span></h1>
            <div class="article-info">
              <span class="time" id="news-time" data-val="{created * 1000}">{day} 09:30</span>
              <div class="area"><span>发布于：</span><span>北京市</span></div>
            </div>
          </div>
          <article class="article" id="mp-editor">
            {paras}
            <p data-role="editor-name">责任编辑：<span>王编辑</span></p>
          </article>
        </div>
      </div>
    </div>
  </div>
</div>
<script>
window.sohu_mp.article({{news_id: "{news_id}", media_id: "{author_id}", title: "{escape(title)}"}});
</script>
</body>
</html>"""
    return html.encode("utf-8")


VERIFY_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title></title>
<link rel="stylesheet" href="//res.wx.qq.com/mmbizwap/zh_CN/htmledition/style/page/secitptpage/verify.css">
</head><body class="zh_CN">
<div class="weui-msg">
  <div class="weui-msg__text-area"><h2 class="weui-msg__title">环境异常</h2>
  <p class="weui-msg__desc">当前环境异常，完成验证后即可继续访问。</p></div>
  <div class="weui-msg__opr-area"><a class="weui-btn weui-btn_primary" id="js_verify">去验证</a></div>
</div>
<script>var PAGE_MID='mmbizwap:secitptpage/verify.html';</script>
</body></html>""".encode()

@functools.cache
def _gzip_bomb() -> bytes:
    return gzip.compress(b"\0" * 4_000_000)


@functools.cache
def _costly(kind: str) -> bytes:
    """Pages within DOWNLOAD_MAXSIZE that cost the chain minutes and gigabytes without a budget."""
    if kind == "tiny-paras":
        return b"<html><head><title>t</title></head><body>" + "<p>字</p>".encode() * 1_000_000 + b"</body></html>"
    line = ("今年春天，镇上的木工合作社" * 4 + "\n").encode()
    return line * (15_500_000 // len(line))


# --- server -------------------------------------------------------------------


class MockSite(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a crawl opens connections in bursts; a full backlog stalls them 1 s

    def handle_error(self, request, client_address):
        # clients hang up on purpose (timeouts, size limits): not worth a traceback
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.log: list[dict] = []
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()
        self.busy = 0  # requests being served (a slow one is logged when it ends)
        self.hold_after: int | None = None  # article pages served before the others wait (``/_hold``)
        self.held = 0  # article pages asked for since the hold was set
        self.released = threading.Event()
        self.released.set()

    def wait_turn(self) -> None:
        """An article page's turn: now, or once the hold is released."""
        with self.lock:
            if self.hold_after is None:
                return
            self.held += 1
            if self.held <= self.hold_after:
                return
        self.released.wait(HOLD_LIMIT)

    def hold(self, after: int | None) -> None:
        with self.lock:
            self.hold_after, self.held = after, 0
            (self.released.clear if after is not None else self.released.set)()


HOLD_LIMIT = 600  # seconds a held page waits at most: a test that never releases fails, not hangs


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body in one write, sent at once: with two small writes on a
    # kept-alive connection, Nagle and delayed ACKs stall each response ~40 ms
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server: MockSite

    def log_message(self, format, *args):  # quiet
        pass

    def do_GET(self):
        started = time.time()
        parts = urlsplit(self.path)
        if parts.path == "/_log":
            return self._log(parts)
        if parts.path == "/_hold":
            query = parse_qs(parts.query)
            self.server.hold(int(query["after"][0]) if "after" in query else None)
            return self.send(200, b"ok", "text/plain")
        if parts.path == "/s" or parts.path.startswith(("/s/", "/a/")):  # an article page
            self.server.wait_turn()
        with self.server.lock:
            self.server.hits[self.path] = hits = self.server.hits.get(self.path, 0) + 1
            self.server.busy += 1
        status = None  # a client that hung up mid-response
        try:
            status = self.route(parts, parse_qs(parts.query), hits)
        finally:
            with self.server.lock:
                self.server.busy -= 1
                self.server.log.append({
                    "path": self.path, "host": self.headers.get("Host"), "status": status,
                    "start": started, "end": time.time(), "ua": self.headers.get("User-Agent"),
                    "client_port": self.client_address[1],  # one per connection
                })

    def _log(self, parts):
        # a request still being served (a client may have given up on it) belongs to this log
        deadline = time.time() + 5
        while self.server.busy and time.time() < deadline:
            time.sleep(0.02)
        with self.server.lock:
            data = json.dumps(self.server.log).encode()
            if "clear=1" in parts.query:
                self.server.log.clear()
                self.server.hits.clear()
        self.send(200, data, "application/json")

    def send(self, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8",
             headers: dict | None = None) -> int:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        return status

    @property
    def base(self) -> str:
        return f"http://{self.headers.get('Host')}"

    def route(self, parts, query, hits) -> int:
        path = parts.path
        if path == "/robots.txt":
            return self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if path == "/s" and "mid" in query:
            msgid = int(query["mid"][0])
            return self.wechat_article(msgid, self.base + wechat_long_path(msgid))
        if path.startswith("/s/"):
            return self.wechat_code(path[3:])
        if path == "/mp/appmsgalbum":
            return self.album(query)
        if path == "/mp/wappoc_appmsgcaptcha":
            return self.send(200, VERIFY_PAGE)
        if path == "/feeds/links-to.json":  # a JSON feed of the links given as ?url=
            items = [{"id": url, "url": url} for url in query.get("url", [])]
            return self.send(200, json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "links",
                                              "items": items}).encode(), "application/feed+json")
        if path.startswith("/feeds/"):
            return self.feed(path.removeprefix("/feeds/"))
        if path.startswith("/a/"):
            news_id, _, author_id = path[3:].partition("_")
            return self.send(200, sohu_page(int(news_id), int(author_id), self.headers.get("Host")))
        if path.startswith("/author-page-api/author-articles/pc/"):
            return self.sohu_author(path.rsplit("/", 1)[1], int(query.get("pNo", ["1"])[0]))
        if path == "/public-api/feed":
            return self.sohu_feed(query)
        if path.startswith("/x/"):
            kind, _, code = path[3:].partition("/")
            return self.misbehave(kind, code, hits)
        if path.startswith("/private/"):
            return self.wechat_code(path.rsplit("/", 1)[1])
        return self.send(404, b"<html><body>not found</body></html>")

    # WeChat

    def wechat_article(self, msgid: int, link: str) -> int:
        title, account, author, day = WECHAT_ARTICLES.get(msgid, (f"文章{msgid}", "小镇手记", None, "2024-01-15"))
        return self.send(200, wechat_page(f"wechat-{msgid}", title, account, author, ts(day), link))

    def wechat_code(self, code: str) -> int:
        link = f"{self.base}/s/{code}"
        if code.startswith("farm") and code[4:].isdigit():
            n = int(code[4:])
            head, tail = farm_lines(n)
            return self.send(200, wechat_page(f"wechat-{code}", f"财经早知道{n}", f"财经号{n}", None,
                                              ts("2024-03-03"), link, head=(head,), tail=(tail,)))
        if code.startswith("quote") and code[5:].isdigit():
            return self.send(200, wechat_page(f"wechat-{code}", f"读书笔记{code[5:]}", "乡野笔记", None,
                                              ts("2024-03-04"), link, head=(QUOTE,), glued=QUOTE_CITING))
        for entries in FEED_ENTRIES.values():
            for entry_code, title, author, day in entries:
                if entry_code == code and code in BARE_CODES:
                    return self.send(200, wechat_page(f"wechat-{code}", None, None, None, None, link))
                if entry_code == code:
                    return self.send(200, wechat_page(f"wechat-{code}", title, "乡野笔记", author, ts(day), link))
        return self.send(200, wechat_page(f"wechat-{code}", f"短链文章{code}", "乡野笔记", None, ts("2024-02-02"), link))

    def album(self, query) -> int:
        album_id = query.get("album_id", [""])[0]
        if query.get("f", [""])[0] != "json" or album_id not in ALBUMS:
            return self.send(200, json.dumps({"base_resp": {"ret": -2, "errmsg": "invalid args"}}).encode(),
                             "application/json")
        msgids = ALBUMS[album_id]
        count = int(query.get("count", ["10"])[0] or 10)
        begin = query.get("begin_msgid", [""])[0]
        start = msgids.index(int(begin)) + 1 if begin else 0
        page = msgids[start:start + count]
        items = [{
            "title": WECHAT_ARTICLES[m][0],
            # the API escapes & in its links, and appends share markers
            "url": (self.base + wechat_long_path(m)).replace("&", "&amp;") + "&amp;chksm=ab12cd34#rd",
            "create_time": str(ts(WECHAT_ARTICLES[m][3])), "msgid": str(m), "itemidx": "1",
            "cover_img_1_1": "https://mmbiz.qpic.cn/mock.jpg",
        } for m in page]
        resp = {"base_info": {"title": "合集"}, "article_list": items[0] if len(msgids) == 1 else items,
                "continue_flag": "1" if start + count < len(msgids) else "0"}
        return self.send(200, json.dumps({"base_resp": {"ret": 0, "errmsg": "ok"}, "getalbum_resp": resp},
                                         ensure_ascii=False).encode(), "application/json")

    def feed(self, name: str) -> int:
        def day_dt(day):
            return datetime.fromisoformat(f"{day}T09:30:00+08:00")
        if name == "wechat.rss":
            items = "".join(
                f"<item><title>{t}</title><link>{self.base}/s/{c}</link>"
                f"<dc:creator>{a}</dc:creator><pubDate>{format_datetime(day_dt(d))}</pubDate>"
                f"<guid isPermaLink=\"false\">{c}</guid></item>"
                for c, t, a, d in FEED_ENTRIES["rss"])
            body = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
                    'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>乡野笔记</title>'
                    f"<link>{self.base}/</link>{items}</channel></rss>")
            return self.send(200, body.encode(), "application/rss+xml; charset=utf-8")
        if name == "wechat.atom":
            entries = "".join(
                f"<entry><title>{t}</title><link href=\"/s/{c}\"/><id>urn:{c}</id>"
                f"<author><name>{a}</name></author><updated>{day_dt(d).isoformat()}</updated></entry>"
                for c, t, a, d in FEED_ENTRIES["atom"])
            body = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                    f"<title>乡野笔记</title><id>urn:mock</id>{entries}</feed>")
            return self.send(200, body.encode(), "application/atom+xml")
        if name in ("wechat.json", "wechat-2.json"):
            key = "json" if name == "wechat.json" else "json2"
            data = {"version": "https://jsonfeed.org/version/1.1", "title": "乡野笔记", "items": [
                {"id": c, "url": f"{self.base}/s/{c}", "title": t, "authors": [{"name": a}],
                 "date_published": day_dt(d).isoformat()} for c, t, a, d in FEED_ENTRIES[key]]}
            if key == "json":
                data["next_url"] = f"{self.base}/feeds/wechat-2.json"
            return self.send(200, json.dumps(data, ensure_ascii=False).encode(), "application/feed+json")
        if name == "links.json":  # a feed listing links on other hosts (safety tests)
            port = self.server.server_address[1]
            links = [f"http://localhost:{port}/s/viaLocalhost", "http://10.255.255.1/s/privateNet",
                     "http://169.254.169.254/latest/meta-data/", f"http://[::1]:{port}/s/viaIpv6"]
            data = {"version": "https://jsonfeed.org/version/1.1", "title": "links",
                    "items": [{"id": u, "url": u} for u in links]}
            return self.send(200, json.dumps(data).encode(), "application/feed+json")
        return self.send(404, b"no such feed")

    # Sohu

    def sohu_author(self, author: str, page: int) -> int:
        if author.startswith("bench"):
            pages = int(author.removeprefix("bench"))
            items = [] if page > pages else [
                {"title": f"第{n}号测试文章", "link": f"{self.headers.get('Host')}/a/{n}_{8000}?scm=1.2.3",
                 "publicTime": ts("2024-06-01") * 1000}
                for n in range(800000000 + (page - 1) * BENCH_PAGE, 800000000 + page * BENCH_PAGE)]
        else:
            chunk = SOHU_AUTHORS.get(author, [])[(page - 1) * SOHU_AUTHOR_PAGE:page * SOHU_AUTHOR_PAGE]
            # the real API gives links without a scheme, with tracking parameters
            items = [{"title": t, "link": f"{self.headers.get('Host')}/a/{nid}_{author}?scm=1.1.0.0&spm=smpc.x",
                      "publicTime": ts(d) * 1000} for nid, t, d in chunk]
        data = {"code": 200, "msg": "ok", "data": {"pcArticleVOS": items}}
        return self.send(200, json.dumps(data, ensure_ascii=False).encode(), "application/json")

    def sohu_feed(self, query) -> int:
        key = (query.get("scene", [""])[0], query.get("sceneId", [""])[0])
        page, size = int(query.get("page", ["1"])[0]), int(query.get("size", ["20"])[0])
        chunk = SOHU_CHANNELS.get(key, [])[(page - 1) * size:page * size]
        items = [{"id": nid, "authorId": aid, "authorName": f"作者{aid}", "title": t,
                  "publicTime": ts(d) * 1000, "type": 0} for nid, aid, t, d in chunk]
        return self.send(200, json.dumps(items, ensure_ascii=False).encode(), "application/json")

    # misbehaviour

    def half_body(self, repeats: int, stall: float) -> int:
        """Fewer bytes than the Content-Length promised; ``stall`` seconds of silence before closing."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "50000")
        self.end_headers()
        self.wfile.write(b"<html><body><p>" + "半截".encode() * repeats)
        self.wfile.flush()
        time.sleep(stall)
        self.close_connection = True
        return 200

    def misbehave(self, kind: str, code: str, hits: int) -> int:
        article = f"/s/{code}"
        if kind == "429" and hits == 1:
            return self.send(429, b"slow down", "text/plain", {"Retry-After": "1"})
        if kind == "429-long":
            return self.send(429, b"come back in an hour", "text/plain", {"Retry-After": "3600"})
        if kind == "429-odd" and hits == 1:
            return self.send(429, b"slow down", "text/plain", {"Retry-After": "\u00b2"})
        if kind == "gzip-bomb":
            return self.send(200, _gzip_bomb(), headers={"Content-Encoding": "gzip"})
        if kind == "tiny-paras":
            return self.send(200, _costly("tiny-paras"))
        if kind == "huge-text":
            return self.send(200, _costly("huge-text"), "text/plain; charset=utf-8")
        if kind == "503" and hits == 1:
            return self.send(503, b"busy", "text/plain")
        if kind == "500":
            return self.send(500, b"broken", "text/plain")
        if kind == "404":
            return self.send(404, b"<html><body>gone</body></html>")
        if kind == "slow":  # longer than the tests' DOWNLOAD_TIMEOUT of 1 s
            time.sleep(1.6)
        if kind == "slowok":
            time.sleep(0.2)
        if kind in ("stall", "truncated"):  # half a body, then (stall: after 3 s) the connection closed
            return self.half_body(500 if kind == "truncated" else 4000, stall=3 if kind == "stall" else 0)
        if kind == "big":
            return self.send(200, b"<html><body>" + b"x" * 1_000_000 + b"</body></html>")
        if kind == "redirect":
            return self.send(301, b"", headers={"Location": article})
        if kind == "redirect-off":
            port = self.server.server_address[1]
            return self.send(302, b"", headers={"Location": f"http://localhost:{port}{article}"})
        if kind == "verify":
            return self.send(200, VERIFY_PAGE)
        if kind == "verify-redirect":
            return self.send(302, b"", headers={"Location": f"/mp/wappoc_appmsgcaptcha?poc_token=x&target_url={article}"})
        return self.wechat_code(code)


def main() -> None:
    site = MockSite()
    print(site.server_address[1], flush=True)
    try:
        site.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
