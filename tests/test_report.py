"""The reports as a politician gets them: the sample set rendered through the real
notebooks, then checked as PDF files (pikepdf, pdftotext) and as a published folder."""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pikepdf
import pytest

from pilot_eval.cli import main
from pilot_eval.dataset import load_dataset
from pilot_eval.errors import ReportError, UsageError
from pilot_eval.metrics import metric_tables
from pilot_eval.present import fmt
from pilot_eval.present.report import (
    REPORT_DATA_ENV,
    PilotReport,
    PortfolioReport,
    ReportData,
    data_key,
    load_report_data,
    report_data,
    save_report_data,
)
from pilot_eval.render.batch import longest_first, plan_reports, render_reports
from pilot_eval.render.run import sha256_file
from pilot_eval.render.workbook import write_metrics
from tests.conftest import DATA, MINIMAL, ROOT, edit

SAMPLE = ROOT / "data" / "sample"
NOTEBOOKS = ROOT / "notebooks"
PARTICIPANT_ID = re.compile(r"\b[pc]-[0-9a-f]{8}\b")
AS_OF = "2026-06-30"


def pdf_text(path: Path) -> str:
    """The PDF's text; no-break spaces (dates tie "30." to "juni" with one) read as spaces."""
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\u00a0", " ")


@pytest.fixture(scope="module")
def report_set(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("reports")
    return render_reports(SAMPLE, as_of=AS_OF, out=out, jobs=2)


def test_title_page_says_what_when_and_by_which_version(report_set: dict) -> None:
    from pilot_eval import __version__

    first = subprocess.run(["pdftotext", "-l", "1", str(report_set["out_dir"] / "portfolio_report.pdf"),
                            "-"], capture_output=True, text=True, check=True).stdout.replace("\u00a0", " ")
    for words in ("Sosiale entreprenører", "Status per 30. juni 2026", "Bærum kommune",
                  "1. januar 2025–31. desember 2026", f"pilot_eval {__version__}"):
        assert words in " ".join(first.split()), words
    second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(report_set["out_dir"] /
                             "pilot_mentor.pdf"), "-"], capture_output=True, text=True,
                            check=True).stdout
    assert "Innhold" in second and "Slik leser du rapporten" in second  # on one page
    assert "syntetiske eksempeldata" in second


def test_reading_guide_says_synthetic_only_for_simulated_data(tmp_path: Path) -> None:
    sample = PortfolioReport(SAMPLE, as_of=AS_OF).reading_guide().html
    assert "syntetiske" in sample and "Tall under 5 vises ikke" in sample
    assert "Hver pilot vurderes" in sample
    folder = tmp_path / "data"
    shutil.copytree(MINIMAL, folder)
    assert not (folder / "truth.json").exists()
    real = PilotReport(folder, "jobb", language="en").reading_guide().html
    assert "synthetic" not in real and "The pilot is rated" in real
    assert "evidence" in real and "as an exception" not in real
    # an agreement that allows counts below 3 says so where the reader starts
    toml = folder / "agreement.toml"
    toml.write_text(toml.read_text(encoding="utf-8")
                    + "min_cell_size = 2\nallow_small_cells = true\n", encoding="utf-8")
    small = PilotReport(folder, "jobb").reading_guide().html
    assert "Tall under 2 vises ikke" in small and "så små tall som 2" in small


def test_the_whole_set_is_published(report_set: dict) -> None:
    out_dir = report_set["out_dir"]
    assert out_dir.name == AS_OF
    names = {p.name for p in out_dir.iterdir()}
    expected = {"portfolio_report.pdf", "portfolio_report.html", "portfolio_report.ipynb",
                "metrics.xlsx", "metrics.json", "manifest.json"}
    for pid in ("leksehjelp", "jobbtrening", "mentor", "fritid"):
        expected |= {f"pilot_{pid}.pdf", f"pilot_{pid}.html", f"pilot_{pid}.ipynb"}
    assert expected == names  # nothing half-written, no staging left over
    assert not any(p.name.startswith(".") for p in out_dir.parent.iterdir())


def test_manifest_hashes_match(report_set: dict) -> None:
    out_dir = report_set["out_dir"]
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["as_of"] == AS_OF
    assert len(manifest["rules_sha256"]) == 64
    for entry in manifest["outputs"]:
        assert sha256_file(out_dir / entry["path"]) == entry["sha256"]
    inputs = {Path(e["path"]).name: e["sha256"] for e in manifest["inputs"]}
    assert inputs["participants.csv"] == sha256_file(SAMPLE / "participants.csv")
    assert {"execute", "html", "pdf"} <= set(manifest["timings"]["portfolio_report"])


