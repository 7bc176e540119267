"""The reporting workbook (pilot_eval.intake.template), read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

import pilot_eval as pe
from pilot_eval.errors import UsageError
from pilot_eval.intake import spec
from pilot_eval.intake.template import (
    VALIDATED_TO_ROW,
    delivery_dates,
    list_name,
    next_delivery,
    write_template,
)
from tests.conftest import MINIMAL

TODAY = dt.date(2025, 7, 5)


@pytest.fixture(scope="module")
def lekse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal folder's 'lekse' workbook (every sheet, rows already delivered)."""
    return write_template(MINIMAL, "lekse", tmp_path_factory.mktemp("tpl") / "lekse.xlsx",
                          today=TODAY)


def _list_words(book, formula: str) -> list[str]:
    """The words of a list validation: a workbook-level name of a range on the lists sheet."""
    assert formula == list_name(formula.removeprefix("Liste_"))
    (sheet, cells), = list(book.defined_names[formula].destinations)
    assert sheet in spec.LISTS_TITLE.values() and sheet == book.sheetnames[-1]
    min_col, min_row, max_col, max_row = range_boundaries(cells.replace("$", ""))
    ws = book[sheet]
    return [ws.cell(r, min_col).value for r in range(min_row, max_row + 1)]


def _validations(ws, until: int = VALIDATED_TO_ROW) -> dict[str, object]:
    """Column name → the data validation covering its rows 3 … ``until``."""
    out = {}
    names = {cell.column_letter: spec.column_of_header(spec.sheet_titled(ws.title), cell.value)
             for cell in ws[spec.HEADER_ROW]}
    for dv in ws.data_validations.dataValidation:
        ranges = str(dv.sqref).split()
        assert len(ranges) == 1
        min_col, min_row, max_col, max_row = range_boundaries(ranges[0])
        assert (min_col, min_row, max_row) == (max_col, spec.FIRST_DATA_ROW, until)
        out[names[ws.cell(1, min_col).column_letter]] = dv
    return out


def test_sheets_in_order_with_instructions_first_and_lists_hidden(lekse: Path) -> None:
    book = load_workbook(lekse)
    assert book.sheetnames == ["Veiledning", "Deltakere", "Oppmøte", "Kostnader", "Resultater",
                               "Lister"]
    assert book.worksheets[0].protection.sheet is True
    assert book.worksheets[0].protection.password is None
    assert book[spec.LISTS_TITLE["nb"]].sheet_state == "hidden"
    assert all(book[s].sheet_state == "visible" for s in book.sheetnames[:-1])


def test_only_the_sheets_the_pilot_uses(tmp_path: Path, minimal_copy) -> None:
    # jobb has no primary measure and no outcome rows: no outcomes sheet
    book = load_workbook(write_template(MINIMAL, "jobb", tmp_path / "jobb.xlsx", today=TODAY))
    assert book.sheetnames == ["Veiledning", "Deltakere", "Oppmøte", "Kostnader", "Lister"]
    # a folder without attendance: no attendance sheet
    folder = minimal_copy()
    (folder / "sessions.csv").unlink()
    book = load_workbook(write_template(folder, "lekse", tmp_path / "x.xlsx", today=TODAY))
    assert book.sheetnames == ["Veiledning", "Deltakere", "Kostnader", "Resultater", "Lister"]


def test_pilot_id_is_a_defined_name_on_the_locked_instructions(lekse: Path) -> None:
    book = load_workbook(lekse)
    name = book.defined_names[spec.PILOT_NAME]
    assert name.attr_text.startswith("'Veiledning'!$")
    (title, coordinate), = list(name.destinations)
    assert title == "Veiledning"
    assert book[title][coordinate.replace("$", "")].value == "lekse"
    props = book.custom_doc_props
    assert [(p.name, p.value) for p in props] == [(spec.PILOT_NAME, "lekse")]
    assert book.properties.creator == "pilot_eval"
    assert book.properties.language == "nb-NO"


