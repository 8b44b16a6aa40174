"""Flatten an article's body element into blocks, marking hidden text and links.

Shared by the site parsers (WeChat, Sohu) and usable by any HTML stage.

API
---
``flatten(root, *, image_attrs=("data-src", "src"), base_url=None, sheet=None) -> Flattened``
    Walk ``root`` (an lxml element: the body container) in document order and
    return ``Flattened(blocks, images)``:

    - ``blocks``: ``{"type", "text", "lang": None}`` dicts in reading order, plus
      ``"spans"`` when the block has marks. ``type`` is the innermost structural
      context of the text: ``h1``-``h6`` heading, ``li``/``dt``/``dd`` list_item,
      ``blockquote`` quote, ``figcaption``/``caption`` caption, ``pre`` code,
      ``table`` table (rows joined by "\\n", cells by "\\t"), else paragraph.
      Every block-level element (p, div, section, li, ...) is a boundary, so
      deep ``section``/``span`` nesting collapses to one block per visual
      paragraph; a ``<br>`` starts a new block (inside headings, list items and
      table cells it is a space; inside ``pre`` a newline). Whitespace runs
      collapse to one space (``pre`` keeps its lines), zero-width characters go,
      and blocks left with no text (``<p><br></p>``, empty decoration) are dropped.
    - ``spans``: ``[start, end, kind, value]`` over the block's text, sorted by
      start. ``kind`` "hidden" marks text inside a descendant hidden by CSS;
      ``value`` is one of ``HIDDEN_REASONS``: "display:none",
      "visibility:hidden" (unless a descendant sets ``visibility: visible``),
      "font-size:0" (below 2px, unless a descendant sets a size), "opacity:0",
      "off-screen" (left/top/right/margin/text-indent at -999px or beyond, or
      a translate that far), "hidden-attribute" (the ``hidden`` attribute),
      "zero-size" (a height, width or line-height of at most 1px with overflow hidden, or
      ``scale(0)``), "clipped" (``clip: rect(0 0 0 0)``, ``clip-path:
      inset(50%)``), "transparent" (a transparent text colour, unless a
      descendant sets a colour or the element paints its background through
      the text: ``background-clip: text`` gradient headings), "same-colour"
      (a text colour equal to the colour behind it: the nearest
      ``background``, white by default; unknown over an image). With
      ``sheet`` (the page's ``<style>`` text, ``page_stylesheet``), the rules
      of the sheet that may hide text apply to the elements their selectors
      match (via lxml's cssselect), with those that may show it again, in
      the cascade's order (specificity, then the sheet's order; the
      element's own ``style`` after; ``!important`` last); text they hide
      has the value ``"style-rule "`` + reason (``STYLE_RULE``).
      ``root``'s own style is never considered (WeChat's ``#js_content`` is
      ``visibility: hidden`` until its scripts run). ``kind`` "link" marks the
      text of an ``<a href>``; ``value`` is the href (resolved against
      ``base_url`` when given). Hidden text is kept in the text, only marked:
      the clean stage removes it and records the removal.
    - ``images``: ``{"url", "alt"}`` dicts in order, deduplicated, from the
      first of ``image_attrs`` holding a non-``data:`` URL (WeChat keeps the
      real URL in ``data-src``); protocol-relative URLs get ``https:``. Images
      inside ``display:none``/``hidden`` subtrees are left out.

    Scripts, styles, templates, form controls and comments contribute nothing.

``slice_element(html, start_pattern) -> str | None``
    The markup of one element, from the opening tag matched by the regex
    ``start_pattern`` to its balanced closing tag, without parsing the rest of
    the page (the real WeChat pages are megabytes of scripts around a small
    body). ``None`` when the opening tag is absent; the rest of the page when
    the closing tag is missing (lxml closes what is left open).

``fragment(markup) -> lxml element``
    Parse a slice from ``slice_element`` (or any fragment) into one element.

``hidden_reason(style) -> str | None`` and ``css_state``
    The CSS test used above, for callers that inspect single elements.

``style_rules(css) -> [(selectors, declarations)]`` and ``specificity(selector)``
    A sheet's rules in order (nested rules written out, @-blocks that hold on
    any screen opened), and a selector's weight in the cascade.
"""

from __future__ import annotations

import colorsys
import functools
import itertools
import re
from typing import NamedTuple
from urllib.parse import urljoin

import lxml.html

from crawler.parsing.pagetext import SPACE_BYTES, UNKNOWN, PageText, text_of
from crawler.parsing.scan import ANY, Found

HIDDEN_REASONS = (
    "display:none", "visibility:hidden", "font-size:0", "opacity:0",
    "off-screen", "hidden-attribute", "zero-size", "clipped", "transparent", "same-colour",
    "content-visibility:hidden",
)
# a hidden span's value when a rule of the page's own <style> hid it: this, then the reason
STYLE_RULE = "style-rule "

_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TYPE_OF_TAG = {
    **{t: "heading" for t in _HEADING_TAGS},
    "li": "list_item", "dt": "list_item", "dd": "list_item",
    "blockquote": "quote", "figcaption": "caption", "caption": "caption",
}
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "header", "hgroup", "hr", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
    "summary", "table", "ul", "tr", "td", "th", "tbody", "thead", "tfoot", "caption",
    "video", "audio", "canvas", "body", "html",
    # WeChat's custom embeds: each stands alone on its line
    "mpvoice", "mpvideo", "qqmusic", "mp-common-profile", "mp-miniprogram", "mpprofile",
    *_HEADING_TAGS,
}
# Elements whose content is not text a reader sees.
_SKIP_TAGS = {
    "script", "style", "noscript", "template", "head", "title", "meta", "link",
    "iframe", "object", "embed", "textarea", "select", "option", "input", "button",
}
# the names lxml's HTML parser gives (lower case already) and their lower case: a look-up
# rather than a new string for each element a walk meets
_LOWER_TAGS = {tag: tag for tag in (*_BLOCK_TAGS, *_SKIP_TAGS, *_TYPE_OF_TAG, "img", "br", "a", "span", "font",
                                    "strong", "b", "em", "i", "u", "sup", "sub", "code", "small", "mark")}
# Inside these contexts a <br> joins lines instead of starting a block.
_BR_AS_SPACE = {"heading", "list_item", "caption"}

_WS = re.compile(r"\s+")
# lxml.html's parser, with its element classes chosen in C: lxml.html's own lookup is a
# Python call for each element object made (each element a walk meets, once per walk);
# only form controls lose their own classes (FormElement, InputElement...), which the
# parsers do not use. What is parsed with it, and the elements added to it, are read so.
HTML_PARSER = lxml.html.HTMLParser()
_ELEMENT_CLASSES = lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity)
HTML_PARSER.set_element_class_lookup(_ELEMENT_CLASSES)
# the same reading UTF-8 bytes (a declared charset not read): lxml hands a str to libxml2 in
# its storage (UTF-16 or UCS-4) to be converted, the bytes as they are (~1/3 less on a WeChat body)
_UTF8_PARSER = lxml.html.HTMLParser(encoding="utf-8")
_UTF8_PARSER.set_element_class_lookup(_ELEMENT_CLASSES)
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200e\u200f\u2060\ufeff]")
_CSS = re.compile(
    r"(?:^|;)\s*(display|visibility|content-visibility|font-size|font|opacity|filter|left|top|right|inset|"
    r"margin-left|margin-top|margin|bottom|inset-(?:inline|block)(?:-start|-end)?|text-indent|transform|translate|"
    r"scale|rotate|zoom|(?:max-)?(?:height|width|block-size|inline-size)|"
    r"overflow(?:-[xy])?|clip|clip-path|color|-webkit-text-fill-color|(?:-webkit-)?background-clip|"
    r"background(?:-color)?|border(?:-(?:top|right|bottom|left))?(?:-(?:width|color))?)\s*:\s*([^;]*)",
    re.IGNORECASE,
)
_SCALE = re.compile(r"scale(?:x|y|z|3d)?\(\s*([^)]*)\)", re.IGNORECASE)
# a 2D matrix of no area (its determinant 0: matrix(0,0,0,0,0,0))
_MATRIX = re.compile(r"matrix\(\s*([^)]*)\)", re.IGNORECASE)
# turned edge-on to the reader: rotateX/rotateY by 90 degrees (or 270, or a quarter turn)
_EDGE_ON = re.compile(r"rotate[xy]\(\s*(-?\d*\.?\d+)\s*(deg|turn|rad|grad)\s*\)", re.IGNORECASE)
_ANGLE_DEG = {"deg": 1.0, "turn": 360.0, "rad": 57.29577951308232, "grad": 0.9}
_CLIP_NOTHING = re.compile(r"rect\(\s*0(?:px)?[\s,]+0(?:px)?[\s,]+0(?:px)?[\s,]+0(?:px)?\s*\)"
                           r"|inset\(\s*(?:50|100)%|(?:circle|ellipse)\(\s*0(?:px|%)?(?:\s|\)|$)", re.IGNORECASE)
