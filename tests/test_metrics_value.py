"""Tests of pilot_eval.metrics.value on small hand-computed data.

The minimal fixture (tests/data/minimal) with outcomes, costs, measures and valuation
replaced; every expected number is computed in the test from DESIGN §3's formulas.
"""

from __future__ import annotations

import dataclasses
import math
from types import MappingProxyType

import numpy as np
import pandas as pd
import pytest

import pilot_eval as pe
from pilot_eval.metrics.value import (
    SENSITIVITY_ASSUMPTIONS,
    VALUE_FIGURE_KINDS,
    VALUE_NOTES,
    sensitivity,
    value_for_money,
    value_for_money_by_pilot,
)
from tests._helpers import obs
from tests.conftest import MINIMAL

BASE = pe.load_dataset(MINIMAL)  # lekse: 2025-02-01 – 2026-12-31; as_of 2026-02-01
R = 0.04  # the agreement's default discount rate
TFC = 0.20  # and tax-financing cost

MEASURES = pd.DataFrame({
    "measure": ["trivsel", "fravaer", "mestring"], "label_nb": ["Trivsel", "Fravær", "Mestring"],
    "label_en": ["Well-being", "Absence", "Mastery"], "unit": ["poeng", "dager", "poeng"],
    "higher_is_better": pd.array([True, False, True], dtype="boolean"),
    "scale_min": [0.0, 0.0, 0.0], "scale_max": [40.0, 100.0, 40.0], "mid": [2.0, 2.0, 2.0],
    "reliability": [0.85, 0.8, 0.8], "sd_reference": [6.0, 5.0, 5.0],
    "success_threshold": [20.0, np.nan, np.nan],
})


def valuation(*rows: tuple) -> pd.DataFrame:
    cols = ["measure", "basis", "value_nok", "deadweight", "attribution", "displacement",
            "drop_off", "duration_years"]
    v = pd.DataFrame(list(rows), columns=cols)
    v["duration_years"] = v["duration_years"].astype("Int64")
    return v.assign(source="test", confidence="low")


TRIVSEL = ("trivsel", "per_success", 10_000.0, 0.25, 0.2, 0.1, 0.5, 3)
FRAVAER = ("fravaer", "per_unit", 1_000.0, 0.2, 0.25, 0.0, 0.3, 2)


def costs(fund: float = 100_000, municipality: float = 20_000, ferd: float = 30_000,
          pilot: str = "lekse") -> pd.DataFrame:
    c = pd.DataFrame({
        "pilot_id": pilot, "date": pd.Timestamp("2025-03-01"),
        "funder": ["fund", "municipality", "ferd"], "in_kind": [False, True, False],
        "amount_nok": [fund, municipality, ferd], "description": "x"})
    c["in_kind"] = c["in_kind"].astype("boolean")
    return c


# 5 people; threshold 20 (higher is better): 10→21, 12→22, 16→20, 18→24 succeed, 14→15 not
PILOT = {"p-1": (10, 21), "p-2": (12, 22), "p-3": (14, 15), "p-4": (16, 20), "p-5": (18, 24)}


# The hand-computed cases measure a handful of people: the minimum for a value is lowered
# to 3 here (test_no_value_below_the_minimum keeps the defaults).
FEW = dataclasses.replace(BASE.agreement, min_cell_size=3, rules=MappingProxyType(
    {**BASE.agreement.rules, "outcome_min_n": 1}))


def dataset(*frames: pd.DataFrame, valuation_: pd.DataFrame | None = None,
            costs_: pd.DataFrame | None = None, as_of: str = "2026-03-02",
            agreement: pe.Agreement | None = None) -> pe.Dataset:
    return dataclasses.replace(
        BASE, agreement=agreement or FEW, outcomes=pd.concat(frames, ignore_index=True),
        measures=MEASURES,
        valuation=valuation_ if valuation_ is not None else valuation(TRIVSEL, FRAVAER),
        costs=costs_ if costs_ is not None else costs(), as_of_date=pd.Timestamp(as_of))


