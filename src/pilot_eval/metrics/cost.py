r"""Cost of each pilot at the dataset's ``as_of`` date: money by funder, leverage, unit costs
and the run-rate against the grant (DESIGN §3, "Cost").

Three tidy tables and one helper:

* :func:`cost_summary` -- one row per pilot: total cost, fund money, co-funding, leverage,
  cost per participant and per completer, share of the grant used against the share of the
  period passed, and a linear forecast of fund money at the pilot's end.
* :func:`cost_by_funder` -- one row per pilot and funder (every funder, zeros included).
* :func:`cost_by_month` -- one row per pilot, month and funder over the whole pilot period,
  cumulative, with the straight-line plan of the grant, for the cumulative-spend chart.
* :func:`pilot_periods` -- start, end, share of the period passed and state of each pilot.

Everything is *observed*: only cost lines dated on or before ``ds.as_of_date`` and people
enrolled on or before it count, even when the dataset holds later rows (a dataset built
with :func:`dataclasses.replace`, or loaded without ``as_of`` with data after the
agreement's end). Every pilot of ``ds.pilots`` has a row, also one that has not started.
A ratio whose denominator is 0 is NaN, never ``inf`` and never an exception.

Notes
-----
Days are counted inclusively: a pilot running from 1 to 10 March lasts 10 days, and on
``as_of`` = 1 March one day (``1/10``) has passed, because ``as_of`` means "at the end of
that day" (costs dated that day are included).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..schema import FUNDERS, PUBLIC_FUNDERS
from ._common import (
    elapsed_share,
    enrolled_at_as_of,
    grid_rows,
    month_grid,
    pilot_index,
    positions,
    ratio,
    sum_by,
)

__all__ = ["cost_summary", "cost_by_funder", "cost_by_month", "pilot_periods", "PILOT_STATES"]

#: States of a pilot at ``as_of``: before its start date, between start and end date
#: (both inclusive), after its end date.
PILOT_STATES = ("not_started", "running", "ended")


# --- helpers -----------------------------------------------------------------------------

def _dated_costs(ds: Dataset) -> pd.DataFrame:
    """Cost lines dated on or before ``as_of``."""
    c = ds.costs
    return c[(c["date"] <= ds.as_of_date).to_numpy(dtype=bool)]


# --- public ---------------------------------------------------------------------------------

def pilot_periods(ds: Dataset) -> pd.DataFrame:
    r"""Each pilot's period and how much of it has passed at ``ds.as_of_date``.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        Index ``pilot_id`` (every pilot, in the order of ``ds.pilots``); columns

        * ``start_date``, ``end_date``;
        * ``period_days`` = end − start + 1 (days, both ends included);
        * ``elapsed_days`` = clip(as_of − start + 1, 0, period_days);
        * ``elapsed_share`` = elapsed_days / period_days, in [0, 1] (0 before the start);
        * ``state``: ``not_started`` (as_of < start), ``running`` or ``ended``
          (as_of > end).

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval.metrics.cost import pilot_periods
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> pilot_periods(ds)["state"].tolist()
    ['running', 'running']
    """
    p = ds.pilots
    index = pilot_index(ds)
    when = ds.as_of_date
    start = p["start_date"].reset_index(drop=True)
    end = p["end_date"].reset_index(drop=True)
    period = ((end - start).dt.days + 1).to_numpy(dtype=float)
    elapsed = np.clip(((when - start).dt.days + 1).to_numpy(dtype=float), 0, period)
    state = np.select([(when < start).to_numpy(), (when > end).to_numpy()],
                      ["not_started", "ended"], "running")
    return pd.DataFrame({
        "start_date": start.to_numpy(),
        "end_date": end.to_numpy(),
        "period_days": period.astype(np.int64),
        "elapsed_days": elapsed.astype(np.int64),
        "elapsed_share": ratio(elapsed, period),
        "state": pd.Categorical(state, categories=list(PILOT_STATES)),
    }, index=index)


def cost_summary(ds: Dataset) -> pd.DataFrame:
    r"""Cost, co-funding, unit costs and run-rate of each pilot at ``ds.as_of_date``.

    Parameters
    ----------
    ds : Dataset
        Cost lines dated after ``ds.as_of_date`` and people enrolled after it are left out.

    Returns
    -------
    pandas.DataFrame
        Index ``pilot_id`` (every pilot of ``ds.pilots``, in its order). Money in NOK, sums
        of ``amount_nok`` (corrections included, so a sum may shrink over time):

        * ``total_cost_nok`` -- all funders, in-kind included (*samlet ressursbruk*);
        * ``fund_cost_nok`` -- funder ``fund`` (*brukt av fondsmidler*);
        * ``public_cost_nok`` -- funders ``fund`` and ``municipality``, the public money
          that the tax-financing cost applies to in value for money;
        * ``in_kind_nok`` -- lines with ``in_kind`` true, any funder;
        * ``cofunding_nok`` = total − fund;
        * ``leverage`` = total / fund (NOK in all per NOK from the fund); NaN when the fund
          cost is 0 or negative;
        * ``participants`` -- people enrolled on or before ``as_of``; ``completers`` -- of
          them, those who exited with ``exit_reason = completed`` on or before ``as_of``;
        * ``cost_per_participant_nok`` = total / participants;
          ``cost_per_completer_nok`` = total / completers (the cost of everyone, divided
          by those who completed: high while a pilot is running);
        * ``grant_nok``; ``grant_used_share`` = fund / grant;
        * ``elapsed_share`` -- share of the pilot period passed (see
          :func:`pilot_periods`), 0 before the start, 1 after the end;
        * ``forecast_fund_cost_nok`` = fund / elapsed_share, the fund money spent by the
          pilot's end date if spending continues at the average rate so far (linear
          run-rate; equals ``fund_cost_nok`` once the pilot has ended); NaN before the
          start;
        * ``state`` -- ``not_started``, ``running`` or ``ended``.

        A ratio with denominator 0 is NaN.

    Notes
    -----
    .. math::

        \text{leverage} = \frac{\sum_{\text{all funders}} c}{\sum_{\text{fund}} c},\qquad
        \text{forecast} = \frac{\sum_{\text{fund}} c}{\text{elapsed\_share}},\qquad
        \text{run-rate} = \frac{\text{grant\_used\_share}}{\text{elapsed\_share}}

    The run-rate ratio (scorecard, cost) is left to the scorecard. The forecast assumes even
    spending; a pilot that front-loads costs (equipment at start-up) is forecast too high
    early on.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval.metrics.cost import cost_summary
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> cost_summary(ds).loc["jobb", ["total_cost_nok", "fund_cost_nok", "leverage"]].round(4).tolist()
    [170000.0, 150000.0, 1.1333]
    """
    index = pilot_index(ds)
    n = len(index)
    c = _dated_costs(ds)
    pos = positions(c["pilot_id"], index)
    amount = c["amount_nok"].to_numpy(dtype=float, na_value=0.0)
    is_fund = (c["funder"] == "fund").to_numpy(dtype=bool)
    is_public = c["funder"].isin(PUBLIC_FUNDERS).to_numpy(dtype=bool)
    in_kind = c["in_kind"].fillna(False).to_numpy(dtype=bool)

    total = sum_by(pos, n, amount)
    fund = sum_by(pos, n, amount, is_fund)
    public = sum_by(pos, n, amount, is_public)
    kind = sum_by(pos, n, amount, in_kind)

    # who counts at as_of is defined once, with reach_summary
    e = enrolled_at_as_of(ds, index)
    participants = sum_by(e["pos"].to_numpy(), n)
    completers = sum_by(e["pos"].to_numpy(), n, mask=e["completed"].to_numpy())

    periods = pilot_periods(ds)
    elapsed = periods["elapsed_share"].to_numpy(dtype=float)
    grant = ds.pilots["grant_nok"].to_numpy(dtype=float, na_value=np.nan)
    return pd.DataFrame({
        "total_cost_nok": total,
        "fund_cost_nok": fund,
        "public_cost_nok": public,
        "in_kind_nok": kind,
        "cofunding_nok": total - fund,
        "leverage": ratio(total, np.where(fund > 0, fund, 0.0)),
        "participants": participants,
        "completers": completers,
        "cost_per_participant_nok": ratio(total, participants),
        "cost_per_completer_nok": ratio(total, completers),
        "grant_nok": grant,
        "grant_used_share": ratio(fund, grant),
        "elapsed_share": elapsed,
        "forecast_fund_cost_nok": ratio(fund, elapsed),
        "state": periods["state"].array,
    }, index=index)


def cost_by_funder(ds: Dataset) -> pd.DataFrame:
    r"""Cost of each pilot split by funder, at ``ds.as_of_date``.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        Index (``pilot_id``, ``funder``): every pilot × every funder of
        :data:`pilot_eval.schema.FUNDERS` (``fund``, ``municipality``, ``ferd``,
        ``entrepreneur``, ``other``), zeros where there is no cost. Columns
        ``amount_nok`` (cash and in-kind), ``cash_nok``, ``in_kind_nok`` and
        ``share_of_total`` = amount / the pilot's total cost (NaN when that is 0).

    Examples
    --------
    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> cost_by_funder(ds).loc["lekse", "amount_nok"].to_dict()
    {'fund': 190000.0, 'municipality': 15000.5, 'ferd': 50000.0, 'entrepreneur': 0.0, 'other': 0.0}
    """
    index = pilot_index(ds)
    n, k = len(index), len(FUNDERS)
    c = _dated_costs(ds)
    pos = positions(c["pilot_id"], index)
    fpos = pd.Index(FUNDERS).get_indexer(c["funder"].astype(object))
    cell = np.where((pos >= 0) & (fpos >= 0), pos * k + fpos, -1)
    amount = c["amount_nok"].to_numpy(dtype=float, na_value=0.0)
    in_kind = c["in_kind"].fillna(False).to_numpy(dtype=bool)
    total = sum_by(cell, n * k, amount)
    kind = sum_by(cell, n * k, amount, in_kind)
    pilot_total = np.repeat(total.reshape(n, k).sum(axis=1), k)
    out_index = pd.MultiIndex.from_product([index, pd.CategoricalIndex(FUNDERS, categories=FUNDERS)],
                                           names=["pilot_id", "funder"])
    return pd.DataFrame({
        "amount_nok": total,
        "cash_nok": total - kind,
        "in_kind_nok": kind,
        "share_of_total": ratio(total, pilot_total),
    }, index=out_index)


def cost_by_month(ds: Dataset) -> pd.DataFrame:
    r"""Monthly and cumulative cost per pilot and funder, with the grant's straight-line plan.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        A long table (RangeIndex), one row per pilot × month × funder, sorted by pilot,
        month and funder. Months run from the pilot's first month to its last (widened to
        include any cost line dated outside the period), also after ``as_of``, so the
        plan can be drawn to the end. Columns:

        * ``pilot_id``, ``month`` (first day of the month), ``funder``;
        * ``date`` -- the day the month's figures refer to: the last day of the month, or
          ``as_of`` in the month of ``as_of``;
        * ``observed`` -- the month has begun by ``as_of``; figures of later months are
          NaN (not known yet, not zero);
        * ``amount_nok`` -- cost dated in the month (up to ``as_of``);
        * ``cumulative_nok`` -- cost of this funder from the first month to this one;
        * ``grant_plan_cumulative_nok`` = grant × elapsed_share(``date``): the grant spent
          evenly over the pilot period. It is a property of the pilot and month, repeated
          on each funder's row; compare it with ``cumulative_nok`` of funder ``fund``.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval.metrics.cost import cost_by_month
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> fund = cost_by_month(ds).query("pilot_id == 'lekse' and funder == 'fund'")
    >>> fund.loc[fund["observed"], "cumulative_nok"].iloc[-1]
    np.float64(190000.0)
    """
    index = pilot_index(ds)
    k = len(FUNDERS)
    c = _dated_costs(ds)
    pos = positions(c["pilot_id"], index)
    grid = month_grid(ds, index, [(pos, c["date"])])
    row = grid_rows(grid, len(index), pos, c["date"])
    fpos = pd.Index(FUNDERS).get_indexer(c["funder"].astype(object))
    cell = np.where((row >= 0) & (fpos >= 0), row * k + fpos, -1)
    amount = sum_by(cell, len(grid) * k, c["amount_nok"].to_numpy(dtype=float, na_value=0.0))

    long = grid.loc[grid.index.repeat(k)].reset_index(drop=True)
    long["funder"] = pd.Categorical(np.tile(np.array(FUNDERS, dtype=object), len(grid)),
                                    categories=list(FUNDERS))
    long["amount_nok"] = amount
    long["cumulative_nok"] = long.groupby(["pos", "funder"], observed=True)["amount_nok"].cumsum()
    future = ~long["observed"].to_numpy()
    long.loc[future, ["amount_nok", "cumulative_nok"]] = np.nan
    p = ds.pilots.reset_index(drop=True)
    share = elapsed_share(p["start_date"].to_numpy()[long["pos"]],
                           p["end_date"].to_numpy()[long["pos"]], long["date"].to_numpy())
    long["grant_plan_cumulative_nok"] = p["grant_nok"].to_numpy(dtype=float)[long["pos"]] * share
    long.insert(0, "pilot_id", pd.Categorical(index.to_numpy()[long["pos"]], categories=list(index)))
    return long[["pilot_id", "month", "funder", "date", "observed", "amount_nok",
                 "cumulative_nok", "grant_plan_cumulative_nok"]]
