"""The enterprise behind each pilot (pilot_eval.metrics.enterprise), by hand.

tests/data/minimal's pilots: lekse run by "Læringsløftet AS", jobb by "Første Jobb SA".
A finances table (NOK thousands written out), seen on 2026-06-30 (2026 is a part year):

organisation        year  fund  municipality  ferd  other_public  private  donations  other  costs  ferd_inv
Læringsløftet AS    2024   100       0          0       0           300        0        0     350      0
Læringsløftet AS    2025   300     200        100       0           400        0        0     900    500
Læringsløftet AS    2026   150      50          0      50           250        0        0      –       0
Første Jobb SA      2025   600     200          0     200             0        0        0     950      –
Annen Stiftelse     2025     0       0          0       0            50       50        0     100      0
Læringsløftet AS    2027   999       0          0       0             0        0        0     100      0  (after as_of)
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import pilot_eval as pe
from pilot_eval.metrics.enterprise import TRENDS, enterprise_finances, enterprise_summary
from pilot_eval.schema import INCOME_SOURCES
from tests._helpers import assert_no_inf
from tests.conftest import MINIMAL

BASE = pe.load_dataset(MINIMAL)
LL, FJ, AS = "Læringsløftet AS", "Første Jobb SA", "Annen Stiftelse"
COLUMNS = ["organisation", "year", "fund_nok", "municipality_nok", "ferd_nok",
           "other_public_nok", "private_customers_nok", "donations_nok", "other_income_nok",
           "total_costs_nok", "ferd_investment_nok"]
NAN = np.nan
ROWS = [
    (FJ, 2025, 600e3, 200e3, 0, 200e3, 0, 0, 0, 950e3, NAN),
    (AS, 2025, 0, 0, 0, 0, 50e3, 50e3, 0, 100e3, 0),
    (LL, 2025, 300e3, 200e3, 100e3, 0, 400e3, 0, 0, 900e3, 500e3),
    (LL + " ", 2024, 100e3, NAN, 0, 0, 300e3, 0, 0, 350e3, 0),  # a stray space; empty = 0
    (LL, 2026, 150e3, 50e3, 0, 50e3, 250e3, 0, 0, NAN, 0),
    (LL, 2027, 999e3, 0, 0, 0, 0, 0, 0, 100e3, 0),
]


def build(rows: list[tuple] = ROWS, as_of: str = "2026-06-30") -> pe.Dataset:
    f = pd.DataFrame(rows, columns=COLUMNS)
    f["year"] = f["year"].astype("Int64")
    return dataclasses.replace(BASE, finances=f, as_of_date=pd.Timestamp(as_of),
                               tables_present=BASE.tables_present | {"finances"})


def test_rows_order_and_columns() -> None:
    out = enterprise_finances(build())
    assert out.index.names == ["organisation", "year"]
    # the pilots' organisations first (lekse's, then jobb's), then the others; 2027 is after
    assert list(out.index) == [(LL, 2024), (LL, 2025), (LL, 2026), (FJ, 2025), (AS, 2025)]
    assert [f"{s}_nok" for s in INCOME_SOURCES] == list(out.columns[:7])
    assert out["pilot_ids"].tolist()[:4] == ["lekse", "lekse", "lekse", "jobb"]
    assert pd.isna(out.loc[(AS, 2025), "pilot_ids"])
    assert out["pilot_ids"].dtype == "string" and out["part_year"].dtype == bool
    assert (out.dtypes.iloc[:15] == "float64").all()  # 7 sources … ferd_investment_nok
    assert_no_inf(out)


def test_income_result_and_shares_by_hand() -> None:
    out = enterprise_finances(build())
    ll = out.loc[(LL, 2025)]
    assert ll["income_total_nok"] == pytest.approx(1_000_000)  # 300 + 200 + 100 + 400
    assert ll["result_nok"] == pytest.approx(100_000)  # 1 000 − 900
    assert ll["municipality_share"] == pytest.approx(0.5)  # (300 + 200) / 1 000
    assert ll["fund_share"] == pytest.approx(0.3)
    assert ll["public_share"] == pytest.approx(0.5)
    assert ll["ferd_share"] == pytest.approx(0.1)
    assert ll["ferd_investment_nok"] == 500_000  # shown, not income
    fj = out.loc[(FJ, 2025)]
    assert fj["income_total_nok"] == pytest.approx(1_000_000)
    assert fj["municipality_share"] == pytest.approx(0.8)
    assert fj["public_share"] == pytest.approx(1.0)
    assert fj["ferd_investment_nok"] == 0  # empty = 0
    early = out.loc[(LL, 2024)]
    assert early["municipality_nok"] == 0 and early["income_total_nok"] == pytest.approx(400_000)
    assert early["municipality_share"] == pytest.approx(0.25)
    # costs not reported: no result
    assert np.isnan(out.loc[(LL, 2026), "result_nok"])
    assert out.loc[(LL, 2026), "municipality_share"] == pytest.approx(200 / 500)


def test_part_year() -> None:
    out = enterprise_finances(build())
    assert out["part_year"].tolist() == [False, False, True, False, False]
    assert not enterprise_finances(build(as_of="2026-12-31"))["part_year"].any()


def test_zero_income_gives_nan_shares() -> None:
    out = enterprise_finances(build([(AS, 2025, 0, 0, 0, 0, 0, 0, 0, 0, 0)]))
    assert out[["municipality_share", "fund_share", "public_share", "ferd_share"]].isna().all().all()
    assert_no_inf(out)


def test_summary_by_hand() -> None:
    out = enterprise_summary(build())
    assert list(out.index) == [LL, FJ, AS]
    ll = out.loc[LL]
    # 2026 is a part year: the last full year, 2025, is compared with 2024
    assert (ll["first_year"], ll["last_year"], ll["years"]) == (2024, 2025, 3)
    assert ll["income_first_nok"] == pytest.approx(400_000)
    assert ll["income_last_nok"] == pytest.approx(1_000_000)
    assert ll["municipality_share_first"] == pytest.approx(0.25)
    assert ll["municipality_share_last"] == pytest.approx(0.5)
    assert ll["municipality_share_change"] == pytest.approx(0.25)
    assert ll["trend"] == "more_dependent"
    assert ll["ferd_investment_total_nok"] == pytest.approx(500_000)
    assert ll["pilot_ids"] == "lekse"
    fj = out.loc[FJ]
    assert fj["trend"] == "one_year" and fj["first_year"] == fj["last_year"] == 2025
    assert out["years"].dtype == "Int64" and out["trend"].dtype == "string"
    assert set(out["trend"].dropna()) <= set(TRENDS)


def test_summary_part_year_is_last_when_alone_after_the_first() -> None:
    # at the end of 2026 the year is whole: 2024 → 2026, 0.25 → 0.40
    out = enterprise_summary(build(as_of="2026-12-31")).loc[LL]
    assert out["last_year"] == 2026
    assert out["municipality_share_change"] == pytest.approx(0.15)
    assert out["trend"] == "more_dependent"
    # one part year only: that year is first and last
    one = enterprise_summary(build([(FJ, 2026, 10, 0, 0, 0, 10, 0, 0, 0, 0)])).loc[FJ]
    assert (one["first_year"], one["last_year"], one["trend"]) == (2026, 2026, "one_year")


@pytest.mark.parametrize(("later", "trend"), [
    (0.30, "more_dependent"),  # +0.05 exactly: not less than 0.05
    (0.29, "about_same"),
    (0.21, "about_same"),
    (0.20, "less_dependent"),  # −0.05 exactly
    (0.10, "less_dependent"),
])
def test_trend_thresholds(later: float, trend: str) -> None:
    # first year 0.25 (100 of 400 from the fund); the later year's share as given, of 1 000
    rows = [(LL, 2024, 100e3, 0, 0, 0, 300e3, 0, 0, 0, 0),
            (LL, 2025, later * 1e6, 0, 0, 0, (1 - later) * 1e6, 0, 0, 0, 0)]
    assert enterprise_summary(build(rows, as_of="2025-12-31")).loc[LL, "trend"] == trend


def test_no_finances_gives_empty_tables() -> None:
    assert enterprise_finances(BASE).empty and enterprise_summary(BASE).empty
    assert list(enterprise_summary(BASE).columns)[-1] == "pilot_ids"


def test_an_organisation_spelled_with_other_case_or_spacing_is_the_pilots_one() -> None:
    """"lekselyst  AS" in finances is the pilots' "Lekselyst AS": the report finds its
    figures under the pilots' name, and validate does not warn."""
    from pilot_eval.schema import organisation_key

    assert organisation_key(pd.Series(["Lekselyst  bærum AS ", "Lekselyst Bærum AS"])).nunique() == 1
    rows = [(LL.lower().replace(" ", "  "), *ROWS[2][1:])]
    out = enterprise_finances(build(rows))
    assert list(out.index) == [(LL, 2025)] and out["pilot_ids"].tolist() == ["lekse"]
