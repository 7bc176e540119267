"""Readers for a data folder's files and atomic writers for everything pilot_eval writes.

Readers return every table as *text* (one string column per column, index = the
spreadsheet row a person sees, header = row 1), together with the problems met while
reading. Typing and rules are :mod:`pilot_eval.schema`'s job, so a cell that cannot be
read as a number is reported with its row and column instead of failing the file.

CSV is read as Norwegian users produce it: UTF-8 with or without BOM, UTF-16 (Excel's
"Unicode text"), Windows-1252 (Excel on Windows, "CSV (semikolondelt)"); comma,
semicolon or tab separated. Nothing is guessed silently: a separator that cannot be told
from the header is a reported problem.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import problems_frame

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# --- input limits (one place; docs/data-format.md "Limits" explains them) -----------------
# Sized so a whole municipality's data pass with room to spare (a table of 1 000 000 rows ×
# 50 columns is 50 million cells), and so a hostile or broken file fails fast, with a
# message, before memory runs out.

#: Largest file read (bytes). A CSV of 1 000 000 rows × 50 columns is about 0.5 GB.
MAX_FILE_BYTES = 4 * 1024**3
#: Most columns a table may have (the tables have at most 13, plus any extra columns).
MAX_COLUMNS = 1_000
#: Most cells (rows × columns, header included) of one table.
MAX_CELLS = 200_000_000
#: Most bytes an XLSX file may unpack to (a workbook is a zip of XML files).
MAX_XLSX_UNPACKED_BYTES = 8 * 1024**3
#: Dates are accepted from the first of these years to the end of the second.
MIN_YEAR, MAX_YEAR = 1900, 2100
#: Largest absolute value of a number in a table (NOK amounts and counts alike).
MAX_ABS_NUMBER = 1e12

#: File endings a table may have, in the order they are looked for.
TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")
FIRST_DATA_ROW = 2  # the header is row 1 in a spreadsheet


@dataclass
class RawTable:
    """A table read as text.

    Attributes
    ----------
    name : str
        Table name (``pilots``, ``costs`` …).
    path : pathlib.Path
        The file it came from.
    frame : pandas.DataFrame
        All cells as stripped strings (``""`` for empty), index = spreadsheet row.
    problems : pandas.DataFrame
        Problems met while reading (encoding, separator, duplicate headers …).
    dialect : dict
        What was detected: ``encoding``, ``sep`` (CSV only), ``format``.
    """

    name: str
    path: Path
    frame: pd.DataFrame | None
    problems: pd.DataFrame = field(default_factory=problems_frame)
    dialect: dict[str, Any] = field(default_factory=dict)


def _problem(file: str, rule: str, nb: str, en: str, *, row: Any = None, column: Any = None,
             value: Any = None, severity: str = "error", count: int = 1) -> dict[str, Any]:
    return {"file": file, "row": row, "column": column, "value": value, "severity": severity,
            "rule": rule, "message_nb": nb, "message_en": en, "count": count}


def find_table(folder: Path, name: str) -> tuple[Path | None, list[dict[str, Any]]]:
    """Return the one file that holds table ``name`` in ``folder`` (or None), and problems.

    A table given in two formats (``costs.csv`` and ``costs.xlsx``) is an error: which one
    is right cannot be known.

    Parameters
    ----------
    folder : pathlib.Path
        The data folder.
    name : str
        The table's name (``pilots``, ``costs`` …), without a suffix.

    Returns
    -------
    (pathlib.Path or None, list of dict)
        The file (None when there is none, or more than one) and the problems, as rows of
        the problems table.

    Examples
    --------
    >>> from pathlib import Path
    >>> find_table(Path("tests/data/doctest_small"), "pilots")
    (PosixPath('tests/data/doctest_small/pilots.csv'), [])
    >>> find_table(Path("tests/data/doctest_small"), "no_such_table")
    (None, [])
    """
    candidates = [folder / f"{name}{suffix}" for suffix in TABLE_SUFFIXES]
    odd = [p for p in candidates if p.exists() and not p.is_file()]
    if odd:  # a folder (or a device, a pipe) named like a table: never silently skipped
        return None, [_problem(
            p.name, "file.not_a_file",
            f"«{p.name}» er en mappe eller en annen type element, ikke en fil. Legg tabellen "
            f"«{name}» i en fil med dette navnet, eller gi mappen et annet navn.",
            f"'{p.name}' is a folder or another kind of entry, not a file. Put the table "
            f"'{name}' in a file of that name, or rename the folder.") for p in odd]
    found = [p for p in candidates if p.is_file()]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        return None, [_problem(
            found[0].name, "file.ambiguous",
            f"Tabellen «{name}» finnes i flere filer ({names}). Behold bare én av dem.",
            f"The table '{name}' is given in several files ({names}). Keep only one of them.",
        )]
    return (found[0] if found else None), []


def read_table(path: Path, name: str | None = None) -> RawTable:
    """Read one table file (CSV, XLSX or Parquet) as text. Never raises on bad content.

    The encoding (UTF-8 with or without BOM, or Windows-1252) and a CSV's separator (``,``
    ``;`` or tab) are detected; what went wrong is in the result's ``problems``.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    name : str, optional
        The table's name; default the file name without its suffix.

    Returns
    -------
    RawTable
        Every cell as stripped text, indexed by the spreadsheet row a person sees.

    Examples
    --------
    >>> from pathlib import Path
    >>> raw = read_table(Path("tests/data/doctest_small/pilots.csv"))
    >>> raw.name, raw.dialect["sep"], len(raw.problems)
    ('pilots', ',', 0)
    >>> raw.frame.loc[2, "pilot_id"]  # row 2: the first row under the header
    'lekse'
    """
    path = Path(path)
    name = name or path.stem
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return RawTable(name, path, None, problems_frame([_too_big(
                path.name, f"Filen er {size / 1024**3:.1f} GB",
                f"The file is {size / 1024**3:.1f} GB",
                f"høyst {MAX_FILE_BYTES / 1024**3:.0f} GB", f"at most {MAX_FILE_BYTES / 1024**3:.0f} GB")]))
        if suffix == ".csv":
            return _read_csv(path, name)
        if suffix == ".xlsx":
            return _read_xlsx(path, name)
        if suffix == ".parquet":
            return _read_parquet(path, name)
    except Exception as exc:  # a file we cannot open at all: report, never traceback
        return RawTable(name, path, None, problems_frame([_problem(
            path.name, "file.unreadable",
            f"Filen kan ikke leses ({type(exc).__name__}: {exc}). Sjekk at den er en gyldig "
            f"{suffix.lstrip('.').upper()}-fil, for eksempel ved å åpne og lagre den på nytt.",
            f"The file cannot be read ({type(exc).__name__}: {exc}). Check that it is a valid "
            f"{suffix.lstrip('.').upper()} file, for example by opening and saving it again.",
        )]))
    raise ValueError(f"unsupported file type {suffix!r}")  # pragma: no cover - find_table filters


def _too_big(file: str, what_nb: str, what_en: str, limit_nb: str, limit_en: str, *,
             rule: str = "file.too_large", row: Any = None, column: Any = None) -> dict[str, Any]:
    """A problem for a file beyond the input limits: what was found, the limit, what to do."""
    return _problem(
        file, rule,
        f"{what_nb}; grensen er {limit_nb}. Sjekk at det er riktig fil, slett tomme rader og "
        "kolonner i regnearket, eller del tabellen opp (se «Grenser» i docs/data-format.md).",
        f"{what_en}; the limit is {limit_en}. Check that it is the right file, delete empty rows "
        "and columns in the spreadsheet, or split the table (see 'Limits' in "
        "docs/data-format.md).", row=row, column=column)


def _too_many_columns(file: str, n: int | str) -> dict[str, Any]:
    return _too_big(file, f"Tabellen har {n} kolonner", f"The table has {n} columns",
                    f"{MAX_COLUMNS} kolonner", f"{MAX_COLUMNS} columns", rule="file.too_many_columns",
                    row=1)


def _too_many_cells(file: str, rows: int, columns: int) -> dict[str, Any]:
    return _too_big(file, f"Tabellen har mer enn {rows:,} rader × {columns} kolonner".replace(",", " "),
                    f"The table has more than {rows:,} rows × {columns} columns",
                    f"{MAX_CELLS:,} celler".replace(",", " "), f"{MAX_CELLS:,} cells",
                    rule="file.too_many_cells")


# --- CSV -------------------------------------------------------------------------------

_SEPARATORS = {";": "semikolon", ",": "komma", "\t": "tabulator"}


def _detect_separator(header: str, known: set[str] | None) -> str | None:
    """Pick the separator that splits the header line into the most known column names."""
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    present = [s for s, c in counts.items() if c > 0]
    if len(present) == 1:
        return present[0]
    if not present:
        return ","  # a one-column file: any separator reads it the same
    if known:
        def score(sep: str) -> int:
            return sum(_normalise_column(c) in known for c in header.split(sep))
        scores = {s: score(s) for s in present}
        best = max(scores.values())
        winners = [s for s, v in scores.items() if v == best]
        if best > 0 and len(winners) == 1:
            return winners[0]
    return None


def _normalise_column(name: Any) -> str:
    text = str(name).replace("\ufeff", "").strip().strip('"').strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


_SNIFF_BYTES = 1 << 16


def _sniff_encoding(head: bytes) -> tuple[str | None, str]:
    """Encoding from the first bytes: BOMs, then UTF-8 (a cut multi-byte character at the
    end is fine), then Windows-1252. Returns (decoded head, encoding)."""
    import codecs

    if head.startswith(b"\xef\xbb\xbf"):
        return codecs.getincrementaldecoder("utf-8")().decode(head[3:]), "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return codecs.getincrementaldecoder("utf-16")().decode(head), "utf-16"
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(head), "utf-8"
    except UnicodeDecodeError:
        pass
    # Windows-1252 leaves five bytes undefined: text with them is not Windows-1252 either.
    try:
        return head.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return None, "unknown"


def _read_csv(path: Path, name: str, known_columns: set[str] | None = None) -> RawTable:
    from .schema import known_columns as _known  # schema owns the column names

    known = known_columns if known_columns is not None else _known(name)
    file = path.name
    with open(path, "rb") as fh:  # sniff the start; pandas streams the rest from disk
        head = fh.read(_SNIFF_BYTES)
    empty = _problem(file, "file.empty",
                     "Filen er tom. Den må minst ha en overskriftsrad med kolonnenavnene.",
                     "The file is empty. It needs at least a header row with the column names.")
    bad_encoding = _problem(
        file, "file.encoding",
        "Tegnkodingen i filen er ukjent. Lagre filen på nytt som «CSV UTF-8» i Excel.",
        "The file's character encoding is unknown. Save it again as 'CSV UTF-8' in Excel.")
    if not head.strip() and path.stat().st_size <= _SNIFF_BYTES:
        return RawTable(name, path, None, problems_frame([empty]))
    text, encoding = _sniff_encoding(head)
    if text is None:
        return RawTable(name, path, None, problems_frame([bad_encoding]))
    header_line = text.replace("\r\n", "\n").replace("\r", "\n").split("\n", 1)[0]
    sep = _detect_separator(header_line, known)
    if sep is None:
        return RawTable(name, path, None, problems_frame([_problem(
            file, "file.separator",
            "Kan ikke avgjøre om kolonnene er skilt med komma eller semikolon: overskriftsraden "
            "inneholder begge. Bruk ett skilletegn, helst semikolon.",
            "Cannot tell whether columns are separated by commas or semicolons: the header row "
            "contains both. Use one separator, preferably semicolons.",
            row=1, value=header_line[:60],
        )]), {"encoding": encoding, "format": "csv"})

    dialect = {"encoding": encoding, "sep": sep, "format": "csv"}
    n_columns = len(next(csv.reader([header_line], delimiter=sep), []))
    if n_columns > MAX_COLUMNS:  # before reading: a wide header costs time per column
        return RawTable(name, path, None, problems_frame([_too_many_columns(file, n_columns)]),
                        dialect)
    max_rows = MAX_CELLS // max(n_columns, 1)

    def read(enc: str, errors: str = "strict") -> pd.DataFrame:
        # nrows: stop at the bound instead of reading a file that cannot fit in memory
        return pd.read_csv(path, sep=sep, header=None, dtype=str, keep_default_na=False,
                           na_filter=False, skip_blank_lines=False, engine="c", quotechar='"',
                           encoding=enc, encoding_errors=errors, nrows=max_rows + 1)

    if encoding in ("utf-8", "utf-8-sig"):  # the usual file: pyarrow's reader, no Python
        fast = _read_csv_arrow(path, sep, n_columns, max_rows)
        if fast is not None:
            frame, spaced = fast
            if len(frame) > max_rows:
                return RawTable(name, path, None, problems_frame([_too_many_cells(
                    file, max_rows - 1, n_columns)]), dialect)
            return _finish(name, path, frame, [], dialect, strip=spaced)

    try:
        try:
            frame = read(encoding)
        except UnicodeDecodeError:
            if encoding not in ("utf-8", "utf-8-sig", "cp1252"):
                return RawTable(name, path, None, problems_frame([bad_encoding]))
            if _has_utf8_sequences(path):
                # UTF-8 with a few bytes that are not: say where, never re-read it all
                return RawTable(name, path, None, problems_frame(_mixed_encoding(
                    path, "utf-8-sig" if encoding == "utf-8-sig" else "utf-8", read)), dialect)
            if encoding == "cp1252":
                return RawTable(name, path, None, problems_frame([bad_encoding]))
            # not one valid UTF-8 letter in the file: Windows-1252 throughout (Excel's
            # "CSV (semikolondelt)" on Windows), whose first bad byte came late
            encoding = dialect["encoding"] = "cp1252"
            frame = read(encoding)
        else:
            if encoding == "cp1252" and _has_utf8_sequences(path):
                return RawTable(name, path, None, problems_frame(
                    _mixed_encoding(path, "utf-8", read)), dialect)
    except UnicodeDecodeError:
        return RawTable(name, path, None, problems_frame([bad_encoding]))
    except pd.errors.EmptyDataError:
        return RawTable(name, path, None, problems_frame([empty]))
    except pd.errors.ParserError as exc:
        unclosed = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if unclosed:  # pandas counts records from 0 (the header): +1 is the spreadsheet row
            return RawTable(name, path, None, problems_frame([_problem(
                file, "file.unclosed_quote",
                "Et anførselstegn (\") i raden lukkes aldri, så resten av filen leses som én "
                "tekst. Legg til det avsluttende anførselstegnet eller fjern det som står alene.",
                "A quote (\") on this row is never closed, so the rest of the file reads as one "
                "text. Add the closing quote or remove the lone one.",
                row=int(unclosed.group(1)) + 1)]), dialect)
        match = re.search(r"line (\d+)", str(exc))
        row = int(match.group(1)) if match else None
        return RawTable(name, path, None, problems_frame([_problem(
            file, "file.ragged",
            f"Raden har flere felt enn overskriftsraden (skilletegn «{_SEPARATORS[sep]}»). "
            "Sjekk om en tekst inneholder skilletegnet uten anførselstegn.",
            f"The row has more fields than the header row (separator {sep!r}). Check whether "
            "a text contains the separator without quotes.",
            row=row,
        )]), dialect)
    if len(frame) > max_rows:
        return RawTable(name, path, None, problems_frame([_too_many_cells(file, max_rows - 1,
                                                                          n_columns)]), dialect)
    return _finish(name, path, frame, [], dialect)


#: Bytes that are neither whitespace ``str.strip`` (Arrow's ``utf8_trim_whitespace``)
#: removes, nor a quote, nor the first byte of such a character in UTF-8: visible ASCII
#: but '"', line ends, UTF-8 continuation bytes and lead bytes other than C2, E1, E2, E3.
_PLAIN_BYTES = bytes([*range(0x21, 0x7F), *range(0x80, 0xC2), *range(0xC3, 0xE1),
                      *range(0xE4, 0x100), 0x0A, 0x0D]).replace(b'"', b"")


def _read_csv_arrow(path: Path, sep: str, n_columns: int, max_rows: int
                    ) -> tuple[pd.DataFrame, bool] | None:
    """A UTF-8 CSV without quotes read with pyarrow as pandas' C parser reads it
    (header=None, every cell text, blank lines as rows of empty cells), or None when the
    file has quotes or pyarrow refuses it.

    Returns ``(frame, spaced)``; ``spaced`` is False when no cell can hold whitespace to
    strip. The frame has more than ``max_rows`` rows when the file goes beyond them
    (reading stops there). Whatever pyarrow refuses (a short or long row, an unclosed
    quote, bytes that are not UTF-8) is read again by pandas, whose errors give the
    problems their row numbers, so the messages do not depend on this reader.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    read_options = pacsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24)
    parse_options = pacsv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True,
                                       escape_char=False, newlines_in_values=False,
                                       ignore_empty_lines=False)
    convert_options = pacsv.ConvertOptions(
        column_types={f"f{i}": pa.large_string() for i in range(n_columns)},
        strings_can_be_null=False, quoted_strings_can_be_null=False)

    def read() -> pa.Table:
        # a row takes at least n_columns bytes (its separators and line end): a file that
        # cannot go beyond max_rows is read at once, on every core
        if (path.stat().st_size + 1) // max(n_columns, 1) + 1 <= max_rows:
            return pacsv.read_csv(str(path), read_options=read_options,
                                  parse_options=parse_options, convert_options=convert_options)
        reader = pacsv.open_csv(str(path), read_options=read_options,
                                parse_options=parse_options, convert_options=convert_options)
        batches = []
        rows = 0
        for batch in reader:
            batches.append(batch)
            rows += batch.num_rows
            if rows > max_rows:  # stop at the bound, as pandas' nrows does
                break
        return pa.Table.from_batches(batches, schema=reader.schema)

    spaced = False
    reading = None
    try:
        with open(path, "rb") as fh:  # in blocks: the whole file is never in memory
            while block := fh.read(1 << 24):
                odd = block.translate(None, _PLAIN_BYTES)  # what could need stripping
                if b'"' in odd:  # quotes: pyarrow reads an unclosed one to the end, pandas refuses
                    return None
                spaced = spaced or len(odd) > 0  # without quotes, line ends are never in cells
                if reading is None:  # the first block has no quote: pyarrow reads the file
                    # (its threads without the GIL) while this one looks at the rest
                    from concurrent.futures import ThreadPoolExecutor

                    pool = ThreadPoolExecutor(1)
                    reading = pool.submit(read)
                    pool.shutdown(wait=False)
        table = read() if reading is None else reading.result()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    finally:
        if reading is not None:  # a quote came late: never two readers of a file at once
            reading.exception()  # waits for it (pandas reads the file next)
    if table.num_rows == 0 or any(t != pa.large_string() for t in table.schema.types):
        return None  # a header pyarrow splits otherwise, or nothing: pandas decides
    dtype = pd.StringDtype("pyarrow", na_value=np.nan)  # what read_csv(dtype=str) gives
    frame = pd.DataFrame({i: pd.Series(pd.array(table.column(i), dtype=dtype), copy=False)
                          for i in range(table.num_columns)})
    return frame, spaced


