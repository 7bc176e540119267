"""The words and tables of "Etter avtaleperioden" (present/after.py), on hand-made metric
frames shaped as metrics.decision and metrics.enterprise return them."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

from pilot_eval.present import after

NAMES = {"a": "Leksehjelp", "b": "Mentor"}


def scenario_frame(over: dict | None = None) -> pd.DataFrame:
    """Two pilots × three cases; pilot b has 3 participants (below min_cell_size 5)."""
    rows = []
    for pid, enrolled, fixed, v in (("a", 60, 200_000.0, 10_000.0), ("b", 3, 50_000.0, 8_000.0)):
        today = enrolled / 1.5
        for key, n in (("continue", today), ("reach_target", 100.0), ("share_of_population", 400.0)):
            cost = fixed + v * n
            rows.append({"pilot_id": pid, "scenario": key, "enrolled": enrolled,
                         "participants_per_year": n, "participants_per_year_today": today,
                         "cost_per_year_nok": cost, "cost_per_year_low_nok": fixed + 0.8 * v * n,
                         "cost_per_year_high_nok": fixed + 1.2 * v * n,
                         "cost_per_participant_nok": cost / n,
                         "budget_nominal_nok": 3 * cost,
                         "budget_discounted_nok": cost * sum(1.04 ** -t for t in (1, 2, 3)),
                         "outcome_promise": "uncertain", "evidence_rating": "weak",
                         "outcome_measure": "trivsel", "outcome_improvement": 3.0,
                         "note": "far_beyond" if key == "share_of_population" else ""})
    frame = pd.DataFrame(rows)
    for (pid, key), values in (over or {}).items():
        mask = (frame["pilot_id"] == pid) & (frame["scenario"] == key)
        for col, value in values.items():
            frame.loc[mask, col] = value
    return frame.set_index(["pilot_id", "scenario"])


MEASURES = pd.DataFrame({"measure": ["trivsel"], "label_nb": ["trivsel"],
                         "label_en": ["well-being"], "unit": ["poeng"]})


def test_continuing_lines_give_cost_range_and_people_and_hide_a_small_pilot():
    lines = after.continuing_lines(scenario_frame(), NAMES, "nb", min_cell_size=5)
    # a: 200 000 + 10 000 × 40 = 600 000 kr a year, 40 new participants a year
    assert lines[0] == ("Leksehjelp: om lag 0,6\u00a0mill.\u00a0kr per år (0,5–0,7\u00a0mill.\u00a0kr)"
                        " for om lag 40 nye deltakere per år.")
    assert lines[1].startswith("Mentor: kan ikke regnes ut ennå, fordi det er for få deltakere")
    assert "2" not in lines[1]  # neither the 3 participants nor their 2 a year
    # the total would give the small pilot's cost back: not said
    assert after.continuing_total(scenario_frame(), min_cell_size=5) is None
    assert after.continuing_total(scenario_frame(), min_cell_size=3) == pytest.approx(
        600_000 + 50_000 + 8_000 * 2)


def test_scenario_table_hides_a_pilot_below_min_cell_size():
    table = after.scenario_table(scenario_frame(), NAMES, "nb", min_cell_size=5, share=0.1)
    data = table.data
    a_rows = data[data["Pilot"] == "Leksehjelp"]
    assert list(a_rows["Tilfelle"]) == ["Som i dag", "Nå deltakermålet",
                                        "Nå 10\u00a0% av målgruppen"]
    assert a_rows["Kostnad per år (mill. kr)"].iloc[1] == "1,2"  # 200 000 + 10 000 × 100
    assert a_rows["Lav–høy (mill. kr)"].iloc[1] == "1,0–1,4"
    b_rows = data[data["Pilot"] == "Mentor"]
    assert set(b_rows["Kostnad per år (mill. kr)"]) == {"–"}
    assert set(b_rows["Nye deltakere per år"]) == {"–"}
    assert 'scope="rowgroup"' in table.html and "<caption" in table.html


def test_a_case_without_a_number_is_a_dash_not_zero():
    frame = scenario_frame({("a", "reach_target"): {"participants_per_year": np.nan,
                                                      "cost_per_year_nok": np.nan}})
    data = after.scenario_table(frame, NAMES, "en", min_cell_size=5, share=0.25).data
    row = data[(data["Pilot"] == "Leksehjelp") & (data["Case"] == "Reach the target")]
    assert row["Cost a year (NOK m)"].iloc[0] == "–"
    assert row["New participants a year"].iloc[0] == "–"


def test_a_scenario_never_promises_what_a_weak_result_cannot_carry():
    said = after.promise_sentences(scenario_frame(), NAMES, "nb", measures=MEASURES)
    assert said[0] == ("Leksehjelp: resultatene er for usikre til å love noe for flere "
                       "deltakere (svak evidens).")
    effect = scenario_frame({("a", "continue"): {"outcome_promise": "effect",
                                                   "evidence_rating": "moderate"}})
    said = after.promise_sentences(effect, NAMES, "nb", measures=MEASURES)
    assert said[0].startswith("Leksehjelp: trivsel ble bedre med 3,0\u00a0poeng (moderat evidens)")
    assert "ikke sikkert" in said[0]
    said = after.promise_sentences(effect, NAMES, "en", measures=MEASURES)
    assert said[0].startswith("Leksehjelp: Well-being improved by 3.0\u00a0points")  # not poeng
    unknown = scenario_frame({("b", "continue"): {"outcome_promise": "unknown"}})
    assert "vet ennå ikke" in after.promise_sentences(unknown, NAMES, "nb", measures=MEASURES)[1]


def test_scenario_notes_say_who_pays_and_the_caveats():
    notes = after.scenario_notes(scenario_frame(), NAMES, "nb", discount_rate=0.04,
                                 has_cost_types=False)
    assert "hele kostnaden" in notes[0] and "4\u00a0%" in notes[0]
    assert any("ikke merket som oppstart" in n for n in notes)
    caveats = after.scenario_caveats(scenario_frame(), NAMES, "nb")
    assert any(n.startswith("Leksehjelp og Mentor: minst ett av tilfellene") for n in caveats)
    notes = after.scenario_notes(scenario_frame(), NAMES, "en", discount_rate=0.035,
                                 has_cost_types=True)
    assert "3.5" in notes[0] and not any("not marked" in n for n in notes)


def unit_frame(low: float, high: float) -> pd.DataFrame:
    return pd.DataFrame({
        "pilot_id": ["a"], "alternative": ["leksehjelp_kommunal"],
        "alternative_name": ["Kommunal leksehjelp"], "unit_cost_nok": [12_000.0],
        "year": [2025], "source": ["Oppdiktet eksempeltall"],
        "pilot_cost_per_participant_year_nok": [9_000.0],
        "pilot_cost_per_participant_year_low_nok": [low],
        "pilot_cost_per_participant_year_high_nok": [high],
        "difference_nok": [-3_000.0]}).set_index(["pilot_id", "alternative"])


def test_unit_costs_say_cheaper_only_when_the_range_does_not_cover_today():
    clear = after.unit_cost_sentences(unit_frame(8_000, 10_000), NAMES, "nb", min_cell_size=5,
                                      enrolled={"a": 60, "b": 3}, pilots=["a", "b"])
    assert clear[0].endswith("Piloten er om lag 3\u00a0000\u00a0kr billigere per deltaker.")
    assert clear[1] == "Mentor: ingen tall for et lignende tilbud."
    unclear = after.unit_cost_sentences(unit_frame(7_000, 13_000), NAMES, "nb", min_cell_size=5,
                                        enrolled={"a": 60}, pilots=["a"])
    assert "usikkert" in unclear[0] and "billigere per deltaker" not in unclear[0]
    small = after.unit_cost_sentences(unit_frame(7_000, 13_000), NAMES, "nb", min_cell_size=5,
                                      enrolled={"a": 4}, pilots=["a"])
    assert small == ["Leksehjelp: for få deltakere til å regne ut hva en deltaker koster per år."]
    table = after.unit_cost_table(unit_frame(8_000, 10_000), NAMES, "nb", min_cell_size=5,
                                  enrolled={"a": 60})
    assert "Kilde for Kommunal leksehjelp: Oppdiktet eksempeltall." in table.notes
    assert any("ikke justert for prisvekst" in n for n in table.notes)


def gaps_and_counts() -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Pilot a: 37 girls, 3 boys against a target group 50/50; age 10–12 and 13–15."""
    gender = pd.DataFrame({"pilot_id": ["a", "a", "a", "a"],
                           "gender": ["female", "male", "other", "unknown"],
                           "enrolled": [37, 3, 0, 0]}).set_index(["pilot_id", "gender"])
    age = pd.DataFrame({"pilot_id": ["a", "a"], "age_group": ["10–12", "13–15"],
                        "enrolled": [28, 12]}).set_index(["pilot_id", "age_group"])
    area = pd.DataFrame({"pilot_id": ["a"], "area": ["unknown"], "enrolled": [40]}) \
        .set_index(["pilot_id", "area"])
    gaps = pd.DataFrame({
        "pilot_id": ["a"] * 4, "by": ["gender", "gender", "age_group", "age_group"],
        "group": ["female", "male", "10–12", "13–15"], "enrolled": [37, 3, 28, 12],
        "share": [37 / 40, 3 / 40, 0.7, 0.3], "target_share": [0.5, 0.5, 0.5, 0.5]})
    gaps["representation"] = gaps["share"] / gaps["target_share"]
    gaps["least_reached"] = [False, True, False, True]
    return gaps.set_index(["pilot_id", "by", "group"]), {"gender": gender, "age_group": age,
                                                         "area": area}


