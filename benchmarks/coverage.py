"""Coverage of the outcome estimators' 95 % intervals on simulated sample data.

Generates ``--reps`` synthetic datasets with :func:`pilot_eval.sample.generate` (seeds
``--seed0``, ``--seed0 + 1``, …), runs :func:`pilot_eval.metrics.outcomes.outcome_summary`
and :func:`~pilot_eval.metrics.outcomes.its_summary` on each, and reports per estimator the
share of intervals that contain the true value and the mean bias (estimate − truth):

* ``pre_post``  paired change, pilots without a comparison group; truth = ``true_effect``
  (the generator puts no secular trend there);
* ``pre_post*`` the same paired estimator on the pilots *with* a comparison group, the
  comparison rows removed; truth = ``expected_pre_post_change`` (effect + secular trend),
  which is what a pre-post comparison estimates;
* ``did``       difference-in-differences, person-clustered errors; truth = ``true_effect``;
* ``its``       quasi-Poisson interrupted time series; truth = ``log_level_rate_ratio``
  (coverage of the log rate ratio = coverage of the rate ratio).

Truths come from ``truth.json`` (``SampleData.truth``) of each simulated dataset.
``coverage_realised`` uses ``effect_realised`` instead (did and pre_post only): the mean
effect on the measured people after the values were rounded to whole points and clipped to
the scale. Clipping at the scale's floor shrinks an effect that pushes towards it (school
absence near 0 days), so there the nominal ``true_effect`` is not what the data carry. The Monte
Carlo standard error of a coverage of 0.95 over m intervals is sqrt(0.95 · 0.05 / m): 1.5
points for 200 intervals, so read the per-cell table with that in mind.

Datasets are built in memory (no validation) for speed; ``--via-disk`` writes each to a
temporary folder and loads it with :func:`pilot_eval.load_dataset` instead (about 1 s more
per dataset). The first dataset is always checked both ways and must agree.

Usage::

    .venv/bin/python benchmarks/coverage.py --reps 200
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import tempfile
import time
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

import pilot_eval as pe
from pilot_eval import sample
from pilot_eval.dataset import TABLE_ORDER, Agreement
from pilot_eval.metrics.outcomes import its_summary, outcome_summary
from pilot_eval.schema import DEFAULT_RULES


def dataset_in_memory(s: sample.SampleData) -> pe.Dataset:
    """A Dataset straight from the generator's tables (as the loader would type them)."""
    a = dict(s.agreement)
    agreement = Agreement(
        name=a["name"], municipality=a["municipality"], start=pd.Timestamp(a["start"]),
        end=pd.Timestamp(a["end"]), annual_budget_nok=float(a["annual_budget_nok"]),
        discount_rate=a["discount_rate"], tax_financing_cost=a["tax_financing_cost"],
        min_cell_size=a["min_cell_size"], language=a["language"],
        rules=MappingProxyType(dict(DEFAULT_RULES)))
    tables = {name: s.tables[name].copy() for name in TABLE_ORDER}
    tables["outcomes"]["value"] = tables["outcomes"]["value"].astype(float)
    tables["indicators"]["value"] = tables["indicators"]["value"].astype(float)
    tables["measures"]["higher_is_better"] = tables["measures"]["higher_is_better"].astype(
        "boolean")
    return pe.Dataset(agreement=agreement, as_of_date=pd.Timestamp(sample.EXTRACTION_DATE),
                      **tables)


def dataset_via_disk(s: sample.SampleData, folder: Path) -> pe.Dataset:
    sample.write(s, folder)
    return pe.load_dataset(folder)


def one_rep(seed: int, via_disk: bool, tmp: Path) -> list[dict[str, object]]:
    """Estimates and truths of one simulated dataset, one record per estimator × cell."""
    s = sample.generate(seed=seed)
    ds = dataset_via_disk(s, tmp / "sample") if via_disk else dataset_in_memory(s)
    truth = {(e["pilot_id"], e["measure"]): e for e in s.truth["effects"]}
    records: list[dict[str, object]] = []

    def add(estimator: str, pilot: str, measure: str, row: pd.Series, true: float,
            realised: float = np.nan) -> None:
        records.append({
            "seed": seed, "estimator": estimator, "pilot_id": pilot, "measure": measure,
            "n": int(row["n_pilot"]), "estimate": row["estimate"], "se": row["se"],
            "ci_low": row["ci_low"], "ci_high": row["ci_high"], "truth": true,
            "effect_realised": realised})

    summary = outcome_summary(ds)
    for (pid, m), row in summary.iterrows():
        t = truth[(pid, m)]
        add("did" if row["design"] == "did" else "pre_post", pid, m, row, t["true_effect"],
            t["effect_realised"])
    # the paired estimator on the pilots with a comparison group, comparison rows removed
    pilot_only = dataclasses.replace(ds, outcomes=ds.outcomes[ds.outcomes["group"] == "pilot"])
    for (pid, m), row in outcome_summary(pilot_only).iterrows():
        t = truth[(pid, m)]
        if t["design"] == "did":
            add("pre_post*", pid, m, row, t["expected_pre_post_change"])
    its = its_summary(ds)
    for (pid, series), row in its.iterrows():
        records.append({
            "seed": seed, "estimator": "its", "pilot_id": pid, "measure": series,
            "n": int(row["n_months"]), "estimate": row["level_change"],
            "se": row["level_change_se"], "ci_low": row["level_change_ci_low"], "ci_high": row["level_change_ci_high"],
            "truth": s.truth["indicator"]["log_level_rate_ratio"], "effect_realised": np.nan})
    return records


