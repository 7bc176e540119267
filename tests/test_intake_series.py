"""The quarterly sample series (intake/series.py) walked as the README does: every
delivery taken in, one by one, in the order of its name."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pilot_eval as pe
from pilot_eval.intake import series, spec
from pilot_eval.intake.merge import read_log, take_delivery

UNTIL = "2026-Q1"  # enough quarters for a correction; the rest add nothing new to test


@pytest.fixture(scope="module")
def walked(tmp_path_factory) -> tuple[Path, dict[str, object]]:
    out = tmp_path_factory.mktemp("series") / "demo"
    series.write_series(out)
    results = {}
    for path in sorted((out / "leveranser").glob("*.xlsx")):
        if path.name[:7] > UNTIL:
            continue
        results[path.name] = take_delivery(out / "data", path, today="2026-12-07")
    return out, results


def test_a_new_folder_starts_without_the_entrepreneurs_rows(tmp_path):
    out = series.write_series(tmp_path / "demo")
    problems = pe.validate(out / "data")
    assert set(problems.loc[problems["severity"] == "error", "rule"]) == {"table.empty"}
    assert not (out / "data" / "sessions.csv").exists()
    names = sorted(p.name for p in (out / "leveranser").glob("*.xlsx"))
    flawed = f"{series.FLAWED[1]}-{series.FLAWED[0]}"
    assert names.index(f"{flawed}.xlsx") + 1 == names.index(f"{flawed}_v2.xlsx")
    assert "synthetic" in (out / "README.md").read_text(encoding="utf-8")
    # the first step of a new folder: the entrepreneur's empty workbook
    from openpyxl import load_workbook

    from pilot_eval.intake.template import write_template

    made = write_template(out / "data", "mentor", tmp_path / "mentor.xlsx", include_delivered=False)
    assert "Deltakere" in load_workbook(made).sheetnames


def test_only_the_flawed_delivery_is_refused(walked):
    out, results = walked
    refused = [name for name, r in results.items() if len(r.errors)]
    assert refused == [f"{series.FLAWED[1]}-{series.FLAWED[0]}.xlsx"]
    rules = set(results[refused[0]].errors["rule"])
    assert {"intake.future_date", "value.too_large", "fk.participant"} <= rules or \
        {"intake.future_date", "value.too_large"} <= rules
    assert all(r.accepted for name, r in results.items() if name not in refused)


def test_the_correction_to_an_earlier_quarter_is_on_record(walked):
    out, results = walked
    pilot, quarter = series.CORRECTED
    corrected = results[f"{quarter}-{pilot}.xlsx"]
    changed = corrected.changes[corrected.changes["column"] == "birth_year"]
    assert len(changed) == 1 and changed["correction"].all()
    entry = [e for e in read_log(out / "data") if e["pilot_id"] == pilot][-1]
    assert entry["corrections"] >= 1


def test_after_the_deliveries_the_folder_holds_the_sample(walked, sample_ds):
    out, _ = walked
    got = pe.load_dataset(out / "data")
    end = pd.Period(UNTIL, freq="Q").end_time.normalize()
    want = sample_ds.as_of(end)
    for sheet in spec.SHEETS:
        columns = [c.name for c in sheet.columns]
        a = got.table(sheet.table)
        b = want.table(sheet.table)
        a = a[a["pilot_id"].astype(str).le("~")]
        key = ["pilot_id", *columns]
        a = a[key].astype(str).sort_values(key).reset_index(drop=True)
        b = b[key].astype(str).sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, obj=sheet.table)
