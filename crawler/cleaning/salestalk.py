"""Chinese sales talk of any trade: a whole paragraph, or the sentences that end one.

Whatever is sold, an ad paragraph does the same few things, each said in a
small closed vocabulary: it invites the reader to act (欢迎来电, 快来, 赶快报名,
预约), speaks for the seller (本店, 本厂, 我们提供, 厂家直销), names a price or a
discount (只要六十八元, 全场八折, 立减两百), takes the risk away (包教包会,
不满意不收尾款, 假一赔十, 质保两年), presses (名额有限, 先到先得, 手慢无), gives
something (免费上门, 还送), promises speed (十分钟到, 当天取货) or boasts
(比同行低, 上千户). Each is a class of regex vars with a weight (``sales``
rules of the rule files), scored as English offers are (``english.score``:
a class counts its weight once, one more for a second distinct mark).

The talk is judged over the block's last sentences: from the end back while
each sentence is the seller's (no reporting or warning, ``unless``, and
little narrative: 了 着 过 他 她 说), one sentence without marks allowed between
two with; glued to a paragraph, it opens at a sentence of two classes or
of one that addresses the reader; a short question before it (想学开叉车？)
is its hook. It goes when it holds one of the classes that address the
reader (an invitation, the seller's voice, scarcity, the reader addressed:
您, 可享), enough classes and weight, and is said as
sales talk is: mostly ideographs, with its marks along it (in two clauses of
five at least) or terse (short clauses without the words that bind prose;
terse talk weighs more); a sentence with an ad pasted inside holds its
marks in one place, in prose, and is the inline rules' to cut. It must
share few words with the rest of the article: an article about a bakery's
discount day shares its bakery with every paragraph, an ad pasted into an
article about something else shares nothing. Marks inside quotation marks
do not count: a slogan quoted is reported. From the block's first sentence
it is the whole paragraph (``sales_para``), else the tail glued to it, cut
at its sentence boundary (``sales_tail``).

Talk that shares no pair of ideographs with the article (twelve pairs at
least, so that it could) and binds its words little, as ads do (function
words, ``FOREIGN_FUNCTION``), is *foreign* to it: that counts as evidence
(``foreign_weight``), stands for an address (when the talk narrates
nothing, holds its marks along most of it and ends on one), and, glued to a
paragraph, lets the talk open at its first marked sentence. The
rule's ``screen`` names the classes whose marks get a block judged at all
(those that address the reader, and those that offer).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from crawler.cleaning import adshape, register
from crawler.cleaning.english import Mark, score
from crawler.cleaning.offers import FUNCTION
from crawler.cleaning.textops import QUOTED, cjk_count, is_cjk

# the narrative words of a story about someone (a person, an aspect), which
# sales talk leaves out; not inside the words that hold them (了解, 超过, 接着),
# nor 过 as a verb's direction or the verb to pass (发过来, 过户, 过不了, 错过)
NARRATIVE = re.compile(r"[他她]|(?<!不多)了(?!解)|(?<![超不经通越错])过(?![敏期来去户关级不])|(?<![接沉])着(?![急想])|说(?!明)")
MAX_NARRATIVE = 1
# a question this short before the talk is its hook (想学开叉车？)
HOOK_CHARS = 16
# terse: clauses this short on average, this few function words (sales talk
# is a list of offers; prose, news and reviews run longer and bind their words)
_CLAUSE = re.compile(r"[^，,。！!？?；;、：:\s]+")
TERSE_CLAUSE = 8.5
TERSE_FUNCTION = 0.06
TERSE_MIN_CLAUSES = 3
# the share of its clauses (three at least) that hold a mark: sales talk
# offers all along; a sentence with an ad pasted inside holds them in one place
CLAUSE_SHARE = 0.4
# talk that addresses no one must hold its marks in this share of its clauses
UNADDRESSED_SHARE = 0.6
# talk of this many pairs of ideographs at least may be judged foreign to the article
FOREIGN_PAIRS = 12
# and must bind its words as an ad does, little (prose binds them: 的 在 了 但 也 ...)
FOREIGN_FUNCTION = 0.115
# the share of its letters that must be ideographs
CJK_SHARE = 0.8
# ideographs that make no word of a subject: a pair holding one is not shared vocabulary
STOP = frozenset("的了着过是在把被将他她它我你您们这那就都也很还又吗呢吧啊呀说让给对从向与和跟而并却"
                 "一二三四五六七八九十百千万个有不没可以要会能")


def _narrative(sentence: str) -> int:
    return len(NARRATIVE.findall(sentence))


def _run(text: str, bounds, found: list[Mark], address: frozenset, unless: re.Pattern | None) -> tuple[int, int] | None:
    """(walked, first): the first of the block's last sentences that may be
    sales talk, and the first that opens it."""
    walked, gap = None, 0
    for i in range(len(bounds) - 1, -1, -1):
        lo, hi = bounds[i]
        sentence = text[lo:hi]
        if _narrative(sentence) > MAX_NARRATIVE or (unless is not None and unless.search(sentence)):
            break
        if any(lo <= m.start < hi for m in found):
            walked, gap = i, 0
        else:
            gap += 1
            if gap > 1:
                break
    if walked is None:
        return None
    # glued to a paragraph, the talk opens with a sentence of two classes at
    # least, or one speaking to the reader or for the seller: a sentence of
    # the host's with one mark by chance stays with it (after a sentence in
    # another script, an English host's, the talk opens where it is walked from)
    first = walked
    while (0 < first < len(bounds) - 1 and not _opens(found, *bounds[first], address)
           and chinese(text[slice(*bounds[first - 1])])):
        first += 1
    return walked, first


def _opens(found: list[Mark], lo: int, hi: int, address: frozenset) -> bool:
    groups = {m.group for m in found if lo <= m.start < hi}
    return len(groups) >= 2 or bool(groups & address)


def _hook(text: str, bounds, i: int, unless: re.Pattern | None) -> bool:
    """Whether sentence ``i - 1`` is a short question hooking the talk."""
    if i == 0:
        return False
    lo, hi = bounds[i - 1]
    question = text[lo:hi].strip()
    return (len(question) <= HOOK_CHARS and question.endswith(("？", "?")) and _narrative(question) == 0
            and not (unless is not None and unless.search(question)))


def chinese(talk: str) -> bool:
    """Whether ideographs are most of the letters of ``talk`` (Chinese pasted
    into an English sentence is the English sentence's seam, not its talk)."""
    letters = [ch for ch in talk if ch.isalpha()]
    return sum(map(is_cjk, letters)) >= CJK_SHARE * len(letters)


def _foreign(talk: str, start: int, walked: int, shares) -> bool:
    """Whether ``talk`` (from ``start``; the seller's sentences from
    ``walked``) is long enough to share words with the article and shares none."""
    return shares is not None and len(_pairs(talk)) >= FOREIGN_PAIRS and shares(start, walked) == 0


def _function_share(talk: str) -> float:
    """The share of the ideographs of ``talk`` that are function words."""
    return sum(ch in FUNCTION for ch in talk) / max(sum(map(is_cjk, talk)), 1)


def terse(talk: str) -> bool:
    """Whether ``talk`` is said as a list of short clauses without the words that bind prose."""
    clauses = _CLAUSE.findall(talk)
    if len(clauses) < TERSE_MIN_CLAUSES:
        return False
    ideographs = sum(is_cjk(ch) for ch in talk)
    return (sum(map(len, clauses)) <= TERSE_CLAUSE * len(clauses)
            and sum(ch in FUNCTION for ch in talk) <= TERSE_FUNCTION * ideographs)


def spread(talk: str, start: int, found: list[Mark], share: float = CLAUSE_SHARE) -> bool:
    """Whether the marks of ``talk`` (which starts at ``start`` in the block) lie
    along it: in ``share`` of its clauses at least, three clauses at least."""
    clauses = [(m.start() + start, m.end() + start) for m in _CLAUSE.finditer(talk)]
    held = sum(any(lo <= m.start < hi for m in found) for lo, hi in clauses)
    return len(clauses) >= TERSE_MIN_CLAUSES and held >= share * len(clauses)


def _ends_marked(talk: str, start: int, found: list[Mark]) -> bool:
    """Whether the last clause of ``talk`` (from ``start`` in the block) holds a mark."""
    last = None
    for last in _CLAUSE.finditer(talk):
        pass
    return last is not None and any(last.start() + start <= m.start < last.end() + start for m in found)


def _pairs(text: str) -> set[str]:
    """Pairs of ideographs of ``text`` that may be words of a subject."""
    return {text[i:i + 2] for i in range(len(text) - 1)
            if is_cjk(text[i]) and is_cjk(text[i + 1]) and text[i] not in STOP and text[i + 1] not in STOP}


def shared(talk: str, rest: str) -> int:
    """Distinct pairs of ideographs of ``talk`` that ``rest`` holds too."""
    return sum(pair in rest for pair in _pairs(talk))


def talk_start(text: str, bounds, found: list[Mark], weights: list[int], address: frozenset, params: dict,
               unless: re.Pattern | None, shares=None) -> tuple[int, int] | None:
    """(start, walked) of the sales talk that ends the block, or None:
    ``walked``, where the sentences that may be the seller's begin (those
    before ``start`` among them may be the ad's opening: not the article's
    words); the cohesion with the article is the caller's to judge.
    ``shares(start, walked)``: the pairs of ideographs the talk from
    ``start`` shares with the rest of the article; talk that shares none
    (and is long enough to have) is foreign to it, as an ad pasted in is:
    that counts as evidence too (``foreign_weight``)."""
    run = _run(text, bounds, found, address, unless)
    if run is None:
        return None
    walked, first = run
    at = bounds[walked][0]
    if first > walked and params["foreign_weight"] and _foreign(text[at:], at, at, shares):
        # the sentences before its opening share nothing with the article either: the ad's own
        talk = _judged(text, bounds, found, weights, address, params, unless, shares, walked, walked)
        if talk is not None:
            return talk
    return _judged(text, bounds, found, weights, address, params, unless, shares, walked, first)


def _judged(text: str, bounds, found: list[Mark], weights: list[int], address: frozenset, params: dict,
            unless: re.Pattern | None, shares, walked: int, first: int) -> tuple[int, int] | None:
    """``talk_start``'s answer for the talk opening at sentence ``first``."""
    at = bounds[walked][0]
    start = bounds[first][0]
    if len(text) - start > params["max_chars"]:
        return None
    inside = [m for m in found if m.start >= start]
    talk = text[start:]
    weighed = params["register_weight"] > 0  # else the register is not consulted
    said = register.score(QUOTED.sub("", talk)) if weighed else 0.0
    groups = len({m.group for m in inside})
    # without a mark that addresses the reader, talk of two classes said as
    # ads are or foreign to the article, or of three, may stand for one: when
    # it narrates nothing, its marks lie along most of it and it ends on one
    # (an ad pasted inside a story's sentence holds them in one stretch of it,
    # and the story resumes after it)
    plain = _narrative(talk) == 0 and spread(talk, start, inside, UNADDRESSED_SHARE) and _ends_marked(talk, start, inside)
    foreign = (plain and params["foreign_weight"] > 0 and groups >= 2 and _function_share(talk) <= FOREIGN_FUNCTION
               and _foreign(talk, start, at, shares))
    if not any(m.group in address for m in inside) and not (
            plain and (groups >= 3 or (groups >= 2 and (said >= params["register_address"] or foreign)))):
        return None  # it neither invites the reader nor speaks for the seller nor presses, nor offers as ads do
    if not chinese(talk) or not (spread(talk, start, inside) or terse(talk)):
        return None
    weight, classes = score(inside, weights)
    if said >= params["register_min"]:
        weight += params["register_weight"]
        classes += 1
    if terse(talk):
        weight += params["terse_weight"]
        classes += 1
    if foreign:
        weight += params["foreign_weight"]
        classes += 1
    if _hook(text, bounds, first, unless):
        start = bounds[first - 1][0]
        weight += params["hook_weight"]
        classes += 1
    if classes < params["min_classes"] or weight < params["min_weight"]:
        return None
    start = _lead(text, bounds, start, params["register_lead"] if weighed else None, unless)
    return start, min(bounds[walked][0], start)


def _lead(text: str, bounds, start: int, least: float | None, unless: re.Pattern | None) -> int:
    """Where the talk starting at ``start`` begins once the sentences before
    it that are said as ads are (its opening: 香港身份一年搞定！) join it, so
    that an ad goes whole, not in halves."""
    for n, (lo, hi) in enumerate(reversed([b for b in bounds if b[0] < start])):
        sentence = text[lo:hi].strip()
        if _narrative(sentence) > MAX_NARRATIVE or (unless is not None and unless.search(sentence)):
            break
        # the short cry or question that opens it (学吉他不难！), or a sentence said as ads are
        if not (n == 0 and len(sentence) <= HOOK_CHARS and sentence.endswith(("？", "?", "！", "!"))) and (
                least is None or register.score(QUOTED.sub("", sentence)) < least):
            break
        start = lo
    return start


# -- talk said as ads are, whatever its marks (rule kind "said") -----------------

# the register against news the last clause of an ad said as ads are has at least
LAST_CLAUSE = 0.0


def _ends_on_offer(talk: str, table: dict[str, float]) -> bool:
    """Whether the last clause of ``talk`` narrates nothing and is not said as
    news is (``LAST_CLAUSE``): an ad ends on its offer (体验减三十, 接送可以预约);
    a sentence of the host's with an ad pasted inside ends on the host's
    words (…孩子们看得入了迷)."""
    last = (_CLAUSE.findall(talk) or [""])[-1]
    return _narrative(last) == 0 and register.score(last, table) >= LAST_CLAUSE


def said_start(text: str, bounds, speech: re.Pattern, found: Callable[[], list[Mark]], unless: re.Pattern | None,
               params: dict, shares, plain_unless: re.Pattern | None = None) -> int | None:
    """Where the talk that ends the block starts when the block, or the
    sentences ending it, are an ad by how they are said rather than by marks
    of a closed vocabulary: said as ads are against the register of news
    (``register.MODEL_NEWS``, ``min_register`` at least over the talk, each
    of its sentences ``min_sentence`` at least or a short question hooking
    it), speaking to the reader or for the seller, or crying or asking
    (``speech``, outside quotation marks), or holding marks (``found()``, asked only there) of
    ``min_classes`` classes of sales talk, narrating and reporting nothing,
    long enough to be a paragraph of an ad (``min_chars`` ideographs,
    ``min_clauses`` clauses), and foreign to the article: it shares no pair
    of ideographs with the rest of it (``shares(start)``) and has twelve at
    least, so that it could; it opens as an ad does (its first sentence
    ``min_register`` at least, or a question hooking it) and ends on its
    offer (``_ends_on_offer``). Glued to a paragraph, the talk opens at the
    first sentence from which all this holds, sharing nothing with the
    host's sentences before it either: the ad goes whole, the host stays whole.
    An ad described rather than spoken (a shop or a product told in the third
    person, to no one) needs no speech and less of the register
    (``plain_register`` over the talk and its first sentence,
    ``plain_sentence`` over each) when it holds marks of ``plain_classes``
    classes and all the rest holds. Talk that speaks to no one (no ``speech``)
    and holds ``plain_unless`` is not judged: a venue's notice to its public
    describes and prices its offer the same way (门票五十元，学生凭证半价，
    每周一闭馆), and tells whom a price is for and when the place opens."""
    table = register.model(register.MODEL_NEWS)

    def classes(start: int) -> int:
        return len({m.group for m in found() if m.start >= start})

    scores = _Scores(text, bounds, table)
    strict, plain = _walk(text, bounds, scores, (params["min_sentence"],
                                                 params["plain_sentence"] if params["plain_register"] else None), unless)
    if strict is None and plain is None:
        return None
    for i in range(min(k for k in (strict, plain) if k is not None), len(bounds)):
        start = bounds[i][0]
        talk = text[start:]
        unquoted = QUOTED.sub("", talk)
        if cjk_count(talk) < params["min_chars"] or len(_CLAUSE.findall(talk)) < params["min_clauses"]:
            return None  # (the talk from a later sentence is shorter still)
        if not (_narrative(unquoted) <= MAX_NARRATIVE and chinese(talk) and _ends_on_offer(unquoted, table)
                and len(_pairs(talk)) >= FOREIGN_PAIRS):
            continue
        said = register.score(unquoted, table)
        # it opens as an ad does, said as ads are or with a question hooking it
        # (a sentence of the host's before an ad glued to it is said otherwise)
        hooked = _hook(text, bounds, i + 1, unless)
        spoken = speech.search(unquoted) is not None
        if not spoken and plain_unless is not None and plain_unless.search(unquoted):
            continue  # told to no one, as a venue's notice to its public is
        if strict is not None and i >= strict and said >= params["min_register"] and (
                scores[i] >= params["min_register"] or hooked) and (
                spoken or classes(start) >= params["min_classes"]) and shares(start) == 0:
            return start
        # described rather than spoken: a shop or a product told in the third
        # person, to no one, said as ads are less strongly; it holds an offer
        # (a mark of ``plain_classes`` classes)
        if (plain is not None and i >= plain and said >= params["plain_register"] and (
                scores[i] >= params["plain_register"] or hooked)
                and classes(start) >= params["plain_classes"] and shares(start) == 0
                and not _pasted_inside(unquoted, table, params["plain_register"])):
            return start
    return None


# a stretch of ad shape (``adshape``) that, taken out, leaves a host's sentence
# said as articles are: its sum (the shape rule's least), its ideographs, the
# host's ideographs left around it (before it, after it, and in all); what
# is left reads as an article's by both models: its ad shape under
# ``PASTED_REST_SHAPE`` a character (carrier sentences no model learned:
# -0.94 to -1.55; an ad paragraph without its best stretch: -0.4 to -0.7)
# and its register against news short of the plain tier's
PASTED_SHAPE = 8.0
PASTED_CHARS = 5
PASTED_BEFORE = 4
PASTED_AFTER = 1
PASTED_REST = 12
PASTED_REST_SHAPE = -0.8


def _pasted_inside(talk: str, table: dict[str, float], least: float) -> bool:
    """Whether ``talk`` is a host's sentence with an ad pasted inside rather
    than an ad described: its best stretch of ad shape sits inside it (the
    host's words on both sides: an ad ends on its offer, a host's sentence
    resumes after the paste) and, taken out, leaves a sentence
    (``PASTED_REST`` ideographs) said as articles are (the register under
    ``least``, the plain tier's, little ad shape, and its words bound as
    prose binds them: function words ``TERSE_FUNCTION`` of its ideographs at
    least, where an ad's other clauses are terse): the marks and the
    register were the pasted ad's, and the seam rules cut it alone. An ad
    described is said as ads are all along."""
    scores = adshape.scores(talk, 0, len(talk))
    found = adshape.segments(scores)
    if not found:
        return False
    total, s, e = max(found)
    if (total < PASTED_SHAPE or cjk_count(talk[s:e]) < PASTED_CHARS or cjk_count(talk[:s]) < PASTED_BEFORE
            or cjk_count(talk[e:]) < PASTED_AFTER):
        return False
    rest, chars = talk[:s] + talk[e:], cjk_count(talk) - cjk_count(talk[s:e])
    return (chars >= PASTED_REST and (sum(scores) - total) / chars <= PASTED_REST_SHAPE
            and sum(ch in FUNCTION for ch in rest) / chars >= TERSE_FUNCTION
            and register.score(rest, table) < least)


class _Scores(dict):
    """The register of each sentence of a block, scored when first asked."""

    def __init__(self, text: str, bounds, table: dict[str, float]):
        super().__init__()
        self.text, self.bounds, self.table = text, bounds, table

    def __missing__(self, i: int) -> float:
        score = self[i] = register.score(QUOTED.sub("", self.text[slice(*self.bounds[i])]), self.table)
        return score


def _walk(text: str, bounds, scores: "_Scores", leasts: tuple, unless: re.Pattern | None) -> list[int | None]:
    """For each of ``leasts`` (None: not asked), the first of the block's last
    sentences each of which neither narrates nor reports and is said as ads
    are (that least at least, its score in ``scores``) or is a short question
    hooking the next; None when the last is not. One walk for all of them:
    each sentence is read once."""
    firsts: list[int | None] = [None] * len(leasts)
    going = [least is not None for least in leasts]
    for i in range(len(bounds) - 1, -1, -1):
        if not any(going):
            break
        sentence = QUOTED.sub("", text[slice(*bounds[i])])
        if _narrative(sentence) > MAX_NARRATIVE or (unless is not None and unless.search(sentence)):
            break
        hooked = None
        for k, least in enumerate(leasts):
            if not going[k]:
                continue
            if scores[i] < least:
                if hooked is None:
                    hooked = _hook(text, bounds, i + 1, unless)
                if not hooked:
                    going[k] = False
                    continue
            firsts[k] = i
    return firsts


# what ends a sentence, for the remnants of an ad (over a block's own text)
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")
# a remnant this short (pairs of letters) is judged by the share of its sentence that went,
# and must hold this many letters (a lone character at the seam may be the host's: 这)
SHORT_REMNANT = 2
SHORT_LETTERS = 2
GONE_SHARE = 0.6
# a longer remnant goes when this share of its sentence went at least (an ad pasted
# into a sentence of the host's takes less of it) and it is said as ads are
LONG_GONE_SHARE = 0.5


def remnants(origin: str, alive: list[int], gone: dict[int, str], reasons: frozenset, least: float,
             unless: re.Pattern | None) -> list[tuple[int, int]]:
    """What is left of an ad that other rules cut in pieces: (start, end) in
    the block as it now is. ``origin``: the block's text before any cut;
    ``alive``: the offsets in ``origin`` of the characters still there;
    ``gone``: the reason each removed offset went with. A sentence that lost
    pieces for one of ``reasons`` loses the rest when the rest is said as ads
    are (register ``least`` at least, or too short to tell and most of the
    sentence gone), and so do the whole sentences after it (and the cry or the
    sentence said as ads are before it) until one is not: an ad goes whole,
    not in pieces. Narrative and reported sentences stop it."""
    bounds = [m.span() for m in _SENTENCE.finditer(origin)]
    here = {offset: i for i, offset in enumerate(alive)}
    touched = [k for k, (lo, hi) in enumerate(bounds) if any(gone.get(i) in reasons for i in range(lo, hi))]
    take: set[int] = set()
    for k in touched:
        lo, hi = bounds[k]
        rest = "".join(origin[i] for i in range(lo, hi) if i in here)
        if rest.strip() and chinese(origin[lo:hi]) and _ad_remnant(
                rest, (hi - lo - len(rest)) / (hi - lo), least, unless):
            take.add(k)
    if not take:
        return []
    for k in sorted(take):
        after = k + 1
        while (after < len(bounds) and after not in take and chinese(origin[slice(*bounds[after])])
               and _said(origin[slice(*bounds[after])], least, unless)):
            take.add(after)
            after += 1
    first = min(take)
    if first > 0:
        lead = _lead(origin, bounds, bounds[first][0], least, unless)
        take |= {k for k, (lo, _hi) in enumerate(bounds) if lead <= lo < bounds[first][0]}
    keep_out = sorted(here[i] for k in take for i in range(*bounds[k]) if i in here)
    return _runs(keep_out)


def _said(sentence: str, least: float, unless: re.Pattern | None) -> bool:
    """Whether ``sentence`` is said as ads are, and neither narrates nor reports."""
    return (_narrative(sentence) <= MAX_NARRATIVE and not (unless is not None and unless.search(sentence))
            and register.score(QUOTED.sub("", sentence)) >= least)


def _ad_remnant(rest: str, gone_share: float, least: float, unless: re.Pattern | None) -> bool:
    if len(register.pairs(rest)) <= SHORT_REMNANT:
        return (gone_share >= GONE_SHARE and sum(ch.isalnum() for ch in rest) >= SHORT_LETTERS
                and not (unless is not None and unless.search(rest)))
    return gone_share >= LONG_GONE_SHARE and _said(rest, least, unless)


def _runs(offsets: list[int]) -> list[tuple[int, int]]:
    """Sorted offsets as (start, end) runs."""
    runs: list[list[int]] = []
    for i in offsets:
        if runs and runs[-1][1] == i:
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1])
    return [(s, e) for s, e in runs]
