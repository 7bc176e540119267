"""The stylesheet that travels with each report block, so it looks the same everywhere.

A report block (:class:`~pilot_eval.present.report.Block`,
:class:`~pilot_eval.present.tables.Table`) shows in three places: a notebook in
JupyterLab, the HTML report and (for now) the printed page. Its look — status badges with
symbol and word, text left and numbers right, the table rules, the reading guide's box —
must not depend on where it is shown. So :func:`with_css` hands a block's HTML out inside
``<div class="pe-block">`` with one small ``<style>`` in front: :data:`BLOCK_CSS`. Every
selector in it starts with ``.pe-block``, so it styles the block and nothing of
JupyterLab around it.

This module is the one place those rules live. The print template
(``render/templates/pilot_eval_print``) takes the stylesheet from the first block of the
notebook, puts it once into the page's stylesheet and drops the copies in the outputs;
its own ``print.css`` keeps the page: cover, contents, headings, charts and pagination.

The base rules keep the print sizes (points, as the A4 layout was tuned); rules under
``@media screen`` scale with the text (``em``), give tables a light JupyterLab-proof
look and let a table wider than the screen scroll inside its own box
(``<div class="pe-scroll">``, added around every ``<table>``) instead of widening the
page.

Notes
-----
JupyterLab drops ``<style>`` elements from the outputs of a notebook it does not trust
(one executed elsewhere, e.g. a published report notebook, until the user trusts it or
runs it again). The blocks then show unstyled: badges as plain words.
"""

from __future__ import annotations

import re

__all__ = ["BLOCK_CLASS", "BLOCK_CSS", "SCROLL_CLASS", "STYLE", "STYLE_OPEN", "with_css"]

#: Class of the element that wraps a block's HTML; every rule of :data:`BLOCK_CSS` is
#: scoped to it.
BLOCK_CLASS = "pe-block"
#: Class of the box around each table that scrolls sideways on a narrow screen.
SCROLL_CLASS = "pe-scroll"
#: How the block stylesheet starts. The print template finds (and removes) the copies
#: that came with the notebook's outputs by this exact text.
STYLE_OPEN = '<style class="pe-block-css">'

