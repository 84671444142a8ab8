"""Aggregation on Spark: the counts of ``pipelines.aggregate``, computed by a Spark job.

The DuckDB side keeps what is cheap and stateful: the new cells, the placeholder piles, the
windows that changed since the last run (so detection rescores exactly what the DuckDB path
would) and the aggregation state (so the two engines can alternate run by run). Spark does the
counting, as a full recount of every window from the Parquet lake (``pipelines.lake``), and its
output replaces ``store.cell_counts`` and ``store.district_counts``: the same rows the DuckDB
path keeps up to date incrementally.
"""

from __future__ import annotations

import os
import shutil
import uuid

import duckdb

from heatmap.errors import HeatmapError
from heatmap.home import Home
from heatmap.sqlfiles import execute_file
from pipelines.aggregate import AggregateSummary, _add_new_cells, _refresh_placeholders
from pipelines.lake import Lake, export_complaints, lake_for
from pipelines.settings import RunSettings

DEFAULT_MASTER = "local[*]"


def aggregate_on_spark(
    con: duckdb.DuckDBPyConnection,
    settings: RunSettings,
    home: Home,
    timezone: str,
    master: str = DEFAULT_MASTER,
) -> AggregateSummary:
    """Bring store.cell_counts and store.district_counts up to date, counted by Spark."""
    state = con.execute("SELECT max(last_batch_id) FROM store.aggregation_state").fetchone()
    after_batch = int(state[0]) if state and state[0] is not None else 0
    latest = con.execute(
        "SELECT max(batch_id), max(reported_at), count(*) FROM store.complaints"
    ).fetchone()
    assert latest is not None
    last_batch, data_until, n_complaints = latest
    _add_new_cells(con, after_batch)
    _refresh_placeholders(con, settings)
    execute_file(con, "pipelines", "touched_windows", {"after_batch": after_batch})
    touched = con.execute(
        "SELECT count(*), min(window_start) FILTER (window_len = '1h') FROM touched_windows"
    ).fetchone()
    if data_until is not None:
        _count_on_spark(con, lake_for(home), timezone, master)
    batches = con.execute(
        "SELECT count(DISTINCT batch_id) FROM store.complaints WHERE batch_id > $after",
        {"after": after_batch},
    ).fetchone()
    con.execute("DELETE FROM store.aggregation_state")
    con.execute(
        "INSERT INTO store.aggregation_state VALUES ($last)",
        {"last": max(after_batch, int(last_batch or 0))},
    )
    for temp in ("previous_points", "changed_points", "touched_windows"):
        con.execute(f"DROP TABLE IF EXISTS temp.{temp}")
    return AggregateSummary(
        batches=int(batches[0]) if batches else 0,
        touched_windows=int(touched[0]) if touched else 0,
        data_until=data_until,
        complaints=int(n_complaints),
        earliest_change=touched[1] if touched else None,
    )


def _count_on_spark(con: duckdb.DuckDBPyConnection, lake: Lake, timezone: str, master: str) -> None:
    """Export the lake, run the job, check what it read, load what it wrote."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise HeatmapError(
            "the spark engine needs Java 17: install it (Debian: apt-get install "
            "openjdk-17-jre-headless) or set JAVA_HOME"
        )
    try:
        from pipelines.spark_counts import count_lake, spark_session
    except ImportError as exc:
        raise HeatmapError(
            f"the spark engine needs pyspark ({exc.name} is missing): pip install 'heatmap[spark]'"
        ) from None
    export_complaints(con, lake)
    out = lake.counts_dir(uuid.uuid4().hex)
    try:
        with spark_session(master, timezone) as spark:
            result = count_lake(spark, lake.complaints_dir.as_uri(), out.as_uri())
        expected = con.execute(
            "SELECT count(*), epoch_us(max(reported_at)) FROM store.complaints"
        ).fetchone()
        if expected != (result.complaints, result.data_until_us):
            raise HeatmapError(
                f"the lake in {lake.root} does not hold the store's complaints: Spark read "
                f"{result.complaints} up to {result.data_until_us}, the store has {expected}"
            )
        for table in ("cell_counts", "district_counts"):
            if not (out / table / "_SUCCESS").exists():
                raise HeatmapError(f"the Spark job did not finish writing {out / table}")
        execute_file(
            con,
            "pipelines",
            "spark_load_counts",
            {
                "cell_counts": str(out / "cell_counts" / "*.parquet"),
                "district_counts": str(out / "district_counts" / "*.parquet"),
            },
        )
    finally:
        shutil.rmtree(out, ignore_errors=True)
