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
from collections.abc import Callable, Iterable, Mapping

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

    Parameters
    ----------
    text : pandas.Series
        Text (missing values become ``""``).

    Returns
    -------
    pandas.Series of str

    Examples
    --------
    >>> import pandas as pd
    >>> normalise_digits(pd.Series(["１２３", "abc"])).tolist()
    ['123', 'abc']
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

    Parameters
    ----------
    values : pandas.Series or iterable of str
        Any text: ids, free text, numbers read as text.

    Returns
    -------
    pandas.Series of bool, aligned with ``values``.

    Examples
    --------
    Synthetic numbers (month + 80: a test number); the last has a wrong check digit:

    >>> looks_like_identity_number(["01819010192", "born 018190 10192", "p-3f9a21c0",
    ...                             "01819010193"]).tolist()
    [True, True, False, False]
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

    Parameters
    ----------
    values : pandas.Series or iterable of str

    Returns
    -------
    pandas.Series
        Same index and dtype as ``values`` (a Series of ``string`` for an iterable).

    Examples
    --------
    >>> mask_identity_numbers(["id 01819010192 in a comment", "no number"]).tolist()
    ['id *********** in a comment', 'no number']
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
    """True where a value is a valid 9-digit Norwegian organisation number (MOD11).

    Parameters
    ----------
    values : pandas.Series
        Organisation numbers as text (the Brønnøysund registers' 9 digits).

    Returns
    -------
    pandas.Series of bool, aligned with ``values``.

    Examples
    --------
    >>> import pandas as pd
    >>> valid_org_number(pd.Series(["974760673", "974760674", "97476067"])).tolist()
    [True, False, False]
    """
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

    Parameters
    ----------
    ids : pandas.Series or iterable of str
        The real ids; missing ones stay missing.
    key : str or bytes
        The secret, at least 16 characters.
    prefix : str, default "p-"
    length : int, default 16
        Hex digits kept of the HMAC, 8 to 64.

    Returns
    -------
    pandas.Series of string, aligned with ``ids``.

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
    non-zero cells are hidden too until at least two cells are hidden, the hidden cells
    add up to at least ``min_cell_size``, *and* no "<k" cell is pinned to one value. A
    reader knows the hidden total (the group's total less the shown cells) and that a
    "<k" cell holds 1 to ``k - 1`` and a cell hidden to protect it at least ``k`` (it
    was not small); with the total too close to those bounds the cells are pinned: a
    "<5" of 1 beside a ":" of 5 adding up to 6, or two "<5" adding up to 8 (4 and 4).
    Zero is never hidden. The same rule serves tables, charts and the workbook.

    Examples
    --------
    >>> suppression_mask(pd.Series([3, 40, 12]), 5).tolist()
    [True, False, True]
    >>> suppression_mask(pd.Series([1, 2, 40, 50]), 5).tolist()
    [True, True, True, False]
    >>> suppression_mask(pd.Series([1, 5, 9, 30]), 5).tolist()  # 1 and 5 alone: pinned
    [True, True, True, False]
    >>> suppression_mask(pd.Series([4, 4, 30, 50]), 5).tolist()  # 8 can only be 4 + 4
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
        k, small = min_cell_size, cand["hc"].to_numpy()  # small: the "<k" cells
        total = cand["hs"].to_numpy() + sum_before  # of the hidden cells so far
        # a "<k" cell holds 1 to k - 1, a complementary one at least k (unbounded above).
        # One "<k" cell is at most what the others at their least leave, and at least what
        # the others at their largest cannot take (1, once a complementary cell is hidden):
        # it must keep two values or more
        largest = np.minimum(k - 1, total - (small - 1) - rank_before * k)
        least = np.where(rank_before > 0, 1, np.maximum(1, total - (small - 1) * (k - 1)))
        still_short = ((small + rank_before < 2) | (total < k) | (largest - least < 1))
        frame.loc[cand.index[still_short], "hide"] = True
    return pd.Series(frame["hide"].to_numpy(), index=counts.index)


def _range_of_hidden(n: np.ndarray, marks: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """What a reader knows of each hidden cell of one group from its mark alone: a "<k"
    cell holds 1 to k - 1; a ":" at least k where the group also shows a "<k" (it was
    hidden to protect one), else at least 1 (0 for a hidden zero): it could be anything."""
    primary = marks == PRIMARY
    lo = np.where(primary, 1.0, np.where(n <= 0, 0.0, np.where(n < k, 1.0,
                  k if primary.any() else 1.0)))
    hi = np.where(primary, k - 1.0, np.inf)
    return lo, hi


def _pinned(n: np.ndarray, marks: np.ndarray, k: int) -> bool:
    """Whether a hidden cell of one group has a single value a reader can solve for from
    the group's total (published), its shown cells and the marks' bounds."""
    hidden = marks != SHOWN
    if not hidden.any():
        return False
    lo, hi = _range_of_hidden(n[hidden], marks[hidden], k)
    rest = n[hidden].sum()  # the group's total less its shown cells
    unbounded = np.isinf(hi)
    finite = np.where(unbounded, 0.0, hi)
    others_most = np.where(unbounded.sum() - unbounded > 0, np.inf, finite.sum() - finite)
    least = np.maximum(lo, rest - others_most)
    most = np.minimum(hi, rest - (lo.sum() - lo))
    return bool((most - least < 1).any())


def suppression_codes(counts: pd.Series, min_cell_size: int, *,
                      groups: str | list[str] | None = None,
                      hidden: pd.Series | np.ndarray | None = None,
                      also: Iterable[np.ndarray] = ()) -> pd.Series:
    """How each count of groups with published totals is marked: shown, "<k" or ":".

    The one place that turns :func:`suppression_mask` into marks; every table, chart and
    export of grouped counts prints these codes.

    Parameters
    ----------
    counts : pandas.Series
        Non-negative counts of people.
    min_cell_size : int
        ``k``.
    groups : str or list of str, optional
        Index level(s) whose totals are published; ``None``: the whole Series is one group.
    hidden : Series or array of bool, optional
        Cells already chosen to hide (default: :func:`suppression_mask` of ``counts``).
    also : iterable of arrays of positions, optional
        Further groups whose totals are published, overlapping the others (a pilot's
        months by quarter).

    Returns
    -------
    pandas.Series of str
        :data:`SHOWN`, :data:`PRIMARY` (a count ``0 < n < k``: ``"<k"``) or
        :data:`COMPLEMENTARY` (``":"``), aligned with ``counts``.

    Notes
    -----
    A reader reads "<k" as 1 to ``k - 1`` and ":" beside it as at least ``k``. Where
    every non-zero cell of a group is hidden, those bounds and the total can pin the
    cells: 5, 1, 0, 1 of 7 marked ":", "<5", "0", "<5" can only be 5, 1, 1; 4, 4 of 8
    marked "<5", "<5" only 4, 4. So where every non-zero cell of a group is hidden and
    they hold at most ``k - 1`` people each on average (they could all be small), every
    one is marked ":", which says nothing of its size: 7 in three cells is 1, 1, 5 as
    well as 2, 2, 3 …, and every split of such a total reads the same (so a reader who
    reruns the rule on guesses learns nothing either; a rule marking only the pinned
    groups would single out 4, 4 of 8). With more people than that, at least one hidden
    cell is large and the marks stay (2 and 40 of 42: "<5", ":"). Any group whose marks
    would still pin a cell is marked ":" throughout too (a safety net). If the cells are
    pinned even then (each hidden cell holds one person), the group's zeros are hidden as
    well. A group of one cell keeps its "<k" (its total is the cell: groups of one are
    rows that stand alone). The total is not hidden instead: it is usually published
    elsewhere (a pilot's participants, in ``reach``) or follows from other parts; a group
    of only ones and no zeros (five areas of one person each, total 5) stays pinned by
    its total (docs/privacy.md, known limits).

    Examples
    --------
    >>> suppression_codes(pd.Series([5, 1, 0, 1]), 5).tolist()  # 7 = 5 + 1 + 1 otherwise
    ['complementary', 'complementary', '', 'complementary']
    >>> suppression_codes(pd.Series([3, 40, 12]), 5).tolist()
    ['primary', '', 'complementary']
    >>> suppression_codes(pd.Series([1, 1, 0]), 5).tolist()  # 2 cells of 1 each, else
    ['complementary', 'complementary', 'complementary']
    """
    k = int(min_cell_size)
    n = pd.to_numeric(counts, errors="coerce").fillna(0.0).to_numpy(dtype=float)
    hide = (suppression_mask(counts, k, groups=groups) if hidden is None else hidden)
    hide = np.asarray(hide, dtype=bool).copy()
    marks = np.where(hide & (n > 0) & (n < k), PRIMARY,
                     np.where(hide, COMPLEMENTARY, SHOWN)).astype(object)
    key = (counts.index.get_level_values(groups) if isinstance(groups, str) else
           pd.MultiIndex.from_arrays([counts.index.get_level_values(g) for g in groups])
           if groups else np.zeros(len(n), dtype=int))
    codes = pd.factorize(key)[0]
    members = [np.flatnonzero(codes == g) for g in np.unique(codes[hide])]
    members += [np.asarray(at, dtype=int) for at in also]
    for at in members:  # loosening a mark never pins another group: one pass
        if len(at) < 2:
            continue  # a lone cell is its own total: a row that stands alone
        cells, shown = n[at], marks[at] == SHOWN
        # every non-zero cell hidden, and few enough people that all could be small: the
        # marks must not tell which (total and zeros are all a reader should have)
        could_all_be_small = (not (cells[shown] > 0).any()
                              and cells.sum() <= (k - 1) * (cells > 0).sum())
        if not (could_all_be_small or _pinned(cells, marks[at], k)):
            continue
        marks[at[marks[at] != SHOWN]] = COMPLEMENTARY
        if _pinned(n[at], marks[at], k):
            marks[at[n[at] <= 0]] = COMPLEMENTARY
    return pd.Series(marks, index=counts.index, dtype=object)


# --------------------------------------------------------------------------- disclosure control
#
# One model for every output (docs/privacy.md): the workbook and its CSV/JSON siblings,
# the report tables, text and charts all ask :func:`disclosure_codes` which figures to hide,
# so no two outputs hide different cells of the same numbers.

#: Codes of :func:`disclosure_codes`: shown, a small count ("<k"), a count hidden to protect
#: another (":"), a figure built on a hidden count (":" in exports, "–" in reports).
SHOWN, PRIMARY, COMPLEMENTARY, DERIVED = "", "primary", "complementary", "derived"

#: Columns that count people. A count ``0 < n < k`` is hidden (primary suppression).
COUNT_COLUMNS = frozenset({
    "participants", "completers", "enrolled", "active", "completed", "dropped_out", "moved",
    "exited_other", "overlap", "n_pilot", "n_comparison", "n_baseline", "n_missing_followup",
    "n_missing_followup_active", "outcome_n", "n_measured", "successes", "successes_pilot",
    "enrolments", "citizens_reached", "citizens_in_several_pilots", "n_not_yet_due",
    "n_missing_due", "n_comparison_baseline", "n_comparison_missing_due", "reversals",
})

#: Counts that add up to another count of the same row (total → parts): one hidden part
#: gets a complement among the others, so the total less the shown parts reveals nothing.
ROW_PARTS: dict[str, tuple[str, ...]] = {
    "enrolled": ("active", "completed", "dropped_out", "moved", "exited_other"),
    # a missing follow-up is either not yet due or missing
    "n_missing_followup": ("n_not_yet_due", "n_missing_due"),
}

#: Counts that are the sum of two counts of the same row where the *total* is hidden when a
#: part is (hiding the other part instead would hide every estimate built on it): people
#: measured at baseline = measured twice + missing a follow-up.
TOTAL_HIDDEN_WITH_PART: dict[str, tuple[str, ...]] = {
    "n_baseline": ("n_pilot", "n_missing_followup"),
}

#: Tables whose rows split a pilot's counts by a group (the pilot's totals are published in
#: ``reach``): suppression is per pilot and column, and a pilot whose total is hidden has
#: its split hidden too.
GROUP_SPLITS: dict[str, str] = {"reach_by_area": "pilot_id", "reach_by_gender": "pilot_id",
                                "reach_by_age_group": "pilot_id"}

#: Counts that are another table's column summed over its rows (the portfolio's
#: enrolments are the pilots' enrolled): when a cell of that column is hidden, so is the
#: sum, or the sum less the shown pilots would give the hidden one back. (The report's
#: "I alt" rows and sentences follow the same codes.)
MARGINS: dict[tuple[str, str], tuple[str, str]] = {
    ("portfolio", "enrolments"): ("reach", "enrolled"),
    ("portfolio", "citizens_reached"): ("reach", "enrolled"),
}

#: Counts that are implied by other columns and so must be as safe as a published count:
#: name → function of the table giving the count (NaN or 0 where it does not apply). A
#: share times its denominator is a count; so is a denominator less its numerator.
IMPLIED_COUNTS: dict[str, Callable[[pd.DataFrame], pd.Series]] = {}

#: Derived column → the counts (columns or :data:`IMPLIED_COUNTS`) it is built on. A derived
#: figure is hidden when any of its counts that exist in the same table is hidden: a share,
#: rate, mean, value or per-person cost of a hidden count would give it back. To protect
#: a new column, add it here; every output path reads this mapping.
DERIVED_FROM: dict[str, tuple[str, ...]] = {}

#: Numeric columns that rest on no count of people: money, targets, periods, rules and
#: assumptions, official population statistics, and the municipality's indicator series
#: (their charts hide small months themselves). Every numeric column of the metric tables
#: is a count, a derived figure or one of these (tests/test_privacy.py checks it), so a new
#: column cannot slip out unprotected.
NOT_ABOUT_PEOPLE = frozenset({
    "budget_nok", "grants_nok", "grants_share_of_budget", "fund_cost_nok", "fund_spent_share",
    "grants_used_share", "total_cost_nok", "in_kind_nok", "cofunding_nok", "leverage",
    "months_total", "months_elapsed", "elapsed_share", "pilots", "pilots_not_started",
    "pilots_running", "pilots_ended", "reach_target", "target_population", "target_share",
    "expected_enrolled", "grant_nok", "grant_used_share", "run_rate",
    "outcome_higher_is_better", "outcome_min_required", "outcome_mid", "public_cost_nok",
    "forecast_fund_cost_nok", "amount_nok", "cash_nok", "share_of_total", "mid", "rci_sd",
    "higher_is_better", "n_months", "n_pre", "n_post", "level_change", "level_change_se",
    "level_change_ci_low", "level_change_ci_high", "level_rr", "level_rr_ci_low",
    "level_rr_ci_high", "dispersion", "deadweight_applied", "value_nok", "deadweight",
    "attribution", "displacement", "drop_off", "duration_years", "discount_rate", "pv_factor",
    "observed_share_of_year1", "tax_financing_cost", "cost_for_ratio_nok", "n_measures",
    "base_value", "low_value", "high_value", "applied", "value", "default", "overridden",
    # an ordinal rating and the timing of money and follow-ups, no count of people
    "evidence_level", "benefit_years_from_base", "cost_years_from_base",
    # checks of the municipality's indicator series
    "autocorrelation", "autocorrelation_p", "autocorrelated", "pre_trend_break",
    "pre_trend_break_p", "pre_period_sensitive",
    # after the agreement: money by type, the period observed, the chosen scale, today's
    # services' prices, and the enterprises' own accounts (no person in them)
    "observed_years", "start_up_cost_nok", "fixed_cost_nok", "variable_cost_nok",
    "fixed_cost_per_year_nok", "scale_up_share", "unit_cost_nok", "year",
    "fund_nok", "municipality_nok", "ferd_nok", "other_public_nok", "private_customers_nok",
    "donations_nok", "other_income_nok", "income_total_nok", "total_costs_nok", "result_nok",
    "municipality_share", "fund_share", "public_share", "ferd_share", "ferd_investment_nok",
    "first_year", "last_year", "years", "income_first_nok", "income_last_nok",
    "municipality_share_first", "municipality_share_last", "municipality_share_change",
    "ferd_investment_total_nok", "part_year",
})

#: Value-for-money figures: what turns successes (or units) into kroner. Each is hidden with
#: the successes it rests on (:data:`DERIVED_FROM`), also in ``value_by_pilot`` (a sum over
#: measures) and ``sensitivity`` (the ratios of one pilot and measure).
VALUE_COLUMNS: tuple[str, ...] = (
    "quantity_net_of_counterfactual", "attributable_successes", "attributable_units",
    "annual_value_nok", "observed_value_nok", "projected_value_nok", "social_value_pv_nok",
    "net_value_nok", "benefit_cost_ratio", "break_even_value_nok", "net_successes",
    "quantity_ci_low", "quantity_ci_high", "social_value_pv_low_nok",
    "social_value_pv_high_nok", "benefit_cost_ratio_low", "benefit_cost_ratio_high",
)
_SENSITIVITY_COLUMNS = ("base_value", "low_value", "high_value", "ratio_base", "ratio_low",
                        "ratio_high")

#: Counts one table publishes that are the same people as a count of another table: they
#: carry that count's code, so two tables never hide different cells of the same numbers.
LINKED: dict[tuple[str, str], tuple[str, str]] = {
    ("cost", "participants"): ("reach", "enrolled"),
    ("cost", "completers"): ("reach", "completed"),
    ("scorecard", "enrolled"): ("reach", "enrolled"),
    ("scenarios", "enrolled"): ("reach", "enrolled"),
    ("unit_costs", "enrolled"): ("reach", "enrolled"),
}


def _num(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(np.nan, index=frame.index)
    return pd.to_numeric(frame[col], errors="coerce").astype(float)


def _where(frame: pd.DataFrame, col: str, value: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[col].astype("string").fillna("").eq(value).astype(bool)


def _per_success(f: pd.DataFrame) -> pd.Series:
    """Rows whose value is a count of successes (``basis`` per_success, or no basis)."""
    if "basis" not in f.columns:
        return pd.Series(True, index=f.index)
    return ~_where(f, "basis", "per_unit")


def _comparison_successes(f: pd.DataFrame) -> pd.Series:
    return (_num(f, "success_rate_comparison") * _num(f, "n_comparison")).round()


def _comparison_reversals(f: pd.DataFrame) -> pd.Series:
    """The comparison group's reversals as the value row gives them back: its successes
    less its net successes, (net_P − q) × n_C / n_P, q the quantity net of the
    counterfactual (no deadweight with a comparison group)."""
    net_pilot = _num(f, "successes") - _num(f, "reversals")
    net_comparison = ((net_pilot - _num(f, "quantity_net_of_counterfactual"))
                      * _num(f, "n_comparison") / _num(f, "n_measured"))
    return (_comparison_successes(f) - net_comparison).round()


IMPLIED_COUNTS.update({
    # outcomes: an estimate with a comparison group rests on that group too
    "n_comparison_in_estimate": lambda f: _num(f, "n_comparison").where(
        _where(f, "design", "did"), 0.0),
    "reliably_improved": lambda f: (_num(f, "share_reliably_improved") * _num(f, "n_pilot")).round(),
    "not_reliably_improved": lambda f: (
        _num(f, "n_pilot") - (_num(f, "share_reliably_improved") * _num(f, "n_pilot")).round()),
    "reliably_deteriorated": lambda f: (
        _num(f, "share_reliably_deteriorated") * _num(f, "n_pilot")).round(),
    "not_reliably_deteriorated": lambda f: (
        _num(f, "n_pilot")
        - (_num(f, "share_reliably_deteriorated") * _num(f, "n_pilot")).round()),
    # value for money: successes, those measured who did not succeed, and the same in the
    # comparison group (its rate times its size), where the value counts successes
    "successes_in_value": lambda f: _num(f, "successes").where(_per_success(f), 0.0),
    "non_successes": lambda f: (_num(f, "n_measured") - _num(f, "successes")).where(
        _per_success(f), 0.0),
    "comparison_successes": lambda f: _comparison_successes(f).where(
        _per_success(f) & _where(f, "design", "did"), 0.0),
    "comparison_non_successes": lambda f: (
        _num(f, "n_comparison") - _comparison_successes(f)).where(
        _per_success(f) & _where(f, "design", "did"), 0.0),
    # without a comparison group the value counts successes net of reversals, so it gives
    # the reversals back
    "reversals_in_value": lambda f: _num(f, "reversals").where(
        _per_success(f) & ~_where(f, "design", "did"), 0.0),
    # with one it gives reversals_P + n_P/n_C × reversals_C; as people come whole, that
    # one equation has a single solution in small counts (72·r_P − 59·r_C = 111 only for
    # 4 and 3) once both groups' successes are known. So a small count of reversals hides
    # its group's successes: the pilot's by rule (:func:`_table_codes`), the comparison
    # group's rate through this implied count
    "comparison_reversals": lambda f: _comparison_reversals(f).where(
        _per_success(f) & _where(f, "design", "did"), 0.0),
    # the analysed baselines at the scale's limit, and the others
    "at_ceiling": lambda f: (_num(f, "ceiling_share") * (
        _num(f, "n_pilot") + _num(f, "n_comparison").where(_where(f, "design", "did"), 0.0))
    ).round(),
    "not_at_ceiling": lambda f: ((1 - _num(f, "ceiling_share")) * (
        _num(f, "n_pilot") + _num(f, "n_comparison").where(_where(f, "design", "did"), 0.0))
    ).round(),
})

_EFFECT = ("n_pilot", "n_comparison_in_estimate")
_VALUE_BASES = ("n_measured", "successes_in_value", "non_successes", "comparison_successes",
                "comparison_non_successes", "n_comparison_in_estimate", "reversals_in_value")
_ATTRITION = ("n_baseline", "n_missing_due", "n_not_yet_due")
_COMPARISON_ATTRITION = ("n_comparison", "n_comparison_missing_due")
#: After the agreement (metrics/decision.py): every figure of a case rests on what a
#: participant costs (variable costs / enrolled), so with the case's cost, its number of
#: participants and the variable costs it gives the enrolled back; per participant-year the
#: same. Hidden with the pilot's enrolled.
_AFTER_DERIVED = (
    "participants_per_year_today", "participants_per_year", "variable_cost_per_participant_nok",
    "variable_cost_per_participant_low_nok", "variable_cost_per_participant_high_nok",
    "cost_per_year_nok", "cost_per_year_low_nok", "cost_per_year_high_nok",
    "change_from_today_nok", "budget_nominal_nok", "budget_nominal_low_nok",
    "budget_nominal_high_nok", "budget_discounted_nok", "budget_discounted_low_nok",
    "budget_discounted_high_nok", "pilot_cost_per_participant_year_nok",
    "pilot_cost_per_participant_year_low_nok", "pilot_cost_per_participant_year_high_nok",
    "difference_nok", "ratio", "participant_years",
)
DERIVED_FROM.update({c: ("enrolled",) for c in _AFTER_DERIVED})
# a case's notes say how its participants compare with today's ("far_beyond": more than
# twice as many) and whether a participant-year was observed: with the target or the
# population they bound the enrolled. Only the after-the-agreement tables have both columns.
DERIVED_FROM["note"] = ("enrolled",)
DERIVED_FROM.update({
    # cost (scenarios: per participant of those enrolled)
    "cost_per_participant_nok": ("participants", "enrolled"),
    "cost_per_completer_nok": ("completers",),
    # reach (per pilot, per group, portfolio)
    "completion_rate": ("completed", "dropped_out"),
    "coverage_share": ("enrolled", "citizens_reached"),
    "reach_target_share": ("enrolled",),
    "share": ("enrolled",),
    "median_days_in_programme": ("enrolled",),
    "session_hours": ("enrolled",),
    "hours_per_participant": ("enrolled",),
    # scorecard
    "reach_ratio": ("enrolled",),
    "outcome_improvement": ("outcome_n",),
    "outcome_ci_low": ("outcome_n",),
    "outcome_ci_high": ("outcome_n",),
    "outcome_meets_mid": ("outcome_n",),
    # outcomes: a group below k never shows its means
    "baseline_mean": ("n_pilot",),
    "followup_mean": ("n_pilot",),
    "comparison_baseline_mean": ("n_comparison",),
    "comparison_followup_mean": ("n_comparison",),
    "attrition_share": ("n_baseline", "n_missing_followup"),
    # attrition of the follow-ups due; the tipping point gives the missing back with the
    # improvement and n_pilot; the other checks rest on the groups' means
    "attrition_due_share": _ATTRITION,
    "comparison_attrition_share": _COMPARISON_ATTRITION,
    "overall_attrition": (*_ATTRITION, *_COMPARISON_ATTRITION),
    "differential_attrition": (*_ATTRITION, *_COMPARISON_ATTRITION),
    "tipping_point_improvement": (*_EFFECT, "n_missing_due"),
    "ceiling_share": (*_EFFECT, "at_ceiling", "not_at_ceiling"),
    "outcome_clears_mid": ("outcome_n",),
    **{c: _EFFECT for c in ("estimate", "se", "ci_low", "ci_high", "p_value", "effect_size",
                            "improvement_ci_low", "improvement_ci_high", "meets_mid", "mde",
                            "mde_sd", "clears_mid", "baseline_std_diff",
                            "rtm_expected_improvement", "n_clusters")},
    # the estimator's description names clusters and degrees of freedom ("4 clusters, df =
    # 2.0") or says "fewer than 2 people": words that give a small count back
    "method": _EFFECT,
    "improvement": (*_EFFECT, "n_measured"),  # outcomes; value_for_money (per_unit)
    "share_reliably_improved": ("n_pilot", "reliably_improved", "not_reliably_improved"),
    "share_reliably_deteriorated": ("n_pilot", "reliably_deteriorated",
                                    "not_reliably_deteriorated"),
    # value for money: every figure that turns successes into kroner
    "success_rate_pilot": ("n_measured", "successes_in_value", "non_successes"),
    "success_rate_comparison": ("n_comparison", "comparison_successes",
                                "comparison_non_successes", "comparison_reversals"),
    **{c: _VALUE_BASES for c in VALUE_COLUMNS},
})


def _count_codes(n: pd.Series, k: int) -> pd.Series:
    code = pd.Series(SHOWN, index=n.index, dtype=object)
    return code.mask((n > 0) & (n < k), PRIMARY)


def _small(n: np.ndarray, k: int) -> np.ndarray:
    """Counts ``0 < n < k`` (NaN is not small)."""
    return (n > 0) & (n < k)


def _table_codes(name: str, frame: pd.DataFrame, k: int,
                 linked: Mapping[tuple[str, str], pd.Series]) -> pd.DataFrame:
    """Codes of one table; ``linked`` gives codes of counts fixed by another table."""
    # Column by column in numpy: the tables are small and many, and pandas' per-call cost
    # (index copies, alignment) was most of a report's privacy time.
    rows = len(frame)
    codes: dict[str, np.ndarray] = {c: np.full(rows, SHOWN, dtype=object) for c in frame.columns}
    numbers: dict[str, np.ndarray] = {}

    def num(col: str) -> np.ndarray:
        if col not in numbers:
            numbers[col] = _num(frame, col).to_numpy(float)
        return numbers[col]

    def shown(col: str) -> np.ndarray:
        return codes[col] == SHOWN

    def hide_where(col: str, condition: np.ndarray, code: str) -> None:
        codes[col] = np.where(condition, code, codes[col]).astype(object)

    counts = [c for c in frame.columns if c in COUNT_COLUMNS]
    split = GROUP_SPLITS.get(name)
    by_split = split is not None and split in (frame.index.names or [])
    for col in counts:
        n = num(col)
        if by_split:
            codes[col] = suppression_codes(pd.Series(n, index=frame.index), k,
                                           groups=split).to_numpy(object)
        else:
            hide_where(col, _small(n, k), PRIMARY)
        if linked.get(("margin", name, col)) is not None:  # a sum with a hidden part
            hide_where(col, shown(col) & ~(n <= 0), COMPLEMENTARY)
        if (name, col) in linked:  # the same people, hidden as the other table hides them
            other = linked[(name, col)].reindex(frame.index.get_level_values(0))
            other = pd.Series(other.to_numpy(object)).fillna(SHOWN).to_numpy(object)
            # and marked as there: a "<k" here beside a ":" there would tell which is small
            keep = (other == SHOWN) | (~shown(col) & (other != COMPLEMENTARY))
            hide_where(col, ~keep, COMPLEMENTARY)
        if by_split and ("split", col) in linked:
            # a hidden total: its split must not add up to it, and its zeros must not say
            # which group the few people are in ("0 gutter" beside a hidden 1)
            total = linked[("split", col)]
            pilots = frame.index.get_level_values(split)
            total_hidden = pd.Series(total.reindex(pilots).to_numpy(object)).fillna(SHOWN) \
                .to_numpy(object) != SHOWN
            hide_where(col, total_hidden & shown(col), COMPLEMENTARY)
    for total, parts in ROW_PARTS.items():
        present = [p for p in parts if p in frame.columns]
        if total not in frame.columns or len(present) < len(parts):
            continue  # with a part missing, the others do not add up to the total
        block = np.column_stack([num(p) for p in present])
        stacked = pd.Series(block.ravel(), index=pd.MultiIndex.from_product(
            [range(rows), range(len(present))], names=["row", "part"]))
        hide = suppression_mask(stacked, k, groups="row")
        marks = suppression_codes(stacked, k, groups="row", hidden=hide).to_numpy(object)
        marks, hide = marks.reshape(block.shape), hide.to_numpy(bool).reshape(block.shape)
        # where the total is shown, ":" also over a small part that "<k" would pin to it
        total_shown = shown(total)
        for j, col in enumerate(present):
            loosen = ((marks[:, j] == COMPLEMENTARY) & total_shown
                      & ((codes[col] == SHOWN) | (codes[col] == PRIMARY)))
            loosen |= hide[:, j] & shown(col)
            hide_where(col, loosen, COMPLEMENTARY)
    for total, parts in TOTAL_HIDDEN_WITH_PART.items():
        if total in codes and all(p in codes for p in parts):
            part_hidden = np.logical_or.reduce([~shown(p) for p in parts])
            hide_where(total, part_hidden & shown(total) & (num(total) > 0), COMPLEMENTARY)
    if {"enrolments", "citizens_reached"} <= set(frame.columns):
        # enrolments less citizens reached counts the second enrolments of people in several
        # pilots: a small difference hides the number of citizens reached
        repeat = num("enrolments") - num("citizens_reached")
        hide_where("citizens_reached", _small(repeat, k) & shown("citizens_reached"),
                   COMPLEMENTARY)
    implied_small: dict[str, np.ndarray] = {}

    def implied(base: str) -> np.ndarray:
        if base not in implied_small:
            implied_small[base] = _small(
                IMPLIED_COUNTS[base](frame).fillna(0.0).to_numpy(float), k)
        return implied_small[base]

    # a count whose complement in its group is small is itself hidden (n − s gives it)
    if "successes" in frame.columns:
        extra = implied("non_successes") & shown("successes") & (num("successes") > 0)
        hide_where("successes", extra, COMPLEMENTARY)
    if {"successes", "reversals"} <= set(frame.columns):
        # successes less a small count of reversals is the net the value gives back
        small = (codes["reversals"] == PRIMARY) & shown("successes")
        hide_where("successes", small & (num("successes") > 0), COMPLEMENTARY)
    already = frame.attrs.get("suppressed")  # a table :func:`publishable` has emptied
    if (isinstance(already, pd.DataFrame) and already.index.is_unique
            and frame.index.isin(already.index).all()):  # also rows of it (one pilot's)
        already = already.reindex(frame.index, fill_value=False).astype(bool)
        for col in already.columns.intersection(frame.columns):
            hide_where(col, already[col].to_numpy(bool), DERIVED)
    numeric = [c for c in frame.columns if c not in counts and c in DERIVED_FROM]
    for col in numeric:
        hide = np.zeros(rows, dtype=bool)
        for base in DERIVED_FROM[col]:
            if base in codes and base in counts:
                hide |= ~shown(base)
            elif base in IMPLIED_COUNTS and _implied_applies(base, frame):
                hide |= implied(base)
        hide_where(col, hide & frame[col].notna().to_numpy(bool), DERIVED)
    return pd.DataFrame(codes, index=frame.index, columns=frame.columns, dtype=object)


def _implied_applies(base: str, frame: pd.DataFrame) -> bool:
    """An implied count is only used where the columns it is made of are in the table."""
    needs = {"n_comparison_in_estimate": ("n_comparison", "design"),
             "reliably_improved": ("share_reliably_improved", "n_pilot"),
             "not_reliably_improved": ("share_reliably_improved", "n_pilot"),
             "reliably_deteriorated": ("share_reliably_deteriorated", "n_pilot"),
             "not_reliably_deteriorated": ("share_reliably_deteriorated", "n_pilot"),
             "successes_in_value": ("successes",),
             "non_successes": ("successes", "n_measured"),
             "comparison_successes": ("success_rate_comparison", "n_comparison"),
             "comparison_non_successes": ("success_rate_comparison", "n_comparison"),
             "reversals_in_value": ("reversals",),
             "comparison_reversals": (
                 "reversals", "successes", "n_measured", "n_comparison",
                 "success_rate_comparison", "quantity_net_of_counterfactual")}
    return all(c in frame.columns for c in needs.get(base, ()))


def disclosure_codes(tables: Mapping[str, pd.DataFrame], min_cell_size: int
                     ) -> dict[str, pd.DataFrame]:
    """Which published figures of a set of metric tables must be hidden, and why.

    Parameters
    ----------
    tables : mapping of table name → DataFrame
        :func:`pilot_eval.metrics.metric_tables` (or some of them), exact figures.
    min_cell_size : int
        ``k``: counts ``0 < n < k`` are hidden.

    Returns
    -------
    dict of table name → DataFrame of str
        Same index and columns as each table; each cell is :data:`SHOWN` (``""``),
        :data:`PRIMARY` (a small count: print ``"<k"``), :data:`COMPLEMENTARY` (a count
        hidden to protect another: print ``":"``) or :data:`DERIVED` (a rate, mean, value
        or cost built on a hidden count).

    Notes
    -----
    The rules, in order (docs/privacy.md):

    1. Primary: every count of people (:data:`COUNT_COLUMNS`) with ``0 < n < k``.
    2. Complementary: within a pilot's split by area, gender or age
       (:data:`GROUP_SPLITS`) and among the parts of a row total (:data:`ROW_PARTS`), by
       :func:`suppression_mask`; a count that is the same people as another table's
       (:data:`LINKED`) is hidden as that one is; a split whose total is hidden is hidden,
       zeros included; a sum of a column with a hidden cell (:data:`MARGINS`) is hidden.
    3. Derived: a figure listed in :data:`DERIVED_FROM` is hidden when any of its counts,
       or a count it implies (:data:`IMPLIED_COUNTS`: share × denominator, denominator −
       numerator), is hidden or small. ``value_by_pilot`` (sums over measures) and
       ``sensitivity`` hide a pilot's or measure's figures when one of its values is hidden.

    Examples
    --------
    >>> import pandas as pd
    >>> reach = pd.DataFrame({"enrolled": [40, 12], "completed": [30, 9], "dropped_out": [8, 2],
    ...                       "moved": [2, 1], "exited_other": [0, 0], "active": [0, 0],
    ...                       "completion_rate": [0.75, 0.75]},
    ...                      index=pd.Index(["mentor", "lekse"], name="pilot_id"))
    >>> codes = disclosure_codes({"reach": reach}, min_cell_size=5)["reach"]
    >>> codes.loc["mentor", ["moved", "dropped_out", "completion_rate"]].tolist()
    ['primary', 'complementary', 'derived']
    """
    if min_cell_size < 1:
        raise UsageError(f"min_cell_size={min_cell_size!r} must be at least 1.")
    k = int(min_cell_size)
    out: dict[str, pd.DataFrame] = {}
    linked: dict[tuple[str, str], pd.Series] = {}
    order = ["reach", *[n for n in tables if n != "reach"]]
    for name in order:
        if name not in tables:
            continue
        frame = tables[name]
        if name == "value_by_pilot" or name == "sensitivity":
            continue
        out[name] = _table_codes(name, frame, k, linked)
        if name == "reach":
            for (other, col), (src, src_col) in LINKED.items():
                if src == "reach" and src_col in out["reach"].columns:
                    linked[(other, col)] = out["reach"][src_col]
            for col in ("enrolled", "completed", "dropped_out"):
                if col in out["reach"].columns:
                    linked[("split", col)] = out["reach"][col]
            for (table, col), (src, src_col) in MARGINS.items():
                if src == "reach" and src_col in out["reach"].columns \
                        and out["reach"][src_col].ne(SHOWN).any():
                    linked[("margin", table, col)] = out["reach"][src_col]
    value_codes = out.get("value_for_money")
    if value_codes is None and "value_for_money" in tables:
        value_codes = _table_codes("value_for_money", tables["value_for_money"], k, {})
    hidden_rows = _hidden_value_rows(tables.get("value_for_money"), value_codes)
    for name in ("value_by_pilot", "sensitivity"):
        if name in tables:
            out[name] = _value_dependent_codes(name, tables[name], hidden_rows)
    return {name: out[name] for name in tables if name in out}


def _hidden_value_rows(value: pd.DataFrame | None, codes: pd.DataFrame | None) -> pd.DataFrame:
    """(pilot_id, measure) of value rows whose value is hidden."""
    if value is None or codes is None or "social_value_pv_nok" not in codes.columns:
        return pd.DataFrame({"pilot_id": pd.Series(dtype=str), "measure": pd.Series(dtype=str)})
    flat = value.reset_index()
    hidden = codes["social_value_pv_nok"].eq(DERIVED).to_numpy(bool)
    return pd.DataFrame({"pilot_id": flat["pilot_id"].astype(str).to_numpy()[hidden],
                         "measure": flat["measure"].astype(str).to_numpy()[hidden]})


def _value_dependent_codes(name: str, frame: pd.DataFrame, hidden_rows: pd.DataFrame
                           ) -> pd.DataFrame:
    codes = pd.DataFrame(SHOWN, index=frame.index, columns=frame.columns, dtype=object)
    flat = frame.reset_index()
    pilots = flat["pilot_id"].astype(str) if "pilot_id" in flat else pd.Series("", index=flat.index)
    if name == "value_by_pilot":
        hit = pilots.isin(set(hidden_rows["pilot_id"])).to_numpy(bool)
        cols = [c for c in frame.columns if c in VALUE_COLUMNS]
    else:
        measure = flat["measure"].astype(str) if "measure" in flat else pd.Series("", index=flat.index)
        keys = set(zip(hidden_rows["pilot_id"], hidden_rows["measure"], strict=True))
        hit = np.array([(p, m) in keys for p, m in zip(pilots, measure, strict=True)], dtype=bool)
        cols = [c for c in frame.columns if c in _SENSITIVITY_COLUMNS and c.startswith("ratio")]
    for col in cols:
        codes[col] = np.where(hit & frame[col].notna().to_numpy(bool), DERIVED, SHOWN)
    return codes


def table_disclosure_codes(name: str, frame: pd.DataFrame, min_cell_size: int) -> pd.DataFrame:
    """:func:`disclosure_codes` of one table on its own (no links to other tables).

    For a report's table or chart of one metric table (``reach``, ``outcomes``,
    ``value_for_money`` …): the same cells are hidden as in the workbook, which links
    tables only to hide *more* (never fewer) cells of ``cost``, ``scorecard`` and the
    splits by group.

    Parameters
    ----------
    name : str
        The metric table's name, as a key of :func:`pilot_eval.metrics.metric_tables`.
    frame : pandas.DataFrame
        The table, exact figures.
    min_cell_size : int

    Returns
    -------
    pandas.DataFrame of str
        As one table of :func:`disclosure_codes`.

    Examples
    --------
    >>> import pandas as pd
    >>> reach = pd.DataFrame({"enrolled": [40, 12], "completed": [30, 9], "dropped_out": [8, 2],
    ...                       "moved": [2, 1], "exited_other": [0, 0], "active": [0, 0],
    ...                       "completion_rate": [0.75, 0.75]},
    ...                      index=pd.Index(["mentor", "lekse"], name="pilot_id"))
    >>> table_disclosure_codes("reach", reach, 5).loc["mentor", ["dropped_out", "moved"]].tolist()
    ['complementary', 'primary']
    >>> # every part of lekse's 12 is hidden: marked alike, or 9, 2, 1 could be pinned
    >>> table_disclosure_codes("reach", reach, 5).loc["lekse", ["completed", "moved"]].tolist()
    ['complementary', 'complementary']
    """
    return disclosure_codes({name: frame}, min_cell_size)[name]


def publishable(name: str, frame: pd.DataFrame, min_cell_size: int, *,
                value_for_money: pd.DataFrame | None = None) -> pd.DataFrame:
    """A copy of a metric table for a report: derived figures built on a hidden count set
    to NaN (counts stay exact: tables and charts mark them "<k" or ":" themselves).

    Every reader of the table (text, tables, charts) then has nothing to invert. Columns
    ``value_by_pilot`` and ``sensitivity`` need the per-measure ``value_for_money`` (exact)
    to know which of their figures rest on a hidden value.

    Parameters
    ----------
    name : str
        The metric table's name, as a key of :func:`pilot_eval.metrics.metric_tables`.
    frame : pandas.DataFrame
        The table, exact figures.
    min_cell_size : int
    value_for_money : pandas.DataFrame, optional
        The exact ``value_for_money`` table, for ``value_by_pilot`` and ``sensitivity``.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself when nothing is derived from a hidden count; else a copy with the
        derived cells missing and ``attrs["suppressed"]`` the boolean mask of them.

    Examples
    --------
    >>> import pandas as pd
    >>> reach = pd.DataFrame({"enrolled": [40, 12], "completed": [30, 9], "dropped_out": [8, 2],
    ...                       "moved": [2, 1], "exited_other": [0, 0], "active": [0, 0],
    ...                       "completion_rate": [0.75, 0.75]},
    ...                      index=pd.Index(["mentor", "lekse"], name="pilot_id"))
    >>> shown = publishable("reach", reach, 5)
    >>> shown["moved"].tolist(), shown["completion_rate"].tolist()  # counts stay exact
    ([2, 1], [nan, nan])
    """
    tables = {name: frame}
    if value_for_money is not None and name in ("value_by_pilot", "sensitivity"):
        tables["value_for_money"] = value_for_money
    codes = disclosure_codes(tables, min_cell_size)[name]
    derived = codes.eq(DERIVED)
    if not derived.to_numpy().any():
        return frame
    out = frame.copy()
    for col in derived.columns[derived.any().to_numpy()]:
        mask = derived[col].to_numpy(bool)
        if pd.api.types.is_bool_dtype(out[col]) or out[col].dtype == object:
            out[col] = out[col].astype(object).where(~mask, None)
        else:
            out[col] = out[col].mask(mask)
    if "note" in out.columns and "social_value_pv_nok" in derived.columns:
        # say why the value is missing; "few measured, very uncertain" no longer applies,
        # and the sign of a hidden value (or of its interval) is not told either
        rows = derived["social_value_pv_nok"].to_numpy(bool)
        keys = out["note"].astype("string").fillna("").str.split(";")
        dropped = ("few_measured", "negative_effect", "negative_estimate", SUPPRESSED_NOTE)
        said = [";".join([*(k for k in ks if k and k not in dropped),
                          SUPPRESSED_NOTE])
                for ks in keys[rows]]
        note = out["note"].astype(object).to_numpy(copy=True)
        note[rows] = said
        out["note"] = pd.Series(note, index=out.index).astype(frame["note"].dtype)
    out.attrs = {**frame.attrs, "suppressed": derived}
    return out


def publishable_value(value: pd.DataFrame, min_cell_size: int, *,
                     by_measure: pd.DataFrame | None = None) -> pd.DataFrame:
    """A value-for-money table with the privacy rules applied, per measure or per pilot.

    :func:`publishable` of ``value_for_money`` (a table with a
    ``measure`` column or index level) or of ``value_by_pilot`` (the others), which needs
    the exact per-measure table to know which sums rest on a hidden value. Idempotent: a
    table the rules were applied to comes back the same.

    Parameters
    ----------
    value : pandas.DataFrame
        :func:`~pilot_eval.metrics.value.value_for_money` or
        :func:`~pilot_eval.metrics.value.value_for_money_by_pilot`, exact or published.
    min_cell_size : int
    by_measure : pandas.DataFrame, optional
        The exact per-measure table; required with a per-pilot ``value``.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> once = publishable_value(metrics.value_for_money(ds), 5)
    >>> publishable_value(once, 5).equals(once)
    True
    """
    per_measure = "measure" in value.columns or "measure" in (value.index.names or [])
    if per_measure:
        return publishable("value_for_money", value, min_cell_size)
    if by_measure is None and len(value):
        raise UsageError(
            "A value table per pilot sums values over measures, and which sums rest on a "
            "count too small to publish only the per-measure table tells: pass "
            "by_measure=metrics.value_for_money(ds), or pass that per-measure table instead.")
    if by_measure is None:
        return value  # no rows: nothing to hide
    return publishable("value_by_pilot", value, min_cell_size, value_for_money=by_measure)


#: Note key :func:`publishable` adds to a value row it empties (``value_note.suppressed``).
SUPPRESSED_NOTE = "suppressed"
