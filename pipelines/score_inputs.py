"""Score inputs: every non-zero count of a spatial type with the history it is judged by.

For one scored window length (``pipelines.detect.SCORED_WINDOWS``) the result has one row per
(cell, window_start, issue_type) with a count, and the columns the scorer reads
(``heatmap.scoring.CellScorer``):

- ``observed``: the window's count (a rolling 3-hour window: the sum of its three hours);
- ``cell_hist`` and ``parent_hist``: the cell's and its resolution-6 neighbourhood's counts of
  the type over the ``history`` before the window, in earlier windows that neither overlap it
  nor fall in its ``guard`` band, so that an event's first hours never raise its own baseline;
- ``city_now`` and ``city_hist``: the type's citywide count in the window (it carries the
  hour-of-day and weekday rhythm, and a surge) and over the same history;
- ``active_cells``: how many cells had a count of the type in the window or the ``history``
  before it.

No look-ahead: every column is made of the window itself and windows before it.

The stored counts come from DuckDB (``sql/score_counts.sql``), and the start of each window's
history from DuckDB too, in the session's time zone (``sql/history_starts.sql``: 28 days
before a local midnight is a local midnight, DST or not). The trailing sums are prefix sums
over (group, time) keys looked up with ``searchsorted``: one sort per series instead of
DuckDB's range-framed windows, which cost seconds at a million counts, and, in an
incremental run, only the windows that can have changed are returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from heatmap import grid
from heatmap.sqlfiles import bind_for, read_sql

HOUR_S = 3600
NEIGHBOURHOOD_RESOLUTION = 6
COLUMNS = {
    "cell": "uint64",
    "window_start": None,
    "issue_type": "str",
    "observed": "float64",
    "cell_hist": "float64",
    "parent_hist": "float64",
    "city_now": "float64",
    "city_hist": "float64",
    "active_cells": "int64",
}


@dataclass(frozen=True)
class ScoringPass:
    """One window length to score, and which of its windows.

    ``count_len`` and ``span``: the stored counts a window is made of, and how many (3 hourly
    counts for the rolling 3-hour window, which starts every hour; else 1). ``since``: only
    windows that end after it are returned, and, with ``until``, only those that start before
    the first that ends after ``until`` (so that consecutive passes, each one's ``until`` the
    next one's ``since``, return every window once). ``min_count``: only windows with at least
    this many complaints are returned. ``history``: how long a baseline is; ``guard``: the gap
    between a window and its baseline (the baseline is the windows that start from
    ``history + guard`` to ``overlap + guard`` before it); ``burn_in``: the least data before a
    window is judged.
    """

    window_len: str
    count_len: str
    span: int
    min_count: int
    spatial_types: list[str]
    history: timedelta
    burn_in: timedelta
    since: datetime
    until: datetime | None = None
    guard: timedelta = timedelta(0)

    @property
    def overlap(self) -> timedelta:
        """How far a window reaches into the windows that start after it."""
        return timedelta(hours=self.span - 1)


def rescored_from(
    con: duckdb.DuckDBPyConnection, scoring: ScoringPass, since: datetime | None = None
) -> datetime:
    """The first window of ``scoring``'s length that ends after ``since`` (its own ``since``)."""
    params = {
        "window_len": scoring.window_len,
        "since": since or scoring.since,
        "overlap": scoring.overlap,
    }
    ((first,),) = _relation(con, "rescored_from", params).fetchall()
    return first  # type: ignore[no-any-return]


def score_inputs(con: duckdb.DuckDBPyConnection, scoring: ScoringPass) -> pd.DataFrame:
    """The score inputs of ``scoring``'s windows, ordered by window_start, issue_type, cell."""
    params: dict[str, object] = {
        "window_len": scoring.window_len,
        "count_len": scoring.count_len,
        "spatial_types": scoring.spatial_types or ["<none>"],
        "history": scoring.history + scoring.guard,
        "burn_in": scoring.burn_in,
        "since": scoring.since,
        "rescored_from": rescored_from(con, scoring),
        "rescored_until": rescored_from(con, scoring, scoring.until) if scoring.until else None,
        "span_hours": timedelta(hours=scoring.span),
    }
    stored = _relation(con, "score_counts", params).to_arrow_table()
    ((judged_from, first_rescored, last_rescored),) = _relation(
        con, "score_bounds", params
    ).fetchall()
    ((zone,),) = con.execute("SELECT current_setting('TimeZone')").fetchall()
    if stored.num_rows == 0 or judged_from is None:
        return _frame({}, zone)

    types = pc.dictionary_encode(stored["issue_type"]).combine_chunks()
    type_names = np.asarray(types.dictionary.to_pylist(), dtype=object)
    order = np.argsort(type_names)  # issue types in text order, as ORDER BY has them
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    type_of = rank[np.asarray(types.indices, dtype=np.int64)]
    type_names = type_names[order]
    n_types = type_names.size

    cell_ids, cell_of = np.unique(stored["cell"].to_numpy().astype(np.uint64), return_inverse=True)
    group = cell_of.astype(np.int64) * n_types + type_of
    t = stored["t"].to_numpy().astype(np.int64)
    order = np.lexsort((t, group))
    counts = _window_counts(
        group[order], t[order], stored["n"].to_numpy().astype(np.int64)[order], scoring.span
    )
    series = _Series.of(con, counts, scoring)

    group, t, n = counts
    keep = (t >= judged_from) & (t >= first_rescored) & (n >= scoring.min_count)
    if last_rescored is not None:
        keep &= t < last_rescored
    rows = np.flatnonzero(keep)
    rows = rows[np.lexsort((group[rows] // n_types, group[rows] % n_types, t[rows]))]
    cell_hist = series.trailing(group, t, n, rows)
    parent_ids = np.unique(
        grid.cells_to_parents(cell_ids, NEIGHBOURHOOD_RESOLUTION), return_inverse=True
    )[1].astype(np.int64)
    parent_group = parent_ids[group // n_types] * n_types + group % n_types
    parent_hist = series.rolled_up(parent_group, t, n)[1]
    city_index, city = series.roll_up(group % n_types, t, n)
    city_now, city_hist = city.n[city_index], series.trailing(city.group, city.t, city.n)
    active = _active_cells(series, group, t, city_index, city)
    return _frame(
        {
            "cell": cell_ids[group[rows] // n_types],
            "window_start": t[rows],
            "issue_type": type_names[group[rows] % n_types],
            "observed": n[rows],
            "cell_hist": cell_hist,
            "parent_hist": parent_hist[rows],
            "city_now": city_now[rows],
            "city_hist": city_hist[city_index[rows]],
            "active_cells": active[rows],
        },
        zone,
    )


def _relation(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object]
) -> duckdb.DuckDBPyRelation:
    text = read_sql("pipelines", name)
    return con.sql(text, params=bind_for(text, params))


def _window_counts(
    group: np.ndarray, t: np.ndarray, n: np.ndarray, span: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(group, window start, count) of every window with a count, sorted by group and start.

    The stored counts must be sorted by (group, t). A window of ``span`` counts starts at each
    stored count and in the ``span - 1`` hours before it; its count is a difference of prefix
    sums over the stored counts.
    """
    if span == 1:
        return group, t, n
    base = int(t.min()) - span * HOUR_S
    stride = int(t.max()) - base + 1
    stored = group * stride + (t - base)
    shifts = np.arange(span - 1, -1, -1, dtype=np.int64) * HOUR_S
    # nearly sorted already (each count's windows in order), which a stable sort exploits
    starts = np.sort((stored[:, None] - shifts[None, :]).ravel(), kind="stable")
    starts = starts[np.r_[True, starts[1:] != starts[:-1]]]
    prefix = np.concatenate(([0], np.cumsum(n, dtype=np.int64)))
    # a window never reaches past its group: a group's times lie within one stride
    upto = np.searchsorted(stored, starts + span * HOUR_S, side="left")
    since = np.searchsorted(stored, starts, side="left")
    return starts // stride, starts % stride + base, prefix[upto] - prefix[since]


@dataclass(frozen=True)
class _Rolled:
    """A series rolled up from the windows: one row per (group, window start), sorted."""

    group: np.ndarray
    t: np.ndarray
    n: np.ndarray


@dataclass(frozen=True)
class _Series:
    """The time keys shared by every series of one scoring pass."""

    starts: np.ndarray  # every window start, sorted (epoch seconds)
    history_from: np.ndarray  # where each one's baseline starts…
    history_to: np.ndarray  # …and ends (exclusive)
    active_from: np.ndarray  # the oldest count that keeps a cell active in it
    base: int
    stride: int

    @classmethod
    def of(
        cls,
        con: duckdb.DuckDBPyConnection,
        counts: tuple[np.ndarray, np.ndarray, np.ndarray],
        scoring: ScoringPass,
    ) -> _Series:
        starts = np.unique(counts[1])
        con.register("window_starts", pa.table({"t": starts}))
        params = {
            "history": scoring.history,
            "guard": scoring.guard,
            "overlap": scoring.overlap,
        }
        try:
            found = _relation(con, "history_starts", params).fetchnumpy()
        finally:
            con.unregister("window_starts")
        history_from = np.asarray(found["history_from"], dtype=np.int64)
        base = int(history_from.min())
        return cls(
            starts=starts,
            history_from=history_from,
            history_to=np.asarray(found["history_to"], dtype=np.int64),
            active_from=np.asarray(found["active_from"], dtype=np.int64),
            base=base,
            stride=int(starts.max()) - base + 1,
        )

    def key(self, group: np.ndarray, t: np.ndarray) -> np.ndarray:
        return group * self.stride + (t - self.base)

    def index_of(self, t: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.starts, t)

    def trailing(
        self, group: np.ndarray, t: np.ndarray, n: np.ndarray, rows: np.ndarray | None = None
    ) -> np.ndarray:
        """For each row of a series sorted by (group, t) (or the given ``rows`` of it): the sum
        of ``n`` over the same group's windows in its baseline (``history_from`` to
        ``history_to``: earlier windows that neither overlap it nor fall in its guard band)."""
        keys = self.key(group, t)
        prefix = np.concatenate(([0], np.cumsum(n, dtype=np.int64)))
        if rows is not None:
            group, t = group[rows], t[rows]
        at = self.index_of(t)
        upto = np.searchsorted(keys, self.key(group, self.history_to[at]), side="left")
        since = np.searchsorted(keys, self.key(group, self.history_from[at]), side="left")
        return (prefix[upto] - prefix[since]).astype(np.float64)

    def roll_up(
        self, group: np.ndarray, t: np.ndarray, n: np.ndarray
    ) -> tuple[np.ndarray, _Rolled]:
        """The sums of ``n`` by (group, t), and which of them each row falls in."""
        codes, found = pd.factorize(self.key(group, t))  # hashing: no sort of every row
        order = np.argsort(found)
        index = np.empty_like(order)
        index[order] = np.arange(order.size)
        index = index[codes]
        keys = found[order]
        summed = np.bincount(index, weights=n).astype(np.int64)
        return index, _Rolled(keys // self.stride, keys % self.stride + self.base, summed)

    def rolled_up(
        self, group: np.ndarray, t: np.ndarray, n: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each row's (group, t) sum and that sum's trailing history."""
        index, rolled = self.roll_up(group, t, n)
        return rolled.n[index], self.trailing(rolled.group, rolled.t, rolled.n)[index]


def _active_cells(
    series: _Series, group: np.ndarray, t: np.ndarray, city_index: np.ndarray, city: _Rolled
) -> np.ndarray:
    """For each window row: the cells with a count of its type in it or the ``history`` before.

    A cell is active at window W through its latest count at or before W, which must be no
    older than ``history`` before W; so each count is active from its own window until the
    cell's next count or the type's first window more than ``history`` after it, whichever
    comes first.
    ``active_cells`` is a running sum of those starts and ends over the type's windows.
    """
    size = city.t.size
    never = size  # an index past every window: "still active at the end"
    same_next = np.zeros(t.size, dtype=bool)
    same_next[:-1] = group[1:] == group[:-1]
    next_count = np.full(t.size, never, dtype=np.int64)
    next_count[:-1] = np.where(same_next[:-1], city_index[1:], never)
    # the type's windows are sorted by start, so their history starts are sorted too
    history_keys = series.key(city.group, series.active_from[series.index_of(city.t)])
    type_of = city.group[city_index]
    aged_out = np.searchsorted(history_keys, series.key(type_of, t), side="right")
    same_type = aged_out < size
    same_type[same_type] = city.group[aged_out[same_type]] == type_of[same_type]
    aged_out = np.where(same_type, aged_out, never)
    ends = np.minimum(next_count, aged_out)
    delta = np.bincount(city_index, minlength=size) - np.bincount(
        ends[ends < never], minlength=size
    )
    running = np.cumsum(delta)
    first_of_type = np.flatnonzero(np.r_[True, city.group[1:] != city.group[:-1]])
    before = np.where(first_of_type > 0, running[first_of_type - 1], 0)
    per_window = running - np.repeat(before, np.diff(np.r_[first_of_type, size]))
    return per_window[city_index].astype(np.int64)


def _frame(columns: dict[str, np.ndarray], zone: str) -> pd.DataFrame:
    """The score inputs as the DataFrame the scorer reads (window_start in ``zone``)."""
    frame = pd.DataFrame(
        {
            name: pd.Series(columns.get(name, []), dtype=dtype)
            for name, dtype in COLUMNS.items()
            if dtype is not None
        }
    )
    seconds = np.asarray(columns.get("window_start", []), dtype=np.int64)
    starts = pd.to_datetime(seconds, unit="s").tz_localize("UTC").tz_convert(zone)
    frame.insert(1, "window_start", starts.astype(f"datetime64[us, {zone}]"))
    return frame
