r"""The decision at the end of the agreement: what continuing or scaling each pilot would
cost, how a participant's cost compares with what the municipality pays today, and who in
the target group is least reached (issue 13).

* :func:`scenarios` -- per pilot and scenario (:data:`SCENARIOS`): cost per year of
  continuing at today's reach, of reaching the reach target and of reaching a share of the
  target population, the budget over :data:`HORIZON_YEARS` years (nominal and discounted)
  with a low–high range, and the outcome carried over with its evidence caveats.
* :func:`scenario_budget` -- the same budgets year by year, for a table or chart.
* :func:`unit_cost_comparison` -- the pilot's cost per participant-year beside each
  comparable service the municipality pays for today (``alternatives`` table).
* :func:`reach_gaps` -- per pilot, area, gender and age group: each group's share of the
  participants against its share of the target population, and the least reached group.
* :func:`has_decision_data` -- whether the data folder has anything of this (cost types,
  ``alternatives`` or ``finances``); :func:`pilot_eval.metrics.metric_tables` adds these
  tables only then.

Everything observed is at ``ds.as_of_date`` (cost lines dated after it and people enrolled
after it are left out, as in :mod:`pilot_eval.metrics.cost`); the scenarios are
*projected*: they assume the service is run as it was run in the observed period.

Notes
-----
*The observed window* of a pilot runs from its start date to ``min(as_of, end_date)``,
both days included; ``observed_years`` is its length in days / 365.25.

*Costs by type* (``costs.cost_type``): ``start_up`` costs are shown but never projected;
``fixed`` costs are spread over the observed years and stay the same in every scenario;
``variable`` costs are divided by the participants and grow with them. Without the
``cost_type`` column every cost line counts as variable (note ``no_cost_types``). The sums
are those of :func:`pilot_eval.metrics.cost.cost_summary` (every cost line dated on or
before ``as_of``, all funders and in-kind included), so start-up + fixed + variable is the
pilot's total cost.

*The range* of the variable cost per participant comes from month-to-month variation only:
the ratio of totals :math:`R = \sum_m y_m / \sum_m x_m` over the window's months, with
:math:`y_m` the variable cost dated in month :math:`m` and :math:`x_m` the participants
active in it (enrolled on or before the month's end and not exited before its start),
estimated by :func:`pilot_eval.stats.ratio_estimate`; its interval, relative to :math:`R`,
scales the cost per participant. The month of ``as_of`` is left out unless ``as_of`` is its
last day (or the pilot's end date): its costs are not all in yet. Months without active
participants are left out; with fewer than 3 such months there is no range (note
``no_range``).

Every ratio with a denominator of 0 is NaN, never ``inf``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats
from ..dataset import Dataset
from ..schema import COST_TYPES
from ._common import (
    THRESHOLD_DIGITS,
    enrolled_at_as_of,
    month_number,
    pilot_index,
    positions,
    ratio,
    sum_by,
)
from .cost import pilot_periods
from .reach import BY, UNKNOWN, reach_by, reach_summary
from .scorecard import _scorecard
from .value import _pv_factor

__all__ = ["has_decision_data", "scenarios", "scenario_budget", "unit_cost_comparison",
           "reach_gaps", "SCENARIOS", "HORIZON_YEARS", "SCENARIO_NOTES", "OUTCOME_PROMISES",
           "UNIT_COST_NOTES", "under_reached"]

#: The scenarios, in order: continue at today's reach, reach the reach target, reach a share
#: (``agreement.scale_up_share``) of the target population.
SCENARIOS = ("continue", "reach_target", "share_of_population")
#: Years of the budget effect.
HORIZON_YEARS = 3
#: Days per year (as :attr:`pilot_eval.Agreement.years`).
DAYS_PER_YEAR = 365.25
#: Fewer months observed than this: the yearly figures are unstable (note ``few_months``).
FEW_MONTHS = 6
#: Fewest months with active participants for a low–high range (note ``no_range``).
RANGE_MIN_MONTHS = 3
#: A scenario with more participants per year than this many times today's is ``far_beyond``.
FAR_BEYOND = 2.0
#: A group smaller than this share of the target population is not named least reached.
MIN_TARGET_SHARE = 0.05
#: Representation (share of the participants ÷ share of the target group) below which a
#: group is reached clearly less than its share: only then is the lowest named least reached
#: (a group at 0.9 of its share is not a gap a decision should turn on).
UNDER_REACHED = 0.8


def under_reached(representation: np.ndarray | pd.Series | float) -> np.ndarray:
    """Whether a representation is clearly below its share (below :data:`UNDER_REACHED`,
    rounded first as every threshold comparison is): the one rule of the metric and of the
    chart that marks the least reached.

    Parameters
    ----------
    representation : array-like of float
        Share of the participants ÷ share of the target group, per group.

    Returns
    -------
    numpy.ndarray of bool
        True where the group is reached clearly less than its share (NaN: False).

    Examples
    --------
    >>> under_reached([0.79, 4 / 25 / 0.2, 0.9]).tolist()  # 0.8 by hand is not below
    [True, False, False]
    """
    return np.round(np.asarray(representation, dtype=float), THRESHOLD_DIGITS) < UNDER_REACHED

#: What the outcome promises at scale: ``effect`` only when the scorecard's outcome is green.
OUTCOME_PROMISES = ("effect", "uncertain", "unknown")

#: Keys of :func:`scenarios`' ``note`` (``;``-joined, in this order), with what they mean.
SCENARIO_NOTES: dict[str, str] = {
    "not_started": "the pilot has not started: nothing observed to project from",
    "no_participants": "nobody enrolled yet: no cost per participant",
    "no_cost_types": "the data have no cost_type column: every cost counted as variable "
                     "(start-up costs included, nothing kept fixed)",
    "few_months": f"fewer than {FEW_MONTHS} months observed: the yearly figures are unstable",
    "no_range": f"fewer than {RANGE_MIN_MONTHS} months with active participants (or no "
                "variable cost in them): no low–high range",
    "no_reach_target": "the pilot has no reach target (0 or missing): no such scenario",
    "no_target_population": "the target population is unknown (or 0): no such scenario",
    "far_beyond": f"more than {FAR_BEYOND:g} × today's participants per year: fixed costs and "
                  "the price per participant may change at that scale",
}

#: Keys of :func:`unit_cost_comparison`'s ``note``, with what they mean.
UNIT_COST_NOTES: dict[str, str] = {
    "price_year_differs": "the alternative's price year is not the as-of year: not adjusted "
                          "for price growth",
    "few_participant_years": "less than one participant-year observed: the pilot's unit cost "
                             "is unstable",
}

_SCENARIO_COLUMNS = [
    "observed_years", "start_up_cost_nok", "fixed_cost_nok", "variable_cost_nok",
    "fixed_cost_per_year_nok", "enrolled", "participants_per_year_today",
    "variable_cost_per_participant_nok", "variable_cost_per_participant_low_nok",
    "variable_cost_per_participant_high_nok", "participants_per_year", "cost_per_year_nok",
    "cost_per_year_low_nok", "cost_per_year_high_nok", "cost_per_participant_nok",
    "change_from_today_nok", "budget_nominal_nok", "budget_nominal_low_nok",
    "budget_nominal_high_nok", "budget_discounted_nok", "budget_discounted_low_nok",
    "budget_discounted_high_nok", "scale_up_share", "target_population", "reach_target",
    "outcome_measure", "outcome_status", "evidence_rating", "outcome_n", "outcome_improvement",
    "outcome_ci_low", "outcome_ci_high", "outcome_promise", "note",
]  # fmt: skip
_SCENARIO_TEXT = ("outcome_measure", "outcome_status", "evidence_rating", "outcome_promise",
                  "note")
_SCENARIO_INT = ("enrolled", "reach_target", "outcome_n")

_UNIT_COST_COLUMNS = [
    "alternative_name", "unit_cost_nok", "year", "source",
    "pilot_cost_per_participant_year_nok", "pilot_cost_per_participant_year_low_nok",
    "pilot_cost_per_participant_year_high_nok", "difference_nok", "ratio",
    "participant_years", "enrolled", "note",
]


# --- helpers -----------------------------------------------------------------------------------

def has_decision_data(ds: Dataset) -> bool:
    """Whether the folder has data for the decision at the end of the agreement.

    True when the costs have a ``cost_type`` column or the folder has an ``alternatives``
    or ``finances`` table. A folder without any of them exports exactly as before.
    Parameters
    ----------
    ds : Dataset
        Loaded and seen at its as-of date.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> has_decision_data(pe.load_dataset("tests/data/minimal"))
    False
    """
    return ("costs.cost_type" in ds.columns_present
            or bool({"alternatives", "finances"} & set(ds.tables_present)))


def _join_codes(masks: dict[str, np.ndarray], n: int) -> pd.arrays.StringArray:
    """``;``-joined keys whose mask is True, per row (NA where none); a loop over keys."""
    out = pd.Series("", index=range(n), dtype=object)
    for key, mask in masks.items():
        out = out.where(~mask, out + ";" + key)
    out = out.str.lstrip(";")
    return pd.array(out.where(out != "", None), dtype="string")


def _window(ds: Dataset) -> pd.DataFrame:
    """Each pilot's observed window: ``start``, ``end`` (min(as_of, end_date)), ``end_date``,
    ``started``, ``days`` (both ends included; NaN when not started) and ``period_days``."""
    periods = pilot_periods(ds)
    start = periods["start_date"]
    end = periods["end_date"].where(periods["end_date"] < ds.as_of_date, ds.as_of_date)
    started = (periods["state"].astype(str) != "not_started").to_numpy()
    days = ((end - start).dt.days + 1).to_numpy(dtype=float)
    return pd.DataFrame({"start": start, "end": end, "end_date": periods["end_date"],
                         "started": started,
                         "days": np.where(started, days, np.nan),
                         "period_days": periods["period_days"].to_numpy(dtype=float)},
                        index=periods.index)


def _cost_types(ds: Dataset) -> tuple[np.ndarray, pd.DataFrame]:
    """Cost lines dated on or before ``as_of`` and the position of each one's type in
    :data:`pilot_eval.schema.COST_TYPES` (variable when the column or the cell is missing)."""
    c = ds.costs
    c = c[(c["date"] <= ds.as_of_date).to_numpy(dtype=bool)]
    variable = COST_TYPES.index("variable")
    if "cost_type" not in c.columns:
        return np.full(len(c), variable, dtype=np.int64), c
    kind = pd.Index(COST_TYPES).get_indexer(c["cost_type"].astype(object))
    return np.where(kind < 0, variable, kind), c


def _monthly_range(ds: Dataset, index: pd.Index, window: pd.DataFrame,
                   c: pd.DataFrame, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pilot, the low and high factor of the variable cost per participant:
    ``ci_low / R`` (clipped at 0) and ``ci_high / R`` of the monthly ratio estimator (NaN
    where it has no interval)."""
    n = len(index)
    low = np.full(n, np.nan)
    high = np.full(n, np.nan)
    started = window["started"].to_numpy()
    first = month_number(window["start"])
    last = month_number(window["end"])
    # a month cut short by as_of is left out: its costs are not all in yet, its people are
    end = window["end"]
    cut = (end < window["end_date"]) & (end.dt.month == (end + pd.Timedelta(days=1)).dt.month)
    last = last - cut.to_numpy(dtype=float)
    length = np.where(started, np.maximum(last - first + 1, 0), 0).astype(np.int64)
    if length.sum() == 0:
        return low, high
    first = np.nan_to_num(first).astype(np.int64)
    last = (first + length - 1).astype(np.int64)
    first_row = np.cumsum(length) - length
    total = int(length.sum())

    # y: variable cost dated in each month of the window
    cpos = positions(c["pilot_id"], index)
    cmonth = month_number(c["date"])
    safe = np.maximum(cpos, 0)
    ok = ((cpos >= 0) & np.isfinite(cmonth) & (kind == COST_TYPES.index("variable"))
          & (cmonth >= first[safe]) & (cmonth <= last[safe]))
    row = np.where(ok, first_row[safe] + np.nan_to_num(cmonth).astype(np.int64) - first[safe], -1)
    y = sum_by(row, total, c["amount_nok"].to_numpy(dtype=float, na_value=0.0))

    # x: people active in each month (enrolled by its end, not exited before its start),
    # counted with +1 at the first active month and -1 after the last
    e = enrolled_at_as_of(ds, index)
    pos = e["pos"].to_numpy()
    lo = np.maximum(month_number(e["enrolled_on"]), first[pos])
    hi = np.fmin(month_number(e["exited_on"]), last[pos])  # NaN exit: active to the end
    ok = started[pos] & (lo <= hi)
    diff = np.zeros(total + 1)
    np.add.at(diff, (first_row[pos] + lo - first[pos])[ok].astype(np.int64), 1.0)
    np.add.at(diff, (first_row[pos] + hi - first[pos] + 1)[ok].astype(np.int64), -1.0)
    x = np.cumsum(diff)[:total]

    for i in np.flatnonzero(length > 0):  # one estimate per pilot
        rows = slice(first_row[i], first_row[i] + length[i])
        est = stats.ratio_estimate(y[rows], x[rows])
        if est.n >= RANGE_MIN_MONTHS and est.estimate > 0:  # NaN compares False
            low[i], high[i] = est.ci_low / est.estimate, est.ci_high / est.estimate
    return np.clip(low, 0.0, None), high


