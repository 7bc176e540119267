"""The feedback workbook: a delivery sent back with its problems marked (issue 12, part 3).

A copy of the entrepreneur's workbook (the delivery itself is never touched) in which each
cell with a problem is filled (errors red, warnings yellow) and carries the message as a
comment, with a first sheet listing every problem with a link to its cell. The analyst can
send it straight back; the entrepreneur corrects the copy and delivers it again. When a
feedback copy comes back with new problems, the marks of the earlier round are taken off
first, so only what is still wrong is marked.

A CSV delivery gets a new workbook holding the CSV's rows at their file rows, marked the
same way.

A national identity number in the delivery is not sent back: in the copy its digits are
stars, in the cells and in the list alike.
"""

from __future__ import annotations

import io as _io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from ..errors import UsageError, count_problems, problems_frame, show_controls
from ..io import atomic_write_bytes, read_table
from ..privacy import mask_identity_numbers
from . import spec
from .template import (
    AUTHOR,
    EXAMPLE_FILL,
    FONT_NAME,
    HEADER_FILL,
    put_text,
    quoted_title,
    row_height,
)

__all__ = ["ERROR_FILL", "WARNING_FILL", "write_feedback"]

LANGUAGES = ("nb", "en")
#: Fills of marked cells. Not Excel's own "Bad"/"Neutral" colours, so a fill the
#: entrepreneur chose is never taken for a mark of an earlier round.
ERROR_FILL = PatternFill("solid", fgColor="FFF4B6B6")
WARNING_FILL = PatternFill("solid", fgColor="FFFFE38A")
_MARKS = {"FFF4B6B6", "FFFFE38A"}
#: The first line of every comment this module writes; a comment's text from it on is
#: taken off again when the copy comes back.
_COMMENT_HEAD = {"nb": "▶ Tilbakemelding", "en": "▶ Feedback"}
_COLUMN_WIDTHS = (16, 8, 24, 22, 11, 80)

_TEXT = {
    "nb": {
        "title": "Tilbakemelding på leveransen",
        "counts": "Leveransen «{file}» har {errors} og {warnings}.",
        "fix": "Feilene må rettes før leveransen kan tas imot. Cellene med feil er merket med "
               "rødt, advarsler med gult. Hold musepekeren over en merket celle for å lese "
               "meldingen, eller klikk på cellen i listen under. Rett feilene i denne "
               "arbeidsboken, lagre den og send den på nytt. Advarsler trenger dere ikke rette "
               "hvis opplysningene stemmer.",
        "only_warnings": "Leveransen har ingen feil. Se over advarslene (merket med gult); "
                         "rett dem i arbeidsboken hvis opplysningene ikke stemmer, og ta dem "
                         "med i neste leveranse.",
        "none": "Leveransen har ingen feil eller advarsler.",
        "columns": ("Ark", "Celle", "Kolonne", "Verdi", "Alvorlighet", "Melding"),
        "error": "feil", "warning": "advarsel",
        "comment_error": "Feil", "comment_warning": "Advarsel",
        "masked": "Fødselsnummer og D-nummer i leveransen er byttet ut med stjerner (*) i denne "
                  "kopien. Slett dem og bruk deres egne koder (pseudonymer) i stedet.",
    },
    "en": {
        "title": "Feedback on the delivery",
        "counts": "The delivery '{file}' has {errors} and {warnings}.",
        "fix": "The errors must be corrected before the delivery can be taken in. Cells with "
               "an error are marked red, warnings yellow. Point at a marked cell to read its "
               "message, or click the cell in the list below. Correct the errors in this "
               "workbook, save it and send it again. Warnings need no correction if the facts "
               "are right.",
        "only_warnings": "The delivery has no errors. Look through the warnings (marked "
                         "yellow); correct them in the workbook if the facts are not right, "
                         "and include that in the next delivery.",
        "none": "The delivery has no errors or warnings.",
        "columns": ("Sheet", "Cell", "Column", "Value", "Severity", "Message"),
        "error": "error", "warning": "warning",
        "comment_error": "Error", "comment_warning": "Warning",
        "masked": "National identity numbers and D numbers in the delivery are replaced by "
                  "stars (*) in this copy. Delete them and use your own codes (pseudonyms) "
                  "instead.",
    },
}


