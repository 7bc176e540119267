r"""Charts for the evaluation reports: print-ready SVG with a title, alt text and a caption.

Every chart function takes metric tables (the output of :mod:`pilot_eval.metrics`, never a
:class:`~pilot_eval.Dataset`) and returns a :class:`Figure`: the SVG text, the title, a
description for screen readers that states the main message with numbers, and a caption
(notes and source). In a notebook a :class:`Figure` shows itself as
``<figure class="chart"><img …><figcaption>…</figcaption></figure>``, which nbconvert and
WeasyPrint carry into the PDF report unchanged.

Conventions (DESIGN §4):

* **Size and type.** 160 mm wide (the A4 text column of the print stylesheet is 164 mm, so
  nothing is scaled and 8 pt stays 8 pt), text 8–10 pt in Inter, the typeface the report
  ships. SVG text is kept as text (``svg.fonttype = "none"``): WeasyPrint draws it with the
  report's ``@font-face`` Inter, so it is sharp, searchable and identical to the body text.
  Matplotlib measures the text with the same Inter files (converted from WOFF2 once per
  machine), so labels are laid out for the font that prints them. If the font cannot be
  loaded, DejaVu Sans is used for both.
* **Look.** Okabe–Ito colours (safe for the common colour-vision deficiencies), no frame, a
  light grid on the value axis only, direct labels where they fit and a one-line key above
  the plot otherwise. Colour never carries meaning alone: every series has a word.
* **Numbers.** Norwegian formats from :mod:`pilot_eval.present.fmt` on axes and labels
  ("1,2 mill. kr", "50 %", "0,85", "jan. 2026"); English with ``language="en"``.
* **Privacy.** No chart draws an individual's value. Counts ``0 < n < min_cell_size`` are
  not drawn and print as "<5"; where a total or the shares of a whole are shown, one more
  cell is hidden (:func:`pilot_eval.privacy.suppression_mask`) and marked "skjult".
  Rates, means and estimates built on fewer than ``min_cell_size`` people are not drawn.
* **Deterministic output.** No dates or versions in the SVG metadata, fixed ``svg.hashsalt``:
  the same input gives the same bytes, so reports can be compared and tests are stable.
* **No global state.** Figures are built with :class:`matplotlib.figure.Figure` directly,
  not pyplot, so nothing is registered and nothing leaks; the rc settings apply inside
  :func:`matplotlib.rc_context` only.

Which metric table each chart expects:

============================  ===============================================================
chart                          input
============================  ===============================================================
:func:`grant_vs_spent`         :func:`~pilot_eval.metrics.cost.cost_summary`
:func:`cumulative_spend`       :func:`~pilot_eval.metrics.cost.cost_by_month`
:func:`enrolment_vs_target`    :func:`~pilot_eval.metrics.reach.enrolment_by_month`
:func:`coverage`               :func:`~pilot_eval.metrics.reach.reach_summary`
:func:`reach_breakdown`        :func:`~pilot_eval.metrics.reach.reach_by`
:func:`completion`             :func:`~pilot_eval.metrics.reach.reach_summary`
:func:`forest`                 :func:`~pilot_eval.metrics.outcomes.outcome_summary`
:func:`its_chart`              :func:`~pilot_eval.metrics.outcomes.its_fit` (or its
                               ``predictions``)
:func:`value_vs_cost`          :func:`~pilot_eval.metrics.value.value_for_money_by_pilot`
                               or :func:`~pilot_eval.metrics.value.value_for_money`
:func:`tornado`                :func:`~pilot_eval.metrics.value.sensitivity`
:func:`monthly_activity`       :func:`~pilot_eval.metrics.reach.enrolment_by_month` and the
                               sessions table (aggregated here, see the function)
:func:`dosage`                 the sessions table (aggregated here, see the function)
:func:`outcome_distribution`   :func:`~pilot_eval.metrics.outcomes.outcome_changes`
============================  ===============================================================

Examples
--------
>>> import pilot_eval as pe
>>> from pilot_eval.metrics import cost_summary
>>> from pilot_eval.present import figures
>>> ds = pe.load_dataset("data/sample", as_of="2026-06-30")
>>> fig = figures.grant_vs_spent(cost_summary(ds), figures.pilot_names(ds.pilots))
>>> fig.alt[:14]
'Stolpediagram:'
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import io
import math
import os
import re
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import matplotlib
import matplotlib.dates as mdates
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure as _MplFigure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..errors import UsageError
from ..privacy import suppression_mask
from . import fmt

__all__ = [
    "Figure",
    "PALETTE",
    "WIDTH_MM",
    "completion",
    "coverage",
    "cumulative_spend",
    "dosage",
    "enrolment_vs_target",
    "forest",
    "grant_vs_spent",
    "its_chart",
    "monthly_activity",
    "outcome_distribution",
    "pilot_names",
    "reach_breakdown",
    "tornado",
    "value_vs_cost",
]

Language = Literal["nb", "en"]

#: Width of every chart, in millimetres: the A4 text column (164 mm) less a little air.
WIDTH_MM = 160.0

#: Okabe & Ito (2008) colours, by name, plus the report's neutral inks.
PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
    "ink": "#1b1f24",
    "heading": "#0b2e4f",
    "muted": "#4a5561",
    "rule": "#8a96a3",
    "grid": "#dde3e9",
    "track": "#d9e0e7",
    "shade": "#f1f4f7",
    "light_blue": "#cfe3f1",
}
_C = PALETTE
_PT_PER_MM = 72 / 25.4
_X0_PT = 1.0  # left edge of the title and key, in points from the figure's edge
_TITLE_PT, _TEXT_PT = 10.0, 8.0
_HATCH = "////"

# --------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class Figure:
    """A finished chart: SVG text plus the words that go with it.

    Attributes
    ----------
    svg : str
        A standalone SVG document (text kept as text, in Inter), 160 mm wide. It carries
        ``<title>`` and ``<desc>`` (the alt text) for use outside a report.
    title : str
        The chart's title, also drawn at the top of the SVG.
    alt : str
        Text alternative for screen readers and the tagged PDF: the kind of chart and its
        main message with numbers, in the chart's language.
    caption : str or None
        Notes and source, printed under the chart ("Kilde: …", "Tall under 5 er skjult
        av personvernhensyn.").
    """

    svg: str
    title: str
    alt: str
    caption: str | None = None

    def _repr_html_(self) -> str:
        """``<figure class="chart">`` with the SVG as a data-URI image and the caption."""
        data = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        caption = (
            f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        )
        return (
            f'<figure class="chart"><img src="data:image/svg+xml;base64,{data}" '
            f'alt="{html.escape(self.alt, quote=True)}">{caption}</figure>'
        )

    def __repr__(self) -> str:
        return f"Figure(title={self.title!r}, alt={self.alt[:60]!r}…, {len(self.svg)} chars)"


# --------------------------------------------------------------------------- helpers: words


def _tr(language: str, nb: str, en: str) -> str:
    return nb if language == "nb" else en


def _lang(language: str) -> Language:
    fmt.check_language(language)
    return language  # type: ignore[return-value]


def _cell_min(min_cell_size: int) -> int:
    if isinstance(min_cell_size, bool) or not isinstance(min_cell_size, (int, np.integer)) \
            or min_cell_size < 1:
        raise UsageError(
            f"min_cell_size={min_cell_size!r} must be a whole number of at least 1; pass the "
            "agreement's value, e.g. min_cell_size=ds.agreement.min_cell_size."
        )
    return int(min_cell_size)


def _require(frame: pd.DataFrame, columns: Iterable[str], producer: str) -> pd.DataFrame:
    """Check ``frame`` is a DataFrame with ``columns`` (index levels count as columns)."""
    if not isinstance(frame, pd.DataFrame):
        raise UsageError(
            f"expected a pandas DataFrame from {producer}, got {type(frame).__name__}."
        )
    have = set(frame.columns) | {n for n in frame.index.names if n is not None}
    missing = [c for c in columns if c not in have]
    if missing:
        raise UsageError(
            f"the table lacks column(s) {', '.join(missing)}; pass the output of {producer} "
            f"(it has {', '.join(map(str, frame.columns[:12]))}…)."
        )
    return frame


def pilot_names(pilots: pd.DataFrame) -> dict[str, str]:
    """Map ``pilot_id`` → ``name`` from the pilots table (``ds.pilots``), for chart labels.

    Parameters
    ----------
    pilots : pandas.DataFrame
        With columns ``pilot_id`` and ``name``.

    Returns
    -------
    dict of str to str
    """
    _require(pilots, ["pilot_id", "name"], "ds.pilots")
    return {str(k): str(v) for k, v in zip(pilots["pilot_id"], pilots["name"], strict=False)}


def _name(names: Mapping[str, str] | None, pid: Any) -> str:
    if names is not None and str(pid) in names:
        return str(names[str(pid)])
    return str(pid)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=False)) or str(text)


def _mid_sentence(text: str) -> str:
    """A label inside a sentence: "School absence" → "school absence", "MDE" stays."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _money(x: float, language: str) -> str:
    """An amount rounded to what a reader needs: "1,2 mill. kr", "0,25 mill. kr", "38 000 kr"."""
    if x is None or not np.isfinite(x):
        return fmt.MISSING
    a = abs(float(x))
    if a >= 1e6:
        return fmt.mnok(x, decimals=1, language=language)
    if a >= 1e5:
        return fmt.mnok(x, decimals=2, language=language)
    if a >= 1e3:
        return fmt.nok(round(float(x), -3), language=language)
    return fmt.nok(x, language=language)


def _money_pair(a: float, b: float, language: str, word: tuple[str, str] = ("av", "of")) -> str:
    """Two amounts in one unit: "0,89 av 1,2 mill. kr", "NOK 0.89 of 1.2 million"."""
    if not (np.isfinite(a) and np.isfinite(b)) or max(abs(a), abs(b)) < 1e5:
        return f"{_money(a, language)} {_tr(language, *word)} {_money(b, language)}"
    def num(x: float) -> str:
        return fmt.number(x / 1e6, 1 if abs(x) >= 1e6 else 2, language=language)
    w = _tr(language, *word)
    if language == "nb":
        return f"{num(a)} {w} {num(b)}\u00a0mill.\u00a0kr"
    return f"NOK\u00a0{num(a)} {w} {num(b)}\u00a0million"


def _hidden_label(n: float, min_cell_size: int, language: str) -> str:
    """"<5" for a small cell, "skjult" for a cell hidden to protect another."""
    if 0 < n < min_cell_size:
        return f"<{min_cell_size}"
    return _tr(language, "skjult", "hidden")


def _privacy_note(min_cell_size: int, language: str) -> str:
    return _tr(language,
               f"Tall under {min_cell_size} er skjult av personvernhensyn (vises som «<{min_cell_size}»).",
               f"Numbers below {min_cell_size} are suppressed for privacy (shown as \"<{min_cell_size}\").")


def _caption(*parts: str | None, source: str | None = None, language: str = "nb") -> str | None:
    items = [p.strip() for p in parts if p and p.strip()]
    if source:
        # a source that already says "Kilde:" (the reports pass one) is not prefixed twice
        src = _SOURCE_WORD.sub("", source.strip()).rstrip(".")
        items.append(_tr(language, f"Kilde: {src}.", f"Source: {src}."))
    return " ".join(items) or None


_SOURCE_WORD = re.compile(r"^(kilde|kilder|source|sources)\s*:\s*", re.IGNORECASE)


_UNITS_EN = {
    "poeng": "points", "dager": "days", "dager per halvår": "days per half-year",
    "timer": "hours", "prosent": "per cent", "kr": "NOK", "antall": "number",
}


def _unit(unit: Any, language: str) -> str:
    if unit is None or (isinstance(unit, float) and math.isnan(unit)) or unit is pd.NA:
        return ""
    unit = str(unit)
    return _UNITS_EN.get(unit, unit) if language == "en" else unit


# --------------------------------------------------------------------------- helpers: font


_FACES = ("Regular", "SemiBold", "Bold")


@functools.lru_cache(maxsize=1)
def _font_family() -> str:
    """Register the report typeface (Inter) with matplotlib and return its family name.

    Matplotlib's FreeType cannot read WOFF2, so each face is decompressed once into an
    OpenType file in matplotlib's cache folder (named by the WOFF2's hash, written
    atomically so parallel report jobs do not trip over each other). On any failure the
    charts fall back to DejaVu Sans, which matplotlib always has.
    """
    try:
        from fontTools.ttLib import TTFont
        from matplotlib import font_manager

        # A file of the render layer, read as package data (no import of a higher layer).
        fonts = resources.files("pilot_eval").joinpath("render", "fonts")
        try:
            cache = Path(matplotlib.get_cachedir()) / "pilot_eval_fonts"
            cache.mkdir(parents=True, exist_ok=True)
        except OSError:
            cache = Path(tempfile.gettempdir()) / "pilot_eval_fonts"
            cache.mkdir(parents=True, exist_ok=True)
        for face in _FACES:
            data = fonts.joinpath(f"Inter-{face}.woff2").read_bytes()
            target = cache / f"Inter-{face}-{hashlib.sha256(data).hexdigest()[:12]}.otf"
            if not target.is_file():
                font = TTFont(io.BytesIO(data))
                font.flavor = None
                fd, tmp = tempfile.mkstemp(dir=cache, suffix=".otf")
                with os.fdopen(fd, "wb") as fh:
                    font.save(fh)
                os.replace(tmp, target)
            font_manager.fontManager.addfont(str(target))
        return "Inter"
    except Exception:  # any failure: a chart in DejaVu is better than no chart
        return "DejaVu Sans"


def _rc() -> dict[str, Any]:
    family = _font_family()
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": "pilot_eval",
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "font.size": _TEXT_PT,
        "text.color": _C["ink"],
        "axes.titlesize": 8.5,
        "axes.titleweight": "semibold",
        "axes.titlelocation": "left",
        "axes.titlecolor": _C["ink"],
        "axes.titlepad": 5.0,
        "axes.labelsize": _TEXT_PT,
        "axes.labelcolor": _C["muted"],
        "axes.labelpad": 4.0,
        "axes.edgecolor": _C["rule"],
        "axes.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "axes.axisbelow": True,
        "axes.unicode_minus": True,
        "axes.facecolor": "white",
        "grid.color": _C["grid"],
        "grid.linewidth": 0.6,
        "xtick.labelsize": _TEXT_PT,
        "ytick.labelsize": _TEXT_PT,
        "xtick.color": _C["rule"],
        "ytick.color": _C["rule"],
        "xtick.labelcolor": _C["ink"],
        "ytick.labelcolor": _C["ink"],
        "xtick.major.size": 3.0,
        "ytick.major.size": 3.0,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "xtick.minor.size": 1.8,
        "xtick.minor.width": 0.5,
        "legend.fontsize": _TEXT_PT,
        "legend.frameon": False,
        "hatch.linewidth": 0.6,
        "lines.solid_capstyle": "butt",
        "lines.dash_capstyle": "butt",
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "savefig.transparent": False,
        "svg.image_inline": True,
        "path.simplify": True,
        # the layout engine is chosen per figure (_new); None must mean none (see _render)
        "figure.autolayout": False,
        "figure.constrained_layout.use": False,
    }


# --------------------------------------------------------------------------- helpers: axes


class _Ticks(mticker.Formatter):
    """Tick labels in the report's number style, with as many decimals as the steps need.

    ``kind``: ``"money"`` (kroner: "50 000 kr" when every tick is below 100 000, else
    "0,5 mill. kr"),
    ``"percent"`` (share 0–1), ``"number"``, ``"signed"`` (number with "+" when positive).
    Zero prints as "0" (plus " %" for percent).
    """

    def __init__(self, kind: str, language: str) -> None:
        self.kind = kind
        self.language = language
        self._decimals = 0
        self._millions = False
        # Matplotlib asks for the same ticks again at every layout pass and draw.
        self._done: dict[tuple[float, ...], tuple[list[str], int, bool]] = {}

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        key = tuple(map(float, values))
        if key not in self._done:
            labels = self._format_ticks(values)
            self._done[key] = (labels, self._decimals, self._millions)
        labels, self._decimals, self._millions = self._done[key]
        return list(labels)

    def _format_ticks(self, values: Sequence[float]) -> list[str]:
        vals = np.asarray(values, dtype=float)
        # millions from 100 000 kr up, as the direct labels (_money), so axis and labels
        # of one chart share their unit ("0,2 mill. kr", never "200 000 kr" beside "0,45 mill. kr")
        self._millions = self.kind == "money" and np.nanmax(np.abs(vals), initial=0) >= 1e5
        scale = 1e-6 if self._millions else 100.0 if self.kind == "percent" else 1.0
        self._decimals = _decimals_needed(vals * scale)
        return [self(v) for v in values]

    def __call__(self, x: float, pos: int | None = None) -> str:
        lang = self.language
        if abs(x) < 1e-12:
            return "0" + ("\u00a0%" if self.kind == "percent" and lang == "nb" else
                          "%" if self.kind == "percent" else "")
        if self.kind == "money":
            if self._millions:
                return fmt.mnok(x, decimals=self._decimals, language=lang)
            return fmt.nok(x, decimals=self._decimals, language=lang)
        if self.kind == "percent":
            return fmt.percent(x, self._decimals, language=lang)
        text = fmt.number(x, self._decimals, language=lang)
        return ("+" + text) if self.kind == "signed" and x > 0 else text


def _decimals_needed(values: np.ndarray) -> int:
    vals = values[np.isfinite(values)]
    for d in range(4):
        scaled = vals * 10**d
        if np.all(np.abs(scaled - np.round(scaled)) < 1e-6):
            return d
    return 3


def _value_axis(axis: Any, kind: str, language: str, *, nbins: int = 5,
                integer: bool = False) -> None:
    steps = [1, 2, 2.5, 5, 10] if kind in ("number", "signed") else [1, 2, 5, 10]
    axis.set_major_locator(mticker.MaxNLocator(nbins=nbins, steps=steps, integer=integer))
    axis.set_major_formatter(_Ticks(kind, language))


