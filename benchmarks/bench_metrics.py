"""Time and peak memory of loading a data folder and of the cost, reach and portfolio metrics,
and of "numbers from a folder" beside DuckDB.

For each scale, the synthetic sample (:mod:`pilot_eval.sample`) is generated and written as
CSV into a temporary folder (or ``--workdir``), loaded with :func:`pilot_eval.load_dataset`,
and every metric function is run on it. Each step runs twice: once untimed by tracing for
the wall-clock seconds, and once under :mod:`tracemalloc` for the peak of memory allocated
during the step (Python and numpy allocations). ``--memory metrics`` skips the second run
of ``load_dataset`` (minutes at scale 1000), ``--memory none`` every second run.

"Numbers from a folder" (``--no-compare`` leaves it out) is load_dataset (which validates) +
cost_summary + reach_summary, timed in a fresh process (the fastest of ``--repeat`` runs),
beside DuckDB SQL computing the same per-pilot totals (costs by funder, enrolled and exits by
reason, attendance hours, at the same as-of date) from the same CSV files, with the ratio
and each process's peak resident memory (ru_maxrss: Arrow's buffers included, which
tracemalloc does not see). The two must agree on total cost and hours. DuckDB is a
benchmark-only dependency (``pip install duckdb``); without it its columns are NaN.

Usage::

    .venv/bin/python benchmarks/bench_metrics.py                 # scales 1, 20, 200
    .venv/bin/python benchmarks/bench_metrics.py --scales 1 100 --no-details
    .venv/bin/python benchmarks/bench_metrics.py --scales 1000 --memory metrics --workdir /tmp/pe

Scale 1 is about 700 participants and 22 000 attendance rows; scale K multiplies both by K.
The load average is printed under the table: on a busy machine times differ between runs;
the ratio, measured in the same run, less so.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
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
    folder = ensure_sample(scale, seed, workdir)
    rows: list[dict[str, Any]] = []
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


# --- numbers from a folder, beside DuckDB ---------------------------------------------------

#: Run in a fresh process: load + validate + cost and reach summaries.
PILOT_EVAL_RUN = r"""
import json, resource, sys, time
import pilot_eval as pe
from pilot_eval.metrics.cost import cost_summary
from pilot_eval.metrics.reach import reach_summary
start = time.perf_counter()
ds = pe.load_dataset(sys.argv[1])  # validates: raises on errors
cost, reach = cost_summary(ds), reach_summary(ds)
print(json.dumps({"seconds": time.perf_counter() - start,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "as_of": str(ds.as_of_date.date()),
                  "cost": float(cost["total_cost_nok"].sum()),
                  "hours": float(reach["session_hours"].sum())}))
"""

#: The same per-pilot totals in DuckDB SQL, from the same files, at the same as-of date.
DUCKDB_RUN = r"""
import json, resource, sys, time
import duckdb
start = time.perf_counter()
folder, as_of = sys.argv[1], sys.argv[2]
sql = '''
WITH p AS (SELECT pilot_id FROM read_csv('{f}/pilots.csv')),
c AS (SELECT pilot_id, sum(amount_nok) AS total_cost_nok,
             sum(CASE WHEN funder = 'fund' THEN amount_nok ELSE 0 END) AS fund_nok,
             sum(CASE WHEN funder <> 'fund' THEN amount_nok ELSE 0 END) AS cofunding_nok
      FROM read_csv('{f}/costs.csv') WHERE "date" <= DATE '{d}' GROUP BY 1),
r AS (SELECT pilot_id, count(*) AS enrolled,
             count(*) FILTER (WHERE exited_on IS NULL OR exited_on > DATE '{d}') AS active,
             count(*) FILTER (WHERE exited_on <= DATE '{d}' AND exit_reason = 'completed')
                 AS completed,
             count(*) FILTER (WHERE exited_on <= DATE '{d}' AND exit_reason = 'dropped_out')
                 AS dropped_out,
             count(*) FILTER (WHERE exited_on <= DATE '{d}' AND exit_reason = 'moved') AS moved
      FROM read_csv('{f}/participants.csv') WHERE enrolled_on <= DATE '{d}' GROUP BY 1),
s AS (SELECT pilot_id, sum(hours) AS session_hours
      FROM read_csv('{f}/sessions.csv') WHERE "date" <= DATE '{d}' GROUP BY 1)
SELECT * FROM p LEFT JOIN c USING (pilot_id) LEFT JOIN r USING (pilot_id)
                LEFT JOIN s USING (pilot_id)
'''.format(f=folder, d=as_of)
result = duckdb.connect().execute(sql).fetchdf()
print(json.dumps({"seconds": time.perf_counter() - start,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "cost": float(result["total_cost_nok"].sum()),
                  "hours": float(result["session_hours"].sum())}))
