"""Tests for pilot_eval.present.text: words, sentences, the summary and its readability.

The sample data (data/sample, synthetic, see its README) is read at four as_of dates that
cover a pilot with too few participants (2025-09-30), grey and judged outcomes, and a
pilot near its end.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import math
import re
from pathlib import Path

import pandas as pd
import pytest

import pilot_eval as pe
from pilot_eval.errors import UsageError
from pilot_eval.metrics.outcomes import outcome_summary
from pilot_eval.metrics.portfolio import portfolio_summary
from pilot_eval.metrics.scorecard import scorecard
from pilot_eval.present import text

# the metric modules (the package re-exports functions of the same names)
outcomes_mod = importlib.import_module("pilot_eval.metrics.outcomes")
portfolio_mod = importlib.import_module("pilot_eval.metrics.portfolio")
reach_mod = importlib.import_module("pilot_eval.metrics.reach")
# the target population (and its coverage notes) is computed in the shared helpers
common_mod = importlib.import_module("pilot_eval.metrics._common")
scorecard_mod = importlib.import_module("pilot_eval.metrics.scorecard")
value_mod = importlib.import_module("pilot_eval.metrics.value")

SAMPLE = Path(__file__).parent.parent / "data" / "sample"
DATES = ["2025-09-30", "2026-03-31", "2026-06-30", "2026-10-31"]
NBSP = "\u00a0"
PARTICIPANT_ID = re.compile(r"p-[0-9a-f]{8}")


def plain(s: str) -> str:
    return s.replace(NBSP, " ")


@pytest.fixture(scope="module")
def sample() -> pe.Dataset:
    return pe.load_dataset(SAMPLE)


@pytest.fixture(scope="module")
def frames(sample: pe.Dataset) -> dict[str, tuple[pe.Dataset, pd.DataFrame, pd.DataFrame,
                                                 pd.DataFrame]]:
    """Per date: the dataset, scorecard, portfolio summary and outcome summary."""
    out = {}
    for d in DATES:
        ds = sample.as_of(d)
        out[d] = (ds, scorecard(ds), portfolio_summary(ds), outcome_summary(ds))
    return out


def _summary(frames, d: str, language: str) -> text.Summary:
    ds, card, port, outs = frames[d]
    return text.summary(ds, language, scorecard=card, portfolio=port, outcomes=outs)


# --------------------------------------------------------------------------- LIX


def test_lix_by_hand():
    # 9 words, 2 sentences, no word longer than 6 letters: 9/2 + 0
    assert text.lix("Dette er en kort tekst. Her er en til.") == pytest.approx(4.5)
    # 2 words, 1 sentence, both long: 2 + 100
    assert text.lix("Forskningsprosjektet startet.") == pytest.approx(102.0)


def test_lix_does_not_end_sentences_at_abbreviations_or_ordinals():
    # "30. juni" and "mill. kr" do not end a sentence: 9 words, 1 sentence, 1 long word
    s = "Vi brukte 2,6 mill. kr innen 30. juni i fjor."  # 10 words, none long
    assert text.lix(s) == pytest.approx(10.0)
    # a list item without full stop is its own sentence
    assert text.lix("Første punkt\nAndre punkt") == pytest.approx(2.0)


def test_lix_numbers_are_words_but_never_long():
    assert text.lix("Det kostet 1234567 kroner.") == pytest.approx(4.0)
    assert text.lix("Det kostet 1234567 kronestykker.") == pytest.approx(4 + 100 * 1 / 4)


def test_lix_empty_is_nan():
    assert math.isnan(text.lix(""))
    assert math.isnan(text.lix("  ... "))


@pytest.mark.parametrize("d", DATES)
def test_summary_nb_is_easy_to_read(frames, d):
    s = _summary(frames, d, "nb")
    assert s.lix() < 40, s.text
    assert text.lix(s.text) == s.lix()


# --------------------------------------------------------------------------- summary


@pytest.mark.parametrize("language", ["nb", "en"])
def test_summary_pieces(frames, language):
    s = _summary(frames, "2026-06-30", language)
    assert s.language == language
    assert len(s.overview) == 2
    assert s.changes and all(p.strip() for p in s.changes)
    assert 2 <= len(s.caveats) <= 3
    for piece in [*s.paragraphs, *s.caveats]:
        assert "{" not in piece and "}" not in piece
        assert piece.rstrip().endswith((".", "?"))
    md = s.to_markdown()
    assert s.changes_heading in md and s.caveats_heading in md
    assert s._repr_markdown_() == md


def test_summary_nb_content(frames):
    s = _summary(frames, "2026-06-30", "nb")
    overview = plain(" ".join(s.overview))
    assert "2,6 mill. kr av 4,0 mill. kr" in overview
    assert "18 av 24 måneder" in overview
    # the reach table's total (532 enrolments; 2 people are in two pilots, a small count
    # the text must not give away by printing the distinct 530 too)
    assert "Pilotene har 532 deltakere." in overview and "530" not in overview
    # the share with the population it is of, rounded as usual (530 / 26 703 = 1,98 %)
    assert "Det er 2,0 % av de 26 703 barna og de unge i pilotenes målgrupper." in overview
    assert "minst" not in overview
    # areas_ignored: the population is too large for the mentor pilot, said in words
    assert "Andelen kan være høyere" in overview
    changes = plain(" ".join(s.changes))
    assert "Trivsel økte om lag 3 poeng mer i Leksehjelp med matpakke" in changes
    assert "mellom 2 og 4 poeng" in changes  # the interval in words
    assert "Fritidsguiden" in changes  # grey: too early to say
    assert "varer" in changes  # what we cannot know yet
    caveats = plain(" ".join(s.caveats))
    assert "Bare 2 av 4 piloter" in caveats
    assert "63 %" in caveats
    # three at most: the warnings take the last place; "anslag" is in the reading guide
    assert "anslag" not in caveats and "1 advarsel" in caveats


def test_summary_en_uses_english_labels_and_units(frames):
    s = _summary(frames, "2026-06-30", "en")
    changes = plain(" ".join(s.changes))
    assert "Well-being rose by about 3 points more in Leksehjelp med matpakke" in changes
    assert "poeng" not in changes and "Trivsel" not in changes


def test_summary_says_too_early_when_nothing_is_judged(frames):
    s = _summary(frames, "2025-09-30", "nb")
    assert "for tidlig" in " ".join(s.changes)


def test_summary_hides_a_small_pilot_in_the_total(frames):
    # 2025-09-30: Fritidsguiden has 1 participant; the total must not give it away at a
    # rounding border, so the text gives a lower bound from the other pilots instead.
    s = _summary(frames, "2025-09-30", "nb")
    overview = plain(" ".join(s.overview))
    assert "minst 220 barn og unge" in overview
    assert "om lag" not in overview


def test_summary_small_portfolio_never_prints_small_counts(frames):
    ds, card, port, outs = frames["2026-06-30"]
    tiny = port.copy()
    tiny[["citizens_reached", "enrolments", "citizens_in_several_pilots"]] = [3, 3, 0]
    s = text.summary(ds, "nb", scorecard=card, portfolio=tiny, outcomes=outs)
    overview = plain(" ".join(s.overview))
    assert "færre enn 5 barn og unge" in overview
    assert not re.search(r"\b3 barn", overview)
    assert "målgruppen i kommunen" not in overview  # no share of 3 people


# --------------------------------------------------------------------------- words


@pytest.mark.parametrize(("status", "nb", "en"), [
    ("green", "god", "good"), ("yellow", "usikker", "uncertain"), ("red", "svak", "weak"),
    ("grey", "for lite data", "too little data")])
def test_status_word(status, nb, en):
    assert text.status_word(status) == nb
    assert text.status_word(status, "en") == en


def test_status_always_has_a_word():
    assert text.status_word(None) == "for lite data"
    assert text.status_word(pd.NA, "en") == "too little data"
    assert text.status_word("purple") == "ukjent"
    assert text.status_word("purple", "en") == "unknown"


@pytest.mark.parametrize(("rec", "nb", "en"), [
    ("scale", "skalere", "scale"), ("continue", "videreføre", "continue"),
    ("adjust", "justere", "adjust"), ("stop", "avslutte", "stop"),
    ("insufficient_data", "for tidlig å si", "too early to say")])
def test_recommendation_word(rec, nb, en):
    assert text.recommendation_word(rec) == nb
    assert text.recommendation_word(rec, "en") == en
    assert text.recommendation_word(rec, capital=True) == nb[0].upper() + nb[1:]


def test_unknown_language_is_refused():
    with pytest.raises(UsageError, match="'nb'"):
        text.status_word("green", "sv")
    with pytest.raises(UsageError):
        text.note("on_track", "reach_reason", "de")


def test_about_and_people():
    assert plain(text.about(532)) == "om lag 530"
    assert plain(text.about(26703)) == "om lag 27 000"
    assert plain(text.about(1234, language="en")) == "about 1,200"
    assert text.about(12) == "12"
    assert text.about(3) == "færre enn 5"
    assert text.people(0) == "0"
    assert text.people(4, 10, "en") == "fewer than 10"


def test_unit_translation():
    assert text.unit("dager per halvår", "en") == "days per half-year"
    assert text.unit("poeng", "en") == "points"
    assert text.unit("poeng", "nb") == "poeng"
    assert text.unit("kg CO2", "en") == "kg CO2"  # unknown words: as written
    assert text.unit(None) == ""


# --------------------------------------------------------------------------- catalogue


@pytest.mark.parametrize("catalogue", ["MESSAGES", "LABELS"])
def test_every_message_has_both_languages_with_the_same_fields(catalogue):
    for key, versions in getattr(text, catalogue).items():
        assert set(versions) == {"nb", "en"}, key
        assert all(v.strip() for v in versions.values()), key
        fields = text.message_fields(key)
        assert fields["nb"] == fields["en"], key


def test_label_unknown_key():
    with pytest.raises(UsageError, match="Unknown label"):
        text.label("no.such.label")


# --------------------------------------------------------------------------- sentences


def _row(**kw):
    base = {"state": "running", "elapsed_share": 0.74, "reach_status": "green",
            "reach_reason": "on_track", "enrolled": 266, "reach_target": 320.0,
            "expected_enrolled": 235.8, "reach_ratio": 1.128, "cost_status": "green",
            "cost_reason": "on_budget", "grant_nok": 1.2e6, "fund_cost_nok": 8.9e5,
            "grant_used_share": 0.741, "run_rate": 1.006, "outcome_status": "green",
            "outcome_reason": "clear_improvement", "outcome_measure": "trivsel",
            "outcome_label": "Trivsel", "outcome_unit": "poeng",
            "outcome_higher_is_better": True, "outcome_design": "did", "outcome_n": 112,
            "outcome_min_required": 10, "outcome_improvement": 3.2, "outcome_ci_low": 2.2,
            "outcome_ci_high": 4.1, "outcome_mid": 2.0, "outcome_meets_mid": True,
            "outcome_clears_mid": True, "outcome_evidence_rating": "strong",
            "recommendation": "scale", "recommendation_reason": "all_green"}
    base.update(kw)
    return pd.Series(base, name="leksehjelp")


def test_brief_examples():
    row = _row()
    assert plain(text.outcome_sentence(row)) == (
        "Trivsel økte 3,2 poeng mer enn i sammenligningsgruppen (95 % KI 2,2–4,1), over "
        "minste betydningsfulle endring på 2 poeng.")
    assert plain(text.reach_sentence(row)) == (
        "Piloten har 266 deltakere, 113 % av det som var ventet på dette tidspunktet.")
    assert plain(text.cost_sentence(_row(grant_used_share=0.74, elapsed_share=0.74))) == (
        "Piloten har brukt 74 % av tilsagnet etter 74 % av perioden.")
    assert plain(text.recommendation_sentence(row)) == (
        "Skalere – trivsel opp 3 poeng, sikker bedring")


def test_fast_spending_early_says_the_pace_says_little():
    row = _row(cost_status="yellow", cost_reason="far_overspending_early",
               grant_used_share=0.1135, elapsed_share=0.0844, recommendation="continue",
               recommendation_reason="not_all_green")
    assert plain(text.cost_sentence(row)) == (
        "Piloten har brukt 11 % av tilsagnet etter 8 % av perioden, raskere enn planen. Så "
        "tidlig i perioden sier det lite, fordi oppstartskostnader ofte kommer først.")
    assert "much faster" not in text.cost_sentence(row, "en")
    assert "bruker pengene raskt i starten" in text.recommendation_sentence(row)
    assert "litt raskt" not in text.recommendation_sentence(row)



def test_few_enrolled_early_says_it_says_little():
    row = _row(reach_status="yellow", reach_reason="far_behind_early", enrolled=6,
               reach_ratio=0.47, recommendation="continue", recommendation_reason="not_all_green")
    assert plain(text.reach_sentence(row)) == (
        "Piloten har 6 deltakere, 47 % av det som var ventet på dette tidspunktet. Så tidlig "
        "i perioden sier det lite: det tar ofte tid før rekrutteringen kommer i gang.")
    assert plain(text.reach_sentence(row, "en")) == (
        "The pilot has 6 participants, 47% of the number expected by now. This early in the "
        "period that says little: recruiting often takes a while to get going.")
    assert plain(text.reach_sentence({**row, "enrolled": 3})) == (  # fewer than 5
        "Piloten har færre enn 5 deltakere, foreløpig langt færre enn ventet. Så tidlig i "
        "perioden sier det lite: det tar ofte tid før rekrutteringen kommer i gang.")
    assert "få deltakere så langt" in text.recommendation_sentence(row)
    assert "noe færre" not in text.recommendation_sentence(row)

def test_outcome_with_comparison_group_and_lower_is_better():
    row = _row(outcome_label="Skolefravær", outcome_unit="dager per halvår",
               outcome_higher_is_better=False, outcome_design="did",
               outcome_improvement=2.44, outcome_ci_low=1.38, outcome_ci_high=3.51)
    assert plain(text.outcome_sentence(row)) == (
        "Skolefravær gikk ned 2,4 dager per halvår mer enn i sammenligningsgruppen "
        "(95 % KI 1,4–3,5), over minste betydningsfulle endring på 2 dager per halvår.")
    assert plain(text.outcome_sentence(row, "en")).startswith(
        "Skolefravær fell 2.4 dager per halvår more than in the comparison group")


def test_outcome_interval_across_zero_and_judgements():
    red = _row(outcome_status="red", outcome_reason="below_mid", outcome_improvement=0.14,
               outcome_ci_low=-1.16, outcome_ci_high=1.43, outcome_mid=3.0)
    assert "(95 % KI −1,2 til 1,4), klart under" in plain(text.outcome_sentence(red))
    yellow = _row(outcome_status="yellow", outcome_reason="uncertain",
                  outcome_improvement=1.3, outcome_ci_low=0.27, outcome_ci_high=2.34)
    assert "vi vet ikke om endringen når" in text.outcome_sentence(yellow)
    worse = _row(outcome_status="yellow", outcome_reason="uncertain", outcome_improvement=-0.5,
                 outcome_ci_low=-1.0, outcome_ci_high=0.2, outcome_design="pre_post")
    # a worsening of a higher-is-better measure is a fall, with the interval of the fall
    assert plain(text.outcome_sentence(worse)).startswith(
        "Trivsel gikk ned med 0,5 poeng fra før til etter (95 % KI −0,2 til 1,0)")


def test_small_counts_never_appear_in_sentences():
    row = _row(enrolled=3, reach_ratio=0.11, reach_status="red", reach_reason="far_behind",
               outcome_status="grey", outcome_reason="too_few_measured", outcome_n=3,
               outcome_improvement=float("nan"), outcome_ci_low=float("nan"),
               outcome_ci_high=float("nan"), recommendation="insufficient_data",
               recommendation_reason="outcome_grey")
    sentences = text.explain(row)
    for language in ("nb", "en"):
        for s in text.explain(row, language).values():
            assert not re.search(r"(?<![\d,.])3(?![\d,.])", s), s
            assert "11" not in s  # the share of expected would reveal the count
    assert "færre enn 5 deltakere" in sentences["reach"]
    assert sentences["outcome"].startswith("Færre enn 5 deltakere")
    assert "færre enn 5 målt" in sentences["recommendation"]


def test_too_few_measured_with_none_and_some():
    none = _row(outcome_status="grey", outcome_reason="too_few_measured", outcome_n=0,
                recommendation="insufficient_data", recommendation_reason="outcome_grey")
    assert text.outcome_sentence(none) == "Ingen deltakere er målt både før og etter ennå."
    assert text.recommendation_sentence(none) == "For tidlig å si – ingen målt før og etter ennå"
    some = _row(outcome_status="grey", outcome_reason="too_few_measured", outcome_n=7,
                recommendation="insufficient_data", recommendation_reason="outcome_grey")
    assert plain(text.recommendation_sentence(some)) == (
        "For tidlig å si – bare 7 målt før og etter, trenger 10")


@pytest.mark.parametrize(("reason", "expected"), [
    ("reach_red", "Justere – for få deltakere (45 % av ventet)"),
    ("cost_red", "Justere – har brukt 74,4 % av tilsagnet etter 74,0 % av tiden"),
    ("reach_and_cost_red", "Justere – for få deltakere og for raskt forbruk"),
    ("not_started", "Justere – piloten har ikke startet"),
])
def test_recommendation_reasons(reason, expected):
    row = _row(recommendation="adjust", recommendation_reason=reason, reach_ratio=0.45,
               grant_used_share=0.744, elapsed_share=0.74)
    assert plain(text.recommendation_sentence(row)) == expected


def test_recommendation_unknown_reason_falls_back():
    row = _row(recommendation="continue", recommendation_reason="brand_new_reason")
    line = text.recommendation_sentence(row)
    assert line.startswith("Videreføre – ") and "brand_new_reason" in line


@pytest.mark.parametrize("d", DATES)
@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_sample_row_has_sentences(frames, d, language):
    ds, card, _, _ = frames[d]
    card = text.localise(card, ds.measures, language)
    generic = re.compile(r"kode «|code '")
    for _, row in card.iterrows():
        parts = text.explain(row, language, min_cell_size=ds.agreement.min_cell_size)
        assert set(parts) == {"reach", "cost", "outcome", "evidence", "basis",
                              "recommendation"}
        # the measure the outcome rests on is named whenever there is one
        assert bool(parts.pop("basis")) == bool(pd.notna(row["outcome_measure"]))
        # how strong the evidence is, whenever the change is stated with its interval
        evidence = parts.pop("evidence")
        assert "{" not in evidence and not PARTICIPANT_ID.search(evidence)
        assert bool(evidence) == (row["outcome_reason"] in text._JUDGED
                                  and pd.notna(row["outcome_evidence_rating"]))
        for key, s in parts.items():
            assert s and "{" not in s and not generic.search(s), (key, s)
            assert not PARTICIPANT_ID.search(s)
        assert " – " in parts["recommendation"]


# --------------------------------------------------------------------------- note keys


def _documented_keys() -> dict[str, set[str]]:
    keys = {kind: set(reasons) for kind, reasons in scorecard_mod.REASONS.items()}
    keys["coverage_note"] = set(reach_mod.COVERAGE_NOTES)
    keys["outcome_note"] = set(outcomes_mod.OUTCOME_NOTES)
    keys["value_note"] = set(value_mod.VALUE_NOTES)
    return keys


def _str_values(node: ast.AST, assigned: dict[str, ast.AST], depth: int = 0) -> set[str]:
    """String constants a value expression can evaluate to (not those it compares)."""
    if depth > 5:
        return set()
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _str_values(node.body, assigned, depth + 1) | _str_values(node.orelse, assigned,
                                                                          depth + 1)
    if isinstance(node, ast.Name) and node.id in assigned:
        return _str_values(assigned[node.id], assigned, depth + 1)
    if isinstance(node, ast.List | ast.Tuple):
        return set().union(*(_str_values(e, assigned, depth + 1) for e in node.elts))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "select":  # np.select(conditions, choices, default)
            return set().union(*(_str_values(a, assigned, depth + 1) for a in node.args[1:]))
        if node.func.attr == "where":  # np.where(condition, a, b)
            return set().union(*(_str_values(a, assigned, depth + 1) for a in node.args[1:]))
    return set()


def _target_name(target: ast.AST) -> str:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Subscript):
        if isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str):
            return target.slice.value
        return _target_name(target.value)
    return ""


def _emitted_keys(module) -> dict[str, set[str]]:
    """Reason and note keys a metric module emits, found in its source: values assigned
    to a ``*note*``/``*reason*``/``why`` name or column, appended to ``notes``, returned
    next to a table as its note, or used as flag names for ``_join_notes``."""
    tree = ast.parse(inspect.getsource(module))
    found: dict[str, set[str]] = {}
    for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
        assigned: dict[str, ast.AST] = {}
        for node in ast.walk(func):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                    isinstance(node.targets[0], ast.Name):
                assigned[node.targets[0].id] = node.value
        for node in ast.walk(func):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    name = _target_name(target)
                    if re.search(r"note|reason|why", name):
                        found.setdefault(name, set()).update(_str_values(node.value, assigned))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr == "append" and _target_name(node.func.value) == "notes":
                found.setdefault("notes", set()).update(_str_values(node.args[0], assigned))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                    node.func.id == "_join_notes":
                arg = node.args[0]
                arg = assigned.get(arg.id, arg) if isinstance(arg, ast.Name) else arg
                if isinstance(arg, ast.Call) and arg.args and isinstance(arg.args[0], ast.Dict):
                    found.setdefault("flags", set()).update(
                        k.value for k in arg.args[0].keys if isinstance(k, ast.Constant))
            elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
                for element in node.value.elts:
                    if isinstance(element, ast.Constant | ast.IfExp):
                        found.setdefault("return", set()).update(
                            _str_values(element, assigned))
    key = re.compile(r"^[a-z]+(_[a-z]+)*$")
    return {k: {v for v in vals if key.match(v)} for k, vals in found.items()}


# module → (kinds its keys belong to, how many keys the scan must at least find)
_SCORECARD_KINDS = ("reach_reason", "cost_reason", "outcome_reason", "recommendation_reason")
_MODULES = {
    "scorecard": (scorecard_mod, _SCORECARD_KINDS, 20),
    "outcomes": (outcomes_mod, ("outcome_note", "its_note"), 8),
    "reach": (common_mod, ("coverage_note",), 4),
    "portfolio": (portfolio_mod, ("coverage_note",), 1),
    "value": (value_mod, ("value_note",), 7),
}


@pytest.mark.parametrize("name", list(_MODULES))
def test_every_key_emitted_by_a_metric_module_has_a_sentence(name):
    module, kinds, at_least = _MODULES[name]
    emitted = _emitted_keys(module)
    keys = set().union(*emitted.values()) if emitted else set()
    assert len(keys) >= at_least, f"the scan found too few note keys in {name}: {keys}"
    for key in keys:
        assert any(f"{k}.{key}" in text.MESSAGES for k in kinds), (name, key)


def test_the_scan_finds_every_documented_key():
    documented = _documented_keys()
    scorecard_keys = set().union(*_emitted_keys(scorecard_mod).values())
    for kind in scorecard_mod.REASONS:
        assert documented[kind] <= scorecard_keys, kind
    outcome_keys = set().union(*_emitted_keys(outcomes_mod).values())
    assert documented["outcome_note"] <= outcome_keys
    assert {"no_pre_period", "no_post_period", "not_estimable"} <= outcome_keys  # ITS
    coverage = set().union(*_emitted_keys(reach_mod).values(), *_emitted_keys(common_mod).values(),
                           *_emitted_keys(portfolio_mod).values())
    assert documented["coverage_note"] <= coverage
    assert documented["value_note"] <= set().union(*_emitted_keys(value_mod).values())


@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_documented_key_has_its_own_sentence(language):
    generic = text.MESSAGES["note.unknown"][language].split("{")[0]
    for kind, keys in {**_documented_keys(),
                       "its_note": {"no_pre_period", "no_post_period", "not_estimable"}}.items():
        for key in keys:
            sentence = text.note(key, kind, language)
            assert sentence and not sentence.startswith(generic), (kind, key)
            assert sentence.endswith("."), (kind, key)


def test_note_unknown_keys_and_joined_keys():
    s = text.note("brand_new", "value_note")
    assert "brand_new" in s and s.endswith(".")
    assert "brand_new" in text.note("brand_new", "value_note", "en")
    joined = text.note("no_followup;too_few_comparison", "outcome_note")
    assert joined.count(".") == 2
    assert text.note(["no_cost", "few_measured"], "value_note").count(".") == 2
    assert text.note(None, "outcome_note") == ""
    assert text.note(pd.NA, "outcome_note") == ""
    with pytest.raises(UsageError, match="kind="):
        text.note("x", "no_such_kind")


# --------------------------------------------------------------------------- back matter


@pytest.mark.parametrize("language", ["nb", "en"])
def test_glossary(language):
    pairs = text.glossary(language)
    assert len(pairs) == len(text.glossary("nb" if language == "en" else "en"))
    terms = " ".join(t.lower() for t, _ in pairs)
    must = (["konfidensintervall", "minste betydningsfulle endring",
             "minste effekt dataene kan påvise", "forskjell-i-forskjeller",
             "avbrutt tidsserie", "dødvekt", "tilskriving", "fortrengning",
             "kalkulasjonsrente", "skattefinansieringskostnad"] if language == "nb" else
            ["confidence interval", "minimal important difference",
             "minimum detectable effect", "difference-in-differences",
             "interrupted time series", "deadweight", "attribution", "displacement",
             "discount rate", "tax-financing cost"])
    for term in must:
        assert term in terms, term
    for _term, explanation in pairs:
        assert explanation.endswith(".")
        assert not re.search(r"\.\s+[A-ZÆØÅ]", explanation), explanation  # one sentence


@pytest.mark.parametrize("language", ["nb", "en"])
def test_method_notes_name_their_sources(language):
    notes = text.method_notes(language)
    joined = plain(" ".join(" ".join(n) for n in notes))
    assert "R-109/2021" in joined and "Finansdepartementet" in joined
    assert ("4 %" if language == "nb" else "4%") in joined
    assert ("20 øre" if language == "nb" else "NOK 0.20 per krone") in joined
    assert ("færre enn 5" if language == "nb" else "fewer than 5") in joined
    assert all(len(n) == 3 and all(n) for n in notes)
    other = plain(" ".join(" ".join(n) for n in text.method_notes(
        language, discount_rate=0.035, min_cell_size=10)))
    assert ("3,5 %" if language == "nb" else "3.5%") in other
    assert "10" in other


def test_data_quality_sentence():
    assert text.data_quality_sentence(None) == "Vi fant ingen feil eller advarsler i dataene."
    one = pd.DataFrame({"file": ["costs.csv"]})
    assert text.data_quality_sentence(one).startswith("Vi fant 1 advarsel")
    many = pd.DataFrame({"file": ["a"] * 3})
    assert text.data_quality_sentence(many, "en").startswith("We found 3 warnings")
    # two rows listed and "… and 40 more rows": 42 warnings, not 3
    capped = pd.DataFrame({"file": ["a"] * 3, "count": [1, 1, 40]})
    assert text.data_quality_sentence(capped, "en").startswith("We found 42 warnings")


def test_no_participant_ids_in_any_text(frames):
    for d in ("2025-09-30", "2026-06-30"):
        ds, card, port, outs = frames[d]
        for language in ("nb", "en"):
            s = text.summary(ds, language, scorecard=card, portfolio=port, outcomes=outs)
            everything = [s.text, *(x for pair in text.glossary(language) for x in pair),
                          *(x for n in text.method_notes(language) for x in n),
                          text.data_quality_sentence(ds.warnings, language)]
            assert not any(PARTICIPANT_ID.search(x) for x in everything)


def test_localise_keeps_the_scorecard_and_translates():
    card = pd.DataFrame({"outcome_measure": ["trivsel", None],
                         "outcome_label": ["Trivsel", None],
                         "outcome_unit": ["poeng", None]}, index=["a", "b"])
    measures = pd.DataFrame({"measure": ["trivsel"], "label_nb": ["Trivsel"],
                             "label_en": ["Well-being"]})
    en = text.localise(card, measures, "en")
    assert en.loc["a", "outcome_label"] == "Well-being"
    assert en.loc["a", "outcome_unit"] == "points"
    assert card.loc["a", "outcome_label"] == "Trivsel"  # not changed in place


# --------------------------------------------------------------------------- review fixes


def test_explain_in_english_has_english_units_and_with_measures_english_labels(sample):
    row = _row()
    plain_en = {k: plain(v) for k, v in text.explain(row, "en").items()}
    assert "poeng" not in " ".join(plain_en.values())
    assert "3.2 points" in plain_en["outcome"]
    named = text.explain(row, "en", measures=sample.measures)
    assert plain(named["outcome"]).startswith("Well-being rose 3.2 points more than")
    assert "Trivsel" not in " ".join(named.values())
    assert text.explain(row)["outcome"].startswith("Trivsel")  # bokmål unchanged


def test_a_sentence_never_starts_with_a_numeral():
    some = _row(outcome_status="grey", outcome_reason="too_few_measured", outcome_n=5,
                recommendation="insufficient_data", recommendation_reason="outcome_grey")
    sentence = plain(text.outcome_sentence(some))
    assert sentence == ("Bare 5 deltakere er målt både før og etter. Det trengs minst 10 for "
                        "å si noe sikkert.")
    for s in re.split(r"(?<=\.) ", sentence):
        assert not s[:1].isdigit(), s


def test_a_pilot_not_started_gets_one_sentence_not_one_per_dimension():
    row = _row(state="not_started", reach_status="grey", reach_reason="not_started",
               cost_status="grey", cost_reason="not_started", outcome_status="grey",
               outcome_reason="not_started", recommendation="insufficient_data",
               recommendation_reason="not_started", outcome_measure_source="primary")
    parts = text.explain(row)
    assert parts["reach"] == ("Piloten har ikke startet ennå. Rekkevidde, økonomi og "
                              "resultater kan derfor ikke vurderes.")
    assert parts["cost"] == parts["outcome"] == ""
    # the main measure is named, as what will be judged (no status rests on it yet)
    assert parts["basis"] == "Resultatene skal vurderes ut fra pilotens hovedmål, trivsel."
    said = " ".join(v for v in parts.values() if v)
    assert said.count("ikke startet") == 2  # the sentence and the recommendation line
    en = text.explain(row, "en")
    assert en["reach"].startswith("The pilot has not started yet, so its reach, cost and")


def test_early_summary_says_nobody_is_measured_twice_in_words(sample):
    """At 31 May 2025 no participant has a follow-up yet: no "100 %" and no claim that no
    pilot has a comparison group (two have one; it is not measured twice yet)."""
    ds = sample.as_of("2025-05-31")
    s = text.summary(ds, "nb")
    caveats = plain(" ".join(s.caveats))
    assert "100 %" not in caveats
    changes = plain(" ".join(s.changes))
    assert "Ingen er målt både før og etter ennå." in changes
    assert "For få er målt" not in changes
    # said once: the caveat says only that the second measurement is still to come
    assert "er målt en gang til" not in caveats
    assert "Den andre målingen kommer senere." in caveats
    assert "gruppe å sammenligne med" not in caveats
    assert s.lix() < 40


# --------------------------------------------------------------------------- report review 2


def test_sources_name_the_data_each_kind_rests_on_and_ssb_only_for_population():
    for language in ("nb", "en"):
        lines = {kind: plain(text.source(kind, language, date="2026-06-30"))
                 for kind in ("money", "participants", "population", "outcomes", "indicators",
                              "value")}
        assert [k for k, line in lines.items() if "SSB" in line] == ["population"]
        assert all(("30. juni 2026" if language == "nb" else "30 June 2026") in line
                   for line in lines.values())
    nb = {k: plain(text.source(k, date="2026-06-30")) for k in ("money", "outcomes",
                                                                "indicators", "participants")}
    assert nb["money"] == "Kilde: pilotenes regnskap per 30. juni 2026."
    assert "målinger" in nb["outcomes"] and "registerdata" in nb["indicators"]
    assert "deltakerdata" in nb["participants"]
    assert text.source("money", "en", date="2026-06-30").startswith(
        "Source: the pilots' accounts as of 30")


def test_value_source_names_the_valuation_sources_once():
    line = text.source("value", date="2026-06-30",
                       valuation=["HACT Social Value Bank.", "HACT Social Value Bank", None, " "])
    assert plain(line).endswith("verdsetting: HACT Social Value Bank.")
    assert line.count("HACT") == 1
    assert "verdsettingstabellen" in text.source("value", date="2026-06-30")
    assert "valuation table" in text.source("value", "en", date="2026-06-30", valuation=[])


def test_sources_catalogue_has_both_languages_and_unknown_kinds_are_refused():
    for key, versions in text.SOURCES.items():
        assert set(versions) == {"nb", "en"}, key
    with pytest.raises(UsageError, match="kind"):
        text.source("ssb", date="2026-06-30")


def test_series_labels_in_both_languages_and_fallback():
    assert text.series_label("barnevernsmeldinger", "nb") == "Barnevernsmeldinger"
    en = text.series_label("barnevernsmeldinger", "en")
    assert en == "Reports of concern to child welfare services"
    # spellings with æøå, capitals or hyphens find the same entry
    assert text.series_label("Skolefravær", "en") == text.series_label("skolefravaer", "en") \
        == "School absence"
    assert text.series_label("frafall-vgs", "en") == "Drop-out from upper secondary school"
    assert text.series_label("legevakt_besok", "en") == "Legevakt besok"  # unknown: as written
    assert text.series_label("legevakt_besok", "nb") == "Legevakt besok"


def _cost(**kw):
    base = {"fund_cost_nok": 371_100.0, "grant_nok": 1_000_000.0, "grant_used_share": 0.3711,
            "elapsed_share": 0.743, "cofunding_nok": 713_720.0,
            "forecast_fund_cost_nok": 499_450.0}
    base.update(kw)
    return pd.Series(base)


def test_pilot_money_says_spent_of_grant_and_pace_in_short_sentences():
    said, paced = text.pilot_money(_cost(), _row(cost_reason="underspending"))
    said = plain(said)
    assert paced
    assert said.startswith("Piloten har brukt 0,37 mill. kr av tilsagnet på 1,0 mill. kr fra "
                           "fondet. Det er 37 % av tilsagnet. Det har gått 74 % av "
                           "pilotperioden. Piloten bruker pengene mye saktere enn planen.")
    assert "har den brukt 0,50 mill. kr når perioden er slutt" in said  # the run-rate forecast
    assert "Andre har lagt til 0,71 mill. kr" in said
    assert text.lix(said) < 40
    for sentence in re.split(r"(?<=\.) ", said):
        assert len(sentence.split()) <= 15, sentence
    on, _ = text.pilot_money(_cost(grant_used_share=0.74, elapsed_share=0.74),
                             _row(cost_reason="on_budget"))
    assert "Pengebruken følger tiden." in on and "Fortsetter" not in on  # no forecast needed
    en, _ = text.pilot_money(_cost(), _row(cost_reason="overspending"), "en")
    assert "a little faster than planned" in en and "NOK" in en
    # the grant spent with two months left: said in words, not only as "101 %"
    out, _ = text.pilot_money(_cost(grant_used_share=1.01, elapsed_share=0.91),
                              _row(cost_reason="overspending"))
    assert "Det er 101\u00a0% av tilsagnet." in out
    assert "Tilsagnet er allerede brukt opp, før perioden er slutt." in out
    assert "brukt opp" not in text.pilot_money(_cost(grant_used_share=0.98),
                                               _row(cost_reason="overspending"))[0]


def test_outcome_basis_names_the_main_or_the_first_measured_measure():
    row = {"outcome_measure": "trivsel", "outcome_label": "Trivsel",
           "outcome_measure_source": "primary"}
    assert text.outcome_basis(row) == "Statusen for resultater bygger på pilotens hovedmål, trivsel."
    first = text.outcome_basis({**row, "outcome_measure_source": "first_measured"}, "en")
    assert "has not chosen a main measure" in first and first.endswith(", trivsel.")
    assert text.outcome_basis({**row, "outcome_measure": None, "outcome_measure_source": None}) == ""


def test_pilot_money_before_the_start_without_a_grant_and_for_small_grants():
    said, paced = text.pilot_money(_cost(fund_cost_nok=0.0, cofunding_nok=0.0),
                                   _row(state="not_started", cost_reason="not_started"))
    assert plain(said) == "Piloten har et tilsagn på 1,0 mill. kr fra fondet." and not paced
    said, paced = text.pilot_money(_cost(grant_nok=0.0), _row(cost_reason="no_grant"))
    assert "ikke et tilsagn" in said and not paced
    small, _ = text.pilot_money(_cost(fund_cost_nok=49_250.0, grant_nok=70_000.0,
                                      cofunding_nok=0.0), _row(cost_reason="on_budget"))
    assert plain(small).startswith("Piloten har brukt 49 000 kr av tilsagnet på 70 000 kr")
    mid, _ = text.pilot_money(_cost(fund_cost_nok=492_000.0, grant_nok=700_000.0),
                              _row(cost_reason="on_budget"))  # as the money chart writes it
    assert plain(mid).startswith("Piloten har brukt 0,49 mill. kr av tilsagnet på 0,70 mill. kr")


def test_caveats_of_one_pilot_are_said_of_that_pilot(frames):
    ds, card, _, outs = frames["2026-06-30"]
    mentor = text.caveats(ds, "nb", scorecard=card, outcomes=outs, pilot_id="mentor",
                          warnings=ds.warnings.iloc[0:0])
    assert mentor[0] == ("Piloten har ingen gruppe å sammenligne med. Vi vet derfor ikke hva "
                         "som ville skjedd uten den.")
    assert not any("piloter" in c or "pilotene" in c for c in mentor)
    lekse = text.caveats(ds, "nb", scorecard=card, outcomes=outs, pilot_id="leksehjelp",
                         warnings=ds.warnings.iloc[:1])
    assert not any("sammenligne" in c for c in lekse)  # it has a comparison group
    assert lekse[-1] == "Dataene til piloten har 1 advarsel. Du finner den under datakvalitet."
    en = text.caveats(ds, "en", scorecard=card, outcomes=outs, pilot_id="mentor")
    assert en[0].startswith("The pilot has no comparison group.")


def test_caveats_say_projected_value_only_for_a_pilot_with_a_valued_measure(frames):
    import dataclasses

    ds, card, _, outs = frames["2026-06-30"]
    only = dataclasses.replace(ds, valuation=ds.valuation[ds.valuation["measure"] == "skolefravaer"])
    projected = text.MESSAGES["caveat.projected"]["nb"]
    jobb = text.caveats(only, "nb", scorecard=card, outcomes=outs, pilot_id="jobbtrening")
    lekse = text.caveats(only, "nb", scorecard=card, outcomes=outs, pilot_id="leksehjelp")
    assert projected not in jobb and projected in lekse  # jobbtrening measures no skolefravær


def test_portfolio_caveats_unchanged_and_one_warning_is_singular(frames):
    ds, card, port, outs = frames["2026-06-30"]
    s = text.summary(ds, "nb", scorecard=card, portfolio=port, outcomes=outs, max_caveats=4)
    assert s.caveats[0].startswith("Bare 2 av 4 piloter har en gruppe å sammenligne med.")
    assert s.caveats == text.caveats(ds, "nb", scorecard=card, outcomes=outs, max_caveats=4)
    assert len(ds.warnings) == 1
    assert s.caveats[-1] == "Dataene har 1 advarsel. Du finner den under datakvalitet."


def test_the_warnings_caveat_is_kept_when_the_others_fill_the_list(frames):
    ds, card, port, outs = frames["2026-06-30"]
    every = text.caveats(ds, "nb", scorecard=card, outcomes=outs, max_caveats=9)
    assert len(every) == 4  # comparison, follow-up, projected value, warnings
    s = text.summary(ds, "nb", scorecard=card, portfolio=port, outcomes=outs)  # 3 at most
    assert s.caveats == every[:2] + every[-1:]
    assert text.caveats(ds, "nb", scorecard=card, outcomes=outs, max_caveats=1) == every[-1:]
    assert text.caveats(ds, "nb", scorecard=card, outcomes=outs, max_caveats=0) == []


def test_data_quality_sentence_of_one_pilot():
    none = text.data_quality_sentence(None, pilot=True)
    assert none == "Vi fant ingen feil eller advarsler i dataene om denne piloten."
    one = text.data_quality_sentence(pd.DataFrame({"file": ["costs.csv"]}), "en", pilot=True)
    assert one.startswith("We found 1 warning") and "about this pilot" in one


# --------------------------------------------------------------------------- report review 3


@pytest.mark.parametrize(("reason", "used", "elapsed", "expected"), [
    # the shares round to the same whole percent: one decimal shows the pace judged
    ("overspending", 0.054, 0.049, ("5,4 %", "4,9 %")),
    ("far_overspending", 0.0504, 0.0496, ("5,04 %", "4,96 %")),
    ("far_overspending_early", 0.0504, 0.0496, ("5,04 %", "4,96 %")),
    ("underspending", 0.002, 0.0049, ("0,2 %", "0,5 %")),
    # whole percents that already show the order stay whole
    ("overspending", 0.114, 0.083, ("11 %", "8 %")),
    # in step with time: equal percents say just that
    ("on_budget", 0.74, 0.741, ("74 %", "74 %")),
])
def test_shares_get_decimals_when_whole_percents_would_contradict_the_pace(
        reason, used, elapsed, expected):
    said, _ = text.pilot_money(_cost(grant_used_share=used, elapsed_share=elapsed),
                               _row(cost_reason=reason))
    assert (f"Det er {expected[0]} av tilsagnet. Det har gått {expected[1]} av "
            "pilotperioden.") in plain(said)
    if reason in ("overspending", "far_overspending", "far_overspending_early", "underspending"):
        sentence = plain(text.cost_sentence(_row(cost_reason=reason, grant_used_share=used,
                                                 elapsed_share=elapsed)))
        assert f"brukt {expected[0]} av tilsagnet etter {expected[1]} av perioden" in sentence


def test_early_money_reads_as_the_scorecard_judged():
    """31 March 2025: 5,2 % of Jobbtrening's grant after 4,6 % of its period read "5 % …
    5 % … litt raskere enn planen"."""
    from pilot_eval.metrics.cost import cost_summary

    ds = pe.load_dataset(SAMPLE, as_of="2025-03-31")
    card, cost = scorecard(ds), cost_summary(ds)
    for pid in ("leksehjelp", "jobbtrening", "mentor"):
        said = plain(text.pilot_money(cost.loc[pid], card.loc[pid])[0])
        shares = re.findall(r"Det er ([\d,]+) % av tilsagnet\. Det har gått ([\d,]+) %", said)
        used, elapsed = (float(x.replace(",", ".")) for x in shares[0])
        reason = card.loc[pid, "cost_reason"]
        if reason in ("overspending", "far_overspending", "far_overspending_early"):
            assert used > elapsed, said
        elif reason == "underspending":
            assert used < elapsed, said
        assert "Fortsetter den" not in said  # a forecast after two months is noise
    jobb = plain(text.pilot_money(cost.loc["jobbtrening"], card.loc["jobbtrening"])[0])
    assert "Det er 5,2 % av tilsagnet. Det har gått 4,6 % av pilotperioden." in jobb
    mentor = plain(text.pilot_money(cost.loc["mentor"], card.loc["mentor"])[0])
    # 6 % of the grant after 11 % of the time is "good" by the rules (run-rate ≥ 0.5), but
    # it does not follow time: the text says both
    assert card.loc["mentor", "cost_status"] == "green"
    assert "Pengebruken følger tiden" not in mentor
    assert "noe saktere enn planen. Det er innenfor det reglene regner som godt." in mentor
    assert mentor.startswith("Piloten har brukt 0,06 mill. kr av tilsagnet på 1,0 mill. kr")


