"""Mapping files: how a ticket system's export maps onto the engine's canonical columns.

The contract is in SPEC.md. Only ``[columns]`` entries that differ from the canonical names
are needed, so a file already in canonical form needs no mapping at all::

    [source]
    encoding = "auto"                 # auto | utf-8 | gbk | gb18030
    crs = "gcj02"                     # wgs84 | gcj02 | bd09
    timezone = "Asia/Shanghai"        # for timestamps without an offset
    timestamp_format = "%Y-%m-%d %H:%M:%S"
    delimiter = ","                   # optional: sniffed when absent
    service_area = [115.4, 39.4, 117.5, 41.1]   # optional: west, south, east, north (WGS-84)

    [columns]
    complaint_id = "工单编号"

    [issue_types]
    "宽带光衰" = "fibre_loss"

A row's position comes from ``lat`` and ``lon``, else from ``coordinates`` (one text column
holding WKT ``POINT (lon lat)`` or ``(lat, lon)``), else from ``address`` (geocoded offline).
A file needs at least one of the three; which ones it has is checked against the file itself.

Every mistake in a mapping file raises :class:`~heatmap.errors.MappingError` naming the file,
the key and the fix.
"""

from __future__ import annotations

import math
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from heatmap.coords import CRS_NAMES
from heatmap.errors import MappingError

REQUIRED_COLUMNS = ("complaint_id", "reported_at", "issue_type")
POSITION_COLUMNS = ("lat", "lon", "coordinates", "address")
OPTIONAL_COLUMNS = ("coordinates", "address", "customer", "channel", "severity", "text")
CANONICAL_COLUMNS = REQUIRED_COLUMNS + ("lat", "lon") + OPTIONAL_COLUMNS
ENCODINGS = ("auto", "utf-8", "gbk", "gb18030")
_SOURCE_KEYS = ("encoding", "crs", "timezone", "timestamp_format", "delimiter", "service_area")


@dataclass(frozen=True)
class ServiceArea:
    """The WGS-84 box complaints can come from: a point outside it is quarantined.

    It also makes a swapped latitude/longitude certain: a point outside the area that falls
    inside it once swapped is repaired.

    >>> ServiceArea(115.4, 39.4, 117.5, 41.1).contains(39.9, 116.4)
    True
    """

    west: float
    south: float
    east: float
    north: float

    def contains(self, lat: Any, lon: Any) -> Any:
        """Whether ``(lat, lon)`` (scalars or numpy arrays, WGS-84) lies inside the box."""
        return (lat >= self.south) & (lat <= self.north) & (lon >= self.west) & (lon <= self.east)


@dataclass(frozen=True)
class SourceOptions:
    """How to read the source: text encoding, coordinates, time zone and format, service area."""

    encoding: str = "auto"
    crs: str = "wgs84"
    timezone: str = "Asia/Shanghai"
    timestamp_format: str | None = None
    delimiter: str | None = None
    service_area: ServiceArea | None = None


@dataclass(frozen=True)
class Mapping:
    """A validated mapping: source options, canonical → source columns, type renames."""

    source: SourceOptions = field(default_factory=SourceOptions)
    columns: MappingProxyType[str, str] = field(
        default_factory=lambda: MappingProxyType({c: c for c in CANONICAL_COLUMNS})
    )
    issue_types: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))
    origin: str = "<default mapping>"
    explicit: frozenset[str] = frozenset()

    def source_column(self, canonical: str) -> str:
        """The source column that holds ``canonical``."""
        return self.columns[canonical]


def _text_option(origin: str, doc: dict[str, Any], key: str, default: str | None) -> str | None:
    value = doc.get(key, default)
    if value is not None and (not isinstance(value, str) or not value):
        raise MappingError(
            f'{origin}: [source] {key} must be a text value in quotes, e.g. {key} = "…"'
        )
    return value


def _service_area(origin: str, value: Any) -> ServiceArea | None:
    if value is None:
        return None
    fix = "give service_area = [west, south, east, north] in WGS-84 degrees"
    if not isinstance(value, list) or len(value) != 4:
        raise MappingError(f"{origin}: [source] service_area is not four numbers; {fix}")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        raise MappingError(f"{origin}: [source] service_area holds a non-number; {fix}")
    west, south, east, north = (float(v) for v in value)
    if not all(math.isfinite(v) for v in (west, south, east, north)) or not (
        -180 <= west < east <= 180 and -90 <= south < north <= 90
    ):
        raise MappingError(
            f"{origin}: [source] service_area {value} is not a box (west < east, south < north, "
            f"within ±180/±90); {fix}"
        )
    return ServiceArea(west, south, east, north)


