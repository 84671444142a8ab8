"""Offline geocoding against the Beijing gazetteer: levels, old names, precision, no guessing."""

from __future__ import annotations

from functools import cache

import h3
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo_fixtures.reference import DISTRICT_RENAMES, load_gazetteer
from heatmap.districts import district_polygons
from heatmap.geocode import PRECISIONS, default_geocoder, normalise


@cache
def _gazetteer() -> pd.DataFrame:
    return load_gazetteer()


def metres(place, lat: float, lon: float) -> float:  # type: ignore[no-untyped-def]
    return float(h3.great_circle_distance((place.lat, place.lon), (lat, lon), unit="m"))


def test_every_gazetteer_address_finds_itself() -> None:
    gazetteer = load_gazetteer()
    places = default_geocoder().locate_many(gazetteer["address"].tolist())
    assert all(p is not None for p in places)
    points = [
        (p, lat, lon)
        for p, lat, lon in zip(places, gazetteer["lat"], gazetteer["lon"], strict=True)
        if p is not None and p.precision == "point"
    ]
    assert len(points) > 0.9 * len(gazetteer)  # a few addresses name points far apart
    assert max(metres(p, lat, lon) for p, lat, lon in points) < 300
    assert all(p.district == d for p, d in zip(places, gazetteer["district"], strict=True) if p)


@pytest.mark.parametrize(
    "address,precision,district,matched",
    [
        ("北京市丰台区卢沟桥街道程庄南里10号楼3单元502", "point", "丰台区", "程庄南里10号楼"),
        ("丰台区程庄南里", "locality", "丰台区", "程庄南里"),
        ("北京市延庆县香营乡聂庄村", "locality", "延庆区", None),
        ("北京市石景山区京原西街", "locality", "石景山区", "京原西街"),
        ("北京市海淀区四季青镇", "subdistrict", "海淀区", "四季青镇"),
        ("北京市朝阳区望京街道", "subdistrict", "朝阳区", "望京街道"),
        ("朝阳区望京", "subdistrict", "朝阳区", "望京街道"),
        ("北京市朝阳区金盏地区某某村", "subdistrict", "朝阳区", "金盏地区"),
        ("北京市朝阳区", "district", "朝阳区", "朝阳区"),
        ("北京 密云县", "district", "密云区", "密云区"),
        ("北京市宣武区", "district", "西城区", "西城区"),
        ("北京市平谷区", "district", "平谷区", "平谷区"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) > 6 else None,
)
def test_each_level_and_its_precision(
    address: str, precision: str, district: str, matched: str | None
) -> None:
    place = default_geocoder().locate(address)
    assert place is not None
    assert (place.precision, place.district) == (precision, district)
    if matched is not None:
        assert place.matched == matched


def test_a_subdistrict_of_another_district_falls_back_to_the_district() -> None:
    place = default_geocoder().locate("海淀区望京街道")  # 望京 is in 朝阳区: an agent's slip
    assert place is not None and (place.precision, place.district) == ("district", "海淀区")


def test_a_name_inside_a_longer_name_is_not_a_match() -> None:
    # 丰台 (the base name of 丰台街道) inside 丰台区, and 望京街 (a street) inside 望京街道.
    assert default_geocoder().locate("丰台区某某小区").precision == "district"  # type: ignore[union-attr]
    assert default_geocoder().locate("朝阳区望京街道").matched == "望京街道"  # type: ignore[union-attr]


@pytest.mark.parametrize("address", ["北京市", "北京", "不详", "客户未提供", "上海市浦东新区", ""])
def test_nothing_below_the_city_is_no_place(address: str) -> None:
    assert default_geocoder().locate(address) is None


def test_districts_are_placed_inside_their_polygon() -> None:
    polygons = district_polygons()
    for name, geometry in zip(polygons["name"], polygons.geometry, strict=True):
        place = default_geocoder().locate(f"北京市{name}")
        assert place is not None and place.precision == "district"
        assert geometry.contains(shapely.Point(place.lon, place.lat))


def test_coarse_places_are_far_from_being_points() -> None:
    # A district guess is kilometres from where the complaint is: what precision protects.
    gazetteer = load_gazetteer()
    chaoyang = gazetteer[gazetteer["district"] == "朝阳区"]
    place = default_geocoder().locate("北京市朝阳区")
    assert place is not None
    distances = [
        metres(place, lat, lon) for lat, lon in zip(chaoyang.lat, chaoyang.lon, strict=True)
    ]
    assert np.median(distances) > 2_000
    assert set(PRECISIONS) == {"point", "locality", "subdistrict", "district"}


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_normalising_twice_changes_nothing_and_locating_never_fails(text: str) -> None:
    once = normalise(text, DISTRICT_RENAMES)
    assert normalise(once, DISTRICT_RENAMES) == once or once.startswith(("北京", "中国"))
    place = default_geocoder().locate(text)
    assert place is None or place.precision in PRECISIONS


@given(
    row=st.integers(0, 10_000),
    noise=st.sampled_from(["", "3单元", "502室", " ", "附近"]),
)
@settings(max_examples=100, deadline=None)
def test_an_address_with_a_suffix_stays_in_its_district(row: int, noise: str) -> None:
    gazetteer = _gazetteer()
    record = gazetteer.iloc[row % len(gazetteer)]
    place = default_geocoder().locate(str(record["address"]).split(";")[0] + noise)
    assert place is not None and place.district == record["district"]
