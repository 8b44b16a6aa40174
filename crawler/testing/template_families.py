"""Template families: lines pasted into many articles, spam to remove and content to keep.

Built from tests/data/templates/families.toml (its header says what a family
is). Every family is pasted into ``ARTICLES`` articles of invented prose
(``mocksite.article_text``), its slots filled in anew in each; the articles of
all families come interleaved, as in a crawl. ``run(mode)`` cleans them with
learned templates (``stream``: learned as they come; ``two_pass``: all learned
first) and says, per family and article, whether the line went as a template.
Used by bench/template_families.py and tests/test_clean_templates.py.
"""

from __future__ import annotations

import random
import string
import tomllib
from dataclasses import dataclass, field

from crawler.cleaning.template_stores import MemoryTemplateStore
from crawler.cleaning.templates import SIGNAL, Templates
from crawler.items import Article
from crawler.testing.mocksite import article_text
from crawler.testing.process import REPO

FAMILIES = REPO / "tests" / "data" / "templates" / "families.toml"
ARTICLES = 8
_BRANDS = ["华盛", "锦程", "天元", "博远", "众信", "宏图", "安盈", "福瑞", "鑫达", "云帆"]
_NAMES = ["李明", "王芳", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄蕾"]
_PLATFORMS = ["微信", "QQ", "vx", "抖音"]
_TLDS = ["com", "cn", "net", "top", "vip"]


@dataclass
class Family:
    name: str
    kind: str  # "spam" or "legit"
    place: str
    sources: str
    line: str
    removed: list[bool] = field(default_factory=list)  # per article, in order: the line went as a template
    evidence: list[str] = field(default_factory=list)  # of its first removal


def load() -> list[Family]:
    data = tomllib.loads(FAMILIES.read_text(encoding="utf-8"))
    return [Family(**entry) for entry in data["family"]]


def fill(line: str, seed: str) -> str:
    rng = random.Random(seed)

    def word(size: int) -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(size))

    return line.format(
        brand=rng.choice(_BRANDS), name=rng.choice(_NAMES), platform=rng.choice(_PLATFORMS),
        n=rng.randint(2, 99), m=rng.randint(1, 9), id=f"{word(3)}{rng.randint(100, 9999)}",
        host=f"www.{word(4)}{rng.randint(1, 99)}.{rng.choice(_TLDS)}", phone=f"+86 13{rng.randint(10**8, 10**9 - 1)}",
        phone8=rng.randint(10**7, 10**8 - 1), email=f"{word(5)}@{word(4)}.com",
    )


def article(family: Family, number: int) -> tuple[Article, str]:
    """The family's ``number``-th article and the line it holds."""
    seed = f"{family.name}/{number}"
    line = fill(family.line, seed)
    paragraphs = article_text(seed)[0]
    middle = len(paragraphs) // 2
    if family.place == "head":
        paragraphs = [line, *paragraphs]
    elif family.place == "tail":
        paragraphs = [*paragraphs, line]
    elif family.place == "line":
        paragraphs.insert(middle, line)
    else:  # glued
        paragraphs[middle] += line
    account = family.name if family.sources == "one" else f"{family.name}-{number}"
    url = f"https://example.org/{family.name}/{number}"
    item = Article(url=url, fetched_from=url, source="web", account=account,
                   blocks=[{"type": "paragraph", "text": p} for p in paragraphs])
    item.join_text()
    return item, line


def run(mode: str, **options) -> list[Family]:
    """Every family through learned templates in ``mode`` ("stream" or "two_pass")."""
    families = load()
    corpus = [(family, *article(family, n)) for n in range(ARTICLES) for family in families]
    templates = Templates(MemoryTemplateStore(), **options)
    if mode == "two_pass":
        for _, item, _ in corpus:
            templates.learn(item)
    for family, item, line in corpus:
        templates.clean(item)
        mine = [r for r in item.removed if r.get("signal") == SIGNAL]
        gone = line.strip() not in item.text and any(line.strip() in r["text"] or r["text"].strip() in line
                                                     for r in mine)
        family.removed.append(gone)
        if gone and not family.evidence:
            family.evidence = mine[0]["evidence"]
    return families
