"""Metric exports: suppression, formula injection, formats read back as people see them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import pilot_eval as pe
from pilot_eval import __version__
from pilot_eval.errors import UsageError
from pilot_eval.metrics import metric_tables
from pilot_eval.present import columns
from pilot_eval.render import workbook
from pilot_eval.render.workbook import prepare, suppress_table, write_metric_files, write_metrics
from tests.conftest import DATA, MINIMAL, SAMPLE


def test_counts_below_min_cell_size_are_hidden_with_complement() -> None:
    reach = pd.DataFrame({"enrolled": [40, 60], "active": [20, 50], "completed": [15, 4],
                          "dropped_out": [5, 6], "moved": [0, 0], "exited_other": [0, 0],
                          "completion_rate": [0.75, 0.4],
                          "hours_per_participant": [10.0, 12.0]},
                         index=pd.Index(["a", "b"], name="pilot_id"))
    out = suppress_table("reach", reach, 5)
    assert out.loc["b", "completed"] == "<5"
    assert out.loc["b", "dropped_out"] == ":"  # complementary: 60 − 50 − 6 would give 4
    assert out.loc["b", "completion_rate"] == ":"  # built on a hidden count
    assert out.loc["a", "completed"] == 15 and out.loc["a", "completion_rate"] == 0.75
    assert out.loc["b", "active"] == 50


def test_grouped_breakdown_suppression() -> None:
    idx = pd.MultiIndex.from_tuples([("a", "Rud"), ("a", "Sandvika"), ("a", "Stabekk")],
                                    names=["pilot_id", "area"])
    frame = pd.DataFrame({"enrolled": [3, 40, 12], "share": [3 / 55, 40 / 55, 12 / 55]}, index=idx)
    out = suppress_table("reach_by_area", frame, 5)
    assert out["enrolled"].tolist() == ["<5", 40, ":"]  # the complement is not small
    assert (out["share"] == ":").tolist() == [True, False, True]


def test_formula_injection_is_neutralised() -> None:
    frame = pd.DataFrame({"note": ["=HYPERLINK(\"x\")", "+1", "@SUM(A1)", "plain", "-x"], "n": [1.0] * 5})
    out = prepare({"rules": frame}, 5)["rules"]
    assert out["note"].tolist() == ["'=HYPERLINK(\"x\")", "'+1", "'@SUM(A1)", "plain", "'-x"]


def test_several_files_from_one_preparation(tmp_path: Path) -> None:
    reach = pd.DataFrame({"enrolled": [40, 3]}, index=pd.Index(["a", "b"], name="pilot_id"))
    written = write_metric_files({"reach": reach}, [tmp_path / "m.xlsx", tmp_path / "m.json"],
                                 min_cell_size=5)
    assert [p.name for p in written] == ["m.xlsx", "m.json"]
    assert json.loads((tmp_path / "m.json").read_text(encoding="utf-8")) == {
        "reach": [{"pilot_id": "a", "enrolled": 40}, {"pilot_id": "b", "enrolled": "<5"}]}
    one = write_metrics({"reach": reach}, tmp_path / "one.xlsx", min_cell_size=5)
    pd.testing.assert_frame_equal(pd.read_excel(one), pd.read_excel(tmp_path / "m.xlsx"))
    with pytest.raises(UsageError, match="ending in .xlsx or .json"):
        write_metric_files({"reach": reach}, [tmp_path / "ok.json", tmp_path / "bad.txt"],
                           min_cell_size=5)
    assert not (tmp_path / "ok.json").exists()  # names checked before anything is written


# --------------------------------------------------------------------------- for people

#: metrics.json of the sample at 30 June 2026 as the code wrote it before the workbook for
#: people (commit 3ce2640): the next report's changes section reads this file, so the
#: workbook's words and formats must not reach it. A change of the metrics themselves
#: changes it too: then look at the JSON's difference and update the hash (and
#: tests/data/exports/minimal-metrics.json) on purpose. Changed once since: the marks of
#: fully hidden splits (privacy.suppression_codes) turned 17 "<5" cells of reach_by_area,
#: reach_by_gender and reach_by_age_group into ":", and nothing else. Changed again by
#: issue 9's time series (AR(1) + noise errors, the trend-bend check): the one row of
#: `indicators` and nothing else. And by the value notes that name the evidence rating
#: (very_weak_evidence): Jobbtrening's trivsel note, and nothing else. And by the rule
#: cost_red_after_elapsed: one row more in `rules`, and nothing else. And by the rule
#: reach_red_after_elapsed: one row more in `rules` (the third), and the descriptions of
#: reach_yellow and cost_yellow (red not early in the period), and nothing else.
SAMPLE_JSON_SHA256 = "007798a91b8e67b88fb9bcb34745549321da9b9911ae37d0c3ce37dc90892d65"
NUMERIC = {"nok", "share", "count", "ratio", "number", "quantity", "p_value", "year", "mixed"}


@pytest.fixture(scope="module")
def sample() -> dict:
    if not (SAMPLE / "pilots.csv").exists():
        pytest.skip("data/sample not generated yet")
    ds = pe.load_dataset(SAMPLE, as_of="2026-06-30")
    return {"ds": ds, "tables": metric_tables(ds)}


@pytest.fixture(scope="module")
def written(sample: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every format of the sample's tables, written once for the module."""
    out = tmp_path_factory.mktemp("exports")
    ds, tables = sample["ds"], sample["tables"]
    write_metric_files(tables, [out / "nb.xlsx", out / "m.json", out / "plain"],
                       min_cell_size=5, agreement=ds.agreement)
    # the English workbook and the Excel CSV from the same preparation (it takes seconds);
    # the public path in English is tested on a small table below
    flat = prepare(tables, 5)
    about = workbook._About.of(tables, 5, "en", None, ds.agreement)
    (out / "en.xlsx").write_bytes(workbook._workbook_bytes(flat, tables, about))
    workbook._write_csv_folder(flat, out / "excel", excel=True)
    return {"out": out, "flat": flat, "tables": tables,
            "nb": load_workbook(out / "nb.xlsx"), "en": load_workbook(out / "en.xlsx")}


