"""Shared machinery of the charts: the result class, look, layout, text measuring and words.

Every chart family (:mod:`.money`, :mod:`.reach`, :mod:`.outcomes`, :mod:`.value`) builds on
what is here and on nothing of another family, so a helper two families need lives here:

* :class:`Figure`, the finished chart, and :data:`PALETTE`, :data:`WIDTH_MM`;
* words: translation (``_tr``), names, amounts, captions, privacy notes;
* the typeface and rc settings (``_font_family``, ``_rc``);
* axes: tick formatting (``_Ticks``), value and month axes, direct labels, room for labels;
* text measuring shared by all renderers of a process (``_MEASURED``);
* making, laying out and rendering a figure (``_new``, ``_render``, ``_draw``, ``_figure``)
  and the panels, placeholders and notes several charts share.

See the package docstring (:mod:`pilot_eval.present.figures`) for the conventions.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import functools
import gc
import html
import io
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import matplotlib
import matplotlib.dates as mdates
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.colors import rgb2hex
from matplotlib.figure import Figure as _MplFigure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ...errors import UsageError
from ...privacy import PRIMARY
from .. import fmt

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
        A standalone SVG document, 160 mm wide, its text drawn as Inter's glyph outlines
        (no font needed to show it). It carries ``<title>`` and ``<desc>`` (the alt text)
        for use outside a report, and each text's words as the ``aria-label`` of its group.
    title : str
        The chart's title, also drawn at the top of the SVG.
    alt : str
        Text alternative for screen readers and the tagged PDF: the kind of chart and its
        main message with numbers, in the chart's language.
    caption : str or None
        Notes and source, printed under the chart ("Kilde: …", "Tall under 5 er skjult
        av personvernhensyn.").

    Notes
    -----
    A chart that would show nothing but suppressed marks or an empty frame is not drawn:
    ``svg`` is empty, ``alt`` is the one sentence that says why (shown as a paragraph in
    the report) and ``caption`` is None (:attr:`is_chart` is False).
    """

    svg: str
    title: str
    alt: str
    caption: str | None = None

    @property
    def is_chart(self) -> bool:
        """False for a sentence in place of a chart (nothing to draw: see :func:`_placeholder`)."""
        return bool(self.svg)

    def _repr_html_(self) -> str:
        """``<figure class="chart">`` with the SVG as a data-URI image and the caption; a
        sentence in place of a chart is one paragraph, with no frame, title or source."""
        if not self.svg:
            return f'<p class="pe-chart-note">{html.escape(self.alt)}</p>'
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

    The charts' ``names`` also take ``ds.pilots`` itself.

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


def _name(names: Mapping[str, str] | pd.DataFrame | None, pid: Any) -> str:
    """A pilot's display name; ``names`` may also be the pilots table itself (``ds.pilots``),
    whose column names a mapping lookup would otherwise search, showing every id."""
    if isinstance(names, pd.DataFrame):
        names = pilot_names(names)
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


def _hidden_label(code: str, min_cell_size: int, language: str) -> str:
    """"<5" for a cell :func:`pilot_eval.privacy.suppression_codes` marks small
    (``PRIMARY``), "skjult" for any other hidden cell: one hidden to protect another, or
    a small one in a group whose "<5" would pin it to the total."""
    if code == PRIMARY:
        return f"<{min_cell_size}"
    return _tr(language, "skjult", "hidden")


def _privacy_note(min_cell_size: int, language: str, *, hidden: bool = False) -> str:
    """The caption's privacy sentence; with ``hidden``, also what a "skjult" mark means."""
    note = _tr(language,
               f"Tall under {min_cell_size} er skjult av personvernhensyn (vises som «<{min_cell_size}»).",
               f"Numbers below {min_cell_size} are suppressed for privacy (shown as \"<{min_cell_size}\").")
    return note + (" " + _hidden_note(min_cell_size, language) if hidden else "")


def _hidden_note(min_cell_size: int, language: str) -> str:
    """What "skjult" means, in one clause: the caption of every chart that shows it says it."""
    return _tr(language,
               f"«Skjult»: holdt tilbake fordi et tall under {min_cell_size} ellers kunne "
               "regnes ut fra summen.",
               f"\"Hidden\": withheld because a number below {min_cell_size} could otherwise be "
               "worked out from the total.")


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


_FACES = ("Regular", "Italic", "SemiBold", "Bold")
# Package files handed to matplotlib by path. In a zipped install they are extracted to
# temporary files, which must outlive every chart of the process: closed at exit.
_FONT_FILES = contextlib.ExitStack()
atexit.register(_FONT_FILES.close)


