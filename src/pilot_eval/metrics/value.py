r"""Value for money (samfunnsøkonomisk vurdering): social value against total cost.

Per pilot and *valued* measure (a measure with a row in the ``valuation`` table), exactly
as DESIGN §3 specifies; every step is a column so an adviser can redo it by hand:

1. **Quantity net of the counterfactual** (``quantity_net_of_counterfactual``)

   * ``basis = per_success``: a *success* is a participant measured at both times whose
     baseline was on the wrong side of the measure's ``success_threshold`` and whose
     follow-up is on the right side (higher is better: :math:`y_0 < c \le y_1`; lower is
     better: :math:`y_0 > c \ge y_1`); a *reversal* crossed the other way. Each person
     scores +1, -1 or 0; a group's net rate :math:`\bar x` is the mean score. Without a
     comparison group: :math:`n_{measured}\,\bar x_P \times (1 - deadweight)` =
     (successes - reversals) × (1 - deadweight): with no effect, measurement noise moves
     as many people each way, so counting one way only pays for noise. With a comparison
     group (design ``did``): :math:`n_{measured}(\bar x_P - \bar x_C)`, ``deadweight``
     *not* applied because the counterfactual is measured (net rates in both groups: a
     comparison group with fewer people below the threshold has fewer to cross).
   * ``basis = per_unit``: :math:`improvement \times n_{measured}` (``improvement`` from
     :func:`~pilot_eval.metrics.outcomes.outcome_summary`: a DiD is already net of the
     counterfactual, so deadweight is applied to pre-post only, as for successes).

2. **Attributable** (``attributable_successes`` or ``attributable_units``):
   :math:`Q = quantity \times (1 - attribution)(1 - displacement)`.
3. **Annual value** :math:`V = Q \times value\_nok` (values are per person per year).
4. **Present value** over :math:`D` = ``duration_years`` with ``drop_off`` :math:`\delta`
   after the first year at the agreement's ``discount_rate`` :math:`r` (R-109/2021: 4 %),
   discounted to the **agreement's start** (the base year; :math:`t_b` =
   ``benefit_years_from_base``, the mean time of the follow-ups after it):

   .. math::

       PV = (1+r)^{-t_b} \sum_{t=1}^{D} \frac{V (1-\delta)^{t-1}}{(1+r)^t}
          = V \times pv\_factor .

5. **Cost for the ratio** :math:`C = (total\_cost\_nok + \lambda \times public\_cost\_nok)
   (1+r)^{-t_c}`, :math:`t_c` = ``cost_years_from_base`` (the amount-weighted mean date of
   the costs, in years after the agreement's start),
   :math:`\lambda` = ``tax_financing_cost`` (0.20: each public krone costs society 1.20),
   public money being the funders ``fund`` and ``municipality`` (in kind included).
6. ``net_value_nok`` :math:`= PV - C`; ``benefit_cost_ratio`` :math:`= PV / C`;
   ``break_even_value_nok`` :math:`= C / (Q \times pv\_factor)`, the ``value_nok`` at
   which the net value is 0 (PV is proportional to ``value_nok``).

Uncertainty. The outcome's 95 % interval is carried through the same steps
(``quantity_ci_low/high`` → ``social_value_pv_low/high_nok`` → ``benefit_cost_ratio_low/
high``): for ``per_unit`` the improvement's interval; for ``per_success`` the interval of
the net rate, :func:`pilot_eval.stats.paired_change` of being on the right side before
and after without a comparison group, :func:`pilot_eval.stats.two_group` (Welch) of the
two groups' crossing scores with one; no range where it cannot be estimated (nobody
crossed either way).
No value and no ratio are computed when fewer than the scorecard's minimum (``outcome_min_n``
or ``min_cell_size``) are measured at both times in a group (note ``few_measured``).

Observed and projected. Only people measured at both times are valued (no extrapolation).
The part of the first year's (discounted) value that falls between each person's follow-up
measurement and the end of the pilot period -- or ``as_of`` if earlier, since later time has
not been seen -- is ``observed_value_nok``; everything after it, from the assumptions on
duration and drop-off, is ``projected_value_nok``. ``social_value_pv_nok`` is their sum and
is therefore labelled *observed + projected* (:data:`VALUE_FIGURE_KINDS`), never reported
as if observed.

Conventions and choices where DESIGN is silent (see ``docs/metrics.md``):

* A measure without a valuation row is **absent** from the table (nothing to value); a
  valued measure whose outcome cannot be estimated is a row of NaN with a ``note``.
* The ratio is **per measure**: each row sets one measure's value against the pilot's *whole*
  cost (conservative). :func:`value_for_money_by_pilot` adds the values of a pilot's
  measures against its cost once, and warns that measures of overlapping benefits (for
  example well-being and school absence) may count the same gain twice.
* A negative net effect gives a negative value (not clipped at 0): the pilot may do harm.
* Costs are those to ``as_of`` (all participants); the value is of measured participants
  only, so the ratio leans conservative mid-pilot.

References
----------
Finansdepartementet (2021). Rundskriv R-109/2021: Prinsipper og krav ved utarbeidelse av
samfunnsøkonomiske analyser.
HM Treasury (2022). *The Green Book*, and Fujiwara, D. (2014). *Social Value Bank*
methodology (HACT); GMCA (2019). *Cost Benefit Analysis guidance* (deadweight,
attribution, displacement, drop-off).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats
from ..dataset import Dataset
from . import outcomes as _outcomes
from .cost import cost_summary
from .evidence import min_measured

__all__ = [
    "value_for_money",
    "value_for_money_by_pilot",
    "sensitivity",
    "VALUE_FIGURE_KINDS",
    "VALUE_NOTES",
    "SENSITIVITY_ASSUMPTIONS",
]

#: What kind of figure each column is: ``observed`` (from data inside the pilot period),
#: ``projected`` (beyond it, from assumptions), ``observed+projected`` (a labelled sum),
#: ``assumption`` (an input from the valuation table or agreement) or ``derived`` (a ratio or
#: difference of figures that include projections).
VALUE_FIGURE_KINDS: dict[str, str] = {
    "n_measured": "observed", "n_comparison": "observed", "successes": "observed",
    "reversals": "observed", "net_successes": "observed", "quantity_ci_low": "observed",
    "quantity_ci_high": "observed", "social_value_pv_low_nok": "observed+projected",
    "social_value_pv_high_nok": "observed+projected", "benefit_cost_ratio_low": "derived",
    "benefit_cost_ratio_high": "derived",
    "success_rate_pilot": "observed", "success_rate_comparison": "observed",
    "improvement": "observed", "quantity_net_of_counterfactual": "observed",
    "attributable_successes": "observed", "attributable_units": "observed",
    "value_nok": "assumption", "deadweight": "assumption", "attribution": "assumption",
    "displacement": "assumption", "drop_off": "assumption", "duration_years": "assumption",
    "discount_rate": "assumption", "tax_financing_cost": "assumption",
    "annual_value_nok": "observed+projected", "pv_factor": "assumption",
    "observed_share_of_year1": "observed", "observed_value_nok": "observed",
    "benefit_years_from_base": "observed", "cost_years_from_base": "observed",
    "projected_value_nok": "projected", "social_value_pv_nok": "observed+projected",
    "total_cost_nok": "observed", "public_cost_nok": "observed",
    "cost_for_ratio_nok": "observed", "net_value_nok": "derived",
    "benefit_cost_ratio": "derived", "break_even_value_nok": "derived",
}  # fmt: skip

#: Keys of the ``note`` column (joined by ``";"``).
VALUE_NOTES: dict[str, str] = {
    "outcome_not_estimated": "the outcome could not be estimated (see outcome_summary's note)",
    "no_success_threshold": "per-success valuation but the measure has no success_threshold",
    "no_cost": "the pilot has no cost recorded, so no ratio",
    "negative_effect": "the net effect is negative, its whole interval below zero: the value "
                       "is negative",
    "negative_estimate": "the net effect's estimate is negative, but its interval reaches zero "
                         "or above (or there is none): whether the value is negative or "
                         "positive cannot be told",
    "few_measured": "fewer people measured at both times (in a group) than the scorecard's "
                    "minimum: no value and no ratio",
    "net_crossings": "no comparison group: successes net of those who crossed the threshold "
                     "the wrong way",
    "change_not_effect": "no comparison group: the value rests on a before/after change, "
                         "not an effect (evidence rating weak at best)",
    "weak_evidence": "a comparison group, but the outcome's evidence is weak: the value may "
                     "be far off, beyond its range",
    "very_weak_evidence": "a comparison group, but the outcome's evidence is very weak: the "
                          "value may be far off, beyond its range",
    "may_double_count": "values of several measures added: they may overlap",
    "some_measures_not_valued": "a valued measure could not be valued and is left out of the sum",
}

#: The one-at-a-time sensitivity analysis of DESIGN §3: assumption → how low/high is set.
SENSITIVITY_ASSUMPTIONS: dict[str, str] = {
    "value_nok": "× 0.5 / × 1.5",
    "deadweight": "− 0.10 / + 0.10, kept within 0–1",
    "attribution": "− 0.10 / + 0.10, kept within 0–1",
    "displacement": "− 0.10 / + 0.10, kept within 0–1",
    "drop_off": "− 0.10 / + 0.10, kept within 0–1",
    "duration_years": "1 year / + 2 years",
    "discount_rate": "2 % / 6 %",
}

_VALUE_COLUMNS = [
    "label", "basis", "design", "role", "evidence_rating", "deadweight_applied", "n_measured",
    "n_comparison", "successes", "reversals", "net_successes", "success_rate_pilot",
    "success_rate_comparison", "improvement", "quantity_net_of_counterfactual",
    "quantity_ci_low", "quantity_ci_high", "attributable_successes", "attributable_units",
    "value_nok", "deadweight", "attribution", "displacement", "drop_off", "duration_years",
    "discount_rate", "annual_value_nok", "benefit_years_from_base", "cost_years_from_base",
    "pv_factor", "observed_share_of_year1",
    "observed_value_nok", "projected_value_nok", "social_value_pv_nok",
    "social_value_pv_low_nok", "social_value_pv_high_nok", "total_cost_nok",
    "public_cost_nok", "tax_financing_cost", "cost_for_ratio_nok", "net_value_nok",
    "benefit_cost_ratio", "benefit_cost_ratio_low", "benefit_cost_ratio_high",
    "break_even_value_nok", "confidence", "source", "note",
]  # fmt: skip
_TEXT = {"label", "basis", "design", "role", "evidence_rating", "confidence", "source", "note"}


# --------------------------------------------------------------------------- inputs


def _crossings(ds: Dataset, m: pd.DataFrame) -> pd.DataFrame:
    """Per person measured at both times: on the right side of the success threshold before
    (``right_before``) and after (``right_after``), 1 or 0 (NaN without a threshold).

    ``m`` is :func:`pilot_eval.metrics.outcomes._measurements` of ``ds``. "Right side":
    at or above the threshold when higher is better, at or below it when lower is better.
    ``right_after - right_before`` is +1 for a success (crossed the right way), -1 for a
    reversal (crossed the wrong way) and 0 otherwise.
    """
    m = m[m["baseline"].notna() & m["followup"].notna()]
    meas = ds.measures.drop_duplicates("measure").assign(
        measure=lambda f: f["measure"].astype(str)).set_index("measure")
    thr = m["measure"].map(meas["success_threshold"]).astype(float)
    hib = m["measure"].map(meas["higher_is_better"].astype("boolean").fillna(True)).astype(bool)

    def right(values: pd.Series) -> np.ndarray:
        side = np.where(hib, values >= thr, values <= thr).astype(float)
        return np.where(thr.notna(), side, np.nan)

    return m[["pilot_id", "measure", "group"]].assign(
        right_before=right(m["baseline"]), right_after=right(m["followup"]))


def _successes(crossings: pd.DataFrame) -> pd.DataFrame:
    """Successes, reversals and people measured at both times per (pilot_id, measure,
    group), from :func:`_crossings`."""
    change = crossings["right_after"] - crossings["right_before"]
    return (crossings.assign(success=(change == 1).astype(float),
                             reverse=(change == -1).astype(float))
            .groupby(["pilot_id", "measure", "group"])
            .agg(successes=("success", "sum"), reversals=("reverse", "sum"),
                 measured=("success", "size")).reset_index())


def _net_success_estimates(inp: pd.DataFrame, crossings: pd.DataFrame, alpha: float
                           ) -> pd.DataFrame:
    """Per valued per-success row: the net share crossing the threshold the right way, net
    of the comparison group's with one (:func:`pilot_eval.stats.two_group`, Welch, on the
    per-person crossing scores) or on its own (:func:`pilot_eval.stats.paired_change` of
    being on the right side before and after). Columns ``net_rate``, ``ci_low``,
    ``ci_high`` (NaN where not estimable, e.g. nobody crossed either way).

    One call per valued pilot and measure: a handful of rows, not growing data.
    """
    out = pd.DataFrame(np.nan, index=inp.index, columns=["net_rate", "ci_low", "ci_high"])
    keyed = crossings.set_index(["pilot_id", "measure"]).sort_index()
    for key in inp.index[(inp["basis"] == "per_success").to_numpy()]:
        if key not in keyed.index:
            continue
        rows = keyed.loc[[key]]
        score = rows["right_after"] - rows["right_before"]
        pilot = rows["group"].to_numpy() == "pilot"
        if score.isna().all() or pilot.sum() < 2:
            continue
        if inp.at[key, "design"] == "did":
            est = stats.two_group(score[pilot].to_numpy(), score[~pilot].to_numpy(),
                                  alpha=alpha)
        else:
            est = stats.paired_change(rows["right_before"][pilot].to_numpy(),
                                      rows["right_after"][pilot].to_numpy(), alpha=alpha)
        net = (score[pilot].mean() - score[~pilot].mean() if inp.at[key, "design"] == "did"
               else score[pilot].mean())
        out.loc[[key]] = [[net, est.ci_low, est.ci_high]]
    return out


def _observed_share(ds: Dataset, m: pd.DataFrame) -> pd.Series:
    """Mean share of year 1 after follow-up that lies before min(pilot end, as_of)."""
    m = m[(m["group"] == "pilot") & m["baseline"].notna() & m["followup"].notna()]
    end = m["pilot_id"].map(ds.pilots.assign(pilot_id=ds.pilots["pilot_id"].astype(str))
                            .set_index("pilot_id")["end_date"])
    end = end.where(end < ds.as_of_date, ds.as_of_date)
    days = (pd.to_datetime(end) - pd.to_datetime(m["followup_on"])).dt.days
    share = (days / 365.25).clip(lower=0.0, upper=1.0)
    return share.groupby([m["pilot_id"], m["measure"]]).mean()


def _years_from_base(ds: Dataset, m: pd.DataFrame) -> dict[str, pd.Series]:
    """When benefits start and costs fall, in years after the agreement's start (the base
    year everything is discounted to, as R-109/2021 asks: one common point in time).

    ``benefit``: per (pilot, measure), the mean time of the pilot people's follow-ups (year 1
    of the value starts there). ``cost``: per pilot, the amount-weighted mean date of its
    cost lines up to ``as_of``. Discounting a sum at its weighted mean time instead of line
    by line differs by the curvature of (1 + r)^-t only: under 0.1 % over two years at 4 %.
    """
    start = pd.Timestamp(ds.agreement.start)
    m = m[(m["group"] == "pilot") & m["baseline"].notna() & m["followup"].notna()]
    years = ((pd.to_datetime(m["followup_on"]) - start).dt.days / 365.25).clip(lower=0.0)
    benefit = years.groupby([m["pilot_id"], m["measure"]]).mean()
    c = ds.costs[(ds.costs["date"] <= ds.as_of_date).to_numpy(dtype=bool)]
    t = ((pd.to_datetime(c["date"]) - start).dt.days / 365.25).clip(lower=0.0)
    amount = c["amount_nok"].astype(float)
    pid = c["pilot_id"].astype(str)
    total = amount.groupby(pid).sum()
    cost = ((t * amount).groupby(pid).sum() / total).where(total > 0, 0.0)
    return {"benefit": benefit, "cost": cost}


def _inputs(ds: Dataset, summary: pd.DataFrame | None = None, alpha: float = 0.05
            ) -> pd.DataFrame:
    """One row per valued (pilot, measure): everything :func:`_appraise` needs.

    ``summary`` is :func:`~pilot_eval.metrics.outcomes.outcome_summary` of ``ds`` when the
    caller has it already (it is only read).
    """
    if summary is None:
        summary = _outcomes.outcome_summary(ds, alpha=alpha)
    valuation = ds.valuation.drop_duplicates("measure").assign(
        measure=lambda f: f["measure"].astype(str)).set_index("measure")
    if summary.empty or valuation.empty:
        return pd.DataFrame()
    keep = summary.index.get_level_values("measure").isin(valuation.index)
    summary = summary[keep]
    if summary.empty:
        return pd.DataFrame()
    inp = summary[["label", "design", "role", "evidence_rating", "n_pilot", "n_comparison",
                   "improvement", "improvement_ci_low", "improvement_ci_high", "note"]].rename(
        columns={"n_pilot": "n_measured", "note": "outcome_note"})
    val = valuation.reindex(inp.index.get_level_values("measure"))
    for col in ("basis", "value_nok", "deadweight", "attribution", "displacement", "drop_off",
                "duration_years", "source", "confidence"):
        inp[col] = val[col].to_numpy()
    inp["basis"] = inp["basis"].astype(str)
    inp["duration_years"] = inp["duration_years"].astype(float)
    thr = ds.measures.assign(measure=ds.measures["measure"].astype(str)).drop_duplicates(
        "measure").set_index("measure")["success_threshold"]
    inp["has_threshold"] = thr.reindex(inp.index.get_level_values("measure")).notna().to_numpy()

    people = _outcomes._measurements(ds)
    crossings = _crossings(ds, people)
    succ = _successes(crossings)
    pilot, comp = (succ[succ["group"] == g].set_index(["pilot_id", "measure"])
                   for g in ("pilot", "comparison"))
    inp["successes"] = pilot["successes"].reindex(inp.index).astype(float).to_numpy()
    inp["reversals"] = pilot["reversals"].reindex(inp.index).astype(float).to_numpy()
    inp["success_rate_pilot"] = (pilot["successes"] / pilot["measured"]).reindex(inp.index)
    rate_c = (comp["successes"] / comp["measured"]).astype(float)
    inp["success_rate_comparison"] = rate_c.reindex(inp.index).where(inp["design"] == "did")
    net = _net_success_estimates(inp, crossings, alpha)
    per_success = (inp["basis"] == "per_success").to_numpy()
    n = inp["n_measured"].astype(float)
    # the quantity's interval before deadweight (applied in _appraise, as to the quantity)
    inp["net_success_rate"] = net["net_rate"]
    inp["quantity_ci_low"] = np.where(per_success, n * net["ci_low"],
                                      n * inp["improvement_ci_low"].astype(float))
    inp["quantity_ci_high"] = np.where(per_success, n * net["ci_high"],
                                       n * inp["improvement_ci_high"].astype(float))
    inp["observed_share_of_year1"] = _observed_share(ds, people).reindex(inp.index).to_numpy()
    timing = _years_from_base(ds, people)
    inp["benefit_years_from_base"] = timing["benefit"].reindex(inp.index).to_numpy()
    inp["cost_years_from_base"] = timing["cost"].reindex(
        inp.index.get_level_values("pilot_id")).to_numpy(dtype=float)

    costs = cost_summary(ds)
    pids = inp.index.get_level_values("pilot_id")
    inp["total_cost_nok"] = costs["total_cost_nok"].reindex(pids).to_numpy(dtype=float)
    inp["public_cost_nok"] = costs["public_cost_nok"].reindex(pids).to_numpy(dtype=float)
    inp["discount_rate"] = float(ds.agreement.discount_rate)
    inp["tax_financing_cost"] = float(ds.agreement.tax_financing_cost)
    inp["min_n"] = float(min_measured(ds.agreement.rules, ds.agreement.min_cell_size))
    return inp


# --------------------------------------------------------------------------- appraisal


def _pv_factor(drop_off: pd.Series, duration: pd.Series, rate: pd.Series) -> pd.Series:
    r"""Per row :math:`\sum_{t=1}^{D} (1-\delta)^{t-1}/(1+r)^t`, summed term by term."""
    d = drop_off.to_numpy(dtype=float)[:, None]
    r = rate.to_numpy(dtype=float)[:, None]
    dur = duration.to_numpy(dtype=float)
    horizon = int(np.nanmax(dur)) if len(dur) and np.isfinite(dur).any() else 1
    t = np.arange(1, max(horizon, 1) + 1, dtype=float)[None, :]
    terms = (1.0 - d) ** (t - 1.0) / (1.0 + r) ** t
    terms = np.where(t <= dur[:, None], terms, 0.0)
    out = terms.sum(axis=1)
    return pd.Series(np.where(np.isfinite(dur), out, np.nan), index=drop_off.index)


def _appraise(inp: pd.DataFrame) -> pd.DataFrame:
    """All value-for-money columns from the inputs; vectorised over rows (and scenarios)."""
    out = inp.copy()
    did = out["design"] == "did"
    per_success = out["basis"] == "per_success"
    out["deadweight_applied"] = ~did
    keep_dw = np.where(did, 1.0, 1.0 - out["deadweight"])
    n = out["n_measured"].astype(float)
    # people who crossed the threshold the wrong way cancel as many who crossed it the right
    # way, in each group: otherwise measurement noise alone pays out (and a comparison group
    # with fewer people below the threshold would understate its own successes)
    net = out["successes"] - out["reversals"]
    success_q = n * out["net_success_rate"] * keep_dw
    unit_q = out["improvement"] * n * keep_dw
    quantity = pd.Series(np.where(per_success, success_q, unit_q), index=out.index)
    ok = out["outcome_note"].isna() | ~out["outcome_note"].astype(str).str.contains(
        "too_few|no_followup|no_pilot_data|not_estimable", regex=True)
    ok &= np.isfinite(out["improvement"].astype(float))
    ok &= ~per_success | out["has_threshold"]
    # no value, and so no ratio, on fewer people than the scorecard's minimum in a group
    few = (n < out["min_n"]) | (did & (out["n_comparison"].astype(float) < out["min_n"]))
    quantity = quantity.where(ok & ~few)
    out["net_successes"] = net.where(per_success & ~did)
    out["quantity_net_of_counterfactual"] = quantity
    keep = (1.0 - out["attribution"]) * (1.0 - out["displacement"])
    q = quantity * keep
    out["attributable_successes"] = q.where(per_success)
    out["attributable_units"] = q.where(~per_success)
    out["annual_value_nok"] = q * out["value_nok"]
    # everything discounted to the agreement's start (R-109/2021: one base year)
    rate = 1.0 + out["discount_rate"]
    benefit_to_base = rate ** -out["benefit_years_from_base"].fillna(0.0)
    cost_to_base = rate ** -out["cost_years_from_base"].fillna(0.0)
    out["pv_factor"] = _pv_factor(out["drop_off"], out["duration_years"],
                                  out["discount_rate"]) * benefit_to_base
    out["social_value_pv_nok"] = out["annual_value_nok"] * out["pv_factor"]
    for side in ("low", "high"):
        # on the scale of quantity_net_of_counterfactual: deadweight taken off as there
        bound = (out[f"quantity_ci_{side}"] * keep_dw).where(quantity.notna())
        out[f"quantity_ci_{side}"] = bound
        out[f"social_value_pv_{side}_nok"] = bound * keep * out["value_nok"] * out["pv_factor"]
    year1 = out["annual_value_nok"] / rate * benefit_to_base
    out["observed_value_nok"] = year1 * out["observed_share_of_year1"].fillna(0.0)
    out["projected_value_nok"] = out["social_value_pv_nok"] - out["observed_value_nok"]
    cost = (out["total_cost_nok"] + out["tax_financing_cost"] * out["public_cost_nok"]) \
        * cost_to_base
    out["cost_for_ratio_nok"] = cost
    out["net_value_nok"] = out["social_value_pv_nok"] - cost
    out["benefit_cost_ratio"] = (out["social_value_pv_nok"] / cost).where(cost > 0)
    for side in ("low", "high"):
        out[f"benefit_cost_ratio_{side}"] = (out[f"social_value_pv_{side}_nok"] / cost).where(
            cost > 0)
    per_krone = q * out["pv_factor"]  # PV per krone of value_nok
    out["break_even_value_nok"] = (cost / per_krone).where((per_krone > 0) & cost.notna())

    notes = pd.DataFrame({
        "outcome_not_estimated": ~ok & (~per_success | out["has_threshold"]),
        "no_success_threshold": per_success & ~out["has_threshold"],
        "no_cost": ~(cost > 0),
        # a negative estimate is said to be a negative effect only when its interval is
        "negative_effect": (q < 0) & (out["quantity_ci_high"] < 0),  # wholly below zero
        "negative_estimate": (q < 0) & ~(out["quantity_ci_high"] < 0),
        "few_measured": few,
        "net_crossings": per_success & ~did & ok,
        "change_not_effect": ~did & ok,
        "weak_evidence": did & ok & out["evidence_rating"].astype("string").eq(
            "weak").fillna(False).to_numpy(dtype=bool),
        "very_weak_evidence": did & ok & out["evidence_rating"].astype("string").eq(
            "very_weak").fillna(False).to_numpy(dtype=bool),
    }, index=out.index)
    out["note"] = _join_notes(notes)
    return out


def _join_notes(flags: pd.DataFrame) -> pd.Series:
    """Boolean flag columns → ``"a;b"`` per row, ``<NA>`` when none is set."""
    text = pd.Series("", index=flags.index, dtype=object)
    for col in flags.columns:
        text = text.where(~flags[col].fillna(False).astype(bool), text + ";" + col)
    text = text.str.lstrip(";")
    return text.where(text != "", None).astype("string")


def _finish(out: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    types = {c: ("string" if c in _TEXT else "boolean" if c == "deadweight_applied"
                 else "int64" if c in ("n_measured", "n_comparison") else "float64")
             for c in columns}
    return out[columns].astype(types)


def _empty_frame(columns: list[str], index: list[str]) -> pd.DataFrame:
    idx = pd.MultiIndex.from_arrays([[] for _ in index], names=index) if len(index) > 1 \
        else pd.Index([], name=index[0], dtype=object)
    return _finish(pd.DataFrame({c: [] for c in columns}, index=idx), columns)


# --------------------------------------------------------------------------- public


def value_for_money(ds: Dataset) -> pd.DataFrame:
    """Social value, cost and benefit-cost ratio per pilot and valued measure.

    Follows DESIGN §3 step by step (see the module docstring for the formulas).

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        Index ``(pilot_id, measure)``, one row per measure that has both outcome data for
        the pilot and a row in the valuation table (measures without a valuation are
        absent). Columns, in order of the calculation:

        ``label, basis, design, deadweight_applied`` (False with a comparison group),
        ``n_measured`` (pilot people measured at both times), ``n_comparison``,
        ``role`` and ``evidence_rating`` (of the outcome, from outcome_summary),
        ``successes``, ``reversals`` (crossed the wrong way), ``net_successes`` (their
        difference, without a comparison group), ``success_rate_pilot``,
        ``success_rate_comparison`` (NaN without a comparison group), ``improvement``
        (from outcome_summary, positive = better), ``quantity_net_of_counterfactual`` with
        its 95 % range ``quantity_ci_low``, ``quantity_ci_high``, ``attributable_successes`` /
        ``attributable_units`` (one of the two, by basis), the assumptions ``value_nok,
        deadweight, attribution, displacement, drop_off, duration_years, discount_rate``,
        ``annual_value_nok`` (V), ``benefit_years_from_base``, ``cost_years_from_base``
        (years after the agreement's start, the base year), ``pv_factor``,
        ``observed_share_of_year1``, ``observed_value_nok``, ``projected_value_nok``,
        ``social_value_pv_nok`` (PV = observed + projected) with ``social_value_pv_low_nok``
        and ``social_value_pv_high_nok``, ``total_cost_nok``, ``public_cost_nok``,
        ``tax_financing_cost``, ``cost_for_ratio_nok``, ``net_value_nok``,
        ``benefit_cost_ratio`` (NaN when the cost is 0) with ``benefit_cost_ratio_low`` and
        ``benefit_cost_ratio_high``, ``break_even_value_nok`` (NaN
        when the effect is not positive), ``confidence``, ``source`` and ``note`` (keys of
        :data:`VALUE_NOTES`). :data:`VALUE_FIGURE_KINDS` says which figures are observed
        and which projected.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> vfm = value_for_money(ds)
    >>> row = vfm.loc[("lekse", "trivsel")]
    >>> row["basis"], row["design"], int(row["n_measured"]), row["note"]
    ('per_success', 'did', 12, 'very_weak_evidence')
    >>> vfm["social_value_pv_nok"].round(-3).tolist(), vfm["cost_for_ratio_nok"].round(-3).tolist()
    ([166000.0], [294000.0])
    >>> vfm["benefit_cost_ratio"].round(2).tolist()
    [0.56]
    """
    return _value_for_money(_inputs(ds))


def _value_for_money(inp: pd.DataFrame) -> pd.DataFrame:
    """:func:`value_for_money` from its :func:`_inputs` (computed once by ``metric_tables``)."""
    if inp.empty:
        return _empty_frame(_VALUE_COLUMNS, ["pilot_id", "measure"])
    return _finish(_appraise(inp), _VALUE_COLUMNS)


def value_for_money_by_pilot(ds: Dataset) -> pd.DataFrame:
    """Values of all of a pilot's valued measures added up, against its cost counted once.

    Use with care: two measures can capture the same underlying gain (a pupil who thrives
    also misses fewer school days), so the sum may count it twice; the ``note`` always says
    ``may_double_count`` when more than one measure is added. Measures whose value could
    not be computed are left out of the sum (``some_measures_not_valued``).

    Parameters
    ----------
    ds : Dataset
        A loaded data folder with a valuation table.

    Returns
    -------
    pandas.DataFrame
        Index ``pilot_id``. Columns ``measures`` (the keys added, ``";"``-joined),
        ``n_measures``, ``observed_value_nok``, ``projected_value_nok``,
        ``social_value_pv_nok`` (sums over measures), ``cost_for_ratio_nok``,
        ``net_value_nok``, ``benefit_cost_ratio``, ``note``.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> by_pilot = value_for_money_by_pilot(pe.load_dataset("tests/data/doctest_small"))
    >>> by_pilot["measures"].tolist(), by_pilot["n_measures"].tolist()
    (['trivsel'], [1])
    >>> by_pilot["benefit_cost_ratio"].round(2).to_dict()
    {'lekse': 0.56}
    """
    return _by_pilot(value_for_money(ds))


def _by_pilot(vfm: pd.DataFrame) -> pd.DataFrame:
    """:func:`value_for_money_by_pilot` from :func:`value_for_money` (only read)."""
    cols = ["measures", "n_measures", "observed_value_nok", "projected_value_nok",
            "social_value_pv_nok", "cost_for_ratio_nok", "net_value_nok",
            "benefit_cost_ratio", "note"]
    if vfm.empty:
        out = pd.DataFrame({c: [] for c in cols}, index=pd.Index([], name="pilot_id"))
        return out.astype({c: "string" if c in ("measures", "note") else
                           "int64" if c == "n_measures" else "float64" for c in cols})
    valued = vfm[vfm["social_value_pv_nok"].notna()].reset_index()
    g = valued.groupby("pilot_id", sort=False)
    pilots = list(dict.fromkeys(vfm.index.get_level_values("pilot_id")))
    out = pd.DataFrame(index=pd.Index(pilots, name="pilot_id"))
    out["measures"] = g["measure"].agg(";".join).reindex(out.index)
    out["n_measures"] = g.size().reindex(out.index).fillna(0).astype("int64")
    for col in ("observed_value_nok", "projected_value_nok", "social_value_pv_nok"):
        out[col] = g[col].sum().reindex(out.index)
    out["cost_for_ratio_nok"] = vfm.groupby(level="pilot_id", sort=False)[
        "cost_for_ratio_nok"].first().reindex(out.index)
    out["net_value_nok"] = out["social_value_pv_nok"] - out["cost_for_ratio_nok"]
    cost = out["cost_for_ratio_nok"]
    out["benefit_cost_ratio"] = (out["social_value_pv_nok"] / cost).where(cost > 0)
    n_rows = vfm.groupby(level="pilot_id", sort=False).size().reindex(out.index)
    out["note"] = _join_notes(pd.DataFrame({
        "may_double_count": out["n_measures"] > 1,
        "some_measures_not_valued": n_rows > out["n_measures"],
        "no_cost": ~(cost > 0),
    }))
    return out[cols].astype({"measures": "string", "n_measures": "int64"})


def sensitivity(ds: Dataset) -> pd.DataFrame:
    """One-at-a-time sensitivity of the benefit-cost ratio, for a tornado chart.

    Each assumption of :data:`SENSITIVITY_ASSUMPTIONS` is set to its low and then its high
    value with all others at base (DESIGN §3): ``value_nok`` × 0.5 / × 1.5; ``deadweight``,
    ``attribution``, ``displacement`` and ``drop_off`` ∓ 0.10 clipped to [0, 1];
    ``duration_years`` 1 / base + 2; ``discount_rate`` 0.02 / 0.06.

    Parameters
    ----------
    ds : Dataset
        A loaded data folder with a valuation table.

    Returns
    -------
    pandas.DataFrame
        One row per (pilot_id, measure, assumption), RangeIndex. Columns ``pilot_id,
        measure, assumption, base_value, low_value, high_value, ratio_base, ratio_low,
        ratio_high, applied``. "low"/"high" refer to the *assumption*, not the ratio (a
        higher deadweight lowers the ratio). ``applied`` is False for ``deadweight`` with a
        comparison group: it is not used there, so the ratio does not move.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> sens = sensitivity(pe.load_dataset("tests/data/doctest_small"))
    >>> sens[["assumption", "low_value", "high_value", "ratio_low", "ratio_high",
    ...       "applied"]].round(2)
           assumption  low_value  high_value  ratio_low  ratio_high  applied
    0       value_nok   12500.00    37500.00       0.28        0.85     True
    1      deadweight       0.20        0.40       0.56        0.56    False
    2     attribution       0.10        0.30       0.63        0.49     True
    3    displacement       0.00        0.10       0.56        0.51     True
    4        drop_off       0.40        0.60       0.60        0.53     True
    5  duration_years       1.00        4.00       0.38        0.69     True
    6   discount_rate       0.02        0.06       0.59        0.54     True
    """
    return _sensitivity(_inputs(ds))


def _sensitivity(inp: pd.DataFrame) -> pd.DataFrame:
    """:func:`sensitivity` from :func:`_inputs` (only read: each scenario is a copy)."""
    cols = ["pilot_id", "measure", "assumption", "base_value", "low_value", "high_value",
            "ratio_base", "ratio_low", "ratio_high", "applied"]
    if inp.empty:
        return pd.DataFrame({c: [] for c in cols}).astype(
            {"pilot_id": "string", "measure": "string", "assumption": "string",
             "applied": "boolean"} | {c: "float64" for c in cols[3:-1]})
    # Every scenario (base, then each assumption low and high) as a block of rows of one
    # frame, appraised in one vectorised pass rather than fifteen.
    scenarios: dict[tuple[str, str], pd.DataFrame] = {("base", ""): inp}
    bounds: dict[str, tuple[pd.Series, pd.Series, pd.Series]] = {}
    for name in SENSITIVITY_ASSUMPTIONS:
        value = inp[name].astype(float)
        if name == "value_nok":
            low, high = value * 0.5, value * 1.5
        elif name == "duration_years":
            low, high = value * 0 + 1.0, value + 2.0
        elif name == "discount_rate":
            low, high = value * 0 + 0.02, value * 0 + 0.06
        else:
            low, high = (value - 0.10).clip(0.0, 1.0), (value + 0.10).clip(0.0, 1.0)
        bounds[name] = (value, low, high)
        scenarios[(name, "low")] = inp.assign(**{name: low})
        scenarios[(name, "high")] = inp.assign(**{name: high})
    # _appraise works row by row, so block i of the result is scenario i
    ratios = _appraise(pd.concat(scenarios.values()))["benefit_cost_ratio"].to_numpy(
        dtype=float).reshape(len(scenarios), len(inp))
    position = {key: i for i, key in enumerate(scenarios)}

    def ratio(name: str, side: str) -> pd.Series:
        return pd.Series(ratios[position[(name, side)]], index=inp.index)

    base = ratio("base", "")
    frames = []
    for name, (value, low, high) in bounds.items():
        frames.append(pd.DataFrame({
            "assumption": name, "base_value": value, "low_value": low, "high_value": high,
            "ratio_base": base, "ratio_low": ratio(name, "low"),
            "ratio_high": ratio(name, "high"),
            "applied": ~((name == "deadweight") & (inp["design"] == "did")),
        }, index=inp.index))
    out = pd.concat(frames).reset_index()
    order = {k: i for i, k in enumerate(SENSITIVITY_ASSUMPTIONS)}
    keys = pd.MultiIndex.from_frame(out[["pilot_id", "measure"]])
    rank = pd.Series(range(len(inp)), index=inp.index).reindex(keys).to_numpy()
    out = out.iloc[np.lexsort((out["assumption"].map(order).to_numpy(), rank))]
    return out[cols].reset_index(drop=True).astype(
        {"pilot_id": "string", "measure": "string", "assumption": "string",
         "applied": "boolean"})
