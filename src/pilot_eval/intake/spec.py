"""The reporting workbook's layout, kept in one place.

An entrepreneur reports four tables (participants, attendance, costs, outcome
measurements) in one workbook per pilot. Which sheets there are, their columns, the
Norwegian and English headers, the words in the drop-down lists and the example row are
defined here; the template writer (:mod:`.template`), the intake reader (:mod:`.read`) and
the feedback workbook (:mod:`.feedback`) all read this module, so they cannot disagree.

Layout of every table sheet (rows as Excel numbers them):

* row 1 (:data:`HEADER_ROW`): the header. Each cell holds the label in the workbook's
  language, a line break, and the data folder's English column name
  (``"Startet\\nenrolled_on"``), so the column is recognised whatever the label says;
* row 2 (:data:`EXAMPLE_ROW`): a worked example in grey italics. It is skipped on intake
  as long as it still holds the example's values; typed over, it is read as data;
* rows 3 … (:data:`FIRST_DATA_ROW`): the entrepreneur's rows.

The pilot a workbook belongs to is the workbook-level defined name :data:`PILOT_NAME`
(a cell on the instructions sheet), not a column: the entrepreneur never types it. A sheet
that does have a ``pilot_id`` column (a CSV flavour, or a workbook an analyst made) is
checked row by row against the pilot being delivered.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..schema import COST_TYPES, EXIT_REASONS, FUNDERS, GENDERS, GROUPS, TIMEPOINTS

__all__ = [
    "CHOICE_LABELS", "DATE_COLUMNS", "EXAMPLE_FROM_FOLDER", "EXAMPLE_IDS", "EXAMPLE_ROW",
    "FEEDBACK_TITLE", "FIRST_DATA_ROW", "HEADER_ROW", "INSTRUCTIONS_TITLE", "LISTS_TITLE",
    "PILOT_NAME", "SHEETS", "SheetColumn",
    "SheetSpec", "choice_code", "choice_label", "column_of_header", "example_values",
    "header_text", "is_example", "sheet_for", "sheet_titled",
]

HEADER_ROW = 1
EXAMPLE_ROW = 2
FIRST_DATA_ROW = 3
#: Workbook-level defined name of the cell holding the pilot id (instructions sheet).
PILOT_NAME = "pilot_id"
INSTRUCTIONS_TITLE = {"nb": "Veiledning", "en": "Instructions"}
#: First sheet of a feedback workbook (:mod:`.feedback`): the list of problems. A delivery
#: may come back with it (the entrepreneur corrects the feedback copy); it holds no data.
FEEDBACK_TITLE = {"nb": "Tilbakemelding", "en": "Feedback"}
#: Hidden sheet with the drop-down lists (a list literal in a validation is limited to
#: 255 characters; a range is not).
LISTS_TITLE = {"nb": "Lister", "en": "Lists"}

#: The words shown in drop-down lists, per column and code; intake takes either the word
#: (any case) or the code. The report's own labels (present/text.py) say the same.
CHOICE_LABELS: Mapping[str, Mapping[str, Mapping[str, str]]] = {
    "gender": {
        "female": {"nb": "jente/kvinne", "en": "female"},
        "male": {"nb": "gutt/mann", "en": "male"},
        "other": {"nb": "annet", "en": "other"},
        "unknown": {"nb": "ukjent", "en": "unknown"},
    },
    "exit_reason": {
        "completed": {"nb": "fullført", "en": "completed"},
        "dropped_out": {"nb": "avbrutt", "en": "dropped out"},
        "moved": {"nb": "flyttet", "en": "moved"},
        "other": {"nb": "annet", "en": "other"},
    },
    "funder": {
        "fund": {"nb": "fondet", "en": "the fund"},
        "municipality": {"nb": "kommunen", "en": "the municipality"},
        "ferd": {"nb": "Ferd", "en": "Ferd"},
        "entrepreneur": {"nb": "entreprenøren", "en": "the entrepreneur"},
        "other": {"nb": "andre", "en": "others"},
    },
    "group": {
        "pilot": {"nb": "deltaker", "en": "participant"},
        "comparison": {"nb": "sammenligning", "en": "comparison"},
    },
    "timepoint": {
        "baseline": {"nb": "før", "en": "baseline"},
        "followup": {"nb": "etter", "en": "follow-up"},
    },
    "in_kind": {
        "false": {"nb": "nei", "en": "no"},
        "true": {"nb": "ja", "en": "yes"},
    },
    "cost_type": {
        "start_up": {"nb": "oppstart", "en": "start-up"},
        "fixed": {"nb": "fast", "en": "fixed"},
        "variable": {"nb": "variabel", "en": "variable"},
    },
}
assert set(CHOICE_LABELS["gender"]) == set(GENDERS)
assert set(CHOICE_LABELS["exit_reason"]) == set(EXIT_REASONS)
assert set(CHOICE_LABELS["funder"]) == set(FUNDERS)
assert set(CHOICE_LABELS["group"]) == set(GROUPS)
assert set(CHOICE_LABELS["timepoint"]) == set(TIMEPOINTS)
assert set(CHOICE_LABELS["cost_type"]) == set(COST_TYPES)


@dataclass(frozen=True)
class SheetColumn:
    """One column of a reporting sheet.

    ``kind`` says how the template formats and validates it: ``id`` and ``text`` (free
    text), ``date`` (a date; ``month_ok`` also a month), ``year`` (a whole year), ``hours``
    (0 < h ≤ 24), ``amount`` (kroner, may be negative), ``number``, ``choice`` (a list from
    :data:`CHOICE_LABELS`), ``measure`` and ``area`` (lists made from the data folder).
    """

    name: str
    kind: str
    label_nb: str
    label_en: str
    help_nb: str
    help_en: str
    example: Any
    width: float = 14
    required: bool = True

    def label(self, language: str) -> str:
        return self.label_nb if language == "nb" else self.label_en

    def help(self, language: str) -> str:
        return self.help_nb if language == "nb" else self.help_en


@dataclass(frozen=True)
class SheetSpec:
    """One reporting sheet: the data folder's table it feeds and its columns."""

    table: str
    title_nb: str
    title_en: str
    about_nb: str
    about_en: str
    columns: tuple[SheetColumn, ...]
    #: the column whose date places a row in time (corrections to reported periods)
    date_column: str
    #: columns that identify a row; empty: rows are compared as a whole (attendance, costs)
    key: tuple[str, ...] = ()

    def title(self, language: str) -> str:
        return self.title_nb if language == "nb" else self.title_en

    def about(self, language: str) -> str:
        return self.about_nb if language == "nb" else self.about_en

    def column(self, name: str) -> SheetColumn:
        return next(c for c in self.columns if c.name == name)