def _basis(ds: Dataset) -> pd.DataFrame:
    """Per pilot, what the scenarios and unit costs are built from (one pass over the data)."""
    index = pilot_index(ds)
    n = len(index)
    window = _window(ds)
    kind, c = _cost_types(ds)
    pos = positions(c["pilot_id"], index)
    amount = c["amount_nok"].to_numpy(dtype=float, na_value=0.0)
    by_type = {t: sum_by(pos, n, amount, kind == i) for i, t in enumerate(COST_TYPES)}
    low, high = _monthly_range(ds, index, window, c, kind)

    # participant-days within the window, both ends included
    e = enrolled_at_as_of(ds, index)
    epos = e["pos"].to_numpy()
    start = window["start"].to_numpy()[epos]
    end = window["end"].to_numpy()[epos]
    first = np.maximum(e["enrolled_on"].to_numpy(), start)
    exit_ = e["exited_on"].to_numpy()
    last = np.where(pd.isna(exit_) | (exit_ > end), end, exit_)
    days = np.clip((last - first) / np.timedelta64(1, "D") + 1, 0, None)
    days = np.where(window["started"].to_numpy()[epos], days, 0.0)

    reach = reach_summary(ds)
    years = window["days"].to_numpy() / DAYS_PER_YEAR
    enrolled = reach["enrolled"].to_numpy(dtype=np.int64)
    variable = by_type["variable"]
    v = ratio(variable, enrolled)
    zero = v == 0  # no variable cost: nothing to vary
    return pd.DataFrame({
        "started": window["started"].to_numpy(),
        "observed_years": years,
        "pilot_years": window["period_days"].to_numpy() / DAYS_PER_YEAR,
        "start_up_cost_nok": by_type["start_up"],
        "fixed_cost_nok": by_type["fixed"],
        "variable_cost_nok": variable,
        "enrolled": enrolled,
        "v": v,
        "v_low": np.where(zero, 0.0, v * low),
        "v_high": np.where(zero, 0.0, v * high),
        "low_factor": np.where(zero, 0.0, low),
        "high_factor": np.where(zero, 0.0, high),
        "participant_years": sum_by(epos, n, days) / DAYS_PER_YEAR,
        "target_population": reach["target_population"].to_numpy(dtype=float),
        "reach_target": reach["reach_target"].to_numpy(dtype=float, na_value=np.nan),
    }, index=index)


