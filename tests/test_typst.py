"""Tests for pilot_eval.render.typst: report HTML → Typst markup."""

from __future__ import annotations

import base64
import io
import shutil
import string as _string
import subprocess
import sys
from pathlib import Path

import pytest

from pilot_eval.render import export
from pilot_eval.render.typst import _TEXT_WIDTH_PT, escape, string, to_typst

TABLE = (
    '<div class="pe-table-block"><table class="pe-table pe-status"><caption>Status</caption>'
    '<thead><tr><th scope="col" class="text">Pilot</th><th scope="col" class="num">Kostnad</th>'
    '<th scope="col" class="text">Resultater</th></tr></thead><tbody>'
    '<tr><th scope="row" rowspan="2" class="text">Mentorprogrammet Veivenn</th>'
    '<td class="num">1\u00a0234</td><td class="text"><span class="status status-yellow">usikker'
    '</span></td></tr><tr><td class="num">5</td><td class="text">x</td></tr>'
    '<tr class="total"><th scope="row" class="text">I alt</th><td class="num">1\u00a0239</td>'
    '<td class="text"></td></tr></tbody></table><p class="source">Kilde: pilotene.</p></div>'
)


def test_a_table_keeps_its_header_row_spans_totals_and_badges():
    markup = to_typst(TABLE).markup
    assert "head-rows: 1, body-rows: 3" in markup
    assert "totals: (2,)" in markup
    assert '(b: [Mentorprogrammet Veivenn], rh: true, rs: 2)' in markup
    assert '#pe-badge("yellow")[usikker]' in markup
    assert "(b: [1\u00a0234], num: true)" in markup
    assert "#pe-source[Kilde: pilotene\\.]" in markup
    assert "font: 8.5pt" in markup  # a status table is set at the body table size


def test_columns_leave_room_for_the_longest_word():
    """The pilot's name must not be squeezed below its longest word (it is not hyphenated)."""
    markup = to_typst(TABLE).markup
    columns = markup.split("columns: (")[1].split(")")[0]
    shares = [float(c.strip()[:-2]) for c in columns.split(",") if c.strip()]
    total = sum(shares)
    text_width_pt = _TEXT_WIDTH_PT
    first_pt = shares[0] / total * text_width_pt
    assert first_pt >= len("Mentorprogrammet") * 0.56 * 8.5  # bold at 8.5 pt


def test_only_data_images_are_taken_and_get_alt_text():
    svg = "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="  # <svg .../>
    html = (f'<figure class="chart"><img src="data:image/svg+xml;base64,{svg}" alt="Søyler">'
            "<figcaption>Kilde: x</figcaption></figure>"
            f'<img src="data:image/svg+xml;base64,{svg}">'
            '<img src="https://example.invalid/x.png" alt="remote">')
    out = to_typst(html, image_alt="Figure")
    assert len(out.files) == 1  # the same image twice is one file; the remote one none
    assert 'alt: "Søyler", caption: [Kilde: x]' in out.markup
    assert 'alt: "Figure"' in out.markup
    assert "example.invalid" not in out.markup


def test_scripts_styles_and_markdown_anchors_are_dropped_unknown_tags_keep_their_text():
    html = ('<style>p{}</style><script>alert(1)</script><h2>Tittel<a class="anchor-link" '
            'href="#t">¶</a></h2><custom-tag>behold <b>dette</b></custom-tag>')
    markup = to_typst(html).markup
    assert "alert" not in markup and "p{}" not in markup and "¶" not in markup
    assert "#pe-heading(1)[Tittel]" in markup
    assert "behold #strong[dette]" in markup


