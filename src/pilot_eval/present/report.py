"""The report a notebook shows: one method per block, so each notebook cell is one call.

``PortfolioReport`` (all pilots, for politicians) and ``PilotReport`` (one pilot, deeper)
load and validate the data once, compute the metrics once (on first use) and hand out
headings, texts, tables and figures that display in JupyterLab and export through
nbconvert to the printed report. The notebooks in ``notebooks/`` call these methods in
order; the words come from :mod:`pilot_eval.present.text`, the tables from
:mod:`~pilot_eval.present.tables` and the charts from :mod:`~pilot_eval.present.figures`.

A report set (``pilot-eval report``) runs several notebooks on the same data: their metric
tables are computed once (:mod:`pilot_eval.present.report_data`) and a report built from a
data folder takes them from the file :data:`REPORT_DATA_ENV` names, when it was made from
exactly the same folder contents and as-of date. Without it, e.g. in JupyterLab, a report
computes everything itself.
"""

from __future__ import annotations

import html
import logging
import os
import re
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ..dataset import Dataset, load_dataset
from ..errors import UsageError
from . import after as _after
from . import changes as _changes
from . import figures, fmt, tables, text
from .report_data import (
    REPORT_DATA_ENV,
    ReportData,
    data_key,
    load_report_data,
    published_table,
    report_data,
    save_report_data,
)

log = logging.getLogger("pilot_eval")

SectionKey = Literal["summary", "money", "reach", "outcomes", "value", "after", "method",
                     "activity"]
SourceKind = Literal["money", "participants", "population", "outcomes", "indicators", "value"]

#: Section headings and the one-paragraph introduction under each (klarspråk), as the
#: portfolio report says them (of all pilots); :data:`PILOT_SECTIONS` are the pilot
#: report's.
SECTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "summary": {"nb": ("Sammendrag", ""), "en": ("Summary", "")},
    "money": {
        "nb": ("Penger", "Her ser du hva pilotene har fått fra fondet, hva de har brukt, og hvor "
                         "mye andre har bidratt med. Vi sammenligner pengebruken med hvor langt "
                         "pilotperioden har kommet."),
        "en": ("Money", "This section shows what the pilots were granted by the fund, what they "
                        "have spent, and what others have contributed. Spending is compared "
                        "with how far the pilot period has come."),
    },
    "activity": {
        "nb": ("Aktivitet", "Her ser du hvor mye piloten har vært i bruk måned for måned, og hvor "
                            "mange timer deltakerne har vært med."),
        "en": ("Activity", "This section shows how much the pilot has been used month by month, "
                           "and how many hours the participants have taken part."),
    },
    "reach": {
        "nb": ("Rekkevidde", "Her ser du hvor mange som er med, hvor stor del av målgruppen i "
                             "kommunen de utgjør, og hvem som er nådd. Tall under {k} vises ikke, "
                             "av personvernhensyn."),
        "en": ("Reach", "This section shows how many take part, what share of the target "
                        "population in the municipality they are, and who is reached. Counts "
                        "below {k} are not shown, to protect privacy."),
    },
    "outcomes": {
        "nb": ("Resultater for innbyggerne", "Her ser du hva som endret seg for deltakerne, og "
                                              "hvor sikre vi kan være. Streken viser 95\u00a0% "
                                              "konfidensintervall. Der det finnes en "
                                              "sammenligningsgruppe, trekker vi fra endringen i "
                                              "den."),
        "en": ("Results for residents", "This section shows what changed for the participants "
                                        "and how sure we can be. The bar shows the 95% "
                                        "confidence interval. Where there is a comparison "
                                        "group, its change is subtracted."),
    },
    "value": {
        "nb": ("Verdi for samfunnet", "Her sammenligner vi verdien av resultatene med hva "
                                      "pilotene koster samfunnet. Verdiene bygger på "
                                      "forutsetninger. Det som ligger etter pilotperioden er "
                                      "framskrevet, ikke observert."),
        "en": ("Value for society", "This section compares the value of the results with what "
                                    "the pilots cost society. The values rest on assumptions. "
                                    "What lies beyond the pilot period is projected, not "
                                    "observed."),
    },
    "after": {
        "nb": ("Etter avtaleperioden", "Avtalen slutter {end}. Her ser du hva det vil koste å "
                                       "fortsette eller gi tilbudet til flere, hva kommunen "
                                       "betaler for lignende tilbud i dag, hvem i målgruppen "
                                       "som er minst nådd, og hvordan virksomhetene tjener "
                                       "pengene sine. Tallene er anslag ut fra det vi har sett "
                                       "så langt."),
        "en": ("After the agreement", "The agreement ends on {end}. This section shows what it "
                                      "would cost to continue or to offer the service to more "
                                      "people, what the municipality pays for comparable "
                                      "services today, who in the target group is reached "
                                      "least, and how the enterprises earn their money. The "
                                      "figures are estimates from what we have seen so far."),
    },
    "method": {
        "nb": ("Data og metode", "Her står hvilke data rapporten bygger på, hva vi har "
                                 "forutsatt, og hva ordene betyr."),
        "en": ("Data and method", "This section lists the data the report rests on, what we "
                                  "have assumed, and what the words mean."),
    },
}

#: The pilot report's headings and introductions: the same sections, said of one pilot.
PILOT_SECTIONS: dict[str, dict[str, tuple[str, str]]] = {
    **SECTIONS,
    "money": {
        "nb": ("Penger", "Her ser du hva piloten har fått fra fondet, hva den har brukt, og hvor "
                         "mye andre har bidratt med. Vi sammenligner pengebruken med hvor langt "
                         "pilotperioden har kommet."),
        "en": ("Money", "This section shows what the pilot was granted by the fund, what it has "
                        "spent, and what others have contributed. Spending is compared with how "
                        "far the pilot period has come."),
    },
    "reach": {
        "nb": ("Rekkevidde", "Her ser du hvor mange som er med i piloten, hvor stor del av "
                             "målgruppen i kommunen de utgjør, og hvem som er nådd. Tall under {k} "
                             "vises ikke, av personvernhensyn."),
        "en": ("Reach", "This section shows how many take part in the pilot, what share of the "
                        "target population in the municipality they are, and who is reached. "
                        "Counts below {k} are not shown, to protect privacy."),
    },
    "outcomes": {
        "nb": ("Resultater for innbyggerne", "Her ser du hva som endret seg for deltakerne i "
                                              "piloten, og hvor sikre vi kan være. Streken viser "
                                              "95\u00a0% konfidensintervall. Der det finnes en "
                                              "sammenligningsgruppe, trekker vi fra endringen i "
                                              "den."),
        "en": ("Results for residents", "This section shows what changed for the pilot's "
                                        "participants and how sure we can be. The bar shows the "
                                        "95% confidence interval. Where there is a comparison "
                                        "group, its change is subtracted."),
    },
    "value": {
        "nb": ("Verdi for samfunnet", "Her sammenligner vi verdien av resultatene med hva "
                                      "piloten koster samfunnet. Verdiene bygger på "
                                      "forutsetninger. Det som ligger etter pilotperioden er "
                                      "framskrevet, ikke observert."),
        "en": ("Value for society", "This section compares the value of the results with what "
                                    "the pilot costs society. The values rest on assumptions. "
                                    "What lies beyond the pilot period is projected, not "
                                    "observed."),
    },
    "after": {
        "nb": ("Etter avtaleperioden", "Avtalen slutter {end}. Her ser du hva det vil koste å "
                                       "fortsette med piloten eller gi tilbudet til flere, hva "
                                       "kommunen betaler for lignende tilbud i dag, hvem i "
                                       "målgruppen som er minst nådd, og hvordan virksomheten "
                                       "tjener pengene sine. Tallene er anslag ut fra det vi "
                                       "har sett så langt."),
        "en": ("After the agreement", "The agreement ends on {end}. This section shows what it "
                                      "would cost to continue the pilot or to offer it to more "
                                      "people, what the municipality pays for comparable "
                                      "services today, who in the target group is reached "
                                      "least, and how the enterprise earns its money. The "
                                      "figures are estimates from what we have seen so far."),
    },
}

