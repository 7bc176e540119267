"""What a data folder must contain, and the checks that tell a person what is wrong with it.

Three steps, each reporting *every* problem with file, spreadsheet row, column, value and
a message in Norwegian and English (DESIGN §2):

1. **typing** — text cells become numbers, dates, booleans and categories; a cell that
   cannot be read is reported, never guessed (``"1.234"`` in a semicolon file is reported
   as ambiguous, not read as 1.234 or 1234);
2. **table rules** — ranges, allowed values, patterns, uniqueness and empty cells, from
   the column specifications below (:func:`value_failures`, :func:`check_table`);
3. **cross-table rules** — foreign keys, date order, dates outside the agreement or pilot
   period (warnings), comparison persons who are participants, values outside a measure's
   scale, national identity numbers (refused).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import grouped, problems_frame, show_controls
from .io import MAX_ABS_NUMBER, MAX_YEAR, MIN_YEAR
from .privacy import looks_like_identity_number, mask_identity_numbers

Kind = Literal["id", "text", "int", "float", "date", "month", "bool", "enum"]

#: How many rows of one kind of problem in one column are listed before a summary line.
MAX_ROWS_PER_PROBLEM = 50

PILOT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"


@dataclass(frozen=True)
class Col:
    """One column of a table: its type and the rules its values follow."""

    name: str
    kind: Kind
    required: bool = True  # the column must be present
    nullable: bool = False  # empty cells allowed
    default: Any = None  # value for empty cells / a missing optional column
    choices: tuple[str, ...] = ()
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    pattern: str | None = None
    unique: bool = False
    aliases: tuple[str, ...] = ()
    month_ok: bool = False  # a date column that also takes a month (YYYY-MM → its first day)


@dataclass(frozen=True)
class TableSpec:
    """A table of the data folder."""

    name: str
    required: bool
    columns: tuple[Col, ...]
    unique_on: tuple[str, ...] = ()
    label_nb: str = ""
    label_en: str = ""

    def col(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)


FUNDERS = ("fund", "municipality", "ferd", "entrepreneur", "other")
EXIT_REASONS = ("completed", "dropped_out", "moved", "other")
GENDERS = ("female", "male", "other", "unknown")
GROUPS = ("pilot", "comparison")
TIMEPOINTS = ("baseline", "followup")
BASES = ("per_success", "per_unit")
CONFIDENCE = ("low", "medium", "high")
#: How a pilot's comparison group was formed (the evidence rating's ceiling depends on it).
COMPARISON_TYPES = ("randomised", "matched", "other")
PUBLIC_FUNDERS = ("fund", "municipality")
#: What a cost line pays for: start-up costs are not projected forward, fixed costs stay
#: fixed when more people take part, variable costs grow with them (metrics/decision.py).
COST_TYPES = ("start_up", "fixed", "variable")
#: An organisation's income sources in the ``finances`` table, each a column ``{source}_nok``.
#: ``fund`` and ``municipality`` together are the money from the municipality.
INCOME_SOURCES = ("fund", "municipality", "ferd", "other_public", "private_customers",
                  "donations", "other_income")

def organisation_key(names: pd.Series) -> pd.Series:
    """An organisation's name as compared across tables: case and spacing do not count
    ("Lekselyst  bærum AS" is "Lekselyst Bærum AS").

    Parameters
    ----------
    names : pandas.Series
        Organisation names as written.

    Returns
    -------
    pandas.Series of str
        The names case-folded, with runs of whitespace made one space and the ends stripped.

    Examples
    --------
    >>> organisation_key(pd.Series(["Lekselyst  bærum AS", " LEKSELYST Bærum as"])).tolist()
    ['lekselyst bærum as', 'lekselyst bærum as']
    """
    return names.astype(str).str.casefold().str.split().str.join(" ")


TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec("pilots", True, (
            Col("pilot_id", "id", pattern=PILOT_ID_PATTERN, unique=True),
            Col("name", "text"),
            Col("organisation", "text"),
            Col("org_number", "text", required=False, nullable=True),
            Col("target_group", "text", nullable=True),
            Col("target_age_min", "int", ge=0, le=120),
            Col("target_age_max", "int", ge=0, le=120),
            Col("target_areas", "text", required=False, nullable=True),
            Col("start_date", "date"),
            Col("end_date", "date"),
            Col("grant_nok", "float", ge=0),
            Col("reach_target", "int", ge=0),
            Col("primary_measure", "text", required=False, nullable=True),
            Col("comparison_type", "enum", required=False, nullable=True,
                choices=COMPARISON_TYPES),
        ), label_nb="pilotene", label_en="the pilots"),
        TableSpec("costs", True, (
            Col("pilot_id", "id"),
            Col("date", "date", aliases=("month",), month_ok=True),
            Col("funder", "enum", choices=FUNDERS),
            Col("in_kind", "bool", required=False, default=False),
            Col("amount_nok", "float"),
            Col("description", "text", required=False, nullable=True),
            Col("cost_type", "enum", required=False, default="variable", choices=COST_TYPES),
        ), label_nb="kostnadene", label_en="the costs"),
        TableSpec("participants", True, (
            Col("participant_id", "id"),
            Col("pilot_id", "id"),
            Col("enrolled_on", "date"),
            Col("exited_on", "date", required=False, nullable=True),
            Col("exit_reason", "enum", required=False, nullable=True, choices=EXIT_REASONS),
            Col("birth_year", "int", required=False, nullable=True, ge=1900, le=2100),
            Col("gender", "enum", choices=GENDERS, required=False, default="unknown"),
            Col("area", "text", required=False, nullable=True),
        ), unique_on=("pilot_id", "participant_id")),
        TableSpec("sessions", False, (
            Col("pilot_id", "id"),
            Col("participant_id", "id"),
            Col("date", "date"),
            Col("hours", "float", gt=0, le=24),
        )),
        TableSpec("measures", False, (
            Col("measure", "id", unique=True),
            Col("label_nb", "text"),
            Col("label_en", "text"),
            Col("unit", "text", nullable=True),
            Col("higher_is_better", "bool"),
            Col("scale_min", "float", required=False, nullable=True),
            Col("scale_max", "float", required=False, nullable=True),
            Col("mid", "float", gt=0),
            Col("reliability", "float", required=False, nullable=True, ge=0, le=1),
            Col("sd_reference", "float", required=False, nullable=True, gt=0),
            Col("mean_reference", "float", required=False, nullable=True),
            Col("success_threshold", "float", required=False, nullable=True),
        )),
        TableSpec("outcomes", False, (
            Col("pilot_id", "id"),
            Col("participant_id", "id"),
            Col("group", "enum", choices=GROUPS),
            Col("measure", "id"),
            Col("timepoint", "enum", choices=TIMEPOINTS),
            Col("measured_on", "date"),
            Col("value", "float"),
            Col("cluster", "text", required=False, nullable=True),
        ), unique_on=("pilot_id", "participant_id", "group", "measure", "timepoint")),
        TableSpec("indicators", False, (
            Col("series", "id"),
            Col("pilot_id", "id"),
            Col("month", "month"),
            Col("value", "float", ge=0),
            Col("population", "float", required=False, nullable=True, gt=0),
        ), unique_on=("series", "month")),
        TableSpec("population", False, (
            Col("year", "int", ge=1900, le=2100),
            Col("area", "text", default="all", required=False),
            Col("age", "int", ge=0, le=130),
            Col("gender", "enum", required=False, nullable=True, choices=GENDERS),
            Col("count", "float", ge=0),
        ), unique_on=("year", "area", "age", "gender")),
        TableSpec("valuation", False, (
            Col("measure", "id"),
            Col("basis", "enum", choices=BASES),
            Col("value_nok", "float", ge=0),
            Col("deadweight", "float", ge=0, le=1),
            Col("attribution", "float", ge=0, le=1),
            Col("displacement", "float", ge=0, le=1),
            Col("drop_off", "float", ge=0, le=1),
            Col("duration_years", "int", ge=1, le=100),
            Col("source", "text"),
            Col("confidence", "enum", choices=CONFIDENCE),
        ), unique_on=("measure",)),
        # what the municipality pays today for a comparable service, per participant per year
        TableSpec("alternatives", False, (
            Col("alternative", "id", unique=True, pattern=PILOT_ID_PATTERN),
            Col("name", "text"),
            Col("unit_cost_nok", "float", gt=0),
            Col("year", "int", ge=1900, le=2100),
            Col("source", "text"),
            Col("pilot_ids", "text", required=False, nullable=True),  # ";"-separated; empty: all
        ), unique_on=("alternative",)),
        # an organisation's income by source and its total costs, per year (no personal data)
        TableSpec("finances", False, (
            Col("organisation", "text"),
            Col("year", "int", ge=1900, le=2100),
            *(Col(f"{source}_nok", "float", required=False, nullable=True, default=0.0, ge=0)
              for source in INCOME_SOURCES),
            Col("total_costs_nok", "float", required=False, nullable=True, ge=0),
            Col("ferd_investment_nok", "float", required=False, nullable=True, default=0.0, ge=0),
        ), unique_on=("organisation", "year")),
    )
}

TABLE_LABELS_NB = {
    "pilots": "pilottabellen", "costs": "kostnadstabellen", "participants": "deltakertabellen",
    "sessions": "oppmøtetabellen", "measures": "tabellen over resultatmål",
    "outcomes": "resultattabellen", "indicators": "indikatortabellen",
    "population": "befolkningstabellen", "valuation": "verdsettingstabellen",
    "alternatives": "tabellen over dagens tilbud", "finances": "tabellen over virksomhetens økonomi",
}

# --- agreement.toml ---------------------------------------------------------------------

#: Scorecard thresholds (DESIGN §3); ``[rules]`` in agreement.toml may override them.
DEFAULT_RULES: dict[str, float] = {
    "reach_green": 0.9,  # enrolled / (reach_target × elapsed_share) at or above: green
    "reach_yellow": 0.6,
    # before this share of the period, few enrolled is at most yellow: recruiting takes
    # time to get going, and a ratio from a month or two rests on a handful of people
    "reach_red_after_elapsed": 0.25,
    "cost_green": 1.1,  # grant_used_share / elapsed_share at or below: green
    "cost_yellow": 1.3,
    "cost_underuse": 0.5,  # below: yellow (money not being used is a delivery risk)
    # before this share of the period, fast spending is at most yellow: a run-rate from a
    # few months is mostly start-up costs paid up front (text.MIN_ELAPSED_FOR_FORECAST alike)
    "cost_red_after_elapsed": 0.25,
    "outcome_min_n": 10,  # fewer people with baseline and follow-up: grey
    "adjust_before_elapsed": 0.5,  # a red outcome before this share of the period: adjust
    # evidence rating (metrics/evidence.py, docs/metrics.md "Evidence rating")
    "outcome_min_evidence": 2,  # green or red outcome needs at least this level (2 = moderate)
    "outcome_attrition_cap": 0.4,  # more missing follow-ups (of those due): never green
    "evidence_attrition_max": 0.2,  # one-group attrition above this lowers the rating
    "evidence_comparison_ratio": 0.5,  # comparison group smaller than this × pilot group
    "evidence_imbalance_max": 0.25,  # |standardised baseline difference| above this
    "evidence_ceiling_share": 0.15,  # share of baselines at a scale limit above this
    "evidence_rtm_share_of_mid": 0.5,  # regression to the mean ≥ this × MID (before/after)
    "evidence_min_clusters": 10,  # fewer clusters in all lowers the rating
    "its_min_pre_months": 24,  # fewer months before a time series' start lowers its rating
}

AGREEMENT_KEYS: dict[str, tuple[str, Any]] = {
    # key: (kind, default — None means required)
    "name": ("text", None),
    "municipality": ("text", None),
    "start": ("date", None),
    "end": ("date", None),
    "annual_budget_nok": ("float", None),
    "discount_rate": ("float", 0.04),
    "tax_financing_cost": ("float", 0.20),
    "min_cell_size": ("int", 5),
    "allow_small_cells": ("bool", False),  # min_cell_size 1 or 2, stated in the reports
    "language": ("text", "nb"),
    # scenario (c) after the agreement: the share of the target population reached each year
    "scale_up_share": ("float", 0.10),
}
#: The smallest ``min_cell_size`` accepted without ``allow_small_cells = true``.
MIN_CELL_SIZE_FLOOR = 3


def known_columns(table: str) -> set[str]:
    """Names (and aliases) of the columns a table knows; empty for unknown tables.

    Parameters
    ----------
    table : str
        A table's name (a key of :data:`TABLES`).

    Returns
    -------
    set of str

    Examples
    --------
    >>> sorted(known_columns("sessions"))
    ['date', 'hours', 'participant_id', 'pilot_id']
    >>> "month" in known_columns("costs")  # an alias of costs.date
    True
    >>> known_columns("nonsense")
    set()
    """
    spec = TABLES.get(table)
    if spec is None:
        return set()
    return {c.name for c in spec.columns} | {a for c in spec.columns for a in c.aliases}


# --- problem helpers ----------------------------------------------------------------------

def _fmt_value(v: Any) -> str:
    if isinstance(v, (pd.Timestamp, _dt.date)):
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    if isinstance(v, float) and float(v).is_integer():
        return str(int(v))
    return str(v)


#: A capped list's "… and N more rows" is written once per pilot for up to this many pilots.
_PILOTS_PER_SUMMARY = 10


class Problems:
    """Collects problems; caps identical ones per column so huge files stay readable.

    ``pilots_per_summary``: a capped list's "… and N more rows" is written per pilot for
    up to this many pilots, else once for them all (None: always per pilot).
    """

    def __init__(self, pilots_per_summary: int | None = _PILOTS_PER_SUMMARY) -> None:
        self.records: list[dict[str, Any]] = []
        self.pilots_per_summary = pilots_per_summary

    def add(self, file: str, rule: str, nb: str, en: str, *, row: Any = None,
            column: str | None = None, value: Any = None, severity: str = "error",
            pilot_id: Any = None, count: int = 1) -> None:
        self.records.append({
            "file": file, "row": None if row is None or pd.isna(row) else int(row),
            "column": column, "value": None if value is None else _fmt_value(value),
            "severity": severity, "rule": rule, "message_nb": nb, "message_en": en,
            "pilot_id": None if pilot_id is None or pd.isna(pilot_id) else str(pilot_id),
            "count": count,
        })

    def add_rows(self, file: str, rule: str, values: pd.Series, nb: str | Callable[[str], str],
                 en: str | Callable[[str], str], *, column: str | None,
                 severity: str = "error", mask_value: bool = False,
                 pilot_ids: pd.Series | None = None) -> None:
        """Add one problem per row of ``values`` (index = spreadsheet row), capped.

        ``pilot_ids`` (same index) names the pilot of each row; the rows after the first
        :data:`MAX_ROWS_PER_PROBLEM` get one "… and N more rows" line per pilot (so that a
        pilot's report counts only its own), one for the rows of no pilot, or a single one
        for no pilot in particular when they name more than ``pilots_per_summary`` pilots.
        """
        if len(values) == 0:
            return
        pilots = (pd.Series(None, index=values.index, dtype=object) if pilot_ids is None
                  else pilot_ids.reindex(values.index).astype(object))
        shown = values.iloc[:MAX_ROWS_PER_PROBLEM]
        texts = ["" if value is None or pd.isna(value) else _fmt_value(value)
                 for value in shown.tolist()]
        if mask_value:  # no digit of an identity number, so no birth date, in a message
            texts = mask_identity_numbers(pd.Series(texts, dtype=object)).tolist()
        for row, text, pilot in zip(shown.index, texts, pilots.iloc[:len(shown)].tolist()):
            self.add(file, rule, nb(text) if callable(nb) else nb, en(text) if callable(en) else en,
                     row=row, column=column, value=text, severity=severity, pilot_id=pilot)
        rest = len(values) - len(shown)
        if rest > 0:
            # one line per pilot (a pilot's report counts only its own rows), unless the
            # rows name many: then one line, for no pilot in particular
            codes, named = pd.factorize(pilots.iloc[len(shown):])
            unnamed = int((codes < 0).sum())
            per_pilot = np.bincount(codes[codes >= 0], minlength=len(named)).tolist()
            many = self.pilots_per_summary is not None and len(named) > self.pilots_per_summary
            lines = ([(None, rest)] if many else
                     [*zip(named.tolist(), per_pilot), *[(None, unnamed)] * bool(unnamed)])
            for pilot, n in lines:
                which_nb = f" for piloten «{pilot}»" if pilot is not None and len(lines) > 1 else ""
                which_en = f" for pilot '{pilot}'" if pilot is not None and len(lines) > 1 else ""
                (n_nb, n_en), one = grouped(n), n == 1
                self.add(file, rule,
                         f"… og {n_nb} {'rad' if one else 'rader'} til med samme problem i "
                         f"kolonnen «{column}»{which_nb}.",
                         f"… and {n_en} more {'row' if one else 'rows'} with the same problem "
                         f"in column '{column}'{which_en}.",
                         column=column, severity=severity, pilot_id=pilot, count=int(n))

    def frame(self) -> pd.DataFrame:
        return problems_frame(self.records)


# --- typing: text → values ---------------------------------------------------------------

#: A currency unit before or after an amount ("kr 12", "12 NOK", "1.500,-"): not the number.
_UNIT = re.compile(r"^(?:kr\.?|NOK)\s*|\s*(?:kr\.?|NOK|,-)$", re.IGNORECASE)
_SPACE_GROUPED = re.compile(r"^[-+]?\d{1,3}([ \u00a0\u202f]\d{3})+([.,]\d+)?$")
_DOT_GROUPED = r"^[-+]?[1-9]\d{0,2}(\.\d{3})+$"  # "0.125" is no thousands
_DOT_GROUPED_COMMA_DEC = r"^[-+]?\d{1,3}(\.\d{3})+,\d+$"
_COMMA_GROUPED = r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$"
_COMMA_DEC = r"^[-+]?\d*,\d+$"
_ONE_COMMA_GROUP = r"^[-+]?[1-9]\d{0,2},\d{3}$"  # 1,234: 1234 in English, 1.234 in Norwegian
#: Numbers that read the same whatever the separator: digits, in a comma-separated file (or a
#: spreadsheet) with a decimal point; or an empty cell.
_PLAIN_NUMBER = r"(?:[-+]?[0-9]+(?:\.[0-9]+)?)?"
_PLAIN_INTEGER = r"(?:[-+]?[0-9]+)?"
_DOT_DEC = r"^[-+]?\d*\.\d+$"


def parse_number(text: pd.Series, sep: str | None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Read numbers written the way spreadsheets export them.

    Accepts spaces (also non-breaking) as thousands separators, a ``kr``/``NOK`` unit, the
    Unicode minus sign, and, in semicolon- or tab-separated files and in a spreadsheet's
    text cells, a decimal comma (in a spreadsheet not ``"1,234"``, which could be 1234). In such
    files ``"1.234"`` alone could be 1234 (thousands) or 1.234 (decimal point): when the
    rest of the column does not settle it (other decimal commas → thousands; other decimal
    points → decimal), it is reported as ambiguous.

    Parameters
    ----------
    text : pandas.Series of str
        The cells as text (``""`` for empty).
    sep : str or None
        The file's separator (``","``, ``";"``, ``"\\t"``), or None for a spreadsheet.

    Returns
    -------
    values : pandas.Series of float
        NaN for empty, unreadable and ambiguous cells.
    bad : pandas.Series of bool
        Cells that are not numbers.
    ambiguous : pandas.Series of bool
        Cells that could be read two ways.

    Examples
    --------
    >>> values, bad, ambiguous = parse_number(pd.Series(["1 234,50", "kr 12", "", "mye"]), ";")
    >>> values.tolist(), bad.tolist(), ambiguous.tolist()
    ([1234.5, 12.0, nan, nan], [False, False, False, True], [False, False, False, False])
    >>> parse_number(pd.Series(["1.234", "7"]), ";")[2].tolist()  # thousands or decimal?
    [True, False]
    >>> parse_number(pd.Series(["1,5", "1,234"]), None)[2].tolist()  # a spreadsheet's text
    [False, True]
    """
    plain = _PLAIN_NUMBER if sep not in (";", "\t") else _PLAIN_INTEGER
    if text.str.fullmatch(plain).all():  # the usual column: nothing to read but digits
        values = pd.to_numeric(text, errors="coerce").astype("float64")
        values = values.where(np.isfinite(values))
        nothing = pd.Series(False, index=text.index)
        return values, values.isna() & text.ne(""), nothing
    t = text.str.replace("\u2212", "-", regex=False)
    t = t.str.replace(_UNIT, "", regex=True)
    spaced = t.str.match(_SPACE_GROUPED)
    t = t.where(~spaced, t.str.replace(r"[ \u00a0\u202f]", "", regex=True))
    empty = t.eq("")
    ambiguous = pd.Series(False, index=t.index)
    if sep in (";", "\t"):
        comma_dec = t.str.match(_COMMA_DEC) | t.str.match(_DOT_GROUPED_COMMA_DEC)
        dot_grouped = t.str.match(_DOT_GROUPED)
        dot_dec = t.str.match(_DOT_DEC) & ~dot_grouped
        if comma_dec.any() and not dot_dec.any():
            t = t.where(~(dot_grouped | comma_dec), t.str.replace(".", "", regex=False))
            t = t.str.replace(",", ".", regex=False)
        elif not dot_dec.any():
            ambiguous = dot_grouped
        else:
            t = t.where(~comma_dec, "\x00")  # mixed decimal marks in one column: reject
    elif sep == ",":
        comma_grouped = t.str.match(_COMMA_GROUPED)
        t = t.where(~comma_grouped, t.str.replace(",", "", regex=False))
    else:  # a spreadsheet's text cell: "1,5" as typed in Norway; "1,234" could be thousands
        ambiguous = t.str.match(_ONE_COMMA_GROUP)
        comma_dec = (t.str.match(_COMMA_DEC) | t.str.match(_DOT_GROUPED_COMMA_DEC)) & ~ambiguous
        t = t.where(~comma_dec, t.str.replace(".", "", regex=False).str.replace(",", ".",
                                                                               regex=False))
    values = pd.to_numeric(t.where(~ambiguous, ""), errors="coerce").astype("float64")
    values = values.where(np.isfinite(values))
    bad = values.isna() & ~empty & ~ambiguous
    return values, bad, ambiguous


#: ISO dates and nothing else (or an empty cell): read in one step.
_PLAIN_DATE = r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2})?"
_ISO_DATE = r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_NO_DATE = r"^\d{1,2}\.\d{1,2}\.\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?)?$"
_ISO_MONTH = r"^\d{4}-\d{1,2}$"
_NO_MONTH = r"^\d{1,2}\.\d{4}$"


