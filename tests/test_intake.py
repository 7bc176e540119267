"""Intake of a delivery (src/pilot_eval/intake/merge.py, read.py): every rule, idempotent
re-delivery, the record kept, and an interrupted or concurrent intake leaving the folder
as it was.

The deliveries are built here with openpyxl in the template's layout (spec.py), so these
tests do not depend on the template writer; tests/test_intake_template.py checks that the
template writer's workbooks round-trip through the same reader.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.workbook.defined_name import DefinedName

import pilot_eval as pe
from pilot_eval.cli import main
from pilot_eval.errors import DataValidationError, UsageError, problems_frame
from pilot_eval.intake import merge, spec
from pilot_eval.intake.merge import read_log, take_delivery

SAMPLE = Path(__file__).parent.parent / "data" / "sample"

PILOT = "fritid"
TODAY = "2026-12-07"
NOW = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.timezone.utc)


def _cell(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value


def write_delivery(path: Path, tables: dict[str, pd.DataFrame], *, pilot: str = PILOT,
                   language: str = "nb", example: bool = True) -> Path:
    """A workbook in the template's layout holding ``tables`` (codes as in the data folder)."""
    wb = Workbook()
    ws = wb.active
    ws.title = spec.INSTRUCTIONS_TITLE[language]
    ws["A1"], ws["B1"] = "Pilot", pilot
    wb.defined_names[spec.PILOT_NAME] = DefinedName(
        spec.PILOT_NAME, attr_text=f"'{ws.title}'!$B$1")
    for sheet in spec.SHEETS:
        if sheet.table not in tables:
            continue
        w = wb.create_sheet(sheet.title(language))
        w.append([spec.header_text(c, language) for c in sheet.columns])
        if example:
            values = spec.example_values(sheet, language)
            w.append([values.get(c.name) for c in sheet.columns])
        frame = tables[sheet.table]
        for row in frame.itertuples(index=False):
            values = row._asdict()
            w.append([_cell(values.get(c.name)) for c in sheet.columns])
    wb.save(path)
    return path


def pilot_rows(ds: pe.Dataset, pilot: str = PILOT) -> dict[str, pd.DataFrame]:
    out = {}
    for sheet in spec.SHEETS:
        frame = ds.table(sheet.table)
        frame = frame[frame["pilot_id"].astype(str) == pilot].reset_index(drop=True)
        out[sheet.table] = frame.astype({c: object for c in frame.columns
                                         if isinstance(frame[c].dtype, pd.CategoricalDtype)})
    return out


def folder_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def full() -> pe.Dataset:
    if not (SAMPLE / "pilots.csv").exists():
        pytest.skip("data/sample not generated yet")
    return pe.load_dataset(SAMPLE)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The sample without the pilot's rows: it has not delivered anything yet."""
    dest = tmp_path / "data"
    shutil.copytree(SAMPLE, dest)
    for table in ("participants", "sessions", "costs", "outcomes"):
        path = dest / f"{table}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame[frame["pilot_id"] != PILOT].to_csv(path, index=False)
    return dest


def quarter(full: pe.Dataset, as_of: str) -> dict[str, pd.DataFrame]:
    return pilot_rows(full.as_of(as_of))


def take(folder: Path, path: Path, **kw) -> merge.IntakeResult:
    kw.setdefault("today", TODAY)
    kw.setdefault("now", NOW)
    return take_delivery(folder, path, **kw)


# --- accepted, recorded, idempotent ----------------------------------------------------------

def test_first_delivery_is_merged_and_kept_on_record(folder, full, tmp_path):
    rows = quarter(full, "2025-12-31")
    path = write_delivery(tmp_path / "q4.xlsx", rows)
    others_before = pe.load_dataset(folder).participants
    result = take(folder, path)
    assert result.accepted and not len(result.errors), result.problems
    counts = result.counts()
    assert counts.loc["participants", "added"] == len(rows["participants"])
    assert counts.loc["sessions", "added"] == len(rows["sessions"])
    assert counts[["changed", "removed", "corrections"]].to_numpy().sum() == 0
    assert f"{len(rows['sessions'])} nye rader" in result.summary("nb")

    after = pe.load_dataset(folder)
    mine = pilot_rows(after)
    for table in ("participants", "sessions", "costs", "outcomes"):
        columns = [c.name for c in spec.sheet_for(table).columns]
        pd.testing.assert_frame_equal(
            mine[table][columns].reset_index(drop=True), rows[table][columns].reset_index(drop=True),
            check_dtype=False, check_categorical=False)
    others = after.participants[after.participants["pilot_id"].astype(str) != PILOT]
    pd.testing.assert_frame_equal(others.reset_index(drop=True),
                                  others_before.reset_index(drop=True), check_categorical=False)

    log = read_log(folder)
    assert len(log) == 1
    entry = log[0]
    assert entry["pilot_id"] == PILOT and entry["original_name"] == "q4.xlsx"
    assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert entry["received_at"] == "2026-12-07T09:30:00+00:00"
    assert entry["data_until"] <= "2025-12-31"
    stored = folder / entry["file"]
    assert stored.read_bytes() == path.read_bytes()  # kept unchanged
    assert not os.access(stored, os.W_OK) or os.geteuid() == 0
    assert (stored.with_suffix(".changes.txt")).read_text(encoding="utf-8").startswith("Tatt inn")
    assert result.record == folder.resolve() / entry["file"]



