"""The evidence rating's rules at their boundaries (metrics/evidence.py).

Each rule is tested on both sides of its threshold with everything else clean, so a rule
that stops firing, fires too early or costs the wrong number of levels fails here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pilot_eval.metrics import evidence
from pilot_eval.schema import DEFAULT_RULES


def _facts(**changes: object) -> pd.DataFrame:
    """One clean comparison-group result (rated strong), with ``changes`` applied."""
    row: dict[str, object] = {
        "design": "did", "n_pilot": 40, "n_comparison": 40, "attrition_due_share": 0.05,
        "overall_attrition": 0.05, "differential_attrition": 0.0, "baseline_std_diff": 0.0,
        "rtm_expected_improvement": np.nan, "mid": 2.0, "ceiling_share": 0.0,
        "n_clusters": np.nan, "estimate": 1.0, "comparison_type": "matched",
    }
    row.update(changes)
    return pd.DataFrame([row])


def _rate(min_cell_size: int = 5, rules: dict | None = None, **changes: object) -> pd.Series:
    return evidence.rate_outcomes(_facts(**changes), rules or {},
                                  min_cell_size=min_cell_size).iloc[0]


def test_clean_designs_start_at_their_level():
    assert _rate()["evidence_rating"] == "strong"
    assert _rate(design="pre_post", n_comparison=0, overall_attrition=0.05,
                 differential_attrition=np.nan)["evidence_rating"] == "weak"
    assert pd.isna(_rate()["evidence_reasons"])


def test_no_estimate_has_no_rating():
    r = _rate(estimate=np.nan)
    assert pd.isna(r["evidence_level"]) and pd.isna(r["evidence_rating"])


@pytest.mark.parametrize(("n_pilot", "n_comparison", "min_cell_size", "rating"), [
    (10, 10, 5, "strong"),      # exactly the minimum (outcome_min_n = 10) in each group
    (10, 9, 5, "very_weak"),    # the comparison group below it
    (9, 40, 5, "very_weak"),    # the pilot group below it
    (12, 12, 12, "strong"),     # min_cell_size above outcome_min_n raises the minimum
    (12, 11, 12, "very_weak"),
])
def test_minimum_applies_to_each_group(n_pilot, n_comparison, min_cell_size, rating):
    r = _rate(min_cell_size, n_pilot=n_pilot, n_comparison=n_comparison)
    assert r["evidence_rating"] == rating
    assert ("too_few" in str(r["evidence_reasons"])) == (rating == "very_weak")


@pytest.mark.parametrize(("overall", "differential", "low"), [
    (0.00, 0.057, True), (0.00, 0.058, False),   # WWC 4.1 Table II.1, cautious, row 0 %
    (0.30, 0.041, True), (0.30, 0.042, False),   # row 30 %: 4.1 points
    (0.57, 0.000, True), (0.58, 0.000, False),   # from 58 % overall, always high
    (np.nan, 0.0, False),
])
def test_wwc_cautious_boundary(overall, differential, low):
    assert evidence.wwc_low_attrition([overall], [differential]).tolist() == [low]


def test_high_attrition_costs_two_levels_with_a_comparison_group():
    # WWC: high attrition leaves a comparison that no longer supports a causal reading
    r = _rate(overall_attrition=0.30, differential_attrition=0.10)
    assert r["evidence_rating"] == "weak" and r["evidence_reasons"] == "attrition_high"


@pytest.mark.parametrize(("share", "rating"), [(0.20, "weak"), (0.21, "very_weak")])
def test_one_group_attrition_threshold(share, rating):
    r = _rate(design="pre_post", n_comparison=0, attrition_due_share=share,
              overall_attrition=share, differential_attrition=np.nan)
    assert r["evidence_rating"] == rating


@pytest.mark.parametrize(("n_comparison", "rating"), [(20, "strong"), (19, "moderate")])
def test_small_comparison_group(n_comparison, rating):
    assert _rate(n_comparison=n_comparison)["evidence_rating"] == rating


@pytest.mark.parametrize(("diff", "rating"), [(0.25, "strong"), (-0.26, "weak")])
def test_baseline_imbalance(diff, rating):
    # beyond the WWC's 0.25 SD the groups are not comparable: two levels
    assert _rate(baseline_std_diff=diff)["evidence_rating"] == rating


@pytest.mark.parametrize(("rtm", "rating"), [(0.99, "weak"), (1.0, "very_weak"),
                                             (-3.0, "weak")])
def test_regression_to_the_mean_before_after(rtm, rating):
    # 0.5 x MID (2) = 1.0 is the threshold; regression *away* from a gain never lowers it
    r = _rate(design="pre_post", n_comparison=0, differential_attrition=np.nan,
              rtm_expected_improvement=rtm)
    assert r["evidence_rating"] == rating


def test_regression_to_the_mean_towards_the_comparison_group():
    # a pilot group picked for low scores moves towards the comparison group's mean by itself
    r = _rate(rtm_expected_improvement=1.0, baseline_std_diff=-0.2)
    assert r["evidence_rating"] == "moderate" and r["evidence_reasons"] == "regression_to_mean"
    assert _rate(rtm_expected_improvement=0.9)["evidence_rating"] == "strong"


@pytest.mark.parametrize(("share", "rating"), [(0.15, "strong"), (0.16, "moderate")])
def test_ceiling(share, rating):
    assert _rate(ceiling_share=share)["evidence_rating"] == rating


@pytest.mark.parametrize(("clusters", "rating"), [(10, "strong"), (9, "moderate"),
                                                  (np.nan, "strong")])
def test_few_clusters(clusters, rating):
    assert _rate(n_clusters=clusters)["evidence_rating"] == rating


def test_concerns_add_up_and_stop_at_very_weak():
    r = _rate(n_comparison=15, baseline_std_diff=0.5, ceiling_share=0.5, n_clusters=4)
    assert r["evidence_rating"] == "very_weak"
    assert r["evidence_reasons"] == "comparison_small;baseline_imbalance;ceiling;few_clusters"


def test_thresholds_come_from_the_rules():
    strict = {"evidence_imbalance_max": 0.1}
    assert _rate(rules=strict, baseline_std_diff=0.2)["evidence_rating"] == "weak"
    assert _rate(baseline_std_diff=0.2)["evidence_rating"] == "strong"
    assert set(evidence.EVIDENCE_REASONS) >= {r.reason for r in evidence.EVIDENCE_RULES}
    for rule in evidence.EVIDENCE_RULES:
        assert rule.threshold is None or rule.threshold in DEFAULT_RULES


def test_series_rating():
    facts = pd.DataFrame({"n_pre": [24, 23, 24, 24], "level_change": [0.1, 0.1, 0.1, np.nan],
                          "autocorrelated": [False, False, True, False],
                          "pre_trend_break": [False, False, True, False]})
    out = evidence.rate_series(facts)
    assert out["evidence_rating"].tolist()[:3] == ["moderate", "weak", "very_weak"]
    assert pd.isna(out["evidence_rating"].iloc[3])


@pytest.mark.parametrize(("kind", "rating"), [("randomised", "strong"), ("matched", "strong"),
                                              ("other", "moderate"), (None, "moderate")])
def test_comparison_group_formed_by_lot_or_matching(kind, rating):
    r = _rate(comparison_type=kind)
    assert r["evidence_rating"] == rating
    assert ("comparison_unmatched" in str(r["evidence_reasons"])) == (rating == "moderate")