# --- scenarios ---------------------------------------------------------------------------------

def scenarios(ds: Dataset, *, scorecard: pd.DataFrame | None = None,
              outcomes: pd.DataFrame | None = None) -> pd.DataFrame:
    r"""Cost per year of continuing or scaling each pilot, and the budget over 3 years.

    Parameters
    ----------
    ds : Dataset
    scorecard : pandas.DataFrame, optional
        :func:`pilot_eval.metrics.scorecard` of ``ds`` when the caller has it (only read).
    outcomes : pandas.DataFrame, optional
        :func:`pilot_eval.metrics.outcome_summary` of ``ds``, to build the scorecard from
        when it is not given.

    Returns
    -------
    pandas.DataFrame
        Index (``pilot_id``, ``scenario``): every pilot × :data:`SCENARIOS`, in pilot order.
        Money in NOK, all funders and in-kind included. Per pilot (the same on its three
        rows):

        * ``observed_years`` = (min(as_of, end_date) − start_date + 1 day) / 365.25 (NaN
          before the start);
        * ``start_up_cost_nok``, ``fixed_cost_nok``, ``variable_cost_nok`` -- cost lines
          dated on or before ``as_of`` by ``cost_type`` (start-up costs are shown, never
          projected);
        * ``fixed_cost_per_year_nok`` = fixed_cost / observed_years;
        * ``enrolled`` (as :func:`pilot_eval.metrics.reach_summary`),
          ``participants_per_year_today`` = enrolled / observed_years;
        * ``variable_cost_per_participant_nok`` :math:`v` = variable_cost / enrolled, with
          ``_low_nok`` = :math:`v \cdot \max(0, ci_{low}/R)` and ``_high_nok`` =
          :math:`v \cdot ci_{high}/R` from the monthly ratio estimator (module notes).

        Per scenario:

        * ``participants_per_year`` :math:`N`: ``continue`` = participants_per_year_today;
          ``reach_target`` = reach_target / pilot_years (the whole pilot period in years;
          NaN when the target is 0 or missing); ``share_of_population`` = share ×
          target_population (NaN when unknown or 0);
        * ``cost_per_year_nok`` = fixed_cost_per_year + :math:`v N`, with ``_low_nok`` and
          ``_high_nok`` from :math:`v`'s low and high; ``cost_per_participant_nok`` =
          cost_per_year / :math:`N`; ``change_from_today_nok`` = cost_per_year − the
          ``continue`` row's;
        * ``budget_nominal_nok`` = 3 × cost_per_year; ``budget_discounted_nok`` =
          :math:`\sum_{t=1}^{3} \text{cost\_per\_year} / (1 + r)^t` with :math:`r` the
          agreement's ``discount_rate`` (payments at the end of each year, as in value for
          money); each with ``_low_nok`` and ``_high_nok``;
        * ``scale_up_share`` (``agreement.scale_up_share``), ``target_population``,
          ``reach_target``;
        * the outcome carried over from the scorecard (its primary measure), under the
          scorecard's names so the disclosure rules hide it with ``outcome_n``:
          ``outcome_measure``, ``outcome_status``, ``evidence_rating``, ``outcome_n``,
          ``outcome_improvement``, ``outcome_ci_low``, ``outcome_ci_high`` (signed so that
          positive is better) and ``outcome_promise`` (:data:`OUTCOME_PROMISES`): ``effect``
          only when the outcome is green, ``uncertain`` when it is measured but not green
          (yellow, or red: ``outcome_status`` tells them apart), ``unknown`` when it is
          grey -- a scenario never turns a weak result into a promise;
        * ``note`` -- ``;``-joined keys of :data:`SCENARIO_NOTES`.

    Notes
    -----
    .. math::

        \text{cost\_per\_year}(N) = \frac{C_\text{fixed}}{T_\text{obs}}
        + \frac{C_\text{variable}}{n_\text{enrolled}}\,N

    so the ``continue`` row is the non-start-up cost per observed year, and two scenarios
    differ by exactly :math:`v\,\Delta N`. Fixed costs stay fixed at any scale, which is a
    caveat far beyond today's reach (``far_beyond``). The budget effect assumes the
    municipality pays the whole cost; prices are not adjusted between years.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval.metrics.decision import scenarios
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> out = scenarios(ds)
    >>> out.loc[("jobb", "continue"), ["participants_per_year", "cost_per_year_nok"]].round(2).tolist()
    [4.74, 403198.05]
    """
    if scorecard is None:
        scorecard = _scorecard(ds, summary=outcomes)
    return _scenarios(ds, _basis(ds), scorecard)


