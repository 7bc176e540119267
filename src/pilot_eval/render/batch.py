"""Render a whole report set for one as-of date, atomically.

``render_reports`` loads and validates the data once, renders the portfolio report and
one report per pilot (in parallel with ``jobs``), writes ``metrics.xlsx`` and then
``manifest.json``. Everything is first written into a hidden staging folder beside the
target; only when every report succeeded does that folder, complete with its manifest,
replace ``reports/<as_of>/`` in one step (:mod:`~pilot_eval.render.publish`), so a failed
or killed run never leaves a half-written set over a good one. The executed notebook of a
failed report is kept in ``reports/<as_of>/failed/``.

Nothing is left behind: one run at a time writes an output folder (a lock in it); the
metric tables (participant-level data) live in a private 0700 folder removed on every way
out (and by the next run after ``kill -9``); the workers die with the parent
(``PR_SET_PDEATHSIG``).

Speed (the sample set: portfolio and four pilots):

* The notebooks run in worker processes (one also with ``jobs=1``), each of which runs
  its notebooks itself, one after another: Papermill and nbclient execute them against an
  IPython shell in the worker (:class:`~pilot_eval.render.run.LocalSession`: a fresh
  namespace per notebook) instead of a kernel process. So no kernel is started, and the
  workers are forked from a fork server that has imported the report libraries, compiled
  the HTML templates and read the typeface (:mod:`._preload`) while the parent prepares the
  data (a thread of the parent waits for the workers to start, not the parent): that is
  done once per run, not once per worker. The server ends with the run.
* The metric tables, and their published form (the disclosure model applied), are computed
  once, here, and handed to the notebooks in a file that
  :data:`~pilot_eval.present.report_data.REPORT_DATA_ENV` names; a notebook uses it only when
  it was made from the same folder contents and date (otherwise it computes them itself,
  as it does in JupyterLab). The same tables fill ``metrics.xlsx``, written while the
  workers render.
* The reports are handed out longest first (the portfolio report, then the pilots with
  the most data), so no worker is left with a long report at the end.
* Each worker is a session of its own (where Linux groups the scheduling by session, the
  reports get a worker's share of a busy machine each) and runs at a slightly lower
  priority than the parent, whose tables every report waits for. While the parent
  computes them, each worker warms up in a thread (what is left of its first report's
  one-off costs: making the shell, running Typst once) until its first report arrives;
  ``metrics.xlsx`` is written once a worker has nothing left to do.
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import io
import logging
import multiprocessing.util
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..dataset import Dataset, load_dataset
from ..errors import ReportError, UsageError
from ..present import fmt
from . import publish
from .progress import LogProgress, Progress, auto_progress
from .run import LocalSession

log = logging.getLogger("pilot_eval")

PORTFOLIO_STEM = "portfolio_report"
FAILED_DIR = "failed"
KERNEL_NAME = "python3"
#: Imported by every worker before its first report: what the report notebooks import.
PRELOAD = ("pilot_eval.present.report",)

_TITLES = {
    "nb": {"portfolio": "Sosiale entreprenører – evaluering av pilotene",
           "pilot": "Evaluering av piloten {name}", "status": "status per {date}",
           "subtitle": "Statusrapport", "cover": "{municipality} · samarbeidsavtale {period} · "
           "utarbeidet {made} · verktøy: pilot_eval {version}"},
    "en": {"portfolio": "Social entrepreneurs – evaluation of the pilots",
           "pilot": "Evaluation of the pilot {name}", "status": "status as of {date}",
           "subtitle": "Status report", "cover": "{municipality} · agreement {period} · "
           "produced {made} · tool: pilot_eval {version}"},
}


def notebooks_dir() -> Path:
    """The folder with the report notebooks.

    ``PILOT_EVAL_NOTEBOOKS`` wins; otherwise ``notebooks/`` of the source tree this package
    runs from (``make`` installs it in editable mode).

    Returns
    -------
    Path
        A folder holding ``portfolio_report.ipynb`` and ``pilot_report.ipynb``.

    Raises
    ------
    UsageError
        When neither place has the notebooks.

    Examples
    --------
    >>> folder = notebooks_dir()
    >>> (folder / "portfolio_report.ipynb").is_file(), (folder / "pilot_report.ipynb").is_file()
    (True, True)
    """
    env = os.environ.get("PILOT_EVAL_NOTEBOOKS")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[3] / "notebooks")
    for folder in candidates:
        if (folder / f"{PORTFOLIO_STEM}.ipynb").is_file():
            return folder
    raise UsageError("Cannot find the report notebooks (notebooks/portfolio_report.ipynb). Run "
                     "pilot-eval from the project folder or set PILOT_EVAL_NOTEBOOKS to the "
                     "folder that holds them.",
                     nb="Fant ikke rapportnotatbøkene (notebooks/portfolio_report.ipynb). Kjør "
                        "pilot-eval fra prosjektmappen, eller sett PILOT_EVAL_NOTEBOOKS til "
                        "mappen de ligger i.")


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
                 notebooks: Path | None = None,
                 relative_to: Path | None = None,
                 reports_dir: Path | None = None,
                 decision: bool | None = None) -> list[ReportJob]:
    """The reports to render: the portfolio report and one per pilot (or those asked for).

    The notebooks get ``data_dir`` (and ``reports_dir``, the output folder whose earlier
    sets "what changed since the last report" compares with) as an absolute path, or
    relative to ``relative_to`` (the folder they will be published in, and run in) when that
    is given. ``decision=True`` makes every report show "after the agreement" (the
    notebooks' ``decision`` parameter); by default they decide from the as-of date.

    Parameters
    ----------
    ds : Dataset
        At the reports' as-of date.
    data_dir : Path
        The folder ``ds`` was loaded from, for the notebooks to load again.
    pilots : sequence of str, optional
        The pilots to report on; default every pilot.
    portfolio : bool, default True
        Also the portfolio report.
    language : {"nb", "en"}, optional
        Default: the agreement's language.
    notebooks : Path, optional
        Folder of the report notebooks; default :func:`notebooks_dir`.
    relative_to : Path, optional
        Give the notebooks their folders relative to this one.
    reports_dir : Path, optional
        The output folder, for the changes since the last report.
    decision : bool, optional
        Passed to the notebooks as ``decision`` when given.

    Returns
    -------
    list of ReportJob
        The portfolio report first, then the pilots in the order asked (or of ``ds``).

    Raises
    ------
    UsageError
        For a pilot that ``ds`` does not have.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> plan = plan_reports(ds, data_dir=Path("tests/data/doctest_small"), pilots=["lekse"],
    ...                     notebooks=Path("notebooks"), relative_to=Path("tests/data"))
    >>> for job in plan:
    ...     print(job.stem, job.notebook.name, job.parameters)  # doctest: +NORMALIZE_WHITESPACE
    portfolio_report portfolio_report.ipynb {'data_dir': 'doctest_small', 'as_of': '2026-02-01',
    'language': 'nb'}
    pilot_lekse pilot_report.ipynb {'data_dir': 'doctest_small', 'as_of': '2026-02-01', 'language':
    'nb', 'pilot_id': 'lekse'}
    >>> print(plan[1].title, "–", plan[1].as_of_text.replace("\\xa0", " "))
    Evaluering av piloten Leksehjelp Øst – status per 1. februar 2026
    """
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
                             f"{', '.join(known)}.",
                             nb=f"Ukjent pilot: {', '.join(f'«{u}»' for u in unknown)}. Pilotene "
                                f"er: {', '.join(known)}.")
    chosen = list(pilots) if pilots is not None else known
    as_of_iso = ds.as_of_date.date().isoformat()
    as_of_text = words["status"].format(date=fmt.date(ds.as_of_date, language=language))
    a = ds.agreement
    cover = words["cover"].format(
        municipality=a.municipality,
        period=f"{fmt.date(a.start, language=language)}–{fmt.date(a.end, language=language)}",
        made=fmt.date(time.strftime("%Y-%m-%d"), language=language), version=__version__)
    common = {"subtitle": words["subtitle"], "organisation": a.municipality, "cover_note": cover}
    def shown(folder: Path) -> str:
        path = os.path.realpath(folder)
        if relative_to is not None:
            with contextlib.suppress(ValueError):  # another drive (Windows): keep it absolute
                path = os.path.relpath(path, _real(relative_to))
        return Path(path).as_posix()

    base = {"data_dir": shown(data_dir), "as_of": as_of_iso, "language": language}
    if reports_dir is not None:
        base["reports_dir"] = shown(reports_dir)
    if decision is not None:
        base["decision"] = bool(decision)
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


def _real(path: Path) -> str:
    """``path`` resolved through its existing parents (it may not exist yet itself)."""
    path = Path(path)
    return os.path.join(os.path.realpath(path.parent), path.name)


def longest_first(plan: Sequence[ReportJob], ds: Dataset) -> list[ReportJob]:
    """``plan`` in the order to hand out: the portfolio report (it draws every pilot) first,
    then the pilot reports by how many rows of data the pilot has, most first.

    Handed out in this order, the longest reports start first and a run with several
    workers does not end waiting for one long report started last.

    Parameters
    ----------
    plan : sequence of ReportJob
        From :func:`plan_reports`.
    ds : Dataset
        The data the reports show (rows of participants, sessions, outcomes, costs and
        indicators are counted per pilot).

    Returns
    -------
    list of ReportJob
        The same jobs; jobs of equal size keep their order.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> plan = plan_reports(ds, data_dir=Path("tests/data/doctest_small"),
    ...                     notebooks=Path("notebooks"))
    >>> [job.stem for job in longest_first(plan[::-1], ds)]
    ['portfolio_report', 'pilot_lekse', 'pilot_jobb']
    """
    rows: dict[str, int] = {}
    for frame in (ds.participants, ds.sessions, ds.outcomes, ds.costs, ds.indicators):
        if "pilot_id" in frame.columns and len(frame):
            for pid, n in frame["pilot_id"].astype(str).value_counts().items():
                rows[pid] = rows.get(pid, 0) + int(n)
    total = sum(rows.values()) + 1

    def size(job: ReportJob) -> int:
        pid = job.parameters.get("pilot_id")
        return total if pid is None else rows.get(str(pid), 0)

    return sorted(plan, key=size, reverse=True)  # stable: plan order among equals


def _render_one(job: ReportJob, staging: Path, session: LocalSession | None = None,
                env: Mapping[str, str] | None = None,
                paths: Mapping[str, str] | None = None,
                on_stage: Callable[[str, Any], None] | None = None) -> dict[str, Any]:
    from .run import render_report

    # The notebook runs in the folder it is published in (the staging folder stands in for
    # it, at the same depth), so its relative paths hold where it is read.
    return render_report(job.notebook, staging, job.parameters, stem=job.stem, title=job.title,
                         language=job.language, as_of_text=job.as_of_text,
                         cwd=staging, html_options=job.html_options,
                         session=session, env=env, paths=paths, on_stage=on_stage)


# -- worker processes: each runs its reports' notebooks itself (LocalSession) ------------------
_WORKER: dict[str, Any] = {}
#: Added to a worker's niceness; see _start_worker.
_WORKER_NICENESS = 5


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Have this process get SIGTERM when its parent ends, however it ends (Linux)."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):  # then only the closed task queue ends a worker
            pass
    # Forked from the fork server, which ends when the parent does (and so sends the signal);
    # had the parent ended before we asked, no signal would come.
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        os._exit(128 + signal.SIGTERM)
    except PermissionError:  # alive, under another user (cannot happen to a parent)
        pass


def _let_fork_server_go() -> None:
    """Close this worker's copy of the pipe that keeps the fork server alive.

    The server ends when the pipe's last writer closes it; every child it forks gets a copy
    (to fork children of its own, which a worker never does). Closed here, the parent's is
    the last: when the parent dies, even by ``kill -9``, the server ends, and its end sends
    the workers their signal (:func:`_die_with_parent`)."""
    from multiprocessing import forkserver

    server = forkserver._forkserver
    fd = getattr(server, "_forkserver_alive_fd", None)
    if fd is not None and server.get_inherited_fds() is not None:  # forked by a server
        with contextlib.suppress(OSError):
            os.close(fd)
        server._forkserver_alive_fd = None


def _worker_stop(signum: int, frame: Any) -> None:
    """SIGTERM in a worker (from the parent, or because the parent died): end at once."""
    session = _WORKER.get("session")
    if session is not None:
        session.kill()
    os._exit(128 + signum)


def _start_worker(kernel_name: str, preload: tuple[str, ...], parent: int | None = None,
                  private: str | None = None, events: Any = None,
                  environ: Mapping[str, str] | None = None, cwd: str | None = None) -> None:
    _let_fork_server_go()
    if parent is not None:
        _die_with_parent(parent)
    # Forked from the fork server: its environment and folder are the parent's as they were
    # when the server started; a worker takes the parent's as they are now.
    if environ is not None:
        os.environ.clear()
        os.environ.update(environ)
    if cwd is not None:
        with contextlib.suppress(OSError):
            os.chdir(cwd)
    if events is not None:  # news of the reports' stages, for the display (see _StageNews)
        # a worker that ends does not wait for news nobody may read any more
        events.cancel_join_thread()
        # What a worker would write on the terminal (a library's warning, a log record)
        # would break the parent's display: it goes there, to be written above it.
        sys.stderr = _WrittenAbove(events)
    # Ctrl-C reaches the whole process group: the parent decides, and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)
    # jsonschema (imported by nbformat) imports rfc3987_syntax, which builds ~35 Lark parsers
    # on import: 1.1 s of CPU per process, for the "iri" formats that no notebook schema
    # uses (python-jsonschema/jsonschema#1428). A worker is our own process: go without.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    # A forked worker inherits the parent's context variables, among them the event loop
    # jupyter_core drives nbclient with; that loop's selector is shared with the parent. So
    # everything here runs in a fresh context, which makes and keeps a loop of its own.
    context = contextvars.Context()
    # A session of its own, as the kernels had (jupyter_client starts each in a new one):
    # where the scheduler groups processes by session (Linux "autogroup"), the reports get
    # a share of a busy machine per worker, not one share for the run. Ctrl-C and a closed
    # terminal reach the parent, which stops the workers; they also end with it.
    with contextlib.suppress(AttributeError, OSError):
        os.setsid()
    # The workers run at a slightly lower priority than the parent: until it has the shared
    # tables no report can start, so its CPU comes first while the workers import. Later
    # the parent waits, and the workers only compete with each other.
    try:
        os.nice(_WORKER_NICENESS)
    except (AttributeError, OSError):  # no nice() on Windows; the order is only a speed-up
        pass
    # The notebooks run in this process (no kernel process: LocalSession), one after another.
    session = LocalSession(kernel_name, preload=preload)
    _WORKER.update(session=session, context=context, report_started=threading.Event(),
                   private=private, events=events)
    multiprocessing.util.Finalize(session, session.shutdown, exitpriority=10)
    # Until the parent has the shared tables, this worker has nothing to do. A thread uses
    # the time for what the worker's first report would otherwise pay for (importing the
    # report libraries, IPython, Papermill, nbconvert and the PDF engine, compiling the
    # templates, loading the fonts), at the worker's lowered priority, until a report
    # arrives; the report then waits for the step under way.
    warm_up = threading.Thread(target=_warm_up, name="pilot-eval-warm-up", daemon=True)
    _WORKER["warm_up"] = warm_up
    warm_up.start()


def _warm_up() -> None:
    """Make the first report's one-off costs now, step by step, until a report starts.

    Runs in a thread of a pool worker, at the worker's priority: below the parent's, so it
    does not delay the tables, and no lower. Each step is one of a report's own calls (the
    last ones on a one-cell notebook), so what it leaves behind is what the report would
    have made. A report waits for the step under way (:func:`_render_in_worker`): nothing
    of a warm-up may print into a notebook's captured output.
    """
    started = _WORKER["report_started"]
    try:
        _WORKER["session"].start()  # imports the preload (the report libraries) and IPython
        if started.is_set():
            return
        from .run import _register_engine

        _register_engine()  # imports Papermill and nbclient
        if started.is_set():
            return
        from nbformat.v4 import new_code_cell, new_notebook, new_output

        from .export import html_to_pdf, notebook_to_html

        nb = new_notebook(cells=[new_code_cell("", outputs=[new_output(
            "display_data", {"text/html": "<p>Klar <strong>æøå</strong></p>", "text/plain": ""})])])
        html = notebook_to_html(nb, title="pilot_eval")
        if started.is_set():
            return
        with tempfile.TemporaryDirectory(prefix="warm-up-", dir=_WORKER.get("private")) as tmp:
            html_to_pdf(html, Path(tmp) / "warm-up.pdf")
    except Exception as exc:  # noqa: BLE001 — only a head start; a report meets and says it
        log.debug("Warming up a report worker failed (%s).", exc)


def _worker_context() -> Any:
    """How the workers start: forked from a fork server that has imported what a report
    needs (:mod:`._preload`), so that this is done once rather than in every worker.

    Not forked from this process: it may have run Typst, whose worker threads a forked child
    would wait for for ever, and it has not imported the report libraries. Where there is no
    fork server (Windows), they start fresh ("spawn").
    """
    main = sys.modules.get("__main__")
    if main is not None and not hasattr(main, "__spec__"):
        # an IPython shell's __main__ made from a namespace (LocalSession's, in this
        # process) has no __spec__, which both start methods read to re-import it; None
        # means "nothing to re-import" (and stays set: harmless to the shell)
        main.__spec__ = None
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # One fork server per process, started by the first run and kept for the next.
        context.set_forkserver_preload([_PRELOAD_MODULE])
        return context
    return multiprocessing.get_context("spawn")


_PRELOAD_MODULE = "pilot_eval.render._preload"


def _stop_fork_server(context: Any) -> None:
    """End the fork server of this run's workers, and wait for it: nothing of a run outlives
    it (its socket file included), and its CPU time is counted with the run's (``time``)."""
    if context is None or context.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)  # public only to CPython's tests
    if stop is not None:
        with contextlib.suppress(OSError):
            stop()