_CLIP_RECT = re.compile(r"rect\(([^)]*)\)", re.IGNORECASE)
_CLIP_INSET = re.compile(r"inset\(([^)]*)\)", re.IGNORECASE)
_CLIP_POLYGON = re.compile(r"polygon\(([^)]*)\)", re.IGNORECASE)
_TRANSPARENT = re.compile(r"^(?:transparent|rgba\([^)]*,\s*0*\.?0+%?\s*\)|hsla\([^)]*,\s*0*\.?0+%?\s*\)"
                          r"|(?:rgb|hsl)a?\([^)]*/\s*0*\.?0+%?\s*\)|#[0-9a-f]{6}00|#[0-9a-f]{3}0)$", re.IGNORECASE)
# a filter that leaves nothing to see: opacity(0), the old alpha(opacity=0)
_FILTER_OPACITY = re.compile(r"opacity\(\s*(\d*\.?\d+)(%?)\s*\)|alpha\(\s*opacity\s*=\s*(\d*\.?\d+)", re.IGNORECASE)
# the size in the ``font`` shorthand: the length before the optional /line-height and the family
_FONT_SIZE = re.compile(r"(?:^|\s)(0|\d*\.?\d+(?:px|em|rem|pt|%))(?=\s*/|\s+[^\s/])", re.IGNORECASE)
_FAINT_OPACITY = 0.05  # at or below this a box is not seen (opacity:.01 is a hiding trick)
_TINY_SCALE = 0.05  # scaled to this or less, text is a dot
# colours this close (per channel, 0-255) to the colour behind them are not told apart
_NEAR_COLOUR = 8
_TINY_FONT_PX = 2  # text smaller than this is not meant to be read
# sizes relative to the parent's: under a font of no size, no size
_RELATIVE_FONT = re.compile(r"\s*(?:\d*\.?\d+\s*(?:em|ex|ch|%)|smaller|larger)\s*$")
# properties a descendant inherits: "inherit" or "unset" there keeps the parent's state
_INHERITED = frozenset({"visibility", "font-size", "font", "color", "-webkit-text-fill-color", "text-indent"})
_NUMBER = r"-?\d*\.?\d+(?:e[+-]?\d+)?"
_LENGTH = re.compile(rf"({_NUMBER})\s*(px|em|rem|pt|%|vw|vh)?", re.IGNORECASE)
# the terms of a calc() of sums and differences: an operator, then a length
_CALC_TERM = re.compile(rf"\s*([+-](?=\s))?\s*({_NUMBER})\s*(px|em|rem|pt|%|vw|vh)?\s*", re.IGNORECASE)
_TRANSLATE = re.compile(r"translate(?:x|y|z|3d)?\(([^)]*)\)", re.IGNORECASE)
# a translate's length (a percentage is of the box itself: no telling how far it goes)
_SHIFT = re.compile(rf"({_NUMBER})\s*(px|em|rem|vw|vh)?", re.IGNORECASE)
_IMPORTANT = re.compile(r"!\s*important", re.IGNORECASE)
# read only in a box that clips (line-height is in nearly every style of WeChat's editor)
_LINE_HEIGHT = re.compile(r"(?:^|;)\s*line-height\s*:\s*([^;!]*)", re.IGNORECASE)
_SIZES = frozenset({"height", "max-height", "width", "max-width", "block-size", "max-block-size",
                    "inline-size", "max-inline-size"})
_UNITLESS = re.compile(r"\d*\.?\d+")
_OFFSCREEN_PX = -999  # the "-9999px" family; small negative offsets are layout
# a viewport unit is read as 10px: -100vw (a screen's width to the left) is -1000px
_UNIT_PX = {"em": 16, "rem": 16, "pt": 4 / 3, "vw": 10, "vh": 10}


class Flattened(NamedTuple):
    blocks: list[dict]
    images: list[dict]


def _px(value: str) -> float | None:
    value = value.strip()
    if value[:5].lower() == "calc(" and value.endswith(")"):
        return _calc_px(value[5:-1])
    m = _LENGTH.match(value)
    if not m:
        return None
    unit = (m.group(2) or "px").lower()
    if unit in ("%", "vw", "vh"):
        return float(m.group(1)) * 10  # -100% and beyond moves a box out of view
    return float(m.group(1)) * _UNIT_PX.get(unit, 1)


def _calc_px(expression: str) -> float | None:
    """A calc() of lengths added and subtracted, in px; None for anything else."""
    total, pos = 0.0, 0
    while pos < len(expression):
        term = _CALC_TERM.match(expression, pos)
        if not term or term.end() == pos or (pos and not term.group(1)):
            return None
        size = _px(term.group(2) + (term.group(3) or ""))
        if size is None:
            return None
        total, pos = total - size if term.group(1) == "-" else total + size, term.end()
    return total if pos else None


class _Css(NamedTuple):
    """Hiding state inherited down the tree."""

    hard: str | None = None  # display:none, opacity:0, off-screen, hidden-attribute, zero-size, clipped
    visibility: bool = False  # visibility:hidden (a descendant may override)
    font_zero: bool = False  # font-size:0 (a descendant may set a size)
    indent_off: bool = False  # text-indent off-screen (inherited, overridable)
    transparent: bool = False  # transparent text colour (a descendant may set a colour)
    color: str | None = None  # the text colour, normalised (inherited)
    backdrop: str | None = "#ffffff"  # the colour painted behind the text (None: an image, unknown)
    via: str = ""  # STYLE_RULE when a rule of the page's <style> hid the text

    def reason(self) -> str | None:
        plain = self._plain()
        return self.via + plain if plain else None

    def _plain(self) -> str | None:
        if self.hard:
            return self.hard
        if self.visibility:
            return "visibility:hidden"
        if self.font_zero:
            return "font-size:0"
        if self.indent_off:
            return "off-screen"
        if self.transparent:
            return "transparent"
        if _alike(self.color, self.backdrop):
            return "same-colour"
        return None


_VISIBLE = _Css()
_NAMED_COLOURS = {"white": "#ffffff", "black": "#000000", "red": "#ff0000", "blue": "#0000ff", "green": "#008000",
                  "yellow": "#ffff00", "gray": "#808080", "grey": "#808080", "silver": "#c0c0c0",
                  "snow": "#fffafa", "whitesmoke": "#f5f5f5", "ghostwhite": "#f8f8ff", "ivory": "#fffff0",
                  "floralwhite": "#fffaf0", "azure": "#f0ffff", "mintcream": "#f5fffa", "seashell": "#fff5ee"}
# rgb()/rgba() with commas or spaces, an alpha after a comma or a slash
_RGB = re.compile(r"^rgba?\(\s*(\d*\.?\d+%?)\s*[,\s]\s*(\d*\.?\d+%?)\s*[,\s]\s*(\d*\.?\d+%?)\s*"
                  r"(?:[,/]\s*(1|1\.0*|0?\.\d+|0|\d+%))?\s*\)$")
_HSL = re.compile(r"^hsla?\(\s*(-?\d*\.?\d+)(?:deg)?\s*[,\s]\s*(\d*\.?\d+)%\s*[,\s]\s*(\d*\.?\d+)%\s*"
                  r"(?:[,/]\s*(\d*\.?\d+%?))?\s*\)$")


