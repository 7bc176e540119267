"""The reporting workbook an entrepreneur fills in every quarter (issue 12, part 1).

One workbook per pilot: an instructions sheet with the pilot's facts (locked), then one
sheet per table the pilot reports, laid out as :mod:`.spec` says. The workbook keeps
growing for the two years of the pilot: the entrepreneur keeps every row already delivered
and adds new ones, so a delivery always holds the pilot's whole history. Delivering a row
again changes nothing on intake; a row that disappears is flagged there. A lost workbook is
written again with the rows delivered so far (``include_delivered``).

What the entrepreneur types is checked twice: by Excel's data validation while typing
(lists, dates, numbers within bounds; a hint, since a pasted value passes it) and by
intake, which is the check that counts.
"""

from __future__ import annotations

import datetime as _dt
import io as _io
import math
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import absolute_coordinate
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from ..dataset import Dataset
from ..dataset import _load as _load_dataset
from ..errors import DataValidationError, UsageError, count_problems, show_controls
from ..io import MAX_ABS_NUMBER, MAX_YEAR, MIN_YEAR, atomic_write_bytes
from . import spec
from .spec import SheetColumn, SheetSpec

__all__ = ["DEADLINE_DAYS", "VALIDATED_TO_ROW", "build_workbook", "delivery_dates", "list_name",
           "next_delivery", "write_template"]

#: Days after a quarter's end by which its delivery is due.
DEADLINE_DAYS = 14
#: Validation and formats reach the sheet's last row: the workbook grows for two years,
#: and a range in a validation costs nothing however long it is.
VALIDATED_TO_ROW = 1_048_576

LANGUAGES = ("nb", "en")
AUTHOR = "pilot_eval"

#: The typeface of every cell (the workbook's default; a font without a name falls back
#: to a serif in LibreOffice).
FONT_NAME = "Calibri"


def _font(**style: Any) -> Font:
    return Font(name=FONT_NAME, **{"size": 11, **style})


# Colours (ARGB) and styles shared with the feedback workbook.
HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")
EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2F2F2")
EXAMPLE_FONT = _font(italic=True, color="FF7F7F7F")
_NAME_FONT = InlineFont(rFont=FONT_NAME, sz=9, color="FF595959")
_LABEL_FONT = InlineFont(rFont=FONT_NAME, b=True)
_THIN = Side(style="thin", color="FFA6A6A6")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")

NUMBER_FORMATS = {"date": "DD.MM.YYYY", "amount": "#,##0", "hours": "0.0#", "year": "0",
                  "id": "@"}

# Widths (characters) of the instructions sheet's four columns.
_GUIDE_WIDTHS = (24, 30, 13, 64)

