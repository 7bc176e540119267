"""Time every chart a portfolio report and a pilot report draw: ms per chart and CPU in all.

    python benchmarks/bench_figures.py [--data data/sample] [--as-of 2026-06-30]
                                       [--pilots leksehjelp] [--language nb] [--repeat 3]
                                       [--save DIR] [--profile FILE] [--compare SRC]

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

``--compare SRC`` times the same charts with the package in ``SRC`` too (the ``src`` folder
of an earlier commit, e.g. ``git archive <commit> src | tar -x -C /tmp/old``), the two
runs of each report taking turns so that both see the same machine; the table then has
both and their ratio.

Nothing is asserted: speed is measured here, not unit-tested. CPU time (``time.process_time``)
is used rather than wall time, so that other work on the machine disturbs the numbers less.
"""

from __future__ import annotations

import argparse
import json
import os
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


def in_fresh_process(report: str, args: argparse.Namespace, src: str | None = None,
                     first: bool = False) -> dict[str, Any]:
    """:func:`run_one` in a new interpreter (with the package from ``src`` if given)."""
    cmd = [sys.executable, __file__, "--one", report, "--data", str(args.data), "--as-of",
           args.as_of, "--language", args.language]
    if first and args.save:
        cmd += ["--save", args.save if src is None else f"{args.save}-compare"]
    if first and args.profile:
        cmd += ["--profile", args.profile if src is None else f"{args.profile}-compare"]
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(Path(src).resolve()),
                                             env.get("PYTHONPATH", "")])
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if done.returncode:
        sys.exit(f"{report} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_rows(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per chart, the median of each timing over the runs (the sizes of the first)."""
    return [{**row, "draw": statistics.median(r["rows"][i]["draw"] for r in runs),
             "call": statistics.median(r["rows"][i]["call"] for r in runs)}
            for i, row in enumerate(runs[0]["rows"])]


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
    parser.add_argument("--compare", help="a src folder of another version to time beside")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a worker: one report, JSON out
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args)))
        return
    import matplotlib

    versions = [None] + ([args.compare] if args.compare else [])
    print(f"data: {args.data}  as of: {args.as_of}  language: {args.language}  "
          f"matplotlib {matplotlib.__version__}  median of {args.repeat} fresh processes"
          + (f"\nbeside: {args.compare} (\"was\" columns)" if args.compare else "") + "\n")
    grand = {v: {"draw": 0.0, "call": 0.0, "svg": 0, "n": 0} for v in versions}
    for report in ["portfolio", *args.pilots]:
        runs: dict[str | None, list[dict[str, Any]]] = {v: [] for v in versions}
        for i in range(args.repeat):  # the versions take turns
            for v in versions:
                runs[v].append(in_fresh_process(report, args, v, first=i == 0))
        rows = {v: median_rows(runs[v]) for v in versions}
        imports = "  ".join(f"{statistics.median(r['import'] for r in runs[v]):.0f}"
                            for v in versions)
        print(f"{report} (import of the report module, ms CPU: {imports})")
        head = f"  {'chart':<30} {'n':>2} {'draw ms':>8} {'call ms':>8} {'SVG bytes':>10}"
        if args.compare:
            head += f" {'was draw':>9} {'was SVG':>10} {'draw ×':>7}"
        print(head)
        for i, row in enumerate(rows[None]):
            line = (f"  {row['chart']:<30} {row['n']:>2} {row['draw']:>8.0f} {row['call']:>8.0f} "
                    f"{row['svg']:>10,}")
            if args.compare:
                was = rows[args.compare][i]
                line += (f" {was['draw']:>9.0f} {was['svg']:>10,} "
                         f"{row['draw'] / max(was['draw'], 1e-9):>7.2f}")
            print(line)
        totals = {}
        for v in versions:
            totals[v] = {key: sum(r[key] for r in rows[v]) for key in ("draw", "call", "svg", "n")}
            for key in grand[v]:
                grand[v][key] += totals[v][key]
        t = totals[None]
        line = (f"  {'TOTAL':<30} {t['n']:>2} {t['draw']:>8.0f} {t['call']:>8.0f} "
                f"{t['svg']:>10,}")
        if args.compare:
            w = totals[args.compare]
            line += f" {w['draw']:>9.0f} {w['svg']:>10,} {t['draw'] / max(w['draw'], 1e-9):>7.2f}"
        print(line + f"\n  per chart: {t['draw'] / max(t['n'], 1):.0f} ms, "
              f"{t['svg'] / max(t['n'], 1) / 1024:.0f} KiB\n")
    for v in versions:
        g = grand[v]
        print(f"{'ALL REPORTS' if v is None else 'WAS (' + v + ')'}: {g['n']} charts, "
              f"{g['draw'] / 1e3:.2f} s CPU drawing, {g['call'] / 1e3:.2f} s CPU in the chart "
              f"methods, {g['svg'] / 1024:.0f} KiB of SVG")
    if args.compare:
        print(f"drawing time now / was: {grand[None]['draw'] / grand[args.compare]['draw']:.2f}")


if __name__ == "__main__":
    main()
