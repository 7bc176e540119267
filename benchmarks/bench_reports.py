"""Time the report set: per report and stage (execute, HTML, PDF) and the whole run.

    python benchmarks/bench_reports.py [--jobs 1 2] [--as-of 2026-06-30] [--data data/sample]
                                       [--repeat N]

Prints a table; nothing is asserted (speed is measured, not unit-tested). The target in
the project's issue: the full sample set (portfolio + four pilots) within 15 s wall time
with ``--jobs 2`` on a 2-core machine.

Wall time depends on what else the machine is doing, so each run also prints the CPU
seconds it used (this process and every process it started: workers, kernels) and the
load average before it started. On an idle machine wall ≈ CPU / cores plus the part that
cannot run in parallel; with other work running, compare the CPU seconds.

The header says whether HarfBuzz's subsetter is installed (``tools/sysdeps.sh``): without it
WeasyPrint subsets fonts with fontTools and the PDFs take about twice the CPU.
"""

from __future__ import annotations

import argparse
import ctypes.util
import os
import resource
import tempfile
import time
from pathlib import Path

from pilot_eval.render.batch import render_reports

ROOT = Path(__file__).resolve().parents[1]


def cpu_seconds() -> float:
    """User + system CPU of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--as-of", default="2026-06-30")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "sample")
    parser.add_argument("--repeat", type=int, default=1, help="runs per --jobs value")
    args = parser.parse_args()
    subset = "yes" if ctypes.util.find_library("harfbuzz-subset") else "NO (slower PDFs)"
    print(f"cores: {os.cpu_count()}  data: {args.data}  as of: {args.as_of}  "
          f"harfbuzz-subset: {subset}\n")
    print(f"{'jobs':>4}  {'report':<22} {'execute':>8} {'html':>6} {'pdf':>6} {'sum':>6}")
    for jobs in args.jobs:
        for _ in range(args.repeat):
            load = os.getloadavg()[0]
            with tempfile.TemporaryDirectory() as tmp:
                c0, t0 = cpu_seconds(), time.perf_counter()
                result = render_reports(args.data, as_of=args.as_of, out=Path(tmp), jobs=jobs)
                wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
            timings = result["timings"]
            for stem, t in timings.items():
                if isinstance(t, dict):
                    print(f"{jobs:>4}  {stem:<22} {t['execute']:>8.2f} {t['html']:>6.2f} "
                          f"{t['pdf']:>6.2f} {sum(t.values()):>6.2f}")
            print(f"{jobs:>4}  {'metrics.xlsx':<22} {timings['metrics_xlsx']:>29.2f}")
            print(f"{jobs:>4}  {'WHOLE SET (wall)':<22} {wall:>29.2f}")
            busy = "  (machine busy: compare CPU)" if load > 0.5 else ""
            print(f"{jobs:>4}  {'CPU, all processes':<22} {cpu:>29.2f}   load before {load:.2f}"
                  f"{busy}\n")


if __name__ == "__main__":
    main()