def pv_factor(drop_off: float, years: int, r: float = R) -> float:
    """Σ (1 − δ)^(t−1) / (1 + r)^t, discounted from the follow-ups to the base year."""
    return sum((1 - drop_off) ** (t - 1) / (1 + r) ** t
               for t in range(1, years + 1)) * (1 + r) ** -T_BENEFIT


# Everything is discounted to the agreement's start, 2025-01-01 (R-109: one base year): the
# costs are paid on 2025-03-01, the follow-ups (tests._helpers.obs) taken on 2025-09-01.
T_COST = 59 / 365.25
T_BENEFIT = 243 / 365.25
COST = (150_000 + TFC * 120_000) * (1 + R) ** -T_COST  # 174 000 at the base year


def test_per_success_pre_post_by_hand() -> None:
    row = value_for_money(dataset(obs("lekse", "pilot", "trivsel", PILOT))).loc[
        ("lekse", "trivsel")]
    assert row["design"] == "pre_post" and bool(row["deadweight_applied"])
    assert row["n_measured"] == 5 and row["successes"] == 4
    assert row["success_rate_pilot"] == pytest.approx(0.8)
    assert math.isnan(row["success_rate_comparison"])
    q = 4 * (1 - 0.25)  # deadweight
    assert row["quantity_net_of_counterfactual"] == pytest.approx(q)
    a = q * (1 - 0.2) * (1 - 0.1)  # attribution, displacement → 2.16
    assert row["attributable_successes"] == pytest.approx(2.16)
    assert math.isnan(row["attributable_units"])
    v = a * 10_000
    assert row["annual_value_nok"] == pytest.approx(v)
    f = (1 / 1.04 + 0.5 / 1.04**2 + 0.25 / 1.04**3) * 1.04 ** -T_BENEFIT
    assert row["benefit_years_from_base"] == pytest.approx(T_BENEFIT)
    assert row["pv_factor"] == pytest.approx(f)
    assert row["social_value_pv_nok"] == pytest.approx(v * f)
    assert row["total_cost_nok"] == 150_000 and row["public_cost_nok"] == 120_000
    assert row["cost_years_from_base"] == pytest.approx(T_COST)
    assert row["cost_for_ratio_nok"] == pytest.approx(COST)
    assert row["net_value_nok"] == pytest.approx(v * f - COST)
    assert row["benefit_cost_ratio"] == pytest.approx(v * f / COST)
    assert row["break_even_value_nok"] == pytest.approx(COST / (a * f))
    # observed: follow-up 2025-09-01, as_of 2026-03-02 (before the pilot's end): 182 days
    share = 182 / 365.25
    assert row["observed_share_of_year1"] == pytest.approx(share)
    assert row["observed_value_nok"] == pytest.approx(v / 1.04 * share * 1.04 ** -T_BENEFIT)
    assert row["observed_value_nok"] + row["projected_value_nok"] == pytest.approx(v * f)
    assert row["label"] == "Trivsel" and row["confidence"] == "low"
    assert row["note"] == "net_crossings;change_not_effect"


def test_break_even_value_gives_zero_net_value() -> None:
    ds = dataset(obs("lekse", "pilot", "trivsel", PILOT))
    be = value_for_money(ds).loc[("lekse", "trivsel"), "break_even_value_nok"]
    v = valuation(("trivsel", "per_success", be, 0.25, 0.2, 0.1, 0.5, 3))
    net = value_for_money(dataclasses.replace(ds, valuation=v)).loc[("lekse", "trivsel"),
                                                                      "net_value_nok"]
    assert net == pytest.approx(0.0, abs=1e-6)


def test_per_success_with_comparison_group_skips_deadweight() -> None:
    comp = {"c-1": (10, 21), "c-2": (12, 12), "c-3": (14, 15), "c-4": (15, 16)}  # 1 of 4
    ds = dataset(obs("lekse", "pilot", "trivsel", PILOT), obs("lekse", "comparison", "trivsel", comp))
    row = value_for_money(ds).loc[("lekse", "trivsel")]
    assert row["design"] == "did" and not bool(row["deadweight_applied"])
    assert row["success_rate_comparison"] == pytest.approx(0.25)
    q = 5 * (0.8 - 0.25)  # n_measured × (rate_pilot − rate_comparison) = 2.75
    assert row["quantity_net_of_counterfactual"] == pytest.approx(q)
    assert row["attributable_successes"] == pytest.approx(q * 0.8 * 0.9)


