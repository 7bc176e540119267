"""Text from a data folder stays text in every output (issue 10, part 1).

Hostile names, labels, units and descriptions go through a real report: no script runs in
the HTML (checked in headless Chromium when it is installed), the print stylesheet stays a
stylesheet, charts print "$" as a dollar sign, spreadsheet cells hold inert text and the
terminal gets no raw escape sequences.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pandas as pd
import pytest
import tinycss2
from hypothesis import given
from hypothesis import strategies as st

from pilot_eval.cli import main
from pilot_eval.errors import format_problems, problems_frame, show_controls
from pilot_eval.render.export import _css_string, notebook_to_html
from pilot_eval.render.sanitize import sanitize_html
from pilot_eval.render.workbook import write_metrics
from tests.conftest import SAMPLE, edit

PWN = "document.title='pwned'"
NAME = f"</style><img src=x onerror={PWN}>"
ORGANISATION = f'"><svg onload={PWN}>'
TARGET_GROUP = f"<script>{PWN}</script> {{{{ 7*7 }}}} [lenke](javascript:{PWN}) <!-- x"
LABEL = r"Trivsel $\undefinedcommand$"
LINK = f'<a href="javascript:{PWN}">javascript:lenke</a>'
AGREEMENT = f"<script>{PWN}</script>"
MUNICIPALITY = f'Bærum "><img src=x onerror={PWN}>'
SOURCE = '=HYPERLINK("http://x","klikk")'
AREA = "@SUM(A1)"

PDFTOTEXT = shutil.which("pdftotext")
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))
                 if p), None)
URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction", "background", "poster",
                  "data", "srcdoc"}


class _Scan(HTMLParser):
    """What a browser could run: scripts, event handlers and script or HTML URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("script", "iframe", "object", "embed", "base"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            url = re.sub(r"[\x00-\x20]+", "", value or "").lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            elif name in URL_ATTRIBUTES and url.startswith(
                    ("javascript:", "vbscript:", "data:text/html")):
                self.found.append(f"<{tag} {name}={value[:40]}>")

    handle_startendtag = handle_starttag


def _runnable(html: str) -> list[str]:
    scan = _Scan()
    scan.feed(html)
    scan.close()
    return scan.found


# ---- CSS strings --------------------------------------------------------------------------


def _css_read(literal: str) -> str:
    """The string a CSS parser reads from ``literal`` (one string token)."""
    tokens = [t for t in tinycss2.parse_component_value_list(literal) if t.type != "whitespace"]
    assert len(tokens) == 1 and tokens[0].type == "string", tokens
    return tokens[0].value


def test_css_string_cannot_end_the_stylesheet_and_reads_back_as_the_text() -> None:
    css = _css_string(NAME + ' \\ "x" & <b>')
    assert not set(css[1:-1]) & set("<>&\"'\n")  # "\3c " and the like instead
    assert _css_read(css) == NAME + ' \\ "x" & <b>'


@given(st.text(max_size=40))
def test_css_string_round_trips_any_text(text: str) -> None:
    css = _css_string(text)
    assert "<" not in css and "\n" not in css[1:-1]
    expected = re.sub(r"[\r\n\f]+", " ", text).replace("\x00", "\ufffd")  # CSS reads NUL so
    assert _css_read(css) == expected


# ---- the HTML sanitiser -------------------------------------------------------------------


@pytest.mark.parametrize("hostile", [
    f"<img src=x onerror={PWN}>",
    f"<IMG SRC=x OnError={PWN}>",
    f"<img/src=x/onerror={PWN}>",
    f"<svg onload={PWN}><rect/></svg>",
    f"<svg><style><img src=x onerror={PWN}></style></svg>",
    f"<style></style/><img src=x onerror={PWN}></style>",
    f"<script>{PWN}</script>",
    f"<script/>{PWN}</script>",
    f"<a href='java\tscript:{PWN}'>x</a>",
    f"<a href=' JAVASCRIPT:{PWN}'>x</a>",
    f"<a href='&#106;avascript:{PWN}'>x</a>",
    "<iframe src='data:text/html,<script>parent.x=1</script>'></iframe>",
    "<img src='data:text/html;base64,PHNjcmlwdD4='>",
    f"<svg><a xlink:href='javascript:{PWN}'><text>x</text></a></svg>",
    f"<svg><set attributeName='href' to='javascript:{PWN}'/></svg>",
    "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>",
    f"<!--><img src=x onerror={PWN}>-->",
    f"<noscript><p title='</noscript><img src=x onerror={PWN}>'></noscript>",
    f"<form action='javascript:{PWN}'><button formaction='javascript:x'>b</button></form>",
])
def test_sanitizer_leaves_nothing_that_runs(hostile: str) -> None:
    page = f"<!DOCTYPE html><html><head><title>t</title></head><body><p>{hostile}</p></body></html>"
    clean = sanitize_html(page)
    assert _runnable(clean) == []
    # where a browser and Python's parser could disagree (<style> inside SVG holds markup
    # to a browser; "</style/" ends a stylesheet), a stylesheet holds no "<" at all
    assert all("<" not in css for css in re.findall(r"<style>(.*?)</style>", clean, re.DOTALL))
    assert sanitize_html(clean) == clean  # a second pass finds nothing more


def test_sanitizer_keeps_what_a_report_needs() -> None:
    svg = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode()
    page = (
        '<!DOCTYPE html>\n<html lang="nb">\n<head>\n<meta charset="utf-8">\n<title>A &amp; B</title>'
        '\n<style>\n@font-face { src: url("data:font/woff2;base64,AAAA") format("woff2"); }\n'
        '@top-left { content: "x \\3c y"; }\n</style>\n</head>\n<body>\n'
        '<nav class="pe-toc" aria-labelledby="t"><h2 id="t">Innhold</h2>'
        '<ol><li><a href="#pe-sec-1">Økonomi</a></li></ol></nav>\n'
        '<table class="pe-table wide"><caption>Kostnad</caption><thead><tr><th scope="col" '
        'class="num">kr</th></tr></thead><tbody><tr><td class="num">1\u00a0234</td></tr></tbody>'
        '</table>\n<figure class="chart"><img src="data:image/svg+xml;base64,' + svg + '" '
        'alt="Stolpediagram &lt;5 &amp; mer"><figcaption>Kilde: SSB</figcaption></figure>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" role="img" aria-label="x">'
        '<title>t</title><g clip-path="url(#c)"><path d="M0 0L10 10" style="stroke:#000"/>'
        '<text x="1" y="2">$\\foo$ &lt;</text></g></svg>\n'
        '<p>Se <a href="https://www.ssb.no/">SSB</a> og <a href="mailto:a@b.no">e-post</a>.</p>'
        '\n<details open><summary>Mer</summary><pre>  a\n  b</pre></details>\n</body>\n</html>'
    )
    # attribute names are written in lower case, as browsers read them (and they give SVG
    # attributes their case back: viewbox is viewBox)
    assert sanitize_html(page) == page.replace("viewBox", "viewbox")


# ---- a hostile data folder through a real report ------------------------------------------


def _hostile_folder(root: Path) -> Path:
    folder = root / "hostile"
    shutil.copytree(SAMPLE, folder)

    def patch(file: str, where: tuple[str, str] | None, values: dict[str, str]) -> None:
        frame = pd.read_csv(folder / file, dtype=str, keep_default_na=False)
        rows = frame.index if where is None else frame[where[0]] == where[1]
        for column, value in values.items():
            frame.loc[rows, column] = value
        frame.to_csv(folder / file, index=False)

    patch("pilots.csv", ("pilot_id", "fritid"),
          {"name": NAME, "organisation": ORGANISATION, "target_group": TARGET_GROUP})
    patch("measures.csv", ("measure", "trivsel"), {"label_nb": LABEL, "unit": "=1+1"})
    patch("costs.csv", ("pilot_id", "fritid"), {"description": LINK})
    patch("valuation.csv", None, {"source": SOURCE})
    patch("participants.csv", ("area", "Rud"), {"area": AREA})
    edit(folder, "agreement.toml", 'name = "Sosiale entreprenører i Bærum"',
         f'name = "{AGREEMENT}"')
    edit(folder, "agreement.toml", 'municipality = "Bærum kommune"',
         'municipality = "Bærum \\"><img src=x onerror=document.title=\'pwned\'>"')
    return folder


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fritid report of the hostile folder (one real render, ~10 s)."""
    if not (SAMPLE / "pilots.csv").exists():
        pytest.skip("data/sample not generated yet")
    root = tmp_path_factory.mktemp("inert")
    folder = _hostile_folder(root)
    assert main(["validate", str(folder)]) == 0
    out = root / "out"
    assert main(["--quiet", "report", str(folder), "--pilot", "fritid", "--jobs", "1",
                 "--out", str(out)]) == 0
    (published,) = [p for p in out.iterdir() if p.is_dir()]
    return published


def test_report_html_has_nothing_that_runs(hostile_report: Path) -> None:
    html = (hostile_report / "pilot_fritid.html").read_text(encoding="utf-8")
    assert _runnable(html) == []
    assert html.count("<style") == 2  # the fonts and the print stylesheet, nothing opened
    title = re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)
    assert "<" not in title and unescape(title) == f"Evaluering av piloten {NAME}"
    assert "{{ 7*7 }}" in html  # shown as written, never a template
    assert escape(f"[lenke](javascript:{PWN})", quote=False) in html  # markdown stays text


def test_running_header_shows_the_name_as_text(hostile_report: Path) -> None:
    html = (hostile_report / "pilot_fritid.html").read_text(encoding="utf-8")
    literal = re.search(r'@top-left \{\s*content: ("[^"]*");', html).group(1)
    assert _css_read(literal).startswith(f"Evaluering av piloten {NAME} · status per ")


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils (pdftotext) not installed")
def test_pdf_first_pages_print_no_stylesheet_and_the_header_as_text(hostile_report: Path) -> None:
    pdf = hostile_report / "pilot_fritid.pdf"

    def page(n: int) -> str:
        return subprocess.run([PDFTOTEXT, "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout

    cover, second = page(1), page(2)
    for css in ("font-family", "vertical-align", "@bottom-right", "counter(page", "{"):
        assert css not in cover and css not in second, css
    assert "Evaluering av piloten" in cover
    assert f"Evaluering av piloten {NAME} · status per" in second  # the running header


def test_charts_print_the_dollar_signs_of_a_label(hostile_report: Path) -> None:
    html = (hostile_report / "pilot_fritid.html").read_text(encoding="utf-8")
    svgs = [base64.b64decode(m).decode("utf-8")
            for m in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)]
    assert svgs
    words = []
    for svg in svgs:  # well-formed XML: "<" and "&" of names and labels are escaped
        root = ElementTree.fromstring(svg)
        assert _runnable(svg) == []
        # text is drawn as glyph outlines; each text's words are its group's aria-label
        words += [el.get("aria-label") for el in root.iter() if el.get("aria-label") is not None]
    assert any(LABEL in text for text in words)  # as text, with its dollar signs


def test_chart_text_from_data_is_never_mathtext() -> None:
    from pilot_eval.present.figures import _core

    words = [r"$\undefinedcommand$", "a<b&c", r"$\frac{1}{2}$", r"$x^2$", r"$\alpha$ 5 $"]

    def build():  # titles, tick labels, direct labels and the key: every way text is set
        fig, axes = _core._new(30)
        ax = axes[0][0]
        ax.barh([0, 1], [1, 2])
        ax.set_yticks([0, 1], words[:2])
        ax.set_title(words[2])
        _core._label(ax, words[3], (1, 0))
        return fig, [_core._patch("#000000", words[4])]

    svg = _core._draw(build, title=r"$\undefinedcommand$ <&", alt="x")
    root = ElementTree.fromstring(svg)
    drawn = {el.get("aria-label") for el in root.iter() if el.get("aria-label") is not None}
    assert set(words) | {r"$\undefinedcommand$ <&"} <= drawn


def test_metrics_workbook_cells_are_inert_text(hostile_report: Path) -> None:
    book = openpyxl.load_workbook(hostile_report / "metrics.xlsx")
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and ("HYPERLINK" in c.value or "SUM(A1)" in c.value)]
    values = {c.value for c in cells}
    assert "'" + SOURCE in values and values <= {"'" + SOURCE, "'" + AREA}
    assert all(c.data_type == "s" for c in cells)


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary found (tools/sysdeps.sh "
                    "installs Debian's chromium as an optional package)")
def test_no_script_runs_in_chromium(hostile_report: Path, tmp_path: Path) -> None:
    def title_in_chromium(page: Path) -> str:
        dom = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000",
             "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=120, check=True).stdout
        return re.search(r"<title>(.*?)</title>", dom, re.DOTALL).group(1)

    # The check itself can fail: an unsanitised page with the same handler is caught.
    control = tmp_path / "control.html"
    control.write_text(f"<html><head><title>ok</title></head><body>{NAME}</body></html>",
                       encoding="utf-8")
    assert title_in_chromium(control) == "pwned"
    assert title_in_chromium(hostile_report / "pilot_fritid.html").startswith(
        "Evaluering av piloten")


def test_report_page_export_escapes_every_cover_field() -> None:
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    nb = new_notebook(cells=[new_code_cell("x", execution_count=1, outputs=[
        new_output("display_data", {"text/html": f"<p>{NAME}{ORGANISATION}</p>"})])])
    html = notebook_to_html(nb, title=NAME, as_of_text=f"status {ORGANISATION}",
                            subtitle=TARGET_GROUP, organisation=MUNICIPALITY,
                            description=ORGANISATION, cover_note=f"{AGREEMENT} · {NAME}")
    assert _runnable(html) == []
    assert html.count("<style") == 2 and "{{ 7*7 }}" in html


# ---- spreadsheets and the terminal --------------------------------------------------------


def test_workbook_cells_are_inert_and_control_characters_visible(tmp_path: Path) -> None:
    texts = ["=1+1", "@SUM(A1)", '=HYPERLINK("http://x")', "+1", "-2+3", "\t=1", "\r=1",
             "Rud\x07\x1b[31m", "a\x00b\x7f\x9b", "linje 1\nlinje 2", "vanlig"]
    table = pd.DataFrame({"note": texts, "n": range(len(texts))})
    book = openpyxl.load_workbook(write_metrics({"notes": table}, tmp_path / "m.xlsx",
                                                min_cell_size=5))
    got = [row[0] for row in book["notes"].iter_rows(min_row=2, values_only=True)]
    assert got == ["'=1+1", "'@SUM(A1)", '\'=HYPERLINK("http://x")', "'+1", "'-2+3", "'\t=1",
                   "'\r=1", "Rud\\x07\\x1b[31m", "a\\x00b\\x7f\\x9b", "linje 1\nlinje 2",
                   "vanlig"]
    assert all(c.data_type == "s" for c in book["notes"]["A"])
    folder = write_metrics({"notes": table}, tmp_path / "m", min_cell_size=5)
    csv = (folder / "notes.csv").read_text(encoding="utf-8")
    assert "\x1b" not in csv and "'=1+1" in csv


def test_show_controls_writes_out_what_a_terminal_would_act_on() -> None:
    assert show_controls("a\x07\x1b[31mb\rc\u202ed\x9b") == "a\\x07\\x1b[31mb\\x0dc\\u202ed\\x9b"
    assert show_controls("a\tb\nc", keep="\t\n") == "a\tb\nc"
    assert show_controls("Bærum – ok") == "Bærum – ok"


def test_problems_table_shows_control_characters_visibly() -> None:
    problems = problems_frame([{"file": "p\x1b.csv", "row": 2, "column": "gender",
                                "value": "x\x1b[31mRØD\x07", "severity": "error",
                                "message_nb": "Ukjent verdi \x1b[2J", "message_en": "bad"}])
    text = format_problems(problems)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)
    assert "x\\x1b[31mRØD\\x07" in text and "\\x1b[2J" in text


def test_validate_prints_no_raw_escape_sequence(minimal_copy, capsys) -> None:
    folder = minimal_copy()
    edit(folder, "participants.csv", "2013,female,Bekkestua", "2013,x\x1b[31m\x07,Bekkestua")
    main(["validate", str(folder)])
    out = capsys.readouterr()
    assert "x\\x1b[31m\\x07" in out.out
    assert "\x1b" not in out.out + out.err and "\x07" not in out.out + out.err


def test_cli_messages_show_control_characters(tmp_path, capsys):
    """An escape sequence in a value the command line echoes (a bad --as-of, the agreement's
    name in `metrics`) is written out, never sent to the terminal raw."""
    from pilot_eval import cli

    assert cli.main(["metrics", str(tmp_path / "missing\x1b[31mdir")]) != 0
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b" in err