@dataclass
class _Place:
    """Where one problem goes: a sheet (None: the whole file) and a cell (None: the sheet)."""

    problem: dict[str, Any]
    sheet: Any = None
    row: int | None = None
    column: int | None = None
    label: str = ""
    order: tuple = field(default_factory=tuple)


def write_feedback(delivery: str | Path, problems: pd.DataFrame, out: str | Path, *,
                   language: str = "nb") -> Path:
    """Write a copy of ``delivery`` with its problems marked; return the copy's path.

    Parameters
    ----------
    delivery : the entrepreneur's ``.xlsx`` (or ``.csv``); never modified.
    problems : a problems table (:data:`pilot_eval.errors.PROBLEM_COLUMNS`). ``file`` is
        the sheet's title (a CSV: the file's name), ``row`` the Excel row (missing: the
        whole sheet or file), ``column`` the data folder's column name (missing: the
        whole row, marked on its first cell).
    out : the ``.xlsx`` to write, atomically; must not be the delivery.
    language : ``"nb"`` or ``"en"``: the messages and the list sheet's words.

    Examples
    --------
    A CSV delivery with an amount that is no number:

    >>> import tempfile
    >>> from openpyxl import load_workbook
    >>> tmp = tempfile.TemporaryDirectory()
    >>> delivery = Path(tmp.name) / "costs.csv"
    >>> _ = delivery.write_text("date,funder,in_kind,amount_nok,description\\n"
    ...                         "2025-02-15,fund,false,200000,Første utbetaling\\n"
    ...                         "2025-03-01,fund,false,abc,Andre utbetaling\\n")
    >>> problems = pd.DataFrame({
    ...     "file": ["costs.csv"], "row": [3], "column": ["amount_nok"], "value": ["abc"],
    ...     "severity": ["error"], "rule": ["type.number"],
    ...     "message_nb": ["Beløpet må være et tall."],
    ...     "message_en": ["The amount must be a number."]})
    >>> out = write_feedback(delivery, problems, Path(tmp.name) / "costs-feedback.xlsx",
    ...                      language="en")
    >>> book = load_workbook(out)
    >>> book.sheetnames
    ['Feedback', 'costs']
    >>> [row for row in book["Feedback"].values if row[1] == "D3"]
    [('costs', 'D3', 'Amount (NOK)', 'abc', 'error', 'The amount must be a number.')]
    >>> tmp.cleanup()
    """
    if language not in LANGUAGES:
        raise UsageError(f"language={language!r} is not supported; use one of "
                         f"{', '.join(LANGUAGES)}.")
    delivery, out = Path(delivery), Path(out)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"Cannot write {out.name!r}: the feedback is an Excel workbook; use "
                         "a name ending in .xlsx.")
    if out.resolve() == delivery.resolve():
        raise UsageError(f"The feedback would overwrite the delivery {delivery.name!r}; the "
                         "delivery is kept as it came. Choose another file name.")
    suffix = delivery.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise UsageError(f"Cannot mark up {delivery.name!r}: a delivery is an .xlsx or .csv "
                         "file.")
    if suffix == ".xlsx":
        book = _open_copy(delivery)
    else:
        book = _csv_book(delivery)
    _clear_earlier_feedback(book)
    masked = _mask_identity_numbers(book)
    places = _placed(book, _masked_problems(problems_frame(problems)), delivery, language)
    _mark(places, language)
    _feedback_sheet(book, places, delivery, language, masked=masked)
    buffer = _io.BytesIO()
    book.save(buffer)
    return atomic_write_bytes(out, buffer.getvalue())


# --- the copy -------------------------------------------------------------------------------

