"""Executed notebook → self-contained HTML (nbconvert) and tagged A4 PDF (Typst).

The HTML carries everything inline (fonts and images as ``data:`` URIs, one ``<style>``,
no scripts). The PDF is typeset by Typst, in-process (the ``typst`` package: no browser,
no TeX, no download), from the same outputs: each output's HTML, the one source of every
report block, is converted to Typst markup by :mod:`pilot_eval.render.typst` and set with
the template ``templates/report.typ`` (cover, contents, running header, "Side X av Y").
The PDF is PDF/UA-1: tagged, with document title, language, bookmarks from the headings,
table header rows, alt text on every chart and every font embedded; Typst refuses to write
a PDF/UA-1 file that breaks a rule it can check.
"""

from __future__ import annotations

import base64
import functools
import html as _html
import os
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ReportError, UsageError
from ..io import atomic_write_bytes
from ..present.fmt import check_language
from .sanitize import sanitize_html

if TYPE_CHECKING:  # pragma: no cover
    from nbformat import NotebookNode

__all__ = [
    "FONTS_DIR",
    "TEMPLATE_NAME",
    "TEMPLATES_DIR",
    "font_face_css",
    "html_to_pdf",
    "notebook_to_html",
    "notebook_to_pdf",
    "typst_to_pdf",
]

_HERE = Path(__file__).resolve().parent
#: Folder holding the nbconvert template(s).
TEMPLATES_DIR: Path = _HERE / "templates"
#: Name of the print template inside :data:`TEMPLATES_DIR`.
TEMPLATE_NAME = "pilot_eval_print"
#: Folder holding the shipped typeface (Inter, SIL OFL 1.1) and its licence.
FONTS_DIR: Path = _HERE / "fonts"

FONT_FAMILY = "Inter"
# (file, font-weight, font-style): only the faces the stylesheet uses.
_FACES: tuple[tuple[str, int, str], ...] = (
    ("Inter-Regular.woff2", 400, "normal"),
    ("Inter-Italic.woff2", 400, "italic"),
    ("Inter-SemiBold.woff2", 600, "normal"),
    ("Inter-Bold.woff2", 700, "normal"),
)

_LABELS: dict[str, dict[str, str]] = {
    "nb": {"page": "Side", "of": "av", "contents": "Innhold", "figure": "Figur"},
    "en": {"page": "Page", "of": "of", "contents": "Contents", "figure": "Figure"},
}

_H2 = re.compile(r"<h2\b([^>]*)>(.*?)</h2>", re.DOTALL | re.IGNORECASE)
_ID_ATTR = re.compile(r"""\bid\s*=\s*(["'])(.*?)\1""", re.IGNORECASE)
_SAFE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_TAGS = re.compile(r"<[^>]+>")
_IMG_SRC = re.compile(r"""(<img\b[^>]*?\bsrc=")([^"]+)(")""", re.IGNORECASE)
_TOC_MARK = "<!-- pilot_eval:toc -->"
_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.DOTALL | re.IGNORECASE)
_ROW = re.compile(r"<tr\b.*?</tr>", re.DOTALL | re.IGNORECASE)
_CELL = re.compile(r"<t[dh]\b", re.IGNORECASE)
_CLASS_ATTR = re.compile(r"""\bclass\s*=\s*(["'])(.*?)\1""", re.IGNORECASE)
# Columns at which a table gets smaller type so it still fits the A4 text width.
_WIDE_COLUMNS, _XWIDE_COLUMNS = 9, 13


@functools.lru_cache(maxsize=1)
def font_face_css() -> str:
    """Return ``@font-face`` rules for the shipped typeface, fonts inlined as data URIs.

    Returns
    -------
    str
        CSS text; the family is ``"Inter"``. Cached: the fonts are read once per process.
    """
    rules = []
    for filename, weight, style in _FACES:
        data = base64.b64encode((FONTS_DIR / filename).read_bytes()).decode("ascii")
        rules.append(
            "@font-face {\n"
            f'  font-family: "{FONT_FAMILY}";\n'
            f"  font-weight: {weight};\n"
            f"  font-style: {style};\n"
            f'  src: url("data:font/woff2;base64,{data}") format("woff2");\n'
            "}"
        )
    return "\n".join(rules)


# Everything a CSS string may not hold as it is, or that would end the <style> element the
# string stands in (``</style>``), or that an HTML parser might read there.
_CSS_STRING_UNSAFE = re.compile(r"""[\x00-\x1f\x7f-\x9f"'\\<>&\u2028\u2029]""")


