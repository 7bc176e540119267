"""Portfolio metrics (pilot_eval.metrics.portfolio), hand-checked on tests/data/minimal.

tests/data/minimal at its default as_of 2026-02-01:
agreement 2025-01-01 … 2026-12-31, 2 000 000 a year → 4 000 000 (730 days = 2.00 years);
grants 1 500 000 (lekse) + 1 000 000 (jobb); fund money spent 190 000 + 150 000 = 340 000;
all costs 255 000.5 + 170 000 = 425 000.5, of it in kind 15 000.5 + 20 000;
participants: lekse p-01…p-05, jobb p-01 and p-06 → 7 enrolments, 6 distinct people, 1 in both.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import pilot_eval as pe
from pilot_eval.metrics.cost import cost_summary
from pilot_eval.metrics.portfolio import overlap_matrix, portfolio_summary
from pilot_eval.metrics.reach import COVERAGE_NOTES, reach_summary
from tests._helpers import assert_no_inf, population


def test_one_row_money_by_hand(ds: pe.Dataset) -> None:
    out = portfolio_summary(ds)
    assert len(out) == 1 and out.index.tolist() == ["Testavtale"]
    row = out.iloc[0]
    assert row["as_of"] == pd.Timestamp("2026-02-01")
    assert row["budget_nok"] == pytest.approx(4_000_000)
    assert row["grants_nok"] == pytest.approx(2_500_000)
    assert row["grants_share_of_budget"] == pytest.approx(0.625)
    assert row["fund_cost_nok"] == pytest.approx(340_000)
    assert row["fund_spent_share"] == pytest.approx(340_000 / 4_000_000)
    assert row["grants_used_share"] == pytest.approx(340_000 / 2_500_000)
    assert row["total_cost_nok"] == pytest.approx(425_000.5)
    assert row["in_kind_nok"] == pytest.approx(35_000.5)
    assert row["cofunding_nok"] == pytest.approx(85_000.5)
    assert row["leverage"] == pytest.approx(425_000.5 / 340_000)
    assert row["fund_cost_nok"] == pytest.approx(cost_summary(ds)["fund_cost_nok"].sum())
    assert_no_inf(out)


def test_time_by_hand(ds: pe.Dataset) -> None:
    row = portfolio_summary(ds).iloc[0]
    assert row["months_total"] == 24
    # 2025-01-01 … end of 2026-02-01: 13 whole months and 1 of February's 28 days
    assert row["months_elapsed"] == pytest.approx(13 + 1 / 28)
    assert row["elapsed_share"] == pytest.approx((365 + 31 + 1) / 730)
    assert portfolio_summary(ds.as_of("2026-06-30")).iloc[0]["months_elapsed"] == pytest.approx(18)


def test_pilots_by_state(ds: pe.Dataset) -> None:
    cols = ["pilots", "pilots_not_started", "pilots_running", "pilots_ended"]
    assert portfolio_summary(ds).iloc[0][cols].tolist() == [2, 0, 2, 0]
    assert portfolio_summary(ds.as_of("2025-08-31")).iloc[0][cols].tolist() == [2, 1, 1, 0]
    early = portfolio_summary(ds.as_of("2024-12-01")).iloc[0]
    assert early[cols].tolist() == [2, 2, 0, 0]
    assert early["months_elapsed"] == 0 and early["elapsed_share"] == 0
    assert np.isnan(early["leverage"]) and early["fund_spent_share"] == 0
    late = portfolio_summary(dataclasses.replace(ds, as_of_date=pd.Timestamp("2027-03-01"))).iloc[0]
    assert late[cols].tolist() == [2, 0, 0, 2]
    assert late["months_elapsed"] == 24 and late["elapsed_share"] == 1


def test_citizens_are_not_double_counted(ds: pe.Dataset) -> None:
    row = portfolio_summary(ds).iloc[0]
    assert row["enrolments"] == 7 == reach_summary(ds)["enrolled"].sum()
    assert row["citizens_reached"] == 6  # p-01 is in both pilots
    assert row["citizens_in_several_pilots"] == 1
    assert row["reach_target"] == 60
    # union of lekse (10–15) and jobb (16–23, areas unresolvable → its ages municipality-wide):
    # the table has age 10 only → 1620; an upper bound, said in the note
    assert row["target_population"] == 1620
    assert row["target_population_note"] == "areas_ignored"
    assert row["target_population_note"] in COVERAGE_NOTES
    assert row["coverage_share"] == pytest.approx(6 / 1620)


def test_overlapping_target_groups_are_combined_once(ds: pe.Dataset) -> None:
    # ages 10–18, 100 people each; lekse 10–15 (600) and jobb 12–18 (700) share 12–15
    pop = population([(2025, "all", age, None, 100) for age in range(10, 19)])
    pilots = ds.pilots.assign(target_age_min=pd.array([10, 12], dtype="Int64"),
                              target_age_max=pd.array([15, 18], dtype="Int64"),
                              target_areas=pd.array([None, None], dtype="string"))
    view = dataclasses.replace(ds, population=pop, pilots=pilots)
    assert reach_summary(view)["target_population"].tolist() == [600, 700]
    row = portfolio_summary(view).iloc[0]
    assert row["target_population"] == 900  # 10–18, not 600 + 700
    assert pd.isna(row["target_population_note"])


def test_area_cells_inside_a_municipality_wide_group_count_once(ds: pe.Dataset) -> None:
    # `all` 10–15: 100 each; Sandvika 10–15: 20 each; Rud 10–15: 30 each.
    # lekse: 10–12 whole municipality (300); jobb: 10–15 in Sandvika (120).
    # Union: all 10–12 (300) + Sandvika 13–15 (60) = 360.
    rows = [(2025, area, age, None, n) for area, n in (("all", 100), ("Sandvika", 20), ("Rud", 30))
            for age in range(10, 16)]
    pilots = ds.pilots.assign(target_age_min=pd.array([10, 10], dtype="Int64"),
                              target_age_max=pd.array([12, 15], dtype="Int64"),
                              target_areas=pd.array([None, "Sandvika"], dtype="string"))
    view = dataclasses.replace(ds, population=population(rows), pilots=pilots)
    assert reach_summary(view)["target_population"].tolist() == [300, 120]
    row = portfolio_summary(view).iloc[0]
    assert row["target_population"] == 360
    assert pd.isna(row["target_population_note"])


def test_no_population_and_no_participants(ds: pe.Dataset) -> None:
    bare = dataclasses.replace(ds, population=ds.population.iloc[:0],
                               participants=ds.participants.iloc[:0], costs=ds.costs.iloc[:0],
                               tables_present=ds.tables_present - {"population"})
    row = portfolio_summary(bare).iloc[0]
    assert np.isnan(row["target_population"]) and np.isnan(row["coverage_share"])
    assert row["target_population_note"] == "no_population_table"
    assert row[["enrolments", "citizens_reached", "citizens_in_several_pilots"]].tolist() == [0, 0, 0]
    assert row["fund_cost_nok"] == 0 and np.isnan(row["leverage"])
    assert_no_inf(portfolio_summary(bare))
    assert overlap_matrix(bare).to_numpy().sum() == 0


def test_overlap_matrix(ds: pe.Dataset) -> None:
    out = overlap_matrix(ds)
    assert list(out.index) == list(out.columns) == ["lekse", "jobb"]
    assert out.to_numpy().tolist() == [[5, 1], [1, 2]]
    # p-01 leaves jobb: no overlap left
    alone = dataclasses.replace(ds, participants=ds.participants.drop(index=5))
    assert overlap_matrix(alone).to_numpy().tolist() == [[5, 0], [0, 1]]
    assert portfolio_summary(alone).iloc[0]["citizens_in_several_pilots"] == 0


def test_sample_smoke(sample_ds: pe.Dataset) -> None:
    ds = sample_ds
    for when in (None, "2025-01-10", "2025-06-30"):
        view = ds if when is None else ds.as_of(when)
        row = portfolio_summary(view).iloc[0]
        assert_no_inf(portfolio_summary(view))
        reach = reach_summary(view)
        assert row["enrolments"] == reach["enrolled"].sum()
        assert row["citizens_reached"] <= row["enrolments"]
        assert row["citizens_reached"] + reach["overlap"].sum() >= row["enrolments"]
        assert row["target_population"] >= reach["target_population"].max()
        matrix = overlap_matrix(view)
        assert np.diag(matrix).tolist() == reach["enrolled"].tolist()
        assert (matrix.to_numpy() == matrix.to_numpy().T).all()
    assert portfolio_summary(ds).iloc[0]["budget_nok"] == pytest.approx(4_000_000)