def _current_folder() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # removed under us; the workers keep the fork server's
        return None


def _worker_ready() -> None:
    """A no-op task: submitting one per worker starts the workers at once."""


def _start_workers(pool: ProcessPoolExecutor, workers: int, no_more: threading.Event) -> None:
    """Start the pool's workers (one no-op task each) until ``no_more`` is set; a pool that
    cannot start them is left to the first report's submission, which says so."""
    try:
        for _ in range(workers):
            if no_more.is_set():
                return
            pool.submit(_worker_ready)
    except Exception as exc:  # noqa: BLE001 — the first report's submit meets it and says so
        log.debug("Starting the report workers failed (%s).", exc)


def _render_in_worker(job: ReportJob, staging: Path, env: Mapping[str, str],
                      paths: Mapping[str, str]) -> dict[str, Any]:
    events = _WORKER.get("events")
    tell = None
    if events is not None:
        def tell(stage: str, detail: Any) -> None:
            events.put((job.stem, stage, detail))

        tell("execute", None)  # from now on it is this report's time, warm-up or not
    if not _WORKER["report_started"].is_set():
        _WORKER["report_started"].set()  # the warm-up stops after its current step
        _WORKER["warm_up"].join()
        # What is imported now stays for the worker's life: out of the collector's sight, so
        # that the many objects the charts make are not checked against all of it each time.
        gc.freeze()
    result = _WORKER["context"].run(_render_one, job, staging, _WORKER["session"], env, paths,
                                    tell)
    result["typst_compiler"] = _typst_compiler()
    return result


