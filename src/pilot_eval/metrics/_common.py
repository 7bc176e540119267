r"""Building blocks shared by the cost, reach and portfolio metrics (private).

The metric modules import these instead of each other's private helpers. The module is
private, so its names carry no leading underscore; nothing here is public API.

* Pilots and sums -- :func:`pilot_index`, :func:`positions`, :func:`sum_by`, :func:`ratio`:
  per-pilot tables are built by looking up each row's pilot position once and summing
  with :func:`numpy.bincount`, never by a loop over pilots.
* Time -- :func:`elapsed_share` of a period, and the pilot × month grid of the monthly
  charts (:func:`month_number`, :func:`month_start`, :func:`month_grid`, :func:`grid_rows`).
* Participants at ``as_of`` -- :func:`enrolled_at_as_of`, :func:`person_codes`,
  :func:`count_pilots_per_person`: who counts, and who is in several pilots.
* Target population -- :func:`population_cells`, :func:`pilot_target_areas`,
  :func:`target_ages`, :func:`target_cells`: the population cells in each pilot's target
  group (the rules are in the notes of :mod:`pilot_eval.metrics.reach`).

Notes
-----
Days are counted inclusively and ``as_of`` means "at the end of that day": a row dated
``as_of`` counts. A ratio whose denominator is 0 is NaN, never ``inf``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..dataset import Dataset

__all__ = [
    "pilot_index", "positions", "sum_by", "ratio",
    "elapsed_share", "month_number", "month_start", "month_grid", "grid_rows",
    "enrolled_at_as_of", "person_codes", "count_pilots_per_person",
    "population_cells", "pilot_target_areas", "target_ages", "target_cells",
    "THRESHOLD_DIGITS",
]

#: Decimals a ratio is rounded to before it is compared with a threshold, so that a ratio
#: on the threshold by hand (4 of 25 against 20 % is 0.8) is not pushed over it by
#: floating-point error (0.7999…).
THRESHOLD_DIGITS = 9


# --- pilots and sums -------------------------------------------------------------------------

def pilot_index(ds: Dataset) -> pd.Index:
    """The pilots' ids as text, in the order of ``ds.pilots``: the index of per-pilot tables."""
    return pd.Index(ds.pilots["pilot_id"].astype(str), name="pilot_id")


def positions(ids: pd.Series, index: pd.Index) -> np.ndarray:
    """Position in ``index`` of each row's id; -1 when missing or unknown.

    The lookup runs once per distinct id: on a categorical's categories, else after
    factorising.

    Parameters
    ----------
    ids : pandas.Series
        Ids to look up (e.g. ``pilot_id`` of a table, or genders).
    index : pandas.Index
        The ids in the order wanted (e.g. :func:`pilot_index`).

    Returns
    -------
    numpy.ndarray
        int positions, -1 for a missing id or one not in ``index``.
    """
    if isinstance(ids.dtype, pd.CategoricalDtype):
        codes, uniques = ids.cat.codes.to_numpy(), ids.cat.categories
    else:
        codes, uniques = pd.factorize(ids)
    lookup = index.get_indexer(pd.Index(uniques).astype(str)) if len(uniques) else np.array([], int)
    return np.append(lookup, -1)[codes]  # code -1 (missing) picks the appended -1


def sum_by(pos: np.ndarray, n: int, weights: np.ndarray | None = None,
           mask: np.ndarray | None = None) -> np.ndarray:
    r"""Sum ``weights`` (or count rows) per position 0..n-1, over rows where ``mask``.

    .. math:: \text{out}_i = \sum_{r:\ \text{pos}_r = i,\ \text{mask}_r} w_r

    Parameters
    ----------
    pos : numpy.ndarray
        Position of each row, as from :func:`positions`; rows with -1 are left out.
    n : int
        Number of positions (length of the result).
    weights : numpy.ndarray, optional
        Values to sum; without them the rows are counted.
    mask : numpy.ndarray of bool, optional
        Rows to include (all rows by default).

    Returns
    -------
    numpy.ndarray
        Length ``n``: float sums with ``weights``, int64 counts without.
    """
    keep = pos >= 0 if mask is None else (pos >= 0) & mask
    # rows left out go to an extra bin n (cheaper than compacting long arrays)
    bins = np.where(keep, pos, n)
    w = None if weights is None else np.asarray(weights, dtype=float)
    out = np.bincount(bins, weights=w, minlength=n + 1)[:n]
    return out if weights is not None else out.astype(np.int64)


