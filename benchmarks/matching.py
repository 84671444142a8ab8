"""Alerts against truth: which planted events were found, when, and which alerts were false.

An alert matches a planted event of its own kind when

* hotspot: the alert's cells intersect the event's truth cells and their times overlap;
* surge: same issue type and their times overlap (a surge has no cells);
* data_quality: the alert's cells intersect the event's cells (the pile spans the whole period).

Times are half-open, ``[start, end)``. An event's detection delay is the earliest matching
alert's ``window_start`` minus the event's start, in hours (negative when the alert's window
began before the event, e.g. an hourly window 19:00–20:00 for an event starting at 19:40).

When an alert carries its windows (the engine's ``alert_windows``, or a peer's clusters), a
hotspot is matched window by window: some window of the alert must share cells with the event,
overlap it in time, and localise it (at least :data:`LOCALISED` of the window's cells on the
event's cells or their ring-1 neighbours). The event is then *known* at the end of the first
such window, the earliest moment a detector that judges a window at its end could raise it:
``time_to_alert_h`` is that moment minus the event's start, and the event counts as found
*within one window* when that window ends no later than the end of the hourly window after the
one the event started in (an event starting 19:40 must be flagged by 21:00). A daily window is
judged at midnight, so a detection by daily windows alone is late unless the event began late
in the day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import h3
import numpy as np
import pandas as pd

from geo_fixtures.scenario_events import TruthEvent

KINDS = ("hotspot", "surge", "data_quality")
# A window localises an event when at least this share of its cells lie on the event's cells or
# their ring-1 neighbours: "somewhere in these fifty cells" does not localise a three-cell event.
LOCALISED = 0.5


@dataclass(frozen=True)
class AlertWindow:
    """One window of an alert: the cells flagged in it, ``[start, end)``."""

    start: pd.Timestamp
    end: pd.Timestamp
    cells: frozenset[str]

    def matches(self, event: TruthEvent) -> bool:
        """Overlaps the event in time, shares a cell with it, and localises it."""
        if not (self.start < event.end and self.end > event.start):
            return False
        if self.cells.isdisjoint(event.cells):
            return False
        return len(self.cells & _footprint(event.cells)) >= LOCALISED * len(self.cells)


@dataclass(frozen=True)
class Alert:
    """The fields of one contract alert (``heatmap alerts --format json``) that matching uses."""

    cluster_id: str
    kind: str
    issue_type: str
    label: str
    start: pd.Timestamp
    end: pd.Timestamp
    cells: frozenset[str]
    observed: int
    expected: float
    score: float
    district: str | None
    windows: tuple[AlertWindow, ...] = ()

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> Alert:
        return cls(
            cluster_id=record["cluster_id"],
            kind=record["kind"],
            issue_type=record["issue_type"],
            label=record["label"],
            start=pd.Timestamp(record["window_start"]),
            end=pd.Timestamp(record["window_end"]),
            cells=frozenset(record["cells"]),
            observed=int(record["observed"]),
            expected=float(record["expected"]),
            score=float(record["score"]),
            district=record.get("district"),
        )

    def overlaps(self, event: TruthEvent) -> bool:
        return bool(self.start < event.end and self.end > event.start)

    def known_at(self, event: TruthEvent) -> pd.Timestamp | None:
        """When this (matching) alert first showed the event: its first matching window's end.

        None for a data-quality alert (the pile spans the whole period) or an alert without
        its windows.
        """
        if self.kind == "hotspot":
            ends = [w.end for w in self.windows if w.matches(event)]
        elif self.kind == "surge":
            ends = [w.end for w in self.windows if w.start < event.end and w.end > event.start]
        else:
            ends = []
        return min(ends, default=None)

    def touches_cells(self, event: TruthEvent) -> bool:
        return not self.cells.isdisjoint(event.cells)

    def matches(self, event: TruthEvent) -> bool:
        if self.kind != event.kind:
            return False
        if self.kind == "hotspot" and self.windows:
            return any(w.matches(event) for w in self.windows)
        if self.kind == "hotspot":
            return self.touches_cells(event) and self.overlaps(event)
        if self.kind == "surge":
            return self.issue_type == event.issue_type and self.overlaps(event)
        return self.touches_cells(event)


@dataclass(frozen=True)
class EventOutcome:
    event_id: str
    kind: str
    found: bool
    delay_h: float | None
    time_to_alert_h: float | None = None
    on_time_limit_h: float = 2.0

    @property
    def on_time(self) -> bool:
        """Known by the end of the hourly window after the one the event started in."""
        return self.time_to_alert_h is not None and self.time_to_alert_h <= self.on_time_limit_h


@dataclass(frozen=True)
class AlertOutcome:
    alert: Alert
    matched: tuple[str, ...]

    @property
    def is_false(self) -> bool:
        return not self.matched


@dataclass(frozen=True)
class Outcome:
    """One run's alerts judged against its truth."""

    events: list[EventOutcome]
    alerts: list[AlertOutcome]

    def false_alerts(self) -> list[AlertOutcome]:
        return [a for a in self.alerts if a.is_false]


