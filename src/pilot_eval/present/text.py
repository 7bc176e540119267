r"""Every word a report prints, in Norwegian bokmål (default) and English.

One function per message: a notebook asks for a sentence in a language and never keeps a
copy of its own. The texts live in gettext catalogs, one per language
(``pilot_eval/locale/<lang>/LC_MESSAGES/pilot_eval.po``, compiled to the ``.mo`` beside it
and read with the standard library's :mod:`gettext`), each key with a bokmål and an English
text, so a missing translation is a failing test rather than a gap in a report. Sentences
said of a number of things are plural entries with each language's plural rule
(:func:`plural`). :data:`MESSAGES` and :data:`LABELS` (table headers and captions) show
the catalogs as read-only mappings. How to change a text or add a language:
``docs/translating.md``.

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
* :func:`message`, :func:`plural` -- any sentence of the catalogs by key;
  :func:`plural_label` -- a label said of a number of things.
"""

from __future__ import annotations

import functools
import gettext
import math
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from ..errors import UsageError, count_problems
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
    "plural_label",
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

# The texts live in gettext catalogs beside the package, one per language, as Django keeps
# them: locale/<lang>/LC_MESSAGES/pilot_eval.po (edited by people) and the .mo compiled
# from it (read here by the standard library; `python tools/messages.py` compiles). A msgid
# is the key the code asks for ("changes.rated"); table labels have the context "label",
# chart sources "source", indicator series names "series", the glossary "glossary", the
# method notes "method".
# See docs/translating.md.
_LOCALE_DIR: Final[Path] = Path(__file__).resolve().parent.parent / "locale"
_DOMAIN: Final[str] = "pilot_eval"
_LABEL_CONTEXT: Final[str] = "label"
_SOURCE_CONTEXT: Final[str] = "source"
_SERIES_CONTEXT: Final[str] = "series"
_GLOSSARY_CONTEXT: Final[str] = "glossary"
_METHOD_CONTEXT: Final[str] = "method"
_LANGUAGES: Final[tuple[str, ...]] = (_NB, _EN)
#: A plural message's forms by index, for the ``key.one``/``key.other`` views of
#: :data:`MESSAGES`; both bokmål and English have two (``nplurals=2``), singular first.
_PLURAL_FORMS: Final[tuple[str, ...]] = ("one", "other")


class _Missing(gettext.NullTranslations):
    """The fallback of every catalog: a key no catalog has is a bug in the caller, not a
    text to print (gettext's default would print the key)."""

    def gettext(self, message: str) -> str:
        raise KeyError(f"no text {message!r} in the catalogs")

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        raise KeyError(f"no plural text {msgid1!r} in the catalogs")

    def pgettext(self, context: str, message: str) -> str:
        raise KeyError(f"no text {message!r} (context {context!r}) in the catalogs")


@functools.cache
def _catalog(language: str) -> gettext.GNUTranslations:
    """The compiled catalog of ``language``, read with the standard library (no Babel at
    run time). A missing file is an installation error, not a report in another language.
    """
    with open(_LOCALE_DIR / language / "LC_MESSAGES" / f"{_DOMAIN}.mo", "rb") as f:
        catalog = gettext.GNUTranslations(f)
    catalog.add_fallback(_Missing())
    return catalog


@functools.cache
def _read_catalogs() -> tuple[dict[str | None, Mapping[str, Mapping[str, str]]],
                               dict[str | None, frozenset[str]]]:
    """Every text of the catalogs as ``{context: {key: {language: text}}}`` (context
    ``None``: the sentences of :data:`MESSAGES`), read on first use: importing the module
    reads no file. Also the keys of the plural entries, by context.

    A plural entry ``k`` appears as ``k.one`` and ``k.other`` (its forms) for callers
    that read :data:`MESSAGES` or :data:`LABELS` directly.
    """
    found: dict[str | None, dict[str, dict[str, str]]] = {}
    plurals: dict[str | None, set[str]] = {}
    for language in _LANGUAGES:
        # GNUTranslations keeps its entries in _catalog; Django reads (and merges) it too
        for msgid, text in _catalog(language)._catalog.items():  # type: ignore[attr-defined]
            form: int | None = None
            if isinstance(msgid, tuple):  # (key, form) of a plural entry
                msgid, form = msgid
            elif not msgid:  # the catalog's header
                continue
            context, _, key = msgid.rpartition("\x04")  # "context\x04key" or "key"
            context = context or None
            if form is not None:
                plurals.setdefault(context, set()).add(key)
                key = f"{key}.{_PLURAL_FORMS[form]}"
            found.setdefault(context, {}).setdefault(key, {})[language] = text
    views = {context: MappingProxyType({key: MappingProxyType(texts)
                                        for key, texts in entries.items()})
             for context, entries in found.items()}
    return views, {context: frozenset(keys) for context, keys in plurals.items()}


