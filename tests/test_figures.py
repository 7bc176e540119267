"""Tests for pilot_eval.present.figures: SVG charts with a title, alt text and a caption.

The metric tables are computed once from data/sample (synthetic, as of 2026-06-30) and
every chart is rendered once per module (Norwegian); English and the privacy cases use a
few more renders, the privacy cases on tiny hand-made tables whose small cells are known.
"""

from __future__ import annotations

import base64
import html
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pilot_eval as pe
from pilot_eval import metrics as m
from pilot_eval.errors import UsageError
from pilot_eval.present import figures as F
from pilot_eval.present import fmt
from pilot_eval.present.figures import _core

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
AS_OF = "2026-06-30"
PARTICIPANT_ID = re.compile(r"p-[0-9a-f]{8}")
NBSP = "\u00a0"
K = 5


def texts(svg: str) -> list[str]:
    """The text of every ``<text>`` element, as a reader sees it (NBSP as space)."""
    root = ET.fromstring(svg)
    return ["".join(el.itertext()).replace(NBSP, " ") for el in root.iter()
            if el.tag.endswith("}text") or el.tag == "text"]


def all_text(fig: F.Figure) -> str:
    return " ".join(texts(fig.svg))


def plain(text: str | None) -> str:
    """Alt text or caption as a reader sees it (non-breaking spaces as spaces)."""
    return (text or "").replace(NBSP, " ")


# ---- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fr() -> dict:
    ds = pe.load_dataset(SAMPLE, as_of=AS_OF)
    return {
        "ds": ds,
        "names": F.pilot_names(ds.pilots),
        "k": ds.agreement.min_cell_size,
        "cost": m.cost_summary(ds),
        "cost_month": m.cost_by_month(ds),
        "reach": m.reach_summary(ds),
        "enrol": m.enrolment_by_month(ds),
        "by_gender": m.reach_by(ds, "gender"),
        "by_area": m.reach_by(ds, "area"),
        "outcomes": m.outcome_summary(ds),
        "changes": m.outcome_changes(ds),
        "its": m.its_fit(ds, "barnevernsmeldinger"),
        "vfm": m.value_for_money(ds),
        "vfm_pilot": m.value_for_money_by_pilot(ds),
        "sens": m.sensitivity(ds),
    }


def build(fr: dict, name: str, language: str = "nb") -> F.Figure:
    n, k, lang = fr["names"], fr["k"], language
    calls = {
        "grant_vs_spent": lambda: F.grant_vs_spent(fr["cost"], n, language=lang),
        "cumulative_spend": lambda: F.cumulative_spend(fr["cost_month"], n, language=lang),
        "cumulative_spend_one": lambda: F.cumulative_spend(fr["cost_month"], n, "mentor",
                                                           language=lang),
        "enrolment_vs_target": lambda: F.enrolment_vs_target(fr["enrol"], n, min_cell_size=k,
                                                             language=lang),
        "coverage": lambda: F.coverage(fr["reach"], n, min_cell_size=k, language=lang),
        "reach_breakdown": lambda: F.reach_breakdown(fr["by_gender"], "gender", n,
                                                     min_cell_size=k, language=lang),
        "reach_breakdown_area": lambda: F.reach_breakdown(fr["by_area"], "area", n, "mentor",
                                                          min_cell_size=k, language=lang),
        "completion": lambda: F.completion(fr["reach"], n, min_cell_size=k, language=lang),
        "forest": lambda: F.forest(fr["outcomes"], n, min_cell_size=k, language=lang),
        "its_chart": lambda: F.its_chart(fr["its"], label="Bekymringsmeldinger",
                                         min_cell_size=k, language=lang),
        "value_vs_cost": lambda: F.value_vs_cost(fr["vfm_pilot"], n, min_cell_size=k,
                                                 language=lang),
        "value_vs_cost_measure": lambda: F.value_vs_cost(fr["vfm"], n, min_cell_size=k,
                                                         language=lang),
        "tornado": lambda: F.tornado(fr["sens"], "leksehjelp", "trivsel", names=n,
                                     measure_label="Trivsel", language=lang),
        "monthly_activity": lambda: F.monthly_activity(fr["enrol"], "fritid",
                                                       sessions=fr["ds"].sessions, names=n,
                                                       min_cell_size=k, language=lang),
        "dosage": lambda: F.dosage(fr["ds"].sessions, n, min_cell_size=k, language=lang),
        "outcome_distribution": lambda: F.outcome_distribution(
            fr["changes"], "leksehjelp", "trivsel", names=n, measure_label="Trivsel",
            unit="poeng", scale=(0, 40), threshold=24, min_cell_size=k, language=lang),
    }
    return calls[name]()


