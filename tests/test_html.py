"""The HTML a report block shows (JupyterLab, the HTML report) and the report page on screens.

The block stylesheet (:mod:`pilot_eval.present.css`) travels with every Block and Table
output, so JupyterLab shows the badges and alignment the printed report has; the print
template puts it in the page once. Wide tables scroll in their own box; the cover is laid
out in flow on a screen (the colophon used to lie over the title).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from pilot_eval.present import css, tables
from pilot_eval.present.report import Block
from pilot_eval.present.tables import Table
from pilot_eval.render.export import notebook_to_html

PRINT_CSS = (Path(__file__).parent.parent / "src" / "pilot_eval" / "render" / "templates"
             / "pilot_eval_print" / "print.css.j2")

STATUS_HTML = (
    '<div class="pe-table-block"><table class="pe-table pe-status"><caption>Status</caption>'
    '<thead><tr><th scope="col" class="text">Pilot</th><th scope="col" class="text">Rekkevidde'
    '</th><th scope="col" class="num">Deltakere</th></tr></thead><tbody><tr>'
    '<th scope="row" class="text">Leksehjelp</th><td class="text">'
    '<span class="status status-green">god</span></td><td class="num">340</td></tr></tbody>'
    '</table><p class="source">Status vises med symbol og ord.</p></div>')


def _status_table() -> Table:
    return Table(html=STATUS_HTML, caption="Status", data=pd.DataFrame())


def _rules(text: str) -> list[tuple[str, str]]:
    """(selector, declarations) of every style rule, inside @media blocks too."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    text = re.sub(r"@media[^{]*\{", "", text)  # the rules inside count like the others
    return [(sel.strip(), body) for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text)
            if sel.strip() and not sel.strip().startswith("@")]


# --------------------------------------------------------------------------- the block CSS


def test_table_output_carries_the_block_stylesheet():
    table = _status_table()
    out = table._repr_html_()
    assert out.startswith(f'<div class="pe-block">{css.STYLE_OPEN}')
    assert out.count("<style") == 1 and out.endswith("</div>")
    style = out.split(css.STYLE_OPEN, 1)[1].split("</style>", 1)[0]
    # the badge symbols, the alignment and the badge colours are in it
    for rule in ('.pe-block .status-green::before{content: "\\25CF"',
                 '.pe-block .status-yellow::before{content: "\\25B2"',
                 ".pe-block td.num{text-align: right",
                 ".pe-block td.text{text-align: left"):
        assert rule.replace(" ", "") in style.replace(" ", ""), rule
    # the data attribute is unchanged: the stylesheet is only in what a notebook shows
    assert table.html == STATUS_HTML and "<style" not in table.html and str(table) == table.html


def test_block_output_carries_the_stylesheet_and_an_empty_block_stays_empty():
    block = Block(f"<h3>Oversikt</h3>{STATUS_HTML}")
    out = block._repr_html_()
    assert out.count(css.STYLE_OPEN) == 1 and "<h3>Oversikt</h3>" in out
    assert "<style" not in block.html
    assert Block("")._repr_html_() == "" and Block(" \n")._repr_html_() == " \n"


def test_a_real_table_keeps_its_markup_inside_the_wrapper():
    glossary = tables.glossary_table("nb")
    out = glossary._repr_html_()
    assert out.replace(css.STYLE, "").replace('<div class="pe-scroll">', "", 1) == (
        f'<div class="pe-block">{glossary.html.replace("</table>", "</table></div>", 1)}</div>')


def test_every_block_rule_is_scoped_to_the_wrapper():
    """No rule may style JupyterLab's own elements: each selector starts at .pe-block."""
    rules = _rules(css.BLOCK_CSS)
    assert len(rules) > 30
    for selector, _ in rules:
        for part in selector.split(","):
            assert part.strip().startswith(".pe-block "), part
    inner = css.STYLE.removeprefix(css.STYLE_OPEN).removesuffix("</style>")
    assert "<" not in inner  # nothing in it an HTML parser could read as a tag


def test_block_css_beats_jupyterlab_right_alignment():
    """JupyterLab right-aligns cells with ``:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon
    th`` (two classes and an element): the text rule needs at least that weight."""
    rules = _rules(css.BLOCK_CSS)
    assert any(sel == ".pe-block th.text, .pe-block td.text" and "text-align: left" in body
               for sel, body in rules)
    assert any(sel == ".pe-block table" and "table-layout: auto" in body  # JupyterLab: fixed
               for sel, body in rules)


def test_wide_tables_scroll_in_their_own_box():
    out = Block(STATUS_HTML + STATUS_HTML)._repr_html_()
    assert out.count("<table") == 2
    assert out.count('<div class="pe-scroll"><table') == 2
    assert re.search(r"@media screen\{.*\.pe-block \.pe-scroll\{overflow-x:\s*auto", css.STYLE)
    # the box is a screen thing: on paper a table is never cut off by it
    print_part = re.sub(r"@media screen\{.*", "", css.STYLE)
    assert "overflow-x" not in print_part


def test_with_css_is_idempotent_and_drops_nested_copies():
    once = css.with_css(STATUS_HTML)
    assert css.with_css(once) == once
    # a block built from a styled output (a figure or table inside a block) ends up with one
    nested = css.with_css("<p>før</p>" + once + "<p>etter</p>")
    assert nested.count(css.STYLE_OPEN) == 1
    assert nested.count('<div class="pe-scroll">') == 1


# --------------------------------------------------------------------------- the report page


@pytest.fixture(scope="module")
def page() -> str:
    outputs = [Block("<h2 id='sammendrag'>Sammendrag</h2><p class='lead'>Kort.</p>"),
               _status_table(), tables.glossary_table("nb")]
    cells = [new_code_cell("x", execution_count=i + 1, outputs=[
        new_output("display_data", {"text/html": o._repr_html_(), "text/plain": "x"})])
        for i, o in enumerate(outputs)]
    return notebook_to_html(new_notebook(cells=cells), title="T", language="nb",
                            as_of_text="status per 30. juni 2026",
                            cover_note="Bærum kommune · samarbeidsavtale · laget i dag")


def test_report_page_has_the_block_stylesheet_once_in_its_head(page):
    head, _, body = page.partition("</head>")
    assert css.STYLE_OPEN not in page  # the copies from the outputs are gone
    assert page.count("<style") == 2  # the fonts, and the page's stylesheet
    assert head.count(".pe-block .status-green::before") == 1
    assert ".pe-block" not in body.replace('class="pe-block"', "")
    assert body.count('<div class="pe-block">') == 3
    assert body.count('<div class="pe-scroll"><table') == 2


def test_report_page_without_blocks_has_no_block_stylesheet():
    nb = new_notebook(cells=[new_code_cell("x", execution_count=1, outputs=[
        new_output("display_data", {"text/html": "<p>hei</p>"})])])
    html = notebook_to_html(nb, title="T")
    assert ".pe-block .status" not in html and "<p>hei</p>" in html


def test_cover_has_no_absolute_position_on_screen():
    """position: absolute on the colophon is measured from the window on a screen and lay
    over "Status per …"; only the printed cover page may place it at the foot."""
    text = re.sub(r"/\*.*?\*/", "", PRINT_CSS.read_text(encoding="utf-8"), flags=re.DOTALL)
    outside_print = re.sub(r"@media print\s*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", text)
    assert "@media print" in text and "position: absolute" in text
    assert not re.search(r"position:\s*(absolute|fixed)", outside_print)


def test_cover_colophon_follows_the_title_in_the_page(page):
    cover = re.search(r'<section[^>]*class="pe-cover".*?</section>', page, re.DOTALL)[0]
    assert cover.index('class="pe-asof"') < cover.index('class="pe-cover-foot"')
    assert "style=" not in cover  # no inline position that the stylesheet cannot undo
    assert cover.count("<p>") == 3  # one fact a line


def test_charts_keep_legible_text_on_a_phone():
    """Charts are 453.5 SVG units wide, their smallest text 8 units: drawn narrower than
    454 px that text falls under 8 px, so they keep that width and scroll in their box."""
    text = PRINT_CSS.read_text(encoding="utf-8")
    screen = text.split("@media screen {", 1)[1]
    width = float(re.search(r"figure\.chart img \{[^}]*min-width:\s*([\d.]+)px", screen)[1])
    assert 8 * width / 453.543307 >= 7.95
    assert re.search(r"figure\.chart \{[^}]*overflow-x:\s*auto", screen)