@pytest.mark.parametrize(("used", "in_step"), [(0.70, True), (0.667, True), (0.66, False),
                                               (0.40, False)])
def test_on_budget_pace_says_in_step_only_near_the_plan(used, in_step):
    said, paced = text.pilot_money(_cost(grant_used_share=used, elapsed_share=0.74),
                                   _row(cost_reason="on_budget"))
    assert paced
    assert ("Pengebruken følger tiden." in said) is in_step
    assert ("noe saktere enn planen" in said) is not in_step
    en, _ = text.pilot_money(_cost(grant_used_share=used, elapsed_share=0.74),
                             _row(cost_reason="on_budget"), "en")
    assert ("keeps pace with time" in en) is in_step


def test_forecast_only_after_a_quarter_of_the_period():
    assert text.MIN_ELAPSED_FOR_FORECAST == 0.25
    early, _ = text.pilot_money(_cost(grant_used_share=0.114, elapsed_share=0.083),
                                _row(cost_reason="far_overspending"))
    assert "Fortsetter den" not in early and "mye raskere enn planen" in early
    edge, _ = text.pilot_money(_cost(grant_used_share=0.40, elapsed_share=0.25),
                               _row(cost_reason="far_overspending"))
    assert "Fortsetter den i samme tempo" in edge
    just_before, _ = text.pilot_money(_cost(grant_used_share=0.40, elapsed_share=0.249),
                                      _row(cost_reason="far_overspending"))
    assert "Fortsetter den" not in just_before


