"""What a report set shows a person while it renders.

A report set takes from seconds to minutes. A person at a terminal wants to see that it
moves and how far it has come; a cron log wants one line per report. The run
(:func:`~pilot_eval.render.batch.render_reports`) tells a :class:`Progress` what happens,
and one of two displays shows it:

* :class:`LiveProgress`, on a terminal: one line per report with its name, its stage and
  its elapsed time, under an overall count ("3 av 5 rapporter"), redrawn in place (rich).
  Reading the data shows from the first moment. The stages come from the worker processes
  as they begin (through a queue, see :mod:`~pilot_eval.render.batch`), and only this
  process draws, so two reports at once never mix their lines.
* :class:`LogProgress`, anywhere else (cron, CI, tests): plain log lines, one per report
  done, which the command line's log handler timestamps.

The live display's words come from the catalogue (``cli.stage.*``, ``cli.progress.count``,
``cli.reports``) in the report language; the log lines are English, as the rest of the log.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console, RenderableType

__all__ = ["STAGES", "LiveProgress", "LogProgress", "Progress", "auto_progress"]

log = logging.getLogger("pilot_eval")

#: A report's stages, in the order they come; "loading" is the set's (the data being read).
STAGES = ("loading", "waiting", "execute", "html", "pdf", "done", "failed")


class Progress:
    """Told what a report set's run does; shows nothing. The base of the displays.

    The run calls :meth:`start` (the data are being read), :meth:`planned` once the
    reports are known, :meth:`stage` as each report's stages begin, :meth:`finished` or
    :meth:`failed` per report, :meth:`note` for anything else to say, and :meth:`close`
    at the end, also after a failure. As a context manager it starts and closes.

    Examples
    --------
    >>> with Progress() as progress:
    ...     progress.planned(["portfolio_report"], language="nb", as_of="2025-12-31", jobs=1)
    ...     progress.stage("portfolio_report", "execute")
    ...     progress.finished("portfolio_report", {"execute": 1.0})
    >>> progress.counts()
    (1, 1)
    """

    #: Whether the display wants each report's stages from the worker processes (an event
    #: per stage and notebook cell); a log only needs each report's end.
    wants_stages = False

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._reports: dict[str, _Report] = {}
        self._started: float | None = None

    def __enter__(self) -> Progress:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """The run has begun: the data are being read. Calling it again does nothing."""
        with self._lock:
            if self._started is None:
                self._started = time.monotonic()

    def planned(self, stems: Sequence[str], *, language: str, as_of: str, jobs: int) -> None:
        """The reports to render (file names without suffix), each now waiting."""
        with self._lock:
            self._reports = {stem: _Report() for stem in stems}

    def stage(self, stem: str, stage: str, detail: Any = None) -> None:
        """Report ``stem`` begins ``stage`` ("execute", "html", "pdf"); ``detail`` is
        ``(cells done, cells)`` while the notebook runs. Late news of a report already
        finished (the stages come by another way than its end) is ignored."""
        with self._lock:
            report = self._reports.get(stem)
            if report is None or report.stage in ("done", "failed"):
                return
            if report.began is None:
                report.began = time.monotonic()
            report.stage, report.detail = stage, detail

    def finished(self, stem: str, timings: Mapping[str, float]) -> None:
        """Report ``stem`` is done; ``timings`` are its stages' seconds."""
        self._end(stem, "done")

    def failed(self, stem: str) -> None:
        """Report ``stem`` failed (the run says why at its end)."""
        self._end(stem, "failed")

    def note(self, text: str) -> None:
        """Something else to tell (another run holds the folder, where the set went)."""

    def close(self) -> None:
        """The run is over (done, failed or stopped). Calling it again does nothing."""

    def counts(self) -> tuple[int, int]:
        """``(reports ended, reports)``: done or failed, and all."""
        with self._lock:
            ended = sum(r.stage in ("done", "failed") for r in self._reports.values())
            return ended, len(self._reports)

    def _end(self, stem: str, stage: str) -> None:
        with self._lock:
            report = self._reports.setdefault(stem, _Report())
            now = time.monotonic()
            if report.began is None:
                report.began = now
            report.stage, report.detail, report.ended = stage, None, now


