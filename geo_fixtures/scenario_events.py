"""The planted events of the synthetic scenario, and the ground truth each one leaves.

An event is a small frozen dataclass whose fields say where, when, how many and what shape; its
``plant(ctx, rng)`` draws the complaints and returns them with a :class:`TruthEvent`. Times are
relative to the scenario's end, so the same event fits any ``--end``. Coordinates are WGS-84
(except the placeholder pile's, GCJ-02, since that is what a Chinese geocoder returns).

>>> [event.event_id for event in default_events()]  # doctest: +NORMALIZE_WHITESPACE
['fibre_loss_e4ring', 'area_outage_wangjing', 'no_signal_lugu', 'data_billing_surge',
 'placeholder_pile']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from heatmap.coords import gcj02_to_wgs84

TZ = "Asia/Shanghai"
M_PER_DEG = 111_320.0
HOUR_S = 3600

Mix = tuple[tuple[str, float], ...]

# East 4th Ring Middle Road (东四环中路), WGS-84 (lat, lon): 百子湾桥 north to 长虹桥.
EAST_4TH_RING = ((39.8990, 116.4836), (39.9165, 116.4839), (39.9280, 116.4838), (39.9392, 116.4834))


@dataclass(frozen=True)
class TruthEvent:
    """What was planted: one record of ``truth.json``."""

    event_id: str
    kind: str
    issue_type: str | None
    label: str
    label_zh: str
    start: pd.Timestamp
    end: pd.Timestamp
    cells: tuple[str, ...]
    n_planted: int
    center_lat: float
    center_lon: float
    shape: str
    description: str

    def to_json(self) -> dict:
        """The JSON object: times in ISO 8601 with +08:00, cells as sorted H3 strings."""
        record = {key: getattr(self, key) for key in self.__dataclass_fields__}
        record.update(
            start=self.start.tz_convert(TZ).isoformat(),
            end=self.end.tz_convert(TZ).isoformat(),
            cells=sorted(self.cells),
            center_lat=round(float(self.center_lat), 6),
            center_lon=round(float(self.center_lon), 6),
        )
        return record


@dataclass(frozen=True)
class Planted:
    """An event's complaints (UTC epoch seconds, WGS-84) and its truth (cells filled in later)."""

    truth: TruthEvent
    t: np.ndarray
    issue_type: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    address: np.ndarray
    urgent: bool
    repeat_share: float