#: A valid UTF-8 sequence of two to four bytes (a letter such as æ, ø, å, or more).
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")


def _has_utf8_sequences(path: Path) -> bool:
    """Whether the file holds any valid UTF-8 multi-byte sequence.

    Windows-1252 text practically never does (it would take, say, «Ã» followed by «¦»),
    so a file with invalid UTF-8 *and* valid sequences is UTF-8 with a few damaged rows,
    and a file without any is Windows-1252. Read in blocks; only for files that are not
    valid UTF-8.
    """
    with open(path, "rb") as fh:
        tail = b""
        while block := fh.read(1 << 24):
            if _UTF8_SEQUENCE.search(tail + block):
                return True
            tail = block[-3:]
    return False


def _mixed_encoding(path: Path, encoding: str, read: Any) -> list[dict[str, Any]]:
    """Problems naming the rows of a mostly UTF-8 file whose bytes are not UTF-8."""
    frame = read(encoding, "replace")  # bad bytes → U+FFFD, so the rows can be found
    body = frame.iloc[1:].astype(object).fillna("")
    body.index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(body))
    header_bad = frame.iloc[0].astype(str).str.contains("\ufffd", regex=False).any()
    bad = body.apply(lambda s: s.astype(str).str.contains("\ufffd", regex=False)).any(axis=1)
    rows = ([1] if header_bad else []) + [int(r) for r in bad.index[bad.to_numpy()]]
    nb = ("Filen er lagret som UTF-8, men raden har tegn i en annen tegnkoding (trolig "
          "Windows-1252, for eksempel æ, ø, å limt inn fra et annet program). Rett tegnene i "
          "raden, eller lagre hele filen på nytt som «CSV UTF-8» i Excel.")
    en = ("The file is saved as UTF-8, but the row has characters in another encoding "
          "(probably Windows-1252, such as æ, ø, å pasted from another program). Correct "
          "the characters on the row, or save the whole file again as 'CSV UTF-8' in Excel.")
    shown = rows[:50]
    out = [_problem(path.name, "file.encoding_rows", nb, en, row=r) for r in shown]
    if len(rows) > len(shown):
        out.append(_problem(path.name, "file.encoding_rows",
                            f"… og {len(rows) - len(shown)} rader til med samme problem.",
                            f"… and {len(rows) - len(shown)} more rows with the same problem.",
                            count=len(rows) - len(shown)))
    return out or [_problem(path.name, "file.encoding_rows", nb, en)]


