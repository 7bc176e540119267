"""Privacy guards: identity numbers refused, pseudonyms, small-cell suppression.

* A Norwegian national identity number (fødselsnummer, D-number) never enters a dataset:
  :func:`looks_like_identity_number` finds them so loading can refuse the column.
* :func:`pseudonymise` is the documented way to replace real ids by stable pseudonyms
  before data leave the service that holds them (HMAC-SHA256 with a secret key).
* :func:`suppression_mask` decides which counts a report must hide: counts below
  ``min_cell_size`` (primary suppression) and, where a group's total is shown, one more
  cell so the hidden one cannot be found by subtraction (complementary suppression).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .errors import UsageError

_FNR_W1 = np.array([3, 7, 6, 1, 8, 9, 4, 5, 2])
_FNR_W2 = np.array([5, 4, 3, 2, 7, 6, 5, 4, 3, 2])
_ORG_W = np.array([3, 2, 7, 6, 5, 4, 3, 2])


def _digits(text: pd.Series, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``text`` that are exactly ``n`` ASCII digits (spaces allowed) → (mask, digit matrix)."""
    clean = text.astype("str").fillna("").str.replace(r"[ \t\u00a0\u202f.]", "", regex=True)
    # [0-9], not \d: \d takes every Unicode digit, which the ASCII matrix below cannot hold
    mask = clean.str.fullmatch(rf"[0-9]{{{n}}}").fillna(False).to_numpy(dtype=bool)
    if not mask.any():
        return mask, np.zeros((0, n), dtype=np.int64)
    chosen = clean[mask].to_numpy(dtype=str)
    digits = np.frombuffer("".join(chosen).encode("ascii"), dtype=np.uint8).reshape(-1, n) - 48
    return mask, digits.astype(np.int64)


def _mod11(digits: np.ndarray, weights: np.ndarray) -> np.ndarray:
    k = 11 - (digits[:, : len(weights)] @ weights) % 11
    return np.where(k == 11, 0, k)  # 10 means no valid check digit exists


# Separators people and spreadsheets put inside a number: space, no-break, narrow no-break,
# thin and figure space, dot, comma (thousands), hyphen and the Unicode dashes.
_SEP = "[ .,\\-\u00a0\u202f\u2009\u2007\u2010\u2011\u2012\u2013]"
#: 11 digits, each optionally followed by one separator, not touching other digits or
#: letters: the fødselsnummer in any grouping (DDMMYYNNNNN, DDMMYY-NNNNN, DD.MM.YY NNNNN …),
#: also inside longer text and before a ``.0`` that float formatting added. Not next to a
#: letter, so that a hexadecimal pseudonym (``p-3fa01234567891bc``) is not taken for one.
_IN_TEXT = re.compile(rf"(?<!\w)(?:[0-9]{_SEP}?){{10}}[0-9](?!\w)")
#: A whole cell that is a number of 10 digits: a fødselsnummer whose leading zero a numeric
#: cell dropped (everyone born on the 1st–9th of a month), with Excel's text apostrophe or
#: a float's ``.0``.
_LOST_ZERO = re.compile(r"^'?\s*([0-9]{10})(?:[.,]0+)?\s*$")
#: Norwegian bank account numbers are 11 digits grouped 4.2.5; their MOD11 digit is the
#: fødselsnummer's second check digit, so the grouping is what tells them apart.
_ACCOUNT = re.compile(r"^[0-9]{4}[ .][0-9]{2}[ .][0-9]{5}$")
_DAYS_IN_MONTH = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _ascii_digits(text: str) -> str:
    """Every Unicode decimal digit (category Nd: Arabic-Indic, Devanagari …) as ASCII."""
    return re.sub(r"\d", lambda m: str(unicodedata.digit(m.group())), text)


def normalise_digits(text: pd.Series) -> pd.Series:
    """Text with full-width and other Unicode digits and spaces made plain (NFKC first).

    Only values with non-ASCII characters are touched, and only those that still hold a
    non-ASCII digit after NFKC go through Python one by one (rare).
    """
    text = text.astype("str").fillna("")
    wide = ~text.str.isascii().fillna(True)
    if not wide.any():
        return text
    fixed = text[wide].str.normalize("NFKC").astype(object)
    other = fixed.str.contains(r"(?![0-9])\d", regex=True).fillna(False).astype(bool)
    if other.any():
        fixed = fixed.where(~other, fixed[other].map(_ascii_digits))
    return text.where(~wide, fixed.astype("str"))


