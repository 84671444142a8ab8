"""Offline geocoding: an address with no coordinates → a WGS-84 point and how precise it is.

The gazetteer is the project's Beijing point file (Wi-Fi access points and cell sites with
structured addresses, ``geo_fixtures/beijing/gazetteer.csv``; ``HEATMAP_GAZETTEER`` names
another file of the same columns) and the district polygons of :mod:`heatmap.districts`.
Nothing is fetched from the network.

An address is matched from the most to the least specific level, each within what the coarser
levels found (a subdistrict must lie in the district the address names, and so on):

============  ==========================================================  ==============
level         matched when the address contains …                         precision
============  ==========================================================  ==============
address       a gazetteer address (or its place part, before ``;``)       point
building      a gazetteer building (``…10号楼``, ``…C9号楼``)                 point
locality      a residential estate, village, POI or compound              locality
road          two roads of a junction, or one short road                  locality
subdistrict   a 街道 / 镇 / 乡 / 地区 of the district                        subdistrict
district      a district (current or former name: 延庆县 → 延庆区)              district
============  ==========================================================  ==============

A match is only as precise as its gazetteer points allow: a point-level name must have all its
points within :data:`POINT_RADIUS_M` of their median, else it is at best a locality; a name
whose points spread (90th percentile) beyond :data:`LOCALITY_RADIUS_M` is not used. The
position is the median of the points; a district is placed at a point inside its polygon. An
address naming nothing more specific than the city matches nothing.

>>> place = default_geocoder().locate("北京市延庆县香营乡聂庄村")
>>> place.precision, place.district
('locality', '延庆区')
>>> default_geocoder().locate("北京市朝阳区").precision
'district'
>>> default_geocoder().locate("不详") is None
True
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

PRECISIONS = ("point", "locality", "subdistrict", "district")
POINT_RADIUS_M = 150.0
LOCALITY_RADIUS_M = 1500.0
MIN_NAME_CHARS = 2
MAX_NAME_CHARS = 30
_CITY_PREFIXES = ("中华人民共和国", "中国")
_CITY_NAMES = ("北京市", "北京")
_BUILDING = re.compile(r"(?:[A-Za-z]?\d+[A-Za-z]?(?:号楼|号院|栋|幢|座|号))")
_BUILDING_SUFFIX = re.compile(r"[A-Za-z]?\d+[A-Za-z]?(?:号楼|号院|栋|幢|座|号).*$")
_ROAD = re.compile(r"^.{1,15}?(?:大街|胡同|路|街|道|巷|桥|环)$")
_JUNCTION = re.compile(r"^(.+?)与(.+?)路口")
_SUBDISTRICT_SUFFIXES = ("街道", "地区", "镇", "乡")
_EARTH_M_PER_DEG = 111_320.0


@dataclass(frozen=True)
class Place:
    """Where an address is: a WGS-84 point, its precision, its district, what matched."""

    lat: float
    lon: float
    precision: str
    district: str
    matched: str


@dataclass(frozen=True)
class _Entry:
    """One indexed name: its level, where it is, and how far its gazetteer points spread."""

    level: str
    name: str
    district: str
    subdistrict: str
    lat: float
    lon: float
    radius_m: float
    extent_m: float = 0.0


def normalise(address: str, renames: dict[str, str]) -> str:
    """An address as matched: NFKC, no spaces, no country or city prefix, current district names.

    >>> normalise("北京市 延庆县 八达岭镇", {"延庆县": "延庆区"})
    '延庆区八达岭镇'
    """
    spaced = unicodedata.normalize("NFKC", address)  # full-width digits, letters and spaces
    text = unicodedata.normalize("NFKC", re.sub(r"\s+", "", spaced))
    for prefix in _CITY_PREFIXES:
        text = text.removeprefix(prefix)
    for city in _CITY_NAMES:
        if text.startswith(city):
            text = text[len(city) :]
            break
    for old, new in renames.items():
        if text.startswith(old):
            return new + text[len(old) :]
    return text


def _spread(lat: np.ndarray, lon: np.ndarray) -> tuple[float, float, float]:
    """Median point and the 90th-percentile distance (m) of the points from it."""
    mid_lat, mid_lon = float(np.median(lat)), float(np.median(lon))
    dy = (lat - mid_lat) * _EARTH_M_PER_DEG
    dx = (lon - mid_lon) * _EARTH_M_PER_DEG * np.cos(np.radians(mid_lat))
    radius = float(np.percentile(np.hypot(dx, dy), 90)) if lat.size > 1 else 0.0
    return mid_lat, mid_lon, radius


def _grouped_spread(points: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group of ``keys``: median lat/lon and the 90th-percentile distance (m) from it."""
    grouped = points.groupby(keys, sort=False)
    mid_lat = grouped["lat"].transform("median")
    mid_lon = grouped["lon"].transform("median")
    dy = (points["lat"] - mid_lat) * _EARTH_M_PER_DEG
    dx = (points["lon"] - mid_lon) * _EARTH_M_PER_DEG * np.cos(np.radians(mid_lat))
    frame = points[keys].assign(distance=np.hypot(dx, dy), lat=mid_lat, lon=mid_lon)
    grouped = frame.groupby(keys, sort=False)
    stats = grouped[["lat", "lon"]].first()
    stats["radius_m"] = grouped["distance"].quantile(0.9)
    stats["extent_m"] = grouped["distance"].max()
    return stats.reset_index()


