"""Tests for the Beijing reference geodata in geo_fixtures/beijing and its loaders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas
import numpy as np
import pandas as pd
import pytest
import shapely

from geo_fixtures.reference import (
    DISTRICTS_PATH,
    GAZETTEER_PATH,
    current_district_name,
    load_districts,
    load_gazetteer,
    main,
    normalise_address,
)

SHARED = Path(__file__).parents[2] / "shared" / "data"
needs_shared = pytest.mark.skipif(
    not (SHARED / "beijing").is_dir(),
    reason=f"the shared reference data is not at {SHARED} (../shared/data next to the repository)",
)

DISTRICTS = {
    110101: ("东城区", "Dongcheng"),
    110102: ("西城区", "Xicheng"),
    110105: ("朝阳区", "Chaoyang"),
    110106: ("丰台区", "Fengtai"),
    110107: ("石景山区", "Shijingshan"),
    110108: ("海淀区", "Haidian"),
    110109: ("门头沟区", "Mentougou"),
    110111: ("房山区", "Fangshan"),
    110112: ("通州区", "Tongzhou"),
    110113: ("顺义区", "Shunyi"),
    110114: ("昌平区", "Changping"),
    110115: ("大兴区", "Daxing"),
    110116: ("怀柔区", "Huairou"),
    110117: ("平谷区", "Pinggu"),
    110118: ("密云区", "Miyun"),
    110119: ("延庆区", "Yanqing"),
}
FORMER_NAMES = (
    "延庆县",
    "密云县",
    "昌平县",
    "顺义县",
    "大兴县",
    "怀柔县",
    "平谷县",
    "通县",
    "崇文区",
)
GAZETTEER_HEADER = "address,district,subdistrict,locality,road,lat,lon,source"
# The counts geo_fixtures/beijing/README.md states.
GAZETTEER_ROWS = {"wifi_ap": 9_530, "cell_site": 1_034}
# ../shared/data/README.md: against converted polygons 9,562 of 9,775 Wi-Fi points fall in the
# district their address names. Against the GCJ-02 polygons as published, 9,330 do.
WIFI_POINTS = 9_775
WIFI_IN_NAMED_DISTRICT_CONVERTED = 9_562
WIFI_IN_NAMED_DISTRICT_UNCONVERTED = 9_330


@pytest.fixture(scope="module")
def districts() -> geopandas.GeoDataFrame:
    return load_districts()


@pytest.fixture(scope="module")
def gazetteer() -> pd.DataFrame:
    return load_gazetteer()


# --- districts ----------------------------------------------------------------------------------


def test_sixteen_districts_with_their_names_and_adcodes(districts):
    assert districts.crs.to_epsg() == 4326
    found = {
        int(adcode): (name, name_en)
        for adcode, name, name_en in zip(
            districts["adcode"], districts["name"], districts["name_en"], strict=True
        )
    }
    assert found == DISTRICTS


def test_district_properties_are_exactly_the_documented_ones():
    collection = json.loads(DISTRICTS_PATH.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        assert list(feature["properties"]) == [
            "adcode",
            "name",
            "name_en",
            "centroid_lon",
            "centroid_lat",
        ]
        assert isinstance(feature["properties"]["adcode"], int)


def test_district_polygons_are_valid_and_tile_without_overlaps(districts):
    assert districts.is_valid.all()
    assert set(districts.geom_type) == {"MultiPolygon"}
    union = shapely.unary_union(districts.geometry.to_numpy())
    assert union.geom_type == "Polygon"
    areas = shapely.area(districts.geometry.to_numpy())  # planar degrees² suffice to compare
    assert areas.sum() == pytest.approx(union.area, rel=1e-6)


def test_district_coordinates_have_six_decimals_and_file_stays_small():
    assert DISTRICTS_PATH.stat().st_size < 300_000
    coordinates = re.findall(r"-?\d+\.\d+", DISTRICTS_PATH.read_text(encoding="utf-8"))
    assert max(len(number.split(".")[1]) for number in coordinates) <= 6


def test_district_centroids_are_the_polygon_centroids(districts):
    for geometry, lon, lat in zip(
        districts.geometry, districts["centroid_lon"], districts["centroid_lat"], strict=True
    ):
        assert (lon, lat) == pytest.approx((geometry.centroid.x, geometry.centroid.y), abs=1e-6)
        assert geometry.contains(shapely.Point(lon, lat))


def wifi_in_named_district(wifi: pd.DataFrame, polygons: geopandas.GeoDataFrame) -> int:
    points = geopandas.GeoDataFrame(
        {"named": wifi["district"].replace({"延庆县": "延庆区", "密云县": "密云区"})},
        geometry=geopandas.points_from_xy(wifi["lon"], wifi["lat"]),
        crs="EPSG:4326",
    )
    joined = geopandas.sjoin(points, polygons[["name", "geometry"]], predicate="within")
    return int((joined["named"] == joined["name"]).sum())


@needs_shared
def test_wifi_points_fall_in_the_district_their_address_names(districts):
    # An independent check of the GCJ-02 -> WGS-84 conversion: the Wi-Fi points are WGS-84
    # measurements with structured addresses, unrelated to the district polygons.
    wifi = pd.read_csv(SHARED / "beijing" / "beijing_wifi_ap_cellocation.csv")
    published = geopandas.read_file(SHARED / "beijing" / "beijing_districts_datav_gcj02.geojson")
    assert len(wifi) == WIFI_POINTS
    converted = wifi_in_named_district(wifi, districts)
    unconverted = wifi_in_named_district(wifi, published)
    assert converted == WIFI_IN_NAMED_DISTRICT_CONVERTED
    assert unconverted == WIFI_IN_NAMED_DISTRICT_UNCONVERTED
    # Converting halves the misplaced points; most of the 213 left lie within 500 m of the
    # district their address names (geolocation error at district borders).
    assert 2 * (WIFI_POINTS - converted) < WIFI_POINTS - unconverted


# --- gazetteer ----------------------------------------------------------------------------------


def test_gazetteer_is_utf8_with_lf_and_the_exact_columns():
    raw = GAZETTEER_PATH.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" not in raw
    text = raw.decode("utf-8")
    assert text.split("\n", 1)[0] == GAZETTEER_HEADER


def test_gazetteer_coordinates_have_six_decimals():
    raw = pd.read_csv(GAZETTEER_PATH, dtype=str, keep_default_na=False)
    for column in ("lat", "lon"):
        assert raw[column].str.fullmatch(r"\d+\.\d{6}").all()


def test_gazetteer_rows_and_sources(gazetteer):
    assert gazetteer["source"].value_counts().to_dict() == GAZETTEER_ROWS
    assert not gazetteer.duplicated().any()


def test_gazetteer_uses_current_district_names_only(gazetteer):
    current = {name for name, _ in DISTRICTS.values()}
    assert set(gazetteer["district"]) <= current
    for former in FORMER_NAMES:
        assert not gazetteer["address"].str.startswith("北京市" + former).any()
    prefixes = "北京市" + gazetteer["district"]
    assert all(map(str.startswith, gazetteer["address"], prefixes))


def test_gazetteer_points_are_in_beijing(gazetteer, districts):
    west, south, east, north = districts.total_bounds
    assert gazetteer["lon"].between(west, east).all()
    assert gazetteer["lat"].between(south, north).all()
    beijing = shapely.unary_union(districts.geometry.to_numpy())
    points = shapely.points(gazetteer["lon"].to_numpy(), gazetteer["lat"].to_numpy())
    outside = ~shapely.contains(beijing, points)
    # Two cell sites on Daxing's southern border are geolocated ~300 m outside it (README).
    assert outside.sum() == 2
    assert np.all(shapely.distance(beijing, points[outside]) < 0.01)


@pytest.mark.parametrize(
    ("given_name", "current"),
    [("延庆县", "延庆区"), ("密云县", "密云区"), ("崇文区", "东城区"), ("朝阳区", "朝阳区")],
)
def test_former_district_names_are_renamed(given_name, current):
    assert current_district_name(given_name) == current
    assert normalise_address(f"北京市{given_name}某街道1号") == f"北京市{current}某街道1号"


def test_normalise_address_only_touches_the_district_prefix():
    assert normalise_address("北京市朝阳区通县路1号") == "北京市朝阳区通县路1号"


@needs_shared
def test_regenerating_reproduces_the_committed_files(tmp_path):
    main(["--shared", str(SHARED), "--out", str(tmp_path)])
    assert (tmp_path / DISTRICTS_PATH.name).read_bytes() == DISTRICTS_PATH.read_bytes()
    assert (tmp_path / GAZETTEER_PATH.name).read_bytes() == GAZETTEER_PATH.read_bytes()
