"""Tests for pilot_eval.render.run: Papermill execution, staged publishing, manifest.

One real report (tests/data/notebooks/tiny_report.ipynb) is rendered once per module and
shared; tests/data/notebooks/failing_report.ipynb raises in its fifth cell.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import nbformat
import pikepdf
import pytest

from pilot_eval.errors import ReportError, UsageError
from pilot_eval.render import execute_notebook, render_report, sha256_file, write_manifest

DATA = Path(__file__).parent / "data" / "notebooks"
TINY = DATA / "tiny_report.ipynb"
FAILING = DATA / "failing_report.ipynb"
TITLE = "Sosiale entreprenører i Bærum"
PDFTOTEXT = shutil.which("pdftotext")
#: The stages the module's one render reported (render_report's on_stage), in order.
STAGES: list[tuple[str, object]] = []


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict:
    out_dir = tmp_path_factory.mktemp("reports") / "2026-06-30"
    return render_report(
        TINY,
        out_dir,
        {"as_of": "2026-06-30", "marker": "INJECTED-MARKER"},
        stem="tiny",
        title=TITLE,
        language="nb",
        as_of_text="status per 30. juni 2026",
        on_stage=lambda stage, detail: STAGES.append((stage, detail)),
    )


@pytest.fixture(scope="module")
def html(rendered) -> str:
    return rendered["html"].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pdf_pages(rendered) -> list[str]:
    if PDFTOTEXT is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(rendered["pdf"]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return text.split("\f")


# ---- render_report: success ------------------------------------------------------------------


def test_render_report_publishes_three_files_and_timings(rendered):
    out_dir = rendered["pdf"].parent
    assert {p.name for p in out_dir.iterdir()} == {"tiny.ipynb", "tiny.html", "tiny.pdf"}
    for key in ("notebook", "html", "pdf"):
        assert rendered[key].is_file() and rendered[key].stat().st_size > 0
    assert set(rendered["timings"]) == {"execute", "html", "pdf"}
    assert all(isinstance(s, float) and s > 0 for s in rendered["timings"].values())


def test_render_report_tells_each_stage_and_every_cell(rendered):
    cells = len(nbformat.read(TINY, as_version=4).cells) + 1  # and the injected parameters
    assert STAGES == [("execute", None), *[("execute", (i, cells)) for i in range(1, cells + 1)],
                      ("html", None), ("pdf", None)]


def test_published_files_get_umask_permissions_not_tempfile_0600(rendered):
    import os

    umask = os.umask(0)
    os.umask(umask)
    for key in ("html", "pdf"):
        assert rendered[key].stat().st_mode & 0o777 == 0o666 & ~umask


def test_executed_notebook_has_outputs_and_injected_parameters(rendered):
    nb = nbformat.read(rendered["notebook"], as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "INJECTED-MARKER" in injected[0].source
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_html_shows_no_code_prompts_or_parameters(html):
    for forbidden in (
        "In&nbsp;[",
        "In [",
        "Out[",
        "import matplotlib",
        "fmt.nok",
        "PARAMETER-CELL-OUTPUT",
        "INJECTED-MARKER",
        "REMOVED-CELL-OUTPUT",
        "STDERR-NOISE",
        "<script",
    ):
        assert forbidden not in html, forbidden


def test_html_keeps_markdown_tables_and_svg_figures(html):
    assert "Økonomi og måloppnåelse" in html
    assert "Blåbærsyltetøy" in html
    assert html.count("<table") >= 2
    assert "data:image/svg+xml;base64," in html
    assert "1\u00a0200\u00a0000\u00a0kr" in html  # Babel formatting ran inside the kernel


def test_pdf_is_tagged_pdf_ua_with_metadata_and_embedded_fonts(rendered):
    with pikepdf.open(rendered["pdf"]) as pdf:
        assert str(pdf.Root.Lang) == "nb"
        assert str(pdf.docinfo["/Title"]) == TITLE
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert TITLE in xmp and re.search(r'pdfuaid:part(="1"|>1<)', xmp)
        assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
        fonts = {}
        for page in pdf.pages:
            for font in (page.Resources.get("/Font") or {}).values():
                fonts[str(font.BaseFont)] = font
        assert fonts and any("Inter" in name for name in fonts)
        for name, font in fonts.items():
            desc = (
                font.DescendantFonts[0].FontDescriptor
                if "/DescendantFonts" in font
                else font.FontDescriptor
            )
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(desc.keys()), name


def test_pdf_text_keeps_norwegian_letters_and_page_numbers(pdf_pages):
    text = "\n".join(pdf_pages)
    assert "æøå ÆØÅ" in text and "Blåbærsyltetøy" in text
    assert "Side 1 av" not in pdf_pages[0]  # title page: no header, no footer
    assert re.search(r"Side 2 av \d+", pdf_pages[1])
    assert "status per 30. juni 2026" in pdf_pages[1]
    assert "Innhold" in pdf_pages[1]  # table of contents on page 2


def test_pdf_paragraph_with_strong_does_not_break_after_first_word(pdf_pages):
    # The markdown paragraph holds "<strong>2,1 av 4,0 mill. kr</strong>" (a WeasyPrint 70 bug
    # broke the line after the first word).
    line = next(ln for ln in "\n".join(pdf_pages).splitlines() if "Blåbærsyltetøy" in ln)
    assert len(line.split()) > 3, line


# ---- failures --------------------------------------------------------------------------------


def test_failed_render_keeps_previous_report_and_failed_notebook(rendered):
    out_dir = rendered["pdf"].parent
    before = {p.name: p.read_bytes() for p in out_dir.iterdir() if p.is_file()}
    with pytest.raises(ReportError) as err:
        render_report(
            FAILING,
            out_dir,
            {"as_of": "2026-06-30"},
            stem="tiny",
            title=TITLE,
            language="nb",
            as_of_text="status per 30. juni 2026",
        )
    msg = str(err.value)
    assert "cell 5 of 6" in msg
    assert "'# compute the reach table'" in msg
    assert "'Rekkevidde som feiler'" in msg
    assert "ValueError: deliberate failure in the test notebook" in msg
    assert "\n" not in msg  # one paragraph
    failed = out_dir / "failed" / "tiny.ipynb"
    assert str(failed) in msg
    assert {p.name: p.read_bytes() for p in out_dir.iterdir() if p.is_file()} == before
    assert not [p for p in out_dir.iterdir() if p.name.startswith(".staging")]
    nb = nbformat.read(failed, as_version=4)
    assert any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))


def test_execute_notebook_failure_names_the_cell_and_is_quiet(tmp_path, capfd):
    out = tmp_path / "executed.ipynb"
    with pytest.raises(ReportError) as err:
        execute_notebook(FAILING, out, {"as_of": "2026-07-31"})
    msg = str(err.value)
    assert "cell 5 of 6" in msg and "ValueError" in msg and str(out) in msg
    assert out.is_file()
    captured = capfd.readouterr()
    assert "%|" not in captured.err  # no progress bar when not on a terminal
    assert "without encryption" not in captured.err
    assert "Executing" not in captured.err + captured.out


def test_papermill_draws_no_bar_on_a_terminal_either(tmp_path, capfd, monkeypatch):
    """A report set shows its own progress; Papermill's nameless bars would mix into it."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    execute_notebook(TINY, tmp_path / "t.ipynb", {"marker": "X"}, cwd=DATA)
    captured = capfd.readouterr()
    assert "Executing" not in captured.err + captured.out
    assert "cell/s" not in captured.err + captured.out