@functools.lru_cache(maxsize=1)
def _font_family() -> str:
    """Register the report typeface (Inter) with matplotlib and return its family name.

    The OpenType files shipped beside the WOFF2 ones (``pilot_eval/render/fonts``, read as
    package data) are registered as they are: no conversion, no cache folder. Matplotlib
    measures the text and draws its glyphs as paths (``svg.fonttype = "path"``) from these
    files, so a chart needs no font where it is shown. On any failure the charts fall back
    to DejaVu Sans, which matplotlib always has.
    """
    try:
        from matplotlib import font_manager

        # A file of the render layer, read as package data (no import of a higher layer).
        fonts = resources.files("pilot_eval").joinpath("render", "fonts")
        for face in _FACES:
            path = _FONT_FILES.enter_context(resources.as_file(fonts / f"Inter-{face}.otf"))
            font_manager.fontManager.addfont(str(path))
        return "Inter"
    except Exception:  # any failure: a chart in DejaVu is better than no chart
        return "DejaVu Sans"


def _rc() -> dict[str, Any]:
    family = _font_family()
    return {
        "svg.fonttype": "path",
        "svg.hashsalt": "pilot_eval",
        # Names, labels and units come from the data folder: "$" is a dollar sign, never
        # mathtext (a name "$\\foo$" would otherwise stop the report). Every Text made
        # under these settings (titles, labels, ticks, keys, annotations) takes it.
        "text.parse_math": False,
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "font.size": _TEXT_PT,
        "text.color": _C["ink"],
        "axes.titlesize": 8.5,
        "axes.titleweight": "semibold",
        "axes.titlelocation": "left",
        "axes.titlecolor": _C["ink"],
        "axes.titlepad": 5.0,
        # titles at the top of their axes: matplotlib would measure every axis of the chart
        # to find that out, at each layout pass and draw (no chart has ticks on top)
        "axes.titley": 1.0,
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


def _tidy_number(x: float, language: str) -> str:
    """``x`` with the decimals it has (up to three): "5", "0,5", "2,25"."""
    return fmt.number(x, _decimals_needed(np.array([x])), language=language)


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


def _axes_width_pt(ylabels: Iterable[str], *, right_pt: float = 0.0, ncols: int = 1,
                   shared_labels: bool = False) -> float:
    """Rough width of one plot area: the figure less the y labels, paddings and a column of
    text to the right of it. With ``shared_labels`` (panels side by side that share the y
    axis) the labels stand once, left of the first column, and columns are ~14 pt apart."""
    label = max((_lines_width_pt(t) for t in ylabels), default=0.0)
    if shared_labels:
        return ((WIDTH_MM * _PT_PER_MM - 16.0 - label - 10.0 - 14.0 * (ncols - 1)) / ncols
                - right_pt)
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


# A font's ascent, descent and line gap at a size: (FontProperties, dpi) -> three floats
_HEIGHTS: dict[tuple[Any, float], tuple[float, float, float] | tuple[None, None, None]] = {}


def _font_height(prop: Any, dpi: float) -> tuple[float, float, float] | tuple[None, None, None]:
    """Ascent, descent and line gap of the font of ``prop`` at its size and ``dpi``, from
    its OS/2 or hhea table, as :meth:`matplotlib.text.Text._get_layout` reads them; None
    three times when the font has neither (matplotlib then measures "lp")."""
    from matplotlib.font_manager import findfont, get_font

    font = get_font(findfont(prop))
    for table_name, gap, ascent, descent in (
            ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
            ("hhea", "lineGap", "ascent", "descent")):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() \
            * dpi / 72
        return table[gap] * scale, table[ascent] * scale, -table[descent] * scale
    return None, None, None


def _font_heights_once(renderer: Any, fig: _MplFigure) -> Any:
    """Give ``renderer`` the font heights of :data:`_HEIGHTS` (returns it).

    Matplotlib looks a text's font up and reads its tables every time it lays the text out
    (a third of the time of laying it out), unless the renderer says the heights itself
    (``_get_font_height_metrics``, which matplotlib asks for first); here they are read
    once per font, size and resolution. Same values, in the order matplotlib expects:
    ascent, descent, line gap.
    """
    if getattr(renderer, "_pe_heights", False):
        return renderer

    def heights(prop: Any, *_: Any, **__: Any) -> tuple[Any, Any, Any]:
        key = (prop.copy(), float(fig.dpi), tuple(matplotlib.rcParams["font.sans-serif"]))
        found = _HEIGHTS.get(key)
        if found is None:
            if len(_HEIGHTS) >= 10_000:
                _HEIGHTS.clear()
            found = _HEIGHTS[key] = _font_height(prop, float(fig.dpi))
        gap, ascent, descent = found
        return ascent, descent, gap

    renderer._get_font_height_metrics = heights
    renderer._pe_heights = True
    return renderer


# Texts laid out as glyphs in this process: (font, words, features, language, fonts) ->
# the glyphs' ids and places, and the outline of each (None for a blank one, a space).
# Matplotlib lays each text out again (libraqm) and converts each outline again at every
# draw; the same tick labels, names and keys recur in every chart of a report.
_GLYPH_RUNS: dict[tuple[Any, ...], tuple[list[tuple[str, str, float]], dict[str, str | None]]] = {}
# path codes of matplotlib.path.Path
_MOVETO, _LINETO, _CURVE3, _CURVE4, _CLOSEPOLY = 1, 2, 3, 4, 79


def _number(x: float) -> str:
    """A coordinate as matplotlib's SVG writes it: six decimals at most, no trailing zeros."""
    return f"{x:f}".rstrip("0").rstrip(".")


def _outline(vertices: Any, codes: Any) -> str | None:
    """A glyph's outline as SVG path data, in 1/4 of the units of matplotlib's outlines
    (drawn with ``scale(0.25)``); None for a glyph with no outline (a space).

    Matplotlib takes outlines from a 100 pt font in FreeType's 1/64 units: 1/4 unit is
    0.02 pt on 8 pt text, far below what any screen or printer shows, and the numbers are
    whole.

    >>> _outline([[0, 0], [1, 0], [1, 1], [0, 0]], [1, 2, 2, 79])
    'M0 0L4 0L4 4z'
    >>> _outline([], []) is None
    True
    """
    points = np.rint(np.asarray(vertices, dtype=float).reshape(-1, 2) * 4).astype(int).tolist()
    if not points:
        return None
    codes = list(codes) if codes is not None else [_MOVETO] + [_LINETO] * (len(points) - 1)
    out, i = [], 0
    while i < len(points):
        code = codes[i]
        if code == _CLOSEPOLY:
            out.append("z")
            i += 1
            continue
        step = 3 if code == _CURVE4 else 2 if code == _CURVE3 else 1
        letter = {_MOVETO: "M", _LINETO: "L", _CURVE3: "Q", _CURVE4: "C"}.get(code)
        if letter is not None:
            out.append(letter + " ".join(f"{x} {y}" for x, y in points[i:i + step]))
        i += step
    return "".join(out).replace(" -", "-")


def _svg_text_hooks(renderer: Any) -> None:
    """Make an SVG renderer draw text as Inter's glyph outlines, labelled with its words,
    laying each text out once per process.

    With ``svg.fonttype = "path"`` matplotlib draws a text as a group of glyph outlines:
    ``<g transform=…><defs>(outlines not yet in the SVG)</defs><use xlink:href=
    "#Inter-Regular-61" x="…"/>…</g>``, after an XML comment with the words, escaped
    lossily ("--" becomes "- -"). Here the same group is written with

    * the words, exactly as drawn, as the group's ``aria-label`` (no comment), where a
      program, or a screen reader for an SVG put inline in a page, finds them;
    * the glyphs and their places from :data:`_GLYPH_RUNS` (they depend on the font, the
      words and the font features, not on the size, which is the group's transform), the
      outlines short (:func:`_outline`), each glyph placed by ``x`` (to 0.1 unit of the
      100 pt font: 0.008 pt on 8 pt text), and no ``<use>`` of a blank glyph.

    Mathematical text (never made here: ``text.parse_math`` is off) and renderers without
    these parts are left to matplotlib; their groups get the ``aria-label`` too.
    """
    writer = getattr(renderer, "writer", None)
    if writer is None or getattr(writer, "_pe_hooked", False):
        return
    pending: list[str] = []
    start = writer.start

    def start_labelled(tag: str, attrib: dict[str, str] | None = None, **extra: str) -> Any:
        if pending and tag == "g":
            attrib = {"aria-label": pending.pop(), **(attrib or {})}
        return start(tag, attrib, **extra)

    writer.comment = pending.append  # only text is commented: its words, just before its <g>
    writer.start = start_labelled
    writer._pe_hooked = True
    svg = getattr(renderer.draw_text, "__self__", renderer)  # under a MixedModeRenderer
    text2path = getattr(svg, "_text2path", None)
    as_path = getattr(svg, "_draw_text_as_path", None)
    if text2path is None or as_path is None or not hasattr(text2path, "_get_font"):
        return
    defined: set[str] = set()  # glyphs defined in this SVG

    def draw_text_as_path(gc: Any, x: float, y: float, s: str, prop: Any, angle: float,
                          ismath: Any, mtext: Any = None) -> None:
        if ismath:
            return as_path(gc, x, y, s, prop, angle, ismath, mtext)
        font = text2path._get_font(prop)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        key = (font.fname, s, features, language, tuple(matplotlib.rcParams["font.sans-serif"]))
        run = _GLYPH_RUNS.get(key)
        if run is None:
            placed, outlines, _ = text2path.get_glyphs_with_font(
                font, s, features=features, language=language)
            shapes = {glyph: _outline(*outline) for glyph, outline in outlines.items()}
            run = ([(glyph, _number(gx)[:_number(gx).find(".") + 2] if "." in _number(gx)
                     else _number(gx), gy) for glyph, gx, gy, _ in placed
                    if shapes.get(glyph) is not None], shapes)
            if len(_GLYPH_RUNS) >= 20_000:
                _GLYPH_RUNS.clear()
            _GLYPH_RUNS[key] = run
        uses, shapes = run
        attrib = {"aria-label": s}
        color = rgb2hex(gc.get_rgb())
        if color != "#000000":
            attrib["fill"] = color
        alpha = gc.get_alpha() if gc.get_forced_alpha() else gc.get_rgb()[3]
        if alpha != 1:
            attrib["opacity"] = _number(alpha)
        scale = _number(prop.get_size_in_points() / text2path.FONT_SCALE)
        attrib["transform"] = " ".join(
            [f"translate({_number(x)} {_number(y)})"] * bool(x or y)
            + [f"rotate({_number(-angle)})"] * bool(angle) + [f"scale({scale} -{scale})"])
        writer.start("g", attrib=attrib)
        new = [glyph for glyph, shape in shapes.items()
               if shape is not None and glyph not in defined]
        if new:
            writer.start("defs")
            for glyph in new:
                writer.element("path", attrib={"id": glyph, "d": shapes[glyph],
                                               "transform": "scale(0.25)"})
            writer.end("defs")
            defined.update(new)
        for glyph, gx, gy in uses:
            place = {"xlink:href": f"#{glyph}"}
            if gx != "0":
                place["x"] = gx
            if gy:
                place["y"] = _number(gy)
            writer.element("use", attrib=place)
        writer.end("g")

    svg._draw_text_as_path = draw_text_as_path


class _ChartFigure(_MplFigure):
    """A matplotlib figure whose renderers share :data:`_MEASURED` and :data:`_GLYPH_RUNS`
    and label their texts (:func:`_svg_text_hooks`)."""

    def draw(self, renderer: Any) -> None:
        _svg_text_hooks(renderer)
        super().draw(_font_heights_once(_measure_once(renderer), self))

    def _get_renderer(self) -> Any:  # the renderer the layout engine measures with
        return _font_heights_once(_measure_once(super()._get_renderer()), self)


def _new(body_mm: float, nrows: int = 1, ncols: int = 1, **kw: Any) -> tuple[_MplFigure, Any]:
    """A figure 160 mm wide whose plot area is ``body_mm`` high, with constrained layout."""
    fig = _ChartFigure(figsize=(WIDTH_MM / 25.4, body_mm / 25.4), layout="constrained")
    fig.get_layout_engine().set(w_pad=2 / 72, h_pad=2 / 72, wspace=0.04, hspace=0.04)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    fig._pe_body_mm = body_mm  # type: ignore[attr-defined]
    return fig, axes


def _ticks_once(fig: _MplFigure) -> None:
    """Let every axis of ``fig`` work out its ticks once.

    Matplotlib works out an axis's ticks (locator, labels, which fall inside the view) each
    time it measures or draws the axis, its label or a spine: six or more times a chart.
    Once the chart is built its view limits are final, and the ticks depend on nothing
    else (not on the panel's size or place), so the first answer is kept.
    """
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            update = getattr(axis, "_update_ticks", None)
            if update is None:
                continue
            done: list[Any] = []

            def once(update: Callable[[], Any] = update, done: list[Any] = done) -> Any:
                if not done:
                    done.append(update())
                return list(done[0])

            axis._update_ticks = once


def _overhang(pos: Any, boxes: Iterable[Any], to_figure: Any) -> np.ndarray:
    """How far ``boxes`` (display units) reach beyond the panel ``pos`` (figure fractions):
    left, right, top, bottom, in figure fractions, at least 0."""
    over = np.zeros(4)
    for box in boxes:
        if box is None or (box.width == 0 and box.height == 0) \
                or not np.isfinite(box.extents).all():
            continue
        b = box.transformed(to_figure)
        over = np.maximum(over, (pos.x0 - b.x0, b.x1 - pos.x1, b.y1 - pos.y1, pos.y0 - b.y0))
    return over


def _lay_out(fig: _MplFigure, params: Mapping[str, Any]) -> bool:
    """Place the panels of ``fig`` as constrained layout does, measuring their axes once.

    Matplotlib's constrained layout measures everything around every panel twice (tick
    labels, axis labels, titles and the labels drawn outside the plot), the second time
    because some of it changes size with the panel, and solves a general system of
    constraints. A chart here is one grid of panels whose axes do not change with the
    panel's size (fixed tick locators), so here the axes are measured once and only the
    other labels (direct labels at line ends, notes) twice; and for one grid the solution
    is direct: each column's left margin is the widest overhang on the left of a panel in
    it plus the padding, and so on for each side, and the plot areas share what is left in
    proportion to the grid's width and height ratios. ``params`` are the engine's (pads in
    inches, spaces as fractions of the figure, ``rect``). Returns False, placing nothing,
    for a figure that is not one such grid (panels spanning cells, colour bars, subfigures,
    several grids) or whose labels leave no room: the caller then runs the engine.
    """
    axes = [ax for ax in fig.axes if ax.get_in_layout() and ax.get_subplotspec() is not None]
    specs = [ax.get_subplotspec() for ax in axes]
    grids = {ss.get_gridspec() for ss in specs}
    if (len(grids) != 1 or fig.subfigs or any(ax._colorbars for ax in axes)
            or any(len(ss.rowspan) > 1 or len(ss.colspan) > 1 for ss in specs)):
        return False
    grid = grids.pop()
    nrows, ncols = grid.get_geometry()
    width_in, height_in = fig.get_size_inches()
    w_pad, h_pad = params["w_pad"] / width_in, params["h_pad"] / height_in
    # between panels, the larger of the pad and the panels' share of wspace/hspace
    w_gap, h_gap = params["wspace"] / 2 / ncols, params["hspace"] / 2 / nrows
    cells = [(ss.rowspan.start, ss.colspan.start) for ss in specs]
    pads = np.array([((w_gap if w_gap > w_pad and c > 0 else w_pad),
                      (w_gap if w_gap > w_pad and c < ncols - 1 else w_pad),
                      (h_gap if h_gap > h_pad and r > 0 else h_pad),
                      (h_gap if h_gap > h_pad and r < nrows - 1 else h_pad))
                     for r, c in cells]).reshape(-1, 4)
    renderer = fig._get_renderer()
    to_figure = fig.transFigure.inverted()
    # the axes (tick labels, axis labels, titles) and the spines with their tick marks: their
    # overhang does not change with the panel's size; the other artists outside the plot
    # (direct labels, notes) are measured again below
    fixed, extras = np.zeros((len(axes), 4)), []
    for i, ax in enumerate(axes):
        if not ax.get_visible():
            extras.append([])
            continue
        artists = ax.get_default_bbox_extra_artists()
        spines = set(ax.spines.values())
        fixed[i] = _overhang(
            ax.get_position(original=True),
            [ax.get_tightbbox(renderer, for_layout_only=True, bbox_extra_artists=[]),
             *(a.get_tightbbox(renderer) for a in artists if a in spines)], to_figure)
        extras.append([a for a in artists if a not in spines])
    x0, y0, w, h = params["rect"]
    widths = np.asarray(grid.get_width_ratios() or np.ones(ncols), float)
    heights = np.asarray(grid.get_height_ratios() or np.ones(nrows), float)
    for _ in range(2 if any(extras) else 1):  # as constrained layout: again after moving
        over = np.maximum(fixed, [_overhang(ax.get_position(original=True),
                                            (a.get_tightbbox(renderer) for a in artists),
                                            to_figure)
                                  for ax, artists in zip(axes, extras, strict=True)])
        margins = over + pads  # left, right, top, bottom of each panel
        cols, rows = np.zeros((2, ncols)), np.zeros((2, nrows))
        for (r, c), m in zip(cells, margins, strict=True):
            cols[:, c] = np.maximum(cols[:, c], m[:2])
            rows[:, r] = np.maximum(rows[:, r], m[2:])
        free_w, free_h = w - cols.sum(), h - rows.sum()
        if free_w <= 0 or free_h <= 0:
            return False
        inner_w = free_w * widths / widths.sum()
        inner_h = free_h * heights / heights.sum()
        lefts = x0 + np.r_[0.0, np.cumsum(cols.sum(axis=0) + inner_w)[:-1]] + cols[0]
        tops = y0 + h - np.r_[0.0, np.cumsum(rows.sum(axis=0) + inner_h)[:-1]] - rows[0]
        for ax, (r, c) in zip(axes, cells, strict=True):
            ax.set_position((lefts[c], tops[r] - inner_h[r], inner_w[c], inner_h[r]))
    return True


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
    _ticks_once(fig)
    engine = fig.get_layout_engine()
    if engine is not None:
        if not _lay_out(fig, engine.get()):
            engine.execute(fig)
        fig.set_layout_engine(None)  # the positions are final now
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    # No fig.clear(): it resets every axes (as costly as making it); the figure was never
    # registered with pyplot, so it is garbage as soon as this returns.
    return _describe(_presentation_attributes(_flatten_groups(_short_paths(buf.getvalue()))),
                     title, alt)


_INDENT = re.compile(r"\n +")
# matplotlib's path data: "M 0 203.2 \nL 453.5 203.2 \nz\n"
_PATH_BREAKS = ((" \nL ", "L"), (" \nC ", "C"), (" \nM ", "M"), (" \nQ ", "Q"),
                (" \nz\n", "z"), (" \n", ""), (' d="M ', ' d="M'))


def _short_paths(svg: str) -> str:
    """Matplotlib's SVG written shorter, drawing the same: path data without its line
    breaks, and no indentation (the text's glyphs are written short already:
    :func:`_svg_text_hooks`).

    >>> _short_paths('<svg>\\n  <path d="M 1 2 \\nL 3 -4 \\nz\\n"/></svg>')
    '<svg>\\n<path d="M1 2L3 -4z"/></svg>'
    """
    for old, new in _PATH_BREAKS:
        svg = svg.replace(old, new)
    return _INDENT.sub("\n", svg)


_GROUP_TAG = re.compile(r"<g(\s[^>]*)?/>|<g(\s[^>]*)?>|</g>")
_ID_ONLY = re.compile(r"""^\s*id="[^"]*"\s*$""")
_BLANK_LINES = re.compile(r"\n\s*\n")


def _flatten_groups(svg: str) -> str:
    """Drop matplotlib's ``<g>`` wrappers that carry nothing but an ``id``, and empty ones.

    Matplotlib wraps every artist in a named group (``<g id="xtick_1">``, ``<g>``, …);
    nothing refers to those ids, and each group costs the PDF printer a saved and
    restored graphics state. Groups with any other attribute (clip path, transform,
    style) stay, so the drawing is the same. The SVG is matplotlib's own, well-formed
    output, so a scan over ``<g>`` tags is enough.

    >>> _flatten_groups('<svg><g id="a"><g/><g clip-path="url(#c)"><path/></g></g></svg>')
    '<svg><g clip-path="url(#c)"><path/></g></svg>'
    """
    out: list[str] = []
    kept: list[bool] = []  # per open <g>: whether its start tag was written
    pos = 0
    for match in _GROUP_TAG.finditer(svg):
        out.append(svg[pos:match.start()])
        pos = match.end()
        tag = match.group(0)
        if tag == "</g>":
            if kept.pop():
                out.append(tag)
        elif not tag.endswith("/>"):
            attributes = match.group(2) or ""
            keep = bool(attributes.strip()) and not _ID_ONLY.match(attributes)
            kept.append(keep)
            if keep:
                out.append(tag)
    out.append(svg[pos:])
    return _BLANK_LINES.sub("\n", "".join(out))


_STYLE_ATTR = re.compile(r' style="([^"]*)"')
_TAG = re.compile(r"<[^<>]+>")
_STAR_RULE = re.compile(r'\s*<defs>\s*<style type="text/css">\*\{([^}]*)\}</style>\s*</defs>')


def _declarations(css: str) -> str:
    """``"fill: #fff; stroke: none"`` → ``' fill="#fff" stroke="none"'``."""
    pairs = (part.split(":", 1) for part in css.split(";") if ":" in part)
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)


