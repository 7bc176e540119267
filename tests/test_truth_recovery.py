"""The outcome estimators recover the known truth of the synthetic sample data.

``data/sample/truth.json`` (written by :mod:`pilot_eval.sample`) holds the true effects.
Which truth each design estimates:

* ``did`` (pilots with a comparison group) estimates ``true_effect``: the secular trend the
  generator adds to pilot and comparison alike cancels out.
* ``pre_post`` estimates ``true_effect`` + ``secular_trend`` (``expected_pre_post_change``).
  The generator puts a trend only where there is a comparison group, so on the pilots that
  are analysed pre-post the trend is 0 and the truth is ``true_effect``. On the other pilots
  the pre-post estimate (comparison rows removed) is checked against effect + trend, and is
  shown to miss the true effect where the trend is large (the "pre-post overstates it"
  story).
* ``its`` estimates the log level rate ratio; its interval, exponentiated, must contain
  the true rate ratio.

Values are rounded to whole points and clipped to the scale, so the estimand is not exactly
the nominal effect where clipping bites (school absence near 0 days: about 0.1-0.2 days
towards 0, see benchmarks/coverage.py); the single-sample intervals are far wider than that.

A multi-seed check (20 datasets generated in memory) asserts a loose band around 95 %
coverage; the precise coverage study with 200+ datasets is benchmarks/coverage.py.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from types import MappingProxyType

import pandas as pd
import pytest

import pilot_eval as pe
from pilot_eval import sample
from pilot_eval.dataset import TABLE_ORDER, Agreement
from pilot_eval.metrics.outcomes import its_summary, outcome_summary
from pilot_eval.schema import DEFAULT_RULES

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "data" / "sample"
MIN_N = 10  # "enough data": the scorecard's default minimum


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/sample when it is there, else a freshly generated copy (default seed)."""
    if (SAMPLE / "truth.json").is_file():
        return SAMPLE
    return sample.write(sample.generate(), tmp_path_factory.mktemp("sample") / "sample")


@pytest.fixture(scope="module")
def loaded(sample_dir: Path) -> tuple[pe.Dataset, dict]:
    truth = json.loads((sample_dir / "truth.json").read_text(encoding="utf-8"))
    return pe.load_dataset(sample_dir), truth


def effects(truth: dict) -> dict[tuple[str, str], dict]:
    return {(e["pilot_id"], e["measure"]): e for e in truth["effects"]}


def test_every_estimate_covers_its_truth(loaded: tuple[pe.Dataset, dict]) -> None:
    ds, truth = loaded
    summary = outcome_summary(ds)
    checked = 0
    for key, t in effects(truth).items():
        row = summary.loc[key]
        assert row["design"] == t["design"], key
        if row["n_pilot"] < MIN_N:
            continue
        target = t["true_effect"] if row["design"] == "did" else t["expected_pre_post_change"]
        assert row["ci_low"] <= target <= row["ci_high"], (key, target, row["ci_low"],
                                                          row["ci_high"])
        # improvement is the same, signed so that positive is better
        sign = 1 if row["higher_is_better"] else -1
        assert row["improvement_ci_low"] <= sign * target <= row["improvement_ci_high"]
        checked += 1
    assert checked >= 5


def test_pre_post_estimates_effect_plus_trend(loaded: tuple[pe.Dataset, dict]) -> None:
    ds, truth = loaded
    pilot_only = dataclasses.replace(ds, outcomes=ds.outcomes[ds.outcomes["group"] == "pilot"])
    summary = outcome_summary(pilot_only)
    missed = 0
    for key, t in effects(truth).items():
        if t["design"] != "did":
            continue
        row = summary.loc[key]
        assert row["design"] == "pre_post"
        assert row["ci_low"] <= t["expected_pre_post_change"] <= row["ci_high"], key
        missed += not (row["ci_low"] <= t["true_effect"] <= row["ci_high"])
    assert missed >= 1  # a secular trend of 1-2 points makes pre-post miss the true effect


