"""Read a delivery: a filled reporting workbook, or one table as CSV/XLSX/Parquet.

The result holds each delivered table as text with the data folder's English column
names, indexed by the row number the entrepreneur sees in Excel, plus where each column
is (sheet title and column letter), so every problem can point at a cell. List words
(``jente/kvinne``, ``før``) become the data folder's codes (``female``, ``baseline``).
Reading never raises on bad content: what cannot be read is a problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import problems_frame
from ..io import (
    RawTable,
    _cell_text,
    _problem,
    _sheet_cells,
    _sheet_frame,
    read_table,
    xlsx_too_big,
)
from ..schema import TABLES
from . import spec

__all__ = ["Delivery", "read_delivery"]


@dataclass
class Delivery:
    """What a delivery file holds.

    Attributes
    ----------
    path : the file.
    kind : ``"workbook"`` (a reporting workbook) or ``"table"`` (one table file).
    pilot_id : the pilot the workbook says it belongs to (its defined name), else None.
    tables : table name → text frame (English columns, index = the spreadsheet row).
    sheets : table name → the sheet title (or file name) problems should name.
    letters : table name → {English column → column letter}.
    problems : problems met while reading.
    """

    path: Path
    kind: str
    pilot_id: str | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sheets: dict[str, str] = field(default_factory=dict)
    letters: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: pd.DataFrame = field(default_factory=problems_frame)
    #: the CSV separator (decimal commas are read only in semicolon files), else None
    sep: str | None = None


def _to_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """List words in either language → codes, once per distinct value."""
    out = frame.copy()
    for column in out.columns:
        if column in spec.CHOICE_LABELS:
            uniques = out[column].unique()
            mapping = {u: spec.choice_code(column, u) if u else u for u in uniques}
            out[column] = out[column].map(mapping)
    return out


def _columns(sheet: spec.SheetSpec, header: list[Any], title: str, file: str
             ) -> tuple[dict[int, str], list[dict[str, Any]]]:
    """Header cells → {position: English column}; unknown headers with a problem."""
    from openpyxl.utils import get_column_letter

    found: dict[int, str] = {}
    problems: list[dict[str, Any]] = []
    for i, text in enumerate(header):
        if text is None or pd.isna(text) or str(text).strip() == "":
            continue  # data under no header: _headerless says so
        name = spec.column_of_header(sheet, text)
        if name is None:
            problems.append(_problem(
                file, "intake.unknown_column",
                f"Arket «{title}», kolonne {get_column_letter(i + 1)}: overskriften «{text}» er "
                "ikke en av arkets kolonner, og kolonnen blir ikke lest. Bruk malens overskrifter.",
                f"Sheet '{title}', column {get_column_letter(i + 1)}: the header '{text}' is not "
                "one of the sheet's columns, and the column is not read. Use the template's "
                "headers.", row=spec.HEADER_ROW, column=str(text), severity="warning"))
            continue
        if name in found.values():
            problems.append(_problem(
                file, "column.duplicate",
                f"Arket «{title}»: kolonnen «{name}» står to ganger i overskriftsraden. "
                "Fjern den ene.",
                f"Sheet '{title}': the column '{name}' appears twice in the header row. "
                "Remove one of them.", row=spec.HEADER_ROW, column=name))
            continue
        found[i] = name
    return found, problems


def _headerless(frame: pd.DataFrame, header: list[Any], title: str) -> list[dict[str, Any]]:
    """A warning per column that holds data under an empty header: it is not read."""
    from openpyxl.utils import get_column_letter

    body = frame.loc[frame.index > spec.HEADER_ROW]
    out = []
    for i, text in enumerate(header):
        if (text is None or pd.isna(text) or str(text).strip() == "") and body.iloc[:, i].notna().any():
            letter = get_column_letter(i + 1)
            out.append(_problem(
                title, "intake.column_without_header",
                f"Kolonne {letter} har data, men ingen overskrift, og den blir ikke lest. Flytt "
                "dataene til riktig kolonne, eller slett dem.",
                f"Column {letter} holds data but has no header, and it is not read. Move the "
                "data to the right column, or delete them.", row=spec.HEADER_ROW,
                severity="warning"))
    return out


def _read_workbook(path: Path) -> Delivery:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    delivery = Delivery(path, "workbook")
    file = path.name
    bomb = xlsx_too_big(path)  # refused before anything is unpacked
    if bomb is not None:
        delivery.problems = problems_frame([bomb])
        return delivery
    problems: list[dict[str, Any]] = []
    book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        delivery.pilot_id = _defined_pilot(book)
        for ws in book.worksheets:
            sheet = spec.sheet_titled(ws.title)
            if sheet is None:
                continue  # instructions, lists, feedback: not data
            if ws.sheet_state != "visible":
                problems.append(_problem(
                    file, "file.hidden_sheet",
                    f"Arket «{ws.title}» er skjult og blir ikke lest. Vis arket (høyreklikk på "
                    "arkfanene, «Vis») og send arbeidsboken på nytt.",
                    f"The sheet '{ws.title}' is hidden and is not read. Unhide it and send the "
                    "workbook again."))
                continue
            if sheet.table in delivery.tables:
                problems.append(_problem(
                    file, "intake.sheet_twice",
                    f"Arbeidsboken har to ark for {sheet.title_nb.lower()} (det andre heter "
                    f"«{ws.title}»). Samle radene i ett ark.",
                    f"The workbook has two sheets for {sheet.title_en.lower()} (the second is "
                    f"'{ws.title}'). Put the rows in one sheet."))
                continue
            frame, limit = _sheet_frame(book, ws, file)
            if limit is not None:
                problems.append(limit)
                continue
            header = frame.loc[spec.HEADER_ROW].tolist() if len(frame) else []
            positions, header_problems = _columns(sheet, header, ws.title, ws.title)
            problems.extend(header_problems)
            problems.extend(_headerless(frame, header, ws.title))
            body = frame.loc[frame.index > spec.HEADER_ROW, list(positions)]
            body.columns = [positions[i] for i in positions]
            body = body.apply(_cell_text) if len(body) else body.astype(object)
            body = body.fillna("").astype(str).apply(lambda s: s.str.strip())
            if len(body.columns):
                body = body.loc[~body.eq("").all(axis=1)]
            if spec.EXAMPLE_ROW in body.index and spec.has_example_marker(body.loc[spec.EXAMPLE_ROW]):
                if not spec.is_example(sheet, body.loc[spec.EXAMPLE_ROW].to_dict()):
                    # typed over, but still marked as the example: neither skipped nor taken
                    problems.append(_problem(
                        ws.title, "intake.example_edited",
                        "Rad 2 er eksempelraden, men noen av verdiene er endret. Skriv "
                        "egne rader fra rad 3, og la eksempelraden stå som den var (eller "
                        "slett den).",
                        "Row 2 is the example row, but some of its values were changed. Write "
                        "your own rows from row 3 on, and leave the example as it was (or "
                        "delete it).", row=spec.EXAMPLE_ROW))
                body = body.drop(index=spec.EXAMPLE_ROW)
            delivery.tables[sheet.table] = _to_codes(body)
            delivery.sheets[sheet.table] = ws.title
            delivery.letters[sheet.table] = {positions[i]: get_column_letter(i + 1) for i in positions}
        problems.extend(_identity_anywhere(book, file))
    finally:
        book.close()
    delivery.problems = problems_frame(problems)
    return delivery


def _identity_anywhere(book: Any, file: str) -> list[dict[str, Any]]:
    """Identity numbers in any cell of any sheet (hidden, unknown, a column without a
    header): the workbook is stored as received, so it must hold none at all."""
    from openpyxl.utils import get_column_letter

    from ..privacy import looks_like_identity_number

    where: list[tuple[str, int, int]] = []
    texts: list[str] = []
    headers: dict[tuple[str, int], str] = {}  # the header above each cell: its column's name
    for ws in book.worksheets:
        for row, column, value in _sheet_cells(book, ws):
            where.append((ws.title, row, column))
            texts.append(str(value))
            if row == spec.HEADER_ROW:
                headers[(ws.title, column)] = str(value)
    if not texts:
        return []
    codes, uniques = pd.factorize(pd.Series(texts, dtype=object))
    hit = looks_like_identity_number(pd.Series(uniques, dtype="str")).to_numpy(dtype=bool)[codes]
    out = []
    for (title, row, column), found in zip(where, hit):
        if found:
            cell = f"{get_column_letter(column)}{row}"
            out.append(_problem(
                title, "privacy.identity_number",
                f"Cellen {cell} ser ut til å inneholde et fødselsnummer eller D-nummer (det vises "
                "ikke her). Slike opplysninger skal aldri stå i arbeidsboken: slett nummeret og "
                "bruk deres egne pseudonymer. Arbeidsboken er ikke tatt inn eller lagret.",
                f"The cell {cell} seems to contain a national identity number (not shown here). "
                "It must never be in the workbook: delete it and use your own pseudonyms. The "
                "workbook was neither taken in nor stored.", row=row,
                column=_column_named(title, headers.get((title, column))),
                value="***********"))
    return out


def _column_named(title: str, header: str | None) -> str | None:
    """The column a header names, as the feedback workbook finds it again: a reporting
    sheet's column name (``description``), else the header folded (``my_notes``)."""
    if header is None or not header.strip():
        return None
    layout = spec.sheet_titled(title)
    if layout is not None:
        return spec.column_of_header(layout, header)
    return "_".join(header.replace("-", " ").split()).casefold()


