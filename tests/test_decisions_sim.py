"""Verdicts no stronger than their evidence: a small, seeded decision simulation (issue 9).

Each test runs a few dozen simulated pilots of one scenario of ``tests/_scenarios.py``
through ``outcome_summary`` → ``scorecard`` (→ ``value_for_money``, the indicator sentence)
and fails when the verdicts overclaim: "god" or "Skalere" for a pilot that does nothing, an
interval that misses the truth far more often than 5 %, a clear change of a municipal
indicator that did not change, social value from measurement noise. The full study with
hundreds of replications is ``benchmarks/decisions.py``.

Bounds. With m replications and a true error rate p, the count of errors is binomial(m, p);
each bound is one that an implementation meeting the issue's targets passes with margin:

* "god" / "Skalere" under a null (and "Avslutte" on a tiny comparison group): at most 10 %
  (3 of 30, 4 of 40). A before/after result is capped by rule (p = 0). With a comparison
  group "god" needs the estimate at or above the MID (3 points, about 2 standard errors
  here) and its interval above 0, so p is about 0.01–0.02: the test then fails with
  probability 0.3 % or less (it would be 5–6 % if p were exactly the 5 % target);
* "god" for a true effect of half the MID seen through selective drop-out (40 %): at most
  20 % (6 of 30); the issue's attrition cap makes it 0;
* intervals (95 %): misses at most 17.5 % (5 of 30, 7 of 40), failed with probability
  0.3 % / 0.07 % at a miss rate of 0.05 and 1.6 % / 0.6 % at 0.07;
* social value under the null: above 0 in at most 70 % of 30 runs (net crossings are above
  0 in under half), failed with probability under 1 % at 0.5;
* a real effect of twice the MID with 60 + 60 people is "god" in at least 60 % of 15 runs
  (power about 0.9 or more: failed with probability 0.03 %), the guard against capping
  everything; likewise a 25 % drop of an indicator (AR(1) 0.3) is stated as a clear change
  in at least 6 of 15 series (power about 0.8: failed with probability under 0.1 %).
* the indicator's "clear change" sentence under a null: at most 10 % (4 of 40).

The seeds are fixed, so a result never changes between runs of the same code. Replications
are shared between tests of the same scenario (cached), to keep the module cheap.
"""

from __future__ import annotations

import functools
import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pilot_eval as pe
from pilot_eval.metrics import its_summary
from tests import _scenarios as sc

SEED = 9


@functools.cache
def _case(key: str) -> sc.Case:
    found = [c for c in sc.cases() if c.key == key]
    assert found, f"no case {key!r}"
    return found[0]


@functools.cache
def _summary(key: str, reps: int, value: bool = False) -> dict[str, object]:
    case = _case(key)
    return sc.summarise(case, sc.run(case, reps, SEED, value=value))


def _miss(s: dict[str, object]) -> float:
    """Share of replications whose interval leaves out the truth (no interval: no miss)."""
    return float(s["estimable"]) * (1.0 - float(s["coverage"]))


# --------------------------------------------------------------------------- null effect


#: Scenario variant → replications (tests of one variant share them).
REPS = {
    "pre_post_drift_screening n=60": 30,  # regression to the mean + drift, before/after
    "did_screened_pilot 60+60, pilot screened below 42": 30,  # … towards the comparison
    "dropout_mnar pre_post n=50 effect=1.5": 30,  # the least improved do not answer
    "dropout_mnar did n=50 effect=1.5": 30,  # … in the pilot group only
    "clustered 4+4 schools, ICC 0.24": 40,
    "tiny_comparison 30 vs 2": 30,
    "did_clean 30+30, 10 % MCAR": 30,
    "pre_post_clean n=30, 10 % MCAR": 30,
    "rct_like_real_effect 60+60 effect=6": 15,
    "its_pretrend_break slope change −0.01/month from 2023": 40,
    "its_pretrend_break slope change −0.005/month from 2023": 40,
    "its_ar1 AR(1) 0.5, no effect": 40,
    "its_ar1 AR(1) 0.7, no effect": 40,
    "its_effect rate ratio 0.75, AR(1) 0.3": 15,
}
#: Variants whose value for money is scored too (the slowest step).
VALUED = {"pre_post_clean n=30, 10 % MCAR"}


