"""What changed since the last report: a report set compared with the one before it.

Each report set (``pilot-eval report``) keeps its published metric tables in
``metrics.json`` beside ``metrics.xlsx`` (the same cells: a small count reads "<5", a
hidden one ":"), and its ``manifest.json`` gives the set's date (``as_of``), when it was
made (``created_utc``), the file with the tables (``metric_tables``), the SHA-256 of
every input file and of the rules it was rated by (``rules_sha256``). A later report:

1. finds the previous set: the set in the same output folder with the latest date
   *before* its own (:func:`find_previous`); a set for the same date is the one being
   replaced, and a later one is no previous report;
2. reads its published tables (:func:`read_snapshot`) and makes the same from its own
   exact tables (:func:`snapshot`): per pilot the participants, the fund money spent, the
   scorecard's statuses and recommendation; per pilot and measure whether an outcome
   result is shown and its evidence rating;
3. compares the two (:func:`compare`, pure): a tidy frame of what moved, and the
   deliveries (:func:`read_deliveries`, the intake's ``deliveries/log.jsonl``) received
   since the previous set was made that corrected data already delivered, and whether
   the rules changed (then a changed rating may come from the rules, and says so);
4. says it in words (:func:`summary_sentences`, :func:`pilot_sentences`,
   :func:`correction_sentences`; the catalogue is :data:`pilot_eval.present.text.MESSAGES`,
   keys ``changes.*``) and, for the portfolio, a table
   (:func:`pilot_eval.present.tables.changes_table`).

Privacy (docs/privacy.md, "Changes since the last report"). Only published figures are
compared, so nothing hidden in either report can come back. A difference of two counts of
people is itself a count (the people who joined in between): it is shown only when both
counts are shown and the difference is 0 or at least ``min_cell_size``; otherwise it reads
"+<5" / "1–4 flere" (a count hidden in either report: not shown at all), and the count
before is then not shown either. The total over pilots is shown only when every pilot's
difference is. Money is not about people and is always compared.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..intake.merge import DELIVERIES, LOG_NAME
from ..privacy import COMPLEMENTARY, PRIMARY, SHOWN, disclosure_codes
from . import fmt, text

log = logging.getLogger("pilot_eval")

__all__ = [
    "CHANGE_COLUMNS",
    "DELIVERY_LOG",
    "METRICS_JSON",
    "STATUS_TOPICS",
    "Changes",
    "ReportSet",
    "Snapshot",
    "changes_since",
    "compare",
    "correction_sentences",
    "file_hashes",
    "find_previous",
    "agreement_key",
    "heading",
    "pilot_sentences",
    "rated_changes",
    "read_deliveries",
    "read_snapshot",
    "report_sets",
    "snapshot",
    "status_change",
    "summary_sentences",
]

#: The file of a report set that holds its published metric tables (named in the manifest
#: as ``metric_tables``); sets made before it existed are read from ``metrics.xlsx``.
METRICS_JSON = "metrics.json"
_METRICS_XLSX = "metrics.xlsx"
#: The intake's record of accepted deliveries, inside the data folder: one JSON object a
#: line with ``received_at``, ``pilot_id``, ``corrections`` and ``corrected_until``.
DELIVERY_LOG = Path(DELIVERIES) / LOG_NAME

#: The scorecard columns compared, in the order they are said.
STATUS_TOPICS: tuple[str, ...] = ("reach_status", "cost_status", "outcome_status",
                                  "recommendation")
_ALLOWED = {**{t: frozenset(text.STATUS_WORDS) for t in STATUS_TOPICS[:3]},
            "recommendation": frozenset(text.RECOMMENDATION_WORDS)}
_RATINGS = frozenset({"strong", "moderate", "weak", "very_weak"})
_PILOT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
_MEASURE = re.compile(r"[^\x00-\x1f\x7f]{1,64}")
#: The tables a snapshot needs; ``reach`` because the scorecard's count of participants
#: is hidden as the reach table's is (privacy.LINKED).
_TABLES = ("reach", "scorecard", "outcomes")
_OUTCOME_COLUMNS = ("design", "n_pilot", "n_comparison", "improvement",
                    "improvement_ci_low", "improvement_ci_high")

Kind = Literal["first", "later", "same", "unreadable", "compared"]
#: ``shown`` of a count's difference: exact; "small" (0 < |d| < k: only its sign is said);
#: "hidden" (a count is hidden in one of the reports: nothing is said).
Shown = Literal["exact", "small", "hidden", ""]

#: Columns of :attr:`Changes.frame`.
CHANGE_COLUMNS: tuple[str, ...] = ("pilot_id", "topic", "measure", "before", "after",
                                   "change", "sign", "shown")


# --------------------------------------------------------------------------- snapshots


@dataclass(frozen=True)
class Snapshot:
    """A report set's published figures, in the form two sets are compared in.

    Attributes
    ----------
    as_of : Timestamp
        The date the set shows.
    pilots : DataFrame
        Index ``pilot_id``; ``enrolled`` (float, NaN where not published),
        ``enrolled_code`` (:data:`~pilot_eval.privacy.SHOWN`, ``PRIMARY`` for "<k",
        ``COMPLEMENTARY`` for any other hidden count), ``fund_cost_nok`` and the
        :data:`STATUS_TOPICS` (status and recommendation keys, None when unknown).
    results : DataFrame or None
        Index (``pilot_id``, ``measure``); ``shown`` (an estimate the report draws: at
        least ``min_cell_size`` people measured twice in each group) and
        ``evidence_rating`` (a key, or None). None when the set's tables have no outcome
        results to compare (another version's file): no result is then called new.
    inputs : mapping of str to str
        Input file name → SHA-256 (empty when not known).
    created_utc : Timestamp, optional
        When the set was made (UTC).
    rules_sha256 : str, optional
        The fingerprint of the rules the set was rated by
        (:func:`pilot_eval.metrics.rules_hash`); None when not known.
    """

    as_of: pd.Timestamp
    pilots: pd.DataFrame
    results: pd.DataFrame | None
    inputs: Mapping[str, str] = field(default_factory=dict)
    created_utc: pd.Timestamp | None = None
    rules_sha256: str | None = None


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reset_index() if any(n is not None for n in frame.index.names) \
        else frame.reset_index(drop=True)


def _marked(tables: Mapping[str, pd.DataFrame], min_cell_size: int) -> dict[str, pd.DataFrame]:
    """Exact metric tables as the workbook publishes them (flat; hidden counts "<k" or ":"),
    by the one disclosure model (:func:`pilot_eval.privacy.disclosure_codes`)."""
    wanted = {n: tables[n] for n in _TABLES if n in tables}
    codes = disclosure_codes(wanted, min_cell_size)
    out = {}
    for name, frame in wanted.items():
        flat = _flat(frame)
        code = codes.get(name)
        for col in [] if code is None else code.columns:
            c = code[col].to_numpy(object)
            hidden = c != SHOWN
            if hidden.any():
                marks = np.where(c == PRIMARY, f"<{min_cell_size}", ":")
                flat[col] = np.where(hidden, marks, flat[col].astype(object).to_numpy())
        out[name] = flat
    return out


def _numbers(values: pd.Series | None, index: pd.Index) -> tuple[pd.Series, pd.Series]:
    """Published cells → (float, NaN where not a number; code: SHOWN, PRIMARY for "<k",
    COMPLEMENTARY for ":" or anything else that is not a number)."""
    if values is None:
        return (pd.Series(np.nan, index=index),
                pd.Series(COMPLEMENTARY, index=index, dtype=object))
    values = pd.Series(values.to_numpy(object), index=index)
    number = pd.to_numeric(values.where(values.map(lambda v: not isinstance(v, bool))),
                           errors="coerce").astype(float)
    number = number.where(np.isfinite(number))
    small = values.map(lambda v: isinstance(v, str) and v.startswith("<")).astype(bool)
    code = pd.Series(np.where(number.notna(), SHOWN, np.where(small, PRIMARY, COMPLEMENTARY)),
                     index=index, dtype=object)
    return number, code


def _keys(values: pd.Series | None, allowed: frozenset[str], index: pd.Index) -> pd.Series:
    if values is None:
        return pd.Series(None, index=index, dtype=object)
    return pd.Series([x if isinstance(x, str) and x in allowed else None for x in values],
                     index=index, dtype=object)


def _from_flat(flat: Mapping[str, pd.DataFrame], *, as_of: pd.Timestamp, min_cell_size: int,
               inputs: Mapping[str, str] | None = None,
               created_utc: pd.Timestamp | None = None) -> Snapshot:
    """A :class:`Snapshot` from flat published tables (``metrics.json``'s form). Anything
    unexpected (a missing column, a word that is no status, a malformed pilot id) is left
    out: the file may come from another version, or have been edited. Without a scorecard
    there is nothing to compare (ValueError)."""
    from .figures.outcomes import measured_enough

    card = flat.get("scorecard")
    if card is None or "pilot_id" not in card.columns:
        raise ValueError("the tables have no scorecard with a column pilot_id")
    ids = card["pilot_id"].map(lambda v: v if isinstance(v, str) and _PILOT_ID.fullmatch(v)
                               else None)
    card = card[ids.notna() & ~ids.duplicated()]
    index = pd.Index(ids[card.index].astype(str), name="pilot_id")
    enrolled, code = _numbers(card.get("enrolled"), index)
    fund, _ = _numbers(card.get("fund_cost_nok"), index)
    pilots = pd.DataFrame({"enrolled": enrolled, "enrolled_code": code, "fund_cost_nok": fund},
                          index=index)
    for topic in STATUS_TOPICS:
        pilots[topic] = _keys(card.get(topic), _ALLOWED[topic], index)

    out = flat.get("outcomes")
    if out is None or not {"pilot_id", "measure", *_OUTCOME_COLUMNS} <= set(out.columns):
        return Snapshot(as_of=pd.Timestamp(as_of).normalize(), pilots=pilots, results=None,
                        inputs=dict(inputs or {}), created_utc=created_utc)
    good = (out["pilot_id"].map(lambda v: isinstance(v, str) and bool(_PILOT_ID.fullmatch(v)))
            & out["measure"].map(lambda v: isinstance(v, str) and bool(_MEASURE.fullmatch(v))))
    out = out[good.astype(bool)]
    out = out[~out.duplicated(["pilot_id", "measure"])]
    keys = pd.MultiIndex.from_arrays([out["pilot_id"].astype(str), out["measure"].astype(str)],
                                     names=["pilot_id", "measure"])
    numeric = pd.DataFrame({c: _numbers(out.get(c), keys)[0] for c in _OUTCOME_COLUMNS[1:]},
                           index=keys)
    numeric["design"] = (out["design"].astype(object).to_numpy() if "design" in out
                         else None)
    shown = measured_enough(numeric, min_cell_size) if len(numeric) else \
        pd.Series(dtype=bool, index=keys)
    results = pd.DataFrame({"shown": shown.astype(bool),
                            "evidence_rating": _keys(out.get("evidence_rating"), _RATINGS, keys)},
                           index=keys)
    return Snapshot(as_of=pd.Timestamp(as_of).normalize(), pilots=pilots, results=results,
                    inputs=dict(inputs or {}), created_utc=created_utc)


def snapshot(tables: Mapping[str, pd.DataFrame], *, as_of: Any, min_cell_size: int,
             inputs: Mapping[str, str] | None = None,
             rules_sha256: str | None = None) -> Snapshot:
    """The snapshot of a report from its metric tables, as they will be published.

    Parameters
    ----------
    tables : mapping
        ``reach``, ``scorecard`` and ``outcomes`` of
        :func:`pilot_eval.metrics.metric_tables` (exact, or as a report reads them:
        counts exact, derived figures NaN where hidden).
    as_of : date-like
    min_cell_size : int
        The disclosure model's *k*: counts hidden here are hidden in the comparison.
    inputs : mapping, optional
        Input file name → SHA-256 (:func:`file_hashes`).
    rules_sha256 : str, optional
        :func:`pilot_eval.metrics.rules_hash` of the data the tables were made from.

    Examples
    --------
    A pilot with fewer than five participants has its count hidden, as in the published
    tables (code ``primary``: shown as "<5"):

    >>> ids = pd.Index(["lekse", "jobb"], name="pilot_id")
    >>> reach = pd.DataFrame({"enrolled": [12, 2]}, index=ids)
    >>> card = pd.DataFrame({"enrolled": [12, 2], "fund_cost_nok": [190000.0, 150000.0],
    ...     "reach_status": ["yellow", "grey"], "cost_status": ["green", "green"],
    ...     "outcome_status": ["yellow", "grey"],
    ...     "recommendation": ["adjust", "insufficient_data"]}, index=ids)
    >>> snap = snapshot({"reach": reach, "scorecard": card}, as_of="2026-02-01", min_cell_size=5)
    >>> snap.pilots[["enrolled", "enrolled_code"]].to_dict("index")
    ... # doctest: +NORMALIZE_WHITESPACE
    {'lekse': {'enrolled': 12.0, 'enrolled_code': ''}, 'jobb': {'enrolled': nan,
    'enrolled_code': 'primary'}}
    >>> snap.results is None  # no outcomes table given
    True
    """
    made = _from_flat(_marked(tables, min_cell_size), as_of=pd.Timestamp(as_of),
                      min_cell_size=min_cell_size, inputs=inputs)
    return replace(made, rules_sha256=rules_sha256)


def file_hashes(paths: Iterable[str | Path]) -> dict[str, str]:
    """File name → SHA-256 of each file, as a manifest records its inputs; empty (not
    known) when a file cannot be read.

    Parameters
    ----------
    paths : iterable of str or Path
        The input files.

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> pilots = Path(tmp.name) / "pilots.csv"
    >>> _ = pilots.write_text("pilot_id\\n")
    >>> file_hashes([pilots])
    {'pilots.csv': 'f7e7174eeff4d010077228da8cac5835e744b67b695bfc6fb7e45277e4ed07dd'}
    >>> file_hashes([pilots, Path(tmp.name) / "missing.csv"])  # one unreadable: not known
    {}
    >>> tmp.cleanup()
    """
    out = {}
    for path in map(Path, paths):
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
        except OSError:
            return {}
        out[path.name] = digest.hexdigest()
    return out


# --------------------------------------------------------------------------- report sets


@dataclass(frozen=True)
class ReportSet:
    """A published report set: its folder and what its manifest says."""

    folder: Path
    as_of: pd.Timestamp
    created_utc: pd.Timestamp | None
    tables_file: str | None
    inputs: Mapping[str, str]
    #: the agreement the set reports on (:func:`agreement_key`); None in sets made before
    #: the manifest said it
    agreement: str | None = None
    #: False for a dated set whose manifest cannot be read: it is still the previous
    #: report (a set skipped would make an older one look like it), but nothing is compared
    readable: bool = True
    #: the fingerprint of the rules it was rated by; None in sets made before the manifest
    #: said it
    rules_sha256: str | None = None


def agreement_key(agreement: Any) -> str:
    """What tells one agreement's report series from another's: its name and start.

    Parameters
    ----------
    agreement : Agreement
        The data folder's agreement (``Dataset.agreement``): anything with ``name`` and
        ``start``.

    Returns
    -------
    str

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> agreement_key(SimpleNamespace(name="Testavtale", start=pd.Timestamp("2025-01-01")))
    'Testavtale (2025-01-01)'
    """
    return f"{agreement.name} ({pd.Timestamp(agreement.start).date().isoformat()})"


def _timestamp(value: Any, *, utc: bool = False) -> pd.Timestamp | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return None
    if ts is pd.NaT:
        return None
    if utc:
        return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


def _plain_name(value: Any) -> str | None:
    """A file name inside the set's folder, or None (no paths out of it)."""
    if isinstance(value, str) and value and "/" not in value and "\\" not in value \
            and not value.startswith(".") and "\x00" not in value:
        return value
    return None


def _read_manifest(folder: Path) -> ReportSet | None:
    path = folder / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("%s cannot be read (%s); that report set is not compared with.", path, exc)
        return _unreadable(folder)
    if not isinstance(data, dict) or data.get("package") != "pilot_eval":
        return None
    parameters = data.get("parameters") if isinstance(data.get("parameters"), dict) else {}
    as_of = _timestamp(data.get("as_of") or parameters.get("as_of"))
    if as_of is None:
        log.warning("%s gives no date (as_of); that report set is not compared with.", path)
        return _unreadable(folder)
    inputs = {}
    for entry in data.get("inputs") or []:
        if isinstance(entry, dict) and isinstance(entry.get("path"), str) \
                and isinstance(entry.get("sha256"), str):
            inputs[Path(entry["path"]).name] = entry["sha256"]
    return ReportSet(folder=folder, as_of=as_of.normalize(),
                     created_utc=_timestamp(data.get("created_utc"), utc=True),
                     tables_file=_plain_name(data.get("metric_tables")), inputs=inputs,
                     agreement=data["agreement"] if isinstance(data.get("agreement"), str)
                     else None,
                     rules_sha256=data["rules_sha256"]
                     if isinstance(data.get("rules_sha256"), str) else None)


def _unreadable(folder: Path) -> ReportSet | None:
    """A set whose manifest cannot be read, dated by its folder's name (``2025-09-30``, as
    ``pilot-eval report`` names it); None when the name is no date either."""
    as_of = _timestamp(folder.name) if len(folder.name) == 10 else None
    if as_of is None:
        return None
    return ReportSet(folder=folder, as_of=as_of.normalize(), created_utc=None,
                     tables_file=None, inputs={}, readable=False)


def report_sets(reports_dir: str | Path) -> list[ReportSet]:
    """The report sets in an output folder (``--out``), by date: every folder in it with a
    pilot_eval ``manifest.json``. Hidden folders (a run's staging folder) are left out.

    Parameters
    ----------
    reports_dir : str or Path
        The output folder of ``pilot-eval report`` (its ``--out``).

    Returns
    -------
    list of ReportSet
        Oldest first; empty when the folder cannot be read.

    Examples
    --------
    >>> import json, tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> reports = Path(tmp.name)
    >>> def publish(day, enrolled):  # a report set as ``pilot-eval report`` leaves it
    ...     folder = reports / day
    ...     folder.mkdir()
    ...     card = {"pilot_id": "lekse", "enrolled": enrolled, "fund_cost_nok": 150000,
    ...             "reach_status": "yellow", "cost_status": "green",
    ...             "outcome_status": "grey", "recommendation": "continue"}
    ...     _ = (folder / "metrics.json").write_text(json.dumps({"scorecard": [card]}))
    ...     _ = (folder / "manifest.json").write_text(json.dumps({
    ...         "package": "pilot_eval", "as_of": day, "metric_tables": "metrics.json",
    ...         "agreement": "Testavtale (2025-01-01)"}))
    >>> publish("2025-06-30", 24)
    >>> publish("2025-09-30", 40)
    >>> [(s.folder.name, s.as_of.date().isoformat(), s.agreement) for s in report_sets(reports)]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('2025-06-30', '2025-06-30', 'Testavtale (2025-01-01)'), ('2025-09-30', '2025-09-30',
    'Testavtale (2025-01-01)')]
    >>> report_sets(reports / "nothing-here")
    []
    >>> tmp.cleanup()
    """
    try:
        folders = sorted(p for p in Path(reports_dir).iterdir()
                         if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return []
    found = [s for s in map(_read_manifest, folders) if s is not None]
    return sorted(found, key=lambda s: (s.as_of, s.folder.name))


def find_previous(reports_dir: str | Path, as_of: Any, agreement: str | None = None
                  ) -> ReportSet | None:
    """The set a report for ``as_of`` compares with: the one with the latest date before it,
    of the same ``agreement`` (:func:`agreement_key`) when both say which.

    A set for the same date is the one a new run replaces (comparing with it would make
    the report depend on how often it was rendered); a set for a later date is no
    previous report.

    Parameters
    ----------
    reports_dir : str or Path
        The output folder of ``pilot-eval report``.
    as_of : date-like
        The date of the report being made.
    agreement : str, optional
        :func:`agreement_key` of the report's agreement.

    Returns
    -------
    ReportSet or None

    Examples
    --------
    >>> import json, tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> reports = Path(tmp.name)
    >>> def publish(day, enrolled):  # a report set as ``pilot-eval report`` leaves it
    ...     folder = reports / day
    ...     folder.mkdir()
    ...     card = {"pilot_id": "lekse", "enrolled": enrolled, "fund_cost_nok": 150000,
    ...             "reach_status": "yellow", "cost_status": "green",
    ...             "outcome_status": "grey", "recommendation": "continue"}
    ...     _ = (folder / "metrics.json").write_text(json.dumps({"scorecard": [card]}))
    ...     _ = (folder / "manifest.json").write_text(json.dumps({
    ...         "package": "pilot_eval", "as_of": day, "metric_tables": "metrics.json",
    ...         "agreement": "Testavtale (2025-01-01)"}))
    >>> publish("2025-06-30", 24)
    >>> publish("2025-09-30", 40)
    >>> find_previous(reports, "2025-12-31").folder.name
    '2025-09-30'
    >>> find_previous(reports, "2025-09-30").folder.name  # the set for that day is replaced
    '2025-06-30'
    >>> find_previous(reports, "2025-06-30") is None
    True
    >>> find_previous(reports, "2025-12-31", agreement="Ny avtale (2027-01-01)") is None
    True
    >>> tmp.cleanup()
    """
    day = pd.Timestamp(as_of).normalize()
    earlier = [s for s in report_sets(reports_dir) if s.as_of < day
               and (agreement is None or s.agreement is None or s.agreement == agreement)]
    return earlier[-1] if earlier else None


def read_snapshot(report_set: ReportSet, *, min_cell_size: int) -> Snapshot | None:
    """The published tables of ``report_set`` as a :class:`Snapshot`; None (with a warning
    in the log) when they cannot be read.

    Parameters
    ----------
    report_set : ReportSet
        :func:`find_previous` or :func:`report_sets`.
    min_cell_size : int
        *k* of the disclosure model.

    Returns
    -------
    Snapshot or None

    Examples
    --------
    >>> import json, tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> reports = Path(tmp.name)
    >>> def publish(day, enrolled):  # a report set as ``pilot-eval report`` leaves it
    ...     folder = reports / day
    ...     folder.mkdir()
    ...     card = {"pilot_id": "lekse", "enrolled": enrolled, "fund_cost_nok": 150000,
    ...             "reach_status": "yellow", "cost_status": "green",
    ...             "outcome_status": "grey", "recommendation": "continue"}
    ...     _ = (folder / "metrics.json").write_text(json.dumps({"scorecard": [card]}))
    ...     _ = (folder / "manifest.json").write_text(json.dumps({
    ...         "package": "pilot_eval", "as_of": day, "metric_tables": "metrics.json",
    ...         "agreement": "Testavtale (2025-01-01)"}))
    >>> publish("2025-06-30", 24)
    >>> publish("2025-09-30", 40)
    >>> previous = read_snapshot(report_sets(reports)[-1], min_cell_size=5)
    >>> previous.as_of.date().isoformat(), float(previous.pilots.at["lekse", "enrolled"])
    ('2025-09-30', 40.0)
    >>> previous.results is None  # the set published no outcome results
    True
    >>> tmp.cleanup()
    """
    names = [n for n in (report_set.tables_file, METRICS_JSON, _METRICS_XLSX) if n]
    path = next((report_set.folder / n for n in dict.fromkeys(names)
                 if (report_set.folder / n).is_file()), None)
    if path is None:
        log.warning("The report set %s has no metric tables (%s); it is not compared with.",
                    report_set.folder, " or ".join(dict.fromkeys(names)))
        return None
    try:
        if path.suffix.lower() == ".xlsx":
            flat = pd.read_excel(path, sheet_name=list(_TABLES))
        else:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object of tables")
            flat = {name: pd.DataFrame([r for r in data[name] if isinstance(r, dict)])
                    for name in _TABLES if isinstance(data.get(name), list)}
        made = _from_flat(flat, as_of=report_set.as_of, min_cell_size=min_cell_size,
                          inputs=report_set.inputs, created_utc=report_set.created_utc)
        return replace(made, rules_sha256=report_set.rules_sha256)
    except Exception as exc:  # noqa: BLE001 — another version's or a damaged file: say so
        log.warning("The metric tables of the report set %s cannot be read (%s: %s); it is "
                    "not compared with.", report_set.folder, type(exc).__name__, exc)
        return None


# --------------------------------------------------------------------------- deliveries

_DELIVERY_COLUMNS = ("received_at", "pilot_id", "corrections", "corrected_until")


def _no_deliveries() -> pd.DataFrame:
    return pd.DataFrame({"received_at": pd.Series(dtype="datetime64[ns, UTC]"),
                         "pilot_id": pd.Series(dtype=object),
                         "corrections": pd.Series(dtype="int64"),
                         "corrected_until": pd.Series(dtype="datetime64[ns]")})


def _delivery(line: str) -> tuple[dict[str, Any] | None, str]:
    """One line of the log → (record, "") or (None, what is wrong with it)."""
    try:
        obj = json.loads(line)
    except ValueError:
        return None, "not a JSON object"
    if not isinstance(obj, dict):
        return None, "not a JSON object"
    received = _timestamp(obj.get("received_at"), utc=True)
    if received is None:
        return None, "'received_at' is not an ISO 8601 time"
    pilot = obj.get("pilot_id")
    if not isinstance(pilot, str) or not _PILOT_ID.fullmatch(pilot):
        return None, "'pilot_id' is not a pilot id"
    corrections = obj.get("corrections")
    if isinstance(corrections, bool) or not isinstance(corrections, int) or corrections < 0:
        return None, "'corrections' is not a whole number of 0 or more"
    until = obj.get("corrected_until")
    day = None
    if until is not None:
        day = _timestamp(until) if isinstance(until, str) and \
            re.fullmatch(r"\d{4}-\d{2}-\d{2}", until) else None
        if day is None:
            return None, "'corrected_until' is neither a date (YYYY-MM-DD) nor null"
    return {"received_at": received, "pilot_id": pilot, "corrections": corrections,
            "corrected_until": day}, ""


def read_deliveries(data_dir: str | Path) -> pd.DataFrame:
    """The accepted deliveries the intake recorded in ``DATA_DIR/deliveries/log.jsonl``.

    Parameters
    ----------
    data_dir : str or Path
        The data folder.

    Returns
    -------
    DataFrame
        ``received_at`` (UTC), ``pilot_id``, ``corrections`` (rows added, changed or
        removed that were dated on or before the pilot's previous delivery's last date),
        ``corrected_until`` (the latest date of a corrected row, or NaT). Empty when the
        file does not exist.

    Notes
    -----
    The file is input from outside the report: a line that is not such a record (not
    JSON, a missing or malformed field) is skipped with a warning in the log naming the
    file and line; it never stops the report.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> read_deliveries(tmp.name).empty
    True
    >>> log = Path(tmp.name) / DELIVERY_LOG
    >>> log.parent.mkdir()
    >>> _ = log.write_text('{"received_at": "2025-11-12T09:00:00+00:00", "pilot_id": "lekse", '
    ...                    '"corrections": 3, "corrected_until": "2025-08-31"}\\n')
    >>> read_deliveries(tmp.name).iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'received_at': Timestamp('2025-11-12 09:00:00+0000', tz='UTC'), 'pilot_id': 'lekse',
    'corrections': 3, 'corrected_until': Timestamp('2025-08-31 00:00:00')}
    >>> tmp.cleanup()
    """
    path = Path(data_dir) / DELIVERY_LOG
    if not path.is_file():
        return _no_deliveries()
    records = []
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                record, problem = _delivery(line)
                if record is None:
                    log.warning("%s, line %d: %s; the line is skipped.", path, number, problem)
                    continue
                records.append(record)
    except OSError as exc:
        log.warning("%s cannot be read (%s); corrections are not reported.", path, exc)
        return _no_deliveries()
    if not records:
        return _no_deliveries()
    frame = pd.DataFrame.from_records(records, columns=list(_DELIVERY_COLUMNS))
    frame["received_at"] = pd.to_datetime(frame["received_at"], utc=True)
    frame["corrected_until"] = pd.to_datetime(frame["corrected_until"])
    frame["corrections"] = frame["corrections"].astype("int64")
    return frame


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Changes:
    """What changed between two report sets (:func:`compare`).

    Attributes
    ----------
    kind : {"first", "later", "same", "unreadable", "compared"}
        ``first``: no previous set; ``later``: the set given is for a later date;
        ``same``: same date and the same input files; ``unreadable``: the previous set's
        tables could not be read; ``compared``: :attr:`frame` holds the changes.
    as_of : Timestamp
        The date of the report.
    previous_as_of, previous_made : Timestamp or None
        The previous set's date, and when it was made (UTC).
    same_inputs : bool
        The input files have the same SHA-256 as the previous set's.
    frame : DataFrame
        One row per change (:data:`CHANGE_COLUMNS`): ``topic`` is ``enrolled`` and
        ``fund_cost_nok`` (a row for every pilot of the report, also when 0), one of
        :data:`STATUS_TOPICS` (keys before → after), ``result_new``, ``result_gone``,
        ``evidence_rating`` (per ``measure``), ``pilot_new``, ``pilot_gone``. For counts,
        ``before`` and ``after`` hold published cells (a number, or "<k"/":"), ``change``
        the difference where it may be shown, ``sign`` its direction, ``shown`` whether it
        is "exact", "small" or "hidden"; ``before`` is None unless the difference is
        exact (it would give a hidden difference back).
    corrections : DataFrame
        Deliveries with corrections received after the previous set was made:
        ``pilot_id``, ``received_at``, ``corrections``, ``corrected_until``,
        ``reported`` (every corrected row is dated on or before the previous set's date).
    rules_changed : bool
        The two sets were rated by different rules (the agreement's thresholds): a changed
        rating may come from the rules, not the figures. False when either is not known.
    """

    kind: Kind
    as_of: pd.Timestamp
    previous_as_of: pd.Timestamp | None = None
    previous_made: pd.Timestamp | None = None
    same_inputs: bool = False
    frame: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(CHANGE_COLUMNS)))
    corrections: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["pilot_id", "received_at", "corrections", "corrected_until", "reported"]))
    rules_changed: bool = False

    def of(self, pilot_id: str) -> pd.DataFrame:
        """The rows of :attr:`frame` about one pilot."""
        return self.frame[self.frame["pilot_id"] == pilot_id]

    @property
    def total_enrolled(self) -> float | None:
        """The change in participants over the report's pilots, or None when a pilot's
        difference is not shown exactly (the total would give it back)."""
        rows = self.frame[self.frame["topic"] == "enrolled"]
        if rows.empty or not rows["shown"].eq("exact").all():
            return None
        return float(rows["change"].astype(float).sum())

    @property
    def total_fund_cost(self) -> float | None:
        """The change in fund money spent over the report's pilots."""
        rows = self.frame[self.frame["topic"] == "fund_cost_nok"]
        change = rows["change"].astype(float)
        return float(change.sum()) if len(rows) and change.notna().all() else None

    @property
    def rerated(self) -> list[str]:
        """Pilots with a status or recommendation that changed."""
        rows = self.frame[self.frame["topic"].isin(STATUS_TOPICS)]
        return list(dict.fromkeys(rows["pilot_id"]))

    @property
    def anything(self) -> bool:
        """Whether anything moved (a count, money, a rating, a result, a pilot) or was
        corrected."""
        f = self.frame
        # a difference hidden in either report may be anything: not "nothing changed"
        moving = (~f["topic"].isin(["enrolled", "fund_cost_nok"])
                  | f["shown"].isin(["small", "hidden"])
                  | f["change"].astype(float).fillna(0).ne(0))
        return bool(moving.any()) or len(self.corrections) > 0 or self.rules_changed


