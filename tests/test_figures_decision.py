"""Tests for the charts of the decision at the end of the agreement
(pilot_eval.present.figures.decision): scenarios, representation, the enterprise.

The charts take the metric tables of issue 13 (metrics.decision, metrics.enterprise); they
are built here by hand, in the shape of the contract, with numbers worked out on paper
(:func:`_example_frames`), so the charts are tested apart from the metric code.
"""

from __future__ import annotations

import inspect
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from pilot_eval.errors import UsageError
from pilot_eval.present import figures as F
from pilot_eval.present.figures import decision as D

NBSP = "\u00a0"
K = 5
NAMES = {"leksehjelp": "Leksehjelp med matpakke", "jobbtrening": "Jobbtrening Ung",
         "mentor": "Mentorprogrammet Veivenn", "fritid": "Fritidsguiden",
         "liten": "Liten pilot"}


def texts(svg: str) -> list[str]:
    """The words of every text drawn in a chart (kept as ``aria-label``), NBSP as space."""
    return [el.get("aria-label").replace(NBSP, " ") for el in ET.fromstring(svg).iter()
            if el.get("aria-label") is not None]


def plain(text: str | None) -> str:
    return (text or "").replace(NBSP, " ")


# ---- example frames ------------------------------------------------------------------------


def _scenarios() -> pd.DataFrame:
    """metrics.decision.scenarios for five pilots, worked out by hand.

    Per pilot: fixed cost per year F, variable cost per participant v (low vL, high vH),
    participants per year today N0; cost per year = F + v × N.

    * leksehjelp: F = 300 000, v = 4 000 (3 400–4 600), N0 = 180, reach target 160 a year,
      10 % of 5 400 = 540 a year (far beyond):
      continue 300 000 + 720 000 = 1 020 000 (912 000–1 128 000);
      reach_target 300 000 + 640 000 = 940 000 (844 000–1 036 000);
      share 300 000 + 2 160 000 = 2 460 000 (2 136 000–2 784 000).
    * jobbtrening: F = 250 000, v = 9 000 (7 000–11 000), N0 = 70, target 100 a year, target
      population unknown: continue 880 000 (740 000–1 020 000); reach_target 1 150 000
      (950 000–1 350 000); share NaN (no_target_population).
    * mentor: F = 180 000, v = 7 000, no range (no_range), N0 = 75, no reach target, 10 % of
      1 500 = 150: continue 705 000; reach_target NaN (no_reach_target); share 1 230 000.
    * fritid: few months observed; F = 120 000, v = 6 000 (5 000–7 000), N0 = 50, target 110,
      10 % of 3 000 = 300: continue 420 000; reach_target 780 000; share 1 920 000.
    * liten: 3 participants: never drawn (cost per participant of 3 people).
    """
    rows = []

    def add(pid, enrolled, fixed, v, v_lo, v_hi, ns, notes, promise):
        today = fixed + v * ns[0] if np.isfinite(ns[0]) else np.nan
        for scenario, n, note in zip(D._SCENARIOS, ns, notes, strict=True):
            cost = fixed + v * n if np.isfinite(n) else np.nan
            lo = fixed + v_lo * n if np.isfinite(n) and np.isfinite(v_lo) else np.nan
            hi = fixed + v_hi * n if np.isfinite(n) and np.isfinite(v_hi) else np.nan
            rows.append({"pilot_id": pid, "scenario": scenario, "enrolled": enrolled,
                         "participants_per_year": n, "cost_per_year_nok": cost,
                         "cost_per_year_low_nok": lo, "cost_per_year_high_nok": hi,
                         "change_from_today_nok": cost - today, "scale_up_share": 0.10,
                         "outcome_promise": promise, "note": note})

    add("leksehjelp", 252, 300_000, 4_000, 3_400, 4_600, (180, 160, 540),
        ("", "", "far_beyond"), "effect")
    add("jobbtrening", 93, 250_000, 9_000, 7_000, 11_000, (70, 100, np.nan),
        ("", "", "no_target_population"), "uncertain")
    add("mentor", 110, 180_000, 7_000, np.nan, np.nan, (75, np.nan, 150),
        ("no_range", "no_range;no_reach_target", "no_range"), "uncertain")
    add("fritid", 42, 120_000, 6_000, 5_000, 7_000, (50, 110, 300),
        ("few_months", "few_months;far_beyond", "few_months;far_beyond"), "unknown")
    add("liten", 3, 50_000, 10_000, 8_000, 12_000, (2, 20, 40), ("", "far_beyond",
                                                                  "far_beyond"), "unknown")
    return pd.DataFrame(rows).set_index(["pilot_id", "scenario"])