def _scenarios(ds: Dataset, b: pd.DataFrame, card: pd.DataFrame) -> pd.DataFrame:
    """:func:`scenarios` from :func:`_basis` and the scorecard."""
    index = b.index
    n, k = len(index), len(SCENARIOS)
    years = b["observed_years"].to_numpy()
    fixed_per_year = ratio(b["fixed_cost_nok"], years)
    today = ratio(b["enrolled"], years)
    reach_target = b["reach_target"].to_numpy()
    target = b["target_population"].to_numpy()
    share = float(ds.agreement.scale_up_share)
    per_target = ratio(np.where(reach_target > 0, reach_target, np.nan), b["pilot_years"])
    per_share = np.where(target > 0, share * target, np.nan)
    big_n = np.column_stack([today, per_target, per_share])  # (n, k)

    def per_year(v: np.ndarray) -> np.ndarray:
        return fixed_per_year[:, None] + v[:, None] * big_n

    cost, low, high = (per_year(b[c].to_numpy()) for c in ("v", "v_low", "v_high"))
    # the value-for-money convention: payments at the end of each year, no drop-off
    pv = float(_pv_factor(pd.Series([0.0]), pd.Series([HORIZON_YEARS]),
                          pd.Series([float(ds.agreement.discount_rate)])).iloc[0])

    # the outcome, from the scorecard
    card = card.reindex(index)
    status = card["outcome_status"].astype("string")
    promise = np.select([status.eq("green").fillna(False).to_numpy(bool),
                         status.isin(["yellow", "red"]).fillna(False).to_numpy(bool)],
                        ["effect", "uncertain"], "unknown")

    started = b["started"].to_numpy()
    enrolled = b["enrolled"].to_numpy()
    rep = np.repeat
    scen = np.tile(np.arange(k), n)
    masks = {
        "not_started": rep(~started, k),
        "no_participants": rep(started & (enrolled == 0), k),
        "no_cost_types": np.full(n * k, "costs.cost_type" not in ds.columns_present),
        "few_months": rep(started & (years * 12 < FEW_MONTHS), k),
        "no_range": rep(started & (enrolled > 0) & np.isnan(b["v_low"].to_numpy()), k),
        "no_reach_target": (scen == 1) & rep(np.isnan(per_target), k),
        "no_target_population": (scen == 2) & rep(np.isnan(per_share), k),
        "far_beyond": (scen > 0) & (big_n > FAR_BEYOND * today[:, None]).ravel(),
    }
    out_index = pd.MultiIndex.from_arrays(
        [rep(index.to_numpy(), k), pd.Categorical(np.array(SCENARIOS)[scen], categories=SCENARIOS)],
        names=["pilot_id", "scenario"])
    out = pd.DataFrame({
        "observed_years": rep(years, k),
        "start_up_cost_nok": rep(b["start_up_cost_nok"].to_numpy(), k),
        "fixed_cost_nok": rep(b["fixed_cost_nok"].to_numpy(), k),
        "variable_cost_nok": rep(b["variable_cost_nok"].to_numpy(), k),
        "fixed_cost_per_year_nok": rep(fixed_per_year, k),
        "enrolled": rep(enrolled, k),
        "participants_per_year_today": rep(today, k),
        "variable_cost_per_participant_nok": rep(b["v"].to_numpy(), k),
        "variable_cost_per_participant_low_nok": rep(b["v_low"].to_numpy(), k),
        "variable_cost_per_participant_high_nok": rep(b["v_high"].to_numpy(), k),
        "participants_per_year": big_n.ravel(),
        "cost_per_year_nok": cost.ravel(),
        "cost_per_year_low_nok": low.ravel(),
        "cost_per_year_high_nok": high.ravel(),
        "cost_per_participant_nok": ratio(cost.ravel(), big_n.ravel()),
        "change_from_today_nok": (cost - cost[:, :1]).ravel(),
        "budget_nominal_nok": HORIZON_YEARS * cost.ravel(),
        "budget_nominal_low_nok": HORIZON_YEARS * low.ravel(),
        "budget_nominal_high_nok": HORIZON_YEARS * high.ravel(),
        "budget_discounted_nok": pv * cost.ravel(),
        "budget_discounted_low_nok": pv * low.ravel(),
        "budget_discounted_high_nok": pv * high.ravel(),
        "scale_up_share": np.full(n * k, share),
        "target_population": rep(target, k),
        "reach_target": rep(reach_target, k),
        "outcome_measure": rep(card["outcome_measure"].to_numpy(dtype=object), k),
        "outcome_status": rep(status.to_numpy(dtype=object), k),
        "evidence_rating": rep(card["outcome_evidence_rating"].to_numpy(dtype=object), k),
        "outcome_n": rep(card["outcome_n"].astype("Float64").to_numpy(dtype=float,
                                                                      na_value=np.nan), k),
        "outcome_improvement": rep(card["outcome_improvement"].to_numpy(dtype=float), k),
        "outcome_ci_low": rep(card["outcome_ci_low"].to_numpy(dtype=float), k),
        "outcome_ci_high": rep(card["outcome_ci_high"].to_numpy(dtype=float), k),
        "outcome_promise": rep(promise, k),
        "note": _join_codes(masks, n * k),
    }, index=out_index)
    types = {c: "string" if c in _SCENARIO_TEXT else "Int64" if c in _SCENARIO_INT
             else "float64" for c in _SCENARIO_COLUMNS}
    return out[_SCENARIO_COLUMNS].astype(types)


