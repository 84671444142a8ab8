"""pipelines.judged_pairs (numpy, pass by pass) against the same count as one window query.

The reference (tests/reference_sql/judged_pairs.sql) is the query the engine ran before: each
daily count's next one by a window function over the whole store. Random daily counts over a
DST change, with gaps longer than the history (so counts age out as well as take over), read
in scoring passes cut like a long rescoring, must give the same number of judged pairs on
every day the cluster search can read, in a DST zone and in Asia/Shanghai.
"""

from __future__ import annotations

from datetime import timedelta

import duckdb
import h3
import numpy as np
import pandas as pd
import pytest

from heatmap.sqlfiles import bind_for
from heatmap.sqlfunctions import prepare_connection
from heatmap.store import create_schema
from pipelines.judged_pairs import add_judged_pairs, start_judged_pairs
from pipelines.score_inputs import ScoringPass, StoredCounts
from tests.test_score_inputs import REFERENCE as SCORE_REFERENCE

REFERENCE = SCORE_REFERENCE.with_name("judged_pairs.sql")
SPATIAL = ["weak_signal", "fibre_loss", "outage"]
HISTORY = timedelta(days=7)
START = "2015-02-20"  # the US changes its clocks on 2015-03-08 and 2015-11-01
DAYS = 70


def _store(zone: str, seed: int) -> duckdb.DuckDBPyConnection:
    """Daily counts of 60 cells: some counted most days, some every few weeks."""
    rng = np.random.default_rng(seed)
    con = duckdb.connect()
    prepare_connection(con, zone)
    create_schema(con)
    days = pd.date_range(pd.Timestamp(START, tz=zone), periods=DAYS, freq="D")
    parent = h3.latlng_to_cell(42.36, -71.06, 6)
    cells = [h3.str_to_int(c) for c in sorted(h3.cell_to_children(parent, 8))[:60]]
    rows = []
    for cell in cells:
        rate = rng.choice([0.8, 0.3, 0.05])
        for issue_type in [*SPATIAL, "billing"]:
            counted = days[rng.random(DAYS) < rate]
            rows += [(cell, day, issue_type) for day in counted]
    frame = pd.DataFrame(rows, columns=["cell", "window_start", "issue_type"])
    con.register("daily", frame)
    con.execute(
        "INSERT INTO store.cell_counts SELECT cell::UBIGINT, 8, window_start, '1d', issue_type, "
        "1, 0, 0 FROM daily"
    )
    con.unregister("daily")
    return con


def _daily_pass(since: pd.Timestamp, until: pd.Timestamp | None) -> ScoringPass:
    return ScoringPass(
        window_len="1d",
        count_len="1d",
        span=1,
        min_count=1,
        spatial_types=SPATIAL,
        history=HISTORY,
        burn_in=timedelta(days=2),
        since=since.to_pydatetime(),
        until=until.to_pydatetime() if until is not None else None,
        guard=timedelta(days=1),
    )


def _levels(con: duckdb.DuckDBPyConnection, table: str, days: pd.DatetimeIndex) -> list[int]:
    """The judged pairs each of ``days`` reads, as cluster_candidates.sql joins them."""
    con.register("days", pd.DataFrame({"day": days}))
    try:
        rows = con.execute(
            f"SELECT d.day, coalesce(j.pairs, 0) FROM days AS d "
            f"ASOF LEFT JOIN {table} AS j ON d.day >= j.changed_on ORDER BY d.day"
        ).fetchall()
    finally:
        con.unregister("days")
    return [int(pairs) for _, pairs in rows]


@pytest.mark.parametrize(("zone", "seed"), [("America/New_York", 1), ("Asia/Shanghai", 2)])
@pytest.mark.parametrize("since_day", [0, 30])
@pytest.mark.parametrize("parts", [1, 4])
def test_pairs_counted_pass_by_pass_equal_the_window_query(
    zone: str, seed: int, since_day: int, parts: int
) -> None:
    con = _store(zone, seed)
    text = REFERENCE.read_text(encoding="utf-8")
    params = {"spatial_types": SPATIAL, "history": HISTORY, "counted_from": pd.Timestamp(0)}
    con.execute(text, bind_for(text, params))

    start = pd.Timestamp(START, tz=zone)
    since = start + pd.Timedelta(days=since_day, hours=1)  # a rolling window starts the day before
    step = pd.Timedelta(days=(DAYS - since_day) // parts)
    cuts = [since + step * k for k in range(1, parts)]
    start_judged_pairs(con)
    for part_since, part_until in zip([since, *cuts], [*cuts, None], strict=True):
        stored = StoredCounts.load(con, _daily_pass(part_since, part_until))
        add_judged_pairs(con, stored, HISTORY, part_since.to_pydatetime())

    needed = pd.date_range(since.normalize() - pd.Timedelta(days=1), periods=DAYS + 10, freq="D")
    expected = _levels(con, "reference_pairs", needed)
    assert max(expected) > 50 and min(expected[-3:]) == 0  # busy, and aged out at the end
    assert _levels(con, "judged_pairs", needed) == expected