def _road_names(road: str, locality: str) -> list[str]:
    """Road names a gazetteer point mentions: the roads of its junction hint, or its locality."""
    found = []
    junction = _JUNCTION.match(road)
    if junction:
        found += [junction.group(1), junction.group(2)]
    if _ROAD.match(locality):
        found.append(locality)
    return [name for name in found if len(name) >= MIN_NAME_CHARS]


class Geocoder:
    """An index of the gazetteer and the districts, and the matcher over it.

    Parameters
    ----------
    points : pandas.DataFrame
        The gazetteer: ``address, district, subdistrict, locality, road, lat, lon`` (WGS-84).
    districts : dict of str to (float, float)
        District name → a (lat, lon) inside it.
    renames : dict of str to str
        Former district names → current ones.
    """

    def __init__(
        self,
        points: pd.DataFrame,
        districts: dict[str, tuple[float, float]],
        renames: dict[str, str],
    ) -> None:
        self.renames = dict(sorted(renames.items(), key=lambda kv: -len(kv[0])))
        self._names: dict[str, list[_Entry]] = defaultdict(list)
        self._exact: dict[str, _Entry] = {}
        self._road_rows: dict[tuple[str, str], np.ndarray] = {}
        self._xy = points[["lat", "lon"]].to_numpy(dtype=np.float64)
        for name, (lat, lon) in districts.items():
            self._add(_Entry("district", name, name, "", lat, lon, 0.0))
        for old, new in self.renames.items():
            if new in districts:
                self._add(_Entry("district", old, new, "", *districts[new], 0.0))
        # plain lists: iterating pandas' Arrow-backed strings costs more than the work itself
        addresses, localities = points["address"].tolist(), points["locality"].tolist()
        points = points.reset_index(drop=True).assign(
            key=[normalise(a, self.renames) for a in addresses],
            place=[normalise(a.split(";")[0], self.renames) for a in addresses],
            estate=[_BUILDING_SUFFIX.sub("", loc) for loc in localities],
            building=[bool(_BUILDING.search(loc)) for loc in localities],
        )
        for column in ("key", "place"):
            for row in _grouped_spread(points, [column, "district"]).itertuples():
                entry = _Entry(
                    "address",
                    row[1],
                    row.district,
                    "",
                    row.lat,
                    row.lon,
                    row.radius_m,
                    row.extent_m,
                )
                self._exact.setdefault(row[1], entry)
        self._index(points, "subdistrict", "subdistrict")
        self._index(points[points["building"]], "locality", "building")
        self._index(points[~points["building"]], "locality", "locality")
        self._index(points[points["estate"] != points["locality"]], "estate", "locality")
        self._subdistrict_base_names()
        roads = pd.DataFrame(
            {
                "road": [
                    _road_names(r, loc)
                    for r, loc in zip(points["road"].tolist(), localities, strict=True)
                ],
                "district": points["district"],
                "subdistrict": "",
                "lat": points["lat"],
                "lon": points["lon"],
            }
        ).explode("road")
        roads = roads[roads["road"].notna()]
        for (district, road), rows in roads.groupby(["district", "road"]).groups.items():
            self._road_rows[(str(district), str(road))] = np.unique(np.asarray(rows))
        self._index(roads, "road", "road")

    def _add(self, entry: _Entry) -> None:
        if MIN_NAME_CHARS <= len(entry.name) <= MAX_NAME_CHARS:
            self._names[entry.name].append(entry)

    def _index(self, points: pd.DataFrame, column: str, level: str) -> None:
        keys = (
            ["district", column]
            if level in ("subdistrict", "road")
            else ["district", "subdistrict", column]
        )
        named = points[points[column] != ""]
        if named.empty:
            return
        for row in _grouped_spread(named, keys).itertuples(index=False):
            values = row._asdict()
            subdistrict = values["subdistrict"] if level != "road" else ""
            self._add(
                _Entry(
                    level,
                    str(values[column]),
                    str(values["district"]),
                    str(subdistrict),
                    float(values["lat"]),
                    float(values["lon"]),
                    float(values["radius_m"]),
                    float(values["extent_m"]),
                )
            )

    def _subdistrict_base_names(self) -> None:
        """望京 for 望京街道: agents often drop the suffix; kept when it names one place only."""
        by_base: dict[str, list[_Entry]] = defaultdict(list)
        for entries in list(self._names.values()):
            for entry in entries:
                if entry.level != "subdistrict":
                    continue
                for suffix in _SUBDISTRICT_SUFFIXES:
                    base = entry.name.removesuffix(suffix)
                    if base != entry.name and len(base) >= MIN_NAME_CHARS:
                        by_base[base].append(entry)
        for base, found in by_base.items():
            if len(found) == 1 and base not in self._names:
                entry = found[0]
                self._add(
                    _Entry(
                        "subdistrict",
                        base,
                        entry.district,
                        entry.subdistrict,
                        entry.lat,
                        entry.lon,
                        entry.radius_m,
                        entry.extent_m,
                    )
                )

    def _matches(self, text: str) -> list[_Entry]:
        """The indexed names in ``text`` that are not part of a longer indexed name there.

        望京街 (a street) inside 望京街道 (a subdistrict), or 丰台 inside 丰台区, is not a match.
        """
        spans: list[tuple[int, int, _Entry]] = []
        for start in range(len(text)):
            for end in range(start + MIN_NAME_CHARS, min(len(text), start + MAX_NAME_CHARS) + 1):
                for entry in self._names.get(text[start:end], ()):
                    spans.append((start, end, entry))
        return [
            entry
            for start, end, entry in spans
            if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
        ]

    def _road_place(self, district: str, roads: list[str]) -> tuple[float, float, float] | None:
        """The points of a junction of two named roads (or of the first road named)."""
        found = [self._road_rows[(district, r)] for r in roads if (district, r) in self._road_rows]
        if not found:
            return None
        rows = found[0]
        if len(found) > 1:
            both = np.intersect1d(found[0], found[1])
            rows = both if both.size else rows
        xy = self._xy[rows]
        return _spread(xy[:, 0], xy[:, 1])

    def locate(self, address: str) -> Place | None:
        """The place of one address, or ``None`` when nothing below the city matches."""
        text = normalise(address, self.renames)
        if not text:
            return None
        exact = self._exact.get(text) or self._exact.get(text.split(";")[0])
        if exact is not None and exact.radius_m <= LOCALITY_RADIUS_M:
            precision = "point" if exact.extent_m <= POINT_RADIUS_M else "locality"
            return Place(exact.lat, exact.lon, precision, exact.district, exact.name)
        matches = self._matches(text)
        named = [e for e in matches if e.level == "district"]
        districts = {e.district for e in named}
        if not districts:
            districts = {e.district for e in matches if e.level == "subdistrict"}
        district = next(iter(districts)) if len(districts) == 1 else None
        candidates = [e for e in matches if district is None or e.district == district]
        subdistricts = {e.subdistrict for e in candidates if e.level == "subdistrict"}
        subdistrict = next(iter(subdistricts)) if len(subdistricts) == 1 else None
        place = self._finest(candidates, district, subdistrict)
        if place is not None:
            return place
        if district is not None and subdistrict is not None:
            entry = next(
                e for e in candidates if e.level == "subdistrict" and e.subdistrict == subdistrict
            )
            return Place(entry.lat, entry.lon, "subdistrict", district, subdistrict)
        if district is not None and named:
            entry = next(e for e in named if e.district == district)
            return Place(entry.lat, entry.lon, "district", district, district)
        return None

    def _finest(
        self, candidates: list[_Entry], district: str | None, subdistrict: str | None
    ) -> Place | None:
        """A building, locality or road match consistent with the district and subdistrict."""
        for level, precision, radius in (
            ("building", "point", POINT_RADIUS_M),
            ("locality", "locality", LOCALITY_RADIUS_M),
        ):
            found = [
                e
                for e in candidates
                if e.level == level
                and (e.extent_m if level == "building" else e.radius_m) <= radius
                and (subdistrict is None or e.subdistrict in ("", subdistrict))
            ]
            if not found:
                continue
            longest = max(len(e.name) for e in found)
            best = [e for e in found if len(e.name) == longest]
            if len({(e.district, e.subdistrict) for e in best}) == 1:
                entry = best[0]
                return Place(entry.lat, entry.lon, precision, entry.district, entry.name)
        roads = [e for e in candidates if e.level == "road"]
        road_districts = {e.district for e in roads}
        if len(road_districts) != 1:
            return None
        road_district = next(iter(road_districts))
        names = list(dict.fromkeys(e.name for e in roads))
        located = self._road_place(road_district, names)
        if located is None or located[2] > LOCALITY_RADIUS_M:
            return None
        return Place(located[0], located[1], "locality", road_district, "与".join(names[:2]))

    def locate_many(self, addresses: Iterable[str]) -> list[Place | None]:
        """:meth:`locate` over many addresses, each distinct address matched once."""
        found: dict[str, Place | None] = {}
        out = []
        for address in addresses:
            if address not in found:
                found[address] = self.locate(address)
            out.append(found[address])
        return out


def _district_points() -> dict[str, tuple[float, float]]:
    from heatmap.districts import district_polygons

    polygons = district_polygons()
    out = {}
    for name, geometry in zip(polygons["name"], polygons.geometry, strict=True):
        inside = geometry.centroid
        if not shapely.contains(geometry, inside):
            inside = geometry.representative_point()
        out[str(name)] = (round(inside.y, 6), round(inside.x, 6))
    return out


@cache
def default_geocoder() -> Geocoder:
    """The geocoder over the project's gazetteer (or ``HEATMAP_GAZETTEER``) and districts."""
    from geo_fixtures.reference import DISTRICT_RENAMES, load_gazetteer

    override = os.environ.get("HEATMAP_GAZETTEER")
    if override:
        points = pd.read_csv(Path(override), dtype=str, keep_default_na=False)
        points[["lat", "lon"]] = points[["lat", "lon"]].astype(float)
    else:
        points = load_gazetteer()
    return Geocoder(points, _district_points(), DISTRICT_RENAMES)


def geocode(addresses: Sequence[str]) -> list[Place | None]:
    """Geocode ``addresses`` with :func:`default_geocoder`."""
    return default_geocoder().locate_many(addresses)
