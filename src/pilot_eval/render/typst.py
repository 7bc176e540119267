"""Report HTML → Typst markup: the structured content the PDF is typeset from.

Every report block already says what it is in a small, semantic HTML vocabulary (the
blocks of :mod:`pilot_eval.present`: headings, paragraphs with a role class, lists,
``<table>`` with ``<caption>``, ``<thead>``, ``<th scope>`` and cells of class ``num``,
``<figure class="chart">`` with an SVG image, its ``alt`` and ``<figcaption>``, status
badges). This module turns that vocabulary into calls of the functions the Typst template
(``templates/report.typ``) defines, so the HTML is the one source of every block and the
PDF cannot say something the HTML does not. Markdown cells reach it as HTML too.

Nothing from the notebook is trusted as Typst: every text is escaped, and images are
handed over as files (:class:`Converted` ``.files``), never as markup. Elements outside
the vocabulary keep their text (unknown wrappers) or are dropped (``<script>``,
``<style>``).

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
import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["Converted", "escape", "string", "to_typst"]

# Every ASCII character that means something in Typst markup, "." so that "1." at the
# start of a line is plain text, and "(", "[" and "." so that text right after a function
# call (``#strong[…]``) cannot continue it. A backslash before any of them stands for the
# character itself.
_MARKUP = re.compile(r"""([\\#*_$@<>\[\]`~/=+\-."'()])""")
_SPACE = re.compile(r"[ \t\r\n\f]+")
_STATUS = re.compile(r"\bstatus-(green|yellow|red|grey)\b")
_WIDTH = re.compile(r"width:\s*([0-9.]+)\s*(%|mm|pt)")
_VOID = {"br", "img", "col", "hr", "meta", "link", "input", "wbr", "source"}
_DROP = {"script", "style", "template", "head", "title", "noscript", "iframe", "object"}
# Headings: the report's h2 are its chapters (level 1 in Typst, in the contents).
_LEVEL = {"h1": 1, "h2": 1, "h3": 2, "h4": 3, "h5": 4, "h6": 5}
# Paragraph roles (class) → template function.
_P_ROLE = {"lead": "pe-lead", "source": "pe-source", "pe-synthetic": "pe-synthetic",
           "pe-chart-note": "pe-chart-note", "caveat": "pe-note", "note": "pe-note"}
#: Columns at which a table gets smaller type (8+ and 12+ columns), as the HTML does.
WIDE_COLUMNS, XWIDE_COLUMNS = 9, 13
#: A table longer than this many body rows may break across pages (its header repeats);
#: a shorter one stays on one page with its caption and notes.
BREAKABLE_ROWS = 18


def escape(text: str) -> str:
    """``text`` as literal Typst markup: every markup character escaped, spaces collapsed.

    >>> escape("Side 3 -- av 12 = 25 %")
    'Side 3 \\\\-\\\\- av 12 \\\\= 25 %'
    """
    return _MARKUP.sub(r"\\\1", _SPACE.sub(" ", text))


def string(text: str) -> str:
    """``text`` as a Typst string literal (for arguments such as ``alt:``).

    >>> string('Sier "nei"\\n')
    '"Sier \\\\"nei\\\\"\\\\n"'
    """
    out = text.replace("\\", "\\\\").replace('"', '\\"')
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
        (a report is self-contained and never loads from elsewhere)."""
        m = re.match(r"data:image/(svg\+xml|png|jpeg|gif)(;base64)?,(.*)", src, re.DOTALL)
        if not m:
            return None
        kind, b64, payload = m.groups()
        try:
            data = base64.b64decode(payload, validate=False) if b64 else \
                __import__("urllib.parse").parse.unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            return None
        ext = {"svg+xml": "svg", "png": "png", "jpeg": "jpg", "gif": "gif"}[kind]
        name = f"img-{hashlib.sha256(data).hexdigest()[:16]}.{ext}"
        self.files[name] = data
        return name

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
                if name:
                    out.append(f'#box(image("{name}", alt: {self.alt(n)}))')
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
            level = _LEVEL[tag]
            return (f"#pe-heading({level})[{self.inline(n.children).strip()}]")
        if tag == "p":
            inner = self.inline(n.children).strip()
            if not inner:
                return ""
            role = next((_P_ROLE[c] for c in n.attrs.get("class", "").split() if c in _P_ROLE),
                        None)
            return f"#{role}[{inner}]" if role else inner
        if tag in ("ul", "ol"):
            items = [f"[{self.block(li.children)}]" for li in n.children
                     if isinstance(li, _Node) and li.tag == "li"]
            if not items:
                return ""
            return f"#{'list' if tag == 'ul' else 'enum'}({', '.join(items)})"
        if tag == "table":
            return self.table(n)
        if tag == "figure":
            return self.figure(n)
        if tag == "img":
            name = self.image_file(n.attrs.get("src", ""))
            return f'#pe-image("{name}", alt: {self.alt(n)})' if name else ""
        if tag == "aside" and "pe-guide" in cls:
            return f"#pe-guide[{self.block(n.children)}]"
        if tag == "section" and "summary" in cls:
            return f"#pe-summary[{self.block(n.children)}]"
        if tag == "div" and "pe-table-block" in cls:
            table = n.find("table")
            rows = len(table.all("tr")) if table is not None else 0
            return f"#pe-keep({str(rows <= BREAKABLE_ROWS).lower()})[{self.block(n.children)}]"
        if tag == "div" and "pe-section-head" in cls:
            new_page = "pe-new-page" in cls or _new_page(n)
            return f"#pe-section-head({str(new_page).lower()})[{self.block(n.children)}]"
        if tag == "pre":
            return f"#raw(block: true, {string(n.text())})"
        if tag == "blockquote":
            return f"#quote(block: true)[{self.block(n.children)}]"
        if tag == "hr":
            return "#pe-rule()"
        if tag in ("dl",):
            return self.block([c for c in n.children if isinstance(c, _Node)])
        if tag in ("dt",):
            return f"#strong[{self.inline(n.children)}]"
        # div, section, main, nav, article, dd, li outside a list, …: their content
        return self.block(n.children)

    def figure(self, n: _Node) -> str:
        img = n.find("img")
        caption = n.find("figcaption")
        name = self.image_file(img.attrs.get("src", "")) if img is not None else None
        cap = f"[{self.inline(caption.children).strip()}]" if caption is not None else "none"
        if name is None:  # a figure of something else (a table, text): its content
            return self.block([c for c in n.children if c is not caption]) + (
                f"\n\n#pe-source[{cap[1:-1]}]" if caption is not None else "")
        return f'#pe-figure("{name}", alt: {self.alt(img)}, caption: {cap})'

    def table(self, n: _Node) -> str:
        caption = n.find("caption")
        cap = f"[{self.inline(caption.children).strip()}]" if caption is not None else "none"
        widths: list[str] = []
        for col in n.all("col"):
            m = _WIDTH.search(col.attrs.get("style", ""))
            span = int(col.attrs.get("span", "1") or 1)
            widths += [f"{m.group(1)}{m.group(2)}" if m else "auto"] * span
        sections: dict[str, list[_Node]] = {"thead": [], "tbody": [], "tfoot": []}
        loose: list[_Node] = []
        for c in n.children:
            if not isinstance(c, _Node):
                continue
            if c.tag in sections:
                sections[c.tag] += [r for r in c.children if isinstance(r, _Node) and r.tag == "tr"]
            elif c.tag == "tr":
                loose.append(c)
        head, body = sections["thead"], sections["tbody"] + loose + sections["tfoot"]
        if not head and body and all(
                isinstance(c, _Node) and c.tag == "th" for c in body[0].children
                if isinstance(c, _Node)):
            head, body = body[:1], body[1:]  # a first row of th only is the header
        columns = max((sum(int(c.attrs.get("colspan", "1") or 1) for c in r.children
                           if isinstance(c, _Node) and c.tag in ("td", "th"))
                       for r in head + body), default=1)
        size = "xwide" if columns >= XWIDE_COLUMNS else "wide" if columns >= WIDE_COLUMNS else \
            "normal"
        font_pt = {"xwide": 6.5, "wide": 7.5}.get(
            size, 8.0 if n.classes & {"pe-value", "pe-glossary"} else 8.5)
        shares = [float(w[:-1]) / 100 for w in widths if w.endswith("%")]
        preferred = shares if len(shares) == columns else None
        widths = _column_weights(head, body, columns, font_pt, preferred)
        totals = [i for i, r in enumerate(body) if "total" in r.classes
                  or r in sections["tfoot"]]
        head_cells = ", ".join(self.cell(c, header=True) for r in head for c in r.children
                               if isinstance(c, _Node) and c.tag in ("td", "th"))
        body_cells = ", ".join(self.cell(c, total=i in totals) for i, r in enumerate(body)
                               for c in r.children
                               if isinstance(c, _Node) and c.tag in ("td", "th"))
        classes = sorted(n.classes & {"pe-status", "pe-value", "pe-glossary", "dataframe"})
        return (f"#pe-table(caption: {cap}, columns: ({', '.join(widths)},), "
                f'size: "{size}", kind: "{classes[0] if classes else "plain"}", '
                f"head-rows: {len(head)}, body-rows: {len(body)}, "
                f"totals: ({''.join(f'{i},' for i in totals)}), "
                f"head: ({head_cells}{',' if head_cells else ''}), "
                f"body: ({body_cells}{',' if body_cells else ''}))")

    def cell(self, c: _Node, header: bool = False, total: bool = False) -> str:
        cls = c.classes
        num = "num" in cls
        row_header = c.tag == "th" and not header
        inner = self.inline(c.children).strip()
        args = [f"b: [{inner}]"]
        if num:
            args.append("num: true")
        if row_header:
            args.append("rh: true")
        if total:
            args.append("t: true")
        for attr, key in (("rowspan", "rs"), ("colspan", "cs")):
            value = c.attrs.get(attr, "1") or "1"
            if value.isdigit() and int(value) > 1:
                args.append(f"{key}: {int(value)}")
        return f"({', '.join(args)})"


# Average advance of Inter in em (text, bold names and headers, a badge's smaller bold
# word), and a cell's side padding in em.
_EM_TEXT, _EM_BOLD, _EM_BADGE, _EM_PAD = 0.52, 0.6, 0.54, 1.0
_TEXT_WIDTH_PT = (210 - 24 - 22) * 72 / 25.4  # A4 less the page's side margins


def _column_weights(head: list[_Node], body: list[_Node], columns: int,
                    font_pt: float, preferred: list[float] | None = None) -> list[str]:
    """Column widths as shares of the text width, from what the cells hold, the way a
    browser's automatic table layout does: each column gets at least the width of its
    longest word (a header and a pilot's name break between words only; a number or a
    status badge never breaks), and the rest of the width goes to the columns in
    proportion to how much more their longest cell (up to ~30 characters) would take."""
    least = [1.0] * columns
    least_badge_by_word = [1.0] * columns  # if badges must wrap after all
    most = [1.0] * columns
    taken: set[tuple[int, int]] = set()
    for y, row in enumerate(head + body):
        x = 0
        for c in row.children:
            if not isinstance(c, _Node) or c.tag not in ("td", "th"):
                continue
            while (y, x) in taken:
                x += 1
            rs, cs = (int(v) if v.isdigit() else 1
                      for v in (c.attrs.get("rowspan", "1"), c.attrs.get("colspan", "1")))
            taken.update((y + dy, x + dx) for dy in range(rs) for dx in range(cs))
            if cs == 1 and x < columns:
                text = " ".join(c.text().split())
                badge = any("status" in b.classes for b in c.all("span"))
                bold = y < len(head) or c.tag == "th"
                em = _EM_BOLD if bold else _EM_TEXT
                whole = ("num" in c.classes and y >= len(head)) or badge
                word = len(text) if whole else max((len(w) for w in text.split(" ")), default=0)
                # a badge: bold word, then symbol, gap, its padding and border (~2 em)
                need = (word * _EM_BADGE + 2.0) if badge else word * em
                least[x] = max(least[x], need + _EM_PAD)
                longest = max((len(w) for w in text.split(" ")), default=0)
                least_badge_by_word[x] = max(least_badge_by_word[x], _EM_PAD + (
                    longest * _EM_BADGE + 2.0 if badge else need))
                if y >= len(head):
                    most[x] = max(most[x], min(len(text), 30) * em + _EM_PAD)
            x += cs
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
        widths = least
    else:
        share = (available - sum(least)) / (sum(most) - sum(least))
        widths = [lo + (m - lo) * share for lo, m in zip(least, most, strict=True)]
    return [f"{w:.2f}fr" for w in widths]


_BLOCK_TAGS = {"p", "div", "section", "aside", "main", "nav", "article", "header", "footer",
               "ul", "ol", "li", "table", "figure", "pre", "blockquote", "hr", "dl", "dt", "dd",
               *_LEVEL}
# Chapters that begin on a new page (as in the print stylesheet): money and method.
_NEW_PAGE_IDS = {"penger", "money", "data-og-metode", "data-and-method"}


def _new_page(head: _Node) -> bool:
    h2 = head.find("h2")
    return h2 is not None and h2.attrs.get("id") in _NEW_PAGE_IDS


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
    """
    parser = _Parser()
    parser.feed(html)
    parser.close()
    writer = _Writer(image_alt)
    return Converted(writer.block(parser.root.children), writer.files)