CHARTS = [
    "grant_vs_spent", "cumulative_spend", "cumulative_spend_one", "enrolment_vs_target",
    "coverage", "reach_breakdown", "reach_breakdown_area", "completion", "forest",
    "its_chart", "value_vs_cost", "value_vs_cost_measure", "tornado", "monthly_activity",
    "dosage", "outcome_distribution",
]


@pytest.fixture(scope="module")
def figs(fr: dict) -> dict[str, F.Figure]:
    return {name: build(fr, name) for name in CHARTS}


# ---- every chart ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHARTS)
def test_chart_is_valid_svg_with_title_and_description(figs, name):
    fig = figs[name]
    assert isinstance(fig, F.Figure)
    root = ET.fromstring(fig.svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width", "").endswith("pt")
    assert abs(float(root.get("width")[:-2]) - F.WIDTH_MM / 25.4 * 72) < 1  # 160 mm
    children = [c.tag.split("}")[1] for c in root]
    assert children[:2] == ["title", "desc"]
    assert root[0].text == fig.title and fig.title.strip()
    assert root[1].text == fig.alt
    # text stays text (svg.fonttype = "none"), so the PDF can set it in the report's font
    assert texts(fig.svg)
    assert fig.title.split(":")[0].split()[0] in all_text(fig)


@pytest.mark.parametrize("name", CHARTS)
def test_alt_text_states_the_message_with_numbers(figs, name):
    alt = figs[name].alt
    assert len(alt) > 40
    assert re.search(r"\d", alt), alt
    assert re.match(r"^(Stolpe|Linje|Punkt|Tornado)", alt), alt
    assert alt != figs[name].title


@pytest.mark.parametrize("name", CHARTS)
def test_no_participant_id_anywhere(fr, figs, name):
    assert PARTICIPANT_ID.search(str(fr["ds"].participants["participant_id"].iloc[0]))
    fig = figs[name]
    for text in (fig.svg, fig.alt, fig.caption or "", fig._repr_html_()):
        assert not PARTICIPANT_ID.search(text)


@pytest.mark.parametrize("name", CHARTS)
def test_text_is_at_least_8_pt(figs, name):
    sizes = [float(s) for s in re.findall(r"font-size: ([0-9.]+)px", figs[name].svg)]
    assert sizes and min(sizes) >= 8.0


def test_repr_html_is_a_figure_with_the_svg_as_image(figs):
    fig = figs["completion"]
    out = fig._repr_html_()
    match = re.fullmatch(r'<figure class="chart"><img src="data:image/svg\+xml;base64,'
                         r'([A-Za-z0-9+/=]+)" alt="([^"]*)"><figcaption>(.*)</figcaption>'
                         r"</figure>", out, re.DOTALL)
    assert match, out[:200]
    assert base64.b64decode(match.group(1)).decode("utf-8") == fig.svg
    assert html.unescape(match.group(2)) == fig.alt
    assert html.unescape(match.group(3)) == fig.caption
    assert "&lt;5" in match.group(3)  # the caption's "<5" is escaped, not a tag


def test_repr_html_without_caption_has_no_figcaption():
    fig = F.Figure(svg="<svg xmlns='http://www.w3.org/2000/svg'/>", title="T", alt='a "b" 1')
    out = fig._repr_html_()
    assert "<figcaption>" not in out and 'alt="a &quot;b&quot; 1"' in out


def test_no_open_matplotlib_figures(figs):
    import matplotlib.pyplot as plt

    assert figs  # all charts built
    assert plt.get_fignums() == []


def test_svg_is_deterministic_and_undated(fr, figs):
    again = build(fr, "grant_vs_spent")
    assert again.svg == figs["grant_vs_spent"].svg
    assert "<dc:date>" not in again.svg and "Matplotlib v" not in again.svg


def test_charts_use_the_report_typeface(figs):
    assert "font-family: 'Inter'" in figs["grant_vs_spent"].svg


# ---- words and numbers -----------------------------------------------------------------------


def test_norwegian_number_formats_on_axes_and_labels(figs):
    grant = all_text(figs["grant_vs_spent"])
    assert "0,5 mill. kr" in grant and "1,0 mill. kr" in grant  # axis ticks
    assert "(74 %)" in grant  # share used, space before %
    tornado = texts(figs["tornado"].svg)
    assert "0,25" in tornado and "0,50" in tornado  # decimal comma on the ratio axis
    assert any(t.endswith(" %") for t in texts(figs["coverage"].svg))
    assert "jan. 2026" in all_text(figs["cumulative_spend"])


def test_glossary_terms_in_norwegian(figs):
    assert "Tilsagn fra fondet" in all_text(figs["grant_vs_spent"])
    assert "Brukt av fondsmidler" in all_text(figs["grant_vs_spent"])
    assert "Minste betydningsfulle endring" in all_text(figs["forest"])
    assert "framskrevet" in all_text(figs["value_vs_cost"])
    assert "Fullføringsgrad" in all_text(figs["completion"]).replace("-\n", "").replace(
        "Fullførings- grad", "Fullføringsgrad")


def test_pilot_names_not_ids(figs):
    text = all_text(figs["grant_vs_spent"])
    assert "Leksehjelp med matpakke" in text and "leksehjelp" not in text


@pytest.mark.parametrize("name", ["grant_vs_spent", "forest", "tornado", "completion"])
def test_english_labels(fr, name):
    fig = build(fr, name, "en")
    text = all_text(fig)
    for nb_word in ("Tilsagn", "prognose", "mill. kr", "Forbedring", "Grunnanslag",
                    "Fullført", " og "):
        assert nb_word not in text and nb_word not in fig.alt, nb_word
    if name != "completion":
        assert re.search(r"\d\.\d", text)  # decimal point
    assert not re.search(r"\d,\d(?!\d\d)", text)  # no decimal comma ("25,000" is fine)
    assert not re.search(r"\d %", text)  # "12%" in English
    expected = {"grant_vs_spent": "NOK 0.5 million", "forest": "Minimal important difference",
                "tornado": "Base case", "completion": "Completed"}[name]
    assert expected in text
    assert fig.alt.startswith(("Bar chart", "Dot plot", "Tornado chart"))


def test_its_alt_reports_the_rate_ratio(figs):
    alt = plain(figs["its_chart"].alt)
    assert "22 % lavere" in alt and "rateforhold 0,78" in alt


def test_forest_marks_design_and_sign(figs, fr):
    text = all_text(figs["forest"])
    assert "+3,2 (2,2–4,1)" in text
    assert "112 + 103" in text  # pilot + comparison group measured
    assert "positiv = nedgang = bedre" in text  # school absence: lower is better


def test_value_chart_keeps_observed_and_projected_apart(figs, fr):
    fig = figs["value_vs_cost"]
    assert 'id="hatch' in fig.svg or "<pattern" in fig.svg  # projected part hatched
    row = fr["vfm_pilot"].loc["leksehjelp"]
    share = row["observed_value_nok"] / row["social_value_pv_nok"]
    assert f"{round(share * 100)} %" in all_text(fig)
    assert "observert" in fig.alt and "framskrevet" in fig.alt


def test_value_chart_per_measure_shows_the_value_tables_figures(fr):
    """One measure per pilot (as the portfolio report draws it): the ratio and value in the
    chart are the value table's row, not the pilot's sum over measures."""
    from pilot_eval.present import tables

    main = fr["vfm"].loc[[("leksehjelp", "trivsel"), ("mentor", "trivsel")]]
    fig = F.value_vs_cost(main, fr["names"], min_cell_size=K, note="Én stolpe per pilot.")
    table = tables.value_table(main, fr["names"], min_cell_size=K)
    for pid in ("leksehjelp", "mentor"):
        row = fr["vfm"].loc[(pid, "trivsel")]
        ratio = fmt.number(row["benefit_cost_ratio"], 2)
        assert f"{fr['names'][pid]} – trivsel" in fig.alt
        assert f"nytte–kostnadsforhold {ratio}" in fig.alt
        assert ratio in table.data["Nytte–kostnadsforhold"].tolist()
    summed = fmt.number(fr["vfm_pilot"].loc["leksehjelp", "benefit_cost_ratio"], 2)
    assert summed != "0,37" and "0,37" in fig.alt and summed not in fig.alt
    assert "Én stolpe per pilot." in fig.caption
    assert "telle to ganger" not in fig.caption  # one measure per row: nothing is added up


def test_value_chart_says_nobody_is_measured_yet_in_words(fr):
    early = fr["vfm"].loc[[("leksehjelp", "trivsel")]].assign(
        n_measured=0, social_value_pv_nok=np.nan, observed_value_nok=np.nan,
        projected_value_nok=np.nan, benefit_cost_ratio=np.nan)
    fig = F.value_vs_cost(early, fr["names"], min_cell_size=K)
    assert "ingen målt før og etter ennå" in fig.alt
    few = early.assign(n_measured=3, social_value_pv_nok=1000.0)
    assert "for få målt" in F.value_vs_cost(few, fr["names"], min_cell_size=K).alt


# ---- privacy: small cells are not drawn ----------------------------------------------------


def test_completion_hides_a_small_status_and_its_complement():
    frame = pd.DataFrame({
        "enrolled": [50], "completed": [20], "dropped_out": [10], "moved": [3],
        "exited_other": [0], "active": [17],
    }, index=pd.Index(["a"], name="pilot_id"))
    fig = F.completion(frame, {"a": "Pilot A"}, min_cell_size=K)
    text = all_text(fig)
    # moved (3 → 6 %) is small; dropped out (10 → 20 %) is hidden too, so 3 cannot be derived
    assert "6 %" not in text and "6 %" not in plain(fig.alt)
    assert texts(fig.svg).count("20 %") == 1  # the axis tick only
    assert "20 %" not in plain(fig.alt)
    assert "40 %" in text  # completed is shown
    assert "skjult" in text and "personvernhensyn" in fig.caption
    assert "fullføringsgrad" not in fig.alt  # rests on a hidden cell


def test_reach_breakdown_shows_small_groups_as_less_than_5():
    idx = pd.MultiIndex.from_product([["a"], ["female", "male", "other", "unknown"]],
                                     names=["pilot_id", "gender"])
    frame = pd.DataFrame({"enrolled": [30, 25, 3, 0], "share": [30 / 58, 25 / 58, 3 / 58, 0],
                          "target_share": [0.49, 0.51, np.nan, np.nan]}, index=idx)
    fig = F.reach_breakdown(frame, "gender", {"a": "Pilot A"}, min_cell_size=K)
    text = texts(fig.svg)
    assert "<5" in text
    assert "5 %" not in text  # 3 of 58
    # shares are of the groups drawn (30 + 25), so 100 % − the others does not give the 3
    assert "55 %" in text and "45 %" in text
    assert "58" not in plain(fig.alt) and "55 deltakere" not in plain(fig.alt)
    assert "personvernhensyn" in fig.caption


def test_coverage_does_not_draw_a_rate_on_fewer_than_5():
    frame = pd.DataFrame({"enrolled": [3, 40], "target_population": [1000.0, 2000.0],
                          "coverage_share": [0.003, 0.02],
                          "coverage_note": pd.array([pd.NA, pd.NA], dtype="string")},
                         index=pd.Index(["a", "b"], name="pilot_id"))
    fig = F.coverage(frame, min_cell_size=K)
    text = all_text(fig)
    assert "<5 deltakere" in text and "0,3 %" not in text
    assert "2,0 % (40 av 2 000)" in text
    assert "færre enn 5" in plain(fig.alt)


def test_enrolment_small_counts_are_not_labelled():
    months = pd.date_range("2025-01-01", periods=3, freq="MS")
    frame = pd.DataFrame({"pilot_id": "a", "month": months,
                          "date": months + pd.offsets.MonthEnd(0), "observed": True,
                          "new_enrolled": [2.0, 1.0, 0.0], "exited": 0.0,
                          "enrolled_cumulative": [2.0, 3.0, 3.0], "active": [2.0, 3.0, 3.0],
                          "reach_target_line": [10.0, 20.0, 30.0]})
    fig = F.enrolment_vs_target(frame, {"a": "A"}, min_cell_size=K)
    assert "3" not in texts(fig.svg)
    assert "færre enn 5" in plain(fig.alt) and "personvernhensyn" in fig.caption


def test_forest_row_with_too_few_says_so():
    idx = pd.MultiIndex.from_tuples([("a", "m"), ("b", "m")], names=["pilot_id", "measure"])
    frame = pd.DataFrame({"design": ["pre_post", "pre_post"], "n_pilot": [3, 40],
                          "n_comparison": [0, 0], "improvement": [9.9, 1.5],
                          "improvement_ci_low": [1.1, 0.5], "improvement_ci_high": [18.7, 2.5],
                          "mid": [2.0, 2.0], "label_nb": ["Trivsel"] * 2, "unit": ["poeng"] * 2,
                          "higher_is_better": [True, True]}, index=idx)
    fig = F.forest(frame, {"a": "A", "b": "B"}, min_cell_size=K)
    text = all_text(fig)
    assert "for få deltakere til å si noe sikkert" in text
    assert "+9,9" not in text and "9,9" not in fig.alt  # the thin estimate is not shown
    assert "<5" in texts(fig.svg)
    assert "+1,5 (0,5–2,5)" in text


def test_dosage_hides_small_bands():
    sessions = pd.DataFrame({
        "pilot_id": "a",
        "participant_id": [f"x{i}" for i in range(12)],
        "hours": [1.0] * 3 + [12.0] * 6 + [50.0] * 3,
    })
    fig = F.dosage(sessions, {"a": "A"}, min_cell_size=K)
    text = texts(fig.svg)
    assert "<5" in text
    assert "25 %" not in text  # 3 of 12 in a band
    assert "x1" not in fig.svg


def test_outcome_distribution_hides_groups_and_bands_below_5():
    changes = pd.DataFrame({
        "pilot_id": "a", "measure": "m",
        "group": ["pilot"] * 8 + ["comparison"] * 4,
        "baseline": [10.0, 11, 12, 13, 14, 30, 31, 32, 10, 11, 12, 13],
        "followup": [20.0, 21, 22, 23, 24, 30, 31, 33, 10, 12, 12, 14],
        "both": True,
    })
    fig = F.outcome_distribution(changes, "a", "m", scale=(0, 40), bins=[0, 20, 40],
                                 min_cell_size=K)
    text = all_text(fig)
    assert "Sammenligningsgruppen" not in text  # 4 people: not drawn at all
    assert "<5" in texts(fig.svg)  # 3 people at 20–40 before
    assert "for få målt" in fig.alt.lower()


def test_its_hides_small_monthly_counts():
    months = pd.date_range("2024-01-01", periods=6, freq="MS")
    pred = pd.DataFrame({"observed": [10.0, 3.0, 12.0, 8.0, 9.0, 2.0],
                         "fitted": [10.0, 10, 10, 8, 8, 8], "counterfactual": [10.0] * 6,
                         "post": [0, 0, 0, 1, 1, 1]}, index=months)
    fig = F.its_chart(pred, label="X", min_cell_size=K)
    assert "personvernhensyn" in fig.caption
    assert "20 % lavere" in plain(fig.alt)  # 8 vs 10 expected


# ---- nothing to draw yet ---------------------------------------------------------------------


def test_empty_tables_give_a_chart_that_says_why(fr):
    """A scheduled report before the first measurement must still run and say why."""
    cases = [
        (F.forest(fr["outcomes"].iloc[:0], min_cell_size=K), "Ingen resultatmålinger"),
        (F.value_vs_cost(fr["vfm_pilot"].iloc[:0], min_cell_size=K), "Ingen verdsatte"),
        (F.tornado(fr["sens"].iloc[:0], "leksehjelp", "trivsel"), "kan ikke beregnes"),
        (F.outcome_distribution(fr["changes"].iloc[:0], "leksehjelp", "trivsel",
                                min_cell_size=K), "Ingen er målt"),
        (F.dosage(fr["ds"].sessions.iloc[:0], min_cell_size=K), "Ingen oppmøte"),
        (F.its_chart(fr["its"].predictions.assign(post=0.0), min_cell_size=K),
         "kan ikke beregnes"),
    ]
    for fig, words in cases:
        ET.fromstring(fig.svg)
        assert words in fig.alt and words in all_text(fig), fig.alt


# ---- usage errors --------------------------------------------------------------------------


def test_usage_errors(fr):
    with pytest.raises(UsageError, match="language"):
        F.grant_vs_spent(fr["cost"], language="sv")
    with pytest.raises(UsageError, match="cost_summary"):
        F.grant_vs_spent(fr["reach"])
    with pytest.raises(UsageError, match="min_cell_size"):
        F.completion(fr["reach"], min_cell_size=0)
    with pytest.raises(UsageError, match="leksehjelp"):
        F.cumulative_spend(fr["cost_month"], pilot_id="nope")
    with pytest.raises(UsageError, match="leksehjelp/trivsel"):
        F.tornado(fr["sens"], "nope", "trivsel")
    with pytest.raises(UsageError, match="by="):
        F.reach_breakdown(fr["by_gender"], "colour", min_cell_size=K)  # type: ignore[arg-type]


def test_pilot_names_from_the_pilots_table(fr):
    names = F.pilot_names(fr["ds"].pilots)
    assert names["leksehjelp"] == "Leksehjelp med matpakke"


# ---- in the PDF ----------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_figures_render_in_the_pdf_as_inter_text(figs, tmp_path):
    import pikepdf

    from pilot_eval.render.export import font_face_css, html_to_pdf

    body = "".join(figs[n]._repr_html_() for n in ("grant_vs_spent", "forest"))
    doc = (f"<!DOCTYPE html><html lang='nb'><head><meta charset='utf-8'>"
           f"<style>{font_face_css()} html {{ font-family: Inter; }}</style></head>"
           f"<body><p>Figurer</p>{body}</body></html>")
    pdf = html_to_pdf(doc, tmp_path / "figs.pdf", title="Figurer")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Tilsagn fra fondet" in text  # chart text is real, searchable text
    assert "Minste betydningsfulle endring" in text
    fonts: set[str] = set()
    with pikepdf.open(pdf) as p:
        for page in p.pages:
            for _name, font in page.resources.get("/Font", {}).items():
                fonts.add(str(font.get("/BaseFont", "")))
            for _name, xobj in page.resources.get("/XObject", {}).items():
                for _n, font in xobj.get("/Resources", {}).get("/Font", {}).items():
                    fonts.add(str(font.get("/BaseFont", "")))
    assert any("Inter" in f for f in fonts), fonts


# ---- review fixes: captions, early dates, axes ----------------------------------------------


def test_source_that_already_says_kilde_is_not_prefixed_twice():
    cap = _core._caption("Note.", source="Kilde: pilotenes data per 30. juni 2026.", language="nb")
    assert cap == "Note. Kilde: pilotenes data per 30. juni 2026."
    assert _core._caption(source="Source: x", language="en") == "Source: x."
    assert _core._caption(source="pilotenes data", language="nb") == "Kilde: pilotenes data."


def test_money_axis_is_in_millions_from_100_000_like_the_labels():
    ticks = _core._Ticks("money", "nb")
    assert [t.replace(NBSP, " ") for t in ticks.format_ticks([0, 2e5, 4e5, 6e5])] == [
        "0", "0,2 mill. kr", "0,4 mill. kr", "0,6 mill. kr"]
    assert ticks.format_ticks([0, 5e4])[1].replace(NBSP, " ") == "50 000 kr"


def test_outcome_distribution_bands_the_data_when_they_fill_little_of_the_scale():
    """School absence 0–27 days on a 0–95 scale: bands over the whole scale put nearly
    everyone in one band, which suppression then hid, leaving an empty chart."""
    rng = np.random.default_rng(1)
    n = 60
    changes = pd.DataFrame({"pilot_id": "a", "measure": "m", "group": "pilot",
                            "baseline": rng.integers(0, 28, n).astype(float),
                            "followup": rng.integers(0, 22, n).astype(float), "both": True})
    fig = F.outcome_distribution(changes, "a", "m", scale=(0, 95), min_cell_size=K)
    ticks = texts(fig.svg)
    assert "95" not in ticks and "100" not in ticks  # the axis follows the data
    assert "25" in ticks or "30" in ticks
    assert "For få i hvert intervall" not in all_text(fig)


def test_outcome_distribution_says_why_a_panel_is_empty():
    changes = pd.DataFrame({"pilot_id": "a", "measure": "m", "group": "pilot",
                            "baseline": [10.0, 12, 14, 16, 30], "followup": [12.0, 14, 16, 30, 32],
                            "both": True})
    fig = F.outcome_distribution(changes, "a", "m", scale=(0, 40), bins=[0, 20, 40],
                                 min_cell_size=K)
    assert "For få i hvert intervall" in all_text(fig)


def test_forest_with_nobody_measured_is_one_sentence_not_empty_rows():
    idx = pd.MultiIndex.from_tuples([("a", "m"), ("b", "m")], names=["pilot_id", "measure"])
    frame = pd.DataFrame({"design": ["pre_post"] * 2, "n_pilot": [0, 0], "n_comparison": [0, 0],
                          "improvement": [np.nan] * 2, "improvement_ci_low": [np.nan] * 2,
                          "improvement_ci_high": [np.nan] * 2, "mid": [2.0, 2.0]}, index=idx)
    fig = F.forest(frame, {"a": "A", "b": "B"}, min_cell_size=K)
    assert "Ingen er målt både før og etter ennå." in all_text(fig)
    assert "Forbedring (95 % KI)" not in all_text(fig)


def _enrolment(new: list[float], active: list[float]) -> pd.DataFrame:
    months = pd.date_range("2025-03-01", periods=len(new), freq="MS")
    return pd.DataFrame({"pilot_id": "a", "month": months,
                         "date": months + pd.offsets.MonthEnd(0), "observed": True,
                         "new_enrolled": new, "active": active})


def test_monthly_activity_counts_start_at_zero():
    fig = F.monthly_activity(_enrolment([3.0, 6.0], [6.0, 7.0]), "a", names={"a": "A"},
                             min_cell_size=K)
    ticks = texts(fig.svg)
    assert "0" in ticks and "<5" in ticks  # a cut axis hid the "<5" mark and exaggerated 6 → 7


def test_monthly_activity_before_any_activity_says_so():
    sessions = pd.DataFrame({"pilot_id": ["b"], "participant_id": ["x"],
                             "date": [pd.Timestamp("2025-01-10")], "hours": [1.0]})
    fig = F.monthly_activity(_enrolment([0.0, 0.0], [0.0, 0.0]), "a", sessions=sessions,
                             names={"a": "A"}, min_cell_size=K)
    assert "Ingen aktivitet registrert ennå." in all_text(fig)
    assert "−0,05" not in all_text(fig)


def test_reach_breakdown_hides_a_lone_group_beside_a_small_one():
    """Nine participants, 7 girls and 2 boys: "100 %" beside "<5" says nothing true."""
    idx = pd.MultiIndex.from_product([["a"], ["female", "male"]], names=["pilot_id", "gender"])
    frame = pd.DataFrame({"enrolled": [7, 2], "share": [7 / 9, 2 / 9],
                          "target_share": [0.5, 0.5]}, index=idx)
    fig = F.reach_breakdown(frame, "gender", {"a": "A"}, min_cell_size=K)
    text = texts(fig.svg)
    assert text.count("100 %") == 1  # the axis tick only, no bar says 100 %
    assert "skjult" in text and "<5" in text and "78 %" not in text
    assert "Skjult" in fig.caption


def test_reach_breakdown_and_coverage_before_anyone_enrolled():
    idx = pd.MultiIndex.from_product([["a"], ["female", "male"]], names=["pilot_id", "gender"])
    frame = pd.DataFrame({"enrolled": [0, 0], "share": [np.nan, np.nan],
                          "target_share": [0.5, 0.5]}, index=idx)
    fig = F.reach_breakdown(frame, "gender", {"a": "A"}, min_cell_size=K)
    assert "Ingen deltakere ennå." in all_text(fig)
    cov = pd.DataFrame({"enrolled": [0, 40], "target_population": [1000.0, 2000.0],
                        "coverage_share": [0.0, 0.02]},
                       index=pd.Index(["a", "b"], name="pilot_id"))
    text = all_text(F.coverage(cov, {"a": "A", "b": "B"}, min_cell_size=K))
    assert "Ingen deltakere ennå" in text and "0,0 %" not in text


def test_its_start_label_stays_inside_the_chart(figs):
    """The "… starter feb. 2025" label ran past the plot on the right, and the layout then
    shrank the plot to make room; it now sits left of the line when that is to the right."""
    svg = figs["its_chart"].svg
    clip = re.search(r'<clipPath id="[^"]+">\s*<rect x="([\d.]+)" y="[\d.]+" '
                     r'width="([\d.]+)"', svg)
    right_of_plot = float(clip.group(1)) + float(clip.group(2))
    box = svg[:svg.find("starter")].rsplit("<path d=", 1)[1]  # the label's white ground
    xs = [float(v) for v in re.findall(r"[ML] ([\d.]+) [\d.]+", box)]
    assert xs and max(xs) <= right_of_plot + 0.5


def test_english_tornado_title_keeps_the_measure_lower_case_mid_sentence(fr):
    fig = F.tornado(fr["sens"], "leksehjelp", "skolefravaer", names=fr["names"],
                    measure_label="School absence", language="en")
    assert fig.title.endswith("Leksehjelp med matpakke, school absence")


def test_one_layout_pass_and_shared_text_sizes_give_the_same_svg(fr, monkeypatch):
    """_render lays a chart out once before drawing it and measures each label once per
    process; the SVG is byte for byte what matplotlib's own savefig makes without either."""
    import matplotlib.figure

    monkeypatch.setattr(_core, "_MEASURED", {})
    cold = build(fr, "cumulative_spend").svg
    measured = len(_core._MEASURED)
    assert measured > 10
    assert build(fr, "cumulative_spend").svg == cold
    assert len(_core._MEASURED) == measured  # every label of the second chart came from the cache

    def savefig_lays_out(fig):  # instead of FigureCanvasSVG(fig): _render sees no engine
        engine, asked = fig.get_layout_engine, []
        fig.get_layout_engine = lambda: engine() if asked or asked.append(1) else None

    monkeypatch.setattr(_core, "_ChartFigure", matplotlib.figure.Figure)
    monkeypatch.setattr(_core, "FigureCanvasSVG", savefig_lays_out)
    assert build(fr, "cumulative_spend").svg == cold
