"""Charts for the decision at the end of the agreement: cost of continuing or scaling up, who
in the target group is still not reached, and how the enterprise earns its money.

* :func:`scenario_chart` -- yearly cost of each scenario with its low–high range (both
  reports);
* :func:`representation_chart` -- each group's share of the participants beside its share
  of the target population, by area, gender and age group (pilot report);
* :func:`enterprise_chart` -- income by source per year, total costs and Ferd's investment
  (both reports).

Each chart is three steps (STYLE §7): a data step (``_scenario_data``,
``_representation_data``, ``_enterprise_data``) that returns the table as it will be drawn
-- small cells already suppressed -- with the title, alt text and caption notes, testable
without drawing; a draw step on given axes (``_draw_scenarios``, ``_draw_representation``,
``_draw_enterprise``); and the public function, which wraps them in a :class:`Figure`.

Conventions: see :mod:`pilot_eval.present.figures`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ...errors import UsageError
from ...metrics.decision import MIN_TARGET_SHARE, UNDER_REACHED, under_reached
from ...privacy import PRIMARY, SHOWN, suppression_codes
from .. import fmt
from ._core import (
    _C,
    _HATCH,
    Figure,
    Language,
    _axes_width_pt,
    _bar_value_axis,
    _cell_min,
    _facet_title,
    _figure,
    _first_upper,
    _flat,
    _hidden_label,
    _join,
    _label,
    _lang,
    _line,
    _money,
    _MplFigure,
    _name,
    _new,
    _patch,
    _pilot_title,
    _pilots_of,
    _placeholder,
    _require,
    _room_right,
    _rows_top_down,
    _text_width_pt,
    _tr,
    _wrap,
)

__all__ = ["enterprise_chart", "representation_chart", "representation_data", "scenario_chart"]

_NBSP = "\u00a0"


@dataclass(frozen=True)
class _ChartData:
    """What a data step hands the draw step: the table as drawn (suppressed), the words,
    and ``message`` -- the sentence that stands in for the chart when there is nothing to
    draw (then the other fields may be empty)."""

    table: pd.DataFrame
    title: str
    alt: str = ""
    notes: list[str] = field(default_factory=list)
    message: str | None = None
    panels: list[str] = field(default_factory=list)
    # representation_chart, for words beside it: the pilot's participants, every group of
    # a split with target shares (also the splits not drawn), the splits with no nameable least
    total: float = 0.0
    groups: pd.DataFrame | None = None
    unresolved: list[str] = field(default_factory=list)


def _amount_unit(x: float) -> tuple[float, int]:
    """The scale and decimals :func:`_money` writes ``x`` in: (1e6, 1) from a million,
    (1e6, 2) from 100 000, (1, -3) -- whole thousands of kroner -- below."""
    a = abs(float(x))
    return (1e6, 1) if a >= 1e6 else (1e6, 2) if a >= 1e5 else (1.0, -3)


def _bare(x: float, unit: tuple[float, int], lang: str) -> str:
    """``x`` as a number in ``unit`` (:func:`_amount_unit`), without the currency."""
    scale, d = unit
    if d < 0:
        return fmt.number(round(float(x), d), 0, language=lang)
    return fmt.number(float(x) / scale, d, language=lang)


def _range_after(main: float, lo: float, hi: float, lang: str) -> str:
    """The low–high range in the unit of the amount it follows: "(1,9–2,9)"."""
    if not (np.isfinite(main) and np.isfinite(lo) and np.isfinite(hi)):
        return ""
    unit = _amount_unit(main)
    return f"({_bare(lo, unit, lang)}\u2013{_bare(hi, unit, lang)})"


def _money_range(lo: float, hi: float, lang: str, like: float | None = None) -> str:
    """A low–high range with its unit once: "1,9–2,9 mill. kr", "NOK 38,000–45,000"; in the
    unit :func:`_money` writes ``like`` in, when given (the amount the range belongs to)."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return fmt.MISSING
    unit = _amount_unit(like if like is not None and np.isfinite(like)
                        else max(abs(lo), abs(hi)))
    span = f"{_bare(lo, unit, lang)}\u2013{_bare(hi, unit, lang)}"
    if unit[0] == 1e6:
        return (f"{span}{_NBSP}mill.{_NBSP}kr" if lang == "nb"
                else f"NOK{_NBSP}{span}{_NBSP}million")
    return f"{span}{_NBSP}kr" if lang == "nb" else f"NOK{_NBSP}{span}"


def _codes(note: Any) -> set[str]:
    """The ``;``-joined codes of a ``note`` cell as a set (empty for a missing note)."""
    if note is None or (not isinstance(note, str) and pd.isna(note)):
        return set()
    return {c.strip() for c in str(note).split(";") if c.strip()}


# --------------------------------------------------------------------------- scenarios

#: The scenarios in the order they are drawn (metrics.decision.SCENARIOS).
_SCENARIOS = ("continue", "reach_target", "share_of_population")
_SCENARIO_WORDS = {
    "continue": ("Videreføre som i dag", "Continue as today"),
    "reach_target": ("Nå målet for antall deltakere", "Reach the participant target"),
    "share_of_population": ("Nå {share} av målgruppen", "Reach {share} of the target group"),
}
# why a scenario (or a whole pilot) has no cost: a short clause after the scenario's name
_SCENARIO_WHY = {
    "not_started": ("piloten har ikke startet", "the pilot has not started"),
    "no_participants": ("ingen deltakere ennå", "no participants yet"),
    "few": ("færre enn {k} deltakere, for få til å regne ut kostnad per deltaker",
            "fewer than {k} participants, too few to work out the cost per participant"),
    "no_reach_target": ("piloten har ikke mål for antall deltakere",
                        "the pilot has no participant target"),
    "no_target_population": ("størrelsen på målgruppen er ukjent",
                             "the size of the target group is unknown"),
    "unknown": ("kan ikke regnes ut", "cannot be worked out"),
}
_SCENARIO_COLUMNS = ["pilot_id", "scenario", "cost_per_year_nok", "cost_per_year_low_nok",
                     "cost_per_year_high_nok", "participants_per_year", "enrolled",
                     "scale_up_share", "note"]


def _scenario_label(scenario: str, share: float, lang: str) -> str:
    words = _tr(lang, *_SCENARIO_WORDS[scenario])
    if scenario == "share_of_population":
        s = fmt.percent(share, 0 if not np.isfinite(share) or round(share * 100, 6) % 1 == 0
                        else 1, language=lang)
        words = words.format(share=s)
    return words


def _why(code: str, k: int, lang: str) -> str:
    return _tr(lang, *_SCENARIO_WHY[code]).format(k=k)


