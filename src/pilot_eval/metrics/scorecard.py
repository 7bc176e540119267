r"""Scorecard (statusoversikt): reach, cost and outcome status and a recommendation per pilot.

Exactly the rules of DESIGN §3, with the thresholds read from ``ds.agreement.rules`` (the
defaults of :data:`pilot_eval.schema.DEFAULT_RULES`, overridable in ``[rules]`` of
``agreement.toml``). With :math:`e` = ``elapsed_share`` (share of the pilot period passed):

* **reach**: :math:`q = enrolled / (reach\_target \times e)`; green if
  :math:`q \ge` ``reach_green`` (0.9), yellow if :math:`q \ge` ``reach_yellow`` (0.6), else
  red -- but while :math:`e <` ``reach_red_after_elapsed`` (0.25) yellow
  (``far_behind_early``): recruiting takes time to get going, and a ratio from a month or
  two rests on a handful of people. Grey without a reach target (0 or missing).
* **cost**: run-rate :math:`k = grant\_used\_share / e`; green if ``cost_underuse`` (0.5)
  :math:`\le k \le` ``cost_green`` (1.1); yellow if :math:`k \le` ``cost_yellow`` (1.3) or
  :math:`k <` ``cost_underuse`` (money not used is a delivery risk); red above -- but while
  :math:`e <` ``cost_red_after_elapsed`` (0.25) only when the grant used is too much even
  against that share of the period (:math:`grant\_used\_share / 0.25 >` ``cost_yellow``):
  a run-rate from a few months rests mostly on start-up costs paid up front, and is
  yellow then (``far_overspending_early``). Grey without a grant (0 or missing).
* **outcome** (the pilot's ``primary_measure``, else the first measure in the measures
  table that the pilot's participants were measured on): grey when fewer than
  :math:`\max(`` outcome_min_n ``, min\_cell\_size)` people have a baseline and a follow-up
  in the pilot group *or*, with a comparison group, in the comparison group (or the
  estimate could not be computed); green when the improvement's CI lies above 0
  (``improvement_ci_low > 0``), ``improvement >= mid``, the result's evidence rating
  (:mod:`pilot_eval.metrics.evidence`) is at least ``outcome_min_evidence`` (2, moderate)
  and no more than ``outcome_attrition_cap`` (0.4) of the follow-ups due are missing in
  either group; red when the CI's upper end is below the MID (``improvement_ci_high <
  mid``) and the evidence is at least ``outcome_min_evidence``; yellow otherwise. A
  before/after change without a comparison group is therefore never green or red
  (``change_without_comparison``).
* every dimension is grey while the pilot has not started (``as_of`` before its start).
* **recommendation**: outcome grey → ``insufficient_data``; outcome red → ``stop``, or
  ``adjust`` while :math:`e <` ``adjust_before_elapsed`` (0.5); outcome green and reach green
  and cost not red → ``scale`` (so never on before/after evidence alone); reach or cost red → ``adjust``; otherwise ``continue``.

Ratios are rounded to 9 decimals before they are compared with a threshold, so that a
ratio that is exactly on a threshold by hand (for example 1.1) is not pushed over it by
floating-point error.

Nothing here is formatted: the columns are the status keys, machine-readable reason keys
(:data:`REASONS`) and the numbers behind them, for the presentation layer's sentences.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..schema import DEFAULT_RULES
from ._common import THRESHOLD_DIGITS
from .cost import cost_summary
from .evidence import min_measured
from .outcomes import outcome_summary, primary_measures
from .reach import reach_summary

__all__ = ["scorecard", "rules_in_force", "rules_hash", "STATUSES", "RECOMMENDATIONS",
           "REASONS", "RULE_DESCRIPTIONS"]

STATUSES = ("green", "yellow", "red", "grey")
RECOMMENDATIONS = ("scale", "continue", "adjust", "stop", "insufficient_data")

#: Reason keys per column, with what they mean.
REASONS: dict[str, dict[str, str]] = {
    "reach_reason": {
        "not_started": "the pilot has not started",
        "no_reach_target": "no reach target (0 or missing): nothing to compare with",
        "on_track": "reach_ratio >= reach_green",
        "behind": "reach_yellow <= reach_ratio < reach_green",
        "far_behind": "reach_ratio < reach_yellow",
        "far_behind_early": "reach_ratio < reach_yellow, but before reach_red_after_elapsed "
                            "of the period: at most yellow (recruiting takes time to get "
                            "going; a month or two says little)",
    },
    "cost_reason": {
        "not_started": "the pilot has not started",
        "no_grant": "no grant from the fund (0 or missing): no run-rate",
        "on_budget": "cost_underuse <= run_rate <= cost_green",
        "overspending": "cost_green < run_rate <= cost_yellow",
        "far_overspending": "run_rate > cost_yellow",
        "far_overspending_early": "run_rate > cost_yellow before cost_red_after_elapsed of "
                                  "the period, but grant_used_share / cost_red_after_elapsed "
                                  "<= cost_yellow: a few months' spending, start-up costs "
                                  "first, says little of the pace",
        "underspending": "run_rate < cost_underuse: money not used is a delivery risk",
    },
    "outcome_reason": {
        "not_started": "the pilot has not started",
        "no_outcome_data": "no measurement of the pilot's participants on the outcome measure",
        "too_few_measured": "fewer than outcome_min_required people measured at both times",
        "not_estimable": "enough people, but the change could not be estimated",
        "clear_improvement": "CI above 0 and improvement >= MID, evidence at least "
                             "outcome_min_evidence",
        "below_mid": "the CI's upper end is below the MID, evidence at least "
                     "outcome_min_evidence",
        "change_without_comparison": "clearly above or below, but a before/after change "
                                     "without a comparison group: at most uncertain",
        "evidence_too_weak": "clearly above or below, but the evidence rating is below "
                             "outcome_min_evidence",
        "attrition_too_high": "clearly above, but more than outcome_attrition_cap of the "
                              "follow-ups due are missing",
        "uncertain": "neither clearly above nor clearly below the MID",
    },
    "recommendation_reason": {
        "not_started": "the pilot has not started",
        "outcome_grey": "too little outcome data to judge",
        "outcome_red": "the outcome is clearly below the MID",
        "outcome_red_early": "outcome red before adjust_before_elapsed of the period",
        "all_green": "outcome and reach green, cost not red",
        "reach_red": "reach red",
        "cost_red": "cost red",
        "reach_and_cost_red": "reach and cost red",
        "not_all_green": "no red flag, but not everything is green",
    },
}

#: What each rule means, for the report's table of rules in force.
RULE_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "reach_green": ("Rekkevidde god når påmeldte / (mål × andel av perioden gått) er minst",
                    "Reach green when enrolled / (target × share of period elapsed) is at least"),
    "reach_yellow": ("Rekkevidde usikker (ellers svak, men ikke tidlig i perioden) når "
                     "forholdet er minst",
                     "Reach yellow (else red, but not early in the period) when the ratio is "
                     "at least"),
    "reach_red_after_elapsed": ("Rekkevidde aldri svak før denne andelen av perioden er gått",
                                "Reach never red before this share of the period has passed"),
    "cost_green": ("Økonomi god når andel av tilsagnet brukt / andel av perioden gått er høyst",
                   "Cost green when share of grant used / share of period elapsed is at most"),
    "cost_yellow": ("Økonomi usikker (ellers svak, tidlig i perioden bare når det er mye "
                    "høyere) når forholdet er høyst",
                    "Cost yellow (else red, early in the period only when far higher) when "
                    "the ratio is at most"),
    "cost_underuse": ("Økonomi usikker når forholdet er under (midler brukes ikke)",
                      "Cost yellow when the ratio is below (money not being used)"),
    "cost_red_after_elapsed": ("Før denne andelen av perioden er gått, måles forbruket mot "
                               "denne andelen når økonomien vurderes som svak",
                               "Before this share of the period has passed, spending is "
                               "measured against this share when cost is rated red"),
    "outcome_min_n": ("For lite data når færre enn dette (eller minste cellestørrelse) er "
                      "målt før og etter",
                      "Too little data when fewer than this (or the minimum cell size) are "
                      "measured before and after"),
    "adjust_before_elapsed": ("Svakt resultat gir «justere», ikke «avslutte», før denne "
                              "andelen av perioden er gått",
                              "A red outcome gives 'adjust', not 'stop', before this share "
                              "of the period has passed"),
    "outcome_min_evidence": ("Grønt eller rødt resultat krever minst dette nivået av "
                             "evidens (0 svært svak – 3 sterk)",
                             "A green or red outcome needs at least this evidence level "
                             "(0 very weak – 3 strong)"),
    "outcome_attrition_cap": ("Aldri grønt resultat når en større andel av oppfølgingene "
                              "mangler", "Never a green outcome when a larger share of the "
                              "follow-ups due is missing"),
    "evidence_attrition_max": ("Evidensen svekkes når en større andel mangler oppfølging "
                               "(én gruppe)", "Evidence lowered when a larger share misses "
                               "follow-up (one group)"),
    "evidence_comparison_ratio": ("Evidensen svekkes når sammenligningsgruppen er mindre "
                                  "enn denne andelen av pilotgruppen",
                                  "Evidence lowered when the comparison group is smaller "
                                  "than this share of the pilot group"),
    "evidence_imbalance_max": ("Evidensen svekkes når standardisert forskjell ved start er "
                               "større enn", "Evidence lowered when the standardised "
                               "baseline difference exceeds"),
    "evidence_ceiling_share": ("Evidensen svekkes når en større andel starter på skalaens "
                               "grense", "Evidence lowered when a larger share starts at the "
                               "scale's limit"),
    "evidence_rtm_share_of_mid": ("Evidensen svekkes når regresjon mot gjennomsnittet alene "
                                  "gir minst denne andelen av minste betydningsfulle endring",
                                  "Evidence lowered when regression to the mean alone gives "
                                  "at least this share of the minimal important change"),
    "evidence_min_clusters": ("Evidensen svekkes med færre klynger (skoler, klasser) enn",
                              "Evidence lowered with fewer clusters (schools, classes) than"),
    "its_min_pre_months": ("Evidensen for en tidsserie svekkes med færre måneder før start "
                           "enn", "Evidence of a time series lowered with fewer months "
                           "before the start than"),
}

_COLUMNS = [
    "state", "elapsed_share",
    "reach_status", "reach_reason", "enrolled", "reach_target", "expected_enrolled",
    "reach_ratio",
    "cost_status", "cost_reason", "grant_nok", "fund_cost_nok", "grant_used_share", "run_rate",
    "outcome_status", "outcome_reason", "outcome_measure", "outcome_measure_source",
    "outcome_label", "outcome_unit", "outcome_higher_is_better", "outcome_design", "outcome_n",
    "outcome_min_required", "outcome_improvement", "outcome_ci_low", "outcome_ci_high",
    "outcome_mid", "outcome_meets_mid", "outcome_clears_mid", "outcome_evidence_rating",
    "outcome_evidence_reasons", "recommendation", "recommendation_reason",
]  # fmt: skip
_TEXT = {"state", "reach_status", "reach_reason", "cost_status", "cost_reason",
         "outcome_status", "outcome_reason", "outcome_measure", "outcome_measure_source",
         "outcome_label", "outcome_unit", "outcome_design", "recommendation",
         "recommendation_reason", "outcome_evidence_rating", "outcome_evidence_reasons"}
_INT = {"enrolled", "outcome_n", "outcome_min_required"}
_BOOL = {"outcome_higher_is_better", "outcome_meets_mid", "outcome_clears_mid"}


def _rules(ds: Dataset) -> dict[str, float]:
    """The rules in force: the defaults, overridden by the agreement's."""
    merged: dict[str, float] = {**DEFAULT_RULES, **dict(ds.agreement.rules)}
    return {k: float(v) for k, v in merged.items()}