def _count_change(before: float, before_code: str, after: float, after_code: str,
                  k: int) -> tuple[Any, float, float, Shown]:
    """(before as shown, change, sign, shown) of a count of people (module docstring)."""
    if before_code != SHOWN or after_code != SHOWN:  # both cells were published as they are
        return _cell(before, before_code, k), math.nan, math.nan, "hidden"
    d = after - before
    sign = float(np.sign(d))
    if d == 0 or abs(d) >= k:
        return before, d, sign, "exact"
    return None, math.nan, sign, "small"


def _key(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _cell(value: float, code: str, k: int) -> Any:
    """A count as published: the number, or its mark."""
    if code == SHOWN:
        return value
    return f"<{k}" if code == PRIMARY else ":"


def compare(previous: Snapshot | None, current: Snapshot, *, min_cell_size: int,
            deliveries: pd.DataFrame | None = None) -> Changes:
    """What changed from ``previous`` to ``current`` (pure: no files are read).

    Parameters
    ----------
    previous : Snapshot or None
        The previous report set's published figures; None for the first report.
    current : Snapshot
        This report's (:func:`snapshot`).
    min_cell_size : int
        *k*: a difference of counts of people is shown only when both counts are shown
        and it is 0 or at least *k*.
    deliveries : DataFrame, optional
        :func:`read_deliveries` of the data folder: those with corrections received
        after the previous set was made, of pilots in this report, are listed.

    Returns
    -------
    Changes

    Examples
    --------
    >>> pilots = pd.DataFrame({"enrolled": [52.0], "enrolled_code": [""],
    ...     "fund_cost_nok": [1e5], "reach_status": ["yellow"], "cost_status": ["green"],
    ...     "outcome_status": ["grey"], "recommendation": ["continue"]},
    ...     index=pd.Index(["a"], name="pilot_id"))
    >>> results = pd.DataFrame({"shown": pd.Series(dtype=bool),
    ...     "evidence_rating": pd.Series(dtype=object)})
    >>> before = Snapshot(pd.Timestamp("2025-09-30"), pilots, results)
    >>> after = Snapshot(pd.Timestamp("2025-12-31"), pilots.assign(enrolled=[54.0],
    ...     reach_status=["green"]), results)
    >>> c = compare(before, after, min_cell_size=5)
    >>> c.frame[["topic", "before", "after", "shown"]].to_dict("records")[::2]
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'topic': 'enrolled', 'before': None, 'after': 54.0, 'shown': 'small'},
     {'topic': 'reach_status', 'before': 'yellow', 'after': 'green', 'shown': ''}]
    """
    k = int(min_cell_size)
    as_of = current.as_of
    if previous is None:
        return Changes("first", as_of)
    made = previous.created_utc
    same_inputs = bool(previous.inputs) and dict(previous.inputs) == dict(current.inputs)
    rules_changed = (previous.rules_sha256 is not None and current.rules_sha256 is not None
                     and previous.rules_sha256 != current.rules_sha256)
    if previous.as_of > as_of:
        return Changes("later", as_of, previous.as_of, made)
    if previous.as_of == as_of and same_inputs and not rules_changed:
        return Changes("same", as_of, previous.as_of, made, same_inputs=True)

    rows: list[dict[str, Any]] = []
    before_all, after_all = previous.pilots, current.pilots
    for pid, now in after_all.iterrows():  # a handful of pilots
        pid = str(pid)
        new = pid not in before_all.index
        was = None if new else before_all.loc[pid]
        if new:
            rows.append({"pilot_id": pid, "topic": "pilot_new"})
        b, b_code = (0.0, SHOWN) if new else (float(was["enrolled"]), str(was["enrolled_code"]))
        before, change, sign, shown = _count_change(b, b_code, float(now["enrolled"]),
                                                    str(now["enrolled_code"]), k)
        rows.append({"pilot_id": pid, "topic": "enrolled", "before": before,
                     "after": _cell(float(now["enrolled"]), str(now["enrolled_code"]), k),
                     "change": change, "sign": sign, "shown": shown})
        fb = 0.0 if new else float(was["fund_cost_nok"])
        fa = float(now["fund_cost_nok"])
        rows.append({"pilot_id": pid, "topic": "fund_cost_nok", "before": fb, "after": fa,
                     "change": fa - fb, "sign": float(np.sign(fa - fb)), "shown": "exact"})
        if new:
            continue
        for topic in STATUS_TOPICS:
            old, new_ = _key(was[topic]), _key(now[topic])
            if old is not None and new_ is not None and old != new_:
                rows.append({"pilot_id": pid, "topic": topic, "before": old, "after": new_})
    for pid in before_all.index.difference(after_all.index):
        rows.append({"pilot_id": str(pid), "topic": "pilot_gone"})

    res_b, res_a = previous.results, current.results
    known = res_b is not None and res_a is not None
    for key in res_a.index.union(res_b.index) if known else []:
        pid, measure = str(key[0]), str(key[1])
        if pid not in after_all.index or pid not in before_all.index:
            continue  # a pilot new or gone is said once, not result by result
        shown_b = bool(res_b["shown"].get(key, False))
        shown_a = bool(res_a["shown"].get(key, False))
        rating_b = _key(res_b["evidence_rating"].get(key))
        rating_a = _key(res_a["evidence_rating"].get(key))
        base = {"pilot_id": pid, "measure": measure}
        if shown_a and not shown_b:
            rows.append({**base, "topic": "result_new", "after": rating_a})
        elif shown_b and not shown_a:
            rows.append({**base, "topic": "result_gone", "before": rating_b})
        elif shown_a and rating_a is not None and rating_b is not None and rating_a != rating_b:
            rows.append({**base, "topic": "evidence_rating", "before": rating_b,
                         "after": rating_a})

    frame = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS)).astype(
        {"before": object, "after": object, "measure": object})
    frame["shown"] = frame["shown"].fillna("")
    frame = frame.astype({"change": float, "sign": float})
    for col in ("measure", "before", "after"):
        frame[col] = frame[col].where(frame[col].notna(), None)
    return Changes("compared", as_of, previous.as_of, made, same_inputs=same_inputs,
                   frame=frame, corrections=_corrections(deliveries, previous, after_all.index),
                   rules_changed=rules_changed)


