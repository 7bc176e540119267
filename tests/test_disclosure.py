"""Disclosure control seen by an attacker (docs/privacy.md).

For every hidden count of the sample (at a few dates) and of small crafted folders (a
pilot with one girl, one drop-out, a comparison group of one, two successes), try the
obvious recoveries on everything published from that folder — the metric tables as the
workbook, CSV and JSON write them, and the report layer the notebooks render (tables,
text, chart alt texts) — and assert none gives the hidden count back.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pilot_eval import load_dataset
from pilot_eval.metrics import metric_tables
from pilot_eval.present import columns
from pilot_eval.present.report import PilotReport, PortfolioReport
from pilot_eval.present.report_data import report_data
from pilot_eval.privacy import COUNT_COLUMNS, PRIMARY, SHOWN, disclosure_codes
from pilot_eval.render.workbook import prepare, write_metrics

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
PARTS = ("active", "completed", "dropped_out", "moved", "exited_other")
# the completion chart's words for the parts (alt text, nb)
PART_WORDS = {"completed": "fullført", "dropped_out": "avbrutt", "moved": "flyttet",
              "exited_other": "annen avslutning", "active": "aktive"}


# --------------------------------------------------------------------------- folders


def _craft(root: Path, name: str) -> Path:
    """A copy of the sample with one small cell made on purpose."""
    out = root / name
    shutil.copytree(SAMPLE, out)
    p = pd.read_csv(out / "participants.csv", dtype=str)
    o = pd.read_csv(out / "outcomes.csv", dtype=str)
    fritid = p["pilot_id"] == "fritid"
    if name == "one_girl":
        girls = p.index[fritid & (p["gender"] == "female")]
        p.loc[girls[1:], "gender"] = "male"
    elif name == "one_dropout":
        exited = p.index[fritid & p["exit_reason"].isin(["dropped_out", "moved", "other"])]
        dropped = p.index[fritid & (p["exit_reason"] == "dropped_out")]
        p.loc[exited, "exit_reason"] = "completed"
        p.loc[dropped[:1], "exit_reason"] = "dropped_out"
    elif name == "comparison_of_one":
        comp = (o["pilot_id"] == "leksehjelp") & (o["group"] == "comparison")
        first = o.loc[comp, "participant_id"].iloc[0]
        o = o[~comp | (o["participant_id"] == first)]
    elif name == "two_successes":
        rows = (o["pilot_id"] == "mentor") & (o["group"] == "pilot") & (o["measure"] == "trivsel")
        wide = o[rows].pivot_table(index="participant_id", columns="timepoint", values="value",
                                   aggfunc="first").astype(float)
        crossed = wide.index[(wide["baseline"] < 24) & (wide["followup"] >= 24)]
        spoil = o["participant_id"].isin(crossed[2:]) & rows & (o["timepoint"] == "followup")
        o.loc[spoil, "value"] = "23"
        # and one person measured at baseline without a follow-up
        missing = wide.index[wide["followup"].isna()]
        o = o[~(o["participant_id"].isin(missing[1:]) & (o["pilot_id"] == "mentor"))]
    p.to_csv(out / "participants.csv", index=False)
    o.to_csv(out / "outcomes.csv", index=False)
    return out


CASES = [("sample", "2025-06-30"), ("sample", "2026-06-30"), ("sample", None),
         ("one_girl", None), ("one_dropout", None), ("comparison_of_one", None),
         ("two_successes", None)]


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("disclosure")
    return {"sample": SAMPLE, **{n: _craft(root, n) for n, _ in CASES if n != "sample"}}


# --------------------------------------------------------------------------- what is published


def _cells(html_text: str) -> dict[str, list[str]]:
    """Rows of an HTML table by their row header: the cells' text."""
    out: dict[str, list[list[str]]] = {}
    last = None
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html_text, flags=re.S):
        head = re.search(r'<th scope="row(?:group)?"[^>]*>(.*?)</th>', row, flags=re.S)
        if head is not None:  # a row without one belongs to the header above (rowspan)
            last = html.unescape(re.sub(r"<[^>]+>", "", head.group(1))).strip()
        if last is None:
            continue
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
        out.setdefault(last, []).append(cells)
    return out


