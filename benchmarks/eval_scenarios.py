"""Varied, seeded scenarios for the detection evaluation: two cities, random events, known truth.

Each scenario is drawn from its seed alone (nothing here is tuned to a detector):

* **background**: 21 days ending on a Friday 18:00 local; ``per_day`` uniform in 1,500–4,000
  (steps of 100), with the generator's rhythm, type mix and repeat callers.
* **hotspots**: 2–5 events. Each has a dominant spatial type (uniform over the taxonomy's nine)
  and a related companion type (15% of its calls; an outage brings no-signal calls, a fibre cut
  broadband-down calls); a **shape**: a road-like polyline (40%: 1–3 segments, random bearing,
  bends of ±25°, 2–6 km, perpendicular sd 30–100 m), a disc of radius 200–900 m (40%), or a
  small cluster of radius 60–150 m that covers one or two cells (20%); a **place**: a random
  gazetteer point (population-weighted), redrawn when under 70% of the shape lies within 400 m
  of a populated point (no fibre routes across lakes or the harbour) or when the shape's cells,
  grown by one ring, touch another event's or the placeholder's; a **start** uniform from day 9
  (after the engine's 7-day burn-in and the peers' baselines) to the last moment the event still
  fits; a **duration** uniform in 1–12 h; a **ramp-up** over the first 0–60 min (capped at 30% of
  the duration): outages start abruptly, a slow degradation creeps.
* **intensity**: the peak rate per affected cell-hour, λ log-uniform in [1, 12]; the event's
  size is ``n = λ × cells × (duration − ramp/2)``, at least 10 and at most 800 complaints.
  "Affected cells" are the fewest cells holding 90% of the shape. Why this range: a cell-hour of
  a spatial type normally sees 0.002–0.1 calls (Beijing's sparse suburbs to Boston's dense core),
  so the question a detector faces is whether a handful of calls in a cell-hour is real. At
  λ = 1 a cell gets 3 or more calls in a given hour 8% of the time: no detector can be on time,
  and only the daily window (or several hours together) shows the event: barely detectable. At
  λ ≈ 3–5 the first full hour usually holds enough calls in at least one cell (the hourly
  detection boundary); at λ = 12 every affected cell-hour is unmistakable. Reports split recall
  by the realised λ: weak (< 2), medium (2–5) and strong (≥ 5).
* **citywide surge** (half the scenarios): a non-spatial type (data billing, roaming, service)
  rising over one local day from day 10 on, by k × its normal daily volume, k log-uniform in
  [0.5, 4] (1.5× the day's volume, the engine's minimum ratio, up to 5×).
* **placeholder pile** (half the scenarios): 60–400 unrelated complaints of the whole period on
  one coordinate: in Beijing a random gazetteer point's GCJ-02 coordinate (a district-level
  geocoder fallback), in Boston the City Hall point the real feed uses.

**Null** scenarios draw only the background: every hotspot alert on them is false.

**Seeds.** ``seen`` scenarios are for developing the model: look at them, list their false
alerts. ``fresh`` scenarios are for reporting only: their details are kept out of the report's
listings, and a model is not tuned on them. The seed of scenario ``i`` of a set and city is
``SEED_BASE[set] + CITY_OFFSET[city] + i`` (null scenarios ``+ 100``). When fresh seeds have been
looked at too often, move their base (``--fresh-base``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import h3
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from benchmarks import boston
from geo_fixtures.reference import load_gazetteer
from geo_fixtures.scenario import (
    BACKGROUND,
    TYPE_SHARE,
    ScenarioConfig,
    build_scenario,
    export_columns,
    write_scenario,
)
from geo_fixtures.scenario_events import (
    M_PER_DEG,
    AreaHotspot,
    CitywideSurge,
    PlaceholderPile,
    RoadHotspot,
    offset,
)
from heatmap.coords import gcj02_to_wgs84, wgs84_to_gcj02
from heatmap.taxonomy import default_taxonomy

DAYS = 21
FIRST_EVENT_DAY = 9
SEED_BASE = {"seen": 1000, "fresh": 7000}
CITY_OFFSET = {"beijing": 0, "boston": 500}
CITY_END = {
    "beijing": pd.Timestamp("2026-11-20 18:00", tz="Asia/Shanghai"),
    "boston": pd.Timestamp("2026-10-16 18:00", tz=boston.BOSTON_TZ),  # no DST change inside
}
CITY_TZ = {"beijing": "Asia/Shanghai", "boston": boston.BOSTON_TZ}
LAMBDA_RANGE = (1.0, 12.0)
N_RANGE = (10, 800)
SHAPE_P = {"road": 0.4, "disc": 0.4, "small": 0.2}
RELATED = {
    "fibre_loss": ("broadband_down", "broadband_slow"),
    "broadband_down": ("fibre_loss", "broadband_slow"),
    "broadband_slow": ("broadband_down", "fibre_loss"),
    "install_repair": ("broadband_down", "broadband_slow"),
    "mobile_no_signal": ("call_drop", "mobile_data_slow"),
    "mobile_data_slow": ("mobile_no_signal", "call_drop"),
    "call_drop": ("mobile_no_signal", "mobile_data_slow"),
    "area_outage": ("broadband_down", "mobile_no_signal"),
    "power_outage": ("area_outage", "broadband_down"),
}
NON_SPATIAL = ("data_billing", "roaming", "service_other")
# The calls in one cell below which no cell-level detector can tell an event from chance at
# under one false alarm a week: two calls of one type in a quiet cell-hour happen by chance
# most days somewhere in a city of thousands of cells and a dozen types.
VISIBLE_CALLS = 3


def tier(lam: float) -> str:
    """Intensity tier of a realised peak rate per affected cell-hour."""
    return "weak" if lam < 2 else "medium" if lam < 5 else "strong"


@dataclass(frozen=True)
class Spec:
    """One scenario of the evaluation: where it comes from and what was planted (and how)."""

    name: str
    city: str
    seed_set: str
    seed: int
    null: bool
    config: ScenarioConfig
    events: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def timezone(self) -> str:
        return CITY_TZ[self.city]


@dataclass(frozen=True)
class Written:
    """A spec on disk: the export, its mapping, the truth, and the engine's time zone."""

    spec: Spec
    csv: Path
    mapping: Path
    rows: int
    truth: list
    visibility: dict[str, dict[str, int]]


