"""Reading files as people produce them: CSV flavours, XLSX, Parquet; atomic writers."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pilot_eval as pe
from pilot_eval.io import (
    atomic_directory,
    atomic_write_text,
    read_table,
    read_toml,
    toml_key_lines,
)
from pilot_eval.schema import parse_bool, parse_date, parse_number
from tests.conftest import DATA, MINIMAL

TABLES = ("pilots", "costs", "participants", "sessions", "measures", "outcomes", "population")


@pytest.fixture(scope="module")
def reference() -> pe.Dataset:
    return pe.load_dataset(MINIMAL)


@pytest.mark.parametrize("flavour", ["semicolon_cp1252", "bom_semicolon", "xlsx"])
def test_flavours_give_the_same_dataset(flavour: str, reference: pe.Dataset) -> None:
    folder = DATA / "flavours" / flavour
    assert pe.validate(folder).empty
    ds = pe.load_dataset(folder)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(ds, name), getattr(reference, name), obj=name)
    assert ds.as_of_date == reference.as_of_date


def test_parquet_gives_the_same_dataset(tmp_path: Path, reference: pe.Dataset) -> None:
    (tmp_path / "agreement.toml").write_bytes((MINIMAL / "agreement.toml").read_bytes())
    for name in TABLES:
        frame = getattr(reference, name).copy()
        for col in frame.columns:  # write plain types, as another tool would
            if isinstance(frame[col].dtype, pd.CategoricalDtype):
                frame[col] = frame[col].astype("string")
        frame.to_parquet(tmp_path / f"{name}.parquet")
    ds = pe.load_dataset(tmp_path)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(ds, name), getattr(reference, name), obj=name)


def test_detected_dialects() -> None:
    raw = read_table(DATA / "flavours" / "semicolon_cp1252" / "costs.csv", "costs")
    assert raw.dialect == {"encoding": "cp1252", "sep": ";", "format": "csv"}
    assert "Første utbetaling" in set(raw.frame["description"])
    raw = read_table(DATA / "flavours" / "bom_semicolon" / "costs.csv", "costs")
    assert raw.dialect["encoding"] == "utf-8-sig"
    assert list(raw.frame.columns)[0] == "pilot_id"  # no BOM left in the first name
    raw = read_table(MINIMAL / "costs.csv", "costs")
    assert raw.frame.index[0] == 2  # spreadsheet rows: header is row 1


def test_utf16_is_read(tmp_path: Path) -> None:
    path = tmp_path / "costs.csv"
    path.write_text((MINIMAL / "costs.csv").read_text(encoding="utf-8").replace(",", "\t"), encoding="utf-16")
    raw = read_table(path, "costs")
    assert raw.dialect["sep"] == "\t" and len(raw.frame) == 6


@pytest.mark.parametrize("text,sep,expected", [
    ("1234", ";", 1234.0),
    ("1234,5", ";", 1234.5),
    ("1 234 567", ";", 1234567.0),
    ("1\u00a0234\u00a0567,25", ";", 1234567.25),  # Excel's non-breaking space
    ("1.234.567,25", ";", 1234567.25),
    ("−500", ";", -500.0),  # Unicode minus
    ("15 000 kr", ";", 15000.0),
    ("kr 15 000,-", ";", 15000.0),
    ("1234.5", ",", 1234.5),
    ("1,234,567.5", ",", 1234567.5),
    ("1.5", ";", 1.5),
    # a spreadsheet's text cell (sep None), as typed in Norway
    ("1,5", None, 1.5),
    ("1 234,50", None, 1234.5),
    ("1.234,5", None, 1234.5),
    ("12", None, 12.0),
])
def test_parse_number(text: str, sep: str, expected: float) -> None:
    values, bad, ambiguous = parse_number(pd.Series([text]), sep)
    assert not bad.iloc[0] and not ambiguous.iloc[0]
    assert values.iloc[0] == pytest.approx(expected)


def test_parse_number_column_context_settles_a_dot() -> None:
    # "1.234" next to decimal commas is a thousands separator …
    values, _, amb = parse_number(pd.Series(["1.234", "2,5"]), ";")
    assert list(values) == [1234.0, 2.5] and not amb.any()
    # … next to other decimal points it is a decimal point …
    values, _, amb = parse_number(pd.Series(["1.234", "2.5"]), ";")
    assert list(values) == [1.234, 2.5] and not amb.any()
    # … and alone it is reported, not guessed.
    values, bad, amb = parse_number(pd.Series(["1.234", "7"]), ";")
    assert amb.tolist() == [True, False] and not bad.any() and pd.isna(values.iloc[0])


@pytest.mark.parametrize("text", ["abc", "1,5", "1e999", "nan", "12-3"])
def test_parse_number_rejects(text: str) -> None:
    _, bad, _ = parse_number(pd.Series([text]), ",")
    assert bad.iloc[0]


def test_a_spreadsheet_cell_with_one_comma_group_is_not_guessed() -> None:
    """"1,234" in a text cell is 1234 to an English eye and 1,234 to a Norwegian one."""
    values, bad, ambiguous = parse_number(pd.Series(["1,234", "2,5"]), None)
    assert ambiguous.tolist() == [True, False] and not bad.any()
    assert values.iloc[1] == 2.5 and np.isnan(values.iloc[0])  # never guessed


def test_a_spreadsheet_text_cell_that_reads_two_ways_says_so_and_what_to_do() -> None:
    from pilot_eval.schema import TABLES, Problems, type_table

    raw = pd.DataFrame({"pilot_id": ["lekse"], "participant_id": ["p-1"],
                        "date": ["2025-02-17"], "hours": ["1,250"]}, index=[2])
    problems = Problems()
    type_table(TABLES["sessions"], raw, "Oppmøte", None, problems)
    (found,) = problems.records
    assert found["rule"] == "value.ambiguous_number"
    assert found["message_nb"] == (  # not "ikke et tall … med desimalkomma"
        "«1,250» kan bety både 1250 og 1,250 (med desimalkomma). Skriv tallet i en celle "
        "formatert som tall (ikke som tekst), uten tusenskille.")
    assert "1250 or 1.250 (with a decimal point)" in found["message_en"]


@pytest.mark.parametrize(("text", "sep", "value"), [
    ("0,125", None, 0.125),  # a leading 0 is never a thousands group
    ("0.125", ";", 0.125),
    ("-0,5", None, -0.5),
])
def test_a_leading_zero_is_a_decimal_not_thousands(text: str, sep: str | None, value: float
                                                   ) -> None:
    values, bad, ambiguous = parse_number(pd.Series([text]), sep)
    assert not ambiguous.iloc[0] and not bad.iloc[0] and values.iloc[0] == value


def test_a_semicolon_file_says_which_two_numbers_and_no_cell_format() -> None:
    from pilot_eval.schema import TABLES, Problems, type_table

    raw = pd.DataFrame({"pilot_id": ["lekse"], "date": ["2025-02-01"], "funder": ["fund"],
                        "amount_nok": ["1.500,-"]}, index=[2])
    problems = Problems()
    type_table(TABLES["costs"], raw, "costs.csv", ";", problems)
    (found,) = problems.records
    assert found["message_nb"].startswith("«1.500,-» kan bety både 1500 og 1,500")
    assert "celle" not in found["message_nb"]  # a CSV file has no cell formats


@pytest.mark.parametrize("text,month,expected", [
    ("2025-03-01", False, "2025-03-01"),
    ("01.03.2025", False, "2025-03-01"),
    ("1.3.2025", False, "2025-03-01"),
    ("2025-03-01 00:00:00", False, "2025-03-01"),
    ("2025-03", True, "2025-03-01"),
    ("2025-03-17", True, "2025-03-01"),
    ("03.2025", True, "2025-03-01"),
])
def test_parse_date(text: str, month: bool, expected: str) -> None:
    values, bad = parse_date(pd.Series([text]), month=month)
    assert not bad.iloc[0] and values.iloc[0] == pd.Timestamp(expected)


@pytest.mark.parametrize("text", ["03/01/2025", "2025-13-01", "31.02.2025", "01.03.25", "2025-03", "i går"])
def test_parse_date_rejects(text: str) -> None:
    _, bad = parse_date(pd.Series([text]))
    assert bad.iloc[0]


def test_parse_bool() -> None:
    values, bad = parse_bool(pd.Series(["ja", "Nei", "TRUE", "false", "1", "0", "", "kanskje"]))
    assert values.tolist()[:6] == [True, False, True, False, True, False]
    assert bad.tolist() == [False] * 7 + [True]


def test_input_files_are_never_modified(tmp_path: Path) -> None:
    folder = DATA / "ten_defects"
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    pe.validate(folder)
    with pytest.raises(pe.DataValidationError):
        pe.load_dataset(folder)
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    assert before == after


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "x" / "report.txt"
    atomic_write_text(path, "first")
    atomic_write_text(path, "second")
    assert path.read_text() == "second"
    assert [p.name for p in path.parent.iterdir()] == ["report.txt"]  # no temp files left


def test_atomic_directory_keeps_old_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "reports"
    with atomic_directory(target) as staging:
        (staging / "a.pdf").write_text("good")
    with pytest.raises(RuntimeError), atomic_directory(target) as staging:
        (staging / "a.pdf").write_text("half")
        raise RuntimeError("boom")
    assert (target / "a.pdf").read_text() == "good"
    assert sorted(os.listdir(tmp_path)) == ["reports"]


# --- bounded input, sheets and encodings told, not guessed (issue 10) --------------------

def _rules(raw: object) -> list[str]:
    return raw.problems["rule"].tolist()  # type: ignore[attr-defined]


def _workbook(path: Path, sheets: list[tuple[str, str, list[list[object]]]]) -> Path:
    """Write an XLSX with sheets (title, state, rows)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, state, rows in sheets:
        ws = book.create_sheet(title)
        ws.sheet_state = state
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