@pytest.mark.parametrize("stem", ["portfolio_report", "pilot_leksehjelp"])
def test_pdf_is_tagged_and_self_contained(report_set: dict, stem: str) -> None:
    with pikepdf.open(report_set["out_dir"] / f"{stem}.pdf") as pdf:
        assert str(pdf.Root.Lang) == "nb"
        assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
        with pdf.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1"
            assert meta.get("dc:title")
        fonts = {}
        for page in pdf.pages:
            for _key, font in (page.Resources.get("/Font") or {}).items():
                fonts[str(font.get("/BaseFont"))] = font
        assert fonts
        for name, font in fonts.items():
            descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
        assert len(pdf.pages) >= 8


def test_portfolio_pdf_text(report_set: dict) -> None:
    text = pdf_text(report_set["out_dir"] / "portfolio_report.pdf")
    for title in ("Sammendrag", "Penger", "Rekkevidde", "Resultater for innbyggerne",
                  "Verdi for samfunnet", "Data og metode", "Innhold", "Ordliste"):
        assert title in text, title
    assert "Bærum kommune" in text and "Økonomi" in text and "målgruppen" in text  # æøå intact
    assert re.search(r"Side 2 av \d+", text)
    assert "30. juni 2026" in text
    assert not PARTICIPANT_ID.search(text)
    for leak in ("Traceback", "report.", "In [", "Error", "pilot_eval.present"):
        assert leak not in text, leak


def test_summary_page_is_one_page_with_status_words(report_set: dict) -> None:
    pages = pdf_text(report_set["out_dir"] / "portfolio_report.pdf").split("\f")
    summary = next(p for p in pages if "Sammendrag" in p and "Statusoversikt" in p)
    assert "Viktige forbehold" in summary  # the whole summary fits on its page
    assert re.search(r"\b(god|usikker|svak)\b", summary)
    for word in ("Skalere", "Videreføre", "Justere", "Avslutte", "For tidlig å si"):
        if word in summary:
            break
    else:
        pytest.fail("no recommendation word on the summary page")


def test_pilot_reports_have_no_ids(report_set: dict) -> None:
    for pdf in report_set["out_dir"].glob("pilot_*.pdf"):
        text = pdf_text(pdf)
        assert not PARTICIPANT_ID.search(text), pdf.name
        assert "Aktivitet" in text


def test_html_is_self_contained_without_code(report_set: dict) -> None:
    html = (report_set["out_dir"] / "portfolio_report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert "report.summary()" not in html and "data_dir" not in html
    assert 'lang="nb"' in html


def test_executed_notebooks_keep_parameters(report_set: dict) -> None:
    nb = nbformat.read(report_set["out_dir"] / "pilot_mentor.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and '"mentor"' in injected[0].source


def test_committed_notebooks_have_no_outputs() -> None:
    for path in NOTEBOOKS.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name
        assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)
        # a cell without an id makes nbformat print a warning on every report run
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert all(cell.get("id") for cell in raw["cells"]), path.name


def _tiny_area_folder(tmp_path: Path) -> Path:
    """The minimal folder plus people in three areas: Rud has exactly three."""
    folder = tmp_path / "tiny"
    shutil.copytree(MINIMAL, folder)
    rows = []
    for area, n in (("Rud", 3), ("Stabekk", 9), ("Fornebu", 12)):
        rows += [f"x-{area[:3].lower()}{i:02d},lekse,2025-03-{i + 1:02d},,,2012,female,{area}" for i in range(n)]
    edit(folder, "participants.csv", None, "\n".join(rows))
    return folder


def test_small_area_is_suppressed_in_the_pdf(tmp_path: Path) -> None:
    folder = _tiny_area_folder(tmp_path)
    result = render_reports(folder, as_of="2025-12-31", pilots=["lekse"], out=tmp_path / "out")
    text = pdf_text(result["out_dir"] / "pilot_lekse.pdf")
    # chart text is drawn as glyph outlines: its words are the SVG groups' aria-labels
    page = (result["out_dir"] / "pilot_lekse.html").read_text(encoding="utf-8")
    charts = [base64.b64decode(m).decode("utf-8")
              for m in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)]
    labels = [re.findall(r'aria-label="([^"]*)"', svg) for svg in charts]
    area = [words for words in labels if "Rud" in words]
    assert area, "the area should be listed"
    assert all(re.fullmatch(r"\s*3\s*", w) is None for w in area[0]), area[0]
    assert "&lt;5" in area[0] or "<5" in text
    assert not re.search(r"\bx-[a-z]{3}\d{2}\b", text + page)


