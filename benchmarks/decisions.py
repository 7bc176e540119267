"""Simulation study of the decisions: do verdicts stay within their evidence? (issue 9, item 9)

Simulates pilots with a **known true effect** in the situations that fool a before/after
scorecard -- enrolment on a low screening score with drift, drop-out among those who improved
least, a tiny comparison group, children clustered in schools, a ceiling, a time series with
a pre-period trend change or autocorrelated months (and real drops, for power) -- plus clean
sanity cases, and runs what
the reports run on each: ``outcome_summary`` → ``scorecard`` → ``value_for_money`` (and
``its_summary`` with the summary's indicator sentence). The scenarios are in
``tests/_scenarios.py`` (shared with ``tests/test_decisions_sim.py``); they measure whatever
code is on the path, so the same command shows the decision layer before and after a change.

Columns of the table (shares over replications):

* ``truth`` the true effect (measure points; log rate ratio for the time series), ``est``
  the mean estimate, ``bias`` = est − truth, ``cover`` the share of 95 % intervals that
  contain the truth (among replications with an interval), ``has_ci`` the share with one;
* ``god`` outcome status green ("god"), ``scale`` recommendation "Skalere", ``stop``
  "Avslutte", ``grey`` "for lite data"; for the time series ``god`` is the share of
  summaries that state a clear change of the indicator; for the portfolio case the share of
  portfolios with at least one "god" / "Skalere", and ``excl0`` at least one of the twelve
  intervals excluding 0;
* ``rating`` the distribution of ``outcome_summary``'s ``evidence_rating`` (when the code
  has one);
* ``sv>0`` share of runs with social value above 0, ``sv`` its mean in 1000 kr (a run
  without a value counts as 0); computed under a null effect only;
* ``check`` the issue's targets: under a null effect at most 5 % "god" and "Skalere"; where
  the design identifies the effect, coverage 93–97 %; ``!`` marks a target missed.

The Monte Carlo standard error of a share p over m replications is sqrt(p(1 − p)/m): 1 point
at p = 0.05 and m = 500, 1.5 points at 0.05 and 200, and 1 point at coverage 0.95 and m = 500.

Usage::

    .venv/bin/python benchmarks/decisions.py --reps 500
    .venv/bin/python benchmarks/decisions.py --reps 100 --scenarios dropout_mnar,clustered
    .venv/bin/python benchmarks/decisions.py --markdown > table.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pilot_eval as pe  # noqa: E402
from tests import _scenarios as sc  # noqa: E402

_COLUMNS = ["scenario", "variant", "truth", "reps", "has_ci", "est", "bias", "cover", "god",
            "scale", "stop", "grey", "excl0", "rating", "sv>0", "sv", "check"]


#: A case whose outcome is "for lite data" at least this often gives no verdict to trust or
#: distrust: its intervals are not read, so their coverage is no target (the verdict is
#: capped, as the issue asks where the design cannot tell).
CAPPED_SHARE = 0.95


def _check(case: sc.Case, row: dict[str, object]) -> str:
    """The issue's targets for this case, with ``!`` where one is missed."""
    def pct(x: object) -> str:
        return f"{100 * float(x):.0f} %"

    missed, met = [], []
    if case.null:
        for key, label in (("god", "god"), ("scale", "Skalere"), ("claim", "claim")):
            v = row.get(key)
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            (missed if float(v) > sc.NULL_TARGET else met).append(f"{label} {pct(v)}")
    cover, grey = row.get("coverage"), row.get("grey")
    capped = grey is not None and not math.isnan(float(grey)) and float(grey) >= CAPPED_SHARE
    if case.identified and case.kind != "portfolio" and cover is not None \
            and not math.isnan(float(cover)):
        if capped:  # the "where it cannot, the verdict is capped instead"
            met.append(f"capped: for lite data {pct(grey)}")
        else:
            ok = 0.93 <= float(cover) <= 0.97
            (met if ok else missed).append(f"cover {pct(cover)}")
    if missed:
        return "! " + ", ".join(missed)
    return "ok" if met else ""


def _rating(dist: object) -> str:
    if not isinstance(dist, dict) or not dist or set(dist) == {"—"}:
        return "—"
    return " ".join(f"{k} {100 * v:.0f}" for k, v in sorted(dist.items(), key=lambda kv: -kv[1]))


def _row(case: sc.Case, s: dict[str, object]) -> dict[str, object]:
    """One printed row from :func:`sc.summarise`."""
    god = s.get("claim", s.get("god"))
    return {
        "scenario": case.scenario, "variant": case.variant, "truth": case.truth,
        "reps": s["reps"], "has_ci": s.get("estimable"), "est": s.get("mean_est"),
        "bias": s.get("bias"), "cover": s.get("coverage"), "god": god,
        "scale": s.get("scale"), "stop": s.get("stop"), "grey": s.get("grey"),
        "excl0": s.get("any_ci_excl_0"), "rating": _rating(s.get("rating")),
        "sv>0": s.get("sv_pos"),
        "sv": None if s.get("sv_mean") is None else float(s["sv_mean"]) / 1000,
        "check": _check(case, s),
    }


