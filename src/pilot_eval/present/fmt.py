"""Numbers, money, shares and dates as a Norwegian (or English) reader expects them.

Every function takes ``language="nb"`` (Norwegian bokmål, locale ``nb_NO``) or
``language="en"`` (British English, locale ``en_GB``: "30 June 2026", as UK public-sector
value-for-money reports write it) and returns a ``str`` ready to print. Babel supplies the
locale data; the few deviations from it are listed where they are made.

Missing values (``None``, ``NaN``, ``NaT``, ``±inf``) print as an en dash "–", the usual
mark for "no figure" in Norwegian statistical tables.

Rounding is *half up* on the decimal digits the reader sees (2,25 → 2,3), not Python's
half-to-even on the binary float, so a table and its text agree with a pocket calculator.

Examples
--------
>>> nok(1234567)
'1\\xa0234\\xa0567\\xa0kr'
>>> mnok(2_500_000)
'2,5\\xa0mill.\\xa0kr'
>>> percent(0.12)
'12\\xa0%'
>>> number(0.853, 2)
'0,85'
>>> date("2026-06-30")
'30.\\xa0juni 2026'
>>> date("2026-06-30", language="en")
'30\\xa0June 2026'

References
----------
Språkrådet, "Skrivereglar": tall (mellomrom som tusenskilje, desimalkomma), prosent med
mellomrom, forkorting av månadsnamn (jan., feb., mar., apr., jun., jul., aug., sep., okt.,
nov., des.). Unicode CLDR via Babel, https://babel.pocoo.org/.
"""

from __future__ import annotations

import datetime as _dt
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from babel.dates import format_date as _babel_format_date
from babel.numbers import format_decimal as _babel_format_decimal
from babel.numbers import get_minus_sign_symbol

from ..errors import UsageError

__all__ = [
    "LANGUAGES",
    "MISSING",
    "check_language",
    "count",
    "date",
    "interval",
    "mnok",
    "month",
    "month_range",
    "nok",
    "number",
    "percent",
    "percent_pair",
]

#: Languages a report can be written in, with the Babel locale used for each.
LANGUAGES: Final[dict[str, str]] = {"nb": "nb_NO", "en": "en_GB"}

#: What a missing value prints as (en dash).
MISSING: Final[str] = "\u2013"

_NBSP: Final[str] = "\u00a0"
_EN_DASH: Final[str] = "\u2013"

# Språkrådet abbreviates every month name longer than four letters; CLDR's nb data keeps
# "mars", "juni", "juli" whole, which looks ragged in a table column of "jan." and "aug.".
_NB_MONTH_ABBR: Final[dict[int, str]] = {
    1: "jan.", 2: "feb.", 3: "mar.", 4: "apr.", 5: "mai", 6: "jun.",
    7: "jul.", 8: "aug.", 9: "sep.", 10: "okt.", 11: "nov.", 12: "des.",
}  # fmt: skip


def check_language(language: str) -> str:
    """Return the Babel locale for a report language, or raise a helpful error.

    Parameters
    ----------
    language : str
        ``"nb"`` (Norwegian bokmål) or ``"en"`` (English).

    Returns
    -------
    str
        The Babel locale identifier, ``"nb_NO"`` or ``"en_GB"``.

    Raises
    ------
    UsageError
        For any other value; the message echoes it and lists the allowed ones.

    Examples
    --------
    >>> check_language("nb"), check_language("en")
    ('nb_NO', 'en_GB')
    """
    try:
        return LANGUAGES[language]
    except (KeyError, TypeError):
        allowed = ", ".join(f"{k!r}" for k in LANGUAGES)
        raise UsageError(
            f"language={language!r} is not supported; use one of {allowed} "
            "('nb' = Norwegian bokmål, 'en' = English)."
        ) from None


def _is_missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        # pandas.NA / NaT raise TypeError on float(); both mean "no value".
        return _looks_like_na(x)


def _looks_like_na(x: Any) -> bool:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _rounded(x: float, decimals: int) -> Decimal:
    """Round half up at ``decimals`` digits, starting from the shortest repr of ``x``."""
    if decimals < 0:
        raise UsageError(f"decimals={decimals!r} must be 0 or more.")
    q = Decimal(1).scaleb(-decimals)
    d = Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP)
    return d if d != 0 else abs(d)  # no "−0"