def test_metrics_json_is_byte_for_byte_what_it_was(written: dict, tmp_path: Path) -> None:
    out = written["out"]
    assert hashlib.sha256((out / "m.json").read_bytes()).hexdigest() == SAMPLE_JSON_SHA256
    ds = pe.load_dataset(MINIMAL)
    paths = write_metric_files(metric_tables(ds), [tmp_path / "m.json", tmp_path / "m.xlsx"],
                               min_cell_size=ds.agreement.min_cell_size, language="en",
                               excel_csv=True)  # neither reaches the JSON
    assert paths[0].read_bytes() == (DATA / "exports" / "minimal-metrics.json").read_bytes()


def test_every_column_is_described_once_per_table(sample: dict) -> None:
    """A new metric column needs a header and a meaning (present/columns.py) before it
    reaches the workbook; within a sheet no two headers are the same."""
    for name, frame in sample["tables"].items():
        assert name in columns.TABLES, name
        flat = frame.reset_index() if any(frame.index.names) else frame
        missing = [c for c in flat.columns
                   if (name, c) not in columns.TABLE_COLUMNS and c not in columns.COLUMNS]
        assert not missing, (name, missing)
        for language in ("nb", "en"):
            headers = [columns.column(name, c, language).header for c in flat.columns]
            assert len(set(headers)) == len(headers), (name, language, sorted(headers))
    for entry in [*columns.COLUMNS.values(), *columns.TABLE_COLUMNS.values()]:
        assert entry.kind in columns.KINDS and all(entry[1:]), entry
    for entry in columns.TABLES.values():
        assert len(entry.nb) <= 31 and len(entry.en) <= 31 and all(entry), entry


