"""pipelines.score_inputs (numpy) against the same inputs written as one DuckDB query.

The reference (tests/reference_sql/score_inputs.sql) computes every history with
range-framed window functions: an independent implementation of the same definitions. Random
stores of hourly and daily counts, over a DST change in a DST zone and in Asia/Shanghai, must
give identical frames, row for row, for every scored window length, in a full run and in an
incremental one (only windows ending after ``since``).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import h3
import numpy as np
import pandas as pd
import pytest

from heatmap.sqlfiles import bind_for
from heatmap.sqlfunctions import prepare_connection
from heatmap.store import create_schema
from pipelines.detect import SCORED_WINDOWS
from pipelines.score_inputs import ScoringPass, StoredCounts, score_inputs

REFERENCE = Path(__file__).with_name("reference_sql") / "score_inputs.sql"
TYPES = ["fibre_loss", "outage", "weak_signal", "billing"]
SPATIAL = ["weak_signal", "fibre_loss", "outage"]  # not in text order, as a taxonomy may list them


def _cells(rng: np.random.Generator, n: int) -> list[int]:
    """``n`` resolution-8 cells in two resolution-6 neighbourhoods, one of them larger."""
    parents = [h3.latlng_to_cell(42.36, -71.06, 6), h3.latlng_to_cell(42.40, -71.20, 6)]
    children = [sorted(h3.cell_to_children(p, 8)) for p in parents]
    pool = children[0][:30] + children[1][:10]
    return [h3.str_to_int(c) for c in rng.choice(pool, size=n, replace=False)]


def _store(zone: str, seed: int) -> duckdb.DuckDBPyConnection:
    rng = np.random.default_rng(seed)
    con = duckdb.connect()
    prepare_connection(con, zone)
    create_schema(con)
    cells = _cells(rng, 25)
    start = pd.Timestamp("2015-02-20", tz=zone)  # the US changes its clocks on 2015-03-08
    hours = pd.date_range(start, periods=24 * 30, freq="h")
    size = 6000
    rows = pd.DataFrame(
        {
            "cell": rng.choice(cells, size=size),
            "window_start": rng.choice(hours, size=size),
            "issue_type": rng.choice(TYPES, size=size, p=[0.4, 0.2, 0.3, 0.1]),
        }
    )
    con.register("complaints_hourly", rows)
    con.execute(
        "INSERT INTO store.cell_counts "
        "SELECT cell::UBIGINT, 8, window_start, '1h', issue_type, count(*), 0, 0 "
        "FROM complaints_hourly GROUP BY ALL"
    )
    con.execute(
        "INSERT INTO store.cell_counts "
        "SELECT cell, 8, date_trunc('day', window_start), '1d', issue_type, sum(n), 0, 0 "
        "FROM store.cell_counts WHERE window_len = '1h' GROUP BY ALL"
    )
    con.unregister("complaints_hourly")
    return con


def _reference(con: duckdb.DuckDBPyConnection, scoring: ScoringPass) -> pd.DataFrame:
    text = REFERENCE.read_text(encoding="utf-8")
    params = {
        "window_len": scoring.window_len,
        "count_len": scoring.count_len,
        "span": scoring.span,
        "overlap": scoring.overlap,
        "min_count": scoring.min_count,
        "spatial_types": scoring.spatial_types,
        "history": scoring.history,
        "guard": scoring.guard,
        "burn_in": scoring.burn_in,
        "since": scoring.since,
    }
    return con.execute(text, bind_for(text, params)).df()


def _pass(
    window_len: str,
    since: pd.Timestamp,
    until: pd.Timestamp | None = None,
    guard: timedelta = timedelta(0),
) -> ScoringPass:
    """A pass over the random store: a week's baseline, two days of burn-in."""
    count_len, span = SCORED_WINDOWS[window_len]
    return ScoringPass(
        window_len=window_len,
        count_len=count_len,
        span=span,
        min_count=1 if span == 1 else 2,
        spatial_types=SPATIAL,
        history=timedelta(days=7),
        burn_in=timedelta(days=2),
        since=since.to_pydatetime(),
        until=until.to_pydatetime() if until is not None else None,
        guard=guard,
    )


