"""Cleaning rules: data files (TOML or JSON) loaded, validated and compiled.

A rule file holds up to three tables:

- ``lists``: named vocabularies (arrays of literal strings). A later file that
  names the same list *extends* it, so users add terms without touching
  patterns. In a pattern, ``{{name}}`` matches any word of the list (longest
  first).
- ``vars``: named regex fragments, ``{{name}}`` in patterns (and in other
  vars). A later file redefines a var.
- ``rules``: an ordered array of rules. Files are read in the order given
  (built-in files by name, then the user's); a rule whose ``name`` is already
  defined replaces the earlier one in place, and ``enabled = false`` switches
  it off.

Rule kinds (``kind``, default "regex") and their keys are listed in
``RULE_KEYS``; everything is checked at load and any mistake raises
``RuleError`` naming the file and the rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from crawler.cleaning import metatalk, rulecache
from crawler.cleaning.firstchars import lookahead, prefixed
from crawler.cleaning.screen import Analysis, Screen, Screens, required_literals
from crawler.rulefiles import RulesError, load_data

# read through importlib.resources: the package may run from a zipped egg (scrapyd)
DEFAULT_RULES_DIR = resources.files("crawler.cleaning") / "rules"

SCOPES = ("span", "sentence", "block")
CONTEXTS = ("sentence", "block")
WHERE = ("any", "head", "tail")
NOTE_WHERE = ("tail", "bracket", "head", "line")
OFFER_PLACES = ("span", "line")
EN_OFFER_PLACES = ("sentence", "run")
FOREIGN_PLACES = ("script", "shape", "tail")

_COMMON = {"name", "kind", "reason", "enabled", "description", "block_types", "signal"}
# what fired, recorded with each removal: a rule's ``signal`` (default by kind;
# a hidden span names its own, see ``hidden_signal``)
DEFAULT_SIGNALS = {"regex": "lexicon", "host_run": "host_run", "bare_url": "spam_url", "lone_host": "announced_host",
                   "link_run": "link_run", "hidden": "inline_style", "note": "note_shape", "span": "word_break",
                   "offer": "offer_span", "en_offer": "en_offer", "foreign": "foreign_script",
                   "sales": "sales_para", "remnant": "ad_remnant", "stuffing": "keyword_run",
                   "said": "said_para", "terms": "term_list"}
# removals that stand whatever share of the article they take: text the page
# hid, runs of hosts or links, templates learned across articles
STRONG_SIGNALS = frozenset({"inline_style", "style_class", "hidden_attribute", "same_colour",
                            "host_run", "link_run", "template"})
# a list parameter: inline words, or the name of a list of the rule files
_WORDS = (str, list)
_CUES = {"cues_before": (_WORDS, "url_cues_before"), "cues_after": (_WORDS, "url_cues_after")}
_RUNS = {"min_run": (int, 3), "pipe_min_run": (int, 2), "loose_min_run": (int, 5)}
_NOT_TLDS = {"not_tlds": (_WORDS, "file_extensions"), "spelt_tlds": (_WORDS, "spelt_tlds")}
# key -> (type, default); the kinds each accept _COMMON plus these
RULE_KEYS: dict[str, dict[str, tuple[type | tuple[type, ...], Any]]] = {
    # ``cohesion`` (regex, en_offer): an English cut that shares this many
    # content words with the rest of the article is the article's own subject
    # and stays (a market report's "the index fell 0.36%"; a review's prices):
    # for rules that cut whole sentences, whose ad is foreign to the article
    "regex": {
        "pattern": (str, None),
        "scope": (str, "span"),
        "also": (str, None),
        "unless": (str, None),
        "unless_article": (str, None),
        "context": (str, "block"),
        "max_block_chars": (int, None),
        "max_lead": (int, None),
        "where": (str, "any"),
        "within": (int, 3),
        "ignore_case": (bool, False),
        # what must end right before the pattern's group "contact" (an ad's
        # offer before its contact); the match then starts where that does, or
        # nearer, at its seam with the host when it is pasted into a word
        # (spans.pasted_start)
        "seam": (str, None),
        # the seam instead when the match is followed by a letter or an ideograph
        # (pasted into a word): one rule for both, one scan of the text
        "seam_pasted": (str, None),
        # the exemption looks at the match too, not only at the context around it
        "unless_match": (bool, False),
        # a match pasted into a word (letters on both sides) is exempt only by its own
        # words, not by the host sentence's around it
        "unless_own_when_pasted": (bool, False),
        # ... except for this narrower exemption, looked for in the host sentence
        # even then (a contact inside a warning about fraud is quoted, glued or not)
        "unless_pasted": (str, None),
        # the exemption is looked for in the match's own clause and the clause either
        # side of it only, not the whole sentence: an ad pasted into a long sentence
        # of the host answers for its own clause (…几年不见的白|小红述搜 mengmeng_studio|鹭…)
        "unless_clause": (bool, False),
        # a span's cut grown over the ad around it, as far as its characters read
        # as an ad's (crawler/cleaning/extent.py): a term or a contact found, the
        # words of its ad no list holds
        "grow": (bool, False),
        "cohesion": (int, None),
        # a block rule matched over the block's own text, not its folded view: its shape is
        # in the separators the fold drops between ideographs (编排｜老周　核校｜小宁)
        "raw": (bool, False),
        # ... and what its own text must hold for it to be tried (a cheap search first)
        "raw_needs": (str, None),
    },
    "host_run": {**_CUES, **_RUNS, **_NOT_TLDS},
    "bare_url": {**_CUES, **_NOT_TLDS, "spam_host_words": (_WORDS, "spam_host_words"), "unless": (str, None)},
    "link_run": {**_CUES, **_RUNS},
    # a lone host (or IP address) pasted with the words that announce it, judged
    # by how it is written, how its sentence is said and whether the article
    # speaks of it (crawler/cleaning/hosts.py ``announced``): ``official`` hosts
    # are cited, not announced; ``max_rest``: the sentence goes with the host
    # when this much at most (ideographs and words) is left of it
    "lone_host": {**_CUES, **_NOT_TLDS, "unless": (str, None), "official": (str, None), "max_rest": (int, 30),
                  "min_score": (int, 2), "register_min": (float, 0.3), "detached": (bool, True)},
    "hidden": {},
    # a note about the text or the site itself, found by its shape: scored by
    # the groups of words it holds (each list in ``groups`` counts its weight
    # once), in a bracket (``where`` "bracket"), at the tail (``where`` "tail":
    # the last ``within`` blocks, and the last sentences of the last one), as a
    # whole block of the first ``within`` ("head") or anywhere ("line");
    # ``blank_quotes``: words inside quotation marks do not count (a quoted
    # prompt or reply is what an article reports, not what it does);
    # ``clause_share``: the share of its clauses that must hold a word of a
    # group (a note glued to a sentence about something else is not one);
    # ``need``: a pattern the note must hold (the act that makes it a note);
    # ``register_weight``: added to the score of a note said as notes are (its
    # score in crawler/cleaning/metatalk.py at least ``register_min``) that
    # holds ``register_need`` (the act the register must come with);
    # ``glued`` (where "line"): also the last sentences of any block, from one
    # that is a note alone (a notice glued after a paragraph, the paragraph kept);
    # ``whole`` (where "line"): a block that is a note alone is one (false: only
    # a note run on after the block's own sentences, where the paste is evidence);
    # ``unless_sentence`` (where "bracket"): the exemption looked for in the
    # clauses around the bracket (an essay task's own 不少于600字 in brackets);
    # ``detached``: the note shares no pair of ideographs and no English content
    # word with the rest of the article (what speaks of the page, not of its
    # subject); a rule of no ``groups`` is a note by its register alone
    # (``register_weight`` >= ``min_score``), and must be ``detached``
    "note": {
        "groups": (list, None),
        "weights": (list, None),
        "marker": (str, None),
        "min_score": (int, 3),
        "where": (str, "tail"),
        "within": (int, 2),
        "max_chars": (int, 160),  # Latin letters count half (cleaner._fits)
        "unless": (str, None),
        "blank_quotes": (bool, False),
        "clause_share": (float, 0.0),
        "need": (str, None),
        "register_weight": (int, 0),
        "register_min": (float, 0.5),
        "register_need": (str, None),
        "glued": (bool, False),
        "whole": (bool, True),
        "unless_sentence": (str, None),
        "detached": (bool, False),
    },
    # an ad pasted inside a sentence (crawler/cleaning/spans.py): its sales talk
    # (the words of the lists in ``groups``, each counting its ``weights``
    # entry; ``marker`` matches count ``marker_weight``) and its seams
    "span": {
        "groups": (list, None),
        "weights": (list, None),
        "marker": (str, None),
        "marker_weight": (int, 2),
        "window": (int, 10),
        "max_gap": (int, 12),
        "min_weight": (int, 3),
        "edge_weight": (int, 5),
        "unless": (str, None),
        "skip": (str, None),
    },
    # a short ad of any trade, inline or as a line, by its offer marks
    # (crawler/cleaning/offers.py): the words of ``groups`` (``weights``) and
    # the regex vars of ``shapes`` (``shape_weights``), each distinct mark
    # counted once, and where it sits (``place``: span or line)
    "offer": {
        "groups": (list, None),
        "weights": (list, None),
        "shapes": (list, None),
        "shape_weights": (list, None),
        "place": (str, "span"),
        "window": (int, 12),
        "max_gap": (int, 12),
        "min_weight": (int, 4),
        "edge_weight": (int, 5),
        "max_chars": (int, 30),
        "unless": (str, None),
        "skip": (str, None),
        # a span of fewer marks (``lone_weight``: one strong one) glued into its
        # sentence: it needs ``lone_chars`` ideographs and a sentence without
        # ``unless_lone`` (the host's words of trade) around it
        "lone_weight": (int, None),
        "lone_chars": (int, 6),
        "unless_lone": (str, None),
    },
    # English sales talk of any trade (crawler/cleaning/english.py): the marks
    # of ``classes`` (regex vars, matched ignoring case, ``weights`` one per
    # class), whole sentences speaking to the reader (``voice``: a var) or
    # keyword runs pasted into a sentence (``place``: sentence or run);
    # ``function``: the list of English closed-class words; ``register_min``: a
    # sentence whose English register (register.py) scores that at least is
    # said as ads are, a class of its own; ``acts``: the class of the acts of
    # trade (verbs: one conjugated inside a run makes it the host's clause)
    "en_offer": {
        "classes": (list, None),
        "weights": (list, None),
        "voice": (str, None),
        "function": (_WORDS, "en_function_words"),
        "place": (str, "sentence"),
        "min_weight": (int, 4),
        "unless": (str, None),
        "cohesion": (int, None),
        "register_min": (float, None),
        "acts": (str, None),
    },
    # a span foreign to its own sentence (crawler/cleaning/foreign.py), by how
    # it sits there (``place``): "script", a run of at least ``min_chars``
    # ideographs glued to a word of an English sentence of at least
    # ``min_words`` words; "tail", such a run glued at the end of an English
    # paragraph, with no sentence end of its own; "shape" (crawler/cleaning/adshape.py), a span of
    # ``min_chars`` to ``max_chars`` ideographs shaped like an ad (its scores
    # summing to ``min_score``, ``min_mean`` a character) at a seam that
    # joins the host's word, or glued in a sentence it shares nothing with;
    # ``unless``: the rest of the sentence reports; ``unless_lone``: ... or
    # speaks of trade (a stray span then stays)
    "foreign": {
        "place": (str, "script"),
        "min_chars": (int, 4),
        "min_words": (int, 4),
        "max_chars": (int, 14),
        "max_long": (int, 0),
        "min_score": ((int, float), 8),
        "min_mean": ((int, float), 1.0),
        "unless": (str, None),
        "unless_lone": (str, None),
    },
    # Chinese sales talk of any trade, a whole paragraph or the sentences that
    # end one (crawler/cleaning/salestalk.py): the marks of ``classes`` (regex
    # vars, ``weights`` one per class, scored as English offers are), of which
    # one at least of the ``address`` classes (the reader invited or addressed,
    # the seller speaking, scarcity); ``hook_weight``: a short question opening it;
    # ``terse_weight``: said as a list of short clauses without the words that
    # bind prose; ``unless``: what reports or warns; ``max_shared``: pairs of ideographs
    # it may share with the rest of the article (more: the article's subject);
    # the commercial register (register.py), when ``register_weight`` is above 0:
    # talk of ``register_min`` at least weighs that more and counts one class more,
    # of ``register_address`` (and two classes of marks) stands for an address,
    # and takes the sentences before it of ``register_lead`` at least (or a short cry)
    "sales": {
        "classes": (list, None),
        "weights": (list, None),
        "address": (list, None),
        "min_weight": (int, 6),
        "min_classes": (int, 3),
        "hook_weight": (int, 2),
        "terse_weight": (int, 2),
        "max_chars": (int, 240),
        "max_shared": (int, 2),
        "unless": (str, None),
        "register_weight": (int, 0),
        "register_min": (float, 0.2),
        "register_address": (float, 0.3),
        "register_lead": (float, 0.2),
        "screen": (list, None),
        "foreign_weight": (int, 0),
    },
    # keyword stuffing (crawler/cleaning/stuffing.py): a run of short search terms
    # that vary one core, ``min_items`` of them when one is the core alone, one
    # holds another or one a query word (else ``min_items_plain``, all opening
    # with the core), none longer than ``max_item_chars``
    # ideographs or ``max_item_words`` English words; the words (lists of the
    # rule files): what binds prose (``narration_zh``: characters,
    # ``narration_en``), an enumeration's opener before the run and its
    # continuation after it (``before``, ``after``), the words searchers add
    # (``queries``) and labels a run is glued to the host's text with (``labels``)
    "stuffing": {
        "min_items": (int, 4),
        "min_items_plain": (int, 5),
        "max_item_chars": (int, 16),
        "max_item_words": (int, 6),
        "max_label_chars": (int, 8),
        "narration_zh": (_WORDS, "stuffing_narration_zh"),
        "narration_en": (_WORDS, "stuffing_narration_en"),
        "before": (_WORDS, "stuffing_before"),
        "after": (_WORDS, "stuffing_after"),
        "closers": (_WORDS, "stuffing_closers"),
        "queries": (_WORDS, "stuffing_queries"),
        "labels": (_WORDS, "stuffing_labels"),
    },
    # lists of search terms that share no core (crawler/cleaning/termlist.py):
    # ``min_items`` items or more, none longer than ``max_item_chars``
    # (ideographs and English words) or ``max_item_words`` English words,
    # several asking as searchers do (``asks``: a word ending an item;
    # ``question``: a word leading its last few characters; ``queries_en``;
    # a hashtag; glued pinyin), or one under a search ``label``; the words
    # that bind prose and a host's enumeration as for stuffing. ``bare_items``
    # (0: off) makes the rule read bare runs instead: that many items at least,
    # none longer than ``bare_item_chars`` or binding prose, parted by marks
    # that part no clause, under no label, sharing nothing with the article
    # (termlist._bare), nor names (``surnames``: a byline, a cast, a team)
    "terms": {
        "min_items": (int, 4),
        "bare_items": (int, 0),
        "bare_item_chars": (int, 8),
        "max_item_chars": (int, 12),
        "max_item_words": (int, 5),
        "narration_zh": (_WORDS, "terms_narration_zh"),
        "narration_en": (_WORDS, "stuffing_narration_en"),
        "before": (_WORDS, "stuffing_before"),
        "after": (_WORDS, "stuffing_after"),
        "asks": (_WORDS, "terms_asks"),
        "question": (_WORDS, "terms_question"),
        "queries_en": (_WORDS, "terms_queries_en"),
        "labels": (_WORDS, "terms_labels"),
        "surnames": (_WORDS, "terms_surnames"),
    },
    # Chinese talk said as ads are, whatever its marks (salestalk.said_start):
    # a paragraph, or the sentences ending one, whose register against news
    # (register.MODEL_NEWS) is ``min_register`` at least (each sentence
    # ``min_sentence``, or a short question hooking it), that holds the
    # ``pattern`` (the reader addressed, the seller speaking, a cry, a
    # question) or marks of ``min_classes`` of the ``classes`` (vars, as the
    # sales rule's), of which the screen screens for the pattern and the
    # ``screen`` classes; of ``min_chars`` ideographs and
    # ``min_clauses`` clauses at least (a block of ``max_chars`` at most),
    # narrating and reporting (``unless``)
    # nothing and sharing no pair of ideographs with the rest of the article;
    # talk that speaks to no one (an ad described in the third person) with a
    # register of ``plain_register`` at least (0: not judged so), each sentence
    # ``plain_sentence``, and marks of ``plain_classes`` classes, unless it
    # holds ``plain_unless`` (a venue's notice to its public, told the same way)
    "said": {
        "pattern": (str, None),
        "classes": (list, None),
        "screen": (list, None),
        "min_classes": (int, 2),
        "unless": (str, None),
        "min_register": (float, 0.3),
        "min_sentence": (float, 0.15),
        "min_chars": (int, 28),
        "max_chars": (int, 240),
        "min_clauses": (int, 4),
        "plain_register": (float, 0.0),
        "plain_sentence": (float, 0.0),
        "plain_classes": (int, 1),
        "plain_unless": (str, None),
    },
    # what other rules left of an ad they cut in pieces (salestalk.remnants):
    # the rest of a sentence that lost pieces for one of ``reasons``, and the
    # sentences around it, when said as ads are (register ``min_register`` at
    # least; crawler/cleaning/register.py); ``unless``: what reports or warns
    "remnant": {
        "reasons": (list, None),
        "min_register": (float, 0.2),
        "unless": (str, None),
    },
}
_REASON = re.compile(r"^[a-z][a-z0-9_]*$")
_REF = re.compile(r"\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}")
_DEFAULT_TYPES = ("heading", "paragraph", "list_item", "quote", "caption", "table")


RuleError = RulesError  # the one error class of every rule file (crawler/rulefiles.py)


class Compiled(dict):
    """A rule's compiled values (``Rule.compiled``): regexes, word lists.

    Pickled (the rules cache, rulecache.py), a regex keeps only its source and
    flags, and is compiled again when first asked for (``[key]``, ``get``, ``in``).
    """

    __slots__ = ("_sources",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sources: dict[str, Any] = {}  # key -> (pattern, flags), or a list of them

    def __missing__(self, key):
        source = self._sources.pop(key)  # KeyError, as a dict's, when it has neither
        value = self[key] = [re.compile(*s) for s in source] if isinstance(source, list) else re.compile(*source)
        return value

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or key in self._sources

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __reduce__(self):
        values, sources = {}, dict(self._sources)
        for k, v in self.items():
            if isinstance(v, re.Pattern):
                sources[k] = (v.pattern, v.flags)
            elif isinstance(v, list) and v and all(isinstance(x, re.Pattern) for x in v):
                sources[k] = [(x.pattern, x.flags) for x in v]
            else:
                values[k] = v
        return _compiled, (values, sources)


def _compiled(values: dict, sources: dict) -> Compiled:
    compiled = Compiled(values)
    compiled._sources.update(sources)
    return compiled


def _compile_clause(clause) -> re.Pattern:
    """A screen's regex for a clause of many literals."""
    return re.compile(alternation(clause))


