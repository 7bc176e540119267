"""Tests for pilot_eval.present.figures: SVG charts with a title, alt text and a caption.

The metric tables are computed once from data/sample (synthetic, as of 2026-06-30) and
every chart is rendered once per module (Norwegian); English and the privacy cases use a
few more renders, the privacy cases on tiny hand-made tables whose small cells are known.
"""

from __future__ import annotations

import base64
import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple

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


class Label(NamedTuple):
    """One line of text drawn in a chart: its words, colour, where it starts (the left end
    of its baseline, in points from the top left) and its size in points."""

    text: str
    fill: str
    x: float
    y: float
    size: float


_PLACED = re.compile(r"translate\((-?[\d.]+) (-?[\d.]+)\)(?: rotate\(-?[\d.]+\))? "
                     r"scale\(([\d.]+) -[\d.]+\)")


def labels(svg: str) -> list[Label]:
    """Every text of a chart. Text is drawn as glyph outlines (``svg.fonttype = "path"``):
    a group of ``<use>`` of glyphs, its words in ``aria-label``, scaled from matplotlib's
    100 pt outlines to its size."""
    out = []
    for el in ET.fromstring(svg).iter():
        if (words := el.get("aria-label")) is not None:
            x, y, scale = _PLACED.search(el.get("transform", "")).groups()
            out.append(Label(words.replace(NBSP, " "), el.get("fill", "#000000"), float(x),
                             float(y), float(scale) * 100))
    return out