def scenario_budget(ds: Dataset, *, scenarios_table: pd.DataFrame | None = None
                    ) -> pd.DataFrame:
    r"""The scenarios' cost year by year over :data:`HORIZON_YEARS` years.

    Parameters
    ----------
    ds : Dataset
    scenarios_table : pandas.DataFrame, optional
        :func:`scenarios` of ``ds`` when the caller has it (only read).

    Returns
    -------
    pandas.DataFrame
        Index (``pilot_id``, ``scenario``, ``year`` 1…3). Columns ``cost_nok``,
        ``cost_low_nok``, ``cost_high_nok`` (the scenario's cost per year, the same each
        year), ``discounted_nok`` = cost / (1 + r)\ :sup:`year` with ``_low_nok`` and
        ``_high_nok``, ``cumulative_nok`` = cost × year and ``cumulative_discounted_nok``
        = :math:`\sum_{t \le \text{year}}` cost / (1 + r)\ :sup:`t` (r = the agreement's
        ``discount_rate``; payments at the end of each year).

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval.metrics.decision import scenario_budget
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> budget = scenario_budget(ds).xs(("jobb", "continue"), level=("pilot_id", "scenario"))
    >>> budget["cumulative_nok"].round().tolist()
    [403198.0, 806396.0, 1209594.0]
    """
    s = scenarios(ds) if scenarios_table is None else scenarios_table
    k = HORIZON_YEARS
    year = np.tile(np.arange(1, k + 1), len(s))
    factor = 1.0 / (1.0 + float(ds.agreement.discount_rate)) ** year

    def col(name: str) -> np.ndarray:
        return np.repeat(s[name].to_numpy(dtype=float), k)

    cost, low, high = col("cost_per_year_nok"), col("cost_per_year_low_nok"), \
        col("cost_per_year_high_nok")
    pilots = s.index.get_level_values("pilot_id")
    scen = s.index.get_level_values("scenario")
    index = pd.MultiIndex.from_arrays(
        [np.repeat(pilots.to_numpy(), k),
         pd.Categorical(np.repeat(scen.astype(str).to_numpy(), k), categories=SCENARIOS),
         year], names=["pilot_id", "scenario", "year"])
    discounted = cost * factor
    cumulative_discounted = pd.Series(discounted).groupby(np.repeat(np.arange(len(s)), k)).cumsum()
    return pd.DataFrame({
        "cost_nok": cost,
        "cost_low_nok": low,
        "cost_high_nok": high,
        "discounted_nok": discounted,
        "discounted_low_nok": low * factor,
        "discounted_high_nok": high * factor,
        "cumulative_nok": cost * year,
        "cumulative_discounted_nok": cumulative_discounted.to_numpy(),
    }, index=index)


