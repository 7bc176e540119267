"""Time the report set: per report and stage (execute, HTML, PDF) and the whole run.

    python benchmarks/bench_reports.py [--jobs 1 2] [--as-of 2026-06-30] [--data data/sample]

Prints a table; nothing is asserted (speed is measured, not unit-tested). The target in
the project's issue: the full sample set (portfolio + four pilots) within 15 s wall time
with ``--jobs 2`` on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from pilot_eval.render.batch import render_reports

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--as-of", default="2026-06-30")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "sample")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}  data: {args.data}  as of: {args.as_of}\n")
    print(f"{'jobs':>4}  {'report':<22} {'execute':>8} {'html':>6} {'pdf':>6} {'sum':>6}")
    for jobs in args.jobs:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            result = render_reports(args.data, as_of=args.as_of, out=Path(tmp), jobs=jobs)
            wall = time.perf_counter() - t0
        timings = result["timings"]
        for stem, t in timings.items():
            if isinstance(t, dict):
                print(f"{jobs:>4}  {stem:<22} {t['execute']:>8.2f} {t['html']:>6.2f} {t['pdf']:>6.2f} "
                      f"{sum(t.values()):>6.2f}")
        print(f"{jobs:>4}  {'metrics.xlsx':<22} {timings['metrics_xlsx']:>29.2f}")
        print(f"{jobs:>4}  {'WHOLE SET (wall)':<22} {wall:>29.2f}\n")


if __name__ == "__main__":
    main()