@dataclass
class Rule:
    name: str
    kind: str
    reason: str
    source: str  # file it came from, for messages
    signal: str = "lexicon"  # what fired, recorded with each removal
    block_types: tuple[str, ...] = _DEFAULT_TYPES
    params: dict[str, Any] = field(default_factory=dict)
    # compiled by RuleSet: regex objects and resolved word lists
    compiled: Compiled = field(default_factory=Compiled)
    # a regex rule's prefilter: False for a text its pattern cannot match (None: no prefilter)
    screen: Screen | None = None

    @property
    def strong(self) -> bool:
        """Whether its removals stand when the safety valve trips (hidden text
        always: each span names its own signal, all of them strong)."""
        return self.signal in STRONG_SIGNALS or self.kind == "hidden"


@dataclass
class RuleSet:
    rules: list[Rule]
    lists: dict[str, list[str]]
    vars: dict[str, str]
    files: list[str]
    # the rules' screens asked in one scan (``screen.Screens``), built for the rules cache,
    # which keeps its compiled database: the ``Cleaner`` of these rules takes it
    screens: Any = None

    def names(self) -> list[str]:
        return [r.name for r in self.rules]


def _read(path: Traversable) -> dict:
    data = load_data(path)
    unknown = set(data) - {"lists", "vars", "rules", "description"}
    if unknown:
        raise RuleError(f"{path}: unknown top-level key(s) {sorted(unknown)} (allowed: lists, vars, rules, description)")
    return data