def _finish(name: str, path: Path, frame: pd.DataFrame, problems: list[dict[str, Any]],
            dialect: dict[str, Any], *, rows_given: bool = False, strip: bool = True) -> RawTable:
    """Take the header from the first row, drop blank rows, index by spreadsheet row.

    ``rows_given``: the frame's index already holds the spreadsheet rows (a sheet read
    sparsely), else the rows are counted from the header's row 1. ``strip=False``: the
    reader knows that no cell has whitespace around it.
    """
    file = path.name
    if frame.shape[0] == 0:
        return RawTable(name, path, None, problems_frame([_problem(
            file, "file.empty", "Filen er tom. Den må minst ha en overskriftsrad med kolonnenavnene.",
            "The file is empty. It needs at least a header row with the column names.",
        )]), dialect)
    header = [_normalise_column(c) for c in frame.iloc[0].fillna("")]
    body = frame.iloc[1:]
    if not rows_given:
        body.index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(body))
    keep: list[int] = []
    seen: dict[str, int] = {}
    for i, col in enumerate(header):
        if col == "":
            if body.iloc[:, i].astype(str).str.strip().ne("").any():
                problems.append(_problem(
                    file, "column.unnamed",
                    f"Kolonne nummer {i + 1} har data, men ikke noe navn i overskriftsraden.",
                    f"Column number {i + 1} has data but no name in the header row.", row=1,
                    column=f"#{i + 1}"))  # it has no name: its position is what the user can find
            continue
        if col in seen:
            problems.append(_problem(
                file, "column.duplicate",
                f"Kolonnen «{col}» står to ganger i overskriftsraden. Fjern eller gi nytt navn til den ene.",
                f"The column '{col}' appears twice in the header row. Remove or rename one of them.",
                row=1, column=col))
            continue
        seen[col] = i
        keep.append(i)
    body = body.iloc[:, keep]
    body.columns = [header[i] for i in keep]
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    columns = {}  # column by column: a copy of millions of cells only where needed
    for i, col in enumerate(body.columns):
        s = body.iloc[:, i]
        if s.dtype != text or s.hasnans:
            s = s.fillna("").astype(str)
        columns[col] = s.str.strip() if strip else s
    body = pd.DataFrame(columns, index=body.index, copy=False)
    if len(body.columns):
        blank = np.ones(len(body), dtype=bool)
        for i in range(body.shape[1]):  # column by column: usually the first has no blank
            blank &= body.iloc[:, i].eq("").to_numpy(dtype=bool)
            if not blank.any():
                break
        if blank.any():
            body = body.loc[~blank]
    return RawTable(name, path, body, problems_frame(problems), dialect)


