"""HTML tables for the reports: semantic, Norwegian-formatted, small cells suppressed.

Every table is a :class:`Table` (``html`` plus ``_repr_html_``, so a notebook displays it
and nbconvert carries it into the PDF). The markup is semantic and accessible: a
``<caption>``, ``<thead>`` with ``<th scope="col">``, one row header per row
(``<th scope="row">``), numbers in cells of class ``num`` (right-aligned, never broken)
and notes under the table. Status is a badge with colour *and* word
(``<span class="status status-green">god</span>``; the stylesheet adds ● ▲ ■ ○).
Tables keep to eight columns or fewer, so they fit A4 portrait.

Small-cell suppression (DESIGN §4) is applied to every count, rate and mean shown, by
:func:`suppress`:

* a count ``0 < n < min_cell_size`` prints as ``<5`` (primary suppression);
* where the table, or the report, shows a total over a group of cells, one more cell of
  the group is hidden (``:``, as Statistics Norway marks cells hidden for
  confidentiality), chosen by :func:`pilot_eval.privacy.suppression_codes`, so the small
  one cannot be found as total minus the rest (nor pinned by the marks: where every
  non-zero cell of a group is hidden, all print as ``:``); totals are the true totals;
* a rate or mean built on fewer than ``min_cell_size`` people, or on a count that is
  hidden, prints as ``–``.

Each table says in a note what ``<5``, ``:`` and ``–`` mean when it uses them.
Participant ids never appear: no table has a participant column, and the data-quality
table masks values of participant-id columns and anything that looks like a pseudonym or
an identity number in its messages.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..privacy import COMPLEMENTARY as CODE_COMPLEMENTARY
from ..privacy import DERIVED as CODE_DERIVED
from ..privacy import PRIMARY, SHOWN, publishable_value, suppression_codes, table_disclosure_codes
from . import fmt, text

__all__ = [
    "Table",
    "changes_table",
    "glossary_table",
    "its_table",
    "money_table",
    "outcome_table",
    "quality_table",
    "reach_by_table",
    "reach_table",
    "rules_table",
    "status_table",
    "suppress",
    "value_table",
]

#: What a count hidden by complementary suppression prints as (Statistics Norway's mark
#: for "not shown for reasons of confidentiality").
COMPLEMENTARY: str = ":"
_STATUSES = ("green", "yellow", "red", "grey")

Formatter = Callable[[Any], str]


# --------------------------------------------------------------------------- Table


@dataclass(frozen=True)
class Table:
    """A report table.

    Attributes
    ----------
    html : str
        ``<table>`` with its caption, followed by its notes (``<p class="source">``).
    caption : str
    data : pandas.DataFrame
        The cells as displayed (strings, status as words; numbers keep their
        non-breaking spaces), headers as plain text, for tests and exports.
    notes : tuple of str
        The notes under the table, in order.
    """

    html: str
    caption: str
    data: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()

    def _repr_html_(self) -> str:
        from .css import with_css  # the block's stylesheet goes with it (JupyterLab)

        return with_css(self.html)

    def __str__(self) -> str:
        return self.html


@dataclass(frozen=True)
class _Col:
    """A column: key in the body frame, header text, numeric (right-aligned), and whether
    its cells already are HTML (status badges); all other cells are escaped."""

    key: str
    header: str
    num: bool = False
    html: bool = False
    prose: bool = False  # running text: may hyphenate; other cells break between words
    nowrap: bool = False  # short terms that must not break ("før–etter")
    width: str | None = None  # preferred width ("35%"), for a column of long text


def _esc(value: Any) -> str:
    return _html.escape(str(value), quote=False)


_WRAP = ' style="white-space: normal; hyphens: manual"'
# names and short headers break between words only ("Gi-ring" reads badly)
_NOHYPH = ' style="hyphens: manual"'


def _cls(col: _Col) -> str:
    return "num" if col.num else "text"


def _render(caption: str, cols: Sequence[_Col], body: pd.DataFrame, *,
            total: Mapping[str, Any] | None = None, notes: Sequence[str] = (),
            group_first: bool = False, css: str = "") -> str:
    """The HTML of a table whose first column holds the row headers.

    ``group_first`` merges runs of equal first cells into one header spanning the rows
    (``rowspan``, ``scope="rowgroup"``), for a pilot with several measures.
    """
    # print.css keeps th.num on one line; a header must wrap or a table overflows A4
    head = "".join(f'<th scope="col" class="{_cls(c)}"'
                   f'{_WRAP if c.num else _NOHYPH}>{_esc(c.header)}</th>' for c in cols)
    rows: list[str] = []
    first = [str(v) for v in body[cols[0].key]] if len(body) else []
    spans = _spans(first) if group_first else [1] * len(first)
    for i in range(len(body)):
        cells = []
        for j, col in enumerate(cols):
            value = body[col.key].iloc[i]
            if j == 0:
                if spans[i] == 0:
                    continue
                scope = "rowgroup" if group_first and spans[i] > 1 else "row"
                span = f' rowspan="{spans[i]}"' if spans[i] > 1 else ""
                cells.append(f'<th scope="{scope}"{span} class="text"{_NOHYPH}>'
                             f'{_esc(value)}</th>')
            else:
                cell = str(value) if col.html else _esc(value)
                style = (' style="white-space: nowrap"' if col.nowrap else
                         "" if col.num or col.prose else _NOHYPH)
                cells.append(f'<td class="{_cls(col)}"{style}>{cell}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    if total is not None:
        cells = [f'<th scope="row" class="text">{_esc(total[cols[0].key])}</th>']
        cells += [f'<td class="{_cls(c)}">{_esc(total.get(c.key, ""))}</td>' for c in cols[1:]]
        rows.append('<tr class="total">' + "".join(cells) + "</tr>")
    classes = " ".join(["pe-table", *([css] if css else [])])
    colgroup = ""
    if any(c.width for c in cols):
        colgroup = "<colgroup>" + "".join(
            f'<col style="width: {c.width}">' if c.width else "<col>" for c in cols) + \
            "</colgroup>"
    # WeasyPrint 69 crashes tagging a PDF/UA page that holds a caption without its table
    # (Kozea/WeasyPrint#2761): the caption must stay with the rows below it
    out = (f'<table class="{classes}"><caption style="break-after: avoid">'
           f'{_esc(caption)}</caption>{colgroup}'
           f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    out += "".join(f'<p class="source">{_esc(n)}</p>' for n in notes)
    return f'<div class="pe-table-block">{out}</div>'


def _spans(values: list[str]) -> list[int]:
    """Rowspan per row for runs of equal values: the run's length on its first row, else 0."""
    spans = [0] * len(values)
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        spans[i] = j - i + 1
        i = j + 1
    return spans


def _table(caption: str, cols: Sequence[_Col], body: pd.DataFrame, *,
           total: Mapping[str, Any] | None = None, notes: Sequence[str] = (),
           group_first: bool = False, css: str = "") -> Table:
    html = _render(caption, cols, body, total=total, notes=notes, group_first=group_first,
                   css=css)
    data = body[[c.key for c in cols]].astype(object).copy()
    for c in cols:
        if c.html:
            data[c.key] = [_plain(v) for v in data[c.key]]
    if total is not None:
        data.loc["__total__"] = [str(total.get(c.key, "")) for c in cols]
    # headers as plain text (no soft hyphens, ordinary spaces), for lookups and exports
    data.columns = [c.header.replace("\u00ad", "").replace("\u00a0", " ") for c in cols]
    return Table(html=html, caption=caption, data=data.reset_index(drop=True),
                 notes=tuple(notes))


_TAG = re.compile(r"<[^>]+>")


def _plain(value: Any) -> str:
    """The text of an HTML cell, as a reader (or screen reader) gets it."""
    return _html.unescape(_TAG.sub("", str(value)))


# --------------------------------------------------------------------------- suppression


def _default_format(column: str, language: str) -> Formatter:
    if "share" in column or "rate" in column:
        return lambda v: fmt.percent(v, language=language)
    return lambda v: v if isinstance(v, str) else fmt.number(v, 1, language=language)


def _group_keys(frame: pd.DataFrame, groups: str | Sequence[str] | None) -> pd.Index | None:
    """An index of the group key(s), from index levels or columns, for suppression_mask."""
    if groups is None:
        return None
    names = [groups] if isinstance(groups, str) else list(groups)
    arrays = []
    for name in names:
        if name in (frame.index.names or []):
            arrays.append(frame.index.get_level_values(name))
        elif name in frame.columns:
            arrays.append(frame[name].to_numpy())
        else:
            raise UsageError(f"groups={name!r} is neither an index level nor a column; the "
                             f"levels are {list(frame.index.names)}, the columns "
                             f"{list(frame.columns)}.")
    return pd.MultiIndex.from_arrays(arrays, names=[f"g{i}" for i in range(len(arrays))])