def _corrections(deliveries: pd.DataFrame | None, previous: Snapshot,
                 pilots: pd.Index) -> pd.DataFrame:
    columns = ["pilot_id", "received_at", "corrections", "corrected_until", "reported"]
    if deliveries is None or deliveries.empty:
        return pd.DataFrame(columns=columns)
    # since the previous set was made; a set that does not say when: after its date
    since = previous.created_utc if previous.created_utc is not None else \
        (previous.as_of + pd.Timedelta(days=1)).tz_localize("UTC")
    d = deliveries[(deliveries["received_at"] > since) & (deliveries["corrections"] > 0)
                   & deliveries["pilot_id"].isin(pilots)]
    d = d.assign(reported=(d["corrected_until"].notna()
                           & (d["corrected_until"] <= previous.as_of)).astype(bool))
    return d.sort_values(["pilot_id", "received_at"])[columns].reset_index(drop=True)


def changes_since(reports_dir: str | Path | None, current: Snapshot, *, min_cell_size: int,
                  deliveries: pd.DataFrame | None = None,
                  agreement: str | None = None) -> Changes:
    """:func:`compare` ``current`` with the previous set in ``reports_dir``
    (:func:`find_previous`); ``kind="unreadable"`` when that set's tables cannot be read.

    Parameters
    ----------
    reports_dir : str or Path or None
        The output folder of ``pilot-eval report``; None: no previous report.
    current : Snapshot
        This report's (:func:`snapshot`).
    min_cell_size : int
        *k* of the disclosure model.
    deliveries : DataFrame, optional
        :func:`read_deliveries` of the data folder.
    agreement : str, optional
        :func:`agreement_key` of the report's agreement.

    Returns
    -------
    Changes

    Examples
    --------
    >>> import json, tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> reports = Path(tmp.name)
    >>> def publish(day, enrolled):  # a report set as ``pilot-eval report`` leaves it
    ...     folder = reports / day
    ...     folder.mkdir()
    ...     card = {"pilot_id": "lekse", "enrolled": enrolled, "fund_cost_nok": 150000,
    ...             "reach_status": "yellow", "cost_status": "green",
    ...             "outcome_status": "grey", "recommendation": "continue"}
    ...     _ = (folder / "metrics.json").write_text(json.dumps({"scorecard": [card]}))
    ...     _ = (folder / "manifest.json").write_text(json.dumps({
    ...         "package": "pilot_eval", "as_of": day, "metric_tables": "metrics.json",
    ...         "agreement": "Testavtale (2025-01-01)"}))
    >>> publish("2025-06-30", 24)
    >>> publish("2025-09-30", 40)
    >>> now = Snapshot(pd.Timestamp("2025-12-31"), pd.DataFrame({"enrolled": [52.0],
    ...     "enrolled_code": [""], "fund_cost_nok": [310000.0], "reach_status": ["green"],
    ...     "cost_status": ["green"], "outcome_status": ["grey"],
    ...     "recommendation": ["continue"]}, index=pd.Index(["lekse"], name="pilot_id")), None)
    >>> changes = changes_since(reports, now, min_cell_size=5)
    >>> changes.kind, changes.previous_as_of.date().isoformat(), changes.total_enrolled
    ('compared', '2025-09-30', 12.0)
    >>> changes_since(None, now, min_cell_size=5).kind
    'first'
    >>> tmp.cleanup()
    """
    found = find_previous(reports_dir, current.as_of, agreement) \
        if reports_dir is not None else None
    if found is None:
        return compare(None, current, min_cell_size=min_cell_size)
    previous = read_snapshot(found, min_cell_size=min_cell_size) if found.readable else None
    if previous is None:
        return Changes("unreadable", current.as_of, found.as_of, found.created_utc)
    return compare(previous, current, min_cell_size=min_cell_size, deliveries=deliveries)


