"""The Spark engine: the same counts (and so the same alerts) as DuckDB; the lake; cell ids.

One home runs DuckDB after every batch; its twin alternates Spark (through the CLI, local[2]),
DuckDB, and Spark again after late data. After each step every count, score and alert table of
the two publications is compared in full.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import h3
import numpy as np
import pandas as pd
import pytest

from geo_fixtures.scenario import ScenarioConfig, build_scenario, write_scenario
from heatmap.home import Home
from heatmap.store import open_writer
from heatmap.taxonomy import default_taxonomy
from pipelines.ingest import ingest_paths
from pipelines.lake import export_complaints, lake_for
from pipelines.run import run_pipeline
from tests.conftest import python_env

TZ = "Asia/Shanghai"
TIME_COLUMN = "受理时间"
MASTER = "local[2]"
JAVA_17 = Path("/usr/lib/jvm/java-17-openjdk-amd64")
COMPARED = {
    "cell_counts": "SELECT * FROM cell_counts",
    "district_counts": "SELECT * FROM district_counts",
    "cell_scores": "SELECT * FROM cell_scores",
    "alerts": "SELECT * FROM alerts",
    "alert_windows": "SELECT * FROM alert_windows",
    "placeholder_points": "SELECT * FROM store.placeholder_points",
    "cells": "SELECT * FROM store.cells",
    "aggregation_state": "SELECT * FROM store.aggregation_state",
}
SUMMARY_KEYS = [
    "complaints", "batches_aggregated", "windows_recounted", "data_until", "as_of", "alerts",
    "alerts_open",
]  # fmt: skip
pytestmark = pytest.mark.slow


def _spark_environment() -> dict[str, str]:
    env = {
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": "127.0.0.1",
    }
    if shutil.which("java") is None and "JAVA_HOME" not in os.environ and JAVA_17.exists():
        env["JAVA_HOME"] = str(JAVA_17)
    return env


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One local[2] session for the in-process runs of this module (the CLI run has its own)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in _spark_environment().items():
            patch.setenv(name, value)
        from pipelines.spark_counts import spark_session

        with spark_session(MASTER, TZ) as session:
            yield session


@pytest.fixture(scope="module")
def batches(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The scenario in three deliveries; the second and third each bring a day late."""
    folder = tmp_path_factory.mktemp("scenario")
    write_scenario(build_scenario(ScenarioConfig(days=10, per_day=300)), folder)
    frame = pd.read_csv(folder / "complaints.csv", dtype=str)
    day = frame[TIME_COLUMN].str[:10]
    days = sorted(day.unique())
    parts = [
        [d for d in days[:-2] if d not in (days[3], days[6])],
        [days[3], days[-2]],
        [days[6], days[-1]],
    ]
    paths = []
    for number, part in enumerate(parts, start=1):
        paths.append(folder / f"batch{number}.csv")
        frame[day.isin(part)].to_csv(paths[-1], index=False)
    return paths


def _tables(home: Home) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(home.current_path), read_only=True)
    try:
        return {
            name: con.execute(f"{query} ORDER BY ALL").fetchall()
            for name, query in COMPARED.items()
        }
    finally:
        con.close()


def _ingest(homes: list[Home], batch: Path) -> None:
    mapping = batch.parent / "mapping.toml"
    for home in homes:
        ingest_paths(home, [batch], mapping, TZ, show_progress=False)


def _run_spark_cli(home: Home) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "heatmap", "run", "--engine", "spark", "--spark-master", MASTER,
         "--json", "--home", str(home.root)],
        env={**python_env(), **_spark_environment(), "HEATMAP_TIMEZONE": TZ},
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout))


def _lake_files(home: Home) -> dict[str, int]:
    return {
        path.parent.name: path.stat().st_ino
        for path in lake_for(home).complaints_dir.glob("day=*/*.parquet")
    }


