"""Positions: from the numbers (or the address) of each row to a WGS-84 point, a cell, a precision.

Vectorised over a whole batch. The checks on numbers, in order, each with its own quarantine
reason:

- ``non_finite_coordinates``: NaN or an infinity;
- ``null_island``: exactly (0, 0), the usual stand-in for "no position";
- the range: a latitude beyond ±90 or a longitude beyond ±180 is ``coordinates_out_of_range``,
  unless the pair is valid once latitude and longitude are exchanged: then it is
  ``swapped_coordinates``;
- the service area (when the mapping sets one): a point outside it is
  ``outside_service_area``.

A swap is *repaired* only when it is certain: with a service area set, a pair that lies outside
the area as given and inside it once exchanged is exchanged and accepted (``position_source =
'swap_repaired'``). Without a service area nothing can confirm a swap, so it is quarantined.

Source coordinates are converted from the mapping's CRS (GCJ-02, BD-09) to WGS-84 before the
service area is checked. Rows without any coordinates but with an address are geocoded
(:mod:`heatmap.geocode`); an address that matches nothing is ``address_not_found``.

Every accepted row gets a cell at the resolution its precision supports: a point is indexed at
resolution 8 and counted in that cell; a geocoded locality, subdistrict or district is indexed
at a coarser resolution (:data:`PRECISION_RESOLUTION`) and never counted as a point.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from heatmap import coords, grid
from heatmap.geocode import Place
from heatmap.mapping import ServiceArea

PRECISION_RESOLUTION = {"point": 8, "locality": 7, "subdistrict": 6, "district": 5}
PRECISIONS = tuple(PRECISION_RESOLUTION)
POSITION_SOURCES = ("coordinates", "swap_repaired", "geocoded")
POSITION_REASONS = {
    "non_finite_coordinates": "a coordinate is NaN or infinite",
    "null_island": "the coordinates are (0, 0), a stand-in for no position",
    "coordinates_out_of_range": "latitude beyond ±90 or longitude beyond ±180",
    "swapped_coordinates": (
        "valid only with latitude and longitude exchanged; set [source] service_area in the "
        "mapping to repair such rows when the exchanged point lies in it"
    ),
    "outside_service_area": "outside the [source] service_area of the mapping",
    "address_not_found": (
        "no coordinates, and the address names no district, subdistrict, locality or road "
        "of the gazetteer"
    ),
}
_REASON_NAMES = tuple(POSITION_REASONS)
NO_CODE = -1
CHUNK_ROWS = 1 << 20
# Below this many rows a batch is placed in one thread: starting threads would cost more.
MIN_THREAD_ROWS = 1 << 16

Geocode = Callable[[Sequence[str]], list[Place | None]]


@dataclass
class CheckedCoordinates:
    """Source coordinates checked and converted: WGS-84 where accepted, a reason where not.

    ``reason`` and ``source`` are codes into :data:`POSITION_REASONS` and
    :data:`POSITION_SOURCES` (``NO_CODE`` where not applicable).
    """

    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    reason: NDArray[np.int8]
    source: NDArray[np.int8]


def _code(name: str) -> int:
    return _REASON_NAMES.index(name)


def check_coordinates(
    lat: NDArray[np.float64], lon: NDArray[np.float64], crs: str, area: ServiceArea | None
) -> CheckedCoordinates:
    """Check source coordinates, repair certain swaps, convert to WGS-84.

    Parameters
    ----------
    lat, lon : numpy.ndarray of float64
        Coordinates as the source gave them, in ``crs``.
    crs : str
        ``wgs84``, ``gcj02`` or ``bd09``.
    area : ServiceArea or None
        Where complaints can come from (WGS-84); ``None`` when not configured.

    Examples
    --------
    >>> boston = ServiceArea(-71.2, 42.2, -70.9, 42.4)
    >>> lat, lon = np.array([-71.06, 0.0]), np.array([42.36, 0.0])  # swapped; null island
    >>> checked = check_coordinates(lat, lon, "wgs84", boston)
    >>> checked.lat.tolist(), [POSITION_SOURCES[s] for s in checked.source[:1]]
    ([42.36, nan], ['swap_repaired'])
    >>> [list(POSITION_REASONS)[r] for r in checked.reason[1:]]
    ['null_island']
    """
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    reason = np.full(lat.shape, NO_CODE, dtype=np.int8)
    source = np.full(lat.shape, NO_CODE, dtype=np.int8)
    out_lat = np.full(lat.shape, np.nan)
    out_lon = np.full(lat.shape, np.nan)

    finite = np.isfinite(lat) & np.isfinite(lon)
    reason[~finite] = _code("non_finite_coordinates")
    zero = finite & (lat == 0) & (lon == 0)
    reason[zero] = _code("null_island")
    open_rows = finite & ~zero
    with np.errstate(invalid="ignore"):
        as_given = open_rows & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        exchanged = open_rows & (np.abs(lon) <= 90) & (np.abs(lat) <= 180)
    given_lon, given_lat = _to_wgs84(lon, lat, as_given, crs)
    if area is None:
        keep = as_given
        repair = np.zeros_like(keep)
        reason[~as_given & exchanged] = _code("swapped_coordinates")
    else:
        keep = as_given & area.contains(given_lat, given_lon)
        swap_lon, swap_lat = _to_wgs84(lat, lon, exchanged & ~keep, crs)
        repair = exchanged & ~keep & area.contains(swap_lat, swap_lon)
        reason[~keep & ~repair & (as_given | exchanged)] = _code("outside_service_area")
    reason[open_rows & ~as_given & ~exchanged] = _code("coordinates_out_of_range")
    out_lat[keep], out_lon[keep] = given_lat[keep], given_lon[keep]
    if repair.any():
        out_lat[repair], out_lon[repair] = swap_lat[repair], swap_lon[repair]
    source[keep] = POSITION_SOURCES.index("coordinates")
    source[repair] = POSITION_SOURCES.index("swap_repaired")
    return CheckedCoordinates(out_lat, out_lon, reason, source)


def _to_wgs84(
    lon: NDArray[np.float64], lat: NDArray[np.float64], rows: NDArray[np.bool_], crs: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    out_lon = np.full(lon.shape, np.nan)
    out_lat = np.full(lat.shape, np.nan)
    if rows.any():
        out_lon[rows], out_lat[rows] = coords.to_wgs84(lon[rows], lat[rows], crs)
    return out_lon, out_lat


def _check_in_chunks(
    lat: NDArray[np.float64], lon: NDArray[np.float64], crs: str, area: ServiceArea | None
) -> tuple[CheckedCoordinates, NDArray[np.uint64]]:
    """:func:`check_coordinates` a chunk at a time, the chunks on all cores; and point cells.

    Chunks keep the CRS inverse's temporaries small; numpy and shapely release the GIL, so the
    chunks run in threads (h3ronpy holds it, so one chunk's indexing overlaps another's
    arithmetic). Each chunk iterates its inverse to the same tolerance. The cells are those of
    the accepted points at the resolution of ``point`` precision (0 elsewhere).
    """
    workers = min(os.cpu_count() or 1, max(lat.size // MIN_THREAD_ROWS, 1))
    size = min(CHUNK_ROWS, max(-(-lat.size // workers), 1))
    starts = range(0, max(lat.size, 1), size)

    def check(start: int) -> tuple[CheckedCoordinates, NDArray[np.uint64]]:
        checked = check_coordinates(lat[start : start + size], lon[start : start + size], crs, area)
        cells = np.zeros(checked.lat.shape, dtype=np.uint64)
        placed = checked.source != NO_CODE
        if placed.any():
            cells[placed] = grid.latlng_to_cells(
                checked.lat[placed], checked.lon[placed], PRECISION_RESOLUTION["point"]
            )
        return checked, cells

    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(check, starts))
    else:
        parts = [check(start) for start in starts]
    checked = CheckedCoordinates(
        *(
            np.concatenate([getattr(p, name) for p, _ in parts])
            for name in ("lat", "lon", "reason", "source")
        )
    )
    return checked, np.concatenate([cells for _, cells in parts])


@dataclass
class Positioned:
    """Every row of a batch placed (or not), aligned with the batch's rows."""

    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    cell: NDArray[np.uint64]
    precision: NDArray[np.int8]
    source: NDArray[np.int8]
    reason: NDArray[np.int8]
    district: NDArray[np.int16]
    district_names: tuple[str, ...]

    def to_arrow(self) -> pa.Table:
        """The rows as an Arrow table: codes become dictionary-encoded text."""
        resolutions = np.array([*PRECISION_RESOLUTION.values(), 0], dtype=np.int8)
        return pa.table(
            {
                "row_index": np.arange(self.lat.size, dtype=np.int64),
                "lat": self.lat,
                "lon": self.lon,
                "cell": self.cell,
                "resolution": resolutions[self.precision],
                "precision": _dictionary(self.precision, PRECISIONS),
                "position_source": _dictionary(self.source, POSITION_SOURCES),
                "district": _dictionary(self.district, self.district_names),
                "reason": _dictionary(self.reason, _REASON_NAMES),
                "detail": _dictionary(self.reason, tuple(POSITION_REASONS.values())),
            }
        )


