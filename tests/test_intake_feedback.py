"""The feedback workbook (pilot_eval.intake.feedback): marks at exactly the problem cells."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from pilot_eval.errors import UsageError, problems_frame
from pilot_eval.intake import spec
from pilot_eval.intake.feedback import ERROR_FILL, WARNING_FILL, write_feedback
from pilot_eval.intake.template import write_template
from tests.conftest import MINIMAL

RED, YELLOW = ERROR_FILL.fgColor.rgb, WARNING_FILL.fgColor.rgb


def _problem(file, row, column, severity, nb, value=None, en=None):
    return {"file": file, "row": row, "column": column, "value": value, "severity": severity,
            "rule": "test", "message_nb": nb, "message_en": en or f"EN {nb}", "pilot_id": "lekse"}


PROBLEMS = problems_frame([
    _problem("Deltakere", 4, "enrolled_on", "error", "Ikke en dato.", "31.02.2025"),
    _problem("Deltakere", 4, "enrolled_on", "warning", "Utenfor perioden."),
    _problem("Deltakere", 4, "gender", "error", "Ikke i listen.", "hest"),
    _problem("Deltakere", 5, "birth_year", "warning", "Uvanlig år.", "1901"),
    _problem("Kostnader", 3, None, "warning", "Gjelder et rapportert kvartal."),  # whole row
    _problem("Oppmøte", None, "hours", "error", "Kolonnen mangler tall."),  # whole column
    _problem("Deltakere", None, None, "error", "D-017 fra forrige leveranse mangler."),
    _problem("levering.xlsx", None, None, "warning", "Hele filen.", "=1+1"),
])
#: (sheet, cell) → fill colour and the messages its comment holds
EXPECTED = {
    ("Deltakere", "B4"): (RED, ["Feil: Ikke en dato.", "Advarsel: Utenfor perioden."]),
    ("Deltakere", "F4"): (RED, ["Feil: Ikke i listen."]),
    ("Deltakere", "E5"): (YELLOW, ["Advarsel: Uvanlig år."]),
    ("Kostnader", "A3"): (YELLOW, ["Advarsel: Gjelder et rapportert kvartal."]),
    ("Oppmøte", "C1"): (RED, ["Feil: Kolonnen mangler tall."]),
}


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A filled delivery of 'lekse' with mistakes in rows 4 and 5 of the participants."""
    rows = {
        "participants": pd.DataFrame({
            "participant_id": ["D-001", "=HYPERLINK(\"http://x\")", "D-003"],
            "enrolled_on": [pd.Timestamp("2025-03-01"), "31.02.2025", "2025-04-01"],
            "gender": ["female", "hest", "male"],
            "birth_year": [2012, 2013, 1901],
        }),
        "sessions": pd.DataFrame({"participant_id": ["D-001"], "date": ["2025-03-03"],
                                  "hours": [2.0]}),
        "costs": pd.DataFrame({"date": ["2025-03-31"], "funder": ["fund"], "in_kind": [False],
                               "amount_nok": [12000]}),
    }
    return write_template(MINIMAL, "lekse", tmp_path_factory.mktemp("d") / "levering.xlsx",
                          rows=rows, today=dt.date(2025, 4, 2))


def _marks(path: Path) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """Every cell filled red or yellow or carrying a feedback comment, on the data sheets."""
    book = load_workbook(path)
    out = {}
    for ws in book.worksheets[1:]:
        for row in ws.iter_rows():
            for cell in row:
                fill = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type else None
                comment = cell.comment.text if cell.comment else ""
                if fill in (RED, YELLOW) or "▶" in comment:
                    lines = comment[comment.index("▶"):].split("\n")[1:] if "▶" in comment else []
                    out[(ws.title, cell.coordinate)] = (fill, lines)
    return out


def test_marks_exactly_the_problem_cells(delivery: Path, tmp_path: Path) -> None:
    before = hashlib.sha256(delivery.read_bytes()).hexdigest()
    out = write_feedback(delivery, PROBLEMS, tmp_path / "tilbakemelding.xlsx")
    assert out == tmp_path / "tilbakemelding.xlsx"
    assert _marks(out) == EXPECTED
    assert hashlib.sha256(delivery.read_bytes()).hexdigest() == before  # the delivery untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tilbakemelding.xlsx"]
    # the copy is still a reporting workbook: pilot, lists, validation, rows, protection
    copy, original = load_workbook(out), load_workbook(delivery)
    (title, cell), = list(copy.defined_names[spec.PILOT_NAME].destinations)
    assert copy[title][cell.replace("$", "")].value == "lekse"
    assert copy[spec.INSTRUCTIONS_TITLE["nb"]].protection.sheet
    assert copy[spec.LISTS_TITLE["nb"]].sheet_state == "hidden"
    for name in original.sheetnames:
        a, b = original[name], copy[name]
        assert [[c.value for c in r] for r in a.iter_rows()] == [[c.value for c in r] for r in b.iter_rows()]
        assert [(str(v.sqref), v.type, v.formula1) for v in a.data_validations.dataValidation] == \
               [(str(v.sqref), v.type, v.formula1) for v in b.data_validations.dataValidation]