def parse_date(text: pd.Series, *, month: bool = False, month_ok: bool = False) -> tuple[pd.Series, pd.Series]:
    """Read ISO ``YYYY-MM-DD`` or Norwegian ``DD.MM.YYYY`` dates.

    Parameters
    ----------
    text : pandas.Series of str
        The cells as text (``""`` for empty).
    month : bool, default False
        Also take a month (``YYYY-MM`` or ``MM.YYYY``), and move every date to the first
        day of its month.
    month_ok : bool, default False
        Also take a month, as its first day.

    Returns
    -------
    dates : pandas.Series of datetime64[ns]
        NaT for empty and unreadable cells, and for years outside 1900–2100.
    bad : pandas.Series of bool
        Cells that are not empty and could not be read.

    Examples
    --------
    >>> dates, bad = parse_date(pd.Series(["2025-02-17", "17.02.2025", "", "17/02/2025"]))
    >>> dates.dt.strftime("%Y-%m-%d").tolist(), bad.tolist()
    (['2025-02-17', '2025-02-17', nan, nan], [False, False, False, True])
    >>> parse_date(pd.Series(["2025-02", "2025-02-17"]), month=True)[0].dt.day.tolist()
    [1, 1]
    """
    if not (month or month_ok) and text.str.fullmatch(_PLAIN_DATE).all():  # the usual column
        when = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        when = when.where((when.dt.year >= MIN_YEAR) & (when.dt.year <= MAX_YEAR))
        out = when.astype("datetime64[ns]")
        return out, out.isna() & text.ne("")
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    iso = text.str.match(_ISO_DATE)
    nor = text.str.match(_NO_DATE)
    def put(where: pd.Series, part: pd.Series, fmt: str) -> None:
        if where.any():  # a year outside the window would not fit datetime64[ns]: NaT
            when = pd.to_datetime(part[where], format=fmt, errors="coerce")
            out[where] = when.where((when.dt.year >= MIN_YEAR) & (when.dt.year <= MAX_YEAR))

    put(iso, text.str.split(r"[ T]", n=1, regex=True).str[0], "%Y-%m-%d")
    put(nor, text.str.split(" ", n=1).str[0], "%d.%m.%Y")
    if month or month_ok:
        put(text.str.match(_ISO_MONTH), text, "%Y-%m")
        put(text.str.match(_NO_MONTH), text, "%m.%Y")
    if month:
        out = out.dt.to_period("M").dt.to_timestamp()
    out = out.where((out.dt.year >= MIN_YEAR) & (out.dt.year <= MAX_YEAR))
    bad = out.isna() & text.ne("")
    return out, bad


