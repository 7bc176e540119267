r"""The whole portfolio at the dataset's ``as_of`` date: the fund's money against its
allocation, the agreement's time, and citizens reached across pilots without double
counting (DESIGN §3 and the summary page of §4).

* :func:`portfolio_summary` -- one row: allocation, grants, fund money spent, months passed,
  pilots by state, citizens reached (distinct people), coverage of the combined target
  population.
* :func:`overlap_matrix` -- how many citizens each pair of pilots shares.

Notes
-----
*Citizens reached* counts distinct ``participant_id`` over all pilots (enrolled on or before
``as_of``), so a person in two pilots counts once; ``enrolments`` counts them twice. This
assumes a person has the same pseudonym in every pilot.

*Combined target population.* The pilots' target groups overlap (ages 10–15 and 12–18 share
ages 12–15), so their target populations are not added up. Instead the population cells
(area × age × gender, latest year at or before ``as_of``) in at least one pilot's target
group are collected and each cell is counted once. A cell of the whole municipality (area
``all``) contains the cells of its areas, so an area cell is dropped when the same age and
gender is already covered municipality-wide. A pilot whose target areas cannot be resolved
(the population table has no such area, or only ``all``) enters with its ages over the whole
municipality; the combined target population is then an upper bound, the coverage a lower
bound, and ``target_population_note`` is ``areas_ignored``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ._common import (
    count_pilots_per_person,
    enrolled_at_as_of,
    person_codes,
    pilot_index,
    ratio,
    target_cells,
)
from .cost import cost_summary, pilot_periods

__all__ = ["portfolio_summary", "overlap_matrix"]


def _months_between(start: pd.Timestamp, stop: pd.Timestamp) -> float:
    """Calendar months from ``start`` (inclusive) to ``stop`` (exclusive), with the fraction
    of the last month begun: 2025-01-01 → 2026-07-01 is 18.0 months."""
    if stop <= start:
        return 0.0
    k = (stop.year - start.year) * 12 + stop.month - start.month
    anchor = start + pd.DateOffset(months=k)
    if anchor > stop:
        k -= 1
        anchor = start + pd.DateOffset(months=k)
    following = start + pd.DateOffset(months=k + 1)
    return k + (stop - anchor) / (following - anchor)


def _combined_target(ds: Dataset) -> tuple[float, str | None]:
    """The union of the pilots' target groups in the population table, and a note."""
    index = pilot_index(ds)
    cells, exact, note = target_cells(ds, index)
    if len(index) == 0:
        return float("nan"), None
    population_notes = {"no_population_table", "population_no_year"}
    if all(n in population_notes for n in note):
        return float("nan"), str(note[0])
    whole = cells[cells["area"] == "all"].drop_duplicates(["age", "gender"])
    parts = cells[cells["area"] != "all"].drop_duplicates(["area", "age", "gender"])
    covered = parts.merge(whole[["age", "gender"]], on=["age", "gender"], how="left",
                          indicator=True)["_merge"].eq("both").to_numpy()
    total = float(whole["count"].sum() + parts.loc[~covered, "count"].sum())
    return total, (None if exact.all() else "areas_ignored")


