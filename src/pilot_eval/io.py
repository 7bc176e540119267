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
             value: Any = None, severity: str = "error") -> dict[str, Any]:
    return {"file": file, "row": row, "column": column, "value": value, "severity": severity,
            "rule": rule, "message_nb": nb, "message_en": en}


def find_table(folder: Path, name: str) -> tuple[Path | None, list[dict[str, Any]]]:
    """Return the one file that holds table ``name`` in ``folder`` (or None), and problems.

    A table given in two formats (``costs.csv`` and ``costs.xlsx``) is an error: which one
    is right cannot be known.
    """
    found = [folder / f"{name}{suffix}" for suffix in TABLE_SUFFIXES if (folder / f"{name}{suffix}").is_file()]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        return None, [_problem(
            found[0].name, "file.ambiguous",
            f"Tabellen «{name}» finnes i flere filer ({names}). Behold bare én av dem.",
            f"The table '{name}' is given in several files ({names}). Keep only one of them.",
        )]
    return (found[0] if found else None), []


def read_table(path: Path, name: str | None = None) -> RawTable:
    """Read one table file (CSV, XLSX or Parquet) as text. Never raises on bad content."""
    path = Path(path)
    name = name or path.stem
    suffix = path.suffix.lower()
    try:
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

    def read(enc: str) -> pd.DataFrame:
        return pd.read_csv(path, sep=sep, header=None, dtype=str, keep_default_na=False,
                           na_filter=False, skip_blank_lines=False, engine="c", quotechar='"',
                           encoding=enc)

    try:
        try:
            frame = read(encoding)
        except UnicodeDecodeError:
            if encoding != "utf-8":
                return RawTable(name, path, None, problems_frame([bad_encoding]))
            encoding = "cp1252"  # valid UTF-8 at the start only: Windows-1252 after all
            frame = read(encoding)
    except UnicodeDecodeError:
        return RawTable(name, path, None, problems_frame([bad_encoding]))
    except pd.errors.EmptyDataError:
        return RawTable(name, path, None, problems_frame([empty]))
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        row = int(match.group(1)) if match else None
        return RawTable(name, path, None, problems_frame([_problem(
            file, "file.ragged",
            f"Raden har flere felt enn overskriftsraden (skilletegn «{_SEPARATORS[sep]}»). "
            "Sjekk om en tekst inneholder skilletegnet uten anførselstegn.",
            f"The row has more fields than the header row (separator {sep!r}). Check whether "
            "a text contains the separator without quotes.",
            row=row,
        )]), {"encoding": encoding, "sep": sep, "format": "csv"})
    return _finish(name, path, frame, [], {"encoding": encoding, "sep": sep, "format": "csv"})


def _finish(name: str, path: Path, frame: pd.DataFrame, problems: list[dict[str, Any]],
            dialect: dict[str, Any]) -> RawTable:
    """Take the header from the first row, drop blank rows, index by spreadsheet row."""
    file = path.name
    if frame.shape[0] == 0:
        return RawTable(name, path, None, problems_frame([_problem(
            file, "file.empty", "Filen er tom. Den må minst ha en overskriftsrad med kolonnenavnene.",
            "The file is empty. It needs at least a header row with the column names.",
        )]), dialect)
    header = [_normalise_column(c) for c in frame.iloc[0].fillna("")]
    body = frame.iloc[1:]
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
    body = body.fillna("").astype(str)
    body = body.apply(lambda s: s.str.strip())  # per column, vectorised
    if len(body.columns):
        blank = body.eq("").all(axis=1)
        body = body.loc[~blank]
    return RawTable(name, path, body, problems_frame(problems), dialect)


# --- XLSX and Parquet -------------------------------------------------------------------

def _cell_text(series: pd.Series) -> pd.Series:
    """Spreadsheet cells → text: dates as ISO, whole floats without '.0'."""
    s = series.astype(object)
    is_dt = s.map(lambda v: isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "isoformat"))
    out = s.where(~is_dt, s[is_dt].map(lambda v: pd.Timestamp(v).strftime("%Y-%m-%d")
                                       if pd.Timestamp(v).time() == pd.Timestamp(0).time()
                                       else pd.Timestamp(v).isoformat()))
    is_float = out.map(lambda v: isinstance(v, float) and np.isfinite(v) and float(v).is_integer())
    out = out.where(~is_float, out[is_float].map(lambda v: str(int(v))))
    return out.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))


def _read_xlsx(path: Path, name: str) -> RawTable:
    # Excel sheets are bounded (~1M rows) and openpyxl is per cell anyway.
    frame = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="openpyxl")
    frame = frame.apply(_cell_text) if len(frame) else frame
    return _finish(name, path, frame, [], {"format": "xlsx"})


def _read_parquet(path: Path, name: str) -> RawTable:
    frame = pd.read_parquet(path)
    text = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            t = s.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(s):
            t = s.map({True: "true", False: "false"})
        elif pd.api.types.is_float_dtype(s):
            t = s.astype(str).str.replace(r"\.0$", "", regex=True)
        else:
            t = s.astype(object).where(s.notna(), "").astype(str)
        text[str(col)] = t.fillna("").replace({"nan": "", "NaT": "", "<NA>": "", "None": ""})
    header = pd.DataFrame([list(map(str, frame.columns))], columns=text.columns)
    both = pd.concat([header, text], ignore_index=True)
    both.columns = range(both.shape[1])
    return _finish(name, path, both, [], {"format": "parquet"})


# --- TOML ---------------------------------------------------------------------------------

def read_toml(path: Path) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Read ``agreement.toml``; a syntax error is a problem with its line number."""
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


# --- atomic writers -----------------------------------------------------------------------

def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half."""
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
    """Text version of :func:`atomic_write_bytes` (newlines written as ``\\n``)."""
    return atomic_write_bytes(path, text.encode(encoding))


@contextlib.contextmanager
def atomic_directory(target: str | Path) -> Iterator[Path]:
    """Yield a staging folder that replaces ``target`` as a whole when the block succeeds.

    On an exception the staging folder is removed and ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