def texts(svg: str) -> list[str]:
    """The words of every text of a chart, as a reader sees them (NBSP as space)."""
    return [label.text for label in labels(svg)]


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
                                                 language=lang, by_measure=fr["vfm"]),
        "value_vs_cost_measure": lambda: F.value_vs_cost(fr["vfm"], n, min_cell_size=k,
                                                         language=lang),
        "tornado": lambda: F.tornado(fr["sens"], "leksehjelp", "trivsel", names=n,
                                     by_measure=fr["vfm"], min_cell_size=k,
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
    # text is drawn as glyph outlines (svg.fonttype = "path"): it looks the same wherever
    # the SVG is shown, with or without the font; the words stay in the SVG
    assert "<text" not in fig.svg and "font-family" not in fig.svg
    assert texts(fig.svg)
    title = fig.title.replace("\u00a0", " ")  # as texts() reads the drawn words
    assert any(title.startswith(t) for t in texts(fig.svg) if len(t) > 10)  # its 1st line
    assert fig.title.split(":")[0].split()[0] in all_text(fig)


@pytest.mark.parametrize("name", CHARTS)
def test_chart_svg_is_lean_for_the_pdf_printer(figs, name):
    """matplotlib's id-only ``<g>`` wrappers are dropped (each costs the PDF a graphics
    state), and its CSS is written as presentation attributes (no CSS to parse); groups
    that clip, and everything drawn, stay."""
    svg = figs[name].svg
    root = ET.fromstring(svg)
    groups = [el for el in root.iter() if el.tag.endswith("}g")]
    assert all(set(g.attrib) - {"id"} for g in groups), [g.attrib for g in groups]
    assert all(len(g) for g in groups)
    assert ' style="' not in svg and "<style" not in svg
    assert root.get("stroke-linejoin") == "round" and root.get("stroke-linecap") == "butt"


def test_flattening_groups_keeps_every_drawn_element():
    import io

    import matplotlib

    with matplotlib.rc_context(_core._rc()):
        mpl_fig = _core._MplFigure(figsize=(4, 3))
        ax = mpl_fig.add_subplot()
        ax.plot([0, 1, 2], [1, 3, 2], label="a")
        ax.bar([0, 1], [2, 1])
        ax.set_title("Tittel")
        buf = io.StringIO()
        mpl_fig.savefig(buf, format="svg")
    raw = buf.getvalue()
    flat = _core._flatten_groups(raw)
    ET.fromstring(flat)  # still well-formed
    for tag in ("<path", "<use", "<text", "<clipPath", "clip-path="):
        assert flat.count(tag) == raw.count(tag), tag
    assert flat.count("<g") < raw.count("<g")


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
    sizes = [label.size for label in labels(figs[name].svg)]
    assert sizes and min(sizes) >= 8.0 - 1e-9


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
    """Every glyph drawn is one of the shipped Inter's (matplotlib names a glyph outline by
    the font's PostScript name): regular and semibold, no fallback font."""
    import matplotlib
    from matplotlib.font_manager import FontProperties, findfont

    svg = figs["grant_vs_spent"].svg
    glyphs = set(re.findall(r'<path id="([^"]+)-[0-9a-f]+"', svg))
    assert glyphs == {"Inter-Regular", "Inter-SemiBold"}, glyphs
    italic = figs["tornado"].svg  # "brukes ikke: …" under a measure that is not used
    assert "Inter-Italic" in set(re.findall(r'<path id="([^"]+)-[0-9a-f]+"', italic))
    assert _core._font_family() == "Inter"
    fonts = Path(_core.resources.files("pilot_eval").joinpath("render", "fonts"))
    with matplotlib.rc_context(_core._rc()):
        for weight, style, face in [("normal", "normal", "Regular"),
                                    ("semibold", "normal", "SemiBold"),
                                    ("bold", "normal", "Bold"), ("normal", "italic", "Italic")]:
            found = findfont(FontProperties(weight=weight, style=style),
                             fallback_to_default=False)
            assert Path(found) == fonts / f"Inter-{face}.otf"


def test_chart_text_is_drawn_as_paths_with_its_words_kept(figs):
    """No text element and no font: the SVG looks the same in the PDF (Typst, through
    resvg), a browser's ``<img>`` and JupyterLab. The words are in ``<title>``/``<desc>``
    and, text by text, in the ``aria-label`` of the group of glyphs that draws it, exactly
    (no XML comment, which would turn "--" into "- -")."""
    fig = figs["grant_vs_spent"]
    assert "<!--" not in fig.svg
    root = ET.fromstring(fig.svg)
    ns = "{http://www.w3.org/2000/svg}"
    for group in root.iter(f"{ns}g"):
        if group.get("aria-label") is not None:
            assert {child.tag for child in group} <= {f"{ns}use", f"{ns}defs"}
            assert any(child.tag == f"{ns}use" for child in group) or not group.get(
                "aria-label").strip()
    words = texts(fig.svg)
    assert "Tilsagn fra fondet" in words and "Brukt av fondsmidler" in words
    assert fig.title in words  # the title, in one line


def test_text_groups_keep_the_words_exactly():
    import io as _io

    import matplotlib

    from pilot_eval.present.figures._core import _ChartFigure

    words = "a -- b <c> & \"d\" 'e'"
    with matplotlib.rc_context(_core._rc()):
        fig = _ChartFigure(figsize=(2, 1))
        fig.text(0.1, 0.5, words)
        buf = _io.StringIO()
        fig.savefig(buf, format="svg")
    assert texts(buf.getvalue()) == [words]


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
    assert "20 % lavere" in alt and "rateforhold 0,80" in alt


def test_forest_marks_design_and_sign(figs, fr):
    text = all_text(figs["forest"])
    assert "+3,0 (2,0–3,9)" in text
    assert "112 + 95" in text  # pilot + comparison group measured
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
    # mentor's value rests on 3 people who crossed the threshold the wrong way: hidden
    assert "Mentorprogrammet Veivenn – trivsel: vises ikke av personvernhensyn" in fig.alt
    for pid in ("leksehjelp",):
        row = fr["vfm"].loc[(pid, "trivsel")]
        ratio = fmt.number(row["benefit_cost_ratio"], 2)
        assert f"{fr['names'][pid]} – trivsel" in fig.alt
        assert f"nytte–kostnadsforhold {ratio}" in fig.alt
        # the table prints the ratio with its 95 % range beside it
        assert any(cell.startswith(f"{ratio} (")
                   for cell in table.data["Nytte–kostnadsforhold"].tolist())
    summed = fmt.number(fr["vfm_pilot"].loc["leksehjelp", "benefit_cost_ratio"], 2)
    ratio = fmt.number(fr["vfm"].loc[("leksehjelp", "trivsel"), "benefit_cost_ratio"], 2)
    assert summed != ratio and ratio in fig.alt and summed not in fig.alt
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
    rows = _breakdown_rows(fig.svg)
    assert rows["Annet"] == "<5" and rows["Gutter"] == "skjult"  # 3, and 25 to protect it
    # shares are of all 58, and the hidden ones are drawn together (28 of 58)
    assert rows["Jenter"] == "52 %" and rows["Andre, samlet"] == "48 %"
    assert "5 %" not in texts(fig.svg)  # 3 of 58
    assert "58" not in plain(fig.alt) and "55 deltakere" not in plain(fig.alt)
    assert "personvernhensyn" in fig.caption and "«Skjult»" in fig.caption


def test_reach_breakdown_alt_text_keeps_place_names_capitalised():
    idx = pd.MultiIndex.from_product([["a"], ["Sandvika", "Bekkestua"]], names=["pilot_id", "area"])
    frame = pd.DataFrame({"enrolled": [30, 25], "share": [30 / 55, 25 / 55],
                          "target_share": [0.5, 0.5]}, index=idx)
    for language in ("nb", "en"):
        alt = plain(F.reach_breakdown(frame, "area", {"a": "Pilot A"}, min_cell_size=K,
                                      language=language).alt)
        assert "Pilot A: Sandvika 55" in alt and "Bekkestua 45" in alt, alt


def _plot_left(svg: str) -> float:
    """The left edge of the (first) plot area: its clip rectangle."""
    return float(re.search(r'<clipPath id="[^"]+">\s*<rect x="([\d.]+)"', svg).group(1))


def _breakdown_rows(svg: str) -> dict[str, str]:
    """Row label → the value written on that row ("52 %", "<5", "skjult") of a one-panel
    breakdown: the row labels stand left of the plot, the values in it at the same y
    (a value inside its bar's end in white)."""
    left = _plot_left(svg)
    found = labels(svg)
    rows = [(lab.y, lab.text) for lab in found if lab.x < left and lab.fill != "#ffffff"]
    values = [(lab.y, lab.text) for lab in found if lab.x >= left or lab.fill == "#ffffff"]
    return {lab: v for ly, lab in rows for vy, v in values if abs(ly - vy) < 3}


def _derivable_hidden_sum(frame: pd.DataFrame, by: str, rows: dict[str, str],
                          labels: dict[str, str]) -> tuple[list[float], float]:
    """The exact counts of the groups not shown, and what the published total less the
    groups shown gives away about them."""
    counts = frame.reset_index().set_index(by)["enrolled"]
    shown = [g for g, lab in labels.items() if rows.get(lab, "").endswith("%")]
    hidden = [float(counts[g]) for g in counts.index if g not in shown and counts[g] > 0]
    return hidden, float(counts.sum() - counts[shown].sum())


@pytest.mark.parametrize("by, groups, counts, labels", [
    # the reviewer's Fritidsguiden by age: 8, 15, 17 and 2 aged 16–19 (42 in all)
    ("age_group", ["10–12", "13–15", "16–18", "16–19"], [8, 15, 17, 2],
     {"10–12": "10–12 år", "13–15": "13–15 år", "16–18": "16–18 år", "16–19": "16–19 år"}),
    # and by gender: 28 + 13 = 41, one of unknown gender
    ("gender", ["female", "male", "unknown"], [28, 13, 1],
     {"female": "Jenter", "male": "Gutter", "unknown": "Ukjent"}),
])
def test_reach_breakdown_leaves_no_small_count_derivable_from_shares_and_total(
        by, groups, counts, labels):
    idx = pd.MultiIndex.from_product([["fritid"], groups], names=["pilot_id", by])
    frame = pd.DataFrame({"enrolled": counts, "share": np.nan, "target_share": np.nan},
                         index=idx)
    fig = F.reach_breakdown(frame, by, {"fritid": "Fritidsguiden"}, min_cell_size=K)
    rows = _breakdown_rows(fig.svg)
    total = sum(counts)
    # every shown share is of everyone (the published total), to the rounding of a percent
    for g, lab in labels.items():
        if rows.get(lab, "").endswith("%"):
            n = counts[groups.index(g)]
            assert rows[lab] == fmt.percent(n / total).replace(NBSP, " "), (lab, rows[lab])
    hidden, derivable = _derivable_hidden_sum(frame, by, rows, labels)
    assert len(hidden) >= 2 and derivable == sum(hidden) >= K
    # nothing on the chart or in the text is the share of a small count
    small = {fmt.percent(n / total).replace(NBSP, " ") for n in range(1, K)}
    assert not small & set(rows.values())
    assert not any(re.search(r"(?<![\d,])" + s, plain(fig.alt)) for s in small)
    assert "Ukjent" not in rows or rows["Ukjent"] in ("<5", "skjult")
    if "Andre, samlet" in rows:
        assert rows["Andre, samlet"] == fmt.percent(derivable / total).replace(NBSP, " ")


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


def test_the_target_label_stands_clear_of_a_line_ahead_of_the_plan():
    """Enrolled ahead of the plan: 'mål 120' goes over the end label '130' (it once sat
    at the plan's end, under the enrolled line and its label, half hidden)."""
    months = pd.date_range("2025-01-01", periods=12, freq="MS")
    frame = pd.DataFrame({"pilot_id": "a", "month": months,
                          "date": months + pd.offsets.MonthEnd(0),
                          "observed": [True] * 10 + [False] * 2,
                          "enrolled_cumulative": np.round(np.linspace(20, 130, 10).tolist()
                                                          + [np.nan, np.nan]),
                          "active": np.round(np.linspace(15, 90, 10).tolist() + [np.nan] * 2),
                          "reach_target_line": np.linspace(10, 120, 12)})
    placed = {label.text: label for label in labels(
        F.enrolment_vs_target(frame, {"a": "A"}, min_cell_size=K).svg)}
    target, reached = placed["mål 120"], placed["130"]
    # SVG y grows downwards; a label's y is its baseline: the target's over the end's top
    assert target.y < reached.y - reached.size
    # mid-period (36 months planned, 10 seen) the line ends far from the plan's end: the
    # value stays at the plan line's end, at the top right, not down at the line's height
    months = pd.date_range("2025-01-01", periods=36, freq="MS")
    long = pd.DataFrame({"pilot_id": "a", "month": months,
                         "date": months + pd.offsets.MonthEnd(0),
                         "observed": [True] * 10 + [False] * 26,
                         "enrolled_cumulative": np.round(np.linspace(20, 170, 10).tolist()
                                                         + [np.nan] * 26),
                         "active": np.round(np.linspace(15, 90, 10).tolist() + [np.nan] * 26),
                         "reach_target_line": np.linspace(10, 360, 36)})
    placed = {label.text: label for label in labels(
        F.enrolment_vs_target(long, {"a": "A"}, min_cell_size=K).svg)}
    assert placed["mål 360"].y < placed["170"].y - 40  # well above the line's end


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
    # 5 and 3 people before (8 in all, each band hidden): marked alike, as "<5" beside
    # "skjult" could pin a split such as 4 and 4 (docs/privacy.md, the marks)
    assert texts(fig.svg).count("skjult") == 2 and "<5" not in texts(fig.svg)
    assert "for få målt" in fig.alt.lower()


def test_its_hides_small_monthly_counts():
    months = pd.date_range("2024-01-01", periods=12, freq="MS")
    pred = pd.DataFrame({"observed": [10.0, 3.0, 12.0, 11, 10, 9, 8.0, 9.0, 2.0, 8, 7, 9],
                         "fitted": [10.0] * 6 + [8.0] * 6, "counterfactual": [10.0] * 12,
                         "post": [0] * 6 + [1] * 6}, index=months)
    fig = F.its_chart(pred, label="X", min_cell_size=K)
    assert "personvernhensyn" in fig.caption
    assert "20 % lavere" in plain(fig.alt)  # 8 vs 10 expected


# ---- nothing to draw yet ---------------------------------------------------------------------


def test_empty_tables_give_a_chart_that_says_why(fr):
    """A scheduled report before the first measurement must still run and say why."""
    cases = [
        (F.forest(fr["outcomes"].iloc[:0], min_cell_size=K), "Ingen resultatmålinger"),
        (F.value_vs_cost(fr["vfm_pilot"].iloc[:0], min_cell_size=K), "Ingen verdsatte"),
        (F.tornado(fr["sens"].iloc[:0], "leksehjelp", "trivsel", by_measure=fr["vfm"],
                   min_cell_size=K), "kan ikke beregnes"),
        (F.outcome_distribution(fr["changes"].iloc[:0], "leksehjelp", "trivsel",
                                min_cell_size=K), "Ingen er målt"),
        (F.dosage(fr["ds"].sessions.iloc[:0], min_cell_size=K), "Ingen oppmøte"),
        (F.its_chart(fr["its"].predictions.assign(post=0.0), min_cell_size=K),
         "kan ikke sammenlignes ennå"),
    ]
    for fig, words in cases:
        # one sentence, no chart frame, title or source line (said once, in a line)
        assert not fig.is_chart and fig.svg == "" and fig.caption is None
        assert words in fig.alt, fig.alt
        assert fig._repr_html_() == f'<p class="pe-chart-note">{html.escape(fig.alt)}</p>'


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
        F.tornado(fr["sens"], "nope", "trivsel", by_measure=fr["vfm"], min_cell_size=K)
    with pytest.raises(UsageError, match="by="):
        F.reach_breakdown(fr["by_gender"], "colour", min_cell_size=K)  # type: ignore[arg-type]


def test_pilot_names_from_the_pilots_table(fr):
    names = F.pilot_names(fr["ds"].pilots)
    assert names["leksehjelp"] == "Leksehjelp med matpakke"


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
    # every band hidden: one sentence, and no "<5" marks that show where the 5 scored
    assert not fig.is_chart and "<5" not in fig._repr_html_()
    assert fig.alt == "M før og etter: for få i hvert intervall til å vise fordelingen."


def test_forest_with_nobody_measured_is_one_sentence_not_empty_rows():
    idx = pd.MultiIndex.from_tuples([("a", "m"), ("b", "m")], names=["pilot_id", "measure"])
    frame = pd.DataFrame({"design": ["pre_post"] * 2, "n_pilot": [0, 0], "n_comparison": [0, 0],
                          "improvement": [np.nan] * 2, "improvement_ci_low": [np.nan] * 2,
                          "improvement_ci_high": [np.nan] * 2, "mid": [2.0, 2.0]}, index=idx)
    fig = F.forest(frame, {"a": "A", "b": "B"}, min_cell_size=K)
    assert fig.alt == "Ingen er målt både før og etter ennå." and not fig.is_chart
    assert not F.measured_enough(frame, K).any()


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
    assert fig.alt == "Ingen aktivitet registrert ennå." and not fig.is_chart


def test_reach_breakdown_hides_a_lone_group_beside_a_small_one():
    """Nine participants, 7 girls and 2 boys: "100 %" beside "<5" says nothing true, and a
    panel of "<5" and "skjult" says nothing at all: one sentence instead."""
    idx = pd.MultiIndex.from_product([["a"], ["female", "male"]], names=["pilot_id", "gender"])
    frame = pd.DataFrame({"enrolled": [7, 2], "share": [7 / 9, 2 / 9],
                          "target_share": [0.5, 0.5]}, index=idx)
    fig = F.reach_breakdown(frame, "gender", {"a": "A"}, min_cell_size=K)
    assert not fig.is_chart
    assert fig.alt == "Deltakerne etter kjønn: for få i hver gruppe til å vise fordelingen."


def test_reach_breakdown_and_coverage_before_anyone_enrolled():
    idx = pd.MultiIndex.from_product([["a"], ["female", "male"]], names=["pilot_id", "gender"])
    frame = pd.DataFrame({"enrolled": [0, 0], "share": [np.nan, np.nan],
                          "target_share": [0.5, 0.5]}, index=idx)
    fig = F.reach_breakdown(frame, "gender", {"a": "A"}, min_cell_size=K)
    assert fig.alt == "Ingen deltakere ennå." and not fig.is_chart
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
    xs = [float(v) for v in re.findall(r"[ML](-?[\d.]+) -?[\d.]+", box)]
    assert xs and max(xs) <= right_of_plot + 0.5


def test_english_tornado_title_keeps_the_measure_lower_case_mid_sentence(fr):
    fig = F.tornado(fr["sens"], "leksehjelp", "skolefravaer", names=fr["names"],
                    by_measure=fr["vfm"], min_cell_size=K,
                    measure_label="School absence", language="en")
    assert fig.title.endswith("Leksehjelp med matpakke, school absence")


def test_shared_text_sizes_give_the_same_svg(fr, monkeypatch):
    """Each label is measured once per process (:data:`_core._MEASURED`), each text laid out
    as glyphs once (:data:`_core._GLYPH_RUNS`): the second chart takes every size and glyph
    from the caches, and its SVG is byte for byte the first's."""
    monkeypatch.setattr(_core, "_MEASURED", {})
    monkeypatch.setattr(_core, "_GLYPH_RUNS", {})
    cold = build(fr, "cumulative_spend").svg
    measured, runs = len(_core._MEASURED), len(_core._GLYPH_RUNS)
    assert measured > 10 and runs > 10
    assert build(fr, "cumulative_spend").svg == cold
    assert len(_core._MEASURED) == measured  # every label of the second chart came from the cache
    assert len(_core._GLYPH_RUNS) == runs


def _panel_places(fr, name, monkeypatch, *, ours: bool) -> list[tuple[float, ...]]:
    """Where the panels of chart ``name`` end up, laid out by :func:`_core._lay_out` or,
    with ``ours=False``, by matplotlib's constrained layout engine."""
    figs, laid_out = [], []
    ticks_once, lay_out = _core._ticks_once, _core._lay_out
    with monkeypatch.context() as mp:
        mp.setattr(_core, "_ticks_once", lambda fig: (figs.append(fig), ticks_once(fig))[1])
        mp.setattr(_core, "_lay_out", lambda fig, params: laid_out.append(
            lay_out(fig, params) if ours else False) or laid_out[-1])
        build(fr, name)
    assert laid_out == [ours]  # ours placed the panels, or the engine did
    w, h = figs[0].get_size_inches() * 72
    return [np.multiply(ax.get_position().bounds, (w, h, w, h)) for ax in figs[0].axes]


@pytest.mark.parametrize("name", ["grant_vs_spent", "cumulative_spend", "reach_breakdown_area",
                                  "forest", "its_chart", "tornado", "monthly_activity",
                                  "dosage", "outcome_distribution"])
def test_layout_places_panels_where_constrained_layout_does(fr, name, monkeypatch):
    """One measuring pass of the axes, a second of the direct labels only, and a direct
    solution of the grid: the panels land where matplotlib's constrained layout puts them,
    in charts of one panel and of several, with labels at line ends, shared axes and uneven
    heights; to half a point (a tick label at a panel's edge, which the engine measures
    again after moving the panel, may shift a panel by a fraction of a point)."""
    ours = _panel_places(fr, name, monkeypatch, ours=True)
    engine = _panel_places(fr, name, monkeypatch, ours=False)
    assert np.allclose(ours, engine, rtol=0, atol=0.5), (ours, engine)


def test_layout_leaves_what_it_cannot_place_to_the_engine():
    import matplotlib

    with matplotlib.rc_context(_core._rc()):
        fig, axes = _core._new(40, 2, 2)
        span = fig.add_subplot(axes[0, 0].get_gridspec()[1, :])  # a panel over two cells
        assert span is not None
        assert not _core._lay_out(fig, fig.get_layout_engine().get())
        fig, axes = _core._new(40)
        axes[0, 0].set_yticks([0, 1], ["a very long label " * 30, "b"])  # no room left
        assert not _core._lay_out(fig, fig.get_layout_engine().get())


# ---- review 4: privacy of counts, sentences for empty charts, early dates, scales -----------


def _people(pilot: str, n: int) -> list[str]:
    return [f"{pilot}{i}" for i in range(n)]


def test_dosage_counts_everyone_enrolled_with_0_hours_for_those_without_attendance():
    """100 of 104 with attendance: "100 deltakere" beside 104 enrolled gave away the 4."""
    participants = pd.DataFrame({"pilot_id": "a", "participant_id": _people("x", 30)})
    sessions = pd.DataFrame({"pilot_id": "a", "participant_id": _people("x", 26),
                             "hours": [12.0] * 13 + [30.0] * 13})
    fig = F.dosage(sessions, {"a": "A"}, "a", participants=participants, min_cell_size=K)
    assert "30 deltakere" in all_text(fig) and "26 deltakere" not in all_text(fig)
    assert "(30 deltakere, snitt 18 timer)" in plain(fig.alt)  # 546 hours / 30 people
    text = texts(fig.svg)
    assert "0" in text and "<5" in text  # the "0" band has the 4 without attendance
    # 4 in "0" is hidden, and with it the smallest other band (13): never one alone
    assert "skjult" in text and text.count("43 %") == 1  # 13/30: one of the two shown
    assert "«Skjult»" in fig.caption and "«0» er de som ikke har registrert oppmøte" in fig.caption


def test_dosage_n_equals_the_enrolled_count_of_the_sample(fr):
    ds = fr["ds"]
    fig = F.dosage(ds.sessions, fr["names"], "mentor", participants=ds.participants,
                   min_cell_size=K)
    enrolled = int(fr["reach"].loc["mentor", "enrolled"])
    assert enrolled == 104 and ds.sessions.loc[ds.sessions["pilot_id"] == "mentor",
                                               "participant_id"].nunique() == 100
    assert f"({enrolled} deltakere," in plain(fig.alt)
    assert "100 deltakere" not in plain(fig.alt) + all_text(fig)


def test_dosage_of_a_few_people_or_all_bands_hidden_is_one_sentence():
    participants = pd.DataFrame({"pilot_id": "a", "participant_id": _people("x", 3)})
    sessions = participants.assign(hours=[1.0, 2.0, 30.0])
    few = F.dosage(sessions, {"a": "A"}, "a", participants=participants, min_cell_size=K)
    assert not few.is_chart and "færre enn 5 deltakere" in few.alt
    participants = pd.DataFrame({"pilot_id": "a", "participant_id": _people("x", 8)})
    spread = participants.iloc[1:].assign(hours=[1.0, 2, 7, 8, 12, 30, 50])  # 1 with 0 hours
    fig = F.dosage(spread, {"a": "A"}, "a", participants=participants, min_cell_size=K)
    assert not fig.is_chart and "for få deltakere i hvert intervall" in fig.alt
    # in a chart of several pilots, the small one is left out and named in the caption
    both = pd.concat([participants, pd.DataFrame({"pilot_id": "b",
                                                  "participant_id": _people("y", 40)})])
    sess = pd.concat([spread, pd.DataFrame({"pilot_id": "b", "participant_id": _people("y", 40),
                                            "hours": [12.0] * 40})])
    fig = F.dosage(sess, {"a": "A", "b": "B"}, participants=both, min_cell_size=K)
    assert fig.is_chart and "Ikke vist: A (for få deltakere i hvert intervall)." in fig.caption
    assert "40 deltakere" in all_text(fig) and "8 deltakere" not in all_text(fig)


def test_monthly_new_participants_use_complementary_suppression():
    """3 new in a month with the total published: hide the next smallest month too, so the
    total less the months shown does not give 3."""
    new = [3.0, 20.0, 12.0, 30.0]
    fig = F.monthly_activity(_enrolment(new, [3.0, 23.0, 35.0, 60.0]), "a", names={"a": "A"},
                             min_cell_size=K)
    text = texts(fig.svg)
    assert text.count("<5") == 1 and text.count("skjult") == 1
    hidden = pe.privacy.suppression_mask(pd.Series(new), K)
    assert hidden.sum() >= 2 and sum(np.array(new)[hidden.to_numpy()]) >= K
    assert "«Skjult»" in fig.caption


@pytest.mark.parametrize("new", [[4.0, 20.0], [3.0, 20.0, 12.0, 30.0], [1.0, 2.0, 9.0, 9.0],
                                 [6.0, 1.0, 0.0, 7.0, 8.0]])
def test_monthly_hidden_months_never_leave_one_alone_or_add_to_less_than_k(new):
    active = list(np.cumsum(new))
    fig = F.monthly_activity(_enrolment(new, active), "a", names={"a": "A"}, min_cell_size=K)
    text = texts(fig.svg) if fig.is_chart else []
    n_hidden = text.count("<5") + text.count("skjult")
    small = sum(1 for v in new if 0 < v < K)
    assert n_hidden == 0 or n_hidden >= 2
    assert n_hidden >= small or not fig.is_chart
    shown = [v for v in new if not (0 < v < K)]
    if n_hidden:
        # what is not marked: the total less what is drawn is at least k
        marked = sorted(v for v in new if v > 0)[:n_hidden]
        assert sum(marked) >= K, (new, marked, shown)


def test_monthly_activity_with_every_month_suppressed_is_a_sentence():
    fig = F.monthly_activity(_enrolment([2.0, 1.0], [2.0, 3.0]), "a", names={"a": "A"},
                             min_cell_size=K)
    assert not fig.is_chart and fig.svg == ""
    assert fig.alt == ("Aktiviteten per måned vises ikke ennå: det er færre enn 5 deltakere i "
                       "hver måned.")


def test_a_pilot_with_fewer_than_5_participants_gets_no_breakdown():
    idx = pd.MultiIndex.from_product([["a", "b"], ["Haslum", "Østerås", "unknown"]],
                                     names=["pilot_id", "area"])
    frame = pd.DataFrame({"enrolled": [2, 1, 0, 30, 20, 0], "share": np.nan,
                          "target_share": np.nan}, index=idx)
    one = F.reach_breakdown(frame, "area", {"a": "A", "b": "B"}, "a", min_cell_size=K)
    assert not one.is_chart and one.alt == "Færre enn 5 deltakere: fordelingen vises ikke."
    both = F.reach_breakdown(frame, "area", {"a": "A", "b": "B"}, min_cell_size=K)
    assert both.is_chart
    assert "<5" not in texts(both.svg) and "Haslum" in texts(both.svg)  # only B's panel
    assert "Ikke vist: A (færre enn 5 deltakere)." in both.caption
    assert "A: færre enn 5 deltakere" in both.alt


def test_a_breakdown_of_only_small_groups_is_a_sentence_not_others_100_percent():
    idx = pd.MultiIndex.from_product([["a"], ["Bekkestua", "Fornebu", "Haslum", "Rud"]],
                                     names=["pilot_id", "area"])
    frame = pd.DataFrame({"enrolled": [2, 1, 3, 2], "share": np.nan, "target_share": np.nan},
                         index=idx)
    fig = F.reach_breakdown(frame, "area", {"a": "A"}, min_cell_size=K)
    assert not fig.is_chart and "Andre, samlet" not in fig.alt
    assert fig.alt == "Deltakerne etter område: for få i hver gruppe til å vise fordelingen."


def test_the_caption_gives_the_real_reason_a_target_share_is_missing():
    """Mentor targets two areas and the population has no areas: its gender shares of the
    target population are missing for that reason, not because gender is not split."""
    idx = pd.MultiIndex.from_product([["lekse", "mentor"], ["female", "male"]],
                                     names=["pilot_id", "gender"])
    frame = pd.DataFrame({"enrolled": [30, 25, 20, 22], "share": np.nan,
                          "target_share": [0.48, 0.52, np.nan, np.nan]}, index=idx)
    notes = pd.Series({"lekse": pd.NA, "mentor": "population_has_no_areas"})
    fig = F.reach_breakdown(frame, "gender", {"lekse": "L", "mentor": "M"}, min_cell_size=K,
                            target_notes=notes)
    assert "ikke delt på kjønn" not in fig.caption
    assert ("Målgruppens fordeling mangler for M: befolkningstallene er ikke delt på områdene "
            "piloten retter seg mot.") in fig.caption
    one = F.reach_breakdown(frame, "gender", {"lekse": "L", "mentor": "M"}, "mentor",
                            min_cell_size=K, target_notes=notes)
    assert "Målgruppens fordeling kan ikke vises: befolkningstallene er ikke delt på områdene" \
        in plain(one.caption)
    en = F.reach_breakdown(frame, "gender", {"lekse": "L", "mentor": "M"}, "mentor",
                           min_cell_size=K, target_notes=notes, language="en")
    assert "not split by the pilot's areas" in en.caption and "by gender" not in en.caption


def _label_share(svg: str, label: str) -> tuple[float, float]:
    """Where a text starts, in axis units, from the positions of the first two axis ticks
    (their labels are centred on them: the lowest "N %" texts); and the points per axis
    unit."""
    import matplotlib

    found = labels(svg)
    bottom = max(lab.y for lab in found if re.fullmatch(r"\d+ %", lab.text))
    with matplotlib.rc_context(_core._rc()):
        ticks = sorted((float(lab.text[:-2]) / 100, lab.x + _core._text_width_pt(lab.text) / 2)
                       for lab in found if re.fullmatch(r"\d+ %", lab.text) and lab.y == bottom)
    (v0, x0), (v1, x1) = ticks[:2]
    starts = [lab.x for lab in found if lab.text == label]
    assert starts, label
    return v0 + (starts[0] - x0) / (x1 - x0) * (v1 - v0), (x1 - x0) / (v1 - v0)


def test_value_labels_stand_clear_of_the_target_mark():
    idx = pd.MultiIndex.from_product([["a"], ["female", "male"]], names=["pilot_id", "gender"])
    far = pd.DataFrame({"enrolled": [68, 32], "share": np.nan, "target_share": [0.48, 0.52]},
                       index=idx)
    svg = F.reach_breakdown(far, "gender", {"a": "A"}, min_cell_size=K).svg
    at, _ = _label_share(svg, "32 %")
    assert 0.32 < at < 0.40  # by its bar, not beyond the mark at 52 %
    near = pd.DataFrame({"enrolled": [52, 48], "share": np.nan, "target_share": [0.5, 0.5]},
                        index=idx)
    svg = F.reach_breakdown(near, "gender", {"a": "A"}, min_cell_size=K).svg
    at, pt = _label_share(svg, "48 %")
    # no room between the bar at 48 % and the mark at 50 %: inside the bar's end, in white
    assert at <= 0.48 and any(lab.fill == "#ffffff" and lab.text == "48 %"
                              for lab in labels(svg))
    narrow = pd.DataFrame({"enrolled": [388, 12], "share": np.nan,
                           "target_share": [0.95, 0.05]}, index=idx)
    svg = F.reach_breakdown(narrow, "gender", {"a": "A"}, min_cell_size=K).svg
    at, pt = _label_share(svg, "3 %")
    assert (at - 0.05) * pt >= 4.0  # a bar too short to hold it: after the mark, clear of it


def test_outcome_distribution_with_every_band_hidden_shows_no_marks():
    """Five children measured, all in bands of fewer than 5: "<5" marks on the occupied
    bands would show where they scored."""
    changes = pd.DataFrame({"pilot_id": "a", "measure": "m", "group": "pilot",
                            "baseline": [3.0, 12, 17, 25, 33], "followup": [8.0, 15, 22, 28, 38],
                            "both": True})
    fig = F.outcome_distribution(changes, "a", "m", measure_label="Trivsel", scale=(0, 40),
                                 min_cell_size=K)
    assert not fig.is_chart and "<5" not in fig._repr_html_()
    assert fig.alt == "Trivsel før og etter: for få i hvert intervall til å vise fordelingen."


def _its(post_months: int) -> pd.DataFrame:
    months = pd.date_range("2022-01-01", periods=36 + post_months, freq="MS")
    n = len(months)
    return pd.DataFrame({"observed": 20.0 + np.arange(n) % 3, "fitted": 20.0,
                         "counterfactual": 21.0, "post": [0] * 36 + [1] * post_months},
                        index=months)


def test_its_after_2_months_shows_the_series_but_no_estimate():
    fig = F.its_chart(_its(2), label="Meldinger", pilot_name="Leksehjelp", min_cell_size=K)
    assert fig.is_chart
    assert ("Piloten har bare vart i 2 måneder. Det er for tidlig å se en endring i kommunens "
            "tall (vi venter til det har gått minst 6 måneder).") in plain(fig.caption)
    for word in ("lavere", "høyere", "rateforhold", "%"):
        assert word not in plain(fig.alt), word
    text = all_text(fig)
    assert "Observert" in text and "Forventet uten piloten" not in text and "Modell" not in text
    assert F.MIN_MONTHS_AFTER_START == 6
    later = F.its_chart(_its(F.MIN_MONTHS_AFTER_START), label="Meldinger", min_cell_size=K)
    assert "lavere enn forventet" in plain(later.alt)  # 20 against 21: 5 % lower
    assert "Forventet uten piloten" in all_text(later)


def test_its_too_early_says_month_or_months():
    assert F.its_too_early(1).startswith("Piloten har bare vart i 1 måned. ")
    assert F.its_too_early(5, "en").startswith("The pilot has only been running for 5 months.")
    assert F.its_too_early(6) is None and F.its_too_early(40, "en") is None


def test_grant_chart_has_no_forecast_before_a_quarter_of_the_period(fr):
    from pilot_eval.present.text import MIN_ELAPSED_FOR_FORECAST

    early = fr["cost"].assign(elapsed_share=MIN_ELAPSED_FOR_FORECAST - 0.01)
    fig = F.grant_vs_spent(early, fr["names"])
    assert "prognose" not in plain(fig.alt) and "ingen prognose" not in all_text(fig).lower()
    assert "Prognose ved periodens slutt" not in all_text(fig)  # no key for what is not drawn
    assert ("Ingen prognose ennå: den vises først når 25 % av perioden er gått"
            in plain(fig.caption))  # said once, not on every row
    ready = fr["cost"].assign(elapsed_share=MIN_ELAPSED_FOR_FORECAST)
    assert "prognose" in plain(F.grant_vs_spent(ready, fr["names"]).alt)


def _y_ticks(svg: str) -> list[str]:
    return [t for t in texts(svg) if re.fullmatch(r"[\d ,.]+( mill\. kr)?", t)]


def test_one_pilot_charts_are_scaled_to_the_pilot(fr):
    """Fritid (42 participants, 0,7 mill. kr) on the portfolio's 0–300 and 0–1,2 scales
    looked flat."""
    spend = F.cumulative_spend(fr["cost_month"], fr["names"], "fritid")
    assert "1,0 mill. kr" not in texts(spend.svg) and "1,2 mill. kr" not in texts(spend.svg)
    assert "0,6 mill. kr" in texts(spend.svg)
    enrol = F.enrolment_vs_target(fr["enrol"], fr["names"], "fritid", min_cell_size=K)
    ticks = texts(enrol.svg)
    assert "300" not in ticks and "200" not in ticks and "150" in ticks


def test_enrolled_and_active_equal_get_one_label():
    months = pd.date_range("2025-01-01", periods=3, freq="MS")
    frame = pd.DataFrame({"pilot_id": "a", "month": months,
                          "date": months + pd.offsets.MonthEnd(0), "observed": True,
                          "new_enrolled": [10.0, 8.0, 6.0], "exited": 0.0,
                          "enrolled_cumulative": [10.0, 18.0, 24.0],
                          "active": [10.0, 18.0, 24.0],
                          "reach_target_line": [10.0, 20.0, 30.0]})
    fig = F.enrolment_vs_target(frame, {"a": "A"}, min_cell_size=K)
    assert texts(fig.svg).count("24") == 1


def test_completion_row_with_every_part_hidden_says_so():
    frame = pd.DataFrame({"enrolled": [3, 50], "completed": [0, 20], "dropped_out": [0, 10],
                          "moved": [0, 5], "exited_other": [0, 0], "active": [3, 15]},
                         index=pd.Index(["a", "b"], name="pilot_id"))
    fig = F.completion(frame, {"a": "A", "b": "B"}, min_cell_size=K)
    text = all_text(fig)
    assert "For få deltakere til å vise status" in text and "skjult" not in text
    assert "Skjult av personvernhensyn" not in text and "«Skjult»" not in fig.caption


# ---- the report blocks that call the charts ---------------------------------------------------


@pytest.fixture(scope="module")
def early() -> dict:
    from pilot_eval.present.report import PilotReport, PortfolioReport, report_data

    data = report_data(pe.load_dataset(SAMPLE, as_of="2025-03-31"))
    return {"portfolio": PortfolioReport(data),
            **{pid: PilotReport(data, pid) for pid in ("leksehjelp", "jobbtrening", "mentor")}}


def test_report_dosage_counts_everyone_enrolled(fr):
    from pilot_eval.present.report import PilotReport

    for pid in ("mentor", "fritid"):
        report = PilotReport(fr["ds"], pid)
        n = int(report.reach.loc[pid, "enrolled"])
        assert f"({n} deltakere," in plain(report.dosage().alt), pid


def test_report_breakdowns_of_a_pilot_with_2_participants_say_it_once(early):
    jobb = early["jobbtrening"]
    assert jobb.reach.loc["jobbtrening", "enrolled"] == 2
    said = [jobb.reach_breakdown(by)._repr_html_() for by in ("area", "gender", "age_group")]
    assert said[0] == '<p class="pe-chart-note">Færre enn 5 deltakere: fordelingen vises ikke.</p>'
    assert said[1:] == ["", ""]
    for by in ("area", "gender", "age_group"):  # and no panel of it in the portfolio either
        fig = early["portfolio"].reach_breakdown(by)
        assert "Ikke vist: Jobbtrening Ung (færre enn 5 deltakere)" in fig.caption
        assert "Jobbtrening" not in " ".join(texts(fig.svg))


def test_report_early_outcomes_say_nobody_measured_once(early):
    lekse = early["leksehjelp"]
    assert lekse.forest()._repr_html_() == (
        '<p class="pe-chart-note">Ingen er målt både før og etter ennå.</p>')
    assert lekse.outcome_distributions().html == ""


def test_report_indicators_have_no_estimate_two_months_in(early):
    for report in (early["leksehjelp"], early["portfolio"]):
        said = plain(report.indicators().html)
        assert "Piloten har bare vart i 2 måneder." in said
        assert "<table" not in said  # the estimate table is left out


def test_tornado_says_what_the_valuation_is_per(fr):
    """School absence is valued per day avoided (basis per_unit), not per person and year."""
    sens = fr["sens"]
    row = sens.reset_index() if any(sens.index.names) else sens
    pid, measure = row[["pilot_id", "measure"]].iloc[0]
    def tornado(**kwargs):
        return F.tornado(sens, pid, measure, by_measure=fr["vfm"], min_cell_size=K, **kwargs)

    unit = tornado(basis="per_unit", unit="dager per halvår")
    assert "Verdsetting per dag (" in all_text(unit)
    assert "per person og år" not in all_text(unit)
    en = tornado(basis="per_unit", unit="dager per halvår", language="en")
    assert "Value per day (" in all_text(en)
    odd = tornado(basis="per_unit", unit="kroner spart")
    assert "Verdsetting per enhet (kroner spart) (" in all_text(odd)
    success = tornado(basis="per_success", unit="dager per halvår")
    assert "Verdsetting per person og år (" in all_text(success)


def test_enrolment_of_fewer_than_5_says_so_where_the_line_would_end():
    enrolment = pd.DataFrame({
        "pilot_id": "a", "date": pd.to_datetime(["2025-01-31", "2025-02-28", "2025-03-31",
                                                 "2025-04-30"]),
        "observed": [True, True, True, False], "enrolled_cumulative": [1.0, 2, 3, np.nan],
        "active": [1.0, 2, 3, np.nan], "reach_target_line": [5.0, 10, 15, 20]})
    fig = F.enrolment_vs_target(enrolment, {"a": "A"}, "a", min_cell_size=K)
    assert "<5 påmeldt" in texts(fig.svg)
    assert "færre enn 5 påmeldt" in fig.alt


def test_spending_of_a_pilot_not_started_says_when_it_starts():
    cost = pd.DataFrame({
        "pilot_id": ["a"] * 2 + ["b"] * 2, "funder": "fund",
        "month": pd.to_datetime(["2025-02-01", "2025-03-01", "2025-09-01", "2025-10-01"]),
        "date": pd.to_datetime(["2025-02-28", "2025-03-31", "2025-09-30", "2025-10-31"]),
        "observed": [True, True, False, False], "cumulative_nok": [1e4, 2e4, np.nan, np.nan],
        "grant_plan_cumulative_nok": [1e4, 2e4, 5e4, 1e5]})
    one = F.cumulative_spend(cost, {"a": "A", "b": "B"}, "b",
                             start_dates={"b": pd.Timestamp("2025-09-01")})
    assert "Piloten starter 1. september 2025." in texts(one.svg)
    assert "Piloten starter 1. september 2025." in plain(one.caption)
    assert "statusdatoen" not in plain(one.caption)
    both = F.cumulative_spend(cost, {"a": "A", "b": "B"})
    assert "B starter 1. september 2025." in plain(both.caption)
    assert "statusdatoen 31. mars 2025" in plain(both.caption)


def test_report_breakdowns_too_few_in_each_group_say_it_once(early):
    said = [early["mentor"].reach_breakdown(by).html
            for by in ("area", "gender", "age_group")]
    assert said[0] == ('<p class="pe-chart-note">Deltakerne etter område, kjønn og '
                       'aldersgruppe: for få i hver gruppe til å vise fordelingen.</p>')
    assert said[1:] == ["", ""]


def test_grant_chart_says_no_forecast_yet_once_in_the_caption(early):
    fig = early["portfolio"].grant_vs_spent()
    assert "ingen prognose" not in all_text(fig).lower()
    assert plain(fig.caption).count("Ingen prognose ennå") == 1


def test_monthly_activity_draws_no_dot_at_0_before_the_hidden_first_months():
    """Mentor, January 2025: nobody active yet, then months of fewer than 5: no lone dot at 0."""
    fig = F.monthly_activity(_enrolment([0.0, 3.0, 3.0, 6.0, 2.0], [0.0, 3.0, 4.0, 9.0, 11.0]),
                             "a", names={"a": "A"}, min_cell_size=K)
    dot = r'<use xlink:href="#m[0-9a-f]+" x="([\d.]+)" y="([\d.]+)" fill="#0072b2"'
    assert not re.findall(dot, fig.svg)
    # while a month between hidden ones is a dot (a line of no length would not show)
    lone = F.monthly_activity(_enrolment([0.0, 3.0, 6.0, 0.0, 0.0], [0.0, 3.0, 9.0, 3.0, 2.0]),
                              "a", names={"a": "A"}, min_cell_size=K)
    assert len(re.findall(dot, lone.svg)) == 1


def _line_points(svg: str, colour: str, width: str) -> list[float]:
    """The y of each vertex of the one data line drawn in ``colour`` at ``width`` (a data
    line is clipped to its axes; the key's sample line is not)."""
    paths = re.findall(r'<path d="([^"]*)" clip-path="[^"]*" fill="none" stroke="' + colour
                       + r'" stroke-width="' + width + '"', svg)
    assert len(paths) == 1, paths
    return [float(y) for _, y in re.findall(r"[ML](-?[\d.]+) (-?[\d.]+)", paths[0])]


def test_enrolment_lines_give_no_small_monthly_count_away():
    """The SVG's coordinates are exact. Read with the pilot report's monthly bars (exact
    where shown, small and complementary-hidden months suppressed), exact points of the
    running total would give those months away by subtraction: inner points are drawn
    rounded to 5, the last (labelled) one exact."""
    months = pd.date_range("2025-01-01", periods=4, freq="MS")
    new = [6.0, 2.0, 7.0, 5.0]  # February (2) shows "<5", April (5) "skjult"
    cumulative = list(np.cumsum(new))  # 6, 8, 15, 20
    frame = pd.DataFrame({"pilot_id": "a", "month": months,
                          "date": months + pd.offsets.MonthEnd(0), "observed": True,
                          "new_enrolled": new, "exited": 0.0,
                          "enrolled_cumulative": cumulative,
                          "active": [6.0, 8.0, 13.0, 17.0],
                          "reach_target_line": np.linspace(5, 35, 4)})
    bars = texts(F.monthly_activity(frame, "a", names={"a": "A"}, min_cell_size=K).svg)
    assert "<5" in bars and "skjult" in bars
    fig = F.enrolment_vs_target(frame, {"a": "A"}, min_cell_size=K)
    grid = re.findall(r'<path d="M[\d.]+ ([\d.]+)L[\d.]+ \1"[^>]*stroke="#dde3e9"', fig.svg)
    zero = max(float(y) for y in grid)  # the lowest grid line is 0 (the axis starts there)
    ys = _line_points(fig.svg, "#0072b2", "2")
    per_person = (zero - ys[-1]) / 20  # the line ends at the exact total, 20
    total = [(zero - y) / per_person for y in ys]
    assert np.allclose(total, [5, 10, 15, 20]), total  # not 6, 8 (February = 8 − 6 = 2)
    active = [(zero - y) / per_person for y in _line_points(fig.svg, "#56b4e9", "1.5")]
    assert np.allclose(active, [5, 10, 15, 17]), active
    assert "avrundet til nærmeste 5" in fig.caption
    assert "20" in texts(fig.svg) and "17" in texts(fig.svg)  # the ends, exact


def test_tornado_of_the_exact_sensitivity_hides_a_ratio_resting_on_a_small_count(fr):
    """A library user passing metrics.sensitivity(ds) as it comes: Fritid's well-being value
    rests on fewer than 5 successes, so its ratios (0.039 base) are not drawn, as the report
    (which passes the published table) does not draw them."""
    fig = F.tornado(fr["sens"], "fritid", "trivsel", by_measure=fr["vfm"], min_cell_size=K)
    assert not fig.is_chart and fig.svg == "" and "kan ikke beregnes" in fig.alt
    assert "0,04" not in fig._repr_html_() and "0,039" not in fig._repr_html_()
    shown = F.tornado(fr["sens"], "leksehjelp", "trivsel", by_measure=fr["vfm"],
                      min_cell_size=K)
    assert shown.is_chart and "kan ikke beregnes" not in shown.alt


def test_charts_take_the_pilots_table_for_names_too(fr):
    """ds.pilots where a chart wants names: names shown, not ids (it used to look the ids up
    among the table's columns and show every id)."""
    by_table = labels(F.grant_vs_spent(fr["cost"], fr["ds"].pilots).svg)
    by_mapping = labels(F.grant_vs_spent(fr["cost"], fr["names"]).svg)
    assert by_table == by_mapping
    shown = " ".join(label.text for label in by_table)
    name = next(iter(fr["names"].values()))
    assert name.split()[0] in shown
