r"""Reach of each pilot at the dataset's ``as_of`` date: who took part, against the target
and the whole target population, and who is reached and who is not (DESIGN §3, "Reach").

* :func:`reach_summary` -- one row per pilot: enrolled, active, completed, dropped out,
  completion rate, target population and coverage, reach target, days in the programme,
  hours, and participants also in another pilot.
* :func:`reach_by` -- one row per pilot and area, gender or age group, with the group's
  share of the participants next to its share of the target population.
* :func:`enrolment_by_month` -- cumulative enrolment per pilot and month against the
  reach-target line, for the chart.

The numbers are exact: nothing is suppressed here. Whatever a report shows goes through
:func:`pilot_eval.privacy.suppression_mask` in the presentation layer.

Notes
-----
*Who counts.* A participant counts when ``enrolled_on <= as_of``; an exit counts when
``exited_on <= as_of`` (a later exit is ignored: the person was still active on ``as_of``).

*Target population.* From the population table, the latest ``year`` with
``year <= as_of.year`` (counts on 1 January of that year), ages
``target_age_min <= age <= target_age_max`` (``age`` is the age on 1 January) and, when the
pilot names ``target_areas`` (``;``-separated), those areas only. Where the table has rows
by gender and rows without gender for the same area and age, the gendered rows are used (no
double counting). A pilot without target areas takes the rows of area ``all``, or the sum
over areas when there is no ``all`` row. When the target population cannot be computed it is
NaN and ``coverage_note`` says why (see :data:`COVERAGE_NOTES`); it is never guessed.

*Coverage* divides all enrolled participants by the target population, also participants
outside the target ages or areas (the definition of DESIGN §3); :func:`reach_by` shows how
many those are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from .._process import ordinary_pages
from ..dataset import Dataset
from ..errors import UsageError
from ..schema import GENDERS
from ._common import (
    count_pilots_per_person,
    elapsed_share,
    enrolled_at_as_of,
    grid_rows,
    month_grid,
    pilot_index,
    pilot_target_areas,
    population_cells,
    positions,
    ratio,
    sum_by,
    target_ages,
    target_cells,
)

__all__ = ["reach_summary", "reach_by", "enrolment_by_month", "age_group_labels",
           "BY", "DEFAULT_AGE_GROUPS", "COVERAGE_NOTES", "UNKNOWN"]

#: What :func:`reach_by` can split by.
BY = ("area", "gender", "age_group")
#: Lower bounds of the default age groups: 0–5, 6–9, 10–12, 13–15, 16–19, 20–25, 26+
#: (pre-school, primary, middle years, lower secondary, upper secondary, young adults).
DEFAULT_AGE_GROUPS: tuple[int, ...] = (0, 6, 10, 13, 16, 20, 26)
#: The group of people whose area, gender or birth year is not known.
UNKNOWN = "unknown"

#: Keys of ``coverage_note`` (:func:`reach_summary`) and ``target_population_note``
#: (:func:`pilot_eval.metrics.portfolio.portfolio_summary`), with what they mean.
COVERAGE_NOTES: dict[str, str] = {
    "no_population_table": "the dataset has no population table (no denominator)",
    "population_no_year": "the population table has no year at or before as_of",
    "population_has_no_areas": "the pilot names target areas, but the population table has "
                               "only area 'all'",
    "area_not_in_population": "a target area of the pilot is not in the population table",
    "target_population_zero": "the population table has nobody in the pilot's target ages "
                              "and areas",
    "areas_ignored": "(portfolio) some pilots' target areas could not be resolved; their ages "
                     "over the whole municipality were used, so the combined target population "
                     "is an upper bound and the coverage a lower bound",
}


# --- helpers -----------------------------------------------------------------------------

def _clean_labels(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Text labels stripped of spaces → (codes, labels); code -1 = missing or blank.

    Factorises first, so stripping runs once per distinct label.
    """
    codes, uniques = pd.factorize(values)
    stripped = pd.Index(uniques).astype(str).str.strip() if len(uniques) else pd.Index([], dtype=str)
    labels, new = np.unique(np.asarray(stripped, dtype=object).astype(str), return_inverse=True) \
        if len(stripped) else (np.array([], dtype=str), np.array([], dtype=np.int64))
    new = np.append(new, -1)  # code -1 (missing) stays -1
    codes = new[codes]
    blank = np.flatnonzero(labels == "")
    if len(blank):
        codes = np.where(codes == blank[0], -1, codes)
    return codes, labels


