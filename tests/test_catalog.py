"""Tests of the report texts' gettext catalogs (src/pilot_eval/locale) and of
tools/messages.py, which checks and compiles them.

The committed .mo files must be what Babel compiles from the .po files today; every key
must have a text in every language, with the same ``str.format`` fields; plural entries
must have the forms their language's ``Plural-Forms`` asks for; every key the code asks
for must be in the catalogs.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from pilot_eval.errors import UsageError
from pilot_eval.present import columns, text

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "pilot_eval"


def _load_tool():
    spec = importlib.util.spec_from_file_location("pilot_eval_messages_tool",
                                                  ROOT / "tools" / "messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


messages_tool = _load_tool()
LANGUAGES = messages_tool.languages()


@pytest.fixture(scope="module")
def catalogs() -> dict[str, Catalog]:
    return {lang: messages_tool.read(lang) for lang in LANGUAGES}


def test_the_report_languages_have_catalogs():
    assert LANGUAGES == ["en", "nb"]


# --------------------------------------------------------------------------- compiled files


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_is_the_po_compiled_today(catalogs, language):
    """Babel recompiles the .po in memory; the committed .mo must read the same."""
    committed = messages_tool.po_path(language).with_suffix(".mo").read_bytes()
    compiled = messages_tool.compile_mo(catalogs[language])
    assert messages_tool.entries(committed) == messages_tool.entries(compiled), (
        f"{language}: the .mo is out of date; run python tools/messages.py")


def test_the_comparison_of_compiled_catalogs_sees_a_changed_text(catalogs):
    changed = messages_tool.read("en")
    changed["changes.heading"].string = "Something else"
    assert messages_tool.entries(messages_tool.compile_mo(changed)) != \
        messages_tool.entries(messages_tool.compile_mo(catalogs["en"]))


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalog_has_its_languages_plural_rule(catalogs, language):
    cldr = Catalog(locale=language)
    assert catalogs[language].plural_forms == cldr.plural_forms
    mo = messages_tool.po_path(language).with_suffix(".mo").read_bytes()
    assert messages_tool.entries(mo)["Plural-Forms"] == cldr.plural_forms


# --------------------------------------------------------------------------- consistency


def test_catalogs_agree(catalogs):
    """Every key in every language, same fields, right plural forms, nothing empty."""
    assert messages_tool.problems(catalogs) == []


def test_the_check_finds_each_kind_of_problem():
    nb, en = Catalog(locale="nb"), Catalog(locale="en")
    nb.add("only.nb", "bare bokmål")
    nb.add("fields", "{n} piloter siden {date}")
    en.add("fields", "{n} pilots")
    nb.add(("count", "count"), ("{n} pilot", "{n} piloter"))
    en.add(("count", "count"), ("{n} pilot",))
    nb.add("empty", "tom")
    en.add("empty", " ")
    nb.add("plural", "ikke flertall")
    en.add(("plural", "plural"), ("{n} thing", "{n} things"))
    nb.add("unsure", "usikker")
    en.add("unsure", "unsure", flags=("fuzzy",))
    nb.add("summary", "Sammendrag", context="label")
    found = messages_tool.problems({"nb": nb, "en": en})
    assert found == [
        "en: 'only.nb' is missing",
        "en: 'summary' is missing (context 'label')",
        "en: 'fields' has the fields ['n'], nb has ['date', 'n']",
        "en: 'count' has 1 forms, Plural-Forms says 2",
        "en: 'empty' has an empty text",
        "en: 'plural' is plural, nb is not",
        "en: 'unsure' is fuzzy",
    ]


def test_plural_entries_are_real_plurals_with_no_sibling_keys_left(catalogs):
    plural = {m.id[0] for m in catalogs["nb"] if m.pluralizable and m.context is None}
    assert plural == set(text._plurals())
    assert {m.id[0] for m in catalogs["nb"] if m.pluralizable and m.context == "label"} == \
        set(text._plural_labels()) == {"cap.status", "cap.money", "cap.reach"}
    assert {"changes.rated", "cli.warnings", "quality.warnings", "caveat.warnings",
            "caveat.pilot_warnings"} <= plural
    # within one context: the code word "funder.other" is no form of the column "funder"
    singular = {(m.context, m.id) for m in catalogs["nb"] if m.id and not m.pluralizable}
    siblings = {k for context, k in singular
                if k.endswith((".one", ".other", ".many"))
                and (context, k.rsplit(".", 1)[0]) in singular
                or k.endswith("_one") and (context, k[: -len("_one")]) in singular}
    # "<key>.one" beside "<key>" is left only where the two are different sentences
    # (after.summary.lead.one: the pilot report's cost and range, not the portfolio's
    # total before a list)
    assert siblings <= {"after.summary.lead.one"}, siblings
    assert {"after.who", "after.enterprise.who", "after.enterprise.heading"} <= plural


def test_code_comments_came_along_as_notes_for_translators(catalogs):
    too_few = catalogs["nb"]["outcome_note.too_few"]
    assert any("fewer than 2" in c for c in too_few.auto_comments)


# --------------------------------------------------------------------------- the code's keys


def _literal_keys() -> dict[str, set[tuple[str, str]]]:
    """Keys the package's source asks for as a literal first argument, by function:
    ``message``/``_t`` (sentences), ``plural``/``_nt`` (plural sentences), ``label``,
    ``plural_label``, ``source`` (chart sources)."""
    kinds = {"message": "message", "_t": "message", "plural": "plural", "_nt": "plural",
             "label": "label", "plural_label": "plural_label", "source": "source"}
    found: dict[str, set[tuple[str, str]]] = {k: set() for k in set(kinds.values())}
    for path in SRC.rglob("*.py"):
        is_text = path.name == "text.py" and path.parent.name == "present"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                    func.value.id == "text" and func.attr in kinds:
                name = func.attr
            elif is_text and isinstance(func, ast.Name) and func.id in kinds:
                name = func.id
            else:
                continue
            arg = node.args[0]
            choices = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
            for choice in choices:
                if isinstance(choice, ast.Constant) and isinstance(choice.value, str):
                    found[kinds[name]].add((choice.value, f"{path.name}:{node.lineno}"))
    return found


def test_every_key_the_code_asks_for_is_in_the_catalogs():
    keys = _literal_keys()
    assert len(keys["message"]) > 100 and keys["plural"] and keys["label"]  # the scan works
    assert [k for k in keys["message"] if k[0] not in text.MESSAGES
            or k[0].rpartition(".")[0] in text._plurals()] == []
    assert [k for k in keys["plural"] if k[0] not in text._plurals()] == []
    # a plural label's key asks for its form for several (old callers)
    assert [k for k in keys["label"] if k[0] not in text.LABELS
            and k[0] not in text._plural_labels()] == []
    assert [k for k in keys["plural_label"] if k[0] not in text._plural_labels()] == []
    assert keys["source"] and [k for k in keys["source"] if k[0] not in text.SOURCES] == []


def test_every_glossary_term_has_its_text_and_no_entry_is_left_over(catalogs):
    for language in LANGUAGES:
        entries = {m.id for m in catalogs[language] if m.context == "glossary"}
        assert entries == {f"{key}.{part}" for key in text._GLOSSARY_TERMS
                           for part in ("term", "text")}, language
    assert text.glossary("en")[0] == (
        "Estimate", "Our best calculation of how much the pilot changed the outcome.")


def test_every_method_note_has_its_three_parts_and_no_entry_is_left_over(catalogs):
    for language in LANGUAGES:
        entries = {m.id for m in catalogs[language] if m.context == "method"}
        assert entries == {f"{key}.{part}" for key in text._METHOD_NOTES
                           for part in ("topic", "text", "source")}, language
    notes = text.method_notes("en", min_cell_size=7, series=True)
    assert [n[0] for n in notes][3:5] == ["Comparison", "Interrupted time series"]
    assert "fewer than 7 people show as '<7'" in notes[2][1]


def test_sources_and_series_names_come_from_their_contexts():
    assert text.source("money", "en", date="2026-06-30") == (
        "Source: the pilots' accounts as of 30\u00a0June 2026.")
    assert text.SERIES_LABELS["neet"] == ("Unge utenfor arbeid og utdanning",
                                          "Young people not in employment, education or "
                                          "training")
    assert "money" not in text.MESSAGES and "neet" not in text.LABELS


def test_the_workbooks_words_have_their_contexts_and_no_entry_is_left_over(catalogs):
    """present/columns.py names the tables, columns, kinds and codes; the catalogs have a
    text for each under its context, and none for a column the code no longer has."""
    columns_ = {*columns._COLUMN_KINDS, *(f"{t}.{c}" for t, c in columns._TABLE_COLUMN_KINDS)}
    expected = {"table": set(columns._TABLE_NAMES), "table.about": set(columns._TABLE_NAMES),
                "column": columns_, "column.about": columns_, "kind": set(columns.KINDS),
                "code": {f"{c}.{code}" for c, codes in columns._CODES.items()
                         for code in codes}}
    for language in LANGUAGES:
        for context, keys in expected.items():
            assert {m.id for m in catalogs[language] if m.context == context} == keys, (
                language, context)
    assert columns.column("cost", "fund_cost_nok", "en") == (
        "nok", "Fund money spent", "Costs paid by the fund.")
    assert columns.column("unit_costs", "year", "nb").header == "Prisår"
    assert columns.TABLES["reach_by_area"].en == "Reach by area"
    assert columns.KIND_WORDS["share"] == ("prosent", "per cent")
    assert columns.CODE_WORDS["state"]["not_started"] == ("ikke startet", "not started")


def test_the_workbooks_mappings_are_read_only():
    with pytest.raises(TypeError):
        columns.COLUMNS["leverage"] = columns.COLUMNS["leverage"]  # type: ignore[index]
    with pytest.raises(TypeError):
        columns.CODE_WORDS["state"]["ended"] = ("x", "x")  # type: ignore[index]


# --------------------------------------------------------------------------- run time


@pytest.mark.parametrize(("key", "n", "language", "expected"), [
    ("quality.warnings", 1, "nb", "Vi fant 1 advarsel i dataene. Den står"),
    ("quality.warnings", 2, "nb", "Vi fant 2 advarsler i dataene. De står"),
    ("quality.warnings", 1, "en", "We found 1 warning in the data. It is"),
    ("quality.warnings", 0, "en", "We found 0 warnings in the data. They are"),
    ("caveat.warnings", 1, "nb", "Dataene har 1 advarsel. Du finner den"),
    ("caveat.warnings", 21, "nb", "Dataene har 21 advarsler. Du finner dem"),
    ("caveat.pilot_warnings", 1, "en", "There is 1 warning about the pilot's data"),
    ("caveat.pilot_warnings", 2, "en", "There are 2 warnings about the pilot's data"),
    ("cli.warnings", 1, "nb", "1 advarsel"),
    ("cli.warnings", 2, "nb", "2 advarsler"),
    ("cli.errors", 1, "en", "1 error"),
    ("cli.errors", 8, "en", "8 errors"),
    ("cli.reports", 1000, "nb", "1\u00a0000 rapporter"),
    ("sum.groups", 1, "nb", "pilotens målgruppe"),
    ("sum.groups", 4, "en", "the pilots' target groups"),
    ("after.who", 1, "nb", "piloten"),
    ("after.who", 4, "nb", "pilotene"),
    ("after.enterprise.who", 1, "en", "the enterprise"),
    ("after.enterprise.who", 3, "en", "each enterprise"),
    ("after.enterprise.heading", 1, "nb", "Virksomheten bak piloten"),
    ("after.enterprise.heading", 2, "en", "The enterprises behind the pilots"),
])
def test_plural_picks_the_form_for_the_count(key, n, language, expected):
    assert text.plural(key, n, language).startswith(expected)


def test_plural_counts_out_of_a_total():
    assert text.plural("caveat.comparison", 1, "en", total=5).startswith(
        "Only 1 of 5 pilots has a comparison group.")
    assert text.plural("caveat.comparison", 2, "nb", total=5).startswith(
        "Bare 2 av 5 piloter har en gruppe")


def test_plural_takes_a_numpy_count_without_a_warning(recwarn):
    np = pytest.importorskip("numpy")
    assert text.plural("cli.reports", np.int64(1), "en") == "1 report"
    assert not [w for w in recwarn if issubclass(w.category, DeprecationWarning)]


def test_plural_and_message_refuse_each_others_keys():
    with pytest.raises(UsageError, match="is not a plural message"):
        text.plural("changes.heading", 2)
    with pytest.raises(UsageError, match=r"use pilot_eval.present.text.plural\('cli.errors'"):
        text.message("cli.errors", n=2)
    with pytest.raises(UsageError, match="Unknown message"):
        text.message("no.such.message")


def test_old_callers_still_read_plural_forms_as_keys():
    assert text.MESSAGES["cli.reports.one"]["en"] == "{n} report"
    assert text.MESSAGES["cli.reports.other"]["nb"] == "{n} rapporter"
    assert text.message("changes.rated.other", "en", n="3") == (
        "3 pilots have been rated differently.")


def test_catalogues_are_read_only():
    with pytest.raises(TypeError):
        text.MESSAGES["quality.none"] = {"nb": "x", "en": "x"}  # type: ignore[index]
    with pytest.raises(TypeError):
        text.LABELS["pilot"]["nb"] = "x"  # type: ignore[index]


def test_a_key_missing_from_the_catalogs_fails_loudly():
    """gettext would print the key itself; a typo in the code must fail instead."""
    with pytest.raises(KeyError, match="no.such.key"):
        text._t("no.such.key", "nb")
    with pytest.raises(KeyError, match="no.such.key"):
        text._nt("no.such.key", 2, "en")


@pytest.mark.parametrize(("key", "n", "language", "expected"), [
    ("cap.status", 1, "nb", "Statusoversikt"),
    ("cap.status", 4, "nb", "Statusoversikt per pilot"),
    ("cap.money", 1, "en", "Money in figures"),
    ("cap.money", 0, "en", "Money by pilot"),
    ("cap.reach", 1, "nb", "Rekkevidde i tall"),
    ("cap.reach", 2, "en", "Reach by pilot"),
])
def test_a_plural_label_picks_the_form_for_the_count(key, n, language, expected):
    assert text.plural_label(key, n, language) == expected


def test_a_plural_labels_old_keys_still_read_its_forms():
    """present/tables.py chose "cap.money" or "cap.money.one" itself before the captions
    were plural entries; both keys still give the same caption."""
    assert text.label("cap.money", "nb") == text.plural_label("cap.money", 2, "nb")
    assert text.label("cap.money.one", "en") == text.plural_label("cap.money", 1, "en")
    assert text.LABELS["cap.status.other"]["en"] == "Scorecard by pilot"
    with pytest.raises(UsageError, match="is not a plural label"):
        text.plural_label("pilot", 2)


def test_labels_come_from_their_own_context():
    assert text.label("pilot", "nb") == "Pilot"
    assert text.label("cap.changes", "en", date="1 May") == "Changes by pilot since 1 May"
    assert "pilot" not in text.MESSAGES  # the label context keeps the two apart


def test_importing_reads_no_catalog_and_reading_needs_no_babel():
    """Importing the module reads no file; the first text reads the compiled catalog with
    the standard library only (fmt uses Babel's CLDR numbers and dates, not its message
    tools)."""
    code = ("import sys, pilot_eval.present.text as t, pilot_eval.present.columns\n"
            "print(t._catalog.cache_info().currsize, t._read_catalogs.cache_info().currsize)\n"
            "print(t.plural('cli.reports', 2, 'en'))\n"
            "print('babel.messages' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(ROOT / "src")})
    assert out.stdout.splitlines() == ["0 0", "2 reports", "False"]
