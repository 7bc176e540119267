r"""Every word a report prints, in Norwegian bokmål (default) and English.

One function per message: a notebook asks for a sentence in a language and never keeps a
copy of its own. All texts live in one catalogue (:data:`MESSAGES`, with
:data:`LABELS` for table headers and captions), each key with a bokmål and an English
version, so a missing translation is a failing test rather than a gap in a report.

Plain language (klarspråk, Språkrådet): the reader is addressed directly, one message per
sentence, active verbs, intervals said in words in the summary. Terms follow
``GLOSSARY.md``. A number in the text is one the reader can find again in a table: the
summary says "532 deltakere" as the reach table does, amounts in millions have the
tables' decimals below a million ("0,14 mill. kr"), and two shares whose order a sentence
asserts get the decimals that show it ("5,2 % … 4,6 %"). Each thing is said once: a pilot
that has not started gets one sentence, not one per dimension.

Privacy. Counts of people below ``min_cell_size`` are never printed, in text either: they
read "færre enn 5" (a table cell reads "<5"), and a share that would let the reader work
such a count out (for example "45 % av det som var ventet") is left out with it.

* :func:`status_word`, :func:`recommendation_word` -- the words of the scorecard.
* :func:`reach_sentence`, :func:`cost_sentence`, :func:`outcome_sentence`,
  :func:`recommendation_sentence`, :func:`explain` -- one sentence per scorecard
  dimension and a one-line recommendation with its reason, from a scorecard row.
* :func:`note` -- the reason and note keys of the metric modules as sentences.
* :func:`summary` -- the one-page summary for politicians (DESIGN §4).
* :func:`lix` -- readability (Björnsson's LIX).
* :func:`glossary`, :func:`method_notes`, :func:`data_quality_sentence`, :func:`label`.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from ..errors import UsageError
from . import fmt

if TYPE_CHECKING:  # pragma: no cover
    from ..dataset import Dataset

__all__ = [
    "LABELS",
    "MESSAGES",
    "MIN_ELAPSED_FOR_FORECAST",
    "NOTE_KINDS",
    "SERIES_LABELS",
    "SOURCES",
    "Summary",
    "about",
    "caveats",
    "cost_sentence",
    "data_quality_sentence",
    "explain",
    "glossary",
    "label",
    "lix",
    "localise",
    "message",
    "method_notes",
    "note",
    "outcome_sentence",
    "evidence_sentence",
    "evidence_word",
    "caution_sentences",
    "people",
    "per_krone",
    "pilot_money",
    "plural",
    "reach_sentence",
    "recommendation_sentence",
    "recommendation_word",
    "rule_notes",
    "rule_text",
    "series_label",
    "source",
    "status_word",
    "summary",
    "unit",
]

_NB, _EN = "nb", "en"
_NBSP: Final[str] = "\u00a0"
_DASH: Final[str] = "\u2013"

#: Share of a pilot's period that must have passed before running text forecasts what it
#: will have spent at the end ("Fortsetter den i samme tempo, …").
#:
#: The forecast is the linear run-rate, fund money spent / ``elapsed_share``
#: (:func:`~pilot_eval.metrics.cost.cost_summary`). One or two months in, it rests on a
#: handful of cost lines and is dominated by start-up costs (equipment, recruiting) and by
#: when invoices happen to be booked: a pilot 8 % into its period that has spent 11 % of
#: its grant is "forecast" to spend 137 %. Such a figure reads as a finding while it is
#: mostly noise, so it is left out until a quarter of the period has passed (a full
#: quarter of a two-year pilot: six months of costs). Charts that draw a forecast should
#: use the same threshold, so text and chart never disagree.
MIN_ELAPSED_FOR_FORECAST: Final[float] = 0.25

# Within the scorecard's "good" band for spending (cost_underuse ≤ run-rate ≤ cost_green),
# a run-rate below this is said to be "somewhat slower than planned" rather than "in step
# with time": 6 % of the grant spent after 11 % of the period is good by the rules, but
# does not follow time. 0.9 mirrors the 10 % margin above plan of the default cost_green.
_PACE_IN_STEP_FROM: Final[float] = 0.9

# --------------------------------------------------------------------------- catalogue

#: The scorecard's words (GLOSSARY): status and recommendation keys → (bokmål, English).
STATUS_WORDS: Final[dict[str, tuple[str, str]]] = {
    "green": ("god", "good"),
    "yellow": ("usikker", "uncertain"),
    "red": ("svak", "weak"),
    "grey": ("for lite data", "too little data"),
}
RECOMMENDATION_WORDS: Final[dict[str, tuple[str, str]]] = {
    "scale": ("skalere", "scale"),
    "continue": ("videreføre", "continue"),
    "adjust": ("justere", "adjust"),
    "stop": ("avslutte", "stop"),
    "insufficient_data": ("for tidlig å si", "too early to say"),
}

#: Which metric column each kind of note key comes from (see :func:`note`).
NOTE_KINDS: Final[tuple[str, ...]] = (
    "reach_reason", "cost_reason", "outcome_reason", "recommendation_reason",
    "coverage_note", "outcome_note", "value_note", "its_note",
)  # fmt: skip

#: Sentences, by key: ``{"nb": ..., "en": ...}`` with ``str.format`` fields. Keys of the
#: form ``"<kind>.<key>"`` explain the metric modules' reason and note keys.
MESSAGES: Final[dict[str, dict[str, str]]] = {
    # -- generic fall-backs
    "note.unknown": {
        _NB: "Det er en merknad til dette tallet som vi ikke har tekst for (kode «{key}»).",
        _EN: "There is a note on this figure that has no text yet (code '{key}').",
    },
    "status.unknown": {_NB: "ukjent", _EN: "unknown"},
    # -- scorecard: reach
    "reach_reason.not_started": {
        _NB: "Piloten har ikke startet ennå.", _EN: "The pilot has not started yet."},
    "reach_reason.no_reach_target": {
        _NB: "Piloten har ikke et mål for antall deltakere, så rekkevidden kan ikke vurderes.",
        _EN: "The pilot has no reach target, so its reach cannot be judged."},
    "reach_reason.on_track": {
        _NB: "Piloten har så mange deltakere som ventet, eller flere.",
        _EN: "The pilot has as many participants as expected, or more."},
    "reach_reason.behind": {
        _NB: "Piloten har noe færre deltakere enn ventet.",
        _EN: "The pilot has somewhat fewer participants than expected."},
    "reach_reason.far_behind": {
        _NB: "Piloten har langt færre deltakere enn ventet.",
        _EN: "The pilot has far fewer participants than expected."},
    # -- scorecard: cost
    "cost_reason.not_started": {
        _NB: "Pengebruken kan ikke vurderes før piloten har startet.",
        _EN: "Spending cannot be judged before the pilot has started."},
    "cost_reason.no_grant": {
        _NB: "Piloten har ikke tilsagn fra fondet, så forbruket kan ikke måles mot et "
             "tilsagn.",
        _EN: "The pilot has no grant from the fund, so its spending cannot be measured "
             "against one."},
    "cost_reason.on_budget": {
        _NB: "Piloten bruker tilsagnet i takt med tiden.",
        _EN: "The pilot spends its grant in step with time."},
    "cost_reason.overspending": {
        _NB: "Piloten bruker tilsagnet litt raskere enn planen.",
        _EN: "The pilot spends its grant a little faster than planned."},
    "cost_reason.far_overspending": {
        _NB: "Piloten bruker tilsagnet mye raskere enn planen.",
        _EN: "The pilot spends its grant much faster than planned."},
    "cost_reason.underspending": {
        _NB: "Piloten bruker tilsagnet mye saktere enn planen. Det kan bety at arbeidet er "
             "forsinket, eller at det koster mindre enn ventet.",
        _EN: "The pilot spends its grant much more slowly than planned. The work may be "
             "delayed, or cost less than expected."},
    # -- scorecard: outcome
    "outcome_reason.not_started": {
        _NB: "Resultatene kan ikke vurderes før piloten har startet.",
        _EN: "Outcomes cannot be judged before the pilot has started."},
    "outcome_reason.no_outcome_data": {
        _NB: "Vi har ingen målinger av resultater for deltakerne ennå.",
        _EN: "There are no outcome measurements of the participants yet."},
    "outcome_reason.too_few_measured": {
        _NB: "For få deltakere er målt før og etter til å si noe sikkert.",
        _EN: "Too few participants are measured before and after to tell."},
    "outcome_reason.not_estimable": {
        _NB: "Endringen kunne ikke beregnes ut fra dataene.",
        _EN: "The change could not be estimated from the data."},
    "outcome_reason.clear_improvement": {
        _NB: "Resultatet ble klart bedre, og endringen er stor nok til å bety noe.",
        _EN: "The outcome clearly improved, by enough to matter."},
    "outcome_reason.below_mid": {
        _NB: "Endringen er for liten til å bety noe.",
        _EN: "The change is too small to matter."},
    "outcome_reason.uncertain": {
        _NB: "Vi vet ikke sikkert om endringen er stor nok til å bety noe.",
        _EN: "We cannot tell yet whether the change is large enough to matter."},
    "outcome_reason.change_without_comparison": {
        _NB: "Uten sammenligningsgruppe vet vi ikke hvor mye av endringen piloten står for.",
        _EN: "Without a comparison group we cannot tell how much of the change is the "
             "pilot's doing."},
    "outcome_reason.evidence_too_weak": {
        _NB: "Evidensstyrken er for svak til at vi kan si sikkert at piloten står for "
             "endringen.",
        _EN: "The evidence is too weak to say that the pilot caused the change."},
    "outcome_reason.change_without_comparison_below": {
        _NB: "Uten sammenligningsgruppe vet vi ikke om endringen er pilotens, eller hva som "
             "ville skjedd uten den.",
        _EN: "Without a comparison group we cannot tell whether the change is the pilot's, "
             "or what would have happened without it."},
    "outcome_reason.evidence_too_weak_below": {
        _NB: "Evidensstyrken er for svak til at vi kan si sikkert at piloten ikke virker.",
        _EN: "The evidence is too weak to say that the pilot does not work."},
    "outcome_reason.attrition_too_high": {
        _NB: "For mange mangler oppfølgingsmåling til at vi kan stole på endringen.",
        _EN: "Too many follow-up measurements are missing to trust the change."},
    # -- evidence rating: why a result is rated as it is (metrics/evidence.py)
    "evidence.sentence": {
        _NB: "Evidensstyrken er {rating}: {reasons}.",
        _EN: "The evidence is {rating}: {reasons}."},
    "evidence.base.did": {_NB: "sammenligningsgruppe målt før og etter",
                          _EN: "a comparison group measured before and after"},
    "evidence.base.pre_post": {_NB: "bare før–etter-måling uten sammenligningsgruppe",
                               _EN: "before/after only, without a comparison group"},
    "evidence.base.its": {_NB: "tidsserie for hele kommunen",
                          _EN: "a time series for the whole municipality"},
    "evidence.reason.too_few": {_NB: "for få er målt i en av gruppene",
                                _EN: "too few are measured in one of the groups"},
    "evidence.reason.attrition_high": {_NB: "mange mangler oppfølgingsmåling",
                                       _EN: "many follow-up measurements are missing"},
    "evidence.reason.comparison_unmatched": {
        _NB: "sammenligningsgruppen er ikke trukket eller matchet",
        _EN: "the comparison group was not drawn by lot or matched"},
    "evidence.reason.comparison_small": {_NB: "sammenligningsgruppen er liten",
                                         _EN: "the comparison group is small"},
    "evidence.reason.baseline_imbalance": {_NB: "gruppene var ulike ved start",
                                           _EN: "the groups differed at the start"},
    "evidence.reason.regression_to_mean": {
        _NB: "deltakerne startet lavt og ville trolig bedret seg noe uansett",
        _EN: "the participants started low and would probably have improved somewhat anyway"},
    "evidence.reason.ceiling": {_NB: "mange startet på grensen av skalaen",
                                _EN: "many started at the limit of the scale"},
    "evidence.reason.few_clusters": {_NB: "få skoler eller grupper",
                                     _EN: "few schools or groups"},
    "evidence.reason.autocorrelation": {_NB: "månedene henger sammen",
                                        _EN: "the months are correlated"},
    "evidence.reason.pre_trend_break": {_NB: "trenden endret seg alt før piloten",
                                        _EN: "the trend changed before the pilot"},
    "evidence.reason.pre_period_sensitive": {
        _NB: "endringen er ikke tydelig når bare de siste årene før start brukes",
        _EN: "the change is not clear when only the last years before the start are used"},
    "evidence.reason.short_pre_period": {_NB: "under ett år med tall fra før",
                                         _EN: "less than a year of figures from before"},
    "outcome.rtm": {
        _NB: "Deltakerne startet dårligere enn gjennomsnittet. Bare det kan gi om lag {x} "
             "{unit} bedring ved neste måling, uten noen virkning av piloten.",
        _EN: "The participants started worse off than average. That alone can give about "
             "{x} {unit} of improvement at the next measurement, without any effect of the "
             "pilot."},
    "outcome.rtm_did": {
        _NB: "Deltakerne startet dårligere enn sammenligningsgruppen. Bare det kan gi om lag "
             "{x} {unit} av forskjellen, uten noen virkning av piloten.",
        _EN: "The participants started worse off than the comparison group. That alone can "
             "give about {x} {unit} of the difference, without any effect of the pilot."},
    "outcome.tipping": {
        _NB: "De som mangler oppfølgingsmåling, måtte i snitt ha blitt {x} {unit} dårligere "
             "for at endringen skulle forsvinne.",
        _EN: "Those missing a follow-up would have had to get worse by {x} {unit} on average "
             "for the change to vanish."},
    "outcome.tipping_did": {
        _NB: "De som mangler oppfølgingsmåling, måtte i snitt ha endret seg {x} {unit} "
             "dårligere enn sammenligningsgruppen for at forskjellen skulle forsvinne.",
        _EN: "Those missing a follow-up would have had to fare {x} {unit} worse than the "
             "comparison group on average for the difference to vanish."},
    # -- scorecard: recommendation
    "recommendation_reason.not_started": {
        _NB: "Piloten har ikke startet, så det er for tidlig å si noe.",
        _EN: "The pilot has not started, so it is too early to say."},
    "recommendation_reason.outcome_grey": {
        _NB: "Det er for lite data om resultatene til å gi et råd.",
        _EN: "There are too few outcome data to advise."},
    "recommendation_reason.outcome_red": {
        _NB: "Resultatet er for svakt til å bety noe.",
        _EN: "The outcome is too weak to matter."},
    "recommendation_reason.outcome_red_early": {
        _NB: "Resultatet er svakt så langt, men det er tidlig i perioden.",
        _EN: "The outcome is weak so far, but it is early in the period."},
    "recommendation_reason.all_green": {
        _NB: "Resultater og rekkevidde er gode, og økonomien er ikke svak.",
        _EN: "Outcomes and reach are good, and cost is not weak."},
    "recommendation_reason.reach_red": {
        _NB: "Piloten når for få deltakere.", _EN: "The pilot reaches too few participants."},
    "recommendation_reason.cost_red": {
        _NB: "Piloten bruker tilsagnet for raskt.", _EN: "The pilot spends its grant too fast."},
    "recommendation_reason.reach_and_cost_red": {
        _NB: "Piloten når for få deltakere og bruker tilsagnet for raskt.",
        _EN: "The pilot reaches too few participants and spends its grant too fast."},
    "recommendation_reason.not_all_green": {
        _NB: "Ingenting er svakt, men ikke alt er godt ennå.",
        _EN: "Nothing is weak, but not everything is good yet."},
    # -- reach: coverage of the target population
    "coverage_note.no_population_table": {
        _NB: "Vi har ikke tall for hvor mange som er i målgruppen, så andelen av målgruppen "
             "nådd kan ikke beregnes.",
        _EN: "There are no figures for the size of the target population, so coverage "
             "cannot be computed."},
    "coverage_note.population_no_year": {
        _NB: "Befolkningstallene gjelder ikke et år vi kan bruke, så andelen av målgruppen "
             "nådd kan ikke beregnes.",
        _EN: "The population figures are for no year we can use, so coverage cannot be "
             "computed."},
    "coverage_note.population_has_no_areas": {
        _NB: "Piloten gjelder bestemte områder, men befolkningstallene gjelder bare hele "
             "kommunen. Derfor kan andelen av målgruppen nådd ikke beregnes.",
        _EN: "The pilot serves certain areas, but the population figures cover only the "
             "whole municipality. So coverage cannot be computed."},
    "coverage_note.area_not_in_population": {
        _NB: "Et av pilotens områder mangler i befolkningstallene, så andelen av målgruppen "
             "nådd kan ikke beregnes.",
        _EN: "One of the pilot's areas is missing from the population figures, so coverage "
             "cannot be computed."},
    "coverage_note.target_population_zero": {
        _NB: "Befolkningstallene har ingen i pilotens aldersgruppe og områder.",
        _EN: "The population figures have nobody in the pilot's age group and areas."},
    "coverage_note.areas_ignored": {
        _NB: "Noen piloter gjelder områder som befolkningstallene ikke viser. For dem er hele "
             "kommunen brukt, så andelen nådd er minst så stor som vist.",
        _EN: "Some pilots serve areas the population figures do not show. The whole "
             "municipality is used for them, so coverage is at least as high as shown."},
    # -- outcomes
    "outcome_note.no_pilot_data": {
        _NB: "Ingen av deltakerne er målt på dette resultatmålet.",
        _EN: "None of the participants is measured on this measure."},
    "outcome_note.no_followup": {
        _NB: "Deltakerne er målt ved start, men ingen er målt igjen ennå.",
        _EN: "Participants were measured at the start, but nobody has been measured again yet."},
    "outcome_note.too_few": {
        # no number: beside a "<5" in the table, "fewer than 2" would say it is 1
        _NB: "For få deltakere er målt både før og etter til å regne ut en endring.",
        _EN: "Too few participants are measured both before and after to work out a "
             "change."},
    "outcome_note.too_few_comparison": {
        _NB: "For få i sammenligningsgruppen er målt både før og etter til å sammenligne.",
        _EN: "Too few people in the comparison group are measured before and after to "
             "compare."},
    "outcome_note.comparison_without_followup": {
        _NB: "Sammenligningsgruppen er ikke målt igjen, så tallet er en før–etter-"
             "sammenligning av deltakerne.",
        _EN: "The comparison group has not been measured again, so the figure is a "
             "pre–post comparison of the participants."},
    "outcome_note.not_estimable": {
        _NB: "Endringen kunne ikke beregnes.", _EN: "The change could not be estimated."},
    # -- interrupted time series
    "its_note.no_pre_period": {
        _NB: "Tidsserien har ingen måneder før piloten startet, så vi har ikke noe å "
             "sammenligne med.",
        _EN: "The series has no months before the pilot started, so there is nothing to "
             "compare with."},
    "its_note.no_post_period": {
        _NB: "Tidsserien har ingen måneder etter at piloten startet ennå.",
        _EN: "The series has no months after the pilot started yet."},
    "its_note.not_estimable": {
        _NB: "Endringen i tidsserien kunne ikke beregnes.",
        _EN: "The change in the series could not be estimated."},
    # -- value for money
    "value_note.outcome_not_estimated": {
        _NB: "Effekten kunne ikke beregnes, så verdien er ikke regnet ut.",
        _EN: "The effect could not be estimated, so no value is computed."},
    "value_note.no_success_threshold": {
        _NB: "Resultatmålet har ingen grense for hva som er et godt resultat, så vi kan ikke "
             "telle hvem som lyktes.",
        _EN: "The measure has no success threshold, so successes cannot be counted."},
    "value_note.no_cost": {
        _NB: "Piloten har ingen kostnader ført, så nytte–kostnadsforholdet kan ikke "
             "beregnes.",
        _EN: "The pilot has no costs recorded, so there is no benefit–cost ratio."},
    "value_note.negative_effect": {
        _NB: "Effekten er negativ, så verdien for samfunnet er negativ.",
        _EN: "The effect is negative, so the social value is negative."},
    "value_note.few_measured": {
        _NB: "For få er målt før og etter til å regne ut en verdi.",
        _EN: "Too few are measured before and after to compute a value."},
    "value_note.net_crossings": {
        _NB: "Uten sammenligningsgruppe er de som krysset grensen feil vei, trukket fra dem "
             "som krysset den riktig vei.",
        _EN: "Without a comparison group, those who crossed the threshold the wrong way are "
             "subtracted from those who crossed it the right way."},
    "value_note.weak_evidence": {
        _NB: "Evidensstyrken for resultatet er svak, så verdien kan være langt unna, også "
             "utenfor intervallet.",
        _EN: "The strength of evidence for the outcome is weak, so the value may be far off, "
             "even outside its range."},
    "value_note.change_not_effect": {
        _NB: "Verdien bygger på en endring fra før til etter, ikke på en påvist effekt.",
        _EN: "The value rests on a change from before to after, not on a shown effect."},
    "value_note.suppressed": {
        _NB: "Verdien vises ikke av personvernhensyn: så få lyktes (eller lyktes ikke) at "
             "antallet kunne regnes ut av verdien og forutsetningene.",
        _EN: "The value is not shown for privacy: so few succeeded (or did not) that their "
             "number could be worked out from the value and the assumptions."},
    "value_note.may_double_count": {
        _NB: "Verdiene av flere resultatmål er lagt sammen. De kan overlappe, så summen kan "
             "telle samme gevinst to ganger.",
        _EN: "The values of several measures are added up. They may overlap, so the sum may "
             "count the same gain twice."},
    "value_note.some_measures_not_valued": {
        _NB: "Et resultatmål kunne ikke verdsettes og er ikke med i summen.",
        _EN: "A measure could not be valued and is left out of the sum."},
    # -- scorecard sentences with numbers
    "reach.count": {
        _NB: "Piloten har {n} deltakere, {pct} av det som var ventet på dette tidspunktet.",
        _EN: "The pilot has {n} participants, {pct} of the number expected by now."},
    "reach.count_behind": {
        _NB: "Piloten har {n} deltakere, bare {pct} av det som var ventet på dette "
             "tidspunktet.",
        _EN: "The pilot has {n} participants, only {pct} of the number expected by now."},
    "reach.few_on_track": {
        _NB: "Piloten har {n} deltakere, så mange som ventet på dette tidspunktet.",
        _EN: "The pilot has {n} participants, as many as expected by now."},
    "reach.few_behind": {
        _NB: "Piloten har {n} deltakere, noe færre enn ventet på dette tidspunktet.",
        _EN: "The pilot has {n} participants, somewhat fewer than expected by now."},
    "reach.few_far_behind": {
        _NB: "Piloten har {n} deltakere, langt færre enn ventet på dette tidspunktet.",
        _EN: "The pilot has {n} participants, far fewer than expected by now."},
    "reach.no_target": {
        _NB: "Piloten har {n} deltakere, men ikke et mål for antall deltakere å måle mot.",
        _EN: "The pilot has {n} participants, but no reach target to compare with."},
    "cost.on_budget": {
        _NB: "Piloten har brukt {used} av tilsagnet etter {elapsed} av perioden.",
        _EN: "The pilot has spent {used} of its grant after {elapsed} of the period."},
    "cost.overspending": {
        _NB: "Piloten har brukt {used} av tilsagnet etter {elapsed} av perioden, litt "
             "raskere enn planen.",
        _EN: "The pilot has spent {used} of its grant after {elapsed} of the period, a "
             "little faster than planned."},
    "cost.far_overspending": {
        _NB: "Piloten har brukt {used} av tilsagnet etter {elapsed} av perioden, mye "
             "raskere enn planen.",
        _EN: "The pilot has spent {used} of its grant after {elapsed} of the period, much "
             "faster than planned."},
    "cost.underspending": {
        _NB: "Piloten har brukt {used} av tilsagnet etter {elapsed} av perioden, mye "
             "saktere enn planen.",
        _EN: "The pilot has spent {used} of its grant after {elapsed} of the period, much "
             "more slowly than planned."},
    "outcome.change": {
        _NB: "{label} {verb} {x} {unit} fra før til etter (95\u00a0% KI {ci}), {judgement}.",
        _EN: "{label} {verb} {x} {unit} from before to after (95% CI {ci}), {judgement}."},
    "outcome.change_did": {
        _NB: "{label} {verb} {x} {unit} mer enn i sammenligningsgruppen (95\u00a0% KI {ci}), "
             "{judgement}.",
        _EN: "{label} {verb} {x} {unit} more than in the comparison group (95% CI {ci}), "
             "{judgement}."},
    "outcome.verb_up": {_NB: "økte med", _EN: "rose by"},
    "outcome.verb_down": {_NB: "gikk ned med", _EN: "fell by"},
    "outcome.verb_up_did": {_NB: "økte", _EN: "rose"},
    "outcome.verb_down_did": {_NB: "gikk ned", _EN: "fell"},
    "outcome.judge_green": {
        _NB: "over minste betydningsfulle endring på {mid} {unit}",
        _EN: "above the minimal important difference of {mid} {unit}"},
    "outcome.judge_green_may": {
        _NB: "kanskje stor nok til å bety noe (minste betydningsfulle endring er {mid} {unit})",
        _EN: "perhaps large enough to matter (the minimal important difference is {mid} "
             "{unit})"},
    "outcome.judge_red": {
        _NB: "klart under minste betydningsfulle endring på {mid} {unit}",
        _EN: "clearly below the minimal important difference of {mid} {unit}"},
    "outcome.judge_yellow": {
        _NB: "men vi vet ikke om endringen når minste betydningsfulle endring på {mid} {unit}",
        _EN: "but we cannot tell whether it reaches the minimal important difference of "
             "{mid} {unit}"},
    "outcome.none_measured": {
        _NB: "Ingen deltakere er målt både før og etter ennå.",
        _EN: "No participant has been measured both before and after yet."},
    "outcome.few_measured": {
        _NB: "{n} deltakere er målt både før og etter, og det trengs minst {need} for å si "
             "noe sikkert.",
        _EN: "{n} participants are measured both before and after; at least {need} are "
             "needed to tell."},
    # a sentence never starts with a numeral (Språkrådet): "Bare 5 deltakere", not "5 deltakere"
    "outcome.few_measured_n": {
        _NB: "Bare {n} deltakere er målt både før og etter. Det trengs minst {need} for å si "
             "noe sikkert.",
        _EN: "Only {n} participants are measured both before and after; at least {need} "
             "are needed to tell."},
    # -- one-line recommendation reasons (status table)
    "rec.line": {_NB: "{word} {dash} {reason}", _EN: "{word} {dash} {reason}"},
    "rec.up": {_NB: "{label} opp {x} {unit}", _EN: "{label} up {x} {unit}"},
    "rec.down": {_NB: "{label} ned {x} {unit}", _EN: "{label} down {x} {unit}"},
    "rec.sure": {_NB: "sikker bedring", _EN: "a clear improvement"},
    "rec.unsure": {_NB: "usikkert om det er nok", _EN: "unclear if it is enough"},
    "rec.may_matter": {_NB: "bedring, kanskje stor nok til å bety noe",
                       _EN: "an improvement, perhaps large enough to matter"},
    "rec.no_comparison": {_NB: "uten sammenligningsgruppe", _EN: "no comparison group"},
    "rec.weak_evidence": {_NB: "{level} evidensstyrke", _EN: "{level} evidence"},
    "rec.no_clear_change": {_NB: "{label} uten sikker endring", _EN: "{label} with no clear change"},
    "rec.attrition": {_NB: "mange mangler oppfølging", _EN: "many follow-ups missing"},
    "rec.too_little": {_NB: "for lite til å bety noe", _EN: "too little to matter"},
    "rec.too_little_early": {_NB: "for lite så langt", _EN: "too little so far"},
    "rec.reach_yellow": {_NB: "noe færre deltakere enn ventet",
                         _EN: "somewhat fewer participants than expected"},
    "rec.cost_over": {_NB: "bruker pengene litt raskt", _EN: "spending a little fast"},
    "rec.cost_under": {_NB: "bruker lite av pengene", _EN: "spending little of the grant"},
    "rec.reach_red": {_NB: "for få deltakere ({pct} av ventet)",
                      _EN: "too few participants ({pct} of expected)"},
    "rec.reach_red_few": {_NB: "for få deltakere", _EN: "too few participants"},
    "rec.cost_red": {_NB: "har brukt {used} av tilsagnet etter {elapsed} av tiden",
                     _EN: "has spent {used} of the grant after {elapsed} of the time"},
    "rec.reach_and_cost_red": {_NB: "for få deltakere og for raskt forbruk",
                               _EN: "too few participants and spending too fast"},
    "rec.measured": {_NB: "bare {n} målt før og etter, trenger {need}",
                     _EN: "only {n} measured before and after, {need} needed"},
    "rec.measured_few": {_NB: "{n} målt før og etter, trenger {need}",
                         _EN: "{n} measured before and after, {need} needed"},
    "rec.measured_none": {_NB: "ingen målt før og etter ennå",
                          _EN: "nobody measured before and after yet"},
    "rec.no_outcome_data": {_NB: "ingen resultatmålinger ennå", _EN: "no outcome data yet"},
    "rec.not_estimable": {_NB: "endringen kan ikke beregnes", _EN: "the change cannot be "
                                                                    "estimated"},
    "rec.not_started": {_NB: "piloten har ikke startet", _EN: "the pilot has not started"},
    # -- counts in running text
    "people.fewer_than": {_NB: "færre enn {n}", _EN: "fewer than {n}"},
    "people.about": {_NB: "om lag {n}", _EN: "about {n}"},
    "people.at_least": {_NB: "minst {n}", _EN: "at least {n}"},
    "people.none": {_NB: "ingen", _EN: "no"},
    # -- summary page
    "sum.money": {
        _NB: "Pilotene har brukt {spent} av {budget} fra fondet. Det er {share}.",
        _EN: "The pilots have spent {spent} of the fund's {budget}. That is {share}."},
    "sum.time": {
        _NB: "Det har gått {m} av {total} måneder av avtalen.",
        _EN: "So far, {m} of the agreement's {total} months have passed."},
    "sum.cofunding": {
        _NB: "Andre har lagt til {amount}, i penger og arbeidstid.",
        _EN: "Others have added {amount}, in money and working time."},
    "sum.reach": {
        _NB: "Pilotene har nådd {n} {who}.",
        _EN: "The pilots have reached {n} {who}."},
    # with people in more than one pilot: the count of enrolments, as the reach table's total
    "sum.reach_enrolments": {
        _NB: "Pilotene har {n} deltakere.", _EN: "The pilots have {n} participants."},
    "sum.overlap": {
        _NB: "Noen av deltakerne er med i mer enn én pilot.",
        _EN: "Some participants take part in more than one pilot."},
    "sum.coverage": {
        _NB: "Det er {pct} av de {population} {who} i {groups}.",
        _EN: "That is {pct} of the {population} {who} in {groups}."},
    "sum.coverage_lower": {
        _NB: "Andelen kan være høyere, fordi befolkningstallene ikke viser alle områdene "
             "pilotene gjelder.",
        _EN: "The share may be higher, because the population figures do not show all the "
             "areas the pilots serve."},
    "sum.groups": {_NB: "pilotenes målgrupper", _EN: "the pilots' target groups"},
    "sum.groups_one": {_NB: "pilotens målgruppe", _EN: "the pilot's target group"},
    "sum.who_young_def": {_NB: "barna og de unge", _EN: "children and young people"},
    "sum.who_all_def": {_NB: "innbyggerne", _EN: "residents"},
    "sum.target": {
        _NB: "Målet er {n} deltakere til sammen.",
        _EN: "The target is {n} participants in all."},
    "sum.who_young": {_NB: "barn og unge", _EN: "children and young people"},
    "sum.who_all": {_NB: "innbyggere", _EN: "residents"},
    "sum.green_did": {
        _NB: "{label} {verb} om lag {x} {unit} mer i {name} enn hos dem som ikke var med.",
        _EN: "{label} {verb} by about {x} {unit} more in {name} than among those who did "
             "not take part."},
    "sum.sure": {
        _NB: "Vi er nokså sikre på at {change} er mellom {lo} og {hi} {unit}. Det er nok "
             "til å bety noe.",
        _EN: "We are fairly sure that the {change} is between {lo} and {hi} {unit}. That "
             "is enough to matter."},
    "sum.yellow": {
        _NB: "Vi vet ikke om {change} er stor nok til å bety noe. Den er trolig mellom "
             "{lo} og {hi} {unit}.",
        _EN: "We cannot tell if the {change} is large enough to matter. It is probably "
             "between {lo} and {hi} {unit}."},
    "sum.may_matter": {
        _NB: "Vi er nokså sikre på at {change} er mellom {lo} og {hi} {unit}. Den kan være "
             "stor nok til å bety noe.",
        _EN: "We are fairly sure that the {change} is between {lo} and {hi} {unit}. It may "
             "be large enough to matter."},
    "sum.before_after": {
        _NB: "{label} {verb} om lag {x} {unit} fra før til etter i {name}.",
        _EN: "{label} {verb} by about {x} {unit} from before to after in {name}."},
    "sum.capped": {
        _NB: "Endringen er trolig mellom {lo} og {hi} {unit}, men {why}.",
        _EN: "The change is probably between {lo} and {hi} {unit}, but {why}."},
    "sum.why.change_without_comparison": {
        _NB: "uten sammenligningsgruppe vet vi ikke hvor mye av den piloten står for",
        _EN: "without a comparison group we cannot tell how much of it is the pilot's doing"},
    "sum.why.evidence_too_weak": {
        _NB: "evidensstyrken er {rating}, så vi vet ikke sikkert om piloten står for den",
        _EN: "the evidence is {rating}, so we cannot be sure the pilot caused it"},
    "sum.why.attrition_too_high": {
        _NB: "mange mangler oppfølgingsmåling, så den kan være for høy",
        _EN: "many follow-ups are missing, so it may be too high"},
    "sum.yellow_cross": {
        _NB: "Vi vet ikke om det er en reell endring. Den kan være alt fra {lo} til {hi}.",
        _EN: "We cannot tell if the change is real. It could be anything from {lo} to {hi}."},
    "sum.red": {
        _NB: "{label} endret seg lite i {name}. Endringen er trolig under {mid} {unit}, "
             "som er grensen for en endring som betyr noe.",
        _EN: "{label} changed little in {name}. The change is probably below {mid} {unit}, "
             "the smallest change that matters."},
    "sum.verb_up": {_NB: "økte", _EN: "rose"},
    "sum.verb_down": {_NB: "gikk ned", _EN: "fell"},
    "sum.noun_up": {_NB: "økningen", _EN: "increase"},
    "sum.noun_down": {_NB: "nedgangen", _EN: "decrease"},
    "sum.rise_of": {_NB: "en økning på {x}", _EN: "a rise of {x}"},
    "sum.fall_of": {_NB: "en nedgang på {x}", _EN: "a fall of {x}"},
    "sum.grey": {
        _NB: "For {names} er det for tidlig å si noe om resultatene.",
        _EN: "For {names} it is too early to say anything about outcomes."},
    "sum.not_started": {
        _NB: "{names} har ikke startet ennå.",
        _EN: "{names} has not started yet."},
    "sum.none_yet": {
        _NB: "Det er for tidlig å si hva som har endret seg. For få er målt før og etter.",
        _EN: "It is too early to say what has changed. Too few are measured before and "
             "after."},
    "sum.none_measured": {
        _NB: "Det er for tidlig å si hva som har endret seg. Ingen er målt både før og etter "
             "ennå.",
        _EN: "It is too early to say what has changed. Nobody has been measured both before "
             "and after yet."},
    "sum.unknown": {
        _NB: "Vi vet ennå ikke om endringene varer etter at pilotene er slutt.",
        _EN: "We do not know yet whether the changes last after the pilots end."},
    "sum.its_down": {
        _NB: "Etter at {name} startet, kom det i hele kommunen om lag {pct} færre {what} enn "
             "trenden fra før tilsa (trolig mellom {lo} og {hi} færre).",
        _EN: "After {name} started, there were about {pct} fewer {what} across the "
             "municipality than the earlier trend predicted (probably between {lo} and {hi} "
             "fewer)."},
    "sum.its_up": {
        _NB: "Etter at {name} startet, kom det i hele kommunen om lag {pct} flere {what} enn "
             "trenden fra før tilsa (trolig mellom {lo} og {hi} flere).",
        _EN: "After {name} started, there were about {pct} more {what} across the "
             "municipality than the earlier trend predicted (probably between {lo} and {hi} "
             "more)."},
    "sum.its_unclear": {
        _NB: "Tallet på {what} i hele kommunen endret seg ikke tydelig etter at {name} "
             "startet.",
        _EN: "The number of {what} across the municipality did not change clearly after "
             "{name} started."},
    "sum.its_cause": {
        _NB: "Tallet gjelder hele kommunen, ikke bare deltakerne, så vi vet ikke om piloten "
             "er årsaken.",
        _EN: "The figure covers the whole municipality, not only the participants, so we do "
             "not know whether the pilot is the cause."},
    "sum.and": {_NB: "og", _EN: "and"},
    "caveat.comparison_one": {
        _NB: "Bare 1 av {n} piloter har en gruppe å sammenligne med. For de andre vet vi "
             "ikke hva som ville skjedd uten piloten.",
        _EN: "Only 1 of {n} pilots has a comparison group. For the others we do not know "
             "what would have happened without the pilot."},
    "caveat.comparison_some": {
        _NB: "Bare {k} av {n} piloter har en gruppe å sammenligne med. For de andre vet vi "
             "ikke hva som ville skjedd uten piloten.",
        _EN: "Only {k} of {n} pilots have a comparison group. For the others we do not "
             "know what would have happened without the pilot."},
    "caveat.comparison_none": {
        _NB: "Ingen av pilotene har en gruppe å sammenligne med. Vi vet derfor ikke hva "
             "som ville skjedd uten dem.",
        _EN: "None of the pilots has a comparison group. So we do not know what would have "
             "happened without them."},
    "caveat.followup": {
        _NB: "Vi mangler måling nummer to for {pct} av dem som ble målt ved start.",
        _EN: "The second measurement is missing for {pct} of those measured at the start."},
    "caveat.followup_active": {
        _NB: "Vi mangler måling nummer to for {pct} av dem som ble målt ved start. De "
             "fleste av dem er fortsatt med, så målingen kommer senere.",
        _EN: "The second measurement is missing for {pct} of those measured at the start. "
             "Most of them are still taking part, so it will come later."},
    # nobody has a second measurement: the outcome text says "nobody is measured before and
    # after yet" already, so the caveat only says why that is no failure
    "caveat.followup_later": {
        _NB: "De fleste som ble målt ved start, er fortsatt med. Den andre målingen kommer "
             "senere.",
        _EN: "Most of those measured at the start are still taking part. Their second "
             "measurement will come later."},
    "caveat.projected": {
        _NB: "Verdien for samfunnet etter pilotperioden er et anslag ut fra forutsetninger. "
             "Den er ikke målt.",
        _EN: "The value to society after the pilot period is projected from assumptions. "
             "It is not observed."},
    "caveat.warnings": {
        _NB: "Dataene har {n} advarsler. Du finner dem under datakvalitet.",
        _EN: "There are {n} warnings about the data; see Data quality."},
    "caveat.warnings_one": {
        _NB: "Dataene har 1 advarsel. Du finner den under datakvalitet.",
        _EN: "There is 1 warning about the data; see Data quality."},
    # -- caveats of one pilot (its report)
    "caveat.pilot_no_comparison": {
        _NB: "Piloten har ingen gruppe å sammenligne med. Vi vet derfor ikke hva som ville "
             "skjedd uten den.",
        _EN: "The pilot has no comparison group. So we do not know what would have happened "
             "without it."},
    "caveat.pilot_warnings": {
        _NB: "Dataene til piloten har {n} advarsler. Du finner dem under datakvalitet.",
        _EN: "There are {n} warnings about the pilot's data; see Data quality."},
    "caveat.pilot_warnings_one": {
        _NB: "Dataene til piloten har 1 advarsel. Du finner den under datakvalitet.",
        _EN: "There is 1 warning about the pilot's data; see Data quality."},
    # -- money of one pilot (its summary)
    "pilot.money": {
        _NB: "Piloten har brukt {spent} av tilsagnet på {grant} fra fondet.",
        _EN: "The pilot has spent {spent} of its {grant} grant from the fund."},
    "pilot.money_not_started": {
        _NB: "Piloten har et tilsagn på {grant} fra fondet.",
        _EN: "The pilot has a grant of {grant} from the fund."},
    "pilot.money_no_grant": {
        _NB: "Piloten har brukt {spent} fra fondet, men har ikke et tilsagn å måle mot.",
        _EN: "The pilot has spent {spent} from the fund, but has no grant to measure it "
             "against."},
    "pilot.shares": {
        _NB: "Det er {used} av tilsagnet. Det har gått {elapsed} av pilotperioden.",
        _EN: "That is {used} of the grant. So far, {elapsed} of the pilot period has passed."},
    "pilot.pace.on_budget": {
        _NB: "Pengebruken følger tiden.", _EN: "Spending keeps pace with time."},
    "pilot.pace.on_budget_slow": {
        _NB: "Piloten bruker pengene noe saktere enn planen. Det er innenfor det reglene "
             "regner som godt.",
        _EN: "The pilot spends somewhat more slowly than planned. That is within what the "
             "rules count as good."},
    "pilot.pace.overspending": {
        _NB: "Piloten bruker pengene litt raskere enn planen.",
        _EN: "The pilot spends a little faster than planned."},
    "pilot.pace.far_overspending": {
        _NB: "Piloten bruker pengene mye raskere enn planen.",
        _EN: "The pilot spends much faster than planned."},
    "pilot.pace.underspending": {
        _NB: "Piloten bruker pengene mye saktere enn planen. Det kan bety at arbeidet er "
             "forsinket, eller at det koster mindre enn ventet.",
        _EN: "The pilot spends much more slowly than planned. The work may be delayed, or "
             "cost less than expected."},
    "outcome_basis.primary": {
        _NB: "Statusen for resultater bygger på pilotens hovedmål, {label}.",
        _EN: "The outcome status rests on the pilot's main measure, {label}."},
    "outcome_basis.primary_future": {
        _NB: "Resultatene skal vurderes ut fra pilotens hovedmål, {label}.",
        _EN: "Outcomes will be judged on the pilot's main measure, {label}."},
    # a pilot not started: one sentence instead of one per dimension
    "pilot.not_started": {
        _NB: "Piloten har ikke startet ennå. Rekkevidde, økonomi og resultater kan derfor "
             "ikke vurderes.",
        _EN: "The pilot has not started yet, so its reach, cost and outcomes cannot be "
             "judged."},
    "outcome_basis.first_measured": {
        _NB: "Piloten har ikke valgt et hovedmål. Statusen for resultater bygger på det "
             "første målet som er målt, {label}.",
        _EN: "The pilot has not chosen a main measure. The outcome status rests on the first "
             "measure taken, {label}."},
    "pilot.forecast": {
        _NB: "Fortsetter den i samme tempo, har den brukt {forecast} når perioden er slutt.",
        _EN: "At the same pace, it will have spent {forecast} when the period ends."},
    # -- changes since the last report (present.changes); {date} is the earlier report's
    "changes.heading": {
        _NB: "Endringer siden forrige rapport", _EN: "Changes since the last report"},
    "changes.heading_dated": {
        _NB: "Endringer siden forrige rapport ({date})",
        _EN: "Changes since the last report ({date})"},
    "changes.first": {
        _NB: "Det finnes ingen tidligere rapport å sammenligne med. Neste rapport viser hva "
             "som har endret seg siden denne.",
        _EN: "There is no earlier report to compare with. The next report will show what "
             "has changed since this one."},
    "changes.later": {
        _NB: "Den siste rapporten vi har, gjelder en senere dato ({date}), så den er ikke en "
             "tidligere rapport. Vi sammenligner ikke med den.",
        _EN: "The latest report we have is for a later date ({date}), so it is not an "
             "earlier report. We do not compare with it."},
    "changes.same": {
        _NB: "Rapporten bygger på de samme dataene og gjelder den samme datoen som rapporten "
             "laget {made}. Ingenting er endret siden da.",
        _EN: "The report rests on the same data and is for the same date as the report made "
             "on {made}. Nothing has changed since then."},
    "changes.unreadable": {
        _NB: "Forrige rapport ({date}) kunne ikke leses, så vi kan ikke si hva som er endret "
             "siden da.",
        _EN: "The last report ({date}) could not be read, so we cannot say what has changed "
             "since then."},
    "changes.intro": {
        _NB: "Her ser du hva som har endret seg siden forrige rapport, som viste situasjonen "
             "per {date}.",
        _EN: "This section shows what has changed since the last report, which showed the "
             "situation as of {date}."},
    "changes.total_up": {
        _NB: "Pilotene har til sammen {n} flere deltakere enn ved forrige rapport.",
        _EN: "Together, the pilots have {n} more participants than at the last report."},
    "changes.total_down": {
        _NB: "Pilotene har til sammen {n} færre deltakere enn ved forrige rapport.",
        _EN: "Together, the pilots have {n} fewer participants than at the last report."},
    "changes.total_same": {
        _NB: "Pilotene har like mange deltakere som ved forrige rapport.",
        _EN: "The pilots have as many participants as at the last report."},
    "changes.money_up": {
        _NB: "Pilotene har brukt {amount} mer fra fondet.",
        _EN: "The pilots have spent {amount} more from the fund."},
    "changes.money_down": {
        _NB: "Pengene brukt fra fondet er {amount} lavere enn ved forrige rapport.",
        _EN: "The money spent from the fund is {amount} lower than at the last report."},
    "changes.money_same": {
        _NB: "Pilotene har ikke brukt mer fra fondet.",
        _EN: "The pilots have spent no more from the fund."},
    "changes.rated.one": {
        _NB: "{n} pilot har fått en annen vurdering.",
        _EN: "{n} pilot has been rated differently."},
    "changes.rated.other": {
        _NB: "{n} piloter har fått en annen vurdering.",
        _EN: "{n} pilots have been rated differently."},
    "changes.rated_none": {
        _NB: "Ingen pilot har fått en annen vurdering.",
        _EN: "No pilot has been rated differently."},
    "changes.results.one": {
        _NB: "{n} resultat for innbyggerne vises for første gang; hvor sterk evidensen er, "
             "står ved resultatet.",
        _EN: "{n} result for residents is shown for the first time; how strong its evidence "
             "is, is said beside it."},
    "changes.results.other": {
        _NB: "{n} resultater for innbyggerne vises for første gang; hvor sterk evidensen er, "
             "står ved hvert av dem.",
        _EN: "{n} results for residents are shown for the first time; how strong the "
             "evidence is, is said beside each."},
    "changes.same_inputs": {
        _NB: "Datafilene er de samme som ved forrige rapport. Endringene kommer av at denne "
             "rapporten gjelder en senere dato.",
        _EN: "The data files are the same as for the last report. The changes come from this "
             "report being for a later date."},
    "changes.nothing": {
        _NB: "Ingen tall, vurderinger eller resultater er endret siden forrige rapport.",
        _EN: "No figures, ratings or results have changed since the last report."},
    "changes.pilot_new": {
        _NB: "Piloten var ikke med i forrige rapport.",
        _EN: "The pilot was not in the last report."},
    "changes.pilot_gone": {
        _NB: "{name} var med i forrige rapport, men ikke i denne.",
        _EN: "{name} was in the last report, but is not in this one."},
    # a pilot's participants; {now} is a count of at least {k}, or "færre enn 5"
    "changes.enrolled_up": {
        _NB: "Piloten har {now} deltakere, {n} flere enn ved forrige rapport.",
        _EN: "The pilot has {now} participants, {n} more than at the last report."},
    "changes.enrolled_down": {
        _NB: "Piloten har {now} deltakere, {n} færre enn ved forrige rapport.",
        _EN: "The pilot has {now} participants, {n} fewer than at the last report."},
    "changes.enrolled_same": {
        _NB: "Piloten har {now} deltakere, like mange som ved forrige rapport.",
        _EN: "The pilot has {now} participants, as many as at the last report."},
    "changes.enrolled_now": {
        _NB: "Piloten har {now} deltakere.", _EN: "The pilot has {now} participants."},
    "changes.enrolled_was_small": {
        _NB: "Piloten har {now} deltakere. Ved forrige rapport var det færre enn {k}.",
        _EN: "The pilot has {now} participants. At the last report there were fewer than "
             "{k}."},
    "changes.money_pilot_up": {
        _NB: "Piloten har brukt {now} fra fondet, {amount} mer enn ved forrige rapport.",
        _EN: "The pilot has spent {now} from the fund, {amount} more than at the last "
             "report."},
    "changes.money_pilot_down": {
        _NB: "Piloten har brukt {now} fra fondet. Det er {amount} mindre enn ved forrige "
             "rapport.",
        _EN: "The pilot has spent {now} from the fund. That is {amount} less than at the "
             "last report."},
    "changes.money_pilot_same": {
        _NB: "Piloten har brukt {now} fra fondet, like mye som ved forrige rapport.",
        _EN: "The pilot has spent {now} from the fund, as much as at the last report."},
    # "Rekkevidde: usikker → god"
    "changes.status": {_NB: "{what}: {before} → {after}", _EN: "{what}: {before} → {after}"},
    "changes.result_new": {
        _NB: "Nytt resultat: {label} (evidensen er {rating})",
        _EN: "New result: {label} ({rating} evidence)"},
    "changes.result_new_unrated": {
        _NB: "Nytt resultat: {label}", _EN: "New result: {label}"},
    "changes.result_gone": {
        _NB: "{label}: resultatet vises ikke lenger",
        _EN: "{label}: the result is no longer shown"},
    "changes.rating": {
        _NB: "{label}: evidensen er nå {after} (var {before})",
        _EN: "{label}: the evidence is now {after} (was {before})"},
    "changes.rated_pilot_none": {
        _NB: "Ingen vurderinger eller resultater er endret.",
        _EN: "No ratings or results have changed."},
    # deliveries (deliveries/log.jsonl) with corrections, after the last report was made
    "changes.corrected_reported": {
        _NB: "Data for perioder som alt var rapportert, er rettet ({name}, levert {dates}).",
        _EN: "Data for periods already reported have been corrected ({name}, delivered "
             "{dates})."},
    "changes.corrected_delivered": {
        _NB: "Data som alt var levert, er rettet ({name}, levert {dates}).",
        _EN: "Data already delivered have been corrected ({name}, delivered {dates})."},
    # the changes table
    "changes.note_small": {
        _NB: "«+<{k}» og «−<{k}»: 1–{k1} flere eller færre. Det nøyaktige tallet vises ikke, "
             "av personvernhensyn.",
        _EN: "'+<{k}' and '−<{k}': 1–{k1} more or fewer. The exact number is not shown, to "
             "protect privacy."},
    "changes.note_hidden": {
        _NB: "«:»: endringen vises ikke, fordi et av tallene den bygger på er skjult.",
        _EN: "':': the change is not shown, because one of the numbers it rests on is "
             "hidden."},
    "changes.note_new": {
        _NB: "«ny»: piloten var ikke med i forrige rapport.",
        _EN: "'new': the pilot was not in the last report."},
    # -- data quality
    "quality.none": {
        _NB: "Vi fant ingen feil eller advarsler i dataene.",
        _EN: "We found no errors or warnings in the data."},
    "quality.one": {
        _NB: "Vi fant 1 advarsel i dataene. Den står i tabellen nedenfor. Advarselen "
             "stopper ikke rapporten, men bør sjekkes.",
        _EN: "We found 1 warning in the data. It is in the table below. It does not stop "
             "the report, but should be checked."},
    "quality.many": {
        _NB: "Vi fant {n} advarsler i dataene. De står i tabellen nedenfor. Advarslene "
             "stopper ikke rapporten, men bør sjekkes.",
        _EN: "We found {n} warnings in the data. They are in the table below. They do not "
             "stop the report, but should be checked."},
    "quality.pilot_none": {
        _NB: "Vi fant ingen feil eller advarsler i dataene om denne piloten.",
        _EN: "We found no errors or warnings in the data about this pilot."},
    "quality.pilot_scope": {
        _NB: "Her står bare advarsler om denne piloten og advarsler som ikke gjelder én "
             "bestemt pilot.",
        _EN: "Only warnings about this pilot, and warnings about no pilot in particular, are "
             "listed here."},
    # -- table notes
    "table.small_cells": {
        _NB: "«<{n}»: færre enn {n} personer. Små tall vises ikke, av personvernhensyn.",
        _EN: "'<{n}': fewer than {n} people. Small numbers are not shown, to protect "
             "privacy."},
    "table.complementary": {
        _NB: "«:»: skjult for at de små tallene ikke skal kunne regnes ut fra summen.",
        _EN: "':': hidden so that the small numbers cannot be worked out from the total."},
    "table.derived": {
        _NB: "«–»: ikke beregnet, eller bygger på færre enn {n} personer og vises ikke.",
        _EN: "'–': not computed, or based on fewer than {n} people and not shown."},
    "table.more_rows": {
        _NB: "Tabellen viser de første {shown} av {total} radene.",
        _EN: "The table shows the first {shown} of {total} rows."},
    # -- after the agreement (present/after.py; issue 13)
    "after.line": {
        _NB: "{pilot}: om lag {cost} per år ({span}) for om lag {n} nye deltakere per år.",
        _EN: "{pilot}: about {cost} a year ({span}) for about {n} new participants a year."},
    "after.line.no_range": {
        _NB: "{pilot}: om lag {cost} per år for om lag {n} nye deltakere per år.",
        _EN: "{pilot}: about {cost} a year for about {n} new participants a year."},
    "after.line.missing": {
        _NB: "{pilot}: kan ikke regnes ut ennå, fordi {why}.",
        _EN: "{pilot}: cannot be worked out yet, because {why}."},
    "after.why.not_started": {_NB: "piloten ikke har startet", _EN: "the pilot has not started"},
    "after.why.no_participants": {_NB: "ingen er med ennå", _EN: "nobody takes part yet"},
    "after.why.only_start_up": {
        _NB: "alle kostnadene er merket som oppstartskostnader",
        _EN: "every cost is marked as a start-up cost"},
    "after.why.too_few": {
        _NB: "det er for få deltakere til å regne ut hva en deltaker koster",
        _EN: "there are too few participants to work out what a participant costs"},
    "after.summary.lead": {
        _NB: "Skal pilotene fortsette som i dag, koster de om lag {total} per år i alt. Det er "
             "hele kostnaden, uansett hvem som betaler, uten oppstartskostnader:",
        _EN: "If the pilots continue as today, they cost about {total} a year in all. That is "
             "the whole cost, whoever pays, without start-up costs:"},
    "after.summary.lead.partial": {
        _NB: "Dette vil hver pilot koste per år hvis den fortsetter som i dag. Det er hele "
             "kostnaden, uansett hvem som betaler, uten oppstartskostnader:",
        _EN: "This is what each pilot would cost a year if it continues as today. That is the "
             "whole cost, whoever pays, without start-up costs:"},
    "after.summary.lead.one": {
        _NB: "Skal piloten fortsette som i dag, koster den om lag {cost} per år ({span}). "
             "Det er hele kostnaden, uansett hvem som betaler, uten oppstartskostnader.",
        _EN: "If the pilot continues as today, it costs about {cost} a year ({span}). "
             "That is the whole cost, whoever pays, without start-up costs."},
    "after.scenarios.lead": {
        _NB: "Tabellen viser hva det vil koste per år hvis {who} fortsetter som i dag, når målet "
             "for antall deltakere, eller når {share} av målgruppen hvert år. "
             "Oppstartskostnader er holdt utenfor, og faste kostnader er holdt like. Lav og "
             "høy viser hvor mye kostnaden per deltaker har variert fra måned til måned.",
        _EN: "The table shows what it would cost a year if {who} continue as today, reach the "
             "participant target, or reach {share} of the target group each year. Start-up "
             "costs are left out, and fixed costs are kept as they are. Low and high show how "
             "much the cost per participant has varied from month to month."},
    "after.scenarios.lead.untyped": {
        _NB: "Tabellen viser hva det vil koste per år hvis {who} fortsetter som i dag, når målet "
             "for antall deltakere, eller når {share} av målgruppen hvert år. Lav og høy viser "
             "hvor mye kostnaden per deltaker har variert fra måned til måned.",
        _EN: "The table shows what it would cost a year if {who} continue as today, reach the "
             "participant target, or reach {share} of the target group each year. Low and high "
             "show how much the cost per participant has varied from month to month."},
    "after.target_below_today": {
        _NB: "{pilots}: har allerede flere nye deltakere per år enn målet tilsier. «Nå "
             "deltakermålet» betyr der færre deltakere og lavere kostnad enn i dag.",
        _EN: "{pilots}: already has more new participants a year than the target implies. "
             "\u201cReach the target\u201d there means fewer participants and a lower cost "
             "than today."},
    "after.who": {_NB: "pilotene", _EN: "the pilots"},
    "after.who.one": {_NB: "piloten", _EN: "the pilot"},
    "after.payer": {
        _NB: "Vi regner med at kommunen betaler hele kostnaden, også det fondet, Ferd, "
             "entreprenøren og andre betaler i dag, og innsats i form av arbeid og lokaler. "
             "Nåverdien er regnet med {rate} diskonteringsrente per år.",
        _EN: "We assume the municipality pays the whole cost, including what the fund, Ferd, "
             "the entrepreneur and others pay today, and contributions in work and premises. "
             "The present value uses a discount rate of {rate} a year."},
    "after.no_cost_types": {
        _NB: "Kostnadene er ikke merket som oppstart, faste eller variable. Alle er derfor "
             "regnet som kostnader som øker med antall deltakere, og flere deltakere ser "
             "trolig dyrere ut her enn de vil bli.",
        _EN: "The costs are not marked as start-up, fixed or variable. All are therefore "
             "counted as costs that grow with the number of participants, so more "
             "participants probably look dearer here than they would be."},
    "after.far_beyond": {
        _NB: "{pilots}: minst ett av tilfellene betyr mer enn dobbelt så mange deltakere som "
             "i dag. Da er det usikkert om de faste kostnadene og prisen per deltaker holder "
             "seg.",
        _EN: "{pilots}: at least one case means more than twice as many participants as "
             "today. Whether fixed costs and the price per participant hold at that scale is "
             "uncertain."},
    "after.few_months": {
        _NB: "{pilots}: piloten har gått i mindre enn et halvt år, så tallene per år er "
             "usikre.",
        _EN: "{pilots}: the pilot has run for less than half a year, so the yearly figures "
             "are uncertain."},
    "after.promise.heading": {
        _NB: "Hva kan vi vente av resultater?", _EN: "What results can we expect?"},
    "after.promise.effect": {
        _NB: "{pilot}: {measure} ble bedre med {improvement} ({evidence} evidens), målt mot "
             "sammenligningsgruppen. Drives piloten på samme måte for flere, er det rimelig å "
             "vente en lignende forbedring, men det er ikke sikkert.",
        _EN: "{pilot}: {measure} improved by {improvement} ({evidence} evidence), measured "
             "against the comparison group. If the pilot is run the same way for more people, "
             "a similar improvement is a reasonable expectation, but not a certainty."},
    "after.promise.far_beyond": {
        _NB: "Det gjelder minst av alt et tilbud mange ganger større enn i dag.",
        _EN: "That holds least of all for a service many times larger than today's."},
    "after.promise.uncertain": {
        _NB: "{pilot}: resultatene er for usikre til å love noe for flere deltakere "
             "({evidence} evidens).",
        _EN: "{pilot}: the results are too uncertain to promise anything for more "
             "participants ({evidence} evidence)."},
    "after.promise.no_effect": {
        _NB: "{pilot}: resultatene viser ingen forbedring som betyr noe ({evidence} evidens). "
             "Flere deltakere gir ikke i seg selv bedre resultater.",
        _EN: "{pilot}: the results show no improvement that matters ({evidence} evidence). "
             "More participants do not by themselves bring better results."},
    "after.promise.uncertain.unrated": {
        _NB: "{pilot}: resultatene er for usikre til å love noe for flere deltakere.",
        _EN: "{pilot}: the results are too uncertain to promise anything for more "
             "participants."},
    "after.promise.unknown": {
        _NB: "{pilot}: vi vet ennå ikke om piloten virker. Flere deltakere gir ikke i seg "
             "selv bedre resultater.",
        _EN: "{pilot}: we do not know yet whether the pilot works. More participants do not "
             "by themselves bring better results."},
    "after.unit.heading": {
        _NB: "Sammenlignet med dagens tilbud", _EN: "Compared with today's service"},
    "after.unit.lead": {
        _NB: "Her sammenligner vi hva en deltaker i piloten koster per år med hva kommunen "
             "betaler for et lignende tilbud i dag. Tilbudene er ikke like: tallene sier hva "
             "en plass koster, ikke hva den gir.",
        _EN: "This compares what a participant in the pilot costs a year with what the "
             "municipality pays for a comparable service today. The services are not the "
             "same: the figures say what a place costs, not what it achieves."},
    "after.unit.line": {
        _NB: "{pilot} koster om lag {cost} per deltaker per år. {alternative} koster {alt_cost} "
             "({year}).",
        _EN: "{pilot} costs about {cost} per participant a year. {alternative} costs "
             "{alt_cost} ({year})."},
    "after.unit.cheaper": {
        _NB: "Piloten er om lag {diff} billigere per deltaker.",
        _EN: "The pilot is about {diff} cheaper per participant."},
    "after.unit.dearer": {
        _NB: "Piloten er om lag {diff} dyrere per deltaker.",
        _EN: "The pilot is about {diff} dearer per participant."},
    "after.unit.unclear": {
        _NB: "Om piloten er billigere eller dyrere, er usikkert: tallet for piloten kan ligge "
             "mellom {low} og {high}.",
        _EN: "Whether the pilot is cheaper or dearer is uncertain: the pilot's figure may lie "
             "between {low} and {high}."},
    "after.unit.too_early": {
        _NB: "{pilot}: for tidlig å sammenligne. Piloten har ennå ikke hatt et helt deltakerår "
             "med løpende kostnader, så tallet per deltaker ville vise oppstarten, ikke "
             "prisen.",
        _EN: "{pilot}: too early to compare. The pilot has not yet had one whole participant-"
             "year of running costs, so a figure per participant would show the start-up, "
             "not the price."},
    "after.unit.too_few": {
        _NB: "{pilot}: for få deltakere til å regne ut hva en deltaker koster per år.",
        _EN: "{pilot}: too few participants to work out what a participant costs a year."},
    "after.unit.price_year": {
        _NB: "Beløpene er ikke justert for prisvekst: dagens tilbud er oppgitt i {years}-kroner, "
             "pilotens kostnader i kroner fra årene de ble betalt.",
        _EN: "The amounts are not adjusted for price growth: today's services are given in "
             "{years} prices, the pilots' costs in the prices of the years they were paid."},
    "after.unit.none": {
        _NB: "Datamappen har ingen tall for hva kommunen betaler for lignende tilbud i dag "
             "(tabellen alternatives).",
        _EN: "The data folder has no figures for what the municipality pays for comparable "
             "services today (the alternatives table)."},
    "after.unit.none_for": {
        _NB: "{pilots}: ingen tall for et lignende tilbud.",
        _EN: "{pilots}: no figures for a comparable service."},
    "after.reach.heading": {
        _NB: "Hvem i målgruppen er minst nådd?", _EN: "Who in the target group is reached least?"},
    "after.reach.lead": {
        _NB: "Vi sammenligner deltakerne med målgruppen i kommunen. En gruppe som er en større "
             "del av målgruppen enn av deltakerne, er mindre nådd enn de andre.",
        _EN: "We compare the participants with the target group in the municipality. A group "
             "that is a larger part of the target group than of the participants is reached "
             "less than the others."},
    "after.reach.line": {
        _NB: "{pilot}: minst nådd er {groups}.", _EN: "{pilot}: reached least are {groups}."},
    "after.reach.group": {
        _NB: "{group} ({target} av målgruppen, {share} av deltakerne)",
        _EN: "{group} ({target} of the target group, {share} of the participants)"},
    "after.reach.group.hidden": {
        _NB: "{group} ({target} av målgruppen)", _EN: "{group} ({target} of the target group)"},
    "after.reach.group.few": {
        _NB: "{group} ({target} av målgruppen, færre enn {k} deltakere)",
        _EN: "{group} ({target} of the target group, fewer than {k} participants)"},
    "after.reach.even": {
        _NB: "{pilot}: deltakerne fordeler seg omtrent som målgruppen.",
        _EN: "{pilot}: the participants are spread about like the target group."},
    "after.reach.unresolved": {
        _NB: "{pilot}: ingen gruppe er klart minst nådd blant dem vi kan vise. Noen grupper er "
             "så små at vi ikke kan si mer uten å avsløre dem.",
        _EN: "{pilot}: no group is clearly reached least among those we can show. Some groups "
             "are so small that we cannot say more without revealing them."},
    "after.reach.unknown": {
        _NB: "{pilot}: vi kan ikke si hvem som er minst nådd, fordi {why}.",
        _EN: "{pilot}: we cannot say who is reached least, because {why}."},
    "after.reach.why.few": {
        _NB: "det er for få deltakere", _EN: "there are too few participants"},
    "after.reach.why.population": {
        _NB: "befolkningstallene ikke viser målgruppen fordelt på grupper",
        _EN: "the population figures do not show the target group by groups"},
    "after.reach.area": {
        _NB: "Befolkningstallene er ikke fordelt på områder i kommunen, så vi kan ikke si "
             "hvilke områder som er minst nådd.",
        _EN: "The population figures are not split by area of the municipality, so we cannot "
             "say which areas are reached least."},
    "after.enterprise.heading": {
        _NB: "Virksomhetene bak pilotene", _EN: "The enterprises behind the pilots"},
    "after.enterprise.heading.one": {
        _NB: "Virksomheten bak piloten", _EN: "The enterprise behind the pilot"},
    "after.enterprise.lead": {
        _NB: "Her ser du hvordan {who} tjener pengene sine, og hvor mye som kommer fra "
             "kommunen og fondet. Vi vurderer ikke virksomheten, vi viser tallene.",
        _EN: "This shows how {who} earns its money, and how much of it comes from the "
             "municipality and the fund. We do not judge the business; we show the figures."},
    "after.enterprise.who": {_NB: "virksomhetene", _EN: "each enterprise"},
    "after.enterprise.who.one": {_NB: "virksomheten", _EN: "the enterprise"},
    "after.enterprise.share": {
        _NB: "I {year} kom {share} av inntektene til {org} fra Bærum kommune (fondet og kjøp "
             "fra kommunen).",
        _EN: "In {year}, {share} of {org}'s income came from Bærum kommune (the fund and "
             "purchases by the municipality)."},
    "after.enterprise.less_dependent": {
        _NB: "I {year} var det {share}, så virksomheten er blitt mindre avhengig av kommunen.",
        _EN: "In {year} it was {share}, so the enterprise has become less dependent on the "
             "municipality."},
    "after.enterprise.more_dependent": {
        _NB: "I {year} var det {share}, så virksomheten er blitt mer avhengig av kommunen.",
        _EN: "In {year} it was {share}, so the enterprise has become more dependent on the "
             "municipality."},
    "after.enterprise.about_same": {
        _NB: "Det er omtrent som i {year} ({share}).",
        _EN: "That is about the same as in {year} ({share})."},
    "after.enterprise.part_year": {
        _NB: "Tallene for {year} gjelder bare deler av året.",
        _EN: "The figures for {year} cover part of the year only."},
    "after.enterprise.ferd": {
        _NB: "Ferd har investert {amount} i {org}. En investering er ikke en inntekt, og den "
             "står for seg i figuren.",
        _EN: "Ferd has invested {amount} in {org}. An investment is not income, and it is "
             "shown on its own in the chart."},
    "after.enterprise.none": {
        _NB: "Datamappen har ingen tall for virksomhetenes økonomi (tabellen finances).",
        _EN: "The data folder has no figures for the enterprises' finances (the finances "
             "table)."},
    "after.enterprise.missing": {
        _NB: "{orgs}: ingen tall for økonomien.", _EN: "{orgs}: no figures for the finances."},
    # command line: counts said with their plural (pilot-eval validate, the progress lines)
    "cli.errors.one": {_NB: "{n} feil", _EN: "{n} error"},
    "cli.errors.other": {_NB: "{n} feil", _EN: "{n} errors"},
    "cli.warnings.one": {_NB: "{n} advarsel", _EN: "{n} warning"},
    "cli.warnings.other": {_NB: "{n} advarsler", _EN: "{n} warnings"},
    "cli.validate.found": {
        _NB: "{errors} og {warnings} i {folder}.", _EN: "{errors} and {warnings} in {folder}."},
    "cli.validate.clean": {_NB: "{folder}: ingen feil.", _EN: "{folder}: no errors."},
    "cli.validate.clean_warnings": {
        _NB: "{folder}: ingen feil ({warnings}).", _EN: "{folder}: no errors ({warnings})."},
    "cli.reports.one": {_NB: "{n} rapport", _EN: "{n} report"},
    "cli.reports.other": {_NB: "{n} rapporter", _EN: "{n} reports"},
    "cli.progress.count": {_NB: "{done} av {reports}", _EN: "{done} of {reports}"},
    "cli.stage.waiting": {_NB: "venter", _EN: "waiting"},
    "cli.stage.loading": {_NB: "leser dataene", _EN: "reading the data"},
    "cli.stage.execute": {_NB: "kjører notatboken", _EN: "running the notebook"},
    "cli.stage.html": {_NB: "lager HTML", _EN: "making the HTML"},
    "cli.stage.pdf": {_NB: "lager PDF", _EN: "making the PDF"},
    "cli.stage.done": {_NB: "ferdig", _EN: "done"},
    "cli.stage.failed": {_NB: "feilet", _EN: "failed"},
}  # fmt: skip

#: Short labels: table headers, captions, headings, words in cells.
LABELS: Final[dict[str, dict[str, str]]] = {
    # summary
    "summary": {_NB: "Sammendrag", _EN: "Summary"},
    "changes": {_NB: "Hva endret seg for innbyggerne?", _EN: "What changed for residents?"},
    "caveats": {_NB: "Viktige forbehold", _EN: "Main caveats"},
    # common headers
    "pilot": {_NB: "Pilot", _EN: "Pilot"},
    "entrepreneur": {_NB: "Entreprenør", _EN: "Entrepreneur"},
    "reach": {_NB: "Rekkevidde", _EN: "Reach"},
    "cost": {_NB: "Økonomi", _EN: "Cost"},
    "outcome": {_NB: "Resultater", _EN: "Outcomes"},
    "recommendation": {_NB: "Anbefaling – fordi …", _EN: "Recommendation – because …"},
    "total": {_NB: "I alt", _EN: "Total"},
    "recommendation.word": {_NB: "Anbefaling", _EN: "Recommendation"},
    # the changes table (present.changes)
    "cap.changes": {_NB: "Endringer per pilot siden {date}", _EN: "Changes by pilot since {date}"},
    "h.change": {_NB: "Endring", _EN: "Change"},
    "h.what_changed": {_NB: "Vurderinger og resultater som er endret",
                       _EN: "Ratings and results that changed"},
    "changes.new": {_NB: "ny", _EN: "new"},
    "all_rows": {_NB: "Alle radene i tabellen", _EN: "All rows of the table"},
    "measure": {_NB: "Resultatmål", _EN: "Measure"},
    "unknown": {_NB: "Ukjent", _EN: "Unknown"},
    "yes": {_NB: "ja", _EN: "yes"},
    "no": {_NB: "nei", _EN: "no"},
    # status table
    "cap.status": {_NB: "Statusoversikt per pilot", _EN: "Scorecard by pilot"},
    "cap.status.one": {_NB: "Statusoversikt", _EN: "Scorecard"},
    # money table
    "cap.money": {_NB: "Økonomi per pilot", _EN: "Money by pilot"},
    "cap.money.one": {_NB: "Økonomi i tall", _EN: "Money in figures"},
    "h.grant": {_NB: "Tilsagn fra fondet", _EN: "Grant from the fund"},
    "h.fund_cost": {_NB: "Brukt av fonds­midler", _EN: "Fund money spent"},
    "h.grant_used": {_NB: "Andel av tilsagnet brukt", _EN: "Share of grant used"},
    "h.elapsed": {_NB: "Andel av perioden gått", _EN: "Share of period elapsed"},
    "h.total_cost": {_NB: "Samlet ressursbruk", _EN: "Total cost"},
    "h.leverage": {_NB: "Giring", _EN: "Leverage"},
    "h.per_participant": {_NB: "Kostnad per deltaker", _EN: "Cost per participant"},
    "unit.mnok": {_NB: "mill.\u00a0kr", _EN: "NOK\u00a0m"},
    "unit.nok": {_NB: "kr", _EN: "NOK"},
    "unit.knok": {_NB: "1\u00a0000\u00a0kr", _EN: "NOK\u00a01,000"},
    "note.money": {
        _NB: "Samlet ressursbruk er alle kostnader, også naturalytelser som arbeidstid. "
             "Giring er kroner i alt per krone fra fondet.",
        _EN: "Total cost is all costs, in-kind contributions such as working time included. "
             "Leverage is the total cost in NOK for each NOK from the fund."},
    # reach table
    "cap.reach": {_NB: "Rekkevidde per pilot", _EN: "Reach by pilot"},
    "cap.reach.one": {_NB: "Rekkevidde i tall", _EN: "Reach in figures"},
    "h.enrolled": {_NB: "Deltakere", _EN: "Participants"},
    "h.reach_target": {_NB: "Mål for antall deltakere", _EN: "Reach target"},
    "h.completed": {_NB: "Fullført", _EN: "Completed"},
    "h.dropped_out": {_NB: "Avbrutt", _EN: "Dropped out"},
    "h.completion_rate": {_NB: "Fullførings\u00adgrad", _EN: "Completion rate"},
    "h.target_population": {_NB: "Antall i målgruppen", _EN: "Target population"},
    "h.coverage": {_NB: "Andel av målgruppen nådd", _EN: "Coverage"},
    "note.reach": {
        _NB: "Fullføringsgrad: fullført / (fullført + avbrutt). De som flyttet, er ikke "
             "med i den.",
        _EN: "Completion rate: completed / (completed + dropped out). People who moved are "
             "left out of it."},
    # reach by
    "cap.reach_by.area": {_NB: "Deltakere etter område", _EN: "Participants by area"},
    "cap.reach_by.gender": {_NB: "Deltakere etter kjønn", _EN: "Participants by gender"},
    "cap.reach_by.age_group": {_NB: "Deltakere etter alder", _EN: "Participants by age"},
    "h.area": {_NB: "Område", _EN: "Area"},
    "h.gender": {_NB: "Kjønn", _EN: "Gender"},
    "h.age_group": {_NB: "Alder", _EN: "Age"},
    "h.share": {_NB: "Andel av deltakerne", _EN: "Share of participants"},
    "h.target_share": {_NB: "Andel av målgruppen", _EN: "Share of target population"},
    "gender.female": {_NB: "Jente / kvinne", _EN: "Female"},
    "gender.male": {_NB: "Gutt / mann", _EN: "Male"},
    "gender.other": {_NB: "Annet", _EN: "Other"},
    "age.years": {_NB: "{g} år", _EN: "{g} years"},
    "note.reach_by": {
        _NB: "Andel av målgruppen viser hvor stor del av målgruppen gruppen er. Sammenlign "
             "den med andel av deltakerne for å se hvem piloten når, og hvem den ikke når.",
        _EN: "Share of target population is the group's part of the target population. "
             "Compare it with the share of participants to see who the pilot reaches."},
    "note.reach_by_wide": {
        _NB: "Tallene er antall deltakere i hver pilot.",
        _EN: "The figures are numbers of participants in each pilot."},
    # outcome table
    "cap.outcome": {_NB: "Endring per resultatmål", _EN: "Change per outcome measure"},
    "h.n": {_NB: "Målt før og etter", _EN: "Measured twice"},
    "h.improvement": {_NB: "Forbedring (95\u00a0%\u00a0KI)", _EN: "Improvement (95%\u00a0CI)"},
    "h.mid": {_NB: "Betyr noe fra", _EN: "Matters from"},
    "h.mde": {_NB: "Kan påvises fra", _EN: "Detectable from"},
    "h.attrition": {_NB: "Frafall", _EN: "Attrition"},
    "evidence.strong": {_NB: "sterk", _EN: "strong"},
    "evidence.moderate": {_NB: "moderat", _EN: "moderate"},
    "evidence.weak": {_NB: "svak", _EN: "weak"},
    "evidence.very_weak": {_NB: "svært svak", _EN: "very weak"},
    "h.evidence": {_NB: "Evidensstyrke", _EN: "Strength of evidence"},
    "h.design_evidence": {_NB: "Metode, evidensstyrke", _EN: "Design, strength of evidence"},
    "exploratory": {_NB: "utforskende", _EN: "exploratory"},
    "design.did": {_NB: "FiF", _EN: "DiD"},
    "design.pre_post": {_NB: "før–etter", _EN: "pre–post"},
    "design.its": {_NB: "avbrutt tidsserie", _EN: "interrupted time series"},
    "note.outcome": {
        _NB: "Forbedring: endringen regnet slik at et positivt tall er bedre. FiF: "
             "forskjell-i-forskjeller, endringen utover sammenligningsgruppens. "
             "«Målt før og etter»: deltakere / sammenligningsgruppe. «Betyr noe fra» er "
             "minste betydningsfulle endring, «kan påvises fra» er minste effekt dataene kan "
             "påvise. Frafall (i oppfølgingen): andelen av oppfølgingsmålingene som skulle "
             "vært tatt, men mangler. Evidens: hvor godt oppsettet skiller pilotens virkning fra alt annet "
             "(sterk, moderat, svak, svært svak). Uten sammenligningsgruppe er forbedringen "
             "en endring fra før til etter, ikke en påvist effekt. Utforskende: ikke pilotens "
             "hovedmål; med mange mål vil noen se klare ut ved en tilfeldighet.",
        _EN: "Improvement: the change signed so that positive is better. DiD: "
             "difference-in-differences, the change beyond the comparison group's. "
             "'Measured twice': participants / comparison group. 'Matters from' is the "
             "minimal important difference, 'detectable from' the minimum detectable effect. "
             "Attrition: the share of follow-ups due that are missing. Evidence: how well "
             "the design tells the pilot's effect from everything else (strong, moderate, "
             "weak, very weak). Without a comparison group the improvement is a change from "
             "before to after, not a shown effect. Exploratory: not the pilot's main "
             "measure; with many measures some will look clear by chance."},
    # attrition table
    "cap.attrition": {_NB: "Hvem resultatene bygger på, og hvem som mangler",
                      _EN: "Whom the outcomes rest on, and who is missing"},
    "h.at_start": {_NB: "Målt ved start", _EN: "Measured at start"},
    "h.again": {_NB: "Målt igjen", _EN: "Measured again"},
    "h.not_yet_due": {_NB: "Ikke tid ennå", _EN: "Not yet due"},
    "h.missing_due": {_NB: "Mangler", _EN: "Missing"},
    "h.tipping": {_NB: "Måtte ha blitt så mye dårligere",
                  _EN: "Would have had to get this much worse"},
    "note.attrition": {
        _NB: "Målt ved start: deltakere med startmåling. Av dem er noen målt igjen, noen "
             "har ikke kommet til oppfølgingsmålingen ennå, og resten mangler den. Frafall: "
             "andelen som mangler av dem som skulle vært målt igjen. Mangler mange, kan "
             "resultatet være for godt: de som faller fra, har ofte hatt mindre nytte. «Måtte "
             "ha blitt så mye dårligere»: hvor mye dårligere de som mangler i snitt måtte ha "
             "blitt (med sammenligningsgruppe: enn den) for at endringen skulle forsvinne.",
        _EN: "Measured at start: participants with a baseline. Of them some are measured "
             "again, some have not reached the follow-up yet, and the rest miss it. "
             "Attrition: the share missing of those due to be measured again. When many "
             "are missing the result may be too good: those who leave have often gained "
             "less. 'Would have had to get this much worse': how much worse those missing "
             "would on average have had to get (with a comparison group: than it) for the "
             "change to vanish."},
    # its table
    "cap.its": {_NB: "Kommunens tall før og etter at piloten startet (avbrutt tidsserie)",
                _EN: "Municipal figures before and after the pilot started (interrupted "
                     "time series)"},
    "h.series": {_NB: "Tidsserie", _EN: "Series"},
    "h.months": {_NB: "Måneder før / etter", _EN: "Months before / after"},
    "h.change_month": {_NB: "Piloten startet", _EN: "Pilot started"},
    "h.level": {_NB: "Endring i nivå", _EN: "Change in level"},
    "h.ci": {_NB: "95\u00a0% KI", _EN: "95% CI"},
    "note.its": {
        _NB: "Endring i nivå: hvor mye høyere eller lavere tallet ble enn trenden og "
             "årstiden før piloten tilsier. Et minustall betyr færre enn ventet. Tallet "
             "gjelder hele kommunen, ikke bare deltakerne, og kan også skyldes andre "
             "endringer i samme periode.",
        _EN: "Change in level: how much higher or lower the figure became than the trend "
             "and season before the pilot predict. A negative figure means fewer than "
             "expected. It covers the whole municipality, not only the participants, and "
             "may also come from other changes in the same period."},
    # value table
    "cap.value": {_NB: "Samfunnsøkonomisk vurdering", _EN: "Value for money"},
    "h.observed": {_NB: "Observert nytte", _EN: "Observed value"},
    "h.projected": {_NB: "Fram\u00adskrevet nytte", _EN: "Projected value"},
    "h.social_value": {_NB: "Samfunns\u00adnytte, nåverdi", _EN: "Social value, present value"},
    "h.cost_for_ratio": {_NB: "Kostnad for samfunnet", _EN: "Cost to society"},
    "h.bcr": {_NB: "Nytte–kostnads\u00adforhold", _EN: "Benefit–cost ratio"},
    "h.n_measured": {_NB: "Målt", _EN: "Measured"},
    "note.outcome_none_measured": {
        _NB: "Ingen er målt både før og etter ennå, så endring og frafall i oppfølgingen "
             "vises ikke.",
        _EN: "Nobody has been measured both before and after yet, so no change or attrition "
             "at follow-up is shown."},
    "note.value_none_measured": {
        _NB: "Ingen er målt både før og etter ennå, så verdien kan ikke regnes ut.",
        _EN: "Nobody has been measured both before and after yet, so no value is computed."},
    "all_measures": {_NB: "alle verdsatte", _EN: "all valued"},
    "note.value": {
        _NB: "Observert: nytte innenfor pilotperioden, fra data. Framskrevet: nytte etter "
             "perioden, fra forutsetninger. Samfunnsnytte er summen av de to. Kostnaden "
             "for samfunnet er samlet ressursbruk pluss {per_krone} per krone offentlige "
             "midler (skattefinansieringskostnad). I parentes: 95\u00a0% "
             "konfidensintervall, usikkerheten i resultatet ført gjennom hele beregningen. "
             "Uten sammenligningsgruppe er de som gikk feil vei over grensen for et godt "
             "resultat, trukket fra.",
        _EN: "Observed: value inside the pilot period, from data. Projected: value after "
             "it, from assumptions. Social value is the sum of the two. The cost to society "
             "is the total cost plus {per_krone} per krone of public money (tax-financing "
             "cost). In brackets: the 95% confidence interval, the outcome's uncertainty "
             "carried through the whole calculation. Without a comparison group, those who "
             "crossed the success threshold the wrong way are subtracted."},
    # rules table
    "cap.rules": {_NB: "Regler for statusoversikten", _EN: "Scorecard rules in force"},
    "h.rule": {_NB: "Regel", _EN: "Rule"},
    "h.value": {_NB: "Verdi", _EN: "Value"},
    "h.default": {_NB: "Standard", _EN: "Default"},
    "h.overridden": {_NB: "Endret i avtalen", _EN: "Set in the agreement"},
    # what each threshold means, in the report's words (the metric module's own
    # descriptions say "green/yellow/red"); the value column follows the text
    "rule.reach_green": {
        _NB: "Rekkevidde god når deltakere / (mål for antall deltakere × andel av perioden "
             "gått) er minst",
        _EN: "Reach good when participants / (reach target × share of period elapsed) is at "
             "least"},
    "rule.reach_yellow": {
        _NB: "Rekkevidde usikker når forholdet er minst (lavere: svak)",
        _EN: "Reach uncertain when the ratio is at least (lower: weak)"},
    "rule.cost_green": {
        _NB: "Økonomi god når andel av tilsagnet brukt / andel av perioden gått er høyst",
        _EN: "Cost good when share of grant used / share of period elapsed is at most"},
    "rule.cost_yellow": {
        _NB: "Økonomi usikker når forholdet er høyst (høyere: svak)",
        _EN: "Cost uncertain when the ratio is at most (higher: weak)"},
    "rule.cost_underuse": {
        _NB: "Økonomi også usikker når forholdet er under (pengene blir ikke brukt)",
        _EN: "Cost also uncertain when the ratio is below (the money is not being used)"},
    "rule.outcome_min_n": {
        _NB: "Resultater «for lite data» når færre enn dette (eller minste gruppestørrelse) "
             "er målt før og etter",
        _EN: "Outcomes 'too little data' when fewer than this (or the minimum group size) "
             "are measured before and after"},
    "rule.adjust_before_elapsed": {
        _NB: "Svake resultater gir «justere», ikke «avslutte», før denne andelen av perioden "
             "er gått",
        _EN: "Weak outcomes give 'adjust', not 'stop', before this share of the period has "
             "passed"},
    "rule.outcome_min_evidence": {
        _NB: "Resultater «god» eller «svak» bare med minst dette evidensnivået (0 svært svak, "
             "1 svak, 2 moderat, 3 sterk)",
        _EN: "Outcomes 'good' or 'weak' only with at least this evidence level (0 very weak, "
             "1 weak, 2 moderate, 3 strong)"},
    "rule.outcome_attrition_cap": {
        _NB: "Resultater aldri «god» når en større andel av oppfølgingsmålingene mangler",
        _EN: "Outcomes never 'good' when a larger share of the follow-ups due is missing"},
    "rule.evidence_attrition_max": {
        _NB: "Evidensen ett nivå ned når en større andel mangler oppfølging (uten "
             "sammenligningsgruppe)",
        _EN: "Evidence one level down when a larger share misses follow-up (no comparison "
             "group)"},
    "rule.evidence_comparison_ratio": {
        _NB: "Evidensen ett nivå ned når sammenligningsgruppen er mindre enn denne andelen av "
             "pilotgruppen",
        _EN: "Evidence one level down when the comparison group is smaller than this share "
             "of the pilot group"},
    "rule.evidence_imbalance_max": {
        _NB: "Evidensen to nivåer ned når gruppene ved start skiller seg mer enn dette (i "
             "standardavvik)",
        _EN: "Evidence two levels down when the groups differ at the start by more than this "
             "(in standard deviations)"},
    "rule.evidence_ceiling_share": {
        _NB: "Evidensen ett nivå ned når en større andel starter på grensen av skalaen",
        _EN: "Evidence one level down when a larger share starts at the limit of the scale"},
    "rule.evidence_rtm_share_of_mid": {
        _NB: "Evidensen ett nivå ned når regresjon mot gjennomsnittet alene gir minst denne "
             "andelen av minste betydningsfulle endring",
        _EN: "Evidence one level down when regression to the mean alone gives at least this "
             "share of the minimal important difference"},
    "rule.its_min_pre_months": {
        _NB: "Evidensen for kommunens tidsserier ett nivå ned med færre måneder før "
             "piloten startet enn",
        _EN: "Evidence of the municipality's time series one level down with fewer months "
             "before the pilot started than"},
    "rule.evidence_min_clusters": {
        _NB: "Evidensen ett nivå ned med færre skoler eller grupper enn",
        _EN: "Evidence one level down with fewer schools or groups than"},
    "rules.outcome": {
        _NB: "Resultatene vurderes ut fra pilotens hovedmål, eller ut fra det første "
             "resultatmålet som er målt; andre mål er utforskende. «For lite data»: færre enn "
             "{n} er målt både før og etter i pilotgruppen eller i sammenligningsgruppen. "
             "«God»: hele 95\u00a0% konfidensintervallet for forbedringen ligger over 0, "
             "forbedringen er minst like stor som minste betydningsfulle endring, evidensen "
             "er minst moderat og høyst {cap} av oppfølgingsmålingene mangler. «Svak»: hele "
             "intervallet ligger under minste betydningsfulle endring, og evidensen er minst "
             "moderat. Ellers «usikker». En endring fra før til etter uten "
             "sammenligningsgruppe er derfor aldri «god» eller «svak».",
        _EN: "Outcomes are judged on the pilot's main measure, or else on the first measure "
             "taken; other measures are exploratory. 'Too little data': fewer than {n} "
             "people are measured both before and after in the pilot group or in the "
             "comparison group. 'Good': the whole 95% confidence interval of the improvement "
             "lies above 0, the improvement is at least the minimal important difference, "
             "the evidence is at least moderate and at most {cap} of the follow-ups due are "
             "missing. 'Weak': the whole interval lies below the minimal important difference "
             "and the evidence is at least moderate. Otherwise 'uncertain'. A change from "
             "before to after without a comparison group is therefore never 'good' or "
             "'weak'."},
    "rules.evidence": {
        _NB: "Evidensstyrken (sterk, moderat, svak, svært svak) sier hvor godt oppsettet kan "
             "skille pilotens virkning fra alt annet. En sammenligningsgruppe som er trukket eller "
             "matchet og målt før og etter, starter som sterk (en annen sammenligningsgruppe "
             "ett nivå lavere), tidsserie for hele kommunen som moderat, før–etter uten "
             "sammenligningsgruppe som svak. Hvert forhold i tabellen over trekker ett nivå "
             "ned; mange manglende oppfølgingsmålinger i en sammenligning (over grensene til "
             "What Works Clearinghouse) og grupper som var ulike ved start, trekker to; for "
             "få målt gir svært svak.",
        _EN: "The evidence (strong, moderate, weak, very weak) says how well the design can "
             "tell the pilot's effect from everything else. A comparison group drawn by lot "
             "or matched and measured before and after starts as strong (another comparison "
             "group one level lower), a time series for the whole municipality as moderate, "
             "before/after without a comparison group as weak. Each concern in the table "
             "above takes one level off; many missing follow-ups in a comparison (beyond the "
             "What Works Clearinghouse boundaries) and groups that differed at the start take "
             "two; too few measured gives very weak."},
    "rules.recommendation": {
        _NB: "Anbefalingen: «for tidlig å si» når resultatene har for lite data. «Avslutte» "
             "når resultatene er svake, men «justere» før {share} av perioden er gått. "
             "«Skalere» når resultater og rekkevidde er gode og økonomien ikke er svak – "
             "aldri på en før–etter-endring alene. «Justere» når rekkevidde eller økonomi er "
             "svak. Ellers «videreføre».",
        _EN: "The recommendation: 'too early to say' when the outcomes have too little data. "
             "'Stop' when the outcomes are weak, but 'adjust' before {share} of the period "
             "has passed. 'Scale' when outcomes and reach are good and cost is not weak – "
             "never on a before/after change alone. 'Adjust' when reach or cost is weak. "
             "Otherwise 'continue'."},
    "rules.grey": {
        _NB: "Før en pilot har startet, er alt «for lite data». Det samme gjelder rekkevidde "
             "uten mål for antall deltakere, og økonomi uten tilsagn.",
        _EN: "Before a pilot has started, everything is 'too little data'. So is reach "
             "without a reach target, and cost without a grant."},
    # quality table
    "cap.quality": {_NB: "Datakvalitet: advarsler", _EN: "Data quality: warnings"},
    "h.file": {_NB: "Fil", _EN: "File"},
    "h.row": {_NB: "Rad", _EN: "Row"},
    "h.column": {_NB: "Kolonne", _EN: "Column"},
    "h.message": {_NB: "Melding", _EN: "Message"},
    "hidden": {_NB: "[skjult]", _EN: "[hidden]"},
    # glossary table
    "cap.glossary": {_NB: "Ordliste", _EN: "Glossary"},
    "h.term": {_NB: "Begrep", _EN: "Term"},
    "h.explanation": {_NB: "Forklaring", _EN: "Explanation"},
    # after the agreement (present/after.py)
    "scenario.continue": {_NB: "Videreføre som i dag", _EN: "Continue as today"},
    "scenario.reach_target": {_NB: "Nå målet for antall deltakere",
                              _EN: "Reach the participant target"},
    "scenario.share_of_population": {_NB: "Nå {share} av målgruppen",
                                     _EN: "Reach {share} of the target group"},
    # the same cases in a table's narrow column
    "scenario.short.continue": {_NB: "Som i dag", _EN: "As today"},
    "scenario.short.reach_target": {_NB: "Nå deltakermålet", _EN: "Reach the target"},
    "scenario.short.share_of_population": {_NB: "Nå {share} av målgruppen",
                                           _EN: "Reach {share} of the target group"},
    "h.per_new_participant": {_NB: "Kostnad per ny deltaker", _EN: "Cost per new participant"},
    "cap.scenarios": {_NB: "Kostnad per år etter avtaleperioden, tre tilfeller",
                      _EN: "Cost a year after the agreement, three cases"},
    "h.scenario": {_NB: "Tilfelle", _EN: "Case"},
    "h.per_year_people": {_NB: "Nye deltakere per år", _EN: "New participants a year"},
    "h.cost_per_year": {_NB: "Kostnad per år", _EN: "Cost a year"},
    "h.low_high": {_NB: "Lav–høy", _EN: "Low–high"},
    "h.three_years": {_NB: "Tre år", _EN: "Three years"},
    "h.three_years_pv": {_NB: "Tre år, nåverdi", _EN: "Three years, present value"},
    "cap.unit_costs": {_NB: "Kostnad per deltaker per år: piloten og dagens tilbud",
                       _EN: "Cost per participant a year: the pilot and today's service"},
    "h.today_service": {_NB: "Dagens tilbud", _EN: "Today's service"},
    "h.today_cost": {_NB: "Dagens tilbud per deltaker per år",
                     _EN: "Today's service per participant a year"},
    "h.price_year": {_NB: "Prisår", _EN: "Price year"},
    "h.pilot_cost_year": {_NB: "Piloten per deltaker per år",
                          _EN: "The pilot per participant a year"},
    "h.difference": {_NB: "Forskjell", _EN: "Difference"},
    "cap.finances": {_NB: "Inntekter og kostnader per virksomhet og år",
                     _EN: "Income and costs by enterprise and year"},
    "h.organisation": {_NB: "Virksomhet", _EN: "Enterprise"},
    "h.year": {_NB: "År", _EN: "Year"},
    "h.income": {_NB: "Inntekter", _EN: "Income"},
    "h.from_municipality": {_NB: "Fra kommunen og fondet",
                            _EN: "From the municipality and the fund"},
    "h.from_fund": {_NB: "Herav fondet", _EN: "Of which the fund"},
    "h.from_ferd": {_NB: "Fra Ferd", _EN: "From Ferd"},
    "h.costs": {_NB: "Kostnader", _EN: "Costs"},
    "h.result": {_NB: "Resultat", _EN: "Result"},
    "h.ferd_investment": {_NB: "Ferds investering", _EN: "Ferd's investment"},
    "note.part_year": {_NB: "Året {year} er ikke over: tallene gjelder deler av året.",
                       _EN: "The year {year} is not over: the figures cover part of the year."},
    "note.scenarios.untyped": {
        _NB: "Kostnad per år med alle kostnader, også oppstart. «Kostnad per ny deltaker» er "
             "kostnaden per år delt på nye deltakere per år. «Tre år» er tre år med samme "
             "kostnad; nåverdien diskonterer hvert år.",
        _EN: "Cost a year with every cost, start-up included. \u201cCost per new "
             "participant\u201d is the cost a year divided by the new participants a year. "
             "\u201cThree years\u201d is three years at the same cost; the present value "
             "discounts each year."},
    "note.unit_source": {_NB: "Kilde for {alternative}: {source}.",
                         _EN: "Source for {alternative}: {source}."},
    "note.scenarios": {
        _NB: "Kostnad per år uten oppstartskostnader. «Kostnad per ny deltaker» er kostnaden "
             "per år delt på nye deltakere per år. «Tre år» er tre år med samme kostnad; "
             "nåverdien diskonterer hvert år.",
        _EN: "Cost a year without start-up costs. \u201cCost per new participant\u201d is the "
             "cost a year divided by the new participants a year. \u201cThree years\u201d is "
             "three years at the same cost; the present value discounts each year."},
}  # fmt: skip


#: Where a chart's figures come from (the "Kilde:" of its caption), by kind of chart:
#: ``money`` (cost lines), ``participants`` (enrolment, activity, attendance, completion,
#: breakdowns), ``population`` (participants divided by the population: coverage, a
#: breakdown beside the target population), ``outcomes`` (measurements), ``indicators``
#: (the municipality's series, interrupted time series) and ``value`` (value for money:
#: costs, measurements and the valuation table's sources). Fields: ``{date}`` (the as-of
#: date) and, for ``value``, ``{valuation}``. Only the population charts cite Statistics
#: Norway.
SOURCES: Final[dict[str, dict[str, str]]] = {
    "money": {_NB: "Kilde: pilotenes regnskap per {date}.",
              _EN: "Source: the pilots' accounts as of {date}."},
    "participants": {_NB: "Kilde: pilotenes deltakerdata per {date}.",
                     _EN: "Source: the pilots' participant records as of {date}."},
    "population": {_NB: "Kilde: pilotenes deltakerdata per {date}; befolkning: Statistisk "
                        "sentralbyrå (SSB).",
                   _EN: "Source: the pilots' participant records as of {date}; population: "
                        "Statistics Norway (SSB)."},
    "outcomes": {_NB: "Kilde: pilotenes målinger per {date}.",
                 _EN: "Source: the pilots' measurements as of {date}."},
    "indicators": {_NB: "Kilde: kommunens registerdata (indikatorserier) per {date}.",
                   _EN: "Source: the municipality's administrative records (indicator series) "
                        "as of {date}."},
    "value": {_NB: "Kilde: pilotenes regnskap og målinger per {date}; verdsetting: {valuation}.",
              _EN: "Source: the pilots' accounts and measurements as of {date}; valuation: "
                   "{valuation}."},
    "finances": {_NB: "Kilde: virksomhetenes egne tall for inntekter og kostnader per år.",
                 _EN: "Source: the enterprises' own figures for income and costs by year."},
    # the valuation table gives no source for the values shown
    "valuation_table": {_NB: "verdsettingstabellen i datagrunnlaget",
                        _EN: "the valuation table in the data"},
}  # fmt: skip

#: Names of common Norwegian municipal indicator series (``indicators.series``), in bokmål
#: and English. The data model has no label columns for series; a key not listed here is
#: printed as written, with "_" as a space and a capital first letter.
SERIES_LABELS: Final[dict[str, tuple[str, str]]] = {
    "barnevernsmeldinger": ("Barnevernsmeldinger",
                            "Reports of concern to child welfare services"),
    "bekymringsmeldinger": ("Bekymringsmeldinger til barnevernet",
                            "Reports of concern to child welfare services"),
    "barnevernstiltak": ("Barn med tiltak fra barnevernet",
                         "Children receiving child welfare measures"),
    "sosialhjelp": ("Mottakere av økonomisk sosialhjelp", "Recipients of social assistance"),
    "sosialhjelpsmottakere": ("Mottakere av økonomisk sosialhjelp",
                              "Recipients of social assistance"),
    "skolefravaer": ("Skolefravær", "School absence"),
    "frafall_vgs": ("Frafall i videregående skole", "Drop-out from upper secondary school"),
    "unge_utenfor": ("Unge utenfor arbeid og utdanning",
                     "Young people not in employment, education or training"),
    "neet": ("Unge utenfor arbeid og utdanning",
             "Young people not in employment, education or training"),
    "ungdomskriminalitet": ("Anmeldte lovbrudd blant unge", "Reported offences by young people"),
    "arbeidsledighet": ("Registrert arbeidsledighet", "Registered unemployment"),
}  # fmt: skip


def _lang(language: str) -> str:
    fmt.check_language(language)
    return language


def source(kind: str, language: str = "nb", *, date: Any,
           valuation: Sequence[str] = ()) -> str:
    """The source line of a chart of ``kind`` (see :data:`SOURCES`).

    Parameters
    ----------
    kind : str
        A key of :data:`SOURCES` (not ``valuation_table``).
    language : {"nb", "en"}, default "nb"
    date : date-like
        The report's as-of date.
    valuation : sequence of str, optional
        The ``source`` texts of the valuation rows a ``value`` chart rests on; repeated
        and empty ones are left out. Without any, the valuation table itself is named.

    Examples
    --------
    >>> source("money", date="2026-06-30").replace("\\xa0", " ")
    'Kilde: pilotenes regnskap per 30. juni 2026.'
    """
    _lang(language)
    if kind not in SOURCES or kind == "valuation_table":
        kinds = ", ".join(k for k in SOURCES if k != "valuation_table")
        raise UsageError(f"kind={kind!r} is not a kind of source; use one of: {kinds}.")
    found = [str(v).strip().rstrip(".") for v in valuation
             if v is not None and not _missing(v) and str(v).strip()]
    named = "; ".join(dict.fromkeys(found)) or SOURCES["valuation_table"][language]
    return SOURCES[kind][language].format(date=fmt.date(date, language=language),
                                          valuation=named)


def _series_key(series: str) -> str:
    key = re.sub(r"[\s-]+", "_", str(series).strip().lower())
    return key.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


def series_label(series: Any, language: str = "nb") -> str:
    """An indicator series key as words in ``language``.

    Known Norwegian administrative series (:data:`SERIES_LABELS`; "skolefravær" and
    "skolefravaer" alike) get their name in bokmål or English; any other key is printed
    as written, "_" as a space, with a capital first letter.

    Examples
    --------
    >>> series_label("barnevernsmeldinger", "en")
    'Reports of concern to child welfare services'
    >>> series_label("legevakt_besok", "en")
    'Legevakt besok'
    """
    i = 0 if _lang(language) == _NB else 1
    found = SERIES_LABELS.get(_series_key(series))
    if found:
        return found[i]
    words = str(series).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _t(key: str, language: str, /, **fields: Any) -> str:
    """The message ``key`` in ``language`` with its fields filled in.

    A unit is tied to its number with a non-breaking space ("3 poeng" never breaks across
    lines), and left out with its space when the measure has none.
    """
    template = MESSAGES[key][_lang(language)]
    if "unit" in fields:
        template = template.replace(" {unit}", _NBSP + "{unit}" if fields["unit"] else "")
    return template.format(**fields)


def message(key: str, language: str = "nb", /, **fields: Any) -> str:
    """The sentence ``key`` of :data:`MESSAGES` in ``language``, its fields filled in.

    Raises
    ------
    UsageError
        When ``key`` is not in :data:`MESSAGES`.
    """
    if key not in MESSAGES:
        raise UsageError(f"Unknown message {key!r}; see pilot_eval.present.text.MESSAGES.")
    return _t(key, language, **fields)


def plural(key: str, n: int, language: str = "nb", /, **fields: Any) -> str:
    """The sentence ``key.one`` or ``key.other`` of :data:`MESSAGES` for ``n`` things.

    Bokmål and English both use the singular for exactly one and the plural otherwise
    (CLDR); ``n`` is given to the sentence as the field ``n``, formatted.

    Examples
    --------
    >>> plural("changes.rated", 1)
    '1 pilot har fått en annen vurdering.'
    >>> plural("changes.rated", 2, "en")
    '2 pilots have been rated differently.'
    """
    form = "one" if n == 1 else "other"
    return message(f"{key}.{form}", language,
                   n=fmt.count(n, suppress=False, language=language), **fields)


def label(key: str, language: str = "nb", **fields: Any) -> str:
    """A short label (table header, caption, heading) from :data:`LABELS`.

    Parameters
    ----------
    key : str
        For example ``"pilot"``, ``"cap.money"``.
    language : {"nb", "en"}, default "nb"

    Raises
    ------
    UsageError
        When ``key`` is not in :data:`LABELS`.
    """
    try:
        text = LABELS[key][_lang(language)]
    except KeyError:
        raise UsageError(f"Unknown label {key!r}; see pilot_eval.present.text.LABELS.") from None
    return text.format(**fields) if fields else text


# --------------------------------------------------------------------------- small words


def _missing(x: Any) -> bool:
    if x is None or x is pd.NA:
        return True
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return bool(pd.isna(x)) if not isinstance(x, str) else False


def _get(row: Mapping[str, Any] | pd.Series, key: str) -> Any:
    value = row.get(key) if hasattr(row, "get") else None
    return None if _missing(value) and not isinstance(value, str) else value


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """Lower-case the first letter of a common noun ("Trivsel" → "trivsel"), not of an
    acronym ("PHQ-9" stays)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def status_word(status: str | None, language: str = "nb") -> str:
    """The word for a scorecard status (GLOSSARY): never a colour alone.

    Parameters
    ----------
    status : {"green", "yellow", "red", "grey"} or None
        A missing status reads as grey ("for lite data"): there is nothing to judge.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str
        ``god``, ``usikker``, ``svak``, ``for lite data`` (``good``, ``uncertain``,
        ``weak``, ``too little data``); an unknown key gives ``ukjent`` / ``unknown``
        rather than an error, so a report never shows a colour without a word.
    """
    i = 0 if _lang(language) == _NB else 1
    if _missing(status):
        return STATUS_WORDS["grey"][i]
    words = STATUS_WORDS.get(str(status))
    return words[i] if words else MESSAGES["status.unknown"][language]