def test_reach_gaps_name_the_least_reached_without_revealing_a_small_group():
    gaps, counts = gaps_and_counts()
    said = after.reach_gap_sentences(gaps, counts, NAMES, "nb", min_cell_size=5, pilots=["a"])
    assert said == ["Leksehjelp: minst nådd er gutter (50\u00a0% av målgruppen, færre enn 5 "
                    "deltakere) og 13–15 år (50\u00a0% av målgruppen, 30\u00a0% av deltakerne)."]
    assert "8\u00a0%" not in said[0]  # 3 of 40 boys is never said
    # a pilot spread like its target group
    even = gaps.assign(target_share=gaps["share"], representation=1.0)
    said = after.reach_gap_sentences(even, counts, NAMES, "nb", min_cell_size=5, pilots=["a"])
    # (the 3 boys are hidden: whether they are reached less cannot be told)
    assert said == ["Leksehjelp: ingen gruppe er klart minst nådd blant dem vi kan vise. Noen "
                    "grupper er så små at vi ikke kan si mer uten å avsløre dem."]
    # ... with no group hidden, and the lowest (0,9 of its share) not clearly below it
    close = gaps.assign(share=[0.45, 0.55, 0.72, 0.28], target_share=[0.5, 0.5, 0.7, 0.3])
    close["representation"] = close["share"] / close["target_share"]
    close["least_reached"] = [True, False, False, False]
    spread = {**counts, "gender": counts["gender"].assign(enrolled=[18, 22, 0, 0]),
              "age_group": counts["age_group"].assign(enrolled=[29, 11])}
    said = after.reach_gap_sentences(close.assign(enrolled=[18, 22, 29, 11]), spread, NAMES,
                                     "nb", min_cell_size=5, pilots=["a"])
    assert said == ["Leksehjelp: deltakerne fordeler seg omtrent som målgruppen."]
    # a pilot with too few participants is not broken down at all
    few = {k: v.assign(enrolled=v["enrolled"].clip(upper=1)) for k, v in counts.items()}
    said = after.reach_gap_sentences(gaps, few, NAMES, "en", min_cell_size=5, pilots=["a"])
    assert said == ["Leksehjelp: we cannot say who is reached least, because there are too "
                    "few participants."]