def summarise(res: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Coverage, bias and the ratio of the empirical SD to the mean reported SE per group.

    ``se`` is the estimator's own standard error (the interval uses it with a t or normal
    quantile).
    ``se_ratio`` > 1 means the intervals are too narrow for the spread of the estimates.
    It is computed within each pilot × measure cell (cells differ in scale) and averaged
    over cells for the coarser groupings.
    """
    ok = res["estimate"].notna()
    real = res["effect_realised"]
    res = res.assign(covered=(res["ci_low"] <= res["truth"]) & (res["truth"] <= res["ci_high"]),
                     bias=res["estimate"] - res["truth"],
                     covered_realised=((res["ci_low"] <= real) & (real <= res["ci_high"]))
                     .where(real.notna()).astype(float))
    cell = ["estimator", "pilot_id", "measure"]
    per_cell = res[ok].groupby(cell, sort=False).agg(sd=("estimate", "std"), se=("se", "mean"))
    ratio = (per_cell["sd"] / per_cell["se"]).rename("se_ratio")
    res = res.join(ratio, on=cell)
    g = res[ok].groupby(by, sort=False)
    cov = g["covered"].mean()
    out = pd.DataFrame({
        "intervals": g.size(),
        "coverage": cov,
        "mc_se": np.sqrt(cov * (1 - cov) / g.size()),
        "mean_bias": g["bias"].mean(),
        "bias_se": g["bias"].std(ddof=1) / np.sqrt(g.size()),
        "coverage_realised": g["covered_realised"].mean(),
        "se_ratio": g["se_ratio"].mean(),
        "mean_n": g["n"].mean(),
    })
    out["not_estimable"] = res[~ok].groupby(by, sort=False).size().reindex(out.index).fillna(0)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=200, help="simulated datasets (default 200)")
    ap.add_argument("--seed0", type=int, default=1, help="first seed (default 1)")
    ap.add_argument("--via-disk", action="store_true", help="write and load each dataset")
    ap.add_argument("--out", type=Path, help="also write the per-interval records (CSV)")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        # the in-memory shortcut must give what the loader gives
        a = pd.DataFrame(one_rep(args.seed0, False, tmp))
        b = pd.DataFrame(one_rep(args.seed0, True, tmp))
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)
        records = a.to_dict("records")
        for i in range(1, args.reps):
            records += one_rep(args.seed0 + i, args.via_disk, tmp)
            if sys.stderr.isatty():
                print(f"\r{i + 1}/{args.reps}", end="", file=sys.stderr)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    res = pd.DataFrame(records)
    if args.out:
        res.to_csv(args.out, index=False)
    pd.set_option("display.width", 160)
    pd.set_option("display.float_format", lambda x: f"{x:.4f}")
    print(f"{args.reps} simulated datasets (seeds {args.seed0}–{args.seed0 + args.reps - 1}), "
          f"{time.perf_counter() - started:.0f} s. Target coverage 0.93–0.97.\n")
    print("Per estimator:")
    print(summarise(res, ["estimator"]).to_string())
    print("\nPer estimator, pilot and measure:")
    print(summarise(res, ["estimator", "pilot_id", "measure"]).to_string())
    pooled = summarise(res, ["estimator"])["coverage"]
    outside = pooled[(pooled < 0.93) | (pooled > 0.97)]
    if len(outside):
        print("\nOutside 0.93–0.97: " + ", ".join(f"{k} {v:.3f}" for k, v in outside.items()))
    return 0 if math.isfinite(float(pooled.mean())) else 1


if __name__ == "__main__":
    raise SystemExit(main())
