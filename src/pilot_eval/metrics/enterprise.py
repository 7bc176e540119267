r"""The enterprise behind each pilot: its income by source per year, how much of it comes
from the municipality and the fund, and the trend (issue 13, "the balance between the
social and the enterprise").

* :func:`enterprise_finances` -- one row per organisation and year of the ``finances``
  table: income by source, total, result and the shares from the municipality, the public
  sector and Ferd.
* :func:`enterprise_summary` -- one row per organisation: the municipality's share in the
  first and the last (full) year, its change and the trend.

No verdict on the business: these are the facts, as the organisation reported them.
Finance years after the year of ``ds.as_of_date`` are left out (the as-of year itself may
be a part year: ``part_year``).

Notes
-----
*The money from the municipality* is the fund (Bærum kommune's fund for social
entrepreneurs) plus the municipality's own purchases: ``fund_nok + municipality_nok``.
*Public money* adds other public income (the state, other municipalities, NAV…). Ferd's
investment (equity or a loan, ``ferd_investment_nok``) is not income and is shown apart;
Ferd's grants and purchases are income (``ferd_nok``).

A share whose income total is 0 is NaN, never ``inf``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..schema import INCOME_SOURCES, organisation_key
from ._common import THRESHOLD_DIGITS, ratio

__all__ = ["enterprise_finances", "enterprise_summary", "TRENDS", "ABOUT_SAME"]

#: Trend of the municipality's share from the first to the last (full) year.
TRENDS = ("less_dependent", "more_dependent", "about_same", "one_year")
#: A change of the municipality's share smaller than this (share points) is ``about_same``.
ABOUT_SAME = 0.05

_INCOME = [f"{source}_nok" for source in INCOME_SOURCES]
_FINANCE_COLUMNS = [
    *_INCOME, "income_total_nok", "total_costs_nok", "result_nok", "municipality_share",
    "fund_share", "public_share", "ferd_share", "ferd_investment_nok", "pilot_ids", "part_year",
]
_SUMMARY_COLUMNS = [
    "first_year", "last_year", "years", "income_first_nok", "income_last_nok",
    "municipality_share_first", "municipality_share_last", "municipality_share_change",
    "trend", "ferd_investment_total_nok", "pilot_ids",
]


def _organisations(ds: Dataset) -> pd.Series:
    """``;``-joined pilot ids per organisation (names stripped), in the pilots' order."""
    p = ds.pilots
    org = p["organisation"].astype(object).where(p["organisation"].notna(), "").astype(str)
    frame = pd.DataFrame({"organisation": org.str.strip().to_numpy(),
                          "pilot_id": p["pilot_id"].astype(str).to_numpy()})
    frame = frame[frame["organisation"] != ""]
    return frame.groupby("organisation", sort=False)["pilot_id"].agg(";".join)


def enterprise_finances(ds: Dataset) -> pd.DataFrame:
    r"""Income by source, costs and dependence on public money, per organisation and year.

    Parameters
    ----------
    ds : Dataset
        With a ``finances`` table (else the result is empty, with these columns).

    Returns
    -------
    pandas.DataFrame
        Index (``organisation``, ``year``): organisations in the order of the pilots that
        they run, then the others (in the table's order), years ascending; years after the
        as-of year are left out. Columns

        * the seven ``{source}_nok`` of :data:`pilot_eval.schema.INCOME_SOURCES` (an
          empty cell is 0);
        * ``income_total_nok`` = their sum; ``total_costs_nok`` (NaN = not reported);
          ``result_nok`` = income_total − total_costs (NaN when the costs are unknown);
        * ``municipality_share`` = (fund + municipality) / income_total -- the money from
          Bærum kommune, the fund included; ``fund_share`` = fund / income_total;
          ``public_share`` = (fund + municipality + other_public) / income_total;
          ``ferd_share`` = ferd / income_total (NaN when the income is 0);
        * ``ferd_investment_nok`` -- Ferd's investment (equity or loan), *not* income;
        * ``pilot_ids`` -- the organisation's pilots, ``;``-joined (NA when it runs none);
        * ``part_year`` -- the year is the as-of year and ``as_of`` is not 31 December:
          the year's figures are not complete.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval.metrics.enterprise import enterprise_finances
    >>> enterprise_finances(pe.load_dataset("tests/data/minimal")).empty
    True
    """
    f = ds.finances
    when = ds.as_of_date
    year = f["year"].astype("Int64").to_numpy(dtype=float, na_value=np.nan)
    f = f[year <= when.year]
    name = f["organisation"].astype(object).where(f["organisation"].notna(), "").astype(str).str.strip()
    pilots = _organisations(ds)
    # spelled as in the pilots table when only case or spacing differ
    spelling = pd.Series(pilots.index, index=organisation_key(pd.Series(pilots.index)))
    key = organisation_key(name)
    name = name.where(~key.isin(spelling.index), key.map(spelling))
    others = pd.unique(name[~name.isin(pilots.index)].to_numpy(dtype=object))
    order = pd.Index([*pilots.index, *others])
    year = f["year"].astype("Int64").to_numpy(dtype=np.int64, na_value=0)
    sort = np.lexsort((year, order.get_indexer(name.to_numpy(dtype=object))))
    f, name, year = f.iloc[sort], name.iloc[sort], year[sort]

    income = {c: f[c].to_numpy(dtype=float, na_value=np.nan) for c in _INCOME}
    income = {c: np.nan_to_num(v, nan=0.0) for c, v in income.items()}
    total = np.sum(list(income.values()), axis=0) if len(f) else np.zeros(0)
    costs = f["total_costs_nok"].to_numpy(dtype=float, na_value=np.nan)
    fund, municipality = income["fund_nok"], income["municipality_nok"]
    index = pd.MultiIndex.from_arrays([name.to_numpy(dtype=object), year],
                                      names=["organisation", "year"])
    out = pd.DataFrame({
        **income,
        "income_total_nok": total,
        "total_costs_nok": costs,
        "result_nok": total - costs,
        "municipality_share": ratio(fund + municipality, total),
        "fund_share": ratio(fund, total),
        "public_share": ratio(fund + municipality + income["other_public_nok"], total),
        "ferd_share": ratio(income["ferd_nok"], total),
        "ferd_investment_nok": np.nan_to_num(
            f["ferd_investment_nok"].to_numpy(dtype=float, na_value=np.nan), nan=0.0),
        "pilot_ids": pd.array(pilots.reindex(name.to_numpy(dtype=object)).to_numpy(dtype=object),
                              dtype="string"),
        "part_year": (year == when.year) & ~((when.month == 12) & (when.day == 31)),
    }, index=index)
    types = {c: "string" if c == "pilot_ids" else bool if c == "part_year" else "float64"
             for c in _FINANCE_COLUMNS}
    return out[_FINANCE_COLUMNS].astype(types)