def _open_copy(delivery: Path) -> Workbook:
    """The delivery as a workbook to modify; a file openpyxl cannot open gives an empty
    workbook, so the list of problems is still sent back."""
    try:
        return load_workbook(delivery, rich_text=True)
    except Exception:  # a broken file is itself one of the problems listed
        book = Workbook()
        book.remove(book.active)
        return book


def _csv_book(delivery: Path) -> Workbook:
    """A workbook with the CSV's cells at their file rows (header row 1), as text."""
    raw = read_table(delivery, delivery.stem)
    book = Workbook()
    ws = book.active
    ws.title = _sheet_title(delivery.stem)
    if raw.frame is None:
        return book
    for i, name in enumerate(raw.frame.columns, start=1):
        put_text(ws.cell(1, i), name)
        ws.cell(1, i).font = Font(name=FONT_NAME, bold=True)
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(str(name)) + 4))
    for row, values in zip(raw.frame.index, raw.frame.itertuples(index=False)):
        for i, value in enumerate(values, start=1):
            if value != "":
                put_text(ws.cell(int(row), i), value)
    ws.freeze_panes = "A2"
    return book


def _sheet_title(text: str) -> str:
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in text).strip("'") or "data"
    return cleaned[:31]


def _clear_earlier_feedback(book: Workbook) -> None:
    """Take off an earlier round's list sheet, comments and fills."""
    for title in spec.FEEDBACK_TITLE.values():
        if title in book.sheetnames:
            book.remove(book[title])
    for ws in book.worksheets:
        layout = spec.sheet_titled(ws.title)
        for cell in _cells(ws):
            comment = cell.comment
            if comment is not None:
                kept = _without_feedback(comment.text)
                if kept != comment.text:
                    cell.comment = Comment(kept, comment.author) if kept.strip() else None
            if cell.fill is not None and _rgb(cell.fill) in _MARKS:
                if layout is not None and cell.row == spec.HEADER_ROW:
                    cell.fill = HEADER_FILL
                elif layout is not None and cell.row == spec.EXAMPLE_ROW:
                    cell.fill = EXAMPLE_FILL
                else:
                    cell.fill = PatternFill(fill_type=None)


def _mask_identity_numbers(book: Workbook) -> int:
    """Put stars for the digits of every identity number in the copy; return how many
    cells had one."""
    cells, texts = [], []
    for ws in book.worksheets:
        for cell in _cells(ws):
            value = cell.value
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                text = str(value)
                if sum(ch.isdigit() for ch in text) >= 10:  # fewer cannot hold one
                    cells.append(cell)
                    texts.append(text)
    if not cells:
        return 0
    masked = mask_identity_numbers(pd.Series(texts, dtype="string"))
    changed = 0
    for cell, before, after in zip(cells, texts, masked):
        if after != before:
            put_text(cell, str(after))
            changed += 1
    return changed


def _masked_problems(problems: pd.DataFrame) -> pd.DataFrame:
    out = problems.copy()
    for column in ("value", "message_nb", "message_en"):
        out[column] = mask_identity_numbers(out[column].fillna("")).where(out[column].notna())
    return out


def _cells(ws: Any) -> Iterator[Any]:
    for row in ws.iter_rows():
        yield from row


def _rgb(fill: PatternFill) -> str | None:
    color = getattr(fill, "fgColor", None)
    rgb = getattr(color, "rgb", None)
    return rgb if isinstance(rgb, str) else None


def _without_feedback(text: str) -> str:
    cut = len(text)
    for head in _COMMENT_HEAD.values():
        at = text.find(head)
        if at != -1:
            cut = min(cut, at)
    return text[:cut].rstrip()


# --- where each problem goes ------------------------------------------------------------------

