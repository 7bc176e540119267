"""The typed dataset: loading a data folder, validating it, and viewing it at a date."""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ._process import ordinary_pages, release_arrow_memory
from .errors import (
    DataValidationError,
    DataWarning,
    UsageError,
    concat_problems,
    problems_frame,
    show_controls,
)
from .io import MAX_YEAR, MIN_YEAR, find_table, read_table, read_toml, toml_key_lines
from .privacy import mask_identity_numbers
from .schema import (
    AGREEMENT_KEYS,
    CONTROL_CHARACTERS,
    DEFAULT_RULES,
    TABLE_LABELS_NB,
    TABLES,
    IdentityNumberChecks,
    Problems,
    TypedTable,
    attendance_checks,
    check_agreement,
    check_table,
    check_text_cells,
    cross_checks,
    type_table,
)

#: Tables in the order they are read and checked.
TABLE_ORDER = ("pilots", "costs", "participants", "sessions", "measures", "outcomes",
               "indicators", "population", "valuation", "alternatives", "finances")
#: How many years after the agreement's end ``as_of`` may be (a late evaluation still
#: works; a typo such as 2999 is a usage error, not an overflow deep in a metric).
AS_OF_YEARS_AFTER_END = 10
#: Text columns that become categoricals (ids repeat a lot).
_CATEGORY_COLUMNS = {"pilot_id", "participant_id", "measure", "series", "area"}


@dataclass(frozen=True)
class Agreement:
    """The settings of ``agreement.toml``.

    Attributes
    ----------
    rules : Mapping[str, float]
        Scorecard thresholds in force (defaults from
        :data:`pilot_eval.schema.DEFAULT_RULES`, overridden by ``[rules]``).
    """

    name: str
    municipality: str
    start: pd.Timestamp
    end: pd.Timestamp
    annual_budget_nok: float
    discount_rate: float = 0.04
    tax_financing_cost: float = 0.20
    min_cell_size: int = 5
    allow_small_cells: bool = False  # min_cell_size below 3 by choice (a warning says so)
    language: str = "nb"
    scale_up_share: float = 0.10  # scenario (c) after the agreement: share of the target group
    rules: Mapping[str, float] = field(default_factory=lambda: MappingProxyType(dict(DEFAULT_RULES)))
    rules_overridden: tuple[str, ...] = ()

    @property
    def years(self) -> float:
        """Length of the agreement in years (365.25-day years)."""
        return ((self.end - self.start).days + 1) / 365.25

    @property
    def budget_nok(self) -> float:
        """The fund's allocation over the whole agreement: annual budget × years."""
        return self.annual_budget_nok * round(self.years, 2)


