"""Run a report notebook with Papermill and export it, all or nothing.

:func:`render_report` writes every file into a staging folder inside ``out_dir`` and moves
them into place (``os.replace``, one file at a time) only after execution, HTML and PDF
all succeeded. A failure leaves the previous report exactly as it was and keeps the failed
executed notebook in ``out_dir/failed/`` for debugging.

Starting a kernel and importing pandas and matplotlib in it takes longer than most
reports' own work, so several notebooks run one after another in one session, which gives
each notebook a fresh namespace: a :class:`KernelSession` (one kernel process), or in a
process of our own (a report set's worker) a :class:`LocalSession`, which runs them in
that process, without a kernel. Both give the same executed notebook.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import inspect
import io
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from ..errors import ReportError, UsageError
from ..io import atomic_write_bytes
from .export import html_to_pdf, notebook_to_html
from .publish import write_error

if TYPE_CHECKING:  # pragma: no cover
    from nbformat import NotebookNode

__all__ = [
    "KernelSession",
    "LocalSession",
    "execute_notebook",
    "library_versions",
    "render_report",
    "sha256_file",
    "write_manifest",
]

FAILED_DIR = "failed"
# The kernel's own start-up chatter (e.g. "running over TCP without encryption") is noise
# in cron logs; errors still come through. History in memory: nothing written to ~/.ipython.
_KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.hist_file=:memory:"]


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


def _snapshot() -> dict[str, Any]:
    """What a fresh interpreter looks like to a notebook: its environment, ``sys.path``,
    warning filters and matplotlib's ``rcParams`` (standard library only: it also runs in
    a kernel, see :data:`_PREPARE`)."""
    import os
    import sys
    import warnings

    mpl = sys.modules.get("matplotlib")
    return {"environ": dict(os.environ), "path": list(sys.path),
            "filters": list(warnings.filters),
            "rc": mpl.rcParams.copy() if mpl is not None else None}


def _reset_to(base: dict[str, Any], env: Mapping[str, str]) -> None:
    """Put back a :func:`_snapshot` (and set ``env`` over its environment)."""
    import os
    import sys
    import warnings

    os.environ.clear()
    os.environ.update(base["environ"])
    os.environ.update(env)
    sys.path[:] = base["path"]
    warnings.resetwarnings()  # also forgets which warnings were already shown
    warnings.filters[:] = base["filters"]
    if base["rc"] is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.modules["matplotlib"].rcParams.update(base["rc"])


# Runs in the kernel before every notebook of a session: the same two functions as in
# this process (LocalSession), then the call. The first call records what a fresh
# kernel looks like after the preload; every call puts that back.
_PREPARE = ("from __future__ import annotations\nfrom typing import Any, Mapping\n"
            + inspect.getsource(_snapshot) + inspect.getsource(_reset_to) + """\
def _pilot_eval_prepare(cwd, env):
    import os
    shell = get_ipython()
    snapshot, reset_to = _snapshot, _reset_to  # %reset below forgets the names
    base = getattr(shell, "_pilot_eval_baseline", None)
    if base is None:
        base = shell._pilot_eval_baseline = snapshot()
    shell.run_line_magic("reset", "-f")  # user namespace, In/Out; these functions' names too
    shell.execution_count = 1
    reset_to(base, env)
    if cwd is not None:
        os.chdir(cwd)
""")


# Runs in the kernel as soon as it is up: the kernel ends when the process that started it
# is gone, whoever adopts it (ipykernel's own check only notices an adoption by pid 1).
_WATCHDOG = """\
def _pilot_eval_watchdog(parent):
    import os, threading, time
    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, name="pilot-eval-watchdog", daemon=True).start()
