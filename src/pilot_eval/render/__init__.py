"""Rendering: run report notebooks (Papermill) and export them to HTML and PDF.

Heavy libraries (papermill, nbconvert, WeasyPrint) are imported inside the functions,
so ``import pilot_eval.render`` stays fast.
"""

from .export import html_to_pdf, notebook_to_html
from .run import execute_notebook, render_report, sha256_file, write_manifest

__all__ = [
    "execute_notebook",
    "html_to_pdf",
    "notebook_to_html",
    "render_report",
    "sha256_file",
    "write_manifest",
]
