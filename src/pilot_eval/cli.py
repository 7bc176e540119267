"""The ``pilot-eval`` command line (DESIGN §5).

Exit codes: 0 success, 1 invalid data (problems printed as a table), 2 usage error,
3 report execution failed (also: the output folder could not be written, or another run
kept it busy), 130 interrupted (Ctrl-C), 141 the reader of the output went away
(``| head``; quietly, as a program ended by SIGPIPE), 143 stopped by SIGTERM (129 by
SIGHUP). Progress goes to the terminal when there is one; run from cron (no terminal) it
writes plain, timestamped log lines instead. ``-v`` adds what each step found and took,
``-q`` leaves only warnings and errors.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_INVALID_DATA, EXIT_USAGE, EXIT_REPORT_FAILED = 0, 1, 2, 3

log = logging.getLogger("pilot_eval")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2, with a hint
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\nRun '{self.prog} --help' for help.\n")
        raise SystemExit(EXIT_USAGE)


class _TerminalFormatter(logging.Formatter):
    """Steps as plain lines; a warning or error says it is one (cron's lines carry the level)."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return f"pilot-eval: {record.levelname.lower()}: {text}" if record.levelno >= logging.WARNING else text


def _setup_logging(quiet: bool, verbose: int = 0) -> None:
    """Messages on standard error: warnings and errors only with ``-q``, the steps of a run
    by default, and with ``-v`` also what each step found and how long it took."""
    handler = logging.StreamHandler(sys.stderr)
    if sys.stderr.isatty():
        handler.setFormatter(_TerminalFormatter("%(message)s"))
    else:  # cron, CI: plain lines with a timestamp
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO)
    log.propagate = False


#: ``-q``/``-v`` are taken before the command and after it ("pilot-eval report data -v"),
#: as people type them. SUPPRESS: a subcommand's default must not overwrite the one given
#: before it.
_LOUDNESS = argparse.ArgumentParser(add_help=False)
_volume = _LOUDNESS.add_mutually_exclusive_group()
_volume.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                     help="only warnings and errors")
_volume.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                     help="also say what each step found and how long it took")