_TEXT: dict[str, dict[str, str]] = {
    "nb": {
        "title": "Rapportering for {name}",
        "intro": "Denne arbeidsboken bruker dere til å rapportere fra piloten til {municipality} "
                 "hvert kvartal. Fyll inn arkene, lagre og send hele arbeidsboken.",
        "facts": "Om piloten",
        "facts_note": "Opplysningene er låst. Si fra til kommunen hvis noe er feil.",
        "pilot": "Pilot", "pilot_id": "Pilot-ID", "organisation": "Organisasjon",
        "period": "Periode", "grant": "Tilskudd fra fondet",
        "reach_target": "Mål for antall deltakere", "agreement": "Avtale",
        "municipality": "Kommune",
        "when": "Når dere leverer",
        "quarterly": "Send arbeidsboken hvert kvartal, senest {days} dager etter at kvartalet er "
                     "slutt. Kvartalene slutter 31. mars, 30. juni, 30. september og "
                     "31. desember.",
        "next": "Neste leveranse gjelder perioden fram til {quarter_end} og skal sendes innen "
                "{due}.",
        "last": "Siste leveranse gjelder perioden fram til pilotens slutt {end} og skal sendes "
                "innen {due}.",
        "over": "Pilotperioden sluttet {end}. Den siste leveranse skulle vært sendt innen {due}; "
                "send den snarest hvis den ikke er sendt.",
        "how": "Slik fyller dere ut",
        "privacy": "Personvern: Skriv aldri navn, fødselsnummer eller D-nummer i arbeidsboken. "
                   "Bruk bare deres egne koder (pseudonymer) for deltakerne, for eksempel D-017, "
                   "og ha listen over hvem kodene gjelder hos dere selv. En leveranse med "
                   "fødselsnummer eller D-nummer blir avvist.",
        "dates": "Datoer skrives dd.mm.åååå, for eksempel 03.02.2025.",
        "amounts": "Beløp skrives i hele kroner, uten «kr» og uten mellomrom, for eksempel 12500.",
        "lists": "Celler med en pil har en liste: velg verdien derfra.",
        "example": "Rad 2 i hvert ark er et eksempel (grå kursiv). Det blir hoppet over så lenge "
                   "det står uendret. Deres egne rader begynner på rad 3.",
        "growing": "Arbeidsboken vokser gjennom hele piloten: behold alle rader fra tidligere "
                   "leveranser og legg nye rader til under dem. Det gjør ingenting å levere de "
                   "samme radene på nytt. Rader som er slettet siden forrige leveranse, blir "
                   "merket når leveransen tas imot. Oppdager dere en feil i en tidligere rad, "
                   "retter dere den der den står.",
        "headers": "Ikke endre overskriftene i rad 1 eller navnene på arkene.",
        "what": "Hva dere rapporterer",
        "measures": "Resultatmål dere måler",
        "scale": "skala {low}–{high}",
        "scale_from": "fra {low}", "scale_to": "til {high}",
        "higher": "høyere er bedre", "lower": "lavere er bedre",
        "columns": "Kolonnene",
        "col_sheet": "Ark", "col_column": "Kolonne", "col_required": "Må fylles ut",
        "col_help": "Forklaring",
        "yes": "ja", "no": "nei",
        "example_comment": "Dette er et eksempel. Det blir hoppet over når leveransen tas imot, "
                           "så lenge det står uendret. Skriv deres egne rader fra rad 3.",
        "invalid": "Ugyldig verdi",
        "err_list": "Velg en verdi fra listen.",
        "err_area": "Området står ikke i listen. Velg fra listen, eller velg Ja for å bruke "
                    "det likevel.",
        "err_date": "Skriv en dato som dd.mm.åååå, for eksempel 03.02.2025.",
        "err_year": "Skriv et helt årstall mellom {low} og {high}, for eksempel 2011.",
        "err_hours": "Skriv antall timer, mer enn 0 og høyst 24, for eksempel 1,5.",
        "err_amount": "Skriv beløpet som et tall i hele kroner, uten «kr».",
        "err_value": "Skriv et tall innenfor målets skala ({low}–{high}).",
        "err_number": "Skriv et tall.",
        "err_id": "Dette ser ut som et fødselsnummer eller D-nummer (11 sifre). Bruk deres "
                  "egen kode for personen, for eksempel D-017.",
    },
    "en": {
        "title": "Reporting for {name}",
        "intro": "Use this workbook to report on the pilot to {municipality} every quarter. "
                 "Fill in the sheets, save and send the whole workbook.",
        "facts": "About the pilot",
        "facts_note": "These facts are locked. Tell the municipality if anything is wrong.",
        "pilot": "Pilot", "pilot_id": "Pilot id", "organisation": "Organisation",
        "period": "Period", "grant": "Grant from the fund",
        "reach_target": "Planned participants", "agreement": "Agreement",
        "municipality": "Municipality",
        "when": "When to deliver",
        "quarterly": "Send the workbook every quarter, at the latest {days} days after the "
                     "quarter ends. The quarters end on 31 March, 30 June, 30 September and "
                     "31 December.",
        "next": "The next delivery covers the period up to {quarter_end} and is due by {due}.",
        "last": "The last delivery covers the period up to the pilot's end on {end} and is due "
                "by {due}.",
        "over": "The pilot period ended on {end}. The last delivery was due by {due}; send it "
                "as soon as possible if it has not been sent.",
        "how": "How to fill it in",
        "privacy": "Privacy: never enter names, national identity numbers (fødselsnummer) or "
                   "D numbers in the workbook. Use only your own codes (pseudonyms) for the "
                   "participants, for example D-017, and keep the list of who they stand for "
                   "yourselves. A delivery with an identity number is refused.",
        "dates": "Write dates as dd.mm.yyyy, for example 03.02.2025.",
        "amounts": "Write amounts in whole kroner, without 'kr' and without spaces, for "
                   "example 12500.",
        "lists": "Cells with an arrow have a list: pick the value from it.",
        "example": "Row 2 of every sheet is an example (grey italics). It is skipped as long "
                   "as it is unchanged. Your own rows start on row 3.",
        "growing": "The workbook grows throughout the pilot: keep all rows from earlier "
                   "deliveries and add new rows below them. Delivering the same rows again "
                   "does no harm. Rows deleted since the last delivery are flagged when the "
                   "delivery is taken in. If you find a mistake in an earlier row, correct it "
                   "where it is.",
        "headers": "Do not change the headers in row 1 or the names of the sheets.",
        "what": "What to report",
        "measures": "Outcome measures you measure",
        "scale": "scale {low}–{high}",
        "scale_from": "from {low}", "scale_to": "up to {high}",
        "higher": "higher is better", "lower": "lower is better",
        "columns": "The columns",
        "col_sheet": "Sheet", "col_column": "Column", "col_required": "Required",
        "col_help": "Explanation",
        "yes": "yes", "no": "no",
        "example_comment": "This is an example. It is skipped when the delivery is taken in, "
                           "as long as it is unchanged. Write your own rows from row 3.",
        "invalid": "Invalid value",
        "err_list": "Pick a value from the list.",
        "err_area": "The area is not in the list. Pick from the list, or choose Yes to use it "
                    "anyway.",
        "err_date": "Write a date as dd.mm.yyyy, for example 03.02.2025.",
        "err_year": "Write a whole year between {low} and {high}, for example 2011.",
        "err_hours": "Write the hours, above 0 and at most 24, for example 1.5.",
        "err_amount": "Write the amount as a number in whole kroner, without 'kr'.",
        "err_value": "Write a number inside the measure's scale ({low}–{high}).",
        "err_number": "Write a number.",
        "err_id": "This looks like a national identity number or D number (11 digits). Use "
                  "your own code for the person, for example D-017.",
    },
}


# --- public ---------------------------------------------------------------------------

