"""Tests for pilot_eval.present.tables: semantic HTML, Norwegian formats, suppression.

Tiny frames written here test suppression by hand; the sample data (data/sample,
synthetic) at 2025-09-30 has a pilot with one participant, at 2026-06-30 small groups by
area, gender and age.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pilot_eval as pe
from pilot_eval.errors import UsageError
from pilot_eval.metrics import (
    cost_summary,
    its_summary,
    outcome_summary,
    reach_by,
    reach_summary,
    rules_in_force,
    scorecard,
    value_for_money,
    value_for_money_by_pilot,
)
from pilot_eval.present import fmt, tables
from pilot_eval.present.tables import COMPLEMENTARY, Table, suppress

SAMPLE = Path(__file__).parent.parent / "data" / "sample"
PARTICIPANT_ID = re.compile(r"p-[0-9a-f]{8}")
NBSP = "\u00a0"


def _print_css() -> str:
    """The report's print stylesheet, its template fields (running header) left empty."""
    css = (Path(__file__).parent.parent / "src" / "pilot_eval" / "render" / "templates"
           / "pilot_eval_print" / "print.css.j2").read_text(encoding="utf-8")
    return re.sub(r"\{\{.*?\}\}", '""', css)


def plain(s: str) -> str:
    return s.replace(NBSP, " ")


# --------------------------------------------------------------------------- HTML checker


class _Cells(HTMLParser):
    """Collects the table's structure: caption, header cells, body rows of (tag, attrs)."""

    def __init__(self) -> None:
        super().__init__()
        self.section: str | None = None
        self.caption = ""
        self.in_caption = False
        self.head: list[dict[str, str]] = []
        self.rows: list[list[tuple[str, dict[str, str]]]] = []
        self.tables = 0

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "table":
            self.tables += 1
        elif tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "caption":
            self.in_caption = True
        elif tag == "tr" and self.section == "tbody":
            self.rows.append([])
        elif tag in ("th", "td"):
            if self.section == "thead":
                self.head.append({"tag": tag, **a})
            elif self.section == "tbody":
                self.rows[-1].append((tag, a))

    def handle_endtag(self, tag):
        if tag == "caption":
            self.in_caption = False
        elif tag in ("thead", "tbody"):
            self.section = None

    def handle_data(self, data):
        if self.in_caption:
            self.caption += data


def check_semantic(table: Table, *, max_columns: int = 8) -> _Cells:
    p = _Cells()
    p.feed(table.html)
    assert p.tables == 1
    assert p.caption.strip() == table.caption
    assert p.head and all(h["tag"] == "th" and h.get("scope") == "col" for h in p.head)
    assert len(p.head) <= max_columns, table.caption
    for row in p.rows:
        first_tag, first = row[0]
        if first_tag == "th":
            assert first.get("scope") in ("row", "rowgroup")
        else:  # the row continues a row group: its header spans it
            assert any(r[0][1].get("scope") == "rowgroup" for r in p.rows)
    return p


def numeric_cells_are_num(table: Table, numeric_headers: list[str]) -> None:
    """Every body cell under a numeric header has class num."""
    p = _Cells()
    p.feed(table.html)
    headers = [h for h in table.data.columns]
    idx = [headers.index(h) for h in numeric_headers]
    for row in p.rows:
        if len(row) != len(headers):  # a row under a rowspan lacks its first cell
            row = [("th", {}), *row]
        for i in idx:
            assert row[i][1].get("class") == "num", (table.caption, headers[i])


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def sample() -> pe.Dataset:
    return pe.load_dataset(SAMPLE)


def _all_tables(ds: pe.Dataset, languages: tuple[str, ...]) -> dict[str, list[Table]]:
    """Every table of the reports for ``ds``, per language (metrics computed once)."""
    m = ds.agreement.min_cell_size
    f = {"card": scorecard(ds), "outs": outcome_summary(ds), "cost": cost_summary(ds),
         "reach": reach_summary(ds), "its": its_summary(ds), "value": value_for_money(ds),
         "by_pilot": value_for_money_by_pilot(ds), "rules": rules_in_force(ds),
         **{by: reach_by(ds, by) for by in ("area", "gender", "age_group")}}
    return {language: [
        tables.status_table(f["card"], ds.pilots, language, min_cell_size=m,
                            measures=ds.measures),
        tables.money_table(f["cost"], ds.pilots, language, min_cell_size=m),
        tables.reach_table(f["reach"], ds.pilots, m, language),
        tables.reach_by_table(f["area"], "area", ds.pilots, m, language),
        tables.reach_by_table(f["gender"], "gender", ds.pilots, m, language),
        tables.reach_by_table(f["age_group"], "age_group", ds.pilots, m, language,
                              pilot_id="fritid"),
        tables.outcome_table(f["outs"], ds.pilots, m, language),
        tables.its_table(f["its"], ds.pilots, language),
        tables.value_table(f["value"], ds.pilots, language, min_cell_size=m),
        tables.value_table(f["by_pilot"], ds.pilots, language, min_cell_size=m,
                           by_measure=f["value"]),
        tables.rules_table(f["rules"], language),
        tables.quality_table(ds.warnings, language),
        tables.glossary_table(language),
    ] for language in languages}