#: The rules, with comments. Palette: Okabe & Ito (2008), safe for the common
#: colour-vision deficiencies; ink #1b1f24, headings #0b2e4f, rules #c9d1d9.
BLOCK_CSS = """
/* ---- tables: semantic markup from present.tables; .num right, .text left ---------- */
.pe-block table {
  border-collapse: collapse;
  border: none;
  width: 100%;
  max-width: 100%;
  table-layout: auto;
  margin: 0.3em 0 1.1em;
  font-size: 8.5pt;
  line-height: 1.35;
  font-variant-numeric: tabular-nums;
  color: inherit;
}
.pe-block caption {
  caption-side: top;
  text-align: left;
  font-weight: 600;
  font-size: 9pt;
  color: #0b2e4f;
  padding-bottom: 0.35em;
}
.pe-block thead { border-bottom: none; }
.pe-block tbody tr:nth-child(n) { background: transparent; }
.pe-block th, .pe-block td {
  padding: 2.6pt 4pt;
  border: none;
  border-bottom: 0.5pt solid #d5dbe1;
  vertical-align: top;
  text-align: left;
  line-height: inherit;
  overflow-wrap: break-word;
  hyphens: auto;
}
.pe-block thead th {
  background: #eef2f6;
  border-bottom: 1pt solid #0b2e4f;
  font-weight: 600;
  vertical-align: bottom;
  color: #0b2e4f;
}
.pe-block thead tr:not(:last-child) th { border-bottom: none; }
.pe-block tbody th { font-weight: 600; }
/* as specific as JupyterLab's rule that right-aligns every cell, and later: it wins */
.pe-block th.text, .pe-block td.text { text-align: left; }
.pe-block th.num, .pe-block td.num { text-align: right; white-space: nowrap; }
.pe-block thead th.num { white-space: normal; hyphens: manual; }
.pe-block tbody tr:last-child td, .pe-block tbody tr:last-child th {
  border-bottom: 0.75pt solid #8a96a3;
}
.pe-block tfoot td, .pe-block tfoot th, .pe-block tr.total td, .pe-block tr.total th {
  font-weight: 600;
  border-top: 0.75pt solid #8a96a3;
}
.pe-block .source { font-size: 7.5pt; color: #4a5561; margin: 0.3em 0 0; }

/* ---- status badges: symbol + word, never colour alone ------------------------------- */
.pe-block .status {
  display: inline;
  white-space: nowrap;
  padding: 0.2pt 5pt 0.4pt 4pt;
  border: 0.75pt solid #8a939c;
  border-radius: 7pt;
  font-weight: 600;
  font-size: 0.95em;
  line-height: 1.35;
  color: #1b1f24;
  background: #f0f1f3;
}
.pe-block .status::before { margin-right: 3pt; font-weight: 400; }
.pe-block .status-green { background: #e2f3ec; border-color: #009E73; }
.pe-block .status-green::before { content: "\\25CF"; color: #007a5a; }   /* filled circle */
.pe-block .status-yellow { background: #fcf0d6; border-color: #E69F00; }
.pe-block .status-yellow::before { content: "\\25B2"; color: #b37a00; }  /* triangle */
.pe-block .status-red { background: #fae3d8; border-color: #D55E00; }
.pe-block .status-red::before { content: "\\25A0"; color: #b34f00; }     /* square */
.pe-block .status-grey { background: #f0f1f3; border-color: #8a939c; }
.pe-block .status-grey::before { content: "\\25CB"; color: #5f6973; }    /* hollow circle */
.pe-block table.pe-status .status { font-size: 0.9em; padding: 0.2pt 4pt 0.4pt 3pt; }

/* ---- text boxes: the lead paragraph, notes, the reading guide ----------------------- */
.pe-block .lead { font-size: 11pt; line-height: 1.45; }
.pe-block .note, .pe-block .caveat {
  margin: 0.6em 0 1em;
  padding: 3mm 4mm;
  background: #f2f6fa;
  border-left: 2.5pt solid #0072B2;
}
.pe-block .caveat { background: #fdf6e9; border-left-color: #E69F00; }
.pe-block .note > :last-child, .pe-block .caveat > :last-child { margin-bottom: 0; }
.pe-block aside.pe-guide {
  margin: 10mm 0 0;
  padding: 4mm 5mm;
  background: #f2f6fa;
  border-left: 2.5pt solid #0072B2;
  font-size: 9.5pt;
  color: #1b1f24;
}
.pe-block aside.pe-guide h3 { margin-top: 0; }
.pe-block aside.pe-guide ul { margin: 0; padding-left: 4mm; }
.pe-block aside.pe-guide li { margin: 0.25em 0; }
.pe-block aside.pe-guide p.pe-synthetic {
  margin: 0 0 0.6em;
  padding: 2mm 3mm;
  background: #fdf6e9;
  border-left: 2.5pt solid #E69F00;
  font-weight: 600;
}

/* ---- screens (JupyterLab, the HTML report): sizes follow the text ------------------- */
@media screen {
  .pe-block .pe-scroll { overflow-x: auto; max-width: 100%; margin: 0.35em 0 0.6em; }
  .pe-block .pe-scroll > table { margin: 0; }
  .pe-block table { font-size: 0.875em; line-height: 1.4; }
  .pe-block caption { font-size: 1.07em; padding-bottom: 0.45em; }
  .pe-block th, .pe-block td { padding: 0.45em 0.6em; }
  .pe-block thead th { border-bottom-width: 1.5px; }
  .pe-block table.pe-status td:last-child { min-width: 12em; }
  .pe-block .source { font-size: 0.8em; line-height: 1.45; }
  .pe-block .pe-table-block { margin-bottom: 1.4em; }
  .pe-block .status { padding: 0.05em 0.5em 0.1em 0.4em; border-width: 1px; border-radius: 1em; }
  .pe-block .status::before { margin-right: 0.3em; }
  .pe-block .lead { font-size: 1.125em; line-height: 1.55; }
  .pe-block aside.pe-guide { margin: 1.5em 0; padding: 1em 1.25em; font-size: 0.95em; }
  .pe-block aside.pe-guide p.pe-synthetic { padding: 0.6em 0.8em; }
  .pe-block .note, .pe-block .caveat { padding: 0.8em 1em; }
}
"""

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def _minify(css: str) -> str:
    """Drop comments and runs of white space: the copy that goes into every output."""
    css = _COMMENT.sub("", css)
    css = re.sub(r"\s+", " ", css)
    return re.sub(r"\s*([{};,>])\s*", r"\1", css).replace(";}", "}").strip()


#: The ``<style>`` element that :func:`with_css` puts in front of a block.
STYLE: str = f"{STYLE_OPEN}{_minify(BLOCK_CSS)}</style>"

_TABLE = re.compile(r"<table\b.*?</table>", re.DOTALL | re.IGNORECASE)
_SCROLL_OPEN = f'<div class="{SCROLL_CLASS}">'


def with_css(html: str) -> str:
    """A block's HTML as a notebook shows it: wrapped, styled, its tables in scroll boxes.

    Parameters
    ----------
    html : str
        The block's own HTML (``Block.html``, ``Table.html``).

    Returns
    -------
    str
        ``<div class="pe-block"><style …>…</style>html</div>``, every ``<table>`` inside a
        ``<div class="pe-scroll">``. Empty (or white-space) HTML is returned as it is, so
        a block with nothing to show leaves no output. Applying it twice gives the same
        result as once: copies of the stylesheet inside ``html`` are dropped and tables
        already in a scroll box are left as they are.

    Examples
    --------
    >>> shown = with_css("<table><tr><td>1</td></tr></table>")
    >>> shown.startswith('<div class="pe-block"><style'), '<div class="pe-scroll"><table>' in shown
    (True, True)
    >>> with_css(shown) == shown
    True
    >>> with_css("  ")
    '  '
    """
    if not html.strip():
        return html
    if html.startswith(f'<div class="{BLOCK_CLASS}">{STYLE}'):
        return html
    body = html.replace(STYLE, "")
    parts, end = [], 0
    for match in _TABLE.finditer(body):
        before = body[end:match.start()]
        boxed = before.endswith(_SCROLL_OPEN)
        parts.append(before)
        parts.append(match.group(0) if boxed else f"{_SCROLL_OPEN}{match.group(0)}</div>")
        end = match.end()
    parts.append(body[end:])
    return f'<div class="{BLOCK_CLASS}">{STYLE}{"".join(parts)}</div>'
