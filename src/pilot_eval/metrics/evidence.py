r"""Evidence rating: how strong the design under an outcome result is (DESIGN §3, issue #5).

Every row of :func:`~pilot_eval.metrics.outcomes.outcome_summary` gets one of four levels,
with the reasons that lowered it, so that no verdict in a report is stronger than the
design under it. The rules are data (:data:`EVIDENCE_RULES`), with their thresholds in the
agreement's ``[rules]`` (so they are printed in the reports and hashed into the manifest).

The levels, anchored in the Maryland Scientific Methods Scale (Sherman et al. 1997; Farrington
et al. 2002) and the Education Endowment Foundation's "padlock" security rating (EEF 2019):

=====  ==============  =========================================================================
level  key             meaning
=====  ==============  =========================================================================
3      ``strong``      a comparison group formed by lottery or matching, measured before and
                       after (difference-in-differences), with nothing below lowering it
2      ``moderate``    a comparison design with one concern, or an interrupted time series of
                       a municipal indicator (SMS level 2–3)
1      ``weak``        before/after of the participants only (SMS level 1–2): drift over time,
                       regression to the mean and selection cannot be told apart from an effect
0      ``very_weak``   too few people in a group, or a design with several concerns
=====  ==============  =========================================================================

The starting level is the design's (``did`` 3, ``its`` 2, ``pre_post`` 1). Each concern
found lowers it by one level (high attrition or unequal groups in a comparison design by
two), never below 0:

``too_few``
    Fewer than ``max(outcome_min_n, min_cell_size)`` people measured at both times in the
    pilot group *or* the comparison group: level 0, whatever else holds.
``attrition_high``
    With a comparison group: overall and differential attrition outside the What Works
    Clearinghouse's *cautious* boundary (Standards Handbook 4.1, Table II.1) — two levels,
    since the WWC then treats the groups as no longer comparable. Without one: more than
    ``evidence_attrition_max`` (20 %) of those whose follow-up is due are missing (the EEF
    padlock table takes a padlock off from 10–20 % attrition). Only follow-ups that are due
    count: participants still enrolled at ``as_of`` are "not yet due".
``comparison_unmatched``
    The pilots table's ``comparison_type`` is not ``randomised`` or ``matched`` (or is
    missing): a comparison group of whoever was at hand can differ in ways nobody measured,
    so without a lottery or matching a comparison design is at most moderate (the EEF and
    Maryland scales put unmatched comparisons a level or two below matched ones).
``comparison_small``
    The comparison group has fewer than ``evidence_comparison_ratio`` (0.5) times the pilot
    group's people: its mean carries most of the uncertainty and its selection most of the
    bias.
``baseline_imbalance``
    :math:`|\bar y_{P,0} - \bar y_{C,0}| / s_{pooled} >` ``evidence_imbalance_max`` (0.25),
    two levels: beyond the WWC's limit for baseline equivalence (Handbook 4.1) the groups
    do not count as comparable, and differencing cannot be trusted to remove the gap.
``regression_to_mean``
    With the measure's ``reliability``: the change regression to the mean alone would
    produce, :math:`(1 - r_{xx})(\mu_{ref} - \bar y_0)` signed as an improvement, is at
    least ``evidence_rtm_share_of_mid`` (0.5) × MID. Before/after: :math:`\mu_{ref}` is the
    measure's ``mean_reference``; with a comparison group, the comparison group's baseline
    mean (a pilot group picked for low scores moves towards it without any effect).
    Barnett, van der Pols & Dobson (2005).
``ceiling``
    More than ``evidence_ceiling_share`` (15 %) of the analysed baselines lie at the scale's
    limit in the direction of improvement (Terwee et al. 2007): those people cannot improve,
    so the change is understated and its spread too.
``few_clusters``
    A ``cluster`` column (school, class, area) is given and there are fewer than
    ``evidence_min_clusters`` (10) clusters in all: the interval uses a few-cluster method
    but still rests on few independent units (Cameron & Miller 2015).
``autocorrelation`` / ``pre_trend_break`` / ``pre_period_sensitive`` / ``short_pre_period``
    (time series)
    The months' correlation is modelled (AR(1) plus noise); ``autocorrelation`` is what the
    model leaves: its decorrelated residuals still autocorrelated (Breusch–Godfrey p < 0.05
    or lag-1 above 0.2). A slope change inside the pre-period (a check that cannot run for
    too few months counts as failed); a clear change that is no longer clear, on the same
    side, if the pre-period trend bent at one of the candidate months (every 6 months, at
    least ``its_min_pre_months`` before the start and 12 after the first month;
    ``pre_period_sensitive``: an old change of trend bends the counterfactual); or fewer
    than ``its_min_pre_months`` (24) months before the start: with the season modelled by
    month, one year before cannot tell season from trend.

References
----------
Barnett, A. G., van der Pols, J. C. & Dobson, A. J. (2005). Regression to the mean: what it is
and how to deal with it. *Int J Epidemiol* 34(1), 215-220.
Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust inference.
*J Human Resources* 50(2), 317-372.
Education Endowment Foundation (2019). *Classifying the security of EEF findings*.
Farrington, D. P., Gottfredson, D. C., Sherman, L. W. & Welsh, B. C. (2002). The Maryland
Scientific Methods Scale. In *Evidence-Based Crime Prevention*, Routledge.
Terwee, C. B. et al. (2007). Quality criteria were proposed for measurement properties of
health status questionnaires. *J Clin Epidemiol* 60(1), 34-42.
What Works Clearinghouse (2020). *Standards Handbook, Version 4.1*, Table II.1. U.S.
Department of Education, Institute of Education Sciences.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..schema import DEFAULT_RULES

__all__ = ["rate_outcomes", "rate_series", "wwc_low_attrition", "min_measured", "rule",
           "EVIDENCE_LEVELS", "EVIDENCE_REASONS", "EVIDENCE_RULES", "DESIGN_LEVEL"]

#: Level → key, weakest first.
EVIDENCE_LEVELS: tuple[str, ...] = ("very_weak", "weak", "moderate", "strong")

#: The level each design starts at.
DESIGN_LEVEL: dict[str, int] = {"did": 3, "its": 2, "pre_post": 1}


class EvidenceRule(NamedTuple):
    """One concern: its reason key, the threshold rule it reads, and the most levels it
    costs (for documentation; :func:`rate_outcomes` applies the costs, e.g. high attrition
    costs 2 with a comparison group and 1 without)."""

    reason: str
    threshold: str | None
    levels: int
    meaning: str


#: Every concern that lowers a rating, in the order the reasons are listed.
EVIDENCE_RULES: tuple[EvidenceRule, ...] = (
    EvidenceRule("too_few", "outcome_min_n", 3,
                 "fewer than the minimum measured at both times in a group"),
    EvidenceRule("attrition_high", "evidence_attrition_max", 2,
                 "missing follow-ups outside the WWC cautious boundary (two groups, 2 levels) "
                 "or above evidence_attrition_max (one group)"),
    EvidenceRule("comparison_unmatched", None, 1,
                 "a comparison group not formed by lottery or matching (pilots' "
                 "comparison_type not randomised or matched)"),
    EvidenceRule("comparison_small", "evidence_comparison_ratio", 1,
                 "comparison group smaller than evidence_comparison_ratio × pilot group"),
    EvidenceRule("baseline_imbalance", "evidence_imbalance_max", 2,
                 "standardised baseline difference above evidence_imbalance_max"),
    EvidenceRule("regression_to_mean", "evidence_rtm_share_of_mid", 1,
                 "regression to the mean alone ≥ evidence_rtm_share_of_mid × MID"),
    EvidenceRule("ceiling", "evidence_ceiling_share", 1,
                 "share of baselines at the scale's limit above evidence_ceiling_share"),
    EvidenceRule("few_clusters", "evidence_min_clusters", 1,
                 "fewer clusters than evidence_min_clusters"),
    EvidenceRule("autocorrelation", None, 1,
                 "months correlated beyond the AR(1) + noise model"),
    EvidenceRule("pre_trend_break", None, 1, "the trend changed within the pre-period"),
    EvidenceRule("pre_period_sensitive", "its_min_pre_months", 1,
                 "a clear change that is not clear if the pre-period trend bent"),
    EvidenceRule("short_pre_period", "its_min_pre_months", 1,
                 "fewer months before the start than its_min_pre_months"),
)

EVIDENCE_REASONS: dict[str, str] = {r.reason: r.meaning for r in EVIDENCE_RULES}

# WWC Standards Handbook 4.1, Table II.1, cautious boundary: the largest differential
# attrition (percentage points) still "low" at overall attrition 0, 1, ..., 57 %; from 58 %
# overall, attrition is high whatever the differential.
_WWC_CAUTIOUS = np.array([
    5.7, 5.8, 5.9, 5.9, 6.0, 6.1, 6.2, 6.3, 6.3, 6.3, 6.3, 6.2, 6.2, 6.1, 6.0, 5.9, 5.9, 5.8,
    5.7, 5.5, 5.4, 5.3, 5.2, 5.1, 4.9, 4.8, 4.7, 4.5, 4.4, 4.3, 4.1, 4.0, 3.8, 3.6, 3.5, 3.3,
    3.2, 3.1, 2.9, 2.8, 2.6, 2.5, 2.3, 2.1, 2.0, 1.8, 1.6, 1.5, 1.3, 1.2, 1.0, 0.9, 0.7, 0.6,
    0.4, 0.3, 0.2, 0.0,
])  # fmt: skip



def wwc_low_attrition(overall: pd.Series | np.ndarray, differential: pd.Series | np.ndarray
                      ) -> np.ndarray:
    """True where attrition is *low* by the WWC's cautious boundary (Handbook 4.1, II.1).

    Parameters
    ----------
    overall, differential : array-like
        Shares in [0, 1]: overall attrition of both groups together, and the absolute
        difference between the groups' attrition. NaN gives False (not shown to be low).

    Examples
    --------
    >>> wwc_low_attrition([0.08, 0.30, 0.30, 0.60], [0.03, 0.04, 0.06, 0.0]).tolist()
    [True, True, False, False]
    """
    o = np.asarray(overall, dtype=float)
    d = np.asarray(differential, dtype=float)
    pct = np.round(o * 100)
    inside = np.isfinite(pct) & (pct >= 0) & (pct < len(_WWC_CAUTIOUS))
    bound = np.full(o.shape, -np.inf)
    bound[inside] = _WWC_CAUTIOUS[pct[inside].astype(int)]
    return np.isfinite(d) & (d * 100 <= bound + 1e-9)


def rule(rules: Mapping[str, float], key: str) -> float:
    """The rule ``key`` in force: the agreement's value, else its default.

    Parameters
    ----------
    rules : mapping of str to float
        The agreement's ``[rules]``.
    key : str
        A key of :data:`pilot_eval.schema.DEFAULT_RULES`.

    Returns
    -------
    float

    Examples
    --------
    >>> rule({}, "outcome_min_n"), rule({"outcome_min_n": 20}, "outcome_min_n")
    (10.0, 20.0)
    """
    return float(rules.get(key, DEFAULT_RULES[key]))


def min_measured(rules: Mapping[str, float], min_cell_size: int) -> int:
    """The fewest people measured at both times, in each group, for any verdict or value:
    ``max(outcome_min_n, min_cell_size)`` (one rule, used by the rating, the scorecard and
    value for money).

    Parameters
    ----------
    rules : mapping of str to float
        The rules in force (``outcome_min_n``); a missing one takes its default.
    min_cell_size : int

    Returns
    -------
    int

    Examples
    --------
    >>> min_measured({}, 5), min_measured({"outcome_min_n": 3}, 5)
    (10, 5)
    """
    return int(max(rule(rules, "outcome_min_n"), float(min_cell_size)))


def _level_and_reasons(start: np.ndarray, costs: dict[str, np.ndarray], index: pd.Index
                       ) -> pd.DataFrame:
    """Lower the starting levels by each concern's per-row cost (0 where it does not apply)."""
    level = start.astype(float)
    reasons = pd.Series("", index=index, dtype=object)
    for reason in (r.reason for r in EVIDENCE_RULES if r.reason in costs):
        cost = np.asarray(costs[reason], dtype=float)
        level = level - cost
        reasons = reasons.where(~(cost > 0), reasons + ";" + reason)
    level = np.clip(level, 0, 3)
    known = np.isfinite(start)
    level = np.where(known, level, np.nan)
    reasons = reasons.str.lstrip(";")
    return pd.DataFrame({
        "evidence_level": pd.array(level, dtype="Float64").astype("Int64"),
        "evidence_rating": pd.array(
            [EVIDENCE_LEVELS[int(v)] if np.isfinite(v) else None for v in level],
            dtype="string"),
        "evidence_reasons": reasons.where((reasons != "") & known, None).astype("string"),
    }, index=index)