@dataclass(frozen=True)
class Dataset:
    """A validated data folder as typed pandas tables, seen at the date ``as_of_date``.

    Tables that the folder does not have are empty frames with the right columns.
    Ids and enums are categoricals, dates ``datetime64``, whole numbers ``Int64``.
    Treat the tables as read-only: :meth:`as_of` gives a new dataset.
    """

    agreement: Agreement
    pilots: pd.DataFrame
    costs: pd.DataFrame
    participants: pd.DataFrame
    sessions: pd.DataFrame
    measures: pd.DataFrame
    outcomes: pd.DataFrame
    indicators: pd.DataFrame
    population: pd.DataFrame
    valuation: pd.DataFrame
    alternatives: pd.DataFrame
    finances: pd.DataFrame
    as_of_date: pd.Timestamp
    warnings: pd.DataFrame = field(default_factory=problems_frame)
    source: Path | None = None
    input_files: tuple[Path, ...] = ()
    tables_present: frozenset[str] = frozenset()
    #: Optional columns the folder's tables have, as ``"table.column"`` (``"costs.cost_type"``).
    columns_present: frozenset[str] = frozenset()

    def table(self, name: str) -> pd.DataFrame:
        """A table by name (``"costs"`` …)."""
        if name not in TABLE_ORDER:
            raise UsageError(f"Unknown table {name!r}; the tables are: {', '.join(TABLE_ORDER)}.")
        return getattr(self, name)

    @property
    def last_data_date(self) -> pd.Timestamp | None:
        """The latest date in the data: a cost, enrolment, exit, session or measurement
        (None for a folder without any)."""
        dates = [d for d in _data_dates(self.__dict__) if pd.notna(d)]
        return max(dates) if dates else None

    @property
    def pilot_ids(self) -> list[str]:
        return [str(p) for p in self.pilots["pilot_id"]]

    def as_of(self, date: str | pd.Timestamp) -> Dataset:
        """The dataset as it was known on ``date``: everything dated after is left out.

        Costs, sessions, outcome measurements and indicator months after ``date`` are
        dropped; participants enrolled after it are dropped; an exit after it is undone
        (the person was still active on ``date``). Population rows are kept: metrics take
        the latest year at or before ``date``. An organisation's finances of years after
        ``date``'s year are dropped (the year of ``date`` itself may be a part year).

        Warns
        -----
        DataWarning
            When ``date`` is after the last date in the data (nothing is known of the days
            between, so they count as days without costs, enrolments or attendance), or
            after the agreement's end (every pilot has ended).
        """
        when = _to_date(date)
        latest = self.agreement.end + pd.DateOffset(years=AS_OF_YEARS_AFTER_END)
        if when > latest:
            raise UsageError(
                f"as_of={when.date()} is more than {AS_OF_YEARS_AFTER_END} years after the "
                f"agreement's end ({self.agreement.end.date()}): choose a date up to "
                f"{latest.date()}, usually the date the data were taken out.",
                nb=f"Datoen {when:%d.%m.%Y} er mer enn {AS_OF_YEARS_AFTER_END} år etter at "
                   f"avtalen sluttet ({self.agreement.end:%d.%m.%Y}). Velg en dato til og med "
                   f"{latest:%d.%m.%Y}, vanligvis datoen dataene ble hentet ut.")
        for warning in as_of_warnings(when, self.last_data_date, self.agreement.end):
            warnings.warn(warning, stacklevel=2)
        with ordinary_pages.held():  # copies of millions of rows (see _process.ordinary_pages)
            return self._before(when)

    def _before(self, when: pd.Timestamp) -> Dataset:
        p = self.participants
        p = p[p["enrolled_on"] <= when].copy()
        later_exit = p["exited_on"] > when
        p.loc[later_exit, "exited_on"] = pd.NaT
        p.loc[later_exit, "exit_reason"] = pd.NA
        return dataclasses.replace(
            self,
            costs=self.costs[self.costs["date"] <= when],
            participants=p,
            sessions=self.sessions[self.sessions["date"] <= when],
            outcomes=self.outcomes[self.outcomes["measured_on"] <= when],
            indicators=self.indicators[self.indicators["month"] <= when],
            finances=self.finances[self.finances["year"].fillna(when.year) <= when.year],
            as_of_date=when,
        )

    def __repr__(self) -> str:
        sizes = ", ".join(f"{n}={len(getattr(self, n))}" for n in TABLE_ORDER)
        return (f"Dataset({self.agreement.name!r}, as_of={self.as_of_date.date()}, {sizes})")

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{n}</td><td style='text-align:right'>{len(getattr(self, n)):,}</td></tr>"
                       for n in TABLE_ORDER)
        return (f"<p><b>{self.agreement.name}</b> · {self.agreement.municipality} · as of "
                f"{self.as_of_date.date()}</p><table><tr><th>table</th><th>rows</th></tr>{rows}</table>")


def _not_a_date(value: object) -> UsageError:
    return UsageError(f"as_of={value!r} is not a date; write it as YYYY-MM-DD.",
                      nb=f"«{value}» er ikke en dato. Skriv den som ÅÅÅÅ-MM-DD.")


def _to_date(value: str | pd.Timestamp) -> pd.Timestamp:
    try:
        when = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError) as exc:
        raise _not_a_date(value) from exc
    if pd.isna(when):
        raise _not_a_date(value)
    if not MIN_YEAR <= when.year <= MAX_YEAR:  # nor would it fit the tables' datetime64[ns]
        raise UsageError(f"as_of={value!r} is out of range; the year must be between "
                         f"{MIN_YEAR} and {MAX_YEAR}.",
                         nb=f"Datoen «{value}» er utenfor det tillatte: året må være mellom "
                            f"{MIN_YEAR} og {MAX_YEAR}.")
    return when.normalize().as_unit("ns")


