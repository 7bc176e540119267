"""Reach metrics (pilot_eval.metrics.reach), hand-checked on tests/data/minimal.

tests/data/minimal at its default as_of 2026-02-01:

participants.csv (enrolled, exit, reason, birth year, gender, area)
    lekse p-01 2025-02-10  –                       2013 female  Bekkestua
          p-02 2025-02-12  2025-12-20 completed    2012 male    Bekkestua
          p-03 2025-03-01  2025-05-01 dropped_out  2014 female  Sandvika
          p-04 2025-04-01  –                       2011 unknown Sandvika
          p-05 2025-08-20  2026-01-10 moved        2013 male    (none)
    jobb  p-01 2025-09-10  –                       2005 female  Sandvika
          p-06 2025-09-12  2026-02-01 completed    2004 male    Rud
pilots.csv: lekse ages 10–15, whole municipality, reach target 40;
            jobb ages 16–23, areas Sandvika;Rud, reach target 20
population.csv: 2025, all, age 10: female 800, male 820
sessions.csv: lekse 2 + 1.5 (p-01) + 2 (p-02) + 2 (p-03) = 7.5 h; jobb 3 h (p-06)
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import pilot_eval as pe
from pilot_eval.metrics.reach import (
    BY,
    COVERAGE_NOTES,
    DEFAULT_AGE_GROUPS,
    age_group_labels,
    enrolment_by_month,
    reach_by,
    reach_summary,
)
from pilot_eval.schema import GENDERS
from tests._helpers import assert_no_inf, population

DESIGN_COLUMNS = [
    "enrolled", "active", "completed", "dropped_out", "moved", "completion_rate",
    "target_population", "coverage_share", "reach_target", "reach_target_share",
    "median_days_in_programme", "hours_per_participant", "overlap", "coverage_note",
]


def with_areas(ds: pe.Dataset, jobb_areas: str = "Sandvika;Rud") -> pe.Dataset:
    """Population by area (no `all` rows), 2025:
    Sandvika 12: 10, 16: 100, 20: 50 · Rud 16: 30, 20: 20 · Bekkestua 12: 5, 16: 70, 20: 40."""
    pop = population([(2025, "Sandvika", 12, None, 10), (2025, "Sandvika", 16, None, 100),
                      (2025, "Sandvika", 20, None, 50), (2025, "Rud", 16, None, 30),
                      (2025, "Rud", 20, None, 20), (2025, "Bekkestua", 12, None, 5),
                      (2025, "Bekkestua", 16, None, 70), (2025, "Bekkestua", 20, None, 40)])
    pilots = ds.pilots.assign(target_areas=pd.array([None, jobb_areas], dtype="string"))
    return dataclasses.replace(ds, population=pop, pilots=pilots)


# --- reach_summary, by hand ---------------------------------------------------------------

def test_columns_and_every_pilot(ds: pe.Dataset) -> None:
    out = reach_summary(ds)
    assert out.index.name == "pilot_id" and list(out.index) == ["lekse", "jobb"]
    assert set(DESIGN_COLUMNS) <= set(out.columns)
    assert_no_inf(out)


def test_counts_by_hand(ds: pe.Dataset) -> None:
    out = reach_summary(ds)
    cols = ["enrolled", "active", "completed", "dropped_out", "moved", "exited_other"]
    assert out.loc["lekse", cols].tolist() == [5, 2, 1, 1, 1, 0]
    assert out.loc["jobb", cols].tolist() == [2, 1, 1, 0, 0, 0]  # p-06 left on as_of itself
    assert out.loc["lekse", "completion_rate"] == pytest.approx(1 / 2)  # moved is left out
    assert out.loc["jobb", "completion_rate"] == 1
    assert out.loc["lekse", "reach_target_share"] == pytest.approx(5 / 40)
    assert out.loc["jobb", "reach_target_share"] == pytest.approx(2 / 20)
    assert out["reach_target"].tolist() == [40, 20]
    assert out["overlap"].tolist() == [1, 1]  # p-01 is in both pilots


def test_days_and_hours_by_hand(ds: pe.Dataset) -> None:
    out = reach_summary(ds)
    # lekse: p-01 356 (2025-02-10→as_of), p-02 311, p-03 61, p-04 306 (→as_of), p-05 143
    assert out.loc["lekse", "median_days_in_programme"] == 306
    # jobb: p-01 2025-09-10→2026-02-01 = 144, p-06 2025-09-12→2026-02-01 = 142
    assert out.loc["jobb", "median_days_in_programme"] == 143
    assert out.loc["lekse", "session_hours"] == pytest.approx(7.5)
    assert out.loc["lekse", "hours_per_participant"] == pytest.approx(7.5 / 5)
    assert out.loc["jobb", "hours_per_participant"] == pytest.approx(3 / 2)


def test_target_population_by_hand(ds: pe.Dataset) -> None:
    out = reach_summary(ds)
    # lekse, ages 10–15, whole municipality: 800 + 820 (only age 10 is in the table)
    assert out.loc["lekse", "target_population"] == 1620
    assert out.loc["lekse", "coverage_share"] == pytest.approx(5 / 1620)
    assert pd.isna(out.loc["lekse", "coverage_note"])
    # jobb names areas, the table has only `all`: not computed, and the note says why
    assert np.isnan(out.loc["jobb", "target_population"])
    assert np.isnan(out.loc["jobb", "coverage_share"])
    assert out.loc["jobb", "coverage_note"] == "population_has_no_areas"
    assert set(out["coverage_note"].dropna()) <= set(COVERAGE_NOTES)


# --- as_of --------------------------------------------------------------------------------

def test_as_of_undoes_a_later_exit(ds: pe.Dataset) -> None:
    out = reach_summary(ds.as_of("2025-12-19"))  # p-02 completes the next day
    cols = ["enrolled", "active", "completed", "dropped_out", "moved"]
    assert out.loc["lekse", cols].tolist() == [5, 4, 0, 1, 0]  # p-01, p-02, p-04, p-05 active
    assert out.loc["lekse", "completion_rate"] == 0  # 0 / (0 + 1)
    assert out.loc["jobb", cols].tolist() == [2, 2, 0, 0, 0]
    assert np.isnan(out.loc["jobb", "completion_rate"])  # 0 / 0
    raw = dataclasses.replace(ds, as_of_date=pd.Timestamp("2025-12-19"))
    pd.testing.assert_frame_equal(reach_summary(raw), out)


def test_pilot_not_started(ds: pe.Dataset) -> None:
    out = reach_summary(ds.as_of("2025-08-31"))
    jobb = out.loc["jobb"]
    assert jobb[["enrolled", "active", "overlap"]].tolist() == [0, 0, 0]
    for col in ("completion_rate", "reach_target_share", "median_days_in_programme",
                "hours_per_participant"):
        if col == "reach_target_share":
            assert jobb[col] == 0
        else:
            assert np.isnan(jobb[col]), col
    assert out.loc["lekse", "enrolled"] == 5  # p-05 enrolled 2025-08-20
    assert_no_inf(out)


# --- edge cases -------------------------------------------------------------------------

def test_no_participants_zero_target_and_no_sessions_table(ds: pe.Dataset) -> None:
    none = dataclasses.replace(ds, participants=ds.participants.iloc[:0],
                               pilots=ds.pilots.assign(reach_target=pd.array([0, 20], dtype="Int64")),
                               sessions=ds.sessions.iloc[:0],
                               tables_present=ds.tables_present - {"sessions"})
    out = reach_summary(none)
    assert out["enrolled"].tolist() == [0, 0]
    assert np.isnan(out.loc["lekse", "reach_target_share"])  # target 0
    assert out.loc["jobb", "reach_target_share"] == 0
    assert out["session_hours"].isna().all()  # no sessions table: unknown, not 0
    assert out.loc["lekse", "coverage_share"] == 0
    assert_no_inf(out)
    for by in BY:
        split = reach_by(none, by)
        assert (split["enrolled"] == 0).all() and split["share"].isna().all()
    months = enrolment_by_month(none)
    assert (months.loc[months["observed"], "enrolled_cumulative"] == 0).all()


def test_one_participant_all_dropped_out(ds: pe.Dataset) -> None:
    one = ds.participants.iloc[[2]]  # p-03, lekse, dropped out
    out = reach_summary(dataclasses.replace(ds, participants=one))
    assert out.loc["lekse", ["enrolled", "active", "dropped_out"]].tolist() == [1, 0, 1]
    assert out.loc["lekse", "completion_rate"] == 0
    assert out.loc["lekse", "median_days_in_programme"] == 61
    assert out["overlap"].tolist() == [0, 0]


def test_no_population_table(ds: pe.Dataset) -> None:
    bare = dataclasses.replace(ds, population=ds.population.iloc[:0],
                               tables_present=ds.tables_present - {"population"})
    out = reach_summary(bare)
    assert out["target_population"].isna().all() and out["coverage_share"].isna().all()
    assert out["coverage_note"].tolist() == ["no_population_table"] * 2
    assert reach_by(bare, "gender")["target_population"].isna().all()


def test_population_only_after_as_of(ds: pe.Dataset) -> None:
    out = reach_summary(ds.as_of("2024-12-31"))  # the table starts in 2025
    assert out["coverage_note"].tolist() == ["population_no_year"] * 2


def test_latest_year_at_or_before_as_of(ds: pe.Dataset) -> None:
    pop = population([(2024, "all", 10, None, 100), (2025, "all", 10, None, 200),
                      (2027, "all", 10, None, 400)])
    view = dataclasses.replace(ds, population=pop)
    assert reach_summary(view).loc["lekse", "target_population"] == 200  # 2026-02-01 → 2025
    assert reach_summary(view.as_of("2024-12-31")).loc["lekse", "target_population"] == 100


def test_population_by_area(ds: pe.Dataset) -> None:
    out = reach_summary(with_areas(ds))
    # jobb, 16–23 in Sandvika and Rud: 100 + 50 + 30 + 20; lekse, 10–15, all areas: 10 + 5
    assert out.loc["jobb", "target_population"] == 200
    assert out.loc["jobb", "coverage_share"] == pytest.approx(2 / 200)
    assert out.loc["lekse", "target_population"] == 15
    assert out["coverage_note"].isna().all()


def test_area_missing_from_population(ds: pe.Dataset) -> None:
    out = reach_summary(with_areas(ds, "Sandvika;Fornebu"))
    assert np.isnan(out.loc["jobb", "target_population"])
    assert out.loc["jobb", "coverage_note"] == "area_not_in_population"


def test_target_population_zero(ds: pe.Dataset) -> None:
    pilots = ds.pilots.assign(target_age_min=pd.array([50, 16], dtype="Int64"),
                              target_age_max=pd.array([60, 23], dtype="Int64"))
    out = reach_summary(dataclasses.replace(ds, pilots=pilots))
    assert out.loc["lekse", "target_population"] == 0
    assert np.isnan(out.loc["lekse", "coverage_share"])
    assert out.loc["lekse", "coverage_note"] == "target_population_zero"


def test_gendered_rows_win_over_totals(ds: pe.Dataset) -> None:
    # age 10: female 800 + male 820 and a total row 1620 (not counted twice); age 11: total only
    pop = population([(2025, "all", 10, "female", 800), (2025, "all", 10, "male", 820),
                      (2025, "all", 10, None, 1620), (2025, "all", 11, None, 1500)])
    view = dataclasses.replace(ds, population=pop)
    assert reach_summary(view).loc["lekse", "target_population"] == 800 + 820 + 1500
    # age 11 is not split by gender, so lekse's target cannot be split by gender
    assert reach_by(view, "gender").loc["lekse", "target_population"].isna().all()


# --- reach_by ----------------------------------------------------------------------------

def test_reach_by_gender_by_hand(ds: pe.Dataset) -> None:
    out = reach_by(ds, "gender")
    assert out.index.names == ["pilot_id", "gender"]
    assert list(out.loc["lekse"].index) == list(GENDERS)
    lekse = out.loc["lekse"]
    assert lekse["enrolled"].tolist() == [2, 2, 0, 1]  # female p-01 p-03, male p-02 p-05, unknown p-04
    assert lekse["completed"].tolist() == [0, 1, 0, 0]
    assert lekse["dropped_out"].tolist() == [1, 0, 0, 0]
    assert lekse["share"].tolist() == pytest.approx([0.4, 0.4, 0, 0.2])
    # the population table has female 800, male 820 at age 10 and no other/unknown
    assert lekse.loc["female", "target_population"] == 800
    assert lekse.loc["male", "target_share"] == pytest.approx(820 / 1620)
    assert lekse.loc["female", "coverage_share"] == pytest.approx(2 / 800)
    assert np.isnan(lekse.loc["unknown", "target_population"])
    assert out.loc["jobb", "target_population"].isna().all()  # areas not resolvable
    assert_no_inf(out)


def test_reach_by_age_group_by_hand(ds: pe.Dataset) -> None:
    out = reach_by(ds, "age_group")
    assert list(out.loc["lekse"].index) == age_group_labels(DEFAULT_AGE_GROUPS)  # no unknown
    # age at enrolment = 2025 − birth year: p-01 12, p-02 13, p-03 11, p-04 14, p-05 12
    assert out.loc[("lekse", "10–12"), ["enrolled", "dropped_out"]].tolist() == [3, 1]
    assert out.loc[("lekse", "13–15"), ["enrolled", "completed"]].tolist() == [2, 1]
    assert out.loc[("jobb", "20–25"), "enrolled"] == 2  # 2025 − 2005 = 20, 2025 − 2004 = 21
    # target population by age group: all of it (age 10) in 10–12, none outside
    assert out.loc[("lekse", "10–12"), "target_population"] == 1620
    assert out.loc[("lekse", "16–19"), "target_population"] == 0
    assert np.isnan(out.loc[("lekse", "16–19"), "coverage_share"])


def test_reach_by_custom_age_groups_and_unknown_birth_year(ds: pe.Dataset) -> None:
    p = ds.participants.copy()
    p.loc[0, "birth_year"] = pd.NA  # p-01 in lekse
    out = reach_by(dataclasses.replace(ds, participants=p), "age_group", age_groups=[10, 13, 16])
    assert list(out.loc["lekse"].index) == ["0–9", "10–12", "13–15", "16+", "unknown"]
    assert out.loc["lekse", "enrolled"].tolist() == [0, 2, 2, 0, 1]
    assert out.loc["jobb", "enrolled"].tolist() == [0, 0, 0, 2, 0]
    assert age_group_labels((0, 6, 7)) == ["0–5", "6", "7+"]


def test_reach_by_area_by_hand(ds: pe.Dataset) -> None:
    out = reach_by(ds, "area")
    assert list(out.loc["lekse"].index) == ["Bekkestua", "Rud", "Sandvika", "unknown"]
    assert out.loc["lekse", "enrolled"].tolist() == [2, 0, 2, 1]  # p-05 has no area
    assert out.loc["jobb", "enrolled"].tolist() == [0, 1, 1, 0]
    assert out["target_population"].isna().all()  # the table has only `all`
    areas = reach_by(with_areas(ds), "area")
    # lekse (10–15, whole municipality): Bekkestua 5, Rud 0, Sandvika 10
    assert areas.loc["lekse", "target_population"].tolist()[:3] == [5, 0, 10]
    assert areas.loc[("lekse", "Sandvika"), "target_share"] == pytest.approx(10 / 15)
    assert areas.loc[("lekse", "Sandvika"), "coverage_share"] == pytest.approx(2 / 10)
    # jobb (16–23, Sandvika;Rud): Bekkestua outside its target areas
    assert areas.loc["jobb", "target_population"].tolist()[:3] == [0, 50, 150]
    assert np.isnan(areas.loc[("jobb", "unknown"), "target_population"])


def test_reach_by_adds_up_to_reach_summary(ds: pe.Dataset) -> None:
    summary = reach_summary(ds)
    for by in BY:
        out = reach_by(ds, by)
        sums = out.groupby(level="pilot_id", sort=False)[["enrolled", "completed", "dropped_out"]].sum()
        pd.testing.assert_frame_equal(sums, summary[["enrolled", "completed", "dropped_out"]],
                                      check_names=False, check_dtype=False)
        assert out["share"].groupby(level="pilot_id", sort=False).sum().tolist() == pytest.approx([1, 1])


@pytest.mark.parametrize("bad", ["region", "Area", ""])
def test_reach_by_rejects_a_bad_by(ds: pe.Dataset, bad: str) -> None:
    with pytest.raises(pe.UsageError, match=r"area, gender, age_group") as info:
        reach_by(ds, bad)  # type: ignore[arg-type]
    assert repr(bad) in str(info.value)


@pytest.mark.parametrize("bad", [[13, 10], [], [-1, 5], ["ten"], [1.5, 3]])
def test_reach_by_rejects_bad_age_groups(ds: pe.Dataset, bad: list) -> None:
    with pytest.raises(pe.UsageError, match="age_groups"):
        reach_by(ds, "age_group", age_groups=bad)


# --- enrolment_by_month -------------------------------------------------------------------

def test_enrolment_by_month_by_hand(ds: pe.Dataset) -> None:
    out = enrolment_by_month(ds)
    lekse = out[out["pilot_id"] == "lekse"].set_index("month")
    assert len(lekse) == 23  # 2025-02 … 2026-12
    # new: Feb p-01 p-02, Mar p-03, Apr p-04, Aug p-05; exits: May p-03, Dec p-02, Jan p-05
    assert lekse.loc["2025-02-01", ["new_enrolled", "enrolled_cumulative", "active"]].tolist() == [2, 2, 2]
    assert lekse.loc["2025-05-01", ["exited", "enrolled_cumulative", "active"]].tolist() == [1, 4, 3]
    last = lekse[lekse["observed"]].iloc[-1]
    summary = reach_summary(ds).loc["lekse"]
    assert last["enrolled_cumulative"] == summary["enrolled"]
    assert last["active"] == summary["active"]
    assert last["reach_target_line"] == pytest.approx(40 * 366 / 699)
    assert lekse["reach_target_line"].iloc[-1] == pytest.approx(40)
    assert lekse.loc[~lekse["observed"], "active"].isna().all()
    assert_no_inf(out)


# --- sample data --------------------------------------------------------------------------

def test_sample_smoke(sample_ds: pe.Dataset) -> None:
    ds = sample_ds
    for when in (None, "2025-01-10", "2025-06-30"):
        view = ds if when is None else ds.as_of(when)
        out = reach_summary(view)
        assert list(out.index) == view.pilot_ids
        assert_no_inf(out)
        parts = out[["active", "completed", "dropped_out", "moved", "exited_other"]].sum(axis=1)
        assert (parts == out["enrolled"]).all()
        assert (out["overlap"] <= out["enrolled"]).all()
        for by in BY:
            split = reach_by(view, by)
            assert_no_inf(split)
            sums = split["enrolled"].groupby(level="pilot_id", sort=False).sum()
            assert sums.tolist() == out["enrolled"].tolist()
        months = enrolment_by_month(view)
        last = months[months["observed"]].groupby("pilot_id", observed=True)["enrolled_cumulative"].last()
        assert last.reindex(out.index).fillna(0).tolist() == out["enrolled"].tolist()
    # the sample's mentor pilot names areas that its population table (area `all`) lacks
    full = reach_summary(ds)
    assert full.loc["mentor", "coverage_note"] == "population_has_no_areas"
    assert full.drop(index="mentor")["target_population"].gt(0).all()
