"""Publishing a report set: a lock per output folder, a private folder for intermediate
files, one switch for the whole set, and clear messages when the disk says no.

* :class:`OutputLock` — ``fcntl.flock`` on ``<out>/.pilot-eval.lock``: one run at a time
  writes an output folder; the next waits (up to a bound) or says which run holds it.
* :class:`PrivateFolder` — a 0700 folder in the system's temporary folder,
  ``pilot-eval-<pid>-…``, for what holds participant-level data (the shared metric tables)
  and the kernels' connection files. Its owner holds a lock on a file inside it, so the next
  run removes it when the owner is gone (:func:`clear_stale_private`), also after
  ``kill -9``.
* :func:`switch_in` — the staging folder, complete with its manifest, replaces
  ``reports/<as_of>/`` in one step (``renameat2(RENAME_EXCHANGE)`` on Linux; elsewhere two
  renames, undone by the next run if a crash falls between them).
* :func:`carry_over` — a ``--pilot`` run takes the other reports of the folder with it, and
  the manifest says which earlier run made each of them.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import ReportError, UsageError
from ..io import switch_folder

__all__ = [
    "LOCK_NAME",
    "STAGING_PREFIX",
    "OutputBusyError",
    "OutputLock",
    "OutputWriteError",
    "PrivateFolder",
    "Terminated",
    "carry_over",
    "clear_stale_private",
    "clear_stale_staging",
    "switch_in",
    "write_error",
]

LOCK_NAME = ".pilot-eval.lock"
STAGING_PREFIX = ".staging-"
_OLD_PREFIX = ".old-"
PRIVATE_PREFIX = "pilot-eval-"
# What versions before the private folder left in the temporary folder after a kill.
_LEGACY = ("pilot-eval-shared-", "pilot-eval-warm-up-")
_OWNER = ".owner"
#: Seconds a run waits for another run writing the same output folder (PILOT_EVAL_LOCK_WAIT).
DEFAULT_LOCK_WAIT = 300.0

# errno → (English, Norwegian) reason and what to do
_WRITE_ERRORS = {
    errno.ENOSPC: ("the disk is full", "disken er full",
                   "Free some space", "Frigjør plass"),
    errno.EDQUOT: ("the disk quota is used up", "diskkvoten er brukt opp",
                   "Free some space", "Frigjør plass"),
    errno.EROFS: ("the folder is on a read-only file system", "mappen er skrivebeskyttet",
                  "Choose another --out", "Velg en annen --out"),
    errno.EACCES: ("permission denied", "ingen skrivetilgang",
                   "Give this user write access or choose another --out",
                   "Gi brukeren skrivetilgang eller velg en annen --out"),
    errno.EPERM: ("the operation is not permitted", "operasjonen er ikke tillatt",
                  "Give this user write access or choose another --out",
                  "Gi brukeren skrivetilgang eller velg en annen --out"),
}


class Terminated(BaseException):
    """The process was asked to stop (SIGTERM, SIGHUP): unwinds like ``KeyboardInterrupt``.

    A ``BaseException``, so that no ``except Exception`` on the way swallows it.
    """

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class OutputWriteError(ReportError):
    """The output folder could not be written (full, read-only, no permission)."""


class OutputBusyError(ReportError):
    """Another run is writing the same output folder."""


def write_error(exc: BaseException, folder: Path | str) -> OutputWriteError | None:
    """A clear :class:`OutputWriteError` for a failed write, or None if ``exc`` is no such error.

    Parameters
    ----------
    exc : BaseException
        What was raised.
    folder : path
        The folder to name in the message (the one the user chose with ``--out``).

    Returns
    -------
    OutputWriteError or None
        For an :class:`OSError` (also one found as the cause of ``exc``) that says the disk
        is full, the quota spent, the folder read-only or not ours to write.

    Examples
    --------
    >>> import errno
    >>> full = OSError(errno.ENOSPC, "No space left on device", "reports/status.pdf")
    >>> print(write_error(full, "reports"))  # doctest: +NORMALIZE_WHITESPACE
    Cannot write the reports to 'reports': the disk is full (ENOSPC, at 'reports/status.pdf').
    Free some space and run again; the reports already there were left unchanged. / Kan ikke
    skrive rapportene til 'reports': disken er full. Frigjør plass og kjør på nytt; rapportene
    som ligger der, er ikke endret.
    >>> write_error(ValueError("not a write"), "reports") is None
    True
    """
    while exc is not None and not isinstance(exc, OSError):  # a wrapped OSError counts too
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    if not isinstance(exc, OSError) or exc.errno not in _WRITE_ERRORS:
        return None
    en, nb, do_en, do_nb = _WRITE_ERRORS[exc.errno]
    where = exc.filename if exc.filename else folder
    return OutputWriteError(
        f"Cannot write the reports to {str(folder)!r}: {en} ({errno.errorcode[exc.errno]}, "
        f"at {str(where)!r}). {do_en} and run again; the reports already there were left "
        f"unchanged. / Kan ikke skrive rapportene til {str(folder)!r}: {nb}. {do_nb} og kjør "
        "på nytt; rapportene som ligger der, er ikke endret.")


# -- the lock --------------------------------------------------------------------------------------


class OutputLock:
    """An exclusive lock on an output folder for as long as the ``with`` block runs.

    Parameters
    ----------
    out : Path
        The output folder (``--out``); the lock file ``.pilot-eval.lock`` is created in it.
    wait : float
        Seconds to wait for another run before giving up with :class:`OutputBusyError`.
    say : callable, optional
        Told once when this run has to wait.

    Notes
    -----
    ``flock`` locks belong to the open file: the kernel drops it when the holder ends,
    however it ends, so a lock is never left behind. The file holds the holder's pid, host
    and start time, for the message the next run gives. The holder removes it when done,
    while still holding the lock; a run that was waiting on the removed file sees that the
    name no longer leads to the file it locked, and tries again on a fresh one. (After
    ``kill -9`` the empty file stays, unlocked, and is used by the next run.)
    """

    def __init__(self, out: Path, *, wait: float = DEFAULT_LOCK_WAIT,
                 say: Callable[[str], None] | None = None) -> None:
        self.out = Path(out)
        self.wait = wait
        self.say = say
        self._fd: int | None = None
        self._path = self.out / LOCK_NAME

    def __enter__(self) -> OutputLock:
        import fcntl

        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):  # a file where a folder must be
            raise UsageError(
                f"The output folder {str(self.out)!r} is a file (or lies under one); "
                "pass a folder with --out, for example --out reports/.") from None
        path = self.out / LOCK_NAME
        deadline = time.monotonic() + max(0.0, self.wait)
        told = False
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    if _same_file(fd, path):
                        break
                    # the run before removed the file we waited on: lock the current one
                    os.close(fd)
                    fd = -1
                    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0),
                                 0o666)
                    continue
                except BlockingIOError:
                    holder = _holder(fd)
                    if time.monotonic() >= deadline:
                        raise OutputBusyError(
                            f"Another pilot-eval run ({holder}) is writing reports into "
                            f"{str(self.out)!r}. Waited {self.wait:g} s; try again when it has "
                            "finished (PILOT_EVAL_LOCK_WAIT sets how long to wait). Nothing was "
                            f"changed. / En annen kjøring av pilot-eval ({holder}) skriver "
                            f"rapporter i {str(self.out)!r}. Prøv igjen når den er ferdig."
                        ) from None
                    if not told and self.say is not None:
                        self.say(f"Another pilot-eval run ({holder}) is writing into "
                                 f"{self.out}; waiting up to {self.wait:g} s …")
                        told = True
                    time.sleep(0.2)
            os.ftruncate(fd, 0)
            started = datetime.now(timezone.utc).isoformat(timespec="seconds")
            os.pwrite(fd, f"{os.getpid()} {socket.gethostname()} {started}\n".encode(), 0)
        except BaseException:
            if fd >= 0:
                os.close(fd)
            raise
        self._fd = fd
        self._path = path
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):  # while locked: nobody else has it now
                os.unlink(self._path)
            os.close(fd)  # closing drops the lock


def _same_file(fd: int, path: Path) -> bool:
    try:
        mine, now = os.fstat(fd), os.stat(path)
    except FileNotFoundError:
        return False
    return (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino)


def _holder(fd: int) -> str:
    try:
        pid, host, started = os.pread(fd, 200, 0).decode().split()[:3]
    except (OSError, ValueError, UnicodeDecodeError):
        return "pid unknown"
    return f"pid {pid} on {host}, started {started}"


# -- the private folder ----------------------------------------------------------------------------


class PrivateFolder:
    """A 0700 temporary folder, ``pilot-eval-<pid>-…``, for this run's intermediate files.

    Created at once; :meth:`remove` deletes it (call it on every way out). Its owner holds a
    ``flock`` on the file ``.owner`` inside it, which processes forked later share: the
    folder counts as in use until the last of them has ended.
    """

    def __init__(self, parent: Path | str | None = None) -> None:
        import fcntl

        self.path = Path(tempfile.mkdtemp(prefix=f"{PRIVATE_PREFIX}{os.getpid()}-", dir=parent))
        self._fd: int | None = os.open(self.path / _OWNER, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def clear_stale_private(parent: Path | str | None = None) -> list[Path]:
    """Remove the private folders of runs that ended without cleaning up (e.g. ``kill -9``).

    A folder is stale when nobody holds the lock on its ``.owner`` file (or, if it has none,
    when the pid in its name has ended).

    Parameters
    ----------
    parent : path, optional
        Where the private folders are; default the system's temporary folder.

    Returns
    -------
    list of Path
        The folders removed.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     left = Path(tmp) / "pilot-eval-999999999-x1"  # its run ended; no lock held
    ...     (left / ".owner").parent.mkdir()
    ...     (left / ".owner").touch()
    ...     (Path(tmp) / "other").mkdir()
    ...     print([path.name for path in clear_stale_private(tmp)],
    ...           sorted(path.name for path in Path(tmp).iterdir()))
    ['pilot-eval-999999999-x1'] ['other']
    """
    import fcntl

    removed = []
    root = Path(parent) if parent is not None else Path(tempfile.gettempdir())
    try:
        candidates = [p for p in root.iterdir() if p.name.startswith(PRIVATE_PREFIX)]
    except OSError:
        return removed
    for folder in candidates:
        pid = folder.name[len(PRIVATE_PREFIX):].split("-", 1)[0]
        if not folder.is_dir() or folder.is_symlink():
            continue
        if folder.name.startswith(_LEGACY):  # earlier versions: no owner, judged by age
            with contextlib.suppress(OSError):
                if time.time() - folder.stat().st_mtime > 3600:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(folder)
            continue
        if not pid.isdigit():
            continue
        try:
            fd = os.open(folder / _OWNER, os.O_RDWR)
        except FileNotFoundError:
            if _pid_alive(int(pid)):  # just created, the owner file not yet
                continue
            fd = None
        except OSError:
            continue
        try:
            if fd is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:  # its run is still going
                    continue
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        finally:
            if fd is not None:
                os.close(fd)
    return removed


# -- staging and the switch ------------------------------------------------------------------------


def clear_stale_staging(out: Path) -> None:
    """Tidy ``out`` after runs that were killed (call it holding the :class:`OutputLock`).

    Staging folders are removed. A previous set that a crash left renamed aside (between the
    two renames of the fallback switch) is put back when its place is empty.

    Parameters
    ----------
    out : Path
        The output folder (``--out``).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     for name in ("2026-06-30", STAGING_PREFIX + "killed"):
    ...         (Path(tmp) / name).mkdir()
    ...     clear_stale_staging(Path(tmp))
    ...     print(sorted(path.name for path in Path(tmp).iterdir()))
    ['2026-06-30']
    """
    try:
        entries = list(Path(out).iterdir())
    except OSError:
        return
    for path in entries:
        if not path.is_dir() or path.is_symlink():
            continue
        if path.name.startswith(STAGING_PREFIX):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(_OLD_PREFIX):
            name = path.name[len(_OLD_PREFIX):].rsplit("-", 1)[0]
            target = path.with_name(name)
            if name and not target.exists():
                os.rename(path, target)
            else:
                shutil.rmtree(path, ignore_errors=True)


def new_staging(out_dir: Path) -> Path:
    """A staging folder beside ``out_dir`` (same file system, same depth)."""
    return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{out_dir.name}-{os.getpid()}-",
                                 dir=out_dir.parent))




def switch_in(staging: Path, target: Path) -> None:
    """Make the complete folder ``staging`` the folder ``target``, in one step.

    Readers see the previous set or the new one, never a mixture or a gap (on Linux
    file systems with ``renameat2``; elsewhere the gap between two renames is a few
    microseconds, and :func:`clear_stale_staging` undoes a crash in it). The folder gets
    the permissions of the one it replaces (or the umask's), not ``mkdtemp``'s 0700.

    Parameters
    ----------
    staging : Path
        The complete new folder, beside ``target`` (same file system).
    target : Path
        The published folder (``reports/<as_of>``); it need not exist yet.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     target, staging = Path(tmp) / "2026-06-30", Path(tmp) / ".staging-1"
    ...     target.mkdir()
    ...     staging.mkdir()
    ...     _ = (target / "portfolio_report.pdf").write_bytes(b"earlier")
    ...     _ = (staging / "portfolio_report.pdf").write_bytes(b"now")
    ...     switch_in(staging, target)
    ...     print(sorted(path.name for path in Path(tmp).iterdir()),
    ...           (target / "portfolio_report.pdf").read_bytes())
    ['2026-06-30'] b'now'
    """
    # the one folder switch of the package (io.switch_folder); the previous set's name
    # starts with _OLD_PREFIX so that clear_stale_staging can put it back after a crash
    switch_folder(staging, target, old_prefix=_OLD_PREFIX)


# -- carrying the other reports over into a --pilot run's folder -----------------------------------

_RUN_FIELDS = ("version", "created_utc", "python", "parameters", "inputs", "rules_sha256")


def carry_over(previous: Path, staging: Path, *, replaced: Iterable[str],
               failed_replaced: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Copy the files of ``previous`` that this run does not make into ``staging``.

    Parameters
    ----------
    previous : Path
        The published folder (may be missing: nothing to carry).
    staging : Path
        The new folder.
    replaced : iterable of str
        File names this run writes (its reports, ``metrics.xlsx``); ``manifest.json`` is
        always rewritten.
    failed_replaced : iterable of str
        Stems whose ``failed/<stem>.ipynb`` no longer applies (the report succeeded now).

    Returns
    -------
    list of dict
        One record per earlier run whose files were carried: that run's version, time,
        parameters, inputs and rules hash as its manifest stated them, and ``outputs`` (the
        carried files with size and SHA-256). Files no earlier manifest describes (or
        whose hash changed) come in a record with ``"parameters": None``.

    Notes
    -----
    Files are hard-linked (they are replaced, never changed in place, so sharing the
    inode is safe), or copied where links are not allowed. ``failed/`` is carried as is
    and never listed: it holds the notebooks of failed runs, for debugging, not reports.

    Examples
    --------
    A run that remakes one pilot's report takes the portfolio report along:

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     previous, staging = Path(tmp) / "2026-06-30", Path(tmp) / ".staging-1"
    ...     previous.mkdir()
    ...     staging.mkdir()
    ...     for name in ("portfolio_report.pdf", "pilot_lekse.pdf"):
    ...         _ = (previous / name).write_bytes(b"earlier")
    ...     _ = (staging / "pilot_lekse.pdf").write_bytes(b"now")
    ...     records = carry_over(previous, staging, replaced=["pilot_lekse.pdf"])
    ...     print(sorted(path.name for path in staging.iterdir()))
    ['pilot_lekse.pdf', 'portfolio_report.pdf']

    No manifest described the carried file, so its record has no parameters:

    >>> [(record["parameters"], [out["path"] for out in record["outputs"]]) for record in records]
    [(None, ['portfolio_report.pdf'])]
    """
    from .run import sha256_file

    previous, staging = Path(previous), Path(staging)
    if not previous.is_dir():
        return []
    replaced = set(replaced) | {"manifest.json"}
    stale_failed = {f"{stem}.ipynb" for stem in failed_replaced}
    runs, owner = _earlier_runs(previous / "manifest.json")
    records: dict[int, dict[str, Any]] = {}
    for path in sorted(previous.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(previous)
        parts = rel.parts
        if parts[0] == "failed" and len(parts) == 2:
            if rel.name in stale_failed:
                continue
        elif (len(parts) == 1 and rel.name in replaced) or rel.name.startswith("."):
            continue
        dest = staging / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, dest)
        except OSError:
            shutil.copy2(path, dest)
        if parts[0] == "failed":
            continue
        entry = {"path": rel.as_posix(), "bytes": dest.stat().st_size,
                 "sha256": sha256_file(dest)}
        index, recorded = owner.get(entry["path"], (None, None))
        if index is None or recorded != entry["sha256"]:
            index = -1
        record = records.setdefault(index, dict(runs[index]) if index >= 0 else {
            "parameters": None,
            "note": "not described by the manifest of the folder it was carried from "
                    "(made by an older version, or changed since)"})
        record.setdefault("outputs", []).append(entry)
    return [records[i] for i in sorted(records, key=lambda i: (i < 0, i))]


def _earlier_runs(manifest: Path) -> tuple[list[dict[str, Any]], dict[str, tuple[int, str]]]:
    """The runs an existing manifest describes, and for each file (run index, SHA-256)."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return [], {}
    if not isinstance(data, dict):
        return [], {}
    runs: list[dict[str, Any]] = []
    owner: dict[str, tuple[int, str]] = {}
    for record in [data, *(data.get("carried_over") or [])]:
        if not isinstance(record, dict):
            continue
        runs.append({k: record.get(k) for k in _RUN_FIELDS if k in record}
                    | ({"note": record["note"]} if "note" in record else {}))
        for entry in record.get("outputs") or []:
            if isinstance(entry, dict) and "path" in entry:
                owner[str(entry["path"])] = (len(runs) - 1, str(entry.get("sha256")))
    return runs, owner