def suppress(frame: pd.DataFrame, counts: Sequence[str] = (),
             derived: Mapping[str, str | Sequence[str]] | None = None,
             min_cell_size: int = 5, groups: str | Sequence[str] | None = None, *,
             formats: Mapping[str, Formatter] | None = None,
             language: str = "nb") -> pd.DataFrame:
    """Format a table for publication with small cells hidden.

    Parameters
    ----------
    frame : DataFrame
        Exact figures (counts, rates, means, text), one row per cell group member.
    counts : sequence of str
        Columns of counts of people. Each is suppressed on its own: ``0 < n <
        min_cell_size`` prints as ``"<5"``; within each group (see ``groups``) with a
        hidden cell, the smallest other non-zero cells are hidden too and print as
        ``":"``, and where every non-zero cell of a group is hidden all of them print as
        ``":"`` (:func:`pilot_eval.privacy.suppression_codes`: "<5" there would pin them
        to the total). Zero is shown: it reveals nobody.
    derived : mapping of column → count column or list of count columns, optional
        Rates and means. The first column named is the number of people the figure is
        built on: the figure prints as ``"–"`` when that number is below
        ``min_cell_size``, or when any named column is itself hidden (a share of a
        hidden count would reveal it).
    min_cell_size : int, default 5
    groups : str or list of str, optional
        Index levels or columns whose totals are published elsewhere (the pilot, when its
        participants are split by area). ``None``: the whole column is one group (a
        total row, or a total in the text).
    formats : mapping of column → callable, optional
        How to print each column's values. Defaults: counts as whole numbers, columns
        named ``*share*`` or ``*rate*`` as percentages, other numbers with one decimal,
        text as it is.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    DataFrame of str
        Same index and columns as ``frame``. ``attrs`` records what was hidden:
        ``min_cell_size``, ``primary``, ``complementary`` and ``derived`` (bools), and
        ``hidden`` (a DataFrame of bool, True where a figure was hidden).

    Examples
    --------
    >>> f = pd.DataFrame({"n": [3, 10, 12]}, index=["A", "B", "C"])
    >>> suppress(f, counts=["n"])["n"].tolist()
    ['<5', ':', '12']
    """
    fmt.check_language(language)
    if min_cell_size < 1:
        raise UsageError(f"min_cell_size={min_cell_size!r} must be at least 1.")
    derived = dict(derived or {})
    formats = dict(formats or {})
    unknown = [c for c in [*counts, *derived] if c not in frame.columns]
    for spec in derived.values():
        unknown += [c for c in ([spec] if isinstance(spec, str) else spec)
                    if c not in frame.columns]
    if unknown:
        raise UsageError(f"Columns {sorted(set(unknown))} are not in the frame; its columns "
                         f"are {list(frame.columns)}.")
    out = pd.DataFrame(index=frame.index, columns=frame.columns, dtype=object)
    hidden = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    keys = _group_keys(frame, groups)
    level_names = list(keys.names) if keys is not None else None
    flags = {"primary": False, "complementary": False, "derived": False}

    for col in counts:
        n = pd.to_numeric(frame[col], errors="coerce").astype(float)
        series = pd.Series(n.to_numpy(), index=keys if keys is not None else None)
        marks = suppression_codes(series, min_cell_size, groups=level_names).to_numpy(object)
        mask, primary = marks != SHOWN, marks == PRIMARY
        shown = formats.get(col) or (lambda v: fmt.count(v, suppress=False, language=language))
        cells = [f"<{min_cell_size}" if p else COMPLEMENTARY if m else shown(v)
                 for v, p, m in zip(n, primary, mask, strict=True)]
        out[col] = cells
        hidden[col] = mask
        flags["primary"] |= bool(primary.any())
        flags["complementary"] |= bool((mask & ~primary).any())

    for col, spec in derived.items():
        bases = [spec] if isinstance(spec, str) else list(spec)
        base = pd.to_numeric(frame[bases[0]], errors="coerce").astype(float)
        hide = (base < min_cell_size).to_numpy(bool).copy()
        for b in bases:
            hide |= hidden[b].to_numpy(bool)
        values = frame[col]
        has_value = values.notna().to_numpy(bool)
        shown = formats.get(col) or _default_format(col, language)
        out[col] = [fmt.MISSING if h else shown(v) for v, h in zip(values, hide, strict=True)]
        hidden[col] = hide & has_value
        flags["derived"] |= bool((hide & has_value).any())

    for col in frame.columns:
        if col in counts or col in derived:
            continue
        shown = formats.get(col) or _default_format(col, language)
        out[col] = [shown(v) if not isinstance(v, str) else v for v in frame[col]]
    out = out.astype(object)
    out.attrs = {"min_cell_size": int(min_cell_size), **flags, "hidden": hidden,
                 "derived_columns": tuple(derived)}
    return out


def _suppression_notes(shown: pd.DataFrame, columns: Sequence[str], language: str, *,
                       total: Mapping[str, Any] | None = None,
                       total_hidden: bool = False) -> list[str]:
    """Notes explaining "<5", ":" and "–", for the marks the displayed ``columns`` (and the
    total row) actually show."""
    m = int(shown.attrs.get("min_cell_size", 5))
    cells = [str(v) for c in columns if c in shown.columns for v in shown[c]]
    cells += [str(v) for v in (total or {}).values()]
    hidden = shown.attrs.get("hidden")
    derived = bool(total_hidden) or (hidden is not None and any(
        bool(hidden[c].any()) for c in columns
        if c in hidden.columns and c in shown.attrs.get("derived_columns", ())))
    notes = []
    if f"<{m}" in cells:
        notes.append(text._t("table.small_cells", language, n=m))
    if COMPLEMENTARY in cells:
        notes.append(text._t("table.complementary", language))
    if derived:
        notes.append(text._t("table.derived", language, n=m))
    return notes


def _total_count(values: pd.Series, min_cell_size: int, language: str, *,
                 hidden: np.ndarray | None = None) -> str:
    """A total over rows that are each published: hidden (":") when a row is a small count,
    or a count hidden to protect one (``hidden``), because the report's text gives every
    other row's count (margin suppression)."""
    n = pd.to_numeric(values, errors="coerce").astype(float)
    if ((n > 0) & (n < min_cell_size)).any() or (hidden is not None and hidden.any()):
        return COMPLEMENTARY
    return fmt.count(n.sum(), min_cell_size, language=language)


def _mark_hidden(shown: pd.DataFrame, codes: pd.DataFrame, counts: Sequence[str],
                 min_cell_size: int) -> None:
    """Write the marks of :func:`pilot_eval.privacy.disclosure_codes` into a formatted
    table (in place): "<k" for a small count, ":" for a count hidden to protect another,
    "–" for a figure built on a hidden count; ``attrs["hidden"]`` and the flags follow."""
    hidden = shown.attrs["hidden"]
    for col in codes.columns:
        if col not in shown.columns:
            continue
        c = codes[col].to_numpy(object)
        if col in counts:
            marks = np.where(c == PRIMARY, f"<{min_cell_size}",
                             np.where(c == CODE_COMPLEMENTARY, COMPLEMENTARY, None))
        else:
            marks = np.where(c == CODE_DERIVED, fmt.MISSING, None)
        hit = np.array([m is not None for m in marks], dtype=bool)
        if not hit.any():
            continue
        shown[col] = np.where(hit, marks, shown[col].to_numpy(object))
        hidden[col] = hidden[col].to_numpy(bool) | hit
        if col not in counts:
            shown.attrs["derived"] = True
            shown.attrs["derived_columns"] = tuple(dict.fromkeys(
                [*shown.attrs.get("derived_columns", ()), col]))


# --------------------------------------------------------------------------- helpers


def _names(names: Mapping[str, str] | pd.Series | pd.DataFrame | None) -> dict[str, str]:
    """pilot_id → display name, from a mapping, a Series or the pilots table."""
    if names is None:
        return {}
    if isinstance(names, pd.DataFrame):
        if "pilot_id" in names.columns and "name" in names.columns:
            return dict(zip(names["pilot_id"].astype(str), names["name"].astype(str),
                            strict=True))
        if "name" in names.columns:
            return {str(k): str(v) for k, v in names["name"].items()}
        raise UsageError("names must be a mapping pilot_id → name or the pilots table "
                         "(columns pilot_id and name).")
    return {str(k): str(v) for k, v in dict(names).items()}


def _name(pid: Any, names: dict[str, str]) -> str:
    return names.get(str(pid), str(pid))


def _row_notes(items: Sequence[tuple[str, str | None, str]], n_rows: int,
               language: str) -> list[str]:
    """Notes on single rows, ``(pilot, measure or None, sentence)``, with the rows that
    share a sentence named together: six rows saying "nobody is measured twice yet" make
    one note ("Leksehjelp (trivsel, skolefravær); Jobbtrening Ung (trivsel): …"), not six.
    When every row of the table shares it, the note says so instead of naming them."""
    groups: dict[str, dict[str, list[str]]] = {}
    count: dict[str, int] = {}
    for pilot, measure, sentence in items:
        by_pilot = groups.setdefault(sentence, {})
        by_pilot.setdefault(pilot, [])
        if measure:
            by_pilot[pilot].append(measure)
        count[sentence] = count.get(sentence, 0) + 1
    out = []
    for sentence, by_pilot in groups.items():
        if count[sentence] > 1 and count[sentence] == n_rows:
            out.append(f"{text.label('all_rows', language)}: {sentence}")
            continue
        where = "; ".join(f"{p} ({', '.join(ms)})" if len(ms) > 1 else
                          f"{p}, {ms[0]}" if ms else p for p, ms in by_pilot.items())
        out.append(f"{where}: {sentence}")
    return out


