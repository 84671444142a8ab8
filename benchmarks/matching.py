"""Alerts against truth: which planted events were found, when, and which alerts were false.

An alert matches a planted event of its own kind when

* hotspot: the alert's cells intersect the event's truth cells and their times overlap;
* surge: same issue type and their times overlap (a surge has no cells);
* data_quality: the alert's cells intersect the event's cells (the pile spans the whole period).

Times are half-open, ``[start, end)``. An event's detection delay is the earliest matching
alert's ``window_start`` minus the event's start, in hours (negative when the alert's window
began before the event, e.g. an hourly window 19:00–20:00 for an event starting at 19:40).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo_fixtures.scenario_events import TruthEvent

KINDS = ("hotspot", "surge", "data_quality")


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

    def touches_cells(self, event: TruthEvent) -> bool:
        return not self.cells.isdisjoint(event.cells)

    def matches(self, event: TruthEvent) -> bool:
        if self.kind != event.kind:
            return False
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
        events.append(EventOutcome(event.event_id, event.kind, bool(hits), delay))
    judged = [
        AlertOutcome(alert, tuple(e.event_id for e in truth if alert.matches(e)))
        for alert in alerts
    ]
    return Outcome(events, judged)


def describe_false(alert: Alert, truth: list[TruthEvent]) -> dict[str, Any]:
    """A false alert for the report, with any planted event it shares time or cells with."""
    near = [
        f"{'cells' if alert.touches_cells(e) else 'time'} of {e.event_id}"
        for e in truth
        if (e.kind != "surge" and alert.touches_cells(e))
        or (alert.overlaps(e) and e.kind == "surge" and e.issue_type == alert.issue_type)
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