def _number(text: str) -> float | None:
    """A published number ("1 234", "0,35", "72 %"), or None for a mark or a blank."""
    t = text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace("%", "")
    t = t.replace("−", "-").replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


@dataclass
class Published:
    name: str
    k: int
    exact: dict[str, pd.DataFrame]
    codes: dict[str, pd.DataFrame]
    workbook: dict[str, pd.DataFrame]
    names: dict[str, str]
    texts: dict[str, str] = field(default_factory=dict)  # every alt text and table, by place
    reach_rows: dict[str, list[str]] = field(default_factory=dict)


@pytest.fixture(scope="module", params=CASES, ids=[f"{n}@{d or 'latest'}" for n, d in CASES])
def pub(request: pytest.FixtureRequest, folders: dict[str, Path]) -> Published:
    name, as_of = request.param
    ds = load_dataset(folders[name], as_of=as_of)
    k = int(ds.agreement.min_cell_size)
    exact = metric_tables(ds)
    data = report_data(ds)
    portfolio = PortfolioReport(data, language="nb")
    names = {str(k_): str(v) for k_, v in portfolio.names.items()}
    out = Published(name=f"{name}@{as_of}", k=k, exact=exact, codes=disclosure_codes(exact, k),
                    workbook=prepare(exact, k), names=names)
    reach_html = portfolio.reach_table().html
    value_html = str(getattr(portfolio.value_table(), "html", ""))
    out.texts["portfolio.reach_table"] = reach_html
    out.texts["portfolio.value_table"] = value_html
    out.texts["portfolio.summary"] = str(portfolio.summary()._repr_html_())
    for key, fig in (("portfolio.enrolment", portfolio.enrolment_vs_target()),
                     ("portfolio.completion", portfolio.completion())):
        out.texts[key] = f"{getattr(fig, 'alt', '')} {getattr(fig, 'caption', '') or ''}"
    vf = portfolio.value_vs_cost()
    out.texts["portfolio.value_vs_cost"] = f"{getattr(vf, 'alt', '')}"
    out.reach_rows = {n: rows[0] for n, rows in _cells(reach_html).items()}
    for pid in ds.pilot_ids:
        pilot = PilotReport(data, pid, language="nb")
        out.texts[f"{pid}.enrolment"] = pilot.enrolment_vs_target().alt
        out.texts[f"{pid}.activity"] = pilot.monthly_activity().alt
        out.texts[f"{pid}.value_table"] = str(getattr(pilot.value_table(), "html", ""))
    return out


# --------------------------------------------------------------------------- attacks


def test_the_crafted_cells_are_there(pub: Published) -> None:
    """Each crafted folder has the small cell it was made for (so the attacks can fail)."""
    e = pub.exact
    if pub.name.startswith("one_girl"):
        assert e["reach_by_gender"].loc[("fritid", "female"), "enrolled"] == 1
    if pub.name.startswith("one_dropout"):
        r = e["reach"].loc["fritid"]
        assert (r["dropped_out"], r["moved"], r["exited_other"]) == (1, 0, 0)
    if pub.name.startswith("comparison_of_one"):
        assert e["outcomes"].loc[("leksehjelp", "trivsel"), "n_comparison"] <= 1
    if pub.name.startswith("two_successes"):
        assert e["value_for_money"].loc[("mentor", "trivsel"), "successes"] == 2
        assert e["outcomes"].loc[("mentor", "trivsel"), "n_missing_followup"] == 1