def _mnok(language: str) -> Formatter:
    return lambda v: fmt.number(None if pd.isna(v) else float(v) / 1e6, 2, language=language)


def _knok(language: str) -> Formatter:
    return lambda v: fmt.number(None if pd.isna(v) else float(v) / 1e3, 0, language=language)


def _h(key: str, language: str, unit_key: str | None = None) -> str:
    head = text.label(key, language)
    return f"{head} ({text.label(unit_key, language)})" if unit_key else head


def _plain_number(x: Any, language: str) -> str:
    """A threshold as written: 0,9 · 1,1 · 10 (no trailing zeros, up to 2 decimals)."""
    if pd.isna(x):
        return fmt.MISSING
    v = float(x)
    for d in (0, 1, 2):
        if abs(v - round(v, d)) < 1e-9:
            return fmt.number(v, d, language=language)
    return fmt.number(v, 2, language=language)


# --------------------------------------------------------------------------- tables


def status_table(scorecard: pd.DataFrame, pilots: pd.DataFrame | Mapping[str, str] | None,
                 language: str = "nb", *, min_cell_size: int = 5,
                 measures: pd.DataFrame | None = None) -> Table:
    """The scorecard: pilot, entrepreneur, reach, cost, outcome and the recommendation with
    its reason in one line (the summary page's table, DESIGN §4).

    Parameters
    ----------
    scorecard : DataFrame
        :func:`pilot_eval.metrics.scorecard.scorecard`.
    pilots : DataFrame or mapping
        The pilots table (``ds.pilots``: ``pilot_id``, ``name``, ``organisation``), or a
        mapping pilot_id → name (the entrepreneur column is then empty).
    language : {"nb", "en"}, default "nb"
    min_cell_size : int, default 5
        Counts in the reasons below it read "færre enn 5".
    measures : DataFrame, optional
        ``ds.measures``, to name the outcome measure in ``language``.

    Returns
    -------
    Table
        Status cells are badges with colour *and* word.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> table = status_table(metrics.scorecard(ds), ds.pilots, "en", measures=ds.measures)
    >>> table.caption
    'Scorecard by pilot'
    >>> table.data.columns.tolist()
    ['Pilot', 'Entrepreneur', 'Reach', 'Cost', 'Outcomes', 'Recommendation – because …']
    >>> table.data["Pilot"].tolist()
    ['Leksehjelp Øst', 'Jobbtrening']
    """
    fmt.check_language(language)
    card = text.localise(scorecard, measures, language)
    names = _names(pilots)
    orgs: dict[str, str] = {}
    if isinstance(pilots, pd.DataFrame) and "organisation" in pilots.columns:
        orgs = dict(zip(pilots["pilot_id"].astype(str),
                        pilots["organisation"].astype("string").fillna("").astype(str),
                        strict=True))

    def badge(status: Any) -> str:
        key = str(status) if str(status) in _STATUSES else "grey"
        word = text.status_word(None if pd.isna(status) else str(status), language)
        return f'<span class="status status-{key}">{_html.escape(word)}</span>'

    rec_cells = []
    for _, row in card.iterrows():
        line = text.recommendation_sentence(row, language, min_cell_size=min_cell_size)
        word = text.recommendation_word(row.get("recommendation"), language, capital=True)
        rest = line[len(word):]
        rec_cells.append(f"<strong>{_html.escape(word)}</strong>{_html.escape(rest)}")
    body = pd.DataFrame({
        "pilot": [_name(p, names) for p in card.index],
        "entrepreneur": [orgs.get(str(p), "") for p in card.index],
        "reach": [badge(s) for s in card["reach_status"]],
        "cost": [badge(s) for s in card["cost_status"]],
        "outcome": [badge(s) for s in card["outcome_status"]],
        "recommendation": rec_cells,
    })
    cols = [_Col("pilot", text.label("pilot", language), width="16%"),
            _Col("entrepreneur", text.label("entrepreneur", language), width="15%"),
            _Col("reach", text.label("reach", language), html=True, width="11%"),
            _Col("cost", text.label("cost", language), html=True, width="11%"),
            _Col("outcome", text.label("outcome", language), html=True, width="13%"),
            _Col("recommendation", text.label("recommendation", language), html=True,
                 prose=True, width="34%")]
    legend = {"nb": "Status vises med symbol og ord: ● god, ▲ usikker, ■ svak, ○ for lite data. "
                    "Reglene står bakerst i rapporten.",
              "en": "Status is shown by symbol and word: ● good, ▲ uncertain, ■ weak, ○ too "
                    "little data. The rules are at the back of the report."}[language]
    # "per pilot" reads oddly in the report of one pilot
    caption = text.plural_label("cap.status", len(body), language)
    return _table(caption, cols, body, notes=[legend], css="pe-status")


def money_table(cost_summary: pd.DataFrame,
                names: Mapping[str, str] | pd.Series | pd.DataFrame | None = None,
                language: str = "nb", *, min_cell_size: int = 5) -> Table:
    """Money per pilot: grant, fund money spent, shares of grant and period, total cost,
    leverage and cost per participant, with a total row.

    Parameters
    ----------
    cost_summary : DataFrame
        :func:`pilot_eval.metrics.cost.cost_summary`.
    names : mapping, Series or the pilots table, optional
    language : {"nb", "en"}, default "nb"
    min_cell_size : int, default 5
        Cost per participant is a mean: not shown for fewer participants. Nor is the
        total's, then (it would give the number of participants in all, and so the small
        one).

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> table = money_table(metrics.cost_summary(ds), ds.pilots, "en")
    >>> table.caption
    'Money by pilot'
    >>> table.data.columns[:3].tolist()
    ['Pilot', 'Grant from the fund (NOK m)', 'Fund money spent (NOK m)']
    >>> table.data.iloc[:, :3].values.tolist()
    [['Leksehjelp Øst', '1.50', '0.19'], ['Jobbtrening', '1.00', '0.15'], ['Total', '2.50', '0.34']]
    """
    fmt.check_language(language)
    names_ = _names(names)
    c = cost_summary
    frame = pd.DataFrame({
        "pilot": [_name(p, names_) for p in c.index],
        "grant_nok": c["grant_nok"].to_numpy(float),
        "fund_cost_nok": c["fund_cost_nok"].to_numpy(float),
        "grant_used_share": c["grant_used_share"].to_numpy(float),
        "elapsed_share": c["elapsed_share"].to_numpy(float),
        "total_cost_nok": c["total_cost_nok"].to_numpy(float),
        "leverage": c["leverage"].to_numpy(float),
        "participants": c["participants"].to_numpy(float),
        "cost_per_participant_nok": c["cost_per_participant_nok"].to_numpy(float),
    })
    mnok, nok0 = _mnok(language), (lambda v: fmt.number(v, 0, language=language))
    formats = {"grant_nok": mnok, "fund_cost_nok": mnok, "total_cost_nok": mnok,
               "leverage": lambda v: fmt.number(v, 2, language=language),
               "cost_per_participant_nok": nok0}
    shown = suppress(frame, derived={"cost_per_participant_nok": "participants"},
                     min_cell_size=min_cell_size, formats=formats, language=language)
    grant, fund, total = (float(frame[k].sum()) for k in ("grant_nok", "fund_cost_nok",
                                                          "total_cost_nok"))
    n = frame["participants"]
    people = float(n.sum())
    small = bool(((n > 0) & (n < min_cell_size)).any())
    row = {
        "pilot": text.label("total", language), "grant_nok": mnok(grant),
        "fund_cost_nok": mnok(fund),
        "grant_used_share": fmt.percent(fund / grant if grant > 0 else None, language=language),
        "elapsed_share": "", "total_cost_nok": mnok(total),
        "leverage": fmt.number(total / fund if fund > 0 else None, 2, language=language),
        "cost_per_participant_nok": nok0(total / people)
        if people >= min_cell_size and not small else fmt.MISSING,
    }
    cols = [_Col("pilot", text.label("pilot", language)),
            _Col("grant_nok", _h("h.grant", language, "unit.mnok"), True),
            _Col("fund_cost_nok", _h("h.fund_cost", language, "unit.mnok"), True),
            _Col("grant_used_share", _h("h.grant_used", language), True),
            _Col("elapsed_share", _h("h.elapsed", language), True),
            _Col("total_cost_nok", _h("h.total_cost", language, "unit.mnok"), True),
            _Col("leverage", _h("h.leverage", language), True),
            _Col("cost_per_participant_nok", _h("h.per_participant", language, "unit.nok"),
                 True)]
    if len(frame) < 2:
        row, small = None, False
    notes = [text.label("note.money", language),
             *_suppression_notes(shown, [c.key for c in cols], language, total=row,
                                 total_hidden=small)]
    caption = text.plural_label("cap.money", len(frame), language)
    return _table(caption, cols, shown, total=row, notes=notes)


