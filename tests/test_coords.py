"""Tests for heatmap.coords: published points, round trips, the China outline, NaN and dispatch."""

from __future__ import annotations

import typing
from collections.abc import Callable

import numpy as np
import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from heatmap import coords
from heatmap.coords import (
    CRS,
    CRS_NAMES,
    bd09_to_gcj02,
    bd09_to_wgs84,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    out_of_china,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

Converter = Callable[..., tuple[np.ndarray, np.ndarray]]

CONVERTERS: dict[str, Converter] = {
    "wgs84_to_gcj02": wgs84_to_gcj02,
    "gcj02_to_wgs84": gcj02_to_wgs84,
    "gcj02_to_bd09": gcj02_to_bd09,
    "bd09_to_gcj02": bd09_to_gcj02,
    "wgs84_to_bd09": wgs84_to_bd09,
    "bd09_to_wgs84": bd09_to_wgs84,
}
DIRECT: dict[tuple[str, str], Converter] = {
    ("wgs84", "gcj02"): wgs84_to_gcj02,
    ("gcj02", "wgs84"): gcj02_to_wgs84,
    ("gcj02", "bd09"): gcj02_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
    ("wgs84", "bd09"): wgs84_to_bd09,
    ("bd09", "wgs84"): bd09_to_wgs84,
}

# Our inverses are exact to float rounding; 1 mm leaves room and is far inside the 0.5 m the
# ingest needs.
ROUND_TRIP_TOLERANCE_M = 1e-3
# Round trips are only defined away from the outline: next to it, a point can be shifted across
# it, and some points have two readings or none.
EDGE_MARGIN_DEG = 0.02


def haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2)
    )
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * np.arcsin(np.sqrt(h))


def near_the_outline(lon, lat) -> np.ndarray:
    """Within EDGE_MARGIN_DEG of the outline, more than one GCJ-02 + BD-09 shift (≤ 0.016°)."""
    points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return shapely.distance(coords.mainland_outline().boundary, points) <= EDGE_MARGIN_DEG


def far_inside(lon, lat) -> np.ndarray:
    return ~out_of_china(lon, lat) & ~near_the_outline(lon, lat)


# --- published reference points -------------------------------------------------------------
# Exact outputs of the public GCJ-02 / BD-09 formulas, so we match them to 1e-9 degrees.
# wandergis/coordtransform @ 242324636adb54f9d1ef571035dc61f0ac8f0e8c, test/app.js: every function
# applied to (116.404, 39.915). googollee/eviltransform @ 3416646abc64972e899118271bd98030224d9d6c,
# python/test.py, TESTS (given there as lat, lng; written here as lon, lat).
WGS_GCJ_PUBLISHED = {
    "wandergis-beijing": ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
    "eviltransform-shanghai": (
        (121.5272106, 31.1774276),
        (121.531541859215, 31.17530398364597),
    ),
    "eviltransform-shenzhen": (
        (113.912316, 22.543847),
        (113.9171764808363, 22.540796131694766),
    ),
    "eviltransform-beijing": (
        (116.377817, 39.911954),
        (116.38404722455657, 39.91334545536069),
    ),
}
GCJ_BD_PUBLISHED = {
    "wandergis-beijing": ((116.404, 39.915), (116.41036949371029, 39.92133699351021)),
}
# wandergis's inverses are the usual one-step approximations (bd09togcj02 is Baidu's formula,
# gcj02towgs84 subtracts the offset evaluated at the GCJ point); they sit a few cm off the exact
# inverse, which is what we compute.
APPROXIMATE_INVERSES_PUBLISHED = {
    "wandergis-bd09togcj02": (
        bd09_to_gcj02,
        (116.404, 39.915),
        (116.39762729119315, 39.90865673957631),
    ),
    "wandergis-gcj02towgs84": (
        gcj02_to_wgs84,
        (116.404, 39.915),
        (116.39775550083061, 39.91359571849836),
    ),
}
# hujiulong/gcoord @ fedbaa105f198d5afc23fec2d60c0a0df32ef663, test/fixtures/china-cities.json:
# (WGS84, GCJ02, BD09) per city, 7 decimals. Its GCJ-02 values sit a constant ~0.6 m (+5e-6° lon,
# +4e-6° lat) from the public formula everywhere, as map-provider API answers do, so WGS<->GCJ is
# checked to 1 m; its GCJ->BD pairs match the formula to the 7th decimal.
GCOORD_CITIES = {
    "zhumadian": ((114.0164322, 33.0133556), (114.022306, 33.0115324), (114.0287781, 33.0176697)),
    "nagqu": ((92.0499619, 31.4784436), (92.0512438, 31.4762063), (92.0576832, 31.4824421)),
    "aksu": ((80.2584377, 41.1677969), (80.2606106, 41.1687815), (80.2670534, 41.1749125)),
    "shenzhen-futian": (
        (114.0527534, 22.5458236),
        (114.0578659, 22.5431014),
        (114.064418, 22.5487584),
    ),
    "lhasa": ((91.1706414, 29.655277), (91.1721167, 29.6524954), (91.1786184, 29.6585294)),
    "hegang": ((130.2901208, 47.3474834), (130.2979644, 47.3499192), (130.3043975, 47.3560741)),
    "shenyang": ((123.4253306, 41.8032629), (123.4314787, 41.8057023), (123.438095, 41.8114013)),
}
PROVIDER_API_TOLERANCE_M = 1.0
SEVENTH_DECIMAL = 1e-7