def _reach_gaps() -> pd.DataFrame:
    """metrics.decision.reach_gaps for mentor (110 participants, 3 of unknown area).

    * area: Sandvika 78 (70,9 %), Rud 29 (26,4 %); target 55 % and 45 %: representation
      1,29 and 0,59, so Rud is least reached.
    * gender: female 58 (52,7 %), male 49, other 3 (<5); male is hidden to protect other
      (the total of 110 is published). Only female is shown, so no group is called least
      reached (nothing to compare it with).
    * age group: 12–14 46 (41,8 %), 15–18 64 (58,2 %); target 43 % and 57 %: representation
      0,97 and 1,02, so 12–14 is least reached.
    """
    n = 110
    rows = [("area", "Sandvika", 78, 0.55, False), ("area", "Rud", 29, 0.45, True),
            ("gender", "female", 58, 0.49, False), ("gender", "male", 49, 0.51, True),
            ("gender", "other", 3, np.nan, False),
            ("age_group", "12–14", 46, 0.43, True), ("age_group", "15–18", 64, 0.57, False)]
    df = pd.DataFrame(rows, columns=["by", "group", "enrolled", "target_share",
                                     "least_reached"])
    df["share"] = df["enrolled"] / n
    df["target_population"] = (df["target_share"] * 1500).round()
    df["representation"] = df["share"] / df["target_share"]
    df.insert(0, "pilot_id", "mentor")
    return df.set_index(["pilot_id", "by", "group"])


_SOURCES = ("fund", "municipality", "ferd", "other_public", "private_customers",
            "donations", "other_income")


def _enterprise() -> pd.DataFrame:
    """metrics.enterprise.enterprise_finances for two organisations.

    Lekselyst 2025: 600 000 + 400 000 from the municipality of 1 520 000 income = 66 %;
    2026 (part year): 300 000 + 350 000 of 910 000 = 71 %. Veivenn 2025: 500 000 of
    1 600 000 = 31 %; 2026 costs unknown. Ferd invested 500 000 in Lekselyst in 2025.
    """
    rows = [
        ("Lekselyst Bærum AS", 2024, (0, 0, 0, 0, 500_000, 100_000, 0), 700_000, 0, False),
        ("Lekselyst Bærum AS", 2025, (600_000, 400_000, 150_000, 0, 300_000, 50_000, 20_000),
         1_600_000, 500_000, False),
        ("Lekselyst Bærum AS", 2026, (300_000, 350_000, 0, 0, 250_000, 0, 10_000), 950_000, 0,
         True),
        ("Veivenn Stiftelse", 2025, (500_000, 0, 0, 800_000, 0, 300_000, 0), 1_550_000, 0,
         False),
        ("Veivenn Stiftelse", 2026, (250_000, 0, 0, 400_000, 0, 200_000, 0), np.nan, 0, True),
    ]
    out = []
    for org, year, amounts, costs, invest, part in rows:
        r = {"organisation": org, "year": year}
        r.update({f"{s}_nok": float(a) for s, a in zip(_SOURCES, amounts, strict=True)})
        income = float(sum(amounts))
        r.update({"income_total_nok": income, "total_costs_nok": costs,
                  "result_nok": income - costs, "municipality_share":
                  (amounts[0] + amounts[1]) / income, "ferd_investment_nok": float(invest),
                  "pilot_ids": "leksehjelp" if org.startswith("Lekse") else "mentor",
                  "part_year": part})
        out.append(r)
    return pd.DataFrame(out).set_index(["organisation", "year"])


