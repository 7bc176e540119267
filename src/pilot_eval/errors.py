"""The project's exceptions and the *problems table* every validation step fills in.

Every message says what went wrong and what to do next, in Norwegian and English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

#: Columns of a problems table, in order.
#: ``pilot_id`` says which pilot a problem concerns, when a row of a table tied to one pilot
#: shows it (so a pilot's report lists only its own warnings); missing otherwise.
#: ``count`` is how many problems the line stands for: 1, or N for the line "… and N more
#: rows with the same problem" that ends a long list (count them with :func:`count_problems`).
PROBLEM_COLUMNS = ("file", "row", "column", "value", "severity", "rule", "message_nb", "message_en",
                   "pilot_id", "count")
SEVERITIES = ("error", "warning")
LANGUAGES = ("nb", "en")

#: Characters that act instead of showing: C0 controls (ESC starts terminal escape
#: sequences, CR overwrites a line, BEL rings), DEL, C1 controls (CSI \x9b) and the Unicode
#: bidirectional overrides and isolates that reorder what a reader sees.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _notation(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def show_controls(text: str, *, keep: str = "") -> str:
    """Return ``text`` with every control character written out as ``\\xNN`` / ``\\uNNNN``.

    Text from a data folder is printed on terminals and written into spreadsheets; there a
    control character would act (colour the terminal, hide a line, make openpyxl refuse the
    cell) instead of being seen. Shown as its escape, the person who owns the data sees
    what to correct.

    Parameters
    ----------
    text : str
        Any text.
    keep : str, default ""
        Control characters to leave as they are (for example ``"\\t\\n\\r"`` in a
        spreadsheet cell, where they are legal and mean what they say).

    Returns
    -------
    str
        ``text`` without control characters other than those in ``keep``.

    Examples
    --------
    >>> show_controls("Rud\\x07\\x1b[31m")
    'Rud\\\\x07\\\\x1b[31m'
    """
    return CONTROL_CHARACTERS.sub(
        lambda m: m.group() if m.group() in keep else _notation(m.group()), text)


class PilotEvalError(Exception):
    """Base class of every error pilot_eval raises on purpose."""


class _InTwoLanguages:
    """A message in English (``str()``, what a programmer reads) and, where one is given,
    in Norwegian (``nb``), for the command line's users; kept across processes."""

    def __init__(self, *args: object, nb: str | None = None) -> None:
        super().__init__(*args)
        self.nb = nb

    def __reduce__(self) -> tuple[object, ...]:
        return type(self), self.args, self.__dict__

    def message(self, language: str = "en") -> str:
        """The message in ``language`` ("nb" or "en"); English when there is no other."""
        return self.nb if language == "nb" and self.nb else str(self)


class UsageError(_InTwoLanguages, PilotEvalError, ValueError):
    """A function or command was called with an argument it does not accept.

    The message is English (what a programmer reads); ``nb`` is the same in Norwegian, for
    the command line's users, where one is given.

    Examples
    --------
    >>> error = UsageError("The data folder 'x' does not exist. Check the path.",
    ...                    nb="Fant ikke datamappen «x». Sjekk stien.")
    >>> str(error), error.message("nb")
    ("The data folder 'x' does not exist. Check the path.", 'Fant ikke datamappen «x». Sjekk stien.')
    >>> UsageError("--jobs 0 must be 1 or more.").message("nb")  # no Norwegian: English
    '--jobs 0 must be 1 or more.'
    """


class DataWarning(_InTwoLanguages, UserWarning):
    """The data cannot answer the question as asked; the numbers come out, but may mislead.

    Raised (as a warning) by :meth:`Dataset.as_of` and :func:`load_dataset` for an
    ``as_of`` after the data's last date or after the agreement's end. The message says
    what happens to the numbers and which date to use instead, in English and (``nb``,
    :meth:`message`) in Norwegian.

    Examples
    --------
    >>> import warnings
    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     later = ds.as_of("2026-06-30")
    >>> [type(w.message).__name__ for w in caught]
    ['DataWarning']
    """


class ReportError(PilotEvalError):
    """Rendering a report failed; the previous reports are left as they were."""


