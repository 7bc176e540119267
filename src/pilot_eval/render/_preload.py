"""What every report worker needs, made once in the fork server the workers are forked from.

:mod:`pilot_eval.render.batch` starts its workers from a ``forkserver`` whose only job is
to import this module: each worker then starts with the report libraries imported, the
HTML templates compiled and the typeface read (what its first report would otherwise pay
for, about 1.5 s of CPU per worker), instead of doing it again in every worker.

Nothing here may start a thread or run Typst: a process forked from one that has threads
does not get them, and waits for ever on what they held.
"""

from __future__ import annotations

import gc
import sys

# jsonschema (imported by nbformat) imports rfc3987_syntax, which builds ~35 Lark parsers on
# import: 1.1 s of CPU, for the "iri" formats that no notebook schema uses
# (python-jsonschema/jsonschema#1428). The fork server and its workers are our own processes.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import IPython.core.interactiveshell  # noqa: E402,F401 — the workers' shell
import matplotlib_inline.backend_inline  # noqa: E402,F401 — the notebooks' backend
import nbclient  # noqa: E402,F401
import papermill  # noqa: E402,F401

import pilot_eval.present.report  # noqa: E402,F401 — what every report notebook imports

from . import export, run  # noqa: E402

run._register_engine()
export._html_exporter()  # compiles the templates
export.font_face_css()
export._typst_fonts()  # reads the font files (no thread, no compilation)

# What is imported here lives as long as each worker: out of the collector's sight, so a
# worker's collections do not walk it, nor write to (and so copy) the pages it shares with
# this server (the gc.freeze documentation's advice before forking).
gc.freeze()