_PSEUDONYM_NB = ("Deltakerens pseudonym: deres egen kode (for eksempel D-017), aldri navn "
                 "eller fødselsnummer. Samme kode i alle ark og alle leveranser.")
_PSEUDONYM_EN = ("The participant's pseudonym: your own code (for example D-017), never a "
                 "name or national identity number. The same code in every sheet and delivery.")
#: The example row's id: a real pseudonym never reads like this.
EXAMPLE_ID = "EKSEMPEL"
#: The example row's id in each language (:func:`example_values`); both mark an example.
EXAMPLE_IDS = {"nb": EXAMPLE_ID, "en": "EXAMPLE"}

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "participants", "Deltakere", "Participants",
        "Én rad per deltaker som har startet. Når en deltaker slutter, fyller dere inn "
        "sluttdato og årsak i samme rad.",
        "One row per participant who has started. When a participant leaves, fill in the "
        "exit date and reason in the same row.",
        (
            SheetColumn("participant_id", "id", "Deltaker (pseudonym)", "Participant (pseudonym)",
                        _PSEUDONYM_NB, _PSEUDONYM_EN, EXAMPLE_ID, 22),
            SheetColumn("enrolled_on", "date", "Startet", "Enrolled on",
                        "Datoen deltakeren startet (dd.mm.åååå).",
                        "The date the participant started (dd.mm.yyyy).", "2025-02-03", 13),
            SheetColumn("exited_on", "date", "Sluttet", "Exited on",
                        "Datoen deltakeren sluttet. Tom så lenge deltakeren er med.",
                        "The date the participant left. Empty while still taking part.",
                        None, 13, required=False),
            SheetColumn("exit_reason", "choice", "Årsak til slutt", "Exit reason",
                        "Velg fra listen når deltakeren har sluttet.",
                        "Pick from the list when the participant has left.", None, 16,
                        required=False),
            SheetColumn("birth_year", "year", "Fødselsår", "Birth year",
                        "Bare året, for eksempel 2011.", "The year only, for example 2011.",
                        2011, 11, required=False),
            SheetColumn("gender", "choice", "Kjønn", "Gender", "Velg fra listen.",
                        "Pick from the list.", "female", 14, required=False),
            SheetColumn("area", "area", "Område", "Area",
                        "Bydel eller område der deltakeren bor; velg fra listen.",
                        "The part of the municipality the participant lives in; pick from "
                        "the list.", None, 18, required=False),
        ),
        date_column="enrolled_on", key=("participant_id",),
    ),
    SheetSpec(
        "sessions", "Oppmøte", "Attendance",
        "Én rad per gang en deltaker var med på en aktivitet, med antall timer.",
        "One row each time a participant took part in an activity, with the hours.",
        (
            SheetColumn("participant_id", "id", "Deltaker (pseudonym)", "Participant (pseudonym)",
                        _PSEUDONYM_NB, _PSEUDONYM_EN, EXAMPLE_ID, 22),
            SheetColumn("date", "date", "Dato", "Date", "Datoen for aktiviteten (dd.mm.åååå).",
                        "The date of the activity (dd.mm.yyyy).", "2025-02-10", 13),
            SheetColumn("hours", "hours", "Timer", "Hours",
                        "Timer deltakeren var med, mer enn 0 og høyst 24 (for eksempel 1,5).",
                        "Hours the participant took part, above 0 and at most 24 (e.g. 1.5).",
                        1.5, 9),
        ),
        date_column="date",
    ),
    SheetSpec(
        "costs", "Kostnader", "Costs",
        "Én rad per utgift eller per måned og finansieringskilde. Retting av en tidligere "
        "rad gjøres med en ny rad med negativt beløp.",
        "One row per expense, or per month and source of funding. A correction to an "
        "earlier row is a new row with a negative amount.",
        (
            SheetColumn("date", "date", "Dato", "Date",
                        "Datoen for utgiften, eller månedens første dag (dd.mm.åååå).",
                        "The date of the expense, or the first day of its month (dd.mm.yyyy).",
                        "2025-02-28", 13),
            SheetColumn("funder", "choice", "Betalt av", "Paid by",
                        "Hvem som betalte; velg fra listen.", "Who paid; pick from the list.",
                        "fund", 16),
            SheetColumn("in_kind", "choice", "Naturalytelse", "In kind",
                        "«ja» for arbeidstid eller lokaler som ikke er betalt med penger.",
                        "'yes' for working time or premises not paid for in money.",
                        "false", 13, required=False),
            SheetColumn("amount_nok", "amount", "Beløp (kr)", "Amount (NOK)",
                        "Beløpet i hele kroner, uten «kr». Negativt bare som retting.",
                        "The amount in whole kroner, without 'kr'. Negative only as a correction.",
                        12500, 14),
            SheetColumn("description", "text", "Beskrivelse", "Description",
                        "Kort om hva pengene gikk til. Ingen navn på deltakere.",
                        "What the money was for, in a few words. No names of participants.",
                        {"nb": "Eksempel: lønn prosjektleder februar",
                         "en": "Example: project manager's salary, February"}, 40,
                        required=False),
            # last, so the columns of workbooks made before it keep their letters
            SheetColumn("cost_type", "choice", "Kostnadstype", "Cost type",
                        "«oppstart» for engangskjøp for å komme i gang (utstyr, oppussing), "
                        "«fast» for det som ikke øker med flere deltakere (husleie, ledelse, "
                        "administrasjon), «variabel» for det som øker med deltakerne (timer "
                        "med deltakerne, mat, materiell). Tom celle: variabel.",
                        "'start-up' for one-off purchases to get going (equipment, "
                        "refurbishing), 'fixed' for what does not grow with more participants "
                        "(rent, leadership, administration), 'variable' for what grows with "
                        "them (hours with the participants, food, materials). Empty: variable.",
                        "variable", 14, required=False),
        ),
        date_column="date",
    ),
    SheetSpec(
        "outcomes", "Resultater", "Outcomes",
        "Én rad per måling: en deltaker (eller en i sammenligningsgruppen) målt på et "
        "resultatmål før eller etter.",
        "One row per measurement: a participant (or a comparison person) measured on an "
        "outcome measure at baseline or follow-up.",
        (
            SheetColumn("participant_id", "id", "Person (pseudonym)", "Person (pseudonym)",
                        _PSEUDONYM_NB + " Personer i sammenligningsgruppen får egne koder.",
                        _PSEUDONYM_EN + " Comparison people get codes of their own.",
                        EXAMPLE_ID, 22),
            SheetColumn("group", "choice", "Gruppe", "Group",
                        "«deltaker» for deltakere i piloten, «sammenligning» for "
                        "sammenligningsgruppen.",
                        "'participant' for the pilot's participants, 'comparison' for the "
                        "comparison group.", "pilot", 15),
            SheetColumn("measure", "measure", "Resultatmål", "Measure",
                        "Velg målet fra listen.", "Pick the measure from the list.", None, 22),
            SheetColumn("timepoint", "choice", "Tidspunkt", "Timepoint",
                        "«før» ved oppstart, «etter» ved oppfølging.",
                        "'baseline' at the start, 'follow-up' later.", "baseline", 12),
            SheetColumn("measured_on", "date", "Målt dato", "Measured on",
                        "Datoen målingen ble gjort (dd.mm.åååå).",
                        "The date of the measurement (dd.mm.yyyy).", "2025-02-03", 13),
            SheetColumn("value", "number", "Verdi", "Value",
                        "Poengsummen, innenfor målets skala.",
                        "The score, inside the measure's scale.", None, 10),
            SheetColumn("cluster", "text", "Skole/klasse", "School/class",
                        "Valgfritt: skolen eller klassen personen måles i.",
                        "Optional: the school or class the person is measured in.", None, 18,
                        required=False),
        ),
        date_column="measured_on", key=("participant_id", "group", "measure", "timepoint"),
    ),
)