def _month_axis(axis: Any, language: str, *, months: Sequence[int] | None = None,
                years_only: bool = False, span_months: float | None = None) -> None:
    if years_only:
        axis.set_major_locator(mdates.YearLocator())
        axis.set_major_formatter(mticker.FuncFormatter(
            lambda x, _pos: str(mdates.num2date(x).year)))
        return
    if months is None:  # quarterly ticks on a short axis, half-yearly on a long one
        months = (1, 4, 7, 10) if span_months is not None and span_months <= 20 else (1, 7)
    axis.set_major_locator(mdates.MonthLocator(bymonth=list(months)))
    axis.set_major_formatter(mticker.FuncFormatter(
        lambda x, _pos: fmt.month(mdates.num2date(x), language=language)))


def _clean(ax: Any, *, grid: str | None = "x", left: bool = False, bottom: bool = False) -> None:
    """Strip chart junk: no frame, a light grid on the value axis, no tick marks on bars."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_visible(left)
    ax.spines["bottom"].set_visible(bottom)
    if grid:
        ax.grid(True, axis=grid, which="major")
    if grid == "x":
        ax.tick_params(axis="y", length=0, pad=5)
        ax.tick_params(axis="x", length=0, pad=4)
    elif grid == "y":
        ax.tick_params(axis="y", length=0, pad=4)


def _label(ax: Any, text: str, xy: tuple[float, float], *, dx: float = 4.0, dy: float = 0.0,
           ha: str = "left", va: str = "center", color: str | None = None,
           size: float = _TEXT_PT, weight: str = "normal", coords: Any = "data",
           **kw: Any) -> Any:
    """A direct label next to a data point, offset in points, never clipped."""
    return ax.annotate(text, xy=xy, xycoords=coords, xytext=(dx, dy),
                       textcoords="offset points", ha=ha, va=va, fontsize=size,
                       color=color or _C["ink"], fontweight=weight, annotation_clip=False,
                       **kw)


def _text_width_pt(text: str, size: float = _TEXT_PT) -> float:
    """Width of one line of text in points, measured with the chart font (Agg)."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    renderer = _measure_once(RendererAgg(1, 1, 72))
    width, _, _ = renderer.get_text_width_height_descent(text, FontProperties(size=size),
                                                         ismath=False)
    return float(width)


def _lines_width_pt(text: str, size: float = _TEXT_PT) -> float:
    return max((_text_width_pt(line, size) for line in str(text).split("\n")), default=0.0)


def _axes_width_pt(ylabels: Iterable[str], *, right_pt: float = 0.0, ncols: int = 1) -> float:
    """Rough width of one plot area: the figure less the y labels, paddings and a column of
    text to the right of it."""
    label = max((_lines_width_pt(t) for t in ylabels), default=0.0)
    return (WIDTH_MM * _PT_PER_MM - 16.0) / ncols - label - 10.0 - right_pt


def _room_right(ends: Iterable[float], texts: Iterable[str], *, axes_width_pt: float,
                dx_pt: float = 5.0, x0: float = 0.0) -> float:
    """The upper x-limit that keeps every label (placed ``dx_pt`` right of its bar end)
    inside the plot area, so labels never run into the margin or a column beside it."""
    best = x0
    for end, text in zip(ends, texts, strict=True):
        if not np.isfinite(end):
            continue
        best = max(best, end)
        room = 1.0 - (_lines_width_pt(text) + dx_pt + 3.0) / max(axes_width_pt, 1.0)
        if room > 0.15:
            best = max(best, x0 + (max(end, x0) - x0) / room)
    return best


def _facet_title(ax: Any, text: str, note: str | None = None) -> None:
    """A panel title that starts at the figure's left edge (over the y labels), with an
    optional note in regular weight after it."""
    from matplotlib.transforms import blended_transform_factory

    fig = ax.get_figure()
    where = blended_transform_factory(fig.transFigure, ax.transAxes)
    x0 = _X0_PT / (WIDTH_MM * _PT_PER_MM)
    ax.annotate(text, xy=(x0, 1), xycoords=where, xytext=(0, 7), textcoords="offset points",
                ha="left", va="bottom", fontsize=8.5, fontweight="semibold",
                color=_C["ink"], annotation_clip=False)
    if note:
        ax.annotate(note, xy=(x0, 1), xycoords=where,
                    xytext=(_text_width_pt(text, 8.5) * 1.04 + 6, 7),
                    textcoords="offset points", ha="left", va="bottom", fontsize=_TEXT_PT,
                    color=_C["muted"], annotation_clip=False)


def _key_width_pt(labels: Sequence[str]) -> float:
    # text + handle (1.6 em) + pad (0.5 em) + column gap (1.4 em), at 8 pt
    return sum(_text_width_pt(s) + (1.6 + 0.5 + 1.4) * _TEXT_PT for s in labels)


def _key_layout(handles: Sequence[Any], width_pt: float) -> tuple[list[Any], int, int]:
    """Columns and rows for the key, and the handles reordered so it reads row by row
    (matplotlib fills a legend column by column)."""
    labels = [h.get_label() for h in handles]
    n = len(handles)
    rows = 1
    while rows < n and max(_key_width_pt(labels[i:i + math.ceil(n / rows)])
                           for i in range(0, n, math.ceil(n / rows))) > width_pt:
        rows += 1
    ncols = math.ceil(n / rows)
    grid = [list(handles[r * ncols:(r + 1) * ncols]) for r in range(rows)]
    ordered = [grid[r][c] for c in range(ncols) for r in range(rows) if c < len(grid[r])]
    return ordered, ncols, rows


# Text sizes measured in this process. Matplotlib measures every label again with each new
# renderer (two per chart: layout and drawing), about 0.3 ms a time with Inter's kerning;
# a report set measures a few hundred strings thousands of times.
_MEASURED: dict[tuple[Any, ...], Any] = {}
# rc settings a measurement depends on besides the font properties themselves
_MEASURE_RC = ("font.sans-serif", "font.serif", "font.monospace", "font.cursive",
               "font.fantasy", "text.hinting", "text.hinting_factor", "text.kerning_factor")
_MEASURE = "get_text_width_height_descent"


def _measure_once(renderer: Any) -> Any:
    """Make ``renderer`` take sizes of plain text measured before (by a renderer of the same
    kind) from :data:`_MEASURED`; mathtext and TeX are measured as usual. Returns it."""
    if getattr(getattr(renderer, _MEASURE, None), "_pe_cached", False):
        return renderer
    cls = type(renderer)

    def measure() -> Any:  # the method this wrapper hides (a proxy delegates it on, at call time)
        own = getattr(cls, _MEASURE, None)
        return own.__get__(renderer) if own is not None else cls.__getattr__(renderer, _MEASURE)

    def cached(s: str, prop: Any, ismath: Any) -> Any:
        method = measure()
        if ismath is not False:
            return method(s, prop, ismath)
        owner = getattr(method, "__self__", renderer)
        rc = matplotlib.rcParams
        key = (type(owner), getattr(owner, "dpi", None), s, prop.copy(),
               *(tuple(v) if isinstance(v, list) else v for v in map(rc.__getitem__, _MEASURE_RC)))
        found = _MEASURED.get(key)
        if found is None:
            if len(_MEASURED) >= 50_000:
                _MEASURED.clear()
            found = _MEASURED[key] = method(s, prop, ismath)
        return found

    cached._pe_cached = True  # type: ignore[attr-defined]
    setattr(renderer, _MEASURE, cached)
    return renderer


class _ChartFigure(_MplFigure):
    """A matplotlib figure whose renderers share :data:`_MEASURED`."""

    def draw(self, renderer: Any) -> None:
        super().draw(_measure_once(renderer))

    def _get_renderer(self) -> Any:  # the renderer the layout engine measures with
        return _measure_once(super()._get_renderer())


def _new(body_mm: float, nrows: int = 1, ncols: int = 1, **kw: Any) -> tuple[_MplFigure, Any]:
    """A figure 160 mm wide whose plot area is ``body_mm`` high, with constrained layout."""
    fig = _ChartFigure(figsize=(WIDTH_MM / 25.4, body_mm / 25.4), layout="constrained")
    fig.get_layout_engine().set(w_pad=2 / 72, h_pad=2 / 72, wspace=0.04, hspace=0.04)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    fig._pe_body_mm = body_mm  # type: ignore[attr-defined]
    return fig, axes


def _render(fig: _MplFigure, *, title: str, alt: str,
            handles: Sequence[Any] | None = None) -> str:
    """Add the title and the key above the plot, lay out, and return the SVG text.

    The title (10 pt semibold) and the key (one or two rows) sit in a band reserved above
    the constrained-layout area, left-aligned with the figure's edge as in SSB's figures.
    """
    width_pt = WIDTH_MM * _PT_PER_MM
    lines = textwrap.wrap(title, width=int((width_pt - 4) / 5.4)) or [title]
    header = 3.0 + len(lines) * _TITLE_PT * 1.28
    ncols = 0
    if handles:
        handles, ncols, rows = _key_layout(handles, width_pt - 8)
        header += 5.0 + rows * 12.0
    header += 6.0
    body_pt = fig._pe_body_mm * _PT_PER_MM  # type: ignore[attr-defined]
    height_pt = body_pt + header
    fig.set_size_inches(width_pt / 72, height_pt / 72)
    fig.get_layout_engine().set(rect=(0, 0, 1, 1 - header / height_pt))
    x0 = _X0_PT / width_pt
    fig.text(x0, 1 - 3.0 / height_pt, "\n".join(lines), ha="left", va="top",
             fontsize=_TITLE_PT, fontweight="semibold", color=_C["heading"], linespacing=1.2)
    if handles:
        top = 3.0 + len(lines) * _TITLE_PT * 1.28 + 5.0
        fig.legend(handles=list(handles), loc="upper left",
                   bbox_to_anchor=(x0, 1 - top / height_pt), ncols=ncols, borderpad=0,
                   borderaxespad=0, handlelength=1.6, handleheight=0.8, handletextpad=0.5,
                   columnspacing=1.4, labelspacing=0.45, frameon=False,
                   labelcolor=_C["ink"])
    buf = io.StringIO()
    # Lay out once, then draw once. savefig with a layout engine draws the figure twice (a
    # pass with drawing switched off, to run the engine, then the real one); the positions
    # and the SVG are the same when the engine runs first, measuring text as SVG does.
    FigureCanvasSVG(fig)
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
        fig.set_layout_engine(None)  # the positions are final now
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    # No fig.clear(): it resets every axes (as costly as making it); the figure was never
    # registered with pyplot, so it is garbage as soon as this returns.
    return _describe(buf.getvalue(), title, alt)


def _describe(svg: str, title: str, alt: str) -> str:
    """Insert ``<title>`` and ``<desc>`` as the first children of the root ``<svg>``."""
    start = svg.find("<svg")
    end = svg.find(">", start) + 1
    extra = (f"\n <title>{html.escape(title, quote=False)}</title>"
             f"\n <desc>{html.escape(alt, quote=False)}</desc>")
    return svg[:end] + extra + svg[end:]


def _draw(build: Callable[[], tuple[_MplFigure, Sequence[Any] | None]], *, title: str,
          alt: str) -> str:
    """Run ``build`` (which makes the figure and returns it with its key) and render it,
    both under the chart rc settings."""
    with matplotlib.rc_context(_rc()):
        fig, handles = build()
        return _render(fig, title=title, alt=alt, handles=handles)


def _patch(color: str, label: str, **kw: Any) -> Patch:
    return Patch(facecolor=color, edgecolor=kw.pop("edgecolor", "none"), label=label, **kw)


def _line(color: str, label: str, **kw: Any) -> Line2D:
    return Line2D([], [], color=color, label=label, **kw)


def _grid_shape(n: int) -> tuple[int, int]:
    return (1, 1) if n <= 1 else (math.ceil(n / 2), 2)


def _pilots_of(frame: pd.DataFrame, pilot_id: str | None, column: str = "pilot_id") -> list[str]:
    ids = [str(p) for p in dict.fromkeys(frame[column].astype(str))]
    if pilot_id is None:
        return ids
    if str(pilot_id) not in ids:
        raise UsageError(f"pilot_id={pilot_id!r} is not in the table; the pilots are: "
                         f"{', '.join(ids) or '(none)'}.")
    return [str(pilot_id)]


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Index levels as columns, ids as plain strings."""
    out = frame.reset_index() if any(n is not None for n in frame.index.names) else frame.copy()
    if "pilot_id" in out.columns:
        out["pilot_id"] = out["pilot_id"].astype(str)
    return out


def _join(items: Sequence[str], language: str) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    word = _tr(language, " og ", " and ")
    return ", ".join(items[:-1]) + word + items[-1]


def _hide_small(values: pd.Series, min_cell_size: int) -> pd.Series:
    """Counts with ``0 < n < min_cell_size`` become NaN (not drawn)."""
    v = pd.to_numeric(values, errors="coerce").astype(float)
    return v.where(~((v > 0) & (v < min_cell_size)))


def _placeholder(title: str, message: str, *, kind: tuple[str, str], language: str,
                 source: str | None = None) -> Figure:
    """A chart with nothing to draw yet (a pilot not started, no measurements): the title
    and one sentence saying why, so a scheduled report still runs and says so."""
    alt = f"{_tr(language, *kind)}: {message}"

    def build() -> tuple[_MplFigure, None]:
        fig, axes = _new(16)
        ax = axes[0, 0]
        ax.text(0, 0.5, message, transform=ax.transAxes, ha="left", va="center",
                color=_C["muted"], style="italic")
        ax.set_axis_off()
        return fig, None

    return Figure(svg=_draw(build, title=title, alt=alt), title=title, alt=alt,
                  caption=_caption(source=source, language=language))


def _empty_note(ax: Any, message: str) -> None:
    """One muted sentence in the middle of a panel whose bars are all hidden."""
    ax.text(0.5, 0.55, message, transform=ax.transAxes, ha="center", va="center",
            color=_C["muted"], style="italic", fontsize=_TEXT_PT, linespacing=1.3, zorder=6,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 2.0})


_BAR = ("Stolpediagram", "Bar chart")
_LINE = ("Linjediagram", "Line chart")


# =========================================================================== portfolio


def grant_vs_spent(cost_summary: pd.DataFrame, names: Mapping[str, str] | None = None, *,
                   language: Language = "nb", source: str | None = None) -> Figure:
    """Grant from the fund, fund money spent so far and the forecast at period end, per pilot.

    A grey track is the grant; the blue bar inside it the fund money spent; a black mark
    the linear forecast at the pilot's end date. The label gives amounts and share used.

    Parameters
    ----------
    cost_summary : pandas.DataFrame
        Output of :func:`pilot_eval.metrics.cost.cost_summary` (index ``pilot_id``;
        ``grant_nok``, ``fund_cost_nok``, ``grant_used_share``, ``elapsed_share``,
        ``forecast_fund_cost_nok``).
    names : mapping of pilot_id to name, optional
        Display names (:func:`pilot_names`); the id is shown where a name is missing.
    language : {"nb", "en"}, default "nb"
    source : str, optional
        Appended to the caption as "Kilde: …".

    Returns
    -------
    Figure

    Notes
    -----
    forecast = fund money spent / share of the period passed (DESIGN §3): the rest of the
    period is assumed to be spent at the average rate so far.
    """
    lang = _lang(language)
    df = _flat(_require(cost_summary, ["pilot_id", "grant_nok", "fund_cost_nok",
                                       "grant_used_share", "elapsed_share",
                                       "forecast_fund_cost_nok"],
                        "pilot_eval.metrics.cost_summary(ds)"))
    n = len(df)
    title = _tr(lang, "Tilsagn fra fondet, brukt hittil og prognose ved periodens slutt",
                "Grant from the fund, money spent so far and forecast at period end")
    if n == 0:
        return _placeholder(title, _tr(lang, "Ingen piloter i tabellen.",
                                       "No pilots in the table."), kind=_BAR, language=lang)
    grant = df["grant_nok"].to_numpy(float)
    spent = df["fund_cost_nok"].to_numpy(float)
    fc = df["forecast_fund_cost_nok"].to_numpy(float)
    used = df["grant_used_share"].to_numpy(float)
    parts = []
    for i, pid in enumerate(df["pilot_id"]):
        part = _tr(lang, "{n} har brukt {p} av tilsagnet ({s} av {g}) når {e} av perioden er gått",
                   "{n} has spent {p} of its grant ({s} of {g}) with {e} of the period passed"
                   ).format(n=_name(names, pid), p=fmt.percent(used[i], language=lang),
                            s=_money(spent[i], lang), g=_money(grant[i], lang),
                            e=fmt.percent(df["elapsed_share"].iloc[i], language=lang))
        if np.isfinite(fc[i]):
            part += _tr(lang, ", prognose {f}", ", forecast {f}").format(f=_money(fc[i], lang))
        parts.append(part)
    alt = _tr(lang, "Stolpediagram: ", "Bar chart: ") + "; ".join(parts) + "."

    def build() -> tuple[_MplFigure, list[Any]]:
        fig, axes = _new(8 + 12.5 * max(n, 1))
        ax = axes[0, 0]
        y = np.arange(n)
        ax.barh(y, np.nan_to_num(grant), height=0.6, color=_C["track"], zorder=1)
        ax.barh(y, np.nan_to_num(spent), height=0.6, color=_C["blue"], zorder=2)
        texts = []
        for i in range(n):
            if np.isfinite(fc[i]):
                ax.plot([fc[i], fc[i]], [i - 0.42, i + 0.42], color=_C["ink"], lw=1.8, zorder=3)
            right = np.nanmax([grant[i], spent[i], fc[i] if np.isfinite(fc[i]) else 0.0, 0.0])
            line1 = f"{_money_pair(spent[i], grant[i], lang)} ({fmt.percent(used[i], language=lang)})"
            line2 = (_tr(lang, "prognose {f}", "forecast {f}").format(f=_money(fc[i], lang))
                     if np.isfinite(fc[i]) else _tr(lang, "ingen prognose ennå",
                                                    "no forecast yet"))
            _label(ax, line1, (right, i), dx=6, dy=4.6)
            _label(ax, line2, (right, i), dx=6, dy=-5.6, color=_C["muted"])
            texts.append(f"{line1}\n{line2}")
        ylabels = [_wrap(_name(names, p), 24) for p in df["pilot_id"]]
        ax.set_yticks(y, ylabels)
        ax.set_ylim(n - 0.5, -0.5)
        ends = np.nanmax(np.vstack([grant, spent, np.where(np.isfinite(fc), fc, 0),
                                    np.zeros(n)]), axis=0)
        right = _room_right(ends, texts, axes_width_pt=_axes_width_pt(ylabels), dx_pt=6)
        ax.set_xlim(0, right if right > 0 else 1)
        _value_axis(ax.xaxis, "money", lang, nbins=4)
        _clean(ax, grid="x")
        ax.axvline(0, color=_C["rule"], lw=0.8, zorder=4)
        handles = [_patch(_C["blue"], _tr(lang, "Brukt av fondsmidler", "Fund money spent")),
                   _patch(_C["track"], _tr(lang, "Tilsagn fra fondet", "Grant from the fund")),
                   _line(_C["ink"], _tr(lang, "Prognose ved periodens slutt",
                                        "Forecast at period end"),
                         marker="|", markersize=10, markeredgewidth=1.8, linestyle="none")]
        return fig, handles

    svg = _draw(build, title=title, alt=alt)
    note = _tr(lang, "Prognosen forutsetter at pengene brukes like raskt resten av perioden "
                     "som hittil.",
               "The forecast assumes the money is spent at the same average rate for the rest "
               "of the period.")
    return Figure(svg=svg, title=title, alt=alt, caption=_caption(note, source=source,
                                                                  language=lang))


def _small_multiples(ids: Sequence[str], panel_mm: float, single_mm: float, **kw: Any
                     ) -> tuple[_MplFigure, list[Any]]:
    nrows, ncols = _grid_shape(len(ids))
    body = single_mm if len(ids) <= 1 else nrows * panel_mm
    fig, axes = _new(body, nrows, ncols, **kw)
    flat = list(axes.ravel())
    for ax in flat[len(ids):]:
        ax.set_visible(False)
    return fig, flat[: len(ids)]


def _date_span(frame: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """From the first month's first day to the last day of the period, no margins."""
    start = pd.to_datetime(frame["month"] if "month" in frame else frame["date"]).min()
    return start, pd.to_datetime(frame["date"]).max()