@pytest.fixture(scope="module")
def mid(sample):
    return _all_tables(sample.as_of("2026-06-30"), ("nb", "en"))


@pytest.fixture(scope="module")
def early(sample):
    return _all_tables(sample.as_of("2025-09-30"), ("nb",))["nb"]


# --------------------------------------------------------------------------- suppress


def test_suppress_area_with_three_participants():
    """An area with 3 participants shows "<5"; the smallest other area of the same pilot
    is hidden too, so the pilot's published total cannot give the 3 away."""
    frame = pd.DataFrame({
        "pilot_id": ["a", "a", "a", "b", "b"],
        "area": ["Rud", "Sandvika", "Fornebu", "Rud", "Sandvika"],
        "enrolled": [3, 10, 12, 20, 30],
    }).set_index(["pilot_id", "area"])
    out = suppress(frame, counts=["enrolled"], min_cell_size=5, groups="pilot_id")
    assert out["enrolled"].tolist() == ["<5", COMPLEMENTARY, "12", "20", "30"]
    assert out.attrs["primary"] and out.attrs["complementary"]
    # total minus what is shown leaves two unknowns: 25 - 12 = 13 = Rud + Sandvika
    shown = pd.to_numeric(out["enrolled"], errors="coerce")
    total_a = frame.loc["a", "enrolled"].sum()
    hidden = frame.loc["a", "enrolled"][shown.loc["a"].isna().to_numpy()]
    assert len(hidden) == 2 and total_a - shown.loc["a"].sum() == hidden.sum()


def test_suppress_groups_can_be_a_column_and_zero_is_shown():
    frame = pd.DataFrame({"pilot": ["a", "a", "a"], "n": [0, 2, 40]})
    out = suppress(frame, counts=["n"], groups="pilot")
    assert out["n"].tolist() == ["0", "<5", COMPLEMENTARY]  # 0 reveals nobody


def test_suppress_derived_rates_and_means():
    frame = pd.DataFrame({"n": [3, 10, 12, 50], "share": [0.1, 0.3, 0.4, 0.2],
                          "mean_hours": [20.0, 11.5, 9.25, 8.0]})
    out = suppress(frame, counts=["n"], derived={"share": "n", "mean_hours": ["n"]},
                   min_cell_size=5)
    assert out["n"].tolist() == ["<5", COMPLEMENTARY, "12", "50"]
    # built on 3 people: not shown; a share of the hidden 10 would reveal it: not shown
    assert out["share"].tolist()[:2] == ["–", "–"]
    assert plain(out["share"].iloc[2]) == "40 %"
    assert out["mean_hours"].tolist()[:2] == ["–", "–"]
    assert out["mean_hours"].iloc[3] == "8,0"
    assert out.attrs["derived"]
    assert out.attrs["hidden"]["share"].tolist() == [True, True, False, False]


def test_suppress_formats_and_errors():
    frame = pd.DataFrame({"n": [1234.0], "amount": [2_500_000.0], "name": ["Rud"]})
    out = suppress(frame, counts=["n"], formats={"amount": lambda v: f"{v / 1e6:.1f}"},
                   language="en")
    assert out.loc[0, "n"] == "1,234" and out.loc[0, "amount"] == "2.5"
    assert out.loc[0, "name"] == "Rud"
    with pytest.raises(UsageError, match="not in the frame"):
        suppress(frame, counts=["missing"])
    with pytest.raises(UsageError, match="not in the frame"):
        suppress(frame, derived={"amount": "nope"})
    with pytest.raises(UsageError, match="at least 1"):
        suppress(frame, counts=["n"], min_cell_size=0)
    with pytest.raises(UsageError, match="neither an index level nor a column"):
        suppress(frame, counts=["n"], groups="pilot")