_NO_DATA = {"nb": "Det finnes ingen data til dette ennå.", "en": "There are no data for this yet."}

#: "How to read this report": the box on the contents page (items; {k} = min_cell_size).
GUIDE: dict[str, dict[str, Any]] = {
    "nb": {
        "title": "Slik leser du rapporten",
        "date": "Rapporten viser situasjonen per {date}. Det som skjer senere, er ikke med.",
        "status": "{who} vurderes på tre ting: rekkevidde, økonomi og resultater. Vurderingen "
                  "er ●\u00a0god, ▲\u00a0usikker, ■\u00a0svak eller ○\u00a0for lite data. Reglene står bakerst.",
        "who": ("Hver pilot", "Piloten"),
        "recommendation": "Anbefalingen er et forslag: skalere, videreføre, justere, avslutte "
                          "eller vente til det finnes nok data.",
        "small_cells": "Avtalen tillater unntaksvis så små tall som {k}. Vanlig praksis er å "
                       "skjule tall under 3 eller 5.",
        "evidence": "Ved hvert resultat står hvor sterk evidensen er: sterk, moderat, svak "
                    "eller svært svak. En endring fra før til etter uten sammenligningsgruppe "
                    "er aldri nok til «god» eller til å skalere.",
        "privacy": "Tall under {k} vises ikke, av personvernhensyn. De står som «<{k}». Noen "
                   "ganger skjuler vi flere tall, så de små ikke kan regnes ut. Da står det "
                   "«:» i tabeller og «skjult» i figurer.",
        "value": "Verdien for samfunnet etter pilotperioden er et anslag ut fra "
                 "forutsetninger. Den er ikke målt.",
        "synthetic": "Dataene i denne rapporten er syntetiske eksempeldata. Pilotene, "
                     "deltakerne og pengene er oppdiktet. Bare befolkningstallene er ekte.",
    },
    "en": {
        "title": "How to read this report",
        "date": "The report shows the situation as of {date}. Anything later is not included.",
        "status": "{who} on three things: reach, cost and outcomes. Each is rated ●\u00a0good, "
                  "▲\u00a0uncertain, ■\u00a0weak or ○\u00a0too little data. The rules are at the back.",
        "who": ("Each pilot is rated", "The pilot is rated"),
        "recommendation": "The recommendation is a proposal: scale, continue, adjust, stop, or "
                          "wait until there are enough data.",
        "small_cells": "The agreement allows, as an exception, counts as small as {k}. "
                       "Usual practice hides counts below 3 or 5.",
        "evidence": "Each result says how strong its evidence is: strong, moderate, weak or "
                    "very weak. A change from before to after without a comparison group is "
                    "never enough for “good” or for scaling.",
        "privacy": "To protect privacy, counts below {k} are not shown; they read \u201c<{k}\u201d. "
                   "Sometimes more counts are hidden so that the small ones cannot be worked "
                   "out: \u201c:\u201d in tables, \u201chidden\u201d in charts.",
        "value": "The value to society after the pilot period is projected from assumptions. "
                 "It is not observed.",
        "synthetic": "The data in this report are synthetic sample data. The pilots, "
                     "participants and money are invented. Only the population figures are "
                     "real.",
    },
}

#: Sections that begin a new page in print (the summary is a page of its own anyway).
#: Not "money": it follows the summary, a page of its own, or the short section on what
#: changed since the last report (:meth:`_Report.changes`), whose page it fills.
NEW_PAGE_SECTIONS: frozenset[str] = frozenset({"after", "method"})

#: A data folder holding this file was made by ``pilot-eval sample``: simulated data whose
#: true effects are known. Reports on it say that the data are synthetic.
SYNTHETIC_MARKER = "truth.json"


def _nobody_measured_twice(outcomes: pd.DataFrame) -> bool:
    """No participant in any row is measured both before and after: the forest says so in
    one sentence, and a table of zeros and dashes would only say it again."""
    return not (outcomes["n_pilot"].astype("Float64").fillna(0) > 0).any()


@dataclass(frozen=True)
class Block:
    """A piece of report HTML (heading, paragraph, list) that a notebook displays."""

    html: str

    def _repr_html_(self) -> str:
        from .css import with_css  # the block's stylesheet goes with it (JupyterLab)

        return with_css(self.html)

    def __str__(self) -> str:
        return self.html


def _metrics() -> types.ModuleType:
    """:mod:`pilot_eval.metrics`, imported on first use (see :mod:`.report_data`)."""
    from .. import metrics

    return metrics


def _slug(text_: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text_.lower()).strip("-") or "section"


def _p(text_: str, cls: str | None = None) -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{html.escape(text_)}</p>" if text_ else ""