def _end_labels(ax: Any, items: Sequence[tuple[Any, float, str, str, str]], *,
                axes_height_pt: float, gap_pt: float = 10.0) -> None:
    """Label line ends (x, y, text, colour, weight), pushed apart vertically so they never
    overlap, each on a white box so a dashed line behind stays out of the way."""
    items = [it for it in items if np.isfinite(it[1])]
    if not items:
        return
    lo, hi = ax.get_ylim()
    per_pt = (hi - lo) / max(axes_height_pt, 1.0)
    order = sorted(range(len(items)), key=lambda i: items[i][1])
    placed: dict[int, float] = {}
    prev = -np.inf
    for i in order:
        y = max(items[i][1], prev + gap_pt * per_pt)
        placed[i] = y
        prev = y
    for i, (x, y, text, colour, weight) in enumerate(items):
        ax.plot([x], [y], marker="o", markersize=3.6, color=colour, zorder=5, clip_on=False)
        _label(ax, text, (x, y), dx=5, dy=(placed[i] - y) / per_pt, weight=weight,
               color=_C["ink"] if colour == _C["sky"] else colour, zorder=6,
               bbox={"boxstyle": "square,pad=0.15", "fc": "white", "ec": "none"})


def cumulative_spend(cost_by_month: pd.DataFrame, names: Mapping[str, str] | None = None,
                     pilot_id: str | None = None, *, language: Language = "nb",
                     source: str | None = None) -> Figure:
    """Cumulative fund money spent per month against the grant spread evenly over the period.

    One panel per pilot (two columns, shared scales, so pilots compare at a glance), or one
    wide panel for ``pilot_id``. The solid line is fund money spent up to the status date;
    the dashed line the straight-line plan, drawn to the end of the period.

    Parameters
    ----------
    cost_by_month : pandas.DataFrame
        Output of :func:`pilot_eval.metrics.cost.cost_by_month` (long: ``pilot_id``,
        ``month``, ``funder``, ``date``, ``observed``, ``cumulative_nok``,
        ``grant_plan_cumulative_nok``). Only funder ``fund`` is drawn.
    names : mapping of pilot_id to name, optional
    pilot_id : str, optional
        Draw one pilot only.
    language : {"nb", "en"}, default "nb"
    source : str, optional

    Returns
    -------
    Figure
    """
    lang = _lang(language)
    df = _flat(_require(cost_by_month, ["pilot_id", "funder", "date", "observed",
                                        "cumulative_nok", "grant_plan_cumulative_nok"],
                        "pilot_eval.metrics.cost_by_month(ds)"))
    df = df[df["funder"].astype(str) == "fund"].copy()
    df["date"] = pd.to_datetime(df["date"])
    ids = _pilots_of(df, pilot_id)
    title = (_tr(lang, "Fondsmidler brukt, akkumulert, mot jevn fordeling av tilsagnet",
                 "Fund money spent, cumulative, against the grant spread evenly")
             if len(ids) > 1 else
             _tr(lang, "{n}: fondsmidler brukt, akkumulert, mot jevn fordeling av tilsagnet",
                 "{n}: fund money spent, cumulative, against the grant spread evenly"
                 ).format(n=_name(names, ids[0])))
    parts = []
    for pid in ids:
        d = df[df["pilot_id"] == pid]
        obs = d[d["observed"].astype(bool) & d["cumulative_nok"].notna()]
        if obs.empty:
            parts.append(_tr(lang, "{n}: ingen utgifter ennå", "{n}: no spending yet").format(
                n=_name(names, pid)))
            continue
        last = obs.iloc[-1]
        plan = last["grant_plan_cumulative_nok"]
        parts.append(_tr(lang, "{n} har brukt {s}, mot {p} etter planen",
                         "{n} has spent {s}, against {p} by the plan").format(
            n=_name(names, pid), s=_money(last["cumulative_nok"], lang), p=_money(plan, lang)))
    as_of = df.loc[df["observed"].astype(bool), "date"].max()
    alt = (_tr(lang, "Linjediagram: fondsmidler brukt per {d}. ",
               "Line chart: fund money spent as of {d}. ").format(
        d=fmt.date(as_of, language=lang)) + "; ".join(parts) + ".")

    def build() -> tuple[_MplFigure, list[Any]]:
        fig, axes = _small_multiples(ids, 47, 62, sharex=True, sharey=True)
        height_pt = (62 if len(ids) <= 1 else 47) * _PT_PER_MM - 42
        top = float(np.nanmax(df[["cumulative_nok", "grant_plan_cumulative_nok"]].to_numpy(
            float), initial=0.0))
        for ax, pid in zip(axes, ids, strict=True):
            d = df[df["pilot_id"] == pid].sort_values("date")
            obs = d[d["observed"].astype(bool) & d["cumulative_nok"].notna()]
            ax.plot(d["date"], d["grant_plan_cumulative_nok"], color=_C["muted"], lw=1.1,
                    ls=(0, (4, 2.5)), zorder=2)
            ax.plot(obs["date"], obs["cumulative_nok"], color=_C["blue"], lw=2.0, zorder=3)
            ax.set_ylim(0, top * 1.12 if top > 0 else 1)
            if not obs.empty:
                last = obs.iloc[-1]
                _end_labels(ax, [(last["date"], last["cumulative_nok"],
                                  _money(last["cumulative_nok"], lang), _C["blue"], "semibold")],
                            axes_height_pt=height_pt)
            end = d.iloc[-1] if len(d) else None
            if end is not None and np.isfinite(end["grant_plan_cumulative_nok"]):
                _label(ax, _tr(lang, "tilsagn {g}", "grant {g}").format(
                    g=_money(end["grant_plan_cumulative_nok"], lang)),
                    (end["date"], end["grant_plan_cumulative_nok"]), dx=0, dy=5, ha="right",
                    va="bottom", color=_C["muted"])
            if len(ids) > 1:
                ax.set_title(_name(names, pid))
            _value_axis(ax.yaxis, "money", lang, nbins=4)
            _month_axis(ax.xaxis, lang)
            _clean(ax, grid="y", bottom=True)
            ax.set_xlim(*_date_span(df[df["pilot_id"].isin(ids)]))
        handles = [_line(_C["blue"], _tr(lang, "Brukt av fondsmidler", "Fund money spent"),
                         lw=2.0),
                   _line(_C["muted"], _tr(lang, "Plan: tilsagnet fordelt jevnt over perioden",
                                          "Plan: grant spread evenly over the period"),
                         lw=1.1, ls=(0, (4, 2.5)))]
        return fig, handles

    svg = _draw(build, title=title, alt=alt)
    note = _tr(lang, "Linjen for brukte midler slutter ved statusdatoen {d}.",
               "The spending line ends at the status date, {d}.").format(
        d=fmt.date(as_of, language=lang))
    return Figure(svg=svg, title=title, alt=alt,
                  caption=_caption(note, source=source, language=lang))


def enrolment_vs_target(enrolment_by_month: pd.DataFrame,
                        names: Mapping[str, str] | None = None, pilot_id: str | None = None, *,
                        min_cell_size: int, language: Language = "nb",
                        source: str | None = None) -> Figure:
    """Participants enrolled (cumulative) and active per month, against the reach target.

    Parameters
    ----------
    enrolment_by_month : pandas.DataFrame
        Output of :func:`pilot_eval.metrics.reach.enrolment_by_month` (``pilot_id``,
        ``date``, ``observed``, ``enrolled_cumulative``, ``active``,
        ``reach_target_line``).
    names : mapping of pilot_id to name, optional
    pilot_id : str, optional
        Draw one pilot only.
    min_cell_size : int
        Months with ``0 < count < min_cell_size`` are not drawn (the line starts later).
    language : {"nb", "en"}, default "nb"
    source : str, optional

    Returns
    -------
    Figure
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    df = _flat(_require(enrolment_by_month, ["pilot_id", "date", "observed",
                                             "enrolled_cumulative", "active",
                                             "reach_target_line"],
                        "pilot_eval.metrics.enrolment_by_month(ds)"))
    df["date"] = pd.to_datetime(df["date"])
    hidden_any = bool(((df[["enrolled_cumulative", "active"]] > 0)
                       & (df[["enrolled_cumulative", "active"]] < k)).any().any())
    raw_enrolled = df["enrolled_cumulative"].copy()
    df["enrolled_cumulative"] = _hide_small(df["enrolled_cumulative"], k)
    df["active"] = _hide_small(df["active"], k)
    ids = _pilots_of(df, pilot_id)
    title = (_tr(lang, "Deltakere påmeldt (akkumulert) og aktive, mot målet for antall deltakere",
                 "Participants enrolled (cumulative) and active, against the reach target")
             if len(ids) > 1 else
             _tr(lang, "{n}: deltakere påmeldt og aktive, mot målet for antall deltakere",
                 "{n}: participants enrolled and active, against the reach target"
                 ).format(n=_name(names, ids[0])))
    parts = []
    for pid in ids:
        d = df[(df["pilot_id"] == pid) & df["observed"].astype(bool)]
        if d.empty or not (raw_enrolled[d.index].fillna(0) > 0).any():
            parts.append(_tr(lang, "{n}: ingen påmeldt ennå", "{n}: nobody enrolled yet"
                             ).format(n=_name(names, pid)))
            continue
        if d["enrolled_cumulative"].isna().all():
            parts.append(_tr(lang, "{n}: færre enn {k} påmeldt", "{n}: fewer than {k} enrolled"
                             ).format(n=_name(names, pid), k=k))
            continue
        last = d.iloc[-1]
        parts.append(_tr(lang, "{n}: {e} påmeldt mot {t} etter målet, {a} aktive",
                         "{n}: {e} enrolled against {t} by the target, {a} active").format(
            n=_name(names, pid), e=fmt.count(last["enrolled_cumulative"], k, language=lang),
            t=fmt.number(last["reach_target_line"], 0, language=lang),
            a=fmt.count(last["active"], k, language=lang)))
    as_of = df.loc[df["observed"].astype(bool), "date"].max()
    alt = (_tr(lang, "Linjediagram: deltakere per {d}. ", "Line chart: participants as of {d}. "
               ).format(d=fmt.date(as_of, language=lang)) + "; ".join(parts) + ".")

    def build() -> tuple[_MplFigure, list[Any]]:
        fig, axes = _small_multiples(ids, 47, 62, sharex=True, sharey=True)
        height_pt = (62 if len(ids) <= 1 else 47) * _PT_PER_MM - 42
        top = float(np.nanmax(df[["enrolled_cumulative", "reach_target_line"]].to_numpy(float),
                              initial=0.0))
        for ax, pid in zip(axes, ids, strict=True):
            d = df[df["pilot_id"] == pid].sort_values("date")
            obs = d[d["observed"].astype(bool)]
            ax.plot(d["date"], d["reach_target_line"], color=_C["muted"], lw=1.1,
                    ls=(0, (4, 2.5)), zorder=2)
            ax.plot(obs["date"], obs["active"], color=_C["sky"], lw=1.5, zorder=3)
            ax.plot(obs["date"], obs["enrolled_cumulative"], color=_C["blue"], lw=2.0, zorder=4)
            ax.set_ylim(0, top * 1.12 if top > 0 else 1)
            if obs.empty or not (raw_enrolled[obs.index].fillna(0) > 0).any():
                _empty_note(ax, _tr(lang, "Ingen påmeldt ennå", "Nobody enrolled yet"))
            ok = obs[obs["enrolled_cumulative"].notna()]
            if not ok.empty:
                last = ok.iloc[-1]
                _end_labels(ax, [
                    (last["date"], last["enrolled_cumulative"],
                     fmt.count(last["enrolled_cumulative"], k, language=lang), _C["blue"],
                     "semibold"),
                    (last["date"], last["active"], fmt.count(last["active"], k, language=lang),
                     _C["sky"], "normal")], axes_height_pt=height_pt)
            end = d.iloc[-1] if len(d) else None
            if end is not None and np.isfinite(end["reach_target_line"]):
                _label(ax, _tr(lang, "mål {t}", "target {t}").format(
                    t=fmt.number(end["reach_target_line"], 0, language=lang)),
                    (end["date"], end["reach_target_line"]), dx=0, dy=5, ha="right",
                    va="bottom", color=_C["muted"])
            if len(ids) > 1:
                ax.set_title(_name(names, pid))
            _value_axis(ax.yaxis, "number", lang, nbins=4, integer=True)
            _month_axis(ax.xaxis, lang)
            _clean(ax, grid="y", bottom=True)
            ax.set_xlim(*_date_span(df[df["pilot_id"].isin(ids)]))
        handles = [_line(_C["blue"], _tr(lang, "Påmeldt i alt", "Enrolled in total"), lw=2.0),
                   _line(_C["sky"], _tr(lang, "Aktive deltakere", "Active participants"),
                         lw=1.5),
                   _line(_C["muted"], _tr(lang, "Mål, fordelt jevnt over perioden",
                                          "Target, spread evenly over the period"),
                         lw=1.1, ls=(0, (4, 2.5)))]
        return fig, handles

    svg = _draw(build, title=title, alt=alt)
    return Figure(svg=svg, title=title, alt=alt, caption=_caption(
        _privacy_note(k, lang) if hidden_any else None, source=source, language=lang))


_COVERAGE_WHY = {
    "no_population_table": ("datasettet har ingen befolkningstall",
                            "the dataset has no population figures"),
    "population_no_year": ("befolkningstallene gjelder ikke et år før statusdatoen",
                           "the population figures are for no year before the status date"),
    "population_has_no_areas": ("befolkningstallene er ikke delt på områdene piloten retter "
                                "seg mot",
                                "the population figures are not split by the pilot's areas"),
    "area_not_in_population": ("et målområde mangler i befolkningstallene",
                               "a target area is missing from the population figures"),
    "target_population_zero": ("befolkningstallene har ingen i målgruppen",
                               "the population figures have nobody in the target group"),
}


def coverage(reach_summary: pd.DataFrame, names: Mapping[str, str] | None = None, *,
             min_cell_size: int, language: Language = "nb",
             source: str | None = None) -> Figure:
    """Share of each pilot's target population reached (participants enrolled / target group).

    Pilots for which the share cannot be computed get a row that says why, instead of a bar
    (DESIGN §2: a pilot with target areas and population figures for the whole municipality
    only).

    Parameters
    ----------
    reach_summary : pandas.DataFrame
        Output of :func:`pilot_eval.metrics.reach.reach_summary` (``enrolled``,
        ``target_population``, ``coverage_share``, ``coverage_note``).
    names : mapping of pilot_id to name, optional
    min_cell_size : int
        A pilot with ``0 < enrolled < min_cell_size`` shows "<5" and no bar.
    language : {"nb", "en"}, default "nb"
    source : str, optional

    Returns
    -------
    Figure
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    df = _flat(_require(reach_summary, ["pilot_id", "enrolled", "target_population",
                                        "coverage_share"],
                        "pilot_eval.metrics.reach_summary(ds)"))
    n = len(df)
    enrolled = df["enrolled"].to_numpy(float)
    small = (enrolled > 0) & (enrolled < k)
    none = ~(enrolled > 0)  # not started, or nobody enrolled yet: "0,0 % (0 av 15 760)" says less
    share = np.where(small | none, np.nan, df["coverage_share"].to_numpy(float))
    notes = (df["coverage_note"].astype("string") if "coverage_note" in df
             else pd.Series(pd.NA, index=df.index, dtype="string"))
    why = [(_COVERAGE_WHY.get(str(v), (str(v), str(v)))[0 if lang == "nb" else 1]
            if not pd.isna(v) else None) for v in notes]
    title = _tr(lang, "Andel av målgruppen nådd", "Coverage of the target population")
    parts = []
    for i, pid in enumerate(df["pilot_id"]):
        nm = _name(names, pid)
        if np.isfinite(share[i]):
            parts.append(_tr(lang, "{n} {s} ({e} av {t})", "{n} {s} ({e} of {t})").format(
                n=nm, s=fmt.percent(share[i], 1, language=lang),
                e=fmt.count(enrolled[i], k, language=lang),
                t=fmt.number(df["target_population"].iloc[i], 0, language=lang)))
        elif small[i]:
            parts.append(_tr(lang, "{n}: færre enn {k} deltakere", "{n}: fewer than {k} "
                             "participants").format(n=nm, k=k))
        elif none[i]:
            parts.append(_tr(lang, "{n}: ingen deltakere ennå", "{n}: no participants yet"
                             ).format(n=nm))
        else:
            parts.append(_tr(lang, "{n}: kan ikke beregnes fordi {w}",
                             "{n}: cannot be computed because {w}").format(
                n=nm, w=why[i] or _tr(lang, "målgruppen er ukjent", "the target group is unknown")))
    alt = _tr(lang, "Stolpediagram: andel av målgruppen som er nådd. ",
              "Bar chart: share of the target population reached. ") + "; ".join(parts) + "."

    def build() -> tuple[_MplFigure, None]:
        fig, axes = _new(6 + 10 * max(n, 1))
        ax = axes[0, 0]
        y = np.arange(n)
        ax.barh(y, np.nan_to_num(share), height=0.55, color=_C["blue"], zorder=2)
        top = float(np.nanmax(share, initial=0.0))
        texts = []
        for i in range(n):
            texts.append("")
            if np.isfinite(share[i]):
                texts[i] = _tr(lang, "{s} ({e} av {t})", "{s} ({e} of {t})").format(
                    s=fmt.percent(share[i], 1, language=lang),
                    e=fmt.count(enrolled[i], k, language=lang),
                    t=fmt.number(df["target_population"].iloc[i], 0, language=lang))
                _label(ax, texts[i], (share[i], i), dx=5)
            elif small[i]:
                _label(ax, f"<{k} " + _tr(lang, "deltakere", "participants"), (0, i), dx=5,
                       color=_C["muted"])
            elif none[i]:
                _label(ax, _tr(lang, "Ingen deltakere ennå", "No participants yet"), (0, i),
                       dx=5, color=_C["muted"], style="italic")
            else:
                _label(ax, _first_upper(_tr(lang, "kan ikke beregnes: ", "cannot be computed: "))
                       + (why[i] or ""), (0, i), dx=5, color=_C["muted"], style="italic")
        ylabels = [_wrap(_name(names, p), 24) for p in df["pilot_id"]]
        ax.set_yticks(y, ylabels)
        ax.set_ylim(n - 0.5, -0.5)
        right = _room_right(np.nan_to_num(share), texts, axes_width_pt=_axes_width_pt(ylabels))
        ax.set_xlim(0, max(right, top * 1.05) if top > 0 else 0.01)
        _value_axis(ax.xaxis, "percent", lang, nbins=4)
        _clean(ax, grid="x")
        ax.axvline(0, color=_C["rule"], lw=0.8, zorder=4)
        return fig, None

    svg = _draw(build, title=title, alt=alt)
    note = _tr(lang, "Andelen er påmeldte deltakere delt på antall personer i målgruppen "
                     "(alder og område) i befolkningstallene.",
               "The share is participants enrolled divided by the people in the target group "
               "(ages and areas) in the population figures.")
    return Figure(svg=svg, title=title, alt=alt, caption=_caption(
        note, _privacy_note(k, lang) if small.any() else None, source=source, language=lang))


