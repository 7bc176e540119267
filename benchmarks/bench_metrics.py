"""Time and peak memory of loading a data folder and of the cost, reach and portfolio metrics.

For each scale, the synthetic sample (:mod:`pilot_eval.sample`) is generated and written as
CSV into a temporary folder (or ``--workdir``), loaded with :func:`pilot_eval.load_dataset`,
and every metric function is run on it. Each step runs twice: once untimed by tracing for
the wall-clock seconds, and once under :mod:`tracemalloc` for the peak of memory allocated
during the step (Python and numpy allocations). ``--memory metrics`` skips the second run
of ``load_dataset`` (minutes at scale 1000), ``--memory none`` every second run.

Usage::

    .venv/bin/python benchmarks/bench_metrics.py                 # scales 1, 100, 1000
    .venv/bin/python benchmarks/bench_metrics.py --scales 1 100
    .venv/bin/python benchmarks/bench_metrics.py --scales 1000 --memory metrics --workdir /tmp/pe

Scale 1 is about 700 participants and 22 000 attendance rows; scale K multiplies both by K.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pilot_eval as pe
from pilot_eval import sample
from pilot_eval.metrics.cost import cost_by_funder, cost_by_month, cost_summary
from pilot_eval.metrics.portfolio import overlap_matrix, portfolio_summary
from pilot_eval.metrics.reach import enrolment_by_month, reach_by, reach_summary

MB = 1024 * 1024


def measure(fn: Callable[[], Any], *, memory: bool) -> tuple[float, float, Any]:
    """(seconds, peak MB allocated during the call or NaN, result)."""
    gc.collect()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    peak = float("nan")
    if memory:
        del result
        gc.collect()
        tracemalloc.start()
        try:
            result = fn()
            peak = tracemalloc.get_traced_memory()[1] / MB
        finally:
            tracemalloc.stop()
    return seconds, peak, result


def metric_steps(ds: pe.Dataset) -> list[tuple[str, Callable[[], Any]]]:
    middle = ds.as_of_date - (ds.as_of_date - ds.agreement.start) / 2
    return [
        ("Dataset.as_of (mid-agreement)", lambda: ds.as_of(middle.normalize())),
        ("cost_summary", lambda: cost_summary(ds)),
        ("cost_by_funder", lambda: cost_by_funder(ds)),
        ("cost_by_month", lambda: cost_by_month(ds)),
        ("reach_summary", lambda: reach_summary(ds)),
        ("reach_by(area)", lambda: reach_by(ds, "area")),
        ("reach_by(gender)", lambda: reach_by(ds, "gender")),
        ("reach_by(age_group)", lambda: reach_by(ds, "age_group")),
        ("enrolment_by_month", lambda: enrolment_by_month(ds)),
        ("portfolio_summary", lambda: portfolio_summary(ds)),
        ("overlap_matrix", lambda: overlap_matrix(ds)),
    ]


def run_scale(scale: int, seed: int, workdir: Path, *, memory: str) -> list[dict[str, Any]]:
    folder = workdir / f"sample-{seed}-{scale}"
    rows: list[dict[str, Any]] = []
    if not (folder / "pilots.csv").is_file():
        start = time.perf_counter()
        sample.write(sample.generate(seed, scale), folder)
        print(f"# scale {scale}: generated and wrote {folder} in "
              f"{time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    seconds, peak, ds = measure(lambda: pe.load_dataset(folder), memory=memory == "all")
    n_part, n_sess = len(ds.participants), len(ds.sessions)

    def add(name: str, s: float, mb: float) -> None:
        rows.append({"scale": scale, "participants": n_part, "sessions": n_sess,
                     "function": name, "seconds": s, "MB": mb})
        print(f"# {scale:>5} {name:<30} {s:8.3f} s {mb:9.1f} MB", file=sys.stderr, flush=True)

    add("load_dataset", seconds, peak)
    for name, fn in metric_steps(ds):
        s, mb, _ = measure(fn, memory=memory != "none")
        add(name, s, mb)
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    head = f"{'scale':>5}  {'participants':>12}  {'sessions':>11}  {'function':<30}  {'seconds':>8}  {'peak MB':>8}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['scale']:>5}  {r['participants']:>12,}  {r['sessions']:>11,}  "
                     f"{r['function']:<30}  {r['seconds']:>8.3f}  {r['MB']:>8.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100, 1000],
                        help="sample scales to run (default: 1 100 1000)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--memory", choices=["all", "metrics", "none"], default="all",
                        help="which steps get a second, tracemalloc run for peak memory "
                             "(default: all; 'metrics' skips load_dataset)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep generated data here and reuse it (default: a temp folder, removed)")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="pilot_eval_bench_"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    try:
        for scale in args.scales:
            rows.extend(run_scale(scale, args.seed, workdir, memory=args.memory))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