def _no_sheets(path: Path) -> list[dict[str, Any]]:
    file = path.name
    titles = ", ".join(f"«{s.title_nb}»" for s in spec.SHEETS)
    return [_problem(
        file, "intake.no_sheets",
        f"Arbeidsboken har ingen av rapporteringsarkene ({titles}). Bruk arbeidsboken fra "
        "«pilot-eval template».",
        "The workbook has none of the reporting sheets ("
        + ", ".join(f"'{s.title_en}'" for s in spec.SHEETS)
        + "). Use the workbook made by 'pilot-eval template'.")]


def _defined_pilot(book: Any) -> str | None:
    """The pilot id the workbook names (its defined name), or None."""
    try:
        defined = book.defined_names.get(spec.PILOT_NAME)
    except AttributeError:  # pragma: no cover - openpyxl < 3.1 kept a list
        defined = None
    if defined is None:
        return None
    for title, ref in defined.destinations:
        if title not in book.sheetnames:
            continue
        from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

        letter, row = coordinate_from_string(ref.replace("$", "").split(":")[0])
        column = column_index_from_string(letter)
        for r, c, value in _sheet_cells(book, book[title]):
            if (r, c) == (row, column):
                text = str(value).strip()
                return text or None
    return None


def _read_one_table(path: Path, table: str | None) -> Delivery:
    """A CSV/XLSX/Parquet file holding one table, named after it (``participants.csv``)."""
    delivery = Delivery(path, "table")
    name = table or path.stem.strip().casefold()
    sheet = next((s for s in spec.SHEETS if s.table == name), None)
    if sheet is None:
        tables = ", ".join(s.table for s in spec.SHEETS)
        delivery.problems = problems_frame([_problem(
            path.name, "intake.unknown_table",
            f"Filnavnet sier ikke hvilken tabell filen er. Kall filen opp etter tabellen "
            f"({tables}), for eksempel participants.csv.",
            f"The file name does not say which table it holds. Name the file after the table "
            f"({tables}), for example participants.csv.")])
        return delivery
    raw: RawTable = read_table(path, name)
    problems = raw.problems.to_dict("records")
    if raw.frame is not None:
        rename = {}
        for column in raw.frame.columns:
            if column in TABLES[name].columns or column == "pilot_id":
                continue
            mapped = spec.column_of_header(sheet, column)
            if mapped is not None:
                rename[column] = mapped
        frame = raw.frame.rename(columns=rename)
        delivery.tables[name] = _to_codes(frame)
        delivery.sheets[name] = path.name
        from openpyxl.utils import get_column_letter

        delivery.letters[name] = {c: get_column_letter(i + 1) for i, c in enumerate(frame.columns)}
        delivery.sep = raw.dialect.get("sep")
    delivery.problems = problems_frame(problems)
    return delivery