# --------------------------------------------------------------------------- words


def heading(changes: Changes, language: str = "nb") -> str:
    """"Endringer siden forrige rapport (30. september 2025)" (without a date when there
    is nothing to compare with).

    Parameters
    ----------
    changes : Changes
        :func:`compare` or :func:`changes_since`.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str

    Examples
    --------
    >>> pilots = pd.DataFrame({"enrolled": [40.0], "enrolled_code": [""],
    ...     "fund_cost_nok": [150000.0], "reach_status": ["yellow"], "cost_status": ["green"],
    ...     "outcome_status": ["grey"], "recommendation": ["continue"]},
    ...     index=pd.Index(["lekse"], name="pilot_id"))
    >>> results = pd.DataFrame({"shown": [False], "evidence_rating": [None]},
    ...     index=pd.MultiIndex.from_tuples([("lekse", "trivsel")], names=["pilot_id", "measure"]))
    >>> before = Snapshot(pd.Timestamp("2025-09-30"), pilots, results)
    >>> after = Snapshot(pd.Timestamp("2025-12-31"), pilots.assign(enrolled=[52.0],
    ...     fund_cost_nok=[310000.0], reach_status=["green"]),
    ...     results.assign(shown=[True], evidence_rating=["moderate"]))
    >>> changes = compare(before, after, min_cell_size=5)
    >>> heading(changes, "en")
    'Changes since the last report (30\xa0September 2025)'
    >>> heading(Changes("first", pd.Timestamp("2025-12-31")))
    'Endringer siden forrige rapport'
    """
    if changes.kind in ("compared", "same") and changes.previous_as_of is not None:
        return text.message("changes.heading_dated", language,
                            date=fmt.date(changes.previous_as_of, language=language))
    return text.message("changes.heading", language)