def _result(key: str) -> dict[str, object]:
    return _summary(key, REPS[key], key in VALUED)


@pytest.mark.parametrize("key", [
    "pre_post_drift_screening n=60",
    "did_screened_pilot 60+60, pilot screened below 42",
    "clustered 4+4 schools, ICC 0.24",
    "tiny_comparison 30 vs 2",
    "did_clean 30+30, 10 % MCAR",
    "pre_post_clean n=30, 10 % MCAR",
])
def test_no_god_or_scale_for_a_pilot_that_does_nothing(key: str) -> None:
    s = _result(key)
    assert s["god"] <= 0.10 and s["scale"] <= 0.10, (
        f"{key}: true effect 0, yet outcome 'god' in {s['god']:.0%} and 'Skalere' in "
        f"{s['scale']:.0%} of {s['reps']} simulated pilots (mean estimate "
        f"{s['mean_est']:+.2f})")


@pytest.mark.parametrize("key", ["dropout_mnar pre_post n=50 effect=1.5",
                                 "dropout_mnar did n=50 effect=1.5"])
def test_no_god_for_an_effect_below_the_mid_seen_through_selective_dropout(key: str) -> None:
    # true effect half the MID, 40 % of follow-ups missing, most among the least improved:
    # those who answer overstate it by about 1.5 points. The issue caps the outcome status
    # above an attrition threshold, and 40 % is above every published boundary, so the
    # share should be 0; at most 20 % (6 of 30) leaves room for a milder rule
    s = _result(key)
    assert s["god"] <= 0.20, (
        f"{key}: true effect {s['truth']:g} (half the MID), yet 'god' in {s['god']:.0%} "
        f"of {s['reps']} pilots (mean estimate {s['mean_est']:+.2f})")


def test_no_stop_on_a_confident_interval_from_a_tiny_comparison_group() -> None:
    # 30 participants against 2 comparison people: the interval must own its uncertainty
    s = _result("tiny_comparison 30 vs 2")
    assert s["stop"] <= 0.10, f"'Avslutte' in {s['stop']:.0%} of pilots with no effect"


# --------------------------------------------------------------------------- intervals


@pytest.mark.parametrize("key", [
    "tiny_comparison 30 vs 2",
    "clustered 4+4 schools, ICC 0.24",
    "did_clean 30+30, 10 % MCAR",
    "pre_post_clean n=30, 10 % MCAR",
])
def test_intervals_cover_the_true_effect(key: str) -> None:
    s = _result(key)
    assert _miss(s) <= 0.175, (
        f"{key}: the 95 % interval misses the true effect in {_miss(s):.0%} of "
        f"{s['reps']} pilots")


# --------------------------------------------------------------------------- time series


@pytest.mark.parametrize("key", [
    "its_pretrend_break slope change −0.01/month from 2023",  # no effect at the pilot's start
    "its_pretrend_break slope change −0.005/month from 2023",  # too mild for the break test
    "its_ar1 AR(1) 0.5, no effect",
    "its_ar1 AR(1) 0.7, no effect",
])
def test_no_clear_change_of_an_indicator_that_did_not_change(key: str) -> None:
    s = _result(key)
    assert s["claim"] <= 0.10, (
        f"{key}: the summary states a clear change in {s['claim']:.0%} of {s['reps']} series")


@pytest.mark.parametrize("key", ["its_ar1 AR(1) 0.5, no effect", "its_ar1 AR(1) 0.7, no effect"])
def test_indicator_intervals_cover_with_correlated_months(key: str) -> None:
    # independent-month errors (even Newey-West) missed the truth in about 20 % at AR(1) 0.5
    s = _result(key)
    assert _miss(s) <= 0.175, (
        f"{key}: the level change's 95 % interval misses 0 in {_miss(s):.0%} of "
        f"{s['reps']} series")