@pytest.mark.parametrize(("wgs", "gcj"), WGS_GCJ_PUBLISHED.values(), ids=WGS_GCJ_PUBLISHED.keys())
def test_wgs84_to_gcj02_matches_published_formula_output(wgs, gcj):
    np.testing.assert_allclose(wgs84_to_gcj02(*wgs), gcj, rtol=0, atol=1e-9)


@pytest.mark.parametrize(("wgs", "gcj"), WGS_GCJ_PUBLISHED.values(), ids=WGS_GCJ_PUBLISHED.keys())
def test_gcj02_to_wgs84_recovers_published_wgs84(wgs, gcj):
    np.testing.assert_allclose(gcj02_to_wgs84(*gcj), wgs, rtol=0, atol=1e-9)


@pytest.mark.parametrize(("gcj", "bd"), GCJ_BD_PUBLISHED.values(), ids=GCJ_BD_PUBLISHED.keys())
def test_gcj02_bd09_both_ways_match_published(gcj, bd):
    np.testing.assert_allclose(gcj02_to_bd09(*gcj), bd, rtol=0, atol=1e-9)
    np.testing.assert_allclose(bd09_to_gcj02(*bd), gcj, rtol=0, atol=1e-9)


@pytest.mark.parametrize(
    ("inverse", "given_point", "published"),
    APPROXIMATE_INVERSES_PUBLISHED.values(),
    ids=APPROXIMATE_INVERSES_PUBLISHED.keys(),
)
def test_exact_inverse_is_centimetres_from_published_approximation(inverse, given_point, published):
    assert haversine_m(*inverse(*given_point), *published) < 0.1


@pytest.mark.parametrize(("wgs", "gcj", "bd"), GCOORD_CITIES.values(), ids=GCOORD_CITIES.keys())
def test_provider_points_from_gcoord(wgs, gcj, bd):
    assert haversine_m(*wgs84_to_gcj02(*wgs), *gcj) < PROVIDER_API_TOLERANCE_M
    assert haversine_m(*gcj02_to_wgs84(*gcj), *wgs) < PROVIDER_API_TOLERANCE_M
    assert haversine_m(*bd09_to_wgs84(*bd), *wgs) < PROVIDER_API_TOLERANCE_M
    np.testing.assert_allclose(gcj02_to_bd09(*gcj), bd, rtol=0, atol=SEVENTH_DECIMAL)
    np.testing.assert_allclose(bd09_to_gcj02(*bd), gcj, rtol=0, atol=SEVENTH_DECIMAL)