def test_workbook_marks_are_true(pub: Published) -> None:
    """A small count reads "<k"; every other hidden cell ":" — never "<k" for a cell that
    is not small (the leksehjelp boys of the issue); every count shown is 0 or ≥ k."""
    for name, codes in pub.codes.items():
        shown = pub.workbook[name]
        exact = pub.exact[name]
        for col in codes.columns:
            c = codes[col].to_numpy(object)
            w = shown[col].to_numpy(object)
            small = f"<{pub.k}"
            assert all(v == small for v in w[c == PRIMARY]), (name, col)
            assert all(v == ":" for v in w[(c != PRIMARY) & (c != SHOWN)]), (name, col)
            if col in COUNT_COLUMNS:
                values = pd.to_numeric(exact[col], errors="coerce").to_numpy(float)
                assert not ((w == small) & ~((values > 0) & (values < pub.k))).any(), (name, col)
                nums = pd.to_numeric(pd.Series(w), errors="coerce").to_numpy(float)
                assert not ((nums > 0) & (nums < pub.k)).any(), (name, col)


def _known_parts(pub: Published, pid: str) -> dict[str, float]:
    """Every exact number of a pilot's reach row an attacker can read anywhere."""
    known: dict[str, float] = {}
    w = pub.workbook["reach"].set_index("pilot_id").loc[pid]
    for col in ("enrolled", *PARTS):
        v = _number(str(w[col]))
        if v is not None:
            known[col] = v
    name = pub.names.get(pid, pid)
    row = pub.reach_rows.get(name)
    if row:  # Deltakere, Mål, Fullført, Avbrutt, ...
        for col, cell in (("enrolled", row[0]), ("completed", row[2]), ("dropped_out", row[3])):
            v = _number(cell)
            if v is not None:
                known[col] = v
    for key in ("portfolio.enrolment", f"{pid}.enrolment"):
        m = re.search(re.escape(name) + r": ([\d\s\u00a0\u202f]+) påmeldt mot [^,]+, "
                      r"([\d\s\u00a0\u202f]+) aktive", pub.texts.get(key, ""))
        if m:  # an exact number of active participants ("ca. 30" is not)
            known["active"] = _number(m.group(2))
    m = re.search(re.escape(name) + r": ([\d\s\u00a0\u202f]+) aktive deltakere i",
                  pub.texts.get(f"{pid}.activity", ""))
    if m:
        known["active_last_month"] = _number(m.group(1))
    segment = next((s for s in pub.texts["portfolio.completion"].split("; ")
                    if name in s), "")
    total = known.get("enrolled")
    for col, word in PART_WORDS.items():
        m = re.search(r"(\d+) % " + word + r"\b", segment)
        if m and total:
            known[col] = round(float(m.group(1)) / 100 * total)
    return known


def test_reach_parts_cannot_be_recovered(pub: Published) -> None:
    """Differences of totals across every output: enrolled − the parts shown anywhere (the
    table, the workbook, the exact line ends, the completion chart's shares) leaves either
    nothing hidden or hidden parts that add up to at least k; a hidden part is never shown
    anywhere, and no completion rate is shown beside it."""
    e, codes = pub.exact["reach"], pub.codes["reach"]
    for pid in e.index.astype(str):
        hidden = [c for c in PARTS if codes.at[pid, c] != SHOWN and e.at[pid, c] > 0]
        if not hidden:
            continue
        known = _known_parts(pub, pid)
        for col in hidden:
            assert col not in known, (pub.name, pid, col, known)
        unknown = [c for c in PARTS if c not in known]
        rest = known["enrolled"] - sum(known[c] for c in PARTS if c in known)
        assert rest == e.loc[pid, unknown].sum()
        assert rest >= pub.k, (pub.name, pid, unknown, rest)
        if "active" in hidden and "active_last_month" in known:
            # the last month's count is the count at the status date when it ends a month
            assert len(unknown) > 2 or known["active_last_month"] != e.at[pid, "active"] \
                or rest - e.at[pid, "active"] >= pub.k, (pub.name, pid)
        if {"completed", "dropped_out"} & set(hidden):
            # rate inversion: dropped = completed × (1 − rate) / rate
            assert str(pub.workbook["reach"].set_index("pilot_id").at[pid, "completion_rate"]) \
                in (":", "nan", "None")
            name = pub.names.get(pid, pid)
            assert pub.reach_rows[name][4] == "–"
            segment = next(s for s in pub.texts["portfolio.completion"].split("; ") if name in s)
            assert "fullføringsgrad" not in segment