@pytest.mark.parametrize(("amount", "grant", "expected"), [
    (63_000.0, 1_000_000.0, "0,06 mill. kr"),  # as the money table, not "0,1"
    (140_000.0, 1_200_000.0, "0,14 mill. kr"),
    (890_000.0, 1_200_000.0, "0,89 mill. kr"),
    (1_640_000.0, 1_200_000.0, "1,6 mill. kr"),
    (492_000.0, 700_000.0, "0,49 mill. kr"),
    (49_250.0, 70_000.0, "49 000 kr"),
])
def test_amounts_in_running_text_match_the_tables(amount, grant, expected):
    said, _ = text.pilot_money(_cost(fund_cost_nok=amount, grant_nok=grant, cofunding_nok=0.0),
                               _row(cost_reason="on_budget"))
    assert plain(said).startswith(f"Piloten har brukt {expected} av tilsagnet")


def test_portfolio_money_in_two_decimals_below_a_million(frames):
    ds = pe.load_dataset(SAMPLE, as_of="2025-03-31")
    s = text.summary(ds, "nb")
    money = plain(s.overview[0])
    assert money.startswith("Pilotene har brukt 0,26 mill. kr av 4,0 mill. kr fra fondet.")
    assert "Andre har lagt til 0,30 mill. kr" in money
    en = plain(text.summary(ds, "en").overview[0])
    assert "NOK 0.26 million of the fund's NOK 4.0 million" in en