def test_kinds_agree_with_the_data(sample: dict) -> None:
    """A column described as kroner or per cent holds numbers, a flag holds booleans, a
    date dates, and text kinds hold no numbers: the format fits the cells."""
    for name, frame in sample["tables"].items():
        flat = frame.reset_index() if any(frame.index.names) else frame
        for col in flat.columns:
            kind, dtype = columns.column(name, col).kind, flat[col].dtype
            if pd.api.types.is_bool_dtype(dtype):
                assert kind == "flag", (name, col, kind)
            elif pd.api.types.is_datetime64_any_dtype(dtype):
                assert kind == "date", (name, col, kind)
            elif pd.api.types.is_numeric_dtype(dtype):
                assert kind in NUMERIC, (name, col, kind)
            else:
                assert kind not in NUMERIC | {"date", "flag"}, (name, col, kind)


def _sheet(book, name: str, language: str = "nb"):
    return book[columns.table(name, language).header]


def _row(sheet, key: str) -> dict:
    head = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == key:
            return dict(zip(head, row, strict=True))
    raise AssertionError(key)


def test_workbook_headers_words_and_number_formats(written: dict) -> None:
    nb, en = written["nb"], written["en"]
    assert nb.sheetnames[0] == "Om tabellene" and en.sheetnames[0] == "About the tables"
    assert nb.sheetnames[1:] == [columns.table(n).header for n in written["tables"]]
    reach = _row(_sheet(nb, "reach"), "leksehjelp")
    assert reach["Deltakere"].value == 266 and reach["Deltakere"].number_format == "#,##0"
    assert reach["Fullføringsgrad"].number_format == "0.0 %"
    assert reach["Fullføringsgrad"].value == pytest.approx(0.68889, abs=1e-5)
    cost = _row(_sheet(nb, "cost"), "leksehjelp")
    assert cost["Samlet ressursbruk"].value == 1661900
    assert cost["Samlet ressursbruk"].number_format == '#,##0 "kr"'
    assert cost["Giring"].number_format == "0.00" and cost["Fase"].value == "pågår"
    card = _row(_sheet(nb, "scorecard"), "jobbtrening")
    assert (card["Rekkevidde"].value, card["Økonomi"].value) == ("god", "usikker")
    assert card["Anbefaling"].value == "videreføre" and card["Høyere er bedre"].value == "ja"
    # reasons and notes as the reports say them; several codes, one sentence each
    assert card["Grunn økonomi"].value == "Piloten bruker tilsagnet litt raskere enn planen."
    for book, lang in ((nb, "nb"), (en, "en")):
        sheet = _sheet(book, "outcomes", lang)
        head = [c.value for c in sheet[1]]
        col = head.index(columns.column("outcomes", "evidence_reasons", lang).header) + 1
        said = [sheet.cell(r, col).value for r in range(2, sheet.max_row + 1)]
        assert any(said)
        assert all(s is None or (s.endswith(".") and "_" not in s) for s in said), said
    card_en = _row(_sheet(en, "scorecard", "en"), "jobbtrening")
    assert (card_en["Cost"].value, card_en["Recommendation"].value) == ("uncertain", "continue")
    assert _row(_sheet(en, "reach", "en"), "leksehjelp")["Completion rate"].number_format \
        == "0.0%"
    series = _row(_sheet(nb, "indicators"), "leksehjelp")
    assert series["Endringsmåned"].value == dt.datetime(2025, 2, 1)
    assert series["Endringsmåned"].number_format == "dd.mm.yyyy"
    assert series["p-verdi"].number_format == "0.000"
    assert _row(_sheet(en, "indicators", "en"), "leksehjelp")["Change month"].number_format \
        == "yyyy-mm-dd"
    portfolio = _row(_sheet(nb, "portfolio"), "Sosiale entreprenører i Bærum")
    assert portfolio["Status per"].value == dt.datetime(2026, 6, 30)