def test_a_capped_list_is_counted_whole(delivery: Path, tmp_path: Path) -> None:
    """A line "… and 30 more rows" stands for 30 errors in the sheet's count."""
    capped = problems_frame([*PROBLEMS.to_dict("records"),
                             {**_problem("Deltakere", None, "gender", "error",
                                         "… og 30 rader til med samme problem."), "count": 30}])
    ws = load_workbook(write_feedback(delivery, capped, tmp_path / "f.xlsx")).worksheets[0]
    assert ws["A2"].value == "Leveransen «levering.xlsx» har 34 feil og 4 advarsler."

    many = capped.assign(count=capped["count"].where(capped["count"] == 1, 48_464))
    ws = load_workbook(write_feedback(delivery, many, tmp_path / "g.xlsx")).worksheets[0]
    assert ws["A2"].value == "Leveransen «levering.xlsx» har 48\xa0468 feil og 4 advarsler."
    one = PROBLEMS[PROBLEMS["severity"] == "warning"].head(1)
    ws = load_workbook(write_feedback(delivery, one, tmp_path / "h.xlsx", language="en")).worksheets[0]
    assert ws["A2"].value.endswith("has 0 errors and 1 warning.")


def test_the_list_comes_first_with_links_to_the_cells(delivery: Path, tmp_path: Path) -> None:
    book = load_workbook(write_feedback(delivery, PROBLEMS, tmp_path / "f.xlsx"))
    ws = book.worksheets[0]
    assert ws.title == spec.FEEDBACK_TITLE["nb"]
    assert book.sheetnames[1:] == load_workbook(delivery).sheetnames
    assert [w.sheet_view.tabSelected for w in book.worksheets] == [True] + [False] * (len(book.worksheets) - 1)
    assert ws["A2"].value == "Leveransen «levering.xlsx» har 4 feil og 4 advarsler."
    assert "send den på nytt" in ws["A3"].value
    assert [c.value for c in ws[5]] == ["Ark", "Celle", "Kolonne", "Verdi", "Alvorlighet", "Melding"]
    listed = [[c.value for c in row] for row in ws.iter_rows(min_row=6)]
    assert listed == [  # errors first, then by sheet, row and column
        ["Deltakere", None, None, None, "feil", "D-017 fra forrige leveranse mangler."],
        ["Deltakere", "B4", "Startet", "31.02.2025", "feil", "Ikke en dato."],
        ["Deltakere", "F4", "Kjønn", "hest", "feil", "Ikke i listen."],
        ["Oppmøte", "C1", "Timer", None, "feil", "Kolonnen mangler tall."],
        ["levering.xlsx", None, None, "=1+1", "advarsel", "Hele filen."],
        ["Deltakere", "B4", "Startet", None, "advarsel", "Utenfor perioden."],
        ["Deltakere", "E5", "Fødselsår", "1901", "advarsel", "Uvanlig år."],
        ["Kostnader", "A3", None, None, "advarsel", "Gjelder et rapportert kvartal."],
    ]
    assert ws["D10"].data_type == "s"  # a value that looks like a formula stays text
    links = {c.value: c.hyperlink.location for row in ws.iter_rows(min_row=6, max_col=2)
             for c in row if c.hyperlink is not None}
    assert links == {"B4": "'Deltakere'!B4", "F4": "'Deltakere'!F4", "C1": "'Oppmøte'!C1",
                     "E5": "'Deltakere'!E5", "A3": "'Kostnader'!A3"}
    assert ws.freeze_panes == "A6"


def test_english_messages(delivery: Path, tmp_path: Path) -> None:
    out = write_feedback(delivery, PROBLEMS, tmp_path / "f.xlsx", language="en")
    book = load_workbook(out)
    ws = book.worksheets[0]
    assert ws.title == "Feedback"
    assert ws["A2"].value == "The delivery 'levering.xlsx' has 4 errors and 4 warnings."
    assert [c.value for c in ws[7]][4:] == ["error", "EN Ikke en dato."]
    assert "Error: EN Ikke en dato." in book["Deltakere"]["B4"].comment.text


