"""The Spark job: cell and district counts of the lake's complaints, on one machine or a cluster.

It reads the lake's day partitions (``pipelines.lake``), recomputes every point's resolution-8
cell from its coordinates with a vectorised pandas UDF over h3ronpy (and stops if one differs
from the cell ingest stored), counts each complaint in its hour, its day (in the session zone)
and the trailing windows, rolls resolution 8 up to 7 and 6 with a second UDF, and writes the
rows of ``store.cell_counts`` and ``store.district_counts`` as Parquet. The logic is Spark SQL in
``pipelines/sql/spark_*.sql``, the twin of ``aggregate_counts.sql``; Apache Sedona is not
needed (nor usable offline).

Spark has no unsigned 64-bit integer, so cells cross its edges converted: UBIGINT (which
Parquet's UINT_64 gives Spark as ``decimal(20,0)``) becomes the same 64 bits as a signed
``long`` on the way in, and the exact unsigned value as ``decimal(20,0)`` on the way out.

``heatmap run --engine spark`` runs it in-process (``pipelines.spark_aggregate``); on a cluster
it can also be submitted on its own::

    spark-submit pipelines/spark_counts.py --lake /shared/heatmap/lake --out /shared/out \\
        --timezone Asia/Shanghai
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal

import numpy as np
import pandas as pd
from pyspark import SparkConf, SparkContext
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.functions import pandas_udf
from pyspark.sql.types import DecimalType, LongType

from heatmap import grid
from heatmap.sqlfiles import read_sql

# PySpark 4.3 warns that pandas 3 is not fully supported; the UDFs here exchange only int64 and
# float64 Series, and tests/test_spark.py checks their results against the DuckDB path.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")

UNSIGNED_CELL = DecimalType(20, 0)
TWO_63 = Decimal(2**63)
TWO_64 = Decimal(2**64)


class CellMismatchError(RuntimeError):
    """A point's stored cell is not the cell its coordinates index to."""


@dataclass(frozen=True)
class CountResult:
    """What the job read and wrote."""

    complaints: int
    data_until_us: int | None
    cell_counts: str
    district_counts: str


def cells_to_spark(cells: Column) -> Column:
    """UBIGINT cells (``decimal(20,0)`` in Spark) as the same 64 bits in a signed ``long``."""
    return F.when(cells >= F.lit(TWO_63), cells - F.lit(TWO_64)).otherwise(cells).cast(LongType())


def cells_from_spark(cells: Column) -> Column:
    """Signed ``long`` bit patterns back to the exact unsigned value, as ``decimal(20,0)``."""
    wide = cells.cast(UNSIGNED_CELL)
    return F.when(cells < 0, wide + F.lit(TWO_64)).otherwise(wide).cast(UNSIGNED_CELL)


def _as_uint64(cells: pd.Series) -> np.ndarray:
    return cells.to_numpy(dtype=np.int64).view(np.uint64)


def _as_int64(cells: np.ndarray) -> pd.Series:
    return pd.Series(np.asarray(cells, dtype=np.uint64).view(np.int64))


@pandas_udf(LongType())  # type: ignore[call-overload]
def h3_latlng_to_cell(lat: pd.Series, lon: pd.Series, resolution: pd.Series) -> pd.Series:
    """The H3 cell of each WGS-84 point (``heatmap.grid``, h3ronpy), as a bit-pattern long."""
    cells = np.zeros(len(lat), dtype=np.uint64)
    for level in resolution.unique():
        chosen = (resolution == level).to_numpy()
        cells[chosen] = grid.latlng_to_cells(
            lat.to_numpy()[chosen], lon.to_numpy()[chosen], int(level)
        )
    return _as_int64(cells)


@pandas_udf(LongType())  # type: ignore[call-overload]
def h3_cell_to_parent(cells: pd.Series, resolution: pd.Series) -> pd.Series:
    """The ancestor of each cell at ``resolution`` (h3ronpy ``change_resolution``)."""
    parents = np.zeros(len(cells), dtype=np.uint64)
    fine = _as_uint64(cells)
    for level in resolution.unique():
        chosen = (resolution == level).to_numpy()
        parents[chosen] = grid.cells_to_parents(fine[chosen], int(level))
    return _as_int64(parents)


