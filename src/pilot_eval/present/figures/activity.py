"""Charts of activity: attendance per month and hours per participant (the pilot report).

* :func:`monthly_activity` -- hours attended, new and active participants per month;
* :func:`dosage` -- participants by hours attended, in bands.

Both aggregate the sessions table themselves (the metrics package has no attendance tables
yet); no person's value goes further than the aggregation.

Conventions: see :mod:`pilot_eval.present.figures`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ...errors import UsageError
from ...privacy import PRIMARY, SHOWN, suppression_codes, suppression_mask
from .. import fmt
from ._core import (
    _C,
    _TEXT_PT,
    Figure,
    Language,
    _cell_min,
    _clean,
    _drawn_rounded,
    _figure,
    _first_upper,
    _flat,
    _hidden_label,
    _join,
    _label,
    _lang,
    _line,
    _month_axis,
    _MplFigure,
    _name,
    _new,
    _patch,
    _pilot_title,
    _pilots_of,
    _placeholder,
    _privacy_note,
    _require,
    _rounded_line,
    _rounded_note,
    _rounded_to,
    _small_multiples,
    _tidy_number,
    _tr,
    _value_axis,
)
from .reach import _active_hidden, _active_text

__all__ = ["dosage", "monthly_activity"]


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


def hidden_new_months(months: pd.Series, new: np.ndarray, min_cell_size: int) -> np.ndarray:
    """Which months' new participants a chart hides.

    The pilot's total is published (its participants), so the rule runs over all its
    months. Quarterly reports publish more: what a quarter added is one report's count
    less the last one's, whenever both are shown (at least ``min_cell_size``, or zero
    before the start). Such a quarter's months are one more group of the rule, and a
    quarter left with a single hidden month (hidden over the whole period) gets its
    smallest shown month hidden too: its sum less the others would give it.

    Here December's 2 is hidden with August's 5 over the whole period, and with October's
    6 within the fourth quarter; July is hidden so that the third quarter's sum does not
    give August back:

    >>> months = pd.Series(pd.date_range("2025-07-01", periods=6, freq="MS"))
    >>> hidden_new_months(months, np.array([30, 5, 30, 6, 0, 2]), 5).tolist()
    [True, True, False, True, False, True]
    """
    return _new_month_codes(months, new, min_cell_size) != SHOWN


def _new_month_codes(months: pd.Series, new: np.ndarray, min_cell_size: int) -> np.ndarray:
    """The marks of :func:`hidden_new_months`: ``PRIMARY`` ("<5"), ``COMPLEMENTARY``
    ("skjult") or ``SHOWN``, by :func:`pilot_eval.privacy.suppression_codes` over the
    whole period and every quarter whose sum is published."""
    k = int(min_cell_size)
    new = np.asarray(new, dtype=float)
    hide = suppression_mask(pd.Series(new), k).to_numpy(bool, copy=True)
    quarter = pd.to_datetime(pd.Series(months)).dt.to_period("Q").to_numpy()
    count = np.cumsum(new)
    published = []
    for q in pd.unique(quarter):
        at = np.flatnonzero(quarter == q)
        before = count[at[0]] - new[at[0]]
        if (before == 0 or before >= k) and count[at[-1]] >= k:
            published.append(at)
            hide[at] |= suppression_mask(pd.Series(new[at]), k).to_numpy(bool)
    for at in published:  # a few quarters per pilot
        shown = at[~hide[at] & (new[at] > 0)]
        if hide[at].sum() == 1 and len(shown):
            hide[shown[np.argmin(new[shown])]] = True
    return suppression_codes(pd.Series(new), k, hidden=hide, also=published).to_numpy(object)


def monthly_activity(enrolment_by_month: pd.DataFrame, pilot_id: str, *,
                     sessions: pd.DataFrame | None = None,
                     names: Mapping[str, str] | None = None, min_cell_size: int,
                     language: Language = "nb", source: str | None = None,
                     reach_summary: pd.DataFrame | None = None) -> Figure:
    """Activity of one pilot per month: hours of attendance, new and active participants.

    Two panels on one time axis (the whole pilot period, months after the status date left
    empty): hours attended per month (when ``sessions`` is given), and new participants
    (bars) with active participants (line). A panel with nothing to draw is left out; when
    neither has anything, the result is one sentence (:attr:`Figure.is_chart` is False).

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
        New participants per month are the parts of the pilot's total, which the reports
        publish: months are hidden by :func:`pilot_eval.privacy.suppression_mask` over each
        quarter's months ("<5", and "skjult" for the months hidden with them), because
        quarterly reports publish what each quarter added to the total: that sum less the
        months shown must not give a small one away. Active participants and
        hours are not drawn in a month with ``0 < people < min_cell_size`` (active, or
        attending).
    language : {"nb", "en"}, default "nb"
    source : str, optional
    reach_summary : pandas.DataFrame, optional
        :func:`pilot_eval.metrics.reach.reach_summary` at the same date: where the tables
        hide the pilot's count of active participants, the line ends rounded too and the
        text says "ca." (see :func:`~pilot_eval.present.figures.enrolment_vs_target`).

    Returns
    -------
    Figure

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> names = {"lekse": "Leksehjelp Øst", "jobb": "Jobbtrening"}
    >>> fig = monthly_activity(metrics.enrolment_by_month(ds), "lekse", sessions=ds.sessions,
    ...                        names=names, min_cell_size=5, language="en")
    >>> fig.is_chart, fig.title
    (True, 'Leksehjelp Øst: activity and participants per month')
    >>> print(fig.alt)  # doctest: +NORMALIZE_WHITESPACE
    Bar and line chart: Participants attended 335 hours in all from Feb 2025 to Jun 2025, most
    in Jun 2025 (94 hours). 10 active participants in Feb 2026.
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    rough = str(pilot_id) in _active_hidden(reach_summary, k)
    e = _flat(_require(enrolment_by_month, ["pilot_id", "month", "observed", "new_enrolled",
                                            "active"],
                       "pilot_eval.metrics.enrolment_by_month(ds)"))
    _pilots_of(e, pilot_id)
    e = e[e["pilot_id"] == str(pilot_id)].reset_index(drop=True)
    e["month"] = pd.to_datetime(e["month"])
    observed = e["observed"].astype(bool).to_numpy()
    new_raw = e["new_enrolled"].fillna(0).to_numpy(float)
    active_raw = e["active"].fillna(0).to_numpy(float)
    marks = np.full(len(e), SHOWN, dtype=object)
    marks[observed] = _new_month_codes(e.loc[observed, "month"], new_raw[observed], k)
    hide_new, new_small = marks != SHOWN, marks == PRIMARY
    new_skjult = hide_new & ~new_small
    small_active = (active_raw > 0) & (active_raw < k)
    e["new_enrolled"] = e["new_enrolled"].where(~hide_new)
    e["active"] = e["active"].where(~small_active)
    hidden = bool(hide_new.any() or small_active.any())
    rounded = _drawn_rounded(e["active"], k)
    as_of = pd.to_datetime(e.loc[observed, "date"]).max() if "date" in e else None
    act = None
    raw_hours = 0.0
    if sessions is not None:
        act = _sessions_by_month(sessions, str(pilot_id))
        act = act[act.index <= e.loc[observed, "month"].max()]
        raw_hours = float(act["hours"].fillna(0).sum())
        if "attendees" in act:
            small = (act["attendees"] > 0) & (act["attendees"] < k)
            hidden |= bool(small.any())
            act.loc[small, ["hours"] + [c for c in ("sessions", "attendees") if c in act]] = np.nan
    who = _name(names, pilot_id)
    title = _tr(lang, "{n}: aktivitet og deltakere per måned", "{n}: activity and participants "
                "per month").format(n=who)
    obs = e[observed]
    # what can be drawn: a panel of nothing but "<5" marks (or an axis of 0,02 steps) is none
    hours_shown = act is not None and bool(act["hours"].fillna(0).gt(0).any())
    people_shown = bool(obs["active"].fillna(0).gt(0).any()
                        or obs["new_enrolled"].fillna(0).gt(0).any())
    if not (hours_shown or people_shown):
        anything = bool(new_raw[observed].sum() > 0 or active_raw[observed].sum() > 0
                        or raw_hours > 0)
        return _placeholder(title, _tr(
            lang, "Aktiviteten per måned vises ikke ennå: det er færre enn {k} deltakere i "
                  "hver måned." if anything else "Ingen aktivitet registrert ennå.",
            "Monthly activity is not shown yet: there are fewer than {k} participants in each "
            "month." if anything else "No activity registered yet.").format(k=k),
                            language=lang)
    bits = []
    if hours_shown:
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
                        ).format(a=_first_upper(_active_text(active_raw[observed][-1], rough,
                                                             k, lang)),
                                 m=fmt.month(last["month"], language=lang)))
    alt = (_tr(lang, "Stolpe- og linjediagram: ", "Bar and line chart: ")
           + ". ".join(bits) + ".")

    def build() -> tuple[_MplFigure, list[Any]]:
        panels = (["hours"] if hours_shown else []) + (["people"] if people_shown else [])
        fig, axes = _new(96 if len(panels) == 2 else 54, len(panels), 1, sharex=True)
        x0, x1 = e["month"].min() - pd.Timedelta(days=20), e["month"].max() + pd.Timedelta(
            days=20)
        width = 20.0
        handles: list[Any] = []
        if hours_shown:
            ax = axes[0, 0]
            ax.bar(act.index + pd.Timedelta(days=15), act["hours"].to_numpy(float), width=width,
                   color=_C["blue"], zorder=2)
            ax.set_title(_tr(lang, "Timer med oppmøte per måned", "Hours attended per month"))
            _value_axis(ax.yaxis, "number", lang, nbins=4, integer=True)
            _clean(ax, grid="y", bottom=True)
            ax.set_xlim(x0, x1)
            ax.set_ylim(bottom=0)  # counts start at 0: a cut axis exaggerates change
            handles.append(_patch(_C["blue"], _tr(lang, "Timer med oppmøte", "Hours attended")))
        ax = axes[-1, 0]
        if people_shown:
            mid = e["month"] + pd.Timedelta(days=15)
            ax.bar(mid, e["new_enrolled"].to_numpy(float), width=width, color=_C["sky"],
                   zorder=2)
            # drawn rounded to k (the SVG's coordinates are exact), so the line's steps give
            # no small number of joiners or leavers away
            active = (_rounded_to(e["active"], k) if rough else _rounded_line(e["active"], k)
                      ).to_numpy(float, copy=True)
            # the months before anyone was active are not part of the line: a lone "0" before
            # the hidden first months reads as a data point, not as "not started yet"
            active[np.cumsum(active_raw > 0) == 0] = np.nan
            ax.plot(mid, active, color=_C["blue"], lw=1.9, zorder=3)
            # a month between hidden ones is a line of no length: mark it with a dot
            ok = np.isfinite(active) & (active > 0)
            alone = ok & ~np.r_[False, ok[:-1]] & ~np.r_[ok[1:], False]
            ax.plot(mid[alone], active[alone], linestyle="none", marker="o", ms=3.6,
                    color=_C["blue"], zorder=3)
            for xm in mid[new_small]:
                _label(ax, f"<{k}", (xm, 0), dx=0, dy=2, ha="center", va="bottom",
                       color=_C["muted"])
            for xm in mid[new_skjult]:
                _label(ax, _tr(lang, "skjult", "hidden"), (xm, 0), dx=0, dy=2, ha="center",
                       va="bottom", color=_C["muted"], rotation=90)
            ax.set_title(_tr(lang, "Deltakere per måned", "Participants per month"))
            _value_axis(ax.yaxis, "number", lang, nbins=4, integer=True)
            # from 0, also when only a few months are drawn (and so the "<5" marks at 0 show)
            ax.set_ylim(bottom=0)
            handles += [_patch(_C["sky"], _tr(lang, "Nye deltakere", "New participants")),
                        _line(_C["blue"], _tr(lang, "Aktive deltakere", "Active participants"),
                              lw=1.9)]
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
        return fig, handles

    notes = [(_privacy_note(k, lang, hidden=bool(new_skjult.any()))
              + _tr(lang, " Måneder med færre deltakere er ikke tegnet.",
                    " Months with fewer participants are not drawn.")) if hidden else None]
    if people_shown and rounded:
        notes.append(_rounded_note("active", k, lang))
    if not people_shown:
        notes.append(_tr(lang, "Nye og aktive deltakere per måned vises ikke: færre enn {k} "
                               "hver måned.",
                         "New and active participants per month are not shown: fewer than {k} "
                         "each month.").format(k=k))
    elif act is not None and not hours_shown:
        notes.append(_tr(lang, "Timer per måned vises ikke: færre enn {k} møtte hver måned.",
                         "Hours per month are not shown: fewer than {k} attended each month."
                         ).format(k=k))
    return _figure(build, title=title, alt=alt, notes=notes, source=source, language=lang)


