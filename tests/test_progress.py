"""Tests for pilot_eval.render.progress: what a report set shows while it renders.

The displays are tested on their own (a live picture as text, log lines); then a real
report set (tests/data/minimal, two tiny notebooks) is rendered once with a display that
records what the worker processes told it, and once more in a pseudo-terminal, as a
person at a terminal sees it.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from pilot_eval.errors import UsageError
from pilot_eval.render.batch import render_reports
from pilot_eval.render.progress import LiveProgress, LogProgress, auto_progress
from tests.conftest import MINIMAL, ROOT

AS_OF = "2025-12-31"
STEMS = ["portfolio_report", "pilot_lekse", "pilot_jobb"]


def _live(language: str = "nb") -> LiveProgress:
    return LiveProgress(language)


def _lines(progress: LiveProgress, width: int = 70) -> list[str]:
    return [" ".join(line.split()) for line in progress.snapshot(width=width).splitlines()]


# ---- the live picture ---------------------------------------------------------------------------


def test_the_data_being_read_shows_before_the_reports_are_known():
    progress = _live("nb")
    assert _lines(progress) == ["⠋ leser dataene 0:00"]
    assert _lines(_live("en")) == ["⠋ reading the data 0:00"]


def test_one_line_per_report_with_its_stage_under_the_count():
    progress = _live()
    progress.planned(STEMS, language="nb", as_of=AS_OF, jobs=2)
    assert _lines(progress) == ["⠋ 0 av 3 rapporter 0:00", "· portfolio_report venter",
                                "· pilot_lekse venter", "· pilot_jobb venter"]
    progress.stage("portfolio_report", "execute", (16, 31))
    progress.stage("pilot_lekse", "html")
    progress.stage("pilot_jobb", "pdf")
    assert _lines(progress)[1:] == ["⠋ portfolio_report kjører notatboken 16/31 0:00",
                                    "⠋ pilot_lekse lager HTML 0:00",
                                    "⠋ pilot_jobb lager PDF 0:00"]
    progress.finished("pilot_lekse", {"execute": 1.0})
    progress.failed("pilot_jobb")
    assert _lines(progress) == ["⠋ 2 av 3 rapporter 0:00",
                                "⠋ portfolio_report kjører notatboken 16/31 0:00",
                                "✓ pilot_lekse ferdig 0:00", "✗ pilot_jobb feilet 0:00"]
    progress.finished("portfolio_report", {})
    assert _lines(progress)[0] == "✓ 3 av 3 rapporter 0:00"


def test_the_report_language_is_used_once_known_and_one_report_is_singular():
    progress = _live("nb")  # the command line's --lang was not given
    progress.planned(["pilot_lekse"], language="en", as_of=AS_OF, jobs=1)
    progress.stage("pilot_lekse", "execute")
    assert _lines(progress) == ["⠋ 0 of 1 report 0:00", "⠋ pilot_lekse running the notebook 0:00"]


def test_late_news_of_a_report_already_done_is_ignored():
    # the stages come through a queue, the end through the report's future: either first
    progress = _live()
    progress.planned(["pilot_lekse"], language="nb", as_of=AS_OF, jobs=1)
    progress.finished("pilot_lekse", {})
    progress.stage("pilot_lekse", "pdf")
    progress.stage("no_such_report", "pdf")
    assert _lines(progress)[1:] == ["✓ pilot_lekse ferdig 0:00"]


def test_elapsed_time_runs_from_a_reports_first_stage_to_its_end(monkeypatch):
    from pilot_eval.render import progress as module

    clock = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])
    progress = _live()
    progress.start()
    try:
        progress.planned(["portfolio_report", "pilot_lekse"], language="nb", as_of=AS_OF,
                         jobs=1)
        clock[0] += 5
        progress.stage("portfolio_report", "execute")
        clock[0] += 65
        progress.finished("portfolio_report", {})
        clock[0] += 30
        assert _lines(progress) == ["⠋ 1 av 2 rapporter 1:40", "✓ portfolio_report ferdig 1:05",
                                    "· pilot_lekse venter"]
    finally:
        progress.close()


def test_what_does_not_fit_the_terminal_is_summed_up_in_one_line(monkeypatch):
    stems = [f"pilot_{i}" for i in range(10)]
    progress = _live()
    monkeypatch.setattr(LiveProgress, "console",
                        property(lambda self: _console(io.StringIO(), height=7)))
    progress.planned(stems, language="nb", as_of=AS_OF, jobs=2)
    for stem in stems[:4]:
        progress.stage(stem, "execute")
    for stem in stems[:3]:
        progress.finished(stem, {})  # pilot_0 first
    picture = progress._picture()  # what the 7-line terminal gets: header + 4 + summary
    screen = io.StringIO()
    _console(screen, height=7).print(picture)
    lines = [" ".join(line.split()) for line in screen.getvalue().splitlines()]
    assert lines[0].startswith("⠋ 3 av 10 rapporter")
    # the running one stays, the earliest done go first, then the last waiting
    assert [line.split()[1] for line in lines[1:-1]] == ["pilot_3", "pilot_4", "pilot_5",
                                                         "pilot_6"]
    assert lines[-1] == "… 3 ferdig, 3 venter"


def _console(file, *, height: int = 40, terminal: bool = True):
    from rich.console import Console

    return Console(file=file, width=70, height=height, force_terminal=terminal,
                   color_system=None, markup=False, highlight=False, emoji=False)


def test_log_records_during_the_display_are_written_above_it(monkeypatch):
    screen = io.StringIO()
    logger = logging.getLogger("pilot_eval")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    monkeypatch.setattr(logger, "handlers", [handler])
    monkeypatch.setattr(logger, "level", logging.INFO)
    stream = handler.stream
    progress = LiveProgress("nb", console=_console(screen))
    with progress:
        progress.planned(["pilot_lekse"], language="nb", as_of=AS_OF, jobs=1)
        logger.info("Waiting for the run [pid 7] that writes into reports/ …")
        progress.note("A note [with brackets]")
    text = screen.getvalue()
    assert "Waiting for the run [pid 7] that writes into reports/ …" in text  # no markup
    assert "A note [with brackets]" in text
    assert handler.stream is stream  # given back
    assert "\x1b[?25h" in text  # the cursor shown again


# ---- plain lines --------------------------------------------------------------------------------


def test_log_lines_one_per_report_with_the_count():
    lines: list[str] = []
    progress = LogProgress(lines.append)
    with progress:
        progress.planned(["pilot_lekse"], language="nb", as_of=AS_OF, jobs=1)
        progress.stage("pilot_lekse", "execute")  # not wanted, not written
        progress.finished("pilot_lekse", {"execute": 1.04, "html": 0.5, "pdf": 0.25})
        progress.note("Done.")
    assert lines == ["Rendering 1 report for 2025-12-31 (--jobs 1) …",
                     "  pilot_lekse: 1.8 s (execute 1.0, html 0.5, pdf 0.2); 1 of 1 report",
                     "Done."]
    assert not LogProgress.wants_stages and LiveProgress.wants_stages


def test_auto_draws_live_only_on_a_terminal(monkeypatch):
    assert isinstance(auto_progress(stream=io.StringIO()), LogProgress)
    primary, secondary = os.openpty()
    with os.fdopen(secondary, "w", encoding="utf-8") as terminal:
        monkeypatch.setenv("TERM", "xterm-256color")
        live = auto_progress("en", stream=terminal)
        assert isinstance(live, LiveProgress) and live.language == "en"
        monkeypatch.setenv("TERM", "dumb")
        assert isinstance(auto_progress(stream=terminal), LogProgress)
    os.close(primary)


def test_a_wrong_progress_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="progress="):
        render_reports(MINIMAL, out=tmp_path, progress="yes please")


# ---- a real report set --------------------------------------------------------------------------

_BODY = "import time\ntime.sleep(0.2)\nprint('ferdig')"


def _notebook(parameters: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_markdown_cell("## Liten rapport"),
                nbformat.v4.new_code_cell(_BODY)]
    return nb


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A notebooks folder with a tiny portfolio and pilot report (three cells each)."""
    folder = tmp_path_factory.mktemp("notebooks")
    common = 'data_dir = "."\nas_of = None\nlanguage = "nb"\n'
    nbformat.write(_notebook(common), folder / "portfolio_report.ipynb")
    nbformat.write(_notebook(common + 'pilot_id = "lekse"\n'), folder / "pilot_report.ipynb")
    return folder


