"""Metric tables computed once for a whole report set, shared with the report notebooks.

A report set (``pilot-eval report``) runs several notebooks on the same data. The batch
computes the dataset and its metric tables once (:func:`report_data`), saves them
(:func:`save_report_data`) and names the file in the environment variable
:data:`REPORT_DATA_ENV`; a report built from a data folder then takes its tables from that
file (:func:`load_report_data`), but only when the file was made from exactly the same
folder contents (:func:`data_key`, SHA-256) and as-of date.

This module imports neither matplotlib nor the estimation libraries until it computes:
the batch process needs it before any chart is drawn.
"""

from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import io
import logging
import pickle
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..dataset import Dataset
from ..io import atomic_write_bytes

log = logging.getLogger("pilot_eval")

__all__ = ["REPORT_DATA_ENV", "ReportData", "data_key", "load_report_data", "published_table",
           "report_data", "save_report_data"]


def _metrics() -> types.ModuleType:
    """:mod:`pilot_eval.metrics`, imported on first use: a report that gets its tables from
    shared report data needs none of the estimation libraries (statsmodels, SciPy) the
    metrics import."""
    from .. import metrics

    return metrics


#: Environment variable naming a file written by :func:`save_report_data`. Reports built
#: from a data folder take their tables from it when :func:`data_key` of the folder and the
#: as-of date match; otherwise (or when it is unset) they compute everything themselves.
REPORT_DATA_ENV = "PILOT_EVAL_REPORT_DATA"


@dataclass(frozen=True)
class ReportData:
    """A dataset with the metric tables its reports show, computed once for several reports.

    Attributes
    ----------
    ds : Dataset
        The dataset, seen at its as-of date.
    tables : dict of str to DataFrame
        :func:`pilot_eval.metrics.metric_tables` of ``ds`` (also what ``metrics.xlsx`` holds).
    extra : dict of str to DataFrame
        Further tables the reports draw: ``cost_by_month``, ``enrolment``, ``outcome_changes``.
    its_fits : dict of str to ITSResult
        :func:`pilot_eval.metrics.its_fit` of every indicator series, by series, without
        the fitted statsmodels object (``model`` is None): reports draw the predictions
        and estimates only.
    rules_hash : str
        :func:`pilot_eval.metrics.rules_hash` of ``ds``.
    key : str
        :func:`data_key` of the folder ``ds`` was loaded from ("" when not known).
    published : dict of str to DataFrame
        :func:`published_table` of each table it changes, by report table name, at
        ``ds.agreement.min_cell_size``: computed once here, so that each report takes it
        (see :func:`published_table`) instead of working out the disclosure model again.
    """

    ds: Dataset
    tables: Mapping[str, pd.DataFrame]
    extra: Mapping[str, pd.DataFrame]
    its_fits: Mapping[str, Any] = field(default_factory=dict)
    rules_hash: str = ""
    key: str = ""
    published: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame | None:
        """A table by the name :class:`PortfolioReport` uses for it, or None."""
        found = self.tables.get(_TABLE_NAMES.get(name, name))
        return found if found is not None else self.extra.get(name)


# report attribute → key of metrics.metric_tables
_TABLE_NAMES = {"its": "indicators", "value": "value_for_money"}


