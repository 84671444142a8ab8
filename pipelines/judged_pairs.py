"""Judged pairs: how many (cell, spatial type) pairs are judged on each day.

A pair is judged on a day when it had a count in the ``history`` before it: a daily count on
day ``d`` keeps its pair judged from the day after ``d`` until the day after ``d + history``,
or until the day after its next count, which takes over. The number judged on a day is the
Bonferroni count the cluster search shares its false-alarm rate among
(``sql/cluster_candidates.sql``).

It is counted from the daily counts a scoring pass loads anyway
(:class:`pipelines.score_inputs.StoredCounts`: sorted by pair and day), pass by pass, into
temp table ``judged_pairs`` (``sql/judged_pairs.sql``). A pass's counts reach ``history`` and
more before its ``since``, so they decide every day from the day before it (the first a
rolling window of the pass can start on) up to its ``until``; each pass replaces the days
from there on. Days are calendar days in the session's time zone (``sql/judged_pair_days.sql``),
DST or not. A window query over the stored counts gave the same (the reference in
``tests/reference_sql/judged_pairs.sql``) in 0.27 s on a day's batch on a year; this takes
about 0.02 s once the counts are loaded.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from heatmap.arrays import sorted_distinct
from heatmap.sqlfiles import bind_for, execute_file, read_sql
from pipelines.score_inputs import StoredCounts, split_keys


def start_judged_pairs(con: duckdb.DuckDBPyConnection) -> None:
    """An empty temp table ``judged_pairs`` for this run's passes to fill."""
    execute_file(con, "pipelines", "judged_pairs", {})


def add_judged_pairs(
    con: duckdb.DuckDBPyConnection, daily: StoredCounts, history: timedelta, since: datetime
) -> None:
    """Replace the judged pairs from the day before ``since`` on with those of ``daily``, the
    daily counts loaded for a scoring pass from ``since``."""
    needed_from = _query_one(con, "judged_pairs_needed", {"since": since})
    on, level = _levels(con, daily, history)
    known = on <= needed_from
    first_level = int(level[known][-1]) if known.any() else 0
    changed_on = np.concatenate(([needed_from], on[~known]))
    pairs = np.concatenate(([first_level], level[~known]))
    con.execute(
        "DELETE FROM judged_pairs WHERE changed_on >= to_timestamp($from)", {"from": needed_from}
    )
    con.register(
        "new_judged_pairs",
        pa.table(
            {
                "changed_on": pa.array(changed_on, type=pa.int64()).cast(
                    pa.timestamp("s", tz="UTC")
                ),
                "pairs": pa.array(pairs, type=pa.int64()),
            }
        ),
    )
    try:
        con.execute("INSERT INTO judged_pairs SELECT changed_on, pairs FROM new_judged_pairs")
    finally:
        con.unregister("new_judged_pairs")


def _levels(
    con: duckdb.DuckDBPyConnection, daily: StoredCounts, history: timedelta
) -> tuple[np.ndarray, np.ndarray]:
    """Each day the number of judged pairs may change (epoch seconds, sorted) and the number."""
    pair, day = split_keys(daily.cells.keys)
    if day.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    days = np.sort(pd.unique(day))  # a few dozen days: hashed, not a sort of every count
    con.register("count_days", pa.table({"t": days}))
    try:
        text = read_sql("pipelines", "judged_pair_days")
        steps = con.execute(text, bind_for(text, {"history": history})).fetchnumpy()
    finally:
        con.unregister("count_days")
    day_after = np.asarray(steps["day_after"], dtype=np.int64)
    aged_out = np.asarray(steps["aged_out"], dtype=np.int64)
    on = sorted_distinct(np.concatenate((day_after, aged_out)))
    # every change falls on one of these few days: counts are tallied by their places in it
    at = np.searchsorted(days, day)
    judged_from = np.searchsorted(on, day_after)[at]
    judged_until = np.searchsorted(on, aged_out)[at]
    # the counts are in pair then day order: a count's next one is the next row of its pair
    taken_over = np.flatnonzero(pair[1:] == pair[:-1])
    judged_until[taken_over] = np.minimum(judged_until[taken_over], judged_from[taken_over + 1])
    delta = np.bincount(judged_from, minlength=on.size) - np.bincount(
        judged_until, minlength=on.size
    )
    return on, np.cumsum(delta)


def _query_one(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object]) -> int:
    text = read_sql("pipelines", name)
    ((value,),) = con.execute(text, bind_for(text, params)).fetchall()
    return int(value)