def test_suppress_respects_min_cell_size():
    frame = pd.DataFrame({"n": [7, 12, 30]})
    assert suppress(frame, counts=["n"], min_cell_size=10)["n"].tolist() == [
        "<10", COMPLEMENTARY, "30"]


# --------------------------------------------------------------------------- small tables


def _reach(enrolled, completed, dropped):
    k = len(enrolled)
    return pd.DataFrame({
        "enrolled": enrolled, "active": [0] * k, "completed": completed,
        "dropped_out": dropped, "completion_rate": [
            c / (c + d) if c + d else np.nan for c, d in zip(completed, dropped, strict=True)],
        "target_population": [1000.0] * k,
        "coverage_share": [e / 1000 for e in enrolled],
        "coverage_note": pd.array([pd.NA] * k, dtype="string"),
        "reach_target": [100] * k,
    }, index=pd.Index([f"p{i}" for i in range(k)], name="pilot_id"))


def test_reach_table_hides_the_total_next_to_a_small_pilot():
    """Every pilot's count is in the report's text, so the column total is what must go."""
    t = tables.reach_table(_reach([3, 40, 50], [1, 20, 30], [1, 10, 10]), None, 5)
    d = t.data
    assert d["Deltakere"].tolist() == ["<5", "40", "50", COMPLEMENTARY]
    assert d["Fullføringsgrad"].iloc[0] == "–"  # built on 2 people
    assert d["Fullføringsgrad"].iloc[3] == "–"  # would give the hidden totals away
    notes = " ".join(t.notes)
    assert "«<5»" in notes and "«:»" in notes and "«–»" in notes


def test_reach_table_total_is_the_true_total_when_nothing_is_small():
    t = tables.reach_table(_reach([30, 40, 50], [10, 20, 30], [10, 10, 10]), None, 5)
    d = t.data
    assert d["Deltakere"].tolist() == ["30", "40", "50", "120"]
    assert d["Fullført"].iloc[3] == "60"
    assert plain(d["Fullføringsgrad"].iloc[3]) == "67 %"
    assert not any("«<5»" in n for n in t.notes)


def test_one_pilot_tables_have_no_total_row(sample):
    ds = sample.as_of("2026-06-30")
    money = tables.money_table(cost_summary(ds).loc[["mentor"]], ds.pilots)
    reach = tables.reach_table(reach_summary(ds).loc[["mentor"]], ds.pilots)
    assert len(money.data) == 1 and len(reach.data) == 1
    assert 'class="total"' not in money.html and 'class="total"' not in reach.html


def test_money_table_hides_cost_per_participant_of_small_pilots(early):
    money = early[1].data
    per = [c for c in money.columns if "per deltaker" in c][0]
    assert money[per].iloc[3] == "–"  # Fritidsguiden: 1 participant
    assert money[per].iloc[4] == "–"  # the total's would give it away
    assert money[per].iloc[0] != "–"
    assert plain(money.iloc[4, 1]) == "4,00"  # grants in mill. kr


def test_early_reach_table_on_the_sample(early):
    reach = early[2].data
    assert reach["Deltakere"].iloc[3] == "<5"
    assert reach["Deltakere"].iloc[4] == COMPLEMENTARY
    assert reach["Deltakere"].iloc[:3].tolist() == ["131", "50", "42"]


# --------------------------------------------------------------------------- all tables


@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_table_is_semantic_and_narrow(mid, language):
    for t in mid[language]:
        check_semantic(t)
        assert t.html == str(t) and 'class="pe-block"' in t._repr_html_()  # + stylesheet
        assert "<caption" in t.html and "</table>" in t.html


def test_numeric_cells_carry_num(mid):
    by = {t.caption: t for t in mid["nb"]}
    numeric_cells_are_num(by["Økonomi per pilot"], [
        "Tilsagn fra fondet (mill. kr)", "Giring", "Kostnad per deltaker (kr)"])
    numeric_cells_are_num(by["Rekkevidde per pilot"], [
        "Deltakere", "Fullført", "Avbrutt", "Fullføringsgrad"])
    numeric_cells_are_num(by["Endring per resultatmål"], [
        "Målt før og etter", "Forbedring (95 % KI)", "Betyr noe fra"])


def test_no_participant_ids_anywhere(mid, early):
    for t in [*mid["nb"], *mid["en"], *early]:
        assert not PARTICIPANT_ID.search(t.html), t.caption
        assert not any(PARTICIPANT_ID.search(c) for c in t.data.to_numpy().ravel()), t.caption


