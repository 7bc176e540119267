"""Charts of value for money: social value against cost, and the ratio's sensitivity.

* :func:`value_vs_cost` -- social value (observed and projected) against cost;
* :func:`tornado` -- the benefit–cost ratio with one assumption changed at a time.

Conventions: see :mod:`pilot_eval.present.figures`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ...privacy import SHOWN, publishable, publishable_value, table_disclosure_codes
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
    _figure,
    _first_upper,
    _flat,
    _join,
    _label,
    _lang,
    _measure_label,
    _mid_sentence,
    _money,
    _MplFigure,
    _name,
    _new,
    _no_rows,
    _patch,
    _placeholder,
    _require,
    _room_right,
    _rows_top_down,
    _tr,
    _value_axis,
    _wrap,
)

__all__ = ["tornado", "value_vs_cost"]


_VALUE_WHY = {
    "outcome_not_estimated": ("resultatet kan ikke anslås", "the outcome cannot be estimated"),
    "no_success_threshold": ("mangler terskel for suksess", "no success threshold"),
    "no_cost": ("ingen kostnad registrert", "no cost recorded"),
    # pilot_eval.privacy.publishable emptied it: a small count of successes
    "suppressed": ("vises ikke av personvernhensyn", "not shown for privacy"),
}


def value_vs_cost(value: pd.DataFrame, names: Mapping[str, str] | None = None, *,
                  min_cell_size: int, language: Language = "nb",
                  source: str | None = None, note: str | None = None,
                  by_measure: pd.DataFrame | None = None) -> Figure:
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
    by_measure : pandas.DataFrame, optional
        The exact per-measure table; required with the per-pilot ``value``, whose sums
        are hidden where they rest on a hidden value
        (:func:`pilot_eval.privacy.publishable_value`; exact or published input alike).

    Returns
    -------
    Figure

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> names = {"lekse": "Leksehjelp Øst", "jobb": "Jobbtrening"}
    >>> fig = value_vs_cost(metrics.value_for_money(ds), names, min_cell_size=5, language="en")
    >>> fig.is_chart, fig.title
    (True, 'Social value (present value) against cost, observed and projected')
    >>> print(fig.alt.replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    Bar chart: Leksehjelp Øst – trivsel: value NOK 0.17 million (NOK 38,000 observed and NOK
    0.13 million projected) against cost NOK 0.29 million, benefit–cost ratio 0.56.
    """
    lang = _lang(language)
    k = _cell_min(min_cell_size)
    df = _flat(_require(value, ["pilot_id", "observed_value_nok", "projected_value_nok",
                                "social_value_pv_nok", "cost_for_ratio_nok",
                                "benefit_cost_ratio"],
                        "pilot_eval.metrics.value_for_money_by_pilot(ds) or value_for_money(ds)"))
    per_measure = "measure" in df.columns
    if not per_measure:  # (per measure, the disclosure codes below do the same)
        df = _flat(publishable_value(value, k, by_measure=by_measure))
    n = len(df)
    title = _tr(lang, "Samfunnsnytte (nåverdi) mot kostnad, observert og framskrevet",
                "Social value (present value) against cost, observed and projected")
    if n == 0:
        return _placeholder(title, _tr(lang, "Ingen verdsatte resultater ennå.",
                                       "No valued outcomes yet."), language=lang)
    obs = df["observed_value_nok"].to_numpy(float)
    proj = df["projected_value_nok"].to_numpy(float)
    total = df["social_value_pv_nok"].to_numpy(float)
    cost = df["cost_for_ratio_nok"].to_numpy(float)
    ratio = df["benefit_cost_ratio"].to_numpy(float)
    few = (df["n_measured"].to_numpy(float) < k) if "n_measured" in df else np.zeros(n, bool)
    shown = np.isfinite(total) & ~few
    if per_measure:  # the disclosure model: a value built on a small count of successes
        codes = table_disclosure_codes("value_for_money", df.set_index(["pilot_id", "measure"]),
                                       k)
        if "social_value_pv_nok" in codes:
            private = codes["social_value_pv_nok"].ne(SHOWN).to_numpy(bool) & ~few
            shown &= ~private
            notes_ = df["note"].astype("string").fillna("") if "note" in df else \
                pd.Series([""] * n)
            df = df.assign(note=np.where(private, "suppressed", notes_.to_numpy(object)))
    notes = df["note"].astype("string").fillna("") if "note" in df else pd.Series([""] * n)
    rows = []
    for _, r in df.iterrows():
        nm = _name(names, r["pilot_id"])
        rows.append(f"{nm} – {_measure_label(r, lang).lower()}" if per_measure else nm)
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
        _rows_top_down(ax, ylabels)
        ax.set_xlim(x0 * 1.05, x1 if x1 > 0 else 1)
        _bar_value_axis(ax, "money", lang, nbins=4)
        handles = [
            _patch("#7b8794", _tr(lang, "Kostnad (med skattefinansieringskostnad)",
                                  "Cost (with tax-financing cost)")),
            _patch(_C["blue"], _tr(lang, "Nytte, observert", "Value, observed")),
            _patch(_C["light_blue"], _tr(lang, "Nytte, framskrevet", "Value, projected"),
                   edgecolor=_C["blue"], hatch=_HATCH, hatchcolor=_C["blue"], linewidth=0.6),
        ]
        return fig, handles

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
    return _figure(build, title=title, alt=alt, notes=[*text, note], source=source,
                   language=lang)