def expand_paths(paths) -> list[Traversable]:
    """Files as given; a directory stands for its *.toml and *.json by name."""
    out: list[Traversable] = []
    for p in paths:
        p = p if isinstance(p, Traversable) else Path(p)
        if p.is_dir():
            out += sorted((f for f in p.iterdir() if f.name.endswith((".toml", ".json"))), key=lambda f: f.name)
        else:
            out.append(p)
    return out


def _check_rule(raw: Any, where: str) -> Rule:
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: each rule must be a table/object")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise RuleError(f"{where}: rule without a 'name'")
    where = f"{where} rule {name!r}"
    kind = raw.get("kind", "regex")
    if kind not in RULE_KEYS:
        raise RuleError(f"{where}: unknown kind {kind!r} (kinds: {', '.join(RULE_KEYS)})")
    allowed = RULE_KEYS[kind]
    unknown = set(raw) - _COMMON - set(allowed)
    if unknown:
        raise RuleError(f"{where}: unknown key(s) {sorted(unknown)} for kind {kind!r} "
                        f"(allowed: {', '.join(sorted(_COMMON | set(allowed)))})")
    reason = raw.get("reason")
    if not isinstance(reason, str) or not _REASON.match(reason):
        raise RuleError(f"{where}: 'reason' must be a lowercase word like 'promo' (got {reason!r})")
    types = raw.get("block_types", list(_DEFAULT_TYPES))
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise RuleError(f"{where}: 'block_types' must be a list of block types")
    params: dict[str, Any] = {}
    for key, (typ, default) in allowed.items():
        value = raw.get(key, default)
        if value is not None and (not isinstance(value, typ) or (typ is int and isinstance(value, bool))):
            raise RuleError(f"{where}: {key!r} has the wrong type ({type(value).__name__})")
        params[key] = value
    if kind == "regex":
        if not params["pattern"]:
            raise RuleError(f"{where}: a regex rule needs a 'pattern'")
        for key, choices in (("scope", SCOPES), ("context", CONTEXTS), ("where", WHERE)):
            if params[key] not in choices:
                raise RuleError(f"{where}: {key!r} must be one of {', '.join(choices)} (got {params[key]!r})")
        if params["within"] < 1:
            raise RuleError(f"{where}: 'within' must be >= 1")
        if params["max_lead"] is not None and params["max_lead"] < 0:
            raise RuleError(f"{where}: 'max_lead' must be >= 0")
        if params["raw"] and (params["scope"] != "block" or params["seam"] is not None):
            raise RuleError(f"{where}: 'raw' is for a rule of scope 'block' without a 'seam'")
    if kind in ("note", "span", "offer"):
        groups = params["groups"]
        if kind == "note" and groups == [] and params["detached"] and params["register_weight"] >= params["min_score"]:
            pass  # a note by its register alone, where it stands apart from the article
        elif not groups or not all(isinstance(g, str) for g in groups):
            raise RuleError(f"{where}: a note rule needs 'groups', names of lists"
                            " (none: a detached note whose register_weight reaches min_score)")
        weights = params["weights"] or [1] * len(groups)
        if len(weights) != len(groups) or not all(isinstance(w, int) and not isinstance(w, bool) for w in weights):
            raise RuleError(f"{where}: 'weights' must be one integer per group")
        params["weights"] = weights
    if kind == "offer":
        shapes, weights = params["shapes"] or [], params["shape_weights"] or [2] * len(params["shapes"] or [])
        if not all(isinstance(x, str) for x in shapes) or len(weights) != len(shapes) or not all(
                isinstance(w, int) and not isinstance(w, bool) for w in weights):
            raise RuleError(f"{where}: 'shapes' must name vars, with one integer of 'shape_weights' each")
        params["shapes"], params["shape_weights"] = shapes, weights
        if params["place"] not in OFFER_PLACES:
            raise RuleError(f"{where}: 'place' must be one of {', '.join(OFFER_PLACES)} (got {params['place']!r})")
    if kind in ("en_offer", "sales"):
        classes, weights = params["classes"], params["weights"]
        if not classes or not all(isinstance(x, str) for x in classes) or not weights or len(weights) != len(
                classes) or not all(isinstance(w, int) and not isinstance(w, bool) for w in weights):
            raise RuleError(f"{where}: 'classes' must name vars, with one integer of 'weights' each")
    if kind == "sales" and (not params["address"] or not set(params["address"]) <= set(params["classes"])):
        raise RuleError(f"{where}: 'address' must name some of the rule's 'classes'")
    if kind == "sales" and params["screen"] is not None and not set(params["screen"]) <= set(params["classes"]):
        raise RuleError(f"{where}: 'screen' must name some of the rule's 'classes'")
    if kind == "en_offer":
        if params["place"] not in EN_OFFER_PLACES:
            raise RuleError(f"{where}: 'place' must be one of {', '.join(EN_OFFER_PLACES)} (got {params['place']!r})")
        if params["place"] == "sentence" and not params["voice"]:
            raise RuleError(f"{where}: a sentence rule needs 'voice', a var")
    if kind == "said" and not params["pattern"]:
        raise RuleError(f"{where}: a said rule needs 'pattern', what speaks to the reader")
    if kind == "said" and not set(params["screen"] or ()) <= set(params["classes"] or ()):
        raise RuleError(f"{where}: 'screen' must name some of the rule's 'classes'")
    if kind == "remnant" and (not params["reasons"] or not all(isinstance(x, str) for x in params["reasons"])):
        raise RuleError(f"{where}: 'reasons' must list the reasons whose pieces leave a remnant")
    if kind == "foreign" and params["place"] not in FOREIGN_PLACES:
        raise RuleError(f"{where}: 'place' must be one of {', '.join(FOREIGN_PLACES)} (got {params['place']!r})")
    if kind == "note":
        if params["where"] not in NOTE_WHERE:
            raise RuleError(f"{where}: 'where' must be one of {', '.join(NOTE_WHERE)} (got {params['where']!r})")
        if params["unless_sentence"] is not None and params["where"] != "bracket":
            raise RuleError(f"{where}: 'unless_sentence' is for a note of where 'bracket'")
    for key in ("min_run", "pipe_min_run", "loose_min_run"):
        if key in params and params[key] < 2:
            raise RuleError(f"{where}: {key!r} must be >= 2")
    signal = raw.get("signal", DEFAULT_SIGNALS[kind])
    if not isinstance(signal, str) or not _REASON.match(signal):
        raise RuleError(f"{where}: 'signal' must be a lowercase word like 'lexicon' (got {signal!r})")
    return Rule(name=name, kind=kind, reason=reason, source=where, signal=signal,
                block_types=tuple(types), params=params)