def portfolio_summary(ds: Dataset) -> pd.DataFrame:
    r"""The portfolio in one row, at ``ds.as_of_date``: money, time and citizens reached.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        One row, index ``agreement`` (the agreement's name). Columns

        * ``as_of``;
        * ``budget_nok`` -- the fund's allocation over the agreement
          (:attr:`pilot_eval.Agreement.budget_nok` = annual budget × years);
        * ``grants_nok`` -- sum of the pilots' grants; ``grants_share_of_budget`` =
          grants / budget;
        * ``fund_cost_nok`` -- fund money spent by all pilots; ``fund_spent_share`` =
          fund_cost / budget (*brukt av fondets ramme*); ``grants_used_share`` =
          fund_cost / grants;
        * ``total_cost_nok``, ``in_kind_nok``, ``cofunding_nok`` = total − fund,
          ``leverage`` = total / fund (as in :func:`~pilot_eval.metrics.cost.cost_summary`);
        * ``months_total``, ``months_elapsed`` -- calendar months of the agreement, and
          those passed at the end of ``as_of`` (fractional: 2025-01-01 to 2026-06-30 is
          18.0); ``elapsed_share`` -- share of the agreement's days passed, in [0, 1];
        * ``pilots``, ``pilots_not_started``, ``pilots_running``, ``pilots_ended``;
        * ``enrolments`` -- participants summed over pilots; ``citizens_reached`` --
          distinct people (``participant_id``) over all pilots;
          ``citizens_in_several_pilots`` -- of them, in more than one pilot;
        * ``reach_target`` -- sum of the pilots' reach targets;
        * ``target_population`` -- the union of the pilots' target groups (module notes);
          ``target_population_note`` -- a key of
          :data:`pilot_eval.metrics.reach.COVERAGE_NOTES` or NA;
          ``coverage_share`` = citizens_reached / target_population.

        Ratios with a denominator of 0 are NaN.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval.metrics.portfolio import portfolio_summary
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> row = portfolio_summary(ds).iloc[0]
    >>> int(row["enrolments"]), int(row["citizens_reached"])
    (7, 6)
    """
    a = ds.agreement
    when = ds.as_of_date
    cost = cost_summary(ds)
    states = pilot_periods(ds)["state"].value_counts()
    index = pilot_index(ds)
    e = enrolled_at_as_of(ds, index)
    _, pilots_per_person = count_pilots_per_person(ds, e, len(index))
    target, target_note = _combined_target(ds)

    budget = float(a.budget_nok)
    grants = float(ds.pilots["grant_nok"].sum())
    fund = float(cost["fund_cost_nok"].sum())
    total = float(cost["total_cost_nok"].sum())
    reached = int((pilots_per_person > 0).sum())
    one_day = pd.Timedelta(days=1)
    months_total = _months_between(a.start, a.end + one_day)
    agreement_days = (a.end - a.start).days + 1
    row = {
        "as_of": when,
        "budget_nok": budget,
        "grants_nok": grants,
        "grants_share_of_budget": ratio([grants], [budget])[0],
        "fund_cost_nok": fund,
        "fund_spent_share": ratio([fund], [budget])[0],
        "grants_used_share": ratio([fund], [grants])[0],
        "total_cost_nok": total,
        "in_kind_nok": float(cost["in_kind_nok"].sum()),
        "cofunding_nok": total - fund,
        "leverage": ratio([total], [fund if fund > 0 else 0.0])[0],
        "months_total": months_total,
        "months_elapsed": min(_months_between(a.start, when + one_day), months_total),
        "elapsed_share": float(np.clip(ratio([(when - a.start).days + 1], [agreement_days])[0],
                                       0.0, 1.0)),
        "pilots": len(index),
        "pilots_not_started": int(states.get("not_started", 0)),
        "pilots_running": int(states.get("running", 0)),
        "pilots_ended": int(states.get("ended", 0)),
        "enrolments": len(e),
        "citizens_reached": reached,
        "citizens_in_several_pilots": int((pilots_per_person > 1).sum()),
        "reach_target": int(ds.pilots["reach_target"].sum()),
        "target_population": target,
        "target_population_note": target_note,
        "coverage_share": ratio([reached], [target])[0],
    }
    out = pd.DataFrame([row], index=pd.Index([a.name], name="agreement"))
    out["target_population_note"] = out["target_population_note"].astype("string")
    return out


def overlap_matrix(ds: Dataset) -> pd.DataFrame:
    """How many citizens each pair of pilots shares, at ``ds.as_of_date``.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        Square, index and columns ``pilot_id`` (every pilot): cell (a, b) = people enrolled
        in both a and b (same ``participant_id``); the diagonal is each pilot's enrolled.
        Exact counts: suppress small cells before showing them.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> overlap_matrix(ds).to_numpy().tolist()  # lekse, jobb: one person in both
    [[5, 1], [1, 2]]
    """
    index = pilot_index(ds)
    n = len(index)
    e = enrolled_at_as_of(ds, index)
    pairs = pd.DataFrame({"person": person_codes(ds, e), "pos": e["pos"].to_numpy()})
    pairs = pairs[pairs["person"] >= 0].drop_duplicates()
    # only people in several pilots can fill off-diagonal cells: keep the self-join small
    several = pairs[pairs.duplicated("person", keep=False)]
    both = several.merge(several, on="person", suffixes=("_a", "_b"))
    cell = both["pos_a"].to_numpy() * n + both["pos_b"].to_numpy()
    counts = np.bincount(cell, minlength=n * n).reshape(n, n) if n else np.zeros((0, 0), int)
    np.fill_diagonal(counts, np.bincount(pairs["pos"].to_numpy(), minlength=n))
    columns = pd.Index(index, name="pilot_id")
    return pd.DataFrame(counts.astype(np.int64), index=index, columns=columns)