def test_missing_kernel_says_how_to_install_it(tmp_path):
    with pytest.raises(ReportError, match="ipykernel install --sys-prefix"):
        execute_notebook(TINY, tmp_path / "x.ipynb", {}, kernel_name="no-such-kernel-xyz")


def test_bad_arguments_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        execute_notebook(tmp_path / "nope.ipynb", tmp_path / "x.ipynb", {})
    with pytest.raises(UsageError, match="stem"):
        render_report(TINY, tmp_path, {}, stem="../evil", title="T")


# ---- hashing and manifest ----------------------------------------------------------------------


def test_sha256_file_matches_hashlib(tmp_path):
    f = tmp_path / "a.bin"
    data = bytes(range(256)) * 5000
    f.write_bytes(data)
    assert sha256_file(f) == hashlib.sha256(data).hexdigest()
    assert sha256_file(f, chunk_size=7) == hashlib.sha256(data).hexdigest()


def test_write_manifest(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "pilots.csv").write_text("pilot_id\nA\n", encoding="utf-8")
    (data_dir / "agreement.toml").write_text('name = "x"\n', encoding="utf-8")
    out_dir = tmp_path / "reports" / "2026-06-30"
    out_dir.mkdir(parents=True)
    pdf = out_dir / "portfolio_report.pdf"
    pdf.write_bytes(b"%PDF-1.7 fake")
    path = write_manifest(
        out_dir,
        parameters={"as_of": dt.date(2026, 6, 30), "language": "nb", "data_dir": data_dir},
        inputs=[data_dir],
        outputs=[pdf],
        timings={"portfolio_report": {"execute": 1.5, "html": 0.2, "pdf": 1.1}},
        package_version="0.1.0",
    )
    assert path == out_dir / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert manifest["version"] == "0.1.0"
    assert manifest["parameters"]["as_of"] == "2026-06-30"
    assert [e["path"].rsplit("/", 1)[-1] for e in manifest["inputs"]] == [
        "agreement.toml",
        "pilots.csv",
    ]
    assert manifest["outputs"] == [
        {"path": "portfolio_report.pdf", "bytes": 13, "sha256": sha256_file(pdf)}
    ]
    assert manifest["timings"]["portfolio_report"]["pdf"] == 1.1
    assert sorted(p.name for p in out_dir.iterdir()) == ["manifest.json", "portfolio_report.pdf"]