# --- XLSX and Parquet -------------------------------------------------------------------

def _one_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):  # before date: a datetime is a date too
        return (value.strftime("%Y-%m-%d") if value.time() == _dt.time(0)
                else value.isoformat())
    if isinstance(value, (_dt.date, _dt.time)):  # a time-formatted cell no longer fails the file
        return value.isoformat()
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        return str(int(value)) if np.isfinite(value) and value.is_integer() else str(value)
    return str(value)


def _cell_text(series: pd.Series) -> pd.Series:
    """Spreadsheet cells → text: dates as ISO, whole floats without '.0', times as ISO."""
    return series.astype(object).map(_one_cell)


def xlsx_too_big(path: Path) -> dict[str, Any] | None:
    """A problem when the workbook (a zip) would unpack beyond the limit, read from its
    directory before anything is unpacked; else None.

    Parameters
    ----------
    path : pathlib.Path
        An ``.xlsx`` file.

    Returns
    -------
    dict or None
        The problem ("file.too_big") as a row of the problems table, or None.

    Examples
    --------
    >>> import tempfile, zipfile
    >>> from pathlib import Path
    >>> book = Path(tempfile.mkdtemp()) / "costs.xlsx"
    >>> with zipfile.ZipFile(book, "w") as archive:
    ...     archive.writestr("xl/workbook.xml", "<workbook/>")
    >>> xlsx_too_big(book) is None
    True
    """
    import zipfile

    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked <= MAX_XLSX_UNPACKED_BYTES:
        return None
    return _too_big(path.name, f"Arbeidsboken pakkes ut til {unpacked / 1024**3:.1f} GB",
                    f"The workbook unpacks to {unpacked / 1024**3:.1f} GB",
                    f"{MAX_XLSX_UNPACKED_BYTES / 1024**3:.0f} GB",
                    f"{MAX_XLSX_UNPACKED_BYTES / 1024**3:.0f} GB")


