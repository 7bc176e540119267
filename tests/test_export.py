"""Tests for pilot_eval.render.export: notebook → HTML (print template) and → PDF/UA (Typst).

The notebook here is built in memory with outputs already in place, so no kernel runs;
tests/test_run.py covers the real execute → HTML → PDF chain.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pikepdf
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from pilot_eval.errors import ReportError, UsageError
from pilot_eval.render import export
from pilot_eval.render.export import font_face_css, notebook_to_html, notebook_to_pdf

PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils not installed")

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="200pt" height="100pt" '
    'viewBox="0 0 200 100"><rect x="10" y="10" width="80" height="80" fill="#0072B2"/>'
    '<rect x="110" y="40" width="80" height="50" fill="#E69F00"/></svg>'
)
# 1×1 transparent PNG, referenced from markdown as a local file.
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"
)
REGRESSION_P = (
    "Dette er en <strong>viktig</strong> setning som er lang nok til å fylle mer enn én "
    "linje i en vanlig spalte på en A4-side, og den skal brytes der det er plass."
)


def _executed_notebook() -> nbformat.NotebookNode:
    cells = [
        new_code_cell(
            'marker = "PARAMS-VISIBLE"\nmarker',
            metadata={"tags": ["parameters"]},
            execution_count=1,
            outputs=[
                new_output("execute_result", {"text/plain": "'PARAMS-VISIBLE'"}, execution_count=1)
            ],
        ),
        new_code_cell(
            'marker = "x"',
            metadata={"tags": ["injected-parameters"]},
            execution_count=2,
            outputs=[new_output("stream", name="stdout", text="INJECTED-VISIBLE\n")],
        ),
        new_markdown_cell("## Økonomi og måloppnåelse\n\nBlåbær æøå ÆØÅ."),
        new_code_cell(
            "SECRET_CODE = 1\ndisplay(table)",
            execution_count=3,
            outputs=[
                new_output(
                    "display_data",
                    {
                        "text/html": "<table><thead><tr><th>Pilot</th><th>Kostnad</th></tr>"
                        "</thead><tbody><tr><td>Leksehjelp</td><td>1\u00a0234\u00a0kr</td>"
                        "</tr></tbody></table>",
                        "text/plain": "table",
                    },
                ),
                new_output("stream", name="stderr", text="STDERR-NOISE\n"),
                new_output("execute_result", {"text/plain": "'RESULT-TEXT'"}, execution_count=3),
            ],
        ),
        new_code_cell(
            "plt.show()",
            execution_count=4,
            outputs=[
                new_output(
                    "display_data",
                    {"image/svg+xml": SVG, "text/plain": "<Figure>"},
                    metadata={"image/svg+xml": {"alt": "Stolpediagram over kostnader"}},
                )
            ],
        ),
        new_code_cell(
            "print('gone')",
            metadata={"tags": ["remove_cell"]},
            execution_count=5,
            outputs=[new_output("stream", name="stdout", text="REMOVED-VISIBLE\n")],
        ),
        new_markdown_cell(
            "## Hva endret seg?\n\n"
            f"<p>{REGRESSION_P}</p>\n\n"
            'Status: <span class="status status-green">god</span>\n\n'
            "![logo](logo.png)"
        ),
        new_code_cell(
            "HTML(...)",
            execution_count=6,
            outputs=[
                new_output(
                    "display_data",
                    {"text/html": "<p>kept</p><script>alert('JS-VISIBLE')</script>"},
                )
            ],
        ),
        new_markdown_cell("### Undertittel"),
    ]
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    return new_notebook(cells=cells, metadata=meta)


@pytest.fixture(scope="module")
def nb_path(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("nb")
    (folder / "logo.png").write_bytes(PNG_1PX)
    path = folder / "executed.ipynb"
    nbformat.write(_executed_notebook(), path)
    return path


@pytest.fixture(scope="module")
def html_nb(nb_path) -> str:
    return notebook_to_html(
        nb_path,
        title="Sosiale entreprenører i Bærum",
        language="nb",
        as_of_text="status per 30. juni 2026",
        organisation="Bærum kommune",
    )


@pytest.fixture(scope="module")
def pdf_en(tmp_path_factory) -> Path:
    """One English PDF for the metadata tests, as long as a real report (six pages and
    more: outloud tells a running header from prose by its recurring on most pages)."""
    out = tmp_path_factory.mktemp("pdf") / "report.pdf"
    nb = _executed_notebook()
    nb.cells.append(new_markdown_cell("## Appendix\n\n" + "\n\n".join(
        ["A paragraph of running text that fills the pages of the appendix. " * 6] * 60)))
    return notebook_to_pdf(nb, out, title="Social entrepreneurs in Bærum",
                           language="en", as_of_text="status as of 30 June 2026",
                           organisation="Bærum kommune")


# ---- HTML ----------------------------------------------------------------------------------


def test_html_has_no_code_prompts_or_scripts(html_nb):
    for forbidden in ("SECRET_CODE", "In&nbsp;[", "In [", "Out[", "<script", "JS-VISIBLE"):
        assert forbidden not in html_nb, forbidden
    assert "<p>kept</p>" in html_nb


def test_tagged_cells_and_stderr_are_removed(html_nb):
    for forbidden in ("PARAMS-VISIBLE", "INJECTED-VISIBLE", "REMOVED-VISIBLE", "STDERR-NOISE"):
        assert forbidden not in html_nb, forbidden
    assert "RESULT-TEXT" in html_nb  # ordinary outputs stay


def test_template_removes_tagged_cells_even_without_the_preprocessor():
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    exporter = HTMLExporter(
        template_name=export.TEMPLATE_NAME,
        extra_template_basedirs=[str(export.TEMPLATES_DIR)],
        exclude_input=True,
        config=Config({"TagRemovePreprocessor": {"enabled": False}}),
    )
    body, _ = exporter.from_notebook_node(_executed_notebook())
    assert "PARAMS-VISIBLE" not in body and "REMOVED-VISIBLE" not in body
    assert "RESULT-TEXT" in body


def test_empty_outputs_make_no_cell_and_a_section_head_keeps_with_the_next():
    """An empty block (nothing to add) must not leave a cell where a page may break between
    a section heading and what follows it (an orphaned heading at the page foot)."""
    from nbconvert import HTMLExporter

    def html_cell(html: str) -> nbformat.NotebookNode:
        return new_code_cell("x", outputs=[new_output(
            "execute_result", data={"text/html": html, "text/plain": "Block"}, execution_count=1)])

    head = '<div class="pe-section-head"><h2 id="verdi">Verdi</h2><p class="lead">Intro</p></div>'
    nb = new_notebook(cells=[html_cell(head), html_cell(""), html_cell("<p>TABLE-HERE</p>")])
    exporter = HTMLExporter(template_name=export.TEMPLATE_NAME,
                            extra_template_basedirs=[str(export.TEMPLATES_DIR)], exclude_input=True)
    body, _ = exporter.from_notebook_node(nb)
    cells = re.findall(r'<div class="cell code_cell([^"]*)"', body)
    assert len(cells) == 2  # the empty one is gone
    assert "pe-ends-with-heading" in cells[0] and "pe-ends-with-heading" not in cells[1]
    assert ".pe-ends-with-heading { break-after: avoid; }" in body


def test_html_is_self_contained(html_nb):
    assert '<html lang="nb">' in html_nb
    assert "<title>Sosiale entreprenører i Bærum</title>" in html_nb
    assert html_nb.count("data:font/woff2;base64,") == 4
    assert 'src="data:image/svg+xml;base64,' in html_nb
    assert 'alt="Stolpediagram over kostnader"' in html_nb
    assert 'src="data:image/png;base64,' in html_nb  # markdown image inlined
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html_nb)
    assert "æøå ÆØÅ" in html_nb


def test_inline_html_in_markdown_survives(html_nb):
    # nbconvert's embed_images would turn this into '<span …></span>god'
    assert '<span class="status status-green">god</span>' in html_nb
    assert "<strong>viktig</strong>" in html_nb


def test_running_header_and_page_footer_in_the_right_language(html_nb):
    assert '"Sosiale entreprenører i Bærum · status per 30. juni 2026"' in html_nb
    assert '"Side " counter(page) " av " counter(pages)' in html_nb
    assert "Status per 30. juni 2026" in html_nb  # cover, capitalised
    en = notebook_to_html(_executed_notebook(), title="T", language="en", as_of_text="x")
    assert '"Page " counter(page) " of " counter(pages)' in en
    assert '<html lang="en">' in en and ">Contents</h2>" in en



def test_one_exporter_serves_reports_with_different_titles_and_languages(nb_path, html_nb):
    # The exporter is made once per process; nothing of one report may reach the next.
    exporter = export._html_exporter()
    other = notebook_to_html(nb_path, title="Annen rapport", language="en", as_of_text="x")
    again = notebook_to_html(
        nb_path,
        title="Sosiale entreprenører i Bærum",
        language="nb",
        as_of_text="status per 30. juni 2026",
        organisation="Bærum kommune",
    )
    assert export._html_exporter() is exporter
    assert "<title>Annen rapport</title>" in other and '<html lang="en">' in other
    assert "Sosiale entreprenører" not in other and "Bærum kommune" not in other
    assert again == html_nb

def test_table_of_contents_links_every_h2(html_nb):
    nav = re.search(r'<nav class="pe-toc".*?</nav>', html_nb, re.DOTALL).group(0)
    targets = re.findall(r'href="#([^"]+)"', nav)
    assert len(targets) == 2
    assert "Økonomi og måloppnåelse" in nav and "Hva endret seg?" in nav
    main = html_nb.split('<main id="pe-main">', 1)[1]
    for ident in targets:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", ident)
        assert f'<h2 id="{ident}"' in main


def test_css_string_escapes_quotes_and_newlines():
    assert export._css_string('a "b" \\ c\nd') == '"a \\22 b\\22  \\5c  c d"'


def test_font_css_lists_each_shipped_face_once():
    css = font_face_css()
    assert css.count("@font-face") == 4
    for weight in ("400", "600", "700"):
        assert f"font-weight: {weight};" in css
    assert (export.FONTS_DIR / "OFL.txt").read_text().count("SIL OPEN FONT LICENSE") == 1


@pytest.mark.parametrize("bad", ["de", "nn"])
def test_bad_language_is_refused(bad, tmp_path):
    with pytest.raises(UsageError, match=repr(bad)):
        notebook_to_html(_executed_notebook(), title="T", language=bad)
    with pytest.raises(UsageError, match=repr(bad)):
        notebook_to_pdf(_executed_notebook(), tmp_path / "x.pdf", title="T", language=bad)


def test_empty_title_and_missing_notebook_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="title"):
        notebook_to_html(_executed_notebook(), title=" ")
    with pytest.raises(UsageError, match="does not exist"):
        notebook_to_html(tmp_path / "nope.ipynb", title="T")


# ---- PDF ------------------------------------------------------------------------------------


def test_pdf_metadata_title_and_language(pdf_en):
    with pikepdf.open(pdf_en) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert str(pdf.docinfo["/Title"]) == "Social entrepreneurs in Bærum"
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert "Social entrepreneurs in Bærum" in xmp
        assert re.search(r'pdfuaid:part(="1"|>1<)', xmp)


def test_pdf_is_tagged_with_bookmarks(pdf_en):
    with pikepdf.open(pdf_en) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked)
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
    assert "Økonomi og måloppnåelse" in titles and "Hva endret seg?" in titles


def _fonts(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Dictionary]:
    fonts = {}
    for page in pdf.pages:
        for font in (page.Resources.get("/Font") or {}).values():
            fonts[str(font.BaseFont)] = font
    return fonts


def test_pdf_embeds_every_font_and_uses_the_shipped_typeface(pdf_en):
    with pikepdf.open(pdf_en) as pdf:
        fonts = _fonts(pdf)
        assert any("Inter" in name for name in fonts), fonts.keys()
        for name, font in fonts.items():
            desc = (
                font.DescendantFonts[0].FontDescriptor
                if "/DescendantFonts" in font
                else font.FontDescriptor
            )
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(desc.keys()), name



def test_notebook_to_pdf_is_atomic_on_failure(tmp_path, monkeypatch):
    import typst

    target = tmp_path / "report.pdf"
    target.write_bytes(b"previous good report")

    def boom(self, *args, **kwargs):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(typst.Compiler, "compile", boom)
    with pytest.raises(ReportError, match="layout exploded"):
        notebook_to_pdf(_executed_notebook(), target, title="T")
    assert target.read_bytes() == b"previous good report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_tables_with_many_columns_get_smaller_type():
    def table(n: int, cls: str = "") -> str:
        row = "".join(f"<td>{i}</td>" for i in range(n))
        attr = f' class="{cls}"' if cls else ""
        return f"<table{attr}><tbody><tr>{row}</tr></tbody></table>"

    out = export._mark_wide_tables(table(4) + table(9, "dataframe") + table(14))
    assert re.findall(r"<table[^>]*>", out) == [
        "<table>",
        '<table class="dataframe wide">',
        '<table class="xwide">',
    ]


def test_cover_lists_municipality_period_and_version_one_per_line():
    """The title page names the municipality, the agreement period and when and with which
    version the report was made, each on its own line (not one run-on line of small print)."""
    note = ("Bærum kommune · samarbeidsavtale 1. januar 2025–31. desember 2026 · "
            "laget 27. november 2026 med pilot_eval 0.1.0")
    html = notebook_to_html(_executed_notebook(), title="T", language="nb",
                            as_of_text="status per 30. juni 2026", cover_note=note)
    foot = re.search(r'<div class="pe-cover-foot">(.*?)</div>', html, re.DOTALL).group(1)
    assert re.findall(r"<p>(.*?)</p>", foot) == [
        "Bærum kommune", "Samarbeidsavtale 1. januar 2025–31. desember 2026",
        "Laget 27. november 2026 med pilot_eval 0.1.0"]
    assert "Status per 30. juni 2026" in html




# ---- PDF: what Typst makes of the outputs ----------------------------------------------


def _structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every element of the PDF's tag tree, in document order."""
    out: list[pikepdf.Dictionary] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                out.append(node)
            if "/K" in node:
                walk(node.K)
        elif isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)

    walk(pdf.Root.StructTreeRoot)
    return out