def recommendation_word(recommendation: str | None, language: str = "nb", *,
                        capital: bool = False) -> str:
    """The word for a recommendation key (GLOSSARY).

    Parameters
    ----------
    recommendation : {"scale", "continue", "adjust", "stop", "insufficient_data"}
        A missing or unknown key reads as ``insufficient_data`` ("for tidlig å si"): the
        report must not advise what the rules did not decide.
    language : {"nb", "en"}, default "nb"
    capital : bool, default False
        Capitalise the first letter, for the start of a line.
    """
    i = 0 if _lang(language) == _NB else 1
    words = RECOMMENDATION_WORDS.get(str(recommendation)) if not _missing(recommendation) \
        else None
    word = (words or RECOMMENDATION_WORDS["insufficient_data"])[i]
    return _cap(word) if capital else word


def people(n: float | None, min_cell_size: int = 5, language: str = "nb") -> str:
    """A count of people for running text, small counts hidden.

    ``0 < n < min_cell_size`` reads "færre enn 5" / "fewer than 5" (a table cell would
    read "<5"; in a sentence the words read better and a screen reader says them right).

    Examples
    --------
    >>> people(266)
    '266'
    >>> people(3)
    'færre enn 5'
    """
    _lang(language)
    if _missing(n):
        return fmt.MISSING
    if 0 < float(n) < min_cell_size:
        return _t("people.fewer_than", language, n=min_cell_size)
    return fmt.count(n, suppress=False, language=language)