def _example_frames() -> dict[str, pd.DataFrame]:
    return {"scenarios": _scenarios(), "reach_gaps": _reach_gaps(),
            "enterprise": _enterprise()}


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return _example_frames()


@pytest.fixture(scope="module")
def figs(frames) -> dict[str, F.Figure]:
    return {
        "scenarios": F.scenario_chart(frames["scenarios"], NAMES, min_cell_size=K),
        "scenarios_one": F.scenario_chart(frames["scenarios"], NAMES, pilot_id="jobbtrening",
                                          min_cell_size=K),
        "representation": F.representation_chart(frames["reach_gaps"], NAMES,
                                                 pilot_id="mentor", min_cell_size=K),
        "enterprise": F.enterprise_chart(frames["enterprise"]),
        "enterprise_one": F.enterprise_chart(frames["enterprise"],
                                             organisation="Lekselyst Bærum AS"),
    }


# ---- every chart ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["scenarios", "scenarios_one", "representation",
                                  "enterprise", "enterprise_one"])
def test_chart_is_an_svg_with_title_alt_and_caption(figs, name):
    fig = figs[name]
    assert fig.is_chart
    root = ET.fromstring(fig.svg)
    assert abs(float(root.get("width")[:-2]) - F.WIDTH_MM / 25.4 * 72) < 1  # 160 mm
    assert root[0].text == fig.title and root[1].text == fig.alt
    assert fig.alt.startswith("Stolpediagram:") and re.search(r"\d", fig.alt)
    assert "<text" not in fig.svg  # glyph outlines
    assert min(float(s) * 100 for s in re.findall(r"scale\(([\d.]+) -", fig.svg)) >= 8 - 1e-9
    assert fig.caption and fig.caption.strip()


def test_same_input_gives_the_same_bytes(frames, figs):
    assert F.scenario_chart(frames["scenarios"], NAMES, min_cell_size=K).svg \
        == figs["scenarios"].svg
    assert F.representation_chart(frames["reach_gaps"], NAMES, pilot_id="mentor",
                                  min_cell_size=K).svg == figs["representation"].svg
    assert F.enterprise_chart(frames["enterprise"]).svg == figs["enterprise"].svg


def test_min_cell_size_is_keyword_only_and_required():
    for fn in (F.scenario_chart, F.representation_chart):
        p = inspect.signature(fn).parameters["min_cell_size"]
        assert p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is inspect.Parameter.empty
    with pytest.raises(TypeError):
        F.scenario_chart(_scenarios(), NAMES, None, 5)  # type: ignore[misc]
    with pytest.raises(UsageError):
        F.scenario_chart(_scenarios(), NAMES, min_cell_size=0)


# ---- scenarios -----------------------------------------------------------------------------


def test_scenario_alt_states_the_costs_worked_out_by_hand(figs):
    alt = plain(figs["scenarios"].alt)
    assert "Leksehjelp med matpakke: videreføre som i dag 1,0 mill. kr (0,9–1,1 mill. kr) " \
           "for 180 deltakere per år" in alt
    assert "nå målet for antall deltakere 0,94 mill. kr (0,84–1,04 mill. kr)" in alt
    assert "nå 10 % av målgruppen 2,5 mill. kr (2,1–2,8 mill. kr) for 540" in alt
    assert "Jobbtrening Ung: videreføre som i dag 0,88 mill. kr (0,74–1,02 mill. kr)" in alt
    assert "Mentorprogrammet Veivenn: videreføre som i dag 0,71 mill. kr for 75" in alt


