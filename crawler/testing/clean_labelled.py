"""The clean stage's labelled set: pages with known injections, and look-alikes.

Built deterministically from data files in ``tests/data/clean/`` (invented
text): ``carriers.toml`` (legitimate paragraphs), ``injections.toml`` (spam by
kind, with where to put it and the reason cleaning must give) and
``lookalikes.toml`` (legitimate paragraphs that use spam vocabulary) make the
main set; ``holdout.toml`` and ``unseen.toml`` are sets of their own (see
``SETS``).

Every case is rendered twice, with and without its injection, in each of its
formats: plain text, Markdown, a WeChat page (``#js_content``) and a Sohu page
(``article#mp-editor``), and both are parsed by ``crawler.parsing.parse_page``
as in the crawl. The parse without the injection is what cleaning must give
back, so the score needs no per-character labels and survives the parsers'
own normalisation (``score``).

Used by tests/test_clean_labelled.py and bench/clean_eval.py.
"""

from __future__ import annotations

import difflib
import html
import random
import tomllib
from dataclasses import dataclass, field

from crawler.parsing import parse_page
from crawler.testing.process import REPO

DATA = REPO / "tests" / "data" / "clean"
TEXT_FORMATS = ("text", "wechat", "sohu")


def _read(name: str) -> dict:
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))


# the sets: "main" (injections.toml + lookalikes.toml, the rules were tuned on
# it), "holdout" and "unseen" (one file each, look-alikes under [lookalike]; a
# [carriers] table there replaces carriers.toml)
SETS = ("main", "holdout", "unseen", "fresh", "novel", "probe", "intent", "bilingual", "shapes_probe", "pasted",
        "notes_probe", "blind", "reach", "trades", "blind2", "blind3", "seams", "contacts", "english", "notices", "blind4", "blind5",
        "contacts2", "foreign", "disguise", "adpara", "notes2", "blind6", "hiding", "notes3",
        "english2", "seams2", "verticals", "blind7", "notes4", "seams3", "verticals2", "english3", "contacts3", "blind8",
        "contacts4", "english4", "seams4", "stuffing", "verticals3", "notes5", "blind9", "stuffing2",
        "verticals4", "english5", "contacts5", "notes6", "seams5", "blind10", "notice5",
        "verticals5", "stuffing3", "english6", "english6h", "contacts6",
        "notes7", "pasted6", "blind11", "blind12", "blind13", "english7", "english7h", "boiler3", "disguise3",
        "disguise4", "seams6", "english8", "english8h", "hosts4", "stuffing4")


def load_data(name: str = "main") -> tuple[dict, dict, list[dict]]:
    """(carriers, injections by kind, look-alikes) of the set ``name``."""
    if name == "main":
        return _read("carriers.toml"), _read("injections.toml"), _read("lookalikes.toml")["items"]
    if name not in SETS:
        raise ValueError(f"unknown labelled set {name!r} (sets: {', '.join(SETS)})")
    injections = _read(f"{name}.toml")
    # a set's own carriers, those of the set file it names, or carriers.toml
    source = injections.pop("carriers_from", None)
    carriers = injections.pop("carriers", None)
    if carriers is None:
        carriers = _read(source)["carriers"] if source else _read("carriers.toml")
    return carriers, injections, injections.pop("lookalike")["items"]


# a page is a list of blocks; a block is a list of segments:
# ("text", str) or ("inj", item, css-or-None[, lead]): lead is text the injection
# brings before itself (a space)
@dataclass
class Case:
    kind: str
    reason: str | None  # None: a look-alike page, nothing to remove
    fmt: str
    item: object
    blocks: list[list[tuple]]
    lookalikes: list[str] = field(default_factory=list)
    number: int = 0
    sheet: str = ""  # a <style> element of the page
    set: str = "main"

    def page(self, injected: bool = True) -> tuple[bytes, str, str]:
        """(body, url, name) of the page, with or without the injection."""
        return render(self.fmt, self.blocks, injected, self.number, self.sheet)


def _item_text(item) -> str:
    """The text an injection shows once flattened."""
    if isinstance(item, list):  # a run of links
        sep, *links = item
        return sep.join(link.split(" ", 1)[1] for link in links)
    return item


def _split_at(text: str, rng: random.Random, place: str) -> int | None:
    """Where in a paragraph an injection goes."""
    if place == "zh_inline":
        spots = [i for i in range(1, len(text)) if not text[i - 1].isspace() and not text[i].isspace()]
    else:  # en_inline / en_glued: at a word boundary, before a space
        spots = [i for i in range(1, len(text)) if text[i] == " " and text[i - 1].isalpha()]
    return rng.choice(spots) if spots else None