def test_column_totals_do_not_give_a_hidden_cell_back(pub: Published) -> None:
    """The reach table's total row: a column with a hidden cell has its total hidden."""
    total = pub.reach_rows.get("I alt")
    if total is None:
        return
    codes = pub.codes["reach"]
    for pos, col in ((0, "enrolled"), (2, "completed"), (3, "dropped_out")):
        if codes[col].ne(SHOWN).any():
            assert total[pos] == ":", (pub.name, col, total)


@pytest.mark.parametrize("by", ["gender", "area", "age_group"])
def test_splits_cannot_be_recovered(pub: Published, by: str) -> None:
    """Share × the pilot's total, coverage × target population, and the pilot's total less
    the groups shown: none gives a hidden group back (fritid's boys, the one girl)."""
    name = f"reach_by_{by}"
    e, codes = pub.exact[name], pub.codes[name]
    w = pub.workbook[name].set_index(["pilot_id", by])
    reach = pub.workbook["reach"].set_index("pilot_id")
    for col in ("enrolled", "completed", "dropped_out"):
        for pid, group in e.groupby(level="pilot_id", sort=False):
            hide = codes.loc[group.index, col].ne(SHOWN) & (group[col] > 0)
            if not hide.any():
                continue
            total = _number(str(reach.at[pid, col]))
            if total is not None:  # the total less the shown groups
                rest = total - sum(_number(str(w.at[i, col])) or 0 for i in group.index[~hide])
                assert rest == group.loc[hide, col].sum() and rest >= pub.k, (pub.name, pid, col)
                assert hide.sum() >= 2
            if col != "enrolled":
                continue
            for i in group.index[hide]:
                for derived, base in (("share", _number(str(reach.at[pid, "enrolled"]))),
                                      ("coverage_share", e.at[i, "target_population"])):
                    got = _number(str(w.at[i, derived]))
                    if got is not None and base is not None and np.isfinite(base):
                        assert round(got * base) != e.at[i, col], (pub.name, i, derived)


def test_values_do_not_give_successes_back(pub: Published) -> None:
    """Value ÷ (unit value × the printed factors), rate × people measured, ratio × cost:
    a value resting on a small count of successes (or of people who did not succeed) is
    hidden in every table and chart."""
    v = pub.exact["value_for_money"]
    if v.empty:
        return
    s, n = v["successes"].astype(float), v["n_measured"].astype(float)
    per_success = v["basis"].astype(str) != "per_unit"
    small = per_success & (((s > 0) & (s < pub.k)) | ((n - s > 0) & (n - s < pub.k)))
    if pub.name.startswith("two_successes"):
        assert small.loc[("mentor", "trivsel")]
    w = pub.workbook["value_for_money"].set_index(["pilot_id", "measure"])
    by_pilot = pub.workbook["value_by_pilot"].set_index("pilot_id")
    sens = pub.workbook["sensitivity"]
    for (pid, measure) in v.index[small & v["social_value_pv_nok"].notna()]:
        row = v.loc[(pid, measure)]
        for col in ("successes", "success_rate_pilot", "attributable_successes",
                    "social_value_pv_nok", "observed_value_nok", "projected_value_nok",
                    "net_value_nok", "benefit_cost_ratio", "break_even_value_nok"):
            assert _number(str(w.at[(pid, measure), col])) is None, (pub.name, pid, col)
        for col in ("social_value_pv_nok", "benefit_cost_ratio", "net_value_nok"):
            assert _number(str(by_pilot.at[pid, col])) is None, (pub.name, pid, col)
        rows = sens[(sens["pilot_id"] == pid) & (sens["measure"] == measure)]
        assert all(_number(str(x)) is None for x in rows[["ratio_base", "ratio_low",
                                                          "ratio_high"]].to_numpy().ravel())
        # the report's value tables: thousands of kroner ÷ (unit value × the printed factors)
        factor = (row["value_nok"] * row["pv_factor"] * (1 - row["attribution"])
                  * (1 - row["displacement"])
                  * ((1 - row["deadweight"]) if bool(row["deadweight_applied"]) else 1.0))
        label = str(row["label"])
        found = 0
        for key in ("portfolio.value_table", f"{pid}.value_table"):
            for cells in _cells(pub.texts[key]).get(pub.names.get(pid, pid), []):
                if cells[0] != label:
                    continue
                found += 1
                # measure, measured, observed, projected, social value, cost, ratio
                assert [_number(c) for c in cells[2:5]] == [None] * 3, (pub.name, key, cells)
                assert _number(cells[6]) is None, (pub.name, key, cells)
                assert _number(cells[5]) is not None  # the cost rests on nobody's result
                assert factor > 0
        assert found, (pub.name, pid, measure)