def _colour(value: str) -> str | None:
    """A CSS colour as #rrggbb, when it is a plain one; a translucent colour as
    its own (blended with what is behind it, it is at least as close to it),
    unless it is all but transparent."""
    value = re.sub(r"\s+", " ", value.strip().lower())
    value = _NAMED_COLOURS.get(value, value)
    if re.fullmatch(r"#[0-9a-f]{3,4}", value):
        value = "#" + "".join(ch * 2 for ch in value[1:])
    if re.fullmatch(r"#[0-9a-f]{6}(?:[0-9a-f]{2})?", value):
        return value[:7] if len(value) == 7 or int(value[7:], 16) / 255 > _FAINT_OPACITY else None
    m = _RGB.match(value)
    if m and (m.group(4) is None or (_opacity(m.group(4)) or 0) > _FAINT_OPACITY):
        return "#" + "".join(f"{min(round(_opacity(v) * 255 if v.endswith('%') else float(v)), 255):02x}"
                             for v in m.groups()[:3])
    m = _HSL.match(value)
    if m and (m.group(4) is None or (_opacity(m.group(4)) or 0) > _FAINT_OPACITY):
        hue = float(m.group(1)) % 360 / 360
        sat, light = (min(float(m.group(n)), 100) / 100 for n in (2, 3))
        return "#" + "".join(f"{round(v * 255):02x}" for v in colorsys.hls_to_rgb(hue, light, sat))
    return None


def _opacity(value: str) -> float | None:
    """An alpha or opacity value (0.3, 30%) as a number from 0 to 1."""
    value = value.strip()
    try:
        return float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        return None


def _alike(colour: str | None, backdrop: str | None) -> bool:
    """Whether text of ``colour`` cannot be told from ``backdrop`` (both #rrggbb)."""
    if colour is None or backdrop is None:
        return False
    return _alike_colours(colour, backdrop)


@functools.lru_cache(maxsize=4096)  # a page has a few colours, asked of each element painted in them
def _alike_colours(colour: str, backdrop: str) -> bool:
    return all(abs(int(colour[i:i + 2], 16) - int(backdrop[i:i + 2], 16)) <= _NEAR_COLOUR for i in (1, 3, 5))


# the words of a value, a function's arguments kept together: "1px solid rgb(1, 2, 3)"
_WORDS = re.compile(r"\s+(?![^(]*\))")


def _backdrop(value: str, current: str | None) -> str | None:
    """What a ``background``/``background-color`` declaration paints behind the text."""
    value = value.strip().lower()
    if value in ("transparent", "none", "inherit", "initial", "unset", ""):
        return current
    if "url(" in value or "gradient" in value:
        return None  # an image: any colour may show on it
    # the shorthand: its colour is one of its words
    colours = [c for c in (_colour(word) for word in _WORDS.split(value)) if c]
    return colours[0] if colours else None


# styles up to this long are remembered (4,096 of them), and the last 256 of those up to
# _REMEMBERED_LONG_STYLE_CHARS (editors such as mdnice repeat ~700-character styles on every
# paragraph; each costs ~0.1 ms to read): a few MB at most on a hostile page
_REMEMBERED_STYLE_CHARS = 512
_REMEMBERED_LONG_STYLE_CHARS = 4096


def css_state(style: str | None, parent: _Css = _VISIBLE, hidden_attr: bool = False) -> _Css:
    """The hiding state of an element given its ``style`` and its parent's state.

    Remembered per (style, parent state): editors repeat a handful of inline
    styles on every span of a body, so most elements are a dictionary look-up."""
    if style and len(style) > _REMEMBERED_STYLE_CHARS:
        if len(style) > _REMEMBERED_LONG_STYLE_CHARS:
            return _css_state(style, parent, hidden_attr)
        return _remembered_long_css_state(style, parent, hidden_attr)
    return _remembered_css_state(style, parent, hidden_attr)


def _css_state(style: str | None, parent: _Css, hidden_attr: bool) -> _Css:
    hard, visibility, font_zero, indent_off, transparent, color, backdrop, via = parent
    if hidden_attr and hard is None:
        hard = "hidden-attribute"
    if not style:
        return parent._replace(hard=hard) if hard != parent.hard else parent
    if "/*" in style:
        style = _CSS_COMMENT.sub("", style)
    pairs = _CSS.findall(style)
    if "!" in style:  # an !important declaration wins over every normal one, wherever it stands
        pairs = sorted(((prop, value.lower()) for prop, value in pairs), key=lambda pair: "!" in pair[1])
        pairs = [(prop, _IMPORTANT.sub("", value)) for prop, value in pairs]
    # the last declaration of a property wins
    declared = {prop.lower(): value.strip().lower() for prop, value in pairs}
    props = list(declared.items())
    # a box of no size that clips what overflows shows nothing of its content
    clips = any(declared.get(p) in ("hidden", "clip") for p in ("overflow", "overflow-x", "overflow-y"))
    # gradient text paints the background through a transparent colour
    painted = "text" in (declared.get("background-clip", ""), declared.get("-webkit-background-clip", ""))
    thick_border = None  # read when the first border declaration comes
    if clips and hard is None and _flat_lines(style):
        hard = "zero-size"
    for prop, value in props:
        if value in ("inherit", "unset") and prop in _INHERITED:
            continue  # the parent's state holds
        if prop in _SIZES:
            size = _px(value)
            if clips and size is not None and size <= 1 and hard is None:
                hard = "zero-size"
        elif prop in ("clip", "clip-path"):
            if _clips_all(value) and hard is None:
                hard = "clipped"
        elif prop in ("color", "-webkit-text-fill-color"):
            transparent = bool(_TRANSPARENT.match(value.replace(" ", ""))) and not painted
            color = None if painted else _colour(value)
        elif prop in ("background", "background-color"):
            backdrop = _backdrop(value, backdrop)
        elif prop.startswith("border"):
            if thick_border is None:
                thick_border = _thick_border(declared)
            if thick_border:
                backdrop = None  # a wide coloured border may be what lies behind the text (ribbons)
        elif prop in ("overflow", "overflow-x", "overflow-y", "background-clip", "-webkit-background-clip"):
            pass  # read above
        elif prop == "display":
            if value == "none" and hard is None:
                hard = "display:none"
        elif prop == "visibility":
            visibility = value in ("hidden", "collapse")
        elif prop == "content-visibility":
            if value == "hidden" and hard is None:
                hard = "content-visibility:hidden"
        elif prop in ("font-size", "font"):
            size = _font_px(value) if prop == "font-size" else _font_size(value)
            if font_zero and _RELATIVE_FONT.match(value):
                pass  # a share of no size is no size
            elif size is not None or prop == "font-size":
                font_zero = size is not None and size < _TINY_FONT_PX
        elif prop == "zoom":
            factor = _opacity(value)
            if factor is not None and 0 < factor <= _TINY_SCALE and hard is None:
                hard = "zero-size"  # (zoom: 0 is read as no zoom by some browsers)
        elif prop in ("opacity", "filter"):
            if _faint(prop, value) and hard is None:
                hard = "opacity:0"
        elif prop == "text-indent":
            shift = _px(value)
            # far to the left, or past the box's right edge with the overflow clipped
            indent_off = shift is not None and (shift <= _OFFSCREEN_PX or (clips and shift >= -_OFFSCREEN_PX))
        elif prop in ("transform", "translate", "scale", "rotate"):
            moved = _transformed(prop, value)
            if moved and hard is None:
                hard = moved
        else:  # left, top, right, bottom, inset, margin, margin-left, margin-top
            shifts = [_px(part) for part in _moving_parts(prop, value)]
            if any(shift is not None and shift <= _OFFSCREEN_PX for shift in shifts) and hard is None:
                hard = "off-screen"
    return _Css(hard, visibility, font_zero, indent_off, transparent, color, backdrop, via)


_WIDE_BORDER_PX = 4


def _thick_border(declared: dict) -> bool:
    """Whether the borders declared are wide and coloured: a box drawn with
    them (a ribbon, a badge) paints its own colour behind the text."""
    words = [w for k, v in declared.items() if k.startswith("border") for w in _WORDS.split(v)]
    widths = [w for w in map(_px, words) if w is not None]
    return bool(widths) and max(widths) >= _WIDE_BORDER_PX and any(map(_colour, words))