def about(n: float | None, min_cell_size: int = 5, language: str = "nb") -> str:
    """A count of people rounded to what matters: "om lag 530", "om lag 1 200".

    Below 20 the exact count is given (small counts hidden as in :func:`people`); up to
    1 000 it is rounded to the nearest 10; above that to two significant digits.

    Examples
    --------
    >>> about(532).replace("\\xa0", " ")
    'om lag 530'
    >>> about(26703).replace("\\xa0", " ")
    'om lag 27 000'
    """
    _lang(language)
    if _missing(n):
        return fmt.MISSING
    value = float(n)
    if value < 20:
        return people(value, min_cell_size, language)
    if value < 1000:
        rounded = round(value / 10) * 10
    else:
        step = 10 ** (int(math.floor(math.log10(value))) - 1)
        rounded = round(value / step) * step
    return _t("people.about", language, n=fmt.count(rounded, suppress=False, language=language))


def _round_down(n: float) -> float:
    """Round a count down to what matters (10s below 1 000, else two significant
    digits), for an "at least" figure."""
    if n < 20:
        return max(math.floor(n), 0)
    step = 10 if n < 1000 else 10 ** (int(math.floor(math.log10(n))) - 1)
    return math.floor(n / step) * step


def _pct(share: float | None, language: str) -> str:
    return fmt.percent(share, language=language)