def test_per_unit_by_hand_lower_is_better() -> None:
    values = {"p-1": (10, 8), "p-2": (12, 11), "p-3": (9, 6)}  # 2 fewer days on average
    row = value_for_money(dataset(obs("lekse", "pilot", "fravaer", values))).loc[
        ("lekse", "fravaer")]
    assert row["improvement"] == pytest.approx(2.0)
    q = 2.0 * 3 * (1 - 0.2)
    assert row["quantity_net_of_counterfactual"] == pytest.approx(q)
    assert row["attributable_units"] == pytest.approx(q * 0.75)
    assert math.isnan(row["successes"]) or row["basis"] == "per_unit"
    v = q * 0.75 * 1000
    assert row["social_value_pv_nok"] == pytest.approx(
        v * (1 / 1.04 + 0.7 / 1.04**2) * 1.04 ** -T_BENEFIT)


def test_negative_effect_gives_negative_value() -> None:
    values = {f"p-{i}": (8 + i % 3, 10 + i % 3 + i % 2) for i in range(12)}  # absence went up
    row = value_for_money(dataset(obs("lekse", "pilot", "fravaer", values))).loc[
        ("lekse", "fravaer")]
    assert row["social_value_pv_nok"] < 0 and row["benefit_cost_ratio"] < 0
    assert row["social_value_pv_high_nok"] < 0  # the whole interval: harm, said as harm
    assert math.isnan(row["break_even_value_nok"])
    assert row["note"] == "negative_effect;change_not_effect"


def test_a_negative_estimate_whose_interval_reaches_zero_is_not_called_harm() -> None:
    """Three people, absence up by 2, 1 and 3 hours: the estimate is negative, but its
    interval reaches above zero, so the note says the sign cannot be told."""
    values = {"p-1": (8, 10), "p-2": (11, 12), "p-3": (6, 9)}
    row = value_for_money(dataset(obs("lekse", "pilot", "fravaer", values))).loc[
        ("lekse", "fravaer")]
    assert row["social_value_pv_nok"] < 0 < row["social_value_pv_high_nok"]
    assert row["note"] == "negative_estimate;change_not_effect"


def test_measure_without_valuation_is_absent() -> None:
    values = {"p-1": (10, 12), "p-2": (12, 15), "p-3": (9, 10)}
    ds = dataset(obs("lekse", "pilot", "trivsel", PILOT), obs("lekse", "pilot", "mestring", values))
    out = value_for_money(ds)
    assert ("lekse", "mestring") not in out.index and ("lekse", "trivsel") in out.index


def test_no_valuation_table_or_no_outcomes() -> None:
    empty = value_for_money(dataset(obs("lekse", "pilot", "trivsel", PILOT),
                                    valuation_=valuation()))
    assert empty.empty and list(empty.index.names) == ["pilot_id", "measure"]
    assert "benefit_cost_ratio" in empty.columns
    ds = dataclasses.replace(BASE, outcomes=BASE.outcomes.iloc[:0],
                             valuation=valuation(TRIVSEL))
    assert value_for_money(ds).empty and sensitivity(ds).empty
    assert value_for_money_by_pilot(ds).empty


def test_zero_cost_gives_nan_ratio_not_inf() -> None:
    ds = dataset(obs("lekse", "pilot", "trivsel", PILOT), costs_=costs(0, 0, 0))
    row = value_for_money(ds).loc[("lekse", "trivsel")]
    assert row["cost_for_ratio_nok"] == 0 and math.isnan(row["benefit_cost_ratio"])
    assert row["net_value_nok"] == pytest.approx(row["social_value_pv_nok"])
    assert "no_cost" in row["note"]
    s = sensitivity(ds)
    assert s[["ratio_low", "ratio_high", "ratio_base"]].isna().all().all()