def test_scenario_bars_are_labelled_with_amount_range_and_change(figs):
    drawn = texts(figs["scenarios"].svg)
    assert "1,0 mill. kr (0,9–1,1)" in drawn  # leksehjelp, continue
    assert "2,5 mill. kr (2,1–2,8)" in drawn  # leksehjelp, 10 %: 2 460 000
    assert "1,4 mill. kr mer enn i dag" in drawn  # 2 460 000 − 1 020 000
    assert "80 000 kr mindre enn i dag" in drawn  # 940 000 − 1 020 000
    assert "Videreføre som i dag" in drawn and "Nå målet for antall deltakere" in drawn
    assert "Nå 10 % av målgruppen" in drawn
    assert "Dagens nivå (videreføre som i dag)" in drawn  # today's level is marked, and keyed


def test_scenarios_without_a_cost_say_why(figs):
    fig = figs["scenarios"]
    alt, caption = plain(fig.alt), plain(fig.caption)
    assert "nå 10 % av målgruppen: kan ikke regnes ut (størrelsen på målgruppen er ukjent)" \
        in alt
    assert "nå målet for antall deltakere: kan ikke regnes ut (piloten har ikke mål for " \
           "antall deltakere)" in alt
    assert "Ikke regnet ut:" in caption and "Jobbtrening Ung, «Nå 10 % av målgruppen»" in caption
    drawn = " ".join(texts(fig.svg))
    assert "Kan ikke regnes ut: størrelsen på målgruppen er ukjent" in drawn


def test_scenario_caption_carries_the_caveats(figs):
    caption = plain(figs["scenarios"].caption)
    assert "oppstartskostnader er holdt utenfor" in caption
    assert "Mer enn dobbelt så mange deltakere som i dag for Leksehjelp med matpakke og " \
           "Fritidsguiden" in caption
    assert "Færre enn seks måneder observert (Fritidsguiden)" in caption
    assert "Ingen lav–høy for Mentorprogrammet Veivenn" in caption
    # the outcome is green only for leksehjelp: the others' cost is no promise
    assert "usikkert eller ukjent for Jobbtrening Ung, Mentorprogrammet Veivenn og " \
           "Fritidsguiden" in caption


def test_a_pilot_with_fewer_than_5_participants_is_not_drawn(figs):
    fig = figs["scenarios"]
    assert "Liten pilot" not in " ".join(texts(fig.svg))
    assert "Liten pilot: færre enn 5 deltakere" in plain(fig.alt)
    assert "Ikke vist: Liten pilot (færre enn 5 deltakere" in plain(fig.caption)
    # its cost (50 000 + 10 000 × 2 = 70 000) is nowhere
    assert "70 000" not in plain(fig.alt) + " ".join(texts(fig.svg))


def test_one_pilot_is_titled_with_its_name_and_has_no_panel_title(figs):
    fig = figs["scenarios_one"]
    assert fig.title.startswith("Jobbtrening Ung: kostnad per år")
    assert "Leksehjelp med matpakke" not in fig.alt + " ".join(texts(fig.svg))
    assert plain(fig.alt).startswith("Stolpediagram: kostnad per år, lav–høy i parentes. "
                                     "Videreføre som i dag 0,88 mill. kr")


def test_scenario_nothing_to_draw_is_a_sentence(frames):
    only_small = F.scenario_chart(frames["scenarios"], NAMES, pilot_id="liten",
                                  min_cell_size=K)
    assert not only_small.is_chart and only_small.caption is None
    assert only_small.alt == ("Kostnaden ved å videreføre kan ikke regnes ut: færre enn 5 "
                              "deltakere, for få til å regne ut kostnad per deltaker.")
    s = _scenarios().reset_index()
    s = s[s["pilot_id"] == "mentor"].assign(cost_per_year_nok=np.nan, note="not_started",
                                            enrolled=0)
    fig = F.scenario_chart(s, NAMES, min_cell_size=K)
    assert fig.alt == ("Kostnaden ved å videreføre kan ikke regnes ut for noen pilot ennå: "
                       "Mentorprogrammet Veivenn: piloten har ikke startet.")
    empty = F.scenario_chart(s.iloc[:0], NAMES, min_cell_size=K)
    assert not empty.is_chart and "Ingen piloter" in empty.alt