def _css_string(text: str) -> str:
    """Quote ``text`` as a CSS string literal (for ``content:``) that is safe inside ``<style>``.

    Line breaks become spaces (the running header is one line); quotes, backslashes,
    ``< > &`` and control characters become CSS hex escapes (``\\3c `` is ``<``, the space
    ends the escape), which CSS reads back as the same characters. So a pilot named
    ``</style><img onerror=…>`` is printed as that text in the header and cannot close the
    stylesheet: the string holds no ``<`` at all.
    """
    out = re.sub(r"[\r\n\f]+", " ", text)
    out = _CSS_STRING_UNSAFE.sub(lambda m: f"\\{ord(m.group()):x} ", out)
    return f'"{out}"'


def _package_version() -> str:
    try:
        from importlib.metadata import version

        return version("pilot_eval")
    except Exception:  # not installed (running from a source tree)
        return "unknown"


def _read_notebook(nb: NotebookNode | Path | str) -> tuple[NotebookNode, Path | None]:
    import nbformat

    if isinstance(nb, str | os.PathLike):
        path = Path(nb)
        if not path.is_file():
            raise UsageError(f"notebook {str(path)!r} does not exist; pass an .ipynb file.")
        return nbformat.read(path, as_version=4), path
    if isinstance(nb, Mapping) and "cells" in nb:
        return nb, None  # type: ignore[return-value]
    raise UsageError(
        f"cannot export {type(nb).__name__!r}; pass a NotebookNode or the path of an .ipynb."
    )


def _inline_local_images(html: str, base_dir: Path) -> str:
    """Replace ``<img src="relative/file.png">`` by a data URI so the HTML stands alone."""
    import mimetypes

    def repl(match: re.Match[str]) -> str:
        src = _html.unescape(match.group(2))
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src) or src.startswith("//"):
            return match.group(0)  # data:, http:, file: … left alone
        file = (base_dir / src).resolve()
        mime = mimetypes.guess_type(file.name)[0]
        if not file.is_file() or not mime or not mime.startswith("image/"):
            return match.group(0)
        data = base64.b64encode(file.read_bytes()).decode("ascii")
        return f"{match.group(1)}data:{mime};base64,{data}{match.group(3)}"

    return _IMG_SRC.sub(repl, html)


def _mark_wide_tables(html: str) -> str:
    """Add class ``wide`` / ``xwide`` to tables with many columns (smaller type in CSS)."""

    def repl(match: re.Match[str]) -> str:
        attrs, inner = match.group(1), match.group(2)
        columns = max((len(_CELL.findall(row)) for row in _ROW.findall(inner)), default=0)
        if columns < _WIDE_COLUMNS:
            return match.group(0)
        size = "xwide" if columns >= _XWIDE_COLUMNS else "wide"
        found = _CLASS_ATTR.search(attrs)
        if found:
            attrs = attrs[: found.start(2)] + f"{found.group(2)} {size}" + attrs[found.end(2) :]
        else:
            attrs = f' class="{size}"' + attrs
        return f"<table{attrs}>{inner}</table>"

    return _TABLE.sub(repl, html)


def _add_toc(html: str, language: str) -> str:
    """Give every ``h2`` in the main part a safe id and build the contents list from them."""
    head, sep, main = html.partition('<main id="pe-main">')
    if not sep:
        return html.replace(_TOC_MARK, "")
    entries: list[tuple[str, str]] = []
    renamed: dict[str, str] = {}

    def repl(match: re.Match[str]) -> str:
        attrs, inner = match.group(1), match.group(2)
        n = len(entries) + 1
        found = _ID_ATTR.search(attrs)
        old_id = _html.unescape(found.group(2)) if found else None
        if old_id and _SAFE_ID.match(old_id):
            new_id = old_id
        else:
            # ids with æøå, spaces or "?" make fragile links
            new_id = f"pe-sec-{n}"
            if old_id:
                renamed[old_id] = new_id
            attrs = _ID_ATTR.sub("", attrs)
            attrs = f' id="{new_id}"' + attrs
        text = " ".join(_html.unescape(_TAGS.sub("", inner)).split())
        entries.append((new_id, text))
        return f"<h2{attrs}>{inner}</h2>"

    main = _H2.sub(repl, main)
    for old, new in renamed.items():
        main = main.replace(f'href="#{_html.escape(old)}"', f'href="#{new}"')
    if entries:
        label = _LABELS[language]["contents"]
        items = "\n".join(
            f'  <li><a href="#{ident}">{_html.escape(text)}</a></li>' for ident, text in entries
        )
        nav = (
            f'<nav class="pe-toc" aria-labelledby="pe-toc-title">\n'
            f'<h2 id="pe-toc-title">{label}</h2>\n<ol>\n{items}\n</ol>\n</nav>'
        )
    else:
        nav = ""
    return head.replace(_TOC_MARK, nav) + sep + main


