"""The optional data for the decision at the end of the agreement (issue 13): a cost type on
cost lines, the tables ``alternatives`` and ``finances``, ``scale_up_share`` in
agreement.toml. Each rule fires on the right file, row and column; a folder without the new
data validates exactly as before."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pilot_eval as pe
from tests.conftest import MINIMAL, SAMPLE, edit

ALTERNATIVES = """alternative,name,unit_cost_nok,year,source,pilot_ids
stottekontakt,Støttekontakt for barn og unge,52000,2024,Kommunens regnskap 2024,lekse;jobb
leksehjelp,Leksehjelp i skolen,18000,2025,Kommunens regnskap 2025,
"""

FINANCES = """organisation,year,fund_nok,municipality_nok,ferd_nok,other_public_nok,private_customers_nok,donations_nok,other_income_nok,total_costs_nok,ferd_investment_nok
Læringsløftet AS,2024,0,1300000,0,300000,80000,0,30000,1730000,0
Læringsløftet AS,2025,584000,1650000,240000,150000,80000,,20000,2684000,
Læringsløftet AS,2026,497000,1400000,180000,100000,60000,0,20000,,0
Første Jobb SA,2025,150000,0,0,900000,2500000,40000,0,3600000,1500000
"""


def _with_cost_types(folder: Path, types: list[str]) -> None:
    """Add a cost_type column to the minimal folder's six cost lines."""
    path = folder / "costs.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(types) + 1
    path.write_text("\n".join([lines[0] + ",cost_type"]
                              + [f"{line},{t}" for line, t in zip(lines[1:], types)]) + "\n",
                    encoding="utf-8")


def _with_decision_data(folder: Path) -> Path:
    _with_cost_types(folder, ["start_up", "variable", "fixed", "start_up", "variable", ""])
    (folder / "alternatives.csv").write_text(ALTERNATIVES, encoding="utf-8")
    (folder / "finances.csv").write_text(FINANCES, encoding="utf-8")
    edit(folder, "agreement.toml", None, "scale_up_share = 0.25")
    return folder


def _hits(problems: pd.DataFrame, rule: str) -> list[tuple]:
    hit = problems[problems["rule"] == rule]
    return list(zip(hit["file"], hit["row"], hit["column"], hit["severity"]))


# --- without the new data: as before ------------------------------------------------------------

def test_a_folder_without_the_new_data_loads_as_before() -> None:
    assert pe.validate(MINIMAL).empty
    ds = pe.load_dataset(MINIMAL)
    assert not {"alternatives", "finances"} & ds.tables_present
    assert "costs.cost_type" not in ds.columns_present
    assert ds.alternatives.empty and "unit_cost_nok" in ds.alternatives.columns
    assert ds.finances.empty and "ferd_investment_nok" in ds.finances.columns
    assert ds.agreement.scale_up_share == 0.10
    assert list(ds.costs["cost_type"].astype(str)) == ["variable"] * 6  # the default


def test_valid_new_data_add_no_problem(minimal_copy) -> None:
    """The same folder with and without (valid) new data gives the same problems frame: a
    warning and an error put in on purpose, and nothing else."""
    folder = minimal_copy()
    edit(folder, "costs.csv", "lekse,2025-02-15", "lekse,2025-01-15")  # cost.outside_pilot
    edit(folder, "sessions.csv", "2025-02-17,2", "2025-02-17,25")  # value.too_large
    before = pe.validate(folder)
    assert sorted(_hits(before, "cost.outside_pilot") + _hits(before, "value.too_large")) == [
        ("costs.csv", 2, "date", "warning"), ("sessions.csv", 2, "hours", "error")]
    assert len(before) == 2
    after = pe.validate(_with_decision_data(folder))
    pd.testing.assert_frame_equal(after, before)


def test_the_new_data_are_read(minimal_copy) -> None:
    ds = pe.load_dataset(_with_decision_data(minimal_copy()))
    assert {"alternatives", "finances"} <= ds.tables_present
    assert "costs.cost_type" in ds.columns_present
    # the empty cell on the last line is the default
    assert list(ds.costs["cost_type"].astype(str)) == [
        "start_up", "variable", "fixed", "start_up", "variable", "variable"]
    assert ds.agreement.scale_up_share == 0.25
    assert list(ds.alternatives["alternative"].astype(str)) == ["stottekontakt", "leksehjelp"]
    f = ds.finances.set_index(["organisation", "year"])
    assert f.loc[("Læringsløftet AS", 2025), "donations_nok"] == 0  # empty = 0
    assert f.loc[("Læringsløftet AS", 2025), "ferd_investment_nok"] == 0
    assert np.isnan(f.loc[("Læringsløftet AS", 2026), "total_costs_nok"])  # empty = unknown
    assert f.loc[("Første Jobb SA", 2025), "ferd_investment_nok"] == 1_500_000


# --- the rules ------------------------------------------------------------------------------------