def test_scenario_chart_in_english(frames):
    fig = F.scenario_chart(frames["scenarios"], NAMES, min_cell_size=K, language="en")
    drawn = texts(fig.svg)
    for words in ("Continue as today", "Reach the participant target",
                  "Reach 10% of the target group", "Cost per year", "Low–high"):
        assert any(words in t for t in drawn), words
    assert "NOK 1.0 million (0.9–1.1)" in drawn
    assert "NOK 80,000 less than today" in drawn
    assert 'Not worked out: Jobbtrening Ung, "Reach 10% of the target group"' in plain(
        fig.caption)
    assert "Videreføre" not in " ".join(drawn)
    assert plain(fig.alt).startswith("Bar chart: cost per year, low–high in brackets.")
    assert "start-up costs are left out" in plain(fig.caption)


def test_scenario_chart_needs_the_scenario_columns():
    with pytest.raises(UsageError, match="cost_per_year_nok"):
        F.scenario_chart(_scenarios().drop(columns="cost_per_year_nok"), min_cell_size=K)
    with pytest.raises(UsageError, match="pilot_id='nope'"):
        F.scenario_chart(_scenarios(), pilot_id="nope", min_cell_size=K)


# ---- representation ------------------------------------------------------------------------


def test_representation_data_hides_the_small_group_and_its_complement(frames):
    data = D._representation_data(frames["reach_gaps"], NAMES, "mentor", K, "nb")
    t = data.table.set_index(["by", "group"])
    assert t.loc[("gender", "other"), "mark"] == "<5"
    assert t.loc[("gender", "male"), "mark"] == "skjult"  # else 110 − 58 − 49 = 3
    assert np.isnan(t.loc[("gender", "other"), "share"])
    assert np.isnan(t.loc[("gender", "male"), "share"])
    assert t.loc[("gender", "female"), "share"] == pytest.approx(58 / 110)
    assert "enrolled" not in data.table  # no exact count is carried to the drawing
    # least reached: Rud (26,4 % / 45 %); not 12–14 (41,8 % / 43 %), the lowest of its
    # split but not clearly below its share; none by gender, where one group is left to
    # compare
    assert set(t.index[t["least"]]) == {("area", "Rud")}


def test_representation_never_shows_a_small_groups_share(figs):
    fig = figs["representation"]
    drawn = texts(fig.svg)
    words = " ".join(drawn) + " " + plain(fig.alt)
    assert "<5" in drawn and "skjult" in drawn
    assert not re.search(r"(?<![\d,])3 %", words)  # 3 of 110 = 2,7 %
    assert "45 %" not in drawn[drawn.index("Jenter"):]  # male 49 of 110 = 44,5 % not shown
    assert "53 %" in drawn  # female 58 of 110
    assert "Gutter skjult mot 51 % av målgruppen" in plain(fig.alt)
    assert "Annet under 5 deltakere" in plain(fig.alt)
    caption = plain(fig.caption)
    assert "«<5» av personvernhensyn" in caption and "«Skjult»" in caption


def test_representation_marks_the_least_reached_in_words(figs):
    fig = figs["representation"]
    drawn = texts(fig.svg)
    assert drawn.count("minst nådd") == 1  # not 12–14 år, 42 % against 43 %
    assert "Minst nådd: Rud (26 % av deltakerne, 45 % av målgruppen)." in plain(fig.alt)
    assert "Område" in drawn and "Kjønn" in drawn and "Aldersgruppe" in drawn
    assert "71 %" in drawn and "55 %" in drawn  # Sandvika 78 of 110, and its target share


def test_representation_says_when_the_least_reached_cannot_be_named(figs):
    # by gender the metric flags the hidden male group; marking it (or the shown female
    # group, over-represented) would bound the hidden count
    assert "Etter kjønn kan minst nådd gruppe ikke pekes ut uten å avsløre en liten gruppe." \
        in plain(figs["representation"].caption)