"""


def run_child(code: str, *args: str) -> dict[str, Any]:
    """Run ``code`` in a fresh Python with this one's import path; its last line as JSON."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare_scale(scale: int, folder: Path, repeat: int) -> dict[str, Any]:
    """Fastest of ``repeat`` runs of pilot_eval and of DuckDB on ``folder``, with peak memory.

    The two alternate (ours, DuckDB, ours, …), so a busy moment of the machine falls on
    both alike, after the files were flushed to disk (``os.sync``): a run just after the
    folder was written would share the machine with the writing back of its pages.
    """
    os.sync()
    try:
        import duckdb  # noqa: F401
    except ImportError:
        duckdb_found = False
    else:
        duckdb_found = True
    runs: list[dict[str, Any]] = []
    ducks: list[dict[str, Any]] = []
    for _ in range(repeat):
        runs.append(run_child(PILOT_EVAL_RUN, str(folder)))
        if duckdb_found:
            ducks.append(run_child(DUCKDB_RUN, str(folder), runs[-1]["as_of"]))
    ours = min(runs, key=lambda r: r["seconds"])
    duck: dict[str, Any] = {"seconds": float("nan"), "rss_mb": float("nan")}
    if ducks:
        duck = min(ducks, key=lambda r: r["seconds"])
        for key in ("cost", "hours"):  # the same numbers, or the comparison means nothing
            if abs(duck[key] - ours[key]) > 1e-6 * max(1.0, abs(ours[key])):
                raise AssertionError(f"{key}: DuckDB {duck[key]} against {ours[key]}")
    with open(folder / "sessions.csv", "rb") as fh:
        sessions = sum(1 for _ in fh) - 1
    row = {"scale": scale, "sessions": sessions, "seconds": ours["seconds"],
           "MB": ours["rss_mb"], "duckdb_seconds": duck["seconds"], "duckdb_MB": duck["rss_mb"],
           "ratio": ours["seconds"] / duck["seconds"]}
    print(f"# {scale:>5} numbers from a folder {row['seconds']:.2f} s, DuckDB "
          f"{row['duckdb_seconds']:.2f} s", file=sys.stderr, flush=True)
    return row


def format_comparison(rows: list[dict[str, Any]]) -> str:
    head = (f"{'scale':>5}  {'sessions':>11}  {'pilot_eval s':>12}  {'peak MB':>8}  "
            f"{'DuckDB s':>9}  {'peak MB':>8}  {'ratio':>6}  {'s/M rows':>8}")
    lines = ["numbers from a folder: load_dataset (validates) + cost_summary + reach_summary",
             head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['scale']:>5}  {r['sessions']:>11,}  {r['seconds']:>12.2f}  "
                     f"{r['MB']:>8.0f}  {r['duckdb_seconds']:>9.2f}  {r['duckdb_MB']:>8.0f}  "
                     f"{r['ratio']:>5.1f}×  {r['seconds'] / r['sessions'] * 1e6:>8.2f}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines.append(f"load average (1, 5, 15 min) at the end: {load} on {os.cpu_count()} cores")
    return "\n".join(lines)


def ensure_sample(scale: int, seed: int, workdir: Path) -> Path:
    """The sample folder of ``scale``, generated and written unless already there."""
    folder = workdir / f"sample-{seed}-{scale}"
    if not (folder / "pilots.csv").is_file():
        start = time.perf_counter()
        sample.write(sample.generate(seed, scale), folder)
        print(f"# scale {scale}: generated and wrote {folder} in "
              f"{time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return folder


def format_table(rows: list[dict[str, Any]]) -> str:
    head = f"{'scale':>5}  {'participants':>12}  {'sessions':>11}  {'function':<30}  {'seconds':>8}  {'peak MB':>8}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['scale']:>5}  {r['participants']:>12,}  {r['sessions']:>11,}  "
                     f"{r['function']:<30}  {r['seconds']:>8.3f}  {r['MB']:>8.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 20, 200],
                        help="sample scales to run (default: 1 20 200)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--memory", choices=["all", "metrics", "none"], default="all",
                        help="which steps get a second, tracemalloc run for peak memory "
                             "(default: all; 'metrics' skips load_dataset)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep generated data here and reuse it (default: a temp folder, removed)")
    parser.add_argument("--no-details", dest="details", action="store_false",
                        help="only the comparison with DuckDB, not every metric function")
    parser.add_argument("--no-compare", dest="compare", action="store_false",
                        help="leave out the comparison with DuckDB")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per scale in the comparison; the fastest counts (default 3)")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="pilot_eval_bench_"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    compared: list[dict[str, Any]] = []
    try:
        for scale in args.scales:
            if args.compare:
                folder = ensure_sample(scale, args.seed, workdir)
                compared.append(compare_scale(scale, folder, args.repeat))
            if args.details:
                rows.extend(run_scale(scale, args.seed, workdir, memory=args.memory))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    if rows:
        print(format_table(rows))
    if compared:
        print(format_comparison(compared))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