def _typst_compiler() -> str | None:
    """The version of the Typst compiler this worker ran (for the manifest; the ``typst``
    package's own version may differ). Asked here: the parent must not run Typst (see
    :func:`_worker_context`)."""
    if "typst_compiler" not in _WORKER:
        found = None
        try:
            import json

            import typst

            found = json.loads(typst.eval(b"", "str(sys.version)"))
        except Exception as exc:  # noqa: BLE001 — the manifest then says only the package's
            log.debug("Could not ask Typst its version (%s).", exc)
        _WORKER["typst_compiler"] = found
    return _WORKER["typst_compiler"]


class _WrittenAbove(io.TextIOBase):
    """A worker's standard error while the parent draws a live display: each line is sent
    to the parent, which writes it above the display."""

    def __init__(self, events: Any) -> None:
        self._events = events
        self._partial = ""

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        *lines, self._partial = (self._partial + text).split("\n")
        for line in lines:
            self._events.put(("", "note", line))
        return len(text)

    def flush(self) -> None:
        if self._partial:
            self._events.put(("", "note", self._partial))
            self._partial = ""


class _StageNews:
    """The workers' news of their reports' stages (a queue they are given when they start),
    passed on to the display by a thread of this process as it comes."""

    def __init__(self, context: Any, display: Progress) -> None:
        self.queue = context.Queue()
        self._display = display
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._pass_on, name="pilot-eval-progress",
                                         daemon=True)
        self._thread.start()

    def _pass_on(self) -> None:
        import queue

        while True:
            closing = self._stop.is_set()  # then only what is left (a worker's last words)
            try:
                stem, stage, detail = self.queue.get(block=not closing, timeout=0.1)
            except queue.Empty:
                if closing:
                    return
                continue
            except (EOFError, OSError, ValueError):  # closed: the run is over
                return
            try:
                if stage == "note":
                    self._display.note(detail)
                else:
                    self._display.stage(stem, stage, detail)
            except Exception as exc:  # noqa: BLE001 — a display must not stop the reports
                log.debug("The progress display failed (%s).", exc)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5.0)
        self.queue.close()
        self.queue.cancel_join_thread()


