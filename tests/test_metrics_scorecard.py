"""Tests of pilot_eval.metrics.scorecard: every threshold and rule of DESIGN §3 by hand.

One pilot of 100 days (2025-01-01 to 2025-04-10); on as_of 2025-02-19 exactly half the
period has passed (50 of 100 days), so the expected enrolment is reach_target / 2 and the
run-rate is 2 × grant_used_share. Built from tests/data/minimal with dataclasses.replace.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from types import MappingProxyType

import numpy as np
import pandas as pd
import pytest

import pilot_eval as pe
from pilot_eval.metrics.scorecard import (
    REASONS,
    RECOMMENDATIONS,
    STATUSES,
    rules_hash,
    rules_in_force,
    scorecard,
)
from pilot_eval.schema import DEFAULT_RULES
from tests.conftest import MINIMAL

BASE = pe.load_dataset(MINIMAL)
HALF = "2025-02-19"
GREEN = [3, 4, 5, 3, 4, 5, 3, 4, 5, 4]  # mean 4, CI about 3.4–4.6: above 0 and MID 2
RED = [0, 1] * 5  # mean 0.5, CI about 0.1–0.9: upper end below MID 2
YELLOW = [-2, 6] * 5  # mean 2, CI about -1–5
# A comparison group of 10 who did not change: the difference-in-differences then has the
# interval of the pilot group's changes (Welch with one group without spread), so the
# boundaries below are those of the pilot's changes, with evidence rated strong.
COMPARISON = [0.0] * 10


def dataset(*, enrolled: int = 20, reach_target: int = 40, grant: float = 100_000,
            fund: float = 50_000, changes: list[float] | None = GREEN, as_of: str = HALF,
            primary: str | None = "trivsel", measure: str = "trivsel",
            rules: dict[str, float] | None = None,
            comparison: list[float] | None = COMPARISON) -> pe.Dataset:
    pilots = BASE.pilots.iloc[:1].copy()
    pilots["start_date"] = pd.Timestamp("2025-01-01")
    pilots["end_date"] = pd.Timestamp("2025-04-10")
    pilots["grant_nok"] = float(grant)
    pilots["reach_target"] = pd.array([reach_target], dtype="Int64")
    pilots["primary_measure"] = pd.array([primary], dtype="string")
    pilots["comparison_type"] = pd.array(["matched"], dtype="string")
    ids = [f"p-{i:02d}" for i in range(enrolled)]
    participants = pd.DataFrame({
        "participant_id": ids, "pilot_id": "lekse", "enrolled_on": pd.Timestamp("2025-01-05"),
        "exited_on": pd.NaT, "exit_reason": None, "birth_year": 2012, "gender": "female",
        "area": None})
    costs = pd.DataFrame({"pilot_id": ["lekse"], "date": [pd.Timestamp("2025-01-10")],
                          "funder": ["fund"], "in_kind": pd.array([False], dtype="boolean"),
                          "amount_nok": [float(fund)], "description": ["x"]})
    rows = []
    for i, d in enumerate(changes or []):
        rows += [("lekse", f"p-{i:02d}", "pilot", measure, "baseline", "2025-01-06", 10.0),
                 ("lekse", f"p-{i:02d}", "pilot", measure, "followup", "2025-02-10", 10.0 + d)]
    for i, d in enumerate((comparison or []) if changes else []):
        rows += [("lekse", f"c-{i:02d}", "comparison", measure, "baseline", "2025-01-06", 10.0),
                 ("lekse", f"c-{i:02d}", "comparison", measure, "followup", "2025-02-10",
                  10.0 + d)]
    outcomes = pd.DataFrame(rows, columns=["pilot_id", "participant_id", "group", "measure",
                                           "timepoint", "measured_on", "value"])
    outcomes["measured_on"] = pd.to_datetime(outcomes["measured_on"])
    measures = pd.concat([BASE.measures, BASE.measures.assign(
        measure="mestring", label_nb="Mestring", label_en="Mastery", mid=3.0)],
        ignore_index=True)
    agreement = BASE.agreement
    if rules is not None:
        agreement = dataclasses.replace(
            agreement, rules=MappingProxyType({**DEFAULT_RULES, **rules}),
            rules_overridden=tuple(rules))
    return dataclasses.replace(
        BASE, agreement=agreement, pilots=pilots, participants=participants, costs=costs,
        outcomes=outcomes, measures=measures, sessions=BASE.sessions.iloc[:0],
        as_of_date=pd.Timestamp(as_of))


def card(**kw: object) -> pd.Series:
    return scorecard(dataset(**kw)).loc["lekse"]


def test_numbers_behind_the_statuses() -> None:
    row = card(enrolled=18, fund=40_000)
    assert row["state"] == "running"
    assert row["elapsed_share"] == pytest.approx(0.5)
    assert row["expected_enrolled"] == pytest.approx(20)
    assert row["reach_ratio"] == pytest.approx(18 / 20)
    assert row["grant_used_share"] == pytest.approx(0.4)
    assert row["run_rate"] == pytest.approx(0.8)
    assert row["outcome_measure"] == "trivsel" and row["outcome_measure_source"] == "primary"
    assert row["outcome_design"] == "did" and row["outcome_n"] == 10
    assert row["outcome_evidence_rating"] == "strong" and row["outcome_clears_mid"]
    assert row["outcome_min_required"] == 10
    assert row["outcome_improvement"] == pytest.approx(4.0)
    assert row["outcome_ci_low"] > 0 and row["outcome_mid"] == 2.0
    assert row["outcome_label"] == "Trivsel" and row["outcome_unit"] == "poeng"
    assert (row["reach_status"], row["cost_status"], row["outcome_status"]) == (
        "green", "green", "green")
    assert (row["recommendation"], row["recommendation_reason"]) == ("scale", "all_green")


@pytest.mark.parametrize(("enrolled", "status", "reason"), [
    (18, "green", "on_track"),  # 18 / 20 = 0.9 exactly: green (≥)
    (17, "yellow", "behind"),
    (12, "yellow", "behind"),  # 0.6 exactly: yellow
    (11, "red", "far_behind"),
    (0, "red", "far_behind"),
])
def test_reach_thresholds(enrolled: int, status: str, reason: str) -> None:
    row = card(enrolled=enrolled)
    assert (row["reach_status"], row["reach_reason"]) == (status, reason)


@pytest.mark.parametrize(("fund", "status", "reason"), [
    (55_000, "green", "on_budget"),  # run-rate 1.1 exactly: green (≤)
    (55_500, "yellow", "overspending"),
    (65_000, "yellow", "overspending"),  # 1.3 exactly: yellow
    (66_000, "red", "far_overspending"),
    (25_000, "green", "on_budget"),  # 0.5 exactly: not under-use
    (24_000, "yellow", "underspending"),
    (0, "yellow", "underspending"),  # zero fund cost
])
def test_cost_thresholds(fund: float, status: str, reason: str) -> None:
    row = card(fund=fund)
    assert (row["cost_status"], row["cost_reason"]) == (status, reason)


@pytest.mark.parametrize(("changes", "status", "reason"), [
    (GREEN, "green", "clear_improvement"),
    (RED, "red", "below_mid"),
    (YELLOW, "yellow", "uncertain"),
    ([1.5, 2.5] * 5, "green", "clear_improvement"),  # improvement 2.0 = MID, CI 1.6–2.4
    ([1.4, 2.4] * 5, "yellow", "uncertain"),  # CI 1.5–2.3 above 0, but 1.9 < MID 2
    (GREEN[:9], "grey", "too_few_measured"),  # 9 < max(10, 5)
    (None, "grey", "no_outcome_data"),
    ([2] * 10, "grey", "not_estimable"),  # everyone changed by 2: no variance
])
def test_outcome_rules(changes: list[float] | None, status: str, reason: str) -> None:
    row = card(changes=changes)
    assert (row["outcome_status"], row["outcome_reason"]) == (status, reason)


@pytest.mark.parametrize(("changes", "reason"), [
    (GREEN, "change_without_comparison"),  # clearly above the MID: capped at uncertain
    (RED, "change_without_comparison"),  # clearly below: not "weak" on before/after alone
    (YELLOW, "uncertain"),
])
def test_before_after_alone_is_never_green_or_red(changes, reason) -> None:
    row = card(changes=changes, comparison=None)
    assert (row["outcome_status"], row["outcome_reason"]) == ("yellow", reason)
    assert row["outcome_design"] == "pre_post" and row["outcome_evidence_rating"] == "weak"
    assert row["recommendation"] == "continue"  # never "scale", never "stop"


def test_minimum_applies_to_the_comparison_group_too() -> None:
    row = card(comparison=[0.0] * 9)  # 10 in the pilot group, 9 compared with
    assert (row["outcome_status"], row["outcome_reason"]) == ("grey", "too_few_measured")
    assert row["recommendation"] == "insufficient_data"


def test_weak_evidence_caps_the_outcome() -> None:
    # a clear result, but the groups differed at the start by far more than 0.25 SD
    ds = dataset()
    o = ds.outcomes.copy()
    base = (o["group"] == "comparison") & (o["timepoint"] == "baseline")
    comp = o["group"] == "comparison"
    o.loc[comp, "value"] = o.loc[comp, "value"] + np.where(
        o.loc[comp, "participant_id"].str[-1].astype(int) % 2 == 0, 4.0, 6.0)
    assert base.any()
    row = scorecard(dataclasses.replace(ds, outcomes=o)).loc["lekse"]
    assert row["outcome_evidence_rating"] == "weak"  # not comparable: two levels down
    assert (row["outcome_status"], row["outcome_reason"]) == ("yellow", "evidence_too_weak")
    assert row["recommendation"] != "scale"
    lenient = dataclasses.replace(ds, outcomes=o, agreement=dataclasses.replace(
        ds.agreement, rules=MappingProxyType({**DEFAULT_RULES, "outcome_min_evidence": 1})))
    assert scorecard(lenient).loc["lekse", "outcome_status"] == "green"


def test_missing_follow_ups_cap_the_outcome() -> None:
    # 10 of 22 pilot participants lack a follow-up that is due: 45 % > the 40 % cap
    ds = dataset(enrolled=22)
    extra = pd.DataFrame([("lekse", f"p-{i:02d}", "pilot", "trivsel", "baseline",
                           pd.Timestamp("2025-01-06"), 10.0) for i in range(10, 20)],
                         columns=ds.outcomes.columns)
    o = pd.concat([ds.outcomes.assign(participant_id=lambda f: f["participant_id"].where(
        f["group"] == "comparison", "q" + f["participant_id"].str[1:])), extra],
        ignore_index=True)
    participants = pd.concat([ds.participants, ds.participants.iloc[:10].assign(
        participant_id=[f"q-{i:02d}" for i in range(10)])], ignore_index=True)
    # the earliest follow-ups came 35 days after baseline; these baselines are 44 days old
    ds = dataclasses.replace(ds, outcomes=o, participants=participants)
    assert pe.outcome_summary(ds).loc[("lekse", "trivsel"), "attrition_due_share"] == \
        pytest.approx(10 / 20)
    row = scorecard(ds).loc["lekse"]
    assert (row["outcome_status"], row["outcome_reason"]) == ("yellow", "attrition_too_high")


def test_min_cell_size_raises_the_outcome_minimum() -> None:
    ds = dataset(changes=GREEN + [4, 4])
    ds = dataclasses.replace(ds, agreement=dataclasses.replace(ds.agreement, min_cell_size=15))
    row = scorecard(ds).loc["lekse"]
    assert row["outcome_min_required"] == 15 and row["outcome_status"] == "grey"


@pytest.mark.parametrize(("kw", "recommendation", "reason"), [
    ({}, "scale", "all_green"),
    ({"fund": 60_000}, "scale", "all_green"),  # cost yellow does not block scaling
    ({"fund": 66_000}, "adjust", "cost_red"),
    ({"enrolled": 11}, "adjust", "reach_red"),
    ({"enrolled": 11, "fund": 66_000}, "adjust", "reach_and_cost_red"),
    ({"enrolled": 15}, "continue", "not_all_green"),  # reach yellow
    ({"changes": YELLOW}, "continue", "not_all_green"),
    ({"changes": YELLOW, "enrolled": 11}, "adjust", "reach_red"),
    ({"changes": RED}, "stop", "outcome_red"),  # half the period passed: not "early"
    ({"changes": RED, "as_of": "2025-02-18"}, "adjust", "outcome_red_early"),  # 49 %
    ({"changes": GREEN[:5]}, "insufficient_data", "outcome_grey"),
    ({"changes": GREEN[:5], "enrolled": 11}, "insufficient_data", "outcome_grey"),
])
def test_recommendations(kw: dict, recommendation: str, reason: str) -> None:
    row = card(**kw)
    assert (row["recommendation"], row["recommendation_reason"]) == (recommendation, reason)


def test_not_started_is_grey_everywhere() -> None:
    row = card(as_of="2024-12-31", enrolled=0, fund=0, changes=None)
    assert row["state"] == "not_started" and row["elapsed_share"] == 0
    for dim in ("reach", "cost", "outcome"):
        assert (row[f"{dim}_status"], row[f"{dim}_reason"]) == ("grey", "not_started")
    assert (row["recommendation"], row["recommendation_reason"]) == (
        "insufficient_data", "not_started")
    assert np.isnan(row["reach_ratio"]) and np.isnan(row["run_rate"])
    assert row["outcome_mid"] == 2.0  # the measure's facts are there even without data


def test_ended_pilot_uses_the_whole_period() -> None:
    row = card(as_of="2025-06-30", enrolled=36, fund=100_000)
    assert row["state"] == "ended" and row["elapsed_share"] == 1.0
    assert row["reach_ratio"] == pytest.approx(0.9) and row["run_rate"] == pytest.approx(1.0)
    assert row["recommendation"] == "scale"


def test_no_grant_and_no_reach_target_are_grey() -> None:
    row = card(grant=0, reach_target=0)
    assert (row["cost_status"], row["cost_reason"]) == ("grey", "no_grant")
    assert (row["reach_status"], row["reach_reason"]) == ("grey", "no_reach_target")
    assert row["recommendation"] == "continue"  # outcome green, but reach not green


def test_primary_measure_without_data_is_grey_not_replaced() -> None:
    row = card(primary="mestring")  # data only for trivsel
    assert row["outcome_measure"] == "mestring"
    assert (row["outcome_status"], row["outcome_reason"]) == ("grey", "no_outcome_data")
    assert row["outcome_mid"] == 3.0 and row["outcome_label"] == "Mestring"


def test_without_primary_measure_the_first_measured_is_used() -> None:
    row = card(primary=None, measure="mestring")
    assert row["outcome_measure"] == "mestring"
    assert row["outcome_measure_source"] == "first_measured"
    row = card(primary=None, changes=None)
    assert pd.isna(row["outcome_measure"]) and row["outcome_reason"] == "no_outcome_data"


def test_no_participants_at_all() -> None:
    row = card(enrolled=0, changes=None)
    assert row["reach_status"] == "red" and row["outcome_status"] == "grey"
    assert row["recommendation"] == "insufficient_data"



def test_few_enrolled_early_in_the_period_is_not_yet_weak() -> None:
    """A month or two in, recruiting has hardly begun and the ratio rests on a handful of
    people: far behind is yellow before reach_red_after_elapsed, red from then on."""
    early = card(enrolled=2, as_of="2025-01-20")
    assert early["elapsed_share"] < 0.25 and early["reach_ratio"] < 0.6
    assert (early["reach_status"], early["reach_reason"]) == ("yellow", "far_behind_early")
    assert card(enrolled=0, as_of="2025-01-20")["reach_reason"] == "far_behind_early"
    # what is not far behind stays what it was
    assert card(as_of="2025-01-20")["reach_reason"] in ("on_track", "behind")
    # the rule is the agreement's: 0 judges every share of the period as it is
    assert card(enrolled=2, as_of="2025-01-20",
                rules={"reach_red_after_elapsed": 0})["reach_status"] == "red"
    later = card(enrolled=11)  # half the period: far behind is weak
    assert (later["reach_status"], later["reach_reason"]) == ("red", "far_behind")

def test_fast_spending_early_in_the_period_is_judged_against_a_quarter() -> None:
    """30 % of the grant spent a fifth of the way in (run-rate 1.5) is what a start-up cost
    paid up front looks like: yellow before cost_red_after_elapsed, as long as it is not
    too much even against a quarter of the period (30 % / 25 % = 1.2 ≤ 1.3)."""
    early = card(fund=30_000, as_of="2025-01-20")
    assert early["elapsed_share"] < 0.25 and early["run_rate"] > 1.3
    assert (early["cost_status"], early["cost_reason"]) == ("yellow", "far_overspending_early")
    # 32.5 % against a quarter is 1.3 exactly: still yellow (≤); 33 % is red at once
    assert card(fund=32_500, as_of="2025-01-20")["cost_reason"] == "far_overspending_early"
    assert card(fund=33_000, as_of="2025-01-20")["cost_reason"] == "far_overspending"
    # more than the whole grant early is red, whatever the share of the period
    assert card(fund=120_000, as_of="2025-01-20")["cost_status"] == "red"
    # the rule is the agreement's: at 0.1 the fifth of the period counts as it is
    assert card(fund=30_000, as_of="2025-01-20",
                rules={"cost_red_after_elapsed": 0.1})["cost_status"] == "red"
    assert card(fund=30_000, as_of="2025-01-20",
                rules={"cost_red_after_elapsed": 0})["cost_status"] == "red"
    later = card(fund=66_000)  # half the period: the run-rate is judged as it is
    assert (later["cost_status"], later["cost_reason"]) == ("red", "far_overspending")
    # only fast spending is held back: a slow start stays what it was
    assert card(fund=1_000, as_of="2025-01-20")["cost_reason"] == "underspending"


def test_rules_are_read_from_the_agreement() -> None:
    row = card(enrolled=17, rules={"reach_green": 0.8, "outcome_min_n": 12})
    assert row["reach_status"] == "green"
    assert row["outcome_status"] == "grey" and row["outcome_min_required"] == 12


def test_values_are_known_keys_and_columns_typed() -> None:
    out = pd.concat([scorecard(dataset(**kw)) for kw in (
        {}, {"changes": RED}, {"as_of": "2024-12-01"}, {"grant": 0}, {"fund": 66_000})])
    for dim in ("reach", "cost", "outcome"):
        assert set(out[f"{dim}_status"]) <= set(STATUSES)
        assert set(out[f"{dim}_reason"]) <= set(REASONS[f"{dim}_reason"])
    assert set(out["recommendation"]) <= set(RECOMMENDATIONS)
    assert set(out["recommendation_reason"]) <= set(REASONS["recommendation_reason"])
    assert not np.isinf(out.select_dtypes("number").to_numpy(dtype=float)).any()


def test_sample_fixture_runs_and_no_pilots() -> None:
    out = scorecard(BASE)
    assert list(out.index) == ["lekse", "jobb"]
    empty = scorecard(dataclasses.replace(BASE, pilots=BASE.pilots.iloc[:0]))
    assert empty.empty and "recommendation" in empty.columns


# --------------------------------------------------------------------------- rules


def test_rules_in_force_and_hash() -> None:
    ds = dataset(rules={"reach_green": 0.8})
    table = rules_in_force(ds)
    assert list(table.index) == list(DEFAULT_RULES)
    assert table.loc["reach_green", "value"] == 0.8 and table.loc["reach_green", "default"] == 0.9
    assert table.loc["reach_green", "overridden"]
    assert not table.loc["cost_green", "overridden"]
    assert table["description_en"].notna().all()
    canonical = json.dumps({k: float(v) for k, v in {**DEFAULT_RULES, "reach_green": 0.8}.items()},
                           sort_keys=True, separators=(",", ":"))
    assert rules_hash(ds) == hashlib.sha256(canonical.encode()).hexdigest()
    assert rules_hash(ds) != rules_hash(BASE)
    # 10 and 10.0 are the same rule
    assert rules_hash(dataset(rules={"outcome_min_n": 10})) == rules_hash(BASE)
    assert len(rules_hash(BASE)) == 64
