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
before a local midnight is a local midnight, DST or not). Every sum is a difference of
prefix sums over the stored counts, keyed by (group, time) and looked up with
``searchsorted``: DuckDB's range-framed windows cost seconds at a million counts. A rolling
window is never built: its count is a range of hourly counts, and its baseline (the sum of
the windows that start in a range) is ``span`` ranges of hourly counts, each an hour later.
The counts arrive in the cells' order, so only the neighbourhood and city series are rolled
up (by hashing); in an incremental run only the windows that can have changed are judged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from heatmap import grid
from heatmap.arrays import sorted_distinct
from heatmap.sqlfiles import bind_for, read_sql

HOUR_S = 3600
HOURLY, DAILY = "1h", "1d"
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


def score_inputs(
    con: duckdb.DuckDBPyConnection, scoring: ScoringPass, stored: StoredCounts | None = None
) -> pd.DataFrame:
    """The score inputs of ``scoring``'s windows, ordered by window_start, issue_type, cell.

    ``stored``: the counts :meth:`StoredCounts.load` read for a pass of the same counts, since
    and until (the clock hours' and the rolling 3-hour windows' share them); else read here.
    """
    stored = stored if stored is not None else StoredCounts.load(con, scoring)
    if stored.key != StoredCounts.key_of(scoring):
        raise ValueError(f"counts loaded for {stored.key}, not for {scoring}")
    ((zone,),) = con.execute("SELECT current_setting('TimeZone')").fetchall()
    if stored.judged_from is None:
        return _frame({}, zone)
    first_rescored = rescored_from(con, scoring)
    last_rescored = rescored_from(con, scoring, scoring.until) if scoring.until else None
    n_types, span = stored.n_types, scoring.span * HOUR_S
    group, t = split_keys(stored.cells.keys)

    # the windows judged: every start a count's hour can be in, in the rescored range
    first = max(stored.judged_from, int(first_rescored.timestamp()))
    starts = (t[:, None] - np.arange(scoring.span, dtype=np.int64)[None, :] * HOUR_S).ravel()
    in_range = starts >= first
    if last_rescored is not None:
        in_range &= starts < int(last_rescored.timestamp())
    times = _Times.of(con, scoring, starts[in_range])
    window_keys = sorted_distinct(_key(np.repeat(group, scoring.span)[in_range], starts[in_range]))
    w_group, w_t = split_keys(window_keys)
    observed = stored.cells.between(w_group, w_t, w_t + span)
    rows = np.flatnonzero(observed >= scoring.min_count)
    rows = rows[np.lexsort((w_group[rows] // n_types, w_group[rows] % n_types, w_t[rows]))]
    w_group, w_t, observed = w_group[rows], w_t[rows], observed[rows]
    w_cell, w_type = w_group // n_types, w_group % n_types
    w_parent = stored.parent_of[w_cell] * n_types + w_type
    return _frame(
        {
            "cell": stored.cell_ids[w_cell],
            "window_start": w_t,
            "issue_type": stored.type_names[w_type],
            "observed": observed,
            "cell_hist": stored.cells.history(w_group, w_t, times, scoring.span),
            "parent_hist": stored.parents.history(w_parent, w_t, times, scoring.span),
            "city_now": stored.city.between(w_type, w_t, w_t + span),
            "city_hist": stored.city.history(w_type, w_t, times, scoring.span),
            "active_cells": _active_cells(times, stored.cells, n_types, w_type, w_t, span),
        },
        zone,
    )


def _relation(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object]
) -> duckdb.DuckDBPyRelation:
    text = read_sql("pipelines", name)
    return con.sql(text, params=bind_for(text, params))


def _runs(sorted_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` of values already sorted, without a sort."""
    starts = np.r_[True, sorted_values[1:] != sorted_values[:-1]][: sorted_values.size]
    return sorted_values[starts], np.cumsum(starts) - 1


# A (group, time) key is group * KEY_STRIDE + epoch seconds: sorting keys sorts by group, then
# time, for any time from 1970 to 2106.
KEY_STRIDE = 1 << 32


def _key(group: np.ndarray, t: np.ndarray) -> np.ndarray:
    return group * KEY_STRIDE + t


def split_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (group, time) of each key."""
    return keys // KEY_STRIDE, keys % KEY_STRIDE


@dataclass(frozen=True)
class _Counts:
    """A series of stored counts by (group, time), summed over any time range of a group."""

    keys: np.ndarray  # sorted
    prefix: np.ndarray  # prefix[i]: the sum of the first i counts in key order

    @classmethod
    def of(cls, group: np.ndarray, t: np.ndarray, n: np.ndarray) -> _Counts:
        """The counts summed by (group, t): taken as they are when already in key order (the
        cells' own, as DuckDB returns them), summed run by run when in order with repeats (the
        cells' hours by day), else rolled up by hashing and only the sums sorted."""
        keys = _key(group, t)
        steps = np.diff(keys)
        if (steps < 0).any():
            codes, found = pd.factorize(keys)
            order = np.argsort(found)
            summed = np.bincount(codes, weights=n, minlength=found.size)
            keys, n = found[order], summed[order].astype(np.int64)
        elif (steps == 0).any():
            keys, runs = _runs(keys)
            n = np.bincount(runs, weights=n, minlength=keys.size).astype(np.int64)
        return cls(keys, np.concatenate(([0], np.cumsum(n, dtype=np.int64))))

    def between(self, group: np.ndarray, since: np.ndarray, until: np.ndarray) -> np.ndarray:
        """The sum of each group's counts from ``since`` up to (not including) ``until``."""
        upto = np.searchsorted(self.keys, _key(group, until), side="left")
        after = np.searchsorted(self.keys, _key(group, since), side="left")
        return self.prefix[upto] - self.prefix[after]

    def history(self, group: np.ndarray, t: np.ndarray, times: _Times, span: int) -> np.ndarray:
        """The sum of the counts of each group's windows in the baseline of its window at ``t``.

        A window of ``span`` hourly counts is the sum of them, so the windows that start from
        ``history_from`` up to ``history_to`` hold each count once for each of them it is in:
        the sum of ``span`` ranges of counts, each shifted an hour from the one before.
        """
        at = times.index_of(t)
        since, until = times.history_from[at], times.history_to[at]
        total = np.zeros(t.size, dtype=np.int64)
        for shift in range(0, span * HOUR_S, HOUR_S):
            total += self.between(group, since + shift, until + shift)
        return total.astype(np.float64)


@dataclass(frozen=True)
class StoredCounts:
    """The stored counts of spatial types that passes over the same counts read, as series.

    Grouped by (cell, issue type), by (resolution-6 neighbourhood, issue type) and by issue
    type alone (the city). Issue types are numbered in text order, as ORDER BY has them.
    """

    key: tuple[str, datetime, datetime | None]  # count_len, since, until
    # the first window with the burn-in before it, or one before every window of the passes
    # (None: no counts)
    judged_from: int | None
    type_names: np.ndarray
    cell_ids: np.ndarray
    parent_of: np.ndarray  # each cell's neighbourhood
    cells: _Counts  # by (cell * n_types + type, time): one key per stored count
    parents: _Counts
    city: _Counts
    days: np.ndarray  # the local day (epoch seconds) of each of the cells' keys

    @property
    def n_types(self) -> int:
        return int(self.type_names.size)

    @staticmethod
    def key_of(scoring: ScoringPass) -> tuple[str, datetime, datetime | None]:
        return (scoring.count_len, scoring.since, scoring.until)

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, scoring: ScoringPass) -> StoredCounts:
        """The counts every pass with ``scoring``'s counts, since and until reads."""
        type_names = np.asarray(sorted(scoring.spatial_types or ["<none>"]), dtype=object)
        params: dict[str, object] = {
            "count_len": scoring.count_len,
            "spatial_types": type_names.tolist(),
            "history": scoring.history + scoring.guard,
            "burn_in": scoring.burn_in,
            "since": scoring.since,
            "until": scoring.until,
        }
        stored = _relation(con, "score_counts", params).to_arrow_table()
        judged_from = _judged_from(con, params, scoring.burn_in)
        type_of = stored["type_of"].to_numpy().astype(np.int64)
        n_types = type_names.size
        cell_ids, cell_of = _runs(stored["cell"].to_numpy().astype(np.uint64))
        group = cell_of.astype(np.int64) * n_types + type_of
        t = stored["t"].to_numpy().astype(np.int64)
        n = stored["n"].to_numpy().astype(np.int64)
        parent_of = np.unique(
            grid.cells_to_parents(cell_ids, NEIGHBOURHOOD_RESOLUTION), return_inverse=True
        )[1].astype(np.int64)
        return cls(
            key=cls.key_of(scoring),
            judged_from=judged_from if t.size else None,
            type_names=type_names,
            cell_ids=cell_ids,
            parent_of=parent_of,
            cells=_Counts.of(group, t, n),
            parents=_Counts.of(parent_of[cell_of] * n_types + type_of, t, n),
            city=_Counts.of(type_of, t, n),
            days=_local_days(con, t),
        )

    def daily(self, con: duckdb.DuckDBPyConnection, scoring: ScoringPass) -> StoredCounts:
        """The daily counts of ``scoring`` (daily, with these hourly counts' since and until),
        summed from these by local day, as :meth:`load` would read them: a day's count is the
        sum of its hours' (both are counted from the same complaints), and the hourly counts
        of a pass start at a local midnight (sql/score_counts.sql)."""
        if self.key != (HOURLY, scoring.since, scoring.until) or scoring.count_len != DAILY:
            raise ValueError(f"daily counts of {scoring} are not sums of {self.key}")
        params: dict[str, object] = {
            "count_len": DAILY,
            "since": scoring.since,
            "burn_in": scoring.burn_in,
        }
        group, _ = split_keys(self.cells.keys)
        n = np.diff(self.cells.prefix)
        cell_of, type_of = group // self.n_types, group % self.n_types
        parent_group = self.parent_of[cell_of] * self.n_types + type_of
        cells = _Counts.of(group, self.days, n)
        return replace(
            self,
            key=self.key_of(scoring),
            judged_from=_judged_from(con, params, scoring.burn_in) if group.size else None,
            cells=cells,
            parents=_Counts.of(parent_group, self.days, n),
            city=_Counts.of(type_of, self.days, n),
            days=split_keys(cells.keys)[1],
        )


def _local_days(con: duckdb.DuckDBPyConnection, t: np.ndarray) -> np.ndarray:
    """The local day (epoch seconds of its midnight, in the session's zone) of each ``t``,
    worked out once per distinct hour (``sql/count_hour_days.sql``)."""
    hours = np.sort(pd.unique(t))  # hashed: a few hundred hours, not a sort of every count
    con.register("count_hours", pa.table({"t": hours}))
    try:
        day = _relation(con, "count_hour_days", {}).fetchnumpy()["day"]
    finally:
        con.unregister("count_hours")
    return np.asarray(day, dtype=np.int64)[np.searchsorted(hours, t)]


def _judged_from(
    con: duckdb.DuckDBPyConnection, params: dict[str, object], burn_in: timedelta
) -> int | None:
    """The first window start of the count length that is judged (epoch seconds), or, when
    counts go back a burn-in before the passes' since, a start before every window they
    return, which judges them the same without a scan of every count for the first."""
    early = _relation(con, "score_burned_in", params).fetchall()
    if early:
        ((counted,),) = early
        return int((counted + burn_in).timestamp())
    ((judged_from,),) = _relation(con, "score_bounds", params).fetchall()
    return int(judged_from) if judged_from is not None else None


@dataclass(frozen=True)
class _Times:
    """The judged window starts of one pass and their baselines (epoch seconds)."""

    starts: np.ndarray  # every judged window start, sorted
    history_from: np.ndarray  # where each one's baseline starts…
    history_to: np.ndarray  # …and ends (exclusive)
    active_from: np.ndarray  # the oldest count that keeps a cell active in it

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection, scoring: ScoringPass, judged: np.ndarray) -> _Times:
        starts = sorted_distinct(judged)
        con.register("window_starts", pa.table({"t": starts}))
        params: dict[str, object] = {
            "history": scoring.history,
            "guard": scoring.guard,
            "overlap": scoring.overlap,
        }
        try:
            found = _relation(con, "history_starts", params).fetchnumpy()
        finally:
            con.unregister("window_starts")
        return cls(
            starts=starts,
            history_from=np.asarray(found["history_from"], dtype=np.int64),
            history_to=np.asarray(found["history_to"], dtype=np.int64),
            active_from=np.asarray(found["active_from"], dtype=np.int64),
        )

    def index_of(self, t: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.starts, t)


def _active_cells(
    times: _Times,
    cells: _Counts,
    n_types: int,
    w_type: np.ndarray,
    w_t: np.ndarray,
    span: int,
) -> np.ndarray:
    """For each window: the cells with a count of its type in it or the ``history`` before.

    A stored count at ``t`` makes its cell active in the type's windows that start after
    ``t - span`` and whose ``active_from`` is at or before ``t``: a run of consecutive
    windows, since both bounds grow with the window's start. A cell's runs, in the order of its
    counts, start and end later and later, so their union is each run from where the one before
    it ended; ``active_cells`` is a running sum of those starts and ends over the windows.
    """
    window_keys = sorted_distinct(_key(w_type, w_t))
    q_type, q_t = split_keys(window_keys)
    active_keys = _key(q_type, times.active_from[times.index_of(q_t)])
    group, t = split_keys(cells.keys)
    type_of = group % n_types
    first = np.searchsorted(window_keys, _key(type_of, t - span), side="right")
    end = np.searchsorted(active_keys, _key(type_of, t), side="right")
    previous_end = np.full(end.size, -1, dtype=np.int64)
    same_group = group[1:] == group[:-1]
    previous_end[1:] = np.where(same_group, end[:-1], -1)
    first = np.maximum(first, previous_end)
    runs = first < end
    size = window_keys.size + 1
    delta = np.bincount(first[runs], minlength=size) - np.bincount(end[runs], minlength=size)
    active = np.cumsum(delta)
    return active[np.searchsorted(window_keys, _key(w_type, w_t))]


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
