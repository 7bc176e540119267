"""The typed Dataset: dtypes, defaults, as_of."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import pilot_eval as pe
from tests.conftest import MINIMAL, edit


@pytest.fixture(scope="module")
def ds() -> pe.Dataset:
    return pe.load_dataset(MINIMAL)


def test_types(ds: pe.Dataset) -> None:
    assert isinstance(ds.pilots["pilot_id"].dtype, pd.CategoricalDtype)
    assert list(ds.costs["pilot_id"].cat.categories) == ["lekse", "jobb"]
    assert pd.api.types.is_datetime64_any_dtype(ds.participants["enrolled_on"])
    assert str(ds.pilots["reach_target"].dtype) == "Int64"
    assert list(ds.costs["funder"].cat.categories) == ["fund", "municipality", "ferd", "entrepreneur", "other"]
    assert ds.costs["in_kind"].tolist() == [False, True, False, False, False, True]
    assert ds.costs.loc[1, "date"] == pd.Timestamp("2025-03-01")  # a month → its first day
    assert ds.costs["amount_nok"].sum() == pytest.approx(425000.5)


def test_missing_optional_tables_are_empty_with_columns(ds: pe.Dataset) -> None:
    assert ds.valuation.empty and "value_nok" in ds.valuation.columns
    assert ds.indicators.empty and pd.api.types.is_datetime64_any_dtype(ds.indicators["month"])
    assert ds.tables_present == {"pilots", "costs", "participants", "sessions", "measures",
                                 "outcomes", "population"}


def test_agreement_defaults(ds: pe.Dataset) -> None:
    a = ds.agreement
    assert (a.discount_rate, a.tax_financing_cost, a.min_cell_size, a.language) == (0.04, 0.20, 5, "nb")
    assert a.budget_nok == pytest.approx(4_000_000)
    assert a.rules["reach_green"] == 0.9


def test_default_as_of_is_latest_date(ds: pe.Dataset) -> None:
    assert ds.as_of_date == pd.Timestamp("2026-02-01")  # p-06 exited 2026-02-01


def test_as_of_leaves_out_later_records(ds: pe.Dataset) -> None:
    early = ds.as_of("2025-06-30")
    assert early.as_of_date == pd.Timestamp("2025-06-30")
    assert len(early.costs) == 3  # the July correction and the autumn costs are later
    assert set(early.participants["participant_id"].astype(str)) == {"p-01", "p-02", "p-03", "p-04"}
    p02 = early.participants.set_index("participant_id").loc["p-02"]
    assert pd.isna(p02["exited_on"]) and pd.isna(p02["exit_reason"])  # left only in December
    assert len(early.outcomes) == 3  # baselines only
    assert len(ds.participants) == 7  # the original is untouched


def test_as_of_rejects_a_non_date(ds: pe.Dataset) -> None:
    with pytest.raises(pe.UsageError, match="YYYY-MM-DD"):
        ds.as_of("the end of June")


def test_load_with_as_of(ds: pe.Dataset) -> None:
    assert pe.load_dataset(MINIMAL, as_of="2025-06-30").as_of_date == pd.Timestamp("2025-06-30")


def test_dataset_is_frozen(ds: pe.Dataset) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.costs = ds.costs  # type: ignore[misc]


def test_table_by_name(ds: pe.Dataset) -> None:
    assert ds.table("costs") is ds.costs
    with pytest.raises(pe.UsageError, match="pilots, costs"):
        ds.table("kostnader")


def test_repr(ds: pe.Dataset) -> None:
    assert "Testavtale" in repr(ds) and "participants=7" in repr(ds)
    assert "<table>" in ds._repr_html_()


def test_extra_columns_are_kept(minimal_copy) -> None:
    folder = minimal_copy()
    edit(folder, "costs.csv", "amount_nok,description", "amount_nok,description,bilagsnummer")
    loaded = pe.load_dataset(folder)
    assert "bilagsnummer" in loaded.costs.columns


# --- issue 10: a folder that validates, reports ---------------------------------------------

def _header_only(folder, *names: str) -> None:
    for name in names:
        path = folder / f"{name}.csv"
        path.write_text(path.read_text(encoding="utf-8").split("\n")[0] + "\n", encoding="utf-8")


def test_header_only_optional_table_counts_as_absent(minimal_copy) -> None:
    from pilot_eval.metrics import metric_tables

    folder = minimal_copy()
    _header_only(folder, "sessions", "outcomes", "population")
    ds = pe.load_dataset(folder)
    assert not {"sessions", "outcomes", "population"} & ds.tables_present
    assert ds.sessions.empty and "hours" in ds.sessions.columns
    assert set(metric_tables(ds))  # the metrics run on what is there


def test_header_only_tables_are_reported_not_crashed_on(minimal_copy) -> None:
    # Every table header-only: validate passed and `metrics` failed with a TypeError.
    from pilot_eval.cli import EXIT_INVALID_DATA, main

    folder = minimal_copy()
    _header_only(folder, *(p.stem for p in folder.glob("*.csv")))
    problems = pe.validate(folder)
    assert set(problems.loc[problems["rule"] == "table.empty", "file"]) == {
        "pilots.csv", "costs.csv", "participants.csv"}
    assert (problems["severity"] == "error").all()
    assert main(["-q", "metrics", str(folder)]) == EXIT_INVALID_DATA


@pytest.mark.parametrize("as_of", ["2999-12-31", "2037-01-01", "1850-01-01", "10000-01-01"])
def test_far_as_of_is_a_usage_error(ds: pe.Dataset, as_of: str) -> None:
    with pytest.raises(pe.UsageError, match="as_of"):
        ds.as_of(as_of)


def test_far_as_of_exits_2_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    from pilot_eval.cli import EXIT_USAGE, main

    assert main(["-q", "metrics", str(MINIMAL), "--as-of", "2999-12-31"]) == EXIT_USAGE
    assert "2100" in capsys.readouterr().err


def test_as_of_ten_years_after_the_end_is_still_a_date(ds: pe.Dataset) -> None:
    later = ds.as_of(ds.agreement.end + pd.DateOffset(years=10))  # a late evaluation
    assert later.as_of_date == pd.Timestamp("2036-12-31")


def test_small_cells_allowed_only_by_choice(minimal_copy) -> None:
    folder = minimal_copy()
    edit(folder, "agreement.toml", None, "min_cell_size = 2")
    with pytest.raises(pe.DataValidationError, match="allow_small_cells"):
        pe.load_dataset(folder)
    edit(folder, "agreement.toml", None, "allow_small_cells = true")
    ds = pe.load_dataset(folder)
    assert ds.agreement.min_cell_size == 2 and ds.agreement.allow_small_cells
    assert "agreement.small_cells_allowed" in set(ds.warnings["rule"])


def test_as_of_after_the_data_warns(ds: pe.Dataset) -> None:
    with pytest.warns(pe.dataset.DataWarning, match=r"after the last date in the data \(2026-02-01\)"):
        later = ds.as_of("2026-06-30")
    assert later.as_of_date == pd.Timestamp("2026-06-30")  # a warning, not a refusal


def test_as_of_after_the_agreement_warns_twice(ds: pe.Dataset) -> None:
    with pytest.warns(pe.dataset.DataWarning) as caught:
        ds.as_of("2031-01-01")
    texts = [str(w.message) for w in caught]
    assert len(texts) == 2
    assert "after the agreement's end (2026-12-31): every pilot counts as ended" in texts[0]
    assert "after the last date in the data (2026-02-01)" in texts[1]


@pytest.mark.filterwarnings("error::pilot_eval.dataset.DataWarning")
def test_as_of_within_the_data_does_not_warn(ds: pe.Dataset) -> None:
    assert ds.as_of("2026-02-01").as_of_date == pd.Timestamp("2026-02-01")
    assert pe.load_dataset(MINIMAL, as_of="2025-06-30").as_of_date == pd.Timestamp("2025-06-30")
    assert pe.load_dataset(MINIMAL).as_of_date == pd.Timestamp("2026-02-01")


def test_load_with_a_late_as_of_warns_at_the_caller() -> None:
    with pytest.warns(pe.dataset.DataWarning, match="after the last date in the data") as caught:
        pe.load_dataset(MINIMAL, as_of="2026-03-31")
    assert len(caught) == 1 and caught[0].filename == __file__


@pytest.mark.filterwarnings("error::pilot_eval.dataset.DataWarning")
def test_a_quarter_end_a_few_weeks_after_the_last_session_does_not_warn() -> None:
    """The usual quarterly report: data up to 1 February, the report at the quarter's end
    a month later is not a mistake (31 days' grace)."""
    assert pe.load_dataset(MINIMAL, as_of="2026-03-01").as_of_date == pd.Timestamp("2026-03-01")


def test_categoricals_are_those_pandas_makes() -> None:
    from pilot_eval.dataset import _categorical

    ids = pd.Series(["p-2", "p-10", None, "p-2", "Å", "a"], dtype="str")
    pd.testing.assert_series_equal(pd.Series(_categorical(ids)), ids.astype("category"))
    pd.testing.assert_series_equal(pd.Series(_categorical(ids, ["p-2", "a"])),
                                   pd.Series(pd.Categorical(ids.astype(object), categories=["p-2", "a"])))
    empty = pd.Series([], dtype="str")
    pd.testing.assert_series_equal(pd.Series(_categorical(empty)), empty.astype("category"))