DATE_COLUMNS = {s.table: s.date_column for s in SHEETS}
#: The data folder's tables deliveries fill. In a new folder they may have only their
#: header: intake and the template accept that (nothing else does).
DELIVERED_TABLES = tuple(DATE_COLUMNS)


def sheet_for(table: str) -> SheetSpec:
    """The sheet spec of a data-folder table (``participants``, ``sessions`` …).

    Parameters
    ----------
    table : str
        A delivered table's name (one of :data:`DELIVERED_TABLES`).

    Returns
    -------
    SheetSpec

    Examples
    --------
    >>> spec = sheet_for("sessions")
    >>> spec.title_nb, [c.name for c in spec.columns], spec.date_column
    ('Oppmøte', ['participant_id', 'date', 'hours'], 'date')
    """
    return next(s for s in SHEETS if s.table == table)


def header_text(column: SheetColumn, language: str) -> str:
    """A header cell's text: the label, a line break, the English column name.

    Parameters
    ----------
    column : SheetColumn
        The column of a sheet spec.
    language : {"nb", "en"}
        Language of the label.

    Returns
    -------
    str

    Examples
    --------
    >>> enrolled = sheet_for("participants").columns[1]
    >>> header_text(enrolled, "nb"), header_text(enrolled, "en")
    ('Startet\\nenrolled_on', 'Enrolled on\\nenrolled_on')
    """
    return f"{column.label(language)}\n{column.name}"