def _decimal_str(x: float, decimals: int, locale: str, *, grouping: bool = True) -> str:
    d = _rounded(x, decimals)
    pattern = ("#,##0" if grouping else "0") + ("." + "0" * decimals if decimals else "")
    s = _babel_format_decimal(d, format=pattern, locale=locale, decimal_quantization=True)
    # Babel writes ASCII "-"; CLDR's minus for nb is U+2212, the typographic minus.
    minus = get_minus_sign_symbol(locale)
    return s.replace("-", minus) if s.startswith("-") else s


def number(x: float | None, decimals: int = 1, *, language: str = "nb") -> str:
    """Format a plain number with a fixed number of decimals.

    Parameters
    ----------
    x : float or None
        The value; missing values give "–".
    decimals : int, default 1
        Digits after the decimal sign, always shown ("2,0").
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str
        For example ``number(0.853, 2)`` → ``"0,85"``; ``number(12345.6, 0)`` →
        ``"12 346"`` (non-breaking space); English ``"0.85"``, ``"12,346"``.

    Examples
    --------
    Norwegian groups thousands with a non-breaking space:

    >>> number(0.853, 2), number(12345.6, 0), number(12345.6, 0, language="en"), number(None)
    ('0,85', '12\\xa0346', '12,346', '–')
    """
    locale = check_language(language)
    if _is_missing(x):
        return MISSING
    return _decimal_str(float(x), decimals, locale)


def nok(x: float | None, *, decimals: int = 0, language: str = "nb") -> str:
    """Format an amount in Norwegian kroner.

    Parameters
    ----------
    x : float or None
        Amount in NOK; missing values give "–".
    decimals : int, default 0
        Whole kroner unless asked; øre rarely matter in a report.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str
        ``"1 234 567 kr"`` (non-breaking spaces, so the amount never wraps) or
        ``"NOK 1,234,567"``.

    Examples
    --------
    >>> nok(1234567), nok(1234567, language="en")
    ('1\\xa0234\\xa0567\\xa0kr', 'NOK\\xa01,234,567')
    """
    locale = check_language(language)
    if _is_missing(x):
        return MISSING
    s = _decimal_str(float(x), decimals, locale)
    return f"{s}{_NBSP}kr" if language == "nb" else f"NOK{_NBSP}{s}"


def mnok(x: float | None, *, decimals: int = 1, language: str = "nb") -> str:
    """Format an amount in kroner as millions.

    Parameters
    ----------
    x : float or None
        Amount in NOK (not in millions); missing values give "–".
    decimals : int, default 1
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str
        ``mnok(2_500_000)`` → ``"2,5 mill. kr"`` or ``"NOK 2.5 million"``. An amount that
        would round to 0 millions is written in kroner (``"0 kr"``, ``"12 000 kr"``), never
        as "0,0 mill. kr".

    Examples
    --------
    >>> mnok(2_500_000), mnok(2_500_000, language="en")
    ('2,5\\xa0mill.\\xa0kr', 'NOK\\xa02.5\\xa0million')
    >>> mnok(12_345)
    '12\\xa0000\\xa0kr'
    """
    locale = check_language(language)
    if _is_missing(x):
        return MISSING
    if abs(float(x)) < 0.5 * 10.0 ** (6 - decimals):
        return nok(round(float(x), -3 if abs(float(x)) >= 1000 else 0), language=language)
    s = _decimal_str(float(x) / 1e6, decimals, locale)
    return f"{s}{_NBSP}mill.{_NBSP}kr" if language == "nb" else f"NOK{_NBSP}{s}{_NBSP}million"


def percent(share: float | None, decimals: int = 0, *, language: str = "nb") -> str:
    """Format a share (0–1) as a percentage.

    Parameters
    ----------
    share : float or None
        A proportion, 0.12 for 12 per cent; missing values give "–".
    decimals : int, default 0
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str
        ``"12 %"`` in Norwegian (non-breaking space before %, as Språkrådet and CLDR
        write it), ``"12%"`` in English.

    Examples
    --------
    >>> percent(0.123), percent(0.123, 1, language="en")
    ('12\\xa0%', '12.3%')
    """
    locale = check_language(language)
    if _is_missing(share):
        return MISSING
    s = _decimal_str(float(share) * 100.0, decimals, locale)
    return f"{s}{_NBSP}%" if language == "nb" else f"{s}%"


