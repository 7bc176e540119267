"""Simulated pilots with a known true effect, scored through the public decision chain.

Shared by ``benchmarks/decisions.py`` (the simulation study of issue 9, item 9) and
``tests/test_decisions_sim.py`` (a small seeded version that fails when a verdict overclaims).

Each :class:`Case` builds, from a random generator, a small in-memory :class:`pilot_eval.Dataset`
of one pilot (four for the portfolio case) whose reach and cost are green, so that the
recommendation turns on the outcome alone, and one measure ``score`` (0–100, higher is
better, ``mid`` 3, ``sd_reference`` 10, ``mean_reference`` 50, ``reliability`` 0.8,
``success_threshold`` 50, valued per success). :func:`score` then runs what a report runs,
``outcome_summary`` → ``scorecard`` → ``value_for_money`` (and ``its_summary`` with the
summary's indicator sentence for the time-series cases), and keeps per replication the
estimate, its interval, the outcome status, the recommendation, the evidence rating when
``outcome_summary`` has one, and the social value. :func:`summarise` turns replications into
bias, coverage of the truth and decision shares. Nothing here asserts: the caller judges.

The person model (all on the measure's scale, reference population N(50, 10²))::

    true_i    ~ N(mu, 10² · (rel − s))          stable part
    state_t   ~ N(0, 10² · s)                   transient part (a bad period), fresh at follow-up
    y_it      = true_i + state_t + e_it,  e_it ~ N(0, 10² · (1 − rel))
    follow-up = … + drift + effect (pilot only) + school shock (clustered case)

rounded to whole points and clipped to the scale. ``rel`` = 0.8 is the short-interval
reliability (what ``reliability`` means for reliable change); ``s`` = 0 except in the
screening case, where a screening measurement and the baseline share the transient state,
so that a child enrolled in a bad period regresses towards the mean at follow-up.

New optional data columns of issue 9 are written whether or not the code on the path knows
them (``outcomes.cluster``, ``measures.mean_reference``): the dataset is typed from
:data:`pilot_eval.schema.TABLES` of that code, and unknown columns are kept as given.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import pilot_eval as pe
from pilot_eval.dataset import _CATEGORY_COLUMNS, TABLE_ORDER, Agreement
from pilot_eval.errors import problems_frame
from pilot_eval.schema import TABLES

__all__ = ["Case", "SCENARIOS", "NULL_TARGET", "cases", "run", "score", "summarise",
           "build_dataset", "write_folder"]

#: The issue's target: under a null effect at most this share "god" and "Skalere".
NULL_TARGET = 0.05

START = pd.Timestamp("2025-01-01")
END = pd.Timestamp("2026-12-31")
AS_OF = pd.Timestamp("2026-06-30")
ENROLLED_ON = pd.Timestamp("2025-01-15")
FOLLOWUP_ON = pd.Timestamp("2025-10-01")
DROPPED_ON = pd.Timestamp("2025-06-01")
GRANT = 1_000_000.0
#: Share of the pilot period passed at AS_OF (as cost_summary counts it: days, both ends).
ELAPSED = ((AS_OF - START).days + 1) / ((END - START).days + 1)

REF_MEAN, REF_SD, REL, MID, THRESHOLD = 50.0, 10.0, 0.8, 3.0, 50.0


# --------------------------------------------------------------------------- dataset


def _measure(name: str = "score", *, scale_max: float = 100.0, mean_ref: float = REF_MEAN,
             sd_ref: float = REF_SD, mid: float = MID, threshold: float = THRESHOLD) -> dict:
    return {"measure": name, "label_nb": f"Skår {name}", "label_en": f"Score {name}",
            "unit": "poeng", "higher_is_better": True, "scale_min": 0.0,
            "scale_max": scale_max, "mid": mid, "reliability": REL, "sd_reference": sd_ref,
            "success_threshold": threshold, "mean_reference": mean_ref}


def _valuation(measure: str) -> dict:
    return {"measure": measure, "basis": "per_success", "value_nok": 20_000.0,
            "deadweight": 0.2, "attribution": 0.1, "displacement": 0.0, "drop_off": 0.2,
            "duration_years": 3, "source": "Simulert verdi (illustrativ)", "confidence": "low"}


@dataclass
class _Arm:
    """One group's people on one measure: values (NaN = not measured) and school ids."""

    baseline: np.ndarray
    followup: np.ndarray
    cluster: np.ndarray | None = None


