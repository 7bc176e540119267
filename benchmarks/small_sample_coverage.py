"""Coverage of small-sample intervals in :mod:`pilot_eval.stats` (issue 9).

Simulates designs the pilots meet and reports, per method, the share of 95 % intervals
that contain the true effect (0 in every scenario: coverage = 1 - false-positive rate),
the mean interval width and, for CR2, the mean Bell-McCaffrey df:

* DiD, person clusters: 30 pilot people against 2, 3, 5 or 30 comparison people, each
  measured before and after (baseline N(50, 10), change N(1, 4) in both groups), errors
  clustered by person;
* DiD, school clusters: 4 schools per arm, 10 pupils each, a school-by-period shock with
  intra-class correlation 0.1 (of the within-period variance), clustered by school;
* DiD, person clusters with unequal variances: 30 against 5, the comparison group's
  changes twice as variable (SD 8 against 4), where Welch-type methods matter most;

each with ``small_sample=None`` (statsmodels' CR1, G - 1 df), ``"cr2"`` and ``"wild"``;

* ITS: 48 months, interruption after month 24, a linear trend and AR(1) errors
  (rho = 0.5), Gaussian segmented regression with model-based errors, with Newey-West
  errors (``hac_maxlags="auto"``, 3 lags) and "checked" (HAC only when the
  Breusch-Godfrey p < 0.05, the rule the metrics layer uses); also how often the
  autocorrelation check fires, and how often the pre-period break test fires, both on
  these series and on series with a slope change of +0.15 SD/month from month 16 that
  continues after the interruption (no pilot effect). For comparison only, feasible GLS
  with AR(1) errors (statsmodels ``GLSAR``, iterated), which ``stats`` does not offer.

The Monte Carlo SE of a 95 % coverage over m replications is sqrt(0.95 * 0.05 / m):
1.0 point for 500, 1.3 for 300.

Usage::

    .venv/bin/python benchmarks/small_sample_coverage.py --reps 400 --n-boot 1999
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import time

import numpy as np
import pandas as pd
import statsmodels.api as sm

from pilot_eval import stats


def person_panel(rng: np.random.Generator, n_pilot: int, n_comp: int,
                 sd_comp: float = 4.0) -> pd.DataFrame:
    n = n_pilot + n_comp
    tr = np.r_[np.ones(n_pilot), np.zeros(n_comp)]
    base = rng.normal(50, 10, n)
    sd = np.where(tr == 1, 4.0, sd_comp)
    follow = base + 1.0 + rng.normal(0, 1, n) * sd
    return pd.DataFrame({"cluster": np.tile(np.arange(n), 2), "tr": np.tile(tr, 2),
                         "po": np.repeat([0.0, 1.0], n), "y": np.r_[base, follow]})


def school_panel(rng: np.random.Generator, per_arm: int = 4, pupils: int = 10,
                 icc: float = 0.1) -> pd.DataFrame:
    schools = np.repeat(np.arange(2 * per_arm), pupils)
    tr = (schools < per_arm).astype(float)
    person = rng.normal(0, 1, schools.size)
    y = [person + rng.normal(0, math.sqrt(icc), 2 * per_arm)[schools]
         + rng.normal(0, math.sqrt(1 - icc), schools.size) for _ in range(2)]
    return pd.DataFrame({"cluster": np.tile(schools, 2), "tr": np.tile(tr, 2),
                         "po": np.repeat([0.0, 1.0], schools.size), "y": np.r_[y[0], y[1]]})


def its_series(rng: np.random.Generator, n: int = 48, t0: int = 24, rho: float = 0.5,
               pre_break: float = 0.0, break_at: int = 16) -> pd.DataFrame:
    e = np.empty(n)
    e[0] = rng.normal() / math.sqrt(1 - rho**2)
    for i in range(1, n):
        e[i] = rho * e[i - 1] + rng.normal()
    t = np.arange(1, n + 1, dtype=float)
    sd = 1 / math.sqrt(1 - rho**2)
    y = 10 + 0.05 * t + pre_break * sd * np.maximum(t - break_at, 0) * (t <= t0) + e
    if pre_break:
        # the pre-period kink continues as the series' own trend after t0: no pilot effect,
        # and the level change is measured against the straight line the model assumes
        y += pre_break * sd * (t0 - break_at) * (t > t0) + pre_break * sd * (t - t0) * (t > t0)
    return pd.DataFrame({"t": t, "post": (t > t0).astype(float), "y": y})


def did_rows(name: str, make, reps: int, n_boot: int, rng: np.random.Generator) -> list[dict]:
    out = {m: {"hit": [], "width": [], "df": []} for m in ("None", "cr2", "wild")}
    for r in range(reps):
        panel = make(rng)
        for m in out:
            e = stats.did(panel, outcome="y", treated="tr", post="po", cluster="cluster",
                          small_sample=None if m == "None" else m, n_boot=n_boot, seed=r)
            lo = e.ci_low if math.isfinite(e.ci_low) else -np.inf
            hi = e.ci_high if math.isfinite(e.ci_high) else np.inf
            out[m]["hit"].append(lo <= 0.0 <= hi)
            out[m]["width"].append(hi - lo)
            out[m]["df"].append(np.nan if e.df is None else e.df)
    return [
        {"scenario": name, "method": m, "reps": reps,
         "coverage": float(np.mean(v["hit"])),
         "median_width": float(np.median(v["width"])),
         "mean_df": float(np.nanmean(v["df"])) if m != "wild" else np.nan}
        for m, v in out.items()
    ]


def its_rows(reps: int, rng: np.random.Generator) -> list[dict]:
    rows = []
    for label, pre_break in (("ITS, AR(1) 0.5, 48 months", 0.0),
                             ("ITS, AR(1) 0.5, pre-period slope change", 0.15)):
        hits = {"default": [], "HAC (auto, 3 lags)": [], "checked (HAC if BG p < .05)": [],
                "for comparison: GLSAR AR(1)": []}
        widths = {k: [] for k in hits}
        ac_fired, break_fired = [], []
        for _ in range(reps):
            s = its_series(rng, pre_break=pre_break)
            plain = stats.its(s, outcome="y", time="t", post="post")
            hac = stats.its(s, outcome="y", time="t", post="post", hac_maxlags="auto")
            fired = plain.autocorrelation_p < 0.05
            ac_fired.append(fired)
            break_fired.append(plain.pre_trend_break_p < 0.05)
            for key, res in (("default", plain), ("HAC (auto, 3 lags)", hac),
                             ("checked (HAC if BG p < .05)", hac if fired else plain)):
                lc = res.level_change
                hits[key].append(lc.ci_low <= 0.0 <= lc.ci_high)
                widths[key].append(lc.ci_high - lc.ci_low)
            # not in pilot_eval.stats: feasible GLS with AR(1) errors, for comparison
            x = sm.add_constant(s[["t", "post"]])
            lo, hi = sm.GLSAR(s["y"], x, rho=1).iterative_fit(maxiter=10).conf_int().loc["post"]
            hits["for comparison: GLSAR AR(1)"].append(lo <= 0.0 <= hi)
            widths["for comparison: GLSAR AR(1)"].append(hi - lo)
        for key in hits:
            rows.append({"scenario": label, "method": key, "reps": reps,
                         "coverage": float(np.mean(hits[key])),
                         "median_width": float(np.median(widths[key])), "mean_df": np.nan,
                         "BG_fires": float(np.mean(ac_fired)),
                         "break_fires": float(np.mean(break_fired))})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=400)
    parser.add_argument("--n-boot", type=int, default=1999)
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    started = time.time()
    rows: list[dict] = []
    for n_comp in (2, 3, 5, 30):
        rows += did_rows(f"DiD persons, 30 vs {n_comp}",
                         lambda g, n=n_comp: person_panel(g, 30, n), args.reps, args.n_boot, rng)
    rows += did_rows("DiD persons, 30 vs 5, comparison SD x2",
                     lambda g: person_panel(g, 30, 5, sd_comp=8.0), args.reps, args.n_boot, rng)
    rows += did_rows("DiD schools, 4 per arm, ICC 0.1", school_panel, args.reps, args.n_boot,
                     rng)
    rows += its_rows(args.reps, rng)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 160, "display.max_columns", 20,
                           "display.float_format", "{:.3f}".format):
        print(f"small-sample coverage, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, "
              f"{args.reps} replications per scenario, wild bootstrap {args.n_boot} draws, "
              f"seed {args.seed}, true effect 0 everywhere")
        print(table.to_string(index=False))
        print(f"({time.time() - started:.0f} s)")


if __name__ == "__main__":
    main()
