"""Cutting a long span into passes: every step from a day, as instants in the session's zone.

A first run on a year recounts and rescores it in passes of a quarter, and finds its clusters
in passes of a month; the cuts are made here with ``sql/cut_instants.sql``, not with DuckDB's
``range()``, whose cardinality estimate overflowed on an empty range (DuckDB 2.0, an internal
error seen twice: once in CI, once in a benchmark).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from heatmap.sqlfiles import read_sql


def cut_instants(
    con: duckdb.DuckDBPyConnection, first_day: datetime, until: datetime, step: timedelta
) -> list[datetime]:
    """Every ``step`` from ``first_day`` (not itself) that comes before ``until``."""
    # a DST day is at most an hour short: one more multiple than whole steps fit covers it
    count = max(int((until - first_day) / step), 0) + 2
    found = con.execute(
        read_sql("pipelines", "cut_instants"),
        {"first_day": first_day, "until": until, "step": step, "counts": list(range(1, count))},
    ).fetchall()
    return [cut for (cut,) in found]
