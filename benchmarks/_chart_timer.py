"""Time spent drawing charts, per report: imported by ``bench_reports.py``'s ``sitecustomize``.

Every process the benchmark starts (the report run, its workers and kernels) imports the
``sitecustomize`` module the benchmark puts on ``PYTHONPATH``, which calls :func:`install`.
Once :mod:`pilot_eval.present.figures` is imported, each public chart function in it is
wrapped with a timer; a call from outside the module (a report drawing a chart, not one
chart function calling another) appends ``<report>\\t<seconds>`` to the file named by
``PILOT_EVAL_BENCH_CHARTS``. The report is told by the notebook's parameters: a
``pilot_id`` in the IPython namespace means ``pilot_<id>``, none ``portfolio_report``.

Works on any version of the package that has ``pilot_eval.present.figures`` (the baseline
commit too): nothing in the package is changed or needs to know.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import os
import sys
import threading
import time
from typing import Any

TARGET = "pilot_eval.present.figures"
ENV = "PILOT_EVAL_BENCH_CHARTS"
_depth = threading.local()


def _report() -> str:
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    namespace = getattr(shell, "user_ns", None) or {}
    pilot = namespace.get("pilot_id")
    return f"pilot_{pilot}" if pilot is not None else "portfolio_report"


def _timed(function: Any) -> Any:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        depth = getattr(_depth, "n", 0)
        _depth.n = depth + 1
        t0 = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _depth.n = depth
            if depth == 0 and os.environ.get(ENV):
                seconds = time.perf_counter() - t0
                with open(os.environ[ENV], "a", encoding="utf-8") as fh:
                    fh.write(f"{_report()}\t{seconds:.6f}\n")

    wrapper._bench_timed = True  # type: ignore[attr-defined]
    return wrapper


def _patch(module: Any) -> None:
    for name in getattr(module, "__all__", ()):
        value = getattr(module, name, None)
        if callable(value) and not isinstance(value, type) and not getattr(value, "_bench_timed",
                                                                            False):
            setattr(module, name, _timed(value))


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != TARGET:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        exec_module = loader.exec_module

        def patched(module: Any) -> None:
            exec_module(module)
            _patch(module)

        loader.exec_module = patched  # type: ignore[method-assign]
        return spec


def install() -> None:
    """Wrap the chart functions as soon as (or if already) the figures package is imported."""
    if TARGET in sys.modules:
        _patch(sys.modules[TARGET])
    elif not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
