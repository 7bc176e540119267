"""Synthetic sample data with a known truth (DESIGN §6).

:func:`generate` builds, from a seed, a realistic but clearly fictional data folder in
memory: four invented pilots in the children-and-youth sector of Bærum, their money,
participants, attendance, baseline and follow-up measurements (with a comparison group for
two pilots), one monthly indicator series, the real population of Bærum (Statistics Norway,
table 07459) and illustrative valuations; for the decision at the end of the agreement, a
cost type on every cost line, the unit costs of comparable services the municipality pays
for today (invented, and said to be: not from Statistics Norway) and the four
organisations' finances. :func:`write` puts it on disk atomically, byte for
byte the same for the same seed and scale, together with ``truth.json`` (the true effects the
estimators should recover) and a ``README.md``.

Everything whose size grows with ``scale`` is drawn with vectorised numpy; Python loops run
over the four pilots, their measures or the months only, so ``scale=1000`` (about 0.7
million participants and 20 million attendance rows) takes seconds.

Data-generating model, per pilot and measure (person *i*, follow-up 6–9 months after
baseline)::

    true_i      ~ N(mu + offset·[comparison], sd_reference²·reliability)
    baseline    = true_i + e0
    follow-up   = true_i + drift_i + trend + effect·[pilot] + e1
    e0, e1      ~ N(0, sd_reference²·(1 − reliability)),  drift_i ~ N(0, sd_drift²)

rounded to whole points and clipped to the measure's scale. ``trend`` (the secular change
that happens without the pilot) is non-zero only where a comparison group exists, so a
pre–post comparison is biased there and a difference-in-differences is not. The effect is the
same for everyone and follow-up response depends only on how the person left the pilot, which
is independent of the outcome, so attrition does not bias the estimates.

The indicator series is Poisson with log link::

    log E[value_t] = log(population_t) + b0 + b1·t + s(month_t) + log(rr)·[t ≥ pilot start]
    s(m) = a1·sin(2πm/12) + c1·cos(2πm/12) + a2·sin(4πm/12) + c2·cos(4πm/12)

with ``t`` in months from 2019-01, the model that ``stats.its(family="poisson",
seasonality="month")`` fits.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .errors import UsageError
from .io import atomic_directory

__all__ = ["SampleData", "generate", "write", "EXTRACTION_DATE", "INVENTED_UNIT_COST_SOURCE",
           "TABLES"]

#: The day the synthetic data were "extracted": nothing in the data happens after it.
EXTRACTION_DATE = dt.date(2026, 10, 31)

#: Table names, in the order they are written and listed.
TABLES = (
    "pilots",
    "costs",
    "participants",
    "sessions",
    "measures",
    "outcomes",
    "indicators",
    "population",
    "valuation",
    "alternatives",
    "finances",
)

ILLUSTRATIVE_SOURCE = (
    "Illustrativ verdi for syntetiske eksempeldata – ikke en offisiell verdsetting"
)
POPULATION_SOURCE = "Kilde: Statistisk sentralbyrå (SSB), tabell 07459"

_AGREEMENT: dict[str, Any] = {
    "name": "Sosiale entreprenører i Bærum",
    "municipality": "Bærum kommune",
    "start": dt.date(2025, 1, 1),
    "end": dt.date(2026, 12, 31),
    "annual_budget_nok": 2_000_000,
    "discount_rate": 0.04,
    "tax_financing_cost": 0.20,
    "min_cell_size": 5,
    "language": "nb",
}

# Real areas (delområder) of Bærum, with rough relative sizes for drawing home areas.
_AREAS = (
    "Bekkestua", "Bærums Verk", "Eiksmarka", "Fornebu", "Haslum", "Høvik",
    "Kolsås", "Lysaker", "Rud", "Sandvika", "Stabekk", "Østerås",
)  # fmt: skip
_AREA_WEIGHTS = np.array([10, 7, 6, 8, 8, 7, 6, 5, 6, 12, 9, 6], dtype=float)
_GENDERS = ("female", "male", "other", "unknown")
_EXIT_REASONS = ("completed", "dropped_out", "moved", "other")

# Follow-up response probability by how the person left (index into _EXIT_REASONS; the last
# entry is for people still active at extraction). Drop-outs and movers answer less often.
_FOLLOWUP_RESPONSE = np.array([0.93, 0.60, 0.20, 0.75, 0.93])
_BASELINE_RESPONSE = 0.97
_FOLLOWUP_LAG_DAYS = (183, 274)  # 6 to 9 months

_MEASURES = pd.DataFrame(
    {
        "measure": ["trivsel", "skolefravaer", "mestring"],
        "label_nb": ["Trivsel", "Skolefravær", "Mestringstro"],
        "label_en": ["Well-being", "School absence", "Self-efficacy"],
        "unit": ["poeng", "dager per halvår", "poeng"],
        "higher_is_better": [True, False, True],
        "scale_min": [0, 0, 10],
        "scale_max": [40, 95, 40],
        "mid": [2.0, 2.0, 3.0],
        "reliability": [0.85, 0.75, 0.85],
        "sd_reference": [6.0, 5.0, 5.0],
        # invented reference means "in the age group", for the regression-to-the-mean check
        "mean_reference": [25.0, 7.0, 27.0],
        "success_threshold": [24, 10, 28],
    }
)
# Real change over 6–9 months that is neither measurement error nor the pilot's doing.
_DRIFT_SD = {"trivsel": 1.5, "skolefravaer": 2.0, "mestring": 1.0}


@dataclass(frozen=True)
class _Effect:
    measure: str
    baseline_mean: float
    effect: float  # true effect in measure units, sign as measured
    trend: float = 0.0  # secular change baseline → follow-up, for pilot and comparison alike
    comparison_offset: float = 0.0  # comparison group's baseline mean minus the pilot's


@dataclass(frozen=True)
class _Pilot:
    pilot_id: str
    name: str
    organisation: str
    target_group: str
    age_min: int
    age_max: int
    target_areas: tuple[str, ...]
    start: dt.date
    end: dt.date
    grant_nok: int
    reach_target: int
    primary_measure: str
    story: str
    n_participants: int  # enrolled by the extraction date, at scale 1
    female_share: float
    intake_ramp_days: int  # enrolment rises linearly to full pace over these days
    intake_peaks: tuple[tuple[int, float], ...]  # (month, multiplier) of the intake pace
    fates: tuple[float, float, float, float]  # completed, dropped_out, moved, other
    programme_days: tuple[float, float]  # mean and sd of time to completion
    weekdays: tuple[int, ...]  # session weekdays (0 = Monday); () = one per person, random
    hours: tuple[tuple[float, ...], tuple[float, ...]]  # session lengths and their shares
    attendance: float  # mean share of planned sessions attended
    comparison_ratio: float  # comparison-group size per participant; 0 = no comparison group
    effects: tuple[_Effect, ...]
    fund_runrate: float  # fund spending pace relative to an even spread of the grant
    fund_startup_nok: int
    municipality_hours: float  # in-kind municipal staff hours per month
    ferd_quarterly_nok: int
    entrepreneur_monthly_nok: int
    fund_startup_on: str = ""  # date of the start-up line ("" = end of the first month)
    other_funding: tuple[tuple[str, int, str], ...] = field(default=())
    # share of the comparison group who answer the follow-up (the pilot group's answers
    # depend on how each person left the pilot)
    comparison_response: float = 0.82
    # how the comparison group was formed ("" = no comparison group)
    comparison_type: str = ""


_PILOTS: tuple[_Pilot, ...] = (
    _Pilot(
        pilot_id="leksehjelp",
        name="Leksehjelp med matpakke",
        organisation="Lekselyst Bærum AS (fiktiv)",
        target_group="Elever 10–15 år som trenger hjelp med lekser",
        age_min=10, age_max=15, target_areas=(),
        start=dt.date(2025, 2, 1), end=dt.date(2026, 12, 31),
        grant_nok=1_200_000, reach_target=320, primary_measure="trivsel",
        story="clear effect above the minimal important difference (difference-in-differences)",
        n_participants=340, female_share=0.50,
        intake_ramp_days=60, intake_peaks=((1, 1.5), (8, 2.0), (9, 2.5)),
        fates=(0.68, 0.20, 0.07, 0.05), programme_days=(250, 40),
        weekdays=(0, 1, 3), hours=((1.0, 1.5, 2.0), (0.25, 0.5, 0.25)), attendance=0.80,
        comparison_ratio=0.8,
        # the school sends both groups the same follow-up: about as many answer in each,
        # so the comparison stays comparable (WWC: low differential attrition)
        comparison_response=0.70,
        # pupils of the same schools and grades, matched on the baseline screening
        comparison_type="matched",
        effects=(
            _Effect("trivsel", 22.0, effect=3.0, trend=1.0, comparison_offset=1.5),
            _Effect("skolefravaer", 10.0, effect=-2.5, trend=-0.5, comparison_offset=-1.5),
        ),
        fund_runrate=1.0, fund_startup_nok=35_000,
        municipality_hours=12, ferd_quarterly_nok=60_000, entrepreneur_monthly_nok=15_000,
        fund_startup_on="2025-01-20",  # before the pilot starts: validation warns about it
    ),
    _Pilot(
        pilot_id="jobbtrening",
        name="Jobbtrening Ung",
        organisation="Arbeidsglede Ung SA (fiktiv)",
        target_group="Unge 16–23 år utenfor skole og arbeid",
        age_min=16, age_max=23, target_areas=(),
        start=dt.date(2025, 3, 1), end=dt.date(2026, 12, 31),
        grant_nok=1_100_000, reach_target=180, primary_measure="mestring",
        story="small effect, below the minimal important difference; pre-post overstates it",
        n_participants=150, female_share=0.40,
        intake_ramp_days=90, intake_peaks=((8, 1.5), (9, 1.5)),
        fates=(0.55, 0.32, 0.05, 0.08), programme_days=(180, 30),
        weekdays=(1, 3), hours=((2.0, 2.5, 3.0), (0.2, 0.3, 0.5)), attendance=0.70,
        comparison_ratio=1.0,
        comparison_type="other",  # young people on the waiting list of another service
        effects=(
            _Effect("trivsel", 21.0, effect=0.5, trend=1.0, comparison_offset=1.0),
            _Effect("mestring", 25.0, effect=0.5, trend=2.0, comparison_offset=1.0),
        ),
        fund_runrate=1.12, fund_startup_nok=0,
        municipality_hours=20, ferd_quarterly_nok=45_000, entrepreneur_monthly_nok=10_000,
    ),
    _Pilot(
        pilot_id="mentor",
        name="Mentorprogrammet Veivenn",
        organisation="Veivenn Stiftelse (fiktiv)",
        target_group="Ungdom 12–18 år i Sandvika og på Rud som trenger en voksen å støtte seg på",
        age_min=12, age_max=18, target_areas=("Sandvika", "Rud"),
        start=dt.date(2025, 1, 15), end=dt.date(2026, 12, 31),
        grant_nok=1_000_000, reach_target=120, primary_measure="trivsel",
        story="moderate effect near the minimal important difference (pre-post only)",
        n_participants=130, female_share=0.45,
        intake_ramp_days=120, intake_peaks=((9, 1.5),),
        fates=(0.70, 0.18, 0.08, 0.04), programme_days=(300, 45),
        weekdays=(), hours=((1.0, 1.5, 2.0), (0.3, 0.4, 0.3)), attendance=0.75,
        comparison_ratio=0.0,
        effects=(
            _Effect("trivsel", 21.0, effect=2.0),
            _Effect("skolefravaer", 11.0, effect=-1.5),
        ),
        fund_runrate=0.5, fund_startup_nok=0,
        municipality_hours=8, ferd_quarterly_nok=40_000, entrepreneur_monthly_nok=20_000,
    ),
    _Pilot(
        pilot_id="fritid",
        name="Fritidsguiden",
        organisation="Fritidsvenn Bærum AS (fiktiv)",
        target_group="Barn og unge 8–16 år som ikke deltar i organiserte fritidsaktiviteter",
        age_min=8, age_max=16, target_areas=(),
        start=dt.date(2025, 9, 1), end=dt.date(2026, 12, 31),
        grant_nok=700_000, reach_target=150, primary_measure="trivsel",
        story="started late: too few measured to tell",
        n_participants=70, female_share=0.50,
        intake_ramp_days=240, intake_peaks=(),
        fates=(0.65, 0.22, 0.08, 0.05), programme_days=(150, 30),
        weekdays=(3,), hours=((1.5, 2.0, 2.5), (0.2, 0.6, 0.2)), attendance=0.75,
        comparison_ratio=0.0,
        effects=(_Effect("trivsel", 23.0, effect=2.0),),
        fund_runrate=1.0, fund_startup_nok=120_000,
        municipality_hours=6, ferd_quarterly_nok=0, entrepreneur_monthly_nok=8_000,
        other_funding=(("2025-10-31", 50_000, "Gave fra lokal stiftelse (fiktiv)"),),
    ),
)  # fmt: skip

# Monthly indicator series evaluated by interrupted time series.
_SERIES = {
    "series": "barnevernsmeldinger",
    "label_nb": "Bekymringsmeldinger til barnevernet, 10–15 år",
    "pilot_id": "leksehjelp",
    "ages": (10, 15),
    "first_month": "2019-01",
    "rate_per_child_month": 0.0035,
    "trend_per_year": 0.015,  # relative increase per year before the pilot
    "harmonics": {"sin12": 0.06, "cos12": 0.10, "sin6": -0.05, "cos6": -0.04},
    "level_rate_ratio": 0.85,
}

_VALUATION = pd.DataFrame(
    {
        "measure": ["trivsel", "skolefravaer"],
        "basis": ["per_success", "per_unit"],
        "value_nok": [25_000, 1_500],
        "deadweight": [0.30, 0.20],
        "attribution": [0.20, 0.25],
        "displacement": [0.0, 0.0],
        "drop_off": [0.50, 0.30],
        "duration_years": [2, 3],
        "source": [ILLUSTRATIVE_SOURCE, ILLUSTRATIVE_SOURCE],
        "confidence": ["low", "low"],
    }
)


@dataclass
class SampleData:
    """A generated sample data folder, in memory.

    Attributes
    ----------
    agreement : dict
        What ``agreement.toml`` holds (dates as :class:`datetime.date`).
    tables : dict of str to pandas.DataFrame
        The tables of DESIGN §2, keyed by file stem (see :data:`TABLES`).
    truth : dict
        The known truth behind the data, written as ``truth.json``.
    """

    agreement: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    truth: dict[str, Any]


# --------------------------------------------------------------------------------------------
# helpers


def _day(d: dt.date | str) -> int:
    """Days since 1970-01-01 (numpy's datetime64[D] epoch)."""
    return int(np.datetime64(d, "D").astype(np.int64))


_EXTRACTION_DAY = _day(EXTRACTION_DATE)
_STR_DTYPE = pd.Series(["x"]).dtype  # "str" on pandas >= 3, object before


def _strings(categories: Sequence[str], codes: np.ndarray) -> Any:
    """Text column from integer codes into ``categories`` (code < 0 → missing), via Arrow."""
    codes = np.asarray(codes)
    taken = pa.array(list(categories), type=pa.string()).take(
        pa.array(codes.astype(np.int64), mask=codes < 0)
    )
    return _arrow_to_column(taken)


def _arrow_to_column(arr: pa.Array) -> Any:
    if isinstance(_STR_DTYPE, np.dtype):  # pragma: no cover - pandas < 3: object
        return arr.to_numpy(zero_copy_only=False)
    return pd.array(arr, dtype=_STR_DTYPE)


def _dates(days: np.ndarray) -> np.ndarray:
    """datetime64[ns] values from day numbers (negative sentinel → NaT)."""
    days = np.asarray(days, dtype=np.int64)
    out = days.astype("datetime64[D]").astype("datetime64[ns]")
    out[days < 0] = np.datetime64("NaT")
    return out


def _mix32(x: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser: a bijection on uint32, so distinct inputs stay distinct."""
    x = x.astype(np.uint32)
    x ^= x >> np.uint32(16)
    x *= np.uint32(0x85EBCA6B)
    x ^= x >> np.uint32(13)
    x *= np.uint32(0xC2B2AE35)
    x ^= x >> np.uint32(16)
    return x


def _pseudonyms(prefix: str, index: np.ndarray, key: int) -> np.ndarray:
    """``prefix`` + 8 hex digits, unique for distinct ``index`` < 2**32 (keyed bijection)."""
    h = _mix32((index.astype(np.uint64) + np.uint64(key)) & np.uint64(0xFFFFFFFF))
    shifts = np.arange(28, -4, -4, dtype=np.uint32)
    nibbles = (h[:, None] >> shifts) & np.uint32(0xF)
    hexdigits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)[nibbles]
    pre = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    buf = np.empty((len(h), len(pre) + 8), dtype=np.uint8)
    buf[:, : len(pre)] = pre
    buf[:, len(pre) :] = hexdigits
    return buf.view(f"S{buf.shape[1]}").ravel().astype(f"U{buf.shape[1]}")


def _months(first: dt.date, last: dt.date) -> np.ndarray:
    """Month numbers (datetime64[M]) from ``first``'s month to ``last``'s month inclusive."""
    return np.arange(np.datetime64(first, "M"), np.datetime64(last, "M") + 1)


def _month_end_day(months: np.ndarray) -> np.ndarray:
    return ((months + 1).astype("datetime64[D]") - 1).astype(np.int64)


def _calendar(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Month (1–12), day of month and weekday (0 = Monday) of day numbers."""
    d = days.astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    month = m.astype(np.int64) % 12 + 1
    dom = (d - m.astype("datetime64[D]")).astype(np.int64) + 1
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday
    return month, dom, weekday


def _holiday_factor(days: np.ndarray) -> np.ndarray:
    """Activity relative to normal: low in July (summer) and over Christmas."""
    month, dom, _ = _calendar(days)
    f = np.ones(len(days))
    f[month == 7] = 0.10
    f[((month == 12) & (dom >= 21)) | ((month == 1) & (dom <= 2))] = 0.05
    return f


# --------------------------------------------------------------------------------------------
# participants


@dataclass
class _People:
    """Participant rows of all pilots as parallel numpy arrays (sorted by pilot, enrolment)."""

    pilot: np.ndarray  # index into _PILOTS
    citizen: np.ndarray  # citizen number (the same person in two pilots shares it)
    enrolled: np.ndarray  # day number
    exited: np.ndarray  # day number, -1 = still active
    reason: np.ndarray  # index into _EXIT_REASONS, -1 = still active
    birth_year: np.ndarray  # -1 = missing
    gender: np.ndarray
    area: np.ndarray  # index into _AREAS, -1 = missing
    ids: np.ndarray  # pseudonymous ids

    def slice(self, p: int) -> slice:
        lo, hi = np.searchsorted(self.pilot, [p, p + 1])
        return slice(int(lo), int(hi))


def _intake_weights(pilot: _Pilot) -> tuple[np.ndarray, np.ndarray]:
    """Days a participant can enrol on and the relative pace of enrolment on each."""
    days = np.arange(_day(pilot.start), _EXTRACTION_DAY + 1)
    month, _, weekday = _calendar(days)
    ramp = np.minimum(1.0, 0.15 + (days - days[0]) / max(pilot.intake_ramp_days, 1))
    peak = np.ones(len(days))
    for m, mult in pilot.intake_peaks:
        peak[month == m] = mult
    w = (weekday < 5) * ramp * peak * _holiday_factor(days)
    return days, w / w.sum()


def _draw_pilot_people(rng: np.random.Generator, p: int, n: int, first_citizen: int) -> dict:
    pilot = _PILOTS[p]
    days, w = _intake_weights(pilot)
    enrolled = rng.choice(days, size=n, p=w)
    fate = rng.choice(4, size=n, p=pilot.fates)
    mean, sd = pilot.programme_days
    t_complete = np.maximum(60.0, rng.normal(mean, sd, n))
    t_drop = 14.0 + rng.exponential(60.0, n)
    t_other = rng.uniform(30.0, mean, n)
    t_exit = np.choose(fate, [t_complete, t_drop, t_other, t_other])
    exited = enrolled + np.rint(t_exit).astype(np.int64)
    active = exited > _EXTRACTION_DAY
    exited[active] = -1
    reason = np.where(active, -1, fate)

    enrol_year = enrolled.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    birth_year = enrol_year - rng.integers(pilot.age_min, pilot.age_max + 1, n)
    birth_year[rng.random(n) < 0.01] = -1
    f = pilot.female_share
    gender = rng.choice(4, size=n, p=[f * 0.97, (1 - f) * 0.97, 0.01, 0.02])
    area = rng.choice(len(_AREAS), size=n, p=_AREA_WEIGHTS / _AREA_WEIGHTS.sum())
    if pilot.target_areas:  # most, not all, come from the pilot's own areas
        local = np.array([_AREAS.index(a) for a in pilot.target_areas])
        inside = rng.random(n) < 0.85
        area[inside] = local[rng.integers(0, len(local), int(inside.sum()))]
    area[rng.random(n) < 0.02] = -1
    return {
        "pilot": np.full(n, p, dtype=np.int64),
        "citizen": np.arange(first_citizen, first_citizen + n, dtype=np.int64),
        "enrolled": enrolled.astype(np.int64),
        "exited": exited,
        "reason": reason.astype(np.int64),
        "birth_year": birth_year,
        "gender": gender.astype(np.int64),
        "area": area.astype(np.int64),
    }


def _share_citizens(
    rng: np.random.Generator, src: dict, dst: dict, share: float, src_ages: tuple[int, int]
) -> int:
    """Make some of ``dst``'s participants the same citizens as some of ``src``'s.

    Gives the portfolio a realistic overlap (citizens in more than one pilot) with consistent
    birth year, gender and area.
    """
    src_age = (
        src["enrolled"].astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)
        + 1970
        - src["birth_year"]
    )
    dst_pilot = _PILOTS[int(dst["pilot"][0])]
    ok_area = np.isin(src["area"], [_AREAS.index(a) for a in dst_pilot.target_areas])
    cand = np.flatnonzero(
        (src["birth_year"] > 0) & (src_age >= src_ages[0]) & (src_age <= src_ages[1]) & ok_area
    )
    m = min(round(share * len(dst["citizen"])), len(cand))
    pick = rng.choice(cand, size=m, replace=False)
    rows = rng.choice(len(dst["citizen"]), size=m, replace=False)
    for col in ("citizen", "birth_year", "gender", "area"):
        dst[col][rows] = src[col][pick]
    return m


def _people(rng: np.random.Generator, scale: int, id_key: int) -> _People:
    parts, first = [], 0
    for p, pilot in enumerate(_PILOTS):
        n = round(pilot.n_participants * scale)
        parts.append(_draw_pilot_people(rng, p, n, first))
        first += n
    ids = [pl.pilot_id for pl in _PILOTS]
    _share_citizens(rng, parts[ids.index("leksehjelp")], parts[ids.index("mentor")], 0.06, (13, 15))
    cols = {k: np.concatenate([d[k] for d in parts]) for k in parts[0]}
    hashed = _pseudonyms("p-", cols["citizen"], id_key)
    order = np.lexsort((hashed, cols["enrolled"], cols["pilot"]))
    cols = {k: v[order] for k, v in cols.items()}
    return _People(ids=hashed[order], **cols)


def _participants_table(people: _People) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "participant_id": _strings(people.ids, np.arange(len(people.ids))),
            "pilot_id": _strings([p.pilot_id for p in _PILOTS], people.pilot),
            "enrolled_on": _dates(people.enrolled),
            "exited_on": _dates(people.exited),
            "exit_reason": _strings(_EXIT_REASONS, people.reason),
            "birth_year": pd.arrays.IntegerArray(
                np.maximum(people.birth_year, 0), people.birth_year < 0
            ),
            "gender": _strings(_GENDERS, people.gender),
            "area": _strings(_AREAS, people.area),
        }
    )


