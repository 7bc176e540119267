"""Report HTML → Typst markup: the structured content the PDF is typeset from.

Every report block already says what it is in a small, semantic HTML vocabulary (the
blocks of :mod:`pilot_eval.present`: headings, paragraphs with a role class, lists,
``<table>`` with ``<caption>``, ``<thead>``, ``<th scope>`` and cells of class ``num``,
``<figure class="chart">`` with an SVG image, its ``alt`` and ``<figcaption>``, status
badges). This module turns that vocabulary into calls of the functions the Typst template
(``templates/report.typ``) defines. The PDF is made from the exported HTML page itself
(:func:`read_page`: its cover, its running header and its ``<main>``), after the print
template has chosen what a report shows and the sanitizer has cleaned it, so the PDF
cannot say something the HTML does not.

Nothing from the notebook is trusted as Typst: every text is escaped (control characters
dropped, characters the shipped typeface lacks shown as "□", so data cannot stop a PDF),
and images are handed over as files (:class:`Converted` ``.files``), never as markup.
Elements outside the vocabulary keep their text (unknown wrappers) or are dropped
(``<script>``, ``<style>``); an empty heading or an image that cannot be read is left out
(the image's alt text is printed instead), as PDF/UA forbids both.

Examples
--------
>>> print(to_typst('<p class="lead">Brukt <strong>82 %</strong> #1</p>').markup)
#pe-lead[Brukt #strong[82 %] \\#1]
>>> print(escape("*a* [b] // c"))
\\*a\\* \\[b\\] \\/\\/ c
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import io
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["PAGE_MARGINS_MM", "Converted", "Page", "escape", "read_page", "string",
           "to_typst"]

# Every ASCII character that means something in Typst markup, "." so that "1." at the
# start of a line is plain text, and "(", "[" and "." so that text right after a function
# call (``#strong[…]``) cannot continue it. A backslash before any of them stands for the
# character itself.
_MARKUP = re.compile(r"""([\\#*_$@<>\[\]`~/=+\-."'()])""")
_SPACE = re.compile(r"[ \t\r\n\f\u2028\u2029]+")
# Control characters (but tab and line feed) and the Unicode line/paragraph separators:
# not printable, and PDF/UA refuses a text holding them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: What a character the shipped typeface lacks prints as (an emoji, CJK): PDF/UA refuses
#: a glyph no font has, and the HTML still shows the character itself.
MISSING_GLYPH = "\u25a1"  # □
_FONT = Path(__file__).resolve().parent / "fonts" / "Inter-Regular.otf"
_STATUS = re.compile(r"\bstatus-(green|yellow|red|grey)\b")
_WEB_LINK = re.compile(r"\s*(https?://[^\s\"<>]+|mailto:[^\s\"<>]+)\s*$", re.IGNORECASE)
_WIDTH = re.compile(r"width:\s*([0-9.]+)\s*(%|mm|pt)")
_VOID = {"br", "img", "col", "hr", "meta", "link", "input", "wbr", "source"}
_DROP = {"script", "style", "template", "head", "title", "noscript", "iframe", "object"}
# Headings: the report's h2 are its chapters (level 1 in Typst, in the contents).
_LEVEL = {"h1": 1, "h2": 1, "h3": 2, "h4": 3, "h5": 4, "h6": 5}
# Paragraph roles (class) → template function.
_P_ROLE = {"lead": "pe-lead", "source": "pe-source", "pe-synthetic": "pe-synthetic",
           "pe-chart-note": "pe-chart-note", "caveat": "pe-note", "note": "pe-note"}
#: Columns at which a table gets smaller type (9+ and 13+ columns; the HTML export marks
#: the same tables ``wide`` and ``xwide``).
WIDE_COLUMNS, XWIDE_COLUMNS = 9, 13
#: The A4 page's margins (the template sets them from these; column widths use them).
PAGE_MARGINS_MM = {"top": 25, "bottom": 22, "left": 24, "right": 22}
_TEXT_WIDTH_PT = (210 - PAGE_MARGINS_MM["left"] - PAGE_MARGINS_MM["right"]) * 72 / 25.4
# Type size and cell padding (pt) of a table: wide ones smaller; the value table and the
# glossary (long running text) a little smaller, so they keep to their page.
_TABLE_TYPE = {"xwide": (6.5, 2.5, 1.6), "wide": (7.5, 3.5, 2.0), "compact": (8.0, 3.5, 2.0),
               "normal": (8.5, 4.0, 2.6)}
#: A table longer than this many body rows may break across pages (its header repeats);
#: a shorter one stays on one page with its caption and notes.
BREAKABLE_ROWS = 18


def escape(text: str) -> str:
    """``text`` as literal Typst markup: every markup character escaped, spaces collapsed.

    Parameters
    ----------
    text : str
        Plain text (from the report, or quoted from the data).

    Returns
    -------
    str

    Examples
    --------
    >>> escape("Side 3 -- av 12 = 25 %")
    'Side 3 \\\\-\\\\- av 12 \\\\= 25 %'
    """
    return _MARKUP.sub(r"\\\1", _SPACE.sub(" ", _printable(text)))


@functools.lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    """The code points the shipped Inter has (all four faces hold the same subset)."""
    from fontTools.ttLib import TTFont

    with TTFont(_FONT, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _printable(text: str) -> str:
    """``text`` without control characters, and with each character Inter lacks as "□"."""
    text = _CONTROL.sub("", text)
    covered = _covered()
    if all(ord(ch) in covered or ch in " \t\n\r\f" for ch in text):
        return text
    return "".join(ch if ord(ch) in covered or ch in " \t\n\r\f" else MISSING_GLYPH
                   for ch in text)


def string(text: str) -> str:
    """``text`` as a Typst string literal (for arguments such as ``alt:``).

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        In double quotes, with quotes, backslashes and line breaks escaped.

    Examples
    --------
    >>> string('Sier "nei"\\n')
    '"Sier \\\\"nei\\\\"\\\\n"'
    """
    out = _printable(text).replace("\\", "\\\\").replace('"', '\\"')
    out = out.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{out}"'


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def kids(self, *tags: str) -> list[_Node]:
        """Direct children with one of ``tags`` (not those of a table nested in a cell)."""
        return [c for c in self.children if isinstance(c, _Node) and c.tag in tags]

    def find(self, tag: str) -> _Node | None:
        for c in self.children:
            if isinstance(c, _Node):
                if c.tag == tag:
                    return c
                found = c.find(tag)
                if found is not None:
                    return found
        return None

    def all(self, tag: str) -> list[_Node]:
        out: list[_Node] = []
        for c in self.children:
            if isinstance(c, _Node):
                if c.tag == tag:
                    out.append(c)
                else:
                    out.extend(c.all(tag))
        return out


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@dataclass
class Converted:
    """Typst markup and the files it refers to (images, by name in the compile root)."""

    markup: str
    files: dict[str, bytes] = field(default_factory=dict)


def _span(cell: _Node, attr: str) -> int:
    """A cell's ``rowspan`` or ``colspan``: a whole number of at least 1 (anything else, 1)."""
    value = cell.attrs.get(attr, "").strip()
    return max(1, int(value)) if value.isdigit() else 1


@dataclass
class _Grid:
    """A table laid out as a browser does: every cell at its row and column."""

    head: list[list[_Node]]
    body: list[list[_Node]]
    totals: list[int]  # body rows that are totals (class ``total``, or the ``<tfoot>``)
    places: dict[int, tuple[int, int]]  # id(cell) → (row, column)
    columns: int

    @classmethod
    def of(cls, table: _Node) -> _Grid:
        groups = {tag: [r for g in table.kids(tag) for r in g.kids("tr")]
                  for tag in ("thead", "tbody", "tfoot")}
        loose = table.kids("tr")
        head, body = groups["thead"], groups["tbody"] + loose
        if not head and body and body[0].kids("th") and not body[0].kids("td"):
            head, body = body[:1], body[1:]  # a first row of th only is the header
        totals = [i for i, r in enumerate(body) if "total" in r.classes]
        totals += range(len(body), len(body) + len(groups["tfoot"]))
        body = body + groups["tfoot"]
        places: dict[int, tuple[int, int]] = {}
        taken: set[tuple[int, int]] = set()
        columns = 0
        for y, row in enumerate(head + body):
            x = 0
            for c in row.kids("td", "th"):
                while (y, x) in taken:
                    x += 1
                rs, cs = _span(c, "rowspan"), _span(c, "colspan")
                taken.update((y + dy, x + dx) for dy in range(rs) for dx in range(cs))
                places[id(c)] = (y, x)
                x += cs
            columns = max(columns, x)
        columns = max([columns, *(x + 1 for _, x in taken)], default=1)
        return cls([r.kids("td", "th") for r in head], [r.kids("td", "th") for r in body],
                   totals, places, max(columns, 1))


class _Writer:
    def __init__(self, image_alt: str) -> None:
        self.files: dict[str, bytes] = {}
        self.image_alt = image_alt

    def alt(self, img: _Node | None) -> str:
        """An image's alt text; the generic word when it has none (a tagged PDF/UA file
        may hold no image without one)."""
        found = " ".join((img.attrs.get("alt", "") if img is not None else "").split())
        return string(found or self.image_alt)

    # -- images ---------------------------------------------------------------------
    def image_file(self, src: str) -> str | None:
        """Store a ``data:`` image and return its file name; anything else is refused
        (a report is self-contained and never loads from elsewhere), as is an image that
        is not what its bytes say (Typst could not read it)."""
        m = re.match(r"data:image/[a-z0-9.+-]+(;base64)?,(.*)", src, re.DOTALL | re.IGNORECASE)
        if not m:
            return None
        b64, payload = m.groups()
        try:
            data = base64.b64decode(payload, validate=False) if b64 else \
                urllib.parse.unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            return None
        ext = _image_kind(data)
        if ext is None:
            return None
        name = f"img-{hashlib.sha256(data).hexdigest()[:16]}.{ext}"
        self.files[name] = data
        return name

    def picture(self, img: _Node, call: str, caption: str = "none") -> str:
        """An image as ``call`` (``pe-figure``/``pe-image``), or its alt text when it
        cannot be read."""
        name = self.image_file(img.attrs.get("src", ""))
        if name is None:
            alt = " ".join(img.attrs.get("alt", "").split())
            return f"#pe-chart-note[{escape(alt)}]" if alt else ""
        extra = f", caption: {caption}" if call == "pe-figure" else ""
        return f'#{call}("{name}", alt: {self.alt(img)}{extra})'

    # -- inline ---------------------------------------------------------------------
    def inline(self, nodes: list[_Node | str]) -> str:
        out = []
        for n in nodes:
            if isinstance(n, str):
                out.append(escape(n))
                continue
            if n.tag in _DROP or "anchor-link" in n.classes:  # markdown headings' "¶"
                continue
            inner = self.inline(n.children) if n.tag not in _VOID else ""
            if n.tag in ("strong", "b"):
                out.append(f"#strong[{inner}]")
            elif n.tag in ("em", "i"):
                out.append(f"#emph[{inner}]")
            elif n.tag == "span" and "status" in n.classes:
                found = _STATUS.search(n.attrs.get("class", ""))
                out.append(f'#pe-badge("{found.group(1) if found else "grey"}")[{inner}]')
            elif n.tag == "span" and "source" in n.classes:
                out.append(f"#pe-small[{inner}]")
            elif n.tag == "br":
                out.append("#linebreak()")
            elif n.tag == "code":
                out.append(f"#raw({string(n.text())})")
            elif n.tag == "sup":
                out.append(f"#super[{inner}]")
            elif n.tag == "sub":
                out.append(f"#sub[{inner}]")
            elif n.tag == "img":
                name = self.image_file(n.attrs.get("src", ""))
                out.append(f'#box(image("{name}", alt: {self.alt(n)}))' if name
                           else escape(n.attrs.get("alt", "")))
            elif n.tag == "a" and _WEB_LINK.match(n.attrs.get("href", "")) and inner.strip():
                # a link out (a source's page): clickable in the PDF too, its words the
                # link's text; nothing else is a link there (javascript:, file:, data:)
                out.append(f"#link({string(n.attrs['href'].strip())})[{inner}]")
            elif n.tag in _BLOCK_TAGS:
                out.append(self.block([n]))  # a block inside inline content (li > p)
            else:
                out.append(inner)
        return "".join(out)

    # -- blocks ---------------------------------------------------------------------
    def block(self, nodes: list[_Node | str]) -> str:
        parts: list[str] = []
        run: list[_Node | str] = []

        def flush() -> None:
            text = self.inline(run).strip()
            if text:
                parts.append(text)
            run.clear()

        for n in nodes:
            if isinstance(n, str) or (n.tag not in _BLOCK_TAGS and n.tag not in _DROP):
                run.append(n)
                continue
            flush()
            if n.tag in _DROP:
                continue
            rendered = self.element(n)
            if rendered:
                parts.append(rendered)
        flush()
        return "\n\n".join(parts)

    def element(self, n: _Node) -> str:
        tag, cls = n.tag, n.classes
        if tag in _LEVEL:
            text = self.inline(n.children).strip()
            # PDF/UA has no empty headings (a markdown cell of "#" alone)
            return f"#pe-heading({_LEVEL[tag]})[{text}]" if text else ""
        if tag == "p":
            inner = self.inline(n.children).strip()
            if not inner:
                return ""
            role = next((_P_ROLE[c] for c in n.attrs.get("class", "").split() if c in _P_ROLE),
                        None)
            return f"#{role}[{inner}]" if role else inner
        if tag in ("ul", "ol"):
            items = [f"[{self.block(li.children)}]" for li in n.kids("li")]
            if not items:
                return ""
            return f"#{'list' if tag == 'ul' else 'enum'}({', '.join(items)})"
        if tag == "table":
            return self.table(n)
        if tag == "figure":
            return self.figure(n)
        if tag == "img":
            return self.picture(n, "pe-image")
        if tag == "aside" and "pe-guide" in cls:
            return f"#pe-guide[{self.block(n.children)}]"
        if tag == "section" and "summary" in cls:
            return f"#pe-summary[{self.block(n.children)}]"
        if tag == "div" and "pe-table-block" in cls:
            table = n.find("table")
            rows = len(_Grid.of(table).body) if table is not None else 0
            return f"#pe-keep({str(rows <= BREAKABLE_ROWS).lower()})[{self.block(n.children)}]"
        if tag == "div" and "pe-section-head" in cls:
            new_page = str("pe-new-page" in cls).lower()
            return f"#pe-section-head({new_page})[{self.block(n.children)}]"
        if tag == "pre":
            return f"#raw(block: true, {string(n.text())})"
        if tag == "blockquote":
            return f"#quote(block: true)[{self.block(n.children)}]"
        if tag == "hr":
            return "#pe-rule()"
        if tag == "dt":
            return f"#strong[{self.inline(n.children)}]"
        # div, section, main, nav, article, dl, dd, li outside a list, …: their content
        return self.block(n.children)

    def figure(self, n: _Node) -> str:
        img = n.find("img")
        captions = n.kids("figcaption")
        cap = f"[{self.inline(captions[0].children).strip()}]" if captions else "none"
        if img is None:  # a figure of something else (a table, text): its content
            return self.block([c for c in n.children if c not in captions]) + (
                f"\n\n#pe-source[{cap[1:-1]}]" if captions else "")
        return self.picture(img, "pe-figure", cap)

    def table(self, n: _Node) -> str:
        captions = n.kids("caption")
        cap = f"[{self.inline(captions[0].children).strip()}]" if captions else "none"
        grid = _Grid.of(n)
        size = ("xwide" if grid.columns >= XWIDE_COLUMNS else "wide"
                if grid.columns >= WIDE_COLUMNS else "compact"
                if n.classes & {"pe-value", "pe-glossary"} else "normal")
        font_pt, pad_x, pad_y = _TABLE_TYPE[size]
        widths: list[str] = []
        for col in [c for g in n.kids("colgroup") for c in g.kids("col")] + n.kids("col"):
            m = _WIDTH.search(col.attrs.get("style", ""))
            widths += [f"{m.group(1)}{m.group(2)}" if m else "auto"] * _span(col, "span")
        shares = [float(w[:-1]) / 100 for w in widths if w.endswith("%")]
        preferred = shares if len(shares) == grid.columns else None
        widths = _column_weights(grid, font_pt, preferred)

        def cells(rows: list[list[_Node]], header: bool) -> str:
            out = ", ".join(self.cell(c, header) for row in rows for c in row)
            return out + ("," if out else "")

        return (f"#pe-table(caption: {cap}, columns: ({', '.join(widths)},), "
                f"font: {font_pt}pt, inset: (x: {pad_x}pt, y: {pad_y}pt), "
                f"head-rows: {len(grid.head)}, body-rows: {len(grid.body)}, "
                f"totals: ({''.join(f'{i},' for i in grid.totals)}), "
                f"head: ({cells(grid.head, True)}), body: ({cells(grid.body, False)}))")

    def cell(self, c: _Node, header: bool) -> str:
        args = [f"b: [{self.inline(c.children).strip()}]"]
        if "num" in c.classes:
            args.append("num: true")
        if c.tag == "th" and not header:
            args.append("rh: true")  # a row header: bold, never hyphenated
        for attr, key in (("rowspan", "rs"), ("colspan", "cs")):
            if _span(c, attr) > 1:
                args.append(f"{key}: {_span(c, attr)}")
        return f"({', '.join(args)})"


def _image_kind(data: bytes) -> str | None:
    """The file type Typst reads, from an image's bytes (not from what it claims); None
    for an image Typst could not read (damaged, or an SVG that points outside itself)."""
    head = data[:512].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096].lower():
        return "svg" if _self_contained_svg(data) else None
    try:
        from PIL import Image  # matplotlib's dependency

        with Image.open(io.BytesIO(data)) as image:
            kind = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}.get(
                image.format or "")
            image.load()  # decodes: a damaged image fails here, not in Typst
    except Exception:  # noqa: BLE001 — any failure to read means "not an image we can use"
        return None
    return kind


def _self_contained_svg(data: bytes) -> bool:
    """Well-formed, and every link inside it to itself or to embedded data."""
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return False
    for element in root.iter():
        for key, value in element.attrib.items():
            if key.endswith("href") and not value.strip().startswith(("#", "data:")):
                return False
    return True


# Average advance of Inter in em (text, bold names and headers, a badge's smaller bold
# word), and a cell's side padding in em.
_EM_TEXT, _EM_BOLD, _EM_BADGE, _EM_PAD = 0.52, 0.6, 0.54, 1.0
# Where a line may break: a space, or after a dash or slash ("Nytte–|kostnadsforhold",
# "611–|1 523"); a no-break space does not
_BREAKS = re.compile(r" |(?<=[\u2013\u2014/-])")


def _column_weights(grid: _Grid, font_pt: float,
                    preferred: list[float] | None = None) -> list[str]:
    """Column widths as shares of the text width, from what the cells hold, the way a
    browser's automatic table layout does: each column gets at least the width of its
    longest word (a header and a pilot's name break between words only; a number or a
    status badge never breaks), and the rest of the width goes to the columns in
    proportion to how much more their longest cell (up to ~30 characters) would take.
    ``preferred`` (the table's own shares, ``<col style="width: …%">``) are kept where
    the words allow."""
    columns = grid.columns
    least = [1.0] * columns
    least_badge_by_word = [1.0] * columns  # if whole badges do not fit
    most = [1.0] * columns
    row_header_columns = {grid.places[id(c)][1] for row in grid.body for c in row
                          if c.tag == "th"}
    for header, rows in ((True, grid.head), (False, grid.body)):
        for c in (c for row in rows for c in row):
            if _span(c, "colspan") > 1:
                continue
            x = grid.places[id(c)][1]
            # break only at ordinary spaces: a number is tied with no-break spaces
            # ("1 234 kr"), so its parts stay one word; a range may break after its figure
            text = _SPACE.sub(" ", c.text()).strip()
            badge = any("status" in b.classes for b in c.all("span"))
            em = _EM_BOLD if header or c.tag == "th" else _EM_TEXT
            longest = max((len(w) for w in _BREAKS.split(text)), default=0)
            word = len(text) if badge else longest
            # a badge: bold word, then symbol, gap, its padding and border (~2 em)
            need = (word * _EM_BADGE + 2.0) if badge else word * em
            least[x] = max(least[x], need + _EM_PAD)
            least_badge_by_word[x] = max(least_badge_by_word[x], _EM_PAD + (
                longest * _EM_BADGE + 2.0 if badge else need))
            if not header:
                most[x] = max(most[x], min(len(text), 30) * em + _EM_PAD)
    available = _TEXT_WIDTH_PT / font_pt
    if sum(least) > available:  # too wide with whole badges ("too little data"): let them wrap
        least = least_badge_by_word
    most = [max(m, lo) for m, lo in zip(most, least, strict=True)]
    if preferred is not None:  # the table's own widths, widened where a word needs it
        wanted = [max(p * available, lo) for p, lo in zip(preferred, least, strict=True)]
        spare = [w - lo for w, lo in zip(wanted, least, strict=True)]
        excess = sum(wanted) - available
        if excess > 0 and sum(spare) > 0:
            wanted = [w - excess * sp / sum(spare) if excess < sum(spare) else lo
                      for w, sp, lo in zip(wanted, spare, least, strict=True)]
        return [f"{w:.2f}fr" for w in wanted]
    if sum(most) <= available:
        widths = [m * available / sum(most) for m in most]
    elif sum(least) >= available:
        # too narrow even for the longest words: the row headers (a pilot's name, which
        # never hyphenates) keep theirs, the other columns shrink (numbers and headers
        # wrap at their dashes and spaces, words hyphenate)
        names = [x in row_header_columns for x in range(columns)]
        fixed = sum(w for w, keep in zip(least, names, strict=True) if keep)
        rest = sum(w for w, keep in zip(least, names, strict=True) if not keep)
        scale = max(available - fixed, 0.3 * rest) / rest if rest else 1.0
        widths = [w if keep else w * scale for w, keep in zip(least, names, strict=True)]
    else:
        share = (available - sum(least)) / (sum(most) - sum(least))
        widths = [lo + (m - lo) * share for lo, m in zip(least, most, strict=True)]
    return [f"{w:.2f}fr" for w in widths]


_BLOCK_TAGS = {"p", "div", "section", "aside", "main", "nav", "article", "header", "footer",
               "ul", "ol", "li", "table", "figure", "pre", "blockquote", "hr", "dl", "dt", "dd",
               *_LEVEL}


def to_typst(html: str, image_alt: str = "Figur") -> Converted:
    """Convert report HTML (a block, a whole output, markdown rendered as HTML) to Typst.

    Parameters
    ----------
    html : str
        HTML of the vocabulary described in the module docstring; anything else keeps
        its text.
    image_alt : str, default "Figur"
        Alt text of an image that has none ("Figure" in English).

    Returns
    -------
    Converted
        ``markup`` calls the template's ``pe-*`` functions; ``files`` holds the images.

    Examples
    --------
    >>> converted = to_typst("<h2>Kostnad</h2><p>Brukt <strong>74 %</strong> av tilsagnet.</p>")
    >>> print(converted.markup)
    #pe-heading(1)[Kostnad]
    <BLANKLINE>
    Brukt #strong[74 %] av tilsagnet\\.
    >>> converted.files
    {}
    """
    return _convert(_parse(html).children, image_alt)


def _parse(html: str) -> _Node:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.root


def _convert(nodes: list[_Node | str], image_alt: str) -> Converted:
    writer = _Writer(image_alt)
    return Converted(writer.block(nodes), writer.files)


@dataclass
class Page:
    """What the PDF of an exported report page needs: its facts and its converted body."""

    title: str
    language: str
    header: str  # the running header
    description: str | None
    organisation: str | None
    kicker: str | None  # the line above the title on the cover
    as_of: str | None  # the cover's date line
    cover_lines: list[str]  # the colophon at the cover's foot, one fact a line
    body: Converted


def _meta(root: _Node, name: str) -> str | None:
    found = [m.attrs.get("content") for m in root.all("meta") if m.attrs.get("name") == name]
    return " ".join(found[0].split()) if found and found[0] else None


def _text_of(node: _Node | None) -> str | None:
    text = " ".join(node.text().split()) if node is not None else ""
    return text or None


def read_page(html: str, *, language: str | None = None,
              image_alts: Mapping[str, str] | None = None) -> Page:
    """Read a page written by :func:`pilot_eval.render.export.notebook_to_html`: the
    cover's facts, the running header (``<meta name="pilot-eval-header">``) and the
    ``<main>`` converted to Typst. HTML that is not such a page (a block, a fragment) is
    all body, with no title.

    Parameters
    ----------
    html : str
        The exported page (or any HTML of the vocabulary of :func:`to_typst`).
    language : {"nb", "en"}, optional
        Overrides the page's ``<html lang>`` (default ``nb``).
    image_alts : mapping of str to str, optional
        Per language, the alt text of an image that has none ("Figur" / "Figure").

    Returns
    -------
    Page

    Examples
    --------
    >>> page = read_page('<html lang="en"><head><title>Pilots</title>'
    ...                  '<meta name="pilot-eval-header" content="Pilots, June 2026"></head>'
    ...                  '<body><main id="pe-main"><p>All 3 pilots run.</p></main></body></html>')
    >>> page.title, page.header, page.language
    ('Pilots', 'Pilots, June 2026', 'en')
    >>> print(page.body.markup)
    All 3 pilots run\\.
    """
    root = _parse(html)
    html_node = root.find("html")
    language = language or (html_node.attrs.get("lang") if html_node is not None
                            else None) or "nb"
    image_alt = (image_alts or {}).get(language, "Figur" if language == "nb" else "Figure")
    main = next((m for m in root.all("main") if m.attrs.get("id") == "pe-main"), None)
    cover = next((s for s in root.all("section") if "pe-cover" in s.classes), None)

    def in_cover(cls: str) -> _Node | None:
        if cover is None:
            return None
        return next((n for n in cover.all("p") + cover.all("h1") + cover.all("div")
                     if cls in n.classes), None)

    title = _text_of(in_cover("pe-title")) or _text_of(root.find("title")) or ""
    foot = in_cover("pe-cover-foot")
    return Page(
        title=title, language=language,
        header=_meta(root, "pilot-eval-header") or title,
        description=_meta(root, "description"), organisation=_meta(root, "author"),
        kicker=_text_of(in_cover("pe-cover-kicker")), as_of=_text_of(in_cover("pe-asof")),
        cover_lines=[t for p in (foot.kids("p") if foot is not None else [])
                     if (t := _text_of(p))],
        body=_convert(main.children if main is not None else root.children, image_alt))
