"""Language of one block of text: script analysis first, langdetect last.

Most blocks are told by their script alone (Han -> zh, kana -> ja, hangul ->
ko, ...), which costs a few regex scans. Only text whose script is shared by
several languages (Latin, Cyrillic, Arabic, Devanagari) needs more: a count of
function words settles most of it, and langdetect, on a bounded sample, the
rest. langdetect runs on factories owned by the detector with a fixed seed,
so answers never depend on another module's use of langdetect or on the run.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from crawler.language.rules import Rules, Script

UNDETERMINED = "und"

# Addresses and identifiers are not language: a link farm of domains would
# make a Chinese paragraph look Latin, and so would DOWNLOAD_DELAY. Dotted
# names must be lowercase, so that "end.Start" (a missing space) survives.
# Each pattern runs only when its marker character is in the text.
_NOT_LANGUAGE = (
    ("@", re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")),
    (".", re.compile(r"(?:https?://|www\.)[!-~]+|(?<![A-Za-z0-9.-])(?:[a-z0-9-]+\.)+[a-z]{2,6}(?![A-Za-z0-9])")),
    ("_", re.compile(r"(?<![A-Za-z0-9_])[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+")),
)


def _language_only(text: str) -> str:
    for marker, pattern in _NOT_LANGUAGE:
        if marker in text:
            text = pattern.sub(" ", text)
    return text


@dataclass(frozen=True)
class Guess:
    """What a block alone tells of its language.

    ``sure`` guesses stand; the others (too short, or langdetect unsure) take
    the context's language when it is in ``compatible``, else keep ``lang``.
    """

    lang: str
    sure: bool
    compatible: tuple[str, ...] = ()
    method: str = "script"  # script, stopwords, langdetect, short, unsure, none, neutral


# langdetect's factories by (profiles, seed), built on first use and kept for the process:
# every detector built since (each build of the stages) reads the same (~20 MB, 0.3 s a load);
# a factory is read-only once loaded, its detectors are made per text
_FACTORIES: dict[tuple[tuple[str, ...], int], DetectorFactory] = {}

_NOTHING = Guess(UNDETERMINED, True, method="none")
_NEUTRAL = Guess(UNDETERMINED, True, method="neutral")


def _char_class(script: Script) -> str:
    parts = []
    for start, end in script.ranges:
        parts.append(re.escape(chr(start)) if start == end else f"{re.escape(chr(start))}-{re.escape(chr(end))}")
    return "[" + "".join(parts) + "]"


class LanguageDetector:
    """Tells the language of a text under the given rules. Deterministic."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self._scripts = rules.scripts
        self._runs = [re.compile(_char_class(s) + "+") for s in rules.scripts]
        index = {s.name: i for i, s in enumerate(rules.scripts)}
        self._absorbing = [(i, index[s.absorbs], s.absorb_share) for i, s in enumerate(rules.scripts)
                           if s.absorbs and s.absorbs in index]
        self._tags = _script_tags(rules.scripts)
        # the same as numbers (0: no script), for arrays of code points
        self._tag_numbers = np.array([ord(tag) if tag else 0 for tag in self._tags], dtype=np.uint16)
        # per script: its guess when it is the only one in a text long enough (None: the
        # script counts words, or tells no language alone, or weighs nothing)
        self._sure = [Guess(s.lang, True, s.languages(rules.aliases), "script")
                      if s.lang and not s.words and s.weight > 0 else None for s in rules.scripts]

    # -- one text -------------------------------------------------------------

    def guess(self, text: str, block_type: str | None = None) -> Guess:
        if block_type in self.rules.neutral_types:
            return _NEUTRAL
        sample = self._sample(text)
        return self._guess(sample, self._script_counts(sample))

    def _sample(self, text: str) -> str:
        """What of a text is read: its head, middle and tail, addresses left out."""
        return _language_only(_window(text, self.rules.scan_chars))

    def _guess(self, sample: str, counts: dict[int, int]) -> Guess:
        if not counts:
            return _NOTHING
        if len(counts) == 1:  # one script: what the steps below come to when it tells the language alone
            (i, count), = counts.items()
            if (sure := self._sure[i]) is not None and count >= self._scripts[i].min_chars:
                return sure
        present = sorted(counts)
        # runs of characters only for the scripts that count words, or whose words are read below
        runs = {i: self._runs[i].findall(sample) for i in present if self._scripts[i].words}
        units = {i: float(len(runs[i])) if self._scripts[i].words else counts[i] * self._scripts[i].weight
                 for i in present}
        for i, j, share in self._absorbing:
            if counts.get(i) and j in counts and counts[i] >= share * (counts[i] + counts[j]):
                counts[i] += counts[j]
                units[i] += units[j]
                counts[j] = 0
                units[j] = 0.0
        best = max(present, key=lambda i: (units[i], -i))
        if units[best] == 0:
            return _NOTHING
        script = self._scripts[best]
        languages = script.languages(self.rules.aliases)
        if counts[best] < script.min_chars:
            return self._short(counts, units)
        if script.lang:
            return Guess(script.lang, True, languages, "script")
        words = runs[best] if best in runs else self._runs[best].findall(sample)
        return self._by_stopwords(words, languages) or self._by_langdetect(script, words, languages)

    def _script_counts(self, text: str) -> dict[int, int]:
        """Characters of each script occurring in the text, by script index: the
        text translated to script tags in one C call (a set of its characters
        would cost more: each CJK character is an object to hash), then counted."""
        tags = text.translate(self._tags)
        counts: dict[int, int] = {}
        for tag in set(tags):
            code = ord(tag)
            if code <= len(self._scripts):
                counts[code - 1] = counts.get(code - 1, 0) + tags.count(tag)
                continue
            for i, script in enumerate(self._scripts):  # beyond the table: left as it was
                if any(lo <= code <= hi for lo, hi in script.ranges):
                    counts[i] = counts.get(i, 0) + tags.count(tag)
        return counts

    def _all_script_counts(self, samples: list[str]) -> list[dict[int, int]]:
        """``_script_counts`` of each sample, for them all in a few array
        operations (~3x less than a translation of each, on Chinese text):
        their code points looked up in a table of script numbers and counted
        by (sample, script). Samples holding characters beyond the table
        (emoji) are counted one by one."""
        codes = np.frombuffer("".join(samples).encode("utf-32-le", "surrogatepass"), dtype="<u4")
        if np.maximum.reduce(codes, initial=0) >= _TABLE_SIZE:
            return [self._script_counts(sample) for sample in samples]
        columns = len(self._scripts) + 1  # column 0: no script
        rows = len(samples)
        cells = np.bincount(np.arange(0, rows * columns, columns).repeat([len(s) for s in samples])
                            + self._tag_numbers.take(codes), minlength=rows * columns).reshape(rows, columns)[:, 1:]
        counts: list[dict[int, int]] = [{} for _ in samples]
        where = np.nonzero(cells)
        for row, script, count in zip(*(part.tolist() for part in (*where, cells[where]))):
            counts[row][script] = count
        return counts

    def _short(self, counts: dict[int, int], units: dict[int, float]) -> Guess:
        """Too little text to tell: any language of the scripts present may come
        from the context ("微信号 gcdyweixin" in a Chinese article is Chinese);
        alone, the strongest script that tells a language gives it, else und."""
        present = sorted((i for i, n in counts.items() if n), key=lambda i: (-units[i], i))
        languages = tuple(dict.fromkeys(
            lang for i in present for lang in self._scripts[i].languages(self.rules.aliases)))
        own = next((self._scripts[i].lang for i in present if self._scripts[i].lang), UNDETERMINED)
        return Guess(own, False, languages, "short")

    def _by_stopwords(self, words: list[str], languages: tuple[str, ...]) -> Guess | None:
        if not words:
            return None
        hits: Counter[str] = Counter()
        for word in words:
            hits.update(self.rules.stopwords.get(word.lower(), ()))
        ranked = [(n, lang) for lang, n in hits.most_common(2)]
        if not ranked or ranked[0][1] not in languages:
            return None
        top, lang = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0
        rules = self.rules
        if (top >= rules.stopword_min_hits and top >= rules.stopword_min_share * len(words)
                and top >= rules.stopword_margin * runner_up):
            return Guess(lang, True, languages, "stopwords")
        return None

    def _by_langdetect(self, script: Script, words: list[str], languages: tuple[str, ...]) -> Guess:
        sample = " ".join(words)[: self.rules.sample_chars]
        detector = self._factory(script).create()
        detector.set_max_text_length(self.rules.sample_chars)
        detector.append(sample)
        try:
            ranked = [(self.rules.code(p.lang), p.prob) for p in detector.get_probabilities()]
        except LangDetectException:  # no usable n-grams
            return Guess(UNDETERMINED, False, languages, "short")
        if not ranked:
            return Guess(UNDETERMINED, False, languages, "short")
        lang, prob = ranked[0]
        if sum(map(len, words)) < self.rules.sure_chars:
            return Guess(lang, False, languages, "unsure")
        if prob >= self.rules.min_probability:
            return Guess(lang, True, languages, "langdetect")
        plausible = tuple(code for code, p in ranked if p >= self.rules.context_probability)
        return Guess(lang, False, plausible, "unsure")

    def prepare(self) -> LanguageDetector:
        """Load every langdetect profile now rather than on first need."""
        for script in self._scripts:
            if script.candidates:
                self._factory(script)
        return self

    def _factory(self, script: Script) -> DetectorFactory:
        key = (script.candidates, self.rules.seed)
        factory = _FACTORIES.get(key)
        if factory is None:
            factory = DetectorFactory()
            factory.set_seed(self.rules.seed)  # an instance attribute: the class default stays None
            profiles = []
            for name in script.candidates:
                with open(f"{PROFILES_DIRECTORY}/{name}", encoding="utf-8") as handle:
                    profiles.append(handle.read())
            factory.load_json_profile(profiles)
            _FACTORIES[key] = factory
        return factory

    # -- blocks of one article -------------------------------------------------

    def tag_blocks(self, blocks: list[dict]) -> list[Guess]:
        """Set ``lang`` on every block; return the guesses (for stats).

        A block that cannot tell alone takes the language of the nearest sure
        block (a heading looks forward first, other blocks back), then the
        article's main language, when the block's script allows it.
        """
        neutral = self.rules.neutral_types
        samples = {i: self._sample(block.get("text") or "") for i, block in enumerate(blocks)
                   if block.get("type") not in neutral}
        counts = dict(zip(samples, self._all_script_counts(list(samples.values()))))
        guesses = [self._guess(samples[i], counts[i]) if i in samples else _NEUTRAL for i in range(len(blocks))]
        sure = [g.lang if g.sure and g.lang != UNDETERMINED else None for g in guesses]
        previous, following = _nearest(sure), _nearest(sure[::-1])[::-1]
        main = _main_language(blocks, sure)
        for i, (block, guess) in enumerate(zip(blocks, guesses)):
            if guess.sure:
                block["lang"] = guess.lang
                continue
            order = (following[i], previous[i]) if block.get("type") == "heading" else (previous[i], following[i])
            block["lang"] = next((lang for lang in (*order, main) if lang in guess.compatible), guess.lang)
        return guesses