def _loader_check(case: sc.Case, seed: int) -> str:
    """Build the case's first replication in memory and through ``pe.load_dataset`` from a
    folder; the decision tables must agree (the in-memory shortcut is what the loader gives)."""
    tables: dict[str, pd.DataFrame] = {}
    build = sc.build_dataset

    def capture(t: dict[str, pd.DataFrame]) -> pe.Dataset:
        tables.update(t)
        return build(t)

    sc.build_dataset = capture
    try:
        ds = case.make(np.random.default_rng(sc.seed_for(case, seed)))
    finally:
        sc.build_dataset = build
    with tempfile.TemporaryDirectory() as tmp:
        try:
            # a simulated series may end before the as-of date; the same date as the
            # dataset in memory is what is compared, so its warning is no news here
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", pe.DataWarning)
                disk = pe.load_dataset(sc.write_folder(tables, Path(tmp) / "data"),
                                       as_of=ds.as_of_date)
        except pe.DataValidationError as exc:
            return f"{case.key}: the loader refuses the simulated data: {exc}"
        a, b = sc.score(case, ds), sc.score(case, disk)
    same = all((x == y) or (isinstance(x, float) and isinstance(y, float)
                            and (math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
                                 or (math.isnan(x) and math.isnan(y))))
               for x, y in ((a[k], b[k]) for k in a))
    return "" if same else f"{case.key}: in memory {a} but from disk {b}"


def _fmt(table: pd.DataFrame, markdown: bool) -> str:
    out = table.copy()
    pct_cols = ["has_ci", "cover", "god", "scale", "stop", "grey", "excl0", "sv>0"]
    for c in pct_cols:
        out[c] = out[c].map(lambda v: "" if v is None or pd.isna(v) else f"{100 * v:.0f}")
    for c in ("truth", "est", "bias"):
        out[c] = out[c].map(lambda v: "" if v is None or pd.isna(v) else f"{v:.2f}")
    out["sv"] = out["sv"].map(lambda v: "" if v is None or pd.isna(v) else f"{v:.0f}")
    out = out.rename(columns={c: f"{c} %" for c in pct_cols} | {"sv": "sv kkr"})
    if not markdown:
        return out.to_string(index=False)
    head = "| " + " | ".join(out.columns) + " |"
    rule = "|" + "|".join("---" for _ in out.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in r) + " |" for r in out.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _commit() -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=500, help="replications per case (500)")
    ap.add_argument("--seed", type=int, default=1, help="seed (default 1)")
    ap.add_argument("--scenarios", help=f"comma-separated, of: {', '.join(sc.SCENARIOS)}")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--no-loader-check", action="store_true",
                    help="skip building each scenario's first dataset through the loader too")
    args = ap.parse_args(argv)
    names = [s.strip() for s in args.scenarios.split(",")] if args.scenarios else None
    try:
        chosen = sc.cases(names)
    except ValueError as exc:
        ap.error(str(exc))
    started = time.perf_counter()
    commit = _commit()  # at the start: the code measured, even if a commit lands meanwhile
    problems = []
    if not args.no_loader_check:
        seen = set()
        for case in chosen:
            if case.scenario not in seen:
                seen.add(case.scenario)
                if msg := _loader_check(case, args.seed):
                    problems.append(msg)
    rows = []
    for i, case in enumerate(chosen):
        t0 = time.perf_counter()
        # the value for money is read under a null only (the slowest step)
        rec = sc.run(case, args.reps, args.seed, value=case.null)
        rows.append(_row(case, sc.summarise(case, rec)))
        print(f"[{i + 1}/{len(chosen)}] {case.key}: "
              f"{1000 * (time.perf_counter() - t0) / args.reps:.0f} ms per replication",
              file=sys.stderr, flush=True)
    table = pd.DataFrame(rows, columns=_COLUMNS)
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"Decision simulation, {when}: {args.reps} replications per case, seed {args.seed}, "
          f"pilot_eval {pe.__version__} (commit {commit}), "
          f"{time.perf_counter() - started:.0f} s.\n")
    print(_fmt(table, args.markdown))
    for msg in problems:
        print(f"\nLoader check: {msg}")
    missed = table[table["check"].str.startswith("!")]
    print(f"\n{len(missed)} of {len(table)} cases miss a target "
          f"(null: ≤ {100 * sc.NULL_TARGET:.0f} % god and Skalere; identified: coverage 93–97 %).")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
