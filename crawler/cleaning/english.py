"""English sales talk of any trade, by the marks of an offer and how it is said.

Whatever is sold, an English ad says it with a small closed vocabulary: an
act of trade (buy, order, ship, hire), a price or a share (cheap, free, $9,
80% off), speed (instantly, same day, within the hour), a guarantee or a risk
taken away (money back, results guaranteed, no questions asked), scarcity
(only 5 spots left, hurry), a channel (a shop's host, a phone, WhatsApp),
nothing needed (no prescription, without a contract). Each class is a regex
var of the rule files with a weight (``en_offer`` rules); a class counts its
weight once, and one more for a second distinct mark of it.

Two shapes, two places (the rule's ``place``):

- **sentence**: an English sentence that speaks to the reader or for the
  seller (you, your, we, us, our; or it opens with a verb in the imperative or
  a short label such as ``Limited offer:``) and holds marks of two classes at
  least, weighing ``min_weight`` (one more when only the imperative speaks:
  a guide's "Bring cash" is no ad). A short question before it whose first
  word is a verb or an adjective (Need extra cash?, Tired of debt?) is the
  ad's hook: it counts as a class of its own and goes with it. The ad opens
  at the sentence's first Latin letter (ideographs before it are the host's)
  or, pasted mid-sentence, at a capitalised order or seller's word right
  after a lower-case one (…but a Claim your free iPhone…) or glued to it
  (…short playsTired of snoring?…), or at a lower-case order after a comma
  with marks of three classes: the latest opening that makes the ad is cut.
  Opened at such a seam (a seam weighs one mark), the ad ends at its last
  mark, and the host's words after it stay; a Latin part among ideographs
  goes from its first letter or digit to its last (signal ``en_seam``). The
  seller speaking to the reader (your... us) is a class of its own. Glued
  to a word of the host (…the music teacherOrders placed…), any capitalised
  word may open the ad, and when the marks fall short at every end the glue
  is evidence of its own; so is a clause of English prose pasted flush into
  a Chinese sentence (``_pasted_clause``, signal ``en_pasted``). A clause
  opened at a seam that tells of a third party trading (…Saturday the pet
  shop delivers free food…) is the host's. A sentence that reports (said,
  according to) or quotes, or shares two content words with the rest of its
  block (the article's own subject), stays.
- **turn** (of a sentence rule, signal ``en_turn``): a paragraph that
  narrates and then turns to the reader at its end (a hook, Your or Our
  first, an order) with a mark of an offer: the turn is a class of its own
  (``_turn``); one sharing a content word with the article is its own
  advice. A cut ending a sentence takes the short orders after it (Try it
  tonight.), and a whole sentence that narrates around an ad pasted inside it
  keeps the host's words (``_inside_host``).
- **aside** (of a sentence rule, signal ``en_aside``): an ad that speaks
  to no one, set in an article it has nothing to do with: a whole sentence
  (or a Latin part among ideographs) that shares at most one content word in
  five with the article (the cleaner's ``foreign``), narrates nothing and
  names its seller as its subject or where to go at its close (…at Lottoland
  Plus., a site of its own), or is a clause pasted flush into a
  Chinese sentence (``_aside``): a class of its own, ``ASIDE_WEIGHT``.
- **run**: a keyword run pasted into a sentence: words joined by single
  spaces, with two distinct marks at least, up to three plain words between
  two of them and no closed-class word but the few a search phrase holds
  (for, to, my, no...), from its first mark to its last; one holding a verb
  of trade conjugated (the pet shop delivers free food) is the host's
  clause. Flush against ideographs (a run pasted into Chinese) the whole
  Latin run goes. In an
  English sentence it goes when no closed-class word comes for five words
  around it (prose puts one every few words), or when it holds three marks
  after a content word of the host (after a determiner or a preposition it is
  the host's own noun phrase: "the best online deals"), and the sentence
  keeps four words.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from crawler.cleaning import register
from crawler.cleaning.textops import QUOTED

WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*\d%?|\d%?")
_LATIN = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u3400-\u9fff]")
# what opens a short label before an ad (Limited offer: ...)
_LABEL = re.compile(r"^\W*[A-Z][a-z]+(?: [a-z]+)?:\s")
# auxiliaries and modals: a question they open asks, it does not hook
_AUX = frozenset("is are was were do does did can could will would should shall may might must has have had am "
                 "isn't aren't don't doesn't didn't can't won't".split())
# the words that hold an English sentence together; a pasted run holds none
# of them (a run may hold the others: best vpn for china)
STRUCTURAL = frozenset("the a an and but or of is are was were be been has have had will would this that these "
                       "those which who whom it its he she they them his her their there here when where while "
                       "as than then so because if said says".split())
# the closed-class words a search phrase may hold (best vpn for china, write my thesis for me)
GLUE = frozenset("for to no my me with without any up near".split())
# a capitalised word right after a lower-case one: where a pasted sentence may open
_SEAM = re.compile(r"[a-z,] ([A-Z][a-z]+)\b")
# ... or glued to a lower-case word (ownerGet, aGet; not eBay, iPhone, WeChat)
# (an ad opening at a seam, SEAM, or after a comma in the lower case, COMMA:
# …kept, get 1M gold delivered in 15 minutes at…, which needs more marks)
SEAM, COMMA = "seam", "comma"
# ... or glued to a lower-case word (teacherOrders placed...): English prose
# never glues two words so (brands run the other way: iPhone, eBay, McDonald),
# any capitalised word may open the ad there, and the glue is evidence of its own
GLUED = "glued"
_COMMA = re.compile(r"[a-z], ([a-z]{2,})\b")
_GLUED = re.compile(r"(?<![A-Za-z])(?:[a-z]{2,}|a)([A-Z][a-z]+)\b")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+")
# the first character of a Latin part pasted among ideographs, and the last ones
_SEGMENT_START = re.compile(r"[A-Za-z0-9$€£#@+]")
_SEGMENT_TAIL = "%.!?)"
_SELLER = frozenset("our we your you".split())
_READER = frozenset("you your yours you're you'll".split())
_SELLERS = frozenset("we us our ours we're we'll".split())
_QUOTES = "“”\"«»「」"
# a sentence must be this Latin to be judged as English
MIN_LATIN_SHARE = 0.8
HOOK_WORDS = 6
HOOK_WEIGHT = 2
RUN_MAX_GAP = 3  # words without a mark between two marks of one run
RUN_MIN_WORDS = 2
STUFFED_WORDS = 5  # words in a row without a closed-class word
FLUSH_EXTRA = 3  # words of a run flush against ideographs beyond its first and last marks
HOST_MIN_WORDS = 4  # an English sentence keeps this many words after the cut
REGISTER_WEIGHT = 2  # the reader and the seller both addressed (one more in the imperative)
SAID_WEIGHT = 2  # said in the words of ads (register.py's English model)
SAID_MIN_WORDS = 5  # ... of a sentence this long at least (a word or two say nothing)
PASTED_MIN_WORDS = 6  # an English clause pasted flush into a Chinese sentence (``_pasted_clause``)...
PASTED_WEIGHT = 2  # ... holding marks of this weight at least
SEAM_GAP = 2  # words between two marks of an ad opened at a seam
SEAM_TAIL = 2  # words of a sentence after an ad opened at a seam that go with it
TURN_WEIGHT = 2  # a paragraph's narrative turned to the reader at its end (``_turn``): a class of its own
TURN_MAX_WORDS = 40  # ... in this many words at most
TURN_SHORT = 3  # a sentence this short goes on with the turn (Try it tonight.)
TURN_COHESION = 1  # a turn sharing this many content words with the article is its own advice
ASIDE_WEIGHT = 3  # an English sentence foreign to its article that narrates nothing (``_aside``): a class of its own
ASIDE_OWN = 2  # ... of this many content words at least
ASIDE_SHARE = 5  # ... sharing at most one in this many with the rest of the article
SELLER_TAIL = 3  # ... or names where to go (at Lottoland Plus, a site) with this many words after it at most
ASIDE_ARTICLE = 200  # ... in an article of this many other characters at least (a few words set no subject)
LIST_MIN_CHUNKS = 3  # an offer said as a list: this many short parts joined by commas (``offer_list``)...
LIST_CHUNK_WORDS = 8  # ... of this many words at most each


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    group: int  # the class (index of the rule's ``classes``)
    text: str


def marks(pattern: re.Pattern, text: str, lo: int = 0, hi: int | None = None, *,
          unquoted: bool = False) -> list[Mark]:
    """The marks of ``text[lo:hi]``, each with its class; with ``unquoted``,
    none inside quotation marks (a slogan quoted is reported)."""
    hi = len(text) if hi is None else hi
    found = [Mark(m.start(), m.end(), int(m.lastgroup[1:]), m.group().lower()) for m in pattern.finditer(text, lo, hi)]
    if not unquoted:
        return found
    quoted = [m.span() for m in QUOTED.finditer(text)]
    return [m for m in found if not any(s <= m.start < e for s, e in quoted)]


def score(found: list[Mark], weights: list[int]) -> tuple[int, int]:
    """(weight, classes): each class its weight once, one more for a second distinct mark."""
    by_class: dict[int, set[str]] = {}
    for m in found:
        by_class.setdefault(m.group, set()).add(m.text)
    return sum(weights[g] + (len(t) > 1) for g, t in by_class.items()), len(by_class)


def is_english(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(ch.isascii() for ch in letters) >= MIN_LATIN_SHARE * len(letters)


def _imperative(words: list[str], function: frozenset, lower: bool = False) -> bool:
    """Whether a sentence opens with a verb in the imperative: a capitalised word
    (any, ``lower``) of no closed class and no inflected shape, not followed by
    a verb's past or a modal (Police warned; Tickets cost), or by a noun and
    then one (Stream quality dropped during)."""
    if not words or not (lower or words[0][0].isupper()):
        return False
    first = words[0].lower()
    if first in function or re.search(r"(?:[^s]s|ed|ly)$", first) or len(first) < 2:
        return False
    if lower and first.endswith("ing") and len(first) > 5:
        return False  # after a comma, a participle goes on with the host's clause (…winter, walking the ridge)
    second, third, fourth = (words[i].lower() if len(words) > i else "" for i in (1, 2, 3))
    if second.endswith("ed") or second in _AUX:
        return False
    # nor by a noun and its verb: a subject of two words (Stream quality dropped during…, Ticket prices are…)
    return second in function or not (third in _AUX or third.endswith("ed") and (not fourth or fourth in function))


_LONG = re.compile(r"[A-Za-z]{5,}")


def content_counts(text: str, function: frozenset) -> Counter:
    """The content words of ``text`` (five letters or more, of no closed
    class), by their first five letters (an inflection is the same word), counted."""
    return Counter(w[:5] for w in map(str.lower, _LONG.findall(text)) if w not in function and w not in STRUCTURAL)


def _hook(text: str, bounds, i: int, function: frozenset) -> tuple[int, bool] | None:
    """Start of the short question just before sentence ``i`` that hooks it, if
    any, and whether it was pasted at a seam of a host's sentence (the host's
    words then go on after the ad)."""
    if i == 0:
        return None
    plo, phi = bounds[i - 1]
    cjk = [m.end() for m in _CJK.finditer(text, plo, phi)]
    if cjk:  # a question pasted after ideographs: its Latin part
        plo = cjk[-1]
    seamed = False
    if len(WORD.findall(text[plo:phi])) > HOOK_WORDS:
        # pasted into a host's sentence: from its last seam (…the ownerStruggling with debt?)
        seams = [m.start(1) for p in (_SEAM, _GLUED) for m in p.finditer(text, plo, phi)]
        if not seams:
            return None
        plo, seamed = max(seams), True
    question = text[plo:phi].strip()
    words = WORD.findall(question)
    if not question.endswith(("?", "？")) or not 1 <= len(words) <= HOOK_WORDS or not is_english(question):
        return None
    first = words[0].lower()
    if first in function or first in _AUX or not words[0][0].isupper():
        return None
    return plo, seamed


def _segments(text: str, lo: int, hi: int):
    """The Latin parts of ``text[lo:hi]`` between ideographs: (start, end,
    embedded), ``embedded`` when ideographs bound it (a part pasted into a
    Chinese sentence ends where the ideographs take over again)."""
    at = lo
    for m in _CJK_RUN.finditer(text, lo, hi):
        if m.start() > at:
            yield at, m.start(), True
        at = m.end()
    if at < hi:
        yield at, hi, at > lo


def _openings(text: str, lo: int, hi: int, function: frozenset):
    """Where an ad may open in ``text[lo:hi]``, and where it may end at most:
    (start, limit, seam). In a part of a Chinese sentence: its first letter or
    digit, to the part's end (the ideographs around it are the host's). In an
    English sentence: its first Latin letter, and each seam where a
    capitalised order or the seller's voice follows a lower-case word with
    no punctuation (…but a Claim your free iPhone…) or is glued to one
    (…the ownerGet expert…); an ad opening at a seam ends at the first
    place it makes the ad (``seam``: the host's sentence goes on after it)."""
    for s, e, embedded in _segments(text, lo, hi):
        if embedded:
            first = _SEGMENT_START.search(text, s, e)
            while e > s and not (text[e - 1].isascii() and (text[e - 1].isalnum() or text[e - 1] in _SEGMENT_TAIL)):
                e -= 1
            if first is not None and first.start() < e:
                yield first.start(), e, None
            continue
        first = _LATIN.search(text, s, e)
        if first is None:
            continue
        yield first.start(), e, None
        seams = [(m.start(1), SEAM) for m in _SEAM.finditer(text, first.start(), e)]
        seams += [(m.start(1), GLUED) for m in _GLUED.finditer(text, first.start(), e)]
        seams += [(m.start(1), COMMA) for m in _COMMA.finditer(text, first.start(), e)]
        for at, kind in sorted(seams):
            words = WORD.findall(text[at:e])
            if kind == SEAM and len(words) > 1 and words[1][0].isupper() and words[0].lower() not in _SELLER:
                continue  # two capitalised words after a lower-case one: a name (to Best Buy, on Cyber Monday)
            if kind == GLUED or words and (words[0].lower() in _SELLER
                                           or _imperative(words, function, lower=kind == COMMA)):
                yield at, e, kind


def sentence_cuts(text: str, bounds, found: list[Mark], weights: list[int], voice: re.Pattern,
                  function: frozenset, min_weight: int, unless: re.Pattern | None,
                  register_min: float | None = None, acts: int | None = None,
                  foreign=None) -> list[tuple[int, int, str]]:
    """(start, end, signal) of the English sales sentences of one block;
    with ``register_min``, a sentence whose English register scores that at
    least is said as ads are (``_judge_sentence``); with ``foreign`` (start,
    end -> whether that text shares no word with its article), a sentence
    foreign to its article that narrates nothing is an aside (``_aside``);
    and the offers said as a list of short parts (``offer_list``)."""
    out = []
    for i, (lo, hi) in enumerate(bounds):
        if not any(lo <= m.start and m.end <= hi for m in found):
            continue  # (one mark may do after a hook)
        listed = offer_list(text, lo, hi, found, function, unless)
        if listed is not None:
            out.append(listed)
        # the latest opening first: the least of the sentence that makes the ad
        # (a comma's, only when the clauses before it hold no mark and no voice:
        # Book now, get 50% off goes whole)
        for start, limit, seam in reversed(list(_openings(text, lo, hi, function))):
            if seam == COMMA and (voice.search(text, lo, start) or any(
                    lo <= m.start and m.end <= start for m in found)):
                continue
            hook = _hook(text, bounds, i, function) if start == lo or _CJK.match(text[start - 1]) else None
            seam = seam or (SEAM if hook is not None and hook[1] else None)
            ends = list(_ends(text, found, start, limit, seam))
            # (the glue weighs only when the marks fall short at every end: they say where the ad ends)
            for end, glue in [(end, False) for end in ends] + [(end, True) for end in ends if seam == GLUED]:
                cut = _judge_sentence(text, start, end, hook and hook[0], found, weights, voice, function,
                                      min_weight, unless, seam, register_min, acts, glue, foreign)
                if cut is not None:
                    if seam is None and hook is None:
                        cut = _inside_host(text, cut, found, voice, function)
                    out.append(_stretch_ad(text, found, cut, limit, voice) if seam and end < limit else cut)
                    break
            else:
                continue
            break
    turn = _turn(text, bounds, found, function)
    # (an aside inside the turn is a part of it: the turn goes whole)
    if turn is not None and not any(s < bounds[-1][1] and e > turn[0] and signal != "en_aside" for s, e, signal in out):
        cut = _judge_turn(text, turn, found, weights, voice, function, min_weight, unless)
        asides = [c for c in out if c[0] < bounds[-1][1] and c[1] > turn[0]]
        if cut is not None and not any(s <= cut[0] and cut[1] <= e for s, e, _signal in asides):
            out = [c for c in out if c not in asides] + [cut]
    return [_go_on(text, bounds, cut, function) for cut in out]


# the seller's possessive that is a newsroom's: our travel editor, our readers (the publication of itself)
_NEWSROOM = re.compile(r"(?i)\bour\s+(?:[a-z]+\s+)?(?:editors?|reporters?|correspondents?|critics?|columnists?|"
                       r"readers|reviewers?|photographers?|newsroom|desk)\b")


def _speaks(text: str, lo: int, hi: int, found: list[Mark], function: frozenset) -> bool:
    """Whether sentence ``text[lo:hi]`` opens by turning to someone: a short
    question (a hook), the reader's or the seller's possessive first (Your
    team's..., Our plans...), or an order (a verb of trade first, or the
    imperative with the reader in it: Find someone who gets you)."""
    sentence = text[lo:hi]
    words = WORD.findall(sentence)
    if not words or _NEWSROOM.search(sentence):
        return False
    first = words[0].lower()
    if sentence.rstrip().endswith("?") and len(words) <= HOOK_WORDS and first not in _AUX and first not in function:
        return True
    if first in ("your", "our") and words[0][0].isupper():
        return True
    if not _imperative(words, function):
        return False
    return any(m.start == lo + sentence.index(words[0]) for m in found) or bool(_READER & {w.lower() for w in words})


def _short_order(text: str, lo: int, hi: int, function: frozenset) -> bool:
    """Whether sentence ``text[lo:hi]`` is an order of ``TURN_SHORT`` words at
    most (Try it tonight., Act now!): an ad's close, not a host's (He left.)."""
    words = WORD.findall(text, lo, hi)
    return len(words) <= TURN_SHORT and _imperative(words, function)


def _narrates(text: str, lo: int, hi: int) -> bool:
    """Whether sentence ``text[lo:hi]`` speaks to no one: no reader or seller
    word, no question (a Chinese sentence narrates too)."""
    words = {w.lower() for w in WORD.findall(text, lo, hi)}
    return not (_READER | _SELLERS) & words and not text[lo:hi].rstrip().endswith(("?", "？"))


def _turn(text: str, bounds, found: list[Mark], function: frozenset) -> tuple[int, int, bool] | None:
    """(start, end, hooked) of the stretch ending a block where its sentences,
    having narrated, turn to the reader: every sentence before it speaks to no
    one, its first one turns (``_speaks``) and each after it speaks to the
    reader or for the seller, turns again, or is short. An article's paragraph
    narrates or argues in one voice; an ad appended to it speaks in another.
    ``hooked``: it opens with a short question."""
    for k in range(1, len(bounds)):
        lo, hi = bounds[k]
        if not _narrates(text, *bounds[k - 1]):
            return None
        if not _speaks(text, lo, hi, found, function):
            continue
        rest = bounds[k + 1:]
        if not all(_speaks(text, s, e, found, function) or not _narrates(text, s, e)
                   or _short_order(text, s, e, function) for s, e in rest):
            return None
        end = bounds[-1][1]
        if len(WORD.findall(text, lo, end)) > TURN_MAX_WORDS:
            return None
        hooked = text[lo:hi].rstrip().endswith("?")
        return lo, end, hooked
    return None


def _judge_turn(text: str, turn, found, weights, voice, function, min_weight, unless):
    """(start, end, "en_turn") of the stretch a paragraph turns to the reader
    in (``_turn``) when it is an ad: its marks, the turn (a class of its own),
    a hook opening it, the seller speaking to the reader, weighing
    ``min_weight`` at least in two classes; English, unquoted, reporting nothing."""
    start, end, hooked = turn
    while start < end and not _SEGMENT_START.match(text[start]):
        start += 1
    stretch = text[start:end]
    if (_CJK.search(stretch) or not is_english(stretch) or any(q in stretch for q in _QUOTES)
            or unless is not None and unless.search(stretch)):
        return None
    inside = [m for m in found if start <= m.start and m.end <= end]
    if not inside:
        return None
    weight, classes = score(inside, weights)
    weight, classes = weight + TURN_WEIGHT, classes + 1
    if hooked:
        weight, classes = weight + HOOK_WEIGHT, classes + 1
    words = {w.lower() for w in WORD.findall(stretch)}
    if _READER & words and _SELLERS & words and not _NEWSROOM.search(stretch):
        weight, classes = weight + REGISTER_WEIGHT, classes + 1
    if classes < 2 or weight < min_weight:
        return None
    return start, end, "en_turn"


def _go_on(text: str, bounds, cut, function: frozenset):
    """A cut ending on a sentence's end goes on to the block's end over the
    sentences after it that still turn to the reader or are short (…no fake
    profiles. Try it tonight.): the ad's own close."""
    start, end, signal = cut
    after = [(s, e) for s, e in bounds if s >= end]
    if not after or text[end:after[0][0]].strip() or not all(
            _speaks(text, s, e, [], function) or _short_order(text, s, e, function) for s, e in after):
        return cut
    return start, after[-1][1], signal


# where the parts of a list part: a comma or a semicolon, a dash between spaces
_PARTS = re.compile(r"[,;]\s+|\s[–—-]\s")
# words that tell a clause of prose, never one of a list of offers: a finite
# auxiliary or modal, a verb of saying, a pronoun of the third or first person
_TELLING = frozenset("is are was were be been being has have had will would could should can may might must "
                     "did does do said says told he she it they them his her its their i "
                     "there's here's it's that's what's".split())
# ... and a part opening with a conjunction: the last of a list in prose (…, and Homejoy; …, and so on)
_CONJUNCTIONS = frozenset("and or but nor so yet".split())


def offer_list(text: str, lo: int, hi: int, found: list[Mark], function: frozenset,
               unless: re.Pattern | None) -> tuple[int, int, str] | None:
    """(start, end, "en_list") of an offer said as a list in sentence
    ``text[lo:hi]``: ``LIST_MIN_CHUNKS`` parts or more joined by commas, each
    of ``LIST_CHUNK_WORDS`` words at most, none telling a clause of prose
    (``_TELLING``, a contraction, a conjunction opening it; "the" once at
    most in all), holding a mark of an offer. Ads drop the verbs and
    articles that prose holds (Hot tubs in stock now, finance from £29 a
    month, no credit check). The list opens with a content word at the
    sentence's first Latin letter, at a Latin part among ideographs, or at a
    seam of a host's sentence (a capitalised word glued to a lower-case one,
    or after one that is no closed-class word: in Bali, the Greek islands
    are names): of two openings that make a list, the later (the host's
    words may begin it), and none with a seam inside. Opened at a seam, or
    where the host's sentence goes on in prose, the last part ends at its
    first mark (the host's words may end it) or goes back to the host. A list in an
    article is of its subject: one sharing a content word with the rest of
    its block stays."""
    openings = [(start, limit, seam) for start, limit, seam in _openings(text, lo, hi, function)
                if seam is None or seam == GLUED or seam == SEAM and not _after_function(text, start, function)]
    seams = [start for start, limit, seam in openings  # (a name ending the list: …pricing ends Friday.)
             if seam is not None and text[start - 2:start] != ", " and len(WORD.findall(text, start, limit)) > 1]
    for start, limit, seam in reversed(openings):
        end = _list_end(text, start, limit, found, function, seamed=seam is not None)
        if end is None or any(start < at < end for at in seams):
            continue  # (a seam inside: the list opens there, the host's words before it)
        cut = text[start:end]
        if any(q in cut for q in _QUOTES) or (unless is not None and unless.search(cut)):
            return None
        rest = text[:start] + " " + text[end:]
        if content_counts(cut, function).keys() & content_counts(rest, function).keys():
            return None  # the block's own subject
        return start, end, "en_list"
    return None


def _after_function(text: str, at: int, function: frozenset) -> bool:
    """Whether the word before ``at`` is a closed-class one: a capitalised
    word after it is a name of the host's (in Bali, the Greek islands)."""
    before = WORD.findall(text, max(0, at - 20), at)
    return bool(before) and (before[-1].lower() in function or before[-1].lower() in STRUCTURAL)


def _list_end(text: str, start: int, limit: int, found: list[Mark], function: frozenset,
              seamed: bool = False) -> int | None:
    """Where the offer list opening at ``start`` ends (``offer_list``), if it
    is one; ``seamed``: pasted at a seam of a host's sentence, which may go
    on after it."""
    first = WORD.search(text, start, limit)
    if first is None or first.group().lower() in function or first.group().lower() in STRUCTURAL:
        return None
    parts, at = [], start
    for m in _PARTS.finditer(text, start, limit):
        parts.append((at, m.start()))
        at = m.end()
    parts.append((at, limit))
    kept, articles = [], 0
    for s, e in parts:
        words = [w.lower() for w in WORD.findall(text, s, e)]
        if kept and words and words[0] in _CONJUNCTIONS:
            return None
        articles += words.count("the")
        if (not 1 <= len(words) <= LIST_CHUNK_WORDS or _TELLING.intersection(words) or articles > 1
                or any(_CONTRACTED.search(w) for w in words)):
            break
        kept.append((s, e))
    if len(kept) < len(parts) or seamed:
        # the host's sentence goes on: the part that breaks the list ends it
        # at a mark among its first words, else the last part kept ends at
        # its last mark or goes back to the host
        s, e = parts[len(kept)] if len(kept) < len(parts) else (limit, limit)
        head = [m for m in found if s <= m.start and m.end <= e
                and len(WORD.findall(text, s, m.end)) <= LIST_CHUNK_WORDS
                and not _TELLING.intersection(w.lower() for w in WORD.findall(text, s, m.end))]
        if head:
            kept.append((s, head[0].end))
        elif kept:
            s, e = kept.pop()
            inside = [m.end for m in found if s <= m.start and m.end <= e]
            if inside:
                kept.append((s, min(inside)))
    if len(kept) < LIST_MIN_CHUNKS or sum(len(WORD.findall(text, s, e)) > 1 for s, e in kept) < 2:
        return None
    end = kept[-1][1]
    if not any(start <= m.start and m.end <= end for m in found) or not _ascii_words(text[start:end]):
        return None
    while end < limit and text[end] in ".!?":
        end += 1
    return end


def _ascii_words(text: str) -> bool:
    """Whether ``text``'s words are of English letters, but one at most (a
    list of German or French words is no English ad: Mit über 1.000 Ausstellern, …)."""
    return sum(any(ch.isalpha() and not ch.isascii() for ch in w) for w in text.split()) <= 1


def _ends(text: str, found: list[Mark], start: int, limit: int, seam: str | None):
    """Where an ad opening at ``start`` may end: its limit; opened at a seam
    of an English sentence, first after each of its marks (the host's words
    go on after the ad, the shortest ad that is one is cut), with the
    punctuation that follows the mark."""
    if seam:
        for m in found:
            if start < m.start and m.end < limit:
                end = m.end
                while end < limit and text[end] in ".!?":
                    end += 1
                yield end
    yield limit


# a verb in the past (opened, kept): the host narrating around an ad pasted into its sentence
_PAST = re.compile(r"[a-z]{3,}ed$")
# any capitalised word right after a lower-case one, or glued to it: where a pasted ad may open
_ANY_SEAM = re.compile(r"(?:[a-z,] |(?<![A-Za-z])(?:[a-z]{2,}|a))([A-Z][a-z]*)\b")


def _inside_host(text: str, cut, found: list[Mark], voice: re.Pattern, function: frozenset):
    """A whole sentence found to be an ad keeps the host's words when the ad
    was pasted inside a sentence that narrates: a capitalised word after a
    lower-case one (or glued to it) before the ad's first mark or voice, the
    words before it holding neither, and the host telling its story outside
    the ad (a verb in the past or a word of ``_TELLING`` before that seam
    or after the ad's last mark: The restored theatre reopened with a|All your
    invoices… billflow.io|programme of…). The ad then runs from that seam to
    its last mark (``_stretch_ad``)."""
    start, end, signal = cut
    inside = sorted((m for m in found if start <= m.start and m.end <= end), key=lambda m: m.start)
    spoken = [m.start() for m in voice.finditer(text, start, end)]
    first = min([m.start for m in inside] + spoken, default=None)
    if first is None:
        return cut
    # (a name is capitalised in the host's sentence too: in Istanbul; a word of a
    # closed class, a voice or a mark capitalised after a lower-case one opens a sentence of its own)
    marked = {m.start for m in inside}
    seams = [m.start(1) for m in _ANY_SEAM.finditer(text, start, first) if m.start(1) > start and (
        text[m.start(1) - 1].isalpha() or m.group(1).lower() in function or m.group(1).lower() in STRUCTURAL
        or m.group(1).lower() in _SELLER or m.start(1) in marked)]
    if not seams:
        return cut
    at = seams[-1]
    last = max(m.end for m in inside) if inside else first
    before = WORD.findall(text, start, at)
    host = [w.lower() for w in before + WORD.findall(text, last, end)]
    if len(before) < 2 or not any(w in _TELLING or _PAST.search(w) for w in host):
        return cut
    return _stretch_ad(text, found, (at, last, signal), end, voice)


def _stretch_ad(text: str, found: list[Mark], cut, limit: int, voice: re.Pattern):
    """An ad cut short at a mark goes on to the sentence's end when what is
    left of it ends as the ad does (an exclamation or a question) or is no
    more than ``SEAM_TAIL`` words; else over the marks and the words that
    address the reader or speak for the seller that follow it closely (no
    more than ``SEAM_GAP`` words between, no stop): Claim your free iPhone
    today at prizeclub.win! The host's words after it stay (…clear up to 70%
    of what you owe|former bakery, and the owner kept…: a "you" after the
    ad's last mark is the ad's, not the rest of the host's sentence)."""
    start, end, signal = cut
    tail = text[end:limit]
    if tail.rstrip().endswith(("!", "?")) or len(WORD.findall(tail)) <= SEAM_TAIL:
        return start, limit, signal
    spoken = [Mark(m.start(), m.end(), -1, m.group()) for m in voice.finditer(text, end, limit)]
    for m in sorted(found + spoken, key=lambda m: m.start):
        if m.start < end or m.end > limit:
            continue
        between = text[end:m.start]
        if len(WORD.findall(between)) > SEAM_GAP or re.search(r"[.!?;]", between):
            break
        end = m.end
        while end < limit and text[end] in ".!?":
            end += 1
    return start, end, signal


def _judge_sentence(text: str, start: int, end: int, hook: int | None, found, weights, voice, function,
                    min_weight, unless, seam: str | None = None, register_min: float | None = None,
                    acts: int | None = None, glue: bool = False, foreign=None):
    """(start, end, signal) of ``text[start:end]`` when it is an English ad:
    marks of two classes at least, said to the reader or for the seller, or
    in the imperative or in the words of ads (its register ``register_min``
    at least: a class of its own; one mark more); pasted at a seam of a
    host's sentence or among ideographs, one mark less; after a comma, in
    the lower case, three classes and one mark more. When the marks fall
    short, a clause of English pasted flush into a Chinese sentence, or
    (``glue``) an ad glued to a word of the host, is as strong as the voice."""
    sentence = text[start:end]
    if _CJK.search(sentence) or any(q in sentence for q in _QUOTES):
        return None
    if unless is not None and unless.search(sentence):
        return None
    inside = [m for m in found if start <= m.start and m.end <= end]
    if seam in (SEAM, GLUED) and acts is not None and _told(text, start, inside, acts, voice):
        return None
    weight, classes = score(inside, weights)
    if hook is not None:
        weight += HOOK_WEIGHT
        classes += 1
    words = WORD.findall(sentence)
    if _READER & {w.lower() for w in words} and _SELLERS & {w.lower() for w in words} and not _NEWSROOM.search(sentence):
        # the seller speaking to the reader (your first minutes are on us), the
        # more so in the imperative: the register of an ad, whatever it sells
        weight += REGISTER_WEIGHT + _imperative(words, function)
        classes += 1
    if voice.search(sentence):
        need = min_weight
    elif _imperative(words, function, lower=seam == COMMA) or _LABEL.match(sentence):
        need = min_weight + 1
    else:
        need = None  # it speaks to no one and orders nothing: only its register may make it an ad
    if seam == COMMA:
        if classes < 3 or need is None:
            return None
        need = min_weight + 1
    among = start > 0 and _CJK.match(text[start - 1]) is not None  # pasted after ideographs
    seamed = seam in (SEAM, GLUED) or among  # (a seam weighs one mark)
    said = pasted = aside = False
    if need is None or classes < 2 or weight + seamed < need:
        # the marks fall short: said in the words of ads, a class of its own, and
        # as strong as the voice (a whole sentence or Latin part only: opened at
        # a seam, it would make the shorter ad that leaves the rest of a longer one behind);
        # or a clause of English prose pasted flush into a Chinese sentence, as strong
        said = (register_min is not None and seam is None and len(words) >= SAID_MIN_WORDS
                and _said(text, start, end, inside) >= register_min)
        # or an aside: a whole sentence (or Latin part) foreign to its article that names
        # its seller (or is a clause pasted flush into a Chinese sentence) and narrates nothing
        # (a statement, not after a question: a question before it may hold the paste's seam, …theStill juggling spreadsheets?)
        clause = _pasted_clause(text, start, end, words) and not _taken_up(text, start, end)
        aside = (foreign is not None and seam is None and hook is None and not _asks(text, start, end)
                 and _aside(sentence, words, function, clause) and foreign(start, end))
        pasted = not said and (weight >= PASTED_WEIGHT or aside) and (glue or clause or _pasted_clause(text, start, end, words))
        if not (said or pasted or aside):
            return None
        weight = weight + SAID_WEIGHT * (said or pasted) + ASIDE_WEIGHT * aside
        classes, need = classes + (said or pasted) + aside, min(need or min_weight, min_weight)
        if classes < 2 or weight + seamed < need:
            return None
    rest = text[:start if hook is None else hook] + " " + text[end:]
    if len(content_counts(sentence, function).keys() & content_counts(rest, function).keys()) >= 2:
        return None  # the article's own subject
    signal = ("en_seam" if seam is not None or among else "en_register" if said else "en_pasted" if pasted
              else "en_aside" if aside else "en_offer")
    return start if hook is None else hook, end, signal


# words that narrate or tell of someone (a verb in the past, a verb of saying, a
# third person): an article's sentence, never an ad's aside
_NARRATING = frozenset("was were had did said says told he she they them him his her their "
                       "began became came took gave grew held saw knew".split())


# ... a subject and its verb in the past (The project moved…, The band played…), a time gone by
_TOLD_PAST = re.compile(r"(?:^|[.!?]\s+)\W*(?:The|A|An|This|That|Its|His|Her|Their|Our)(?: [A-Za-z'’-]+){1,3} [a-z]{3,}ed\b"
                        r"|\b(?:yesterday|ago|last (?:week|month|year|spring|summer|autumn|winter|night))\b"
                        # a verb in the past with its object (drilled a core, planted three hundred trees;
                        # an ad's participles go without one: delivered overnight, trusted by thousands)
                        r"|\b[a-z]{3,}ed (?:a|an|the|his|her|their|its|\d+|two|three|four|five|six|seven|eight|nine|ten)\b")


def _aside(sentence: str, words: list[str], function: frozenset, pasted: bool = False) -> bool:
    """Whether a sentence of ``words`` names a seller and narrates nothing
    (``_NARRATING``): with ``foreign``, an aside. An ad set in an article
    speaks of its own trade in the present under its own name, and tells of
    no one (Swift Removals moves families across the country…, PawPerfect
    trainers turn…); a clause of English ``pasted`` flush into a Chinese
    sentence needs no name; an article's sentence about another subject tells what
    happened or what someone said, of a thing it has named before (the shop, the company)."""
    return (not _NARRATING.intersection(w.lower() for w in words) and not _TOLD_PAST.search(sentence)
            and (pasted or _named(sentence, words, function)))


# Chinese prose quoting English names it before (是, 叫, 写下…) or takes it up after (的, 这, 一词…)
_NAMING_BEFORE = frozenset("是叫称为着名句词读唱说写入下")
_TAKEN_AFTER = re.compile(r"\s*(?:[的这]|一词|一句)")


def _taken_up(text: str, start: int, end: int) -> bool:
    """Whether the Chinese sentence around ``text[start:end]`` names it or
    takes it up (老师写下we are reading…这句话): a quotation of the host's, not a paste."""
    return start > 0 and text[start - 1] in _NAMING_BEFORE or _TAKEN_AFTER.match(text, end) is not None


def _asks(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a question or follows one."""
    return text[start:end].rstrip().endswith(("?", "？")) or text[:start].rstrip().endswith(("?", "？"))


# a name coined for a brand: two capitalised parts in one word (PawPerfect, ClearSight; not iPhone, eBay)
_COINED = re.compile(r"^[A-Z][a-z]{2,}[A-Z][a-z]{2,}$")


# a seller named as where to go: a site of its own (not a part of an address: pic.twitter.com/…),
# or a name after at / from / by or an order (…at Lottoland Plus.; ``_named`` wants it at the
# sentence's close: a venue told of goes on, at Madison Square Garden for free, and…)
_SELLER_AT = re.compile(r"\b(?:at|from|by|use|try|visit)\s+(?:[A-Z][a-z]*[A-Z][A-Za-z]+|[A-Z][a-z]+(?: [A-Z][a-z]+)+)\b"
                        r"|(?<![\w./@-])[a-z0-9][a-z0-9-]{2,}\.(?:com|net|org|io|co|shop|store|club|site|online|app|bet|date|pro)\b")
_NAME_FIRST = re.compile(r"\W*([A-Z][a-z]+) [A-Z][a-z]+ [a-z]")


def _named(sentence: str, words: list[str], function: frozenset) -> bool:
    """Whether a sentence names its seller as its subject: a coined name
    among its first two words (PawPerfect trainers, Sponsored: HiveStart), or
    two capitalised words opening it before a word in the lower case (Swift
    Removals moves, Mama Bloom prenatal). A brand told of further on is
    the host's (The 9to5Mac BundleHunt delivers…, Enter Lugg, Instacart, DoorDash…)."""
    if any(_COINED.match(w) for w in words[:2]):
        return True
    # (where to go closes the ad; a name or site with more of a sentence after it was pasted into a host's)
    if any(len(WORD.findall(sentence, m.end())) <= SELLER_TAIL for m in _SELLER_AT.finditer(sentence)):
        return True
    opening = _NAME_FIRST.match(sentence)
    return opening is not None and opening.group(1).lower() not in function | STRUCTURAL


def _pasted_clause(text: str, start: int, end: int, words: list[str]) -> bool:
    """Whether ``text[start:end]`` is a clause of English prose pasted flush
    into a Chinese sentence: ideographs or their punctuation right before it
    and right after it (or the block's end), ``PASTED_MIN_WORDS``
    words or more, most of them in the lower case (a title, a name, a
    citation or a list of them is capitalised), none quoted. Chinese prose
    names English things; it does not run on in English clauses mid-sentence."""
    after = text[end:end + 2].lstrip()
    if start == 0 or not _CJK_RUN.match(text[start - 1]) or after and not _CJK_RUN.match(after):
        return False
    alpha = [w for w in words if w[0].isalpha()]
    return len(words) >= PASTED_MIN_WORDS and sum(w[0].islower() for w in alpha) * 2 > len(alpha)


def _told(text: str, start: int, inside: list[Mark], acts: int, voice: re.Pattern) -> bool:
    """Whether a clause opened at a seam tells of a third party trading: a
    verb of trade in the third person after a word of its own and no seller
    or reader addressed before it (…Saturday the pet shop delivers free
    food…): the host's capitalised word, not an order."""
    for m in inside:
        if m.group == acts and _THIRD_PERSON.search(m.text) and WORD.search(text, start, m.start):
            return voice.search(text, start, m.start) is None
    return False


def _said(text: str, start: int, end: int, inside: list[Mark]) -> float:
    """The English register of ``text[start:end]`` but its marks: how the
    words around the offer are said, evidence the marks do not already give
    (a sentence is not said as ads are for holding "free")."""
    pieces, at = [], start
    for m in sorted(inside, key=lambda m: m.start):
        if m.start >= at:
            pieces.append(text[at:m.start])
            at = m.end
    pieces.append(text[at:end])
    return register.score(" ".join(pieces), unit=register.words)


def _flush_run(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The whole Latin run around ``[start, end)`` when ideographs bound it."""
    left = start
    while left > 0 and (text[left - 1].isascii() and (text[left - 1].isalnum() or text[left - 1] in " '-.%$")):
        left -= 1
    right = end
    while right < len(text) and (text[right].isascii() and (text[right].isalnum() or text[right] in " '-.%$")):
        right += 1
    while left < right and text[left] in " .-'":
        left += 1
    while right > left and text[right - 1] in " .-'":
        right -= 1
    before = text[left - 1] if left > 0 else ""
    after = text[right] if right < len(text) else ""
    # ideographs on one side at least, nothing of an English sentence on either
    # (an edge, ideographs, their punctuation), and the marks nearly the whole run
    if not (_CJK.match(before) or _CJK.match(after)) or before.isascii() and before or after.isascii() and after:
        return None
    if len(WORD.findall(text[left:start])) > FLUSH_EXTRA or len(WORD.findall(text[end:right])) > FLUSH_EXTRA:
        return None
    return left, right


def run_cuts(text: str, bounds, found: list[Mark], weights: list[int], function: frozenset, min_weight: int,
             unless: re.Pattern | None, acts: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, signal) of the keyword runs pasted into the sentences of
    one block; with ``acts`` (the class of the verbs of trade), a run holding
    one of them conjugated between two of its words is the host's clause."""
    out = []
    for lo, hi in bounds:
        inside = [m for m in found if lo <= m.start and m.end <= hi]
        if len(inside) < 2:
            continue
        sentence = text[lo:hi]
        if any(q in sentence for q in _QUOTES) or (unless is not None and unless.search(sentence)):
            continue
        words = [(m.start() + lo, m.end() + lo, m.group()) for m in WORD.finditer(sentence)]
        for run in _runs(text, words, inside, function):
            if acts is not None and _conjugated(words, run, acts):
                continue
            cut = _judge_run(text, words, run, weights, function, min_weight)
            if cut is not None:
                out.append((*cut, "en_run"))
    return out


_CONJUGATED = re.compile(r"[a-z]{3,}(?:[^s'’]s|ed)$")
_THIRD_PERSON = re.compile(r"[a-z]{3,}[^s'’]s$")  # (not the past: Fresh roses delivered tomorrow is an ad's)


def _conjugated(words, run, acts: int) -> bool:
    """Whether a verb of trade in the third person or the past (delivers,
    shipped) stands inside ``run``, a word of it on each side: a subject, its
    verb and what follows (the pet shop delivers free food), a clause of the
    host's; a search phrase says its verbs bare (buy cheap watches)."""
    first, last, found = run
    inner = {k for k in range(first + 1, last) if _CONJUGATED.search(words[k][2].lower())}
    return any(m.group == acts and any(words[k][0] <= m.start < words[k][1] for k in inner) for m in found)


def _runs(text: str, words, found: list[Mark], function: frozenset):
    """Groups of marks joined by spaces only, with at most RUN_MAX_GAP words of no
    mark between two of them, none a closed-class word but the few a search
    phrase holds (``GLUE``): (first word, last word, marks)."""
    at = {}
    for m in found:
        for k, (s, e, _w) in enumerate(words):
            if s <= m.start < e or m.start <= s < m.end:
                at.setdefault(k, []).append(m)
    run, gap = None, 0
    for k, (s, e, w) in enumerate(words):
        joined = k > 0 and text[words[k - 1][1]:s] == " "
        closed = (w.lower() in STRUCTURAL or (w.lower() in function and w.lower() not in GLUE)
                  or _CONTRACTED.search(w.lower()) is not None)
        if run is not None and (not joined or closed or gap >= RUN_MAX_GAP) and k not in at:
            yield run
            run = None
        if k in at:
            if run is not None and joined:
                run = (run[0], k, run[2] + at[k])
            else:
                if run is not None:
                    yield run
                run = (k, k, list(at[k]))
            gap = 0
        elif run is not None:
            gap += 1
    if run is not None:
        yield run


# a contraction of an auxiliary (we've, they're, it'll, I'd, don't): a closed-class word
_CONTRACTED = re.compile(r"[a-z]['’](?:ve|re|ll|d|m)$|n['’]t$")
# a noun's possessive before a run (Monday's, the firm's): the run is the noun phrase it owns
# (a pronoun's, its or their, is a closed-class word like the, judged after the stretch)
_POSSESSOR = re.compile(r"[A-Za-z]['’]s$")


def _stretch(text: str, words, first: int, last: int, marked: set, function: frozenset) -> int:
    """How many words in a row around words ``first..last`` hold no closed-class
    word (marks aside): prose puts one every few words, a keyword run none."""
    def plain(k: int) -> bool:
        w = words[k][2].lower()
        return k in marked or (w not in function and w not in STRUCTURAL and w not in _AUX and w != "to"
                               and not _CONTRACTED.search(w))

    left, right = first, last
    while left > 0 and text[words[left - 1][1]:words[left][0]] == " " and plain(left - 1):
        left -= 1
    while right + 1 < len(words) and text[words[right][1]:words[right + 1][0]] == " " and plain(right + 1):
        right += 1
    return right - left + 1


def _judge_run(text: str, words, run, weights, function: frozenset, min_weight: int):
    first, last, found = run
    weight, classes = score(found, weights)
    if len({m.text for m in found}) < 2 or weight < min_weight:
        return None
    start, end = words[first][0], words[last][1]
    flush = _flush_run(text, start, end)
    if flush is not None:
        return flush
    if last - first + 1 < RUN_MIN_WORDS or not is_english(text[words[0][0]:words[-1][1]]):
        return None
    if len(words) - (last - first + 1) < HOST_MIN_WORDS:
        return None
    if first > 0 and text[words[first - 1][1]:start] == " " and _POSSESSOR.search(words[first - 1][2]):
        return None  # the host's noun phrase, owned by the word before it (Monday's best deals)
    marked = {k for k, (s, e, _w) in enumerate(words) if any(s <= m.start < e for m in found)}
    if _stretch(text, words, first, last, marked, function) >= STUFFED_WORDS:
        return start, end  # a keyword run: no sentence goes so long without a closed-class word
    # otherwise a run says more than two words of trade can by chance
    # (volunteers deliver free meals), after a content word of the host (a
    # run after a determiner or a preposition is its own noun phrase: the
    # best online deals)
    if len({m.text for m in found}) < 3 and weight <= min_weight:
        return None
    before = words[first - 1][2].lower() if first > 0 else ""
    if not before or before in function or before in STRUCTURAL or text[words[first - 1][1]:start] != " ":
        return None
    return start, end
