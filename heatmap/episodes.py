"""Episodes: the per-window clusters of one event, linked into one alert with a status.

An event that lasts five hours is flagged in five hourly windows and one or two daily windows,
and an area outage brings outage, broadband-down and no-signal calls together; the operator
wants one alert. Hotspot clusters link when their times touch (within ``gap``) and their cells
overlap or are adjacent, whatever their issue type; the episode is labelled by its dominant
type. Surges link when they are of the same type and their times touch. The alert's times come
from its hourly windows when it has any (they say "since when" to the hour), else its daily.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from heatmap import grid

WINDOW_LENGTHS = {"1h": timedelta(hours=1), "3h": timedelta(hours=3), "1d": timedelta(days=1)}
"""The scored windows: clock hours, rolling 3-hour windows (one starts every hour), and days."""


@dataclass(eq=False)  # an episode is itself, not its contents: identity comparison
class Episode:
    """One alert in the making: the clusters of one event across windows."""

    kind: str
    rows: list[pd.Series] = field(default_factory=list)
    cells: set[int] = field(default_factory=set)
    start: datetime | None = None
    end: datetime | None = None

    def add(self, row: pd.Series) -> None:
        self.rows.append(row)
        self.cells.update(int(c) for c in row["cells"])
        row_end = row["window_start"] + WINDOW_LENGTHS[row["window_len"]]
        self.start = (
            row["window_start"] if self.start is None else min(self.start, row["window_start"])
        )
        self.end = row_end if self.end is None else max(self.end, row_end)

    def absorb(self, other: Episode) -> None:
        for row in other.rows:
            self.add(row)

    @property
    def issue_type(self) -> str:
        """The dominant issue type: the most complaints over the episode's windows."""
        totals: dict[str, int] = {}
        for row in self.primary_rows():
            totals[row["issue_type"]] = totals.get(row["issue_type"], 0) + int(row["observed"])
        return max(sorted(totals), key=lambda t: totals[t])

    def primary_rows(self) -> list[pd.Series]:
        """The hourly windows when there are any, else the daily ones, else the best 3-hour one.

        Rolling 3-hour windows overlap, so their counts cannot be added up: an episode seen
        only in them is described by the one that scored highest.
        """
        for window_len in ("1h", "1d"):
            rows = [r for r in self.rows if r["window_len"] == window_len]
            if rows:
                return rows
        return [max(self.rows, key=lambda r: float(r["score"]))]


def _touches(episode: Episode, row: pd.Series, gap: timedelta, spatial: bool) -> bool:
    assert episode.end is not None and episode.start is not None
    row_end = row["window_start"] + WINDOW_LENGTHS[row["window_len"]]
    if row["window_start"] > episode.end + gap or row_end < episode.start - gap:
        return False
    if not spatial:
        return bool(episode.rows[0]["issue_type"] == row["issue_type"])
    ring = set(
        int(c)
        for disk in grid.grid_disks(np.asarray(row["cells"], dtype=np.uint64), 1)
        for c in disk
    )
    return not ring.isdisjoint(episode.cells)


def link_episodes(
    clusters: pd.DataFrame, kind: str, gap: timedelta = timedelta(hours=1)
) -> list[Episode]:
    """Group cluster rows (hourly and daily together) into episodes, in time order.

    ``kind`` is ``hotspot`` (linked by place, across issue types) or ``surge`` (by type).
    """
    if clusters.empty:
        return []
    order = clusters.assign(
        _end=[
            s + WINDOW_LENGTHS[w]
            for s, w in zip(clusters["window_start"], clusters["window_len"], strict=True)
        ]
    ).sort_values(["_end", "window_len", "issue_type"], kind="stable")
    episodes: list[Episode] = []
    # The episodes a row can still touch. Rows come in the order of their ends, and a row
    # starts at most the longest window before its end, so an episode that ended more than
    # that (and the gap) before a row's end touches no later row either: a year of clusters is
    # linked against the open episodes only, not against every episode so far.
    open_episodes: list[Episode] = []
    reach = gap + max(WINDOW_LENGTHS.values())
    spatial = kind == "hotspot"
    for row_end, (_, row) in zip(order["_end"], order.iterrows(), strict=True):
        open_episodes = [e for e in open_episodes if e.end is not None and e.end + reach >= row_end]
        matches = [e for e in open_episodes if _touches(e, row, gap, spatial)]
        if not matches:
            episode = Episode(kind)
            episode.add(row)
            episodes.append(episode)
            open_episodes.append(episode)
            continue
        keeper = matches[0]
        keeper.add(row)
        for other in matches[1:]:
            keeper.absorb(other)
            episodes.remove(other)
            open_episodes.remove(other)
    return episodes


def episode_status(start: datetime, end: datetime, as_of: datetime, window: timedelta) -> str:
    """``new`` or ``ongoing`` while flagged in the latest window, ``resolved`` after."""
    if end < as_of - window:
        return "resolved"
    if start >= as_of - 3 * window:
        return "new"
    return "ongoing"
