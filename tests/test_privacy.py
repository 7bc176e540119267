"""Identity numbers, organisation numbers, pseudonyms and small-cell suppression."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pilot_eval.errors import UsageError
from pilot_eval.privacy import (
    COMPLEMENTARY,
    PRIMARY,
    SHOWN,
    looks_like_identity_number,
    mask_identity_numbers,
    pseudonymise,
    suppression_codes,
    suppression_mask,
    valid_org_number,
)

# Synthetic numbers built with Skatteetaten's check-digit algorithm; the "+80 month" ones
# follow the convention of its synthetic test population, so they belong to nobody.
SYNTHETIC_FNR = ["01819010192", "01819010273"]
SYNTHETIC_DNR = ["41819010108"]  # D-number: day + 40


def _with_check_digits(first9: str) -> str:
    d = [int(c) for c in first9]
    k1 = 11 - sum(a * b for a, b in zip(d, [3, 7, 6, 1, 8, 9, 4, 5, 2])) % 11
    k1 = 0 if k1 == 11 else k1
    d.append(k1)
    k2 = 11 - sum(a * b for a, b in zip(d, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2])) % 11
    k2 = 0 if k2 == 11 else k2
    return first9 + str(k1) + str(k2)


def test_identity_numbers_are_found() -> None:
    dnr = _with_check_digits("418190101")
    assert len(dnr) == 11
    values = pd.Series([*SYNTHETIC_FNR, dnr, "018190 10192", "p-3f9a21c0", "01819010193",
                        "12345678901", "1234567890", None])
    assert looks_like_identity_number(values).tolist() == [True, True, True, True, False, False,
                                                           False, False, False]


def test_org_number() -> None:
    # 974760673 is Brønnøysundregistrene's own organisation number (public).
    ok = valid_org_number(pd.Series(["974760673", "974 760 673", "974760674", "12345", ""]))
    assert ok.tolist() == [True, True, False, False, False]


def test_pseudonymise_is_stable_and_keyed() -> None:
    ids = pd.Series(["a", "b", "a", None])
    one = pseudonymise(ids, key="a secret key of some length")
    two = pseudonymise(ids, key="a secret key of some length")
    other = pseudonymise(ids, key="another secret key, also long")
    assert one.iloc[0] == one.iloc[2] == two.iloc[0]
    assert one.iloc[0] != one.iloc[1] and one.iloc[0] != other.iloc[0]
    assert pd.isna(one.iloc[3]) and one.iloc[0].startswith("p-") and len(one.iloc[0]) == 18
    # HMAC-SHA256, checkable by hand with the standard library
    import hashlib
    import hmac

    expected = hmac.new(b"a secret key of some length", b"a", hashlib.sha256).hexdigest()[:16]
    assert one.iloc[0] == "p-" + expected
    with pytest.raises(UsageError, match="16 characters"):
        pseudonymise(ids, key="short")


def test_primary_and_complementary_suppression() -> None:
    counts = pd.Series([3, 40, 12, 20], index=pd.MultiIndex.from_tuples(
        [("a", "Rud"), ("a", "Sandvika"), ("a", "Stabekk"), ("b", "Rud")], names=["pilot", "area"]))
    hide = suppression_mask(counts, 5, groups="pilot")
    # Rud (3) is hidden; so is the next smallest in pilot a (12), or 3 = total − the rest
    assert hide.tolist() == [True, False, True, False]


def test_no_complementary_needed_when_two_hidden() -> None:
    counts = pd.Series([3, 2, 40])
    assert suppression_mask(counts, 5).tolist() == [True, True, False]
    assert suppression_mask(pd.Series([0, 7, 9]), 5).tolist() == [False, False, False]


def test_hidden_cells_together_reach_the_minimum() -> None:
    # 1 and 2 hidden add up to 3 < 5: total − the shown cells would reveal a group of 3
    assert suppression_mask(pd.Series([1, 2, 40, 50]), 5).tolist() == [True, True, True, False]
    # per group: only the group with the small cells loses more
    counts = pd.Series([1, 1, 1, 30, 2, 9, 30], index=pd.MultiIndex.from_tuples(
        [("a", i) for i in range(4)] + [("b", i) for i in range(3)], names=["pilot", "cell"]))
    assert suppression_mask(counts, 5, groups="pilot").tolist() == [
        True, True, True, True, True, True, False]


def test_suppression_rule_holds_on_random_tables() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        k = int(rng.integers(2, 11))
        n = pd.Series(rng.integers(0, 25, size=int(rng.integers(1, 8))))
        hide = suppression_mask(n, k)
        small = (n > 0) & (n < k)
        assert (hide[small]).all() and not hide[n == 0].any()
        if hide.any():
            assert hide.sum() >= 2 or (n > 0).sum() == 1
            assert n[hide].sum() >= k or hide.sum() == (n > 0).sum()


# --- identity numbers in every form (issue 10) ---------------------------------------------
# 15071210100 is the example; 01819010192 the synthetic number above (leading zero);
# a D-number (day + 40) and an H-number (month + 40), each with valid check digits.
FNR = "15071210100"
ZERO_FNR = SYNTHETIC_FNR[0]
DNR = _with_check_digits("418190101")
HNR = _with_check_digits("014190102")


@pytest.mark.parametrize("value", [
    FNR,
    "150712-10100",  # DDMMYY-NNNNN
    "150712 10100",
    "150712\u00a010100",  # no-break space
    "150712\u202f10100",  # narrow no-break space (Excel in Norwegian)
    "15.07.12 10100",
    "15.07.12-10100",
    "1 507 121 0100",
    FNR + ".0",  # float formatting of a number
    "'" + FNR,  # Excel's text apostrophe
    "\uff11\uff15\uff10\uff17\uff11\uff12\uff11\uff10\uff11\uff10\uff10",  # full-width digits
    "\u0661\u0665\u0660\u0667\u0661\u0662\u0661\u0660\u0661\u0660\u0660",  # Arabic-Indic digits
    "Rud " + FNR,  # inside longer text (an area)
    f"Refusjon for {FNR[:6]} {FNR[6:]}, mars",  # inside a cost description
    ZERO_FNR,
    ZERO_FNR[1:],  # leading zero lost in a numeric cell: 10 digits
    ZERO_FNR[1:] + ".0",
    "'" + ZERO_FNR[1:],
    DNR,
    HNR,
])
def test_identity_number_forms_are_found(value: str) -> None:
    assert looks_like_identity_number(pd.Series([value], dtype="str")).tolist() == [True]


@pytest.mark.parametrize("value", [
    "15071210101",  # wrong check digit
    "12345678901",
    "1234567890",  # 10 digits that are no fødselsnummer with a zero in front
    "31021210100",  # 31 February: no such birth date (check digits made valid below)
    "1503.12.34567",  # a bank account number grouped as one
    "2025-03-01 12:30:00",  # a date and time
    "p-3f9a21c0",
    f"p-a{FNR}bcde",  # a hexadecimal pseudonym whose digits happen to run to 11
    FNR + "5",  # 12 digits: part of a longer number
    "Rud 150712101",
    "",
])
def test_other_numbers_are_not_identity_numbers(value: str) -> None:
    if value == "31021210100":
        value = _with_check_digits("310212101")
    assert looks_like_identity_number(pd.Series([value], dtype="str")).tolist() == [False]


def test_identity_check_never_raises_on_odd_text() -> None:
    odd = pd.Series(["\x00" * 11, "١" * 40, "🙂" * 11, None, "9" * 400, "ﬀ1"],
                    dtype=object)
    assert looks_like_identity_number(odd).tolist() == [False] * 6


def test_masks_show_no_digit_of_the_number() -> None:
    masked = mask_identity_numbers(pd.Series(["Rud " + FNR, "150712-10100", ZERO_FNR[1:], "Rud"],
                                             dtype="str")).tolist()
    assert masked == ["Rud ***********", "******-*****", "**********", "Rud"]


def test_pseudonyms_are_never_taken_for_identity_numbers() -> None:
    ids = pseudonymise(pd.Series([f"id-{i}" for i in range(20_000)]), key="a key for this test only")
    assert not looks_like_identity_number(ids).any()


def _values_a_reader_can_solve_for(counts: list[int], k: int) -> list[set[int]]:
    """Every value each "<k" cell could hold, given what the table shows: the shown
    cells, the group's total, that "<k" means 1 to k-1 and ":" (hidden to protect a
    small one) means at least k."""
    hide = suppression_mask(pd.Series(counts), k).tolist()
    small = [i for i, (n, h) in enumerate(zip(counts, hide)) if h and 0 < n < k]
    other = [i for i, (n, h) in enumerate(zip(counts, hide)) if h and n >= k]
    total = sum(counts[i] for i in small + other)
    possible: list[set[int]] = [set() for _ in small]
    import itertools

    for values in itertools.product(range(1, k), repeat=len(small)):
        rest = total - sum(values)
        if (other and rest >= k * len(other)) or (not other and rest == 0):
            for j, v in enumerate(values):
                possible[j].add(v)
    return possible


@pytest.mark.parametrize("counts", [
    [13, 9, 5, 1, 60],          # an area chart: "skjult" 5 and "<5" 1 added up to 6
    [11, 1, 1, 1, 5, 0],        # dropped out by area: three "<5" and one ":" added up to 8
    [13, 0, 5, 1],              # by gender: 5 and 1
    [4, 4, 30, 50],             # two "<5" adding up to 8: both 4
    [2, 3, 40], [1, 2, 40, 50], [3, 40, 12], [1, 5, 5, 5, 100], [3, 6, 3],
])
def test_no_small_cell_can_be_solved_for_from_the_marks_and_the_total(counts) -> None:
    """A reader who knows the rule and the total cannot pin a "<5" to one value."""
    for possible in _values_a_reader_can_solve_for(counts, 5):
        assert len(possible) >= 2, (counts, possible)


def test_a_pilot_hidden_in_reach_cannot_be_had_from_the_total_nor_described_by_its_split():
    """Four pilots, one with a single participant: the sum over the pilots (the portfolio's
    enrolments, and the coverage share built on it) is hidden, or it would give her back;
    and her split by gender shows no zero that would say which gender she is."""
    from pilot_eval.privacy import COMPLEMENTARY, PRIMARY, SHOWN, disclosure_codes

    pilots = pd.Index(["a", "b", "c", "d"], name="pilot_id")
    reach = pd.DataFrame({"enrolled": [131, 50, 42, 1]}, index=pilots)
    portfolio = pd.DataFrame({"enrolments": [224], "citizens_reached": [224],
                              "target_population": [26_564.0],
                              "coverage_share": [224 / 26_564]})
    split = pd.DataFrame(
        {"enrolled": [60, 71, 25, 25, 20, 22, 1, 0]},
        index=pd.MultiIndex.from_product([["a", "b", "c", "d"], ["jente", "gutt"]],
                                         names=["pilot_id", "gender"]))
    codes = disclosure_codes({"reach": reach, "reach_by_gender": split,
                              "portfolio": portfolio}, 5)
    assert codes["reach"]["enrolled"].tolist() == [SHOWN, SHOWN, SHOWN, PRIMARY]
    sums = codes["portfolio"].iloc[0]
    assert sums["enrolments"] == COMPLEMENTARY and sums["citizens_reached"] == COMPLEMENTARY
    assert sums["coverage_share"] != SHOWN  # 224 / 26 564 gives the sum back
    lone = codes["reach_by_gender"].loc["d", "enrolled"].tolist()
    assert SHOWN not in lone  # neither her 1 nor the 0 beside it


def test_value_row_cannot_give_back_small_counts_of_reversals():
    """The quantity of a value row is (S_P − r_P) − n_P/n_C (S_C − r_C). With both groups'
    successes shown, 72·r_P − 59·r_C = 111 has one solution in small counts (4 and 3): a
    small count of reversals hides its group's successes (the comparison group's rate)."""
    from pilot_eval.privacy import COMPLEMENTARY, PRIMARY, SHOWN, disclosure_codes

    row = pd.DataFrame({
        "basis": ["per_success"], "design": ["did"], "n_measured": [59], "n_comparison": [72],
        "successes": [7], "reversals": [4], "success_rate_comparison": [7 / 72],
        "quantity_net_of_counterfactual": [(7 - 4) - 59 / 72 * (7 - 3)],
        "social_value_pv_nok": [-5_000.0]},
        index=pd.MultiIndex.from_tuples([("jobb", "trivsel")], names=["pilot_id", "measure"]))
    codes = disclosure_codes({"value_for_money": row}, 5)["value_for_money"].iloc[0]
    assert codes["reversals"] == PRIMARY
    assert codes["successes"] == COMPLEMENTARY
    assert codes["success_rate_comparison"] != SHOWN


# --- a split whose every non-zero cell is hidden (issue 14) -----------------------------------
def _reader_bounds(codes: list[str], counts: list[int], k: int) -> list[tuple[float, float]]:
    """What a reader knows of each hidden cell from its mark: "<k" is 1 to k-1; ":" beside
    a "<k" at least k (hidden to protect it); ":" with no "<k" in the group at least 1."""
    small_marked = PRIMARY in codes
    return [(1, k - 1) if c == PRIMARY else (k if small_marked and n >= k else 0 if n == 0
                                             else 1, float("inf"))
            for c, n in zip(codes, counts, strict=True) if c != SHOWN]


def _solutions(bounds: list[tuple[float, float]], total: int) -> list[set[int]]:
    import itertools

    ranges = [range(int(lo), int(min(hi, total)) + 1) for lo, hi in bounds]
    possible: list[set[int]] = [set() for _ in bounds]
    for values in itertools.product(*ranges):
        if sum(values) == total:
            for j, v in enumerate(values):
                possible[j].add(v)
    return possible


def test_a_fully_hidden_split_does_not_pin_its_cells_through_the_marks() -> None:
    """7 people by gender 5, 1, 0, 1: ":", "<5", "0", "<5" gave 5, 1, 1 back (a ":" is at
    least 5, a "<5" at least 1, and they add up to 7). Every hidden cell is ":" now."""
    codes = suppression_codes(pd.Series([5, 1, 0, 1]), 5).tolist()
    assert codes == [COMPLEMENTARY, COMPLEMENTARY, SHOWN, COMPLEMENTARY]
    assert all(len(p) >= 2 for p in _solutions(_reader_bounds(codes, [5, 1, 0, 1], 5), 7))
    # 4 and 4 of 8 ("<5", "<5" could only be 4 + 4), 6 and 1 of 7, 1, 5, 5 of 11
    for counts in ([4, 4], [6, 1], [1, 5, 5], [2, 3, 0]):
        assert PRIMARY not in suppression_codes(pd.Series(counts), 5).tolist(), counts
    # with a large hidden cell the "<5" stays: 2 and 40 of 42 pin nothing
    assert suppression_codes(pd.Series([0, 2, 40]), 5).tolist() == [SHOWN, PRIMARY,
                                                                     COMPLEMENTARY]
    # each of two cells holds one person: ":" alone would still say so; the zero goes too
    assert suppression_codes(pd.Series([1, 1, 0]), 5).tolist() == [COMPLEMENTARY] * 3


def test_no_hidden_cell_is_pinned_by_the_marks_nor_by_rerunning_the_rule() -> None:
    """Every group of two or three cells of up to 9 people: a reader who knows the marks'
    bounds finds two values or more for every hidden non-zero cell; so does one who tries
    every split of the same total and zeros through the rule (the rule's own choice of
    marks gives nothing away)."""
    import collections
    import itertools

    k = 5
    for size in (2, 3):
        seen = collections.defaultdict(list)
        for counts in itertools.product(range(10), repeat=size):
            if sum(counts) < k or sum(counts) > 9:
                continue
            codes = tuple(suppression_codes(pd.Series(counts), k).tolist())
            hidden = [n for n, c in zip(counts, codes, strict=True) if c != SHOWN]
            if hidden:
                found = _solutions(_reader_bounds(list(codes), list(counts), k), sum(hidden))
                assert all(len(p) >= 2 for p, n in zip(found, hidden, strict=True) if n), \
                    (counts, codes)
            shown = tuple(n if c == SHOWN else None for n, c in zip(counts, codes, strict=True))
            seen[(codes, shown)].append(counts)
        for (codes, _), alike in seen.items():
            for i, c in enumerate(codes):
                if c != SHOWN:
                    assert len({a[i] for a in alike}) >= 2, (alike, codes)


def test_split_and_row_parts_follow_the_marks_rule() -> None:
    """In the workbook's codes: the gender split of a pilot of 7 (5, 1, 0, 1) and a reach
    row of 7 = 5 completed + 1 dropped out + 1 moved have no "<5" left to pin them."""
    from pilot_eval.privacy import disclosure_codes

    pilots = pd.Index(["a", "b"], name="pilot_id")
    reach = pd.DataFrame({"enrolled": [7, 40], "active": [0, 40], "completed": [5, 0],
                          "dropped_out": [1, 0], "moved": [1, 0], "exited_other": [0, 0]},
                         index=pilots)
    split = pd.DataFrame({"enrolled": [5, 1, 0, 1, 20, 20, 0, 0]}, index=pd.MultiIndex.from_product(
        [["a", "b"], ["jente", "gutt", "annet", "ukjent"]], names=["pilot_id", "gender"]))
    codes = disclosure_codes({"reach": reach, "reach_by_gender": split}, 5)
    assert codes["reach_by_gender"].loc["a", "enrolled"].tolist() == [
        COMPLEMENTARY, COMPLEMENTARY, SHOWN, COMPLEMENTARY]
    row = codes["reach"].loc["a", ["completed", "dropped_out", "moved"]].tolist()
    assert row == [COMPLEMENTARY] * 3