def _presentation_attributes(svg: str) -> str:
    """Write matplotlib's ``style="…"`` declarations as SVG presentation attributes.

    The PDF printer parses every ``style`` attribute as CSS and matches every element
    against the stylesheet; attributes it reads as they are (5 % of a report's PDF time).
    The stylesheet's one rule, ``*{stroke-linejoin: round; stroke-linecap: butt}``, goes on
    the root ``<svg>``, from where it is inherited: no matplotlib group sets either, so
    every element ends up with the same values. Pixel-identical in the PDF and a browser.

    >>> _presentation_attributes('<svg><defs><style type="text/css">*{stroke-linecap: butt}'
    ...                          '</style></defs><path style="fill: #fff; stroke: none"/></svg>')
    '<svg stroke-linecap="butt"><path fill="#fff" stroke="none"/></svg>'
    >>> _presentation_attributes('<svg><text style="fill: red">a style="b"</text></svg>')
    '<svg><text fill="red">a style="b"</text></svg>'
    """
    root = ""
    out = svg
    if rule := _STAR_RULE.search(out):
        root = _declarations(rule.group(1))
        out = out[:rule.start()] + out[rule.end():]
    if "<style" in out:  # a stylesheet of another shape: as CSS it would win over attributes
        return svg
    # inside tags only: a label's text may hold ' style="' (matplotlib escapes no quotes)
    out = _TAG.sub(lambda t: _STYLE_ATTR.sub(lambda m: _declarations(m.group(1)), t.group(0)),
                   out)
    end = out.index(">", out.index("<svg"))
    return out[:end] + root + out[end:]


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
    both under the chart rc settings, with Python's cyclic garbage collector paused.

    A chart makes tens of thousands of short-lived objects; each few hundred allocations
    start a collection, which in a report's kernel also walks its pandas, SciPy and
    statsmodels objects: about a sixth of a chart's time. Paused, the chart's garbage is
    collected once, after it.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        with matplotlib.rc_context(_rc()):
            fig, handles = build()
            return _render(fig, title=title, alt=alt, handles=handles)
    finally:
        if collecting:
            gc.enable()