def test_early_summary_says_nothing_twice(sample):
    """31 March 2025: nobody measured twice, one pilot not started, values not computed."""
    ds = sample.as_of("2025-03-31")
    for language, nobody, projected in (
            ("nb", "Ingen er målt både før og etter ennå.", "anslag"),
            ("en", "Nobody has been measured both before and after yet.", "projected")):
        s = text.summary(ds, language)
        said = plain(s.text)
        assert said.count(nobody) == 1, said
        assert projected not in " ".join(s.caveats)  # no value is computed yet
        assert "Too few" not in said and "For få" not in said
        assert s.lix() < 40


def test_summary_says_too_few_when_some_are_measured(frames):
    s = _summary(frames, "2025-09-30", "nb")
    assert "For få er målt før og etter." in " ".join(s.changes)
    # values are computed for fewer than 5 people measured twice and not shown: no caveat
    assert not any("anslag" in c for c in s.caveats)


def test_projected_caveat_follows_the_value_table(frames):
    ds, card, _, outs = frames["2026-06-30"]
    projected = text.MESSAGES["caveat.projected"]["nb"]
    value = value_mod.value_for_money(ds)
    assert projected in text.caveats(ds, "nb", scorecard=card, outcomes=outs, value=value,
                                     max_caveats=5)
    hidden = value.assign(n_measured=3)  # every value rests on fewer than 5: not shown
    assert projected not in text.caveats(ds, "nb", scorecard=card, outcomes=outs,
                                         value=hidden, max_caveats=5)
    none = value.assign(projected_value_nok=float("nan"))
    assert projected not in text.caveats(ds, "nb", scorecard=card, outcomes=outs, value=none,
                                         max_caveats=5)
    # of one pilot: only its own values count
    mentor = value.copy()
    mentor.loc[mentor.index.get_level_values("pilot_id") != "mentor", "n_measured"] = 0
    assert projected in text.caveats(ds, "nb", scorecard=card, outcomes=outs, value=mentor,
                                     pilot_id="mentor", max_caveats=5)
    assert projected not in text.caveats(ds, "nb", scorecard=card, outcomes=outs,
                                         value=mentor, pilot_id="leksehjelp", max_caveats=5)