@pytest.mark.parametrize(("zone", "seed"), [("America/New_York", 1), ("Asia/Shanghai", 2)])
@pytest.mark.parametrize("window_len", list(SCORED_WINDOWS))
# since day 0: nothing a burn-in before it (the first count is looked up); day 4: the first
# counts are just a burn-in and a day before it; day 21: long after the burn-in
@pytest.mark.parametrize("since_day", [0, 4, 21])
@pytest.mark.parametrize("guard_hours", [0, 24])
def test_numpy_inputs_equal_the_reference_query(
    zone: str, seed: int, window_len: str, since_day: int, guard_hours: int
) -> None:
    con = _store(zone, seed)
    since = pd.Timestamp("2015-02-20", tz=zone) + pd.Timedelta(days=since_day, hours=5)
    scoring = _pass(window_len, since, guard=timedelta(hours=guard_hours))
    expected = _reference(con, scoring)
    got = score_inputs(con, scoring)
    assert len(expected) > 100  # the store is busy enough for the comparison to mean something
    pd.testing.assert_frame_equal(got, expected)


def test_an_empty_store_gives_an_empty_frame_of_the_same_columns() -> None:
    con = duckdb.connect()
    prepare_connection(con, "UTC")
    create_schema(con)
    scoring = _pass("1h", pd.Timestamp("2015-03-01", tz="UTC"))
    got = score_inputs(con, scoring)
    assert got.empty
    assert list(got.columns) == list(_reference(con, scoring).columns)


@pytest.mark.parametrize("window_len", list(SCORED_WINDOWS))
def test_consecutive_passes_return_every_window_once(window_len: str) -> None:
    """Passes split at instants (each one's until the next one's since) make one whole pass."""
    zone = "America/New_York"
    con = _store(zone, 3)
    start = pd.Timestamp("2015-02-20", tz=zone)
    cuts = [start + pd.Timedelta(days=d, hours=h) for d, h in ((0, 5), (9, 0), (16, 7), (23, 0))]
    passes = [
        _pass(window_len, since, until, guard=timedelta(days=1))
        for since, until in zip(cuts, [*cuts[1:], None], strict=True)
    ]
    parts = pd.concat([score_inputs(con, p) for p in passes], ignore_index=True)
    whole = _reference(con, passes[0])
    assert len(whole) > 100
    pd.testing.assert_frame_equal(parts, whole)


@pytest.mark.parametrize(("zone", "seed"), [("America/New_York", 4), ("Asia/Shanghai", 5)])
@pytest.mark.parametrize(("since_day", "until_day"), [(0, None), (4, None), (9, 16.3)])
@pytest.mark.parametrize("guard_hours", [0, 24])
def test_daily_counts_summed_from_the_hours_score_as_the_stored_days(
    zone: str, seed: int, since_day: int, until_day: float | None, guard_hours: int
) -> None:
    """A pass's daily counts summed from its hourly ones (StoredCounts.daily) give the score
    inputs of the daily counts read from the store, across a DST change and with a pass that
    ends mid-day; their days are those the store has."""
    con = _store(zone, seed)
    start = pd.Timestamp("2015-02-20", tz=zone)
    since = start + pd.Timedelta(days=since_day, hours=5)
    until = start + pd.Timedelta(days=until_day) if until_day is not None else None
    guard = timedelta(hours=guard_hours)
    hourly = StoredCounts.load(con, _pass("1h", since, until, guard=guard))
    daily_pass = _pass("1d", since, until, guard=guard)
    summed, read = hourly.daily(con, daily_pass), StoredCounts.load(con, daily_pass)
    got = score_inputs(con, daily_pass, summed)
    assert len(got) > 50
    pd.testing.assert_frame_equal(got, score_inputs(con, daily_pass, read))
    assert summed.judged_from == read.judged_from
    if until is None:  # a pass that ends mid-day holds only part of its last day's hours
        pd.testing.assert_frame_equal(got, _reference(con, daily_pass))
        assert np.array_equal(summed.cells.keys, read.cells.keys)
        assert np.array_equal(summed.cells.prefix, read.cells.prefix)
        assert np.array_equal(summed.days, read.days)
