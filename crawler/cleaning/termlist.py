"""Keyword stuffing with no shared core: a list of search terms (signal term_list).

Not every list of search terms varies one head (``stuffing.py``): a page may
carry a string of distinct queries (北京租房哪里便宜 / 上海落户条件 / 深圳买房政策…),
long-tail questions on different subjects (婚庆公司哪家好？婚礼策划多少钱？…), a
row of hashtags (#考研调剂# #考研分数线#…) or terms with their pinyin (光伏板
guangfuban 太阳能发电). What gives such a list away is its shape and what its items
ask, whatever the trade:

- items set apart by separators (any marks or spaces but those of prose: 。！ quotes,
  brackets), each short (a few ideographs or words), none holding a word that binds
  prose (了 的 是, ``the`` ``was``; one item may), none a number or a sum;
- and the searcher's evidence in several items: a query word ending an item
  (哪家好, 多少钱, 推荐, 吗; ``near me``, ``cost``) or a question word leading its last
  characters (怎么养, 哪里便宜), a hashtag, a term spelt in glued pinyin; or a search
  label before a colon (热搜：, 大家还在搜 >, ``Trending:``) with one such item.

Kept: a list the host's grammar introduces or continues (包括…, …等), lists with no
such evidence (a menu, a cast, brands under a label, an abstract's 关键词 line, a
career told as a list), questions a writer asks in prose (their clauses bind).

The cut takes the items from the first to the last (with their label); an item
glued to the host's words at a seam (no separator of the list's own between) is
left, whole or up to its query word, so the host never loses a character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# what may stand between two items (anything but a word character, or a
# numeral an enumeration writes in one character: ①, ⑴, ⒈, ㈠); a run of
# spaces between two ASCII words joins the words of one English item
_ENUMERATORS = "\u2460-\u249b\u3220-\u3229\u2776-\u2793"
_GAP = re.compile(f"(?:[^\\w]|[{_ENUMERATORS}])+")
# marks of prose a list never crosses
_HARD = frozenset("。！!“”\"《》「」（）()…\n")
_COLONS = frozenset(":：")
# what joins two ASCII words into one item: a space, a hyphen, a path's or a host's marks
_JOINERS = frozenset(" -./_")
# a count of what the list names, right before it (三个问题：, four ways:): the host's enumeration
_COUNTED = re.compile(r"[一二两三四五六七八九十几\d]\s?(?:个|种|类|大|点|条|项|款|件|步|招|ways?\b|things?\b)\w{0,4}$")
_HASHES = frozenset("#＃")
_CJK = re.compile(r"[\u3400-\u9fff]")
_TRAILING_CJK = re.compile(r"[\u3400-\u9fff]+$")
_CJK_ONLY = re.compile(r"[\u3400-\u9fff]+")
# what numbers a series' items (第一期, 周三, 3号线): items equal without it are one series
_SERIES = re.compile(r"[0-9〇零一二三四五六七八九十百千两第号期]+")
# a mark that parts a list's items and no clause of prose (| / ♦ > 【 🔥), or a space between ideographs
_LIST_MARKS = re.compile(r"[^\w\s，,；;、。！？!?“”\"《》「」（）()…：:.\-—%]|(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")
_ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
# a number, a year or a sum in an item: a price list, a timeline, a score
_FIGURES = re.compile(r"\d{3}|^[\d.]+$")
# toneless pinyin syllables, glued (a term spelt for search engines: dianshangpeixun)
_SYLLABLE = ("(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
             "(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|er|in|un|ia|ie|iu|ua|uo|ue|ui|"
             "a|o|e|i|u|v)")
_PINYIN = re.compile(f"(?:{_SYLLABLE}){{3,}}")


@dataclass(frozen=True)
class Terms:
    """A term-list rule's parameters and words (rules/27-stuffing.toml)."""

    min_items: int  # items of a list (its label aside)
    max_item_chars: int  # the longest item, ideographs and English words counted
    max_item_words: int  # the longest English item, in words
    narration_zh: frozenset  # characters that bind prose (了 的 是)
    narration_en: frozenset  # English words that do
    before: tuple  # an enumeration introduced right before the list (包括, including)
    after: tuple  # ... continued or closed right after it (等, and)
    asks: frozenset  # a query word ending an item (two ideographs may follow): 哪家好, 推荐, 吗
    question: frozenset  # a question word leading an item's last three ideographs or fewer (怎么养)
    queries_en: frozenset  # English query words (one or two words: near me)
    queries: re.Pattern  # a query word anywhere (where a glued last item is cut)
    ends: tuple  # (Chinese, English) regexes of a word that asks ending a piece: ``cuts``' gate
    labels: tuple  # what a search label holds (搜, 关键词, 标签, tags, trending)
    bare_items: int = 0  # (0: off) the rule reads bare runs of that many items at least (``_bare``)
    bare_item_chars: int = 8  # ... and the longest of them
    surnames: frozenset = frozenset()  # the first character of a person's name (a bare run of names stays)


