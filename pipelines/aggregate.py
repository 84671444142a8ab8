"""Incremental aggregation: a run recounts only the windows that changed.

What changes a window: complaints from batches not yet aggregated (late ones included: they
touch the hour and day they belong to, however old), and coordinates that became, or stopped
being, placeholder piles. A batch ingested twice adds no complaint and so touches nothing.
The trailing 'now' windows move with the newest complaint and are recounted every run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import numpy as np

from heatmap import grid
from heatmap.sqlfiles import execute_file, read_sql
from pipelines.cuts import cut_instants
from pipelines.settings import RunSettings


@dataclass(frozen=True)
class AggregateSummary:
    """What one aggregation did."""

    batches: int
    touched_windows: int
    data_until: datetime | None
    complaints: int
    earliest_change: datetime | None


def _add_new_cells(con: duckdb.DuckDBPyConnection, after_batch: int) -> None:
    """Add the cells of new complaints to store.cells with district, centre and polygon."""
    new_cells = con.execute(
        "SELECT DISTINCT cell FROM store.complaints WHERE batch_id > $after "
        "AND cell NOT IN (SELECT cell FROM store.cells) ORDER BY cell",
        {"after": after_batch},
    ).fetchnumpy()["cell"]
    if len(new_cells) == 0:
        return
    # geopandas and the district polygons load only when a cell is new, which a run on a
    # settled city rarely has
    from heatmap.districts import locate_cells

    located = locate_cells(np.asarray(new_cells, dtype=np.uint64))
    located["resolution"] = 8
    located["boundary_wkt"] = [grid.cell_boundary_wkt(c) for c in located["cell"]]
    con.register("new_cells", located)
    con.execute(
        "INSERT INTO store.cells SELECT cell, resolution, district, district_en, lat, lon, "
        "boundary_wkt FROM new_cells"
    )
    con.unregister("new_cells")


def refresh_placeholders(
    con: duckdb.DuckDBPyConnection, settings: RunSettings, after_batch: int
) -> None:
    """Recompute the placeholder piles; temp table ``changed_points`` holds what changed.

    What they are judged on (``store.busy_points``, ``store.point_volumes``,
    ``store.point_tallies``) is brought up to date with the complaints of the batches after
    ``after_batch`` only, unless it was counted with another floor or time zone (or never, in
    an older store, or there were no tallies yet): then with all of them.
    """
    floors = {
        "min_complaints": settings.placeholder_min_complaints,
        "min_types": settings.placeholder_min_types,
        "min_days": settings.placeholder_min_days,
    }
    execute_file(con, "pipelines", "placeholder_snapshot", {})
    ((current,),) = con.execute(
        "SELECT EXISTS (FROM store.placeholder_state WHERE min_complaints = $min_complaints "
        "AND timezone = current_setting('TimeZone')) AND EXISTS (FROM store.point_tallies)",
        {"min_complaints": settings.placeholder_min_complaints},
    ).fetchall()
    execute_file(
        con,
        "pipelines",
        "placeholder_inputs",
        floors | {"after_batch": after_batch if current else 0},
    )
    execute_file(con, "pipelines", "placeholder_points", floors)
    execute_file(con, "pipelines", "changed_points", {})


RECOUNT_SPAN = timedelta(days=90)
CountStep = Callable[[duckdb.DuckDBPyConnection, datetime], None]
"""Brings the counts up to date with the complaints up to the given instant."""


def count_in_duckdb(con: duckdb.DuckDBPyConnection, data_until: datetime) -> None:
    """Recount the windows in ``touched_windows`` (and the trailing ones) in DuckDB.

    In spans of :data:`RECOUNT_SPAN`: a first run on a year of complaints recounts a quarter at
    a time, within the memory a quarter needs, instead of sorting and grouping the year at once.
    """
    ((touched, first_day, last),) = con.execute(
        "SELECT count(*), date_trunc('day', min(window_start)), "
        "max(window_start) + INTERVAL 1 HOUR FROM touched_windows"
    ).fetchall()
    spans = []
    if touched:
        cuts = cut_instants(con, first_day, last, RECOUNT_SPAN)
        spans = con.execute(read_sql("pipelines", "recount_spans"), {"cuts": cuts}).fetchall()
    for span_from, span_until in spans or [(None, None)]:
        bounds = {"span_from": span_from, "span_until": span_until}
        execute_file(con, "pipelines", "recount", bounds)
        params: dict[str, object] = {"data_until": data_until, "with_trailing": span_until is None}
        ((located_from, located_until),) = con.execute(
            read_sql("pipelines", "recount_reach"), params
        ).fetchall()
        params |= {"located_from": located_from, "located_until": located_until}
        execute_file(con, "pipelines", "aggregate_counts", params)


def aggregate(
    con: duckdb.DuckDBPyConnection, settings: RunSettings, count: CountStep = count_in_duckdb
) -> AggregateSummary:
    """Bring store.cell_counts and store.district_counts up to date with the complaints.

    The bookkeeping is the same whichever engine counts: new cells, placeholder piles, the
    windows that changed (what detection rescores), and the aggregation state. ``count`` does
    the counting: in DuckDB, incrementally, by default; ``pipelines.spark_aggregate`` passes
    its Spark job.
    """
    state = con.execute("SELECT max(last_batch_id) FROM store.aggregation_state").fetchone()
    after_batch = int(state[0]) if state and state[0] is not None else 0
    latest = con.execute(
        "SELECT max(batch_id), max(reported_at), count(*) FROM store.complaints"
    ).fetchone()
    assert latest is not None
    last_batch, data_until, n_complaints = latest
    _add_new_cells(con, after_batch)
    refresh_placeholders(con, settings, after_batch)
    execute_file(con, "pipelines", "touched_windows", {"after_batch": after_batch})
    touched = con.execute(
        "SELECT count(*), min(window_start) FILTER (window_len = '1h') FROM touched_windows"
    ).fetchone()
    if data_until is not None:
        count(con, data_until)
    batches = con.execute(
        "SELECT count(DISTINCT batch_id) FROM store.complaints WHERE batch_id > $after",
        {"after": after_batch},
    ).fetchone()
    con.execute("DELETE FROM store.aggregation_state")
    con.execute(
        "INSERT INTO store.aggregation_state VALUES ($last)",
        {"last": max(after_batch, int(last_batch or 0))},
    )
    for temp in (
        "previous_points",
        "added_points",
        "touched_points",
        "volumes",
        "changed_points",
        "touched_windows",
        "recount",
        "trailing_windows",
        "windowed",
    ):
        con.execute(f"DROP TABLE IF EXISTS temp.{temp}")
    return AggregateSummary(
        batches=int(batches[0]) if batches else 0,
        touched_windows=int(touched[0]) if touched else 0,
        data_until=data_until,
        complaints=int(n_complaints),
        earliest_change=touched[1] if touched else None,
    )