def write_template(data_dir: str | Path | Dataset, pilot_id: str, out: str | Path | None = None, *,
                   language: str = "nb", rows: Mapping[str, pd.DataFrame] | None = None,
                   include_delivered: bool = True, today: _dt.date | None = None) -> Path:
    """Write the reporting workbook of one pilot and return its path.

    Parameters
    ----------
    data_dir : the data folder (see ``docs/data-format.md``); it must load without errors.
        A :class:`~pilot_eval.dataset.Dataset` already loaded is taken as it is.
    pilot_id : the pilot the workbook is for.
    out : the file to write; default ``<pilot_id>-rapportering.xlsx`` (``language="en"``:
        ``<pilot_id>-reporting.xlsx``) in the current directory. Written atomically.
    language : ``"nb"`` or ``"en"``: instructions, labels, list words and messages.
    rows : rows to write from row 3 instead of those in the data folder: table name
        (``participants``, ``sessions``, ``costs``, ``outcomes``) → DataFrame with the data
        folder's column names and codes. Values that are no code or date stay as given,
        so a delivery with mistakes can be written too.
    include_delivered : without ``rows``, write the pilot's rows already in the data folder
        (a lost workbook written again); False writes an empty workbook.
    today : the day the workbook is written (default: today). Sets the next delivery date
        and the document's dates; the same arguments give the same bytes.

    Raises
    ------
    UsageError
        An unknown language or pilot, a folder with errors, rows of another pilot.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from openpyxl import load_workbook
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = write_template("tests/data/minimal", "lekse", Path(tmp.name) / "lekse.xlsx",
    ...                       today=_dt.date(2025, 7, 5))
    >>> path.name, load_workbook(path).sheetnames
    ('lekse.xlsx', ['Veiledning', 'Deltakere', 'Oppmøte', 'Kostnader', 'Resultater', 'Lister'])
    >>> tmp.cleanup()
    """
    if language not in LANGUAGES:
        raise UsageError(f"language={language!r} is not supported; use one of "
                         f"{', '.join(LANGUAGES)}.")
    dataset = _load(data_dir)
    pilot_id = str(pilot_id)
    if pilot_id not in dataset.pilot_ids:
        raise UsageError(f"There is no pilot {pilot_id!r} in {data_dir}; the pilots are: "
                         f"{', '.join(dataset.pilot_ids)}.",
                         nb=f"Det finnes ingen pilot «{pilot_id}» i {data_dir}. Pilotene er: "
                            f"{', '.join(dataset.pilot_ids)}.")
    # the document's time: given a day, the same arguments give the same bytes
    written = (_dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None, microsecond=0)
               if today is None else _dt.datetime.combine(today, _dt.time(0)))
    today = today or _dt.date.today()  # the deadline by the local calendar
    if out is None:
        out = Path(f"{pilot_id}-{'rapportering' if language == 'nb' else 'reporting'}.xlsx")
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"Cannot write {out.name!r}: the reporting workbook is an Excel file; "
                         "use a name ending in .xlsx.",
                         nb=f"Kan ikke skrive «{out.name}»: rapporteringsarbeidsboken er en "
                            "Excel-fil. Bruk et navn som slutter på .xlsx.")
    filled = _rows_to_write(dataset, pilot_id, rows, include_delivered)
    book = build_workbook(dataset, pilot_id, filled, language=language, today=today)
    book.properties.created = book.properties.modified = written
    return atomic_write_bytes(out, _saved(book, written))


def delivery_dates(start: _dt.date, end: _dt.date) -> list[_dt.date]:
    """The ends of the periods a pilot delivers for: each quarter's end inside the pilot
    period, and the pilot's last day when that is no quarter's end.

    Parameters
    ----------
    start, end : datetime.date
        The pilot period's first and last day.

    Returns
    -------
    list of datetime.date

    Examples
    --------
    >>> [str(d) for d in delivery_dates(_dt.date(2025, 2, 1), _dt.date(2025, 11, 15))]
    ['2025-03-31', '2025-06-30', '2025-09-30', '2025-11-15']
    """
    out = []
    year, quarter = start.year, (start.month - 1) // 3
    while True:
        q_end = _quarter_end(year, quarter)
        if q_end > end:
            break
        out.append(q_end)
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)
    if not out or out[-1] != end:
        out.append(end)
    return out


def next_delivery(start: _dt.date, end: _dt.date, today: _dt.date) -> tuple[_dt.date, _dt.date] | None:
    """(end of the period, due date) of the first delivery not yet due on ``today``, or
    None when the last one's due date has passed.

    Parameters
    ----------
    start, end : datetime.date
        The pilot period's first and last day.
    today : datetime.date
        The day asked about.

    Returns
    -------
    tuple of datetime.date or None

    Examples
    --------
    >>> next_delivery(_dt.date(2025, 2, 1), _dt.date(2026, 12, 31), _dt.date(2025, 7, 5))
    (datetime.date(2025, 6, 30), datetime.date(2025, 7, 14))
    >>> next_delivery(_dt.date(2025, 2, 1), _dt.date(2026, 12, 31), _dt.date(2027, 2, 1)) is None
    True
    """
    for period_end in delivery_dates(start, end):
        due = period_end + _dt.timedelta(days=DEADLINE_DAYS)
        if due >= today:
            return period_end, due
    return None