def _texts(context: str | None = None) -> Mapping[str, Mapping[str, str]]:
    """The catalogs' texts of ``context`` (``None``: sentences), read-only."""
    return _read_catalogs()[0].get(context, MappingProxyType({}))


def _messages() -> Mapping[str, Mapping[str, str]]:
    return _texts()


def _labels() -> Mapping[str, Mapping[str, str]]:
    return _texts(_LABEL_CONTEXT)


def _plurals() -> frozenset[str]:
    return _read_catalogs()[1].get(None, frozenset())


def _plural_labels() -> frozenset[str]:
    return _read_catalogs()[1].get(_LABEL_CONTEXT, frozenset())


def _sources() -> Mapping[str, Mapping[str, str]]:
    return _texts(_SOURCE_CONTEXT)


@functools.cache
def _series_labels() -> Mapping[str, tuple[str, str]]:
    return MappingProxyType({key: (texts[_NB], texts[_EN])
                             for key, texts in _texts(_SERIES_CONTEXT).items()})


#: Sentences, by key: ``{"nb": ..., "en": ...}`` with ``str.format`` fields, read-only and
#: built from the catalogs on first use. Keys of the form ``"<kind>.<key>"`` explain the
#: metric modules' reason and note keys. A plural message (``changes.rated``; ask for it
#: with :func:`plural`) shows its forms as ``changes.rated.one`` and ``changes.rated.other``.
MESSAGES: Final[Mapping[str, Mapping[str, str]]]

#: Short labels: table headers, captions, headings, words in cells (read-only, from the
#: catalogs' context ``label``, built on first use).
LABELS: Final[Mapping[str, Mapping[str, str]]]


#: Where a chart's figures come from (the "Kilde:" of its caption), by kind of chart:
#: ``money`` (cost lines), ``participants`` (enrolment, activity, attendance, completion,
#: breakdowns), ``population`` (participants divided by the population: coverage, a
#: breakdown beside the target population), ``outcomes`` (measurements), ``indicators``
#: (the municipality's series, interrupted time series) and ``value`` (value for money:
#: costs, measurements and the valuation table's sources). Fields: ``{date}`` (the as-of
#: date) and, for ``value``, ``{valuation}``. Only the population charts cite Statistics
#: Norway. Read-only, from the catalogs' context ``source``, built on first use.
SOURCES: Final[Mapping[str, Mapping[str, str]]]

#: Names of common Norwegian municipal indicator series (``indicators.series``), in bokmål
#: and English. The data model has no label columns for series; a key not listed here is
#: printed as written, with "_" as a space and a capital first letter. Read-only, from
#: the catalogs' context ``series``, built on first use.
SERIES_LABELS: Final[Mapping[str, tuple[str, str]]]

_LAZY: Final[dict[str, Any]] = {"MESSAGES": _messages, "LABELS": _labels,
                                 "SOURCES": _sources, "SERIES_LABELS": _series_labels}