def _target_population(ds: Dataset, index: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Each pilot's target population (NaN when it cannot be computed) and its note."""
    cells, exact, note = target_cells(ds, index)
    total = sum_by(cells["pos"].to_numpy(dtype=np.int64), len(index), cells["count"].to_numpy())
    return np.where(exact, total, np.nan), note


def age_group_labels(bounds: Sequence[int] = DEFAULT_AGE_GROUPS) -> list[str]:
    """Labels of the age groups that start at ``bounds``: ``"13–15"``, ``"26+"`` (en dash).

    A group of one year is labelled by that year (``"18"``).

    Parameters
    ----------
    bounds : sequence of int
        The first age of each group, increasing; the last group is open-ended.

    Returns
    -------
    list of str

    Examples
    --------
    >>> age_group_labels((0, 6, 10, 13, 16, 20, 26))
    ['0–5', '6–9', '10–12', '13–15', '16–19', '20–25', '26+']
    """
    b = list(bounds)
    labels = [str(lo) if hi - 1 == lo else f"{lo}–{hi - 1}" for lo, hi in zip(b[:-1], b[1:])]
    return labels + [f"{b[-1]}+"]


def _check_age_groups(age_groups: Sequence[int] | None) -> tuple[int, ...]:
    if age_groups is None:
        return DEFAULT_AGE_GROUPS
    try:
        bounds = [int(b) for b in age_groups]
        whole = all(float(b) == int(b) for b in age_groups)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"age_groups={age_groups!r} must be a sequence of whole numbers, the "
                         "lower bounds of the groups, e.g. (0, 6, 10, 13, 16, 20, 26).") from exc
    if not bounds or not whole or bounds[0] < 0 or any(b >= c for b, c in zip(bounds, bounds[1:])):
        raise UsageError(f"age_groups={age_groups!r} must be increasing whole numbers ≥ 0, the "
                         "lower bounds of the groups, e.g. (0, 6, 10, 13, 16, 20, 26).")
    if bounds[0] > 0:  # younger people get their own group rather than "unknown"
        bounds = [0, *bounds]
    return tuple(bounds)


def _age_codes(age: np.ndarray, bounds: tuple[int, ...]) -> np.ndarray:
    """Age group of each age (index into ``bounds``); -1 for a missing or negative age."""
    ok = np.isfinite(age) & (age >= 0)
    code = np.searchsorted(np.asarray(bounds, dtype=float), np.where(ok, age, 0), side="right") - 1
    return np.where(ok, code, -1)


# --- public -------------------------------------------------------------------------------