def test_instructions_carry_the_pilots_facts_and_the_rules(lekse: Path) -> None:
    ws = load_workbook(lekse)["Veiledning"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    for fact in ("Leksehjelp Øst", "Læringsløftet AS", "01.02.2025 – 31.12.2026",
                 "1\u00a0500\u00a0000\u00a0kr", "Testavtale", "Testkommune"):
        assert fact in text
    assert "30.06.2025" in text and "14.07.2025" in text  # the next quarter and its deadline
    assert "fødselsnummer" in text and "D-nummer" in text and "pseudonym" in text
    assert "dd.mm.åååå" in text and "uten «kr»" in text
    assert "Rad 2" in text and "behold alle rader" in text
    for sheet in spec.SHEETS:  # one paragraph per sheet and a line per column
        assert sheet.about_nb in text
        for column in sheet.columns:
            assert column.help_nb in text
    assert "Trivsel, skala 0–40 poeng" in text


def test_validation_lists_come_from_the_hidden_sheet(lekse: Path) -> None:
    book = load_workbook(lekse)
    participants = _validations(book["Deltakere"])
    expected = {"gender": ["jente/kvinne", "gutt/mann", "annet", "ukjent"],
                "exit_reason": ["fullført", "avbrutt", "flyttet", "annet"],
                "area": ["Bekkestua", "Sandvika"]}  # the population has only 'all'
    for column, words in expected.items():
        dv = participants[column]
        assert dv.type == "list"
        assert _list_words(book, dv.formula1) == words
    assert participants["area"].errorStyle == "warning"  # another area may be typed
    assert participants["gender"].errorStyle in (None, "stop")
    outcomes = _validations(book["Resultater"])
    assert _list_words(book, outcomes["measure"].formula1) == ["trivsel"]
    assert _list_words(book, outcomes["group"].formula1) == ["deltaker", "sammenligning"]
    assert _list_words(book, outcomes["timepoint"].formula1) == ["før", "etter"]
    costs = _validations(book["Kostnader"])
    assert _list_words(book, costs["funder"].formula1) == [
        "fondet", "kommunen", "Ferd", "entreprenøren", "andre"]
    assert _list_words(book, costs["in_kind"].formula1) == ["nei", "ja"]
    assert _list_words(book, costs["cost_type"].formula1) == ["oppstart", "fast", "variabel"]
    assert costs["cost_type"].errorStyle in (None, "stop")


def test_validation_types_and_bounds(lekse: Path) -> None:
    book = load_workbook(lekse)
    participants = _validations(book["Deltakere"])
    assert (participants["enrolled_on"].type, participants["enrolled_on"].operator) == ("date", "between")
    assert (participants["enrolled_on"].formula1, participants["enrolled_on"].formula2) == ("1", "73415")
    assert (participants["birth_year"].type, participants["birth_year"].formula1,
            participants["birth_year"].formula2) == ("whole", "1900", "2100")
    assert participants["participant_id"].type == "custom"
    assert "LEN(A3)" in participants["participant_id"].formula1
    hours = _validations(book["Oppmøte"])["hours"]
    assert (hours.type, float(hours.formula1), float(hours.formula2)) == ("decimal", 0.01, 24)
    amount = _validations(book["Kostnader"])["amount_nok"]
    assert amount.type == "decimal" and float(amount.formula1) < 0 < float(amount.formula2)
    value = _validations(book["Resultater"])["value"]
    assert (value.type, value.formula1, value.formula2) == ("decimal", "0", "40")  # trivsel's scale
    for ws in book.worksheets[1:-1]:
        for dv in ws.data_validations.dataValidation:
            assert dv.showErrorMessage and dv.error and dv.errorTitle == "Ugyldig verdi"
            assert dv.prompt and len(dv.prompt) <= 255 and len(dv.promptTitle) <= 32


def test_headers_formats_and_frozen_panes(lekse: Path) -> None:
    book = load_workbook(lekse)
    for sheet in spec.SHEETS:
        ws = book[sheet.title("nb")]
        assert [c.value for c in ws[spec.HEADER_ROW]] == [spec.header_text(c, "nb")
                                                         for c in sheet.columns]
        assert ws.freeze_panes == "A3"
        for i, column in enumerate(sheet.columns, start=1):
            assert ws.column_dimensions[ws.cell(1, i).column_letter].width == column.width
    ws = book["Deltakere"]
    assert ws["B3"].number_format == "DD.MM.YYYY" and ws["E3"].number_format == "0"
    assert book["Kostnader"]["D3"].number_format == "#,##0"
    assert book["Oppmøte"]["C3"].number_format == "0.0#"
    assert ws.column_dimensions["B"].number_format == "DD.MM.YYYY"  # rows typed later too


def test_example_row_is_spec_example_values(lekse: Path) -> None:
    book = load_workbook(lekse)
    inputs = {"measure": "trivsel", "area": "Bekkestua", "value": 20}
    for sheet in spec.SHEETS:
        ws = book[sheet.title("nb")]
        expected = spec.example_values(sheet, "nb", **inputs)
        read = {c.name: ws.cell(spec.EXAMPLE_ROW, i).value
                for i, c in enumerate(sheet.columns, start=1)}
        assert {k: (v.date() if isinstance(v, dt.datetime) else v) for k, v in read.items()} == expected
        assert spec.is_example(sheet, read)
        first = ws.cell(spec.EXAMPLE_ROW, 1)
        assert first.font.i and first.fill.fgColor.rgb == "FFF2F2F2"
        assert "eksempel" in first.comment.text
    assert book["Kostnader"]["B2"].value == "fondet"  # a list word, not the code 'fund'


def _read_back(path: Path, sheet: spec.SheetSpec, language: str = "nb") -> list[dict]:
    """Rows 3 … of a sheet in the data folder's terms (codes, booleans, dates, floats)."""
    ws = load_workbook(path)[sheet.title(language)]
    records = []
    for values in ws.iter_rows(min_row=spec.FIRST_DATA_ROW, values_only=True):
        record = {}
        for column, value in zip(sheet.columns, values):
            if column.kind == "choice" and value is not None:
                value = spec.choice_code(column.name, value)
                value = {"true": True, "false": False}.get(value, value)
            record[column.name] = _plain(value)
        records.append(record)
    return records


def _plain(value):
    """One cell value in a comparable form: None, date, float or str."""
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.date() if hasattr(value, "date") else value
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        return float(value)
    return str(value)


def test_delivered_rows_are_the_folders_rows_of_the_pilot(lekse: Path, ds: pe.Dataset) -> None:
    assert "costs.cost_type" not in ds.columns_present
    for sheet in spec.SHEETS:
        folder = ds.table(sheet.table)
        folder = folder.loc[folder["pilot_id"].astype(str) == "lekse", [c.name for c in sheet.columns]]
        want = [{k: _plain(v) for k, v in record.items()}
                for record in folder.astype(object).to_dict("records")]
        if sheet.table == "costs":  # the folder has no cost types: the cells stay empty
            want = [{**record, "cost_type": None} for record in want]
        read = _read_back(lekse, sheet)
        assert len(read) == len(want) > 0
        assert read == want, sheet.table


def test_a_folders_cost_types_are_written_as_list_words(tmp_path: Path, minimal_copy) -> None:
    folder = minimal_copy()
    path = folder / "costs.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    types = ["start_up", "fixed", "", "variable", "fixed", "variable"]  # one left empty
    path.write_text("\n".join([lines[0] + ",cost_type"]
                              + [f"{line},{t}" for line, t in zip(lines[1:], types)]) + "\n",
                    encoding="utf-8")
    for language, words in (("nb", ["oppstart", "fast", "variabel", "variabel"]),
                            ("en", ["start-up", "fixed", "variable", "variable"])):
        book = load_workbook(write_template(folder, "lekse", tmp_path / f"{language}.xlsx",
                                            language=language, today=TODAY))
        ws = book[spec.sheet_for("costs").title(language)]
        column = [c.name for c in spec.sheet_for("costs").columns].index("cost_type") + 1
        assert ws.cell(spec.HEADER_ROW, column).value.endswith("\ncost_type")
        # the example says 'variable' in the workbook's language
        assert ws.cell(spec.EXAMPLE_ROW, column).value == words[-1]
        # lekse's four rows: the empty cell was read as the default, variable
        assert [ws.cell(r, column).value for r in range(3, 7)] == words


def test_given_rows_are_written_exactly_mistakes_included(tmp_path: Path) -> None:
    rows = {"participants": pd.DataFrame({
        "pilot_id": ["lekse"] * 3,
        "participant_id": ["D-001", "=HYPERLINK(\"http://x\")", "D-003"],
        "enrolled_on": [pd.Timestamp("2025-03-01"), "31.02.2025", "01.04.2025"],
        "gender": ["female", "hest", None],
        "birth_year": [2012, "tolv", None],
    })}
    path = write_template(MINIMAL, "lekse", tmp_path / "d.xlsx", rows=rows, today=TODAY)
    book = load_workbook(path)
    ws = book["Deltakere"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=3, max_col=7)] == [
        ["D-001", dt.datetime(2025, 3, 1), None, None, 2012, "jente/kvinne", None],
        ["=HYPERLINK(\"http://x\")", "31.02.2025", None, None, "tolv", "hest", None],
        ["D-003", dt.datetime(2025, 4, 1), None, None, None, None, None],
    ]
    assert ws["A4"].data_type == "s"  # a text that looks like a formula stays text
    # sheets without given rows keep only their example
    assert book["Kostnader"].max_row == spec.EXAMPLE_ROW
    with pytest.raises(UsageError, match="jobb"):
        write_template(MINIMAL, "lekse", tmp_path / "e.xlsx", today=TODAY,
                       rows={"costs": pd.DataFrame({"pilot_id": ["jobb"], "amount_nok": [1]})})
    with pytest.raises(UsageError, match="measures"):
        write_template(MINIMAL, "lekse", tmp_path / "e.xlsx", rows={"measures": pd.DataFrame()})