def ratio(num: np.ndarray | pd.Series | Sequence[float],
          den: np.ndarray | pd.Series | Sequence[float]) -> np.ndarray:
    """``num / den`` as float; NaN where ``den`` is 0 or missing (never inf).

    Parameters
    ----------
    num, den : array-like
        Numerator and denominator, of the same length.

    Returns
    -------
    numpy.ndarray
        float, NaN where the quotient is not finite.
    """
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    out[(den == 0) | ~np.isfinite(out)] = np.nan
    return out


# --- time ------------------------------------------------------------------------------------

def elapsed_share(start: pd.Series | np.ndarray, end: pd.Series | np.ndarray,
                  when: pd.Series | np.ndarray | pd.Timestamp) -> np.ndarray:
    r"""Share of the period [start, end] passed at the end of day ``when``, in [0, 1].

    .. math:: \text{elapsed\_share} = \operatorname{clip}\!\left(
              \frac{(\text{when} - \text{start}) + 1}{(\text{end} - \text{start}) + 1}, 0, 1\right)

    in days; 0 before the start, 1 from the end date on.

    Parameters
    ----------
    start, end : array-like of dates
        The periods, both days included.
    when : array-like of dates or pandas.Timestamp
        The day of each row, or one day for all rows.

    Returns
    -------
    numpy.ndarray
        float shares; NaN where a date is missing.
    """
    start = pd.to_datetime(pd.Series(np.asarray(start)))
    end = pd.to_datetime(pd.Series(np.asarray(end)))
    if isinstance(when, pd.Timestamp):
        when_s = pd.Series(when, index=start.index)
    else:
        when_s = pd.to_datetime(pd.Series(np.asarray(when)))
    period = ((end - start).dt.days + 1).to_numpy(dtype=float)
    passed = ((when_s - start).dt.days + 1).to_numpy(dtype=float)
    share = ratio(np.clip(passed, 0, None), period)
    return np.clip(share, 0.0, 1.0)


def month_number(dates: pd.Series) -> np.ndarray:
    """Months since year 0 (``year·12 + month − 1``) as float; NaN for a missing date."""
    return (dates.dt.year * 12 + dates.dt.month - 1).to_numpy(dtype=float)


