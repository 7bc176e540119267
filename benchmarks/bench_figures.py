"""Time every chart a portfolio report and a pilot report draw: ms per chart and CPU in all.

    python benchmarks/bench_figures.py [--data data/sample] [--as-of 2026-06-30]
                                       [--pilots leksehjelp] [--language nb] [--repeat 3]
                                       [--save DIR] [--profile FILE]

Each report runs in a fresh Python process, as in a notebook kernel: the report object is
made, then its chart methods are called in the notebook's order (``notebooks/*.ipynb``).
For each method the table gives

* ``draw`` -- CPU ms inside :func:`pilot_eval.present.figures._core._draw` (making the
  matplotlib figure, laying it out and writing the SVG), the part this benchmark is about;
* ``call`` -- CPU ms of the whole method (the metric tables it computes first, the alt
  text, the HTML), for scale;
* ``svg`` -- bytes of SVG the method produced (several charts for ``indicators``,
  ``tornado`` and ``outcome_distributions``), and ``n`` the number of charts.

The first chart of a process also registers the typeface and warms matplotlib's caches;
that cost is in its row, as in a kernel. With ``--repeat N`` every report runs in N fresh
processes and each cell is the median. ``--save DIR`` writes every SVG (for looking at
them, or comparing before and after); ``--profile FILE`` writes a cProfile of the chart
methods of the first run of each report (``FILE.<report>``; read with ``pstats``).

Nothing is asserted: speed is measured here, not unit-tested. CPU time (``time.process_time``)
is used rather than wall time, so that other work on the machine disturbs the numbers less.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

PORTFOLIO_CHARTS: list[tuple[str, tuple[Any, ...]]] = [
    ("grant_vs_spent", ()), ("cumulative_spend", ()), ("enrolment_vs_target", ()),
    ("coverage", ()), ("reach_breakdown", ("area",)), ("reach_breakdown", ("gender",)),
    ("reach_breakdown", ("age_group",)), ("completion", ()), ("forest", ()),
    ("indicators", ()), ("value_vs_cost", ()), ("tornado", ()),
]
PILOT_CHARTS: list[tuple[str, tuple[Any, ...]]] = [
    ("cumulative_spend", ()), ("monthly_activity", ()), ("dosage", ()),
    ("enrolment_vs_target", ()), ("reach_breakdown", ("area",)),
    ("reach_breakdown", ("gender",)), ("reach_breakdown", ("age_group",)), ("forest", ()),
    ("outcome_distributions", ()), ("indicators", ()), ("tornado", ()),
]


def run_one(report: str, args: argparse.Namespace) -> dict[str, Any]:
    """Build one report's charts in this process; the timings as a dict (JSON-able)."""
    t0 = time.process_time()
    from pilot_eval.present.figures import _core
    from pilot_eval.present.report import PilotReport, PortfolioReport

    import_ms = (time.process_time() - t0) * 1e3
    drawn: list[tuple[float, str]] = []
    draw = _core._draw

    def timed_draw(*a: Any, **kw: Any) -> str:
        start = time.process_time()
        svg = draw(*a, **kw)
        drawn.append(((time.process_time() - start) * 1e3, svg))
        return svg

    _core._draw = timed_draw
    if report == "portfolio":
        rep: Any = PortfolioReport(args.data, as_of=args.as_of, language=args.language)
        charts = PORTFOLIO_CHARTS
    else:
        rep = PilotReport(args.data, report, as_of=args.as_of, language=args.language)
        charts = PILOT_CHARTS
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    rows = []
    for method, margs in charts:
        before = len(drawn)
        start = time.process_time()
        if profiler is not None:
            profiler.enable()
        out = getattr(rep, method)(*margs)
        if profiler is not None:
            profiler.disable()
        out._repr_html_()
        call = (time.process_time() - start) * 1e3
        mine = drawn[before:]
        name = method + (f"({margs[0]})" if margs else "")
        if args.save:
            folder = Path(args.save)
            folder.mkdir(parents=True, exist_ok=True)
            for i, (_, svg) in enumerate(mine):
                (folder / f"{report}_{name}_{i}.svg".replace("(", "_").replace(")", "")
                 ).write_text(svg, encoding="utf-8")
        rows.append({"chart": name, "call": call, "draw": sum(ms for ms, _ in mine),
                     "svg": sum(len(svg.encode("utf-8")) for _, svg in mine), "n": len(mine)})
    if profiler is not None:
        profiler.dump_stats(f"{args.profile}.{report}")
    return {"report": report, "import": import_ms, "rows": rows}


def in_fresh_process(report: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--one", report, "--data", str(args.data), "--as-of",
           args.as_of, "--language", args.language]
    if args.save:
        cmd += ["--save", args.save]
    if args.profile:
        cmd += ["--profile", args.profile]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{report} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "sample")
    parser.add_argument("--as-of", default="2026-06-30")
    parser.add_argument("--language", default="nb", choices=["nb", "en"])
    parser.add_argument("--pilots", nargs="*", default=["leksehjelp"],
                        help="pilot reports to time besides the portfolio (default leksehjelp)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per report")
    parser.add_argument("--save", help="write every SVG into this folder")
    parser.add_argument("--profile", help="write cProfile stats to FILE.<report>")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a worker: one report, JSON out
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args)))
        return
    import matplotlib

    print(f"data: {args.data}  as of: {args.as_of}  language: {args.language}  "
          f"matplotlib {matplotlib.__version__}  median of {args.repeat} fresh processes\n")
    grand = {"draw": 0.0, "call": 0.0, "svg": 0, "n": 0}
    for report in ["portfolio", *args.pilots]:
        runs = [in_fresh_process(report, args if i == 0 else
                                 argparse.Namespace(**{**vars(args), "save": None,
                                                       "profile": None}))
                for i in range(args.repeat)]
        print(f"{report} (import of the report module: "
              f"{statistics.median(r['import'] for r in runs):.0f} ms CPU)")
        print(f"  {'chart':<34} {'n':>2} {'draw ms':>8} {'call ms':>8} {'SVG bytes':>10}")
        total = {"draw": 0.0, "call": 0.0, "svg": 0, "n": 0}
        for i, row in enumerate(runs[0]["rows"]):
            draw = statistics.median(r["rows"][i]["draw"] for r in runs)
            call = statistics.median(r["rows"][i]["call"] for r in runs)
            print(f"  {row['chart']:<34} {row['n']:>2} {draw:>8.0f} {call:>8.0f} "
                  f"{row['svg']:>10,}")
            for key, value in (("draw", draw), ("call", call), ("svg", row["svg"]),
                               ("n", row["n"])):
                total[key] += value
        per = total["draw"] / max(total["n"], 1)
        print(f"  {'TOTAL':<34} {total['n']:>2} {total['draw']:>8.0f} {total['call']:>8.0f} "
              f"{total['svg']:>10,}   ({per:.0f} ms and "
              f"{total['svg'] / max(total['n'], 1) / 1024:.0f} KiB per chart)\n")
        for key in grand:
            grand[key] += total[key]
    print(f"ALL REPORTS: {grand['n']} charts, {grand['draw'] / 1e3:.2f} s CPU drawing, "
          f"{grand['call'] / 1e3:.2f} s CPU in the chart methods, "
          f"{grand['svg'] / 1024:.0f} KiB of SVG")


if __name__ == "__main__":
    main()
