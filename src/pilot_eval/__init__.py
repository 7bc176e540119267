"""pilot_eval — cost, reach, citizen outcomes and value for money of municipal pilots.

The public API (DESIGN §3); everything else lives in its module.
"""

from importlib.metadata import PackageNotFoundError, version

from .dataset import Agreement, Dataset, load_dataset, validate
from .errors import DataValidationError, PilotEvalError, ReportError, UsageError

try:
    __version__ = version("pilot_eval")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "Agreement",
    "DataValidationError",
    "Dataset",
    "PilotEvalError",
    "ReportError",
    "UsageError",
    "__version__",
    "load_dataset",
    "validate",
]