def _plain_kind(changes: Changes, language: str) -> list[str] | None:
    """The one sentence of a report with nothing to compare, or None."""
    if changes.kind == "first":
        return [text.message("changes.first", language)]
    when = {"date": fmt.date(changes.previous_as_of, language=language)} \
        if changes.previous_as_of is not None else {}
    if changes.kind == "later":
        return [text.message("changes.later", language, **when)]
    if changes.kind == "unreadable":
        return [text.message("changes.unreadable", language, **when)]
    if changes.kind == "same":
        made = changes.previous_made if changes.previous_made is not None \
            else changes.previous_as_of
        return [text.message("changes.same", language, made=fmt.date(made, language=language))]
    return None


def _kroner(x: float, language: str) -> str:
    """An amount of kroner for running text: millions with two decimals from 100 000 kr
    (as the money table), whole thousands below (as the summary)."""
    x = abs(float(x))
    if x >= 1e5:
        return fmt.mnok(x, decimals=2, language=language)
    return fmt.nok(round(x, -3) if x >= 1000 else round(x), language=language)


def summary_sentences(changes: Changes, language: str = "nb", *,
                      names: Mapping[str, str] | None = None) -> list[str]:
    """The portfolio's paragraph on what moved: participants and money in all, how many
    pilots were rated differently, new results, pilots no longer reported; the data files
    unchanged; or that nothing changed. A report with nothing to compare says that in one
    sentence.

    Parameters
    ----------
    changes : Changes
        :func:`compare` or :func:`changes_since`.
    language : {"nb", "en"}, default "nb"
    names : mapping, optional
        Pilot names by ``pilot_id`` (for pilots no longer reported).

    Returns
    -------
    list of str

    Examples
    --------
    >>> pilots = pd.DataFrame({"enrolled": [40.0], "enrolled_code": [""],
    ...     "fund_cost_nok": [150000.0], "reach_status": ["yellow"], "cost_status": ["green"],
    ...     "outcome_status": ["grey"], "recommendation": ["continue"]},
    ...     index=pd.Index(["lekse"], name="pilot_id"))
    >>> results = pd.DataFrame({"shown": [False], "evidence_rating": [None]},
    ...     index=pd.MultiIndex.from_tuples([("lekse", "trivsel")], names=["pilot_id", "measure"]))
    >>> before = Snapshot(pd.Timestamp("2025-09-30"), pilots, results)
    >>> after = Snapshot(pd.Timestamp("2025-12-31"), pilots.assign(enrolled=[52.0],
    ...     fund_cost_nok=[310000.0], reach_status=["green"]),
    ...     results.assign(shown=[True], evidence_rating=["moderate"]))
    >>> changes = compare(before, after, min_cell_size=5)
    >>> for sentence in summary_sentences(changes, "en"):
    ...     print(sentence.replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    This section shows what has changed since the last report, which showed the situation as of
    30 September 2025. Together, the pilots have 12 more participants than at the last report.
    The pilots have spent NOK 0.16 million more from the fund. 1 pilot has been rated
    differently. 1 result for residents is shown for the first time; how strong its evidence is,
    is said beside it.
    >>> summary_sentences(Changes("first", pd.Timestamp("2025-12-31")), "en")
    ... # doctest: +NORMALIZE_WHITESPACE
    ['There is no earlier report to compare with. The next report will show what has changed
    since this one.']
    """
    plain = _plain_kind(changes, language)
    if plain is not None:
        return plain
    said = [text.message("changes.intro", language,
                         date=fmt.date(changes.previous_as_of, language=language))]
    if not changes.anything:
        said.append(text.message("changes.nothing", language))
        return [" ".join(said)]
    n = changes.total_enrolled
    if n is not None:
        key = "changes.total_up" if n > 0 else "changes.total_down" if n < 0 else \
            "changes.total_same"
        said.append(text.message(key, language,
                                 n=fmt.count(abs(n), suppress=False, language=language)))
    money = changes.total_fund_cost
    if money is not None and math.isfinite(money):  # unknown (an unreadable before): unsaid
        key = "changes.money_up" if money > 0 else "changes.money_down" if money < 0 else \
            "changes.money_same"
        said.append(text.message(key, language, amount=_kroner(money, language)))
    rerated = len(changes.rerated)
    said.append(text.plural("changes.rated", rerated, language) if rerated else
                text.message("changes.rated_none", language))
    new = int((changes.frame["topic"] == "result_new").sum())
    if new:
        said.append(text.plural("changes.results", new, language))
    names = names or {}
    for pid in changes.frame.loc[changes.frame["topic"] == "pilot_gone", "pilot_id"]:
        said.append(text.message("changes.pilot_gone", language,
                                 name=names.get(str(pid), str(pid))))
    if changes.rules_changed:  # then not "the changes come from the later date" alone
        said.append(text.message("changes.rules_changed", language))
    elif changes.same_inputs:
        said.append(text.message("changes.same_inputs", language))
    return [" ".join(said)]