# --- the workbook ----------------------------------------------------------------------

def build_workbook(dataset: Dataset, pilot_id: str, rows: Mapping[str, pd.DataFrame], *,
                   language: str, today: _dt.date) -> Workbook:
    """The reporting workbook as an openpyxl ``Workbook`` (not saved).

    :func:`write_template` checks the arguments, picks the rows and saves what this builds.

    Parameters
    ----------
    dataset : Dataset
        The loaded data folder (pilot, measures, areas and the example's values).
    pilot_id : str
        The pilot the workbook is for; it must be in ``dataset``.
    rows : Mapping of str to DataFrame
        Rows to write from row 3, by table, with the data folder's columns and codes.
    language : {"nb", "en"}
        Language of the instructions, labels and list words.
    today : datetime.date
        The day written (next delivery date, document dates).

    Returns
    -------
    openpyxl.Workbook

    Examples
    --------
    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> book = build_workbook(ds, "lekse", {}, language="en", today=_dt.date(2025, 7, 5))
    >>> book.sheetnames
    ['Instructions', 'Participants', 'Attendance', 'Costs', 'Outcomes', 'Lists']
    >>> book.properties.title
    'Reporting for Leksehjelp Øst'
    """
    pilot = dataset.pilots.loc[dataset.pilots["pilot_id"].astype(str) == pilot_id].iloc[0]
    sheets = _used_sheets(dataset, pilot, rows)
    measures = _measure_list(dataset, pilot, rows)
    areas = _area_list(dataset, pilot, rows)
    example = _example_inputs(dataset, pilot, measures, areas)

    book = Workbook()
    guide = book.active
    guide.title = spec.INSTRUCTIONS_TITLE[language]
    pilot_cell = _write_guide(guide, dataset, pilot, sheets, measures, language, today)
    book.defined_names[spec.PILOT_NAME] = DefinedName(
        spec.PILOT_NAME, attr_text=f"{quoted_title(guide.title)}!{absolute_coordinate(pilot_cell)}")

    lists = _list_columns(sheets, measures, areas, language)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title(language))
        _write_sheet(ws, sheet, rows.get(sheet.table), language, example)
        _validate(ws, sheet, lists, _common_scale(dataset, measures), language)
    _write_lists(book.create_sheet(spec.LISTS_TITLE[language]), lists)
    for name in lists:
        book.defined_names[list_name(name)] = DefinedName(
            list_name(name), attr_text=list_range(lists, name, language))

    props = book.properties
    props.title = _TEXT[language]["title"].format(name=_text(pilot["name"]))
    props.subject = f"{spec.PILOT_NAME}={pilot_id}"
    props.creator = AUTHOR
    props.lastModifiedBy = AUTHOR
    props.language = "nb-NO" if language == "nb" else "en-GB"
    book.custom_doc_props.append(StringProperty(name=spec.PILOT_NAME, value=pilot_id))
    book.active = 0
    return book


def _load(data_dir: str | Path | Dataset) -> Dataset:
    if isinstance(data_dir, Dataset):  # loaded once for many workbooks (the sample series)
        return data_dir
    try:  # a new folder, before its first delivery, gets its workbooks too
        return _load_dataset(data_dir, allow_empty=spec.DELIVERED_TABLES)
    except DataValidationError as exc:
        from ..present.text import plural

        errors = plural("cli.errors", count_problems(exc.problems, "error"), "en")
        raise UsageError(
            f"The data folder {data_dir} has {errors}; run 'pilot-eval validate {data_dir}' "
            "to see them, correct them and write the workbook again.") from exc


def _used_sheets(dataset: Dataset, pilot: pd.Series, rows: Mapping[str, pd.DataFrame]
                 ) -> list[SheetSpec]:
    """Participants and costs always; attendance when the folder records it; outcomes when
    the pilot has a primary measure or outcome rows; any sheet given rows."""
    pid = str(pilot["pilot_id"])
    used = {"participants", "costs"}
    if len(dataset.sessions):
        used.add("sessions")
    if pd.notna(pilot["primary_measure"]) or (dataset.outcomes["pilot_id"].astype(str) == pid).any():
        used.add("outcomes")
    used |= {name for name, frame in rows.items() if frame is not None and len(frame)}
    return [s for s in spec.SHEETS if s.table in used]


def _pilot_rows(frame: pd.DataFrame, pilot_id: str) -> pd.DataFrame:
    return frame.loc[frame["pilot_id"].astype(str) == pilot_id]


def _rows_to_write(dataset: Dataset, pilot_id: str, rows: Mapping[str, pd.DataFrame] | None,
                   include_delivered: bool) -> dict[str, pd.DataFrame]:
    tables = [s.table for s in spec.SHEETS]
    if rows is None:
        if not include_delivered:
            return {}
        out = {t: _pilot_rows(dataset.table(t), pilot_id) for t in tables}
        if "costs.cost_type" not in dataset.columns_present:
            # the folder says no cost type (the loader's default is nobody's word): the
            # cells stay empty for the entrepreneur to fill in
            out["costs"] = out["costs"].drop(columns="cost_type")
        return out
    unknown = sorted(set(rows) - set(tables))
    if unknown:
        raise UsageError(f"rows has table(s) {', '.join(map(repr, unknown))} that the reporting "
                         f"workbook does not have; use {', '.join(tables)}.")
    for name, frame in rows.items():
        if frame is not None and "pilot_id" in frame.columns:
            other = sorted(set(frame["pilot_id"].dropna().astype(str)) - {pilot_id})
            if other:
                raise UsageError(f"rows[{name!r}] has rows of pilot(s) {', '.join(other)}; pass "
                                 f"only the rows of {pilot_id!r}.")
    return {name: frame for name, frame in rows.items() if frame is not None}