def test_coverage_sentence_names_its_population_and_rounds_as_usual(frames):
    ds, card, port, outs = frames["2026-06-30"]
    exact = port.copy()
    exact[["target_population_note", "citizens_in_several_pilots"]] = [pd.NA, 0]
    s = text.summary(ds, "en", scorecard=card, portfolio=exact, outcomes=outs)
    overview = plain(" ".join(s.overview))
    assert "The pilots have reached 530 children and young people." in overview
    assert "That is 2.0% of the 26,703 children and young people in the pilots' target " \
           "groups." in overview
    assert "may be higher" not in overview and "at least" not in overview
    one = text.summary(ds, "nb", scorecard=card.iloc[:1], portfolio=exact, outcomes=outs)
    assert "i pilotens målgruppe." in plain(" ".join(one.overview))


@pytest.mark.parametrize("d", ["2025-03-31", "2025-05-31"])
def test_early_summaries_are_easy_to_read(sample, d):
    for language in ("nb", "en"):
        s = text.summary(sample.as_of(d), language)
        if language == "nb":
            assert s.lix() < 40, s.text
        assert all(p.rstrip().endswith((".", "?")) for p in [*s.paragraphs, *s.caveats])


def test_rule_texts_use_the_reports_words():
    from pilot_eval.schema import DEFAULT_RULES

    for rule in DEFAULT_RULES:
        en = text.rule_text(rule, "en").lower()
        assert not re.search(r"\b(green|yellow|red|grey)\b", en), en
    assert "good" in text.rule_text("reach_green", "en")
    assert "weak" in text.rule_text("cost_yellow", "en")
    assert text.rule_text("brand_new", "en", "New rule") == "New rule"
    assert text.rule_text("brand_new", "en") == "brand_new"
    notes = text.rule_notes({"adjust_before_elapsed": 0.4, "outcome_min_n": 15}, "nb")
    said = plain(" ".join(notes))
    assert "færre enn 15 er målt" in said and "før 40 % av perioden" in said
    assert "færre enn 20" in plain(" ".join(text.rule_notes({}, "nb", min_cell_size=20)))