class _FORMATTER(argparse.HelpFormatter):
    """Descriptions wrapped to the terminal; the examples and exit codes as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``pilot-eval`` command line, with every command and its options.

    A usage error (an unknown command or option, a bad value) prints the usage and a hint
    to standard error and raises ``SystemExit(2)``.

    Returns
    -------
    argparse.ArgumentParser
        Its ``parse_args`` gives the command as ``command`` and its options by name.

    Examples
    --------
    >>> parser = build_parser()
    >>> args = parser.parse_args(["report", "data/sample", "--jobs", "2"])
    >>> args.command, args.data_dir.as_posix(), args.jobs, args.out.as_posix()
    ('report', 'data/sample', 2, 'reports')
    >>> print(parser.format_usage(), end="")
    usage: pilot-eval [-h] [-q | -v] [--version] COMMAND ...
    """
    parser = _Parser(prog="pilot-eval", parents=[_LOUDNESS], formatter_class=_FORMATTER,
                     description=(
        "Evaluate a municipality's innovation pilots: validate a data folder, compute cost, "
        "reach, outcome and value-for-money metrics, and render the reports."),
        epilog=_examples(
            "pilot-eval sample --out data/sample       # a synthetic data folder to try",
            "pilot-eval validate data/sample           # every problem in the folder at once",
            "pilot-eval report data/sample --jobs 2    # the PDF and HTML reports",
            "pilot-eval COMMAND --help                 # a command's options and examples")
        + "\n\nexit status: 0 done, 1 invalid data (or a delivery refused), 2 usage error, "
        "3 a report failed or\nthe output could not be written, 130 interrupted, 141 output "
        "pipe closed (e.g. | head).")
    from importlib.metadata import version  # not `import pilot_eval`: keep --help fast

    parser.add_argument("--version", action="version", version=f"pilot-eval {version('pilot_eval')}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    data_dir_help = "the data folder (pilots.csv, agreement.toml, …; see docs/data-format.md)"

    def command(name: str, summary: str, description: str, *examples: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=summary, description=description,
                              epilog=_examples(*examples), formatter_class=_FORMATTER,
                              parents=[_LOUDNESS])

    p = command("sample", "write the synthetic sample data folder",
                "Write a synthetic data folder (four made-up pilots; every row is invented) "
                "to try the tool on.",
                "pilot-eval sample --out data/sample",
                "pilot-eval sample --scale 20 --out /tmp/big      # 20 times the participants",
                "pilot-eval sample --deliveries demo              # a folder and its quarterly "
                "workbooks")
    p.add_argument("--out", default="data/sample", type=Path, metavar="DIR",
                   help="folder to write (default data/sample)")
    p.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    p.add_argument("--scale", type=int, default=1, metavar="K",
                   help="multiply participants and attendance by K (default 1)")
    p.add_argument("--deliveries", type=Path, metavar="DIR",
                   help="instead: write DIR/data (a folder before its first delivery) and "
                   "DIR/leveranser (every pilot's quarterly reporting workbook), to walk the "
                   "quarterly cycle")

    p = command("validate", "check a data folder and list every problem",
                "Check every file of a data folder and list every problem at once, with file, "
                "row, column and what to do. Exit status 1 when there are errors; warnings "
                "alone give 0.",
                "pilot-eval validate data/",
                "pilot-eval validate data/ --lang en",
                "pilot-eval validate data/ --format json > problems.json")
    p.add_argument("data_dir", type=Path, metavar="DATA_DIR", help=data_dir_help)
    p.add_argument("--lang", choices=("nb", "en"), default="nb",
                   help="language of the messages (default nb)")
    p.add_argument("--format", choices=("table", "json"), default="table", dest="fmt",
                   help="table: a table for people (default); json: {errors, warnings, "
                   "problems: [{file, row, column, severity, message_nb, message_en, count, "
                   "…}]} for programs; errors and warnings add up each problem's count (a "
                   "line \"… and N more rows\" counts N)")

    p = command("metrics", "compute the metric tables",
                "Compute the metric tables (scorecard, cost, reach, outcomes, value for money, "
                "…) with the privacy rules applied: counts below the agreement's "
                "min_cell_size read \"<5\", figures that would reveal them \":\". Without "
                "--out, the main columns are printed.",
                "pilot-eval metrics data/",
                "pilot-eval metrics data/ --as-of 2025-12-31 --out tall.xlsx",
                "pilot-eval metrics data/ --out tabeller --excel-csv   # tabeller/reach.csv …",
                "pilot-eval metrics data/ --out tall.json")
    p.add_argument("data_dir", type=Path, metavar="DATA_DIR", help=data_dir_help)
    p.add_argument("--as-of", dest="as_of", metavar="DATE",
                   help="date YYYY-MM-DD (default: the latest date in the data)")
    p.add_argument("--out", type=Path, metavar="FILE.xlsx|FILE.json|FOLDER",
                   help="write every table: FILE.xlsx (a workbook for people), FILE.json (for "
                   "programs) or FOLDER, a name without an ending (one CSV file per table); "
                   "default: print the main columns")
    p.add_argument("--lang", choices=("nb", "en"), default=None,
                   help="language of the workbook's headers and words (default: the "
                   "agreement's)")
    p.add_argument("--excel-csv", dest="excel_csv", action="store_true",
                   help="CSV files for Excel with Norwegian settings: semicolons, decimal "
                   "comma, UTF-8 with BOM (default: commas, decimal point, UTF-8)")

    p = command("template", "write a pilot's reporting workbook for the entrepreneur",
                "Write the Excel workbook an entrepreneur fills in every quarter: instructions, "
                "the pilot's facts, one sheet per table with lists and checks, and the rows "
                "already delivered.",
                "pilot-eval template data/ --pilot mentor --out mentor-rapportering.xlsx",
                "pilot-eval template data/ --pilot mentor --empty --lang en")
    p.add_argument("data_dir", type=Path, metavar="DATA_DIR", help=data_dir_help)
    p.add_argument("--pilot", required=True, metavar="ID", help="the pilot's id")
    p.add_argument("--out", type=Path, metavar="FILE.xlsx",
                   help="where to write (default: ID-rapportering.xlsx here)")
    p.add_argument("--lang", choices=("nb", "en"), default="nb",
                   help="language of the workbook (default nb)")
    p.add_argument("--empty", action="store_true",
                   help="leave out the rows already delivered (default: include them)")
    p.add_argument("--force", action="store_true",
                   help="replace FILE.xlsx if it exists (it may be a filled-in delivery)")

    p = command("intake", "check a delivery and merge it into the data folder",
                "Check an entrepreneur's delivery (a reporting workbook, or one table as CSV "
                "named after it) and, when it has no errors, merge it into the data folder and "
                "keep it on record in DATA_DIR/deliveries/. With errors nothing is merged and "
                "a feedback workbook marks each problem. Exit status: 0 taken in or nothing "
                "to change, 1 refused, 2 usage error.",
                "pilot-eval intake data/ mentor-2026-Q1.xlsx",
                "pilot-eval intake data/ mentor-2026-Q1.xlsx --dry-run",
                "pilot-eval intake data/ participants.csv --pilot mentor")
    p.add_argument("data_dir", type=Path, metavar="DATA_DIR", help=data_dir_help)
    p.add_argument("file", type=Path, metavar="FILE", help="the delivery (.xlsx or .csv)")
    p.add_argument("--pilot", metavar="ID", help="the pilot (default: the one the workbook names)")
    p.add_argument("--dry-run", action="store_true", dest="dry_run",
                   help="check and show the changes, write nothing")
    p.add_argument("--accept-removals", action="store_true", dest="accept_removals",
                   help="let participants missing since the last delivery be removed")
    p.add_argument("--feedback", type=Path, metavar="FILE.xlsx",
                   help="where to write the feedback workbook (default: beside FILE)")
    p.add_argument("--lang", choices=("nb", "en"), default="nb",
                   help="language of the messages (default nb)")

    p = command("report", "render the evaluation reports (PDF and HTML)",
                "Render the portfolio report and one report per pilot, as PDF and HTML, into "
                "OUT/<as-of date>/ with metrics.xlsx and manifest.json. The folder is replaced "
                "only when every report succeeded.",
                "pilot-eval report data/",
                "pilot-eval report data/ --as-of 2025-12-31 --jobs 2",
                "pilot-eval report data/ --pilot mentor --lang en --out /srv/rapporter")
    p.add_argument("data_dir", type=Path, metavar="DATA_DIR", help=data_dir_help)
    p.add_argument("--as-of", dest="as_of", metavar="DATE",
                   help="date YYYY-MM-DD (default: the latest date in the data)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--pilot", nargs="+", metavar="ID", help="pilot report(s) for these pilots only")
    group.add_argument("--all", action="store_true", help="portfolio report and every pilot report (default)")
    p.add_argument("--lang", choices=("nb", "en"), default=None,
                   help="report language (default: the agreement's)")
    p.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR",
                   help="output folder (default reports/)")
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="reports rendered in parallel (default 1; 2 on a two-core machine)")
    p.add_argument("--decision", action="store_true", default=None,
                   help='show the section "after the agreement" (what continuing or scaling '
                        "would cost, today's service, who is not reached, the enterprises' "
                        "income) whatever the date; by default it is shown from the last half "
                        "of the agreement when the data folder has cost types, alternatives or "
                        "finances")
    return parser