def _measure_list(dataset: Dataset, pilot: pd.Series, rows: Mapping[str, pd.DataFrame]
                  ) -> list[str]:
    """The pilot's measures: its primary measure first, then those in its outcome rows (the
    folder's and those to be written); all measures in the folder when it has none."""
    pid = str(pilot["pilot_id"])
    found = [str(m) for m in _pilot_rows(dataset.outcomes, pid)["measure"].dropna()]
    given = rows.get("outcomes")
    if given is not None and "measure" in given.columns:
        found += [str(m) for m in given["measure"].dropna()]
    known = [str(m) for m in dataset.measures["measure"]]
    primary = [str(pilot["primary_measure"])] if pd.notna(pilot["primary_measure"]) else []
    used = primary + sorted(set(found) - set(primary), key=lambda m: (m not in known, m))
    return used or known


def _area_list(dataset: Dataset, pilot: pd.Series, rows: Mapping[str, pd.DataFrame]) -> list[str]:
    """Areas of the population table (not ``all``), the pilot's target areas and the areas
    its participants already live in, sorted."""
    pid = str(pilot["pilot_id"])
    areas = set(_stable_areas(dataset, pilot))
    areas |= {str(a) for a in _pilot_rows(dataset.participants, pid)["area"].dropna()}
    given = rows.get("participants")
    if given is not None and "area" in given.columns:
        areas |= {str(a).strip() for a in given["area"].dropna() if str(a).strip()}
    return sorted(areas, key=str.casefold)


def _stable_areas(dataset: Dataset, pilot: pd.Series) -> list[str]:
    """Areas that do not change with deliveries: the population table's and the target areas."""
    areas = {str(a) for a in dataset.population["area"].dropna()} - {"all"}
    if pd.notna(pilot["target_areas"]):
        areas |= {a.strip() for a in str(pilot["target_areas"]).split(";") if a.strip()}
    return sorted(areas, key=str.casefold)


def _example_inputs(dataset: Dataset, pilot: pd.Series, measures: Sequence[str],
                    areas: Sequence[str]) -> dict[str, Any]:
    """``measure``, ``area`` and ``value`` for :func:`spec.example_values`: the pilot's
    first measure with a value inside its scale, and an area from the stable ones."""
    measure = measures[0] if measures else None
    stable = _stable_areas(dataset, pilot)
    area = stable[0] if stable else (areas[0] if areas else None)
    value = None
    if measure is not None:
        low, high = _scale(dataset, measure)
        value = _inside(low, high)
    return {"measure": measure, "area": area, "value": value}


def _scale(dataset: Dataset, measure: str) -> tuple[float | None, float | None]:
    found = dataset.measures.loc[dataset.measures["measure"].astype(str) == measure]
    if found.empty:
        return None, None
    low, high = found.iloc[0]["scale_min"], found.iloc[0]["scale_max"]
    return (None if pd.isna(low) else float(low)), (None if pd.isna(high) else float(high))


def _inside(low: float | None, high: float | None) -> int | float:
    """A round value inside the scale: its middle, or its known end, or 10."""
    if low is not None and high is not None:
        value = math.floor((low + high) / 2)
        return _number(value if low <= value <= high else (low + high) / 2)
    if low is not None or high is not None:
        return _number(low if low is not None else high)
    return 10


def _common_scale(dataset: Dataset, measures: Sequence[str]) -> tuple[float, float] | None:
    """The one scale all the pilot's measures share, if they share one with both ends."""
    scales = {_scale(dataset, m) for m in measures}
    if len(scales) != 1:
        return None
    low, high = next(iter(scales))
    return None if low is None or high is None else (low, high)


# --- the instructions sheet ----------------------------------------------------------------