COSTS_ROWS = [["pilot_id", "date", "funder", "amount_nok"], ["lekse", "2025-02-15", "fund", 200]]
DECOY_ROWS = [["pilot_id", "date", "funder", "amount_nok"], ["skjult", "2025-02-15", "fund", 9]]


def test_stretched_sheet_is_read_without_its_empty_range(tmp_path: Path) -> None:
    # A 5 KB workbook with one stray cell at XFD1048576 once made validate grow to 24 GB.
    from openpyxl import load_workbook

    path = _workbook(tmp_path / "costs.xlsx", [("costs", "visible", COSTS_ROWS)])
    book = load_workbook(path)
    book.active["XFD1048576"] = "x"
    book.save(path)
    assert path.stat().st_size < 10_000
    raw = read_table(path, "costs")
    assert raw.frame is None and _rules(raw) == ["file.too_many_columns"]
    assert "XFD1048576" in raw.problems["message_en"].iloc[0]


def test_far_row_keeps_spreadsheet_row_numbers(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = _workbook(tmp_path / "costs.xlsx", [("costs", "visible", COSTS_ROWS)])
    book = load_workbook(path)
    book.active["A1000000"] = "jobb"
    book.save(path)
    raw = read_table(path, "costs")
    assert raw.frame.index.tolist() == [2, 1000000]
    assert raw.frame.loc[1000000, "pilot_id"] == "jobb"


@pytest.mark.parametrize("sheets,expected_pilot,warned", [
    # the first sheet is hidden: it is never read, and a warning says it holds data
    ([("Skjult", "hidden", DECOY_ROWS), ("Ark1", "visible", COSTS_ROWS)], "lekse", True),
    ([("Skjult", "veryHidden", DECOY_ROWS), ("Ark1", "visible", COSTS_ROWS)], "lekse", True),
    # the sheet named after the table wins over the first visible one
    ([("Notater", "visible", DECOY_ROWS), ("Costs", "visible", COSTS_ROWS)], "lekse", False),
    ([("Ark1", "visible", COSTS_ROWS), ("Tom", "hidden", [])], "lekse", False),
])
def test_sheet_is_the_visible_or_named_one(tmp_path: Path, sheets: list, expected_pilot: str,
                                           warned: bool) -> None:
    raw = read_table(_workbook(tmp_path / "costs.xlsx", sheets), "costs")
    assert raw.frame["pilot_id"].tolist() == [expected_pilot]
    assert _rules(raw) == (["file.hidden_sheet"] if warned else [])
    assert (raw.problems["severity"] == "warning").all()


def test_wide_csv_header_is_refused_fast(tmp_path: Path) -> None:
    # A header of 10 000 columns once ran for more than 300 s (columns inserted one by one).
    path = tmp_path / "costs.csv"
    path.write_text("pilot_id," + ",".join(f"x{i}" for i in range(10_000)) + "\nlekse\n")
    raw = read_table(path, "costs")
    assert raw.frame is None and _rules(raw) == ["file.too_many_columns"]
    assert raw.problems["row"].tolist() == [1]


def test_many_extra_columns_within_the_limit_are_kept(tmp_path: Path) -> None:
    from pilot_eval.io import MAX_COLUMNS

    n = MAX_COLUMNS - 6
    path = tmp_path / "costs.csv"
    lines = (MINIMAL / "costs.csv").read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + "".join(f",x{i}" for i in range(n))]
                              + [line + "," * n for line in lines[1:]]) + "\n")
    raw = read_table(path, "costs")
    assert raw.frame.shape == (6, 6 + n) and raw.problems.empty


