"""Rendering: run report notebooks (Papermill) and export them to HTML and PDF (Typst).

Heavy libraries (papermill, nbconvert, typst) are imported inside the functions,
so ``import pilot_eval.render`` stays fast.
"""

from .export import html_to_pdf, notebook_to_html, notebook_to_pdf
from .run import execute_notebook, render_report, sha256_file, write_manifest

__all__ = [
    "execute_notebook",
    "html_to_pdf",
    "notebook_to_html",
    "notebook_to_pdf",
    "render_report",
    "sha256_file",
    "write_manifest",
]