def test_failed_run_keeps_old_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, broken)
    nb = nbformat.read(broken / "pilot_report.ipynb", as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell("raise RuntimeError('the reach table broke')"))
    nbformat.write(nb, broken / "pilot_report.ipynb")
    out = tmp_path / "reports"
    good = out / "2025-12-31"
    good.mkdir(parents=True)
    (good / "pilot_lekse.pdf").write_bytes(b"%PDF good old report")
    (good / "manifest.json").write_text("{}")
    before = {p.name: p.read_bytes() for p in good.iterdir()}
    with pytest.raises(ReportError, match="the reach table broke") as info:
        render_reports(MINIMAL, as_of="2025-12-31", pilots=["lekse"], out=out, notebooks=broken)
    assert "cell" in str(info.value) and "Nothing in" in str(info.value)
    after = {p.name: p.read_bytes() for p in good.iterdir() if p.is_file()}
    assert after == before
    assert (good / "failed" / "pilot_lekse.ipynb").is_file()
    assert not any(p.name.startswith(".staging") for p in out.iterdir())
    # the same through the command line: exit code 3, one paragraph, no traceback
    monkeypatch.setenv("PILOT_EVAL_NOTEBOOKS", str(broken))
    assert main(["report", str(MINIMAL), "--as-of", "2025-12-31", "--pilot", "lekse",
                 "--out", str(out)]) == 3


def test_english_report(tmp_path: Path) -> None:
    result = render_reports(MINIMAL, as_of="2025-12-31", pilots=["lekse"], language="en",
                            out=tmp_path / "out")
    pdf = result["out_dir"] / "pilot_lekse.pdf"
    text = pdf_text(pdf)
    assert re.search(r"Page 2 of \d+", text)
    for title in ("Summary", "Money", "Reach", "Data and method", "31 December 2025"):
        assert title in text, title
    with pikepdf.open(pdf) as doc:
        assert str(doc.Root.Lang) == "en"


def test_report_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["report", str(MINIMAL), "--pilot", "nope", "--out", str(tmp_path)]) == 2
    assert "lekse" in capsys.readouterr().err  # lists the pilots there are
    assert main(["report", str(DATA / "ten_defects"), "--out", str(tmp_path)]) == 1


# ---- metric tables computed once for the whole set ---------------------------------------------


def _blocks(report: object, notebook: Path) -> list[str]:
    """The HTML of every cell after the constructor, as the notebook calls them."""
    nb = nbformat.read(notebook, as_version=4)
    calls = [c.source for c in nb.cells if c.cell_type == "code" and c.source.startswith("report.")]
    assert calls
    scope = {"report": report, "reports_dir": None}  # the notebooks' parameter: no earlier set
    return [eval(call, scope)._repr_html_() for call in calls]  # noqa: S307


