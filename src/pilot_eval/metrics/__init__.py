"""Pilot metrics at a dataset's ``as_of`` date: cost, reach, outcomes, value, scorecard, and
the decision at the end of the agreement (scenarios, unit costs, reach gaps, the enterprise).

Every function takes a :class:`pilot_eval.Dataset` and returns a tidy DataFrame indexed
by ``pilot_id`` (or ``pilot_id`` and a second key). Formulas: ``docs/metrics.md``.
"""

from __future__ import annotations

import pandas as pd

from ..dataset import Dataset
from . import value as _value
from .cost import cost_by_funder, cost_by_month, cost_summary, pilot_periods
from .decision import (
    _basis,
    _scenarios,
    _unit_costs,
    has_decision_data,
    reach_gaps,
    scenario_budget,
    scenarios,
    unit_cost_comparison,
)
from .enterprise import enterprise_finances, enterprise_summary
from .outcomes import its_fit, its_summary, outcome_changes, outcome_summary
from .portfolio import overlap_matrix, portfolio_summary
from .reach import enrolment_by_month, reach_by, reach_summary
from .scorecard import _scorecard, rules_hash, rules_in_force, scorecard
from .value import sensitivity, value_for_money, value_for_money_by_pilot

__all__ = [
    "cost_by_funder", "cost_by_month", "cost_summary", "enrolment_by_month",
    "enterprise_finances", "enterprise_summary", "has_decision_data", "its_fit",
    "its_summary", "metric_tables", "outcome_changes", "outcome_summary", "overlap_matrix",
    "pilot_periods", "portfolio_summary", "reach_by", "reach_gaps", "reach_summary",
    "rules_hash", "rules_in_force", "scenario_budget", "scenarios", "scorecard",
    "sensitivity", "unit_cost_comparison", "value_for_money", "value_for_money_by_pilot",
]


def metric_tables(ds: Dataset) -> dict[str, pd.DataFrame]:
    """Every metric table of a dataset, by name, for export (``pilot-eval metrics``).

    The same tables as calling each function, but what several of them start from (the
    outcome summary, the scorecard, the value-for-money inputs and table, the scenarios'
    basis) is computed once. The tables of the decision at the end of the agreement
    (``scenarios``, ``scenario_budget``, ``unit_costs``, ``reach_gaps``, ``enterprise``,
    ``enterprise_summary``) are added only when :func:`has_decision_data`: a folder without
    cost types, alternatives or finances exports exactly as before.

    Parameters
    ----------
    ds : Dataset
        Loaded and seen at its as-of date.

    Returns
    -------
    dict of str to pandas.DataFrame
        Exact figures (suppression is :func:`pilot_eval.privacy.disclosure_codes`' job).

    Examples
    --------
    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/minimal")
    >>> tables = metric_tables(ds)
    >>> sorted(tables)[:5]
    ['cost', 'cost_by_funder', 'indicators', 'outcomes', 'portfolio']
    >>> tables["reach"].loc["lekse", "enrolled"]
    np.int64(5)
    """
    outcomes = outcome_summary(ds)
    value_inputs = _value._inputs(ds, outcomes)
    vfm = _value._value_for_money(value_inputs)
    card = _scorecard(ds, summary=outcomes)
    tables = {
        "portfolio": portfolio_summary(ds),
        "scorecard": card,
        "cost": cost_summary(ds),
        "cost_by_funder": cost_by_funder(ds),
        "reach": reach_summary(ds),
        "reach_by_area": reach_by(ds, "area"),
        "reach_by_gender": reach_by(ds, "gender"),
        "reach_by_age_group": reach_by(ds, "age_group"),
        "outcomes": outcomes,
        "indicators": its_summary(ds),
        "value_for_money": vfm,
        "value_by_pilot": _value._by_pilot(vfm),
        "sensitivity": _value._sensitivity(value_inputs),
        "rules": rules_in_force(ds),
    }
    if has_decision_data(ds):
        basis = _basis(ds)
        scenario_table = _scenarios(ds, basis, card)
        finances = enterprise_finances(ds)
        tables.update({
            # scenario_budget (the budget columns by year) and reach_gaps (reach_by against
            # the target shares) are left out: the exported tables hold their figures, and
            # the disclosure rules protect them there
            "scenarios": scenario_table,
            "unit_costs": _unit_costs(ds, basis),
            "enterprise": finances,
            "enterprise_summary": enterprise_summary(ds, finances=finances),
        })
    return tables