def test_least_reached_is_judged_on_the_shares_the_chart_shows():
    """100 participants, 20 of unknown area. Area A has 26 (26 % as drawn) against 40 % of
    the target group: 0,65 of its share as shown, so the chart and its words name it,
    although among the 80 of known area it is at 0,81 (the metric's representation)."""
    rows = [("A", 26, .40), ("B", 30, .30), ("C", 24, .30)]
    df = pd.DataFrame(rows, columns=["group", "enrolled", "target_share"]).assign(
        pilot_id="leksehjelp", by="area", pilot_enrolled=100,
        share=lambda d: d["enrolled"] / 80, share_of_enrolled=lambda d: d["enrolled"] / 100,
        least_reached=False)
    df = df.set_index(["pilot_id", "by", "group"])
    data = D._representation_data(df, NAMES, "leksehjelp", K, "nb")
    t = data.table.set_index("group")
    assert t.index[t["least"]].tolist() == ["A"] and "Minst nådd: A" in plain(data.alt)
    # 32 of 100 (0,80 of its share as shown, exactly): not clearly under it
    df.loc[("leksehjelp", "area", "A"), "share_of_enrolled"] = 0.32
    df.loc[("leksehjelp", "area", "A"), "enrolled"] = 32
    df.loc[("leksehjelp", "area", "B"), "enrolled"] = 24
    df.loc[("leksehjelp", "area", "B"), "share_of_enrolled"] = 0.24
    data = D._representation_data(df, NAMES, "leksehjelp", K, "nb")
    assert data.table.set_index("group").loc["A", "least"] == False  # noqa: E712


def test_a_small_group_is_least_reached_when_the_shown_figures_say_so():
    """120 participants. Rud has 3 (<5) against 18 % of the target group: its share is at
    most 4/120 = 3,3 %, a representation of at most 0,19, below every other group's least
    possible one (Eiksmarka, hidden with it, at least 5/120 against 10 %: 0,42; Stabekk
    10 % against 15 %: 0,67). So Rud is named, and nothing is given away."""
    rows = [("Sandvika", 40, .22), ("Rud", 3, .18), ("Fornebu", 30, .20),
            ("Stabekk", 12, .15), ("Lommedalen", 25, .15), ("Eiksmarka", 10, .10)]
    df = pd.DataFrame(rows, columns=["group", "enrolled", "target_share"]).assign(
        pilot_id="leksehjelp", by="area", share=lambda d: d["enrolled"] / 120,
        least_reached=lambda d: d["group"] == "Rud")
    df = df.set_index(["pilot_id", "by", "group"])
    data = D._representation_data(df, NAMES, "leksehjelp", K, "nb")
    t = data.table.set_index("group")
    assert t.loc["Rud", "mark"] == "<5" and t.loc["Eiksmarka", "mark"] == "skjult"
    assert t.index[t["least"]].tolist() == ["Rud"]
    assert "Minst nådd: Rud (under 5 deltakere, 18 % av målgruppen)." in plain(data.alt)
    # with Rud at 6 % of the target group its bound (4/120 / 6 % = 0,56) no longer clears
    # Eiksmarka's least possible 0,42: neither can be named
    df.loc[("leksehjelp", "area", "Rud"), "target_share"] = 0.06
    data = D._representation_data(df, NAMES, "leksehjelp", K, "nb")
    assert not data.table["least"].any() and "Minst nådd" not in data.alt
    assert "Etter område kan minst nådd gruppe ikke pekes ut" in " ".join(data.notes)


def test_representation_leaves_out_a_dimension_without_a_target_share(frames):
    g = frames["reach_gaps"].copy()
    g.loc[g.index.get_level_values("by") == "age_group", "target_share"] = np.nan
    fig = F.representation_chart(g, NAMES, pilot_id="mentor", min_cell_size=K)
    assert "Aldersgruppe" not in texts(fig.svg)
    assert "Ikke med: målgruppens fordeling etter aldersgruppe er ukjent." in plain(fig.alt)
    assert "målgruppens fordeling etter aldersgruppe er ukjent" in plain(fig.caption)
    assert fig.title.endswith("etter område og kjønn")