def test_its_interval_covers_the_true_rate_ratio(loaded: tuple[pe.Dataset, dict]) -> None:
    ds, truth = loaded
    ind = truth["indicator"]
    row = its_summary(ds).loc[(ind["pilot_id"], ind["series"])]
    assert row["n_months"] == ind["n_months"]
    assert row["n_post"] == ind["n_months_after_change"]
    assert row["change_month"] == pd.Timestamp(ind["change_month"] + "-01")
    assert row["level_rr_ci_low"] <= ind["level_rate_ratio"] <= row["level_rr_ci_high"]


def test_scorecard_tells_the_stories(loaded: tuple[pe.Dataset, dict]) -> None:
    """The sample's stories: a clear effect, one below the MID, too few to tell."""
    from pilot_eval.metrics.scorecard import scorecard

    ds, truth = loaded
    card = scorecard(ds)
    checked = 0
    for e in truth["effects"]:
        pilot = ds.pilots.set_index(ds.pilots["pilot_id"].astype(str)).loc[e["pilot_id"]]
        if e["measure"] != pilot["primary_measure"] or e["n_pilot_measured"] < MIN_N:
            continue
        status = card.loc[e["pilot_id"], "outcome_status"]
        if e["true_improvement"] >= e["mid"] + 0.9:  # well above the MID
            assert status in ("green", "yellow"), e["pilot_id"]
            checked += 1
        if e["true_improvement"] <= e["mid"] - 2:  # well below it
            assert status in ("red", "yellow"), e["pilot_id"]
            checked += 1
    assert checked >= 2


# --------------------------------------------------------------------------- many seeds


def in_memory(s: sample.SampleData) -> pe.Dataset:
    """A Dataset from the generator's tables without the disk round trip (fast)."""
    a = s.agreement
    agreement = Agreement(
        name=a["name"], municipality=a["municipality"], start=pd.Timestamp(a["start"]),
        end=pd.Timestamp(a["end"]), annual_budget_nok=float(a["annual_budget_nok"]),
        language=a["language"], rules=MappingProxyType(dict(DEFAULT_RULES)))
    tables = {name: s.tables[name].copy() for name in TABLE_ORDER}
    tables["outcomes"]["value"] = tables["outcomes"]["value"].astype(float)
    tables["indicators"]["value"] = tables["indicators"]["value"].astype(float)
    tables["measures"]["higher_is_better"] = tables["measures"]["higher_is_better"].astype(
        "boolean")
    return pe.Dataset(agreement=agreement, as_of_date=pd.Timestamp(sample.EXTRACTION_DATE),
                      **tables)


def test_in_memory_dataset_matches_the_loader(loaded: tuple[pe.Dataset, dict]) -> None:
    ds, truth = loaded
    mem = in_memory(sample.generate(seed=truth["seed"], scale=truth["scale"]))
    pd.testing.assert_frame_equal(outcome_summary(mem), outcome_summary(ds))


def test_coverage_over_20_seeds() -> None:
    covered = {"effects": [], "its": []}
    for seed in range(100, 120):
        s = sample.generate(seed=seed)
        ds = in_memory(s)
        summary = outcome_summary(ds)
        for key, t in effects(s.truth).items():
            row = summary.loc[key]
            if not math.isfinite(row["ci_low"]):
                continue
            target = t["true_effect"] if row["design"] == "did" else t["expected_pre_post_change"]
            covered["effects"].append(row["ci_low"] <= target <= row["ci_high"])
        ind = s.truth["indicator"]
        its = its_summary(ds).loc[(ind["pilot_id"], ind["series"])]
        covered["its"].append(its["level_rr_ci_low"] <= ind["level_rate_ratio"]
                              <= its["level_rr_ci_high"])
    share = {k: sum(v) / len(v) for k, v in covered.items()}
    assert len(covered["effects"]) >= 130
    # loose: 95 % expected; 130+ intervals make < 0.88 very unlikely for an honest interval
    assert 0.88 <= share["effects"] <= 1.0, share
    assert share["its"] >= 0.80, share