def test_a_real_change_of_an_indicator_is_still_found() -> None:
    # a quarter fewer events from the pilot's start, AR(1) 0.3: stated in about 80 % of
    # series (benchmarks/decisions.py); at least 6 of 15 guards against withholding all
    s = _result("its_effect rate ratio 0.75, AR(1) 0.3")
    assert s["claim"] >= 0.4, f"a 25 % drop is stated as a clear change in {s['claim']:.0%}"


# --------------------------------------------------------------------------- value for money


def test_no_social_value_from_measurement_noise() -> None:
    # no effect, no trend: net threshold crossings are as often down as up
    s = _result("pre_post_clean n=30, 10 % MCAR")
    assert s["sv_pos"] <= 0.7, (
        f"social value above 0 in {s['sv_pos']:.0%} of {s['reps']} pilots that do nothing "
        f"(mean {s['sv_mean']:,.0f} kr)")


# --------------------------------------------------------------------------- a real effect


def test_a_real_effect_is_still_found() -> None:
    # the guard against capping everything: twice the MID, 60 + 60 with a comparison group
    s = _result("rct_like_real_effect 60+60 effect=6")
    assert s["god"] >= 0.6, f"a true effect of 2 × MID is 'god' in only {s['god']:.0%}"


# --------------------------------------------------------------------------- the harness


def test_screening_and_drift_give_the_regression_to_the_mean_the_notes_derive() -> None:
    # 20 000 children: enrolled below 45 at screening from N(50, 10²), transient share 0.2,
    # drift 1: change = 0.2 × (50 − E[S | S < 45]) + 1 = 0.2 × 11.41 + 1 = 3.28, effect 0
    arm = sc._people(np.random.default_rng(1), 20_000, state=0.2, drift=1.0,
                     screen_below=45.0)
    z = 0.5
    mills = math.exp(-z * z / 2) / math.sqrt(2 * math.pi) / (0.5 * math.erfc(z / math.sqrt(2)))
    expected = 0.2 * 10 * mills + 1.0
    assert np.mean(arm.followup - arm.baseline) == pytest.approx(expected, abs=0.15)


def test_dropout_removes_the_least_improved() -> None:
    rng = np.random.default_rng(2)
    full = sc._people(rng, 20_000)
    arm = sc._drop_least_improved(rng, full, 0.4)
    missing = np.isnan(arm.followup)
    change = full.followup - full.baseline
    assert missing.mean() == pytest.approx(0.4, abs=0.02)
    # the answering people's change is biased upwards by about 0.235 SD of the change
    bias = change[~missing].mean() - change.mean()
    assert bias == pytest.approx(0.235 * change.std(), abs=0.1)


@pytest.mark.parametrize("key", ["dropout_mnar did n=20 effect=0",
                                 "clustered 4+4 schools, ICC 0.07",
                                 "its_ar1 AR(1) 0.5, no effect"])
def test_in_memory_dataset_is_what_the_loader_gives(key: str) -> None:
    case = _case(key)
    tables: dict[str, pd.DataFrame] = {}
    build = sc.build_dataset
    try:
        sc.build_dataset = lambda t: (tables.update(t), build(t))[1]
        ds = case.make(np.random.default_rng(3))
    finally:
        sc.build_dataset = build
    with tempfile.TemporaryDirectory() as tmp:
        disk = pe.load_dataset(sc.write_folder(tables, Path(tmp) / "d"), as_of=ds.as_of_date)
    assert not (disk.warnings["severity"] == "error").any()
    if case.kind == "its":
        pd.testing.assert_frame_equal(its_summary(ds), its_summary(disk))
        return
    summary = pe.outcome_summary(ds)
    pd.testing.assert_frame_equal(summary, pe.outcome_summary(disk))
    # the shortcut the harness takes (the reports' path) gives the public tables
    pd.testing.assert_frame_equal(sc._scorecard(ds, summary), pe.scorecard(disk))
    pd.testing.assert_frame_equal(sc._value_for_money(ds, summary), pe.value_for_money(disk))
    card = pe.scorecard(ds).iloc[0]
    assert (card["reach_status"], card["cost_status"]) == ("green", "green")