def test_reports_from_shared_data_are_the_same(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    as_of = "2025-12-31"
    shared = save_report_data(report_data(load_dataset(MINIMAL, as_of=as_of), key=data_key(MINIMAL)),
                              tmp_path / "data.pickle")
    cases = [(PortfolioReport, (), NOTEBOOKS / "portfolio_report.ipynb"),
             (PilotReport, ("lekse",), NOTEBOOKS / "pilot_report.ipynb")]
    for cls, args, notebook in cases:
        alone = cls(MINIMAL, *args, as_of=as_of, language="nb")
        monkeypatch.setenv(REPORT_DATA_ENV, str(shared))
        together = cls(MINIMAL, *args, as_of=as_of, language="nb")
        monkeypatch.delenv(REPORT_DATA_ENV)
        assert alone._data is None and together._data is not None
        assert _blocks(together, notebook) == _blocks(alone, notebook)


def test_shared_data_are_used_only_for_the_same_folder_and_date(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(MINIMAL, folder)
    key = data_key(folder)
    assert key == data_key(MINIMAL) and len(key) == 64  # contents, not the folder's name
    path = save_report_data(report_data(load_dataset(folder, as_of="2025-12-31"), key=key),
                            tmp_path / "data.pickle")
    assert load_report_data(path, folder, "2025-12-31") is not None
    assert load_report_data(path, folder, "2025-11-30") is None  # another date
    assert load_report_data(path, folder, None) is None  # "latest": the report finds it
    assert load_report_data(tmp_path / "missing.pickle", folder, "2025-12-31") is None
    (tmp_path / "junk.pickle").write_bytes(b"not a pickle")
    assert load_report_data(tmp_path / "junk.pickle", folder, "2025-12-31") is None
    edit(folder, "costs.csv", "200000", "200001")
    assert data_key(folder) != key
    assert load_report_data(path, folder, "2025-12-31") is None  # the data changed
    (folder / "costs.csv").unlink()
    assert load_report_data(path, folder, "2025-12-31") is None


def test_report_data_with_another_date_is_refused() -> None:
    data = report_data(load_dataset(MINIMAL, as_of="2025-12-31"))
    assert PortfolioReport(data).ds is data.ds
    with pytest.raises(UsageError, match="as_of"):
        PortfolioReport(data, as_of="2025-06-30")


def test_longest_report_first() -> None:
    ds = load_dataset(SAMPLE, as_of=AS_OF)
    order = longest_first(plan_reports(ds, data_dir=SAMPLE), ds)
    assert order[0].stem == "portfolio_report"
    rows = {pid: int((ds.participants["pilot_id"].astype(str) == pid).sum()
                     + (ds.sessions["pilot_id"].astype(str) == pid).sum())
            for pid in ds.pilot_ids}
    pilots = [job.parameters["pilot_id"] for job in order[1:]]
    assert sorted(pilots) == sorted(ds.pilot_ids)
    assert rows[pilots[0]] >= rows[pilots[-1]]


def test_workbook_holds_the_metric_tables(report_set: dict) -> None:
    ds = load_dataset(SAMPLE, as_of=AS_OF)
    fresh = write_metrics(metric_tables(ds), report_set["out_dir"].parent / "fresh.xlsx",
                          min_cell_size=ds.agreement.min_cell_size, as_of=ds.as_of_date,
                          agreement=ds.agreement, language=ds.agreement.language)
    made = pd.read_excel(report_set["out_dir"] / "metrics.xlsx", sheet_name=None)
    expected = pd.read_excel(fresh, sheet_name=None)
    assert list(made) == list(expected)
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(made[name], frame, obj=name)
    fresh.unlink()


def test_metrics_json_holds_the_workbooks_cells(report_set: dict) -> None:
    """The next report's comparison reads metrics.json: the same published cells as the
    workbook ("<5" and ":" included), every table."""
    from pilot_eval.present import columns

    made = pd.read_excel(report_set["out_dir"] / "metrics.xlsx", sheet_name=None)
    kept = json.loads((report_set["out_dir"] / "metrics.json").read_text(encoding="utf-8"))
    sheets = {columns.table(name, "nb").header: name for name in kept}
    assert list(made)[0] == "Om tabellene"  # the workbook for people explains itself first
    assert [sheets[sheet] for sheet in list(made)[1:]] == list(kept)
    for sheet, frame in list(made.items())[1:]:
        assert len(kept[sheets[sheet]]) == len(frame), sheet
    reach = pd.DataFrame(kept["reach"])
    enrolled = made[columns.table("reach", "nb").header][columns.column("reach", "enrolled",
                                                                        "nb").header]
    assert reach["enrolled"].tolist() == enrolled.tolist()


def test_failures_in_parallel_workers_keep_every_failed_notebook(tmp_path: Path) -> None:
    broken = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, broken)
    nb = nbformat.read(broken / "pilot_report.ipynb", as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell("raise RuntimeError('the reach table broke')"))
    nbformat.write(nb, broken / "pilot_report.ipynb")
    out = tmp_path / "reports"
    with pytest.raises(ReportError, match="the reach table broke") as info:
        render_reports(MINIMAL, as_of="2025-12-31", pilots=["lekse", "jobb"], portfolio=False,
                       out=out, notebooks=broken, jobs=2)
    message = str(info.value)
    assert "cell 5 of" in message and "1 other report(s) failed too" in message
    assert "\n" not in message
    failed = out / "2025-12-31" / "failed"
    assert {p.name for p in failed.iterdir()} == {"pilot_lekse.ipynb", "pilot_jobb.ipynb"}
    assert str(failed) in message
    assert not any(p.name.startswith(".staging") for p in out.iterdir())
    assert not (out / "2025-12-31" / "manifest.json").exists()


# ---- review: sources, one pilot's words, value chart = value table, empty states, warnings ----

NO_DATA = "Det finnes ingen data til dette ennå."


def plain(text_: str) -> str:
    return text_.replace("\u00a0", " ")


@pytest.fixture(scope="module")
def sample_data() -> ReportData:
    return report_data(load_dataset(SAMPLE, as_of=AS_OF))


def test_each_chart_cites_the_data_it_rests_on(sample_data: ReportData) -> None:
    r = PortfolioReport(sample_data)
    caps = {name: plain(getattr(r, name)().caption)
            for name in ("grant_vs_spent", "cumulative_spend", "enrolment_vs_target",
                         "coverage", "completion", "forest", "value_vs_cost")}
    caps["by_gender"] = plain(r.reach_breakdown("gender").caption)  # beside the population
    caps["by_area"] = plain(r.reach_breakdown("area").caption)  # population has no areas
    assert {k for k, c in caps.items() if "SSB" in c} == {"coverage", "by_gender"}
    assert "Kilde: pilotenes regnskap per 30. juni 2026." in caps["grant_vs_spent"]
    assert "regnskap" in caps["cumulative_spend"]
    for name in ("enrolment_vs_target", "completion", "by_area"):
        assert "pilotenes deltakerdata per 30. juni 2026" in caps[name], name
    assert "pilotenes målinger" in caps["forest"]
    assert "regnskap og målinger" in caps["value_vs_cost"]
    assert "verdsetting: Illustrativ verdi" in caps["value_vs_cost"]
    its = plain(r.indicators().html)
    assert "kommunens registerdata (indikatorserier)" in its and "SSB" not in its
    assert "verdsetting: Illustrativ verdi" in plain(r.tornado().html)
    en = PortfolioReport(sample_data, language="en")
    assert "Source: the pilots' accounts as of 30 June 2026." in plain(en.grant_vs_spent().caption)


def test_pilot_report_speaks_of_one_pilot(sample_data: ReportData) -> None:
    for language, plural in (("nb", "pilotene"), ("en", "the pilots")):
        pilot = PilotReport(sample_data, "mentor", language=language)
        portfolio = PortfolioReport(sample_data, language=language)
        for key in pilot.sections:
            assert plural not in pilot.section(key).html.lower(), (language, key)
        assert plural in portfolio.section("money").html.lower()
    said = PilotReport(sample_data, "mentor").section("money").html
    assert "Her ser du hva piloten har fått fra fondet, hva den har brukt" in said


def test_value_chart_shows_the_value_tables_figures(sample_data: ReportData) -> None:
    for language in ("nb", "en"):
        r = PortfolioReport(sample_data, language=language)
        fig, table = r.value_vs_cost(), r.value_table()
        ratio_col = "Nytte–kostnadsforhold" if language == "nb" else "Benefit–cost ratio"
        tornado = html.unescape(r.tornado().html)
        value = r.value.reset_index()
        main = value.sort_values("social_value_pv_nok", ascending=False).drop_duplicates("pilot_id")
        assert len(main) == 4
        for row in main.itertuples():
            ratio = fmt.number(row.benefit_cost_ratio, 2, language=language)
            label = r.measure_label(str(row.measure))
            name = r.names[str(row.pilot_id)]
            assert f"{name} – {label.lower()}: " in fig.alt
            # the table prints the ratio with its 95 % range beside it
            assert ratio in fig.alt and any(
                cell.split(" (")[0] == ratio for cell in table.data[ratio_col].tolist())
            # the tornado is drawn for the same measure, when there is a value at all (none
            # on fewer people than the minimum, nor when it rests on a small count of
            # successes: docs/privacy.md)
            drawn = f"for {name} ({label.lower() if language == 'nb' else label})" in tornado
            assert drawn == bool(pd.notna(row.social_value_pv_nok)), name
        summed = fmt.number(r.value_by_pilot.loc["leksehjelp", "benefit_cost_ratio"], 2,
                            language=language)
        assert summed not in fig.alt  # 0,70 summed the measures; the table's row says 0,37
    assert "Leksehjelp med matpakke – trivsel: nytte" in PortfolioReport(sample_data).value_vs_cost().alt


def test_the_value_chart_says_which_bars_are_not_the_primary_measure(sample_data) -> None:
    """A bar shows the pilot's primary measure only when that has a value to show; the
    caption names the pilots whose bar shows another (it once said 'the bars show the
    primary measure' of all four, two of them wrongly)."""
    report = PortfolioReport(sample_data)
    main = report._main_values(report.value)
    main = main[main["drawn"]]
    other = main[main["role"].astype(str) != "primary"]
    caption = report.value_vs_cost().caption
    for pid, measure in other[["pilot_id", "measure"]].itertuples(index=False):
        assert f"{report.names[pid]}: {report.measure_label(measure).lower()}" in caption
    for pid in main.loc[main["role"].astype(str) == "primary", "pilot_id"]:
        assert f"{report.names[pid]}:" not in caption
    assert ("ellers resultatmålet med størst verdi" in caption) == (len(other) > 0)


def _by_section(report: object, notebook: Path) -> dict[str, str]:
    """The HTML of every block, by the section it stands in."""
    nb = nbformat.read(notebook, as_version=4)
    calls = [c.source for c in nb.cells if c.cell_type == "code" and c.source.startswith("report.")]
    out: dict[str, str] = {}
    key = "summary"
    for call in calls:
        if call.startswith("report.section("):
            key = call.split('"')[1]
        scope = {"report": report, "reports_dir": None}
        out[key] = out.get(key, "") + eval(call, scope)._repr_html_()  # noqa: S307
    return out


@pytest.mark.parametrize("case", ["start", "early", "pilot_not_started", "pilot_without_outcomes"])
def test_no_data_is_said_once_per_section(case: str) -> None:
    if case in ("start", "early"):
        as_of = "2025-01-01" if case == "start" else "2025-03-31"
        report, notebook = PortfolioReport(SAMPLE, as_of=as_of), "portfolio_report.ipynb"
    elif case == "pilot_not_started":
        report, notebook = PilotReport(SAMPLE, "fritid", as_of="2025-06-30"), "pilot_report.ipynb"
    else:
        report, notebook = PilotReport(MINIMAL, "jobb", as_of="2025-12-31"), "pilot_report.ipynb"
    sections = _by_section(report, NOTEBOOKS / notebook)
    for key, html_ in sections.items():
        assert html_.count(NO_DATA) <= 1, (case, key)
        assert html_.count("Ingen deltakere ennå") <= 1, (case, key)
    if case != "early":
        assert sections["outcomes"].count(NO_DATA) == 1  # said, once
    if case == "start":
        assert sections["value"].count(NO_DATA) == 1
        for by in ("area", "gender", "age_group"):  # the enrolment chart says "nobody yet"
            assert report.reach_breakdown(by).html == ""
        assert report.coverage().html == "" and report.completion().html == ""
    if case == "early":  # values exist but rest on nobody measured twice: the table says why
        assert report.value_vs_cost().html == "" and report.tornado().html == ""
        assert "Ingen er målt både før og etter ennå" in report.value_table().html
    if case == "pilot_not_started":
        assert report.dosage().html == ""


def test_time_series_chart_text_says_how_strong_its_evidence_is(sample_data: ReportData) -> None:
    # the alt text states the model's level change; a screen-reader user must also hear
    # that the evidence is weak, as the table beside the chart says
    for report in (PortfolioReport(sample_data), PilotReport(sample_data, "leksehjelp")):
        assert "Evidensstyrke: svak." in report.indicators().html
    assert "Strength of evidence: weak." in PortfolioReport(sample_data, language="en"
                                                            ).indicators().html


def test_indicator_series_are_named_in_english(sample_data: ReportData) -> None:
    html_ = PortfolioReport(sample_data, language="en").indicators().html
    assert "Reports of concern to child welfare services" in html_
    assert "Barnevernsmeldinger" not in html_
    assert "Barnevernsmeldinger" in PortfolioReport(sample_data).indicators().html


def test_pilot_data_quality_lists_its_own_warnings(sample_data: ReportData) -> None:
    assert len(sample_data.ds.warnings) == 1  # costs.csv row 2: a cost of leksehjelp
    assert sample_data.ds.warnings["pilot_id"].tolist() == ["leksehjelp"]
    lekse = PilotReport(sample_data, "leksehjelp")
    assert len(lekse.warnings) == 1 and "costs.csv" in lekse.data_quality().html
    jobb = PilotReport(sample_data, "jobbtrening")
    assert jobb.warnings.empty
    said = jobb.data_quality().html
    assert "costs.csv" not in said and "om denne piloten" in said
    assert "advarsel" not in plain(jobb.summary().html).split("Viktige forbehold")[-1]
    assert "Dataene til piloten har 1 advarsel" in plain(lekse.summary().html)


def test_warnings_are_tied_to_pilots_by_their_spreadsheet_row(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(MINIMAL, folder)
    # a blank line shifts the spreadsheet rows after it; 52 early costs give 50 warnings with
    # a row and one "… and 2 more rows" without a row (both of lekse, so it is lekse's)
    early = "\n".join(f"lekse,2025-01-{d:02d},fund,false,100," for d in range(1, 26))
    edit(folder, "costs.csv", None, "\n" + early + "\njobb,2025-08-15,fund,false,100,For tidlig\n"
         + "\n".join(f"lekse,2024-12-{d:02d},fund,false,100," for d in range(1, 27)))
    ds = load_dataset(folder, as_of="2025-12-31")
    assert len(ds.warnings) == 51 and ds.warnings["row"].isna().sum() == 1  # 50 + "2 more"
    who = ds.warnings["pilot_id"]
    assert (who == "lekse").sum() == 50 and (who == "jobb").sum() == 1 and who.isna().sum() == 0
    jobb = PilotReport(folder, "jobb", as_of="2025-12-31")
    rows = jobb.warnings
    assert len(rows) == 1
    raw = (folder / "costs.csv").read_text(encoding="utf-8").splitlines()
    assert raw[int(rows["row"].iloc[0]) - 1].startswith("jobb,2025-08-15")
    assert len(PilotReport(folder, "lekse", as_of="2025-12-31").warnings) == 50


def test_a_more_rows_line_spanning_pilots_is_split_per_pilot(tmp_path: Path) -> None:
    """The rows after the first 50 are of both pilots: each pilot's report gets its own
    "… and 1 more row" and counts only its own (it once got one line for both)."""
    from pilot_eval.errors import count_problems

    folder = tmp_path / "data"
    shutil.copytree(MINIMAL, folder)
    early = "\n".join(f"{p},2025-01-{d:02d},fund,false,100," for d in range(1, 27)
                      for p in ("lekse", "jobb"))  # alternating: the last two differ
    edit(folder, "costs.csv", None, "\n" + early)
    ds = load_dataset(folder, as_of="2025-12-31")
    more = ds.warnings[ds.warnings["row"].isna()]
    assert sorted(more["pilot_id"]) == ["jobb", "lekse"] and more["count"].tolist() == [1, 1]
    jobb = PilotReport(ds, "jobb")
    assert len(jobb.warnings) == 25 + 1 and jobb.warnings["row"].isna().sum() == 1
    assert count_problems(jobb.warnings) == 26  # its 26 rows, none of lekse's


def test_pilot_summary_has_money_and_its_caveats(sample_data: ReportData) -> None:
    lekse = plain(PilotReport(sample_data, "leksehjelp").summary().html)
    assert ("Piloten har brukt 0,89 mill. kr av tilsagnet på 1,2 mill. kr fra fondet. Det er "
            "74 % av tilsagnet. Det har gått 74 % av pilotperioden. Pengebruken følger tiden."
            in lekse)
    assert "av tilsagnet etter" not in lekse  # the status reason does not say it again
    assert "Viktige forbehold" in lekse and "anslag ut fra forutsetninger" in lekse
    mentor = plain(PilotReport(sample_data, "mentor").summary().html)
    assert "mye saktere enn planen" in mentor
    assert "Piloten har ingen gruppe å sammenligne med." in mentor
    en = plain(PilotReport(sample_data, "mentor", language="en").summary().html)
    assert "The pilot has spent NOK 0.37 million of its NOK 1.0 million grant" in en
    assert "Main caveats" in en


# --------------------------------------------------------------------------- report review 3


@pytest.fixture(scope="module")
def early_data() -> ReportData:
    """31 March 2025: two or three months into three pilots, one not started."""
    return report_data(load_dataset(SAMPLE, as_of="2025-03-31"))


def test_early_pilot_summaries_say_each_thing_once(early_data: ReportData) -> None:
    fritid = plain(PilotReport(early_data, "fritid").summary().html)
    why = fritid.split("<h3>Hvorfor</h3>")[1].split("</ul>")[0]
    assert why.count("<li>") == 2  # not started (once) and the measure it will be judged on
    assert why.count("ikke startet") == 1
    for pid in ("leksehjelp", "jobbtrening", "mentor"):
        said = plain(PilotReport(early_data, pid).summary().html)
        assert "Fortsetter den" not in said, pid  # no forecast from two months of costs
        assert "anslag ut fra forutsetninger" not in said, pid  # no value computed yet
        assert "er målt en gang til" not in said, pid  # the outcome sentence said it
        # the status table's reason says nobody is measured twice; the list does not repeat it
        assert said.lower().count("ingen målt før og etter ennå") == 1, pid
        assert "Ingen deltakere er målt både før og etter ennå." not in said, pid
    mentor = plain(PilotReport(early_data, "mentor").summary().html)
    assert "Det er 6 % av tilsagnet. Det har gått 11 % av pilotperioden." in mentor
    assert "noe saktere enn planen" in mentor and "følger tiden" not in mentor
    jobb = plain(PilotReport(early_data, "jobbtrening").summary().html)
    assert "Det er 5,2 % av tilsagnet. Det har gått 4,6 % av pilotperioden." in jobb


def test_early_portfolio_summary_and_outcome_table(early_data: ReportData) -> None:
    r = PortfolioReport(early_data)
    said = plain(r.summary().html)
    assert "Pilotene har brukt 0,26 mill. kr av 4,0 mill. kr fra fondet." in said
    assert said.count("Ingen er målt både før og etter ennå.") == 1
    assert "anslag" not in said
    # nobody is measured twice: the forest says so once, no table of zeros and dashes after
    # it (the table's "–" for attrition is tested in test_tables)
    assert "Ingen er målt både før og etter ennå" in plain(r.forest()._repr_html_())
    assert r.outcome_table().html == ""
    assert PilotReport(early_data, "mentor").outcome_table().html == ""


def test_summary_says_what_the_municipality_series_did_once_it_can(
        sample_data: ReportData, early_data: ReportData) -> None:
    """The interrupted time series' level change in one sentence with its limit, only when
    its evidence is at least moderate; nothing while the pilot is too young for one.

    The sample's drop (true rate ratio 0.85) is −20 % (−32 % to −6 %) but does not stay
    clear if the trend bent in one of the years before the start: rated weak, it stays in
    its section with that reason, and the summary does not state it (issue 9)."""
    import dataclasses

    table = plain(PortfolioReport(sample_data).indicators().html)
    assert "−20 %" in table and "−32 % til −6 %" in table and "svak" in table
    assert "ikke tydelig hvis trenden knakk i et av årene før start" in table
    assert "barnevernsmeldinger" not in plain(PortfolioReport(sample_data).summary().html)
    # the same figures with moderate evidence: the summary says them, with the limit
    published = dict(sample_data.published)
    indicators = sample_data.table("its").copy()
    indicators["evidence_level"] = 2
    published.pop("its", None)
    stronger = dataclasses.replace(sample_data, tables={**sample_data.tables,
                                                        "indicators": indicators},
                                   published=published)
    said = plain(PortfolioReport(stronger).summary().html)
    assert ("Etter at Leksehjelp med matpakke startet, kom det i hele kommunen om lag 20 % "
            "færre barnevernsmeldinger enn trenden fra før tilsa (trolig mellom 6 % og 32 % "
            "færre). Tallet gjelder hele kommunen, ikke bare deltakerne, så vi vet ikke om "
            "piloten er årsaken." in said), said
    assert "barnevernsmeldinger" not in plain(PortfolioReport(early_data).summary().html)


def test_method_blocks_name_pilots_and_say_the_rules(sample_data: ReportData) -> None:
    r = PortfolioReport(sample_data)
    quality = plain(r.data_quality().html)
    assert "Leksehjelp med matpakke" in quality and "costs.csv" in quality
    rules = plain(r.rules().html)
    assert "«Skalere» når resultater og rekkevidde er gode" in rules
    assert "færre enn 10 er målt både før og etter" in rules
    en = plain(PortfolioReport(sample_data, language="en").rules().html)
    assert not re.search(r"\b(green|yellow|red)\b", en)
    assert "'Too little data'" in html.unescape(en)
    # the series method is explained where the report shows a series
    assert "kvasi-Poisson-regresjon. Det er en modell" in plain(r.assumptions().html)
    assert "kvasi-Poisson" not in plain(PilotReport(sample_data, "mentor").assumptions().html)
    assert "NOK 0.20 per krone" in plain(PortfolioReport(sample_data, language="en")
                                         .value_table().notes[0])


def test_english_outcome_section_says_residents_and_95_percent(sample_data: ReportData) -> None:
    r = PortfolioReport(sample_data, language="en")
    section = plain(r.section("outcomes").html)
    assert "Results for residents" in section and "95% confidence interval" in section
    assert r.outcome_table().caption == "Change per outcome measure"


def test_value_section_early_is_one_sentence_not_a_table_of_dashes() -> None:
    early = PortfolioReport(SAMPLE, as_of="2025-03-31")
    said = early.value_table().html
    assert said.startswith('<p class="pe-chart-note">') and "<table" not in said
    assert "Ingen er målt både før og etter ennå" in said
    assert early.value_vs_cost().html == "" and early.tornado().html == ""
    pilot = PilotReport(SAMPLE, "mentor", as_of="2025-03-31", language="en").value_table().html
    assert "Nobody has been measured" in pilot and "<table" not in pilot
    assert "<table" in PilotReport(SAMPLE, "mentor", as_of=AS_OF).value_table().html


# ---- accessibility of every sample PDF (issue: PDFs through Typst) ------------------------


@pytest.fixture(scope="module")
def report_set_en_early(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The English set early in the agreement: other pages, other tables, few results."""
    out = tmp_path_factory.mktemp("reports-en")
    return render_reports(SAMPLE, as_of="2025-03-31", out=out, jobs=2, language="en")


def _checker(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).exists():
        pytest.fail(f"{name} is a test dependency (pyproject [dev]); install it")
    return found


@pytest.mark.parametrize("which", ["report_set", "report_set_en_early"])
def test_every_sample_pdf_passes_outloud_and_pdfua_with_no_errors(which: str,
                                                                   request) -> None:
    """PDF/UA-1 and the semantic checks a validator cannot make (table header scope, link
    text, alt text, prose hidden as artifact, …): 0 errors from both open checkers, for
    every PDF of the set, in Norwegian and in English."""
    result = request.getfixturevalue(which)
    pdfs = sorted(Path(result["out_dir"]).glob("*.pdf"))
    assert len(pdfs) == 5  # the portfolio and four pilots
    outloud = subprocess.run([_checker("outloud"), "-q", *map(str, pdfs)],
                             capture_output=True, text=True)
    assert outloud.returncode == 0, outloud.stdout + outloud.stderr
    assert outloud.stdout.count(": 0 error(s)") == len(pdfs), outloud.stdout
    pdfua = subprocess.run([_checker("pdfua"), "check", *map(str, pdfs)],
                           capture_output=True, text=True)
    assert pdfua.returncode == 0, pdfua.stdout + pdfua.stderr