def _compile_stuffing(rule: Rule, lists: dict[str, list[str]]) -> None:
    """A stuffing rule's parameters and words (``stuffing.Params``, ``stuffing.Words``)."""
    from crawler.cleaning import stuffing

    p = rule.params
    if min(p["min_items"], p["min_items_plain"]) < 3 or p["max_item_chars"] < 4 or p["max_item_words"] < 2:
        raise RuleError(f"{rule.source}: a run needs 3 items or more, of 4 characters or 2 words at least")
    got = {key: _words(p[key], rule, key, lists) for key in ("narration_zh", "narration_en", "before", "after",
                                                            "closers", "queries", "labels")}
    rule.compiled["params"] = stuffing.Params(p["min_items"], p["min_items_plain"], p["max_item_chars"],
                                              p["max_item_words"], p["max_label_chars"])
    rule.compiled["words"] = stuffing.Words(
        frozenset("".join(got["narration_zh"])), frozenset(w.lower() for w in got["narration_en"]),
        *(tuple(w.lower() for w in got[key]) for key in ("before", "after", "closers", "queries", "labels")))


def _compile_terms(rule: Rule, lists: dict[str, list[str]], compiler: "_Compiler") -> None:
    """A term-list rule's words (``termlist.Terms``); its screen: a word that asks,
    a label's or a hashtag's mark."""
    from crawler.cleaning import termlist

    p = rule.params
    if p["min_items"] < 3 or p["max_item_chars"] < 4 or p["max_item_words"] < 2:
        raise RuleError(f"{rule.source}: a list needs 3 items or more, of 4 characters or 2 words at least")
    got = {key: [w.lower() for w in _words(p[key], rule, key, lists)]
           for key in ("narration_zh", "narration_en", "before", "after", "asks", "question", "queries_en", "labels",
                       "surnames")}
    alt = {key: "|".join(re.escape(w) for w in sorted(got[key], key=len, reverse=True))
           for key in ("asks", "question", "queries_en")}
    ideograph = r"[\u3400-\u9fff]"
    queries = re.compile(f"(?:{alt['asks']})|\\b(?:{alt['queries_en']})\\b")
    # the gate: led by the words (their first characters screen every position in C), no \b before them
    ends = (re.compile(f"(?:{alt['asks']})(?={ideograph}{{0,2}}(?:\\W|$))|(?:{alt['question']})(?={ideograph}{{0,3}}(?:\\W|$))"),
            re.compile(f"(?:{alt['queries_en']})\\b"))
    rule.compiled["terms"] = termlist.Terms(
        p["min_items"], p["max_item_chars"], p["max_item_words"], frozenset("".join(got["narration_zh"])),
        frozenset(got["narration_en"]), tuple(got["before"]), tuple(got["after"]), frozenset(got["asks"]),
        frozenset(got["question"]), frozenset(got["queries_en"]), queries, ends, tuple(got["labels"]),
        p["bare_items"], p["bare_item_chars"], frozenset(got["surnames"]))
    if p["bare_items"]:
        return  # (a bare run holds no word to screen for: termlist._may_bare's scans are its screen)
    screened = [got["asks"], got["question"], got["queries_en"], got["labels"], ["#", "＃"]]
    # what the screen screens for (in the lower-cased text)
    rule.compiled["pattern"] = re.compile(alternation([w for group in screened for w in group]))
    rule.screen = compiler.words_screen(screened)