#: The year of a date in any form parse_date reads: ISO first, then Norwegian.
_DATE_YEAR = r"^(\d{4})-|^\d{1,2}\.(?:\d{1,2}\.)?(\d{4})(?:\s|$)"


_TRUE = {"true", "1", "ja", "yes", "sann", "j", "y"}
_FALSE = {"false", "0", "nei", "no", "usann", "n"}


def parse_bool(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read ``true/false``, ``1/0``, ``ja/nei`` (any case).

    Parameters
    ----------
    text : pandas.Series of str
        The cells as text (``""`` for empty).

    Returns
    -------
    values : pandas.Series of boolean
        ``<NA>`` for empty and unreadable cells.
    bad : pandas.Series of bool
        Cells that are not empty and are not yes or no.

    Examples
    --------
    >>> values, bad = parse_bool(pd.Series(["Ja", "0", "", "kanskje"]))
    >>> values.tolist(), bad.tolist()
    ([True, False, <NA>, <NA>], [False, False, False, True])
    """
    low = text.str.lower()
    values = pd.Series(pd.NA, index=text.index, dtype="boolean")
    values[low.isin(_TRUE)] = True
    values[low.isin(_FALSE)] = False
    bad = values.isna() & text.ne("")
    return values, bad


# --- typing a table ------------------------------------------------------------------------

@dataclass
class TypedTable:
    name: str
    file: str
    frame: pd.DataFrame  # typed; index = spreadsheet row
    raw: pd.DataFrame  # the text it came from
    columns_present: set[str] = field(default_factory=set)
    #: ``factorize_text`` of each raw column, made once for typing and the text checks
    distinct: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)
    #: what the cross-table rules derive from ``frame`` and need more than once (a table's
    #: enrolments), made once; ``frame`` does not change once typed
    derived: dict[str, Any] = field(default_factory=dict, repr=False)


def type_table(spec: TableSpec, raw: pd.DataFrame, file: str, sep: str | None,
               problems: Problems) -> TypedTable:
    """Type every column of ``raw`` by ``spec``; report missing columns and unreadable cells.

    Parameters
    ----------
    spec : TableSpec
        The table's columns (:data:`TABLES`).
    raw : pandas.DataFrame
        The table as text (:func:`pilot_eval.io.read_table`), index = spreadsheet row.
    file : str
        The file's name, for the problems.
    sep : str or None
        The CSV separator (how numbers are read, :func:`parse_number`), None for a
        spreadsheet.
    problems : Problems
        Where problems are added.

    Returns
    -------
    TypedTable
        Numbers, dates, booleans and categories typed; a missing optional column filled
        with its default; unknown columns kept as text.

    Examples
    --------
    >>> raw = pd.DataFrame({"pilot_id": ["lekse", "lekse"], "participant_id": ["p-1", "p-2"],
    ...                     "date": ["2025-02-17", "17.02.2025"], "hours": ["1,5", "to"]},
    ...                    index=[2, 3])
    >>> problems = Problems()
    >>> table = type_table(TABLES["sessions"], raw, "sessions.csv", ";", problems)
    >>> table.frame["hours"].tolist()
    [1.5, nan]
    >>> problems.frame()[["row", "column", "rule"]].values.tolist()
    [[3, 'hours', 'value.not_number']]
    """
    raw = raw.copy()
    for col in spec.columns:  # accept an alias (costs: `month` for `date`)
        if col.name not in raw.columns:
            for alias in col.aliases:
                if alias in raw.columns:
                    raw = raw.rename(columns={alias: col.name})
                    break
    typed: dict[str, Any] = {}  # one frame built at the end: inserting columns one by
    present: set[str] = set()    # one into a frame is quadratic in their number
    # each column's distinct values, hashed once: typing parses them, the text checks scan
    # them, the cross-table rules look them up
    names = list(raw.columns.unique())
    if len(raw) >= 1 << 16 and len(names) > 1:  # Arrow hashes without the GIL: two at once
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(2) as pool:
            distinct = dict(zip(names, pool.map(factorize_text, [raw[c] for c in names])))
    else:
        distinct = {c: factorize_text(raw[c]) for c in names}
    for col in spec.columns:
        if col.name not in raw.columns:
            if col.required:
                allowed = ", ".join(c.name for c in spec.columns if c.required)
                problems.add(
                    file, "column.missing",
                    f"Kolonnen «{col.name}» mangler i {TABLE_LABELS_NB[spec.name]}. Legg den til "
                    f"i overskriftsraden. Påkrevde kolonner: {allowed}.",
                    f"The column '{col.name}' is missing from the {spec.name} table. Add it to the "
                    f"header row. Required columns: {allowed}.",
                    row=1, column=col.name)
            typed[col.name] = _empty_of(col, len(raw), raw.index)
            continue
        present.add(col.name)
        text = raw[col.name]
        typed[col.name] = _type_column(col, text, file, sep, problems, distinct[col.name])
    for extra in raw.columns:  # unknown columns are kept, as text, and ignored
        if extra not in typed:
            typed[extra] = raw[extra]
    frame = pd.DataFrame(typed, index=raw.index, copy=False)  # the columns are new already
    return TypedTable(spec.name, file, frame, raw, present, distinct)


def _empty_of(col: Col, n: int, index: pd.Index) -> pd.Series:
    if col.kind in ("date", "month"):
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if col.kind == "int":
        return pd.Series(pd.NA if col.default is None else col.default, index=index, dtype="Int64")
    if col.kind == "float":
        return pd.Series(np.nan if col.default is None else col.default, index=index, dtype="float64")
    if col.kind == "bool":
        return pd.Series(col.default if col.default is not None else pd.NA, index=index, dtype="boolean")
    if col.kind == "enum":  # the same type as a column that is given
        return pd.Series(pd.Categorical([col.default] * n, categories=list(col.choices)),
                         index=index)
    return pd.Series(col.default if col.default is not None else None, index=index, dtype="str")


def factorize_text(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``pandas.factorize(text, use_na_sentinel=False)``, with the distinct values as an
    object array; a column of pandas' Arrow-backed text is hashed by Arrow directly (its
    codes are then Arrow's ``int32``).

    pandas' own route through Arrow costs about twice as much on millions of rows.

    Parameters
    ----------
    text : pandas.Series
        Text, Arrow-backed or not.

    Returns
    -------
    codes : numpy.ndarray of int
        The position of each value in ``uniques``.
    uniques : numpy.ndarray of object
        The distinct values in order of appearance (a missing value is one of them).

    Examples
    --------
    >>> codes, uniques = factorize_text(pd.Series(["b", "a", None, "b"], dtype="str"))
    >>> codes.tolist(), uniques.tolist()
    ([0, 1, 2, 0], ['b', 'a', None])
    """
    if isinstance(text.dtype, pd.StringDtype) and text.dtype.storage == "pyarrow" and len(text):
        import pyarrow as pa
        import pyarrow.compute as pc

        arrow = pa.array(text.array)  # no copy: the column's own Arrow data
        if isinstance(arrow, pa.Array):
            arrow = pa.chunked_array([arrow])
        encoded = pc.dictionary_encode(arrow, null_encoding="encode")
        chunks = [c for c in encoded.chunks if len(c)]
        codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])
        uniques = chunks[-1].dictionary.to_numpy(zero_copy_only=False)  # one for all chunks
        return codes, uniques.astype(object, copy=False)  # Arrow's int32 codes: half the memory
    codes, uniques = pd.factorize(text, use_na_sentinel=False)
    return codes, np.asarray(uniques, dtype=object)