def _flat_lines(style: str) -> bool:
    """Whether the last ``line-height`` of ``style`` is at most 1px: in a box that
    clips, lines that high show nothing (a unitless height is a multiple of the
    font's size)."""
    heights = _LINE_HEIGHT.findall(style)
    if not heights:
        return False
    size = _px(heights[-1])
    if size is not None and _UNITLESS.fullmatch(heights[-1].strip()):
        size *= 16
    return size is not None and size <= 1


def _font_size(value: str) -> float | None:
    """The size the ``font`` shorthand sets (``0/0 a``, ``italic 0px serif``), in px."""
    m = _FONT_SIZE.search(value)
    return _font_px(m.group(1)) if m else None


def _font_px(value: str) -> float | None:
    """A font size in px (a percentage is of the parent's size, taken as 16px)."""
    value = value.strip()
    if value.endswith("%"):
        share = _opacity(value)
        return None if share is None else share * 16
    return _px(value)


def _moving_parts(prop: str, value: str) -> list[str]:
    """The lengths of an offset declaration that move the box: every side of
    ``inset``, the top and left margins of ``margin``, else the value."""
    if prop.startswith("inset"):
        return value.split()
    if prop == "margin":
        parts = value.split() or [""]
        return [parts[0], parts[3] if len(parts) == 4 else parts[min(1, len(parts) - 1)]]
    return [value]


def _faint(prop: str, value: str) -> bool:
    """Whether an ``opacity`` or a ``filter`` leaves the box all but unseen."""
    if prop == "opacity":
        alpha = _opacity(value)
        return alpha is not None and alpha <= _FAINT_OPACITY
    for number, percent, old in _FILTER_OPACITY.findall(value):
        alpha = float(old) / 100 if old else float(number) / (100 if percent else 1)
        if alpha <= _FAINT_OPACITY:
            return True
    return False


def _numbers(args: str) -> list[float]:
    try:
        return [float(x) for x in re.split(r"[\s,]+", args.strip()) if x]
    except ValueError:
        return []


def _transformed(prop: str, value: str) -> str | None:
    """"off-screen" or "zero-size" when a transform (or the ``translate``,
    ``scale`` and ``rotate`` properties) moves the box far off or leaves it no
    area: a translate to -999px or beyond, a scale to 5% or less, a matrix of
    no area, a turn edge-on (rotateX/rotateY by 90 degrees)."""
    if prop == "translate":
        value = f"translate({value.replace(' ', ',')})"
    elif prop == "scale":
        value = f"scale({value.replace(' ', ',')})"
    elif prop == "rotate":
        axis = re.match(r"\s*([xy])\s+(.*)", value)
        value = f"rotate{axis.group(1)}({axis.group(2)})" if axis else ""
    for args in _TRANSLATE.findall(value):
        for arg in args.split(","):
            shift = _SHIFT.fullmatch(arg.strip())
            if shift and float(shift.group(1)) * _UNIT_PX.get((shift.group(2) or "").lower(), 1) <= _OFFSCREEN_PX:
                return "off-screen"
    for args in _SCALE.findall(value):
        factors = _numbers(args.replace("%", ""))
        if any(abs(f) / (100 if "%" in args else 1) <= _TINY_SCALE for f in factors):
            return "zero-size"
    for args in _MATRIX.findall(value):
        m = _numbers(args)
        if len(m) == 6 and abs(m[0] * m[3] - m[1] * m[2]) <= _TINY_SCALE ** 2:
            return "zero-size"
    for number, unit in _EDGE_ON.findall(value):
        degrees = float(number) * _ANGLE_DEG[unit.lower()] % 180
        if abs(degrees - 90) < 1:
            return "zero-size"
    return None


def _clips_all(value: str) -> bool:
    """Whether ``clip``/``clip-path`` leaves nothing: a rect or an inset of no
    area, a circle of radius 0, a polygon with no area."""
    if _CLIP_NOTHING.search(value):
        return True
    m = _CLIP_RECT.search(value)
    if m:  # rect(top, right, bottom, left): nothing when bottom <= top or right <= left
        edges = [_px(v) for v in re.split(r"[\s,]+", m.group(1).strip())]
        if len(edges) == 4 and None not in edges:
            top, right, bottom, left = edges
            return bottom <= top or right <= left
    m = _CLIP_INSET.search(value)
    if m:  # inset(top right bottom left), percentages of the box
        parts = re.split(r"\s+", m.group(1).split(" round ")[0].strip())
        if 1 <= len(parts) <= 4 and all(re.fullmatch(r"\d*\.?\d+%|0", p) for p in parts):
            v = [float(p.rstrip("%")) for p in parts]
            if len(v) < 4:  # the shorthand: one value for all sides, two for pairs, three
                v = (v * 4)[:2] * 2 if len(v) < 3 else v + [v[1]]
            t, r, b, l = v
            return t + b >= 100 or r + l >= 100
    m = _CLIP_POLYGON.search(value)
    if m:  # fewer than three distinct corners: a point or a line
        corners = {tuple(point.split()) for point in m.group(1).split(",") if point.strip()}
        return len(corners) < 3
    return False


_remembered_css_state = functools.lru_cache(maxsize=4096)(_css_state)
_remembered_long_css_state = functools.lru_cache(maxsize=256)(_css_state)


def hidden_reason(style: str | None, hidden_attr: bool = False) -> str | None:
    """Why an element with this inline ``style`` is hidden, or None."""
    return css_state(style, _VISIBLE, hidden_attr).reason()


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_MEDIA_FEATURE = re.compile(r"\(\s*(min|max)-(?:device-)?(?:width|height)\s*:\s*([^)]*)\)")
# what holds on every screen: at least as narrow as any, at least as wide as any
_SMALLEST_SCREEN_PX = 320
_LARGEST_SCREEN_PX = 10_000


def _media_holds(queries: str) -> bool:
    """Whether a media query list holds on every screen: a type of "screen" or
    "all" (or "not" a type that is no screen), with no feature but a minimum
    size every screen has or a maximum none exceeds. ``(max-width: 480px)``
    (small screens only), ``print`` and ``(prefers-color-scheme: dark)`` do not."""
    for query in queries.lower().split(","):
        words = query.replace("only ", " ").split(" and ")
        kind = words[0].strip()
        if kind.startswith("not "):
            holds = kind[4:].strip() in ("print", "speech")
        else:
            holds = kind in ("", "screen", "all") or bool(_MEDIA_FEATURE.fullmatch(kind))
        features = words if kind.startswith("(") else words[1:]
        for feature in features:
            m = _MEDIA_FEATURE.fullmatch(feature.strip())
            size = _px(m.group(2)) if m else None
            holds &= size is not None and (size <= _SMALLEST_SCREEN_PX if m.group(1) == "min"
                                           else size >= _LARGEST_SCREEN_PX)
        if holds:
            return True
    return False


def _at_block_holds(prelude: str) -> bool:
    """Whether the rules of an @-block hold on any screen: @media (``_media_holds``),
    @supports (unless it says "not"), @layer; none of the others (@keyframes, @font-face...)."""
    name, _, prelude = prelude[1:].strip().partition(" ")
    name, prelude = name.lower(), prelude.strip()
    if name == "media":
        return _media_holds(prelude)
    return name == "layer" or (name == "supports" and not prelude.lower().startswith("not"))


_BRACE = re.compile(r"[{}]")
_MAX_NESTING = 32


class _Block(NamedTuple):
    selectors: tuple | None  # those of the rule (and of the rules around it); None: no rule
    holds: bool  # its rules apply (an @-block that holds, inside blocks that hold)
    slot: int | None  # its place in the rules read (None: an @-block or a block that does not hold)
    parts: list  # its declarations, between the rules nested in it


def _nest(outer: str, inner: str) -> str:
    """A nested selector written out: ``&`` is the rule around it, else a descendant of it."""
    return inner.replace("&", outer) if "&" in inner else f"{outer} {inner}"