def _word_weights(rule: Rule, lists: dict[str, list[str]]) -> dict[str, int]:
    """Each word of a rule's ``groups`` with its weight (the largest of its groups')."""
    weights: dict[str, int] = {}
    for name, w in zip(rule.params["groups"], rule.params["weights"]):
        for word in _words(name, rule, "groups", lists):
            weights[word] = max(weights.get(word, 0), w)
    return weights


def _compile_offer(rule: Rule, lists: dict[str, list[str]], compiler: "_Compiler") -> None:
    """One pattern for every mark of an offer rule: each shape in a group of its
    own (``s0``, ``s1``...), then the words of its lists (``w``)."""
    p = rule.params
    weights = _word_weights(rule, lists)
    shapes = "|".join(f"(?P<s{i}>{{{{{name}}}}})" for i, name in enumerate(p["shapes"]))
    pattern = "|".join(x for x in (shapes, f"(?P<w>{alternation(weights)})" if weights else "") if x)
    rule.compiled["marks"], _tree = compiler.compile(pattern, rule, "shapes")
    rule.compiled["weights"] = weights
    # an offer needs a strong mark (a shape, or a word of a group weighing 2 or
    # more): what the screen screens for
    heavy = [f"{{{{{n}}}}}" for n in p["shapes"]] + [f"{{{{{n}}}}}" for n, w in zip(p["groups"], p["weights"]) if w >= 2]
    rule.compiled["pattern"], tree = compiler.compile("|".join(heavy), rule, "shapes")
    rule.screen = compiler.screen(rule.compiled["pattern"], tree)