def test_no_cost_lines_for_the_pilot() -> None:
    ds = dataset(obs("lekse", "pilot", "trivsel", PILOT), costs_=costs(pilot="jobb"))
    row = value_for_money(ds).loc[("lekse", "trivsel")]
    assert row["total_cost_nok"] == 0 and math.isnan(row["benefit_cost_ratio"])


def test_outcome_not_estimable_and_no_threshold_give_nan_with_note() -> None:
    one = value_for_money(dataset(obs("lekse", "pilot", "trivsel", {"p-1": (10, 21)})))
    row = one.loc[("lekse", "trivsel")]
    assert math.isnan(row["social_value_pv_nok"]) and "outcome_not_estimated" in row["note"]
    no_thr = valuation(("fravaer", "per_success", 1000.0, 0.2, 0.2, 0.0, 0.3, 2))
    values = {"p-1": (10, 8), "p-2": (12, 11), "p-3": (9, 6)}
    row = value_for_money(dataset(obs("lekse", "pilot", "fravaer", values),
                                  valuation_=no_thr)).loc[("lekse", "fravaer")]
    assert math.isnan(row["social_value_pv_nok"]) and row["note"].startswith("no_success_threshold")


def test_no_followup_yet() -> None:
    values = {"p-1": (10, None), "p-2": (12, None)}
    row = value_for_money(dataset(obs("lekse", "pilot", "trivsel", values))).loc[
        ("lekse", "trivsel")]
    assert row["n_measured"] == 0 and math.isnan(row["social_value_pv_nok"])
    assert not np.isinf(value_for_money(dataset(obs("lekse", "pilot", "trivsel", values)))
                        .select_dtypes("number").to_numpy(dtype=float)).any()


def test_observed_part_stops_at_the_pilot_end() -> None:
    # as_of after the pilot's end (2026-12-31): follow-up 2026-07-01 → 183 days observed
    ds = dataset(obs("lekse", "pilot", "trivsel", PILOT, followup_on="2026-07-01"),
                 as_of="2027-06-30")
    row = value_for_money(ds).loc[("lekse", "trivsel")]
    assert row["observed_share_of_year1"] == pytest.approx(183 / 365.25)


def test_notes_and_kinds_are_documented() -> None:
    ds = dataset(obs("lekse", "pilot", "trivsel", PILOT))
    out = value_for_money(ds)
    assert set(VALUE_FIGURE_KINDS) <= set(out.columns)
    assert set(VALUE_FIGURE_KINDS.values()) <= {"observed", "projected", "observed+projected",
                                               "assumption", "derived"}
    assert out.loc[("lekse", "trivsel"), "note"] is pd.NA or set(
        out["note"].dropna().str.split(";").sum()) <= set(VALUE_NOTES)
    assert "few_measured" in VALUE_NOTES


def test_by_pilot_adds_measures_and_counts_cost_once() -> None:
    values = {"p-1": (10, 8), "p-2": (12, 11), "p-3": (9, 6)}
    ds = dataset(obs("lekse", "pilot", "trivsel", PILOT), obs("lekse", "pilot", "fravaer", values))
    per = value_for_money(ds)
    tot = value_for_money_by_pilot(ds).loc["lekse"]
    assert tot["n_measures"] == 2 and tot["measures"] == "trivsel;fravaer"
    assert tot["social_value_pv_nok"] == pytest.approx(per["social_value_pv_nok"].sum())
    assert tot["observed_value_nok"] + tot["projected_value_nok"] == pytest.approx(
        tot["social_value_pv_nok"])
    assert tot["cost_for_ratio_nok"] == pytest.approx(COST)
    assert tot["benefit_cost_ratio"] == pytest.approx(per["social_value_pv_nok"].sum() / COST)
    assert tot["note"] == "may_double_count"


def test_by_pilot_leaves_out_unvalued_measures() -> None:
    ds = dataset(obs("lekse", "pilot", "trivsel", PILOT),
                 obs("lekse", "pilot", "fravaer", {"p-1": (10, 8)}))
    tot = value_for_money_by_pilot(ds).loc["lekse"]
    assert tot["n_measures"] == 1 and tot["note"] == "some_measures_not_valued"