def parse_source(source_doc: Any, origin: str) -> SourceOptions:
    """Validate the ``[source]`` table; :class:`MappingError` names the key and the fix."""
    if not isinstance(source_doc, dict):
        raise MappingError(f"{origin}: [source] must be a table of keys")
    unknown_keys = set(source_doc) - set(_SOURCE_KEYS)
    if unknown_keys:
        raise MappingError(
            f"{origin}: unknown [source] key(s) {sorted(unknown_keys)}; "
            f"known keys are {sorted(_SOURCE_KEYS)}"
        )
    encoding = str(_text_option(origin, source_doc, "encoding", "auto")).lower()
    if encoding not in ENCODINGS:
        raise MappingError(f"{origin}: encoding {encoding!r} is not one of {', '.join(ENCODINGS)}")
    crs = str(_text_option(origin, source_doc, "crs", "wgs84")).lower()
    if crs not in CRS_NAMES:
        raise MappingError(f"{origin}: crs {crs!r} is not one of {', '.join(CRS_NAMES)}")
    timezone = str(_text_option(origin, source_doc, "timezone", "Asia/Shanghai"))
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise MappingError(
            f"{origin}: timezone {timezone!r} is not an IANA zone such as 'Asia/Shanghai'"
        ) from None
    timestamp_format = _text_option(origin, source_doc, "timestamp_format", None)
    if timestamp_format is not None and "%" not in timestamp_format:
        raise MappingError(
            f"{origin}: timestamp_format {timestamp_format!r} has no % directive; write it as "
            'strptime codes, e.g. "%Y-%m-%d %H:%M:%S", or leave it out to parse automatically'
        )
    delimiter = _text_option(origin, source_doc, "delimiter", None)
    if delimiter is not None and (len(delimiter) != 1 or delimiter in '"\r\n'):
        raise MappingError(
            f'{origin}: delimiter {delimiter!r} must be one character such as "," ";" or "\\t"'
        )
    return SourceOptions(
        encoding=encoding,
        crs=crs,
        timezone=timezone,
        timestamp_format=timestamp_format,
        delimiter=delimiter,
        service_area=_service_area(origin, source_doc.get("service_area")),
    )


def parse_mapping(doc: dict[str, Any], origin: str) -> Mapping:
    """Validate a parsed mapping document; :class:`MappingError` names what to fix."""
    unknown_sections = set(doc) - {"source", "columns", "issue_types"}
    if unknown_sections:
        raise MappingError(
            f"{origin}: unknown section(s) {sorted(unknown_sections)}; "
            "a mapping has [source], [columns] and [issue_types]"
        )
    source = parse_source(doc.get("source", {}), origin)

    columns_doc = doc.get("columns", {})
    if not isinstance(columns_doc, dict):
        raise MappingError(f"{origin}: [columns] must be a table of canonical = source names")
    unknown_columns = set(columns_doc) - set(CANONICAL_COLUMNS)
    if unknown_columns:
        raise MappingError(
            f"{origin}: [columns] names unknown canonical column(s) {sorted(unknown_columns)}; "
            f"canonical columns are {', '.join(CANONICAL_COLUMNS)}"
        )
    bad = [k for k, v in columns_doc.items() if not isinstance(v, str) or not v]
    if bad:
        raise MappingError(f"{origin}: [columns] values must be column names (strings): {bad}")
    columns = {c: columns_doc.get(c, c) for c in CANONICAL_COLUMNS}
    if columns["lat"] == columns["lon"]:
        raise MappingError(
            f"{origin}: [columns] lat and lon both name {columns['lat']!r}; for one column "
            "holding both, map it as coordinates instead"
        )

    types_doc = doc.get("issue_types", {})
    if not isinstance(types_doc, dict) or not all(
        isinstance(v, str) and v for v in types_doc.values()
    ):
        raise MappingError(
            f'{origin}: [issue_types] must map source values to type codes, e.g. "宽带光衰" = '
            '"fibre_loss"'
        )
    return Mapping(
        source,
        MappingProxyType(columns),
        MappingProxyType({str(k): v for k, v in types_doc.items()}),
        origin,
        frozenset(columns_doc),
    )


def load_mapping(path: Path | None) -> Mapping:
    """Read and validate a mapping file; ``None`` gives the canonical (identity) mapping."""
    if path is None:
        return Mapping()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MappingError(f"{path}: mapping file not found; check the --mapping path") from None
    except IsADirectoryError:
        raise MappingError(f"{path}: is a folder, not a mapping file; check --mapping") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(
            f"{path}: cannot read the mapping file ({exc}); save it as UTF-8"
        ) from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(
            f"{path}: not valid TOML ({exc}); see the mapping example in README.md"
        ) from None
    return parse_mapping(doc, str(path))