def _attributes(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    found = element.get("/A")
    if found is None:
        return []
    return list(found) if isinstance(found, pikepdf.Array) else [found]


def test_pdf_tables_have_header_cells_with_column_scope_and_charts_alt_text(pdf_en):
    """What a screen reader needs, checked in the tag tree: the table's header row is TH
    with /Scope /Column (it would be TD, or TH without scope, if the header were lost),
    and the chart is a /Figure with the notebook's alt text."""
    with pikepdf.open(pdf_en) as pdf:
        elements = _structure(pdf)
        kinds = [str(e.S) for e in elements]
        th = [e for e in elements if str(e.S) == "/TH"]
        assert len(th) == 2, kinds  # "Pilot", "Kostnad"
        for cell in th:
            scopes = [str(a.get("/Scope")) for a in _attributes(cell) if "/Scope" in a]
            assert scopes == ["/Column"], _attributes(cell)
        figures = [str(e.get("/Alt", "")) for e in elements if str(e.S) == "/Figure"]
        assert "Stolpediagram over kostnader" in figures


@pytest.mark.parametrize("tool", ["outloud", "pdfua"])
def test_pdf_passes_the_accessibility_checkers(tool, pdf_en):
    exe = shutil.which(tool) or str(Path(__file__).resolve().parents[1] / ".venv/bin" / tool)
    command = [exe, str(pdf_en)] if tool == "outloud" else [exe, "check", str(pdf_en)]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@needs_pdftotext
def test_pdf_shows_outputs_and_markdown_but_no_code_or_removed_cells(pdf_en):
    text = subprocess.run([PDFTOTEXT, str(pdf_en), "-"], capture_output=True, text=True,
                          check=True).stdout
    for shown in ("Økonomi og måloppnåelse", "Blåbær æøå ÆØÅ", "Leksehjelp", "RESULT-TEXT",
                  "god", "kept", "Undertittel"):
        assert shown in text, shown
    assert re.search(r"1\s234\skr", text)  # a non-breaking space, as pdftotext reads it
    for hidden in ("PARAMS-VISIBLE", "INJECTED-VISIBLE", "REMOVED-VISIBLE", "SECRET_CODE",
                   "STDERR-NOISE", "JS-VISIBLE", "alert("):
        assert hidden not in text, hidden


def test_remote_and_local_file_images_are_not_loaded(tmp_path):
    """A report is self-contained: an <img> pointing at the network or at a file is left
    out (Typst reads only the images the exporter put into its private compile root)."""
    nb = new_notebook(cells=[new_code_cell("x", outputs=[new_output("display_data", {
        "text/html": '<p>Tekst</p><img src="https://example.invalid/logo.png" alt="logo">'
                     '<img src="/etc/passwd" alt="pw"><img src="file:///etc/hostname" alt="h">',
        "text/plain": ""})])])
    from pilot_eval.render.typst import read_page

    page = read_page(notebook_to_html(nb, title="T"))
    source, files = export.typst_source(page), page.body.files
    assert files == {} and "example.invalid" not in source and "passwd" not in source
    out = notebook_to_pdf(nb, tmp_path / "r.pdf", title="T")
    assert out.stat().st_size > 0


def test_notebook_text_cannot_inject_typst(tmp_path):
    """Text from data is escaped: a pilot named like Typst code prints as that text."""
    evil = '#read("/etc/passwd") #import "@preview/x:1.0.0" ] [ *bold* $x$ // c'
    nb = new_notebook(cells=[new_code_cell("x", outputs=[new_output("display_data", {
        "text/html": f"<h2>{evil}</h2><p>{evil}</p>", "text/plain": ""})])])
    out = notebook_to_pdf(nb, tmp_path / "r.pdf", title=evil)
    with pikepdf.open(out) as pdf:
        assert str(pdf.docinfo["/Title"]) == evil
    if PDFTOTEXT:
        text = subprocess.run([PDFTOTEXT, str(out), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert text.count('#read("/etc/passwd")') >= 2


def test_typst_failure_is_a_report_error_naming_the_file(tmp_path):
    with pytest.raises(ReportError, match="Typst could not make the PDF"):
        export.typst_to_pdf("#let x = ", {}, tmp_path / "bad.pdf")
    assert not (tmp_path / "bad.pdf").exists()


def test_the_pdf_shows_what_the_html_shows(tmp_path):
    """The PDF is typeset from the exported page: an output the print template hides
    (tag ``remove_output``) is in neither, and an image's alt text from the cell's
    metadata reaches the tagged PDF as it reaches the HTML."""
    nb = new_notebook(cells=[
        new_code_cell("x", metadata={"tags": ["remove_output"]}, outputs=[new_output(
            "display_data", {"text/html": "<p>HIDDEN-OUTPUT</p>", "text/plain": ""})]),
        new_code_cell("y", metadata={"alt": "Stolper fra cellen"}, outputs=[new_output(
            "display_data", {"image/svg+xml": SVG, "text/plain": "<Figure>"})]),
    ])
    html = notebook_to_html(nb, title="T")
    assert "HIDDEN-OUTPUT" not in html and 'alt="Stolper fra cellen"' in html
    out = notebook_to_pdf(nb, tmp_path / "r.pdf", title="T")
    with pikepdf.open(out) as pdf:
        figures = [str(e.get("/Alt", "")) for e in _structure(pdf) if str(e.S) == "/Figure"]
        assert figures == ["Stolper fra cellen"]
    if PDFTOTEXT:
        text = subprocess.run([PDFTOTEXT, str(out), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "HIDDEN-OUTPUT" not in text