#: The order of "share of grant used" and "share of period elapsed" a cost reason asserts.
_PACE_ORDER: Final[dict[str, int]] = {"overspending": 1, "far_overspending": 1,
                                      "underspending": -1}


def _shares(used: float, elapsed: float, reason: str, language: str) -> tuple[str, str]:
    """Share of grant used and share of period elapsed, printed so that their order agrees
    with the pace the scorecard judged: "5,4 % … 4,9 %", not "5 % … 5 % … faster than
    planned" (:func:`~pilot_eval.present.fmt.percent_pair`)."""
    return fmt.percent_pair(used, elapsed, _PACE_ORDER.get(reason, 0), language=language)


def _smart(x: float | None, language: str) -> str:
    """A threshold or MID: "2", "2,5" (no trailing ",0")."""
    if _missing(x):
        return fmt.MISSING
    v = float(x)
    return fmt.number(v, 0 if abs(v - round(v)) < 1e-9 else 1, language=language)


def _rounded(x: float, language: str) -> str:
    """An effect rounded to what matters: whole units from 2 up, else one decimal."""
    return fmt.number(abs(x), 0 if abs(x) >= 2 else 1, language=language)


# Norwegian words of common measure units and their English twins; a unit with a word not
# listed is printed as written in the measures table.
_UNIT_WORDS_EN: Final[dict[str, str]] = {
    "poeng": "points", "dager": "days", "dag": "day", "per": "per", "halvår": "half-year",
    "år": "year", "måned": "month", "måneder": "months", "uke": "week", "uker": "weeks",
    "timer": "hours", "time": "hour", "prosent": "per cent", "prosentpoeng":
    "percentage points", "antall": "number", "kr": "NOK", "i": "a", "skoledager":
    "school days",
}  # fmt: skip