# --- round trips --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def china_grid() -> tuple[np.ndarray, np.ndarray]:
    """Every 0.25° over China's extent, kept where it is inside the outline, off its edge."""
    lon, lat = np.meshgrid(np.arange(73.0, 135.5, 0.25), np.arange(15.5, 54.0, 0.25))
    lon, lat = lon.ravel(), lat.ravel()
    keep = far_inside(lon, lat)
    return lon[keep], lat[keep]


@pytest.mark.parametrize(
    ("forward", "inverse"),
    [
        (wgs84_to_gcj02, gcj02_to_wgs84),
        (wgs84_to_bd09, bd09_to_wgs84),
        (gcj02_to_bd09, bd09_to_gcj02),
    ],
    ids=["gcj02", "bd09", "gcj02-bd09"],
)
def test_round_trips_over_china_are_exact(china_grid, forward, inverse):
    lon, lat = china_grid
    assert lon.size > 15_000
    there_and_back = haversine_m(lon, lat, *forward(*inverse(lon, lat)))
    back_and_there = haversine_m(lon, lat, *inverse(*forward(lon, lat)))
    assert there_and_back.max() < ROUND_TRIP_TOLERANCE_M
    assert back_and_there.max() < ROUND_TRIP_TOLERANCE_M


china_lon = st.floats(73.0, 135.5, allow_nan=False)
china_lat = st.floats(15.5, 54.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(lon=china_lon, lat=china_lat)
def test_property_round_trips_inside_china(lon, lat):
    assume(far_inside(lon, lat))
    assert (
        haversine_m(lon, lat, *wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))) < ROUND_TRIP_TOLERANCE_M
    )
    assert haversine_m(lon, lat, *wgs84_to_bd09(*bd09_to_wgs84(lon, lat))) < ROUND_TRIP_TOLERANCE_M


@settings(max_examples=150, deadline=None)
@given(lon=china_lon, lat=china_lat)
def test_property_shift_is_between_one_metre_and_one_kilometre_inside_china(lon, lat):
    assume(far_inside(lon, lat))
    assert 1.0 < haversine_m(lon, lat, *wgs84_to_gcj02(lon, lat)) < 1_000.0
    assert 1.0 < haversine_m(lon, lat, *wgs84_to_bd09(lon, lat)) < 2_000.0


@settings(max_examples=150, deadline=None)
@given(lon=st.floats(-180.0, 180.0), lat=st.floats(-90.0, 90.0))
def test_property_every_converter_is_the_identity_outside_china(lon, lat):
    assume(out_of_china(lon, lat) and not near_the_outline(lon, lat))
    for convert in CONVERTERS.values():
        assert convert(lon, lat) == (lon, lat)


# --- where GCJ-02 applies -----------------------------------------------------------------------

