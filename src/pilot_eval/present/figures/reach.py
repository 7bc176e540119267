"""Charts of reach: enrolment, coverage, who is reached and where participants are now.

* :func:`enrolment_vs_target` -- participants enrolled and active against the target;
* :func:`coverage` -- share of the target population reached;
* :func:`reach_breakdown` -- participants by area, gender or age group;
* :func:`completion` -- completed, dropped out, moved, active.

Conventions: see :mod:`pilot_eval.present.figures`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from ...errors import UsageError
from ...privacy import PRIMARY, SHOWN, suppression_codes, table_disclosure_codes
from .. import fmt
from ._core import (
    _C,
    _HATCH,
    _TEXT_PT,
    Figure,
    Language,
    _axes_width_pt,
    _bar_value_axis,
    _cell_min,
    _clean,
    _drawn_rounded,
    _empty_note,
    _end_labels,
    _figure,
    _finish_plan_panel,
    _first_upper,
    _flat,
    _hidden_label,
    _hide_small,
    _join,
    _label,
    _lang,
    _line,
    _MplFigure,
    _name,
    _new,
    _patch,
    _pilot_title,
    _pilots_of,
    _placeholder,
    _plan_extent,
    _plan_key,
    _plan_line,
    _plan_panels,
    _privacy_note,
    _require,
    _room_right,
    _rounded_line,
    _rounded_note,
    _rounded_to,
    _rows_top_down,
    _small_multiples,
    _text_width_pt,
    _tr,
    _value_axis,
    _wrap,
)

__all__ = ["completion", "coverage", "enrolment_vs_target", "reach_breakdown"]


def enrolment_vs_target(enrolment_by_month: pd.DataFrame,
                        names: Mapping[str, str] | None = None, pilot_id: str | None = None, *,
                        min_cell_size: int, language: Language = "nb",
                        source: str | None = None,
                        reach_summary: pd.DataFrame | None = None) -> Figure:
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
    reach_summary : pandas.DataFrame, optional
        :func:`pilot_eval.metrics.reach.reach_summary` at the same date. Where its
        ``active`` count is hidden (:func:`pilot_eval.privacy.disclosure_codes`: it
        protects a small count of leavers, which the other tables' counts would give
        away), the active line ends rounded to ``min_cell_size`` and is labelled "ca.".
        Without it every end is exact.

    Returns
    -------
    Figure

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> names = {"lekse": "Leksehjelp Øst", "jobb": "Jobbtrening"}
    >>> fig = enrolment_vs_target(metrics.enrolment_by_month(ds), names, "lekse", min_cell_size=5,
    ...                           language="en")
    >>> fig.is_chart, fig.title
    (True, 'Leksehjelp Øst: participants enrolled and active, against the reach target')
    >>> print(fig.alt.replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    Line chart: participants as of 1 February 2026. Leksehjelp Øst: 12 enrolled against 21 by
    the target, 10 active.
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    rough = _active_hidden(reach_summary, k)
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
            a=_active_text(last["active"], str(pid) in rough, k, lang)))
    as_of = df.loc[df["observed"].astype(bool), "date"].max()
    alt = (_tr(lang, "Linjediagram: deltakere per {d}. ", "Line chart: participants as of {d}. "
               ).format(d=fmt.date(as_of, language=lang)) + "; ".join(parts) + ".")

    def build() -> tuple[_MplFigure, list[Any]]:
        fig, axes, height_pt = _plan_panels(ids)
        top, span = _plan_extent(df, ids, ["enrolled_cumulative", "reach_target_line"])
        for ax, pid in zip(axes, ids, strict=True):
            d = df[df["pilot_id"] == pid].sort_values("date")
            obs = d[d["observed"].astype(bool)]
            _plan_line(ax, d, "reach_target_line")
            # The lines' SVG coordinates are exact: drawn rounded to k (the ends, which are
            # labelled, exact), so that with the pilot report's monthly bars they give no
            # small or hidden month away by subtraction.
            active_line = (_rounded_to(obs["active"], k) if str(pid) in rough
                           else _rounded_line(obs["active"], k))
            ax.plot(obs["date"], active_line, color=_C["sky"], lw=1.5, zorder=3)
            ax.plot(obs["date"], _rounded_line(obs["enrolled_cumulative"], k),
                    color=_C["blue"], lw=2.0, zorder=4)
            ax.set_ylim(0, top * 1.12 if top > 0 else 1)
            if obs.empty or not (raw_enrolled[obs.index].fillna(0) > 0).any():
                _empty_note(ax, _tr(lang, "Ingen påmeldt ennå", "Nobody enrolled yet"))
            ok = obs[obs["enrolled_cumulative"].notna()]
            if ok.empty and (raw_enrolled[obs.index].fillna(0) > 0).any():
                # a few enrolled: no line is drawn, so say it where the line would end
                _label(ax, _tr(lang, "<{k} påmeldt", "<{k} enrolled").format(k=k),
                       (obs["date"].iloc[-1], 0), dx=2, dy=9, va="bottom", color=_C["muted"],
                       zorder=6, bbox={"boxstyle": "square,pad=0.15", "fc": "white",
                                       "ec": "none"})
            if not ok.empty:
                last = ok.iloc[-1]
                ends = [(last["date"], last["enrolled_cumulative"],
                         fmt.count(last["enrolled_cumulative"], k, language=lang), _C["blue"],
                         "semibold")]
                # everyone still active: the lines end together, one label says it ("24",
                # not "24" over "24")
                if str(pid) in rough:  # hidden in the tables: rounded here too
                    a = float(_rounded_to(pd.Series([last["active"]]), k).iloc[0])
                    ends.append((last["date"], a, _active_text(last["active"], True, k, lang),
                                 _C["sky"], "normal"))
                elif not last["active"] == last["enrolled_cumulative"]:
                    ends.append((last["date"], last["active"],
                                 fmt.count(last["active"], k, language=lang), _C["sky"],
                                 "normal"))
                _end_labels(ax, ends, axes_height_pt=height_pt)
            _finish_plan_panel(
                ax, d, "reach_target_line",
                lambda t: _tr(lang, "mål {t}", "target {t}").format(
                    t=fmt.number(t, 0, language=lang)),
                title=_name(names, pid) if len(ids) > 1 else None, kind="number",
                language=lang, span=span, integer=True, actual="enrolled_cumulative")
        handles = [_line(_C["blue"], _tr(lang, "Påmeldt i alt", "Enrolled in total"), lw=2.0),
                   _line(_C["sky"], _tr(lang, "Aktive deltakere", "Active participants"),
                         lw=1.5),
                   _plan_key(_tr(lang, "Mål, fordelt jevnt over perioden",
                                 "Target, spread evenly over the period"))]
        return fig, handles

    observed = df[df["observed"].astype(bool) & df["pilot_id"].isin(ids)].sort_values("date")
    rounded = any(_drawn_rounded(line[column], k)  # as build() draws them: per pilot
                  for _, line in observed.groupby("pilot_id", sort=False)
                  for column in ("enrolled_cumulative", "active"))
    return _figure(build, title=title, alt=alt,
                   notes=[_privacy_note(k, lang) if hidden_any else None,
                          _rounded_note("enrolled_active", k, lang) if rounded else None,
                          _tr(lang, "Der antallet aktive er skjult i tabellene (det ville ellers "
                                    "vise et lite antall som har sluttet), er også enden av "
                                    "linjen avrundet («ca.»).",
                              "Where the number of active participants is hidden in the tables "
                              "(it would otherwise give away a small number who left), the "
                              "line's end is rounded too (\"about\").")
                          if rough & set(map(str, ids)) else None],
                   source=source, language=lang)


def _active_hidden(reach_summary: pd.DataFrame | None, k: int) -> set[str]:
    """Pilots whose count of active participants the disclosure model hides."""
    if reach_summary is None or "active" not in reach_summary.columns:
        return set()
    codes = table_disclosure_codes("reach", reach_summary, k)["active"]
    ids = _flat(reach_summary)["pilot_id"].astype(str).to_numpy()
    return {pid for pid, c in zip(ids, codes.to_numpy(), strict=True) if c != SHOWN}


def _active_text(active: float, rough: bool, k: int, lang: str) -> str:
    """The number of active participants, or "ca. 30" when it is hidden in the tables."""
    if not rough or pd.isna(active):
        return fmt.count(active, k, language=lang)
    a = float(_rounded_to(pd.Series([float(active)]), k).iloc[0])
    return _tr(lang, "ca. {a}", "about {a}").format(a=fmt.number(a, 0, language=lang))


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

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> names = {"lekse": "Leksehjelp Øst", "jobb": "Jobbtrening"}
    >>> fig = coverage(metrics.reach_summary(ds), names, min_cell_size=5, language="en")
    >>> fig.is_chart, fig.title
    (True, 'Coverage of the target population')
    >>> print(fig.alt)  # doctest: +NORMALIZE_WHITESPACE
    Bar chart: share of the target population reached. Leksehjelp Øst 0.7% (12 of 1,620);
    Jobbtrening: fewer than 5 participants.
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
        _rows_top_down(ax, ylabels)
        right = _room_right(np.nan_to_num(share), texts, axes_width_pt=_axes_width_pt(ylabels))
        ax.set_xlim(0, max(right, top * 1.05) if top > 0 else 0.01)
        _bar_value_axis(ax, "percent", lang, nbins=4)
        return fig, None

    note = _tr(lang, "Andelen er påmeldte deltakere delt på antall personer i målgruppen "
                     "(alder og område) i befolkningstallene.",
               "The share is participants enrolled divided by the people in the target group "
               "(ages and areas) in the population figures.")
    return _figure(build, title=title, alt=alt,
                   notes=[note, _privacy_note(k, lang) if small.any() else None],
                   source=source, language=lang)


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


def _ticks_clear_of_edge(top: float) -> list[float]:
    """Share ticks for a panel running from 0 to ``top``, none in its right-hand 15 %:
    0, 50 % (or finer steps when 50 % would be the only other one and sits at the edge).

    >>> [round(t, 2) for t in _ticks_clear_of_edge(1.07)], _ticks_clear_of_edge(0.55)
    ([0.0, 0.5], [0.0, 0.2, 0.4])
    """
    ticks: list[float] = []
    for nbins in (3, 5):
        values = mticker.MaxNLocator(nbins=nbins, steps=[1, 2, 5, 10]).tick_values(0, top)
        ticks = [float(t) for t in values if 0 <= t <= 0.85 * top]
        if len(ticks) >= 2:
            break
    return ticks


def reach_breakdown(reach_by_frame: pd.DataFrame, by: Literal["area", "gender", "age_group"],
                    names: Mapping[str, str] | None = None, pilot_id: str | None = None, *,
                    min_cell_size: int, language: Language = "nb",
                    source: str | None = None,
                    target_notes: Mapping[str, Any] | pd.Series | None = None) -> Figure:
    """Who is reached: participants by area, gender or age group, next to the target group.

    One panel per pilot. The bar is the group's share of the pilot's participants; the
    black mark the group's share of the pilot's target population (where the population
    figures tell), so over- and under-represented groups stand out.

    A pilot with no participants, with fewer than ``min_cell_size``, or whose groups are all
    too small to show (so only the pooled "others" bar would be left) gets no panel: the
    caption names it and says why. When no pilot has a panel, the result is that sentence
    alone (:attr:`Figure.is_chart` is False).

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
        Groups with ``0 < enrolled < min_cell_size`` are not drawn ("<5"), nor the others
        hidden with them ("skjult", see Notes); a pilot with
        ``0 < participants < min_cell_size`` is not broken down at all (its groups would
        describe two to four identifiable people).
    language : {"nb", "en"}, default "nb"
    source : str, optional
    target_notes : mapping or Series of pilot_id to str, optional
        Why a pilot's target population is unknown: the ``coverage_note`` column of
        :func:`pilot_eval.metrics.reach.reach_summary` (``population_has_no_areas``, …).
        The caption then gives that reason where the target population's shares are
        missing; without it, it says the population figures are not split by ``by``.

    Returns
    -------
    Figure

    Notes
    -----
    The pilot's number of participants is published elsewhere, so every count it is made
    of -- people whose area, gender or age is unknown included -- goes through the one
    suppression rule, :func:`pilot_eval.privacy.suppression_mask`, with the pilot as the
    group: a small group (``0 < n < min_cell_size``, "<5") is hidden together with the
    smallest others ("skjult") until at least two are hidden and they add up to
    ``min_cell_size`` or more. Shares are of all the pilot's participants, so the shown
    shares and the total give away only that sum, which the chart draws as one bar,
    "Andre, samlet". People of unknown group that are not hidden are drawn as "Ukjent".
    The target marks are the groups' shares of the pilot's target population.
    Groups nobody is enrolled in and that are outside every target population shown are
    left out (for example age groups outside all pilots' target ages).

    Examples
    --------
    One pilot, 58 participants by gender; the 3 of unknown gender are too few to show, so
    the boys are hidden with them and both are drawn as one bar:

    >>> import pandas as pd
    >>> from pilot_eval.present.figures import reach_breakdown
    >>> groups = pd.MultiIndex.from_product([["mentor"], ["female", "male", "unknown"]],
    ...                                     names=["pilot_id", "gender"])
    >>> by_gender = pd.DataFrame({"enrolled": [30, 25, 3],
    ...                           "share": [30 / 58, 25 / 58, 3 / 58],
    ...                           "target_share": [0.49, 0.51, None]}, index=groups)
    >>> fig = reach_breakdown(by_gender, "gender", {"mentor": "Mentorordningen"},
    ...                       min_cell_size=5, language="en")
    >>> fig.is_chart, fig.svg.startswith("<svg") or fig.svg.startswith("<?xml")
    (True, True)
    >>> print(fig.alt)  # doctest: +NORMALIZE_WHITESPACE
    Bar chart: participants by gender. Largest groups: Mentorordningen: female 52%
    (target population 49%) and others, combined 48% (target population 51%).
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
    word = _BY_WORDS[by][0 if lang == "nb" else 1]
    # what each pilot can show, from the exact counts (nothing of them is drawn)
    df["enrolled"] = pd.to_numeric(df["enrolled"], errors="coerce").fillna(0.0)
    known = df[df["group"] != "unknown"]
    total = df.groupby("pilot_id")["enrolled"].sum().reindex(ids, fill_value=0)
    known_total = known.groupby("pilot_id")["enrolled"].sum().reindex(ids, fill_value=0)
    raw_target = known.groupby("pilot_id")["target_share"].apply(
        lambda t: bool(t.notna().any())).reindex(ids, fill_value=False)
    # The pilot's total is published, so every count it is made of -- "unknown" too -- goes
    # through the one rule: a hidden cell always has company, and the hidden cells add up to
    # at least k. Shares are of the pilot's total, so nothing else is left out.
    cells = pd.Series(df["enrolled"].to_numpy(float), index=pd.MultiIndex.from_arrays(
        [df["pilot_id"], df["group"]], names=["pilot_id", "group"]))
    marks = suppression_codes(cells, k, groups="pilot_id").to_numpy(object)
    df["hidden"], df["primary"] = marks != SHOWN, marks == PRIMARY
    # the hidden cells are drawn as one "others" bar (their sum can be worked out from the
    # total anyway, and the rule keeps it at k or more), so the bars add up to 100 %
    other = _tr(lang, "Andre, samlet", "Others, combined")
    pooled = df[df["hidden"]].groupby("pilot_id").agg(
        enrolled=("enrolled", "sum"),
        target_share=("target_share", lambda t: t.sum(min_count=1)))
    pooled = pooled[pooled["enrolled"] >= k]
    if len(pooled):
        df = pd.concat([df, pooled.reset_index().assign(group=other, hidden=False,
                                                        primary=False)],
                       ignore_index=True)
    # A pilot shows a panel only when a group of its own is drawn: with none, or with only
    # "others" and "unknown", the panel would say nothing.
    own = (~df["hidden"].astype(bool) & (df["enrolled"] > 0)
           & ~df["group"].isin([other, "unknown"]))
    has_own = own.groupby(df["pilot_id"]).any().reindex(ids, fill_value=False)
    why_not: dict[str, str] = {}  # pilot → why it has no panel (a key of _NO_PANEL)
    for pid in ids:
        if total[pid] <= 0:
            why_not[pid] = "none"
        elif total[pid] < k:
            why_not[pid] = "few"
        elif known_total[pid] <= 0:
            why_not[pid] = "unknown"
        elif not has_own[pid]:
            why_not[pid] = "groups"
    shown_ids = [p for p in ids if p not in why_not]
    title_plain = _tr(lang, "Deltakerne etter {w}", "Participants by {w}").format(w=word)
    if not shown_ids:
        return _placeholder(title_plain, _not_broken_down(ids, why_not, names, k, word, lang),
                            language=lang)
    df = df[df["pilot_id"].isin(shown_ids)].copy()
    hide = df["hidden"].to_numpy(bool)
    enrolled = df["enrolled"].to_numpy(float)
    base = df["pilot_id"].map(total).to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["shown_share"] = np.where(hide | (base <= 0), np.nan, enrolled / base)
        # the target population's shares are of its whole, like the participants' of theirs
        df["target_share"] = np.where(hide, np.nan, df["target_share"].to_numpy(float))
    groups = list(dict.fromkeys(df["group"]))
    keep = (df.groupby("group", sort=False)
              .apply(lambda g: bool((g["enrolled"] > 0).any()
                                    or (g["target_share"].fillna(0) > 0).any()),
                     include_groups=False))
    groups = [g for g in groups if keep.get(g, True)]
    # "unknown", then the pooled bar, go last
    groups = ([g for g in groups if g not in (other, "unknown")]
              + [g for g in ("unknown", other) if g in groups])
    df = df[df["group"].isin(groups)]
    has_target = bool(df["target_share"].notna().any())
    title = (_tr(lang, "Deltakerne etter {w}, sammenlignet med målgruppen",
                 "Participants by {w}, compared with the target population")
             if has_target else title_plain).format(w=word)
    multi = len(ids) > 1  # a portfolio chart names its pilots, also when one panel is left
    if not multi:
        title = _pilot_title(title, _name(names, ids[0]))
    parts = []
    for pid in shown_ids:
        d = df[df["pilot_id"] == pid].sort_values("shown_share", ascending=False)
        top = d[d["shown_share"].notna() & (d["enrolled"] > 0)].head(2)
        bits = []
        for _, r in top.iterrows():
            label = _group_label(by, r["group"], lang)  # an area is a place: its capital stays
            place = by == "area" and r["group"] not in ("unknown", other)
            label = label if place else label.lower()
            b = f"{label} {fmt.percent(r['shown_share'], language=lang)}"
            if np.isfinite(r["target_share"]):
                b += _tr(lang, " (målgruppen {t})", " (target population {t})").format(
                    t=fmt.percent(r["target_share"], language=lang))
            bits.append(b)
        # no count here: with the pilot's total known elsewhere, the count of the groups
        # drawn would give away the hidden ones
        parts.append(f"{_name(names, pid)}: " + _join(bits, lang))
    parts += [f"{_name(names, pid)}: {_no_panel(why, k, word, lang)}"
              for pid, why in why_not.items()]
    alt = (_tr(lang, "Stolpediagram: deltakernes fordeling etter {w}. Største grupper: ",
               "Bar chart: participants by {w}. Largest groups: ").format(w=word)
           + "; ".join(parts) + ".")
    ylabels = [_group_label(by, g, lang) for g in groups]
    ncols = min(len(shown_ids), 4)
    label_dx = 5.0  # points between a value label and the bar end or target mark before it
    top_share = float(np.nanmax(np.concatenate([df["shown_share"].to_numpy(float),
                                                df["target_share"].to_numpy(float), [0.0]])))
    ends = np.fmax(df["shown_share"].to_numpy(float),
                   np.nan_to_num(df["target_share"].to_numpy(float), nan=-np.inf))
    texts = [fmt.percent(v, language=lang) if np.isfinite(v) else ""
             for v in df["shown_share"].to_numpy(float)]
    # the panels share their row labels (sharey): they stand once, left of the first
    axes_pt = _axes_width_pt(ylabels, ncols=ncols, shared_labels=True)
    right = _room_right(np.where(np.isfinite(df["shown_share"].to_numpy(float)), ends, np.nan),
                        texts, axes_width_pt=axes_pt, dx_pt=label_dx)
    xmax = max(right, top_share * 1.05) if top_share > 0 else 1.0

    def build() -> tuple[_MplFigure, list[Any]]:
        n_groups = len(groups)
        # compact rows: 8 pt labels need no more than 4.9 mm
        # the rows are labelled once, left of the first panel of each row of panels; the
        # others have no y ticks at all (shared, they would make and place a tick per row
        # that draws nothing: a quarter of the chart's time)
        fig, axes = _small_multiples(shown_ids, 13 + 4.9 * n_groups, max_cols=ncols,
                                     sharex=True)
        width = max(12, int(110 / ncols / 4.6))
        y = np.arange(n_groups)
        for ax, pid in zip(axes, shown_ids, strict=True):
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
                    code = PRIMARY if bool(d["primary"].iloc[i]) else SHOWN
                    _label(ax, _hidden_label(code, k, lang), (0, i), dx=3,
                           color=_C["muted"], size=_TEXT_PT)
                elif np.isfinite(sh[i]):
                    # the value stays by its bar: after the bar's end when it fits before a
                    # target mark further out; else inside the bar's end (white on blue,
                    # 5.1:1) when the bar is long enough; else after the mark, never touching
                    # it ("|48 %" reads as the mark's value)
                    text = fmt.percent(sh[i], language=lang)
                    width = _text_width_pt(text)
                    room = (width + 2 * label_dx + 2.0) * xmax / axes_pt
                    if not ok[i] or ts[i] <= sh[i] or ts[i] - sh[i] >= room:
                        _label(ax, text, (sh[i], i), dx=label_dx, size=_TEXT_PT,
                               color=_C["ink"] if sh[i] > 0 else _C["muted"])
                    elif sh[i] * axes_pt / xmax >= width + 6.0:
                        _label(ax, text, (sh[i], i), dx=-3.0, ha="right", size=_TEXT_PT,
                               color="white", zorder=4)
                    else:
                        _label(ax, text, (ts[i], i), dx=label_dx, size=_TEXT_PT,
                               color=_C["ink"])
            if multi:
                ax.set_title(_wrap(_name(names, pid), width))
            if axes.index(ax) % ncols == 0:
                _rows_top_down(ax, ylabels)
            else:
                ax.yaxis.set_major_locator(mticker.NullLocator())
                ax.set_ylim(n_groups - 0.5, -0.5)
            ax.set_xlim(0, xmax)
            _bar_value_axis(ax, "percent", lang, nbins=3)
            if multi:  # no tick at a panel's right edge, where it runs into the next one's 0
                ax.set_xticks(_ticks_clear_of_edge(xmax))
        handles = [_patch(_C["blue"], _tr(lang, "Andel av deltakerne", "Share of participants"))]
        if has_target:
            handles.append(_line(_C["ink"], _tr(lang, "Andel av målgruppen",
                                                "Share of the target population"),
                                 marker="|", markersize=9, markeredgewidth=1.6,
                                 linestyle="none"))
        return fig, handles

    notes = []
    if why_not:
        notes.append(_tr(lang, "Ikke vist: {x}.", "Not shown: {x}.").format(x=_join(
            [f"{_name(names, p)} ({_no_panel(w, k, word, lang)})" for p, w in why_not.items()],
            lang)))
    pooled = pooled[pooled.index.isin(shown_ids)]
    if df["hidden"].any():
        notes.append(_tr(lang, "Grupper med færre enn {k} deltakere vises som «<{k}» av "
                               "personvernhensyn",
                         "Groups with fewer than {k} participants show as \"<{k}\" for "
                         "privacy").format(k=k)
                     + (_tr(lang, "; de er slått sammen med andre i «{o}».",
                            "; they are pooled with others in \"{o}\".").format(o=other)
                        if len(pooled) else "."))
    if (df["hidden"] & ~df["primary"].astype(bool)).any():
        notes.append(_tr(lang, "«Skjult»: vises ikke, fordi tallet sammen med summen ville "
                               "avsløre en liten gruppe.",
                         "\"Hidden\": not shown, because with the total it would reveal a "
                         "small group."))
    if (df["group"] == "unknown").any() and (df.loc[df["group"] == "unknown", "enrolled"]
                                              > 0).any():
        notes.append(_tr(lang, "Andelene er av alle deltakerne, også dem med ukjent {w}.",
                         "Shares are of all participants, including those whose {w} is "
                         "unknown.").format(w=word))
    notes.append(_target_note([p for p in shown_ids if not raw_target[p]],
                              any(raw_target[p] for p in shown_ids), by, word, target_notes,
                              names, multi, lang)
                 or (_tr(lang, "Målgruppens andel mangler der befolkningstallene ikke har "
                               "gruppen.",
                         "The target population's share is missing where the population "
                         "figures do not have the group.")
                     if has_target and _target_gap(df, raw_target) else None))
    return _figure(build, title=title, alt=alt, notes=notes, source=source, language=lang)


_NO_PANEL = {
    "none": ("ingen deltakere ennå", "no participants yet"),
    "few": ("færre enn {k} deltakere", "fewer than {k} participants"),
    "unknown": ("{w} er ukjent for deltakerne", "the participants' {w} is unknown"),
    "groups": ("for få i hver gruppe", "too few in each group"),
}


def _no_panel(why: str, k: int, word: str, lang: str) -> str:
    """Why a pilot has no panel, in a few words ("færre enn 5 deltakere")."""
    return _tr(lang, *_NO_PANEL[why]).format(k=k, w=word)


def _not_broken_down(ids: list[str], why_not: Mapping[str, str],
                     names: Mapping[str, str] | None, k: int, word: str, lang: str) -> str:
    """The sentence that stands for a breakdown with no pilot to draw."""
    if len(ids) == 1:
        why = why_not[ids[0]]
        if why == "few":
            return _tr(lang, "Færre enn {k} deltakere: fordelingen vises ikke.",
                       "Fewer than {k} participants: the distribution is not shown.").format(k=k)
        if why == "groups":
            return _tr(lang, "Deltakerne etter {w}: for få i hver gruppe til å vise "
                             "fordelingen.",
                       "Participants by {w}: too few in each group to show the "
                       "distribution.").format(w=word)
        return _first_upper(_no_panel(why, k, word, lang)) + "."
    return (_tr(lang, "Fordelingen etter {w} vises ikke ennå: ",
                "The distribution by {w} is not shown yet: ").format(w=word)
            + "; ".join(f"{_name(names, p)}: {_no_panel(w, k, word, lang)}"
                        for p, w in why_not.items()) + ".")


def _target_gap(df: pd.DataFrame, raw_target: pd.Series) -> bool:
    """A group drawn with participants but no target share, in a pilot that has target
    shares (hidden groups have none by design; pilots with none are said apart)."""
    drawn = ~df["hidden"].astype(bool) & (df["enrolled"] > 0)
    with_target = df["pilot_id"].map(raw_target).astype(bool)
    return bool((drawn & with_target & df["target_share"].isna()).any())


def _target_note(missing: list[str], some: bool, by: str, word: str,
                 target_notes: Mapping[str, Any] | pd.Series | None,
                 names: Mapping[str, str] | None, multi: bool, lang: str) -> str | None:
    """Why the target population's shares are missing for the pilots ``missing`` (drawn
    pilots with no target share in any group), with the real reason where it is known:
    "the population figures are not split by the pilot's areas" rather than "not split by
    gender" when other pilots show gender shares."""
    if not missing:
        return None
    notes = dict(target_notes.items()) if target_notes is not None else {}
    reasons: dict[str, list[str]] = {}
    for pid in missing:
        code = notes.get(pid)
        code = None if code is None or pd.isna(code) else str(code)
        if code in _COVERAGE_WHY and not (by == "area" and code == "population_has_no_areas"):
            why = _COVERAGE_WHY[code][0 if lang == "nb" else 1]
        else:
            # by area, "not split by the pilot's areas" is the same fact as for every pilot:
            # one reason, said once
            why = _tr(lang, "befolkningstallene er ikke delt på {w}",
                      "the population figures are not split by {w}").format(w=word)
        reasons.setdefault(why, []).append(pid)
    out = []
    for why, pids in reasons.items():
        if not multi or (not some and len(reasons) == 1):
            out.append(_tr(lang, "Målgruppens fordeling kan ikke vises: {w}.",
                           "The target population's distribution cannot be shown: {w}."
                           ).format(w=why))
        else:
            out.append(_tr(lang, "Målgruppens fordeling mangler for {p}: {w}.",
                           "The target population's distribution is missing for {p}: {w}."
                           ).format(p=_join([_name(names, p) for p in pids], lang), w=why))
    return " ".join(out)


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

    Examples
    --------
    Fewer than five completed or dropped out, so those shares are hidden:

    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> names = {"lekse": "Leksehjelp Øst", "jobb": "Jobbtrening"}
    >>> fig = completion(metrics.reach_summary(ds), names, min_cell_size=5, language="en")
    >>> fig.is_chart, fig.title
    (True, "Participants' status: completed, dropped out, moved and active")
    >>> print(fig.alt)  # doctest: +NORMALIZE_WHITESPACE
    Bar chart: Leksehjelp Øst (12 participants): 0% moved, 0% other exit, some hidden;
    Jobbtrening (<5 participants): 0% dropped out, 0% moved, 0% other exit, some hidden.
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    cols = [c for c, *_ in _STATUS_PARTS]
    df = _flat(_require(reach_summary, ["pilot_id", "enrolled", *cols],
                        "pilot_eval.metrics.reach_summary(ds)"))
    n = len(df)
    counts = df[cols].to_numpy(float)
    # the one model: the same parts hidden as in the reach table and the workbook
    codes = table_disclosure_codes("reach", df.set_index("pilot_id"), k)
    hide = codes[cols].ne(SHOWN).to_numpy(bool)
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
    # a "skjult" part is drawn in a bar that shows another part too
    skjult_drawn = bool((hide.any(axis=1) & ((counts > 0) & ~hide).any(axis=1)).any())

    def build() -> tuple[_MplFigure, list[Any]]:
        fig, axes = _new(4 + 11.5 * max(n, 1))
        ax = axes[0, 0]
        for i in range(n):
            left = 0.0
            if total[i] <= 0:
                continue
            if not ((counts[i] > 0) & ~hide[i]).any():
                # every part hidden: a bar that is all "skjult" says nothing; say why instead
                _label(ax, _tr(lang, "For få deltakere til å vise status",
                               "Too few participants to show their status"), (0, i), dx=3,
                       color=_C["muted"], style="italic")
                _label(ax, _tr(lang, "for få", "too few"), (1, i), dx=8, color=_C["muted"])
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
                    text, tc = _hidden_label(SHOWN, k, lang), _C["ink"]
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
        _rows_top_down(ax, [
            _wrap(_name(names, p), 24) + "\n" + _tr(lang, "{t} deltakere", "{t} participants")
            .format(t=fmt.count(total[i], k, language=lang))
            for i, p in enumerate(df["pilot_id"])])
        ax.set_xlim(0, 1)
        _value_axis(ax.xaxis, "percent", lang, nbins=5)
        _clean(ax, grid=None)
        ax.tick_params(axis="y", length=0, pad=5)
        ax.tick_params(axis="x", length=0, pad=3)
        for lbl in ax.get_yticklabels():
            lbl.set_linespacing(1.35)
        handles = [_patch(_C[c], lab[0 if lang == "nb" else 1]) for _, lab, c in _STATUS_PARTS]
        if skjult_drawn:
            handles.append(_patch("white", _tr(lang, "Skjult av personvernhensyn",
                                               "Suppressed for privacy"),
                                  edgecolor=_C["rule"], hatch=_HATCH, hatchcolor=_C["rule"],
                                  linewidth=0.6))
        return fig, handles

    note = _tr(lang, "Fullføringsgrad = fullført / (fullført + avbrutt); de som flyttet eller "
                     "sluttet av andre grunner er ikke med.",
               "Completion rate = completed / (completed + dropped out); those who moved or "
               "left for other reasons are left out.")
    return _figure(build, title=title, alt=alt,
                   notes=[note, _privacy_note(k, lang, hidden=skjult_drawn)
                          if hide.any() else None],
                   source=source, language=lang)
