"""The drill-down: what one alert, cell or district did over time, and the complaints behind it.

A :class:`Target` is what the operator clicked (an alert outline, a cell, a district) or chose;
:func:`scope_for` turns it into a :class:`Scope` — which cells, issue types and times — and
:func:`series` and :func:`complaints` read them. The series comes with the expected count of
every window and its 95% Poisson range (the "expected band"), so a window standing above the
band is visibly abnormal; the complaints come masked (``139****4220``) with the share that are
repeats (复燃, the same customer again within 30 days).

Export of the selected alerts (:func:`export_alerts`) uses the contract's formats from
:mod:`heatmap.alerts`, so a file saved from the dashboard is the same as ``heatmap alerts``.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import h3
import numpy as np
import pandas as pd
from scipy.stats import poisson

from heatmap import alerts as alert_output
from heatmap import mapdata
from heatmap.timewindows import MapWindow

TARGET_KINDS = ("cluster", "cell", "district")
BAND = (0.025, 0.975)
CONTEXT_BEFORE = pd.Timedelta(hours=24)
CONTEXT_AFTER = pd.Timedelta(hours=12)
CELL_SERIES = pd.Timedelta(hours=48)
HOURLY_UP_TO = pd.Timedelta(days=3)
COMPLAINTS_SHOWN = 200
HISTORY = pd.Timedelta(days=28)


@dataclass(frozen=True)
class Target:
    """What a drill-down is about: ``cluster`` (an alert id), ``cell`` (H3 hex) or ``district``.

    >>> Target.parse("cell:8831aa4621fffff")
    Target(kind='cell', key='8831aa4621fffff')
    >>> Target.parse("nonsense") is None
    True
    """

    kind: str
    key: str

    @property
    def token(self) -> str:
        """The target as one string (for a URL query parameter)."""
        return f"{self.kind}:{self.key}"

    @classmethod
    def parse(cls, token: str | None) -> Target | None:
        if not token or ":" not in token:
            return None
        kind, key = token.split(":", 1)
        if kind not in TARGET_KINDS or not key:
            return None
        if kind == "cell" and not h3.is_valid_cell(key):
            return None
        return cls(kind, key)


@dataclass(frozen=True)
class Scope:
    """The cells, issue types and times a drill-down covers.

    ``cells`` empty means anywhere (a citywide surge); ``issue_types`` empty means every type.
    The series runs over ``series_from``–``series_until`` in ``series_len`` windows; the
    complaints listed are those of ``complaints_from``–``complaints_until``.
    """

    target: Target
    kind: str
    cells: tuple[str, ...]
    issue_types: tuple[str, ...]
    series_len: str
    series_from: pd.Timestamp
    series_until: pd.Timestamp
    complaints_from: pd.Timestamp
    complaints_until: pd.Timestamp
    precision: str = "point"
    cluster_id: str | None = None


def _hourly(ts: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(ts).floor("h")


def scope_for(
    con: duckdb.DuckDBPyConnection,
    target: Target,
    alerts: pd.DataFrame,
    window: MapWindow,
    latest: pd.Timestamp,
    issue_types: list[str],
    spatial_types: list[str],
    timezone: str,
) -> Scope | None:
    """The scope of ``target``; None when it names an alert or district that is not there.

    ``alerts`` is :func:`heatmap.mapdata.alert_list` with resolved alerts; ``window`` and
    ``issue_types`` are what the map shows (a cell's or district's drill-down covers them);
    ``latest`` is the newest hourly window, beyond which there is no data.
    """
    data_end = latest + pd.Timedelta(hours=1)
    if target.kind == "cluster":
        found = alerts[alerts["cluster_id"] == target.key]
        if found.empty:
            return None
        return _alert_scope(target, found.iloc[0].to_dict(), data_end, timezone)
    types = [t for t in issue_types if t in spatial_types] or list(issue_types) or spatial_types
    if target.kind == "cell":
        resolution = h3.get_resolution(target.key)
        cells = [target.key] if resolution >= 8 else list(h3.cell_to_children(target.key, 8))
    else:
        cells = list(mapdata.query(con, "district_cells", {"district": target.key})["cell_h3"])
        if not cells:
            return None
    until = min(window.end, data_end) if window.window_len == "1h" else window.end
    return Scope(
        target=target,
        kind=target.kind,
        cells=tuple(cells),
        issue_types=tuple(types),
        series_len="1h",
        series_from=until - CELL_SERIES,
        series_until=until,
        complaints_from=window.start,
        complaints_until=window.end,
    )


def _alert_scope(
    target: Target, alert: dict[str, object], data_end: pd.Timestamp, timezone: str
) -> Scope:
    start = pd.Timestamp(alert["window_start"]).tz_convert(timezone)
    end = pd.Timestamp(alert["window_end"]).tz_convert(timezone)
    if end - start <= HOURLY_UP_TO:
        series_len = "1h"
        series_from = _hourly(start) - CONTEXT_BEFORE
        series_until = min(
            _hourly(end - pd.Timedelta(seconds=1)) + pd.Timedelta(hours=1) + CONTEXT_AFTER, data_end
        )
    else:
        series_len = "1d"
        series_from = start.normalize() - pd.Timedelta(days=2)
        series_until = min(
            end.normalize() + pd.Timedelta(days=1), data_end.normalize() + pd.Timedelta(days=1)
        )
    kind = str(alert["kind"])
    cells: tuple[str, ...] = tuple(alert["cells"]) if kind != "surge" else ()  # type: ignore[arg-type]
    issue_types: tuple[str, ...] = ()
    if kind != "data_quality":
        issue_types = tuple(alert.get("issue_types") or [alert["issue_type"]])  # type: ignore[arg-type]
    return Scope(
        target=target,
        kind=kind,
        cells=cells,
        issue_types=issue_types,
        series_len=series_len,
        series_from=series_from,
        series_until=max(series_until, series_from + pd.Timedelta(hours=1)),
        complaints_from=start,
        # a pile-up's window ends at its last complaint (inclusive); others at a window's end
        complaints_until=end + pd.Timedelta(microseconds=1) if kind == "data_quality" else end,
        precision="placeholder" if kind == "data_quality" else "point",
        cluster_id=str(alert["cluster_id"]),
    )


def series(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """``window_start, observed, expected, low, high, flagged`` of the scope, every window.

    ``low``–``high`` is the 95% range of a Poisson count with the expected mean: a window above
    ``high`` is beyond what normal variation gives one time in forty. A data-quality alert has
    no expectation (its complaints are never counted in a cell): those columns are empty.
    """
    params: dict[str, object] = {
        "window_len": scope.series_len,
        "from": scope.series_from.to_pydatetime(),
        "until": scope.series_until.to_pydatetime(),
    }
    if scope.kind == "data_quality":
        frame = mapdata.query(con, "placeholder_series", {**params, "cells": list(scope.cells)})
    elif scope.kind == "surge":
        baseline_until = scope.complaints_from.to_pydatetime()
        frame = mapdata.query(
            con,
            "surge_series",
            {
                **params,
                "cluster_id": scope.cluster_id,
                "issue_type": scope.issue_types[0],
                "baseline_from": (scope.complaints_from - HISTORY).to_pydatetime(),
                "baseline_until": baseline_until,
            },
        )
    elif scope.kind == "district":
        frame = mapdata.query(
            con,
            "district_series",
            {
                **params,
                "district": scope.target.key,
                "issue_types": list(scope.issue_types),
                "history_from": (scope.series_from - HISTORY).to_pydatetime(),
            },
        )
    else:
        frame = mapdata.query(
            con,
            "target_series",
            {**params, "cells": list(scope.cells), "issue_types": list(scope.issue_types)},
        )
    expected = frame["expected"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        frame["low"] = poisson.ppf(BAND[0], expected)
        frame["high"] = poisson.ppf(BAND[1], expected)
    frame.loc[expected <= 0, ["low", "high"]] = 0.0
    return frame


@dataclass(frozen=True)
class ComplaintSummary:
    """How many complaints a drill-down covers, how many are repeats and how many graded A."""

    total: int
    repeats: int
    severe: int

    @property
    def repeat_share(self) -> float | None:
        return self.repeats / self.total if self.total else None

    @property
    def severe_share(self) -> float | None:
        return self.severe / self.total if self.total else None


def complaints(
    con: duckdb.DuckDBPyConnection, scope: Scope, limit: int = COMPLAINTS_SHOWN
) -> tuple[pd.DataFrame, ComplaintSummary]:
    """The newest ``limit`` complaints of the scope (masked) and the totals over all of them.

    Columns: ``reported_at, issue_type, customer_masked, channel, severity, text, is_repeat,
    district, cell_h3``.
    """
    frame = mapdata.query(
        con,
        "target_complaints",
        {
            "cells": list(scope.cells),
            "issue_types": list(scope.issue_types),
            "from": scope.complaints_from.to_pydatetime(),
            "until": scope.complaints_until.to_pydatetime(),
            "precision": scope.precision,
            "limit": limit,
        },
    )
    if frame.empty:
        summary = ComplaintSummary(0, 0, 0)
    else:
        first = frame.iloc[0]
        summary = ComplaintSummary(
            int(first["total"]), int(first["total_repeat"]), int(first["total_severe"])
        )
    return frame.drop(columns=["total", "total_repeat", "total_severe"]), summary


def export_alerts(con: duckdb.DuckDBPyConnection, cluster_ids: list[str], fmt: str) -> str:
    """The alerts ``cluster_ids`` in ``fmt`` (``csv``, ``geojson`` or ``json``), as the CLI
    writes them (``heatmap alerts --all --format FMT``), in the order given."""
    wanted = {cid: i for i, cid in enumerate(cluster_ids)}
    chosen = [
        a for a in alert_output.fetch_alerts(con, include_closed=True) if a["cluster_id"] in wanted
    ]
    chosen.sort(key=lambda a: wanted[a["cluster_id"]])
    return alert_output.render(chosen, fmt)