#: Spreadsheet formats people send that are not read: each gets "save it as .xlsx".
_OTHER_SPREADSHEETS = (".xls", ".xlsm", ".xlsb", ".ods", ".numbers")
#: The first bytes of an OLE compound file: an old .xls, or an .xlsx with a password.
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _not_a_workbook(path: Path) -> dict[str, Any] | None:
    """A problem for a spreadsheet intake cannot read, telling how to save it; else None."""
    suffix = path.suffix.lower()
    try:
        with open(path, "rb") as fh:
            locked = fh.read(len(_OLE_SIGNATURE)) == _OLE_SIGNATURE
    except OSError:
        return None  # read_delivery reports what cannot be opened
    if suffix not in _OTHER_SPREADSHEETS and not (suffix == ".xlsx" and locked):
        return None
    what_nb = ("passordbeskyttet" if suffix == ".xlsx" else f"lagret som {suffix}")
    what_en = ("protected by a password" if suffix == ".xlsx" else f"saved as {suffix}")
    return _problem(
        path.name, "intake.not_xlsx",
        f"Arbeidsboken er {what_nb}, og den kan ikke leses. Åpne den i Excel og lagre den "
        "som «Excel-arbeidsbok (.xlsx)» uten passord, og send den på nytt.",
        f"The workbook is {what_en} and cannot be read. Open it in Excel, save it as "
        "'Excel Workbook (.xlsx)' without a password, and send it again.")