def _no_folder(path: object) -> Exception:
    """The usage error for a data folder that is not there."""
    from .errors import UsageError

    return UsageError(f"The data folder '{path}' does not exist. Check the path.",
                      nb=f"Fant ikke datamappen «{path}». Sjekk stien.")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``pilot-eval`` command and return its exit status (see the module's notes).

    Messages and progress go to standard error through the ``pilot_eval`` logger (set up
    here for the terminal or, without one, as timestamped lines); a command's results
    (the problems table of ``validate``, …) go to standard output. Errors of pilot_eval
    become their exit status with the message, not a traceback.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``pilot-eval``; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 done, 1 invalid data, 2 usage error, 3 a report failed or the output could not
        be written, 130 interrupted, 141 output pipe closed.

    Examples
    --------
    >>> main(["validate", "tests/data/doctest_small"])
    tests/data/doctest_small: ingen feil.
    0
    >>> main(["validate", "tests/data/no_such_folder"])  # the message goes to stderr
    2
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(getattr(args, "quiet", False), getattr(args, "verbose", 0))
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from .errors import DataValidationError, PilotEvalError, ReportError, UsageError
    from .render.publish import Terminated, write_error

    try:
        with _data_warnings_as_messages(getattr(args, "lang", None) or "nb"):
            return _COMMANDS[args.command](args)
    except BrokenPipeError:
        return _pipe_closed()
    except DataValidationError as exc:
        _say(str(exc))
        return EXIT_INVALID_DATA
    except UsageError as exc:  # in the command's language (Norwegian unless --lang en)
        _say(f"pilot-eval: {exc.message(getattr(args, 'lang', None) or 'nb')}")
        return EXIT_USAGE
    except ReportError as exc:
        _say(f"pilot-eval: {exc}")
        return EXIT_REPORT_FAILED
    except PilotEvalError as exc:
        _say(f"pilot-eval: {exc}")
        return EXIT_REPORT_FAILED
    except KeyboardInterrupt:
        print("pilot-eval: interrupted; nothing was replaced.", file=sys.stderr)
        return 130
    except Terminated as exc:
        import signal

        name = signal.Signals(exc.signum).name
        print(f"pilot-eval: stopped by {name}; nothing was replaced and the temporary files "
              f"were removed. / Stoppet av {name}; ingenting ble erstattet.", file=sys.stderr)
        return 128 + exc.signum
    except OSError as exc:  # full disk, read-only folder where no command expected it
        unwritable = write_error(exc, exc.filename or ".")
        if unwritable is None:
            return _internal_error(exc)
        _say(f"pilot-eval: {unwritable}")
        return EXIT_REPORT_FAILED
    except Exception as exc:  # a bug: one clear line, not a traceback
        return _internal_error(exc)


@contextlib.contextmanager
def _data_warnings_as_messages(language: str = "nb") -> Iterator[None]:
    """A :class:`~pilot_eval.DataWarning` (an ``--as-of`` after the data's last date …) as
    one line on standard error, with its advice, in ``language`` (when the warning has it),
    not a Python warning with a file and line number; each is said once. Exit status
    unchanged: the numbers are still made."""
    import warnings

    from .errors import DataWarning

    said: set[str] = set()
    previous = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: Any = None, line: str | None = None) -> None:
        if not issubclass(category, DataWarning):
            previous(message, category, filename, lineno, file, line)
        elif str(message) not in said:
            said.add(str(message))
            said_as = message.message(language) if isinstance(message, DataWarning) else message
            log.warning("%s", said_as)

    with warnings.catch_warnings():
        warnings.simplefilter("always", DataWarning)
        warnings.showwarning = show
        yield