_GENDER_LABELS = {
    "female": ("Jenter", "Female"), "male": ("Gutter", "Male"), "other": ("Annet", "Other"),
    "unknown": ("Ukjent", "Unknown"),
}
_BY_WORDS = {
    "gender": ("kjønn", "gender"), "age_group": ("aldersgruppe", "age group"),
    "area": ("område", "area"),
}


def _group_label(by: str, group: Any, language: str) -> str:
    g = str(group)
    if g in ("Andre, samlet", "Others, combined"):
        return g
    if by == "gender" and g in _GENDER_LABELS:
        return _GENDER_LABELS[g][0 if language == "nb" else 1]
    if g == "unknown":
        return _tr(language, "Ukjent", "Unknown")
    if by == "age_group":
        return g + _tr(language, " år", " years")
    return g


def reach_breakdown(reach_by_frame: pd.DataFrame, by: Literal["area", "gender", "age_group"],
                    names: Mapping[str, str] | None = None, pilot_id: str | None = None, *,
                    min_cell_size: int, language: Language = "nb",
                    source: str | None = None) -> Figure:
    """Who is reached: participants by area, gender or age group, next to the target group.

    One panel per pilot. The bar is the group's share of the pilot's participants; the
    black mark the group's share of the pilot's target population (where the population
    figures tell), so over- and under-represented groups stand out.

    Parameters
    ----------
    reach_by_frame : pandas.DataFrame
        Output of :func:`pilot_eval.metrics.reach.reach_by` for the same ``by`` (index
        ``(pilot_id, by)``; ``enrolled``, ``share``, ``target_share``).
    by : {"area", "gender", "age_group"}
    names : mapping of pilot_id to name, optional
    pilot_id : str, optional
        Draw one pilot only.
    min_cell_size : int
        Groups with ``0 < enrolled < min_cell_size`` are not drawn ("<5").
    language : {"nb", "en"}, default "nb"
    source : str, optional

    Returns
    -------
    Figure

    Notes
    -----
    Shares are of the participants in the groups drawn, and the target population's shares
    of the same groups, so both bars and marks add up to 100 % over the same groups. That is
    also what protects a small group: it is left out of the denominator, so it cannot be
    worked out as 100 % less the others. (Complementary suppression would do the same by
    hiding a second group, but that is often the largest one: one participant of unknown
    age would hide a group of a hundred.) People whose area, gender or age is unknown are
    not a group one can reach or miss, and are left out the same way; the caption says so.
    Groups nobody is enrolled in and that are outside every target population shown are
    left out (for example age groups outside all pilots' target ages).
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    if by not in _BY_WORDS:
        raise UsageError(f"by={by!r} is not supported; use one of: area, gender, age_group.")
    df = _flat(_require(reach_by_frame, ["pilot_id", by, "enrolled", "share", "target_share"],
                        f"pilot_eval.metrics.reach_by(ds, {by!r})"))
    ids = _pilots_of(df, pilot_id)
    df = df[df["pilot_id"].isin(ids)].copy()
    df["group"] = df[by].astype(str)
    had_unknown = bool((df.loc[df["group"] == "unknown", "enrolled"] > 0).any())
    df = df[df["group"] != "unknown"].copy()
    enrolled = df["enrolled"].to_numpy(float)
    hide = (enrolled > 0) & (enrolled < k)
    df["hidden"] = hide
    # Small groups that together reach min_cell_size are drawn as one "others" bar, so the
    # shares stay shares of everyone; fewer than that are left out of the denominator.
    other = _tr(lang, "Andre, samlet", "Others, combined")
    pooled = df[hide].groupby("pilot_id").agg(enrolled=("enrolled", "sum"),
                                             target_share=("target_share",
                                                           lambda t: t.sum(min_count=1)))
    pooled = pooled[pooled["enrolled"] >= k]
    if len(pooled):
        df = pd.concat([df, pooled.reset_index().assign(group=other, hidden=False)],
                       ignore_index=True)
    # A pilot left with one group drawn beside hidden ones would show "100 %" next to "<5":
    # the share says nothing and reads as if nobody else took part. Hide that one too.
    visible = ~df["hidden"].astype(bool) & (df["enrolled"] > 0)
    lone = df["pilot_id"].map(visible.groupby(df["pilot_id"]).sum()).eq(1)
    beside = df["pilot_id"].map(df["hidden"].astype(bool).groupby(df["pilot_id"]).any())
    also_hidden = visible & lone & beside.astype(bool) & (df["group"] != other)
    df.loc[also_hidden, "hidden"] = True
    hide = df["hidden"].to_numpy(bool)
    enrolled = df["enrolled"].to_numpy(float)
    drawn = df[~hide].groupby("pilot_id")
    base = df["pilot_id"].map(drawn["enrolled"].sum()).to_numpy(float)
    t_base = df["pilot_id"].map(drawn["target_share"].sum(min_count=1)).to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["shown_share"] = np.where(hide | (base <= 0), np.nan, enrolled / base)
        df["target_share"] = np.where(hide | ~(t_base > 0), np.nan,
                                      df["target_share"].to_numpy(float) / t_base)
    groups = list(dict.fromkeys(df["group"]))
    keep = (df.groupby("group", sort=False)
              .apply(lambda g: bool((g["enrolled"] > 0).any()
                                    or (g["target_share"].fillna(0) > 0).any()),
                     include_groups=False))
    groups = [g for g in groups if keep.get(g, True)]
    if other in groups:  # the pooled bar goes last
        groups = [g for g in groups if g != other] + [other]
    df = df[df["group"].isin(groups)]
    has_target = bool(df["target_share"].notna().any())
    word = _BY_WORDS[by][0 if lang == "nb" else 1]
    title = (_tr(lang, "Deltakerne etter {w}, sammenlignet med målgruppen",
                 "Participants by {w}, compared with the target population")
             if has_target else _tr(lang, "Deltakerne etter {w}", "Participants by {w}")
             ).format(w=word)
    if len(ids) == 1:
        title = f"{_name(names, ids[0])}: {title[:1].lower()}{title[1:]}"
    if not (df["enrolled"] > 0).any():  # nobody enrolled yet: no bars, only target marks
        return _placeholder(title, _tr(lang, "Ingen deltakere ennå.", "No participants yet."),
                            kind=_BAR, language=lang, source=source)
    parts = []
    for pid in ids:
        d = df[df["pilot_id"] == pid].sort_values("shown_share", ascending=False)
        top = d[d["shown_share"].notna() & (d["enrolled"] > 0)].head(2)
        bits = []
        for _, r in top.iterrows():
            b = f"{_group_label(by, r['group'], lang).lower()} {fmt.percent(r['shown_share'], language=lang)}"
            if np.isfinite(r["target_share"]):
                b += _tr(lang, " (målgruppen {t})", " (target population {t})").format(
                    t=fmt.percent(r["target_share"], language=lang))
            bits.append(b)
        # no count here: with the pilot's total known elsewhere, the count of the groups
        # drawn would give away the hidden ones
        if d["enrolled"].sum() == 0:
            parts.append(_tr(lang, "{n}: ingen deltakere ennå", "{n}: no participants yet"
                             ).format(n=_name(names, pid)))
            continue
        parts.append(f"{_name(names, pid)}: " + (_join(bits, lang) or _tr(lang, "for få",
                                                                            "too few")))
    alt = (_tr(lang, "Stolpediagram: deltakernes fordeling etter {w}. Største grupper: ",
               "Bar chart: participants by {w}. Largest groups: ").format(w=word)
           + "; ".join(parts) + ".")

    def build() -> tuple[_MplFigure, list[Any]]:
        n_groups = len(groups)
        ncols = min(len(ids), 4)
        nrows = math.ceil(len(ids) / ncols)
        panel = 13 + 4.9 * n_groups  # compact rows: 8 pt labels need no more than 4.9 mm
        fig, axes = _new(panel * nrows, nrows, ncols, sharey=True, sharex=True)
        flat = list(axes.ravel())
        for ax in flat[len(ids):]:
            ax.set_visible(False)
        top = float(np.nanmax(np.concatenate([df["shown_share"].to_numpy(float),
                                              df["target_share"].to_numpy(float), [0.0]])))
        width = max(12, int(110 / ncols / 4.6))
        y = np.arange(n_groups)
        for ax, pid in zip(flat, ids, strict=False):
            d = df[df["pilot_id"] == pid].set_index("group").reindex(groups)
            d["hidden"] = d["hidden"].astype("boolean").fillna(False).astype(bool)
            sh = d["shown_share"].to_numpy(float)
            ax.barh(y, np.nan_to_num(sh), height=0.62, color=_C["blue"], zorder=2)
            ts = d["target_share"].to_numpy(float)
            ok = np.isfinite(ts)
            ax.plot(ts[ok], y[ok], linestyle="none", marker="|", markersize=9,
                    markeredgewidth=1.6, color=_C["ink"], zorder=3)
            for i in range(n_groups):
                if bool(d["hidden"].iloc[i]):
                    _label(ax, _hidden_label(d["enrolled"].iloc[i], k, lang), (0, i), dx=3,
                           color=_C["muted"], size=_TEXT_PT)
                elif np.isfinite(sh[i]):
                    x = max(sh[i], ts[i] if ok[i] else 0.0)
                    _label(ax, fmt.percent(sh[i], language=lang), (x, i), dx=3, size=_TEXT_PT,
                           color=_C["ink"] if sh[i] > 0 else _C["muted"])
            if len(ids) > 1:
                ax.set_title(_wrap(_name(names, pid), width))
            ax.set_yticks(y, [_group_label(by, g, lang) for g in groups])
            ax.set_ylim(n_groups - 0.5, -0.5)
            ax.set_xlim(0, top * 1.45 if top > 0 else 1)
            _value_axis(ax.xaxis, "percent", lang, nbins=3)
            _clean(ax, grid="x")
            ax.axvline(0, color=_C["rule"], lw=0.8, zorder=4)
        handles = [_patch(_C["blue"], _tr(lang, "Andel av deltakerne", "Share of participants"))]
        if has_target:
            handles.append(_line(_C["ink"], _tr(lang, "Andel av målgruppen",
                                                "Share of the target population"),
                                 marker="|", markersize=9, markeredgewidth=1.6,
                                 linestyle="none"))
        return fig, handles

    svg = _draw(build, title=title, alt=alt)
    notes = []
    if df["hidden"].any():
        notes.append(_tr(lang, "Grupper med færre enn {k} deltakere vises som «<{k}» av "
                               "personvernhensyn",
                         "Groups with fewer than {k} participants show as \"<{k}\" for "
                         "privacy").format(k=k)
                     + (_tr(lang, "; der de til sammen er minst {k}, er de slått sammen i "
                                  "«{o}».",
                            "; where they add up to at least {k}, they are pooled in "
                            "\"{o}\".").format(k=k, o=other) if len(pooled) else "."))
    if also_hidden.any():
        notes.append(_tr(lang, "«Skjult»: vises ikke, fordi tallet sammen med summen ville "
                               "avsløre en liten gruppe.",
                         "\"Hidden\": not shown, because with the total it would reveal a "
                         "small group."))
    left_out = (df.groupby("pilot_id")["hidden"].any()
                & ~df.groupby("pilot_id")["pilot_id"].first().isin(pooled.index)).any()
    if left_out or had_unknown:
        what = []
        if left_out:
            what.append(_tr(lang, "grupper med færre enn {k} deltakere som ikke kunne slås "
                                  "sammen", "groups with fewer than {k} participants that "
                                  "could not be pooled").format(k=k))
        if had_unknown:
            what.append(_tr(lang, "deltakere med ukjent {w}",
                            "participants whose {w} is unknown").format(w=word))
        notes.append(_tr(lang, "Andelene er regnet uten {x}.", "Shares leave out {x}.").format(
            x=_join(what, lang)))
    if not has_target:
        notes.append(_tr(lang, "Befolkningstallene er ikke delt på {w}, så målgruppens "
                               "fordeling kan ikke vises.",
                         "The population figures are not split by {w}, so the target "
                         "population's distribution cannot be shown.").format(w=word))
    elif df["target_share"].isna().any():
        notes.append(_tr(lang, "Målgruppens andel mangler der befolkningstallene ikke har "
                               "gruppen.",
                         "The target population's share is missing where the population "
                         "figures do not have the group."))
    return Figure(svg=svg, title=title, alt=alt,
                  caption=_caption(*notes, source=source, language=lang))


_STATUS_PARTS = (
    ("completed", ("Fullført", "Completed"), "green"),
    ("dropped_out", ("Avbrutt", "Dropped out"), "vermillion"),
    ("moved", ("Flyttet", "Moved"), "yellow"),
    ("exited_other", ("Annen avslutning", "Other exit"), "purple"),
    ("active", ("Aktive", "Active"), "sky"),
)


def completion(reach_summary: pd.DataFrame, names: Mapping[str, str] | None = None, *,
               min_cell_size: int, language: Language = "nb",
               source: str | None = None) -> Figure:
    """Where the participants are now: completed, dropped out, moved, other exit, active.

    A 100 % bar per pilot with the share of each status written on it, the number of
    participants under the name and the completion rate on the right.

    Parameters
    ----------
    reach_summary : pandas.DataFrame
        Output of :func:`pilot_eval.metrics.reach.reach_summary` (``enrolled``,
        ``completed``, ``dropped_out``, ``moved``, ``exited_other``, ``active``,
        ``completion_rate``).
    names : mapping of pilot_id to name, optional
    min_cell_size : int
        A status with ``0 < n < min_cell_size`` is not drawn on its own: it is merged with
        the next smallest into one grey "skjult" part (at the bar's end) so neither can be
        worked out. The completion rate is not shown when it rests on fewer people, or on
        a hidden part.
    language : {"nb", "en"}, default "nb"
    source : str, optional

    Returns
    -------
    Figure
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    cols = [c for c, *_ in _STATUS_PARTS]
    df = _flat(_require(reach_summary, ["pilot_id", "enrolled", *cols],
                        "pilot_eval.metrics.reach_summary(ds)"))
    n = len(df)
    counts = df[cols].to_numpy(float)
    # each pilot's parts add up to its shown total: one group per row
    stacked = pd.Series(counts.ravel(), index=pd.MultiIndex.from_product(
        [range(n), range(len(cols))], names=["row", "part"]))
    hide = suppression_mask(stacked, k, groups="row").to_numpy(bool).reshape(counts.shape)
    total = counts.sum(axis=1)
    c_i, d_i = cols.index("completed"), cols.index("dropped_out")
    base = counts[:, c_i] + counts[:, d_i]
    rate = np.where((base >= k) & ~hide[:, c_i] & ~hide[:, d_i],
                    counts[:, c_i] / np.where(base > 0, base, np.nan), np.nan)
    label = {c: lab[0 if lang == "nb" else 1] for c, lab, *_ in _STATUS_PARTS}
    title = _tr(lang, "Status for deltakerne: fullført, avbrutt, flyttet og aktive",
                "Participants' status: completed, dropped out, moved and active")
    parts = []
    for i, pid in enumerate(df["pilot_id"]):
        if total[i] <= 0:
            parts.append(_tr(lang, "{n}: ingen deltakere ennå", "{n}: no participants yet"
                             ).format(n=_name(names, pid)))
            continue
        bits = [f"{fmt.percent(counts[i, j] / total[i], language=lang)} {label[c].lower()}"
                for j, c in enumerate(cols) if not hide[i, j] and total[i] > 0]
        if hide[i].any():
            bits.append(_tr(lang, "noen skjult", "some hidden"))
        r = (_tr(lang, "; fullføringsgrad {r}", "; completion rate {r}").format(
            r=fmt.percent(rate[i], language=lang)) if np.isfinite(rate[i]) else "")
        parts.append(_tr(lang, "{n} ({t} deltakere): {b}{r}", "{n} ({t} participants): {b}{r}"
                         ).format(n=_name(names, pid), t=fmt.count(total[i], k, language=lang),
                                  b=", ".join(bits), r=r))
    alt = _tr(lang, "Stolpediagram: ", "Bar chart: ") + "; ".join(parts) + "."

    def build() -> tuple[_MplFigure, list[Any]]:
        fig, axes = _new(4 + 11.5 * max(n, 1))
        ax = axes[0, 0]
        for i in range(n):
            left = 0.0
            if total[i] <= 0:
                continue
            segs = [(j, counts[i, j]) for j in range(len(cols)) if not hide[i, j]]
            if hide[i].any():
                segs.append((-1, counts[i, hide[i]].sum()))
            for j, v in segs:
                w = v / total[i]
                if w <= 0:
                    continue
                if j < 0:
                    ax.barh(i, w, left=left, height=0.62, color="white", edgecolor=_C["rule"],
                            hatch=_HATCH, hatchcolor=_C["rule"], linewidth=0.6, zorder=2)
                    text, tc = _hidden_label(0, k, lang), _C["ink"]
                else:
                    colour = _STATUS_PARTS[j][2]
                    ax.barh(i, w, left=left, height=0.62, color=_C[colour], zorder=2,
                            edgecolor="white", linewidth=0.8)
                    # dark text on every fill: contrast >= 4.5:1 (white on green is ~3.3:1)
                    text, tc = fmt.percent(w, language=lang), _C["ink"]
                if w >= 0.075:
                    ax.text(left + w / 2, i, text, ha="center", va="center", fontsize=_TEXT_PT,
                            color=tc, zorder=3,
                            bbox=({"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"}
                                  if j < 0 else None))
                left += w
            r = (fmt.percent(rate[i], language=lang) if np.isfinite(rate[i])
                 else _tr(lang, "for få", "too few"))
            _label(ax, r, (1, i), dx=8, weight="semibold" if np.isfinite(rate[i]) else "normal",
                   color=_C["ink"] if np.isfinite(rate[i]) else _C["muted"])
        _label(ax, _tr(lang, "Fullførings-\ngrad", "Completion\nrate"), (1, -0.5), dx=8,
               va="bottom", color=_C["muted"], size=_TEXT_PT)
        ax.set_yticks(np.arange(n), [
            _wrap(_name(names, p), 24) + "\n" + _tr(lang, "{t} deltakere", "{t} participants")
            .format(t=fmt.count(total[i], k, language=lang))
            for i, p in enumerate(df["pilot_id"])])
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0, 1)
        _value_axis(ax.xaxis, "percent", lang, nbins=5)
        _clean(ax, grid=None)
        ax.tick_params(axis="y", length=0, pad=5)
        ax.tick_params(axis="x", length=0, pad=3)
        for lbl in ax.get_yticklabels():
            lbl.set_linespacing(1.35)
        handles = [_patch(_C[c], lab[0 if lang == "nb" else 1]) for _, lab, c in _STATUS_PARTS]
        if hide.any():
            handles.append(_patch("white", _tr(lang, "Skjult av personvernhensyn",
                                               "Suppressed for privacy"),
                                  edgecolor=_C["rule"], hatch=_HATCH, hatchcolor=_C["rule"],
                                  linewidth=0.6))
        return fig, handles

    svg = _draw(build, title=title, alt=alt)
    note = _tr(lang, "Fullføringsgrad = fullført / (fullført + avbrutt); de som flyttet eller "
                     "sluttet av andre grunner er ikke med.",
               "Completion rate = completed / (completed + dropped out); those who moved or "
               "left for other reasons are left out.")
    return Figure(svg=svg, title=title, alt=alt, caption=_caption(
        note, _privacy_note(k, lang) if hide.any() else None, source=source, language=lang))


