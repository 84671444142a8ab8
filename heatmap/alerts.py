"""Alerts out: the published alerts in the contract's JSON, CSV and GeoJSON forms.

Cells are H3 hex strings here and times are ISO 8601 with the engine time zone's offset, as
the interface contract in SPEC.md requires.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import duckdb
import h3

OPEN_STATUSES = ("new", "ongoing")
FORMATS = ("json", "csv", "geojson")
CSV_FIELDS = [
    "cluster_id",
    "kind",
    "issue_type",
    "label",
    "label_zh",
    "window_start",
    "window_end",
    "cells",
    "n_cells",
    "observed",
    "expected",
    "score",
    "status",
    "district",
    "center_lat",
    "center_lon",
]


def fetch_alerts(con: duckdb.DuckDBPyConnection, include_closed: bool) -> list[dict[str, Any]]:
    """Alerts from the published ``alerts`` view, open ones only unless ``include_closed``."""
    query = "SELECT * FROM alerts"
    if not include_closed:
        query += " WHERE status IN ('new', 'ongoing')"
    query += " ORDER BY score DESC, cluster_id"
    cursor = con.execute(query)
    names = [d[0] for d in cursor.description]
    alerts = []
    for values in cursor.fetchall():
        alert = dict(zip(names, values, strict=True))
        alert["window_start"] = alert["window_start"].isoformat()
        alert["window_end"] = alert["window_end"].isoformat()
        alert["cells"] = list(alert["cells"])
        alert["expected"] = round(float(alert["expected"]), 3)
        alert["score"] = round(float(alert["score"]), 3)
        alerts.append(alert)
    return alerts


def to_json(alerts: list[dict[str, Any]]) -> str:
    return json.dumps(alerts, ensure_ascii=False, indent=2)


def to_csv(alerts: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for alert in alerts:
        writer.writerow({**alert, "cells": ";".join(alert["cells"])})
    return buffer.getvalue()


def alert_geometry(alert: dict[str, Any]) -> dict[str, Any] | None:
    """The outline of an alert's cells as a GeoJSON geometry (None for a citywide surge)."""
    if not alert["cells"]:
        return None
    shape = h3.cells_to_h3shape(alert["cells"])
    return dict(shape.__geo_interface__)


def to_geojson(alerts: list[dict[str, Any]]) -> str:
    features = [{"type": "Feature", "geometry": alert_geometry(a), "properties": a} for a in alerts]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def render(alerts: list[dict[str, Any]], fmt: str) -> str:
    """Alerts in ``fmt`` (json, csv or geojson)."""
    renderers = {"json": to_json, "csv": to_csv, "geojson": to_geojson}
    return renderers[fmt](alerts)