def _figure(build: Callable[[], tuple[_MplFigure, Sequence[Any] | None]], *, title: str,
            alt: str, notes: Iterable[str | None] = (), source: str | None = None,
            language: str = "nb") -> Figure:
    """The finished chart: ``build`` rendered (:func:`_draw`), with its title, alt text and
    a caption of ``notes`` (empty ones left out) and ``source``."""
    return Figure(svg=_draw(build, title=title, alt=alt), title=title, alt=alt,
                  caption=_caption(*notes, source=source, language=language))


def _patch(color: str, label: str, **kw: Any) -> Patch:
    return Patch(facecolor=color, edgecolor=kw.pop("edgecolor", "none"), label=label, **kw)


def _line(color: str, label: str, **kw: Any) -> Line2D:
    return Line2D([], [], color=color, label=label, **kw)


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


def _rounded_to(values: pd.Series, base: int) -> pd.Series:
    """Counts rounded to the nearest multiple of ``base`` for a line's shape (its labels
    stay exact), so that month-to-month changes below ``base`` cannot be read off it.

    >>> _rounded_to(pd.Series([5.0, 7, 8, None, 12]), 5).tolist()
    [5.0, 5.0, 10.0, nan, 10.0]
    """
    v = pd.to_numeric(values, errors="coerce").astype(float)
    return np.floor(v / base + 0.5) * base