@pytest.fixture(scope="module")
def alternating(
    batches: list[Path], spark: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Both homes after each step: tables, run summaries, and the lake files before step 3."""
    root = tmp_path_factory.mktemp("engines")
    duck, both = Home(root / "duckdb").ensure(), Home(root / "alternating").ensure()
    steps: dict[str, Any] = {"duck": duck, "both": both}

    _ingest([duck, both], batches[0])
    duck_run = run_pipeline(duck, TZ, default_taxonomy())
    steps["spark_cli"] = (duck_run, _run_spark_cli(both), _tables(duck), _tables(both))

    _ingest([duck, both], batches[1])
    duck_run = run_pipeline(duck, TZ, default_taxonomy())
    both_run = run_pipeline(both, TZ, default_taxonomy())
    steps["duckdb_after_spark"] = (duck_run, both_run, _tables(duck), _tables(both))

    _ingest([duck, both], batches[2])
    steps["lake_before"] = _lake_files(both)
    duck_run = run_pipeline(duck, TZ, default_taxonomy())
    both_run = run_pipeline(both, TZ, default_taxonomy(), engine="spark", spark_master=MASTER)
    steps["spark_after_late_data"] = (duck_run, both_run, _tables(duck), _tables(both))
    steps["lake_after"] = _lake_files(both)
    return steps


def _assert_same_publication(step: tuple, spark_engine: str) -> None:
    duck_run, other_run, duck_tables, other_tables = step
    assert other_run["engine"] == spark_engine
    assert {k: other_run[k] for k in SUMMARY_KEYS} == {k: duck_run[k] for k in SUMMARY_KEYS}
    for name in COMPARED:
        assert duck_tables[name], f"{name} is empty: the comparison would prove nothing"
        assert other_tables[name] == duck_tables[name], f"{name} differs between the engines"
    resolutions = {row[2] for row in duck_tables["cell_counts"]}
    window_lengths = {row[4] for row in duck_tables["cell_counts"]}
    assert resolutions == {6, 7, 8}
    assert window_lengths == {"1h", "1d", "now_1h", "now_3h", "now_24h"}


def test_heatmap_run_engine_spark_publishes_what_duckdb_publishes(
    alternating: dict[str, Any],
) -> None:
    _assert_same_publication(alternating["spark_cli"], "spark")
    con = duckdb.connect(str(alternating["both"].current_path), read_only=True)
    engines = con.execute("SELECT engine FROM runs ORDER BY started_at").fetchall()
    con.close()
    assert engines == [("spark",), ("duckdb",), ("spark",)]


def test_duckdb_carries_on_where_spark_left_off(alternating: dict[str, Any]) -> None:
    _assert_same_publication(alternating["duckdb_after_spark"], "duckdb")


def test_spark_recounts_late_data_like_the_incremental_duckdb_path(
    alternating: dict[str, Any],
) -> None:
    duck_run, spark_run, *_ = alternating["spark_after_late_data"]
    assert spark_run["batches_aggregated"] == 1 and spark_run["windows_recounted"] > 0
    _assert_same_publication(alternating["spark_after_late_data"], "spark")


def test_the_lake_rewrites_only_the_days_that_changed(
    alternating: dict[str, Any], batches: list[Path]
) -> None:
    before, after = alternating["lake_before"], alternating["lake_after"]
    delivered = {
        f"day={day}"
        for batch in batches[1:]
        for day in pd.read_csv(batch, dtype=str)[TIME_COLUMN].str[:10]
    }
    assert delivered <= set(after) - set(before)  # the late and the new days were written
    rewritten = {day for day in before if after[day] != before[day]}
    kept = set(before) - rewritten
    assert kept, "every day was rewritten: the export is not incremental"


def test_the_lake_holds_the_complaints_view_exactly(alternating: dict[str, Any]) -> None:
    home = alternating["both"]
    lake = lake_for(home)
    con = duckdb.connect(str(home.current_path), read_only=True)
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    columns = (
        "complaint_id, reported_at, issue_type, lat, lon, cell, precision, district, "
        "customer_hash, is_repeat, severity, channel, source_crs, batch_id, source_row"
    )
    in_lake = con.execute(
        f"SELECT {columns}, strftime(day, '%Y-%m-%d') FROM read_parquet($files, "
        "hive_partitioning = true) ORDER BY complaint_id",
        {"files": str(lake.complaints_dir / "*" / "*.parquet")},
    ).fetchall()
    in_store = con.execute(
        f"SELECT {columns}, strftime(reported_at, '%Y-%m-%d') FROM complaints ORDER BY complaint_id"
    ).fetchall()
    types = dict(
        con.execute(
            "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($f))",
            {"f": str(lake.complaints_dir / "*" / "*.parquet")},
        ).fetchall()
    )
    con.close()
    assert in_lake == in_store and len(in_lake) > 0
    assert types["cell"] == "UBIGINT" and types["reported_at"] == "TIMESTAMP WITH TIME ZONE"


def test_exporting_again_writes_nothing_and_repairs_a_lost_day(
    alternating: dict[str, Any],
) -> None:
    home = alternating["both"]
    lake = lake_for(home)
    with open_writer(home, TZ) as con:
        assert export_complaints(con, lake).days_written == []
        lost = sorted(_lake_files(home))[2].removeprefix("day=")
        lake.day_file(lost).unlink()
        repaired = export_complaints(con, lake)
        assert repaired.days_written == [lost] and repaired.days_removed == []
        lake.manifest_path.write_text("{not json", encoding="utf-8")
        assert len(export_complaints(con, lake).days_written) == repaired.days


def test_cells_beyond_signed_64_bits_cross_spark_unchanged(spark: Any, tmp_path: Path) -> None:
    from pyspark.sql import functions as F

    from pipelines.spark_counts import cells_from_spark, cells_to_spark

    beijing = h3.str_to_int("8831aa4281fffff")
    values = [0, 1, beijing, 2**63 - 1, 2**63, 2**63 + beijing, 2**64 - 1]
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT unnest($v::UBIGINT[]) AS cell) TO $p (FORMAT parquet)",
        {"v": values, "p": str(tmp_path / "in.parquet")},
    )
    read = spark.read.parquet((tmp_path / "in.parquet").as_uri())
    signed = read.select(cells_to_spark(F.col("cell")).alias("bits"))
    bits = sorted(row.bits for row in signed.collect())
    assert bits == sorted(np.array(values, dtype=np.uint64).view(np.int64).tolist())
    signed.select(cells_from_spark(F.col("bits")).alias("cell")).write.parquet(
        (tmp_path / "out").as_uri()
    )
    back = con.execute(
        "SELECT CAST(cell AS UBIGINT) FROM read_parquet($p) ORDER BY 1",
        {"p": str(tmp_path / "out" / "*.parquet")},
    ).fetchall()
    assert [v for (v,) in back] == sorted(values)


def test_the_h3_udfs_agree_with_h3_py(spark: Any) -> None:
    from pyspark.sql import functions as F

    from pipelines.spark_counts import h3_cell_to_parent, h3_latlng_to_cell

    points = [(39.9087, 116.3975), (-33.8568, 151.2153), (40.6892, -74.0445), (64.1, -179.9)]
    frame = spark.createDataFrame(points, "lat double, lon double")
    cells = frame.select(
        "lat", "lon", h3_latlng_to_cell("lat", "lon", F.lit(8)).alias("cell")
    ).select("lat", "lon", "cell", h3_cell_to_parent("cell", F.lit(6)).alias("parent"))
    for row in cells.collect():
        expected = h3.latlng_to_cell(row.lat, row.lon, 8)
        assert row.cell == h3.str_to_int(expected)
        assert row.parent == h3.str_to_int(h3.cell_to_parent(expected, 6))


def test_a_stored_cell_that_is_not_its_coordinates_stops_the_job(
    alternating: dict[str, Any], spark: Any, tmp_path: Path
) -> None:
    from pipelines.spark_counts import CellMismatchError, count_lake

    lake = tmp_path / "complaints"
    shutil.copytree(lake_for(alternating["both"]).complaints_dir, lake)
    day_file = sorted(lake.glob("day=*/*.parquet"))[-1]
    con = duckdb.connect()
    victim, cell = con.execute(
        "SELECT complaint_id, cell FROM read_parquet($p) WHERE precision = 'point' LIMIT 1",
        {"p": str(day_file)},
    ).fetchone()
    neighbour = h3.str_to_int(sorted(h3.grid_ring(h3.int_to_str(cell), 1))[0])
    con.execute(
        "COPY (SELECT * REPLACE (CASE WHEN complaint_id = $id THEN $other::UBIGINT ELSE cell END "
        "AS cell) FROM read_parquet($p)) TO $out (FORMAT parquet)",
        {"id": victim, "other": neighbour, "p": str(day_file), "out": str(tmp_path / "t.pq")},
    )
    os.replace(tmp_path / "t.pq", day_file)
    with pytest.raises(CellMismatchError, match=str(victim)):
        count_lake(spark, lake.as_uri(), (tmp_path / "out").as_uri())