def reach_table(reach_summary: pd.DataFrame,
                names: Mapping[str, str] | pd.Series | pd.DataFrame | None = None,
                min_cell_size: int = 5, language: str = "nb") -> Table:
    """Reach per pilot: participants against target, completed, dropped out, completion
    rate, target population and coverage, with a total row.

    Counts below ``min_cell_size`` print as "<5". The report's text gives every other
    pilot's number of participants, so hiding a second pilot's count would protect
    nothing: the column's *total* is hidden instead (":", margin suppression), and the
    total completion rate with it. Completion rate and coverage are not shown where they
    rest on small counts. Where coverage cannot be computed, a note says why.

    Parameters
    ----------
    reach_summary : DataFrame
        :func:`pilot_eval.metrics.reach.reach_summary`.
    names : mapping, Series or the pilots table, optional
    min_cell_size : int, default 5
    language : {"nb", "en"}, default "nb"

    Examples
    --------
    Fewer than five people are shown as "<5", and a total that would give them away as ":";
    where every part of a row is hidden, all are ":" (marks telling them apart could pin
    them to the row's total):

    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> table = reach_table(metrics.reach_summary(ds), ds.pilots, language="en")
    >>> table.data.columns[:5].tolist()
    ['Pilot', 'Participants', 'Reach target', 'Completed', 'Dropped out']
    >>> table.data.iloc[:, :5].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['Leksehjelp Øst', '12', '40', ':', ':'], ['Jobbtrening', '<5', '20', '<5', '0'],
    ['Total', ':', '60', ':', ':']]
    >>> table.notes[-3]
    "'<5': fewer than 5 people. Small numbers are not shown, to protect privacy."
    """
    fmt.check_language(language)
    names_ = _names(names)
    r = reach_summary
    frame = pd.DataFrame({
        "pilot": [_name(p, names_) for p in r.index],
        "enrolled": r["enrolled"].to_numpy(float),
        "reach_target": pd.to_numeric(r["reach_target"], errors="coerce").to_numpy(float),
        "completed": r["completed"].to_numpy(float),
        "dropped_out": r["dropped_out"].to_numpy(float),
        "completion_rate": r["completion_rate"].to_numpy(float),
        "n_rate": (r["completed"] + r["dropped_out"]).to_numpy(float),
        "target_population": r["target_population"].to_numpy(float),
        "coverage_share": r["coverage_share"].to_numpy(float),
        "row": np.arange(len(r)),
    })
    whole = lambda v: fmt.number(v, 0, language=language)  # noqa: E731 - a tiny formatter
    counts = ["enrolled", "completed", "dropped_out"]
    shown = suppress(
        frame, derived={"completion_rate": ["n_rate"], "coverage_share": ["enrolled"]},
        min_cell_size=min_cell_size, groups="row",
        formats={"reach_target": whole, "target_population": whole,
                 "coverage_share": lambda v: fmt.percent(v, 1, language=language),
                 **{c: (lambda v: fmt.count(v, suppress=False, language=language))
                    for c in counts}},
        language=language)
    # which counts are hidden, and which figures with them: the one model, so the charts,
    # the text and the workbook hide the same cells (a part of the row hidden in one output
    # and shown in another would give the small one back)
    codes = table_disclosure_codes("reach", r, min_cell_size)
    _mark_hidden(shown, codes, counts, min_cell_size)
    total = {"pilot": text.label("total", language),
             "reach_target": whole(frame["reach_target"].sum(min_count=1)),
             "target_population": "", "coverage_share": ""}
    for col in counts:
        total[col] = _total_count(frame[col], min_cell_size, language,
                                  hidden=codes[col].ne(SHOWN).to_numpy(bool))
    done, dropped = float(frame["completed"].sum()), float(frame["dropped_out"].sum())
    rate_hidden = COMPLEMENTARY in (total["completed"], total["dropped_out"])
    total["completion_rate"] = fmt.MISSING if rate_hidden or done + dropped < min_cell_size \
        else fmt.percent(done / (done + dropped), language=language)
    cols = [_Col("pilot", text.label("pilot", language)),
            _Col("enrolled", text.label("h.enrolled", language), True),
            _Col("reach_target", text.label("h.reach_target", language), True),
            _Col("completed", text.label("h.completed", language), True),
            _Col("dropped_out", text.label("h.dropped_out", language), True),
            _Col("completion_rate", text.label("h.completion_rate", language), True),
            _Col("target_population", text.label("h.target_population", language), True),
            _Col("coverage_share", text.label("h.coverage", language), True)]
    notes = [text.label("note.reach", language)]
    if "coverage_note" in r.columns:
        for pid, key in r["coverage_note"].items():
            if not pd.isna(key):
                notes.append(f"{_name(pid, names_)}: {text.note(key, 'coverage_note', language)}")
    if len(frame) < 2:
        total, rate_hidden = None, False
    notes += _suppression_notes(shown, [c.key for c in cols], language, total=total,
                                total_hidden=rate_hidden)
    caption = text.plural_label("cap.reach", len(frame), language)
    return _table(caption, cols, shown, total=total, notes=notes)


def _group_label(value: Any, by: str, language: str) -> str:
    v = str(value)
    if v == "unknown":
        return text.label("unknown", language)
    if by == "gender":
        return text.label(f"gender.{v}", language) if f"gender.{v}" in text.LABELS else v
    if by == "age_group":
        return text.label("age.years", language, g=v)
    return v


def reach_by_table(reach_by_frame: pd.DataFrame, by: str,
                   names: Mapping[str, str] | pd.Series | pd.DataFrame | None = None,
                   min_cell_size: int = 5, language: str = "nb", *,
                   pilot_id: str | None = None) -> Table:
    """Who the pilots reach, by area, gender or age group.

    Parameters
    ----------
    reach_by_frame : DataFrame
        :func:`pilot_eval.metrics.reach.reach_by` with the same ``by``.
    by : {"area", "gender", "age_group"}
    names : mapping, Series or the pilots table, optional
    min_cell_size : int, default 5
    language : {"nb", "en"}, default "nb"
    pilot_id : str, optional
        One pilot: its groups with participants, share of participants, the group's share
        of the target population and coverage. Without it: one column of participants per
        pilot (groups nobody is in, in any pilot, are left out).

    Notes
    -----
    A pilot's total is published (reach table), so within each pilot one more group is
    hidden next to a small one. Shares of a hidden count are not shown.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> table = reach_by_table(metrics.reach_by(ds, "gender"), "gender", ds.pilots,
    ...                        language="en", pilot_id="lekse")
    >>> table.caption
    'Participants by gender: Leksehjelp Øst'
    >>> table.data.values.tolist()
    [['Female', '<5', '–', '49%', '–'], ['Male', ':', '–', '51%', '–']]
    """
    fmt.check_language(language)
    if by not in ("area", "gender", "age_group"):
        raise UsageError(f"by={by!r} is not supported; use 'area', 'gender' or 'age_group'.")
    if by not in (reach_by_frame.index.names or []):
        raise UsageError(f"reach_by_frame is not split by {by!r}; its index levels are "
                         f"{list(reach_by_frame.index.names)}.")
    names_ = _names(names)
    flat = reach_by_frame.reset_index()
    flat["pilot_id"] = flat["pilot_id"].astype(str)
    flat["group"] = [_group_label(v, by, language) for v in flat[by]]
    head = _Col("group", text.label(f"h.{by}", language))
    caption = text.label(f"cap.reach_by.{by}", language)
    if pilot_id is not None:
        one = flat[flat["pilot_id"] == str(pilot_id)]
        if one.empty:
            raise UsageError(f"pilot_id={pilot_id!r} is not in reach_by_frame; the pilots are "
                             f"{sorted(flat['pilot_id'].unique())}.")
        tp = one["target_population"].fillna(0)
        one = one[(one["enrolled"] > 0) | (tp > 0)]
        frame = one[["group", "enrolled", "share", "target_share", "coverage_share"]].reset_index(
            drop=True)
        shown = suppress(frame, counts=["enrolled"],
                         derived={"share": ["enrolled"], "coverage_share": ["enrolled"]},
                         min_cell_size=min_cell_size,
                         formats={"target_share": lambda v: fmt.percent(v, language=language),
                                  "coverage_share": lambda v: fmt.percent(v, 1,
                                                                          language=language)},
                         language=language)
        cols = [head, _Col("enrolled", text.label("h.enrolled", language), True),
                _Col("share", text.label("h.share", language), True),
                _Col("target_share", text.label("h.target_share", language), True),
                _Col("coverage_share", text.label("h.coverage", language), True)]
        notes = [text.label("note.reach_by", language),
                 *_suppression_notes(shown, [c.key for c in cols], language)]
        return _table(f"{caption}: {_name(pilot_id, names_)}", cols, shown, notes=notes)

    shown = suppress(flat[["pilot_id", "group", "enrolled"]], counts=["enrolled"],
                     groups="pilot_id", min_cell_size=min_cell_size, language=language)
    shown["pilot_id"] = flat["pilot_id"].to_numpy()
    wide = shown.pivot(index="group", columns="pilot_id", values="enrolled")
    order = list(dict.fromkeys(flat["group"]))
    pilots = list(dict.fromkeys(flat["pilot_id"]))
    wide = wide.reindex(index=order, columns=pilots)
    anyone = flat.groupby("group", sort=False)["enrolled"].sum().reindex(order) > 0
    wide = wide[anyone.to_numpy()]
    body = wide.reset_index()
    body.columns = ["group", *[f"p{i}" for i in range(len(pilots))]]
    cols = [head, *[_Col(f"p{i}", _name(p, names_), True) for i, p in enumerate(pilots)]]
    notes = [text.label("note.reach_by_wide", language),
             *_suppression_notes(shown, ["enrolled"], language)]
    return _table(caption, cols, body, notes=notes)