def test_status_table_has_colour_and_word(mid):
    t = mid["nb"][0]
    badges = re.findall(r'<span class="status status-(\w+)">([^<]+)</span>', t.html)
    assert len(badges) == 4 * 3
    words = {"green": "god", "yellow": "usikker", "red": "svak", "grey": "for lite data"}
    assert all(words[c] == w for c, w in badges)
    rec = t.data["Anbefaling – fordi …"].tolist()
    # mid-pilot a quarter of the due follow-ups are missing: the evidence is weak, no scaling
    assert plain(rec[0]) == "Videreføre – trivsel opp 3 poeng, svak evidensstyrke"
    assert all(" – " in r for r in rec)
    assert "<strong>Videreføre</strong>" in t.html
    en = mid["en"][0]
    assert "Continue – well-being up 3 points, weak evidence" in plain(
        " ".join(en.data.iloc[:, -1]))


def test_status_table_unknown_status_still_has_a_word():
    card = pd.DataFrame({
        "reach_status": ["purple"], "cost_status": [None], "outcome_status": ["grey"],
        "recommendation": ["continue"], "recommendation_reason": ["not_all_green"],
        "reach_reason": ["on_track"], "cost_reason": ["on_budget"],
        "outcome_reason": ["too_few_measured"], "outcome_n": [0]},
        index=pd.Index(["x"], name="pilot_id"))
    t = tables.status_table(card, {"x": "Pilot X"})
    assert 'status-grey">ukjent<' in t.html
    assert 'status-grey">for lite data<' in t.html
    assert t.data.iloc[0, 0] == "Pilot X"


def test_outcome_table_content(mid):
    t = {x.caption: x for x in mid["nb"]}["Endring per resultatmål"]
    first = t.data.iloc[0]
    assert first["Målt før og etter"] == "112 / 95"
    assert plain(first["Forbedring (95 % KI)"]) == "3,0 (2,0–3,9)"
    # many of the due follow-ups missing at mid-pilot: weak
    assert first["Metode, evidensstyrke"] == "FiF, svak"
    # of the follow-ups due (not of everyone measured at the start, 57 %)
    assert plain(first["Frafall"]) == "35 %"
    assert 'rowspan="2"' in t.html and 'scope="rowgroup"' in t.html
    assert len(t.data.columns) <= 8


def test_outcome_table_hides_estimates_of_few_people(sample):
    outs = outcome_summary(sample.as_of("2026-06-30")).copy()
    outs.loc[("fritid", "trivsel"), ["n_pilot", "n_missing_followup"]] = [3, 2]
    t = tables.outcome_table(outs, sample.pilots)
    row = t.data[t.data["Pilot"] == "Fritidsguiden"].iloc[0]
    assert row["Målt før og etter"] == "<5"
    assert row["Forbedring (95 % KI)"] == "–"
    assert row["Kan påvises fra"] == "–"
    assert row["Frafall"] == "–"  # 2 missing would be revealed
    assert any("«<5»" in n for n in t.notes)


def test_value_table_keeps_observed_and_projected_apart(mid):
    t = [x for x in mid["nb"] if x.caption == "Samfunnsøkonomisk vurdering"][0]
    cols = list(t.data.columns)
    assert any(c.startswith("Observert") for c in cols)
    assert any(c.startswith("Framskrevet") for c in cols)
    first = t.data.iloc[0]
    obs = float(plain(first[cols[3]]).replace(" ", ""))
    proj = float(plain(first[cols[4]]).replace(" ", ""))
    # the social value is printed with its 95 % range in brackets
    point, bracket = plain(first[cols[5]]).split(" (")
    total = float(point.replace(" ", ""))
    assert abs(obs + proj - total) <= 1  # the sum is labelled, and adds up (rounding)
    low, high = (float(x.replace(" ", "")) for x in bracket.rstrip(")").split("–"))
    assert low <= total <= high
    assert "Framskrevet" in " ".join(t.notes)


def test_value_table_hides_values_of_few_people(sample):
    v = value_for_money(sample.as_of("2026-06-30")).copy()
    v.loc[("fritid", "trivsel"), "n_measured"] = 4
    t = tables.value_table(v, sample.pilots)
    row = t.data[t.data["Pilot"] == "Fritidsguiden"].iloc[0]
    assert row["Målt"] == "<5"
    assert row.iloc[3] == "–" and row.iloc[5] == "–" and row.iloc[-1] == "–"