_DOSAGE_BINS = (0.0, 5.0, 10.0, 20.0, 40.0, 80.0)


def _bin_labels(edges: Sequence[float], language: str, unit: str = "") -> list[str]:
    """Band names: "under 5", "5–10", "80 eller mer"; with ``unit`` "80 timer eller mer"."""
    u = f" {unit}" if unit else ""
    labels = []
    for i, a in enumerate(edges):
        if i == len(edges) - 1:
            labels.append(_tr(language, "{a}{u} eller mer", "{a}{u} or more").format(
                a=_tidy_number(a, language), u=u))
        elif i == 0 and a == 0:
            labels.append(_tr(language, "under {b}{u}", "under {b}{u}").format(
                b=_tidy_number(edges[1], language), u=u))
        else:
            labels.append(f"{_tidy_number(a, language)}\u2013"
                          f"{_tidy_number(edges[i + 1], language)}{u}")
    return labels


def dosage(sessions: pd.DataFrame, names: Mapping[str, str] | None = None,
           pilot_id: str | None = None, *, participants: pd.DataFrame | None = None,
           bins: Sequence[float] = _DOSAGE_BINS, min_cell_size: int,
           language: Language = "nb", source: str | None = None) -> Figure:
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
    participants : pandas.DataFrame, optional
        The participants table at the status date (``ds.participants`` of a dataset cut
        with ``as_of``; ``pilot_id, participant_id``). Every participant is counted, those
        without attendance in a "0" band, so a pilot's number of participants is the
        number enrolled that the rest of the report shows; without it, only people with
        attendance are counted (and the 4 enrolled without any could be worked out as
        the difference). Pass it in reports.
    bins : sequence of float, default (0, 5, 10, 20, 40, 80)
        Lower bounds of the bands in hours; the last band is open-ended.
    min_cell_size : int
        Bands are hidden by :func:`pilot_eval.privacy.suppression_mask` per pilot ("<5",
        and "skjult" for a band hidden with it so the pilot's total less the bands shown
        does not give it away). A pilot with fewer participants, or whose bands are all
        hidden, gets no panel (the caption says so); with no panel at all the result is
        one sentence (:attr:`Figure.is_chart` is False).
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
    >>> fig = dosage(ds.sessions, names, "lekse", participants=ds.participants,
    ...              min_cell_size=5, language="en")
    >>> fig.is_chart, fig.title
    (True, 'Leksehjelp Øst: hours attended per participant')
    >>> print(fig.alt)
    Bar chart: Leksehjelp Øst (12 participants, mean 30 hours): most have 20–40 hours (58%).
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    _require(sessions, ["pilot_id", "participant_id", "hours"], "the sessions table (ds.sessions)")
    if participants is not None:
        _require(participants, ["pilot_id", "participant_id"],
                 "the participants table at the status date (ds.participants)")
    edges = np.asarray(bins, dtype=float)
    title = _tr(lang, "Timer med oppmøte per deltaker", "Hours attended per participant")
    if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0) or edges[0] < 0:
        raise UsageError(f"bins={tuple(bins)!r} must be increasing lower bounds ≥ 0, at least two.")
    per_person = sessions.groupby([sessions["pilot_id"].astype(str),
                                   sessions["participant_id"].astype(str)])["hours"].sum()
    zero_band = participants is not None
    if zero_band:
        # everyone enrolled, 0 hours for those without attendance: n is the enrolled count
        everyone = pd.MultiIndex.from_arrays([participants["pilot_id"].astype(str),
                                              participants["participant_id"].astype(str)])
        per_person = per_person.reindex(everyone.unique(), fill_value=0.0)
    hours = per_person.to_numpy(float)
    band = np.clip(np.searchsorted(edges, hours, side="right") - 1, 0, None)
    if zero_band:
        band = np.where(hours > 0, band + 1, 0)
    n_bands = len(edges) + int(zero_band)
    pilots_col = per_person.index.get_level_values(0)
    table = pd.crosstab(pilots_col, band).reindex(columns=range(n_bands), fill_value=0)
    means = per_person.groupby(level=0).mean()
    size = per_person.groupby(level=0).size()
    del per_person, band, hours  # nothing per person past this point
    ids = [str(p) for p in table.index]
    if names is not None:  # the pilots table's order, not the sessions' sort order
        ids = [p for p in names if p in ids] + [p for p in ids if p not in names]
    if pilot_id is not None:
        title = _pilot_title(title, _name(names, pilot_id))
        if str(pilot_id) not in ids:
            # a pilot that has not started has no sessions: say so rather than fail the report
            return _placeholder(title, _tr(lang, "Ingen oppmøte registrert ennå.",
                                           "No attendance registered yet."), language=lang)
        ids = [str(pilot_id)]
    if not ids:
        return _placeholder(title, _tr(lang, "Ingen oppmøte registrert ennå.",
                                       "No attendance registered yet."), language=lang)
    counts = table.loc[ids].stack()
    counts.index.names = ["pilot_id", "band"]
    marks = suppression_codes(counts, k, groups="pilot_id")
    hide = marks.ne(SHOWN)
    labels = _bin_labels(edges, lang)
    spoken = _bin_labels(edges, lang, unit=_tr(lang, "timer", "hours"))
    if zero_band:
        labels, spoken = ["0", *labels], [_tr(lang, "0 timer", "0 hours"), *spoken]
    why_not: dict[str, str] = {}
    for pid in ids:
        c, h = counts.loc[pid].to_numpy(float), hide.loc[pid].to_numpy(bool)
        if size[pid] < k:
            why_not[pid] = _tr(lang, "færre enn {k} deltakere", "fewer than {k} participants"
                               ).format(k=k)
        elif not (c[~h] > 0).any():
            why_not[pid] = _tr(lang, "for få deltakere i hvert intervall",
                               "too few participants in each band")
    shown = [p for p in ids if p not in why_not]
    if not shown:
        if len(ids) == 1:
            return _placeholder(title, _tr(lang, "Timer med oppmøte per deltaker vises ikke: "
                                                 "{w}.",
                                           "Hours attended per participant are not shown: {w}."
                                           ).format(w=why_not[ids[0]]), language=lang)
        return _placeholder(title, _tr(lang, "Timer med oppmøte per deltaker vises ikke ennå: ",
                                       "Hours attended per participant are not shown yet: ")
                            + "; ".join(f"{_name(names, p)}: {w}" for p, w in why_not.items())
                            + ".", language=lang)
    parts = []
    for pid in shown:
        c = counts.loc[pid]
        vis = c[~hide.loc[pid].to_numpy()]
        n = int(size[pid])
        top = vis.idxmax()
        parts.append(_tr(lang, "{p} ({n} deltakere, snitt {m} timer): flest har {b} ({s})",
                         "{p} ({n} participants, mean {m} hours): most have {b} ({s})").format(
            p=_name(names, pid), n=fmt.count(n, k, language=lang),
            m=fmt.number(means[pid], 0, language=lang), b=spoken[int(top)],
            s=fmt.percent(vis[top] / n, language=lang)))
    parts += [f"{_name(names, p)}: {w}" for p, w in why_not.items()]
    alt = _tr(lang, "Stolpediagram: ", "Bar chart: ") + "; ".join(parts) + "."
    multi = len(ids) > 1
    skjult = bool((hide & marks.ne(PRIMARY)).loc[shown].any())

    def build() -> tuple[_MplFigure, None]:
        fig, axes = _small_multiples(shown, 50, 58, sharey=True)
        x = np.arange(n_bands)
        top = 0.0
        for ax, pid in zip(axes, shown, strict=True):
            c = counts.loc[pid].to_numpy(float)
            h = hide.loc[pid].to_numpy(bool)
            mark = marks.loc[pid].to_numpy(object)
            n = float(size[pid])
            share = np.where(h, np.nan, c / n)
            top = max(top, float(np.nanmax(share, initial=0.0)))
            ax.bar(x, np.nan_to_num(share), width=0.7, color=_C["blue"], zorder=2)
            for i in range(len(x)):
                if h[i]:
                    _label(ax, _hidden_label(mark[i], k, lang), (x[i], 0), dx=0, dy=3, ha="center",
                           va="bottom", size=_TEXT_PT, color=_C["muted"])
                elif np.isfinite(share[i]):
                    _label(ax, fmt.percent(share[i], language=lang), (x[i], share[i]), dx=0,
                           dy=2, ha="center", va="bottom", size=_TEXT_PT)
            head = _tr(lang, "{n} deltakere, snitt {m} timer", "{n} participants, mean {m} hours"
                       ).format(n=fmt.count(n, k, language=lang),
                                m=fmt.number(means[pid], 0, language=lang))
            ax.set_title((_name(names, pid) + "\n" if multi else "") + head, linespacing=1.3)
            ax.set_xticks(x, [t.replace(" ", "\n", 1) if len(shown) > 1 and len(t) > 8 else t
                              for t in labels], fontsize=_TEXT_PT)
            _value_axis(ax.yaxis, "percent", lang, nbins=4)
            _clean(ax, grid="y", bottom=True)
            ax.tick_params(axis="x", length=0)
            ax.set_xlabel(_tr(lang, "Timer per deltaker", "Hours per participant"))
        for ax in axes:
            ax.set_ylim(0, top * 1.18 if top > 0 else 1)
        return fig, None

    notes = []
    if why_not:
        notes.append(_tr(lang, "Ikke vist: {x}.", "Not shown: {x}.").format(x=_join(
            [f"{_name(names, p)} ({w})" for p, w in why_not.items()], lang)))
    notes.append(
        _tr(lang, "Andel av alle påmeldte deltakere; «0» er de som ikke har registrert oppmøte.",
            "Share of all participants enrolled; \"0\" are those with no attendance "
            "registered.") if zero_band else
        _tr(lang, "Andel av deltakerne med registrert oppmøte; deltakere uten oppmøte er "
                  "ikke med.",
            "Share of participants with registered attendance; participants without any "
            "are not included."))
    if hide.loc[shown].any():
        notes.append(_privacy_note(k, lang, hidden=skjult))
    return _figure(build, title=title, alt=alt, notes=notes, source=source, language=lang)