def choice_code(column: str, text: str) -> str:
    """The code for a list word in either language (any case); other text unchanged.

    Parameters
    ----------
    column : str
        A list column's English name (``gender``, ``timepoint``, ``funder`` …).
    text : str
        The cell's text as typed.

    Returns
    -------
    str
        The code, or ``text`` itself when it is no word of the column's list.

    Examples
    --------
    >>> choice_code("gender", "Jente/kvinne"), choice_code("timepoint", "etter")
    ('female', 'followup')
    >>> choice_code("gender", "female"), choice_code("gender", "hest")
    ('female', 'hest')
    """
    words = CHOICE_LABELS.get(column)
    if not words:
        return text
    folded = text.strip().casefold()
    for code, labels in words.items():
        if folded == code or folded in (w.casefold() for w in labels.values()):
            return code
    return text


def _fold(text: str) -> str:
    return " ".join(str(text).replace("_", " ").replace("-", " ").split()).casefold()


def column_of_header(sheet: SheetSpec, text: Any) -> str | None:
    """The English column name a header cell stands for, or None.

    Takes the template's two-line header (the name on the last line), the English name
    itself (any case, spaces for underscores: ``Enrolled on``), or either language's label.

    Parameters
    ----------
    sheet : SheetSpec
        The sheet the header belongs to.
    text : Any
        The header cell as read (``None`` for an empty cell).

    Returns
    -------
    str or None

    Examples
    --------
    >>> spec = sheet_for("participants")
    >>> [column_of_header(spec, t) for t in ("Startet\\nenrolled_on", "Enrolled On", "Kjønn", "?")]
    ['enrolled_on', 'enrolled_on', 'gender', None]
    """
    if text is None:
        return None
    lines = [line for line in str(text).splitlines() if line.strip()]
    if not lines:
        return None
    candidates = [lines[-1], " ".join(lines), lines[0]]
    for candidate in candidates:
        folded = _fold(candidate)
        for column in sheet.columns:
            if folded in (_fold(column.name), _fold(column.label_nb), _fold(column.label_en)):
                return column.name
        if folded == "pilot id":  # CSV flavours and analysts' sheets may carry it
            return "pilot_id"
    return None