def _query(spark: SparkSession, name: str) -> DataFrame:
    text = read_sql("pipelines", name)
    return spark.sql(text.strip().rstrip(";"))


def count_lake(spark: SparkSession, complaints: str, out: str) -> CountResult:
    """Count the complaints of the lake folder ``complaints``; write the counts under ``out``.

    Days are calendar days in ``spark.sql.session.timeZone``. Writes ``out/cell_counts`` and
    ``out/district_counts`` (Parquet, columns of the store tables, cells as ``decimal(20,0)``)
    and raises :class:`CellMismatchError` if a point's stored cell is not its coordinates'.
    """
    spark.udf.register("h3_latlng_to_cell", h3_latlng_to_cell)
    spark.udf.register("h3_cell_to_parent", h3_cell_to_parent)
    lake = spark.read.option("basePath", complaints).parquet(complaints)
    lake.withColumn("cell", cells_to_spark(F.col("cell"))).createOrReplaceTempView(
        "lake_complaints"
    )
    located = _query(spark, "spark_located").cache()
    try:
        located.createOrReplaceTempView("located")
        audit = _query(spark, "spark_audit").first()
        assert audit is not None
        if audit["mismatched_cells"]:
            raise CellMismatchError(
                f"{audit['mismatched_cells']} point complaints have a stored cell that is not "
                f"the cell of their coordinates (first: {audit['first_mismatch']})"
            )
        _query(spark, "spark_windowed").createOrReplaceTempView("windowed")
        cell_counts = _query(spark, "spark_cell_counts").withColumn(
            "cell", cells_from_spark(F.col("cell"))
        )
        cell_counts.write.mode("overwrite").parquet(f"{out}/cell_counts")
        _query(spark, "spark_district_counts").write.mode("overwrite").parquet(
            f"{out}/district_counts"
        )
    finally:
        located.unpersist()
    return CountResult(
        complaints=int(audit["complaints"]),
        data_until_us=audit["data_until_us"],
        cell_counts=f"{out}/cell_counts",
        district_counts=f"{out}/district_counts",
    )


def _local_cores(master: str) -> int | None:
    found = re.fullmatch(r"local(?:\[(\d+|\*)(?:,\d+)?\])?", master)
    if not found:
        return None
    cores = found.group(1)
    if cores == "*":
        return os.cpu_count() or 1
    return int(cores or 1)


@contextlib.contextmanager
def spark_session(master: str | None, timezone: str) -> Iterator[SparkSession]:
    """A Spark session for the job: the running one if there is one, else a new one on
    ``master`` (None: the one spark-submit was given) that is stopped afterwards. Days are
    calendar days in ``timezone``.

    On a local master the Python workers run this interpreter, shuffles have two partitions a
    core, and the driver listens on the loopback only. The web UI stays off.
    """
    started_here = SparkContext._active_spark_context is None
    builder = SparkSession.builder.appName("heatmap-counts")
    if started_here:
        chosen = master or SparkConf().get("spark.master", "local[*]")
        builder = (
            builder.master(chosen)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
        )
        cores = _local_cores(chosen)
        if cores is not None:
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            builder = (
                builder.config("spark.sql.shuffle.partitions", str(2 * cores))
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
            )
    spark = builder.getOrCreate()
    if started_here:
        spark.sparkContext.setLogLevel("ERROR")
    spark.conf.set("spark.sql.session.timeZone", timezone)
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    try:
        yield spark
    finally:
        if started_here:
            spark.stop()


def main(argv: list[str] | None = None) -> None:
    """``spark-submit pipelines/spark_counts.py --lake DIR --out DIR [--timezone ZONE]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", required=True, help="the lake root (pipelines.lake layout)")
    parser.add_argument("--out", required=True, help="folder for cell_counts/, district_counts/")
    parser.add_argument("--timezone", default="Asia/Shanghai", help="the zone that makes days")
    parser.add_argument("--master", default=None, help="default: spark-submit's --master")
    args = parser.parse_args(argv)
    with spark_session(args.master, args.timezone) as spark:
        result = count_lake(spark, f"{args.lake.rstrip('/')}/complaints", args.out)
    print(json.dumps(asdict(result)))


if __name__ == "__main__":
    main()