def enterprise_summary(ds: Dataset, *, finances: pd.DataFrame | None = None) -> pd.DataFrame:
    r"""Per organisation: the municipality's share of its income, first and last year.

    Parameters
    ----------
    ds : Dataset
    finances : pandas.DataFrame, optional
        :func:`enterprise_finances` of ``ds`` when the caller has it (only read).

    Returns
    -------
    pandas.DataFrame
        Index ``organisation`` (as in :func:`enterprise_finances`). Columns

        * ``first_year``; ``last_year`` -- the last year, or the last *full* year when the
          last one is a part year (``part_year``) and an earlier year exists; ``years`` --
          years reported (the part year included);
        * ``income_first_nok``, ``income_last_nok`` -- income total in those years;
        * ``municipality_share_first``, ``municipality_share_last`` and
          ``municipality_share_change`` = last − first (share points);
        * ``trend``: ``one_year`` when the first and last year are the same;
          ``about_same`` when \|change\| < 0.05; ``less_dependent`` when the share fell,
          ``more_dependent`` when it rose (NA when a share is unknown: no income);
        * ``ferd_investment_total_nok`` -- Ferd's investment summed over the years;
        * ``pilot_ids``.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval.metrics.enterprise import enterprise_summary
    >>> list(enterprise_summary(pe.load_dataset("tests/data/minimal")).columns)[:3]
    ['first_year', 'last_year', 'years']
    """
    f = enterprise_finances(ds) if finances is None else finances
    org = f.index.get_level_values("organisation")
    year = f.index.get_level_values("year").to_numpy(dtype=np.int64)
    orgs = pd.Index(pd.unique(org.to_numpy(dtype=object)), name="organisation")
    code = orgs.get_indexer(org)
    rows = np.arange(len(f))
    part = f["part_year"].to_numpy(bool)
    first_row = pd.Series(rows).groupby(code).min().reindex(range(len(orgs))).to_numpy()
    last_any = pd.Series(rows).groupby(code).max().reindex(range(len(orgs))).to_numpy()
    # the last full year when the last year is a part year and an earlier one exists
    full = pd.Series(rows[~part]).groupby(code[~part]).max().reindex(range(len(orgs)))
    last_row = np.where(part[last_any] & full.notna().to_numpy(),
                        full.fillna(-1).to_numpy(dtype=np.int64), last_any).astype(np.int64)
    first_row = first_row.astype(np.int64)
    share = f["municipality_share"].to_numpy(dtype=float)
    income = f["income_total_nok"].to_numpy(dtype=float)
    change = share[last_row] - share[first_row]
    same = first_row == last_row
    rounded = np.round(change, THRESHOLD_DIGITS)
    trend = np.select([same, np.isnan(change), np.abs(rounded) < ABOUT_SAME, rounded < 0],
                      ["one_year", "", "about_same", "less_dependent"], "more_dependent")
    ferd = pd.Series(f["ferd_investment_nok"].to_numpy(dtype=float)).groupby(code).sum()
    out = pd.DataFrame({
        "first_year": year[first_row],
        "last_year": year[last_row],
        "years": np.bincount(code, minlength=len(orgs)) if len(orgs) else np.zeros(0, int),
        "income_first_nok": income[first_row],
        "income_last_nok": income[last_row],
        "municipality_share_first": share[first_row],
        "municipality_share_last": share[last_row],
        "municipality_share_change": np.where(same, np.nan, change),
        "trend": pd.array(np.where(trend == "", None, trend), dtype="string"),
        "ferd_investment_total_nok": ferd.reindex(range(len(orgs))).to_numpy(dtype=float),
        "pilot_ids": f["pilot_ids"].to_numpy(dtype=object)[first_row],
    }, index=orgs)
    types = {c: "Int64" if c in ("first_year", "last_year", "years") else "string"
             if c in ("trend", "pilot_ids") else "float64" for c in _SUMMARY_COLUMNS}
    return out[_SUMMARY_COLUMNS].astype(types)