def style_rules(css: str) -> list[tuple[tuple[str, ...], str]]:
    """(selectors, declarations) of each rule of a sheet (comments removed), in
    the sheet's order: rules nested in rules written out with their parents'
    selectors, those of @-blocks that hold on any screen (``_at_block_holds``)
    read as the sheet's own; blocks nested more than ``_MAX_NESTING`` deep, and
    more than ``MAX_SHEET_RULES`` selectors of one rule, are not read."""
    rules: list = []
    stack = [_Block(None, True, None, [])]
    pos = 0
    for brace in _BRACE.finditer(css):
        text, pos = css[pos:brace.start()], brace.end()
        block = stack[-1]
        if brace.group() == "}":
            if len(stack) > 1:
                stack.pop()
                if block.slot is not None:
                    rules[block.slot] = (block.selectors, ";".join([*block.parts, text]))
            continue
        declarations, _, prelude = text.rpartition(";")
        block.parts.append(declarations)
        prelude = prelude.strip()
        holds = block.holds and len(stack) <= _MAX_NESTING
        if prelude.startswith("@"):
            stack.append(_Block(block.selectors, holds and _at_block_holds(prelude), None, []))
            continue
        selectors = tuple(s.strip() for s in prelude.split(",") if s.strip())[:MAX_SHEET_RULES]
        if block.selectors:
            selectors = tuple(itertools.islice(
                (_nest(outer, inner) for outer in block.selectors for inner in selectors), MAX_SHEET_RULES))
        if holds and selectors:
            rules.append(None)
        stack.append(_Block(selectors, holds, len(rules) - 1 if holds and selectors else None, []))
    return [rule for rule in rules if rule is not None]