# One HTML export at a time per process: the nbconvert exporter is shared and not made for
# threads (a report worker warms it up in a thread while its first notebook runs; see
# render/batch.py).
_RENDER_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _html_exporter() -> Any:
    """The nbconvert exporter of the print template, made once per process.

    Making one compiles its seven Jinja templates (about 0.1 s of CPU per report); what
    differs between reports travels in ``resources``, so one exporter serves them all.
    """
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        # Not embed_images=True: in nbconvert 7.17 it re-parses each inline HTML tag alone
        # and so turns '<span class="status">god</span>' into '<span …></span>god'.
        # Local images are inlined afterwards by _inline_local_images instead.
    )


def notebook_to_html(
    nb: NotebookNode | Path | str,
    *,
    title: str,
    language: str = "nb",
    as_of_text: str = "",
    subtitle: str | None = None,
    organisation: str | None = None,
    description: str | None = None,
    cover_note: str | None = None,
    keep_stderr: bool = False,
) -> str:
    """Export an executed notebook as a self-contained report page.

    Parameters
    ----------
    nb : NotebookNode or path
        The executed notebook (``.ipynb`` path or an ``nbformat`` node).
    title : str
        Document title: cover page, running header, ``<title>`` and PDF metadata.
    language : {"nb", "en"}, default "nb"
        Sets ``<html lang>``, hyphenation and the words "Side … av …" / "Contents".
    as_of_text : str, default ""
        For example ``"status per 30. juni 2026"`` (build it with
        :func:`pilot_eval.present.fmt.date`); shown in the running header and, with a
        capital first letter, on the cover.
    subtitle : str, optional
        Short line above the title on the cover ("Statusrapport").
    organisation : str, optional
        Publisher shown in the cover band and as the document author.
    description : str, optional
        ``<meta name="description">``; PDF Subject. Defaults to title and as-of text.
    cover_note : str, optional
        Small print at the foot of the cover (e.g. contact, data source).
    keep_stderr : bool, default False
        Warnings written to stderr by the notebook are left out of a report unless asked.

    Returns
    -------
    str
        HTML5 text: no code cells, no prompts, no scripts; cells tagged ``parameters``,
        ``injected-parameters`` or ``remove_cell`` removed; fonts and images inline; a
        table of contents built from the ``h2`` headings.

    Raises
    ------
    UsageError
        Unknown ``language`` or a notebook path that does not exist.
    ReportError
        nbconvert failed to render the notebook.

    Examples
    --------
    >>> import nbformat
    >>> notebook = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("## Kostnad\\n\\nPilotene har brukt 74 %."),
    ...     nbformat.v4.new_code_cell("print(1)")])
    >>> page = notebook_to_html(notebook, title="Status", as_of_text="per 30. juni 2026")
    >>> print(page[:15])
    <!DOCTYPE html>
    >>> "<title>Status</title>" in page, '<h2 id="pe-sec-1">Kostnad</h2>' in page
    (True, True)
    >>> "print(1)" in page  # no code cells
    False
    """
    check_language(language)
    if not title or not str(title).strip():
        raise UsageError("title must be a non-empty string; it names the report and the PDF.")
    node, path = _read_notebook(nb)

    labels = _LABELS[language]
    as_of_text = " ".join(as_of_text.split())
    header = f"{title} \u00b7 {as_of_text}" if as_of_text else title
    footer = f'"{labels["page"]} " counter(page) " {labels["of"]} " counter(pages)'
    pe = {
        "title": title,
        "language": language,
        "as_of_text": as_of_text,
        "cover_as_of": as_of_text[:1].upper() + as_of_text[1:],
        "subtitle": subtitle,
        "organisation": organisation,
        "description": description or header,
        # "municipality · agreement period · made on … with version": one fact a line
        "cover_lines": [line[:1].upper() + line[1:] for line in
                         (i.strip() for i in (cover_note or "").split(" \u00b7 ")) if line],
        "header": header,
        "generator": f"pilot_eval {_package_version()}",
        "font_css": font_face_css(),
        "header_css": _css_string(header),
        "footer_css": footer,
        "figure_alt": labels["figure"],
        "keep_stderr": keep_stderr,
    }
    resources: dict[str, Any] = {"pilot_eval": pe}
    if path is not None:
        resources["metadata"] = {"path": str(path.parent), "name": path.stem}
    try:
        with _RENDER_LOCK:
            body, _ = _html_exporter().from_notebook_node(node, resources=resources)
    except Exception as exc:  # nbconvert raises many types; the caller needs one
        raise ReportError(
            f"Could not convert the notebook to HTML ({type(exc).__name__}: {exc}). "
            "Check that it is a valid executed .ipynb; open it in JupyterLab to inspect it."
        ) from exc
    if path is not None:
        body = _inline_local_images(body, path.parent)
    # Defence in depth: whatever a template or an output let through, nothing runs.
    return sanitize_html(_add_toc(_mark_wide_tables(body), language))


