"""CSS selectors of the site rules, answered from one index of a tree.

lxml's ``CSSSelector`` is an XPath walk of the whole tree per call (~10 us on
a small page; a Sohu article asks two dozen). Most selectors in the rules are
simple: compound selectors (``tag``, ``#id``, ``.class``, ``[attr]``,
``[attr=v]``, ``[attr*=v]``, ``[attr^=v]``, ``[attr$=v]``) joined by the
descendant combinator. ``TreeIndex`` walks the tree once, indexing its elements
by id, class, tag and attribute name; a simple selector then reads its
candidates from the index and checks their ancestors, right to left. Any
other selector (other combinators, pseudo-classes, escapes, groups) is
answered by its ``CSSSelector``. The answers are the ``CSSSelector``'s: the
elements under the root (itself included) in document order, with the
same (XML, case-sensitive) names and the class test of XML whitespace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml.cssselect import CSSSelector

_COMPOUND = re.compile(
    r"(?P<tag>[A-Za-z][\w-]*|\*)?"
    r"(?P<parts>(?:#[\w-]+|\.[\w-]+|\[\s*[A-Za-z_][\w-]*\s*(?:[*^$]?=\s*(?:'[^'\\]*'|\"[^\"\\]*\"|[\w-]+)\s*)?\])*)$"
)
_PART = re.compile(r"#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)|\[\s*(?P<attr>[A-Za-z_][\w-]*)\s*"
                   r"(?:(?P<op>[*^$]?=)\s*(?:'(?P<q1>[^']*)'|\"(?P<q2>[^\"]*)\"|(?P<bare>[\w-]+))\s*)?\]")
_XML_SPACE = re.compile(r"[ \t\r\n]+")


def _classes(value: str) -> tuple[str, ...] | set[str]:
    """The names of a ``class`` attribute's value (maybe an empty one): the value
    itself when it holds no XML space, as most do (no regex split, no set)."""
    if " " in value or "\t" in value or "\n" in value or "\r" in value:
        return set(_XML_SPACE.split(value))
    return (value,)


@dataclass(frozen=True)
class _Compound:
    tag: str | None
    id: str | None
    classes: tuple[str, ...]
    attrs: tuple[tuple[str, str | None, str | None], ...]  # (name, operator, value)

    def matches(self, el) -> bool:
        if self.tag is not None and el.tag != self.tag:
            return False
        if self.id is not None and el.get("id") != self.id:
            return False
        if self.classes:
            have = _classes(el.get("class") or "")
            if not all(c in have for c in self.classes):
                return False
        for name, op, value in self.attrs:
            found = el.get(name)
            if found is None:
                return False
            if op == "=" and found != value:
                return False
            if op in ("*=", "^=", "$=") and not value:
                return False  # an empty value matches nothing (CSS and cssselect)
            if (op == "*=" and value not in found or op == "^=" and not found.startswith(value)
                    or op == "$=" and not found.endswith(value)):
                return False
        return True


def _compound(text: str) -> _Compound | None:
    m = _COMPOUND.match(text)
    if m is None:
        return None
    tag = None if m.group("tag") in (None, "*") else m.group("tag")
    ident, classes, attrs = None, [], []
    for part in _PART.finditer(m.group("parts")):
        if part.group("id") is not None:
            if ident is not None and ident != part.group("id"):
                return None  # two ids: left to cssselect
            ident = part.group("id")
        elif part.group("cls") is not None:
            classes.append(part.group("cls"))
        else:
            value = next((v for v in (part.group("q1"), part.group("q2"), part.group("bare")) if v is not None), None)
            attrs.append((part.group("attr"), part.group("op"), value))
    return _Compound(tag, ident, tuple(classes), tuple(attrs))


def _simple(css: str) -> tuple[_Compound, ...] | None:
    """The compounds of a selector of descendant combinators only, or None."""
    words = css.split()
    if not words or any(c in css for c in ",>+~:\\()"):
        return None
    compounds = tuple(_compound(word) for word in words)
    return None if any(c is None for c in compounds) else compounds


class TreeIndex:
    """The elements under ``root`` (itself included), indexed once. The tree may
    lose elements afterwards (answers leave out what is no longer under the
    root); it must not gain any, nor attributes an indexed selector reads."""

    def __init__(self, root):
        self.root = root
        self.elements: list = []
        self.by_id: dict[str, list] = {}
        self.by_class: dict[str, list] = {}
        self.by_tag: dict[str, list] = {}
        self.by_attr: dict[str, list] = {}
        elements, by_tag, by_attr, by_id, by_class = self.elements, self.by_tag, self.by_attr, self.by_id, self.by_class
        for el in root.iter(etree.Element):
            elements.append(el)
            by_tag.setdefault(el.tag, []).append(el)
            for name in el.keys():  # the names alone: most values are never read (~4x less than items)
                by_attr.setdefault(name, []).append(el)
                if name == "id":
                    by_id.setdefault(el.get(name), []).append(el)
                elif name == "class" and (value := el.get(name)):
                    for cls in _classes(value):
                        if cls:
                            by_class.setdefault(cls, []).append(el)

    def rooted(self, root) -> TreeIndex:
        """The same index answering for the elements under ``root`` (itself
        included), an element of the indexed tree: no second walk of it."""
        view = TreeIndex.__new__(TreeIndex)  # the same tables (copy.copy: ~2 us, six times this)
        view.__dict__.update(self.__dict__)
        view.root = root
        return view

    def candidates(self, compound: _Compound) -> list:
        if compound.id is not None:
            return self.by_id.get(compound.id, [])
        if compound.classes:
            return self.by_class.get(compound.classes[0], [])
        if compound.attrs:
            return self.by_attr.get(compound.attrs[0][0], [])
        if compound.tag is not None:
            return self.by_tag.get(compound.tag, [])
        return self.elements

    def holds(self, el) -> bool:
        """``el`` is still the root or under it (the tree may have lost elements since the index)."""
        # ``in`` compares by identity first, and lxml's elements by identity only: a C loop
        # (~7x less than a generator of ``is`` over a page's meta elements)
        return el is self.root or self.root in el.iterancestors()

    def under(self, el, compounds: tuple[_Compound, ...]) -> bool:
        """``el``'s ancestors, up to the root, match ``compounds`` (right to left)."""
        want = len(compounds) - 1
        if want < 0:
            return True
        if el is self.root:
            return False
        for ancestor in el.iterancestors():
            if compounds[want].matches(ancestor):
                want -= 1
                if want < 0:
                    return True
            if ancestor is self.root:
                return False
        return False


class Selector:
    """One CSS selector: ``select(index)`` gives what ``CSSSelector(css)(index.root)`` gives."""

    def __init__(self, css: str):
        self.css = css
        self.xpath = CSSSelector(css)  # also checks the selector
        self.compounds = _simple(css)

    def select(self, index: TreeIndex) -> list:
        if self.compounds is None:
            return self.xpath(index.root)
        return list(self._matching(index))

    def first(self, index: TreeIndex):
        """``select(index)[0]`` (None when empty), the candidates tried only up to it."""
        if self.compounds is None:
            found = self.xpath(index.root)
            return found[0] if found else None
        return next(self._matching(index), None)

    def _matching(self, index: TreeIndex):
        """The elements matched, in document order (the index's lists are)."""
        last, before = self.compounds[-1], self.compounds[:-1]
        return (el for el in index.candidates(last)
                if last.matches(el) and index.under(el, before) and index.holds(el))


def compile_indexed(selectors: list[str]) -> list[Selector]:
    return [Selector(css) for css in selectors]


def first_of(selectors: list[Selector], index: TreeIndex):
    """The first element of the first selector that matches, or None."""
    for selector in selectors:
        if (found := selector.first(index)) is not None:
            return found
    return None
