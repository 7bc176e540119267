"""Export metric tables: a workbook for people, JSON for programs, CSV files — privacy
rules applied.

* ``metrics.xlsx``: a sheet per table with headers, codes as words and number formats in
  bokmål or English (:mod:`pilot_eval.present.columns`), frozen headers and id columns,
  print setup (A4 landscape, one page wide, header row on every page), and a first sheet
  saying what every sheet and column means, the as-of date, the marks, the source and the
  version.
* ``metrics.json``: ``{table: [records]}`` with the code names and codes, unchanged
  whatever the language (the next report's changes section reads it).
* CSV: a folder with one file per table (``reach.csv`` …), rows identified by their key
  columns (``pilot_id`` …); plain (commas, decimal points, UTF-8) or for Excel with
  Norwegian settings (semicolons, decimal commas, UTF-8 with BOM).

Exports follow the report's privacy rules (DESIGN §4, docs/privacy.md), from the one
model :func:`pilot_eval.privacy.disclosure_codes`: counts below ``min_cell_size`` become
``"<5"``; counts hidden so that a total, share or rate cannot reveal them, and rates,
means, values and costs built on a hidden count, become ``":"``. Text
cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) are
prefixed with ``'`` (OWASP "CSV injection").
"""

from __future__ import annotations

import datetime as _dt
import io as _io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import UsageError, show_controls
from ..io import atomic_directory, atomic_write_bytes
from ..present import columns, fmt, text
from ..privacy import PRIMARY, SHOWN, disclosure_codes, table_disclosure_codes

if TYPE_CHECKING:  # pragma: no cover
    from ..dataset import Agreement

__all__ = ["HIDDEN_MARK", "NUMBER_FORMATS", "check_output_path", "csv_text", "output_format",
           "prepare", "suppress_table", "write_metric_files", "write_metrics"]

#: What a hidden cell holds: a small count "<k"; a count hidden to protect another, or a
#: figure built on a hidden count, ":" (Statistics Norway's mark for "not shown for reasons
#: of confidentiality"), never "<k": such a cell is not small.
HIDDEN_MARK = ":"