_RECORDED = ("pandas", "numpy", "statsmodels", "scipy", "matplotlib", "seaborn", "papermill",
             "nbconvert", "typst", "openpyxl", "babel", "pyarrow")


def test_manifest_records_the_versions_it_was_made_with(tmp_path):
    import importlib.metadata
    import platform

    import pandas

    path = write_manifest(tmp_path, parameters={}, inputs=[], outputs=[], timings={},
                          package_version="9.8.7")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    versions = manifest["versions"]
    assert versions["pilot_eval"] == "9.8.7" and versions["python"] == platform.python_version()
    assert set(versions) == {"pilot_eval", "python", *_RECORDED}
    for name in _RECORDED:
        assert versions[name] == importlib.metadata.version(name), name
    assert versions["pandas"] == pandas.__version__  # the library this process runs
    # the keys older readers know stay where they were
    assert manifest["version"] == "9.8.7" and manifest["python"] == versions["python"]


def test_manifest_versions_given_and_a_library_not_installed(tmp_path, monkeypatch):
    from pilot_eval.render import run

    monkeypatch.setattr(run, "MANIFEST_LIBRARIES", ("pandas", "no-such-library-xyz"))
    assert run.library_versions("1")["no-such-library-xyz"] is None
    path = write_manifest(tmp_path, parameters={}, inputs=[], outputs=[], timings={},
                          package_version="1", versions={"typst_compiler": "0.1.0"})
    assert json.loads(path.read_text(encoding="utf-8"))["versions"] == {"typst_compiler": "0.1.0"}