def _compose(rng: random.Random, carriers: dict, place: str, item, css, extra=()) -> list[list[tuple]]:
    zh = rng.sample(carriers["zh"], 2)
    en = rng.sample(carriers["en"], 2)
    paragraphs = zh + en + list(extra)  # extra: the topic's paragraphs, never a target
    rng.shuffle(paragraphs)
    blocks = [[("text", p)] for p in paragraphs]
    if place in ("zh_inline", "en_inline", "en_glued"):
        want_zh = place == "zh_inline"
        targets = [i for i, p in enumerate(paragraphs) if (p in zh) == want_zh]
        i = rng.choice(targets)
        cut = _split_at(paragraphs[i], rng, place)
        # en_inline: the injection brings its own space (" a.cn b.cn" at a word boundary)
        lead = " " if place == "en_inline" else ""
        blocks[i] = [("text", paragraphs[i][:cut]), ("inj", item, css, lead), ("text", paragraphs[i][cut:])]
    elif place == "line":
        blocks.insert(rng.randrange(1, len(blocks)), [("inj", item, css)])
    elif place == "first_line":
        blocks.insert(0, [("inj", item, css)])
    elif place == "last_line":
        blocks.append([("inj", item, css)])
    elif place == "tail_glued":
        blocks[-1] = blocks[-1] + [("inj", item, css)]
    elif place == "para_end":
        i = rng.randrange(len(blocks))
        blocks[i] = blocks[i] + [("inj", item, css)]
    else:
        raise ValueError(f"unknown place {place!r}")
    return blocks


def build_cases(name: str = "main") -> list[Case]:
    """Every injection of the set ``name`` in each of its formats, then the look-alike pages."""
    carriers, injections, lookalikes = load_data(name)
    cases: list[Case] = []
    number = 0
    for kind, spec in injections.items():
        places = spec["place"]
        # css: inline styles; attrs: the wrapper's attributes ("@" marks them)
        css_list = spec.get("css") or ["@" + a for a in spec.get("attrs", [])] or [None]
        for n, item in enumerate(spec["items"]):
            place = places[n % len(places)]
            css = css_list[n % len(css_list)]
            for fmt in spec.get("formats", TEXT_FORMATS):
                rng = random.Random(f"{kind}/{n}/{fmt}")
                number += 1
                blocks = _compose(rng, carriers, place, item, css, spec.get("with", ()))
                if spec.get("visible"):  # a look-alike styled the way the page shows it
                    cases.append(Case("lookalike", None, fmt, kind, blocks, lookalikes=[_item_text(item)],
                                      number=number, sheet=spec.get("sheet", ""), set=name))
                    continue
                cases.append(Case(kind, spec["reason"], fmt, item, blocks,
                                  number=number, sheet=spec.get("sheet", ""), set=name))
    by_topic: dict[str, list[str]] = {}
    for entry in lookalikes:
        by_topic.setdefault(entry["topic"], []).append(entry["text"])
    for topic, texts in by_topic.items():
        for fmt in TEXT_FORMATS:
            rng = random.Random(f"lookalike/{topic}/{fmt}")
            paragraphs = texts + rng.sample(carriers["zh"], 1) + rng.sample(carriers["en"], 1)
            rng.shuffle(paragraphs)
            number += 1
            cases.append(Case("lookalike", None, fmt, topic, [[("text", p)] for p in paragraphs],
                              lookalikes=texts, number=number, set=name))
    return cases


# -- rendering -----------------------------------------------------------------

def _html_segment(segment: tuple) -> str:
    if segment[0] == "text":
        return html.escape(segment[1], quote=False)
    _, item, css, *lead = segment
    lead = lead[0] if lead else ""
    if isinstance(item, list):
        sep, *links = item
        anchors = []
        for link in links:
            href, anchor = link.split(" ", 1)
            anchors.append(f'<a href="{html.escape(href)}">{html.escape(anchor, quote=False)}</a>')
        markup = html.escape(sep, quote=False).join(anchors)
    else:
        markup = html.escape(item, quote=False)
    markup = html.escape(lead, quote=False) + markup
    if css and css.startswith("@"):  # attributes; 'class="box" >em' wraps an <em> in the span
        attrs, _, inner = css[1:].partition(" >")
        markup = f"<{inner}>{markup}</{inner}>" if inner else markup
        return f"<span {attrs}>{markup}</span>"
    return f'<span style="{css}">{markup}</span>' if css else markup


def _md_segment(segment: tuple) -> str:
    if segment[0] == "text":
        return segment[1]
    _, item, _css, *lead = segment
    lead = lead[0] if lead else ""
    if isinstance(item, list):
        sep, *links = item
        return lead + sep.join(f"[{link.split(' ', 1)[1]}]({link.split(' ', 1)[0]})" for link in links)
    return lead + item