def test_reach_by_tables(mid, early):
    by = {t.caption: t for t in mid["nb"]}
    area = by["Deltakere etter område"]
    assert list(area.data.columns)[0] == "Område"
    assert "Ukjent" in area.data["Område"].tolist()
    # within each pilot a single small area gets a complementary partner
    for col in area.data.columns[1:]:
        cells = area.data[col].tolist()
        if cells.count("<5") == 1:
            assert cells.count(COMPLEMENTARY) == 1, col
    gender = by["Deltakere etter kjønn"]
    assert gender.data["Kjønn"].tolist()[:2] == ["Jente / kvinne", "Gutt / mann"]
    age = by["Deltakere etter alder: Fritidsguiden"]
    assert all(a.endswith(" år") for a in age.data["Alder"])
    with pytest.raises(UsageError, match="by="):
        tables.reach_by_table(pd.DataFrame(), "colour")


def test_its_table(mid):
    t = [x for x in mid["nb"] if x.caption.startswith("Kommunens tall")][0]
    row = t.data.iloc[0]
    assert plain(row["Endring i nivå"]) == "−20 %"
    assert plain(row["95 % KI"]) == "−32 % til −6 %"
    assert row["Måneder før / etter"] == "73 / 17"
    assert row["Tidsserie"] == "Barnevernsmeldinger"


def test_its_table_names_the_series_in_english(mid):
    t = [x for x in mid["en"] if x.caption.startswith("Municipal figures")][0]
    assert t.data["Series"].tolist() == ["Reports of concern to child welfare services"]
    assert "Barnevernsmeldinger" not in t.html


def test_rules_table(mid):
    t = [x for x in mid["nb"] if x.caption == "Regler for statusoversikten"][0]
    assert t.data["Verdi"].tolist() == ["0,9", "0,6", "0,25", "1,1", "1,3", "0,5", "0,25", "10",
                                        "0,5",
                                        # the evidence rules (issue #5)
                                        "2", "0,4", "0,2", "0,5", "0,25", "0,15", "0,5", "10",
                                        "24"]  # (the third: reach_red_after_elapsed)
    assert set(t.data["Endret i avtalen"]) == {"nei"}


def test_quality_table_masks_participant_ids():
    warnings = pd.DataFrame({
        "file": ["sessions.csv", "outcomes.csv", "participants.csv"],
        "row": [12, 40, pd.NA],
        "column": ["participant_id", "value", "birth_year"],
        "value": ["anna-2011", "p-1234abcd", "12057512345"],
        "severity": ["warning"] * 3, "rule": ["x"] * 3,
        "message_nb": ["Deltakeren anna-2011 finnes ikke.", "Verdi for p-1234abcd utenfor.",
                       "Rart tall 120575 12345."],
        "message_en": ["Participant anna-2011 not found.", "Value for p-1234abcd outside.",
                       "Odd number 120575 12345."],
    })
    for language in ("nb", "en"):
        t = tables.quality_table(warnings, language)
        check_semantic(t)
        html = t.html
        assert "anna-2011" not in html and "p-1234abcd" not in html
        assert "120575 12345" not in html
        assert list(t.data.columns) == (
            ["Pilot", "Fil", "Rad", "Kolonne", "Melding"] if language == "nb"
            else ["Pilot", "File", "Row", "Column", "Message"])
        assert set(t.data["Pilot"]) == {""}  # no pilot_id column: about no pilot
    t = tables.quality_table(warnings, max_rows=2)
    assert len(t.data) == 2 and "2 av 3" in " ".join(t.notes)


def test_glossary_table():
    t = tables.glossary_table("en")
    assert t.caption == "Glossary"
    assert "Difference-in-differences" in t.data["Term"].tolist()


def test_english_headers(mid):
    captions = [t.caption for t in mid["en"]]
    assert "Money by pilot" in captions and "Reach by pilot" in captions
    money = mid["en"][1]
    assert "Grant from the fund (NOK m)" in [plain(c) for c in money.data.columns]


