"""What changed since the last report (pilot_eval.present.changes), and a series of two
report sets rendered into one output folder."""

from __future__ import annotations

import json
import logging
import math
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

import pilot_eval as pe
from pilot_eval.metrics import metric_tables
from pilot_eval.present import changes as ch
from pilot_eval.present import tables, text
from pilot_eval.render.workbook import prepare, write_metric_files
from tests.conftest import ROOT

SAMPLE = ROOT / "data" / "sample"
NBSP = "\u00a0"

BASE = {"enrolled": 52.0, "enrolled_code": "", "fund_cost_nok": 400_000.0,
        "reach_status": "yellow", "cost_status": "green", "outcome_status": "grey",
        "recommendation": "continue"}


def snap(as_of: str, pilots: dict[str, dict] | None = None,
         results: dict[tuple[str, str], tuple[bool, str | None]] | None = None, *,
         inputs: dict[str, str] | None = None, created: str | None = None) -> ch.Snapshot:
    """A hand-made snapshot: pilot id → fields over :data:`BASE`; (pilot, measure) →
    (shown, evidence rating)."""
    pilots = {"a": {}} if pilots is None else pilots
    frame = pd.DataFrame([{**BASE, **v} for v in pilots.values()],
                         index=pd.Index(list(pilots), name="pilot_id"),
                         columns=list(BASE)).astype({"enrolled_code": object})
    keys = pd.MultiIndex.from_tuples(list(results or {}), names=["pilot_id", "measure"])
    res = pd.DataFrame({"shown": pd.Series([v[0] for v in (results or {}).values()],
                                           index=keys, dtype=bool),
                        "evidence_rating": pd.Series([v[1] for v in (results or {}).values()],
                                                     index=keys, dtype=object)})
    return ch.Snapshot(as_of=pd.Timestamp(as_of), pilots=frame, results=res,
                       inputs=inputs or {},
                       created_utc=pd.Timestamp(created) if created else None)


def row(changes: ch.Changes, pilot: str, topic: str) -> dict:
    found = changes.frame[(changes.frame["pilot_id"] == pilot)
                          & (changes.frame["topic"] == topic)]
    assert len(found) == 1, (pilot, topic, changes.frame)
    return found.iloc[0].to_dict()


def plain(said: list[str] | str) -> str:
    return (" ".join(said) if isinstance(said, list) else said).replace(NBSP, " ")


# --------------------------------------------------------------------------- kinds


def test_first_report_says_it_has_nothing_to_compare_with() -> None:
    first = ch.compare(None, snap("2025-09-30"), min_cell_size=5)
    assert first.kind == "first" and first.frame.empty
    assert ch.summary_sentences(first) == [
        "Det finnes ingen tidligere rapport å sammenligne med. Neste rapport viser hva som "
        "har endret seg siden denne."]
    assert ch.pilot_sentences(first, "a", "en", min_cell_size=5) == [
        "There is no earlier report to compare with. The next report will show what has "
        "changed since this one."]
    assert ch.heading(first) == "Endringer siden forrige rapport"


def test_same_date_and_same_files_is_nothing_new() -> None:
    files = {"participants.csv": "ab" * 32, "costs.csv": "cd" * 32}
    before = snap("2025-12-31", inputs=files, created="2026-01-05T10:00:00+00:00")
    after = snap("2025-12-31", {"a": {"enrolled": 60.0}}, inputs=dict(files))
    same = ch.compare(before, after, min_cell_size=5)
    assert same.kind == "same" and same.frame.empty
    assert plain(ch.summary_sentences(same)) == (
        "Rapporten bygger på de samme dataene og gjelder den samme datoen som rapporten laget "
        "5. januar 2026. Ingenting er endret siden da.")
    # the same date with other files (a corrected delivery) is compared
    other = ch.compare(before, snap("2025-12-31", {"a": {"enrolled": 60.0}},
                                    inputs={**files, "costs.csv": "ef" * 32}),
                       min_cell_size=5)
    assert other.kind == "compared" and row(other, "a", "enrolled")["change"] == 8