# =========================================================================== outcomes


def _signed(x: float, decimals: int, language: str) -> str:
    text = fmt.number(x, decimals, language=language)
    return "+" + text if np.isfinite(x) and round(x, decimals) > 0 else text


def _measure_label(row: pd.Series, language: str) -> str:
    for col in (f"label_{language}", "label"):
        if col in row.index and not pd.isna(row[col]) and str(row[col]).strip():
            return str(row[col])
    return str(row.get("measure", ""))


def forest(outcome_summary: pd.DataFrame, names: Mapping[str, str] | None = None, *,
           min_cell_size: int, language: Language = "nb", source: str | None = None) -> Figure:
    """Improvement per pilot and measure with 95 % confidence intervals (a forest plot).

    One panel per measure, each on its own scale in the measure's unit, signed so that
    positive is better. A vertical line marks 0 (no change) and a dashed orange line the
    minimal important difference. A filled dot is a difference-in-differences estimate
    (with a comparison group), a hollow dot a before–after comparison. The right-hand
    columns repeat the estimate and interval and give the number of people measured.

    Parameters
    ----------
    outcome_summary : pandas.DataFrame
        Output of :func:`pilot_eval.metrics.outcomes.outcome_summary` (index
        ``(pilot_id, measure)``; ``design``, ``n_pilot``, ``n_comparison``,
        ``improvement``, ``improvement_ci_low``, ``improvement_ci_high``, ``mid``, and
        ``label_nb``/``label_en``, ``unit``, ``higher_is_better`` where present).
    names : mapping of pilot_id to name, optional
    min_cell_size : int
        Rows with fewer than ``min_cell_size`` people measured before and after (in the
        pilot, or in the comparison group of a difference-in-differences) are not drawn;
        they say "for få deltakere til å si noe sikkert".
    language : {"nb", "en"}, default "nb"
    source : str, optional

    Returns
    -------
    Figure
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    df = _flat(_require(outcome_summary, ["pilot_id", "measure", "design", "n_pilot",
                                          "n_comparison", "improvement",
                                          "improvement_ci_low", "improvement_ci_high", "mid"],
                        "pilot_eval.metrics.outcome_summary(ds)"))
    if df.empty:
        return _placeholder(
            _tr(lang, "Endring for deltakerne per resultatmål, med 95 % konfidensintervall",
                "Change for participants by measure, with 95% confidence intervals"),
            _tr(lang, "Ingen resultatmålinger ennå.", "No outcome measurements yet."),
            kind=("Punktdiagram", "Dot plot"), language=lang, source=source)
    est = df["improvement"].to_numpy(float)
    lo = df["improvement_ci_low"].to_numpy(float)
    hi = df["improvement_ci_high"].to_numpy(float)
    did = (df["design"].astype(str) == "did").to_numpy()
    n_p = df["n_pilot"].to_numpy(float)
    n_c = df["n_comparison"].to_numpy(float)
    few = (n_p < k) | (did & (n_c < k)) | ~np.isfinite(est) | ~np.isfinite(lo) | ~np.isfinite(hi)
    if few.all():  # early in a pilot: a chart of empty rows says less than one sentence
        return _placeholder(
            _tr(lang, "Endring for deltakerne per resultatmål, med 95 % konfidensintervall",
                "Change for participants by measure, with 95% confidence intervals"),
            _tr(lang, "Ingen er målt både før og etter ennå." if np.nansum(n_p) == 0 else
                "For få deltakere er målt både før og etter til å vise endringer ennå.",
                "Nobody has been measured both before and after yet." if np.nansum(n_p) == 0
                else "Too few participants are measured before and after to show changes "
                "yet."),
            kind=("Punktdiagram", "Dot plot"), language=lang, source=source)
    df = df.assign(_few=few)
    measures = list(dict.fromkeys(df["measure"].astype(str)))
    labels = {m: _measure_label(df[df["measure"].astype(str) == m].iloc[0], lang)
              for m in measures}
    units = {m: _unit(df[df["measure"].astype(str) == m].iloc[0].get("unit"), lang)
             for m in measures}
    title = _tr(lang, "Endring for deltakerne per resultatmål, med 95 % konfidensintervall",
                "Change for participants by measure, with 95% confidence intervals")
    parts = []
    for i, row in df.reset_index(drop=True).iterrows():
        m = str(row["measure"])
        head = f"{_name(names, row['pilot_id'])}, {labels[m].lower()}"
        if few[i]:
            parts.append(head + _tr(lang, ": for få deltakere til å si noe sikkert",
                                    ": too few participants to tell"))
            continue
        u = f" {units[m]}" if units[m] else ""
        mid = float(row["mid"]) if np.isfinite(row["mid"]) else np.nan
        rel = ""
        if np.isfinite(mid):
            if lo[i] > 0 and est[i] >= mid:
                rel = _tr(lang, ", sikkert bedre og over minste betydningsfulle endring ({m})",
                          ", clearly better and above the minimal important difference ({m})")
            elif hi[i] < mid:
                rel = _tr(lang, ", under minste betydningsfulle endring ({m})",
                          ", below the minimal important difference ({m})")
            else:
                rel = _tr(lang, ", usikkert om endringen er stor nok ({m} trengs)",
                          ", uncertain whether the change is large enough ({m} needed)")
            rel = rel.format(m=fmt.number(mid, _decimals_needed(np.array([mid])), language=lang)
                             + u)
        parts.append(head + f": {_signed(est[i], 1, lang)}{u} (" + _tr(lang, "95 % KI ", "95% CI ")
                     + fmt.interval(lo[i], hi[i], 1, language=lang) + ")" + rel)
    alt = (_tr(lang, "Punktdiagram med usikkerhetsintervaller, positiv endring er bedre. ",
               "Dot plot with confidence intervals, positive change is better. ")
           + "; ".join(parts) + ".")

    def build() -> tuple[_MplFigure, list[Any]]:
        sizes = [int((df["measure"].astype(str) == m).sum()) for m in measures]
        body = sum(7.0 * s + 19.0 for s in sizes)
        fig, axes = _new(body, len(measures), 1,
                         gridspec_kw={"height_ratios": [s + 2.7 for s in sizes]})
        for j, (ax, m) in enumerate(zip(axes[:, 0], measures, strict=True)):
            sel = (df["measure"].astype(str) == m).to_numpy()
            d = df[sel].reset_index(drop=True)
            e, a, b, dd, ff = est[sel], lo[sel], hi[sel], did[sel], few[sel]
            y = np.arange(len(d))
            ok = ~ff
            mid = float(d["mid"].iloc[0]) if np.isfinite(d["mid"].iloc[0]) else np.nan
            ax.axvline(0, color=_C["muted"], lw=0.9, zorder=1)
            if np.isfinite(mid):
                ax.axvline(mid, color=_C["orange"], lw=1.3, ls=(0, (3, 2)), zorder=1)
            ax.errorbar(e[ok], y[ok], xerr=[e[ok] - a[ok], b[ok] - e[ok]], fmt="none",
                        ecolor=_C["ink"], elinewidth=1.3, capsize=2.5, capthick=1.0, zorder=2)
            ax.plot(e[ok & dd], y[ok & dd], "o", ms=6.2, mfc=_C["blue"], mec=_C["blue"],
                    zorder=3)
            ax.plot(e[ok & ~dd], y[ok & ~dd], "o", ms=6.2, mfc="white", mec=_C["blue"],
                    mew=1.5, zorder=3)
            values = np.concatenate([a[ok], b[ok], [0.0], [mid] if np.isfinite(mid) else []])
            x0, x1 = float(np.min(values)), float(np.max(values))
            if x1 - x0 <= 0:
                x0, x1 = -1.0, 1.0
            pad = 0.08 * (x1 - x0)
            ax.set_xlim(x0 - pad, x1 + pad)
            for i in range(len(d)):
                if ff[i]:
                    # on a white ground, so the zero line does not run through the words
                    _label(ax, _tr(lang, "for få deltakere til å si noe sikkert",
                                   "too few participants to tell"),
                           (x0 - pad, i), dx=4, color=_C["muted"], style="italic",
                           bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
                           zorder=5)
                    est_text = fmt.MISSING
                else:
                    est_text = f"{_signed(e[i], 1, lang)} ({fmt.interval(a[i], b[i], 1, language=lang)})"
                n_text = fmt.count(d["n_pilot"].iloc[i], k, language=lang)
                if dd[i]:
                    n_text += " + " + fmt.count(d["n_comparison"].iloc[i], k, language=lang)
                _label(ax, est_text, (1, i), coords=("axes fraction", "data"), dx=12)
                _label(ax, n_text, (1, i), coords=("axes fraction", "data"), dx=148, ha="right")
            if j == 0:  # column heads once, on the first panel's title line
                _label(ax, _tr(lang, "Forbedring (95 % KI)", "Improvement (95% CI)"), (1, 1),
                       coords="axes fraction", dx=12, dy=7, va="bottom", color=_C["muted"])
                _label(ax, _tr(lang, "Antall målt", "Measured"), (1, 1),
                       coords="axes fraction", dx=148, dy=7, ha="right", va="bottom",
                       color=_C["muted"])
            u = units[m]
            note = None
            if np.isfinite(mid):
                note = _tr(lang, "minste betydningsfulle endring: {v}",
                           "minimal important difference: {v}").format(
                    v=fmt.number(mid, _decimals_needed(np.array([mid])), language=lang)
                    + (f" {u}" if u else ""))
            _facet_title(ax, labels[m] + (f" ({u})" if u else ""), note)
            hib = d["higher_is_better"].iloc[0] if "higher_is_better" in d else True
            hib = True if pd.isna(hib) else bool(hib)
            ax.set_xlabel(_tr(lang, "Forbedring", "Improvement") + (f", {u}" if u else "") + (
                _tr(lang, " (positiv = bedre)", " (positive = better)") if hib else
                _tr(lang, " (positiv = nedgang = bedre)", " (positive = decrease = better)")))
            ax.set_yticks(y, [_wrap(_name(names, p), 26) for p in d["pilot_id"]])
            ax.set_ylim(len(d) - 0.5, -0.6)
            _value_axis(ax.xaxis, "signed", lang, nbins=6)
            _clean(ax, grid="x")
        handles = [
            _line(_C["blue"], _tr(lang, "Med sammenligningsgruppe", "With comparison group"),
                  marker="o", ms=6.2, linestyle="none"),
            _line(_C["blue"], _tr(lang, "Før–etter-sammenligning", "Before–after comparison"),
                  marker="o", ms=6.2, mfc="white", mew=1.5, linestyle="none"),
            _line(_C["ink"], _tr(lang, "95 % konfidensintervall", "95% confidence interval"),
                  lw=1.3),
            _line(_C["orange"], _tr(lang, "Minste betydningsfulle endring",
                                    "Minimal important difference"), lw=1.3, ls=(0, (3, 2))),
        ]
        return fig, handles

    svg = _draw(build, title=title, alt=alt)
    note = _tr(lang, "Med sammenligningsgruppe er effekten anslått som forskjell-i-forskjeller "
                     "(endringen i piloten minus endringen i sammenligningsgruppen); ellers er "
                     "den endringen fra før til etter, som også kan skyldes annet enn piloten. "
                     "Antall målt: deltakere (+ sammenligningsgruppe) målt både før og etter. "
                     "Rader med færre enn {k} målt er ikke tegnet.",
               "With a comparison group the effect is a difference-in-differences (change in "
               "the pilot minus change in the comparison group); otherwise it is the "
               "before–after change, which may have other causes than the pilot. Measured: "
               "participants (+ comparison group) measured before and after. Rows with fewer "
               "than {k} measured are not drawn.").format(k=k)
    return Figure(svg=svg, title=title, alt=alt, caption=_caption(note, source=source,
                                                                  language=lang))


def its_chart(its: Any, *, label: str | None = None, pilot_name: str | None = None,
              per: int = 1000, min_cell_size: int, language: Language = "nb",
              source: str | None = None) -> Figure:
    """Interrupted time series: observed monthly rate, model fit and the counterfactual.

    The grey dots are the observed values per month; the blue line the model (trend and
    season, with the level change when the pilot started); the dashed orange line what the
    model expects without the pilot, drawn from the pilot's start. The shaded part is the
    period with the pilot.

    Parameters
    ----------
    its : ITSResult or pandas.DataFrame
        The result of :func:`pilot_eval.metrics.outcomes.its_fit`, or its ``predictions``
        (index month; ``observed``, ``fitted``, ``counterfactual``, ``post`` and, with a
        population, ``observed_rate``, ``fitted_rate``, ``counterfactual_rate``).
    label : str, optional
        What the series counts ("Bekymringsmeldinger til barnevernet"); the series key
        is not in the fit, so pass it.
    pilot_name : str, optional
        The pilot whose start is the interruption.
    per : int, default 1000
        Rates are drawn per this many people of the population (when there is one).
    min_cell_size : int
        Months with an observed count ``0 < n < min_cell_size`` are not drawn.
    language : {"nb", "en"}, default "nb"
    source : str, optional

    Returns
    -------
    Figure
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    pred = getattr(its, "predictions", its)
    pred = _require(pred, ["observed", "fitted", "counterfactual", "post"],
                    "pilot_eval.metrics.its_fit(ds, series) (or its .predictions)")
    if "month" in pred.columns:
        pred = pred.set_index("month")
    x = pd.to_datetime(pred.index)
    rate = all(c in pred for c in ("observed_rate", "fitted_rate", "counterfactual_rate"))
    factor = float(per) if rate else 1.0
    suffix = "_rate" if rate else ""
    counts = pred["observed"].to_numpy(float)
    small = (counts > 0) & (counts < k)
    obs = np.where(small, np.nan, pred["observed" + suffix].to_numpy(float) * factor)
    fit = pred["fitted" + suffix].to_numpy(float) * factor
    cf = pred["counterfactual" + suffix].to_numpy(float) * factor
    post = pred["post"].to_numpy(float) > 0
    label = label or _tr(lang, "Indikatoren", "The indicator")
    if not post.any() or post.all() or not np.isfinite(fit).any():
        return _placeholder(
            _tr(lang, "{l} per måned", "{l} per month").format(l=label),
            _tr(lang, "Ingen måneder før eller etter at piloten startet: avbrutt tidsserie kan "
                      "ikke beregnes ennå.",
                "No months before or after the pilot started: the interrupted time series "
                "cannot be computed yet."), kind=_LINE, language=lang, source=source)
    start = x[np.argmax(post)]
    unit = (_tr(lang, "per {p} innbyggere", "per {p} population").format(
        p=fmt.number(per, 0, language=lang)) if rate else _tr(lang, "antall", "number"))
    who = pilot_name or _tr(lang, "piloten", "the pilot")
    title = _tr(lang, "{l} per måned, før og etter at {w} startet",
                "{l} per month, before and after {w} started").format(l=label, w=who)
    rr = getattr(its, "level_rr", None)
    rr_ci = getattr(its, "level_rr_ci", None)
    if rr is None or not np.isfinite(rr):
        rr = float(np.nanmean(fit[post]) / np.nanmean(cf[post]))
        rr_ci = None
    change = rr - 1.0
    direction = (_tr(lang, "lavere", "lower") if change < 0 else _tr(lang, "høyere", "higher"))
    ci_text = (_tr(lang, "; rateforhold {r}, 95 % KI {ci}", "; rate ratio {r}, 95% CI {ci}"
                   ).format(r=fmt.number(rr, 2, language=lang),
                            ci=fmt.interval(rr_ci[0], rr_ci[1], 2, language=lang))
               if rr_ci is not None else "")
    alt = (_tr(lang, "Linjediagram: {l} {u} per måned fra {a} til {b}. Etter at {w} startet i "
                     "{s}, var nivået {p} {d} enn forventet ut fra trend og sesong{ci}.",
               "Line chart: {l} {u} per month from {a} to {b}. After {w} started in {s}, the "
               "level was {p} {d} than expected from trend and season{ci}.")
           .format(l=label.lower() if lang == "nb" else label, u=unit,
                   a=fmt.month(x.min(), language=lang), b=fmt.month(x.max(), language=lang),
                   w=who, s=fmt.month(start, language=lang),
                   p=fmt.percent(abs(change), language=lang), d=direction, ci=ci_text))

    def build() -> tuple[_MplFigure, list[Any]]:
        fig, axes = _new(66)
        ax = axes[0, 0]
        end = x.max() + pd.Timedelta(days=20)
        ax.axvspan(start - pd.Timedelta(days=15), end, color=_C["shade"], zorder=0, lw=0)
        ax.plot(x, obs, color="#8d99a6", lw=0.7, marker="o", ms=2.4, zorder=2)
        ax.plot(x[~post], fit[~post], color=_C["blue"], lw=1.9, zorder=3)
        ax.plot(x[post], fit[post], color=_C["blue"], lw=1.9, zorder=3)
        ax.plot(x[post], cf[post], color=_C["orange"], lw=1.6, ls=(0, (4, 2)), zorder=3)
        ax.axvline(start - pd.Timedelta(days=15), color=_C["ink"], lw=0.8, zorder=2)
        # the label goes on the side of the start line with room: to its right it ran past
        # the plot, and the layout then shrank the whole chart to make room for it
        t0, t1 = mdates.date2num(x.min() - pd.Timedelta(days=20)), mdates.date2num(end)
        at = (mdates.date2num(start - pd.Timedelta(days=15)) - t0) / max(t1 - t0, 1.0)
        _label(ax, _tr(lang, "{w} starter\n{s}", "{w} starts\n{s}").format(
            w=_first_upper(who), s=fmt.month(start, language=lang)),
            (start - pd.Timedelta(days=15), 1), coords=("data", "axes fraction"),
            dx=-4 if at > 0.5 else 4, dy=-2, ha="right" if at > 0.5 else "left", va="top",
            color=_C["ink"], size=_TEXT_PT,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0, "alpha": 0.85})
        top = float(np.nanmax(np.concatenate([obs, fit, cf])))
        ax.set_ylim(0, top * 1.15 if top > 0 else 1)
        ax.set_xlim(x.min() - pd.Timedelta(days=20), end)
        _value_axis(ax.yaxis, "number", lang, nbins=5)
        _month_axis(ax.xaxis, lang, years_only=True)
        ax.set_ylabel(_first_upper(unit) + _tr(lang, " per måned", " per month")
                      if not rate else _first_upper(unit))
        _clean(ax, grid="y", bottom=True)
        handles = [
            _line("#8d99a6", _tr(lang, "Observert", "Observed"), lw=0.7, marker="o", ms=2.4),
            _line(_C["blue"], _tr(lang, "Modell: trend, sesong og nivåendring",
                                  "Model: trend, season and level change"), lw=1.9),
            _line(_C["orange"], _tr(lang, "Forventet uten piloten", "Expected without the pilot"),
                  lw=1.6, ls=(0, (4, 2))),
            _patch(_C["shade"], _tr(lang, "Perioden med piloten", "Period with the pilot")),
        ]
        return fig, handles

    svg = _draw(build, title=title, alt=alt)
    note = _tr(lang, "Den stiplede linjen viser hva vi ville ventet uten piloten, ut fra "
                     "trenden og årstidsmønsteret før den startet. Avstanden mellom modellen og "
                     "den stiplede linjen er anslått effekt; den kan også skyldes andre "
                     "endringer som skjedde samtidig. Metode: avbrutt tidsserie "
                     "(kvasi-Poisson-regresjon).",
               "The dashed line shows what we would expect without the pilot, from the trend "
               "and seasonal pattern before it started. The gap between the model and the "
               "dashed line is the estimated effect; other changes at the same time may also "
               "explain it. Method: interrupted time series (quasi-Poisson regression).")
    return Figure(svg=svg, title=title, alt=alt, caption=_caption(
        note, _privacy_note(k, lang) if small.any() else None, source=source, language=lang))