OUTSIDE = {
    "Tokyo": (139.69, 35.69),
    "Seoul": (126.98, 37.57),
    "Jeju": (126.53, 33.50),
    "Pyongyang": (125.75, 39.03),
    "Ulaanbaatar": (106.91, 47.92),
    "Choibalsan": (114.53, 48.07),
    "Vladivostok": (131.89, 43.12),
    "Khabarovsk": (135.07, 48.48),
    "Taipei": (121.56, 25.04),
    "Kaohsiung": (120.30, 22.63),
    "Penghu Magong": (119.57, 23.57),
    "Hong Kong Central": (114.158, 22.282),
    "Hong Kong Sheung Shui": (114.128, 22.502),
    "Hong Kong airport": (113.92, 22.31),
    "Macau Senado Square": (113.539, 22.193),
    "Macau Taipa": (113.56, 22.157),
    "Hanoi": (105.85, 21.03),
    "Da Nang": (108.22, 16.05),
    "Naha": (127.68, 26.21),
    "Manila": (120.98, 14.60),
    "Almaty": (76.95, 43.25),
    "Kathmandu": (85.32, 27.70),
    "Thimphu": (89.64, 27.47),
    "Myitkyina": (97.40, 25.38),
    "New York": (-74.006, 40.713),
    "Boston": (-71.059, 42.359),
    "London": (-0.128, 51.507),
    "Sydney": (151.21, -33.87),
    "Null Island": (0.0, 0.0),
    "North Pole": (0.0, 90.0),
    "Antimeridian": (180.0, 45.0),
}
INSIDE = {
    "Beijing Tiananmen": (116.397, 39.909),
    "Shanghai": (121.473, 31.230),
    "Shenzhen Futian": (114.055, 22.541),
    "Shenzhen Shekou": (113.915, 22.487),
    "Zhuhai Gongbei": (113.550, 22.228),
    "Zhuhai Hengqin": (113.520, 22.120),
    "Dandong": (124.38, 40.13),
    "Heihe": (127.50, 50.24),
    "Hunchun": (130.37, 42.86),
    "Hekou": (103.94, 22.52),
    "Kashgar": (75.99, 39.47),
    "Mohe": (122.54, 52.97),
    "Zhoushan Shengsi": (122.45, 30.72),
    "Pingtan": (119.79, 25.50),
    "Sanya": (109.51, 18.25),
    "Woody Island": (112.34, 16.83),
}


FORWARD = (wgs84_to_gcj02, gcj02_to_bd09, wgs84_to_bd09)
INVERSE = (gcj02_to_wgs84, bd09_to_gcj02, bd09_to_wgs84)


@pytest.mark.parametrize("name", OUTSIDE)
def test_identity_outside_mainland_china(name):
    lon, lat = OUTSIDE[name]
    assert out_of_china(lon, lat)
    for convert in FORWARD:
        assert convert(lon, lat) == (lon, lat)
    for crs in CRS_NAMES:
        assert from_wgs84(lon, lat, crs) == (lon, lat)
    if near_the_outline(lon, lat):
        return  # see test_mainland_reading_wins_where_a_shift_could_cross_the_outline
    for convert in INVERSE:
        assert convert(lon, lat) == (lon, lat)
    for crs in CRS_NAMES:
        assert to_wgs84(lon, lat, crs) == (lon, lat)


def test_mainland_reading_wins_where_a_shift_could_cross_the_outline():
    # Macau's Senado Square read as BD-09 is also where Baidu puts a point in Zhuhai's Wanzai,
    # 1.2 km west; the inverse prefers the mainland reading, as a mainland feed needs.
    senado_square = OUTSIDE["Macau Senado Square"]
    assert near_the_outline(*senado_square)
    wanzai = bd09_to_wgs84(*senado_square)
    assert not out_of_china(*wanzai)
    assert haversine_m(*wgs84_to_bd09(*wanzai), *senado_square) < ROUND_TRIP_TOLERANCE_M


@pytest.mark.parametrize("name", INSIDE)
def test_shifted_inside_mainland_china(name):
    lon, lat = INSIDE[name]
    assert not out_of_china(lon, lat)
    assert haversine_m(lon, lat, *wgs84_to_gcj02(lon, lat)) > 1.0


def test_outline_is_a_valid_polygon_with_hong_kong_and_macau_cut_out():
    outline = coords.mainland_outline()
    assert outline.is_valid
    assert outline.geom_type == "Polygon"
    assert len(outline.interiors) == 2


def test_point_shifted_across_the_outline_still_comes_back():
    # Just north of the Shenzhen-Hong Kong border; GCJ-02 moves it ~300 m south-east, into the
    # Hong Kong cut-out, where a forward-only test would refuse to undo the shift.
    wgs = (114.05, 22.512)
    gcj = wgs84_to_gcj02(*wgs)
    assert not out_of_china(*wgs)
    assert out_of_china(*gcj)
    assert haversine_m(*gcj02_to_wgs84(*gcj), *wgs) < ROUND_TRIP_TOLERANCE_M
    assert haversine_m(*to_wgs84(*gcj, "gcj02"), *wgs) < ROUND_TRIP_TOLERANCE_M