# --- unit costs --------------------------------------------------------------------------------

def unit_cost_comparison(ds: Dataset) -> pd.DataFrame:
    r"""The pilot's cost per participant-year beside what the municipality pays today.

    Parameters
    ----------
    ds : Dataset
        With an ``alternatives`` table: a comparable service's ``unit_cost_nok`` per
        participant per year, its price ``year`` and ``source``, and the pilots it
        compares with (``pilot_ids``; empty = every pilot).

    Returns
    -------
    pandas.DataFrame
        Index (``pilot_id``, ``alternative``): one row per pilot and alternative that names
        it or names no pilot, pilots in their order, alternatives in the table's. Columns

        * ``alternative_name``, ``unit_cost_nok``, ``year``, ``source``;
        * ``participant_years`` = :math:`\sum_i` days participant :math:`i` was enrolled
          within the observed window (both ends included) / 365.25;
        * ``pilot_cost_per_participant_year_nok`` = (fixed + variable cost) /
          participant_years (start-up costs left out; costs as in :func:`scenarios`), with
          ``_low_nok`` and ``_high_nok`` = (fixed + variable × :math:`ci_{low}/R` or
          :math:`ci_{high}/R`) / participant_years, the variable part scaled as in
          :func:`scenarios`;
        * ``difference_nok`` = pilot − alternative; ``ratio`` = pilot / alternative;
        * ``note`` -- ``;``-joined keys of :data:`UNIT_COST_NOTES`.

        An empty frame with these columns when there are no alternatives. Prices are not
        adjusted between price years (``price_year_differs``).

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval.metrics.decision import unit_cost_comparison
    >>> unit_cost_comparison(pe.load_dataset("tests/data/minimal")).empty
    True
    """
    return _unit_costs(ds, _basis(ds))