def test_given_outcome_rows_bring_their_sheet_and_measure(tmp_path: Path) -> None:
    rows = {"outcomes": pd.DataFrame({"participant_id": ["p-06"], "group": ["pilot"],
                                      "measure": ["trivsel"], "timepoint": ["followup"],
                                      "measured_on": ["2026-01-15"], "value": [22.0]})}
    book = load_workbook(write_template(MINIMAL, "jobb", tmp_path / "j.xlsx", rows=rows,
                                        today=TODAY))
    ws = book["Resultater"]
    assert [c.value for c in ws[3]][:6] == ["p-06", "deltaker", "trivsel", "etter",
                                           dt.datetime(2026, 1, 15), 22]


def test_empty_workbook_without_delivered_rows(tmp_path: Path) -> None:
    book = load_workbook(write_template(MINIMAL, "lekse", tmp_path / "e.xlsx",
                                        include_delivered=False, today=TODAY))
    assert all(ws.max_row == spec.EXAMPLE_ROW for ws in book.worksheets[1:-1])


def test_english_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_template(MINIMAL, "lekse", language="en", today=TODAY)
    assert path == Path("lekse-reporting.xlsx") and path.is_file()
    book = load_workbook(path)
    assert book.sheetnames == ["Instructions", "Participants", "Attendance", "Costs", "Outcomes",
                               "Lists"]
    assert _list_words(book, _validations(book["Participants"])["gender"].formula1) == [
        "female", "male", "other", "unknown"]
    assert book["Costs"]["B2"].value == "the fund"
    # the example row in English too: no Norwegian word in an English workbook
    assert book["Participants"]["A2"].value == book["Attendance"]["A2"].value == "EXAMPLE"
    assert book["Costs"]["E2"].value == "Example: project manager's salary, February"
    assert book.properties.language == "en-GB"
    text = " ".join(str(c.value) for row in book["Instructions"].iter_rows() for c in row if c.value)
    assert "NOK\u00a01,500,000" in text and "national identity numbers" in text
    assert write_template(MINIMAL, "jobb", today=TODAY) == Path("jobb-rapportering.xlsx")


