"""Generic estimators: before/after change, two groups, difference-in-differences,
interrupted time series, reliable change and minimum detectable effect.

This module knows nothing about pilots. Every estimator is a thin wrapper over
statsmodels (or scipy) that returns a small, tidy result object, so that numbers match
the textbooks they are tested against (see ``tests/test_stats.py``):

* :func:`paired_change` -- mean of within-person changes, t interval, Hedges' g_av.
* :func:`two_group` -- difference in means, Welch t interval, Hedges' g_s.
* :func:`ratio_estimate` -- ratio of totals of paired observations (Cochran's ratio
  estimator), linearisation standard error, t interval.
* :func:`did` -- OLS difference-in-differences (Wooldridge, Example 13.3 and 13.4;
  Card & Krueger 1994, Table 3), with small-sample cluster-robust inference on request:
  CR2 with Bell-McCaffrey df, or the wild cluster bootstrap (``small_sample=``).
* :func:`its` -- segmented regression for an interrupted time series, Gaussian or
  (quasi-)Poisson with an offset and harmonic seasonality (Lopez Bernal, Cummins &
  Gasparrini 2017); optional Newey-West errors, and checks of residual autocorrelation
  and of a slope break within the pre-period.
* :func:`reliable_change` -- Jacobson & Truax (1991) reliable change index.
* :func:`min_detectable_effect` -- the smallest effect a sample detects with given power.

Conventions
-----------
Small or degenerate inputs (fewer than two usable observations, zero variance, an empty
group, a design that cannot be estimated) never raise and never return ``inf``: they
give an :class:`Estimate` whose numbers are NaN, whose ``n`` says how many observations
were usable and whose ``method`` says why nothing could be estimated. Arguments that are
simply wrong (an unknown family, a column that does not exist, ``alpha`` outside (0, 1))
raise :class:`pilot_eval.errors.UsageError` with the bad value and the allowed ones.
"""

from __future__ import annotations

import html
import math
import textwrap
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._process import one_blas_thread
from .errors import UsageError

# statsmodels (and the SciPy it brings) is imported inside the estimators, from its modules
# rather than statsmodels.api: about 1 s of CPU that a process only reading results (an
# unpickled Estimate or ITSResult in a report kernel) does not need.

__all__ = [
    "Estimate",
    "ITSResult",
    "paired_change",
    "two_group",
    "ratio_estimate",
    "did",
    "its",
    "reliable_change",
    "min_detectable_effect",
]

ArrayLike = Sequence[float] | np.ndarray | pd.Series