def test_write_manifest_refuses_missing_input(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        write_manifest(
            tmp_path,
            parameters={},
            inputs=[tmp_path / "missing.csv"],
            outputs=[],
            timings={},
            package_version="0",
        )


# ---- one kernel for several notebooks ----------------------------------------------------------


def _notebook(path: Path, *sources: str) -> Path:
    """A notebook with a ``parameters`` cell (``marker``) and the given code cells."""
    cells = [nbformat.v4.new_code_cell('marker = "default"', metadata={"tags": ["parameters"]})]
    cells += [nbformat.v4.new_code_cell(src) for src in sources]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _outputs(nb, *, stderr: bool = True) -> str:
    """Text of the outputs (stdout, stderr, text/plain) of every code cell."""
    return "".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if stderr or o.get("name") != "stderr"  # warnings name the kernel's temporary files
    )


def _session(kind: str, **kwargs):
    from pilot_eval.render.run import KernelSession, LocalSession

    return (KernelSession if kind == "kernel" else LocalSession)(**kwargs)


@pytest.mark.parametrize("kind", ["kernel", "local"])
def test_session_gives_every_notebook_a_fresh_namespace(tmp_path, kind):
    writer = _notebook(
        tmp_path / "writer.ipynb",
        "import os, sys, warnings, json\n"
        "leaked = 'FROM-THE-FIRST-REPORT'\n"
        "os.environ['PILOT_EVAL_TEST_LEAK'] = 'yes'\n"
        "sys.path.append('/leaked/path')\n"
        "warnings.simplefilter('error')\n"
        "os.chdir('/')\n"
        "print('pid', os.getpid())",
    )
    reader = _notebook(
        tmp_path / "reader.ipynb",
        "import os, sys, warnings\n"
        "print('leaked' in globals(), 'json' in globals(), 'marker=' + marker)\n"
        "print(os.environ.get('PILOT_EVAL_TEST_LEAK'), '/leaked/path' in sys.path)\n"
        "print('cwd', os.getcwd())\n"
        "print('given', os.environ.get('PILOT_EVAL_TEST_GIVEN'))\n"
        "warnings.warn('only a warning')\n"
        "print('pid', os.getpid())",
    )
    here = os.getcwd()
    with _session(kind, preload=["json"]) as session:
        first = execute_notebook(writer, tmp_path / "w.ipynb", {"marker": "a"}, session=session,
                                 cwd=tmp_path, env={"PILOT_EVAL_TEST_GIVEN": "first"})
        second = execute_notebook(reader, tmp_path / "r.ipynb", {"marker": "b"}, session=session,
                                  cwd=tmp_path, env={"PILOT_EVAL_TEST_GIVEN": "second"})
        assert session.kernels_started == 1 and session.notebooks_run == 2
    out = _outputs(second)
    assert "False False marker=b" in out  # no variable of the first report, nor the preload's
    assert "None False" in out  # environment and sys.path put back
    assert f"cwd {tmp_path.resolve()}" in out
    assert "given second" in out
    assert "only a warning" in out  # a warning, not an error: the filters were put back
    pid = [line for line in _outputs(first).splitlines() if line.startswith("pid")]
    assert pid and pid[0] in out  # one kernel ran both
    counts = [c.execution_count for c in second.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))  # numbered as in a fresh kernel
    # in this process (LocalSession) too, nothing of the notebooks is left
    assert os.getcwd() == here and "/leaked/path" not in sys.path
    assert ("error", None, Warning, None, 0) not in warnings.filters  # the writer's
    assert "PILOT_EVAL_TEST_LEAK" not in os.environ and "PILOT_EVAL_TEST_GIVEN" not in os.environ


@pytest.mark.parametrize("kind", ["kernel", "local"])
def test_session_replaces_its_kernel_after_a_failed_notebook(tmp_path, kind):
    with _session(kind) as session:
        with pytest.raises(ReportError, match="cell 5 of 6"):
            execute_notebook(FAILING, tmp_path / "f.ipynb", {"as_of": "2026-06-30"},
                             session=session)
        done = execute_notebook(TINY, tmp_path / "t.ipynb", {"marker": "AFTER"}, session=session,
                                cwd=DATA)
        assert session.kernels_started == 2
    assert any(c.get("outputs") for c in done.cells if c.cell_type == "code")