def rules_in_force(ds: Dataset) -> pd.DataFrame:
    """The scorecard thresholds in force, for the report (the goalposts, visible).
    Parameters
    ----------
    ds : Dataset
        Loaded and seen at its as-of date.

    Returns
    -------
    pandas.DataFrame
        Index ``rule`` (sorted as in :data:`pilot_eval.schema.DEFAULT_RULES`, extra keys
        after). Columns ``value``, ``default`` (NaN for a rule without a default),
        ``overridden`` (set in ``[rules]`` of agreement.toml), ``description_nb``,
        ``description_en``.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> rules = rules_in_force(ds)
    >>> float(rules.loc["reach_green", "value"]), bool(rules.loc["reach_green", "overridden"])
    (0.9, False)
    """
    rules = _rules(ds)
    overridden = set(ds.agreement.rules_overridden) | {
        k for k, v in rules.items() if k not in DEFAULT_RULES or float(DEFAULT_RULES[k]) != v}
    names = list(DEFAULT_RULES) + sorted(k for k in rules if k not in DEFAULT_RULES)
    out = pd.DataFrame({
        "value": [rules[k] for k in names],
        "default": [float(DEFAULT_RULES[k]) if k in DEFAULT_RULES else np.nan for k in names],
        "overridden": [k in overridden for k in names],
        "description_nb": [RULE_DESCRIPTIONS.get(k, ("", ""))[0] or pd.NA for k in names],
        "description_en": [RULE_DESCRIPTIONS.get(k, ("", ""))[1] or pd.NA for k in names],
    }, index=pd.Index(names, name="rule"))
    return out.astype({"description_nb": "string", "description_en": "string"})