def outcome_table(outcome_summary: pd.DataFrame,
                  names: Mapping[str, str] | pd.Series | pd.DataFrame | None = None,
                  min_cell_size: int = 5, language: str = "nb") -> Table:
    """Citizen outcomes per pilot and measure: design, people measured twice, the
    improvement with its 95 % interval, the minimal important difference, the minimum
    detectable effect and attrition.

    The improvement, the detectable effect and attrition are not shown when fewer than
    ``min_cell_size`` people (in either group) are measured twice; attrition not either
    when the number missing is a small count, nor while nobody is measured both before and
    after (early in a pilot nobody is due for a follow-up yet: "100 %" would read as if
    everyone had dropped out). Rows where no participant of the pilot was measured are
    left out. Notes of ``outcome_summary`` become notes under the table; a row nobody is
    measured twice in gets one note saying so, instead of the notes that follow from it.

    Parameters
    ----------
    outcome_summary : DataFrame
        :func:`pilot_eval.metrics.outcomes.outcome_summary`.
    names : mapping, Series or the pilots table, optional
        Pilot names by ``pilot_id`` (default: the ids).
    min_cell_size : int, default 5
        The fewest people a figure may rest on.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    Table

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> table = outcome_table(metrics.outcome_summary(ds), ds.pilots, language="en")
    >>> table.data.columns.tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['Pilot', 'Measure', 'Design, strength of evidence', 'Measured twice', 'Improvement (95%
    CI)', 'Matters from', 'Detectable from', 'Attrition']
    >>> table.data.values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['Leksehjelp Øst', 'Well-being, points', 'DiD, very weak', '12 / 10', '2.6 (1.2–4.1)', '2',
    '2.0', '0%']]
    """
    fmt.check_language(language)
    names_ = _names(names)
    o = outcome_summary.reset_index()
    if "note" in o:
        o = o[~o["note"].astype("string").fillna("").str.contains("no_pilot_data")]
    o = o.reset_index(drop=True)
    label_col = "label_en" if language == "en" else "label_nb"
    labels = o[label_col] if label_col in o else o.get("label", o["measure"])
    labels = labels.astype("string").fillna(o["measure"].astype(str))
    units = [text.unit(u, language) for u in o["unit"].astype(object)]
    did = (o["design"] == "did").to_numpy(bool)
    n_p = o["n_pilot"].to_numpy(float)
    n_c = np.where(did, o["n_comparison"].to_numpy(float), np.inf)
    exploratory = (o["role"].astype("string") == "exploratory").fillna(False).to_numpy(bool) \
        if "role" in o else np.zeros(len(o), dtype=bool)
    mark = f" ({text.label('exploratory', language)})"
    frame = pd.DataFrame({
        "pilot": [_name(p, names_) for p in o["pilot_id"]],
        "measure": [(f"{lab}, {u}" if u else str(lab)) + (mark if x else "")
                    for lab, u, x in zip(labels, units, exploratory, strict=True)],
        # the design and how strong the evidence under the result is, side by side
        "design": [(text.label(f"design.{d}", language) if f"design.{d}" in text.LABELS
                    else str(d)) + ("" if pd.isna(r) else f", {text.evidence_word(r, language)}")
                   for d, r in zip(o["design"], o.get("evidence_rating", pd.Series(
                       pd.NA, index=o.index)), strict=True)],
        "n_pilot": n_p, "n_comparison": o["n_comparison"].to_numpy(float),
        "n_min": np.minimum(n_p, n_c),
        "improvement": o["improvement"].to_numpy(float),
        "mid": o["mid"].to_numpy(float), "mde": o["mde"].to_numpy(float),
        # attrition among the follow-ups that are due (those not yet due are not lost)
        "attrition_share": o["attrition_due_share"].to_numpy(float)
        if "attrition_due_share" in o else o["attrition_share"].to_numpy(float),
        "n_baseline": o["n_baseline"].to_numpy(float),
        "n_missing_followup": o["n_missing_followup"].to_numpy(float),
        "row": np.arange(len(o)),
    })
    lo, hi = o["improvement_ci_low"].to_numpy(float), o["improvement_ci_high"].to_numpy(float)
    improvement_text = {i: f"{fmt.number(v, 1, language=language)} "
                           f"({fmt.interval(lo[i], hi[i], 1, language=language)})"
                        if not pd.isna(v) else fmt.MISSING
                        for i, v in enumerate(frame["improvement"])}
    shown = suppress(
        frame, counts=["n_pilot", "n_comparison", "n_missing_followup"],
        derived={"improvement": ["n_min", "n_pilot", "n_comparison"],
                 "mde": ["n_min", "n_pilot", "n_comparison"],
                 "attrition_share": ["n_baseline", "n_missing_followup"]},
        min_cell_size=min_cell_size, groups="row",  # rows stand alone: no totals
        formats={"improvement": lambda v: v, "mid": lambda v: _plain_number(v, language),
                 "mde": lambda v: fmt.number(v, 1, language=language),
                 "attrition_share": lambda v: fmt.percent(v, language=language)},
        language=language)
    shown["improvement"] = [fmt.MISSING if shown.at[i, "improvement"] == fmt.MISSING
                            else improvement_text[i] for i in range(len(frame))]
    nobody = np.nan_to_num(n_p, nan=0.0) == 0  # nobody measured both before and after
    shown.loc[nobody, "attrition_share"] = fmt.MISSING
    # those rows' "–" is explained by their own note, not by the note on small numbers
    shown.attrs["hidden"].loc[nobody, "attrition_share"] = False
    shown["n"] = [f"{a} / {b}" if d else a for a, b, d in
                  zip(shown["n_pilot"], shown["n_comparison"], did, strict=True)]
    cols = [_Col("pilot", text.label("pilot", language)),
            _Col("measure", text.label("measure", language)),
            _Col("design", text.label("h.design_evidence", language)),
            _Col("n", text.label("h.n", language), True),
            _Col("improvement", text.label("h.improvement", language), True),
            _Col("mid", text.label("h.mid", language), True),
            _Col("mde", text.label("h.mde", language), True),
            _Col("attrition_share", text.label("h.attrition", language), True)]
    notes = [text.label("note.outcome", language)]
    keys = o["note"] if "note" in o else pd.Series(pd.NA, index=o.index)
    said = [(frame.at[i, "pilot"], _lower(labels.iloc[i]), _outcome_row_note(key, nobody[i],
                                                                             language))
            for i, key in keys.items()]
    notes += _row_notes([item for item in said if item[2]], len(o), language)
    notes += _suppression_notes(shown, [*(c.key for c in cols), "n_pilot", "n_comparison"],
                                language)
    return _table(text.label("cap.outcome", language), cols, shown, notes=notes,
                  group_first=True)


def attrition_table(outcome_summary: pd.DataFrame,
                    names: Mapping[str, str] | pd.Series | pd.DataFrame | None = None,
                    min_cell_size: int = 5, language: str = "nb") -> Table:
    """Who is in each outcome result and who is missing: per pilot and measure, the
    participants measured at the start, of them measured again, not yet due for the
    follow-up and missing it, the share of the due follow-ups that are missing, and how much
    worse the missing would have had to get for the change to vanish.

    The marks are those of the one disclosure model (:func:`pilot_eval.privacy.
    table_disclosure_codes` of ``outcomes``): the three groups are parts of those measured
    at the start, so a small one is hidden with a complement, and the share and the tipping
    point are hidden with a hidden count (each would give it back).
    """
    fmt.check_language(language)
    names_ = _names(names)
    keep = outcome_summary["n_baseline"].astype(float) > 0
    codes = table_disclosure_codes("outcomes", outcome_summary, min_cell_size)[keep.to_numpy()]
    o = outcome_summary[keep.to_numpy()].reset_index()
    codes = codes.reset_index(drop=True)
    label_col = "label_en" if language == "en" else "label_nb"
    labels = (o[label_col] if label_col in o else o["measure"]).astype("string").fillna(
        o["measure"].astype(str))
    unit = [text.unit(u, language) for u in o["unit"].astype(object)]

    def cells(col: str, shown: Callable[[int], str]) -> list[str]:
        marks = {PRIMARY: f"<{min_cell_size}", CODE_COMPLEMENTARY: COMPLEMENTARY,
                 CODE_DERIVED: fmt.MISSING}
        return [marks.get(codes.at[i, col], "") or shown(i) for i in range(len(o))]

    def count(col: str) -> list[str]:
        return cells(col, lambda i: fmt.count(o.at[i, col], suppress=False, language=language))

    tip = o["tipping_point_improvement"].to_numpy(float)
    frame = pd.DataFrame({
        "pilot": [_name(p, names_) for p in o["pilot_id"]],
        "measure": labels.astype(str).tolist(),
        **{col: count(col) for col in ("n_baseline", "n_pilot", "n_not_yet_due",
                                       "n_missing_due")},
        "attrition": cells("attrition_due_share", lambda i: fmt.percent(
            o.at[i, "attrition_due_share"], language=language)),
        "tipping": cells("tipping_point_improvement", lambda i: fmt.MISSING
                         if not np.isfinite(tip[i]) else
                         fmt.number(-tip[i], 1, language=language)
                         + ("\u00a0" + unit[i] if unit[i] else "")),
    })
    cols = [_Col("pilot", text.label("pilot", language)),
            _Col("measure", text.label("measure", language)),
            _Col("n_baseline", text.label("h.at_start", language), True),
            _Col("n_pilot", text.label("h.again", language), True),
            _Col("n_not_yet_due", text.label("h.not_yet_due", language), True),
            _Col("n_missing_due", text.label("h.missing_due", language), True),
            _Col("attrition", text.label("h.attrition", language), True),
            _Col("tipping", text.label("h.tipping", language), True)]
    shown_codes = codes.reindex(columns=["n_baseline", "n_pilot", "n_not_yet_due",
                                         "n_missing_due", "attrition_due_share",
                                         "tipping_point_improvement"])
    frame.attrs = {"min_cell_size": int(min_cell_size),
                   "primary": bool(shown_codes.eq(PRIMARY).to_numpy().any()),
                   "complementary": bool(shown_codes.eq(CODE_COMPLEMENTARY).to_numpy().any()),
                   "derived": bool(shown_codes.eq(CODE_DERIVED).to_numpy().any()),
                   "hidden": pd.DataFrame(False, index=frame.index, columns=frame.columns)}
    notes = [text.label("note.attrition", language)]
    notes += _suppression_notes(frame, [c.key for c in cols], language)
    return _table(text.label("cap.attrition", language), cols, frame, notes=notes,
                  group_first=True)