@dataclass
class _Report:
    stage: str = "waiting"
    detail: Any = None
    began: float | None = None  # when its first stage began
    ended: float | None = None


class LogProgress(Progress):
    """Plain log lines: what the run starts, one line per report done, and the notes.

    Parameters
    ----------
    say : callable, optional
        Where the lines go; by default the ``pilot_eval`` logger at level INFO (the command
        line's handler timestamps them when not on a terminal).

    Examples
    --------
    >>> lines = []
    >>> progress = LogProgress(lines.append)
    >>> progress.planned(["portfolio_report", "pilot_lekse"], language="nb",
    ...                  as_of="2025-12-31", jobs=2)
    >>> progress.finished("pilot_lekse", {"execute": 2.0, "html": 0.25, "pdf": 1.0})
    >>> progress.failed("portfolio_report")
    >>> print("\\n".join(lines))
    Rendering 2 reports for 2025-12-31 (--jobs 2) …
      pilot_lekse: 3.2 s (execute 2.0, html 0.2, pdf 1.0); 1 of 2 reports
      portfolio_report: FAILED; 2 of 2 reports
    """

    def __init__(self, say: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self._say = say or (lambda text: log.info("%s", text))

    def planned(self, stems: Sequence[str], *, language: str, as_of: str, jobs: int) -> None:
        from ..present.text import plural

        super().planned(stems, language=language, as_of=as_of, jobs=jobs)
        self._say(f"Rendering {plural('cli.reports', len(stems), 'en')} for {as_of} "
                  f"(--jobs {jobs}) …")

    def finished(self, stem: str, timings: Mapping[str, float]) -> None:
        super().finished(stem, timings)
        t = timings
        self._say(f"  {stem}: {sum(t.values()):.1f} s (execute {t.get('execute', 0):.1f}, "
                  f"html {t.get('html', 0):.1f}, pdf {t.get('pdf', 0):.1f}); {self._count()}")

    def failed(self, stem: str) -> None:
        super().failed(stem)
        self._say(f"  {stem}: FAILED; {self._count()}")

    def note(self, text: str) -> None:
        self._say(text)

    def _count(self) -> str:
        return _count_text(*self.counts(), "en")


class LiveProgress(Progress):
    """A live display on a terminal: the overall count, then one line per report.

    ::

        ⠹ 3 av 5 rapporter                               0:42
          ✓ portfolio_report  ferdig                     0:18
          ⠹ pilot_mentor      lager PDF                  0:06
          ⠹ pilot_lekse       kjører notatboken 12/31    0:04
          · pilot_kor         venter

    Until the reports are known, the one line says the data are being read. Lines that
    do not fit the terminal's height are summed up in one (the reports done first, then
    the last waiting). Log records and warnings written meanwhile appear above the
    display; the last picture stays on the screen when the run ends.

    Parameters
    ----------
    language : {"nb", "en"}, optional
        Until :meth:`planned` gives the report language; default "nb".
    console : rich.console.Console, optional
        Where to draw; by default standard error, without markup (a log line's
        brackets are text).
    refresh_per_second : float, default 4
        How often the picture is redrawn (the clocks and spinners move; news shows at the
        next one). A picture costs a few ms of CPU: 4 a second is about 1 % of a core.

    Examples
    --------
    >>> progress = LiveProgress("nb")
    >>> progress.planned(["portfolio_report", "pilot_lekse"], language="nb",
    ...                  as_of="2025-12-31", jobs=2)
    >>> progress.stage("pilot_lekse", "execute", (12, 31))
    >>> progress.finished("portfolio_report", {})
    >>> print(progress.snapshot(width=50))  # doctest: +NORMALIZE_WHITESPACE
    ⠋  1 av 2 rapporter                          0:00
    ✓  portfolio_report  ferdig                  0:00
    ⠋  pilot_lekse       kjører notatboken 12/31 0:00
    """

    wants_stages = True

    def __init__(self, language: str | None = None, *, console: Console | None = None,
                 refresh_per_second: float = 4) -> None:
        super().__init__()
        self.language = language or "nb"
        self._console = console
        self._refresh = refresh_per_second
        self._live: Any = None
        self._spinner: Any = None
        self._streams: list[tuple[logging.StreamHandler[IO[str]], IO[str]]] = []

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            # no markup: a log line's "[...]" is text, and no colouring of numbers in it
            self._console = Console(file=sys.stderr, markup=False, highlight=False,
                                    emoji=False)
        return self._console

    def start(self) -> None:
        with self._lock:
            if self._live is not None:
                return
            super().start()
            from rich.live import Live

            self._live = Live(console=self.console, refresh_per_second=self._refresh,
                              get_renderable=self._picture, redirect_stdout=True,
                              redirect_stderr=True)
        self._live.start(refresh=True)
        self._log_above()

    def planned(self, stems: Sequence[str], *, language: str, as_of: str, jobs: int) -> None:
        with self._lock:
            super().planned(stems, language=language, as_of=as_of, jobs=jobs)
            self.language = language
        self._redraw()

    def note(self, text: str) -> None:
        # soft_wrap: the terminal wraps a long line, rich does not break it (a path in
        # "Done in 1.2 s: /srv/…" must stay one line to copy)
        if self._live is None:
            self.console.print(text, soft_wrap=True)
        else:
            self._live.console.print(text, soft_wrap=True)

    def close(self) -> None:
        with self._lock:
            live, self._live = self._live, None
            planned = bool(self._reports)
        if live is None:
            return
        # Ended while the data were read (invalid data, a usage error): a frozen "leser
        # dataene" above the message would say nothing, so the picture goes; a picture of
        # reports stays (which were done, which failed).
        live.transient = not planned
        try:
            live.refresh()
        finally:
            self._log_back()
            live.stop()

    def snapshot(self, width: int = 80) -> str:
        """The display as it is now, as plain text ``width`` characters wide."""
        import io

        from rich.console import Console

        screen = io.StringIO()
        Console(file=screen, width=width, height=40, color_system=None, markup=False,
                highlight=False, emoji=False).print(self._picture(_Still()))
        return "\n".join(line.rstrip() for line in screen.getvalue().splitlines())

    def _redraw(self) -> None:
        live = self._live
        if live is not None:
            live.refresh()

    # -- log records above the display ---------------------------------------------------------
    def _log_above(self) -> None:
        """Have the log handlers that write to this terminal write above the display (rich
        has put a stand-in for ``sys.stderr`` that does so), not through it."""
        real = getattr(sys.stderr, "rich_proxied_file", None)
        if real is None:  # not redirected (rich draws only on a terminal)
            return
        for logger in (log, logging.getLogger()):
            for handler in logger.handlers:
                if isinstance(handler, logging.StreamHandler) and handler.stream is real:
                    self._streams.append((handler, handler.setStream(sys.stderr) or real))

    def _log_back(self) -> None:
        for handler, stream in self._streams:
            handler.setStream(stream)
        self._streams.clear()

    # -- the picture ----------------------------------------------------------------------------
    def _picture(self, spin: Any = None) -> RenderableType:
        from rich.console import Group
        from rich.spinner import Spinner
        from rich.table import Table
        from rich.text import Text

        from ..present.text import message

        lang = self.language
        with self._lock:
            now = time.monotonic()
            started = self._started if self._started is not None else now
            reports = dict(self._reports)
            ended, total = self.counts()
        if spin is None:
            if self._spinner is None:  # one for the display's life: it turns from frame to frame
                self._spinner = Spinner("dots", style="cyan")
            spin = self._spinner
        grid = Table.grid(padding=(0, 2), collapse_padding=True)
        grid.add_column(no_wrap=True)  # mark
        grid.add_column(no_wrap=True, overflow="ellipsis")  # report
        grid.add_column(no_wrap=True, overflow="ellipsis")  # stage
        grid.add_column(no_wrap=True, justify="right")  # elapsed
        if not reports:
            head = message("cli.stage.loading", lang)
        else:
            head = _count_text(ended, total, lang)
        mark = Text("✓", style="green") if reports and ended == total else spin.render(now)
        grid.add_row(mark, Text(head, style="bold"), "", _clock(now - started))
        shown, hidden = _fit(reports, max(1, self.console.size.height - 2))
        for stem in shown:
            report = reports[stem]
            grid.add_row(*_line(stem, report, now, spin, lang))
        if hidden:
            summary = ", ".join(f"{n} {message(f'cli.stage.{stage}', lang)}"
                                for stage, n in hidden.items() if n)
            grid.add_row("", Text(f"… {summary}", style="dim"), "", "")
        return Group(grid)


class _Still:
    """A spinner that stands still (for :meth:`LiveProgress.snapshot`)."""

    def render(self, time: float) -> Any:
        from rich.text import Text

        return Text("⠋", style="cyan")


def _line(stem: str, report: _Report, now: float, spin: Any, lang: str) -> tuple[Any, ...]:
    from rich.text import Text

    from ..present.text import message

    words = message(f"cli.stage.{report.stage}", lang)
    if report.stage == "execute" and report.detail:
        words += f" {report.detail[0]}/{report.detail[1]}"
    if report.stage == "done":
        mark = Text("✓", style="green")
    elif report.stage == "failed":
        mark = Text("✗", style="bold red")
    elif report.stage == "waiting":
        mark = Text("·", style="dim")
    else:
        mark = spin.render(now)
    elapsed = ""
    if report.began is not None:
        elapsed = _clock((report.ended if report.ended is not None else now) - report.began)
    style = "dim" if report.stage == "waiting" else ("red" if report.stage == "failed" else "")
    return mark, Text(stem, style=style), Text(words, style=style), elapsed


def _fit(reports: Mapping[str, _Report], room: int) -> tuple[list[str], dict[str, int]]:
    """The reports to show in ``room`` lines, in their order, and how many of each stage
    are left out (one line says so): the earliest done first, then the last waiting."""
    stems = list(reports)
    if len(stems) <= room:
        return stems, {}
    done = sorted((s for s in stems if reports[s].stage == "done"),
                  key=lambda s: reports[s].ended or 0.0)
    waiting = [s for s in reversed(stems) if reports[s].stage == "waiting"]
    leave_out: list[str] = []
    for stem in done + waiting:
        if len(stems) - len(leave_out) + 1 <= room:
            break
        leave_out.append(stem)
    hidden = {"done": 0, "waiting": 0}
    for stem in leave_out:
        hidden[reports[stem].stage] += 1
    return [s for s in stems if s not in set(leave_out)], hidden


def _count_text(ended: int, total: int, language: str) -> str:
    """'3 av 5 rapporter'."""
    from ..present.text import message, plural

    return message("cli.progress.count", language, done=ended,
                   reports=plural("cli.reports", total, language))


def _clock(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``): the same in every language.

    >>> _clock(42.7), _clock(61), _clock(3725)
    ('0:42', '1:01', '1:02:05')
    """
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def auto_progress(language: str | None = None, *, stream: IO[str] | None = None,
                  say: Callable[[str], None] | None = None) -> Progress:
    """The display that suits where the output goes: :class:`LiveProgress` on a terminal,
    :class:`LogProgress` (plain lines) anywhere else, and for ``TERM=dumb``.

    Parameters
    ----------
    language : {"nb", "en"}, optional
        The live display's language until the report language is known.
    stream : file, optional
        Where the display would draw; standard error by default.
    say : callable, optional
        :class:`LogProgress`'s output.

    Examples
    --------
    >>> import io
    >>> type(auto_progress(stream=io.StringIO())).__name__
    'LogProgress'
    """
    stream = stream if stream is not None else sys.stderr
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):  # closed, or no file at all
        terminal = False
    if terminal and os.environ.get("TERM", "") != "dumb":
        from rich.console import Console

        console = Console(file=stream, markup=False, highlight=False, emoji=False)
        return LiveProgress(language, console=console)
    return LogProgress(say)
