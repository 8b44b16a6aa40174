"""Foreign spans: text judged against its own sentence, not the article.

An injector pastes its ad at any character of someone else's sentence. What
gives such a span away, whatever it sells, is how it sits there:

- **another script, glued** (``script_cuts``): a run of ideographs inside an
  English sentence, glued to one of its words with no space (``rowed鱼缸造景上门
  布置 across the river``). English that quotes Chinese sets it apart (a
  space, quotation marks, brackets, a comma); a run glued to a Latin letter
  in a sentence that is otherwise English was pasted there, unless a bracket
  right after it glosses it in Latin letters (a name given in both scripts:
  ``Sparta金锺国演唱会（Sparta KIM JONG KOOK Showcase）``);
- **another script, glued at the end** (``tail_cuts``): an English paragraph
  that goes on, glued with no space to its last word or sentence end, in a
  run of ideographs that runs to the block's end with no sentence end of its
  own (``…egrets feed in the shallows at dusk.公众号代写文案，千字八十``). A
  translation or a caption set after English text is its own sentence (it
  ends on 。) or stands apart; a paragraph that holds ideographs before is
  bilingual, not English.
"""

from __future__ import annotations

import re

# a run of ideographs (and the Chinese punctuation between them) at least
# ``min_chars`` ideographs long is looked for in the rule; this is its shape
_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff][\u3400-\u9fff\uf900-\ufaff，、；：！？。·]*"
                  r"[\u3400-\u9fff\uf900-\ufaff]")
_IDEOGRAPH = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
# an English sentence's end (a run is judged against the sentence it sits in)
_EN_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
# a bracket of Latin text right after a run: its gloss
_GLOSS = re.compile(r"\s?[（(][^（）()\u3400-\u9fff]*[A-Za-z]{2,}[^（）()\u3400-\u9fff]*[）)]")


def _english_sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the English sentence holding ``text[start:end]``."""
    lo = 0
    for m in _EN_SENTENCE_END.finditer(text, 0, start):
        lo = m.end()
    m = _EN_SENTENCE_END.search(text, end)
    return lo, m.end() if m else len(text)


def script_cuts(text: str, min_chars: int, min_words: int) -> list[tuple[int, int]]:
    """Runs of at least ``min_chars`` ideographs glued (no space) to a Latin
    letter or digit inside an English sentence (English words on both
    sides): one holding at least ``min_words`` English words and no other
    ideograph."""
    if not _LATIN.search(text):
        return []
    out = []
    for m in _RUN.finditer(text):
        s, e = m.span()
        glued = (s > 0 and text[s - 1].isascii() and text[s - 1].isalnum()) or (
            e < len(text) and text[e].isascii() and text[e].isalnum())
        if not glued or len(_IDEOGRAPH.findall(m.group())) < min_chars or _GLOSS.match(text, e):
            continue
        lo, hi = _english_sentence(text, s, e)
        rest = text[lo:s] + " " + text[e:hi]
        # inside the sentence: English on both sides (Chinese that ends it goes on in Chinese)
        inside = _ENGLISH_WORD.search(text, lo, s) and _ENGLISH_WORD.search(text, e, hi)
        if inside and len(_ENGLISH_WORD.findall(rest)) >= min_words and not _IDEOGRAPH.search(rest):
            out.append((s, e))
    return out


# the run glued at the end of an English paragraph (``tail_cuts``): ideographs, the
# Chinese clause marks and Latin letters or digits among them, to the block's end
_TAIL = re.compile(r"(?<=[A-Za-z0-9.!?,;:)'\"’”])[\u3400-\u9fff\uf900-\ufaff]"
                   r"[\u3400-\u9fff\uf900-\ufaff，、；：0-9A-Za-z]*\s*$")


def tail_cuts(text: str, min_chars: int, min_words: int) -> list[tuple[int, int]]:
    """The run of at least ``min_chars`` ideographs glued (no space) to the
    end of a paragraph otherwise English (``min_words`` English words at
    least, no ideograph), with no sentence end of its own."""
    m = _TAIL.search(text)
    if m is None:
        return []
    head = text[:m.start()]
    if len(_IDEOGRAPH.findall(m.group())) < min_chars or _IDEOGRAPH.search(head):
        return []
    if len(_ENGLISH_WORD.findall(head)) < min_words:
        return []
    return [(m.start(), len(text.rstrip()))]