_WECHAT = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:title" content="{title}">{sheet}</head>
<body><div class="rich_media_inner"><div id="img-content" class="rich_media_wrp">
<h1 class="rich_media_title" id="activity-name">{title}</h1>
<div id="meta_content" class="rich_media_meta_list"><span class="rich_media_meta rich_media_meta_nickname" id="profileBt"><a id="js_name">清风小记</a></span><em id="publish_time" class="rich_media_meta rich_media_meta_text"></em></div>
<div class="rich_media_content js_underline_content" id="js_content" style="visibility: hidden;">
{body}
</div></div></div>
<script>var ct = "1718000000"; var msg_title = '{title}'.html(false); var nickname = htmlDecode("清风小记");</script>
</body></html>
"""

_SOHU = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}_搜狐</title>
<meta property="og:title" content="{title}">{sheet}</head>
<body><div class="left main"><div class="text">
<div class="text-title"><h1>{title}</h1>
<div class="article-info"><span class="time" id="news-time">2024-06-10 08:00</span></div></div>
<article class="article" id="mp-editor">
{body}
</article></div></div></body></html>
"""


def render(fmt: str, blocks: list[list[tuple]], injected: bool, number: int,
           sheet: str = "") -> tuple[bytes, str, str]:
    kept = [[s for s in b if injected or s[0] == "text"] for b in blocks]
    sheet = f"<style>{sheet}</style>" if sheet else ""
    kept = [b for b in kept if b]
    title = f"周末随笔第{number}期"
    if fmt == "text":
        body = "\n".join("".join(_md_segment(s) for s in b) for b in kept) + "\n"
        return body.encode(), f"file:///labelled/{number}.txt", f"{number}.txt"
    if fmt == "markdown":
        body = "\n\n".join("".join(_md_segment(s) for s in b) for b in kept) + "\n"
        return body.encode(), f"file:///labelled/{number}.md", f"{number}.md"
    if fmt == "wechat":
        # WeChat's editor nests each paragraph in section/p/span
        parts = [
            (f'<section style="margin-bottom:16px;"><span style="font-size:15px;">{"".join(map(_html_segment, b))}</span></section>'
             if i % 2 else f'<p style="line-height:1.75em;"><span>{"".join(map(_html_segment, b))}</span></p>')
            for i, b in enumerate(kept)
        ]
        page = _WECHAT.format(title=title, body="\n".join(parts), sheet=sheet)
        url = f"https://mp.weixin.qq.com/s?__biz=MzA5NzQ4MDQ2MA==&mid=2650{number:06d}&idx=1&sn=ab12cd34"
        return page.encode(), url, url
    if fmt == "sohu":
        parts = [f'<p>{"".join(map(_html_segment, b))}</p>' for b in kept]
        page = _SOHU.format(title=title, body="\n".join(parts), sheet=sheet)
        url = f"https://www.sohu.com/a/{700000000 + number}_120000"
        return page.encode(), url, url
    raise ValueError(f"unknown format {fmt!r}")


def parse(case: Case, injected: bool = True):
    body, url, name = case.page(injected)
    return parse_page(body, url, name=name)


# -- scoring -------------------------------------------------------------------

@dataclass
class Score:
    spam_chars: int = 0  # injected characters that reached cleaning
    spam_removed: int = 0
    legit_chars: int = 0
    legit_kept: int = 0
    reason_ok: int = 0  # cases whose removals carry the expected reason
    reason_cases: int = 0

    def add(self, other: "Score") -> None:
        for key in vars(self):
            setattr(self, key, getattr(self, key) + getattr(other, key))

    @property
    def recall(self) -> float:
        return self.spam_removed / self.spam_chars if self.spam_chars else 1.0

    @property
    def kept(self) -> float:
        return self.legit_kept / self.legit_chars if self.legit_chars else 1.0


def score(expected: str, before: str, after: str, removals: list[dict], reason: str | None) -> Score:
    """Characters of spam removed and of content kept, by aligning the cleaned
    text with the page parsed without its injection."""
    matcher = difflib.SequenceMatcher(None, expected, after, autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks())
    spam = max(len(before) - len(expected), 0)
    left = len(after) - kept  # characters of the output that are not content
    s = Score(spam_chars=spam, spam_removed=max(spam - left, 0), legit_chars=len(expected), legit_kept=kept)
    if reason is not None and spam:
        s.reason_cases = 1
        s.reason_ok = int(any(r["reason"] == reason for r in removals))
    return s