class _Report:
    """What both reports share: the dataset, the language and the metrics (computed once)."""

    #: Headings and introductions of the sections (see :meth:`section`).
    sections: Mapping[str, Mapping[str, tuple[str, str]]] = SECTIONS
    _one_pilot = False  # the pilot report says things of one pilot

    def __init__(self, data_dir: str | Path | Dataset | ReportData, as_of: str | None = None,
                 language: str | None = None, *, decision: bool | None = None) -> None:
        data = data_dir if isinstance(data_dir, ReportData) else None
        if data is None and not isinstance(data_dir, Dataset) and os.environ.get(REPORT_DATA_ENV):
            data = load_report_data(os.environ[REPORT_DATA_ENV], data_dir, as_of)
        if data is not None:
            if as_of is not None and pd.Timestamp(as_of) != data.ds.as_of_date:
                raise UsageError(f"as_of={as_of!r} differs from the date the report data were "
                                 f"computed at ({data.ds.as_of_date.date()}); pass as_of=None.")
            self.ds = data.ds
        else:
            self.ds = data_dir if isinstance(data_dir, Dataset) else load_dataset(data_dir)
            if as_of is not None:
                self.ds = self.ds.as_of(as_of)
        self._data = data
        self.language = language or self.ds.agreement.language
        fmt.check_language(self.language)
        self.min_cell_size = self.ds.agreement.min_cell_size
        self.names = figures.pilot_names(self.ds.pilots)
        #: Whether the report shows "after the agreement" (:func:`.after.shown`).
        self.decision = _after.shown(self.ds, decision)

    def _table(self, name: str, compute: str | Callable[[Dataset], pd.DataFrame]) -> pd.DataFrame:
        """The shared table ``name``, or ``compute`` (a function of :mod:`pilot_eval.metrics`
        or its name) of the dataset."""
        if self._data is not None and name in self._data.published:
            return self._data.published[name].copy()  # worked out once, for every report
        found = self._data.table(name) if self._data is not None else None
        if found is None:
            found = (getattr(_metrics(), compute) if isinstance(compute, str) else compute)(self.ds)
        # the disclosure model: figures built on a hidden count are empty for every reader
        return published_table(name, found, self.min_cell_size,
                               value=(lambda: self._table_exact("value", "value_for_money")))

    def _table_exact(self, name: str, compute: str) -> pd.DataFrame:
        found = self._data.table(name) if self._data is not None else None
        return found if found is not None else getattr(_metrics(), compute)(self.ds)

    def _its_fit(self, series: str) -> Any:
        fits = self._data.its_fits if self._data is not None else {}
        return fits[series] if series in fits else _metrics().its_fit(self.ds, series)

    # -- metrics, each computed once ---------------------------------------------------
    @cached_property
    def cost(self) -> pd.DataFrame:
        return self._table("cost", "cost_summary")

    @cached_property
    def cost_by_month(self) -> pd.DataFrame:
        return self._table("cost_by_month", "cost_by_month")

    @cached_property
    def reach(self) -> pd.DataFrame:
        return self._table("reach", "reach_summary")

    @cached_property
    def enrolment(self) -> pd.DataFrame:
        return self._table("enrolment", "enrolment_by_month")

    @cached_property
    def outcomes(self) -> pd.DataFrame:
        return self._table("outcomes", "outcome_summary")

    @cached_property
    def outcome_changes(self) -> pd.DataFrame:
        return self._table("outcome_changes", "outcome_changes")

    @cached_property
    def its(self) -> pd.DataFrame:
        return self._table("its", "its_summary")

    @cached_property
    def value(self) -> pd.DataFrame:
        return self._table("value", "value_for_money")

    def _its_rating(self, pilot_id: Any, series: Any) -> str | None:
        """The evidence rating of a series' estimate (its chart's alt text says it)."""
        if "evidence_rating" not in self.its.columns:
            return None
        rating = self.its.loc[(pilot_id, series), "evidence_rating"]
        return None if pd.isna(rating) else str(rating)

    def _its_estimated(self) -> pd.DataFrame:
        """The indicator series whose pilot has run long enough for an estimate."""
        months_after = self.its["n_post"].astype("Float64").fillna(0)
        return self.its[months_after >= figures.MIN_MONTHS_AFTER_START]

    @cached_property
    def value_by_pilot(self) -> pd.DataFrame:
        return self._table("value_by_pilot", "value_for_money_by_pilot")

    @cached_property
    def sensitivity(self) -> pd.DataFrame:
        return self._table("sensitivity", "sensitivity")

    @cached_property
    def scorecard(self) -> pd.DataFrame:
        return self._table("scorecard", "scorecard")

    @cached_property
    def portfolio(self) -> pd.DataFrame:
        return self._table("portfolio", "portfolio_summary")

    def measure_label(self, measure: str) -> str:
        """The measure's label in the report's language (the key when it has none)."""
        measures = self.ds.measures.set_index(self.ds.measures["measure"].astype(str))
        column = "label_nb" if self.language == "nb" else "label_en"
        if measure in measures.index and pd.notna(measures.loc[measure, column]):
            return str(measures.loc[measure, column])
        return measure

    def series_label(self, series: str) -> str:
        """An indicator series key as words in the report's language
        (:func:`pilot_eval.present.text.series_label`)."""
        return text.series_label(series, self.language)

    def reach_by(self, by: str) -> pd.DataFrame:
        return self._reach_by[by]

    @cached_property
    def _reach_by(self) -> dict[str, pd.DataFrame]:
        return {by: self._table(f"reach_by_{by}", lambda ds, by=by: _metrics().reach_by(ds, by))
                for by in ("area", "gender", "age_group")}

    def source(self, kind: SourceKind, measures: Iterable[str] = ()) -> str:
        """The source line of a chart of ``kind`` (:data:`pilot_eval.present.text.SOURCES`):
        for ``value``, with the valuation table's sources of ``measures``."""
        valuation: list[str] = []
        if kind == "value" and len(self.ds.valuation) and "source" in self.ds.valuation:
            v = self.ds.valuation
            wanted = {str(m) for m in measures}
            valuation = [str(x) for x in v.loc[v["measure"].astype(str).isin(wanted), "source"]
                         .dropna()]
        return text.source(kind, self.language, date=self.ds.as_of_date, valuation=valuation)

    def _main_values(self, value: pd.DataFrame) -> pd.DataFrame:
        """One row of ``value`` (:func:`~pilot_eval.metrics.value.value_for_money`) per
        pilot, in the pilots' order: the pilot's primary measure when it is valued (the
        verdict rests on it; other measures are exploratory), else the measure with the
        largest social value among those resting on at least ``min_cell_size`` people
        measured twice. A pilot with no such measure keeps its first row, so a chart can
        say why. Column ``drawn`` tells which rows have a value to draw, ``primary`` which
        are the pilot's primary measure."""
        v = value.reset_index()
        if v.empty:
            return v.assign(drawn=pd.Series(dtype=bool), primary=pd.Series(dtype=bool))
        v["pilot_id"] = v["pilot_id"].astype(str)
        drawn = self._value_drawn(v)
        primary = (v["role"].astype("string") == "primary").fillna(False) if "role" in v \
            else pd.Series(False, index=v.index)
        v = v.assign(drawn=drawn.astype(bool), primary=primary.astype(bool),
                     _value=v["social_value_pv_nok"].where(drawn), _row=range(len(v)))
        main = v.sort_values(["drawn", "primary", "_value", "_row"],
                             ascending=[False, False, False, True],
                             na_position="last").drop_duplicates("pilot_id")
        order = {pid: i for i, pid in enumerate(self.ds.pilot_ids)}
        main = main.sort_values("pilot_id", key=lambda s: s.map(order))
        return main.drop(columns=["_value", "_row"]).reset_index(drop=True)

    def _value_drawn(self, value: pd.DataFrame) -> pd.Series:
        """Rows of ``value`` with a social value resting on at least ``min_cell_size`` people
        measured twice: the ones a chart may draw (the table shows the rest with a reason)."""
        return (value["social_value_pv_nok"].notna()
                & (value["n_measured"].astype("Float64").fillna(0) >= self.min_cell_size)
                ).astype(bool)

    def _tornado(self, pilot_id: str, measure: str) -> str:
        """The sensitivity chart of one pilot and measure, saying what its value is per."""
        valuation = self.ds.valuation.set_index(self.ds.valuation["measure"].astype(str))
        units = self.ds.measures.set_index(self.ds.measures["measure"].astype(str))
        unit = units["unit"].get(measure) if "unit" in units else None
        return figures.tornado(
            self.sensitivity, pilot_id, measure, names=self.names,
            by_measure=self._table_exact("value", "value_for_money"),
            min_cell_size=self.min_cell_size,
            measure_label=self.measure_label(measure),
            basis=str(valuation.loc[measure, "basis"]) if measure in valuation.index else None,
            unit=str(unit) if unit is not None and pd.notna(unit) else None,
            language=self.language, source=self.source("value", [measure]))._repr_html_()

    def _enrolled(self, pilot_id: str | None = None) -> float:
        """People enrolled by the as-of date (in one pilot, or in all)."""
        reach = self.reach
        if pilot_id is not None:
            reach = reach[reach.index.astype(str) == pilot_id]
        return float(reach["enrolled"].astype("Float64").fillna(0).sum())

    def _breakdown_source(self, frame: pd.DataFrame) -> str:
        """A breakdown drawn beside the target population's shares rests on the population
        figures too."""
        uses = "target_share" in frame and bool(frame["target_share"].notna().any())
        return self.source("population" if uses else "participants")

    @property
    def warnings(self) -> pd.DataFrame:
        """The warnings this report shows (all of them in the portfolio report)."""
        return self.ds.warnings

    # -- blocks --------------------------------------------------------------------------
    def section(self, key: SectionKey) -> Block:
        """A section heading with its introduction; in print, the sections of
        :data:`NEW_PAGE_SECTIONS` begin a page."""
        if key not in self.sections:
            raise UsageError(f"Unknown section {key!r}; the sections are: "
                             f"{', '.join(self.sections)}.")
        if key == "after" and not self.decision:
            return Block("")
        heading, intro = self.sections[key][self.language]
        intro = intro.format(k=self.min_cell_size,
                             end=fmt.date(self.ds.agreement.end, language=self.language))
        # pe-section-head keeps this cell with the next (no orphan); pe-new-page is read
        # by the print stylesheet and the PDF alike
        cls = "pe-section-head" + (" pe-new-page" if key in NEW_PAGE_SECTIONS else "")
        return Block(f'<div class="{cls}"><h2 id="{_slug(heading)}">'
                     f'{html.escape(heading)}</h2>{_p(intro, "lead")}</div>')

    def _sub(self, nb: str, en: str) -> Block:
        return Block(f"<h3>{html.escape(nb if self.language == 'nb' else en)}</h3>")

    @property
    def synthetic(self) -> bool:
        """Whether the data are simulated (the folder holds :data:`SYNTHETIC_MARKER`)."""
        return self.ds.source is not None and (Path(self.ds.source) / SYNTHETIC_MARKER).is_file()

    def reading_guide(self) -> Block:
        """"How to read this report": date, ratings, privacy marks, projections (and, for
        simulated data, that they are invented). Printed on the contents page."""
        g = GUIDE[self.language]
        items = [g["date"].format(date=fmt.date(self.ds.as_of_date, language=self.language)),
                 g["status"].format(who=g["who"][1 if self._one_pilot else 0]),
                 g["recommendation"], g["evidence"], g["privacy"].format(k=self.min_cell_size),
                 g["value"]]
        if self.ds.agreement.allow_small_cells:
            items.insert(-1, g["small_cells"].format(k=self.min_cell_size))
        warn = _p(g["synthetic"], "pe-synthetic") if self.synthetic else ""
        return Block(f'<aside class="pe-guide"><h3>{html.escape(g["title"])}</h3>{warn}<ul>'
                     + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul></aside>")

    def data_quality(self) -> Block:
        """Warnings found when the data were checked, in words and as a table."""
        warnings = self.warnings
        sentence = text.data_quality_sentence(warnings, self.language, pilot=self._one_pilot)
        head = self._sub("Datakvalitet", "Data quality").html
        body = _p(sentence)
        if len(warnings):
            body += tables.quality_table(warnings, self.language, names=self.names).html
        return Block(head + body)

    def assumptions(self) -> Block:
        """Assumptions with their sources (discount rate, tax-financing cost, privacy)."""
        a = self.ds.agreement
        its = self._one(self.its) if isinstance(self, PilotReport) else self.its
        notes = text.method_notes(self.language, discount_rate=a.discount_rate,
                                  tax_financing_cost=a.tax_financing_cost,
                                  min_cell_size=a.min_cell_size, series=not its.empty)
        items = "".join(
            f"<li><strong>{html.escape(title)}.</strong> {html.escape(body)}"
            + (f' <span class="source">{html.escape(src)}</span>' if src else "") + "</li>"
            for title, body, src in notes)
        return Block(self._sub("Forutsetninger", "Assumptions").html + f"<ul class=\"notes\">{items}</ul>")

    def rules(self) -> Block:
        """The scorecard rules in force (printed so the goalposts cannot move unseen)."""
        rules = self._table("rules", "rules_in_force")
        table = tables.rules_table(rules, self.language,
                                   caption="Terskler for god, usikker og svak" if self.language == "nb"
                                   else "Thresholds for good, uncertain and weak",
                                   min_cell_size=self.min_cell_size, explain=False)
        # how outcomes and the recommendation are decided: running text a reader can read,
        # not the small print of a table note
        said = text.rule_notes(pd.to_numeric(rules["value"], errors="coerce").dropna().to_dict(),
                               self.language, min_cell_size=self.min_cell_size)
        shared = self._data.rules_hash if self._data is not None else ""
        digest = (shared or _metrics().rules_hash(self.ds))[:12]
        note = (f"Reglene har fingeravtrykket {digest} (SHA-256), som også står i manifest.json."
                if self.language == "nb" else
                f"The rules have the fingerprint {digest} (SHA-256), also recorded in manifest.json.")
        return Block(self._sub("Regler for statusoversikten", "Scorecard rules").html + table.html
                     + "".join(_p(x) for x in said) + _p(note, "source"))

    def glossary(self) -> Block:
        """The words of the report, explained."""
        return Block(self._sub("Ordliste", "Glossary").html
                     + tables.glossary_table(self.language, caption="Begreper i rapporten"
                                             if self.language == "nb" else "Terms used in this report").html)

    def since_last_report(self, reports_dir: str | Path | None) -> _changes.Changes:
        """What changed since the previous report set in ``reports_dir``
        (:func:`pilot_eval.present.changes.changes_since`), for every pilot."""
        current = _changes.snapshot(
            {"reach": self.reach, "scorecard": self.scorecard, "outcomes": self.outcomes},
            as_of=self.ds.as_of_date, min_cell_size=self.min_cell_size,
            # the tables are files of the data folder (input_files may be relative to
            # where it was loaded, another folder than this notebook's)
            inputs=_changes.file_hashes(self.ds.source / Path(f).name
                                        for f in self.ds.input_files) if self.ds.source else {},
            rules_sha256=(self._data.rules_hash if self._data is not None else "")
            or _metrics().rules_hash(self.ds))
        deliveries = _changes.read_deliveries(self.ds.source) if self.ds.source else None
        return _changes.changes_since(reports_dir, current, min_cell_size=self.min_cell_size,
                                      deliveries=deliveries,
                                      agreement=_changes.agreement_key(self.ds.agreement))

    def changes(self, reports_dir: str | Path | None = None) -> Block:
        """The section "Endringer siden forrige rapport (date)": what moved since the
        previous report set in ``reports_dir`` (the output folder of ``pilot-eval report``;
        None: nothing to compare with). The first report of a series says, in one
        sentence, that it has nothing to compare with."""
        found = self.since_last_report(reports_dir)
        heading = _changes.heading(found, self.language)
        labels = {m: self.measure_label(m) for m in
                  found.frame["measure"].dropna().astype(str).unique()}
        head = f'<h2 id="{_slug(heading)}">{html.escape(heading)}</h2>'
        if isinstance(self, PilotReport):
            said = _changes.pilot_sentences(found, self.pilot_id, self.language,
                                            min_cell_size=self.min_cell_size,
                                            measure_labels=labels, names=self.names)
            if found.kind != "compared":
                return Block(f'<div class="pe-changes">{head}{_p(said[0], "lead")}</div>')
            intro = text.message("changes.intro", self.language,
                                 date=fmt.date(found.previous_as_of, language=self.language))
            items = "".join(f"<li>{html.escape(x)}</li>" for x in said)
            return Block(f'<div class="pe-changes">{head}{_p(intro, "lead")}'
                         f"<ul>{items}</ul></div>")
        lead = _changes.summary_sentences(found, self.language, names=self.names)
        parts = [head, *(_p(x, "lead") for x in lead)]
        if found.kind == "compared" and (found.frame["topic"] == "enrolled").any():
            parts.append(tables.changes_table(found, self.names, self.language,
                                              min_cell_size=self.min_cell_size,
                                              measure_labels=labels).html)
        corrected = _changes.correction_sentences(found, self.language, names=self.names)
        if corrected:
            parts.append("<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in corrected)
                         + "</ul>")
        return Block(f'<div class="pe-changes">{"".join(parts)}</div>')

    def _nobody_valued(self, rows: pd.DataFrame) -> Block | None:
        """One sentence instead of a table of dashes, when nobody is measured twice yet."""
        if rows.empty or "n_measured" not in rows or \
                pd.to_numeric(rows["n_measured"], errors="coerce").fillna(0).gt(0).any():
            return None
        said = {"nb": "Ingen er målt både før og etter ennå, så verdien for samfunnet kan ikke "
                      "regnes ut. Kostnadene står under Penger.",
                "en": "Nobody has been measured both before and after yet, so the value to "
                      "society cannot be worked out. The costs are under Money."}[self.language]
        return Block(_p(said, "pe-chart-note"))

    def _empty(self) -> Block:
        return Block(_p(_NO_DATA[self.language]))

    # -- after the agreement: shown from the last half of the agreement, or with
    # decision=True (:func:`pilot_eval.present.after.shown`); nothing otherwise
    def _mine(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``frame`` this report speaks of (all of them here)."""
        return frame

    @property
    def _pilots_here(self) -> list[str]:
        return self.ds.pilot_ids

    @cached_property
    def scenarios(self) -> pd.DataFrame:
        return self._table("scenarios", "scenarios")

    @cached_property
    def unit_costs(self) -> pd.DataFrame:
        return self._table("unit_costs", "unit_cost_comparison")

    @cached_property
    def reach_gaps(self) -> pd.DataFrame:
        return self._table("reach_gaps", "reach_gaps")

    @cached_property
    def enterprise_finances(self) -> pd.DataFrame:
        return self._table("enterprise", "enterprise_finances")

    @cached_property
    def enterprise_summary(self) -> pd.DataFrame:
        return self._table("enterprise_summary", "enterprise_summary")

    def _organisations(self) -> list[str]:
        p = self.ds.pilots
        p = p[p["pilot_id"].astype(str).isin(self._pilots_here)]
        return list(dict.fromkeys(p["organisation"].dropna().astype(str)))

    def _ul(self, items: Iterable[str]) -> str:
        items = list(items)
        return ("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"
                if items else "")

    def _continuing(self) -> str:
        """The summary's line per pilot on the yearly cost of continuing as today (only
        when the report shows "after the agreement")."""
        if not self.decision:
            return ""
        lead, lines = _after.summary_lines(self._mine(self.scenarios), self.names,
                                           self.language, min_cell_size=self.min_cell_size,
                                           one_pilot=self._one_pilot)
        return _p(lead, "lead" if self._one_pilot else None) + self._ul(lines)

    def after_scenarios(self) -> Block:
        """What continuing or scaling would cost a year (chart and table, three cases), the
        caveats of the cases, and what the results let us expect at a larger scale."""
        if not self.decision:
            return Block("")
        rows = self._mine(self.scenarios)
        a = self.ds.agreement
        share = fmt.percent(a.scale_up_share, language=self.language)
        who = text.plural("after.who", len(self._pilots_here), self.language)
        typed = "costs.cost_type" in self.ds.columns_present
        parts = [_p(_after.scenario_lead(rows, self.language, who=who, share=share,
                                         has_cost_types=typed))]
        parts.append(_after.scenario_table(rows, self.names, self.language,
                                           min_cell_size=self.min_cell_size,
                                           share=a.scale_up_share).html)
        parts.append(self._ul(_after.scenario_notes(
            rows, self.names, self.language, discount_rate=a.discount_rate,
            has_cost_types=typed, min_cell_size=self.min_cell_size)))
        # the chart's caption says which cases go far beyond today and which are months old
        fig = figures.scenario_chart(rows, self.names, pilot_id=self.pilot_id if self._one_pilot
                                     else None, language=self.language,
                                     source=self.source("money"),
                                     min_cell_size=self.min_cell_size)
        parts.append(fig._repr_html_())
        parts.append(self._sub("Hva kan vi vente av resultater?",
                               "What results can we expect?").html)
        parts.append(self._ul(_after.promise_sentences(rows, self.names, self.language,
                                                       measures=self.ds.measures)))
        return Block("".join(parts))

    def after_unit_costs(self) -> Block:
        """What a participant-year in the pilot costs beside what the municipality pays for
        a comparable service today (with source and price year)."""
        if not self.decision:
            return Block("")
        rows = self._mine(self.unit_costs)
        enrolled = {str(k): float(v) for k, v in
                    self.reach["enrolled"].astype("Float64").fillna(0).items()}
        parts = [self._sub("Sammenlignet med dagens tilbud", "Compared with today's service").html,
                 _p(text.message("after.unit.lead", self.language))]
        parts.append(self._ul(_after.unit_cost_sentences(
            rows, self.names, self.language, min_cell_size=self.min_cell_size,
            enrolled=enrolled, pilots=self._pilots_here)) if len(rows) else
            _p(text.message("after.unit.none", self.language)))
        if len(rows):
            parts.append(_after.unit_cost_table(rows, self.names, self.language,
                                                min_cell_size=self.min_cell_size,
                                                enrolled=enrolled).html)
        return Block("".join(parts))

    def after_reach(self) -> Block:
        """Who in the target group is reached least (by area, gender and age group against
        the target population), in a sentence per pilot; the pilot report adds a chart."""
        if not self.decision:
            return Block("")
        gaps = self._mine(self.reach_gaps)
        parts = [self._sub("Hvem i målgruppen er minst nådd?",
                           "Who in the target group is reached least?").html,
                 _p(text.message("after.reach.lead", self.language))]
        parts.append(self._ul(_after.reach_gap_sentences(
            gaps, {by: self._mine(self.reach_by(by)) for by in ("area", "gender", "age_group")},
            self.names, self.language, min_cell_size=self.min_cell_size,
            pilots=self._pilots_here)))
        area = gaps.reset_index()
        if len(area) and not (area.loc[area["by"].astype(str) == "area", "representation"]
                              .notna().any()):
            parts.append(_p(text.message("after.reach.area", self.language)))
        if self._one_pilot and self._enrolled(self.pilot_id) >= self.min_cell_size:
            parts.append(figures.representation_chart(
                gaps, self.names, pilot_id=self.pilot_id, language=self.language,
                source=self.source("population"), min_cell_size=self.min_cell_size
            )._repr_html_())
        return Block("".join(parts))

    def after_enterprise(self) -> Block:
        """How the enterprise(s) earn their money: the share from Bærum kommune and its
        trend, Ferd's investment as such, a chart and a table of income by source."""
        if not self.decision:
            return Block("")
        orgs = self._organisations()
        fin = self.enterprise_finances
        fin = fin[fin.index.get_level_values("organisation").astype(str).isin(orgs)] \
            if len(fin) else fin
        summary = self.enterprise_summary
        summary = summary[summary.index.astype(str).isin(orgs)] if len(summary) else summary
        one = len(orgs) == 1
        head = text.plural("after.enterprise.heading", len(orgs), self.language)
        who = text.plural("after.enterprise.who", len(orgs), self.language)
        parts = [f"<h3>{html.escape(head)}</h3>",
                 _p(text.message("after.enterprise.lead", self.language, who=who))]
        if len(fin):
            parts.append(figures.enterprise_chart(
                fin, organisation=orgs[0] if one else None, language=self.language,
                source=text.source("finances", self.language, date=self.ds.as_of_date)
            )._repr_html_())
        parts.append(self._ul(_after.enterprise_sentences(fin, summary, self.language,
                                                          organisations=orgs)))
        if len(fin):
            parts.append(_after.finances_table(fin, self.language,
                                               as_of_year=self.ds.as_of_date.year).html)
        return Block("".join(parts))


class PortfolioReport(_Report):
    """The portfolio report: every pilot of the agreement, for politicians.

    Parameters
    ----------
    data_dir : path, Dataset or ReportData
        The data folder (validated on load), an already loaded dataset, or a dataset with
        its metric tables (:func:`report_data`; then ``as_of`` must be None or its date).
        With a folder, the tables come from the file named by :data:`REPORT_DATA_ENV`
        when it matches the folder and ``as_of``.
    as_of : str, optional
        ISO date; everything dated later is left out. Default: latest date in the data.
    language : {"nb", "en"}, optional
        Default: the agreement's language.

    Notes
    -----
    A section with no data says so once: its first block prints "Det finnes ingen data
    til dette ennå." and the blocks after it, which check the same data, print nothing.
    """

    def summary(self) -> Block:
        """The one-page summary: status per pilot with reasons, money, reach, results,
        caveats — in plain language."""
        s = text.summary(self.ds, self.language, scorecard=self.scorecard,
                         portfolio=self.portfolio, outcomes=self.outcomes, value=self.value,
                         indicators=self._its_estimated())
        heading = SECTIONS["summary"][self.language][0]
        status = tables.status_table(self.scorecard, self.ds.pilots, self.language,
                                     min_cell_size=self.min_cell_size, measures=self.ds.measures)
        parts = [f'<section class="summary"><h2 id="{_slug(heading)}">{html.escape(heading)}</h2>']
        parts += [_p(p, "lead") for p in s.overview]
        parts.append(status.html)
        parts.append(self._continuing())
        parts.append(f"<h3>{html.escape(s.changes_heading)}</h3>")
        parts += [_p(p) for p in s.changes]
        parts.append(f"<h3>{html.escape(s.caveats_heading)}</h3>")
        parts.append("<ul>" + "".join(f"<li>{html.escape(c)}</li>" for c in s.caveats) + "</ul>")
        parts.append("</section>")
        return Block("".join(parts))

    # money
    def grant_vs_spent(self) -> figures.Figure:
        return figures.grant_vs_spent(self.cost, self.names, language=self.language,
                                      source=self.source("money"))

    def cumulative_spend(self) -> figures.Figure:
        return figures.cumulative_spend(self.cost_by_month, self.names, language=self.language,
                                        source=self.source("money"),
                                        start_dates=self.ds.pilots.set_index(
                                            self.ds.pilots["pilot_id"].astype(str))["start_date"])

    def money_table(self) -> tables.Table:
        return tables.money_table(self.cost, self.names, self.language, min_cell_size=self.min_cell_size)

    # reach: with nobody enrolled yet, the enrolment chart says so and the charts after it
    # (each of which would say "nobody yet" again) are left out
    def enrolment_vs_target(self) -> figures.Figure:
        return figures.enrolment_vs_target(self.enrolment, self.names, min_cell_size=self.min_cell_size,
                                           language=self.language, source=self.source("participants"),
                                           reach_summary=self.reach)

    def coverage(self) -> figures.Figure | Block:
        if self._enrolled() == 0:
            return Block("")
        return figures.coverage(self.reach, self.names, min_cell_size=self.min_cell_size,
                                language=self.language, source=self.source("population"))

    def reach_breakdown(self, by: Literal["area", "gender", "age_group"]) -> figures.Figure | Block:
        if self._enrolled() == 0:
            return Block("")
        frame = self.reach_by(by)
        return figures.reach_breakdown(frame, by, self.names, min_cell_size=self.min_cell_size,
                                       language=self.language,
                                       source=self._breakdown_source(frame),
                                       target_notes=self.reach.get("coverage_note"))

    def completion(self) -> figures.Figure | Block:
        if self._enrolled() == 0:
            return Block("")
        return figures.completion(self.reach, self.names, min_cell_size=self.min_cell_size,
                                  language=self.language, source=self.source("participants"))

    def reach_table(self) -> tables.Table:
        return tables.reach_table(self.reach, self.names, self.min_cell_size, self.language)

    # outcomes: the forest speaks for the section when there are no outcome data
    def forest(self) -> figures.Figure | Block:
        if self.outcomes.empty:
            return self._empty()
        return figures.forest(self.outcomes, self.names, min_cell_size=self.min_cell_size,
                              language=self.language, source=self.source("outcomes"))

    def outcome_table(self) -> tables.Table | Block:
        if self.outcomes.empty or _nobody_measured_twice(self.outcomes):
            return Block("")  # the forest said so
        return tables.outcome_table(self.outcomes, self.names, self.min_cell_size, self.language)

    def indicators(self) -> Block:
        """Interrupted time series of every indicator series: chart and table (nothing when
        there are none: the indicator series are optional)."""
        if self.its.empty:
            return Block("")
        parts = [self._sub("Utvikling i kommunen (avbrutt tidsserie)",
                           "Trends in the municipality (interrupted time series)").html]
        for pilot_id, series in self.its.index:
            fit = self._its_fit(str(series))
            parts.append(figures.its_chart(fit, label=self.series_label(series),
                                           pilot_name=self.names.get(str(pilot_id)),
                                           min_cell_size=self.min_cell_size, language=self.language,
                                           source=self.source("indicators"),
                                           evidence_rating=self._its_rating(pilot_id, series)
                                           )._repr_html_())
        # no estimate for a pilot a few months in: its chart's caption says why
        rows = self._its_estimated()
        if len(rows):
            parts.append(tables.its_table(rows, self.names, self.language).html)
        return Block("".join(parts))

    # value: the chart speaks for the section when nothing is valued; when values exist but
    # none can be drawn yet, the table says why row by row
    def value_vs_cost(self) -> figures.Figure | Block:
        """Social value against cost, one bar pair per pilot for its main valued measure
        (its primary measure, as in :meth:`tornado`), with the value table's figures.

        Measures are not added up: two measures of one pilot may count the same gain twice.
        """
        if self.value.empty:
            return self._empty()
        main = self._main_values(self.value)
        if not main["drawn"].any():
            return Block("")
        label = f"label_{self.language}"
        rows = main.drop(columns=["drawn", "primary"]).assign(
            **{label: [self.measure_label(str(m)) for m in main["measure"]]})
        several = bool((self.value.reset_index()["pilot_id"].astype(str)
                        .value_counts() > 1).any())
        note = None
        if several:
            # say which measure a bar shows where it is not the pilot's primary one
            other = main[main["drawn"] & ~main["primary"]]
            others = "; ".join(f"{self.names.get(str(p), str(p))}: "
                               f"{text._lower_first(self.measure_label(str(m)))}"
                               for p, m in other[["pilot_id", "measure"]].itertuples(index=False))
            note = text.message("value.bars.primary" if not others else "value.bars.others",
                                self.language, others=others)
        measures = main.loc[main["drawn"], "measure"].astype(str)
        return figures.value_vs_cost(rows.set_index(["pilot_id", "measure"]), self.names,
                                     min_cell_size=self.min_cell_size, language=self.language,
                                     source=self.source("value", measures), note=note)

    def value_table(self) -> tables.Table | Block:
        if self.value.empty:
            return Block("")  # the chart said so
        if (early := self._nobody_valued(self.value)) is not None:
            return early
        return tables.value_table(self.value, self.names, self.language, min_cell_size=self.min_cell_size,
                                  measures=self.ds.measures,
                                  tax_financing_cost=self.ds.agreement.tax_financing_cost)

    def tornado(self) -> Block:
        """Sensitivity of the benefit–cost ratio: one chart per pilot, for its primary
        measure when valued (the pilot reports show every measure). Nothing when no
        value can be drawn: the chart or the table above has said why."""
        main = self._main_values(self.value)
        main = main[main["drawn"]] if len(main) else main
        if self.sensitivity.empty or main.empty:
            return Block("")
        parts = [self._tornado(str(pid), str(measure))
                 for pid, measure in main[["pilot_id", "measure"]].itertuples(index=False)]
        return Block("".join(parts))


class PilotReport(_Report):
    """The report of one pilot, in more depth (activity, dosage, subgroups, distributions).

    Parameters
    ----------
    data_dir, as_of, language
        As for :class:`PortfolioReport`.
    pilot_id : str
        The pilot; a :class:`~pilot_eval.UsageError` lists the pilots when it is unknown.

    Notes
    -----
    The section introductions speak of one pilot (:data:`PILOT_SECTIONS`). The
    data-quality section lists the warnings about this pilot and those about no pilot
    (:attr:`warnings`). As in the portfolio report, a section with no data says so once.
    """

    sections = PILOT_SECTIONS
    _one_pilot = True

    def __init__(self, data_dir: str | Path | Dataset | ReportData, pilot_id: str,
                 as_of: str | None = None, language: str | None = None, *,
                 decision: bool | None = None) -> None:
        super().__init__(data_dir, as_of=as_of, language=language, decision=decision)
        if pilot_id not in self.ds.pilot_ids:
            raise UsageError(f"Unknown pilot {pilot_id!r}; the pilots are: {', '.join(self.ds.pilot_ids)}.")
        self.pilot_id = pilot_id
        self.name = self.names[pilot_id]

    @property
    def _pilots_here(self) -> list[str]:
        return [self.pilot_id]

    def _mine(self, frame: pd.DataFrame) -> pd.DataFrame:
        return self._one(frame)

    def _one(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Rows of this pilot (index level or column ``pilot_id``)."""
        if "pilot_id" in (frame.index.names or []):
            level = frame.index.get_level_values("pilot_id").astype(str)
            return frame[level == self.pilot_id]
        if "pilot_id" in frame.columns:
            return frame[frame["pilot_id"].astype(str) == self.pilot_id]
        return frame

    @property
    def warnings(self) -> pd.DataFrame:
        """The warnings about this pilot and those about no single pilot (their ``pilot_id``
        is missing, as for "… and 12 more rows" spanning pilots): better shown once too
        often than hidden."""
        w = self.ds.warnings
        if "pilot_id" not in w:
            return w
        who = w["pilot_id"]
        return w[(who.isna() | (who == self.pilot_id)).to_numpy(bool)]

    def summary(self) -> Block:
        """Status of the pilot: money against time, each dimension with its reason, the
        recommendation, and the main caveats."""
        row = self._with_cautions(self.scorecard.loc[self.pilot_id])
        card = tables.status_table(self._one(self.scorecard), self.ds.pilots, self.language,
                                   min_cell_size=self.min_cell_size, measures=self.ds.measures)
        explained = text.explain(row, self.language, min_cell_size=self.min_cell_size,
                                 measures=self.ds.measures)
        money, paced = text.pilot_money(self.cost.loc[self.pilot_id], row, self.language)
        # the money paragraph says how fast the grant is spent, the status table the
        # recommendation: the list gives the rest
        said = {"cost", "recommendation"} if paced else {"recommendation"}
        if row.get("recommendation_reason") == "outcome_grey":
            said.add("outcome")  # the recommendation's reason is the outcome's: said there
        explained = {k: v for k, v in explained.items() if k not in said}
        caveats = text.caveats(self.ds, self.language, scorecard=self.scorecard,
                               outcomes=self.outcomes, value=self.value, pilot_id=self.pilot_id,
                               warnings=self.warnings)
        pilot = self.ds.pilots.set_index(self.ds.pilots["pilot_id"].astype(str)).loc[self.pilot_id]
        nb = self.language == "nb"
        facts = (f"{pilot['organisation']} · {pilot['target_group']} · "
                 f"{fmt.date(pilot['start_date'], language=self.language)}–"
                 f"{fmt.date(pilot['end_date'], language=self.language)}")
        heading = self.sections["summary"][self.language][0]
        sentences = [s if s.endswith((".", "!", "?")) else s + "." for s in dict.fromkeys(explained.values()) if s]
        items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
        parts = [f'<section class="summary"><h2 id="{_slug(heading)}">{html.escape(heading)}</h2>',
                 _p(facts, "lead"), _p(money, "lead"), self._continuing(), card.html,
                 f"<h3>{'Hvorfor' if nb else 'Why'}</h3><ul>{items}</ul>"]
        if caveats:
            parts.append(f"<h3>{html.escape(text.label('caveats', self.language))}</h3>"
                         + "<ul>" + "".join(f"<li>{html.escape(c)}</li>" for c in caveats)
                         + "</ul>")
        parts.append("</section>")
        return Block("".join(parts))

    def _with_cautions(self, row: pd.Series) -> pd.Series:
        """The scorecard row with what the caution sentences need from the outcome summary
        of the measure the verdict rests on (regression to the mean, tipping point)."""
        key = (self.pilot_id, str(row.get("outcome_measure")))
        if key not in self.outcomes.index:
            return row
        found = self.outcomes.loc[key]
        return pd.concat([row, pd.Series({
            "outcome_rtm_expected_improvement": found["rtm_expected_improvement"],
            "outcome_tipping_point": found["tipping_point_improvement"],
            "outcome_missing_due": found["n_missing_due"]})])

    def cumulative_spend(self) -> figures.Figure:
        return figures.cumulative_spend(self.cost_by_month, self.names, pilot_id=self.pilot_id,
                                        language=self.language, source=self.source("money"),
                                        start_dates=self.ds.pilots.set_index(
                                            self.ds.pilots["pilot_id"].astype(str))["start_date"])

    def money_table(self) -> tables.Table:
        return tables.money_table(self._one(self.cost), self.names, self.language,
                                  min_cell_size=self.min_cell_size)

    def monthly_activity(self) -> figures.Figure:
        return figures.monthly_activity(self.enrolment, self.pilot_id, sessions=self.ds.sessions,
                                        names=self.names, min_cell_size=self.min_cell_size,
                                        language=self.language, source=self.source("participants"),
                                        reach_summary=self.reach)

    def _no_activity(self) -> bool:
        """Nobody enrolled and no attendance: the activity chart says so already."""
        sessions = self._one(self.ds.sessions)
        return self._enrolled(self.pilot_id) == 0 and sessions.empty

    def dosage(self) -> figures.Figure | Block:
        if self._no_activity():
            return Block("")
        # everyone enrolled at the status date counts (0 hours without attendance), so the
        # chart's number of participants is the one the rest of the report shows
        return figures.dosage(self.ds.sessions, self.names, pilot_id=self.pilot_id,
                              participants=self.ds.participants,
                              min_cell_size=self.min_cell_size, language=self.language,
                              source=self.source("participants"))

    def enrolment_vs_target(self) -> figures.Figure:
        return figures.enrolment_vs_target(self.enrolment, self.names, pilot_id=self.pilot_id,
                                           min_cell_size=self.min_cell_size, language=self.language,
                                           source=self.source("participants"), reach_summary=self.reach)

    def reach_breakdown(self, by: Literal["area", "gender", "age_group"]) -> figures.Figure | Block:
        enrolled = self._enrolled(self.pilot_id)
        if enrolled == 0:
            return Block("")  # the enrolment chart said "nobody yet"
        if enrolled < self.min_cell_size and by != "area":
            return Block("")  # no breakdown of a handful of people: the first one said so

        def breakdown(b: Literal["area", "gender", "age_group"]) -> figures.Figure:
            frame = self.reach_by(b)
            return figures.reach_breakdown(frame, b, self.names, pilot_id=self.pilot_id,
                                           min_cell_size=self.min_cell_size,
                                           language=self.language,
                                           source=self._breakdown_source(self._one(frame)),
                                           target_notes=self.reach.get("coverage_note"))

        nb = self.language == "nb"
        few = "for få i hver gruppe" if nb else "too few in each group"

        def too_few(fig: figures.Figure) -> bool:
            return not fig.is_chart and few in (fig.alt or "")

        fig = breakdown(by)
        if not too_few(fig):
            return fig
        if by != "area":
            # the area block said it for every breakdown: once is enough
            return Block("") if too_few(breakdown("area")) else fig
        also = [b for b in ("gender", "age_group") if too_few(breakdown(b))]
        if not also:
            return fig
        words = {"area": ("område", "area"), "gender": ("kjønn", "gender"),
                 "age_group": ("aldersgruppe", "age group")}
        named = [words[b][0 if nb else 1] for b in ("area", *also)]
        joined = ", ".join(named[:-1]) + (" og " if nb else " and ") + named[-1]
        said = (f"Deltakerne etter {joined}: for få i hver gruppe til å vise fordelingen."
                if nb else f"Participants by {joined}: too few in each group to show the "
                "distribution.")
        return Block(f'<p class="pe-chart-note">{html.escape(said)}</p>')

    def reach_table(self) -> tables.Table:
        return tables.reach_table(self._one(self.reach), self.names, self.min_cell_size, self.language)

    def forest(self) -> figures.Figure | Block:
        rows = self._one(self.outcomes)
        if rows.empty:
            return self._empty()
        return figures.forest(rows, self.names, min_cell_size=self.min_cell_size,
                              language=self.language, source=self.source("outcomes"))

    def outcome_table(self) -> tables.Table | Block:
        rows = self._one(self.outcomes)
        if rows.empty or _nobody_measured_twice(rows):
            return Block("")  # the forest said so
        return tables.outcome_table(rows, self.names, self.min_cell_size, self.language)

    def attrition_table(self) -> tables.Table | Block:
        """Who the outcome results rest on and who is missing (measured at the start,
        again, not yet due, missing; how much worse the missing would have to be)."""
        rows = self._one(self.outcomes)
        if rows.empty or _nobody_measured_twice(rows):
            return Block("")  # the forest said so
        return tables.attrition_table(rows, self.names, self.min_cell_size, self.language)

    def outcome_distributions(self) -> Block:
        """Baseline and follow-up distributions per measure (binned; small bins hidden)."""
        rows = self._one(self.outcomes)
        if rows.empty or not figures.measured_enough(rows, self.min_cell_size).any():
            return Block("")  # the forest said "nobody (or too few) measured yet"
        changes = self.outcome_changes
        measures = self.ds.measures.set_index(self.ds.measures["measure"].astype(str))
        parts = []
        for measure in rows.index.get_level_values("measure").astype(str):
            m = measures.loc[measure]
            label_col = "label_nb" if self.language == "nb" else "label_en"
            scale = ((float(m["scale_min"]), float(m["scale_max"]))
                     if pd.notna(m["scale_min"]) and pd.notna(m["scale_max"]) else None)
            threshold = float(m["success_threshold"]) if pd.notna(m["success_threshold"]) else None
            parts.append(figures.outcome_distribution(
                changes, self.pilot_id, measure, names=self.names, measure_label=str(m[label_col]),
                unit=None if pd.isna(m["unit"]) else str(m["unit"]), scale=scale, threshold=threshold,
                min_cell_size=self.min_cell_size, language=self.language,
                source=self.source("outcomes"),
            )._repr_html_())
        return Block("".join(parts))

    def indicators(self) -> Block:
        """Interrupted time series that evaluate this pilot, if any."""
        rows = self._one(self.its)
        if rows.empty:
            return Block("")
        parts = [self._sub("Utvikling i kommunen (avbrutt tidsserie)",
                           "Trends in the municipality (interrupted time series)").html]
        for pilot_id, series in rows.index:
            fit = self._its_fit(str(series))
            parts.append(figures.its_chart(fit, label=self.series_label(series), pilot_name=self.name,
                                           min_cell_size=self.min_cell_size, language=self.language,
                                           source=self.source("indicators"),
                                           evidence_rating=self._its_rating(pilot_id, series)
                                           )._repr_html_())
        # no estimate for a pilot a few months in: its chart's caption says why
        rows = self._one(self._its_estimated())
        if len(rows):
            parts.append(tables.its_table(rows, self.names, self.language).html)
        return Block("".join(parts))

    def value_table(self) -> tables.Table | Block:
        rows = self._one(self.value)
        if rows.empty:
            return self._empty()
        if (early := self._nobody_valued(rows)) is not None:
            return early
        return tables.value_table(rows, self.names, self.language, min_cell_size=self.min_cell_size,
                                  measures=self.ds.measures,
                                  tax_financing_cost=self.ds.agreement.tax_financing_cost)

    def tornado(self) -> Block:
        """Sensitivity of the benefit–cost ratio for every measure with a value resting on
        at least ``min_cell_size`` people; nothing otherwise (the value table says why)."""
        value = self._one(self.value).reset_index()
        measures = set(value.loc[self._value_drawn(value), "measure"].astype(str)) if len(value) \
            else set()
        rows = self._one(self.sensitivity)
        if rows.empty or not measures:
            return Block("")
        parts = [self._tornado(self.pilot_id, measure)
                 for measure in rows["measure"].astype(str).drop_duplicates()
                 if measure in measures]
        return Block("".join(parts))


def summary_lix(report: PortfolioReport) -> float:
    """LIX of the summary's running text (the readability check of DESIGN §4).

    Parameters
    ----------
    report : PortfolioReport
        The report whose summary (:meth:`PortfolioReport.summary`) is read.

    Returns
    -------
    float
        See :func:`pilot_eval.present.text.lix`; DESIGN §4 asks for at most 50 in bokmål.

    Examples
    --------
    >>> report = PortfolioReport("tests/data/doctest_small")
    >>> round(summary_lix(report))
    29
    """
    s = text.summary(report.ds, report.language, scorecard=report.scorecard,
                     portfolio=report.portfolio, outcomes=report.outcomes, value=report.value,
                     indicators=report._its_estimated())
    return s.lix()


__all__ = ["PILOT_SECTIONS", "REPORT_DATA_ENV", "SECTIONS", "Block", "PilotReport", "PortfolioReport", "ReportData",
           "data_key", "load_report_data", "report_data", "save_report_data", "summary_lix"]