def test_timed_out_notebook_is_kept_with_its_outputs_so_far(tmp_path):
    slow = _notebook(tmp_path / "slow.ipynb", "print('BEFORE-THE-WAIT')", "import time\ntime.sleep(60)")
    out = tmp_path / "out" / "slow.ipynb"
    with pytest.raises(ReportError, match="failed in execution") as err:
        execute_notebook(slow, out, {}, timeout=3)
    assert str(out) in str(err.value)
    assert "BEFORE-THE-WAIT" in _outputs(nbformat.read(out, as_version=4))


@pytest.mark.parametrize("kind", ["kernel", "local"])
def test_execution_with_a_session_gives_the_same_notebook(rendered, tmp_path, kind):
    params = {"as_of": "2026-06-30", "marker": "INJECTED-MARKER"}
    if kind == "local" and "matplotlib.pyplot" in sys.modules:
        # A LocalSession lives in a report worker, where pyplot is not yet imported and the
        # notebook's pyplot figures get the inline backend, as in a kernel. Other tests of
        # this process have imported pyplot already: run the session in a fresh process.
        script = (
            "import sys, json\nfrom pathlib import Path\n"
            "from pilot_eval.render import execute_notebook\n"
            "from pilot_eval.render.run import LocalSession\n"
            "tiny, out, params = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])\n"
            "with LocalSession(preload=['pilot_eval.present.fmt']) as session:\n"
            "    for name in ('one', 'two'):\n"
            "        execute_notebook(tiny, out / f'{name}.ipynb', params, session=session,\n"
            "                         cwd=tiny.parent)\n")
        subprocess.run([sys.executable, "-c", script, str(TINY), str(tmp_path),
                        json.dumps(params)], check=True, capture_output=True, text=True)
        nb = nbformat.read(tmp_path / "two.ipynb", as_version=4)
    else:
        with _session(kind, preload=["pilot_eval.present.fmt"]) as session:
            for name in ("one", "two"):  # the second in a used kernel
                nb = execute_notebook(TINY, tmp_path / f"{name}.ipynb", params,
                                      session=session, cwd=TINY.parent)
    alone = nbformat.read(rendered["notebook"], as_version=4)
    assert _outputs(nb, stderr=False) == _outputs(alone, stderr=False)
    counts = [[c.execution_count for c in n.cells if c.cell_type == "code"] for n in (nb, alone)]
    assert counts[0] == counts[1]


def test_local_session_gives_the_outputs_a_kernel_gives(tmp_path):
    """Streams, displays, a cell's value, an error: as nbclient records a kernel's."""
    from pilot_eval.render.run import KernelSession, LocalSession

    nb = _notebook(
        tmp_path / "kinds.ipynb",
        "print('one'); print('two')\nimport sys; print('err', file=sys.stderr)",
        "from IPython.display import display, HTML\ndisplay(HTML('<b>x</b>'))\n41 + 1",
        "'quiet';",
        "raise ValueError('on purpose')",
    )

    def run(session, name):
        with pytest.raises(ReportError, match="ValueError: on purpose"):
            execute_notebook(nb, tmp_path / name, {}, session=session, cwd=tmp_path)
        got = nbformat.read(tmp_path / name, as_version=4)
        for cell in got.cells:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = output["traceback"][-1:]  # the kernel's has colours
        return [(c.get("execution_count"), c.get("outputs")) for c in got.cells
                if c.cell_type == "code"], got.metadata.language_info

    with KernelSession() as kernel, LocalSession() as local:
        expected, local_result = run(kernel, "k.ipynb"), run(local, "l.ipynb")
    assert local_result[1] == expected[1]
    assert [c for c, _ in local_result[0]] == [c for c, _ in expected[0]]
    for (_, got), (_, want) in zip(local_result[0], expected[0], strict=True):
        assert [o.get("output_type") for o in got] == [o.get("output_type") for o in want]
        assert [o.get("data") or o.get("text") or o.get("ename") for o in got] == \
            [o.get("data") or o.get("text") or o.get("ename") for o in want]
