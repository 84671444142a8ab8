"""One place that prepares every DuckDB connection: time zone and the H3 SQL functions.

No H3 extension can be installed offline, so the H3 functions are Python functions over Arrow
arrays (h3ronpy underneath), registered on the connection. Jobs, the dashboard and
``heatmap sql`` all call :func:`prepare_connection`, so analysts get the same functions the
pipeline uses.

Registered functions (cells are ``UBIGINT``):

================================  ==================================================
``h3_latlng_to_cell(lat, lng, r)``  the cell of a WGS-84 point at resolution ``r``
``h3_cell_to_parent(cell, r)``      the ancestor at resolution ``r``
``h3_cell_to_string(cell)``         the hex string (``'8831aa4281fffff'``)
``h3_string_to_cell(text)``         the cell of a hex string
``h3_cell_to_lat(cell)``            latitude of the cell centre
``h3_cell_to_lng(cell)``            longitude of the cell centre
``h3_cell_to_boundary_wkt(cell)``   the cell polygon as WKT
``h3_grid_disk(cell, k)``           the cells within ``k`` steps, as ``UBIGINT[]``
``h3_get_resolution(cell)``         the resolution of a cell
================================  ==================================================
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import h3
import numpy as np
import pyarrow as pa

from heatmap import grid

DEFAULT_TIMEZONE = "Asia/Shanghai"


def _per_value(
    values: pa.Array, compute: Callable[[np.ndarray, int], np.ndarray], *inputs: pa.Array
) -> np.ndarray:
    """Apply ``compute(inputs, value)`` per distinct integer argument (resolution or k).

    The argument is almost always one constant, but SQL allows it to vary by row.
    """
    per_row = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
    arrays = [np.asarray(a.to_numpy(zero_copy_only=False)) for a in inputs]
    out = np.zeros(len(per_row), dtype=np.uint64)
    for value in np.unique(per_row[np.isfinite(per_row)]):
        rows = per_row == value
        out[rows] = compute(*(a[rows] for a in arrays), int(value))  # type: ignore[call-arg]
    return out


def _latlng_to_cell(lat: pa.Array, lng: pa.Array, res: pa.Array) -> pa.Array:
    cells = _per_value(res, grid.latlng_to_cells, lat, lng)
    return pa.array(cells, mask=cells == grid.INVALID_CELL)


def _cell_to_parent(cells: pa.Array, res: pa.Array) -> pa.Array:
    parents = _per_value(res, grid.cells_to_parents, cells)
    return pa.array(parents, mask=parents == grid.INVALID_CELL)


def _cell_to_string(cells: pa.Array) -> pa.Array:
    return pa.array(grid.cells_to_strings(cells.to_numpy(zero_copy_only=False)), pa.string())


def _string_to_cell(texts: pa.Array) -> pa.Array:
    values = [h3.str_to_int(t) if t and h3.is_valid_cell(t) else None for t in texts.to_pylist()]
    return pa.array(values, pa.uint64())


def _cell_to_lat(cells: pa.Array) -> pa.Array:
    return pa.array(grid.cells_to_latlng(cells.to_numpy(zero_copy_only=False))[0])


def _cell_to_lng(cells: pa.Array) -> pa.Array:
    return pa.array(grid.cells_to_latlng(cells.to_numpy(zero_copy_only=False))[1])


def _cell_to_boundary_wkt(cells: pa.Array) -> pa.Array:
    return pa.array([grid.cell_boundary_wkt(c) for c in cells.to_pylist()], pa.string())


def _grid_disk(cells: pa.Array, k: pa.Array) -> pa.Array:
    centres = cells.to_numpy(zero_copy_only=False)
    steps = np.asarray(k.to_numpy(zero_copy_only=False))
    disks: list[list[int] | None] = [None] * len(centres)
    for value in np.unique(steps):
        rows = np.flatnonzero(steps == value)
        for row, disk in zip(rows, grid.grid_disks(centres[rows], int(value)), strict=True):
            disks[row] = disk.tolist()
    return pa.array(disks, pa.list_(pa.uint64()))


def _get_resolution(cells: pa.Array) -> pa.Array:
    return pa.array([h3.get_resolution(h3.int_to_str(c)) for c in cells.to_pylist()], pa.int32())


_FUNCTIONS: list[tuple[str, Callable[..., pa.Array], list[str], str]] = [
    ("h3_latlng_to_cell", _latlng_to_cell, ["DOUBLE", "DOUBLE", "INTEGER"], "UBIGINT"),
    ("h3_cell_to_parent", _cell_to_parent, ["UBIGINT", "INTEGER"], "UBIGINT"),
    ("h3_cell_to_string", _cell_to_string, ["UBIGINT"], "VARCHAR"),
    ("h3_string_to_cell", _string_to_cell, ["VARCHAR"], "UBIGINT"),
    ("h3_cell_to_lat", _cell_to_lat, ["UBIGINT"], "DOUBLE"),
    ("h3_cell_to_lng", _cell_to_lng, ["UBIGINT"], "DOUBLE"),
    ("h3_cell_to_boundary_wkt", _cell_to_boundary_wkt, ["UBIGINT"], "VARCHAR"),
    ("h3_grid_disk", _grid_disk, ["UBIGINT", "INTEGER"], "UBIGINT[]"),
    ("h3_get_resolution", _get_resolution, ["UBIGINT"], "INTEGER"),
]

H3_FUNCTION_NAMES = tuple(name for name, *_ in _FUNCTIONS)


def prepare_connection(
    con: duckdb.DuckDBPyConnection, timezone: str = DEFAULT_TIMEZONE
) -> duckdb.DuckDBPyConnection:
    """Set the session time zone and register the H3 functions on ``con``; returns ``con``.

    The time zone decides what "a day" is for daily windows and how timestamps print;
    stored instants are UTC regardless.

    >>> import duckdb
    >>> con = prepare_connection(duckdb.connect())
    >>> con.execute("SELECT h3_cell_to_string(h3_latlng_to_cell(39.9087, 116.3975, 8))").fetchone()
    ('8831aa4281fffff',)
    >>> con.close()
    """
    con.execute("SET TimeZone = $tz", {"tz": timezone})
    for name, function, parameters, returns in _FUNCTIONS:
        con.create_function(  # type: ignore[call-overload]
            name, function, parameters, returns, type="arrow", null_handling="special"
        )
    return con