def test_small_groups_show_no_means(pub: Published) -> None:
    """A group of fewer than k never shows its means (a comparison group of one would show
    that child's own scores); an effect resting on it is hidden too."""
    o = pub.exact["outcomes"]
    w = pub.workbook["outcomes"].set_index(["pilot_id", "measure"])
    nc = o["n_comparison"].astype(float)
    for i in o.index[(nc > 0) & (nc < pub.k)]:
        for col in ("comparison_baseline_mean", "comparison_followup_mean"):
            if pd.notna(o.at[i, col]):
                assert _number(str(w.at[i, col])) is None, (pub.name, i, col)
        if o.at[i, "design"] == "did":
            assert _number(str(w.at[i, "estimate"])) is None
    if pub.name.startswith("comparison_of_one"):
        i = ("leksehjelp", "trivsel")
        assert any(pd.notna(o.at[i, c]) for c in ("comparison_baseline_mean",
                                                   "comparison_followup_mean")) or nc[i] == 0
    npl = o["n_pilot"].astype(float)
    for i in o.index[(npl > 0) & (npl < pub.k)]:
        for col in ("baseline_mean", "followup_mean", "improvement"):
            assert _number(str(w.at[i, col])) is None, (pub.name, i, col)


def test_reliable_change_shares_give_no_small_count(pub: Published) -> None:
    """share reliably improved × people measured is a count: shown only when it and its
    complement are 0 or at least k."""
    o = pub.exact["outcomes"]
    w = pub.workbook["outcomes"].set_index(["pilot_id", "measure"])
    for col in ("share_reliably_improved", "share_reliably_deteriorated"):
        for i in o.index:
            got = _number(str(w.at[i, col]))
            if got is None:
                continue
            n = float(o.at[i, "n_pilot"])
            count = round(got * n)
            assert count == 0 or count >= pub.k, (pub.name, i, col)
            assert n - count == 0 or n - count >= pub.k, (pub.name, i, col)


def test_exports_write_the_same_marks(tmp_path: Path) -> None:
    """metrics.xlsx, .csv and .json carry the same marks as the prepared tables."""
    ds = load_dataset(SAMPLE, as_of="2026-06-30")
    tables = metric_tables(ds)
    k = int(ds.agreement.min_cell_size)
    flat = prepare(tables, k)
    for name in ("m.xlsx", "m", "m.json"):  # "m": a folder of CSV files, one per table
        write_metrics(tables, tmp_path / name, min_cell_size=k)
    book = pd.read_excel(tmp_path / "m.xlsx", sheet_name=None)
    data = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    for name in ("reach", "reach_by_gender", "value_for_money", "outcomes"):
        marks = flat[name].isin([":", f"<{k}"]).to_numpy()
        assert marks.any() or name == "outcomes"
        sheet = book[columns.table(name).header]  # headers in words, cells in place
        assert (sheet.isin([":", f"<{k}"]).to_numpy() == marks).all(), name
        js = pd.DataFrame(data[name])
        assert (js.isin([":", f"<{k}"]).to_numpy() == marks).all(), name
        csv = pd.read_csv(tmp_path / "m" / f"{name}.csv", dtype=str)
        assert (csv.isin([":", f"<{k}"]).to_numpy() == marks).all(), name


