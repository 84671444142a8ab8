"""The inputs of scoring, per window length, checked against counts made by hand.

A small store is filled with hourly counts of one cell; ``pipelines.score_inputs`` must
give each window its own count (a rolling 3-hour window: the sum of its three hours) and a
history made only of earlier windows that do not overlap it, so that an event's first hours
never raise its own baseline.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import h3
import pandas as pd
import pytest

from heatmap.sqlfiles import query_file
from heatmap.sqlfunctions import prepare_connection
from heatmap.store import create_schema
from pipelines.detect import SCORED_WINDOWS, WINDOWS_PER_WEEK
from pipelines.judged_pairs import add_judged_pairs, start_judged_pairs
from pipelines.score_inputs import ScoringPass, StoredCounts, score_inputs

CELL = h3.str_to_int(h3.latlng_to_cell(39.90, 116.40, 8))
T0 = datetime(2026, 11, 1, tzinfo=UTC)
HOURS = 30
# one complaint an hour, except hours 26, 27 and 28: 4, 5, 6
COUNTS = {h: {26: 4, 27: 5, 28: 6}.get(h, 1) for h in range(HOURS)}


def _insert_counts(connection: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> None:
    connection.register("rows", rows)
    connection.execute(
        "INSERT INTO store.cell_counts SELECT cell::UBIGINT, resolution, window_start, "
        "window_len, issue_type, n, n_repeat, n_severe FROM rows"
    )
    connection.unregister("rows")


@pytest.fixture()
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    prepare_connection(connection, "UTC")
    create_schema(connection)
    rows = pd.DataFrame(
        {
            "cell": [CELL] * HOURS,
            "resolution": 8,
            "window_start": [T0 + timedelta(hours=h) for h in range(HOURS)],
            "window_len": "1h",
            "issue_type": "fibre_loss",
            "n": [COUNTS[h] for h in range(HOURS)],
            "n_repeat": 0,
            "n_severe": 0,
        }
    )
    _insert_counts(connection, rows)
    return connection


def _inputs(
    con: duckdb.DuckDBPyConnection, window_len: str, guard: timedelta = timedelta(0)
) -> pd.DataFrame:
    count_len, span = SCORED_WINDOWS[window_len]
    scoring = ScoringPass(
        window_len=window_len,
        count_len=count_len,
        span=span,
        min_count=1,
        spatial_types=["fibre_loss"],
        history=timedelta(hours=24),
        burn_in=timedelta(hours=0),
        since=T0,
        guard=guard,
    )
    frame = score_inputs(con, scoring)
    frame["hour"] = [
        int((pd.Timestamp(s).tz_convert("UTC") - T0).total_seconds() // 3600)
        for s in frame["window_start"]
    ]
    return frame.set_index("hour")


def test_hourly_windows_are_the_stored_counts_with_the_day_before_as_history(con) -> None:
    inputs = _inputs(con, "1h")
    assert inputs.loc[27, "observed"] == 5
    # the 24 hours before hour 27 (hours 3..26), the window itself excluded
    assert inputs.loc[27, "cell_hist"] == sum(COUNTS[h] for h in range(3, 27))


def test_a_guard_band_keeps_the_latest_hours_out_of_the_baseline(con) -> None:
    """Hour 28 with a 2-hour guard: the baseline is hours 2..25, not the event's 26 and 27."""
    inputs = _inputs(con, "1h", guard=timedelta(hours=2))
    assert inputs.loc[28, "cell_hist"] == sum(COUNTS[h] for h in range(2, 26)) == 24
    # without the guard, hours 4..27: the event's own 4 + 5 complaints are in it
    assert _inputs(con, "1h").loc[28, "cell_hist"] == 22 + 4 + 5


def test_a_guarded_rolling_window_skips_the_band_before_it(con) -> None:
    inputs = _inputs(con, "3h", guard=timedelta(hours=1))
    start = 27
    # windows starting 25 h to 4 h before: s = 2..23 (each the sum of its three hours)
    expected = sum(
        sum(COUNTS.get(s + k, 0) for k in range(3)) for s in range(start - 25, start - 3)
    )
    assert inputs.loc[start, "cell_hist"] == expected


def test_a_rolling_three_hour_window_sums_its_hours(con) -> None:
    inputs = _inputs(con, "3h")
    for start in range(HOURS):
        assert inputs.loc[start, "observed"] == sum(COUNTS.get(start + k, 0) for k in range(3))


def test_a_rolling_window_is_judged_by_windows_that_do_not_overlap_it(con) -> None:
    inputs = _inputs(con, "3h")
    start = 26  # the event's three hours
    # earlier windows that end by this one's start: they start 24 h before, up to 3 h before
    earlier = range(start - 24, start - 2)
    expected = sum(sum(COUNTS.get(s + k, 0) for k in range(3)) for s in earlier if s >= -2)
    assert inputs.loc[start, "cell_hist"] == expected
    assert inputs.loc[start, "city_hist"] == expected  # one cell: the city is that cell


def test_cluster_candidates_count_the_cell_types_judged_before_the_day() -> None:
    """tests_per_week: the (cell, spatial type) pairs with a count in the history before the
    window's day, times the windows a week holds; the day itself and non-spatial types never
    count, and a count older than the history has aged out."""
    connection = duckdb.connect()
    prepare_connection(connection, "UTC")
    create_schema(connection)
    other = h3.str_to_int(h3.grid_ring(h3.int_to_str(CELL), 1)[0])
    day = T0 + timedelta(days=10)
    daily = [  # (cell, days before the window's day, type)
        (CELL, 1, "fibre_loss"),
        (CELL, 3, "fibre_loss"),  # the same pair again
        (CELL, 2, "call_drop"),
        (other, 5, "fibre_loss"),
        (other, 0, "call_drop"),  # the window's own day
        (other, 8, "power_outage"),  # older than the history
        (other, 1, "data_billing"),  # not spatial
    ]
    rows = pd.DataFrame(
        {
            "cell": [c for c, _, _ in daily],
            "resolution": 8,
            "window_start": [day - timedelta(days=d) for _, d, _ in daily],
            "window_len": "1d",
            "issue_type": [t for _, _, t in daily],
            "n": 1,
            "n_repeat": 0,
            "n_severe": 0,
        }
    )
    _insert_counts(connection, rows)
    connection.execute(
        "INSERT INTO store.cell_scores VALUES ($cell, $start, '1h', 'fibre_loss', 4, 0.01, "
        "1e-8, 20.0, true)",
        {"cell": CELL, "start": day + timedelta(hours=5)},
    )
    history = timedelta(days=7)
    daily_pass = ScoringPass(
        window_len="1d",
        count_len="1d",
        span=1,
        min_count=1,
        spatial_types=["fibre_loss", "call_drop", "power_outage"],
        history=history,
        burn_in=timedelta(days=1),
        since=T0,
    )
    start_judged_pairs(connection)
    add_judged_pairs(connection, StoredCounts.load(connection, daily_pass), history, T0)
    params = {
        "window_len": "1h",
        "rescored_from": T0,
        "rescored_until": None,
        "support_alpha": 0.05,
        "support_min_count": 1,
        "windows_per_week": WINDOWS_PER_WEEK,
    }
    found = query_file(connection, "pipelines", "cluster_candidates", params)
    assert WINDOWS_PER_WEEK == 168 + 168 + 7
    assert found["tests_per_week"].tolist() == [3 * WINDOWS_PER_WEEK]
