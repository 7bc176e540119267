"""Words and tables of the section "Etter avtaleperioden" / "After the agreement".

What the politicians decide at the end of the agreement turns on four things, each drawn
from a metric table of :mod:`pilot_eval.metrics.decision` or
:mod:`pilot_eval.metrics.enterprise`: what continuing or scaling a pilot would cost a year
(:func:`scenario_table`, :func:`continuing_lines`), what it can promise (:func:`promise_sentences`:
never more than the evidence under its result), how a participant's cost compares with
today's service (:func:`unit_cost_table`), who in the target group is reached least
(:func:`reach_gap_sentences`), and how the enterprise earns its money
(:func:`finances_table`, :func:`enterprise_sentences`). The sentences are in the message
catalogue (:data:`pilot_eval.present.text.MESSAGES`, keys ``after.*``).

Privacy: a pilot with fewer than ``min_cell_size`` participants gets no cost per
participant (a mean over a handful of people) and no yearly intake (it gives their number
back); a group's share of the participants is said only when the suppression rule of the
reach charts shows its count. Organisations' finances are not personal data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..dataset import Dataset
from . import fmt, text
from .tables import Table, _Col, _group_label, _name, _names, _table

__all__ = ["continuing_lines", "continuing_total", "enterprise_sentences", "finances_table",
           "money_range", "promise_sentences", "summary_lines", "reach_gap_sentences", "scenario_caveats",
           "scenario_notes", "scenario_table",
           "shown", "unit_cost_sentences", "unit_cost_table"]

Names = Mapping[str, str] | pd.Series | pd.DataFrame | None


def shown(ds: Dataset, decision: bool | None) -> bool:
    """Whether a report shows the section: always with ``decision=True``, never with
    ``False``; by default (None) from the last half of the agreement, when the folder has
    data for it (cost types, alternatives or finances), so that a folder without them
    reports exactly as before.

    Parameters
    ----------
    ds : Dataset
        The loaded data folder.
    decision : bool or None
        The report's choice (``--decision``/``--no-decision``); None decides from the data.

    Returns
    -------
    bool

    Examples
    --------
    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> shown(ds, None), shown(ds, False)
    (True, False)
    >>> shown(ds.as_of("2025-06-30"), None)  # the first half of the agreement
    False
    """
    if decision is not None:
        return bool(decision)
    from ..metrics.decision import has_decision_data

    a = ds.agreement
    half = a.start + (a.end - a.start) / 2
    return bool(ds.as_of_date >= half) and has_decision_data(ds)


def money_range(low: float, high: float, language: str) -> str:
    """"0,5–0,7 mill. kr": a range of amounts with the unit once.

    Parameters
    ----------
    low, high : float
        The amounts in kroner.
    language : {"nb", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> money_range(1_000_000, 1_400_000, "nb")
    '1,0–1,4\xa0mill.\xa0kr'
    >>> money_range(480_000, 1_400_000, "en")
    'NOK\xa00.5–1.4\xa0million'
    """
    lo, hi = fmt.mnok(low, language=language), fmt.mnok(high, language=language)
    unit = lo[len(lo.rstrip("\u00a0abcdefghijklmnopqrstuvwxyzNOK.")):]  # "\u00a0mill.\u00a0kr"
    if language == "nb" and unit and hi.endswith(unit):
        return f"{lo[: -len(unit)]}–{hi}"
    million = "\u00a0million"
    if lo.startswith("NOK\u00a0") and lo.endswith(million) and hi.endswith(million):
        return f"{lo[: -len(million)]}–{hi[4:]}"
    return f"{lo}–{hi}"


#: Groups as a sentence names them (the tables' labels are headings: "Gutt / mann").
_GENDER_WORDS = {"nb": {"female": "jenter", "male": "gutter", "other": "annet kjønn"},
                 "en": {"female": "girls", "male": "boys", "other": "another gender"}}


def _group_words(group: Any, by: str, language: str) -> str:
    if by == "gender" and str(group) in _GENDER_WORDS[language]:
        return _GENDER_WORDS[language][str(group)]
    return _group_label(group, by, language)


def _nok_range(low: float, high: float, language: str, *, unit: bool = True) -> str:
    """"11 300–14 700 kr", rounded to hundreds (without "kr" in a column that says it)."""
    if not unit:
        return (f"{fmt.number(round(low, -2), 0, language=language)}–"
                f"{fmt.number(round(high, -2), 0, language=language)}")
    lo = fmt.nok(round(low, -2), language=language)
    hi = fmt.nok(round(high, -2), language=language)
    if language == "nb":
        return f"{lo.removesuffix(chr(0xa0) + 'kr')}–{hi}"
    return f"{lo}–{hi.removeprefix('NOK' + chr(0xa0))}"


def _f(x: Any) -> float:
    return float(x) if x is not None and pd.notna(x) else float("nan")


def _notes(row: pd.Series) -> list[str]:
    note = row.get("note")
    return str(note).split(";") if note is not None and pd.notna(note) else []


def _too_few(row: pd.Series, min_cell_size: int) -> bool:
    return _f(row.get("enrolled")) < min_cell_size


def _why(row: pd.Series, min_cell_size: int) -> str | None:
    """Why a pilot's yearly cost is not said, or None."""
    notes = _notes(row)
    if "not_started" in notes:
        return "not_started"
    enrolled = _f(row.get("enrolled"))
    if not enrolled > 0:
        return "no_participants"
    if enrolled < min_cell_size or pd.isna(row.get("cost_per_year_nok")):
        return "too_few"
    if _f(row.get("fixed_cost_nok")) + _f(row.get("variable_cost_nok")) == 0 \
            and _f(row.get("start_up_cost_nok")) > 0:
        return "only_start_up"  # nothing to run it on: not "0 kr a year"
    return None


def _continue_rows(scenarios: pd.DataFrame) -> pd.DataFrame:
    """The ``continue`` row of each pilot, indexed by its id as text."""
    rows = scenarios.xs("continue", level="scenario")
    return rows.set_axis(rows.index.astype(str))


def continuing_total(scenarios: pd.DataFrame, *, min_cell_size: int) -> float | None:
    """The yearly cost of continuing every pilot as today, or None when a pilot's cannot be
    said (a total would then give it back, or leave it out while saying "in all").

    Parameters
    ----------
    scenarios : DataFrame
        :func:`pilot_eval.metrics.decision.scenarios`.
    min_cell_size : int
        The fewest participants a pilot's cost per participant may rest on.

    Returns
    -------
    float or None

    Examples
    --------
    One of the two pilots has too few participants, so there is no total:

    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> scenarios = metrics.scenarios(pe.load_dataset("tests/data/doctest_small"))
    >>> continuing_total(scenarios, min_cell_size=5) is None
    True
    >>> round(continuing_total(scenarios.loc[["lekse"]], min_cell_size=5), -3)
    55000.0
    """
    rows = _continue_rows(scenarios)
    if rows.empty or any(_why(r, min_cell_size) is not None for _, r in rows.iterrows()):
        return None
    return float(rows["cost_per_year_nok"].fillna(0).sum())


def continuing_lines(scenarios: pd.DataFrame, names: Names, language: str, *,
                     min_cell_size: int) -> list[str]:
    """One line per pilot: the yearly cost of continuing as today, its low–high range and
    the yearly intake ("Leksehjelp: om lag 1,2 mill. kr per år (1,0–1,4 mill. kr) for om lag
    160 nye deltakere per år.").

    Parameters
    ----------
    scenarios : DataFrame
        :func:`pilot_eval.metrics.decision.scenarios`.
    names : mapping, Series or the pilots table, optional
        Pilot names by ``pilot_id``.
    language : {"nb", "en"}
    min_cell_size : int
        The fewest participants a cost per participant or a yearly intake may rest on.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> for line in continuing_lines(metrics.scenarios(ds), ds.pilots, "en", min_cell_size=5):
    ...     print(line.replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    Leksehjelp Øst: about NOK 0.1 million a year (NOK 15,000–NOK 0.2 million) for about 12 new
    participants a year.
    Jobbtrening: cannot be worked out yet, because there are too few participants to work out
    what a participant costs.
    """
    fmt.check_language(language)
    names_ = _names(names)
    out = []
    for pid, row in _continue_rows(scenarios).iterrows():
        pilot = _name(pid, names_)
        why = _why(row, min_cell_size)
        if why is not None:
            out.append(text.message("after.line.missing", language, pilot=pilot,
                                    why=text.message(f"after.why.{why}", language)))
            continue
        cost, low, high = (_f(row.get(k)) for k in
                           ("cost_per_year_nok", "cost_per_year_low_nok", "cost_per_year_high_nok"))
        n = fmt.about_count(_f(row["participants_per_year"]), language=language)
        money = {"cost": fmt.mnok(cost, language=language), "n": n, "pilot": pilot}
        if np.isfinite(low) and np.isfinite(high):
            out.append(text.message("after.line", language,
                                    span=money_range(low, high, language), **money))
        else:
            out.append(text.message("after.line.no_range", language, **money))
    return out


def summary_lines(scenarios: pd.DataFrame, names: Names, language: str, *,
                  min_cell_size: int, one_pilot: bool) -> tuple[str, list[str]]:
    """What the summary page says of the yearly cost of continuing: a lead sentence and a
    line per pilot (the portfolio), or one sentence (a pilot report; no list).

    Parameters
    ----------
    scenarios : DataFrame
        :func:`pilot_eval.metrics.decision.scenarios`.
    names : mapping, Series or the pilots table, optional
        Pilot names by ``pilot_id``.
    language : {"nb", "en"}
    min_cell_size : int
        The fewest participants a figure may rest on.
    one_pilot : bool
        A pilot's own report (one sentence, no list).

    Returns
    -------
    tuple of (str, list of str)
        The lead sentence and the lines under it.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> scenarios = metrics.scenarios(ds)
    >>> lead, lines = summary_lines(scenarios, ds.pilots, "en", min_cell_size=5, one_pilot=False)
    >>> print(lead.replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    This is what each pilot would cost a year if it continues as today. That is the whole cost,
    whoever pays, without start-up costs:
    >>> len(lines)
    2
    >>> lead, lines = summary_lines(scenarios.loc[["lekse"]], ds.pilots, "en", min_cell_size=5,
    ...                             one_pilot=True)
    >>> print(lead.replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    If the pilot continues as today, it costs about NOK 0.1 million a year (NOK 15,000–NOK 0.2
    million). That is the whole cost, whoever pays, without start-up costs.
    """
    lines = continuing_lines(scenarios, names, language, min_cell_size=min_cell_size)
    if one_pilot:
        r = _continue_rows(scenarios).iloc[0]
        if _why(r, min_cell_size) is not None or pd.isna(r.get("cost_per_year_low_nok")):
            return lines[0], []
        return text.message(
            "after.summary.lead.one", language,
            cost=fmt.mnok(r["cost_per_year_nok"], language=language),
            span=money_range(r["cost_per_year_low_nok"], r["cost_per_year_high_nok"],
                             language)), []
    total = continuing_total(scenarios, min_cell_size=min_cell_size)
    if total is None:
        return text.message("after.summary.lead.partial", language), lines
    return text.message("after.summary.lead", language,
                        total=fmt.mnok(total, language=language)), lines


def scenario_table(scenarios: pd.DataFrame, names: Names, language: str, *,
                   min_cell_size: int, share: float) -> Table:
    """Per pilot and case: new participants a year, cost a year with its low–high range,
    cost per participant, three years nominal and at present value (all in kroner of
    today's prices; start-up costs left out).

    Parameters
    ----------
    scenarios : DataFrame
        :func:`pilot_eval.metrics.decision.scenarios`.
    names : mapping, Series or the pilots table, optional
        Pilot names by ``pilot_id``.
    language : {"nb", "en"}
    min_cell_size : int
        The fewest participants a figure may rest on.
    share : float
        The agreement's ``scale_up_share`` (names the third case).

    Returns
    -------
    Table

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> table = scenario_table(metrics.scenarios(ds).loc[["lekse"]], ds.pilots, "en",
    ...                        min_cell_size=5, share=0.1)
    >>> table.data.columns[1:4].tolist()
    ['Case', 'New participants a year', 'Cost a year (NOK m)']
    >>> table.data.iloc[:, 1:4].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['As today', '12', '0.05'], ['Reach the target', '20', '0.08'], ['Reach 10% of the target
    group', '160', '0.6']]
    """
    fmt.check_language(language)
    names_ = _names(names)
    s = scenarios.reset_index()
    rows = []
    for _, r in s.iterrows():
        pid, key = str(r["pilot_id"]), str(r["scenario"])
        hidden = _why(r, min_cell_size) is not None
        cells = {"pilot": _name(pid, names_),
                 "scenario": text.label(f"scenario.short.{key}", language,
                                        share=fmt.percent(share, language=language))}
        n = _f(r.get("participants_per_year"))
        if hidden or not np.isfinite(n) or not np.isfinite(_f(r.get("cost_per_year_nok"))):
            # a case with no number (no target, no population) or a pilot too small to say
            cells["n"] = (fmt.MISSING if hidden or not np.isfinite(n)
                          else fmt.about_count(n, language=language))
            cells |= dict.fromkeys(("cost", "range", "per", "three", "pv"), fmt.MISSING)
        else:
            low, high = _f(r.get("cost_per_year_low_nok")), _f(r.get("cost_per_year_high_nok"))

            def mill(v: float) -> str:
                return fmt.number(v / 1e6, 1 if abs(v) >= 1e5 else 2, language=language)

            cells |= {
                "n": fmt.about_count(n, language=language),
                "cost": mill(_f(r["cost_per_year_nok"])),
                "range": (f"{mill(low)}–{mill(high)}"
                          if np.isfinite(low) and np.isfinite(high) else fmt.MISSING),
                "per": fmt.number(round(_f(r.get("cost_per_participant_nok")), -2), 0,
                                  language=language),
                "three": mill(_f(r.get("budget_nominal_nok"))),
                "pv": mill(_f(r.get("budget_discounted_nok"))),
            }
        rows.append(cells)
    body = pd.DataFrame(rows, columns=["pilot", "scenario", "n", "cost", "range", "per",
                                       "three", "pv"])
    mnok, nok = text.label("unit.mnok", language), text.label("unit.nok", language)
    cols = [_Col("pilot", text.label("pilot", language), width="17%"),
            _Col("scenario", text.label("h.scenario", language), width="25%"),
            _Col("n", text.label("h.per_year_people", language), True, width="10%"),
            _Col("cost", f"{text.label('h.cost_per_year', language)} ({mnok})", True,
                 width="9%"),
            _Col("range", f"{text.label('h.low_high', language)} ({mnok})", True, nowrap=True,
                 width="10%"),
            _Col("per", f"{text.label('h.per_new_participant', language)} ({nok})", True,
                 width="10%"),
            _Col("three", f"{text.label('h.three_years', language)} ({mnok})", True,
                 width="9%"),
            _Col("pv", f"{text.label('h.three_years_pv', language)} ({mnok})", True,
                 width="10%")]
    typed = not any("no_cost_types" in _notes(r) for _, r in s.iterrows())
    notes = [text.label("note.scenarios" if typed else "note.scenarios.untyped", language),
             text.message("table.derived", language, n=min_cell_size)]
    return _table(text.label("cap.scenarios", language), cols, body, notes=notes,
                  group_first=True)


def _pilots_with(scenarios: pd.DataFrame, code: str, names_: dict[str, str]) -> list[str]:
    s = scenarios.reset_index()
    has = s["note"].fillna("").astype(str).str.split(";").map(lambda c: code in c)
    return [_name(p, names_) for p in dict.fromkeys(s.loc[has.astype(bool), "pilot_id"].astype(str))]


def _joined(items: Sequence[str], language: str) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {text.message('sum.and', language)} " + items[-1]


def scenario_lead(scenarios: pd.DataFrame, language: str, *, who: str, share: str,
                  has_cost_types: bool) -> str:
    """The sentence over the scenario table (what the cases are; without cost types, not
    that start-up costs are left out)."""
    key = "after.scenarios.lead" if has_cost_types else "after.scenarios.lead.untyped"
    return text.message(key, language, who=who, share=share)


def scenario_notes(scenarios: pd.DataFrame, names: Names, language: str, *,
                   discount_rate: float, has_cost_types: bool,
                   min_cell_size: int = 5) -> list[str]:
    """Who pays in the cases, and the caveats the scenarios carry (no cost types; the
    chart's caption says which cases go far beyond today's reach and which pilots are only
    months old, :func:`scenario_caveats`).

    Parameters
    ----------
    scenarios : DataFrame
        :func:`pilot_eval.metrics.decision.scenarios`.
    names : mapping, Series or the pilots table, optional
        Pilot names by ``pilot_id``.
    language : {"nb", "en"}
    discount_rate : float
        The agreement's, for the present value.
    has_cost_types : bool
        Whether the costs table says which costs are fixed, variable or start-up.
    min_cell_size : int, default 5
        The fewest participants a figure may rest on.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> notes = scenario_notes(metrics.scenarios(ds), ds.pilots, "en", discount_rate=0.04,
    ...                        has_cost_types=True)
    >>> print(notes[0])  # doctest: +NORMALIZE_WHITESPACE
    We assume the municipality pays the whole cost, including what the fund, Ferd, the
    entrepreneur and others pay today, and contributions in work and premises. The present value
    uses a discount rate of 4% a year.
    """
    costed = pd.to_numeric(scenarios["cost_per_year_nok"], errors="coerce").notna().any() \
        if "cost_per_year_nok" in scenarios else True
    out = [] if not costed else [text.message("after.payer", language,
                        rate=fmt.percent(discount_rate, 0 if round(discount_rate * 100, 6)
                                         .is_integer() else 1, language=language))]
    if not has_cost_types:
        out.append(text.message("after.no_cost_types", language))
    names_ = _names(names)
    s = scenarios.reset_index()
    today = s[s["scenario"].astype(str) == "continue"].set_index("pilot_id")
    target = s[s["scenario"].astype(str) == "reach_target"].set_index("pilot_id")
    above = [_name(p, names_) for p in today.index
             if _why(today.loc[p], min_cell_size) is None and p in target.index
             and _f(target.loc[p, "participants_per_year"])
             < _f(today.loc[p, "participants_per_year"])]
    if above:  # "reach the target" is then a smaller service, not a bigger one
        out.append(text.message("after.target_below_today", language,
                                pilots=_joined(above, language)))
    return out


def scenario_caveats(scenarios: pd.DataFrame, names: Names, language: str) -> list[str]:
    """The cases far beyond today's reach and the pilots only months old, in words.

    Parameters
    ----------
    scenarios : DataFrame
        :func:`pilot_eval.metrics.decision.scenarios`.
    names : mapping, Series or the pilots table, optional
        Pilot names by ``pilot_id``.
    language : {"nb", "en"}

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> for line in scenario_caveats(metrics.scenarios(ds), ds.pilots, "en"):
    ...     print(line)  # doctest: +NORMALIZE_WHITESPACE
    Leksehjelp Øst and Jobbtrening: at least one case means more than twice as many participants
    as today. Whether fixed costs and the price per participant hold at that scale is uncertain.
    Jobbtrening: the pilot has run for less than half a year, so the yearly figures are uncertain.
    """
    names_ = _names(names)
    out = []
    for code, key in (("far_beyond", "after.far_beyond"), ("few_months", "after.few_months")):
        pilots = _pilots_with(scenarios, code, names_)
        if pilots:
            out.append(text.message(key, language, pilots=_joined(pilots, language)))
    return out


def promise_sentences(scenarios: pd.DataFrame, names: Names, language: str, *,
                      measures: pd.DataFrame) -> list[str]:
    """Per pilot, what its results let us expect at a larger scale: a similar improvement
    only when its outcome is rated good (moderate evidence or better, interval above 0 and
    past the minimal important change); otherwise that nothing can be promised.

    Parameters
    ----------
    scenarios : DataFrame
        :func:`pilot_eval.metrics.decision.scenarios`.
    names : mapping, Series or the pilots table, optional
        Pilot names by ``pilot_id``.
    language : {"nb", "en"}
    measures : DataFrame
        The measures table (labels, units, minimal important differences).

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> for line in promise_sentences(metrics.scenarios(ds), ds.pilots, "en",
    ...                               measures=ds.measures):
    ...     print(line)  # doctest: +NORMALIZE_WHITESPACE
    Leksehjelp Øst: the results are too uncertain to promise anything for more participants
    (very weak evidence).
    Jobbtrening: we do not know yet whether the pilot works. More participants do not by
    themselves bring better results.
    """
    names_ = _names(names)
    m = measures.set_index(measures["measure"].astype(str)) if len(measures) else measures
    label_col = "label_nb" if language == "nb" else "label_en"
    far = {str(p) for p, n in scenarios.reset_index()[["pilot_id", "note"]]
           .itertuples(index=False) if pd.notna(n) and "far_beyond" in str(n).split(";")}
    out = []
    for pid, row in _continue_rows(scenarios).iterrows():
        pilot = _name(pid, names_)
        promise = row.get("outcome_promise")
        promise = str(promise) if promise is not None and pd.notna(promise) else "unknown"
        rating = row.get("evidence_rating")
        evidence = (text.evidence_word(rating, language)
                    if rating is not None and pd.notna(rating) and rating else "")
        if promise == "effect":
            measure = str(row.get("outcome_measure"))
            label = (str(m.loc[measure, label_col]) if measure in m.index else measure)
            unit = text.unit(m.loc[measure, "unit"] if measure in m.index else None, language)
            amount = fmt.number(_f(row.get("outcome_improvement")), 1, language=language)
            said = text.message("after.promise.effect", language, pilot=pilot,
                                measure=label[:1].upper() + label[1:] if language == "en"
                                else label, evidence=evidence,
                                improvement=f"{amount}\u00a0{unit}".strip())
            if pid in far:  # a much larger service is another service
                said += " " + text.message("after.promise.far_beyond", language)
            out.append(said)
        elif promise == "uncertain" and str(row.get("outcome_status")) == "red":
            # red: the evidence shows no improvement that matters, not mere uncertainty
            out.append(text.message("after.promise.no_effect", language, pilot=pilot,
                                    evidence=evidence))
        elif promise == "uncertain":
            key = "after.promise.uncertain" if evidence else "after.promise.uncertain.unrated"
            out.append(text.message(key, language, pilot=pilot, evidence=evidence))
        else:
            out.append(text.message("after.promise.unknown", language, pilot=pilot))
    return out


def unit_cost_table(unit_costs: pd.DataFrame, names: Names, language: str, *,
                    min_cell_size: int, enrolled: Mapping[str, float]) -> Table:
    """Per pilot and comparable service: what the municipality pays today per participant
    a year (with its price year), what a participant-year in the pilot costs (low–high), and
    the difference. Sources in the notes.

    Parameters
    ----------
    unit_costs : DataFrame
        :func:`pilot_eval.metrics.decision.unit_cost_comparison`.
    names : mapping, Series or the pilots table, optional
        Pilot names by ``pilot_id``.
    language : {"nb", "en"}
    min_cell_size : int
        The fewest participants a pilot's cost per participant may rest on.
    enrolled : mapping of str to float
        Participants enrolled by ``pilot_id``.

    Returns
    -------
    Table

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> table = unit_cost_table(metrics.unit_cost_comparison(ds), ds.pilots, "en",
    ...                         min_cell_size=5, enrolled={"lekse": 12})
    >>> table.data.columns[1:].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ["Today's service", "Today's service per participant a year", 'Price year', 'The pilot per
    participant a year', 'Low–high (NOK)', 'Difference']
    >>> table.data.iloc[0, 1:].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['Leksehjelp i skolen', 'NOK\xa018,000', '2025', 'NOK\xa05,600', '1,500–17,000',
    'NOK\xa0-12,400']
    """
    names_ = _names(names)
    u = unit_costs.reset_index()
    rows, notes = [], []
    for _, r in u.iterrows():
        pid = str(r["pilot_id"])
        few = _f(enrolled.get(pid)) < min_cell_size or pd.isna(
            r.get("pilot_cost_per_participant_year_nok"))
        low, high = (_f(r.get(k)) for k in ("pilot_cost_per_participant_year_low_nok",
                                             "pilot_cost_per_participant_year_high_nok"))
        rows.append({
            "pilot": _name(pid, names_),
            "alternative": str(r["alternative_name"]),
            "today": fmt.nok(_f(r["unit_cost_nok"]), language=language),
            "year": str(int(r["year"])) if pd.notna(r["year"]) else fmt.MISSING,
            "pilot_cost": fmt.MISSING if few else fmt.nok(
                round(_f(r["pilot_cost_per_participant_year_nok"]), -2), language=language),
            "range": fmt.MISSING if few or not (np.isfinite(low) and np.isfinite(high)) else
            _nok_range(low, high, language, unit=False),
            "difference": fmt.MISSING if few else fmt.nok(round(_f(r["difference_nok"]), -2),
                                                           language=language),
        })
    for _, r in u.drop_duplicates("alternative").iterrows():
        notes.append(text.label("note.unit_source", language, alternative=r["alternative_name"],
                                source=r["source"]))
    body = pd.DataFrame(rows, columns=["pilot", "alternative", "today", "year", "pilot_cost",
                                       "range", "difference"])
    cols = [_Col("pilot", text.label("pilot", language)),
            _Col("alternative", text.label("h.today_service", language), prose=True),
            _Col("today", text.label("h.today_cost", language), True),
            _Col("year", text.label("h.price_year", language), True),
            _Col("pilot_cost", text.label("h.pilot_cost_year", language), True),
            _Col("range", f"{text.label('h.low_high', language)} "
                          f"({text.label('unit.nok', language)})", True, nowrap=True),
            _Col("difference", text.label("h.difference", language), True)]
    years = sorted({int(y) for y in u["year"].dropna()})
    if years:
        notes.append(text.message("after.unit.price_year", language,
                                  years=_joined([str(y) for y in years], language)))
    notes.append(text.message("table.derived", language, n=min_cell_size))
    return _table(text.label("cap.unit_costs", language), cols, body, notes=notes,
                  group_first=True)


def unit_cost_sentences(unit_costs: pd.DataFrame, names: Names, language: str, *,
                        min_cell_size: int, enrolled: Mapping[str, float],
                        pilots: Sequence[str]) -> list[str]:
    """Per pilot and comparable service, in words: what each costs a year, and whether the
    pilot is cheaper or dearer — "uncertain" when today's cost lies in the pilot's range.

    Parameters
    ----------
    unit_costs : DataFrame
        :func:`pilot_eval.metrics.decision.unit_cost_comparison`.
    names : mapping, Series or the pilots table, optional
        Pilot names by ``pilot_id``.
    language : {"nb", "en"}
    min_cell_size : int
        The fewest participants a pilot's cost per participant may rest on.
    enrolled : mapping of str to float
        Participants enrolled by ``pilot_id``.
    pilots : sequence of str
        The pilots the report is about, in order.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> for line in unit_cost_sentences(metrics.unit_cost_comparison(ds), ds.pilots, "en",
    ...                                 min_cell_size=5, enrolled={"lekse": 12},
    ...                                 pilots=["lekse"]):
    ...     print(line.replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    Leksehjelp Øst costs about NOK 5,600 per participant a year. Leksehjelp i skolen costs NOK
    18,000 (2025). The pilot is about NOK 12,400 cheaper per participant.
    """
    names_ = _names(names)
    if unit_costs.empty:
        return [text.message("after.unit.none", language)]
    u = unit_costs.reset_index()
    out = []
    for _, r in u.iterrows():
        pid = str(r["pilot_id"])
        pilot = _name(pid, names_)
        cost = _f(r.get("pilot_cost_per_participant_year_nok"))
        n = _f(enrolled.get(pid))
        if not n > 0:
            out.append(text.message("after.line.missing", language, pilot=pilot,
                                    why=text.message("after.why.no_participants", language)))
            continue
        if n < min_cell_size or not np.isfinite(cost):
            out.append(text.message("after.unit.too_few", language, pilot=pilot))
            continue
        if cost == 0 or "few_participant_years" in _notes(r):
            # nothing but start-up costs, or under a participant-year: a ramp-up, not a price
            out.append(text.message("after.unit.too_early", language, pilot=pilot))
            continue
        today = _f(r["unit_cost_nok"])
        said = text.message("after.unit.line", language, pilot=pilot,
                            cost=fmt.nok(round(cost, -2), language=language),
                            alternative=str(r["alternative_name"]),
                            alt_cost=fmt.nok(today, language=language),
                            year=int(r["year"]) if pd.notna(r["year"]) else fmt.MISSING)
        low = _f(r.get("pilot_cost_per_participant_year_low_nok"))
        high = _f(r.get("pilot_cost_per_participant_year_high_nok"))
        if np.isfinite(low) and np.isfinite(high) and low <= today <= high:
            said += " " + text.message("after.unit.unclear", language,
                                       low=fmt.nok(round(low, -2), language=language),
                                       high=fmt.nok(round(high, -2), language=language))
        else:
            key = "after.unit.cheaper" if cost < today else "after.unit.dearer"
            said += " " + text.message(key, language, diff=fmt.nok(round(abs(cost - today), -2),
                                                                   language=language))
        out.append(said)
    missing = [_name(p, names_) for p in pilots if p not in set(u["pilot_id"].astype(str))]
    if missing:
        out.append(text.message("after.unit.none_for", language, pilots=_joined(missing, language)))
    return out


def reach_gap_sentences(reach_gaps: pd.DataFrame, reach_by: Mapping[str, pd.DataFrame],
                        names: Names, language: str, *, min_cell_size: int,
                        pilots: Sequence[str]) -> list[str]:
    """Per pilot, the groups of its target group reached least (by area, gender and age
    group, each against its share of the target population), in one sentence.

    The sentence says what the representation chart shows, from its data step
    (:func:`pilot_eval.present.figures.decision.representation_data`): the same groups hidden
    (the reach charts' rule, the unknown group included), a group named least reached only
    where the figures shown prove it, and a share only where the chart shows it. A group is
    named when it is reached clearly less than the others: its representation (share of the
    participants / share of the target group) below
    :data:`~pilot_eval.metrics.decision.UNDER_REACHED` -- for a hidden "<k" group,
    its highest possible one, so that being named bounds nothing (the chart's rule, decided
    once in its data step).

    Parameters
    ----------
    reach_gaps : DataFrame
        :func:`pilot_eval.metrics.decision.reach_gaps`.
    reach_by : mapping of str to DataFrame
        :func:`pilot_eval.metrics.reach.reach_by` for ``"area"``, ``"gender"`` and
        ``"age_group"`` (to know which counts the charts show).
    names : mapping, Series or the pilots table, optional
        Pilot names by ``pilot_id``.
    language : {"nb", "en"}
    min_cell_size : int
        The fewest people a count shown may be.
    pilots : sequence of str
        The pilots the report is about, in order.

    Returns
    -------
    list of str

    Examples
    --------
    Girls are under-represented, and fewer than five of them take part (so no count):

    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> reach_by = {by: metrics.reach_by(ds, by) for by in ("area", "gender", "age_group")}
    >>> for line in reach_gap_sentences(metrics.reach_gaps(ds), reach_by, ds.pilots, "en",
    ...                                 min_cell_size=5, pilots=["lekse"]):
    ...     print(line)
    Leksehjelp Øst: reached least are girls (49% of the target group, fewer than 5 participants).
    """
    from .figures.decision import representation_data

    names_ = _names(names)
    g = reach_gaps.reset_index()
    if len(g):
        g["pilot_id"] = g["pilot_id"].astype(str)
    out = []
    for pid in pilots:
        pilot = _name(pid, names_)
        rows = g[g["pilot_id"] == pid] if len(g) else g
        enrolled = float(reach_by["gender"].loc[pid, "enrolled"].sum()) \
            if "gender" in reach_by and pid in reach_by["gender"].index.get_level_values(0) else 0.0
        if enrolled < min_cell_size:
            why = "after.why.no_participants" if enrolled == 0 else "after.reach.why.few"
            out.append(text.message("after.reach.unknown", language, pilot=pilot,
                                    why=text.message(why, language)))
            continue
        if rows.empty or not rows["representation"].notna().any():
            out.append(text.message("after.reach.unknown", language, pilot=pilot,
                                    why=text.message("after.reach.why.population", language)))
            continue
        drawn, _, unresolved = representation_data(
            rows.set_index(["pilot_id", "by", "group"]), names_, pid, min_cell_size, language)
        groups = []
        for _, r in drawn[drawn["least"].astype(bool)].iterrows():
            label = _group_words(r["group"], str(r["by"]), language)
            target_share = _f(r["target_share"])
            target = fmt.percent(target_share, language=language)
            small = isinstance(r["mark"], str) and r["mark"].startswith("<")
            if pd.notna(r["share"]):
                groups.append(text.message("after.reach.group", language, group=label,
                                           target=target,
                                           share=fmt.percent(r["share"], language=language)))
            elif small:
                groups.append(text.message("after.reach.group.few", language, group=label,
                                           target=target, k=min_cell_size))
        if groups:
            out.append(text.message("after.reach.line", language, pilot=pilot,
                                    groups=_joined(groups, language)))
        elif unresolved:
            out.append(text.message("after.reach.unresolved", language, pilot=pilot))
        else:
            out.append(text.message("after.reach.even", language, pilot=pilot))
    return out


def finances_table(enterprise: pd.DataFrame, language: str, *, as_of_year: int) -> Table:
    """Income and costs per enterprise and year: income in all, the share from the
    municipality and the fund (and of it the fund), from Ferd, costs, result, and Ferd's
    investment beside (not income).

    Parameters
    ----------
    enterprise : DataFrame
        :func:`pilot_eval.metrics.enterprise.enterprise_finances`.
    language : {"nb", "en"}
    as_of_year : int
        The report's year (a year not over yet is marked as such).

    Returns
    -------
    Table

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> table = finances_table(metrics.enterprise_finances(ds), "en", as_of_year=2026)
    >>> table.data.columns[:4].tolist()
    ['Enterprise', 'Year', 'Income (NOK m)', 'From the municipality and the fund']
    >>> table.data.iloc[:, 1:4].values.tolist()
    [['2024', '1.1', '84%'], ['2025', '1.5', '84%']]
    """
    e = enterprise.reset_index()
    def mn(v: Any) -> str:
        return fmt.number(None if pd.isna(v) else float(v) / 1e6, 1, language=language)

    body = pd.DataFrame({
        "organisation": e["organisation"].astype(str),
        "year": e["year"].astype("Int64").astype(str),
        "income": e["income_total_nok"].map(mn),
        "municipality": e["municipality_share"].map(lambda v: fmt.percent(v, language=language)),
        "fund": e["fund_share"].map(lambda v: fmt.percent(v, language=language)),
        "ferd": e["ferd_share"].map(lambda v: fmt.percent(v, language=language)),
        "costs": e["total_costs_nok"].map(mn),
        "result": e["result_nok"].map(
            lambda v: fmt.number(None if pd.isna(v) else float(v) / 1e6, 2, language=language)),
        "investment": e["ferd_investment_nok"].map(
            lambda v: fmt.MISSING if pd.isna(v) or float(v) == 0 else mn(v)),
    })
    unit = text.label("unit.mnok", language)
    cols = [_Col("organisation", text.label("h.organisation", language)),
            _Col("year", text.label("h.year", language), True),
            _Col("income", f"{text.label('h.income', language)} ({unit})", True),
            _Col("municipality", text.label("h.from_municipality", language), True),
            _Col("fund", text.label("h.from_fund", language), True),
            _Col("ferd", text.label("h.from_ferd", language), True),
            _Col("costs", f"{text.label('h.costs', language)} ({unit})", True),
            _Col("result", f"{text.label('h.result', language)} ({unit})", True),
            _Col("investment", f"{text.label('h.ferd_investment', language)} ({unit})", True)]
    notes = []
    if e.get("part_year") is not None and e["part_year"].astype(bool).any():
        notes.append(text.label("note.part_year", language, year=as_of_year))
    return _table(text.label("cap.finances", language), cols, body, notes=notes,
                  group_first=True)


def enterprise_sentences(enterprise: pd.DataFrame, summary: pd.DataFrame, language: str, *,
                         organisations: Sequence[str]) -> list[str]:
    """Per enterprise: the share of its income from Bærum kommune in its last full year, the
    trend since its first, and Ferd's investment as such — facts, no verdict.

    Parameters
    ----------
    enterprise : DataFrame
        :func:`pilot_eval.metrics.enterprise.enterprise_finances`.
    summary : DataFrame
        :func:`pilot_eval.metrics.enterprise.enterprise_summary`.
    language : {"nb", "en"}
    organisations : sequence of str
        The enterprises the report is about, in order.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> for line in enterprise_sentences(metrics.enterprise_finances(ds),
    ...                                  metrics.enterprise_summary(ds), "en",
    ...                                  organisations=["Læringsløftet AS"]):
    ...     print(line)  # doctest: +NORMALIZE_WHITESPACE
    In 2025, 84% of Læringsløftet AS's income came from Bærum kommune (the fund and purchases by
    the municipality). That is about the same as in 2024 (84%).
    """
    if enterprise.empty:
        return [text.message("after.enterprise.none", language)]
    out = []
    e = enterprise.reset_index()
    e["organisation"] = e["organisation"].astype(str)
    for org, row in summary.iterrows():
        org = str(org)
        last, first = row.get("last_year"), row.get("first_year")
        if pd.isna(last) or pd.isna(row.get("municipality_share_last")):
            continue  # no income reported: no share to say (the chart says why)
        said = text.message("after.enterprise.share", language, year=int(last), org=org,
                            share=fmt.percent(_f(row["municipality_share_last"]),
                                              language=language))
        trend = str(row.get("trend") or "")
        if trend in ("less_dependent", "more_dependent", "about_same") and pd.notna(first):
            said += " " + text.message(f"after.enterprise.{trend}", language, year=int(first),
                                       share=fmt.percent(_f(row["municipality_share_first"]),
                                                         language=language))
        part = e[(e["organisation"] == org) & e["part_year"].astype(bool)]
        if len(part) and int(part["year"].max()) > int(last):
            said += " " + text.message("after.enterprise.part_year", language,
                                       year=int(part["year"].max()))
        invested = _f(row.get("ferd_investment_total_nok"))
        if invested > 0:
            said += " " + text.message("after.enterprise.ferd", language, org=org,
                                       amount=fmt.mnok(invested, language=language))
        out.append(said)
    missing = [o for o in organisations if o not in set(summary.index.astype(str))]
    if missing:
        out.append(text.message("after.enterprise.missing", language,
                                orgs=_joined(missing, language)))
    return out