def problems_frame(records: Iterable[Mapping[str, Any]] | pd.DataFrame | None = None) -> pd.DataFrame:
    """Return a problems table with the standard columns (empty when no records).

    ``row`` is the spreadsheet row a person sees (the header is row 1) as a nullable
    integer; it is missing for problems that concern a whole file or column.

    Parameters
    ----------
    records : iterable of mappings, pandas.DataFrame or None, default None
        One mapping (or frame row) per problem, keyed by the names in
        :data:`PROBLEM_COLUMNS`; keys left out come out missing, others are dropped.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`PROBLEM_COLUMNS` in order, ``row`` and ``count`` as ``Int64``
        (a missing ``count`` is 1) and the others as ``string``.

    Examples
    --------
    >>> problems = problems_frame([{"file": "costs.csv", "row": 3, "column": "amount_nok",
    ...                             "value": "-5", "severity": "error"}])
    >>> problems.columns.tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['file', 'row', 'column', 'value', 'severity', 'rule', 'message_nb', 'message_en',
     'pilot_id', 'count']
    >>> problems[["row", "rule", "count"]].dtypes.astype(str).tolist()
    ['Int64', 'string', 'Int64']
    >>> print(problems.loc[0, "row"], problems.loc[0, "rule"], problems.loc[0, "count"])
    3 <NA> 1
    >>> len(problems_frame())
    0
    """
    if records is None or (isinstance(records, (list, tuple)) and not records):
        return _EMPTY_PROBLEMS.copy()  # most files have none: building a frame costs ~4 ms
    return _problems_frame(records)


