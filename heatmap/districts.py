"""Cell → district: which administrative district a cell's centre falls in.

The district polygons are the project's reference geodata (``geo_fixtures/beijing``, converted
to WGS-84); a deployment elsewhere replaces them with its own file (``HEATMAP_DISTRICTS``).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from heatmap import grid


@cache
def district_polygons() -> gpd.GeoDataFrame:
    """District polygons (WGS-84) with ``name`` and ``name_en`` columns."""
    override = os.environ.get("HEATMAP_DISTRICTS")
    if override:
        frame = gpd.read_file(Path(override))
    else:
        from geo_fixtures.reference import load_districts

        frame = load_districts()
    if "name_en" not in frame.columns:
        frame["name_en"] = frame["name"]
    return frame.to_crs(4326)[["name", "name_en", "geometry"]]


def locate_cells(cells: np.ndarray) -> pd.DataFrame:
    """For each cell: centre lat/lon, district and district_en (None outside every district).

    >>> import h3
    >>> cell = h3.str_to_int(h3.latlng_to_cell(39.9087, 116.3975, 8))  # Tiananmen
    >>> locate_cells(np.array([cell], dtype=np.uint64)).district.tolist()
    ['东城区']
    """
    cells = np.asarray(cells, dtype=np.uint64)
    lat, lon = grid.cells_to_latlng(cells)
    polygons = district_polygons()
    points = shapely.points(lon, lat)
    point_index, polygon_index = polygons.sindex.query(points, predicate="within")
    district = np.full(cells.size, None, dtype=object)
    district_en = np.full(cells.size, None, dtype=object)
    district[point_index] = polygons["name"].to_numpy()[polygon_index]
    district_en[point_index] = polygons["name_en"].to_numpy()[polygon_index]
    return pd.DataFrame(
        {"cell": cells, "lat": lat, "lon": lon, "district": district, "district_en": district_en}
    )
