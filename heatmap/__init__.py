"""Heatmap: a geospatial complaint heat-map engine for a telecom NOC.

The public names of the engine, flat. Modules hold one concept each; see README.md.
"""

from heatmap.clusters import ClusterFinder
from heatmap.coords import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    out_of_china,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from heatmap.errors import (
    HeatmapError,
    InputFileError,
    MappingError,
    NotPublishedError,
    RunInProgressError,
)
from heatmap.grid import (
    adjacent_pairs,
    cell_boundary_wkt,
    cells_to_latlng,
    cells_to_parents,
    cells_to_strings,
    grid_disks,
    latlng_to_cells,
    strings_to_cells,
)
from heatmap.home import Home, resolve_home
from heatmap.ingest import IngestSummary, ingest_file
from heatmap.mapping import Mapping, load_mapping
from heatmap.scoring import CellScorer, SurgeScorer
from heatmap.sqlfunctions import prepare_connection
from heatmap.store import open_reader, open_writer, publish
from heatmap.taxonomy import Taxonomy, default_taxonomy

__all__ = [
    "CellScorer",
    "ClusterFinder",
    "HeatmapError",
    "Home",
    "IngestSummary",
    "InputFileError",
    "Mapping",
    "MappingError",
    "NotPublishedError",
    "RunInProgressError",
    "SurgeScorer",
    "Taxonomy",
    "adjacent_pairs",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "cell_boundary_wkt",
    "cells_to_latlng",
    "cells_to_parents",
    "cells_to_strings",
    "default_taxonomy",
    "from_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "grid_disks",
    "ingest_file",
    "latlng_to_cells",
    "load_mapping",
    "open_reader",
    "open_writer",
    "out_of_china",
    "prepare_connection",
    "publish",
    "resolve_home",
    "strings_to_cells",
    "to_wgs84",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]
