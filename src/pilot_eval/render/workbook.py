"""Export metric tables: Excel workbook, one tidy CSV, or JSON — privacy rules applied.

Exports follow the report's privacy rules (DESIGN §4): counts below ``min_cell_size``
become ``"<5"`` (complementary suppression within each pilot so totals cannot reveal
them), and rates, means and money figures built on fewer people are left empty. Text
cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) are
prefixed with ``'`` (OWASP "CSV injection").
"""

from __future__ import annotations

import io as _io
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import UsageError, show_controls
from ..io import atomic_write_bytes
from ..privacy import suppression_mask

#: Count columns; each is hidden below min_cell_size.
COUNT_COLUMNS = frozenset({
    "participants", "completers", "enrolled", "active", "completed", "dropped_out", "moved",
    "exited_other", "overlap", "n_pilot", "n_comparison", "n_baseline", "n_missing_followup",
    "n_missing_followup_active", "outcome_n", "n_measured", "successes", "enrolments",
    "citizens_reached", "citizens_in_several_pilots",
})
#: Counts that add up to a shown total within a row: complementary suppression among them.
ROW_PARTS = ("active", "completed", "dropped_out", "moved", "exited_other")
#: Per table: derived column → the count it is built on (hidden when that count is small
#: or hidden). ``*`` = every other numeric column of the table.
DERIVED: dict[str, dict[str, str]] = {
    "cost": {"cost_per_participant_nok": "participants", "cost_per_completer_nok": "completers"},
    "reach": {"completion_rate": "completed", "median_days_in_programme": "enrolled",
              "hours_per_participant": "enrolled", "coverage_share": "enrolled",
              "reach_target_share": "enrolled", "session_hours": "enrolled"},
    "reach_by_area": {"share": "enrolled"},
    "reach_by_gender": {"share": "enrolled"},
    "reach_by_age_group": {"share": "enrolled"},
    "outcomes": {"*": "n_pilot"},
    "value_for_money": {"*": "n_measured"},
    "sensitivity": {},
    "scorecard": {"outcome_improvement": "outcome_n", "outcome_ci_low": "outcome_n",
                  "outcome_ci_high": "outcome_n", "reach_ratio": "enrolled"},
}
_GROUPED = {"reach_by_area", "reach_by_gender", "reach_by_age_group"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CELL_CONTROLS = "\t\n\r"  # legal in a cell and meant as written


def suppress_table(name: str, frame: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    """Apply the privacy rules to one metric table (a copy; numbers stay numbers)."""
    out = frame.copy()
    hidden = pd.DataFrame(False, index=out.index, columns=out.columns)
    counts = [c for c in out.columns if c in COUNT_COLUMNS]
    for col in counts:
        values = pd.to_numeric(out[col], errors="coerce")
        if name in _GROUPED and isinstance(out.index, pd.MultiIndex):
            hidden[col] = suppression_mask(values, min_cell_size, groups=out.index.names[0]).to_numpy()
        else:
            hidden[col] = ((values > 0) & (values < min_cell_size)).to_numpy()
    parts = [c for c in ROW_PARTS if c in out.columns]
    if len(parts) > 1:  # one hidden part of a row total → hide the smallest other part
        block = out[parts].apply(pd.to_numeric, errors="coerce")
        one_hidden = hidden[parts].sum(axis=1) == 1
        candidates = block.where(~hidden[parts] & (block > 0)).to_numpy(dtype=float, na_value=np.inf)
        smallest = candidates.argmin(axis=1)
        has_candidate = np.isfinite(candidates.min(axis=1))
        for i, col in enumerate(parts):
            hidden.loc[one_hidden & has_candidate & (smallest == i), col] = True
    rules = DERIVED.get(name, {})
    numeric = [c for c in out.columns if pd.api.types.is_numeric_dtype(out[c]) and c not in counts]
    for col in numeric:
        base = rules.get(col, rules.get("*"))
        if base is None or base not in out.columns:
            continue
        n = pd.to_numeric(out[base], errors="coerce")
        hidden[col] = ((n < min_cell_size) | hidden[base]).to_numpy()
    for col in out.columns:
        if hidden[col].any():
            label = f"<{min_cell_size}" if col in counts else None
            out[col] = out[col].astype(object).where(~hidden[col], label)
    return out


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
    return {name: _safe_text(_plain(suppress_table(name, frame, min_cell_size)))
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
    path = check_output_path(path)
    suffix = path.suffix.lower()
    flat = prepare(tables, min_cell_size)
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