class EventContext:
    """What events draw on: the period, the population (gazetteer) and the city's rhythm.

    Parameters
    ----------
    start, end : pandas.Timestamp
        The scenario covers ``[start, end)``; tz-aware.
    gazetteer : pandas.DataFrame
        At least ``lat, lon`` (WGS-84), ``address`` and ``district``.
    slot_start, slot_weight : numpy.ndarray
        Hourly slots (UTC epoch seconds) and their expected background count per whole hour.
    type_share : dict
        The background type mix, code → share.
    taxonomy : heatmap.taxonomy.Taxonomy
    """

    def __init__(self, start, end, gazetteer, slot_start, slot_weight, type_share, taxonomy):
        self.start, self.end = start.tz_convert(TZ), end.tz_convert(TZ)
        self.gaz_lat = gazetteer["lat"].to_numpy(np.float64)
        self.gaz_lon = gazetteer["lon"].to_numpy(np.float64)
        self.gaz_address = gazetteer["address"].to_numpy(object)
        self.gaz_district = gazetteer["district"].to_numpy(object)
        self.slot_start, self.slot_weight = slot_start, slot_weight
        self.type_share, self.taxonomy = type_share, taxonomy
        self._lat0 = float(np.median(self.gaz_lat))
        self._tree = cKDTree(self._xy(self.gaz_lat, self.gaz_lon))

    def _xy(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        return np.column_stack([lon * np.cos(np.radians(self._lat0)), lat]) * M_PER_DEG

    def nearest_address(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """The gazetteer address nearest to each point (what an agent would write down)."""
        return self.gaz_address[self._tree.query(self._xy(lat, lon))[1]]

    def population(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` gazetteer indices drawn uniformly: the population proxy."""
        return rng.integers(0, len(self.gaz_lat), n)

    def window(self, event_id: str, start: pd.Timestamp, end: pd.Timestamp) -> tuple[int, int]:
        """``[start, end)`` as epoch seconds, checked to lie inside the scenario."""
        if start < self.start or end > self.end or start >= end:
            raise ValueError(
                f"event {event_id!r} runs {start} – {end}, outside the scenario "
                f"{self.start} – {self.end}: give the scenario more days or move the event"
            )
        return int(start.timestamp()), int(end.timestamp())

    def rhythm_times(self, rng: np.random.Generator, n: int, a: int, b: int) -> np.ndarray:
        """``n`` epoch seconds in ``[a, b)`` following the hour-of-day and weekday rhythm."""
        lo = np.maximum(self.slot_start, a)
        hi = np.minimum(self.slot_start + HOUR_S, b)
        weight = self.slot_weight * np.clip(hi - lo, 0, None) / HOUR_S
        slot = rng.choice(len(weight), size=n, p=weight / weight.sum())
        return lo[slot] + (rng.random(n) * (hi[slot] - lo[slot])).astype(np.int64)

    def truth(self, event, kind, code, window, center, shape, description) -> TruthEvent:
        """The truth of ``event`` (its ``event_id`` and ``n``), labelled from the taxonomy."""
        label = ("placeholder pile-up", "地址占位坐标堆积")
        if code is not None:
            label = (self.taxonomy[code].label_en, self.taxonomy[code].label_zh)
        start, end = (pd.Timestamp(t, unit="s", tz=TZ) for t in window)
        lat, lon = (float(c) for c in center)
        return TruthEvent(
            event.event_id,
            kind,
            code,
            *label,
            start,
            end,
            (),
            event.n,
            lat,
            lon,
            shape,
            description,
        )


def draw_mix(rng: np.random.Generator, mix: Mix, n: int) -> np.ndarray:
    """``n`` codes drawn from ``((code, share), ...)``."""
    codes = np.array([code for code, _ in mix], dtype=object)
    share = np.array([s for _, s in mix], dtype=np.float64)
    return codes[rng.choice(len(codes), size=n, p=share / share.sum())]


def offset(lat, lon, north_m, east_m) -> tuple[np.ndarray, np.ndarray]:
    """Points moved by metres north and east (a local flat approximation, fine below 10 km)."""
    lat = np.asarray(lat, np.float64)
    return lat + north_m / M_PER_DEG, lon + east_m / (M_PER_DEG * np.cos(np.radians(lat)))


def jitter(rng: np.random.Generator, lat: np.ndarray, lon: np.ndarray, sd_m: float):
    """Points moved by an isotropic Gaussian of ``sd_m`` metres."""
    return offset(lat, lon, rng.normal(0, sd_m, len(lat)), rng.normal(0, sd_m, len(lat)))


def ramp_times(rng: np.random.Generator, n: int, a: int, b: int, ramp: float) -> np.ndarray:
    """``n`` epoch seconds in ``[a, b)`` whose rate rises linearly over the first ``ramp`` share.

    The density is ``min(x / ramp, 1)`` on ``x ∈ [0, 1)``; samples come from its inverse CDF.
    """
    u = rng.random(n) * (1 - ramp / 2)
    x = np.where(u < ramp / 2, np.sqrt(2 * ramp * u), u + ramp / 2) if ramp > 0 else u
    return a + np.minimum((x * (b - a)).astype(np.int64), b - a - 1)


def _local_m(vertices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(lat, lon)`` vertices as metres north and east of the first one."""
    north = (vertices[:, 0] - vertices[0, 0]) * M_PER_DEG
    east = (vertices[:, 1] - vertices[0, 1]) * M_PER_DEG * np.cos(np.radians(vertices[0, 0]))
    return north, east


def path_length_m(path) -> float:
    """The length of a WGS-84 ``(lat, lon)`` polyline in metres."""
    north, east = _local_m(np.asarray(path, np.float64))
    return float(np.hypot(np.diff(north), np.diff(east)).sum())


def along_path(path, along_m: np.ndarray, across_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points ``along_m`` metres along a ``(lat, lon)`` polyline and ``across_m`` to its left."""
    vertices = np.asarray(path, np.float64)
    north, east = _local_m(vertices)
    seg_n, seg_e = np.diff(north), np.diff(east)
    seg_len = np.hypot(seg_n, seg_e)
    cum = np.concatenate([[0.0], np.cumsum(seg_len)])
    k = np.clip(np.searchsorted(cum, along_m, side="right") - 1, 0, len(seg_len) - 1)
    frac = (along_m - cum[k]) / seg_len[k]
    pn = north[k] + frac * seg_n[k] + across_m * seg_e[k] / seg_len[k]
    pe = east[k] + frac * seg_e[k] - across_m * seg_n[k] / seg_len[k]
    return offset(np.full(len(k), vertices[0, 0]), np.full(len(k), vertices[0, 1]), pn, pe)


class _Hotspot:
    """What place-bound events share: a type mix, a window, a ramp-up.

    The window starts ``before_end`` before the scenario's end, or, when ``days_before`` is set,
    at local time ``at`` (``HH:MM:SS``) that many days before the end's date; it lasts ``duration``.
    Subclasses give ``points(rng) -> (lat, lon, center, shape, where)``.
    """

    def plant(self, ctx: EventContext, rng: np.random.Generator) -> Planted:
        """Draw ``n`` complaints at ``points``, types from ``mix``, the rate ramping up."""
        start = ctx.end - pd.Timedelta(self.before_end)
        if self.days_before is not None:
            start = (
                ctx.end.normalize() - pd.Timedelta(days=self.days_before) + pd.Timedelta(self.at)
            )
        a, b = ctx.window(self.event_id, start, start + pd.Timedelta(self.duration))
        lat, lon, center, shape, where = self.points(rng)
        text = f"{self.n} complaints {where} over {(b - a) / HOUR_S:.1f} h, ramping up"
        text += ", still ongoing at the end" if b == int(ctx.end.timestamp()) else ""
        truth = ctx.truth(self, "hotspot", self.mix[0][0], (a, b), center, shape, text)
        types = draw_mix(rng, self.mix, self.n)
        t = ramp_times(rng, self.n, a, b, self.ramp)
        return Planted(truth, t, types, lat, lon, ctx.nearest_address(lat, lon), True, 0.1)


@dataclass(frozen=True)
class RoadHotspot(_Hotspot):
    """Complaints strung along a polyline (a fibre route under a road).

    ``path`` is WGS-84 ``(lat, lon)`` vertices; positions are uniform along it, and the
    perpendicular offset is Gaussian with standard deviation ``spread_m``, clipped at 2.5 sd.
    """

    event_id: str = "fibre_loss_e4ring"
    mix: Mix = (("fibre_loss", 0.85), ("broadband_down", 0.15))
    path: tuple[tuple[float, float], ...] = EAST_4TH_RING
    place: str = "东四环中路 East 4th Ring Middle Road, 百子湾桥 → 长虹桥"
    before_end: str = "5h"
    days_before: int | None = None
    at: str = "00:00:00"
    duration: str = "5h"
    n: int = 160
    spread_m: float = 60.0
    ramp: float = 0.4

    def points(self, rng: np.random.Generator) -> tuple:
        """``lat, lon, center, shape, where`` of the complaints."""
        length = path_length_m(self.path)
        across = np.clip(rng.normal(0, 1, self.n), -2.5, 2.5) * self.spread_m
        lat, lon = along_path(self.path, rng.random(self.n) * length, across)
        center = [c[0] for c in along_path(self.path, np.array([length / 2]), np.zeros(1))]
        shape = f"polyline {length / 1000:.1f} km, perpendicular sd {self.spread_m:.0f} m"
        return lat, lon, center, shape, f"along {self.place} ({length / 1000:.1f} km)"


@dataclass(frozen=True)
class AreaHotspot(_Hotspot):
    """Complaints spread uniformly over a disc (an area outage, a dead cell site)."""

    event_id: str = "area_outage_wangjing"
    mix: Mix = (("area_outage", 0.7), ("broadband_down", 0.15), ("mobile_no_signal", 0.15))
    center: tuple[float, float] = (39.9935, 116.4705)
    place: str = "望京 Wangjing (朝阳区)"
    radius_m: float = 500.0
    before_end: str = "0h"
    days_before: int | None = 2
    at: str = "19:40:00"
    duration: str = "2h30min"
    n: int = 130
    ramp: float = 0.2

    def points(self, rng: np.random.Generator) -> tuple:
        """``lat, lon, center, shape, where`` of the complaints."""
        r = self.radius_m * np.sqrt(rng.random(self.n))
        theta = rng.random(self.n) * 2 * np.pi
        lat0, lon0 = np.full(self.n, self.center[0]), np.full(self.n, self.center[1])
        lat, lon = offset(lat0, lon0, r * np.cos(theta), r * np.sin(theta))
        where = f"within {self.radius_m:.0f} m of {self.place}"
        return lat, lon, self.center, f"disc r={self.radius_m:.0f} m", where


def small_no_signal_cluster() -> AreaHotspot:
    """The default small weak-signal cluster: 32 complaints within 250 m at 鲁谷, over 4 h."""
    return AreaHotspot(
        event_id="no_signal_lugu",
        mix=(("mobile_no_signal", 0.85), ("call_drop", 0.15)),
        center=(39.8905, 116.2020),
        place="鲁谷 Lugu (石景山区)",
        radius_m=250.0,
        days_before=5,
        at="09:30:00",
        duration="4h",
        n=32,
    )


@dataclass(frozen=True)
class CitywideSurge:
    """One type rising citywide for one local day (a billing error): a surge, not a place.

    The day is local to ``tz`` (default: the scenario's Asia/Shanghai); a city elsewhere gives
    its own time zone so that the surge fills one of its own days.
    """

    event_id: str = "data_billing_surge"
    issue_type: str = "data_billing"
    days_before: int = 3
    n: int = 2000
    jitter_m: float = 150.0
    tz: str | None = None

    def plant(self, ctx: EventContext, rng: np.random.Generator) -> Planted:
        """Draw ``n`` complaints spread like the population, timed like the city's rhythm."""
        end = ctx.end if self.tz is None else ctx.end.tz_convert(self.tz)
        day = end.normalize() - pd.Timedelta(days=self.days_before)
        a, b = ctx.window(self.event_id, day, day + pd.Timedelta(days=1))
        idx = ctx.population(rng, self.n)
        lat, lon = jitter(rng, ctx.gaz_lat[idx], ctx.gaz_lon[idx], self.jitter_m)
        text = f"+{self.n} {self.issue_type} complaints across the city on {day:%Y-%m-%d}"
        shape = "citywide, spread like the population"
        center = (lat.mean(), lon.mean())
        truth = ctx.truth(self, "surge", self.issue_type, (a, b), center, shape, text)
        types = np.full(self.n, self.issue_type, dtype=object)
        t = ctx.rhythm_times(rng, self.n, a, b)
        return Planted(truth, t, types, lat, lon, ctx.gaz_address[idx], True, 0.05)


@dataclass(frozen=True)
class PlaceholderPile:
    """Unrelated complaints of the whole period at one GCJ-02 coordinate: a geocoder's fallback.

    The default is a city-level coordinate near Tiananmen, the kind returned for "北京市". The
    addresses are what the agents typed: vague, a district only, or a full address.
    """

    event_id: str = "placeholder_pile"
    lat_gcj: float = 39.904179
    lon_gcj: float = 116.407387
    n: int = 400

    def plant(self, ctx: EventContext, rng: np.random.Generator) -> Planted:
        """Draw ``n`` complaints of the background's types and rhythm, all at one point."""
        a, b = ctx.window(self.event_id, ctx.start, ctx.end)
        lon, lat = gcj02_to_wgs84(np.full(self.n, self.lon_gcj), np.full(self.n, self.lat_gcj))
        idx = ctx.population(rng, self.n)
        vague = np.array(["北京市", "北京", "不详", "客户未提供", "北京市内"], dtype=object)
        address = np.where(
            rng.random(self.n) < 0.5, "北京市" + ctx.gaz_district[idx], ctx.gaz_address[idx]
        )
        address = np.where(rng.random(self.n) < 0.3, vague[rng.integers(0, 5, self.n)], address)
        shape = f"single coordinate (GCJ-02 {self.lat_gcj:.6f}, {self.lon_gcj:.6f})"
        text = f"{self.n} unrelated complaints of every kind over the whole period at one point"
        truth = ctx.truth(self, "data_quality", None, (a, b), (lat[0], lon[0]), shape, text)
        types = draw_mix(rng, tuple(ctx.type_share.items()), self.n)
        t = ctx.rhythm_times(rng, self.n, a, b)
        return Planted(truth, t, types, lat, lon, address, False, 0.0)


def default_events() -> tuple:
    """The five default events; the scenario README lists their places, times and sizes."""
    return (
        RoadHotspot(),
        AreaHotspot(),
        small_no_signal_cluster(),
        CitywideSurge(),
        PlaceholderPile(),
    )
