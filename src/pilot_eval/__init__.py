"""pilot_eval — cost, reach, citizen outcomes and value for money of municipal pilots.

The public API of DESIGN §3, re-exported. Metric functions and :mod:`pilot_eval.stats`
load on first use, so ``import pilot_eval`` (and the command line) stays quick.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from .dataset import Agreement, Dataset, load_dataset, validate
from .errors import DataValidationError, DataWarning, PilotEvalError, ReportError, UsageError

try:
    __version__ = version("pilot_eval")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

_LAZY = {
    "cost_summary": "metrics",
    "reach_summary": "metrics",
    "reach_by": "metrics",
    "outcome_summary": "metrics",
    "value_for_money": "metrics",
    "scorecard": "metrics",
    "portfolio_summary": "metrics",
    "scenarios": "metrics",
    "unit_cost_comparison": "metrics",
    "reach_gaps": "metrics",
    "enterprise_finances": "metrics",
    "stats": None,
    "metrics": None,
}

__all__ = [
    "Agreement",
    "DataValidationError",
    "DataWarning",
    "Dataset",
    "PilotEvalError",
    "ReportError",
    "UsageError",
    "__version__",
    "load_dataset",
    "validate",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'pilot_eval' has no attribute {name!r}")
    module = _LAZY[name]
    value = (import_module(f".{name}", __name__) if module is None
             else getattr(import_module(f".{module}", __name__), name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