def _class_groups(classes: list[str], first=None) -> str:
    """The vars ``classes`` as one alternation, each in a group of its own
    (``c0``, ``c1``...): a mark's group tells its class. ``first``: a var's
    name -> the lookahead on its first characters, put at the head of its
    group (``_Compiler.first``)."""
    return "|".join(f"(?P<c{i}>{first(name) if first else ''}{{{{{name}}}}})" for i, name in enumerate(classes))


def _compile_en_offer(rule: Rule, lists: dict[str, list[str]], compiler: "_Compiler") -> None:
    """One caseless pattern for every class of an English offer rule, each in a
    group of its own (``c0``, ``c1``...), bounded by word edges; the screen
    screens for any of them."""
    p = rule.params
    body = _class_groups(p["classes"])
    rule.compiled["marks"], tree = compiler.compile(f"(?i:(?<![A-Za-z0-9])(?:{body})(?![A-Za-z0-9]))", rule, "classes")
    rule.compiled["pattern"] = rule.compiled["marks"]
    rule.screen = compiler.screen(rule.compiled["marks"], tree)
    if p["voice"]:
        rule.compiled["voice"], _tree = compiler.compile(f"(?i:\\b(?:{{{{{p['voice']}}}}})\\b)", rule, "voice")
    rule.compiled["function"] = frozenset(w.lower() for w in _words(p["function"], rule, "function", lists))
    if p["acts"] is not None and p["acts"] not in p["classes"]:
        raise RuleError(f"rule {rule.name!r}: acts {p['acts']!r} is none of its classes")
    rule.compiled["acts"] = None if p["acts"] is None else p["classes"].index(p["acts"])


def _compile_sales(rule: Rule, compiler: "_Compiler") -> None:
    """One pattern for every class of a Chinese sales rule, each in a group of
    its own (``c0``, ``c1``...); the screen screens for the ``screen``
    classes (else the ``address`` ones), one of which every paragraph of
    sales talk it judges holds."""
    p = rule.params
    body = _class_groups(p["classes"], lambda name: compiler.first(name, rule))
    rule.compiled["marks"], _tree = compiler.compile(body, rule, "classes")
    need = "|".join(f"{{{{{name}}}}}" for name in p["screen"] or p["address"])
    rule.compiled["pattern"], tree = compiler.compile(need, rule, "address")
    rule.screen = compiler.screen(rule.compiled["pattern"], tree)
    rule.compiled["address"] = frozenset(p["classes"].index(name) for name in p["address"])


def _compile_said(rule: Rule, compiler: "_Compiler") -> None:
    """The marks of a said rule's ``classes`` (each in a group of its own,
    ``c0``...); its screen screens for its ``pattern`` or a mark of one of
    the ``screen`` classes."""
    p = rule.params
    body = _class_groups(p["classes"] or [], lambda name: compiler.first(name, rule))
    rule.compiled["marks"], _tree = compiler.compile(body or None, rule, "classes")
    need = "|".join([f"(?:{p['pattern']})"] + [f"{{{{{name}}}}}" for name in p["screen"] or ()])
    rule.compiled["screened"], tree = compiler.compile(need, rule, "screen")
    rule.screen = compiler.screen(rule.compiled["screened"], tree)


def alternation(words) -> str:
    """A regex matching any of ``words`` (longest first), factored as a trie.

    The same language as ``a|b|c`` of the escaped words, but one character
    test per position instead of one per word: long lists stay fast.
    """
    trie: dict = {}
    for word in set(words):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # greedy: the longer word is tried first, the end of a shorter one after
        return f"(?:{body})?" if ends else body

    return build(trie) if trie else "(?!)"