def test_a_later_set_is_not_a_previous_report() -> None:
    later = ch.compare(snap("2026-03-31"), snap("2025-12-31"), min_cell_size=5)
    assert later.kind == "later" and later.frame.empty
    assert "gjelder en senere dato (31. mars 2026)" in plain(ch.summary_sentences(later))
    assert "is for a later date (31 March 2026)" in plain(ch.summary_sentences(later, "en"))


def test_nothing_changed_is_said_once() -> None:
    nothing = ch.compare(snap("2025-09-30"), snap("2025-12-31"), min_cell_size=5)
    assert nothing.kind == "compared" and not nothing.anything
    said = plain(ch.summary_sentences(nothing))
    assert said.endswith("Ingen tall, vurderinger eller resultater er endret siden forrige "
                         "rapport.")
    assert "30. september 2025" in said
    assert plain(ch.pilot_sentences(nothing, "a", min_cell_size=5)) == (
        "Piloten har 52 deltakere, like mange som ved forrige rapport. Piloten har brukt "
        "0,40 mill. kr fra fondet, like mye som ved forrige rapport. Ingen vurderinger eller "
        "resultater er endret.")


# --------------------------------------------------------------------------- statuses


def test_status_changes_in_words() -> None:
    before = snap("2025-09-30", {"a": {}, "b": {}})
    after = snap("2025-12-31", {"a": {"reach_status": "green"},
                                "b": {"recommendation": "adjust", "cost_status": "red"}})
    c = ch.compare(before, after, min_cell_size=5)
    assert c.rerated == ["a", "b"]
    assert ch.rated_changes(c, "a") == ["Rekkevidde: usikker → god"]
    assert ch.rated_changes(c, "b") == ["Økonomi: god → svak",
                                        "Anbefaling: videreføre → justere"]
    assert ch.rated_changes(c, "b", "en") == ["Cost: good → weak",
                                              "Recommendation: continue → adjust"]
    assert "2 piloter har fått en annen vurdering." in plain(ch.summary_sentences(c))
    one = ch.compare(before, snap("2025-12-31", {"a": {"reach_status": "green"}, "b": {}}),
                     min_cell_size=5)
    assert "1 pilot har fått en annen vurdering." in plain(ch.summary_sentences(one))
    assert "1 pilot has been rated differently." in plain(ch.summary_sentences(one, "en"))
    # a status the file did not know (another version, an edit) is no change
    unknown = snap("2025-09-30", {"a": {"reach_status": None}})
    assert not ch.compare(unknown, snap("2025-12-31", {"a": {"reach_status": "green"}}),
                          min_cell_size=5).frame["topic"].eq("reach_status").any()


def test_results_new_gone_and_rated_differently() -> None:
    before = snap("2025-09-30", results={("a", "trivsel"): (False, "very_weak"),
                                         ("a", "fravaer"): (True, "weak"),
                                         ("a", "mestring"): (True, "moderate")})
    after = snap("2025-12-31", results={("a", "trivsel"): (True, "moderate"),
                                        ("a", "fravaer"): (True, "moderate"),
                                        ("a", "mestring"): (False, "moderate")})
    c = ch.compare(before, after, min_cell_size=5)
    labels = {"trivsel": "Trivsel", "fravaer": "Skolefravær", "mestring": "Mestring"}
    said = ch.rated_changes(c, "a", measure_labels=labels)
    assert sorted(said) == sorted(["Nytt resultat: Trivsel (evidensen er moderat)",
                                   "Skolefravær: evidensen er nå moderat (var svak)",
                                   "Mestring: resultatet vises ikke lenger"])
    assert "1 resultat for innbyggerne vises for første gang; hvor sterk evidensen er, står ved resultatet." in plain(ch.summary_sentences(c))
    assert "1 result for residents is shown for the first time; how strong its evidence is, is said beside it." in plain(ch.summary_sentences(c, "en"))