@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_record_of_changes_is_in_the_folders_language_and_opens_in_excel(
        folder, full, tmp_path, language):
    toml = folder / "agreement.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(re.sub(r'(?m)^language = .*$', f'language = "{language}"', text)
                    if re.search(r"(?m)^language = ", text) else f'language = "{language}"\n' + text,
                    encoding="utf-8")
    take(folder, write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31")))
    stored = folder / read_log(folder)[-1]["file"]
    summary = stored.with_suffix(".changes.txt").read_text(encoding="utf-8")
    assert summary.startswith("Tatt inn" if language == "nb" else "Taken in"), summary[:80]
    assert ("Alle endringene: " if language == "nb" else "All changes: ") in summary
    data = stored.with_suffix(".changes.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 that Excel recognises
    header = data[3:].decode("utf-8").splitlines()[0]
    assert header.split(";")[:3] == ["table", "change", "key"]  # semicolons: one per column
    listed = pd.read_csv(stored.with_suffix(".changes.csv"), sep=";", encoding="utf-8-sig")
    assert len(listed) == int(read_log(folder)[-1]["rows_added"])


def test_a_delivery_is_written_where_the_pilots_rows_were(full, tmp_path):
    # the pilot's rows in the middle of the folder: a new delivery replaces them in place,
    # so a diff of the folder shows what changed, not the pilot's block moved to the end
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE, folder)
    sessions = pd.read_csv(folder / "sessions.csv", dtype=str, keep_default_na=False)
    mine = sessions["pilot_id"].eq(PILOT)
    others = sessions[~mine]
    sessions = pd.concat([others.iloc[:len(others) // 2], sessions[mine],
                          others.iloc[len(others) // 2:]], ignore_index=True)
    sessions.to_csv(folder / "sessions.csv", index=False)
    rows = pilot_rows(full)
    rows["sessions"] = rows["sessions"].copy()
    rows["sessions"].iloc[0, rows["sessions"].columns.get_loc("hours")] = 2.5
    result = take(folder, write_delivery(tmp_path / "all.xlsx", rows))
    assert result.accepted, result.problems
    assert result.counts().loc["sessions", ["added", "removed"]].tolist() == [1, 1]
    after = pd.read_csv(folder / "sessions.csv", dtype=str, keep_default_na=False)
    assert after["pilot_id"].tolist() == sessions["pilot_id"].tolist()
    others = after["pilot_id"].ne(PILOT).to_numpy()  # the same rows in the same places
    as_values = {"hours": float}  # written back as "1" where the sample wrote "1.0"
    pd.testing.assert_frame_equal(after[others].astype(as_values),
                                  sessions[others].astype(as_values))

def test_the_same_delivery_twice_changes_nothing_and_says_so(folder, full, tmp_path):
    path = write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31"))
    take(folder, path)
    before = folder_digest(folder)
    again = take(folder, path, now=NOW + dt.timedelta(hours=1))
    assert again.unchanged and not again.accepted and again.changes.empty
    assert "Ingen endringer" in again.summary("nb")
    assert folder_digest(folder) == before
    # the same rows in a new file (saved again by Excel) change nothing either
    copy = write_delivery(tmp_path / "q4-again.xlsx", quarter(full, "2025-12-31"), example=False)
    assert take(folder, copy).unchanged


def test_next_quarter_shows_additions_changes_and_corrections(folder, full, tmp_path):
    take(folder, write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31")))
    rows = quarter(full, "2026-03-31")
    early = rows["participants"]["enrolled_on"].idxmin()
    corrected_id = rows["participants"].at[early, "participant_id"]
    rows["participants"].at[early, "gender"] = (
        "male" if rows["participants"].at[early, "gender"] != "male" else "female")
    result = take(folder, write_delivery(tmp_path / "q1.xlsx", rows))
    assert result.accepted, result.problems
    changed = result.changes[result.changes["change"] == "changed"]
    gender = changed[changed["column"] == "gender"]
    assert list(gender["key"]) == [corrected_id]
    assert gender["correction"].all()  # enrolled before the last delivery's end: a correction
    exits = changed[changed["column"] == "exited_on"]
    assert len(exits) and not exits["correction"].any()  # news, not a correction
    entry = read_log(folder)[-1]
    assert entry["corrections"] == int(result.changes["correction"].sum()) >= 1
    assert entry["corrected_until"] is not None
    lines = merge.change_lines(result, "nb")
    assert any("Kjønn" in line and "→" in line for line in lines)


def test_dry_run_writes_nothing(folder, full, tmp_path):
    before = folder_digest(folder)
    result = take(folder, write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31")),
                  dry_run=True)
    assert not result.accepted and len(result.changes)
    assert "Prøvekjøring" in result.summary("nb")
    assert folder_digest(folder) == before


# --- the rules ---------------------------------------------------------------------------------

def test_a_participant_who_vanished_is_an_error_unless_accepted(folder, full, tmp_path):
    take(folder, write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31")))
    rows = quarter(full, "2025-12-31")
    gone = rows["participants"].at[0, "participant_id"]
    # the row deleted by mistake, the person's attendance and measurements still there
    kept = write_delivery(tmp_path / "kept.xlsx", {
        **rows, "participants": rows["participants"][rows["participants"]["participant_id"] != gone]})
    said = take(folder, kept, dry_run=True).errors
    assert said["value"].eq(gone).sum() == 1  # one cause, one error: "missing now"
    assert said["rule"].eq("intake.participant_vanished").sum() == 1
    for table in ("participants", "sessions", "outcomes"):
        rows[table] = rows[table][rows[table]["participant_id"] != gone]
    path = write_delivery(tmp_path / "less.xlsx", rows)
    before = folder_digest(folder)
    refused = take(folder, path)
    vanished = refused.errors[refused.errors["rule"] == "intake.participant_vanished"]
    assert list(vanished["value"]) == [gone] and not refused.accepted
    assert folder_digest(folder) == before
    accepted = take(folder, path, accept_removals=True)
    assert accepted.accepted
    assert accepted.counts().loc["participants", "removed"] == 1
    left = pe.load_dataset(folder).participants
    assert gone not in set(left["participant_id"].astype(str))


def test_identity_numbers_are_refused_before_anything_is_written(folder, full, tmp_path):
    rows = quarter(full, "2025-12-31")
    rows["participants"].at[1, "participant_id"] = "15071210100"  # valid check digits
    path = write_delivery(tmp_path / "fnr.xlsx", rows)
    before = folder_digest(folder)
    result = take(folder, path)
    hits = result.errors[result.errors["rule"] == "privacy.identity_number"]
    assert len(hits) == 1 and hits["value"].iloc[0] == "*" * 11
    assert "15071210100" not in result.problems.to_csv()
    assert result.changes.empty  # never compared, never combined
    assert folder_digest(folder) == before
    assert not list(folder.parent.glob(f".{folder.name}.intake-*"))



def test_an_identity_number_does_not_hide_the_deliverys_other_problems(folder, full, tmp_path):
    """Every problem at once: the entrepreneur mends the number and the rest in one go."""
    path = write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31"))
    wb = load_workbook(path)
    ws = wb["Deltakere"]
    ws["A3"] = "15071210100"  # an identity number as a pseudonym
    ws["F4"] = "jentee"       # not a list word
    ws["B5"] = "32.13.2025"   # not a date
    wb.save(path)
    before = folder_digest(folder)
    result = take(folder, path)
    rules = result.errors.groupby("rule").size().to_dict()
    assert rules == {"privacy.identity_number": 1, "value.not_allowed": 1, "value.not_date": 1}
    assert result.errors.set_index("rule").loc["privacy.identity_number", "cell"] == "A3"
    assert "15071210100" not in result.problems.to_csv() and result.changes.empty
    assert folder_digest(folder) == before

def test_cell_errors_name_sheet_row_column_and_cell(folder, full, tmp_path):
    rows = quarter(full, "2025-12-31")
    path = write_delivery(tmp_path / "bad.xlsx", rows)
    wb = load_workbook(path)
    ws = wb["Deltakere"]
    ws["F4"] = "jentee"        # not a list word
    ws["B5"] = dt.date(2031, 1, 1)   # in the future
    ws["B6"] = dt.date(2019, 5, 5)   # before the pilot
    wb["Oppmøte"]["C4"] = 30   # more than 24 hours
    wb["Kostnader"]["B4"] = "banken"
    wb.save(path)
    result = take(folder, path)
    found = {(r.file, r.row, r.cell, r.rule) for r in result.errors.itertuples()}
    assert ("Deltakere", 4, "F4", "value.not_allowed") in found
    assert ("Deltakere", 5, "B5", "intake.future_date") in found
    assert ("Deltakere", 6, "B6", "intake.outside_pilot") in found
    assert ("Oppmøte", 4, "C4", "value.too_large") in found
    assert ("Kostnader", 4, "B4", "value.not_allowed") in found
    words = result.errors.loc[result.errors["cell"] == "F4", "message_nb"].iloc[0]
    assert "jente/kvinne" in words and "female" not in words
    people = merge.for_people(result.problems, "nb")
    assert "Kjønn (F4)" in set(people["column"])
    assert not result.accepted


def test_rows_of_another_pilot_are_refused(folder, full, tmp_path):
    rows = quarter(full, "2025-12-31")["costs"]
    other = pilot_rows(full, "mentor")["costs"].head(2)
    both = pd.concat([rows, other], ignore_index=True)
    path = tmp_path / "costs.csv"
    both.to_csv(path, index=False)
    result = take(folder, path, pilot=PILOT)
    bad = result.errors[result.errors["rule"] == "intake.other_pilot"]
    assert len(bad) == 2 and set(bad["value"]) == {"mentor"}
    assert set(bad["row"]) == {len(rows) + 2, len(rows) + 3}  # the file's own row numbers
    # without them the table alone is taken in, and only that table is touched
    rows.to_csv(path, index=False)
    accepted = take(folder, path, pilot=PILOT)
    assert accepted.accepted and accepted.tables == ("costs",)


def test_workbook_of_another_pilot_and_unknown_pilot(folder, full, tmp_path):
    path = write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31"))
    mismatch = take(folder, path, pilot="mentor")
    assert "intake.pilot_mismatch" in set(mismatch.errors["rule"])
    unknown = write_delivery(tmp_path / "x.xlsx", quarter(full, "2025-12-31"), pilot="nope")
    assert "intake.pilot_unknown" in set(take(folder, unknown).errors["rule"])


def test_the_example_row_is_skipped_only_while_unchanged(folder, full, tmp_path):
    rows = quarter(full, "2025-12-31")
    path = write_delivery(tmp_path / "q4.xlsx", rows)
    assert take(folder, path, dry_run=True).counts().loc["participants", "added"] == \
        len(rows["participants"])
    wb = load_workbook(path)
    wb["Deltakere"]["A2"] = "D-900"  # typed over the example: a real row
    wb.save(path)
    result = take(folder, path, dry_run=True)
    assert result.counts().loc["participants", "added"] == len(rows["participants"]) + 1


def test_list_words_in_either_language_become_codes(folder, full, tmp_path):
    rows = quarter(full, "2025-12-31")
    path = write_delivery(tmp_path / "en.xlsx", rows, language="en")
    wb = load_workbook(path)
    ws = wb["Participants"]
    gender = [c.column_letter for c in ws[1] if c.value.endswith("gender")][0]
    for r in range(3, ws.max_row + 1):  # words, not codes, as the lists offer them
        code = ws[f"{gender}{r}"].value
        ws[f"{gender}{r}"] = spec.CHOICE_LABELS["gender"][code]["nb"] if code else None
    wb.save(path)
    result = take(folder, path)
    assert result.accepted, result.problems
    got = pilot_rows(pe.load_dataset(folder))["participants"]["gender"].astype(str)
    assert list(got) == list(rows["participants"]["gender"].astype(str))


def test_the_folder_must_be_valid_first(folder, full, tmp_path):
    pilots = folder / "pilots.csv"
    pilots.write_text(pilots.read_text(encoding="utf-8").replace("2025-02-01", "2025-02-31", 1),
                      encoding="utf-8")
    path = write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31"))
    with pytest.raises(DataValidationError):
        take(folder, path)


# --- all or nothing --------------------------------------------------------------------------

def test_an_interrupted_intake_leaves_the_folder_as_it_was(folder, full, tmp_path, monkeypatch):
    path = write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31"))
    before = folder_digest(folder)

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(merge, "switch_folder", stop)
    with pytest.raises(KeyboardInterrupt):
        take(folder, path)
    assert folder_digest(folder) == before
    assert not list(folder.parent.glob(f".{folder.name}.intake-*"))
    monkeypatch.undo()
    assert take(folder, path).accepted  # and the next try goes through


def test_a_second_intake_waits_for_the_first(folder, full, tmp_path, monkeypatch):
    path = write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31"))
    monkeypatch.setattr(merge, "LOCK_WAIT_SECONDS", 0.3)
    fd = os.open(folder.resolve().parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(UsageError, match="Another intake"):
            take(folder, path)
    finally:
        os.close(fd)
    assert take(folder, path).accepted


def test_a_data_folder_table_in_excel_is_rewritten_as_csv(folder, full, tmp_path):
    costs = pd.read_csv(folder / "costs.csv", dtype=str, keep_default_na=False)
    costs.to_excel(folder / "costs.xlsx", index=False, sheet_name="costs")
    (folder / "costs.csv").unlink()
    result = take(folder, write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31")))
    assert result.accepted, result.problems
    assert (folder / "costs.csv").exists() and not (folder / "costs.xlsx").exists()
    assert not len(pe.validate(folder).query("severity == 'error'"))


# --- the command ---------------------------------------------------------------------------

def test_cli_exit_codes_and_feedback(folder, full, tmp_path, capsys):
    good = write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31"))
    assert main(["intake", str(folder), str(good), "--dry-run"]) == 0
    assert "Prøvekjøring" in capsys.readouterr().out
    assert main(["intake", str(folder), str(good)]) == 0
    assert "Tatt inn" in capsys.readouterr().out
    assert main(["intake", str(folder), str(good)]) == 0
    assert "Ingen endringer" in capsys.readouterr().out
    bad = write_delivery(tmp_path / "bad.xlsx", quarter(full, "2026-03-31"))
    wb = load_workbook(bad)
    wb["Oppmøte"]["C3"] = 30
    wb.save(bad)
    original = bad.read_bytes()
    assert main(["intake", str(folder), str(bad)]) == 1
    out = capsys.readouterr().out
    assert "Timer (C3)" in out and "ikke tatt inn" in out
    assert bad.read_bytes() == original  # the delivery itself is never touched
    feedback = tmp_path / "bad-tilbakemelding.xlsx"
    assert feedback.exists()
    assert main(["intake", str(folder), str(tmp_path / "missing.xlsx")]) == 2
    assert len(read_log(folder)) == 1
    assert json.loads((folder / "deliveries" / "log.jsonl").read_text().splitlines()[0])


# --- found in review: exact values, identity numbers anywhere, the example, copies ----------

def test_other_pilots_values_are_kept_exactly(folder, full, tmp_path):
    costs = folder / "costs.csv"
    frame = pd.read_csv(costs, dtype=str, keep_default_na=False)
    others = frame.index[frame["pilot_id"] != PILOT][:3]
    frame.loc[others, "amount_nok"] = ["12345678.91", "1234567891", "0.6666666666666666"]
    frame.to_csv(costs, index=False)
    before = pe.load_dataset(folder).costs
    assert take(folder, write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31"))).accepted
    after = pe.load_dataset(folder).costs
    keep = lambda f: f[f["pilot_id"].astype(str) != PILOT].reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(keep(after), keep(before), check_exact=True,
                                  check_categorical=False)


def test_an_identity_number_is_marked_in_its_own_cell(folder, full, tmp_path):
    """The list, the link and the colour point at the cell the message names."""
    from pilot_eval.intake.feedback import write_feedback

    path = write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31"))
    wb = load_workbook(path)
    ws = wb["Kostnader"]
    column = next(c.column_letter for c in ws[1] if spec.column_of_header(
        spec.sheet_for("costs"), c.value) == "description")
    ws[f"{column}4"] = "Lønn til 15071210100"
    wb.save(path)
    hit = take(folder, path).errors.query("rule == 'privacy.identity_number'")
    assert hit[["column", "cell"]].values.tolist() == [["description", f"{column}4"]]
    assert f"{column}4" in hit["message_nb"].iloc[0]
    marked = load_workbook(write_feedback(path, hit, tmp_path / "f.xlsx"))["Kostnader"]
    assert marked[f"{column}4"].comment is not None and marked["A4"].comment is None


def test_identity_numbers_in_cells_intake_does_not_read_are_refused(folder, full, tmp_path):
    path = write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31"))
    wb = load_workbook(path)
    wb["Deltakere"]["K5"] = "Fødselsnummer 15071210100"  # a column without a header
    notes = wb.create_sheet("Notater")
    notes["A1"] = "15071210100"
    notes.sheet_state = "hidden"
    wb.save(path)
    before = folder_digest(folder)
    result = take(folder, path)
    hits = result.errors[result.errors["rule"] == "privacy.identity_number"]
    assert set(hits["file"]) == {"Deltakere", "Notater"}
    assert "15071210100" not in result.problems.to_csv()
    assert folder_digest(folder) == before


def test_identical_rows_removed_are_each_counted(folder, full, tmp_path):
    rows = quarter(full, "2025-12-31")
    sessions = rows["sessions"]
    rows["sessions"] = pd.concat([sessions, sessions.iloc[[0, 0]]], ignore_index=True)
    take(folder, write_delivery(tmp_path / "q4.xlsx", rows))
    rows["sessions"] = sessions
    result = take(folder, write_delivery(tmp_path / "q4b.xlsx", rows))
    assert result.counts().loc["sessions", "removed"] == 2


def test_an_edited_example_row_is_an_error_not_data(folder, full, tmp_path):
    path = write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31"))
    wb = load_workbook(path)
    wb["Oppmøte"]["C2"] = 2.0  # EKSEMPEL kept, hours changed
    wb.save(path)
    result = take(folder, path)
    edited = result.errors[result.errors["rule"] == "intake.example_edited"]
    assert list(edited["file"]) == ["Oppmøte"] and not result.accepted


def test_a_linked_record_folder_is_refused(folder, full, tmp_path):
    (tmp_path / "archive").mkdir()
    (folder / "deliveries").symlink_to(tmp_path / "archive")
    with pytest.raises(UsageError, match="real folder"):
        take(folder, write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31")))
    assert not list((tmp_path / "archive").iterdir())


def test_many_removed_rows_are_an_error_unless_accepted(folder, full, tmp_path):
    take(folder, write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31")))
    rows = quarter(full, "2025-12-31")
    rows["sessions"] = rows["sessions"].iloc[:1]  # a workbook started afresh
    path = write_delivery(tmp_path / "fresh.xlsx", rows)
    refused = take(folder, path)
    assert "intake.rows_removed" in set(refused.errors["rule"]) and not refused.accepted
    accepted = take(folder, path, accept_removals=True)
    assert accepted.accepted
    assert "intake.rows_removed" in set(accepted.problems["rule"])  # kept as a warning


def test_the_folders_extra_columns_stay_with_their_rows(folder, full, tmp_path):
    take(folder, write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31")))
    path = folder / "participants.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["note"] = ""
    mine = frame.index[frame["pilot_id"] == PILOT]
    frame.loc[mine[0], "note"] = "called the family, 12.01."
    noted = frame.at[mine[0], "participant_id"]
    frame.to_csv(path, index=False)
    assert take(folder, write_delivery(tmp_path / "q1.xlsx", quarter(full, "2026-03-31"))).accepted
    after = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = after[(after["pilot_id"] == PILOT) & (after["participant_id"] == noted)]
    assert list(row["note"]) == ["called the family, 12.01."]


@pytest.mark.parametrize(("name", "head"), [("rapport.ods", b"PK\x03\x04"),
                                            ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")])
def test_a_workbook_intake_cannot_read_says_how_to_save_it(folder, tmp_path, name, head):
    path = tmp_path / name
    path.write_bytes(head + b"\x00" * 64)
    result = take(folder, path)
    assert list(result.errors["rule"]) == ["intake.not_xlsx"]
    assert ".xlsx" in result.errors["message_nb"].iloc[0]


def test_data_under_no_header_is_named(folder, full, tmp_path):
    path = write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31"))
    wb = load_workbook(path)
    wb["Deltakere"]["K5"] = "stray note"
    wb.save(path)
    result = take(folder, path, dry_run=True)
    stray = result.problems[result.problems["rule"] == "intake.column_without_header"]
    assert len(stray) == 1 and "K" in stray["message_en"].iloc[0]
    assert not (result.problems["column"].astype(str) == "nan").any()


# --- cost types (issue 13) ---------------------------------------------------------------------

def _cost_type_column(ws) -> str:
    return next(c.column_letter for c in ws[spec.HEADER_ROW] if str(c.value).endswith("cost_type"))


def test_a_delivery_with_cost_types_lands_them_in_the_costs_table(folder, full, tmp_path):
    rows = quarter(full, "2025-12-31")
    path = write_delivery(tmp_path / "q4.xlsx", rows)
    wb = load_workbook(path)
    ws = wb["Kostnader"]
    letter = _cost_type_column(ws)
    words = {"start_up": "oppstart", "fixed": "FAST", "variable": "variabel"}  # any case
    for r in range(spec.FIRST_DATA_ROW, ws.max_row + 1):
        ws[f"{letter}{r}"] = words[ws[f"{letter}{r}"].value]
    wb.save(path)
    result = take(folder, path)
    assert result.accepted, result.problems
    costs = pilot_rows(pe.load_dataset(folder))["costs"]
    # fritid's lines in 2025: the start-up purchase, the entrepreneur's own effort (fixed),
    # the rest variable, as the sample has them
    assert list(costs["cost_type"].astype(str)) == list(rows["costs"]["cost_type"].astype(str))
    assert set(costs["cost_type"].astype(str)) == {"start_up", "fixed", "variable"}
    assert costs.loc[costs["cost_type"] == "start_up", "amount_nok"].tolist() == [120_000]
    written = pd.read_csv(folder / "costs.csv", dtype=str, keep_default_na=False)
    mine = written[written["pilot_id"] == PILOT]
    assert mine["cost_type"].value_counts().to_dict() == costs["cost_type"].astype(
        str).value_counts().to_dict()


def test_empty_cost_types_are_variable_and_a_wrong_word_names_the_list(folder, full, tmp_path):
    rows = quarter(full, "2025-12-31")
    rows["costs"]["cost_type"] = None
    result = take(folder, write_delivery(tmp_path / "empty.xlsx", rows))
    assert result.accepted, result.problems
    costs = pilot_rows(pe.load_dataset(folder))["costs"]
    assert set(costs["cost_type"].astype(str)) == {"variable"}

    path = write_delivery(tmp_path / "bad.xlsx", rows, language="en")
    wb = load_workbook(path)
    ws = wb["Costs"]
    ws[f"{_cost_type_column(ws)}4"] = "cheap"
    wb.save(path)
    bad = take(folder, path)
    hit = bad.errors[bad.errors["rule"] == "value.not_allowed"]
    assert list(zip(hit["file"], hit["row"], hit["column"])) == [("Costs", 4, "cost_type")]
    assert "oppstart, fast, variabel" in hit["message_nb"].iloc[0]
    assert "start-up, fixed, variable" in hit["message_en"].iloc[0]
    assert not bad.accepted


def test_a_workbook_made_before_the_cost_type_column_is_accepted(folder, full, tmp_path):
    path = write_delivery(tmp_path / "old.xlsx", quarter(full, "2025-12-31"))
    wb = load_workbook(path)
    ws = wb["Kostnader"]
    ws.delete_cols(ws[f"{_cost_type_column(ws)}1"].column)  # example row kept as it was
    wb.save(path)
    result = take(folder, path)
    assert result.accepted and not len(result.problems), result.problems
    costs = pilot_rows(pe.load_dataset(folder))["costs"]
    assert len(costs) == len(quarter(full, "2025-12-31")["costs"])
    assert set(costs["cost_type"].astype(str)) == {"variable"}  # the default


def test_an_older_workbook_without_the_cost_type_keeps_the_folders_types(folder, full, tmp_path):
    """A workbook made before the cost type column, re-delivered unchanged into a folder that
    has the types, changes nothing: its rows are compared with the folder's types, not the
    default, so no typed row counts as removed (the delivery was refused for it)."""
    take(folder, write_delivery(tmp_path / "q1.xlsx", pilot_rows(full)))
    before = folder_digest(folder)
    path = write_delivery(tmp_path / "old.xlsx", pilot_rows(full))
    wb = load_workbook(path)
    ws = wb[next(s.title("nb") for s in spec.SHEETS if s.table == "costs")]
    column = next(c.column for c in ws[1] if c.value and "cost_type" in str(c.value))
    ws.delete_cols(column)
    wb.save(path)
    result = take(folder, path, now=NOW + dt.timedelta(hours=1))
    assert not len(result.errors), result.errors
    assert result.changes.empty
    assert folder_digest(folder) == before
    types = pd.read_csv(folder / "costs.csv", dtype=str)
    assert {"fixed", "start_up"} <= set(types.loc[types["pilot_id"] == PILOT, "cost_type"])


def _attend_before_enrolment(sessions: pd.DataFrame, participants: pd.DataFrame,
                             start: pd.Timestamp, n: int) -> pd.DataFrame:
    """``n`` attendance rows moved to the day before their participant enrolled (inside
    the pilot's period): validate's warning ``session.outside_enrolment``."""
    enrolled = pd.to_datetime(participants.set_index("participant_id")["enrolled_on"])
    day_before = pd.to_datetime(sessions["participant_id"].map(enrolled)) - pd.Timedelta(days=1)
    movable = sessions.index[day_before > start][:n]
    assert len(movable) == n
    out = sessions.copy()
    text = not pd.api.types.is_datetime64_any_dtype(out["date"])
    out.loc[movable, "date"] = day_before[movable].dt.strftime("%Y-%m-%d") if text \
        else day_before[movable]
    return out


def test_capped_warnings_about_other_pilots_rows_are_not_the_deliverys(folder, full, tmp_path):
    """Another pilot's 60 warnings in the folder are listed 50 and "… and 10 more rows"; a
    delivery with 5 of its own must count 5, not the other pilot's 10 as well."""
    other = "mentor"
    pilots = full.pilots.set_index(full.pilots["pilot_id"].astype(str))
    sessions = pd.read_csv(folder / "sessions.csv", dtype=str, keep_default_na=False)
    participants = pd.read_csv(folder / "participants.csv", dtype=str, keep_default_na=False)
    theirs = sessions["pilot_id"] == other
    moved = _attend_before_enrolment(sessions[theirs],
                                     participants[participants["pilot_id"] == other],
                                     pilots.at[other, "start_date"], 60)
    sessions.loc[moved.index, "date"] = moved["date"]
    sessions.to_csv(folder / "sessions.csv", index=False)
    before = pe.validate(folder)
    assert (before["rule"] == "session.outside_enrolment").sum() == 51  # 50 listed and a line

    rows = quarter(full, "2026-06-30")
    rows["sessions"] = _attend_before_enrolment(
        rows["sessions"], rows["participants"], pilots.at[PILOT, "start_date"], 5)
    result = take(folder, write_delivery(tmp_path / "q2.xlsx", rows), dry_run=True)
    assert not len(result.errors), result.problems
    ours = result.problems[result.problems["rule"] == "session.outside_enrolment"]
    assert merge.count_problems(ours) == 5 and ours["row"].notna().all()  # listed, by row
    assert not ours["pilot_id"].ne(PILOT).any()
    sheet = spec.sheet_for("sessions").title("nb")
    assert ours["file"].eq(sheet).all()
    assert "5 advarsler" in result.summary("nb")


def test_the_summary_counts_in_the_catalogs_words_and_grouped(tmp_path):
    """1 234 rows added and one changed: grouped as in the reports, singular for one."""
    changes = pd.DataFrame({
        "table": ["sessions"] * 1234 + ["participants"],
        "change": ["added"] * 1234 + ["changed"],
        "row_id": range(1235), "correction": [False] * 1234 + [True]})
    result = merge.IntakeResult(PILOT, tmp_path / "q.xlsx", problems=problems_frame(),
                                changes=changes, accepted=True,
                                tables=("participants", "sessions"))
    nb, en = result.summary("nb"), result.summary("en")
    assert "Tatt inn for fritid: 1\xa0234 nye rader, 1 endret rad." in nb
    assert "1 retting av en periode som alt er levert" in nb
    assert "Taken in for fritid: 1,234 rows added, 1 row changed." in en


def test_a_capped_list_names_the_sheets_column_and_follows_its_rows(folder, full, tmp_path):
    """60 unreadable hours: 50 listed, then "… og 10 rader til" naming «Timer» (the
    sheet's word), placed after the rows it continues in the feedback workbook."""
    from pilot_eval.intake.feedback import write_feedback

    rows = quarter(full, "2026-06-30")
    assert len(rows["sessions"]) >= 60
    rows["sessions"] = rows["sessions"].astype({"hours": object})
    rows["sessions"].loc[rows["sessions"].index[:60], "hours"] = "mye"
    path = write_delivery(tmp_path / "q2.xlsx", rows)
    result = take(folder, path, dry_run=True)
    bad = result.errors[result.errors["rule"] == "value.not_number"]
    assert merge.count_problems(bad) == 60
    line = bad[bad["row"].isna()].iloc[0]
    label_nb = spec.sheet_for("sessions").column("hours").label("nb")
    label_en = spec.sheet_for("sessions").column("hours").label("en")
    assert f"… og 10 rader til med samme problem i kolonnen «{label_nb}»" in line["message_nb"]
    assert f"in column '{label_en}'" in line["message_en"]
    listed = load_workbook(write_feedback(path, result.problems, tmp_path / "f.xlsx"))
    messages = [row[5].value for row in listed.worksheets[0].iter_rows(min_row=6)]
    hours = [i for i, m in enumerate(messages) if m and ("mye" in m or "rader til" in m)]
    assert "rader til" in messages[hours[-1]]  # after the 50 rows it continues


def test_a_row_in_error_is_not_also_counted_as_removed(folder, full, tmp_path):
    """Unreadable hours in one attendance row delivered before: that row's error, not also
    "1 of N rows delivered before are missing now"; a row really deleted still counts."""
    take(folder, write_delivery(tmp_path / "q4.xlsx", quarter(full, "2025-12-31")))
    rows = quarter(full, "2025-12-31")
    rows["sessions"] = rows["sessions"].astype({"hours": object})
    rows["sessions"].loc[rows["sessions"].index[0], "hours"] = "x"
    result = take(folder, write_delivery(tmp_path / "bad.xlsx", rows), dry_run=True)
    assert result.errors["rule"].tolist() == ["value.not_number"]
    assert not result.problems["rule"].eq("intake.rows_removed").any()
    rows["sessions"] = rows["sessions"].drop(index=rows["sessions"].index[1])
    result = take(folder, write_delivery(tmp_path / "less.xlsx", rows), dry_run=True)
    removed = result.problems[result.problems["rule"] == "intake.rows_removed"]
    assert removed["message_en"].str.startswith("1 of ").tolist() == [True]


def test_missing_participants_with_many_rows_are_still_one_error_each(folder, full, tmp_path):
    """Participants whose attendance runs past the listing's cap: no "… and N more rows"
    line of their attendance is left over either (they are checked as if put back)."""
    take(folder, write_delivery(tmp_path / "q2.xlsx", quarter(full, "2026-06-30")))
    rows = quarter(full, "2026-06-30")
    per_person = rows["sessions"]["participant_id"].value_counts()
    gone = list(per_person.index[:(per_person.cumsum() <= 80).sum() + 1])
    assert per_person[gone].sum() > 50  # more than the listing shows
    rows["participants"] = rows["participants"][~rows["participants"]["participant_id"].isin(gone)]
    result = take(folder, write_delivery(tmp_path / "less.xlsx", rows), dry_run=True)
    assert result.errors["rule"].tolist() == ["intake.participant_vanished"] * len(gone)
    assert merge.count_problems(result.errors) == len(gone)
