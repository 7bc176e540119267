"""Take a delivery into a data folder: check it, show what it changes, keep it on record.

A delivery is a pilot's *whole* data so far (the reporting workbook grows; see
``docs/intake.md``): for every table it delivers, the pilot's rows in the data folder are
replaced by the delivery's rows. So a second delivery of the same file changes nothing,
and a row missing from a delivery is a removal that is shown, never silent.

The steps, all-or-nothing:

1. the data folder must be valid as it is (``validate``);
2. the delivery is read and checked in memory with the same rules as ``validate``, on
   the folder as it would be after the delivery, plus intake's own: rows of another
   pilot, dates outside the pilot or in the future, participants who vanished since the
   last delivery. Identity numbers are refused before anything is written anywhere;
3. with any error, nothing is merged (a feedback workbook may say what to mend);
4. else the folder is rebuilt beside itself (unchanged files hard-linked), checked once
   more, and switched in as a whole (:func:`pilot_eval.io.switch_folder`), with the
   delivery's bytes, its changes and one line in ``deliveries/log.jsonl``. A lock keeps
   two intakes into one folder apart; an interrupted intake leaves the folder as it was.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import fcntl
import getpass
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..dataset import _check_folder, only_header
from ..errors import (
    DataValidationError,
    UsageError,
    concat_problems,
    count_problems,
    grouped,
    problems_frame,
)
from ..io import atomic_write_bytes, find_table, switch_folder
from ..schema import (
    TABLES,
    Problems,
    TypedTable,
    check_table,
    check_text_cells,
    cross_checks,
    type_table,
)
from . import spec
from .read import Delivery, read_delivery

__all__ = ["DELIVERIES", "LOG_NAME", "IntakeResult", "change_lines", "diff_rows",
           "feedback_path", "for_people", "read_log", "take_delivery"]

#: Folder inside the data folder that keeps every accepted delivery, and its log.
DELIVERIES = "deliveries"
LOG_NAME = "log.jsonl"
#: Delivery rows are indexed from here in the combined tables checked together with the
#: folder's rows, so a problem's row says whether it is the delivery's (and which).
_DELIVERY_ROW_OFFSET = 1 << 40
#: How long an intake waits for another one into the same folder to finish.
LOCK_WAIT_SECONDS = 30.0
#: Change lines printed (all are stored with the delivery).
SHOWN_CHANGES = 15


@dataclass
class IntakeResult:
    """What an intake found and did.

    Attributes
    ----------
    pilot_id : the pilot delivered for (None when it could not be told).
    problems : every problem (the project's problem columns; for a workbook ``file`` is
        the sheet and ``row`` the Excel row), plus ``cell`` (``"C7"``) where known.
    changes : one row per change: ``table, change`` (added, changed, removed), ``key``,
        ``column, old, new`` (for changed cells), ``date``, ``correction`` (dated on or
        before the last date of the previous delivery), ``row`` (the delivery's row).
    accepted : the rows were merged (False on errors, on a dry run, or when nothing changed).
    unchanged : the delivery holds exactly the data the folder already has.
    record : the stored copy of the delivery (when accepted).
    """

    pilot_id: str | None
    file: Path
    problems: pd.DataFrame
    changes: pd.DataFrame
    accepted: bool = False
    unchanged: bool = False
    dry_run: bool = False
    record: Path | None = None
    feedback: Path | None = None
    previous: dict[str, Any] | None = None
    tables: tuple[str, ...] = ()
    data_until: str | None = None
    received_at: str | None = None
    sha256: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "error"]

    def counts(self) -> pd.DataFrame:
        """Rows added, changed and removed, and corrections, per table."""
        index = pd.Index(list(self.tables), name="table")
        if self.changes.empty:
            return pd.DataFrame(0, index=index, columns=["added", "changed", "removed",
                                                         "corrections"])
        # one count per row, however many of its cells changed; a correction if any was
        rows = self.changes.groupby(["table", "change", "row_id"], sort=False)[
            "correction"].any().reset_index()
        out = pd.crosstab(rows["table"], rows["change"]).reindex(
            index=index, columns=["added", "changed", "removed"], fill_value=0)
        out["corrections"] = rows[rows["correction"]].groupby("table").size().reindex(
            index, fill_value=0)
        return out.fillna(0).astype(int)

    def summary(self, language: str = "nb") -> str:
        """The changes in a few lines, as printed and stored with the delivery."""
        return _summary_text(self, language)


# --- the lock ----------------------------------------------------------------------------

@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """One intake at a time per data folder: ``flock`` on the folder's parent directory
    (the folder itself is replaced by the intake, so it cannot hold the lock)."""
    fd = os.open(folder.resolve().parent, os.O_RDONLY)
    try:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                    raise UsageError(
                        f"Another intake into {folder} is running; try again when it has "
                        "finished.", nb=f"Et annet inntak til {folder} pågår. Prøv igjen når "
                                        "det er ferdig.") from exc
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # closing drops the lock


# --- typing and checking the delivery -----------------------------------------------------

def _type_delivery(delivery: Delivery, pilot_id: str, problems: Problems
                   ) -> dict[str, TypedTable]:
    """Type and check each delivered table on its own (cells, identity numbers)."""
    typed: dict[str, TypedTable] = {}
    for table, raw in delivery.tables.items():
        sheet = delivery.sheets[table]
        raw = raw.copy()
        if "pilot_id" in raw.columns:
            other = raw["pilot_id"].ne("") & raw["pilot_id"].ne(pilot_id)
            problems.add_rows(
                sheet, "intake.other_pilot", raw.loc[other, "pilot_id"],
                lambda v: f"Raden hører til piloten «{v}», men leveransen gjelder «{pilot_id}». "
                          "Flytt raden til riktig arbeidsbok.",
                lambda v: f"The row belongs to the pilot '{v}', but the delivery is for "
                          f"'{pilot_id}'. Move the row to the right workbook.",
                column="pilot_id")
            raw = raw.loc[~other]
        raw["pilot_id"] = pilot_id
        table_spec = TABLES[table]
        tt = type_table(table_spec, raw, sheet, delivery.sep, problems)
        check_table(table_spec, tt, problems)
        check_text_cells(table_spec, tt, problems)
        typed[table] = tt
    return typed


def _intake_rules(typed: Mapping[str, TypedTable], period: tuple[pd.Timestamp, pd.Timestamp],
                  today: pd.Timestamp, problems: Problems) -> None:
    """Dates outside the pilot's period or after today, on the delivery's rows."""
    start, end = period
    for table, tt in typed.items():
        frame = tt.frame
        for column in [c.name for c in TABLES[table].columns if c.kind == "date"]:
            if column not in tt.columns_present:
                continue
            dates = frame[column]
            shown = tt.raw[column]
            future = dates.notna() & (dates > today)
            problems.add_rows(
                tt.file, "intake.future_date", shown[future],
                "Datoen er etter dagens dato. Sjekk året og måneden.",
                "The date is after today. Check the year and the month.", column=column)
            if table == "costs":  # costs before the start may be preparation: validate warns
                continue
            if table == "outcomes":  # a comparison group may be measured outside the period
                own = frame["group"].astype(object).eq("pilot")
            else:
                own = pd.Series(True, index=frame.index)
            if column == "exited_on":
                outside = dates.notna() & (dates < start)
            else:
                outside = dates.notna() & ((dates < start) | (dates > end)) & own
            problems.add_rows(
                tt.file, "intake.outside_pilot", shown[outside & ~future],
                f"Datoen er utenfor pilotens periode ({start:%d.%m.%Y}–{end:%d.%m.%Y}). "
                "Sjekk datoen.",
                f"The date is outside the pilot's period ({start:%Y-%m-%d} to {end:%Y-%m-%d}). "
                "Check the date.", column=column)


def _combined(folder_tables: Mapping[str, TypedTable], typed: Mapping[str, TypedTable],
              pilot_id: str, folder_files: Mapping[str, str],
              missing_participants: Iterable[str] = ()) -> dict[str, TypedTable]:
    """The folder's tables as they would be: the pilot's rows replaced by the delivery's.

    ``missing_participants`` (the pilot's, missing from the delivery by mistake, each an
    error of its own) keep their folder rows, as if put back: their attendance and
    measurements are then checked as the mended delivery will be, not each reported again.
    """
    out = dict(folder_tables)
    for table, tt in typed.items():
        delivered = tt.frame.set_axis(tt.frame.index + _DELIVERY_ROW_OFFSET)
        delivered_raw = tt.raw.set_axis(tt.raw.index + _DELIVERY_ROW_OFFSET)
        current = folder_tables.get(table)
        if current is None:
            frame, raw, present = delivered, delivered_raw, set(tt.columns_present)
        else:
            keep = current.frame["pilot_id"].astype(object).ne(pilot_id)
            if table == "participants":
                keep |= current.frame["participant_id"].astype(str).isin(list(missing_participants))
            delivered = _carry_extras(table, current.frame.loc[~keep], delivered)
            # the delivery's rows first: a capped list of problems then lists them, with their
            # rows, before the folder's (the folder is written back in row order)
            frame = pd.concat([delivered, current.frame.loc[keep]])
            raw = pd.concat([delivered_raw, current.raw.loc[keep]]).fillna("")
            present = set(current.columns_present) | set(tt.columns_present)
            for column in TABLES[table].columns:  # categoricals keep their dtype
                if column.kind == "enum" and column.name in frame.columns:
                    frame[column.name] = pd.Categorical(
                        frame[column.name].astype(object), categories=list(column.choices))
        out[table] = TypedTable(table, folder_files.get(table, f"{table}.csv"), frame, raw, present)
    return out


def _carry_extras(table: str, before: pd.DataFrame, after: pd.DataFrame,
                  also: Sequence[str] = ()) -> pd.DataFrame:
    """The folder's extra columns (an analyst's notes), and the optional columns ``also``
    that the folder has and the delivery lacks (an older workbook without the cost type),
    carried over to the delivered rows they belong to: matched by key, or for attendance
    and costs as the same row (the n-th copy of a row gets the n-th copy's values). A row
    the delivery changed has none (its optional columns keep their defaults)."""
    known = {c.name for c in TABLES[table].columns}
    extra = [c for c in before.columns if c not in known] + [c for c in also if c in before]
    if not extra or before.empty or after.empty:
        return after
    sheet = spec.sheet_for(table)
    key = list(sheet.key) or [c.name for c in sheet.columns if c.name not in also]
    b, a = _comparable(before, key), _comparable(after, key)
    if not sheet.key:
        b["_n"] = b.groupby(key, sort=False).cumcount()
        a["_n"] = a.groupby(key, sort=False).cumcount()
        key = [*key, "_n"]
    b = b.drop_duplicates(key).join(before[extra])
    found = a.assign(_at=a.index).merge(b[[*key, *extra]], on=key, how="left").set_index("_at")
    carried = {c: found[c].reindex(after.index) for c in extra}
    for c in also:  # a row without a match keeps the delivery's default
        if c in carried:
            value = carried[c].astype(object).where(carried[c].notna(), after[c].astype(object))
            carried[c] = (pd.Categorical(value, categories=after[c].cat.categories)
                          if isinstance(after[c].dtype, pd.CategoricalDtype) else value)
    return after.assign(**carried)


def _with_folder_values(typed: Mapping[str, TypedTable],
                        folder_tables: Mapping[str, TypedTable], pilot_id: str
                        ) -> dict[str, TypedTable]:
    """The delivered tables with the optional columns the folder has and the delivery lacks
    (an older workbook without the cost type) taken from the folder's rows they match
    (:func:`_carry_extras`): compared, checked and merged as the folder has them, so an
    unchanged row stays unchanged instead of "removed and added" with a default."""
    out = dict(typed)
    for table, tt in typed.items():
        current = folder_tables.get(table)
        if current is None:
            continue
        lacking = [c.name for c in TABLES[table].columns if not c.required
                   and c.name in current.columns_present and c.name not in tt.columns_present]
        if not lacking:
            continue
        mine = current.frame.loc[current.frame["pilot_id"].astype(object).eq(pilot_id)]
        frame = _carry_extras(table, mine, tt.frame, also=lacking)
        known = {c.name for c in TABLES[table].columns}
        frame = frame[[c for c in frame.columns if c in known or c in tt.frame.columns]]
        out[table] = TypedTable(tt.name, tt.file, frame, tt.raw,
                                set(tt.columns_present) | set(lacking))
    return out


def _vanished(current: TypedTable | None, typed: Mapping[str, TypedTable], pilot_id: str,
              delivery: Delivery, accept_removals: bool, problems: Problems) -> set[str]:
    """Participants in the folder who are missing from the delivered participants sheet
    (returned, and each an error unless removals are accepted)."""
    if current is None or "participants" not in typed:
        return set()
    before = current.frame.loc[current.frame["pilot_id"].astype(object).eq(pilot_id),
                               "participant_id"].astype(str)
    now = set(typed["participants"].frame["participant_id"].dropna().astype(str))
    gone = before[~before.isin(now)]
    if gone.empty:
        return set()
    sheet = delivery.sheets["participants"]
    severity = "warning" if accept_removals else "error"
    after_nb = (" Fjerningen er godtatt (--accept-removals)." if accept_removals else
                " Legg raden inn igjen (en deltaker som har sluttet, får sluttdato og årsak). "
                "Skal deltakeren virkelig fjernes, må kommunen godta det.")
    after_en = (" The removal is accepted (--accept-removals)." if accept_removals else
                " Put the row back (a participant who left gets an exit date and reason). "
                "If the participant really is to be removed, the municipality must accept it.")
    problems.add_rows(
        sheet, "intake.participant_vanished",
        pd.Series(gone.to_numpy(), index=pd.Index([None] * len(gone), dtype=object)),
        lambda v: f"Deltakeren «{v}» var med i forrige leveranse, men mangler nå." + after_nb,
        lambda v: f"The participant '{v}' was in the previous delivery but is missing now."
                  + after_en,
        column="participant_id", severity=severity)
    return set(gone)


#: Removed rows (attendance, costs, measurements) beyond this many, and this share of
#: the pilot's rows in a table, are an error without --accept-removals: a workbook started
#: afresh, or a deleted block of rows, would otherwise wipe the record.
REMOVALS_ALLOWED = 5
REMOVALS_ALLOWED_SHARE = 0.1


def _removals(result: IntakeResult, typed: Mapping[str, TypedTable],
              folder_tables: Mapping[str, TypedTable], pilot_id: str, delivery: Delivery,
              accept_removals: bool) -> None:
    """Rows delivered before and missing now: a warning, or an error when many."""
    problems = Problems()
    removed = result.changes[result.changes["change"] == "removed"]
    # a delivered row with an error cannot be matched with the row it was: it would count
    # as removed too (one cause, one error); the next delivery, mended, counts exactly
    errors = result.problems[result.problems["severity"].eq("error")
                             & result.problems["row"].notna()]
    rows_in_error = errors.groupby("file")["row"].nunique()
    for table, count in removed.groupby("table").size().items():
        if table == "participants":
            continue  # each vanished participant is its own error (_vanished)
        title = delivery.sheets.get(table, table)
        count -= min(count, int(rows_in_error.get(title, 0)))
        if not count:
            continue
        current = folder_tables.get(table)
        before = 0 if current is None else int(
            current.frame["pilot_id"].astype(object).eq(pilot_id).sum())
        many = count > max(REMOVALS_ALLOWED, REMOVALS_ALLOWED_SHARE * before)
        severity = "error" if many and not accept_removals else "warning"
        rest_nb = (" Arbeidsboken skal ha med alle rader fra tidligere leveranser. Skal radene "
                   "virkelig fjernes, må kommunen godta det (pilot-eval intake "
                   "--accept-removals)." if severity == "error" else "")
        rest_en = (" The workbook must keep every row of earlier deliveries. If the rows really "
                   "are to be removed, the municipality must accept it (pilot-eval intake "
                   "--accept-removals)." if severity == "error" else "")
        (count_nb, count_en), (before_nb, before_en) = grouped(count), grouped(before)
        problems.add(title, "intake.rows_removed",
                     f"{count_nb} av {before_nb} rader som var levert før, mangler nå." + rest_nb,
                     f"{count_en} of {before_en} rows delivered before are missing now."
                     + rest_en,
                     value=int(count), severity=severity)
    if problems.records:
        result.problems = _with_cells(concat_problems([result.problems, problems.frame()]),
                                      delivery)


def _relabel(problems: pd.DataFrame, delivery: Delivery, folder_files: Mapping[str, str],
             baseline: pd.DataFrame, pilot_id: str) -> pd.DataFrame:
    """Problems of the combined tables → the delivery's sheet and Excel row; problems the
    folder already had are dropped (it was valid: they are warnings about other rows), and
    so are lines without a row about another pilot (a capped list's "… and N more rows"
    for the folder's rows of another pilot: none of them is the delivery's)."""
    if problems.empty:
        return problems
    out = problems.copy()
    sheet_of_file = {folder_files.get(t, f"{t}.csv"): s for t, s in delivery.sheets.items()}
    rows = pd.to_numeric(out["row"], errors="coerce")
    others = rows.isna() & out["pilot_id"].notna() & out["pilot_id"].ne(pilot_id)
    out, rows = out.loc[~others], rows.loc[~others]
    ours = rows >= _DELIVERY_ROW_OFFSET
    out.loc[ours, "row"] = (rows[ours] - _DELIVERY_ROW_OFFSET).astype("int64")
    out.loc[ours, "file"] = out.loc[ours, "file"].map(lambda f: sheet_of_file.get(f, f))
    no_row = rows.isna() & out["file"].isin(list(sheet_of_file))
    out.loc[no_row, "file"] = out.loc[no_row, "file"].map(sheet_of_file)
    if not baseline.empty:
        key = ["file", "row", "column", "rule"]
        seen = set(map(tuple, baseline[key].astype(str).to_numpy()))
        old = out[key].astype(str).apply(tuple, axis=1).isin(seen) & ~ours
        out = out.loc[~old]
    return out


def _column_words(problems: pd.DataFrame, delivery: Delivery) -> pd.DataFrame:
    """A message that quotes its column's name ("… and N more rows … in column 'hours'")
    names it as the delivery's sheet does ("Timer"), as the list's column does."""
    if problems.empty:
        return problems
    out = problems.copy()
    table_of = {title: table for table, title in delivery.sheets.items()}
    ours = out["file"].isin(list(table_of)) & out["column"].notna()
    for (file, column), rows in out[ours].groupby(["file", "column"], sort=False).groups.items():
        col = next((c for c in spec.sheet_for(table_of[file]).columns if c.name == column), None)
        if col is None:  # not a column of the sheet: left as written
            continue
        for lang, quoted in (("nb", "«{}»"), ("en", "'{}'")):
            message = f"message_{lang}"
            out.loc[rows, message] = out.loc[rows, message].str.replace(
                quoted.format(column), quoted.format(col.label(lang)), regex=False)
    return out


def _list_words(problems: pd.DataFrame, delivery: Delivery) -> pd.DataFrame:
    """A value not in a list: name the list's words, as the sheet shows them, not codes."""
    if problems.empty:
        return problems
    out = problems.copy()
    sheets = set(delivery.sheets.values())
    hit = out["rule"].eq("value.not_allowed") & out["file"].isin(sheets) & \
        out["column"].isin(list(spec.CHOICE_LABELS)) & out["value"].notna()
    for i in out.index[hit]:
        words = spec.CHOICE_LABELS[out.at[i, "column"]]
        value = out.at[i, "value"]
        out.at[i, "message_nb"] = (f"«{value}» er ikke et av valgene i listen: "
                                   + ", ".join(w["nb"] for w in words.values()) + ".")
        out.at[i, "message_en"] = (f"'{value}' is not one of the list's choices: "
                                   + ", ".join(w["en"] for w in words.values()) + ".")
    return out


def for_people(problems: pd.DataFrame, language: str = "nb") -> pd.DataFrame:
    """Problems as an entrepreneur reads them: the column's header label and its cell
    (``Kjønn (F5)``) instead of the data folder's English name.

    Parameters
    ----------
    problems : DataFrame
        Problems in the project's columns (``file`` the sheet title, ``column`` the
        English name), with ``cell`` where known (:attr:`IntakeResult.problems`).
    language : {"nb", "en"}
        Language of the labels.

    Returns
    -------
    DataFrame
        A copy with ``column`` as the header label and its cell.

    Examples
    --------
    >>> problems = pd.DataFrame({"file": ["Deltakere", "Kostnader"],
    ...                          "column": ["gender", "amount_nok"], "cell": ["F5", None]})
    >>> for_people(problems)["column"].tolist()
    ['Kjønn (F5)', 'Beløp (kr)']
    """
    out = problems.copy()
    labels = {}
    for sheet in spec.SHEETS:
        for title in (sheet.title_nb, sheet.title_en):
            for column in sheet.columns:
                labels[(title, column.name)] = column.label(language)
    shown = [labels.get((f, c), c) if isinstance(c, str) else c
             for f, c in zip(out["file"], out["column"])]
    cells = out["cell"] if "cell" in out.columns else pd.Series(None, index=out.index)
    out["column"] = [f"{s} ({cell})" if isinstance(cell, str) and isinstance(s, str) else s
                     for s, cell in zip(shown, cells)]
    return out


def _with_cells(problems: pd.DataFrame, delivery: Delivery) -> pd.DataFrame:
    """Add ``cell`` (e.g. ``C7``) where the sheet, row and column are known."""
    out = problems.copy()
    by_sheet = {delivery.sheets[t]: delivery.letters.get(t, {}) for t in delivery.sheets}
    cells = []
    for file, row, column in zip(out["file"], out["row"], out["column"]):
        letter = by_sheet.get(file, {}).get(column) if isinstance(column, str) else None
        cells.append(f"{letter}{int(row)}" if letter and row is not None and not pd.isna(row)
                     else None)
    out["cell"] = pd.Series(cells, index=out.index, dtype="object")
    return out


# --- what the delivery changes ------------------------------------------------------------

def _comparable(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Values as text that compares equal when the values are equal (dates, 1 vs 1.0)."""
    out = {}
    for column in columns:
        if column not in frame.columns:
            out[column] = pd.Series("", index=frame.index, dtype=object)
            continue
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            text = values.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(values) or str(values.dtype) == "boolean":
            text = values.astype(object).map({True: "true", False: "false"})
        elif pd.api.types.is_numeric_dtype(values):
            codes, uniques = pd.factorize(values.astype("float64"), use_na_sentinel=True)
            shown = np.array([_exact(float(v)) for v in uniques] + [""], dtype=object)
            text = pd.Series(shown[codes], index=values.index)  # -1 (empty) → ""
        else:
            text = values.astype(object)
        out[column] = text.astype(object).where(text.notna(), "").astype(str)
    return pd.DataFrame(out, index=frame.index)


def _exact(value: float) -> str:
    """A number as the shortest text that reads back as exactly the same number.

    >>> [_exact(v) for v in (12345678.91, 1e12, 2.0, 0.6666666666666666)]
    ['12345678.91', '1000000000000', '2', '0.6666666666666666']
    """
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def diff_rows(table: str, before: pd.DataFrame, after: pd.DataFrame, *,
              since: pd.Timestamp | None) -> pd.DataFrame:
    """Changes from ``before`` (the pilot's rows in the folder) to ``after`` (delivered).

    Tables with a key (participants, outcomes) compare row by row and list changed cells;
    the others compare rows as a whole, counting repeats (two sessions on one day stay two).
    ``since``: the last date of the previous delivery; a change dated on or before it is a
    correction to a period already reported.

    Parameters
    ----------
    table : str
        The delivered table (one of :data:`~pilot_eval.intake.spec.DELIVERED_TABLES`).
    before : DataFrame
        The pilot's rows in the data folder (typed as loaded).
    after : DataFrame
        The delivered rows; the index is the delivery's row (Excel row or file line).
    since : pandas.Timestamp or None
        The last date of the previous delivery (None: the first delivery).

    Returns
    -------
    DataFrame
        One row per change: ``table, change, key, column, old, new, date, row,
        correction, row_id`` (see :class:`IntakeResult`).

    Examples
    --------
    >>> before = pd.DataFrame({"date": pd.to_datetime(["2025-02-15", "2025-06-01"]),
    ...                        "funder": ["fund", "ferd"], "in_kind": [False, False],
    ...                        "amount_nok": [200000.0, 50000.0],
    ...                        "description": ["Første utbetaling", "Medfinansiering"]})
    >>> later = pd.DataFrame({"date": pd.to_datetime(["2025-09-01"]), "funder": ["fund"],
    ...                       "in_kind": [False], "amount_nok": [100000.0],
    ...                       "description": ["Andre utbetaling"]})
    >>> after = pd.concat([before, later], ignore_index=True).set_axis([3, 4, 5])
    >>> diff_rows("costs", before, after, since=pd.Timestamp("2025-06-30"))[
    ...     ["change", "date", "row", "correction"]]
      change       date  row  correction
    0  added 2025-09-01    5       False
    """
    sheet = spec.sheet_for(table)
    columns = [c.name for c in sheet.columns]
    key = list(sheet.key)
    date_column = sheet.date_column
    b = _comparable(before, columns).assign(_date=before[date_column].to_numpy(),
                                            _row=np.nan)
    a = _comparable(after, columns).assign(_date=after[date_column].to_numpy(),
                                           _row=after.index.to_numpy(dtype="float64"))
    records: list[pd.DataFrame] = []
    if not key:  # rows as a whole: the n-th copy of a row matches the n-th copy
        key = [*columns, "_n"]
        b["_n"] = b.groupby(columns, sort=False).cumcount()
        a["_n"] = a.groupby(columns, sort=False).cumcount()
        compare: list[str] = []
    else:
        compare = [c for c in columns if c not in key]
    merged = b.merge(a, on=key, how="outer", suffixes=("_old", "_new"), indicator=True)
    label = merged[[k for k in key if k != "_n"]].astype(str).agg(" / ".join, axis=1)
    added = merged["_merge"].eq("right_only")
    removed = merged["_merge"].eq("left_only")
    for mask, change, date, row in ((added, "added", "_date_new", "_row_new"),
                                    (removed, "removed", "_date_old", "_row_new")):
        if mask.any():
            records.append(pd.DataFrame({
                "table": table, "change": change, "key": label[mask], "column": None,
                "old": None, "new": None, "date": merged.loc[mask, date],
                "row": merged.loc[mask, row],
                "copy": merged.loc[mask, "_n"] if "_n" in merged.columns else None}))
    both = merged["_merge"].eq("both")
    for column in compare:
        moved = both & merged[f"{column}_old"].ne(merged[f"{column}_new"])
        if moved.any():
            # the date a changed cell speaks of: its own for a date, the exit's for the
            # reason of it, else the row's (an exit added later is news, not a correction)
            dated_by = _CHANGE_DATED_BY.get(column, column)
            if dated_by in compare and dated_by in _DATE_KINDS.get(table, ()):
                when = pd.concat([
                    pd.to_datetime(merged.loc[moved, f"{dated_by}_{side}"].replace("", None))
                    for side in ("old", "new")], axis=1).min(axis=1)
            else:
                when = merged.loc[moved, ["_date_old", "_date_new"]].min(axis=1)
            records.append(pd.DataFrame({
                "table": table, "change": "changed", "key": label[moved], "column": column,
                "old": merged.loc[moved, f"{column}_old"], "new": merged.loc[moved, f"{column}_new"],
                "date": when, "row": merged.loc[moved, "_row_new"], "copy": None}))
    if not records:
        return _empty_changes()
    out = pd.concat(records, ignore_index=True)
    out["date"] = pd.to_datetime(out["date"])
    out["correction"] = (out["date"].notna() & (out["date"] <= since)) if since is not None \
        else False
    out["row"] = out["row"].astype("Int64")
    out["row_id"] = (out["table"] + ":" + out["change"] + ":" + out["key"].astype(str) + ":"
                     + out["row"].astype("string").fillna("") + ":"
                     + out["copy"].astype("string").fillna("")).astype(str)
    out = out.drop(columns="copy")
    return out


_CHANGE_DATED_BY = {"exit_reason": "exited_on"}
_DATE_KINDS = {t: tuple(c.name for c in spec.sheet_for(t).columns if c.kind == "date")
               for t in spec.DATE_COLUMNS}


def _empty_changes() -> pd.DataFrame:
    return pd.DataFrame({
        "table": pd.Series(dtype=object), "change": pd.Series(dtype=object),
        "key": pd.Series(dtype=object), "column": pd.Series(dtype=object),
        "old": pd.Series(dtype=object), "new": pd.Series(dtype=object),
        "date": pd.Series(dtype="datetime64[ns]"), "row": pd.Series(dtype="Int64"),
        "correction": pd.Series(dtype=bool), "row_id": pd.Series(dtype=object)})


# --- history ------------------------------------------------------------------------------

def read_log(folder: str | Path) -> list[dict[str, Any]]:
    """The deliveries taken into ``folder``, oldest first (lines that cannot be read are
    skipped: the log is a record, never a reason to stop).

    Parameters
    ----------
    folder : str or Path
        The data folder (its log is ``deliveries/log.jsonl``).

    Returns
    -------
    list of dict
        One entry per delivery taken in; empty when there is no log.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> read_log(tmp.name)
    []
    >>> log = Path(tmp.name) / DELIVERIES / LOG_NAME
    >>> log.parent.mkdir()
    >>> _ = log.write_text('{"pilot_id": "lekse", "rows_added": 12}\\nnot json\\n')
    >>> read_log(tmp.name)
    [{'pilot_id': 'lekse', 'rows_added': 12}]
    >>> tmp.cleanup()
    """
    path = Path(folder) / DELIVERIES / LOG_NAME
    if not path.is_file():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if isinstance(entry, dict):
                entries.append(entry)
    return entries


def _previous(folder: Path, pilot_id: str) -> dict[str, Any] | None:
    mine = [e for e in read_log(folder) if e.get("pilot_id") == pilot_id]
    return mine[-1] if mine else None


def _link_tree(source: Path, target: Path) -> None:
    """``target`` as a copy of ``source`` whose files are hard links (a copy where links
    are not possible). Nothing in it may be written in place afterwards."""
    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link, symlinks=True, dirs_exist_ok=True)


def _csv_text(tt_frame: pd.DataFrame, table: str, present: Iterable[str] | None = None) -> str:
    """A table in the data folder's plain form: UTF-8, comma, ISO dates, decimal point.

    An optional column neither the folder nor the delivery had (``present``) is left out:
    written with its default it would say someone chose it (every cost "variable")."""
    shown = set(present) if present is not None else None
    columns = [c.name for c in TABLES[table].columns
               if c.required or shown is None or c.name in shown]
    extra = [c for c in tt_frame.columns if c not in columns and not str(c).startswith("_")]
    present = [c for c in columns if c in tt_frame.columns] + extra
    text = _comparable(tt_frame, present)
    return text.to_csv(index=False, lineterminator="\n")


def _changes_csv(changes: pd.DataFrame, language: str) -> str:
    """Every change as CSV text that Excel opens in columns: semicolons, and in Norwegian a
    decimal comma in the old and new values (written as text, "27.5" would open as a date).

    >>> changes = pd.DataFrame({"table": ["outcomes"], "change": ["changed"], "key": ["d-1"],
    ...                         "column": ["value"], "old": ["14"], "new": ["27.5"],
    ...                         "row_id": [0]})
    >>> print(_changes_csv(changes, "nb"), end="")
    table;change;key;column;old;new
    outcomes;changed;d-1;value;14;27,5
    """
    listed = changes.drop(columns=["row_id"], errors="ignore")
    if language == "nb":
        for column in ("old", "new"):
            if column in listed.columns:
                text = listed[column].astype("string")
                listed[column] = text.str.replace(r"^([-+]?\d+)\.(\d+)$", r"\1,\2", regex=True)
    return listed.to_csv(index=False, sep=";", decimal="," if language == "nb" else ".",
                         lineterminator="\n")


def _first_rows(folder_tables: Mapping[str, TypedTable], delivered: Iterable[str],
                pilot_id: str) -> dict[str, int]:
    """The row each delivered table's first row of the pilot is on in the folder (tables
    where the pilot has none are left out): where :func:`_in_written_order` puts the
    delivered rows."""
    out = {}
    for name in delivered:
        current = folder_tables.get(name)
        if current is None:
            continue
        rows = current.frame.index[current.frame["pilot_id"].astype(object).eq(pilot_id)]
        if len(rows):
            out[name] = int(rows.min())
    return out


def _in_written_order(frame: pd.DataFrame, start: int | None) -> pd.DataFrame:
    """A merged table in the order it is written back: the folder's rows where they were,
    the delivered rows (in the delivery's order) where the pilot's rows began, or after
    the others for a pilot's first rows. A delivery that adds a quarter's rows to last
    quarter's then shows in a diff of the folder as those rows, not as the pilot's whole
    block moved to the end.

    ``start``: the row the pilot's first row was on in the folder (None: it had none).

    >>> folder_rows = pd.DataFrame({"pilot_id": ["a", "c"]}, index=[2, 5])
    >>> delivered = pd.DataFrame({"pilot_id": ["b", "b"]},
    ...                          index=[_DELIVERY_ROW_OFFSET + 2, _DELIVERY_ROW_OFFSET + 3])
    >>> frame = pd.concat([delivered, folder_rows])
    >>> _in_written_order(frame, start=3)["pilot_id"].tolist()  # b's rows were on 3 and 4
    ['a', 'b', 'b', 'c']
    >>> _in_written_order(frame, start=None)["pilot_id"].tolist()  # b's first delivery
    ['a', 'c', 'b', 'b']
    """
    index = frame.index.to_numpy(dtype=np.int64)
    delivered = index >= _DELIVERY_ROW_OFFSET
    place = np.where(delivered, np.inf if start is None else start - 0.5, index.astype(float))
    return frame.iloc[np.lexsort((index, place))]


def feedback_path(delivery: str | Path, language: str = "nb") -> Path:
    """Where the feedback workbook goes by default: beside the delivery, never over it.

    Parameters
    ----------
    delivery : str or Path
        The delivered file.
    language : {"nb", "en"}
        Language of the name's last word.

    Returns
    -------
    Path

    Examples
    --------
    >>> feedback_path("leveranser/2025-Q3-lekse.xlsx").as_posix()
    'leveranser/2025-Q3-lekse-tilbakemelding.xlsx'
    >>> feedback_path("costs.csv", "en").name
    'costs-feedback.xlsx'
    """
    delivery = Path(delivery)
    word = "tilbakemelding" if language == "nb" else "feedback"
    return delivery.with_name(f"{delivery.stem}-{word}.xlsx")


def _stamp(now: _dt.datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ")


# --- the intake ---------------------------------------------------------------------------

def take_delivery(data_dir: str | Path, file: str | Path, *, pilot: str | None = None,
                  table: str | None = None, dry_run: bool = False,
                  accept_removals: bool = False, today: str | pd.Timestamp | None = None,
                  now: _dt.datetime | None = None) -> IntakeResult:
    """Check a delivery and, when it is clean, merge it into the data folder.

    Parameters
    ----------
    data_dir : the data folder (it must be valid as it is).
    file : a reporting workbook (``pilot-eval template``) or one table as CSV/XLSX/Parquet
        named after it (``sessions.csv``).
    pilot : the pilot delivered for; default: the one the workbook names. Required for a
        table file without a ``pilot_id`` column.
    dry_run : check and show the changes, write nothing.
    accept_removals : let participants missing since the last delivery be removed (a
        warning instead of an error).
    today, now : the date dates may not pass, and the time recorded (tests set them).

    Never raises on bad data: problems are in the result. Raises
    :class:`~pilot_eval.errors.UsageError` when the folder or the file cannot be used.

    Examples
    --------
    A pilot sends its costs again with one payment more (into a copy of a test folder):

    >>> import shutil, tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = shutil.copytree("tests/data/minimal", Path(tmp.name) / "data")
    >>> delivery = Path(tmp.name) / "costs.csv"
    >>> _ = delivery.write_text(
    ...     "date,funder,in_kind,amount_nok,description\\n"
    ...     "2025-02-15,fund,false,200000,Første utbetaling\\n"
    ...     "2025-03-01,municipality,true,15000.5,Arbeidstid rektor\\n"
    ...     "2025-06-01,ferd,false,50000,Medfinansiering\\n"
    ...     "2025-07-01,fund,false,-10000,Korrigering\\n"
    ...     "2025-09-01,fund,false,100000,Andre utbetaling\\n", encoding="utf-8")
    >>> result = take_delivery(folder, delivery, pilot="lekse", today="2026-03-01")
    >>> result.accepted, len(result.errors)
    (True, 0)
    >>> result.counts().loc["costs"].to_dict()
    {'added': 1, 'changed': 0, 'removed': 0, 'corrections': 0}
    >>> read_log(folder)[-1]["original_name"]
    'costs.csv'
    >>> tmp.cleanup()
    """
    folder = Path(data_dir)
    path = Path(file)
    if not folder.is_dir():
        raise UsageError(f"The data folder {folder} does not exist.",
                         nb=f"Fant ikke datamappen «{folder}». Sjekk stien.")
    if not path.is_file():
        raise UsageError(f"The delivery {path} does not exist or is not a file.",
                         nb=f"Fant ikke leveransen «{path}» (eller den er ikke en fil). "
                            "Sjekk stien.")
    now = now or _dt.datetime.now(_dt.timezone.utc)
    today_ts = pd.Timestamp(today or _dt.date.today()).normalize()  # the local calendar
    if (folder / DELIVERIES).is_symlink():  # it would be written before the switch
        raise UsageError(f"{folder / DELIVERIES} is a link to another folder; the record of "
                         "deliveries must be a real folder inside the data folder.")
    data = path.read_bytes()  # hashed, checked and stored exactly as received
    digest = hashlib.sha256(data).hexdigest()

    with _folder_lock(folder):
        baseline, folder_tables, agreement, _files = _check_folder(folder)
        if _blocking(baseline).any():
            # the folder must be mended first: its own problems, as validate lists them
            language = (agreement or {}).get("language", "nb")
            raise DataValidationError(baseline[_blocking(baseline)], language=language)
        with tempfile.TemporaryDirectory(prefix="pilot-eval-intake-") as tmp:
            # the bytes hashed are the bytes read (a file still syncing may change)
            copy = Path(tmp) / path.name
            copy.write_bytes(data)
            delivery = read_delivery(copy, table=table)
        delivery.path = path
        problems = Problems()
        problems.records.extend(delivery.problems.to_dict("records"))
        # an identity number refuses the delivery, but its other cells are still checked
        # (every problem at once); nothing is compared with the folder, and every message
        # and the pilot's name are masked
        refused = any(p["rule"] == "privacy.identity_number" for p in problems.records)
        pilots = folder_tables["pilots"].frame
        known = [str(p) for p in pilots["pilot_id"].dropna()]
        pilot_id = pilot or delivery.pilot_id
        if pilot_id is None and delivery.tables:
            ids = {v for raw in delivery.tables.values() if "pilot_id" in raw.columns
                   for v in raw["pilot_id"].unique() if v}
            pilot_id = ids.pop() if len(ids) == 1 else None
        result = IntakeResult(pilot_id, path, problems_frame(), _empty_changes(),
                              dry_run=dry_run, sha256=digest,
                              tables=tuple(t for t in spec.DATE_COLUMNS if t in delivery.tables))
        if pilot_id is None and not delivery.tables:
            pass  # nothing was read: the file's own problem says why
        elif pilot_id is None:
            problems.add(path.name, "intake.pilot_unknown",
                         "Det går ikke fram hvilken pilot leveransen gjelder. Bruk arbeidsboken "
                         "fra «pilot-eval template», eller oppgi piloten med --pilot.",
                         "It cannot be told which pilot the delivery is for. Use the workbook "
                         "made by 'pilot-eval template', or name the pilot with --pilot.")
        elif pilot_id not in known:
            problems.add(path.name, "intake.pilot_unknown",
                         f"Piloten «{pilot_id}» finnes ikke i datamappen. Kjente piloter: "
                         f"{', '.join(known)}.",
                         f"The pilot '{pilot_id}' is not in the data folder. Known pilots: "
                         f"{', '.join(known)}.", value=pilot_id)
        elif pilot and delivery.pilot_id and delivery.pilot_id != pilot:
            problems.add(path.name, "intake.pilot_mismatch",
                         f"Arbeidsboken gjelder piloten «{delivery.pilot_id}», ikke «{pilot}».",
                         f"The workbook is for the pilot '{delivery.pilot_id}', not '{pilot}'.",
                         value=delivery.pilot_id)
        if refused:
            result.pilot_id = _mask_text(result.pilot_id)
        if any(p["severity"] == "error" and p["rule"] != "privacy.identity_number"
               for p in problems.records) or not delivery.tables:
            result.problems = _with_cells(_mask(problems.frame()), delivery)
            return result

        typed = _type_delivery(delivery, pilot_id, problems)
        if any(p["rule"] == "privacy.identity_number" for p in problems.records):
            # refused before anything is combined, compared or written; a cell found when
            # the workbook was read and again when its table was typed is said once
            seen: set[tuple[Any, ...]] = set()
            kept = []
            for record in problems.records:
                key = (record["file"], record["row"], record["column"], record["rule"])
                if record["rule"] != "privacy.identity_number" or key not in seen:
                    kept.append(record)
                    seen.add(key)
            problems.records = kept
            result.pilot_id = _mask_text(result.pilot_id)
            result.problems = _with_cells(_mask(problems.frame()), delivery)
            return result
        row = pilots.loc[pilots["pilot_id"].astype(object).eq(pilot_id)].iloc[0]
        _intake_rules(typed, (row["start_date"], row["end_date"]), today_ts, problems)
        typed = _with_folder_values(typed, folder_tables, pilot_id)
        folder_files: dict[str, str] = {}
        for name in typed:
            found, _ = find_table(folder, name)
            if found is not None:
                folder_files[name] = found.name
        gone = _vanished(folder_tables.get("participants"), typed, pilot_id, delivery,
                         accept_removals, problems)
        # one cause, one error: checked as if the missing participants were put back
        combined = _combined(folder_tables, typed, pilot_id, folder_files,
                             () if accept_removals else gone)
        # a capped list's "… and N more rows" always per pilot: only this pilot's are kept
        cross = Problems(pilots_per_summary=None)
        cross_checks(combined, agreement, cross)
        cross_frame = _relabel(cross.frame(), delivery, folder_files, baseline, pilot_id)
        own = problems.frame()
        # an intake error and validate's warning on the same cell: the error says it (a
        # line without a row names no cell)
        key = ["file", "row", "column"]
        errors_at = set(map(tuple, own.loc[own["severity"] == "error", key].astype(str).to_numpy()))
        duplicate = cross_frame[key].astype(str).apply(tuple, axis=1).isin(errors_at) & \
            cross_frame["severity"].eq("warning") & cross_frame["row"].notna() \
            if len(cross_frame) else None
        if duplicate is not None:
            cross_frame = cross_frame.loc[~duplicate]
        result.problems = _with_cells(_column_words(
            _list_words(_mask(concat_problems([own, cross_frame])), delivery), delivery),
            delivery)

        previous = _previous(folder, pilot_id)
        result.previous = previous
        # reported so far: up to the latest date of any of the pilot's deliveries (a later
        # one may hold one table only, with earlier dates)
        untils = [e.get("data_until") for e in read_log(folder)
                  if e.get("pilot_id") == pilot_id and isinstance(e.get("data_until"), str)]
        since = max(pd.Timestamp(u) for u in untils) if untils else None
        changes = []
        for name, tt in typed.items():
            current = folder_tables.get(name)
            before = (current.frame.loc[current.frame["pilot_id"].astype(object).eq(pilot_id)]
                      if current is not None else tt.frame.iloc[0:0])
            changes.append(diff_rows(name, before, tt.frame, since=since))
        result.changes = pd.concat(changes, ignore_index=True) if changes else _empty_changes()
        _removals(result, typed, folder_tables, pilot_id, delivery, accept_removals)
        dates = [tt.frame[spec.DATE_COLUMNS[n]].max() for n, tt in typed.items() if len(tt.frame)]
        dates = [d for d in dates if pd.notna(d)]
        result.data_until = max(dates).date().isoformat() if dates else None
        if len(result.errors):
            return result
        if result.changes.empty:
            result.unchanged = True
            return result
        if dry_run:
            return result
        result.received_at = now.isoformat(timespec="seconds")
        result.accepted = True  # as the stored summary says; undone if the commit fails
        try:
            result.record = _commit(folder, path, data, result, combined, typed, folder_files,
                                    now, language=(agreement or {}).get("language", "nb"),
                                    starts=_first_rows(folder_tables, typed, pilot_id))
        except BaseException:
            result.accepted = False
            raise
        return result


def _blocking(problems: pd.DataFrame) -> pd.Series:
    """Errors that stop an intake. A delivered table with only its header is not one: a
    new folder is filled by its first deliveries."""
    return problems["severity"].eq("error") & ~only_header(problems, spec.DELIVERED_TABLES)


def _mask_text(text: str | None) -> str | None:
    """A name as it may be kept and printed: no identity number's digits."""
    if text is None:
        return None
    from ..privacy import mask_identity_numbers

    return str(mask_identity_numbers(pd.Series([text], dtype=object)).iloc[0])


def _mask(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems as shown: no identity number's digits, whatever the rule."""
    from ..dataset import _inert

    return _inert(problems)


def _commit(folder: Path, path: Path, data: bytes, result: IntakeResult,
            combined: Mapping[str, TypedTable], typed: Mapping[str, TypedTable],
            folder_files: Mapping[str, str], now: _dt.datetime, *, language: str = "nb",
            starts: Mapping[str, int] | None = None) -> Path:
    """Rebuild the folder beside itself with the merged tables and the record, check it,
    and switch it in. Returns the stored delivery's path (inside the new folder).

    The summary of changes is written in the folder's ``language``; the list of every
    change as a CSV that Excel opens in columns (semicolons, UTF-8 with a byte order mark,
    a decimal comma in Norwegian). ``starts``: the row each table's block of the pilot's
    rows began on (:func:`_in_written_order`)."""
    starts = starts or {}
    folder = folder.resolve()
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.intake-", dir=folder.parent))
    try:
        _link_tree(folder, staging)
        for name in typed:
            old = folder_files.get(name)
            if old is not None:
                os.unlink(staging / old)  # a link to the live file: never written in place
            merged = _in_written_order(combined[name].frame, starts.get(name))
            target = staging / f"{name}.csv"
            atomic_write_bytes(target, _csv_text(merged, name, combined[name].columns_present)
                               .encode("utf-8"))
        stem = f"{_stamp(now)}-{result.pilot_id}-{result.sha256[:12]}"
        store = staging / DELIVERIES
        store.mkdir(exist_ok=True)
        stored = store / f"{stem}{path.suffix.lower()}"
        if stored.exists():  # the same file in the same second: never overwrite a delivery
            raise UsageError(f"A delivery named {stored.name} is already on record.",
                             nb=f"En leveranse med navnet {stored.name} er allerede tatt inn.")
        atomic_write_bytes(stored, data)
        os.chmod(stored, 0o444)
        language = language if language in ("nb", "en") else "nb"
        every = "Alle endringene" if language == "nb" else "All changes"
        atomic_write_bytes(store / f"{stem}.changes.txt", (
            result.summary(language) + "\n\n"
            + "\n".join(change_lines(result, language, limit=200))
            + f"\n\n{every}: {stem}.changes.csv\n").encode("utf-8"))
        atomic_write_bytes(store / f"{stem}.changes.csv",
                           _changes_csv(result.changes, language).encode("utf-8-sig"))
        counts = result.counts()
        corrected = result.changes.loc[result.changes["correction"], "date"]
        entry = {
            "received_at": result.received_at,
            "pilot_id": result.pilot_id,
            "file": f"{DELIVERIES}/{stored.name}",
            "original_name": _mask_text(path.name),
            "sha256": result.sha256,
            "taken_in_by": _user(),
            "tables": {t: {k: int(v) for k, v in counts.loc[t].items()} for t in counts.index},
            "rows_added": int(counts["added"].sum()),
            "rows_changed": int(counts["changed"].sum()),
            "rows_removed": int(counts["removed"].sum()),
            "corrections": int(counts["corrections"].sum()),
            "corrected_until": corrected.max().date().isoformat() if len(corrected) else None,
            "data_until": result.data_until,
            "warnings": count_problems(result.problems, "warning"),
        }
        log = store / LOG_NAME
        before = log.read_bytes() if log.exists() else b""
        if log.exists():
            os.unlink(log)  # a link to the live log: the new one is written beside it
        line = json.dumps(entry, ensure_ascii=False, sort_keys=False) + "\n"
        atomic_write_bytes(log, before + line.encode("utf-8"))
        check, _, _, _ = _check_folder(staging)
        if _blocking(check).any():  # pragma: no cover - the checks above agree
            raise RuntimeError("the merged data folder does not validate:\n"
                               + check.loc[check["severity"] == "error"].to_string())
        switch_folder(staging, folder, old_prefix=".intake-old-")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder / DELIVERIES / stored.name


def _user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container): the log says so
        return None


# --- text ---------------------------------------------------------------------------------

def _summary_text(result: IntakeResult, language: str) -> str:
    from ..present.text import plural  # counts in the catalog's words, "1 234" grouped

    nb = language == "nb"
    lines = []
    errors = count_problems(result.problems, "error")
    warnings = count_problems(result.problems, "warning")
    pilot = result.pilot_id or ("ukjent pilot" if nb else "unknown pilot")
    if errors:
        lines.append(
            f"Leveransen {result.file.name} for {pilot} er ikke tatt inn: "
             f"{plural('cli.errors', errors, language)} må rettes først." if nb else
             f"The delivery {result.file.name} for {pilot} was not taken in: "
             f"{plural('cli.errors', errors, language)} must be mended first.")
        return "\n".join(lines)
    if result.unchanged:
        when = (result.previous or {}).get("received_at", "")[:10]
        lines.append(
            (f"Ingen endringer: {result.file.name} har de samme dataene for {pilot} som "
             "datamappen alt har" + (f" (siste leveranse {pd.Timestamp(when):%d.%m.%Y})."
                                     if when else ".")) if nb else
            (f"No changes: {result.file.name} holds the same data for {pilot} as the data "
             "folder already has" + (f" (last delivery {when})." if when else ".")))
        return "\n".join(lines)
    counts = result.counts()
    total = counts.sum()
    head = ", ".join(plural(f"intake.{k}", int(total[k]), language)
                     for k in ("added", "changed", "removed") if total[k])
    if result.accepted:
        lines.append(f"Tatt inn for {pilot}: {head}." if nb else f"Taken in for {pilot}: {head}.")
    elif result.dry_run:
        lines.append(f"Prøvekjøring for {pilot}, ingenting er skrevet: {head}." if nb else
                      f"Dry run for {pilot}, nothing written: {head}.")
    titles = {s.table: s.title("nb" if nb else "en") for s in spec.SHEETS}
    for table, row in counts.iterrows():
        parts = [plural(f"intake.{k}", int(row[k]), language)
                 for k in ("added", "changed", "removed") if row[k]]
        if parts:
            lines.append(f"  {titles[table]}: " + ", ".join(parts))
    if total["corrections"]:
        since = (result.previous or {}).get("data_until")
        fixed = plural("intake.corrections", int(total["corrections"]), language)
        lines.append(("  " + fixed
                      + (f" (til og med {pd.Timestamp(since):%d.%m.%Y})" if since else "")) if nb
                     else ("  " + fixed + (f" (up to {since})" if since else "")))
    if warnings:
        said = plural("cli.warnings", warnings, language)
        lines.append(f"  {said} – se listen." if nb else f"  {said} – see the list.")
    return "\n".join(lines)


def _shown(column: str, value: Any, language: str) -> str:
    """A value as the sheet shows it: list words, Norwegian dates."""
    text = "" if value is None or pd.isna(value) else str(value)
    words = spec.CHOICE_LABELS.get(column, {}).get(text)
    if words:
        return words[language if language in words else "en"]
    if language == "nb" and len(text) == 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:10]}.{text[5:7]}.{text[:4]}"
    if column in _DECIMAL_COLUMNS:  # amounts and hours as the reports write them
        try:
            number = float(text)
        except ValueError:
            return text
        from ..present import fmt

        # as many decimals as the value has (up to 6): a change in the third one shows
        decimals = next((d for d in range(7) if round(number, d) == number), 6)
        return fmt.number(number, decimals, language=language)
    return text


#: Columns whose values a change line writes as numbers ("21 000", "1,5"), not as stored.
_DECIMAL_COLUMNS = frozenset(c.name for t in TABLES.values() for c in t.columns
                             if c.kind == "float")


def _change_line(row: pd.Series, language: str) -> str:
    nb = language == "nb"
    title = spec.sheet_for(row["table"]).title("nb" if nb else "en")
    where = f" (rad {row['row']})" if nb and pd.notna(row["row"]) else \
        (f" (row {row['row']})" if pd.notna(row["row"]) else "")
    if row["change"] == "changed":
        label = spec.sheet_for(row["table"]).column(row["column"]).label("nb" if nb else "en")
        old, new = (_shown(row["column"], row[side], language) or ("tom" if nb else "empty")
                    for side in ("old", "new"))
        return f"{title}{where}: {row['key']}: {label} {old} → {new}"
    verb = {"added": ("ny", "added"), "removed": ("fjernet", "removed")}[row["change"]]
    sheet = spec.sheet_for(row["table"])
    names = list(sheet.key) or [c.name for c in sheet.columns]
    parts = str(row["key"]).split(" / ", len(names) - 1)
    shown = " / ".join(_shown(name, part, language) for name, part in zip(names, parts))
    return f"{title}{where}: {verb[0 if nb else 1]}: {shown}"


def change_lines(result: IntakeResult, language: str = "nb", limit: int = SHOWN_CHANGES
                 ) -> list[str]:
    """One line per change, most telling first (changed cells, removals, additions).

    Parameters
    ----------
    result : IntakeResult
        What :func:`take_delivery` found.
    language : {"nb", "en"}
        Language of the lines (sheet titles, list words, dates).
    limit : int, default 15
        Lines shown; one more line says how many were left out.

    Returns
    -------
    list of str

    Examples
    --------
    A payment corrected from 50 000 to 55 000 kroner is a removal and an addition (costs
    have no key to follow a row by):

    >>> from pathlib import Path
    >>> before = pd.DataFrame({"date": pd.to_datetime(["2025-06-01"]), "funder": ["ferd"],
    ...                        "in_kind": [False], "amount_nok": [50000.0],
    ...                        "description": ["Medfinansiering"]})
    >>> after = before.assign(amount_nok=55000.0).set_axis([3])
    >>> changes = diff_rows("costs", before, after, since=None)
    >>> result = IntakeResult("lekse", Path("costs.csv"), pd.DataFrame(), changes)
    >>> for line in change_lines(result, "en"):
    ...     print(line.rstrip())  # the empty cost type ends the key
    Costs: removed: 2025-06-01 / Ferd / no / 50,000 / Medfinansiering /
    Costs (row 3): added: 2025-06-01 / Ferd / no / 55,000 / Medfinansiering /
    >>> for line in change_lines(result, "nb", limit=1):
    ...     print(line.rstrip().replace("\\xa0", " "))
    Kostnader: fjernet: 01.06.2025 / Ferd / nei / 50 000 / Medfinansiering /
    … og 1 endring til
    """
    order = {"changed": 0, "removed": 1, "added": 2}
    changes = result.changes.sort_values(
        ["change", "table", "row"], key=lambda s: s.map(order) if s.name == "change" else s)
    lines = [_change_line(r, language) for _, r in changes.head(limit).iterrows()]
    if len(changes) > limit:
        from ..present.text import plural

        lines.append(plural("intake.more_changes", len(changes) - limit, language))
    return lines