def _problems_frame(records: Iterable[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(list(records) if not isinstance(records, pd.DataFrame) else records)
    for col in PROBLEM_COLUMNS:
        if col not in frame.columns:
            frame[col] = pd.NA
    frame = frame.loc[:, list(PROBLEM_COLUMNS)].reset_index(drop=True)
    frame["row"] = pd.to_numeric(frame["row"], errors="coerce").astype("Int64")
    frame["count"] = pd.to_numeric(frame["count"], errors="coerce").fillna(1).astype("Int64")
    for col in ("file", "column", "value", "severity", "rule", "message_nb", "message_en",
                "pilot_id"):
        frame[col] = frame[col].astype("string")
    return frame


_EMPTY_PROBLEMS = _problems_frame([])


def concat_problems(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Stack problems tables, errors first, then by file and row.

    Parameters
    ----------
    frames : iterable of pandas.DataFrame
        Problems tables (``None`` and empty ones are skipped).

    Returns
    -------
    pandas.DataFrame
        One problems table (see :func:`problems_frame`); the order is stable within a
        severity, file and row.

    Examples
    --------
    >>> late = problems_frame([{"file": "sessions.csv", "row": 9, "severity": "warning"}])
    >>> bad = problems_frame([{"file": "costs.csv", "row": 4, "severity": "error"},
    ...                       {"file": "costs.csv", "row": 2, "severity": "error"}])
    >>> concat_problems([late, None, bad])[["file", "row", "severity"]]
               file  row severity
    0     costs.csv    2    error
    1     costs.csv    4    error
    2  sessions.csv    9  warning
    """
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return problems_frame()
    out = problems_frame(pd.concat(frames, ignore_index=True))
    order = out["severity"].map({"error": 0, "warning": 1}).fillna(2)
    return (
        out.assign(_o=order)
        .sort_values(["_o", "file", "row", "column"], kind="stable", na_position="first")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def grouped(n: int) -> tuple[str, str]:
    """A count in a message, grouped in thousands as the reports write it: bokmål with a
    no-break space, English with a comma.

    Parameters
    ----------
    n : int
        The count.

    Returns
    -------
    (str, str)
        The count in bokmål and in English.

    Examples
    --------
    >>> grouped(1184)
    ('1\xa0184', '1,184')
    """
    return f"{int(n):,}".replace(",", "\u00a0"), f"{int(n):,}"


def count_problems(problems: pd.DataFrame | None, severity: str | None = None) -> int:
    """How many problems a problems table stands for, of one severity or of all.

    A long list of identical problems ends in one line "… and N more rows with the same
    problem", which stands for N problems (its ``count``): counting lines would say 51
    where 48 469 rows are wrong. Every count a person reads goes through here.

    Parameters
    ----------
    problems : pandas.DataFrame or None
        A problems table (see :func:`problems_frame`); ``None`` for none. A table without a
        ``count`` column counts one per line.
    severity : {"error", "warning"} or None, default None
        Count only this severity; ``None`` counts all.

    Returns
    -------
    int

    Examples
    --------
    >>> problems = problems_frame(
    ...     [{"file": "sessions.csv", "row": 2, "severity": "error"},
    ...      {"file": "sessions.csv", "severity": "error", "count": 12,
    ...       "message_en": "… and 12 more rows with the same problem in column 'date'."},
    ...      {"file": "pilots.csv", "severity": "warning"}])
    >>> count_problems(problems, "error"), count_problems(problems, "warning")
    (13, 1)
    >>> count_problems(None)
    0
    """
    if severity is not None and severity not in SEVERITIES:
        raise UsageError(f"severity={severity!r} is not known; use one of {', '.join(SEVERITIES)}.")
    if problems is None or len(problems) == 0:
        return 0
    chosen = problems if severity is None else problems[problems["severity"].eq(severity)
                                                         .fillna(False).to_numpy(bool)]
    if "count" not in chosen.columns:
        return len(chosen)
    return int(pd.to_numeric(chosen["count"], errors="coerce").fillna(1).sum())


def format_problems(problems: pd.DataFrame, *, language: str = "nb", max_rows: int = 20) -> str:
    """Format a problems table as plain text for a terminal or a log.

    Shows the first ``max_rows`` rows and then "… and K more". Control characters quoted
    from the data are written out (:func:`show_controls`), never sent to the terminal.

    Parameters
    ----------
    problems : pandas.DataFrame
        A problems table (see :func:`problems_frame`); empty or ``None`` for none.
    language : {"nb", "en"}, default "nb"
        Language of the headings and of the messages shown.
    max_rows : int, default 20
        How many lines to list before "… and K more" (K counts the problems not listed,
        a "… and N more rows" line as N).

    Returns
    -------
    str
        Aligned columns file, row, column, value, severity and message, one line each.

    Raises
    ------
    UsageError
        For a ``language`` other than "nb" or "en".

    Examples
    --------
    >>> problems = problems_frame([
    ...     {"file": "costs.csv", "row": 4, "column": "amount_nok", "value": "ti",
    ...      "severity": "error", "message_en": "Not a number: write 10."},
    ...     {"file": "pilots.csv", "severity": "warning", "message_en": "No end date."}])
    >>> print(format_problems(problems, language="en", max_rows=1))
    file       row  column      value  severity  message
    ---------  ---  ----------  -----  --------  -------
    costs.csv  4    amount_nok  ti     error     Not a number: write 10.
    … and 1 more
    >>> format_problems(problems_frame(), language="nb")
    'Ingen problemer funnet.'
    """
    if language not in LANGUAGES:
        raise UsageError(f"language={language!r} is not supported; use one of {', '.join(LANGUAGES)}.")
    if problems is None or len(problems) == 0:
        return "Ingen problemer funnet." if language == "nb" else "No problems found."
    msg_col = "message_nb" if language == "nb" else "message_en"
    head = {
        "nb": ("fil", "rad", "kolonne", "verdi", "alvorlighet", "melding"),
        "en": ("file", "row", "column", "value", "severity", "message"),
    }[language]
    sev = {"nb": {"error": "feil", "warning": "advarsel"}, "en": {"error": "error", "warning": "warning"}}[language]
    shown = problems.head(max_rows)
    # Every cell may quote the data: control characters are shown, never sent raw.
    rows = [
        tuple(show_controls(cell) for cell in (
            str(r.file) if pd.notna(r.file) else "",
            str(int(r.row)) if pd.notna(r.row) else "",
            str(r.column) if pd.notna(r.column) else "",
            _short(r.value),
            sev.get(str(r.severity), str(r.severity)),
            str(getattr(r, msg_col)),
        ))
        for r in shown.itertuples(index=False)
    ]
    widths = [min(40, max(len(h), *(len(x[i]) for x in rows))) for i, h in enumerate(head[:-1])]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head[:-1], widths)) + "  " + head[-1]]
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * len(head[-1]))
    for r in rows:
        lines.append("  ".join(c[:w].ljust(w) for c, w in zip(r[:-1], widths)) + "  " + r[-1])
    rest = count_problems(problems) - count_problems(shown)  # problems, not lines
    if len(shown) < len(problems) and rest > 0:
        rest_nb, rest_en = grouped(rest)
        lines.append(f"… og {rest_nb} til" if language == "nb" else f"… and {rest_en} more")
    return "\n".join(lines)


def _short(value: Any, width: int = 30) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    text = str(value).replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


class DataValidationError(PilotEvalError):
    """A data folder has problems that stop the run.

    Attributes
    ----------
    problems : pandas.DataFrame
        One row per problem with the columns of :data:`PROBLEM_COLUMNS`. ``row`` is the
        spreadsheet row a person sees: the header is row 1, the first data row is row 2.
        Count them with :func:`count_problems`.
    """

    def __init__(self, problems: pd.DataFrame, *, language: str = "en", max_rows: int = 20):
        self.problems = problems
        self.language = language if language in LANGUAGES else "en"
        self.max_rows = max_rows
        super().__init__(self._summary())

    @property
    def errors(self) -> pd.DataFrame:
        """Only the problems of severity ``error``."""
        return self.problems[self.problems["severity"] == "error"]

    def _summary(self) -> str:
        n_err = count_problems(self.problems, "error")
        if self.language == "nb":
            head = (
                f"Datamappen har {n_err} feil som må rettes før pilot_eval kan bruke den. "
                "Rett feilene i filene og kjør på nytt:"
            )
        else:
            head = (
                f"The data folder has {n_err} error{'' if n_err == 1 else 's'} to fix before "
                "pilot_eval can use it. "
                "Correct the files and run again:"
            )
        return head + "\n" + format_problems(self.problems, language=self.language, max_rows=self.max_rows)