def reach_summary(ds: Dataset) -> pd.DataFrame:
    r"""How many each pilot has reached, at ``ds.as_of_date``.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        Index ``pilot_id`` (every pilot of ``ds.pilots``, in its order); columns

        * ``enrolled`` -- participants enrolled on or before ``as_of``;
        * ``active`` -- of them, not exited on or before ``as_of``;
        * ``completed``, ``dropped_out``, ``moved``, ``exited_other`` -- exits by reason
          (``enrolled = active + completed + dropped_out + moved + exited_other``);
        * ``completion_rate`` = completed / (completed + dropped_out); people who moved or
          left for another reason are left out of it;
        * ``target_population`` -- people in the target ages (and areas) in the population
          table (module notes); ``coverage_share`` = enrolled / target_population;
          ``coverage_note`` -- why they are NaN (a key of :data:`COVERAGE_NOTES`) or NA;
        * ``reach_target``; ``reach_target_share`` = enrolled / reach_target;
        * ``median_days_in_programme`` -- median over participants of
          (exited_on, or as_of while active) − enrolled_on, in days;
        * ``session_hours`` -- attendance hours dated on or before ``as_of`` (NaN when
          the dataset has no sessions table); ``hours_per_participant`` =
          session_hours / enrolled;
        * ``overlap`` -- participants of this pilot who are enrolled in at least one
          other pilot too (same ``participant_id``).

        Ratios with a denominator of 0 are NaN.

    Notes
    -----
    .. math::

        \text{completion\_rate} = \frac{n_\text{completed}}{n_\text{completed} +
        n_\text{dropped\_out}},\qquad
        \text{coverage\_share} = \frac{n_\text{enrolled}}{N_\text{target}},\qquad
        \text{reach\_target\_share} = \frac{n_\text{enrolled}}{\text{reach\_target}}

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval.metrics.reach import reach_summary
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> reach_summary(ds).loc["lekse", ["enrolled", "active", "completed", "dropped_out"]].tolist()
    [5, 2, 1, 1]
    """
    index = pilot_index(ds)
    n = len(index)
    when = ds.as_of_date
    e = enrolled_at_as_of(ds, index)
    pos = e["pos"].to_numpy()
    enrolled = sum_by(pos, n)
    exited = sum_by(pos, n, mask=e["exited"].to_numpy())
    completed = sum_by(pos, n, mask=e["completed"].to_numpy())
    dropped = sum_by(pos, n, mask=e["dropped_out"].to_numpy())
    moved = sum_by(pos, n, mask=e["moved"].to_numpy())

    days = (e["exited_on"].fillna(when) - e["enrolled_on"]).dt.days.astype(float)
    median_days = days.groupby(pos).median().reindex(range(n)).to_numpy(dtype=float)

    s = ds.sessions
    if len(s) == 0 and "sessions" not in ds.tables_present:
        hours = np.full(n, np.nan)
    else:  # millions of rows: their arrays on ordinary pages (see _process.ordinary_pages)
        with ordinary_pages.held():
            dated = (s["date"] <= when).to_numpy(dtype=bool)
            hours = sum_by(positions(s["pilot_id"], index), n, s["hours"].to_numpy(dtype=float),
                           dated)

    person, pilots_per_person = count_pilots_per_person(ds, e, n)
    overlap = sum_by(pos, n, mask=(person >= 0) & (pilots_per_person[np.maximum(person, 0)] > 1))

    target, note = _target_population(ds, index)
    reach_target = ds.pilots["reach_target"].to_numpy(dtype=float, na_value=np.nan)
    return pd.DataFrame({
        "enrolled": enrolled,
        "active": enrolled - exited,
        "completed": completed,
        "dropped_out": dropped,
        "moved": moved,
        "exited_other": exited - completed - dropped - moved,
        "completion_rate": ratio(completed, completed + dropped),
        "target_population": target,
        "coverage_share": ratio(enrolled, target),
        "coverage_note": pd.array(note, dtype="string"),
        "reach_target": ds.pilots["reach_target"].astype("Int64").to_numpy(),
        "reach_target_share": ratio(enrolled, reach_target),
        "median_days_in_programme": median_days,
        "session_hours": hours,
        "hours_per_participant": ratio(hours, enrolled),
        "overlap": overlap,
    }, index=index)


