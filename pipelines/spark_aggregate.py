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
from pipelines.aggregate import AggregateSummary, aggregate
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
    lake = lake_for(home)
    return aggregate(con, settings, lambda c, _: _count_on_spark(c, lake, timezone, master))


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