def test_usage_errors(tmp_path: Path, minimal_copy) -> None:
    with pytest.raises(UsageError, match="lekse, jobb"):
        write_template(MINIMAL, "nope", tmp_path / "x.xlsx")
    with pytest.raises(UsageError, match="language"):
        write_template(MINIMAL, "lekse", tmp_path / "x.xlsx", language="de")
    with pytest.raises(UsageError, match=r"\.xlsx"):
        write_template(MINIMAL, "lekse", tmp_path / "x.csv")
    folder = minimal_copy()
    (folder / "pilots.csv").write_text("pilot_id,name\n", encoding="utf-8")
    with pytest.raises(UsageError, match="pilot-eval validate"):
        write_template(folder, "lekse", tmp_path / "x.xlsx")
    assert not list(tmp_path.glob("*.xlsx")) and not list(tmp_path.glob(".*"))


def test_same_day_same_bytes_and_no_temporary_files(tmp_path: Path) -> None:
    a = write_template(MINIMAL, "lekse", tmp_path / "a.xlsx", today=TODAY)
    b = write_template(MINIMAL, "lekse", tmp_path / "b.xlsx", today=TODAY)
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx"]


@pytest.mark.parametrize(("today", "expected"), [
    (dt.date(2024, 12, 1), (dt.date(2025, 3, 31), dt.date(2025, 4, 14))),  # before the start
    (dt.date(2025, 4, 14), (dt.date(2025, 3, 31), dt.date(2025, 4, 14))),  # the last day
    (dt.date(2025, 4, 15), (dt.date(2025, 6, 30), dt.date(2025, 7, 14))),
    (dt.date(2026, 10, 20), (dt.date(2026, 11, 15), dt.date(2026, 11, 29))),  # the pilot's end
    (dt.date(2026, 11, 30), None),
])
def test_next_delivery(today: dt.date, expected) -> None:
    assert next_delivery(dt.date(2025, 2, 1), dt.date(2026, 11, 15), today) == expected