def has_example_marker(values: Mapping[str, Any]) -> bool:
    """Whether a sheet's row 2 carries the example's marker. Intake skips it when it is
    also unchanged (:func:`is_example`), and calls it an error when it was typed over.

    The marker is what no real row holds: the id ``EKSEMPEL``/``EXAMPLE`` or, on a
    sheet without ids (costs), a description that starts with "Eksempel"/"Example".

    >>> has_example_marker({"participant_id": "eksempel", "hours": "1.5"})
    True
    >>> has_example_marker({"participant_id": "EXAMPLE", "hours": "1.5"})
    True
    >>> has_example_marker({"description": "Eksempel: lønn", "amount_nok": "12500"})
    True
    >>> has_example_marker({"participant_id": "D-017"})
    False
    """
    pid = str(values.get("participant_id") or "").strip().casefold()
    if pid:
        return pid in {marker.casefold() for marker in EXAMPLE_IDS.values()}
    about = str(values.get("description") or "").strip().casefold()
    return about.startswith(("eksempel", "example"))
def sheet_titled(title: str) -> SheetSpec | None:
    """The sheet spec whose title (in either language, any case) or table name is
    ``title``, or None.

    Parameters
    ----------
    title : str
        A workbook sheet's title.

    Returns
    -------
    SheetSpec or None

    Examples
    --------
    >>> sheet_titled("ATTENDANCE").table, sheet_titled("Deltakere").table
    ('sessions', 'participants')
    >>> sheet_titled("Veiledning") is None
    True
    """
    folded = str(title).strip().casefold()
    return next((s for s in SHEETS
                 if folded in (s.title_nb.casefold(), s.title_en.casefold(), s.table)), None)


def choice_label(column: str, code: Any, language: str) -> Any:
    """The list word for a code (``choice_label("gender", "female", "nb")`` → ``"jente/kvinne"``).

    Booleans (``in_kind``) are looked up as ``"true"``/``"false"``; a value that is no code
    of the column is returned unchanged, so a wrong value stays visible as it was.

    Parameters
    ----------
    column : str
        A list column's English name.
    code : Any
        The value stored in the data folder.
    language : {"nb", "en"}
        Language of the list word.

    Returns
    -------
    Any
        The list word, or ``code`` unchanged.

    Examples
    --------
    >>> choice_label("gender", "female", "nb"), choice_label("in_kind", True, "en")
    ('jente/kvinne', 'yes')
    >>> choice_label("gender", "hest", "nb")
    'hest'
    """
    words = CHOICE_LABELS.get(column, {})
    key = str(code).lower() if isinstance(code, bool) else code
    return words[key][language] if isinstance(key, str) and key in words else code


#: Columns whose example comes from the data folder (the pilot's measure, an area of the
#: municipality, a value inside the measure's scale), not from :class:`SheetColumn`.
EXAMPLE_FROM_FOLDER = ("measure", "area", "value")


