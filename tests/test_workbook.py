"""Metric exports: suppression, formula injection, formats."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pilot_eval.errors import UsageError
from pilot_eval.render.workbook import prepare, suppress_table, write_metric_files, write_metrics


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
    with pytest.raises(UsageError, match="xlsx, .csv or .json"):
        write_metric_files({"reach": reach}, [tmp_path / "ok.json", tmp_path / "bad.txt"],
                           min_cell_size=5)
    assert not (tmp_path / "ok.json").exists()  # names checked before anything is written