def test_limits_stop_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pilot_eval.io as pio

    path = tmp_path / "costs.csv"
    path.write_bytes((MINIMAL / "costs.csv").read_bytes())
    monkeypatch.setattr(pio, "MAX_CELLS", 6 * 4)  # six columns: only three rows besides the header
    raw = read_table(path, "costs")
    assert raw.frame is None and _rules(raw) == ["file.too_many_cells"]
    monkeypatch.setattr(pio, "MAX_CELLS", 10**9)
    monkeypatch.setattr(pio, "MAX_FILE_BYTES", 100)
    raw = read_table(path, "costs")
    assert raw.frame is None and _rules(raw) == ["file.too_large"]
    assert "docs/data-format.md" in raw.problems["message_en"].iloc[0]


def test_mostly_utf8_with_bad_bytes_names_the_rows(tmp_path: Path) -> None:
    # Once re-read whole as Windows-1252: "Bærums Verk" became "BÃ¦rums Verk", a new area.
    lines = (MINIMAL / "participants.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("Bekkestua", "Bærums Verk")
    lines[2] = lines[2].replace("Bekkestua", "Bærums Verk")
    data = "\n".join(lines).encode("utf-8").replace(
        "Bærums Verk".encode(), "Bærums Verk".encode("cp1252"), 1) + b"\n"
    assert data.count("Bærums Verk".encode()) == 1
    path = tmp_path / "participants.csv"
    path.write_bytes(data)
    raw = read_table(path, "participants")
    assert raw.frame is None
    assert raw.problems[["rule", "row"]].values.tolist() == [["file.encoding_rows", 2]]


def test_plain_windows_1252_is_still_read(tmp_path: Path) -> None:
    # no valid UTF-8 sequence anywhere: Excel's "CSV (semikolondelt)" on Windows, here with
    # its first letter beyond the part read to detect the encoding
    text = (MINIMAL / "costs.csv").read_text(encoding="utf-8")
    text = text.replace("Første utbetaling", "a" * 70_000).replace("Arbeidstid rektor", "Første år")
    path = tmp_path / "costs.csv"
    path.write_bytes(text.encode("cp1252"))
    raw = read_table(path, "costs")
    assert raw.dialect["encoding"] == "cp1252" and raw.problems.empty
    assert raw.frame.loc[3, "description"] == "Første år"


def test_unclosed_quote_names_its_row(tmp_path: Path) -> None:
    path = tmp_path / "costs.csv"
    path.write_text((MINIMAL / "costs.csv").read_text(encoding="utf-8").replace(
        "Arbeidstid rektor", '"Arbeidstid, rektor'), encoding="utf-8")
    raw = read_table(path, "costs")
    assert raw.problems[["rule", "row"]].values.tolist() == [["file.unclosed_quote", 3]]


def test_a_table_that_is_a_folder_is_an_error(tmp_path: Path) -> None:
    from pilot_eval.io import find_table

    (tmp_path / "sessions.csv").mkdir()
    found, problems = find_table(tmp_path, "sessions")
    assert found is None and [p["rule"] for p in problems] == ["file.not_a_file"]


def test_time_and_date_cells_are_text(tmp_path: Path) -> None:
    # a time-formatted cell once made the whole workbook "unreadable"
    import datetime as dt

    rows = [["pilot_id", "participant_id", "date", "hours"],
            ["lekse", "p-01", dt.datetime(2025, 2, 17), dt.time(1, 30)],
            ["lekse", "p-01", dt.datetime(2025, 2, 18, 9, 15), 1.0]]
    raw = read_table(_workbook(tmp_path / "sessions.xlsx", [("sessions", "visible", rows)]), "sessions")
    assert raw.problems.empty
    assert raw.frame.to_numpy().tolist() == [["lekse", "p-01", "2025-02-17", "01:30:00"],
                                             ["lekse", "p-01", "2025-02-18T09:15:00", "1"]]


@pytest.mark.parametrize("body", [
    b"pilot_id,date,funder,amount_nok\nlekse,2025-01-01,fund,100\n",
    b"pilot_id,date,funder,amount_nok\r\nlekse,2025-01-01,fund, 100 \r\n\r\njobb,,other,\r\n",
    b'\xef\xbb\xbfpilot_id,description,amount_nok\nlekse,"A, b ""c""\nd",1\nlekse,ab"c,2',
    b"pilot_id,area\nlekse,H\xc3\xb8vik\nlekse,\xc2\xa0Bekkestua\xe2\x80\x83\n",
    b"pilot_id,date,funder\nlekse,2025-01-01\nlekse,2025-01-01,fund,9\n",  # short, then long
    b'pilot_id,description\nlekse,"never closed\nlekse,x\n',
    b"pilot_id,description\nlekse,\xf8 in Windows-1252 \xc3\xb8\n",
])
def test_arrow_reader_reads_as_pandas_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           body: bytes) -> None:
    import pilot_eval.io as pio

    path = tmp_path / "costs.csv"
    path.write_bytes(body)
    fast = read_table(path, "costs")
    monkeypatch.setattr(pio, "_read_csv_arrow", lambda *args: None)  # pandas only
    slow = read_table(path, "costs")
    assert (fast.frame is None) == (slow.frame is None)
    if fast.frame is not None:
        pd.testing.assert_frame_equal(fast.frame, slow.frame)
    pd.testing.assert_frame_equal(fast.problems, slow.problems)
    assert fast.dialect == slow.dialect