def on_uniques(text: pd.Series, parse: Callable[[pd.Series], tuple[pd.Series, ...]],
               distinct: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[pd.Series, ...]:
    """Run ``parse`` once per distinct value and spread the results back to every row.

    Columns that grow (dates, ids, hours) repeat few values, so parsing the distinct
    ones keeps loading millions of rows fast; the regexes never see the same text twice.

    Parameters
    ----------
    text : pandas.Series of str
        The cells.
    parse : callable
        Takes a Series of text and returns a tuple of Series aligned with it
        (:func:`parse_number`, :func:`parse_date` …).
    distinct : (codes, uniques), optional
        ``factorize_text(text)`` when it is known already.

    Returns
    -------
    tuple of pandas.Series
        What ``parse`` returns, one value per row of ``text``, indexed like it.

    Examples
    --------
    >>> text = pd.Series(["ja", "nei", "ja", "ja"], index=[2, 3, 4, 5])
    >>> values, bad = on_uniques(text, parse_bool)  # parse_bool sees "ja" and "nei" only
    >>> values.tolist(), values.index.tolist()
    ([True, False, True, True], [2, 3, 4, 5])
    """
    codes, uniques = factorize_text(text) if distinct is None else distinct
    results = parse(pd.Series(uniques, dtype="str").fillna(""))
    return tuple(pd.Series(r.to_numpy()[codes], index=text.index, dtype=r.dtype, copy=False)
                 for r in results)  # copy=False: the spread array is new already


def _spread(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``values`` (one per distinct text) for every row; all False without a copy."""
    if values.dtype == bool and not values.any():
        return np.zeros(len(codes), dtype=bool)
    return values[codes]


def _type_column(col: Col, text: pd.Series, file: str, sep: str | None,
                 problems: Problems, distinct: tuple[np.ndarray, np.ndarray] | None = None
                 ) -> pd.Series:
    # every rule of a cell depends on its text only: each is decided once per distinct
    # text, and only the rows of texts that break one are looked at
    codes, uniques = factorize_text(text) if distinct is None else distinct
    index = text.index
    if col.kind in ("id", "text"):  # typed as the text itself: nothing to parse
        if isinstance(text.dtype, pd.StringDtype) and not (uniques == "").any():
            values = text  # no empty cell: the text itself, not a copy of millions of ids
        else:
            values = text.where(text.ne(""))  # stays pandas' Arrow-backed str
        return _fill_default(values, col)
    u = pd.Series(uniques, dtype="str").fillna("")

    def rows(flags: np.ndarray) -> pd.Series:
        return text[_spread(flags, codes)] if flags.any() else text.iloc[:0]

    name = col.name
    if col.kind in ("float", "int"):
        values, bad, ambiguous = (r.to_numpy() for r in parse_number(u, sep))
        values = values.astype("float64", copy=True)
        problems.add_rows(file, "value.ambiguous_number", rows(ambiguous),
                          *_ambiguous_messages(sep), column=name)
        problems.add_rows(file, "value.not_number", rows(bad),
                          lambda v: f"«{v}» er ikke et tall. Skriv bare sifre, eventuelt med "
                                    "desimalkomma (for eksempel 1234,50).",
                          lambda v: f"'{v}' is not a number. Write digits only, with a decimal "
                                    "mark if needed (for example 1234.50).", column=name)
        if col.kind == "int":
            with np.errstate(invalid="ignore"):
                frac = ~np.isnan(values) & (values % 1 != 0)
            problems.add_rows(file, "value.not_integer", rows(frac),
                              lambda v: f"«{v}» må være et helt tall.",
                              lambda v: f"'{v}' must be a whole number.", column=name)
            values[frac] = np.nan
        with np.errstate(invalid="ignore"):
            huge = np.abs(values) > MAX_ABS_NUMBER  # NaN compares False
        if huge.any():
            problems.add_rows(file, "value.number_range", rows(huge),
                              lambda v: f"«{v}» er utenfor det tillatte (høyst "
                                        f"{MAX_ABS_NUMBER:.0e} i absoluttverdi). Sjekk tallet og "
                                        "enheten.",
                              lambda v: f"'{v}' is out of range (at most {MAX_ABS_NUMBER:.0e} in "
                                        "absolute value). Check the number and its unit.",
                              column=name)
            values[huge] = np.nan  # kept out of every sum: a sum of 1e300s overflows
        if col.default is not None:
            values[np.isnan(values)] = col.default
        if col.kind == "int":
            missing = np.isnan(values)
            whole = np.where(missing, 0, np.round(values)).astype("int64")
            return pd.Series(pd.arrays.IntegerArray(whole[codes], _spread(missing, codes)),
                             index=index, copy=False)
        return pd.Series(values[codes], index=index, copy=False)
    if col.kind in ("date", "month"):
        monthly = col.kind == "month" or col.month_ok
        dates, bad = parse_date(u, month=col.kind == "month", month_ok=col.month_ok)
        bad = bad.to_numpy(dtype=bool)
        values = pd.Series(dates.to_numpy()[codes], index=index, copy=False)  # its own unit
        if not bad.any():
            return values
        hint_nb = "ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ" + (" (eller ÅÅÅÅ-MM for en måned)" if monthly else "")
        hint_en = "YYYY-MM-DD or DD.MM.YYYY" + (" (or YYYY-MM for a month)" if monthly else "")
        years = pd.to_numeric(u.str.extract(_DATE_YEAR).bfill(axis=1).iloc[:, 0],
                              errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            window = bad & ~np.isnan(years) & ((years < MIN_YEAR) | (years > MAX_YEAR))
        problems.add_rows(file, "value.date_range", rows(window),
                          lambda v: f"«{v}» er utenfor det tillatte tidsrommet: året må være "
                                    f"mellom {MIN_YEAR} og {MAX_YEAR}. Sjekk årstallet.",
                          lambda v: f"'{v}' is out of range: the year must be between {MIN_YEAR} "
                                    f"and {MAX_YEAR}. Check the year.", column=name)
        problems.add_rows(file, "value.not_date", rows(bad & ~window),
                          lambda v: f"«{v}» er ikke en gyldig dato. Skriv datoen som {hint_nb}.",
                          lambda v: f"'{v}' is not a valid date. Write the date as {hint_en}.",
                          column=name)
        return values
    if col.kind == "bool":
        parsed, bad = parse_bool(u)
        bad = bad.to_numpy(dtype=bool)
        problems.add_rows(file, "value.not_bool", rows(bad),
                          lambda v: f"«{v}» er ikke ja eller nei. Skriv ja/nei, true/false eller 1/0.",
                          lambda v: f"'{v}' is not yes or no. Write ja/nei, true/false or 1/0.",
                          column=name)
        if col.default is not None:
            parsed = parsed.fillna(col.default)
        missing = parsed.isna().to_numpy(dtype=bool)
        flags = parsed.fillna(False).to_numpy(dtype=bool)
        return pd.Series(pd.arrays.BooleanArray(flags[codes], _spread(missing, codes)),
                         index=index, copy=False)
    if col.kind == "enum":
        low = u.str.lower()
        at = pd.Index(list(col.choices), dtype=object).get_indexer(low.astype(object))
        bad = (low.ne("") & (at < 0)).to_numpy(dtype=bool)
        allowed = ", ".join(col.choices)
        problems.add_rows(file, "value.not_allowed", rows(bad),
                          lambda v: f"«{v}» er ikke en tillatt verdi. Tillatte verdier: {allowed}.",
                          lambda v: f"'{v}' is not an allowed value. Allowed values: {allowed}.",
                          column=name)
        if col.default is not None:  # empty and not allowed alike
            at = np.where(at < 0, col.choices.index(col.default), at)
        return pd.Categorical.from_codes(at[codes], categories=list(col.choices))  # type: ignore[return-value]
    raise ValueError(f"unknown column kind {col.kind!r}")  # pragma: no cover


def _ambiguous_messages(sep: str | None) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """The messages for a number that reads two ways: "1.234" in a semicolon or tab file,
    "1,234" in a spreadsheet's text cell (``sep`` None), each as (Norwegian, English).

    >>> nb, en = _ambiguous_messages(None)
    >>> nb("1,234")
    '«1,234» kan bety både 1234 og 1,234 (med desimalkomma). Skriv tallet i en celle formatert som tall (ikke som tekst), uten tusenskille.'
    >>> nb, en = _ambiguous_messages(";")
    >>> nb("1.500,-")
    '«1.500,-» kan bety både 1500 og 1,500 (med desimalkomma). Skriv tallet uten tusenskille, med desimalkomma.'
    >>> en("kr 1.500")
    "'kr 1.500' could mean 1500 or 1.500 (with a decimal point). Write the number without a thousands separator."
    """
    mark = "," if sep is None else "."

    def readings(v: str) -> tuple[str, str]:  # the number without its unit, read both ways
        core = _UNIT.sub("", v.strip()).replace("\u2212", "-")
        whole, _, part = core.partition(mark)
        return whole + part, whole + "," + part

    def nb(v: str) -> str:
        thousands, decimal = readings(v)
        advice = ("Skriv tallet i en celle formatert som tall (ikke som tekst), uten tusenskille."
                  if sep is None else "Skriv tallet uten tusenskille, med desimalkomma.")
        return f"«{v}» kan bety både {thousands} og {decimal} (med desimalkomma). {advice}"

    def en(v: str) -> str:
        thousands, decimal = readings(v)
        advice = ("Enter the number in a cell formatted as a number (not as text), without a "
                  "thousands separator." if sep is None else
                  "Write the number without a thousands separator.")
        return (f"'{v}' could mean {thousands} or {decimal.replace(',', '.')} (with a decimal "
                f"point). {advice}")

    return nb, en


def _fill_default(values: pd.Series, col: Col) -> pd.Series:
    if col.default is not None:
        return values.fillna(col.default)
    return values


# --- per-table value rules ---------------------------------------------------------------

def _rule_messages(spec: TableSpec, col: Col | None, rule: str) -> tuple[Callable[[str], str], Callable[[str], str]]:
    if rule == "value.too_small":
        return (lambda v: f"{v} er for lite. Verdien må være minst {_fmt_value(col.ge)}.",
                lambda v: f"{v} is too small. The value must be at least {_fmt_value(col.ge)}.")
    if rule == "value.not_positive":
        return (lambda v: f"{v} er for lite. Verdien må være større enn {_fmt_value(col.gt)}.",
                lambda v: f"{v} is too small. The value must be greater than {_fmt_value(col.gt)}.")
    if rule == "value.too_large":
        return (lambda v: f"{v} er for stort. Verdien kan være høyst {_fmt_value(col.le)}.",
                lambda v: f"{v} is too large. The value can be at most {_fmt_value(col.le)}.")
    if rule == "value.pattern":
        return (lambda v: f"«{v}» er ikke en gyldig ID. Bruk 1–32 tegn: bokstaver a–z, sifre, "
                          "bindestrek eller understrek, og start med bokstav eller siffer.",
                lambda v: f"'{v}' is not a valid id. Use 1–32 characters: letters a–z, digits, "
                          "hyphen or underscore, starting with a letter or digit.")
    if rule == "value.duplicate":
        return (lambda v: f"«{v}» står flere ganger, men må være unik i kolonnen.",
                lambda v: f"'{v}' appears more than once but must be unique in this column.")
    raise KeyError(rule)  # pragma: no cover


def value_failures(spec: TableSpec, frame: pd.DataFrame) -> list[tuple[str, str, pd.Series]]:
    """The cells of a typed table that break a column rule of ``spec``: ranges
    (``value.too_small``, ``value.not_positive``, ``value.too_large``), id patterns
    (``value.pattern``) and unique columns (``value.duplicate``; every row after the
    column's first repeated one). Empty cells break none of them.

    Parameters
    ----------
    spec : TableSpec
        The table's columns and their rules (:data:`TABLES`).
    frame : pandas.DataFrame
        The typed table (:func:`type_table`), index = spreadsheet row.

    Returns
    -------
    list of (column, rule, failing values)
        One entry per column and rule that some cell breaks; the values are indexed by
        spreadsheet row.

    Examples
    --------
    >>> frame = pd.DataFrame({"hours": [1.5, 0.0, 30.0]}, index=[2, 3, 4])
    >>> spec = TableSpec("t", False, (Col("hours", "float", gt=0, le=24),))
    >>> [(column, rule, values.to_dict()) for column, rule, values in
    ...  value_failures(spec, frame)]
    [('hours', 'value.not_positive', {3: 0.0}), ('hours', 'value.too_large', {4: 30.0})]
    """
    out: list[tuple[str, str, pd.Series]] = []
    for col in spec.columns:
        if col.name not in frame.columns:
            continue
        values = frame[col.name]
        if col.unique:  # every repeat but the first repeated row (as pandera reported it)
            dup = values.duplicated(keep=False).to_numpy(dtype=bool) & values.notna().to_numpy(
                dtype=bool)
            if dup.any():
                rows = values[dup]
                out.append((col.name, "value.duplicate", rows.iloc[1:] if len(rows) > 1 else rows))
        bounds = [(rule, bound) for rule, bound in (("value.too_small", col.ge),
                                                    ("value.not_positive", col.gt),
                                                    ("value.too_large", col.le))
                  if bound is not None]
        if bounds:
            numbers = (values.to_numpy(dtype="float64", na_value=np.nan)
                       if isinstance(values.dtype, pd.api.extensions.ExtensionDtype)
                       else values.to_numpy())
            with np.errstate(invalid="ignore"):
                for rule, bound in bounds:  # NaN compares False: empty cells pass
                    bad = (numbers < bound if rule == "value.too_small" else
                           numbers <= bound if rule == "value.not_positive" else numbers > bound)
                    if bad.any():
                        out.append((col.name, rule, values[bad]))
        if col.pattern is not None:
            ok = (values.isna() | values.str.match(col.pattern).fillna(True)).to_numpy(dtype=bool)
            if not ok.all():
                out.append((col.name, "value.pattern", values[~ok]))
    return out


def check_table(spec: TableSpec, table: TypedTable, problems: Problems) -> None:
    """Add what breaks the table's own rules: empty required cells, the column rules of
    :func:`value_failures`, and rows repeating ``spec.unique_on``.

    Parameters
    ----------
    spec : TableSpec
        The table's columns and rules (:data:`TABLES`).
    table : TypedTable
        The table typed by :func:`type_table`.
    problems : Problems
        Where problems are added, one per offending cell (capped per column and rule).

    Examples
    --------
    >>> raw = pd.DataFrame({"pilot_id": ["lekse", "lekse"], "participant_id": ["p-1", ""],
    ...                     "date": ["2025-02-17", "2025-02-17"], "hours": ["1.5", "30"]},
    ...                    index=[2, 3])
    >>> problems = Problems()
    >>> table = type_table(TABLES["sessions"], raw, "sessions.csv", ",", problems)
    >>> check_table(TABLES["sessions"], table, problems)
    >>> problems.frame()[["row", "column", "rule"]].values.tolist()
    [[3, 'participant_id', 'value.empty'], [3, 'hours', 'value.too_large']]
    """
    frame = table.frame
    file = table.file
    for col in spec.columns:  # empty required cells
        if col.nullable or col.name not in table.columns_present or col.default is not None:
            continue
        text = table.raw[col.name]
        distinct = table.distinct.get(col.name)
        if distinct is not None:  # an empty text is typed as missing whatever the kind
            codes, uniques = distinct
            blank = np.flatnonzero(uniques == "")
            if not len(blank):
                continue
            empty = codes == blank[0]
        else:
            empty = (frame[col.name].isna() & text.eq("")).to_numpy(dtype=bool)
        problems.add_rows(file, "value.empty", text[empty],
                          "Feltet er tomt, men må fylles ut.",
                          "This cell is empty but must be filled in.", column=col.name)
    for column, rule, rows in value_failures(spec, frame):
        col = spec.col(column)
        nb, en = _rule_messages(spec, col, rule)
        problems.add_rows(file, rule, rows, nb, en, column=column)
    if spec.unique_on:
        keys = [k for k in spec.unique_on if k in frame.columns]
        key, complete = _row_keys(table, spec, keys)
        dup = pd.Series(key).duplicated(keep="first").to_numpy() & complete
        if dup.any():
            keytxt = " + ".join(keys)
            vals = frame.loc[dup, keys[0]].astype(str)
            for k in keys[1:]:  # column by column: there may be millions of repeated rows
                vals = vals + " / " + frame.loc[dup, k].astype(str)
            problems.add_rows(file, "row.duplicate", vals,
                              lambda v: f"Kombinasjonen {keytxt} = {v} står på flere rader. "
                                        "Slå radene sammen eller fjern den doble.",
                              lambda v: f"The combination {keytxt} = {v} appears on several rows. "
                                        "Merge the rows or remove the duplicate.",
                              column=keys[-1])


def _row_keys(table: TypedTable, spec: TableSpec, columns: Sequence[str]
              ) -> tuple[np.ndarray, np.ndarray]:
    """One integer per row, equal where the rows' values in ``columns`` are equal (missing
    equal to missing, as in a merge), and whether each row has all of them.

    A column typed as its text (an id or free text without a default, ``""`` missing) by
    the codes hashed when it was typed, a categorical by its own, any other column hashed
    here; never the values of millions of rows compared as text.
    """
    frame = table.frame
    key = np.zeros(len(frame), dtype=np.int64)
    complete = np.ones(len(frame), dtype=bool)
    size = 1
    for column in columns:
        values = frame[column]
        col = next((c for c in spec.columns if c.name == column), None)
        given = table.distinct.get(column)
        if (col is not None and col.kind in ("id", "text") and col.default is None
                and given is not None and len(given[0]) == len(frame)):
            codes, uniques = given
            missing = uniques == ""
            if missing.any():
                complete &= ~missing[codes]
            n = len(uniques)
        elif isinstance(values.dtype, pd.CategoricalDtype):
            codes, n = values.cat.codes.to_numpy(), len(values.cat.categories)
            complete &= codes >= 0
        else:
            codes, uniques = pd.factorize(values)
            n = len(uniques)
            complete &= codes >= 0
        if size * (n + 1) >= 1 << 62:  # too many combinations for one integer: renumber
            key, seen = pd.factorize(key)  # the combinations there are (at most one a row)
            size = len(seen)
        key = key * (n + 1) + (codes.astype(np.int64) + 1)  # missing (-1): a value of its own
        size *= n + 1
    return key, complete


# --- text cells: identity numbers and control characters ----------------------------------

#: Control characters no output can show (Excel refuses them, a terminal obeys them): C0
#: but tab, newline and carriage return, which a quoted cell of free text may hold; DEL; C1.
CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_CONTROL_IN_ID = r"[\x00-\x1f\x7f-\x9f]"  # an id is one line, without tabs


class IdentityNumberChecks:
    """:func:`pilot_eval.privacy.looks_like_identity_number`, remembering the values it has
    answered for: a folder's participant ids are the same in participants, sessions and
    outcomes, so each is checked once.

    Examples
    --------
    >>> checks = IdentityNumberChecks()
    >>> checks(pd.Series(["p-1", "01819010192"], dtype="str")).tolist()
    [False, True]
    >>> checks(pd.Series(["01819010192", "p-1", "p-2"], dtype="str")).tolist()
    [True, False, False]
    """

    def __init__(self) -> None:
        self.values = pd.Index([], dtype="str")
        self.found = np.zeros(0, dtype=bool)

    def __call__(self, values: pd.Series) -> np.ndarray:
        """Whether each of ``values`` (text) looks like an identity number."""
        at = self.values.get_indexer(values)
        new = at < 0
        if new.any():
            fresh = pd.Index(values[new].unique(), dtype="str")
            found = looks_like_identity_number(pd.Series(fresh, dtype="str"))
            self.values = self.values.append(fresh)
            self.found = np.concatenate([self.found, found.to_numpy(dtype=bool)])
            at = self.values.get_indexer(values)
        return self.found[at]


def _byte_counts(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each value of ``text`` (Arrow-backed, no missing values), read from its UTF-8
    bytes at once: how many ASCII digits it has, whether it has a byte beyond ASCII, and
    whether it has a byte that may begin a control character (below 0x20, 0x7F, 0xC2).

    Examples
    --------
    >>> digits, wide, odd = _byte_counts(pd.Series(["p-12", "０1", "a\x01"], dtype="str"))
    >>> digits.tolist(), wide.tolist(), odd.tolist()
    ([2, 1, 0], [False, True, False], [False, False, True])
    """
    import pyarrow as pa

    arrow = pa.array(text.array)
    if isinstance(arrow, pa.ChunkedArray):
        arrow = arrow.combine_chunks()
    arrow = arrow.cast(pa.large_string())
    if len(arrow) == 0:
        empty = np.zeros(0, dtype=bool)
        return np.zeros(0, dtype=np.int64), empty, empty
    _, offsets, data = arrow.buffers()
    at = np.frombuffer(offsets, dtype=np.int64)[arrow.offset:arrow.offset + len(arrow) + 1]
    raw = (np.frombuffer(data, dtype=np.uint8) if data is not None
           else np.zeros(0, dtype=np.uint8))[:at[-1]]

    def which(flags: np.ndarray) -> np.ndarray:  # the values holding a flagged byte (rare)
        out = np.zeros(len(arrow), dtype=bool)
        out[np.searchsorted(at, np.flatnonzero(flags), side="right") - 1] = True
        return out

    total = np.zeros(len(raw) + 1, dtype=np.int32 if len(raw) < 2**31 else np.int64)
    np.cumsum((raw - 48).astype(np.uint8) < 10, out=total[1:])
    digits = (total[at[1:]] - total[at[:-1]]).astype(np.int64)
    return digits, which(raw >= 0x80), which((raw < 0x20) | (raw == 0x7F) | (raw == 0xC2))


def check_text_cells(spec: TableSpec, table: TypedTable, problems: Problems,
                     identity_checks: IdentityNumberChecks | None = None) -> None:
    """Refuse identity numbers and control characters in every cell of every column.

    Each column is read once per distinct value. Identity numbers are found in any form
    and inside longer text (:func:`pilot_eval.privacy.looks_like_identity_number`); the
    messages never show their digits. Control characters are shown as ``\\xNN``.

    Parameters
    ----------
    spec : TableSpec
        The table's columns (an id column allows no tab or line end either).
    table : TypedTable
        The table typed by :func:`type_table`; its text is what is checked.
    problems : Problems
        Where problems are added.
    identity_checks : IdentityNumberChecks, optional
        The answers for values of tables checked before (ids repeat across tables).

    Examples
    --------
    >>> raw = pd.DataFrame({"pilot_id": ["lekse"], "participant_id": ["01819010192"],
    ...                     "date": ["2025-02-17"], "hours": ["1"]}, index=[2])
    >>> problems = Problems()
    >>> table = type_table(TABLES["sessions"], raw, "sessions.csv", ",", problems)
    >>> check_text_cells(TABLES["sessions"], table, problems)
    >>> problems.frame()[["row", "column", "value", "rule"]].values.tolist()
    [[2, 'participant_id', '***********', 'privacy.identity_number']]
    """
    kinds = {c.name: c.kind for c in spec.columns}
    raw = table.raw
    # the distinct values of every column, checked together: one pass whatever the width
    factorized = [table.distinct[raw.columns[i]] if raw.columns[i] in table.distinct
                  else factorize_text(raw.iloc[:, i]) for i in range(raw.shape[1])]
    if not factorized:
        return
    values = np.concatenate([np.asarray(u, dtype=object) for _, u in factorized])
    uniques = pd.Series(values, dtype="str").fillna("")
    digits, wide, odd = _byte_counts(uniques)
    # only a value with ten ASCII digits or more, or with other characters than ASCII (a
    # Unicode digit), can hold an identity number: the same filter the check starts with,
    # run first on the bytes, so ids, dates and amounts never reach it
    candidate = (digits >= 10) | wide
    is_identity = np.zeros(len(uniques), dtype=bool)
    if candidate.any():
        some = uniques[candidate]
        is_identity[candidate] = (looks_like_identity_number(some).to_numpy(dtype=bool)
                                  if identity_checks is None else identity_checks(some))
    # a control character is a byte below 0x20, 0x7F, or (U+0080 to U+009F) a C2 byte
    in_id = odd.copy()
    if odd.any():
        in_id[odd] = uniques[odd].str.contains(_CONTROL_IN_ID, regex=True).fillna(
            False).to_numpy(dtype=bool)
    in_text = in_id.copy()  # tab and line ends are allowed in free text: looked at only here
    if in_id.any():
        in_text[in_id] = uniques[in_id].str.contains(CONTROL_CHARACTERS, regex=True).fillna(
            False).to_numpy(dtype=bool)
    start = 0
    for column, (codes, u) in zip(raw.columns, factorized):
        stop = start + len(u)
        if not (is_identity[start:stop].any() or in_id[start:stop].any()):
            start = stop
            continue
        text = raw[column]
        control = (in_id if kinds.get(column) == "id" else in_text)[start:stop]
        hits = pd.Series(is_identity[start:stop][codes], index=text.index)
        controls = pd.Series(control[codes], index=text.index)
        start = stop
        if hits.any():
            problems.add_rows(
                table.file, "privacy.identity_number", text[hits],
                "Cellen ser ut til å inneholde et fødselsnummer, D-nummer eller H-nummer (det "
                "vises ikke her). Slike opplysninger skal ikke brukes: fjern nummeret, eller "
                "erstatt id-er med pseudonymer, for eksempel med "
                "pilot_eval.privacy.pseudonymise(ider, nøkkel), og slett originalfilen.",
                "The cell seems to contain a Norwegian national identity number (fødselsnummer, "
                "D- or H-number; not shown here). It must not be used: remove the number, or "
                "replace ids by pseudonyms, for example with "
                "pilot_eval.privacy.pseudonymise(ids, key), and delete the original file.",
                column=column, mask_value=True)
        controls = controls & ~hits
        if controls.any():
            shown = text[controls].iloc[:MAX_ROWS_PER_PROBLEM].map(show_controls)
            problems.add_rows(
                table.file, "value.control_character",
                pd.concat([shown, text[controls].iloc[MAX_ROWS_PER_PROBLEM:]]),
                "Cellen inneholder et kontrolltegn (vist som \\x..), som rapportene ikke kan "
                "vise. Fjern tegnet, for eksempel ved å skrive teksten inn på nytt.",
                "The cell contains a control character (shown as \\x..) that the reports "
                "cannot show. Remove it, for example by typing the text again.",
                column=column)


# --- agreement.toml -----------------------------------------------------------------------

def check_agreement(data: Mapping[str, Any] | None, file: str, problems: Problems) -> dict[str, Any] | None:
    """Type and check ``agreement.toml``; return its settings with defaults filled in.

    Parameters
    ----------
    data : mapping or None
        The parsed TOML (:func:`pilot_eval.io.read_toml`); None when it could not be read.
    file : str
        The file's name, for the problems.
    problems : Problems
        Where problems are added.

    Returns
    -------
    dict or None
        The settings of :data:`AGREEMENT_KEYS` (dates as Timestamps), ``rules`` (the
        scorecard thresholds in force) and ``rules_overridden``; None when a setting is
        missing or wrong.

    Examples
    --------
    >>> problems = Problems()
    >>> settings = check_agreement({"name": "Avtale", "municipality": "Bærum",
    ...                             "start": "2025-01-01", "end": "2026-12-31",
    ...                             "annual_budget_nok": 2_000_000}, "agreement.toml", problems)
    >>> settings["discount_rate"], settings["end"].year, len(problems.records)
    (0.04, 2026, 0)
    >>> check_agreement({"name": "Avtale"}, "agreement.toml", problems) is None
    True
    """
    if data is None:
        return None
    out: dict[str, Any] = {}
    ok = True
    for key, (kind, default) in AGREEMENT_KEYS.items():
        if key not in data:
            if default is None:
                problems.add(file, "agreement.missing",
                             f"Innstillingen «{key}» mangler i agreement.toml.",
                             f"The setting '{key}' is missing from agreement.toml.", column=key)
                ok = False
            else:
                out[key] = default
            continue
        value = data[key]
        parsed = _parse_setting(kind, value)
        if parsed is None:
            problems.add(file, "agreement.type",
                         f"«{value}» er ikke en gyldig verdi for «{key}» ({_KIND_NB[kind]}).",
                         f"'{value}' is not a valid value for '{key}' ({kind}).",
                         column=key, value=value)
            ok = False
        out[key] = parsed
    # every check below runs on what could be read, so one bad value hides no other
    for key in ("start", "end"):
        when = out.get(key)
        if when is not None and not MIN_YEAR <= when.year <= MAX_YEAR:
            problems.add(file, "agreement.range",
                         f"«{key}» = {when.date()} er utenfor det tillatte: året må være mellom "
                         f"{MIN_YEAR} og {MAX_YEAR}.",
                         f"'{key}' = {when.date()} is out of range: the year must be between "
                         f"{MIN_YEAR} and {MAX_YEAR}.", column=key, value=str(when.date()))
            out[key] = None
            ok = False
    for key in ("name", "municipality", "language"):
        text = out.get(key)
        if isinstance(text, str) and re.search(_CONTROL_IN_ID, text):
            problems.add(file, "agreement.control_character",
                         f"«{key}» inneholder et kontrolltegn (vist som \\x..), som rapportene "
                         "ikke kan vise. Skriv verdien inn på nytt.",
                         f"'{key}' contains a control character (shown as \\x..) that the "
                         "reports cannot show. Type the value again.",
                         column=key, value=show_controls(text))
            ok = False
    k = out.get("min_cell_size")
    if k is not None and 1 <= k < MIN_CELL_SIZE_FLOOR and not out.get("allow_small_cells"):
        problems.add(file, "agreement.small_cells",
                     f"min_cell_size = {k} er for lite: tall under {MIN_CELL_SIZE_FLOOR} kan "
                     f"avsløre enkeltpersoner. Bruk minst {MIN_CELL_SIZE_FLOOR} (vanlig er 5), "
                     "eller skriv allow_small_cells = true hvis dere har avklart at så små tall "
                     "kan publiseres (rapporten sier det da).",
                     f"min_cell_size = {k} is too small: counts below {MIN_CELL_SIZE_FLOOR} can "
                     f"identify a person. Use at least {MIN_CELL_SIZE_FLOOR} (5 is usual), or set "
                     "allow_small_cells = true if you have cleared that counts this small may be "
                     "published (the report then says so).", column="min_cell_size", value=k)
        ok = False
        k = None
    checks = [("annual_budget_nok", {"gt": 0, "le": MAX_ABS_NUMBER}),
              ("discount_rate", {"ge": 0, "le": 0.5}), ("tax_financing_cost", {"ge": 0, "le": 1}),
              ("scale_up_share", {"gt": 0, "le": 1})]
    if k is not None:
        checks.append(("min_cell_size", {"ge": 1, "le": 100}))
    for key, bounds in checks:
        if out.get(key) is not None:
            ok = _setting_range(out, key, file, problems, **bounds) and ok
    if out.get("allow_small_cells") and k is not None and 1 <= k < MIN_CELL_SIZE_FLOOR:
        problems.add(file, "agreement.small_cells_allowed",
                     f"min_cell_size = {k}: tall helt ned til {k} vises i rapportene "
                     f"(allow_small_cells = true). Med så små tall kan enkeltpersoner kjennes "
                     "igjen; rapporten må si at denne grensen er brukt.",
                     f"min_cell_size = {k}: counts down to {k} are shown in the reports "
                     "(allow_small_cells = true). Counts that small can identify a person; "
                     "the report must state that this limit is used.",
                     column="min_cell_size", value=k, severity="warning")
    if out.get("start") is not None and out.get("end") is not None and out["start"] >= out["end"]:
        problems.add(file, "agreement.period",
                     "Avtalens slutt («end») må være etter starten («start»).",
                     "The agreement's end must be after its start.", column="end", value=out["end"])
    if out.get("language") is not None and out["language"] not in ("nb", "en"):
        problems.add(file, "agreement.language",
                     f"Språket «{out['language']}» støttes ikke. Bruk nb eller en.",
                     f"The language '{out['language']}' is not supported. Use nb or en.",
                     column="language", value=out["language"])
    rules = dict(DEFAULT_RULES)
    given = data.get("rules", {})
    if not isinstance(given, Mapping):
        given = {}
        problems.add(file, "agreement.rules", "[rules] må være en tabell.", "[rules] must be a table.",
                     column="rules")
    for key, value in given.items():
        if key not in DEFAULT_RULES:
            allowed = ", ".join(DEFAULT_RULES)
            problems.add(file, "agreement.rules",
                         f"Regelen «{key}» finnes ikke. Tillatte regler: {allowed}.",
                         f"The rule '{key}' does not exist. Allowed rules: {allowed}.",
                         column=f"rules.{key}", value=key)
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            problems.add(file, "agreement.rules",
                         f"Regelen «{key}» må være et tall ≥ 0, ikke «{value}».",
                         f"The rule '{key}' must be a number ≥ 0, not '{value}'.",
                         column=f"rules.{key}", value=value)
        else:
            rules[key] = float(value)
    out["rules"] = rules
    out["rules_overridden"] = sorted(k for k in given if k in DEFAULT_RULES)
    return out if ok else None


_KIND_NB = {"text": "tekst", "date": "dato ÅÅÅÅ-MM-DD", "float": "tall", "int": "heltall",
            "bool": "true eller false"}


def _parse_setting(kind: str, value: Any) -> Any:
    if kind == "bool":
        return value if isinstance(value, bool) else None
    if kind == "text":
        return str(value).strip() if isinstance(value, str) and value.strip() else None
    if kind == "date":
        if isinstance(value, _dt.datetime):
            return pd.Timestamp(value.date())
        if isinstance(value, _dt.date):
            return pd.Timestamp(value)
        if isinstance(value, str):
            parsed, bad = parse_date(pd.Series([value.strip()]))
            return None if bad.iloc[0] or pd.isna(parsed.iloc[0]) else parsed.iloc[0]
        return None
    if kind in ("float", "int"):
        if isinstance(value, bool):
            return None
        if isinstance(value, str):
            parsed, bad, amb = parse_number(pd.Series([value.strip()]), ";")
            value = parsed.iloc[0]
            if bad.iloc[0] or amb.iloc[0] or pd.isna(value):
                return None
        if not isinstance(value, (int, float, np.floating, np.integer)) or not np.isfinite(value):
            return None
        if kind == "int":
            return int(value) if float(value).is_integer() else None
        return float(value)
    return None  # pragma: no cover


def _setting_range(out: dict[str, Any], key: str, file: str, problems: Problems, *,
                   ge: float | None = None, gt: float | None = None, le: float | None = None) -> bool:
    """Add a problem when ``out[key]`` is out of range; return whether it is in range."""
    v = out[key]
    bad = (ge is not None and v < ge) or (gt is not None and v <= gt) or (le is not None and v > le)
    if bad:
        lo = f"minst {_fmt_value(ge)}" if ge is not None else f"over {_fmt_value(gt)}"
        lo_en = f"at least {_fmt_value(ge)}" if ge is not None else f"above {_fmt_value(gt)}"
        hi = f" og høyst {_fmt_value(le)}" if le is not None else ""
        hi_en = f" and at most {_fmt_value(le)}" if le is not None else ""
        problems.add(file, "agreement.range",
                     f"«{key}» = {_fmt_value(v)} er utenfor det tillatte: {lo}{hi}.",
                     f"'{key}' = {_fmt_value(v)} is out of range: {lo_en}{hi_en}.",
                     column=key, value=v)
    return not bad


# --- cross-table rules -----------------------------------------------------------------------

def _outside(values: pd.Series, lo: pd.Series | pd.Timestamp, hi: pd.Series | pd.Timestamp) -> pd.Series:
    return values.notna() & ((values < lo) | (values > hi))


def _positions_in(values: pd.Series, uniques: np.ndarray) -> np.ndarray:
    """The position of each of ``values`` (text) in ``uniques`` (distinct values), or -1:
    hashed by Arrow (pandas would hash ``uniques`` twice, once to see they are unique)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arrow = (pa.array(values.array) if isinstance(values.dtype, pd.StringDtype)
                 and values.dtype.storage == "pyarrow"
                 else pa.array(values.to_numpy(dtype=object), type=pa.large_string(),
                               from_pandas=True))
        found = pc.index_in(arrow.cast(pa.large_string()),
                            value_set=pa.array(uniques, type=pa.large_string(), from_pandas=True))
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all text: pandas compares them
        return pd.Index(uniques, dtype=object).get_indexer(values)
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _latest_by_key(keys: np.ndarray, dates: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """For each of ``wanted``, the latest of ``dates`` with that key (NaT where none, or
    none dated): a sort and a look-up, where a merge would pair every row with every
    other of its key.

    >>> d = np.array(["2025-01-05", "NaT", "2025-03-01"], dtype="datetime64[ns]")
    >>> _latest_by_key(np.array([7, 7, 9]), d, np.array([9, 7, 8])).astype(str).tolist()
    ['2025-03-01T00:00:00.000000000', '2025-01-05T00:00:00.000000000', 'NaT']
    """
    out = np.full(len(wanted), np.datetime64("NaT", "ns"))
    if len(keys) == 0 or len(wanted) == 0:
        return out
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    # as integers NaT is the smallest value, so the latest date of a key wins over it
    latest = np.maximum.reduceat(dates.view(np.int64)[order], starts).view("datetime64[ns]")
    distinct = sorted_keys[starts]
    at = np.minimum(np.searchsorted(distinct, wanted), len(distinct) - 1)
    found = distinct[at] == wanted
    out[found] = latest[at[found]]
    return out


def _rows_of(left: pd.DataFrame, right: pd.DataFrame,
             distinct: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None) -> np.ndarray:
    """For each row of ``left``, the position of the row of ``right`` with the same keys
    (its columns, compared as text), or -1; an empty key matches nothing. The keys of
    ``right`` are unique and never empty. ``distinct``: ``factorize_text`` of a key column
    of ``left`` or of the text it was typed from (an empty text matches nothing either)."""
    if len(right) == 0:
        return np.full(len(left), -1, dtype=np.int64)
    factorized = [distinct[name] if distinct and name in distinct
                  else factorize_text(left[name].astype(str)) for name in left.columns]
    combinations = int(np.prod([len(uniques) for _, uniques in factorized], dtype=float))
    if combinations <= max(len(left), 1 << 20):
        # few enough combinations of the left's distinct values for a table of them: the
        # right's rows are put in it, and each left row is one look-up by position
        at_right = np.zeros(len(right), dtype=np.int64)
        inside = np.ones(len(right), dtype=bool)
        for name, (_, uniques) in zip(left.columns, factorized):
            where = _positions_in(right[name].astype(str), uniques)
            inside &= where >= 0
            at_right = at_right * len(uniques) + where
        table = np.full(combinations, -1, dtype=np.int32 if len(right) < 2**31 else np.int64)
        table[at_right[inside]] = np.flatnonzero(inside)
        at_left = factorized[0][0].astype(np.int64)
        for codes, uniques in factorized[1:]:
            at_left *= len(uniques)
            at_left += codes
        return table[at_left]
    at_left = np.zeros(len(left), dtype=np.int64)
    at_right = np.zeros(len(right), dtype=np.int64)
    for name, (codes, uniques) in zip(left.columns, factorized):
        known = pd.Index(right[name].astype(str).unique())
        code = known.get_indexer(pd.Index(uniques, dtype=object))[codes]
        at_left = np.where((at_left < 0) | (code < 0), -1, at_left * len(known) + code)
        at_right = at_right * len(known) + known.get_indexer(right[name].astype(str))
    found = pd.Index(at_right).get_indexer(at_left)
    return np.where(at_left < 0, -1, found)


def _codes(table: TypedTable, column: str) -> tuple[np.ndarray, np.ndarray]:
    """The codes and distinct values of an id column (typed as its text, ``""`` missing):
    those hashed when the table was typed, else hashed now."""
    given = table.distinct.get(column)
    if given is not None and len(given[0]) == len(table.frame):
        return given
    codes, uniques = factorize_text(table.frame[column].astype("str").fillna(""))
    return codes, uniques


def _not_in(table: TypedTable, column: str, known: set[Any]) -> np.ndarray:
    """Rows whose id in ``column`` is given but not one of ``known``: each distinct id
    looked up once."""
    codes, uniques = _codes(table, column)
    bad = np.array([u != "" and u is not None and u not in known for u in uniques.tolist()],
                   dtype=bool)
    return bad[codes] if bad.any() else np.zeros(len(codes), dtype=bool)


def _unknown_pilot(table: TypedTable, pilot_ids: set[Any], problems: Problems) -> np.ndarray:
    """Rows whose pilot is not in the pilots table; returns them (as a mask) so that the
    rules about the pilot's participants leave them be: one cause, one error."""
    ids = table.frame["pilot_id"]
    bad = _not_in(table, "pilot_id", pilot_ids)
    problems.add_rows(table.file, "fk.pilot", ids[bad],
                      lambda v: f"Piloten «{v}» finnes ikke i pilots-tabellen. Sjekk skrivemåten.",
                      lambda v: f"The pilot '{v}' is not in the pilots table. Check the spelling.",
                      column="pilot_id")
    return bad


def _enrolments(participants: TypedTable) -> pd.DataFrame:
    """Each (pilot, participant) once, ids as text, with its enrolment and exit dates
    (made once: the attendance's and the outcomes' rules both need them)."""
    made = participants.derived.get("enrolments")
    if made is None:
        part_keys = participants.frame[["pilot_id", "participant_id", "enrolled_on", "exited_on"]].dropna(
            subset=["pilot_id", "participant_id"]).drop_duplicates(["pilot_id", "participant_id"])
        made = participants.derived["enrolments"] = part_keys.assign(
            pilot_id=part_keys["pilot_id"].astype(str),
            participant_id=part_keys["participant_id"].astype(str))
    return made


def attendance_checks(tables: Mapping[str, TypedTable], problems: Problems) -> None:
    """The attendance's rules that need other tables, as :func:`cross_checks` makes them:
    each row's pilot in the pilots table, its participant enrolled in that pilot, its date
    inside the enrolment.

    Needs only pilots, participants and sessions, so a loader can run it while it types
    the tables after them and give the problems to :func:`cross_checks`
    (``attendance_checked``), which keeps them in their place.

    Parameters
    ----------
    tables : mapping of str to TypedTable
        The folder's typed tables by name (at least pilots and sessions for any rule to
        run; without participants only the pilots are looked up).
    problems : Problems
        Where problems are added.

    Examples
    --------
    >>> from pathlib import Path
    >>> from pilot_eval.io import read_table
    >>> folder = Path("tests/data/doctest_small")
    >>> tables = {}
    >>> for name in ("pilots", "participants", "sessions", "measures", "outcomes"):
    ...     raw = read_table(folder / f"{name}.csv")
    ...     if name == "sessions":  # a participant not enrolled in this pilot
    ...         raw.frame.loc[3, "participant_id"] = "P999"
    ...     if name == "outcomes":  # a pilot the pilots table does not have
    ...         raw.frame.loc[2, "pilot_id"] = "nope"
    ...     tables[name] = type_table(TABLES[name], raw.frame, raw.path.name,
    ...                               raw.dialect["sep"], Problems())
    >>> found = Problems()
    >>> attendance_checks(tables, found)
    >>> [(r["file"], r["row"], r["rule"]) for r in found.records]
    [('sessions.csv', 3, 'fk.participant')]

    Given to :func:`cross_checks`, they take their place among the other problems:

    >>> plain, given = Problems(), Problems()
    >>> cross_checks(tables, None, plain)
    >>> cross_checks(tables, None, given, attendance_checked=found)
    >>> [(r["file"], r["row"], r["rule"]) for r in given.records]
    [('sessions.csv', 3, 'fk.participant'), ('outcomes.csv', 2, 'fk.pilot')]
    >>> given.records == plain.records
    True
    """
    pilots, sessions = tables.get("pilots"), tables.get("sessions")
    if pilots is None or sessions is None:  # as in cross_checks: no pilots, no cross rules
        return
    participants = tables.get("participants")
    _attendance_checks(sessions, set(pilots.frame["pilot_id"].dropna()),
                       None if participants is None else _enrolments(participants), problems)


def _attendance_checks(sessions: TypedTable, pilot_ids: set[Any], part_keys: pd.DataFrame | None,
                       problems: Problems) -> None:
    s = sessions.frame
    unknown_pilot = _unknown_pilot(sessions, pilot_ids, problems)
    if part_keys is None:
        return
    # each attendance row's enrolment, found through integer codes: a merge on two
    # text keys of millions of rows costs seconds
    at = _rows_of(s[["pilot_id", "participant_id"]],
                  part_keys[["pilot_id", "participant_id"]], sessions.distinct)
    found = at >= 0
    missing = ~found & ~unknown_pilot & s["participant_id"].notna().to_numpy(dtype=bool)
    problems.add_rows(sessions.file, "fk.participant", s["participant_id"][missing],
                      lambda v: f"Deltakeren «{v}» er ikke påmeldt denne piloten i participants-tabellen.",
                      lambda v: f"The participant '{v}' is not enrolled in this pilot in the participants table.",
                      column="participant_id")
    date = s["date"].to_numpy()
    # the enrolment of each row (NaT where none, at = -1: a NaT compares False)
    enrolled_on, exited_on = (
        np.append(part_keys[c].to_numpy(dtype="datetime64[ns]"),
                  np.datetime64("NaT", "ns"))[at]
        for c in ("enrolled_on", "exited_on"))
    # NaT compares False, as in pandas
    out = found & ~np.isnat(date) & ((date < enrolled_on) | (
        ~np.isnat(exited_on) & (date > exited_on)))
    problems.add_rows(sessions.file, "session.outside_enrolment", s.loc[out, "date"],
                      "Oppmøtet er registrert før deltakeren ble påmeldt eller etter at hen sluttet.",
                      "The attendance is dated before the participant enrolled or after they left.",
                      column="date", severity="warning", pilot_ids=s["pilot_id"])


def cross_checks(tables: Mapping[str, TypedTable], agreement: Mapping[str, Any] | None,
                 problems: Problems, *, attendance_checked: Problems | None = None) -> None:
    """Rules that need more than one table: ids that must exist in another table
    (pilots, participants, measures), dates inside the agreement, the pilot's period or the
    participant's enrolment, follow-ups after baselines, values inside a measure's scale.

    All vectorised, on integer codes of the ids where they are known.

    Parameters
    ----------
    tables : mapping of str to TypedTable
        The folder's typed tables by name (those it has).
    agreement : mapping or None
        The settings of :func:`check_agreement` (the agreement's period), or None.
    problems : Problems
        Where problems are added.
    attendance_checked : Problems, optional
        The problems :func:`attendance_checks` found in these same tables beforehand (the
        largest table's rules, run while the others were typed): added in their place
        instead of checking the attendance again. Problems of other tables would be
        reported as these tables' (nothing can tell).

    Examples
    --------
    >>> from pathlib import Path
    >>> from pilot_eval.io import read_table
    >>> folder = Path("tests/data/doctest_small")
    >>> problems = Problems()
    >>> tables = {}
    >>> for name in ("pilots", "measures", "sessions"):
    ...     raw = read_table(folder / f"{name}.csv")
    ...     if name == "sessions":  # a pilot the pilots table does not have
    ...         raw.frame.loc[2, "pilot_id"] = "nope"
    ...     tables[name] = type_table(TABLES[name], raw.frame, raw.path.name,
    ...                               raw.dialect["sep"], problems)
    >>> cross_checks(tables, None, problems)
    >>> problems.frame()[["file", "row", "rule"]].values.tolist()
    [['sessions.csv', 2, 'fk.pilot']]
    """
    pilots = tables.get("pilots")
    if pilots is None:
        return
    p = pilots.frame
    pf = pilots.file
    # pilots: own date and age order; primary measure exists
    bad = p["start_date"].notna() & p["end_date"].notna() & (p["end_date"] < p["start_date"])
    problems.add_rows(pf, "pilot.period", p.loc[bad, "end_date"],
                      "Sluttdatoen er før startdatoen.", "The end date is before the start date.",
                      column="end_date")
    bad = p["target_age_max"].notna() & p["target_age_min"].notna() & (p["target_age_max"] < p["target_age_min"])
    problems.add_rows(pf, "pilot.ages", p.loc[bad, "target_age_max"].astype("float"),
                      "Høyeste alder i målgruppen er lavere enn laveste alder.",
                      "The target group's maximum age is below its minimum age.",
                      column="target_age_max")
    if "org_number" in pilots.columns_present:
        from .privacy import valid_org_number

        org = p["org_number"].fillna("").str.replace(r"\s", "", regex=True)
        bad = org.ne("") & ~valid_org_number(org)
        problems.add_rows(pf, "pilot.org_number", p.loc[bad, "org_number"],
                          lambda v: f"«{v}» er ikke et gyldig organisasjonsnummer (9 sifre med "
                                    "riktig kontrollsiffer). Sjekk nummeret i Brønnøysundregistrene.",
                          lambda v: f"'{v}' is not a valid Norwegian organisation number (9 digits "
                                    "with a valid check digit). Check it in the Brønnøysund register.",
                          column="org_number")
    if agreement is not None:
        for col in ("start_date", "end_date"):
            out = _outside(p[col], agreement["start"], agreement["end"])
            problems.add_rows(pf, "pilot.outside_agreement", p.loc[out, col],
                              "Datoen er utenfor avtaleperioden.",
                              "The date is outside the agreement period.", column=col,
                              severity="warning", pilot_ids=p["pilot_id"])
    pilot_ids = set(p["pilot_id"].dropna())
    periods = p.dropna(subset=["pilot_id"]).drop_duplicates("pilot_id").set_index("pilot_id")[["start_date", "end_date"]]

    measures = tables.get("measures")
    measure_keys = set(measures.frame["measure"].dropna()) if measures is not None else set()
    if measures is not None:
        m = measures.frame
        bad = m["scale_min"].notna() & m["scale_max"].notna() & (m["scale_max"] <= m["scale_min"])
        problems.add_rows(measures.file, "measure.scale", m.loc[bad, "scale_max"],
                          "Skalaens øvre grense må være større enn den nedre.",
                          "The scale's maximum must be greater than its minimum.", column="scale_max")
        thr = m["success_threshold"]
        bad = thr.notna() & (((m["scale_min"].notna()) & (thr < m["scale_min"])) |
                             ((m["scale_max"].notna()) & (thr > m["scale_max"])))
        problems.add_rows(measures.file, "measure.threshold", thr[bad],
                          "Grensen for suksess ligger utenfor skalaen.",
                          "The success threshold lies outside the scale.", column="success_threshold")
    if "primary_measure" in pilots.columns_present:
        pm = p["primary_measure"]
        bad = pm.notna() & ~pm.isin(measure_keys)
        problems.add_rows(pf, "pilot.primary_measure", pm[bad],
                          lambda v: f"Resultatmålet «{v}» finnes ikke i measures-tabellen.",
                          lambda v: f"The measure '{v}' is not in the measures table.",
                          column="primary_measure")

    def period_of(tt: TypedTable) -> pd.DataFrame:
        codes, uniques = _codes(tt, "pilot_id")  # each distinct pilot looked up once
        per = periods.reindex(pd.Index(uniques, dtype=object))
        return pd.DataFrame({c: per[c].to_numpy()[codes] for c in per.columns},
                            index=tt.frame.index)

    costs = tables.get("costs")
    if costs is not None:
        c = costs.frame
        _unknown_pilot(costs, pilot_ids, problems)
        per = period_of(costs)
        # a month cost counts as inside when its month overlaps the pilot period
        start_month = per["start_date"].dt.to_period("M").dt.to_timestamp()
        out = _outside(c["date"], start_month, per["end_date"])
        shown = costs.raw["date"] if "date" in costs.raw.columns else c["date"]
        problems.add_rows(costs.file, "cost.outside_pilot", shown[out],
                          "Kostnaden er datert utenfor pilotens periode. Sjekk datoen.",
                          "The cost is dated outside the pilot's period. Check the date.",
                          column="date", severity="warning", pilot_ids=c["pilot_id"])
        totals = c.groupby(c["pilot_id"].astype(object))["amount_nok"].sum()
        for pid, total in totals[totals < 0].items():
            problems.add(costs.file, "cost.negative_total",
                         f"Summen av kostnadene for piloten «{pid}» er negativ ({total:.0f} kr). "
                         "Negative beløp er bare lov som korrigeringer.",
                         f"The costs of pilot '{pid}' add up to a negative amount ({total:.0f} NOK). "
                         "Negative amounts are allowed only as corrections.",
                         column="amount_nok", value=total)

    participants = tables.get("participants")
    part_keys = None
    if participants is not None:
        pt = participants.frame
        _unknown_pilot(participants, pilot_ids, problems)
        bad = pt["exited_on"].notna() & pt["enrolled_on"].notna() & (pt["exited_on"] < pt["enrolled_on"])
        problems.add_rows(participants.file, "participant.exit_before_enrol", pt.loc[bad, "exited_on"],
                          "Sluttdatoen er før påmeldingsdatoen.",
                          "The exit date is before the enrolment date.", column="exited_on")
        bad = pt["exited_on"].notna() & pt["exit_reason"].isna()
        problems.add_rows(participants.file, "participant.exit_reason_missing",
                          pt.loc[bad, "exit_reason"].astype(object),
                          "Deltakeren har sluttet, men årsaken mangler. Fyll inn exit_reason: "
                          + ", ".join(EXIT_REASONS) + ".",
                          "The participant has left but the reason is missing. Fill in exit_reason: "
                          + ", ".join(EXIT_REASONS) + ".", column="exit_reason")
        bad = pt["exited_on"].isna() & pt["exit_reason"].notna()
        problems.add_rows(participants.file, "participant.exit_date_missing",
                          pt.loc[bad, "exit_reason"].astype(object),
                          "Årsak til at deltakeren sluttet er fylt inn, men sluttdatoen mangler.",
                          "An exit reason is given but the exit date is missing.", column="exited_on")
        per = period_of(participants)
        out = _outside(pt["enrolled_on"], per["start_date"], per["end_date"])
        problems.add_rows(participants.file, "participant.outside_pilot", pt.loc[out, "enrolled_on"],
                          "Påmeldingsdatoen er utenfor pilotens periode.",
                          "The enrolment date is outside the pilot's period.", column="enrolled_on",
                          severity="warning", pilot_ids=pt["pilot_id"])
        part_keys = _enrolments(participants)

    sessions = tables.get("sessions")
    if attendance_checked is not None:
        problems.records.extend(attendance_checked.records)
    elif sessions is not None:
        _attendance_checks(sessions, pilot_ids, part_keys, problems)

    outcomes = tables.get("outcomes")
    if outcomes is not None:
        o = outcomes.frame
        unknown_pilot = _unknown_pilot(outcomes, pilot_ids, problems)
        if measures is None:
            problems.add(outcomes.file, "table.measures_missing",
                         "Det finnes resultatmålinger, men ingen measures-fil som beskriver resultatmålene.",
                         "There are outcome measurements but no measures file describing the measures.")
        else:
            bad = _not_in(outcomes, "measure", measure_keys)
            problems.add_rows(outcomes.file, "fk.measure", o.loc[bad, "measure"],
                              lambda v: f"Resultatmålet «{v}» finnes ikke i measures-tabellen.",
                              lambda v: f"The measure '{v}' is not in the measures table.", column="measure")
            scale = measures.frame.drop_duplicates("measure").set_index("measure")[["scale_min", "scale_max"]]
            codes, uniques = _codes(outcomes, "measure")
            sc = scale.reindex(pd.Index(uniques, dtype=object))
            value = o["value"].to_numpy(dtype="float64", na_value=np.nan)
            with np.errstate(invalid="ignore"):  # NaN compares False: no scale, no value
                out = ((value < sc["scale_min"].to_numpy(dtype="float64")[codes])
                       | (value > sc["scale_max"].to_numpy(dtype="float64")[codes]))
            problems.add_rows(outcomes.file, "outcome.outside_scale", o.loc[out, "value"],
                              lambda v: f"Verdien {v} er utenfor skalaen til resultatmålet.",
                              lambda v: f"The value {v} is outside the measure's scale.", column="value")
        if part_keys is not None:
            # each row's enrolment through integer codes, as for attendance
            is_part = _rows_of(o[["pilot_id", "participant_id"]],
                               part_keys[["pilot_id", "participant_id"]], outcomes.distinct) >= 0
            grp = o["group"]
            bad = ((grp == "pilot").to_numpy(dtype=bool) & ~is_part & ~unknown_pilot
                   & o["participant_id"].notna().to_numpy(dtype=bool))
            problems.add_rows(outcomes.file, "outcome.not_participant", o.loc[bad, "participant_id"],
                              lambda v: f"«{v}» er oppført i gruppen «pilot», men er ikke deltaker i denne piloten.",
                              lambda v: f"'{v}' is in group 'pilot' but is not a participant of this pilot.",
                              column="participant_id")
            bad = (grp == "comparison").to_numpy(dtype=bool) & is_part
            problems.add_rows(outcomes.file, "outcome.comparison_is_participant", o.loc[bad, "participant_id"],
                              lambda v: f"«{v}» er i sammenligningsgruppen, men er også deltaker i piloten.",
                              lambda v: f"'{v}' is in the comparison group but is also a participant of the pilot.",
                              column="participant_id")
        # follow-ups matched with baselines on one integer key made of the four keys' codes
        key, _ = _row_keys(outcomes, TABLES["outcomes"],
                           ["pilot_id", "participant_id", "group", "measure"])
        keyed = (o["participant_id"].notna() & o["measure"].notna()).to_numpy(dtype=bool)
        base = keyed & (o["timepoint"] == "baseline").to_numpy(dtype=bool)
        follow = keyed & (o["timepoint"] == "followup").to_numpy(dtype=bool)
        late = _latest_by_key(key[base], o["measured_on"].to_numpy("datetime64[ns]")[base],
                              key[follow])
        bad = np.zeros(len(o), dtype=bool)  # before the latest baseline: before one of them
        bad[follow] = o["measured_on"].to_numpy("datetime64[ns]")[follow] < late
        problems.add_rows(outcomes.file, "outcome.followup_before_baseline",
                          o.loc[bad, "measured_on"],
                          "Oppfølgingsmålingen er datert før startmålingen.",
                          "The follow-up measurement is dated before the baseline.", column="measured_on")

    indicators = tables.get("indicators")
    if indicators is not None:
        _unknown_pilot(indicators, pilot_ids, problems)

    alternatives = tables.get("alternatives")
    if alternatives is not None:
        named = alternatives.frame["pilot_ids"].dropna().str.split(";").explode().str.strip()
        named = named[named.ne("")]
        bad = ~named.isin(pilot_ids)
        problems.add_rows(alternatives.file, "fk.pilot", named[bad],
                          lambda v: f"Piloten «{v}» finnes ikke i pilots-tabellen. Skriv pilot-id-ene "
                                    "skilt med semikolon, eller la cellen stå tom for alle pilotene.",
                          lambda v: f"The pilot '{v}' is not in the pilots table. Write the pilot ids "
                                    "separated by semicolons, or leave the cell empty for every pilot.",
                          column="pilot_ids")

    finances = tables.get("finances")
    if finances is not None:
        f = finances.frame
        organisations = set(organisation_key(p["organisation"].dropna()))
        bad = f["organisation"].notna() & ~organisation_key(f["organisation"]).isin(organisations)
        problems.add_rows(finances.file, "finances.organisation", f.loc[bad, "organisation"],
                          lambda v: f"Organisasjonen «{v}» driver ingen pilot i pilots-tabellen "
                                    "(kolonnen organisation). Skriv navnet likt i begge tabellene.",
                          lambda v: f"The organisation '{v}' runs no pilot in the pilots table "
                                    "(column organisation). Spell the name the same in both tables.",
                          column="organisation", severity="warning")

    valuation = tables.get("valuation")
    if valuation is not None:
        v = valuation.frame
        bad = v["measure"].notna() & ~v["measure"].isin(measure_keys)
        problems.add_rows(valuation.file, "fk.measure", v.loc[bad, "measure"],
                          lambda x: f"Resultatmålet «{x}» finnes ikke i measures-tabellen.",
                          lambda x: f"The measure '{x}' is not in the measures table.", column="measure")
        if measures is not None:
            thr = measures.frame.drop_duplicates("measure").set_index("measure")["success_threshold"]
            has_thr = v["measure"].astype(object).map(thr).notna()
            bad = (v["basis"].astype(object) == "per_success") & ~has_thr & v["measure"].isin(measure_keys)
            problems.add_rows(valuation.file, "valuation.threshold_missing", v.loc[bad, "measure"],
                              lambda x: f"Verdsetting per suksess krever en grense for suksess "
                                        f"(success_threshold) for «{x}» i measures-tabellen.",
                              lambda x: f"Valuing per success needs a success_threshold for '{x}' "
                                        "in the measures table.", column="basis")


def iter_specs() -> Iterable[TableSpec]:
    """Every table's specification, in the order of :data:`TABLES`.

    Returns
    -------
    iterable of TableSpec

    Examples
    --------
    >>> [spec.name for spec in iter_specs()][:3]
    ['pilots', 'costs', 'participants']
    """
    return TABLES.values()
