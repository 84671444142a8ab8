"""Beijing reference geodata carried by the project: district polygons and a point gazetteer.

Both files are built from the read-only shared data (``../shared/data/beijing``; provenance in
``geo_fixtures/beijing/README.md``) and committed, so the engine never reads the shared folder at
run time. Rebuild them with::

    python -m geo_fixtures.reference --shared ../shared/data

The district polygons are published in GCJ-02; they are converted to WGS-84 here with
:mod:`heatmap.coords`, like every other coordinate the engine takes in.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import geopandas
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from heatmap.coords import gcj02_to_wgs84

BEIJING_DIR = Path(__file__).parent / "beijing"
DISTRICTS_PATH = BEIJING_DIR / "districts.geojson"
GAZETTEER_PATH = BEIJING_DIR / "gazetteer.csv"
DEFAULT_SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

SOURCE_DISTRICTS = "beijing/beijing_districts_datav_gcj02.geojson"
SOURCE_POINTS = {
    "wifi_ap": "beijing/beijing_wifi_ap_cellocation.csv",
    "cell_site": "beijing/beijing_cell_sites_cellocation.csv",
}
GAZETTEER_COLUMNS = [
    "address",
    "district",
    "subdistrict",
    "locality",
    "road",
    "lat",
    "lon",
    "source",
]
COORDINATE_DECIMALS = 6
# A point geolocated a few hundred metres outside the city (two cell sites on Daxing's southern
# border, whose stated radius reaches back in) still belongs to Beijing; one beyond this does not.
BOUNDARY_TOLERANCE_DEG = 0.01

DISTRICT_NAMES_EN = {
    110101: "Dongcheng",
    110102: "Xicheng",
    110105: "Chaoyang",
    110106: "Fengtai",
    110107: "Shijingshan",
    110108: "Haidian",
    110109: "Mentougou",
    110111: "Fangshan",
    110112: "Tongzhou",
    110113: "Shunyi",
    110114: "Changping",
    110115: "Daxing",
    110116: "Huairou",
    110117: "Pinggu",
    110118: "Miyun",
    110119: "Yanqing",
}
# Beijing's counties became districts, and four inner districts merged into two; addresses from
# older systems still carry the old names. Only the last two occur in the shared data.
DISTRICT_RENAMES = {
    "燕山区": "房山区",  # 1986, merged with 房山县
    "房山县": "房山区",  # 1986
    "通县": "通州区",  # 1997
    "顺义县": "顺义区",  # 1998
    "昌平县": "昌平区",  # 1999
    "大兴县": "大兴区",  # 2001
    "怀柔县": "怀柔区",  # 2001
    "平谷县": "平谷区",  # 2001
    "崇文区": "东城区",  # 2010
    "宣武区": "西城区",  # 2010
    "密云县": "密云区",  # 2015
    "延庆县": "延庆区",  # 2015
}
_CITY_PREFIX = "北京市"


def current_district_name(name: str) -> str:
    """The current name of a Beijing district given under a current or former name."""
    return DISTRICT_RENAMES.get(name, name)


def normalise_address(address: str) -> str:
    """Give the district after an address's ``北京市`` prefix its current name."""
    for old, new in DISTRICT_RENAMES.items():
        if address.startswith(_CITY_PREFIX + old):
            return _CITY_PREFIX + new + address[len(_CITY_PREFIX + old) :]
    return address


def _to_wgs84(xy: np.ndarray) -> np.ndarray:
    lon, lat = gcj02_to_wgs84(xy[:, 0], xy[:, 1])
    return np.round(np.column_stack([lon, lat]), COORDINATE_DECIMALS)


def convert_district(geometry: shapely.Geometry) -> shapely.MultiPolygon:
    """A GCJ-02 district outline as a valid WGS-84 MultiPolygon, rounded to 6 decimals (0.1 m).

    Parts that share an edge (顺义区's two parts in the source) make an invalid MultiPolygon;
    they are dissolved into one.
    """
    converted = shapely.transform(geometry, _to_wgs84)
    if not converted.is_valid:
        converted = shapely.unary_union(converted)
    if isinstance(converted, shapely.Polygon):
        converted = shapely.MultiPolygon([converted])
    if not isinstance(converted, shapely.MultiPolygon) or not converted.is_valid:
        raise ValueError(f"district outline could not be made a valid MultiPolygon: {converted}")
    return shapely.orient_polygons(converted)


def build_districts(shared: Path) -> dict:
    """The 16 districts as a GeoJSON FeatureCollection in WGS-84."""
    source = json.loads((shared / SOURCE_DISTRICTS).read_text(encoding="utf-8"))
    features = []
    for feature in source["features"]:
        adcode = int(feature["properties"]["adcode"])
        if adcode not in DISTRICT_NAMES_EN:
            raise ValueError(f"unexpected district adcode {adcode} in {SOURCE_DISTRICTS}")
        geometry = convert_district(shape(feature["geometry"]))
        centroid = geometry.centroid
        properties = {
            "adcode": adcode,
            "name": feature["properties"]["name"],
            "name_en": DISTRICT_NAMES_EN[adcode],
            "centroid_lon": round(centroid.x, COORDINATE_DECIMALS),
            "centroid_lat": round(centroid.y, COORDINATE_DECIMALS),
        }
        features.append(
            {"type": "Feature", "properties": properties, "geometry": mapping(geometry)}
        )
    if len(features) != len(DISTRICT_NAMES_EN):
        raise ValueError(f"expected {len(DISTRICT_NAMES_EN)} districts, found {len(features)}")
    return {"type": "FeatureCollection", "features": features}