def rules_hash(ds: Dataset) -> str:
    """SHA-256 (hex) of the canonical JSON of the rules in force, for the manifest.

    Canonical JSON: an object of every rule in force (defaults merged with the agreement's
    ``[rules]``), values as floats, keys sorted, no spaces, ASCII --
    ``json.dumps(rules, sort_keys=True, separators=(",", ":"), ensure_ascii=True)`` encoded
    as UTF-8. ``10`` and ``10.0`` therefore hash alike; any changed threshold changes it.
    Parameters
    ----------
    ds : Dataset
        Loaded and seen at its as-of date.

    Returns
    -------
    str
        64 hexadecimal digits.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> rules_hash(ds)[:16]
    'b243b1060a338cb9'
    """
    text = json.dumps(_rules(ds), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _outcome_rows(ds: Dataset, summary: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """Per pilot: the outcome measure used and its row of ``outcome_summary``."""
    chosen = primary_measures(ds, summary, index)
    use = chosen["measure"]
    keys = pd.MultiIndex.from_arrays([index, use.where(use.notna(), "")])
    rows = summary.reindex(keys)
    rows.index = index
    rows["outcome_measure"] = use.to_numpy()
    # the measure's own facts, also when it has no data yet
    meas = ds.measures.assign(measure=ds.measures["measure"].astype(str)).drop_duplicates(
        "measure").set_index("measure")
    facts = meas.reindex(rows["outcome_measure"].astype(object).fillna(""))
    facts.index = index
    label = "label_en" if ds.agreement.language == "en" else "label_nb"
    for col, src in (("label", label), ("unit", "unit"), ("higher_is_better", "higher_is_better"),
                     ("mid", "mid")):
        rows[col] = rows[col].astype(object).where(rows[col].notna(), facts[src].astype(object))
    rows["outcome_measure_source"] = chosen["source"].to_numpy()
    return rows


def scorecard(ds: Dataset, alpha: float = 0.05) -> pd.DataFrame:
    """Status of reach, cost and outcome per pilot, and a recommendation (DESIGN §3).

    Parameters
    ----------
    ds : Dataset
    alpha : float, default 0.05
        Level of the outcome interval used for the outcome status.

    Returns
    -------
    pandas.DataFrame
        Index ``pilot_id`` (every pilot, in the pilots table's order). Columns:

        * ``state`` (``not_started``, ``running``, ``ended``), ``elapsed_share``;
        * reach: ``reach_status``, ``reach_reason``, ``enrolled``, ``reach_target``,
          ``expected_enrolled`` (= reach_target × elapsed_share), ``reach_ratio``
          (= enrolled / expected_enrolled);
        * cost: ``cost_status``, ``cost_reason``, ``grant_nok``, ``fund_cost_nok``,
          ``grant_used_share``, ``run_rate`` (= grant_used_share / elapsed_share);
        * outcome: ``outcome_status``, ``outcome_reason``, ``outcome_measure``,
          ``outcome_measure_source`` (``primary`` or ``first_measured``),
          ``outcome_label``, ``outcome_unit``, ``outcome_higher_is_better``,
          ``outcome_design``, ``outcome_n`` (people measured at both times),
          ``outcome_min_required`` (max(outcome_min_n, min_cell_size)),
          ``outcome_improvement``, ``outcome_ci_low``, ``outcome_ci_high`` (the
          improvement's interval, positive = better), ``outcome_mid``,
          ``outcome_meets_mid``;
        * ``recommendation``, ``recommendation_reason``.

        Statuses are keys of :data:`STATUSES`, recommendations of
        :data:`RECOMMENDATIONS`, reasons of :data:`REASONS`. Nothing is formatted.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> card = scorecard(ds)
    >>> card.loc["lekse", ["reach_status", "cost_status", "outcome_status", "recommendation"]].tolist()
    ['red', 'yellow', 'grey', 'insufficient_data']
    """
    return _scorecard(ds, alpha)


def _scorecard(ds: Dataset, alpha: float = 0.05,
               summary: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`scorecard`; ``summary`` is ``outcome_summary(ds, alpha=alpha)`` when the
    caller has it already (it is only read)."""
    rules = _rules(ds)
    costs = cost_summary(ds)
    index = costs.index
    if len(index) == 0:
        return _typed(pd.DataFrame({c: [] for c in _COLUMNS},
                                   index=pd.Index([], name="pilot_id", dtype=object)))
    reach = reach_summary(ds).reindex(index)
    if summary is None:
        summary = outcome_summary(ds, alpha=alpha)
    out = pd.DataFrame(index=index)
    started = (costs["state"].astype(str) != "not_started").to_numpy()
    elapsed = costs["elapsed_share"].astype(float)
    out["state"] = costs["state"].astype(str)
    out["elapsed_share"] = elapsed

    # reach
    enrolled = reach["enrolled"].astype(float)
    target = reach["reach_target"].astype("Float64").astype(float)
    expected = target * elapsed
    ratio = (enrolled / expected).where(expected > 0)
    q = ratio.round(THRESHOLD_DIGITS)
    out["enrolled"] = enrolled
    out["reach_target"] = target
    out["expected_enrolled"] = expected
    out["reach_ratio"] = ratio
    reach_early = elapsed.round(THRESHOLD_DIGITS) < rules["reach_red_after_elapsed"]
    out["reach_reason"] = np.select(
        [~started, ratio.isna(), q >= rules["reach_green"], q >= rules["reach_yellow"],
         reach_early],
        ["not_started", "no_reach_target", "on_track", "behind", "far_behind_early"],
        "far_behind")

    # cost
    used = costs["grant_used_share"].astype(float)
    run_rate = (used / elapsed).where(elapsed > 0)
    k = run_rate.round(THRESHOLD_DIGITS)
    out["grant_nok"] = costs["grant_nok"].astype(float)
    out["fund_cost_nok"] = costs["fund_cost_nok"].astype(float)
    out["grant_used_share"] = used
    out["run_rate"] = run_rate
    # before cost_red_after_elapsed, spending is red only when it is too fast even against
    # that share of the period (120 % of the grant spent at 20 % is red at once)
    floor = rules["cost_red_after_elapsed"]  # 0: never early (no elapsed share is below it)
    early = (elapsed.round(THRESHOLD_DIGITS) < floor) & \
        ((used / max(floor, 1e-12)).round(THRESHOLD_DIGITS) <= rules["cost_yellow"])
    out["cost_reason"] = np.select(
        [~started, run_rate.isna(), (k > rules["cost_yellow"]) & early,
         k > rules["cost_yellow"], k > rules["cost_green"], k < rules["cost_underuse"]],
        ["not_started", "no_grant", "far_overspending_early", "far_overspending",
         "overspending", "underspending"],
        "on_budget")

    # outcome
    rows = _outcome_rows(ds, summary, index)
    min_n = min_measured(rules, ds.agreement.min_cell_size)
    n = rows["n_pilot"].fillna(0).astype(int)
    n_comp = rows["n_comparison"].fillna(0).astype(int)
    did = (rows["design"].astype("string") == "did").fillna(False).to_numpy(dtype=bool)
    imp = rows["improvement"].astype(float)
    lo = rows["improvement_ci_low"].astype(float).round(THRESHOLD_DIGITS)
    hi = rows["improvement_ci_high"].astype(float).round(THRESHOLD_DIGITS)
    mid = rows["mid"].astype(float)
    has_data = rows["design"].notna() & ~rows["note"].astype("string").fillna("").str.contains(
        "no_pilot_data")
    level = rows["evidence_level"].astype("Float64").fillna(-1).astype(float)
    enough_evidence = (level >= rules["outcome_min_evidence"]).to_numpy()
    # missing follow-ups of those due, in the worse-off group
    attrition = np.fmax(rows["attrition_due_share"].astype(float),
                        rows["comparison_attrition_share"].astype(float))
    capped = (attrition.round(THRESHOLD_DIGITS) > rules["outcome_attrition_cap"]).to_numpy()
    clear = ((lo > 0) & (imp.round(THRESHOLD_DIGITS) >= mid)).to_numpy()
    out["outcome_reason"] = np.select(
        [~started, rows["outcome_measure"].isna() | ~has_data,
         (n < min_n) | (did & (n_comp < min_n)),
         imp.isna() | lo.isna() | hi.isna(),
         clear & ~did, clear & capped, clear & ~enough_evidence, clear,
         (hi < mid) & ~did, (hi < mid) & ~enough_evidence, hi < mid],
        ["not_started", "no_outcome_data", "too_few_measured", "not_estimable",
         "change_without_comparison", "attrition_too_high", "evidence_too_weak",
         "clear_improvement", "change_without_comparison", "evidence_too_weak", "below_mid"],
        "uncertain")
    out["outcome_measure"] = rows["outcome_measure"]
    out["outcome_measure_source"] = rows["outcome_measure_source"]
    out["outcome_label"] = rows["label"]
    out["outcome_unit"] = rows["unit"]
    out["outcome_higher_is_better"] = rows["higher_is_better"]
    out["outcome_design"] = rows["design"]
    out["outcome_n"] = n
    out["outcome_min_required"] = min_n
    out["outcome_improvement"] = imp
    out["outcome_ci_low"] = rows["improvement_ci_low"].astype(float)
    out["outcome_ci_high"] = rows["improvement_ci_high"].astype(float)
    out["outcome_mid"] = mid
    out["outcome_meets_mid"] = rows["meets_mid"]
    out["outcome_clears_mid"] = rows["clears_mid"]
    out["outcome_evidence_rating"] = rows["evidence_rating"]
    out["outcome_evidence_reasons"] = rows["evidence_reasons"]

    status_of = {
        "not_started": "grey", "no_reach_target": "grey", "on_track": "green",
        "behind": "yellow", "far_behind": "red", "far_behind_early": "yellow",
        "no_grant": "grey", "on_budget": "green",
        "overspending": "yellow", "underspending": "yellow", "far_overspending": "red",
        "far_overspending_early": "yellow",
        "no_outcome_data": "grey", "too_few_measured": "grey", "not_estimable": "grey",
        "clear_improvement": "green", "below_mid": "red", "uncertain": "yellow",
        "change_without_comparison": "yellow", "evidence_too_weak": "yellow",
        "attrition_too_high": "yellow",
    }
    for dim in ("reach", "cost", "outcome"):
        out[f"{dim}_status"] = out[f"{dim}_reason"].map(status_of)

    # recommendation
    o, r, c = out["outcome_status"], out["reach_status"], out["cost_status"]
    early = (elapsed.round(THRESHOLD_DIGITS) < rules["adjust_before_elapsed"]).to_numpy()
    red_reason = np.where((r == "red") & (c == "red"), "reach_and_cost_red",
                          np.where(r == "red", "reach_red", "cost_red"))
    out["recommendation_reason"] = np.select(
        [~started, o == "grey", (o == "red") & early, o == "red",
         (o == "green") & (r == "green") & (c != "red"), (r == "red") | (c == "red")],
        ["not_started", "outcome_grey", "outcome_red_early", "outcome_red", "all_green",
         red_reason], "not_all_green")
    out["recommendation"] = np.select(
        [~started | (o == "grey"), (o == "red") & early, o == "red",
         (o == "green") & (r == "green") & (c != "red"), (r == "red") | (c == "red")],
        ["insufficient_data", "adjust", "stop", "scale", "adjust"], "continue")
    return _typed(out[_COLUMNS])


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    types: Mapping[str, str] = {
        c: "string" if c in _TEXT else "Int64" if c in _INT else "boolean" if c in _BOOL
        else "float64" for c in out.columns}
    return out.astype(dict(types))