def evaluate(alerts: list[Alert], truth: list[TruthEvent]) -> Outcome:
    """Match every alert to every planted event (see the module docstring for the rules)."""
    events = []
    for event in truth:
        hits = [a for a in alerts if a.matches(event)]
        delay = min((a.start - event.start).total_seconds() for a in hits) / 3600 if hits else None
        known = min((k for a in hits if (k := a.known_at(event)) is not None), default=None)
        to_alert = (known - event.start).total_seconds() / 3600 if known is not None else None
        limit = (event.start.floor("h") + pd.Timedelta(hours=2) - event.start).total_seconds()
        events.append(
            EventOutcome(event.event_id, event.kind, bool(hits), delay, to_alert, limit / 3600)
        )
    judged = [
        AlertOutcome(alert, tuple(e.event_id for e in truth if alert.matches(e)))
        for alert in alerts
    ]
    return Outcome(events, judged)


def describe_false(alert: Alert, truth: list[TruthEvent]) -> dict[str, Any]:
    """A false alert for the report, with any planted event it shares time or cells with.

    A surge that coincides with a hotspot of its own type names that hotspot: the hotspot's
    calls outside its flagged cells still count citywide.
    """
    near = [
        f"{'cells' if alert.touches_cells(e) else 'time'} of {e.event_id}"
        for e in truth
        if (e.kind != "surge" and alert.touches_cells(e))
        or (alert.overlaps(e) and e.kind == "surge" and e.issue_type == alert.issue_type)
        or (
            alert.kind == "surge"
            and e.kind == "hotspot"
            and e.issue_type == alert.issue_type
            and alert.overlaps(e)
        )
    ]
    return {
        "cluster_id": alert.cluster_id,
        "kind": alert.kind,
        "issue_type": alert.issue_type,
        "window_start": alert.start.isoformat(),
        "hours": round((alert.end - alert.start).total_seconds() / 3600, 1),
        "n_cells": len(alert.cells),
        "observed": alert.observed,
        "expected": round(alert.expected, 2),
        "score": round(alert.score, 1),
        "district": alert.district,
        "shares": ", ".join(near) or "-",
    }


def _footprint(cells: Iterable[str]) -> frozenset[str]:
    """An event's cells and their ring-1 neighbours."""
    return frozenset(d for c in cells for d in h3.grid_disk(c, 1))


def judge_hotspot_windows(windows: pd.DataFrame, truth: list[TruthEvent]) -> JudgedWindows:
    """Window-by-window hotspot matching, vectorised (the rule of :meth:`AlertWindow.matches`).

    Parameters
    ----------
    windows : DataFrame
        ``episode`` (the alert), ``window_start``, ``window_end`` (tz-aware) and ``cells`` (a
        tuple of integer H3 cells) for every window of every hotspot alert.
    truth : the scenario's planted events (only hotspots are used).
    """
    hotspots = [e for e in truth if e.kind == "hotspot"]
    lengths = windows["cells"].map(len).to_numpy() if len(windows) else np.empty(0, int)
    exploded = pd.DataFrame(
        {
            "row": np.repeat(np.arange(len(windows)), lengths),
            "cell": np.fromiter(
                (c for cs in windows["cells"] for c in cs),
                dtype=np.uint64,
                count=int(lengths.sum()),
            ),
        }
    )
    near = pd.DataFrame(
        [
            (i, h3.str_to_int(c), c in e.cells)
            for i, e in enumerate(hotspots)
            for c in _footprint(e.cells)
        ],
        columns=["event", "cell", "core"],
    ).astype({"event": np.int64, "cell": np.uint64, "core": bool})
    joined = exploded.merge(near, on="cell")
    hits = joined.groupby(["row", "event"]).agg(core=("core", "any"), near=("cell", "size"))
    hits = hits.reset_index()
    if len(hits):
        rows, ev = hits["row"].to_numpy(), hits["event"].to_numpy()
        w_start = pd.DatetimeIndex(windows["window_start"]).as_unit("ns").asi8[rows]
        w_end = pd.DatetimeIndex(windows["window_end"]).as_unit("ns").asi8[rows]
        e_start = np.array([e.start.value for e in hotspots], dtype=np.int64)[ev]
        e_end = np.array([e.end.value for e in hotspots], dtype=np.int64)[ev]
        local = hits["near"].to_numpy() >= LOCALISED * lengths[rows]
        keep = (w_start < e_end) & (w_end > e_start) & hits["core"].to_numpy() & local
        hits = hits[keep].assign(window_end=w_end[keep])
    first_end = hits.groupby("event")["window_end"].min() if len(hits) else pd.Series(dtype=int)
    records = []
    for i, event in enumerate(hotspots):
        limit = (event.start.floor("h") + pd.Timedelta(hours=2) - event.start) / pd.Timedelta(
            hours=1
        )
        to_alert = None
        if i in first_end.index:
            to_alert = (int(first_end[i]) - event.start.value) / 3.6e12
        records.append(
            EventOutcome(event.event_id, "hotspot", to_alert is not None, None, to_alert, limit)
        )
    matched = np.zeros(len(windows), dtype=bool)
    if len(hits):
        matched[hits["row"].unique()] = True
    return JudgedWindows(records, matched)


@dataclass(frozen=True)
class JudgedWindows:
    """Planted hotspots found (and when), and which windows matched one."""

    events: list[EventOutcome]
    matched: np.ndarray