def _valid_identity(d: np.ndarray) -> np.ndarray:
    """Rows of an (n, 11) digit matrix that are valid fødsels-, D- or H-numbers."""
    day = d[:, 0] * 10 + d[:, 1]
    month = d[:, 2] * 10 + d[:, 3]
    day = np.where(day > 40, day - 40, day)  # D-number: day + 40
    month = np.where(month > 80, month - 80, np.where(month > 40, month - 40, month))  # H / test
    month_ok = (month >= 1) & (month <= 12)
    day_ok = (day >= 1) & (day <= _DAYS_IN_MONTH[np.clip(month, 0, 12)])
    k1 = _mod11(d, _FNR_W1)
    k2 = _mod11(np.column_stack([d[:, :9], k1]), _FNR_W2)
    return day_ok & month_ok & (k1 == d[:, 9]) & (k2 == d[:, 10]) & (k1 != 10) & (k2 != 10)


def _candidates(text: pd.Series) -> pd.DataFrame:
    """Digit groups that could be identity numbers: columns ``pos`` (row position in ``text``),
    ``match`` (the text found) and ``digits`` (11 ASCII digits)."""
    cols = {"pos": pd.Series([], dtype="int64"), "match": pd.Series([], dtype="object"),
            "digits": pd.Series([], dtype="object")}
    plain = normalise_digits(text).reset_index(drop=True)
    # cheap filter first: only values with at least ten digits can hold one
    plain = plain[plain.str.count("[0-9]").fillna(0).to_numpy() >= 10].astype(object)
    if plain.empty:
        return pd.DataFrame(cols)
    found = plain.str.extractall(f"({_IN_TEXT.pattern})")[0]
    in_text = pd.DataFrame({"pos": found.index.get_level_values(0).to_numpy(dtype="int64"),
                            "match": found.to_numpy(dtype=object)})
    in_text = in_text[~in_text["match"].str.match(_ACCOUNT).to_numpy(dtype=bool)]
    in_text["digits"] = in_text["match"].str.replace(r"[^0-9]", "", regex=True)
    lost = plain.str.extract(_LOST_ZERO)[0].dropna()
    lost_zero = pd.DataFrame({"pos": lost.index.to_numpy(dtype="int64"),
                              "match": lost.to_numpy(dtype=object),
                              "digits": ("0" + lost).to_numpy(dtype=object)})
    out = pd.concat([in_text, lost_zero], ignore_index=True)
    return out if len(out) else pd.DataFrame(cols)


def _identity_matches(text: pd.Series) -> pd.DataFrame:
    """The candidates of :func:`_candidates` that are valid identity numbers."""
    cand = _candidates(text)
    if cand.empty:
        return cand
    d = np.frombuffer("".join(cand["digits"]).encode("ascii"), dtype=np.uint8).reshape(-1, 11)
    return cand[_valid_identity(d.astype(np.int64) - 48)]


def looks_like_identity_number(values: pd.Series | Iterable[str]) -> pd.Series:
    """Flag values that hold a valid Norwegian national identity number, in any form.

    A value is flagged when, after NFKC normalisation (full-width and other Unicode
    digits count as digits), it holds 11 digits not touching other digits — grouped by
    spaces (also no-break and narrow no-break), dots, commas or hyphens in any way
    (``DDMMYY-NNNNN``, ``DD.MM.YY NNNNN``), alone or inside longer text, with or without a
    ``.0`` or a leading apostrophe — or when the whole value is a 10-digit number (a
    fødselsnummer whose leading zero a numeric cell dropped); and those 11 digits have a
    real day and month for a fødselsnummer, D-number (day + 40) or H- or test number
    (month + 40 or + 80) and both MOD11 check digits right (Skatteetaten's algorithm).
    An 11-digit number with wrong check digits is not flagged, nor a bank account number
    written ``NNNN.NN.NNNNN``, nor digits run together with letters (as in a hexadecimal
    pseudonym of :func:`pseudonymise`). Vectorised; never raises on odd text.

    Returns
    -------
    pandas.Series of bool, aligned with ``values``.
    """
    values = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="string")
    out = np.zeros(len(values), dtype=bool)
    hits = _identity_matches(values)
    out[hits["pos"].to_numpy(dtype="int64")] = True
    return pd.Series(out, index=values.index)


def mask_identity_numbers(values: pd.Series | Iterable[str]) -> pd.Series:
    """``values`` with every identity number found by :func:`looks_like_identity_number`
    replaced by ``*`` (one per digit), so a message can show the rest of the text.

    A value with a number is returned in its normalised form (NFKC); others unchanged.
    """
    values = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="string")
    hits = _identity_matches(values)
    if hits.empty:
        return values
    plain = normalise_digits(values).reset_index(drop=True)
    out = values.astype(object).to_numpy(copy=True)
    for pos, group in hits.groupby("pos"):  # only the few values that hold a number
        text = plain.iloc[pos]
        for match in group["match"]:
            text = text.replace(match, re.sub("[0-9]", "*", match))
        out[pos] = text
    return pd.Series(out, index=values.index, dtype=values.dtype)