def report_data(ds: Dataset, *, key: str = "") -> ReportData:
    """Compute every metric table the reports of ``ds`` show, once.

    Parameters
    ----------
    ds : Dataset
        Loaded and seen at the report's as-of date.
    key : str, default ""
        :func:`data_key` of the data folder, taken *before* it was loaded, so that a
        folder changed meanwhile does not match.

    Returns
    -------
    ReportData

    Examples
    --------
    >>> import pilot_eval as pe
    >>> data = report_data(pe.load_dataset("tests/data/doctest_small"))
    >>> sorted(data.extra), sorted(data.its_fits)
    (['cost_by_month', 'enrolment', 'outcome_changes', 'reach_gaps'], ['meldinger'])
    >>> data.table("value") is data.tables["value_for_money"]
    True
    """
    metrics = _metrics()
    tables_ = metrics.metric_tables(ds)
    extra = {"cost_by_month": metrics.cost_by_month(ds),
             "enrolment": metrics.enrolment_by_month(ds),
             "outcome_changes": metrics.outcome_changes(ds)}
    if metrics.has_decision_data(ds):  # every report's "after the agreement" reads it
        extra["reach_gaps"] = metrics.reach_gaps(ds)
    series = tables_["indicators"].index.get_level_values("series") if len(tables_["indicators"]) else []
    fits = {str(s): dataclasses.replace(metrics.its_fit(ds, str(s)), model=None)
            for s in dict.fromkeys(series)}
    min_cell_size = ds.agreement.min_cell_size
    exact = ReportData(ds=ds, tables=tables_, extra=extra, its_fits=fits,
                       rules_hash=metrics.rules_hash(ds), key=key)

    def value() -> pd.DataFrame:
        return tables_["value_for_money"]

    published = {name: published_table(name, frame, min_cell_size, value=value)
                 for name in _DISCLOSURE_NAMES if (frame := exact.table(name)) is not None}
    return dataclasses.replace(exact, published=published)


#: Report table name → metric table name, for the disclosure model (see
#: :func:`published_table`); tables not named here have no derived figures to empty.
_DISCLOSURE_NAMES = {"cost": "cost", "reach": "reach", "outcomes": "outcomes",
                     "value": "value_for_money", "value_by_pilot": "value_by_pilot",
                     "sensitivity": "sensitivity", "scorecard": "scorecard",
                     "portfolio": "portfolio", "reach_by_area": "reach_by_area",
                     "reach_by_gender": "reach_by_gender",
                     "reach_by_age_group": "reach_by_age_group"}


def published_table(name: str, frame: pd.DataFrame, min_cell_size: int, *,
                    value: Callable[[], pd.DataFrame] | None = None) -> pd.DataFrame:
    """A table as a report may read it: :func:`pilot_eval.privacy.publishable` of it.

    Rates, means, values and costs built on a hidden count (docs/privacy.md) are NaN, so
    no text, table or chart of the report can show or invert them; counts stay exact (the
    tables and charts mark them "<5" or ":" by :func:`pilot_eval.privacy.disclosure_codes`).

    Parameters
    ----------
    name : str
        The report's name of the table (``value`` for ``value_for_money``; see
        :attr:`ReportData.table`).
    frame : DataFrame
        The exact table.
    min_cell_size : int
    value : callable, optional
        Gives the exact ``value_for_money``; ``value_by_pilot`` and ``sensitivity`` need it
        to know which of their figures rest on a hidden value.

    Returns
    -------
    DataFrame
        ``frame`` itself for a table with no derived figures to hide, else a copy.

    Examples
    --------
    ``jobb`` has two participants: its count stays (tables show it as "<5"); its session
    hours and hours per participant, which together give the count back, go.

    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> reach = metrics.reach_summary(pe.load_dataset("tests/data/doctest_small"))
    >>> columns = ["enrolled", "session_hours", "hours_per_participant"]
    >>> reach.loc[["jobb"], columns]  # doctest: +NORMALIZE_WHITESPACE
              enrolled  session_hours  hours_per_participant
    pilot_id
    jobb             2            5.5                   2.75
    >>> published_table("reach", reach, 5).loc[["jobb"], columns]
    ... # doctest: +NORMALIZE_WHITESPACE
              enrolled  session_hours  hours_per_participant
    pilot_id
    jobb             2            NaN                    NaN
    """
    from ..privacy import publishable

    metric = _DISCLOSURE_NAMES.get(name)
    if metric is None or frame is None:
        return frame
    exact = value() if value is not None and metric in ("value_by_pilot", "sensitivity") \
        else None
    return publishable(metric, frame, min_cell_size, value_for_money=exact)