#: Code columns whose codes are what a person writes (agreement.toml's rule names).
CODES_KEPT = {("rules", "rule")}


def test_codes_are_words_in_both_languages(written: dict) -> None:
    """Every cell of a code column (design, basis, assumption, notes of scenarios and unit
    costs …) is written in words: a snake_case code or a bare design code in a cell is a
    column missing from present/columns.py's codes or sentences."""
    import re

    code = re.compile(r"^(did|its|pre_post|[a-z]+(_[a-z0-9]+)+)$")
    flat = written["flat"]
    for language in ("nb", "en"):
        book, left = written[language], []
        for name in written["tables"]:
            sheet = _sheet(book, name, language)
            kinds = [columns.column(name, c).kind for c in flat[name].columns]
            for r, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
                for c, (kind, value) in enumerate(zip(kinds, row, strict=True)):
                    column = flat[name].columns[c]
                    if kind != "code" or (name, column) in CODES_KEPT or not isinstance(value, str):
                        continue
                    if any(code.match(part.strip()) for part in re.split(r"[;,]", value)):
                        left.append((name, column, r, value))
        assert not left, (language, left)


def test_hidden_cells_are_marks_and_numbers_stay_numbers(written: dict) -> None:
    """Every cell prepare() hides is the same mark in the workbook, right-aligned; every
    other cell of a numeric column is a number (or empty), never a number as text."""
    flat, nb = written["flat"], written["nb"]
    seen = 0
    for name, frame in flat.items():
        sheet = _sheet(nb, name)
        cells = list(sheet.iter_rows(min_row=2))
        assert len(cells) == len(frame), name
        for j, col in enumerate(frame.columns):
            kind = columns.column(name, col).kind
            for i, value in enumerate(frame[col].tolist()):
                cell = cells[i][j]
                if isinstance(value, str) and (value == ":" or value.startswith("<")):
                    assert cell.value == value and cell.data_type == "s", (name, col, i)
                    if kind in NUMERIC:
                        assert cell.alignment.horizontal == "right"
                    seen += 1
                elif kind in NUMERIC and cell.value is not None:
                    assert isinstance(cell.value, int | float), (name, col, i, cell.value)
    assert seen > 20  # the sample has hidden cells in several tables