def _rounded_line(values: pd.Series, base: int) -> pd.Series:
    """A line of people per month (one pilot, in date order) as drawn: every point but the
    last rounded to the nearest multiple of ``base``, the last exact (it is labelled).

    Read together with a chart of monthly counts (where small and complementary-hidden
    months are suppressed), exact points would give those months away by subtraction;
    rounded ones only bound them.

    >>> _rounded_line(pd.Series([6.0, 8, None, 12, 13]), 5).tolist()
    [5.0, 10.0, nan, 10.0, 13.0]
    """
    out = _rounded_to(values, base)
    if len(out):
        out.iloc[-1] = pd.to_numeric(values, errors="coerce").astype(float).iloc[-1]
    return out


def _drawn_rounded(values: pd.Series, base: int) -> bool:
    """Whether :func:`_rounded_line` moves any point of ``values`` (the caption says so)."""
    v = pd.to_numeric(values, errors="coerce").astype(float)
    return bool((v.notna() & (_rounded_line(v, base) != v)).any())


def _rounded_note(what: str, min_cell_size: int, language: str) -> str:
    """The caption's sentence for lines drawn rounded (``what``: "enrolled_active" or
    "active")."""
    if what == "active":
        return _tr(language,
                   f"Linjen for aktive deltakere er tegnet avrundet til nærmeste {min_cell_size}, "
                   "så små endringer fra måned til måned ikke kan leses av.",
                   f"The line of active participants is drawn rounded to the nearest "
                   f"{min_cell_size}, so small month-to-month changes cannot be read off it.")
    return _tr(language,
               f"Linjene er tegnet avrundet til nærmeste {min_cell_size}, så små endringer fra "
               "måned til måned ikke kan leses av; tallene ved linjenes ende er eksakte.",
               f"The lines are drawn rounded to the nearest {min_cell_size}, so small "
               "month-to-month changes cannot be read off them; the numbers at their ends "
               "are exact.")