def _assumption_words(language: str) -> dict[str, str]:
    """The assumptions' names, as the metrics workbook writes them (catalog context
    ``code``, ``assumption.<name>``)."""
    from .. import columns

    i = 0 if language == "nb" else 1
    return {name: words[i] for name, words in columns.CODE_WORDS["assumption"].items()}


# the valuation of a per_unit measure is per one of its unit: "dager per halvår" → per day
_UNIT_ONE = {"dager": ("dag", "day"), "dag": ("dag", "day"), "timer": ("time", "hour"),
             "uker": ("uke", "week"), "måneder": ("måned", "month"), "poeng": ("poeng", "point"),
             "ganger": ("gang", "time"), "episoder": ("episode", "episode")}


def _value_label(basis: str | None, unit: str | None, language: str) -> str:
    """What the valuation is per: a person and year (``per_success``) or one unit of the
    measure (``per_unit``: "Verdsetting per dag", or "per enhet (…)" for an unknown unit)."""
    if basis != "per_unit":
        return _assumption_words(language)["value_nok"]
    word = str(unit or "").strip()
    one = _UNIT_ONE.get(word.split(" ")[0].lower()) if word else None
    if one:
        return _tr(language, "Verdsetting per {u}", "Value per {u}").format(
            u=one[0 if language == "nb" else 1])
    if word:
        return _tr(language, "Verdsetting per enhet ({u})", "Value per unit ({u})").format(u=word)
    return _tr(language, "Verdsetting per enhet", "Value per unit")


def _assumption_value(name: str, x: float, language: str) -> str:
    if name == "value_nok":
        return fmt.nok(x, language=language)
    if name == "duration_years":
        return f"{fmt.number(x, 0, language=language)} " + _tr(
            language, "år", "year" if round(x) == 1 else "years")
    return fmt.percent(x, 0 if abs(x * 100 - round(x * 100)) < 1e-9 else 1, language=language)


def tornado(sensitivity: pd.DataFrame, pilot_id: str, measure: str, *,
            by_measure: pd.DataFrame, min_cell_size: int,
            names: Mapping[str, str] | None = None, measure_label: str | None = None,
            basis: str | None = None, unit: str | None = None,
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
    by_measure : pandas.DataFrame
        The exact :func:`pilot_eval.metrics.value.value_for_money`: a ratio resting on a
        count of people too small to publish is not drawn (:func:`pilot_eval.privacy.
        publishable`; exact or published ``sensitivity`` alike).
    min_cell_size : int
        The agreement's smallest count of people that may be published.
    names : mapping of pilot_id to name, optional
    measure_label : str, optional
        The measure's name to print (the sensitivity table has only its key).
    basis : {"per_success", "per_unit"}, optional
        The valuation table's ``basis`` for the measure: the valuation row says "per person
        og år" for ``per_success`` (the default) and "per {unit}" for ``per_unit``.
    unit : str, optional
        The measure's unit (``measures.unit``, e.g. "dager per halvår" → "per dag").
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
    >>> fig = tornado(metrics.sensitivity(ds), "lekse", "trivsel", names=names,
    ...               by_measure=metrics.value_for_money(ds), min_cell_size=5,
    ...               measure_label="Well-being", language="en")
    >>> fig.is_chart, fig.title
    (True, 'Sensitivity analysis: benefit–cost ratio for Leksehjelp Øst, well-being')
    >>> print(fig.alt)  # doctest: +NORMALIZE_WHITESPACE
    Tornado chart: the benefit–cost ratio for Leksehjelp Øst (Well-being) is 0.56 in the base
    case. The largest swings come from value per person per year (0.28 to 0.85) and duration
    (0.38 to 0.69). The ratio is below 1 in every calculation.
    """
    lang = _lang(language)
    _require(sensitivity, ["pilot_id", "measure", "assumption", "base_value", "low_value",
                           "high_value", "ratio_base", "ratio_low", "ratio_high"],
             "pilot_eval.metrics.sensitivity(ds)")
    df = _flat(publishable("sensitivity", sensitivity, min_cell_size,
                           value_for_money=by_measure))
    d = df[(df["pilot_id"] == str(pilot_id)) & (df["measure"].astype(str) == str(measure))]
    who = _name(names, pilot_id)
    mlabel = measure_label or str(measure)
    title = _tr(lang, "Følsomhetsanalyse: nytte–kostnadsforhold for {p}, {m}",
                "Sensitivity analysis: benefit–cost ratio for {p}, {m}").format(
        p=who, m=mlabel.lower() if lang == "nb" else _mid_sentence(mlabel))
    if df.empty or (not d.empty and not np.isfinite(d["ratio_base"].to_numpy(float)).any()):
        return _placeholder(title, _tr(lang, "Nytte–kostnadsforholdet for {p} ({m}) kan ikke "
                                             "beregnes ennå.",
                                       "The benefit–cost ratio for {p} ({m}) cannot be "
                                       "computed yet.").format(
            p=who, m=mlabel.lower() if lang == "nb" else _mid_sentence(mlabel)), language=lang)
    if d.empty:
        raise _no_rows(df, "sensitivity", pilot_id, measure)
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
    nice = _assumption_words(lang)
    nice["value_nok"] = _value_label(basis, unit, lang)
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

    note = _tr(lang, "Én forutsetning endres om gangen, de andre står på grunnanslaget. Under "
                     "hvert navn: grunnverdi i parentes, lav / høy verdi under.",
               "One assumption is changed at a time, the others stay at base. Base value in "
               "brackets, low / high value below each name.")
    return _figure(build, title=title, alt=alt, notes=[note], source=source, language=lang)
