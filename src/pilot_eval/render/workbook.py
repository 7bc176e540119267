"""Export metric tables: Excel workbook, one tidy CSV, or JSON — privacy rules applied.

Exports follow the report's privacy rules (DESIGN §4, docs/privacy.md), from the one
model :func:`pilot_eval.privacy.disclosure_codes`: counts below ``min_cell_size`` become
``"<5"``; counts hidden so that a total, share or rate cannot reveal them, and rates,
means, values and costs built on a hidden count, become ``":"``. Text
cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) are
prefixed with ``'`` (OWASP "CSV injection").
"""

from __future__ import annotations

import io as _io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import UsageError, show_controls
from ..io import atomic_write_bytes
from ..privacy import PRIMARY, SHOWN, disclosure_codes, table_disclosure_codes

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
    applies the rules to the whole set."""
    return _apply_codes(frame, table_disclosure_codes(name, frame, min_cell_size), min_cell_size)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
            s = out[col].astype(object)
            is_text = s.map(lambda v: isinstance(v, str))  # bounded: metric tables are small
            if not is_text.any():
                continue
            text = s[is_text].astype(str).map(_visible)
            risky = text.str.startswith(_FORMULA_START)
            s[is_text] = text.where(~risky, "'" + text)
            out[col] = s
    return out


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
    """Suppressed, flat, injection-safe copies of the tables."""
    codes = disclosure_codes(tables, min_cell_size)
    return {name: _safe_text(_plain(_apply_codes(frame, codes[name], min_cell_size)
                                    if name in codes else frame))
            for name, frame in tables.items()}


def check_output_path(path: str | Path) -> Path:
    """Refuse an export file name whose ending is not .xlsx, .csv or .json."""
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".csv", ".json"):
        raise UsageError(f"Cannot write {path.name!r}: use a file name ending in .xlsx, .csv or .json.")
    return path


def write_metrics(tables: Mapping[str, pd.DataFrame], path: str | Path, *, min_cell_size: int) -> Path:
    """Write the metric tables to ``.xlsx`` (a sheet each), ``.csv`` (one long table:
    ``table, row, column, value``) or ``.json`` (``{table: [records]}``), atomically."""
    return _write(prepare(tables, min_cell_size), check_output_path(path))


def write_metric_files(tables: Mapping[str, pd.DataFrame], paths: Sequence[str | Path], *,
                       min_cell_size: int) -> list[Path]:
    """Write the metric tables to several files (as :func:`write_metrics`), with the privacy
    rules worked out once: a report set's ``metrics.xlsx`` for people and
    ``metrics.json`` for the next report's comparison (:mod:`pilot_eval.present.changes`)."""
    checked = [check_output_path(p) for p in paths]
    flat = prepare(tables, min_cell_size)
    return [_write(flat, path) for path in checked]


def _write(flat: Mapping[str, pd.DataFrame], path: Path) -> Path:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        buffer = _io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            for name, frame in flat.items():
                frame.to_excel(writer, sheet_name=name[:31], index=False)
                sheet = writer.sheets[name[:31]]
                sheet.freeze_panes = "B2"
                for i, col in enumerate(frame.columns, start=1):
                    width = min(40, max(10, len(str(col)) + 2))
                    sheet.column_dimensions[sheet.cell(1, i).column_letter].width = width
        return atomic_write_bytes(path, buffer.getvalue())
    if suffix == ".json":
        data = {name: json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
                for name, frame in flat.items()}
        return atomic_write_bytes(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    long = []
    for name, frame in flat.items():
        melted = (frame.reset_index(names="__row").melt(id_vars="__row", var_name="__column",
                                                          value_name="__value")
                  .set_axis(["row", "column", "value"], axis=1))
        melted.insert(0, "table", name)
        long.append(melted)
    text = pd.concat(long, ignore_index=True).to_csv(index=False)
    return atomic_write_bytes(path, text.encode("utf-8"))