_TABLE_SIZE = 0x10000  # the Basic Multilingual Plane: other characters are rare, and looked up in the ranges


def _script_tags(scripts) -> list[str]:
    """A ``str.translate`` table: per code point, ``chr(1 + index)`` of its
    script, or "" (dropped) when it belongs to none (ranges never overlap)."""
    table = [""] * _TABLE_SIZE
    for index, script in enumerate(scripts):
        tag = chr(1 + index)
        for start, end in script.ranges:
            stop = min(end + 1, _TABLE_SIZE)
            if start < stop:
                table[start:stop] = [tag] * (stop - start)
    return table


def _window(text: str, limit: int) -> str:
    """The text, or its head, middle and tail when longer than ``limit``."""
    if len(text) <= limit:
        return text
    part = limit // 3
    middle = (len(text) - part) // 2
    return " ".join((text[:part], text[middle:middle + part], text[-part:]))


def _nearest(langs: list[str | None]) -> list[str | None]:
    """For each position, the last non-None value strictly before it."""
    out, last = [], None
    for lang in langs:
        out.append(last)
        if lang is not None:
            last = lang
    return out


def _main_language(blocks: list[dict], sure: list[str | None]) -> str | None:
    chars: dict[str, int] = {}
    for block, lang in zip(blocks, sure):
        if lang is not None:
            chars[lang] = chars.get(lang, 0) + len(block.get("text") or "")
    return min(chars, key=lambda lang: (-chars[lang], lang)) if chars else None
