"""Charts of money: the grant against fund money spent, and spending over time.

* :func:`grant_vs_spent` -- grant, money spent and forecast per pilot (portfolio report);
* :func:`cumulative_spend` -- cumulative spending against the grant spread evenly (both
  reports).

Conventions: see :mod:`pilot_eval.present.figures`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import fmt
from ..text import MIN_ELAPSED_FOR_FORECAST
from ._core import (
    _C,
    _TEXT_PT,
    Figure,
    Language,
    _axes_width_pt,
    _bar_value_axis,
    _end_labels,
    _figure,
    _finish_plan_panel,
    _flat,
    _join,
    _label,
    _lang,
    _line,
    _money,
    _money_pair,
    _MplFigure,
    _name,
    _new,
    _patch,
    _pilots_of,
    _placeholder,
    _plan_extent,
    _plan_key,
    _plan_line,
    _plan_panels,
    _require,
    _room_right,
    _rows_top_down,
    _tr,
    _wrap,
)

__all__ = ["cumulative_spend", "grant_vs_spent"]


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
    period is assumed to be spent at the average rate so far. It is drawn only once
    :data:`~pilot_eval.present.text.MIN_ELAPSED_FOR_FORECAST` of the period has passed
    (the same threshold as the running text): a month or two in, start-up costs and the
    timing of invoices dominate, and the run-rate is noise that reads as a finding.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> names = {"lekse": "Leksehjelp Øst", "jobb": "Jobbtrening"}
    >>> fig = grant_vs_spent(metrics.cost_summary(ds), names, language="en")
    >>> fig.is_chart, fig.title
    (True, 'Grant from the fund, money spent so far and forecast at period end')
    >>> print(fig.alt.replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    Bar chart: Leksehjelp Øst has spent 13% of its grant (NOK 0.19 million of NOK 1.5 million)
    with 52% of the period passed, forecast NOK 0.36 million; Jobbtrening has spent 15% of its
    grant (NOK 0.15 million of NOK 1.0 million) with 32% of the period passed, forecast NOK 0.47
    million.
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
                                       "No pilots in the table."), language=lang)
    grant = df["grant_nok"].to_numpy(float)
    spent = df["fund_cost_nok"].to_numpy(float)
    # no forecast from the first months (see Notes): text and chart use one threshold
    early = ~(df["elapsed_share"].to_numpy(float) >= MIN_ELAPSED_FOR_FORECAST)
    fc = np.where(early, np.nan, df["forecast_fund_cost_nok"].to_numpy(float))
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
            # "no forecast yet" is said once, in the caption, not on every row
            if np.isfinite(fc[i]):
                line2 = _tr(lang, "prognose {f}", "forecast {f}").format(f=_money(fc[i], lang))
                _label(ax, line1, (right, i), dx=6, dy=4.6)
                _label(ax, line2, (right, i), dx=6, dy=-5.6, color=_C["muted"])
                texts.append(f"{line1}\n{line2}")
            else:
                _label(ax, line1, (right, i), dx=6)
                texts.append(line1)
        ylabels = [_wrap(_name(names, p), 24) for p in df["pilot_id"]]
        _rows_top_down(ax, ylabels)
        ends = np.nanmax(np.vstack([grant, spent, np.where(np.isfinite(fc), fc, 0),
                                    np.zeros(n)]), axis=0)
        right = _room_right(ends, texts, axes_width_pt=_axes_width_pt(ylabels), dx_pt=6)
        ax.set_xlim(0, right if right > 0 else 1)
        _bar_value_axis(ax, "money", lang, nbins=4)
        handles = [_patch(_C["blue"], _tr(lang, "Brukt av fondsmidler", "Fund money spent")),
                   _patch(_C["track"], _tr(lang, "Tilsagn fra fondet", "Grant from the fund")),
                   _line(_C["ink"], _tr(lang, "Prognose ved periodens slutt",
                                        "Forecast at period end"),
                         marker="|", markersize=10, markeredgewidth=1.8, linestyle="none")]
        if not np.isfinite(fc).any():
            handles.pop()  # no forecast drawn: no key for it
        return fig, handles

    notes = []
    if np.isfinite(fc).any():
        notes.append(_tr(lang, "Prognosen forutsetter at pengene brukes like raskt resten av "
                               "perioden som hittil.",
                         "The forecast assumes the money is spent at the same average rate for "
                         "the rest of the period."))
    if early.any():
        which = ("" if early.all() else " " + _tr(lang, "for {p}", "for {p}").format(
            p=_join([_name(names, p) for p in df.loc[early, "pilot_id"]], lang)))
        notes.append(_tr(lang, "Ingen prognose ennå{w}: den vises først når {s} av perioden er "
                               "gått; før det sier den lite.",
                         "No forecast yet{w}: it is shown once {s} of the period has passed; "
                         "before that it says little.").format(
            w=which, s=fmt.percent(MIN_ELAPSED_FOR_FORECAST, language=lang)))
    return _figure(build, title=title, alt=alt, notes=notes, source=source, language=lang)


def cumulative_spend(cost_by_month: pd.DataFrame, names: Mapping[str, str] | None = None,
                     pilot_id: str | None = None, *, language: Language = "nb",
                     source: str | None = None,
                     start_dates: Mapping[str, Any] | pd.Series | None = None) -> Figure:
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
    start_dates : mapping or Series of pilot_id to date, optional
        The pilots' start dates (``pilots.start_date``). A pilot with no month observed has
        not started: its panel and the caption say when it starts ("Piloten starter
        1. september 2025.") instead of drawing a spending line. Without it, the first month
        of the pilot's period is taken.

    Returns
    -------
    Figure

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> names = {"lekse": "Leksehjelp Øst", "jobb": "Jobbtrening"}
    >>> fig = cumulative_spend(metrics.cost_by_month(ds), names, "lekse", language="en")
    >>> fig.is_chart, fig.title
    (True, 'Leksehjelp Øst: fund money spent, cumulative, against the grant spread evenly')
    >>> print(fig.alt.replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    Line chart: fund money spent as of 1 February 2026. Leksehjelp Øst has spent NOK 0.19
    million, against NOK 0.79 million by the plan.
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
    # a pilot with no month observed has not started: say when it starts, not "no spending"
    starts = dict(start_dates.items()) if start_dates is not None else {}
    first = pd.to_datetime(df["month"] if "month" in df else df["date"]).groupby(
        df["pilot_id"]).min()
    observed_any = df["observed"].astype(bool).groupby(df["pilot_id"]).any()
    not_started = {pid: pd.Timestamp(starts.get(pid, first.get(pid))) for pid in ids
                   if not observed_any.get(pid, False)
                   and not pd.isna(starts.get(pid, first.get(pid)))}

    def starts_on(pid: str) -> str:
        return fmt.date(not_started[pid], language=lang)

    parts = []
    for pid in ids:
        d = df[df["pilot_id"] == pid]
        obs = d[d["observed"].astype(bool) & d["cumulative_nok"].notna()]
        if pid in not_started:
            parts.append(_tr(lang, "{n} starter {d}", "{n} starts on {d}").format(
                n=_name(names, pid), d=starts_on(pid)))
            continue
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
    alt = ((_tr(lang, "Linjediagram: fondsmidler brukt per {d}. ",
                "Line chart: fund money spent as of {d}. ").format(
        d=fmt.date(as_of, language=lang)) if not pd.isna(as_of) else
        _tr(lang, "Linjediagram: plan for fondsmidlene. ", "Line chart: plan for the fund money. "))
        + "; ".join(parts) + ".")

    def build() -> tuple[_MplFigure, list[Any]]:
        fig, axes, height_pt = _plan_panels(ids)
        top, span = _plan_extent(df, ids, ["cumulative_nok", "grant_plan_cumulative_nok"])
        for ax, pid in zip(axes, ids, strict=True):
            d = df[df["pilot_id"] == pid].sort_values("date")
            obs = d[d["observed"].astype(bool) & d["cumulative_nok"].notna()]
            _plan_line(ax, d, "grant_plan_cumulative_nok")
            ax.plot(obs["date"], obs["cumulative_nok"], color=_C["blue"], lw=2.0, zorder=3)
            ax.set_ylim(0, top * 1.12 if top > 0 else 1)
            if pid in not_started:
                # top left: the plan line rises to the right, its grant label sits top right
                ax.text(0.03, 0.8, _tr(lang, "Piloten starter {d}.", "The pilot starts on {d}."
                                       ).format(d=starts_on(pid)), transform=ax.transAxes,
                        ha="left", va="center", color=_C["muted"], style="italic",
                        fontsize=_TEXT_PT, zorder=6,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 2.0})
            if not obs.empty:
                last = obs.iloc[-1]
                _end_labels(ax, [(last["date"], last["cumulative_nok"],
                                  _money(last["cumulative_nok"], lang), _C["blue"], "semibold")],
                            axes_height_pt=height_pt)
            _finish_plan_panel(
                ax, d, "grant_plan_cumulative_nok",
                lambda g: _tr(lang, "tilsagn {g}", "grant {g}").format(g=_money(g, lang)),
                title=_name(names, pid) if len(ids) > 1 else None, kind="money",
                language=lang, span=span, actual="cumulative_nok")
        handles = [_line(_C["blue"], _tr(lang, "Brukt av fondsmidler", "Fund money spent"),
                         lw=2.0),
                   _plan_key(_tr(lang, "Plan: tilsagnet fordelt jevnt over perioden",
                                 "Plan: grant spread evenly over the period"))]
        return fig, handles

    notes = []
    if any(p not in not_started for p in ids) and not pd.isna(as_of):
        notes.append(_tr(lang, "Linjen for brukte midler slutter ved statusdatoen {d}.",
                         "The spending line ends at the status date, {d}.").format(
            d=fmt.date(as_of, language=lang)))
    if len(ids) == 1 and not_started:
        notes.append(_tr(lang, "Piloten starter {d}.", "The pilot starts on {d}.").format(
            d=starts_on(ids[0])))
    elif not_started:
        notes.append(_join([_tr(lang, "{n} starter {d}", "{n} starts on {d}").format(
            n=_name(names, p), d=starts_on(p)) for p in not_started], lang) + ".")
    return _figure(build, title=title, alt=alt, notes=notes, source=source, language=lang)