def status_change(row: Mapping[str, Any], language: str = "nb",
                  measure_label: str | None = None) -> str:
    """A rating or result that changed, in words: "Rekkevidde: usikker → god",
    "Anbefaling: videreføre → justere", "Nytt resultat: Trivsel (evidensen er moderat)".

    Parameters
    ----------
    row : mapping
        A row of :attr:`Changes.frame` whose ``topic`` is a rating or a result.
    language : {"nb", "en"}, default "nb"
    measure_label : str, optional
        The measure's label (default: its key).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        When the row's topic is no rating or result (a count, money, a pilot).

    Examples
    --------
    >>> status_change({"topic": "reach_status", "before": "yellow", "after": "green"}, "en")
    'Reach: uncertain → good'
    >>> status_change({"topic": "recommendation", "before": "continue", "after": "adjust"})
    'Anbefaling: videreføre → justere'
    >>> status_change({"topic": "result_new", "measure": "trivsel", "after": "moderate"}, "en",
    ...               "Well-being")
    'New result: Well-being (moderate evidence)'
    """
    topic = row["topic"]
    if topic in STATUS_TOPICS:
        if topic == "recommendation":
            what = text.label("recommendation.word", language)
            before = text.recommendation_word(row["before"], language)
            after = text.recommendation_word(row["after"], language)
        else:
            what = text.label(topic.removesuffix("_status"), language)
            before = text.status_word(row["before"], language)
            after = text.status_word(row["after"], language)
        return text.message("changes.status", language, what=what, before=before, after=after)
    label = measure_label or str(row.get("measure"))
    if topic == "result_new":
        if row.get("after") is None:
            return text.message("changes.result_new_unrated", language, label=label)
        return text.message("changes.result_new", language, label=label,
                            rating=text.evidence_word(row["after"], language))
    if topic == "result_gone":
        return text.message("changes.result_gone", language, label=label)
    if topic == "evidence_rating":
        return text.message("changes.rating", language, label=label,
                            before=text.evidence_word(row["before"], language),
                            after=text.evidence_word(row["after"], language))
    raise ValueError(f"topic {topic!r} is not a rating or a result")