@dataclass
class _Item:
    start: int
    end: int
    left: str  # the gap before it
    narrates: bool
    asks: bool  # a query word, a hashtag or glued pinyin


def _items(text: str) -> list[tuple[int, int, str]]:
    """(start, end, gap before) of the word stretches of ``text``; spaces
    between two ASCII words join them."""
    out: list[tuple[int, int, str]] = []
    start, gap = 0, ""
    for m in _GAP.finditer(text):
        s, e = m.span()
        if (0 < s and e < len(text) and text[s - 1].isascii() and text[s - 1].isalnum() and text[e].isascii()
                and text[e].isalnum() and _JOINERS.issuperset(m.group())):
            continue  # (near me, wi-fi, a path's a-b-c.html: one item)
        if s > start:
            out.append((start, s, gap))
        start, gap = e, m.group()
    if start < len(text):
        out.append((start, len(text), gap))
    return out


def _size(piece: str) -> tuple[int, int]:
    """(ideographs, English words) of an item."""
    return len(_CJK.findall(piece)), len(_ASCII_WORD.findall(piece))


def _term(text: str, start: int, end: int, left: str, terms: Terms) -> _Item | None:
    """The item, when short enough to be a search term and no figure."""
    piece = text[start:end]
    zh, en = _size(piece)
    if _FIGURES.search(piece) or zh + en > terms.max_item_chars or en > terms.max_item_words:
        return None
    if zh < 2 and not (en and len(piece) >= 3):
        return None
    words = [w.lower() for w in _ASCII_WORD.findall(piece)]
    narrates = any(ch in terms.narration_zh for ch in piece) or any(w in terms.narration_en for w in words)
    asks = (_ends_asking(piece, zh, words, terms) or left[-1:] in _HASHES
            or (zh == 0 and en == 1 and len(piece) >= 6 and _PINYIN.fullmatch(piece) is not None)
            or _is_label(text, start, end, terms))
    return _Item(start, end, left, narrates, asks)


def _clause_gap(gap: str) -> bool:
    return not _CLAUSE_GAPS.isdisjoint(gap)


def _ends_asking(piece: str, zh: int, words: list[str], terms: Terms) -> bool:
    """Whether the item ends on a query word (two ideographs may follow), a
    question word leads its last three ideographs or fewer, or an English word
    of it asks (set look-ups, no regex: most pieces of prose are asked)."""
    if words and (any(w in terms.queries_en for w in words)
                  or any(f"{a} {b}" in terms.queries_en for a, b in zip(words, words[1:]))):
        return True
    if not zh:
        return False
    m = _TRAILING_CJK.search(piece)
    trailing = len(m.group()) if m else 0
    for words_, after in ((terms.asks, 2), (terms.question, 3)):
        for k in range(min(after, trailing) + 1):
            end = len(piece) - k
            if any(piece[end - n:end] in words_ for n in (1, 2, 3, 4, 5) if n <= end):
                return True
    return False


def _is_label(text: str, start: int, end: int, terms: Terms) -> bool:
    piece = text[start:end].lower()
    return sum(_size(piece)) <= 6 and any(word in piece for word in terms.labels)


