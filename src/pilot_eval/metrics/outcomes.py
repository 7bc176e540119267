r"""Citizen outcomes: what changed for the people in each pilot, and how sure we are.

Three tidy tables (DESIGN §3, "Outcomes"):

* :func:`outcome_summary` -- one row per pilot and measure: a difference-in-differences
  when a comparison group was measured at both times, else a pre-post comparison, with the
  change signed so that positive is better, the minimal important difference, reliable
  change, attrition and the minimum detectable effect.
* :func:`its_summary` / :func:`its_fit` -- one row per administrative indicator series:
  an interrupted time series (quasi-Poisson, population offset, seasonality).
* :func:`outcome_changes` -- per-person baseline, follow-up and change, for charts only
  (no participant ids; the presentation layer aggregates and suppresses small cells).

All estimation is delegated to :mod:`pilot_eval.stats`; this module only selects the
people, shapes the data and signs the results. Nothing here raises on thin data: a pilot
and measure without enough people gives NaN numbers and a machine-readable ``note``.

Notes
-----
Who is analysed. A person counts for a measure when they have a non-missing baseline
*and* follow-up value (``n_pilot``, ``n_comparison``). People with only one measurement
are left out of the estimate (complete-case analysis); how many there are is reported in
``n_missing_followup`` and ``attrition_share``.

Difference-in-differences. :func:`pilot_eval.stats.did` is fitted on the long data of the
people measured at both times (two rows per person, ``treated = group == "pilot"``,
``post = timepoint == "followup"``). With a balanced panel and no covariates the OLS
interaction equals the difference of mean within-person changes,

.. math::

    \hat\delta = (\bar y_{P,1} - \bar y_{P,0}) - (\bar y_{C,1} - \bar y_{C,0})
               = \bar d_P - \bar d_C ,

with CR2 standard errors clustered on the person (or on the declared ``cluster``: school,
class, area) and Bell–McCaffrey degrees of freedom (``small_sample="cr2"``). With people as
clusters this is Welch's test on the changes (Imbens & Kolesár 2016): it keeps its coverage
with small and unequal groups, where CR1 errors with G - 1 df borrowed degrees of freedom
from the larger group (30 against 3 comparison people: about 81 % coverage of a "95 %"
interval). A before/after result with declared clusters is a paired t on the clusters'
means.

Evidence. Every row carries an evidence rating (:mod:`pilot_eval.metrics.evidence`) and the
facts it rests on: attrition of the follow-ups that are due, in each group, the baseline
difference between the groups, the change regression to the mean alone would give, the
share of baselines at the scale's limit, the number of clusters, and the measure's role
(the pilot's primary measure, or exploratory).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import replace

import numpy as np
import pandas as pd

from .. import stats
from ..dataset import Dataset
from ..stats import ITSResult
from . import evidence

__all__ = ["outcome_summary", "outcome_changes", "its_summary", "its_fit", "OUTCOME_NOTES"]

#: Machine-readable keys of :func:`outcome_summary`'s ``note`` column (several are joined
#: with ``";"``), with what they mean.
OUTCOME_NOTES: dict[str, str] = {
    "no_pilot_data": "no measurement of the pilot's own participants for this measure",
    "no_followup": "participants have a baseline but nobody has a follow-up yet",
    "too_few": "fewer than 2 participants measured at baseline and follow-up",
    "too_few_comparison": "fewer than 2 comparison people measured at both times",
    "comparison_without_followup": (
        "a comparison group has baselines but no follow-ups: pre-post used instead"
    ),
    "not_estimable": "the estimator could not compute an estimate (see `method`)",
}

#: Fewest people with both measurements for an estimate (a paired t needs two).
MIN_PAIRS = 2

_INDEX = ["pilot_id", "measure"]
_SUMMARY_COLUMNS = [
    "design", "role", "comparison_type", "n_pilot", "n_comparison", "n_baseline",
    "n_missing_followup",
    "n_missing_followup_active", "n_not_yet_due", "n_missing_due", "attrition_share",
    "attrition_due_share", "n_comparison_baseline", "n_comparison_missing_due",
    "comparison_attrition_share",
    "overall_attrition", "differential_attrition", "tipping_point_improvement",
    "baseline_mean", "followup_mean", "comparison_baseline_mean", "comparison_followup_mean",
    "baseline_std_diff", "rtm_expected_improvement", "ceiling_share", "n_clusters",
    "estimate", "se", "ci_low", "ci_high", "p_value", "effect_size", "improvement",
    "improvement_ci_low", "improvement_ci_high", "mid", "meets_mid", "clears_mid",
    "share_reliably_improved", "share_reliably_deteriorated", "rci_sd", "rci_sd_source",
    "mde", "mde_sd", "evidence_level", "evidence_rating", "evidence_reasons", "label",
    "label_nb", "label_en", "unit", "higher_is_better", "method", "note",
]  # fmt: skip
_ITS_COLUMNS = [
    "design", "family", "exposure", "first_month", "change_month", "last_month",
    "n_months", "n_pre", "n_post", "level_change", "level_change_se", "level_change_ci_low",
    "level_change_ci_high", "p_value", "level_rr", "level_rr_ci_low", "level_rr_ci_high",
    "dispersion", "autocorrelation", "autocorrelation_p", "autocorrelated", "cov_type",
    "pre_trend_break_p", "pre_trend_break", "pre_period_sensitive", "evidence_level",
    "evidence_rating",
    "evidence_reasons", "method", "note",
]  # fmt: skip
#: Below this p-value the residuals the AR(1) + noise errors leave count as still
#: autocorrelated, and the pre-period as having a break in its trend.
CHECK_ALPHA = 0.05
#: A lag-1 autocorrelation of those residuals above this counts too, whatever the test says:
#: in 90 months of counts the test misses real correlation too often (about 1 in 10 at 0.5),
#: and independent months exceed 0.2 in about 5 % of series (SD of r ≈ 1/√90).
CHECK_AUTOCORRELATION = 0.2
#: Candidate bends of the pre-period trend lie this many months apart ...
BEND_STEP = 6
#: ... with at least this many months of the series before the bend.
BEND_MIN_BEFORE = 12


def _autocorrelated(fit: ITSResult) -> bool:
    """Correlated months, or too few to tell (a check that cannot run does not pass)."""
    return not (fit.autocorrelation_p >= CHECK_ALPHA
                and abs(fit.autocorrelation) <= CHECK_AUTOCORRELATION)


# --------------------------------------------------------------------------- per person


def _measurements(ds: Dataset) -> pd.DataFrame:
    """One row per (pilot, measure, group, person): baseline and follow-up side by side.

    Columns ``pilot_id, measure, group, participant_id, baseline, followup,
    baseline_on, followup_on`` (ids as plain strings). Vectorised: one unstack.
    """
    key = ["pilot_id", "measure", "group", "participant_id"]
    o = ds.outcomes
    # only what was known at as_of, also for a dataset built without Dataset.as_of
    o = o[o["value"].notna() & (o["measured_on"] <= ds.as_of_date).to_numpy(dtype=bool)]
    cols = ["baseline", "followup", "baseline_on", "followup_on"]
    if o.empty:
        empty = {c: pd.Series(dtype=object) for c in key}
        empty.update({c: pd.Series(dtype=float) for c in cols[:2]})
        empty.update({c: pd.Series(dtype="datetime64[ns]") for c in cols[2:]})
        return pd.DataFrame(empty)
    frame = pd.DataFrame({c: o[c].astype(str) for c in [*key, "timepoint"]})
    frame["value"] = o["value"].to_numpy(dtype=float)
    frame["measured_on"] = o["measured_on"].to_numpy()
    wide = frame.set_index([*key, "timepoint"]).unstack("timepoint")
    out = pd.DataFrame(index=wide.index)
    if "cluster" in o.columns and o["cluster"].notna().any():
        # a person's cluster (school, class, area): the first one given
        cluster = o["cluster"].astype("string").str.strip().replace("", pd.NA)
        out["cluster"] = cluster.groupby([frame[c] for c in key]).first().reindex(
            wide.index).to_numpy(dtype=object)
    for tp in ("baseline", "followup"):
        has = ("value", tp) in wide.columns
        out[tp] = wide[("value", tp)].astype(float) if has else np.nan
        out[f"{tp}_on"] = (wide[("measured_on", tp)] if has
                           else pd.Series(pd.NaT, index=wide.index, dtype="datetime64[ns]"))
    return out.reset_index()


def outcome_changes(ds: Dataset) -> pd.DataFrame:
    """Per-person baseline, follow-up and change, for charts (forest plots, distributions).

    For internal use by the presentation layer, which must aggregate and suppress small
    cells before anything is shown. Participant ids are deliberately **not** returned.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        One row per person, pilot, group and measure measured at least once, RangeIndex.
        Columns ``pilot_id, measure, group, baseline, followup, change`` (= follow-up -
        baseline, NaN unless both exist), ``improvement`` (``change`` signed so that
        positive is better) and ``both`` (True when measured at both times).

    Examples
    --------
    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> outcome_changes(ds)[["pilot_id", "group", "change"]].to_numpy().tolist()
    [['lekse', 'comparison', 1.0], ['lekse', 'pilot', 6.0], ['lekse', 'pilot', 2.0]]
    """
    m = _measurements(ds)
    sign = _signs(ds)
    change = m["followup"] - m["baseline"]
    return pd.DataFrame({
        "pilot_id": m["pilot_id"], "measure": m["measure"], "group": m["group"],
        "baseline": m["baseline"], "followup": m["followup"], "change": change,
        "improvement": change * m["measure"].map(sign).astype(float),
        "both": m["baseline"].notna() & m["followup"].notna(),
    }).reset_index(drop=True)


def _signs(ds: Dataset) -> pd.Series:
    """+1 where higher is better, -1 where lower is better, by measure key."""
    meas = ds.measures.drop_duplicates("measure")
    hib = meas["higher_is_better"].astype("boolean").fillna(True).to_numpy(dtype=bool)
    return pd.Series(np.where(hib, 1.0, -1.0), index=meas["measure"].astype(str).to_numpy())


# --------------------------------------------------------------------------- summary


def outcome_summary(ds: Dataset, alpha: float = 0.05) -> pd.DataFrame:
    r"""Change in each outcome measure per pilot, signed so that positive is better.

    Parameters
    ----------
    ds : Dataset
        At its ``as_of`` date (measurements after it are already left out).
    alpha : float, default 0.05
        Two-sided level of the confidence intervals and the minimum detectable effect.

    Returns
    -------
    pandas.DataFrame
        Index ``(pilot_id, measure)``: every pair with at least one measurement, pilots in
        the order of the pilots table and measures in the order of the measures table.
        Columns:

        ``design``
            ``"did"`` when at least one comparison person has both a baseline and a
            follow-up for this pilot and measure, else ``"pre_post"``.
        ``n_pilot``, ``n_comparison``
            People measured at baseline *and* follow-up (pilot participants; comparison).
        ``n_baseline``, ``n_missing_followup``, ``n_missing_followup_active``
            Participants with a baseline; of those, how many have no follow-up; of those,
            how many are still enrolled at ``as_of`` (their follow-up may simply not be
            due yet, so "missing" over-states real attrition mid-pilot).
        ``attrition_share``
            ``n_missing_followup / n_baseline``.
        ``baseline_mean``, ``followup_mean``
            Means of the ``n_pilot`` people analysed; ``comparison_*`` likewise for the
            comparison group (NaN for pre-post).
        ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p_value``
            Pre-post: :func:`pilot_eval.stats.paired_change`, :math:`\bar d = \overline{
            y_1 - y_0}` with a paired t interval. DiD: :func:`pilot_eval.stats.did`,
            :math:`\bar d_P - \bar d_C` with CR2 errors (module notes).
            In the measure's units, signed as measured.
        ``effect_size``
            Hedges' :math:`g_{av}` for pre-post (signed like ``estimate``); NaN for DiD
            (``stats.did`` defines none).
        ``improvement``, ``improvement_ci_low``, ``improvement_ci_high``
            :math:`s \times` estimate with :math:`s = +1` if ``higher_is_better`` else
            :math:`-1`; for :math:`s = -1` the bounds swap: ``improvement_ci_low =
            -ci_high``.
        ``mid``, ``meets_mid``
            The minimal important difference and ``improvement >= mid`` (point estimate;
            ``<NA>`` when there is no estimate).
        ``share_reliably_improved``, ``share_reliably_deteriorated``, ``rci_sd``
            Share of the ``n_pilot`` people whose change is reliable (Jacobson & Truax
            1991, :func:`pilot_eval.stats.reliable_change`, :math:`|RCI| > 1.96` with
            :math:`SE_{diff} = s\sqrt{2(1-r_{xx})}`) in the better / worse direction.
            :math:`s` (``rci_sd``) is the measure's ``sd_reference``, or when missing the
            pooled SD of the pilot's and the comparison group's baselines (``rci_sd_source``
            ``reference`` / ``pooled``); never the pilot's own baselines alone, which are
            narrow when people were picked for low scores. NaN without ``reliability`` or
            without either SD.
        ``mde``, ``mde_sd``
            Minimum detectable effect at power 0.8 (:func:`pilot_eval.stats.
            min_detectable_effect`), in measure units. Pre-post: paired, ``n = n_pilot``,
            ``mde_sd`` = SD of the pilot's within-person changes. DiD: two groups with
            the harmonic mean size :math:`n_h = 2 n_P n_C / (n_P + n_C)` (two equal groups
            of :math:`n_h` have the same standard error) and ``mde_sd`` = pooled SD of the
            changes. The SD of *changes* is the one the test uses, so ``mde`` is about
            2.8 standard errors and agrees with the interval.
        ``label``, ``label_nb``, ``label_en``, ``unit``, ``higher_is_better``
            From the measures table; ``label`` in the agreement's language.
        ``role``
            ``primary`` (the measure the pilot's verdict rests on) or ``exploratory``.
        ``n_not_yet_due``, ``n_missing_due``, ``attrition_due_share``,
        ``n_comparison_baseline``, ``n_comparison_missing_due``,
        ``comparison_attrition_share``, ``overall_attrition``, ``differential_attrition``
            Missing follow-ups split into not yet due (a pilot participant still enrolled
            whose baseline is more recent than the median time between the two
            measurements) and missing; the shares of the due follow-ups that are missing,
            per group, together and their difference (What Works Clearinghouse).
        ``tipping_point_improvement``
            The mean improvement the missing (due) participants would have needed for the
            point estimate to be 0: :math:`-n_{pilot} \times improvement / missing`.
        ``baseline_std_diff``, ``rtm_expected_improvement``, ``ceiling_share``,
        ``n_clusters``
            Standardised baseline difference between the groups; the improvement
            regression to the mean alone would give, :math:`(1 - r_{xx})(\mu - \bar y_0)`
            signed as an improvement, towards the measure's ``mean_reference`` (pre-post)
            or the comparison group's baseline mean (DiD); the share of analysed baselines
            at the scale's limit in the direction of improvement; declared clusters.
        ``clears_mid``
            The whole interval clears the MID (``improvement_ci_low >= mid``).
        ``evidence_level``, ``evidence_rating``, ``evidence_reasons``
            See :mod:`pilot_eval.metrics.evidence`.
        ``method``
            What the estimator computed, or why it could not.
        ``note``
            ``<NA>`` or keys of :data:`OUTCOME_NOTES` joined by ``";"``.

    References
    ----------
    Jacobson, N. S. & Truax, P. (1991). *J Consult Clin Psychol* 59(1), 12-19.
    Lakens, D. (2013). *Frontiers in Psychology* 4:863.
    Wooldridge, J. M. *Introductory Econometrics*, ch. 13.2.
    Bloom, H. S. (1995). Minimum detectable effects. *Evaluation Review* 19(5), 547-556.

    Examples
    --------
    One comparison person is too few for a difference-in-differences:

    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> row = outcome_summary(ds).loc[("lekse", "trivsel")]
    >>> row["design"], row["n_pilot"], row["n_comparison"], row["note"]
    ('did', np.int64(2), np.int64(1), 'too_few_comparison')
    """
    stats._check_alpha(alpha)
    m = _measurements(ds)
    if m.empty:
        return _empty(_SUMMARY_COLUMNS)
    m["both"] = m["baseline"].notna() & m["followup"].notna()
    m["active"] = pd.MultiIndex.from_arrays(
        [m["pilot_id"].to_numpy(object), m["participant_id"].to_numpy(object)]
    ).isin(_active_keys(ds))
    measures = ds.measures.drop_duplicates("measure").assign(
        measure=lambda f: f["measure"].astype(str)).set_index("measure")
    language = "en" if ds.agreement.language == "en" else "nb"
    rows: list[dict[str, object]] = []
    for (pid, key), sub in m.groupby(["pilot_id", "measure"], sort=False):
        info = measures.loc[key] if key in measures.index else None
        rows.append(_summarise(pid, key, sub, info, alpha, language, ds.as_of_date))
    out = pd.DataFrame(rows).set_index(_INDEX)
    out = out.loc[_order(out.index, ds)]
    out["role"] = _roles(ds, out)
    kinds = (ds.pilots.set_index(ds.pilots["pilot_id"].astype(str))["comparison_type"]
             if "comparison_type" in ds.pilots else pd.Series(dtype=object))
    out["comparison_type"] = out.index.get_level_values("pilot_id").map(kinds).to_numpy(
        dtype=object)
    out = out.join(evidence.rate_outcomes(out, ds.agreement.rules,
                                          min_cell_size=int(ds.agreement.min_cell_size)))
    return _typed(out[_SUMMARY_COLUMNS])


def primary_measures(ds: Dataset, summary: pd.DataFrame, pilots: pd.Index) -> pd.DataFrame:
    """Per pilot: the measure its verdict rests on, and where that choice comes from.

    The pilot's ``primary_measure``, else the first measure in the measures table that its
    participants were measured on (``summary`` is :func:`outcome_summary`'s frame, or its
    rows so far). Returns columns ``measure`` (``None`` when there is none) and ``source``
    (``"primary"``, ``"first_measured"`` or ``None``), index ``pilots``.
    """
    table = ds.pilots.assign(pilot_id=ds.pilots["pilot_id"].astype(str)).set_index("pilot_id")
    primary = (table["primary_measure"].reindex(pilots) if "primary_measure" in table
               else pd.Series(pd.NA, index=pilots))
    declared = primary.notna() & primary.astype("string").str.strip().ne("")
    measured = summary[~summary["note"].astype("string").fillna("").str.contains(
        "no_pilot_data")].reset_index()
    first = (measured.groupby("pilot_id", sort=False)["measure"].first() if len(measured)
             else pd.Series(dtype=object))
    use = primary.where(declared, first.reindex(pilots))
    return pd.DataFrame({
        "measure": use.astype(object).where(use.notna(), None),
        "source": np.where(declared, "primary", np.where(use.notna(), "first_measured", None)),
    }, index=pilots)


def _roles(ds: Dataset, out: pd.DataFrame) -> np.ndarray:
    """``primary`` for the measure a pilot's verdict rests on, else ``exploratory``."""
    pilots = pd.Index(out.index.get_level_values("pilot_id").unique(), name="pilot_id")
    chosen = primary_measures(ds, out, pilots)["measure"]
    keys = out.index.get_level_values("pilot_id").map(chosen)
    return np.where(keys == out.index.get_level_values("measure"), "primary", "exploratory")


def _active_keys(ds: Dataset) -> pd.MultiIndex:
    """(pilot_id, participant_id) of the participants still enrolled at as_of."""
    p = ds.participants
    p = p[(p["exited_on"].isna() | (p["exited_on"] > ds.as_of_date)).to_numpy(dtype=bool)]
    return pd.MultiIndex.from_arrays([p["pilot_id"].astype(str).to_numpy(object),
                                      p["participant_id"].astype(str).to_numpy(object)])


def _summarise(pid: Hashable, key: Hashable, sub: pd.DataFrame, info: pd.Series | None,
               alpha: float, language: str, as_of: pd.Timestamp) -> dict[str, object]:
    """One row of :func:`outcome_summary`."""
    pilot = sub[sub["group"] == "pilot"]
    comp = sub[sub["group"] == "comparison"]
    pb = pilot[pilot["both"]]
    cb = comp[comp["both"]]
    n_pilot, n_comp = len(pb), len(cb)
    design = "did" if n_comp >= 1 else "pre_post"
    base = pilot[pilot["baseline"].notna()]
    missing = base[base["followup"].isna()]
    n_missing_active = int(missing["active"].sum())
    comp_base = comp[comp["baseline"].notna()]
    comp_missing = int(comp_base["followup"].isna().sum())

    hib = True if info is None or pd.isna(info["higher_is_better"]) else bool(info["higher_is_better"])
    sign = 1.0 if hib else -1.0
    mid = _num(info, "mid")
    notes: list[str] = []
    if pilot.empty:
        notes.append("no_pilot_data")
    elif len(base) and pilot["followup"].notna().sum() == 0:
        notes.append("no_followup")
    if design == "pre_post" and len(comp) and comp["baseline"].notna().any():
        notes.append("comparison_without_followup")

    if pilot.size and n_pilot < MIN_PAIRS and "no_followup" not in notes:
        notes.append("too_few")
    if design == "did" and n_comp < MIN_PAIRS:
        notes.append("too_few_comparison")
    enough = n_pilot >= MIN_PAIRS and (design == "pre_post" or n_comp >= MIN_PAIRS)
    analysed = pd.concat([pb, cb]) if design == "did" else pb
    clusters = _clusters(analysed)
    # declared clusters only: a person without one is independent, not a small school
    n_clusters = (analysed["cluster"].dropna().nunique() if clusters is not None
                  else np.nan)
    d_p = pb["followup"] - pb["baseline"]
    if not enough:
        # one person per group leaves no within-group residual: any SE would be too small
        est = _not_estimated(n_pilot + n_comp, design, alpha)
        mde_sd = mde = np.nan
    elif design == "did":
        long = _long(pb, cb, clusters)
        est = stats.did(long, outcome="value", treated="treated", post="post",
                        cluster="cluster", small_sample="cr2", alpha=alpha)
        n_h = 2 * n_pilot * n_comp / (n_pilot + n_comp)
        mde_sd = _pooled_sd(d_p, cb["followup"] - cb["baseline"])
        mde = stats.min_detectable_effect(n_h, mde_sd, alpha=alpha, paired=False)
    elif clusters is not None and n_clusters >= MIN_PAIRS:
        # people in one school share its shocks: the cluster means are the independent units
        means = pb.groupby(clusters.to_numpy())[["baseline", "followup"]].mean()
        est = stats.paired_change(means["baseline"].to_numpy(), means["followup"].to_numpy(),
                                  alpha=alpha)
        est = replace(est, n=n_pilot, method=f"{est.method}, on the means of "
                                             f"{len(means)} clusters")
        mde_sd = float((means["followup"] - means["baseline"]).std(ddof=1))
        mde = stats.min_detectable_effect(len(means), mde_sd, alpha=alpha, paired=True)
    else:
        est = stats.paired_change(pb["baseline"].to_numpy(), pb["followup"].to_numpy(),
                                  alpha=alpha)
        mde_sd = float(d_p.std(ddof=1))
        mde = stats.min_detectable_effect(n_pilot, mde_sd, alpha=alpha, paired=True)
    if not est.is_estimable and not notes:
        notes.append("not_estimable")

    # reliable change needs a reference SD: the measure's, else the pooled SD of both
    # groups' baselines -- never the pilot's own (narrow, screened) baselines alone
    rci_sd, rci_source = _num(info, "sd_reference"), "reference"
    if math.isnan(rci_sd):
        rci_sd, rci_source = _pooled_sd(base["baseline"], comp_base["baseline"]), "pooled"
    rel = _num(info, "reliability")
    improved = deteriorated = np.nan
    if n_pilot and not math.isnan(rel) and rel < 1 and rci_sd > 0:
        rc = stats.reliable_change(pb["baseline"].to_numpy(), pb["followup"].to_numpy(),
                                   reliability=rel, sd=rci_sd).astype(float) * sign
        improved, deteriorated = float((rc == 1).mean()), float((rc == -1).mean())

    improvement = sign * est.estimate
    lo, hi = sorted((sign * est.ci_low, sign * est.ci_high)) if est.is_estimable else (np.nan,) * 2
    label_nb = None if info is None else info["label_nb"]
    label_en = None if info is None else info["label_en"]

    # attrition: only follow-ups that are due count. A follow-up is not yet due when the
    # baseline is more recent than the usual time between the two measurements (the median
    # of both groups' pairs), the same rule for both groups so the difference is fair; a
    # participant who has left the pilot is due all the same (intention to treat)
    lag = (sub["followup_on"] - sub["baseline_on"]).median()

    def not_due(people: pd.DataFrame, still_in: pd.Series | None) -> int:
        gone = people[people["followup"].isna()]
        if still_in is not None:
            gone = gone[still_in.reindex(gone.index).to_numpy(dtype=bool)]
        if pd.isna(lag):
            return len(gone)
        return int((gone["baseline_on"] + lag > as_of).sum())

    n_not_due, comp_not_due = not_due(base, base["active"]), not_due(comp_base, None)
    due, comp_due = len(base) - n_not_due, len(comp_base) - comp_not_due
    missing_due = len(missing) - n_not_due
    comp_missing_due = comp_missing - comp_not_due
    attr_pilot = missing_due / due if due else np.nan
    attr_comp = comp_missing_due / comp_due if design == "did" and comp_due else np.nan
    overall = ((missing_due + comp_missing_due) / (due + comp_due)
               if design == "did" and due + comp_due else attr_pilot)
    tipping = (-n_pilot * improvement / missing_due
               if missing_due and improvement > 0 else np.nan)

    base_mean, comp_base_mean = _mean(pb["baseline"]), _mean(cb["baseline"])
    spread = _pooled_sd(pb["baseline"], cb["baseline"]) if design == "did" else np.nan
    gap = base_mean - comp_base_mean
    # no spread at all: any gap is a total imbalance, no gap none
    std_diff = gap / spread if spread > 0 else (np.nan if not gap or math.isnan(gap)
                                                else math.copysign(math.inf, gap))
    reference = comp_base_mean if design == "did" else _num(info, "mean_reference")
    rtm = sign * (1 - rel) * (reference - base_mean)  # NaN without reliability or reference
    limit = _num(info, "scale_max" if hib else "scale_min")
    at_limit = (analysed["baseline"] >= limit) if hib else (analysed["baseline"] <= limit)
    ceiling = float(at_limit.mean()) if len(analysed) and not math.isnan(limit) else np.nan
    return {
        "pilot_id": str(pid), "measure": str(key), "design": design,
        "n_pilot": n_pilot, "n_comparison": n_comp, "n_baseline": len(base),
        "n_missing_followup": len(missing), "n_missing_followup_active": n_missing_active,
        "n_not_yet_due": n_not_due, "n_missing_due": missing_due,
        "attrition_share": len(missing) / len(base) if len(base) else np.nan,
        "attrition_due_share": attr_pilot,
        "n_comparison_baseline": len(comp_base) if design == "did" else 0,
        "n_comparison_missing_due": comp_missing_due if design == "did" else 0,
        "comparison_attrition_share": attr_comp, "overall_attrition": overall,
        "differential_attrition": abs(attr_pilot - attr_comp) if design == "did" else np.nan,
        "tipping_point_improvement": tipping,
        "baseline_mean": base_mean, "followup_mean": _mean(pb["followup"]),
        "comparison_baseline_mean": comp_base_mean if design == "did" else np.nan,
        "comparison_followup_mean": _mean(cb["followup"]) if design == "did" else np.nan,
        "baseline_std_diff": std_diff, "rtm_expected_improvement": rtm,
        "ceiling_share": ceiling, "n_clusters": n_clusters,
        "estimate": est.estimate, "se": est.se, "ci_low": est.ci_low, "ci_high": est.ci_high,
        "p_value": est.p_value,
        "effect_size": np.nan if est.effect_size is None else est.effect_size,
        "improvement": improvement, "improvement_ci_low": lo, "improvement_ci_high": hi,
        "mid": mid,
        "meets_mid": pd.NA if math.isnan(improvement) or math.isnan(mid) else improvement >= mid,
        "clears_mid": pd.NA if math.isnan(lo) or math.isnan(mid) else lo >= mid,
        "share_reliably_improved": improved, "share_reliably_deteriorated": deteriorated,
        "rci_sd": rci_sd, "rci_sd_source": rci_source if rci_sd > 0 else None,
        "mde": mde, "mde_sd": mde_sd,
        "label": label_en if language == "en" else label_nb,
        "label_nb": label_nb, "label_en": label_en,
        "unit": None if info is None else info["unit"], "higher_is_better": hib,
        "method": est.method, "note": ";".join(notes) if notes else pd.NA,
    }


def _clusters(people: pd.DataFrame) -> pd.Series | None:
    """Each analysed person's declared cluster, or None when nobody has one.

    People without a cluster are their own cluster (a cluster of one is still independent
    of the others).
    """
    if "cluster" not in people.columns or people["cluster"].isna().all():
        return None
    own = "person:" + people["group"].astype(str) + ":" + people["participant_id"].astype(str)
    return people["cluster"].astype(object).where(people["cluster"].notna(), own).astype(str)


def _not_estimated(n: int, design: str, alpha: float) -> stats.Estimate:
    what = "difference-in-differences" if design == "did" else "paired change"
    return stats.Estimate(estimate=np.nan, se=np.nan, ci_low=np.nan, ci_high=np.nan,
                          p_value=np.nan, n=int(n), effect_size=None, alpha=alpha,
                          method=f"{what}: not estimated, fewer than {MIN_PAIRS} people "
                                 "measured at both times in a group")


def _long(pilot: pd.DataFrame, comp: pd.DataFrame, clusters: pd.Series | None = None
          ) -> pd.DataFrame:
    """Two rows per person measured twice: value, treated, post, cluster (the person's
    declared cluster, else the person)."""
    both = pd.concat([pilot, comp], ignore_index=True)
    cluster = (both["group"] + ":" + both["participant_id"] if clusters is None
               else pd.Series(clusters.to_numpy(), index=both.index))
    treated = (both["group"] == "pilot").astype(float)
    return pd.DataFrame({
        "value": np.concatenate([both["baseline"].to_numpy(), both["followup"].to_numpy()]),
        "treated": np.tile(treated.to_numpy(), 2),
        "post": np.repeat([0.0, 1.0], len(both)),
        "cluster": np.tile(cluster.to_numpy(), 2),
    })


def _pooled_sd(a: pd.Series, b: pd.Series) -> float:
    """Pooled SD (ddof 1 within each group) of two samples; NaN with < 2 in either."""
    if len(a) < 2 or len(b) < 2:
        return np.nan
    ss = (len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)
    return float(math.sqrt(ss / (len(a) + len(b) - 2)))


def _mean(s: pd.Series) -> float:
    return float(s.mean()) if len(s) else np.nan


def _num(info: pd.Series | None, col: str) -> float:
    if info is None or col not in info.index or pd.isna(info[col]):
        return np.nan
    return float(info[col])


def _order(index: pd.MultiIndex, ds: Dataset) -> pd.MultiIndex:
    """Sort (pilot_id, measure) by the pilots table, then the measures table."""
    pilots = {p: i for i, p in enumerate(ds.pilot_ids)}
    measures = {str(m): i for i, m in enumerate(ds.measures["measure"])}
    return pd.MultiIndex.from_tuples(
        sorted(index, key=lambda t: (pilots.get(t[0], len(pilots)), measures.get(t[1], len(measures)),
                                     str(t[1]))), names=index.names)


def _empty(columns: list[str], index: list[str] | None = None) -> pd.DataFrame:
    names = index or _INDEX
    idx = pd.MultiIndex.from_arrays([[] for _ in names], names=names)
    return _typed(pd.DataFrame({c: [] for c in columns}, index=idx))


_INT_COLUMNS = {"n_pilot", "n_comparison", "n_baseline", "n_missing_followup",
                "n_missing_followup_active", "n_not_yet_due", "n_missing_due",
                "n_comparison_baseline", "n_comparison_missing_due", "n_months", "n_pre",
                "n_post"}
_NULLABLE_INT_COLUMNS = {"evidence_level"}
_TEXT_COLUMNS = {"design", "role", "comparison_type", "label", "label_nb", "label_en", "unit", "method", "note",
                 "family", "exposure", "rci_sd_source", "evidence_rating", "evidence_reasons",
                 "cov_type"}
_BOOL_COLUMNS = {"meets_mid", "clears_mid", "higher_is_better", "autocorrelated",
                 "pre_trend_break", "pre_period_sensitive"}
_DATE_COLUMNS = {"first_month", "change_month", "last_month"}


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    """Stable dtypes whether the frame is empty or not."""
    types: dict[str, object] = {}
    for c in out.columns:
        if c in _INT_COLUMNS:
            types[c] = "int64"
        elif c in _NULLABLE_INT_COLUMNS:
            types[c] = "Int64"
        elif c in _TEXT_COLUMNS:
            types[c] = "string"
        elif c in _BOOL_COLUMNS:
            types[c] = "boolean"
        elif c in _DATE_COLUMNS:
            types[c] = "datetime64[ns]"
        else:
            types[c] = "float64"
    return out.astype(types)


# --------------------------------------------------------------------------- ITS


def _series_frame(ds: Dataset, series: str) -> tuple[pd.DataFrame, pd.Timestamp | None, str]:
    """Monthly data of one series ready for :func:`stats.its`, its change month, pilot id."""
    ind = ds.indicators
    rows = ind[(ind["series"].astype(str) == str(series)).to_numpy(dtype=bool)
               & (ind["month"] <= ds.as_of_date).to_numpy(dtype=bool)].sort_values("month")
    if rows.empty:
        from ..errors import UsageError

        known = sorted(ds.indicators["series"].astype(str).unique())
        raise UsageError(f"Unknown indicator series {series!r}; the series are: "
                         f"{', '.join(known) or '(none)'}.")
    pid = str(rows["pilot_id"].iloc[0])
    start = ds.pilots.loc[ds.pilots["pilot_id"].astype(str) == pid, "start_date"]
    change = (start.iloc[0].to_period("M").to_timestamp()
              if len(start) and pd.notna(start.iloc[0]) else None)
    month = pd.to_datetime(rows["month"]).dt.to_period("M").dt.to_timestamp()
    first = month.min()
    frame = pd.DataFrame({
        "value": rows["value"].to_numpy(dtype=float),
        # months since the first month, 0, 1, ... (gaps in the series keep their distance)
        "time": ((month.dt.year - first.year) * 12 + month.dt.month - first.month).to_numpy(float),
        "post": (month >= change).to_numpy(float) if change is not None else 0.0,
        "month_of_year": month.dt.month.to_numpy(),
        "population": pd.to_numeric(rows["population"], errors="coerce").to_numpy(dtype=float),
    }, index=pd.DatetimeIndex(month.to_numpy(), name="month"))
    return frame, change, pid


def its_fit(ds: Dataset, series: str, alpha: float = 0.05) -> ITSResult:
    r"""Interrupted time series of one indicator series, with the counterfactual for charts.

    Fits :func:`pilot_eval.stats.its` with ``family="poisson"``, ``overdispersion=True``
    (quasi-Poisson), ``seasonality`` = month of year (two harmonic pairs) and, when every
    month has a ``population``, ``exposure="population"`` (offset :math:`\log` population):

    .. math::

        \log E[y_t] = \log N_t + \beta_0 + \beta_1 t + \beta_2\,post_t
                      + \textstyle\sum_{k=1}^2 a_k\sin(2\pi k m_t/12) + b_k\cos(2\pi k m_t/12)

    ``t`` counts months from the first month of the series (0, 1, …); ``post`` is 1 from
    the calendar month in which the series' pilot started (that month included).
    ``level_rr`` :math:`= e^{\hat\beta_2}` is the rate ratio after vs. before, adjusted for
    trend and season. Months that follow each other are alike, so the errors are modelled
    as AR(1) plus white noise (``errors="ar1_noise"``: REML, quasi-likelihood GLS, t
    intervals with Satterthwaite degrees of freedom); independent-month errors, even
    Newey–West ones, covered 80 % at AR(1) 0.5 in 90 months.

    Parameters
    ----------
    ds : Dataset
    series : str
        A value of the indicators table's ``series`` column.
    alpha : float, default 0.05

    Returns
    -------
    ITSResult
        ``predictions`` is indexed by month and holds ``observed``, ``fitted`` and
        ``counterfactual`` (counts; with a population also ``*_rate``).

    Raises
    ------
    UsageError
        When ``series`` is not in the indicators table.

    References
    ----------
    Lopez Bernal, J., Cummins, S. & Gasparrini, A. (2017). *Int J Epidemiol* 46(1), 348-355.

    Examples
    --------
    A synthetic monthly series whose rate drops by a quarter from the pilot's start:

    >>> import pilot_eval as pe
    >>> fit = its_fit(pe.load_dataset("tests/data/doctest_small"), "meldinger")
    >>> fit.family, fit.n
    ('poisson', 60)
    >>> round(fit.level_rr, 2), [round(x, 2) for x in fit.level_rr_ci]
    (0.8, [0.68, 0.93])
    >>> {"observed", "fitted", "counterfactual", "counterfactual_rate"} <= set(fit.predictions)
    True
    """
    frame, _, _ = _series_frame(ds, series)
    return _its_on(frame, alpha)


def _its_on(frame: pd.DataFrame, alpha: float, bends: list[float] | None = None) -> ITSResult:
    """:func:`its_fit` on the monthly frame of :func:`_series_frame`, optionally with a bend
    of the pre-period trend."""
    exposure = "population" if frame["population"].notna().all() else None
    data = frame if exposure else frame.drop(columns="population")
    # months that follow each other are alike: modelled (AR(1) + noise, REML), as
    # independent-month errors (even Newey-West ones) cover 80 % at AR(1) 0.5
    return stats.its(data, outcome="value", time="time", post="post", family="poisson",
                     exposure=exposure, seasonality="month_of_year", overdispersion=True,
                     alpha=alpha, errors="ar1_noise", bends=bends)


def _bend_months(frame: pd.DataFrame, min_after: int) -> list[float]:
    """Candidate months where the pre-period trend may have bent: every
    :data:`BEND_STEP` months back from ``min_after`` months before the start, keeping at
    least :data:`BEND_MIN_BEFORE` months before the bend."""
    pre = frame["post"].to_numpy() == 0
    if not pre.any() or pre.all():
        return []
    first, start = float(frame["time"].min()), float(frame.loc[~pre, "time"].min())
    months = np.arange(start - min_after, first + BEND_MIN_BEFORE - 0.5, -BEND_STEP)
    return [float(c) for c in months[::-1]]


def _bend_agrees(frame: pd.DataFrame, fit: ITSResult, min_after: int, alpha: float) -> bool:
    """Whether a clear level change stays clear, on the same side, whichever candidate
    month the pre-period trend bent at (:func:`_bend_months`): an old change of trend
    bends the counterfactual and can pass for a level change at the start. True when the
    fit shows no clear change (nothing to survive); False when some bend makes it unclear
    or cannot be fitted."""
    lc = fit.level_change
    if not lc.is_estimable or lc.ci_low <= 0 <= lc.ci_high:
        return True
    # Latest month first: a bend near the start leaves the bent trend the fewest months,
    # so it is the likeliest to make the change unclear, and the search stops at the first
    # that does (the answer does not depend on the order). Each refit starts cold: started
    # from the main fit's variance parameters, a bent fit can stop at a worse local optimum
    # of the restricted likelihood (Sicily bent at month 18: rho 0 instead of 0.84, and a
    # clear drop instead of an unclear one).
    for c in reversed(_bend_months(frame, min_after)):
        bent = _its_on(frame, alpha, bends=[c]).level_change
        if not (bent.is_estimable and (bent.ci_low > 0 if lc.ci_low > 0 else bent.ci_high < 0)):
            return False
    return True


def its_summary(ds: Dataset, alpha: float = 0.05) -> pd.DataFrame:
    """One row per indicator series: the level change at the pilot's start as a rate ratio.

    See :func:`its_fit` for the model.

    Parameters
    ----------
    ds : Dataset
        A loaded data folder; series with no month up to ``ds.as_of_date`` are left out.
    alpha : float, default 0.05
        1 - the confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Index ``(pilot_id, series)``. Columns ``design`` (``"its"``), ``family``,
        ``exposure`` (``"population"`` or ``<NA>``), ``first_month``, ``change_month``,
        ``last_month``, ``n_months``, ``n_pre``, ``n_post``, ``level_change`` (log rate
        ratio) with ``level_change_se``, ``level_change_ci_low``, ``level_change_ci_high``,
        ``p_value``, ``level_rr`` with ``level_rr_ci_low``, ``level_rr_ci_high`` (Wald
        interval on the log scale, exponentiated), ``dispersion`` (Pearson
        :math:`X^2/df`), ``autocorrelation`` (lag-1, of the residuals) with its test's
        ``autocorrelation_p`` and ``autocorrelated`` (of the residuals the AR(1) + noise
        errors leave, decorrelated: p < :data:`CHECK_ALPHA` or a lag-1 autocorrelation
        above :data:`CHECK_AUTOCORRELATION`), ``cov_type`` (``ar1_noise``),
        ``pre_trend_break_p`` and ``pre_trend_break`` (a change of slope inside the
        pre-period), ``pre_period_sensitive`` (a clear change that is no longer clear, on
        the same side, if the pre-period trend bent at one of the candidate months: every
        :data:`BEND_STEP` months from ``its_min_pre_months`` before the start back to
        :data:`BEND_MIN_BEFORE` months after the first month), the evidence
        rating
        (``evidence_level``, ``evidence_rating``, ``evidence_reasons``; see
        :mod:`pilot_eval.metrics.evidence`), ``method`` and ``note`` (``no_pre_period``,
        ``no_post_period``, ``not_estimable`` or ``<NA>``). A rate ratio below 1 means fewer events than the
        pre-trend and season predict; whether that is better depends on the series.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> its = its_summary(pe.load_dataset("tests/data/doctest_small"))
    >>> its.index.tolist()
    [('lekse', 'meldinger')]
    >>> its[["n_pre", "n_post", "evidence_rating"]].to_dict("records")
    [{'n_pre': 49, 'n_post': 11, 'evidence_rating': 'moderate'}]
    >>> its["level_rr"].round(2).tolist(), its["cov_type"].tolist()
    ([0.8], ['ar1_noise'])
    """
    stats._check_alpha(alpha)
    ind = ds.indicators
    known = ind[(ind["month"] <= ds.as_of_date).to_numpy(dtype=bool)]
    names = list(dict.fromkeys(known["series"].astype(str)))
    if not names:
        return _empty(_ITS_COLUMNS, ["pilot_id", "series"])
    rows = []
    for name in names:
        frame, change, pid = _series_frame(ds, name)
        res = _its_on(frame, alpha)
        # a bend needs the minimum pre-period after it to set the bent trend
        min_after = int(evidence.rule(ds.agreement.rules, "its_min_pre_months"))
        n_pre, n_post = int((frame["post"] == 0).sum()), int((frame["post"] == 1).sum())
        note = ("no_pre_period" if n_pre == 0 else "no_post_period" if n_post == 0
                else None if res.level_change.is_estimable else "not_estimable")
        rr_lo, rr_hi = res.level_rr_ci if res.level_rr_ci is not None else (np.nan, np.nan)
        lc = res.level_change
        rows.append({
            "pilot_id": pid, "series": name, "design": "its", "family": res.family,
            "exposure": "population" if frame["population"].notna().all() else None,
            "first_month": frame.index.min(), "change_month": change,
            "last_month": frame.index.max(), "n_months": len(frame), "n_pre": n_pre,
            "n_post": n_post, "level_change": lc.estimate, "level_change_se": lc.se,
            "level_change_ci_low": lc.ci_low, "level_change_ci_high": lc.ci_high,
            "p_value": lc.p_value,
            "level_rr": np.nan if res.level_rr is None else res.level_rr,
            "level_rr_ci_low": rr_lo, "level_rr_ci_high": rr_hi,
            "dispersion": res.dispersion, "autocorrelation": res.autocorrelation,
            "autocorrelation_p": res.autocorrelation_p,
            "autocorrelated": _autocorrelated(res),
            "cov_type": res.cov_type, "pre_trend_break_p": res.pre_trend_break_p,
            "pre_trend_break": not res.pre_trend_break_p >= CHECK_ALPHA,  # NaN: not shown
            "pre_period_sensitive": not _bend_agrees(frame, res, min_after, alpha),
            "method": res.method, "note": note,
        })
    out = pd.DataFrame(rows).set_index(["pilot_id", "series"])
    out = out.join(evidence.rate_series(out, ds.agreement.rules))
    return _typed(out[_ITS_COLUMNS])