def test_arrow_reader_is_used_and_stops_at_the_cell_limit(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import pilot_eval.io as pio

    path = tmp_path / "costs.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 10)
    assert pio._read_csv_arrow(path, ",", 2, 100) is not None
    monkeypatch.setattr(pio, "MAX_CELLS", 2 * 4)
    raw = read_table(path, "costs")
    assert raw.frame is None and raw.problems["rule"].tolist() == ["file.too_many_cells"]


def test_toml_key_lines_count_as_toml_does(tmp_path: Path) -> None:
    # U+0085 and U+2028 are not line ends in TOML; a key inside a multi-line string is text;
    # keys under a table we cannot name ([[…]]) are not taken for top-level settings
    path = tmp_path / "agreement.toml"
    path.write_text('name = "Avtale\x85x"\nmunicipality = "B"\n# note\u2028more\n'
                    'note = """\nannual_budget_nok = 1\n"""\nannual_budget_nok = -5\n'
                    '[[contacts]]\nstart = 2025-01-01\n[rules]\nreach_green = "høy"\n',
                    encoding="utf-8")
    lines = toml_key_lines(path)
    assert lines["annual_budget_nok"] == 7
    assert lines["rules.reach_green"] == 11
    assert "start" not in lines
    assert read_toml(path)[0]["annual_budget_nok"] == -5  # what TOML itself reads