# --------------------------------------------------------------------------- Typst

#: The Typst template: page, cover, contents and every ``pe-*`` function the converted
#: body calls (:mod:`pilot_eval.render.typst`).
TYPST_TEMPLATE: Path = TEMPLATES_DIR / "report.typ"
_TYPST_LOCK = threading.Lock()
# The process that has loaded Typst. Typst's Rust core keeps worker threads that a forked
# child does not have: a child forked after Typst ran here waits for them for ever, so
# render/batch.py starts its workers fresh ("spawn") when this is the current process.
_TYPST_PID: int | None = None


def typst_used_here() -> bool:
    """Whether this process has run Typst (a forked child of it could not)."""
    return _TYPST_PID == os.getpid()


@functools.lru_cache(maxsize=1)
def _typst_fonts() -> Any:
    """The shipped Inter faces for Typst (read once per process); no system fonts, so a
    report looks the same on every machine. Typst's own embedded fonts are the fallback
    for characters Inter lacks."""
    import typst

    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True,
                       font_paths=[str(FONTS_DIR)])


def typst_source(page: Any) -> str:
    """The Typst document of a :class:`pilot_eval.render.typst.Page`: the template, then
    the call that sets the cover, header and footer, then the body."""
    from .typst import PAGE_MARGINS_MM, string

    language = page.language if page.language in _LABELS else "nb"
    labels = _LABELS[language]

    def opt(value: str | None) -> str:
        return "none" if value is None else string(value)

    margins = ", ".join(f"{side}: {mm}mm" for side, mm in PAGE_MARGINS_MM.items())
    call = (
        "#show: pe-report.with(\n"
        f"  title: {string(page.title)}, language: {string(language)},\n"
        f"  header: {string(page.header)}, subtitle: {opt(page.kicker)},\n"
        f"  organisation: {opt(page.organisation)}, description: {opt(page.description)},\n"
        f"  as-of: {opt(page.as_of)}, margins: ({margins}),\n"
        f"  cover-note: ({''.join(string(n) + ', ' for n in page.cover_lines)}),\n"
        f"  contents: {string(labels['contents'])}, page-word: {string(labels['page'])},\n"
        f"  of-word: {string(labels['of'])},\n)\n\n"
    )
    return TYPST_TEMPLATE.read_text(encoding="utf-8") + "\n" + call + page.body.markup + "\n"