def _write_guide(ws: Any, dataset: Dataset, pilot: pd.Series, sheets: Sequence[SheetSpec],
                 measures: Sequence[str], language: str, today: _dt.date) -> str:
    """Write the instructions; return the coordinate of the pilot id's cell."""
    t = _TEXT[language]
    for i, width in enumerate(_GUIDE_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.sheet_view.showGridLines = False
    agreement = dataset.agreement
    row = 1
    put_text(ws.cell(row, 1), t["title"].format(name=_text(pilot["name"])))
    ws.cell(row, 1).font = _font(size=16, bold=True)
    ws.row_dimensions[row].height = 24
    row = _paragraph(ws, row + 1, t["intro"].format(municipality=agreement.municipality))

    row = _heading(ws, row + 1, t["facts"])
    start, end = pilot["start_date"].date(), pilot["end_date"].date()
    facts = [
        ("pilot", _text(pilot["name"])),
        ("pilot_id", str(pilot["pilot_id"])),
        ("organisation", _text(pilot["organisation"])),
        ("period", f"{_date(start)} – {_date(end)}"),
        ("grant", _kroner(pilot["grant_nok"], language)),
        ("reach_target", "" if pd.isna(pilot["reach_target"]) else int(pilot["reach_target"])),
        ("agreement", agreement.name),
        ("municipality", agreement.municipality),
    ]
    pilot_cell = ""
    for key, value in facts:
        label = ws.cell(row, 1)
        put_text(label, t[key])
        label.font = _font(bold=True)
        cell = ws.cell(row, 2)
        if isinstance(value, str):
            put_text(cell, value)
        else:
            cell.value = value
        cell.alignment = Alignment(horizontal="left")
        cell.fill = EXAMPLE_FILL
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
        if key == "pilot_id":
            pilot_cell = cell.coordinate
        row += 1
    row = _paragraph(ws, row, t["facts_note"], font=_font(italic=True, color="FF595959"))

    row = _heading(ws, row + 1, t["when"])
    row = _paragraph(ws, row, t["quarterly"].format(days=DEADLINE_DAYS))
    upcoming = next_delivery(start, end, today)
    if upcoming is None:
        due = end + _dt.timedelta(days=DEADLINE_DAYS)
        row = _paragraph(ws, row, t["over"].format(end=_date(end), due=_date(due)), font=_font(bold=True))
    else:
        period_end, due = upcoming
        key = "last" if period_end == delivery_dates(start, end)[-1] else "next"
        row = _paragraph(ws, row, t[key].format(quarter_end=_date(period_end), end=_date(end),
                                                due=_date(due)), font=_font(bold=True))

    row = _heading(ws, row + 1, t["how"])
    row = _paragraph(ws, row, t["privacy"], font=_font(bold=True, color="FF9C0006"),
                     fill=PatternFill("solid", fgColor="FFFFC7CE"))
    for key in ("dates", "amounts", "lists", "example", "growing", "headers"):
        row = _paragraph(ws, row, t[key])

    row = _heading(ws, row + 1, t["what"])
    for sheet in sheets:
        cell = ws.cell(row, 1)
        put_text(cell, sheet.title(language))
        cell.font = _font(bold=True)
        cell.alignment = _WRAP_TOP
        put_text(ws.cell(row, 2), sheet.about(language))
        ws.cell(row, 2).alignment = _WRAP_TOP
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        ws.row_dimensions[row].height = row_height(sheet.about(language), sum(_GUIDE_WIDTHS[1:]))
        row += 1

    if any(s.table == "outcomes" for s in sheets):
        row = _heading(ws, row + 1, t["measures"])
        for measure in measures:
            put_text(ws.cell(row, 1), measure)
            ws.cell(row, 1).font = _font(bold=True)
            put_text(ws.cell(row, 2), _measure_text(dataset, measure, language))
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
            row += 1

    row = _heading(ws, row + 1, t["columns"])
    for i, key in enumerate(("col_sheet", "col_column", "col_required", "col_help"), start=1):
        cell = ws.cell(row, i)
        put_text(cell, t[key])
        cell.font = _font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = Border(bottom=_THIN)
    row += 1
    for sheet in sheets:
        for column in sheet.columns:
            values = (sheet.title(language), column.label(language),
                      t["yes"] if column.required else t["no"], column.help(language))
            for i, value in enumerate(values, start=1):
                put_text(ws.cell(row, i), value)
                ws.cell(row, i).alignment = _WRAP_TOP
                ws.cell(row, i).border = Border(bottom=Side(style="hair", color="FFBFBFBF"))
            ws.row_dimensions[row].height = max(row_height(column.help(language), _GUIDE_WIDTHS[3]),
                                                row_height(column.label(language), _GUIDE_WIDTHS[1]))
            row += 1

    ws.protection.sheet = True  # no password: the lock says "not yours to change"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return pilot_cell


def _heading(ws: Any, row: int, text: str) -> int:
    cell = ws.cell(row, 1)
    put_text(cell, text)
    cell.font = _font(size=13, bold=True, color="FF1F4E79")
    ws.row_dimensions[row].height = 20
    return row + 1


def _paragraph(ws: Any, row: int, text: str, *, font: Font | None = None,
               fill: PatternFill | None = None) -> int:
    """Text across the sheet's four columns, wrapped, in a row tall enough for it."""
    cell = ws.cell(row, 1)
    put_text(cell, text)
    cell.alignment = _WRAP_TOP
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(_GUIDE_WIDTHS))
    ws.row_dimensions[row].height = row_height(text, sum(_GUIDE_WIDTHS))
    return row + 1


def row_height(text: str, width: float) -> float:
    """Row height (points) for wrapped text in a cell ``width`` characters wide.

    Neither Excel nor LibreOffice fits the height of a merged cell to its text, so it is
    estimated: about 1.2 characters of 11-point prose per width unit (a unit is the width
    of a digit), 15 points a line.
    """
    per_line = max(int(width * 1.2) - 2, 10)
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))
    return 15.0 * lines + 3


