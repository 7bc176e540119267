"""The synthetic sample as a quarterly series of deliveries, to walk the whole cycle.

``pilot-eval sample --deliveries DIR`` writes

* ``DIR/data/``: a data folder as the municipality has it before the first delivery: the
  agreement, the pilots, the measures, the population, the indicator series and the
  valuation, and the participants and costs tables with only their header rows;
* ``DIR/leveranser/YYYY-Qn-PILOT.xlsx``: each pilot's filled reporting workbook at the end
  of each quarter since it started (the workbook grows: each holds everything so far).

Two deliveries are made realistic on purpose (the generator's data are otherwise clean):

* one workbook (:data:`FLAWED`) has mistakes an entrepreneur makes, and is refused; a
  corrected version (``…_v2.xlsx``, sorted after it) is accepted;
* one pilot's early workbooks have a participant's birth year one off; a later workbook
  has it right, which intake and the next report show as a correction to a period
  already reported (:data:`CORRECTED`).

Everything is synthetic (see ``data/sample/README.md``); the files name no real person.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd

from ..dataset import Dataset, load_dataset
from ..errors import UsageError
from ..io import atomic_directory
from ..sample import generate, write
from . import spec

__all__ = ["CORRECTED", "FLAWED", "quarter_ends", "write_series"]

#: (pilot, quarter) of the delivery with mistakes, refused and then sent again corrected.
FLAWED = ("mentor", "2025-Q3")
#: (pilot, first quarter with the right birth year) of the correction to earlier quarters.
CORRECTED = ("leksehjelp", "2026-Q1")


def quarter_ends(start: pd.Timestamp, until: pd.Timestamp) -> list[pd.Timestamp]:
    """Quarter ends from the quarter holding ``start`` to the last one ending by ``until``.

    Parameters
    ----------
    start : pandas.Timestamp
        A day in the first quarter.
    until : pandas.Timestamp
        The last day a quarter may end on.

    Returns
    -------
    list of pandas.Timestamp

    Examples
    --------
    >>> [d.date().isoformat() for d in quarter_ends(pd.Timestamp("2025-02-01"),
    ...                                             pd.Timestamp("2025-10-31"))]
    ['2025-03-31', '2025-06-30', '2025-09-30']
    """
    ends = pd.period_range(start.to_period("Q"), until.to_period("Q"), freq="Q").to_timestamp(
        how="end").normalize()
    return [d for d in ends if d <= until]


def _label(end: pd.Timestamp) -> str:
    return f"{end.year}-Q{end.quarter}"


def _rows(ds: Dataset, pilot: str) -> dict[str, pd.DataFrame]:
    out = {}
    for table in spec.DELIVERED_TABLES:
        frame = ds.table(table)
        if frame.empty or "pilot_id" not in frame.columns:
            continue
        mine = frame[frame["pilot_id"].astype(str) == pilot].reset_index(drop=True)
        out[table] = mine.astype({c: object for c in mine.columns
                                  if isinstance(mine[c].dtype, pd.CategoricalDtype)})
    return out


def _with_mistakes(rows: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Four mistakes a busy coordinator makes, each in its own cell."""
    out = {k: v.copy() for k, v in rows.items()}
    people = out["participants"]
    people.loc[0, "enrolled_on"] = people.loc[0, "enrolled_on"].replace(year=2052)  # typo
    people["birth_year"] = people["birth_year"].astype(object)
    people.loc[1, "birth_year"] = 20111  # one digit too many
    sessions = out["sessions"]
    sessions.loc[2, "hours"] = 30.0  # "3,0" typed without its comma
    sessions.loc[3, "participant_id"] = str(sessions.loc[3, "participant_id"])[:-1] + "x"
    return out


def _with_typo(rows: dict[str, pd.DataFrame], who: str) -> dict[str, pd.DataFrame]:
    out = {k: v.copy() for k, v in rows.items()}
    people = out["participants"]
    at = people["participant_id"].astype(str) == who
    people.loc[at, "birth_year"] = people.loc[at, "birth_year"] + 1
    return out