def __getattr__(name: str) -> Any:
    # the catalogues are built when first asked for (PEP 562)
    if name in _LAZY:
        return _LAZY[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


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
    if kind not in _sources() or kind == "valuation_table":
        kinds = ", ".join(k for k in _sources() if k != "valuation_table")
        raise UsageError(f"kind={kind!r} is not a kind of source; use one of: {kinds}.")
    found = [str(v).strip().rstrip(".") for v in valuation
             if v is not None and not _missing(v) and str(v).strip()]
    catalog = _catalog(language)
    named = "; ".join(dict.fromkeys(found)) or catalog.pgettext(_SOURCE_CONTEXT,
                                                                 "valuation_table")
    return catalog.pgettext(_SOURCE_CONTEXT, kind).format(
        date=fmt.date(date, language=language), valuation=named)


def _series_key(series: str) -> str:
    key = re.sub(r"[\s-]+", "_", str(series).strip().lower())
    return key.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


def series_label(series: Any, language: str = "nb") -> str:
    """An indicator series key as words in ``language``.

    Known Norwegian administrative series (:data:`SERIES_LABELS`; "skolefravær" and
    "skolefravaer" alike) get their name in bokmål or English; any other key is printed
    as written, "_" as a space, with a capital first letter.

    Parameters
    ----------
    series : str
        A value of ``indicators.series``.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str

    Examples
    --------
    >>> series_label("barnevernsmeldinger", "en")
    'Reports of concern to child welfare services'
    >>> series_label("legevakt_besok", "en")
    'Legevakt besok'
    """
    i = 0 if _lang(language) == _NB else 1
    found = _series_labels().get(_series_key(series))
    if found:
        return found[i]
    words = str(series).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _fill(template: str, fields: Mapping[str, Any]) -> str:
    """``template`` with its fields filled in.

    A unit is tied to its number with a non-breaking space ("3 poeng" never breaks across
    lines), and left out with its space when the measure has none.
    """
    if "unit" in fields:
        template = template.replace(" {unit}", _NBSP + "{unit}" if fields["unit"] else "")
    return template.format(**fields)


def _t(key: str, language: str, /, **fields: Any) -> str:
    """The message ``key`` in ``language`` (gettext) with its fields filled in."""
    return _fill(_catalog(_lang(language)).gettext(key), fields)


def _nt(key: str, n: int, language: str, /, **fields: Any) -> str:
    """The form of plural message ``key`` for ``n`` things (ngettext), fields filled in;
    ``n`` is given to the sentence as the field ``n``, formatted as a count."""
    # gettext's plural rule wants an int (a numpy count would warn)
    template = _catalog(_lang(language)).ngettext(key, key, int(n))
    return _fill(template, {"n": fmt.count(n, suppress=False, language=language), **fields})


def message(key: str, language: str = "nb", /, **fields: Any) -> str:
    """The sentence ``key`` of :data:`MESSAGES` in ``language``, its fields filled in.

    Parameters
    ----------
    key : str
        A key of :data:`MESSAGES`, for example ``"changes.heading"``.
    language : {"nb", "en"}, default "nb"
    **fields
        Values for the sentence's ``str.format`` fields.

    Returns
    -------
    str

    Raises
    ------
    UsageError
        When ``key`` is not in :data:`MESSAGES`, or is a plural message (use
        :func:`plural`).

    Examples
    --------
    >>> message("changes.heading", "en")
    'Changes since the last report'
    """
    if key in _plurals():
        raise UsageError(f"{key!r} is said of a number of things: use "
                         f"pilot_eval.present.text.plural({key!r}, n, ...).")
    if key not in _messages():
        raise UsageError(f"Unknown message {key!r}; see pilot_eval.present.text.MESSAGES.")
    if key.rpartition(".")[0] in _plurals():  # a form of a plural message, for old callers
        return _fill(_messages()[key][_lang(language)], fields)
    return _t(key, language, **fields)


def plural(key: str, n: int, language: str = "nb", /, **fields: Any) -> str:
    """The plural message ``key`` in the form for ``n`` things (gettext's ``ngettext``).

    The catalog of each language carries its own plural rule (``Plural-Forms``): bokmål and
    English use the singular for exactly one and the plural otherwise. ``n`` is given to
    the sentence as the field ``n``, formatted as a count.

    Parameters
    ----------
    key : str
        A plural message of :data:`MESSAGES` (without ``.one`` / ``.other``).
    n : int
        How many things the sentence is about.
    language : {"nb", "en"}, default "nb"
    **fields
        Values for the sentence's other ``str.format`` fields.

    Returns
    -------
    str

    Raises
    ------
    UsageError
        When ``key`` is not a plural message.

    Examples
    --------
    >>> plural("changes.rated", 1)
    '1 pilot har fått en annen vurdering.'
    >>> plural("changes.rated", 2, "en")
    '2 pilots have been rated differently.'
    """
    if key not in _plurals():
        raise UsageError(f"{key!r} is not a plural message; plural messages: "
                         f"{', '.join(sorted(_plurals()))}.")
    return _nt(key, n, language, **fields)


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

    Examples
    --------
    >>> label("cap.changes", "en", date="1 May 2026")
    'Changes by pilot since 1 May 2026'

    A label said of a number of things (``cap.money``) is asked for with
    :func:`plural_label`; here its key gives the form for several, and ``<key>.one`` the
    form for one, as for callers from before it was a plural entry.
    """
    if key in _plural_labels():
        key = f"{key}.other"
    if key not in _labels():
        raise UsageError(f"Unknown label {key!r}; see pilot_eval.present.text.LABELS.")
    text = _labels()[key][_lang(language)]
    return text.format(**fields) if fields else text


def plural_label(key: str, n: int, language: str = "nb", /, **fields: Any) -> str:
    """The label ``key`` in the form for ``n`` things (gettext's ``npgettext``).

    A table's caption, say, is "Økonomi per pilot" above several pilots and "Økonomi i
    tall" above one. ``n`` is given to the label as the field ``n``, formatted as a count.

    Parameters
    ----------
    key : str
        A plural label of :data:`LABELS` (without ``.one`` / ``.other``).
    n : int
        How many things the label is about.
    language : {"nb", "en"}, default "nb"
    **fields
        Values for the label's other ``str.format`` fields.

    Returns
    -------
    str

    Raises
    ------
    UsageError
        When ``key`` is not a plural label.

    Examples
    --------
    >>> plural_label("cap.money", 1)
    'Økonomi i tall'
    >>> plural_label("cap.money", 4, "en")
    'Money by pilot'
    """
    if key not in _plural_labels():
        raise UsageError(f"{key!r} is not a plural label; plural labels: "
                         f"{', '.join(sorted(_plural_labels()))}.")
    # gettext's plural rule wants an int (a numpy count would warn)
    template = _catalog(_lang(language)).npgettext(_LABEL_CONTEXT, key, key, int(n))
    return _fill(template, {"n": fmt.count(n, suppress=False, language=language), **fields})


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

    Examples
    --------
    >>> status_word("yellow"), status_word("yellow", "en")
    ('usikker', 'uncertain')
    >>> status_word(None, "en")
    'too little data'
    """
    i = 0 if _lang(language) == _NB else 1
    if _missing(status):
        return STATUS_WORDS["grey"][i]
    words = STATUS_WORDS.get(str(status))
    return words[i] if words else _messages()["status.unknown"][language]


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

    Returns
    -------
    str

    Examples
    --------
    >>> recommendation_word("scale"), recommendation_word("scale", "en", capital=True)
    ('skalere', 'Scale')
    >>> recommendation_word(None)
    'for tidlig å si'
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

    Parameters
    ----------
    n : float or None
        The count; missing gives :data:`~pilot_eval.present.fmt.MISSING`.
    min_cell_size : int, default 5
        Counts from 1 up to one less than this are hidden.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str

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

    Parameters
    ----------
    n : float or None
        The count; missing gives :data:`~pilot_eval.present.fmt.MISSING`.
    min_cell_size : int, default 5
        Counts from 1 up to one less than this are hidden.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str

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
                                      "far_overspending_early": 1, "underspending": -1}


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
    half-year"); units are written in Norwegian in the measures table.

    Parameters
    ----------
    text : str or None
        The ``unit`` of a row of the measures table; missing gives ``""``.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str
        In English, the unit word by word when every word is known; else as written.

    Examples
    --------
    >>> unit("dager per halvår", "en")
    'days per half-year'
    >>> unit("PHQ-9 skår", "en")
    'PHQ-9 skår'
    """
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

    Parameters
    ----------
    scorecard : pandas.DataFrame
        :func:`~pilot_eval.metrics.scorecard.scorecard` (or some of its rows).
    measures : pandas.DataFrame or None
        The measures table (``ds.measures``); ``None`` puts only the units in ``language``.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    pandas.DataFrame
        A copy of ``scorecard``.

    Examples
    --------
    >>> import pandas as pd
    >>> card = pd.DataFrame({"outcome_measure": ["trivsel"], "outcome_label": ["Trivsel"],
    ...                      "outcome_unit": ["poeng"]}, index=["lekse"])
    >>> measures = pd.DataFrame({"measure": ["trivsel"], "label_nb": ["Trivsel"],
    ...                          "label_en": ["Well-being"]})
    >>> localise(card, measures, "en")
          outcome_measure outcome_label outcome_unit
    lekse         trivsel    Well-being       points
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

    Examples
    --------
    >>> print(note("not_started", "reach_reason", "en"))
    The pilot has not started yet.
    >>> print(note("no_such_key", "cost_reason", "en"))
    There is a note on this figure that has no text yet (code 'no_such_key').
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
        msg = _messages().get(f"{kind}.{key}")
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

    Parameters
    ----------
    row : mapping or pandas.Series
        ``reach_reason``, ``enrolled`` and ``reach_ratio`` of a scorecard row.
    language : {"nb", "en"}, default "nb"
    min_cell_size : int, default 5
        Fewer people enrolled than this are not counted out.

    Returns
    -------
    str

    Examples
    --------
    >>> row = {"reach_reason": "behind", "enrolled": 266, "reach_ratio": 0.72}
    >>> print(reach_sentence(row, "en").replace("\\xa0", " "))
    The pilot has 266 participants, only 72% of the number expected by now.
    >>> print(reach_sentence({**row, "enrolled": 3}, "en"))
    The pilot has fewer than 5 participants, somewhat fewer than expected by now.
    """
    _lang(language)
    reason = str(_get(row, "reach_reason") or "")
    n = _get(row, "enrolled")
    n_text = people(n, min_cell_size, language)
    small = n is not None and 0 < float(n) < min_cell_size
    if reason in ("on_track", "behind", "far_behind", "far_behind_early"):
        if small or _get(row, "reach_ratio") is None:
            return _t(f"reach.few_{reason}", language, n=n_text)
        key = {"on_track": "reach.count", "far_behind_early": "reach.count_behind_early"}.get(
            reason, "reach.count_behind")
        return _t(key, language, n=n_text, pct=_pct(_get(row, "reach_ratio"), language))
    if reason == "no_reach_target" and n is not None:
        return _t("reach.no_target", language, n=n_text)
    return note(reason or "unknown", "reach_reason", language)


def cost_sentence(row: Mapping[str, Any] | pd.Series, language: str = "nb") -> str:
    """One sentence on a pilot's spending against its grant, from a scorecard row.

    Example: "Piloten har brukt 74 % av tilsagnet etter 74 % av perioden."

    Parameters
    ----------
    row : mapping or pandas.Series
        ``cost_reason``, ``grant_used_share`` and ``elapsed_share`` of a scorecard row.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str
        The two shares get a decimal when whole percentages would not show the pace the
        scorecard judged.

    Examples
    --------
    >>> row = {"cost_reason": "on_budget", "grant_used_share": 0.74, "elapsed_share": 0.74}
    >>> print(cost_sentence(row).replace("\\xa0", " "))
    Piloten har brukt 74 % av tilsagnet etter 74 % av perioden.
    >>> row = {"cost_reason": "overspending", "grant_used_share": 0.054,
    ...        "elapsed_share": 0.049}
    >>> print(cost_sentence(row, "en").replace("\\xa0", " "))
    The pilot has spent 5.4% of its grant after 4.9% of the period, a little faster than planned.
    """
    _lang(language)
    reason = str(_get(row, "cost_reason") or "")
    used, elapsed = _get(row, "grant_used_share"), _get(row, "elapsed_share")
    key = f"cost.{reason}"
    if key in _messages() and used is not None and elapsed is not None:
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

    Parameters
    ----------
    row : mapping or pandas.Series
        The ``outcome_*`` columns of a (:func:`localise`-d) scorecard row.
    language : {"nb", "en"}, default "nb"
    min_cell_size : int, default 5
        Fewer people measured than this are not counted out.

    Returns
    -------
    str

    Examples
    --------
    >>> row = {"outcome_reason": "clear_improvement", "outcome_label": "Trivsel",
    ...        "outcome_unit": "poeng", "outcome_improvement": 3.2, "outcome_ci_low": 2.2,
    ...        "outcome_ci_high": 4.1, "outcome_mid": 2, "outcome_clears_mid": True,
    ...        "outcome_higher_is_better": True, "outcome_design": "pre_post"}
    >>> print(outcome_sentence(row).replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    Trivsel økte med 3,2 poeng fra før til etter (95 % KI 2,2–4,1), over minste betydningsfulle
    endring på 2 poeng.
    >>> print(outcome_sentence({"outcome_reason": "too_few_measured", "outcome_n": 3}, "en"))
    Fewer than 5 participants are measured both before and after; at least 10 are needed to tell.
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

    Parameters
    ----------
    row : mapping or pandas.Series
        A row of ``outcome_summary`` or of the scorecard.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str

    Examples
    --------
    >>> print(evidence_sentence({"design": "pre_post", "evidence_rating": "very_weak",
    ...                          "evidence_reasons": "attrition_high"}))
    ... # doctest: +NORMALIZE_WHITESPACE
    Evidensstyrken er svært svak: bare før–etter-måling uten sammenligningsgruppe og mange
    mangler oppfølgingsmåling.
    """
    _lang(language)
    rating = _get(row, "evidence_rating") or _get(row, "outcome_evidence_rating")
    if not rating:
        return ""
    design = _get(row, "design") or _get(row, "outcome_design") or ""
    reasons = _get(row, "evidence_reasons") or _get(row, "outcome_evidence_reasons") or ""
    parts = [_t(f"evidence.base.{design}", language)] if f"evidence.base.{design}" in \
        _messages() else []
    parts += [_t(f"evidence.reason.{k}", language) for k in str(reasons).split(";")
              if f"evidence.reason.{k}" in _messages()]
    joined = (", ".join(parts[:-1]) + f" {_t('sum.and', language)} " + parts[-1]
              if len(parts) > 1 else "".join(parts))
    return _t("evidence.sentence", language, rating=evidence_word(rating, language),
              reasons=joined)


def evidence_word(rating: Any, language: str = "nb") -> str:
    """"sterk" / "moderat" / "svak" / "svært svak" (or the English) for a rating key.

    Parameters
    ----------
    rating : str
        ``strong``, ``moderate``, ``weak`` or ``very_weak`` (``evidence_rating``); any
        other value is printed as it is.
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str

    Examples
    --------
    >>> evidence_word("very_weak"), evidence_word("moderate", "en")
    ('svært svak', 'moderate')
    """
    key = f"evidence.{rating}"
    return label(key, language) if key in _labels() else str(rating)


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

    Parameters
    ----------
    row : mapping or pandas.Series
        A scorecard row with the columns above, ``outcome_unit``, ``outcome_mid`` and
        ``outcome_design``.
    language : {"nb", "en"}, default "nb"
    min_cell_size : int, default 5

    Returns
    -------
    list of str
        Zero, one or two sentences.

    Examples
    --------
    >>> row = {"outcome_unit": "points", "outcome_mid": 2, "outcome_design": "pre_post",
    ...        "outcome_rtm_expected_improvement": 1.1, "outcome_tipping_point": -2.5,
    ...        "outcome_missing_due": 8}
    >>> for sentence in caution_sentences(row, "en"):
    ...     print(sentence.replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    The participants started worse off than average. That alone can give about 1.1 points of
    improvement at the next measurement, without any effect of the pilot.
    Those missing a follow-up would have had to get worse by 2.5 points on average for the change to
    vanish.
    >>> caution_sentences({**row, "outcome_rtm_expected_improvement": 0.1,
    ...                    "outcome_missing_due": 3})
    []
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

    Parameters
    ----------
    row : mapping or pandas.Series
        A (:func:`localise`-d) scorecard row: ``recommendation``,
        ``recommendation_reason`` and the columns that reason rests on.
    language : {"nb", "en"}, default "nb"
    min_cell_size : int, default 5

    Returns
    -------
    str

    Examples
    --------
    >>> row = {"recommendation": "adjust", "recommendation_reason": "reach_red",
    ...        "enrolled": 18, "reach_ratio": 0.45}
    >>> print(recommendation_sentence(row).replace("\\xa0", " "))
    Justere – for få deltakere (45 % av ventet)
    >>> print(recommendation_sentence({"recommendation": "insufficient_data",
    ...                                "recommendation_reason": "outcome_grey",
    ...                                "outcome_reason": "too_few_measured",
    ...                                "outcome_n": 6, "outcome_min_required": 10}, "en"))
    Too early to say – only 6 measured before and after, 10 needed
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
            early = _get(row, "reach_reason") == "far_behind_early"
            parts.append(_t("rec.reach_early" if early else "rec.reach_yellow", language))
        if _get(row, "cost_status") == "yellow":
            why = _get(row, "cost_reason")
            parts.append(_t("rec.cost_under" if why == "underspending" else
                            "rec.cost_early" if why == "far_overspending_early" else
                            "rec.cost_over", language))
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

    Parameters
    ----------
    row : mapping or pandas.Series
        A row of :func:`~pilot_eval.metrics.scorecard.scorecard`.
    language : {"nb", "en"}, default "nb"
    min_cell_size : int, default 5
    measures : pandas.DataFrame, optional
        The measures table, for the measure's name in ``language``.

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> import pilot_eval as pe
    >>> from pilot_eval import metrics
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> card = metrics.scorecard(ds)
    >>> said = explain(card.loc["lekse"], "en", measures=ds.measures)
    >>> for part, sentence in said.items():
    ...     print(f"{part}: {sentence}".replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    reach: The pilot has 12 participants, only 57% of the number expected by now.
    cost: The pilot has spent 13% of its grant after 52% of the period, much more slowly than
    planned.
    outcome: Well-being rose 2.6 points more than in the comparison group (95% CI 1.2–4.1), perhaps
    large enough to matter (the minimal important difference is 2 points). The evidence is too weak
    to say that the pilot caused the change.
    evidence: The evidence is very weak: a comparison group measured before and after, the
    comparison group was not drawn by lot or matched and the groups differed at the start.
    basis: The outcome status rests on the pilot's main measure, well-being.
    recommendation: Adjust – too few participants (57% of expected)
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

    Examples
    --------
    Eight words, two sentences, two words of more than six letters:

    >>> lix("Piloten har nådd mange deltakere. Alle fikk hjelp.")
    29.0
    >>> lix("")
    nan
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
    if f"sum.why.{reason}" in _messages():
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
      pilot period is projected; the data have warnings (kept, in the last place, when the
      others fill the list).

    Counts below ``min_cell_size`` never appear (see :func:`people`).

    Examples
    --------
    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> said = summary(ds, "en")
    >>> print(said.overview[0].replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    The pilots have spent NOK 0.34 million of the fund's NOK 4.0 million. That is 9%. So far, 13 of
    the agreement's 24 months have passed. Others have added NOK 0.09 million, in money and working
    time.
    >>> said.caveats_heading, len(said.caveats)
    ('Main caveats', 2)
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
        reach.append(_t("sum.coverage", language,
                        pct=fmt.percent(cov, decimals, language=language),
                        population=fmt.count(port["target_population"], suppress=False,
                                             language=language),
                        who=_t(who + "_def", language),
                        groups=_nt("sum.groups", len(card), language)))
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
        on at least ``min_cell_size`` people); the data have warnings. At most
        ``max_caveats``; the warnings are always among them (in the last place), as they
        concern every number shown.

    Examples
    --------
    >>> import pilot_eval as pe
    >>> ds = pe.load_dataset("tests/data/doctest_small")
    >>> for caveat in caveats(ds, "en"):
    ...     print(caveat)  # doctest: +NORMALIZE_WHITESPACE
    Only 1 of 2 pilots has a comparison group. For the others we do not know what would have
    happened without the pilot.
    The value to society after the pilot period is projected from assumptions. It is not observed.
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
        found.append(_nt("caveat.comparison", k, language, total=n))
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
    n_warnings = count_problems(ds.warnings if warnings is None else warnings)
    if n_warnings and max_caveats > 0:
        # kept when the others fill the list: the warnings concern every number shown
        key = "caveat.pilot_warnings" if pilot_id is not None else "caveat.warnings"
        found = found[:max_caveats - 1] + [_nt(key, n_warnings, language)]
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

    Examples
    --------
    >>> cost = {"fund_cost_nok": 370_000, "grant_nok": 1_000_000, "grant_used_share": 0.37,
    ...         "elapsed_share": 0.74, "forecast_fund_cost_nok": 500_000}
    >>> said, paced = pilot_money(cost, {"state": "running", "cost_reason": "underspending"})
    >>> print(said.replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    Piloten har brukt 0,37 mill. kr av tilsagnet på 1,0 mill. kr fra fondet. Det er 37 % av
    tilsagnet. Det har gått 74 % av pilotperioden. Piloten bruker pengene mye saktere enn planen.
    Det kan bety at arbeidet er forsinket, eller at det koster mindre enn ventet. Fortsetter den i
    samme tempo, har den brukt 0,50 mill. kr når perioden er slutt.
    >>> paced
    True
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
            if f"pilot.pace.{pace}" in _messages():
                out.append(_t(f"pilot.pace.{pace}", language))
                paced = True
            if float(used) >= 1 and float(elapsed) < 1:  # more spent than granted, early
                out.append(_t("pilot.grant_used_up", language))
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


#: The glossary's terms in the order the report lists them (GLOSSARY.md). The catalogs
#: (context ``glossary``) have each term as ``<key>.term`` and its explanation, one plain
#: sentence, as ``<key>.text``.
_GLOSSARY_TERMS: Final[tuple[str, ...]] = (
    "estimate", "confidence_interval", "minimal_important_difference", "minimum_detectable_effect",
    "comparison_group", "pre_post_comparison", "difference_in_differences",
    "interrupted_time_series", "attrition_at_follow_up", "success_threshold",
    "coverage_of_the_target_population", "completion_rate", "leverage", "in_kind_contributions",
    "social_value", "benefit_cost_ratio", "deadweight", "attribution", "displacement", "drop_off",
    "discount_rate", "tax_financing_cost", "observed_and_projected", "sensitivity_analysis",
    "suppressed_for_privacy", "hidden", "scorecard",
)


def glossary(language: str = "nb") -> list[tuple[str, str]]:
    """The report's glossary: (term, one plain sentence) pairs, terms from GLOSSARY.md.

    Parameters
    ----------
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    list of (str, str)

    Examples
    --------
    >>> term, explanation = glossary("en")[1]
    >>> print(term, "--", explanation)  # doctest: +NORMALIZE_WHITESPACE
    Confidence interval (95% CI) -- A range that shows the uncertainty: the true figure probably
    lies inside it, and a narrow range means we are more certain.
    """
    catalog = _catalog(_lang(language))
    return [(catalog.pgettext(_GLOSSARY_CONTEXT, f"{key}.term"),
             catalog.pgettext(_GLOSSARY_CONTEXT, f"{key}.text")) for key in _GLOSSARY_TERMS]


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

    Returns
    -------
    str

    Examples
    --------
    The table of rules puts the threshold after the text:

    >>> print(rule_text("reach_green", "en"), 0.9)
    Reach good when participants / (reach target × share of period elapsed) is at least 0.9
    >>> rule_text("my_rule", default="Own threshold")
    'Own threshold'
    """
    found = _labels().get(f"rule.{rule}")
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

    Returns
    -------
    list of str
        Four paragraphs: the outcome status, the evidence, the recommendation and grey.

    Examples
    --------
    >>> notes = rule_notes({"outcome_min_n": 20}, "en")
    >>> print(notes[0].replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    Outcomes are judged on the pilot's main measure, or else on the first measure taken; other
    measures are exploratory. 'Too little data': fewer than 20 people are measured both before and
    after in the pilot group or in the comparison group. 'Good': the whole 95% confidence interval
    of the improvement lies above 0, the improvement is at least the minimal important difference,
    the evidence is at least moderate and at most 40% of the follow-ups due are missing. 'Weak': the
    whole interval lies below the minimal important difference and the evidence is at least
    moderate. Otherwise 'uncertain'. A change from before to after without a comparison group is
    therefore never 'good' or 'weak'.
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
    """The tax-financing cost per public krone: "20 øre" / "NOK 0.20".

    Parameters
    ----------
    tax_financing_cost : float
        The agreement's ``tax_financing_cost`` (0.2: 20 % extra per krone raised by tax).
    language : {"nb", "en"}, default "nb"

    Returns
    -------
    str
        Joined by a non-breaking space.

    Examples
    --------
    >>> per_krone(0.2).replace("\\xa0", " "), per_krone(0.2, "en").replace("\\xa0", " ")
    ('20 øre', 'NOK 0.20')
    """
    if _lang(language) == _NB:
        return f"{fmt.number(tax_financing_cost * 100, 0, language=language)}{_NBSP}øre"
    return f"NOK{_NBSP}{fmt.number(tax_financing_cost, 2, language=language)}"


#: The method notes in the order the report lists them; the catalogs (context ``method``)
#: have each as ``<key>.topic``, ``<key>.text`` and ``<key>.source``. The interrupted time
#: series' note is there only when the report shows one.
_METHOD_NOTES: Final[tuple[str, ...]] = (
    "discount_rate", "tax_financing_cost", "privacy", "comparison", "interrupted_time_series",
    "minimum_detectable_effect", "valuation",
)


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

    Examples
    --------
    >>> notes = method_notes("en", discount_rate=0.025)
    >>> len(notes), len(method_notes("en", series=True))
    (6, 7)
    >>> topic, explanation, source = notes[0]
    >>> print(topic, "--", explanation.replace("\\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    Discount rate -- Benefits and costs are converted to their value at the agreement's start (the
    base year) at a real rate of 2.5% a year. Amounts are not adjusted for price growth: costs are
    in kroner as paid, valuations in the kroner of their sources. Over a two-year agreement price
    growth is a few per cent, less than the uncertainty of the valuations.
    """
    _lang(language)
    r = fmt.percent(discount_rate, 1 if round(discount_rate * 100, 6) % 1 else 0,
                    language=language)
    krone = fmt.number(1 + tax_financing_cost, 2, language=language)
    extra = per_krone(tax_financing_cost, language)
    fields = {"rate": r, "krone": krone, "per_krone": extra, "min_cell_size": min_cell_size}
    catalog = _catalog(language)

    def part(key: str, name: str) -> str:
        return catalog.pgettext(_METHOD_CONTEXT, f"{key}.{name}").format(**fields)

    return [(part(key, "topic"), part(key, "text"), part(key, "source"))
            for key in _METHOD_NOTES if series or key != "interrupted_time_series"]


def data_quality_sentence(warnings: pd.DataFrame | None, language: str = "nb", *,
                          pilot: bool = False) -> str:
    """One or two sentences on the data's warnings (``Dataset.warnings``).

    Examples: "Vi fant ingen feil eller advarsler i dataene." / "Vi fant 3 advarsler i
    dataene. De står i tabellen nedenfor. …"

    With ``pilot=True`` (a pilot report, which lists only the warnings about its pilot and
    those about no pilot) the text says so, and "no warnings" is said of the pilot: other
    pilots' data may have some.

    Parameters
    ----------
    warnings : pandas.DataFrame or None
        A problems table of warnings (:func:`~pilot_eval.errors.problems_frame`).
    language : {"nb", "en"}, default "nb"
    pilot : bool, default False
        The text is for one pilot's report.

    Returns
    -------
    str

    Examples
    --------
    >>> from pilot_eval.errors import problems_frame
    >>> print(data_quality_sentence(None, "en"))
    We found no errors or warnings in the data.
    >>> warnings = problems_frame([{"file": "sessions.csv", "severity": "warning"}] * 3)
    >>> print(data_quality_sentence(warnings, "en", pilot=True))  # doctest: +NORMALIZE_WHITESPACE
    We found 3 warnings in the data. They are in the table below. They do not stop the report, but
    should be checked. Only warnings about this pilot, and warnings about no pilot in particular,
    are listed here.
    """
    _lang(language)
    n = count_problems(warnings)
    if n == 0:
        return _t("quality.pilot_none" if pilot else "quality.none", language)
    said = _nt("quality.warnings", n, language)
    return f"{said} {_t('quality.pilot_scope', language)}" if pilot else said


def message_fields(key: str) -> dict[str, set[str]]:
    """The ``str.format`` fields of a message per language (for tests of the catalogue)."""
    msgs = _messages().get(key) or _labels()[key]
    return {lang: {f for _, f, _, _ in string.Formatter().parse(text) if f}
            for lang, text in msgs.items()}