def test_results_unknown_before_are_not_new() -> None:
    """A previous set whose file has no outcome results (another version) calls no result
    new; one that had none to show does."""
    now = snap("2025-12-31", results={("a", "trivsel"): (True, "weak")})
    had_none = snap("2025-09-30", results={})
    assert ch.compare(had_none, now, min_cell_size=5).frame["topic"].eq("result_new").any()
    unknown = ch.Snapshot(had_none.as_of, had_none.pilots, None)
    assert not ch.compare(unknown, now, min_cell_size=5).frame["topic"].eq("result_new").any()


def test_pilots_new_and_gone() -> None:
    before = snap("2025-09-30", {"a": {}, "gone": {}})
    after = snap("2025-12-31", {"a": {}, "new": {"enrolled": 12.0,
                                                 "reach_status": "green"}})
    c = ch.compare(before, after, min_cell_size=5)
    assert row(c, "gone", "pilot_gone") and row(c, "new", "pilot_new")
    assert not c.of("new")["topic"].isin(ch.STATUS_TOPICS).any()  # nothing to compare with
    assert ch.pilot_sentences(c, "new", min_cell_size=5) == [
        "Piloten var ikke med i forrige rapport."]
    assert "Gamle var med i forrige rapport, men ikke i denne." in plain(
        ch.summary_sentences(c, names={"gone": "Gamle"}))
    table = tables.changes_table(c, {"a": "A", "new": "Ny pilot"}, min_cell_size=5)
    new = table.data.set_index("Pilot").loc["Ny pilot"]
    assert new["Endring"] == "ny" and new["Deltakere"] == "12"
    assert any("ikke med i forrige rapport" in n for n in table.notes)


# --------------------------------------------------------------------------- privacy


def test_small_difference_of_counts_is_not_shown() -> None:
    """52 → 54 would say that 2 people joined: only "1–4 more" is said, and the count
    before is not kept beside it (54 − 52 would give the 2 back)."""
    c = ch.compare(snap("2025-09-30"), snap("2025-12-31", {"a": {"enrolled": 54.0}}),
                   min_cell_size=5)
    r = row(c, "a", "enrolled")
    assert r["shown"] == "small" and r["before"] is None and math.isnan(r["change"])
    assert r["sign"] == 1 and r["after"] == 54
    assert c.total_enrolled is None  # the total would give it back
    said = plain(ch.pilot_sentences(c, "a", min_cell_size=5))
    assert "Piloten har 54 deltakere, 1–4 flere enn ved forrige rapport." in said
    assert "52" not in said and " 2 " not in said
    assert "The pilot has 54 participants, 1–4 more than" in plain(
        ch.pilot_sentences(c, "a", "en", min_cell_size=5))
    table = tables.changes_table(c, {"a": "A"}, min_cell_size=5)
    assert table.data.loc[0, "Endring"] == "+<5"
    assert any("1–4 flere eller færre" in n for n in table.notes)
    assert "2" not in table.data.loc[0, "Endring"]
    # fewer: 52 → 49
    down = ch.compare(snap("2025-09-30"), snap("2025-12-31", {"a": {"enrolled": 49.0}}),
                      min_cell_size=5)
    assert tables.changes_table(down, {"a": "A"}, min_cell_size=5).data.loc[0, "Endring"] \
        == "\u2212<5"
    assert "1–4 færre enn ved forrige rapport" in plain(
        ch.pilot_sentences(down, "a", min_cell_size=5))


def test_difference_of_k_or_more_and_of_zero_is_shown() -> None:
    before = snap("2025-09-30", {"a": {}, "b": {}})
    after = snap("2025-12-31", {"a": {"enrolled": 57.0}, "b": {}})
    c = ch.compare(before, after, min_cell_size=5)
    assert row(c, "a", "enrolled")["change"] == 5 and row(c, "a", "enrolled")["before"] == 52
    assert row(c, "b", "enrolled")["change"] == 0
    assert c.total_enrolled == 5
    assert "Pilotene har til sammen 5 flere deltakere enn ved forrige rapport." in plain(ch.summary_sentences(c))
    data = tables.changes_table(c, {"a": "A", "b": "B"}, min_cell_size=5).data
    assert data["Endring"].tolist() == ["+5", "0"]


