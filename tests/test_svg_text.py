"""Tests for pilot_eval.render.svg_text: chart text drawn as one run per label.

The one-run drawer must put every label where WeasyPrint's own letter-by-letter drawer
puts it (left, centred and right-anchored, bold, rotated), hand text with per-letter
positions to WeasyPrint unchanged, and keep the text extractable.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import weasyprint
import weasyprint.svg

from pilot_eval.render import svg_text
from pilot_eval.render.export import font_face_css, html_to_pdf

PDFTOPPM = shutil.which("pdftoppm")
PDFTOTEXT = shutil.which("pdftotext")

# Five labels, each in its own horizontal band of the picture, as matplotlib writes them.
_STYLE = "font-size: 11px; font-family: 'Inter', sans-serif; fill: #1b1f24"
SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" width="300pt" height="250pt"
 viewBox="0 0 300 250" version="1.1">
 <text style="{_STYLE}; text-anchor: start" x="20" y="30" transform="rotate(-0 20 30)">Avvik åpnet, start</text>
 <text style="{_STYLE}; text-anchor: middle" x="150" y="70">Midtstilt: 1,2 mill. kr</text>
 <text style="{_STYLE}; text-anchor: end" x="280" y="110">Høyrestilt – 74 %</text>
 <text style="{_STYLE}; font-weight: bold" x="20" y="150">Fet tekst Wave AV</text>
 <text style="{_STYLE}; text-anchor: middle" x="60" y="230" transform="rotate(-90 60 230)">Loddrett</text>
</svg>"""
# (band of SVG y positions, the label's anchor)
BANDS = (((0, 40), "start"), ((50, 80), "middle"), ((90, 120), "end"), ((130, 160), "start"),
         ((170, 250), "middle"))


def _html(svg: str) -> str:
    data = base64.b64encode(svg.encode()).decode()
    return (f"<html lang='nb'><head><style>{font_face_css()} @page {{ size: 120mm 100mm; "
            "margin: 0 } body { margin: 0 } img { display: block; width: 300pt }"
            f"</style></head><body><img alt='test' src='data:image/svg+xml;base64,{data}'>"
            "</body></html>")


def _raster(pdf: Path, tmp_path: Path) -> np.ndarray:
    from PIL import Image

    stem = tmp_path / pdf.stem
    subprocess.run([PDFTOPPM, "-png", "-r", "150", "-singlefile", "-gray", str(pdf), str(stem)],
                   check=True)
    return np.asarray(Image.open(f"{stem}.png").convert("L")) < 128


def _ink_box(ink: np.ndarray, band: tuple[int, int]) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the dark pixels between two SVG y positions."""
    scale = ink.shape[1] / 300  # pixels per SVG unit (the picture is 300 units wide)
    rows = slice(int(band[0] * scale), int(band[1] * scale))
    ys, xs = np.nonzero(ink[rows])
    return (int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max()))


@pytest.fixture
def weasyprint_drawer(monkeypatch):
    """Render with WeasyPrint's own letter-by-letter drawer inside this fixture's test."""
    svg_text.install()
    original = svg_text._original

    def use_original():
        for tag, drawer in list(weasyprint.svg.TAGS.items()):
            if drawer is svg_text.draw_text:
                monkeypatch.setitem(weasyprint.svg.TAGS, tag, original)
        monkeypatch.setattr(weasyprint.svg, "text", original)
    return use_original


def test_installed_on_the_pinned_weasyprint_only(monkeypatch):
    assert weasyprint.__version__ == svg_text.SUPPORTED_WEASYPRINT
    assert svg_text.install() is True
    assert svg_text.install() is True  # twice is fine
    assert weasyprint.svg.TAGS["text"] is svg_text.draw_text
    assert weasyprint.svg.text is svg_text.draw_text  # text-anchor compares with this name
    monkeypatch.setattr(weasyprint, "__version__", "70.0")
    assert svg_text.install() is False


@pytest.mark.skipif(PDFTOPPM is None, reason="poppler-utils not installed")
def test_labels_land_where_weasyprint_puts_them(tmp_path, weasyprint_drawer):
    one_run = html_to_pdf(_html(SVG), tmp_path / "one_run.pdf", title="t")
    weasyprint_drawer()
    per_letter = html_to_pdf(_html(SVG), tmp_path / "per_letter.pdf", title="t")
    new, old = _raster(one_run, tmp_path), _raster(per_letter, tmp_path)
    for band, anchor in BANDS:
        (l1, t1, r1, b1), (l0, t0, r0, b0) = _ink_box(new, band), _ink_box(old, band)
        # The anchored edge (or centre) is where it was, to a pixel at 150 dpi; the other
        # end may move by the font's kerning, which WeasyPrint applies only to whole runs.
        anchored = {"start": (l1, l0), "end": (r1, r0), "middle": (l1 + r1, l0 + r0)}[anchor]
        limit = 2 if anchor == "middle" else 1
        assert abs(anchored[0] - anchored[1]) <= limit, (band, (l1, r1), (l0, r0))
        assert abs((r1 - l1) - (r0 - l0)) <= max(2, 0.03 * (r0 - l0)), (band, r1 - l1, r0 - l0)
        assert abs(t1 - t0) <= 1 and abs(b1 - b0) <= 1, (band, (t1, b1), (t0, b0))


def test_per_letter_positions_go_to_weasyprint(tmp_path, monkeypatch):
    svg_text.install()
    calls: list[str] = []
    original = svg_text._original

    def spy(svg, node, font_size):
        calls.append(node.text)
        original(svg, node, font_size)

    monkeypatch.setattr(svg_text, "_original", spy)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="300pt" height="60pt" '
           f'viewBox="0 0 300 60"><text style="{_STYLE}" x="10" y="20">Hel</text>'
           f'<text style="{_STYLE}" x="10 20 30" y="40">ABC</text>'
           f'<text style="{_STYLE}" x="10" y="50" dx="0 2 4">Dxx</text></svg>')
    html_to_pdf(_html(svg), tmp_path / "mixed.pdf", title="t")
    assert calls == ["ABC", "Dxx"]


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils not installed")
def test_label_text_stays_extractable(tmp_path):
    pdf = html_to_pdf(_html(SVG), tmp_path / "labels.pdf", title="t")
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    for label in ("Avvik åpnet, start", "Midtstilt: 1,2 mill. kr", "Høyrestilt – 74 %",
                  "Fet tekst Wave AV"):
        assert label in text, text