def _runs(text: str, terms: Terms) -> list[tuple[list[_Item], int]]:
    """Lists of term items in a row (one narrating item at most), each with
    where its label starts (-1: none)."""
    found: list[tuple[list[_Item], int]] = []
    run: list[_Item] = []
    label = -1
    pieces = _items(text)

    def close():
        nonlocal run, label
        if run:
            found.append((run, label))
        run, label = [], -1

    for k, (s, e, gap) in enumerate(pieces):
        gap_core = gap.strip()
        if any(ch in _HARD for ch in gap) or len(gap_core) > 4:
            close()
        elif any(ch in _COLONS for ch in gap):
            # a colon ends what was before: a label, when short and of search words
            before = run[-1] if run else None
            close()
            if before is not None and _is_label(text, before.start, before.end, terms):
                label = before.start
        item = _term(text, s, e, gap, terms)
        if item is None or (item.narrates and any(i.narrates for i in run)) or (
                len(run) > 1 and _clause_gap(gap) != _clause_gap(run[1].left)):
            close()  # (a list keeps to one kind of separator: a clause's comma, or marks and spaces)
            if item is not None:
                run = [item]
            continue
        if not run and label < 0 and k and _is_label(text, pieces[k - 1][0], pieces[k - 1][1], terms) and \
                gap_core and gap_core[-1] in "】>→▸▶»":
            label = pieces[k - 1][0]  # (【热搜词】…, 大家还在搜 >)
        run.append(item)
    close()
    return found


def cuts(text: str, terms: Terms, shares=None) -> list[tuple[int, int]]:
    """(start, end) of each list of search terms in ``text`` (a block's own text);
    ``shares(start, end, lo, hi)``: the pairs of ideographs ``text[start:end]``
    shares with the article outside ``text[lo:hi]`` (a bare run shares none
    outside its sentence: what is glued to it there may be its own items)."""
    if not (_may_bare(text) if terms.bare_items else _may(text, terms)):
        return []
    out = []
    for run, label in _runs(text, terms):
        cut = _judge(text, run, label, terms)
        if cut is not None and terms.bare_items and shares is not None and shares(*cut, *_sentence(text, *cut)):
            continue  # (a list of the article's own subject: its tags, what it is about)
        if cut is not None:
            out.append(cut)
    return out


# gaps of prose too: an item after or before one is no list's edge unless the line's
_CLAUSE_GAPS = frozenset("，,；;、")
# marks that open or close an item of a list (【热搜词】, #tag#, 🔥, ？), taken with it
_TAKEN = re.compile(rf"(?:[^\w\s。！!，,；;、“”\"《》「」（）()…]|[{_ENUMERATORS}])+")
_TAKEN_BEFORE = re.compile(_TAKEN.pattern + r"\s*$")


def _may(text: str, terms: Terms) -> bool:
    """Whether a list may be in ``text``, by a few scans of it (most prose
    passing the rule's screen has at most one piece ending on a word that
    asks, and parts its pieces with a clause's marks): three hashtags' marks,
    two such pieces, or one with a label's word or three marks that part no
    clause (| / ♦ > 【, a space between ideographs)."""
    if text.count("#") + text.count("＃") >= 3:
        return True
    lowered = text.lower()
    asking = len(terms.ends[0].findall(text)) + len(terms.ends[1].findall(lowered))
    if asking != 1:
        return asking > 1
    return len(_LIST_MARKS.findall(text)) >= 3 or any(word in lowered for word in terms.labels)