def _display(progress: Progress | str | None, on_progress: Callable[[str], None] | None,
             language: str | None) -> Progress:
    """The :class:`~pilot_eval.render.progress.Progress` a run tells what it does."""
    if progress is None:
        return LogProgress(on_progress)
    if progress == "auto":
        return auto_progress(language, say=on_progress)
    if isinstance(progress, Progress):
        return progress
    raise UsageError(f"progress={progress!r} must be None, 'auto' or a "
                     "pilot_eval.render.progress.Progress.")


def _stop_workers(pool: ProcessPoolExecutor, grace: float = 10.0) -> None:
    """Stop the workers now (each ends at once on SIGTERM), not after their reports."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        with contextlib.suppress(Exception):
            if process.is_alive():
                process.kill()
                process.join(1.0)
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)


def _same_rows(ds: Dataset, view: Dataset) -> bool:
    """Whether ``view`` (``ds`` seen at its as-of date) holds exactly the rows of ``ds``."""
    if view is ds:
        return True
    names = ("costs", "participants", "sessions", "outcomes", "indicators")
    return (all(len(getattr(ds, n)) == len(getattr(view, n)) for n in names)
            and ds.participants["exited_on"].equals(view.participants["exited_on"]))


def _share(ds: Dataset, key: str, folder: Path) -> tuple[Any, dict[str, str]]:
    """Compute the report data once and save them in ``folder`` for the notebooks; (None, {})
    if that fails, so that the notebooks compute (and report a failure by cell) themselves."""
    from ..present.report_data import REPORT_DATA_ENV, report_data, save_report_data

    try:
        data = report_data(ds, key=key)
        path = save_report_data(data, folder / "report-data.pickle")
    except Exception as exc:  # noqa: BLE001 — the notebooks will meet it and say where
        log.debug("Could not precompute the metric tables (%s); each report computes them.", exc)
        return None, {}
    return data, {REPORT_DATA_ENV: str(path)}


def render_reports(data_dir: str | Path, *, as_of: str | None = None,
                   pilots: Sequence[str] | None = None, portfolio: bool = True,
                   language: str | None = None, out: str | Path = "reports", jobs: int = 1,
                   notebooks: Path | None = None,
                   on_progress: Callable[[str], None] | None = None,
                   lock_wait: float | None = None,
                   decision: bool | None = None,
                   progress: Progress | str | None = None) -> dict[str, Any]:
    """Render the report set for ``data_dir`` into ``out/<as_of>/``.

    Returns a dict with ``out_dir``, ``outputs`` (paths) and ``timings`` (seconds per
    report and stage, and ``total``). Raises :class:`~pilot_eval.DataValidationError` for
    bad data, :class:`~pilot_eval.UsageError` for bad arguments and
    :class:`~pilot_eval.ReportError` when a report fails (nothing replaced then), among
    them :class:`~pilot_eval.render.publish.OutputWriteError` (disk full, read-only folder)
    and :class:`~pilot_eval.render.publish.OutputBusyError` (another run kept writing into
    ``out`` for longer than ``lock_wait`` seconds; default ``PILOT_EVAL_LOCK_WAIT`` or 300).

    A ``pilots`` run publishes a folder with the other reports of the previous set carried
    over, and a manifest that says which run made each file.

    What the run does is shown by ``progress``: None writes plain lines (to ``on_progress``,
    by default the ``pilot_eval`` logger), one per report done; ``"auto"`` draws one live
    line per report on a terminal (standard error) and writes the plain lines anywhere
    else; or a :class:`~pilot_eval.render.progress.Progress` of the caller's (started
    already or not; closed when the run ends). See :mod:`~pilot_eval.render.progress`.

    Parameters
    ----------
    data_dir : path
        The data folder (validated first).
    as_of : str, optional
        ISO date of the reports; default the latest date in the data.
    pilots : sequence of str, optional
        Render only these pilots' reports; default every pilot.
    portfolio : bool, default True
        Render the portfolio report.
    language : {"nb", "en"}, optional
        Default: the agreement's language.
    out : path, default "reports"
        The output folder; the set goes to ``out/<as_of>/``.
    jobs : int, default 1
        Reports rendered at once, each in a worker process.
    notebooks : Path, optional
        Folder of the report notebooks; default :func:`notebooks_dir`.
    on_progress : callable, optional
        Told a plain line per report done (when ``progress`` is None).
    lock_wait : float, optional
        Seconds to wait for another run writing into ``out``.
    decision : bool, optional
        Show "after the agreement" in every report (True), in none (False), or decide
        from the as-of date (None).
    progress : Progress, "auto" or None, optional
        How the run is shown, see above.

    Returns
    -------
    dict
        ``out_dir`` (Path), ``outputs`` (list of Path) and ``timings``.

    Examples
    --------
    Skipped when the examples run: it executes two report notebooks and typesets their
    PDFs (about 25 s of CPU).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:  # doctest: +SKIP
    ...     done = render_reports("tests/data/doctest_small", pilots=["lekse"],
    ...                           out=Path(tmp) / "reports")
    ...     print(done["out_dir"].name, sorted(done["timings"]))
    ...     for path in sorted(done["out_dir"].iterdir()):
    ...         print(path.name)
    2026-02-01 ['metrics_xlsx', 'pilot_lekse', 'portfolio_report', 'total']
    manifest.json
    metrics.json
    metrics.xlsx
    pilot_lekse.html
    pilot_lekse.ipynb
    pilot_lekse.pdf
    portfolio_report.html
    portfolio_report.ipynb
    portfolio_report.pdf
    """
    t_start = time.perf_counter()
    display = _display(progress, on_progress, language)
    display.start()  # at once: reading the data is the first thing a person waits for
    try:
        return _render_reports(data_dir, as_of=as_of, pilots=pilots, portfolio=portfolio,
                               language=language, out=out, jobs=jobs, notebooks=notebooks,
                               lock_wait=lock_wait, decision=decision, display=display,
                               t_start=t_start)
    finally:
        display.close()


def _render_reports(data_dir: str | Path, *, as_of: str | None, pilots: Sequence[str] | None,
                    portfolio: bool, language: str | None, out: str | Path, jobs: int,
                    notebooks: Path | None, lock_wait: float | None, decision: bool | None,
                    display: Progress, t_start: float) -> dict[str, Any]:
    if jobs < 1:
        raise UsageError(f"--jobs {jobs} must be 1 or more.",
                         nb=f"--jobs {jobs} må være 1 eller mer.")
    if lock_wait is None:
        try:
            lock_wait = float(os.environ.get("PILOT_EVAL_LOCK_WAIT", publish.DEFAULT_LOCK_WAIT))
        except ValueError:
            raise UsageError("PILOT_EVAL_LOCK_WAIT must be a number of seconds.") from None
    say = display.note
    publish.clear_stale_private()  # left by runs that were killed
    private = publish.PrivateFolder()
    try:
        # Workers first: each takes a second or two to import the report libraries, which
        # it does while this process loads the data and computes the tables. (The number of
        # reports is known only after loading; until then, at most one per pilot asked for,
        # plus the portfolio.) Also with one job: the notebooks run in a process of their own.
        most = (1 if portfolio else 0) + (len(set(pilots)) if pilots else jobs)
        workers = max(1, min(jobs, most))
        finished = False
        context = _worker_context()
        # The display draws in this process only; the workers send it their stages.
        news = (_StageNews(context or multiprocessing.get_context(), display)
                if display.wants_stages else None)
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                                   mp_context=context,
                                   initargs=(KERNEL_NAME, PRELOAD, os.getpid(), str(private.path),
                                             None if news is None else news.queue,
                                             dict(os.environ), _current_folder()))
        # Starting a worker waits for the fork server to import the report libraries
        # (about 2 s): a thread waits, while this one loads the data and computes the tables.
        no_more = threading.Event()  # set when the run ends before the workers have started
        starting = threading.Thread(target=_start_workers, args=(pool, workers, no_more),
                                    name="pilot-eval-start-workers", daemon=True)
        starting.start()
        try:
            result = _render_set(Path(data_dir), as_of=as_of, pilots=pilots,
                                 portfolio=portfolio, language=language, out=Path(out),
                                 jobs=jobs, notebooks=notebooks, say=say, pool=pool,
                                 private=private.path, lock_wait=lock_wait, t_start=t_start,
                                 decision=decision, display=display)
            finished = True
            return result
        finally:
            try:
                no_more.set()  # at most the worker being started is waited for
                starting.join()  # a worker started after the stop would outlive the run
            finally:  # also when a second Ctrl-C ends the wait
                # After a failure or a signal nothing of the reports still running will be
                # used: stop the workers now rather than wait for them.
                if finished:
                    pool.shutdown(wait=True, cancel_futures=True)
                else:
                    _stop_workers(pool)
                _stop_fork_server(context)
                if news is not None:
                    news.close()
    finally:
        private.remove()


def _render_set(data_dir: Path, *, as_of: str | None, pilots: Sequence[str] | None,
                portfolio: bool, language: str | None, out: Path, jobs: int,
                notebooks: Path | None, say: Callable[[str], None],
                pool: ProcessPoolExecutor, private: Path, lock_wait: float,
                t_start: float, display: Progress,
                decision: bool | None = None) -> dict[str, Any]:
    from ..present.report_data import data_key

    try:
        key = data_key(data_dir)  # before loading: a folder changed meanwhile will not match
    except OSError:
        key = ""  # load_dataset says what is wrong with the folder
    ds = load_dataset(data_dir, as_of=as_of)
    out_dir = out / ds.as_of_date.date().isoformat()
    plan = plan_reports(ds, data_dir=data_dir, pilots=pilots, portfolio=portfolio,
                        language=language, notebooks=notebooks, relative_to=out_dir,
                        reports_dir=out, decision=decision)
    try:
        with publish.OutputLock(out, wait=lock_wait, say=say):
            publish.clear_stale_staging(out)
            staging = publish.new_staging(out_dir)
            try:
                return _render_into(ds, data_dir=data_dir, as_of=as_of, key=key, plan=plan,
                                    pilots=pilots, portfolio=portfolio, language=language,
                                    out_dir=out_dir, staging=staging, jobs=jobs, say=say,
                                    pool=pool, private=private,
                                    t_start=t_start, display=display)
            except BaseException:
                _stop_workers(pool)  # no report may still be writing into the staging folder
                raise
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        unwritable = publish.write_error(exc, out)
        if unwritable is None:
            raise
        raise unwritable from exc
    except ReportError as exc:
        unwritable = publish.write_error(exc, out)
        if unwritable is None or isinstance(exc, publish.OutputWriteError):
            raise
        raise unwritable from exc


def _render_into(ds: Dataset, *, data_dir: Path, as_of: str | None, key: str,
                 plan: list[ReportJob], pilots: Sequence[str] | None, portfolio: bool,
                 language: str | None, out_dir: Path, staging: Path, jobs: int,
                 say: Callable[[str], None], pool: ProcessPoolExecutor, private: Path,
                 t_start: float, display: Progress) -> dict[str, Any]:
    from .. import __version__
    from ..metrics import metric_tables, rules_hash
    from ..present.changes import METRICS_JSON, agreement_key, find_previous
    from .run import library_versions, write_manifest
    from .workbook import write_metric_files

    # What the notebooks see: they are always given the as-of date.
    view = ds if as_of is not None else ds.as_of(ds.as_of_date)
    timings: dict[str, Any] = {}
    failures: list[tuple[ReportJob, ReportError]] = []
    results: dict[str, dict[str, Any]] = {}
    order = longest_first(plan, ds)
    xlsx_error: list[BaseException] = []
    # Absolute paths as the published notebooks show them: relative to where they lie.
    paths = {_real(data_dir): plan[0].parameters["data_dir"] if plan else ".",
             _real(out_dir): ".", str(private): "<temporary folder>"}
    notebook_dirs = {job.notebook.parent for job in plan}
    for folder in notebook_dirs:
        with contextlib.suppress(ValueError):
            paths.setdefault(_real(folder),
                             Path(os.path.relpath(_real(folder), _real(out_dir))).as_posix())

    # metrics.xlsx for people; metrics.json, the same cells, for the next report's changes
    metric_files = [staging / "metrics.xlsx", staging / METRICS_JSON]
    # the workbook speaks the reports' language and names their date and agreement
    book = {"min_cell_size": ds.agreement.min_cell_size, "as_of": view.as_of_date,
            "agreement": ds.agreement,
            "language": plan[0].language if plan else language or ds.agreement.language}

    def write_xlsx(data: Any) -> None:
        # Written while the reports render; an error is raised where it used to be (after them).
        if data is None or not _same_rows(ds, view):
            return  # written from ds after the reports, as always
        t0 = time.perf_counter()
        try:
            write_metric_files(data.tables, metric_files, **book)
        except Exception as exc:  # noqa: BLE001
            xlsx_error.append(exc)
        timings["metrics_xlsx"] = round(time.perf_counter() - t0, 3)

    display.planned([job.stem for job in order], language=plan[0].language if plan
                    else (language or ds.agreement.language),
                    as_of=ds.as_of_date.date().isoformat(), jobs=jobs)
    # The shared tables hold participant-level data: the private folder, not the reports'.
    data, env = _share(view, key, private)
    try:
        futures = {pool.submit(_render_in_worker, job, staging, env, paths): job
                   for job in order}
    except BrokenProcessPool as exc:  # a worker died while starting (killed, out of memory)
        raise ReportError(
            f"The processes that render the reports ended before the first report "
            f"({' '.join(str(exc).split())}). Nothing in {str(out_dir)!r} was replaced; "
            "run the command again, and check the machine's free memory if it happens "
            "again.") from exc
    # The workbook is written once a worker has nothing left to do: until then every core
    # is busy with reports, and the last report runs alone. With one job, this process
    # has a core to itself: at once.
    idle_after = len(order) - jobs + 1
    if idle_after <= 0 or jobs == 1:
        write_xlsx(data)
    for done, future in enumerate(as_completed(futures), start=1):
        _collect(futures[future], future.result, results, failures, display)
        if done == idle_after:
            write_xlsx(data)
    if failures:
        for failure in failures:  # disk full, read-only: one clear message, not per report
            if isinstance(failure[1], publish.OutputWriteError):
                raise failure[1]
        kept = []
        for job, _ in failures:
            failed_nb = staging / FAILED_DIR / f"{job.stem}.ipynb"
            if failed_nb.exists():
                target = out_dir / FAILED_DIR / failed_nb.name
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(failed_nb, target)
                except OSError:  # no room for it: the failure's message matters more
                    continue
                kept.append(target)
        first = failures[0][1]
        text = str(first)
        for path in kept:  # the message named the staging path; point to where it is now
            text = text.replace(str(staging / FAILED_DIR / path.name), str(path))
        more = f" ({len(failures) - 1} other report(s) failed too.)" if len(failures) > 1 else ""
        raise ReportError(text + more + f" Nothing in {out_dir} was replaced.")
    if xlsx_error:
        raise xlsx_error[0]
    if "metrics_xlsx" not in timings:
        t0 = time.perf_counter()
        write_metric_files(metric_tables(ds), metric_files, **book)
        timings["metrics_xlsx"] = round(time.perf_counter() - t0, 3)
    for job in plan:
        timings[job.stem] = {k: round(v, 3) for k, v in results[job.stem]["timings"].items()}
    made = sorted(p for p in staging.iterdir() if p.is_file())
    # A run of some pilots only takes the rest of the set with it; a full run is the set.
    carried = []
    if pilots is not None:
        carried = publish.carry_over(out_dir, staging, replaced=[p.name for p in made],
                                     failed_replaced=[job.stem for job in plan])
    timings["total"] = round(time.perf_counter() - t_start, 3)
    parameters = {"data_dir": str(data_dir), "as_of": ds.as_of_date.date().isoformat(),
                  "language": plan[0].language if plan else language,
                  "pilots": [j.parameters.get("pilot_id") for j in plan if "pilot_id" in j.parameters],
                  "portfolio": portfolio, "jobs": jobs}
    if plan and "decision" in plan[0].parameters:
        parameters["decision"] = plan[0].parameters["decision"]
    # what the next report needs to find this set and say what changed since it; and
    # which set this one's "changes since the last report" compared with (the notebooks
    # found the same: the output folder is locked, and this set is not yet in it)
    agreement = agreement_key(ds.agreement)
    previous = find_previous(out_dir.parent, ds.as_of_date, agreement)
    extra: dict[str, Any] = {
        "as_of": ds.as_of_date.date().isoformat(), "agreement": agreement,
        "metric_tables": METRICS_JSON,
        "previous_report": None if previous is None else {
            "folder": previous.folder.name, "as_of": previous.as_of.date().isoformat(),
            "created_utc": None if previous.created_utc is None
            else previous.created_utc.isoformat()},
        "rules_sha256": rules_hash(ds), "rules": dict(ds.agreement.rules)}
    if carried:
        extra["carried_over"] = carried
    versions = library_versions(__version__)
    # the compiler inside the typst package, as the workers that made the PDFs ran it
    versions["typst_compiler"] = next(
        (r["typst_compiler"] for r in results.values() if r.get("typst_compiler")), None)
    write_manifest(staging, parameters=parameters, inputs=list(ds.input_files), outputs=made,
                   timings=timings, package_version=__version__, extra=extra,
                   versions=versions)
    # publish: the complete folder, manifest included, replaces the previous one at once
    publish.switch_in(staging, out_dir)
    outputs = [out_dir / p.name for p in made]
    say(f"Done in {timings['total']:.1f} s: {out_dir}")
    return {"out_dir": out_dir, "outputs": outputs, "timings": timings}


def _collect(job: ReportJob, run: Callable[[], dict[str, Any]], results: dict[str, dict[str, Any]],
             failures: list[tuple[ReportJob, ReportError]], display: Progress) -> None:
    try:
        results[job.stem] = run()
        display.finished(job.stem, results[job.stem]["timings"])
    except ReportError as exc:
        failures.append((job, exc))
        display.failed(job.stem)
    except BrokenProcessPool as exc:  # the worker died (killed, out of memory, a crash in C)
        failures.append((job, ReportError(
            f"Report {job.stem!r} failed: the process rendering it ended unexpectedly "
            f"({' '.join(str(exc).split())}). Earlier reports were left unchanged.")))
        display.failed(job.stem)
