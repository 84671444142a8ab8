"""heatmap.grid against h3-py, the reference implementation, over the whole domain."""

from __future__ import annotations

import h3
import numpy as np
import pytest

from heatmap import grid

RNG = np.random.default_rng(7)
LAT = RNG.uniform(-89.9, 89.9, 2000)
LON = RNG.uniform(-179.9, 179.9, 2000)


@pytest.mark.parametrize("resolution", range(16), ids=lambda r: f"res{r}")
def test_cells_match_h3py_at_every_resolution(resolution: int) -> None:
    cells = grid.latlng_to_cells(LAT, LON, resolution)
    expected = [
        h3.str_to_int(h3.latlng_to_cell(a, b, resolution)) for a, b in zip(LAT, LON, strict=True)
    ]
    assert cells.dtype == np.uint64
    assert cells.tolist() == expected


@pytest.mark.parametrize(
    "lat,lon",
    [(np.nan, 116.4), (39.9, np.inf), (91.0, 116.4), (39.9, -181.0)],
    ids=["nan", "inf", "lat-out-of-range", "lon-out-of-range"],
)
def test_unindexable_points_get_the_invalid_cell(lat: float, lon: float) -> None:
    cells = grid.latlng_to_cells(np.array([lat, 39.9]), np.array([lon, 116.4]))
    assert cells[0] == grid.INVALID_CELL
    assert cells[1] == h3.str_to_int(h3.latlng_to_cell(39.9, 116.4, 8))


@pytest.mark.parametrize("parent_resolution", range(8), ids=lambda r: f"to-res{r}")
def test_parents_match_h3py(parent_resolution: int) -> None:
    cells = grid.latlng_to_cells(LAT[:200], LON[:200], 8)
    parents = grid.cells_to_parents(cells, parent_resolution)
    assert parents.tolist() == [
        h3.str_to_int(h3.cell_to_parent(h3.int_to_str(int(c)), parent_resolution)) for c in cells
    ]


def test_strings_round_trip_and_reject_garbage() -> None:
    cells = grid.latlng_to_cells(LAT[:100], LON[:100], 8)
    strings = grid.cells_to_strings(cells)
    assert strings == [h3.int_to_str(int(c)) for c in cells]
    assert grid.strings_to_cells(strings).tolist() == cells.tolist()
    with pytest.raises(ValueError, match="not an H3 cell"):
        grid.strings_to_cells(["8831aa4281fffff", "hello"])


def test_centres_match_h3py() -> None:
    cells = grid.latlng_to_cells(LAT[:100], LON[:100], 8)
    lat, lon = grid.cells_to_latlng(cells)
    reference = np.array([h3.cell_to_latlng(h3.int_to_str(int(c))) for c in cells])
    np.testing.assert_allclose(lat, reference[:, 0], atol=1e-9)
    np.testing.assert_allclose(lon, reference[:, 1], atol=1e-9)


def test_boundary_wkt_is_the_closed_h3py_ring() -> None:
    cell = int(grid.latlng_to_cells(np.array([39.9087]), np.array([116.3975]))[0])
    wkt = grid.cell_boundary_wkt(cell)
    ring = [
        tuple(map(float, p.split()))
        for p in wkt.removeprefix("POLYGON ((").removesuffix("))").split(", ")
    ]
    reference = [(lng, lat) for lat, lng in h3.cell_to_boundary(h3.int_to_str(cell))]
    assert ring[0] == ring[-1]
    np.testing.assert_allclose(ring[:-1], reference, atol=1e-7)


@pytest.mark.parametrize("k", [0, 1, 2, 3], ids=lambda k: f"k{k}")
def test_disks_match_h3py(k: int) -> None:
    cells = grid.latlng_to_cells(LAT[:20], LON[:20], 8)
    for cell, disk in zip(cells, grid.grid_disks(cells, k), strict=True):
        assert sorted(disk.tolist()) == sorted(
            h3.str_to_int(c) for c in h3.grid_disk(h3.int_to_str(int(cell)), k)
        )


def test_adjacent_pairs_are_exactly_the_neighbouring_pairs() -> None:
    centre = h3.latlng_to_cell(39.9, 116.4, 8)
    disk = h3.grid_disk(centre, 2) + [h3.latlng_to_cell(31.2, 121.5, 8)]  # plus one far away
    cells = np.array([h3.str_to_int(c) for c in disk], dtype=np.uint64)
    i, j = grid.adjacent_pairs(cells)
    found = {(int(a), int(b)) for a, b in zip(i, j, strict=True)}
    expected = {
        (a, b)
        for a in range(len(disk))
        for b in range(a + 1, len(disk))
        if h3.are_neighbor_cells(disk[a], disk[b])
    }
    assert found == expected
    assert len(found) == 42  # a radius-2 hexagon of 19 cells has 42 shared edges