# --------------------------------------------------------------------------- sensitivity


def test_sensitivity_one_at_a_time() -> None:
    comp = {"c-1": (10, 21), "c-2": (12, 12), "c-3": (14, 15), "c-4": (15, 16)}
    v = valuation(("trivsel", "per_success", 10_000.0, 0.05, 0.2, 0.95, 0.5, 3))
    ds = dataset(obs("lekse", "pilot", "trivsel", PILOT), valuation_=v)
    s = sensitivity(ds).set_index("assumption")
    assert list(s.index) == list(SENSITIVITY_ASSUMPTIONS)
    base = value_for_money(ds).loc[("lekse", "trivsel"), "benefit_cost_ratio"]
    assert (s["ratio_base"] == base).all()
    assert s.loc["value_nok", "ratio_low"] == pytest.approx(0.5 * base)
    assert s.loc["value_nok", "ratio_high"] == pytest.approx(1.5 * base)
    # deadweight 0.05 − 0.10 is clipped to 0; displacement 0.95 + 0.10 to 1 (no value left)
    assert s.loc["deadweight", "low_value"] == 0.0
    assert s.loc["deadweight", "ratio_low"] == pytest.approx(base / 0.95)
    assert s.loc["displacement", "high_value"] == 1.0 and s.loc["displacement", "ratio_high"] == 0
    assert s.loc["attribution", "ratio_high"] == pytest.approx(base * 0.7 / 0.8)
    f = pv_factor(0.5, 3)
    assert s.loc["duration_years", ["low_value", "high_value"]].tolist() == [1, 5]
    assert s.loc["duration_years", "ratio_low"] == pytest.approx(base * pv_factor(0.5, 1) / f)
    assert s.loc["duration_years", "ratio_high"] == pytest.approx(base * pv_factor(0.5, 5) / f)
    assert s.loc["drop_off", "ratio_high"] == pytest.approx(base * pv_factor(0.6, 3) / f)
    # the discount rate moves the cost's discounting to the base year as well
    cost_at = {r: 1.04 ** -T_COST / (1 + r) ** -T_COST for r in (0.02, 0.06)}
    assert s.loc["discount_rate", "ratio_low"] == pytest.approx(
        base * pv_factor(0.5, 3, 0.02) / f * cost_at[0.02])
    assert s.loc["discount_rate", "ratio_high"] < base < s.loc["discount_rate", "ratio_low"]
    assert s["applied"].all()
    # with a comparison group deadweight is not used: the ratio does not move
    ds2 = dataset(obs("lekse", "pilot", "trivsel", PILOT), obs("lekse", "comparison", "trivsel", comp),
                  valuation_=v)
    s2 = sensitivity(ds2).set_index("assumption")
    assert not s2.loc["deadweight", "applied"]
    assert s2.loc["deadweight", "ratio_low"] == s2.loc["deadweight", "ratio_high"] == \
        s2.loc["deadweight", "ratio_base"]


def test_metric_tables_share_the_value_computation_and_match_each_function() -> None:
    comp = {"c-1": (10, 21), "c-2": (12, 12), "c-3": (14, 15), "c-4": (15, 16)}
    ds = dataset(obs("lekse", "pilot", "trivsel", PILOT), obs("lekse", "comparison", "trivsel", comp),
                 obs("lekse", "pilot", "fravaer", {"p-1": (10, 6), "p-2": (8, 5), "p-3": (12, 12)}))
    tables = pe.metrics.metric_tables(ds)
    pd.testing.assert_frame_equal(tables["outcomes"], pe.metrics.outcome_summary(ds))
    pd.testing.assert_frame_equal(tables["value_for_money"], value_for_money(ds))
    pd.testing.assert_frame_equal(tables["value_by_pilot"], value_for_money_by_pilot(ds))
    pd.testing.assert_frame_equal(tables["sensitivity"], sensitivity(ds))
    assert len(tables["value_for_money"]) == 2 and len(tables["sensitivity"]) == 14