@dataclass
class _PilotData:
    pilot_id: str
    arms: dict[str, tuple[_Arm, _Arm | None]]  # measure → (pilot arm, comparison arm)
    primary: str = "score"


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A table typed as the loader types it (spec of the code on the path); extra columns
    are kept as given, columns of the spec that are missing get their empty value."""
    spec = TABLES[name]
    out = {}
    n = len(frame)
    for col in spec.columns:
        s = frame[col.name] if col.name in frame else pd.Series([None] * n, dtype=object)
        s = s.reset_index(drop=True)
        if col.kind in ("date", "month"):
            out[col.name] = pd.to_datetime(s).astype("datetime64[ns]")
        elif col.kind == "int":
            out[col.name] = pd.array(s, dtype="Int64")
        elif col.kind == "float":
            out[col.name] = pd.to_numeric(s).astype("float64")
        elif col.kind == "bool":
            out[col.name] = pd.array(s, dtype="boolean")
        elif col.kind == "enum":
            out[col.name] = pd.Categorical(s, categories=list(col.choices))
        elif col.name in _CATEGORY_COLUMNS:  # as astype("category"), sorted, but quicker
            codes, uniques = pd.factorize(s.astype(str), sort=True)
            out[col.name] = pd.Categorical.from_codes(codes, categories=pd.Index(uniques))
        else:
            out[col.name] = s.astype("str")
    typed = pd.DataFrame(out, index=pd.RangeIndex(n))
    for extra in frame.columns:
        if extra not in typed:
            typed[extra] = frame[extra].to_numpy()
    return typed


#: Typed small tables (pilots, costs, measures, valuation, empty tables) by content: they
#: repeat across replications, and typing them is a third of a replication's build time.
_TYPED_CACHE: dict[tuple[str, str], pd.DataFrame] = {}
_CACHED = ("pilots", "costs", "measures", "valuation")
_NO_WARNINGS = problems_frame()


def _typed_cached(name: str, frame: pd.DataFrame | None) -> pd.DataFrame:
    if frame is not None and name not in _CACHED:
        return _typed(name, frame)
    key = (name, "" if frame is None else repr(frame.to_dict("list")))
    if key not in _TYPED_CACHE:
        _TYPED_CACHE[key] = _typed(name, pd.DataFrame() if frame is None else frame)
    return _TYPED_CACHE[key]


def build_dataset(tables: dict[str, pd.DataFrame]) -> pe.Dataset:
    """A :class:`pilot_eval.Dataset` from plain frames, typed like the loader (no checks)."""
    frames = {name: _typed_cached(name, tables.get(name)) for name in TABLE_ORDER}
    pilots = list(frames["pilots"]["pilot_id"].astype(str))
    for name, frame in frames.items():
        if "pilot_id" in frame.columns:  # a new frame: cached ones are shared
            frames[name] = frame.assign(pilot_id=pd.Categorical(
                frame["pilot_id"].astype(object), categories=pilots))
    agreement = Agreement(name="Simulert avtale", municipality="Simulert kommune",
                          start=START, end=END, annual_budget_nok=2 * GRANT)
    return pe.Dataset(agreement=agreement, as_of_date=AS_OF, warnings=_NO_WARNINGS,
                      tables_present=frozenset(n for n in TABLE_ORDER if n in tables), **frames)


def write_folder(tables: dict[str, pd.DataFrame], folder: Path) -> Path:
    """The same tables as a data folder (CSV + agreement.toml) for :func:`pe.load_dataset`."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.joinpath("agreement.toml").write_text(
        'name = "Simulert avtale"\nmunicipality = "Simulert kommune"\n'
        f"start = {START.date()}\nend = {END.date()}\nannual_budget_nok = {int(2 * GRANT)}\n",
        encoding="utf-8")
    for name, frame in tables.items():
        out = frame.copy()
        for c in out.columns:
            if pd.api.types.is_datetime64_any_dtype(out[c]):
                out[c] = out[c].dt.strftime("%Y-%m-%d")
        out.to_csv(folder / f"{name}.csv", index=False)
    return folder