class _Compiler:
    """The patterns of one load: each list's and var's expansion, and each
    distinct pattern's compiling and analysis, done once (rules share them)."""

    def __init__(self, lists: dict[str, list[str]], vars_: dict[str, str]):
        self.lists = lists
        self.vars = vars_
        self._expansions: dict[tuple[str, int], str] = {}  # (list or var, depth) -> regex
        self._patterns: dict[tuple[str, int], tuple[re.Pattern, Any]] = {}  # (regex, flags) -> compiled, tree
        self._screens: dict[tuple, Screen] = {}  # (clauses, caseless) -> the screen of every rule needing them
        self._lookaheads: dict[tuple[str, int], str] = {}  # (regex, flags) -> ``first``'s lookahead
        self._analysis = Analysis()
        self._caseless = Analysis(caseless=True)

    def expand(self, pattern: str, where: str, depth: int = 0) -> str:
        if depth > 10:
            raise RuleError(f"{where}: vars refer to each other in a loop")

        def sub(m: re.Match) -> str:
            name = m.group(1)
            if name not in self.lists and name not in self.vars:
                raise RuleError(f"{where}: {{{{{name}}}}} is neither a list nor a var")
            # depth too: a var nested too deep fails where it is, whatever ran before
            known = self._expansions.get((name, depth))
            if known is None:
                if name in self.lists:
                    known = "(?:" + alternation(self.lists[name]) + ")"
                else:
                    known = "(?:" + self.expand(self.vars[name], where, depth + 1) + ")"
                self._expansions[name, depth] = known
            return known

        return _REF.sub(sub, pattern)

    def first(self, name: str, rule: Rule) -> str:
        """The lookahead on the first characters of list or var ``name``
        (``firstchars.lookahead``; "" when unbounded). At the head of its group
        in a rule's alternation of groups (``_class_groups``), it lets ``re``
        pass over a position where the group cannot start with one test, not
        one per alternative of it (the sales talk's marks over the real pages'
        paragraphs: ~3x faster)."""
        expanded = self.expand(f"{{{{{name}}}}}", f"{rule.source} {name!r}")
        flags = re.IGNORECASE if rule.params.get("ignore_case") else 0
        if (expanded, flags) not in self._lookaheads:
            self._lookaheads[expanded, flags] = lookahead(expanded, flags)
        return self._lookaheads[expanded, flags]

    def compile(self, pattern: str | None, rule: Rule, key: str):
        """The compiled pattern and its parse tree (None if unknown), or (None, None)."""
        if pattern is None:
            return None, None
        expanded = self.expand(pattern, f"{rule.source} {key!r}")
        flags = re.IGNORECASE if rule.params.get("ignore_case") else 0
        known = self._patterns.get((expanded, flags))
        if known is None:
            known = self._patterns[expanded, flags] = self._compile(expanded, flags, rule, key)
        return known

    @staticmethod
    def _compile(expanded: str, flags: int, rule: Rule, key: str):
        fast, tree = prefixed(expanded, flags)
        try:
            return re.compile(fast, flags), tree
        except (re.error, OverflowError):
            pass
        # the error is told about the pattern as written, not the prefixed one (which
        # fails too); a prefix that alone fails leaves the pattern as written
        try:
            return re.compile(expanded, flags), None
        except (re.error, OverflowError) as exc:
            raise RuleError(f"{rule.source}: {key!r} is not a valid regex: {exc}") from None

    def words_screen(self, groups: list[list[str]]) -> Screen | None:
        """A screen for a word of ``groups`` (lower case) in a text lower-cased
        (``str.lower``): caseless, so each word must be ASCII or of characters
        without case (only ASCII letters are lowered, screen.py); else None."""
        words = frozenset(word for group in groups for word in group)
        if not words or not all(word and all(ch.isascii() or ch.lower() == ch == ch.upper() for ch in word)
                                for word in words):
            return None
        if ((words,), True) not in self._screens:
            self._screens[(words,), True] = Screen((words,), _compile_clause, caseless=True)
        return self._screens[(words,), True]

    def screen(self, pattern: re.Pattern, tree) -> Screen | None:
        """The prefilter of ``pattern`` (``tree``: its parse tree, None to parse it);
        rules needing the same literals share one (a block is screened once for all of them)."""
        ignore_case = pattern.flags & re.IGNORECASE
        clauses = required_literals(pattern.pattern, ignore_case, tree, self._analysis)
        caseless = clauses is None  # a second try, with ASCII letters in lower case (screen.py)
        if caseless:
            clauses = required_literals(pattern.pattern, ignore_case, tree, self._caseless)
        if clauses is None:
            return None
        if (clauses, caseless) not in self._screens:
            self._screens[clauses, caseless] = Screen(clauses, _compile_clause, caseless)
        return self._screens[clauses, caseless]


def _note_needs_a_word(rule: Rule) -> bool:
    """Whether a note of this rule must hold a word of its groups: its score
    counts positive weights only and the marker alone (1) cannot reach it."""
    p = rule.params
    return (p["min_score"] >= 1 and all(w > 0 for w in p["weights"])
            and (rule.compiled["marker"] is None or p["min_score"] >= 2))


def _words(value: str | list, rule: Rule, key: str, lists) -> list[str]:
    if isinstance(value, str):
        if value not in lists:
            raise RuleError(f"{rule.source}: {key!r} names list {value!r}, which no file defines")
        return list(lists[value])
    if not all(isinstance(w, str) for w in value):
        raise RuleError(f"{rule.source}: {key!r} must hold strings")
    return list(value)


def _withhold(lists: dict[str, list[str]], vars_: dict[str, str], withhold) -> None:
    for name, words in withhold.get("lists", {}).items():
        if name not in lists:
            raise RuleError(f"withheld list {name!r} is not defined")
        lists[name] = [] if words == "*" else [w for w in lists[name] if w not in set(words)]
    for name in withhold.get("vars", ()):
        if name not in vars_:
            raise RuleError(f"withheld var {name!r} is not defined")
        vars_[name] = "(?!)"


def load_rules(paths=(), *, defaults: bool = True, disabled=(), withhold=None, cache_dir=None) -> RuleSet:
    """Read the built-in rule files (when ``defaults``) then ``paths``, in order.

    ``disabled``: rule names to switch off. ``withhold``: what an evaluation
    takes away to see what the other signals still catch (bench/clean_lofo.py):
    ``{"rules": [names], "lists": {name: [words] or "*"}, "vars": [names]}``; a
    withheld var never matches, a list loses the words (all of them for "*").
    ``cache_dir``: a directory where the rules built are kept for the next load
    of the same files and arguments (rulecache.py); None: none.
    Raises ``RuleError`` on any mistake.
    """
    files = (expand_paths([DEFAULT_RULES_DIR]) if defaults else []) + expand_paths(paths)
    cache_key = rulecache.key(files, disabled, withhold) if cache_dir else None
    if cache_key is None:
        return _build(files, disabled, withhold)
    if (kept := rulecache.read(cache_dir, cache_key, RuleSet)) is not None:
        return kept
    with rulecache.building(cache_dir):  # a process building the same rules now: read what it writes
        if (kept := rulecache.read(cache_dir, cache_key, RuleSet)) is not None:
            return kept
        ruleset = _build(files, disabled, withhold)
        ruleset.screens = Screens(rule.screen for rule in ruleset.rules if rule.screen is not None)
        rulecache.write(cache_dir, cache_key, ruleset)
    return ruleset