def unit(text: str | None, language: str = "nb") -> str:
    """A measure's unit in the report's language ("dager per halvår" → "days per
    half-year"); units are written in Norwegian in the measures table."""
    if text is None or _missing(text):
        return ""
    text = str(text)
    if _lang(language) == _NB:
        return text
    words = text.split()
    if words and all(w.lower() in _UNIT_WORDS_EN for w in words):
        return " ".join(_UNIT_WORDS_EN[w.lower()] for w in words)
    return text


def localise(scorecard: pd.DataFrame, measures: pd.DataFrame | None,
             language: str = "nb") -> pd.DataFrame:
    """A scorecard whose ``outcome_label`` and ``outcome_unit`` are in ``language``.

    The scorecard labels measures in the agreement's language; a report in the other
    language takes ``label_nb`` / ``label_en`` from the measures table (``ds.measures``)
    and the unit from :func:`unit`.
    """
    _lang(language)
    out = scorecard.copy()
    if measures is not None and len(measures) and "outcome_measure" in out:
        m = measures.assign(measure=measures["measure"].astype(str)).drop_duplicates(
            "measure").set_index("measure")
        col = "label_en" if language == _EN else "label_nb"
        if col in m:
            found = out["outcome_measure"].astype(object).map(m[col].astype(object))
            out["outcome_label"] = found.where(found.notna(), out["outcome_label"].astype(object))
    if "outcome_unit" in out:
        out["outcome_unit"] = [unit(u, language) for u in out["outcome_unit"].astype(object)]
    return out


