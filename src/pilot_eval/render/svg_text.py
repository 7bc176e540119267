"""Draw a chart's SVG ``<text>`` as one run of glyphs instead of letter by letter.

WeasyPrint 69 draws every SVG ``<text>`` one character at a time: for each letter it
shapes a new Pango layout, sets the fill and writes a text object, so that per-letter
``x``/``dy``/``rotate`` lists work. Matplotlib's SVGs (``svg.fonttype = "none"``) never use
those: each label is one string at one point. Drawing such a string as one run gives the
same glyphs at the same place (now with the font's kerning, as in the HTML text) for about
a seventh of the work; chart text was a quarter of the PDF stage.

:func:`install` swaps WeasyPrint's ``text`` drawer for :func:`draw_text`, which takes the
one-run path only for text that has nothing per-letter and hands everything else to
WeasyPrint's own function unchanged. It does so only on the WeasyPrint version it was
written against (the pinned 69.0, see ``pyproject.toml``) and is a no-op otherwise.
"""

from __future__ import annotations

from math import inf
from typing import Any

__all__ = ["SUPPORTED_WEASYPRINT", "draw_text", "install"]

#: The WeasyPrint release whose ``svg/text.py`` :func:`draw_text` mirrors.
SUPPORTED_WEASYPRINT = "69.0"
# Attributes that place or size single letters: text with any of them goes to WeasyPrint.
_PER_LETTER = ("dx", "dy", "rotate", "textLength")

_original: Any = None


def _single(value: str | None) -> bool:
    """Whether an ``x``/``y`` attribute holds at most one coordinate."""
    if value is None:
        return True
    from weasyprint.svg.utils import normalize

    return len(normalize(value).split()) <= 1


def draw_text(svg: Any, node: Any, font_size: float) -> None:
    """Draw an SVG text node: one run when nothing in it is per letter, else as WeasyPrint.

    The one-run path follows WeasyPrint 69's ``weasyprint.svg.text.text`` line for line
    (style, vertical alignment, bounding box for ``text-anchor``, cursor position), with
    the per-letter loop replaced by one drawn line.
    """
    attrib = node.attrib
    if (not node.text or any(name in attrib for name in _PER_LETTER)
            or not _single(attrib.get("x")) or not _single(attrib.get("y"))
            or svg.length(node.get("letter-spacing"), font_size)):
        _original(svg, node, font_size)
        return

    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.text import Style, TextBox
    from weasyprint.svg.utils import normalize, size
    from weasyprint.text.line_break import split_first_line

    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [font.strip("\"'")
                            for font in node.get("font-family", "sans-serif").split(",")]
    style["font_style"] = node.get("font-style", "normal")
    weight = node.get("font-weight", 400)
    if weight == "normal":
        weight = 400
    elif weight == "bold":
        weight = 700
    else:
        try:
            weight = int(weight)
        except ValueError:
            weight = 400
    style["font_weight"] = weight
    style["font_size"] = font_size

    layout, _, _, width, height, baseline = split_first_line(
        node.text, style, svg.context, inf, 0)

    # Vertical alignment, as WeasyPrint does it (with its ascent/descent guesses).
    ascent, descent = font_size * .8, font_size * .2
    y_align = 0.0
    display_anchor = node.get("display-anchor")
    alignment_baseline = node.get("dominant-baseline", node.get("alignment-baseline"))
    if display_anchor == "middle":
        y_align = -height / 2
    elif display_anchor == "top":
        pass
    elif display_anchor == "bottom":
        y_align = -height
    elif alignment_baseline in ("central", "middle"):
        y_align = (ascent + descent) / 2 - descent
    elif alignment_baseline in ("text-before-edge", "before_edge", "top", "hanging",
                                "text-top"):
        y_align = ascent
    elif alignment_baseline in ("text-after-edge", "after_edge", "bottom", "text-bottom"):
        y_align = -descent

    if "x" in attrib:
        x = size(normalize(attrib["x"]).strip(), font_size, svg.inner_width)
        svg.cursor_d_position[0] = 0
    else:
        x = svg.cursor_position[0]
    if "y" in attrib:
        y = size(normalize(attrib["y"]).strip(), font_size, svg.inner_height)
        svg.cursor_d_position[1] = 0
    else:
        y = svg.cursor_position[1]
    svg.cursor_position = x + width, y
    x_position = x + svg.cursor_d_position[0]
    y_position = y + svg.cursor_d_position[1] + y_align
    node.text_bounding_box = extend_bounding_box(
        node.text_bounding_box,
        ((x_position, y_position - baseline),
         (x_position + width, y_position - baseline + height)))

    svg.stream.push_state()
    svg.set_graphical_state(node, font_size, text=True)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(node, font_size, text=True)
    emojis = draw_first_line(svg.stream, TextBox(layout, style), "none", "none",
                             Matrix(a=1, d=-1, e=x_position, f=y_position))
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)


def install() -> bool:
    """Use :func:`draw_text` for SVG text in this process; True if it is in use.

    Only on WeasyPrint :data:`SUPPORTED_WEASYPRINT`: another version keeps its own drawer
    (correct, just slower). Calling it again does nothing.
    """
    global _original
    import weasyprint
    import weasyprint.svg as svg_module

    if weasyprint.__version__ != SUPPORTED_WEASYPRINT:
        return False
    if _original is None:
        _original = svg_module.text
        # The drawer is looked up in TAGS and compared with the module's ``text`` (for
        # text-anchor), so both names must point to the new one.
        for tag, drawer in list(svg_module.TAGS.items()):
            if drawer is _original:
                svg_module.TAGS[tag] = draw_text
        svg_module.text = draw_text
    return True