_pilot_eval_watchdog({parent}); del _pilot_eval_watchdog
"""


class KernelSession:
    """One Jupyter kernel that runs several notebooks, one after another, each afresh.

    Parameters
    ----------
    kernel_name : str, default "python3"
    preload : sequence of str, default ()
        Modules imported as soon as the kernel is up, while the caller does other work
        (e.g. ``["pilot_eval.present.report"]``, which brings pandas, SciPy, statsmodels
        and matplotlib).
    startup_timeout : float, default 60
        Seconds to wait for the kernel (and the preload) to be ready.
    runtime_dir : Path, optional
        A private folder for the kernel's connection file (it holds the key to the
        kernel). On POSIX the kernel then talks over Unix sockets in that folder instead
        of TCP ports, so that kernels started at the same moment by other runs cannot
        take each other's ports. None: Jupyter's runtime folder and TCP.

    Notes
    -----
    Before every notebook :meth:`prepare` resets the kernel to how it was after the
    preload: the user namespace is emptied (``%reset -f``, which also clears ``In`` and
    ``Out``), the execution count starts at 1 again, and the environment variables,
    ``sys.path``, warning filters and "already shown" warnings, matplotlib's ``rcParams``
    (when the preload imported matplotlib) and the working folder are put back. So no
    variable, setting or output of one report can reach the next. What a session keeps on
    purpose is what was imported, with module-level caches: pilot_eval's are keyed by their
    inputs and never handed out for mutation. It also keeps IPython settings changed with
    ``%config`` (the report notebooks change none). After a failed notebook (an
    exception, a timeout, a dead kernel) the kernel is replaced by a fresh one.

    The kernel ends with the process that started it: a thread in the kernel watches its
    parent process and exits when it is gone (also after ``kill -9``). :meth:`kill` stops it
    at once, from a signal handler too.

    Use as a context manager, or call :meth:`shutdown`.

    Examples
    --------
    >>> with KernelSession(preload=["pilot_eval.present.report"]) as session:  # doctest: +SKIP
    ...     render_report(nb, out, params, stem="a", title="A", session=session)
    ...     render_report(nb, out, other, stem="b", title="B", session=session)
    """

    def __init__(self, kernel_name: str = "python3", *, preload: Sequence[str] = (),
                 startup_timeout: float = 60.0, runtime_dir: Path | str | None = None) -> None:
        self.kernel_name = kernel_name
        self.preload = tuple(preload)
        self.startup_timeout = startup_timeout
        self.runtime_dir = None if runtime_dir is None else Path(runtime_dir)
        self._km: Any = None
        self._kc: Any = None  # our own client, for the reset requests
        self._pending: list[str] = []  # ids of requests whose replies are not read yet
        self._clients: list[Any] = []  # clients made by nbclient, closed after each notebook
        self._broken = False
        self.notebooks_run = 0
        self.kernels_started = 0

    def __enter__(self) -> KernelSession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    @property
    def started(self) -> bool:
        return self._km is not None

    def start(self) -> KernelSession:
        """Launch the kernel and queue the preload; returns without waiting for either."""
        if self._km is not None:
            return self
        from jupyter_client import AsyncKernelManager
        from jupyter_core.utils import run_sync

        _check_kernel(self.kernel_name)
        clients = self._clients

        class _Manager(AsyncKernelManager):  # type: ignore[misc]
            def client(self, **kwargs: Any) -> Any:
                kc = super().client(**kwargs)
                clients.append(kc)
                return kc

        options: dict[str, Any] = {}
        if self.runtime_dir is not None:
            stem = str(self.runtime_dir / f"kernel-{uuid4().hex[:12]}")
            options["connection_file"] = stem + ".json"
            if os.name == "posix" and len(stem) < 90:  # Unix socket paths have ~107 bytes
                options.update(transport="ipc", ip=stem + "-ipc")
        km = _Manager(kernel_name=self.kernel_name, **options)
        try:
            run_sync(km.start_kernel)(extra_arguments=list(_KERNEL_ARGUMENTS))
        except Exception as exc:
            raise ReportError(f"Could not start the Jupyter kernel {self.kernel_name!r} "
                              f"({type(exc).__name__}: {' '.join(str(exc).split())}).") from exc
        self._km = km
        self._kc = km.blocking_client()
        self._kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        self.kernels_started += 1
        self._broken = False
        code = "\n".join([_WATCHDOG.format(parent=os.getpid()),
                          *(f"import {module}" for module in self.preload)])
        self._pending.append(self._kc.execute(code, silent=True, store_history=False))
        return self

    def prepare(self, *, cwd: Path | str | None = None,
                env: Mapping[str, str] | None = None) -> Any:
        """Make the kernel ready for the next notebook and return its kernel manager.

        Parameters
        ----------
        cwd : Path, optional
            Working folder of the notebook.
        env : mapping, optional
            Environment variables for this notebook only.

        Raises
        ------
        ReportError
            The kernel did not start, or did not answer within ``startup_timeout``.
        """
        if self._broken or (self._km is not None and not self._alive()):
            self._stop()
        self.start()
        folder = None if cwd is None else str(Path(cwd).resolve())
        variables = {str(k): str(v) for k, v in (env or {}).items()}
        code = f"{_PREPARE}_pilot_eval_prepare({folder!r}, {variables!r})\n"
        self._pending.append(self._kc.execute(code, silent=True, store_history=False))
        try:
            reply = self._replies()
        except Exception as exc:
            self._broken = True
            raise ReportError(f"The Jupyter kernel {self.kernel_name!r} did not get ready ({exc}). "
                              "Try again; if it persists, run the notebook in JupyterLab to see "
                              "why.") from exc
        if reply["content"]["status"] != "ok":
            self._broken = True
            content = reply["content"]
            raise ReportError(f"Could not reset the Jupyter kernel between notebooks "
                              f"({content.get('ename')}: {content.get('evalue')}).")
        return self._km

    def finished(self, *, ok: bool) -> None:
        """Close the clients of the notebook just run; after a failure, retire the kernel."""
        for kc in self._clients:
            try:
                kc.stop_channels()
            except Exception:  # a client of a dead kernel may fail to close; nothing to keep
                pass
        self._clients.clear()
        self.notebooks_run += 1
        if not ok:
            self._broken = True

    def shutdown(self) -> None:
        """Stop the kernel (at once: it holds nothing worth saving)."""
        self._stop()

    def kill(self) -> None:
        """Kill the kernel and its process group now, without talking to it.

        For the way out after a signal: no event loop, no messages, safe in a signal
        handler. Removes the connection file and sockets too.
        """
        km, self._km = self._km, None
        if km is None:
            return
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None:
            try:
                if os.name == "posix":  # the kernel leads its own session (jupyter_client)
                    os.killpg(process.pid, signal.SIGKILL)
                else:  # pragma: no cover
                    process.kill()
            except OSError:  # already gone
                pass
            try:
                process.wait(timeout=2)  # no zombie left either
            except Exception:  # noqa: BLE001
                pass
        for clean in ("cleanup_connection_file", "cleanup_ipc_files"):
            try:
                getattr(km, clean)()
            except Exception:  # noqa: BLE001 — best effort on the way out
                pass
        # Close the sockets too: a zmq context collected with open sockets blocks for ever.
        kc, self._kc = self._kc, None
        for client in [*self._clients, kc]:
            if client is not None:
                try:
                    client.stop_channels()
                except Exception:  # noqa: BLE001
                    pass
        self._clients.clear()
        self._pending.clear()
        control = getattr(km, "_control_socket", None)
        if control is not None:
            try:
                control.close(linger=0)
            except Exception:  # noqa: BLE001
                pass

    def _alive(self) -> bool:
        from jupyter_core.utils import run_sync

        try:
            return bool(run_sync(self._km.is_alive)())
        except Exception:
            return False

    def _replies(self) -> dict[str, Any]:
        """Read the replies of every pending request; return the last one."""
        import queue

        deadline = time.monotonic() + self.startup_timeout
        reply: dict[str, Any] = {}
        while self._pending:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer within {self.startup_timeout:g} s")
            try:
                msg = self._kc.get_shell_msg(timeout=min(left, 0.5))
            except queue.Empty:
                if not self._alive():
                    raise RuntimeError("the kernel process ended") from None
                continue
            if msg["parent_header"].get("msg_id") in self._pending:
                self._pending.remove(msg["parent_header"]["msg_id"])
                reply = msg
        return reply

    def _stop(self) -> None:
        from jupyter_core.utils import run_sync

        km, kc = self._km, self._kc
        self._km = self._kc = None
        self._pending.clear()
        for client in [*self._clients, kc]:
            if client is not None:
                try:
                    client.stop_channels()
                except Exception:
                    pass
        self._clients.clear()
        if km is not None:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # already gone
                pass
            try:
                run_sync(km.cleanup_resources)()
            except Exception:
                pass


# -- notebooks run in this process -------------------------------------------------------------

#: What ipykernel tells a client about the language (kernel_info_reply); nbclient writes it
#: into the executed notebook's metadata.
_LANGUAGE_INFO = {
    "name": "python",
    "version": sys.version.split()[0],
    "mimetype": "text/x-python",
    "codemirror_mode": {"name": "ipython", "version": sys.version_info[0]},
    "pygments_lexer": f"ipython{sys.version_info[0]}",
    "nbconvert_exporter": "python",
    "file_extension": ".py",
}
#: Set by ipykernel in a kernel's environment (ZMQInteractiveShell.init_environment).
_KERNEL_ENVIRON = {"TERM": "xterm-color", "CLICOLOR": "1", "FORCE_COLOR": "1",
                   "CLICOLOR_FORCE": "1", "PAGER": "cat", "GIT_PAGER": "cat"}


def _message(msg_type: str, content: dict[str, Any], parent: str) -> dict[str, Any]:
    """A Jupyter message as a client receives it from a kernel (the content through JSON, as
    over the wire, so that an output holds exactly what a kernel's would)."""
    from jupyter_client.session import json_packer, json_unpacker

    msg_id = uuid4().hex
    header = {"msg_id": msg_id, "msg_type": msg_type, "username": "", "session": "",
              "date": datetime.now(timezone.utc), "version": "5.3"}
    return {"header": header, "msg_id": msg_id, "msg_type": msg_type,
            "parent_header": {"msg_id": parent}, "metadata": {},
            "content": json_unpacker(json_packer(content)), "buffers": []}


class _Channel:
    """A channel of :class:`_LocalKernel`: every message is there before it is asked for."""

    def __init__(self) -> None:
        self.messages: collections.deque[dict[str, Any]] = collections.deque()

    def get_msg(self, block: bool = True, timeout: float | None = None) -> dict[str, Any]:
        import queue

        try:
            return self.messages.popleft()
        except IndexError:
            raise queue.Empty from None

    def msg_ready(self) -> bool:
        return bool(self.messages)

    def is_alive(self) -> bool:
        return True

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


class _Stream(io.TextIOBase):
    """``sys.stdout`` or ``sys.stderr`` while a cell runs: text kept for a ``stream`` message,
    sent before the next display and at the end of the cell (as ipykernel's ``OutStream``
    buffers it)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name_ = name
        self.parts: list[str] = []

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "UTF-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            self.parts.append(text)
        return len(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        return text


class _LocalKernel:
    """An IPython shell in this process that answers nbclient like a kernel does.

    It is its own kernel manager and client (nbclient calls ``client()``, ``execute``,
    ``kernel_info`` and reads the two channels). ``execute`` runs the cell at once, with
    ``sys.stdout``/``sys.stderr`` captured and in the notebook's working folder, and queues
    the messages ipykernel would send: status, the input, streams, displays, the result or
    the error, the reply. nbclient turns them into outputs as it does a kernel's.
    """

    kernel_name = "python3"
    has_kernel = True
    ipykernel = True
    allow_stdin = False

    def __init__(self, keep_signals: Sequence[int] = ()) -> None:
        from IPython.core.displayhook import DisplayHook
        from IPython.core.displaypub import DisplayPublisher
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config

        kernel = self

        class _Hook(DisplayHook):  # type: ignore[misc]
            """The value of a cell's last expression: an ``execute_result``."""

            def start_displayhook(self) -> None:
                self._pe_content: dict[str, Any] = {"data": {}, "metadata": {}}

            def write_output_prompt(self) -> None:
                self._pe_content["execution_count"] = self.prompt_count

            def write_format_data(self, format_dict: dict[str, Any],
                                  md_dict: dict[str, Any] | None = None) -> None:
                self._pe_content["data"] = format_dict
                self._pe_content["metadata"] = md_dict or {}

            def finish_displayhook(self) -> None:
                kernel.flush()
                if self._pe_content["data"]:
                    kernel.emit("execute_result", self._pe_content)

        class _Publisher(DisplayPublisher):  # type: ignore[misc]
            """``display()``, ``update_display`` and ``clear_output``."""

            def publish(self, data: dict[str, Any], metadata: dict[str, Any] | None = None,
                        source: Any = None, *, transient: dict[str, Any] | None = None,
                        update: bool = False, **kwargs: Any) -> None:
                kernel.flush()
                kernel.emit("update_display_data" if update else "display_data",
                            {"data": data, "metadata": metadata or {},
                             "transient": transient or {}})

            def clear_output(self, wait: bool = False) -> None:
                kernel.flush()
                kernel.emit("clear_output", {"wait": wait})

        class _Shell(InteractiveShell):  # type: ignore[misc]
            displayhook_class = _Hook
            display_pub_class = _Publisher

            def _showtraceback(self, etype: Any, evalue: Any, stb: list[str]) -> None:
                kernel.flush()
                kernel.emit("error", {"traceback": stb, "ename": str(etype.__name__),
                                      "evalue": str(evalue)})
                self._last_traceback = stb

        config = Config()
        # No history database: the kernels keep one in memory, which notebooks run one after
        # another with their counts started at 1 again only fill with "not unique" errors.
        config.HistoryManager.enabled = False
        InteractiveShell.clear_instance()  # a shell before this one (or inherited by fork)
        self.shell = _Shell.instance(config=config)
        self.shell._last_traceback = None
        self.iopub_channel = _Channel()
        self.shell_channel = _Channel()
        self.stdout, self.stderr = _Stream("stdout"), _Stream("stderr")
        self.cwd: str | None = None
        self.filters: list[Any] = list(warnings.filters)
        self.keep_signals = {number: signal.getsignal(number) for number in keep_signals}
        self._request = ""

    # kernel manager
    def client(self, **kwargs: Any) -> _LocalKernel:
        return self

    def is_alive(self) -> bool:
        return True

    def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        """What nbclient calls when SIGINT or SIGTERM reaches its handler: this process is
        the kernel, so it ends as its own SIGTERM handler (or the default) would end it."""
        self.restore_signals()
        handler = self.keep_signals.get(signal.SIGTERM)
        if callable(handler):
            handler(signal.SIGTERM, None)
        else:
            signal.raise_signal(signal.SIGTERM)

    def restore_signals(self) -> None:
        """Put back the handlers of :attr:`keep_signals` (nbclient replaces them)."""
        for number, handler in self.keep_signals.items():
            if handler is not None and signal.getsignal(number) is not handler:
                signal.signal(number, handler)

    # kernel client
    def start_channels(self, *args: Any, **kwargs: Any) -> None:
        pass

    def stop_channels(self) -> None:
        pass

    def wait_for_ready(self, timeout: float | None = None) -> None:
        pass

    def kernel_info(self) -> str:
        request = uuid4().hex
        self.shell_channel.messages.append(_message("kernel_info_reply", {
            "status": "ok", "protocol_version": "5.3", "implementation": "ipython",
            "implementation_version": _ipython_version(), "language_info": _LANGUAGE_INFO,
            "banner": "", "help_links": []}, request))
        return request

    def emit(self, msg_type: str, content: dict[str, Any]) -> None:
        self.iopub_channel.messages.append(_message(msg_type, content, self._request))

    def flush(self) -> None:
        for stream in (self.stdout, self.stderr):
            text = stream.take()
            if text:
                self.emit("stream", {"name": stream.name_, "text": text})

    def execute(self, code: str, silent: bool = False, store_history: bool = True,
                user_expressions: Mapping[str, str] | None = None,
                allow_stdin: bool | None = None, stop_on_error: bool = True) -> str:
        """Run ``code`` now, as ipykernel's ``execute_request`` would; return the request id."""
        shell = self.shell
        self._request = request = uuid4().hex
        self.emit("status", {"execution_state": "busy"})
        if not silent:
            self.emit("execute_input", {"code": code, "execution_count": shell.execution_count})
        shell._last_traceback = None
        if silent:
            store_history = False
        here = os.getcwd()
        saved = sys.stdout, sys.stderr
        # The notebook's warning filters hold while its cells run, this process's in between
        # (a notebook that turns warnings into errors must not break the saving of it). No
        # warnings._filters_mutated(): what was shown once stays shown, as in a kernel.
        filters = list(warnings.filters)
        warnings.filters[:] = self.filters
        shown = _plain_warnings()
        self.restore_signals()  # nbclient installs asyncio handlers: the process's own first
        try:
            if self.cwd is not None:
                os.chdir(self.cwd)
            sys.stdout, sys.stderr = self.stdout, self.stderr
            result = shell.run_cell(code, store_history=store_history, silent=silent)
        finally:
            sys.stdout, sys.stderr = saved
            self.flush()
            self.cwd = os.getcwd()  # a cell may change it: the next one starts there
            os.chdir(here)
            self.filters = list(warnings.filters)
            warnings.filters[:] = filters
            _plain_warnings(shown)
        reply: dict[str, Any] = {"execution_count": shell.execution_count - 1}
        if result.success:
            reply["status"] = "ok"
            reply["user_expressions"] = shell.user_expressions(dict(user_expressions or {}))
        else:
            error = result.error_before_exec or result.error_in_exec
            reply.update(status="error", traceback=shell._last_traceback or [],
                         ename=str(type(error).__name__), evalue=str(error),
                         user_expressions={})
        reply["payload"] = shell.payload_manager.read_payload()
        shell.payload_manager.clear_payload()
        self.shell_channel.messages.append(_message("execute_reply", reply, request))
        self.emit("status", {"execution_state": "idle"})
        return request


_INLINE = "module://matplotlib_inline.backend_inline"


def _inline_matplotlib() -> None:
    """matplotlib's backend as in a kernel (ipykernel sets ``MPLBACKEND``): a pyplot figure
    a notebook draws is shown in it, as a PNG, as in JupyterLab. Only while pyplot has not
    been imported (the report charts do not use it)."""
    if os.environ.get("MPLBACKEND") or "matplotlib.pyplot" in sys.modules:
        return
    with contextlib.suppress(ImportError):
        import matplotlib

        matplotlib.rcParams["backend"] = _INLINE


def _show_warning(msg: Any) -> None:
    """The standard library's way to show a warning: its text on ``sys.stderr``."""
    file = msg.file if msg.file is not None else sys.stderr
    if file is not None:
        with contextlib.suppress(OSError):
            file.write(warnings._formatwarnmsg(msg))  # type: ignore[attr-defined]


def _plain_warnings(saved: tuple[Any, Any] | None = None) -> tuple[Any, Any] | None:
    """Show warnings as a kernel does, on ``sys.stderr`` (not as this process may have been
    told to, e.g. by pytest or ``logging.captureWarnings``), and return what to put back;
    with ``saved``, put that back."""
    if not (hasattr(warnings, "_showwarnmsg_impl") and hasattr(warnings, "_showwarning_orig")):
        return None  # another implementation of the module: leave it as it is
    if saved is not None:
        warnings.showwarning, warnings._showwarnmsg_impl = saved
        return None
    before = (warnings.showwarning, warnings._showwarnmsg_impl)
    warnings.showwarning = warnings._showwarning_orig
    warnings._showwarnmsg_impl = _show_warning
    return before


def _ipython_version() -> str:
    import IPython

    return str(IPython.__version__)


class LocalSession:
    """Runs notebooks in this process, one after another, each afresh: no kernel to start.

    A drop-in for :class:`KernelSession` in a process of our own (a report worker): the
    notebooks are still executed by Papermill and nbclient, which talk to an IPython shell
    in this process as to a kernel (:class:`_LocalKernel`), so the executed notebook has
    the same injected parameters, outputs, execution counts and metadata. What a kernel
    process costs is saved: starting the interpreter, importing the report libraries again
    (here they are imported once, by the process), and sending every output through
    sockets.

    Parameters
    ----------
    kernel_name : str, default "python3"
        Only ``"python3"``: the notebooks run in this interpreter.
    preload : sequence of str, default ()
        Modules imported by :meth:`start`.
    keep_signals : sequence of int, default (SIGTERM,)
        Signals whose handlers (as they are at :meth:`start`) are put back before each cell:
        nbclient installs its own while it runs a notebook.

    Notes
    -----
    Before every notebook :meth:`prepare` does what :class:`KernelSession` does in its
    kernel: the user namespace is emptied (``%reset -f``), the execution count starts at 1,
    and the environment variables (with those ipykernel sets in a kernel), ``sys.path``,
    the warning filters and matplotlib's ``rcParams`` are put back as they were after the
    preload. Each cell runs in the notebook's working folder, with ``sys.stdout`` and
    ``sys.stderr`` captured and the notebook's warning filters; this process's own folder,
    streams and filters are back between cells. After the notebook (:meth:`finished`) the
    process's environment and ``sys.path`` are put back too, and after a failed notebook
    the shell is replaced by a new one. matplotlib gets the inline backend, as in a kernel,
    when pyplot has not been imported yet. Unlike a kernel, a cell cannot be interrupted
    (no ``timeout``), output written to the file descriptors directly (by C code) is not
    captured, and the shell is this process's IPython singleton: use it in a process of
    your own (a worker), not in a Jupyter kernel.
    """

    def __init__(self, kernel_name: str = "python3", *, preload: Sequence[str] = (),
                 keep_signals: Sequence[int] = (signal.SIGTERM,)) -> None:
        if kernel_name != "python3":
            raise UsageError(f"kernel_name={kernel_name!r}: notebooks run in this process are "
                             "run by this Python ('python3').")
        self.kernel_name = kernel_name
        self.preload = tuple(preload)
        self.keep_signals = tuple(keep_signals)
        self._kernel: _LocalKernel | None = None
        self._baseline: dict[str, Any] | None = None
        self._broken = False
        self.notebooks_run = 0
        self.kernels_started = 0

    def __enter__(self) -> LocalSession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    @property
    def started(self) -> bool:
        return self._kernel is not None

    def start(self) -> LocalSession:
        """Import the preload and make the shell (once; again after a failed notebook)."""
        if self._kernel is not None and not self._broken:
            return self
        import importlib

        for module in self.preload:
            importlib.import_module(module)
        self._kernel = _LocalKernel(self.keep_signals)
        self._broken = False
        self.kernels_started += 1
        if self._baseline is None:
            _inline_matplotlib()
            self._baseline = _snapshot()
        return self

    def prepare(self, *, cwd: Path | str | None = None,
                env: Mapping[str, str] | None = None) -> Any:
        """Make the shell ready for the next notebook and return it (as the kernel manager)."""
        self.start()
        kernel, base = self._kernel, self._baseline
        assert kernel is not None and base is not None
        shell = kernel.shell
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            shell.run_line_magic("reset", "-f")  # user namespace, In/Out
        shell.execution_count = 1
        kernel.iopub_channel.messages.clear()
        kernel.shell_channel.messages.clear()
        kernel_environ = dict(_KERNEL_ENVIRON)
        if not base["environ"].get("MPLBACKEND"):
            kernel_environ["MPLBACKEND"] = _INLINE
        _reset_to(base, {**kernel_environ, **{str(k): str(v) for k, v in (env or {}).items()}})
        kernel.cwd = None if cwd is None else str(Path(cwd).resolve())
        kernel.filters = list(warnings.filters)
        return kernel

    def finished(self, *, ok: bool) -> None:
        """The notebook is done: put this process's state back; after a failure, a new shell."""
        if self._baseline is not None:
            _reset_to(self._baseline, {})
        if self._kernel is not None:
            self._kernel.restore_signals()
        self.notebooks_run += 1
        if not ok:
            self._broken = True

    def shutdown(self) -> None:
        """Let the shell go."""
        self._kernel = None

    def kill(self) -> None:
        """Nothing runs elsewhere: as :meth:`shutdown` (for the signal handlers' sake)."""
        self._kernel = None


_ENGINE = "pilot_eval"


def _register_engine() -> str:
    """Register (once) the Papermill engine :func:`_execute` uses, and return its name.

    It is Papermill's own nbclient engine, except that the executed notebook is not
    written twice per cell (for a report notebook that is ~60 writes of up to 600 kB of
    JSON, about 0.4 s of CPU per report). It is still written when execution starts,
    every 30 s during long cells, and in a ``finally`` at the end, so a notebook that
    failed, timed out or lost its kernel is on disk with its outputs so far, as before.
    """
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
    from papermill.exceptions import PapermillException

    try:
        papermill_engines.get_engine(_ENGINE)
        return _ENGINE
    except PapermillException:  # not registered yet
        pass

    class _Manager(NotebookExecutionManager):  # type: ignore[misc]
        hold = False
        paths: Mapping[str, str] = {}
        on_cell: Callable[[int, int], None] | None = None

        def save(self, **kwargs: Any) -> None:
            if not self.hold:
                super().save(**kwargs)

        def notebook_complete(self, **kwargs: Any) -> None:
            # The notebook as kept shows paths relative to where it is published; only
            # now, once nothing of it runs any more.
            _relative_paths(self.nb, self.paths)
            super().notebook_complete(**kwargs)

        def cell_start(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
            self.hold = True
            try:
                super().cell_start(cell, cell_index, **kwargs)
            finally:
                self.hold = False

        def cell_complete(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
            self.hold = True
            try:
                super().cell_complete(cell, cell_index, **kwargs)
            finally:
                self.hold = False
            if self.on_cell is not None and cell_index is not None:
                self.on_cell(cell_index + 1, len(self.nb.cells))

    class _Engine(NBClientEngine):  # type: ignore[misc]
        @classmethod
        def execute_notebook(cls, nb: Any, kernel_name: str, output_path: Any = None,
                             progress_bar: bool = True, log_output: bool = False,
                             autosave_cell_every: int = 30, **kwargs: Any) -> Any:
            # papermill.engines.Engine.execute_notebook (papermill 2.x), with the manager above
            paths = kwargs.pop("pilot_eval_paths", None) or {}
            on_cell = kwargs.pop("pilot_eval_on_cell", None)
            nb_man = _Manager(nb, output_path=output_path, progress_bar=progress_bar,
                              log_output=log_output, autosave_cell_every=autosave_cell_every)
            nb_man.paths = paths
            nb_man.on_cell = on_cell
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register(_ENGINE, _Engine)
    return _ENGINE


def _path_map(paths: Mapping[str | Path, str]) -> dict[str, str]:
    """``{absolute path: what to write instead}``, each path also in its resolved form."""
    out: dict[str, str] = {}
    for path, shown in paths.items():
        for form in {str(Path(path).absolute()), os.path.realpath(path)}:
            if len(form) > 1:  # never "/"
                out.setdefault(form, shown)
    return out


def _relative_paths(node: Any, paths: Mapping[str, str]) -> None:
    """Write the absolute ``paths`` (keys) in every string of a notebook as their values.

    A path counts only as a whole: ``/srv/data`` is replaced in ``/srv/data/x.csv`` but not
    in ``/srv/database``. Changes ``node`` in place.
    """
    if not paths:
        return
    alternatives = "|".join(re.escape(p) for p in sorted(paths, key=len, reverse=True))
    pattern = re.compile(r"(?<![\w.~/\\-])" + f"(?:{alternatives})"
                         + r"(?![^/\\\s\"'`,;:)\]}>])")
    prefixes = tuple(paths)

    def fix(text: str) -> str:
        if not any(p in text for p in prefixes):
            return text
        return pattern.sub(lambda m: paths[m.group(0)], text)

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return fix(value)
        if isinstance(value, dict):
            for key, item in value.items():
                value[key] = walk(item)
        elif isinstance(value, list):
            value[:] = [walk(item) for item in value]
        return value

    walk(node)


def _execute(
    input_nb: Path,
    output_nb: Path,
    parameters: Mapping[str, Any],
    *,
    kernel_name: str,
    cwd: Path | str | None,
    timeout: float | None,
    session: KernelSession | LocalSession | None = None,
    env: Mapping[str, str] | None = None,
    paths: Mapping[str | Path, str] | None = None,
    on_cell: Callable[[int, int], None] | None = None,
) -> NotebookNode:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    input_nb = Path(input_nb)
    if not input_nb.is_file():
        raise UsageError(f"report notebook {str(input_nb)!r} does not exist.")
    if timeout is not None and isinstance(session, LocalSession):
        raise UsageError("A cell timeout needs a kernel of its own: notebooks run in this "
                         "process (LocalSession) cannot be interrupted. Pass timeout=None, "
                         "or no session.")
    one_shot = session is None
    if session is None:
        session = KernelSession(kernel_name)
    Path(output_nb).parent.mkdir(parents=True, exist_ok=True)
    ok = False
    try:
        km = session.prepare(cwd=cwd, env=env)
        executed = pm.execute_notebook(
            str(input_nb),
            str(output_nb),
            parameters=dict(parameters),
            engine_name=_register_engine(),
            kernel_name=session.kernel_name,
            km=km,
            # No bar of Papermill's own: with several reports at once nobody could tell
            # whose it is. A report set shows its reports' stages itself (render/progress.py).
            progress_bar=False,
            log_output=False,
            report_mode=False,
            execution_timeout=timeout,
            pilot_eval_paths=_path_map(paths or {}),
            pilot_eval_on_cell=on_cell,
        )
        ok = True
        return executed
    except PapermillExecutionError as exc:
        evalue = " ".join(str(exc.evalue).split()).rstrip(".")
        failure = _Failure(
            input_nb,
            _describe_cell(Path(output_nb), exc),
            f"{exc.ename}: {evalue}" if evalue else exc.ename,
        )
        raise _NotebookFailed(failure, exc) from exc
    except ReportError:  # no kernel, or it would not start: the message says what to do
        raise
    except Exception as exc:  # dead kernel, timeout, bad notebook JSON …
        failure = _Failure(
            input_nb,
            "execution",
            f"{type(exc).__name__}: {' '.join(str(exc).split())}",
            "Check that the notebook opens and runs in JupyterLab with the same parameters.",
        )
        raise _NotebookFailed(failure, exc) from exc
    finally:
        if one_shot:
            session.shutdown()
        else:
            session.finished(ok=ok)


def execute_notebook(
    input_nb: Path,
    output_nb: Path,
    parameters: Mapping[str, Any],
    *,
    kernel_name: str = "python3",
    cwd: Path | str | None = None,
    timeout: float | None = None,
    session: KernelSession | LocalSession | None = None,
    env: Mapping[str, str] | None = None,
) -> NotebookNode:
    """Execute a parameterised notebook with Papermill.

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
        Ignored when ``session`` is given (the session's kernel runs the notebook).
    cwd : Path, optional
        Working folder of the kernel; None keeps the current one.
    timeout : float, optional
        Seconds allowed per cell; None waits for ever.
    session : KernelSession or LocalSession, optional
        Run in this session's kernel (reset first) instead of a kernel of its own; a
        :class:`LocalSession` runs it in this process.
    env : mapping, optional
        Environment variables the notebook sees (on top of this process's).

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

    Examples
    --------
    >>> import tempfile
    >>> import nbformat
    >>> notebook = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell("pilots = 1", metadata={"tags": ["parameters"]}),
    ...     nbformat.v4.new_code_cell('print(f"{pilots} pilots")')])
    >>> notebook.metadata["kernelspec"] = {"name": "python3", "language": "python",
    ...                                    "display_name": "Python 3"}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     nbformat.write(notebook, Path(tmp) / "status.ipynb")
    ...     done = execute_notebook(Path(tmp) / "status.ipynb", Path(tmp) / "executed.ipynb",
    ...                             {"pilots": 3})
    >>> print(done.cells[-1].outputs[0].text, end="")
    3 pilots
    """
    try:
        return _execute(
            input_nb,
            output_nb,
            parameters,
            kernel_name=kernel_name,
            cwd=cwd,
            timeout=timeout,
            session=session,
            env=env,
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
    session: KernelSession | LocalSession | None = None,
    env: Mapping[str, str] | None = None,
    paths: Mapping[str | Path, str] | None = None,
    on_stage: Callable[[str, Any], None] | None = None,
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
        Passed to :func:`~pilot_eval.render.export.notebook_to_html`; the PDF is that
        page typeset by :func:`~pilot_eval.render.export.html_to_pdf`.
    kernel_name, cwd, timeout, session, env
        Passed to :func:`execute_notebook`.
    html_options : mapping, optional
        Extra keyword arguments for ``notebook_to_html`` (``subtitle``, ``organisation``,
        ``cover_note``, ...).
    paths : mapping, optional
        ``{absolute path: relative path}`` to write in the executed notebook instead of the
        absolute ones (in its parameters, outputs and metadata), e.g. the data folder
        relative to ``out_dir``. ``out_dir`` and the staging folder always become ``.``.
    on_stage : callable, optional
        Told each stage as it begins, ``on_stage(stage, detail)``: ``("execute", None)``,
        then ``("execute", (cells_done, cells))`` after every cell, ``("html", None)`` and
        ``("pdf", None)``. What a report set shows a person
        (:mod:`~pilot_eval.render.progress`); it should return at once.

    Returns
    -------
    dict
        ``{"notebook": Path, "html": Path, "pdf": Path, "timings": {"execute": s,
        "html": s, "pdf": s}}`` with paths inside ``out_dir`` and seconds as floats.

    Raises
    ------
    ReportError
        Any stage failed. Nothing in ``out_dir`` was replaced; the executed notebook (if
        execution got that far) is in ``out_dir/failed/<stem>.ipynb``. An
        :class:`~pilot_eval.render.publish.OutputWriteError` when the disk was full or the
        folder not writable.

    Notes
    -----
    Staging happens in a hidden folder inside ``out_dir`` so that the final
    ``os.replace`` stays on one file system and is atomic per file. After a success a
    stale ``failed/<stem>.ipynb`` from an earlier run is removed: it no longer describes
    the report in ``out_dir``.

    Examples
    --------
    >>> import tempfile
    >>> import nbformat
    >>> notebook = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell("pilots = 1", metadata={"tags": ["parameters"]}),
    ...     nbformat.v4.new_code_cell('print(f"{pilots} pilots")')])
    >>> notebook.metadata["kernelspec"] = {"name": "python3", "language": "python",
    ...                                    "display_name": "Python 3"}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     nbformat.write(notebook, Path(tmp) / "status.ipynb")
    ...     made = render_report(Path(tmp) / "status.ipynb", Path(tmp) / "reports", {"pilots": 3},
    ...                          stem="status", title="Status")
    ...     print(sorted(path.name for path in (Path(tmp) / "reports").iterdir()))
    ['status.html', 'status.ipynb', 'status.pdf']
    >>> made["pdf"].name, sorted(made["timings"])
    ('status.pdf', ['execute', 'html', 'pdf'])
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
    tell = on_stage or (lambda stage, detail: None)
    try:
        try:
            tell(stage, None)
            t0 = time.perf_counter()
            executed = _execute(
                Path(input_nb),
                staged["notebook"],
                parameters,
                kernel_name=kernel_name,
                cwd=cwd,
                timeout=timeout,
                session=session,
                env=env,
                paths={**dict(paths or {}), str(staging): ".", str(out_dir): "."},
                on_cell=None if on_stage is None else (lambda done, n: tell("execute", (done, n))),
            )
            timings["execute"] = time.perf_counter() - t0

            stage = "html"
            tell(stage, None)
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
            tell(stage, None)
            t0 = time.perf_counter()
            html_to_pdf(html, staged["pdf"])  # the page just written: PDF shows what it shows)
            timings["pdf"] = time.perf_counter() - t0
        except _NotebookFailed as failed:
            unwritable = write_error(failed.cause, out_dir)
            if unwritable is not None:
                raise unwritable from failed.cause
            kept = _keep_failed(staged["notebook"], out_dir, stem)
            raise ReportError(failed.failure.message(kept)) from failed.cause
        except Exception as exc:
            unwritable = write_error(exc, out_dir)
            if unwritable is not None:
                raise unwritable from exc
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
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(executed, target)
    except OSError:  # no room to keep it: the message about the failure matters more
        return None
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

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "abc.txt").write_bytes(b"abc")
    ...     print(sha256_file(Path(tmp) / "abc.txt", chunk_size=2))
    ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
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


#: The libraries a report set's contents depend on, by distribution name: the numbers
#: (pandas, NumPy, SciPy, statsmodels), the charts (Matplotlib, seaborn), how numbers and
#: dates are written (Babel), reading the data (pyarrow, openpyxl), running the notebooks
#: (Papermill, nbconvert) and the PDF engine (the ``typst`` package, which carries its
#: Typst compiler).
MANIFEST_LIBRARIES = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn",
                      "babel", "pyarrow", "openpyxl", "papermill", "nbconvert", "typst")