def _dictionary(codes: NDArray[np.integer], names: tuple[str, ...]) -> pa.DictionaryArray:
    indices = pa.array(codes, mask=codes == NO_CODE)
    return pa.DictionaryArray.from_arrays(indices, pa.array(names, type=pa.string()))


def position_rows(
    lat: NDArray[np.float64],
    lon: NDArray[np.float64],
    checked_rows: NDArray[np.bool_],
    geocode_rows: NDArray[np.int64],
    addresses: Sequence[str],
    crs: str,
    area: ServiceArea | None,
    geocode: Geocode,
) -> Positioned:
    """Place a batch: check coordinates where ``checked_rows``, geocode ``geocode_rows``.

    Parameters
    ----------
    lat, lon : numpy.ndarray of float64
        Source coordinates of every row (NaN where absent).
    checked_rows : numpy.ndarray of bool
        Rows whose coordinates are to be checked (the others are already quarantined or are
        geocoded).
    geocode_rows : numpy.ndarray of int64
        Row indices to geocode, and ``addresses`` their addresses.
    crs, area
        As for :func:`check_coordinates`.
    geocode : callable
        Addresses → :class:`~heatmap.geocode.Place` or None each.
    """
    n = lat.size
    precision = np.full(n, NO_CODE, dtype=np.int8)
    checked, point_cells = _check_in_chunks(lat, lon, crs, area)
    out_lat = np.where(checked_rows, checked.lat, np.nan)
    out_lon = np.where(checked_rows, checked.lon, np.nan)
    reason = np.where(checked_rows, checked.reason, NO_CODE).astype(np.int8)
    source = np.where(checked_rows, checked.source, NO_CODE).astype(np.int8)
    from_coordinates = checked_rows & (source != NO_CODE)
    precision[from_coordinates] = PRECISIONS.index("point")
    district = np.full(n, NO_CODE, dtype=np.int16)
    district_names: dict[str, int] = {}
    if geocode_rows.size:
        places = geocode(addresses)
        for row, place in zip(geocode_rows.tolist(), places, strict=True):
            if place is None:
                reason[row] = _code("address_not_found")
                continue
            out_lat[row], out_lon[row] = place.lat, place.lon
            precision[row] = PRECISIONS.index(place.precision)
            source[row] = POSITION_SOURCES.index("geocoded")
            district[row] = district_names.setdefault(place.district, len(district_names))
    cell = np.where(from_coordinates, point_cells, np.uint64(0))
    for code, name in enumerate(PRECISIONS):
        rows = (precision == code) & ~from_coordinates
        if rows.any():
            cell[rows] = grid.latlng_to_cells(
                out_lat[rows], out_lon[rows], PRECISION_RESOLUTION[name]
            )
    return Positioned(
        np.round(out_lat, 7).astype(np.float64),
        np.round(out_lon, 7).astype(np.float64),
        cell,
        precision,
        source,
        reason,
        district,
        tuple(district_names),
    )