# what "nobody measured both before and after" implies: said once, by that note
_NOBODY_IMPLIES = {"no_followup", "too_few", "too_few_comparison", "comparison_without_followup",
                   "not_estimable"}


def _outcome_row_note(key: Any, nobody: bool, language: str) -> str:
    """The note of one row of the outcome table: its note keys as sentences, or, when nobody
    is measured both before and after, one sentence saying so (and why the change and
    attrition show "–") with only the keys that say something else."""
    keys = [] if pd.isna(key) else [k.strip() for k in str(key).split(";") if k.strip()]
    if not nobody:
        return text.note(keys, "outcome_note", language) if keys else ""
    rest = text.note([k for k in keys if k not in _NOBODY_IMPLIES], "outcome_note", language)
    return " ".join(x for x in (text.label("note.outcome_none_measured", language), rest) if x)


def _lower(label: Any) -> str:
    s = str(label)
    return s[0].lower() + s[1:] if len(s) > 1 and s[0].isupper() and s[1].islower() else s


def _signed_percent(x: float, language: str) -> str:
    s = fmt.percent(x, language=language)
    return s if pd.isna(x) or x <= 0 or s == fmt.MISSING else "+" + s


def its_table(its_summary: pd.DataFrame,
              names: Mapping[str, str] | pd.Series | pd.DataFrame | None = None,
              language: str = "nb") -> Table:
    """Interrupted time series per indicator series: months before and after the pilot
    started, and the change in level as a percentage (rate ratio − 1) with its interval.

    The series are aggregate municipal counts; no person-level figure is shown.

    Parameters
    ----------
    its_summary : DataFrame
        :func:`pilot_eval.metrics.outcomes.its_summary`.
    names : mapping, Series or the pilots table, optional
        Pilot names by ``pilot_id`` (default: the ids).
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    Table

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> table = its_table(metrics.its_summary(ds), ds.pilots, "en")
    >>> table.data.columns.tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['Pilot', 'Series', 'Pilot started', 'Months before / after', 'Change in level', '95% CI',
    'Strength of evidence']
    >>> table.data.values.tolist()
    [['Leksehjelp Øst', 'Meldinger', 'Feb 2025', '49 / 11', '-20%', '-32% to -7%', 'moderate']]
    """
    fmt.check_language(language)
    names_ = _names(names)
    s = its_summary.reset_index()
    rr = s["level_rr"].to_numpy(float) if "level_rr" in s else np.full(len(s), np.nan)
    lo = s["level_rr_ci_low"].to_numpy(float) if "level_rr_ci_low" in s else rr * np.nan
    hi = s["level_rr_ci_high"].to_numpy(float) if "level_rr_ci_high" in s else rr * np.nan
    word = "til" if language == "nb" else "to"
    level, ci = [], []
    for i in range(len(s)):
        if not pd.isna(rr[i]):
            level.append(_signed_percent(rr[i] - 1, language))
            ci.append(f"{_signed_percent(lo[i] - 1, language)} {word} "
                      f"{_signed_percent(hi[i] - 1, language)}")
        else:
            est = s["level_change"].iloc[i]
            level.append(fmt.number(est, 2, language=language))
            ci.append(fmt.interval(s["level_change_ci_low"].iloc[i],
                                   s["level_change_ci_high"].iloc[i], 2, language=language))
    body = pd.DataFrame({
        "pilot": [_name(p, names_) for p in s["pilot_id"]],
        "series": [text.series_label(x, language) for x in s["series"]],
        "change_month": [fmt.month(m, language=language) for m in s["change_month"]],
        "months": [f"{int(a)} / {int(b)}" for a, b in zip(s["n_pre"], s["n_post"],
                                                          strict=True)],
        "level": level, "ci": ci,
        "evidence": [fmt.MISSING if pd.isna(r) else text.evidence_word(r, language)
                     for r in s.get("evidence_rating", pd.Series(pd.NA, index=s.index))],
    })
    cols = [_Col("pilot", text.label("pilot", language)),
            _Col("series", text.label("h.series", language)),
            _Col("change_month", text.label("h.change_month", language)),
            _Col("months", text.label("h.months", language), True),
            _Col("level", text.label("h.level", language), True),
            _Col("ci", text.label("h.ci", language), True),
            _Col("evidence", text.label("h.evidence", language), nowrap=True)]
    notes = [text.label("note.its", language)]
    # why a series' evidence is below moderate: the checks it failed, in words
    for i, row in s.iterrows():
        said = text.evidence_sentence(row, language)
        if said and str(row.get("evidence_rating")) in ("weak", "very_weak"):
            notes.append(f"{body.at[i, 'pilot']}, {_lower(body.at[i, 'series'])}: {said}")
    for i, key in (s["note"].items() if "note" in s else []):
        if not pd.isna(key):
            notes.append(f"{body.at[i, 'pilot']}, {_lower(body.at[i, 'series'])}: "
                         f"{text.note(key, 'its_note', language)}")
    return _table(text.label("cap.its", language), cols, body, notes=notes)


