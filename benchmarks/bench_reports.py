"""Time the report set: the whole run, its start-up, and per report and stage.

    python benchmarks/bench_reports.py [--jobs 1 2] [--as-of 2026-06-30] [--data data/sample]
                                       [--repeat N] [--baseline REV] [--by-process]

Each run is the real command, ``python -m pilot_eval.cli report DATA --all --jobs J``, in a
fresh process (interpreter start, imports, workers, kernels: everything a user waits for).
Per report it prints the stages the manifest records (execute, HTML, PDF) and, inside
execute, the time spent in the chart functions of :mod:`pilot_eval.present.figures`
(``charts``; measured by wrapping them, :mod:`_chart_timer`, in every process of the run).
For the whole set: the wall time, the CPU seconds of every process of the run (parent,
workers, kernels), and ``start-up``, the time from launching the command until the first
report's first notebook cell ran (imports, data loading and validation, the shared metric
tables, kernel start).

``--baseline REV`` runs the set of an earlier commit beside this tree's, alternately, on
the same data and as-of date: REV is checked out with ``git worktree add --detach`` in a
temporary folder (removed afterwards) and run with ``PYTHONPATH`` pointing at its ``src``
(its own notebooks). The last lines give the ratios baseline / current of the medians of
wall and CPU time: the speed-up, measured in one sitting on one machine. Use ``--repeat 3``
or more: the machine may be shared.

``--by-process`` also splits the CPU seconds by kind of process (the command itself, the
fork server its workers are forked from, the workers, kernels), read from ``/proc`` while
the run goes (Linux; the polling costs a little CPU of its own, outside what is measured).

Nothing is asserted (speed is measured, not unit-tested). Wall time depends on what else
the machine is doing, so each run also prints the load average before it; with other
work running, compare the CPU seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
STAGES = ("execute", "charts", "html", "pdf")


@dataclass
class Run:
    """One run of the report set."""

    label: str
    jobs: int
    wall: float
    cpu: float
    startup: float | None
    load: float
    reports: dict[str, dict[str, float]]
    xlsx: float | None
    by_process: dict[str, float] = field(default_factory=dict)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _proc_table() -> dict[int, tuple[int, float, str]]:
    """{pid: (parent pid, CPU seconds, command line)} of every process (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                command = fh.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        table[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick, command)
    return table


def _kind(pid: int, root: int, parents: dict[int, int], command: str) -> str:
    if pid == root:
        return "command"
    if "ipykernel" in command:
        return "kernels"
    # the workers are forked from a fork server (same command line), a child of the command
    if "forkserver" in command:
        return "fork server" if parents.get(pid) == root else "workers"
    return "workers" if parents.get(pid) == root else "other"


def _watch(process: subprocess.Popen[bytes], interval: float = 0.05) -> dict[str, float]:
    """CPU seconds by kind of process, polled from /proc until ``process`` ends."""
    last: dict[int, tuple[str, float]] = {}
    root = process.pid
    while process.poll() is None:
        table = _proc_table()
        parents = {pid: row[0] for pid, row in table.items()}
        family = {root}
        grew = True
        while grew:
            grew = False
            for pid, parent in parents.items():
                if parent in family and pid not in family:
                    family.add(pid)
                    grew = True
        for pid in family & table.keys():
            kind = last[pid][0] if pid in last else _kind(pid, root, parents, table[pid][2])
            last[pid] = (kind, table[pid][1])
        time.sleep(interval)
    out: dict[str, float] = {}
    for kind, seconds in last.values():
        out[kind] = out.get(kind, 0.0) + seconds
    return out


def _iso_seconds(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _first_cell_start(notebook: Path) -> float | None:
    """When the first code cell of an executed notebook started (Papermill's metadata)."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for cell in nb.get("cells", []):
        start = cell.get("metadata", {}).get("papermill", {}).get("start_time")
        if cell.get("cell_type") == "code" and start:
            return _iso_seconds(start)
    return None


def run_set(label: str, src: Path, data: Path, as_of: str, jobs: int,
            by_process: bool = False) -> Run:
    """Run ``pilot-eval report DATA --all`` of the package in ``src`` once, in a new process."""
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        tmp_path = Path(tmp)
        hook = tmp_path / "hook"
        hook.mkdir()
        (hook / "sitecustomize.py").write_text(
            f"import sys\nsys.path.insert(0, {str(HERE)!r})\n"
            "import _chart_timer\n_chart_timer.install()\ndel sys.path[0]\n", encoding="utf-8")
        charts_file = tmp_path / "charts.tsv"
        env = dict(os.environ)
        env.update(PYTHONPATH=os.pathsep.join([str(src), str(hook)]),
                   PILOT_EVAL_BENCH_CHARTS=str(charts_file),
                   PILOT_EVAL_NOTEBOOKS=str(src.parent / "notebooks"))
        out = tmp_path / "reports"
        command = [sys.executable, "-m", "pilot_eval.cli", "-q", "report", str(data), "--all",
                   "--jobs", str(jobs), "--as-of", as_of, "--out", str(out)]
        load = os.getloadavg()[0]
        c0 = _children_cpu()
        spawned, t0 = time.time(), time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, cwd=tmp_path)
        kinds = _watch(process) if by_process else {}
        stdout, stderr = process.communicate()
        wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
        if process.returncode != 0:
            sys.stderr.write(stderr.decode(errors="replace"))
            raise SystemExit(f"{label}: the report run failed (exit {process.returncode})")
        folder = out / as_of
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        timings = manifest["timings"]
        charts: dict[str, float] = {}
        if charts_file.exists():
            for line in charts_file.read_text(encoding="utf-8").splitlines():
                stem, seconds = line.split("\t")
                charts[stem] = charts.get(stem, 0.0) + float(seconds)
        reports = {}
        starts = []
        for stem, t in timings.items():
            if not isinstance(t, dict):
                continue
            reports[stem] = {**t, "charts": charts.get(stem, 0.0)}
            first = _first_cell_start(folder / f"{stem}.ipynb")
            if first is not None:
                starts.append(first)
        startup = min(starts) - spawned if starts else None
        return Run(label, jobs, wall, cpu, startup, load, reports, timings.get("metrics_xlsx"),
                   kinds)


def print_run(run: Run) -> None:
    head = f"{run.label:>8} {run.jobs:>4}"
    for stem, t in run.reports.items():
        cells = " ".join(f"{t.get(s, 0.0):>7.2f}" for s in STAGES)
        total = sum(t.get(s, 0.0) for s in ("execute", "html", "pdf"))
        print(f"{head}  {stem:<20} {cells} {total:>7.2f}")
    if run.xlsx is not None:
        print(f"{head}  {'metrics.xlsx':<20} {run.xlsx:>39.2f}")
    startup = f"{run.startup:.2f}" if run.startup is not None else "?"
    busy = "  (machine busy: compare CPU)" if run.load > 0.5 else ""
    print(f"{head}  {'WHOLE SET':<20} wall {run.wall:.2f} s   CPU {run.cpu:.2f} s   "
          f"start-up {startup} s   load before {run.load:.2f}{busy}")
    if run.by_process:
        parts = "   ".join(f"{k} {v:.2f}" for k, v in sorted(run.by_process.items()))
        print(f"{head}  {'CPU by process':<20} {parts}")
    print()


@contextlib.contextmanager
def checkout(rev: str) -> Iterator[Path]:
    """A detached ``git worktree`` of ``rev`` in a temporary folder, removed afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
    tree = tmp / "tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree),
                    rev], check=True)
    try:
        # byte-code now, as `make` does for the current tree: not part of what is timed
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "src")], check=True)
        yield tree
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                       check=False)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], check=False)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--as-of", default="2026-06-30")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "sample")
    parser.add_argument("--repeat", type=int, default=1, help="runs per --jobs value (and side)")
    parser.add_argument("--baseline", metavar="REV",
                        help="also run this commit's report set, alternately with this tree's")
    parser.add_argument("--by-process", action="store_true",
                        help="split the CPU seconds by process kind (polls /proc)")
    args = parser.parse_args()
    data = args.data.resolve()
    print(f"cores: {os.cpu_count()}  data: {data}  as of: {args.as_of}  python: "
          f"{sys.executable}\n")
    print(f"{'tree':>8} {'jobs':>4}  {'report':<20} " + " ".join(f"{s:>7}" for s in STAGES)
          + f" {'sum':>7}")
    with contextlib.ExitStack() as stack:
        sides = [("current", ROOT / "src")]
        if args.baseline:
            tree = stack.enter_context(checkout(args.baseline))
            sides.insert(0, (f"{args.baseline[:8]}", tree / "src"))
        runs: list[Run] = []
        for jobs in args.jobs:
            for _ in range(args.repeat):
                for label, src in sides:
                    run = run_set(label, src, data, args.as_of, jobs, args.by_process)
                    print_run(run)
                    runs.append(run)
        if args.baseline:
            print("speed-up, baseline / current (medians):")
            for jobs in args.jobs:
                for what in ("wall", "cpu"):
                    base = statistics.median(getattr(r, what) for r in runs
                                             if r.jobs == jobs and r.label != "current")
                    now = statistics.median(getattr(r, what) for r in runs
                                            if r.jobs == jobs and r.label == "current")
                    print(f"  jobs {jobs}  {what:<4} {base:6.2f} s / {now:6.2f} s = "
                          f"{base / now:5.2f}x")


if __name__ == "__main__":
    main()