def percent_pair(a: float | None, b: float | None, order: int = 0, *, decimals: int = 0,
                 max_decimals: int = 2, language: str = "nb") -> tuple[str, str]:
    """Two shares as percentages, with enough decimals that their order shows.

    A sentence such as "Det er 5 % av tilsagnet. Det har gått 5 % av perioden. Piloten
    bruker pengene litt raskere enn planen." contradicts itself: the shares were compared
    before rounding. Here the decimals grow (up to ``max_decimals``) until the printed
    figures are in the order the text asserts.

    Parameters
    ----------
    a, b : float or None
        Shares (0–1); a missing one prints as "–" and needs no decimals.
    order : {1, -1, 0}, default 0
        ``1``: ``a`` must read larger than ``b``; ``-1``: smaller; ``0``: no claim is made
        about their order, so both print with ``decimals``.
    decimals : int, default 0
        The decimals used when they suffice.
    max_decimals : int, default 2
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    (str, str)
        Both with the same number of decimals.

    Examples
    --------
    >>> [s.replace("\\xa0", " ") for s in percent_pair(0.054, 0.049, order=1)]
    ['5,4 %', '4,9 %']
    >>> [s.replace("\\xa0", " ") for s in percent_pair(0.74, 0.741)]
    ['74 %', '74 %']
    """
    check_language(language)
    d = decimals
    if order and not (_is_missing(a) or _is_missing(b)):
        while d < max_decimals:
            shown_a = _rounded(float(a) * 100.0, d)
            shown_b = _rounded(float(b) * 100.0, d)
            if (shown_a - shown_b) * order > 0:
                break
            d += 1
    return (percent(a, d, language=language), percent(b, d, language=language))


def interval(lo: float | None, hi: float | None, decimals: int = 1, *, language: str = "nb") -> str:
    """Format a confidence interval.

    Parameters
    ----------
    lo, hi : float or None
        Lower and upper bound; if either is missing the result is "–".
    decimals : int, default 1
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str
        ``"1,9–4,1"`` (en dash). When a bound is negative a dash would read as a minus,
        so the words are used instead: ``"−1,2 til 0,4"`` / ``"-1.2 to 0.4"``.

    Examples
    --------
    >>> interval(1.94, 4.06), interval(-1.23, 0.4), interval(-1.23, 0.4, language="en")
    ('1,9–4,1', '−1,2 til 0,4', '-1.2 to 0.4')
    """
    locale = check_language(language)
    if _is_missing(lo) or _is_missing(hi):
        return MISSING
    a = _decimal_str(float(lo), decimals, locale)
    b = _decimal_str(float(hi), decimals, locale)
    if float(lo) < 0 or float(hi) < 0:
        word = "til" if language == "nb" else "to"
        return f"{a} {word} {b}"
    return f"{a}{_EN_DASH}{b}"


def count(
    n: float | None, min_cell_size: int = 5, *, suppress: bool = True, language: str = "nb"
) -> str:
    """Format a count of people, hiding small cells.

    Parameters
    ----------
    n : int, float or None
        The count; missing values give "–".
    min_cell_size : int, default 5
        Counts with ``0 < n < min_cell_size`` print as ``"<5"`` (with the configured
        value), so that no small group of citizens can be recognised. Zero is shown:
        it reveals nobody.
    suppress : bool, default True
        ``False`` prints the exact count (for tables a reader never sees).
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str
        ``"1 234"``, ``"<5"``, ``"0"``.

    Notes
    -----
    Complementary suppression (hiding a second cell so a total cannot reveal the first)
    is the caller's job; this function sees one number.

    Examples
    --------
    >>> count(1234), count(3), count(0), count(3, min_cell_size=10), count(3, suppress=False)
    ('1\\xa0234', '<5', '0', '<10', '3')
    """
    locale = check_language(language)
    if _is_missing(n):
        return MISSING
    value = float(n)
    if suppress and 0 < value < min_cell_size:
        return f"<{min_cell_size}"
    return _decimal_str(value, 0, locale)


def about_count(n: float | None, *, language: str = "nb") -> str:
    """Format a projected number of people (a year's new participants in a scenario)
    rounded to what a projection can claim: 7, 45, 160, 1 200.

    Whole people under 20, to 5 under 200, to 10 under 1 000, to 100 above. Every table,
    chart and sentence that shows the same projection shows it through here, so they
    print the same figure ("1 000" in the table, not "1 038" in the chart beside it).

    Parameters
    ----------
    n : float or None
        The projected number; missing (or not finite) gives "–".
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str

    Examples
    --------
    >>> about_count(7.4), about_count(167), about_count(1038), about_count(1569, language="en")
    ('7', '165', '1\xa0000', '1,600')
    """
    locale = check_language(language)
    if _is_missing(n) or not math.isfinite(float(n)):
        return MISSING
    value = float(n)
    rounded = (round(value) if value < 20 else round(value / 5) * 5 if value < 200
               else round(value, -1) if value < 1000 else round(value, -2))
    return _decimal_str(rounded, 0, locale)


