"""Faults while reporting: signals, kills, full and read-only disks, two runs at once.

Real ``pilot-eval report`` processes get real signals; the notebooks are tiny (they draw
nothing and can be told to wait), so a run takes seconds. Every wait polls with a generous
bound: the machine these run on may be busy.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import psutil
import pytest

import pilot_eval.io
from pilot_eval.cli import main
from pilot_eval.render import publish
from pilot_eval.render.batch import render_reports
from pilot_eval.render.run import sha256_file
from tests.conftest import MINIMAL, ROOT

AS_OF = "2025-12-31"
# Runs in every tiny report: says where it runs and what it was given (paths included, so
# that the test can see they come out relative); with FAULTS_HOLD set it says it started
# and then waits for a file "go" in that folder.
_BODY = """\
import os, pathlib, time
from IPython.display import Markdown, display
hold = os.environ.get("FAULTS_HOLD")
if hold:
    pathlib.Path(hold, f"running-{os.getpid()}").touch()
    for _ in range(1800):
        if pathlib.Path(hold, "go").exists():
            break
        time.sleep(0.1)
display(Markdown(f"data {data_dir} in {os.getcwd()} with {os.environ.get('PILOT_EVAL_REPORT_DATA')}"))
print("pilots.csv found:", pathlib.Path(data_dir, "pilots.csv").is_file())
"""


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
    """A notebooks folder with a tiny portfolio and pilot report."""
    folder = tmp_path_factory.mktemp("notebooks")
    common = 'data_dir = "."\nas_of = None\nlanguage = "nb"\n'
    nbformat.write(_notebook(common), folder / "portfolio_report.ipynb")
    nbformat.write(_notebook(common + 'pilot_id = "lekse"\n'), folder / "pilot_report.ipynb")
    return folder


@pytest.fixture(scope="module")
def good_set(tiny: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``reports/`` with one complete set, rendered once; copy it with :func:`_copy_set`."""
    out = tmp_path_factory.mktemp("good") / "reports"
    render_reports(MINIMAL, as_of=AS_OF, out=out, notebooks=tiny)
    return out