# --------------------------------------------------------------------------- notes


def note(keys: str | Sequence[str] | None, kind: str, language: str = "nb") -> str:
    """The reason or note key(s) of a metric table as plain sentences.

    Parameters
    ----------
    keys : str, sequence of str or None
        One key, several keys, or keys joined by ``";"`` as in ``outcome_summary``'s
        ``note`` column. Missing gives ``""``.
    kind : str
        The column the keys come from, one of :data:`NOTE_KINDS`: ``reach_reason``,
        ``cost_reason``, ``outcome_reason``, ``recommendation_reason`` (scorecard),
        ``coverage_note`` (reach and portfolio), ``outcome_note``, ``value_note``,
        ``its_note``.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str
        One sentence per key, joined by spaces. A key this module has no text for gets a
        generic sentence naming the key, so a new key in a metric module never breaks a
        report.
    """
    _lang(language)
    if kind not in NOTE_KINDS:
        raise UsageError(f"kind={kind!r} is not known; use one of: {', '.join(NOTE_KINDS)}.")
    if keys is None or (not isinstance(keys, str | list | tuple) and _missing(keys)):
        return ""
    parts = keys.split(";") if isinstance(keys, str) else [str(k) for k in keys]
    out = []
    for key in (p.strip() for p in parts):
        if not key:
            continue
        msg = MESSAGES.get(f"{kind}.{key}")
        out.append(msg[language] if msg else _t("note.unknown", language, key=key))
    return " ".join(dict.fromkeys(out))


# --------------------------------------------------------------------------- scorecard


def reach_sentence(row: Mapping[str, Any] | pd.Series, language: str = "nb", *,
                   min_cell_size: int = 5) -> str:
    """One sentence on a pilot's reach, from a row of :func:`~pilot_eval.metrics.scorecard.
    scorecard`.

    Examples: "Piloten har 266 deltakere, 113 % av det som var ventet på dette
    tidspunktet." When fewer than ``min_cell_size`` are enrolled, the count reads "færre
    enn 5" and the share of expected is left out (it would reveal the count).
    """
    _lang(language)
    reason = str(_get(row, "reach_reason") or "")
    n = _get(row, "enrolled")
    n_text = people(n, min_cell_size, language)
    small = n is not None and 0 < float(n) < min_cell_size
    if reason in ("on_track", "behind", "far_behind"):
        if small or _get(row, "reach_ratio") is None:
            return _t(f"reach.few_{reason}", language, n=n_text)
        key = "reach.count" if reason == "on_track" else "reach.count_behind"
        return _t(key, language, n=n_text, pct=_pct(_get(row, "reach_ratio"), language))
    if reason == "no_reach_target" and n is not None:
        return _t("reach.no_target", language, n=n_text)
    return note(reason or "unknown", "reach_reason", language)


def cost_sentence(row: Mapping[str, Any] | pd.Series, language: str = "nb") -> str:
    """One sentence on a pilot's spending against its grant, from a scorecard row.

    Example: "Piloten har brukt 74 % av tilsagnet etter 74 % av perioden."
    """
    _lang(language)
    reason = str(_get(row, "cost_reason") or "")
    used, elapsed = _get(row, "grant_used_share"), _get(row, "elapsed_share")
    key = f"cost.{reason}"
    if key in MESSAGES and used is not None and elapsed is not None:
        used_text, elapsed_text = _shares(used, elapsed, reason, language)
        return _t(key, language, used=used_text, elapsed=elapsed_text)
    return note(reason or "unknown", "cost_reason", language)


def _direction(row: Mapping[str, Any] | pd.Series) -> tuple[bool, float, float, float]:
    """(raw change goes up, |change|, CI of |change| low, high) from the signed
    improvement: the interval is of the change in the direction the verb says."""
    imp = float(_get(row, "outcome_improvement"))
    lo, hi = float(_get(row, "outcome_ci_low")), float(_get(row, "outcome_ci_high"))
    hib = _get(row, "outcome_higher_is_better")
    sign = 1.0 if hib is None or bool(hib) else -1.0
    raw, raw_lo, raw_hi = sign * imp, *sorted((sign * lo, sign * hi))
    if raw >= 0:
        return True, raw, raw_lo, raw_hi
    return False, -raw, -raw_hi, -raw_lo


def _label_of(row: Mapping[str, Any] | pd.Series, language: str) -> str:
    text = _get(row, "outcome_label") or _get(row, "outcome_measure")
    return str(text) if text else ("Resultatet" if language == _NB else "The outcome")


def outcome_sentence(row: Mapping[str, Any] | pd.Series, language: str = "nb", *,
                     min_cell_size: int = 5) -> str:
    """One sentence on the pilot's outcome (its primary measure), from a scorecard row.

    Example: "Trivsel økte med 3,2 poeng (95 % KI 2,2–4,1), over minste betydningsfulle
    endring på 2 poeng." With a comparison group the change is said to be "mer enn i
    sammenligningsgruppen". The interval is of the change in the direction the verb
    says (a fall in school absence is a fall, with the interval of the fall).
    """
    _lang(language)
    reason = str(_get(row, "outcome_reason") or "")
    unit = str(_get(row, "outcome_unit") or "")
    if reason in _JUDGED and _get(row, "outcome_improvement") is not None and \
            _get(row, "outcome_ci_low") is not None:
        up, x, lo, hi = _direction(row)
        did = _get(row, "outcome_design") == "did"
        verb = _t(("outcome.verb_up" if up else "outcome.verb_down") + ("_did" if did else ""),
                  language)
        judge = _JUDGED[reason]
        capped = judge is None
        if capped:  # clear one way or the other, but the design cannot carry the verdict
            below = float(_get(row, "outcome_ci_high")) < float(_get(row, "outcome_mid"))
            judge = "outcome.judge_red" if below else "outcome.judge_green"
        if judge == "outcome.judge_green" and not _get(row, "outcome_clears_mid"):
            judge = "outcome.judge_green_may"  # the interval reaches below the MID
        judgement = _t(judge, language, mid=_smart(_get(row, "outcome_mid"), language),
                       unit=unit)
        text = _t("outcome.change_did" if did else "outcome.change", language,
                  label=_cap(_label_of(row, language)), verb=verb,
                  x=fmt.number(x, 1, language=language), unit=unit,
                  ci=fmt.interval(lo, hi, 1, language=language), judgement=judgement)
        if capped:  # a result below the MID says the design cannot show it does not work
            text += " " + note(reason + ("_below" if below else ""), "outcome_reason", language)
        return text
    if reason == "too_few_measured":
        n = _get(row, "outcome_n")
        if n is None or float(n) == 0:
            return _t("outcome.none_measured", language)
        need = _get(row, "outcome_min_required") or max(10, min_cell_size)
        key = "outcome.few_measured" if float(n) < min_cell_size else "outcome.few_measured_n"
        return _t(key, language, n=_cap(people(n, min_cell_size, language)),
                  need=fmt.count(need, suppress=False, language=language))
    return note(reason or "unknown", "outcome_reason", language)


#: Outcome reasons whose sentence states the change with its interval, and their judgement;
#: None: clear one way or the other, but capped by the design (the reason says why).
_JUDGED: dict[str, str | None] = {
    "clear_improvement": "outcome.judge_green", "below_mid": "outcome.judge_red",
    "uncertain": "outcome.judge_yellow", "change_without_comparison": None,
    "evidence_too_weak": None, "attrition_too_high": None}


def evidence_sentence(row: Mapping[str, Any] | pd.Series, language: str = "nb") -> str:
    """How strong the evidence under a result is, and why ("" without a rating).

    Reads ``evidence_rating``, ``evidence_reasons`` and ``design`` of an
    ``outcome_summary`` row, or the ``outcome_*`` columns of a scorecard row.

    >>> print(evidence_sentence({"design": "pre_post", "evidence_rating": "very_weak",
    ...                          "evidence_reasons": "attrition_high"}))
    Evidensstyrken er svært svak: bare før–etter-måling uten sammenligningsgruppe og mange mangler oppfølgingsmåling.
    """
    _lang(language)
    rating = _get(row, "evidence_rating") or _get(row, "outcome_evidence_rating")
    if not rating:
        return ""
    design = _get(row, "design") or _get(row, "outcome_design") or ""
    reasons = _get(row, "evidence_reasons") or _get(row, "outcome_evidence_reasons") or ""
    parts = [_t(f"evidence.base.{design}", language)] if f"evidence.base.{design}" in \
        MESSAGES else []
    parts += [_t(f"evidence.reason.{k}", language) for k in str(reasons).split(";")
              if f"evidence.reason.{k}" in MESSAGES]
    joined = (", ".join(parts[:-1]) + f" {_t('sum.and', language)} " + parts[-1]
              if len(parts) > 1 else "".join(parts))
    return _t("evidence.sentence", language, rating=evidence_word(rating, language),
              reasons=joined)


def evidence_word(rating: Any, language: str = "nb") -> str:
    """"sterk" / "moderat" / "svak" / "svært svak" (or the English) for a rating key."""
    key = f"evidence.{rating}"
    return label(key, language) if key in LABELS else str(rating)


def caution_sentences(row: Mapping[str, Any] | pd.Series, language: str = "nb", *,
                      min_cell_size: int = 5) -> list[str]:
    """What may explain a change besides the pilot, with numbers: regression to the mean
    (participants picked for low scores) and how much worse the missing follow-ups would
    have to be to erase the change.

    Reads ``outcome_rtm_expected_improvement``, ``outcome_tipping_point`` and
    ``outcome_missing_due`` (the primary measure's ``rtm_expected_improvement``,
    ``tipping_point_improvement`` and ``n_missing_due`` of ``outcome_summary``, added to a
    scorecard row by the report). The tipping point is said only when at least
    ``min_cell_size`` follow-ups are missing: with the change and the people measured it
    gives their number back.
    """
    _lang(language)
    unit = str(_get(row, "outcome_unit") or "")
    out = []
    did = _get(row, "outcome_design") == "did"
    rtm = _get(row, "outcome_rtm_expected_improvement")
    mid = _get(row, "outcome_mid")
    # worth a sentence from a quarter of the minimal important difference
    enough = 0.25 * float(mid) if mid is not None and not _missing(mid) else 0.05
    if rtm is not None and not _missing(rtm) and float(rtm) >= max(enough, 0.05):
        out.append(_t("outcome.rtm_did" if did else "outcome.rtm", language,
                      x=fmt.number(float(rtm), 1, language=language), unit=unit))
    tip = _get(row, "outcome_tipping_point")
    missing = _get(row, "outcome_missing_due")
    if tip is not None and not _missing(tip) and float(tip) < 0 and missing is not None \
            and not _missing(missing) and float(missing) >= min_cell_size:
        out.append(_t("outcome.tipping_did" if did else "outcome.tipping", language,
                      x=fmt.number(-float(tip), 1, language=language), unit=unit))
    return out


def _outcome_phrase(row: Mapping[str, Any] | pd.Series, language: str) -> str:
    """"trivsel opp 3 poeng" for the recommendation line; "mestringstro uten sikker
    endring" when the interval holds zero (it may as well have gone down)."""
    low, high = _get(row, "outcome_ci_low"), _get(row, "outcome_ci_high")
    if low is not None and high is not None and float(low) <= 0 <= float(high):
        return _t("rec.no_clear_change", language,
                  label=_lower_first(_label_of(row, language)))
    up, x, _, _ = _direction(row)
    return _t("rec.up" if up else "rec.down", language,
              label=_lower_first(_label_of(row, language)), x=_rounded(x, language),
              unit=str(_get(row, "outcome_unit") or "")).strip()


_REC_CAPPED = {"change_without_comparison": "rec.no_comparison",
               "evidence_too_weak": "rec.weak_evidence", "attrition_too_high": "rec.attrition"}


def recommendation_sentence(row: Mapping[str, Any] | pd.Series, language: str = "nb", *,
                            min_cell_size: int = 5) -> str:
    """The recommendation with its reason in one line, from a scorecard row.

    Examples: "Skalere – trivsel opp 3 poeng, sikker bedring"; "For tidlig å si – bare 5
    målt før og etter, trenger 10"; "Justere – for få deltakere (45 % av ventet)".
    """
    _lang(language)
    word = recommendation_word(_get(row, "recommendation"), language, capital=True)
    reason = str(_get(row, "recommendation_reason") or "")
    has_change = _get(row, "outcome_improvement") is not None and \
        _get(row, "outcome_ci_low") is not None

    def line(text: str) -> str:
        return _t("rec.line", language, word=word, dash=_DASH, reason=text)

    if reason == "all_green" and has_change:
        sure = "rec.sure" if _get(row, "outcome_clears_mid") else "rec.may_matter"
        return line(f"{_outcome_phrase(row, language)}, {_t(sure, language)}")
    if reason in ("outcome_red", "outcome_red_early") and has_change:
        key = "rec.too_little" if reason == "outcome_red" else "rec.too_little_early"
        return line(f"{_outcome_phrase(row, language)}, {_t(key, language)}")
    if reason == "not_all_green":
        parts = []
        if has_change:
            phrase = _outcome_phrase(row, language)
            if _get(row, "outcome_status") == "yellow":
                key = _REC_CAPPED.get(str(_get(row, "outcome_reason")), "rec.unsure")
                # the rating's own word: "svært svak" is not "svak"
                level = evidence_word(_get(row, "outcome_evidence_rating") or "weak", language)
                phrase += ", " + _t(key, language, level=level)
            parts.append(phrase)
        if _get(row, "reach_status") == "yellow":
            parts.append(_t("rec.reach_yellow", language))
        if _get(row, "cost_status") == "yellow":
            under = _get(row, "cost_reason") == "underspending"
            parts.append(_t("rec.cost_under" if under else "rec.cost_over", language))
        if parts:
            return line("; ".join(parts))
    if reason == "reach_red" or reason == "reach_and_cost_red":
        if reason == "reach_and_cost_red":
            return line(_t("rec.reach_and_cost_red", language))
        n, ratio = _get(row, "enrolled"), _get(row, "reach_ratio")
        if ratio is None or (n is not None and 0 < float(n) < min_cell_size):
            return line(_t("rec.reach_red_few", language))
        return line(_t("rec.reach_red", language, pct=_pct(ratio, language)))
    if reason == "cost_red":
        used, elapsed = _get(row, "grant_used_share"), _get(row, "elapsed_share")
        if used is not None and elapsed is not None:
            used_text, elapsed_text = _shares(used, elapsed, "far_overspending", language)
            return line(_t("rec.cost_red", language, used=used_text, elapsed=elapsed_text))
    if reason == "outcome_grey":
        why = str(_get(row, "outcome_reason") or "")
        n = _get(row, "outcome_n")
        if why == "too_few_measured" and n is not None and float(n) > 0:
            need = _get(row, "outcome_min_required") or max(10, min_cell_size)
            key = "rec.measured_few" if float(n) < min_cell_size else "rec.measured"
            return line(_t(key, language, n=people(n, min_cell_size, language),
                           need=fmt.count(need, suppress=False, language=language)))
        if why == "too_few_measured":
            return line(_t("rec.measured_none", language))
        if why in ("no_outcome_data", "not_estimable"):
            return line(_t(f"rec.{why}", language))
    if reason == "not_started":
        return line(_t("rec.not_started", language))
    text = note(reason or "unknown", "recommendation_reason", language)
    return line(_lower_first(text.rstrip(".")))


def outcome_basis(row: Mapping[str, Any] | pd.Series, language: str = "nb") -> str:
    """Which measure the outcome status rests on, and why that one ("" when none).

    Reads ``outcome_measure_source`` (``primary`` or ``first_measured``) and the measure's
    label from a (:func:`localise`-d) scorecard row.
    """
    source = _get(row, "outcome_measure_source")
    if source not in ("primary", "first_measured") or not _get(row, "outcome_measure"):
        return ""
    label = _label_of(row, language)
    if _not_started(row) and source == "primary":  # nothing judged yet: what will be
        return _t("outcome_basis.primary_future", language, label=_lower_first(label))
    return _t(f"outcome_basis.{source}", language, label=_lower_first(label))


def _not_started(row: Mapping[str, Any] | pd.Series) -> bool:
    return _get(row, "state") == "not_started" or (
        _get(row, "state") is None and _get(row, "reach_reason") == "not_started")


def explain(row: Mapping[str, Any] | pd.Series, language: str = "nb", *,
            min_cell_size: int = 5, measures: pd.DataFrame | None = None) -> dict[str, str]:
    """All sentences of one scorecard row: ``{"reach", "cost", "outcome", "evidence",
    "basis", "recommendation"}`` → sentence (``basis``: :func:`outcome_basis`;
    ``evidence``: :func:`evidence_sentence` and :func:`caution_sentences`, when the outcome
    has an estimate).

    For a pilot that has not started, ``reach`` says so once for all three dimensions and
    ``cost`` and ``outcome`` are empty.

    The scorecard names measures in the agreement's language. The unit is always put in
    ``language`` (:func:`unit`); give ``measures`` (``ds.measures``) for the measure's
    name too (:func:`localise`), or a report in English says "Trivsel rose 3.2 points".
    """
    if measures is not None or _lang(language) == _EN:
        row = localise(pd.DataFrame([dict(row)]), measures, language).iloc[0]
    if _not_started(row):  # one sentence, not "has not started" once per dimension
        return {"reach": _t("pilot.not_started", language), "cost": "", "outcome": "",
                "evidence": "", "basis": outcome_basis(row, language),
                "recommendation": recommendation_sentence(row, language,
                                                          min_cell_size=min_cell_size)}
    judged = str(_get(row, "outcome_reason") or "") in _JUDGED
    return {
        "reach": reach_sentence(row, language, min_cell_size=min_cell_size),
        "cost": cost_sentence(row, language),
        "outcome": outcome_sentence(row, language, min_cell_size=min_cell_size),
        "evidence": " ".join([evidence_sentence(row, language), *caution_sentences(
            row, language, min_cell_size=min_cell_size)]).strip() if judged else "",
        "basis": outcome_basis(row, language),
        "recommendation": recommendation_sentence(row, language, min_cell_size=min_cell_size),
    }


# --------------------------------------------------------------------------- LIX