def _read_xlsx(path: Path, name: str) -> RawTable:
    """Read the table's sheet: the visible one named after the table, else the first visible.

    Cells are streamed from the sheet's XML and only those with a value are kept, so a
    sheet whose used range was stretched (one stray cell at XFD1048576) costs nothing; a
    value beyond :data:`MAX_COLUMNS` or more than :data:`MAX_CELLS` cells stop the read
    with a problem. Hidden sheets are never read (a warning says when one holds data).
    """
    from openpyxl import load_workbook

    file = path.name
    bomb = xlsx_too_big(path)
    if bomb is not None:
        return RawTable(name, path, None, problems_frame([bomb]), {"format": "xlsx"})
    book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        sheets = list(book.worksheets)
        visible = [ws for ws in sheets if ws.sheet_state == "visible"]
        named = [ws for ws in visible if _normalise_column(ws.title) == name]
        sheet = named[0] if named else visible[0] if visible else None
        dialect = {"format": "xlsx", "sheet": None if sheet is None else sheet.title}
        problems = [_problem(
            file, "file.hidden_sheet",
            f"Arket «{ws.title}» er skjult og blir ikke lest, men det har data. Tabellen leses "
            f"fra arket «{dialect['sheet']}». Flytt dataene dit om de skal med.",
            f"The sheet '{ws.title}' is hidden and is not read, but it holds data. The table "
            f"is read from the sheet '{dialect['sheet']}'. Move the data there if they belong "
            "to it.", severity="warning")
            for ws in sheets if ws.sheet_state != "visible" and _sheet_has_data(book, ws)]
        if sheet is None:
            return RawTable(name, path, None, problems_frame([*problems, _problem(
                file, "file.no_visible_sheet",
                "Arbeidsboken har ingen synlige ark. Vis arket med tabellen, eller lagre den "
                "som et synlig ark.",
                "The workbook has no visible sheet. Unhide the sheet with the table.")]), dialect)
        frame, limit = _sheet_frame(book, sheet, file)
    finally:
        book.close()
    if limit is not None:
        return RawTable(name, path, None, problems_frame([*problems, limit]), dialect)
    frame = frame.apply(_cell_text) if len(frame) else frame
    return _finish(name, path, frame, problems, dialect, rows_given=True)


