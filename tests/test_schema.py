"""One test per validation rule: the rule fires on the right file, row and column, with a
message in both languages; and the valid folder has no problems."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import pilot_eval as pe
from pilot_eval.errors import count_problems
from tests.conftest import MINIMAL, edit

# Each case: rule, mutation of the minimal folder, expected (file, row, column, severity).
Case = tuple[str, Callable[[Path], None], tuple[str, int | None, str | None, str]]


def _write(file: str, content: bytes | str) -> Callable[[Path], None]:
    def f(d: Path) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        (d / file).write_bytes(data)
    return f


def _edit(file: str, old: str | None, new: str) -> Callable[[Path], None]:
    return lambda d: edit(d, file, old, new)


def _remove(file: str) -> Callable[[Path], None]:
    return lambda d: (d / file).unlink()


CASES: list[Case] = [
    ("file.missing", _remove("pilots.csv"), ("pilots.csv", None, None, "error")),
    ("file.missing", _remove("agreement.toml"), ("agreement.toml", None, None, "error")),
    ("file.ambiguous", lambda d: (d / "costs.parquet").write_bytes(b"x"), ("costs.csv", None, None, "error")),
    ("file.empty", _write("sessions.csv", ""), ("sessions.csv", None, None, "error")),
    ("file.encoding", _write("sessions.csv", b"pilot_id,participant_id,date,hours\nlekse,p\x81,2025-02-17,2\n"),
     ("sessions.csv", None, None, "error")),
    ("file.separator", _write("sessions.csv", "pilot_id;date,hours\n"),
     ("sessions.csv", 1, None, "error")),
    ("file.ragged", _edit("sessions.csv", "lekse,p-01,2025-02-24,1.5", "lekse,p-01,2025-02-24,1,5"),
     ("sessions.csv", 3, None, "error")),
    ("file.unreadable", lambda d: ((d / "population.csv").unlink(), _write("population.xlsx", b"not a workbook")(d)),
     ("population.xlsx", None, None, "error")),
    ("column.missing", _edit("costs.csv", "amount_nok", "amount"), ("costs.csv", 1, "amount_nok", "error")),
    ("column.duplicate", _edit("sessions.csv", "date,hours", "date,date"), ("sessions.csv", 1, "date", "error")),
    ("column.unnamed", _edit("population.csv", "gender,count\n2025,all,10,female,800",
                             "gender,count,\n2025,all,10,female,800,x"), ("population.csv", 1, None, "error")),
    ("toml.syntax", _edit("agreement.toml", 'name = "Testavtale"', 'name = "Testavtale'),
     ("agreement.toml", 2, None, "error")),
    ("agreement.missing", _edit("agreement.toml", "annual_budget_nok = 2000000", ""),
     ("agreement.toml", None, "annual_budget_nok", "error")),
    ("agreement.type", _edit("agreement.toml", "start = 2025-01-01", 'start = "første januar"'),
     ("agreement.toml", 4, "start", "error")),  # the setting's line
    ("agreement.period", _edit("agreement.toml", "end = 2026-12-31", "end = 2024-12-31"),
     ("agreement.toml", 5, "end", "error")),
    ("agreement.range", _edit("agreement.toml", "annual_budget_nok = 2000000", "annual_budget_nok = 0"),
     ("agreement.toml", 6, "annual_budget_nok", "error")),
    ("agreement.language", _edit("agreement.toml", None, 'language = "sv"'),
     ("agreement.toml", 7, "language", "error")),
    ("agreement.rules", _edit("agreement.toml", None, "[rules]\nreach_greeen = 0.8"),
     ("agreement.toml", 8, "rules.reach_greeen", "error")),
    ("value.not_number", _edit("costs.csv", "200000", "tohundretusen"), ("costs.csv", 2, "amount_nok", "error")),
    ("value.not_integer", _edit("pilots.csv", ",40,trivsel", ",40.5,trivsel"), ("pilots.csv", 2, "reach_target", "error")),
    ("value.not_date", _edit("participants.csv", "2025-02-10", "10/02/2025"),
     ("participants.csv", 2, "enrolled_on", "error")),
    ("value.not_bool", _edit("costs.csv", "fund,false,200000", "fund,kanskje,200000"), ("costs.csv", 2, "in_kind", "error")),
    ("value.not_allowed", _edit("participants.csv", "2013,female", "2013,jente"), ("participants.csv", 2, "gender", "error")),
    ("value.empty", _edit("pilots.csv", "Leksehjelp Øst", ""), ("pilots.csv", 2, "name", "error")),
    ("value.too_small", _edit("pilots.csv", "1500000", "-5"), ("pilots.csv", 2, "grant_nok", "error")),
    ("value.not_positive", _edit("sessions.csv", "2025-02-17,2", "2025-02-17,0"), ("sessions.csv", 2, "hours", "error")),
    ("value.too_large", _edit("sessions.csv", "2025-02-17,2", "2025-02-17,25"), ("sessions.csv", 2, "hours", "error")),
    ("value.pattern", _edit("pilots.csv", "jobb,Jobbtrening", "jobb trening,Jobbtrening"), ("pilots.csv", 3, "pilot_id", "error")),
    ("value.duplicate", _edit("pilots.csv", "jobb,Jobbtrening", "lekse,Jobbtrening"), ("pilots.csv", 3, "pilot_id", "error")),
    ("row.duplicate", _edit("participants.csv", "p-02,lekse,2025-02-12", "p-01,lekse,2025-02-12"),
     ("participants.csv", 3, "participant_id", "error")),
    ("value.ambiguous_number", lambda d: (_write("costs.csv", (MINIMAL / "costs.csv").read_text(encoding="utf-8")
                                                  .replace(",", ";").replace("200000", "200.000")
                                                  .replace("15000.5", "15000"))(d)),
     ("costs.csv", 2, "amount_nok", "error")),
    ("privacy.identity_number", _edit("participants.csv", "p-04,lekse", "01819010192,lekse"),
     ("participants.csv", 5, "participant_id", "error")),
    ("pilot.period", _edit("pilots.csv", "2025-09-01,2026-12-31", "2025-09-01,2025-08-31"), ("pilots.csv", 3, "end_date", "error")),
    ("pilot.ages", _edit("pilots.csv", "16,23", "23,16"), ("pilots.csv", 3, "target_age_max", "error")),
    ("pilot.org_number", _edit("pilots.csv", "Læringsløftet AS,,", "Læringsløftet AS,123456789,"),
     ("pilots.csv", 2, "org_number", "error")),
    ("pilot.outside_agreement", _edit("pilots.csv", "2025-02-01,2026-12-31", "2024-12-01,2026-12-31"),
     ("pilots.csv", 2, "start_date", "warning")),
    ("pilot.primary_measure", _edit("pilots.csv", ",40,trivsel", ",40,mestring"), ("pilots.csv", 2, "primary_measure", "error")),
    ("fk.pilot", _edit("costs.csv", "jobb,2025-10-01", "jobbb,2025-10-01"), ("costs.csv", 7, "pilot_id", "error")),
    ("cost.outside_pilot", _edit("costs.csv", "lekse,2025-02-15", "lekse,2025-01-15"), ("costs.csv", 2, "date", "warning")),
    ("cost.negative_total", _edit("costs.csv", "jobb,2025-10-01,entrepreneur,true,20000", "jobb,2025-10-01,fund,false,-200000"),
     ("costs.csv", None, "amount_nok", "error")),
    ("participant.exit_before_enrol", _edit("participants.csv", "2025-12-20,completed", "2025-01-20,completed"),
     ("participants.csv", 3, "exited_on", "error")),
    ("participant.exit_reason_missing", _edit("participants.csv", "2025-12-20,completed", "2025-12-20,"),
     ("participants.csv", 3, "exit_reason", "error")),
    ("participant.exit_date_missing", _edit("participants.csv", "2025-12-20,completed", ",completed"),
     ("participants.csv", 3, "exited_on", "error")),
    ("participant.outside_pilot", _edit("participants.csv", "p-01,lekse,2025-02-10", "p-01,lekse,2025-01-10"),
     ("participants.csv", 2, "enrolled_on", "warning")),
    ("fk.participant", _edit("sessions.csv", "lekse,p-03", "lekse,p-99"), ("sessions.csv", 5, "participant_id", "error")),
    ("session.outside_enrolment", _edit("sessions.csv", "lekse,p-03,2025-03-03", "lekse,p-03,2025-06-03"),
     ("sessions.csv", 5, "date", "warning")),
    ("table.measures_missing", _remove("measures.csv"), ("outcomes.csv", None, None, "error")),
    ("fk.measure", _edit("outcomes.csv", "p-01,pilot,trivsel,baseline", "p-01,pilot,mestring,baseline"),
     ("outcomes.csv", 2, "measure", "error")),
    ("outcome.outside_scale", _edit("outcomes.csv", "2025-10-01,24", "2025-10-01,41"), ("outcomes.csv", 3, "value", "error")),
    ("outcome.not_participant", _edit("outcomes.csv", "lekse,p-02,pilot,trivsel,baseline", "lekse,p-77,pilot,trivsel,baseline"),
     ("outcomes.csv", 4, "participant_id", "error")),
    ("outcome.comparison_is_participant", _edit("outcomes.csv", "lekse,c-01,comparison,trivsel,baseline",
                                                "lekse,p-04,comparison,trivsel,baseline"),
     ("outcomes.csv", 6, "participant_id", "error")),
    ("outcome.followup_before_baseline", _edit("outcomes.csv", "p-01,pilot,trivsel,followup,2025-10-01",
                                               "p-01,pilot,trivsel,followup,2025-01-01"),
     ("outcomes.csv", 3, "measured_on", "error")),
    ("measure.scale", _edit("measures.csv", "true,0,40", "true,40,0"), ("measures.csv", 2, "scale_max", "error")),
    ("measure.threshold", _edit("measures.csv", "0.85,6,20", "0.85,6,50"), ("measures.csv", 2, "success_threshold", "error")),
    ("valuation.threshold_missing", lambda d: (
        edit(d, "measures.csv", "0.85,6,20", "0.85,6,"),
        _write("valuation.csv", "measure,basis,value_nok,deadweight,attribution,displacement,drop_off,"
               "duration_years,source,confidence\ntrivsel,per_success,1000,0.2,0.1,0,0.3,2,Test,low\n")(d)),
     ("valuation.csv", 2, "basis", "error")),
    # --- issue 10: what validated and then crashed, or was wrong, before ---
    ("value.date_range", _edit("costs.csv", "2025-02-15", "1600-02-15"), ("costs.csv", 2, "date", "error")),
    ("value.date_range", _edit("participants.csv", "2025-02-12", "12.02.2300"),
     ("participants.csv", 3, "enrolled_on", "error")),
    ("value.number_range", _edit("costs.csv", "200000", "1e300"), ("costs.csv", 2, "amount_nok", "error")),
    ("value.number_range", _edit("costs.csv", "200000", "1e23"), ("costs.csv", 2, "amount_nok", "error")),
    ("value.control_character", _edit("participants.csv", "Bekkestua", "Bekke\x1b[31mstua"),
     ("participants.csv", 2, "area", "error")),
    ("value.control_character", _edit("costs.csv", "Arbeidstid rektor", "Arbeidstid\x07 rektor"),
     ("costs.csv", 3, "description", "error")),
    ("value.control_character", _edit("pilots.csv", "Leksehjelp Øst", "Leksehjelp\x85Øst"),
     ("pilots.csv", 2, "name", "error")),  # C1 (next line)
    ("privacy.identity_number", _edit("participants.csv", "Bekkestua", "Rud 15071210100"),
     ("participants.csv", 2, "area", "error")),
    ("privacy.identity_number", _edit("costs.csv", "Arbeidstid rektor", "Refusjon 150712-10100"),
     ("costs.csv", 3, "description", "error")),
    ("privacy.identity_number", _edit("participants.csv", "p-04,lekse", "1819010192,lekse"),
     ("participants.csv", 5, "participant_id", "error")),  # leading zero lost
    ("privacy.identity_number", _edit("participants.csv", "p-04,lekse", "１５０７１２１０１００,lekse"),
     ("participants.csv", 5, "participant_id", "error")),  # full-width digits crashed validate
    ("table.empty", lambda d: edit(d, "participants.csv", None, "") or _write(
        "participants.csv", (d / "participants.csv").read_text(encoding="utf-8").split("\n")[0] + "\n")(d),
     ("participants.csv", None, None, "error")),
    ("file.unclosed_quote", _edit("costs.csv", "Arbeidstid rektor", '"Arbeidstid, rektor'),
     ("costs.csv", 3, None, "error")),
    ("file.not_a_file", lambda d: ((d / "sessions.csv").unlink(), (d / "sessions.csv").mkdir()),
     ("sessions.csv", None, None, "error")),
    ("file.encoding_rows", lambda d: _write("participants.csv", (d / "participants.csv").read_bytes()
                                             .replace(b"Bekkestua", "Bærum".encode(), 1)
                                             .replace(b"Bekkestua", "Bærum".encode("cp1252"), 1))(d),
     ("participants.csv", 3, None, "error")),
    ("agreement.range", _edit("agreement.toml", "start = 2025-01-01", "start = 1500-01-01"),
     ("agreement.toml", 4, "start", "error")),
    ("agreement.small_cells", _edit("agreement.toml", None, "min_cell_size = 1"),
     ("agreement.toml", 7, "min_cell_size", "error")),
    ("agreement.small_cells_allowed", _edit("agreement.toml", None, "min_cell_size = 2\nallow_small_cells = true"),
     ("agreement.toml", 7, "min_cell_size", "warning")),
    ("agreement.control_character", _edit("agreement.toml", 'name = "Testavtale"', 'name = "Test\\u001b[2Javtale"'),
     ("agreement.toml", 2, "name", "error")),
]


def test_minimal_folder_is_valid() -> None:
    assert pe.validate(MINIMAL).empty


@pytest.mark.parametrize("rule,mutate,expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule(rule: str, mutate: Callable[[Path], None], expected: tuple, minimal_copy) -> None:
    folder = minimal_copy()
    mutate(folder)
    problems = pe.validate(folder)
    hits = problems[problems["rule"] == rule]
    assert len(hits), f"rule {rule} did not fire; got:\n{problems[['file', 'row', 'column', 'rule']]}"
    file, row, column, severity = expected
    hit = hits.iloc[0]
    assert hit["file"] == file
    assert (pd.isna(hit["row"]) if row is None else hit["row"] == row), hit.to_dict()
    if column is not None:
        assert hit["column"] == column
    assert hit["severity"] == severity
    # a message a person can read, in both languages, not a code
    assert len(hit["message_nb"]) > 20 and len(hit["message_en"]) > 20
    assert hit["message_nb"] != hit["message_en"]


def test_a_wrong_setting_keeps_the_agreements_language(minimal_copy) -> None:
    # the messages are for the people the agreement is written for, also when one of its
    # other settings is what is wrong (the language written, else its default nb)
    folder = minimal_copy()
    edit(folder, "agreement.toml", "annual_budget_nok = 2000000", 'annual_budget_nok = "mye"')
    with pytest.raises(pe.DataValidationError) as info:
        pe.load_dataset(folder)
    assert info.value.language == "nb"
    assert "feil" in str(info.value)
    edit(folder, "agreement.toml", None, 'language = "en"')
    with pytest.raises(pe.DataValidationError) as info:
        pe.load_dataset(folder)
    assert info.value.language == "en"


def test_errors_stop_loading_and_warnings_do_not(minimal_copy) -> None:
    folder = minimal_copy()
    edit(folder, "costs.csv", "lekse,2025-02-15", "lekse,2025-01-15")  # a warning
    ds = pe.load_dataset(folder)
    assert list(ds.warnings["rule"]) == ["cost.outside_pilot"]
    edit(folder, "sessions.csv", "2025-02-17,2", "2025-02-17,25")  # an error
    with pytest.raises(pe.DataValidationError) as info:
        pe.load_dataset(folder)
    assert set(info.value.problems["rule"]) == {"value.too_large", "cost.outside_pilot"}
    assert "sessions.csv" in str(info.value) and "hours" in str(info.value)


def test_identity_number_value_is_masked(minimal_copy) -> None:
    folder = minimal_copy()
    edit(folder, "participants.csv", "p-04,lekse", "01819010192,lekse")
    problems = pe.validate(folder)
    text = problems.to_string()
    assert "01819010192" not in text
    assert "pseudonymise" in problems.loc[problems["rule"] == "privacy.identity_number", "message_en"].iloc[0]


def test_ten_defects_all_reported_in_one_run() -> None:
    """The acceptance folder: ten different defects, all reported at once with file, row, column."""
    problems = pe.validate(MINIMAL.parent / "ten_defects")
    errors = problems[problems["severity"] == "error"]
    expected = {
        ("pilots.csv", 3, "end_date"), ("pilots.csv", 3, "target_age_min"), ("costs.csv", 4, "funder"),
        ("costs.csv", 5, "date"), ("participants.csv", 3, "exited_on"), ("participants.csv", 4, "exit_reason"),
        ("participants.csv", 6, "participant_id"), ("sessions.csv", 6, "hours"), ("outcomes.csv", 6, "value"),
        ("outcomes.csv", 8, "participant_id"),
    }
    found = {(r.file, int(r.row), r.column) for r in errors.itertuples()}
    assert expected <= found
    assert len(errors) == 10


def test_many_bad_rows_are_capped_with_a_summary(minimal_copy) -> None:
    folder = minimal_copy()
    lines = "\n".join(f"lekse,p-01,2025-03-{d:02d},99" for d in range(1, 29))
    lines += "\n" + "\n".join(f"lekse,p-01,2025-04-{d:02d},99" for d in range(1, 29))
    edit(folder, "sessions.csv", None, lines)
    from pilot_eval.schema import MAX_ROWS_PER_PROBLEM

    problems = pe.validate(folder)
    too_large = problems[problems["rule"] == "value.too_large"]
    assert len(too_large) == MAX_ROWS_PER_PROBLEM + 1
    assert too_large["message_en"].str.contains("6 more rows").sum() == 1
    # the summary line stands for the six rows it does not list: 56 rows, 56 problems
    assert sorted(too_large["count"].tolist()) == [1] * MAX_ROWS_PER_PROBLEM + [6]
    n_errors = count_problems(problems, "error")
    assert n_errors == len(problems[problems["severity"] == "error"]) + 5
    with pytest.raises(pe.DataValidationError) as caught:
        pe.load_dataset(folder)
    said = str(caught.value)  # in the agreement's language; what is not listed is counted too
    assert said.startswith(f"Datamappen har {n_errors} feil")
    listed = count_problems(caught.value.problems.head(caught.value.max_rows))
    assert said.endswith(f"… og {n_errors - listed} til")


@pytest.mark.parametrize(("file", "old", "new", "row"), [
    ("sessions.csv", "lekse,p-01,2025-02-17", "leks,p-01,2025-02-17", 2),
    ("outcomes.csv", "lekse,p-01,pilot,trivsel,baseline", "leks,p-01,pilot,trivsel,baseline", 2),
])
def test_an_unknown_pilot_is_one_error_not_two(minimal_copy, file, old, new, row) -> None:
    """A misspelt pilot is said once: its participant is not also 'not enrolled'."""
    folder = minimal_copy()
    edit(folder, file, old, new)
    problems = pe.validate(folder)
    on_row = problems[(problems["file"] == file) & (problems["row"] == row)]
    assert on_row["rule"].tolist() == ["fk.pilot"]
    assert on_row["value"].tolist() == ["leks"]


def test_a_follow_up_before_two_baselines_is_listed_once(minimal_copy) -> None:
    """Two baselines (itself an error) dated after the follow-up: one problem on its row."""
    folder = minimal_copy()
    edit(folder, "outcomes.csv", "p-01,pilot,trivsel,followup,2025-10-01",
         "p-01,pilot,trivsel,followup,2025-01-01")
    edit(folder, "outcomes.csv", None, "lekse,p-01,pilot,trivsel,baseline,2025-02-11,17")
    problems = pe.validate(folder)
    early = problems[problems["rule"] == "outcome.followup_before_baseline"]
    assert early["row"].tolist() == [3]
    assert count_problems(early) == 1


def test_a_capped_list_is_summed_up_per_pilot() -> None:
    """The rows after the first 50 are counted per pilot, so a pilot's report counts only
    its own; rows of many pilots (or of none) get one line for no pilot in particular."""
    from pilot_eval.schema import MAX_ROWS_PER_PROBLEM, Problems

    values = pd.Series(range(80), index=range(2, 82))
    pilots = pd.Series(["a", "b"] * 40, index=values.index)
    found = Problems()
    found.add_rows("sessions.csv", "r", values, "nb", "en", column="date", severity="warning",
                   pilot_ids=pilots)
    summary = found.frame().query("row.isna()")
    assert dict(zip(summary["pilot_id"], summary["count"])) == {"a": 15, "b": 15}
    assert summary["message_nb"].str.contains("for piloten «a»").sum() == 1
    assert count_problems(found.frame()) == 80 == MAX_ROWS_PER_PROBLEM + 30
    many = Problems()
    many.add_rows("sessions.csv", "r", values, "nb", "en", column="date",
                  pilot_ids=pd.Series([f"p{i}" for i in range(80)], index=values.index))
    summary = many.frame().query("row.isna()")
    assert summary["pilot_id"].isna().all() and summary["count"].tolist() == [30]
    always = Problems(pilots_per_summary=None)  # intake: one line per pilot, however many
    always.add_rows("sessions.csv", "r", values, "nb", "en", column="date",
                    pilot_ids=pd.Series([f"p{i}" for i in range(80)], index=values.index))
    summary = always.frame().query("row.isna()")
    assert summary["pilot_id"].tolist() == [f"p{i}" for i in range(50, 80)]
    assert summary["count"].tolist() == [1] * 30


def test_a_capped_list_counts_in_thousands_as_the_reports() -> None:
    from pilot_eval.schema import Problems

    values = pd.Series(range(1234), index=range(2, 1236))
    found = Problems()
    found.add_rows("sessions.csv", "r", values, "nb", "en", column="date")
    last = found.frame().iloc[-1]
    assert "… og 1\xa0184 rader til" in last["message_nb"] and last["count"] == 1184
    assert "… and 1,184 more rows" in last["message_en"]


def test_rules_override_is_kept(minimal_copy) -> None:
    folder = minimal_copy()
    edit(folder, "agreement.toml", None, "[rules]\nreach_green = 0.8")
    ds = pe.load_dataset(folder)
    assert ds.agreement.rules["reach_green"] == 0.8
    assert ds.agreement.rules_overridden == ("reach_green",)


def test_agreement_problems_are_all_reported_at_once(minimal_copy) -> None:
    folder = minimal_copy()
    edit(folder, "agreement.toml", "annual_budget_nok = 2000000",
         'annual_budget_nok = "mye"\nmin_cell_size = 0\ndiscount_rate = 9\nlanguage = "sv"')
    edit(folder, "agreement.toml", "end = 2026-12-31", "end = 2300-01-01")
    problems = pe.validate(folder)
    found = set(zip(problems["rule"], problems["column"]))
    assert {("agreement.type", "annual_budget_nok"), ("agreement.range", "min_cell_size"),
            ("agreement.range", "discount_rate"), ("agreement.language", "language"),
            ("agreement.range", "end")} <= found


def test_agreement_problems_name_the_line_of_the_setting(minimal_copy) -> None:
    folder = minimal_copy()
    edit(folder, "agreement.toml", "annual_budget_nok = 2000000",
         'annual_budget_nok = "mye"\n\n[rules]\nreach_green = "høy"\nnope = 1')
    problems = pe.validate(folder).set_index("column")
    text = (folder / "agreement.toml").read_text(encoding="utf-8").splitlines()
    for column, starts in (("annual_budget_nok", "annual_budget_nok ="),
                           ("rules.reach_green", "reach_green ="), ("rules.nope", "nope =")):
        row = int(problems.loc[column, "row"])
        assert text[row - 1].startswith(starts), (column, row)
    edit(folder, "agreement.toml", 'name = "Testavtale"\n', "")  # missing: no line to name
    missing = pe.validate(folder)
    assert missing.loc[missing["rule"] == "agreement.missing", "row"].isna().all()


def test_no_identity_number_or_control_character_in_any_problem(minimal_copy) -> None:
    # The number only in sessions: the foreign-key rule echoes the id it cannot find.
    folder = minimal_copy()
    edit(folder, "sessions.csv", "lekse,p-03", "lekse,150712 10100")
    edit(folder, "costs.csv", "jobb,2025-10-01", "jobb\x1b[2J,2025-10-01")
    problems = pe.validate(folder)
    assert {"privacy.identity_number", "fk.participant", "value.control_character",
            "fk.pilot"} <= set(problems["rule"])
    text = " ".join(str(v) for v in problems.to_numpy().ravel())
    assert "150712" not in text and "10100" not in text and "\x1b" not in text
    assert "jobb\\x1b[2J" in set(problems["value"])


@pytest.mark.parametrize("distinct_values", [5, 150])  # few: a table of combinations; many: hashing
def test_rows_of_finds_each_rows_key_as_a_lookup_does(distinct_values: int) -> None:
    import numpy as np

    from pilot_eval.schema import _rows_of, factorize_text

    rng = np.random.default_rng(distinct_values)
    names = [f"v{i}" for i in range(distinct_values)]
    left = pd.DataFrame({k: pd.Series(rng.choice([*names, ""], 3000), dtype="str")
                         for k in ("a", "b", "c")})
    left.loc[::97, "b"] = None  # a missing key matches nothing
    right = pd.DataFrame({k: rng.choice(names, 400) for k in ("a", "b", "c")}).drop_duplicates()
    right = right.astype("str").reset_index(drop=True)
    position = {tuple(row): i for i, row in enumerate(right.itertuples(index=False))}
    expected = [position.get(tuple(row), -1) for row in left.itertuples(index=False)]
    assert _rows_of(left, right).tolist() == expected
    given = {"a": factorize_text(left["a"])}  # the codes of a column known already
    assert _rows_of(left, right, given).tolist() == expected


def test_unique_rows_tell_an_empty_key_from_every_value() -> None:
    """Rows repeating ``unique_on`` are found through integer codes; an empty (missing) key
    is a value of its own, never the first category (``female``), and a row with one is
    never reported as a repeat."""
    from pilot_eval.schema import TABLES, Problems, check_table, type_table

    raw = pd.DataFrame({"year": ["2025"] * 4, "area": ["all"] * 4, "age": ["10"] * 4,
                        "gender": ["", "female", "female", ""], "count": ["1"] * 4},
                       index=[2, 3, 4, 5], dtype="str")
    problems = Problems()
    spec = TABLES["population"]
    check_table(spec, type_table(spec, raw, "population.csv", ",", problems), problems)
    found = problems.frame()
    assert found[["row", "rule"]].values.tolist() == [[4, "row.duplicate"]]


def test_one_more_row_is_said_in_the_singular() -> None:
    from pilot_eval.schema import MAX_ROWS_PER_PROBLEM, Problems

    values = pd.Series(range(MAX_ROWS_PER_PROBLEM + 1), index=range(2, MAX_ROWS_PER_PROBLEM + 3))
    found = Problems()
    found.add_rows("sessions.csv", "r", values, "nb", "en", column="date")
    last = found.frame().iloc[-1]
    assert last["message_nb"].startswith("… og 1 rad til med samme problem")
    assert last["message_en"].startswith("… and 1 more row with the same problem")