def example_values(sheet: SheetSpec, language: str, *, measure: str | None = None,
                   area: str | None = None, value: float | None = None) -> dict[str, Any]:
    """The example row (row 2) exactly as the template writes it, column by column.

    List columns hold the list word in ``language``, dates are :class:`datetime.date`,
    numbers ``int``/``float``, an empty cell ``None``. ``measure``, ``area`` and ``value``
    fill the columns of :data:`EXAMPLE_FROM_FOLDER` (the template takes them from the data
    folder; ``None`` leaves the cell empty).

    Parameters
    ----------
    sheet : SheetSpec
        The sheet whose example row is wanted.
    language : {"nb", "en"}
        Language of the list words.
    measure, area : str, optional
        The pilot's measure and an area of the municipality, for the sheets with them.
    value : float, optional
        A value inside the measure's scale (outcomes sheet).

    Returns
    -------
    dict
        Column name to cell value, in the sheet's column order.

    Examples
    --------
    >>> example_values(sheet_for("sessions"), "nb")
    {'participant_id': 'EKSEMPEL', 'date': datetime.date(2025, 2, 10), 'hours': 1.5}
    >>> example_values(sheet_for("costs"), "en")["funder"]
    'the fund'
    >>> example_values(sheet_for("sessions"), "en")["participant_id"]
    'EXAMPLE'
    """
    given = {"measure": measure, "area": area, "value": value}
    out: dict[str, Any] = {}
    for column in sheet.columns:
        example = given[column.name] if column.name in given else column.example
        if isinstance(example, Mapping):  # words: in the workbook's language
            example = example[language]
        elif example == EXAMPLE_ID:
            example = EXAMPLE_IDS[language]
        if example is not None and column.kind == "choice":
            example = choice_label(column.name, example, language)
        elif example is not None and column.kind == "date":
            example = _dt.date.fromisoformat(str(example))
        out[column.name] = example
    return out


def is_example(sheet: SheetSpec, values: Mapping[str, Any]) -> bool:
    """Whether a row still holds the example of :func:`example_values` (in either language).

    ``values`` maps column names to the cells as read: openpyxl values (``datetime``,
    ``float`` …) or text (``"2025-02-10"``, ``"1.5"``) alike. The columns of
    :data:`EXAMPLE_FROM_FOLDER` are not compared: the data folder they come from grows
    between the day the template is written and the day it is taken in, and the
    pseudonym ``EKSEMPEL`` with the example's dates already tells the row apart. A column
    missing from ``values`` is not compared either: a workbook made before the column was
    added (the costs sheet's ``cost_type``) still has an unchanged example.

    Parameters
    ----------
    sheet : SheetSpec
        The sheet the row was read from.
    values : Mapping
        Column name to cell, as read.

    Returns
    -------
    bool

    Examples
    --------
    >>> import datetime as dt
    >>> spec = sheet_for("sessions")
    >>> is_example(spec, {"participant_id": "EKSEMPEL", "date": dt.datetime(2025, 2, 10),
    ...                   "hours": 1.5})
    True
    >>> is_example(spec, {"participant_id": "D-017", "date": "2025-02-10", "hours": "1.5"})
    False
    """
    compared = [c.name for c in sheet.columns
                if c.name not in EXAMPLE_FROM_FOLDER and c.name in values]
    given = [_canonical(values.get(name)) for name in compared]
    examples = [example_values(sheet, language) for language in ("nb", "en")]
    # the pseudonym and the description in either language: English workbooks made before
    # they were translated hold the Norwegian ones beside English list words
    either = {c.name for c in sheet.columns
              if isinstance(c.example, Mapping) or c.example == EXAMPLE_ID}
    return any(all(text in {_canonical(e[name]) for e in examples} if name in either
                   else text == _canonical(example[name])
                   for name, text in zip(compared, given))
               for example in examples)


def _canonical(value: Any) -> str:
    """A cell as comparable text: dates ISO, whole numbers without ``.0``, text folded."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time(0) else value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    text = str(value).strip().casefold()
    try:  # "1.5" read as text equals 1.5 read as a number
        number = float(text)
    except ValueError:
        return text
    return _canonical(number) if math.isfinite(number) else text