# A word: letters or digits, with inner hyphens or apostrophes ("før–etter" is two words,
# "forskjell-i-forskjeller" one, "2,5" one).
_WORD = re.compile(r"[^\W_]+(?:[-'’.,][^\W_]+)*")
# A sentence ends at . ! ? followed by the end of the text or by space and a word that does
# not start with a lower-case letter or a digit ("30. juni", "2,1 mill. kr" do not end
# one); at a colon or semicolon only before a line break; and at every line break between
# text (a list item without a full stop is a sentence).
_SENTENCE_END = re.compile(r"[.!?…]+[»”\"')\]]*(?=\s*$|\s+[^\s\da-zæøåäöü])|[:;](?=\s*\n)|\n+")


def lix(text: str) -> float:
    r"""Readability index LIX (läsbarhetsindex) of a text.

    .. math::

        \mathrm{LIX} = \frac{\text{words}}{\text{sentences}} +
                       100 \times \frac{\text{long words}}{\text{words}}

    where a long word has more than six letters. Below 30 reads as very easy, 30–40 easy
    (newspapers for the general public, klarspråk target), 40–50 medium (ordinary public
    documents), 50–60 difficult, above 60 very difficult (specialist text).

    Parameters
    ----------
    text : str
        Plain text; paragraphs and list items separated by line breaks.

    Returns
    -------
    float
        The index; NaN for a text with no words.

    Notes
    -----
    Sentences are counted conservatively, so the index is never flattered: a full stop
    only ends a sentence when the next word does not begin with a small letter or a digit
    (so "30. juni" and "2,6 mill. kr" are one sentence), a colon only before a line break.
    Numbers count as words, but never as long ones (they have no letters).

    References
    ----------
    Björnsson, C.-H. (1968). *Läsbarhet*. Stockholm: Liber.
    Anderson, J. (1983). Lix and Rix: variations on a little-known readability index.
    *Journal of Reading* 26(6), 490–496.
    """
    words = _WORD.findall(text or "")
    if not words:
        return float("nan")
    long_words = sum(1 for w in words if sum(ch.isalpha() for ch in w) > 6)
    # a sentence is a stretch between two ends that holds at least one word
    sentences = sum(1 for part in _SENTENCE_END.split(text.strip()) if _WORD.search(part))
    sentences = max(sentences, 1)
    return len(words) / sentences + 100.0 * long_words / len(words)


# --------------------------------------------------------------------------- summary


@dataclass(frozen=True)
class Summary:
    """The one-page summary in plain language, as structured pieces (no HTML).

    Attributes
    ----------
    heading : str
        "Sammendrag".
    overview : list of str
        Paragraphs: money spent against the fund's allocation and time passed; citizens
        reached and the share of the target population.
    changes_heading : str
        "Hva endret seg for innbyggerne?".
    changes : list of str
        What changed for them and how sure we are, and what we cannot know yet.
    caveats_heading : str
        "Viktige forbehold".
    caveats : list of str
        Two or three caveats, one bullet each.
    language : str
    """

    heading: str
    overview: list[str]
    changes_heading: str
    changes: list[str]
    caveats_heading: str
    caveats: list[str]
    language: str = "nb"
    facts: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def paragraphs(self) -> list[str]:
        """Overview and changes paragraphs, in reading order."""
        return [*self.overview, *self.changes]

    @property
    def text(self) -> str:
        """All the summary's sentences as plain text (one paragraph or bullet a line)."""
        return "\n".join([*self.paragraphs, *self.caveats])

    def lix(self) -> float:
        """LIX of :attr:`text` (see :func:`lix`)."""
        return lix(self.text)

    def to_markdown(self, *, headings: bool = True) -> str:
        """Markdown for a notebook cell (the status table goes between overview and
        changes; call with ``headings=False`` and place the parts yourself if needed)."""
        out = [*self.overview]
        out += [f"### {self.changes_heading}" if headings else "", *self.changes]
        out += [f"### {self.caveats_heading}" if headings else ""]
        out += ["\n".join(f"- {c}" for c in self.caveats)]
        return "\n\n".join(p for p in out if p)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


