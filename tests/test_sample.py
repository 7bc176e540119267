"""Tests of the synthetic sample-data generator (pilot_eval.sample)."""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from pilot_eval import sample
from pilot_eval.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "data" / "sample"
SSB_SOURCE = REPO.parent / "shared" / "data" / "ssb-07459-baerum-population.csv"
EXTRACTION = pd.Timestamp("2026-10-31")

# DESIGN §2: required (and named optional) columns per table.
COLUMNS = {
    "pilots": [
        "pilot_id", "name", "organisation", "org_number", "target_group", "target_age_min",
        "target_age_max", "target_areas", "start_date", "end_date", "grant_nok",
        "reach_target", "primary_measure",
    ],
    "costs": ["pilot_id", "date", "funder", "in_kind", "amount_nok", "description", "cost_type"],
    "participants": [
        "participant_id", "pilot_id", "enrolled_on", "exited_on", "exit_reason",
        "birth_year", "gender", "area",
    ],
    "sessions": ["pilot_id", "participant_id", "date", "hours"],
    "measures": [
        "measure", "label_nb", "label_en", "unit", "higher_is_better", "scale_min",
        "scale_max", "mid", "reliability", "sd_reference", "success_threshold",
    ],
    "outcomes": [
        "pilot_id", "participant_id", "group", "measure", "timepoint", "measured_on", "value",
    ],
    "indicators": ["series", "pilot_id", "month", "value", "population"],
    "population": ["year", "area", "age", "gender", "count"],
    "valuation": [
        "measure", "basis", "value_nok", "deadweight", "attribution", "displacement",
        "drop_off", "duration_years", "source", "confidence",
    ],
    "alternatives": ["alternative", "name", "unit_cost_nok", "year", "source", "pilot_ids"],
    "finances": [
        "organisation", "year", "fund_nok", "municipality_nok", "ferd_nok", "other_public_nok",
        "private_customers_nok", "donations_nok", "other_income_nok", "total_costs_nok",
        "ferd_investment_nok",
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def data() -> sample.SampleData:
    return sample.generate()


def _wide(outcomes: pd.DataFrame) -> pd.DataFrame:
    """One row per person × measure with baseline, follow-up and their difference."""
    wide = outcomes.pivot_table(
        index=["pilot_id", "group", "measure", "participant_id"],
        columns="timepoint",
        values="value",
    ).dropna()
    return wide.assign(change=wide["followup"] - wide["baseline"]).reset_index()


def test_committed_sample_is_regenerated_byte_for_byte(tmp_path: Path) -> None:
    out = sample.write(sample.generate(seed=2025), tmp_path / "sample")
    committed = sorted(p.name for p in COMMITTED.iterdir())
    assert sorted(p.name for p in out.iterdir()) == committed
    for name in committed:
        assert (out / name).read_bytes() == (COMMITTED / name).read_bytes(), name


def test_generate_is_deterministic_and_seed_dependent() -> None:
    a, b, c = sample.generate(7), sample.generate(7), sample.generate(8)
    for name in sample.TABLES:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    assert a.truth == b.truth
    assert not a.tables["participants"].equals(c.tables["participants"])
    assert not a.tables["outcomes"]["value"].equals(c.tables["outcomes"]["value"])
    # the fund's income follows the seed's cost lines; the hand-set sources do not move
    assert not a.tables["finances"]["fund_nok"].equals(c.tables["finances"]["fund_nok"])
    assert a.tables["finances"]["private_customers_nok"].equals(
        c.tables["finances"]["private_customers_nok"])


def test_tables_have_the_design_columns(data: sample.SampleData) -> None:
    assert set(data.tables) == set(sample.TABLES)
    for name, cols in COLUMNS.items():
        missing = set(cols) - set(data.tables[name].columns)
        assert not missing, (name, missing)


def test_agreement_toml_round_trips(tmp_path: Path, data: sample.SampleData) -> None:
    out = sample.write(data, tmp_path / "s")
    parsed = tomllib.loads((out / "agreement.toml").read_text(encoding="utf-8"))
    assert parsed == data.agreement
    assert parsed["name"] == "Sosiale entreprenører i Bærum"
    assert parsed["annual_budget_nok"] == 2_000_000
    assert (parsed["discount_rate"], parsed["tax_financing_cost"]) == (0.04, 0.20)


def test_pilots(data: sample.SampleData) -> None:
    pilots = data.tables["pilots"]
    assert len(pilots) == 4 and pilots["pilot_id"].is_unique
    assert pilots["org_number"].isna().all()
    assert pilots["grant_nok"].sum() == pytest.approx(4_000_000, rel=0.05)
    assert pilots["target_areas"].notna().sum() == 1  # one area-restricted pilot
    assert (pilots["start_date"] >= "2025-09-01").sum() == 1  # one late starter
    measures = set(data.tables["measures"]["measure"])
    assert set(pilots["primary_measure"]) <= measures


def test_participant_ids_are_pseudonymous_and_unique(data: sample.SampleData) -> None:
    parts = data.tables["participants"]
    assert not parts.duplicated(["pilot_id", "participant_id"]).any()
    assert parts["participant_id"].str.fullmatch(r"p-[0-9a-f]{8}").all()
    outcomes = data.tables["outcomes"]
    comparison = outcomes.loc[outcomes["group"] == "comparison", "participant_id"]
    assert comparison.str.fullmatch(r"c-[0-9a-f]{8}").all()
    assert not set(comparison) & set(parts["participant_id"])
    every_id = pd.concat([parts["participant_id"], outcomes["participant_id"]])
    assert not every_id.str.contains(r"(?<!\d)\d{11}(?!\d)").any()
    # a few citizens in two pilots, with the same birth year, gender and area
    shared = parts[parts["participant_id"].duplicated(keep=False)]
    assert 0 < shared["participant_id"].nunique() == data.truth["citizens_in_more_than_one_pilot"]
    assert (shared.groupby("participant_id")[["birth_year", "gender", "area"]].nunique() == 1).all(
        axis=None
    )


def test_participants_are_consistent(data: sample.SampleData) -> None:
    parts = data.tables["participants"].merge(data.tables["pilots"], on="pilot_id")
    exited = parts["exited_on"].notna()
    assert (parts.loc[exited, "exited_on"] >= parts.loc[exited, "enrolled_on"]).all()
    assert parts["exit_reason"].notna().eq(exited).all()
    assert set(parts["exit_reason"].dropna()) == set(sample._EXIT_REASONS)
    assert (parts["enrolled_on"] >= parts["start_date"]).all()
    assert set(parts["gender"]) == {"female", "male", "other", "unknown"}
    age = parts["enrolled_on"].dt.year - parts["birth_year"]
    known = parts["birth_year"].notna()
    assert age[known].between(parts["target_age_min"][known], parts["target_age_max"][known]).all()
    assert 400 <= len(parts) <= 900


def test_sessions_lie_within_enrolment(data: sample.SampleData) -> None:
    s = data.tables["sessions"].merge(
        data.tables["participants"], on=["pilot_id", "participant_id"], how="left"
    )
    assert s["enrolled_on"].notna().all()
    end = s["exited_on"].fillna(EXTRACTION)
    assert ((s["date"] >= s["enrolled_on"]) & (s["date"] <= end)).all()
    assert s["hours"].between(1, 3).all()
    by_month = s.groupby(s["date"].dt.month).size()
    assert by_month[7] < 0.25 * by_month.drop(7).mean()  # summer dip


def test_nothing_is_dated_after_the_extraction_date(data: sample.SampleData) -> None:
    t = data.tables
    dated = [
        t["costs"]["date"],
        t["participants"]["enrolled_on"],
        t["participants"]["exited_on"].dropna(),
        t["sessions"]["date"],
        t["outcomes"]["measured_on"],
        t["indicators"]["month"],
    ]
    assert max(col.max() for col in dated) <= EXTRACTION


def test_outcomes_are_inside_the_scale(data: sample.SampleData) -> None:
    o = data.tables["outcomes"].merge(data.tables["measures"], on="measure")
    assert o["value"].between(o["scale_min"], o["scale_max"]).all()
    pilot_rows = o[o["group"] == "pilot"]
    parts = data.tables["participants"]
    known = pilot_rows.merge(parts, on=["pilot_id", "participant_id"], how="left")
    assert known["enrolled_on"].notna().all()
    assert (known["measured_on"] >= known["enrolled_on"]).all()
    assert set(o.loc[o["group"] == "comparison", "pilot_id"]) == {"leksehjelp", "jobbtrening"}


def test_costs(data: sample.SampleData) -> None:
    c = data.tables["costs"].merge(data.tables["pilots"], on="pilot_id")
    assert set(c["funder"]) == {"fund", "municipality", "ferd", "entrepreneur", "other"}
    assert (c.groupby("pilot_id")["amount_nok"].sum() > 0).all()
    assert (c["amount_nok"] < 0).sum() >= 2
    outside = (c["date"] < c["start_date"]) | (c["date"] > c["end_date"])
    assert outside.sum() == 1
    assert c.loc[c["funder"] == "municipality", "in_kind"].all()


def test_cost_types_follow_what_the_line_pays_for(data: sample.SampleData) -> None:
    c = data.tables["costs"]
    assert set(c["cost_type"]) == {"start_up", "fixed", "variable"}
    kind = c.groupby("description")["cost_type"].unique().map(lambda v: ",".join(sorted(v)))
    assert kind["Oppstartskostnader: innkjøp av utstyr og materiell"] == "start_up"
    assert kind["Utbetaling fra fondet"] == "variable"
    assert kind["Arbeidstid kommunalt ansatte (naturalytelse)"] == "variable"
    assert kind["Egeninnsats: frivillige timer og ledelse"] == "fixed"
    assert kind["Medfinansiering fra Ferd Sosiale Entreprenører"] == "fixed"
    assert kind["Husleie lokaler juni"] == "fixed"
    # a correction has the type of the line it corrects
    assert kind["Korreksjon: husleie for juni var ført to ganger"] == "fixed"
    assert kind["Korreksjon: feil timesats for kommunal arbeidstid i oktober"] == "variable"
    # the start-up purchases of the two pilots that had them (_PILOTS: 35 000 and 120 000)
    start_up = c[c["cost_type"] == "start_up"].groupby("pilot_id")["amount_nok"].sum()
    assert start_up.to_dict() == {"fritid": 120_000, "leksehjelp": 35_000}


def test_alternatives_say_they_are_invented(data: sample.SampleData) -> None:
    a = data.tables["alternatives"]
    assert 2 <= len(a) <= 4 and a["alternative"].is_unique
    assert (a["unit_cost_nok"] > 0).all()
    for source in a["source"]:  # never passed off as Statistics Norway's figures
        assert "Oppdiktet" in source and "ikke fra SSB" in source
    named = a["pilot_ids"].str.split(";").explode()
    assert set(named) == set(data.tables["pilots"]["pilot_id"])  # every pilot compared
    assert a["year"].nunique() > 1  # one older price year, so the report says so


def test_finances_tell_four_stories(data: sample.SampleData) -> None:
    f = data.tables["finances"].set_index(["organisation", "year"])
    organisations = list(data.tables["pilots"]["organisation"])
    assert sorted(f.index) == sorted((o, y) for o in organisations for y in (2024, 2025, 2026))
    assert (f >= 0).all(axis=None) and (f % 1000 == 0).all(axis=None)  # whole thousands
    income = f[[f"{s}_nok" for s in ("fund", "municipality", "ferd", "other_public",
                                     "private_customers", "donations", "other_income")]]
    total = income.sum(axis=1)
    from_baerum = (f["fund_nok"] + f["municipality_nok"]) / total
    lekse, jobb, mentor, fritid = organisations
    assert from_baerum[lekse].min() >= 0.75  # lives on Bærum's money
    assert (f.loc[jobb, "private_customers_nok"] / total[jobb]).min() > 0.5  # on customers
    assert from_baerum[jobb].max() < 0.15
    assert from_baerum[mentor].is_monotonic_decreasing  # less dependent year by year
    assert from_baerum[mentor][2024] - from_baerum[mentor][2025] >= 0.05
    invested = f.groupby(level="organisation")["ferd_investment_nok"].sum()
    assert 1 <= (invested > 0).sum() <= 2
    # (income − costs) as set by hand in thousands: Lekselyst −20, 40, 10
    assert list(total[lekse] - f.loc[lekse, "total_costs_nok"]) == [-20_000, 40_000, 10_000]
    assert fritid in set(f.index.get_level_values(0))


def test_fund_income_is_what_the_pilot_booked(data: sample.SampleData) -> None:
    """The fund pays only in the agreement's years, and what an organisation reports as the
    fund's income in a year is what its pilot booked as the fund's costs that year, within
    the rounding to whole thousands (at most 500 kroner)."""
    c = data.tables["costs"].merge(data.tables["pilots"][["pilot_id", "organisation"]])
    fund = c[c["funder"] == "fund"]
    booked = fund.groupby(["organisation", fund["date"].dt.year])["amount_nok"].sum()
    f = data.tables["finances"].set_index(["organisation", "year"])["fund_nok"]
    assert (f.xs(2024, level="year") == 0).all()
    agreement_years = f[f.index.get_level_values("year") >= 2025]
    diff = (agreement_years - booked.reindex(agreement_years.index)).abs()
    assert diff.notna().all() and diff.max() <= 500, diff
    assert (agreement_years > 0).all()


def test_the_written_sample_validates_with_the_new_tables(tmp_path: Path) -> None:
    import pilot_eval as pe

    out = sample.write(sample.generate(seed=3), tmp_path / "s")
    problems = pe.validate(out)
    # the one warning put there on purpose (a cost line before its pilot's start)
    assert list(problems["rule"]) == ["cost.outside_pilot"], problems
    ds = pe.load_dataset(out)
    assert {"alternatives", "finances"} <= ds.tables_present
    assert "costs.cost_type" in ds.columns_present
    assert (len(ds.alternatives), len(ds.finances)) == (3, 12)
    assert set(ds.costs["cost_type"].astype(str)) == {"start_up", "fixed", "variable"}


def test_valuation_sources_are_honest(data: sample.SampleData) -> None:
    v = data.tables["valuation"]
    assert set(v["basis"]) == {"per_success", "per_unit"}
    assert (v["source"] == sample.ILLUSTRATIVE_SOURCE).all()
    factors = v[["deadweight", "attribution", "displacement", "drop_off"]]
    assert ((factors >= 0) & (factors <= 1)).all(axis=None)


def test_population_is_the_ssb_table(data: sample.SampleData, tmp_path: Path) -> None:
    pop = data.tables["population"]
    assert len(pop) == 12 * 106 * 2 and set(pop["area"]) == {"all"}
    assert pop.loc[pop["year"] == 2024, "count"].sum() == 130_921
    if not SSB_SOURCE.exists():
        pytest.skip("shared SSB source file not present")
    out = sample.write(data, tmp_path / "s")
    assert (out / "population.csv").read_bytes() == SSB_SOURCE.read_bytes()


def test_pre_post_recovers_the_truth_without_comparison(data: sample.SampleData) -> None:
    wide = _wide(data.tables["outcomes"])
    checked = 0
    for eff in data.truth["effects"]:
        if eff["design"] != "pre_post":
            continue
        d = wide.query("pilot_id == @eff['pilot_id'] and measure == @eff['measure']")["change"]
        se = d.std() / math.sqrt(len(d))
        assert len(d) == eff["n_pilot_measured"]
        assert eff["secular_trend"] == 0
        assert abs(d.mean() - eff["true_effect"]) < 3.5 * se + 0.3, eff
        checked += 1
    assert checked >= 2


def test_comparison_group_makes_pre_post_biased_and_did_not(data: sample.SampleData) -> None:
    wide = _wide(data.tables["outcomes"])
    eff = next(
        e
        for e in data.truth["effects"]
        if (e["pilot_id"], e["measure"]) == ("jobbtrening", "mestring")
    )
    g = wide.query("pilot_id == 'jobbtrening' and measure == 'mestring'").groupby("group")["change"]
    pre_post = g.mean()["pilot"]
    did = pre_post - g.mean()["comparison"]
    se = math.sqrt((g.var() / g.size()).sum())
    assert abs(did - eff["true_effect"]) < 3.5 * se
    assert abs(pre_post - eff["expected_pre_post_change"]) < abs(pre_post - eff["true_effect"])
    assert eff["design"] == "did" and eff["true_effect_meets_mid"] is False


def test_truth_is_consistent(data: sample.SampleData) -> None:
    truth = data.truth
    assert (truth["seed"], truth["scale"]) == (2025, 1)
    json.dumps(truth)  # serialisable
    pilots = {p["pilot_id"]: p for p in truth["pilots"]}
    assert set(pilots) == set(data.tables["pilots"]["pilot_id"])
    counts = data.tables["participants"].groupby("pilot_id").size()
    for pid, p in pilots.items():
        assert counts[pid] == p["n_participants"]
    measured = data.tables["outcomes"][["pilot_id", "measure"]].drop_duplicates()
    pairs = {(e["pilot_id"], e["measure"]) for e in truth["effects"]}
    assert pairs == set(map(tuple, measured.to_numpy()))
    for e in truth["effects"]:
        assert e["design"] == pilots[e["pilot_id"]]["design"]
        assert 0.1 <= e["attrition_share_due"] <= 0.35 or e["pilot_id"] == "fritid"
        assert e["success_rate_pilot"] >= 0
    stories = [e["true_effect_meets_mid"] for e in truth["effects"] if e["measure"] == "trivsel"]
    assert True in stories and False in stories


def test_indicator_level_change_is_recoverable(data: sample.SampleData) -> None:
    ind = data.tables["indicators"]
    its = data.truth["indicator"]
    assert math.isclose(
        its["log_level_rate_ratio"], math.log(its["level_rate_ratio"]), abs_tol=1e-6
    )
    m = ind["month"].dt.month.to_numpy()
    post = (ind["month"] >= pd.Timestamp(its["change_month"])).to_numpy(dtype=float)
    X = np.column_stack(
        [np.ones(len(ind)), np.arange(len(ind)), post]
        + [f(k * np.pi * m / 6) for k in (1, 2) for f in (np.sin, np.cos)]
    )
    fit = sm.GLM(
        ind["value"].to_numpy(),
        X,
        family=sm.families.Poisson(),
        offset=np.log(ind["population"].to_numpy()),
    ).fit()
    low, high = np.exp(fit.conf_int()[2])
    assert low < its["level_rate_ratio"] < high
    assert len(ind) == its["n_months"] and ind["value"].ge(0).all()


def test_scale_multiplies_people_and_keeps_ids_unique() -> None:
    one, three = sample.generate(scale=1), sample.generate(scale=3)
    n1, n3 = len(one.tables["participants"]), len(three.tables["participants"])
    assert n3 == 3 * n1
    s1, s3 = len(one.tables["sessions"]), len(three.tables["sessions"])
    assert 2.5 < s3 / s1 < 3.5
    assert 2.5 < len(three.tables["outcomes"]) / len(one.tables["outcomes"]) < 3.5
    parts = three.tables["participants"]
    assert not parts.duplicated(["pilot_id", "participant_id"]).any()
    assert len(three.tables["costs"]) == len(one.tables["costs"])


def test_write_replaces_a_sample_folder_but_not_other_folders(tmp_path: Path) -> None:
    small = sample.generate()
    out = tmp_path / "sample"
    sample.write(small, out)
    sample.write(sample.generate(seed=1), out)  # replaces the previous sample
    assert json.loads((out / "truth.json").read_text(encoding="utf-8"))["seed"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sample"]  # no temp folders left
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(UsageError):
        sample.write(small, other)
    assert (other / "notes.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("kwargs", [{"scale": 0}, {"scale": 1.5}, {"seed": -1}, {"seed": "x"}])
def test_generate_rejects_bad_arguments(kwargs: dict) -> None:
    with pytest.raises(UsageError):
        sample.generate(**kwargs)


def test_readme_says_synthetic_and_cites_ssb(data: sample.SampleData) -> None:
    text = sample._readme(data)
    assert "SYNTHETIC" in text and "SYNTETISKE" in text
    assert "Kilde: Statistisk sentralbyrå (SSB), tabell 07459" in text
    assert "CC BY 4.0" in text
    assert "pilot-eval sample --out data/sample --seed 2025" in text
    flat = " ".join(text.split())
    assert "**not** from Statistics Norway" in flat and "ikke tall fra SSB" in flat
    assert re.search(r"`finances.csv` \| 12 \|", text)
    assert re.search(r"`sessions.csv` \| [\d ]+ \|", text)