def _copy_set(good: Path, dest: Path) -> dict[str, bytes]:
    shutil.copytree(good, dest)
    return _contents(dest / AS_OF)


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _env(tiny: Path, tmp: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PILOT_EVAL_NOTEBOOKS=str(tiny), TMPDIR=str(tmp),
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
    env.update(extra)
    return env


def _start(out: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from pilot_eval.cli import run; run()", "report", str(MINIMAL),
         "--as-of", AS_OF, "--out", str(out), *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _poll(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.1)


def _alive(pids: list[int]) -> list[int]:
    left = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                left.append(pid)
        except psutil.NoSuchProcess:
            pass
    return left


def _hold_until_running(proc: subprocess.Popen[str], hold: Path, reports: int) -> list[int]:
    """Wait until ``reports`` notebooks are running; the run's processes (kernels included)."""
    def running() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"the run ended early: {proc.communicate()}")
        return len(list(hold.glob("running-*"))) >= reports

    _poll(running, 180, f"{reports} report(s) to start")
    children = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
    kernels = [int(p.name.split("-")[1]) for p in hold.glob("running-*")]
    assert set(kernels) <= set(children), (kernels, children)
    return children


def _leftovers(tmp: Path, out: Path) -> list[str]:
    private = [p.name for p in tmp.iterdir() if p.name.startswith("pilot-eval-")]
    staging = [p.name for p in out.iterdir() if p.name.startswith((".staging-", ".old-"))]
    return private + staging


@pytest.mark.parametrize(("signum", "code", "jobs"), [(signal.SIGTERM, 143, "2"),
                                                     (signal.SIGINT, 130, "1")])
def test_a_stopped_run_leaves_nothing_and_keeps_the_previous_set(
        tiny: Path, good_set: Path, tmp_path: Path, signum: int, code: int, jobs: str) -> None:
    out = tmp_path / "reports"
    before = _copy_set(good_set, out)
    hold = tmp_path / "hold"
    hold.mkdir()
    temp = tmp_path / "temp"
    temp.mkdir()
    proc = _start(out, _env(tiny, temp, FAULTS_HOLD=str(hold)), "--jobs", jobs)
    children = _hold_until_running(proc, hold, int(jobs))
    assert _leftovers(temp, out), "the run should have a private and a staging folder now"
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err
    assert "nothing was replaced" in err and "Traceback" not in err
    _poll(lambda: not _alive(children), 30, f"the children {children} to end")
    assert _leftovers(temp, out) == []
    assert _contents(out / AS_OF) == before


@pytest.mark.parametrize("jobs", ["2", "1"])
def test_after_kill_9_the_children_die_and_the_next_run_cleans_up(
        tiny: Path, good_set: Path, tmp_path: Path, jobs: str) -> None:
    out = tmp_path / "reports"
    before = _copy_set(good_set, out)
    hold = tmp_path / "hold"
    hold.mkdir()
    temp = tmp_path / "temp"
    temp.mkdir()
    proc = _start(out, _env(tiny, temp, FAULTS_HOLD=str(hold)), "--jobs", jobs)
    children = _hold_until_running(proc, hold, int(jobs))
    proc.kill()
    proc.communicate(timeout=60)
    # workers: PR_SET_PDEATHSIG; kernels: killed by their worker, or their own watchdog
    _poll(lambda: not _alive(children), 30, f"the children {children} of a killed run to end")
    assert _contents(out / AS_OF) == before
    left = _leftovers(temp, out)
    assert any(name.startswith("pilot-eval-") for name in left), left  # what the next run clears
    private = next(p for p in temp.iterdir() if p.name.startswith("pilot-eval-"))
    assert private.stat().st_mode & 0o777 == 0o700
    assert (private / "report-data.pickle").exists()
    rerun = _start(out, _env(tiny, temp))
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert _leftovers(temp, out) == []
    assert (out / AS_OF / "manifest.json").is_file()


def test_a_second_run_waits_for_the_first_or_says_who_writes(
        tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    hold = tmp_path / "hold"
    hold.mkdir()
    temp = tmp_path / "temp"
    temp.mkdir()
    first = _start(out, _env(tiny, temp, FAULTS_HOLD=str(hold)))
    _hold_until_running(first, hold, 1)
    refused = _start(out, _env(tiny, temp, PILOT_EVAL_LOCK_WAIT="1"))
    _, err = refused.communicate(timeout=300)
    assert refused.returncode == 3, err
    assert f"pid {first.pid}" in err and "is writing reports into" in err, err
    waiting = _start(out, _env(tiny, temp, PILOT_EVAL_LOCK_WAIT="600"))
    _poll(lambda: waiting.poll() is not None or _waits(out, waiting), 300,
          "the second run to wait for the lock")
    (hold / "go").touch()
    _, err_first = first.communicate(timeout=300)
    _, err_second = waiting.communicate(timeout=300)
    assert first.returncode == 0, err_first
    assert waiting.returncode == 0, err_second
    assert "waiting up to 600 s" in err_second
    assert _leftovers(temp, out) == []


def _waits(out: Path, proc: subprocess.Popen[str]) -> bool:
    """Whether ``proc`` has got as far as the lock (it opened the lock file)."""
    try:
        return any(f.path == str(out / publish.LOCK_NAME)
                   for f in psutil.Process(proc.pid).open_files())
    except psutil.NoSuchProcess:
        return False


def test_disk_full_at_the_manifest_keeps_the_previous_set(
        tiny: Path, good_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "reports"
    before = _copy_set(good_set, out)
    from pilot_eval.render import run

    def full(out_dir: Path, **kwargs: object) -> Path:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out_dir / "manifest.json"))

    monkeypatch.setattr(run, "write_manifest", full)
    monkeypatch.setenv("PILOT_EVAL_NOTEBOOKS", str(tiny))
    code = main(["report", str(MINIMAL), "--as-of", AS_OF, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 3
    assert "the disk is full (ENOSPC" in err and str(out) in err and "internal error" not in err
    assert _contents(out / AS_OF) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]


def test_a_read_only_output_folder_is_said_clearly(
        tiny: Path, good_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs",
                                            str(out)], capture_output=True).returncode:
        pytest.skip("needs root to mount a read-only file system (root ignores chmod)")
    try:
        shutil.copytree(good_set / AS_OF, out / AS_OF)
        before = _contents(out / AS_OF)
        subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
        monkeypatch.setenv("PILOT_EVAL_NOTEBOOKS", str(tiny))
        code = main(["report", str(MINIMAL), "--as-of", AS_OF, "--out", str(out)])
        err = capsys.readouterr().err
        assert code == 3
        assert "read-only" in err and str(out) in err and "internal error" not in err
        assert _contents(out / AS_OF) == before
    finally:
        subprocess.run(["umount", str(out)], check=True)


def test_a_pilot_run_publishes_a_folder_its_manifest_describes(
        tiny: Path, good_set: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    before = _copy_set(good_set, out)
    result = render_reports(MINIMAL, as_of=AS_OF, pilots=["lekse"], portfolio=False, out=out,
                            notebooks=tiny)
    folder = result["out_dir"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    described = {e["path"]: e for e in manifest["outputs"]}
    for run in manifest["carried_over"]:
        assert run["parameters"]["portfolio"] is True  # made by the full run before
        described.update({e["path"]: e for e in run["outputs"]})
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert files - {"manifest.json"} == set(described)
    for path, entry in described.items():
        assert sha256_file(folder / path) == entry["sha256"], path
    # the other reports are the earlier ones, byte for byte; the pilot's own are new
    assert {e["path"] for e in manifest["outputs"]} == {
        "pilot_lekse.ipynb", "pilot_lekse.html", "pilot_lekse.pdf", "metrics.xlsx",
        "metrics.json"}
    for name in ("portfolio_report.pdf", "pilot_jobb.pdf"):
        assert (folder / name).read_bytes() == before[name]
    # a second --pilot run keeps every file described, the earliest run's files included
    render_reports(MINIMAL, as_of=AS_OF, pilots=["jobb"], portfolio=False, out=out,
                   notebooks=tiny)
    again = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {e["path"] for e in again["outputs"]}
    listed |= {e["path"] for run in again["carried_over"] for e in run["outputs"]}
    assert {p.name for p in folder.iterdir() if p.is_file()} - {"manifest.json"} == listed
    assert len(again["carried_over"]) == 2


def test_published_notebooks_carry_relative_paths_only(good_set: Path) -> None:
    folder = good_set / AS_OF
    absolute = [str(MINIMAL.resolve()), str(good_set.resolve()), str(ROOT.resolve())]
    for path in folder.glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        nb = nbformat.reads(text, as_version=4)
        data_dir = nb.metadata.papermill.parameters["data_dir"]
        assert not os.path.isabs(data_dir)
        assert (folder / data_dir).resolve() == MINIMAL.resolve()  # right where it lies
        assert "pilots.csv found: True" in text
        for found in absolute:
            assert found not in text.replace(f"../{found.lstrip('/')}", ""), (path.name, found)
        assert "/tmp/" not in text and "<temporary folder>/report-data.pickle" in text
        assert nb.metadata.papermill.output_path == f"./{path.name}"


# ---- the pieces, one by one ----------------------------------------------------------------------


def test_switch_without_renameat2_and_recovery_from_a_crash_between_renames(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "2025-12-31"
    target.mkdir()
    (target / "a.pdf").write_text("old")
    new = publish.new_staging(target)
    (new / "a.pdf").write_text("new")
    monkeypatch.setattr(pilot_eval.io, "_exchange", lambda a, b: False)
    publish.switch_in(new, target)
    assert (target / "a.pdf").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["2025-12-31"]
    # a crash between the two renames leaves the previous set aside: the next run restores it
    os.rename(target, tmp_path / ".old-2025-12-31-4242")
    (tmp_path / ".staging-2025-12-31-4242-x").mkdir()
    publish.clear_stale_staging(tmp_path)
    assert (target / "a.pdf").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["2025-12-31"]


def test_switch_exchanges_in_one_step_and_keeps_the_folder_mode(tmp_path: Path) -> None:
    target = tmp_path / "2025-12-31"
    target.mkdir(mode=0o750)
    os.chmod(target, 0o750)
    (target / "a.pdf").write_text("old")
    new = publish.new_staging(target)
    (new / "a.pdf").write_text("new")
    assert pilot_eval.io._exchange(new, target)  # Linux file systems here support it
    pilot_eval.io._exchange(new, target)  # and back
    publish.switch_in(new, target)
    assert (target / "a.pdf").read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o750
    assert [p.name for p in tmp_path.iterdir()] == ["2025-12-31"]


def test_stale_private_folders_go_live_ones_stay(tmp_path: Path) -> None:
    live = publish.PrivateFolder(tmp_path)
    dead = subprocess.run([sys.executable, "-c", (
        "import sys; sys.path.insert(0, sys.argv[1]); from pilot_eval.render import publish; "
        "print(publish.PrivateFolder(sys.argv[2]).path)"), str(ROOT / "src"), str(tmp_path)],
        capture_output=True, text=True, check=True).stdout.strip()
    assert Path(dead).is_dir()  # its owner ended without removing it
    removed = publish.clear_stale_private(tmp_path)
    assert removed == [Path(dead)] and live.path.is_dir()
    live.remove()
    assert not live.path.exists()


def test_the_lock_refuses_then_passes_and_leaves_no_file(tmp_path: Path) -> None:
    said: list[str] = []
    with publish.OutputLock(tmp_path, wait=0):
        assert (tmp_path / publish.LOCK_NAME).is_file()
        with pytest.raises(publish.OutputBusyError, match=f"pid {os.getpid()}"):
            with publish.OutputLock(tmp_path, wait=0.5, say=said.append):
                pass  # pragma: no cover
        assert said and "waiting up to 0.5 s" in said[0]
    with publish.OutputLock(tmp_path, wait=0):
        pass
    assert list(tmp_path.iterdir()) == []