# --------------------------------------------------------------------------------------------
# sessions


def _sessions(rng: np.random.Generator, people: _People) -> pd.DataFrame:
    """Attendance: weekly slots on the pilot's weekdays, kept with the person's propensity."""
    row_parts, day_parts, hour_parts = [], [], []
    lo_day = int(people.enrolled.min()) - 7
    holiday = _holiday_factor(np.arange(lo_day, _EXTRACTION_DAY + 1))
    for p, pilot in enumerate(_PILOTS):
        sl = people.slice(p)
        n = sl.stop - sl.start
        if n == 0:
            continue
        enrolled = people.enrolled[sl]
        end = np.where(people.exited[sl] >= 0, people.exited[sl], _EXTRACTION_DAY)
        monday = enrolled - (enrolled + 3) % 7
        if pilot.weekdays:
            dows = np.broadcast_to(np.array(pilot.weekdays), (n, len(pilot.weekdays)))
        else:
            dows = rng.integers(0, 5, size=(n, 1))
        per_week = dows.shape[1]
        n_slots = ((end - monday) // 7 + 1) * per_week
        row = np.repeat(np.arange(n), n_slots)
        j = np.arange(int(n_slots.sum())) - np.repeat(np.cumsum(n_slots) - n_slots, n_slots)
        day = monday[row] + 7 * (j // per_week) + dows[row, j % per_week]
        propensity = rng.beta(8 * pilot.attendance, 8 * (1 - pilot.attendance), n)
        propensity[people.reason[sl] == _EXIT_REASONS.index("dropped_out")] *= 0.7
        inside = (day >= enrolled[row]) & (day <= end[row])
        attend = rng.random(len(day)) < propensity[row] * holiday[np.maximum(day - lo_day, 0)]
        keep = inside & attend
        row_parts.append(row[keep] + sl.start)
        day_parts.append(day[keep])
        values, shares = pilot.hours
        hour_parts.append(np.asarray(values)[rng.choice(len(values), int(keep.sum()), p=shares)])
    rows = np.concatenate(row_parts)
    return pd.DataFrame(
        {
            "pilot_id": _strings([p.pilot_id for p in _PILOTS], people.pilot[rows]),
            "participant_id": _strings(people.ids, rows),
            "date": _dates(np.concatenate(day_parts)),
            "hours": np.concatenate(hour_parts),
        }
    )


# --------------------------------------------------------------------------------------------
# outcomes


def _measure_spec(measure: str) -> dict:
    return _MEASURES.set_index("measure").loc[measure].to_dict()


def _draw_values(
    rng: np.random.Generator, n: int, measure: str, mean: float, trend: float, effect: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Baseline, follow-up and counterfactual follow-up (without the effect), same noise."""
    spec = _measure_spec(measure)
    sd_true = spec["sd_reference"] * math.sqrt(spec["reliability"])
    sd_err = spec["sd_reference"] * math.sqrt(1 - spec["reliability"])
    true = mean + rng.normal(0, sd_true, n)
    y0 = true + rng.normal(0, sd_err, n)
    y1_cf = true + rng.normal(0, _DRIFT_SD[measure], n) + trend + rng.normal(0, sd_err, n)

    def obs(y: np.ndarray) -> np.ndarray:
        return np.clip(np.rint(y), spec["scale_min"], spec["scale_max"]).astype(np.int64)

    return obs(y0), obs(y1_cf + effect), obs(y1_cf)


def _successes(y0: np.ndarray, y1: np.ndarray, spec: dict) -> np.ndarray:
    thr = spec["success_threshold"]
    if spec["higher_is_better"]:
        return (y0 < thr) & (y1 >= thr)
    return (y0 > thr) & (y1 <= thr)


def _outcomes(
    rng: np.random.Generator, people: _People, id_key: int
) -> tuple[pd.DataFrame, list[dict]]:
    """Outcome rows and the truth per pilot × measure."""
    blocks: list[dict[str, np.ndarray]] = []
    comparison_ids: list[np.ndarray] = []
    truth: list[dict] = []
    n_people, n_comp = len(people.ids), 0
    lag_lo, lag_hi = _FOLLOWUP_LAG_DAYS
    for p, pilot in enumerate(_PILOTS):
        sl = people.slice(p)
        n = sl.stop - sl.start
        enrolled = people.enrolled[sl]
        base_day = enrolled + rng.integers(0, 8, n)
        has_base = (rng.random(n) < _BASELINE_RESPONSE) & (base_day <= _EXTRACTION_DAY)
        fu_day = enrolled + rng.integers(lag_lo, lag_hi + 1, n)
        due = has_base & (fu_day <= _EXTRACTION_DAY)
        reason = people.reason[sl]
        has_fu = due & (rng.random(n) < _FOLLOWUP_RESPONSE[reason])  # -1 → "still active"
        groups = [("pilot", np.arange(sl.start, sl.stop), base_day, has_base, fu_day, has_fu)]

        nc = round(pilot.comparison_ratio * n)
        if nc:
            c_base = rng.choice(enrolled, nc) + rng.integers(0, 8, nc)
            c_fu = c_base + rng.integers(lag_lo, lag_hi + 1, nc)
            c_has_base = c_base <= _EXTRACTION_DAY
            c_has_fu = c_has_base & (c_fu <= _EXTRACTION_DAY)
            c_has_fu &= rng.random(nc) < pilot.comparison_response
            c_rows = n_people + n_comp + np.arange(nc)
            comparison_ids.append(_pseudonyms("c-", np.arange(n_comp, n_comp + nc), id_key))
            n_comp += nc
            groups.append(("comparison", c_rows, c_base, c_has_base, c_fu, c_has_fu))

        for m_idx, eff in enumerate(pilot.effects):
            spec = _measure_spec(eff.measure)
            rec: dict[str, Any] = {"pilot_id": pilot.pilot_id, "measure": eff.measure}
            for g_idx, (group, rows, b_day, b_ok, f_day, f_ok) in enumerate(groups):
                k = len(rows)
                is_pilot = group == "pilot"
                y0, y1, y1_cf = _draw_values(
                    rng,
                    k,
                    eff.measure,
                    eff.baseline_mean + (0.0 if is_pilot else eff.comparison_offset),
                    eff.trend,
                    eff.effect if is_pilot else 0.0,
                )
                for tp, ok, day, val in ((0, b_ok, b_day, y0), (1, f_ok, f_day, y1)):
                    blocks.append(
                        {
                            "pilot": np.full(int(ok.sum()), p),
                            "group": np.full(int(ok.sum()), g_idx),
                            "row": rows[ok],
                            "measure": np.full(int(ok.sum()), m_idx),
                            "timepoint": np.full(int(ok.sum()), tp),
                            "day": day[ok],
                            "value": val[ok],
                        }
                    )
                both = b_ok & f_ok
                due_n = int((b_ok & (f_day <= _EXTRACTION_DAY)).sum())
                succ = _successes(y0[both], y1[both], spec)
                if is_pilot:
                    succ_cf = _successes(y0[both], y1_cf[both], spec)
                    rec.update(
                        n_pilot_measured=int(both.sum()),
                        n_pilot_baseline=int(b_ok.sum()),
                        n_pilot_followup_due=due_n,
                        attrition_share_due=_r(1 - both.sum() / due_n) if due_n else None,
                        effect_realised=_r(_mean(y1[both] - y1_cf[both])),
                        success_rate_pilot=_r(_mean(succ)),
                        success_rate_pilot_without_effect=_r(_mean(succ_cf)),
                        true_attributable_successes=int(succ.sum() - succ_cf.sum()),
                    )
                else:
                    rec.update(
                        n_comparison_measured=int(both.sum()),
                        success_rate_comparison=_r(_mean(succ)),
                    )
            truth.append(_effect_truth(pilot, eff, spec, rec, with_comparison=nc > 0))

    cols = {k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]}
    order = np.lexsort(
        (cols["timepoint"], cols["measure"], cols["row"], cols["group"], cols["pilot"])
    )
    cols = {k: v[order] for k, v in cols.items()}
    all_ids = np.concatenate([people.ids, *comparison_ids])
    # per-pilot measure number → position in the measures table
    lut = np.full((len(_PILOTS), max(len(pl.effects) for pl in _PILOTS)), -1)
    for p, pilot in enumerate(_PILOTS):
        for m_idx, eff in enumerate(pilot.effects):
            lut[p, m_idx] = list(_MEASURES["measure"]).index(eff.measure)
    measure_codes = lut[cols["pilot"], cols["measure"]]
    table = pd.DataFrame(
        {
            "pilot_id": _strings([p.pilot_id for p in _PILOTS], cols["pilot"]),
            "participant_id": _strings(all_ids, cols["row"]),
            "group": _strings(("pilot", "comparison"), cols["group"]),
            "measure": _strings(list(_MEASURES["measure"]), measure_codes),
            "timepoint": _strings(("baseline", "followup"), cols["timepoint"]),
            "measured_on": _dates(cols["day"]),
            "value": cols["value"],
        }
    )
    return table, truth


def _r(x: float) -> float | None:
    """A float for truth.json, rounded so the file does not depend on the last bits."""
    x = float(x)
    return None if math.isnan(x) else round(x, 6)


def _mean(x: np.ndarray) -> float:
    return float(np.mean(x)) if len(x) else math.nan


def _effect_truth(
    pilot: _Pilot, eff: _Effect, spec: dict, realised: dict, with_comparison: bool
) -> dict:
    sign = 1 if spec["higher_is_better"] else -1
    out: dict[str, Any] = {
        "pilot_id": pilot.pilot_id,
        "measure": eff.measure,
        "design": "did" if with_comparison else "pre_post",
        "true_effect": eff.effect,
        "true_improvement": sign * eff.effect,
        "mid": spec["mid"],
        "true_effect_meets_mid": abs(eff.effect) >= spec["mid"] and sign * eff.effect > 0,
        "secular_trend": eff.trend,
        "expected_pre_post_change": eff.effect + eff.trend,
        "baseline_mean": eff.baseline_mean,
        "comparison_baseline_offset": eff.comparison_offset if with_comparison else None,
        "success_threshold": spec["success_threshold"],
    }
    out.update(realised)
    return out


# --------------------------------------------------------------------------------------------
# costs

# Deliberate correction lines: (pilot, date, funder, in_kind, amount, cost type, description).
# A correction has the cost type of the line it corrects.
_CORRECTIONS = (
    ("jobbtrening", "2025-06-30", "entrepreneur", False, 18_000, "fixed",
     "Husleie lokaler juni"),
    ("jobbtrening", "2025-07-31", "entrepreneur", False, -18_000, "fixed",
     "Korreksjon: husleie for juni var ført to ganger"),
    ("mentor", "2025-11-30", "municipality", True, -4_680, "variable",
     "Korreksjon: feil timesats for kommunal arbeidstid i oktober"),
)  # fmt: skip
_HOURLY_RATE_NOK = 780  # municipal staff time, wage plus social costs (illustrative)
_FUNDERS = ("fund", "municipality", "ferd", "entrepreneur", "other")

# What each kind of cost line pays for decides its cost type (schema.COST_TYPES): would it
# grow if twice as many took part?
# * start_up: the one-off purchases of equipment and material before or at the start;
# * fixed: what runs the organisation whatever the number of participants: rent, and the
#   entrepreneur's own leadership and the co-financing from Ferd (a set sum per quarter
#   that pays for project leadership and administration);
# * variable: what pays for the activity itself: the fund's monthly payments (instructors,
#   food, material), municipal staff time spent on the participants (referral, follow-up),
#   and gifts earmarked for activities.
_COST_TYPE = {
    "fund_monthly": "variable",
    "fund_start_up": "start_up",
    "municipality_staff": "variable",
    "entrepreneur_own": "fixed",
    "ferd_quarterly": "fixed",
    "other_gift": "variable",
}


def _costs(rng: np.random.Generator) -> pd.DataFrame:
    """Monthly cost lines per pilot up to the extraction date (not scaled), each with its
    cost type (see ``_COST_TYPE``)."""
    frames = []
    for pilot in _PILOTS:
        months = _months(pilot.start, min(pilot.end, EXTRACTION_DATE))
        days = _month_end_day(months)
        n_period = len(_months(pilot.start, pilot.end))
        k = len(days)
        monthly = (pilot.grant_nok * pilot.fund_runrate - pilot.fund_startup_nok) / n_period
        fund = np.round(monthly * (1 + rng.normal(0, 0.08, k)), -2)
        staff = pilot.municipality_hours * _HOURLY_RATE_NOK * (1 + rng.normal(0, 0.15, k))
        own = pilot.entrepreneur_monthly_nok * (1 + rng.normal(0, 0.10, k))
        lines = [
            ("fund", False, fund, days, _COST_TYPE["fund_monthly"], "Utbetaling fra fondet"),
            ("municipality", True, np.round(staff, -2), days, _COST_TYPE["municipality_staff"],
             "Arbeidstid kommunalt ansatte (naturalytelse)"),
            ("entrepreneur", True, np.round(own, -2), days, _COST_TYPE["entrepreneur_own"],
             "Egeninnsats: frivillige timer og ledelse"),
        ]  # fmt: skip
        quarter_end = (months.astype(np.int64) % 12 + 1) % 3 == 0
        if pilot.ferd_quarterly_nok:
            lines.append(
                ("ferd", False, np.full(int(quarter_end.sum()), pilot.ferd_quarterly_nok),
                 days[quarter_end], _COST_TYPE["ferd_quarterly"],
                 "Medfinansiering fra Ferd Sosiale Entreprenører")
            )  # fmt: skip
        if pilot.fund_startup_nok:
            on = _day(pilot.fund_startup_on) if pilot.fund_startup_on else days[0]
            lines.append(
                ("fund", False, np.array([pilot.fund_startup_nok]), np.array([on]),
                 _COST_TYPE["fund_start_up"], "Oppstartskostnader: innkjøp av utstyr og materiell")
            )  # fmt: skip
        for on, amount, text in pilot.other_funding:
            lines.append(("other", False, np.array([amount]), np.array([_day(on)]),
                          _COST_TYPE["other_gift"], text))
        for pid, on, funder, in_kind, amount, cost_type, text in _CORRECTIONS:
            if pid == pilot.pilot_id:
                lines.append((funder, in_kind, np.array([amount]), np.array([_day(on)]),
                              cost_type, text))
        for funder, in_kind, amount, day, cost_type, text in lines:
            frames.append(
                pd.DataFrame(
                    {
                        "pilot_id": pilot.pilot_id,
                        "date": _dates(day),
                        "funder": funder,
                        "in_kind": in_kind,
                        "amount_nok": np.asarray(amount).astype(np.int64),
                        "description": text,
                        "cost_type": cost_type,
                    }
                )
            )
    costs = pd.concat(frames, ignore_index=True)
    costs["_p"] = costs["pilot_id"].map({p.pilot_id: i for i, p in enumerate(_PILOTS)})
    costs["_f"] = costs["funder"].map({f: i for i, f in enumerate(_FUNDERS)})
    costs = costs.sort_values(["_p", "date", "_f", "description"], kind="stable")
    return costs.drop(columns=["_p", "_f"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# the decision at the end of the agreement: today's comparable services, the enterprises

#: The ``source`` of every row of ``alternatives.csv``: the unit costs are invented for the
#: example (this machine has no KOSTRA extract), and say so wherever they are shown.
INVENTED_UNIT_COST_SOURCE = (
    "Oppdiktet eksempeltall i KOSTRA-format, ikke fra SSB (syntetiske eksempeldata)"
)

# What the municipality pays today, per participant per year, for a service comparable to
# the pilots (invented; in the range such services cost, one price year older on purpose).
_ALTERNATIVES = pd.DataFrame(
    {
        "alternative": ["leksehjelp_skole", "arbeidstrening_kommune", "stottekontakt"],
        "name": [
            "Leksehjelp og ekstra oppfølging i skolen",
            "Arbeidstrening for unge i kommunal regi",
            "Støttekontakt (fritidskontakt) for barn og unge",
        ],
        "unit_cost_nok": [18_000, 38_000, 52_000],
        "year": [2025, 2025, 2024],
        "source": [INVENTED_UNIT_COST_SOURCE] * 3,
        "pilot_ids": ["leksehjelp", "jobbtrening", "mentor;fritid"],
    }
)

# The organisations' income other than the pilot's money, their result (income − costs)
# and Ferd's investment, in thousands of kroner. 2026 is the year so far (to the extraction
# date). The pilot's money — the fund's payments, Ferd's co-financing, gifts — is added from
# the cost lines, so income and costs agree. The four tell different stories:
# * Lekselyst sells homework help to Bærum's schools: four in five kroner come from the
#   municipality, and the fund made it more dependent still;
# * Arbeidsglede earns most from private customers (café, catering) and from NAV and other
#   municipalities; Bærum's share stays small; Ferd lends it money for a second café;
# * Veivenn, a foundation, sells mentor places to neighbouring municipalities and raises
#   more gifts each year: it is becoming less dependent on Bærum;
# * Fritidsvenn is young, runs at a loss on holiday camps paid by parents, and Ferd buys
#   a share of it in 2026.
_FINANCES = pd.DataFrame(
    [
        # organisation, year, municipality, ferd, other_public, private_customers, donations,
        # other_income, result, ferd_investment
        (0, 2024, 1300, 0, 300, 80, 0, 30, -20, 0),
        (0, 2025, 1650, 0, 150, 80, 0, 20, 40, 0),
        (0, 2026, 1400, 0, 100, 60, 0, 20, 10, 0),
        (1, 2024, 450, 200, 1600, 3900, 50, 100, 150, 0),
        (1, 2025, 200, 0, 1700, 4300, 40, 110, -250, 1500),
        (1, 2026, 200, 0, 1450, 3800, 30, 90, 120, 0),
        (2, 2024, 950, 0, 80, 0, 180, 40, 10, 0),
        (2, 2025, 850, 0, 250, 40, 250, 40, -30, 0),
        (2, 2026, 520, 0, 420, 60, 300, 30, 40, 0),
        (3, 2024, 0, 0, 60, 420, 150, 10, -140, 0),
        (3, 2025, 40, 0, 120, 560, 150, 10, -90, 0),
        (3, 2026, 60, 0, 150, 600, 140, 10, -30, 600),
    ],
    columns=["pilot", "year", "municipality", "ferd", "other_public", "private_customers",
             "donations", "other_income", "result", "ferd_investment"],
)  # fmt: skip
#: Which of the pilot's funders is which income source of its organisation.
_INCOME_OF_FUNDER = {"fund": "fund", "ferd": "ferd", "other": "donations"}


def _finances(costs: pd.DataFrame) -> pd.DataFrame:
    """Income by source and total costs per organisation and year (``finances.csv``).

    The pilot's money comes from the cost lines: what the fund, Ferd and other donors paid
    for the pilot in a year is the organisation's income from them that year (whole
    thousands), on top of ``_FINANCES``. So the fund's income is there only in the years it
    paid, and matches what the pilot booked. Total costs are income minus the result.
    """
    paid = costs[costs["funder"].isin(list(_INCOME_OF_FUNDER))]
    pilot_of = {p.pilot_id: i for i, p in enumerate(_PILOTS)}
    pilot_money = (
        paid.assign(
            pilot=paid["pilot_id"].map(pilot_of),
            year=paid["date"].dt.year,
            source=paid["funder"].map(_INCOME_OF_FUNDER),
        )
        .pivot_table(index=["pilot", "year"], columns="source", values="amount_nok",
                     aggfunc="sum", fill_value=0)
        .reindex(columns=["fund", "ferd", "donations"], fill_value=0)
    )
    base = _FINANCES.set_index(["pilot", "year"])
    money = pilot_money.reindex(base.index, fill_value=0)
    in_agreement = base.index.get_level_values("year").isin(
        range(_AGREEMENT["start"].year, _AGREEMENT["end"].year + 1)
    )
    thousand = 1000
    income = pd.DataFrame(
        {
            "fund_nok": np.where(in_agreement, np.round(money["fund"], -3), 0),
            "municipality_nok": base["municipality"] * thousand,
            "ferd_nok": base["ferd"] * thousand + np.round(money["ferd"], -3),
            "other_public_nok": base["other_public"] * thousand,
            "private_customers_nok": base["private_customers"] * thousand,
            "donations_nok": base["donations"] * thousand + np.round(money["donations"], -3),
            "other_income_nok": base["other_income"] * thousand,
        },
        index=base.index,
    ).astype(np.int64)
    pilots = base.index.get_level_values("pilot")
    return pd.DataFrame(
        {
            "organisation": [_PILOTS[i].organisation for i in pilots],
            "year": base.index.get_level_values("year"),
            **{c: income[c].to_numpy() for c in income.columns},
            "total_costs_nok": (income.sum(axis=1) - base["result"] * thousand).to_numpy(),
            "ferd_investment_nok": (base["ferd_investment"] * thousand).to_numpy(),
        }
    )


# --------------------------------------------------------------------------------------------
# indicator series and population


def _population() -> pd.DataFrame:
    """Bærum's population 1 January 2015–2026 by age and gender (SSB table 07459)."""
    nums = np.array(_SSB_07459_BAERUM.split(), dtype=np.int64).reshape(-1, 1 + 106 * 2)
    years, counts = nums[:, 0], nums[:, 1:]
    n_years = len(years)
    return pd.DataFrame(
        {
            "year": np.repeat(years, 212),
            "area": _strings(["all"], np.zeros(n_years * 212, dtype=np.int64)),
            "age": np.tile(np.repeat(np.arange(106), 2), n_years),
            "gender": _strings(("female", "male"), np.tile([0, 1], n_years * 106)),
            "count": counts.ravel(),
        }
    )


def _indicators(rng: np.random.Generator, population: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    s = _SERIES
    pilot = next(p for p in _PILOTS if p.pilot_id == s["pilot_id"])
    months = np.arange(
        np.datetime64(s["first_month"], "M"), np.datetime64(EXTRACTION_DATE, "M") + 1
    )
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    moy = months.astype(np.int64) % 12 + 1
    lo, hi = s["ages"]
    in_ages = population[(population["age"] >= lo) & (population["age"] <= hi)]
    pop_by_year = in_ages.groupby("year")["count"].sum()
    pop = pop_by_year.reindex(year).to_numpy()
    t = np.arange(len(months))
    start_month = np.datetime64(pilot.start, "M")
    post = months >= start_month
    h = s["harmonics"]
    b0 = math.log(s["rate_per_child_month"])
    b1 = math.log(1 + s["trend_per_year"]) / 12
    season = (
        h["sin12"] * np.sin(2 * np.pi * moy / 12)
        + h["cos12"] * np.cos(2 * np.pi * moy / 12)
        + h["sin6"] * np.sin(4 * np.pi * moy / 12)
        + h["cos6"] * np.cos(4 * np.pi * moy / 12)
    )
    log_rr = math.log(s["level_rate_ratio"])
    mu = pop * np.exp(b0 + b1 * t + season + log_rr * post)
    table = pd.DataFrame(
        {
            "series": s["series"],
            "pilot_id": pilot.pilot_id,
            "month": months.astype("datetime64[D]").astype("datetime64[ns]"),
            "value": rng.poisson(mu),
            "population": pop,
        }
    )
    truth = {
        "series": s["series"],
        "label_nb": s["label_nb"],
        "pilot_id": pilot.pilot_id,
        "design": "its",
        "family": "poisson",
        "overdispersion": False,
        "population": f"SSB 07459, ages {lo}–{hi}, both genders, 1 January of each year",
        "first_month": s["first_month"],
        "last_month": str(months[-1]),
        "change_month": str(start_month),
        "n_months": len(months),
        "n_months_after_change": int(post.sum()),
        "level_rate_ratio": s["level_rate_ratio"],
        "log_level_rate_ratio": _r(log_rr),
        "slope_change": 0.0,
        "model": (
            "log E[value] = log(population) + intercept + trend_per_month*t + "
            "sin12*sin(2*pi*m/12) + cos12*cos(2*pi*m/12) + sin6*sin(4*pi*m/12) + "
            "cos6*cos(4*pi*m/12) + log_level_rate_ratio*post; t = months since first_month "
            "(0, 1, ...), m = calendar month 1-12, post = month >= change_month"
        ),
        "intercept": _r(b0),
        "trend_per_month": _r(b1),
        "harmonics": dict(h),
    }
    return table, truth


# --------------------------------------------------------------------------------------------
# the small tables


def _pilots_table(scale: int) -> pd.DataFrame:
    n = len(_PILOTS)
    areas = [";".join(p.target_areas) for p in _PILOTS]
    return pd.DataFrame(
        {
            "pilot_id": [p.pilot_id for p in _PILOTS],
            "name": [p.name for p in _PILOTS],
            "organisation": [p.organisation for p in _PILOTS],
            "org_number": _strings([], np.full(n, -1)),
            "target_group": [p.target_group for p in _PILOTS],
            "target_age_min": [p.age_min for p in _PILOTS],
            "target_age_max": [p.age_max for p in _PILOTS],
            "target_areas": _strings(areas + [""], [i if a else -1 for i, a in enumerate(areas)]),
            "start_date": _dates(np.array([_day(p.start) for p in _PILOTS])),
            "end_date": _dates(np.array([_day(p.end) for p in _PILOTS])),
            "grant_nok": [p.grant_nok for p in _PILOTS],
            "reach_target": [p.reach_target * scale for p in _PILOTS],
            "primary_measure": [p.primary_measure for p in _PILOTS],
            "comparison_type": [p.comparison_type or None for p in _PILOTS],
        }
    )


# --------------------------------------------------------------------------------------------
# public API


def generate(seed: int = 2025, scale: int = 1) -> SampleData:
    """Generate the synthetic sample data set in memory.

    Parameters
    ----------
    seed : int, default 2025
        Seed of the random numbers; the same seed and scale give the same data.
    scale : int, default 1
        Multiplies participants, their attendance and outcomes (and reach targets, so the
        scorecard reads the same). Costs, the indicator series and the population are not
        scaled. ``scale=1`` gives about 700 participants and 20 000 attendance rows.

    Returns
    -------
    SampleData
        ``agreement``, the ``tables`` of DESIGN §2 and the ``truth`` behind them.

    Notes
    -----
    Nothing is dated after :data:`EXTRACTION_DATE` (2026-10-31). Participant ids are
    ``"p-"`` and comparison-group ids ``"c-"`` followed by 8 hex digits from a keyed bijection
    of a running number, so they are unique at any scale below 2**32 people.

    Examples
    --------
    >>> sample = generate()
    >>> sample.tables["pilots"]["pilot_id"].tolist()
    ['leksehjelp', 'jobbtrening', 'mentor', 'fritid']
    >>> len(sample.tables["participants"]), len(sample.tables["sessions"])
    (690, 22044)
    >>> sample.tables["costs"].equals(generate(seed=2025).tables["costs"])
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise UsageError(f"seed must be a whole number ≥ 0, got {seed!r}.")
    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) or scale < 1:
        raise UsageError(f"scale must be a whole number ≥ 1, got {scale!r}.")
    seed, scale = int(seed), int(scale)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    rng_people, rng_sessions, rng_outcomes, rng_costs, rng_series, rng_ids = streams
    id_key_p, id_key_c = (int(k) for k in rng_ids.integers(0, 2**32, 2))

    people = _people(rng_people, scale, id_key_p)
    outcomes, effect_truth = _outcomes(rng_outcomes, people, id_key_c)
    population = _population()
    indicators, series_truth = _indicators(rng_series, population)
    costs = _costs(rng_costs)
    tables = {
        "pilots": _pilots_table(scale),
        "costs": costs,
        "participants": _participants_table(people),
        "sessions": _sessions(rng_sessions, people),
        "measures": _MEASURES.copy(),
        "outcomes": outcomes,
        "indicators": indicators,
        "population": population,
        "valuation": _VALUATION.copy(),
        "alternatives": _ALTERNATIVES.copy(),
        "finances": _finances(costs),
    }
    truth = _truth(seed, scale, people, outcomes, effect_truth, series_truth)
    return SampleData(agreement=dict(_AGREEMENT), tables=tables, truth=truth)


def _truth(
    seed: int,
    scale: int,
    people: _People,
    outcomes: pd.DataFrame,
    effects: list[dict],
    series: dict,
) -> dict:
    comp = outcomes.loc[outcomes["group"] == "comparison"]
    n_comp = comp.groupby("pilot_id")["participant_id"].nunique()
    pilots = []
    for p, pilot in enumerate(_PILOTS):
        sl = people.slice(p)
        pilots.append(
            {
                "pilot_id": pilot.pilot_id,
                "story": pilot.story,
                "design": "did" if pilot.comparison_ratio else "pre_post",
                "has_comparison_group": bool(pilot.comparison_ratio),
                "n_participants": sl.stop - sl.start,
                "n_comparison": int(n_comp.get(pilot.pilot_id, 0)),
                "measures": [e.measure for e in pilot.effects],
            }
        )
    _, counts = np.unique(people.citizen, return_counts=True)
    return {
        "synthetic": True,
        "note": (
            "Invented pilots, people and money with known true effects. Effects are in "
            "measure units with the sign as measured (negative school absence = fewer days); "
            "true_improvement is signed so that positive is better. effect_realised is the "
            "mean difference between follow-up with and without the effect for the pilot's "
            "people measured at both times, after rounding and clipping to the scale."
        ),
        "generator": "pilot_eval.sample",
        "seed": seed,
        "scale": scale,
        "extraction_date": EXTRACTION_DATE.isoformat(),
        "citizens_in_more_than_one_pilot": int((counts > 1).sum()),
        "success_rule": (
            "higher_is_better: baseline < success_threshold and follow-up >= threshold; "
            "lower is better: baseline > threshold and follow-up <= threshold. Rates are "
            "successes / people measured at both times."
        ),
        "pilots": pilots,
        "effects": effects,
        "indicator": series,
    }


# --------------------------------------------------------------------------------------------
# writing


def write(sample: SampleData, out: str | Path) -> Path:
    """Write a sample data folder atomically.

    The files are written into a temporary folder beside ``out`` that then replaces ``out``
    (the old folder is removed only after the new one is in place), so a failed write leaves
    the previous folder intact. CSVs are UTF-8, comma-separated, ISO dates, ``.`` decimals;
    the same ``sample`` always gives byte-identical files.

    Parameters
    ----------
    sample : SampleData
        From :func:`generate`.
    out : str or Path
        The folder to create or replace. An existing non-empty folder is replaced only if it
        holds a ``truth.json`` (that is, it is a sample folder), so nothing else is lost.

    Returns
    -------
    Path
        ``out``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = write(generate(), Path(tmp) / "sample")
    ...     print(*sorted(path.name for path in folder.iterdir()))
    ...     # the same sample gives the same bytes
    ...     first = (folder / "sessions.csv").read_bytes()
    ...     again = write(generate(), folder)  # replaces it: it holds truth.json
    ...     print((again / "sessions.csv").read_bytes() == first)
    ... # doctest: +NORMALIZE_WHITESPACE
    README.md agreement.toml alternatives.csv costs.csv finances.csv indicators.csv measures.csv
    outcomes.csv participants.csv pilots.csv population.csv sessions.csv truth.json valuation.csv
    True
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder: choose another --out.")
    if out.is_dir() and any(out.iterdir()) and not (out / "truth.json").is_file():
        raise UsageError(
            f"{out} is not empty and is not a sample data folder (no truth.json): "
            "choose an empty or new folder so nothing is overwritten."
        )
    with atomic_directory(out) as staging:
        _write_files(sample, staging)
    return out


def _write_files(sample: SampleData, folder: Path) -> None:
    (folder / "agreement.toml").write_text(_toml(sample.agreement), encoding="utf-8")
    for name in TABLES:
        df = sample.tables[name]
        if "month" in df.columns:  # a month column is written as YYYY-MM (DESIGN §2)
            df = df.assign(month=pd.to_datetime(df["month"]).dt.strftime("%Y-%m"))
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            df.to_csv(fh, index=False, lineterminator="\n", date_format="%Y-%m-%d")
    text = json.dumps(sample.truth, indent=2, ensure_ascii=False) + "\n"
    (folder / "truth.json").write_text(text, encoding="utf-8")
    (folder / "README.md").write_text(_readme(sample), encoding="utf-8")


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dt.date, int, float)):
        return v.isoformat() if isinstance(v, dt.date) else repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # a JSON string is a TOML basic string
    raise TypeError(f"cannot write {v!r} to TOML")


def _toml(agreement: dict[str, Any]) -> str:
    lines = [
        "# SYNTETISKE EKSEMPELDATA – fiktiv avtale til demonstrasjon av pilot_eval.",
        "# Synthetic sample data: see README.md.",
    ]
    lines += [f"{k} = {_toml_value(v)}" for k, v in agreement.items()]
    return "\n".join(lines) + "\n"


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


# The README's lines on the four organisations' finances (see _FINANCES).
_FINANCE_STORIES = (
    "Lekselyst sells homework help to Bærum's schools: about four in five kroner come from "
    "Bærum kommune (the fund included), more with the pilot than before it",
    "Arbeidsglede earns most from private customers (café, catering) and from NAV and other "
    "municipalities; Bærum's share stays near one in ten; Ferd lent it money in 2025",
    "Veivenn sells mentor places to neighbouring municipalities and raises more gifts each "
    "year: Bærum's share falls from three in four (2024) to under half (2026)",
    "Fritidsvenn is young and runs at a loss on holiday camps paid by parents; the fund "
    "gives it its first public money; Ferd invested in it in 2026",
)
# The README's table of cost types: (line, cost type) in the words of costs.csv.
_COST_TYPE_LINES = (
    ("«Oppstartskostnader: innkjøp av utstyr og materiell» (the fund, at the start)", "start_up"),
    ("«Utbetaling fra fondet» (the fund's monthly payment for the activity)", "variable"),
    ("«Arbeidstid kommunalt ansatte» (municipal staff time on the participants)", "variable"),
    ("«Gave fra lokal stiftelse» (a gift for activities)", "variable"),
    ("«Egeninnsats: frivillige timer og ledelse» (the entrepreneur's leadership)", "fixed"),
    ("«Medfinansiering fra Ferd» (a set sum per quarter for leadership and administration)",
     "fixed"),
    ("«Husleie lokaler» (rent) and its correction", "fixed"),
)


def _finance_stories() -> str:
    return "\n".join(f"* {line}." for line in _FINANCE_STORIES)


def _cost_type_rows() -> str:
    return "\n".join(f"| {line} | `{cost_type}` |" for line, cost_type in _COST_TYPE_LINES)


def _readme(sample: SampleData) -> str:
    t = sample.tables
    truth = sample.truth
    pilots = t["pilots"]
    rows = "\n".join(
        f"| `{r.pilot_id}` | {r.name} | {r.organisation} | {r.start_date:%Y-%m-%d} | "
        f"{_thousands(r.grant_nok)} |"
        for r in pilots.itertuples()
    )
    files = {
        "agreement.toml": "the (fictional) agreement: period, annual budget, discount rate, "
        "tax-financing cost, minimum cell size, language",
        "pilots.csv": "the four invented pilots, their grants from the fund and reach targets",
        "costs.csv": "monthly cost lines by funder (fund, in-kind municipal staff time, Ferd, "
        "the entrepreneur's own contribution, other), with two correction lines and one line "
        "dated before its pilot's start, on purpose, so validation has a warning to show; "
        "`cost_type` says what a line pays for (see *Cost types*)",
        "participants.csv": "pseudonymous participants (`p-` + 8 hex digits), enrolment, "
        "exit and reason, birth year, gender, home area",
        "sessions.csv": "attendance (one row per session attended), with summer and Christmas dips",
        "measures.csv": "the outcome measures: labels, scale, direction, minimal important "
        "difference, reliability",
        "outcomes.csv": "baseline and follow-up measurements; comparison-group people "
        "(`c-` ids, not participants) for two pilots",
        "indicators.csv": "one monthly administrative series (counts with a population "
        "denominator) for interrupted time series",
        "population.csv": "Bærum's real population by year, age and gender (see below)",
        "valuation.csv": "illustrative values per outcome for the value-for-money sums",
        "alternatives.csv": "what the municipality pays today per participant per year for a "
        "service comparable to each pilot: **invented figures** in KOSTRA's format, not from "
        "Statistics Norway (see *Provenance*)",
        "finances.csv": "the four fictional organisations' income by source, total costs and "
        "Ferd's investment, 2024–2026 (2026 up to the extraction date)",
        "truth.json": "the known truth: true effects, secular trends, success rates, designs "
        "and the indicator's true level change, for testing the estimators",
    }
    listing = "\n".join(
        f"| `{f}` | {_thousands(len(t[f[:-4]])) if f.endswith('.csv') else ''} | {d} |"
        for f, d in files.items()
    )
    return f"""# Sample data — SYNTHETIC / SYNTETISKE DATA

**These data are synthetic.** The pilots, organisations, people, attendance, measurements
and money are invented by `pilot_eval.sample` and describe no real person, entrepreneur or
decision. Only `population.csv` is real (see *Provenance*). The valuations in
`valuation.csv` are illustrative, not official values. The unit costs in `alternatives.csv`
are invented too, although written like KOSTRA figures: they are **not** from Statistics
Norway (SSB).

**Dataene er syntetiske.** Pilotene, organisasjonene, deltakerne og pengene er oppdiktet.
Bare befolkningstallene er ekte. Verdsettingene er illustrative, ikke offisielle.
Enhetskostnadene i `alternatives.csv` er oppdiktede eksempeltall i KOSTRA-format, ikke tall
fra SSB.

Agreement: «{sample.agreement["name"]}», {sample.agreement["municipality"]},
{sample.agreement["start"]} to {sample.agreement["end"]}. Data extracted
{truth["extraction_date"]}: nothing is dated after that day.
Seed {truth["seed"]}, scale {truth["scale"]}.

## Regenerate

```
pilot-eval sample --out data/sample --seed {truth["seed"]}
```

or in Python: `from pilot_eval import sample; sample.write(sample.generate({truth["seed"]}), "data/sample")`.
The same seed and scale give byte-identical files.

## Pilots (fictional)

| pilot_id | name | organisation | start | grant (NOK) |
|---|---|---|---|---|
{rows}

## Files

| file | rows | what |
|---|---|---|
{listing}

## Provenance

`population.csv`: Bærum's resident population on 1 January, 2015–2026, by single year of
age and gender (`area` is `all`: the table covers the whole municipality).
{POPULATION_SOURCE} ("Befolkning, etter region, kjønn, alder og år"), compiled in the public
repository niphr/csdata; licence CC BY 4.0. The indicator series uses it as its denominator
(ages 10–15).

`alternatives.csv`: **invented for the example.** This sample was made without access to
Statistics Norway, so the unit costs are plausible-looking numbers in the form a KOSTRA
figure would take (a service, kroner per participant per year, a price year), not KOSTRA
figures; each row's `source` says so ("{INVENTED_UNIT_COST_SOURCE}"). For a real
evaluation, take the municipality's own figures from SSB's KOSTRA tables or its accounts and
name the table and year in `source`.

`finances.csv`: invented accounts of the fictional organisations. The fund's and Ferd's
money (and the gift to Fritidsvenn) is what the cost lines in `costs.csv` book for each
organisation's pilot that year, in whole thousands, so income and pilot costs agree; the
other sources, the yearly result and Ferd's investment are set by hand. The figures for
2026 are the year so far, up to the extraction date (a part year). The four differ:

{_finance_stories()}

Everything else is generated. The true effects that the estimators should recover are in
`truth.json`.

## Cost types

Every cost line has a `cost_type`, by what it pays for: would it grow if twice as many took
part?

| cost line | cost type |
|---|---|
{_cost_type_rows()}
"""


# Bærum (municipality 3201, earlier 3024/0219; same boundary) population on 1 January by
# single year of age 0–105, for 2015–2026. Each block: the year, then 106 pairs
# (female, male) of counts by age. Kilde: Statistisk sentralbyrå (SSB), tabell 07459, as
# compiled in niphr/csdata (nor_population_by_age_b2024, municip_nor3201); CC BY 4.0.
_SSB_07459_BAERUM = """
2015
643 683 726 758 793 874 764 839 838 850 851 930 834 859 826 828 849 886 821 859 823 841 827
808 767 863 746 806 775 808 819 831 732 796 756 874 703 792 753 809 702 764 679 713 661 655
641 663 667 678 661 597 662 565 603 575 583 580 610 528 654 603 703 605 729 717 751 741 746
755 783 772 828 839 828 769 833 885 897 942 965 922 871 978 950 1032 963 952 959 934 916 930
954 915 897 922 936 948 921 933 916 917 935 861 882 845 888 867 811 896 773 869 764 833 744
808 748 764 685 723 676 689 670 637 601 581 561 562 528 583 550 552 578 559 628 551 716 633
555 491 574 526 428 414 431 366 368 298 413 291 423 329 402 275 341 268 345 250 320 213 319
208 310 230 322 209 316 182 326 204 291 183 251 177 232 123 216 125 209 118 169 91 163 78
150 84 111 54 93 34 50 16 34 11 32 6 15 3 8 2 5 1 5 1 4 1 1 1 0 0 0 1
2016
701 753 688 749 763 802 835 910 779 859 865 868 851 960 844 851 835 828 842 890 832 855 837
838 826 808 756 868 750 814 772 805 812 848 722 800 768 878 697 779 681 763 665 715 656 673
654 629 635 640 676 653 630 636 667 564 625 625 629 613 673 594 690 665 753 666 783 762 817
780 793 789 802 826 857 882 844 779 852 909 910 962 981 937 883 969 953 1046 965 952 967 950
919 919 956 904 883 905 927 947 900 934 907 919 919 859 884 842 869 850 789 888 770 860 766
826 738 796 738 756 684 714 669 671 661 632 605 571 553 562 521 574 550 552 573 550 627 547
707 624 554 497 560 530 429 415 430 366 366 292 407 280 416 320 398 266 333 257 336 238 320
199 309 200 300 223 310 207 300 170 312 185 273 170 233 163 214 113 196 109 185 104 147 79
135 66 129 66 92 40 71 26 33 14 23 7 21 3 13 3 5 1 5 0 4 0 2 1 0 1 0 1
2017
713 699 734 809 718 779 786 820 840 916 788 860 867 878 867 954 827 857 839 837 847 886 841
871 839 848 831 825 761 880 756 813 776 818 814 867 720 812 742 866 652 719 658 709 645 681
661 664 669 617 658 654 658 675 651 643 685 585 652 635 708 651 682 658 720 723 809 707 814
802 844 810 822 821 829 853 883 913 865 805 856 941 922 959 990 954 891 964 964 1041 971 956
977 962 920 918 949 894 894 899 928 942 901 930 903 918 912 837 882 837 863 851 794 875 772
847 778 820 738 788 726 751 683 706 664 674 648 622 605 559 557 554 520 570 549 551 570 549
620 541 708 621 549 489 554 524 424 413 430 363 363 286 406 277 410 316 390 253 327 249 339
233 321 193 296 184 276 217 292 195 281 156 298 170 263 153 207 135 194 99 168 97 165 96 128
66 117 53 107 53 72 24 51 20 24 11 16 4 14 2 5 3 3 1 4 0 1 0 0 0 0 1
2018
674 714 777 757 777 848 758 800 810 840 846 926 773 860 874 880 871 957 837 857 826 838 851
887 840 869 844 857 830 834 760 888 756 831 786 824 816 859 726 797 656 818 603 681 640 679
613 667 607 648 664 609 634 631 668 675 669 634 709 633 718 683 758 709 740 727 792 773 844
741 853 865 854 873 849 874 833 878 897 925 882 797 859 962 936 959 984 959 891 978 960 1036
987 967 978 950 916 926 952 907 890 900 930 935 900 919 892 908 897 831 873 818 864 841 790
879 759 838 772 815 737 769 732 741 670 707 673 678 647 606 609 553 553 542 521 565 554 550
569 544 611 534 700 614 539 473 550 516 420 410 421 352 355 282 399 269 406 309 382 243 319
242 329 222 311 182 294 175 259 201 278 173 268 139 277 141 244 138 190 117 177 82 151 76
149 78 107 52 101 40 90 42 53 16 39 14 18 8 12 4 10 2 4 2 2 1 3 0 0 0 0 1
2019
633 745 723 766 806 805 801 866 775 829 818 847 861 922 771 861 873 882 864 965 835 855 827
836 844 893 836 868 840 858 835 837 760 889 762 830 784 829 797 849 672 757 616 730 580 637
620 664 626 654 606 641 644 607 663 611 675 707 711 670 758 666 744 715 778 760 793 785 825
823 896 788 881 905 896 903 882 906 834 900 900 954 883 816 861 956 935 965 990 978 898 977
954 1047 992 974 980 944 913 923 938 914 890 903 923 927 890 902 875 903 907 829 881 824 866
841 785 878 766 831 770 800 734 756 738 746 658 691 675 666 640 598 612 544 547 536 515 554
547 537 561 538 607 534 695 607 538 470 546 501 414 401 420 339 345 274 390 268 388 299 369
232 314 234 327 213 302 173 278 165 241 188 268 162 244 125 255 129 220 122 173 101 160 73
131 65 126 63 86 35 76 33 70 30 44 12 29 9 10 5 9 4 8 2 3 1 2 0 2 0 0 0
2020
589 699 674 769 753 803 835 818 824 887 789 838 833 856 865 922 770 868 878 878 855 963 853
860 829 835 847 902 845 869 842 853 834 832 759 887 774 826 773 797 726 797 622 703 580 689
586 618 599 643 622 608 598 624 639 587 667 592 699 717 739 695 785 707 777 775 794 808 831
832 852 847 925 819 904 930 916 924 899 931 846 907 904 976 900 840 872 966 935 977 989 993
906 981 945 1038 981 972 978 952 911 927 921 906 891 909 924 931 875 893 875 890 906 816 877
802 851 838 779 876 758 817 761 795 738 763 727 738 657 688 670 664 639 590 609 531 532 529
510 549 542 523 553 527 600 534 688 598 540 459 540 486 410 385 413 334 337 265 385 259 378
288 364 224 309 219 318 202 295 165 260 156 233 167 249 150 228 119 228 112 195 100 150 90
140 60 107 50 101 48 70 26 55 23 54 24 30 5 20 6 6 1 6 3 4 1 2 0 1 0 1 0
2021
635 691 631 746 703 801 765 806 856 833 836 891 787 848 830 853 864 931 762 857 873 873 866
968 847 867 827 828 860 907 844 874 841 851 832 838 761 894 743 803 698 763 663 738 597 661
554 674 561 611 602 619 593 596 590 602 589 578 658 585 710 695 771 703 807 750 789 833 824
834 870 870 872 877 929 855 904 961 925 926 912 933 862 914 924 979 904 825 862 965 929 977
1003 984 904 987 944 1052 979 977 971 953 911 920 918 890 884 903 917 926 866 886 872 888
884 804 870 793 840 830 767 858 749 811 764 783 721 740 726 731 650 670 667 658 639 581 610
528 524 523 507 554 543 518 556 524 597 522 676 595 534 445 527 490 406 378 410 325 334 259
382 247 364 281 345 215 298 208 304 191 280 145 252 141 221 150 229 139 206 98 209 94 177 82
131 76 122 44 90 38 87 38 54 18 39 16 38 16 23 4 18 4 4 1 5 3 2 0 0 0 2 0
2022
668 692 687 734 661 779 724 813 771 831 856 847 829 899 790 850 832 856 854 923 767 863 873
869 876 957 837 868 819 828 864 909 844 874 838 850 839 838 742 856 649 754 640 677 633 694
578 621 549 677 531 601 577 591 577 599 577 581 616 601 698 628 753 722 828 767 861 835 834
867 853 866 894 907 880 904 962 894 904 958 934 955 923 958 874 917 927 970 906 833 864 958
937 984 1002 981 904 980 956 1039 972 965 955 937 910 927 904 877 875 903 892 916 861 865
876 872 877 792 865 796 829 822 759 847 750 798 741 769 704 740 724 726 638 649 660 641 634
579 604 520 521 507 504 555 539 520 551 518 586 513 673 585 523 434 514 484 403 366 393 314
330 246 377 240 352 268 330 212 284 197 292 178 259 136 235 126 200 134 206 128 190 86 187
79 145 74 105 67 96 39 72 27 66 31 43 12 28 12 25 11 14 0 11 1 3 0 3 2 0 0 2 0
2023
581 655 704 721 719 772 669 798 725 829 783 846 869 864 836 901 794 853 821 861 862 931 770
869 884 873 868 966 843 872 807 836 865 915 855 878 838 857 827 827 681 825 607 688 632 629
634 681 586 629 552 657 535 590 586 607 593 620 609 618 644 636 728 658 810 747 854 782 912
879 893 890 877 883 899 920 886 932 975 898 918 981 944 970 947 963 874 915 915 973 904 844
871 966 953 968 1000 979 900 979 948 1029 968 970 956 924 899 929 894 872 860 894 885 900
850 856 877 863 876 776 868 797 821 809 746 834 740 799 734 758 706 723 722 713 637 639 646
628 629 569 595 504 518 495 494 540 543 518 544 501 579 504 669 577 508 422 502 474 397 353
384 302 327 240 367 229 338 257 314 193 267 185 279 160 247 132 211 119 181 103 182 111 162
73 152 57 117 63 85 50 71 33 48 21 43 19 26 9 19 7 15 4 12 0 5 1 1 0 1 1 0 0
2024
607 623 623 673 739 746 739 769 683 825 723 843 784 862 874 869 840 911 800 852 823 870 874
932 783 874 896 877 881 976 844 884 807 844 874 924 850 886 830 841 773 802 646 749 596 649
624 634 615 646 572 608 547 648 538 570 581 590 628 602 662 648 694 693 756 706 846 795 882
804 927 930 908 897 893 924 923 964 902 931 995 917 934 997 944 972 947 960 875 927 920 993
914 858 881 969 953 975 1011 968 898 978 940 1025 967 966 945 914 889 911 880 864 861 891
881 894 848 856 875 853 877 787 861 795 814 804 735 833 745 794 730 750 699 714 719 700 633
627 644 627 627 554 592 501 515 489 482 531 538 503 537 500 573 499 657 559 501 419 484 460
393 335 371 296 323 237 353 218 328 233 297 184 252 177 258 153 222 117 197 98 163 88 159
100 134 59 124 42 100 47 64 42 58 24 38 14 32 18 21 7 11 4 5 3 6 0 2 0 0 0 0 1
2025
659 685 666 668 653 704 764 812 753 788 690 836 732 843 790 879 877 884 845 915 804 860 825
881 877 943 784 879 897 892 885 982 845 885 811 858 874 941 859 873 772 814 711 753 626 698
571 643 622 625 639 633 557 591 567 619 531 576 606 612 648 616 707 682 741 719 794 756 899
843 924 827 965 945 929 924 937 977 938 976 939 965 1009 931 939 1005 956 1001 960 978 871
937 935 997 911 868 885 968 949 982 1010 972 877 983 923 1014 943 965 935 916 880 902 885
850 847 881 870 892 842 833 872 841 876 782 858 795 810 791 730 827 742 781 719 739 697 697
723 676 618 639 638 618 623 548 589 501 503 490 477 519 539 494 531 494 562 494 650 545 489
408 476 451 388 316 368 275 315 222 339 207 310 219 288 165 241 160 241 141 203 109 183 87
144 78 136 87 110 47 101 34 72 34 52 32 48 19 26 9 26 10 15 6 11 4 1 2 5 0 2 0 0 1
2026
626 639 700 746 706 681 675 723 770 826 762 804 707 847 725 836 793 878 872 892 838 919 799
874 820 876 874 930 790 885 895 884 876 990 850 891 809 853 855 928 803 837 708 752 702 731
617 682 555 616 600 639 633 617 588 588 550 605 560 550 625 640 690 656 757 705 799 740 838
789 947 905 962 884 1001 963 950 966 950 983 954 1006 953 994 1014 942 929 1005 947 986 973
978 880 942 929 994 911 861 879 969 952 970 999 973 862 979 920 1012 924 959 925 911 870 896
877 856 835 883 866 900 834 822 852 830 865 774 861 780 804 780 727 802 739 773 722 716 692
686 723 680 618 624 638 604 617 544 591 496 503 481 477 517 529 477 530 477 554 486 639 525
472 396 460 436 373 297 355 266 303 207 326 199 290 200 271 154 225 150 222 127 177 102 157
79 123 56 116 69 93 37 77 24 53 24 38 18 33 11 17 5 21 9 10 4 7 3 1 1 2 0 1 0
"""
