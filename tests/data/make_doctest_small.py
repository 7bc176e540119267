"""Regenerate tests/data/doctest_small/ (run by hand; output committed).

A purpose-made, fully synthetic data folder for the docstring examples (doctests): the
agreement, pilots, population and costs of ``tests/data/minimal`` (costs with a cost type),
invented participants and sessions, enough people measured twice for results to be shown
(``min_cell_size`` 5), one monthly indicator series, a valuation, a comparable service and
an enterprise's finances, so that the ITS, value-for-money and decision examples can run
without ``data/sample`` (about 8 s to load). No real people, pilots or money.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
SRC = HERE / "minimal"
OUT = HERE / "doctest_small"


def main() -> None:
    rng = np.random.default_rng(14)
    OUT.mkdir(exist_ok=True)
    for name in ("agreement.toml", "pilots.csv", "population.csv"):
        shutil.copy(SRC / name, OUT / name)
    shutil.copy(SRC / "measures.csv", OUT / "measures.csv")

    # minimal's costs, with cost types (for the scenarios after the agreement)
    costs = pd.read_csv(SRC / "costs.csv", dtype=str, keep_default_na=False)
    costs["cost_type"] = ["start_up", "fixed", "variable", "variable", "fixed", "variable"]
    costs.to_csv(OUT / "costs.csv", index=False)
    # what the municipality pays today for a comparable service, and the enterprises' books
    pd.DataFrame([{
        "alternative": "leksehjelp_skole", "name": "Leksehjelp i skolen",
        "unit_cost_nok": 18000, "year": 2025,
        "source": "Oppdiktet tall for testdata (synthetic)", "pilot_ids": "lekse"}]).to_csv(
        OUT / "alternatives.csv", index=False)
    pd.DataFrame({
        "organisation": ["Læringsløftet AS"] * 2, "year": [2024, 2025],
        "fund_nok": [0, 190000], "municipality_nok": [900000, 1100000],
        "ferd_nok": [0, 50000], "other_public_nok": [100000, 100000],
        "private_customers_nok": [60000, 80000], "donations_nok": [0, 0],
        "other_income_nok": [10000, 20000], "total_costs_nok": [1050000, 1500000],
        "ferd_investment_nok": [0, 0]}).to_csv(OUT / "finances.csv", index=False)

    # 12 pilot participants (lekse) and 10 in the comparison group, measured twice
    people = [f"p-{i:02d}" for i in range(1, 13)]
    enrolled = pd.date_range("2025-02-03", periods=len(people), freq="7D")
    participants = pd.DataFrame({
        "participant_id": people, "pilot_id": "lekse",
        "enrolled_on": enrolled.strftime("%Y-%m-%d"), "exited_on": "", "exit_reason": "",
        "birth_year": rng.integers(2010, 2016, len(people)),
        "gender": rng.choice(["female", "male"], len(people)),
        "area": rng.choice(["Bekkestua", "Sandvika"], len(people))})
    participants.loc[[1, 4], ["exited_on", "exit_reason"]] = [
        ["2025-12-20", "completed"], ["2025-06-01", "dropped_out"]]
    jobb = pd.DataFrame({
        "participant_id": ["p-13", "p-14"], "pilot_id": "jobb",
        "enrolled_on": ["2025-09-10", "2025-09-12"], "exited_on": ["", "2026-02-01"],
        "exit_reason": ["", "completed"], "birth_year": [2005, 2004],
        "gender": ["female", "male"], "area": ["Sandvika", "Rud"]})
    pd.concat([participants, jobb]).to_csv(OUT / "participants.csv", index=False)

    # weekly sessions from each one's enrolment (to 30 June 2025 or exit), 1-3 hours
    sessions = []
    for pid, start, stop in zip(participants["participant_id"], enrolled,
                                pd.to_datetime(participants["exited_on"]).fillna(
                                    pd.Timestamp("2025-06-30"))):
        for day in pd.date_range(start, min(stop, pd.Timestamp("2025-06-30")), freq="7D"):
            sessions.append(("lekse", pid, day.strftime("%Y-%m-%d"),
                             float(rng.choice([1.0, 1.5, 2.0, 3.0]))))
    sessions += [("jobb", "p-14", "2025-09-15", 3.0), ("jobb", "p-14", "2025-09-22", 2.5)]
    pd.DataFrame(sessions, columns=["pilot_id", "participant_id", "date", "hours"]).to_csv(
        OUT / "sessions.csv", index=False)

    rows = []
    # the comparison group starts above the success threshold (20) and stays there: nobody
    # in it crosses, so no value rests on a small count of successes (docs/privacy.md)
    for group, ids, mean, gain in (("pilot", people, 19, 3.0),
                                   ("comparison", [f"c-{i:02d}" for i in range(1, 11)], 25, 0.5)):
        base = rng.normal(mean, 3, len(ids)).round()
        after = (base + gain + rng.normal(0, 2, len(ids))).round()
        if group == "comparison":
            base, after = base.clip(21, None), after.clip(21, None)
        for pid, y0, y1 in zip(ids, base, after):
            rows += [("lekse", pid, group, "trivsel", "baseline", "2025-02-10", y0),
                     ("lekse", pid, group, "trivsel", "followup", "2025-10-01", y1)]
    pd.DataFrame(rows, columns=["pilot_id", "participant_id", "group", "measure",
                                "timepoint", "measured_on", "value"]).to_csv(
        OUT / "outcomes.csv", index=False)

    # monthly reports to the child welfare service in the pilot's area, 2021-2025:
    # a seasonal rate with a 25 % drop from the pilot's start (February 2025)
    months = pd.period_range("2021-01", "2025-12", freq="M")
    rate = 30 * (1 + 0.15 * np.sin(2 * np.pi * months.month / 12))
    rate = rate * np.where(months >= pd.Period("2025-02", "M"), 0.75, 1.0)
    pd.DataFrame({"series": "meldinger", "pilot_id": "lekse",
                  "month": months.strftime("%Y-%m"), "value": rng.poisson(rate),
                  "population": 9000}).to_csv(OUT / "indicators.csv", index=False)

    pd.DataFrame([{
        "measure": "trivsel", "basis": "per_success", "value_nok": 25000, "deadweight": 0.3,
        "attribution": 0.2, "displacement": 0.0, "drop_off": 0.5, "duration_years": 2,
        "source": "Oppdiktet verdi for testdata (synthetic, not an official valuation)",
        "confidence": "low"}]).to_csv(OUT / "valuation.csv", index=False)


if __name__ == "__main__":
    main()