def value_table(value_for_money: pd.DataFrame,
                names: Mapping[str, str] | pd.Series | pd.DataFrame | None = None,
                language: str = "nb", *, min_cell_size: int = 5,
                measures: pd.DataFrame | None = None,
                tax_financing_cost: float = 0.20,
                by_measure: pd.DataFrame | None = None) -> Table:
    """Value for money per pilot and measure: observed and projected value in separate
    columns, their sum (social value, present value), the cost for the ratio and the
    benefit–cost ratio.

    Values rest on the people measured twice: for fewer than ``min_cell_size`` they are
    not shown. Accepts :func:`~pilot_eval.metrics.value.value_for_money` (per measure) or
    :func:`~pilot_eval.metrics.value.value_for_money_by_pilot` (per pilot, measures added
    up; its note warns they may overlap). ``measures`` (``ds.measures``) names each measure
    in ``language``; without it the table's ``label`` is used, which is in the agreement's
    language. ``tax_financing_cost`` (the agreement's) is said in the note.

    The privacy rules are applied here, to whatever table is given
    (:func:`pilot_eval.privacy.publishable_value`: a value resting on a hidden count of
    successes, non-successes or reversals is not shown), so the exact tables of
    :mod:`pilot_eval.metrics` are safe to pass, and a report's already published ones give
    the same table (the rule is idempotent). A per-pilot table sums values over measures:
    which sums rest on a hidden value only the per-measure table tells, so it must come
    with ``by_measure``.

    Parameters
    ----------
    value_for_money : DataFrame
        :func:`~pilot_eval.metrics.value.value_for_money` or
        :func:`~pilot_eval.metrics.value.value_for_money_by_pilot`.
    names : mapping, Series or the pilots table, optional
        Pilot names by ``pilot_id`` (default: the ids).
    language : {"nb", "en"}, default "nb"
    min_cell_size : int, default 5
        The fewest people measured twice a value may rest on.
    measures : DataFrame, optional
        The measures table, to name each measure in ``language``.
    tax_financing_cost : float, default 0.20
        The agreement's, said in the note.
    by_measure : DataFrame, optional
        The exact :func:`~pilot_eval.metrics.value.value_for_money`; required with the
        per-pilot table.

    Returns
    -------
    Table

    Raises
    ------
    UsageError
        A per-pilot table without ``by_measure``.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> table = value_table(metrics.value_for_money(ds), ds.pilots, "en", measures=ds.measures)
    >>> table.data.columns[-3:].tolist()
    ['Social value, present value (NOK 1,000)', 'Cost to society (NOK 1,000)', 'Benefit–cost ratio']
    >>> table.data.values.tolist()
    [['Leksehjelp Øst', 'Well-being', '12', '38', '128', '166 (56–276)', '294', '0.56 (0.19–0.94)']]
    """
    fmt.check_language(language)
    names_ = _names(names)
    v = publishable_value(value_for_money, min_cell_size, by_measure=by_measure).reset_index()
    per_measure = "measure" in v.columns
    if per_measure:
        lab = v["label"].astype("string").fillna(v["measure"].astype(str)) if "label" in v \
            else v["measure"].astype(str)
        col = "label_en" if language == "en" else "label_nb"
        if measures is not None and col in measures:
            m = measures.drop_duplicates("measure").set_index(
                measures.drop_duplicates("measure")["measure"].astype(str))[col]
            found = v["measure"].astype(str).map(m).astype("string")
            lab = found.fillna(lab)
        measure = lab.astype(str).tolist()
        n = v["n_measured"].to_numpy(float)
    else:
        measure = [text.label("all_measures", language)] * len(v)
        n = np.full(len(v), np.nan)
    frame = pd.DataFrame({
        "pilot": [_name(p, names_) for p in v["pilot_id"]],
        "measure": measure, "n_measured": n,
        "observed_value_nok": v["observed_value_nok"].to_numpy(float),
        "projected_value_nok": v["projected_value_nok"].to_numpy(float),
        "social_value_pv_nok": v["social_value_pv_nok"].to_numpy(float),
        "cost_for_ratio_nok": v["cost_for_ratio_nok"].to_numpy(float),
        "benefit_cost_ratio": v["benefit_cost_ratio"].to_numpy(float),
        "row": np.arange(len(v)),
    })
    knok = _knok(language)
    valued = ["observed_value_nok", "projected_value_nok", "social_value_pv_nok",
              "benefit_cost_ratio"]
    shown = suppress(
        frame, counts=["n_measured"] if per_measure else [],
        derived={c: ["n_measured"] for c in valued} if per_measure else None,
        min_cell_size=min_cell_size, groups="row",  # rows stand alone: no totals
        formats={"observed_value_nok": knok, "projected_value_nok": knok,
                 "social_value_pv_nok": knok, "cost_for_ratio_nok": knok,
                 "benefit_cost_ratio": lambda x: fmt.number(x, 2, language=language),
                 "n_measured": (lambda x: fmt.count(x, suppress=False, language=language))
                 if per_measure else (lambda x: fmt.MISSING)},
        language=language)
    # the outcome's 95 % interval carried through: the range beside the point
    for col, low, high, form in (
            ("social_value_pv_nok", "social_value_pv_low_nok", "social_value_pv_high_nok",
             knok), ("benefit_cost_ratio", "benefit_cost_ratio_low", "benefit_cost_ratio_high",
                     lambda x: fmt.number(x, 2, language=language))):
        if low not in v or high not in v:
            continue
        lo_, hi_ = v[low].to_numpy(float), v[high].to_numpy(float)
        shown[col] = [cell if cell in (fmt.MISSING,) or not np.isfinite(lo_[i] + hi_[i])
                      or shown.attrs["hidden"].at[i, col]
                      else f"{cell} ({_range(lo_[i], hi_[i], form, language)})"
                      for i, cell in enumerate(shown[col])]
    cols = [_Col("pilot", text.label("pilot", language)),
            _Col("measure", text.label("measure", language)),
            *([_Col("n_measured", text.label("h.n_measured", language), True)]
              if per_measure else []),
            _Col("observed_value_nok", _h("h.observed", language, "unit.knok"), True),
            _Col("projected_value_nok", _h("h.projected", language, "unit.knok"), True),
            _Col("social_value_pv_nok", _h("h.social_value", language, "unit.knok"), True),
            _Col("cost_for_ratio_nok", _h("h.cost_for_ratio", language, "unit.knok"), True),
            _Col("benefit_cost_ratio", text.label("h.bcr", language), True)]
    notes = [text.label("note.value", language,
                        per_krone=text.per_krone(tax_financing_cost, language))]

    def why(i: int, key: str) -> str:
        keys = [k.strip() for k in str(key).split(";") if k.strip()]
        if "outcome_not_estimated" in keys:
            if per_measure and n[i] == 0:  # early in a pilot: say it plainly
                return text.label("note.value_none_measured", language)
            # "could not be computed" and "very uncertain" together contradict each other
            keys = [k for k in keys if k != "few_measured"]
        return text.note(keys, "value_note", language)

    if "note" in v:
        notes += _row_notes([(frame.at[i, "pilot"],
                              _lower(measure[i]) if per_measure else None, why(i, key))
                             for i, key in v["note"].items() if not pd.isna(key)],
                            len(v), language)
    notes += _suppression_notes(shown, [c.key for c in cols], language)
    return _table(text.label("cap.value", language), cols, shown, notes=notes,
                  group_first=per_measure, css="pe-value")


def _range(lo: float, hi: float, form: Formatter, language: str) -> str:
    """"544–1 390", or with words when a bound is negative (a dash would read as a minus),
    as :func:`pilot_eval.present.fmt.interval` does for plain numbers."""
    if lo < 0 or hi < 0:
        return f"{form(lo)} {'til' if language == 'nb' else 'to'} {form(hi)}"
    return f"{form(lo)}\u2013{form(hi)}"


def rules_table(rules_in_force: pd.DataFrame, language: str = "nb", *,
                caption: str | None = None, min_cell_size: int = 5,
                explain: bool = True) -> Table:
    """The scorecard rules in force (:func:`pilot_eval.metrics.scorecard.rules_in_force`):
    what each rule says, its value, the default, and whether the agreement changed it.

    Each rule is said in the report's words (:func:`text.rule_text`: good / uncertain /
    weak, not the colours). The notes under the table say in plain words how the outcome
    status and the recommendation are decided with these thresholds
    (:func:`text.rule_notes`; ``min_cell_size`` is the agreement's, which can raise the
    number of people needed); ``explain=False`` leaves them out, for a report that prints
    them as running text. ``caption`` replaces the default caption (a report whose heading
    already says "Regler for statusoversikten" should not repeat it word for word).

    Parameters
    ----------
    rules_in_force : DataFrame
        :func:`pilot_eval.metrics.scorecard.rules_in_force`.
    language : {"nb", "en"}, default "nb"
    caption : str, optional
        Replaces the default caption.
    min_cell_size : int, default 5
        The agreement's, for the notes.
    explain : bool, default True
        Add the notes that say how status and recommendation are decided.

    Returns
    -------
    Table

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> rules = metrics.rules_in_force(pe.load_dataset("tests/data/minimal"))
    >>> table = rules_table(rules, "en")
    >>> table.caption
    'Scorecard rules in force'
    >>> table.data.iloc[0].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['Reach good when participants / (reach target × share of period elapsed) is at least',
    '0.9', '0.9', 'no']
    """
    fmt.check_language(language)
    r = rules_in_force
    desc_col = "description_en" if language == "en" else "description_nb"
    desc = r[desc_col].astype("string") if desc_col in r else pd.Series(pd.NA, index=r.index)
    body = pd.DataFrame({
        "rule": [text.rule_text(str(k), language, None if pd.isna(d) else str(d))
                 for k, d in zip(r.index, desc, strict=True)],
        "value": [_plain_number(x, language) for x in r["value"]],
        "default": [_plain_number(x, language) for x in r["default"]],
        "overridden": [text.label("yes" if bool(x) else "no", language)
                       for x in r["overridden"].fillna(False)],
    })
    cols = [_Col("rule", text.label("h.rule", language), prose=True),
            _Col("value", text.label("h.value", language), True),
            _Col("default", text.label("h.default", language), True),
            _Col("overridden", text.label("h.overridden", language))]
    notes = text.rule_notes(pd.to_numeric(r["value"], errors="coerce").dropna().to_dict(),
                            language, min_cell_size=min_cell_size) if explain else []
    return _table(caption or text.label("cap.rules", language), cols, body, notes=notes)


# pseudonyms (pilot_eval.privacy.pseudonymise: "p-" + hex) and 11-digit numbers that could
# be identity numbers: masked wherever they turn up in a message
_ID_LIKE = re.compile(r"\bp-[0-9a-f]{8,64}\b|\b\d{6}\s?\d{5}\b", re.IGNORECASE)