def test_a_count_hidden_in_either_report_has_no_difference() -> None:
    was_small = snap("2025-09-30", {"a": {"enrolled": math.nan, "enrolled_code": "primary"}})
    now = snap("2025-12-31", {"a": {"enrolled": 7.0}})
    c = ch.compare(was_small, now, min_cell_size=5)
    r = row(c, "a", "enrolled")
    assert r["shown"] == "hidden" and math.isnan(r["change"]) and r["before"] == "<5"
    assert ch.pilot_sentences(c, "a", min_cell_size=5)[0] == (
        "Piloten har 7 deltakere. Ved forrige rapport var det færre enn 5.")
    table = tables.changes_table(c, {"a": "A"}, min_cell_size=5)
    assert table.data.loc[0, "Endring"] == ":" and any("«:»" in n for n in table.notes)
    # small now: "<5" in the table, "færre enn 5" in the text, no difference
    small_now = ch.compare(snap("2025-09-30"), snap("2025-12-31", {"a": {
        "enrolled": math.nan, "enrolled_code": "primary"}}), min_cell_size=5)
    assert row(small_now, "a", "enrolled")["after"] == "<5"
    assert plain(ch.pilot_sentences(small_now, "a", min_cell_size=5)).startswith(
        "Piloten har færre enn 5 deltakere. Piloten har brukt")
    data = tables.changes_table(small_now, {"a": "A"}, min_cell_size=5)
    assert data.data.loc[0, "Deltakere"] == "<5" and data.data.loc[0, "Endring"] == ":"


def test_snapshot_of_exact_tables_hides_small_counts(ds: pe.Dataset) -> None:
    """The minimal data: 'jobb' has fewer than 5 participants at this date."""
    view = ds.as_of("2025-10-31")
    t = metric_tables(view)
    s = ch.snapshot(t, as_of=view.as_of_date, min_cell_size=5)
    n = t["reach"]["enrolled"]
    small = n[(n > 0) & (n < 5)].index
    assert len(small), "the fixture should have a pilot with a small count"
    for pid in small:
        assert s.pilots.loc[pid, "enrolled_code"] == "primary"
        assert math.isnan(s.pilots.loc[pid, "enrolled"])
    for pid in n.index.difference(small):
        assert s.pilots.loc[pid, "enrolled"] == n[pid]


# --------------------------------------------------------------------------- corrections


def deliveries(*records: dict) -> pd.DataFrame:
    path_rows = [{"received_at": pd.Timestamp(r["received_at"]), "pilot_id": r["pilot_id"],
                  "corrections": r["corrections"],
                  "corrected_until": pd.Timestamp(r["corrected_until"])
                  if r.get("corrected_until") else pd.NaT} for r in records]
    return pd.DataFrame(path_rows)


def test_corrections_since_the_last_report_are_listed() -> None:
    before = snap("2025-09-30", {"a": {}, "b": {}}, created="2025-10-05T12:00:00+00:00")
    after = snap("2025-12-31", {"a": {}, "b": {}})
    log_ = deliveries(
        {"received_at": "2025-10-01T08:00:00Z", "pilot_id": "a", "corrections": 4,
         "corrected_until": "2025-09-01"},  # before the report was made: it was in it
        {"received_at": "2026-01-12T09:30:00Z", "pilot_id": "a", "corrections": 2,
         "corrected_until": "2025-09-15"},
        {"received_at": "2026-02-03T23:30:00Z", "pilot_id": "a", "corrections": 1,
         "corrected_until": "2025-08-31"},
        {"received_at": "2026-01-20T10:00:00Z", "pilot_id": "b", "corrections": 3,
         "corrected_until": "2025-11-30"},  # after the last report's date: delivered only
        {"received_at": "2026-01-21T10:00:00Z", "pilot_id": "b", "corrections": 0},
        {"received_at": "2026-01-22T10:00:00Z", "pilot_id": "x", "corrections": 9})
    c = ch.compare(before, after, min_cell_size=5, deliveries=log_)
    assert c.corrections["pilot_id"].tolist() == ["a", "a", "b"]
    names = {"a": "Leksehjelp", "b": "Mentor"}
    # the day in Norway: 23:30 UTC on 3 February is 4 February in Oslo
    assert ch.correction_sentences(c, names=names) == [
        "Data for perioder som alt var rapportert, er rettet (Leksehjelp, levert "
        f"12.{NBSP}januar 2026 og 4.{NBSP}februar 2026).",
        f"Data som alt var levert, er rettet (Mentor, levert 20.{NBSP}januar 2026)."]
    assert ch.correction_sentences(c, "en", names=names, pilot_id="b") == [
        f"Data already delivered have been corrected (Mentor, delivered 20{NBSP}January "
        "2026)."]
    assert c.anything
    assert "Mentor, levert" in plain(ch.pilot_sentences(c, "b", min_cell_size=5,
                                                        names=names))
    none = ch.compare(before, after, min_cell_size=5, deliveries=None)
    assert none.corrections.empty and ch.correction_sentences(none) == []