def _as_date(d: Any) -> _dt.date | None:
    if d is None or (not isinstance(d, str) and _looks_like_na(d)):
        return None
    if isinstance(d, str):
        try:
            return _dt.date.fromisoformat(d.strip()[:10])
        except ValueError:
            raise UsageError(
                f"date {d!r} is not an ISO date; write it as YYYY-MM-DD, e.g. '2026-06-30'."
            ) from None
    if isinstance(d, _dt.datetime):  # pandas.Timestamp is a datetime too
        return d.date()
    if isinstance(d, _dt.date):
        return d
    if hasattr(d, "to_timestamp"):  # pandas.Period
        return d.to_timestamp().date()
    if type(d).__name__ == "datetime64":  # numpy scalar
        import pandas as pd

        return pd.Timestamp(d).date()
    raise UsageError(
        f"cannot format {d!r} (type {type(d).__name__}) as a date; pass a datetime.date, "
        "a pandas Timestamp or an ISO string 'YYYY-MM-DD'."
    )


def date(d: Any, *, language: str = "nb") -> str:
    """Format a date in full, as written in running text and headers.

    Parameters
    ----------
    d : datetime.date, datetime.datetime, pandas.Timestamp, numpy.datetime64 or str
        ISO strings ``"YYYY-MM-DD"`` are accepted; ``None``/``NaT`` give "–".
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str
        ``"30. juni 2026"`` or ``"30 June 2026"``, the day tied to the month with a
        non-breaking space (U+00A0) so that a line never breaks between "30." and "juni".

    Examples
    --------
    >>> import datetime
    >>> date("2026-06-30"), date(datetime.date(2026, 6, 30), language="en"), date(None)
    ('30.\\xa0juni 2026', '30\\xa0June 2026', '–')
    """
    locale = check_language(language)
    day = _as_date(d)
    if day is None:
        return MISSING
    # CLDR's long pattern starts with the day in both locales ("d. MMMM y", "d MMMM y")
    return _babel_format_date(day, format="long", locale=locale).replace(" ", _NBSP, 1)


def _month_name(day: _dt.date, locale: str, language: str) -> str:
    if language == "nb":
        return _NB_MONTH_ABBR[day.month]
    return _babel_format_date(day, format="MMM", locale=locale)


def month(d: Any, *, language: str = "nb") -> str:
    """Format the month of a date, abbreviated, for table columns and axis labels.

    Parameters
    ----------
    d : date-like or str
        As for :func:`date`; a ``pandas.Period`` works too.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str
        ``"jun. 2026"`` (Språkrådet's abbreviations, lower case; CLDR's "juni" is not
        used) or ``"Jun 2026"``.

    Examples
    --------
    >>> month("2026-06-30"), month("2026-06-30", language="en")
    ('jun. 2026', 'Jun 2026')
    """
    locale = check_language(language)
    day = _as_date(d)
    if day is None:
        return MISSING
    return f"{_month_name(day, locale, language)} {day.year}"


def month_range(start: Any, end: Any, *, language: str = "nb") -> str:
    """Format a span of months: ``"jan.–jun. 2026"`` or ``"des. 2025–jun. 2026"``.

    Parameters
    ----------
    start, end : date-like or str
        First and last month of the span; either missing gives "–".
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str
        The year is written once when both months fall in the same year.

    Examples
    --------
    >>> month_range("2026-01-01", "2026-06-30")
    'jan.–jun. 2026'
    >>> month_range("2025-12-01", "2026-06-30", language="en")
    'Dec 2025–Jun 2026'
    """
    locale = check_language(language)
    a, b = _as_date(start), _as_date(end)
    if a is None or b is None:
        return MISSING
    if (a.year, a.month) == (b.year, b.month):
        return month(a, language=language)
    if a.year == b.year:
        return f"{_month_name(a, locale, language)}{_EN_DASH}{_month_name(b, locale, language)} {b.year}"
    return f"{month(a, language=language)}{_EN_DASH}{month(b, language=language)}"