def library_versions(package_version: str | None = None) -> dict[str, str | None]:
    """The versions a report set is made with: pilot_eval, Python and the main libraries.

    Read from the installed distributions' metadata (nothing is imported), so it is cheap
    and says what is installed, not what some notebook happened to import.

    Parameters
    ----------
    package_version : str, optional
        pilot_eval's version; by default the installed distribution's.

    Returns
    -------
    dict
        ``{"pilot_eval": ..., "python": ..., "pandas": ..., ...}`` in the order of
        :data:`MANIFEST_LIBRARIES`; None for a library that is not installed.

    Examples
    --------
    >>> versions = library_versions("1.2.3")
    >>> versions["pilot_eval"], list(versions)[1:4]
    ('1.2.3', ['python', 'pandas', 'numpy'])
    >>> versions["python"] == sys.version.split()[0]
    True
    """
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    found: dict[str, str | None] = {
        "pilot_eval": package_version or installed("pilot_eval"),
        "python": sys.version.split()[0],
    }
    found.update((name, installed(name)) for name in MANIFEST_LIBRARIES)
    return found


def write_manifest(
    out_dir: Path,
    *,
    parameters: Mapping[str, Any],
    inputs: list[Path],
    outputs: list[Path],
    timings: Mapping[str, Any],
    package_version: str,
    extra: Mapping[str, Any] | None = None,
    versions: Mapping[str, str | None] | None = None,
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
    versions : mapping, optional
        What the set was made with, recorded as ``"versions"``; by default
        :func:`library_versions` (a report set adds the Typst compiler its workers ran).

    Returns
    -------
    Path
        The manifest's path.

    Notes
    -----
    Every input and output carries its size and SHA-256, and ``versions`` names the
    versions of Python and the libraries, so anyone can check later that a PDF came from
    exactly these data with exactly this version, and make it again.

    Examples
    --------
    >>> import json, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     report = Path(tmp) / "status.html"
    ...     _ = report.write_text("<p>Status</p>", encoding="utf-8")
    ...     path = write_manifest(Path(tmp), parameters={"as_of": "2026-06-30"}, inputs=[],
    ...                           outputs=[report], timings={"status": {"html": 0.4}},
    ...                           package_version="1.0", versions={"python": "3.11"})
    ...     manifest = json.loads(path.read_text(encoding="utf-8"))
    >>> path.name, manifest["parameters"], manifest["versions"]
    ('manifest.json', {'as_of': '2026-06-30'}, {'python': '3.11'})
    >>> [(out["path"], out["bytes"], out["sha256"][:16]) for out in manifest["outputs"]]
    [('status.html', 13, '32bcf523bbd6f033')]
    """
    out_dir = Path(out_dir)
    manifest = {
        "package": "pilot_eval",
        "version": package_version,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "versions": dict(versions) if versions is not None
        else library_versions(package_version),
        "parameters": dict(parameters),
        "inputs": _file_entries(inputs, out_dir),
        "outputs": _file_entries(outputs, out_dir),
        "timings": dict(timings),
    }
    if extra:
        manifest.update(dict(extra))
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False, default=str)
    return atomic_write_bytes(out_dir / "manifest.json", (text + "\n").encode("utf-8"))