def test_a_feedback_copy_sent_again_loses_the_earlier_marks(delivery: Path, tmp_path: Path) -> None:
    first = write_feedback(delivery, PROBLEMS, tmp_path / "first.xlsx")
    again = problems_frame([
        _problem("Deltakere", 2, "participant_id", "error", "Eksempelet er endret."),
        _problem("Deltakere", 5, "gender", "warning", "Sjekk."),
    ])
    second = write_feedback(first, again, tmp_path / "second.xlsx")
    assert _marks(second) == {("Deltakere", "A2"): (RED, ["Feil: Eksempelet er endret."]),
                              ("Deltakere", "F5"): (YELLOW, ["Advarsel: Sjekk."])}
    book = load_workbook(second)
    assert book.sheetnames.count(spec.FEEDBACK_TITLE["nb"]) == 1
    ws = book["Deltakere"]
    # the template's own comment and fills are kept under the marks
    assert ws["A2"].comment.text.startswith("Dette er et eksempel.")
    assert ws["B2"].fill.fgColor.rgb == "FFF2F2F2"
    assert ws["B4"].fill.fill_type is None and ws["B4"].comment is None
    assert book["Oppmøte"]["C1"].fill.fgColor.rgb == "FFDDEBF7"  # the header's colour back
    third = write_feedback(second, problems_frame(), tmp_path / "third.xlsx")
    assert _marks(third) == {}
    assert load_workbook(third)["Deltakere"]["A2"].comment.text.startswith("Dette er et eksempel.")
    assert load_workbook(third).worksheets[0]["A2"].value.endswith("har 0 feil og 0 advarsler.")


def test_csv_delivery_becomes_a_marked_workbook(tmp_path: Path) -> None:
    csv = tmp_path / "deltakere.csv"
    csv.write_text("participant_id;enrolled_on;gender\nD-001;01.03.2025;female\n"
                   "D-002;31.02.2025;hest\n\nD-004;01.04.2025;male\n", encoding="utf-8")
    problems = problems_frame([
        _problem("deltakere.csv", 3, "enrolled_on", "error", "Ikke en dato."),
        _problem("deltakere.csv", 5, "Gender", "warning", "Sjekk kjønn."),
        _problem("deltakere.csv", 5, None, "warning", "Hele raden."),
    ])
    out = write_feedback(csv, problems, tmp_path / "f.xlsx")
    book = load_workbook(out)
    assert book.sheetnames == ["Tilbakemelding", "deltakere"]
    ws = book["deltakere"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["participant_id", "enrolled_on", "gender"],
        ["D-001", "01.03.2025", "female"],
        ["D-002", "31.02.2025", "hest"],
        [None, None, None],  # the blank line keeps its place: rows are the file's rows
        ["D-004", "01.04.2025", "male"],
    ]
    assert _marks(out) == {("deltakere", "B3"): (RED, ["Feil: Ikke en dato."]),
                           ("deltakere", "C5"): (YELLOW, ["Advarsel: Sjekk kjønn."]),
                           ("deltakere", "A5"): (YELLOW, ["Advarsel: Hele raden."])}


def test_an_unreadable_delivery_still_gets_the_list(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    problems = problems_frame([_problem("broken.xlsx", None, None, "error", "Kan ikke leses.")])
    book = load_workbook(write_feedback(broken, problems, tmp_path / "f.xlsx"))
    assert book.sheetnames == ["Tilbakemelding"]
    assert book.worksheets[0]["F6"].value == "Kan ikke leses."


def test_usage_errors(delivery: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="overwrite the delivery"):
        write_feedback(delivery, PROBLEMS, delivery)
    with pytest.raises(UsageError, match=r"\.xlsx"):
        write_feedback(delivery, PROBLEMS, tmp_path / "f.csv")
    with pytest.raises(UsageError, match="language"):
        write_feedback(delivery, PROBLEMS, tmp_path / "f.xlsx", language="sv")


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_feedback(delivery: Path, tmp_path: Path) -> None:
    out = write_feedback(delivery, PROBLEMS, tmp_path / "f.xlsx")
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "f.pdf").stat().st_size > 10_000


def test_identity_numbers_are_not_sent_back(tmp_path: Path) -> None:
    # synthetic test numbers (month + 80) with valid check digits, see tests/test_privacy.py
    rows = {"participants": pd.DataFrame({"participant_id": ["01819010192", "D-002"],
                                          "enrolled_on": ["2025-03-01", "2025-03-02"]}),
            "costs": pd.DataFrame({"date": ["2025-03-31"], "funder": ["fund"],
                                   "amount_nok": [100],
                                   "description": ["Refusjon til 018190 10273"]})}
    delivery = write_template(MINIMAL, "lekse", tmp_path / "d.xlsx", rows=rows,
                              today=dt.date(2025, 4, 2))
    problems = problems_frame([_problem("Deltakere", 3, "participant_id", "error",
                                        "«01819010192» er et fødselsnummer.", "01819010192")])
    book = load_workbook(write_feedback(delivery, problems, tmp_path / "f.xlsx"))
    assert book["Deltakere"]["A3"].value == "*" * 11
    assert book["Deltakere"]["A4"].value == "D-002"
    assert book["Kostnader"]["E3"].value == "Refusjon til ****** *****"
    listed = [c.value for c in book.worksheets[0][6]]
    assert listed[3] == "*" * 11 and "01819010192" not in listed[5]
    assert "stjerner" in book.worksheets[0]["A3"].value
    assert "01819010192" in str(load_workbook(delivery)["Deltakere"]["A3"].value)  # as it came
