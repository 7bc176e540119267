"""Tests for pilot_eval.present.fmt: examples from GLOSSARY.md (nb) and their English twins."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from pilot_eval.errors import UsageError
from pilot_eval.present import fmt

NBSP = "\u00a0"


def plain(s: str) -> str:
    """The string as a reader sees it (non-breaking spaces shown as spaces)."""
    return s.replace(NBSP, " ")


# ---- GLOSSARY examples ------------------------------------------------------------------


def test_glossary_examples_nb():
    assert fmt.nok(1234567) == f"1{NBSP}234{NBSP}567{NBSP}kr"
    assert plain(fmt.mnok(2_500_000)) == "2,5 mill. kr"
    assert plain(fmt.percent(0.12)) == "12 %"
    assert fmt.number(0.85, 2) == "0,85"
    assert fmt.date(dt.date(2026, 6, 30)) == f"30.{NBSP}juni 2026"
    assert fmt.month_range("2026-01-01", "2026-06-30") == "jan.\u2013jun. 2026"
    assert fmt.interval(1.9, 4.1) == "1,9\u20134,1"
    assert fmt.count(3) == "<5"


def test_english_twins():
    assert plain(fmt.nok(1234567, language="en")) == "NOK 1,234,567"
    assert plain(fmt.mnok(2_500_000, language="en")) == "NOK 2.5 million"
    assert fmt.percent(0.12, language="en") == "12%"
    assert fmt.number(0.85, 2, language="en") == "0.85"
    assert fmt.date("2026-06-30", language="en") == f"30{NBSP}June 2026"
    assert fmt.month("2026-06-30", language="en") == "Jun 2026"
    assert fmt.interval(1.94, 4.05, language="en") == "1.9\u20134.1"
    assert fmt.count(1234, language="en") == "1,234"


# ---- details ------------------------------------------------------------------------------


def test_thousands_separator_is_non_breaking_so_amounts_never_wrap():
    s = fmt.nok(12_345_678)
    assert " " not in s and s.count(NBSP) == 3


def test_rounding_is_half_up_on_the_digits_shown():
    assert fmt.number(2.25, 1) == "2,3"  # Python's round() gives 2.2
    assert fmt.number(2.675, 2) == "2,68"  # binary float is 2.67499…
    assert plain(fmt.nok(1500.5)) == "1 501 kr"
    assert fmt.percent(0.125) == f"13{NBSP}%"
    assert fmt.percent(0.1234, 1) == f"12,3{NBSP}%"


def test_negative_numbers_use_the_minus_sign_in_norwegian_and_never_minus_zero():
    assert fmt.number(-1.5, 1) == "\u22121,5"
    assert fmt.number(-1.5, 1, language="en") == "-1.5"
    assert fmt.number(-0.0001, 2) == "0,00"


def test_interval_with_negative_bound_uses_words_not_a_dash():
    assert fmt.interval(-1.2, 0.4) == "\u22121,2 til 0,4"
    assert fmt.interval(-1.2, 0.4, language="en") == "-1.2 to 0.4"


@pytest.mark.parametrize(
    "missing", [None, float("nan"), np.nan, math.inf, -math.inf, pd.NA, np.float64("nan")]
)
def test_missing_values_print_as_en_dash(missing):
    for f in (fmt.nok, fmt.mnok, fmt.percent, fmt.number, fmt.count):
        assert f(missing) == "\u2013"
    assert fmt.interval(missing, 1.0) == "\u2013"


def test_missing_dates_print_as_en_dash():
    assert fmt.date(None) == "\u2013"
    assert fmt.date(pd.NaT) == "\u2013"
    assert fmt.month(pd.NaT, language="en") == "\u2013"
    assert fmt.month_range(None, "2026-06-30") == "\u2013"


def test_count_small_cell_suppression():
    assert fmt.count(0) == "0"  # zero reveals nobody
    assert fmt.count(4) == "<5"
    assert fmt.count(5) == "5"
    assert fmt.count(7, min_cell_size=10) == "<10"
    assert fmt.count(3, suppress=False) == "3"
    assert fmt.count(np.int64(12345)) == f"12{NBSP}345"


def test_date_accepts_common_types():
    expected = f"30.{NBSP}juni 2026"
    for value in (
        dt.date(2026, 6, 30),
        dt.datetime(2026, 6, 30, 12, 0),
        pd.Timestamp("2026-06-30"),
        "2026-06-30",
        np.datetime64("2026-06-30"),
    ):
        assert fmt.date(value) == expected, value


def test_date_ties_day_and_month_but_not_month_and_year():
    # a line may break before the year, never between "30." and "juni"
    for language, day, text in (("nb", "2025-01-01", f"1.{NBSP}januar 2025"),
                                ("nb", "2026-12-31", f"31.{NBSP}desember 2026"),
                                ("en", "2025-01-01", f"1{NBSP}January 2025")):
        out = fmt.date(day, language=language)
        assert out == text
        assert out.count(NBSP) == 1 and out.count(" ") == 1


def test_month_uses_spraakraadet_abbreviations():
    assert fmt.month("2026-06-01") == "jun. 2026"  # CLDR would say "juni"
    assert fmt.month("2026-03-01") == "mar. 2026"
    assert fmt.month("2026-05-01") == "mai 2026"
    assert fmt.month(pd.Period("2026-07", "M")) == "jul. 2026"
    assert fmt.month_range("2025-12-01", "2026-06-30") == "des. 2025\u2013jun. 2026"
    assert fmt.month_range("2026-06-01", "2026-06-30") == "jun. 2026"


def test_mnok_decimals():
    assert plain(fmt.mnok(2_149_000, decimals=2)) == "2,15 mill. kr"
    assert plain(fmt.mnok(0)) == "0 kr"


@pytest.mark.parametrize("bad", ["de", "no", "NB", "", None])
def test_bad_language_is_a_usage_error_that_echoes_it_and_lists_allowed(bad):
    with pytest.raises(UsageError) as err:
        fmt.nok(1, language=bad)
    msg = str(err.value)
    assert repr(bad) in msg and "'nb'" in msg and "'en'" in msg


def test_bad_date_string_is_a_usage_error():
    with pytest.raises(UsageError, match="30.06.2026"):
        fmt.date("30.06.2026")


def test_check_language_returns_babel_locale():
    assert fmt.check_language("nb") == "nb_NO"
    assert fmt.check_language("en") == "en_GB"


def test_mnok_never_says_zero_millions():
    assert plain(fmt.mnok(0)) == "0 kr"
    assert plain(fmt.mnok(12_345)) == "12 000 kr"
    assert plain(fmt.mnok(12_345, language="en")) == "NOK 12,000"
    assert plain(fmt.mnok(50_000)) == "0,1 mill. kr"
    assert plain(fmt.mnok(12_345, decimals=2)) == "0,01 mill. kr"


# ---- percent_pair -------------------------------------------------------------------------


def test_percent_pair_adds_decimals_until_the_order_shows():
    assert [plain(s) for s in fmt.percent_pair(0.054, 0.049, 1)] == ["5,4 %", "4,9 %"]
    assert [plain(s) for s in fmt.percent_pair(0.0504, 0.0496, 1)] == ["5,04 %", "4,96 %"]
    assert fmt.percent_pair(0.002, 0.0049, -1, language="en") == ("0.2%", "0.5%")
    # whole percents that show the order already stay whole
    assert [plain(s) for s in fmt.percent_pair(0.114, 0.083, 1)] == ["11 %", "8 %"]


def test_percent_pair_without_an_order_or_beyond_max_decimals():
    assert [plain(s) for s in fmt.percent_pair(0.74, 0.741)] == ["74 %", "74 %"]
    # truly equal: the search stops at max_decimals rather than looping
    assert [plain(s) for s in fmt.percent_pair(0.05, 0.05, 1)] == ["5,00 %", "5,00 %"]
    assert [plain(s) for s in fmt.percent_pair(0.05, 0.05, 1, max_decimals=1)] == \
        ["5,0 %", "5,0 %"]
    # the order asserted is wrong: no decimals can fix that, so it stops at max_decimals
    assert fmt.percent_pair(0.04, 0.05, 1, max_decimals=2)[0] == fmt.percent(0.04, 2)
    assert fmt.percent_pair(None, 0.05, 1) == (fmt.MISSING, fmt.percent(0.05))
    with pytest.raises(UsageError):
        fmt.percent_pair(0.1, 0.2, language="sv")


def test_percent_pair_rounds_half_up_like_percent():
    # 0.0125 → 1,3 % (half up), 0.0124 → 1,2 %: the order shows at one decimal
    assert [plain(s) for s in fmt.percent_pair(0.0125, 0.0124, 1)] == ["1,3 %", "1,2 %"]