def test_representation_nothing_to_draw_is_a_sentence(frames):
    g = frames["reach_gaps"].copy()
    g["target_share"] = np.nan
    fig = F.representation_chart(g, NAMES, pilot_id="mentor", min_cell_size=K)
    assert not fig.is_chart
    assert fig.alt.startswith("Målgruppens fordeling etter område, kjønn og alder er ukjent")
    few = g.assign(enrolled=[2, 1, 2, 1, 0, 1, 2], share=lambda d: d["enrolled"] / 3)
    fig = F.representation_chart(few, NAMES, pilot_id="mentor", min_cell_size=K)
    assert not fig.is_chart and "færre enn 5 deltakere" in fig.alt
    assert "%" not in fig.alt


def test_representation_needs_one_pilot(frames):
    with pytest.raises(TypeError):
        F.representation_chart(frames["reach_gaps"], NAMES, min_cell_size=K)  # type: ignore
    with pytest.raises(UsageError, match="pilot_id='leksehjelp'"):
        F.representation_chart(frames["reach_gaps"], NAMES, pilot_id="leksehjelp",
                               min_cell_size=K)


def test_representation_chart_in_english(frames):
    fig = F.representation_chart(frames["reach_gaps"], NAMES, pilot_id="mentor",
                                 min_cell_size=K, language="en")
    drawn = texts(fig.svg)
    for words in ("least reached", "hidden", "Share of the participants",
                  "Share of the target group", "Area", "Gender", "Female", "12–14 years"):
        assert words in drawn, words
    assert "Least reached: Rud (26% of the participants, 45% of the target group)" \
        in plain(fig.alt)
    assert "minst" not in " ".join(drawn)


# ---- enterprise ----------------------------------------------------------------------------


def test_enterprise_alt_states_income_share_and_costs(figs):
    alt = plain(figs["enterprise"].alt)
    assert "Lekselyst Bærum AS: 2024: inntekter 0,60 mill. kr, 0 % fra kommunen, kostnader " \
           "0,70 mill. kr" in alt
    assert "2025: inntekter 1,5 mill. kr, 66 % fra kommunen, kostnader 1,6 mill. kr, Ferds " \
           "investering 0,50 mill. kr (ikke inntekt)" in alt
    assert "2026 (delår): inntekter 0,91 mill. kr, 71 % fra kommunen" in alt
    assert "Veivenn Stiftelse: 2025: inntekter 1,6 mill. kr, 31 % fra kommunen" in alt
    assert "kostnader ukjent" in alt


def test_enterprise_chart_draws_the_sources_costs_and_investment_apart(figs):
    fig = figs["enterprise"]
    drawn = texts(fig.svg)
    for words in ("Fondet", "Kjøp fra kommunen", "Ferd", "Annen offentlig støtte",
                  "Private kunder", "Gaver", "Andre inntekter", "Samlede kostnader",
                  "Ferds investering (ikke inntekt): 0,50 mill. kr",
                  "1,5 mill. kr, 66 % fra kommunen", "Lekselyst Bærum AS", "2026 (delår)"):
        assert words in drawn, words
    caption = plain(fig.caption)
    assert "Fra kommunen = fondet og kjøp fra kommunen" in caption
    assert "ikke inntekt" in caption and "Kostnader mangler for Veivenn Stiftelse 2026" \
        in caption and "Delår" in caption


def test_enterprise_key_lists_only_the_sources_with_money():
    e = _enterprise().loc[["Veivenn Stiftelse"]]
    drawn = texts(F.enterprise_chart(e).svg)
    assert "Annen offentlig støtte" in drawn and "Gaver" in drawn
    assert "Private kunder" not in drawn and "Ferd" not in drawn
    assert not any(t.startswith("Ferds investering") for t in drawn)


def test_enterprise_one_organisation(figs, frames):
    fig = figs["enterprise_one"]
    assert fig.title.startswith("Lekselyst Bærum AS: inntekter etter kilde")
    assert "Veivenn" not in fig.alt + " ".join(texts(fig.svg))
    with pytest.raises(UsageError, match="organisation='Nope'"):
        F.enterprise_chart(frames["enterprise"], organisation="Nope")