def _sheet_cells(book: Any, sheet: Any) -> Iterator[tuple[int, int, Any]]:
    """(row, column, value) of every cell with a value, streamed from the sheet's XML.

    openpyxl's own row iterator pads every row to the used range's width and yields the
    empty rows between, which a stretched range turns into billions of cells.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=True,
                                 epoch=book.epoch, date_formats=book._date_formats,
                                 timedelta_formats=book._timedelta_formats)
        for row, cells in parser.parse():
            for cell in cells:
                value = cell["value"]
                if value is not None and value != "":
                    yield row, cell["column"], value


def _sheet_has_data(book: Any, sheet: Any) -> bool:
    return next(iter(_sheet_cells(book, sheet)), None) is not None


def _sheet_frame(book: Any, sheet: Any, file: str) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    """The sheet's cells as a frame indexed by spreadsheet row (row 1 first), or a limit
    problem as soon as the sheet goes beyond the input limits."""
    from openpyxl.utils import get_column_letter

    rows: list[int] = []
    columns: list[int] = []
    values: list[Any] = []
    width = 0
    for row, column, value in _sheet_cells(book, sheet):
        if column > MAX_COLUMNS:
            cell = f"{get_column_letter(column)}{row}"
            return pd.DataFrame(), _too_big(
                file, f"Arket «{sheet.title}» har data i kolonne {get_column_letter(column)} "
                f"(celle {cell})", f"The sheet '{sheet.title}' has data in column "
                f"{get_column_letter(column)} (cell {cell})", f"{MAX_COLUMNS} kolonner",
                f"{MAX_COLUMNS} columns", rule="file.too_many_columns", row=row)
        width = max(width, column)
        rows.append(row)
        columns.append(column)
        values.append(value)
        if len(values) > MAX_CELLS:
            return pd.DataFrame(), _too_many_cells(file, row, width)
    if not values:
        return pd.DataFrame(), None
    row_ids, position = np.unique(np.asarray(rows), return_inverse=True)
    if row_ids[0] != 1:  # the header is row 1, even when it is empty
        row_ids, position = np.concatenate([[1], row_ids]), position + 1
    if len(row_ids) * width > MAX_CELLS:
        return pd.DataFrame(), _too_many_cells(file, len(row_ids), width)
    dense = np.full((len(row_ids), width), None, dtype=object)
    dense[position, np.asarray(columns) - 1] = values
    return pd.DataFrame(dense, index=pd.Index(row_ids, dtype="int64")), None


def _read_parquet(path: Path, name: str) -> RawTable:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata  # the size is known before anything is read
    if meta.num_columns > MAX_COLUMNS:
        return RawTable(name, path, None, problems_frame([_too_many_columns(
            path.name, meta.num_columns)]), {"format": "parquet"})
    if meta.num_rows * max(meta.num_columns, 1) > MAX_CELLS:
        return RawTable(name, path, None, problems_frame([_too_many_cells(
            path.name, meta.num_rows, meta.num_columns)]), {"format": "parquet"})
    frame = pd.read_parquet(path)
    text: dict[int, pd.Series] = {}  # built once: inserting column by column is quadratic
    for i, col in enumerate(frame.columns):
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            t = s.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(s):
            t = s.map({True: "true", False: "false"})
        elif pd.api.types.is_float_dtype(s):
            t = s.astype(str).str.replace(r"\.0$", "", regex=True)
        else:
            t = s.astype(object).where(s.notna(), "").astype(str)
        text[i] = t.fillna("").replace({"nan": "", "NaT": "", "<NA>": "", "None": ""})
    body = pd.DataFrame(text, index=frame.index)
    header = pd.DataFrame([list(map(str, frame.columns))], columns=body.columns)
    both = pd.concat([header, body], ignore_index=True)
    return _finish(name, path, both, [], {"format": "parquet"})


# --- TOML ---------------------------------------------------------------------------------

def read_toml(path: Path) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Read ``agreement.toml``; a syntax error is a problem with its line number.

    Parameters
    ----------
    path : pathlib.Path
        The TOML file.

    Returns
    -------
    (dict or None, list of dict)
        The settings (None when the file cannot be read) and the problems.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> good = Path(tempfile.mkdtemp()) / "agreement.toml"
    >>> _ = good.write_text('language = "nb"\\n', encoding="utf-8")
    >>> read_toml(good)
    ({'language': 'nb'}, [])
    >>> bad = good.with_name("bad.toml")
    >>> _ = bad.write_text('language = "nb"\\nstart = \\n', encoding="utf-8")
    >>> settings, problems = read_toml(bad)
    >>> settings, problems[0]["rule"], problems[0]["row"]
    (None, 'toml.syntax', 2)
    """
    try:
        raw = Path(path).read_bytes()
        text = raw.decode("utf-8-sig")
        return tomllib.loads(text), []
    except UnicodeDecodeError:
        return None, [_problem(path.name, "file.encoding",
                               "Filen må være lagret som UTF-8.", "The file must be saved as UTF-8.")]
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        return None, [_problem(
            path.name, "toml.syntax",
            f"Filen har en skrivefeil ({exc}). Sjekk anførselstegn og likhetstegn på linjen.",
            f"The file has a syntax error ({exc}). Check quotes and equals signs on that line.",
            row=int(match.group(1)) if match else None)]