def _placeholder(title: str, message: str, *, language: str) -> Figure:
    """A sentence in place of a chart with nothing to draw (a pilot not started, nobody
    measured yet, every cell suppressed): no frame, no axes, no source line, so a report
    says it once in a line instead of an empty chart. ``message`` must read on its own
    (name what is missing when the section heading does not); ``title`` is kept for
    :attr:`Figure.title` only."""
    _lang(language)
    return Figure(svg="", title=title, alt=message.strip(), caption=None)


def _empty_note(ax: Any, message: str) -> None:
    """One muted sentence in the middle of a panel whose bars are all hidden."""
    ax.text(0.5, 0.55, message, transform=ax.transAxes, ha="center", va="center",
            color=_C["muted"], style="italic", fontsize=_TEXT_PT, linespacing=1.3, zorder=6,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 2.0})


_BAR = ("Stolpediagram", "Bar chart")
_LINE = ("Linjediagram", "Line chart")


# --------------------------------------------------------------------------- helpers: panels


def _pilot_title(title: str, name: str) -> str:
    """A chart title for one pilot: "Leksehjelp: timer med oppmøte per deltaker"."""
    return f"{name}: {title[:1].lower()}{title[1:]}"


def _small_multiples(ids: Sequence[str], panel_mm: float, single_mm: float | None = None, *,
                     max_cols: int = 2, **kw: Any) -> tuple[_MplFigure, list[Any]]:
    """One panel per pilot in ``ids``, ``max_cols`` to a row, each ``panel_mm`` high (the
    whole plot ``single_mm`` high when there is one pilot); the figure and the panels in
    the order of ``ids``, the grid's spare cells hidden. ``kw`` goes to
    :meth:`~matplotlib.figure.Figure.subplots` (``sharex``, ``sharey``)."""
    ncols = max(min(len(ids), max_cols), 1)
    nrows = max(math.ceil(len(ids) / ncols), 1)
    body = single_mm if single_mm is not None and len(ids) <= 1 else nrows * panel_mm
    fig, axes = _new(body, nrows, ncols, **kw)
    flat = list(axes.ravel())
    for ax in flat[len(ids):]:
        ax.set_visible(False)
    return fig, flat[: len(ids)]