def test_delivery_dates_end_on_the_pilots_last_day() -> None:
    assert delivery_dates(dt.date(2025, 1, 1), dt.date(2025, 6, 30)) == [
        dt.date(2025, 3, 31), dt.date(2025, 6, 30)]
    assert delivery_dates(dt.date(2025, 5, 1), dt.date(2025, 5, 20)) == [dt.date(2025, 5, 20)]


def test_instructions_when_the_pilot_is_over(tmp_path: Path) -> None:
    ws = load_workbook(write_template(MINIMAL, "lekse", tmp_path / "x.xlsx",
                                      today=dt.date(2027, 3, 1)))["Veiledning"]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "sluttet 31.12.2026" in text and "14.01.2027" in text


def test_example_values_and_is_example() -> None:
    costs = spec.sheet_for("costs")
    values = spec.example_values(costs, "nb")
    assert values == {"date": dt.date(2025, 2, 28), "funder": "fondet", "in_kind": "nei",
                      "amount_nok": 12500, "description": "Eksempel: lønn prosjektleder februar",
                      "cost_type": "variabel"}
    # as read back: datetimes, floats, text; English words; the other language's words
    english = {"date": dt.datetime(2025, 2, 28), "funder": "the fund", "in_kind": "no",
               "amount_nok": 12500.0, "description": "Eksempel: lønn prosjektleder februar",
               "cost_type": "variable"}
    assert spec.is_example(costs, english)
    assert not spec.is_example(costs, {**english, "cost_type": "fixed"})
    # a workbook made before the sheet had a cost type: its example is still the example
    assert spec.is_example(costs, {k: v for k, v in english.items() if k != "cost_type"})
    # an English workbook now has an English description (before, the Norwegian one)
    assert spec.is_example(costs, spec.example_values(costs, "en"))
    assert spec.example_values(costs, "en")["description"].startswith("Example")
    assert spec.is_example(costs, {**values, "date": "2025-02-28", "amount_nok": "12500"})
    assert not spec.is_example(costs, {**values, "amount_nok": 12000})
    assert not spec.is_example(costs, {**values, "funder": "the fund"})  # languages mixed
    outcomes = spec.sheet_for("outcomes")
    example = spec.example_values(outcomes, "en", measure="trivsel", value=20)
    assert example["measure"] == "trivsel" and example["value"] == 20
    assert example["group"] == "participant" and example["timepoint"] == "baseline"
    # the measure, area and value come from the folder, which grows: not compared
    assert spec.is_example(outcomes, {**example, "measure": "mestring", "value": 27})
    assert not spec.is_example(outcomes, {**example, "participant_id": "D-017"})


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _convert(path: Path, to: str, out: Path) -> subprocess.CompletedProcess:
    profile = (out / "profile").as_uri()
    return subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", to, "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_workbook(lekse: Path, tmp_path: Path) -> None:
    done = _convert(lekse, "pdf", tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "lekse.pdf").stat().st_size > 10_000
    # saved again by LibreOffice, the lists, the defined name and the example survive
    again = tmp_path / "again"
    again.mkdir()
    done = _convert(lekse, "xlsx:Calc MS Excel 2007 XML", again)
    assert done.returncode == 0, done.stderr
    book = load_workbook(again / "lekse.xlsx")
    (title, coordinate), = list(book.defined_names[spec.PILOT_NAME].destinations)
    assert book[title][coordinate.replace("$", "")].value == "lekse"
    # LibreOffice cuts the validated range to the rows it shows (to 1007 in 7.4); intake
    # checks every row anyway
    ws = book["Deltakere"]
    until = range_boundaries(str(ws.data_validations.dataValidation[0].sqref))[3]
    assert until >= 1000
    assert _list_words(book, _validations(ws, until)["gender"].formula1)[0] == "jente/kvinne"
    assert book["Deltakere"]["A2"].value == "EKSEMPEL"
