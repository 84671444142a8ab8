"""The run job: aggregate what changed, score, detect clusters and surges, publish.

One transaction on the writer connection, then one publication: readers see the previous run
until this one is complete, and a run killed part-way changes nothing. The steps live in
``pipelines.aggregate`` and ``pipelines.detect``; this module runs them in order.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

from heatmap.home import Home
from heatmap.store import open_writer, publish
from heatmap.taxonomy import Taxonomy
from pipelines.aggregate import AggregateSummary, aggregate
from pipelines.detect import detect
from pipelines.settings import RunSettings


def run_pipeline(
    home: Home,
    timezone: str,
    taxonomy: Taxonomy,
    settings: RunSettings | None = None,
    engine: str = "duckdb",
    spark_master: str = "local[*]",
) -> dict[str, Any]:
    """Run every step on the store of ``home`` and publish; returns the run summary.

    ``engine`` counts: "duckdb" (incrementally, in the store) or "spark" (a full recount from
    the Parquet lake, on ``spark_master``; see docs/SPARK.md). Both leave the same counts.
    """
    settings = settings or RunSettings()
    count = _counter(engine, settings, home, timezone, spark_master)
    started = datetime.now(UTC)
    with open_writer(home, timezone) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            summary = _run_steps(con, settings, taxonomy, started, count, engine)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        summary["snapshot"] = str(publish(con, home))
    return summary


def _counter(
    engine: str, settings: RunSettings, home: Home, timezone: str, spark_master: str
) -> Callable[[duckdb.DuckDBPyConnection], AggregateSummary]:
    if engine == "duckdb":
        return lambda con: aggregate(con, settings)
    if engine == "spark":
        from pipelines.spark_aggregate import aggregate_on_spark

        return lambda con: aggregate_on_spark(con, settings, home, timezone, spark_master)
    raise ValueError(f"unknown engine {engine!r}: duckdb or spark")


def _run_steps(
    con: duckdb.DuckDBPyConnection,
    settings: RunSettings,
    taxonomy: Taxonomy,
    started: datetime,
    count: Callable[[duckdb.DuckDBPyConnection], AggregateSummary],
    engine: str,
) -> dict[str, Any]:
    counted = count(con)
    data_until = counted.data_until
    as_of = (
        pd.Timestamp(data_until).ceil("h") if data_until is not None else pd.Timestamp(started)
    ).to_pydatetime()
    rows = detect(con, settings, taxonomy, as_of, counted.earliest_change)
    open_alerts = sum(r["status"] in ("new", "ongoing") for r in rows)
    run_id = f"{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    con.execute(
        "INSERT INTO store.runs VALUES ($id, $engine, $started, $finished, $until, $n, $open)",
        {
            "id": run_id,
            "engine": engine,
            "started": started,
            "finished": datetime.now(UTC),
            "until": data_until,
            "n": counted.complaints,
            "open": open_alerts,
        },
    )
    kinds = pd.Series([r["kind"] for r in rows], dtype=object).value_counts().to_dict()
    return {
        "run_id": run_id,
        "engine": engine,
        "complaints": counted.complaints,
        "batches_aggregated": counted.batches,
        "windows_recounted": counted.touched_windows,
        "data_until": data_until.isoformat() if data_until is not None else None,
        "as_of": as_of.isoformat(),
        "alerts": {str(k): int(v) for k, v in kinds.items()},
        "alerts_open": int(open_alerts),
    }
