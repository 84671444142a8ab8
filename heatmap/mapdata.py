"""What the dashboard shows, as data: every query the map and its panels run.

The dashboard pages only lay out widgets; they call these functions on a read-only connection
to the current publication. Cells leave here as H3 hex strings (what deck.gl's
H3HexagonLayer expects); counts are plain integers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from heatmap.districts import district_polygons
from heatmap.sqlfiles import read_sql


def _query(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None
) -> pd.DataFrame:
    return con.execute(read_sql("heatmap", f"mapdata/{name}"), params).df()


def windows(con: duckdb.DuckDBPyConnection, window_len: str) -> pd.DataFrame:
    """Windows that have data (``window_start``, ``n``), newest first."""
    return _query(con, "windows", {"window_len": window_len})


def cell_layer(
    con: duckdb.DuckDBPyConnection, window_len: str, window_start: datetime, issue_types: list[str]
) -> pd.DataFrame:
    """One row per cell of the window: ``h3, n, expected, score, flagged, district``."""
    return _query(
        con,
        "cell_layer",
        {"window_len": window_len, "window_start": window_start, "issue_types": issue_types},
    )


def alert_list(con: duckdb.DuckDBPyConnection, include_closed: bool) -> pd.DataFrame:
    """Alerts by score, open ones only unless ``include_closed``."""
    where = "" if include_closed else "WHERE status IN ('new', 'ongoing')"
    return con.execute(
        "SELECT cluster_id, kind, issue_type, label_zh, label, status, window_start, window_end, "
        f"n_cells, observed, round(expected, 1) AS expected, round(score, 1) AS score, district "
        f"FROM alerts {where} ORDER BY score DESC"
    ).df()


def alert_cells(con: duckdb.DuckDBPyConnection, include_closed: bool) -> pd.DataFrame:
    """``cluster_id, kind, label_zh, label, h3`` for the outlines of alerts on the map."""
    statuses = ["new", "ongoing", "resolved"] if include_closed else ["new", "ongoing"]
    return _query(con, "alert_cells", {"statuses": statuses})


def freshness(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The latest run: ``finished_at, data_until, complaints, alerts_open`` (None before any)."""
    frame = _query(con, "freshness")
    return None if frame.empty else frame.iloc[0].to_dict()


def issue_types(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Issue types present in the counts, most frequent first."""
    rows = con.execute(
        "SELECT issue_type FROM cell_counts WHERE window_len = '1d' GROUP BY 1 ORDER BY sum(n) DESC"
    ).fetchall()
    return [r[0] for r in rows]


def district_geojson() -> dict[str, Any]:
    """District outlines (WGS-84 GeoJSON) for the offline base map."""
    frame = district_polygons().copy()
    frame["geometry"] = frame.geometry.simplify(0.0005, preserve_topology=True)
    return dict(frame.__geo_interface__)


def colour_cells(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Add an RGBA ``colour`` list per cell: yellow → red by count or score; flagged cells opaque.

    >>> out = colour_cells(pd.DataFrame({"n": [1, 10], "score": [0.0, 9.0],
    ...                                  "flagged": [False, True]}), "n")
    >>> out.colour.tolist()
    [[255, 237, 160, 110], [189, 0, 38, 230]]
    """
    out = frame.copy()
    values = out[by].astype(float)
    top = float(values.max()) if len(values) and values.max() > 0 else 1.0
    t = (values / top).clip(0, 1).to_numpy()
    low, high = (255, 237, 160), (189, 0, 38)
    alpha = out["flagged"].map({True: 230, False: 110}).to_numpy()
    out["colour"] = [
        [round(low[i] + (high[i] - low[i]) * x) for i in range(3)] + [int(a)]
        for x, a in zip(t, alpha, strict=True)
    ]
    return out
