"""The H3 grid, vectorised: cells are ``uint64`` numpy arrays inside the engine.

Hex strings exist only at the edges (JSON, the dashboard, the CLI); these functions are the
converters. Indexing uses h3ronpy (Rust, over Arrow arrays); results are identical to h3-py,
which the tests check.

>>> import numpy as np
>>> cells = latlng_to_cells(np.array([39.9087]), np.array([116.3975]))
>>> cells_to_strings(cells)
['8831aa4281fffff']
"""

from __future__ import annotations

import h3
import numpy as np
import pyarrow as pa
from h3ronpy import cells_to_string, change_resolution, grid_disk
from h3ronpy.vector import cells_to_coordinates, coordinates_to_cells
from numpy.typing import ArrayLike

DEFAULT_RESOLUTION = 8
INVALID_CELL = np.uint64(0)


def latlng_to_cells(
    lat: ArrayLike, lon: ArrayLike, resolution: int = DEFAULT_RESOLUTION
) -> np.ndarray:
    """Index WGS-84 points into H3 cells.

    Points that cannot be indexed (NaN, infinite, out of range) get ``INVALID_CELL`` (0), which is
    never a valid H3 index, so callers can quarantine them instead of failing the batch.

    Parameters
    ----------
    lat, lon : array_like
        Latitude and longitude in degrees (WGS-84).
    resolution : int
        H3 resolution, 0–15 (default 8, about 0.74 km² a cell).

    Returns
    -------
    numpy.ndarray of uint64
    """
    lat_arr = np.asarray(lat, dtype=np.float64)
    lon_arr = np.asarray(lon, dtype=np.float64)
    valid = (
        np.isfinite(lat_arr)
        & np.isfinite(lon_arr)
        & (np.abs(lat_arr) <= 90)
        & (np.abs(lon_arr) <= 180)
    )
    out = np.zeros(lat_arr.shape, dtype=np.uint64)
    if valid.any():
        indexed = coordinates_to_cells(lat_arr[valid], lon_arr[valid], resolution)
        out[valid] = np.asarray(pa.array(indexed), dtype=np.uint64)
    return out


def cells_to_parents(cells: ArrayLike, resolution: int) -> np.ndarray:
    """The ancestors of ``cells`` at a coarser ``resolution``."""
    arr = np.asarray(cells, dtype=np.uint64)
    if arr.size == 0:
        return arr.copy()
    return np.asarray(pa.array(change_resolution(pa.array(arr), resolution)), dtype=np.uint64)


def cells_to_strings(cells: ArrayLike) -> list[str]:
    """H3 hex strings of ``cells`` (for JSON, the dashboard and the CLI)."""
    arr = np.asarray(cells, dtype=np.uint64)
    if arr.size == 0:
        return []
    return [str(s) for s in pa.array(cells_to_string(pa.array(arr))).to_pylist()]


def strings_to_cells(strings: list[str]) -> np.ndarray:
    """uint64 cells from H3 hex strings; ``ValueError`` names a string that is not a cell."""
    out = np.empty(len(strings), dtype=np.uint64)
    for i, text in enumerate(strings):
        if not h3.is_valid_cell(text):
            raise ValueError(f"not an H3 cell: {text!r}")
        out[i] = h3.str_to_int(text)
    return out


def cells_to_latlng(cells: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """The centres of ``cells`` as (lat, lon) arrays."""
    arr = np.asarray(cells, dtype=np.uint64)
    if arr.size == 0:
        return np.empty(0), np.empty(0)
    batch = cells_to_coordinates(pa.array(arr))
    return np.asarray(batch.column("lat")), np.asarray(batch.column("lng"))


def cell_boundary_wkt(cell: int) -> str:
    """The boundary of one cell as a WKT polygon (lon lat order, closed ring)."""
    ring = [(lng, lat) for lat, lng in h3.cell_to_boundary(h3.int_to_str(int(cell)))]
    ring.append(ring[0])
    return "POLYGON ((" + ", ".join(f"{lng:.7f} {lat:.7f}" for lng, lat in ring) + "))"


def grid_disks(cells: ArrayLike, k: int) -> list[np.ndarray]:
    """For each cell, the cells within ``k`` steps (itself included)."""
    arr = np.asarray(cells, dtype=np.uint64)
    if arr.size == 0:
        return []
    disks = grid_disk(pa.array(arr), k)
    return [np.asarray(d, dtype=np.uint64) for d in pa.array(disks).to_pylist()]


def adjacent_pairs(cells: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs ``(i, j)``, i < j, of cells in ``cells`` that share an edge.

    Used to grow clusters over H3 adjacency: any shape, a long thin route included.
    """
    arr = np.asarray(cells, dtype=np.uint64)
    if arr.size < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    disks = pa.array(grid_disk(pa.array(arr), 1))
    lengths = np.diff(np.asarray(disks.offsets))
    neighbours = np.asarray(disks.flatten(), dtype=np.uint64)
    owner = np.repeat(np.arange(arr.size), lengths)
    order = np.argsort(arr)
    pos = np.searchsorted(arr[order], neighbours)
    pos = np.clip(pos, 0, arr.size - 1)
    found = arr[order][pos] == neighbours
    other = order[pos]
    keep = found & (owner < other)
    return owner[keep], other[keep]
