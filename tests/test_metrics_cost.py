"""Cost metrics (pilot_eval.metrics.cost), hand-checked on tests/data/minimal.

tests/data/minimal at its default as_of 2026-02-01 (the latest date in the data: p-06's exit):

costs.csv
    lekse 2025-02-15 fund          cash     200 000
    lekse 2025-03    municipality  in-kind   15 000.5   (a month → 2025-03-01)
    lekse 2025-06-01 ferd          cash      50 000
    lekse 2025-07-01 fund          cash     −10 000    (correction)
    jobb  2025-09-15 fund          cash     150 000
    jobb  2025-10-01 entrepreneur  in-kind   20 000
pilots.csv
    lekse 2025-02-01 … 2026-12-31, grant 1 500 000
    jobb  2025-09-01 … 2026-12-31, grant 1 000 000
participants.csv (exit, reason)
    lekse p-01 active · p-02 2025-12-20 completed · p-03 2025-05-01 dropped_out ·
          p-04 active · p-05 2026-01-10 moved                          → 5 enrolled, 1 completer
    jobb  p-01 active · p-06 2026-02-01 completed                      → 2 enrolled, 1 completer
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import pilot_eval as pe
from pilot_eval.metrics.cost import (
    PILOT_STATES,
    cost_by_funder,
    cost_by_month,
    cost_summary,
    pilot_periods,
)
from pilot_eval.schema import FUNDERS
from tests._helpers import assert_no_inf

DESIGN_COLUMNS = [
    "total_cost_nok", "fund_cost_nok", "in_kind_nok", "cofunding_nok", "leverage",
    "participants", "completers", "cost_per_participant_nok", "cost_per_completer_nok",
    "grant_nok", "grant_used_share", "elapsed_share", "forecast_fund_cost_nok",
]


# --- hand-computed values -------------------------------------------------------------------

def test_design_columns_and_every_pilot(ds: pe.Dataset) -> None:
    out = cost_summary(ds)
    assert out.index.name == "pilot_id"
    assert list(out.index) == ["lekse", "jobb"]
    assert set(DESIGN_COLUMNS) <= set(out.columns)
    assert_no_inf(out)


def test_money_by_hand(ds: pe.Dataset) -> None:
    out = cost_summary(ds)
    lekse, jobb = out.loc["lekse"], out.loc["jobb"]
    # lekse: 200 000 + 15 000.5 + 50 000 − 10 000 = 255 000.5; fund 200 000 − 10 000 = 190 000
    assert lekse["total_cost_nok"] == pytest.approx(255_000.5)
    assert lekse["fund_cost_nok"] == pytest.approx(190_000)
    assert lekse["in_kind_nok"] == pytest.approx(15_000.5)
    assert lekse["cofunding_nok"] == pytest.approx(65_000.5)  # 255 000.5 − 190 000
    assert lekse["public_cost_nok"] == pytest.approx(205_000.5)  # fund + municipality
    assert lekse["leverage"] == pytest.approx(255_000.5 / 190_000)  # 1.3421
    # jobb: 150 000 (fund) + 20 000 (entrepreneur, in kind)
    assert jobb["total_cost_nok"] == pytest.approx(170_000)
    assert jobb["fund_cost_nok"] == pytest.approx(150_000)
    assert jobb["in_kind_nok"] == pytest.approx(20_000)
    assert jobb["cofunding_nok"] == pytest.approx(20_000)
    assert jobb["public_cost_nok"] == pytest.approx(150_000)
    assert jobb["leverage"] == pytest.approx(170_000 / 150_000)


def test_unit_costs_by_hand(ds: pe.Dataset) -> None:
    out = cost_summary(ds)
    assert out.loc["lekse", ["participants", "completers"]].tolist() == [5, 1]
    assert out.loc["jobb", ["participants", "completers"]].tolist() == [2, 1]  # exit on as_of counts
    assert out.loc["lekse", "cost_per_participant_nok"] == pytest.approx(255_000.5 / 5)  # 51 000.1
    assert out.loc["lekse", "cost_per_completer_nok"] == pytest.approx(255_000.5)
    assert out.loc["jobb", "cost_per_participant_nok"] == pytest.approx(85_000)
    assert out.loc["jobb", "cost_per_completer_nok"] == pytest.approx(170_000)


def test_run_rate_by_hand(ds: pe.Dataset) -> None:
    out = cost_summary(ds)
    # lekse: period 2025-02-01…2026-12-31 = 699 days; 2025-02-01…2026-02-01 = 366 days passed
    assert out.loc["lekse", "elapsed_share"] == pytest.approx(366 / 699)
    assert out.loc["lekse", "grant_used_share"] == pytest.approx(190_000 / 1_500_000)
    assert out.loc["lekse", "forecast_fund_cost_nok"] == pytest.approx(190_000 * 699 / 366)
    # jobb: 2025-09-01…2026-12-31 = 487 days; …2026-02-01 = 30+31+30+31+31+1 = 154 days
    assert out.loc["jobb", "elapsed_share"] == pytest.approx(154 / 487)
    assert out.loc["jobb", "grant_used_share"] == pytest.approx(0.15)
    assert out.loc["jobb", "forecast_fund_cost_nok"] == pytest.approx(150_000 * 487 / 154)
    assert out.loc["jobb", "grant_nok"] == 1_000_000


def test_pilot_periods(ds: pe.Dataset) -> None:
    per = pilot_periods(ds)
    assert per.loc["lekse", ["period_days", "elapsed_days"]].tolist() == [699, 366]
    assert per["state"].tolist() == ["running", "running"]
    assert list(per["state"].cat.categories) == list(PILOT_STATES)
    # first day of a pilot: one day has passed; before it: none
    assert pilot_periods(ds.as_of("2025-09-01")).loc["jobb", "elapsed_days"] == 1
    assert pilot_periods(ds.as_of("2025-08-31")).loc["jobb", "elapsed_share"] == 0


# --- as_of ----------------------------------------------------------------------------------

def test_as_of_changes_the_numbers(ds: pe.Dataset) -> None:
    out = cost_summary(ds.as_of("2025-06-30"))
    # lekse by 2025-06-30: 200 000 (fund) + 15 000.5 (municipality) + 50 000 (ferd); the
    # July correction is later. People: p-01…p-04 enrolled; p-03 dropped out, nobody completed.
    assert out.loc["lekse", "total_cost_nok"] == pytest.approx(265_000.5)
    assert out.loc["lekse", "fund_cost_nok"] == pytest.approx(200_000)
    assert out.loc["lekse", ["participants", "completers"]].tolist() == [4, 0]
    assert np.isnan(out.loc["lekse", "cost_per_completer_nok"])
    assert out.loc["lekse", "elapsed_share"] == pytest.approx(150 / 699)  # Feb–Jun: 28+31+30+31+30


def test_dataset_holding_later_rows_is_cut_at_as_of_date(ds: pe.Dataset) -> None:
    # a Dataset whose as_of_date is earlier than its rows (built by hand, or loaded without
    # as_of with data after the agreement's end) gives the same numbers as ds.as_of(...)
    raw = dataclasses.replace(ds, as_of_date=pd.Timestamp("2025-06-30"))
    pd.testing.assert_frame_equal(cost_summary(raw), cost_summary(ds.as_of("2025-06-30")))
    pd.testing.assert_frame_equal(cost_by_month(raw), cost_by_month(ds.as_of("2025-06-30")))


# --- edge cases -----------------------------------------------------------------------------

def test_pilot_not_started(ds: pe.Dataset) -> None:
    out = cost_summary(ds.as_of("2025-08-31"))  # jobb starts 2025-09-01
    jobb = out.loc["jobb"]
    assert jobb["state"] == "not_started"
    assert jobb["elapsed_share"] == 0
    assert jobb[["total_cost_nok", "fund_cost_nok", "participants", "completers"]].tolist() == [0, 0, 0, 0]
    for col in ("leverage", "cost_per_participant_nok", "cost_per_completer_nok",
                "forecast_fund_cost_nok"):
        assert np.isnan(jobb[col]), col
    assert jobb["grant_used_share"] == 0
    assert_no_inf(out)


def test_pilot_ended(ds: pe.Dataset) -> None:
    pilots = ds.pilots.copy()
    pilots.loc[pilots["pilot_id"] == "lekse", "end_date"] = pd.Timestamp("2025-12-31")
    out = cost_summary(dataclasses.replace(ds, pilots=pilots))
    assert out.loc["lekse", "state"] == "ended"
    assert out.loc["lekse", "elapsed_share"] == 1
    # after the end the forecast is what was spent
    assert out.loc["lekse", "forecast_fund_cost_nok"] == pytest.approx(190_000)


def test_zero_fund_cost_and_zero_grant(ds: pe.Dataset) -> None:
    costs = ds.costs[ds.costs["funder"] != "fund"]
    pilots = ds.pilots.assign(grant_nok=[0.0, 1_000_000.0])
    out = cost_summary(dataclasses.replace(ds, costs=costs, pilots=pilots))
    assert out["fund_cost_nok"].tolist() == [0, 0]
    assert out["leverage"].isna().all()  # total / 0
    assert np.isnan(out.loc["lekse", "grant_used_share"])  # 0 / 0 grant
    assert out.loc["jobb", "grant_used_share"] == 0
    assert out["forecast_fund_cost_nok"].tolist() == [0, 0]
    assert out.loc["lekse", "cofunding_nok"] == pytest.approx(65_000.5)
    assert_no_inf(out)


def test_negative_fund_total_gives_no_leverage(ds: pe.Dataset) -> None:
    costs = ds.costs.copy()
    costs.loc[0, "amount_nok"] = 5_000.0  # fund: 5 000 − 10 000 = −5 000
    out = cost_summary(dataclasses.replace(ds, costs=costs))
    assert out.loc["lekse", "fund_cost_nok"] == pytest.approx(-5_000)
    assert np.isnan(out.loc["lekse", "leverage"])


def test_all_dropped_out_and_one_participant(ds: pe.Dataset) -> None:
    p = ds.participants.copy()
    exited = p["exit_reason"].notna()
    p["exit_reason"] = p["exit_reason"].where(~exited, "dropped_out")
    out = cost_summary(dataclasses.replace(ds, participants=p))
    assert out["completers"].tolist() == [0, 0]
    assert out["cost_per_completer_nok"].isna().all()
    one = cost_summary(dataclasses.replace(ds, participants=ds.participants.iloc[[6]]))  # p-06, jobb
    assert one["participants"].tolist() == [0, 1]
    assert np.isnan(one.loc["lekse", "cost_per_participant_nok"])
    assert one.loc["jobb", "cost_per_participant_nok"] == pytest.approx(170_000)
    assert_no_inf(out)
    assert_no_inf(one)


def test_no_participants_no_costs_and_a_pilot_without_rows(ds: pe.Dataset) -> None:
    extra = ds.pilots.iloc[[1]].copy()
    extra["pilot_id"] = "ny"
    pilots = pd.concat([ds.pilots.astype({"pilot_id": object}), extra.astype({"pilot_id": object})],
                       ignore_index=True)
    empty = dataclasses.replace(ds, pilots=pilots, participants=ds.participants.iloc[:0],
                                costs=ds.costs.iloc[:0])
    out = cost_summary(empty)
    assert list(out.index) == ["lekse", "jobb", "ny"]
    assert (out[["total_cost_nok", "fund_cost_nok", "participants", "completers"]] == 0).all().all()
    assert out[["leverage", "cost_per_participant_nok"]].isna().all().all()
    assert_no_inf(out)
    # and with the real rows, the pilot without any rows still appears, with zeros
    out = cost_summary(dataclasses.replace(ds, pilots=pilots))
    assert out.loc["ny", "total_cost_nok"] == 0 and out.loc["lekse", "total_cost_nok"] > 0
    assert len(cost_by_funder(empty)) == 3 * len(FUNDERS)
    months = cost_by_month(empty)
    assert set(months["pilot_id"]) == {"lekse", "jobb", "ny"}
    assert (months.loc[months["observed"], "cumulative_nok"] == 0).all()


# --- by funder and by month -----------------------------------------------------------------

def test_cost_by_funder(ds: pe.Dataset) -> None:
    out = cost_by_funder(ds)
    assert out.index.names == ["pilot_id", "funder"]
    assert len(out) == 2 * len(FUNDERS)
    assert out.loc[("lekse", "fund"), "amount_nok"] == pytest.approx(190_000)
    assert out.loc[("lekse", "municipality"), ["cash_nok", "in_kind_nok"]].tolist() == [0, 15_000.5]
    assert out.loc[("jobb", "ferd"), "amount_nok"] == 0
    shares = out["share_of_total"].groupby(level="pilot_id", sort=False).sum()
    assert shares.tolist() == pytest.approx([1, 1])
    totals = out["amount_nok"].groupby(level="pilot_id", sort=False).sum()
    assert totals.tolist() == pytest.approx(cost_summary(ds)["total_cost_nok"].tolist())


def test_cost_by_month(ds: pe.Dataset) -> None:
    out = cost_by_month(ds)
    assert list(out.columns) == ["pilot_id", "month", "funder", "date", "observed", "amount_nok",
                                 "cumulative_nok", "grant_plan_cumulative_nok"]
    lekse = out[(out["pilot_id"] == "lekse") & (out["funder"] == "fund")].set_index("month")
    # 2025-02 … 2026-12: 23 months, over the whole period (the plan goes to the end)
    assert len(lekse) == 23 and len(out) == (23 + 16) * len(FUNDERS)
    assert lekse.loc["2025-02-01", "amount_nok"] == 200_000
    assert lekse.loc["2025-07-01", "amount_nok"] == -10_000  # a correction lowers the sum
    assert lekse.loc["2025-07-01", "cumulative_nok"] == 190_000
    last = lekse[lekse["observed"]].iloc[-1]
    assert last.name == pd.Timestamp("2026-02-01") and last["date"] == pd.Timestamp("2026-02-01")
    assert last["cumulative_nok"] == pytest.approx(cost_summary(ds).loc["lekse", "fund_cost_nok"])
    # the plan: grant × elapsed share at the month's end (or as_of)
    assert lekse.loc["2025-02-01", "grant_plan_cumulative_nok"] == pytest.approx(1_500_000 * 28 / 699)
    assert last["grant_plan_cumulative_nok"] == pytest.approx(1_500_000 * 366 / 699)
    assert lekse["grant_plan_cumulative_nok"].iloc[-1] == pytest.approx(1_500_000)
    future = lekse[~lekse["observed"]]
    assert len(future) == 10 and future["cumulative_nok"].isna().all()
    assert_no_inf(out)


def test_cost_by_month_widens_to_a_cost_before_the_start(ds: pe.Dataset) -> None:
    costs = ds.costs.copy()
    costs.loc[4, "date"] = pd.Timestamp("2025-07-20")  # jobb's first cost, before its start
    out = cost_by_month(dataclasses.replace(ds, costs=costs))
    jobb = out[(out["pilot_id"] == "jobb") & (out["funder"] == "fund")].set_index("month")
    assert jobb.index[0] == pd.Timestamp("2025-07-01")
    assert jobb.loc["2025-07-01", "amount_nok"] == 150_000
    assert jobb.loc["2025-07-01", "grant_plan_cumulative_nok"] == 0  # before the period
    assert jobb.loc["2025-08-01", "cumulative_nok"] == 150_000


# --- sample data ----------------------------------------------------------------------------

def test_sample_smoke(sample_ds: pe.Dataset) -> None:
    ds = sample_ds
    for when in (None, "2025-01-10", "2025-06-30", "2026-12-31"):
        view = ds if when is None else ds.as_of(when)
        out = cost_summary(view)
        assert list(out.index) == view.pilot_ids
        assert_no_inf(out)
        assert (out["total_cost_nok"] >= out["fund_cost_nok"] - 1e-6).all()
        funders = cost_by_funder(view)["amount_nok"].groupby(level="pilot_id", sort=False).sum()
        assert funders.to_numpy() == pytest.approx(out["total_cost_nok"].to_numpy())
        months = cost_by_month(view)
        assert_no_inf(months)
        last = (months[months["observed"]].groupby(["pilot_id", "funder"], observed=True)
                ["cumulative_nok"].last().groupby(level="pilot_id", sort=False).sum())
        assert last.reindex(out.index).fillna(0).to_numpy() == pytest.approx(
            out["total_cost_nok"].to_numpy())