def test_method_notes_write_out_abbreviations_and_explain_the_series_method():
    nb = plain(" ".join(" ".join(n) for n in text.method_notes("nb", series=True)))
    for written_out in ("Direktoratet for forvaltning og økonomistyring (DFØ)",
                        "Greater Manchester Combined Authority (GMCA)",
                        "HACT (Housing Associations' Charitable Trust)",
                        "personvernforordning (GDPR)"):
        assert written_out in nb, written_out
    assert "kvasi-Poisson-regresjon. Det er en modell for antall hendelser" in nb
    assert "kvasi-Poisson" not in " ".join(" ".join(n) for n in text.method_notes("nb"))
    en = plain(" ".join(" ".join(n) for n in text.method_notes("en", series=True)))
    assert "R-109/2021, section 5" in en and "punkt" not in en and "øre" not in en
    assert "NOK 0.20 per krone" in en and "quasi-Poisson" in en
    assert "General Data Protection Regulation (GDPR)" in en
    assert "NOK 0.25 per krone" in plain(" ".join(
        " ".join(n) for n in text.method_notes("en", tax_financing_cost=0.25)))


def test_english_caveats_about_warnings_read_naturally():
    assert text.plural("caveat.pilot_warnings", 1, "en") == (
        "There is 1 warning about the pilot's data; see Data quality.")
    assert not any("You find" in m["en"] for m in text.MESSAGES.values())
    assert not any("øre" in m["en"] for m in [*text.MESSAGES.values(), *text.LABELS.values()])
    assert not any("95 %" in m["en"].replace(NBSP, " ")
                   for m in [*text.MESSAGES.values(), *text.LABELS.values()])


