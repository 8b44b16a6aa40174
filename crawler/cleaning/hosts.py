"""Host names in text: link farms (runs of hosts) and pasted spam URLs.

Detects shapes, not instances: a *run* is two or more host names (any TLD,
any depth of subdomains, punycode or, after a scheme or ``www.``, ideographic
labels; with or without scheme and path; dots written as ideographic full
stops or defanged ``[.]``, schemes as ``hxxp://`` or ``https：／／``)
separated only by spaces, a conjunction (和, 以及, ``or``) and a few symbols or
punctuation marks of any kind (``|``, commas, slashes, ``、``, ``·``, ``~``,
``→``, ``>>``, ``＋``, 丶...). A run is a link farm when

- it is joined by menu symbols (anything but list punctuation, slashes and
  spaces; for ``<a>`` elements, also nothing) and has at
  least ``pipe_min_run`` hosts (prose never separates sites with ``|``), or
- it has at least ``min_run`` hosts and either several of them share one
  registrable domain (``un.otpe6.cn|ee.otpe6.cn``), or it is glued to the
  letters of a word on either side (pasted into a sentence), or it is joined
  without list punctuation (spaces, ``·``, ``/``: prose lists sites with
  commas or ``、``) and no citing word stands beside it, or
- it has at least ``loose_min_run`` hosts whatever the separator, or
- it has two hosts or more, not cited, written so that no link is made (the
  notations above), or whose names a generator made, pasted into a word,
  joined bare or alone on their block.

A lone URL is spam when its host holds a spam word (``peizi``, ``casino``...)
or when it is pasted between two ideographs with no citing cue around it
(``官网``, ``访问``... before; ``上``, ``查询``... after).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import urlsplit

from crawler.cleaning import register
from crawler.cleaning.firstchars import with_first_chars
from crawler.cleaning.salestalk import NARRATIVE
from crawler.cleaning.textops import is_cjk

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
# a scheme in other notations too: defanged (hxxp://), with a full-width colon or slashes (https：／／)
_SCHEME = r"(?P<scheme>(?:h(?:tt|xx)ps?|ftp)\s?[:：]\s?[/／]{2})"
# a dot, or a dot defanged in brackets (pp9[.]top, a(.)cn): written so that no link is made
_DOT = r"(?:\.|\[\.\]|\(\.\))"
_HOST = (
    rf"(?<![a-z0-9@._%+\-]){_SCHEME}?"
    rf"(?P<host>(?:{_LABEL}{_DOT})+(?P<tld>[a-z]{{2,24}}|xn--[a-z0-9-]{{2,59}}))(?![a-z0-9\-]|\.[a-z0-9])"
)
HOST = re.compile(with_first_chars(_HOST, re.IGNORECASE), re.IGNORECASE)
# a host written with ideographic full stops for dots (www。kx28。com, m。97ty。cc): taken only when it reads
# as a host name rather than two words and a sentence end (python。java): www first, three labels, or a
# label of letters and digits mixed
_IDEO_HOST = re.compile(
    rf"(?<![a-z0-9@._%+\-]){_SCHEME}?(?P<host>(?:{_LABEL}[。｡])+(?P<tld>[a-z]{{2,24}}))(?![a-z0-9\-]|[。｡][a-z0-9])",
    re.IGNORECASE)
# (led by the literal, fast: most blocks of Chinese prose hold 。, few a Latin letter right after it)
_IDEO_DOT = re.compile(r"。[A-Za-z]")
_HALF_DOT = re.compile(r"｡[A-Za-z]")
_MIXED_LABEL = re.compile(r"(?:^|[。｡])(?=[a-z-]*\d)(?=[0-9-]*[a-z])", re.IGNORECASE)
_UNDOT = re.compile(r"[\[\]()。｡]")


def maybe_hosts(text: str) -> bool:
    """Whether ``text`` may hold a host name (a dot, an ideographic full stop
    between letters, or a dot spelt out between letters or digits)."""
    return "." in text or _ideo_dots(text) or (_two_letters(text) and _spelt_dots(text))


def _spelt_dots(text: str) -> bool:
    return _SPELT_MAYBE.search(text) is not None


def _ideo_dots(text: str) -> bool:
    return _IDEO_DOT.search(text) is not None or ("｡" in text and _HALF_DOT.search(text) is not None)
# ideographic labels (http://www.葡京.com): only after a scheme or "www.", which
# say where the host begins in text without spaces
_IDN_LABEL = rf"(?:{_LABEL}|[\u3400-\u9fff]{{1,20}})"
_IDN_TLD = r"(?:[a-z]{2,24}|xn--[a-z0-9-]{2,59})(?![a-z0-9\-]|\.[a-z0-9])"
IDN_HOST = re.compile(
    rf"(?P<scheme>(?:https?|ftp)://)(?P<host>(?:{_IDN_LABEL}\.)+{_IDN_TLD})"
    rf"|(?<![a-z0-9@._%+\-])(?P<www>www\.(?:{_IDN_LABEL}\.)+{_IDN_TLD})",
    re.IGNORECASE,
)
# a dot spelt so that no link is made and no filter reads a host: 点, "dot" in
# brackets or between spaces, a dot or full stop between spaces, a middle dot,
# an emoji (jb9 点 vip, xh66 (dot) shop, zb88 。 tv, wz88🔹net, fl55·xyz)
_EMOJI = "\U0001F300-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF"
_SPELT_DOT = (rf"(?:\s*(?:点|點|[(\[（【{{]\s*(?:dot|点)\s*[)\]）】}}])\s*|\s+dot\s+|\s+[.。]\s*|\s*[.。]\s+"
              rf"|\s*[·•・]\s*|\s*[{_EMOJI}]\ufe0f?\s*)")
_SPELT_HOST = re.compile(
    rf"(?<![a-z0-9@._%+\-])(?P<host>(?:{_LABEL}\.)*(?P<label>{_LABEL}){_SPELT_DOT}(?P<tld>[a-z]{{2,10}}))(?![a-z0-9\-])",
    re.IGNORECASE)
_SPELT_MAYBE = re.compile(rf"[a-z0-9]{_SPELT_DOT}[a-z]", re.IGNORECASE)
_SPELT_SEP = re.compile(_SPELT_DOT, re.IGNORECASE)
# (a top-level domain is two letters at least: most blocks of Chinese prose hold no two in a row;
# looked for among the text's ASCII characters alone, cheap)
_TWO_LETTERS = re.compile(b"[A-Za-z]{2}")


def _two_letters(text: str) -> bool:
    return _TWO_LETTERS.search(text.encode("ascii", "ignore")) is not None


_HAS_CJK = re.compile(r"[\u3400-\u9fff]")
# cheap test: no "x.y" anywhere, no host
_MAYBE_HOST = re.compile(r"[a-z0-9](?:\.|\[\.\]|\(\.\))[a-z]", re.IGNORECASE)
# port and path: ASCII URL characters only, so a URL glued to Chinese text ends
# where the Chinese starts
_TAIL = re.compile(r"(?::\d{1,5})?(?:[/?#][A-Za-z0-9._~%!$&*+=:@/?#\-]*)?")
_HOSTLIKE = re.compile(rf"^(?:{_LABEL}\.)+[a-z]{{2,24}}$", re.IGNORECASE)
# what may stand between two hosts of a run: spaces and up to four symbols or
# punctuation marks of any kind (| 、 · , / ; ~ → >> ＋ — ‖ ][ ...), but no
# letter, digit, ideograph or end of sentence
# (丨 and 丶 are ideographs used as bars; a conjunction joins a list as a comma does: a.cn和b.cn, a.cn or b.cn)
_CONJUNCTION = r"以及|或者|和|与|及|或|跟|\band\b|\bor\b"
_SEPARATOR = re.compile(rf"^(?:[^\w。！？!?\n]|[丨︱丶]|{_CONJUNCTION}){{0,8}}$")
_SYMBOLS = re.compile(r"[^\w\s]")
# menu separators: prose never puts them between two sites (any symbol but
# list punctuation, slashes and a plain dot)
_PIPE = re.compile(r"[^\w\s,，、/;；.]|[丨︱丶]")
_LIST_PUNCT = re.compile(rf"[,，、;；]|{_CONJUNCTION}")
_SLD = {"com", "net", "org", "gov", "edu", "co", "ac", "or", "ne", "go"}


class HostToken(NamedTuple):
    start: int
    end: int  # path included
    host: str  # lower-case
    explicit: bool  # scheme or www.: a URL for sure
    disguised: bool = False  # written so that no link is made (hxxp://, https：／／, a[.]cn, a。cn): no citation does


_PLAIN_SCHEME = re.compile(r"(?:https?|ftp)://", re.IGNORECASE)


def registrable(host: str) -> str:
    """The part of a host name one registers: ``a.b.example.com.cn`` -> ``example.com.cn``."""
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in _SLD and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def find_hosts(text: str, not_tlds: set[str], spelt_tlds: frozenset = frozenset()) -> list[HostToken]:
    """Host names in ``text``; ``name.ext`` file names (``setup.py``) are not
    hosts. A host whose dot is spelt (``_SPELT_DOT``) is one when its
    top-level domain is of ``spelt_tlds`` (``CLASSIC_TLDS`` whatever its
    name; the others when its name holds a digit and a letter: prose puts a
    middle dot or a spaced full stop between two words, never before com)."""
    tokens: list[HostToken] = []
    if not maybe_hosts(text):
        return tokens  # every host, ASCII or ideographic, holds a dot (most blocks of Chinese prose: none)
    pos = 0 if _MAYBE_HOST.search(text) else len(text)
    while m := HOST.search(text, pos):
        host = _UNDOT.sub("", m.group("host").lower())
        explicit = bool(m.group("scheme")) or host.startswith("www.")
        if not explicit and host.count(".") == 1 and m.group("tld").lower() in not_tlds:
            pos = m.end()
            continue
        end = m.end()
        tail = _TAIL.match(text, end).group()
        # a slash followed by another host separates two hosts, it is no path
        for i, segment in enumerate(tail.split("/")):
            if i and _HOSTLIKE.match(segment.split("?")[0]) and segment.rsplit(".", 1)[-1].lower() not in not_tlds:
                tail = "/".join(tail.split("/")[:i])
                break
        end += len(tail)
        scheme = m.group("scheme")
        disguised = bool(scheme and not _PLAIN_SCHEME.fullmatch(scheme)) or "[" in m.group("host") or "(" in m.group("host")
        tokens.append(HostToken(m.start(), end, host, explicit, disguised))
        pos = end
    if _HAS_CJK.search(text) and ("://" in text or "www." in text.lower()):
        tokens = _with_idn_hosts(text, tokens)
    if _ideo_dots(text):
        tokens = _with_ideo_dots(text, tokens)
    if spelt_tlds and _two_letters(text) and _spelt_dots(text):
        tokens = _with_spelt_dots(text, tokens, spelt_tlds)
    return tokens


# top-level domains no word of prose is: a spelt dot before them makes a host whatever the name
CLASSIC_TLDS = frozenset({"com", "net", "cn", "cc", "vip", "xyz", "top", "pw"})
_LETTER = re.compile("[a-z]", re.IGNORECASE)
_DIGIT = re.compile("[0-9]")


def _with_spelt_dots(text: str, tokens: list[HostToken], spelt_tlds: frozenset) -> list[HostToken]:
    """Add the hosts whose dot is spelt (disguised: written so that no link is made)."""
    found = []
    for m in _SPELT_HOST.finditer(text):
        label, tld = m.group("label"), m.group("tld").lower()
        if len(label) < 2 or not _LETTER.search(label) or tld not in spelt_tlds:
            continue
        if tld not in CLASSIC_TLDS and not _DIGIT.search(label):
            continue
        # a full stop between spaces ends a sentence (the web. Net income…), unless a name
        # a generator made stands before it and a lower-case domain after it
        if text[m.end("label"):m.start("tld")].strip() in ".。" and not (
                _DIGIT.search(label) and m.group("tld").islower()):
            continue
        if any(t.start < m.end() and m.start() < t.end for t in tokens):
            continue  # a host found with a plain dot
        end = m.end() + len(_TAIL.match(text, m.end()).group())
        host = _SPELT_SEP.sub(".", m.group("host").lower())
        found.append(HostToken(m.start(), end, host, False, True))
    return sorted(tokens + found) if found else tokens


def _with_ideo_dots(text: str, tokens: list[HostToken]) -> list[HostToken]:
    """Add the hosts written with ideographic full stops for dots."""
    found = []
    for m in _IDEO_HOST.finditer(text):
        raw = m.group("host")
        if not (raw.lower().startswith(("www。", "www｡")) or len(re.findall("[。｡]", raw)) >= 2
                or _MIXED_LABEL.search(raw)):
            continue
        end = m.end() + len(_TAIL.match(text, m.end()).group())
        host = _UNDOT.sub(".", raw.lower())
        found.append(HostToken(m.start(), end, host, bool(m.group("scheme")) or host.startswith("www."), True))
    if not found:
        return tokens
    return sorted([t for t in tokens if not any(f.start < t.end and t.start < f.end for f in found)] + found)


def _with_idn_hosts(text: str, tokens: list[HostToken]) -> list[HostToken]:
    """Add the hosts with ideographic labels; one that overlaps an ASCII host
    found before replaces it when longer."""
    found = []
    for m in IDN_HOST.finditer(text):
        host = (m.group("host") or m.group("www")).lower()
        if not _HAS_CJK.search(host):
            continue
        end = m.end() + len(_TAIL.match(text, m.end()).group())
        found.append(HostToken(m.start(), end, host, True))
    if not found:
        return tokens
    kept = [t for t in tokens if not any(f.start < t.end and t.start < f.end for f in found)]
    return sorted(kept + found)


def _is_word_char(ch: str | None) -> bool:
    return ch is not None and (ch.isalnum() or is_cjk(ch))


def cited(text: str, start: int, end: int, cues_before, cues_after, min_cue: int = 1) -> bool:
    """A citing word (of ``min_cue`` characters or more) right before or after
    ``text[start:end]`` (访问 x.com, x.com 上)."""
    head = text[max(0, start - 8):start].rstrip()
    tail = text[end:end + 8].lstrip()
    return (any(head.endswith(c) for c in cues_before if len(c) >= min_cue)
            or any(tail.startswith(c) for c in cues_after if len(c) >= min_cue))


def _run_cited(text: str, run: "_Run", start: int, end: int, cues_before, cues_after) -> bool:
    """Whether a citing word stands beside a run. A list (``a.cn、b.cn等``) is
    cited like a single site, by any cue; a run joined by spaces or dots only
    by a word (包括, 网站), not by one of the characters that stand beside a
    single site (在, 和, 上): those are everywhere in the prose a run is pasted into."""
    return cited(text, start, end, cues_before, cues_after, min_cue=1 if run.listed else 2)


def _glued(text: str, start: int, end: int) -> bool:
    """Touching the letters of a word on either side."""
    return _is_word_char(text[start - 1] if start else None) or _is_word_char(text[end] if end < len(text) else None)


def _inside(text: str, start: int, end: int) -> bool:
    """Touching the letters of a word on both sides: pasted inside a word."""
    return _is_word_char(text[start - 1] if start else None) and _is_word_char(text[end] if end < len(text) else None)


def is_farm(hosts: list[str], piped: bool, glued: bool, min_run: int, pipe_min_run: int, loose_min_run: int,
            bare: bool = False, disguised: bool = False) -> bool:
    """``piped``: joined by pipes; ``glued``: pasted into a word; ``bare``:
    joined without list punctuation and not cited; ``disguised``: a host
    written so that no link is made (no citation does that). Two hosts are
    enough, not cited, when they are disguised, or pasted into a word or
    joined bare with names a generator made (jb8.bet以及jb9.bet)."""
    n = len(hosts)
    if piped and n >= pipe_min_run:
        return True
    if n >= pipe_min_run and (disguised or ((glued or bare) and _generated(sorted({registrable(h) for h in hosts})))):
        return True
    if n >= loose_min_run:
        return True
    if n < min_run:
        return False
    distinct = set(hosts)
    # pasted into a word, one site's pages count as many (a.cn/1；a.cn/2；a.cn/3)
    by_domain = Counter(registrable(h) for h in (hosts if glued else distinct))
    return (((glued or bare) and len(distinct) >= min_run) or by_domain.most_common(1)[0][1] >= 2
            or _generated(list(by_domain)))


def _generated(domains: list[str]) -> bool:
    """Names made by a generator: a domain that differs from another of the
    run by one character in the same place (zz8.me zy8.me, jj77a.com jj77b.com)."""
    for i, a in enumerate(domains[:20]):
        for b in domains[i + 1:20]:
            if len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1:
                return True
    return False


class _Run(NamedTuple):
    items: list  # HostTokens, or (start, end, host) of links
    piped: bool  # a pipe (or, between links, nothing) joins two of them
    listed: bool  # list punctuation (commas, 、) joins two of them


def _runs(text: str, items: list, start_of, end_of, empty_is_pipe: bool = False) -> list[_Run]:
    """Items grouped into runs of neighbours joined by separators only."""
    runs: list[_Run] = []
    for item in items:
        if runs:
            gap = text[end_of(runs[-1].items[-1]):start_of(item)]
            if (start_of(item) >= end_of(runs[-1].items[-1]) and _SEPARATOR.match(gap)
                    and len(_SYMBOLS.findall(gap)) <= 4):
                last = runs[-1]
                piped = last.piped or bool(_PIPE.search(gap)) or (empty_is_pipe and not gap)
                runs[-1] = _Run(last.items + [item], piped, last.listed or bool(_LIST_PUNCT.search(gap)))
                continue
        runs.append(_Run([item], False, False))
    return runs


def host_runs(text: str, tokens: list[HostToken]) -> list[_Run]:
    """Host tokens grouped into runs."""
    return _runs(text, tokens, lambda t: t.start, lambda t: t.end)


def _with_loose_separators(text: str, start: int, end: int, gaps: str = "") -> tuple[int, int]:
    """Take a pipe hanging at either end of a farm (``|a.cn|b.cn|``), and any
    symbol the run puts between its hosts (``gaps``) hanging there, with its
    spaces (``→ a.cn ← → b.cn ←``, ``« a.cn » « b.cn »``, ``〖a.cn〗〖b.cn〗``);
    commas and the like may belong to the sentence."""
    used = {ch for ch in gaps if _PIPE.match(ch)}
    start = _hanging(text, start, -1, used)
    end = _hanging(text, end, 1, used)
    # a run whose hosts are each bracketed ([a.cn][b.cn]) takes its outer brackets
    if 0 < start and end < len(text) and _BRACKETS.get(text[start - 1]) == text[end]:
        start, end = start - 1, end + 1
    return start, end


def _hanging(text: str, pos: int, step: int, used: set[str]) -> int:
    """``pos`` moved over the pipes and the run's own separators hanging beside
    it (with the spaces between them), up to three symbols."""
    i, symbols, best = pos, 0, pos
    while symbols < 3:
        j = i if step > 0 else i - 1
        if not 0 <= j < len(text):
            break
        ch = text[j]
        if ch in "|｜" or ch in used:
            symbols += 1
            i += step
            best = i
        elif ch == " " and used:
            i += step
        else:
            break
    return best


def _gaps(text: str, tokens: list[HostToken]) -> str:
    """What stands between the hosts of a run."""
    return "".join(text[a.end:b.start] for a, b in zip(tokens, tokens[1:]))


_BRACKETS = {"[": "]", "【": "】", "(": ")", "（": "）", "〔": "〕", "<": ">", "《": "》"}


def farm_cuts(text: str, tokens: list[HostToken], cues_before, cues_after,
              min_run: int, pipe_min_run: int, loose_min_run: int):
    cuts = []
    for run in host_runs(text, tokens):
        start, end = run.items[0].start, run.items[-1].end
        is_cited = _run_cited(text, run, start, end, cues_before, cues_after)
        glued = _glued(text, start, end) and not is_cited
        bare = not run.listed and not is_cited
        disguised = not is_cited and any(t.disguised for t in run.items)
        # a block that is nothing but the run: no sentence cites it
        alone = not text[:start].strip() and not text[end:].strip()
        if is_farm([t.host for t in run.items], run.piped, glued or alone, min_run, pipe_min_run, loose_min_run,
                   bare, disguised):
            cuts.append(_with_loose_separators(text, start, end, _gaps(text, run.items)))
    return cuts


def bare_url_cuts(text: str, tokens: list[HostToken], spam_words: list[str], cues_before: list[str],
                  cues_after: list[str]) -> list[tuple[int, int, bool]]:
    """(start, end, pasted) of the lone URLs that are spam; ``pasted``: put
    between two ideographs with no citing word, where no report would cite a site."""
    cuts = []
    for tok in tokens:
        before = text[tok.start - 1] if tok.start else ""
        after = text[tok.end] if tok.end < len(text) else ""
        pasted_in = (bool(before and after and is_cjk(before) and is_cjk(after))
                     and not cited(text, tok.start, tok.end, cues_before, cues_after))
        # the words may stand in the host or in the path (x.cn/peizi/kaihu)
        if any(w in text[tok.start:tok.end].lower() for w in spam_words):
            cuts.append((tok.start, tok.end, pasted_in))
        elif pasted_in and text[tok.start:tok.end] == text[tok.start:tok.end].lower() and (
                tok.explicit or tok.disguised or "/" in text[tok.start:tok.end] or _made(site_name(tok.host))):
            # ("St.Louis", "Node.JS" are names, not pasted hosts; a bare host of words is a
            # word of the sentence: 短链接以t.cn开头, 在baidu.com搜索)
            cuts.append((tok.start, tok.end, True))
    return cuts


def href_host(href: str) -> str:
    try:
        return (urlsplit(href if "//" in href else "//" + href).hostname or "").lower()
    except ValueError:
        return ""


def link_run_cuts(text: str, spans: list, cues_before, cues_after,
                  min_run: int, pipe_min_run: int, loose_min_run: int):
    """Runs of ``<a>`` elements (link spans) set side by side in a sentence."""
    links = sorted((s, e, href_host(v)) for s, e, kind, v in spans if kind == "link" and e > s)
    cuts = []
    # anchors set edge to edge are joined by nothing: as tight as a pipe
    for run in _runs(text, links, lambda link: link[0], lambda link: link[1], empty_is_pipe=True):
        start, end = run.items[0][0], run.items[-1][1]
        anchors = [text[s:e] for s, e, _ in run.items]
        is_cited = _run_cited(text, run, start, end, cues_before, cues_after)
        glued = _glued(text, start, end) and not is_cited
        # a row of named links (Example A Example B) may be a list of sponsors;
        # a farm's bare row shows host names or keywords of a few characters
        keywords = all("." in a or len(a.strip()) <= 4 for a in anchors)
        bare = not run.listed and not is_cited and keywords
        # a farm's anchors are host names, keywords or single characters, not
        # titles, and point to several sites, not to one site's pages
        short = sum(len(a) for a in anchors) / len(anchors) <= 12
        hosts = [h for _, _, h in run.items if h]
        if short and len(hosts) == len(run.items) and len(set(hosts)) >= 2 and is_farm(
                hosts, run.piped, glued, min_run, pipe_min_run, loose_min_run, bare):
            cuts.append(_with_loose_separators(text, start, end))
    return cuts


# a public IPv4 address (not a private, loopback, link-local or multicast one), with its port and path
_IPV4 = re.compile(r"(?<![\d.:])((?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3})(?::(\d{2,5}))?(?![\d.])")
_PRIVATE_IP = re.compile(r"^(?:10\.|127\.|0\.|169\.254\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|2(?:2[4-9]|[345]\d)\.)")


def find_ips(text: str) -> list[HostToken]:
    """The public IPv4 addresses in ``text`` (a site reached by its address,
    as a blocked one is), with port and path; ``explicit``: a port is given."""
    if "." not in text:
        return []
    found = []
    for m in _IPV4.finditer(text):
        if _PRIVATE_IP.match(m.group(1)):
            continue
        end = m.end() + len(_TAIL.match(text, m.end()).group())
        found.append(HostToken(m.start(), end, m.group(1), m.group(2) is not None))
    return found


def site_name(host: str) -> str:
    """What names the site: the first label of its registrable domain (an IP: the address)."""
    if _IPV4.fullmatch(host):
        return host
    return registrable(host).split(".")[0]


_ALNUM_RUN = re.compile(r"[A-Za-z0-9]{4,12}")
_CJK_OR_WORD = re.compile(r"[\u3400-\u9fff]|[A-Za-z]+")


def _made(name: str) -> bool:
    """A name a generator made or a spammer coined: letters and digits mixed (kq77, m99hg, win365)."""
    return bool(_LETTER.search(name) and _DIGIT.search(name))


def _short_link(text: str, tok: HostToken) -> bool:
    """A short link: a short host and a path of one token mixing cases or letters and digits (t.cn/A6Xk9zQ)."""
    path = text[tok.start:tok.end].split("/", 3)[-1] if "/" in text[tok.start:tok.end] else ""
    run = _ALNUM_RUN.fullmatch(path)
    return (len(tok.host) <= 10 and run is not None
            and (_made(path) or (path != path.lower() and path != path.upper())))


# what introduces a host: a colon, an arrow or a pointing hand, a space (the host is the sentence's object)
_INTRODUCES = re.compile(r"(?:[:：→⇒➜➡👉>»\-—]|\s)\s*$")


def _introduced(text: str, start: int, cues_before) -> bool:
    """Whether the host at ``start`` opens its sentence or is introduced
    (``_INTRODUCES``, or a citing word right before it: 网址, 登录), rather
    than glued to the words of a sentence it was pasted into."""
    head = text[max(0, start - 8):start]
    return (not head or head[-1] in "。！？!?；;\n" or _INTRODUCES.search(head) is not None
            or any(head.endswith(c) for c in cues_before if len(c) >= 2))


def announced(text: str, tok: HostToken, rest: str, cues_before, cues_after, min_score: int, register_min: float,
              max_rest: int, detached: Callable[[], bool], tiny: bool) -> bool | None:
    """Whether a lone host is announced rather than cited, by evidence that
    holds for any wording: how it is written (a spelt or defanged dot: +2; an
    IP address: +1, with a port +2; a name mixing letters and digits: +1; a
    short link: +1), how the rest of its sentence (``rest``) is said (as ads
    are, by the register models: +1; narrating: -2), whether the sentence is
    ``detached`` from the article (sharing none of its words: +1), and a
    citing word beside it (-1). None when the evidence is under
    ``min_score``; else whether the sentence goes with it: the announcement's
    own words, detached (or too ``tiny`` to share any: 入口：), narrating
    nothing, introducing the host (``_introduced``: not a sentence of the
    article's it was pasted into, 老槐树已经有三百多年树龄http://…) and short
    (``max_rest`` ideographs and words at most); a host pasted into a sentence
    of the article, or inside a word, goes alone. ``detached`` is asked only
    of a host written as spam writes one."""
    ip = _IPV4.fullmatch(tok.host) is not None
    score = 2 if tok.disguised else 0
    if ip:
        score += 2 if tok.explicit else 1
    elif _made(site_name(tok.host)):
        score += 1
    if not ip and _short_link(text, tok):
        score += 1
    if not score:
        return None  # a host of words is how sites are cited (LiveNation.com): the sentence alone never tells
    chinese = _HAS_CJK.search(rest) is not None
    if chinese:
        said = register.score(rest, register.model(register.MODEL_NEWS))
        narrates = NARRATIVE.search(rest) is not None
    else:
        said = register.score(rest, register.model(register.MODEL_EN), unit=register.words)
        narrates = False
    if said >= register_min:
        score += 1
    detached = detached()  # (it reads the whole article)
    if detached:
        score += 1
    if narrates:
        score -= 2
    if cited(text, tok.start, tok.end, cues_before, cues_after, min_cue=2):
        score -= 1
    if score < min_score:
        return None
    return ((detached or tiny) and not narrates and len(_CJK_OR_WORD.findall(rest)) <= max_rest
            and _introduced(text, tok.start, cues_before) and not _inside(text, tok.start, tok.end))