def test_string_literal_escapes_quotes_backslashes_and_line_breaks():
    assert string('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_every_printable_character_prints_as_itself(tmp_path):
    """Escaping is complete: all of ASCII's punctuation, and a line starting with what
    would be Typst list, heading or enumeration syntax, print as the characters."""
    text = _string.punctuation + " 1. - + = // /* */ -- --- ... ~ 'x' \"y\""
    html = f"<p>{text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</p>"
    assert escape(text).count("\\") >= len(_string.punctuation)
    pdf = export.html_to_pdf(html, tmp_path / "p.pdf", title="t")
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    assert text in " ".join(out.split())


def test_rowspans_count_in_the_columns_and_bad_spans_are_one():
    """A cell spanning two rows takes a column in the next row too (3 columns, not 2);
    a span that is not a whole number counts as 1 instead of stopping the report."""
    html = ('<table><tbody><tr><td rowspan="2">a</td><td>b</td></tr>'
            '<tr><td>c</td><td>d</td></tr>'
            '<tr><td colspan="x">e</td><td colspan="0">f</td><td colspan="2x">g</td></tr>'
            "</tbody></table>")
    markup = to_typst(html).markup
    columns = markup.split("columns: (")[1].split(")")[0]
    assert len([c for c in columns.split(",") if c.strip()]) == 3
    assert "cs:" not in markup


def test_a_nested_table_lends_the_outer_one_nothing():
    html = ("<table><tbody><tr><td><table><caption>INNER</caption><tbody><tr><td>x</td>"
            "</tr></tbody></table></td></tr></tbody></table>")
    outer = to_typst(html).markup
    assert outer.startswith("#pe-table(caption: none,")


def test_what_pdf_ua_refuses_is_mended_not_fatal(tmp_path):
    """Data cannot stop a PDF: control characters are dropped, characters Inter lacks
    print as "□", an empty heading and an unreadable image are left out (the image's alt
    text printed instead)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "#0072B2").save(buffer, format="PNG")
    png = buffer.getvalue()
    png_as_jpeg = "data:image/jpeg;base64," + base64.b64encode(png).decode()
    damaged = "data:image/png;base64," + base64.b64encode(png[:40] + b"x" + png[41:]).decode()
    outside = "data:image/svg+xml;base64," + base64.b64encode(
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<image xlink:href="/etc/hostname"/></svg>').decode()
    html = ("<h2> </h2><h2>Pilot \x1b[31m✅ 小</h2><p>nul\x00 bell\x07 ok</p>"
            '<img src="data:image/png;base64,@@@not-base64" alt="Søyler som ikke kan leses">'
            f'<img src="{png_as_jpeg}" alt="liten"><img src="{damaged}" alt="skadet">'
            f'<img src="{outside}" alt="peker ut">')
    out = to_typst(html)
    assert out.markup.count("#pe-heading") == 1
    assert "\x1b" not in out.markup and "\x00" not in out.markup
    assert "□ □" in out.markup
    assert "Søyler som ikke kan leses" in out.markup
    assert [name.rsplit(".", 1)[1] for name in out.files] == ["png"]  # by its bytes
    assert "skadet" in out.markup and "peker ut" in out.markup  # alt text instead
    pdf = export.html_to_pdf(html, tmp_path / "mended.pdf", title="Tittel \x07✅")
    assert pdf.stat().st_size > 0


def test_links_out_stay_links_and_nothing_else_becomes_one(tmp_path):
    """A link to a web page (a source) is clickable in the PDF with its words as text;
    javascript:, file: and in-page links keep their words only. The PDF still passes the
    accessibility checker (a link has its text)."""
    html = ('<p>Kilde: <a href="https://www.ssb.no/statbank/table/07459">SSB, tabell 07459</a>, '
            '<a href="javascript:alert(1)">klikk</a>, <a href="file:///etc/passwd">fil</a>, '
            '<a href="#kostnad">se Kostnad</a>, <a href="mailto:post@baerum.kommune.no">'
            'post</a>.</p>')
    markup = to_typst(html).markup
    assert '#link("https://www.ssb.no/statbank/table/07459")[SSB, tabell 07459]' in markup
    assert '#link("mailto:post@baerum.kommune.no")[post]' in markup
    assert markup.count("#link(") == 2
    assert "javascript" not in markup and "/etc/passwd" not in markup
    assert "klikk" in markup and "fil" in markup and "se Kostnad" in markup
    pdf = export.html_to_pdf(html, tmp_path / "links.pdf", title="Lenker")
    import pikepdf

    with pikepdf.open(pdf) as doc:
        uris = sorted(str(a.A.URI) for page in doc.pages for a in page.get("/Annots", [])
                      if a.get("/Subtype") == "/Link" and "/A" in a and "/URI" in a.A)
    assert uris == ["https://www.ssb.no/statbank/table/07459", "mailto:post@baerum.kommune.no"]
    exe = shutil.which("outloud") or str(Path(sys.executable).parent / "outloud")
    done = subprocess.run([exe, str(pdf)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