def _measure_text(dataset: Dataset, measure: str, language: str) -> str:
    t = _TEXT[language]
    found = dataset.measures.loc[dataset.measures["measure"].astype(str) == measure]
    if found.empty:
        return measure
    m = found.iloc[0]
    parts = [_text(m["label_nb" if language == "nb" else "label_en"])]
    low, high = _scale(dataset, measure)
    # the unit is the folder's own word, in Norwegian: shown in a Norwegian workbook only
    unit = "" if pd.isna(m["unit"]) or language != "nb" else f" {m['unit']}"
    if low is not None and high is not None:
        parts.append(t["scale"].format(low=_plain(low), high=_plain(high)) + unit)
    elif low is not None:
        parts.append(t["scale_from"].format(low=_plain(low)) + unit)
    elif high is not None:
        parts.append(t["scale_to"].format(high=_plain(high)) + unit)
    if pd.notna(m["higher_is_better"]):
        parts.append(t["higher"] if bool(m["higher_is_better"]) else t["lower"])
    return ", ".join(parts)


# --- the table sheets ---------------------------------------------------------------------

def _write_sheet(ws: Any, sheet: SheetSpec, rows: pd.DataFrame | None, language: str,
                 example_inputs: Mapping[str, Any]) -> None:
    example = spec.example_values(sheet, language, **example_inputs)
    for i, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = column.width
        fmt = NUMBER_FORMATS.get(column.kind)
        if fmt:  # the column's own format: rows typed later get it too
            ws.column_dimensions[letter].number_format = fmt
        head = ws.cell(spec.HEADER_ROW, i)
        head.value = CellRichText([TextBlock(_LABEL_FONT, column.label(language)),
                                   TextBlock(_NAME_FONT, "\n" + column.name)])
        head.font = _font(bold=True)
        head.fill = HEADER_FILL
        head.alignment = Alignment(wrap_text=True, vertical="top")
        head.border = Border(bottom=_THIN)
        cell = ws.cell(spec.EXAMPLE_ROW, i)
        _put(cell, column, example[column.name])
        cell.font = EXAMPLE_FONT
        cell.fill = EXAMPLE_FILL
    ws.row_dimensions[spec.HEADER_ROW].height = 32
    note = Comment(_TEXT[language]["example_comment"], AUTHOR)
    note.width, note.height = 260, 90
    ws.cell(spec.EXAMPLE_ROW, 1).comment = note
    ws.freeze_panes = ws.cell(spec.FIRST_DATA_ROW, 1).coordinate
    ws.print_title_rows = f"{spec.HEADER_ROW}:{spec.HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if rows is None or rows.empty:
        return
    columns = [c for c in sheet.columns if c.name in rows.columns]
    for offset, record in enumerate(rows[[c.name for c in columns]].itertuples(index=False)):
        r = spec.FIRST_DATA_ROW + offset
        for column, value in zip(columns, record):
            _put(ws.cell(r, sheet.columns.index(column) + 1), column,
                 _cell_value(column, value, language))