_BACKGROUND = re.compile(r"background", re.IGNORECASE)
_STYLE_OPEN = re.compile(r"<style\b[^>]*>", re.IGNORECASE)
_STYLE_CLOSE = re.compile(r"</style\s*>", re.IGNORECASE)
_STYLE_MEDIA = re.compile(r"\smedia\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)
MAX_SHEET_CHARS = 200_000  # of a page's <style> text read (bounded work on hostile pages)
MAX_SHEETS_READ_CHARS = 10 * MAX_SHEET_CHARS  # of <style> text looked at to choose those read
MAX_SHEET_RULES = 500  # selectors kept of each kind (hiding or painting; others read here)
MAX_SHEET_RULES_READ = 20_000  # rules looked at


# what every opening tag of a <style> element starts with: a parser's scanner may bound
# the search for them (parsing/scan.py)
STYLE_TAG = "<style"


_STYLE_START = re.compile(re.escape(STYLE_TAG), re.IGNORECASE)


def _style_open(html: str, pos: int, last: int | None) -> re.Match | None:
    """The first opening tag of a <style> element from ``pos``; none starts past ``last``."""
    if last is None:
        return _STYLE_OPEN.search(html, pos)
    while start := _STYLE_START.search(html, pos, last + len(STYLE_TAG)):
        if tag := _STYLE_OPEN.match(html, start.start()):
            return tag
        pos = start.start() + 1
    return None


def page_stylesheet(html: str | PageText, found: Found = ANY) -> str:
    """The text of the page's ``<style>`` elements, up to ``MAX_SHEET_CHARS``
    (``_within_budget``: the shortest elements first, of those in the first
    ``MAX_SHEETS_READ_CHARS``), leaving out those whose ``media`` does not hold
    on every screen.

    ``found``: a scan of the page's bytes with ``STYLE_TAG`` among its bounds; the
    search ends where the last one starts (WeChat's sheets end in the page's first
    fifth), rather than at the end of the page; of a ``PageText``, only the tags
    and the sheets are decoded."""
    last = found.last_start(STYLE_TAG)
    if isinstance(html, str) or last is None:
        elements = _style_elements(text_of(html), last)
    else:  # where the scan saw each "<style" (byte offsets)
        elements = _style_elements_of_bytes(html, found.bound_starts(STYLE_TAG))
    out, size = [], 0
    for tag, content in elements:
        media = _STYLE_MEDIA.search(tag)
        if media is None or _media_holds(media.group(1) or media.group(2) or media.group(3) or ""):
            out.append(_closed(content))
            size += len(out[-1])
        if size >= MAX_SHEETS_READ_CHARS:
            break
    return "\n".join(out if size <= MAX_SHEET_CHARS else _within_budget(out))


def _within_budget(sheets: list[str]) -> list[str]:
    """The sheets kept when they hold more than ``MAX_SHEET_CHARS``: the shortest
    first (a page's own rules are a few lines; a template's sheet is tens of kB),
    the first that does not fit cut to what is left, all in the page's order."""
    budget, kept = MAX_SHEET_CHARS, {}
    for i in sorted(range(len(sheets)), key=lambda i: len(sheets[i])):
        if len(sheets[i]) > budget:  # cut after its last whole rule
            kept[i] = _closed(sheets[i][:sheets[i].rfind("}", 0, budget) + 1])
            break
        kept[i] = sheets[i]
        budget -= len(kept[i])
    return [kept[i] for i in sorted(kept)]


def _closed(sheet: str) -> str:
    """A sheet with the blocks left open at its end closed, as a browser closes
    them at the end of a <style> element: the rules of the next one are not
    read as nested in them."""
    missing = sheet.count("{") - sheet.count("}")
    return sheet + "}" * missing if missing > 0 else sheet


def _style_elements(html: str, last: int | None):
    """(opening tag, text) of each ``<style>`` element starting before ``last``."""
    pos = 0
    # the opening tag, then the first closing one: what one lazy pattern matched, without
    # trying the closing tag at each character of the sheet (20x slower on a 10 kB sheet)
    while (start := _style_open(html, pos, last)) and (end := _STYLE_CLOSE.search(html, start.end())):
        yield start.group(), html[start.end() : end.start()]
        pos = end.end()


# the tags in the bytes: ASCII letters in any case (the page holds no other character re
# matches to one, or it has no bound: parsing/scan.py), any byte beyond ASCII maybe a space
# (and a word character: \b may hold where the text's does not)
_STYLE_OPEN_BYTES = re.compile(rb"<[sS][tT][yY][lL][eE]\b[^>]*>")
_STYLE_CLOSE_BYTES = re.compile(rb"</[sS][tT][yY][lL][eE]" + SPACE_BYTES + rb"*>")


def _first_of(page: PageText, pattern: re.Pattern, superset: re.Pattern, pos: int):
    """(start, end) byte offsets of the first match of ``pattern`` in the text from
    byte ``pos``, told by ``superset`` (matching wherever it does, over the same
    bytes) and checked in the text; None when none."""
    while candidate := superset.search(page.data, pos):
        if pattern.fullmatch(page.window(*candidate.span())):
            return candidate.span()
        pos = candidate.start() + 1
    return None


def _style_elements_of_bytes(page: PageText, starts: list[int]):
    """``_style_elements`` of a ``PageText``, from ``starts``, the byte offsets where
    "<style" (any ASCII case) occurs (``Found.bound_starts``): the tags and sheets alone
    decoded, the markup between them not searched."""
    pos = page.start
    for start in starts:
        if start < pos:
            continue  # inside the element read before
        tag = _STYLE_OPEN_BYTES.match(page.data, start)
        if not (tag and _STYLE_OPEN.fullmatch(page.window(*tag.span()))):
            continue
        end = _first_of(page, _STYLE_CLOSE, _STYLE_CLOSE_BYTES, tag.end())
        if end is None:
            return
        yield page.window(*tag.span()), page.window(tag.end(), end[0])
        pos = end[1]


# a state a static page is never in: such a rule hides nothing that is read
_DYNAMIC = re.compile(r":(?:hover|focus|active|visited|focus-within|focus-visible|target)\b")
# what may exclude a class rather than require it, or holds no class: left out of
# the names a selector requires
_NOT_REQUIRED = re.compile(r":not\([^)]*\)|\[[^\]]*\]|\\.")
_SELECTOR_NAMES = re.compile(r"[.#][\w-]+")
_COMBINATOR = re.compile(r"\s*[>+~]\s*|\s+")


# the ids and the classes of the elements on an axis, compiled once, as plain strings
# (lxml's "smart" strings, which know their element, cost more to make)
_NAMES_ON = {axis: (lxml.etree.XPath(f"{axis}::*/@id", smart_strings=False),
                    lxml.etree.XPath(f"{axis}::*/@class", smart_strings=False))
             for axis in ("descendant-or-self", "ancestor")}


def _classes_and_ids(el, axis: str = "descendant-or-self") -> set[str]:
    """".name" for each class and "#name" for each id of ``el`` and the elements
    on ``axis`` from it, as a selector writes them (names are case-sensitive)."""
    ids, classes = _NAMES_ON[axis]
    names = {"#" + value for value in ids(el)}
    for value in classes(el):
        names.update(["." + name for name in value.split()])
    return names


@functools.lru_cache(maxsize=4096)
def _css_selector(selector: str):
    """A selector compiled once per process (a site's pages share their sheets;
    compiling is ~0.5 ms, 10x the flattening of a page), or None when lxml's
    CSS translation does not take it (pseudo-elements, :hover...)."""
    from lxml.cssselect import CSSSelector, SelectorError  # cssselect: only for pages with a sheet

    try:
        return CSSSelector(selector, translator="html")  # names of tags and attributes in any case
    except (SelectorError, ValueError, TypeError, AssertionError, lxml.etree.XPathError):
        return None


def read_declarations(declarations: str) -> str:
    """Only the declarations ``css_state`` reads, which it reads alike: WeChat's sheet has
    a 40 kB block of custom properties (``--weui-BG-0``...) that would otherwise be read
    again for every element its rule matches. A line-height of at most 1px is kept (a box
    that clips may show nothing of such lines)."""
    read = ";".join(f"{prop}:{value}" for prop, value in _CSS.findall(declarations))
    return f"{read};line-height:0" if _flat_lines(declarations) else read


class _Rule(NamedTuple):
    selector: str  # compiled when first evaluated (``_css_selector``)
    declarations: str  # those ``css_state`` reads, "!important" kept
    names: frozenset  # the classes and ids a match must carry (or have around it)
    own: frozenset  # those of the rightmost compound: what a matched element itself carries
    siblings: bool  # a sibling combinator: its names may be anywhere in the page
    rank: tuple  # (specificity, position in the sheet): the later of two ranks wins
    hides: bool  # hides text by itself (on a white page)
    paints: bool  # paints a background (which may make a colour visible again)
    props: frozenset  # the properties it declares


_IDS = re.compile(r"#[\w-]+")
_CLASSES = re.compile(r"\.[\w-]+|\[[^\]]*\]|(?<!:):(?!not\()[\w-]+")
_TYPES = re.compile(r"(?:^|[\s>+~(])([a-zA-Z][\w-]*)|::[\w-]+")


def specificity(selector: str) -> tuple[int, int, int]:
    """(ids, classes + attributes + pseudo-classes, types + pseudo-elements) of
    a selector; a :not() counts what it holds."""
    return (len(_IDS.findall(selector)), len(_CLASSES.findall(selector)),
            len(_TYPES.findall(_CLASSES.sub("", _IDS.sub("", selector)))))


@functools.lru_cache(maxsize=32)
def _sheet_rules(sheet: str) -> tuple[tuple[_Rule, ...], tuple[_Rule, ...]]:
    """The rules of ``sheet`` that matter here, one per selector, in the
    sheet's order: those that hide text by themselves (on a white page) or
    paint a background (which may make a colour visible again), and those
    that set any other property ``css_state`` reads (which may show again
    what another rule hid: a later or more specific rule, a descendant's own
    size or colour), apart: (hiding or painting, others), up to
    ``MAX_SHEET_RULES`` selectors each, from the first ``MAX_SHEET_RULES_READ``
    rules; none when no rule hides or paints. Pages of one site share their
    sheet: it is read once."""
    first: list[_Rule] = []
    others: list[_Rule] = []
    for n, (selectors, text) in enumerate(style_rules(_CSS_COMMENT.sub("", sheet))):
        if n >= MAX_SHEET_RULES_READ or len(first) >= MAX_SHEET_RULES:
            break
        declarations = read_declarations(text)
        if not declarations:
            continue
        hides = css_state(declarations).reason() is not None
        paints = bool(_BACKGROUND.search(declarations))
        kept = first if hides or paints else others
        props = frozenset(prop.lower() for prop, _ in _CSS.findall(declarations))
        for selector in selectors:
            if len(kept) >= MAX_SHEET_RULES:
                break
            if not _DYNAMIC.search(selector):
                required = _NOT_REQUIRED.sub("", selector).strip()
                kept.append(_Rule(
                    selector, declarations, frozenset(_SELECTOR_NAMES.findall(required)),
                    frozenset(_SELECTOR_NAMES.findall(_COMBINATOR.split(required)[-1])),
                    "+" in required or "~" in required, (specificity(selector), n), hides, paints, props))
    return (tuple(first), tuple(others)) if first else ((), ())


class _NameCheck:
    """Whether a rule can match an element that is flattened: only elements in
    the container are, so the names (classes, ids) of the rule's rightmost
    compound must be in the container, and those of its other compounds in the
    container or on its ancestors (anywhere in the page, with a sibling
    combinator). Each selector is a walk of the whole page (~0.1-1 ms), and a
    site's sheet has hundreds of rules, nearly all for other parts of the page."""

    def __init__(self, root):
        self.root = root
        self.inside = _classes_and_ids(root)
        self.above = self.page = None  # read when first needed

    def __call__(self, names: frozenset, own: frozenset, siblings: bool) -> bool:
        if not self.inside.issuperset(own):
            return False
        if siblings:
            if self.page is None:
                self.page = _classes_and_ids(self.root.getroottree().getroot())
            return self.page.issuperset(names)
        if self.inside.issuperset(names):
            return True
        if self.above is None:
            self.above = self.inside | _classes_and_ids(self.root, "ancestor")
        return self.above.issuperset(names)


def sheet_styles(root, sheet: str | None) -> dict:
    """Element -> the declarations that rules of ``sheet`` give it, as an
    inline style, in the cascade's order (the rules by specificity, then by
    their place in the sheet; ``css_state`` puts !important ones last; the
    element's own ``style`` comes after). Rules that neither hide text nor
    paint a background are read only when a rule that hides matched in the
    container, and only for the properties such rules set. Selectors that
    lxml's CSS translation does not take (pseudo-elements, :hover...) are
    skipped."""
    first, others = _sheet_rules(sheet) if sheet else ((), ())
    if not first:
        return {}
    top = root.getroottree().getroot()
    could_match = _NameCheck(root)
    matched: dict = {}  # element -> [(rank, declarations)]
    hiding = _apply(first, top, could_match, matched)
    if hiding:
        _apply([rule for rule in others if rule.props & hiding], top, could_match, matched)
    return {el: ";".join(d for _, d in sorted(found, key=lambda pair: pair[0])) if len(found) > 1 else found[0][1]
            for el, found in matched.items()}


def _apply(rules, top, could_match: "_NameCheck", matched: dict) -> frozenset:
    """Add to ``matched`` the elements each of ``rules`` matches; the properties
    set by those of them that hide text and matched."""
    props: set = set()
    for rule in rules:
        if not could_match(rule.names, rule.own, rule.siblings):
            continue
        compiled = _css_selector(rule.selector)
        if compiled is None:
            continue
        try:
            found = compiled(top)
        except (ValueError, TypeError, AssertionError, lxml.etree.XPathError):
            continue
        if found and rule.hides:
            props |= rule.props
        for el in found:
            matched.setdefault(el, []).append((rule.rank, rule.declarations))
    return frozenset(props)


class _Ctx(NamedTuple):
    css: _Css
    kind: str | None  # innermost block type (heading, list_item, quote, caption)
    href: str | None
    hidden: str | None = None  # ``css.reason()``, worked out once for the elements sharing it


def _add_span(spans: list[list], start: int, end: int, kind: str, value: str) -> None:
    for prev in reversed(spans):  # extend the last span of this kind when contiguous
        if prev[2] == kind:
            if prev[3] == value and prev[1] == start:
                prev[1] = end
                return
            break
    spans.append([start, end, kind, value])


def _compose(pieces: list[tuple[str, str | None, str | None]], keep_lines: bool, marked: bool | None = None):
    """Join (text, hidden reason, href) pieces into (text, spans); ``marked``: whether
    a piece has a reason or an href, when the caller kept count (None: looked at here)."""
    if marked is None:
        marked = any(reason or href for _, reason, href in pieces)
    if not keep_lines and not marked:
        # no span to place (most blocks): the pieces' spaces collapsed across their
        # seams in one pass, which is what the loop below leaves once stripped
        # (str.split's whitespace is \s's; split and join ~5x faster than the regex)
        return " ".join(_ZERO_WIDTH.sub("", "".join([text for text, _, _ in pieces])).split()), []
    out: list[str] = []
    spans: list[list] = []
    pos = 0
    last = ""
    for text, reason, href in pieces:
        text = _ZERO_WIDTH.sub("", text)
        if keep_lines:
            text = text.replace("\xa0", " ").replace("\r\n", "\n")
        else:
            if "  " in text or not text.isprintable():  # else its only spaces are single " "s
                text = _WS.sub(" ", text)
            if text.startswith(" ") and (not last or last.endswith(" ")):
                text = text[1:]
        if not text:
            continue
        out.append(text)
        last = text
        start, pos = pos, pos + len(text)
        if reason:
            _add_span(spans, start, pos, "hidden", reason)
        if href:
            _add_span(spans, start, pos, "link", href)
    joined = "".join(out)
    strip_chars = "\n \t" if keep_lines else " "
    text = joined.strip(strip_chars)
    if keep_lines:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    lead = len(joined) - len(joined.lstrip(strip_chars))
    kept = []
    for start, end, kind, value in spans:
        start, end = max(start - lead, 0), min(end - lead, len(text))
        if end > start and text[start:end].strip():
            kept.append([start, end, kind, value])
    kept.sort(key=lambda s: s[0])
    return text, kept


class _Flattener:
    def __init__(self, image_attrs, base_url, sheet: dict | None = None):
        self.image_attrs = image_attrs
        self.base_url = base_url
        self.sheet = sheet or {}  # element -> declarations of the page's <style> rules
        self.blocks: list[dict] = []
        self.images: list[dict] = []
        self._seen_images: set[str] = set()
        # the block being gathered: its pieces (one list, emptied by ``flush``), whether one of
        # them is hidden or a link (else ``_compose`` has no span to place), its type
        self.pieces: list[tuple[str, str | None, str | None]] = []
        self.marked = False
        self.kind: str | None = None
        self.inline_only = False  # inside a table cell: boundaries are spaces
        # (style, sheet's declarations, hint, hidden attribute, id of the parent's state) ->
        # (the parent's state, the state, its reason): the few styles an editor repeats
        # on every element of a body read once (the parent kept: its id is not reused)
        self._states: dict[tuple, tuple] = {}

    # -- output -----------------------------------------------------------
    def add(self, text: str | None, ctx: _Ctx) -> None:
        if not text:
            return
        if not self.pieces:
            self.kind = ctx.kind
        if ctx.hidden or ctx.href:
            self.marked = True
        self.pieces.append((text, ctx.hidden, ctx.href))

    def flush(self) -> None:
        if self.inline_only:
            if self.pieces:
                self.pieces.append((" ", None, None))
            return
        if not self.pieces:
            return
        text, spans = _compose(self.pieces, False, self.marked)
        self.pieces.clear()
        self.marked = False
        if text:
            self._emit(self.kind or "paragraph", text, spans)

    def _emit(self, kind: str, text: str, spans: list) -> None:
        block = {"type": kind, "text": text, "lang": None}
        if spans:
            block["spans"] = spans
        self.blocks.append(block)

    def image(self, el, ctx: _Ctx) -> None:
        if ctx.css.hard in ("display:none", "hidden-attribute"):
            return
        for attr in self.image_attrs:
            url = (el.get(attr) or "").strip()
            if url and not url.startswith("data:"):
                break
        else:
            return
        if url.startswith("//"):
            url = "https:" + url
        elif self.base_url:
            url = urljoin(self.base_url, url)
        if url not in self._seen_images:
            self._seen_images.add(url)
            self.images.append({"url": url, "alt": el.get("alt") or el.get("title") or None})

    # -- walking ----------------------------------------------------------
    def child_ctx(self, el, tag: str, ctx: _Ctx) -> _Ctx:
        css = ctx.css
        style = el.get("style")
        ruled = self.sheet.get(el) if self.sheet else None
        # <font color>: a presentational hint, before every rule
        hint = f"color:{el.get('color')};" if tag == "font" and el.get("color") else ""
        hidden = el.get("hidden") is not None  # (``"hidden" in el.attrib``, without making the mapping)
        if style or ruled or hint or hidden:
            key = (style, ruled, hint, hidden, id(css))
            known = self._states.get(key)
            if known is not None and known[0] is css:
                css, reason = known[1], known[2]
            else:
                parent = css
                own = css_state(f"{hint}{style or ''}" if hint else style, css, hidden)
                if ruled:  # the sheet's declarations first, the element's own after (they win)
                    both = css_state(f"{hint}{ruled};{style or ''}", css, hidden)
                    own = both._replace(via=STYLE_RULE) if both.reason() != own.reason() else both
                css, reason = own, own.reason()
                self._states[key] = (parent, css, reason)
        kind = _TYPE_OF_TAG.get(tag, ctx.kind)
        href = ctx.href
        if tag == "a" and el.get("href"):
            href = el.get("href").strip()
            if self.base_url and not href.startswith(("javascript:", "#")):
                href = urljoin(self.base_url, href)
        if css is ctx.css:
            return ctx if kind == ctx.kind and href == ctx.href else _Ctx(css, kind, href, ctx.hidden)
        return _Ctx(css, kind, href, reason)

    def children(self, el, ctx: _Ctx) -> None:
        # ``add`` and the skip of ``walk`` written out: this loop meets every node of a body
        pieces = self.pieces  # (``flush`` empties it in place)
        text = el.text
        if text:  # (most tails are None: no call to add nothing)
            if not pieces:
                self.kind = ctx.kind
            if ctx.hidden or ctx.href:
                self.marked = True
            pieces.append((text, ctx.hidden, ctx.href))
        for child in el:
            tag = child.tag
            if isinstance(tag, str):
                tag = _LOWER_TAGS.get(tag) or tag.lower()
                if tag not in _SKIP_TAGS:
                    self.walk(child, tag, ctx)
            text = child.tail
            if text:
                if not pieces:
                    self.kind = ctx.kind
                if ctx.hidden or ctx.href:
                    self.marked = True
                pieces.append((text, ctx.hidden, ctx.href))

    def walk(self, el, tag: str, parent: _Ctx) -> None:
        """One element, ``tag`` its name in lower case (not one of ``_SKIP_TAGS``)."""
        ctx = self.child_ctx(el, tag, parent)
        if tag in _BLOCK_TAGS:
            if tag == "pre" and not self.inline_only:
                self.flush()
                self.pre(el, ctx)
            elif tag == "table" and not self.inline_only:
                self.flush()
                self.table(el, ctx)
            else:
                self.flush()
                self.children(el, ctx)
                self.flush()
        elif tag == "img":
            self.image(el, ctx)
        elif tag == "br":
            if self.inline_only or ctx.kind in _BR_AS_SPACE:
                self.add(" ", ctx)
            else:
                self.flush()
        else:
            self.children(el, ctx)

    def pre(self, el, ctx: _Ctx) -> None:
        """A code block: lines kept; <br>, block children and sibling <code>s end lines."""
        pieces: list[tuple[str, str | None, str | None]] = []
        code_children = sum(1 for c in el if c.tag == "code")

        def walk(node, node_ctx: _Ctx, top: bool) -> None:
            if node.text:
                pieces.append((node.text, node_ctx.hidden, node_ctx.href))
            for child in node:
                if isinstance(child.tag, str) and child.tag not in _SKIP_TAGS:
                    tag = child.tag.lower()
                    cctx = self.child_ctx(child, tag, node_ctx)
                    if tag == "img":
                        self.image(child, cctx)
                    elif tag == "br":
                        pieces.append(("\n", None, None))
                    else:
                        line = tag in _BLOCK_TAGS or (top and tag == "code" and code_children > 1)
                        if line and pieces and not pieces[-1][0].endswith("\n"):
                            pieces.append(("\n", None, None))
                        walk(child, cctx, False)
                        if line:
                            pieces.append(("\n", None, None))
                if child.tail:
                    pieces.append((child.tail, node_ctx.hidden, node_ctx.href))

        walk(el, ctx, True)
        text, spans = _compose(pieces, keep_lines=True)
        if text.strip():
            self._emit("code", text, spans)

    def table(self, el, ctx: _Ctx) -> None:
        """Rows on lines, cells separated by tabs; each cell flattened inline."""
        table_ctx = ctx
        rows: list[tuple[str, list]] = []
        for tr in el.iter("tr"):
            if next(tr.iterancestors("table"), None) is not el:
                continue  # a nested table's row: read with its cell
            row_ctx = table_ctx  # styles of thead/tbody/tr apply to the cells
            for node in [*reversed(list(_ancestors_below(tr, el))), tr]:
                row_ctx = self.child_ctx(node, str(node.tag).lower(), row_ctx)
            cells: list[tuple[str, list]] = []
            for cell in tr:
                if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                    continue
                sub = _Flattener(self.image_attrs, self.base_url, self.sheet)
                sub.inline_only = True
                sub._states = self._states
                sub.children(cell, sub.child_ctx(cell, "td", row_ctx))
                cells.append(_compose(sub.pieces, False, sub.marked))
                for image in sub.images:
                    if image["url"] not in self._seen_images:
                        self._seen_images.add(image["url"])
                        self.images.append(image)
            if any(text for text, _ in cells):
                rows.append(_join(cells, "\t"))
        caption = el.find("caption")
        if caption is not None:
            self.flush()
            self.children(caption, self.child_ctx(caption, "caption", table_ctx))
            self.flush()
        text, spans = _join(rows, "\n")
        if text.strip():
            self._emit("table", text, spans)


def _ancestors_below(node, top):
    for anc in node.iterancestors():
        if anc is top:
            return
        yield anc


def _join(parts: list[tuple[str, list]], sep: str) -> tuple[str, list]:
    text_parts: list[str] = []
    spans: list[list] = []
    pos = 0
    for i, (text, part_spans) in enumerate(parts):
        if i:
            text_parts.append(sep)
            pos += len(sep)
        text_parts.append(text)
        spans += [[s + pos, e + pos, k, v] for s, e, k, v in part_spans]
        pos += len(text)
    return "".join(text_parts), spans


def flatten(root, *, image_attrs=("data-src", "src"), base_url: str | None = None,
            sheet: str | None = None) -> Flattened:
    """Blocks and images of the container ``root`` (see the module docstring);
    ``sheet``: the page's ``<style>`` text (``page_stylesheet``), whose rules
    hide text as inline styles do."""
    flattener = _Flattener(tuple(image_attrs), base_url, sheet_styles(root, sheet))
    # The root's own style is ignored: only descendants can hide text.
    root_ctx = _Ctx(_VISIBLE, _TYPE_OF_TAG.get(str(root.tag).lower()), None, _VISIBLE.reason())
    if str(root.tag).lower() == "pre":
        flattener.pre(root, root_ctx)
    elif str(root.tag).lower() == "table":
        flattener.table(root, root_ctx)
    else:
        flattener.children(root, root_ctx)
        flattener.flush()
    return Flattened(flattener.blocks, flattener.images)


_TAG_NAME = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")


def slice_element(html: str | PageText, start_pattern: str | re.Pattern, found: Found = ANY) -> str | None:
    """Markup of the element whose opening tag matches ``start_pattern``.

    From a ``PageText``, only the element is decoded when its opening tag is
    found in windows (``PageText.match_start``, with ``found``) and its end in
    the bytes."""
    start_re = re.compile(start_pattern) if isinstance(start_pattern, str) else start_pattern
    if not isinstance(html, str):
        return _slice_bytes(html, start_re, found)
    m = start_re.search(html)
    if not m:
        return None
    begin = html.rfind("<", 0, m.start() + 1)
    return _element_from(html, begin)[0]


def _tokens(tag: str, flags: int = re.IGNORECASE | re.DOTALL):
    return rf"<!--.*?-->|<(/?){re.escape(tag)}\b[^>]*?(/?)>", flags


def _element_from(html: str, begin: int) -> tuple[str | None, bool]:
    """(the markup of the element opening at ``begin``, whether its closing tag was found)."""
    name = _TAG_NAME.match(html, begin) if begin >= 0 else None
    if not name:
        return None, True
    depth = 0
    for tok in re.compile(*_tokens(name.group(1))).finditer(html, begin):
        if tok.group(0).startswith("<!--"):
            continue
        if tok.group(1):
            depth -= 1
            if depth == 0:
                return html[begin : tok.end()], True
        elif not tok.group(2):
            depth += 1
    return html[begin:], False


_TAG_NAME_BYTES = re.compile(rb"<([A-Za-z][A-Za-z0-9-]*)")


def _slice_bytes(page: PageText, start_re: re.Pattern, found: Found) -> str | None:
    """``slice_element`` of the page's text, decoding little more than the element."""
    at = page.match_start(start_re, found)
    if at == UNKNOWN:
        return slice_element(page.text, start_re)
    if at < 0:
        return None
    begin = page.data.rfind(b"<", page.start, at + 1)
    name = _TAG_NAME_BYTES.match(page.data, begin) if begin >= 0 else None
    if not name:
        return None
    # the element's end as the bytes show it, then the text up to there read as the
    # text is: the same element when each comment opened in it closes in it (a tag
    # ends at the first ">", which the closing tag's own ensures)
    depth, end = 0, None
    pattern, flags = _tokens(name.group(1).decode("ascii"))
    for tok in re.compile(pattern.encode("ascii"), flags).finditer(page.data, begin):
        if tok.group(0).startswith(b"<!--"):
            continue
        if tok.group(1):
            depth -= 1
            if depth == 0:
                end = tok.end()
                break
        elif not tok.group(2):
            depth += 1
    if end is not None:
        text = page.window(begin, end)
        markup, closed = _element_from(text, 0)
        last_comment = text.rfind("<!--", 0, len(markup or ""))
        if closed and (last_comment < 0 or text.find("-->", last_comment + 4) >= 0):
            return markup
    return _element_from(page.tail(begin), 0)[0]


def fragment(markup: str):
    """One element from a markup fragment (a ``slice_element`` result), inside
    ``<html><body>`` as on its page, so that a page's style rules naming those
    ancestors (``body .x``) match it as a browser's do."""
    # lxml.html.fragment_fromstring(markup, create_parent="div") with HTML_PARSER's
    # classes: its parent made by that parser too (an element moved into another
    # document is read with that document's parser)
    markup = markup.strip()
    try:
        source, parser = markup.encode("utf-8"), _UTF8_PARSER
    except UnicodeEncodeError:  # a lone surrogate (a script string's escape): read as text
        source, parser = markup, HTML_PARSER
    elements = lxml.html.fragments_fromstring(source, parser=parser)
    wrapper = lxml.etree.SubElement(lxml.etree.SubElement(HTML_PARSER.makeelement("html"), "body"), "div")
    if elements and isinstance(elements[0], str):
        wrapper.text = elements.pop(0)
    wrapper.extend(elements)
    if len(wrapper) == 1 and not (wrapper.text or "").strip() and not (wrapper[0].tail or "").strip():
        return wrapper[0]
    return wrapper


def element_text(el) -> str:
    """The visible-order text of one element on a single line (for metadata)."""
    if not len(el) and str(el.tag).lower() not in ("pre", "table"):
        # no child (a heading, a link, a date): what flattening makes of its text alone
        return " ".join(_ZERO_WIDTH.sub("", el.text or "").split())
    return " ".join(block["text"] for block in flatten(el).blocks)


def remove_range(block: dict, start: int, end: int) -> str:
    """Cut ``block["text"][start:end]`` out of the block, shifting its spans.

    Returns the removed text. Spans inside the cut vanish, spans across it
    shrink; whitespace left at the block's ends is trimmed.
    """
    text = block["text"]
    removed = text[start:end]
    new_text = text[:start] + text[end:]
    lead = len(new_text) - len(new_text.lstrip())
    new_text = new_text.strip()
    width = end - start

    def shift(pos: int) -> int:
        pos = pos if pos <= start else max(pos - width, start)
        return min(max(pos - lead, 0), len(new_text))

    spans = []
    for s, e, kind, value in block.get("spans", []):
        s, e = shift(s), shift(e)
        if e > s:
            spans.append([s, e, kind, value])
    block["text"] = new_text
    if spans:
        block["spans"] = spans
    else:
        block.pop("spans", None)
    return removed