def typst_to_pdf(source: str, files: Mapping[str, bytes], out_pdf: Path) -> Path:
    """Compile a Typst document to a tagged PDF/UA-1 file, in-process.

    ``files`` (the images) are written into a fresh compile root beside ``out_pdf`` (a
    report's staging folder), which Typst reads nothing outside of, and removed
    afterwards; the document imports no packages. The PDF is written atomically. Typst
    refuses to write a PDF/UA-1 file that breaks a rule it can check; that refusal is a
    :class:`~pilot_eval.ReportError` naming the rule.

    Parameters
    ----------
    source : str
        The Typst document (see :func:`typst_source`).
    files : mapping of str to bytes
        Files the document refers to, by name in the compile root (images).
    out_pdf : Path
        Target file; its folder must exist.

    Returns
    -------
    Path
        ``out_pdf``.

    Raises
    ------
    ReportError
        Typst could not compile the document, or it breaks a PDF/UA-1 rule.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> pdf = typst_to_pdf('#set document(title: "Status")\\nAlle tre pilotene er i gang.', {},
    ...                    Path(folder.name) / "status.pdf")
    >>> print(pdf.name, pdf.read_bytes()[:5])
    status.pdf b'%PDF-'

    A PDF/UA-1 file must have a title:

    >>> typst_to_pdf("Uten tittel.", {}, Path(folder.name) / "untitled.pdf")
    Traceback (most recent call last):
    ...
    pilot_eval.errors.ReportError: Typst could not make the PDF ... missing document title ...
    >>> folder.cleanup()
    """
    import tempfile

    import typst

    out_pdf = Path(out_pdf)
    with tempfile.TemporaryDirectory(prefix=".typst-", dir=out_pdf.parent) as root:
        for name, data in files.items():
            (Path(root) / name).write_bytes(data)
        try:
            with _TYPST_LOCK:
                global _TYPST_PID
                _TYPST_PID = os.getpid()
                compiler = typst.Compiler(root=root, font_paths=_typst_fonts(),
                                          ignore_system_fonts=True)
                data = compiler.compile(source.encode("utf-8"), format="pdf",
                                        pdf_standards=["ua-1"])
        except Exception as exc:  # TypstError carries the diagnostic
            detail = " ".join(str(getattr(exc, "message", exc)).split())[:400]
            hints = " ".join(getattr(exc, "hints", []) or [])[:300]
            raise ReportError(
                f"Typst could not make the PDF {str(out_pdf)!r}: {detail}"
                + (f" ({hints})" if hints else "")
                + ". Open the report's HTML in a browser to see what it holds."
            ) from exc
    return atomic_write_bytes(out_pdf, data)


def html_to_pdf(html: str, out_pdf: Path, *, title: str | None = None,
                language: str | None = None) -> Path:
    """Typeset report HTML as a tagged PDF/UA-1 report, through Typst.

    Parameters
    ----------
    html : str
        A page from :func:`notebook_to_html` (its cover, running header and ``<main>``
        are used: the PDF shows what the HTML shows), or any piece of report HTML (a
        block, a table), typeset as the body under a plain cover.
    out_pdf : Path
        Target file, written atomically.
    title : str, optional
        Overrides the page's title (required for a piece of HTML without one).
    language : {"nb", "en"}, optional
        Overrides the page's ``<html lang>``.

    Returns
    -------
    Path
        ``out_pdf``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     pdf = html_to_pdf("<h2>Status</h2><p>Alle tre pilotene er i gang.</p>",
    ...                       Path(tmp) / "status.pdf", title="Status for pilotene")
    ...     print(pdf.name, pdf.read_bytes()[:5])
    status.pdf b'%PDF-'
    """
    from .typst import read_page

    if language is not None:
        check_language(language)
    page = read_page(html, language=language,
                     image_alts={lang: words["figure"] for lang, words in _LABELS.items()})
    check_language(page.language)
    if title is not None:
        if page.header in ("", page.title):  # a header that was just the old title
            page.header = title
        page.title = title
    if not page.title.strip():
        raise UsageError("title must be a non-empty string; it becomes the PDF's title.")
    return typst_to_pdf(typst_source(page), page.body.files, out_pdf)


def notebook_to_pdf(nb: NotebookNode | Path | str, out_pdf: Path, *, title: str,
                    language: str = "nb", **options: Any) -> Path:
    """Export an executed notebook as a tagged PDF/UA-1 report: its HTML page
    (:func:`notebook_to_html`, same parameters) typeset by :func:`html_to_pdf`.

    Parameters
    ----------
    nb : NotebookNode or path
        The executed notebook.
    out_pdf : Path
        Target file, written atomically.
    title : str
        Document title.
    language : {"nb", "en"}, default "nb"
    **options
        The other keyword arguments of :func:`notebook_to_html`.

    Returns
    -------
    Path
        ``out_pdf``.

    Examples
    --------
    >>> import tempfile
    >>> import nbformat
    >>> notebook = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("## Kostnad\\n\\nPilotene har brukt 74 %.")])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     pdf = notebook_to_pdf(notebook, Path(tmp) / "status.pdf", title="Status",
    ...                           as_of_text="per 30. juni 2026")
    ...     print(pdf.name, pdf.read_bytes()[:5])
    status.pdf b'%PDF-'
    """
    html = notebook_to_html(nb, title=title, language=language, **options)
    return html_to_pdf(html, out_pdf)