def reach_by(ds: Dataset, by: Literal["area", "gender", "age_group"], *,
             age_groups: Sequence[int] | None = None) -> pd.DataFrame:
    r"""Who each pilot reaches, by area, gender or age group, at ``ds.as_of_date``.

    Parameters
    ----------
    ds : Dataset
    by : {"area", "gender", "age_group"}
        ``area`` -- the participant's home area; ``gender``; ``age_group`` -- age at
        enrolment, ``year(enrolled_on) − birth_year`` (the age reached in the year of
        enrolment), grouped by ``age_groups``.
    age_groups : sequence of int, optional
        Lower bounds of the age groups, increasing; the last group is open-ended
        (``26+``) and a group starting above 0 gets a group below it. Default
        :data:`DEFAULT_AGE_GROUPS`: 0–5, 6–9, 10–12, 13–15, 16–19, 20–25, 26+.

    Returns
    -------
    pandas.DataFrame
        Index (``pilot_id``, ``by``): every pilot × every group (zeros included, so a
        group nobody was reached in shows as 0). Groups: genders ``female``, ``male``,
        ``other``, ``unknown``; age groups in order, then ``unknown`` if a birth year is
        missing; areas found in the participants, the pilots' target areas and the
        population table, sorted, then ``unknown`` if an area is missing. Columns

        * ``enrolled``, ``completed``, ``dropped_out`` -- as in :func:`reach_summary`;
        * ``share`` = enrolled / the pilot's enrolled;
        * ``target_population`` -- people of the group in the pilot's target
          population (0 for a group outside the target ages or areas; NaN where the
          population table does not tell: ``unknown``, a gender or area it does not
          list, gender when some of the pilot's population rows are not split by gender,
          every area when the table has only ``all``, and, by gender or age group, a pilot
          whose target population is NaN in :func:`reach_summary`; by area, a pilot with
          target areas gets 0 for the areas outside them);
        * ``target_share`` = the group's share of the pilot's target population, to be
          compared with ``share`` (who is over- and under-represented);
        * ``coverage_share`` = enrolled / target_population.

        Counts are exact (not suppressed): pass them through
        :func:`pilot_eval.privacy.suppression_mask` before showing them.

    Raises
    ------
    UsageError
        When ``by`` is not one of :data:`BY`, or ``age_groups`` is not increasing whole
        numbers ≥ 0.

    Notes
    -----
    Population ages are ages on 1 January; the participant's age is the age reached in the
    year of enrolment, so the two can differ by up to a year.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval.metrics.reach import reach_by
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> reach_by(ds, "gender").loc["lekse", "enrolled"].tolist()
    [2, 2, 0, 1]
    """
    if by not in BY:
        raise UsageError(f"by={by!r} is not supported; use one of: {', '.join(BY)}.")
    bounds = _check_age_groups(age_groups)
    index = pilot_index(ds)
    n = len(index)
    e = enrolled_at_as_of(ds, index)
    rows = e["row"].to_numpy()
    people = {name: ds.participants[name].iloc[rows] for name in ("gender", "birth_year", "area")}
    pos = e["pos"].to_numpy()
    cells, exact, _ = target_cells(ds, index)
    cpos = cells["pos"].to_numpy(dtype=np.int64)
    ccount = cells["count"].to_numpy(dtype=float)

    if by == "gender":
        groups = list(GENDERS)
        gcode = positions(people["gender"], pd.Index(groups))
        gcode = np.where(gcode < 0, groups.index(UNKNOWN), gcode)  # missing gender: unknown
        known = set(cells["gender"]) & set(groups)  # genders the population table lists
        cell_code = pd.Index(groups).get_indexer(cells["gender"])
        defined = np.array([g in known for g in groups], dtype=bool)
        # a pilot whose target cells are not all split by gender cannot be split either
        unsplit = sum_by(cpos, n, mask=(cells["gender"] == "all").to_numpy()) > 0
        pop_ok = exact & ~unsplit
    elif by == "age_group":
        groups = age_group_labels(bounds)
        birth = people["birth_year"].to_numpy(dtype=float, na_value=np.nan)
        age = e["enrolled_on"].dt.year.to_numpy(dtype=float) - birth
        gcode = _age_codes(age, bounds)
        if (gcode < 0).any():
            groups = [*groups, UNKNOWN]
            gcode = np.where(gcode < 0, len(groups) - 1, gcode)
        cell_code = _age_codes(cells["age"].to_numpy(dtype=float), bounds)
        defined = np.array([g != UNKNOWN for g in groups], dtype=bool)
        pop_ok = exact
    else:
        codes, labels = _clean_labels(people["area"])
        pop_cells, _ = population_cells(ds)
        pop_areas = set() if pop_cells is None else set(pop_cells["area"]) - {"all"}
        named = set(labels) | set(pilot_target_areas(ds)["area"]) | pop_areas
        groups = sorted(named - {UNKNOWN})
        gcode = np.append(pd.Index(groups).get_indexer(labels), -1)[codes]
        if (gcode < 0).any() or UNKNOWN in named:
            groups = [*groups, UNKNOWN]
            gcode = np.where(gcode < 0, len(groups) - 1, gcode)
        cells, pop_ok = _area_cells(ds, index, pop_cells)
        cpos = cells["pos"].to_numpy(dtype=np.int64)
        ccount = cells["count"].to_numpy(dtype=float)
        cell_code = pd.Index(groups).get_indexer(cells["area"])
        defined = np.array([g in pop_areas for g in groups], dtype=bool)

    k = len(groups)
    cell = np.where(gcode >= 0, pos * k + gcode, -1)
    enrolled = sum_by(cell, n * k)
    completed = sum_by(cell, n * k, mask=e["completed"].to_numpy())
    dropped = sum_by(cell, n * k, mask=e["dropped_out"].to_numpy())
    pilot_enrolled = np.repeat(enrolled.reshape(n, k).sum(axis=1), k)

    pcell = np.where(cell_code >= 0, cpos * k + cell_code, -1)
    target = sum_by(pcell, n * k, ccount)
    usable = np.repeat(pop_ok, k) & np.tile(defined, n)
    target = np.where(usable, target, np.nan)
    pilot_target = np.repeat(np.nansum(target.reshape(n, k), axis=1), k)
    out_index = pd.MultiIndex.from_product(
        [index, pd.CategoricalIndex(groups, categories=groups, ordered=True)],
        names=["pilot_id", by])
    return pd.DataFrame({
        "enrolled": enrolled,
        "completed": completed,
        "dropped_out": dropped,
        "share": ratio(enrolled, pilot_enrolled),
        "target_population": target,
        "target_share": ratio(target, np.where(np.repeat(pop_ok, k), pilot_target, np.nan)),
        "coverage_share": ratio(enrolled, target),
    }, index=out_index)


