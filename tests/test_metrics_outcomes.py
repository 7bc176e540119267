"""Tests of pilot_eval.metrics.outcomes on small hand-computed data.

Datasets are the minimal fixture (tests/data/minimal) with tables replaced through
``dataclasses.replace``; every expected number is worked out in the test from the raw
values with the textbook formula (mean, SD, t quantile), not by calling the code under test.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

import pilot_eval as pe
from pilot_eval import stats
from pilot_eval.errors import UsageError
from pilot_eval.metrics.outcomes import (
    OUTCOME_NOTES,
    its_fit,
    its_summary,
    outcome_changes,
    outcome_summary,
)
from tests._helpers import obs
from tests.conftest import MINIMAL

BASE = pe.load_dataset(MINIMAL)


def measures(**over: object) -> pd.DataFrame:
    """Two measures: trivsel (higher is better) and fravaer (lower is better)."""
    m = pd.DataFrame({
        "measure": ["trivsel", "fravaer"], "label_nb": ["Trivsel", "Fravær"],
        "label_en": ["Well-being", "Absence"], "unit": ["poeng", "dager"],
        "higher_is_better": pd.array([True, False], dtype="boolean"),
        "scale_min": [0.0, 0.0], "scale_max": [40.0, 100.0], "mid": [2.0, 2.0],
        "reliability": [0.85, np.nan], "sd_reference": [6.0, np.nan],
        "success_threshold": [20.0, 10.0],
    })
    for k, v in over.items():
        m[k] = v
    return m


def people(rows: list[tuple[str, str, str | None, str | None]]) -> pd.DataFrame:
    """Participants from (participant_id, pilot_id, exited_on, exit_reason)."""
    return pd.DataFrame({
        "participant_id": [r[0] for r in rows], "pilot_id": [r[1] for r in rows],
        "enrolled_on": pd.Timestamp("2025-02-10"),
        "exited_on": pd.to_datetime([r[2] for r in rows]),
        "exit_reason": [r[3] for r in rows], "birth_year": 2012, "gender": "female",
        "area": None,
    })


def dataset(*frames: pd.DataFrame, participants: pd.DataFrame | None = None,
            measures_: pd.DataFrame | None = None, **tables: object) -> pe.Dataset:
    outcomes = pd.concat(frames, ignore_index=True) if frames else BASE.outcomes.iloc[:0]
    return dataclasses.replace(
        BASE, outcomes=outcomes,
        participants=participants if participants is not None else BASE.participants,
        measures=measures_ if measures_ is not None else measures(), **tables)


PRE = {"p-1": (10, 13), "p-2": (12, 14), "p-3": (14, 18), "p-4": (16, 24)}
PRE_PEOPLE = people([("p-1", "lekse", None, None), ("p-2", "lekse", None, None),
                     ("p-3", "lekse", None, None), ("p-4", "lekse", None, None),
                     ("p-5", "lekse", None, None), ("p-6", "lekse", "2025-05-01", "dropped_out")])


def t_interval(d: list[float], alpha: float = 0.05) -> tuple[float, float, float]:
    d_arr = np.asarray(d, dtype=float)
    n = len(d_arr)
    se = d_arr.std(ddof=1) / math.sqrt(n)
    q = sps.t.ppf(1 - alpha / 2, n - 1)
    return d_arr.mean(), d_arr.mean() - q * se, d_arr.mean() + q * se


# --------------------------------------------------------------------------- pre-post


def test_pre_post_by_hand() -> None:
    values = {**PRE, "p-5": (15, None), "p-6": (11, None)}
    ds = dataset(obs("lekse", "pilot", "trivsel", values), participants=PRE_PEOPLE)
    row = outcome_summary(ds).loc[("lekse", "trivsel")]
    changes = [3, 2, 4, 8]
    mean, lo, hi = t_interval(changes)
    assert row["design"] == "pre_post"
    assert row["n_pilot"] == 4 and row["n_comparison"] == 0
    assert row["n_baseline"] == 6 and row["n_missing_followup"] == 2
    assert row["n_missing_followup_active"] == 1  # p-5 still enrolled, p-6 dropped out
    assert row["attrition_share"] == pytest.approx(2 / 6)
    assert row["baseline_mean"] == pytest.approx(13.0)
    assert row["followup_mean"] == pytest.approx(17.25)
    assert row["estimate"] == pytest.approx(4.25)
    assert row["ci_low"] == pytest.approx(lo) and row["ci_high"] == pytest.approx(hi)
    assert row["improvement"] == pytest.approx(4.25)
    assert (row["improvement_ci_low"], row["improvement_ci_high"]) == pytest.approx((lo, hi))
    assert bool(row["meets_mid"]) is True
    # Hedges' g_av: mean change / mean of the two SDs × J(2n - 2)
    sd_av = (np.std([10, 12, 14, 16], ddof=1) + np.std([13, 14, 18, 24], ddof=1)) / 2
    assert row["effect_size"] == pytest.approx(4.25 / sd_av * (1 - 3 / (4 * 6 - 1)))
    # Jacobson-Truax: SE_diff = 6·√2·√0.15 = 3.286; only the change of 8 exceeds 1.96·SE_diff
    assert 1.96 * 6 * math.sqrt(2 * 0.15) == pytest.approx(6.441, abs=1e-3)
    assert row["share_reliably_improved"] == pytest.approx(0.25)
    assert row["share_reliably_deteriorated"] == 0.0
    assert row["rci_sd"] == 6.0
    # MDE: paired design, n = 4, SD of the changes
    sd_change = np.std(changes, ddof=1)
    assert row["mde_sd"] == pytest.approx(sd_change)
    assert row["mde"] == pytest.approx(stats.min_detectable_effect(4, sd_change))
    assert row["label"] == "Trivsel" and row["label_en"] == "Well-being"
    assert row["unit"] == "poeng" and row["mid"] == 2.0
    assert pd.isna(row["note"])


def test_lower_is_better_flips_sign_and_interval() -> None:
    values = {"p-1": (10, 8), "p-2": (12, 11), "p-3": (9, 6)}
    ds = dataset(obs("lekse", "pilot", "fravaer", values), participants=PRE_PEOPLE)
    row = outcome_summary(ds).loc[("lekse", "fravaer")]
    mean, lo, hi = t_interval([-2, -1, -3])
    assert row["estimate"] == pytest.approx(-2.0)
    assert row["improvement"] == pytest.approx(2.0)
    assert row["improvement_ci_low"] == pytest.approx(-hi)
    assert row["improvement_ci_high"] == pytest.approx(-lo)
    assert bool(row["meets_mid"]) is True
    assert not row["higher_is_better"]
    # no reliability: no reliable change; no sd_reference and no comparison group: no SD to
    # judge reliable change by (the pilot's own, screened baselines would be too narrow)
    assert math.isnan(row["share_reliably_improved"])
    assert math.isnan(row["rci_sd"]) and pd.isna(row["rci_sd_source"])


def test_language_picks_label() -> None:
    ds = dataset(obs("lekse", "pilot", "trivsel", PRE), participants=PRE_PEOPLE)
    ds = dataclasses.replace(ds, agreement=dataclasses.replace(ds.agreement, language="en"))
    assert outcome_summary(ds).loc[("lekse", "trivsel"), "label"] == "Well-being"


# --------------------------------------------------------------------------- DiD


def test_did_by_hand() -> None:
    pilot = {"p-1": (10, 13), "p-2": (12, 14), "p-3": (14, 18)}
    comp = {"c-1": (11, 12), "c-2": (13, 13), "c-3": (12, 14), "c-4": (15, None)}
    ds = dataset(obs("lekse", "pilot", "trivsel", pilot),
                 obs("lekse", "comparison", "trivsel", comp), participants=PRE_PEOPLE)
    row = outcome_summary(ds).loc[("lekse", "trivsel")]
    assert row["design"] == "did"
    assert row["n_pilot"] == 3 and row["n_comparison"] == 3
    # (mean change pilot) - (mean change comparison) = 3 - 1
    assert row["estimate"] == pytest.approx(2.0)
    assert row["comparison_baseline_mean"] == pytest.approx(12.0)
    assert row["comparison_followup_mean"] == pytest.approx(13.0)
    # CR2 errors clustered on the person: for people measured twice this is Welch's test on
    # the changes (HC2 = Welch's SE, Imbens & Kolesar 2016; here the Bell-McCaffrey df are
    # Welch's 4 too), not CR1 with G - 1 df, which over-states certainty with small groups
    welch = stats.two_group(np.array([3.0, 2.0, 4.0]), np.array([1.0, 0.0, 2.0]))
    assert row["se"] == pytest.approx(welch.se)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((welch.ci_low, welch.ci_high))
    assert "CR2" in row["method"]
    assert math.isnan(row["effect_size"])
    # MDE: two groups of the harmonic mean size 3, pooled SD of the changes
    pooled = math.sqrt((2 * np.var([3, 2, 4], ddof=1) + 2 * np.var([1, 0, 2], ddof=1)) / 4)
    assert row["mde_sd"] == pytest.approx(pooled)
    assert row["mde"] == pytest.approx(stats.min_detectable_effect(3, pooled, paired=False))


def test_comparison_without_followup_falls_back_to_pre_post() -> None:
    comp = {"c-1": (11, None), "c-2": (13, None)}
    ds = dataset(obs("lekse", "pilot", "trivsel", PRE),
                 obs("lekse", "comparison", "trivsel", comp), participants=PRE_PEOPLE)
    row = outcome_summary(ds).loc[("lekse", "trivsel")]
    assert row["design"] == "pre_post"
    assert row["note"] == "comparison_without_followup"
    assert row["estimate"] == pytest.approx(4.25)


def test_one_comparison_person_is_not_enough() -> None:
    comp = {"c-1": (11, 12)}
    ds = dataset(obs("lekse", "pilot", "trivsel", PRE),
                 obs("lekse", "comparison", "trivsel", comp), participants=PRE_PEOPLE)
    row = outcome_summary(ds).loc[("lekse", "trivsel")]
    assert row["design"] == "did" and row["n_comparison"] == 1
    assert row["note"] == "too_few_comparison"
    assert math.isnan(row["estimate"]) and math.isnan(row["ci_low"]) and math.isnan(row["mde"])
    assert pd.isna(row["meets_mid"])


def test_only_comparison_data() -> None:
    comp = {"c-1": (11, 12), "c-2": (13, 15)}
    ds = dataset(obs("lekse", "comparison", "trivsel", comp), participants=PRE_PEOPLE)
    row = outcome_summary(ds).loc[("lekse", "trivsel")]
    assert row["n_pilot"] == 0
    assert "no_pilot_data" in row["note"]
    assert math.isnan(row["estimate"])


# --------------------------------------------------------------------------- edge cases


def test_no_outcomes_gives_empty_typed_frame() -> None:
    out = outcome_summary(dataset())
    assert out.empty and list(out.index.names) == ["pilot_id", "measure"]
    assert "improvement" in out.columns and out["n_pilot"].dtype == "int64"
    assert outcome_changes(dataset()).empty


def test_no_participants() -> None:
    ds = dataclasses.replace(BASE, participants=BASE.participants.iloc[:0],
                             outcomes=BASE.outcomes.iloc[:0], sessions=BASE.sessions.iloc[:0])
    assert outcome_summary(ds).empty


def test_no_followup_yet() -> None:
    values = {"p-1": (10, None), "p-2": (12, None)}
    ds = dataset(obs("lekse", "pilot", "trivsel", values), participants=PRE_PEOPLE)
    row = outcome_summary(ds).loc[("lekse", "trivsel")]
    assert row["note"] == "no_followup"
    assert row["n_pilot"] == 0 and row["attrition_share"] == 1.0
    assert row["n_missing_followup_active"] == 2
    for col in ("estimate", "ci_low", "ci_high", "improvement", "mde", "share_reliably_improved"):
        assert math.isnan(row[col])


def test_all_dropped_out() -> None:
    gone = people([("p-1", "lekse", "2025-04-01", "dropped_out"),
                   ("p-2", "lekse", "2025-04-01", "dropped_out")])
    values = {"p-1": (10, None), "p-2": (12, None)}
    row = outcome_summary(dataset(obs("lekse", "pilot", "trivsel", values), participants=gone)
                          ).loc[("lekse", "trivsel")]
    assert row["attrition_share"] == 1.0 and row["n_missing_followup_active"] == 0
    assert row["note"] == "no_followup"


def test_one_participant() -> None:
    ds = dataset(obs("lekse", "pilot", "trivsel", {"p-1": (10, 13)}), participants=PRE_PEOPLE)
    row = outcome_summary(ds).loc[("lekse", "trivsel")]
    assert row["n_pilot"] == 1 and row["note"] == "too_few"
    assert math.isnan(row["estimate"]) and math.isnan(row["mde"])
    assert row["baseline_mean"] == 10.0  # descriptive numbers are still there
    assert row["share_reliably_improved"] == 0.0


def test_identical_changes_are_not_estimable() -> None:
    values = {"p-1": (10, 12), "p-2": (12, 14), "p-3": (9, 11)}
    row = outcome_summary(dataset(obs("lekse", "pilot", "trivsel", values),
                                  participants=PRE_PEOPLE)).loc[("lekse", "trivsel")]
    assert row["note"] == "not_estimable"
    assert math.isnan(row["estimate"]) and "same amount" in row["method"]


def test_notes_are_documented_and_no_inf() -> None:
    frames = [obs("lekse", "pilot", "trivsel", {"p-1": (10, 13)}),
              obs("lekse", "pilot", "fravaer", {"p-1": (10, None)}),
              obs("jobb", "comparison", "trivsel", {"c-1": (1, 2)})]
    out = outcome_summary(dataset(*frames, participants=PRE_PEOPLE))
    keys = {k for note in out["note"].dropna() for k in note.split(";")}
    assert keys <= set(OUTCOME_NOTES)
    numbers = out.select_dtypes("number").to_numpy(dtype=float)
    assert not np.isinf(numbers).any()


def test_order_follows_pilots_then_measures() -> None:
    frames = [obs("jobb", "pilot", "trivsel", PRE), obs("lekse", "pilot", "fravaer", PRE),
              obs("lekse", "pilot", "trivsel", PRE)]
    out = outcome_summary(dataset(*frames, participants=PRE_PEOPLE))
    assert list(out.index) == [("lekse", "trivsel"), ("lekse", "fravaer"), ("jobb", "trivsel")]


def test_outcome_changes_has_no_ids() -> None:
    values = {**PRE, "p-5": (15, None)}
    ds = dataset(obs("lekse", "pilot", "fravaer", values), participants=PRE_PEOPLE)
    ch = outcome_changes(ds)
    assert "participant_id" not in ch.columns
    assert len(ch) == 5 and ch["both"].sum() == 4
    assert sorted(ch["change"].dropna()) == [2, 3, 4, 8]
    assert sorted(ch["improvement"].dropna()) == [-8, -4, -3, -2]  # lower is better


def test_minimal_fixture() -> None:
    ds = pe.load_dataset(MINIMAL)
    out = outcome_summary(ds)
    assert list(out.index) == [("lekse", "trivsel")]
    assert out.loc[("lekse", "trivsel"), "note"] == "too_few_comparison"


def test_bad_alpha_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        outcome_summary(BASE, alpha=1.5)


# --------------------------------------------------------------------------- ITS


def series_frame(rr: float, months: int = 48, start: str = "2022-01", change: int = 30,
                 pilot: str = "lekse") -> pd.DataFrame:
    """Counts exactly on the model (rounded): log mu = log 1000 + log 0.05 + 0.002 t + season."""
    month = pd.date_range(start, periods=months, freq="MS")
    t = np.arange(months)
    season = 0.1 * np.sin(2 * np.pi * month.month / 12)
    mu = 1000 * 0.05 * np.exp(0.002 * t + season + np.log(rr) * (t >= change))
    return pd.DataFrame({"series": "meldinger", "pilot_id": pilot, "month": month,
                         "value": np.round(mu), "population": 1000.0})


def test_its_recovers_the_level_change() -> None:
    ind = series_frame(0.8, change=37)  # pilot lekse starts 2025-02-01, month 37 from 0
    ds = dataclasses.replace(BASE, indicators=ind)
    row = its_summary(ds).loc[("lekse", "meldinger")]
    assert row["design"] == "its" and row["exposure"] == "population"
    assert row["n_months"] == 48 and row["n_pre"] == 37 and row["n_post"] == 11
    assert row["change_month"] == pd.Timestamp("2025-02-01")
    assert row["level_rr"] == pytest.approx(0.8, abs=0.02)
    assert row["level_rr_ci_low"] < 0.8 < row["level_rr_ci_high"]
    assert row["level_rr"] == pytest.approx(math.exp(row["level_change"]))
    res = its_fit(ds, "meldinger")
    assert res.predictions.index[0] == pd.Timestamp("2022-01-01")
    assert {"fitted", "counterfactual", "observed_rate"} <= set(res.predictions.columns)
    # the counterfactual continues the pre-period: after the change, fitted ≈ 0.8 × it
    post = res.predictions[res.predictions["post"] == 1]
    assert (post["fitted"] / post["counterfactual"]).to_numpy() == pytest.approx(row["level_rr"])


def test_its_without_post_period_and_without_population() -> None:
    ind = series_frame(1.0, months=24, start="2022-01").assign(population=np.nan)
    ds = dataclasses.replace(BASE, indicators=ind)
    row = its_summary(ds).loc[("lekse", "meldinger")]
    assert row["note"] == "no_post_period" and row["n_post"] == 0
    assert math.isnan(row["level_rr"]) and pd.isna(row["exposure"])


def test_its_unknown_series_and_empty() -> None:
    with pytest.raises(UsageError, match="Unknown indicator series"):
        its_fit(BASE, "nope")
    out = its_summary(BASE)
    assert out.empty and list(out.index.names) == ["pilot_id", "series"]


def test_its_bend_candidates_and_a_drop_that_an_old_bend_explains() -> None:
    from pilot_eval.metrics import outcomes as mod

    # 2019-01 … 2026-06 (90 months), pilot lekse starts 2025-02 (month 73)
    month = pd.date_range("2019-01", periods=90, freq="MS")
    t = np.arange(90.0)
    frame = pd.DataFrame({"time": t, "post": (t >= 73).astype(float)})
    # every 6 months from 24 before the start back to 12 after the first month
    assert mod._bend_months(frame, 24) == [13.0, 19.0, 25.0, 31.0, 37.0, 43.0, 49.0]
    assert mod._bend_months(frame.assign(post=0.0), 24) == []
    # exact counts with a trend that turned down 24 months before the start, no change at it
    mu = 50 * np.exp(0.1 * np.sin(2 * np.pi * month.month / 12)
                     - 0.012 * np.maximum(t - 49, 0))
    ind = pd.DataFrame({"series": "meldinger", "pilot_id": "lekse", "month": month,
                        "value": np.round(mu), "population": 1000.0})
    ds = dataclasses.replace(BASE, indicators=ind)
    row = its_summary(ds).loc[("lekse", "meldinger")]
    straight = stats.its(mod._series_frame(ds, "meldinger")[0], outcome="value", time="time",
                         post="post", family="poisson", exposure="population",
                         seasonality="month_of_year").level_change
    assert straight.ci_high < 0  # a straight trend, independent months: the bend is a "drop"
    clear = row["level_change_ci_high"] < 0 or row["level_change_ci_low"] > 0
    assert not (clear and row["evidence_rating"] == "moderate")  # no sentence states it
    assert row["cov_type"] == "ar1_noise"
    # the check itself: a clear change from the main fit that a bend at month 49 explains
    frame = mod._series_frame(ds, "meldinger")[0]
    fake = dataclasses.replace(straight)  # clear, below 0
    fit = stats.its(frame, outcome="value", time="time", post="post", family="poisson",
                    exposure="population", seasonality="month_of_year")
    fit = dataclasses.replace(fit, level_change=fake)
    assert not mod._bend_agrees(frame, fit, 24, 0.05)
    unclear = dataclasses.replace(fit, level_change=dataclasses.replace(fake, ci_high=0.01))
    assert mod._bend_agrees(frame, unclear, 24, 0.05)  # nothing to survive


def test_its_bend_refits_are_cold_fits_latest_month_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # _bend_agrees refits the series at each candidate month from the one nearest the start
    # back and stops at the first that makes the change unclear; each refit is the plain
    # fit (no warm start from the main fit: see test_stats, a bent fit can have two optima)
    from pilot_eval.metrics import outcomes as mod
    from tests.conftest import DATA

    frame = mod._series_frame(pe.load_dataset(DATA / "doctest_small"), "meldinger")[0]
    fit = mod._its_on(frame, 0.05)
    assert fit.level_change.ci_high < 0  # clear: the check refits
    months = mod._bend_months(frame, 24)
    real, seen = mod._its_on, []

    def spy(frame: pd.DataFrame, alpha: float, bends: list[float] | None = None) -> object:
        seen.append((bends, real(frame, alpha, bends)))
        return seen[-1][1]

    monkeypatch.setattr(mod, "_its_on", spy)
    agrees = mod._bend_agrees(frame, fit, 24, 0.05)
    assert [b for b, _ in seen] == [[c] for c in reversed(months)]  # all agree: all tried
    kw = {"outcome": "value", "time": "time", "post": "post", "family": "poisson",
          "exposure": "population", "seasonality": "month_of_year", "errors": "ar1_noise"}
    verdicts = []
    for bends, res in seen:
        cold = stats.its(frame, **kw, bends=bends).level_change
        lc = res.level_change
        assert (lc.estimate, lc.se, lc.ci_low, lc.ci_high, lc.df) == (
            cold.estimate, cold.se, cold.ci_low, cold.ci_high, cold.df)
        verdicts.append(cold.ci_high < 0)
    assert agrees == all(verdicts) and agrees
    # a drop that a bend 24 months before the start explains (the fixture of the test
    # above): the latest month is tried first and settles it, one refit
    month = pd.date_range("2019-01", periods=90, freq="MS")
    t = np.arange(90.0)
    mu = 50 * np.exp(0.1 * np.sin(2 * np.pi * month.month / 12) - 0.012 * np.maximum(t - 49, 0))
    ind = pd.DataFrame({"series": "meldinger", "pilot_id": "lekse", "month": month,
                        "value": np.round(mu), "population": 1000.0})
    frame = mod._series_frame(dataclasses.replace(BASE, indicators=ind), "meldinger")[0]
    clear = dataclasses.replace(fit, level_change=dataclasses.replace(
        fit.level_change, ci_low=-0.3, ci_high=-0.1))
    seen.clear()
    assert not mod._bend_agrees(frame, clear, 24, 0.05)
    assert [b for b, _ in seen] == [[49.0]]
