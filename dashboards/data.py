"""The pages' access to the published data: one connection per publication, cached results.

A connection is opened per snapshot file (``st.cache_resource``): when a job publishes a new
snapshot the next run opens it, and sessions still drawing from the old one finish on it.
Query results are cached per snapshot path (``st.cache_data``), so a query runs once per
publication whatever the number of screens watching. The queries are in :mod:`heatmap`.
"""

from __future__ import annotations

import os
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from heatmap import drilldown, mapdata, mapstyle
from heatmap.errors import NotPublishedError
from heatmap.home import resolve_home
from heatmap.store import current_snapshot, open_snapshot
from heatmap.taxonomy import Taxonomy
from heatmap.timewindows import MapWindow

TIMEZONE = os.environ.get("HEATMAP_TIMEZONE", "Asia/Shanghai")
REFRESH_SECONDS = float(os.environ.get("HEATMAP_REFRESH_SECONDS", "60"))


def home_taxonomy() -> Taxonomy:
    return resolve_home(os.environ.get("HEATMAP_HOME")).taxonomy()


def snapshot() -> str | None:
    """The current publication's file, or None when nothing is published yet."""
    try:
        return str(current_snapshot(resolve_home(os.environ.get("HEATMAP_HOME"))))
    except NotPublishedError:
        return None


@st.cache_resource(max_entries=2)
def _connection(snapshot_path: str) -> duckdb.DuckDBPyConnection:
    return open_snapshot(snapshot_path, TIMEZONE)


def cursor(snapshot_path: str) -> duckdb.DuckDBPyConnection:
    """A cursor on the publication ``snapshot_path``, in the engine's time zone."""
    return mapdata.cursor(_connection(snapshot_path), TIMEZONE)


@st.cache_data(max_entries=8)
def freshness(snapshot_path: str) -> dict[str, Any] | None:
    return mapdata.freshness(cursor(snapshot_path))


@st.cache_data(max_entries=8)
def windows(snapshot_path: str, window_len: str) -> pd.DataFrame:
    return mapdata.windows(cursor(snapshot_path), window_len)


@st.cache_data(max_entries=8)
def issue_types(snapshot_path: str) -> list[str]:
    return mapdata.issue_types(cursor(snapshot_path))


@st.cache_data(max_entries=8)
def view(snapshot_path: str) -> dict[str, float]:
    return mapstyle.view_for_extent(mapdata.map_extent(cursor(snapshot_path)))


@st.cache_data(max_entries=256)
def cells(
    snapshot_path: str, window: MapWindow, types: tuple[str, ...], resolution: int
) -> pd.DataFrame:
    return mapdata.cell_layer(cursor(snapshot_path), window, list(types), resolution)


@st.cache_data(max_entries=256)
def districts(snapshot_path: str, window: MapWindow, types: tuple[str, ...]) -> pd.DataFrame:
    return mapdata.district_layer(cursor(snapshot_path), window, list(types))


@st.cache_data(max_entries=32)
def alerts(snapshot_path: str, include_closed: bool) -> pd.DataFrame:
    return mapdata.alert_list(cursor(snapshot_path), include_closed)


@st.cache_data(max_entries=32)
def playback(
    snapshot_path: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    types: tuple[str, ...],
    resolution: int,
) -> pd.DataFrame:
    return mapdata.playback_counts(cursor(snapshot_path), start, end, list(types), resolution)


@st.cache_data
def district_outlines() -> dict[str, Any]:
    return mapdata.district_geojson()


@st.cache_data
def district_names() -> dict[str, str]:
    return mapdata.district_names()


@st.cache_data(max_entries=64)
def scope(
    snapshot_path: str,
    target: drilldown.Target,
    window: MapWindow,
    latest: pd.Timestamp,
    types: tuple[str, ...],
    spatial: tuple[str, ...],
) -> drilldown.Scope | None:
    return drilldown.scope_for(
        cursor(snapshot_path),
        target,
        alerts(snapshot_path, True),
        window,
        latest,
        list(types),
        list(spatial),
        TIMEZONE,
    )


@st.cache_data(max_entries=64)
def series(snapshot_path: str, chosen: drilldown.Scope) -> pd.DataFrame:
    return drilldown.series(cursor(snapshot_path), chosen)


@st.cache_data(max_entries=64)
def complaints(
    snapshot_path: str, chosen: drilldown.Scope
) -> tuple[pd.DataFrame, drilldown.ComplaintSummary]:
    return drilldown.complaints(cursor(snapshot_path), chosen)


@st.cache_data(max_entries=64)
def export(snapshot_path: str, cluster_ids: tuple[str, ...], fmt: str) -> str:
    return drilldown.export_alerts(cursor(snapshot_path), list(cluster_ids), fmt)


def local(stamp: object) -> pd.Timestamp:
    """A stored instant in the engine's time zone, for display."""
    return pd.Timestamp(stamp).tz_convert(TIMEZONE)