# --------------------------------------------------------------------------- issue #5


def test_before_after_counts_net_crossings() -> None:
    # 4 cross 20 upwards, 2 cross it downwards (21→19, 25→18): net 2 successes
    people = {**PILOT, "p-6": (21, 19), "p-7": (25, 18)}
    row = value_for_money(dataset(obs("lekse", "pilot", "trivsel", people))).loc[
        ("lekse", "trivsel")]
    assert row["successes"] == 4 and row["reversals"] == 2 and row["net_successes"] == 2
    assert row["quantity_net_of_counterfactual"] == pytest.approx(2 * (1 - 0.25))
    assert "net_crossings" in row["note"] and "change_not_effect" in row["note"]


def test_value_range_carries_the_outcome_interval() -> None:
    # net crossing score per person: +1 four times, 0 once -> mean 0.8, sd 0.447, t(4)
    row = value_for_money(dataset(obs("lekse", "pilot", "trivsel", PILOT))).loc[
        ("lekse", "trivsel")]
    x = np.array([1, 1, 0, 1, 1], dtype=float)
    half = 2.7764451051977987 * x.std(ddof=1) / math.sqrt(5)  # t(0.975, 4)
    assert row["quantity_ci_low"] == pytest.approx(5 * (0.8 - half) * (1 - 0.25))
    assert row["quantity_ci_high"] == pytest.approx(5 * (0.8 + half) * (1 - 0.25))
    per_success = row["social_value_pv_nok"] / row["quantity_net_of_counterfactual"]
    assert row["social_value_pv_low_nok"] == pytest.approx(row["quantity_ci_low"] * per_success)
    assert row["benefit_cost_ratio_low"] < row["benefit_cost_ratio"] < row[
        "benefit_cost_ratio_high"]
    # per unit: the improvement's own interval times the people measured
    values = {"p-1": (10, 8), "p-2": (12, 11), "p-3": (9, 6)}
    unit = value_for_money(dataset(obs("lekse", "pilot", "fravaer", values))).loc[
        ("lekse", "fravaer")]
    summary = pe.outcome_summary(dataset(obs("lekse", "pilot", "fravaer", values))).loc[
        ("lekse", "fravaer")]
    assert unit["quantity_ci_low"] == pytest.approx(3 * summary["improvement_ci_low"] * 0.8)
    assert unit["quantity_ci_high"] == pytest.approx(3 * summary["improvement_ci_high"] * 0.8)


def test_no_value_below_the_minimum() -> None:
    # the agreement's defaults: max(outcome_min_n 10, min_cell_size) people in each group
    row = value_for_money(dataset(obs("lekse", "pilot", "trivsel", PILOT),
                                  agreement=BASE.agreement)).loc[("lekse", "trivsel")]
    assert row["note"].startswith("few_measured")
    for col in ("social_value_pv_nok", "social_value_pv_low_nok", "benefit_cost_ratio",
                "benefit_cost_ratio_high", "net_value_nok"):
        assert math.isnan(row[col]), col
    assert sensitivity(dataset(obs("lekse", "pilot", "trivsel", PILOT),
                               agreement=BASE.agreement))["ratio_base"].isna().all()


def test_noise_alone_yields_no_value() -> None:
    """With no effect and no trend, 60 measured people yielded about 108 000 kr of value
    above zero in every run when only upward crossings counted (issue #5)."""
    rng = np.random.default_rng(0)
    values = []
    for _ in range(40):
        true = rng.normal(20, 4, 60)
        people = {f"p-{i}": (round(b, 1), round(f, 1)) for i, (b, f) in enumerate(
            zip(true + rng.normal(0, 2, 60), true + rng.normal(0, 2, 60), strict=True))}
        ds = dataset(obs("lekse", "pilot", "trivsel", people), agreement=BASE.agreement)
        values.append(value_for_money(ds).loc[("lekse", "trivsel"), "social_value_pv_nok"])
    values = np.array(values)
    assert abs(values.mean()) < 3 * values.std(ddof=1) / math.sqrt(len(values))
    assert 0.2 < (values > 0).mean() < 0.8