def test_delivery_log_is_untrusted_input(tmp_path: Path, caplog: pytest.LogCaptureFixture
                                         ) -> None:
    assert ch.read_deliveries(tmp_path).empty  # no log: nothing, and no warning
    log_file = tmp_path / "deliveries" / "log.jsonl"
    log_file.parent.mkdir()
    good = {"received_at": "2026-01-12T09:30:00Z", "pilot_id": "lekse", "corrections": 2,
            "corrected_until": "2025-09-15"}
    lines = [json.dumps(good), "", "not json", "[1, 2]",
             json.dumps({**good, "received_at": "yesterday"}),
             json.dumps({**good, "pilot_id": "../etc"}),
             json.dumps({**good, "corrections": -1}),
             json.dumps({**good, "corrections": True}),
             json.dumps({**good, "corrections": "3"}),
             json.dumps({**good, "corrected_until": "15.09.2025"}),
             json.dumps({**good, "received_at": "2026-01-13T10:00:00", "corrected_until": None,
                         "extra": "kept out"})]
    log_file.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe{broken\n")
    with caplog.at_level(logging.WARNING, logger="pilot_eval"):
        found = ch.read_deliveries(tmp_path)
    assert found["corrections"].tolist() == [2, 2]
    assert found["received_at"].dt.tz is not None
    assert found["received_at"].iloc[1] == pd.Timestamp("2026-01-13T10:00:00Z")  # naive: UTC
    assert pd.isna(found["corrected_until"].iloc[1])
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 9
    assert all("log.jsonl, line " in w and "skipped" in w for w in warned)
    assert any("line 3: not a JSON object" in w for w in warned)
    assert any("line 10: 'corrected_until'" in w for w in warned)


# --------------------------------------------------------------------------- report sets


def write_set(folder: Path, as_of: str, tables_: dict[str, pd.DataFrame] | None = None, *,
              created: str = "2026-01-05T10:00:00+00:00", extra: dict | None = None) -> Path:
    folder.mkdir(parents=True)
    manifest = {"package": "pilot_eval", "created_utc": created,
                "parameters": {"as_of": as_of}, "as_of": as_of,
                "metric_tables": "metrics.json",
                "inputs": [{"path": "../../data/costs.csv", "sha256": "ab" * 32}],
                **(extra or {})}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    if tables_ is not None:
        write_metric_files(tables_, [folder / "metrics.json", folder / "metrics.xlsx"],
                           min_cell_size=5)
    return folder


@pytest.fixture(scope="module")
def minimal_tables(ds: pe.Dataset) -> dict[str, pd.DataFrame]:
    return metric_tables(ds.as_of("2025-10-31"))


def test_previous_set_is_the_latest_before_this_date(tmp_path: Path, caplog) -> None:
    write_set(tmp_path / "2025-06-30", "2025-06-30")
    write_set(tmp_path / "2025-09-30", "2025-09-30", created="2025-10-02T08:00:00Z")
    write_set(tmp_path / "2025-12-31", "2025-12-31")  # the one a new run replaces
    write_set(tmp_path / "2026-03-31", "2026-03-31")  # later: no previous report
    write_set(tmp_path / ".staging-2025-12-31-1-x", "2025-11-30")  # a run's staging
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "manifest.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "manifest.json").write_text('{"package": "else"}', encoding="utf-8")
    (tmp_path / "notes.txt").write_text("a file, not a set", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="pilot_eval"):
        found = ch.find_previous(tmp_path, "2025-12-31")
    assert found is not None and found.folder.name == "2025-09-30"
    assert found.created_utc == pd.Timestamp("2025-10-02T08:00:00Z")
    assert found.inputs == {"costs.csv": "ab" * 32} and found.tables_file == "metrics.json"
    assert any("broken" in r.getMessage() for r in caplog.records)
    assert ch.find_previous(tmp_path, "2025-06-30") is None
    assert ch.find_previous(tmp_path / "missing", "2025-12-31") is None
    # a manifest that names a file outside its folder is not followed
    evil = write_set(tmp_path / "x" / "2025-01-31", "2025-01-31",
                     extra={"metric_tables": "../../secret.json"})
    assert ch.find_previous(evil.parent, "2025-12-31").tables_file is None


def _old_workbook(path: Path, tables_: dict[str, pd.DataFrame], k: int) -> None:
    """metrics.xlsx as sets made before metrics.json wrote it: a sheet per table named
    after it, code names as headers, codes as cells (no first sheet, no words)."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in prepare(tables_, k).items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)


def test_published_tables_read_back_as_they_were(tmp_path: Path, ds: pe.Dataset,
                                                 minimal_tables: dict) -> None:
    """metrics.json, and metrics.xlsx of sets made before it existed, give the snapshot
    the report made of its own tables."""
    view = ds.as_of("2025-10-31")
    folder = write_set(tmp_path / "2025-10-31", "2025-10-31", minimal_tables)
    own = ch.snapshot(minimal_tables, as_of=view.as_of_date, min_cell_size=5)
    found = ch.find_previous(tmp_path, "2025-12-31")
    from_json = ch.read_snapshot(found, min_cell_size=5)
    (folder / "metrics.json").unlink()
    _old_workbook(folder / "metrics.xlsx", minimal_tables, 5)
    from_xlsx = ch.read_snapshot(found, min_cell_size=5)
    for other in (from_json, from_xlsx):
        pd.testing.assert_frame_equal(other.pilots, own.pilots, check_dtype=False)
        pd.testing.assert_frame_equal(other.results, own.results, check_dtype=False)
    assert "primary" in set(own.pilots["enrolled_code"])  # the small count stayed hidden
    (folder / "metrics.xlsx").unlink()
    assert ch.read_snapshot(found, min_cell_size=5) is None


def test_unreadable_previous_set_is_said(tmp_path: Path, minimal_tables: dict,
                                         caplog: pytest.LogCaptureFixture) -> None:
    folder = write_set(tmp_path / "2025-09-30", "2025-09-30", minimal_tables)
    (folder / "metrics.json").write_text('{"scorecard": 5', encoding="utf-8")
    current = ch.snapshot(minimal_tables, as_of="2025-12-31", min_cell_size=5)
    with caplog.at_level(logging.WARNING, logger="pilot_eval"):
        found = ch.changes_since(tmp_path, current, min_cell_size=5)
    assert found.kind == "unreadable"
    assert "Forrige rapport (30. september 2025) kunne ikke leses" in plain(
        ch.summary_sentences(found))
    assert any("cannot be read" in r.getMessage() for r in caplog.records)
    # garbage of the right shape: statuses and ids that are not ones are left out
    (folder / "metrics.json").write_text(json.dumps({
        "scorecard": [{"pilot_id": "lekse", "enrolled": "lots", "reach_status": "purple"},
                      {"pilot_id": "<script>", "enrolled": 3}, "not a record"],
        "outcomes": [{"pilot_id": "lekse", "measure": "x" * 200}]}), encoding="utf-8")
    odd = ch.read_snapshot(ch.find_previous(tmp_path, "2025-12-31"), min_cell_size=5)
    assert odd.pilots.index.tolist() == ["lekse"]
    assert odd.pilots.loc["lekse", "enrolled_code"] == "complementary"
    assert odd.pilots.loc["lekse", "reach_status"] is None
    # an outcomes table without the columns a result needs: no result is called new
    assert odd.results is None
    # no scorecard: nothing to compare
    (folder / "metrics.json").write_text(json.dumps({"reach": []}), encoding="utf-8")
    assert ch.changes_since(tmp_path, current, min_cell_size=5).kind == "unreadable"


def test_plural_picks_the_form() -> None:
    assert text.plural("changes.results", 1) == "1 resultat for innbyggerne vises for første gang; hvor sterk evidensen er, står ved resultatet."
    assert text.plural("changes.results", 3, "en") == "3 results for residents are shown for the first time; how strong the evidence is, is said beside each."
    assert text.plural("changes.rated", 0, "en") == "0 pilots have been rated differently."


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def two_quarters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample rendered for 30 September and then 31 December 2025 (the portfolio and
    one pilot) into one output folder; between them a delivery corrected earlier data."""
    from pilot_eval.render.batch import render_reports

    if not (SAMPLE / "pilots.csv").exists():
        pytest.skip("data/sample not generated yet")
    root = tmp_path_factory.mktemp("series")
    data = root / "data"
    shutil.copytree(SAMPLE, data)
    out = root / "reports"
    first = render_reports(data, as_of="2025-09-30", pilots=["mentor"], out=out, jobs=2)
    log_file = data / "deliveries" / "log.jsonl"
    log_file.parent.mkdir()
    received = (datetime.now(timezone.utc) + timedelta(seconds=1)).isoformat()
    log_file.write_text(json.dumps({"received_at": received, "pilot_id": "mentor",
                                    "corrections": 3, "corrected_until": "2025-08-31"})
                        + "\n", encoding="utf-8")
    second = render_reports(data, as_of="2025-12-31", pilots=["mentor"], out=out, jobs=2)
    return {"first": first["out_dir"], "second": second["out_dir"], "received": received}


def test_two_quarters_in_one_folder(two_quarters: dict) -> None:
    from tests.test_report import pdf_text

    first, second = two_quarters["first"], two_quarters["second"]
    assert {p.name for p in first.parent.iterdir()} == {"2025-09-30", "2025-12-31"}
    opening = pdf_text(first / "portfolio_report.pdf")
    assert "Det finnes ingen tidligere rapport å sammenligne med." in " ".join(opening.split())
    manifest = json.loads((second / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == "2025-12-31" and manifest["metric_tables"] == "metrics.json"
    assert manifest["previous_report"]["folder"] == "2025-09-30"
    assert json.loads((first / "manifest.json").read_text())["previous_report"] is None
    assert "metrics.json" in {e["path"] for e in manifest["outputs"]}

    portfolio = (second / "portfolio_report.html").read_text(encoding="utf-8")
    words = " ".join(portfolio.replace(NBSP, " ").split())
    assert "Endringer siden forrige rapport (30. september 2025)" in words
    assert "Endringer per pilot siden 30. september 2025" in words
    assert "Rekkevidde: god → usikker" in words  # the sample's mentor pilot in Q4
    # the tables are the files the sample wrote; the log is no table
    assert "Datafilene er de samme som ved forrige rapport." in words
    assert ("Data for perioder som alt var rapportert, er rettet (Mentorprogrammet Veivenn, "
            "levert") in words
    pilot = " ".join((second / "pilot_mentor.html").read_text(encoding="utf-8")
                     .replace(NBSP, " ").split())
    assert "Piloten har 49 deltakere, 7 flere enn ved forrige rapport." in pilot
    assert "Rekkevidde: god → usikker." in pilot
    # the PDF carries the section with its own heading in the contents
    pdf = " ".join(pdf_text(second / "portfolio_report.pdf").split())
    assert pdf.count("Endringer siden forrige rapport (30. september 2025)") == 2


def test_an_unknown_amount_before_is_left_unsaid_not_a_crash() -> None:
    """A previous set whose fund money could not be read: no sentence on money, no
    'as much as before', and no traceback."""
    before = snap("2025-09-30", {"a": {"fund_cost_nok": math.nan}})
    c = ch.compare(before, snap("2025-12-31"), min_cell_size=5)
    said = plain(ch.pilot_sentences(c, "a", min_cell_size=5)) + plain(ch.summary_sentences(c))
    assert "fondet" not in said


def test_a_set_whose_manifest_is_broken_is_still_the_previous_one(
        tmp_path: Path, minimal_tables) -> None:
    """Skipping it would make an older set look like the last report."""
    write_set(tmp_path / "2025-06-30", "2025-06-30", minimal_tables)
    (tmp_path / "2025-09-30").mkdir()
    (tmp_path / "2025-09-30" / "manifest.json").write_text("{not json", encoding="utf-8")
    found = ch.find_previous(tmp_path, "2025-12-31")
    assert found is not None and found.folder.name == "2025-09-30" and not found.readable
    current = ch.snapshot(minimal_tables, as_of="2025-12-31", min_cell_size=5)
    changes = ch.changes_since(tmp_path, current, min_cell_size=5)
    assert changes.kind == "unreadable" and changes.previous_as_of == pd.Timestamp("2025-09-30")


def test_a_set_of_another_agreement_is_not_the_previous_report(tmp_path: Path) -> None:
    write_set(tmp_path / "2025-06-30", "2025-06-30", extra={"agreement": "Ours (2025-01-01)"})
    write_set(tmp_path / "2025-09-30", "2025-09-30", extra={"agreement": "Theirs (2024-01-01)"})
    found = ch.find_previous(tmp_path, "2025-12-31", "Ours (2025-01-01)")
    assert found is not None and found.folder.name == "2025-06-30"
    assert ch.find_previous(tmp_path, "2025-12-31").folder.name == "2025-09-30"


def test_changed_rules_are_said_and_the_same_data_is_compared_again(tmp_path: Path) -> None:
    """Ratings made by other thresholds: the reader is told a changed rating may come from
    the rules, not the figures; the same date and files under new rules is compared (not
    'nothing changed'). Unknown rules (older sets) say nothing."""
    files = {"costs.csv": "ab" * 32}
    before = ch.Snapshot(**{**snap("2025-12-31", inputs=files).__dict__, "rules_sha256": "1" * 64})
    after = ch.Snapshot(**{**snap("2025-12-31", {"a": {"reach_status": "green"}},
                                  inputs=dict(files)).__dict__, "rules_sha256": "2" * 64})
    changed = ch.compare(before, after, min_cell_size=5)
    assert changed.kind == "compared" and changed.rules_changed and changed.anything
    assert row(changed, "a", "reach_status")["after"] == "green"
    said = plain(ch.summary_sentences(changed))
    assert "Reglene for vurderingene er endret siden forrige rapport" in said
    assert "Datafilene er de samme" not in said  # the changes do not come from the date
    pilot = plain(ch.pilot_sentences(changed, "a", "en", min_cell_size=5))
    assert "may come from the new rules rather than from new figures" in pilot
    same_rules = ch.compare(before, ch.Snapshot(**{**after.__dict__, "rules_sha256": "1" * 64}),
                            min_cell_size=5)
    assert same_rules.kind == "same" and not same_rules.rules_changed
    unknown = ch.compare(ch.Snapshot(**{**before.__dict__, "rules_sha256": None}),
                         snap("2026-03-31", inputs=dict(files)), min_cell_size=5)
    assert not unknown.rules_changed
    assert "Reglene" not in plain(ch.summary_sentences(unknown))
    # read from a published set's manifest
    write_set(tmp_path / "2025-09-30", "2025-09-30", extra={"rules_sha256": "3" * 64})
    assert ch.find_previous(tmp_path, "2025-12-31").rules_sha256 == "3" * 64