def _tables(pilots: Sequence[_PilotData], measures: Sequence[dict],
            indicators: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Plain frames of the data folder: pilots with green reach and cost, their people."""
    pilot_rows, cost_rows, people, outcome_frames = [], [], [], []
    for p in pilots:
        pilot_arm = next(iter(p.arms.values()))[0]
        n = len(pilot_arm.baseline)
        pilot_rows.append({
            "pilot_id": p.pilot_id, "name": f"Pilot {p.pilot_id}", "organisation": "Simulert AS",
            "target_group": "Barn 10–15 år", "target_age_min": 10, "target_age_max": 15,
            "start_date": START, "end_date": END, "grant_nok": GRANT,
            # reach ratio ≥ 1 (green), run rate 0.8 (green): only the outcome can move the verdict
            "reach_target": int(n / ELAPSED), "primary_measure": p.primary,
            # the simulated comparison groups are drawn from the same population as the
            # pilot group (a lottery); the screened scenario says so too, and the rating
            # must catch its unequal groups even then
            "comparison_type": "randomised" if any(
                comp is not None for _, comp in p.arms.values()) else None})
        cost_rows.append({"pilot_id": p.pilot_id, "date": pd.Timestamp("2025-03-01"),
                          "funder": "fund", "in_kind": False,
                          "amount_nok": round(0.8 * GRANT * ELAPSED), "description": "Tilskudd"})
        # a participant without a follow-up on the primary measure dropped out
        dropped = np.isnan(pilot_arm.followup) & ~np.isnan(pilot_arm.baseline)
        ids = np.array([f"{p.pilot_id}-p{i:04d}" for i in range(n)], dtype=object)
        people.append(pd.DataFrame({
            "participant_id": ids, "pilot_id": p.pilot_id, "enrolled_on": ENROLLED_ON,
            "exited_on": np.where(dropped, DROPPED_ON, pd.NaT),
            "exit_reason": np.where(dropped, "dropped_out", None), "birth_year": 2013,
            "gender": np.where(np.arange(n) % 2 == 0, "female", "male"), "area": None}))
        for measure, (arm, comp) in p.arms.items():
            outcome_frames.append(_outcome_rows(p.pilot_id, measure, "pilot", ids, arm))
            if comp is not None:
                cids = np.array([f"{p.pilot_id}-c{i:04d}" for i in range(len(comp.baseline))],
                                dtype=object)
                outcome_frames.append(_outcome_rows(p.pilot_id, measure, "comparison", cids, comp))
    participants = pd.concat(people, ignore_index=True)
    participants["exited_on"] = pd.to_datetime(participants["exited_on"])
    tables = {
        "pilots": pd.DataFrame(pilot_rows), "costs": pd.DataFrame(cost_rows),
        "participants": participants, "measures": pd.DataFrame(list(measures)),
        "outcomes": pd.concat(outcome_frames, ignore_index=True),
        "valuation": pd.DataFrame([_valuation(m["measure"]) for m in measures]),
    }
    if indicators is not None:
        tables["indicators"] = indicators
    return tables


def _outcome_rows(pid: str, measure: str, group: str, ids: np.ndarray, arm: _Arm) -> pd.DataFrame:
    n = len(ids)
    frame = pd.DataFrame({
        "pilot_id": pid, "participant_id": np.tile(ids, 2), "group": group, "measure": measure,
        "timepoint": np.repeat(["baseline", "followup"], n),
        "measured_on": np.repeat([ENROLLED_ON, FOLLOWUP_ON], n),
        "value": np.concatenate([arm.baseline, arm.followup]),
    })
    if arm.cluster is not None:  # the optional column only where there are clusters
        frame["cluster"] = np.tile(arm.cluster, 2)
    return frame[frame["value"].notna()]


# --------------------------------------------------------------------------- people


def _people(rng: np.random.Generator, n: int, *, mean: float = REF_MEAN, sd: float = REF_SD,
            state: float = 0.0, drift: float = 0.0, effect: float = 0.0,
            scale: tuple[float, float] = (0.0, 100.0), screen_below: float | None = None,
            change_shock: np.ndarray | None = None) -> _Arm:
    """``n`` people measured twice (model in the module notes); with ``screen_below`` only
    people whose screening measurement is below it are enrolled."""
    var = sd**2
    if screen_below is None:
        m = n
    else:  # draw enough candidates to find n people screening below the cut
        p = 0.5 * math.erfc((mean - screen_below) / (sd * math.sqrt(2)))
        m = int(n / max(p, 0.01) * 1.5) + 50
    true = rng.normal(mean, math.sqrt(var * (REL - state)), m)
    s0 = rng.normal(0.0, math.sqrt(var * state), m) if state else np.zeros(m)
    err = math.sqrt(var * (1 - REL))
    if screen_below is not None:
        screen = true + s0 + rng.normal(0.0, err, m)
        keep = np.flatnonzero(screen < screen_below)
        if len(keep) < n:
            raise RuntimeError("too few screened")  # pragma: no cover - m has margin
        keep = keep[:n]
        true, s0 = true[keep], s0[keep]
    s1 = rng.normal(0.0, math.sqrt(var * state), n) if state else np.zeros(n)
    base = true + s0 + rng.normal(0.0, err, n)
    follow = true + s1 + rng.normal(0.0, err, n) + drift + effect
    if change_shock is not None:
        follow = follow + change_shock
    lo, hi = scale
    return _Arm(np.clip(np.round(base), lo, hi), np.clip(np.round(follow), lo, hi))


def _drop_least_improved(rng: np.random.Generator, arm: _Arm, share: float) -> _Arm:
    """Follow-ups missing for ``share`` of the people on average, the more often the less a
    person improved: the probability falls linearly with the rank of the change, from
    ``share`` + 0.25 (least improved) to ``share`` − 0.25 (most improved). With a change SD
    of 6.3 points and ``share`` 0.4 the people who answer improved about 1.5 points more
    than everyone did (E[Z · (0.35 + 0.5 Φ(Z))] / 0.6 = 0.235 SD)."""
    change = arm.followup - arm.baseline
    n = len(change)
    rank = np.empty(n)
    rank[np.argsort(change + rng.uniform(0, 1e-6, n), kind="stable")] = (np.arange(n) + 0.5) / n
    missing = rng.uniform(size=n) < share + 0.25 * (1.0 - 2.0 * rank)
    follow = arm.followup.copy()
    follow[missing] = np.nan
    return _Arm(arm.baseline, follow, arm.cluster)


def _drop_at_random(rng: np.random.Generator, arm: _Arm, share: float) -> _Arm:
    follow = arm.followup.copy()
    follow[rng.uniform(size=len(follow)) < share] = np.nan
    return _Arm(arm.baseline, follow, arm.cluster)


def _one(rng: np.random.Generator, pilot: _Arm, comp: _Arm | None = None,
         measure: dict | None = None) -> pe.Dataset:
    m = measure or _measure()
    return build_dataset(_tables([_PilotData("p1", {m["measure"]: (pilot, comp)},
                                             m["measure"])], [m]))


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    """One scenario variant: how to make a dataset, and what the truth is.

    ``kind`` is ``outcome`` (one pilot's primary measure), ``its`` (the indicator series)
    or ``portfolio`` (four pilots × three measures). ``identified``: the design can recover
    the truth, so coverage should be 93–97 %; otherwise the verdict should be capped.
    """

    scenario: str
    variant: str
    truth: float
    make: Callable[[np.random.Generator], pe.Dataset] = field(repr=False)
    kind: str = "outcome"
    identified: bool = True

    @property
    def null(self) -> bool:
        return self.truth == 0.0

    @property
    def key(self) -> str:
        return f"{self.scenario} {self.variant}"


def _pre_post_drift_screening() -> list[Case]:
    def make(n: int) -> Callable[[np.random.Generator], pe.Dataset]:
        return lambda rng: _one(rng, _people(rng, n, state=0.2, drift=1.0, screen_below=45.0))
    return [Case("pre_post_drift_screening", f"n={n}", 0.0, make(n), identified=False)
            for n in (30, 60)]


def _did_screened_pilot() -> list[Case]:
    # the pilot group is picked for low scores, the comparison group is not: regression to
    # the mean moves the pilot group towards the comparison group's mean by itself
    def make(n: int) -> Callable[[np.random.Generator], pe.Dataset]:
        return lambda rng: _one(rng, _people(rng, n, state=0.2, screen_below=42.0),
                                _people(rng, n, state=0.2))
    return [Case("did_screened_pilot", f"{n}+{n}, pilot screened below 42", 0.0, make(n),
                 identified=False) for n in (60,)]


def _dropout_mnar() -> list[Case]:
    def make(n: int, effect: float, did: bool) -> Callable[[np.random.Generator], pe.Dataset]:
        def f(rng: np.random.Generator) -> pe.Dataset:
            pilot = _drop_least_improved(rng, _people(rng, n, effect=effect), 0.4)
            comp = _drop_at_random(rng, _people(rng, n), 0.1) if did else None
            return _one(rng, pilot, comp)
        return f
    return [Case("dropout_mnar", f"{'did' if did else 'pre_post'} n={n} effect={effect:g}",
                 effect, make(n, effect, did), identified=False)
            for did in (False, True) for effect in (0.0, MID / 2) for n in (20, 50, 100)]


def _tiny_comparison() -> list[Case]:
    def make(k: int) -> Callable[[np.random.Generator], pe.Dataset]:
        return lambda rng: _one(rng, _people(rng, 30), _people(rng, k))
    return [Case("tiny_comparison", f"30 vs {k}", 0.0, make(k)) for k in (2, 3, 5)]


def _clustered() -> list[Case]:
    # change SD of a person: sqrt(2 · 10² · (1 − rel)) = 6.3; school shock variance for ICC
    def make(icc: float) -> Callable[[np.random.Generator], pe.Dataset]:
        sd_school = math.sqrt(icc / (1 - icc) * 2 * REF_SD**2 * (1 - REL))

        def f(rng: np.random.Generator) -> pe.Dataset:
            arms = []
            for g in ("a", "b"):
                school = np.repeat(np.arange(4), 15)
                shock = rng.normal(0.0, sd_school, 4)[school]
                arm = _people(rng, 60, change_shock=shock)
                arm.cluster = np.array([f"skole-{g}{s}" for s in school], dtype=object)
                arms.append(arm)
            return _one(rng, arms[0], arms[1])
        return f
    return [Case("clustered", f"4+4 schools, ICC {icc:g}", 0.0, make(icc))
            for icc in (0.07, 0.15, 0.24)]


def _ceiling() -> list[Case]:
    m = _measure(scale_max=40.0, mean_ref=35.0, sd_ref=6.0, mid=2.0, threshold=36.0)

    def make(effect: float) -> Callable[[np.random.Generator], pe.Dataset]:
        return lambda rng: _one(rng, _people(rng, 60, mean=35.0, sd=6.0, effect=effect,
                                             scale=(0.0, 40.0)), measure=m)
    return [Case("ceiling", f"pre_post n=60 effect={e:g}", e, make(e), identified=False)
            for e in (0.0, 3.0)]


def _pre_post_clean() -> list[Case]:
    def make(n: int) -> Callable[[np.random.Generator], pe.Dataset]:
        return lambda rng: _one(rng, _drop_at_random(rng, _people(rng, n), 0.1))
    return [Case("pre_post_clean", f"n={n}, 10 % MCAR", 0.0, make(n)) for n in (30, 60)]


def _did_clean() -> list[Case]:
    def make(n: int) -> Callable[[np.random.Generator], pe.Dataset]:
        return lambda rng: _one(rng, _drop_at_random(rng, _people(rng, n), 0.1),
                                _drop_at_random(rng, _people(rng, n), 0.1))
    return [Case("did_clean", f"{n}+{n}, 10 % MCAR", 0.0, make(n)) for n in (30, 60)]


def _rct_like_real_effect() -> list[Case]:
    def make(effect: float) -> Callable[[np.random.Generator], pe.Dataset]:
        return lambda rng: _one(rng, _people(rng, 60, effect=effect), _people(rng, 60))
    return [Case("rct_like_real_effect", f"60+60 effect={e:g}", e, make(e))
            for e in (MID, 2 * MID)]


def _portfolio_null() -> list[Case]:
    measures = [_measure(f"score{k}") for k in "abc"]

    def f(rng: np.random.Generator) -> pe.Dataset:
        pilots = []
        for i in range(4):
            did = i < 2  # two pilots with a comparison group, two before/after
            arms = {m["measure"]: (_people(rng, 40), _people(rng, 40) if did else None)
                    for m in measures}
            pilots.append(_PilotData(f"p{i + 1}", arms, "scorea"))
        return build_dataset(_tables(pilots, measures))
    return [Case("portfolio_null", "4 pilots × 3 measures, n=40", 0.0, f, kind="portfolio")]


# indicator series: 2019-01 … 2026-06, pilot start 2025-01, population 20 000
_MONTHS = pd.date_range("2019-01-01", "2026-06-01", freq="MS")
_T = np.arange(len(_MONTHS), dtype=float)
_SEASON = 0.1 * np.sin(2 * np.pi * _MONTHS.month.to_numpy() / 12)


def _its_dataset(rng: np.random.Generator, log_mu: np.ndarray) -> pe.Dataset:
    counts = rng.poisson(np.exp(log_mu)).astype(float)
    ind = pd.DataFrame({"series": "meldinger", "pilot_id": "p1", "month": _MONTHS,
                        "value": counts, "population": 20_000.0})
    m = _measure()
    empty = _Arm(np.array([50.0]), np.array([np.nan]))
    tables = _tables([_PilotData("p1", {"score": (empty, None)})], [m], ind)
    return build_dataset(tables)


def _its_pretrend_break() -> list[Case]:
    # log rate: flat to 2023-01, then falling by `slope` per month; nothing at the pilot start
    knot = float(np.flatnonzero(_MONTHS >= pd.Timestamp("2023-01-01"))[0])

    def make(slope: float) -> Callable[[np.random.Generator], pe.Dataset]:
        return lambda rng: _its_dataset(
            rng, np.log(150.0) + _SEASON - slope * np.maximum(_T - knot, 0.0))
    return [Case("its_pretrend_break", f"slope change −{s:g}/month from 2023", 0.0, make(s),
                 kind="its", identified=False) for s in (0.005, 0.01)]


def _ar1(rng: np.random.Generator, rho: float, sd: float = 0.08) -> np.ndarray:
    """A stationary AR(1) series of SD ``sd`` on the log rate, one value per month."""
    eta = np.empty(len(_T))
    eta[0] = rng.normal(0.0, sd)
    innov = rng.normal(0.0, sd * math.sqrt(1 - rho**2), len(_T))
    for t in range(1, len(_T)):  # 90 months: a short recursion
        eta[t] = rho * eta[t - 1] + innov[t]
    return eta


_POST = (_MONTHS >= pd.Timestamp("2025-01-01")).astype(float)


def _its_ar1() -> list[Case]:
    def make(rho: float) -> Callable[[np.random.Generator], pe.Dataset]:
        return lambda rng: _its_dataset(
            rng, np.log(300.0) + 0.002 * _T + _SEASON + _ar1(rng, rho))
    return [Case("its_ar1", f"AR(1) {rho:g}, no effect", 0.0, make(rho), kind="its")
            for rho in (0.0, 0.3, 0.5, 0.7)]


def _its_effect() -> list[Case]:
    # a real drop at the pilot's start (truth: the log rate ratio), correlated months
    def make(rr: float, rho: float) -> Callable[[np.random.Generator], pe.Dataset]:
        return lambda rng: _its_dataset(
            rng, np.log(300.0) + 0.002 * _T + _SEASON + _ar1(rng, rho) + math.log(rr) * _POST)
    return [Case("its_effect", f"rate ratio {rr:g}, AR(1) {rho:g}", math.log(rr),
                 make(rr, rho), kind="its") for rr, rho in ((0.85, 0.3), (0.75, 0.3),
                                                            (0.75, 0.7))]


#: Scenario name → its cases, in the order of the table.
SCENARIOS: dict[str, Callable[[], list[Case]]] = {
    "pre_post_clean": _pre_post_clean,
    "did_clean": _did_clean,
    "pre_post_drift_screening": _pre_post_drift_screening,
    "did_screened_pilot": _did_screened_pilot,
    "dropout_mnar": _dropout_mnar,
    "tiny_comparison": _tiny_comparison,
    "clustered": _clustered,
    "ceiling": _ceiling,
    "its_pretrend_break": _its_pretrend_break,
    "its_ar1": _its_ar1,
    "its_effect": _its_effect,
    "portfolio_null": _portfolio_null,
    "rct_like_real_effect": _rct_like_real_effect,
}


def cases(names: Sequence[str] | None = None) -> list[Case]:
    """The cases of the named scenarios (all by default), in table order."""
    unknown = set(names or ()) - set(SCENARIOS)
    if unknown:
        raise ValueError(f"unknown scenario(s) {sorted(unknown)}; known: {list(SCENARIOS)}")
    return [c for name, make in SCENARIOS.items() if names is None or name in names
            for c in make()]


# --------------------------------------------------------------------------- scoring


def _its_claims(its: pd.DataFrame) -> bool:
    """Whether the summary states a clear change of the indicator: the sentence the report
    prints (:func:`pilot_eval.present.text._its_sentences`), or, if that function has moved
    or changed, "the interval excludes no change"."""
    try:
        from pilot_eval.present.text import _its_sentences

        said = _its_sentences(its, {"p1": "Pilot"}, "en")
    except (ImportError, TypeError):  # pragma: no cover - the present layer changed
        lo, hi = its["level_change_ci_low"].iloc[0], its["level_change_ci_high"].iloc[0]
        return bool(lo > 0 or hi < 0)
    return any("earlier trend predicted" in s for s in said)


def _scorecard(ds: pe.Dataset, summary: pd.DataFrame) -> pd.DataFrame:
    """``pe.scorecard(ds)`` from an outcome summary already computed, as the reports do
    (:func:`pilot_eval.metrics.metric_tables`); the public call if that path has changed."""
    try:
        from pilot_eval.metrics import _scorecard as card

        return card(ds, summary=summary)
    except (ImportError, TypeError):
        return pe.scorecard(ds)


def _value_for_money(ds: pe.Dataset, summary: pd.DataFrame) -> pd.DataFrame:
    """``pe.value_for_money(ds)`` from an outcome summary already computed (as
    :func:`pilot_eval.metrics.metric_tables` does); the public call if that path changed."""
    try:
        from pilot_eval.metrics import value

        return value._value_for_money(value._inputs(ds, summary))
    except (ImportError, AttributeError, TypeError):
        return pe.value_for_money(ds)


def score(case: Case, ds: pe.Dataset, value: bool = True) -> dict[str, object]:
    """One replication: what the decision chain says about ``ds`` (``value=False`` skips
    the value for money, the slowest step, when the caller does not look at it)."""
    if case.kind == "its":
        from pilot_eval.metrics import its_summary

        its = its_summary(ds).iloc[:1]
        row = its.iloc[0]
        return {"estimate": float(row["level_change"]),
                "ci_low": float(row["level_change_ci_low"]),
                "ci_high": float(row["level_change_ci_high"]), "claim": _its_claims(its)}
    summary = pe.outcome_summary(ds)
    card = _scorecard(ds, summary)
    vfm = _value_for_money(ds, summary) if value else pd.DataFrame(
        {"social_value_pv_nok": []}, dtype=float)
    if case.kind == "portfolio":
        lo, hi = summary["improvement_ci_low"], summary["improvement_ci_high"]
        return {"any_excludes_0": bool(((lo > 0) | (hi < 0)).any()),
                "any_green": bool((card["outcome_status"] == "green").any()),
                "any_scale": bool((card["recommendation"] == "scale").any()),
                "social_value": float(vfm["social_value_pv_nok"].fillna(0.0).sum()),
                "value_computed": value}
    row = summary.iloc[0]
    c = card.iloc[0]
    sv = vfm["social_value_pv_nok"].iloc[0] if len(vfm) else np.nan
    return {"estimate": float(row["improvement"]), "ci_low": float(row["improvement_ci_low"]),
            "ci_high": float(row["improvement_ci_high"]),
            "status": str(c["outcome_status"]), "recommendation": str(c["recommendation"]),
            "rating": str(row.get("evidence_rating", pd.NA)) if pd.notna(
                row.get("evidence_rating", pd.NA)) else "—",
            "social_value": float(sv) if pd.notna(sv) else np.nan, "value_computed": value}


def seed_for(case: Case, seed: int) -> np.random.SeedSequence:
    """A seed of its own per case (stable whichever other cases run)."""
    return np.random.SeedSequence([seed, zlib.crc32(case.key.encode("utf-8"))])


def run(case: Case, reps: int, seed: int = 1, value: bool = True) -> pd.DataFrame:
    """``reps`` replications of ``case``, one record each (replication i is the same
    whatever ``reps`` is)."""
    rngs = [np.random.default_rng(s) for s in seed_for(case, seed).spawn(reps)]
    return pd.DataFrame([score(case, case.make(rng), value) for rng in rngs])


def _value_shares(rec: pd.DataFrame) -> dict[str, float]:
    """Share of runs with a social value above 0 and its mean; a run without a value (the
    code gave none) counts as 0. NaN when the value for money was not computed."""
    if not rec["value_computed"].all():
        return {"sv_pos": np.nan, "sv_mean": np.nan}
    sv = rec["social_value"]
    return {"sv_pos": float((sv > 0).mean()), "sv_mean": float(sv.fillna(0.0).mean())}


def summarise(case: Case, rec: pd.DataFrame) -> dict[str, object]:
    """Bias, coverage of the truth and decision shares of one case's replications."""
    out: dict[str, object] = {"scenario": case.scenario, "variant": case.variant,
                              "truth": case.truth, "reps": len(rec)}
    if case.kind == "portfolio":
        out |= {"any_ci_excl_0": rec["any_excludes_0"].mean(),
                "god": rec["any_green"].mean(), "scale": rec["any_scale"].mean(),
                **_value_shares(rec)}
        return out
    est = rec["estimate"]
    ok = est.notna() & rec["ci_low"].notna()
    covered = (rec["ci_low"] <= case.truth) & (case.truth <= rec["ci_high"])
    out |= {"estimable": ok.mean(), "mean_est": est[ok].mean(),
            "bias": est[ok].mean() - case.truth, "coverage": covered[ok].mean()}
    if case.kind == "its":
        out["claim"] = rec["claim"].mean()
        return out
    out |= {"god": (rec["status"] == "green").mean(), "red": (rec["status"] == "red").mean(),
            "grey": (rec["status"] == "grey").mean(),
            "scale": (rec["recommendation"] == "scale").mean(),
            "stop": (rec["recommendation"] == "stop").mean(),
            **_value_shares(rec),
            "rating": rec["rating"].value_counts(normalize=True).to_dict()}
    return out