# --------------------------------------------------------------------------- print


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_glossary_splits_across_pages_without_losing_a_term(tmp_path):
    """The glossary may split (so the text before it does not end on a page of its own);
    wherever the page break falls, the PDF/UA export works, every term is printed and the
    header row repeats on the next page."""
    from pilot_eval.render.export import html_to_pdf

    glossary = tables.glossary_table("nb")
    terms = [plain(t) for t in glossary.data.iloc[:, 0]]
    filler = "<p>" + "Tekst foran ordlisten som fyller siden. " * 12 + "</p>"
    split: list[bool] = []
    for before in (4, 6, 9, 14):  # the break falls early, in the middle, late in the table
        pdf = html_to_pdf(filler * before + glossary.html, tmp_path / f"g{before}.pdf",
                          title="t")
        out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                             check=True).stdout
        flat = " ".join(out.split())
        assert all(" ".join(t.split()) in flat for t in terms), before
        pages = [p for p in out.split("\f") if any(" ".join(t.split()) in " ".join(p.split())
                                                    for t in terms)]
        # every page holding rows has the header row ("Forklaring") too
        assert all("Forklaring" in p for p in pages), before
        split.append(len(pages) > 1)
    assert any(split)  # with room for a few rows only, it does split


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_tables_print_to_pdf(mid, tmp_path):
    """All tables through the real HTML → PDF export: the text survives, nothing is lost."""
    from pilot_eval.render.export import font_face_css, html_to_pdf

    css = _print_css()
    body = "".join(t.html for t in mid["nb"])
    html = (f'<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>t</title>'
            f"<style>{font_face_css()}{css}</style></head><body>{body}</body></html>")
    pdf = html_to_pdf(html, tmp_path / "tables.pdf", title="Tabeller", language="nb")
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    for needle in ("Statusoversikt per pilot", "Skalere", "Rekkevidde per pilot", "<5",
                   "Samfunnsøkonomisk vurdering", "Ordliste"):
        assert needle in out, needle


# --------------------------------------------------------------------------- review fixes


def test_one_pilot_tables_do_not_say_per_pilot(sample):
    ds = sample.as_of("2026-06-30")
    one = cost_summary(ds).loc[["mentor"]]
    assert tables.money_table(one, ds.pilots).caption == "Økonomi i tall"
    assert tables.reach_table(reach_summary(ds).loc[["mentor"]], ds.pilots).caption == \
        "Rekkevidde i tall"
    card = scorecard(ds).loc[["mentor"]]
    assert tables.status_table(card, ds.pilots, "en").caption == "Scorecard"


def test_notes_shared_by_rows_are_given_once(sample):
    """Before any follow-up every row had the same note: six near-identical lines."""
    early = sample.as_of("2025-05-31")
    t = tables.outcome_table(outcome_summary(early), early.pilots)
    extra = t.notes[1:]
    assert len(extra) == len(set(n.split(": ", 1)[1] for n in extra))  # each sentence once
    # nobody is measured twice yet: one note says so for every row, not one per reason
    assert list(extra) == ["Alle radene i tabellen: Ingen er målt både før og etter ennå, så "
                           "endring og frafall i oppfølgingen vises ikke."]
    v = tables.value_table(value_for_money(early), early.pilots)
    assert v.notes[1] == ("Alle radene i tabellen: Ingen er målt både før og etter ennå, så "
                          "verdien kan ikke regnes ut.")
    assert not any("svært usikker" in n for n in v.notes)  # not "cannot compute" and "uncertain"


def test_value_table_names_measures_in_english_when_given_the_measures(sample):
    ds = sample.as_of("2026-06-30")
    t = tables.value_table(value_for_money(ds), ds.pilots, "en", measures=ds.measures)
    assert t.data["Measure"].tolist()[:2] == ["Well-being", "School absence"]
    assert "Trivsel" in tables.value_table(value_for_money(ds), ds.pilots, "en").data[
        "Measure"].tolist()  # without the measures table: the agreement's labels


def test_tables_fit_the_page_width(mid, tmp_path):
    """Its headers were too long to wrap inside A4: the table ran 13 mm into the right
    margin. Typeset in the real template, every word of every table stays inside the text
    width (A4 less 22 mm right margin)."""
    import pymupdf

    from pilot_eval.render.export import html_to_pdf

    right_edge = (210 - 22) * 72 / 25.4 + 1.0  # points, with a point of slack
    for language in ("nb", "en"):
        body = "".join(t.html for t in mid[language])
        pdf = html_to_pdf(body, tmp_path / f"t-{language}.pdf", title="t", language=language)
        with pymupdf.open(pdf) as doc:
            for page in list(doc)[2:]:  # after the cover and the contents
                for word in page.get_text("words"):
                    assert word[2] <= right_edge, (language, page.number, word[4])