def _unit_costs(ds: Dataset, b: pd.DataFrame) -> pd.DataFrame:
    """:func:`unit_cost_comparison` from :func:`_basis`."""
    index = b.index
    alts = ds.alternatives.reset_index(drop=True)
    named = (alts["pilot_ids"].astype(object).where(alts["pilot_ids"].notna(), "").astype(str)
             .str.split(";").explode())
    named = named.str.strip()
    every = named.eq("").groupby(level=0).all()  # names no pilot: compares with every pilot
    pairs = pd.DataFrame({"alt": named.index.to_numpy(dtype=np.int64),
                          "pos": index.get_indexer(named.to_numpy(dtype=object))})
    pairs = pairs[pairs["pos"] >= 0]
    all_alts = np.flatnonzero(every.reindex(range(len(alts)), fill_value=True).to_numpy(bool))
    cross = pd.DataFrame({"alt": np.repeat(all_alts, len(index)),
                          "pos": np.tile(np.arange(len(index)), len(all_alts))})
    pairs = (pd.concat([pairs, cross], ignore_index=True).drop_duplicates()
             .sort_values(["pos", "alt"], kind="stable"))
    pos = pairs["pos"].to_numpy(dtype=np.int64)
    alt = pairs["alt"].to_numpy(dtype=np.int64)

    py = b["participant_years"].to_numpy()[pos]
    fixed = b["fixed_cost_nok"].to_numpy()[pos]
    variable = b["variable_cost_nok"].to_numpy()[pos]
    pilot = ratio(fixed + variable, py)
    low = ratio(fixed + variable * b["low_factor"].to_numpy()[pos], py)
    high = ratio(fixed + variable * b["high_factor"].to_numpy()[pos], py)
    unit = alts["unit_cost_nok"].to_numpy(dtype=float)[alt]
    year = alts["year"].astype("Int64").to_numpy(dtype=float, na_value=np.nan)[alt]
    masks = {"price_year_differs": year != ds.as_of_date.year,
             "few_participant_years": ~(py >= 1)}
    out_index = pd.MultiIndex.from_arrays(
        [index.to_numpy()[pos].astype(object), alts["alternative"].astype(str).to_numpy()[alt]],
        names=["pilot_id", "alternative"])
    out = pd.DataFrame({
        "alternative_name": alts["name"].to_numpy(dtype=object)[alt],
        "unit_cost_nok": unit,
        "year": year,
        "source": alts["source"].to_numpy(dtype=object)[alt],
        "pilot_cost_per_participant_year_nok": pilot,
        "pilot_cost_per_participant_year_low_nok": low,
        "pilot_cost_per_participant_year_high_nok": high,
        "difference_nok": pilot - unit,
        "ratio": ratio(pilot, unit),
        "participant_years": py,
        "enrolled": b["enrolled"].to_numpy()[pos],
        "note": _join_codes(masks, len(pos)),
    }, index=out_index)
    types = {c: "string" if c in ("alternative_name", "source", "note") else "Int64"
             if c in ("year", "enrolled") else "float64" for c in _UNIT_COST_COLUMNS}
    return out[_UNIT_COST_COLUMNS].astype(types)


