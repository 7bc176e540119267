"""Run a report notebook with Papermill and export it, all or nothing.

:func:`render_report` writes every file into a staging folder inside ``out_dir`` and moves
them into place (``os.replace``, one file at a time) only after execution, HTML and PDF
all succeeded. A failure leaves the previous report exactly as it was and keeps the failed
executed notebook in ``out_dir/failed/`` for debugging.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ReportError, UsageError
from ..io import atomic_write_bytes
from .export import html_to_pdf, notebook_to_html

if TYPE_CHECKING:  # pragma: no cover
    from nbformat import NotebookNode

__all__ = [
    "execute_notebook",
    "render_report",
    "sha256_file",
    "write_manifest",
]

FAILED_DIR = "failed"


@dataclass(frozen=True)
class _Failure:
    """What went wrong in a notebook, to be worded once we know where it is kept."""

    input_nb: Path
    what: str  # "cell 5 of 7 ('# compute …', under heading 'Reach')" or a stage
    error: str  # "ValueError: deliberate failure"
    hint: str = ""

    def message(self, kept_at: Path | None) -> str:
        kept = (
            f" The executed notebook, with the full traceback, is kept at {str(kept_at)!r};"
            " open it in JupyterLab to see the failing cell."
            if kept_at is not None
            else ""
        )
        return (
            f"Report notebook {self.input_nb.name!r} failed in {self.what}: {self.error}."
            f"{kept}{(' ' + self.hint) if self.hint else ''}"
            " Earlier reports were left unchanged."
        )


class _NotebookFailed(Exception):
    def __init__(self, failure: _Failure, cause: BaseException):
        super().__init__(failure.what)
        self.failure = failure
        self.cause = cause


def _first_line(source: str, limit: int = 70) -> str:
    for line in source.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "\u2026"
    return ""


def _heading_before(nb: NotebookNode, index: int) -> str | None:
    """The nearest markdown heading at or above cell ``index``."""
    for cell in reversed(nb.cells[: index + 1]):
        if cell.cell_type != "markdown":
            continue
        for line in reversed(cell.source.splitlines()):
            if line.lstrip().startswith("#"):
                return line.lstrip("# \t").strip()
    return None


def _describe_cell(output_nb: Path, exc: Any) -> str:
    """Word the failing cell as the author sees it in the input notebook."""
    import nbformat

    first = _first_line(exc.source or "")
    position = f"cell {int(exc.cell_index) + 1}"
    heading = None
    try:
        nb = nbformat.read(output_nb, as_version=4)
        # Papermill adds error-banner cells and an injected-parameters cell; none of them
        # exists in the author's notebook, so count without them.
        skip = {"injected-parameters", "papermill-error-cell-tag"}
        own = [i for i, c in enumerate(nb.cells) if not skip & set(c.metadata.get("tags", []))]
        failed = next(
            i
            for i in own
            if nb.cells[i].cell_type == "code"
            and (
                any(o.get("output_type") == "error" for o in nb.cells[i].get("outputs", []))
                or nb.cells[i].metadata.get("papermill", {}).get("exception") is True
            )
        )
        position = f"cell {own.index(failed) + 1} of {len(own)}"
        heading = _heading_before(nb, failed)
    except Exception:  # an unreadable notebook still gets a useful message
        pass
    parts = [position]
    if exc.exec_count is not None:
        parts.append(f"In [{exc.exec_count}]")
    details = []
    if first:
        details.append(f"starting {first!r}")
    if heading:
        details.append(f"under the heading {heading!r}")
    what = ", ".join(parts)
    return f"{what} ({'; '.join(details)})" if details else what


def _check_kernel(kernel_name: str) -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        raise ReportError(
            f"No Jupyter kernel named {kernel_name!r} is installed for {sys.executable}. "
            f"Install it with: {sys.executable} -m ipykernel install --sys-prefix "
            f"--name {kernel_name}"
        ) from None


def _execute(
    input_nb: Path,
    output_nb: Path,
    parameters: Mapping[str, Any],
    *,
    kernel_name: str,
    cwd: Path | str | None,
    timeout: float | None,
) -> NotebookNode:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    input_nb = Path(input_nb)
    if not input_nb.is_file():
        raise UsageError(f"report notebook {str(input_nb)!r} does not exist.")
    _check_kernel(kernel_name)
    Path(output_nb).parent.mkdir(parents=True, exist_ok=True)
    try:
        return pm.execute_notebook(
            str(input_nb),
            str(output_nb),
            parameters=dict(parameters),
            kernel_name=kernel_name,
            cwd=str(cwd) if cwd is not None else None,
            progress_bar=sys.stderr.isatty(),
            log_output=False,
            report_mode=False,
            execution_timeout=timeout,
            # The kernel's own start-up chatter (e.g. "running over TCP without
            # encryption") is noise in cron logs; errors still come through.
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except PapermillExecutionError as exc:
        evalue = " ".join(str(exc.evalue).split()).rstrip(".")
        failure = _Failure(
            input_nb,
            _describe_cell(Path(output_nb), exc),
            f"{exc.ename}: {evalue}" if evalue else exc.ename,
        )
        raise _NotebookFailed(failure, exc) from exc
    except Exception as exc:  # dead kernel, timeout, bad notebook JSON …
        failure = _Failure(
            input_nb,
            "execution",
            f"{type(exc).__name__}: {' '.join(str(exc).split())}",
            "Check that the notebook opens and runs in JupyterLab with the same parameters.",
        )
        raise _NotebookFailed(failure, exc) from exc


def execute_notebook(
    input_nb: Path,
    output_nb: Path,
    parameters: Mapping[str, Any],
    *,
    kernel_name: str = "python3",
    cwd: Path | str | None = None,
    timeout: float | None = None,
) -> NotebookNode:
    """Execute a parameterised notebook in-process with Papermill.

    Parameters
    ----------
    input_nb : Path
        The notebook to run; its cell tagged ``parameters`` holds the defaults.
    output_nb : Path
        Where the executed notebook is written (also when execution fails).
    parameters : mapping
        Values injected after the ``parameters`` cell (JSON-able: str, int, float, bool,
        list, dict; pass dates and paths as strings).
    kernel_name : str, default "python3"
        Jupyter kernel; ``ipykernel`` provides ``python3`` for the running interpreter.
    cwd : Path, optional
        Working folder of the kernel; None keeps the current one (Papermill's default).
    timeout : float, optional
        Seconds allowed per cell; None waits for ever.

    Returns
    -------
    NotebookNode
        The executed notebook.

    Raises
    ------
    ReportError
        A cell raised: the message names the cell (its position, first source line and
        the heading above it) and the exception, and says where the executed notebook
        is. Also when the kernel is missing or dies.
    UsageError
        ``input_nb`` does not exist.
    """
    try:
        return _execute(
            input_nb, output_nb, parameters, kernel_name=kernel_name, cwd=cwd, timeout=timeout
        )
    except _NotebookFailed as failed:
        kept = Path(output_nb) if Path(output_nb).exists() else None
        raise ReportError(failed.failure.message(kept)) from failed.cause


def render_report(
    input_nb: Path,
    out_dir: Path,
    parameters: Mapping[str, Any],
    *,
    stem: str,
    title: str,
    language: str = "nb",
    as_of_text: str = "",
    kernel_name: str = "python3",
    cwd: Path | str | None = None,
    timeout: float | None = None,
    html_options: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Execute a report notebook and publish ``<stem>.ipynb``, ``.html`` and ``.pdf``.

    Parameters
    ----------
    input_nb : Path
        Parameterised report notebook.
    out_dir : Path
        Folder that receives the report (created if missing), e.g. ``reports/2026-06-30``.
    parameters : mapping
        Papermill parameters (see :func:`execute_notebook`).
    stem : str
        File name without suffix, e.g. ``"portfolio_report"`` or ``"pilot_leksehjelp"``.
    title, language, as_of_text
        Passed to :func:`~pilot_eval.render.export.notebook_to_html` and
        :func:`~pilot_eval.render.export.html_to_pdf`.
    kernel_name, cwd, timeout
        Passed to :func:`execute_notebook`.
    html_options : mapping, optional
        Extra keyword arguments for ``notebook_to_html`` (``subtitle``, ``organisation``,
        ``cover_note``, ...).

    Returns
    -------
    dict
        ``{"notebook": Path, "html": Path, "pdf": Path, "timings": {"execute": s,
        "html": s, "pdf": s}}`` with paths inside ``out_dir`` and seconds as floats.

    Raises
    ------
    ReportError
        Any stage failed. Nothing in ``out_dir`` was replaced; the executed notebook (if
        execution got that far) is in ``out_dir/failed/<stem>.ipynb``.

    Notes
    -----
    Staging happens in a hidden folder inside ``out_dir`` so that the final
    ``os.replace`` stays on one file system and is atomic per file. After a success a
    stale ``failed/<stem>.ipynb`` from an earlier run is removed: it no longer describes
    the report in ``out_dir``.
    """
    if not stem or any(ch in stem for ch in "/\\") or stem.startswith("."):
        raise UsageError(f"stem={stem!r} must be a plain file name such as 'portfolio_report'.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_dir, prefix=f".staging-{stem}-"))
    staged = {
        "notebook": staging / f"{stem}.ipynb",
        "html": staging / f"{stem}.html",
        "pdf": staging / f"{stem}.pdf",
    }
    timings: dict[str, float] = {}
    stage = "execute"
    try:
        try:
            t0 = time.perf_counter()
            executed = _execute(
                Path(input_nb),
                staged["notebook"],
                parameters,
                kernel_name=kernel_name,
                cwd=cwd,
                timeout=timeout,
            )
            timings["execute"] = time.perf_counter() - t0

            stage = "html"
            t0 = time.perf_counter()
            html = notebook_to_html(
                executed,
                title=title,
                language=language,
                as_of_text=as_of_text,
                **dict(html_options or {}),
            )
            atomic_write_bytes(staged["html"], html.encode("utf-8"))
            timings["html"] = time.perf_counter() - t0

            stage = "pdf"
            t0 = time.perf_counter()
            html_to_pdf(html, staged["pdf"], title=title, language=language)
            timings["pdf"] = time.perf_counter() - t0
        except _NotebookFailed as failed:
            kept = _keep_failed(staged["notebook"], out_dir, stem)
            raise ReportError(failed.failure.message(kept)) from failed.cause
        except Exception as exc:
            kept = _keep_failed(staged["notebook"], out_dir, stem)
            message = (
                str(exc)
                if isinstance(exc, ReportError)
                else (f"{type(exc).__name__}: {' '.join(str(exc).split())}")
            )
            where = f" The executed notebook is kept at {str(kept)!r}." if kept else ""
            raise ReportError(
                f"Report {stem!r} failed at the {stage} stage: {message}{where}"
                " Earlier reports were left unchanged."
            ) from exc

        final = {key: out_dir / path.name for key, path in staged.items()}
        for key, path in staged.items():
            os.replace(path, final[key])
        (out_dir / FAILED_DIR / f"{stem}.ipynb").unlink(missing_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {**final, "timings": timings}


def _keep_failed(executed: Path, out_dir: Path, stem: str) -> Path | None:
    if not executed.exists():
        return None
    target = out_dir / FAILED_DIR / f"{stem}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(executed, target)
    return target


def sha256_file(path: Path | str, *, chunk_size: int = 1 << 20) -> str:
    """Return the SHA-256 of a file as 64 lower-case hex digits.

    Parameters
    ----------
    path : Path
        File to hash; read in chunks, so large files are fine.
    chunk_size : int, default 1 MiB

    Returns
    -------
    str
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def _file_entries(paths: Iterable[Path | str], root: Path) -> list[dict[str, Any]]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise UsageError(f"cannot hash {str(p)!r}: no such file or folder.")
    entries = []
    for f in files:
        try:
            shown = f.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            shown = f.as_posix()
        entries.append({"path": shown, "bytes": f.stat().st_size, "sha256": sha256_file(f)})
    return entries


def write_manifest(
    out_dir: Path,
    *,
    parameters: Mapping[str, Any],
    inputs: list[Path],
    outputs: list[Path],
    timings: Mapping[str, Any],
    package_version: str,
    extra: Mapping[str, Any] | None = None,
) -> Path:
    """Write ``out_dir/manifest.json``: what was run, on what, producing what.

    Parameters
    ----------
    out_dir : Path
        Report folder; the manifest goes directly inside it (atomically).
    parameters : mapping
        Run parameters (as passed to the notebooks); dates and paths become strings.
    inputs : list of Path
        Input files, or folders (every file inside is listed), e.g. the data folder.
    outputs : list of Path
        Files written by the run. Paths inside ``out_dir`` are stored relative to it.
    timings : mapping
        Stage durations in seconds, e.g. ``{"portfolio_report": {"execute": 3.1, ...}}``.
    package_version : str
        ``pilot_eval.__version__``.
    extra : mapping, optional
        Further JSON-able facts to record (e.g. the hash of the scorecard rules).

    Returns
    -------
    Path
        The manifest's path.

    Notes
    -----
    Every input and output carries its size and SHA-256, so anyone can check later that
    a PDF came from exactly these data with exactly this version.
    """
    out_dir = Path(out_dir)
    manifest = {
        "package": "pilot_eval",
        "version": package_version,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "parameters": dict(parameters),
        "inputs": _file_entries(inputs, out_dir),
        "outputs": _file_entries(outputs, out_dir),
        "timings": dict(timings),
    }
    if extra:
        manifest.update(dict(extra))
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False, default=str)
    return atomic_write_bytes(out_dir / "manifest.json", (text + "\n").encode("utf-8"))