def _placed(book: Workbook, problems: pd.DataFrame, delivery: Path, language: str
            ) -> list[_Place]:
    sheets = {ws.title: ws for ws in book.worksheets}
    folded = {title.casefold(): ws for title, ws in sheets.items()}
    only = book.worksheets[0] if len(book.worksheets) == 1 else None
    headers: dict[str, dict[str, tuple[int, str]]] = {}
    places = []
    # a line without a row of a rule and column that also has rows listed continues them
    # (a capped list's "… and N more rows"): it comes after them
    records = [{k: (None if _missing(v) else v) for k, v in r.items()}
               for r in problems.to_dict("records")]
    with_rows = {(r["file"], r["rule"], r["column"]) for r in records if r["row"] is not None}
    for n, record in enumerate(records):
        file = "" if record["file"] is None else str(record["file"])
        ws = sheets.get(file) or folded.get(file.strip().casefold())
        if ws is None and only is not None and file in (delivery.name, delivery.stem):
            ws = only  # a CSV delivery: its one sheet
        place = _Place(record)
        if ws is not None:
            place.sheet = ws
            if ws.title not in headers:
                headers[ws.title] = _header_columns(ws, language)
            row = record["row"]
            place.row = int(row) if row is not None and int(row) >= 1 else None
            column = record["column"]
            found = (headers[ws.title].get(str(column)) or headers[ws.title].get(_fold(column))
                     if column is not None else None)
            if found is not None:
                place.column, place.label = found
            elif column is not None:
                place.label = str(column)
            if place.row is not None and place.column is None:
                place.column = 1  # the whole row: its first cell
            elif place.row is None and place.column is not None:
                place.row = spec.HEADER_ROW  # the whole column: its header
        index = book.worksheets.index(ws) if ws is not None else -1
        more = record["row"] is None and (
            record["file"], record["rule"], record["column"]) in with_rows
        place.order = (0 if record["severity"] == "error" else 1, index,
                       math.inf if more else place.row or 0, place.column or 0, n)
        places.append(place)
    return sorted(places, key=lambda p: p.order)


def _header_columns(ws: Any, language: str) -> dict[str, tuple[int, str]]:
    """Column name → (column number, label in ``language``) from the sheet's header row.

    A reporting sheet's headers are recognised by :func:`spec.column_of_header`; any other
    sheet's header must be the column's name (any case, spaces for underscores).
    """
    layout = spec.sheet_titled(ws.title)
    out: dict[str, tuple[int, str]] = {}
    for cell in next(ws.iter_rows(min_row=spec.HEADER_ROW, max_row=spec.HEADER_ROW), ()):
        text = "" if cell.value is None else str(cell.value)
        if not text.strip():
            continue
        if layout is not None:
            name = spec.column_of_header(layout, text)
            known = {c.name: c for c in layout.columns}
            label = known[name].label(language) if name in known else text.splitlines()[0]
        else:
            name, label = _fold(text), text.strip()
        if name and name not in out:
            out[name] = (cell.column, label)
    return out


def _fold(text: str) -> str:
    return "_".join(str(text).replace("-", " ").split()).casefold()


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


# --- marking ------------------------------------------------------------------------------------

def _message(problem: dict[str, Any], language: str) -> str:
    own, other = ("message_nb", "message_en") if language == "nb" else ("message_en", "message_nb")
    return str(problem[own] or problem[other] or "")


def _mark(places: list[_Place], language: str) -> None:
    t = _TEXT[language]
    by_cell: dict[tuple[str, int, int], list[_Place]] = {}
    for place in places:
        if place.sheet is not None and place.row is not None and place.column is not None:
            by_cell.setdefault((place.sheet.title, place.row, place.column), []).append(place)
    for marked in by_cell.values():
        ws = marked[0].sheet
        cell = ws.cell(marked[0].row, marked[0].column)
        errors = any(p.problem["severity"] == "error" for p in marked)
        cell.fill = ERROR_FILL if errors else WARNING_FILL
        lines = [_COMMENT_HEAD[language]]
        for p in marked:
            word = t["comment_error"] if p.problem["severity"] == "error" else t["comment_warning"]
            lines.append(f"{word}: {_message(p.problem, language)}")
        text = show_controls("\n".join(lines), keep="\n")
        if cell.comment is not None and cell.comment.text.strip():
            text = cell.comment.text.rstrip() + "\n\n" + text
        comment = Comment(text, AUTHOR)
        comment.width = 320
        comment.height = min(400, 40 + 16 * sum(math.ceil(len(line) / 45) for line in text.split("\n")))
        cell.comment = comment