def test_enterprise_nothing_to_draw_is_a_sentence(frames):
    fig = F.enterprise_chart(frames["enterprise"].iloc[:0])
    assert not fig.is_chart and fig.alt == "Ingen regnskapstall fra virksomhetene ennå."
    zero = frames["enterprise"].loc[["Veivenn Stiftelse"]].copy()
    zero[[f"{s}_nok" for s in _SOURCES]] = 0.0
    zero["total_costs_nok"] = np.nan
    fig = F.enterprise_chart(zero, organisation="Veivenn Stiftelse")
    assert not fig.is_chart
    assert fig.alt == "Veivenn Stiftelse har ikke levert inntekter eller kostnader ennå."


def test_enterprise_chart_in_english(frames):
    fig = F.enterprise_chart(frames["enterprise"], language="en")
    drawn = texts(fig.svg)
    for words in ("The fund", "Purchases by the municipality", "Total costs",
                  "Ferd's investment (not income): NOK 0.50 million", "2026 (part year)",
                  "NOK 1.5 million, 66% from the municipality"):
        assert words in drawn, words
    assert "Fondet" not in drawn
    assert plain(fig.alt).startswith("Bar chart: income by source per year.")


def test_representation_hides_as_the_reach_charts_do_with_unknown_people(frames):
    """The metric's frame says how many the pilot has in all (110 here; by area 78 + 29 =
    107, so 3 of unknown area). The reach charts hide those 3 with the smallest known area
    (Rud, 29): shown beside them, Rud's share would give the 3 back (110 − 78 − 29)."""
    gaps = frames["reach_gaps"].assign(pilot_enrolled=110)
    gaps["share_of_enrolled"] = gaps["enrolled"] / 110
    t = D._representation_data(gaps, NAMES, "mentor", K, "nb").table.set_index(["by", "group"])
    assert t.loc[("area", "Rud"), "mark"] == "skjult" and np.isnan(t.loc[("area", "Rud"), "share"])
    assert t.loc[("area", "Sandvika"), "share"] == pytest.approx(78 / 110)
    # the same rule over the same cells as figures.reach_breakdown
    by_area = pd.DataFrame({"pilot_id": "mentor", "area": ["Sandvika", "Rud", "unknown"],
                            "enrolled": [78, 29, 3], "share": [78 / 110, 29 / 110, 3 / 110],
                            "target_share": [0.55, 0.45, np.nan]}).set_index(["pilot_id", "area"])
    fig = F.reach_breakdown(by_area, "area", NAMES, pilot_id="mentor", min_cell_size=K)
    assert "26 %" not in plain(fig.alt) and "71 %" in plain(fig.alt)  # Rud hidden there too


def test_the_chart_and_the_words_beside_it_name_the_same_least_reached(sample_ds):
    """The sample's pilots, late in the agreement: where the sentence names no group (or
    says the groups are spread like the target group), the chart marks none either; where
    it names some, the chart marks as many (once said the other way round: 'no group
    clearly least reached' beside a chart marking girls 'least reached')."""
    from pilot_eval import metrics
    from pilot_eval.present import after

    gaps = metrics.reach_gaps(sample_ds)
    reach_by = {by: metrics.reach_by(sample_ds, by) for by in ("area", "gender", "age_group")}
    pilots = sample_ds.pilots["pilot_id"].astype(str).tolist()
    said = after.reach_gap_sentences(gaps, reach_by, sample_ds.pilots, "nb", min_cell_size=5,
                                     pilots=pilots)
    for pid, sentence in zip(pilots, said, strict=True):
        fig = F.representation_chart(gaps, sample_ds.pilots, pilot_id=pid, min_cell_size=5)
        marked = texts(fig.svg).count("minst nådd") if fig.is_chart else 0
        if ": minst nådd er " in sentence:
            named = sentence.split(": minst nådd er ", 1)[1]
            assert marked == named.count("(") >= 1, (pid, sentence)
        else:
            assert marked == 0, (pid, sentence)