def test_shift_stops_at_the_border():
    # Two points 2 km apart straddling the Shenzhen River: only the mainland one is shifted.
    shenzhen, hong_kong = (114.10, 22.55), (114.10, 22.52)
    assert haversine_m(*shenzhen, *wgs84_to_gcj02(*shenzhen)) > 100
    assert wgs84_to_gcj02(*hong_kong) == hong_kong


# --- array handling -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", CONVERTERS)
def test_nan_passes_through_and_other_points_are_converted(name):
    convert = CONVERTERS[name]
    lon = np.array([116.40, np.nan, 116.40, np.nan])
    lat = np.array([39.90, 39.90, np.nan, np.nan])
    out_lon, out_lat = convert(lon, lat)
    assert np.isnan(out_lon[1]) and np.isnan(out_lat[2]) and np.isnan(out_lon[3])
    assert np.isnan(out_lat[3])
    assert haversine_m(116.40, 39.90, out_lon[0], out_lat[0]) > 100


@pytest.mark.parametrize("name", CONVERTERS)
def test_shapes_and_dtypes(name):
    convert = CONVERTERS[name]
    scalar_lon, scalar_lat = convert(116.4, 39.9)
    assert scalar_lon.shape == () and scalar_lat.dtype == np.float64
    grid_lon, grid_lat = convert([[116.4, 116.5]], [[39.9], [40.0]])
    assert grid_lon.shape == grid_lat.shape == (2, 2)
    empty_lon, empty_lat = convert([], [])
    assert empty_lon.shape == empty_lat.shape == (0,)
    int_lon, _ = convert(np.array([116], dtype=np.int32), np.array([40], dtype=np.int32))
    assert int_lon.dtype == np.float64


def test_out_of_china_returns_a_bool_array():
    mask = out_of_china([116.4, 139.7, np.nan], [39.9, 35.7, 39.9])
    assert mask.dtype == np.bool_
    assert mask.tolist() == [False, True, True]
    assert out_of_china(116.4, 39.9).shape == ()


def test_inputs_are_not_modified():
    lon, lat = np.array([116.4, 121.5]), np.array([39.9, 31.2])
    for convert in CONVERTERS.values():
        convert(lon, lat)
    assert lon.tolist() == [116.4, 121.5] and lat.tolist() == [39.9, 31.2]


# --- dispatch -----------------------------------------------------------------------------------


def test_crs_literal_and_names_agree():
    assert typing.get_args(CRS) == CRS_NAMES


@pytest.mark.parametrize("crs", ["WGS84", "gcj-02", "epsg:4326", "", "bd09mc"])
def test_unknown_crs_is_rejected_with_the_valid_names(crs):
    for dispatch in (to_wgs84, from_wgs84):
        with pytest.raises(ValueError, match="wgs84, gcj02, bd09"):
            dispatch(116.4, 39.9, crs)


@pytest.mark.parametrize("source", CRS_NAMES)
@pytest.mark.parametrize("target", CRS_NAMES)
def test_dispatchers_compose_to_every_direct_conversion(source, target):
    wgs_lon, wgs_lat = np.array([116.397, 121.473, 139.69]), np.array([39.909, 31.230, 35.69])
    lon, lat = from_wgs84(wgs_lon, wgs_lat, source)
    via_wgs84 = from_wgs84(*to_wgs84(lon, lat, source), target)
    expected = DIRECT[(source, target)](lon, lat) if source != target else (lon, lat)
    np.testing.assert_allclose(via_wgs84, expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("crs", CRS_NAMES)
def test_to_wgs84_undoes_from_wgs84(crs):
    lon, lat = np.array([116.397, 113.915]), np.array([39.909, 22.487])
    back = to_wgs84(*from_wgs84(lon, lat, crs), crs)
    assert haversine_m(lon, lat, *back).max() < ROUND_TRIP_TOLERANCE_M
