"""Tests for pilot_eval.render.typst: report HTML → Typst markup."""

from __future__ import annotations

import shutil
import string as _string
import subprocess

import pytest

from pilot_eval.render import export
from pilot_eval.render.typst import escape, string, to_typst

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
    assert 'kind: "pe-status"' in markup


def test_columns_leave_room_for_the_longest_word():
    """The pilot's name must not be squeezed below its longest word (it is not hyphenated)."""
    markup = to_typst(TABLE).markup
    columns = markup.split("columns: (")[1].split(")")[0]
    shares = [float(c.strip()[:-2]) for c in columns.split(",") if c.strip()]
    total = sum(shares)
    text_width_pt = (210 - 24 - 22) * 72 / 25.4
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