def _scenario_data(scenarios: pd.DataFrame, names: Mapping[str, str] | None,
                   pilot_id: str | None, k: int, lang: str) -> _ChartData:
    """The scenarios as drawn: one row per drawn pilot and scenario with its label, cost,
    low–high and change from today, or the reason (``why``) it has no cost."""
    df = _flat(_require(scenarios, _SCENARIO_COLUMNS, "pilot_eval.metrics.scenarios(ds)"))
    ids = _pilots_of(df, pilot_id)
    multi = pilot_id is None
    title = _tr(lang, "Kostnad per år ved å videreføre piloten eller nå flere",
                "Cost per year of continuing the pilot or reaching more people")
    if multi:
        title = _tr(lang, "Kostnad per år ved å videreføre pilotene eller nå flere",
                    "Cost per year of continuing the pilots or reaching more people")
    else:
        title = _pilot_title(_tr(lang, "Kostnad per år ved å videreføre eller nå flere",
                                 "Cost per year of continuing or reaching more people"),
                             _name(names, ids[0]))
    if not ids:
        return _ChartData(pd.DataFrame(), title, message=_tr(
            lang, "Ingen piloter i tabellen.", "No pilots in the table."))
    df = df[df["pilot_id"].isin(ids) & df["scenario"].astype(str).isin(_SCENARIOS)].copy()
    df["scenario"] = df["scenario"].astype(str)
    df["_order"] = df["scenario"].map({s: i for i, s in enumerate(_SCENARIOS)})
    df["_pilot"] = df["pilot_id"].map({p: i for i, p in enumerate(ids)})
    df = df.sort_values(["_pilot", "_order"]).reset_index(drop=True)
    num = {c: pd.to_numeric(df[c], errors="coerce").astype(float)
           for c in ("cost_per_year_nok", "cost_per_year_low_nok", "cost_per_year_high_nok",
                     "participants_per_year", "enrolled", "scale_up_share")}
    change = (pd.to_numeric(df["change_from_today_nok"], errors="coerce").astype(float)
              if "change_from_today_nok" in df else pd.Series(np.nan, index=df.index))
    codes = df["note"].map(_codes)
    pilot_codes = codes.groupby(df["pilot_id"]).agg(lambda s: set().union(*s))
    enrolled = num["enrolled"].groupby(df["pilot_id"]).max()
    costed = num["cost_per_year_nok"].notna().groupby(df["pilot_id"]).any()
    # a whole pilot left out: not started, nobody yet, or a cost per participant that
    # would be an average over fewer than k people (the conventions' rule for estimates)
    left_out: dict[str, str] = {}
    for pid in ids:
        c, n = pilot_codes.get(pid, set()), float(enrolled.get(pid, np.nan))
        if "not_started" in c:
            left_out[pid] = "not_started"
        elif "no_participants" in c or n == 0:
            left_out[pid] = "no_participants"
        elif 0 < n < k:
            left_out[pid] = "few"
        elif not costed.get(pid, False):
            left_out[pid] = "unknown"
    drawn = [p for p in ids if p not in left_out]
    row_why = []
    for i in range(len(df)):
        if np.isfinite(num["cost_per_year_nok"].iloc[i]):
            row_why.append(None)
            continue
        c, s = codes.iloc[i], df["scenario"].iloc[i]
        row_why.append("no_reach_target" if s == "reach_target" and "no_reach_target" in c
                       else "no_target_population"
                       if s == "share_of_population" and "no_target_population" in c
                       else "unknown")
    table = pd.DataFrame({
        "pilot_id": df["pilot_id"], "scenario": df["scenario"],
        "label": [_scenario_label(s, sh, lang) for s, sh in zip(df["scenario"], num["scale_up_share"])],
        "participants_per_year": num["participants_per_year"],
        "cost_nok": num["cost_per_year_nok"], "low_nok": num["cost_per_year_low_nok"],
        "high_nok": num["cost_per_year_high_nok"], "change_nok": change, "why": row_why,
    })
    table = table[table["pilot_id"].isin(drawn)].reset_index(drop=True)
    table.loc[table["scenario"] == "continue", "change_nok"] = np.nan
    if not drawn:
        if not multi:
            message = _tr(lang, "Kostnaden ved å videreføre kan ikke regnes ut: {w}.",
                          "The cost of continuing cannot be worked out: {w}.").format(
                w=_why(left_out[ids[0]], k, lang))
        else:
            message = (_tr(lang, "Kostnaden ved å videreføre kan ikke regnes ut for noen "
                                 "pilot ennå: ",
                           "The cost of continuing cannot be worked out for any pilot yet: ")
                       + "; ".join(f"{_name(names, p)}: {_why(w, k, lang)}"
                                   for p, w in left_out.items()) + ".")
        return _ChartData(table, title, message=message)

    parts = []
    for pid in drawn:
        bits = []
        for _, r in table[table["pilot_id"] == pid].iterrows():
            head = r["label"][:1].lower() + r["label"][1:]
            if not pd.isna(r["why"]):
                bits.append(_tr(lang, "{s}: kan ikke regnes ut ({w})",
                                "{s}: cannot be worked out ({w})").format(
                    s=head, w=_why(r["why"], k, lang)))
                continue
            b = f"{head} {_money(r['cost_nok'], lang)}"
            if np.isfinite(r["low_nok"]) and np.isfinite(r["high_nok"]):
                b += f" ({_money_range(r['low_nok'], r['high_nok'], lang, r['cost_nok'])})"
            if np.isfinite(r["participants_per_year"]):
                b += _tr(lang, " for {n} deltakere per år", " for {n} participants a year"
                         ).format(n=fmt.about_count(r["participants_per_year"], language=lang))
            bits.append(b)
        parts.append((f"{_name(names, pid)}: " if multi else "") + ", ".join(bits))
    parts += [f"{_name(names, p)}: {_why(w, k, lang)}" for p, w in left_out.items()]
    alt = (_tr(lang, "Stolpediagram: kostnad per år, lav–høy i parentes. ",
               "Bar chart: cost per year, low–high in brackets. ")
           + "; ".join(_first_upper(p) for p in parts) + ".")

    typed = not codes.map(lambda c: "no_cost_types" in c).any()
    # without cost types every cost counts as variable: the caveats below say so, and the
    # formula does not claim start-up costs were left out
    notes = [_tr(lang, "Kostnad per år = dagens faste kostnader + dagens kostnad per deltaker "
                       "× antall deltakere per år{s} "
                       "Streken viser lav–høy ut fra hvor mye kostnaden per deltaker varierer "
                       "fra måned til måned.",
                 "Cost per year = today's fixed costs + today's cost per participant × "
                 "participants per year{s} The line shows low–high "
                 "from how much the cost per participant varies from month to month.").format(
        s=(_tr(lang, "; oppstartskostnader er holdt utenfor.", "; start-up costs are left out.")
           if typed else "."))]
    missing = table[table["why"].notna()]
    if len(missing):
        notes.append(_tr(lang, "Ikke regnet ut: {x}.", "Not worked out: {x}.").format(x=_join(
            [(f"{_name(names, r['pilot_id'])}, " if multi else "")
             + _tr(lang, "«{s}»", "\"{s}\"").format(s=r["label"])
             + f" ({_why(r['why'], k, lang)})" for _, r in missing.iterrows()],
            lang)))
    if left_out:
        notes.append(_tr(lang, "Ikke vist: {x}.", "Not shown: {x}.").format(x=_join(
            [f"{_name(names, p)} ({_why(w, k, lang)})" for p, w in left_out.items()], lang)))
    notes += _scenario_caveats(df, codes, drawn, table, names, multi, lang)
    return _ChartData(table, title, alt, notes, panels=drawn)


def _scenario_caveats(df: pd.DataFrame, codes: pd.Series, drawn: list[str],
                      table: pd.DataFrame, names: Mapping[str, str] | None, multi: bool,
                      lang: str) -> list[str]:
    """The caption's caveats from the metric's note codes and the outcome carried over."""
    def who(pids: Sequence[str]) -> str:
        return _join([_name(names, p) for p in pids], lang) if multi else ""

    def pilots_with(code: str) -> list[str]:
        sel = codes.map(lambda c: code in c) & df["pilot_id"].isin(drawn)
        return list(dict.fromkeys(df.loc[sel, "pilot_id"]))

    out = []
    if far := pilots_with("far_beyond"):
        out.append(_tr(lang, "Mer enn dobbelt så mange deltakere som i dag{p}: faste kostnader "
                             "og pris per deltaker kan bli andre i den skalaen.",
                       "More than twice today's participants{p}: fixed costs and the price "
                       "per participant may differ at that scale.").format(
            p=(_tr(lang, " for ", " for ") + who(far)) if multi else ""))
    if few := pilots_with("few_months"):
        out.append(_tr(lang, "Færre enn seks måneder observert{p}: tallene per år er usikre.",
                       "Fewer than six months observed{p}: the yearly figures are "
                       "unstable.").format(p=(" (" + who(few) + ")") if multi else ""))
    drawn_cost = table["why"].isna()
    no_range = table[drawn_cost & ~(table["low_nok"].notna() & table["high_nok"].notna())]
    if len(no_range):
        pids = list(dict.fromkeys(no_range["pilot_id"]))
        out.append(_tr(lang, "Ingen lav–høy{p}: færre enn tre måneder med aktive deltakere.",
                       "No low–high{p}: fewer than three months with active "
                       "participants.").format(p=(_tr(lang, " for ", " for ") + who(pids))
                                               if multi else ""))
    if pilots_with("no_cost_types"):
        out.append(_tr(lang, "Kostnadene er ikke delt i oppstart, faste og variable: alle er "
                             "regnet som variable.",
                       "The costs are not split into start-up, fixed and variable: all are "
                       "counted as variable."))
    if "outcome_promise" in df:
        promise = (df[df["pilot_id"].isin(drawn)].groupby("pilot_id", sort=False)
                   ["outcome_promise"].first().astype("string").fillna("unknown"))
        unsure = [p for p in drawn if promise.get(p) != "effect"]
        if unsure:
            out.append(_tr(lang, "Kostnaden sier ikke om tiltaket virker: resultatet for "
                                 "innbyggerne er ennå usikkert eller ukjent{p}, og flere "
                                 "deltakere gir ikke i seg selv bedre resultater.",
                           "The cost does not say whether the service works: the outcome for "
                           "citizens is still uncertain or unknown{p}, and more participants "
                           "do not by themselves give better outcomes.").format(
                p=(_tr(lang, " for ", " for ") + who(unsure)) if multi and len(unsure) < len(
                    drawn) else ""))
    return out