#: Covariance types :func:`did` passes on to ``statsmodels`` ``OLS.fit``.
DID_COV_TYPES: tuple[str, ...] = (
    "nonrobust",
    "HC0",
    "HC1",
    "HC2",
    "HC3",
    "HAC",
    "hac-panel",
    "hac-groupsum",
    "cluster",
)
#: Small-sample cluster-robust methods of :func:`did` (None: statsmodels' CR1, G - 1 df).
SMALL_SAMPLE_METHODS: tuple[str | None, ...] = (None, "cr2", "wild")
#: Fewer clusters than this: Webb's six-point bootstrap weights instead of Rademacher.
WEBB_BELOW_CLUSTERS: int = 12
#: Most bootstrap weights held at once (clusters x draws) by the wild bootstrap.
BOOT_BLOCK: int = 2_000_000
ITS_FAMILIES: tuple[str, ...] = ("gaussian", "poisson")
#: Error models of :func:`its`: independent months (the model's or Newey-West errors), or
#: AR(1) plus white noise fitted by REML with Satterthwaite degrees of freedom.
ITS_ERRORS: tuple[str, ...] = ("independent", "ar1_noise")
#: Upper bound of the AR(1) coefficient in ``errors="ar1_noise"`` (0 is the lower one).
ITS_AR1_MAX: float = 0.98
#: Kenward-Roger small-sample adjustment of the coefficients' covariance (ar1_noise).
ITS_KENWARD_ROGER: bool = True
#: Most quasi-likelihood GLS iterations of a Poisson ``errors="ar1_noise"`` fit.
ITS_AR1_MAX_ITER: int = 30
#: Lags of the Breusch-Godfrey residual autocorrelation test in :func:`its`.
ITS_AUTOCORRELATION_LAGS: int = 3
#: Fewest pre-period points on each side of a candidate slope break in :func:`its`.
PRE_BREAK_MIN_SEGMENT: int = 4
#: Share of the pre-period trimmed at each end for break candidates (Andrews 1993).
PRE_BREAK_TRIM: float = 0.15
#: Draws (fixed seed) for the p-value of the maximum pre-period break statistic.
PRE_BREAK_DRAWS: int = 10000
#: Jacobson & Truax (1991): a change is reliable when |RCI| exceeds this.
RCI_CRITICAL: float = 1.96


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Estimate:
    """One estimated quantity with its uncertainty.

    Attributes
    ----------
    estimate : float
        The point estimate, in the outcome's units (log rate ratio for a Poisson ITS).
    se : float
        Standard error of ``estimate``.
    ci_low, ci_high : float
        Two-sided ``1 - alpha`` confidence interval.
    p_value : float
        Two-sided p-value for the null hypothesis ``estimate == 0``.
    n : int
        Observations (pairs, people, rows or time points) the estimate used.
    effect_size : float or None
        Standardised effect size where the estimator defines one (Hedges' g), else None.
    method : str
        What was computed, or why nothing could be.
    df : float or None
        Degrees of freedom of the t reference distribution; None for Wald z intervals and
        bootstrap intervals. Not always an integer (Welch, Bell-McCaffrey).
    alpha : float
        The significance level the interval was built for.
    n_clusters : int or None
        Clusters behind cluster-robust errors; None when the errors are not clustered.
    result : statsmodels results or None
        The fitted statsmodels results object behind a regression estimate (:func:`did`,
        :func:`ratio_estimate`, the terms of :func:`its`), for diagnostics: residuals,
        influence, the other coefficients. None for estimators that fit no model
        (:func:`paired_change`, :func:`two_group`), when nothing could be estimated, and
        after pickling (see Notes). Not part of equality, ``repr``, :meth:`as_dict` or
        :meth:`to_frame`.

    Notes
    -----
    A pickled (or saved) Estimate leaves ``result`` out: the results object holds the
    data it was fitted to, and reading it back would import statsmodels, which a process
    that only reads results (a report kernel) does without. Pickle ``e.result`` itself to
    keep it. ``copy.copy`` and ``copy.deepcopy`` keep it (shared, not copied).

    Examples
    --------
    >>> from pilot_eval import stats
    >>> e = stats.ratio_estimate([2.0, 4.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0])
    >>> e.is_estimable, e.n
    (True, 4)
    >>> type(e.model).__name__, round(float(e.result.params[0]), 4)
    ('WLS', 2.1)
    >>> e.to_frame()[["estimate", "n", "df"]]
       estimate  n   df
    0       2.1  4  3.0
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int
    effect_size: float | None
    method: str
    df: float | None = None
    alpha: float = 0.05
    n_clusters: int | None = None
    result: Any = field(default=None, compare=False, repr=False)

    @property
    def is_estimable(self) -> bool:
        """True when a finite estimate and interval were computed."""
        return all(math.isfinite(v) for v in (self.estimate, self.ci_low, self.ci_high))

    @property
    def model(self) -> Any:
        """The statsmodels model behind :attr:`result` (``OLS``, ``WLS``, ``GLM``), or None."""
        return None if self.result is None else self.result.model

    def as_dict(self) -> dict[str, Any]:
        """The numbers and labels as a plain dict (one tidy record), without ``result``."""
        return {name: getattr(self, name) for name in _ESTIMATE_COLUMNS}

    def to_frame(self) -> pd.DataFrame:
        """A one-row DataFrame with one column per field except ``result``."""
        return pd.DataFrame([self.as_dict()], columns=list(_ESTIMATE_COLUMNS))

    def summary(self) -> Any:
        """statsmodels' summary of the fitted model, at this estimate's ``alpha``.

        Returns
        -------
        statsmodels.iolib.summary.Summary
            Prints as text; ``.as_html()``, ``.as_latex()`` and ``.tables`` as in
            statsmodels. When this estimate's standard error is not the one statsmodels
            computed (the small-sample methods of :func:`did`), a note under the table
            says which one the estimate uses.

        Raises
        ------
        UsageError
            When there is no fitted model: the estimator fits none, nothing could be
            estimated, or the estimate was unpickled.

        Examples
        --------
        >>> from pilot_eval import stats
        >>> e = stats.ratio_estimate([2, 4, 7, 8, 9, 12, 13, 18], [1, 2, 3, 4, 5, 6, 7, 8])
        >>> s = e.summary()
        >>> s.tables[0].title, s.tables[1].data[1][:2]
        ('WLS Regression Results', ['x1', '    2.0278'])
        """
        if self.result is None:
            raise UsageError(
                "summary() needs the fitted statsmodels model and this estimate has none "
                f"({self.method}). did(), ratio_estimate() and its() keep it; "
                "paired_change() and two_group() fit no model, an estimate that could not "
                "be computed has none, and pickling leaves it out. Use repr(), to_frame() "
                "or as_dict() for the numbers."
            )
        res = self.result
        out = res.summary(alpha=self.alpha)
        # a row of the table that is this estimate: same coefficient, se and interval
        rows = np.column_stack([np.asarray(res.params, dtype=float),
                                np.asarray(res.bse, dtype=float),
                                np.asarray(res.conf_int(alpha=self.alpha), dtype=float)])
        mine = np.array([self.estimate, self.se, self.ci_low, self.ci_high])
        if not np.isclose(rows, mine, rtol=1e-9, atol=0, equal_nan=True).all(axis=1).any():
            note = (
                f"This estimate, {_fmt(self.estimate)} (se {_fmt(self.se)}, "
                f"{100 * (1 - self.alpha):g}% CI [{_fmt(self.ci_low)}, {_fmt(self.ci_high)}]), "
                f"uses other standard errors than the table: {self.method}."
            )
            out.add_extra_txt(textwrap.wrap(note, 78))
        return out

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["result"] = None  # see Notes: no data, no statsmodels import on reading
        return state

    def __copy__(self) -> Estimate:
        return replace(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Estimate:
        return replace(self)  # every other field is an immutable scalar or str

    def __repr__(self) -> str:
        level = f"{100 * (1 - self.alpha):g}%"
        es = "None" if self.effect_size is None else _fmt(self.effect_size)
        df = "None" if self.df is None else _fmt(self.df)
        clusters = "" if self.n_clusters is None else f", n_clusters={self.n_clusters}"
        return (
            f"Estimate(estimate={_fmt(self.estimate)}, {level} CI [{_fmt(self.ci_low)}, "
            f"{_fmt(self.ci_high)}], se={_fmt(self.se)}, p={_fmt(self.p_value)}, "
            f"n={self.n}, df={df}{clusters}, effect_size={es}, method={self.method!r})"
        )

    def _repr_html_(self) -> str:
        level = f"{100 * (1 - self.alpha):g}%"
        es = "&ndash;" if self.effect_size is None else _fmt(self.effect_size)
        cells = (
            ("estimate", _fmt(self.estimate)),
            (f"{level} CI", f"[{_fmt(self.ci_low)}, {_fmt(self.ci_high)}]"),
            ("se", _fmt(self.se)),
            ("p", _fmt(self.p_value)),
            ("n", str(self.n)),
            *((("df", _fmt(self.df)),) if self.df is not None else ()),
            *((("clusters", str(self.n_clusters)),) if self.n_clusters is not None else ()),
            ("effect size", es),
        )
        head = "".join(f"<th>{html.escape(k)}</th>" for k, _ in cells)
        body = "".join(f"<td>{v}</td>" for _, v in cells)
        return (
            '<table class="pilot-eval-estimate">'
            f"<caption>{html.escape(self.method)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody><tr>{body}</tr></tbody></table>"
        )


@dataclass(frozen=True, eq=False)
class ITSResult:
    """Result of :func:`its`, an interrupted time series.

    Attributes
    ----------
    level_change : Estimate
        Step change at the interruption (``post`` coefficient). Outcome units for the
        Gaussian family, log rate ratio for Poisson.
    slope_change : Estimate or None
        Change in the trend per time unit after the interruption (only when asked for).
    trend : Estimate
        Pre-interruption trend per time unit (``time`` coefficient).
    level_rr : float or None
        ``exp(level_change.estimate)``, the rate ratio (Poisson only).
    level_rr_ci : tuple of float or None
        ``exp`` of the level-change interval (Poisson only).
    predictions : pandas.DataFrame
        One row per time point used, index as in the input: ``time``, ``post``,
        ``observed``, ``fitted`` and ``counterfactual`` (the model's prediction with the
        intervention terms set to 0, to draw the counterfactual line); for Poisson also
        ``exposure`` and the same three as rates per unit of exposure.
    model : statsmodels results or None
        The fitted statsmodels results object (None when nothing could be fitted).
    family : str
        ``"gaussian"`` or ``"poisson"``.
    n : int
        Time points used.
    dispersion : float
        Scale used for the standard errors: residual variance (Gaussian), 1 (Poisson)
        or Pearson chi-squared / residual df (quasi-Poisson).
    method : str
        What was fitted, or why nothing could be.
    alpha : float
        Significance level of the intervals.
    autocorrelation : float
        Lag-1 autocorrelation of the Pearson residuals in time order (NaN when not fitted);
        with ``errors="ar1_noise"`` of the decorrelated residuals
        :math:`L^{-1}(z - X\\hat\\beta)`, :math:`V = LL'`: what the model leaves.
    autocorrelation_p : float
        Breusch-Godfrey test of residual autocorrelation at lags 1 to 3 (F form), p-value
        (with ``errors="ar1_noise"`` on the decorrelated residuals and design).
    pre_trend_break_p : float
        Test of a change of slope *within* the pre-period (a sup-score test over candidate
        break months, corrected for searching over them); NaN when the pre-period is too
        short (fewer than :data:`PRE_BREAK_MIN_SEGMENT` points on each side of a break).
    cov_type : str
        ``"nonrobust"`` (model-based errors), ``"HAC"`` (Newey-West) or ``"ar1_noise"``
        (AR(1) plus white noise, REML).
    hac_maxlags : int or None
        The lag truncation of the Newey-West errors (None without HAC).
    ar1_rho, ar1_sd : float
        With ``errors="ar1_noise"``: the REML estimates of the AR(1) coefficient and of the
        AR(1) component's standard deviation (link scale); NaN otherwise.
    """

    level_change: Estimate
    slope_change: Estimate | None
    trend: Estimate
    level_rr: float | None
    level_rr_ci: tuple[float, float] | None
    predictions: pd.DataFrame
    model: Any
    family: str
    n: int
    dispersion: float
    method: str
    alpha: float = 0.05
    autocorrelation: float = np.nan
    autocorrelation_p: float = np.nan
    pre_trend_break_p: float = np.nan
    cov_type: str = "nonrobust"
    hac_maxlags: int | None = None
    ar1_rho: float = np.nan
    ar1_sd: float = np.nan

    def summary(self) -> pd.DataFrame:
        """Tidy table of the interruption terms (and pre-trend), one row each.

        A method, as :meth:`Estimate.summary` is (one way to call a result's summary);
        :meth:`to_frame` gives the same table.

        Returns
        -------
        pandas.DataFrame
            Index ``term`` (``level_change``, ``slope_change`` when fitted, ``trend``);
            columns ``estimate, se, ci_low, ci_high, p_value`` on the model scale and, for
            Poisson, ``rr, rr_ci_low, rr_ci_high`` (``exp`` of the three).
        """
        rows: dict[str, Estimate] = {"level_change": self.level_change}
        if self.slope_change is not None:
            rows["slope_change"] = self.slope_change
        rows["trend"] = self.trend
        out = pd.DataFrame(
            {
                name: {
                    "estimate": e.estimate,
                    "se": e.se,
                    "ci_low": e.ci_low,
                    "ci_high": e.ci_high,
                    "p_value": e.p_value,
                }
                for name, e in rows.items()
            }
        ).T
        if self.family == "poisson":
            out["rr"] = np.exp(out["estimate"])
            out["rr_ci_low"] = np.exp(out["ci_low"])
            out["rr_ci_high"] = np.exp(out["ci_high"])
        out.index.name = "term"
        return out.astype(float)

    def to_frame(self) -> pd.DataFrame:
        """The same tidy table as :meth:`summary` (as :meth:`Estimate.to_frame` for one
        estimate)."""
        return self.summary()

    def __repr__(self) -> str:
        rr = ""
        if self.family == "poisson" and self.level_rr is not None:
            lo, hi = self.level_rr_ci if self.level_rr_ci is not None else (np.nan, np.nan)
            rr = f", level_rr={_fmt(self.level_rr)} [{_fmt(lo)}, {_fmt(hi)}]"
        return (
            f"ITSResult(family={self.family!r}, n={self.n}{rr}, "
            f"level_change={self.level_change!r}, slope_change={self.slope_change!r}, "
            f"autocorrelation={_fmt(self.autocorrelation)} "
            f"(p={_fmt(self.autocorrelation_p)}), "
            f"pre_trend_break_p={_fmt(self.pre_trend_break_p)}, cov_type={self.cov_type!r}, "
            f"method={self.method!r})"
        )

    def _repr_html_(self) -> str:
        table = self.summary().map(_fmt).to_html(classes="pilot-eval-its", escape=True)
        checks = (
            f"residual lag-1 autocorrelation {_fmt(self.autocorrelation)} "
            f"(Breusch-Godfrey p = {_fmt(self.autocorrelation_p)}); "
            f"pre-period slope break p = {_fmt(self.pre_trend_break_p)}; "
            f"errors: {self.cov_type}"
        )
        return (
            f"<div><p>{html.escape(self.method)}</p>{table}"
            f"<p>{html.escape(checks)}</p></div>"
        )


#: The columns of :meth:`Estimate.to_frame` (every field but ``result``).
_ESTIMATE_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Estimate) if f.name != "result")


# --------------------------------------------------------------------------- helpers


def _fmt(x: float | None) -> str:
    if x is None:
        return "None"
    if isinstance(x, float) and math.isnan(x):
        return "NaN"
    if 1e4 <= abs(x) < 1e12:  # 4 significant digits would switch to 1.186e+04
        return f"{x:.0f}"
    return f"{x:.4g}"


def _check_alpha(alpha: float, name: str = "alpha") -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating)):
        raise UsageError(
            f"{name} must be a number strictly between 0 and 1 (for example 0.05); "
            f"got {alpha!r}."
        )
    if not 0.0 < float(alpha) < 1.0:
        raise UsageError(
            f"{name} must be strictly between 0 and 1 (for example 0.05); got {alpha!r}."
        )
    return float(alpha)


def _as_float_array(x: ArrayLike, name: str) -> np.ndarray:
    if isinstance(x, (str, bytes)) or np.ndim(x) > 1:
        raise UsageError(f"{name} must be a one-dimensional list, array or Series of numbers.")
    try:
        return np.asarray(pd.to_numeric(pd.Series(np.asarray(x, dtype=object).ravel())),
                          dtype=float)
    except (TypeError, ValueError) as exc:
        raise UsageError(
            f"{name} must contain numbers (missing values may be NaN/None); {exc}."
        ) from None


def _nan_estimate(n: int, method: str, alpha: float, effect_size: bool = True) -> Estimate:
    return Estimate(
        estimate=np.nan,
        se=np.nan,
        ci_low=np.nan,
        ci_high=np.nan,
        p_value=np.nan,
        n=int(n),
        effect_size=np.nan if effect_size else None,
        method=method,
        df=np.nan,
        alpha=alpha,
    )


def _finite_or_nan(x: float) -> float:
    x = float(x)
    return x if math.isfinite(x) else np.nan


def _hedges_j(df: float) -> float:
    """Hedges' (1981) small-sample correction J = 1 - 3 / (4 df - 1)."""
    return 1.0 - 3.0 / (4.0 * df - 1.0)


def _require_frame(df: Any, func: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise UsageError(f"{func}() needs a pandas DataFrame as df; got {type(df).__name__}.")
    return df


def _require_columns(df: pd.DataFrame, func: str, roles: Mapping[str, str | None]) -> None:
    for role, col in roles.items():
        if col is None:
            continue
        if not isinstance(col, str) or col not in df.columns:
            available = ", ".join(map(str, df.columns))
            raise UsageError(
                f"{func}(): column {col!r} given as {role}= is not in the data. "
                f"Available columns: {available}."
            )


def _binary(s: pd.Series, func: str, role: str) -> pd.Series:
    """0/1 (or boolean) column as float; anything else is a usage error."""
    if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
        values = s.astype(float)
    else:
        values = pd.to_numeric(s.astype("object").where(s.notna()), errors="coerce")
    bad = s.notna() & ~values.isin([0.0, 1.0])
    if bad.any():
        example = s[bad].iloc[0]
        example = example.item() if isinstance(example, np.generic) else example
        raise UsageError(
            f"{func}(): column {s.name!r} given as {role}= must be coded 0/1 or "
            f"False/True; found {example!r}."
        )
    return values.astype(float)


def _coef_estimate(res: Any, idx: int, n: int, alpha: float, method: str) -> Estimate:
    """Estimate for coefficient ``idx`` of a fitted statsmodels model."""
    ci = np.asarray(res.conf_int(alpha=alpha))[idx]
    use_t = bool(getattr(res, "use_t", False))
    df = float(getattr(res, "df_resid_inference", None) or res.df_resid) if use_t else None
    return Estimate(
        estimate=_finite_or_nan(np.asarray(res.params)[idx]),
        se=_finite_or_nan(np.asarray(res.bse)[idx]),
        ci_low=_finite_or_nan(ci[0]),
        ci_high=_finite_or_nan(ci[1]),
        p_value=_finite_or_nan(np.asarray(res.pvalues)[idx]),
        n=int(n),
        effect_size=None,
        method=method,
        df=df,
        alpha=alpha,
        result=res,
    )


def _ar1_estimate(fit: Any, idx: int, n: int, alpha: float, method: str, res: Any) -> Estimate:
    """Estimate for coefficient ``idx`` of an AR(1) + noise fit: t with Satterthwaite df."""
    from scipy import stats as sps

    est, se, df = float(fit.beta[idx]), math.sqrt(float(fit.cov[idx, idx])), float(fit.df[idx])
    q = float(sps.t.ppf(1 - alpha / 2, df))
    return Estimate(
        estimate=_finite_or_nan(est), se=_finite_or_nan(se),
        ci_low=_finite_or_nan(est - q * se), ci_high=_finite_or_nan(est + q * se),
        p_value=_finite_or_nan(2 * float(sps.t.sf(abs(est / se), df))) if se > 0 else np.nan,
        n=int(n), effect_size=None, method=method, df=df, alpha=alpha, result=res,
    )


# --------------------------------------------------------------------------- paired / two group


def paired_change(before: ArrayLike, after: ArrayLike, alpha: float = 0.05) -> Estimate:
    r"""Mean within-person change ``after - before`` with a paired t interval.

    Pairs where either value is missing are dropped. ``before`` and ``after`` are paired
    by position; two pandas Series must share the same index.

    The estimate is :math:`\bar d` with :math:`d_i = a_i - b_i`, its standard error
    :math:`s_d/\sqrt n` and the interval :math:`\bar d \pm t_{1-\alpha/2,\,n-1}\,s_d/\sqrt n`
    (statsmodels ``DescrStatsW``). The effect size is Hedges' :math:`g_{av}` (Lakens 2013,
    eq. 10 with the bias correction of eq. 4):

    .. math::

        d_{av} = \frac{\bar d}{(s_{before} + s_{after})/2}, \qquad
        g_{av} = d_{av}\left(1 - \frac{3}{4(2n) - 9}\right),

    that is Hedges' correction with :math:`2n-2` degrees of freedom, as for two groups of
    ``n``. It has the sign of the estimate and is unaffected by the correlation between
    the two measurements, so it is comparable with a between-groups :math:`g_s`.

    Parameters
    ----------
    before, after : array-like of float
        Measurements of the same people at two time points.
    alpha : float, default 0.05
        Two-sided significance level; the interval has coverage ``1 - alpha``.

    Returns
    -------
    Estimate
        NaN everywhere (with ``n`` and the reason in ``method``) when fewer than two
        complete pairs remain or the changes have no variance.

    References
    ----------
    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative
    science: a practical primer for t-tests and ANOVAs. *Frontiers in Psychology* 4:863.

    Examples
    --------
    Lakens' (2013, Table 1) ten people rating two movies; the change from the second to
    the first, with his g_av of 1.08:

    >>> from pilot_eval import stats
    >>> movie_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
    >>> movie_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]
    >>> e = stats.paired_change(before=movie_2, after=movie_1)
    >>> e.estimate, round(e.ci_low, 2), round(e.ci_high, 2), e.df, round(e.effect_size, 2)
    (1.0, 0.52, 1.48, 9.0, 1.08)
    """
    alpha = _check_alpha(alpha)
    if isinstance(before, pd.Series) and isinstance(after, pd.Series):
        if not before.index.equals(after.index):
            raise UsageError(
                "paired_change(): before and after are Series with different indexes; "
                "align them first, for example before, after = before.align(after)."
            )
    b = _as_float_array(before, "before")
    a = _as_float_array(after, "after")
    if len(a) != len(b):
        raise UsageError(
            f"paired_change(): before and after must have the same length (one value per "
            f"person); got {len(b)} and {len(a)}."
        )
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep], b[keep]
    n = len(a)
    name = "paired t-test on after - before"
    if n < 2:
        return _nan_estimate(n, f"{name}: not estimable, fewer than 2 complete pairs", alpha)
    d = a - b
    if d.var(ddof=1) == 0:  # variance, not range (denormal differences)
        return _nan_estimate(
            n, f"{name}: not estimable, every pair changed by the same amount", alpha
        )
    from statsmodels.stats.weightstats import DescrStatsW

    stats = DescrStatsW(d)
    t, p, df = stats.ttest_mean(0.0)
    lo, hi = stats.tconfint_mean(alpha=alpha)
    sd_avg = (b.std(ddof=1) + a.std(ddof=1)) / 2.0
    g_av = stats.mean / sd_avg * _hedges_j(2 * n - 2) if sd_avg > 0 else np.nan
    return Estimate(
        estimate=float(stats.mean),
        se=float(stats.std_mean),
        ci_low=float(lo),
        ci_high=float(hi),
        p_value=float(p),
        n=n,
        effect_size=_finite_or_nan(g_av),
        method=f"{name} (effect size: Hedges' g_av)",
        df=float(df),
        alpha=alpha,
    )


def two_group(treated: ArrayLike, control: ArrayLike, alpha: float = 0.05) -> Estimate:
    r"""Difference in means ``treated - control`` with a Welch t interval.

    Missing values are dropped from each group. The standard error is
    :math:`\sqrt{s_t^2/n_t + s_c^2/n_c}` with Welch-Satterthwaite degrees of freedom
    (statsmodels ``CompareMeans`` with ``usevar="unequal"``). The effect size is Hedges'
    :math:`g_s` (Lakens 2013, eqs. 1 and 4):

    .. math::

        d_s = \frac{\bar x_t - \bar x_c}
                   {\sqrt{\frac{(n_t-1)s_t^2 + (n_c-1)s_c^2}{n_t+n_c-2}}}, \qquad
        g_s = d_s\left(1 - \frac{3}{4(n_t+n_c) - 9}\right).

    Parameters
    ----------
    treated, control : array-like of float
        Outcomes of the two independent groups.
    alpha : float, default 0.05
        Two-sided significance level.

    Returns
    -------
    Estimate
        ``n`` is ``n_treated + n_control``. NaN everywhere (with the reason in
        ``method``) when a group has fewer than two values or neither group varies.

    References
    ----------
    Welch, B. L. (1947). The generalization of 'Student's' problem when several different
    population variances are involved. *Biometrika* 34, 28-35.
    Lakens, D. (2013). *Frontiers in Psychology* 4:863.

    Examples
    --------
    Lakens' (2013, Table 1) movie ratings read as two groups of ten (his g_s is 1.08):

    >>> from pilot_eval import stats
    >>> e = stats.two_group([9, 7, 8, 9, 8, 9, 9, 10, 9, 9], [9, 6, 7, 8, 7, 9, 8, 8, 8, 7])
    >>> round(e.estimate, 2), round(e.se, 4), round(e.df, 2), round(e.effect_size, 2), e.n
    (1.0, 0.3972, 17.65, 1.08, 20)
    """
    alpha = _check_alpha(alpha)
    t_vals = _as_float_array(treated, "treated")
    c_vals = _as_float_array(control, "control")
    t_vals = t_vals[np.isfinite(t_vals)]
    c_vals = c_vals[np.isfinite(c_vals)]
    n_t, n_c = len(t_vals), len(c_vals)
    n = n_t + n_c
    name = "Welch two-sample t-test on treated - control"
    if n_t < 2 or n_c < 2:
        return _nan_estimate(
            n,
            f"{name}: not estimable, each group needs at least 2 values "
            f"(treated {n_t}, control {n_c})",
            alpha,
        )
    # variance, not range: values that differ by a denormal still have zero variance
    if t_vals.var(ddof=1) + c_vals.var(ddof=1) == 0:
        return _nan_estimate(n, f"{name}: not estimable, neither group varies", alpha)
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    cm = CompareMeans(DescrStatsW(t_vals), DescrStatsW(c_vals))
    t, p, df = cm.ttest_ind(usevar="unequal", value=0.0)
    lo, hi = cm.tconfint_diff(alpha=alpha, usevar="unequal")
    diff = float(t_vals.mean() - c_vals.mean())
    pooled = math.sqrt(
        ((n_t - 1) * t_vals.var(ddof=1) + (n_c - 1) * c_vals.var(ddof=1)) / (n - 2)
    )
    g_s = diff / pooled * _hedges_j(n - 2) if pooled > 0 else math.nan
    return Estimate(
        estimate=diff,
        se=float(cm.std_meandiff_separatevar),
        ci_low=float(lo),
        ci_high=float(hi),
        p_value=float(p),
        n=n,
        effect_size=_finite_or_nan(g_s),
        method=f"{name} (effect size: Hedges' g_s)",
        df=float(df),
        alpha=alpha,
    )


# --------------------------------------------------------------------------- ratio of totals


def ratio_estimate(y: ArrayLike, x: ArrayLike, alpha: float = 0.05) -> Estimate:
    r"""Ratio of totals :math:`R = \sum y / \sum x` of paired observations, with a t interval.

    The classical ratio estimator (Cochran 1977, §6.3–6.4): with :math:`n` pairs,

    .. math::

        \hat R = \frac{\sum_i y_i}{\sum_i x_i}, \qquad
        \widehat{\mathrm{se}}(\hat R) = \sqrt{\frac{n}{n-1}\,
        \frac{\sum_i (y_i - \hat R x_i)^2}{\left(\sum_i x_i\right)^2}}
        = \sqrt{\frac{\sum_i (y_i - \hat R x_i)^2}{n(n-1)\,\bar x^2}},

    the linearisation (Taylor) variance of Cochran's eq. (6.9) without the finite
    population correction, and the interval :math:`\hat R \pm t_{1-\alpha/2,\,n-1}\,
    \widehat{\mathrm{se}}`. It is computed as statsmodels WLS of ``y`` on ``x`` without a
    constant and with weights :math:`1/x`, whose coefficient is :math:`\hat R` and whose
    HC1 standard error is exactly the one above.

    Parameters
    ----------
    y, x : array-like of float
        Paired values (for example cost in a month and people active in it); by position,
        and two Series must share their index. Pairs with a missing value, and pairs with
        ``x <= 0`` (the weight :math:`1/x` is not defined), are left out.
    alpha : float, default 0.05
        Two-sided significance level.

    Returns
    -------
    Estimate
        ``estimate`` :math:`\hat R`, ``n`` the pairs used, ``df`` :math:`n - 1`,
        ``p_value`` for :math:`R = 0`, ``effect_size`` None, ``method`` ``"ratio
        estimator"``. With fewer than 3 pairs the estimate is still :math:`\hat R` (NaN
        without any pair) but ``se``, the interval and ``p_value`` are NaN, and ``method``
        says why.

    References
    ----------
    Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., ch. 6. Wiley.

    Examples
    --------
    >>> from pilot_eval import stats
    >>> e = stats.ratio_estimate([2.0, 4.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0])
    >>> round(e.estimate, 4), round(e.se, 4), e.n, e.df
    (2.1, 0.0966, 4, 3.0)
    """
    alpha = _check_alpha(alpha)
    if isinstance(y, pd.Series) and isinstance(x, pd.Series) and not y.index.equals(x.index):
        raise UsageError("ratio_estimate(): y and x are Series with different indexes; align "
                         "them first, for example y, x = y.align(x).")
    yv = _as_float_array(y, "y")
    xv = _as_float_array(x, "x")
    if len(yv) != len(xv):
        raise UsageError(f"ratio_estimate(): y and x must have the same length (one pair per "
                         f"observation); got {len(yv)} and {len(xv)}.")
    keep = np.isfinite(yv) & np.isfinite(xv) & (xv > 0)
    yv, xv = yv[keep], xv[keep]
    n = len(yv)
    name = "ratio estimator"
    if n < 3:
        ratio = float(yv.sum() / xv.sum()) if n else np.nan
        return replace(_nan_estimate(n, f"{name}: no standard error, fewer than 3 pairs with "
                                        "x > 0", alpha, effect_size=False),
                       estimate=_finite_or_nan(ratio))
    from statsmodels.regression.linear_model import WLS

    res = WLS(yv, xv[:, None], weights=1.0 / xv).fit(cov_type="HC1", use_t=True)
    return _coef_estimate(res, 0, n, alpha, name)


# --------------------------------------------------------------------------- small-sample


def _cluster_rows(groups: np.ndarray) -> list[np.ndarray]:
    """Row positions of the clusters, as one (clusters x size) array per cluster size.

    Clusters of equal size are stacked so the per-cluster matrix algebra of CR2 runs as
    batched numpy calls instead of a Python loop over clusters.
    """
    order = np.argsort(groups, kind="stable")
    sizes = np.bincount(groups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    out = []
    for size in np.unique(sizes):
        which = np.flatnonzero(sizes == size)
        out.append(order[starts[which][:, None] + np.arange(size)[None, :]])
    return out


def _cr2_coef(
    x: np.ndarray, resid: np.ndarray, groups: np.ndarray, idx: int
) -> tuple[float, float]:
    r"""CR2 standard error and Bell-McCaffrey df of OLS coefficient ``idx``.

    With :math:`M = (X'X)^{-1}`, :math:`H_{gg} = X_g M X_g'` and the symmetric (pseudo-)
    inverse square root :math:`A_g = (I - H_{gg})^{-1/2}`, the CR2 variance of
    :math:`c'\hat\beta` (``c`` the unit vector of ``idx``) is
    :math:`\sum_g (w_g' e_g)^2` with :math:`w_g = A_g X_g M c`. The degrees of freedom
    are :math:`(\operatorname{tr} G'G)^2 / \operatorname{tr}(G'G)^2` with
    :math:`G'G = \operatorname{diag}(w_g'w_g) - U'MU`, :math:`U = [X_g'w_g]_g`
    (Imbens & Kolesar 2016, section 4; working model :math:`\sigma^2 I`).

    Returns NaN for both when the residuals have no spread at all, and when a cluster that
    moves the coefficient is fitted exactly
    (:math:`I - H_{gg}` singular in a direction :math:`X_g M c` uses, for example the only
    person in a group): its variance cannot be estimated, and the pseudo-inverse would
    silently leave it out.
    """
    m = np.linalg.inv(x.T @ x)
    mc = m[:, idx]
    n_groups = int(groups.max()) + 1
    score = np.empty(n_groups)
    ww = np.empty(n_groups)
    u = np.empty((x.shape[1], n_groups))
    for rows in _cluster_rows(groups):
        xg = x[rows]  # (clusters, size, k)
        h = np.einsum("gik,kl,gjl->gij", xg, m, xg)
        vals, vecs = np.linalg.eigh(np.eye(rows.shape[1]) - h)
        # pseudo-inverse square root: directions fully explained by X get weight 0
        inv_sqrt = np.where(vals > 1e-10, 1.0 / np.sqrt(np.clip(vals, 1e-10, None)), 0.0)
        a = np.einsum("gij,gj,gkj->gik", vecs, inv_sqrt, vecs)
        lin = xg @ mc  # (clusters, size): how each row of the cluster moves the coefficient
        lost = np.abs(np.einsum("gij,gi->gj", vecs, lin)) * (vals <= 1e-10)
        if (lost > 1e-8 * (np.abs(lin).max() + 1e-300)).any():
            return np.nan, np.nan
        w = np.einsum("gij,gj->gi", a, lin)
        g = groups[rows[:, 0]]
        score[g] = np.einsum("gi,gi->g", w, resid[rows])
        ww[g] = np.einsum("gi,gi->g", w, w)
        u[:, g] = np.einsum("gik,gi->kg", xg, w)
    gtg = np.diag(ww) - u.T @ m @ u
    # no spread at all (everyone changed alike, up to rounding): no error can be estimated
    if not (np.abs(resid) > 1e-9 * max(1.0, float(np.abs(x).max()))).any():
        return np.nan, np.nan
    se = math.sqrt(float(score @ score))
    df = float(np.trace(gtg) ** 2 / np.sum(gtg * gtg))
    return se, df


def _bootstrap_weights(
    n_groups: int, n_boot: int, rng: np.random.Generator
) -> tuple[list[np.ndarray] | Any, str]:
    """Cluster weights (blocks of clusters x draws) and their name.

    Webb's six-point distribution (+-sqrt(1/2), +-1, +-sqrt(3/2), each 1/6) below
    ``WEBB_BELOW_CLUSTERS`` clusters, where Rademacher (+-1) has too few distinct draws;
    every distinct draw once when there are no more of them than ``n_boot``. Drawn in
    blocks of at most ``BOOT_BLOCK`` numbers so many clusters do not need one huge matrix.
    """
    if n_groups < WEBB_BELOW_CLUSTERS:
        points, name = np.sqrt(np.array([0.5, 1.0, 1.5])), "Webb"
        points = np.concatenate([-points[::-1], points])
    else:
        points, name = np.array([-1.0, 1.0]), "Rademacher"
    if len(points) ** n_groups <= n_boot:
        grid = np.stack(np.meshgrid(*[points] * n_groups, indexing="ij"), axis=0)
        return [grid.reshape(n_groups, -1)], f"{name}, all {len(points) ** n_groups} draws"
    draws = f"{n_boot:,}".replace(",", " ")
    per_block = max(1, BOOT_BLOCK // n_groups)
    blocks = (
        rng.choice(points, size=(n_groups, min(per_block, n_boot - start)))
        for start in range(0, n_boot, per_block)
    )
    return blocks, f"{name}, {draws} draws"


def _wild_cluster(
    x: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    idx: int,
    alpha: float,
    n_boot: int,
    rng: np.random.Generator,
) -> dict[str, Any]:
    r"""Wild cluster bootstrap-t with the null imposed (WCR), vectorised over draws.

    For a null value :math:`\delta_0` the restricted residuals are
    :math:`\tilde u(\delta_0) = (I - H_r)(y - \delta_0 x_\delta)`, linear in
    :math:`\delta_0`. With :math:`a = X M c` (so :math:`\hat\delta = a'y`), the draw
    :math:`y^*_b = \tilde y_r + \delta_0 x_\delta + \tilde u \odot v_b` gives
    :math:`\hat\delta^*_b - \delta_0 = \sum_g v_{gb} q_g`, :math:`q_g = a_g'\tilde u_g`,
    and cluster scores :math:`s^*_{gb} = q_g v_{gb} - \sum_h C_{gh} v_{hb}` with
    :math:`C = (X'a)_g' M (X'\tilde u)_h`. Numerator and squared CR1 standard error are
    linear and quadratic in :math:`\delta_0`, so the bootstrap p-value at any null
    value costs O(draws) after one pass (Roodman, MacKinnon, Nielsen & Webb 2019).
    """
    n, k = x.shape
    n_groups = int(groups.max()) + 1
    m = np.linalg.inv(x.T @ x)
    a = x @ m[:, idx]
    beta = m @ (x.T @ y)
    est = float(beta[idx])
    resid = y - x @ beta
    factor = n_groups / (n_groups - 1) * (n - 1) / (n - k)  # CR1, as statsmodels/Stata
    score = np.bincount(groups, weights=a * resid, minlength=n_groups)
    se = math.sqrt(factor * float(score @ score))

    xr = np.delete(x, idx, axis=1)
    xd = x[:, idx]
    proj = np.linalg.lstsq(xr, np.column_stack([y, xd]), rcond=None)[0]
    u0, u1 = (np.column_stack([y, xd]) - xr @ proj).T  # u(d0) = u0 - d0 * u1

    def cluster_sum(v: np.ndarray) -> np.ndarray:  # (n, ...) -> (G, ...)
        out = np.zeros((n_groups,) + v.shape[1:])
        np.add.at(out, groups, v)
        return out

    ag = cluster_sum(x * a[:, None])  # (G, k): X_g' a_g
    q0, q1 = cluster_sum(a * u0), cluster_sum(a * u1)
    c0 = ag @ m @ cluster_sum(x * u0[:, None]).T  # (G, G)
    c1 = ag @ m @ cluster_sum(x * u1[:, None]).T
    d0_mat, d1_mat = np.diag(q0) - c0, np.diag(q1) - c1
    blocks, weights = _bootstrap_weights(n_groups, n_boot, rng)
    parts = []
    for v in blocks:
        s0, s1 = d0_mat @ v, d1_mat @ v
        parts.append((q0 @ v, q1 @ v, np.einsum("gb,gb->b", s0, s0),
                      np.einsum("gb,gb->b", s0, s1), np.einsum("gb,gb->b", s1, s1)))
    num0, num1, ss00, ss01, ss11 = (np.concatenate(p) for p in zip(*parts))

    def p_value(d0: float) -> float:
        t_obs = abs(est - d0) / se
        var = factor * np.clip(ss00 - 2 * d0 * ss01 + d0 * d0 * ss11, 0.0, None)
        num = np.abs(num0 - d0 * num1)
        with np.errstate(divide="ignore", invalid="ignore"):
            t_star = np.where(var > 0, num / np.sqrt(var), np.where(num > 0, np.inf, 0.0))
        return float(np.mean(t_star >= t_obs * (1 - 1e-12)))

    def bound(direction: float) -> float:
        inside, step = est, se if se > 0 else max(abs(est), 1.0)
        for _ in range(60):
            outside = est + direction * step
            if p_value(outside) < alpha:
                break
            inside, step = outside, 2 * step
        else:
            return np.nan  # the test never rejects: the interval is unbounded
        for _ in range(100):
            mid = (inside + outside) / 2
            if p_value(mid) < alpha:
                outside = mid
            else:
                inside = mid
            if abs(outside - inside) <= 1e-9 * (abs(est) + se):
                break
        return (inside + outside) / 2

    return {
        "estimate": est,
        "se": se,
        "p_value": p_value(0.0),
        "ci_low": bound(-1.0),
        "ci_high": bound(1.0),
        "weights": weights,
    }


def _did_small_sample(
    y: np.ndarray,
    x: pd.DataFrame,
    groups: np.ndarray,
    method: str,
    *,
    alpha: float,
    n_boot: int,
    seed: int | np.random.Generator | None,
    label: str,
    cluster: str,
    controls: str,
) -> Estimate:
    """The interaction of :func:`did` with CR2 or wild cluster bootstrap inference."""
    from scipy import stats as sps

    def describe(se: str) -> str:
        return f"{label}, {se}{controls}"

    n = len(y)
    n_groups = int(groups.max()) + 1 if n else 0
    xm = x.to_numpy(dtype=float)
    idx = list(x.columns).index("treated:post")
    if n_groups < 2:
        return replace(
            _nan_estimate(n, describe("not estimable, fewer than 2 clusters"), alpha,
                          effect_size=False),
            n_clusters=n_groups,
        )
    if method == "cr2":
        beta = np.linalg.lstsq(xm, y, rcond=None)[0]
        se, df = _cr2_coef(xm, y - xm @ beta, groups, idx)
        est = float(beta[idx])
        if not (se > 0 and math.isfinite(df) and df >= 1e-6):
            why = ("a cluster is fitted exactly (a group with a single cluster?), its "
                   "variance cannot be estimated" if math.isnan(se)
                   else "no residual variation within the clusters")
            return replace(
                _nan_estimate(n, describe(f"CR2: not estimable, {why}"), alpha,
                              effect_size=False),
                n_clusters=n_groups,
            )
        t_crit = float(sps.t.ppf(1 - alpha / 2, df))
        return Estimate(
            estimate=est,
            se=se,
            ci_low=est - t_crit * se,
            ci_high=est + t_crit * se,
            p_value=float(2 * sps.t.sf(abs(est / se), df)),
            n=n,
            effect_size=None,
            method=describe(
                se=f"CR2 SE by {cluster} ({n_groups} clusters), Bell–McCaffrey df = {df:.1f}"
            ),
            df=df,
            alpha=alpha,
            n_clusters=n_groups,
        )
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    out = _wild_cluster(xm, y, groups, idx, alpha, n_boot, rng)
    note = "" if math.isfinite(out["ci_low"]) and math.isfinite(out["ci_high"]) else (
        ", interval unbounded (the bootstrap test never rejects)"
    )
    return Estimate(
        estimate=out["estimate"],
        se=_finite_or_nan(out["se"]),
        ci_low=_finite_or_nan(out["ci_low"]),
        ci_high=_finite_or_nan(out["ci_high"]),
        p_value=out["p_value"],
        n=n,
        effect_size=None,
        method=describe(
            se=f"wild cluster bootstrap ({out['weights']}), by {cluster} "
               f"({n_groups} clusters), null imposed{note}"
        ),
        df=None,
        alpha=alpha,
        n_clusters=n_groups,
    )


# --------------------------------------------------------------------------- DiD


def did(
    df: pd.DataFrame,
    outcome: str,
    treated: str,
    post: str,
    cluster: str | None = None,
    covariates: Sequence[str] = (),
    cov_type: str | None = None,
    alpha: float = 0.05,
    *,
    cov_kwds: Mapping[str, Any] | None = None,
    small_sample: Literal["cr2", "wild"] | None = None,
    n_boot: int = 9999,
    seed: int | np.random.Generator | None = None,
) -> Estimate:
    r"""Difference-in-differences by OLS, reporting the interaction.

    Fits :math:`y = \beta_0 + \beta_1\,treated + \beta_2\,post + \delta\,(treated \times
    post) + \gamma' x + u` with statsmodels ``OLS`` and returns :math:`\hat\delta`.
    Without covariates :math:`\hat\delta` equals the difference of the four cell means
    :math:`(\bar y_{T,1} - \bar y_{T,0}) - (\bar y_{C,1} - \bar y_{C,0})`.

    Standard errors are the ordinary OLS ones unless asked otherwise (they equal a
    textbook table). ``cluster=`` gives cluster-robust errors by that column (Stata's
    ``vce(cluster)``: small-sample factor :math:`\frac{G}{G-1}\frac{N-1}{N-K}` and a t
    reference with :math:`G-1` df); ``cov_type=`` passes any other statsmodels covariance
    (``"HC1"`` is Stata's ``robust``). Intervals and p-values always use the t
    distribution. Rows with a missing value in any column used are dropped.

    With few or unequal clusters the default cluster-robust errors are too small. Two
    small-sample methods need ``cluster=`` (the point estimate is unchanged):

    * ``small_sample="cr2"``: the bias-reduced CR2 variance (Bell & McCaffrey 2002) with
      a t reference on the Bell-McCaffrey (Satterthwaite) degrees of freedom for the
      interaction (Imbens & Kolesar 2016; Pustejovsky & Tipton 2018), as R's
      ``clubSandwich::coef_test(vcov = "CR2", test = "Satterthwaite")``. When every
      cluster is one person measured once before and once after, the CR2 standard error
      is exactly Welch's on the change scores, and the df is Welch's with equal variances.
    * ``small_sample="wild"``: the wild cluster bootstrap-t with the null imposed (WCR;
      Cameron, Gelbach & Miller 2008), ``n_boot`` draws of Webb's six-point weights when
      there are fewer than 12 clusters and Rademacher weights otherwise (every distinct
      draw once when there are no more of them than ``n_boot``). The p-value is the
      share of bootstrap |t| at least the observed |t|; the interval inverts that test
      (bisection on the bootstrap p-value, the same draws for every null value). ``se``
      is the CR1 standard error the t statistics are built with; ``df`` is None.

    The formulas are in ``docs/metrics.md`` ("Small-sample inference").

    Parameters
    ----------
    df : pandas.DataFrame
        One row per unit and period (long format).
    outcome : str
        Outcome column.
    treated, post : str
        0/1 (or boolean) columns: in the treated group; in the period after.
    cluster : str, optional
        Column identifying clusters (e.g. the unit id in a panel).
    covariates : sequence of str, default ()
        Extra regressors; non-numeric columns enter as dummies (first level dropped).
    cov_type : str, optional
        One of ``DID_COV_TYPES``; default ``"nonrobust"`` (``"cluster"`` with ``cluster=``).
    alpha : float, default 0.05
        Two-sided significance level.
    cov_kwds : mapping, optional
        Passed to statsmodels for ``cov_type`` that need it (e.g. ``{"maxlags": 2}`` for
        ``"HAC"``).
    small_sample : {None, "cr2", "wild"}, default None
        Small-sample cluster-robust inference (needs ``cluster=``); None keeps statsmodels'
        cluster-robust errors with ``G - 1`` df.
    n_boot : int, default 9999
        Bootstrap draws for ``small_sample="wild"``.
    seed : int or numpy.random.Generator, optional
        Seed of the bootstrap draws (the same seed gives the same p-value and interval).

    Returns
    -------
    Estimate
        ``effect_size`` is None; ``n_clusters`` set with ``cluster=``; NaN everywhere
        (with the reason in ``method``) when a treated x post cell is empty or the design
        is rank deficient.

    References
    ----------
    Wooldridge, J. M. *Introductory Econometrics: A Modern Approach*, ch. 13.2.
    Card, D. & Krueger, A. B. (1994). Minimum wages and employment. *American Economic
    Review* 84(4), 772-793.
    Bell, R. M. & McCaffrey, D. F. (2002). Bias reduction in standard errors for linear
    regression with multi-stage samples. *Survey Methodology* 28(2), 169-181.
    Imbens, G. W. & Kolesar, M. (2016). Robust standard errors in small samples: some
    practical advice. *Review of Economics and Statistics* 98(4), 701-712.
    Pustejovsky, J. E. & Tipton, E. (2018). Small-sample methods for cluster-robust
    variance estimation and hypothesis testing in fixed effects models. *Journal of
    Business & Economic Statistics* 36(4), 672-683.
    Cameron, A. C., Gelbach, J. B. & Miller, D. L. (2008). Bootstrap-based improvements
    for inference with clustered errors. *Review of Economics and Statistics* 90(3),
    414-427.
    Webb, M. D. (2023). Reworking wild bootstrap-based inference for clustered errors.
    *Canadian Journal of Economics* 56(3), 839-858 (working paper 2014).

    Examples
    --------
    Eight people, four in each group, measured before and after; clusters are people:

    >>> import pandas as pd
    >>> panel = pd.DataFrame({
    ...     "person": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8],
    ...     "pilot": [1] * 8 + [0] * 8,
    ...     "after": [0, 1] * 8,
    ...     "score": [10, 14, 12, 15, 9, 14, 11, 13, 10, 11, 12, 12, 11, 13, 9, 10]})
    >>> e = did(panel, outcome="score", treated="pilot", post="after", cluster="person",
    ...         small_sample="cr2")
    >>> round(e.estimate, 2), round(e.df, 2), e.n_clusters
    (2.5, 6.0, 8)
    >>> w = did(panel, outcome="score", treated="pilot", post="after", cluster="person",
    ...         small_sample="wild", n_boot=999, seed=1)
    >>> w.method
    'OLS difference-in-differences (pilot x after), wild cluster bootstrap (Webb, 999 draws), ...'
    """
    func = "did"
    df = _require_frame(df, func)
    alpha = _check_alpha(alpha)
    if isinstance(covariates, str):
        covariates = (covariates,)
    covariates = tuple(covariates)
    roles: dict[str, str | None] = {"outcome": outcome, "treated": treated, "post": post,
                                    "cluster": cluster}
    roles.update({f"covariates[{i}]": c for i, c in enumerate(covariates)})
    _require_columns(df, func, roles)
    if small_sample not in SMALL_SAMPLE_METHODS:
        raise UsageError(
            f"did(): unknown small_sample {small_sample!r}. Allowed: None, "
            f"{', '.join(repr(m) for m in SMALL_SAMPLE_METHODS if m)}."
        )
    if small_sample is not None:
        if cluster is None:
            raise UsageError(
                f"did(): small_sample={small_sample!r} is a cluster-robust method and needs "
                "the cluster= column (for one row per person and period, the person id)."
            )
        if cov_type not in (None, "cluster"):
            raise UsageError(
                f"did(): small_sample={small_sample!r} sets the standard errors itself; "
                f"leave cov_type out (got {cov_type!r})."
            )
        if small_sample == "wild" and (
            isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 99
        ):
            raise UsageError(f"did(): n_boot must be a whole number >= 99; got {n_boot!r}.")
    if cov_type is None:
        cov_type = "cluster" if cluster is not None else "nonrobust"
    if cov_type not in DID_COV_TYPES:
        raise UsageError(
            f"did(): unknown cov_type {cov_type!r}. Allowed: {', '.join(DID_COV_TYPES)}."
        )
    if cov_type == "cluster" and cluster is None:
        raise UsageError("did(): cov_type='cluster' needs the cluster= column.")
    if cluster is not None and cov_type != "cluster":
        raise UsageError(
            f"did(): cluster={cluster!r} asks for cluster-robust errors but cov_type is "
            f"{cov_type!r}; give one or the other."
        )

    used = [outcome, treated, post, *covariates] + ([cluster] if cluster else [])
    data = df[list(dict.fromkeys(used))].dropna()
    n = len(data)
    y = pd.to_numeric(data[outcome], errors="coerce")
    if y.isna().any():
        raise UsageError(f"did(): outcome column {outcome!r} must be numeric.")
    tr = _binary(data[treated], func, "treated")
    po = _binary(data[post], func, "post")
    label = f"OLS difference-in-differences ({treated} x {post})"

    cells = np.bincount((2 * tr + po).to_numpy(dtype=int), minlength=4)
    if (cells == 0).any():
        return _nan_estimate(
            n,
            f"{label}: not estimable, every treated x post cell needs data "
            f"(counts {cells.tolist()} for treated/post 00,01,10,11)",
            alpha,
            effect_size=False,
        )
    x = pd.DataFrame(
        {"const": 1.0, "treated": tr, "post": po, "treated:post": tr * po}, index=data.index
    )
    if covariates:
        cov = pd.get_dummies(data[list(covariates)], drop_first=True, dtype=float)
        x = pd.concat([x, cov.astype(float)], axis=1)
    k = x.shape[1]
    if n <= k or np.linalg.matrix_rank(x.to_numpy()) < k:
        return _nan_estimate(
            n,
            f"{label}: not estimable, {n} rows for {k} coefficients or collinear regressors",
            alpha,
            effect_size=False,
        )
    if small_sample is not None:
        groups = pd.factorize(data[cluster])[0]
        est = _did_small_sample(
            y.to_numpy(dtype=float), x, groups, small_sample,
            alpha=alpha, n_boot=int(n_boot), seed=seed,
            label=label, cluster=str(cluster),
            controls=f", controls: {', '.join(covariates)}" if covariates else "",
        )
        if not math.isfinite(est.se):
            return est
        from statsmodels.regression.linear_model import OLS

        # the same regression with statsmodels' CR1 errors, kept for diagnostics and
        # summary() (whose note gives the small-sample errors the estimate uses)
        res = OLS(y.astype(float), x).fit(cov_type="cluster", cov_kwds={"groups": groups},
                                          use_t=True)
        return replace(est, result=res)
    fit_kwds: dict[str, Any] = {"cov_type": cov_type, "use_t": True}
    se_label = "ordinary OLS SE" if cov_type == "nonrobust" else f"{cov_type} SE"
    if cov_type == "cluster":
        groups = pd.factorize(data[cluster])[0]
        n_groups = int(groups.max()) + 1
        if n_groups < 2:
            return _nan_estimate(
                n, f"{label}: not estimable, fewer than 2 clusters", alpha, effect_size=False
            )
        fit_kwds["cov_kwds"] = {"groups": groups, **(cov_kwds or {})}
        se_label = f"cluster-robust SE by {cluster} ({n_groups} clusters)"
    elif cov_kwds:
        fit_kwds["cov_kwds"] = dict(cov_kwds)
    from statsmodels.regression.linear_model import OLS

    try:
        res = OLS(y.astype(float), x).fit(**fit_kwds)
    except (TypeError, KeyError, ValueError) as exc:
        raise UsageError(f"did(): statsmodels rejected cov_type={cov_type!r}: {exc}") from None
    controls = f", controls: {', '.join(covariates)}" if covariates else ""
    est = _coef_estimate(res, 3, n, alpha, f"{label}, {se_label}{controls}")
    if cov_type == "cluster":
        est = replace(est, n_clusters=n_groups)
    return est


# --------------------------------------------------------------------------- ITS


def _harmonics(month: pd.Series, pairs: int = 2, period: float = 12.0) -> pd.DataFrame:
    """Fourier terms sin/cos(2 pi k m / period), k = 1..pairs (R's tsModel::harmonic)."""
    cols: dict[str, np.ndarray] = {}
    m = month.to_numpy(dtype=float)
    for k in range(1, pairs + 1):
        cols[f"sin{k}"] = np.sin(2 * np.pi * k * m / period)
        cols[f"cos{k}"] = np.cos(2 * np.pi * k * m / period)
    return pd.DataFrame(cols, index=month.index)


def its(
    df: pd.DataFrame,
    outcome: str,
    time: str,
    post: str,
    family: Literal["gaussian", "poisson"] = "gaussian",
    exposure: str | None = None,
    seasonality: str | None = None,
    overdispersion: bool = True,
    slope_change: bool = False,
    alpha: float = 0.05,
    *,
    hac_maxlags: int | Literal["auto"] | None = None,
    errors: Literal["independent", "ar1_noise"] = "independent",
    bends: Sequence[float] | None = None,
) -> ITSResult:
    r"""Segmented regression for an interrupted time series.

    The model is

    .. math::

        g(\mu_t) = \beta_0 + \beta_1\,time_t + \beta_2\,post_t
                   \;[+\ \beta_3\,(time_t - T_0)\,post_t]
                   \;[+\ \textstyle\sum_{k=1}^{2} a_k \sin(2\pi k m_t/12)
                   + b_k \cos(2\pi k m_t/12)]
                   \;[+\ \log E_t]

    with :math:`g` the identity (``family="gaussian"``, OLS) or the log
    (``family="poisson"``, GLM with offset :math:`\log E_t` from the ``exposure``
    column). :math:`T_0` is the last ``time`` before the interruption, :math:`m_t` the
    month of year. :math:`\beta_2` is the level change (its ``exp`` the rate ratio for
    Poisson), :math:`\beta_3` the slope change, :math:`\beta_1` the pre-trend.

    With ``overdispersion=True`` a Poisson model's standard errors are scaled by the
    Pearson dispersion :math:`\hat\phi = X^2/(n-p)` (quasi-Poisson; statsmodels
    ``scale="X2"``, R ``family=quasipoisson``, Stata ``scale(x2)``). Poisson intervals
    are Wald z intervals (as R's ``Epi::ci.exp``), Gaussian ones t intervals.

    With the default ``errors="independent"`` residual autocorrelation is not
    modelled, but it is measured: ``autocorrelation`` is
    the lag-1 autocorrelation of the Pearson residuals in time order and
    ``autocorrelation_p`` the Breusch-Godfrey test at lags 1-3 (F form; for Poisson on
    the Pearson residuals regressed on :math:`\sqrt{\hat\mu}\,X`, the working design).
    ``hac_maxlags`` refits with Newey-West (HAC, Bartlett kernel) errors: statsmodels
    ``cov_type="HAC"`` with the small-sample factor :math:`n/(n-k)` (as Stata's
    ``newey``); ``"auto"`` takes :math:`\lfloor 4 (T/100)^{2/9} \rfloor` lags. The HAC
    sandwich does not use the quasi-Poisson scale (it cancels), so with HAC the
    overdispersion is absorbed by the sandwich and ``dispersion`` is only reported.
    ``pre_trend_break_p`` tests for a change of slope within the pre-period: the
    pre-period is refitted alone (same family, offset and seasonality) and a score
    statistic for a hinge :math:`(time - c)_+` is computed at every candidate month
    :math:`c` (15 % trimmed at each end, at least :data:`PRE_BREAK_MIN_SEGMENT` points
    on each side); the p-value is that of the largest absolute statistic, from its
    joint (multivariate normal, or t when the scale is estimated) distribution, so it is
    corrected for the search (Davies 1987; Andrews 1993). The formulas are in
    ``docs/metrics.md``.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per time point.
    outcome, time, post : str
        Outcome (a count for Poisson), numeric running time, 0/1 after the interruption.
    family : {"gaussian", "poisson"}
    exposure : str, optional
        Population at risk (Poisson only): enters as offset ``log(exposure)``.
    seasonality : str, optional
        A month-of-year column (1-12, or dates) modelled by two sine/cosine pairs of
        period 12.
    overdispersion : bool, default True
        Quasi-Poisson standard errors (Poisson only; ignored for Gaussian).
    slope_change : bool, default False
        Also estimate a change in slope.
    alpha : float, default 0.05
    hac_maxlags : int or "auto", optional
        Newey-West standard errors with this many lags (``"auto"``: the Newey & West
        1994 rule of thumb); None keeps the model-based errors.
    errors : {"independent", "ar1_noise"}, default "independent"
        ``"ar1_noise"`` models the errors as an AR(1) process plus white noise,
        :math:`V = \sigma_a^2 R(\rho) + \sigma_e^2 W^{-1}` with
        :math:`R_{ij} = \rho^{|t_i - t_j|}`, :math:`0 \le \rho \le 0.98`, and
        :math:`W = I` (Gaussian) or :math:`\operatorname{diag}\hat\mu` (Poisson: the
        white noise is the quasi-Poisson part, :math:`\sigma_e^2` its dispersion),
        fitted by REML; the coefficients are GLS (for Poisson quasi-likelihood GLS,
        iterated on the IRLS working response), the standard errors carry the
        Kenward-Roger adjustment for the estimated covariance, and every interval and
        p-value uses a t reference with Satterthwaite degrees of freedom
        (``Estimate.df``).
        ``autocorrelation`` and ``autocorrelation_p`` then check the decorrelated
        residuals (what the model leaves); the pre-trend check is unchanged. Not with
        ``hac_maxlags``.
    bends : sequence of float, optional
        Times strictly inside the pre-period where the trend may bend: each adds a hinge
        :math:`(time - c)_+` to the model (a trend that changed before the interruption
        and went on). The hinges are part of the trend, so the counterfactual keeps them.
        With bends, ``pre_trend_break_p`` is NaN (the pre-period's bends are given).

    Returns
    -------
    ITSResult

    References
    ----------
    Lopez Bernal, J., Cummins, S. & Gasparrini, A. (2017). Interrupted time series
    regression for the evaluation of public health interventions: a tutorial.
    *International Journal of Epidemiology* 46(1), 348-355.
    Patterson, H. D. & Thompson, R. (1971). Recovery of inter-block information when
    block sizes are unequal. *Biometrika* 58(3), 545-554.
    Giesbrecht, F. G. & Burns, J. C. (1985). Two-stage analysis based on a mixed model:
    large-sample asymptotic theory and small-sample simulation results. *Biometrics*
    41(2), 477-486.
    Kenward, M. G. & Roger, J. H. (1997). Small sample inference for fixed effects from
    restricted maximum likelihood. *Biometrics* 53(3), 983-997.
    Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance
    components. *Biometrics Bulletin* 2(6), 110-114.
    Breslow, N. E. & Clayton, D. G. (1993). Approximate inference in generalized linear
    mixed models. *JASA* 88(421), 9-25.
    Wagner, A. K. et al. (2002). Segmented regression analysis of interrupted time series
    studies in medication use research. *J Clin Pharm Ther* 27, 299-309.
    Newey, W. K. & West, K. D. (1987). A simple, positive semi-definite,
    heteroskedasticity and autocorrelation consistent covariance matrix.
    *Econometrica* 55(3), 703-708; (1994) Automatic lag selection in covariance matrix
    estimation. *Review of Economic Studies* 61(4), 631-653.
    Breusch, T. S. (1978). Testing for autocorrelation in dynamic linear models.
    *Australian Economic Papers* 17, 334-355. Godfrey, L. G. (1978). *Econometrica* 46,
    1293-1301.
    Davies, R. B. (1987). Hypothesis testing when a nuisance parameter is present only
    under the alternative. *Biometrika* 74(1), 33-43. Andrews, D. W. K. (1993). Tests
    for parameter instability and structural change with unknown change point.
    *Econometrica* 61(4), 821-856.

    Examples
    --------
    Four years of a monthly rate with a step down after month 30 and correlated months:

    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(7)
    >>> noise = np.zeros(48)
    >>> for i in range(1, 48):
    ...     noise[i] = 0.6 * noise[i - 1] + rng.normal()
    >>> series = pd.DataFrame({"month": np.arange(1, 49), "after": np.arange(1, 49) > 30})
    >>> series["rate"] = 20 + 0.1 * series["month"] - 3 * series["after"] + noise
    >>> r = its(series, outcome="rate", time="month", post="after", hac_maxlags="auto")
    >>> r.cov_type, r.hac_maxlags, round(r.autocorrelation, 2)
    ('HAC', 3, 0.53)
    >>> r.autocorrelation_p < 0.05, r.pre_trend_break_p > 0.05
    (True, True)
    """
    func = "its"
    df = _require_frame(df, func)
    alpha = _check_alpha(alpha)
    if family not in ITS_FAMILIES:
        raise UsageError(f"its(): unknown family {family!r}. Allowed: {', '.join(ITS_FAMILIES)}.")
    if hac_maxlags is not None and hac_maxlags != "auto" and (
        isinstance(hac_maxlags, bool)
        or not isinstance(hac_maxlags, (int, np.integer))
        or hac_maxlags < 0
    ):
        raise UsageError(
            f"its(): hac_maxlags must be a whole number >= 0 or 'auto'; got {hac_maxlags!r}."
        )
    if errors not in ITS_ERRORS:
        raise UsageError(f"its(): unknown errors {errors!r}. Allowed: {', '.join(ITS_ERRORS)}.")
    if errors == "ar1_noise" and hac_maxlags is not None:
        raise UsageError("its(): errors='ar1_noise' models the correlation itself; "
                         "leave hac_maxlags=None (Newey-West is for errors='independent').")
    if exposure is not None and family != "poisson":
        raise UsageError(
            f"its(): exposure={exposure!r} is only used with family='poisson' "
            f"(got family={family!r})."
        )
    _require_columns(
        df,
        func,
        {"outcome": outcome, "time": time, "post": post, "exposure": exposure,
         "seasonality": seasonality},
    )
    used = list(dict.fromkeys(c for c in (outcome, time, post, exposure, seasonality) if c))
    data = df[used].dropna()
    n = len(data)
    y = pd.to_numeric(data[outcome], errors="coerce")
    t = pd.to_numeric(data[time], errors="coerce")
    # time order for the HAC errors and the residual checks; predictions keep input order
    order = np.argsort(t.to_numpy(dtype=float), kind="stable")
    if not t.isna().any() and (np.diff(order) != 1).any():
        data, y, t = data.iloc[order], y.iloc[order], t.iloc[order]
    else:
        order = np.arange(n)
    if y.isna().any():
        raise UsageError(f"its(): outcome column {outcome!r} must be numeric.")
    if t.isna().any():
        raise UsageError(
            f"its(): time column {time!r} must be numeric (a running index 1, 2, 3, ...)."
        )
    po = _binary(data[post], func, "post")
    if family == "poisson" and (y < 0).any():
        raise UsageError(f"its(): family='poisson' needs counts >= 0 in {outcome!r}.")

    x = pd.DataFrame({"const": 1.0, "time": t.astype(float), "post": po}, index=data.index)
    t0 = float(t[po == 0].max()) if (po == 0).any() else np.nan
    if slope_change:
        x["time_since:post"] = (t - t0) * po
    for c in bends or ():
        c = float(c)
        if not (math.isfinite(c) and float(t.min()) < c < t0):
            raise UsageError(
                f"its(): a bend must lie strictly inside the pre-period ({float(t.min()):g} "
                f"< bend < {t0:g}, the last time before the interruption); got {c!r}."
            )
        x[f"bend:{c:g}"] = np.maximum(t.astype(float) - c, 0.0)
    if seasonality is not None:
        month = data[seasonality]
        if pd.api.types.is_datetime64_any_dtype(month):
            month = month.dt.month
        month = pd.to_numeric(month, errors="coerce")
        if month.isna().any() or not month.between(1, 12).all():
            raise UsageError(
                f"its(): seasonality column {seasonality!r} must hold month of year 1-12 "
                "(or dates)."
            )
        x = pd.concat([x, _harmonics(month)], axis=1)
    offset = None
    if exposure is not None:
        e = pd.to_numeric(data[exposure], errors="coerce")
        if e.isna().any() or (e <= 0).any():
            raise UsageError(f"its(): exposure column {exposure!r} must be positive numbers.")
        offset = np.log(e.to_numpy(dtype=float))

    label = (
        "segmented OLS regression"
        if family == "gaussian"
        else ("quasi-Poisson" if overdispersion else "Poisson") + " segmented GLM"
    )
    extras = [
        "slope change" if slope_change else "",
        *(f"trend bend at {float(c):g}" for c in bends or ()),
        "2 harmonic pairs (period 12)" if seasonality else "",
        f"offset log({exposure})" if exposure else "",
    ]
    maxlags = None
    if hac_maxlags is not None:
        maxlags = (int(math.floor(4 * (n / 100) ** (2 / 9))) if hac_maxlags == "auto"
                   else int(hac_maxlags))
        extras.append(f"Newey–West SE ({maxlags} lags)")
    if errors == "ar1_noise":
        extras.append("AR(1) + noise errors (REML, Kenward–Roger SE, Satterthwaite df)")
    label += "".join(f", {s}" for s in extras if s)

    preds = pd.DataFrame(
        {"time": t.astype(float), "post": po, "observed": y.astype(float)}, index=data.index
    )
    if exposure is not None:
        preds["exposure"] = np.exp(offset)  # type: ignore[arg-type]
    k = x.shape[1]
    n_pre, n_post = int((po == 0).sum()), int((po == 1).sum())
    reason = None
    if n_pre == 0 or n_post == 0:
        reason = f"needs time points before and after ({n_pre} before, {n_post} after)"
    elif n <= k or np.linalg.matrix_rank(x.to_numpy()) < k:
        reason = f"{n} time points for {k} coefficients or collinear terms"
    elif family == "poisson" and y.sum() == 0:
        reason = "all counts are zero"
    res = None
    if reason is None:
        from statsmodels.genmod.families import Poisson
        from statsmodels.genmod.generalized_linear_model import GLM
        from statsmodels.regression.linear_model import OLS

        robust: dict[str, Any] = {}
        if maxlags is not None:
            robust = {"cov_type": "HAC", "cov_kwds": {"maxlags": maxlags,
                                                        "use_correction": True}}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=RuntimeWarning)
            try:
                if family == "gaussian":
                    res = OLS(y.astype(float), x).fit(**robust, use_t=True)
                else:
                    res = GLM(
                        y.astype(float), x, family=Poisson(), offset=offset
                    ).fit(scale="X2" if overdispersion else None, **robust)
            except np.linalg.LinAlgError as exc:
                reason = f"fit failed ({exc})"
        if res is not None and not np.all(np.isfinite(np.asarray(res.bse))):
            reason, res = "the fit gave non-finite standard errors", None
    ar1 = None
    if res is not None and errors == "ar1_noise":
        with one_blas_thread.held():
            ar1 = _ar1_noise_glm(y.to_numpy(dtype=float), x.to_numpy(dtype=float),
                                 t.to_numpy(dtype=float), family, offset,
                                 np.asarray(res.params, dtype=float))
        if ar1 is None or not np.all(np.isfinite(np.diag(ar1.cov))):
            reason, res, ar1 = "the AR(1) + noise fit failed", None, None
    cov_type = ("ar1_noise" if errors == "ar1_noise"
                else "HAC" if maxlags is not None else "nonrobust")
    if res is None:
        method = f"{label}: not estimable, {reason}"
        nan = _nan_estimate(n, method, alpha, effect_size=False)
        preds["fitted"] = np.nan
        preds["counterfactual"] = np.nan
        _add_rates(preds, exposure)
        preds = preds.iloc[np.argsort(order)]
        return ITSResult(
            level_change=nan,
            slope_change=nan if slope_change else None,
            trend=nan,
            level_rr=np.nan if family == "poisson" else None,
            level_rr_ci=(np.nan, np.nan) if family == "poisson" else None,
            predictions=preds,
            model=None,
            family=family,
            n=n,
            dispersion=np.nan,
            method=method,
            alpha=alpha,
            cov_type=cov_type,
            hac_maxlags=maxlags,
        )

    names = list(x.columns)

    def coef(name: str, what: str) -> Estimate:
        if ar1 is None:
            return _coef_estimate(res, names.index(name), n, alpha, f"{label}: {what}")
        return _ar1_estimate(ar1, names.index(name), n, alpha, f"{label}: {what}", res)

    level = coef("post", "level change")
    trend = coef("time", "pre-trend")
    slope = coef("time_since:post", "slope change") if slope_change else None
    x_cf = x.copy()
    x_cf["post"] = 0.0
    if slope_change:
        x_cf["time_since:post"] = 0.0
    if ar1 is not None:
        link = {"fitted": x.to_numpy(float) @ ar1.beta, "counterfactual": x_cf.to_numpy(float)
                @ ar1.beta}
        for col, eta in link.items():
            preds[col] = eta if family == "gaussian" else np.exp(
                eta + (0.0 if offset is None else offset))
        dispersion = float(res.scale)
        rr, rr_ci = (None, None) if family == "gaussian" else (
            _finite_or_nan(np.exp(level.estimate)),
            (_finite_or_nan(np.exp(level.ci_low)), _finite_or_nan(np.exp(level.ci_high))))
    elif family == "gaussian":
        preds["fitted"] = np.asarray(res.fittedvalues, dtype=float)
        preds["counterfactual"] = np.asarray(res.predict(x_cf), dtype=float)
        dispersion = float(res.scale)
        rr, rr_ci = None, None
    else:
        preds["fitted"] = np.asarray(res.predict(x, offset=offset), dtype=float)
        preds["counterfactual"] = np.asarray(res.predict(x_cf, offset=offset), dtype=float)
        dispersion = float(res.scale)
        rr = _finite_or_nan(np.exp(level.estimate))
        rr_ci = (_finite_or_nan(np.exp(level.ci_low)), _finite_or_nan(np.exp(level.ci_high)))
    _add_rates(preds, exposure)
    preds = preds.iloc[np.argsort(order)]
    method = label + (f", dispersion {dispersion:.4g}" if family == "poisson" else "")
    if ar1 is not None:
        method += f", AR(1) rho {ar1.rho:.3g}"
    with one_blas_thread.held():  # small matrices: more threads only spin
        if ar1 is None:
            ac, ac_p = _residual_autocorrelation(res, x, family)
        else:  # what the AR(1) + noise model leaves: its decorrelated residuals
            ac, ac_p = _autocorrelation_check(ar1.resid_w, ar1.x_w)
        break_p = np.nan if bends else _pre_trend_break_p(
            y.to_numpy(dtype=float), x, po.to_numpy(dtype=float), family, offset,
            overdispersion)
    return ITSResult(
        level_change=level,
        slope_change=slope,
        trend=trend,
        level_rr=rr,
        level_rr_ci=rr_ci,
        predictions=preds,
        model=res,
        family=family,
        n=n,
        dispersion=dispersion,
        method=method,
        alpha=alpha,
        autocorrelation=ac,
        autocorrelation_p=ac_p,
        pre_trend_break_p=break_p,
        cov_type=cov_type,
        hac_maxlags=maxlags,
        ar1_rho=np.nan if ar1 is None else ar1.rho,
        ar1_sd=np.nan if ar1 is None else math.sqrt(ar1.ar_var),
    )


def _residual_autocorrelation(res: Any, x: pd.DataFrame, family: str) -> tuple[float, float]:
    """Lag-1 autocorrelation of the Pearson residuals and the Breusch-Godfrey p-value.

    Rows are in time order. For Poisson the Pearson residuals are exactly the OLS
    residuals of themselves on sqrt(mu) X (the score equations), so the Breusch-Godfrey
    auxiliary regression runs on that working design.
    """
    x_mat = x.to_numpy(dtype=float)
    if family == "gaussian":
        r = np.asarray(res.resid, dtype=float)
        z = x_mat
    else:
        r = np.asarray(res.resid_pearson, dtype=float)
        z = x_mat * np.sqrt(np.asarray(res.mu, dtype=float))[:, None]
    return _autocorrelation_check(r, z)


def _autocorrelation_check(r: np.ndarray, z: np.ndarray) -> tuple[float, float]:
    """Lag-1 autocorrelation of residuals ``r`` (time order) and the Breusch-Godfrey
    p-value with ``z`` the design they are the least-squares residuals of."""
    from statsmodels.regression.linear_model import OLS
    from statsmodels.stats.diagnostic import acorr_breusch_godfrey

    centred = r - r.mean()
    denom = float(centred @ centred)
    ac = float(centred[1:] @ centred[:-1] / denom) if denom > 0 else np.nan
    lags = ITS_AUTOCORRELATION_LAGS
    if len(r) <= z.shape[1] + lags + 1 or denom == 0:
        return _finite_or_nan(ac), np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fpval = acorr_breusch_godfrey(OLS(r, z).fit(), nlags=lags, result_object=False)[3]
    return _finite_or_nan(ac), _finite_or_nan(fpval)


def _pre_trend_break_p(
    y: np.ndarray,
    x: pd.DataFrame,
    post: np.ndarray,
    family: str,
    offset: np.ndarray | None,
    overdispersion: bool,
) -> float:
    r"""p-value of a sup-score test for a slope change inside the pre-period.

    The pre-period is refitted alone without the intervention terms. For each candidate
    month :math:`c` the score for adding the hinge :math:`h_c = (time - c)_+` is
    :math:`U_c = h_c'(y - \hat\mu)` with variance :math:`\hat\phi\,\tilde h_c' W \tilde h_c`,
    :math:`\tilde h_c` the :math:`W`-weighted residual of :math:`h_c` on the null
    design (:math:`W = I` Gaussian, :math:`\operatorname{diag}\hat\mu` Poisson). The
    statistic is :math:`\max_c |U_c| / sd(U_c)`; its p-value comes from
    :data:`PRE_BREAK_DRAWS` draws (fixed seed) of the joint null distribution of the
    standardised scores, normal with their correlation matrix, divided by
    :math:`\sqrt{\chi^2_\nu/\nu}` when the scale is estimated (:math:`\nu` = residual df).
    The months are taken as independent, also when the main fit uses HAC errors: with
    autocorrelated months the test fires more often than its level, which withholds
    a claim rather than makes one. A version with the covariance scaled by the
    residuals' Bartlett long-run variance factor was tried and dropped: with 24
    pre-period months it cannot tell a slope change from autocorrelation (the null
    residuals of a broken trend are autocorrelated), so it lost nearly all power.
    """
    pre = post == 0
    keep = [c for c in x.columns if c not in ("post", "time_since:post")]
    xp = x.loc[pre, keep].to_numpy(dtype=float)
    yp = y[pre]
    tp = x.loc[pre, "time"].to_numpy(dtype=float)
    n_pre, k = xp.shape
    min_side = max(PRE_BREAK_MIN_SEGMENT, math.ceil(PRE_BREAK_TRIM * n_pre))
    cands = np.unique(tp)
    below = (tp[None, :] <= cands[:, None]).sum(axis=1)
    cands = cands[(below >= min_side) & (n_pre - below >= min_side)]
    if len(cands) == 0 or n_pre <= k + 2 or np.linalg.matrix_rank(xp) < k:
        return np.nan
    from statsmodels.genmod.families import Poisson
    from statsmodels.genmod.generalized_linear_model import GLM

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if family == "gaussian":
                beta = np.linalg.lstsq(xp, yp, rcond=None)[0]
                mu = xp @ beta
                weight = np.ones(n_pre)
                scale = float(((yp - mu) @ (yp - mu)) / (n_pre - k))
                estimated_scale = True
            else:
                fit = GLM(yp, xp, family=Poisson(),
                          offset=None if offset is None else offset[pre]).fit()
                mu = np.asarray(fit.mu, dtype=float)
                weight = mu
                pearson = float(np.sum((yp - mu) ** 2 / mu) / (n_pre - k))
                scale = pearson if overdispersion else 1.0
                estimated_scale = overdispersion
        except (np.linalg.LinAlgError, ValueError):
            return np.nan
    if not (scale > 0 and np.all(np.isfinite(mu))):
        return np.nan
    hinge = np.maximum(tp[:, None] - cands[None, :], 0.0)
    xw = xp * weight[:, None]
    h_res = hinge - xp @ np.linalg.solve(xp.T @ xw, xw.T @ hinge)
    var = scale * np.einsum("ij,ij->j", h_res, h_res * weight[:, None])
    usable = var > 1e-10 * max(float(var.max()), 0.0)  # a candidate at a given bend: no test
    if not usable.any():
        return np.nan
    hinge, h_res = hinge[:, usable], h_res[:, usable]
    cov = scale * (h_res.T @ (h_res * weight[:, None]))
    sd = np.sqrt(np.diag(cov))
    if not np.all(sd > 0):
        return np.nan
    observed = float(np.max(np.abs(hinge.T @ (yp - mu)) / sd))
    corr = cov / np.outer(sd, sd)
    vals, vecs = np.linalg.eigh(corr)
    root = vecs * np.sqrt(np.clip(vals, 0.0, None))
    rng = np.random.default_rng(20260612)  # fixed: the same data give the same p-value
    draws = rng.standard_normal((PRE_BREAK_DRAWS, hinge.shape[1])) @ root.T
    if estimated_scale:
        nu = n_pre - k
        draws /= np.sqrt(rng.chisquare(nu, PRE_BREAK_DRAWS) / nu)[:, None]
    return float(np.mean(np.max(np.abs(draws), axis=1) >= observed))


def _add_rates(preds: pd.DataFrame, exposure: str | None) -> None:
    if exposure is None:
        return
    for col in ("observed", "fitted", "counterfactual"):
        preds[f"{col}_rate"] = preds[col] / preds["exposure"]


# --------------------------------------------------------------------------- ITS: AR(1) + noise


@dataclass(frozen=True)
class _AR1NoiseFit:
    """REML fit of ``z = X beta + u + e``, ``u`` AR(1), ``e`` white noise (see :func:`its`)."""

    beta: np.ndarray
    cov: np.ndarray  # (X'V^-1 X)^-1
    df: np.ndarray  # Satterthwaite df per coefficient
    rho: float
    ar_var: float
    noise_scale: float
    start: tuple[float, float]  # (share of the AR part, rho): a warm start for a refit
    scale: float  # sigma^2 of V / sigma^2 = lam R(rho) + (1 - lam) W^-1 / mean(W^-1)
    resid_w: np.ndarray  # L^-1 (z - X beta), V = L L': what the model leaves, decorrelated
    x_w: np.ndarray  # L^-1 X


def _ar1_correlation(t: np.ndarray) -> tuple[np.ndarray, Callable[[float], np.ndarray]]:
    r"""The time distances :math:`|t_i - t_j|` and :math:`\rho \mapsto R(\rho)`,
    :math:`R_{ij} = \rho^{|t_i - t_j|}`: for whole time steps by table look-up (one power
    per lag). The REML objective and the GLS after it use the same function, so the
    :math:`R` of the fit is the one the optimiser saw, to the bit."""
    dt = np.abs(t[:, None] - t[None, :])
    steps = np.rint(dt).astype(int)
    if not np.all(steps == dt):
        return dt, lambda rho: rho**dt
    lags = np.arange(steps.max() + 1.0)
    return dt, lambda rho: (rho**lags)[steps]


def _ar1_noise_reml(
    z: np.ndarray, x: np.ndarray, winv: np.ndarray, t: np.ndarray,
    start: tuple[float, float] | None = None, inference: bool = True,
) -> _AR1NoiseFit | None:
    r"""Fit :math:`V = \sigma_a^2 R(\rho) + \sigma_e^2 \operatorname{diag}(w^{-1})` by REML.

    :math:`R_{ij} = \rho^{|t_i - t_j|}` (gaps in the series keep their distance),
    :math:`0 \le \rho \le` :data:`ITS_AR1_MAX`. The restricted log-likelihood
    :math:`-\tfrac12[\log|V| + \log|X'V^{-1}X| + r'V^{-1}r]` (Patterson & Thompson 1971)
    is maximised with L-BFGS-B from three starts, or from ``start`` (a warm start: the
    share of the AR part and :math:`\rho` of a fit nearby); :math:`\hat\beta` is the GLS
    estimate (:func:`_ar1_noise_gls`, which ``inference`` is passed on to).
    Degrees of freedom per coefficient are Satterthwaite's,
    :math:`\nu_j = 2 g_j^2 / (\nabla g_j' I^{-1} \nabla g_j)` with
    :math:`g_j = [(X'V^{-1}X)^{-1}]_{jj}`, :math:`\partial g/\partial\theta_i =
    [C X'V^{-1} V_i V^{-1} X C]_{jj}` and :math:`I_{ij} = \tfrac12 \operatorname{tr}(P V_i P
    V_j)` the expected REML information (Giesbrecht & Burns 1985; as lmerTest). Parameters
    at a boundary (no AR part, or :math:`\rho` at its bound) are left out of the
    information. With :data:`ITS_KENWARD_ROGER` the returned ``cov`` is the Kenward-Roger
    (1997) adjusted :math:`C + 2C[\sum_{ij} W_{ij}(Q_{ij} - P_i C P_j)]C`,
    :math:`W = I^{-1}`. None when the fit fails.
    """
    from scipy.linalg.lapack import dpotrs, dtrtrs
    from scipy.optimize import minimize

    n, k = x.shape
    corr = _ar1_correlation(t)[1]
    w0 = float(np.mean(winv))
    noise = winv / w0  # the diagonal of W^-1 / mean(W^-1)
    diagonal = np.diag_indices(n)

    def nll(theta: np.ndarray) -> tuple[float, float]:
        # V / sigma^2 = lam R(rho) + (1 - lam) W^-1 / mean(W^-1); sigma^2 profiled out.
        # The L-BFGS-B path (numerical gradients) follows the last bit of this function:
        # change its arithmetic and the fit stops elsewhere within the optimiser's
        # tolerance, ~1e-5 in the reported numbers. LAPACK is called directly as
        # scipy.linalg.solve_triangular / cho_solve call it (same bits, no wrappers).
        v = theta[0] * corr(theta[1])
        v[diagonal] += (1.0 - theta[0]) * noise
        try:
            lo = np.linalg.cholesky(v)
        except np.linalg.LinAlgError:
            return 1e300, np.nan
        # lo is C-ordered: LAPACK sees its transpose, an upper factor to solve transposed
        xi, info_x = dtrtrs(lo.T, x, lower=0, trans=1)
        zi, info_z = dtrtrs(lo.T, z, lower=0, trans=1)
        if info_x != 0 or info_z != 0:
            return 1e300, np.nan
        try:
            l2 = np.linalg.cholesky(xi.T @ xi)
        except np.linalg.LinAlgError:
            return 1e300, np.nan
        b, info_b = dpotrs(l2, xi.T @ zi, lower=1)
        if info_b != 0:
            return 1e300, np.nan
        r = zi - xi @ b
        rss = float(r @ r)
        if not rss > 0:
            return 1e300, np.nan
        return (float(np.sum(np.log(np.diag(lo))) + np.sum(np.log(np.diag(l2)))
                      + 0.5 * (n - k) * math.log(rss)), rss / (n - k))

    bounds = [(0.0, 0.999), (0.0, ITS_AR1_MAX)]
    starts = ([np.clip(np.array(start, dtype=float), 0.0, [0.999, ITS_AR1_MAX])]
              if start is not None else [np.array(v) for v in ((0.5, 0.5), (0.2, 0.2),
                                                                 (0.8, 0.8))])
    best = None
    for s0 in starts:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            opt = minimize(lambda th: nll(th)[0], s0, method="L-BFGS-B", bounds=bounds)
        if np.isfinite(opt.fun) and (best is None or opt.fun < best.fun):
            best = opt
    if best is None or best.fun >= 1e299:
        return None
    lam, rho = float(best.x[0]), float(best.x[1])
    return _ar1_noise_gls(z, x, winv, t, lam, rho, nll(best.x)[1], inference)


def _ar1_noise_gls(
    z: np.ndarray, x: np.ndarray, winv: np.ndarray, t: np.ndarray, lam: float, rho: float,
    sigma2: float, inference: bool = True,
) -> _AR1NoiseFit | None:
    r"""GLS with the REML variance parameters of :func:`_ar1_noise_reml`, and with
    ``inference`` the Satterthwaite df, the Kenward-Roger covariance and the decorrelated
    residuals (without: ``cov`` is the plain :math:`(X'V^{-1}X)^{-1}`, ``df``, ``resid_w``
    and ``x_w`` are empty; what an inner quasi-likelihood iteration needs). None when
    :math:`V` or :math:`X'V^{-1}X` cannot be inverted."""
    from scipy.linalg import solve_triangular

    n, k = x.shape
    dt, corr = _ar1_correlation(t)  # R as the REML objective builds it, to the bit
    w0 = float(np.mean(winv))
    sa, se = sigma2 * lam, sigma2 * (1.0 - lam) / w0
    r = corr(rho)
    v = sa * r + np.diag(se * winv)
    try:
        vinv = np.linalg.inv(v)
        cov = np.linalg.inv(x.T @ vinv @ x)
    except np.linalg.LinAlgError:
        return None
    beta = cov @ x.T @ vinv @ z
    if not inference:
        empty = np.empty(0)
        return _AR1NoiseFit(beta=beta, cov=cov, df=empty, rho=rho, ar_var=sa, noise_scale=se,
                            start=(lam, rho), scale=sigma2, resid_w=empty, x_w=empty)
    # derivatives of V: sigma_a^2, rho, sigma_e^2 (dropped at a boundary)
    derivs = [np.diag(winv)]
    if sa > 1e-8 * se * w0:
        derivs.insert(0, r)
        if 1e-6 < rho < ITS_AR1_MAX - 1e-6:
            with np.errstate(divide="ignore", invalid="ignore"):
                d_rho = np.where(dt > 0, sa * dt * rho ** (dt - 1), 0.0)
            derivs.insert(1, d_rho)
    dv = np.stack(derivs)  # q x n x n
    vx = vinv @ x
    p = vinv - vx @ cov @ vx.T
    pv = p @ dv  # P V_i
    info = 0.5 * np.einsum("aij,bji->ab", pv, pv)  # tr(P V_i P V_j) / 2
    a_inv = np.linalg.pinv(info)
    cvx = cov @ vx.T  # C X'V^-1
    grads = np.einsum("qjk,jk->jq", cvx @ dv, cvx)  # k x q: [C X'V^-1 V_i V^-1 X C]_jj
    g = np.diag(cov)
    denom = np.einsum("jq,qr,jr->j", grads, a_inv, grads)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.where(denom > 0, 2 * g**2 / denom, np.inf)
    df = np.clip(df, 1.0, float(n - k))
    if ITS_KENWARD_ROGER:
        # Kenward & Roger (1997): (X'V^-1 X)^-1 understates the variance of beta when V is
        # estimated; add 2 C [sum_ij W_ij (Q_ij - P_i C P_j)] C, W = info^-1
        b = dv @ vx  # V_i V^-1 X, q x n x k
        p_i = -(vx.T @ b)  # q x k x k
        q_ij = np.einsum("ikn,jnl->ijkl", b.transpose(0, 2, 1) @ vinv, b)  # b_i' V^-1 b_j
        pcp = np.einsum("ikm,jml->ijkl", p_i @ cov, p_i)  # P_i C P_j
        extra = np.einsum("ij,ijkl->kl", a_inv, q_ij - pcp)
        adjusted = cov + 2 * cov @ extra @ cov
        if np.all(np.diag(adjusted) >= np.diag(cov)):
            cov = adjusted
    lo = np.linalg.cholesky(v)
    white = solve_triangular(lo, np.column_stack([z - x @ beta, x]), lower=True,
                             check_finite=False)
    return _AR1NoiseFit(beta=beta, cov=cov, df=df, rho=rho, ar_var=sa, noise_scale=se,
                        start=(lam, rho), scale=sigma2, resid_w=white[:, 0], x_w=white[:, 1:])


def _ar1_noise_glm(
    y: np.ndarray, x: np.ndarray, t: np.ndarray, family: str, offset: np.ndarray | None,
    beta0: np.ndarray,
) -> _AR1NoiseFit | None:
    r"""Gaussian: :func:`_ar1_noise_reml` on ``y``. Poisson: quasi-likelihood GLS,
    iterated like IRLS — the working response :math:`z = X\beta + (y - \mu)/\mu` with
    white-noise variance :math:`\sigma_e^2/\mu` (the quasi-Poisson dispersion) plus an
    AR(1) term on the log scale, refitted until :math:`\beta` settles (penalised
    quasi-likelihood, Breslow & Clayton 1993). The inference (df, Kenward-Roger) is
    computed once, for the last iteration."""
    if family == "gaussian":
        return _ar1_noise_reml(y, x, np.ones(len(y)), t)
    off = np.zeros(len(y)) if offset is None else offset
    beta, fit, start = beta0.copy(), None, None
    z = winv = np.empty(0)
    for _ in range(ITS_AR1_MAX_ITER):
        mu = np.exp(x @ beta + off)
        z, winv = x @ beta + (y - mu) / mu, 1.0 / mu
        fit = _ar1_noise_reml(z, x, winv, t, start, inference=False)
        if fit is None:
            return None
        step = np.max(np.abs(fit.beta - beta))
        beta = fit.beta
        start = fit.start
        if step < 1e-6:
            break
    if fit is None:
        return None
    return _ar1_noise_gls(z, x, winv, t, *fit.start, fit.scale)


# --------------------------------------------------------------------------- RCI, MDE


def reliable_change(
    before: ArrayLike,
    after: ArrayLike,
    reliability: float,
    sd: float,
) -> pd.Series:
    r"""Jacobson & Truax (1991) reliable change, per person: -1, 0 or +1.

    .. math::

        SE_{diff} = s\sqrt{2}\sqrt{1 - r_{xx}}, \qquad
        RCI_i = \frac{a_i - b_i}{SE_{diff}},

    and a person's change is reliable when :math:`|RCI_i| > 1.96`. The result is the
    sign of the change where it is reliable and 0 where it is not; the caller decides
    which direction is an improvement.

    Parameters
    ----------
    before, after : array-like of float
        Paired measurements (by position; two Series must share their index).
    reliability : float
        Test-retest (or internal consistency) reliability :math:`r_{xx}`, 0 <= r < 1.
    sd : float
        Standard deviation of the measure in a reference population, > 0.

    Returns
    -------
    pandas.Series
        Nullable ``Int8`` values in {-1, 0, 1}; ``<NA>`` where a value is missing, and
        everywhere when ``reliability`` or ``sd`` is missing (NaN/None). The index is
        that of ``before`` when it is a Series.

    References
    ----------
    Jacobson, N. S. & Truax, P. (1991). Clinical significance: a statistical approach to
    defining meaningful change in psychotherapy research. *J Consult Clin Psychol* 59(1),
    12-19.

    Examples
    --------
    With reliability 0.85 and SD 7.5 a change must exceed
    :math:`1.96 \times 7.5\sqrt{2}\sqrt{0.15} = 8.05` points:

    >>> from pilot_eval import stats
    >>> stats.reliable_change([20, 22, 30, 25], [10, 21, 40, None],
    ...                       reliability=0.85, sd=7.5).tolist()
    [-1, 0, 1, <NA>]
    """
    if isinstance(before, pd.Series) and isinstance(after, pd.Series):
        if not before.index.equals(after.index):
            raise UsageError(
                "reliable_change(): before and after are Series with different indexes; "
                "align them first."
            )
    b = _as_float_array(before, "before")
    a = _as_float_array(after, "after")
    if len(a) != len(b):
        raise UsageError(
            f"reliable_change(): before and after must have the same length; "
            f"got {len(b)} and {len(a)}."
        )
    index = before.index if isinstance(before, pd.Series) else pd.RangeIndex(len(b))
    missing_param = reliability is None or sd is None or (
        isinstance(reliability, float) and math.isnan(reliability)
    ) or (isinstance(sd, float) and math.isnan(sd))
    if missing_param:
        return pd.Series(pd.array([pd.NA] * len(b), dtype="Int8"), index=index, name="reliable_change")
    if not 0.0 <= float(reliability) < 1.0:
        raise UsageError(
            f"reliable_change(): reliability must be in [0, 1) (for example 0.85); "
            f"got {reliability!r}."
        )
    if not float(sd) > 0.0:
        raise UsageError(f"reliable_change(): sd must be a positive number; got {sd!r}.")
    se_diff = float(sd) * math.sqrt(2.0) * math.sqrt(1.0 - float(reliability))
    diff = a - b
    rci = diff / se_diff
    out = np.where(np.abs(rci) > RCI_CRITICAL, np.sign(diff), 0.0)
    result = pd.Series(out, index=index, name="reliable_change").astype("Int8")
    result[~np.isfinite(diff)] = pd.NA
    return result


def min_detectable_effect(
    n: int,
    sd: float,
    alpha: float = 0.05,
    power: float = 0.8,
    paired: bool = True,
) -> float:
    r"""Smallest true effect a two-sided t-test detects with the given power.

    Solves the power equation for the standardised effect :math:`d` with statsmodels
    (``TTestPower`` for a paired / one-sample design with ``n`` pairs, ``TTestIndPower``
    for two independent groups of ``n`` each) and returns it in outcome units,
    :math:`MDE = d \times sd`.

    Parameters
    ----------
    n : int
        Pairs (``paired=True``) or people per group (``paired=False``).
    sd : float
        The SD the effect is standardised by: the SD of within-person changes for a
        paired design, the within-group SD of the outcome for two groups.
    alpha : float, default 0.05
    power : float, default 0.8
    paired : bool, default True

    Returns
    -------
    float
        NaN when ``n < 2`` or ``sd`` is missing.

    References
    ----------
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed.
    Bloom, H. S. (1995). Minimum detectable effects. *Evaluation Review* 19(5), 547-556.

    Examples
    --------
    Thirty people measured twice, changes with SD 10: a true change of 5.3 points is
    detected four times in five (two groups of 30 need 7.4):

    >>> from pilot_eval import stats
    >>> round(stats.min_detectable_effect(30, sd=10.0), 2)
    5.29
    >>> round(stats.min_detectable_effect(30, sd=10.0, paired=False), 2)
    7.36
    """
    alpha = _check_alpha(alpha)
    power = _check_alpha(power, "power")
    if sd is None or (isinstance(sd, float) and math.isnan(sd)):
        return np.nan
    if float(sd) < 0:
        raise UsageError(f"min_detectable_effect(): sd must be >= 0; got {sd!r}.")
    if n is None or (isinstance(n, float) and math.isnan(n)) or n < 2:
        return np.nan
    from statsmodels.stats.power import TTestIndPower, TTestPower

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if paired:
                d = TTestPower().solve_power(
                    effect_size=None, nobs=float(n), alpha=alpha, power=power,
                    alternative="two-sided",
                )
            else:
                d = TTestIndPower().solve_power(
                    effect_size=None, nobs1=float(n), alpha=alpha, power=power, ratio=1.0,
                    alternative="two-sided",
                )
        except (ValueError, RuntimeError, ArithmeticError):
            return np.nan
    d = float(np.squeeze(d))
    return _finite_or_nan(abs(d) * float(sd))