@ordinary_pages.held()  # hundreds of MB touched once, in arrays of tens of MB (see _process)
def _check_folder(path: str | Path, *,
                  meanwhile: Callable[[Mapping[str, TypedTable]], Any] | None = None
                  ) -> tuple[pd.DataFrame, dict[str, TypedTable], dict[str, Any] | None,
                             list[Path]]:
    """Read and check a folder; return (problems, typed tables, agreement settings, files).

    ``meanwhile(typed)`` runs while the cross-table rules are checked in another thread
    (both are mostly numpy and Arrow, which let go of the GIL); it may read the typed
    tables, not change them.
    """
    folder = Path(path)
    problems = Problems()
    if not folder.is_dir():
        problems.add(str(folder), "folder.missing",
                     f"Fant ikke datamappen «{folder}». Sjekk stien.",
                     f"The data folder '{folder}' was not found. Check the path.")
        return problems.frame(), {}, None, []
    files: list[Path] = []
    agreement_path = folder / "agreement.toml"
    agreement = None
    if agreement_path.is_file():
        files.append(agreement_path)
        data, toml_problems = read_toml(agreement_path)
        problems.records.extend(toml_problems)
        first = len(problems.records)
        agreement = check_agreement(data, agreement_path.name, problems)
        lines = toml_key_lines(agreement_path) if len(problems.records) > first else {}
        for record in problems.records[first:]:  # the line a person can find the setting on
            if (record.get("row") is None and record.get("column") in lines
                    and record.get("rule") != "agreement.missing"):
                record["row"] = lines[record["column"]]
    else:
        problems.add("agreement.toml", "file.missing",
                     "Filen agreement.toml mangler. Den beskriver samarbeidsavtalen (navn, kommune, "
                     "periode og årlig budsjett); se docs/data-format.md.",
                     "The file agreement.toml is missing. It describes the agreement (name, "
                     "municipality, period, annual budget); see docs/data-format.md.")
    located = [(name, *find_table(folder, name)) for name in TABLE_ORDER]
    # the files are read one after the other in a second thread (pyarrow's reader works
    # without the GIL) while this one types and checks the tables read before; the
    # problems keep their order: every table's reading problems first, then the checks'
    checks = Problems()
    typed: dict[str, TypedTable] = {}
    identity_checks = IdentityNumberChecks()  # ids repeat across tables: checked once
    from concurrent.futures import Future, ThreadPoolExecutor
    from functools import partial

    pool = ThreadPoolExecutor(1)
    checking_attendance: Future[Problems] | None = None
    try:
        reading = {name: pool.submit(read_table, found, name)
                   for name, found, _ in located if found is not None}
        for name, found, find_problems in located:
            spec = TABLES[name]
            problems.records.extend(find_problems)
            if found is None:
                if spec.required and not find_problems:
                    problems.add(f"{name}.csv", "file.missing",
                                 f"Filen {name}.csv (eller .xlsx/.parquet) mangler, og den er påkrevd.",
                                 f"The file {name}.csv (or .xlsx/.parquet) is missing and is required.")
                continue
            files.append(found)
            raw = reading.pop(name).result()
            problems.records.extend(raw.problems.to_dict("records"))
            if raw.frame is not None and raw.frame.empty and spec.required:
                problems.add(found.name, "table.empty",
                             f"Filen {found.name} har bare overskriftsraden, ingen rader med data. "
                             f"{TABLE_LABELS_NB[name].capitalize()} er påkrevd: legg inn minst én rad.",
                             f"The file {found.name} has only its header row, no rows of data. The "
                             f"{name} table is required: add at least one row.")
            if raw.frame is None or raw.frame.empty:
                continue  # a header-only optional table counts as absent
            table = type_table(spec, raw.frame, raw.path.name, raw.dialect.get("sep"), checks)
            raw.frame = None  # the typed table holds what is needed of it
            check_table(spec, table, checks)
            check_text_cells(spec, table, checks, identity_checks)
            # the table's own checks are done: let go of the text the cross-table rules do
            # not read (ids and free text cost nothing: the typed columns share it; the
            # costs' dates are shown as written)
            keep = {c.name for c in spec.columns if c.kind in ("id", "text")}
            keep |= {"date"} if name == "costs" else set()
            table.raw = table.raw[[c for c in table.raw.columns if c in keep]]
            for column in set(table.distinct) - keep:
                del table.distinct[column]
            typed[name] = table
            if name == "sessions":  # the largest table's rules, after the files are read,
                # while this thread types the tables after it
                checking_attendance = pool.submit(_attendance_problems, dict(typed))
        attendance_checked = None if checking_attendance is None else checking_attendance.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    problems.records.extend(checks.records)
    cross = partial(cross_checks, typed, agreement, problems, attendance_checked=attendance_checked)
    if meanwhile is None:
        cross()
    else:
        with ThreadPoolExecutor(1) as checker:
            checking = checker.submit(cross)
            try:
                meanwhile(typed)
            finally:
                checking.result()
    for table in typed.values():  # the checks are done: keep the typed frames and the
        for column in set(table.distinct) - _CATEGORY_COLUMNS:  # codes of categoricals
            del table.distinct[column]
    return _inert(concat_problems([problems.frame()])), typed, agreement, files


