r"""Charts for the evaluation reports: print-ready SVG with a title, alt text and a caption.

Every chart function takes metric tables (the output of :mod:`pilot_eval.metrics`, never a
:class:`~pilot_eval.Dataset`) and returns a :class:`Figure`: the SVG text, the title, a
description for screen readers that states the main message with numbers, and a caption
(notes and source). In a notebook a :class:`Figure` shows itself as
``<figure class="chart"><img …><figcaption>…</figcaption></figure>``, which nbconvert and
the PDF exporter carry into the reports unchanged.

Conventions (DESIGN §4):

* **Size and type.** 160 mm wide (the A4 text column of the print stylesheet is 164 mm, so
  nothing is scaled and 8 pt stays 8 pt), text 8–10 pt in Inter, the typeface the report
  ships (``pilot_eval/render/fonts``, registered with matplotlib as the OpenType files).
  Text is drawn as glyph outlines (``svg.fonttype = "path"``), so a chart looks the same in
  the PDF, the HTML report and JupyterLab (where an SVG shown as ``<img>`` cannot use the
  page's fonts) on a machine without Inter. The words stay in the SVG: ``<title>`` and
  ``<desc>``, and each text's words as the ``aria-label`` of the group that draws it. If the
  font cannot be loaded, DejaVu Sans is used.
* **Look.** Okabe–Ito colours (safe for the common colour-vision deficiencies), no frame, a
  light grid on the value axis only, direct labels where they fit and a one-line key above
  the plot otherwise. Colour never carries meaning alone: every series has a word.
* **Numbers.** Norwegian formats from :mod:`pilot_eval.present.fmt` on axes and labels
  ("1,2 mill. kr", "50 %", "0,85", "jan. 2026"); English with ``language="en"``.
* **Privacy.** No chart draws an individual's value. Counts ``0 < n < min_cell_size`` are
  not drawn and print as "<5"; where a total or the shares of a whole are shown, one more
  cell is hidden (:func:`pilot_eval.privacy.suppression_mask`) and marked "skjult"; a
  caption that shows "skjult" says what it means. Rates, means and estimates built on fewer
  than ``min_cell_size`` people are not drawn, and a pilot with fewer participants is not
  broken down by area, gender, age or hours at all.
* **Nothing to draw.** A chart that would show only suppressed marks or an empty frame
  (a pilot not started, nobody measured twice, every cell hidden) is one sentence instead:
  a :class:`Figure` with no SVG, shown as a paragraph (``Figure.is_chart`` is False).
* **Deterministic output.** No dates or versions in the SVG metadata, fixed ``svg.hashsalt``:
  the same input gives the same bytes, so reports can be compared and tests are stable.
* **No global state.** Figures are built with :class:`matplotlib.figure.Figure` directly,
  not pyplot, so nothing is registered and nothing leaks; the rc settings apply inside
  :func:`matplotlib.rc_context` only.

Which metric table each chart expects:

============================  ===============================================================
chart                          input
============================  ===============================================================
:func:`grant_vs_spent`         :func:`~pilot_eval.metrics.cost.cost_summary`
:func:`cumulative_spend`       :func:`~pilot_eval.metrics.cost.cost_by_month`
:func:`enrolment_vs_target`    :func:`~pilot_eval.metrics.reach.enrolment_by_month`
:func:`coverage`               :func:`~pilot_eval.metrics.reach.reach_summary`
:func:`reach_breakdown`        :func:`~pilot_eval.metrics.reach.reach_by`
:func:`completion`             :func:`~pilot_eval.metrics.reach.reach_summary`
:func:`forest`                 :func:`~pilot_eval.metrics.outcomes.outcome_summary`
:func:`its_chart`              :func:`~pilot_eval.metrics.outcomes.its_fit` (or its
                               ``predictions``)
:func:`value_vs_cost`          :func:`~pilot_eval.metrics.value.value_for_money_by_pilot`
                               or :func:`~pilot_eval.metrics.value.value_for_money`
:func:`tornado`                :func:`~pilot_eval.metrics.value.sensitivity`
:func:`monthly_activity`       :func:`~pilot_eval.metrics.reach.enrolment_by_month` and the
                               sessions table (aggregated here, see the function)
:func:`dosage`                 the sessions table (aggregated here, see the function) and
                               the participants table at the status date
:func:`outcome_distribution`   :func:`~pilot_eval.metrics.outcomes.outcome_changes`
:func:`scenario_chart`         :func:`~pilot_eval.metrics.decision.scenarios`
:func:`representation_chart`   :func:`~pilot_eval.metrics.decision.reach_gaps` (one pilot)
:func:`enterprise_chart`       :func:`~pilot_eval.metrics.enterprise.enterprise_finances`
============================  ===============================================================

Examples
--------
>>> import pilot_eval as pe
>>> from pilot_eval.metrics import cost_summary
>>> from pilot_eval.present import figures
>>> ds = pe.load_dataset("data/sample", as_of="2026-06-30")
>>> fig = figures.grant_vs_spent(cost_summary(ds), figures.pilot_names(ds.pilots))
>>> fig.alt[:14]
'Stolpediagram:'
"""

from __future__ import annotations

from ._core import PALETTE, WIDTH_MM, Figure, pilot_names
from .activity import dosage, monthly_activity
from .decision import enterprise_chart, representation_chart, scenario_chart
from .money import cumulative_spend, grant_vs_spent
from .outcomes import (
    MIN_MONTHS_AFTER_START,
    forest,
    its_chart,
    its_too_early,
    measured_enough,
    outcome_distribution,
)
from .reach import completion, coverage, enrolment_vs_target, reach_breakdown
from .value import tornado, value_vs_cost

__all__ = [
    "MIN_MONTHS_AFTER_START",
    "Figure",
    "PALETTE",
    "WIDTH_MM",
    "completion",
    "coverage",
    "cumulative_spend",
    "dosage",
    "enrolment_vs_target",
    "enterprise_chart",
    "forest",
    "grant_vs_spent",
    "its_chart",
    "its_too_early",
    "measured_enough",
    "monthly_activity",
    "outcome_distribution",
    "pilot_names",
    "reach_breakdown",
    "representation_chart",
    "scenario_chart",
    "tornado",
    "value_vs_cost",
]