def month_start(month_no: np.ndarray) -> pd.Series:
    """First day of each month number of :func:`month_number`."""
    m = np.asarray(month_no, dtype=np.int64)
    return pd.to_datetime(pd.DataFrame({"year": m // 12, "month": m % 12 + 1, "day": 1}))


def month_grid(ds: Dataset, index: pd.Index, dated: Sequence[tuple[np.ndarray, pd.Series]]
               ) -> pd.DataFrame:
    """One row per pilot and month, from the pilot's first to its last month.

    The range covers the pilot period and is widened to include every month in
    ``dated`` (pairs of pilot positions and dates, e.g. cost lines before the start).

    Parameters
    ----------
    ds : Dataset
    index : pandas.Index
        The pilots (:func:`pilot_index`).
    dated : sequence of (numpy.ndarray, pandas.Series)
        Pilot positions and dates of rows whose months must be on the grid.

    Returns
    -------
    pandas.DataFrame
        Columns ``pos`` (pilot position), ``month_no``, ``month`` (first day), ``date`` (the
        day the month's values refer to: the month's last day, or ``as_of`` in the month of
        ``as_of``) and ``observed`` (the month has begun by ``as_of``), sorted by pilot and
        month without gaps. Vectorised: no loop over pilots or months.
    """
    n = len(index)
    first = month_number(ds.pilots["start_date"])
    last = month_number(ds.pilots["end_date"])
    for pos, dates in dated:
        months = month_number(dates)
        ok = (pos >= 0) & np.isfinite(months)
        np.fmin.at(first, pos[ok], months[ok])
        np.fmax.at(last, pos[ok], months[ok])
    first = np.nan_to_num(first, nan=0).astype(np.int64)
    last = np.nan_to_num(last, nan=-1).astype(np.int64)
    length = np.maximum(last - first + 1, 0)
    pos = np.repeat(np.arange(n), length)
    offset = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    month_no = first[pos] + offset
    month = month_start(month_no)
    month_end = month_start(month_no + 1) - pd.Timedelta(days=1)
    when = ds.as_of_date
    observed = (month <= when).to_numpy()
    date = month_end.where(~observed | (month_end < when), when)
    return pd.DataFrame({"pos": pos, "month_no": month_no, "month": month, "date": date,
                         "observed": observed})


def grid_rows(grid: pd.DataFrame, n: int, pos: np.ndarray, dates: pd.Series) -> np.ndarray:
    """Row of :func:`month_grid` for each (pilot position, date); -1 when missing.

    The grid is sorted by pilot and month without gaps, so the row is the pilot's first
    row plus the months since the pilot's first month.

    Parameters
    ----------
    grid : pandas.DataFrame
        From :func:`month_grid`.
    n : int
        Number of pilots.
    pos : numpy.ndarray
        Pilot position of each row (-1 = none).
    dates : pandas.Series
        Date of each row (NaT = none).

    Returns
    -------
    numpy.ndarray
        int64 grid rows, -1 where the position or date is missing.
    """
    first_row = np.searchsorted(grid["pos"].to_numpy(), np.arange(n))
    first_month = np.zeros(n, dtype=np.int64)
    has = first_row < len(grid)
    first_month[has] = grid["month_no"].to_numpy()[first_row[has]]
    months = month_number(dates)
    ok = (pos >= 0) & np.isfinite(months)
    safe = np.maximum(pos, 0)
    steps = np.nan_to_num(months, nan=0).astype(np.int64) - first_month[safe]
    return np.where(ok, first_row[safe] + steps, -1)


# --- participants at as_of ---------------------------------------------------------------------

def enrolled_at_as_of(ds: Dataset, index: pd.Index) -> pd.DataFrame:
    """Participants enrolled on or before ``as_of`` in a pilot of ``index``.

    A participant counts when ``enrolled_on <= as_of``; an exit counts when
    ``exited_on <= as_of`` (a later exit is ignored: the person was still active).

    Parameters
    ----------
    ds : Dataset
    index : pandas.Index
        The pilots (:func:`pilot_index`); people in other pilots are left out.

    Returns
    -------
    pandas.DataFrame
        Columns ``pos`` (pilot position), ``enrolled_on``, ``exited_on`` (NaT unless exited
        on or before ``as_of``), ``exited``, ``completed``, ``dropped_out``, ``moved`` and
        ``row`` (the row in ``ds.participants``); RangeIndex.
    """
    p = ds.participants
    when = ds.as_of_date
    pos = positions(p["pilot_id"], index)
    keep = (pos >= 0) & (p["enrolled_on"] <= when).to_numpy(dtype=bool)
    exited = (p["exited_on"] <= when).to_numpy(dtype=bool)
    reason = p["exit_reason"]
    frame = pd.DataFrame({
        "pos": pos,
        "enrolled_on": p["enrolled_on"].to_numpy(),
        "exited_on": p["exited_on"].where(exited).to_numpy(),
        "exited": exited,
        "completed": exited & (reason == "completed").to_numpy(dtype=bool),
        "dropped_out": exited & (reason == "dropped_out").to_numpy(dtype=bool),
        "moved": exited & (reason == "moved").to_numpy(dtype=bool),
        "row": np.arange(len(p)),
    })
    return frame[keep].reset_index(drop=True)


def person_codes(ds: Dataset, e: pd.DataFrame) -> np.ndarray:
    """A number per distinct ``participant_id`` for the rows of :func:`enrolled_at_as_of`.

    Returns
    -------
    numpy.ndarray
        int64 codes, the same for the same person in every pilot; -1 where the id is missing.
    """
    ids = ds.participants["participant_id"]
    rows = e["row"].to_numpy()
    if isinstance(ids.dtype, pd.CategoricalDtype):  # the codes already number the people
        return ids.cat.codes.to_numpy()[rows].astype(np.int64)
    return pd.factorize(ids.iloc[rows])[0].astype(np.int64)


def count_pilots_per_person(ds: Dataset, e: pd.DataFrame, n: int
                            ) -> tuple[np.ndarray, np.ndarray]:
    """How many pilots each person of :func:`enrolled_at_as_of` is enrolled in.

    Counts distinct (person, pilot) pairs, so a duplicated row is not taken for overlap.

    Parameters
    ----------
    ds : Dataset
    e : pandas.DataFrame
        From :func:`enrolled_at_as_of`.
    n : int
        Number of pilots.

    Returns
    -------
    person : numpy.ndarray
        The person code of each row of ``e`` (:func:`person_codes`), -1 if no id.
    pilots_per_person : numpy.ndarray
        Pilots per person code (index = person code).
    """
    person = person_codes(ds, e)
    ok = person >= 0
    pairs = pd.unique(person[ok].astype(np.int64) * max(n, 1) + e["pos"].to_numpy()[ok])
    return person, np.bincount(pairs // max(n, 1), minlength=max(person.max(initial=-1) + 1, 1))


# --- target population -------------------------------------------------------------------------

def population_cells(ds: Dataset) -> tuple[pd.DataFrame | None, str | None]:
    """The population of the latest year at or before ``as_of``: (cells, note).

    Returns
    -------
    cells : pandas.DataFrame or None
        Columns ``area`` (``all`` for the whole municipality), ``age``, ``gender`` (``all``
        when the row is not split by gender) and ``count``. Where an area and age has both
        gendered rows and a row without gender, only the gendered rows are kept. None when
        there is no usable year.
    note : str or None
        Why ``cells`` is None (a key of :data:`pilot_eval.metrics.reach.COVERAGE_NOTES`).
    """
    pop = ds.population
    if pop is None or len(pop) == 0:
        return None, "no_population_table"
    years = pop["year"].to_numpy(dtype=float, na_value=np.nan)
    usable = years[years <= ds.as_of_date.year]
    if len(usable) == 0:
        return None, "population_no_year"
    rows = pop[years == usable.max()]
    area = rows["area"].astype(object).where(rows["area"].notna(), "all").astype(str).str.strip()
    gender = rows["gender"].astype(object).where(rows["gender"].notna(), "all").astype(str)
    cells = pd.DataFrame({
        "area": area.to_numpy(dtype=object),
        "age": rows["age"].to_numpy(dtype=float, na_value=np.nan),
        "gender": gender.to_numpy(dtype=object),
        "count": rows["count"].to_numpy(dtype=float, na_value=0.0),
    }).dropna(subset=["age"])
    gendered = cells["gender"] != "all"
    any_gendered = gendered.groupby([cells["area"], cells["age"]]).transform("any")
    return cells[gendered | ~any_gendered].reset_index(drop=True), None


def pilot_target_areas(ds: Dataset) -> pd.DataFrame:
    """The pilots' target areas: one row per (pilot position ``pos``, ``area``).

    ``target_areas`` is ``;``-separated; a pilot for the whole municipality has no rows.
    """
    areas = (ds.pilots["target_areas"].astype(object).where(ds.pilots["target_areas"].notna(), "")
             .astype(str).str.split(";"))
    long = pd.DataFrame({"pos": np.arange(len(areas)), "area": areas.to_numpy()}).explode("area")
    long["area"] = long["area"].astype(str).str.strip()
    long = long[long["area"] != ""].drop_duplicates()
    return long.reset_index(drop=True)


def target_ages(ds: Dataset) -> pd.DataFrame:
    """Each pilot's target ages: columns ``pos``, ``age_min``, ``age_max`` (float, both included)."""
    return pd.DataFrame({
        "pos": np.arange(len(ds.pilots)),
        "age_min": ds.pilots["target_age_min"].to_numpy(dtype=float, na_value=np.nan),
        "age_max": ds.pilots["target_age_max"].to_numpy(dtype=float, na_value=np.nan),
    })


def target_cells(ds: Dataset, index: pd.Index) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The population cells in each pilot's target group.

    Parameters
    ----------
    ds : Dataset
    index : pandas.Index
        The pilots (:func:`pilot_index`).

    Returns
    -------
    cells : pandas.DataFrame
        Columns ``pos``, ``area``, ``age``, ``gender``, ``count``, sorted by them.
    exact : numpy.ndarray of bool
        ``exact[i]`` is False when pilot ``i``'s target areas could not be resolved -- its
        cells are then its ages over the whole municipality (an upper bound, used only to
        combine target groups in the portfolio).
    note : numpy.ndarray of object
        ``note[i]`` is a key of :data:`pilot_eval.metrics.reach.COVERAGE_NOTES` or None.
    """
    n = len(index)
    note = np.full(n, None, dtype=object)
    empty = pd.DataFrame({"pos": np.array([], dtype=np.int64), "area": [], "age": [],
                          "gender": [], "count": []})
    cells, why = population_cells(ds)
    if cells is None:
        note[:] = why
        return empty, np.zeros(n, dtype=bool), note
    ages = target_ages(ds)
    whole = cells[cells["area"] == "all"]
    if whole.empty:  # no municipality rows: the municipality is the sum of its areas
        whole = cells.groupby(["age", "gender"], as_index=False)["count"].sum().assign(area="all")
    by_area = cells[cells["area"] != "all"]

    def in_ages(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.merge(ages, on="pos")
        keep = (frame["age"] >= frame["age_min"]) & (frame["age"] <= frame["age_max"])
        return frame.loc[keep, ["pos", "area", "age", "gender", "count"]]

    targets = pilot_target_areas(ds)
    has_areas = np.zeros(n, dtype=bool)
    has_areas[targets["pos"].to_numpy(dtype=np.int64)] = True
    if by_area.empty:
        note[has_areas] = "population_has_no_areas"
    else:
        unknown = targets.loc[~targets["area"].isin(set(by_area["area"])), "pos"].unique()
        note[unknown.astype(np.int64)] = "area_not_in_population"
    exact = ~has_areas | pd.isna(note)
    area_cells = in_ages(targets[exact[targets["pos"].to_numpy()]].merge(by_area, on="area"))
    whole_pos = pd.DataFrame({"pos": np.flatnonzero(~has_areas | ~exact)})
    whole_cells = in_ages(whole_pos.merge(whole.drop(columns="area"), how="cross").assign(area="all"))
    chosen = pd.concat([whole_cells, area_cells], ignore_index=True).sort_values(
        ["pos", "area", "age", "gender"], kind="stable").reset_index(drop=True)
    total = sum_by(chosen["pos"].to_numpy(dtype=np.int64), n, chosen["count"].to_numpy())
    note[exact & (total == 0) & pd.isna(note)] = "target_population_zero"
    return chosen, exact, note