def test_a_bad_cost_type_names_file_row_column_and_the_allowed_words(minimal_copy) -> None:
    folder = minimal_copy()
    _with_cost_types(folder, ["start_up", "billig", "fixed", "", "variable", "Fixed"])
    problems = pe.validate(folder)
    assert _hits(problems, "value.not_allowed") == [("costs.csv", 3, "cost_type", "error")]
    hit = problems[problems["rule"] == "value.not_allowed"].iloc[0]
    assert hit["value"] == "billig"
    assert "start_up, fixed, variable" in hit["message_nb"]
    assert "start_up, fixed, variable" in hit["message_en"]
    assert len(problems) == 1  # 'Fixed' is read as fixed: case does not matter


def test_an_unknown_pilot_among_pilot_ids_is_an_error(minimal_copy) -> None:
    folder = minimal_copy()
    (folder / "alternatives.csv").write_text(
        ALTERNATIVES.replace("lekse;jobb", "lekse; jobbe"), encoding="utf-8")
    problems = pe.validate(folder)
    assert _hits(problems, "fk.pilot") == [("alternatives.csv", 2, "pilot_ids", "error")]
    assert problems.loc[problems["rule"] == "fk.pilot", "value"].iloc[0] == "jobbe"
    assert len(problems) == 1


def test_finances_of_an_organisation_without_a_pilot_is_a_warning(minimal_copy) -> None:
    folder = minimal_copy()
    (folder / "finances.csv").write_text(
        FINANCES.replace("Første Jobb SA", "Første Jobb AS"), encoding="utf-8")
    problems = pe.validate(folder)
    assert _hits(problems, "finances.organisation") == [
        ("finances.csv", 5, "organisation", "warning")]
    assert len(problems) == 1
    ds = pe.load_dataset(folder)  # a warning: loaded, the row kept
    assert len(ds.finances) == 4


def test_negative_income_is_an_error(minimal_copy) -> None:
    folder = minimal_copy()
    (folder / "finances.csv").write_text(
        FINANCES.replace("2025,150000,0,0,900000", "2025,150000,0,0,-900000"), encoding="utf-8")
    problems = pe.validate(folder)
    assert _hits(problems, "value.too_small") == [("finances.csv", 5, "other_public_nok", "error")]
    with pytest.raises(pe.DataValidationError):
        pe.load_dataset(folder)


def test_the_same_organisation_and_year_twice_is_an_error(minimal_copy) -> None:
    folder = minimal_copy()
    (folder / "finances.csv").write_text(
        FINANCES + "Første Jobb SA,2025,0,0,0,0,100000,0,0,90000,0\n", encoding="utf-8")
    problems = pe.validate(folder)
    assert _hits(problems, "row.duplicate") == [("finances.csv", 6, "year", "error")]
    assert "Første Jobb SA / 2025" in problems.loc[problems["rule"] == "row.duplicate",
                                                   "message_en"].iloc[0]


@pytest.mark.parametrize("share", ["0", "1.5", "-0.1"])
def test_scale_up_share_outside_zero_to_one_is_an_error(minimal_copy, share: str) -> None:
    folder = minimal_copy()
    edit(folder, "agreement.toml", None, f"scale_up_share = {share}")
    problems = pe.validate(folder)
    assert [(f, r, c, s) for f, r, c, s in _hits(problems, "agreement.range")] == [
        ("agreement.toml", 7, "scale_up_share", "error")]  # the line it is set on
    assert len(problems) == 1
    assert "scale_up_share" in problems["message_en"].iloc[0]


def test_scale_up_share_of_one_is_allowed(minimal_copy) -> None:
    folder = minimal_copy()
    edit(folder, "agreement.toml", None, "scale_up_share = 1")
    assert pe.validate(folder).empty
    assert pe.load_dataset(folder).agreement.scale_up_share == 1.0


def test_as_of_drops_the_finances_of_later_years(minimal_copy) -> None:
    ds = pe.load_dataset(_with_decision_data(minimal_copy()))
    assert sorted(ds.finances["year"].unique()) == [2024, 2025, 2026]
    mid_2025 = ds.as_of("2025-06-30").finances
    # 2026 is after the as-of date's year; 2025 is a part year and stays
    assert sorted(zip(mid_2025["organisation"].astype(str), mid_2025["year"])) == [
        ("Første Jobb SA", 2025), ("Læringsløftet AS", 2024), ("Læringsløftet AS", 2025)]
    assert len(ds.as_of("2025-06-30").alternatives) == 2  # not dated: kept
    at_2024 = ds.as_of("2024-12-31").finances
    assert list(zip(at_2024["organisation"].astype(str), at_2024["year"])) == [
        ("Læringsløftet AS", 2024)]


def test_an_alternatives_id_follows_the_id_rule(tmp_path):
    """docs/data-format.md: letters, digits, '-' and '_' (a space or '/' was taken)."""
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE, folder)
    path = folder / "alternatives.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("stottekontakt,", "støtte/kontakt,"),
                    encoding="utf-8")
    problems = pe.validate(folder)
    bad = problems[(problems["file"] == "alternatives.csv") & (problems["severity"] == "error")]
    assert bad["column"].tolist() == ["alternative"] and bad["value"].tolist() == ["støtte/kontakt"]