def enterprise_frames(part_year: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    fin = pd.DataFrame({
        "organisation": ["Lekselyst AS"] * 3, "year": [2024, 2025, 2026],
        "income_total_nok": [1e6, 2e6, 1e6], "municipality_share": [0.8, 0.6, 0.5],
        "fund_share": [0.0, 0.3, 0.3], "ferd_share": [0.1, 0.1, 0.1],
        "total_costs_nok": [0.9e6, 2.1e6, np.nan], "result_nok": [0.1e6, -0.1e6, np.nan],
        "ferd_investment_nok": [0.0, 500_000.0, 0.0],
        "part_year": [False, False, part_year]}).set_index(["organisation", "year"])
    summary = pd.DataFrame({
        "organisation": ["Lekselyst AS"], "first_year": [2024],
        "last_year": [2025 if part_year else 2026], "municipality_share_first": [0.8],
        "municipality_share_last": [0.6 if part_year else 0.5], "trend": ["less_dependent"],
        "ferd_investment_total_nok": [500_000.0]}).set_index("organisation")
    return fin, summary


def test_enterprise_sentences_state_dependence_trend_part_year_and_ferd_as_investment():
    fin, summary = enterprise_frames()
    said = after.enterprise_sentences(fin, summary, "nb",
                                      organisations=["Lekselyst AS", "Veivenn"])
    assert said[0].startswith("I 2025 kom 60\u00a0% av inntektene til Lekselyst AS fra Bærum "
                              "kommune (fondet og kjøp fra kommunen). I 2024 var det 80\u00a0%, "
                              "så virksomheten er blitt mindre avhengig av kommunen.")
    assert "Tallene for 2026 gjelder bare deler av året." in said[0]
    assert "Ferd har investert 0,5\u00a0mill.\u00a0kr i Lekselyst AS. En investering er ikke en " \
           "inntekt" in said[0]
    assert said[1] == "Veivenn: ingen tall for økonomien."
    assert after.enterprise_sentences(fin.iloc[:0], summary.iloc[:0], "en",
                                      organisations=["X"]) == [
        "The data folder has no figures for the enterprises' finances (the finances table)."]
    table = after.finances_table(fin, "nb", as_of_year=2026)
    assert list(table.data["År"]) == ["2024", "2025", "2026"]
    assert table.data["Ferds investering (mill. kr)"].tolist() == ["–", "0,5", "–"]
    assert any("2026 er ikke over" in n for n in table.notes)


def test_the_section_is_shown_from_the_last_half_only_with_data_for_it(sample_ds):
    ds = sample_ds
    plain = dataclasses.replace(ds, columns_present=ds.columns_present - {"costs.cost_type"},
                                tables_present=ds.tables_present - {"alternatives", "finances"})
    with_types = dataclasses.replace(plain, columns_present=plain.columns_present
                                     | {"costs.cost_type"})
    a = ds.agreement
    late = a.start + (a.end - a.start) * 0.75
    early = a.start + (a.end - a.start) * 0.25
    assert not after.shown(dataclasses.replace(plain, as_of_date=late), None)
    assert after.shown(dataclasses.replace(with_types, as_of_date=late), None)
    assert not after.shown(dataclasses.replace(with_types, as_of_date=early), None)
    assert after.shown(dataclasses.replace(plain, as_of_date=early), True)
    assert not after.shown(dataclasses.replace(with_types, as_of_date=late), False)


def test_exports_hide_every_figure_of_a_case_that_gives_a_small_pilot_back():
    """With its cost a year, its participants a year and its variable costs, a case gives
    the number enrolled back: for a pilot below min_cell_size all of them are hidden."""
    from pilot_eval.privacy import DERIVED, disclosure_codes

    frame = scenario_frame().assign(variable_cost_nok=24_000.0, scale_up_share=0.1)
    reach = pd.DataFrame({"enrolled": [60, 3]}, index=pd.Index(["a", "b"], name="pilot_id"))
    codes = disclosure_codes({"reach": reach, "scenarios": frame}, 5)["scenarios"]
    small = codes.xs("b", level="pilot_id")
    for col in ("cost_per_year_nok", "cost_per_year_low_nok", "participants_per_year",
                "cost_per_participant_nok", "budget_nominal_nok", "budget_discounted_nok"):
        assert (small[col] == DERIVED).all(), col
    assert (codes.xs("a", level="pilot_id")["cost_per_year_nok"] == "").all()
    assert (small["variable_cost_nok"] == "").all()  # money booked is no count of people


def _blocks(report) -> dict[str, str]:
    return {name: getattr(report, name)().html for name in
            ("after_scenarios", "after_unit_costs", "after_reach", "after_enterprise")}


def test_reports_show_the_section_with_its_data_and_nothing_without(sample_ds, tmp_path):
    from pilot_eval.present.report import PilotReport, PortfolioReport

    report = PortfolioReport(sample_ds)  # the sample is in the agreement's last half
    assert report.decision
    blocks = _blocks(report)
    assert all(blocks.values())
    assert "Kostnad per år etter avtaleperioden" in blocks["after_scenarios"]
    assert "Sammenlignet med dagens tilbud" in blocks["after_unit_costs"]
    assert "Virksomhetene bak pilotene" in blocks["after_enterprise"]
    assert "Etter avtaleperioden" in report.section("after").html
    assert "Skal pilotene fortsette som i dag" in report.summary().html
    one = PilotReport(sample_ds, "leksehjelp", language="en")
    assert "If the pilot continues as today" in one.summary().html
    assert "Lekselyst" in _blocks(one)["after_enterprise"]
    assert "Arbeidsglede" not in _blocks(one)["after_enterprise"]  # another pilot's enterprise
    # the same folder without cost types, alternatives and finances: exactly as before
    plain = dataclasses.replace(
        sample_ds, columns_present=sample_ds.columns_present - {"costs.cost_type"},
        tables_present=sample_ds.tables_present - {"alternatives", "finances"})
    before = PortfolioReport(plain)
    assert not before.decision and not any(_blocks(before).values())
    assert before.section("after").html == ""
    assert "fortsette som i dag" not in before.summary().html
    # unless asked for: then it says what it lacks
    forced = PortfolioReport(plain, decision=True)
    assert "ikke merket som oppstart" in forced.after_scenarios().html


def test_a_groups_share_is_said_of_all_participants_as_the_reach_charts_show_it():
    """Among the 38 of known age 13–15 are 12 = 32 %; of all 40 (2 of unknown age) 30 %,
    the share the reach charts publish. Saying 32 % beside them would give 40 − 38 = 2 back."""
    gaps, counts = gaps_and_counts()
    gaps = gaps.assign(pilot_enrolled=40, share_of_enrolled=gaps["enrolled"] / 40)
    gaps.loc[("a", "age_group", "13–15"), "share"] = 12 / 38
    said = after.reach_gap_sentences(gaps, counts, NAMES, "nb", min_cell_size=5, pilots=["a"])
    assert "30\u00a0% av deltakerne" in said[0] and "32\u00a0%" not in said[0]


def test_a_hidden_group_is_never_named_where_being_named_would_bound_it():
    """6 participants: 16–19 4 and 20–25 2 (both "<5"), girls 4 and boys 2 (both "<5"). Named
    "least reached, below 0,8 of its share" 20–25 would be < 0,8 × 44,6 % × 6 = 2,1, so 2,
    and 16–19 then 4 (the attack on the sentence as it was). From what is published both
    are 1–4 of 6: no group can be told apart, and the sentence says so."""
    rows = [("gender", "female", 4, 0.484), ("gender", "male", 2, 0.516),
            ("age_group", "16–19", 4, 0.554), ("age_group", "20–25", 2, 0.446)]
    gaps = pd.DataFrame(rows, columns=["by", "group", "enrolled", "target_share"])
    gaps["share"] = gaps["share_of_enrolled"] = gaps["enrolled"] / 6
    gaps["pilot_enrolled"] = 6
    gaps["representation"] = gaps["share"] / gaps["target_share"]
    gaps["least_reached"] = [False, True, False, True]
    gaps.insert(0, "pilot_id", "a")
    gaps = gaps.set_index(["pilot_id", "by", "group"])
    counts = {by: pd.DataFrame({"pilot_id": "a", by: g.index.get_level_values("group"),
                                "enrolled": g["enrolled"].to_numpy()}).set_index(["pilot_id", by])
              for by, g in gaps.groupby(level="by")}
    said = after.reach_gap_sentences(gaps, counts, NAMES, "nb", min_cell_size=5, pilots=["a"])
    assert said == ["Leksehjelp: ingen gruppe er klart minst nådd blant dem vi kan vise. Noen "
                    "grupper er så små at vi ikke kan si mer uten å avsløre dem."]


def test_exports_hide_a_small_pilots_notes_which_bound_its_enrolled():
    """4 enrolled in 1,17 years, target 8 over 1,33 years = 6 a year: "far_beyond" on the
    share row but not on the target row says 6 ≤ 2 × n / 1,17, so n ≥ 3,5 -- with "<5", 4."""
    from pilot_eval.privacy import DERIVED, disclosure_codes

    frame = scenario_frame()
    reach = pd.DataFrame({"enrolled": [60, 3]}, index=pd.Index(["a", "b"], name="pilot_id"))
    codes = disclosure_codes({"reach": reach, "scenarios": frame}, 5)["scenarios"]
    assert (codes.xs("b", level="pilot_id")["note"] == DERIVED).all()
    assert (codes.xs("a", level="pilot_id")["note"] == "").all()


def test_what_a_politician_would_misread_is_said_plainly():
    # every cost marked start-up: no running cost, so no "0 kr a year"
    only_start = scenario_frame({("a", "continue"): {"cost_per_year_nok": 0.0,
                                                     "fixed_cost_nok": 0.0,
                                                     "variable_cost_nok": 0.0,
                                                     "start_up_cost_nok": 90_000.0}})
    line = after.continuing_lines(only_start, NAMES, "nb", min_cell_size=5)[0]
    assert line == ("Leksehjelp: kan ikke regnes ut ennå, fordi alle kostnadene er merket som "
                    "oppstartskostnader.")
    # "reach the target" below today's intake (40 a year against a target pace of 30)
    below = scenario_frame({("a", "reach_target"): {"participants_per_year": 30.0}})
    notes = after.scenario_notes(below, NAMES, "nb", discount_rate=0.04, has_cost_types=True)
    assert any(n.startswith("Leksehjelp: har allerede flere nye deltakere per år enn målet")
               for n in notes)
    assert not any("Mentor: har allerede" in n for n in notes)  # hidden: nothing said of it
    # under a participant-year of running costs: too early, not "488 700 kr dearer"
    early = unit_frame(8_000, 10_000).assign(note="few_participant_years")
    said = after.unit_cost_sentences(early, NAMES, "nb", min_cell_size=5, enrolled={"a": 60},
                                     pilots=["a"])
    assert said[0].startswith("Leksehjelp: for tidlig å sammenligne.")
    none = after.unit_cost_sentences(early, NAMES, "nb", min_cell_size=5, enrolled={"a": 0},
                                     pilots=["a"])
    assert none == ["Leksehjelp: kan ikke regnes ut ennå, fordi ingen er med ennå."]
    # without cost types, the lead does not say start-up costs were left out
    lead = after.scenario_lead(scenario_frame(), "nb", who="pilotene", share="10 %",
                               has_cost_types=False)
    assert "Oppstartskostnader er holdt utenfor" not in lead


def test_the_scenario_table_and_chart_print_the_same_people_a_year(sample_ds) -> None:
    """The table once said 165 and 1 000 new participants a year where the chart beside it
    said 167 and 1 038: both now round through fmt.about_count."""
    from pilot_eval import metrics
    from pilot_eval.present import figures

    scenarios = metrics.scenarios(sample_ds)
    table = after.scenario_table(scenarios, sample_ds.pilots, "nb", min_cell_size=5,
                                 share=sample_ds.agreement.scale_up_share).data
    people = table.iloc[:, 2].tolist()  # pilot, case, new participants a year, …
    alt = figures.scenario_chart(scenarios, sample_ds.pilots, language="nb",
                                 min_cell_size=5).alt.replace("\u00a0", " ")
    said = re.findall(r"for ([\d ]+) deltakere per år", alt)
    assert said and all(n in [p.replace("\u00a0", " ") for p in people] for n in said), (said, people)