def _area_cells(ds: Dataset, index: pd.Index, cells: pd.DataFrame | None
                ) -> tuple[pd.DataFrame, np.ndarray]:
    """Population cells by area (not ``all``) in each pilot's target ages and areas.

    Returns ``(cells, ok)``; ``ok[i]`` is False when the table cannot split pilot ``i``'s
    target population by area (no population, or no area rows).
    """
    n = len(index)
    empty = pd.DataFrame({"pos": np.array([], dtype=np.int64), "area": [], "count": []})
    if cells is None or (cells["area"] != "all").sum() == 0:
        return empty, np.zeros(n, dtype=bool)
    by_area = cells[cells["area"] != "all"]
    frame = target_ages(ds).merge(by_area, how="cross")
    frame = frame[(frame["age"] >= frame["age_min"]) & (frame["age"] <= frame["age_max"])]
    targets = pilot_target_areas(ds)
    restricted = frame["pos"].isin(targets["pos"])
    allowed = frame.merge(targets.assign(_in=True), on=["pos", "area"], how="left")["_in"]
    frame = frame[~restricted.to_numpy() | allowed.fillna(False).to_numpy(dtype=bool)]
    return frame[["pos", "area", "count"]].reset_index(drop=True), np.ones(n, dtype=bool)


def enrolment_by_month(ds: Dataset) -> pd.DataFrame:
    r"""Enrolment per pilot and month against the reach-target line, for the chart.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        A long table (RangeIndex), one row per pilot × month from the pilot's first to its
        last month (widened to include enrolments and exits outside the period), also after
        ``as_of`` so the target line can be drawn to the end. Columns

        * ``pilot_id``, ``month`` (first day);
        * ``date`` -- the day the month's figures refer to: its last day, or ``as_of`` in
          the month of ``as_of``; ``observed`` -- the month has begun by ``as_of``
          (figures of later months are NaN);
        * ``new_enrolled``, ``exited`` -- enrolments and exits dated in the month;
        * ``enrolled_cumulative``, ``active`` (enrolled and not exited by ``date``);
        * ``reach_target_line`` = reach_target × elapsed_share(``date``), the target
          spread evenly over the pilot period (the scorecard's reach yardstick).

    Examples
    --------
    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> months = enrolment_by_month(ds)
    >>> lekse = months[months["pilot_id"] == "lekse"]
    >>> lekse[["enrolled_cumulative", "active"]].head(3).to_numpy().tolist()
    [[2.0, 2.0], [3.0, 3.0], [4.0, 4.0]]
    """
    index = pilot_index(ds)
    n = len(index)
    e = enrolled_at_as_of(ds, index)
    pos = e["pos"].to_numpy()
    grid = month_grid(ds, index, [(pos, e["enrolled_on"]), (pos, e["exited_on"])])
    m = len(grid)
    new = sum_by(grid_rows(grid, n, pos, e["enrolled_on"]), m).astype(float)
    out = sum_by(grid_rows(grid, n, pos, e["exited_on"]), m).astype(float)
    gpos = grid["pos"].to_numpy()
    cum_new = pd.Series(new).groupby(gpos).cumsum().to_numpy()
    cum_out = pd.Series(out).groupby(gpos).cumsum().to_numpy()
    future = ~grid["observed"].to_numpy()
    p = ds.pilots
    share = elapsed_share(p["start_date"].to_numpy()[gpos], p["end_date"].to_numpy()[gpos],
                           grid["date"].to_numpy())
    target = p["reach_target"].to_numpy(dtype=float, na_value=np.nan)[gpos]
    return pd.DataFrame({
        "pilot_id": pd.Categorical(index.to_numpy()[gpos], categories=list(index)),
        "month": grid["month"].to_numpy(),
        "date": grid["date"].to_numpy(),
        "observed": ~future,
        "new_enrolled": np.where(future, np.nan, new),
        "exited": np.where(future, np.nan, out),
        "enrolled_cumulative": np.where(future, np.nan, cum_new),
        "active": np.where(future, np.nan, cum_new - cum_out),
        "reach_target_line": target * share,
    })