def test_rules_and_glossary_captions_can_differ_from_the_heading_above_them(sample):
    from pilot_eval.metrics.scorecard import rules_in_force as rules

    t = tables.rules_table(rules(sample), caption="Terskler for god, usikker og svak")
    assert t.caption == "Terskler for god, usikker og svak" and "<caption" in t.html
    assert tables.glossary_table("nb", caption="Begreper i rapporten").caption == \
        "Begreper i rapporten"
    assert tables.glossary_table("nb").caption == "Ordliste"


# --------------------------------------------------------------------------- report review 3


def test_outcome_table_shows_no_attrition_while_nobody_is_measured_twice(sample):
    """Early on nobody is due for a follow-up: "100 %" attrition read as if all had left."""
    ds = sample.as_of("2025-03-31")
    outs = outcome_summary(ds)
    lekse = outs.loc[("leksehjelp", "trivsel")]
    assert lekse["n_pilot"] == 0 and lekse["attrition_share"] == 1.0  # the metric says 100 %
    for language, col in (("nb", "Frafall"), ("en", "Attrition")):
        t = tables.outcome_table(outs, ds.pilots, language=language)
        assert set(t.data[col]) == {"–"}
        assert "100" not in " ".join(t.data[col])
    t = tables.outcome_table(outs, ds.pilots)
    said = " ".join(t.notes)
    assert "Ingen er målt både før og etter ennå, så endring og frafall i oppfølgingen vises " \
           "ikke." in said
    # what follows from nobody measured twice is not said again
    assert "ingen er målt igjen" not in said and "før–etter-sammenligning" not in said
    assert not any(n.startswith("«–»") for n in t.notes)  # the row note explains the "–"


def test_outcome_table_keeps_attrition_where_someone_is_measured_twice(sample):
    outs = outcome_summary(sample.as_of("2026-06-30")).copy()
    outs.loc[("fritid", "trivsel"), ["n_pilot"]] = [0]
    t = tables.outcome_table(outs, sample.pilots)
    by_pilot = dict(zip(t.data["Pilot"], t.data["Frafall"], strict=False))
    assert by_pilot["Fritidsguiden"] == "–"
    assert plain(t.data["Frafall"].iloc[0]) == "35 %"
    assert any(n.startswith("Fritidsguiden, trivsel: Ingen er målt både før og etter")
               for n in t.notes)


def test_outcome_table_caption_says_what_the_table_is(mid):
    captions = {language: [t.caption for t in mid[language]] for language in ("nb", "en")}
    assert "Endring per resultatmål" in captions["nb"]
    assert "Change per outcome measure" in captions["en"]
    # the section heading is "Resultater for innbyggerne" / "Results for residents"
    assert "Resultater for innbyggerne" not in captions["nb"]
    assert not any("itizen" in c for c in captions["en"])


def test_rules_table_in_the_reports_words_with_how_outcomes_and_advice_are_decided(sample):
    rules = rules_in_force(sample)
    for language, words, colours in (
            ("nb", ("god", "usikker", "svak"), ("grønn", "gul", "rød")),
            ("en", ("good", "uncertain", "weak"), ("green", "yellow", "red"))):
        t = tables.rules_table(rules, language)
        said = " ".join(t.data.iloc[:, 0]).lower()
        assert all(w in said for w in words), said
        assert not any(re.search(rf"\b{c}\b", said) for c in colours), said
        notes = plain(" ".join(t.notes))
        assert not any(re.search(rf"\b{c}\b", notes.lower()) for c in colours)
        assert len(t.notes) == 4  # outcome, evidence, recommendation, before start
    nb = plain(" ".join(tables.rules_table(rules, "nb").notes))
    assert "færre enn 10 er målt både før og etter" in nb
    # a before/after change alone never decides "god", "svak" or "skalere"
    assert "uten sammenligningsgruppe er derfor aldri «god» eller «svak»" in nb
    assert "aldri på en før–etter-endring alene" in nb
    assert "What Works Clearinghouse" in nb
    assert "minste betydningsfulle endring" in nb
    for word in ("for tidlig å si", "avslutte", "justere", "skalere", "videreføre"):
        assert word in nb.lower(), word
    assert "før 50 % av perioden" in nb
    en = plain(" ".join(tables.rules_table(rules, "en", min_cell_size=12).notes))
    assert "fewer than 12 people" in en  # the minimum cell size raises the number needed
    for word in ("too early to say", "stop", "adjust", "scale", "continue"):
        assert word in en.lower(), word


def test_rules_table_can_leave_the_explanation_to_the_text(sample):
    assert tables.rules_table(rules_in_force(sample), explain=False).notes == ()


