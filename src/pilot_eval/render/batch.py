"""Render a whole report set for one as-of date, atomically.

``render_reports`` loads and validates the data once, renders the portfolio report and
one report per pilot (in parallel with ``jobs``), writes ``metrics.xlsx`` and then
``manifest.json``. Everything is first written into a hidden staging folder beside the
target; only when every report succeeded are the files moved into
``reports/<as_of>/``, so a failed run never leaves a half-written set over a good one.
The executed notebook of a failed report is kept in ``reports/<as_of>/failed/``.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..dataset import Dataset, load_dataset
from ..errors import ReportError, UsageError
from ..present import fmt

log = logging.getLogger("pilot_eval")

PORTFOLIO_STEM = "portfolio_report"
FAILED_DIR = "failed"

_TITLES = {
    "nb": {"portfolio": "Sosiale entreprenører – evaluering av pilotene",
           "pilot": "Evaluering av piloten {name}", "status": "status per {date}",
           "subtitle": "Statusrapport", "cover": "{municipality} · samarbeidsavtale {period} · "
           "laget {made} med pilot_eval {version}"},
    "en": {"portfolio": "Social entrepreneurs – evaluation of the pilots",
           "pilot": "Evaluation of the pilot {name}", "status": "status as of {date}",
           "subtitle": "Status report", "cover": "{municipality} · agreement {period} · "
           "made {made} with pilot_eval {version}"},
}


def notebooks_dir() -> Path:
    """The folder with the report notebooks.

    ``PILOT_EVAL_NOTEBOOKS`` wins; otherwise ``notebooks/`` of the source tree this package
    runs from (``make`` installs it in editable mode).
    """
    env = os.environ.get("PILOT_EVAL_NOTEBOOKS")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[3] / "notebooks")
    for folder in candidates:
        if (folder / f"{PORTFOLIO_STEM}.ipynb").is_file():
            return folder
    raise UsageError("Cannot find the report notebooks (notebooks/portfolio_report.ipynb). Run "
                     "pilot-eval from the project folder or set PILOT_EVAL_NOTEBOOKS to the "
                     "folder that holds them.")


@dataclass(frozen=True)
class ReportJob:
    """One notebook to render."""

    stem: str
    notebook: Path
    parameters: dict[str, Any]
    title: str
    language: str
    as_of_text: str
    html_options: dict[str, Any] = field(default_factory=dict)


def plan_reports(ds: Dataset, *, data_dir: Path, pilots: Sequence[str] | None = None,
                 portfolio: bool = True, language: str | None = None,
                 notebooks: Path | None = None) -> list[ReportJob]:
    """The reports to render: the portfolio report and one per pilot (or those asked for)."""
    from .. import __version__

    language = language or ds.agreement.language
    fmt.check_language(language)
    words = _TITLES[language]
    notebooks = notebooks or notebooks_dir()
    known = ds.pilot_ids
    if pilots:
        unknown = [p for p in pilots if p not in known]
        if unknown:
            raise UsageError(f"Unknown pilot(s) {', '.join(map(repr, unknown))}; the pilots are: "
                             f"{', '.join(known)}.")
    chosen = list(pilots) if pilots else known
    as_of_iso = ds.as_of_date.date().isoformat()
    as_of_text = words["status"].format(date=fmt.date(ds.as_of_date, language=language))
    a = ds.agreement
    cover = words["cover"].format(
        municipality=a.municipality,
        period=f"{fmt.date(a.start, language=language)}–{fmt.date(a.end, language=language)}",
        made=fmt.date(time.strftime("%Y-%m-%d"), language=language), version=__version__)
    common = {"subtitle": words["subtitle"], "organisation": a.municipality, "cover_note": cover}
    base = {"data_dir": str(Path(data_dir).resolve()), "as_of": as_of_iso, "language": language}
    jobs = []
    if portfolio:
        jobs.append(ReportJob(PORTFOLIO_STEM, notebooks / f"{PORTFOLIO_STEM}.ipynb", dict(base),
                              words["portfolio"], language, as_of_text, dict(common)))
    names = ds.pilots.set_index(ds.pilots["pilot_id"].astype(str))["name"]
    for pid in chosen:
        jobs.append(ReportJob(f"pilot_{pid}", notebooks / "pilot_report.ipynb", {**base, "pilot_id": pid},
                              words["pilot"].format(name=names[pid]), language, as_of_text,
                              dict(common)))
    return jobs


def _render_one(job: ReportJob, staging: Path) -> dict[str, Any]:
    from .run import render_report

    return render_report(job.notebook, staging, job.parameters, stem=job.stem, title=job.title,
                         language=job.language, as_of_text=job.as_of_text,
                         cwd=job.notebook.parent, html_options=job.html_options)


def render_reports(data_dir: str | Path, *, as_of: str | None = None,
                   pilots: Sequence[str] | None = None, portfolio: bool = True,
                   language: str | None = None, out: str | Path = "reports", jobs: int = 1,
                   notebooks: Path | None = None,
                   on_progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Render the report set for ``data_dir`` into ``out/<as_of>/``.

    Returns a dict with ``out_dir``, ``outputs`` (paths) and ``timings`` (seconds per
    report and stage, and ``total``). Raises :class:`~pilot_eval.DataValidationError` for
    bad data, :class:`~pilot_eval.UsageError` for bad arguments and
    :class:`~pilot_eval.ReportError` when a report fails (nothing replaced then).
    """
    from .. import __version__
    from ..metrics import metric_tables, rules_hash
    from .run import write_manifest
    from .workbook import write_metrics

    t_start = time.perf_counter()
    if jobs < 1:
        raise UsageError(f"--jobs {jobs} must be 1 or more.")
    say = on_progress or (lambda msg: log.info(msg))
    data_dir = Path(data_dir)
    ds = load_dataset(data_dir, as_of=as_of)
    plan = plan_reports(ds, data_dir=data_dir, pilots=pilots, portfolio=portfolio,
                        language=language, notebooks=notebooks)
    out_dir = Path(out) / ds.as_of_date.date().isoformat()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{out_dir.name}-", dir=out_dir.parent))
    timings: dict[str, Any] = {}
    failures: list[tuple[ReportJob, ReportError]] = []
    results: dict[str, dict[str, Any]] = {}
    try:
        say(f"Rendering {len(plan)} report(s) for {ds.as_of_date.date()} with {jobs} job(s) …")
        if jobs == 1 or len(plan) == 1:
            for job in plan:
                _collect(job, lambda j=job: _render_one(j, staging), results, failures, say)
        else:
            with ProcessPoolExecutor(max_workers=min(jobs, len(plan))) as pool:
                futures = {pool.submit(_render_one, job, staging): job for job in plan}
                for future in as_completed(futures):
                    _collect(futures[future], future.result, results, failures, say)
        if failures:
            kept = []
            for job, _ in failures:
                failed_nb = staging / FAILED_DIR / f"{job.stem}.ipynb"
                if failed_nb.exists():
                    target = out_dir / FAILED_DIR / failed_nb.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(failed_nb, target)
                    kept.append(target)
            first = failures[0][1]
            text = str(first)
            for path in kept:  # the message named the staging path; point to where it is now
                text = text.replace(str(staging / FAILED_DIR / path.name), str(path))
            more = f" ({len(failures) - 1} other report(s) failed too.)" if len(failures) > 1 else ""
            raise ReportError(text + more + f" Nothing in {out_dir} was replaced.")
        t0 = time.perf_counter()
        write_metrics(metric_tables(ds), staging / "metrics.xlsx", min_cell_size=ds.agreement.min_cell_size)
        timings["metrics_xlsx"] = round(time.perf_counter() - t0, 3)
        for job in plan:
            timings[job.stem] = {k: round(v, 3) for k, v in results[job.stem]["timings"].items()}
        # publish: every file moves into place, then the manifest that describes them
        out_dir.mkdir(parents=True, exist_ok=True)
        outputs: list[Path] = []
        for path in sorted(p for p in staging.iterdir() if p.is_file()):
            target = out_dir / path.name
            os.replace(path, target)
            outputs.append(target)
        for job in plan:
            (out_dir / FAILED_DIR / f"{job.stem}.ipynb").unlink(missing_ok=True)
        timings["total"] = round(time.perf_counter() - t_start, 3)
        parameters = {"data_dir": str(data_dir), "as_of": ds.as_of_date.date().isoformat(),
                      "language": plan[0].language if plan else language,
                      "pilots": [j.parameters.get("pilot_id") for j in plan if "pilot_id" in j.parameters],
                      "portfolio": portfolio, "jobs": jobs}
        write_manifest(out_dir, parameters=parameters, inputs=list(ds.input_files), outputs=outputs,
                       timings=timings, package_version=__version__,
                       extra={"rules_sha256": rules_hash(ds), "rules": dict(ds.agreement.rules)})
        say(f"Done in {timings['total']:.1f} s: {out_dir}")
        return {"out_dir": out_dir, "outputs": outputs, "timings": timings}
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _collect(job: ReportJob, run: Callable[[], dict[str, Any]], results: dict[str, dict[str, Any]],
             failures: list[tuple[ReportJob, ReportError]], say: Callable[[str], None]) -> None:
    try:
        results[job.stem] = run()
        t = results[job.stem]["timings"]
        say(f"  {job.stem}: {sum(t.values()):.1f} s (execute {t.get('execute', 0):.1f}, "
            f"html {t.get('html', 0):.1f}, pdf {t.get('pdf', 0):.1f})")
    except ReportError as exc:
        failures.append((job, exc))
        say(f"  {job.stem}: FAILED")
