from crawler.errors import Rejection
from crawler.parsing import parse_page
from crawler.parsing.text import parse_markdown, parse_plain_text
from tests.support import shared_path

import pytest

MARKDOWN = """# 城市夜读

**图书馆延长开放时间，读者反响热烈。**

![封面](https://example.org/cover.jpg)

晚上九点以后，二楼依然坐满了人。
有人在准备考试。

## 读者怎么说

> 家里地方小，这里安静。

- 开放时间：每天 9:00—23:00
- 借阅证：一楼服务台办理

1. 第一步
2. 第二步

| 区域 | 开放 |
| --- | --- |
| 二楼 | 是 |

```
print("hello")
```

详见[图书馆官网](https://library.example.org/news)。

---

*本文由读者投稿。*
"""


def test_markdown_structure():
    article = parse_markdown(MARKDOWN, "file:///a.md")
    assert article.title == "城市夜读"
    kinds = [(b["type"], b["text"]) for b in article.blocks]
    assert kinds == [
        ("paragraph", "图书馆延长开放时间，读者反响热烈。"),
        ("paragraph", "晚上九点以后，二楼依然坐满了人。 有人在准备考试。"),
        ("heading", "读者怎么说"),
        ("quote", "家里地方小，这里安静。"),
        ("list_item", "开放时间：每天 9:00—23:00"),
        ("list_item", "借阅证：一楼服务台办理"),
        ("list_item", "第一步"),
        ("list_item", "第二步"),
        ("table", "区域\t开放\n二楼\t是"),
        ("code", 'print("hello")'),
        ("paragraph", "详见图书馆官网。"),
        ("paragraph", "本文由读者投稿。"),
    ]
    assert article.images == [{"url": "https://example.org/cover.jpg", "alt": "封面"}]
    link = article.blocks[10]
    start, end, kind, href = link["spans"][0]
    assert (link["text"][start:end], kind, href) == ("图书馆官网", "link", "https://library.example.org/news")
    assert article.text == "\n".join(b["text"] for b in article.blocks)


def test_plain_text_one_block_per_line():
    article = parse_plain_text("第一段。\n\n  第二段。  \nThird paragraph.\n", "file:///a.txt")
    assert [b["text"] for b in article.blocks] == ["第一段。", "第二段。", "Third paragraph."]
    assert article.source == "text" and article.title is None


def test_seed_documents_paragraphs():
    txt = shared_path("seeds", "sohu_style_article_with_spam.txt")
    lines = [line for line in txt.read_text(encoding="utf-8").splitlines() if line.strip()]
    article = parse_page(txt.read_bytes(), txt.as_uri())
    assert [b["text"] for b in article.blocks] == lines

    md = shared_path("seeds", "wechat_style_article.md")
    article = parse_page(md.read_bytes(), md.as_uri())
    assert article.title.startswith("当AI开始")
    assert len(article.images) == 6
    texts = [b["text"] for b in article.blocks]
    assert texts[0] == '从"像素竞赛"到"演技大战"，AI视频生成正在经历一场静悄悄的革命。'
    assert "技术突破的真正意义：不在参数，在人心" in texts
    assert "情感理解：AI需要理解复杂的人类情感逻辑" in texts
    assert not any("**" in t or "![" in t for t in texts)


def test_gbk_text_file():
    article = parse_page("第一段。\n第二段。\n".encode("gbk"), "file:///a.txt")
    assert [b["text"] for b in article.blocks] == ["第一段。", "第二段。"]


@pytest.mark.parametrize("body, reason", [(b"", "empty"), (b"  \n\n", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00", "unsupported")])
def test_rejects(body, reason):
    with pytest.raises(Rejection) as err:
        parse_page(body, "file:///x.bin")
    assert err.value.reason == reason
