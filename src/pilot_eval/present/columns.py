"""What the columns of the metric tables mean, for people: headers, descriptions, kinds.

The exported metric tables (:func:`pilot_eval.metrics.metric_tables`) keep their column
names in code (``snake_case``, the names of ``docs/metrics.md`` and ``metrics.json``).
A person opening ``metrics.xlsx`` reads the headers and the explanations here instead, in
bokmål or English (terms from ``GLOSSARY.md``), and every cell is written in the format
of its column's *kind* (:data:`KINDS`): kroner with a thousands separator, shares as per
cent, counts as whole numbers, dates as dates.

The texts are data, kept apart from :mod:`pilot_eval.present.text` while that module's
catalogue moves to gettext; they can move into the catalogue later as they are.

* :data:`TABLES` -- each table's sheet name and what it holds.
* :data:`COLUMNS` -- each column's kind, header and meaning; :data:`TABLE_COLUMNS` where
  one table means something else by a column name.
* :data:`CODE_WORDS` -- words for the codes of a few columns (``state``, ``funder`` …).
* :func:`column`, :func:`table` -- look-ups in a language, with a plain fallback for a
  column nobody has described yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, NamedTuple

from ..errors import UsageError

__all__ = [
    "CODE_WORDS",
    "COLUMNS",
    "KINDS",
    "TABLES",
    "TABLE_COLUMNS",
    "KIND_WORDS",
    "Column",
    "Described",
    "Table",
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


#: What each kind is called on the workbook's first sheet: kind → (bokmål, English).
KIND_WORDS: Final[Mapping[str, tuple[str, str]]] = MappingProxyType({
    "key": ("id", "id"), "text": ("tekst", "text"), "code": ("kode", "code"),
    "status": ("status i ord", "status in words"),
    "recommendation": ("anbefaling i ord", "recommendation in words"),
    "evidence": ("evidensstyrke i ord", "strength of evidence in words"),
    "flag": ("ja/nei", "yes/no"), "nok": ("kroner", "kroner"), "share": ("prosent", "per cent"),
    "count": ("antall", "count"), "ratio": ("forholdstall", "ratio"),
    "number": ("tall, to desimaler", "number, two decimals"),
    "quantity": ("tall, én desimal", "number, one decimal"), "p_value": ("p-verdi", "p-value"),
    "year": ("år", "year"), "date": ("dato", "date"), "mixed": ("tall", "number"),
})


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


TABLES: Final[Mapping[str, Table]] = MappingProxyType({
    "portfolio": Table(
        "Portefølje", "Portfolio",
        "Hele samarbeidsavtalen: penger, tid og innbyggere nådd, én rad.",
        "The whole agreement: money, time and citizens reached, one row."),
    "scorecard": Table(
        "Statusoversikt", "Scorecard",
        "Én rad per pilot: status for rekkevidde, økonomi og resultater, med anbefaling.",
        "One row per pilot: reach, cost and outcome status, with the recommendation."),
    "cost": Table(
        "Kostnader", "Cost",
        "Én rad per pilot: ressursbruk, finansiering og kostnad per deltaker.",
        "One row per pilot: resources used, funding and cost per participant."),
    "cost_by_funder": Table(
        "Kostnader etter finansiør", "Cost by funder",
        "Én rad per pilot og finansiør: hvem som har betalt, i penger og naturalytelser.",
        "One row per pilot and funder: who paid, in cash and in kind."),
    "reach": Table(
        "Rekkevidde", "Reach",
        "Én rad per pilot: deltakere, hvordan de har avsluttet, og andel av målgruppen nådd.",
        "One row per pilot: participants, how they left, and coverage of the target "
        "population."),
    "reach_by_area": Table(
        "Rekkevidde etter område", "Reach by area",
        "Én rad per pilot og område (bydel) der deltakerne bor.",
        "One row per pilot and area where the participants live."),
    "reach_by_gender": Table(
        "Rekkevidde etter kjønn", "Reach by gender",
        "Én rad per pilot og kjønn.",
        "One row per pilot and gender."),
    "reach_by_age_group": Table(
        "Rekkevidde etter alder", "Reach by age group",
        "Én rad per pilot og aldersgruppe (alder ved påmelding).",
        "One row per pilot and age group (age at enrolment)."),
    "outcomes": Table(
        "Resultater", "Outcomes",
        "Én rad per pilot og resultatmål: endring for innbyggerne, med usikkerhet og "
        "evidensstyrke.",
        "One row per pilot and measure: the change for citizens, with its uncertainty and "
        "strength of evidence."),
    "indicators": Table(
        "Tidsserier", "Time series",
        "Én rad per pilot og kommunal tidsserie (avbrutt tidsserie).",
        "One row per pilot and municipal time series (interrupted time series)."),
    "value_for_money": Table(
        "Samfunnsøkonomi", "Value for money",
        "Én rad per pilot og resultatmål: samfunnsnytte i kroner mot kostnaden, med "
        "forutsetningene.",
        "One row per pilot and measure: social value in kroner against the cost, with the "
        "assumptions."),
    "value_by_pilot": Table(
        "Samfunnsøkonomi per pilot", "Value for money by pilot",
        "Én rad per pilot: samfunnsnytten summert over resultatmålene.",
        "One row per pilot: the social value summed over the measures."),
    "sensitivity": Table(
        "Følsomhetsanalyse", "Sensitivity",
        "Én rad per pilot, resultatmål og forutsetning: nytte–kostnadsforholdet med "
        "forutsetningen lav og høy.",
        "One row per pilot, measure and assumption: the benefit–cost ratio with the "
        "assumption low and high."),
    "rules": Table(
        "Regler", "Rules",
        "Én rad per regel i statusoversikten: terskelen som gjelder.",
        "One row per scorecard rule: the threshold in force."),
    "scenarios": Table(
        "Scenarioer", "Scenarios",
        "Én rad per pilot og scenario etter avtaleperioden: deltakere og kostnad per år.",
        "One row per pilot and scenario after the agreement: participants and cost a year."),
    "unit_costs": Table(
        "Enhetskostnader", "Unit costs",
        "Én rad per pilot og dagens tilbud den sammenlignes med: kostnad per deltakerår.",
        "One row per pilot and today's service it is compared with: cost per "
        "participant-year."),
    "enterprise": Table(
        "Entreprenørenes økonomi", "Enterprise finances",
        "Én rad per sosial entreprenør og år: inntekter etter kilde, kostnader og resultat.",
        "One row per social entrepreneur and year: income by source, costs and result."),
    "enterprise_summary": Table(
        "Entreprenører samlet", "Enterprises in sum",
        "Én rad per sosial entreprenør: hvor avhengig den er av kommunen over årene.",
        "One row per social entrepreneur: how dependent on the municipality over the years."),
})


def _c(kind: str, nb: str, en: str, about_nb: str, about_en: str) -> Column:
    return Column(kind, nb, en, about_nb, about_en)


#: Every column of the metric tables, by name. A name means the same in every table it
#: is in, except where :data:`TABLE_COLUMNS` says otherwise.
COLUMNS: Final[Mapping[str, Column]] = MappingProxyType({
    # ----------------------------------------------------------------- keys
    "pilot_id": _c("key", "Pilot", "Pilot",
                   "Pilotens id i datamappen (pilots.csv).",
                   "The pilot's id in the data folder (pilots.csv)."),
    "agreement": _c("key", "Samarbeidsavtale", "Agreement",
                    "Samarbeidsavtalens navn.", "The agreement's name."),
    "measure": _c("key", "Resultatmål", "Measure",
                  "Resultatmålets id (measures.csv).", "The measure's id (measures.csv)."),
    "funder": _c("code", "Finansiør", "Funder",
                 "Hvem som betalte: fondet, kommunen, Ferd, entreprenøren eller andre.",
                 "Who paid: the fund, the municipality, Ferd, the entrepreneur or others."),
    "area": _c("key", "Område", "Area", "Området (bydelen) deltakeren bor i.",
               "The area the participant lives in."),
    "gender": _c("code", "Kjønn", "Gender", "Deltakerens kjønn.", "The participant's gender."),
    "age_group": _c("key", "Aldersgruppe", "Age group",
                    "Alder ved påmelding, i år.", "Age at enrolment, in years."),
    "series": _c("key", "Tidsserie", "Series",
                 "Den kommunale tidsserien (indicators.csv).",
                 "The municipal time series (indicators.csv)."),
    "assumption": _c("code", "Forutsetning", "Assumption",
                     "Forutsetningen som varieres (kolonnenavn i Samfunnsøkonomi).",
                     "The assumption varied (a column name in Value for money)."),
    "rule": _c("key", "Regel", "Rule", "Regelens navn (agreement.toml, [rules]).",
               "The rule's name (agreement.toml, [rules])."),
    "scenario": _c("code", "Scenario", "Scenario",
                   "Videreføre som i dag, nå målet, eller nå en andel av målgruppen.",
                   "Continue as today, reach the target, or reach a share of the target "
                   "population."),
    "alternative": _c("key", "Tilbud (id)", "Service (id)",
                      "Id for tilbudet piloten sammenlignes med (alternatives.csv).",
                      "Id of the service the pilot is compared with (alternatives.csv)."),
    "organisation": _c("key", "Organisasjon", "Organisation",
                       "Den sosiale entreprenøren (finances.csv).",
                       "The social entrepreneur (finances.csv)."),
    "year": _c("year", "År", "Year", "Regnskapsåret.", "The accounting year."),
    # ----------------------------------------------------------------- time and state
    "as_of": _c("date", "Status per", "As of", "Datoen tallene gjelder.",
                "The date the figures are for."),
    "state": _c("code", "Fase", "State", "Ikke startet, pågår eller avsluttet.",
                "Not started, running or ended."),
    "months_total": _c("quantity", "Måneder i alt", "Months in all",
                       "Avtaleperiodens lengde i måneder.", "The agreement's length in months."),
    "months_elapsed": _c("quantity", "Måneder gått", "Months elapsed",
                         "Måneder gått av avtaleperioden.", "Months of the agreement elapsed."),
    "elapsed_share": _c("share", "Andel av perioden gått", "Share of period elapsed",
                        "Hvor stor del av perioden som er gått.",
                        "How much of the period has passed."),
    # ----------------------------------------------------------------- money
    "budget_nok": _c("nok", "Fondets ramme", "Fund budget",
                     "Fondets ramme for hele avtaleperioden.",
                     "The fund's allocation for the whole agreement."),
    "grants_nok": _c("nok", "Tilsagn i alt", "Grants in all",
                     "Sum av pilotenes tilsagn fra fondet.",
                     "Sum of the pilots' grants from the fund."),
    "grants_share_of_budget": _c("share", "Tilsagn av rammen", "Grants of budget",
                                 "Tilsagn i alt delt på fondets ramme.",
                                 "Grants in all divided by the fund's budget."),
    "grant_nok": _c("nok", "Tilsagn fra fondet", "Grant from the fund",
                    "Pilotens tilsagn fra fondet.", "The pilot's grant from the fund."),
    "fund_cost_nok": _c("nok", "Brukt av fondsmidler", "Fund money spent",
                        "Kostnader betalt av fondet.", "Costs paid by the fund."),
    "fund_spent_share": _c("share", "Andel av rammen brukt", "Share of budget spent",
                           "Brukt av fondsmidler delt på fondets ramme.",
                           "Fund money spent divided by the fund's budget."),
    "grants_used_share": _c("share", "Andel av tilsagnene brukt", "Share of grants used",
                            "Brukt av fondsmidler delt på tilsagn i alt.",
                            "Fund money spent divided by the grants in all."),
    "grant_used_share": _c("share", "Andel av tilsagnet brukt", "Share of grant used",
                           "Brukt av fondsmidler delt på tilsagnet.",
                           "Fund money spent divided by the grant."),
    "total_cost_nok": _c("nok", "Samlet ressursbruk", "Total cost",
                         "Alle kostnader, også naturalytelser, uansett hvem som betalte.",
                         "All costs, in-kind included, whoever paid."),
    "public_cost_nok": _c("nok", "Offentlig kostnad", "Public cost",
                          "Kostnader betalt av fondet og kommunen.",
                          "Costs paid by the fund and the municipality."),
    "in_kind_nok": _c("nok", "Naturalytelser", "In-kind contributions",
                      "Egeninnsats og arbeidstid, verdsatt i kroner.",
                      "Own work and staff time, valued in kroner."),
    "cofunding_nok": _c("nok", "Medfinansiering", "Co-funding",
                        "Kostnader betalt av andre enn fondet.",
                        "Costs paid by others than the fund."),
    "leverage": _c("ratio", "Giring", "Leverage",
                   "Kroner brukt i alt per krone fra fondet.",
                   "Kroner spent in all per krone from the fund."),
    "cost_per_participant_nok": _c("nok", "Kostnad per deltaker", "Cost per participant",
                                   "Samlet ressursbruk delt på antall deltakere.",
                                   "Total cost divided by the participants."),
    "cost_per_completer_nok": _c("nok", "Kostnad per fullført", "Cost per completer",
                                 "Samlet ressursbruk delt på deltakere som fullførte.",
                                 "Total cost divided by the participants who completed."),
    "forecast_fund_cost_nok": _c("nok", "Prognose fondsmidler", "Forecast fund money",
                                 "Brukt av fondsmidler ved periodens slutt i samme tempo.",
                                 "Fund money spent at the period's end at the same pace."),
    "run_rate": _c("ratio", "Forbrukstakt", "Run rate",
                   "Andel av tilsagnet brukt delt på andel av perioden gått (1 = i takt).",
                   "Share of grant used divided by share of period elapsed (1 = on pace)."),
    "amount_nok": _c("nok", "Beløp", "Amount", "Kostnader betalt av finansiøren.",
                     "Costs paid by the funder."),
    "cash_nok": _c("nok", "Penger", "Cash", "Av beløpet: betalt i penger.",
                   "Of the amount: paid in cash."),
    "share_of_total": _c("share", "Andel av samlet", "Share of total",
                         "Finansiørens andel av pilotens samlede ressursbruk.",
                         "The funder's share of the pilot's total cost."),
    # ----------------------------------------------------------------- people
    "pilots": _c("count", "Piloter", "Pilots", "Antall piloter.", "Number of pilots."),
    "pilots_not_started": _c("count", "Ikke startet", "Not started",
                             "Piloter som ikke har startet.", "Pilots not started."),
    "pilots_running": _c("count", "Pågår", "Running", "Piloter som pågår.", "Pilots running."),
    "pilots_ended": _c("count", "Avsluttet", "Ended", "Piloter som er avsluttet.",
                       "Pilots ended."),
    "enrolments": _c("count", "Påmeldinger", "Enrolments",
                     "Påmeldinger i alle pilotene (en person i to piloter teller to ganger).",
                     "Enrolments in all pilots (a person in two pilots counts twice)."),
    "citizens_reached": _c("count", "Innbyggere nådd", "Citizens reached",
                           "Ulike personer påmeldt i minst én pilot.",
                           "Distinct people enrolled in at least one pilot."),
    "citizens_in_several_pilots": _c("count", "I flere piloter", "In several pilots",
                                     "Av dem: påmeldt i mer enn én pilot.",
                                     "Of them: enrolled in more than one pilot."),
    "enrolled": _c("count", "Deltakere", "Participants",
                   "Deltakere påmeldt fram til datoen.", "Participants enrolled up to the date."),
    "participants": _c("count", "Deltakere", "Participants",
                       "Deltakere påmeldt (som i Rekkevidde).",
                       "Participants enrolled (as in Reach)."),
    "completers": _c("count", "Fullført", "Completed",
                     "Deltakere som fullførte (som i Rekkevidde).",
                     "Participants who completed (as in Reach)."),
    "active": _c("count", "Aktive", "Active", "Deltakere som fortsatt er med.",
                 "Participants still taking part."),
    "completed": _c("count", "Fullført", "Completed", "Deltakere som fullførte.",
                    "Participants who completed."),
    "dropped_out": _c("count", "Avbrutt", "Dropped out", "Deltakere som avbrøt (frafall).",
                      "Participants who dropped out."),
    "moved": _c("count", "Flyttet", "Moved", "Deltakere som sluttet fordi de flyttet.",
                "Participants who left because they moved."),
    "exited_other": _c("count", "Annen grunn", "Other reason",
                       "Deltakere som sluttet av en annen grunn.",
                       "Participants who left for another reason."),
    "completion_rate": _c("share", "Fullføringsgrad", "Completion rate",
                          "Fullført delt på fullført og avbrutt.",
                          "Completed divided by completed and dropped out."),
    "overlap": _c("count", "Også i annen pilot", "Also in another pilot",
                  "Deltakere som også er påmeldt i en annen pilot.",
                  "Participants also enrolled in another pilot."),
    "reach_target": _c("count", "Mål for deltakere", "Reach target",
                       "Målet for antall deltakere i perioden.",
                       "The target number of participants for the period."),
    "reach_target_share": _c("share", "Andel av målet", "Share of target",
                             "Deltakere delt på målet.", "Participants divided by the target."),
    "expected_enrolled": _c("quantity", "Forventet nå", "Expected by now",
                            "Målet ganget med andelen av perioden som er gått.",
                            "The target times the share of the period elapsed."),
    "reach_ratio": _c("ratio", "Rekkevidde mot forventet", "Reach against expected",
                      "Deltakere delt på forventet nå (1 = i rute).",
                      "Participants divided by expected by now (1 = on track)."),
    "target_population": _c("count", "Målgruppen", "Target population",
                            "Antall innbyggere i målgruppen (population.csv).",
                            "Residents in the target population (population.csv)."),
    "target_population_note": _c("code", "Merknad målgruppe", "Target population note",
                                 "Merknad om hvordan målgruppen er regnet (docs/metrics.md).",
                                 "How the target population was counted (docs/metrics.md)."),
    "coverage_share": _c("share", "Andel av målgruppen nådd", "Coverage",
                         "Deltakere delt på målgruppen.",
                         "Participants divided by the target population."),
    "coverage_note": _c("code", "Merknad dekning", "Coverage note",
                        "Merknad om andelen av målgruppen (docs/metrics.md).",
                        "A note on the coverage (docs/metrics.md)."),
    "median_days_in_programme": _c("quantity", "Dager i tilbudet (median)",
                                   "Days in programme (median)",
                                   "Median antall dager fra påmelding til slutt eller datoen.",
                                   "Median days from enrolment to exit or the date."),
    "session_hours": _c("quantity", "Timer i alt", "Hours in all",
                        "Deltakertimer i alle samlinger.", "Participant hours in all sessions."),
    "hours_per_participant": _c("quantity", "Timer per deltaker", "Hours per participant",
                                "Timer i alt delt på deltakere.",
                                "Hours in all divided by participants."),
    "share": _c("share", "Andel av deltakerne", "Share of participants",
                "Gruppens andel av pilotens deltakere.",
                "The group's share of the pilot's participants."),
    "target_share": _c("share", "Andel av målgruppen", "Share of target population",
                       "Gruppens andel av målgruppen.",
                       "The group's share of the target population."),
    # ----------------------------------------------------------------- scorecard
    "reach_status": _c("status", "Rekkevidde", "Reach",
                       "Status for rekkevidde: god, usikker, svak eller for lite data.",
                       "Reach status: good, uncertain, weak or too little data."),
    "reach_reason": _c("code", "Grunn rekkevidde", "Reach reason",
                       "Hvorfor rekkevidden fikk sin status (docs/metrics.md).",
                       "Why reach got its status (docs/metrics.md)."),
    "cost_status": _c("status", "Økonomi", "Cost",
                      "Status for økonomi: god, usikker, svak eller for lite data.",
                      "Cost status: good, uncertain, weak or too little data."),
    "cost_reason": _c("code", "Grunn økonomi", "Cost reason",
                      "Hvorfor økonomien fikk sin status.", "Why cost got its status."),
    "outcome_status": _c("status", "Resultater", "Outcomes",
                         "Status for resultater: god, usikker, svak eller for lite data.",
                         "Outcome status: good, uncertain, weak or too little data."),
    "outcome_reason": _c("code", "Grunn resultater", "Outcome reason",
                         "Hvorfor resultatene fikk sin status.", "Why outcomes got their status."),
    "outcome_measure": _c("key", "Resultatmål vurdert", "Measure rated",
                          "Resultatmålet statusen bygger på.",
                          "The measure the status rests on."),
    "outcome_measure_source": _c("code", "Valgt som", "Chosen as",
                                 "Hovedresultatmål, eller det første som er målt.",
                                 "The primary measure, or the first measured."),
    "outcome_label": _c("text", "Navn på resultatmål", "Measure name",
                        "Resultatmålets navn.", "The measure's name."),
    "outcome_unit": _c("text", "Enhet", "Unit", "Resultatmålets enhet.", "The measure's unit."),
    "outcome_higher_is_better": _c("flag", "Høyere er bedre", "Higher is better",
                                   "Om et høyere tall er en forbedring.",
                                   "Whether a higher figure is an improvement."),
    "outcome_design": _c("code", "Design", "Design",
                         "Forskjell-i-forskjeller (did) eller før–etter (pre_post).",
                         "Difference-in-differences (did) or pre–post (pre_post)."),
    "outcome_n": _c("count", "Målt to ganger", "Measured twice",
                    "Deltakere med både startmåling og oppfølgingsmåling.",
                    "Participants with both baseline and follow-up."),
    "outcome_min_required": _c("count", "Minst nødvendig", "Least required",
                               "Så mange må være målt to ganger for en status.",
                               "This many must be measured twice for a status."),
    "outcome_improvement": _c("number", "Forbedring", "Improvement",
                              "Anslått forbedring, i resultatmålets enhet.",
                              "Estimated improvement, in the measure's unit."),
    "outcome_ci_low": _c("number", "Forbedring, nedre", "Improvement, lower",
                         "Nedre grense i 95 % konfidensintervall.",
                         "Lower limit of the 95 % confidence interval."),
    "outcome_ci_high": _c("number", "Forbedring, øvre", "Improvement, upper",
                          "Øvre grense i 95 % konfidensintervall.",
                          "Upper limit of the 95 % confidence interval."),
    "outcome_mid": _c("number", "Minste betydningsfulle endring", "Minimal important difference",
                      "Minste endring som betyr noe for innbyggeren.",
                      "The smallest change that matters to the citizen."),
    "outcome_meets_mid": _c("flag", "Når den", "Meets it",
                            "Om anslaget er minst den minste betydningsfulle endringen.",
                            "Whether the estimate is at least the minimal important difference."),
    "outcome_clears_mid": _c("flag", "Sikkert over den", "Clears it",
                             "Om hele intervallet ligger over den minste betydningsfulle "
                             "endringen.",
                             "Whether the whole interval lies above the minimal important "
                             "difference."),
    "outcome_evidence_rating": _c("evidence", "Evidensstyrke", "Strength of evidence",
                                  "Sterk, moderat, svak eller svært svak.",
                                  "Strong, moderate, weak or very weak."),
    "outcome_evidence_reasons": _c("code", "Grunner evidens", "Evidence reasons",
                                   "Hva som trekker evidensen ned (docs/metrics.md).",
                                   "What lowers the evidence (docs/metrics.md)."),
    "recommendation": _c("recommendation", "Anbefaling", "Recommendation",
                         "Skalere, videreføre, justere, avslutte eller for tidlig å si.",
                         "Scale, continue, adjust, stop or too early to say."),
    "recommendation_reason": _c("code", "Grunn anbefaling", "Recommendation reason",
                                "Hvorfor anbefalingen ble denne.",
                                "Why the recommendation is this one."),
    # ----------------------------------------------------------------- outcomes
    "design": _c("code", "Design", "Design",
                 "Forskjell-i-forskjeller (did), før–etter (pre_post) eller avbrutt "
                 "tidsserie (its).",
                 "Difference-in-differences (did), pre–post (pre_post) or interrupted time "
                 "series (its)."),
    "role": _c("code", "Rolle", "Role", "Hovedresultatmål eller utforskende resultatmål.",
               "Primary or exploratory outcome."),
    "comparison_type": _c("code", "Sammenligningsgruppe", "Comparison group",
                          "Trukket tilfeldig, matchet eller annen.",
                          "Randomised, matched or other."),
    "n_pilot": _c("count", "Målt to ganger", "Measured twice",
                  "Deltakere med både startmåling og oppfølgingsmåling.",
                  "Participants with both baseline and follow-up."),
    "n_comparison": _c("count", "Sammenligningsgruppe målt", "Comparison group measured",
                       "Personer i sammenligningsgruppen målt to ganger.",
                       "People in the comparison group measured twice."),
    "n_baseline": _c("count", "Med startmåling", "With baseline",
                     "Deltakere med startmåling.", "Participants with a baseline."),
    "n_missing_followup": _c("count", "Mangler oppfølging", "Missing follow-up",
                             "Deltakere med startmåling, men uten oppfølgingsmåling.",
                             "Participants with a baseline but no follow-up."),
    "n_missing_followup_active": _c("count", "Av dem aktive", "Of them active",
                                    "Av dem: fortsatt med i piloten.",
                                    "Of them: still in the pilot."),
    "n_not_yet_due": _c("count", "Ikke ennå", "Not yet due",
                        "Av dem: oppfølgingen er ikke ventet ennå.",
                        "Of them: the follow-up is not due yet."),
    "n_missing_due": _c("count", "Mangler", "Missing",
                        "Av dem: oppfølgingen var ventet, men mangler.",
                        "Of them: the follow-up was due but is missing."),
    "attrition_share": _c("share", "Frafall i oppfølgingen", "Attrition",
                          "Mangler oppfølging delt på med startmåling.",
                          "Missing follow-up divided by those with a baseline."),
    "attrition_due_share": _c("share", "Frafall av ventede", "Attrition of due",
                              "Andelen av ventede oppfølginger som mangler.",
                              "The share of due follow-ups that are missing."),
    "n_comparison_baseline": _c("count", "Sammenligning med startmåling",
                                "Comparison with baseline",
                                "Personer i sammenligningsgruppen med startmåling.",
                                "People in the comparison group with a baseline."),
    "n_comparison_missing_due": _c("count", "Sammenligning mangler", "Comparison missing",
                                   "Av dem: oppfølgingen var ventet, men mangler.",
                                   "Of them: the follow-up was due but is missing."),
    "comparison_attrition_share": _c("share", "Frafall sammenligning", "Comparison attrition",
                                     "Frafall av ventede i sammenligningsgruppen.",
                                     "Attrition of due follow-ups in the comparison group."),
    "overall_attrition": _c("share", "Frafall samlet", "Overall attrition",
                            "Frafall i begge gruppene sammen.", "Attrition in both groups."),
    "differential_attrition": _c("share", "Forskjell i frafall", "Differential attrition",
                                 "Forskjellen mellom gruppenes frafall (prosentpoeng).",
                                 "The difference of the groups' attrition (percentage "
                                 "points)."),
    "tipping_point_improvement": _c("number", "Vippepunkt", "Tipping point",
                                    "Endringen de som mangler, måtte ha for at anslaget "
                                    "skulle bli 0.",
                                    "The change those missing would need for the estimate "
                                    "to become 0."),
    "baseline_mean": _c("number", "Gjennomsnitt før", "Mean before",
                        "Deltakernes gjennomsnitt ved startmåling.",
                        "The participants' mean at baseline."),
    "followup_mean": _c("number", "Gjennomsnitt etter", "Mean after",
                        "Deltakernes gjennomsnitt ved oppfølgingsmåling.",
                        "The participants' mean at follow-up."),
    "comparison_baseline_mean": _c("number", "Sammenligning før", "Comparison before",
                                   "Sammenligningsgruppens gjennomsnitt ved start.",
                                   "The comparison group's mean at baseline."),
    "comparison_followup_mean": _c("number", "Sammenligning etter", "Comparison after",
                                   "Sammenligningsgruppens gjennomsnitt ved oppfølging.",
                                   "The comparison group's mean at follow-up."),
    "baseline_std_diff": _c("number", "Forskjell ved start (SD)", "Baseline difference (SD)",
                            "Forskjellen mellom gruppene ved start, i standardavvik.",
                            "The groups' difference at baseline, in standard deviations."),
    "rtm_expected_improvement": _c("number", "Regresjon mot gjennomsnittet",
                                   "Regression to the mean",
                                   "Endringen regresjon mot gjennomsnittet alene ville gitt.",
                                   "The change regression to the mean alone would give."),
    "ceiling_share": _c("share", "Ved grensen av skalaen", "At the scale's limit",
                        "Andel startmålinger på grensen av skalaen.",
                        "Share of baselines at the limit of the scale."),
    "n_clusters": _c("count", "Klynger", "Clusters",
                     "Antall klynger (for eksempel skoler) i analysen.",
                     "Number of clusters (schools, for example) in the analysis."),
    "estimate": _c("number", "Anslått effekt", "Estimate",
                   "Anslått endring i resultatmålets retning og enhet.",
                   "Estimated change in the measure's direction and unit."),
    "se": _c("number", "Standardfeil", "Standard error", "Anslagets standardfeil.",
             "The estimate's standard error."),
    "ci_low": _c("number", "Nedre grense", "Lower limit",
                 "Nedre grense i 95 % konfidensintervall for anslaget.",
                 "Lower limit of the estimate's 95 % confidence interval."),
    "ci_high": _c("number", "Øvre grense", "Upper limit",
                  "Øvre grense i 95 % konfidensintervall for anslaget.",
                  "Upper limit of the estimate's 95 % confidence interval."),
    "p_value": _c("p_value", "p-verdi", "p-value", "p-verdien for at endringen er 0.",
                  "The p-value for no change."),
    "effect_size": _c("number", "Effektstørrelse", "Effect size",
                      "Anslaget i standardavvik.", "The estimate in standard deviations."),
    "improvement": _c("number", "Forbedring", "Improvement",
                      "Anslaget med fortegn slik at positivt er bedre.",
                      "The estimate signed so that positive is better."),
    "improvement_ci_low": _c("number", "Forbedring, nedre", "Improvement, lower",
                             "Nedre grense for forbedringen (95 %).",
                             "Lower limit of the improvement (95 %)."),
    "improvement_ci_high": _c("number", "Forbedring, øvre", "Improvement, upper",
                              "Øvre grense for forbedringen (95 %).",
                              "Upper limit of the improvement (95 %)."),
    "mid": _c("number", "Minste betydningsfulle endring", "Minimal important difference",
              "Minste endring som betyr noe for innbyggeren.",
              "The smallest change that matters to the citizen."),
    "meets_mid": _c("flag", "Når den", "Meets it",
                    "Om forbedringen er minst den minste betydningsfulle endringen.",
                    "Whether the improvement is at least the minimal important difference."),
    "clears_mid": _c("flag", "Sikkert over den", "Clears it",
                     "Om hele intervallet ligger over den minste betydningsfulle endringen.",
                     "Whether the whole interval lies above the minimal important "
                     "difference."),
    "share_reliably_improved": _c("share", "Pålitelig bedre", "Reliably improved",
                                  "Andel målt to ganger som ble pålitelig bedre.",
                                  "Share of those measured twice who reliably improved."),
    "share_reliably_deteriorated": _c("share", "Pålitelig verre", "Reliably deteriorated",
                                      "Andel målt to ganger som ble pålitelig verre.",
                                      "Share of those measured twice who reliably "
                                      "deteriorated."),
    "rci_sd": _c("number", "SD for pålitelig endring", "SD for reliable change",
                 "Standardavviket brukt for pålitelig endring.",
                 "The standard deviation used for reliable change."),
    "rci_sd_source": _c("code", "SD fra", "SD from",
                        "Referanseverdi (reference) eller gruppene selv (pooled).",
                        "A reference value (reference) or the groups themselves (pooled)."),
    "mde": _c("number", "Minste påvisbare effekt", "Minimum detectable effect",
              "Minste effekt dataene kan påvise (80 % styrke, 5 % nivå).",
              "The smallest effect the data can detect (80 % power, 5 % level)."),
    "mde_sd": _c("number", "SD for påvisbar effekt", "SD for detectable effect",
                 "Standardavviket brukt for minste påvisbare effekt.",
                 "The standard deviation used for the minimum detectable effect."),
    "evidence_level": _c("count", "Evidensnivå", "Evidence level",
                         "Nivå fra designet, før trekk (3 = beste).",
                         "Level from the design, before deductions (3 = best)."),
    "evidence_rating": _c("evidence", "Evidensstyrke", "Strength of evidence",
                          "Sterk, moderat, svak eller svært svak.",
                          "Strong, moderate, weak or very weak."),
    "evidence_reasons": _c("code", "Grunner evidens", "Evidence reasons",
                           "Hva som trekker evidensen ned (docs/metrics.md).",
                           "What lowers the evidence (docs/metrics.md)."),
    "label": _c("text", "Navn", "Name", "Resultatmålets navn.", "The measure's name."),
    "label_nb": _c("text", "Navn (bokmål)", "Name (bokmål)", "Navnet på bokmål.",
                   "The name in bokmål."),
    "label_en": _c("text", "Navn (engelsk)", "Name (English)", "Navnet på engelsk.",
                   "The name in English."),
    "unit": _c("text", "Enhet", "Unit", "Resultatmålets enhet.", "The measure's unit."),
    "higher_is_better": _c("flag", "Høyere er bedre", "Higher is better",
                           "Om et høyere tall er en forbedring.",
                           "Whether a higher figure is an improvement."),
    "method": _c("text", "Metode", "Method", "Den statistiske metoden, med detaljer.",
                 "The statistical method, in detail."),
    "note": _c("code", "Merknad", "Note", "Merknader som koder (docs/metrics.md).",
               "Notes as codes (docs/metrics.md)."),
    # ----------------------------------------------------------------- time series
    "family": _c("code", "Modell", "Model family", "Fordelingen i modellen.",
                 "The model's distribution."),
    "exposure": _c("code", "Eksponering", "Exposure", "Hva tallene er per (befolkningen).",
                   "What the counts are per (the population)."),
    "first_month": _c("date", "Første måned", "First month", "Seriens første måned.",
                      "The series' first month."),
    "change_month": _c("date", "Endringsmåned", "Change month",
                       "Måneden piloten startet.", "The month the pilot started."),
    "last_month": _c("date", "Siste måned", "Last month", "Seriens siste måned.",
                     "The series' last month."),
    "n_months": _c("count", "Måneder", "Months", "Måneder i serien.", "Months in the series."),
    "n_pre": _c("count", "Måneder før", "Months before", "Måneder før piloten.",
                "Months before the pilot."),
    "n_post": _c("count", "Måneder etter", "Months after", "Måneder fra piloten startet.",
                 "Months since the pilot started."),
    "level_change": _c("number", "Nivåendring (log)", "Level change (log)",
                       "Endringen i nivå, på log-skala.", "The change of level, on a log scale."),
    "level_change_se": _c("number", "Standardfeil", "Standard error",
                          "Nivåendringens standardfeil.", "The level change's standard error."),
    "level_change_ci_low": _c("number", "Nedre grense (log)", "Lower limit (log)",
                              "Nedre grense (95 %), log-skala.", "Lower limit (95 %), log scale."),
    "level_change_ci_high": _c("number", "Øvre grense (log)", "Upper limit (log)",
                               "Øvre grense (95 %), log-skala.", "Upper limit (95 %), log scale."),
    "level_rr": _c("ratio", "Rateforhold", "Rate ratio",
                   "Hendelser etter mot ventet etter trend og sesong (under 1 = færre).",
                   "Events after against those expected from trend and season (below 1 = "
                   "fewer)."),
    "level_rr_ci_low": _c("ratio", "Rateforhold, nedre", "Rate ratio, lower",
                          "Nedre grense (95 %).", "Lower limit (95 %)."),
    "level_rr_ci_high": _c("ratio", "Rateforhold, øvre", "Rate ratio, upper",
                           "Øvre grense (95 %).", "Upper limit (95 %)."),
    "dispersion": _c("ratio", "Overspredning", "Dispersion",
                     "Spredning mot Poisson (1 = som Poisson).",
                     "Dispersion against Poisson (1 = as Poisson)."),
    "autocorrelation": _c("ratio", "Autokorrelasjon", "Autocorrelation",
                          "Korrelasjon mellom nabomåneder i restleddene.",
                          "Correlation of neighbouring months' residuals."),
    "autocorrelation_p": _c("p_value", "p autokorrelasjon", "p autocorrelation",
                            "p-verdi i Breusch–Godfrey-testen.",
                            "p-value of the Breusch–Godfrey test."),
    "autocorrelated": _c("flag", "Autokorrelert", "Autocorrelated",
                         "Om restleddene er autokorrelert.",
                         "Whether the residuals are autocorrelated."),
    "cov_type": _c("code", "Standardfeil fra", "Standard errors from",
                   "Vanlige (nonrobust) eller Newey–West (HAC).",
                   "Ordinary (nonrobust) or Newey–West (HAC)."),
    "pre_trend_break_p": _c("p_value", "p brudd før", "p break before",
                            "p-verdi for en endret trend før piloten.",
                            "p-value for a change of trend before the pilot."),
    "pre_trend_break": _c("flag", "Brudd før", "Break before",
                          "Om trenden før piloten endret seg.",
                          "Whether the trend before the pilot changed."),
    "pre_period_sensitive": _c("flag", "Følsom for startpunkt", "Sensitive to start",
                               "Om resultatet endrer seg med et senere startpunkt.",
                               "Whether the result changes with a later start."),
    # ----------------------------------------------------------------- value for money
    "basis": _c("code", "Grunnlag", "Basis",
                "Verdi per suksess (per_success) eller per enhet (per_unit).",
                "Value per success (per_success) or per unit (per_unit)."),
    "deadweight_applied": _c("flag", "Dødvekt trukket fra", "Deadweight deducted",
                             "Om dødvekt er trukket fra (uten sammenligningsgruppe).",
                             "Whether deadweight was deducted (no comparison group)."),
    "n_measured": _c("count", "Målt", "Measured", "Deltakere målt to ganger.",
                     "Participants measured twice."),
    "successes": _c("count", "Suksesser", "Successes",
                    "Deltakere som krysset terskelen for suksess.",
                    "Participants who crossed the success threshold."),
    "reversals": _c("count", "Tilbakefall", "Reversals",
                    "Deltakere som krysset terskelen feil vei.",
                    "Participants who crossed the threshold the wrong way."),
    "net_successes": _c("count", "Netto suksesser", "Net successes",
                        "Suksesser minus tilbakefall.", "Successes less reversals."),
    "success_rate_pilot": _c("share", "Suksessrate pilot", "Success rate, pilot",
                             "Suksesser delt på målt.", "Successes divided by measured."),
    "success_rate_comparison": _c("share", "Suksessrate sammenligning",
                                  "Success rate, comparison",
                                  "Suksessraten i sammenligningsgruppen.",
                                  "The comparison group's success rate."),
    "quantity_net_of_counterfactual": _c("quantity", "Mengde netto", "Quantity, net",
                                         "Suksesser (eller enheter) utover det som ellers "
                                         "ville skjedd.",
                                         "Successes (or units) beyond what would have "
                                         "happened anyway."),
    "quantity_ci_low": _c("quantity", "Mengde, nedre", "Quantity, lower",
                          "Nedre grense (95 %).", "Lower limit (95 %)."),
    "quantity_ci_high": _c("quantity", "Mengde, øvre", "Quantity, upper",
                           "Øvre grense (95 %).", "Upper limit (95 %)."),
    "attributable_successes": _c("quantity", "Suksesser tilskrevet", "Attributable successes",
                                 "Mengde netto etter tilskriving og fortrengning.",
                                 "Quantity net after attribution and displacement."),
    "attributable_units": _c("quantity", "Enheter tilskrevet", "Attributable units",
                             "Enheter etter tilskriving og fortrengning.",
                             "Units after attribution and displacement."),
    "value_nok": _c("nok", "Verdi per suksess", "Value per success",
                    "Verdien av én suksess (eller enhet) per år (valuation.csv).",
                    "The value of one success (or unit) a year (valuation.csv)."),
    "deadweight": _c("share", "Dødvekt", "Deadweight",
                     "Andel som ville skjedd uansett.", "Share that would have happened anyway."),
    "attribution": _c("share", "Tilskriving", "Attribution",
                      "Andel som skyldes andre enn piloten.",
                      "Share due to others than the pilot."),
    "displacement": _c("share", "Fortrengning", "Displacement",
                       "Andel som bare er flyttet fra andre.",
                       "Share merely moved from others."),
    "drop_off": _c("share", "Avtagende effekt", "Drop-off",
                   "Hvor mye effekten avtar per år.", "How much the effect falls a year."),
    "duration_years": _c("quantity", "Varighet (år)", "Duration (years)",
                         "Hvor mange år effekten varer.", "How many years the effect lasts."),
    "discount_rate": _c("share", "Kalkulasjonsrente", "Discount rate",
                        "Reell rente for nåverdien (R-109/2021).",
                        "Real rate for the present value (R-109/2021)."),
    "annual_value_nok": _c("nok", "Verdi per år", "Value a year",
                           "Tilskrevet mengde ganget med verdien.",
                           "Attributable quantity times the value."),
    "benefit_years_from_base": _c("quantity", "År til nytte", "Years to benefit",
                                  "År fra avtalens start til nytten begynner.",
                                  "Years from the agreement's start to the benefit."),
    "cost_years_from_base": _c("quantity", "År til kostnad", "Years to cost",
                               "År fra avtalens start til kostnadens midtpunkt.",
                               "Years from the agreement's start to the cost's midpoint."),
    "pv_factor": _c("ratio", "Nåverdifaktor", "Present value factor",
                    "Faktoren som gjør verdi per år til nåverdi.",
                    "The factor turning value a year into present value."),
    "observed_share_of_year1": _c("share", "Observert av år 1", "Observed of year 1",
                                  "Hvor mye av første år som er observert.",
                                  "How much of the first year has been observed."),
    "observed_value_nok": _c("nok", "Observert nytte", "Observed value",
                             "Nytte i perioden som er observert.",
                             "Value in the period observed."),
    "projected_value_nok": _c("nok", "Framskrevet nytte", "Projected value",
                              "Nytte framskrevet etter det som er observert.",
                              "Value projected beyond what is observed."),
    "social_value_pv_nok": _c("nok", "Samfunnsnytte (nåverdi)", "Social value (PV)",
                              "Samfunnsnytten i alt, som nåverdi.",
                              "The social value in all, as present value."),
    "social_value_pv_low_nok": _c("nok", "Samfunnsnytte, lav", "Social value, low",
                                  "Nåverdien med mengdens nedre grense.",
                                  "The present value at the quantity's lower limit."),
    "social_value_pv_high_nok": _c("nok", "Samfunnsnytte, høy", "Social value, high",
                                   "Nåverdien med mengdens øvre grense.",
                                   "The present value at the quantity's upper limit."),
    "tax_financing_cost": _c("share", "Skattefinansieringskostnad", "Tax-financing cost",
                             "Tillegg per offentlig krone (20 øre).",
                             "Added per public krone (20 øre)."),
    "cost_for_ratio_nok": _c("nok", "Kostnad i forholdet", "Cost for the ratio",
                             "Samlet ressursbruk med skattefinansieringskostnad, som nåverdi.",
                             "Total cost with the tax-financing cost, as present value."),
    "net_value_nok": _c("nok", "Netto nytte", "Net value",
                        "Samfunnsnytte minus kostnad.", "Social value less the cost."),
    "benefit_cost_ratio": _c("ratio", "Nytte–kostnadsforhold", "Benefit–cost ratio",
                             "Samfunnsnytte delt på kostnad (over 1 = lønnsomt).",
                             "Social value divided by the cost (above 1 = worth it)."),
    "benefit_cost_ratio_low": _c("ratio", "Forhold, lavt", "Ratio, low",
                                 "Med samfunnsnytte, lav.", "With social value, low."),
    "benefit_cost_ratio_high": _c("ratio", "Forhold, høyt", "Ratio, high",
                                  "Med samfunnsnytte, høy.", "With social value, high."),
    "break_even_value_nok": _c("nok", "Verdi som gir balanse", "Break-even value",
                               "Verdi per suksess som gir netto nytte 0.",
                               "Value per success that gives a net value of 0."),
    "confidence": _c("code", "Sikkerhet i verdien", "Confidence in the value",
                     "Hvor sikker verdsettingen er (valuation.csv).",
                     "How sure the valuation is (valuation.csv)."),
    "source": _c("text", "Kilde", "Source", "Kilden til tallet.", "The figure's source."),
    "measures": _c("text", "Resultatmål", "Measures", "Resultatmålene som er summert.",
                   "The measures summed."),
    "n_measures": _c("count", "Antall mål", "Number of measures",
                     "Antall resultatmål summert.", "Number of measures summed."),
    "base_value": _c("mixed", "Verdi brukt", "Value used",
                     "Forutsetningen slik den er brukt.", "The assumption as used."),
    "low_value": _c("mixed", "Lav verdi", "Low value", "Forutsetningen satt lavt.",
                    "The assumption set low."),
    "high_value": _c("mixed", "Høy verdi", "High value", "Forutsetningen satt høyt.",
                     "The assumption set high."),
    "ratio_base": _c("ratio", "Forhold", "Ratio", "Nytte–kostnadsforholdet som brukt.",
                     "The benefit–cost ratio as used."),
    "ratio_low": _c("ratio", "Forhold med lav", "Ratio at low",
                    "Nytte–kostnadsforholdet med lav verdi.",
                    "The benefit–cost ratio at the low value."),
    "ratio_high": _c("ratio", "Forhold med høy", "Ratio at high",
                     "Nytte–kostnadsforholdet med høy verdi.",
                     "The benefit–cost ratio at the high value."),
    "applied": _c("flag", "Brukt", "Applied", "Om forutsetningen påvirker denne raden.",
                  "Whether the assumption bears on this row."),
    # ----------------------------------------------------------------- rules
    "value": _c("mixed", "Verdi", "Value", "Terskelen som gjelder.", "The threshold in force."),
    "default": _c("mixed", "Standard", "Default", "Terskelen uten egne regler.",
                  "The threshold without own rules."),
    "overridden": _c("flag", "Endret", "Changed", "Om agreement.toml endrer terskelen.",
                     "Whether agreement.toml changes the threshold."),
    "description_nb": _c("text", "Regelen (bokmål)", "Rule (bokmål)", "Regelen i ord.",
                         "The rule in words, in bokmål."),
    "description_en": _c("text", "Regelen (engelsk)", "Rule (English)",
                         "Regelen i ord, på engelsk.", "The rule in words."),
    # ----------------------------------------------------------------- after the agreement
    "observed_years": _c("quantity", "År observert", "Years observed",
                         "Hvor lenge piloten er observert, i år.",
                         "How long the pilot has been observed, in years."),
    "start_up_cost_nok": _c("nok", "Oppstartskostnad", "Start-up cost",
                            "Kostnader som bare kommer én gang.", "Costs that come once."),
    "fixed_cost_nok": _c("nok", "Fast kostnad", "Fixed cost",
                         "Kostnader som ikke følger antall deltakere.",
                         "Costs that do not follow the number of participants."),
    "variable_cost_nok": _c("nok", "Variabel kostnad", "Variable cost",
                            "Kostnader som følger antall deltakere.",
                            "Costs that follow the number of participants."),
    "fixed_cost_per_year_nok": _c("nok", "Fast kostnad per år", "Fixed cost a year",
                                  "Fast kostnad delt på år observert.",
                                  "Fixed cost divided by years observed."),
    "participants_per_year_today": _c("quantity", "Deltakere per år i dag",
                                      "Participants a year today",
                                      "Deltakere delt på år observert.",
                                      "Participants divided by years observed."),
    "variable_cost_per_participant_nok": _c("nok", "Variabel kostnad per deltaker",
                                            "Variable cost per participant",
                                            "Variabel kostnad delt på deltakere.",
                                            "Variable cost divided by participants."),
    "variable_cost_per_participant_low_nok": _c("nok", "Variabel per deltaker, lav",
                                                "Variable per participant, low",
                                                "Lavt anslag.", "Low estimate."),
    "variable_cost_per_participant_high_nok": _c("nok", "Variabel per deltaker, høy",
                                                 "Variable per participant, high",
                                                 "Høyt anslag.", "High estimate."),
    "participants_per_year": _c("quantity", "Deltakere per år", "Participants a year",
                                "Deltakere per år i scenarioet.",
                                "Participants a year in the scenario."),
    "cost_per_year_nok": _c("nok", "Kostnad per år", "Cost a year",
                            "Fast og variabel kostnad per år i scenarioet.",
                            "Fixed and variable cost a year in the scenario."),
    "cost_per_year_low_nok": _c("nok", "Kostnad per år, lav", "Cost a year, low",
                                "Lavt anslag.", "Low estimate."),
    "cost_per_year_high_nok": _c("nok", "Kostnad per år, høy", "Cost a year, high",
                                 "Høyt anslag.", "High estimate."),
    "change_from_today_nok": _c("nok", "Endring fra i dag", "Change from today",
                                "Kostnad per år mot å videreføre som i dag.",
                                "Cost a year against continuing as today."),
    "budget_nominal_nok": _c("nok", "Budsjett (nominelt)", "Budget (nominal)",
                             "Kostnaden over årene etter avtalen, i dagens kroner.",
                             "The cost over the years after the agreement, in today's kroner."),
    "budget_nominal_low_nok": _c("nok", "Budsjett, lavt", "Budget, low", "Lavt anslag.",
                                 "Low estimate."),
    "budget_nominal_high_nok": _c("nok", "Budsjett, høyt", "Budget, high", "Høyt anslag.",
                                  "High estimate."),
    "budget_discounted_nok": _c("nok", "Budsjett (nåverdi)", "Budget (present value)",
                                "Budsjettet diskontert med kalkulasjonsrenten.",
                                "The budget discounted at the discount rate."),
    "budget_discounted_low_nok": _c("nok", "Nåverdi, lav", "Present value, low",
                                    "Lavt anslag.", "Low estimate."),
    "budget_discounted_high_nok": _c("nok", "Nåverdi, høy", "Present value, high",
                                     "Høyt anslag.", "High estimate."),
    "scale_up_share": _c("share", "Andel ved oppskalering", "Scale-up share",
                         "Andelen av målgruppen scenarioet vil nå (agreement.toml).",
                         "The share of the target population the scenario reaches "
                         "(agreement.toml)."),
    "outcome_promise": _c("code", "Hva resultatene lover", "What the outcomes promise",
                          "Effekt bare når resultatene er gode; ellers usikkert eller "
                          "ingen.",
                          "An effect only when the outcomes are good; else uncertain or "
                          "none."),
    "alternative_name": _c("text", "Dagens tilbud", "Today's service",
                           "Navnet på tilbudet piloten sammenlignes med.",
                           "The name of the service the pilot is compared with."),
    "unit_cost_nok": _c("nok", "Enhetskostnad", "Unit cost",
                        "Dagens tilbud: kostnad per deltakerår (KOSTRA-format).",
                        "Today's service: cost per participant-year (KOSTRA format)."),
    "pilot_cost_per_participant_year_nok": _c("nok", "Pilotens kostnad per deltakerår",
                                              "Pilot's cost per participant-year",
                                              "Fast og variabel kostnad delt på "
                                              "deltakerår.",
                                              "Fixed and variable cost divided by "
                                              "participant-years."),
    "pilot_cost_per_participant_year_low_nok": _c("nok", "Pilotens kostnad, lav",
                                                  "Pilot's cost, low", "Lavt anslag.",
                                                  "Low estimate."),
    "pilot_cost_per_participant_year_high_nok": _c("nok", "Pilotens kostnad, høy",
                                                   "Pilot's cost, high", "Høyt anslag.",
                                                   "High estimate."),
    "difference_nok": _c("nok", "Forskjell", "Difference",
                         "Pilotens kostnad minus dagens tilbud.",
                         "The pilot's cost less today's service."),
    "ratio": _c("ratio", "Forhold", "Ratio", "Pilotens kostnad delt på dagens tilbud.",
                "The pilot's cost divided by today's service."),
    "participant_years": _c("quantity", "Deltakerår", "Participant-years",
                            "Dager deltakerne har vært med, delt på 365,25.",
                            "Days the participants took part, divided by 365.25."),
    # ----------------------------------------------------------------- enterprises
    "fund_nok": _c("nok", "Fra fondet", "From the fund", "Inntekt fra fondet.",
                   "Income from the fund."),
    "municipality_nok": _c("nok", "Fra kommunen", "From the municipality",
                           "Inntekt fra kommunen.", "Income from the municipality."),
    "ferd_nok": _c("nok", "Fra Ferd", "From Ferd", "Inntekt fra Ferd (ikke investering).",
                   "Income from Ferd (not investment)."),
    "other_public_nok": _c("nok", "Annen offentlig", "Other public",
                           "Inntekt fra andre offentlige.", "Income from other public bodies."),
    "private_customers_nok": _c("nok", "Private kunder", "Private customers",
                                "Inntekt fra private kunder.", "Income from private customers."),
    "donations_nok": _c("nok", "Gaver", "Donations", "Gaver og bidrag.",
                        "Donations and gifts."),
    "other_income_nok": _c("nok", "Andre inntekter", "Other income", "Andre inntekter.",
                           "Other income."),
    "income_total_nok": _c("nok", "Inntekter i alt", "Income in all", "Alle inntektene.",
                           "All income."),
    "total_costs_nok": _c("nok", "Kostnader i alt", "Costs in all",
                          "Entreprenørens kostnader.", "The enterprise's costs."),
    "result_nok": _c("nok", "Resultat", "Result", "Inntekter minus kostnader.",
                     "Income less costs."),
    "municipality_share": _c("share", "Andel fra kommunen", "Municipality share",
                             "Kommunens andel av inntektene.",
                             "The municipality's share of the income."),
    "fund_share": _c("share", "Andel fra fondet", "Fund share",
                     "Fondets andel av inntektene.", "The fund's share of the income."),
    "public_share": _c("share", "Offentlig andel", "Public share",
                       "Offentlige inntekter delt på inntekter i alt.",
                       "Public income divided by income in all."),
    "ferd_share": _c("share", "Andel fra Ferd", "Ferd share", "Ferds andel av inntektene.",
                     "Ferd's share of the income."),
    "ferd_investment_nok": _c("nok", "Investering fra Ferd", "Investment from Ferd",
                              "Egenkapital eller lån fra Ferd: ikke inntekt.",
                              "Equity or loan from Ferd: not income."),
    "pilot_ids": _c("text", "Piloter", "Pilots", "Entreprenørens piloter.",
                    "The enterprise's pilots."),
    "part_year": _c("flag", "Del av år", "Part of year",
                    "Om året ikke er avsluttet på datoen.",
                    "Whether the year had not ended at the date."),
    "first_year": _c("year", "Første år", "First year", "Første regnskapsår.",
                     "The first accounting year."),
    "last_year": _c("year", "Siste år", "Last year", "Siste regnskapsår.",
                    "The last accounting year."),
    "years": _c("count", "År", "Years", "Antall regnskapsår.", "Number of accounting years."),
    "income_first_nok": _c("nok", "Inntekter første år", "Income first year",
                           "Inntekter i alt første år.", "Income in all in the first year."),
    "income_last_nok": _c("nok", "Inntekter siste år", "Income last year",
                          "Inntekter i alt siste år.", "Income in all in the last year."),
    "municipality_share_first": _c("share", "Fra kommunen første år",
                                   "Municipality share first year",
                                   "Kommunens andel første år.",
                                   "The municipality's share in the first year."),
    "municipality_share_last": _c("share", "Fra kommunen siste år",
                                  "Municipality share last year",
                                  "Kommunens andel siste år.",
                                  "The municipality's share in the last year."),
    "municipality_share_change": _c("share", "Endring i andel", "Change of share",
                                    "Endring i kommunens andel (prosentpoeng).",
                                    "Change of the municipality's share (percentage "
                                    "points)."),
    "trend": _c("code", "Utvikling", "Trend",
                "Mer eller mindre avhengig av kommunen, om lag det samme, eller bare ett år.",
                "More or less dependent on the municipality, about the same, or one year "
                "only."),
    "ferd_investment_total_nok": _c("nok", "Investering fra Ferd i alt",
                                    "Investment from Ferd in all",
                                    "Investeringene summert over årene.",
                                    "The investments summed over the years."),
})

#: Where a table means something else by a column name than :data:`COLUMNS` says.
TABLE_COLUMNS: Final[Mapping[tuple[str, str], Column]] = MappingProxyType({
    ("unit_costs", "year"): _c("year", "Prisår", "Price year",
                               "Året enhetskostnaden gjelder.",
                               "The year the unit cost is for."),
    ("unit_costs", "source"): _c("text", "Kilde", "Source",
                                 "Kilden til enhetskostnaden.", "The unit cost's source."),
    ("value_for_money", "source"): _c("text", "Kilde for verdien", "Source of the value",
                                      "Kilden til verdsettingen.",
                                      "The source of the valuation."),
    ("unit_costs", "enrolled"): _c("count", "Deltakere", "Participants",
                                   "Deltakere påmeldt (som i Rekkevidde).",
                                   "Participants enrolled (as in Reach)."),
    ("scenarios", "enrolled"): _c("count", "Deltakere i dag", "Participants today",
                                  "Deltakere påmeldt (som i Rekkevidde).",
                                  "Participants enrolled (as in Reach)."),
    ("scenarios", "outcome_n"): _c("count", "Målt to ganger", "Measured twice",
                                   "Som i Statusoversikt.", "As in the scorecard."),
    ("reach_by_area", "target_population"): _c("count", "Målgruppen i området",
                                               "Target population in area",
                                               "Innbyggere i målgruppen i området.",
                                               "Residents of the target population in the "
                                               "area."),
    ("reach_by_gender", "target_population"): _c("count", "Målgruppen av kjønnet",
                                                 "Target population of gender",
                                                 "Innbyggere i målgruppen av dette kjønnet.",
                                                 "Residents of the target population of "
                                                 "this gender."),
    ("reach_by_age_group", "target_population"): _c("count", "Målgruppen i aldersgruppen",
                                                    "Target population in age group",
                                                    "Innbyggere i målgruppen i "
                                                    "aldersgruppen.",
                                                    "Residents of the target population in "
                                                    "the age group."),
    ("value_for_money", "total_cost_nok"): _c("nok", "Samlet ressursbruk", "Total cost",
                                              "Pilotens samlede ressursbruk (som i "
                                              "Kostnader).",
                                              "The pilot's total cost (as in Cost)."),
})

#: Words for the codes of some columns, by column: code → (bokmål, English). A code not
#: listed is written as it is; reasons and notes stay codes (docs/metrics.md explains them).
CODE_WORDS: Final[Mapping[str, Mapping[str, tuple[str, str]]]] = MappingProxyType({
    "state": {"not_started": ("ikke startet", "not started"), "running": ("pågår", "running"),
              "ended": ("avsluttet", "ended")},
    "funder": {"fund": ("fondet", "the fund"), "municipality": ("kommunen", "the municipality"),
               "ferd": ("Ferd", "Ferd"), "entrepreneur": ("entreprenøren", "the entrepreneur"),
               "other": ("andre", "others")},
    "gender": {"female": ("jente / kvinne", "female"), "male": ("gutt / mann", "male"),
               "other": ("annet", "other"), "unknown": ("ukjent", "unknown")},
    "scenario": {"continue": ("videreføre", "continue"),
                 "reach_target": ("nå målet", "reach the target"),
                 "share_of_population": ("skalere opp", "scale up")},
    "role": {"primary": ("hovedresultatmål", "primary"),
             "exploratory": ("utforskende", "exploratory")},
    "comparison_type": {"randomised": ("trukket tilfeldig", "randomised"),
                        "matched": ("matchet", "matched"), "other": ("annen", "other")},
    "design": {"did": ("forskjell-i-forskjeller", "difference-in-differences"),
               "pre_post": ("før–etter", "pre–post"),
               "its": ("avbrutt tidsserie", "interrupted time series")},
    "trend": {"less_dependent": ("mindre avhengig", "less dependent"),
              "more_dependent": ("mer avhengig", "more dependent"),
              "about_same": ("om lag det samme", "about the same"),
              "one_year": ("bare ett år", "one year only")},
})


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
    found = TABLE_COLUMNS.get((table_name, name)) or COLUMNS.get(name)
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
    found = TABLES.get(name)
    if found is None:
        return Described("table", name[:31], "")
    return Described("table", (found.nb, found.en)[i], (found.about_nb, found.about_en)[i])