def _rows_top_down(ax: Any, labels: Sequence[str]) -> None:
    """One row per label, the first at the top (horizontal bars, read like a table)."""
    n = len(labels)
    ax.set_yticks(np.arange(n), labels)
    ax.set_ylim(n - 0.5, -0.5)


def _bar_value_axis(ax: Any, kind: str, language: str, *, nbins: int) -> None:
    """The value axis of horizontal bars: ticks below, a light vertical grid and a rule at 0."""
    _value_axis(ax.xaxis, kind, language, nbins=nbins)
    _clean(ax, grid="x")
    ax.axvline(0, color=_C["rule"], lw=0.8, zorder=4)


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


# The lines over the pilot period against a straight-line plan (cumulative_spend in .money,
# enrolment_vs_target in .reach): the plan is dashed and muted, the panels share their scales.
_PLAN_STYLE: dict[str, Any] = {"color": _C["muted"], "lw": 1.1, "ls": (0, (4, 2.5))}


def _plan_panels(ids: Sequence[str]) -> tuple[_MplFigure, list[Any], float]:
    """The panels of a chart against a plan (one per pilot, two to a row, shared scales) and
    the height of one plot area in points, for :func:`_end_labels`."""
    fig, axes = _small_multiples(ids, 47, 62, sharex=True, sharey=True)
    return fig, axes, (62 if len(ids) <= 1 else 47) * _PT_PER_MM - 42