# =========================================================================== value for money


_VALUE_WHY = {
    "outcome_not_estimated": ("resultatet kan ikke anslås", "the outcome cannot be estimated"),
    "no_success_threshold": ("mangler terskel for suksess", "no success threshold"),
    "no_cost": ("ingen kostnad registrert", "no cost recorded"),
}


def value_vs_cost(value: pd.DataFrame, names: Mapping[str, str] | None = None, *,
                  min_cell_size: int, language: Language = "nb",
                  source: str | None = None, note: str | None = None) -> Figure:
    """Social value (present value) against cost, with observed and projected value apart.

    Per pilot (or per pilot and measure) a grey bar is the cost used in the ratio and a
    blue bar the social value: solid for the part *observed* in the pilot period, hatched
    and lighter for the part *projected* from assumptions. The label says both parts, and
    the benefit–cost ratio stands on the right.

    Given :func:`~pilot_eval.metrics.value.value_for_money` rows (one measure per row,
    labelled "pilot – measure"), the bars and ratios are exactly those of the value table
    (:func:`pilot_eval.present.tables.value_table`); a report that draws one measure per
    pilot passes just those rows and says which in ``note``.

    Parameters
    ----------
    value : pandas.DataFrame
        Output of :func:`pilot_eval.metrics.value.value_for_money_by_pilot` (index
        ``pilot_id``) or :func:`pilot_eval.metrics.value.value_for_money` (index
        ``(pilot_id, measure)``): ``observed_value_nok``, ``projected_value_nok``,
        ``social_value_pv_nok``, ``cost_for_ratio_nok``, ``benefit_cost_ratio``, ``note``.
    names : mapping of pilot_id to name, optional
    min_cell_size : int
        With the per-measure table, a value resting on fewer than ``min_cell_size`` people
        measured (``n_measured``) is not drawn.
    language : {"nb", "en"}, default "nb"
    source : str, optional
    note : str, optional
        A sentence added to the caption before the source (for example which measure
        each bar shows).

    Returns
    -------
    Figure
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    df = _flat(_require(value, ["pilot_id", "observed_value_nok", "projected_value_nok",
                                "social_value_pv_nok", "cost_for_ratio_nok",
                                "benefit_cost_ratio"],
                        "pilot_eval.metrics.value_for_money_by_pilot(ds) or value_for_money(ds)"))
    per_measure = "measure" in df.columns
    n = len(df)
    if n == 0:
        return _placeholder(
            _tr(lang, "Samfunnsnytte (nåverdi) mot kostnad, observert og framskrevet",
                "Social value (present value) against cost, observed and projected"),
            _tr(lang, "Ingen verdsatte resultater ennå.", "No valued outcomes yet."),
            kind=_BAR, language=lang, source=source)
    obs = df["observed_value_nok"].to_numpy(float)
    proj = df["projected_value_nok"].to_numpy(float)
    total = df["social_value_pv_nok"].to_numpy(float)
    cost = df["cost_for_ratio_nok"].to_numpy(float)
    ratio = df["benefit_cost_ratio"].to_numpy(float)
    few = (df["n_measured"].to_numpy(float) < k) if "n_measured" in df else np.zeros(n, bool)
    shown = np.isfinite(total) & ~few
    notes = df["note"].astype("string").fillna("") if "note" in df else pd.Series([""] * n)
    rows = []
    for _, r in df.iterrows():
        nm = _name(names, r["pilot_id"])
        rows.append(f"{nm} – {_measure_label(r, lang).lower()}" if per_measure else nm)
    title = _tr(lang, "Samfunnsnytte (nåverdi) mot kostnad, observert og framskrevet",
                "Social value (present value) against cost, observed and projected")
    parts = []
    for i in range(n):
        if not shown[i]:
            nobody = few[i] and float(df["n_measured"].iloc[i]) == 0  # early: say it plainly
            why = (_tr(lang, "ingen målt før og etter ennå", "nobody measured twice yet")
                   if nobody else _tr(lang, "for få målt", "too few measured") if few[i] else
                   next((_VALUE_WHY[w][0 if lang == "nb" else 1] for w in
                         str(notes.iloc[i]).split(";") if w in _VALUE_WHY),
                        _tr(lang, "ikke verdsatt", "not valued")))
            parts.append(f"{rows[i]}: {why}")
            continue
        parts.append(_tr(lang, "{r}: nytte {t} ({o} observert og {p} framskrevet) mot kostnad "
                               "{c}, nytte–kostnadsforhold {q}",
                         "{r}: value {t} ({o} observed and {p} projected) against cost {c}, "
                         "benefit–cost ratio {q}").format(
            r=rows[i], t=_money(total[i], lang), o=_money(obs[i], lang),
            p=_money(proj[i], lang), c=_money(cost[i], lang),
            q=fmt.number(ratio[i], 2, language=lang)))
    alt = _tr(lang, "Stolpediagram: ", "Bar chart: ") + "; ".join(parts) + "."
    value_text = [_money(total[i], lang) if shown[i] else "" for i in range(n)]
    obs_share = np.where(shown & (total != 0), obs / np.where(total != 0, total, 1.0), np.nan)

    def build() -> tuple[_MplFigure, list[Any]]:
        fig, axes = _new(6 + 15 * max(n, 1))
        ax = axes[0, 0]
        h = 0.34
        y_c, y_v = np.arange(n) - 0.19, np.arange(n) + 0.19
        ax.barh(y_c, np.nan_to_num(cost), height=h, color="#7b8794", zorder=2)
        o = np.where(shown, np.nan_to_num(obs), 0.0)
        p = np.where(shown, np.nan_to_num(proj), 0.0)
        ax.barh(y_v, o, height=h, color=_C["blue"], zorder=2)
        ax.barh(y_v, p, left=o, height=h, color=_C["light_blue"], edgecolor=_C["blue"],
                hatch=_HATCH, hatchcolor=_C["blue"], linewidth=0.6, zorder=2)
        values = np.concatenate([np.nan_to_num(cost), o, o + p, [0.0]])
        x0, x1 = float(min(values.min(), 0)), float(values.max())
        ylabels = [_wrap(r, 26) for r in rows]
        width = _axes_width_pt(ylabels, right_pt=140)
        x1 = max(_room_right(np.maximum(o + p, o), value_text, axes_width_pt=width, dx_pt=4,
                             x0=x0),
                 _room_right(np.nan_to_num(cost), [_money(c, lang) for c in cost],
                             axes_width_pt=width, dx_pt=4, x0=x0), x1)
        for i in range(n):
            _label(ax, _money(cost[i], lang), (max(cost[i], 0) if np.isfinite(cost[i]) else 0,
                                                y_c[i]), dx=4, size=_TEXT_PT)
            if shown[i]:
                end = max(o[i] + p[i], o[i], 0.0)
                _label(ax, value_text[i], (end, y_v[i]), dx=4, size=_TEXT_PT)
                q = fmt.number(ratio[i], 2, language=lang)
                share = fmt.percent(obs_share[i], language=lang)
            else:
                why = parts[i].split(": ", 1)[1]
                _label(ax, _first_upper(why), (0, y_v[i]), dx=4, size=_TEXT_PT, color=_C["muted"],
                       style="italic")
                q = share = fmt.MISSING
            _label(ax, share, (1, i), coords=("axes fraction", "data"), dx=70, ha="right")
            _label(ax, q, (1, i), coords=("axes fraction", "data"), dx=138, ha="right",
                   weight="semibold")
        _label(ax, _tr(lang, "Andel av nytten\nsom er observert", "Share of value\nobserved"),
               (1, -0.5), coords=("axes fraction", "data"), dx=70, ha="right", va="bottom",
               color=_C["muted"])
        _label(ax, _tr(lang, "Nytte–kostnads-\nforhold", "Benefit–cost\nratio"), (1, -0.5),
               coords=("axes fraction", "data"), dx=138, ha="right", va="bottom",
               color=_C["muted"])
        ax.set_yticks(np.arange(n), ylabels)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(x0 * 1.05, x1 if x1 > 0 else 1)
        _value_axis(ax.xaxis, "money", lang, nbins=4)
        _clean(ax, grid="x")
        ax.axvline(0, color=_C["rule"], lw=0.8, zorder=4)
        handles = [
            _patch("#7b8794", _tr(lang, "Kostnad (med skattefinansieringskostnad)",
                                  "Cost (with tax-financing cost)")),
            _patch(_C["blue"], _tr(lang, "Nytte, observert", "Value, observed")),
            _patch(_C["light_blue"], _tr(lang, "Nytte, framskrevet", "Value, projected"),
                   edgecolor=_C["blue"], hatch=_HATCH, hatchcolor=_C["blue"], linewidth=0.6),
        ]
        return fig, handles

    svg = _draw(build, title=title, alt=alt)
    text = [_tr(lang, "Samfunnsnytte er nåverdien av verdsatte resultater for deltakere målt "
                      "både før og etter. Observert: verdien i pilotperioden fram til "
                      "statusdatoen. Framskrevet: beregnet ut fra forutsetninger om varighet og "
                      "avtagende effekt, ikke målt. Kostnaden er samlet ressursbruk pluss "
                      "skattefinansieringskostnad på offentlige midler.",
                "Social value is the present value of valued outcomes for participants measured "
                "before and after. Observed: the value within the pilot period up to the status "
                "date. Projected: computed from assumptions on duration and drop-off, not "
                "measured. Cost is the total cost plus the tax-financing cost of public money.")]
    if notes.str.contains("may_double_count").any():
        text.append(_tr(lang, "Der flere resultatmål er lagt sammen, kan samme gevinst telle "
                              "to ganger.",
                        "Where several measures are added, the same gain may count twice."))
    return Figure(svg=svg, title=title, alt=alt,
                  caption=_caption(*text, note, source=source, language=lang))


_ASSUMPTIONS = {
    "value_nok": ("Verdsetting per person og år", "Value per person per year"),
    "deadweight": ("Dødvekt", "Deadweight"),
    "attribution": ("Tilskriving", "Attribution"),
    "displacement": ("Fortrengning", "Displacement"),
    "drop_off": ("Avtagende effekt per år", "Drop-off per year"),
    "duration_years": ("Varighet", "Duration"),
    "discount_rate": ("Kalkulasjonsrente", "Discount rate"),
}


def _assumption_value(name: str, x: float, language: str) -> str:
    if name == "value_nok":
        return fmt.nok(x, language=language)
    if name == "duration_years":
        return f"{fmt.number(x, 0, language=language)} " + _tr(
            language, "år", "year" if round(x) == 1 else "years")
    return fmt.percent(x, 0 if abs(x * 100 - round(x * 100)) < 1e-9 else 1, language=language)


def tornado(sensitivity: pd.DataFrame, pilot_id: str, measure: str, *,
            names: Mapping[str, str] | None = None, measure_label: str | None = None,
            language: Language = "nb", source: str | None = None) -> Figure:
    """Sensitivity of the benefit–cost ratio to each assumption, one at a time (tornado).

    Each row moves one assumption to its low (light blue) and high (dark blue) value with
    the others at base; the bars run from the base ratio to the ratio obtained. Rows are
    sorted by how much they move the ratio. A line marks the base ratio and, where it is in
    range, a dashed red line the ratio 1 (value = cost).

    Parameters
    ----------
    sensitivity : pandas.DataFrame
        Output of :func:`pilot_eval.metrics.value.sensitivity` (``pilot_id``, ``measure``,
        ``assumption``, ``base_value``, ``low_value``, ``high_value``, ``ratio_base``,
        ``ratio_low``, ``ratio_high``, ``applied``).
    pilot_id, measure : str
        The pilot and valued measure to draw.
    names : mapping of pilot_id to name, optional
    measure_label : str, optional
        The measure's name to print (the sensitivity table has only its key).
    language : {"nb", "en"}, default "nb"
    source : str, optional

    Returns
    -------
    Figure
    """
    lang = _lang(language)
    df = _flat(_require(sensitivity, ["pilot_id", "measure", "assumption", "base_value",
                                      "low_value", "high_value", "ratio_base", "ratio_low",
                                      "ratio_high"], "pilot_eval.metrics.sensitivity(ds)"))
    d = df[(df["pilot_id"] == str(pilot_id)) & (df["measure"].astype(str) == str(measure))]
    who = _name(names, pilot_id)
    mlabel = measure_label or str(measure)
    title = _tr(lang, "Følsomhetsanalyse: nytte–kostnadsforhold for {p}, {m}",
                "Sensitivity analysis: benefit–cost ratio for {p}, {m}").format(
        p=who, m=mlabel.lower() if lang == "nb" else _mid_sentence(mlabel))
    if df.empty or (not d.empty and not np.isfinite(d["ratio_base"].to_numpy(float)).any()):
        return _placeholder(title, _tr(lang, "Nytte–kostnadsforholdet kan ikke beregnes ennå.",
                                       "The benefit–cost ratio cannot be computed yet."),
                            kind=("Tornadodiagram", "Tornado chart"), language=lang,
                            source=source)
    if d.empty:
        pairs = sorted(set(zip(df["pilot_id"], df["measure"].astype(str), strict=False)))
        raise UsageError(f"no sensitivity rows for pilot_id={pilot_id!r}, measure={measure!r}; "
                         f"the table has: {', '.join(f'{p}/{m}' for p, m in pairs) or '(none)'}.")
    d = d.reset_index(drop=True)
    applied = (d["applied"].astype("boolean").fillna(True).to_numpy(bool) if "applied" in d
               else np.ones(len(d), bool))
    base = float(d["ratio_base"].iloc[0])
    r_lo, r_hi = d["ratio_low"].to_numpy(float), d["ratio_high"].to_numpy(float)
    # small ratios need a third decimal, or low and high print alike ("0,02 / 0,02")
    dec = 2 if abs(base) >= 0.1 else 3
    spread = np.where(applied, np.abs(np.nan_to_num(r_hi - r_lo)), -1.0)
    order = np.argsort(-spread, kind="stable")
    d, r_lo, r_hi, applied = d.iloc[order].reset_index(drop=True), r_lo[order], r_hi[order], \
        applied[order]
    nice = {a: v[0 if lang == "nb" else 1] for a, v in _ASSUMPTIONS.items()}
    top2 = [f"{nice.get(a, a).lower()} ({fmt.number(min(lo_, hi_), dec, language=lang)} "
            f"{_tr(lang, 'til', 'to')} {fmt.number(max(lo_, hi_), dec, language=lang)})"
            for a, lo_, hi_, ap in zip(d["assumption"], r_lo, r_hi, applied, strict=True) if ap][:2]
    allr = np.concatenate([[base], r_lo[applied], r_hi[applied]])
    allr = allr[np.isfinite(allr)]
    if allr.size and (allr < 1).all():
        verdict = _tr(lang, "Forholdet er under 1 i alle beregningene.",
                      "The ratio is below 1 in every calculation.")
    elif allr.size and (allr > 1).all():
        verdict = _tr(lang, "Forholdet er over 1 i alle beregningene.",
                      "The ratio is above 1 in every calculation.")
    else:
        verdict = _tr(lang, "Noen forutsetninger flytter forholdet over eller under 1.",
                      "Some assumptions move the ratio across 1.")
    alt = (_tr(lang, "Tornadodiagram: nytte–kostnadsforholdet for {p} ({m}) er {b} i "
                     "grunnanslaget. Størst utslag gir {t}. {v}",
               "Tornado chart: the benefit–cost ratio for {p} ({m}) is {b} in the base case. "
               "The largest swings come from {t}. {v}")
           .format(p=who, m=mlabel.lower() if lang == "nb" else mlabel,
                   b=fmt.number(base, dec, language=lang), t=_join(top2, lang), v=verdict))

    def build() -> tuple[_MplFigure, list[Any]]:
        n = len(d)
        fig, axes = _new(10 + 10.5 * n)
        ax = axes[0, 0]
        y = np.arange(n)
        vals = np.concatenate([[base, 0.0], r_lo[applied & np.isfinite(r_lo)],
                               r_hi[applied & np.isfinite(r_hi)]])
        x0, x1 = float(vals.min()), float(vals.max())
        show_one = x1 >= 0.4 or x0 > 1
        if show_one:
            x0, x1 = min(x0, 1.0), max(x1, 1.0)
        pad = 0.14 * (x1 - x0 if x1 > x0 else 1.0)
        for i in range(n):
            if not applied[i]:
                _label(ax, _tr(lang, "brukes ikke: sammenligningsgruppen måler dette",
                               "not used: the comparison group measures this"),
                       (0, i), coords=("axes fraction", "data"), dx=4, color=_C["muted"],
                       style="italic", size=_TEXT_PT, zorder=5,
                       bbox={"boxstyle": "square,pad=0.2", "fc": "white", "ec": "none"})
                continue
            for r, colour in sorted(((r_lo[i], _C["sky"]), (r_hi[i], _C["blue"])),
                                    key=lambda t: -abs(t[0] - base)):
                if not np.isfinite(r) or abs(r - base) < 1e-12:
                    continue
                ax.barh(i, r - base, left=base, height=0.56, color=colour, zorder=2)
            for r in (r_lo[i], r_hi[i]):
                if np.isfinite(r) and abs(r - base) >= 1e-12:
                    right = r > base
                    _label(ax, fmt.number(r, dec, language=lang), (r, i), dx=3 if right else -3,
                           ha="left" if right else "right", size=_TEXT_PT)
            if np.isfinite(r_lo[i]) and np.isfinite(r_hi[i]) and \
                    abs(r_lo[i] - base) < 1e-12 and abs(r_hi[i] - base) < 1e-12:
                _label(ax, _tr(lang, "ingen endring", "no change"), (base, i), dx=6,
                       color=_C["muted"], size=_TEXT_PT)
        ax.axvline(base, color=_C["ink"], lw=1.0, zorder=3)
        _label(ax, _tr(lang, "Grunnanslag {b}", "Base case {b}").format(
            b=fmt.number(base, dec, language=lang)), (base, 1), coords=("data", "axes fraction"),
            dx=0, dy=4, ha="center", va="bottom", size=_TEXT_PT, weight="semibold")
        if show_one:
            ax.axvline(1.0, color=_C["vermillion"], lw=1.2, ls=(0, (4, 2)), zorder=3)
            _label(ax, _tr(lang, "Nytte = kostnad", "Value = cost"), (1.0, 1),
                   coords=("data", "axes fraction"), dx=0, dy=4, ha="center", va="bottom",
                   size=_TEXT_PT, color=_C["vermillion"])
        else:
            _label(ax, _tr(lang, "Nytte = kostnad ved 1,0 (utenfor figuren)",
                           "Value = cost at 1.0 (off the scale)"),
                   (1, 1), coords="axes fraction", dx=0, dy=16, ha="right", va="bottom",
                   size=_TEXT_PT, color=_C["vermillion"])
        ax.set_xlim(x0 - pad, x1 + pad)
        labels = []
        for _, r in d.iterrows():
            a = str(r["assumption"])
            labels.append(f"{nice.get(a, a)} ({_assumption_value(a, r['base_value'], lang)})\n"
                          f"{_assumption_value(a, r['low_value'], lang)} / "
                          f"{_assumption_value(a, r['high_value'], lang)}")
        ax.set_yticks(y, labels)
        for lbl in ax.get_yticklabels():
            lbl.set_linespacing(1.3)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlabel(_tr(lang, "Nytte–kostnadsforhold (nytte / kostnad)",
                          "Benefit–cost ratio (value / cost)"))
        _value_axis(ax.xaxis, "number", lang, nbins=6)
        _clean(ax, grid="x")
        handles = [_patch(_C["sky"], _tr(lang, "Lav verdi av forutsetningen",
                                         "Low value of the assumption")),
                   _patch(_C["blue"], _tr(lang, "Høy verdi av forutsetningen",
                                          "High value of the assumption"))]
        return fig, handles

    svg = _draw(build, title=title, alt=alt)
    note = _tr(lang, "Én forutsetning endres om gangen, de andre står på grunnanslaget. Under "
                     "hvert navn: grunnverdi i parentes, lav / høy verdi under.",
               "One assumption is changed at a time, the others stay at base. Base value in "
               "brackets, low / high value below each name.")
    return Figure(svg=svg, title=title, alt=alt, caption=_caption(note, source=source,
                                                                  language=lang))


# =========================================================================== pilot report


def _sessions_by_month(sessions: pd.DataFrame, pilot_id: str) -> pd.DataFrame:
    """Hours, sessions and people attending per month of one pilot.

    Takes the sessions table (``pilot_id, participant_id, date, hours``) and aggregates it
    at once, so no person's rows go further; or an already monthly table (``month``,
    ``hours`` and optionally ``sessions``, ``attendees``).
    """
    s = sessions[sessions["pilot_id"].astype(str) == str(pilot_id)]
    if {"participant_id", "date", "hours"} <= set(s.columns):
        month = pd.to_datetime(s["date"]).dt.to_period("M").dt.to_timestamp()
        g = s.groupby(month)
        return pd.DataFrame({"hours": g["hours"].sum(), "sessions": g.size(),
                             "attendees": g["participant_id"].nunique()}).rename_axis("month")
    _require(s, ["month", "hours"], "the sessions table (ds.sessions) or a monthly table")
    out = s.assign(month=pd.to_datetime(s["month"])).set_index("month")
    return out[[c for c in ("hours", "sessions", "attendees") if c in out]]


def monthly_activity(enrolment_by_month: pd.DataFrame, pilot_id: str, *,
                     sessions: pd.DataFrame | None = None,
                     names: Mapping[str, str] | None = None, min_cell_size: int,
                     language: Language = "nb", source: str | None = None) -> Figure:
    """Activity of one pilot per month: hours of attendance, new and active participants.

    Two panels on one time axis (the whole pilot period, months after the status date left
    empty): hours attended per month (when ``sessions`` is given), and new participants
    (bars) with active participants (line).

    Parameters
    ----------
    enrolment_by_month : pandas.DataFrame
        Output of :func:`pilot_eval.metrics.reach.enrolment_by_month` (``pilot_id``,
        ``month``, ``observed``, ``new_enrolled``, ``active``).
    pilot_id : str
    sessions : pandas.DataFrame, optional
        The sessions table ``ds.sessions`` (``pilot_id, participant_id, date, hours``),
        aggregated here to months (hours, sessions and distinct people attending), or a
        monthly table with ``pilot_id, month, hours`` and optionally ``attendees``. The
        metrics package has no monthly attendance table yet.
    names : mapping of pilot_id to name, optional
    min_cell_size : int
        Months with ``0 < people < min_cell_size`` (new, active, or attending) are not
        drawn; hours of a month with fewer people attending are not drawn either.
    language : {"nb", "en"}, default "nb"
    source : str, optional

    Returns
    -------
    Figure
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    e = _flat(_require(enrolment_by_month, ["pilot_id", "month", "observed", "new_enrolled",
                                            "active"],
                       "pilot_eval.metrics.enrolment_by_month(ds)"))
    _pilots_of(e, pilot_id)
    e = e[e["pilot_id"] == str(pilot_id)].copy()
    e["month"] = pd.to_datetime(e["month"])
    hidden = False
    new_small = ((e["new_enrolled"] > 0) & (e["new_enrolled"] < k)).to_numpy()
    for col in ("new_enrolled", "active"):
        small = (e[col] > 0) & (e[col] < k)
        hidden |= bool(small.any())
        e[col] = e[col].where(~small)
    as_of = pd.to_datetime(e.loc[e["observed"].astype(bool), "date"]).max() \
        if "date" in e else None
    act = None
    if sessions is not None:
        act = _sessions_by_month(sessions, str(pilot_id))
        act = act[act.index <= e.loc[e["observed"].astype(bool), "month"].max()]
        if "attendees" in act:
            small = (act["attendees"] > 0) & (act["attendees"] < k)
            hidden |= bool(small.any())
            act.loc[small, ["hours"] + [c for c in ("sessions", "attendees") if c in act]] = np.nan
    who = _name(names, pilot_id)
    title = _tr(lang, "{n}: aktivitet og deltakere per måned", "{n}: activity and participants "
                "per month").format(n=who)
    obs = e[e["observed"].astype(bool)]
    bits = []
    if act is not None and act["hours"].notna().any():
        peak = act["hours"].idxmax()
        bits.append(_tr(lang, "Deltakerne møtte i alt {t} timer fra {a} til {b}, flest i {p} "
                              "({h} timer)",
                        "Participants attended {t} hours in all from {a} to {b}, most in {p} "
                        "({h} hours)").format(
            t=fmt.number(act["hours"].sum(), 0, language=lang),
            a=fmt.month(act.index.min(), language=lang),
            b=fmt.month(act.index.max(), language=lang), p=fmt.month(peak, language=lang),
            h=fmt.number(act["hours"].max(), 0, language=lang)))
    if not obs.empty:
        last = obs.iloc[-1]
        bits.append(_tr(lang, "{a} aktive deltakere i {m}", "{a} active participants in {m}"
                        ).format(a=fmt.count(last["active"], k, language=lang),
                                 m=fmt.month(last["month"], language=lang)))
    if not bits or obs["active"].isna().all() and (act is None or act["hours"].isna().all()):
        bits = [_tr(lang, "Ingen aktivitet å vise ennå", "No activity to show yet")]
    # nothing at all to draw (a pilot not started): say so instead of empty axes
    anything = bool(new_small[e["observed"].astype(bool).to_numpy()].any()) \
        or bool(obs["active"].fillna(0).gt(0).any()) \
        or bool(obs["new_enrolled"].fillna(0).gt(0).any()) \
        or (act is not None and bool(act["hours"].fillna(0).gt(0).any()))
    if not anything:
        return _placeholder(title, _tr(lang, "Ingen aktivitet registrert ennå.",
                                       "No activity registered yet."),
                            kind=("Stolpe- og linjediagram", "Bar and line chart"),
                            language=lang, source=source)
    alt = (_tr(lang, "Stolpe- og linjediagram: ", "Bar and line chart: ")
           + ". ".join(bits) + ".")

    def build() -> tuple[_MplFigure, list[Any]]:
        two = act is not None
        fig, axes = _new(96 if two else 54, 2 if two else 1, 1, sharex=True)
        x0, x1 = e["month"].min() - pd.Timedelta(days=20), e["month"].max() + pd.Timedelta(
            days=20)
        width = 20.0
        handles: list[Any] = []
        if two:
            ax = axes[0, 0]
            ax.bar(act.index + pd.Timedelta(days=15), act["hours"].to_numpy(float), width=width,
                   color=_C["blue"], zorder=2)
            ax.set_title(_tr(lang, "Timer med oppmøte per måned", "Hours attended per month"))
            _value_axis(ax.yaxis, "number", lang, nbins=4, integer=True)
            _clean(ax, grid="y", bottom=True)
            ax.set_xlim(x0, x1)
            ax.set_ylim(bottom=0)  # counts start at 0: a cut axis exaggerates change
        ax = axes[-1, 0]
        mid = e["month"] + pd.Timedelta(days=15)
        ax.bar(mid, e["new_enrolled"].to_numpy(float), width=width, color=_C["sky"], zorder=2)
        ax.plot(mid, e["active"].to_numpy(float), color=_C["blue"], lw=1.9, zorder=3)
        for xm in mid[new_small]:
            _label(ax, f"<{k}", (xm, 0), dx=0, dy=2, ha="center", va="bottom",
                   color=_C["muted"])
        ax.set_title(_tr(lang, "Deltakere per måned", "Participants per month"))
        _value_axis(ax.yaxis, "number", lang, nbins=4, integer=True)
        # from 0, also when only a few months are drawn (and so the "<5" marks at 0 show)
        ax.set_ylim(bottom=0)
        span = (e["month"].max() - e["month"].min()).days / 30.4
        _month_axis(ax.xaxis, lang, span_months=span)
        if as_of is not None and pd.notna(as_of):
            for a in axes[:, 0]:
                a.axvline(as_of, color=_C["muted"], lw=0.8, ls=(0, (1, 2)), zorder=1)
            _label(axes[0, 0], _tr(lang, "status {d}", "status {d}").format(
                d=fmt.date(as_of, language=lang)), (as_of, 1),
                coords=("data", "axes fraction"), dx=4, dy=-2, va="top", color=_C["muted"])
        _clean(ax, grid="y", bottom=True)
        ax.set_xlim(x0, x1)
        handles += [_patch(_C["sky"], _tr(lang, "Nye deltakere", "New participants")),
                    _line(_C["blue"], _tr(lang, "Aktive deltakere", "Active participants"),
                          lw=1.9)]
        if two:
            handles.insert(0, _patch(_C["blue"], _tr(lang, "Timer med oppmøte",
                                                     "Hours attended")))
        return fig, handles

    svg = _draw(build, title=title, alt=alt)
    note = _privacy_note(k, lang) + _tr(lang, " Måneder med færre deltakere er ikke tegnet.",
                                        " Months with fewer participants are not drawn.")
    return Figure(svg=svg, title=title, alt=alt,
                  caption=_caption(note if hidden else None, source=source, language=lang))


