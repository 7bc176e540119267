"""Reading files as people produce them: CSV flavours, XLSX, Parquet; atomic writers."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

import pilot_eval as pe
from pilot_eval.io import atomic_directory, atomic_write_text, read_table
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