class _Recording(LogProgress):
    """Plain lines, and every stage the workers sent (as the live display gets them)."""

    wants_stages = True

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.events: list[tuple[str, str, object]] = []
        super().__init__(self.lines.append)

    def stage(self, stem, stage, detail=None):
        self.events.append((stem, stage, detail))
        super().stage(stem, stage, detail)

    def finished(self, stem, timings):
        self.events.append((stem, "done", None))
        super().finished(stem, timings)


@pytest.fixture(scope="module")
def recorded(tiny: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    progress = _Recording()
    out = tmp_path_factory.mktemp("reports")
    result = render_reports(MINIMAL, as_of=AS_OF, out=out, notebooks=tiny, jobs=2,
                            progress=progress)
    return {"progress": progress, "result": result}


def test_the_workers_tell_each_reports_stages_in_order(recorded):
    events = recorded["progress"].events
    stems = {stem for stem, _, _ in events}
    assert stems == {"portfolio_report", "pilot_lekse", "pilot_jobb"}
    cells = 4  # the parameters, the injected parameters, a heading, the body
    for stem in stems:
        mine = [(stage, detail) for s, stage, detail in events if s == stem]
        assert mine[0] == ("execute", None)
        assert [e for e in mine if e[1]] == [("execute", (i, cells)) for i in range(1, cells + 1)]
        assert [stage for stage, _ in mine if stage != "execute"] == ["html", "pdf", "done"]
    assert recorded["progress"].counts() == (3, 3)


def test_without_a_terminal_one_plain_line_per_report(recorded):
    lines = recorded["progress"].lines
    assert lines[0] == f"Rendering 3 reports for {AS_OF} (--jobs 2) …"
    per_report = [line for line in lines if re.match(r"  \w+: [\d.]+ s \(execute", line)]
    assert len(per_report) == 3
    assert [line.rsplit("; ", 1)[1] for line in per_report] == [
        "1 of 3 reports", "2 of 3 reports", "3 of 3 reports"]
    assert lines[-1].startswith("Done in ")


def test_the_manifest_names_the_typst_compiler_the_workers_ran(recorded):
    import importlib.metadata

    manifest = json.loads((recorded["result"]["out_dir"] / "manifest.json").read_text("utf-8"))
    versions = manifest["versions"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", versions["typst_compiler"])
    assert versions["typst"] == importlib.metadata.version("typst")
    assert versions["pilot_eval"] == manifest["version"]


# ---- in a pseudo-terminal ---------------------------------------------------------------------

_DRIVER = """\
import logging, sys
from pilot_eval.cli import _setup_logging
_setup_logging(False)
from pilot_eval.render.batch import render_reports
render_reports(sys.argv[1], as_of=sys.argv[2], out=sys.argv[3], jobs=2, progress="auto")
logging.getLogger("pilot_eval").info("AFTER-THE-DISPLAY")
"""

_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # the rest move the cursor, erase, hide it


def _in_a_terminal(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``argv`` with standard error (and output) on a pseudo-terminal; its output."""
    import select

    primary, secondary = os.openpty()
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=secondary,
                               stderr=secondary, env=env, close_fds=True)
    os.close(secondary)
    chunks = []
    while True:
        ready, _, _ = select.select([primary], [], [], 120)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    return process.wait(30), b"".join(chunks).decode("utf-8", "replace")


def test_in_a_terminal_the_lines_are_redrawn_in_place(tiny, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TERM": "xterm-256color",
           "PILOT_EVAL_NOTEBOOKS": str(tiny), "COLUMNS": "80", "LINES": "24"}
    env.pop("NO_COLOR", None)
    code, output = _in_a_terminal(
        [sys.executable, "-c", _DRIVER, str(MINIMAL), AS_OF, str(tmp_path / "out")], env)
    assert code == 0, output
    assert "Passed unknown parameter: reports_dir" in output
    assert "Executing" not in output and "cell/s" not in output  # no Papermill bar
    # every line drawn is one of the display's or a log line above it: none mixed
    drawn = [" ".join(line.split()) for line in
             re.split(r"[\r\n]+", _ESCAPE.sub("\n", _COLOUR.sub("", output)))]
    drawn = [line for line in drawn if line]
    assert drawn[0].endswith("leser dataene 0:00")  # the first picture
    patterns = [r". leser dataene \d+:\d\d", r". \d av 3 rapporter \d+:\d\d",
                r". (portfolio_report|pilot_lekse|pilot_jobb) (venter"
                r"|kjører notatboken( \d/4)?|lager HTML|lager PDF|ferdig)( \d+:\d\d)?",
                r"Done in .*",
                # a worker's warning (the tiny notebooks lack parameters): above the display
                r"Passed unknown parameter: (reports_dir|pilot_id)"]
    for line in drawn[:-1]:
        assert any(re.fullmatch(p, line) for p in patterns), line
    # the last picture stays: everything done; the log goes on below it
    last = output.rsplit("3 av 3 rapporter", 1)[1]
    assert "ferdig" in last and "AFTER-THE-DISPLAY" in last
    for stem in ("portfolio_report", "pilot_lekse", "pilot_jobb"):
        assert re.search(rf"✓ +{stem} +ferdig", _COLOUR.sub("", last))


def test_a_run_that_ends_while_reading_the_data_leaves_no_picture():
    """Invalid data: the error table follows at once, and a frozen "leser dataene" above it
    would say nothing. A picture of reports stays (which were done, which failed)."""
    from pilot_eval.render.progress import LiveProgress

    early = io.StringIO()
    progress = LiveProgress("nb", console=_console(early))
    progress.start()
    progress.close()
    assert early.getvalue().endswith("\x1b[2K")  # the picture's line erased

    late = io.StringIO()
    progress = LiveProgress("nb", console=_console(late))
    progress.start()
    progress.planned(["pilot_a"], language="nb", as_of="2026-06-30", jobs=1)
    progress.failed("pilot_a")
    progress.close()
    assert not late.getvalue().endswith("\x1b[2K") and "pilot_a" in late.getvalue()


def test_a_run_from_a_notebook_whose_main_has_no_spec(tiny, tmp_path, monkeypatch):
    # An IPython shell (JupyterLab's kernel, LocalSession) puts a __main__ without
    # __spec__ in sys.modules; starting the workers reads it (multiprocessing's
    # get_preparation_data), for the fork server as for spawn.
    import types

    shell_main = types.ModuleType("__main__")
    del shell_main.__spec__
    monkeypatch.setitem(sys.modules, "__main__", shell_main)
    result = render_reports(MINIMAL, as_of=AS_OF, out=tmp_path, notebooks=tiny, jobs=1,
                            portfolio=False, pilots=["lekse"])
    assert (result["out_dir"] / "pilot_lekse.pdf").is_file()


def test_a_run_that_fails_before_its_reports_leaves_no_process_behind(tmp_path):
    import multiprocessing
    import threading
    from multiprocessing import forkserver

    from pilot_eval.errors import DataValidationError

    with pytest.raises(DataValidationError):  # while the workers are still starting
        render_reports(tmp_path / "no-such-folder", out=tmp_path / "out", jobs=2)
    # nothing still starting a worker after the run, none running, no fork server
    assert not [t for t in threading.enumerate() if t.name == "pilot-eval-start-workers"]
    assert multiprocessing.active_children() == []
    assert getattr(forkserver._forkserver, "_forkserver_pid", None) is None
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