def test_rules_table_keeps_a_rule_it_has_no_words_for():
    rules = pd.DataFrame({"value": [2.0], "default": [np.nan], "overridden": [True],
                          "description_nb": ["Ny regel"], "description_en": ["New rule"]},
                         index=pd.Index(["brand_new"], name="rule"))
    assert tables.rules_table(rules, "en").data.iloc[0, 0] == "New rule"


def test_quality_table_names_the_pilot(sample):
    warnings = pd.DataFrame({
        "file": ["costs.csv", "participants.csv"], "row": [2, pd.NA],
        "column": ["date", "area"], "value": ["2024-12-15", None],
        "message_nb": ["Kostnaden er datert utenfor pilotens periode.", "… og 3 rader til."],
        "message_en": ["The cost is dated outside the pilot's period.", "… and 3 more rows."],
        "pilot_id": ["leksehjelp", pd.NA],
    })
    t = tables.quality_table(warnings, "nb", names=sample.pilots)
    assert t.data["Pilot"].tolist() == ["Leksehjelp med matpakke", ""]
    assert t.data["Fil"].tolist() == ["costs.csv", "participants.csv"]  # analysts' columns kept
    assert t.data["Rad"].tolist() == ["2", ""] and t.data["Kolonne"].tolist() == ["date", "area"]
    check_semantic(t)
    assert tables.quality_table(warnings, "en").data["Pilot"].tolist() == ["leksehjelp", ""]


def test_value_table_note_says_the_tax_financing_cost_in_force(sample):
    ds = sample.as_of("2026-06-30")
    v = value_for_money(ds)
    assert "20 øre per krone" in plain(tables.value_table(v, ds.pilots).notes[0])
    assert "25 øre per krone" in plain(tables.value_table(v, ds.pilots,
                                                          tax_financing_cost=0.25).notes[0])
    en = plain(tables.value_table(v, ds.pilots, "en").notes[0])
    assert "NOK 0.20 per krone" in en and "øre" not in en


def test_money_note_in_english_says_what_leverage_is(mid):
    money = [t for t in mid["en"] if t.caption == "Money by pilot"][0]
    note = money.notes[0]
    assert "Leverage is the total cost in NOK for each NOK from the fund." in note
    assert "kroner in all" not in note


def test_money_note_says_what_cost_per_participant_is(mid):
    # the table's "per deltaker" (everyone so far) beside the text's "per deltaker per år":
    # two numbers a reader would otherwise take for one
    money = [t for t in mid["nb"] if t.caption == "Økonomi per pilot"][0]
    assert "Kostnad per deltaker er samlet ressursbruk delt på alle som har vært med så " \
        "langt" in plain(money.notes[0])
    assert "ikke det samme som kostnad per deltaker per år" in plain(money.notes[0])


def test_value_table_applies_the_privacy_rules_to_exact_input(sample):
    """A library user passing metrics.value_for_money(ds) as it is gets the report's table:
    a value resting on a hidden count (mentor's, 3 reversals) is not printed. The rule is
    idempotent, and a per-pilot table needs the per-measure one to know its hidden sums."""
    from pilot_eval.privacy import DERIVED, publishable, table_disclosure_codes

    m = sample.agreement.min_cell_size
    exact = value_for_money(sample)
    codes = table_disclosure_codes("value_for_money", exact, m)["social_value_pv_nok"]
    hidden = exact.loc[codes.eq(DERIVED).to_numpy(), "social_value_pv_nok"].dropna()
    assert len(hidden)  # the sample has a value the rules hide
    raw = tables.value_table(exact, sample.pilots, min_cell_size=m)
    published = tables.value_table(publishable("value_for_money", exact, m), sample.pilots,
                                   min_cell_size=m)
    assert raw.data.equals(published.data) and raw.html == published.html
    knok = [fmt.number(v / 1000, 0) for v in hidden]
    assert not any(cell.startswith(k) for cell in raw.data.iloc[:, 5] for k in knok)
    with pytest.raises(UsageError, match="by_measure"):
        tables.value_table(value_for_money_by_pilot(sample), sample.pilots, min_cell_size=m)
    # a hidden value's note does not tell its sign either
    signed = exact.assign(note=exact["note"].astype("string").fillna("")
                          .where(~codes.eq(DERIVED).to_numpy(), "negative_estimate;net_crossings"))
    notes = publishable("value_for_money", signed, m).loc[codes.eq(DERIVED).to_numpy(), "note"]
    assert len(notes) and not notes.str.contains("negative").any()
    assert notes.str.contains("net_crossings").all()