def _cell_value(column: SheetColumn, value: Any, language: str) -> Any:
    """A data folder's value as the workbook shows it: list words, dates, plain numbers.

    A value that is no code, date or number of its kind is kept as it is: what a delivery
    says must be seen, mistakes included.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if column.kind == "date":
        if isinstance(value, _dt.datetime):
            return value.date()
        if isinstance(value, _dt.date):
            return value
        text = str(value).strip()
        for form in ("%Y-%m-%d", "%d.%m.%Y"):  # the two ways the data folder writes a date
            try:
                return _dt.datetime.strptime(text, form).date()
            except ValueError:
                pass
        return str(value)
    if column.kind == "choice":
        if isinstance(value, (bool, np.bool_)):
            value = bool(value)
        return spec.choice_label(column.name, value, language)
    if column.kind in ("year", "hours", "amount", "number"):
        if isinstance(value, (bool, np.bool_)):
            return str(value)
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value)
        return _number(number) if math.isfinite(number) else str(value)
    return str(value)


def _put(cell: Any, column: SheetColumn, value: Any) -> None:
    if isinstance(value, str):
        put_text(cell, value)
    else:
        cell.value = value
    fmt = NUMBER_FORMATS.get(column.kind)
    if fmt and value is not None:
        cell.number_format = fmt


def put_text(cell: Any, text: str) -> None:
    """Text as a string cell whatever it starts with (openpyxl writes ``=…`` as a formula);
    control characters that a worksheet refuses are shown as ``\\xNN``."""
    cell.value = show_controls(str(text), keep="\t\n\r")
    if cell.data_type == "f":
        cell.data_type = "s"


# --- lists and validation -----------------------------------------------------------------

def _list_columns(sheets: Sequence[SheetSpec], measures: Sequence[str], areas: Sequence[str],
                  language: str) -> dict[str, list[str]]:
    """Every list a sheet needs, by column name, in the order they go on the lists sheet."""
    lists: dict[str, list[str]] = {}
    for sheet in sheets:
        for column in sheet.columns:
            if column.kind == "choice":
                lists[column.name] = [w[language] for w in spec.CHOICE_LABELS[column.name].values()]
            elif column.kind == "measure" and measures:
                lists[column.name] = list(measures)
            elif column.kind == "area" and areas:
                lists[column.name] = list(areas)
    return lists


def _write_lists(ws: Any, lists: Mapping[str, list[str]]) -> None:
    for i, (name, words) in enumerate(lists.items(), start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(14, *(len(w) + 2 for w in words))
        put_text(ws.cell(1, i), name)
        ws.cell(1, i).font = _font(bold=True)
        for r, word in enumerate(words, start=2):
            put_text(ws.cell(r, i), word)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def list_range(lists: Mapping[str, list[str]], name: str, language: str = "nb") -> str:
    """The absolute reference of a list on the lists sheet (``'Lister'!$B$2:$B$5``)."""
    i = list(lists).index(name) + 1
    letter = get_column_letter(i)
    title = quoted_title(spec.LISTS_TITLE[language])
    return f"{title}!${letter}$2:${letter}${len(lists[name]) + 1}"


def list_name(column: str) -> str:
    """The workbook-level name of a column's list (``Liste_gender``).

    Validations refer to the list by this name, not by its range: Excel keeps a
    validation that points into another sheet only in an extension of its own, which
    openpyxl (the feedback copy) and older readers drop; one that names a range stays in
    the standard place.

    Parameters
    ----------
    column : str
        A list column's English name.

    Returns
    -------
    str

    Examples
    --------
    >>> list_name("gender"), list_name("exit_reason")
    ('Liste_gender', 'Liste_exit_reason')
    """
    return f"Liste_{column}"


def _validate(ws: Any, sheet: SheetSpec, lists: Mapping[str, list[str]],
              scale: tuple[float, float] | None, language: str) -> None:
    t = _TEXT[language]
    for i, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(i)
        first = f"{letter}{spec.FIRST_DATA_ROW}"
        kind = column.kind
        if kind in ("choice", "measure", "area"):
            if column.name not in lists:
                continue  # no areas known: free text, checked on intake
            dv = DataValidation(type="list", formula1=list_name(column.name),
                                error=t["err_area"] if kind == "area" else t["err_list"],
                                errorStyle="warning" if kind == "area" else "stop")
        elif kind == "date":
            dv = DataValidation(type="date", operator="between",
                                formula1=str(int(to_excel(_dt.datetime(MIN_YEAR, 1, 1)))),
                                formula2=str(int(to_excel(_dt.datetime(MAX_YEAR, 12, 31)))),
                                error=t["err_date"])
        elif kind == "year":
            dv = DataValidation(type="whole", operator="between", formula1=str(MIN_YEAR),
                                formula2=str(MAX_YEAR),
                                error=t["err_year"].format(low=MIN_YEAR, high=MAX_YEAR))
        elif kind == "hours":
            dv = DataValidation(type="decimal", operator="between", formula1="0.01",
                                formula2="24", error=t["err_hours"])
        elif kind == "amount":
            dv = DataValidation(type="decimal", operator="between",
                                formula1=_plain(-MAX_ABS_NUMBER), formula2=_plain(MAX_ABS_NUMBER),
                                error=t["err_amount"])
        elif kind == "number" and scale is not None:
            dv = DataValidation(type="decimal", operator="between", formula1=_plain(scale[0]),
                                formula2=_plain(scale[1]),
                                error=t["err_value"].format(low=_plain(scale[0]),
                                                            high=_plain(scale[1])))
        elif kind == "number":
            dv = DataValidation(type="decimal", operator="between",
                                formula1=_plain(-MAX_ABS_NUMBER), formula2=_plain(MAX_ABS_NUMBER),
                                error=t["err_number"])
        elif kind == "id":
            # 11 digits (text or number) is what an identity number looks like; intake
            # checks the check digits, this only stops the obvious case while typing
            dv = DataValidation(type="custom", formula1=f"OR(LEN({first})<>11,ISERROR(-{first}))",
                                error=t["err_id"])
        else:
            continue
        dv.allow_blank = True
        dv.showErrorMessage = True
        dv.errorTitle = t["invalid"]
        dv.showInputMessage = True
        dv.promptTitle = _clip(column.label(language), 32)
        dv.prompt = _clip(column.help(language), 255)
        dv.error = _clip(dv.error, 255)
        dv.add(f"{first}:{letter}{VALIDATED_TO_ROW}")
        ws.add_data_validation(dv)


# --- small helpers ------------------------------------------------------------------------

def quoted_title(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _quarter_end(year: int, quarter: int) -> _dt.date:
    month = 3 * quarter + 3
    return _dt.date(year, month, 30 if month in (6, 9) else 31)


def _date(day: _dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _plain(value: float) -> str:
    """A number as Excel formulas and people read it alike: ``40``, ``2.5``."""
    number = _number(value)
    return str(number) if isinstance(number, int) else repr(number)


def _kroner(value: Any, language: str) -> str:
    if value is None or pd.isna(value):
        return ""
    whole = f"{round(float(value)):,}"
    if language == "nb":
        return whole.replace(",", "\u00a0") + "\u00a0kr"
    return "NOK\u00a0" + whole


def _clip(text: str | None, limit: int) -> str | None:
    """Excel refuses a validation whose title or message is longer than it allows."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def _saved(book: Workbook, when: _dt.datetime) -> bytes:
    """The workbook's bytes, every zip entry dated ``when``.

    openpyxl's ``save`` stamps the document's "modified" time and each entry with the
    time of saving; written through its ``ExcelWriter`` and re-dated, the same workbook
    gives the same bytes.
    """
    raw = _io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(book, archive).save()
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = _io.BytesIO()
    with zipfile.ZipFile(raw) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