def write_series(out: str | Path, *, seed: int = 2025, language: str = "nb") -> Path:
    """Write the starting data folder and every quarterly delivery (see the module).

    An existing ``out`` is replaced only when it is such a series (it holds
    ``leveranser/``), so nothing else is lost.

    Parameters
    ----------
    out : str or Path
        The folder to write (``data/``, ``leveranser/`` and a README inside).
    seed : int, default 2025
        Seed of :func:`pilot_eval.sample.generate`: the same seed, the same bytes.
    language : {"nb", "en"}
        Language of the workbooks.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    UsageError
        ``out`` exists, is not empty and is no delivery series.

    Examples
    --------
    Writing the series generates the whole sample and some forty workbooks (about a
    minute), so it is not run here:

    >>> write_series("serie")  # doctest: +SKIP
    PosixPath('serie')

    It never overwrites a folder that is not a series:

    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> _ = (Path(tmp.name) / "notes.txt").write_text("mine")
    >>> write_series(tmp.name)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    pilot_eval.errors.UsageError: ... is not a delivery series (no leveranser/ in it): ...
    >>> tmp.cleanup()
    """
    from .template import write_template

    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir())
                                              and not (out / "leveranser").is_dir())):
        raise UsageError(f"{out} exists and is not a delivery series (no leveranser/ in it): "
                         "choose a new or empty folder so nothing is overwritten.")
    with tempfile.TemporaryDirectory(prefix="pilot-eval-series-") as tmp:
        full = write(generate(seed=seed), Path(tmp) / "full")
        ds = load_dataset(full)
        with atomic_directory(out) as staging:
            data = staging / "data"
            shutil.copytree(full, data)
            for table in spec.DELIVERED_TABLES:
                path = data / f"{table}.csv"
                if path.exists():
                    header = path.read_text(encoding="utf-8").splitlines()[0]
                    if table in ("participants", "costs"):
                        path.write_text(header + "\n", encoding="utf-8")
                    else:
                        path.unlink()  # optional: absent until delivered
            folder = staging / "leveranser"
            folder.mkdir()
            pilots = ds.pilots.set_index(ds.pilots["pilot_id"].astype(str))
            first = _rows(ds, CORRECTED[0])["participants"].sort_values("enrolled_on")
            typo_for = str(first["participant_id"].iloc[0])
            for end in quarter_ends(ds.agreement.start, ds.as_of_date):
                label = _label(end)
                view = ds.as_of(end)
                for pilot in pilots.index:
                    if pilots.at[pilot, "start_date"] > end:
                        continue
                    rows = _rows(view, pilot)
                    if not len(rows.get("participants", ())) and not len(rows.get("costs", ())):
                        continue
                    if pilot == CORRECTED[0] and label < CORRECTED[1]:
                        rows = _with_typo(rows, typo_for)
                    name = folder / f"{label}-{pilot}.xlsx"
                    # written the day after the quarter: the same seed, the same bytes
                    day = (end + pd.Timedelta(days=1)).date()
                    if (pilot, label) == FLAWED:
                        write_template(ds, pilot, name, language=language, today=day,
                                       rows=_with_mistakes(rows))
                        name = folder / f"{label}-{pilot}_v2.xlsx"
                    write_template(ds, pilot, name, language=language, rows=rows, today=day)
            (staging / "README.md").write_text(_README, encoding="utf-8")
    return out


_README = """\
# A quarterly series of deliveries (synthetic)

Everything here is made up by `pilot-eval sample --deliveries`: the pilots, the
participants (pseudonyms only) and every figure. It lets you walk the quarterly cycle:

* `data/` is the data folder before the first delivery: the agreement, the pilots and the
  municipality's own tables; participants and costs have only their header rows.
* `leveranser/YYYY-Qn-PILOT.xlsx` is each pilot's reporting workbook at the end of each
  quarter; a workbook holds everything the pilot has reported so far.
* One workbook has mistakes and is refused (intake writes a feedback workbook beside
  it); the one named `…_v2.xlsx` is the corrected version.
* In one pilot a participant's birth year was wrong in the early workbooks; a later
  workbook corrects it, which intake reports as a correction to a period already reported.

See the README of pilot_eval, "The quarterly cycle".
"""