_RATED = (*STATUS_TOPICS, "result_new", "result_gone", "evidence_rating")


def rated_changes(changes: Changes, pilot_id: str, language: str = "nb",
                  measure_labels: Mapping[str, str] | None = None) -> list[str]:
    """The ratings and results of one pilot that changed, in words, in reading order.

    Parameters
    ----------
    changes : Changes
        :func:`compare` or :func:`changes_since`.
    pilot_id : str
    language : {"nb", "en"}, default "nb"
    measure_labels : mapping, optional
        Measure labels by key (default: the keys).

    Returns
    -------
    list of str

    Examples
    --------
    >>> pilots = pd.DataFrame({"enrolled": [40.0], "enrolled_code": [""],
    ...     "fund_cost_nok": [150000.0], "reach_status": ["yellow"], "cost_status": ["green"],
    ...     "outcome_status": ["grey"], "recommendation": ["continue"]},
    ...     index=pd.Index(["lekse"], name="pilot_id"))
    >>> results = pd.DataFrame({"shown": [False], "evidence_rating": [None]},
    ...     index=pd.MultiIndex.from_tuples([("lekse", "trivsel")], names=["pilot_id", "measure"]))
    >>> before = Snapshot(pd.Timestamp("2025-09-30"), pilots, results)
    >>> after = Snapshot(pd.Timestamp("2025-12-31"), pilots.assign(enrolled=[52.0],
    ...     fund_cost_nok=[310000.0], reach_status=["green"]),
    ...     results.assign(shown=[True], evidence_rating=["moderate"]))
    >>> changes = compare(before, after, min_cell_size=5)
    >>> rated_changes(changes, "lekse", "en", measure_labels={"trivsel": "Well-being"})
    ['Reach: uncertain → good', 'New result: Well-being (moderate evidence)']
    >>> rated_changes(changes, "lekse")
    ['Rekkevidde: usikker → god', 'Nytt resultat: trivsel (evidensen er moderat)']
    """
    rows = changes.of(pilot_id)
    rows = rows[rows["topic"].isin(_RATED)]
    labels = measure_labels or {}
    return [status_change(r, language, labels.get(str(r["measure"])))
            for r in rows.to_dict("records")]


