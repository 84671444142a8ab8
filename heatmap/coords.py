"""WGS-84 ⇄ GCJ-02 ⇄ BD-09 coordinate conversion, vectorised over numpy arrays.

Chinese map providers publish coordinates in two obfuscated systems: GCJ-02 (AMap/Gaode, Tencent,
Google's China map), a non-linear offset of WGS-84 by 100–700 m that the regulation requires on
the mainland, and BD-09 (Baidu), a further offset of GCJ-02. The engine works in WGS-84; these
converters are used at the edges only (the ingest reader, the reference-data builder).

Every function takes ``(lon, lat)`` in degrees, in that order, as scalars or arrays that broadcast
together, and returns ``(lon, lat)`` as float64 arrays of the broadcast shape. NaN passes through
as NaN. Forward conversions (from WGS-84, and GCJ-02 → BD-09) shift only points inside mainland
China (:func:`out_of_china` is False) and return the others unchanged; inverse conversions undo
the shift wherever their input or their result lies inside, so that a point shifted across the
outline still comes back.

Accuracy
--------
WGS-84 → GCJ-02 and GCJ-02 → BD-09 are the published closed forms (the GCJ-02 formula on the
Krasovsky 1940 ellipsoid, as in wandergis/coordtransform and googollee/eviltransform). Their
inverses have no closed form; we solve them by fixed-point iteration on whole arrays, stopping
when every point's residual is below 1e-10° (about 10 µm). That takes 3–4 rounds: the offset
changes slowly (its derivative is under 1%), so each round gains two to three digits. Over a
0.05° grid of China, GCJ-02 → WGS-84 → GCJ-02 comes back within 1e-8 m and WGS-84 → GCJ-02 →
WGS-84 within 1e-6 m (BD-09 alike), far below the 0.5 m the ingest needs.

The providers' live services differ from the public formula by a near-constant ~0.6 m (visible in
gcoord's city fixtures); we follow the formula, as every open implementation does.

Where GCJ-02 applies
--------------------
The common test, a single box (72.004–137.8347 °E, 0.8293–55.8271 °N), also shifts Korea, Japan's
west, Mongolia, Taiwan, and parts of Vietnam, India and Russia by hundreds of metres. We use a
coarse outline of mainland China instead (about 200 vertices): its land borders are the Natural
Earth 1:110m admin-0 outline (public domain) pushed outward by 0.15° and simplified, with small
hand corrections (Hekou, Zhangmu, the Amur–Ussuri confluence); its coast is a hand-drawn line
10–100 km offshore that keeps coastal islands (Changshan, Zhoushan, Pingtan, Nan'ao, Wanshan),
Hainan and the Paracels inside and keeps Taiwan, Penghu, Korea and Vietnam's coast outside.

Hong Kong, Macau and Taiwan are **not** shifted. GCJ-02 is a requirement of mainland surveying
law; Hong Kong, Macau and Taiwan publish plain WGS-84 coordinates, as do the international map
services there, so a coordinate from those places is most likely WGS-84 already. Hong Kong and
Macau are cut out of the outline with their own coarse polygons.

Limits: the outline is coarse. Within roughly 20 km of a land border the answer errs toward China
(twin towns across a river, such as Dongxing and Móng Cái, Dandong and Sinuiju, Heihe and
Blagoveshchensk, are all "in China"), and Kinmen and Matsu, a few km off Fujian, count as mainland.
Next to the outline a shifted mainland point can coincide with an unshifted foreign one (a
Shenzhen point moved into Hong Kong, a Zhuhai point into Macau); the inverse conversions then
read it as mainland, the likelier source for this engine's feeds.

Examples
--------
>>> lon, lat = wgs84_to_gcj02(116.404, 39.915)
>>> print(f"{float(lon):.6f} {float(lat):.6f}")
116.410244 39.916404
>>> back_lon, back_lat = gcj02_to_wgs84(lon, lat)
>>> print(f"{float(back_lon):.9f} {float(back_lat):.9f}")
116.404000000 39.915000000
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Literal

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

CRS = Literal["wgs84", "gcj02", "bd09"]
CRS_NAMES: tuple[str, ...] = ("wgs84", "gcj02", "bd09")

FloatArray = NDArray[np.float64]
_Kernel = Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]
Converter = Callable[[ArrayLike, ArrayLike], tuple[FloatArray, FloatArray]]

# GCJ-02 works on the Krasovsky 1940 ellipsoid.
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
# BD-09 rotates and scales GCJ-02 slightly, then shifts it by a fixed amount.
_BD_X_PI = np.pi * 3000.0 / 180.0
_BD_SHIFT_LON = 0.0065
_BD_SHIFT_LAT = 0.006

_INVERSE_TOLERANCE_DEG = 1e-10
# Points per block of the offset formula: a block's temporaries (128 KiB each) stay in cache.
_OFFSET_BLOCK = 1 << 14
_INVERSE_MAX_ROUNDS = 12
# An inverse conversion solves for every point this close to the outline's bounding box: a shift
# is at most about 0.015° (GCJ-02 plus BD-09), so no point farther out can come from inside.
_SOLVE_MARGIN_DEG = 0.1

_MAINLAND_WKT = (
    "POLYGON (("
    "129.45 49.58, 130.7 48.83, 131.09 47.94, 132.47 47.94, 133.33 48.33, 134.8 48.5, "
    "134.62 47.48, 134.24 47.13, 133.91 46.05, 133.17 44.98, 131.9 45.17, 131.21 44.88, "
    "131.44 44.13, 131.28 42.79, 130.79 42.76, 130.79 42.05, 130.02 42.76, 129.69 42.29, "
    "128.24 41.89, 128.41 41.31, 127.3 41.36, 126.89 41.62, 126.27 40.98, 125.16 40.44, "
    "124.33 39.79, 124.09 39.74, 122.6 38.5, 123.1 37.5, 122.9 36.6, 121.4 35.4, "
    "121.5 33.5, 122.6 31.6, 123 30.6, 122.8 29.2, 121.9 27.6, 120.7 26.5, 120.2 25.4, "
    "118 23.3, 116.6 22.7, 115 22.3, 114.4 21.7, 113.2 21.5, 111.8 21.1, 111.3 20.4, "
    "111.4 19.7, 113 17.3, 113 15.6, 111 15.6, 110.2 17.6, 108.3 18.5, 108.2 19.6, "
    "108.5 20.6, 108.12 21.42, 106.97 21.68, 106.4 22.17, 106.54 22.68, 105.75 22.84, "
    "105.32 23.17, 104.53 22.67, 103.98 22.42, 103.51 22.55, 102.74 22.56, 101.82 22.21, "
    "101.98 21.02, 101.16 21.06, 101.02 21.64, 100.41 21.4, 99.06 22.04, 99.34 22.85, "
    "98.77 23.02, 98.55 23.89, 97.44 23.72, 97.58 25.16, 98.53 25.99, 98.54 27.42, "
    "98.14 27.64, 97.83 28.17, 97.33 28.11, 95.97 28.3, 96.4 28.83, 96.08 29.26, "
    "95.43 28.87, 94.58 29.12, 93.5 28.52, 92.57 27.75, 91.67 27.62, 91.21 27.89, "
    "90.7 27.92, 90.03 28.14, 89.57 27.92, 88.7 26.95, 88.6 27.88, 88.14 27.72, "
    "86.93 27.83, 85.98 27.88, 85.77 28.06, 84.96 28.5, 84.14 28.71, 83.81 29.19, "
    "83.28 29.32, 82.26 29.98, 81.54 30.26, 81.12 30.01, 79.65 30.75, 78.61 31.42, "
    "78.26 32.81, 79.04 32.66, 79.06 32.95, 78.65 33.46, 78.75 34.27, 77.76 35.36, "
    "76.08 35.77, 75.77 36.57, 75.05 37.02, 74.84 37.36, 74.68 37.98, 74.71 38.28, "
    "74.25 38.45, 73.83 38.32, 73.5 39.49, 73.76 39.7, 73.61 39.96, 74.72 40.51, "
    "75.46 40.71, 76.45 40.59, 76.81 41.21, 78.11 41.33, 78.46 41.71, 80.02 42.25, "
    "80.1 42.38, 80.01 43.02, 80.66 43.26, 79.74 45.03, 81.9 45.46, 82.34 45.65, "
    "83.09 47.5, 85.12 47.16, 85.57 47.53, 85.62 48.59, 86.54 48.69, 87.29 49.35, "
    "87.85 49.47, 88.14 48.7, 88.91 48.21, 90.36 47.83, 91.14 46.92, 90.75 45.75, "
    "91.02 45.43, 93.52 45.12, 94.74 44.5, 95.41 44.38, 95.89 43.41, 96.41 42.88, "
    "97.46 42.9, 99.52 42.68, 100.85 42.81, 101.87 42.66, 103.34 42.06, 104.57 42.06, "
    "104.98 41.77, 106.08 42.28, 107.73 42.63, 109.22 42.67, 110.34 43.01, 111.05 43.54, "
    "111.63 43.81, 111.15 44.46, 111.81 45.26, 113.44 44.97, 114.41 45.48, 115.91 45.86, "
    "116.64 46.52, 117.39 46.82, 118.88 46.96, 119.56 46.86, 119.6 46.99, 118.79 47.62, "
    "118.07 47.9, 117.32 47.54, 116.31 47.7, 115.67 47.56, 115.3 48.14, 116.61 50.07, "
    "117.87 49.67, 119.14 50.24, 119.13 50.64, 120.08 51.76, 120.59 52.05, 120.58 52.42, "
    "119.85 52.73, 120.95 53.4, 122.23 53.58, 123.58 53.61, 125.11 53.31, 126.05 52.91, "
    "126.69 51.87, 127.06 51.44, 127.42 50.8, 127.77 49.89, 129.45 49.58"
    "))"
)
_HONG_KONG_WKT = (
    "POLYGON ((113.825 22.15, 114.5 22.15, 114.5 22.4, 114.43 22.5, 114.38 22.57, "
    "114.24 22.565, 114.16 22.56, 114.1 22.535, 114.05 22.51, 114 22.505, 113.95 22.49, "
    "113.89 22.45, 113.84 22.4, 113.825 22.15))"
)
_MACAU_WKT = (
    "POLYGON ((113.53 22.215, 113.555 22.218, 113.6 22.205, 113.61 22.105, 113.55 22.105, "
    "113.545 22.15, 113.53 22.185, 113.53 22.215))"
)


@cache
def mainland_outline() -> shapely.Geometry:
    """The area where GCJ-02 applies: mainland China without Hong Kong and Macau (WGS-84)."""
    outline = shapely.from_wkt(_MAINLAND_WKT)
    for enclave in (_HONG_KONG_WKT, _MACAU_WKT):
        outline = outline.difference(shapely.from_wkt(enclave))
    shapely.prepare(outline)
    return outline


def out_of_china(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """Where GCJ-02 does not apply: outside mainland China, or not a number.

    Parameters
    ----------
    lon, lat : array_like
        Longitude and latitude in degrees.

    Returns
    -------
    numpy.ndarray of bool
        True outside :func:`mainland_outline` (Hong Kong, Macau, Taiwan and abroad) and where
        either coordinate is NaN.

    Examples
    --------
    >>> out_of_china([116.40, 139.69, 114.16], [39.91, 35.69, 22.28]).tolist()
    [False, True, True]
    """
    lon_arr, lat_arr = _as_arrays(lon, lat)
    return np.asarray(~shapely.contains_xy(mainland_outline(), lon_arr, lat_arr), dtype=np.bool_)


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    lon_arr, lat_arr = np.broadcast_arrays(
        np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    )
    return lon_arr, lat_arr


def _convert(
    kernel: _Kernel, lon: ArrayLike, lat: ArrayLike, *, inverse: bool
) -> tuple[FloatArray, FloatArray]:
    """Apply ``kernel`` where GCJ-02 applies and copy the other points unchanged.

    A forward conversion applies where its input lies in mainland China. An inverse one applies
    where its input or its result does: a point shifted from just inside the outline can land
    just outside it and must still be brought back, and a point inside the outline is taken as
    shifted even if its solution falls just outside (the providers' border is not our outline).
    """
    lon_arr, lat_arr = _as_arrays(lon, lat)
    out_lon = lon_arr.ravel().copy()
    out_lat = lat_arr.ravel().copy()
    inside = ~out_of_china(out_lon, out_lat)
    if inverse:
        west, south, east, north = shapely.bounds(mainland_outline())
        candidates = np.flatnonzero(
            (out_lon >= west - _SOLVE_MARGIN_DEG)
            & (out_lon <= east + _SOLVE_MARGIN_DEG)
            & (out_lat >= south - _SOLVE_MARGIN_DEG)
            & (out_lat <= north + _SOLVE_MARGIN_DEG)
        )
    else:
        candidates = np.flatnonzero(inside)
    if candidates.size:
        new_lon, new_lat = kernel(out_lon[candidates], out_lat[candidates])
        applies = inside[candidates]
        if inverse:
            outside = np.flatnonzero(~applies)
            applies[outside] = ~out_of_china(new_lon[outside], new_lat[outside])
        out_lon[candidates[applies]] = new_lon[applies]
        out_lat[candidates[applies]] = new_lat[applies]
    return out_lon.reshape(lon_arr.shape), out_lat.reshape(lat_arr.shape)


def _gcj_offset(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The GCJ-02 offset (degrees) to add to a WGS-84 point, a cache-sized block at a time.

    The formula's two dozen array operations then work in the CPU cache instead of streaming
    megabyte temporaries through memory; every value is computed exactly as on the whole array.
    """
    if lon.size <= _OFFSET_BLOCK:
        return _gcj_offset_block(lon, lat)
    d_lon = np.empty(lon.shape)
    d_lat = np.empty(lat.shape)
    for start in range(0, lon.size, _OFFSET_BLOCK):
        block = slice(start, start + _OFFSET_BLOCK)
        d_lon[block], d_lat[block] = _gcj_offset_block(lon[block], lat[block])
    return d_lon, d_lat


def _gcj_offset_block(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    # Shared terms are computed once, in the formula's own order: the same bits as spelt out.
    x = lon - 105.0
    y = lat - 35.0
    cross = 0.1 * x * y
    root = np.sqrt(np.abs(x))
    wave = (20.0 * np.sin(6.0 * np.pi * x) + 20.0 * np.sin(2.0 * np.pi * x)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + cross + 0.2 * root
    d_lat += wave
    d_lat += (20.0 * np.sin(np.pi * y) + 40.0 * np.sin(np.pi * y / 3.0)) * 2.0 / 3.0
    d_lat += (160.0 * np.sin(np.pi * y / 12.0) + 320.0 * np.sin(np.pi * y / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + cross + 0.1 * root
    d_lon += wave
    d_lon += (20.0 * np.sin(np.pi * x) + 40.0 * np.sin(np.pi * x / 3.0)) * 2.0 / 3.0
    d_lon += (150.0 * np.sin(np.pi * x / 12.0) + 300.0 * np.sin(np.pi * x / 30.0)) * 2.0 / 3.0
    # Metres of the Krasovsky ellipsoid to degrees at this latitude.
    rad_lat = np.radians(lat)
    w = 1.0 - _KRASOVSKY_EE * np.sin(rad_lat) ** 2
    root_w = np.sqrt(w)
    meridian_radius = _KRASOVSKY_A * (1.0 - _KRASOVSKY_EE) / (w * root_w)
    parallel_radius = _KRASOVSKY_A / root_w * np.cos(rad_lat)
    return np.degrees(d_lon / parallel_radius), np.degrees(d_lat / meridian_radius)


def _wgs_to_gcj(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    d_lon, d_lat = _gcj_offset(lon, lat)
    return lon + d_lon, lat + d_lat


def _gcj_to_bd(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    radius = np.hypot(lon, lat) + 0.00002 * np.sin(lat * _BD_X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _BD_X_PI)
    return radius * np.cos(theta) + _BD_SHIFT_LON, radius * np.sin(theta) + _BD_SHIFT_LAT


def _bd_to_gcj_approx(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Baidu's published inverse: it evaluates the perturbation at the wrong point (≤ 2e-6° off)."""
    x = lon - _BD_SHIFT_LON
    y = lat - _BD_SHIFT_LAT
    radius = np.hypot(x, y) - 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _BD_X_PI)
    return radius * np.cos(theta), radius * np.sin(theta)


def _invert(
    forward: _Kernel, target: tuple[FloatArray, FloatArray], start: tuple[FloatArray, FloatArray]
) -> tuple[FloatArray, FloatArray]:
    """Solve ``forward(p) == target`` by fixed-point iteration ``p += target - forward(p)``.

    It converges because ``forward`` is the identity plus a slowly varying offset.
    """
    lon, lat = start
    for _ in range(_INVERSE_MAX_ROUNDS):
        f_lon, f_lat = forward(lon, lat)
        r_lon = target[0] - f_lon
        r_lat = target[1] - f_lat
        lon = lon + r_lon
        lat = lat + r_lat
        if max(np.max(np.abs(r_lon)), np.max(np.abs(r_lat))) < _INVERSE_TOLERANCE_DEG:
            break
    return lon, lat


def _gcj_to_wgs(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    d_lon, d_lat = _gcj_offset(lon, lat)
    return _invert(_wgs_to_gcj, (lon, lat), (lon - d_lon, lat - d_lat))


def _bd_to_gcj(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    return _invert(_gcj_to_bd, (lon, lat), _bd_to_gcj_approx(lon, lat))


def _wgs_to_bd(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    return _gcj_to_bd(*_wgs_to_gcj(lon, lat))


def _bd_to_wgs(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    return _gcj_to_wgs(*_bd_to_gcj(lon, lat))


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert WGS-84 (GPS) coordinates to GCJ-02 (AMap, Tencent).

    Parameters
    ----------
    lon, lat : array_like
        WGS-84 longitude and latitude in degrees; they broadcast together.

    Returns
    -------
    lon, lat : numpy.ndarray of float64
        GCJ-02 coordinates; points outside mainland China and NaN are returned unchanged.

    Examples
    --------
    >>> lon, lat = wgs84_to_gcj02([116.404, 139.69], [39.915, 35.69])
    >>> [round(v, 6) for v in lon.tolist()], [round(v, 6) for v in lat.tolist()]
    ([116.410244, 139.69], [39.916404, 35.69])
    """
    return _convert(_wgs_to_gcj, lon, lat, inverse=False)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert GCJ-02 coordinates back to WGS-84, exactly (iterative inverse).

    Parameters
    ----------
    lon, lat : array_like
        GCJ-02 longitude and latitude in degrees.

    Returns
    -------
    lon, lat : numpy.ndarray of float64
        WGS-84 coordinates such that ``wgs84_to_gcj02`` gives the input back to within 1e-10°.

    Examples
    --------
    >>> lon, lat = gcj02_to_wgs84(116.41024449916938, 39.91640428150164)
    >>> print(f"{float(lon):.9f} {float(lat):.9f}")
    116.404000000 39.915000000
    """
    return _convert(_gcj_to_wgs, lon, lat, inverse=True)


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert GCJ-02 coordinates to BD-09 (Baidu).

    Parameters
    ----------
    lon, lat : array_like
        GCJ-02 longitude and latitude in degrees.

    Returns
    -------
    lon, lat : numpy.ndarray of float64
        BD-09 coordinates.

    Examples
    --------
    >>> lon, lat = gcj02_to_bd09(116.404, 39.915)
    >>> print(f"{float(lon):.6f} {float(lat):.6f}")
    116.410369 39.921337
    """
    return _convert(_gcj_to_bd, lon, lat, inverse=False)


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert BD-09 coordinates to GCJ-02, exactly (iterative inverse).

    Baidu's published inverse formula is off by up to 2e-6° (0.2 m); this refines it until
    ``gcj02_to_bd09`` gives the input back to within 1e-10°.

    Parameters
    ----------
    lon, lat : array_like
        BD-09 longitude and latitude in degrees.

    Returns
    -------
    lon, lat : numpy.ndarray of float64
        GCJ-02 coordinates.

    Examples
    --------
    >>> lon, lat = bd09_to_gcj02(116.41036949371029, 39.92133699351021)
    >>> print(f"{float(lon):.9f} {float(lat):.9f}")
    116.404000000 39.915000000
    """
    return _convert(_bd_to_gcj, lon, lat, inverse=True)


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert WGS-84 coordinates to BD-09 (through GCJ-02).

    Parameters
    ----------
    lon, lat : array_like
        WGS-84 longitude and latitude in degrees.

    Returns
    -------
    lon, lat : numpy.ndarray of float64
        BD-09 coordinates.

    Examples
    --------
    >>> lon, lat = wgs84_to_bd09(116.404, 39.915)
    >>> print(f"{float(lon):.6f} {float(lat):.6f}")
    116.416627 39.922700
    """
    return _convert(_wgs_to_bd, lon, lat, inverse=False)


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert BD-09 coordinates to WGS-84 (through GCJ-02), exactly.

    Parameters
    ----------
    lon, lat : array_like
        BD-09 longitude and latitude in degrees.

    Returns
    -------
    lon, lat : numpy.ndarray of float64
        WGS-84 coordinates.

    Examples
    --------
    >>> lon, lat = bd09_to_wgs84(*wgs84_to_bd09(116.404, 39.915))
    >>> print(f"{float(lon):.9f} {float(lat):.9f}")
    116.404000000 39.915000000
    """
    return _convert(_bd_to_wgs, lon, lat, inverse=True)


def _unchanged(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    lon_arr, lat_arr = _as_arrays(lon, lat)
    return lon_arr.copy(), lat_arr.copy()


_TO_WGS84: dict[str, Converter] = {
    "wgs84": _unchanged,
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}
_FROM_WGS84: dict[str, Converter] = {
    "wgs84": _unchanged,
    "gcj02": wgs84_to_gcj02,
    "bd09": wgs84_to_bd09,
}


def _converter(table: dict[str, Converter], crs: str) -> Converter:
    try:
        return table[crs]
    except KeyError:
        raise ValueError(
            f"unknown coordinate system {crs!r}; expected one of {', '.join(CRS_NAMES)}"
        ) from None


def to_wgs84(lon: ArrayLike, lat: ArrayLike, crs: str) -> tuple[FloatArray, FloatArray]:
    """Convert coordinates given in ``crs`` to WGS-84.

    Parameters
    ----------
    lon, lat : array_like
        Longitude and latitude in degrees, in ``crs``.
    crs : {"wgs84", "gcj02", "bd09"}
        The coordinate system of the input.

    Returns
    -------
    lon, lat : numpy.ndarray of float64
        WGS-84 coordinates (a copy when ``crs`` is already ``"wgs84"``).

    Raises
    ------
    ValueError
        If ``crs`` is not one of :data:`CRS_NAMES`.

    Examples
    --------
    >>> lon, lat = to_wgs84([116.410244], [39.916404], "gcj02")
    >>> print(f"{lon[0]:.5f} {lat[0]:.5f}")
    116.40400 39.91500
    """
    return _converter(_TO_WGS84, crs)(lon, lat)


def from_wgs84(lon: ArrayLike, lat: ArrayLike, crs: str) -> tuple[FloatArray, FloatArray]:
    """Convert WGS-84 coordinates to ``crs``.

    Parameters
    ----------
    lon, lat : array_like
        WGS-84 longitude and latitude in degrees.
    crs : {"wgs84", "gcj02", "bd09"}
        The coordinate system wanted.

    Returns
    -------
    lon, lat : numpy.ndarray of float64
        Coordinates in ``crs``.

    Raises
    ------
    ValueError
        If ``crs`` is not one of :data:`CRS_NAMES`.

    Examples
    --------
    >>> lon, lat = from_wgs84([116.404], [39.915], "bd09")
    >>> print(f"{lon[0]:.6f} {lat[0]:.6f}")
    116.416627 39.922700
    """
    return _converter(_FROM_WGS84, crs)(lon, lat)
