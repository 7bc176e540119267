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
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .errors import UsageError

_FNR_W1 = np.array([3, 7, 6, 1, 8, 9, 4, 5, 2])
_FNR_W2 = np.array([5, 4, 3, 2, 7, 6, 5, 4, 3, 2])
_ORG_W = np.array([3, 2, 7, 6, 5, 4, 3, 2])


def _digits(text: pd.Series, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``text`` that are exactly ``n`` digits (spaces allowed) → (mask, digit matrix)."""
    clean = text.astype("str").fillna("").str.replace(r"[ \t\u00a0.]", "", regex=True)
    mask = clean.str.fullmatch(rf"\d{{{n}}}").fillna(False).to_numpy(dtype=bool)
    if not mask.any():
        return mask, np.zeros((0, n), dtype=np.int64)
    chosen = clean[mask].to_numpy(dtype=str)
    digits = np.frombuffer("".join(chosen).encode("ascii"), dtype=np.uint8).reshape(-1, n) - 48
    return mask, digits.astype(np.int64)


def _mod11(digits: np.ndarray, weights: np.ndarray) -> np.ndarray:
    k = 11 - (digits[:, : len(weights)] @ weights) % 11
    return np.where(k == 11, 0, k)  # 10 means no valid check digit exists


def looks_like_identity_number(values: pd.Series | Iterable[str]) -> pd.Series:
    """Flag values that are valid Norwegian national identity numbers.

    A value is flagged when it is 11 digits (spaces allowed), its date part is plausible
    for a fødselsnummer, D-number (day + 40) or test/H-number (month + 40 or + 80), and
    both MOD11 check digits are right (Skatteetaten's algorithm). Vectorised.

    Returns
    -------
    pandas.Series of bool, aligned with ``values``.
    """
    values = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="string")
    mask, d = _digits(values, 11)
    out = np.zeros(len(values), dtype=bool)
    if len(d):
        day = d[:, 0] * 10 + d[:, 1]
        month = d[:, 2] * 10 + d[:, 3]
        day_ok = ((day >= 1) & (day <= 31)) | ((day >= 41) & (day <= 71))
        month_ok = ((month >= 1) & (month <= 12)) | ((month >= 41) & (month <= 52)) | (
            (month >= 81) & (month <= 92))
        k1 = _mod11(d, _FNR_W1)
        k2 = _mod11(np.column_stack([d[:, :9], k1]), _FNR_W2)
        ok = day_ok & month_ok & (k1 == d[:, 9]) & (k2 == d[:, 10]) & (k1 != 10) & (k2 != 10)
        out[mask] = ok
    return pd.Series(out, index=values.index)


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
