"""Metric exports: suppression, formula injection, formats."""

from __future__ import annotations

import pandas as pd

from pilot_eval.render.workbook import prepare, suppress_table


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
