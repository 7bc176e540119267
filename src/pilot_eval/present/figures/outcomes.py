"""Charts of outcomes: estimated change, interrupted time series, before and after.

* :func:`forest` -- improvement per pilot and measure with confidence intervals;
* :func:`its_chart` -- a municipal series before and after a pilot started;
* :func:`outcome_distribution` -- a measure's distribution before and after (pilot report).

Conventions: see :mod:`pilot_eval.present.figures`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd

from ...privacy import PRIMARY, SHOWN, suppression_codes
from .. import fmt
from ._core import (
    _C,
    _TEXT_PT,
    Figure,
    Language,
    _cell_min,
    _clean,
    _empty_note,
    _facet_title,
    _figure,
    _first_upper,
    _flat,
    _hidden_label,
    _label,
    _lang,
    _line,
    _measure_label,
    _month_axis,
    _MplFigure,
    _name,
    _new,
    _no_rows,
    _patch,
    _placeholder,
    _privacy_note,
    _require,
    _tidy_number,
    _tr,
    _unit,
    _value_axis,
    _wrap,
)

__all__ = ["MIN_MONTHS_AFTER_START", "forest", "its_chart", "its_too_early",
           "measured_enough", "outcome_distribution"]

#: Months with the pilot (counting the start month) before an interrupted time series shows
#: an effect estimate. The level change is read off the months after the start against the
#: trend and season before it; with one or two post-period points it rests on one or two
#: noisy monthly counts, and a monthly indicator's month-to-month noise and seasonal swing
#: (often ±20 %) are as large as the effects a pilot can have, so an estimate such as
#: "−1 % (−22 % til +25 %)" after two months says nothing yet reads as a finding. Six
#: months give half a seasonal cycle after the start, the usual minimum for a segmented
#: regression to separate a level change from noise (Bernal, Cummins & Gasparrini 2017,
#: Int J Epidemiol 46:348; Wagner et al. 2002, J Clin Pharm Ther 27:299, who ask for
#: several points on each side). The series itself is still drawn.
MIN_MONTHS_AFTER_START = 6


def its_too_early(months_after: int, language: Language = "nb") -> str | None:
    """The sentence a report shows instead of an interrupted time series' estimate when the
    pilot has run for fewer than :data:`MIN_MONTHS_AFTER_START` months; None when not.

    Parameters
    ----------
    months_after : int
        Months since the pilot started, the start month included (``n_post`` of
        :func:`pilot_eval.metrics.outcomes.its_summary`).
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str or None

    Examples
    --------
    >>> its_too_early(2)[:36]
    'Piloten har bare vart i 2 måneder. D'
    >>> its_too_early(6) is None
    True
    """
    lang = _lang(language)
    if months_after >= MIN_MONTHS_AFTER_START:
        return None
    n = int(months_after)
    months = (_tr(lang, "{n} måned", "{n} month") if n == 1 else
              _tr(lang, "{n} måneder", "{n} months")).format(n=n)
    return _tr(lang, "Piloten har bare vart i {m}. Det er for tidlig å se en endring i kommunens "
                     "tall (vi venter til det har gått minst {k} måneder).",
               "The pilot has only been running for {m}. It is too early to see a change in "
               "the municipality's figures (we wait until at least {k} months have passed)."
               ).format(m=months, k=MIN_MONTHS_AFTER_START)


_DOT = ("Punktdiagram", "Dot plot")


def _signed(x: float, decimals: int, language: str) -> str:
    text = fmt.number(x, decimals, language=language)
    return "+" + text if np.isfinite(x) and round(x, decimals) > 0 else text


def measured_enough(outcome_summary: pd.DataFrame, min_cell_size: int) -> pd.Series:
    """Which rows of an outcome summary :func:`forest` draws: an estimate with its interval,
    resting on at least ``min_cell_size`` people measured before and after (in the pilot,
    and in the comparison group of a difference-in-differences).

    Parameters
    ----------
    outcome_summary : pandas.DataFrame
        Output of :func:`pilot_eval.metrics.outcomes.outcome_summary`.
    min_cell_size : int

    Returns
    -------
    pandas.Series of bool
        Aligned with ``outcome_summary``. When none is True the forest is one sentence, and
        a report leaves out what would say "nobody measured yet" again after it.

    Examples
    --------
    A difference-in-differences needs enough people in both groups:

    >>> summary = pd.DataFrame({"design": ["did", "pre_post", "did"],
    ...                         "n_pilot": [12, 4, 30], "n_comparison": [10, None, 3],
    ...                         "improvement": [2.6, 1.0, 0.4],
    ...                         "improvement_ci_low": [1.2, -2.0, -1.1],
    ...                         "improvement_ci_high": [4.1, 4.0, 1.9]}, index=["a", "b", "c"])
    >>> measured_enough(summary, 5).to_dict()
    {'a': True, 'b': False, 'c': False}
    """
    k = _cell_min(min_cell_size)
    _require(outcome_summary, ["design", "n_pilot", "n_comparison", "improvement",
                               "improvement_ci_low", "improvement_ci_high"],
             "pilot_eval.metrics.outcome_summary(ds)")
    f = outcome_summary
    did = (f["design"].astype(str) == "did").to_numpy()
    n_p = pd.to_numeric(f["n_pilot"]).to_numpy(float)
    n_c = pd.to_numeric(f["n_comparison"]).to_numpy(float)
    finite = np.isfinite(f[["improvement", "improvement_ci_low", "improvement_ci_high"]]
                         .to_numpy(float)).all(axis=1)
    ok = (n_p >= k) & ~(did & ~(n_c >= k)) & finite
    return pd.Series(ok, index=f.index)


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

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> names = {"lekse": "Leksehjelp Øst", "jobb": "Jobbtrening"}
    >>> fig = forest(metrics.outcome_summary(ds), names, min_cell_size=5, language="en")
    >>> fig.is_chart, fig.title
    (True, 'Change for participants by measure, with 95% confidence intervals')
    >>> print(fig.alt)  # doctest: +NORMALIZE_WHITESPACE
    Dot plot with confidence intervals, positive change is better. Leksehjelp Øst, well-being:
    +2.6 points (95% CI 1.2–4.1), uncertain whether the change is large enough (2 points
    needed).
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    df = _flat(_require(outcome_summary, ["pilot_id", "measure", "design", "n_pilot",
                                          "n_comparison", "improvement",
                                          "improvement_ci_low", "improvement_ci_high", "mid"],
                        "pilot_eval.metrics.outcome_summary(ds)"))
    title = _tr(lang, "Endring for deltakerne per resultatmål, med 95\u00a0% konfidensintervall",
                "Change for participants by measure, with 95% confidence intervals")
    if df.empty:
        return _placeholder(title, _tr(lang, "Ingen resultatmålinger ennå.",
                                       "No outcome measurements yet."), language=lang)
    est = df["improvement"].to_numpy(float)
    lo = df["improvement_ci_low"].to_numpy(float)
    hi = df["improvement_ci_high"].to_numpy(float)
    did = (df["design"].astype(str) == "did").to_numpy()
    n_p = df["n_pilot"].to_numpy(float)
    few = ~measured_enough(df, k).to_numpy(bool)
    if few.all():  # early in a pilot: a chart of empty rows says less than one sentence
        return _placeholder(
            title,
            _tr(lang, "Ingen er målt både før og etter ennå." if np.nansum(n_p) == 0 else
                "For få deltakere er målt både før og etter til å vise endringer ennå.",
                "Nobody has been measured both before and after yet." if np.nansum(n_p) == 0
                else "Too few participants are measured before and after to show changes "
                "yet."),
            language=lang)
    df = df.assign(_few=few)
    measures = list(dict.fromkeys(df["measure"].astype(str)))
    labels = {m: _measure_label(df[df["measure"].astype(str) == m].iloc[0], lang)
              for m in measures}
    units = {m: _unit(df[df["measure"].astype(str) == m].iloc[0].get("unit"), lang)
             for m in measures}
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
            if lo[i] > 0 and lo[i] >= mid:  # the whole interval above: no weaker claim
                rel = _tr(lang, ", sikkert bedre og over minste betydningsfulle endring ({m})",
                          ", clearly better and above the minimal important difference ({m})")
            elif hi[i] < mid:
                rel = _tr(lang, ", under minste betydningsfulle endring ({m})",
                          ", below the minimal important difference ({m})")
            else:
                rel = _tr(lang, ", usikkert om endringen er stor nok ({m} trengs)",
                          ", uncertain whether the change is large enough ({m} needed)")
            rel = rel.format(m=_tidy_number(mid, lang) + u)
        parts.append(head + f": {_signed(est[i], 1, lang)}{u} (" + _tr(lang, "95\u00a0% KI ", "95% CI ")
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
                _label(ax, _tr(lang, "Forbedring (95\u00a0% KI)", "Improvement (95% CI)"), (1, 1),
                       coords="axes fraction", dx=12, dy=7, va="bottom", color=_C["muted"])
                _label(ax, _tr(lang, "Antall målt", "Measured"), (1, 1),
                       coords="axes fraction", dx=148, dy=7, ha="right", va="bottom",
                       color=_C["muted"])
            u = units[m]
            note = None
            if np.isfinite(mid):
                note = _tr(lang, "minste betydningsfulle endring: {v}",
                           "minimal important difference: {v}").format(
                    v=_tidy_number(mid, lang) + (f" {u}" if u else ""))
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
            _line(_C["ink"], _tr(lang, "95\u00a0% konfidensintervall", "95% confidence interval"),
                  lw=1.3),
            _line(_C["orange"], _tr(lang, "Minste betydningsfulle endring",
                                    "Minimal important difference"), lw=1.3, ls=(0, (3, 2))),
        ]
        return fig, handles

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
    return _figure(build, title=title, alt=alt, notes=[note], source=source, language=lang)


def its_chart(its: Any, *, label: str | None = None, pilot_name: str | None = None,
              per: int = 1000, min_cell_size: int, language: Language = "nb",
              source: str | None = None, evidence_rating: str | None = None) -> Figure:
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
    evidence_rating : str, optional
        The estimate's ``evidence_rating`` (:func:`pilot_eval.metrics.outcomes.its_summary`):
        the alt text, which states the model's level change, then says how strong the
        evidence for it is, as the table beside the chart does.

    Returns
    -------
    Figure

    Notes
    -----
    Before the pilot has run for :data:`MIN_MONTHS_AFTER_START` months only the observed
    series is drawn, with no model, counterfactual or estimate; the caption says why
    (:func:`its_too_early`).

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> fig = its_chart(metrics.its_fit(ds, "meldinger"), label="Reports of concern",
    ...                 pilot_name="Leksehjelp Øst", min_cell_size=5, language="en")
    >>> fig.is_chart, fig.title
    (True, 'Reports of concern per month, before and after Leksehjelp Øst started')
    >>> print(fig.alt)  # doctest: +NORMALIZE_WHITESPACE
    Line chart: Reports of concern per 1,000 population per month from Jan 2021 to Dec 2025.
    After Leksehjelp Øst started in Feb 2025, the level was 20% lower than expected from trend
    and season; rate ratio 0.80, 95% CI 0.68–0.93.
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
            _tr(lang, "{l}: ingen måneder før eller etter at piloten startet, så utviklingen "
                      "kan ikke sammenlignes ennå.",
                "{l}: no months before or after the pilot started, so the trend cannot be "
                "compared yet.").format(l=label), language=lang)
    start = x[np.argmax(post)]
    unit = (_tr(lang, "per {p} innbyggere", "per {p} population").format(
        p=fmt.number(per, 0, language=lang)) if rate else _tr(lang, "antall", "number"))
    who = pilot_name or _tr(lang, "piloten", "the pilot")
    title = _tr(lang, "{l} per måned, før og etter at {w} startet",
                "{l} per month, before and after {w} started").format(l=label, w=who)
    too_early = its_too_early(int(post.sum()), lang)
    if too_early is not None:
        return _its_series_only(x, obs, start, title=title, label=label, unit=unit,
                                rate=rate, who=who, sentence=too_early,
                                hidden=bool(small.any()), k=k, language=lang, source=source)
    rr = getattr(its, "level_rr", None)
    rr_ci = getattr(its, "level_rr_ci", None)
    if rr is None or not np.isfinite(rr):
        rr = float(np.nanmean(fit[post]) / np.nanmean(cf[post]))
        rr_ci = None
    change = rr - 1.0
    direction = (_tr(lang, "lavere", "lower") if change < 0 else _tr(lang, "høyere", "higher"))
    ci_text = (_tr(lang, "; rateforhold {r}, 95\u00a0% KI {ci}", "; rate ratio {r}, 95% CI {ci}"
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
    if evidence_rating is not None and not pd.isna(evidence_rating):
        from ..text import evidence_word

        alt += _tr(lang, " Evidensstyrke: {e}.", " Strength of evidence: {e}.").format(
            e=evidence_word(evidence_rating, lang))

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

    note = _tr(lang, "Den stiplede linjen viser hva vi ville ventet uten piloten, ut fra "
                     "trenden og årstidsmønsteret før den startet. Avstanden mellom modellen og "
                     "den stiplede linjen er anslått effekt; den kan også skyldes andre "
                     "endringer som skjedde samtidig. Metode: avbrutt tidsserie "
                     "(kvasi-Poisson-regresjon).",
               "The dashed line shows what we would expect without the pilot, from the trend "
               "and seasonal pattern before it started. The gap between the model and the "
               "dashed line is the estimated effect; other changes at the same time may also "
               "explain it. Method: interrupted time series (quasi-Poisson regression).")
    return _figure(build, title=title, alt=alt,
                   notes=[note, _privacy_note(k, lang) if small.any() else None],
                   source=source, language=lang)


def _its_series_only(x: pd.DatetimeIndex, obs: np.ndarray, start: pd.Timestamp, *, title: str, label: str, unit: str, rate: bool,
                     who: str, sentence: str, hidden: bool, k: int, language: str,
                     source: str | None) -> Figure:
    """The series alone (no model, no counterfactual, no estimate) for a pilot that has run
    for fewer than :data:`MIN_MONTHS_AFTER_START` months; the caption says why."""
    lang = language
    alt = (_tr(lang, "Linjediagram: {l} {u} per måned fra {a} til {b}. ",
               "Line chart: {l} {u} per month from {a} to {b}. ").format(
        l=label.lower() if lang == "nb" else label, u=unit,
        a=fmt.month(x.min(), language=lang), b=fmt.month(x.max(), language=lang)) + sentence)

    def build() -> tuple[_MplFigure, list[Any]]:
        fig, axes = _new(66)
        ax = axes[0, 0]
        end = x.max() + pd.Timedelta(days=20)
        line = start - pd.Timedelta(days=15)
        ax.axvspan(line, end, color=_C["shade"], zorder=0, lw=0)
        ax.plot(x, obs, color="#8d99a6", lw=0.7, marker="o", ms=2.4, zorder=2)
        ax.axvline(line, color=_C["ink"], lw=0.8, zorder=2)
        # the start is near the right edge (a few months in): the label goes left of it
        _label(ax, _tr(lang, "{w} starter\n{s}", "{w} starts\n{s}").format(
            w=_first_upper(who), s=fmt.month(start, language=lang)), (line, 1),
            coords=("data", "axes fraction"), dx=-4, dy=-2, ha="right", va="top",
            color=_C["ink"], size=_TEXT_PT,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0, "alpha": 0.85})
        top = float(np.nanmax(obs, initial=0.0))
        ax.set_ylim(0, top * 1.15 if top > 0 else 1)
        ax.set_xlim(x.min() - pd.Timedelta(days=20), end)
        _value_axis(ax.yaxis, "number", lang, nbins=5)
        _month_axis(ax.xaxis, lang, years_only=True)
        ax.set_ylabel(_first_upper(unit) + _tr(lang, " per måned", " per month")
                      if not rate else _first_upper(unit))
        _clean(ax, grid="y", bottom=True)
        handles = [
            _line("#8d99a6", _tr(lang, "Observert", "Observed"), lw=0.7, marker="o", ms=2.4),
            _patch(_C["shade"], _tr(lang, "Perioden med piloten", "Period with the pilot")),
        ]
        return fig, handles

    return _figure(build, title=title, alt=alt,
                   notes=[sentence, _privacy_note(k, lang) if hidden else None],
                   source=source, language=lang)


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

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> names = {"lekse": "Leksehjelp Øst", "jobb": "Jobbtrening"}
    >>> fig = outcome_distribution(metrics.outcome_changes(ds), "lekse", "trivsel", names=names,
    ...                            measure_label="Well-being", unit="points", min_cell_size=5,
    ...                            language="en")
    >>> fig.is_chart, fig.title
    (True, 'Leksehjelp Øst: Well-being before and after')
    >>> print(fig.alt)  # doctest: +NORMALIZE_WHITESPACE
    Bar chart: distribution of Well-being before and after. Pilot participants (12 measured both
    times): the mean changed from 20.1 to 23.0 points. Comparison group (10 measured both
    times): the mean changed from 24.4 to 24.7 points.
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
                            language=lang)
    if not sel.any():
        raise _no_rows(df, "outcome", pilot_id, measure)
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
    marks: dict[tuple[str, str], np.ndarray] = {
        key: suppression_codes(pd.Series(c), k).to_numpy(object) for key, c in hist.items()}
    hidden = {key: m != SHOWN for key, m in marks.items()}
    # a group panel shows something only when a band of it is drawn; a panel of nothing but
    # "<5" marks would show where a handful of people scored, so it gets no marks
    shows = {g: sizes.get(g, 0) >= k
             and any(bool((hist[(g, tp)][~hidden[(g, tp)]] > 0).any())
                     for tp in ("baseline", "followup")) for g in drawn}
    if not any(shows.values()):
        m = _first_upper(label.lower() if lang == "nb" else label)
        why = (_tr(lang, "for få i hvert intervall til å vise fordelingen",
                   "too few in each band to show the distribution")
               if any(sizes.get(g, 0) >= k for g in drawn) else
               _tr(lang, "for få er målt både før og etter til å vise fordelingen",
                   "too few measured both before and after to show the distribution"))
        return _placeholder(title, _tr(lang, "{m} før og etter: {w}.",
                                       "{m} before and after: {w}.").format(m=m, w=why),
                            language=lang)
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
                for i in np.flatnonzero(h if shows[g] else np.zeros_like(h)):
                    _label(ax, _hidden_label(marks[(g, tp)][i], k, lang), (xs[i], 0), dx=0, dy=2,
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
            ax.set_xticks(edges, [_tidy_number(e, lang) for e in edges])
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

    notes = [_tr(lang, "Andel av dem som er målt både før og etter.",
                 "Share of those measured both before and after.")]
    if any(h.any() for h in hidden.values()) or any(sizes[g] < k for g in groups):
        # "skjult" marks a band hidden to protect another (k or more people in it)
        skjult = any(bool((hidden[(g, tp)] & (marks[(g, tp)] != PRIMARY)).any())
                     for g in drawn if shows[g] for tp in ("baseline", "followup"))
        notes.append(_privacy_note(k, lang, hidden=skjult))
    return _figure(build, title=title, alt=alt, notes=notes, source=source, language=lang)
