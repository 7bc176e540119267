"""The command line as a user or cron meets it: exit codes, messages, no tracebacks."""

from __future__ import annotations

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
    assert "10 error(s)" in out
    for needle in ("pilots.csv", "costs.csv", "participants.csv", "sessions.csv", "outcomes.csv",
                   "exit_reason", "hours"):
        assert needle in out
    assert "01819010192" not in out  # identity numbers are masked, not echoed


def test_validate_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DATA / "ten_defects"), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["errors"] == 10 and {"file", "row", "column", "message_nb"} <= set(data["problems"][0])


def test_missing_folder_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "/no/such/folder"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_metrics_to_files(tmp_path: Path) -> None:
    for suffix in ("xlsx", "csv", "json"):
        assert main(["metrics", str(MINIMAL), "--out", str(tmp_path / f"m.{suffix}")]) == 0
    sheets = pd.read_excel(tmp_path / "m.xlsx", sheet_name=None)
    assert {"scorecard", "cost", "reach", "outcomes"} <= set(sheets)
    # the minimal folder has tiny counts: they never leave as numbers
    reach = sheets["reach"].set_index("pilot_id")
    assert reach.loc["jobb", "enrolled"] == "<5"
    assert "p-01" not in (tmp_path / "m.csv").read_text(encoding="utf-8")


def test_metrics_bad_suffix_fails_fast(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", str(MINIMAL), "--out", "x.txt"]) == 2
    assert ".xlsx, .csv or .json" in capsys.readouterr().err


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
