"""What the dashboard shows, as data: every query the map and its panels run.

The dashboard pages only lay out widgets; they call these functions on a read-only connection
to one publication (:func:`heatmap.store.open_snapshot`). Each query runs on its own cursor in
the engine's time zone (:func:`cursor`): a DuckDB cursor starts in UTC, and calendar days,
``date_trunc`` and day steps would otherwise be UTC days. Cells leave here as H3 hex strings
(what deck.gl's H3HexagonLayer expects); counts are plain integers; instants are zone-aware
timestamps.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from heatmap.districts import district_polygons
from heatmap.sqlfiles import read_sql
from heatmap.timewindows import Frame, MapWindow

RESOLUTIONS = ("8", "7", "district")
OPEN_STATUSES = ["new", "ongoing"]
ALL_STATUSES = ["new", "ongoing", "resolved"]


def cursor(con: duckdb.DuckDBPyConnection, timezone: str) -> duckdb.DuckDBPyConnection:
    """A cursor of ``con`` (safe to use from another thread) in the engine's time zone."""
    cur = con.cursor()
    cur.execute("SET TimeZone = $tz", {"tz": timezone})
    return cur


def query(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None
) -> pd.DataFrame:
    """Run ``heatmap/sql/mapdata/<name>.sql`` with bind parameters; timestamps come back in UTC."""
    return con.execute(read_sql("heatmap", f"mapdata/{name}"), params).df()


def windows(con: duckdb.DuckDBPyConnection, window_len: str) -> pd.DataFrame:
    """Windows that have data (``window_start``, ``n``), newest first."""
    return query(con, "windows", {"window_len": window_len})


def cell_layer(
    con: duckdb.DuckDBPyConnection,
    window: MapWindow,
    issue_types: list[str],
    resolution: int = 8,
) -> pd.DataFrame:
    """One row per cell (at ``resolution``) of ``window``.

    Columns ``h3, n, n_repeat, n_severe, expected, score, flagged, district``; ``score`` is the
    strongest of the cell's counts (of its resolution-8 cells when rolled up).
    """
    return query(
        con,
        "cell_layer",
        {
            "window_len": window.window_len,
            "from": window.start.to_pydatetime(),
            "until": window.end.to_pydatetime(),
            "issue_types": list(issue_types),
            "resolution": int(resolution),
        },
    )


def district_layer(
    con: duckdb.DuckDBPyConnection, window: MapWindow, issue_types: list[str]
) -> pd.DataFrame:
    """One row per district with complaints in ``window``: ``district, district_en, n, …``."""
    return query(
        con,
        "district_layer",
        {
            "window_len": window.window_len,
            "from": window.start.to_pydatetime(),
            "until": window.end.to_pydatetime(),
            "issue_types": list(issue_types),
        },
    )


def playback_counts(
    con: duckdb.DuckDBPyConnection,
    start: pd.Timestamp,
    end: pd.Timestamp,
    issue_types: list[str],
    resolution: int = 8,
) -> pd.DataFrame:
    """Hourly ``h3, window_start, n, score, flagged`` of a playback span, fetched once."""
    return query(
        con,
        "playback",
        {
            "from": start.to_pydatetime(),
            "until": end.to_pydatetime(),
            "issue_types": list(issue_types),
            "resolution": int(resolution),
        },
    )


def frame_cells(counts: pd.DataFrame, since: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """One playback frame from :func:`playback_counts`: the cells summed over ``since``–``end``.

    >>> counts = pd.DataFrame({"h3": ["a", "a", "b"], "n": [1, 2, 5], "score": [0.0, 3.0, 1.0],
    ...                        "flagged": [False, True, False],
    ...                        "window_start": pd.to_datetime([0, 3600, 3600], unit="s", utc=True)})
    >>> frame_cells(counts, pd.Timestamp(0, tz="UTC"), pd.Timestamp(7200, unit="s", tz="UTC"))
      h3  n  score  flagged
    0  b  5    1.0    False
    1  a  3    3.0     True
    """
    rows = counts[(counts["window_start"] >= since) & (counts["window_start"] < end)]
    cells = rows.groupby("h3", as_index=False, sort=False).agg(
        n=("n", "sum"), score=("score", "max"), flagged=("flagged", "any")
    )
    return cells.sort_values(["n", "h3"], ascending=[False, True], ignore_index=True)


def frame_totals(counts: pd.DataFrame, frames: list[Frame]) -> pd.DataFrame:
    """Per frame: ``total`` complaints and ``top``, its busiest cell (the scale of the colours).

    >>> from heatmap.timewindows import Frame
    >>> t0 = pd.Timestamp(0, tz="UTC"); hour = pd.Timedelta(hours=1)
    >>> counts = pd.DataFrame({"h3": ["a", "a", "b"], "n": [1, 2, 5],
    ...                        "window_start": [t0, t0 + hour, t0 + hour]})
    >>> frame_totals(counts, [Frame(t0, t0 + hour, t0), Frame(t0 + hour, t0 + 2 * hour, t0)])
       total  top
    0      1    1
    1      8    5
    """
    rows = []
    for frame in frames:
        inside = counts[
            (counts["window_start"] >= frame.since) & (counts["window_start"] < frame.end)
        ]
        per_cell = inside.groupby("h3")["n"].sum()
        rows.append(
            {"total": int(per_cell.sum()), "top": int(per_cell.max()) if len(per_cell) else 0}
        )
    return pd.DataFrame(rows, columns=["total", "top"])


def alert_list(con: duckdb.DuckDBPyConnection, include_closed: bool) -> pd.DataFrame:
    """Alerts by score, open ones only unless ``include_closed``.

    Columns: those of the ``alerts`` view, plus ``issue_types`` (every type the alert flagged)
    and ``severe_share`` (the share of its complaints graded A, over its flagged hours).
    """
    statuses = ALL_STATUSES if include_closed else OPEN_STATUSES
    frame = query(con, "alert_list", {"statuses": statuses})
    frame["cells"] = frame["cells"].map(list)
    frame["issue_types"] = frame["issue_types"].map(list)
    return frame


def freshness(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The latest run: ``finished_at, data_until, complaints, alerts_open`` (None before any)."""
    frame = query(con, "freshness")
    return None if frame.empty else frame.iloc[0].to_dict()


def issue_types(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Issue types present in the counts, most frequent first."""
    return list(query(con, "issue_types")["issue_type"])


def map_extent(con: duckdb.DuckDBPyConnection) -> dict[str, float] | None:
    """``south, north, west, east`` of where complaints are (None when there are no cells)."""
    row = query(con, "map_extent").iloc[0]
    if not row["n_cells"]:
        return None
    return {side: float(row[side]) for side in ("south", "north", "west", "east")}


def district_names() -> dict[str, str]:
    """Each district's Chinese name → its name in pinyin (for the English dashboard)."""
    polygons = district_polygons()
    return dict(zip(polygons["name"], polygons["name_en"], strict=True))


def district_geojson() -> dict[str, Any]:
    """District outlines (WGS-84 GeoJSON) for the offline base map."""
    frame = district_polygons().copy()
    frame["geometry"] = frame.geometry.simplify(0.0005, preserve_topology=True)
    return dict(frame.__geo_interface__)
