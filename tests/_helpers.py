"""Plain helper functions shared by the metric tests (fixtures live in conftest.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pilot_eval.schema import GENDERS


def assert_no_inf(frame: pd.DataFrame) -> None:
    """Fail when a numeric column of ``frame`` holds ``inf`` (a ratio must give NaN instead)."""
    numeric = frame.select_dtypes("number")
    assert not np.isinf(numeric.to_numpy(dtype=float)).any(), numeric


def population(rows: list[tuple]) -> pd.DataFrame:
    """A population table typed as load_dataset types it: (year, area, age, gender, count)."""
    df = pd.DataFrame(rows, columns=["year", "area", "age", "gender", "count"])
    return df.assign(year=df["year"].astype("Int64"), age=df["age"].astype("Int64"),
                     area=df["area"].astype("category"),
                     gender=pd.Categorical(df["gender"], categories=list(GENDERS)),
                     count=df["count"].astype(float))


def obs(pilot: str, group: str, measure: str, values: dict[str, tuple[float | None, float | None]],
        followup_on: str = "2025-09-01") -> pd.DataFrame:
    """Outcome rows from {person: (baseline, followup)}; None = not measured.

    Baselines are measured on 2025-02-15, follow-ups on ``followup_on``.
    """
    rows = []
    for pid, (b, f) in values.items():
        if b is not None:
            rows.append((pilot, pid, group, measure, "baseline", "2025-02-15", b))
        if f is not None:
            rows.append((pilot, pid, group, measure, "followup", followup_on, f))
    out = pd.DataFrame(rows, columns=["pilot_id", "participant_id", "group", "measure",
                                      "timepoint", "measured_on", "value"])
    return out.assign(measured_on=pd.to_datetime(out["measured_on"]))