def test_glossary_explains_threshold_and_hidden_and_drops_unused_terms():
    nb = dict(text.glossary("nb"))
    en = dict(text.glossary("en"))
    assert "Terskel for suksess" in nb and "Success threshold" in en
    assert "suksess" in nb["Terskel for suksess"] and "figurene før og etter" in \
        nb["Terskel for suksess"]
    assert "Skjult («:»)" in nb and "Hidden (':')" in en
    assert "regnes ut fra summen" in nb["Skjult («:»)"]
    # never used in a report
    assert "Effektstørrelse" not in nb and "Effect size" not in en


def test_indicator_sentences_edge_cases():
    """No estimate: nothing said; an interval across no change, or a change that rounds
    to 0 %: "no clear change"; an upper-case series name keeps its capitals."""
    from pilot_eval.present.text import _its_sentences

    idx = pd.MultiIndex.from_tuples([("a", "NAV_saker"), ("a", "legevakt"), ("a", "x")],
                                    names=["pilot_id", "series"])
    frame = pd.DataFrame({"level_rr": [0.998, 1.05, float("nan")],
                          "level_rr_ci_low": [0.996, 0.97, float("nan")],
                          "level_rr_ci_high": [0.999, 1.12, float("nan")]}, index=idx)
    said = _its_sentences(frame, {"a": "Piloten"}, "nb")
    assert said[0] == "Tallet på NAV saker i hele kommunen endret seg ikke tydelig etter at " \
                      "Piloten startet."
    assert said[1].startswith("Tallet på legevakt i hele kommunen endret seg ikke tydelig")
    assert len(said) == 3 and "vet ikke om piloten er årsaken" in said[2]
    assert _its_sentences(frame.iloc[[2]], {}, "nb") == []


def test_recommendation_reason_is_no_surer_than_the_interval_and_the_rating():
    """An interval holding zero is no change "up"; a very weak rating is not "weak"."""
    row = _row(outcome_status="yellow", outcome_reason="evidence_too_weak",
               outcome_label="Mestringstro", outcome_improvement=0.5, outcome_ci_low=-0.6,
               outcome_ci_high=1.6, outcome_evidence_rating="very_weak",
               recommendation="continue", recommendation_reason="not_all_green")
    said = plain(text.recommendation_sentence(row))
    assert said == "Videreføre – mestringstro uten sikker endring, svært svak evidensstyrke"
    en = plain(text.recommendation_sentence(row, "en"))
    assert "no clear change" in en and "very weak evidence" in en