def _apply_codes(frame: pd.DataFrame, codes: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        code = codes[col] if col in codes.columns else None
        if code is None or not code.ne(SHOWN).any():
            continue
        label = np.where(code.eq(PRIMARY), f"<{min_cell_size}", HIDDEN_MARK)
        keep = code.eq(SHOWN).to_numpy(bool)
        out[col] = np.where(keep, out[col].astype(object).to_numpy(), label)
        out[col] = out[col].astype(object)
    return out


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CELL_CONTROLS = "\t\n\r"  # legal in a cell and meant as written


def suppress_table(name: str, frame: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    """Apply the privacy rules to one metric table (a copy; numbers stay numbers).

    The rules are :func:`pilot_eval.privacy.disclosure_codes` (docs/privacy.md): a small
    count reads ``"<k"``, a count hidden to protect another and a figure built on a hidden
    count read ``":"``. On its own a table is not linked to the others; :func:`prepare`
    applies the rules to the whole set.

    Parameters
    ----------
    name : str
        The table's name in :func:`pilot_eval.metrics.metric_tables` (``reach`` …): which
        of its columns are counts and which are built on them.
    frame : DataFrame
        The exact table.
    min_cell_size : int
        ``k``.

    Returns
    -------
    DataFrame
        Same index and columns; hidden cells hold ``"<k"`` or ``":"``.

    Examples
    --------
    >>> reach = pd.DataFrame({"enrolled": [40, 3], "completed": [10, 1],
    ...                       "completion_rate": [0.25, 1 / 3]},
    ...                      index=pd.Index(["a", "b"], name="pilot_id"))
    >>> suppress_table("reach", reach, 5)  # doctest: +NORMALIZE_WHITESPACE
             enrolled completed completion_rate
    pilot_id
    a              40        10            0.25
    b              <5        <5               :
    """
    return _apply_codes(frame, table_disclosure_codes(name, frame, min_cell_size), min_cell_size)




def _visible(text: str) -> str:
    return show_controls(text, keep=_CELL_CONTROLS)


def _safe_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells made inert for a spreadsheet, whatever the data folder holds.

    * A cell that starts like a formula (``=``, ``+``, ``-``, ``@``, tab, CR; OWASP "CSV
      injection") gets a leading ``'``. openpyxl then writes a plain string cell (it writes
      a formula for any string starting with ``=``), and Excel or LibreOffice opening the CSV
      show the text with its ``'`` instead of running it. A visible ``'`` rather than an
      invisible tab: whoever reads the cell sees that the text was changed.
    * Control characters (other than tab, line feed and CR, which a cell may hold) are
      written out as ``\\x1b`` and the like (:func:`pilot_eval.errors.show_controls`):
      openpyxl refuses them in a worksheet, and in a CSV they would reach a terminal raw.
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            values = out[col].to_numpy(object)
            if not any(isinstance(v, str) for v in values):
                continue
            out[col] = pd.Series([_safe_cell(v) for v in values], index=out.index, dtype=object)
    return out


def _safe_cell(value: object) -> object:
    if not isinstance(value, str):
        return value
    text = _visible(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Flat frame for export: index as columns, categoricals and dates as text."""
    out = frame.reset_index() if any(n is not None for n in frame.index.names) else frame.reset_index(drop=True)
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(object)
        elif pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].replace([np.inf, -np.inf], np.nan)
    return out


def prepare(tables: Mapping[str, pd.DataFrame], min_cell_size: int) -> dict[str, pd.DataFrame]:
    """Suppressed, flat, injection-safe copies of the tables.

    The privacy rules are applied to the whole set at once
    (:func:`pilot_eval.privacy.disclosure_codes`), the index becomes columns, and text
    cells that a spreadsheet would run as a formula get a leading ``'``.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        :func:`pilot_eval.metrics.metric_tables` (or some of them), exact figures.
    min_cell_size : int
        ``k``; counts ``0 < n < k`` read ``"<k"``, other hidden figures ``":"``.

    Returns
    -------
    dict of str to DataFrame
        By table name, as :func:`csv_text` and :func:`write_metrics` write them.

    Examples
    --------
    >>> reach = pd.DataFrame({"enrolled": [40, 3], "name": ["Lekse", "=1+1"]},
    ...                      index=pd.Index(["a", "b"], name="pilot_id"))
    >>> prepare({"reach": reach}, min_cell_size=5)["reach"]
      pilot_id enrolled   name
    0        a       40  Lekse
    1        b       <5  '=1+1
    """
    codes = disclosure_codes(tables, min_cell_size)
    return {name: _safe_text(_plain(_apply_codes(frame, codes[name], min_cell_size)
                                    if name in codes else frame))
            for name, frame in tables.items()}


#: The file endings :func:`write_metrics` writes; a path without an ending is a folder of
#: CSV files (one per table).
FORMATS = {".xlsx": "xlsx", ".json": "json"}


def output_format(path: str | Path) -> str:
    """What :func:`write_metrics` writes to ``path``: ``"xlsx"``, ``"json"`` or ``"csv"``.

    A name ending in ``.xlsx`` or ``.json`` is that file. A name without an ending (or an
    existing folder) is a folder that gets one CSV file per table (``reach.csv`` …). A
    name ending in ``.csv`` is refused: one file cannot hold the tables, and writing a
    folder where a file was asked for would surprise. Nothing is written.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    str

    Raises
    ------
    UsageError
        For ``.csv``, any other ending, a folder named like a file, or ``.``/``..``.

    Examples
    --------
    >>> output_format("reports/metrics.xlsx"), output_format("tables")
    ('xlsx', 'csv')
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if path.name in ("", ".", ".."):
        raise UsageError(f"Cannot write the metric tables to {str(path)!r}: name a new "
                         "folder for the CSV files (e.g. 'metrics'), or a file ending in "
                         ".xlsx or .json.")
    if suffix in FORMATS:
        if path.is_dir():
            raise UsageError(f"{str(path)!r} is a folder; give a file name ending in "
                             f"{suffix} that is not taken by a folder.")
        return FORMATS[suffix]
    if suffix == ".csv":
        folder = path.with_suffix("")
        raise UsageError(f"Cannot write {path.name!r}: the CSV export is one file per table, "
                         f"in a folder. Give a folder name without an ending, e.g. "
                         f"{str(folder)!r} (writes {folder.name}/reach.csv, "
                         f"{folder.name}/cost.csv …), or a file ending in .xlsx or .json.")
    if suffix and not path.is_dir():
        raise UsageError(f"Cannot write {path.name!r}: use a file name ending in .xlsx or "
                         ".json, or a folder name without an ending for CSV files.")
    if path.exists() and not path.is_dir():
        raise UsageError(f"{str(path)!r} is a file; the CSV export needs a folder. Give a "
                         "new folder name.")
    return "csv"


def check_output_path(path: str | Path) -> Path:
    """``path`` as a :class:`~pathlib.Path` when :func:`output_format` accepts it.

    Parameters
    ----------
    path : str or Path
        Where :func:`write_metrics` is to write (nothing is written here).

    Returns
    -------
    Path

    Raises
    ------
    UsageError
        When :func:`output_format` refuses ``path``.

    Examples
    --------
    >>> check_output_path("reports/metrics.json").name
    'metrics.json'
    >>> check_output_path("metrics.csv")
    Traceback (most recent call last):
    ...
    pilot_eval.errors.UsageError: Cannot write 'metrics.csv': the CSV export is one file per ...
    """
    output_format(path)
    return Path(path)


def write_metrics(tables: Mapping[str, pd.DataFrame], path: str | Path, *, min_cell_size: int,
                  language: str = "nb", as_of: Any = None, agreement: Agreement | None = None,
                  excel_csv: bool = False) -> Path:
    """Write the metric tables, privacy rules applied, to a workbook, JSON or CSV files.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        :func:`pilot_eval.metrics.metric_tables`, exact figures.
    path : str or Path
        ``FILE.xlsx``: a workbook for people (headers, words and number formats in
        ``language``, a first sheet saying what every sheet and column means).
        ``FILE.json``: ``{table: [records]}`` with the code names and codes, for programs
        (the changes section of the next report reads it). A name without an ending: a
        folder with one CSV file per table, named after the table, with the key columns
        (``pilot_id`` …) and the code names as headers. See :func:`output_format`.
    min_cell_size : int
        ``k``; counts ``0 < n < k`` read ``"<k"``, other hidden figures ``":"``.
    language : {"nb", "en"}, default "nb"
        Of the workbook only; JSON and CSV files are the same in both.
    as_of : date-like, optional
        The date the figures are for, on the workbook's first sheet; by default the
        portfolio table's ``as_of``.
    agreement : Agreement, optional
        Named with its municipality and period on the first sheet; by default the
        portfolio table's agreement name.
    excel_csv : bool, default False
        CSV for Excel with Norwegian settings: semicolons, decimal comma, UTF-8 with a
        byte-order mark. Otherwise commas, decimal points, UTF-8.

    Returns
    -------
    Path
        ``path``, written atomically: a reader sees the old file (or folder) or the new,
        never half of one.

    Examples
    --------
    >>> import tempfile
    >>> reach = pd.DataFrame({"enrolled": [40, 3]}, index=pd.Index(["a", "b"], name="pilot_id"))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = write_metrics({"reach": reach}, Path(tmp) / "tables", min_cell_size=5)
    ...     print(folder.joinpath("reach.csv").read_text(encoding="utf-8"), end="")
    pilot_id,enrolled
    a,40
    b,<5
    """
    return write_metric_files(tables, [path], min_cell_size=min_cell_size, language=language,
                              as_of=as_of, agreement=agreement, excel_csv=excel_csv)[0]


def write_metric_files(tables: Mapping[str, pd.DataFrame], paths: Sequence[str | Path], *,
                       min_cell_size: int, language: str = "nb", as_of: Any = None,
                       agreement: Agreement | None = None, excel_csv: bool = False
                       ) -> list[Path]:
    """Write the metric tables to several files as :func:`write_metrics`, with the privacy
    rules worked out once: a report set's ``metrics.xlsx`` for people and
    ``metrics.json`` for the next report's comparison (:mod:`pilot_eval.present.changes`).

    Every path is checked before anything is written.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        :func:`pilot_eval.metrics.metric_tables`, exact figures.
    paths : sequence of str or Path
        Each as the ``path`` of :func:`write_metrics`.
    min_cell_size, language, as_of, agreement, excel_csv
        As for :func:`write_metrics`.

    Returns
    -------
    list of Path
        ``paths``, each written atomically.

    Examples
    --------
    >>> import json, tempfile
    >>> reach = pd.DataFrame({"enrolled": [40, 3]}, index=pd.Index(["a", "b"], name="pilot_id"))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     written = write_metric_files({"reach": reach}, [Path(tmp) / "metrics.json",
    ...                                  Path(tmp) / "metrics.xlsx"], min_cell_size=5)
    ...     print(json.loads(written[0].read_text(encoding="utf-8"))["reach"])
    ...     print([path.name for path in written], written[1].stat().st_size > 0)
    [{'pilot_id': 'a', 'enrolled': 40}, {'pilot_id': 'b', 'enrolled': '<5'}]
    ['metrics.json', 'metrics.xlsx'] True
    """
    fmt.check_language(language)
    checked = [(Path(p), output_format(p)) for p in paths]
    for path, kind in checked:
        if kind == "csv":
            _check_csv_folder(path)
    flat = prepare(tables, min_cell_size)
    about = _About.of(tables, min_cell_size, language, as_of, agreement)
    out = []
    for path, kind in checked:
        if kind == "xlsx":
            out.append(atomic_write_bytes(path, _workbook_bytes(flat, tables, about)))
        elif kind == "json":
            out.append(atomic_write_bytes(path, _json_bytes(flat)))
        else:
            out.append(_write_csv_folder(flat, path, excel=excel_csv))
    return out


# --------------------------------------------------------------------------- JSON


def _json_bytes(flat: Mapping[str, pd.DataFrame]) -> bytes:
    # metrics.json is read by the next report (present/changes.py): keep it byte for byte
    data = {name: json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
            for name, frame in flat.items()}
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


# --------------------------------------------------------------------------- CSV


def _check_csv_folder(path: Path) -> None:
    """Refuse to replace a folder that holds anything but CSV files (an earlier export)."""
    if not path.is_dir():
        return
    other = sorted(p.name for p in path.iterdir()
                   if not (p.is_file() and not p.is_symlink() and p.suffix == ".csv"))
    if other:
        raise UsageError(f"The folder {str(path)!r} holds other things than CSV files "
                         f"({', '.join(repr(n) for n in other[:3])}"
                         f"{' …' if len(other) > 3 else ''}); the export replaces the whole "
                         "folder, so give a new folder name (or one of an earlier export).")


def _csv_number(value: Any) -> Any:
    """A float with a decimal comma (as text); anything else as it is."""
    if isinstance(value, (float, np.floating)) and not isinstance(value, bool):
        return None if np.isnan(value) else repr(float(value)).replace(".", ",")
    return value


def csv_text(frame: pd.DataFrame, *, excel: bool = False) -> str:
    """One prepared table (:func:`prepare`) as CSV text, without row positions.

    Plain: commas, decimal points, ``\\n``. ``excel``: what Excel with Norwegian settings
    opens as columns and numbers: semicolons, decimal commas, ``\\r\\n``. Empty cells are
    figures not computed; ``"<5"`` and ``":"`` are hidden ones.

    Parameters
    ----------
    frame : DataFrame
        A table of :func:`prepare` (key columns as columns, not as index).
    excel : bool, default False
        Excel's Norwegian CSV rather than plain CSV.

    Returns
    -------
    str

    Examples
    --------
    >>> frame = pd.DataFrame({"pilot_id": ["a"], "completion_rate": [0.75]})
    >>> csv_text(frame, excel=True)
    'pilot_id;completion_rate\\r\\na;0,75\\r\\n'
    """
    if not excel:
        return frame.to_csv(index=False, lineterminator="\n")
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]) or out[col].dtype == object:
            out[col] = out[col].astype(object).map(_csv_number)
    return out.to_csv(index=False, sep=";", lineterminator="\r\n")


def _write_csv_folder(flat: Mapping[str, pd.DataFrame], path: Path, *, excel: bool) -> Path:
    encoding = "utf-8-sig" if excel else "utf-8"  # the BOM tells Excel it is UTF-8
    with atomic_directory(path) as staging:
        for name, frame in flat.items():
            (staging / f"{name}.csv").write_bytes(csv_text(frame, excel=excel).encode(encoding))
    return path


# --------------------------------------------------------------------------- workbook

#: Excel number formats by column kind (present/columns.py); Excel shows them with the
#: reader's own separators ("1 234 567 kr" in Norwegian Excel).
NUMBER_FORMATS: dict[str, str] = {
    "nok": '#,##0 "kr"', "count": "#,##0", "ratio": "0.00", "number": "#,##0.00",
    "quantity": "#,##0.0", "p_value": "0.000", "year": "0", "mixed": "General",
    "share": "0.0 %", "date": "dd.mm.yyyy",
}
_EN_FORMATS = {"share": "0.0%", "date": "yyyy-mm-dd"}
_NUMERIC_KINDS = frozenset(NUMBER_FORMATS) - {"date"}
_WORD_KINDS = frozenset({"status", "recommendation", "evidence", "code", "flag"})

_ABOUT = {
    "sheet": ("Om tabellene", "About the tables"),
    "title": ("Nøkkeltall for {name}", "Metric tables for {name}"),
    "as_of": ("Status per {date}.", "Status as of {date}."),
    "agreement": ("Samarbeidsavtale: {name}, {municipality}, {start}–{end}.",
                  "Agreement: {name}, {municipality}, {start}–{end}."),
    "marks": ("Tegn i cellene", "Marks in the cells"),
    "primary": ("Færre enn {k} personer: skjult av personvernhensyn.",
                "Fewer than {k} people: suppressed for privacy."),
    "hidden": ("Skjult så et lite tall ikke kan regnes ut (det kan selv være lite), eller "
               "bygd på et skjult tall (Statistisk sentralbyrås tegn for «vises ikke av "
               "konfidensialitetshensyn»).",
               "Hidden so that a small figure cannot be worked out (it may be small itself), "
               "or built on a hidden one (Statistics Norway's mark for 'not shown for reasons "
               "of confidentiality')."),
    "empty": ("(tom)", "(empty)"),
    "empty_text": ("Ikke beregnet: for lite data, eller gjelder ikke.",
                   "Not computed: too little data, or does not apply."),
    "source_label": ("Kilde", "Source"),
    "source": ("Data fra pilotene og kommunen, beregnet med pilot_eval {version}. "
               "Beregningene: docs/metrics.md. Personvern: docs/privacy.md. De samme "
               "tabellene med kodenavn: metrics.json.",
               "Data from the pilots and the municipality, computed with pilot_eval "
               "{version}. The computations: docs/metrics.md. Privacy: docs/privacy.md. The "
               "same tables with code names: metrics.json."),
    "codes": ("Koder", "Codes"),
    "codes_text": ("Grunner og merknader står som setningene rapportene bruker; andre koder "
                   "forklarer docs/metrics.md.",
                   "Reasons and notes read as the reports' sentences; docs/metrics.md "
                   "explains other codes."),
    "columns_title": ("Arkene og kolonnene", "The sheets and columns"),
    "yes": ("ja", "yes"), "no": ("nei", "no"),
    "page": ("Side &P av &N", "Page &P of &N"),
}

_COLUMN_HEADS = (("Ark", "Kolonne", "Navn i CSV og JSON", "Hva det er", "Format"),
                 ("Sheet", "Column", "Name in CSV and JSON", "What it is", "Format"))


@dataclass(frozen=True)
class _About:
    language: str
    k: int
    as_of: str  # in words, or "" when unknown
    name: str
    agreement_line: str

    @classmethod
    def of(cls, tables: Mapping[str, pd.DataFrame], k: int, language: str, as_of: Any,
           agreement: Agreement | None) -> _About:
        i = _i(language)
        portfolio = tables.get("portfolio")
        if as_of is None and portfolio is not None and "as_of" in portfolio.columns \
                and len(portfolio):
            as_of = portfolio["as_of"].iloc[0]
        name = agreement.name if agreement is not None else ""
        if not name and portfolio is not None and len(portfolio) \
                and "agreement" in (portfolio.index.names or []):
            name = str(portfolio.index.get_level_values("agreement")[0])
        line = ""
        if agreement is not None:
            line = _ABOUT["agreement"][i].format(
                name=agreement.name, municipality=agreement.municipality,
                start=fmt.date(agreement.start, language=language),
                end=fmt.date(agreement.end, language=language))
        when = fmt.date(as_of, language=language) if as_of is not None else ""
        return cls(language, int(k), "" if when == fmt.MISSING else when,
                   _visible(name), _visible(line))


def _i(language: str) -> int:
    return 0 if language == "nb" else 1


def _word(kind: str, column_name: str, value: Any, language: str,
          table_name: str | None = None) -> Any:
    """A code as the reports write it (the marks and missing values stay as they are)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, str) and (value == HIDDEN_MARK or value.startswith("<")):
        return value
    if kind == "flag":
        return _ABOUT["yes" if bool(value) else "no"][_i(language)]
    if kind == "status":
        return text.status_word(value, language)
    if kind == "recommendation":
        return text.recommendation_word(value, language)
    if kind == "evidence":
        return text.evidence_word(value, language)
    words = columns.CODE_WORDS.get(column_name, {}).get(str(value))
    if words:
        return words[_i(language)]
    said = columns.code_sentence(column_name, value, language, table_name=table_name)
    return value if said is None else said


def _cell_value(kind: str, column_name: str, value: Any, language: str,
                table_name: str | None = None) -> Any:
    """What a workbook cell holds: numbers as numbers, dates as dates, codes as words."""
    if kind in _WORD_KINDS:
        return _word(kind, column_name, value, language, table_name)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.bool_, bool)):
        return _word("flag", column_name, bool(value), language)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if not np.isfinite(value) else float(value)
    if kind == "date" and isinstance(value, str) and len(value) == 10:
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _display_width(kind: str, value: Any) -> int:
    """About how many characters a cell shows, to size its column."""
    if value is None:
        return 0
    if isinstance(value, str):
        return max((len(line) for line in value.splitlines()), default=0)
    if isinstance(value, _dt.date):
        return 10
    if kind == "nok":
        return len(f"{value:,.0f}") + 3
    if kind == "share":
        return len(f"{value * 100:.1f}") + 2
    if kind in ("count", "year"):
        return len(f"{value:,.0f}")
    if kind == "quantity":
        return len(f"{value:,.1f}")
    if kind in ("ratio", "number", "p_value"):
        return len(f"{value:,.2f}") + (1 if kind == "p_value" else 0)
    return min(len(repr(value)), 12)


_HEADER_FILL = "DCE6F0"
_MAX_WIDTH = 50


def _unique_sheet_names(names: Sequence[str], language: str) -> dict[str, str]:
    taken = {_ABOUT["sheet"][_i(language)].lower()}
    out = {}
    for name in names:
        base = re.sub(r"[\[\]:*?/\\]", "_", columns.table(name, language).header)[:31]
        title, n = base, 2
        while title.lower() in taken:  # Excel compares sheet names without case
            suffix = f" ({n})"
            title, n = base[:31 - len(suffix)] + suffix, n + 1
        taken.add(title.lower())
        out[name] = title
    return out


def _key_count(name: str, frame: pd.DataFrame, flat: pd.DataFrame) -> int:
    """How many leading columns identify a row (frozen with the header)."""
    named = [n for n in frame.index.names if n is not None]
    if named:
        return len(named)
    keys = 0
    for col in flat.columns:
        if columns.column(name, col).kind not in ("key", "code"):
            break
        keys += 1
    return keys


#: Column-width units (about one character each) that fit across an A4 landscape page
#: without shrinking the print below about 60 %: a wider sheet prints on more pages across
#: (its id columns repeated), not in a type nobody can read.
_UNITS_PER_PAGE = 250


def _pages_across(sheet: Any) -> int:
    from openpyxl.utils import get_column_letter

    total = sum(sheet.column_dimensions[get_column_letter(j)].width or 13
                for j in range(1, sheet.max_column + 1))
    return max(1, -(-int(total) // _UNITS_PER_PAGE))


def _print_setup(sheet: Any, *, landscape: bool, title_cols: str | None, header: str,
                 language: str) -> None:
    """A4, fit to the page's width, or to a few pages across for a very wide sheet (as many
    pages down as it takes), header row (and the id columns) repeated on every page, page
    numbers; margins that keep the running header clear of the table."""
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = _pages_across(sheet) if landscape else 1
    sheet.page_setup.fitToHeight = 0  # 0: as many pages down as needed
    sheet.print_options.gridLines = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.85
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    if title_cols is not None:
        sheet.print_title_rows = "1:1"
        sheet.print_title_cols = title_cols
    sheet.oddHeader.center.text = header.replace("&", "&&")
    sheet.oddFooter.center.text = _ABOUT["page"][_i(language)]


def _write_table(sheet: Any, name: str, frame: pd.DataFrame, flat: pd.DataFrame,
                 about: _About) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    language = about.language
    described = [columns.column(name, col, language) for col in flat.columns]
    formats = {**NUMBER_FORMATS, **(_EN_FORMATS if language == "en" else {})}
    bold, fill = Font(bold=True), PatternFill("solid", fgColor=_HEADER_FILL)
    under = Border(bottom=Side(style="thin"))
    header_align = Alignment(wrap_text=True, vertical="top")
    right, wrap = Alignment(horizontal="right"), Alignment(wrap_text=True, vertical="top")
    sheet.append([d.header for d in described])
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment, cell.border = bold, fill, header_align, under
    widths = [0] * len(described)
    values = [flat[col].astype(object).to_numpy() for col in flat.columns]
    for r in range(len(flat)):
        row = [_cell_value(d.kind, col, values[j][r], language, name)
               for j, (d, col) in enumerate(zip(described, flat.columns, strict=True))]
        sheet.append(row)
        for j, (d, value) in enumerate(zip(described, row, strict=True)):
            widths[j] = max(widths[j], _display_width(d.kind, value))
            if value is None:
                continue
            cell = sheet.cell(r + 2, j + 1)
            if isinstance(value, str):
                if d.kind in _NUMERIC_KINDS or d.kind == "date":
                    cell.alignment = right  # a mark lines up with the numbers beside it
                elif len(value) > _MAX_WIDTH or "\n" in value:
                    cell.alignment = wrap
            elif d.kind in formats:
                cell.number_format = formats[d.kind]
    lines = 1
    for j, d in enumerate(described):
        longest_word = max((len(w) for w in d.header.split()), default=0)
        width = min(_MAX_WIDTH, max(6, widths[j], longest_word, min(len(d.header), 14)) + 2)
        sheet.column_dimensions[get_column_letter(j + 1)].width = width
        lines = max(lines, -(-len(d.header) // max(1, int(width) - 2)))
    sheet.row_dimensions[1].height = 15 * min(lines, 4)
    keys = min(_key_count(name, frame, flat), 2, len(described))
    sheet.freeze_panes = sheet.cell(2, keys + 1).coordinate
    if len(described):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(described))}{len(flat) + 1}"
    title_cols = f"A:{get_column_letter(keys)}" if keys else None
    _print_setup(sheet, landscape=True, title_cols=title_cols,
                 header=" – ".join(p for p in (sheet.title, about.as_of) if p),
                 language=language)
    if title_cols is None:
        sheet.print_title_rows = "1:1"


def _lines(length: int, width: float) -> int:
    return -(-length // max(1, int(width) - 4))  # a little slack: words do not break mid-way


def _fit_height(sheet: Any, row: int, length: int, width: float) -> None:
    lines = _lines(length, width)
    if lines > 1:
        sheet.row_dimensions[row].height = 15 * lines


def _write_about(sheet: Any, flat: Mapping[str, pd.DataFrame], names: Mapping[str, str],
                 about: _About) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    from .. import __version__

    i, language = _i(about.language), about.language
    a = {key: pair[i] for key, pair in _ABOUT.items()}
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    sheet.append([a["title"].format(name=about.name) if about.name else a["sheet"]])
    sheet["A1"].font = Font(bold=True, size=14)
    if about.as_of:
        sheet.append([a["as_of"].format(date=about.as_of)])
    if about.agreement_line:
        sheet.append([about.agreement_line])
    sheet.append([])
    sheet.append([a["marks"]])
    sheet.cell(sheet.max_row, 1).font = bold
    sheet.append([f"<{about.k}", a["primary"].format(k=about.k)])
    sheet.append([HIDDEN_MARK, a["hidden"]])
    sheet.append([a["empty"], a["empty_text"]])
    sheet.append([a["codes"], a["codes_text"]])
    sheet.append([a["source_label"], a["source"].format(version=__version__)])
    sheet.append([])
    sheet.append([a["columns_title"]])
    sheet.cell(sheet.max_row, 1).font = bold
    sheet.append(list(_COLUMN_HEADS[i]))
    header_row = sheet.max_row
    fill = PatternFill("solid", fgColor=_HEADER_FILL)
    for cell in sheet[header_row]:
        cell.font, cell.fill = bold, fill
    for name, frame in flat.items():
        described = columns.table(name, language)
        sheet.append([names[name], None, None, described.about])
        sheet.cell(sheet.max_row, 1).font = bold
        for col in frame.columns:
            d = columns.column(name, col, language)
            sheet.append([names[name], d.header, col, d.about,
                          columns.KIND_WORDS.get(d.kind, (d.kind, d.kind))[i]])
    widths = dict(zip("ABCDE", (26, 30, 30, 70, 16), strict=True))
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    # The lines above the column list span the sheet; a spreadsheet does not size rows to
    # wrapped text it did not lay out itself, so every wrapped row gets its height here.
    for r in range(1, header_row - 1):
        first, second = sheet.cell(r, 1), sheet.cell(r, 2)
        if second.value is None and first.value is not None:
            sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
        elif second.value is not None:
            sheet.merge_cells(start_row=r, start_column=2, end_row=r, end_column=5)
            second.alignment = wrap
            _fit_height(sheet, r, len(str(second.value)), sum(widths.values()) - widths["A"])
    for r in range(header_row + 1, sheet.max_row + 1):
        lines = 1
        for letter in "ABCDE":
            cell = sheet[f"{letter}{r}"]
            if isinstance(cell.value, str) and len(cell.value) > widths[letter] - 2:
                cell.alignment = wrap
                lines = max(lines, _lines(len(cell.value), widths[letter]))
        if lines > 1:
            sheet.row_dimensions[r].height = 15 * lines
    sheet.freeze_panes = None
    _print_setup(sheet, landscape=False, title_cols=None,
                 header=" – ".join(p for p in (a["sheet"], about.as_of) if p),
                 language=language)


def _workbook_bytes(flat: Mapping[str, pd.DataFrame], tables: Mapping[str, pd.DataFrame],
                    about: _About) -> bytes:
    from openpyxl import Workbook

    from .. import __version__

    i = _i(about.language)
    book = Workbook()
    names = _unique_sheet_names(list(flat), about.language)
    first = book.active
    first.title = _ABOUT["sheet"][i]
    for name, frame in flat.items():
        _write_table(book.create_sheet(names[name]), name, tables[name], frame, about)
    _write_about(first, flat, names, about)
    book.properties.title = _ABOUT["title"][i].format(name=about.name) if about.name \
        else _ABOUT["sheet"][i]
    book.properties.creator = f"pilot_eval {__version__}"
    book.properties.language = ("nb-NO", "en-GB")[i]
    buffer = _io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