def test_missing_follow_ups_cannot_be_recovered(pub: Published) -> None:
    """People measured at baseline less people measured twice is the number missing a
    follow-up: when that is hidden, so is one of the two (the workbook's ``n_baseline``)."""
    o, codes = pub.exact["outcomes"], pub.codes["outcomes"]
    w = pub.workbook["outcomes"].set_index(["pilot_id", "measure"])
    hidden = codes["n_missing_followup"].ne(SHOWN) & (o["n_missing_followup"] > 0)
    for i in o.index[hidden]:
        base, twice = _number(str(w.at[i, "n_baseline"])), _number(str(w.at[i, "n_pilot"]))
        assert base is None or twice is None, (pub.name, i)
        assert _number(str(w.at[i, "attrition_share"])) is None, (pub.name, i)


# --------------------------------------------------------------------------- the model itself


def test_every_numeric_column_is_declared() -> None:
    """Each numeric column of the metric tables is a count, a derived figure (with the counts
    it rests on) or declared to rest on no count of people: a new column must say which."""
    from pilot_eval.privacy import DERIVED_FROM, NOT_ABOUT_PEOPLE

    tables = metric_tables(load_dataset(SAMPLE, as_of="2026-06-30"))
    missing = {(name, col) for name, frame in tables.items() for col in frame.columns
               if (pd.api.types.is_numeric_dtype(frame[col])
                   or pd.api.types.is_bool_dtype(frame[col]))
               and col not in COUNT_COLUMNS and col not in DERIVED_FROM
               and col not in NOT_ABOUT_PEOPLE and not col.startswith("ratio_")}
    assert not missing, ("declare these in pilot_eval.privacy (DERIVED_FROM or "
                         f"NOT_ABOUT_PEOPLE): {sorted(missing)}")


def test_derived_figures_follow_their_counts() -> None:
    """A share beside a hidden count, a mean of a small group, a value on 2 successes."""
    reach = pd.DataFrame({"enrolled": [70], "active": [30], "completed": [39],
                          "dropped_out": [1], "moved": [0], "exited_other": [0],
                          "completion_rate": [39 / 40], "coverage_share": [70 / 7557]},
                         index=pd.Index(["fritid"], name="pilot_id"))
    codes = disclosure_codes({"reach": reach}, 5)["reach"].loc["fritid"]
    assert codes["dropped_out"] == PRIMARY and codes["active"] == "complementary"
    assert codes["completion_rate"] == "derived" and codes["coverage_share"] == SHOWN
    outcomes = pd.DataFrame({"design": ["pre_post"], "n_pilot": [40], "n_comparison": [1],
                             "baseline_mean": [20.0], "comparison_baseline_mean": [31.0],
                             "improvement": [2.0]},
                            index=pd.MultiIndex.from_tuples([("a", "m")],
                                                            names=["pilot_id", "measure"]))
    codes = disclosure_codes({"outcomes": outcomes}, 5)["outcomes"].iloc[0]
    assert codes["comparison_baseline_mean"] == "derived"
    assert codes["baseline_mean"] == SHOWN and codes["improvement"] == SHOWN  # no did
    value = pd.DataFrame({"basis": ["per_success"], "design": ["pre_post"], "n_measured": [36],
                          "successes": [2.0], "success_rate_pilot": [2 / 36],
                          "attributable_successes": [1.12], "social_value_pv_nok": [40_000.0],
                          "value_nok": [25_000.0]},
                         index=pd.MultiIndex.from_tuples([("a", "m")],
                                                         names=["pilot_id", "measure"]))
    codes = disclosure_codes({"value_for_money": value}, 5)["value_for_money"].iloc[0]
    assert codes["successes"] == PRIMARY
    assert codes[["success_rate_pilot", "attributable_successes",
                  "social_value_pv_nok"]].eq("derived").all()
    assert codes["value_nok"] == SHOWN  # an assumption, printed anyway
    # 34 of 36 succeeded: the two who did not are as small a group
    value2 = value.assign(successes=[34.0], success_rate_pilot=[34 / 36])
    codes = disclosure_codes({"value_for_money": value2}, 5)["value_for_money"].iloc[0]
    assert codes["successes"] == "complementary" and codes["social_value_pv_nok"] == "derived"