def _join_names(names: list[str], language: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {_t('sum.and', language)} {names[-1]}"


def _names_of(ds: Dataset) -> dict[str, str]:
    p = ds.pilots
    ids = p["pilot_id"].astype(str)
    name = p["name"].astype("string") if "name" in p else ids
    return dict(zip(ids, name.fillna(ids).astype(str), strict=True))


def _change_sentences(row: pd.Series, name: str, language: str) -> list[str]:
    """Two short sentences on one pilot's primary outcome for the summary."""
    up, x, lo, hi = _direction(row)
    unit = str(_get(row, "outcome_unit") or "")
    status = _get(row, "outcome_status")
    label = _cap(_label_of(row, language))
    decimals = 0 if x >= 2 and (hi - lo) >= 1.5 else 1

    def n(v: float) -> str:
        return fmt.number(v, decimals, language=language)

    if status == "red":
        return [_t("sum.red", language, label=label, name=name, unit=unit,
                   mid=_smart(_get(row, "outcome_mid"), language))]
    verb = _t("sum.verb_up" if up else "sum.verb_down", language)
    did = _get(row, "outcome_design") == "did"
    key = "sum.green_did" if did else "sum.before_after"
    first = _t(key, language, label=label, verb=verb, x=n(x), unit=unit, name=name)
    change = _t("sum.noun_up" if up else "sum.noun_down", language)
    reason = str(_get(row, "outcome_reason") or "")
    if status == "green":
        sure = "sum.sure" if _get(row, "outcome_clears_mid") else "sum.may_matter"
        return [first, _t(sure, language, change=change, lo=n(lo), hi=n(hi), unit=unit)]
    if lo < 0 < hi:  # the interval spans no change: say both ends as words
        word_lo = _t("sum.fall_of" if up else "sum.rise_of", language, x=n(-lo))
        word_hi = _t("sum.rise_of" if up else "sum.fall_of", language,
                     x=f"{n(hi)}{_NBSP}{unit}" if unit else n(hi))
        return [first, _t("sum.yellow_cross", language, lo=word_lo, hi=word_hi)]
    if f"sum.why.{reason}" in MESSAGES:
        rating = evidence_word(_get(row, "outcome_evidence_rating") or "", language)
        why = _t(f"sum.why.{reason}", language, rating=rating)
        return [first, _t("sum.capped", language, lo=n(lo), hi=n(hi), unit=unit, why=why)]
    return [first, _t("sum.yellow", language, change=change, lo=n(lo), hi=n(hi), unit=unit)]


def _its_sentences(indicators: pd.DataFrame, names: Mapping[str, str],
                   language: str) -> list[str]:
    """The municipality's indicator series against their trends, in words: a level change
    (rate ratio − 1) whose 95 % interval lies all on one side of no change, with that
    interval; "no clear change" otherwise; nothing for a series without an estimate or whose
    evidence is below moderate (a break in the trend before the pilot, too short a
    pre-period, correlated months). Then once what such a figure cannot say.

    >>> row = {"level_rr": 0.78, "level_rr_ci_low": 0.69, "level_rr_ci_high": 0.88}
    >>> frame = pd.DataFrame([row], index=pd.MultiIndex.from_tuples(
    ...     [("a", "barnevernsmeldinger")], names=["pilot_id", "series"]))
    >>> print(" ".join(_its_sentences(frame, {"a": "Leksehjelp"}, "nb")).replace("\xa0", " "))
    ... # doctest: +NORMALIZE_WHITESPACE
    Etter at Leksehjelp startet, kom det i hele kommunen om lag 22 % færre
    barnevernsmeldinger enn trenden fra før tilsa (trolig mellom 12 % og 31 % færre).
    Tallet gjelder hele kommunen, ikke bare deltakerne, så vi vet ikke om piloten er årsaken.
    """
    said: list[str] = []
    for (pilot_id, series), row in indicators.iterrows():
        rr, lo, hi = (float(row[c]) if not _missing(row[c]) else math.nan
                      for c in ("level_rr", "level_rr_ci_low", "level_rr_ci_high"))
        if not all(math.isfinite(v) for v in (rr, lo, hi)):
            continue  # no estimate: the section says why
        level = row.get("evidence_level")
        if level is not None and not _missing(level) and int(level) < 2:
            continue  # a trend break or short pre-period: the section says why, not the summary
        label = series_label(series, language)
        # "Barnevernsmeldinger" → "barnevernsmeldinger", but "NAV saker" stays as it is
        what = label[:1].lower() + label[1:] if label[1:2].islower() else label
        name = names.get(str(pilot_id), str(pilot_id))
        change = {"what": what, "name": name}
        down = [1 - rr, 1 - hi, 1 - lo]
        up = [rr - 1, lo - 1, hi - 1]
        for key, (mid, low, high) in (("sum.its_down", down), ("sum.its_up", up)):
            texts = [fmt.percent(v, 0, language=language) for v in (mid, low, high)]
            if low > 0 and texts[0] != fmt.percent(0, 0, language=language):
                said.append(_t(key, language, pct=texts[0], lo=texts[1], hi=texts[2], **change))
                break
        else:
            said.append(_t("sum.its_unclear", language, **change))
    if said:
        said.append(_t("sum.its_cause", language))
    return said


def summary(ds: Dataset, language: str | None = None, *, scorecard: pd.DataFrame | None = None,
            portfolio: pd.DataFrame | None = None, outcomes: pd.DataFrame | None = None,
            value: pd.DataFrame | None = None, indicators: pd.DataFrame | None = None,
            max_caveats: int = 3) -> Summary:
    """The one-page plain-language summary of the portfolio (DESIGN §4).

    Parameters
    ----------
    ds : Dataset
        At its ``as_of`` date.
    language : {"nb", "en"}, optional
        Defaults to the agreement's language.
    scorecard, portfolio, outcomes, value : DataFrame, optional
        :func:`~pilot_eval.metrics.scorecard.scorecard`,
        :func:`~pilot_eval.metrics.portfolio.portfolio_summary`,
        :func:`~pilot_eval.metrics.outcomes.outcome_summary` and
        :func:`~pilot_eval.metrics.value.value_for_money` of ``ds`` when the caller has
        them already; computed otherwise (``value`` only when it can matter, see
        :func:`caveats`).
    indicators : DataFrame, optional
        Rows of :func:`~pilot_eval.metrics.outcomes.its_summary` to report in words (one
        sentence each: the municipality's figure against its trend). The caller chooses
        them: the reports pass those with enough months since the pilot started.
    max_caveats : int, default 3

    Returns
    -------
    Summary
        Paragraphs and caveats as plain strings. The status table
        (:func:`pilot_eval.present.tables.status_table`) goes between the overview and the
        changes.

    Notes
    -----
    What the text says, and where the numbers come from:

    * money: fund money spent of the fund's allocation (``portfolio.fund_cost_nok`` /
      ``budget_nok``), months passed, co-funding;
    * reach: citizens reached, as the reach table's total (enrolments, when some take part
      in more than one pilot; a lower bound from the other pilots when one pilot has a
      small count), and their share of the combined target population, with its size so
      the reader can check it; when some pilots' areas are not in the population figures,
      that population is too large and the text says the share may be higher;
    * changes: one or two sentences per pilot on its primary measure, by status; the 95 %
      interval in words ("trolig mellom 2 og 4 poeng"); grey pilots together; one
      sentence on what nobody can know yet (whether effects last);
    * caveats, at most ``max_caveats``, in this order: only some pilots have a comparison
      group; follow-up missing for a share of those measured at baseline; value after the
      pilot period is projected; the data have warnings.

    Counts below ``min_cell_size`` never appear (see :func:`people`).
    """
    from ..metrics.outcomes import outcome_summary
    from ..metrics.portfolio import portfolio_summary
    from ..metrics.scorecard import scorecard as _scorecard

    language = _lang(language or ds.agreement.language or _NB)
    min_cell = int(ds.agreement.min_cell_size)
    card = localise(_scorecard(ds) if scorecard is None else scorecard, ds.measures, language)
    port = (portfolio_summary(ds) if portfolio is None else portfolio).iloc[0]
    outs = outcome_summary(ds) if outcomes is None else outcomes
    names = _names_of(ds)

    # -- money and time
    overview: list[str] = []
    budget = float(port["budget_nok"]) if not _missing(port["budget_nok"]) else 0.0
    money = [_t("sum.money", language, spent=_kroner(port["fund_cost_nok"], budget, language),
                budget=_kroner(budget, budget, language),
                share=_pct(port["fund_spent_share"], language))]
    money.append(_t("sum.time", language, m=fmt.number(port["months_elapsed"], 0,
                                                        language=language),
                    total=fmt.number(port["months_total"], 0, language=language)))
    if not _missing(port["cofunding_nok"]) and float(port["cofunding_nok"]) > 0:
        money.append(_t("sum.cofunding", language,
                        amount=_kroner(port["cofunding_nok"], budget, language)))
    overview.append(" ".join(money))

    # -- reach
    ages = ds.pilots["target_age_max"].astype("Float64")
    young = bool(len(ages.dropna())) and float(ages.max()) <= 25
    # Every pilot's count is printed elsewhere (reach sentences), so with a pilot of a few
    # participants the total would give its count away (total minus the others): say then
    # only what the other pilots' people add up to, rounded down.
    enrolled = card["enrolled"].astype("Float64").fillna(0)
    small = float(enrolled[(enrolled > 0) & (enrolled < min_cell)].sum())
    reached = float(port["citizens_reached"])
    who = "sum.who_young" if young else "sum.who_all"
    several = port.get("citizens_in_several_pilots")
    several = 0.0 if _missing(several) else float(several)
    if small:
        n_text = _t("people.at_least", language, n=fmt.count(
            _round_down(reached - small), suppress=False, language=language))
        reach = [_t("sum.reach", language, n=n_text, who=_t(who, language))]
    elif several > 0 and not _missing(port.get("enrolments")):
        # the reach table's total counts enrolments: say that figure, so the reader finds
        # it again, and not the distinct count (their difference may be a small count)
        reach = [_t("sum.reach_enrolments", language,
                    n=people(port["enrolments"], min_cell, language))]
    else:  # the exact count: it is the reach table's total
        reach = [_t("sum.reach", language, n=people(reached, min_cell, language),
                    who=_t(who, language))]
    cov = port["coverage_share"]
    if not _missing(cov) and reached >= min_cell and small == 0:
        # Rounded as usual, not down: the share is of the target population shown, so the
        # reader can check it; when that population is too large (areas the population
        # figures do not show), the next sentence says the share may be higher.
        decimals = 1 if float(cov) < 0.1 else 0
        one = len(card) == 1
        reach.append(_t("sum.coverage", language,
                        pct=fmt.percent(cov, decimals, language=language),
                        population=fmt.count(port["target_population"], suppress=False,
                                             language=language),
                        who=_t(who + "_def", language),
                        groups=_t("sum.groups_one" if one else "sum.groups", language)))
        if _get(port, "target_population_note") == "areas_ignored":
            reach.append(_t("sum.coverage_lower", language))
    if several > 0 and not small:
        reach.append(_t("sum.overlap", language))
    if not _missing(port["reach_target"]) and float(port["reach_target"]) > 0:
        reach.append(_t("sum.target", language,
                        n=fmt.count(port["reach_target"], suppress=False, language=language)))
    overview.append(" ".join(reach))

    # -- what changed
    changes: list[str] = []
    judged = card[card["outcome_status"].isin(["green", "yellow", "red"])]
    order = {"green": 0, "yellow": 1, "red": 2}
    judged = judged.iloc[sorted(range(len(judged)),
                                key=lambda i: order[str(judged["outcome_status"].iloc[i])])]
    sentences = [s for pid, row in judged.iterrows()
                 for s in _change_sentences(row, names.get(str(pid), str(pid)), language)]
    grey = card[(card["outcome_status"] == "grey") & (card["state"] != "not_started")]
    waiting = card[card["state"] == "not_started"]
    if not sentences:
        started = card[card["state"] != "not_started"]
        nobody = not (started["outcome_n"].astype("Float64").fillna(0) > 0).any()
        sentences.append(_t("sum.none_measured" if nobody else "sum.none_yet", language))
    elif len(grey):
        sentences.append(_t("sum.grey", language, names=_join_names(
            [names.get(str(p), str(p)) for p in grey.index], language)))
    if len(waiting):
        sentences.append(_t("sum.not_started", language, names=_join_names(
            [names.get(str(p), str(p)) for p in waiting.index], language)))
    if len(judged):
        sentences.append(_t("sum.unknown", language))
    changes.append(" ".join(sentences))
    if indicators is not None and len(indicators):
        if its := _its_sentences(indicators, names, language):
            changes.append(" ".join(its))

    # -- caveats
    found = caveats(ds, language, scorecard=card, outcomes=outs, value=value,
                    max_caveats=max_caveats)

    return Summary(
        heading=label("summary", language), overview=overview,
        changes_heading=label("changes", language), changes=changes,
        caveats_heading=label("caveats", language), caveats=found,
        language=language,
        facts={"as_of": ds.as_of_date, "citizens_reached": port["citizens_reached"]},
    )


def caveats(ds: Dataset, language: str | None = None, *, scorecard: pd.DataFrame | None = None,
            outcomes: pd.DataFrame | None = None, value: pd.DataFrame | None = None,
            pilot_id: str | None = None, warnings: pd.DataFrame | None = None,
            max_caveats: int = 3) -> list[str]:
    """The main caveats of the portfolio, or of one pilot, one sentence pair each.

    Parameters
    ----------
    ds : Dataset
        At its ``as_of`` date.
    language : {"nb", "en"}, optional
        Defaults to the agreement's language.
    scorecard, outcomes : DataFrame, optional
        :func:`~pilot_eval.metrics.scorecard.scorecard` and
        :func:`~pilot_eval.metrics.outcomes.outcome_summary` of ``ds``; computed otherwise.
    value : DataFrame, optional
        :func:`~pilot_eval.metrics.value.value_for_money` of ``ds``; computed otherwise, but
        only when a valued measure has at least ``min_cell_size`` people measured twice
        (before that, no value can be shown).
    pilot_id : str, optional
        The caveats of this pilot only (its report), said of one pilot.
    warnings : DataFrame, optional
        The warnings that concern the report (default ``ds.warnings``; a pilot report
        passes the pilot's own and those tied to no pilot).
    max_caveats : int, default 3

    Returns
    -------
    list of str
        In this order: no (or only some) comparison groups; follow-up missing for a share
        of those measured at baseline (primary measures) -- when nobody has a follow-up
        yet, the outcome text says so, and the caveat only says that the second
        measurement is still to come (when most are still taking part); value after the
        pilot period is projected (only when such a value is shown: computed, and resting
        on at least ``min_cell_size`` people); the data have warnings.
    """
    from ..metrics.outcomes import outcome_summary
    from ..metrics.scorecard import scorecard as _scorecard

    language = _lang(language or ds.agreement.language or _NB)
    min_cell = int(ds.agreement.min_cell_size)
    card = _scorecard(ds) if scorecard is None else scorecard
    outs = outcome_summary(ds) if outcomes is None else outcomes
    if pilot_id is not None:
        card = card[card.index.astype(str) == str(pilot_id)]
    found: list[str] = []
    started = card[card["state"] != "not_started"]
    designs = started["outcome_design"].dropna()
    k, n = int((designs == "did").sum()), len(started)
    # Before anyone is measured twice every design reads "pre_post", also for pilots whose
    # comparison group simply has no follow-up yet: "none has a comparison group" would
    # be wrong then, and the follow-up caveat says what matters.
    if "outcome_n" in started and not (started["outcome_n"].astype("Float64").fillna(0) > 0).any():
        n = 0
    if pilot_id is not None:
        if n and k == 0:
            found.append(_t("caveat.pilot_no_comparison", language))
    elif n and k == 0:
        found.append(_t("caveat.comparison_none", language))
    elif n and k < n:
        key = "caveat.comparison_one" if k == 1 else "caveat.comparison_some"
        found.append(_t(key, language, k=k, n=n))
    primary = [(str(p), str(m)) for p, m in zip(card.index, card["outcome_measure"],
                                                 strict=True) if not _missing(m)]
    rows = outs.reindex(pd.MultiIndex.from_tuples(primary, names=["pilot_id", "measure"])) \
        if primary and len(outs) else outs.iloc[0:0]
    base = float(rows["n_baseline"].fillna(0).sum()) if len(rows) else 0.0
    if base >= min_cell:
        missing = float(rows["n_missing_followup"].fillna(0).sum())
        active = float(rows["n_missing_followup_active"].fillna(0).sum())
        if missing >= base:
            # Nobody has a second measurement: the outcome text ("nobody is measured before
            # and after yet") has said so; here only why that is no failure, if it is not.
            if active / missing > 0.5:
                found.append(_t("caveat.followup_later", language))
        elif missing / base >= 0.05:
            key = "caveat.followup_active" if active / missing > 0.5 else "caveat.followup"
            found.append(_t(key, language, pct=_pct(missing / base, language)))
    if _projected_value_shown(ds, outs, value, pilot_id, min_cell):
        found.append(_t("caveat.projected", language))
    n_warnings = len(ds.warnings if warnings is None else warnings)
    if n_warnings:
        key = "caveat.pilot_warnings" if pilot_id is not None else "caveat.warnings"
        found.append(_t(key + ("_one" if n_warnings == 1 else ""), language, n=n_warnings))
    return found[:max_caveats]


def _projected_value_shown(ds: Dataset, outcomes: pd.DataFrame, value: pd.DataFrame | None,
                           pilot_id: str | None, min_cell: int) -> bool:
    """Whether the report shows a value after the pilot period (of one pilot, or of any):
    a projected value computed for a measure with at least ``min_cell`` people measured
    twice (the value table hides the rest)."""
    if not len(ds.valuation):
        return False
    if value is None:
        # value for money needs people measured twice on a valued measure: look first
        valued = set(ds.valuation["measure"].astype(str))
        if not len(outcomes):
            return False
        o = outcomes.reset_index()
        if pilot_id is not None:
            o = o[o["pilot_id"].astype(str) == str(pilot_id)]
        enough = o["measure"].astype(str).isin(valued) & \
            (o["n_pilot"].astype("Float64").fillna(0) >= min_cell)
        if not enough.any():
            return False
        from ..metrics.value import value_for_money

        value = value_for_money(ds)
    v = value.reset_index()
    if pilot_id is not None and len(v):
        v = v[v["pilot_id"].astype(str) == str(pilot_id)]
    if v.empty:
        return False
    projected = v["projected_value_nok"].astype("Float64").fillna(0) != 0
    measured = v["n_measured"].astype("Float64").fillna(0) >= min_cell
    return bool((projected & measured).any())


def _kroner(x: float, scale: float, language: str) -> str:
    """An amount for running text, in millions as the tables write it.

    When ``scale`` (the grant, or the fund's allocation) is a million or more, amounts of
    a million or more get one decimal ("1,2 mill. kr") and smaller ones two ("0,14 mill.
    kr", as in the money table, not "0,1"); from 100 000 kr two decimals ("0,49 mill.
    kr"); below that whole thousands ("49 000 kr").
    """
    if scale >= 1e5:
        decimals = 1 if scale >= 1e6 and abs(float(x)) >= 1e6 else 2
        return fmt.mnok(x, decimals=decimals, language=language)
    return fmt.nok(round(float(x), -3), language=language)


def pilot_money(cost: Mapping[str, Any] | pd.Series, card: Mapping[str, Any] | pd.Series,
                language: str = "nb") -> tuple[str, bool]:
    """What one pilot has spent of its grant, against the time passed, in plain words.

    Parameters
    ----------
    cost : row of :func:`~pilot_eval.metrics.cost.cost_summary`
        ``fund_cost_nok``, ``grant_nok``, ``grant_used_share``, ``elapsed_share``,
        ``cofunding_nok``, ``forecast_fund_cost_nok``.
    card : row of :func:`~pilot_eval.metrics.scorecard.scorecard`
        ``state`` and ``cost_reason`` (the pace the scorecard's rules judged).
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    text : str
        For example "Piloten har brukt 0,37 mill. kr av tilsagnet på 1,0 mill. kr fra
        fondet. Det er 37 % av tilsagnet. Det har gått 74 % av pilotperioden. Piloten
        bruker pengene mye saktere enn planen. …" The two shares get a decimal when whole
        percentages would not show the pace the scorecard judged ("5,4 % … 4,9 %"). The
        forecast at the period's end is given only when the pace is off plan and at least
        :data:`MIN_ELAPSED_FOR_FORECAST` of the period has passed.
    paced : bool
        True when the text says the pace against time (then the scorecard's cost sentence
        would say it again).
    """
    _lang(language)
    spent, grant = _get(cost, "fund_cost_nok") or 0.0, _get(cost, "grant_nok")
    reason = str(_get(card, "cost_reason") or "")
    state = str(_get(card, "state") or "")
    scale = max(float(grant or 0.0), float(spent))
    out: list[str] = []
    paced = False
    if grant is None or float(grant) <= 0:
        out.append(_t("pilot.money_no_grant", language, spent=_kroner(spent, scale, language)))
    elif state == "not_started" or reason == "not_started":
        out.append(_t("pilot.money_not_started", language,
                      grant=_kroner(grant, scale, language)))
    else:
        out.append(_t("pilot.money", language, spent=_kroner(spent, scale, language),
                      grant=_kroner(grant, scale, language)))
        used, elapsed = _get(cost, "grant_used_share"), _get(cost, "elapsed_share")
        if used is not None and elapsed is not None:
            used_text, elapsed_text = _shares(used, elapsed, reason, language)
            out.append(_t("pilot.shares", language, used=used_text, elapsed=elapsed_text))
            pace = reason
            if reason == "on_budget" and float(elapsed) > 0 and \
                    float(used) / float(elapsed) < _PACE_IN_STEP_FROM:
                pace = "on_budget_slow"  # good by the rules, yet not in step with time
            if f"pilot.pace.{pace}" in MESSAGES:
                out.append(_t(f"pilot.pace.{pace}", language))
                paced = True
            forecast = _get(cost, "forecast_fund_cost_nok")
            if paced and reason != "on_budget" and forecast is not None and \
                    float(elapsed) >= MIN_ELAPSED_FOR_FORECAST:
                out.append(_t("pilot.forecast", language,
                              forecast=_kroner(forecast, scale, language)))
    co = _get(cost, "cofunding_nok")
    if co is not None and float(co) > 0:
        out.append(_t("sum.cofunding", language, amount=_kroner(co, scale, language)))
    return " ".join(out), paced


# --------------------------------------------------------------------------- glossary


#: Terms explained in one plain sentence each (GLOSSARY.md): (bokmål term, explanation),
#: (English term, explanation).
_GLOSSARY: Final[list[tuple[tuple[str, str], tuple[str, str]]]] = [
    (("Anslått effekt", "Vår beste beregning av hvor mye piloten endret resultatet."),
     ("Estimate", "Our best calculation of how much the pilot changed the outcome.")),
    (("Konfidensintervall (95 % KI)",
      "Et spenn som viser usikkerheten: tallet vi leter etter ligger trolig innenfor, og "
      "et smalt spenn betyr at vi er sikrere."),
     ("Confidence interval (95% CI)",
      "A range that shows the uncertainty: the true figure probably lies inside it, and a "
      "narrow range means we are more certain.")),
    (("Minste betydningsfulle endring",
      "Den minste endringen som betyr noe i livet til dem det gjelder, satt på forhånd for "
      "hvert resultatmål."),
     ("Minimal important difference",
      "The smallest change that matters in people's lives, set in advance for each "
      "measure.")),
    (("Minste effekt dataene kan påvise",
      "Den minste effekten vi har gode sjanser (80 %) til å oppdage med så mange målte "
      "deltakere; mindre effekter kan finnes uten at vi ser dem."),
     ("Minimum detectable effect",
      "The smallest effect we have a good chance (80%) of detecting with this many people "
      "measured; smaller effects may exist unseen.")),
    (("Sammenligningsgruppe",
      "Personer som ligner deltakerne, men som ikke er med i piloten, målt på samme tider."),
     ("Comparison group",
      "People like the participants who are not in the pilot, measured at the same "
      "times.")),
    (("Før–etter-sammenligning",
      "Vi sammenligner deltakernes resultat før og etter; uten sammenligningsgruppe vet "
      "vi ikke hvor mye som ville skjedd uansett."),
     ("Pre–post comparison",
      "We compare participants' results before and after; without a comparison group we "
      "do not know how much would have happened anyway.")),
    (("Forskjell-i-forskjeller",
      "Vi trekker endringen i sammenligningsgruppen fra endringen hos deltakerne, så det "
      "som ville skjedd uansett, ikke blir regnet som pilotens effekt."),
     ("Difference-in-differences",
      "We subtract the comparison group's change from the participants' change, so what "
      "would have happened anyway is not counted as the pilot's effect.")),
    (("Avbrutt tidsserie",
      "Vi ser om kommunens månedstall brøt med trenden og årstidsmønsteret fra før piloten "
      "startet."),
     ("Interrupted time series",
      "We check whether the municipality's monthly figures broke from the trend and "
      "seasonal pattern seen before the pilot started.")),
    (("Frafall i oppfølgingen",
      "Andelen av dem som ble målt ved start, som ikke er målt igjen."),
     ("Attrition at follow-up",
      "The share of those measured at the start who have not been measured again.")),
    (("Terskel for suksess",
      "Grensen en deltaker må krysse fra start til oppfølging for å regnes som en suksess "
      "i figurene før og etter og i verdien for samfunnet."),
     ("Success threshold",
      "The value a participant must cross between start and follow-up to count as a "
      "success in the before-and-after charts and the value for society.")),
    (("Andel av målgruppen nådd",
      "Deltakere delt på alle i kommunen som er i pilotens målgruppe (alder og område)."),
     ("Coverage of the target population",
      "Participants divided by everyone in the municipality in the pilot's target group "
      "(age and area).")),
    (("Fullføringsgrad", "Andelen som fullførte, av dem som enten fullførte eller avbrøt."),
     ("Completion rate", "The share who completed, of those who either completed or "
                         "dropped out.")),
    (("Giring", "Hvor mange kroner piloten bruker i alt for hver krone fra fondet."),
     ("Leverage", "How many kroner the pilot uses in all for each krone from the fund.")),
    (("Naturalytelser",
      "Bidrag i form av arbeidstid, lokaler eller utstyr i stedet for penger, regnet om "
      "til kroner."),
     ("In-kind contributions",
      "Contributions of working time, premises or equipment instead of money, valued in "
      "kroner.")),
    (("Samfunnsnytte (nåverdi)",
      "Verdien for samfunnet av bedre resultater, regnet om til kroner i dag."),
     ("Social value (present value)",
      "The value to society of better outcomes, converted to kroner today.")),
    (("Nytte–kostnadsforhold",
      "Samfunnsnytte delt på kostnad: over 1 betyr at nytten er større enn kostnaden."),
     ("Benefit–cost ratio",
      "Social value divided by cost: above 1 means the value exceeds the cost.")),
    (("Dødvekt", "Den delen av resultatet som ville kommet også uten piloten."),
     ("Deadweight", "The part of the outcome that would have happened without the pilot.")),
    (("Tilskriving", "Den delen av resultatet som andre enn piloten bidro til."),
     ("Attribution", "The part of the outcome that others than the pilot contributed to.")),
    (("Fortrengning",
      "Den delen av gevinsten som bare flyttes fra andre, for eksempel en jobb som ellers "
      "ville gått til en annen."),
     ("Displacement",
      "The part of the gain that is only moved from others, such as a job that would "
      "have gone to someone else.")),
    (("Avtagende effekt", "Hvor mye effekten antas å svekkes hvert år etter det første."),
     ("Drop-off", "How much the effect is assumed to fade each year after the first.")),
    (("Kalkulasjonsrente",
      "Renten som regner framtidige kroner om til verdi i dag; 4 % etter R-109/2021."),
     ("Discount rate",
      "The rate that converts future kroner into value today; 4% under R-109/2021.")),
    (("Skattefinansieringskostnad",
      "Hver krone fra det offentlige koster samfunnet 1,20 kr, fordi skatt gir tap i "
      "økonomien."),
     ("Tax-financing cost",
      "Each public krone costs society NOK 1.20, because taxes cause losses in the "
      "economy.")),
    (("Observert og framskrevet",
      "Observert er målt innenfor pilotperioden; framskrevet er beregnet for tiden etter, "
      "ut fra forutsetninger."),
     ("Observed and projected",
      "Observed is measured inside the pilot period; projected is calculated for the time "
      "after, from assumptions.")),
    (("Følsomhetsanalyse",
      "Vi endrer én forutsetning om gangen for å se hvor mye resultatet avhenger av den."),
     ("Sensitivity analysis",
      "We change one assumption at a time to see how much the result depends on it.")),
    (("Skjult av personvernhensyn («<5»)",
      "Grupper med færre enn 5 personer vises ikke, så ingen kan kjennes igjen."),
     ("Suppressed for privacy ('<5')",
      "Groups of fewer than 5 people are not shown, so nobody can be recognised.")),
    (("Skjult («:»)",
      "Skjult bare for at et lite tall ikke skal kunne regnes ut fra summen."),
     ("Hidden (':')",
      "Hidden only so that a small number cannot be worked out from the total.")),
    (("Statusoversikt",
      "Vurdering av rekkevidde, økonomi og resultater per pilot som god, usikker, svak "
      "eller for lite data, etter faste regler."),
     ("Scorecard",
      "Each pilot's reach, cost and outcomes rated good, uncertain, weak or too little "
      "data, by fixed rules.")),
]


def glossary(language: str = "nb") -> list[tuple[str, str]]:
    """The report's glossary: (term, one plain sentence) pairs, terms from GLOSSARY.md."""
    i = 0 if _lang(language) == _NB else 1
    return [pair[i] for pair in _GLOSSARY]


def rule_text(rule: str, language: str = "nb", default: str | None = None) -> str:
    """What a scorecard threshold means, in the report's words (good / uncertain / weak).

    Parameters
    ----------
    rule : str
        A key of :data:`pilot_eval.schema.DEFAULT_RULES` (``reach_green``, …).
    language : {"nb", "en"}, default "nb"
    default : str, optional
        Said for a rule this module has no text for (the metric module's description);
        else the key itself.
    """
    found = LABELS.get(f"rule.{rule}")
    if found:
        return found[_lang(language)]
    return default if default else str(rule)


def rule_notes(rules: Mapping[str, float], language: str = "nb", *,
               min_cell_size: int = 5) -> list[str]:
    """How the outcome status and the recommendation are decided, in plain words, with the
    thresholds in force (DESIGN §3, :mod:`pilot_eval.metrics.scorecard`): the table of
    rules lists only the thresholds, these say what is done with them.

    Parameters
    ----------
    rules : mapping
        The rules in force (rule → value), e.g. ``rules_in_force(ds)["value"]``; the
        defaults fill in what is missing.
    language : {"nb", "en"}, default "nb"
    min_cell_size : int, default 5
        Fewer people measured twice than this are too little data, too.
    """
    from ..schema import DEFAULT_RULES

    _lang(language)
    merged = {**DEFAULT_RULES, **{str(k): float(v) for k, v in dict(rules).items()}}
    need = int(max(float(merged["outcome_min_n"]), float(min_cell_size)))
    share = fmt.percent(merged["adjust_before_elapsed"], language=language)
    cap = fmt.percent(merged["outcome_attrition_cap"], language=language)
    return [label("rules.outcome", language,
                  n=fmt.count(need, suppress=False, language=language), cap=cap),
            label("rules.evidence", language),
            label("rules.recommendation", language, share=share),
            label("rules.grey", language)]


def per_krone(tax_financing_cost: float, language: str = "nb") -> str:
    """The tax-financing cost per public krone: "20 øre" / "NOK 0.20"."""
    if _lang(language) == _NB:
        return f"{fmt.number(tax_financing_cost * 100, 0, language=language)}{_NBSP}øre"
    return f"NOK{_NBSP}{fmt.number(tax_financing_cost, 2, language=language)}"


def method_notes(language: str = "nb", *, discount_rate: float = 0.04,
                 tax_financing_cost: float = 0.20, min_cell_size: int = 5,
                 series: bool = False) -> list[tuple[str, str, str]]:
    """The assumptions behind the numbers, with their sources.

    Abbreviations (DFØ, GMCA, HACT, GDPR) are written out where they first appear, and the
    interrupted time series' method ("kvasi-Poisson") is explained when the report has one.

    Parameters
    ----------
    language : {"nb", "en"}, default "nb"
    discount_rate, tax_financing_cost, min_cell_size
        The values in force (from the agreement), printed in the notes.
    series : bool, default False
        The report shows an interrupted time series: explain its method.

    Returns
    -------
    list of (topic, explanation, source)
    """
    _lang(language)
    r = fmt.percent(discount_rate, 1 if round(discount_rate * 100, 6) % 1 else 0,
                    language=language)
    krone = fmt.number(1 + tax_financing_cost, 2, language=language)
    extra = per_krone(tax_financing_cost, language)
    r109 = ("Finansdepartementet (2021). Rundskriv R-109/2021: Prinsipper og krav ved "
            "utarbeidelse av samfunnsøkonomiske analyser.")
    its_source = ("Bernal, J. L., Cummins, S. og Gasparrini, A. (2017). Interrupted time series "
                  "regression for the evaluation of public health interventions: a tutorial. "
                  "International Journal of Epidemiology 46(1).")
    if language == _NB:
        notes = [
            ("Kalkulasjonsrente",
             f"Nytte og kostnader er regnet om til verdi ved avtalens start (basisåret) med en "
             f"reell rente på {r} per år. Beløpene er ikke justert for prisvekst: kostnadene "
             "står i kroner slik de ble betalt, og verdsettingene i kronene fra kildene. "
             "Over en toårig avtale utgjør prisveksten noen få prosent, mindre enn "
             "usikkerheten i verdsettingene.",
             r109),
            ("Skattefinansieringskostnad",
             f"Hver krone fra fondet og kommunen er regnet som {krone} kr for samfunnet "
             f"({extra} per krone).",
             "Finansdepartementet, Rundskriv R-109/2021, punkt 5; Direktoratet for "
             "forvaltning og økonomistyring (DFØ) (2023), Veileder i samfunnsøkonomiske "
             "analyser."),
            ("Personvern",
             f"Grupper med færre enn {min_cell_size} personer vises som «<{min_cell_size}». "
             "Der en sum vises, skjules ett tall til, så det lille tallet ikke kan regnes "
             "ut. Andeler og snitt av færre enn "
             f"{min_cell_size} personer vises ikke.",
             "Statistisk sentralbyrå, praksis for konfidensialitet i tabeller; "
             "personopplysningsloven og EUs personvernforordning (GDPR), artikkel 5 og 89."),
            ("Sammenligning",
             "Der en sammenligningsgruppe er målt før og etter, brukes "
             "forskjell-i-forskjeller. Ellers sammenlignes deltakerne før og etter.",
             "Wooldridge, J. M., Introductory Econometrics, kap. 13."),
            ("Minste effekt dataene kan påvise",
             "Beregnet med 5 % signifikansnivå og 80 % styrke.",
             "Bloom, H. S. (1995). Minimum detectable effects. Evaluation Review 19(5)."),
            ("Verdsetting",
             "Verdien per person og år er justert for dødvekt, tilskriving, fortrengning og "
             "avtagende effekt. Bare deltakere målt før og etter er med.",
             "HM Treasury (2022), The Green Book; Greater Manchester Combined Authority "
             "(GMCA) (2019), Cost Benefit Analysis guidance; HACT (Housing Associations' "
             "Charitable Trust), Social Value Bank."),
        ]
        if series:
            notes.insert(4, (
                "Avbrutt tidsserie",
                "Kommunens månedstall er regnet med kvasi-Poisson-regresjon. Det er en modell "
                "for antall hendelser per måned som tillater at tallene varierer mer enn ren "
                "tilfeldighet tilsier.", its_source))
        return notes
    notes = [
        ("Discount rate",
         f"Benefits and costs are converted to their value at the agreement's start (the base "
         f"year) at a real rate of {r} a year. Amounts are not adjusted for price growth: "
         "costs are in kroner as paid, valuations in the kroner of their sources. Over a "
         "two-year agreement price growth is a few per cent, less than the uncertainty of "
         "the valuations.", r109),
        ("Tax-financing cost",
         f"Each krone from the fund and the municipality counts as NOK {krone} to society "
         f"({extra} per krone).",
         "Finansdepartementet (Ministry of Finance), Rundskriv R-109/2021, section 5; "
         "Norwegian Agency for Public and Financial Management (DFØ) (2023), Veileder i "
         "samfunnsøkonomiske analyser (guide to cost–benefit analysis)."),
        ("Privacy",
         f"Groups of fewer than {min_cell_size} people show as '<{min_cell_size}'. Where a "
         "total is shown, one more number is hidden so the small one cannot be worked out. "
         f"Shares and means of fewer than {min_cell_size} people are not shown.",
         "Statistics Norway, confidentiality practice for tables; EU General Data Protection "
         "Regulation (GDPR), articles 5 and 89."),
        ("Comparison",
         "Where a comparison group is measured before and after, difference-in-differences "
         "is used. Otherwise participants are compared before and after.",
         "Wooldridge, J. M., Introductory Econometrics, ch. 13."),
        ("Minimum detectable effect",
         "Computed at a 5% significance level and 80% power.",
         "Bloom, H. S. (1995). Minimum detectable effects. Evaluation Review 19(5)."),
        ("Valuation",
         "The value per person and year is adjusted for deadweight, attribution, "
         "displacement and drop-off. Only participants measured before and after count.",
         "HM Treasury (2022), The Green Book; Greater Manchester Combined Authority (GMCA) "
         "(2019), Cost Benefit Analysis guidance; HACT (Housing Associations' Charitable "
         "Trust), Social Value Bank."),
    ]
    if series:
        notes.insert(4, (
            "Interrupted time series",
            "The municipality's monthly figures are modelled by quasi-Poisson regression: a "
            "model for numbers of events per month that allows them to vary more than chance "
            "alone would.", its_source.replace(" og ", " and ")))
    return notes


def data_quality_sentence(warnings: pd.DataFrame | None, language: str = "nb", *,
                          pilot: bool = False) -> str:
    """One or two sentences on the data's warnings (``Dataset.warnings``).

    Examples: "Vi fant ingen feil eller advarsler i dataene." / "Vi fant 3 advarsler i
    dataene. De står i tabellen nedenfor. …"

    With ``pilot=True`` (a pilot report, which lists only the warnings about its pilot and
    those about no pilot) the text says so, and "no warnings" is said of the pilot: other
    pilots' data may have some.
    """
    _lang(language)
    n = 0 if warnings is None else len(warnings)
    if n == 0:
        return _t("quality.pilot_none" if pilot else "quality.none", language)
    if n == 1:
        said = _t("quality.one", language)
    else:
        said = _t("quality.many", language, n=fmt.count(n, suppress=False, language=language))
    return f"{said} {_t('quality.pilot_scope', language)}" if pilot else said


def message_fields(key: str) -> dict[str, set[str]]:
    """The ``str.format`` fields of a message per language (for tests of the catalogue)."""
    msgs = MESSAGES.get(key) or LABELS[key]
    return {lang: {f for _, f, _, _ in string.Formatter().parse(text) if f}
            for lang, text in msgs.items()}
