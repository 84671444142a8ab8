"""Mapping files: how a ticket system's export maps onto the engine's canonical columns.

The contract is in SPEC.md. Only ``[columns]`` entries that differ from the canonical names
are needed, so a file already in canonical form needs no mapping at all::

    [source]
    encoding = "auto"                 # auto | utf-8 | gbk | gb18030
    crs = "gcj02"                     # wgs84 | gcj02 | bd09
    timezone = "Asia/Shanghai"        # for timestamps without an offset
    timestamp_format = "%Y-%m-%d %H:%M:%S"

    [columns]
    complaint_id = "工单编号"

    [issue_types]
    "宽带光衰" = "fibre_loss"
"""

from __future__ import annotations

import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from heatmap.coords import CRS_NAMES
from heatmap.errors import MappingError

REQUIRED_COLUMNS = ("complaint_id", "reported_at", "issue_type", "lat", "lon")
OPTIONAL_COLUMNS = ("address", "customer", "channel", "severity", "text")
CANONICAL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
ENCODINGS = ("auto", "utf-8", "gbk", "gb18030")


@dataclass(frozen=True)
class SourceOptions:
    """How to read the source: text encoding, coordinate system, time zone, time format."""

    encoding: str = "auto"
    crs: str = "wgs84"
    timezone: str = "Asia/Shanghai"
    timestamp_format: str | None = None


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


def parse_mapping(doc: dict[str, Any], origin: str) -> Mapping:
    """Validate a parsed mapping document; :class:`MappingError` names what to fix."""
    unknown_sections = set(doc) - {"source", "columns", "issue_types"}
    if unknown_sections:
        raise MappingError(
            f"{origin}: unknown section(s) {sorted(unknown_sections)}; "
            "a mapping has [source], [columns] and [issue_types]"
        )
    source_doc = doc.get("source", {})
    unknown_keys = set(source_doc) - set(SourceOptions.__dataclass_fields__)
    if unknown_keys:
        raise MappingError(
            f"{origin}: unknown [source] key(s) {sorted(unknown_keys)}; "
            f"known keys are {sorted(SourceOptions.__dataclass_fields__)}"
        )
    source = SourceOptions(**source_doc)
    if source.encoding.lower() not in ENCODINGS:
        raise MappingError(
            f"{origin}: encoding {source.encoding!r} is not one of {', '.join(ENCODINGS)}"
        )
    if source.crs.lower() not in CRS_NAMES:
        raise MappingError(f"{origin}: crs {source.crs!r} is not one of {', '.join(CRS_NAMES)}")
    try:
        zoneinfo.ZoneInfo(source.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise MappingError(
            f"{origin}: timezone {source.timezone!r} is not an IANA zone such as 'Asia/Shanghai'"
        ) from None
    source = SourceOptions(
        encoding=source.encoding.lower(),
        crs=source.crs.lower(),
        timezone=source.timezone,
        timestamp_format=source.timestamp_format,
    )

    columns_doc = doc.get("columns", {})
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
    issue_types = {str(k): str(v) for k, v in doc.get("issue_types", {}).items()}
    return Mapping(
        source,
        MappingProxyType(columns),
        MappingProxyType(issue_types),
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