# --- reach of the whole ------------------------------------------------------------------------

def reach_gaps(ds: Dataset) -> pd.DataFrame:
    r"""Who in each pilot's target group is least reached, by area, gender and age group.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        Index (``pilot_id``, ``by``, ``group``) for ``by`` in ``area``, ``gender``,
        ``age_group`` (the groups of :func:`pilot_eval.metrics.reach_by`, leaving out
        ``unknown``). Columns

        * ``enrolled``;
        * ``share`` = enrolled / the pilot's enrolled in the groups shown (people whose
          group is unknown are left out of both, so the shares add up to 1 like the target
          shares): what ``representation`` is built on, never published;
        * ``pilot_enrolled`` -- the pilot's enrolled, unknown group included, and
          ``share_of_enrolled`` = enrolled / pilot_enrolled: the share the reach charts and
          ``reach_by`` publish, and so the only one a report may show beside them (the two
          shares together would give the unknown group's count back);
        * ``target_population``, ``target_share`` -- as in ``reach_by``;
        * ``representation`` = share / target_share: 1 is reached in proportion, below 1
          under-represented (NaN where target_share is NaN or 0);
        * ``least_reached`` -- per pilot and ``by``, the group with the lowest
          representation among groups with target_share ≥ :data:`MIN_TARGET_SHARE`
          (the first on a tie), when that representation is below :data:`UNDER_REACHED`
          (reached clearly less than its share); none otherwise, or when no
          representation is known.

        Counts are exact: the presentation suppresses.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval.metrics.decision import reach_gaps
    >>> gaps = reach_gaps(pe.load_dataset("tests/data/minimal"))
    >>> gaps.xs(("lekse", "gender"), level=("pilot_id", "by"))["enrolled"].tolist()
    [2, 2, 0]
    """
    frames = []
    for by in BY:  # three splits
        rb = reach_by(ds, by)
        pilot_enrolled = rb["enrolled"].groupby(level="pilot_id", sort=False,
                                                 observed=True).transform("sum")
        group = rb.index.get_level_values(by).astype(str)
        keep = group != UNKNOWN
        rb, pilot_enrolled = rb[keep], pilot_enrolled[keep]
        frames.append(pd.DataFrame({
            "pilot_id": rb.index.get_level_values("pilot_id").astype(str),
            "by": by,
            "group": rb.index.get_level_values(by).astype(str),
            "enrolled": rb["enrolled"].to_numpy(),
            "pilot_enrolled": pilot_enrolled.to_numpy(),
            "target_population": rb["target_population"].to_numpy(dtype=float),
            "target_share": rb["target_share"].to_numpy(dtype=float),
        }))
    out = pd.concat(frames, ignore_index=True)
    # pilot by pilot (in the pilots' order), then area, gender, age group, groups in order
    pilot_pos = pilot_index(ds).get_indexer(out["pilot_id"])
    out = out.iloc[np.lexsort((np.arange(len(out)), pd.Index(BY).get_indexer(out["by"]),
                               pilot_pos))].reset_index(drop=True)
    total = out.groupby(["pilot_id", "by"], sort=False)["enrolled"].transform("sum")
    out["share"] = ratio(out["enrolled"], total)
    out["share_of_enrolled"] = ratio(out["enrolled"], out["pilot_enrolled"])
    target_share = out["target_share"].to_numpy()
    out["representation"] = ratio(out["share"], np.where(target_share > 0, target_share, np.nan))
    # the lowest representation per pilot and split, if clearly under its share; a stable
    # sort keeps the first on a tie
    eligible = out[out["representation"].notna() & (out["target_share"] >= MIN_TARGET_SHARE)]
    lowest = (eligible.sort_values("representation", kind="stable")
              .drop_duplicates(["pilot_id", "by"]))
    least = lowest.index[under_reached(lowest["representation"])]
    out["least_reached"] = out.index.isin(least)
    out = out.set_index(["pilot_id", "by", "group"])
    return out[["enrolled", "share", "pilot_enrolled", "share_of_enrolled", "target_population",
                "target_share", "representation", "least_reached"]].astype(
        {"enrolled": "Int64", "pilot_enrolled": "Int64", "least_reached": bool})
