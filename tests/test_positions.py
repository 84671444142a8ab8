"""Positions: coordinate checks, certain swap repairs, CRS conversion, geocoded precision."""

from __future__ import annotations

from collections.abc import Sequence

import h3
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heatmap import coords
from heatmap.geocode import Place
from heatmap.mapping import ServiceArea
from heatmap.positions import (
    NO_CODE,
    POSITION_REASONS,
    POSITION_SOURCES,
    PRECISION_RESOLUTION,
    check_coordinates,
    position_rows,
)

BEIJING = ServiceArea(115.4, 39.4, 117.5, 41.1)
BOSTON = ServiceArea(-71.21, 42.21, -70.90, 42.41)
REASONS = list(POSITION_REASONS)
ANY_FLOAT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-200, max_value=200),
    st.sampled_from([0.0, -0.0, 90.0, -90.0, 180.0, 39.9, 116.4, 42.36, -71.06]),
)


def _one(lat: float, lon: float, crs: str = "wgs84", area: ServiceArea | None = None):  # type: ignore[no-untyped-def]
    checked = check_coordinates(np.array([lat]), np.array([lon]), crs, area)
    reason = REASONS[checked.reason[0]] if checked.reason[0] != NO_CODE else None
    source = POSITION_SOURCES[checked.source[0]] if checked.source[0] != NO_CODE else None
    return reason, source, float(checked.lat[0]), float(checked.lon[0])


@given(lat=ANY_FLOAT, lon=ANY_FLOAT, area=st.sampled_from([None, BEIJING, BOSTON]))
@settings(max_examples=400, deadline=None)
def test_every_pair_is_accepted_or_has_one_reason(
    lat: float, lon: float, area: ServiceArea | None
) -> None:
    reason, source, out_lat, out_lon = _one(lat, lon, "wgs84", area)
    assert (reason is None) == (source is not None)
    if source is None:
        assert np.isnan(out_lat) and np.isnan(out_lon)
        return
    assert abs(out_lat) <= 90 and abs(out_lon) <= 180 and (out_lat, out_lon) != (0, 0)
    if area is not None:
        assert area.contains(out_lat, out_lon)
    if source == "coordinates":
        assert (out_lat, out_lon) == (lat, lon)
    else:
        assert (out_lat, out_lon) == (lon, lat) and area is not None


@given(lat=st.floats(42.22, 42.40), lon=st.floats(-71.2, -70.91))
@settings(max_examples=100, deadline=None)
def test_a_swap_is_repaired_exactly_when_the_area_makes_it_certain(lat: float, lon: float) -> None:
    assert _one(lon, lat, "wgs84", BOSTON) == (None, "swap_repaired", lat, lon)
    # Without an area nothing tells a swapped (-71, 42) from a real point in the Southern Ocean.
    assert _one(lon, lat, "wgs84", None)[:2] == (None, "coordinates")
    assert _one(lon, lat, "wgs84", BEIJING)[0] == "outside_service_area"


@pytest.mark.parametrize(
    "lat,lon,area,reason",
    [
        (np.nan, 116.4, None, "non_finite_coordinates"),
        (39.9, np.inf, None, "non_finite_coordinates"),
        (0.0, 0.0, None, "null_island"),
        (0.0, 0.0, BEIJING, "null_island"),
        (95.0, 200.0, None, "coordinates_out_of_range"),
        (-91.0, 181.0, BEIJING, "coordinates_out_of_range"),
        (116.4, 39.9, None, "swapped_coordinates"),
        (121.47, 31.23, BEIJING, "outside_service_area"),
        (31.23, 121.47, BEIJING, "outside_service_area"),
    ],
)
def test_each_bad_pair_has_its_reason(
    lat: float, lon: float, area: ServiceArea | None, reason: str
) -> None:
    assert _one(lat, lon, "wgs84", area)[0] == reason


@given(
    lat=st.floats(39.5, 41.0),
    lon=st.floats(115.5, 117.4),
    crs=st.sampled_from(["gcj02", "bd09"]),
    swap=st.booleans(),
)
@settings(max_examples=150, deadline=None)
def test_chinese_coordinates_come_back_within_a_decimetre(
    lat: float, lon: float, crs: str, swap: bool
) -> None:
    src_lon, src_lat = coords.from_wgs84(np.array([lon]), np.array([lat]), crs)
    given_lat, given_lon = (src_lon[0], src_lat[0]) if swap else (src_lat[0], src_lon[0])
    reason, source, out_lat, out_lon = _one(given_lat, given_lon, crs, BEIJING)
    assert reason is None and source == ("swap_repaired" if swap else "coordinates")
    assert h3.great_circle_distance((out_lat, out_lon), (lat, lon), unit="m") < 0.1


def _fake_geocode(addresses: Sequence[str]) -> list[Place | None]:
    places = {
        "building": Place(39.85, 116.26, "point", "丰台区", "building"),
        "estate": Place(39.85, 116.26, "locality", "丰台区", "estate"),
        "street": Place(39.86, 116.28, "subdistrict", "丰台区", "street"),
        "district": Place(39.86, 116.28, "district", "丰台区", "district"),
    }
    return [places.get(a) for a in addresses]


def test_geocoded_rows_get_a_cell_no_finer_than_their_precision() -> None:
    addresses = ["building", "estate", "street", "district", "nowhere"]
    n = len(addresses)
    placed = position_rows(
        np.full(n, np.nan),
        np.full(n, np.nan),
        np.zeros(n, dtype=bool),
        np.arange(n, dtype=np.int64),
        addresses,
        "wgs84",
        None,
        _fake_geocode,
    )
    table = placed.to_arrow().to_pylist()
    assert [r["precision"] for r in table] == ["point", "locality", "subdistrict", "district", None]
    assert [r["resolution"] for r in table[:4]] == list(PRECISION_RESOLUTION.values())
    for row in table[:4]:
        assert h3.get_resolution(h3.int_to_str(row["cell"])) == row["resolution"]
        assert row["district"] == "丰台区" and row["position_source"] == "geocoded"
    assert table[4]["reason"] == "address_not_found" and table[4]["cell"] == 0


def test_rows_already_quarantined_are_not_placed() -> None:
    placed = position_rows(
        np.array([39.9, 39.9]),
        np.array([116.4, 116.4]),
        np.array([True, False]),
        np.empty(0, dtype=np.int64),
        [],
        "wgs84",
        None,
        _fake_geocode,
    ).to_arrow()
    assert placed.column("position_source").to_pylist() == ["coordinates", None]
    assert placed.column("cell").to_pylist()[1] == 0