def quality_table(warnings: pd.DataFrame, language: str = "nb", *, max_rows: int = 60,
                  names: Mapping[str, str] | pd.Series | pd.DataFrame | None = None) -> Table:
    """The data's warnings (``Dataset.warnings``): the pilot a warning is about (so a
    politician sees whose data it concerns), and file, row, column and message (so an
    analyst finds the cell).

    No participant id is shown: the value column is left out, and in the messages the
    value of a participant-id cell, pseudonyms (``p-`` and hex digits) and 11-digit
    numbers are replaced by "[skjult]".

    Parameters
    ----------
    warnings : DataFrame
        A problems table (columns ``file, row, column, value, message_nb, message_en``,
        and ``pilot_id`` when the warning concerns one pilot; empty when none does).
    language : {"nb", "en"}, default "nb"
    max_rows : int, default 60
        Longer lists are cut, with a note saying how many rows there are.
    names : mapping, Series or the pilots table, optional
        pilot_id → the pilot's name (the id itself is shown without one).

    Examples
    --------
    >>> warnings = pd.DataFrame({
    ...     "file": ["sessions.csv"], "row": [7], "column": ["hours"], "value": ["14"],
    ...     "severity": ["warning"], "rule": ["range.hours"],
    ...     "message_nb": ["Uvanlig mange timer."], "message_en": ["Unusually many hours."],
    ...     "pilot_id": ["lekse"]})
    >>> table = quality_table(warnings, "en", names={"lekse": "Leksehjelp Øst"})
    >>> table.caption
    'Data quality: warnings'
    >>> table.data.values.tolist()
    [['Leksehjelp Øst', 'sessions.csv', '7', 'hours', 'Unusually many hours.']]
    """
    fmt.check_language(language)
    w = warnings.reset_index(drop=True) if warnings is not None else pd.DataFrame()
    msg_col = "message_en" if language == "en" else "message_nb"
    hidden = text.label("hidden", language)
    rows = w.head(max_rows)
    messages = []
    for i in range(len(rows)):
        msg = str(rows[msg_col].iloc[i]) if msg_col in rows and \
            not pd.isna(rows[msg_col].iloc[i]) else ""
        column = str(rows["column"].iloc[i]) if "column" in rows else ""
        value = rows["value"].iloc[i] if "value" in rows else None
        if "participant" in column.lower() and value is not None and not pd.isna(value) \
                and str(value):
            msg = msg.replace(str(value), hidden)
        messages.append(_ID_LIKE.sub(hidden, msg))
    names_ = _names(names)
    who = rows["pilot_id"] if "pilot_id" in rows else pd.Series(pd.NA, index=rows.index)
    body = pd.DataFrame({
        "pilot": ["" if pd.isna(p) or not str(p) else _name(p, names_) for p in who],
        "file": [str(x) if not pd.isna(x) else "" for x in rows.get("file", [])],
        "row": [fmt.number(x, 0, language=language) if not pd.isna(x) else ""
                for x in rows.get("row", [])],
        "column": [str(x) if not pd.isna(x) else "" for x in rows.get("column", [])],
        "message": messages,
    })
    cols = [_Col("pilot", text.label("pilot", language)),
            _Col("file", text.label("h.file", language)),
            _Col("row", text.label("h.row", language), True),
            _Col("column", text.label("h.column", language)),
            _Col("message", text.label("h.message", language), prose=True)]
    notes = []
    if len(w) > max_rows:
        notes.append(text._t("table.more_rows", language, shown=max_rows, total=len(w)))
    return _table(text.label("cap.quality", language), cols, body, notes=notes)


def glossary_table(language: str = "nb", *, caption: str | None = None) -> Table:
    """The report's glossary: each term with one plain sentence (:func:`text.glossary`).
    ``caption`` replaces the default caption ("Ordliste"), as for :func:`rules_table`.

    Parameters
    ----------
    language : {"nb", "en"}, default "nb"
    caption : str, optional
        Replaces the default caption.

    Returns
    -------
    Table

    Examples
    --------
    >>> table = glossary_table("en")
    >>> table.caption, table.data.columns.tolist()
    ('Glossary', ['Term', 'Explanation'])
    >>> table.data.iloc[0].tolist()
    ['Estimate', 'Our best calculation of how much the pilot changed the outcome.']
    """
    pairs = text.glossary(language)
    body = pd.DataFrame({"term": [t for t, _ in pairs], "explanation": [e for _, e in pairs]})
    cols = [_Col("term", text.label("h.term", language)),
            _Col("explanation", text.label("h.explanation", language), prose=True)]
    return _table(caption or text.label("cap.glossary", language), cols, body,
                  css="pe-glossary")


def _signed_count(row: Mapping[str, Any], min_cell_size: int, language: str) -> str:
    """A difference of counts of people as the changes table shows it: "+24", "−6", "0",
    "+<5" (1 to k − 1 more), ":" (a count hidden in either report)."""
    if row["shown"] == "hidden":
        return COMPLEMENTARY
    if row["shown"] == "small":
        return ("+" if row["sign"] > 0 else "\u2212") + f"<{min_cell_size}"
    change = float(row["change"])
    said = fmt.count(abs(change), suppress=False, language=language)
    return ("+" if change > 0 else "\u2212" if change < 0 else "") + said


def changes_table(changes: Any, names: Mapping[str, str] | pd.Series | pd.DataFrame | None = None,
                  language: str = "nb", *, min_cell_size: int,
                  measure_labels: Mapping[str, str] | None = None) -> Table:
    """What changed per pilot since the last report: participants and fund money now and
    the difference, and the ratings and results that changed.

    Parameters
    ----------
    changes : pilot_eval.present.changes.Changes
        Of kind ``compared`` (:func:`pilot_eval.present.changes.compare`).
    names : mapping, Series or the pilots table, optional
    language : {"nb", "en"}, default "nb"
    min_cell_size : int
        A difference of participants below it reads "+<5" (docs/privacy.md).
    measure_labels : mapping, optional
        Measure key → its label in ``language``.

    Notes
    -----
    Participants now read "<5" or ":" as in the reach table; their difference reads ":"
    when either report hid a count, "+<5" / "−<5" when it is 1 to *k* − 1. The money is
    the fund's money spent, in millions as in the money table. A pilot new to the report
    reads "ny" in both difference columns.

    Examples
    --------
    Two more participants is a small count: the table says only "+<5":

    >>> from pilot_eval.present.changes import Snapshot, compare
    >>> ids = pd.Index(["lekse", "jobb"], name="pilot_id")
    >>> pilots = pd.DataFrame({"enrolled": [40.0, 20.0], "enrolled_code": ["", ""],
    ...     "fund_cost_nok": [150000.0, 90000.0], "reach_status": ["yellow", "green"],
    ...     "cost_status": ["green", "green"], "outcome_status": ["grey", "grey"],
    ...     "recommendation": ["continue", "continue"]}, index=ids)
    >>> before = Snapshot(pd.Timestamp("2025-09-30"), pilots, None)
    >>> after = Snapshot(pd.Timestamp("2025-12-31"), pilots.assign(enrolled=[52.0, 22.0],
    ...     fund_cost_nok=[310000.0, 120000.0], reach_status=["green", "green"]), None)
    >>> table = changes_table(compare(before, after, min_cell_size=5),
    ...                       {"lekse": "Leksehjelp Øst", "jobb": "Jobbtrening"}, "en",
    ...                       min_cell_size=5)
    >>> table.data.columns[1:5].tolist()
    ['Participants', 'Change', 'Fund money spent (NOK m)', 'Change (NOK m)']
    >>> table.data.values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['Leksehjelp Øst', '52', '+12', '0.31', '+0.16', 'Reach: uncertain → good'],
    ['Jobbtrening', '22', '+<5', '0.12', '+0.03', '–']]
    """
    from .changes import rated_changes

    fmt.check_language(language)
    names_ = _names(names)
    frame = changes.frame
    enrolled = frame[frame["topic"] == "enrolled"].set_index("pilot_id")
    money = frame[frame["topic"] == "fund_cost_nok"].set_index("pilot_id")
    new = set(frame.loc[frame["topic"] == "pilot_new", "pilot_id"])
    mnok = _mnok(language)
    new_word = text.label("changes.new", language)
    body = []
    for pid, row in enrolled.iterrows():  # one row per pilot of the report
        after = row["after"]
        rated = rated_changes(changes, str(pid), language, measure_labels)
        change = money.loc[pid, "change"]
        body.append({
            "pilot": _name(pid, names_),
            "enrolled": after if isinstance(after, str) else fmt.count(
                after, suppress=False, language=language),
            "enrolled_change": new_word if pid in new else
            _signed_count(row, min_cell_size, language),
            "fund": mnok(money.loc[pid, "after"]),
            "fund_change": new_word if pid in new else
            ("+" if round(change / 1e6, 2) > 0 else "") + mnok(change),
            "rated": "<br>".join(_html.escape(s) for s in rated) or fmt.MISSING,
        })
    shown = pd.DataFrame(body, columns=["pilot", "enrolled", "enrolled_change", "fund",
                                        "fund_change", "rated"])
    # every column a width, so that print keeps them (the last one holds sentences)
    cols = [_Col("pilot", text.label("pilot", language), width="19%"),
            _Col("enrolled", text.label("h.enrolled", language), True, width="10%"),
            _Col("enrolled_change", text.label("h.change", language), True, width="9%"),
            _Col("fund", _h("h.fund_cost", language, "unit.mnok"), True, width="11%"),
            _Col("fund_change", f"{text.label('h.change', language)} "
                 f"({text.label('unit.mnok', language)})", True, width="10%"),
            _Col("rated", text.label("h.what_changed", language), html=True, prose=True,
                 width="41%")]
    old = ~enrolled.index.isin(list(new))
    notes = []
    if f"<{min_cell_size}" in set(shown["enrolled"]):
        notes.append(text.message("table.small_cells", language, n=min_cell_size))
    if (enrolled["shown"].eq("small") & old).any():
        notes.append(text.message("changes.note_small", language, k=min_cell_size,
                                  k1=min_cell_size - 1))
    if (enrolled["shown"].eq("hidden") & old).any():
        notes.append(text.message("changes.note_hidden", language))
    if new:
        notes.append(text.message("changes.note_new", language))
    caption = text.label("cap.changes", language,
                         date=fmt.date(changes.previous_as_of, language=language))
    return _table(caption, cols, shown, notes=notes)