def rate_outcomes(facts: pd.DataFrame, rules: Mapping[str, float], *, min_cell_size: int
                  ) -> pd.DataFrame:
    """Evidence level, rating and reasons for rows of outcome facts (vectorised).

    Parameters
    ----------
    facts : DataFrame
        Columns of :func:`~pilot_eval.metrics.outcomes.outcome_summary`: ``design``,
        ``n_pilot``, ``n_comparison``, ``attrition_due_share``, ``overall_attrition``,
        ``differential_attrition``, ``baseline_std_diff``, ``rtm_expected_improvement``,
        ``mid``, ``ceiling_share``, ``n_clusters``, ``estimate``.
    rules : mapping
        The rules in force (``ds.agreement.rules``); missing keys take their defaults.
    min_cell_size : int
        The agreement's minimum cell size (the minimum n is the larger of it and
        ``outcome_min_n``).

    Returns
    -------
    DataFrame
        Same index; ``evidence_level`` (Int64, 0–3, ``<NA>`` without an estimate),
        ``evidence_rating`` (a key of :data:`EVIDENCE_LEVELS`), ``evidence_reasons``
        (keys of :data:`EVIDENCE_REASONS` joined by ``";"``, or ``<NA>``).

    Examples
    --------
    >>> f = pd.DataFrame({"design": ["did", "pre_post"], "n_pilot": [40, 40],
    ...                   "n_comparison": [35, 0], "attrition_due_share": [0.05, 0.05],
    ...                   "overall_attrition": [0.05, 0.05], "differential_attrition": [0.01, np.nan],
    ...                   "baseline_std_diff": [0.1, np.nan], "rtm_expected_improvement": np.nan,
    ...                   "mid": 2.0, "ceiling_share": 0.0, "n_clusters": np.nan,
    ...                   "estimate": [1.0, 1.0], "comparison_type": ["matched", None]})
    >>> rate_outcomes(f, {}, min_cell_size=5)["evidence_rating"].tolist()
    ['strong', 'weak']
    """
    design = facts["design"].astype("string").fillna("")
    did = (design == "did").to_numpy()
    start = design.map(DESIGN_LEVEL).astype(float).to_numpy()
    start = np.where(np.isfinite(facts["estimate"].astype(float).to_numpy()), start, np.nan)
    min_n = min_measured(rules, min_cell_size)

    def col(name: str) -> np.ndarray:
        return facts[name].astype(float).to_numpy() if name in facts else \
            np.full(len(facts), np.nan)

    n_p, n_c = col("n_pilot"), col("n_comparison")
    attr_one = col("attrition_due_share")
    wwc_ok = wwc_low_attrition(col("overall_attrition"), col("differential_attrition"))
    rtm, mid = col("rtm_expected_improvement"), col("mid")
    clusters = col("n_clusters")
    one = np.ones(len(facts))
    costs = {
        # too few: straight to the lowest level, whatever else holds
        "too_few": np.where((n_p < min_n) | (did & (n_c < min_n)), 3, 0),
        # two groups: the WWC boundary, two levels; one group: the share due but missing
        "attrition_high": np.where(did, np.where(wwc_ok, 0, 2),
                                   attr_one > rule(rules, "evidence_attrition_max") + 1e-9),
        # a comparison group of whoever was at hand differs in ways nobody measured: strong
        # needs a lottery or matching (EEF padlocks, Maryland SMS 4-5)
        "comparison_unmatched": did & ~facts.get(
            "comparison_type", pd.Series(None, index=facts.index)).astype("string").isin(
            ["randomised", "matched"]).fillna(False).to_numpy(dtype=bool),
        "comparison_small": did & (n_c < rule(rules, "evidence_comparison_ratio") * n_p),
        # the WWC: groups further apart than 0.25 SD at the start are not comparable
        "baseline_imbalance": np.where(did & (np.abs(col("baseline_std_diff"))
                                              > rule(rules, "evidence_imbalance_max") + 1e-9),
                                       2, 0),
        # before/after: towards the reference mean; with a comparison group: towards the
        # comparison group's mean (a pilot group picked for low scores "improves" by itself)
        "regression_to_mean": (rtm > 0)
        & (rtm >= rule(rules, "evidence_rtm_share_of_mid") * mid - 1e-9),
        "ceiling": col("ceiling_share") > rule(rules, "evidence_ceiling_share") + 1e-9,
        "few_clusters": np.isfinite(clusters)
        & (clusters < rule(rules, "evidence_min_clusters")),
    }
    return _level_and_reasons(start, {k: v * one for k, v in costs.items()}, facts.index)