def pilot_sentences(changes: Changes, pilot_id: str, language: str = "nb", *,
                    min_cell_size: int, measure_labels: Mapping[str, str] | None = None,
                    names: Mapping[str, str] | None = None) -> list[str]:
    """What changed for one pilot, a sentence each (the pilot report's list): its
    participants and fund money now and the difference, the ratings and results that
    changed, the deliveries that corrected its data; a report with nothing to compare says
    that in one sentence.

    Parameters
    ----------
    changes : Changes
        :func:`compare` or :func:`changes_since`.
    pilot_id : str
    language : {"nb", "en"}, default "nb"
    min_cell_size : int
        *k*: a count or a difference of counts below it is not said.
    measure_labels : mapping, optional
        Measure labels by key (default: the keys).
    names : mapping, optional
        Pilot names by ``pilot_id``.

    Returns
    -------
    list of str

    Examples
    --------
    >>> pilots = pd.DataFrame({"enrolled": [40.0], "enrolled_code": [""],
    ...     "fund_cost_nok": [150000.0], "reach_status": ["yellow"], "cost_status": ["green"],
    ...     "outcome_status": ["grey"], "recommendation": ["continue"]},
    ...     index=pd.Index(["lekse"], name="pilot_id"))
    >>> results = pd.DataFrame({"shown": [False], "evidence_rating": [None]},
    ...     index=pd.MultiIndex.from_tuples([("lekse", "trivsel")], names=["pilot_id", "measure"]))
    >>> before = Snapshot(pd.Timestamp("2025-09-30"), pilots, results)
    >>> after = Snapshot(pd.Timestamp("2025-12-31"), pilots.assign(enrolled=[52.0],
    ...     fund_cost_nok=[310000.0], reach_status=["green"]),
    ...     results.assign(shown=[True], evidence_rating=["moderate"]))
    >>> changes = compare(before, after, min_cell_size=5)
    >>> for sentence in pilot_sentences(changes, "lekse", "en", min_cell_size=5,
    ...                                 measure_labels={"trivsel": "Well-being"}):
    ...     print(sentence.replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    The pilot has 52 participants, 12 more than at the last report.
    The pilot has spent NOK 0.31 million from the fund, NOK 0.16 million more than at the last
    report.
    Reach: uncertain → good.
    New result: Well-being (moderate evidence).
    """
    plain = _plain_kind(changes, language)
    if plain is not None:
        return plain
    k = int(min_cell_size)
    rows = changes.of(pilot_id)
    if (rows["topic"] == "pilot_new").any():  # its figures are in the report; no "before"
        return [text.message("changes.pilot_new", language),
                *correction_sentences(changes, language, names=names, pilot_id=pilot_id)]
    said: list[str] = []
    enrolled = rows[rows["topic"] == "enrolled"]
    if len(enrolled):
        said += _enrolled_sentence(enrolled.iloc[0], k, language)
    money = rows[rows["topic"] == "fund_cost_nok"]
    if len(money) and math.isfinite(float(money.iloc[0]["change"])) \
            and math.isfinite(float(money.iloc[0]["after"])):
        r = money.iloc[0]
        change = float(r["change"])
        key = "changes.money_pilot_up" if change > 0 else "changes.money_pilot_down" \
            if change < 0 else "changes.money_pilot_same"
        said.append(text.message(key, language, now=_kroner(r["after"], language),
                                 amount=_kroner(change, language)))
    rated = rated_changes(changes, pilot_id, language, measure_labels)
    said += [s + "." for s in rated] or [text.message("changes.rated_pilot_none", language)]
    said += correction_sentences(changes, language, names=names, pilot_id=pilot_id)
    if changes.rules_changed:  # then not "the changes come from the later date" alone
        said.append(text.message("changes.rules_changed", language))
    elif changes.same_inputs:
        said.append(text.message("changes.same_inputs", language))
    return said


def _enrolled_sentence(r: pd.Series, k: int, language: str) -> list[str]:
    """The pilot's participants now and the difference, as far as it may be said."""
    after, before = r["after"], r["before"]
    if isinstance(after, str) and not after.startswith("<"):
        return []  # hidden to protect another count: nothing to say of it
    now = text.people(1 if isinstance(after, str) else after, k, language)
    if r["shown"] == "exact":
        change = float(r["change"])
        key = "changes.enrolled_up" if change > 0 else "changes.enrolled_down" \
            if change < 0 else "changes.enrolled_same"
        n = fmt.count(abs(change), suppress=False, language=language)
        return [text.message(key, language, now=now, n=n)]
    if r["shown"] == "small":  # only the direction: 1 to k - 1 more or fewer
        key = "changes.enrolled_up" if r["sign"] > 0 else "changes.enrolled_down"
        return [text.message(key, language, now=now, n=f"1\u2013{k - 1}")]
    if isinstance(before, str) and before.startswith("<") and not isinstance(after, str):
        return [text.message("changes.enrolled_was_small", language, now=now, k=k)]
    return [text.message("changes.enrolled_now", language, now=now)]


def correction_sentences(changes: Changes, language: str = "nb", *,
                         names: Mapping[str, str] | None = None,
                         pilot_id: str | None = None) -> list[str]:
    """"Data for perioder som alt var rapportert, er rettet (Leksehjelp, levert 12. april
    2026).": one sentence per pilot (and per kind: periods already in a report, or data
    only delivered before), the delivery dates joined.

    Parameters
    ----------
    changes : Changes
        :func:`compare` or :func:`changes_since`.
    language : {"nb", "en"}, default "nb"
    names : mapping, optional
        Pilot names by ``pilot_id``.
    pilot_id : str, optional
        Only this pilot's corrections (a pilot report).

    Returns
    -------
    list of str

    Examples
    --------
    >>> pilots = pd.DataFrame({"enrolled": [40.0], "enrolled_code": [""],
    ...     "fund_cost_nok": [150000.0], "reach_status": ["yellow"], "cost_status": ["green"],
    ...     "outcome_status": ["grey"], "recommendation": ["continue"]},
    ...     index=pd.Index(["lekse"], name="pilot_id"))
    >>> results = pd.DataFrame({"shown": [False], "evidence_rating": [None]},
    ...     index=pd.MultiIndex.from_tuples([("lekse", "trivsel")], names=["pilot_id", "measure"]))
    >>> before = Snapshot(pd.Timestamp("2025-09-30"), pilots, results)
    >>> after = Snapshot(pd.Timestamp("2025-12-31"), pilots.assign(enrolled=[52.0],
    ...     fund_cost_nok=[310000.0], reach_status=["green"]),
    ...     results.assign(shown=[True], evidence_rating=["moderate"]))
    >>> changes = compare(before, after, min_cell_size=5)
    >>> deliveries = pd.DataFrame({"received_at": pd.to_datetime(["2025-11-12T09:00:00Z"]),
    ...     "pilot_id": ["lekse"], "corrections": [3],
    ...     "corrected_until": pd.to_datetime(["2025-08-31"])})
    >>> corrected = compare(before, after, min_cell_size=5, deliveries=deliveries)
    >>> correction_sentences(corrected, "en", names={"lekse": "Leksehjelp Øst"})
    ... # doctest: +NORMALIZE_WHITESPACE
    ['Data for periods already reported have been corrected (Leksehjelp Øst, delivered
    12\xa0November 2025).']
    >>> correction_sentences(changes, "en")
    []
    """
    c = changes.corrections
    if pilot_id is not None:
        c = c[c["pilot_id"] == pilot_id]
    names = names or {}
    said = []
    for (pid, reported), group in c.groupby(["pilot_id", "reported"], sort=False):
        # the day in Norway, where the data were delivered
        days = list(dict.fromkeys(fmt.date(t.tz_convert("Europe/Oslo").date(), language=language)
                                  for t in group["received_at"]))
        dates = days[0] if len(days) == 1 else \
            f"{', '.join(days[:-1])} {text.message('sum.and', language)} {days[-1]}"
        key = "changes.corrected_reported" if reported else "changes.corrected_delivered"
        said.append(text.message(key, language, name=names.get(str(pid), str(pid)), dates=dates))
    return said