# a bare run's gate, in three C scans (one class each: an alternation with
# look-behinds costs every block of prose five times as much): marks that
# part no clause, spaces between ideographs however many, a numeral an
# enumeration writes in one character
_MARK = re.compile(r"[^\w\s，,；;、。！？!?“”\"《》「」（）()…：:.\-—%]")
_SPACED = re.compile(r"[\u3400-\u9fff]\s+(?=[\u3400-\u9fff])")
_ENUMERATOR = re.compile(f"[{_ENUMERATORS}]")
_SENTENCE_ENDS = frozenset("。！？!?\n")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]``."""
    lo = max(text.rfind(ch, 0, start) for ch in _SENTENCE_ENDS) + 1
    hi = min((k for k in (text.find(ch, end) for ch in _SENTENCE_ENDS) if k >= 0), default=len(text))
    return lo, hi


def _may_bare(text: str) -> bool:
    """Whether a bare run may be in ``text``: four marks that part no clause (three C scans)."""
    marks = len(_MARK.findall(text))
    if marks < 4 and (" " in text or "\u3000" in text):
        marks += len(_SPACED.findall(text))
    if marks < 4:
        marks += len(_ENUMERATOR.findall(text))
    return marks >= 4


def _kind(gap: str) -> str:
    """A gap as a list's separator: its marks (spaces alone: one space), each
    enumerator as ① (①②③ part one list)."""
    return re.sub(f"[{_ENUMERATORS}]", "①", gap.strip()) or " "


def _own_gaps(run: list[_Item]) -> set[str]:
    return {_kind(i.left) for i in run[1:]}


def _apart(gap: str, gaps: set[str], inner: str) -> bool:
    """Whether an edge item with ``gap`` on its outer side (``inner``: the gap's
    character next to the item) is set apart from the host: a mark of prose, a
    colon, a question's mark, a hashtag's, or the list's own separator when no clause's."""
    core = _kind(gap)
    return (any(ch in _HARD or ch in _COLONS for ch in gap) or "？" in gap or "?" in gap or inner in _HASHES
            or (core in gaps and not _CLAUSE_GAPS & set(core)))


def _judge(text: str, run: list[_Item], label: int, terms: Terms) -> tuple[int, int] | None:
    if len(run) < 3:
        return None
    # (a list after a colon is under a label: the host names what it lists, 配料：…, 主演：…)
    labelled = label >= 0 or any(ch in _COLONS for ch in run[0].left)
    # an item binding prose is no edge of a list (孩子们放学后在这里|#考研调剂#…: the host's)
    while run and run[0].narrates:
        run = run[1:]
    while run and run[-1].narrates:
        run = run[:-1]
    if len(run) < 3:
        return None
    gaps = _own_gaps(run)
    # an edge item glued to the host's words (no separator of the list's own between) is left
    opened = label >= 0 or run[0].start == len(run[0].left) or _apart(run[0].left, gaps, run[0].left[-1:]) or (
        terms.bare_items and run[0].left.strip() == "." and _CJK.match(text, run[0].start) is not None)  # (…fence.公考 …)
    if not opened:
        run = run[1:]
    # (the separator after a piece glued to the host goes with the list)
    first = run[0]
    cut_from = first.start - len(first.left) if first.start > len(first.left) and _kind(first.left) in gaps else None
    gap_after = _GAP.match(text, run[-1].end)
    closed = (gap_after.end() if gap_after else run[-1].end) == len(text) or (
        gap_after is not None and _apart(gap_after.group(), gaps, gap_after.group()[0]))
    if not closed:
        glued = run.pop().start  # the last item runs into the host's words
    elif gap_after is not None and gap_after.end() < len(text) and _kind(gap_after.group()) in gaps \
            and not set(gap_after.group()) & set("？?:："):
        glued = gap_after.end()  # a next piece, after the list's own separator, too long or binding to be an item
    else:
        glued = None
    # the items a bare run has glued to the host's words at its edges (left to the host)
    edges = (cut_from is not None or not opened) + (glued is not None)
    if terms.bare_items and cut_from is not None and glued is None and run and not (
            gap_after is not None and gap_after.end() < len(text) and _kind(gap_after.group()) in gaps):
        # pasted inside a sentence, it ends inside it too: its last item, no
        # separator of its own after it, runs into the host's words (…暂不🌸美甲…🌸祛斑开放换乘。)
        glued = run.pop().start
        edges += 1
    if terms.bare_items and glued is not None and cut_from is None and len(run) > 1 and not (
            run[0].left and _kind(run[0].left) in gaps):
        # ... and one that ends inside a sentence began inside it (老街🌸美甲…🌸祛斑改造没有…):
        # its first item, no separator of its own before it, holds the host's words
        run = run[1:]
        cut_from = run[0].start - len(run[0].left)
        edges += 1
    # ... but a query word in its first characters ends the list's last item (…哪家好|的…): never the host's
    tail = _tail(text, glued, terms) if glued is not None and run else None
    if not run:
        return None
    items = [i for i in run if not i.narrates]
    # a searcher's list asks, or repeats a term inside a longer one (钓鱼竿 ♦ 钓鱼竿品牌)
    pieces = [text[i.start:i.end] for i in items]
    asks = sum(i.asks or any(p != q and q in p for q in pieces) for i, p in zip(items, pieces)) + (tail is not None)
    count = len(items) + (tail is not None)
    hashes = sum(i.left[-1:] in _HASHES for i in run)
    enough = count >= terms.min_items
    # (a list with a clause's commas, 、 ， ；, is prose's enumeration unless most of it asks)
    needed = max(3, (count + 1) // 2) if _clause_gap("".join(gaps)) else 2
    if terms.bare_items:
        if labelled or not _bare(text, run, items, gaps, edges, terms):
            return None
    elif not (hashes >= 3 or (enough and asks >= needed and 3 * asks >= count) or (enough and label >= 0 and asks >= 1)):
        return None
    start = label if label >= 0 and opened else (cut_from if cut_from is not None else run[0].start)
    # (a bare run's separator before the item it leaves the host goes with it, as the one after the first)
    end = tail or (glued if terms.bare_items and glued is not None else run[-1].end)
    if _bound(text, start, end, terms):
        return None
    # the marks around the items go with them (【热搜词】, #tag#, 🔥 , ？)
    before = _TAKEN_BEFORE.search(text, max(0, start - 4), start)
    if before is not None:  # (but not a sentence's full stop: …fence.|公考 …)
        start = before.start() + len(before.group()) - len(before.group().lstrip("."))
    after = _TAKEN.match(text, end)
    if after is not None:
        end = after.end()
    return start, end


def _bare(text: str, run: list[_Item], items: list[_Item], gaps: set[str], edges: int, terms: Terms) -> bool:
    """Whether a run that nothing marks as a searcher's is keyword stuffing by
    its shape alone: ``bare_items`` items or more (those glued to the host's
    words at its edges counted), none binding prose or longer than
    ``bare_item_chars`` (a term, not a clause), parted by one kind of
    separator that parts no clause (a clause's 、，； part prose's
    enumerations and terse clauses: 颗粒饱满，泡水不褪色，…); not all of one
    length of five or more (the lines of a poem)."""
    if len(items) < len(run) or len(gaps) > 1 or _clause_gap("".join(gaps)):
        return False
    pieces = [text[i.start:i.end] for i in items]
    sizes = [sum(_size(p)) for p in pieces]
    if not (max(sizes) <= terms.bare_item_chars and len(items) + edges >= terms.bare_items
            and not (len(set(sizes)) == 1 and sizes[0] >= 5)):
        return False
    # people (a byline, a cast, a team: 记者 张伟 李娜 王芳…, two items in three names) and a
    # series told by its numerals (周一 ✦ 周二 ✦ 周三…) are what an article lists, not a trade's terms
    names = sum(2 <= len(p) <= 3 and p[0] in terms.surnames and _CJK_ONLY.fullmatch(p) is not None for p in pieces)
    return not (names >= 3 and 3 * names >= 2 * len(pieces)) and len({_SERIES.sub("", p) for p in pieces}) > 1


def _tail(text: str, start: int, terms: Terms) -> int | None:
    """Where a list's last item glued to the host's words ends: after a query
    word in its first ``max_item_chars`` characters, none binding prose before it."""
    m = terms.queries.search(text, start, min(len(text), start + terms.max_item_chars))
    if m is None or any(ch in terms.narration_zh for ch in text[start:m.end()]) or _GAP.search(text, start, m.start()):
        return None
    return m.end()


def _bound(text: str, start: int, end: int, terms: Terms) -> bool:
    """Whether the host's grammar introduces the list right before it (包括,
    such as) or continues it right after (等, and)."""
    before = text[max(0, start - 8):start].rstrip(" ：:,，").lower()
    after = text[end:end + 6].lstrip(" ，,").lower()
    return before.endswith(terms.before) or after.startswith(terms.after) or _COUNTED.search(before) is not None