@lru_cache(maxsize=2)
def population(city: str) -> pd.DataFrame:
    """The city's population proxy (WGS-84 ``lat, lon, address``)."""
    return load_gazetteer() if city == "beijing" else boston.load_population()


class _Geometry:
    """Where a shape may go: near people, away from the other events."""

    def __init__(self, gaz: pd.DataFrame) -> None:
        self.lat0 = float(np.median(gaz["lat"]))
        self.tree = cKDTree(self._xy(gaz["lat"].to_numpy(), gaz["lon"].to_numpy()))
        self.taken: set[str] = set()

    def _xy(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        return np.column_stack([lon * np.cos(np.radians(self.lat0)), lat]) * M_PER_DEG

    def populated_share(self, lat: np.ndarray, lon: np.ndarray) -> float:
        distance, _ = self.tree.query(self._xy(lat, lon), distance_upper_bound=400.0)
        return float(np.isfinite(distance).mean())

    def take(self, cells: set[str]) -> bool:
        grown = {d for c in cells for d in h3.grid_disk(c, 1)}
        if grown & self.taken:
            return False
        self.taken |= grown
        return True


def _road_path(rng: np.random.Generator, lat: float, lon: float) -> tuple:
    length = rng.uniform(2000, 6000)
    k = int(rng.integers(1, 4))
    heading = rng.uniform(0, 2 * np.pi) + np.cumsum(
        np.concatenate([[0.0], rng.normal(0, np.radians(25), k - 1)])
    )
    seg = length / k
    north = np.concatenate([[0.0], np.cumsum(seg * np.cos(heading))])
    east = np.concatenate([[0.0], np.cumsum(seg * np.sin(heading))])
    # centre the path (by arc length) on the place
    half = length / 2
    j = min(int(half // seg), k - 1)
    frac = (half - j * seg) / seg
    mid_n = north[j] + frac * (north[j + 1] - north[j])
    mid_e = east[j] + frac * (east[j + 1] - east[j])
    vlat, vlon = offset(np.full(k + 1, lat), np.full(k + 1, lon), north - mid_n, east - mid_e)
    return tuple((round(float(a), 6), round(float(b), 6)) for a, b in zip(vlat, vlon, strict=True))


def _affected_cells(lat: np.ndarray, lon: np.ndarray) -> tuple[set[str], int]:
    """All cells of a shape's sample, and the fewest cells that hold 90% of it."""
    cells = pd.Series([h3.latlng_to_cell(a, b, 8) for a, b in zip(lat, lon, strict=True)])
    counts = cells.value_counts().to_numpy()
    core = int(np.searchsorted(np.cumsum(counts), 0.9 * len(cells)) + 1)
    return set(cells.unique()), core


def _draw_hotspot(
    rng: np.random.Generator, index: int, gaz: pd.DataFrame, geometry: _Geometry, start, end
) -> tuple[Any, dict[str, Any]] | None:
    spatial = list(RELATED)
    code = spatial[int(rng.integers(len(spatial)))]
    companion = RELATED[code][int(rng.integers(2))]
    mix = ((code, 0.85), (companion, 0.15))
    shape = str(rng.choice(list(SHAPE_P), p=list(SHAPE_P.values())))
    for _ in range(200):
        place = int(rng.integers(len(gaz)))
        lat0, lon0 = float(gaz["lat"].iat[place]), float(gaz["lon"].iat[place])
        where = str(gaz["address"].iat[place])
        if shape == "road":
            probe = RoadHotspot(
                path=_road_path(rng, lat0, lon0), spread_m=float(rng.uniform(30, 100)), n=2000
            )
        else:
            radius = rng.uniform(200, 900) if shape == "disc" else rng.uniform(60, 150)
            probe = AreaHotspot(center=(lat0, lon0), radius_m=float(radius), n=2000)
        lat, lon, _, shape_text, _ = probe.points(np.random.default_rng(index))
        if geometry.populated_share(lat, lon) < 0.7:
            continue
        cells, core = _affected_cells(lat, lon)
        if geometry.take(cells):
            break
    else:
        return None
    duration_h = float(rng.uniform(1, 12))
    ramp_h = float(rng.uniform(0, min(1.0, 0.3 * duration_h)))
    lam = float(np.exp(rng.uniform(*np.log(LAMBDA_RANGE))))
    n = int(np.clip(round(lam * core * (duration_h - ramp_h / 2)), *N_RANGE))
    earliest = start + pd.Timedelta(days=FIRST_EVENT_DAY)
    room = (end - pd.Timedelta(hours=duration_h) - earliest) / pd.Timedelta(minutes=1)
    begins = earliest + pd.Timedelta(minutes=int(rng.integers(0, int(room))))
    event_id = f"{shape}_{code}_{index}"
    common = {
        "event_id": event_id,
        "mix": mix,
        "place": where,
        "before_end": f"{int((end - begins).total_seconds())}s",
        "days_before": None,
        "duration": f"{int(duration_h * 3600)}s",
        "n": n,
        "ramp": ramp_h / duration_h,
    }
    if shape == "road":
        event = RoadHotspot(path=probe.path, spread_m=probe.spread_m, **common)
    else:
        event = AreaHotspot(center=probe.center, radius_m=probe.radius_m, **common)
    realised = n / (core * (duration_h - ramp_h / 2))
    meta = {
        "shape": shape,
        "shape_text": shape_text,
        "issue_type": code,
        "n": n,
        "affected_cells": core,
        "duration_h": round(duration_h, 2),
        "ramp_min": round(ramp_h * 60, 1),
        "lambda": round(realised, 2),
        "tier": tier(realised),
        "start": begins.isoformat(),
    }
    return event, meta


def draw(city: str, seed_set: str, index: int, null: bool, base: int | None = None) -> Spec:
    """The ``index``-th scenario (planted or null) of a seed set and city."""
    seed = (SEED_BASE[seed_set] if base is None else base) + CITY_OFFSET[city] + index
    seed += 100 if null else 0
    rng = np.random.default_rng([seed, 0xE7A1])
    per_day = int(rng.integers(15, 41)) * 100
    end = CITY_END[city]
    name = f"{city}-{seed_set}-{'null' if null else 'planted'}-{seed}"
    if null:
        return Spec(name, city, seed_set, seed, True, ScenarioConfig(seed, DAYS, per_day, end, ()))
    start = end - pd.Timedelta(days=DAYS)
    gaz = population(city)
    geometry = _Geometry(gaz)
    events: list[Any] = []
    meta: dict[str, dict[str, Any]] = {}
    pile = None
    if rng.random() < 0.5:
        n = int(rng.integers(60, 401))
        if city == "beijing":
            place = int(rng.integers(len(gaz)))
            lon_gcj, lat_gcj = wgs84_to_gcj02(gaz["lon"].iat[place], gaz["lat"].iat[place])
            pile = PlaceholderPile(lat_gcj=float(lat_gcj), lon_gcj=float(lon_gcj), n=n)
            lat_w, lon_w = float(gaz["lat"].iat[place]), float(gaz["lon"].iat[place])
        else:
            pile = boston.BostonPlaceholderPile(n=n)
            lat_w, lon_w = boston.CITY_HALL
        geometry.take({h3.latlng_to_cell(lat_w, lon_w, 8)})
        meta[pile.event_id] = {"n": n}
    for i in range(int(rng.integers(2, 6))):
        drawn = _draw_hotspot(rng, i, gaz, geometry, start, end)
        if drawn is not None:
            events.append(drawn[0])
            meta[drawn[0].event_id] = drawn[1]
    if rng.random() < 0.5:
        code = NON_SPATIAL[int(rng.integers(len(NON_SPATIAL)))]
        k = float(np.exp(rng.uniform(np.log(0.5), np.log(4.0))))
        n = int(round(k * per_day * TYPE_SHARE[code]))
        days_before = int(rng.integers(1, DAYS - FIRST_EVENT_DAY))
        tz = None if city == "beijing" else boston.BOSTON_TZ
        surge = CitywideSurge(
            event_id=f"surge_{code}", issue_type=code, days_before=days_before, n=n, tz=tz
        )
        events.append(surge)
        meta[surge.event_id] = {"issue_type": code, "n": n, "k": round(k, 2)}
    if pile is not None:
        events.append(pile)
    config = ScenarioConfig(seed, DAYS, per_day, end, tuple(events))
    return Spec(name, city, seed_set, seed, False, config, meta)


def visibility(
    times: pd.DatetimeIndex, cells: list[str], event_ids: np.ndarray, truth: list, tz: str
) -> dict[str, dict[str, int]]:
    """How visible each planted hotspot is to any cell-level detector, from its own calls.

    ``first_hours``: the most calls of the event in one cell within the hourly window the event
    starts in and the next (what an on-time detection can see); ``cell_hour`` and ``cell_day``:
    the most in one cell-hour and one cell-day (local day) over the event; ``floor_h``: hours
    from the event's start to its :data:`VISIBLE_CALLS`-th call in one cell, the earliest over
    its cells (None when no cell gets that many): no detector that needs that many calls in a
    cell can know the event sooner, whatever its windows.
    """
    frame = pd.DataFrame({"t": times, "cell": cells, "event": event_ids})
    out = {}
    for event in truth:
        if event.kind != "hotspot":
            continue
        mine = frame[frame["event"] == event.event_id]
        hour = mine["t"].dt.floor("h")
        day = mine["t"].dt.tz_convert(tz).dt.date
        horizon = event.start.floor("h") + pd.Timedelta(hours=2)
        early = mine[mine["t"] < horizon]
        out[event.event_id] = {
            "first_hours": int(
                early.groupby([early["cell"], early["t"].dt.floor("h")]).size().max()
                if len(early)
                else 0
            ),
            "cell_hour": int(mine.groupby([mine["cell"], hour]).size().max()),
            "cell_day": int(mine.groupby([mine["cell"], day]).size().max()),
            "floor_h": _floor_h(mine, event.start),
        }
    return out


def _floor_h(calls: pd.DataFrame, start: pd.Timestamp) -> float | None:
    """Hours from ``start`` to the first moment one cell holds VISIBLE_CALLS of ``calls``."""
    nth = calls.sort_values("t").groupby("cell")["t"].nth(VISIBLE_CALLS - 1)
    return round((nth.min() - start).total_seconds() / 3600, 3) if len(nth) else None


def write(spec: Spec, out_dir: Path) -> Written:
    """Generate the spec's complaints and write them where the engine will ingest them."""
    if spec.city == "beijing":
        scenario = build_scenario(spec.config)
        paths = write_scenario(scenario, out_dir)
        rows = scenario.complaints
        planted = (scenario.event_ids != BACKGROUND).to_numpy()
        columns = export_columns()
        lon, lat = gcj02_to_wgs84(
            rows[columns["lon"]].to_numpy()[planted], rows[columns["lat"]].to_numpy()[planted]
        )
        local = pd.to_datetime(rows[columns["reported_at"]][planted]).dt.tz_localize(spec.timezone)
        seen = visibility(
            pd.DatetimeIndex(local).tz_convert("UTC"),
            [h3.latlng_to_cell(a, b, 8) for a, b in zip(lat, lon, strict=True)],
            scenario.event_ids.to_numpy()[planted],
            scenario.truth,
            spec.timezone,
        )
        return Written(spec, paths[0], paths[1], len(rows), scenario.truth, seen)
    built = boston.build_boston(spec.config, population("boston"))
    csv, mapping = boston.write_boston(built, out_dir)
    rows = built.complaints
    planted = (built.event_ids != BACKGROUND).to_numpy()
    cols = boston.COLUMNS
    local = pd.to_datetime(rows[cols["reported_at"]][planted], format=boston.TIMESTAMP_FORMAT)
    seen = visibility(
        pd.DatetimeIndex(local.dt.tz_localize(spec.timezone)).tz_convert("UTC"),
        [
            h3.latlng_to_cell(a, b, 8)
            for a, b in zip(rows[cols["lat"]][planted], rows[cols["lon"]][planted], strict=True)
        ],
        built.event_ids.to_numpy()[planted],
        built.truth,
        spec.timezone,
    )
    return Written(spec, csv, mapping, len(rows), built.truth, seen)


def plan(
    seed_sets: tuple[str, ...],
    cities: tuple[str, ...],
    planted: int,
    nulls: int,
    fresh_base: int | None = None,
) -> list[Spec]:
    """Every scenario of the evaluation, in a stable order."""
    specs = []
    for seed_set in seed_sets:
        base = fresh_base if seed_set == "fresh" else None
        for city in cities:
            specs += [draw(city, seed_set, i, False, base) for i in range(planted)]
            specs += [draw(city, seed_set, i, True, base) for i in range(nulls)]
    return specs


def spatial_codes() -> list[str]:
    return default_taxonomy().spatial_codes