def _draw_scenarios(axes: Sequence[Any], data: _ChartData, names: Mapping[str, str] | None,
                    lang: str, multi: bool) -> list[Any]:
    """Draw each pilot's scenarios on its axes (``axes`` in the order of ``data.panels``),
    each panel titled with the pilot's name when ``multi``, and return the key."""
    t = data.table
    today = t[t["scenario"] == "continue"].set_index("pilot_id")["cost_nok"]
    ends = np.fmax(np.fmax(t["cost_nok"].to_numpy(float), t["high_nok"].to_numpy(float)),
                   t["pilot_id"].map(today).to_numpy(float))
    texts = [_bar_text(r, lang) for _, r in t.iterrows()]
    ylabels = [_scenario_ylabel(r, lang) for _, r in t.iterrows()]
    width = _axes_width_pt(ylabels)
    right = _room_right(np.where(t["why"].isna(), ends, np.nan), texts, axes_width_pt=width,
                        dx_pt=6)
    for ax, pid in zip(axes, data.panels, strict=True):
        sel = (t["pilot_id"] == pid).to_numpy()
        d = t[sel].reset_index(drop=True)
        y = np.arange(len(d))
        cost = d["cost_nok"].to_numpy(float)
        lo, hi = d["low_nok"].to_numpy(float), d["high_nok"].to_numpy(float)
        ok = np.isfinite(cost)
        ax.barh(y[ok], cost[ok], height=0.56, color=_C["blue"], zorder=2)
        rng = ok & np.isfinite(lo) & np.isfinite(hi)
        if rng.any():
            ax.errorbar(cost[rng], y[rng], xerr=[cost[rng] - lo[rng], hi[rng] - cost[rng]],
                        fmt="none", ecolor=_C["ink"], elinewidth=1.1, capsize=3.0,
                        capthick=1.1, zorder=4)
        today = d.loc[d["scenario"] == "continue", "cost_nok"]
        level = float(today.iloc[0]) if len(today) else np.nan
        if np.isfinite(level):
            ax.plot([level] * 2, [-0.5, len(d) - 0.5], color=_C["vermillion"], lw=1.2,
                    ls=(0, (3, 2)), zorder=3)
        for i in range(len(d)):
            if not ok[i]:
                _label(ax, _first_upper(_tr(lang, "kan ikke regnes ut: {w}",
                                            "cannot be worked out: {w}").format(
                    w=_why(d["why"].iloc[i], 0, lang))), (0, i), dx=4, color=_C["muted"],
                    style="italic", zorder=6,
                    bbox={"boxstyle": "square,pad=0.15", "fc": "white", "ec": "none"})
                continue
            # a bar short of today's level is labelled after the level's line, not across it
            end = np.nanmax([cost[i], hi[i] if rng[i] else np.nan, level])
            line1, line2 = _bar_lines(d.iloc[i], lang)
            if line2:
                _label(ax, line1, (end, i), dx=6, dy=4.6)
                _label(ax, line2, (end, i), dx=6, dy=-5.6, color=_C["muted"])
            else:
                _label(ax, line1, (end, i), dx=6)
        _rows_top_down(ax, [_scenario_ylabel(r, lang) for _, r in d.iterrows()])
        for lbl in ax.get_yticklabels():
            lbl.set_linespacing(1.3)
        if multi:
            _facet_title(ax, _name(names, pid))
        ax.set_xlim(0, right if right > 0 else 1)
        _bar_value_axis(ax, "money", lang, nbins=4)
    axes[-1].set_xlabel(_tr(lang, "Kostnad per år", "Cost per year"))
    handles = [_patch(_C["blue"], _tr(lang, "Kostnad per år", "Cost per year")),
               _line(_C["ink"], _tr(lang, "Lav–høy", "Low–high"), marker="|",
                     markersize=6, lw=1.1),
               _line(_C["vermillion"], _tr(lang, "Dagens nivå (videreføre som i dag)",
                                           "Today's level (continue as today)"),
                     lw=1.2, ls=(0, (3, 2)))]
    if not (t["low_nok"].notna() & t["high_nok"].notna() & t["why"].isna()).any():
        handles.pop(1)
    return handles


def _scenario_ylabel(r: pd.Series, lang: str) -> str:
    label = _wrap(r["label"], 30)
    n = r["participants_per_year"]
    if pd.isna(r["why"]) and np.isfinite(n):
        label += "\n" + _tr(lang, "{n} deltakere per år", "{n} participants a year").format(
            n=fmt.about_count(n, language=lang))
    return label


def _bar_lines(r: pd.Series, lang: str) -> tuple[str, str]:
    """The label of a scenario's bar: amount (low–high), and the change from today."""
    line1 = _money(r["cost_nok"], lang)
    rng = _range_after(r["cost_nok"], r["low_nok"], r["high_nok"], lang)
    if rng:
        line1 += " " + rng
    return line1, _change_words(r["change_nok"], lang)


def _change_words(change: float, lang: str) -> str:
    """The change from today in words: "0,27 mill. kr mer enn i dag", "80 000 kr mindre enn
    i dag", "som i dag" (no sign to read)."""
    if not np.isfinite(change):
        return ""
    text = _money(abs(change), lang)
    if text in (_money(0.0, lang), fmt.MISSING):  # rounds to nothing
        return _tr(lang, "som i dag", "same as today")
    if change > 0:
        return _tr(lang, "{c} mer enn i dag", "{c} more than today").format(c=text)
    return _tr(lang, "{c} mindre enn i dag", "{c} less than today").format(c=text)


def _bar_text(r: pd.Series, lang: str) -> str:
    if not pd.isna(r["why"]):
        return ""
    return "\n".join(x for x in _bar_lines(r, lang) if x)