#: A reader that closed the pipe (``pilot-eval metrics … | head``): the status a shell gives
#: a program ended by SIGPIPE, 128 + 13.
EXIT_PIPE_CLOSED = 141


def _pipe_closed() -> int:
    """End quietly after the reader of standard output went away.

    What is still buffered cannot be written: standard output is pointed at /dev/null so
    that the flush at exit does not fail again (the Python documentation's advice for
    SIGPIPE)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout already closed or not a file
        pass
    return EXIT_PIPE_CLOSED


def _say(text: str) -> None:
    """A message on standard error, with any control character from the data written out
    (an escape sequence in a cell must not reach the terminal raw)."""
    from .errors import show_controls

    print(show_controls(text, keep="\n\t"), file=sys.stderr)


def _internal_error(exc: Exception) -> int:
    """A bug: one clear line, not a traceback (unless PILOT_EVAL_DEBUG is set)."""
    import os

    _say(f"pilot-eval: internal error ({type(exc).__name__}: {exc}). Please report it with "
         "the command you ran; set PILOT_EVAL_DEBUG=1 to see the details.")
    if os.environ.get("PILOT_EVAL_DEBUG"):
        raise exc
    return EXIT_REPORT_FAILED


def _cmd_sample(args: argparse.Namespace) -> int:
    from .errors import UsageError
    from .sample import generate, write

    if args.scale < 1:
        raise UsageError(f"--scale {args.scale} must be 1 or more.",
                         nb=f"--scale {args.scale} må være 1 eller mer.")
    t0 = time.perf_counter()
    if args.deliveries is not None:
        from .intake.series import write_series

        out = write_series(args.deliveries, seed=args.seed)
        log.info("Wrote a quarterly series of synthetic deliveries to %s in %.1f s.", out,
                 time.perf_counter() - t0)
        return EXIT_OK
    out = write(generate(seed=args.seed, scale=args.scale), args.out)
    log.info("Wrote the synthetic sample data to %s in %.1f s.", out, time.perf_counter() - t0)
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    from .dataset import validate
    from .errors import count_problems, format_problems

    if not args.data_dir.is_dir():
        raise _no_folder(args.data_dir)
    t0 = time.perf_counter()
    problems = validate(args.data_dir)
    n_errors = count_problems(problems, "error")
    n_warnings = count_problems(problems, "warning")
    log.debug("Checked %s in %.2f s: %d problem rows.", args.data_dir, time.perf_counter() - t0,
              len(problems))
    if args.fmt == "json":
        records = json.loads(problems.to_json(orient="records", force_ascii=False))
        print(json.dumps({"errors": n_errors, "warnings": n_warnings,
                          "problems": records}, ensure_ascii=False, indent=2))
    else:
        if len(problems):
            print(format_problems(problems, language=args.lang, max_rows=200))
        from .present.text import message, plural

        lang, folder = args.lang, str(args.data_dir)
        warnings = plural("cli.warnings", n_warnings, lang)
        if n_errors:
            print("\n" + message("cli.validate.found", lang, folder=folder, warnings=warnings,
                                 errors=plural("cli.errors", n_errors, lang)))
        elif len(problems):
            print(message("cli.validate.clean_warnings", lang, folder=folder, warnings=warnings))
        else:
            print(message("cli.validate.clean", lang, folder=folder))
    return EXIT_INVALID_DATA if n_errors else EXIT_OK


def _cmd_metrics(args: argparse.Namespace) -> int:
    from .dataset import load_dataset
    from .errors import UsageError, show_controls
    from .metrics import metric_tables
    from .render.workbook import output_format, prepare, write_metrics

    if args.excel_csv and (args.out is None or output_format(args.out) != "csv"):
        raise UsageError("--excel-csv is for CSV files: give --out a folder name without an "
                         "ending, e.g. --out tabeller (writes tabeller/reach.csv …).",
                         nb="--excel-csv gjelder CSV-filer: gi --out et mappenavn uten "
                            "filendelse, for eksempel --out tabeller (skriver "
                            "tabeller/reach.csv …).")
    if args.out is not None:
        output_format(args.out)  # a bad name fails before the data are read
    if not args.data_dir.is_dir():
        raise _no_folder(args.data_dir)
    t0 = time.perf_counter()
    ds = load_dataset(args.data_dir, as_of=args.as_of)
    t1 = time.perf_counter()
    log.debug("Loaded %s in %.2f s: %s.", args.data_dir, t1 - t0,
              ", ".join(f"{name} {len(ds.table(name))} rows" for name in sorted(ds.tables_present)))
    tables = metric_tables(ds)
    log.debug("Computed %d metric tables in %.2f s.", len(tables), time.perf_counter() - t1)
    k = ds.agreement.min_cell_size
    if args.out is not None:
        write_metrics(tables, args.out, min_cell_size=k,
                      language=args.lang or ds.agreement.language, as_of=ds.as_of_date,
                      agreement=ds.agreement, excel_csv=args.excel_csv)
        log.info("Wrote the metric tables (as of %s) to %s.", ds.as_of_date.date(), args.out)
        return EXIT_OK
    import pandas as pd

    # suppression looks across tables (a sum over measures, the same people in two tables):
    # prepare them all, then print a few columns
    shown = prepare(tables, k)
    shown = {n: shown[n][[c for c in shown[n].columns if c in cols]]
             for n, cols in _TERMINAL_COLUMNS.items()}
    with pd.option_context("display.width", 160, "display.max_columns", 12, "display.precision", 2,
                           "display.float_format", "{:,.2f}".format):
        print(show_controls(f"{ds.agreement.name} – as of {ds.as_of_date.date()} "
                            f"(counts below {k} hidden)\n", keep="\n"))
        for name, frame in shown.items():
            print(show_controls(f"## {name}\n{frame.to_string(index=False, max_colwidth=24)}\n",
                                keep="\n"))
    return EXIT_OK


#: What `pilot-eval metrics` prints on a terminal; --out writes every column.
_TERMINAL_COLUMNS = {
    "scorecard": ("pilot_id", "reach_status", "cost_status", "outcome_status", "recommendation"),
    "cost": ("pilot_id", "total_cost_nok", "fund_cost_nok", "grant_used_share", "elapsed_share",
             "cost_per_participant_nok"),
    "reach": ("pilot_id", "enrolled", "active", "completed", "dropped_out", "completion_rate",
              "coverage_share"),
    "outcomes": ("pilot_id", "measure", "design", "n_pilot", "improvement", "improvement_ci_low",
                 "improvement_ci_high", "mde"),
    "value_by_pilot": ("pilot_id", "social_value_pv_nok", "cost_for_ratio_nok", "benefit_cost_ratio"),
}


def _cmd_report(args: argparse.Namespace) -> int:
    # Our own process, as the workers are: go without rfc3987_syntax (see render/batch.py).
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

    if not args.data_dir.is_dir():
        raise _no_folder(args.data_dir)
    # The display first: on a terminal it shows at once, while the report libraries load.
    from .render.progress import auto_progress

    progress = None if getattr(args, "quiet", False) else auto_progress(args.lang)
    if progress is not None:
        progress.start()
    try:
        return _report(args, progress)
    finally:
        if progress is not None:
            progress.close()  # also after an error or Ctrl-C: the cursor back, the last picture kept


def _report(args: argparse.Namespace, progress: Any) -> int:
    import signal

    from .render.batch import render_reports
    from .render.publish import Terminated

    def stop(signum: int, frame: object) -> None:
        # Once: the clean-up that follows (workers, kernels, temporary files) runs to its end.
        for number in caught:
            signal.signal(number, signal.SIG_IGN)
        raise KeyboardInterrupt if signum == signal.SIGINT else Terminated(signum)

    # A cron or CI timeout sends SIGTERM: unwind like Ctrl-C, so that every clean-up runs.
    caught = [s for s in (signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGHUP", None))
              if s is not None]
    before = {number: signal.signal(number, stop) for number in caught}
    try:
        result = render_reports(args.data_dir, as_of=args.as_of, pilots=args.pilot,
                                portfolio=not args.pilot, language=args.lang, out=args.out,
                                jobs=args.jobs, decision=args.decision, progress=progress)
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)
    print(result["out_dir"])
    return EXIT_OK


def _cmd_template(args: argparse.Namespace) -> int:
    from .errors import UsageError
    from .intake.template import write_template

    if not args.data_dir.is_dir():
        raise _no_folder(args.data_dir)
    target = args.out or Path(f"{args.pilot}-{'rapportering' if args.lang == 'nb' else 'reporting'}.xlsx")
    if target.exists() and not args.force:
        raise UsageError(f"{target} exists (it may be a filled-in workbook); choose another "
                         "--out, or add --force to replace it.",
                         nb=f"{target} finnes allerede (det kan være en utfylt arbeidsbok). "
                            "Velg en annen --out, eller legg til --force for å erstatte den.")
    out = write_template(args.data_dir, args.pilot, target, language=args.lang,
                         include_delivered=not args.empty)
    log.info("Wrote the reporting workbook for %s to %s.", args.pilot, out)
    print(out)
    return EXIT_OK


def _cmd_intake(args: argparse.Namespace) -> int:
    from .errors import UsageError, format_problems
    from .intake.merge import change_lines, feedback_path, for_people, take_delivery

    result = take_delivery(args.data_dir, args.file, pilot=args.pilot, dry_run=args.dry_run,
                           accept_removals=args.accept_removals)
    problems = result.problems
    if len(problems):
        print(format_problems(for_people(problems, args.lang), language=args.lang, max_rows=200))
        print()
    print(result.summary(args.lang))
    if len(result.changes) and not len(result.errors):
        print("\n".join("  " + line for line in change_lines(result, args.lang)))
    if result.accepted:
        print(("Lagret: " if args.lang == "nb" else "Kept as: ") + str(result.record))
    if len(result.errors) and args.file.suffix.lower() in (".xlsx", ".csv"):
        from .intake.feedback import write_feedback

        target = args.feedback or feedback_path(args.file, args.lang)
        try:
            write_feedback(args.file, problems, target, language=args.lang)
        except OSError as exc:
            raise UsageError(f"The feedback workbook could not be written to {target}: "
                             f"{exc.strerror or exc}. Name another place with --feedback.",
                             nb=f"Tilbakemeldingen kunne ikke skrives til {target}: "
                                f"{exc.strerror or exc}. Oppgi et annet sted med --feedback."
                             ) from exc
        print(("Tilbakemelding til entreprenøren: " if args.lang == "nb"
               else "Feedback for the entrepreneur: ") + str(target))
    return EXIT_INVALID_DATA if len(result.errors) else EXIT_OK


_COMMANDS = {"sample": _cmd_sample, "validate": _cmd_validate, "metrics": _cmd_metrics,
             "template": _cmd_template, "intake": _cmd_intake, "report": _cmd_report}


def run() -> None:
    """The ``pilot-eval`` console command: :func:`main`, then a quick exit.

    Once a command is done, the interpreter would spend a further 0.3 s or so freeing the
    libraries a report set loads (SciPy, statsmodels, pandas) in a process that is about
    to end anyway. So the exit handlers run as usual (temporary folders, log handlers,
    child processes), the output is flushed, and then the process ends at once.

    Examples
    --------
    It ends the process, so here it runs in one of its own:

    >>> import subprocess, sys
    >>> done = subprocess.run([sys.executable, "-c", "from pilot_eval.cli import run; run()",
    ...                        "validate", "tests/data/doctest_small", "--lang", "en"],
    ...                       capture_output=True, text=True)
    >>> print(done.returncode, done.stdout, end="")
    0 tests/data/doctest_small: no errors.
    """
    import atexit
    import os

    code = main()
    try:
        atexit._run_exitfuncs()
        try:
            sys.stdout.flush()
        except BrokenPipeError:  # the reader left after the last write
            code = _pipe_closed()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 — let the ordinary exit deal with it
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