def valid_org_number(values: pd.Series) -> pd.Series:
    """True where a value is a valid 9-digit Norwegian organisation number (MOD11)."""
    mask, d = _digits(values, 9)
    out = np.zeros(len(values), dtype=bool)
    if len(d):
        k = _mod11(d, _ORG_W)
        out[mask] = (k != 10) & (k == d[:, 8])
    return pd.Series(out, index=values.index)


def pseudonymise(ids: pd.Series | Iterable[str], key: str | bytes, *, prefix: str = "p-",
                 length: int = 16) -> pd.Series:
    """Replace ids by stable pseudonyms: ``prefix + HMAC-SHA256(key, id)[:length]`` (hex).

    The same id and key always give the same pseudonym, so tables stay linkable; without
    the key the real id cannot be recovered or checked by guessing. Keep the key secret
    and apart from the data, and use a new key per project.

    Examples
    --------
    >>> pseudonymise(["p-1001"], key="a long random project secret")[0][:2]
    'p-'
    """
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not key or len(key) < 16:
        raise UsageError("The key must be at least 16 characters long; use a long random secret.")
    if not 8 <= length <= 64:
        raise UsageError(f"length={length!r} must be between 8 and 64.")
    series = ids if isinstance(ids, pd.Series) else pd.Series(list(ids), dtype="string")
    uniques = pd.unique(series.astype("string").fillna(""))
    mapping = {u: prefix + hmac.new(key, u.encode("utf-8"), hashlib.sha256).hexdigest()[:length]
               for u in uniques}  # one HMAC per distinct id
    out = series.astype("string").fillna("").map(mapping).astype("string")
    return out.where(series.notna())


def suppression_mask(counts: pd.Series, min_cell_size: int, *,
                     groups: str | list[str] | None = None) -> pd.Series:
    """Which counts must be hidden in a published table.

    Parameters
    ----------
    counts : Series of non-negative counts.
    min_cell_size : counts ``0 < n < min_cell_size`` are hidden (primary suppression).
    groups : index level(s) whose totals are published. ``None`` treats the whole Series
        as one group.

    Returns
    -------
    Series of bool, True = hide.

    Notes
    -----
    Complementary suppression: within a group that has a hidden cell, the smallest other
    non-zero cells are hidden too until at least two cells are hidden *and* the hidden
    cells add up to at least ``min_cell_size``. Otherwise the total less the shown cells
    would reveal the hidden one (one hidden cell), or reveal that a few people
    (fewer than ``min_cell_size``) share the hidden categories. Zero is never hidden.
    The same rule serves tables, charts and the workbook.

    Examples
    --------
    >>> suppression_mask(pd.Series([3, 40, 12]), 5).tolist()
    [True, False, True]
    >>> suppression_mask(pd.Series([1, 2, 40, 50]), 5).tolist()
    [True, True, True, False]
    """
    if min_cell_size < 1:
        raise UsageError(f"min_cell_size={min_cell_size!r} must be at least 1.")
    n = pd.to_numeric(counts, errors="coerce").to_numpy(dtype=float)
    primary = (n > 0) & (n < min_cell_size)
    key = (counts.index.get_level_values(groups) if isinstance(groups, str) else
           pd.MultiIndex.from_arrays([counts.index.get_level_values(g) for g in groups])
           if groups else np.zeros(len(n), dtype=int))
    frame = pd.DataFrame({"n": n, "hide": primary, "g": pd.factorize(key)[0]})
    grouped = frame.groupby("g")
    hidden_count = grouped["hide"].transform("sum").to_numpy()
    hidden_sum = frame["n"].where(frame["hide"], 0.0).groupby(frame["g"]).transform("sum").to_numpy()
    # candidates: shown non-zero cells of groups with a hidden cell, smallest first; a
    # candidate is hidden while the hidden set (before it) is still too small: a prefix
    is_candidate = (hidden_count > 0) & ~frame["hide"].to_numpy() & (frame["n"].to_numpy() > 0)
    cand = frame[is_candidate].assign(hc=hidden_count[is_candidate], hs=hidden_sum[is_candidate])
    if len(cand):
        cand = cand.sort_values(["g", "n"], kind="stable")
        by = cand.groupby("g")
        rank_before = by.cumcount().to_numpy()
        sum_before = (by["n"].cumsum() - cand["n"]).to_numpy()
        still_short = ((cand["hc"].to_numpy() + rank_before < 2)
                       | (cand["hs"].to_numpy() + sum_before < min_cell_size))
        frame.loc[cand.index[still_short], "hide"] = True
    return pd.Series(frame["hide"].to_numpy(), index=counts.index)
