"""Heatmap: a geospatial complaint heat-map engine for a telecom NOC.

The public names of the engine, flat (``from heatmap import latlng_to_cells``). They load on
first use, so ``import heatmap`` — and every CLI command — does not pay for scipy or DuckDB
until it needs them. Modules hold one concept each; see README.md.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_SOURCES = {
    "adjacent_pairs": "heatmap.grid",
    "bd09_to_gcj02": "heatmap.coords",
    "bd09_to_wgs84": "heatmap.coords",
    "cell_boundary_wkt": "heatmap.grid",
    "cells_to_latlng": "heatmap.grid",
    "cells_to_parents": "heatmap.grid",
    "cells_to_strings": "heatmap.grid",
    "CellScorer": "heatmap.scoring",
    "ClusterFinder": "heatmap.clusters",
    "default_taxonomy": "heatmap.taxonomy",
    "from_wgs84": "heatmap.coords",
    "gcj02_to_bd09": "heatmap.coords",
    "gcj02_to_wgs84": "heatmap.coords",
    "grid_disks": "heatmap.grid",
    "HeatmapError": "heatmap.errors",
    "Home": "heatmap.home",
    "ingest_file": "heatmap.ingest",
    "IngestSummary": "heatmap.ingest",
    "InputFileError": "heatmap.errors",
    "latlng_to_cells": "heatmap.grid",
    "load_mapping": "heatmap.mapping",
    "Mapping": "heatmap.mapping",
    "MappingError": "heatmap.errors",
    "NotPublishedError": "heatmap.errors",
    "open_reader": "heatmap.store",
    "open_writer": "heatmap.store",
    "out_of_china": "heatmap.coords",
    "prepare_connection": "heatmap.sqlfunctions",
    "publish": "heatmap.store",
    "resolve_home": "heatmap.home",
    "RunInProgressError": "heatmap.errors",
    "strings_to_cells": "heatmap.grid",
    "SurgeScorer": "heatmap.scoring",
    "Taxonomy": "heatmap.taxonomy",
    "to_wgs84": "heatmap.coords",
    "wgs84_to_bd09": "heatmap.coords",
    "wgs84_to_gcj02": "heatmap.coords",
}

__all__ = sorted(_SOURCES)


def __getattr__(name: str) -> Any:
    if name in _SOURCES:
        value = getattr(import_module(_SOURCES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'heatmap' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
