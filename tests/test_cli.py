"""The command line as a user or cron meets it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pilot_eval.cli import main
from tests.conftest import DATA, MINIMAL, ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pilot_eval.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_no_arguments_is_a_usage_error() -> None:
    result = run()
    assert result.returncode == 2
    assert "validate" in result.stderr and "Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error() -> None:
    result = run("validate", str(MINIMAL), "--lang", "sv")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_validate_clean_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(MINIMAL)]) == 0
    assert "ingen feil" in capsys.readouterr().out


def test_validate_ten_defects_lists_them_all(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DATA / "ten_defects"), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "10 errors and 5 warnings in" in out
    for needle in ("pilots.csv", "costs.csv", "participants.csv", "sessions.csv", "outcomes.csv",
                   "exit_reason", "hours"):
        assert needle in out
    assert "01819010192" not in out  # identity numbers are masked, not echoed


def test_validate_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DATA / "ten_defects"), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["errors"] == 10 and {"file", "row", "column", "message_nb"} <= set(data["problems"][0])


def test_validate_counts_every_row_of_a_capped_list(minimal_copy, capsys) -> None:
    """60 bad rows are listed as 50 lines and "… and 10 more rows": the counts say 60."""
    from tests.conftest import edit

    folder = minimal_copy()
    edit(folder, "sessions.csv", None, "\n".join(
        f"lekse,p-01,2025-{m:02d}-{d:02d},99" for m in (3, 4, 5) for d in range(1, 21)))
    assert main(["validate", str(folder), "--lang", "en"]) == 1
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert "60 errors" in last
    assert main(["validate", str(folder), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["errors"] == 60 and len(data["problems"]) == 51
    assert sum(p["count"] for p in data["problems"]) == 60


def test_missing_folder_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "/no/such/folder"]) == 2
    assert "Fant ikke datamappen «/no/such/folder»" in capsys.readouterr().err  # nb by default
    assert main(["validate", "/no/such/folder", "--lang", "en"]) == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "nb", "en"), [
    (["report", "DATA", "--pilot", "nope"], "Ukjent pilot: «nope»", "Unknown pilot(s) 'nope'"),
    (["report", "DATA", "--as-of", "banana"], "«banana» er ikke en dato", "is not a date"),
    (["template", "DATA", "--pilot", "nope"], "Det finnes ingen pilot «nope»",
     "There is no pilot 'nope'"),
])
def test_usage_errors_in_the_commands_language(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               argv: list[str], nb: str, en: str) -> None:
    argv = [str(MINIMAL) if a == "DATA" else a for a in argv]
    out = ["--out", str(tmp_path / ("x.xlsx" if argv[0] == "template" else "out"))]
    assert main([*argv, *out]) == 2
    assert nb in capsys.readouterr().err
    assert main([*argv, *out, "--lang", "en"]) == 2
    assert en in capsys.readouterr().err


def test_metrics_to_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("m.xlsx", "m.json", "m"):  # "m": a folder of CSV files, one per table
        assert main(["metrics", str(MINIMAL), "--out", str(tmp_path / name)]) == 0
    sheets = pd.read_excel(tmp_path / "m.xlsx", sheet_name=None)
    assert {"Om tabellene", "Statusoversikt", "Kostnader", "Rekkevidde", "Resultater"} <= set(sheets)
    # the minimal folder has tiny counts: they never leave as numbers
    reach = sheets["Rekkevidde"].set_index("Pilot")
    assert reach.loc["jobb", "Deltakere"] == "<5"
    assert pd.read_csv(tmp_path / "m" / "reach.csv").set_index("pilot_id").loc["jobb", "enrolled"] == "<5"
    assert not any("p-01" in p.read_text(encoding="utf-8") for p in (tmp_path / "m").iterdir())
    assert main(["metrics", str(MINIMAL), "--out", str(tmp_path / "m.csv")]) == 2
    assert "one file per table, in a folder" in capsys.readouterr().err


def test_metrics_bad_suffix_fails_fast(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", str(MINIMAL), "--out", "x.txt"]) == 2
    assert "ending in .xlsx or .json, or a folder name" in capsys.readouterr().err


def test_metrics_invalid_data_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", str(DATA / "ten_defects")]) == 1
    assert "sessions.csv" in capsys.readouterr().err


def test_sample_command(tmp_path: Path) -> None:
    out = tmp_path / "sample"
    assert main(["sample", "--out", str(out), "--seed", "7"]) == 0
    assert (out / "truth.json").is_file() and (out / "README.md").is_file()
    assert main(["validate", str(out)]) == 0
    assert main(["sample", "--out", str(out), "--scale", "0"]) == 2


def test_command_exits_at_once_after_running_exit_handlers_and_flushing(tmp_path: Path) -> None:
    """``run`` (the console command) skips the interpreter's slow teardown, but exit
    handlers still run and everything printed reaches a pipe, with the command's code."""
    marker = tmp_path / "exit-handler-ran"
    code = ("import atexit, sys\n"
            "from pathlib import Path\n"
            f"atexit.register(lambda: Path({str(marker)!r}).write_text('yes'))\n"
            f"sys.argv = ['pilot-eval', 'validate', {str(DATA / 'ten_defects')!r}]\n"
            "from pilot_eval.cli import run\n"
            "run()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 1
    assert marker.read_text() == "yes"
    direct = run("validate", str(DATA / "ten_defects"))
    assert result.stdout == direct.stdout and result.stdout.count("\n") >= 10


def test_out_that_is_a_file_is_a_usage_error(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Not "internal error … please report it": the user gave a file where a folder goes."""
    afile = tmp_path / "reports"
    afile.write_text("not a folder")
    assert main(["report", str(MINIMAL), "--out", str(afile)]) == 2
    err = capsys.readouterr().err
    assert "is a file" in err and "internal error" not in err
    assert afile.read_text() == "not a folder"


def test_closed_pipe_ends_quietly() -> None:
    """`pilot-eval … | head`: the reader goes away before the output is written. The
    command ends with the status a shell gives a program stopped by SIGPIPE, and no
    "internal error … please report it"."""
    proc = subprocess.Popen([sys.executable, "-m", "pilot_eval.cli", "validate", str(MINIMAL)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the interpreter has even started: the first write fails
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 141
    assert err == ""


def test_closed_pipe_through_a_shell_pipeline() -> None:
    """The same through a real shell pipeline, with more output than a pipe holds."""
    script = (f"{sys.executable} -m pilot_eval.cli validate {DATA / 'ten_defects'} --format json "
              "| head -c 10 > /dev/null; echo ${PIPESTATUS[0]}")
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=ROOT,
                            timeout=300)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert result.stdout.strip() in {"0", "1", "141"}  # 1: the folder's errors, all written


@pytest.mark.parametrize(("folder", "lang", "expected"), [
    (MINIMAL, "nb", "ingen feil."),
    (MINIMAL, "en", "no errors."),
    (ROOT / "data" / "sample", "nb", "ingen feil (1 advarsel)."),
    (ROOT / "data" / "sample", "en", "no errors (1 warning)."),
    (DATA / "ten_defects", "nb", "10 feil og 5 advarsler i"),
    (DATA / "ten_defects", "en", "10 errors and 5 warnings in"),
])
def test_validate_counts_in_singular_and_plural(folder: Path, lang: str, expected: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", str(folder), "--lang", lang])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert expected in last
    assert "(s)" not in last


@pytest.mark.parametrize(("key", "n", "lang", "expected"), [
    ("cli.errors", 1, "en", "1 error"), ("cli.errors", 2, "en", "2 errors"),
    ("cli.errors", 1, "nb", "1 feil"), ("cli.errors", 0, "nb", "0 feil"),
    ("cli.warnings", 1, "nb", "1 advarsel"), ("cli.warnings", 3, "nb", "3 advarsler"),
    ("cli.warnings", 0, "en", "0 warnings"), ("cli.reports", 1, "nb", "1 rapport"),
    ("cli.reports", 5, "nb", "5 rapporter"), ("cli.reports", 1, "en", "1 report"),
])
def test_command_line_plurals(key: str, n: int, lang: str, expected: str) -> None:
    from pilot_eval.present.text import plural

    assert plural(key, n, lang) == expected


def test_data_validation_error_counts_its_errors_in_words() -> None:
    from pilot_eval import DataValidationError
    from pilot_eval.errors import problems_frame

    one = problems_frame([{"file": "pilots.csv", "row": 2, "column": "name", "value": "",
                           "severity": "error", "message_nb": "Mangler.", "message_en": "Missing."}])
    assert "has 1 error to fix" in str(DataValidationError(one, language="en"))
    two = pd.concat([one, one], ignore_index=True)
    assert "has 2 errors to fix" in str(DataValidationError(two, language="en"))


def _all_parsers() -> dict[str, argparse.ArgumentParser]:
    from pilot_eval.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {"pilot-eval": parser, **commands.choices}


@pytest.mark.parametrize("name", ["pilot-eval", "sample", "validate", "metrics", "template",
                                  "intake", "report"])
def test_every_argument_has_help_and_every_command_an_example(name: str) -> None:
    parser = _all_parsers()[name]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        assert action.help, f"{name}: {action.dest} has no help text"
    assert parser.epilog and "examples:" in parser.epilog
    command = "pilot-eval" if name == "pilot-eval" else f"pilot-eval {name}"
    assert f"  {command} " in parser.format_help()


def test_format_of_validate_is_documented_in_help() -> None:
    text = " ".join(_all_parsers()["validate"].format_help().split())
    assert "--format {table,json}" in text and "for programs" in text


def test_verbose_and_quiet_before_or_after_the_command() -> None:
    loud = run("-v", "validate", str(MINIMAL))
    assert "DEBUG" in loud.stderr and "Checked" in loud.stderr and loud.returncode == 0
    quiet = run("validate", str(MINIMAL), "-q")
    assert quiet.stderr == "" and quiet.returncode == 0
    both = run("validate", str(MINIMAL), "-q", "-v")
    assert both.returncode == 2 and "not allowed with" in both.stderr


def test_an_as_of_after_the_data_says_so_once_and_still_answers(tmp_path: Path) -> None:
    """`--as-of` after the agreement's end: the numbers are still made (exit 0), and the
    command says, once and in one plain line each, what that does to them."""
    result = run("metrics", str(MINIMAL), "--as-of", "2031-01-01", "--out",
                 str(tmp_path / "late.json"))
    assert result.returncode == 0 and (tmp_path / "late.json").exists()
    assert result.stderr.count("er etter at avtalen sluttet (31.12.2026)") == 1  # nb
    assert "DataWarning" not in result.stderr and "warnings.warn" not in result.stderr
    english = run("metrics", str(MINIMAL), "--as-of", "2031-01-01", "--lang", "en", "--out",
                  str(tmp_path / "late-en.json"))
    assert english.stderr.count("after the agreement's end") == 1
    on_time = run("metrics", str(MINIMAL), "--out", str(tmp_path / "now.json"))
    assert "after the" not in on_time.stderr and "etter at" not in on_time.stderr