def _attendance_problems(tables: Mapping[str, TypedTable]) -> Problems:
    found = Problems()
    attendance_checks(tables, found)
    return found


def _inert(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems safe to print or publish: whatever rule echoed a cell, no identity number
    (masked, birth date included) and no control character (shown as ``\\xNN``)."""
    if problems.empty:
        return problems
    out = problems.copy()
    for col in ("value", "column", "message_nb", "message_en"):
        text = out[col].astype("str").fillna("")
        masked = mask_identity_numbers(text)
        odd = masked.str.contains(CONTROL_CHARACTERS, regex=True).fillna(False)
        if odd.any():
            masked = masked.where(~odd, masked[odd].map(show_controls))
        out[col] = masked.where(out[col].notna()).astype("string")
    return out


def only_header(problems: pd.DataFrame, tables: tuple[str, ...]) -> pd.Series:
    """Which problems say that one of ``tables`` has only its header row.

    Parameters
    ----------
    problems : pandas.DataFrame
        A problems table (:func:`validate`).
    tables : tuple of str
        Table names (``participants``, ``sessions`` …).

    Returns
    -------
    pandas.Series of bool
        True for each problem "table.empty" of one of ``tables``.

    Examples
    --------
    >>> problems = pd.DataFrame({"file": ["sessions.csv", "costs.csv", "sessions.csv"],
    ...                          "rule": ["table.empty", "table.empty", "value.range"]})
    >>> only_header(problems, ("sessions",)).tolist()
    [True, False, False]
    """
    stems = problems["file"].astype(str).str.rsplit(".", n=1).str[0]
    return problems["rule"].eq("table.empty") & stems.isin(tables)


def validate(path: str | Path) -> pd.DataFrame:
    """Check a data folder and return every problem found as a DataFrame.

    Columns: ``file, row, column, value, severity, rule, message_nb, message_en, pilot_id,
    count``; ``row`` is the spreadsheet row a person sees (header = row 1). A long list of
    identical problems ends in one line "… and N more rows" whose ``count`` is N: count
    problems with :func:`~pilot_eval.errors.count_problems`, not lines. An empty frame means
    the folder is fine. Never raises on bad data.

    Parameters
    ----------
    path : str or pathlib.Path
        The data folder (see ``docs/data-format.md``).

    Returns
    -------
    pandas.DataFrame
        One row per problem, errors and warnings, with messages in Norwegian and English.

    Examples
    --------
    >>> validate("tests/data/doctest_small").query("severity == 'error'").empty
    True
    >>> import shutil, tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp()) / "data"
    >>> _ = shutil.copytree("tests/data/doctest_small", folder)
    >>> costs = folder / "costs.csv"
    >>> text = costs.read_text(encoding="utf-8").replace(",200000,", ",to hundre tusen,")
    >>> _ = costs.write_text(text, encoding="utf-8")
    >>> errors = validate(folder).query("severity == 'error'")
    >>> errors[["file", "row", "column", "value"]]
            file  row      column            value
    0  costs.csv    2  amount_nok  to hundre tusen
    >>> print(errors["message_en"].iloc[0])  # doctest: +NORMALIZE_WHITESPACE
    'to hundre tusen' is not a number. Write digits only, with a decimal mark if needed
    (for example 1234.50).
    """
    problems, _, _, _ = _check_folder(path)
    release_arrow_memory()  # what reading the files took, now free
    return problems


def load_dataset(path: str | Path, *, as_of: str | pd.Timestamp | None = None) -> Dataset:
    """Load and validate a data folder.

    Parameters
    ----------
    path : the data folder (see ``docs/data-format.md``).
    as_of : view the data at this date (see :meth:`Dataset.as_of`). Default: the latest
        date found in the data (a cost, enrolment, exit, session or measurement).

    Raises
    ------
    DataValidationError
        When the folder has errors; ``.problems`` lists all of them. Warnings do not
        stop loading; they are kept in ``Dataset.warnings`` for the report.

    Warns
    -----
    DataWarning
        When ``as_of`` is after the last date in the data or after the agreement's end
        (:meth:`Dataset.as_of`).

    Examples
    --------
    >>> ds = load_dataset("tests/data/doctest_small", as_of="2026-01-31")
    >>> ds.pilots["pilot_id"].tolist(), ds.as_of_date.date()
    (['lekse', 'jobb'], datetime.date(2026, 1, 31))
    >>> import pilot_eval as pe
    >>> try:
    ...     load_dataset("tests/data")  # not a data folder
    ... except pe.DataValidationError as error:
    ...     print(len(error.problems) > 0)
    True
    """
    return _load(path, as_of=as_of)


def _load(path: str | Path, *, as_of: str | pd.Timestamp | None = None,
          allow_empty: tuple[str, ...] = ()) -> Dataset:
    """:func:`load_dataset`, where the tables named in ``allow_empty`` may have only their
    header row (a new folder before its first delivery)."""
    frames: dict[str, pd.DataFrame] = {}

    def dataset_frames(typed: Mapping[str, TypedTable]) -> None:
        pilots = typed.get("pilots")
        pilot_categories = ([] if pilots is None
                            else list(pilots.frame["pilot_id"].reset_index(drop=True).astype(str)))
        for name in TABLE_ORDER:
            frames[name] = _finalise(name, typed.get(name), pilot_categories)

    def dataset_frames_meanwhile(typed: Mapping[str, TypedTable]) -> None:
        # made while the cross-table rules run (wasted only on a folder with errors)
        try:
            dataset_frames(typed)
        except Exception:  # a folder with errors (duplicate pilot ids …) may break what a
            frames.clear()  # valid one cannot: its problems are what is reported

    problems, typed, settings, files = _check_folder(path, meanwhile=dataset_frames_meanwhile)
    errors = problems[(problems["severity"] == "error") & ~only_header(problems, allow_empty)]
    language = settings["language"] if settings else _written_language(path)
    if len(errors) or settings is None:
        raise DataValidationError(problems, language="en" if language not in ("nb", "en") else language)
    agreement = Agreement(
        **{k: v for k, v in settings.items() if k not in ("rules", "rules_overridden")},
        rules=MappingProxyType(dict(settings["rules"])),
        rules_overridden=tuple(settings["rules_overridden"]),
    )
    tables_present = frozenset(typed)
    columns_present = frozenset(f"{name}.{col}" for name, table in typed.items()
                                for col in table.columns_present)
    if len(frames) < len(TABLE_ORDER):  # pragma: no cover - a valid folder's frames were made
        dataset_frames(typed)
    typed.clear()
    release_arrow_memory()  # what reading the files took, now free
    ds = Dataset(
        agreement=agreement,
        as_of_date=_latest_date(frames, agreement),
        warnings=problems[problems["severity"] == "warning"].reset_index(drop=True),
        source=Path(path).resolve(),
        input_files=tuple(files),
        tables_present=tables_present,
        columns_present=columns_present,
        **frames,
    )
    if as_of is None:
        return ds
    with warnings.catch_warnings():  # the warning points at the caller of load_dataset
        warnings.simplefilter("ignore", DataWarning)
        viewed = ds.as_of(as_of)
    for warning in as_of_warnings(viewed.as_of_date, ds.last_data_date, agreement.end):
        warnings.warn(warning, stacklevel=3)
    return viewed


def _written_language(path: str | Path) -> str:
    """The language of a folder whose agreement has a setting wrong: what the agreement
    says (its default, nb, when it says nothing), or "en" when it cannot be read."""
    agreement = Path(path) / "agreement.toml"
    data = read_toml(agreement)[0] if agreement.is_file() else None
    return data.get("language", AGREEMENT_KEYS["language"][1]) if isinstance(data, dict) else "en"


def _finalise(name: str, table: TypedTable | None, pilot_categories: list[str]) -> pd.DataFrame:
    """Typed table → the Dataset's frame: known columns first, categoricals (a
    ``pilot_id`` with ``pilot_categories``), RangeIndex."""
    spec = TABLES[name]
    if table is None:
        from .schema import _empty_of

        frame = pd.DataFrame({c.name: _empty_of(c, 0, pd.RangeIndex(0)) for c in spec.columns})
    else:
        frame = table.frame.reset_index(drop=True)
        known = [c.name for c in spec.columns]
        frame = frame[known + [c for c in frame.columns if c not in known]]
    for col in spec.columns:
        if col.name in _CATEGORY_COLUMNS and col.kind in ("id", "text"):
            categories = pilot_categories if col.name == "pilot_id" else None
            # the typed column is its text with "" as missing: the codes hashed from the
            # text when it was typed serve, instead of hashing millions of ids again
            given = (table is not None and col.default is None
                     and col.name in table.columns_present and col.name in table.distinct)
            # the codes are read, not taken: the cross-table rules may be reading them too
            frame[col.name] = _categorical(frame[col.name], categories,
                                           table.distinct[col.name] if given else None)
    if "pilot_id" in frame.columns and "pilot_id" not in {c.name for c in spec.columns}:
        frame["pilot_id"] = _categorical(frame["pilot_id"], pilot_categories)  # an extra column
    return frame


def _categorical(values: pd.Series, categories: list[str] | None = None,
                 distinct: tuple[np.ndarray, np.ndarray] | None = None) -> pd.Categorical:
    """``pd.Categorical(values, categories=categories)``, or without ``categories``
    ``values.astype("category")`` (the distinct values, sorted), from the distinct values
    hashed once by Arrow: pandas hashes millions of ids several times.

    ``distinct``: the codes and distinct values of the text ``values`` was typed from,
    where ``values`` is that text with ``""`` as missing.

    Examples
    --------
    >>> ids = pd.Series(["b", "a", None, "b"], dtype="str")
    >>> _categorical(ids).equals(ids.astype("category").array)
    True
    >>> _categorical(ids, ["b", "c"]).tolist()
    ['b', nan, nan, 'b']
    """
    from .schema import factorize_text

    if categories is None and not isinstance(values.dtype, pd.StringDtype):
        return values.astype("category").array
    import pyarrow as pa
    import pyarrow.compute as pc

    if distinct is None:
        codes, uniques = factorize_text(values)
    else:
        codes, uniques = distinct
    try:
        arrow = pa.array(uniques, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not text (an extra column of numbers)
        arrow = None
        given = np.array([isinstance(u, str) for u in uniques], dtype=bool)
    else:  # a value (and not "", which was typed as missing where distinct is given)
        given = (pc.is_valid(arrow) if distinct is None
                 else pc.not_equal(arrow, "").fill_null(False)).to_numpy(zero_copy_only=False)
    if categories is None and arrow is not None:
        # sorted by Arrow (UTF-8 bytes sort as code points, as Python's sorted does); each
        # distinct value's category is its rank, so nothing is hashed again
        present = np.flatnonzero(given)
        arrow = arrow.filter(pa.array(given))
        order = pc.sort_indices(arrow).to_numpy()
        where = np.full(len(uniques), -1, dtype=np.int64)
        where[present[order]] = np.arange(len(order))
        dtype = pd.CategoricalDtype(pd.Index(pd.array(arrow.take(order), dtype=values.dtype)))
    else:
        dtype = pd.CategoricalDtype(categories if categories is not None else
                                    sorted(u for u, g in zip(uniques, given) if g))
        where = dtype.categories.get_indexer(pd.Index(uniques, dtype=object))
        where[~given] = -1
    # the codes made in the width pandas keeps them in: no second pass over millions of rows
    n = len(dtype.categories)
    width = np.int8 if n < 127 else np.int16 if n < 32_767 else np.int32 if n < 2**31 - 1 \
        else np.int64
    return pd.Categorical.from_codes(where.astype(width)[codes], dtype=dtype)


#: Days an ``as_of`` may lie after the data's last date without a warning: a report at a
#: quarter's end on data whose last session was a week or three before is the usual case,
#: not a mistake.
AS_OF_GRACE_DAYS = 31


def as_of_warnings(when: pd.Timestamp, last_data_date: pd.Timestamp | None,
                   agreement_end: pd.Timestamp) -> list[DataWarning]:
    """What an ``as_of`` of ``when`` will mislead about, as warnings with advice.

    ``when`` after the agreement's end, or more than :data:`AS_OF_GRACE_DAYS` after the
    data's last date.

    Parameters
    ----------
    when : pandas.Timestamp
        The ``as_of`` date asked for.
    last_data_date : pandas.Timestamp or None
        The latest date in the data (costs, enrolments, exits, sessions, measurements).
    agreement_end : pandas.Timestamp

    Returns
    -------
    list of DataWarning
        Each in English (``str``) and Norwegian (``.message("nb")``).

    Examples
    --------
    >>> found = as_of_warnings(pd.Timestamp("2026-04-01"), pd.Timestamp("2026-02-01"),
    ...                        pd.Timestamp("2026-12-31"))
    >>> str(found[0])[:60]
    'as_of=2026-04-01 is after the last date in the data (2026-02'
    >>> found[0].message("nb")[:61]
    'Datoen 01.04.2026 er etter den siste datoen i dataene (01.02.'
    >>> as_of_warnings(pd.Timestamp("2026-03-01"), pd.Timestamp("2026-02-01"),
    ...                pd.Timestamp("2026-12-31"))  # a quarter's end, a month on: usual
    []
    """
    out = []
    if when > agreement_end:
        out.append(DataWarning(
            f"as_of={when.date()} is after the agreement's end ({agreement_end.date()}): "
            "every pilot counts as ended and the period as fully passed. Use a date up to "
            f"{agreement_end.date()} unless you mean to look back after the agreement.",
            nb=f"Datoen {when:%d.%m.%Y} er etter at avtalen sluttet ({agreement_end:%d.%m.%Y}): "
               "alle pilotene regnes som avsluttet og hele perioden som gått. Bruk en dato "
               f"til og med {agreement_end:%d.%m.%Y}, med mindre du vil se tilbake etter "
               "avtalen."))
    if last_data_date is not None and when > last_data_date + pd.Timedelta(days=AS_OF_GRACE_DAYS):
        out.append(DataWarning(
            f"as_of={when.date()} is after the last date in the data "
            f"({last_data_date.date()}): the days after it count as days without costs, "
            "enrolments or attendance, so shares of the period passed grow and rates fall. "
            "Use the date the data were taken out, or leave as_of out (the last date in the "
            "data).",
            nb=f"Datoen {when:%d.%m.%Y} er etter den siste datoen i dataene "
               f"({last_data_date:%d.%m.%Y}): dagene etter den regnes som dager uten kostnader, "
               "påmeldinger eller oppmøte, så andelen av perioden som er gått, blir større, og "
               "tall per måned blir lavere. Bruk datoen dataene ble hentet ut, eller la være "
               "å oppgi datoen, så brukes den siste datoen i dataene."))
    return out


def _data_dates(frames: Mapping[str, Any]) -> list[Any]:
    return [frames["costs"]["date"].max(), frames["participants"]["enrolled_on"].max(),
            frames["participants"]["exited_on"].max(), frames["sessions"]["date"].max(),
            frames["outcomes"]["measured_on"].max()]


def _latest_date(frames: Mapping[str, pd.DataFrame], agreement: Agreement) -> pd.Timestamp:
    dates = [d for d in _data_dates(frames) if pd.notna(d)]
    if not dates:
        return agreement.start
    return min(max(dates), agreement.end)