def _plan_extent(df: pd.DataFrame, ids: Sequence[str], columns: Sequence[str]
                 ) -> tuple[float, tuple[pd.Timestamp, pd.Timestamp]]:
    """The top of the value axis and the time span of the pilots drawn: they alone set the
    scale (one pilot's 42 participants on the 0–300 axis of all pilots would say little)."""
    drawn = df[df["pilot_id"].isin(ids)]
    top = float(np.nanmax(drawn[list(columns)].to_numpy(float), initial=0.0))
    return top, _date_span(drawn)


def _plan_line(ax: Any, d: pd.DataFrame, column: str) -> None:
    """The plan ``column`` of one pilot's months ``d``, to the end of the period."""
    ax.plot(d["date"], d[column], **_PLAN_STYLE, zorder=2)


def _plan_key(label: str) -> Line2D:
    """The plan's entry in the key."""
    return _line(_PLAN_STYLE["color"], label, lw=_PLAN_STYLE["lw"], ls=_PLAN_STYLE["ls"])


#: The share of a plan's span from its end within which the actual line's end label
#: reaches the plan's value label.
_NEAR_END = 0.2


def _finish_plan_panel(ax: Any, d: pd.DataFrame, column: str, end_text: Callable[[float], str],
                       *, title: str | None, kind: str, language: str,
                       span: tuple[pd.Timestamp, pd.Timestamp], integer: bool = False,
                       actual: str | None = None) -> None:
    """Write the plan's value at the end of the period (``end_text`` of it) over the plan
    line's end, then the panel's title, value axis (from the caller's y-limits), month axis
    and time span.

    Where the ``actual`` line (a column of ``d``) ends on or above the plan within the last
    :data:`_NEAR_END` of the span, it and its end label run through the space over the
    plan's end: the value goes over them instead ("mål 320" over "340"), still at the plan
    line's end."""
    end = d.iloc[-1] if len(d) else None
    if end is not None and np.isfinite(end[column]):
        seen = d[d["observed"].astype(bool) & d[actual].notna()] if actual is not None \
            else d.iloc[:0]
        last = float(seen[actual].iloc[-1]) if len(seen) else -np.inf
        # only near the period's end does the actual end (and its label) reach the corner
        # where the plan's value stands; mid-period it ends far to the left
        near = len(seen) and (end["date"] - seen["date"].iloc[-1]) <= _NEAR_END * (
            end["date"] - d["date"].iloc[0])
        over = bool(near) and last >= float(seen[column].iloc[-1])
        # 9 pt over the actual end: clear of its label, drawn centred on it
        _label(ax, end_text(end[column]), (end["date"], last if over else end[column]), dx=0,
               dy=9 if over else 5, ha="right", va="bottom", color=_C["muted"])
    if title is not None:
        ax.set_title(title)
    _value_axis(ax.yaxis, kind, language, nbins=4, integer=integer)
    _month_axis(ax.xaxis, language)
    _clean(ax, grid="y", bottom=True)
    ax.set_xlim(*span)


# --------------------------------------------------------------------------- helpers: measures


def _measure_label(row: pd.Series, language: str) -> str:
    for col in (f"label_{language}", "label"):
        if col in row.index and not pd.isna(row[col]) and str(row[col]).strip():
            return str(row[col])
    return str(row.get("measure", ""))


def _no_rows(frame: pd.DataFrame, what: str, pilot_id: str, measure: str) -> UsageError:
    """The error for a pilot and measure ``frame`` has no rows of, listing the pairs it has."""
    pairs = sorted(set(zip(frame["pilot_id"].astype(str), frame["measure"].astype(str),
                           strict=False)))
    return UsageError(f"no {what} rows for pilot_id={pilot_id!r}, measure={measure!r}; the "
                      f"table has: {', '.join(f'{p}/{m}' for p, m in pairs) or '(none)'}.")