_TOML_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\- ]+?)\s*\]\s*(#.*)?$")
_TOML_MULTILINE = re.compile(r'"""|\'\'\'')
_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+(?:\s*\.\s*[A-Za-z0-9_\-]+)*)\s*=")


def toml_key_lines(path: Path) -> dict[str, int]:
    """The line on which each key of a TOML file is set, so a problem with a setting can
    say where it is; a key under a table ``[rules]`` as ``rules.key``.

    Bare keys only (what ``agreement.toml`` uses); a key set twice is a syntax error that
    :func:`read_toml` reports.

    Parameters
    ----------
    path : pathlib.Path
        The TOML file.

    Returns
    -------
    dict of str to int
        The line (from 1) of each key; empty when the file cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "agreement.toml"
    >>> _ = path.write_text('name = "Avtale"\\n\\n# budsjett\\nannual_budget_nok = -5\\n'
    ...                     '[rules]\\nreach_share_min = "høy"\\n', encoding="utf-8")
    >>> toml_key_lines(path)
    {'name': 1, 'annual_budget_nok': 4, 'rules.reach_share_min': 6}
    """
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    lines: dict[str, int] = {}
    table = ""
    inside = None  # the quotes of a multi-line string the line starts in
    # TOML ends lines at "\n" only (str.splitlines would also split at U+0085, U+2028 …)
    for number, line in enumerate(text.split("\n"), start=1):
        starts_inside = inside
        for quotes in _TOML_MULTILINE.findall(line):
            inside = None if inside == quotes else inside or quotes
        if starts_inside is not None:
            continue  # text of a string, not a key
        if line.lstrip().startswith("["):  # a table; one we cannot name hides its keys
            header = _TOML_TABLE.match(line)
            table = re.sub(r"\s", "", header.group(1)) + "." if header else "\0."
            continue
        key = _TOML_KEY.match(line)
        if key:
            lines.setdefault(table + re.sub(r"\s", "", key.group(1)), number)
    return lines