def data_key(data_dir: str | Path) -> str:
    """Fingerprint of a data folder's contents: SHA-256 over the name and SHA-256 of every
    regular, non-hidden file in it, and the package version.

    Parameters
    ----------
    data_dir : path

    Returns
    -------
    str
        64 hex digits. A file added, removed, renamed or changed gives another key.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "costs.csv").write_text("pilot_id,amount_nok\\nlekse,100\\n")
    ...     before = data_key(folder)
    ...     _ = (Path(folder) / "costs.csv").write_text("pilot_id,amount_nok\\nlekse,200\\n")
    ...     after = data_key(folder)
    >>> len(before), before == after
    (64, False)
    """
    from .. import __version__

    digest = hashlib.sha256(f"pilot_eval {__version__}\n".encode())
    for path in sorted(Path(data_dir).iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        content = hashlib.sha256()
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                content.update(chunk)
        digest.update(f"{path.name}\0{content.hexdigest()}\n".encode())
    return digest.hexdigest()


def _mappingproxy(items: dict[str, Any]) -> types.MappingProxyType[str, Any]:
    return types.MappingProxyType(items)


def save_report_data(data: ReportData, path: str | Path) -> Path:
    """Write ``data`` to ``path`` (a pickle, atomically) for reports in other processes.

    Only ever load such a file from a folder you created yourself: unpickling runs code.

    Parameters
    ----------
    data : ReportData
        Usually :func:`report_data`, with ``key`` set to :func:`data_key` of its folder.
    path : path
        The file to write; replaced if it exists.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pilot_eval as pe
    >>> folder = "tests/data/doctest_small"
    >>> ds = pe.load_dataset(folder)
    >>> data = ReportData(ds=ds, tables={}, extra={}, key=data_key(folder))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = save_report_data(data, Path(tmp) / "report-data.pickle")
    ...     found = load_report_data(path, folder, ds.as_of_date)
    >>> found.ds.as_of_date == ds.as_of_date, found.ds.agreement == ds.agreement
    (True, True)
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # Agreement.rules is a read-only mappingproxy, which pickle cannot store as it is.
    pickler.dispatch_table = copyreg.dispatch_table.copy()
    pickler.dispatch_table[types.MappingProxyType] = lambda m: (_mappingproxy, (dict(m),))
    pickler.dump(data)
    return atomic_write_bytes(Path(path), buffer.getvalue())


def load_report_data(path: str | Path, data_dir: str | Path,
                     as_of: str | pd.Timestamp | None) -> ReportData | None:
    """The :class:`ReportData` in ``path`` if it was made from ``data_dir`` as it is now and at
    ``as_of``; None when the file is missing or unreadable or does not match.

    Parameters
    ----------
    path : path
        A file written by :func:`save_report_data` (only one you made yourself: unpickling
        runs code).
    data_dir : path
        The data folder the report is built from; its :func:`data_key` must be the file's.
    as_of : date-like or None
        The report's as-of date; must be the dataset's. None (the latest date in the data,
        not known before loading) gives None.

    Returns
    -------
    ReportData or None

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pilot_eval as pe
    >>> folder = "tests/data/doctest_small"
    >>> ds = pe.load_dataset(folder)
    >>> data = ReportData(ds=ds, tables={}, extra={}, key=data_key(folder))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = save_report_data(data, Path(tmp) / "report-data.pickle")
    ...     same = load_report_data(path, folder, ds.as_of_date)
    ...     earlier = load_report_data(path, folder, "2025-06-30")
    ...     missing = load_report_data(Path(tmp) / "nothing.pickle", folder, ds.as_of_date)
    >>> same is not None, earlier, missing
    (True, None, None)
    """
    if as_of is None:  # "the latest date in the data": let the report find it
        return None
    try:
        with open(path, "rb") as fh:
            data = pickle.load(fh)
        if not isinstance(data, ReportData) or not data.key:
            return None
        if pd.Timestamp(as_of) != data.ds.as_of_date or data.key != data_key(data_dir):
            log.debug("%s does not match %s at %s; computing the metrics", path, data_dir, as_of)
            return None
    except Exception as exc:  # noqa: BLE001 — unreadable, another version …: compute instead
        log.debug("cannot use %s (%s); computing the metrics", path, exc)
        return None
    return data
