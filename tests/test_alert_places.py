"""Where an alert is: its district and centre, against the district polygons and h3-py.

The run reads them from ``store.cells`` (filled as cells first appear) rather than testing every
alert's cells against the district polygons again; both must say the same.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import h3
import numpy as np
import pytest

from heatmap.districts import locate_cells
from heatmap.home import Home
from heatmap.sqlfunctions import prepare_connection
from heatmap.store import create_schema, open_reader
from pipelines.detect import CellPlaces

TIANANMEN = h3.str_to_int(h3.latlng_to_cell(39.9087, 116.3975, 8))
YIZHUANG = h3.str_to_int(h3.latlng_to_cell(39.795, 116.506, 8))


def test_every_alert_is_placed_where_its_cells_are(demo_home: Path) -> None:
    with open_reader(Home(demo_home), "Asia/Shanghai") as con:
        alerts = con.execute(
            "SELECT cluster_id, cells, district, center_lat, center_lon FROM alerts "
            "WHERE kind = 'hotspot'"
        ).fetchall()
    assert len(alerts) >= 3
    for cluster_id, cells, district, lat, lon in alerts:
        centres = np.array([h3.cell_to_latlng(c) for c in cells])  # hex strings in the view
        assert lat == pytest.approx(centres[:, 0].mean(), abs=1e-9), cluster_id
        assert lon == pytest.approx(centres[:, 1].mean(), abs=1e-9), cluster_id
        ids = np.array([h3.str_to_int(c) for c in cells], dtype=np.uint64)
        named = locate_cells(ids)["district"].dropna()
        assert district == named.mode().iloc[0], cluster_id


def test_a_cell_missing_from_the_store_is_located_from_the_polygons() -> None:
    con = duckdb.connect()
    prepare_connection(con, "UTC")
    create_schema(con)
    known = locate_cells(np.array([TIANANMEN], dtype=np.uint64))
    con.execute(
        "INSERT INTO store.cells VALUES ($cell, 8, $district, $district, $lat, $lon, '')",
        {
            "cell": TIANANMEN,
            "district": known["district"].iloc[0],
            "lat": known["lat"].iloc[0],
            "lon": known["lon"].iloc[0],
        },
    )
    places = CellPlaces(con).of(np.array([YIZHUANG, TIANANMEN], dtype=np.uint64))
    expected = locate_cells(np.array([YIZHUANG, TIANANMEN], dtype=np.uint64))
    assert places["district"].tolist() == expected["district"].tolist()
    assert places["district"].tolist()[1] == "东城区"
    np.testing.assert_allclose(places[["lat", "lon"]], expected[["lat", "lon"]])
    assert places["cell"].tolist() == [YIZHUANG, TIANANMEN]


def test_a_store_without_cells_locates_every_cell_from_the_polygons() -> None:
    con = duckdb.connect()
    prepare_connection(con, "UTC")
    create_schema(con)
    places = CellPlaces(con).of(np.array([TIANANMEN], dtype=np.uint64))
    assert places["district"].tolist() == ["东城区"]