def read_delivery(path: str | Path, *, table: str | None = None) -> Delivery:
    """Read a delivery file. Never raises on bad content (problems say what is wrong).

    A workbook with any of the reporting sheets is read sheet by sheet; any other file is
    one table, named by ``table`` or by the file's name (``sessions.csv``).

    Parameters
    ----------
    path : str or Path
        The delivered file: a reporting workbook, or one table as CSV/XLSX/Parquet.
    table : str, optional
        The table a one-table file holds, when its name does not say.

    Returns
    -------
    Delivery
        The tables as text (index: the spreadsheet row or file line) and the problems met;
        types and rules are checked later, by :func:`~pilot_eval.intake.merge.take_delivery`.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "utgifter.csv"
    >>> _ = path.write_text("date,funder,in_kind,amount_nok,description\\n"
    ...                     "2025-02-15,fund,false,200000,Første utbetaling\\n"
    ...                     "2025-03-01,fund,false,abc,Andre utbetaling\\n")
    >>> delivery = read_delivery(path, table="costs")
    >>> delivery.kind, list(delivery.tables), len(delivery.problems)
    ('table', ['costs'], 0)
    >>> delivery.tables["costs"]["amount_nok"].to_dict()
    {2: '200000', 3: 'abc'}
    >>> tmp.cleanup()
    """
    path = Path(path)
    refused = _not_a_workbook(path)
    if refused is not None:
        return Delivery(path, "table", problems=problems_frame([refused]))
    try:
        if path.suffix.lower() == ".xlsx" and table is None:
            delivery = _read_workbook(path)
            named = path.stem.strip().casefold() in {s.table for s in spec.SHEETS}
            if delivery.tables or delivery.pilot_id or not named:
                if not delivery.tables and not len(delivery.problems):
                    delivery.problems = problems_frame(_no_sheets(path))
                return delivery
        return _read_one_table(path, table)
    except Exception as exc:  # a file we cannot open at all: report, never traceback
        delivery = Delivery(path, "table")
        delivery.problems = problems_frame([_problem(
            path.name, "file.unreadable",
            f"Filen kan ikke leses ({type(exc).__name__}: {exc}). Sjekk at den er en gyldig "
            "Excel- eller CSV-fil, for eksempel ved å åpne og lagre den på nytt.",
            f"The file cannot be read ({type(exc).__name__}: {exc}). Check that it is a valid "
            "Excel or CSV file, for example by opening and saving it again.")])
        return delivery