def _feedback_sheet(book: Workbook, places: list[_Place], delivery: Path, language: str, *,
                    masked: int) -> None:
    t = _TEXT[language]
    ws = book.create_sheet(spec.FEEDBACK_TITLE[language], 0)
    for i, width in enumerate(_COLUMN_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    listed = problems_frame([p.problem for p in places])
    n_errors, n_warnings = count_problems(listed, "error"), count_problems(listed, "warning")
    put_text(ws.cell(1, 1), t["title"])
    ws.cell(1, 1).font = Font(name=FONT_NAME, size=14, bold=True)
    ws.row_dimensions[1].height = 22
    from ..present.text import plural  # the catalog's words (present.changes imports intake)

    counts = t["counts"].format(file=delivery.name,
                                errors=plural("cli.errors", n_errors, language),
                                warnings=plural("cli.warnings", n_warnings, language))
    advice = t["fix"] if n_errors else t["only_warnings"] if n_warnings else t["none"]
    if masked:
        advice += "\n" + t["masked"]
    for row, text, font in ((2, counts, Font(name=FONT_NAME, bold=True)),
                            (3, advice, Font(name=FONT_NAME))):
        put_text(ws.cell(row, 1), text)
        ws.cell(row, 1).font = font
        ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(_COLUMN_WIDTHS))
        ws.row_dimensions[row].height = row_height(text, sum(_COLUMN_WIDTHS))
    head_row = 5
    for i, word in enumerate(t["columns"], start=1):
        cell = ws.cell(head_row, i)
        put_text(cell, word)
        cell.font = Font(name=FONT_NAME, bold=True)
        cell.fill = HEADER_FILL
        cell.border = Border(bottom=Side(style="thin", color="FFA6A6A6"))
    top = Alignment(vertical="top", wrap_text=True)
    for r, place in enumerate(places, start=head_row + 1):
        p = place.problem
        error = p["severity"] == "error"
        coordinate = (f"{get_column_letter(place.column)}{place.row}"
                      if place.row is not None and place.column is not None else "")
        values = (place.sheet.title if place.sheet is not None else (p["file"] or ""),
                  coordinate, place.label or (p["column"] or ""), p["value"] or "",
                  t["error"] if error else t["warning"], _message(p, language))
        for i, value in enumerate(values, start=1):
            cell = ws.cell(r, i)
            put_text(cell, str(value))
            cell.alignment = top
            cell.font = Font(name=FONT_NAME)
        ws.cell(r, 5).fill = ERROR_FILL if error else WARNING_FILL
        if coordinate:
            link = ws.cell(r, 2)
            target = f"{quoted_title(place.sheet.title)}!{coordinate}"
            link.hyperlink = Hyperlink(ref=link.coordinate, location=target,
                                       display=coordinate)
            link.font = Font(name=FONT_NAME, color="FF0563C1", underline="single")
        ws.row_dimensions[r].height = max(row_height(values[5], _COLUMN_WIDTHS[5]),
                                          row_height(values[3], _COLUMN_WIDTHS[3]))
    ws.freeze_panes = ws.cell(head_row + 1, 1).coordinate
    if places:
        ws.auto_filter.ref = f"A{head_row}:{get_column_letter(len(_COLUMN_WIDTHS))}{head_row + len(places)}"
    ws.print_title_rows = f"{head_row}:{head_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for other in book.worksheets:  # open on the list, with no other tab selected
        other.sheet_view.tabSelected = other is ws
    book.active = 0