_DOSAGE_BINS = (0.0, 5.0, 10.0, 20.0, 40.0, 80.0)


def _bin_labels(edges: Sequence[float], language: str, unit: str = "") -> list[str]:
    """Band names: "under 5", "5–10", "80 eller mer"; with ``unit`` "80 timer eller mer"."""
    def num(x: float) -> str:
        return fmt.number(x, _decimals_needed(np.array([x])), language=language)

    u = f" {unit}" if unit else ""
    labels = []
    for i, a in enumerate(edges):
        if i == len(edges) - 1:
            labels.append(_tr(language, "{a}{u} eller mer", "{a}{u} or more").format(
                a=num(a), u=u))
        elif i == 0 and a == 0:
            labels.append(_tr(language, "under {b}{u}", "under {b}{u}").format(
                b=num(edges[1]), u=u))
        else:
            labels.append(f"{num(a)}\u2013{num(edges[i + 1])}{u}")
    return labels


def dosage(sessions: pd.DataFrame, names: Mapping[str, str] | None = None,
           pilot_id: str | None = None, *, bins: Sequence[float] = _DOSAGE_BINS,
           min_cell_size: int, language: Language = "nb",
           source: str | None = None) -> Figure:
    """How many hours each participant attended, in bands: share of participants per band.

    Parameters
    ----------
    sessions : pandas.DataFrame
        The sessions table ``ds.sessions`` (``pilot_id, participant_id, hours``). It is
        summed per person and counted into bands at once; no person's value is drawn and
        ids go no further. (The metrics package has no per-person dosage table yet.)
    names : mapping of pilot_id to name, optional
    pilot_id : str, optional
        Draw one pilot only; otherwise one panel per pilot.
    bins : sequence of float, default (0, 5, 10, 20, 40, 80)
        Lower bounds of the bands in hours; the last band is open-ended.
    min_cell_size : int
        Bands with ``0 < people < min_cell_size`` are not drawn ("<5"); when one band of a
        pilot is hidden, the next smallest is hidden too ("skjult"). The mean is shown only
        for pilots with at least ``min_cell_size`` participants.
    language : {"nb", "en"}, default "nb"
    source : str, optional

    Returns
    -------
    Figure

    Notes
    -----
    Only participants with attendance registered are counted; people enrolled without any
    session are not in the sessions table.
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    _require(sessions, ["pilot_id", "participant_id", "hours"], "the sessions table (ds.sessions)")
    edges = np.asarray(bins, dtype=float)
    title = _tr(lang, "Timer med oppmøte per deltaker", "Hours attended per participant")
    if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0) or edges[0] < 0:
        raise UsageError(f"bins={tuple(bins)!r} must be increasing lower bounds ≥ 0, at least two.")
    per_person = sessions.groupby([sessions["pilot_id"].astype(str),
                                   sessions["participant_id"].astype(str)])["hours"].sum()
    band = np.searchsorted(edges, per_person.to_numpy(float), side="right") - 1
    pilots_col = per_person.index.get_level_values(0)
    table = pd.crosstab(pilots_col, np.where(band < 0, 0, band)).reindex(
        columns=range(len(edges)), fill_value=0)
    means = per_person.groupby(level=0).mean()
    size = per_person.groupby(level=0).size()
    del per_person, band  # nothing per person past this point
    ids = [str(p) for p in table.index]
    if not ids or (pilot_id is not None and str(pilot_id) not in ids):
        # a pilot that has not started has no sessions: say so rather than fail the report
        if pilot_id is not None:
            title = f"{_name(names, pilot_id)}: {title[:1].lower()}{title[1:]}"
        return _placeholder(title, _tr(lang, "Ingen oppmøte registrert ennå.",
                                       "No attendance registered yet."), kind=_BAR,
                            language=lang, source=source)
    if names is not None:  # the pilots table's order, not the sessions' sort order
        ids = [p for p in names if p in ids] + [p for p in ids if p not in names]
    if pilot_id is not None:
        ids = [str(pilot_id)]
    counts = table.loc[ids].stack()
    counts.index.names = ["pilot_id", "band"]
    hide = suppression_mask(counts, k, groups="pilot_id")
    labels = _bin_labels(edges, lang)
    spoken = _bin_labels(edges, lang, unit=_tr(lang, "timer", "hours"))
    if len(ids) == 1:
        title = f"{_name(names, ids[0])}: {title[:1].lower()}{title[1:]}"
    parts = []
    for pid in ids:
        c = counts.loc[pid]
        h = hide.loc[pid]
        n = int(size[pid])
        shown = c[~h.to_numpy()]
        if shown.empty or n < k:
            parts.append(_tr(lang, "{p}: for få", "{p}: too few").format(p=_name(names, pid)))
            continue
        top = shown.idxmax()
        parts.append(_tr(lang, "{p} ({n} deltakere, snitt {m} timer): flest har {b} ({s})",
                         "{p} ({n} participants, mean {m} hours): most have {b} ({s})").format(
            p=_name(names, pid), n=fmt.count(n, k, language=lang),
            m=fmt.number(means[pid], 0, language=lang), b=spoken[int(top)],
            s=fmt.percent(shown[top] / n, language=lang)))
    alt = _tr(lang, "Stolpediagram: ", "Bar chart: ") + "; ".join(parts) + "."

    def build() -> tuple[_MplFigure, None]:
        fig, axes = _small_multiples(ids, 50, 58, sharey=True)
        x = np.arange(len(edges))
        top = 0.0
        for ax, pid in zip(axes, ids, strict=True):
            c = counts.loc[pid].to_numpy(float)
            h = hide.loc[pid].to_numpy(bool)
            n = float(size[pid])
            share = np.where(h | (n < k), np.nan, c / n)
            top = max(top, float(np.nanmax(share, initial=0.0)))
            ax.bar(x, np.nan_to_num(share), width=0.7, color=_C["blue"], zorder=2)
            if not np.nanmax(share, initial=0.0) > 0:  # every band hidden: say why it is empty
                _empty_note(ax, _tr(lang, "For få deltakere i hvert intervall til å vise "
                                          "fordelingen", "Too few participants per band to "
                                          "show the distribution"))
            for i in range(len(x)):
                if h[i]:
                    _label(ax, _hidden_label(c[i], k, lang), (x[i], 0), dx=0, dy=3, ha="center",
                           va="bottom", size=_TEXT_PT, color=_C["muted"])
                elif np.isfinite(share[i]):
                    _label(ax, fmt.percent(share[i], language=lang), (x[i], share[i]), dx=0,
                           dy=2, ha="center", va="bottom", size=_TEXT_PT)
            head = _tr(lang, "{n} deltakere", "{n} participants").format(
                n=fmt.count(n, k, language=lang))
            if n >= k:
                head += _tr(lang, ", snitt {m} timer", ", mean {m} hours").format(
                    m=fmt.number(means[pid], 0, language=lang))
            ax.set_title((_name(names, pid) + "\n" if len(ids) > 1 else "") + head,
                         linespacing=1.3)
            ax.set_xticks(x, [t.replace(" ", "\n", 1) if len(ids) > 1 and len(t) > 8 else t
                              for t in labels], fontsize=_TEXT_PT)
            _value_axis(ax.yaxis, "percent", lang, nbins=4)
            _clean(ax, grid="y", bottom=True)
            ax.tick_params(axis="x", length=0)
            ax.set_xlabel(_tr(lang, "Timer per deltaker", "Hours per participant"))
        for ax in axes:
            ax.set_ylim(0, top * 1.18 if top > 0 else 1)
        return fig, None

    svg = _draw(build, title=title, alt=alt)
    notes = [_tr(lang, "Andel av deltakerne med registrert oppmøte; deltakere uten oppmøte er "
                       "ikke med.",
                 "Share of participants with registered attendance; participants without any "
                 "are not included.")]
    if hide.any():
        notes.append(_privacy_note(k, lang))
    return Figure(svg=svg, title=title, alt=alt,
                  caption=_caption(*notes, source=source, language=lang))


def _nice_step(span: float, max_bins: int) -> float:
    raw = span / max(max_bins, 1)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def outcome_distribution(outcome_changes: pd.DataFrame, pilot_id: str, measure: str, *,
                         names: Mapping[str, str] | None = None,
                         measure_label: str | None = None, unit: str | None = None,
                         scale: tuple[float, float] | None = None,
                         bins: Sequence[float] | None = None, threshold: float | None = None,
                         min_cell_size: int, language: Language = "nb",
                         source: str | None = None) -> Figure:
    """Distribution of a measure before and after, in bands, for the people measured twice.

    Grouped bars per band: the share of people in the band at baseline (light) and at
    follow-up (dark), for the pilot and, when it has one, the comparison group. Only
    people measured at both times are counted, so the two distributions describe the same
    people. Counts are aggregated before drawing; no individual value is shown.

    Parameters
    ----------
    outcome_changes : pandas.DataFrame
        Output of :func:`pilot_eval.metrics.outcomes.outcome_changes` (``pilot_id``,
        ``measure``, ``group``, ``baseline``, ``followup``, ``both``).
    pilot_id, measure : str
    names : mapping of pilot_id to name, optional
    measure_label, unit : str, optional
        The measure's name and unit to print (``outcome_changes`` has only the key).
    scale : (float, float), optional
        The measure's ``scale_min`` and ``scale_max``: bands cover the whole scale, so band
        edges do not follow the data's extremes; unless the data fill less than half of
        it, when the bands cover the data's range (inside the scale) instead, so that most
        people do not fall in one band that suppression would then hide.
    bins : sequence of float, optional
        Band edges; by default about 8 equal bands over ``scale`` (or the data range).
    threshold : float, optional
        The measure's ``success_threshold``, drawn as a dashed line.
    min_cell_size : int
        Bands with ``0 < people < min_cell_size`` are not drawn ("<5"), with a second band
        hidden where one alone would be ("skjult"); a group with fewer people is not drawn
        at all, and means are shown only for groups of at least this size.
    language : {"nb", "en"}, default "nb"
    source : str, optional

    Returns
    -------
    Figure
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    df = _require(outcome_changes, ["pilot_id", "measure", "group", "baseline", "followup"],
                  "pilot_eval.metrics.outcome_changes(ds)")
    sel = (df["pilot_id"].astype(str) == str(pilot_id)) & (df["measure"].astype(str) == str(measure))
    d = df[sel & df["baseline"].notna() & df["followup"].notna()]
    label = measure_label or str(measure)
    title = _tr(lang, "{p}: {m} før og etter", "{p}: {m} before and after").format(
        p=_name(names, pilot_id), m=label.lower() if lang == "nb" else label)
    if df.empty or (sel.any() and d.empty):
        return _placeholder(title, _tr(lang, "Ingen er målt både før og etter ennå.",
                                       "Nobody has been measured both before and after yet."),
                            kind=_BAR, language=lang, source=source)
    if not sel.any():
        pairs = sorted(set(zip(df["pilot_id"].astype(str), df["measure"].astype(str),
                               strict=False)))
        raise UsageError(f"no outcome rows for pilot_id={pilot_id!r}, measure={measure!r}; the "
                         f"table has: {', '.join(f'{p}/{m}' for p, m in pairs) or '(none)'}.")
    values = d[["baseline", "followup"]].to_numpy(float)
    if bins is not None:
        edges = np.asarray(bins, dtype=float)
    else:
        data_lo, data_hi = ((float(np.floor(np.nanmin(values))), float(np.ceil(np.nanmax(values))))
                            if values.size else (0.0, 1.0))
        lo, hi = scale if scale is not None else (data_lo, data_hi)
        if scale is not None and data_hi > data_lo and data_hi - data_lo < 0.5 * (hi - lo):
            # the data fill a small part of a long scale (school absence 0–27 of 0–95 days):
            # bands over the whole scale would put nearly everyone in one band, which small-
            # cell suppression then hides too; band the data's range instead
            lo, hi = max(lo, data_lo), min(hi, data_hi)
        step = _nice_step(hi - lo, 8)
        start = math.floor(lo / step) * step
        edges = np.arange(start, hi + step * 0.999, step)
        if edges[-1] < hi:
            edges = np.append(edges, edges[-1] + step)
        if len(edges) < 2:
            edges = np.array([lo, lo + step])
    groups = [g for g in ("pilot", "comparison") if (d["group"] == g).any()]
    sizes = {g: int((d["group"] == g).sum()) for g in groups}
    drawn = [g for g in groups if sizes[g] >= k] or ["pilot"]
    hist: dict[tuple[str, str], np.ndarray] = {}
    for g in drawn:
        for tp in ("baseline", "followup"):
            v = d.loc[d["group"] == g, tp].to_numpy(float)
            hist[(g, tp)] = np.histogram(v, bins=edges)[0].astype(float)
    hidden: dict[tuple[str, str], np.ndarray] = {
        key: suppression_mask(pd.Series(c), k).to_numpy(bool) for key, c in hist.items()}
    means = {g: (float(d.loc[d["group"] == g, "baseline"].mean()),
                 float(d.loc[d["group"] == g, "followup"].mean()))
             for g in groups if sizes[g] >= k}
    u = _unit(unit, lang)
    gname = {"pilot": _tr(lang, "Deltakerne i piloten", "Pilot participants"),
             "comparison": _tr(lang, "Sammenligningsgruppen", "Comparison group")}
    bits = []
    for g in groups:
        if g in means:
            b, a = means[g]
            bits.append(_tr(lang, "{g} ({n} målt begge ganger): gjennomsnittet endret seg fra "
                                  "{b} til {a}{u}",
                            "{g} ({n} measured both times): the mean changed from {b} to {a}{u}"
                            ).format(g=gname[g], n=fmt.count(sizes[g], k, language=lang),
                                     b=fmt.number(b, 1, language=lang),
                                     a=fmt.number(a, 1, language=lang),
                                     u=f" {u}" if u else ""))
        else:
            bits.append(_tr(lang, "{g}: for få målt begge ganger til å vises",
                            "{g}: too few measured both times to show").format(g=gname[g]))
    alt = (_tr(lang, "Stolpediagram: fordelingen av {m} før og etter. ",
               "Bar chart: distribution of {m} before and after. ").format(
        m=label.lower() if lang == "nb" else label) + ". ".join(bits) + ".")

    def build() -> tuple[_MplFigure, list[Any]]:
        fig, axes = _new(62, 1, len(drawn), sharey=True)
        fig.get_layout_engine().set(wspace=0.1)  # keep "40" and the next panel's "0" apart
        left, step = edges[:-1], np.diff(edges)
        top = 0.0
        for ax, g in zip(axes[0], drawn, strict=True):
            n = sizes.get(g, 0)
            if n < k:
                ax.text(0.5, 0.5, _tr(lang, "For få målt før og etter til å vises",
                                      "Too few measured before and after to show"),
                        transform=ax.transAxes, ha="center", va="center", color=_C["muted"],
                        style="italic")
                ax.set_xticks([])
                ax.set_yticks([])
                _clean(ax, grid=None)
                continue
            # a histogram on the measure's own scale: two bars side by side in each band
            drawn_any = False
            for tp, off, colour in (("baseline", 0.28, _C["sky"]), ("followup", 0.72, _C["blue"])):
                c, h = hist[(g, tp)], hidden[(g, tp)]
                share = np.where(h, np.nan, c / n)
                top = max(top, float(np.nanmax(share, initial=0.0)))
                drawn_any |= bool(np.nanmax(share, initial=0.0) > 0)
                xs = left + step * off
                ax.bar(xs, np.nan_to_num(share), width=step * 0.42, color=colour, zorder=2)
                for i in np.flatnonzero(h):
                    _label(ax, _hidden_label(c[i], k, lang), (xs[i], 0), dx=0, dy=2,
                           ha="center", va="bottom", size=_TEXT_PT, color=_C["muted"],
                           rotation=90)
            if not drawn_any:  # every band hidden: say why the panel is empty
                _empty_note(ax, _tr(lang, "For få i hvert intervall til å\nvise fordelingen",
                                    "Too few per band to\nshow the distribution"))
            head = f"{gname[g]} ({fmt.count(n, k, language=lang)})"
            if g in means:
                head += _tr(lang, "\nsnitt før {b}, etter {a}", "\nmean before {b}, after {a}"
                            ).format(b=fmt.number(means[g][0], 1, language=lang),
                                     a=fmt.number(means[g][1], 1, language=lang))
            ax.set_title(head, linespacing=1.3)
            if threshold is not None and np.isfinite(threshold):
                ax.axvline(threshold, color=_C["orange"], lw=1.2, ls=(0, (3, 2)), zorder=3)
            ax.set_xlim(edges[0], edges[-1])
            ax.set_xticks(edges, [fmt.number(e, _decimals_needed(np.array([e])), language=lang)
                                  for e in edges])
            ax.set_xlabel(label + (f" ({u})" if u else ""))
            _value_axis(ax.yaxis, "percent", lang, nbins=4)
            _clean(ax, grid="y", bottom=True)
        for ax in axes[0]:
            ax.set_ylim(0, top * 1.15 if top > 0 else 1)
        handles = [_patch(_C["sky"], _tr(lang, "Før (startmåling)", "Before (baseline)")),
                   _patch(_C["blue"], _tr(lang, "Etter (oppfølgingsmåling)",
                                          "After (follow-up)"))]
        if threshold is not None and np.isfinite(threshold):
            handles.append(_line(_C["orange"], _tr(lang, "Terskel for suksess",
                                                   "Success threshold"),
                                 lw=1.2, ls=(0, (3, 2))))
        return fig, handles

    svg = _draw(build, title=title, alt=alt)
    notes = [_tr(lang, "Andel av dem som er målt både før og etter.",
                 "Share of those measured both before and after.")]
    if any(h.any() for h in hidden.values()) or any(sizes[g] < k for g in groups):
        notes.append(_privacy_note(k, lang))
    return Figure(svg=svg, title=title, alt=alt,
                  caption=_caption(*notes, source=source, language=lang))