def _build(files: list[Traversable], disabled, withhold) -> RuleSet:
    lists: dict[str, list[str]] = {}
    vars_: dict[str, str] = {}
    rules: dict[str, Rule] = {}  # insertion order = rule order
    for path in files:
        data = _read(path)
        for name, words in (data.get("lists") or {}).items():
            if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
                raise RuleError(f"{path}: list {name!r} must be an array of non-empty strings")
            known = lists.setdefault(name, [])
            known += [w for w in dict.fromkeys(words) if w not in known]
        for name, fragment in (data.get("vars") or {}).items():
            if not isinstance(fragment, str):
                raise RuleError(f"{path}: var {name!r} must be a string")
            vars_[name] = fragment
        raw_rules = data.get("rules") or []
        if not isinstance(raw_rules, list):
            raise RuleError(f"{path}: 'rules' must be an array of tables")
        for i, raw in enumerate(raw_rules):
            if isinstance(raw, dict) and raw.get("enabled") is False and set(raw) <= {"name", "enabled"}:
                rules.pop(raw.get("name"), None)  # a bare switch-off of an earlier rule
                continue
            rule = _check_rule(raw, f"{path} rules[{i}]")
            if raw.get("enabled", True) is False:
                rules.pop(rule.name, None)
            else:
                rules[rule.name] = rule
    withhold = withhold or {}
    disabled = [*disabled, *withhold.get("rules", ())]
    _withhold(lists, vars_, withhold)
    unknown = set(disabled) - set(rules)
    if unknown:
        raise RuleError(f"disabled rule(s) {sorted(unknown)} are not defined")
    active = [r for r in rules.values() if r.name not in set(disabled)]
    compiler = _Compiler(lists, vars_)
    cohesion_stop = None
    for rule in active:
        p = rule.params
        for key in ("pattern", "also", "unless", "unless_pasted", "unless_article", "skip", "need", "unless_lone",
                    "register_need", "raw_needs", "unless_sentence", "plain_unless", "official"):
            if key in p:
                rule.compiled[key], tree = compiler.compile(p[key], rule, key)
                if key == "pattern" and rule.kind == "regex":
                    # (the shared screens read the folded view: a rule over the block's own text has
                    # its raw_needs instead)
                    rule.screen = None if p["raw"] else compiler.screen(rule.compiled[key], tree)
                    if p["seam"] is not None:
                        if "contact" not in rule.compiled[key].groupindex:
                            raise RuleError(f"{rule.source}: 'seam' needs a group named 'contact' in the pattern")
                        rule.compiled["seam"], _tree = compiler.compile(f"(?:{p['seam']})\\Z", rule, "seam")
                        if p["seam_pasted"] is not None:
                            rule.compiled["seam_pasted"], _tree = compiler.compile(
                                f"(?:{p['seam_pasted']})\\Z", rule, "seam_pasted")
        for key in ("cues_before", "cues_after", "spam_host_words"):
            if key in p:
                rule.compiled[key] = _words(p[key], rule, key, lists)
        if rule.kind == "note":
            # matched on the lower-cased text: case-sensitive patterns keep re's fast literal scan
            words = [[w.lower() for w in _words(name, rule, "groups", lists)] for name in p["groups"]]
            rule.compiled["groups"] = [re.compile(alternation(group)) for group in words]
            rule.compiled["marker"], _tree = compiler.compile(p["marker"], rule, "marker")
            strong = [sorted(metatalk.strong())] if not words and not p["whole"] else None
            if strong and (screen := compiler.words_screen(strong)) is not None:
                # a note by its register alone, run on after a paragraph: it holds one of the register's strongest keys
                rule.compiled["pattern"] = re.compile(alternation(strong[0]))
                rule.screen = screen
            elif _note_needs_a_word(rule) and (screen := compiler.words_screen(words)) is not None:
                # what the screen screens for (matched, as the groups, on the lower-cased text)
                rule.compiled["pattern"] = re.compile(alternation([w for group in words for w in group]))
                rule.screen = screen
        if rule.kind == "span":
            # one scan for every group: a word's weight is the largest of its groups'
            weights = _word_weights(rule, lists)
            rule.compiled["anchors"] = compiler._compile(alternation(weights), 0, rule, "groups")[0]
            rule.compiled["weights"] = weights
            rule.compiled["marker"], _tree = compiler.compile(p["marker"], rule, "marker")
            # a span needs a word of a group weighing 2 or more (its "pattern", what the
            # screen screens for): blocks with none skip the rule
            heavy = [name for name, w in zip(p["groups"], p["weights"]) if w >= 2]
            if heavy:
                rule.compiled["pattern"], tree = compiler.compile("|".join(f"{{{{{n}}}}}" for n in heavy), rule, "groups")
                rule.screen = compiler.screen(rule.compiled["pattern"], tree)
        if rule.kind == "offer":
            _compile_offer(rule, lists, compiler)
        if rule.kind == "en_offer":
            _compile_en_offer(rule, lists, compiler)
        if rule.kind == "sales":
            _compile_sales(rule, compiler)
        if rule.kind == "remnant":
            rule.compiled["reasons"] = frozenset(p["reasons"])
        if rule.kind == "stuffing":
            _compile_stuffing(rule, lists)
        if rule.kind == "terms":
            _compile_terms(rule, lists, compiler)
        if rule.kind == "said":
            _compile_said(rule, compiler)
        if p.get("cohesion") is not None or p.get("detached"):
            # one set for every rule: the article counts its content words once, by it (cleaner._Article)
            if cohesion_stop is None:
                cohesion_stop = frozenset(w.lower() for w in lists["en_function_words"])
            rule.compiled["cohesion_stop"] = cohesion_stop
        if "not_tlds" in p:
            rule.compiled["not_tlds"] = frozenset(w.lower() for w in _words(p["not_tlds"], rule, "not_tlds", lists))
            rule.compiled["spelt_tlds"] = frozenset(w.lower() for w in _words(p["spelt_tlds"], rule, "spelt_tlds",
                                                                              lists))
    return RuleSet(rules=active, lists=lists, vars=vars_, files=[str(f) for f in files])