def build_gazetteer(shared: Path, beijing: shapely.Geometry) -> tuple[pd.DataFrame, dict[str, int]]:
    """The Wi-Fi and cell-site points as one gazetteer, with the counts of what was dropped.

    Keeps every row with coordinates inside ``beijing`` or within ``BOUNDARY_TOLERANCE_DEG``
    (about 1 km) of it; drops rows identical to an earlier one in every gazetteer column.
    """
    frames = []
    for source, relative_path in SOURCE_POINTS.items():
        raw = pd.read_csv(shared / relative_path, dtype=str, keep_default_na=False)
        frames.append(
            pd.DataFrame(
                {
                    "address": raw["address_raw"].map(normalise_address),
                    "district": raw["district"].map(current_district_name),
                    "subdistrict": raw["subdistrict"],
                    "locality": raw["poi_or_locality"],
                    "road": raw["road_hint"],
                    "lat": pd.to_numeric(raw["lat"], errors="coerce").round(COORDINATE_DECIMALS),
                    "lon": pd.to_numeric(raw["lon"], errors="coerce").round(COORDINATE_DECIMALS),
                    "source": source,
                }
            )
        )
    points = pd.concat(frames, ignore_index=True)
    counts = {"rows_read": len(points)}
    valid = points["lat"].notna() & points["lon"].notna()
    counts["dropped_invalid_coordinates"] = int((~valid).sum())
    points = points[valid]
    locations = shapely.points(points["lon"].to_numpy(), points["lat"].to_numpy())
    inside = shapely.dwithin(beijing, locations, BOUNDARY_TOLERANCE_DEG)
    just_outside = inside & ~shapely.contains(beijing, locations)
    counts["kept_just_outside_boundary"] = int(just_outside.sum())
    counts["dropped_outside_beijing"] = int((~inside).sum())
    points = points[inside]
    duplicate = points.duplicated(keep="first")
    counts["dropped_duplicates"] = int(duplicate.sum())
    points = points[~duplicate].reset_index(drop=True)
    counts["rows_written"] = len(points)
    return points[GAZETTEER_COLUMNS], counts


def write_districts(collection: dict, path: Path) -> None:
    """Write GeoJSON with one feature a line, so that changes show up as readable diffs."""
    lines = ",\n".join(
        json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
        for feature in collection["features"]
    )
    path.write_text(
        '{"type":"FeatureCollection","features":[\n' + lines + "\n]}\n", encoding="utf-8"
    )


def write_gazetteer(points: pd.DataFrame, path: Path) -> None:
    points.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", float_format="%.6f")


def load_districts() -> geopandas.GeoDataFrame:
    """Beijing's 16 districts (WGS-84, EPSG:4326): adcode, name, name_en, centroid_lon/lat."""
    return geopandas.read_file(DISTRICTS_PATH).set_crs("EPSG:4326", allow_override=True)


def load_gazetteer() -> pd.DataFrame:
    """The Beijing point gazetteer: address parts as strings ('' when absent), lat/lon WGS-84."""
    text_columns = [column for column in GAZETTEER_COLUMNS if column not in ("lat", "lon")]
    return pd.read_csv(
        GAZETTEER_PATH,
        dtype={**dict.fromkeys(text_columns, str), "lat": float, "lon": float},
        keep_default_na=False,
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m geo_fixtures.reference",
        description="Rebuild geo_fixtures/beijing/{districts.geojson,gazetteer.csv}.",
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED_DATA,
        help="the shared data folder (default: ../shared/data next to the repository)",
    )
    parser.add_argument("--out", type=Path, default=BEIJING_DIR, help="where to write the files")
    args = parser.parse_args(argv)
    if not (args.shared / SOURCE_DISTRICTS).is_file():
        parser.error(f"{args.shared / SOURCE_DISTRICTS} not found; pass --shared DIR")

    districts = build_districts(args.shared)
    beijing = shapely.unary_union([shape(f["geometry"]) for f in districts["features"]])
    points, counts = build_gazetteer(args.shared, beijing)
    args.out.mkdir(parents=True, exist_ok=True)
    write_districts(districts, args.out / DISTRICTS_PATH.name)
    write_gazetteer(points, args.out / GAZETTEER_PATH.name)
    print(f"wrote {len(districts['features'])} districts to {args.out / DISTRICTS_PATH.name}")
    print(f"wrote {counts['rows_written']} points to {args.out / GAZETTEER_PATH.name}: {counts}")


if __name__ == "__main__":
    main()
