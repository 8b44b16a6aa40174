"""Host names in text: link farms (runs of hosts) and pasted spam URLs.

Detects shapes, not instances: a *run* is two or more host names (any TLD,
any depth of subdomains, with or without scheme and path) separated only by
``|``, commas, slashes, ``、`` or spaces. A run is a link farm when

- it is joined by pipes and has at least ``pipe_min_run`` hosts (prose never
  separates sites with ``|``), or
- it has at least ``min_run`` hosts and either several of them share one
  registrable domain (``un.otpe6.cn|ee.otpe6.cn``) or it is glued to the
  letters of a word on either side (pasted into a sentence), or
- it has at least ``loose_min_run`` hosts whatever the separator.

A lone URL is spam when its host holds a spam word (``peizi``, ``casino``...)
or when it is pasted between two ideographs with no citing cue around it
(``官网``, ``访问``... before; ``上``, ``查询``... after).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple
from urllib.parse import urlsplit

from crawler.cleaning.firstchars import with_first_chars
from crawler.cleaning.textops import is_cjk

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = (
    r"(?<![a-z0-9@._%+\-])(?P<scheme>(?:https?|ftp)://)?"
    rf"(?P<host>(?:{_LABEL}\.)+(?P<tld>[a-z]{{2,24}}|xn--[a-z0-9-]{{2,59}}))(?![a-z0-9\-]|\.[a-z0-9])"
)
HOST = re.compile(with_first_chars(_HOST, re.IGNORECASE), re.IGNORECASE)
# cheap test: no "x.y" anywhere, no host
_MAYBE_HOST = re.compile(r"[a-z0-9]\.[a-z]", re.IGNORECASE)
# port and path: ASCII URL characters only, so a URL glued to Chinese text ends
# where the Chinese starts
_TAIL = re.compile(r"(?::\d{1,5})?(?:[/?#][A-Za-z0-9._~%!$&*+=:@/?#\-]*)?")
_HOSTLIKE = re.compile(rf"^(?:{_LABEL}\.)+[a-z]{{2,24}}$", re.IGNORECASE)
_SEPARATOR = re.compile(r"^[ \u3000\u00a0]*(?:[|｜,，、/;；][ \u3000\u00a0]*)?$")
_SLD = {"com", "net", "org", "gov", "edu", "co", "ac", "or", "ne", "go"}


class HostToken(NamedTuple):
    start: int
    end: int  # path included
    host: str  # lower-case
    explicit: bool  # scheme or www.: a URL for sure


def registrable(host: str) -> str:
    """The part of a host name one registers: ``a.b.example.com.cn`` -> ``example.com.cn``."""
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in _SLD and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def find_hosts(text: str, not_tlds: set[str]) -> list[HostToken]:
    """Host names in ``text``; ``name.ext`` file names (``setup.py``) are not hosts."""
    tokens: list[HostToken] = []
    if not _MAYBE_HOST.search(text):
        return tokens
    pos = 0
    while m := HOST.search(text, pos):
        host = m.group("host").lower()
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
        tokens.append(HostToken(m.start(), end, host, explicit))
        pos = end
    return tokens


def _is_word_char(ch: str | None) -> bool:
    return ch is not None and (ch.isalnum() or is_cjk(ch))


def cited(text: str, start: int, end: int, cues_before, cues_after) -> bool:
    """A citing word right before or after ``text[start:end]`` (访问 x.com, x.com 上)."""
    head = text[max(0, start - 8):start].rstrip()
    tail = text[end:end + 8].lstrip()
    return any(head.endswith(c) for c in cues_before) or any(tail.startswith(c) for c in cues_after)


def pasted(text: str, start: int, end: int, cues_before, cues_after) -> bool:
    """Glued to a word on either side and not cited: pasted into a sentence."""
    before = text[start - 1] if start else None
    after = text[end] if end < len(text) else None
    return (_is_word_char(before) or _is_word_char(after)) and not cited(text, start, end, cues_before, cues_after)


def is_farm(hosts: list[str], piped: bool, glued: bool, min_run: int, pipe_min_run: int, loose_min_run: int) -> bool:
    n = len(hosts)
    if piped and n >= pipe_min_run:
        return True
    if n >= loose_min_run:
        return True
    if n < min_run:
        return False
    distinct = set(hosts)
    by_domain = Counter(registrable(h) for h in distinct)
    return (glued and len(distinct) >= min_run) or by_domain.most_common(1)[0][1] >= 2


def host_runs(text: str, tokens: list[HostToken]) -> list[tuple[list[HostToken], bool]]:
    """Tokens grouped into runs, each with whether a pipe joins it."""
    runs: list[tuple[list[HostToken], bool]] = []
    for tok in tokens:
        if runs:
            last = runs[-1][0][-1]
            gap = text[last.end:tok.start]
            if _SEPARATOR.match(gap):
                piped = runs[-1][1] or "|" in gap or "｜" in gap
                runs[-1] = (runs[-1][0] + [tok], piped)
                continue
        runs.append(([tok], False))
    return runs


def _with_loose_separators(text: str, start: int, end: int) -> tuple[int, int]:
    """Take a pipe hanging at either end of a farm (``|a.cn|b.cn|``); commas
    and the like may belong to the sentence."""
    if start > 0 and text[start - 1] in "|｜":
        start -= 1
    if end < len(text) and text[end] in "|｜":
        end += 1
    return start, end


def farm_cuts(text: str, tokens: list[HostToken], cues_before, cues_after,
              min_run: int, pipe_min_run: int, loose_min_run: int):
    cuts = []
    for run, piped in host_runs(text, tokens):
        start, end = run[0].start, run[-1].end
        glued = pasted(text, start, end, cues_before, cues_after)
        if is_farm([t.host for t in run], piped, glued, min_run, pipe_min_run, loose_min_run):
            cuts.append(_with_loose_separators(text, start, end))
    return cuts


def bare_url_cuts(text: str, tokens: list[HostToken], spam_words: list[str], cues_before: list[str],
                  cues_after: list[str]) -> list[tuple[int, int]]:
    cuts = []
    for tok in tokens:
        if any(w in tok.host for w in spam_words):
            cuts.append((tok.start, tok.end))
            continue
        before = text[tok.start - 1] if tok.start else ""
        after = text[tok.end] if tok.end < len(text) else ""
        # pasted inside a Chinese sentence, not cited: no cue word next to it
        if not (before and after and is_cjk(before) and is_cjk(after)):
            continue
        if text[tok.start:tok.end] != text[tok.start:tok.end].lower():
            continue  # "St.Louis", "Node.JS": names, not pasted hosts
        if not cited(text, tok.start, tok.end, cues_before, cues_after):
            cuts.append((tok.start, tok.end))
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
    runs: list[tuple[list, bool]] = []
    for link in links:
        if runs:
            prev = runs[-1][0][-1]
            gap = text[prev[1]:link[0]]
            if link[0] >= prev[1] and _SEPARATOR.match(gap):
                runs[-1] = (runs[-1][0] + [link], runs[-1][1] or "|" in gap or "｜" in gap)
                continue
        runs.append(([link], False))
    cuts = []
    for run, piped in runs:
        start, end = run[0][0], run[-1][1]
        anchors = [text[s:e] for s, e, _ in run]
        glued = pasted(text, start, end, cues_before, cues_after)
        # a farm's anchors are host names, keywords or single characters, not
        # titles, and point to several sites, not to one site's pages
        short = sum(len(a) for a in anchors) / len(anchors) <= 12
        hosts = [h for _, _, h in run if h]
        if short and len(hosts) == len(run) and len(set(hosts)) >= 2 and is_farm(
                hosts, piped, glued, min_run, pipe_min_run, loose_min_run):
            cuts.append(_with_loose_separators(text, start, end))
    return cuts