def rate_series(facts: pd.DataFrame, rules: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Evidence level, rating and reasons for interrupted time series rows.

    Parameters
    ----------
    facts : DataFrame
        Columns of :func:`~pilot_eval.metrics.outcomes.its_summary`: ``n_pre``,
        ``level_change``, ``autocorrelated`` (bool: the residuals are correlated month to
        month beyond what the AR(1) + noise errors model), ``pre_trend_break`` (bool) and
        optionally ``pre_period_sensitive`` (bool).
    rules : mapping, optional
        The rules in force (``its_min_pre_months``); missing keys take their defaults.

    Returns
    -------
    DataFrame
        ``evidence_level``, ``evidence_rating``, ``evidence_reasons`` as
        :func:`rate_outcomes`.

    Examples
    --------
    Two years of months before the change, and half a year with correlated residuals:

    >>> import pandas as pd
    >>> facts = pd.DataFrame({"n_pre": [24, 6], "level_change": [-0.2, -0.2],
    ...                       "autocorrelated": [False, True], "pre_trend_break": False})
    >>> rate_series(facts).to_numpy().tolist()
    [[2, 'moderate', <NA>], [0, 'very_weak', 'autocorrelation;short_pre_period']]
    """
    start = np.where(np.isfinite(facts["level_change"].astype(float).to_numpy()),
                     DESIGN_LEVEL["its"], np.nan)

    def flag(name: str) -> np.ndarray:
        return (facts[name].astype("boolean").fillna(False).to_numpy(dtype=bool)
                if name in facts else np.zeros(len(facts), dtype=bool))

    costs = {
        "autocorrelation": flag("autocorrelated"),
        "pre_trend_break": flag("pre_trend_break"),
        "pre_period_sensitive": flag("pre_period_sensitive"),
        "short_pre_period": facts["n_pre"].astype(float).to_numpy()
        < rule(rules or {}, "its_min_pre_months"),
    }
    return _level_and_reasons(start, {k: v.astype(float) for k, v in costs.items()},
                              facts.index)