def test_frozen_panes_filters_widths_and_print_setup(written: dict) -> None:
    """LibreOffice printed the old workbook on 69 pages: each sheet is now one page wide,
    or a few pages across when it is too wide to read on one (the value table's 50
    columns), landscape A4, with its header row (and id columns) on every page, and the
    running header clear of the table."""
    nb = written["nb"]
    for name, frame in written["tables"].items():
        sheet = _sheet(nb, name)
        keys = min(2, len([n for n in frame.index.names if n is not None]) or 2)
        assert sheet.freeze_panes == ("B2" if keys == 1 else "C2"), name
        assert sheet.print_title_rows == "$1:$1", name
        assert sheet.print_title_cols == ("$A:$A" if keys == 1 else "$A:$B"), name
        setup = sheet.page_setup
        assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9)  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        total = sum(d.width for d in sheet.column_dimensions.values())
        assert setup.fitToHeight == 0, name
        assert setup.fitToWidth == max(1, -(-int(total) // 250)), name
        assert sheet.page_margins.top >= sheet.page_margins.header + 0.5, name
        assert sheet.oddFooter.center.text == "Side &P av &N"
        assert "30. juni 2026" in sheet.oddHeader.center.text.replace("\xa0", " ")
        assert sheet.auto_filter.ref.startswith("A1:")
        assert all(c.font.b and c.alignment.wrap_text for c in sheet[1]), name
        widths = [d.width for d in sheet.column_dimensions.values()]
        assert len(widths) == sheet.max_column and all(8 <= w <= 52 for w in widths), name
    assert _sheet(nb, "value_for_money").page_setup.fitToWidth > 1  # too wide for one page
    assert _sheet(nb, "cost").page_setup.fitToWidth == 1
    about = nb["Om tabellene"]
    assert about.page_setup.orientation == "portrait" and about.page_setup.fitToWidth == 1
    # lines above the column list span the sheet; wrapped rows are as tall as their text
    assert "A1:E1" in {str(r) for r in about.merged_cells.ranges}
    long_rows = [r for r in range(1, about.max_row + 1)
                 if len(str(about.cell(r, 4).value or "")) > 70]
    assert long_rows and all(about.row_dimensions[r].height >= 30 for r in long_rows)


def test_first_sheet_says_what_the_tables_are(written: dict, tmp_path: Path) -> None:
    rows = [tuple(c for c in row) for row in
            written["nb"]["Om tabellene"].iter_rows(values_only=True)]
    words = "\n".join(" ".join(str(c) for c in r if c is not None) for r in rows)
    words = words.replace("\xa0", " ")
    assert rows[0][0] == "Nøkkeltall for Sosiale entreprenører i Bærum"
    assert "Status per 30. juni 2026." in words
    assert "Bærum kommune, 1. januar 2025–31. desember 2026" in words
    assert "<5 Færre enn 5 personer" in words and "\n: Skjult så et lite tall ikke" in words
    assert f"pilot_eval {__version__}" in words
    described = {(r[0], r[2]) for r in rows if r[2] is not None}
    for name, frame in written["flat"].items():
        sheet = columns.table(name).header
        assert {(sheet, c) for c in frame.columns} <= described, name
    reach = pd.DataFrame({"enrolled": [40, 3]}, index=pd.Index(["a", "b"], name="pilot_id"))
    path = write_metrics({"reach": reach}, tmp_path / "k.xlsx", min_cell_size=7,
                         language="en", as_of="2026-03-31")
    book = load_workbook(path)
    first = [r for r in book["About the tables"].iter_rows(values_only=True)]
    assert ("<7", "Fewer than 7 people: suppressed for privacy.") in [r[:2] for r in first]
    assert "Status as of 31 March 2026." in [str(r[0]).replace("\xa0", " ") for r in first]
    assert [c.value for c in book["Reach"]["B"]] == ["Participants", 40, "<7"]
    with pytest.raises(UsageError, match="nn"):
        write_metrics({"reach": reach}, tmp_path / "nn.xlsx", min_cell_size=7, language="nn")
    assert not (tmp_path / "nn.xlsx").exists()


def test_csv_is_one_file_per_table_with_its_keys(written: dict) -> None:
    out, flat = written["out"], written["flat"]
    assert sorted(p.name for p in (out / "plain").iterdir()) == sorted(f"{n}.csv" for n in flat)
    plain = (out / "plain" / "outcomes.csv").read_bytes()
    assert plain.startswith(b"pilot_id,measure,design,") and b"\r\n" not in plain
    back = pd.read_csv(out / "plain" / "outcomes.csv", dtype={"pilot_id": str})
    assert list(back.columns) == list(flat["outcomes"].columns)
    excel = (out / "excel" / "outcomes.csv").read_bytes()
    assert excel.startswith(b"\xef\xbb\xbfpilot_id;measure;design;") and b"\r\n" in excel
    for name in ("reach", "outcomes", "value_for_money", "scenarios"):
        a = pd.read_csv(out / "plain" / f"{name}.csv", dtype=str, keep_default_na=False)
        b = pd.read_csv(out / "excel" / f"{name}.csv", sep=";", dtype=str,
                        keep_default_na=False, encoding="utf-8-sig")
        assert list(a.columns) == list(b.columns) == list(flat[name].columns)
        # the same cells, a decimal comma for the point; the marks the same as prepare()'s
        number = r"^(-?[0-9]+)\.([0-9]+(?:e[-+]?[0-9]+)?)$"
        pd.testing.assert_frame_equal(a.replace(number, r"\1,\2", regex=True), b, obj=name)
        marks = flat[name].isin([":", "<5"]).to_numpy()
        assert (a.isin([":", "<5"]).to_numpy() == marks).all(), name
    reach = pd.read_csv(out / "excel" / "reach.csv", sep=";", dtype=str,
                        encoding="utf-8-sig").set_index("pilot_id")
    assert reach.loc["leksehjelp", "completion_rate"] == "0,6888888888888889"
    assert reach.loc["leksehjelp", "enrolled"] == "266"  # a count has no decimals


def test_text_cells_stay_inert_in_every_format(tmp_path: Path) -> None:
    rules = pd.DataFrame({"description_nb": ["=HYPERLINK(\"http://x\")", "ok\x1b"],
                          "value": [1.5, 2.0]}, index=pd.Index(["a", "b"], name="rule"))
    write_metric_files({"rules": rules}, [tmp_path / "m.xlsx", tmp_path / "c"],
                       min_cell_size=5, excel_csv=True)
    cell = load_workbook(tmp_path / "m.xlsx")["Regler"]["B2"]
    assert cell.data_type == "s" and cell.value == "'=HYPERLINK(\"http://x\")"
    assert load_workbook(tmp_path / "m.xlsx")["Regler"]["B3"].value == "ok\\x1b"
    text = (tmp_path / "c" / "rules.csv").read_bytes().decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\x1b" not in text and ";1,5\r\n" in text


@pytest.mark.parametrize(("name", "says"), [
    ("m.csv", "one file per table, in a folder"), ("m.txt", "ending in .xlsx or .json"),
    (".", "name a new folder"), ("..", "name a new folder")])
def test_output_names_that_are_refused(name: str, says: str, tmp_path: Path) -> None:
    reach = pd.DataFrame({"enrolled": [40]}, index=pd.Index(["a"], name="pilot_id"))
    with pytest.raises(UsageError, match=says):  # "." as typed: pathlib drops "x/."
        write_metrics({"reach": reach}, name if name.startswith(".") else tmp_path / name,
                      min_cell_size=5)
    assert workbook.output_format(tmp_path / "m.XLSX") == "xlsx"
    (tmp_path / "taken.xlsx").mkdir(exist_ok=True)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    for taken in ("taken.xlsx", "file"):
        with pytest.raises(UsageError, match="is a (folder|file)"):
            workbook.output_format(tmp_path / taken)


def test_csv_folder_is_replaced_whole_or_not_at_all(tmp_path: Path, monkeypatch) -> None:
    """An earlier export is replaced as a whole; a folder with anything else in it is not
    touched; a write that fails half-way leaves the earlier folder as it was."""
    reach = pd.DataFrame({"enrolled": [40]}, index=pd.Index(["a"], name="pilot_id"))
    cost = pd.DataFrame({"fund_cost_nok": [1.5]}, index=pd.Index(["a"], name="pilot_id"))
    folder = write_metrics({"reach": reach, "cost": cost}, tmp_path / "t", min_cell_size=5)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    calls = []

    def fail_second(frame: pd.DataFrame, *, excel: bool = False) -> str:
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return frame.to_csv(index=False)

    monkeypatch.setattr(workbook, "csv_text", fail_second)
    with pytest.raises(OSError, match="disk full"):
        write_metrics({"reach": reach * 2, "cost": cost}, folder, min_cell_size=5)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t"]  # no staging left behind
    monkeypatch.undo()
    write_metrics({"reach": reach * 2}, folder, min_cell_size=5)
    assert sorted(p.name for p in folder.iterdir()) == ["reach.csv"]  # replaced as a whole
    (folder / "notes.docx").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="'notes.docx'"):
        write_metrics({"reach": reach}, folder, min_cell_size=5)
    assert (folder / "notes.docx").exists()