# --- atomic writers -----------------------------------------------------------------------

def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half.

    The bytes go to a temporary file in the same folder, reach the disk, and replace
    ``path`` in one rename; on an error ``path`` is left as it was. Missing folders are made.

    Parameters
    ----------
    path : str or pathlib.Path
    data : bytes

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> target = Path(tempfile.mkdtemp()) / "out" / "manifest.json"
    >>> atomic_write_bytes(target, b"{}").read_bytes()
    b'{}'
    >>> sorted(p.name for p in target.parent.iterdir())  # no temporary file left
    ['manifest.json']
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)  # mkstemp makes 0600; published files get the usual mode
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Text version of :func:`atomic_write_bytes` (newlines written as ``\\n``).

    Parameters
    ----------
    path : str or pathlib.Path
    text : str
    encoding : str, default "utf-8"

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> target = Path(tempfile.mkdtemp()) / "note.txt"
    >>> atomic_write_text(target, "Bærum\\n").read_bytes()
    b'B\\xc3\\xa6rum\\n'
    """
    return atomic_write_bytes(path, text.encode(encoding))


_RENAME_EXCHANGE = 2  # renameat2 flag (linux/fs.h)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where that is not available."""
    import ctypes
    import errno

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # e.g. NFS: use two renames
        return False
    raise OSError(err, os.strerror(err), str(b))


def switch_folder(staging: str | Path, target: str | Path, *, old_prefix: str = ".old-"
                  ) -> None:
    """Make the complete folder ``staging`` the folder ``target``, in one step.

    Readers see the previous folder or the new one, never a mixture or a gap (on Linux
    file systems with ``renameat2``; elsewhere two renames, the previous folder being
    named ``old_prefix + name + "-" + pid`` in between, so a crash there can be undone).
    The folder gets the permissions of the one it replaces (or the umask's), not
    ``mkdtemp``'s 0700. The previous folder is removed afterwards.

    Parameters
    ----------
    staging : str or pathlib.Path
        The complete new folder, on the same file system as ``target``.
    target : str or pathlib.Path
        The folder it becomes (need not exist).
    old_prefix : str, default ".old-"
        Name prefix of the previous folder where two renames are needed.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "report").mkdir()
    >>> _ = (root / "report" / "old.pdf").write_bytes(b"%PDF old")
    >>> (root / "new").mkdir()
    >>> _ = (root / "new" / "new.pdf").write_bytes(b"%PDF new")
    >>> switch_folder(root / "new", root / "report")
    >>> sorted(p.name for p in root.iterdir()), sorted(p.name for p in (root / "report").iterdir())
    (['report'], ['new.pdf'])
    """
    import stat

    staging, target = Path(staging), Path(target)
    if target.is_dir() and not target.is_symlink():
        mode = stat.S_IMODE(target.stat().st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o777 & ~umask
    os.chmod(staging, mode)
    if not os.path.lexists(target):
        os.rename(staging, target)
    elif _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous folder
    else:
        old = target.with_name(f"{old_prefix}{target.name}-{os.getpid()}")
        os.rename(target, old)
        try:
            os.rename(staging, target)
        except BaseException:
            os.rename(old, target)
            raise
        shutil.rmtree(old, ignore_errors=True)
    with contextlib.suppress(OSError):  # the renames reach the disk before we say "done"
        fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_directory(target: str | Path) -> Iterator[Path]:
    """Yield a staging folder that replaces ``target`` as a whole when the block succeeds
    (:func:`switch_folder`).

    On an exception the staging folder is removed and ``target`` is left as it was.

    Parameters
    ----------
    target : str or pathlib.Path
        The folder to replace (need not exist; its parent is made).

    Yields
    ------
    pathlib.Path
        The staging folder to write into, beside ``target``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> target = Path(tempfile.mkdtemp()) / "report"
    >>> with atomic_directory(target) as staging:
    ...     _ = (staging / "rapport.pdf").write_bytes(b"%PDF")
    >>> sorted(p.name for p in target.iterdir())
    ['rapport.pdf']
    >>> try:
    ...     with atomic_directory(target) as staging:
    ...         _ = (staging / "half.pdf").write_bytes(b"%PD")
    ...         raise RuntimeError("the run failed")
    ... except RuntimeError:
    ...     pass
    >>> sorted(p.name for p in target.parent.iterdir()), sorted(p.name for p in target.iterdir())
    (['report'], ['rapport.pdf'])
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield staging
        switch_folder(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