def scenario_chart(scenarios: pd.DataFrame, names: Mapping[str, str] | None = None, *,
                   pilot_id: str | None = None, min_cell_size: int,
                   language: Language = "nb", source: str | None = None) -> Figure:
    """Cost per year of each scenario: continue as today, reach the participant target,
    reach a share of the target group -- with the low–high range, per pilot.

    One panel per pilot (the portfolio) or one for ``pilot_id``, all on one money axis so
    pilots compare. A blue bar is the scenario's cost per year, the black line its low–high
    range, and the dashed vermillion line today's level (the cost of continuing as today)
    through every row, so the extra cost of reaching more people reads off at a glance. The
    label gives the amount, the range and the change from today; the row the number of
    participants per year the scenario assumes.

    Parameters
    ----------
    scenarios : pandas.DataFrame
        Output of :func:`pilot_eval.metrics.decision.scenarios` (index
        ``(pilot_id, scenario)``; ``cost_per_year_nok``, ``cost_per_year_low_nok``,
        ``cost_per_year_high_nok``, ``participants_per_year``, ``enrolled``, ``scale_up_share``,
        ``note``; ``change_from_today_nok`` and ``outcome_promise`` when present).
    names : mapping of pilot_id to name, optional
    pilot_id : str, optional
        Draw one pilot only.
    min_cell_size : int
        A pilot with ``0 < enrolled < min_cell_size`` is not drawn: its cost per
        participant is an average over too few people (the caption says so).
    language : {"nb", "en"}, default "nb"
    source : str, optional

    Returns
    -------
    Figure
        A sentence instead of a chart when no pilot has a scenario with a cost.

    Notes
    -----
    A scenario without a cost (no participant target, target group of unknown size) keeps
    its row, with the reason written in it; the caption and alt text say it too. The
    caption carries the metric's caveats: more than twice today's participants
    (``far_beyond``), fewer than six months observed, no low–high, no cost types, and --
    unless the pilot's outcome is green on the scorecard -- that a cost is not a promise
    of results.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> names = {"lekse": "Leksehjelp Øst", "jobb": "Jobbtrening"}
    >>> fig = scenario_chart(metrics.scenarios(ds), names, pilot_id="lekse", min_cell_size=5,
    ...                      language="en")
    >>> fig.is_chart, fig.title
    (True, 'Leksehjelp Øst: cost per year of continuing or reaching more people')
    >>> print(fig.alt.replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    Bar chart: cost per year, low–high in brackets. Continue as today NOK 55,000 (NOK
    15,000–168,000) for 12 participants a year, reach the participant target NOK 85,000 (NOK
    15,000–282,000) for 20 participants a year, reach 10% of the target group NOK 0.55 million
    (NOK 0.01–2.08 million) for 160 participants a year.
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    data = _scenario_data(scenarios, names, pilot_id, k, lang)
    if data.message is not None:
        return _placeholder(data.title, data.message, language=lang)
    rows = [int((data.table["pilot_id"] == p).sum()) for p in data.panels]
    multi = pilot_id is None

    def build() -> tuple[_MplFigure, list[Any]]:
        # two-line labels need 9 mm a row; a panel title 10 mm; the money axis below 14 mm
        body = sum(9.0 * n + (10.0 if multi else 0.0) for n in rows) + 14.0
        fig, axes = _new(body, len(rows), 1, sharex=True,
                         gridspec_kw={"height_ratios": [n + (1.1 if multi else 0) for n in rows]})
        return fig, _draw_scenarios(list(axes[:, 0]), data, names, lang, multi)

    return _figure(build, title=data.title, alt=data.alt, notes=data.notes, source=source,
                   language=lang)


# --------------------------------------------------------------------------- representation

_DIMENSIONS = ("area", "gender", "age_group")
_DIMENSION_WORDS = {
    "area": ("Område", "Area"), "gender": ("Kjønn", "Gender"),
    "age_group": ("Aldersgruppe", "Age group"),
}
_GENDER_WORDS = {"female": ("Jenter", "Female"), "male": ("Gutter", "Male"),
                 "other": ("Annet", "Other")}
# The metric's rules (metrics.decision: MIN_TARGET_SHARE, UNDER_REACHED), applied by the
# chart and the words beside it to what they show.
_LEAST_REACHED_MIN_TARGET = MIN_TARGET_SHARE


def _group_word(by: str, group: str, lang: str) -> str:
    if by == "gender" and group in _GENDER_WORDS:
        return _tr(lang, *_GENDER_WORDS[group])
    if by == "age_group":
        return group + _tr(lang, " år", " years")
    return group


def _least_reached(by: pd.Series, marks: np.ndarray, enrolled: pd.Series, share: pd.Series,
                   target: pd.Series, total: float, k: int) -> tuple[np.ndarray, list[str]]:
    """Which group of each dimension to mark "least reached", from what the chart shows,
    and the dimensions where that cannot be told without giving a hidden group away.

    The chart's rule is the metric's (:func:`~pilot_eval.metrics.decision.reach_gaps`),
    applied to the shares it shows, which are of all participants (the metric's are of
    those whose group is known). With no candidate hidden, the lowest is the metric's too.
    With one, the mark must follow from public figures alone, or it would bound a hidden
    count: each candidate's
    representation (share of participants / share of the target group) is known as an
    interval -- a point for a group shown, 1 to ``k`` − 1 participants of ``total`` for a
    "<k" group, at least ``k`` for one hidden to protect it beside a "<k", at least 1 for
    a "skjult" in a dimension with no "<k" (it may be small) -- and a group is marked only
    when its interval lies wholly below every other candidate's. Candidates are groups of
    at least 5 % of the target group; with fewer than two, nothing is compared. The lowest
    is marked only when reached clearly less than its share: its representation (for a
    hidden group, its highest possible one) below :data:`UNDER_REACHED`.

    >>> by = pd.Series(["area"] * 3)
    >>> marks = np.array(["primary", "complementary", ""], dtype=object)
    >>> least, _ = _least_reached(by, marks, pd.Series([3, 6, 91]),
    ...     pd.Series([.03, .06, .91]), pd.Series([.3, .1, .6]), 100, 5)
    >>> least.tolist()  # 3 of 100 against 30 %: at most 4/30 = 0,13, below 5/10 and 1,52
    [True, False, False]
    >>> least, _ = _least_reached(by, np.array([""] * 3, dtype=object), pd.Series([27, 10, 63]),
    ...     pd.Series([.27, .10, .63]), pd.Series([.3, .1, .6]), 100, 5)
    >>> least.tolist()  # the lowest (0,9 of its share) is not reached clearly less
    [False, False, False]
    >>> marks = np.array(["primary", "complementary", ""], dtype=object)
    >>> _least_reached(by, marks, pd.Series([1, 4, 35]), pd.Series([np.nan, np.nan, .875]),
    ...     pd.Series([.1, .1, .8]), 40, 5)  # 1-4 of 40 against 10 %
    (array([False, False, False]), ['area'])
    """
    t = target.to_numpy(float)
    n_t = total * np.where(t > 0, t, np.nan)  # the target group's share, in participants
    point = share.to_numpy(float) * total / n_t
    hidden, small = marks != SHOWN, marks == PRIMARY
    # a "skjult" is at least k only where its dimension also shows a "<k"
    beside_small = pd.Series(small).groupby(by.to_numpy()).transform("any").to_numpy(bool)
    least_hidden = np.where(beside_small, float(k), 1.0)
    lo = np.where(small, 1.0 / n_t, np.where(hidden, least_hidden / n_t, point))
    hi = np.where(small, (k - 1.0) / n_t, np.where(hidden, np.inf, point))
    candidate = (t >= _LEAST_REACHED_MIN_TARGET) & (hidden | np.isfinite(point))
    least = np.zeros(len(t), bool)
    unresolved: list[str] = []
    for b in dict.fromkeys(by):
        sel = np.flatnonzero((by == b).to_numpy() & candidate)
        if len(sel) < 2:
            continue
        if not hidden[sel].any():  # every point is known: the lowest, the first on a tie
            lowest = np.arange(len(sel)) == int(np.argmin(point[sel]))
        else:
            lowest = np.array([hi[i] < lo[sel[sel != i]].min() for i in sel], dtype=bool)
            # no lowest, or one that may or may not be clearly under its share: which it is
            # cannot be said without giving the hidden group away
            straddles = lowest & under_reached(lo[sel]) & ~under_reached(hi[sel])
            if not lowest.any() or straddles.any():
                unresolved.append(str(b))
        least[sel] = lowest & under_reached(hi[sel])
    return least, unresolved


def _representation_data(reach_gaps: pd.DataFrame, names: Mapping[str, str] | None,
                         pilot_id: str, k: int, lang: str) -> _ChartData:
    """The groups as drawn for one pilot: ``by``, ``group``, ``label``, ``share`` (of the
    participants; NaN where hidden), ``target_share``, ``mark`` ("<5" or "skjult" where
    hidden) and ``least`` (the least reached group of its dimension, among those shown).
    No exact count is carried over."""
    df = _flat(_require(reach_gaps, ["pilot_id", "by", "group", "enrolled", "share",
                                     "target_share", "least_reached"],
                        "pilot_eval.metrics.reach_gaps(ds)"))
    if pilot_id is None:
        raise UsageError("representation_chart draws one pilot: pass pilot_id=…; the pilots "
                         f"are: {', '.join(dict.fromkeys(df['pilot_id'])) or '(none)'}.")
    pid = _pilots_of(df, pilot_id)[0]
    name = _name(names, pid)
    title = _pilot_title(_tr(lang, "Hvem nås? Andel av deltakerne og av målgruppen",
                             "Who is reached? Share of the participants and of the target "
                             "group"), name)
    d = df[(df["pilot_id"] == pid) & df["by"].astype(str).isin(_DIMENSIONS)
           & (df["group"].astype(str) != "unknown")].copy()
    d["by"], d["group"] = d["by"].astype(str), d["group"].astype(str)
    d["_order"] = d["by"].map({b: i for i, b in enumerate(_DIMENSIONS)})
    d = d.sort_values("_order", kind="stable").reset_index(drop=True)
    enrolled = pd.to_numeric(d["enrolled"], errors="coerce").fillna(0.0).astype(float)
    target = pd.to_numeric(d["target_share"], errors="coerce").astype(float)
    whole = "pilot_enrolled" in d and "share_of_enrolled" in d and len(d) > 0
    if whole:
        # the pilot's participants, unknown group included, and shares of them all: the
        # figures the reach charts publish (a share of the known alone beside them would
        # give the unknown group's count back)
        share = pd.to_numeric(d["share_of_enrolled"], errors="coerce").astype(float)
        total = float(pd.to_numeric(d["pilot_enrolled"], errors="coerce").fillna(0).max())
    else:
        share = pd.to_numeric(d["share"], errors="coerce").astype(float)
        ratio = (enrolled / share)[(share > 0) & (enrolled > 0)]
        total = (float(np.round(ratio.median())) if len(ratio)
                 else float(enrolled.groupby(d["by"]).sum().max()) if len(d) else 0.0)
    if total <= 0:
        return _ChartData(pd.DataFrame(), title, message=_tr(
            lang, "{n} har ingen deltakere ennå: hvem som nås kan ikke vises.",
            "{n} has no participants yet: who is reached cannot be shown.").format(n=name))
    if total < k:
        return _ChartData(pd.DataFrame(), title, message=_tr(
            lang, "{n} har færre enn {k} deltakere: fordelingen etter område, kjønn og alder "
                  "vises ikke av personvernhensyn.",
            "{n} has fewer than {k} participants: the distribution by area, gender and age is "
            "not shown for privacy.").format(n=name, k=k))
    # The pilot's total is published, so within each dimension a small group is hidden
    # with the smallest others until its count cannot be worked out (one rule for all).
    # people of unknown group are one more cell of each split, as in the reach charts: the
    # same rule over the same cells hides the same groups
    # (a frame without pilot_enrolled, from an older caller, has no such cell)
    unknown = (total - enrolled.groupby(d["by"], sort=False).sum()).clip(lower=0) if whole \
        else pd.Series(dtype=float)
    cells = pd.Series(np.concatenate([enrolled.to_numpy(), unknown.to_numpy()]),
                      index=pd.MultiIndex.from_arrays(
                          [[*d["by"], *unknown.index], [*d["group"], *["unknown"] * len(unknown)]],
                          names=["by", "group"]))
    marks = suppression_codes(cells, k, groups="by").to_numpy(object)[:len(d)]
    hidden = marks != SHOWN
    shown_share = share.where(~hidden)
    # from the shares as shown: the hidden groups' are not passed on
    least, unresolved = _least_reached(d["by"], marks, enrolled, shown_share, target, total, k)
    table = pd.DataFrame({
        "by": d["by"], "group": d["group"],
        "label": [_group_word(b, g, lang) for b, g in zip(d["by"], d["group"])],
        "share": shown_share, "target_share": target,
        "mark": [_hidden_label(m, k, lang) if m != SHOWN else None for m in marks],
        "least": least.astype(bool),
    })
    has_target = table.groupby("by")["target_share"].apply(lambda t: bool(t.notna().any()))
    has_shown = (table["share"].notna() & (enrolled > 0)).groupby(table["by"]).any()
    present = list(dict.fromkeys(table["by"]))
    left_out = {b: ("no_target" if not has_target.get(b, False) else "groups")
                for b in present if not (has_target.get(b, False) and has_shown.get(b, False))}
    dims = [b for b in present if b not in left_out]
    groups = table[table["by"].map(lambda b: has_target.get(b, False))].reset_index(drop=True)
    said_unresolved = list(unresolved)
    table = table[table["by"].isin(dims)].reset_index(drop=True)

    def dim(b: str) -> str:
        return _tr(lang, *_DIMENSION_WORDS[b]).lower()

    def why_left_out(b: str) -> str:
        if left_out[b] == "no_target":
            return _tr(lang, "målgruppens fordeling etter {w} er ukjent",
                       "the target group's distribution by {w} is unknown").format(w=dim(b))
        return _tr(lang, "for få deltakere i hver gruppe etter {w}",
                   "too few participants in each group by {w}").format(w=dim(b))

    if not dims:
        if present and all(v == "no_target" for v in left_out.values()):
            msg = _tr(lang, "Målgruppens fordeling etter område, kjønn og alder er ukjent, så "
                            "deltakerne i {n} kan ikke sammenlignes med den.",
                      "The target group's distribution by area, gender and age is unknown, so "
                      "the participants of {n} cannot be compared with it.").format(n=name)
        elif not present:
            msg = _tr(lang, "Ingen fordeling etter område, kjønn eller alder for {n}.",
                      "No distribution by area, gender or age for {n}.").format(n=name)
        else:
            msg = _first_upper(_join([why_left_out(b) for b in left_out], lang)) + "."
        return _ChartData(table, title, message=msg, total=total, groups=groups,
                          unresolved=said_unresolved)

    title = _pilot_title(_tr(lang, "Hvem nås? Andel av deltakerne og av målgruppen, etter {d}",
                             "Who is reached? Share of the participants and of the target "
                             "group, by {d}"), name).format(d=_join([dim(b) for b in dims], lang))
    pct = fmt.percent
    parts, leasts = [], []
    for b in dims:
        bits = []
        for _, r in table[table["by"] == b].iterrows():
            t = (_tr(lang, " mot {t} av målgruppen", " against {t} of the target group").format(
                t=pct(r["target_share"], language=lang)) if np.isfinite(r["target_share"])
                else "")
            if isinstance(r["mark"], str):
                bits.append(_tr(lang, "{g} {m}", "{g} {m}").format(
                    g=r["label"], m=_tr(lang, "skjult", "hidden") if not r["mark"].startswith("<")
                    else _tr(lang, "under {k} deltakere", "under {k} participants").format(k=k))
                    + t)
            else:
                bits.append(_tr(lang, "{g} {s} av deltakerne", "{g} {s} of the participants"
                                ).format(g=r["label"], s=pct(r["share"], language=lang)) + t)
            if r["least"]:
                s_ = (_tr(lang, "under {k} deltakere", "under {k} participants").format(k=k)
                      if isinstance(r["mark"], str) else
                      _tr(lang, "{s} av deltakerne", "{s} of the participants").format(
                          s=pct(r["share"], language=lang)))
                leasts.append(_tr(lang, "{g} ({s}, {t} av målgruppen)",
                                  "{g} ({s}, {t} of the target group)").format(
                    g=r["label"], s=s_, t=pct(r["target_share"], language=lang)))
        parts.append(f"{_first_upper(dim(b))}: " + ", ".join(bits))
    alt = _tr(lang, "Stolpediagram: {n}, andel av deltakerne og av målgruppen. ",
              "Bar chart: {n}, share of the participants and of the target group. "
              ).format(n=name)
    if leasts:
        alt += _tr(lang, "Minst nådd: {x}. ", "Least reached: {x}. ").format(
            x=_join(leasts, lang))
    alt += ". ".join(parts) + "."
    if left_out:
        alt += " " + _tr(lang, "Ikke med: {x}.", "Left out: {x}.").format(
            x=_join([why_left_out(b) for b in left_out], lang))

    notes = [_tr(lang, "Andelene er av alle deltakerne, også dem med ukjent område, kjønn "
                       "eller alder. «Minst nådd»: lavest andel av deltakerne sammenlignet med "
                       "andelen av målgruppen, og klart lavere (under {r} av den), blant grupper "
                       "som er minst {p} av målgruppen.",
                 "Shares are of all participants, including those whose area, gender or age "
                 "is unknown. \"Least reached\": the lowest share of the participants "
                 "compared with the share of the target group, and clearly lower (below {r} "
                 "of it), among groups that are at least {p} of the target group.").format(
        p=pct(_LEAST_REACHED_MIN_TARGET, language=lang), r=pct(UNDER_REACHED, language=lang))]
    if table["mark"].map(lambda m: isinstance(m, str)).any():
        note = _tr(lang, "Grupper med færre enn {k} deltakere vises som «<{k}» av "
                         "personvernhensyn.",
                   "Groups with fewer than {k} participants show as \"<{k}\" for "
                   "privacy.").format(k=k)
        if table["mark"].map(lambda m: isinstance(m, str) and not m.startswith("<")).any():
            note += " " + _tr(lang, "«Skjult»: holdt tilbake fordi en gruppe under {k} ellers "
                                    "kunne regnes ut fra summen.",
                              "\"Hidden\": withheld because a group below {k} could otherwise "
                              "be worked out from the total.").format(k=k)
        notes.append(note)
    unresolved = [b for b in unresolved if b in dims]
    if unresolved:
        notes.append(_tr(lang, "Etter {w} kan minst nådd gruppe ikke pekes ut uten å avsløre "
                               "en liten gruppe.",
                         "By {w}, the least reached group cannot be named without revealing "
                         "a small group.").format(w=_join([dim(b) for b in unresolved], lang)))
    if left_out:
        notes.append(_tr(lang, "Ikke med: {x}.", "Left out: {x}.").format(
            x=_join([why_left_out(b) for b in left_out], lang)))
    return _ChartData(table, title, alt, notes, panels=dims, total=total, groups=groups,
                      unresolved=said_unresolved)


def representation_data(reach_gaps: pd.DataFrame, names: Mapping[str, str] | None,
                        pilot_id: str, min_cell_size: int, language: Language = "nb"
                        ) -> tuple[pd.DataFrame, float, list[str]]:
    """What :func:`representation_chart` knows of one pilot, for words beside it: every
    group of a split with target shares as the chart would draw it (``by``, ``group``,
    ``share`` -- NaN where hidden --, ``target_share``, ``mark`` "<k" or "skjult",
    ``least``), also of splits it leaves out for want of a shown group; the pilot's
    participants; and the splits whose least reached group cannot be named without giving
    a hidden group away. Empty for a pilot with fewer than ``min_cell_size``
    participants.

    Parameters
    ----------
    reach_gaps : DataFrame
        :func:`pilot_eval.metrics.decision.reach_gaps`.
    names : mapping or None
        Pilot names by ``pilot_id``.
    pilot_id : str
    min_cell_size : int
        The fewest participants a group's share may rest on.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    tuple of (DataFrame, float, list of str)
        The bars (``by, group, label, share, target_share, mark, least``; ``mark`` says
        why a share is not drawn), the pilot's participants, and the notes on what was
        left out.

    Examples
    --------
    Fewer than five girls take part: their share is not drawn (``<5``), nor the boys'
    (it would give theirs back):

    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> data, enrolled, notes = representation_data(metrics.reach_gaps(ds), None, "lekse", 5,
    ...                                             "en")
    >>> data[data["by"] == "gender"][["group", "share", "target_share", "mark", "least"]]
        group  share  target_share    mark  least
    0  female    NaN      0.493827      <5   True
    1    male    NaN      0.506173  hidden  False
    2   other    0.0           NaN     NaN  False
    """
    data = _representation_data(reach_gaps, names, pilot_id, _cell_min(min_cell_size),
                                _lang(language))
    groups = data.groups if data.groups is not None else pd.DataFrame(
        columns=["by", "group", "share", "target_share", "mark", "least"])
    return groups, data.total, list(data.unresolved)


def _draw_representation(axes: Sequence[Any], data: _ChartData, lang: str) -> list[Any]:
    """Draw one dimension per axes (``axes`` in the order of ``data.panels``): for each
    group its share of the participants (blue) above its share of the target group (grey),
    the least reached marked in words. Returns the key."""
    t = data.table
    h, off, dx = 0.36, 0.2, 4.0  # bar height, offset of each bar from the row's centre
    least_word = _tr(lang, "minst nådd", "least reached")
    pct = fmt.percent
    share, target = t["share"].to_numpy(float), t["target_share"].to_numpy(float)
    marks = [m if isinstance(m, str) else "" for m in t["mark"]]
    p_text = [pct(v, language=lang) if np.isfinite(v) else m for v, m in zip(share, marks)]
    t_text = [pct(v, language=lang) if np.isfinite(v) else "" for v in target]
    p_end, t_end = np.nan_to_num(share), np.nan_to_num(target)
    ylabels = [_wrap(x, 22) for x in t["label"]]
    width = _axes_width_pt(ylabels)
    least_pt = _text_width_pt(least_word) + 10.0
    # room for each bar's label, and for "minst nådd" after the longer of the two
    right = max(_room_right(p_end, [p + ("   " if le else "") for p, le in zip(p_text,
                                                                             t["least"])],
                            axes_width_pt=width - least_pt * t["least"].any(), dx_pt=dx),
                _room_right(t_end, t_text, axes_width_pt=width - least_pt * t["least"].any(),
                            dx_pt=dx), 0.1)
    right = max(right, float(np.max(np.r_[p_end, t_end, 0.0])) * 1.05)
    per_pt = right / max(width, 1.0)  # data units per point along x
    for ax, b in zip(axes, data.panels, strict=True):
        sel = np.flatnonzero((t["by"] == b).to_numpy())
        y = np.arange(len(sel))
        ax.barh(y - off, p_end[sel], height=h, color=_C["blue"], zorder=2)
        ax.barh(y + off, t_end[sel], height=h, color=_C["track"], edgecolor=_C["rule"],
                linewidth=0.6, zorder=2)
        for i, j in enumerate(sel):
            hidden = bool(marks[j])
            _label(ax, p_text[j], (p_end[j], i - off), dx=3 if hidden else dx,
                   color=_C["muted"] if hidden else _C["ink"])
            if t_text[j]:
                _label(ax, t_text[j], (t_end[j], i + off), dx=dx, color=_C["muted"])
            if t["least"].iloc[j]:
                # after the farther of the two labels, on the row's centre line
                x = max(p_end[j] + (dx + _text_width_pt(p_text[j])) * per_pt,
                        t_end[j] + (dx + _text_width_pt(t_text[j])) * per_pt)
                _label(ax, least_word, (x, i), dx=8, color=_C["vermillion"],
                       weight="semibold")
        _rows_top_down(ax, [ylabels[j] for j in sel])
        for i, lbl in enumerate(ax.get_yticklabels()):
            if t["least"].iloc[sel[i]]:
                lbl.set_fontweight("semibold")
        _facet_title(ax, _tr(lang, *_DIMENSION_WORDS[b]))
        ax.set_xlim(0, right)
        _bar_value_axis(ax, "percent", lang, nbins=4)
    return [_patch(_C["blue"], _tr(lang, "Andel av deltakerne", "Share of the participants")),
            _patch(_C["track"], _tr(lang, "Andel av målgruppen", "Share of the target group"),
                   edgecolor=_C["rule"], linewidth=0.6)]


def representation_chart(reach_gaps: pd.DataFrame, names: Mapping[str, str] | None = None, *,
                         pilot_id: str, min_cell_size: int, language: Language = "nb",
                         source: str | None = None) -> Figure:
    """Who in the target group is reached: each group's share of the participants beside
    its share of the target group, by area, gender and age group, for one pilot.

    One panel per dimension. For each group the blue bar is its share of the pilot's
    participants and the grey bar below it its share of the target group, so a group with a
    short blue bar beside a long grey one is under-represented; the least reached group of
    each dimension is named "minst nådd" in its row. Dimensions without a known target
    share are left out (caption and alt text say so).

    Parameters
    ----------
    reach_gaps : pandas.DataFrame
        Output of :func:`pilot_eval.metrics.decision.reach_gaps` (index
        ``(pilot_id, by, group)``; ``enrolled``, ``share``, ``target_share``,
        ``least_reached``).
    names : mapping of pilot_id to name, optional
    pilot_id : str
        The pilot to draw.
    min_cell_size : int
        A group with ``0 < enrolled < min_cell_size`` is never drawn with a share ("<5"),
        nor the groups hidden to protect it ("skjult", see Notes); a pilot with fewer
        participants in all is not broken down at all (a sentence instead).
    language : {"nb", "en"}, default "nb"
    source : str, optional

    Returns
    -------
    Figure
        A sentence instead of a chart when no dimension has a known target share and a
        group shown.

    Notes
    -----
    The pilot's number of participants is published, and the shares are of it, so within
    each dimension the counts go through :func:`pilot_eval.privacy.suppression_mask`: a
    small group is hidden together with the smallest others until at least two are hidden
    and they add up to ``min_cell_size`` or more. The target group's shares are population
    figures and are drawn for every group. Where a dimension has a hidden group, the least
    reached group is marked only when that follows from the figures shown (see
    ``_least_reached``): a mark resting on a hidden count would bound it. Otherwise the
    caption says it cannot be named.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> names = {"lekse": "Leksehjelp Øst", "jobb": "Jobbtrening"}
    >>> fig = representation_chart(metrics.reach_gaps(ds), names, pilot_id="lekse",
    ...                            min_cell_size=5, language="en")
    >>> fig.is_chart, fig.title  # doctest: +NORMALIZE_WHITESPACE
    (True, 'Leksehjelp Øst: who is reached? Share of the participants and of the target group,
    by age group')
    >>> print(fig.alt)  # doctest: +NORMALIZE_WHITESPACE
    Bar chart: Leksehjelp Øst, share of the participants and of the target group. Age group: 0–5
    years 0% of the participants against 0% of the target group, 6–9 years 0% of the
    participants against 0% of the target group, 10–12 years 50% of the participants against
    100% of the target group, 13–15 years 50% of the participants against 0% of the target
    group, 16–19 years 0% of the participants against 0% of the target group, 20–25 years 0% of
    the participants against 0% of the target group, 26+ years 0% of the participants against 0%
    of the target group. Left out: the target group's distribution by area is unknown and too
    few participants in each group by gender.
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    data = _representation_data(reach_gaps, names, pilot_id, k, lang)
    if data.message is not None:
        return _placeholder(data.title, data.message, language=lang)
    sizes = [int((data.table["by"] == b).sum()) for b in data.panels]

    def build() -> tuple[_MplFigure, list[Any]]:
        body = sum(9.0 * s + 12.0 for s in sizes) + 6.0
        fig, axes = _new(body, len(sizes), 1, sharex=True,
                         gridspec_kw={"height_ratios": [s + 0.9 for s in sizes]})
        return fig, _draw_representation(list(axes[:, 0]), data, lang)

    return _figure(build, title=data.title, alt=data.alt, notes=data.notes, source=source,
                   language=lang)


# --------------------------------------------------------------------------- enterprise

# income sources (schema.INCOME_SOURCES) in stacking order: the municipality's parts first
_INCOME_PARTS = (
    ("fund", ("Fondet", "The fund"), "blue"),
    ("municipality", ("Kjøp fra kommunen", "Purchases by the municipality"), "sky"),
    ("ferd", ("Ferd", "Ferd"), "orange"),
    ("other_public", ("Annen offentlig støtte", "Other public support"), "green"),
    ("private_customers", ("Private kunder", "Private customers"), "yellow"),
    ("donations", ("Gaver", "Donations"), "purple"),
    ("other_income", ("Andre inntekter", "Other income"), "grey"),
)
_MUNICIPAL = ("fund", "municipality")
_GREY = "#b8c2cc"
_ENTERPRISE_COLUMNS = ["organisation", "year", *(f"{s}_nok" for s, *_ in _INCOME_PARTS),
                       "total_costs_nok", "ferd_investment_nok"]


def _colour(name: str) -> str:
    return _GREY if name == "grey" else _C[name]


def _enterprise_data(enterprise: pd.DataFrame, organisation: str | None,
                     lang: str) -> _ChartData:
    """The organisations' years as drawn: ``organisation``, ``year``, ``label`` (the year,
    "(delår)" for a part year), each ``{source}_nok``, ``income_nok``, ``municipal_nok``
    (fund + municipality), ``municipality_share``, ``costs_nok``, ``investment_nok``."""
    df = _flat(_require(enterprise, _ENTERPRISE_COLUMNS,
                        "pilot_eval.metrics.enterprise_finances(ds)"))
    df["organisation"] = df["organisation"].astype(str)
    orgs = list(dict.fromkeys(df["organisation"]))
    if organisation is not None and str(organisation) not in orgs:
        raise UsageError(f"organisation={organisation!r} is not in the table; the "
                         f"organisations are: {', '.join(orgs) or '(none)'}.")
    if organisation is not None:
        orgs = [str(organisation)]
    title = _tr(lang, "Virksomhetenes inntekter etter kilde, kostnader og Ferds investering",
                "The enterprises' income by source, costs and Ferd's investment")
    if organisation is not None:
        title = f"{organisation}: " + _tr(lang, "inntekter etter kilde, kostnader og Ferds "
                                                "investering",
                                          "income by source, costs and Ferd's investment")
    if not orgs:
        return _ChartData(pd.DataFrame(), title, message=_tr(
            lang, "Ingen regnskapstall fra virksomhetene ennå.",
            "No accounts from the enterprises yet."))
    df = df[df["organisation"].isin(orgs)].copy()
    df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
    df = df.assign(_o=df["organisation"].map({o: i for i, o in enumerate(orgs)}))
    df = df.sort_values(["_o", "year"], kind="stable").reset_index(drop=True)
    parts = {s: pd.to_numeric(df[f"{s}_nok"], errors="coerce").fillna(0.0).astype(float)
             for s, *_ in _INCOME_PARTS}
    income = sum(parts.values())
    municipal = parts["fund"] + parts["municipality"]
    costs = pd.to_numeric(df["total_costs_nok"], errors="coerce").astype(float)
    invest = pd.to_numeric(df["ferd_investment_nok"], errors="coerce").fillna(0.0).astype(float)
    part_year = (df["part_year"].astype("boolean").fillna(False).to_numpy(bool)
                 if "part_year" in df else np.zeros(len(df), bool))
    table = pd.DataFrame({
        "organisation": df["organisation"], "year": df["year"],
        "label": [str(y) + (_tr(lang, " (delår)", " (part year)") if p else "")
                  for y, p in zip(df["year"], part_year)],
        **{f"{s}_nok": v for s, v in parts.items()},
        "income_nok": income, "municipal_nok": municipal,
        "municipality_share": municipal / income.where(income > 0),
        "costs_nok": costs, "investment_nok": invest, "part_year": part_year,
    })
    has_any = ((table["income_nok"] > 0) | table["costs_nok"].gt(0) | (table["investment_nok"]
                                                                         > 0))
    empty = [o for o in orgs if not has_any[table["organisation"] == o].any()]
    shown = [o for o in orgs if o not in empty]
    table = table[table["organisation"].isin(shown)].reset_index(drop=True)
    if not shown:
        if len(orgs) == 1:
            msg = _tr(lang, "{o} har ikke levert inntekter eller kostnader ennå.",
                      "{o} has not reported income or costs yet.").format(o=orgs[0])
        else:
            msg = _tr(lang, "Virksomhetene har ikke levert inntekter eller kostnader ennå.",
                      "The enterprises have not reported income or costs yet.")
        return _ChartData(table, title, message=msg)

    multi = organisation is None
    pct = fmt.percent
    alt_parts = []
    for o in shown:
        d = table[table["organisation"] == o]
        bits = []
        for _, r in d.iterrows():
            b = _tr(lang, "{y}: inntekter {i}", "{y}: income {i}").format(
                y=r["label"], i=_money(r["income_nok"], lang))
            if np.isfinite(r["municipality_share"]):
                b += _tr(lang, ", {s} fra kommunen", ", {s} from the municipality").format(
                    s=pct(r["municipality_share"], language=lang))
            b += (_tr(lang, ", kostnader {c}", ", costs {c}").format(c=_money(r["costs_nok"],
                                                                               lang))
                  if np.isfinite(r["costs_nok"])
                  else _tr(lang, ", kostnader ukjent", ", costs unknown"))
            if r["investment_nok"] > 0:
                b += _tr(lang, ", Ferds investering {v} (ikke inntekt)",
                         ", Ferd's investment {v} (not income)").format(
                    v=_money(r["investment_nok"], lang))
            bits.append(b)
        alt_parts.append((f"{o}: " if multi else "") + "; ".join(bits))
    alt = (_tr(lang, "Stolpediagram: inntekter etter kilde per år. ",
               "Bar chart: income by source per year. ") + ". ".join(alt_parts) + ".")

    notes = [_tr(lang, "Fra kommunen = fondet og kjøp fra kommunen (innrammet). Den loddrette "
                       "streken er virksomhetens samlede kostnader. Ferds investering "
                       "(egenkapital eller lån) er ikke inntekt og er vist for seg.",
                 "From the municipality = the fund and purchases by the municipality (framed). "
                 "The vertical line is the enterprise's total costs. Ferd's investment "
                 "(equity or loan) is not income and is shown apart.")]
    if (no_cost := table[table["costs_nok"].isna()]).shape[0]:
        notes.append(_tr(lang, "Kostnader mangler for {x}.", "Costs are missing for {x}.").format(
            x=_join([(f"{r['organisation']} " if multi else "") + str(r["year"])
                     for _, r in no_cost.iterrows()], lang)))
    if table["part_year"].any():
        notes.append(_tr(lang, "Delår: året er ikke omme ved statusdatoen; tallene gjelder "
                               "fram til da.",
                         "Part year: the year was not over at the status date; the figures "
                         "run to then."))
    if empty:
        notes.append(_tr(lang, "Uten tall: {x}.", "No figures: {x}.").format(
            x=_join(empty, lang)))
    return _ChartData(table, title, alt, notes, panels=shown)


def _enterprise_texts(r: pd.Series, lang: str) -> tuple[str, str]:
    """The income bar's label and the investment bar's label ("" when there is none)."""
    text = _money(r["income_nok"], lang)
    if np.isfinite(r["municipality_share"]):
        text += _tr(lang, ", {s} fra kommunen", ", {s} from the municipality").format(
            s=fmt.percent(r["municipality_share"], language=lang))
    elif r["income_nok"] <= 0:
        text = _tr(lang, "ingen inntekter", "no income")
    inv = ""
    if r["investment_nok"] > 0:
        inv = _tr(lang, "Ferds investering (ikke inntekt): {v}",
                  "Ferd's investment (not income): {v}").format(v=_money(r["investment_nok"],
                                                                          lang))
    return text, inv


def _draw_enterprise(axes: Sequence[Any], data: _ChartData, lang: str, multi: bool) -> list[Any]:
    """Draw each organisation's years on its axes; returns the key."""
    t = data.table
    y_inc, y_inv, h_inc, h_inv = -0.12, 0.3, 0.46, 0.18
    texts = [_enterprise_texts(r, lang) for _, r in t.iterrows()]
    ends_inc = np.fmax(t["income_nok"].to_numpy(float), t["costs_nok"].to_numpy(float))
    ylabels = [_wrap(x, 16) for x in t["label"]]
    width = _axes_width_pt(ylabels)
    right = max(_room_right(ends_inc, [a for a, _ in texts], axes_width_pt=width, dx_pt=6),
                _room_right(t["investment_nok"].to_numpy(float), [b for _, b in texts],
                            axes_width_pt=width, dx_pt=6))
    used = [s for s, *_ in _INCOME_PARTS if (t[f"{s}_nok"] > 0).any()]
    for ax, org in zip(axes, data.panels, strict=True):
        sel = (t["organisation"] == org).to_numpy()
        d = t[sel].reset_index(drop=True)
        tx = [texts[i] for i in np.flatnonzero(sel)]
        y = np.arange(len(d))
        left = np.zeros(len(d))
        for s, _, colour in _INCOME_PARTS:
            v = d[f"{s}_nok"].to_numpy(float)
            if s in used:
                ax.barh(y + y_inc, v, left=left, height=h_inc, color=_colour(colour),
                        edgecolor="white", linewidth=0.5, zorder=2)
            left = left + v
        mun = d["municipal_nok"].to_numpy(float)
        for i in range(len(d)):
            if mun[i] > 0:  # the municipality's part framed
                ax.barh(i + y_inc, mun[i], height=h_inc + 0.08, color="none",
                        edgecolor=_C["ink"], linewidth=1.1, zorder=3)
            c = d["costs_nok"].iloc[i]
            if np.isfinite(c):
                ax.plot([c, c], [i + y_inc - 0.33, i + y_inc + 0.3], color=_C["ink"], lw=1.8,
                        zorder=4, solid_capstyle="butt")
            end = np.nanmax([d["income_nok"].iloc[i], c, 0.0])
            _label(ax, tx[i][0], (end, i + y_inc), dx=6)
            inv = d["investment_nok"].iloc[i]
            if inv > 0:
                ax.barh(i + y_inv, inv, height=h_inv, color="white", edgecolor=_C["orange"],
                        hatch=_HATCH, hatchcolor=_C["orange"], linewidth=0.8, zorder=2)
                _label(ax, tx[i][1], (inv, i + y_inv), dx=6, color=_C["muted"], zorder=5,
                       bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"})
        _rows_top_down(ax, [_wrap(x, 16) for x in d["label"]])
        ax.set_ylim(len(d) - 0.5, -0.55)
        if multi:
            _facet_title(ax, org)
        ax.set_xlim(0, right if right > 0 else 1)
        _bar_value_axis(ax, "money", lang, nbins=4)
    handles = [_patch(_colour(c), _tr(lang, *words)) for s, words, c in _INCOME_PARTS
               if s in used]
    handles.append(_line(_C["ink"], _tr(lang, "Samlede kostnader", "Total costs"), marker="|",
                         markersize=9, markeredgewidth=1.8, linestyle="none"))
    # Ferd's investment has no key: each of its bars says "Ferds investering (ikke inntekt)"
    # (with it, nine entries of the longest words would not fit two lines)
    return handles


def enterprise_chart(enterprise: pd.DataFrame, *, organisation: str | None = None,
                     language: Language = "nb", source: str | None = None) -> Figure:
    """How the enterprise earns its money: income by source per year, total costs, and
    Ferd's investment apart.

    One panel per organisation (or one for ``organisation``), one row per year. The bar is
    the year's income stacked by source, the municipality's parts first -- the fund, then
    purchases by the municipality, framed together -- so the share from the municipality
    reads off the left end; the label gives the income and that share. A black line marks
    the total costs; Ferd's investment (equity or loan) is a separate hatched bar under the
    income, labelled as not income. No verdict: the facts a politician needs.

    Parameters
    ----------
    enterprise : pandas.DataFrame
        Output of :func:`pilot_eval.metrics.enterprise.enterprise_finances` (index
        ``(organisation, year)``; the seven ``{source}_nok``, ``total_costs_nok``,
        ``ferd_investment_nok``; ``part_year`` when present).
    organisation : str, optional
        Draw one organisation only.
    language : {"nb", "en"}, default "nb"
    source : str, optional

    Returns
    -------
    Figure
        A sentence instead of a chart when there are no finances (or none with a figure).

    Notes
    -----
    The share from the municipality is (fund + municipality) / income, computed here from
    the amounts drawn, as :func:`~pilot_eval.metrics.enterprise.enterprise_finances` does.
    Organisations are not people: nothing is suppressed.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> fig = enterprise_chart(metrics.enterprise_finances(ds), organisation="Læringsløftet AS",
    ...                        language="en")
    >>> fig.is_chart, fig.title
    (True, "Læringsløftet AS: income by source, costs and Ferd's investment")
    >>> print(fig.alt.replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    Bar chart: income by source per year. 2024: income NOK 1.1 million, 84% from the
    municipality, costs NOK 1.1 million; 2025: income NOK 1.5 million, 84% from the
    municipality, costs NOK 1.5 million.
    """
    lang = _lang(language)
    data = _enterprise_data(enterprise, organisation, lang)
    if data.message is not None:
        return _placeholder(data.title, data.message, language=lang)
    sizes = [int((data.table["organisation"] == o).sum()) for o in data.panels]
    multi = organisation is None

    def build() -> tuple[_MplFigure, list[Any]]:
        body = sum(12.0 * s + (10.0 if multi else 0.0) for s in sizes) + 9.0
        fig, axes = _new(body, len(sizes), 1, sharex=True,
                         gridspec_kw={"height_ratios": [s + (0.85 if multi else 0)
                                                        for s in sizes]})
        return fig, _draw_enterprise(list(axes[:, 0]), data, lang, multi)

    return _figure(build, title=data.title, alt=data.alt, notes=data.notes, source=source,
                   language=lang)
