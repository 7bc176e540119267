"""What the columns of the metric tables mean, for people: headers, descriptions, kinds.

The exported metric tables (:func:`pilot_eval.metrics.metric_tables`) keep their column
names in code (``snake_case``, the names of ``docs/metrics.md`` and ``metrics.json``).
A person opening ``metrics.xlsx`` reads the headers and the explanations here instead, in
bokmål or English (terms from ``GLOSSARY.md``), and every cell is written in the format
of its column's *kind* (:data:`KINDS`): kroner with a thousands separator, shares as per
cent, counts as whole numbers, dates as dates.

The words live in the report texts' gettext catalogs (``docs/translating.md``), each kind
of text under its own context: ``table`` (sheet name) and ``table.about`` (what one row
is), keyed by the table's name; ``column`` (header) and ``column.about`` (meaning), keyed
by the column's name, or ``<table>.<column>`` where one table means something else by it;
``kind`` (what a kind is called); ``code`` (``<column>.<code>``). Which tables, columns and
codes there are, and each column's kind, are data and stay here; the mappings below are
built from the catalogs on first use (importing the module reads no file).

* :data:`TABLES` -- each table's sheet name and what it holds.
* :data:`COLUMNS` -- each column's kind, header and meaning; :data:`TABLE_COLUMNS` where
  one table means something else by a column name.
* :data:`CODE_WORDS` -- words for the codes of a few columns (``state``, ``funder`` …).
* :data:`CODE_SENTENCES` -- the columns whose codes are reasons and notes the reports say
  in a sentence, and where in the catalog those sentences are.
* :data:`KIND_WORDS` -- what each kind is called on the workbook's first sheet.
* :func:`column`, :func:`table` -- look-ups in a language, with a plain fallback for a
  column nobody has described yet.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, NamedTuple

from ..errors import UsageError
from . import text

__all__ = [
    "CODE_SENTENCES",
    "TABLE_CODE_SENTENCES",
    "CODE_WORDS",
    "COLUMNS",
    "KINDS",
    "TABLES",
    "TABLE_COLUMNS",
    "KIND_WORDS",
    "Column",
    "Described",
    "Table",
    "code_sentence",
    "column",
    "table",
]

#: How a column's cells are written (see :mod:`pilot_eval.render.workbook` for the number
#: formats): an identifier (``key``); free ``text``; a ``code`` (a word from a fixed list,
#: see :data:`CODE_WORDS`); the scorecard's ``status``, ``recommendation`` and ``evidence``
#: words; a yes/no ``flag``; ``nok`` (whole kroner); ``share`` (per cent); a ``count`` of
#: people or things (whole number); a ``ratio`` (two decimals); a ``number`` on the
#: measure's own scale (two decimals); a ``quantity`` of hours, days or years (one decimal);
#: a ``p_value`` (three decimals); a ``year``; a ``date``; ``mixed`` (numbers of different
#: kinds in one column, written as they are).
KINDS: Final[tuple[str, ...]] = (
    "key", "text", "code", "status", "recommendation", "evidence", "flag", "nok", "share",
    "count", "ratio", "number", "quantity", "p_value", "year", "date", "mixed",
)  # fmt: skip


class Column(NamedTuple):
    """A column of a metric table: its kind (:data:`KINDS`), bokmål and English header,
    and what it means in each language."""

    kind: str
    nb: str
    en: str
    about_nb: str
    about_en: str


class Table(NamedTuple):
    """A metric table: its sheet name in bokmål and English (at most 31 characters, as
    Excel allows) and what one row of it is."""

    nb: str
    en: str
    about_nb: str
    about_en: str


class Described(NamedTuple):
    """A column or table in one language (:func:`column`, :func:`table`)."""

    kind: str
    header: str
    about: str


# The catalogs' contexts of the workbook's words (docs/translating.md).
_TABLE_CONTEXT: Final[str] = "table"
_TABLE_ABOUT_CONTEXT: Final[str] = "table.about"
_COLUMN_CONTEXT: Final[str] = "column"
_COLUMN_ABOUT_CONTEXT: Final[str] = "column.about"
_KIND_CONTEXT: Final[str] = "kind"
_CODE_CONTEXT: Final[str] = "code"

#: The metric tables the catalogs name, in the order of :data:`TABLES`.
_TABLE_NAMES: Final[tuple[str, ...]] = (
    "portfolio", "scorecard", "cost", "cost_by_funder", "reach", "reach_by_area",
    "reach_by_gender", "reach_by_age_group", "outcomes", "indicators", "value_for_money",
    "value_by_pilot", "sensitivity", "rules", "scenarios", "unit_costs", "enterprise",
    "enterprise_summary",
)  # fmt: skip

#: Every column of the metric tables and its kind, in the order of :data:`COLUMNS`. A name
#: means the same in every table it is in, except where :data:`_TABLE_COLUMN_KINDS` says.
_COLUMN_KINDS: Final[Mapping[str, str]] = MappingProxyType({
    # ----------------------------------------------------------------- keys
    "pilot_id": "key",
    "agreement": "key",
    "measure": "key",
    "funder": "code",
    "area": "key",
    "gender": "code",
    "age_group": "key",
    "series": "key",
    "assumption": "code",
    "rule": "key",
    "scenario": "code",
    "alternative": "key",
    "organisation": "key",
    "year": "year",
    # ----------------------------------------------------------------- time and state
    "as_of": "date",
    "state": "code",
    "months_total": "quantity",
    "months_elapsed": "quantity",
    "elapsed_share": "share",
    # ----------------------------------------------------------------- money
    "budget_nok": "nok",
    "grants_nok": "nok",
    "grants_share_of_budget": "share",
    "grant_nok": "nok",
    "fund_cost_nok": "nok",
    "fund_spent_share": "share",
    "grants_used_share": "share",
    "grant_used_share": "share",
    "total_cost_nok": "nok",
    "public_cost_nok": "nok",
    "in_kind_nok": "nok",
    "cofunding_nok": "nok",
    "leverage": "ratio",
    "cost_per_participant_nok": "nok",
    "cost_per_completer_nok": "nok",
    "forecast_fund_cost_nok": "nok",
    "run_rate": "ratio",
    "amount_nok": "nok",
    "cash_nok": "nok",
    "share_of_total": "share",
    # ----------------------------------------------------------------- people
    "pilots": "count",
    "pilots_not_started": "count",
    "pilots_running": "count",
    "pilots_ended": "count",
    "enrolments": "count",
    "citizens_reached": "count",
    "citizens_in_several_pilots": "count",
    "enrolled": "count",
    "participants": "count",
    "completers": "count",
    "active": "count",
    "completed": "count",
    "dropped_out": "count",
    "moved": "count",
    "exited_other": "count",
    "completion_rate": "share",
    "overlap": "count",
    "reach_target": "count",
    "reach_target_share": "share",
    "expected_enrolled": "quantity",
    "reach_ratio": "ratio",
    "target_population": "count",
    "target_population_note": "code",
    "coverage_share": "share",
    "coverage_note": "code",
    "median_days_in_programme": "quantity",
    "session_hours": "quantity",
    "hours_per_participant": "quantity",
    "share": "share",
    "target_share": "share",
    # ----------------------------------------------------------------- scorecard
    "reach_status": "status",
    "reach_reason": "code",
    "cost_status": "status",
    "cost_reason": "code",
    "outcome_status": "status",
    "outcome_reason": "code",
    "outcome_measure": "key",
    "outcome_measure_source": "code",
    "outcome_label": "text",
    "outcome_unit": "text",
    "outcome_higher_is_better": "flag",
    "outcome_design": "code",
    "outcome_n": "count",
    "outcome_min_required": "count",
    "outcome_improvement": "number",
    "outcome_ci_low": "number",
    "outcome_ci_high": "number",
    "outcome_mid": "number",
    "outcome_meets_mid": "flag",
    "outcome_clears_mid": "flag",
    "outcome_evidence_rating": "evidence",
    "outcome_evidence_reasons": "code",
    "recommendation": "recommendation",
    "recommendation_reason": "code",
    # ----------------------------------------------------------------- outcomes
    "design": "code",
    "role": "code",
    "comparison_type": "code",
    "n_pilot": "count",
    "n_comparison": "count",
    "n_baseline": "count",
    "n_missing_followup": "count",
    "n_missing_followup_active": "count",
    "n_not_yet_due": "count",
    "n_missing_due": "count",
    "attrition_share": "share",
    "attrition_due_share": "share",
    "n_comparison_baseline": "count",
    "n_comparison_missing_due": "count",
    "comparison_attrition_share": "share",
    "overall_attrition": "share",
    "differential_attrition": "share",
    "tipping_point_improvement": "number",
    "baseline_mean": "number",
    "followup_mean": "number",
    "comparison_baseline_mean": "number",
    "comparison_followup_mean": "number",
    "baseline_std_diff": "number",
    "rtm_expected_improvement": "number",
    "ceiling_share": "share",
    "n_clusters": "count",
    "estimate": "number",
    "se": "number",
    "ci_low": "number",
    "ci_high": "number",
    "p_value": "p_value",
    "effect_size": "number",
    "improvement": "number",
    "improvement_ci_low": "number",
    "improvement_ci_high": "number",
    "mid": "number",
    "meets_mid": "flag",
    "clears_mid": "flag",
    "share_reliably_improved": "share",
    "share_reliably_deteriorated": "share",
    "rci_sd": "number",
    "rci_sd_source": "code",
    "mde": "number",
    "mde_sd": "number",
    "evidence_level": "count",
    "evidence_rating": "evidence",
    "evidence_reasons": "code",
    "label": "text",
    "label_nb": "text",
    "label_en": "text",
    "unit": "text",
    "higher_is_better": "flag",
    "method": "text",
    "note": "code",
    # ----------------------------------------------------------------- time series
    "family": "code",
    "exposure": "code",
    "first_month": "date",
    "change_month": "date",
    "last_month": "date",
    "n_months": "count",
    "n_pre": "count",
    "n_post": "count",
    "level_change": "number",
    "level_change_se": "number",
    "level_change_ci_low": "number",
    "level_change_ci_high": "number",
    "level_rr": "ratio",
    "level_rr_ci_low": "ratio",
    "level_rr_ci_high": "ratio",
    "dispersion": "ratio",
    "autocorrelation": "ratio",
    "autocorrelation_p": "p_value",
    "autocorrelated": "flag",
    "cov_type": "code",
    "pre_trend_break_p": "p_value",
    "pre_trend_break": "flag",
    "pre_period_sensitive": "flag",
    # ----------------------------------------------------------------- value for money
    "basis": "code",
    "deadweight_applied": "flag",
    "n_measured": "count",
    "successes": "count",
    "reversals": "count",
    "net_successes": "count",
    "success_rate_pilot": "share",
    "success_rate_comparison": "share",
    "quantity_net_of_counterfactual": "quantity",
    "quantity_ci_low": "quantity",
    "quantity_ci_high": "quantity",
    "attributable_successes": "quantity",
    "attributable_units": "quantity",
    "value_nok": "nok",
    "deadweight": "share",
    "attribution": "share",
    "displacement": "share",
    "drop_off": "share",
    "duration_years": "quantity",
    "discount_rate": "share",
    "annual_value_nok": "nok",
    "benefit_years_from_base": "quantity",
    "cost_years_from_base": "quantity",
    "pv_factor": "ratio",
    "observed_share_of_year1": "share",
    "observed_value_nok": "nok",
    "projected_value_nok": "nok",
    "social_value_pv_nok": "nok",
    "social_value_pv_low_nok": "nok",
    "social_value_pv_high_nok": "nok",
    "tax_financing_cost": "share",
    "cost_for_ratio_nok": "nok",
    "net_value_nok": "nok",
    "benefit_cost_ratio": "ratio",
    "benefit_cost_ratio_low": "ratio",
    "benefit_cost_ratio_high": "ratio",
    "break_even_value_nok": "nok",
    "confidence": "code",
    "source": "text",
    "measures": "text",
    "n_measures": "count",
    "base_value": "mixed",
    "low_value": "mixed",
    "high_value": "mixed",
    "ratio_base": "ratio",
    "ratio_low": "ratio",
    "ratio_high": "ratio",
    "applied": "flag",
    # ----------------------------------------------------------------- rules
    "value": "mixed",
    "default": "mixed",
    "overridden": "flag",
    "description_nb": "text",
    "description_en": "text",
    # ----------------------------------------------------------------- after the agreement
    "observed_years": "quantity",
    "start_up_cost_nok": "nok",
    "fixed_cost_nok": "nok",
    "variable_cost_nok": "nok",
    "fixed_cost_per_year_nok": "nok",
    "participants_per_year_today": "quantity",
    "variable_cost_per_participant_nok": "nok",
    "variable_cost_per_participant_low_nok": "nok",
    "variable_cost_per_participant_high_nok": "nok",
    "participants_per_year": "quantity",
    "cost_per_year_nok": "nok",
    "cost_per_year_low_nok": "nok",
    "cost_per_year_high_nok": "nok",
    "change_from_today_nok": "nok",
    "budget_nominal_nok": "nok",
    "budget_nominal_low_nok": "nok",
    "budget_nominal_high_nok": "nok",
    "budget_discounted_nok": "nok",
    "budget_discounted_low_nok": "nok",
    "budget_discounted_high_nok": "nok",
    "scale_up_share": "share",
    "outcome_promise": "code",
    "alternative_name": "text",
    "unit_cost_nok": "nok",
    "pilot_cost_per_participant_year_nok": "nok",
    "pilot_cost_per_participant_year_low_nok": "nok",
    "pilot_cost_per_participant_year_high_nok": "nok",
    "difference_nok": "nok",
    "ratio": "ratio",
    "participant_years": "quantity",
    # ----------------------------------------------------------------- enterprises
    "fund_nok": "nok",
    "municipality_nok": "nok",
    "ferd_nok": "nok",
    "other_public_nok": "nok",
    "private_customers_nok": "nok",
    "donations_nok": "nok",
    "other_income_nok": "nok",
    "income_total_nok": "nok",
    "total_costs_nok": "nok",
    "result_nok": "nok",
    "municipality_share": "share",
    "fund_share": "share",
    "public_share": "share",
    "ferd_share": "share",
    "ferd_investment_nok": "nok",
    "pilot_ids": "text",
    "part_year": "flag",
    "first_year": "year",
    "last_year": "year",
    "years": "count",
    "income_first_nok": "nok",
    "income_last_nok": "nok",
    "municipality_share_first": "share",
    "municipality_share_last": "share",
    "municipality_share_change": "share",
    "trend": "code",
    "ferd_investment_total_nok": "nok",
})

#: The columns one table means something else by (catalog key ``<table>.<column>``).
_TABLE_COLUMN_KINDS: Final[Mapping[tuple[str, str], str]] = MappingProxyType({
    ("unit_costs", "year"): "year",
    ("unit_costs", "source"): "text",
    ("value_for_money", "source"): "text",
    ("unit_costs", "enrolled"): "count",
    ("scenarios", "enrolled"): "count",
    ("scenarios", "outcome_n"): "count",
    ("reach_by_area", "target_population"): "count",
    ("reach_by_gender", "target_population"): "count",
    ("reach_by_age_group", "target_population"): "count",
    ("value_for_money", "total_cost_nok"): "nok",
})

#: The codes of some columns that have words (catalog key ``<column>.<code>``). A code not
#: listed is written as it is; reasons and notes stay codes (docs/metrics.md explains them).
_CODES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType({
    "state": ("not_started", "running", "ended"),
    "funder": ("fund", "municipality", "ferd", "entrepreneur", "other"),
    "gender": ("female", "male", "other", "unknown"),
    "scenario": ("continue", "reach_target", "share_of_population"),
    "role": ("primary", "exploratory"),
    "comparison_type": ("randomised", "matched", "other"),
    "design": ("did", "pre_post", "its"),
    "trend": ("less_dependent", "more_dependent", "about_same", "one_year"),
    "basis": ("per_success", "per_unit"),
    "assumption": ("value_nok", "deadweight", "attribution", "displacement", "drop_off",
                   "duration_years", "discount_rate"),
})

#: Columns whose codes are those of another column (their words are that column's).
_CODES_AS: Final[Mapping[str, str]] = MappingProxyType({"outcome_design": "design"})


def _pair(context: str, key: str) -> tuple[str, str]:
    """The (bokmål, English) texts of ``key`` in ``context``."""
    texts = text._texts(context)[key]
    return texts["nb"], texts["en"]


@functools.cache
def _tables() -> Mapping[str, Table]:
    return MappingProxyType({name: Table(*_pair(_TABLE_CONTEXT, name),
                                        *_pair(_TABLE_ABOUT_CONTEXT, name))
                             for name in _TABLE_NAMES})


def _described(kind: str, key: str) -> Column:
    return Column(kind, *_pair(_COLUMN_CONTEXT, key), *_pair(_COLUMN_ABOUT_CONTEXT, key))


@functools.cache
def _columns() -> Mapping[str, Column]:
    return MappingProxyType({name: _described(kind, name)
                             for name, kind in _COLUMN_KINDS.items()})


@functools.cache
def _table_columns() -> Mapping[tuple[str, str], Column]:
    return MappingProxyType({(table_name, name): _described(kind, f"{table_name}.{name}")
                             for (table_name, name), kind in _TABLE_COLUMN_KINDS.items()})


@functools.cache
def _kind_words() -> Mapping[str, tuple[str, str]]:
    return MappingProxyType({kind: _pair(_KIND_CONTEXT, kind) for kind in KINDS})


@functools.cache
def _code_words() -> Mapping[str, Mapping[str, tuple[str, str]]]:
    words = {name: MappingProxyType({code: _pair(_CODE_CONTEXT, f"{name}.{code}")
                                     for code in codes})
             for name, codes in _CODES.items()}
    return MappingProxyType({**words, **{name: words[same] for name, same in _CODES_AS.items()}})


#: Each table's sheet name and what one row of it is, by table name (read-only, from the
#: catalogs' contexts ``table`` and ``table.about``, built on first use).
TABLES: Final[Mapping[str, Table]]

#: Every column of the metric tables, by name: its kind, header and meaning (read-only,
#: from the catalogs' contexts ``column`` and ``column.about``, built on first use). A name
#: means the same in every table it is in, except where :data:`TABLE_COLUMNS` says otherwise.
COLUMNS: Final[Mapping[str, Column]]

#: Where a table means something else by a column name than :data:`COLUMNS` says, by
#: (table, column).
TABLE_COLUMNS: Final[Mapping[tuple[str, str], Column]]

#: What each kind is called on the workbook's first sheet: kind → (bokmål, English).
KIND_WORDS: Final[Mapping[str, tuple[str, str]]]

#: Words for the codes of some columns, by column: code → (bokmål, English). A code not
#: listed is written as it is; reasons and notes stay codes (docs/metrics.md explains them).
CODE_WORDS: Final[Mapping[str, Mapping[str, tuple[str, str]]]]

#: Columns of reasons and notes → the catalog's prefix for their sentences, as the reports
#: say them: code ``far_behind`` of ``reach_reason`` is message ``reach_reason.far_behind``.
#: Several codes in one cell are separated by ";". A code without a sentence stays a code.
CODE_SENTENCES: Final[Mapping[str, str]] = MappingProxyType({
    "reach_reason": "reach_reason",
    "cost_reason": "cost_reason",
    "outcome_reason": "outcome_reason",
    "recommendation_reason": "recommendation_reason",
    "evidence_reasons": "evidence.reason",
    "outcome_evidence_reasons": "evidence.reason",
    "coverage_note": "coverage_note",
    "target_population_note": "coverage_note",
    "note": "value_note",  # value_for_money, value_by_pilot; see TABLE_CODE_SENTENCES
})

#: Where a table's reasons or notes are other codes than :data:`CODE_SENTENCES` says for
#: the column name, by (table, column) → the catalog's prefix.
TABLE_CODE_SENTENCES: Final[Mapping[tuple[str, str], str]] = MappingProxyType({
    ("scenarios", "note"): "scenario_note",
    ("unit_costs", "note"): "unit_cost_note",
})


def code_sentence(column_name: str, value: Any, language: str = "nb", *,
                  table_name: str | None = None) -> str | None:
    """The sentence(s) a reason or note code stands for, or None when it has none.

    Parameters
    ----------
    column_name : str
        A column of :data:`CODE_SENTENCES` (or, with ``table_name``, of
        :data:`TABLE_CODE_SENTENCES`).
    value : str
        Its code, or several separated by ";".
    language : {"nb", "en"}, default "nb"
    table_name : str, optional
        The table the column is in, where one table's notes are other codes.

    Examples
    --------
    >>> code_sentence("reach_reason", "far_behind", "en")
    'The pilot has far fewer participants than expected.'
    >>> code_sentence("evidence_reasons", "too_few;attrition_high", "en")
    'Too few are measured in one of the groups; many follow-up measurements are missing.'
    >>> code_sentence("note", "few_months", "en", table_name="scenarios")
    'Fewer than 6 months are observed, so the yearly figures are unstable.'
    >>> code_sentence("pilot_id", "lekse") is None
    True
    """
    _check(language)
    prefix = TABLE_CODE_SENTENCES.get((table_name or "", column_name),
                                      CODE_SENTENCES.get(column_name))
    if prefix is None or not isinstance(value, str) or not value:
        return None
    keys = [f"{prefix}.{code.strip()}" for code in value.split(";")]
    if not all(key in text.MESSAGES for key in keys):
        return None
    said = [text.message(key, language, **_sentence_fields()) for key in keys]
    if all(x.endswith(".") for x in said):
        return " ".join(said)
    # reasons the reports fit into a sentence of their own ("… because too few …")
    joined = "; ".join(x.rstrip(".") for x in said)
    return joined[:1].upper() + joined[1:] + "."


@functools.cache
def _sentence_fields() -> dict[str, str]:
    """The numbers of the rules some notes name (kept where the rules are)."""
    from ..metrics import decision

    return {"few_months": f"{decision.FEW_MONTHS}",
            "range_min_months": f"{decision.RANGE_MIN_MONTHS}",
            "far_beyond": f"{decision.FAR_BEYOND:g}"}


_LAZY: Final[dict[str, Any]] = {"TABLES": _tables, "COLUMNS": _columns,
                                 "TABLE_COLUMNS": _table_columns, "KIND_WORDS": _kind_words,
                                 "CODE_WORDS": _code_words}


def __getattr__(name: str) -> Any:
    # the mappings are built from the catalogs when first asked for (PEP 562)
    if name in _LAZY:
        return _LAZY[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


def _check(language: str) -> int:
    if language not in ("nb", "en"):
        raise UsageError(f"language={language!r} is not one we write; use 'nb' or 'en'.")
    return 0 if language == "nb" else 1


def column(table_name: str, name: str, language: str = "nb") -> Described:
    """A column's kind, header and meaning in ``language``.

    Parameters
    ----------
    table_name : str
        The metric table (a key of :func:`pilot_eval.metrics.metric_tables`).
    name : str
        The column's name in code.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    Described
        From :data:`TABLE_COLUMNS`, else :data:`COLUMNS`; a column described in neither
        keeps its name as header, kind ``mixed`` and no description (a test keeps every
        column of the sample's tables described).

    Examples
    --------
    >>> column("cost", "fund_cost_nok")
    Described(kind='nok', header='Brukt av fondsmidler', about='Kostnader betalt av fondet.')
    >>> column("cost", "fund_cost_nok", "en").header
    'Fund money spent'
    """
    i = _check(language)
    found = _table_columns().get((table_name, name)) or _columns().get(name)
    if found is None:
        return Described("mixed", name, "")
    return Described(found.kind, (found.nb, found.en)[i], (found.about_nb, found.about_en)[i])


def table(name: str, language: str = "nb") -> Described:
    """A table's sheet name and what one row of it is, in ``language`` (kind ``table``).

    A table not in :data:`TABLES` keeps its name (cut to Excel's 31 characters).

    Parameters
    ----------
    name : str
        A metric table's name, a key of :func:`pilot_eval.metrics.metric_tables`.
    language : {"nb", "en"}, default "nb"

    Examples
    --------
    >>> table("reach_by_area").header
    'Rekkevidde etter område'
    """
    i = _check(language)
    found = _tables().get(name)
    if found is None:
        return Described("table", name[:31], "")
    return Described("table", (found.nb, found.en)[i], (found.about_nb, found.about_en)[i])
