"""The Parquet lake: the cleaned complaints, partitioned by day, for engines other than DuckDB.

The data-layout contract between the DuckDB side (which writes it) and Spark (which reads it)::

    <lake>/complaints/day=YYYY-MM-DD/complaints.parquet  one file per calendar day (engine zone)
    <lake>/complaints/_manifest.json                     each day file's rows and fingerprint
    <lake>/counts/<run>/cell_counts/*.parquet            a Spark run's output, until it is loaded
    <lake>/counts/<run>/district_counts/*.parquet

The columns are those of ``pipelines/sql/lake_complaints.sql`` (docs/SPARK.md lists them):
the ``complaints`` view's, so repeats (复燃), placeholder piles and districts are decided once, in
DuckDB, for both engines. ``cell`` keeps its UBIGINT type (Parquet UINT_64).

Writing is incremental and idempotent: each run fingerprints every day of the complaints view and
rewrites only the days whose rows differ from the manifest (new and late complaints, complaints
that became repeats or placeholders), removes days that no longer exist, and writes nothing
when nothing changed. A day is written by ``COPY … PARTITION_BY`` into a staging folder on the
same filesystem and moved into place with one ``rename``: a reader sees the old file or the new
one, never half of one. The manifest is replaced last, so a run killed part-way is repaired by
the next one.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import duckdb

from heatmap.home import Home
from heatmap.sqlfiles import execute_file, query_file
from heatmap.store import fsync_path

LAKE_ENV = "HEATMAP_LAKE"
DAY_FILE = "complaints.parquet"
MANIFEST_FORMAT = 1


class DayFile(TypedDict):
    """What the manifest records of one day file."""

    complaints: int
    fingerprint: str


@dataclass(frozen=True)
class Lake:
    """Paths of one lake."""

    root: Path

    @property
    def complaints_dir(self) -> Path:
        return self.root / "complaints"

    @property
    def manifest_path(self) -> Path:
        return self.complaints_dir / "_manifest.json"

    def day_file(self, day: str) -> Path:
        return self.complaints_dir / f"day={day}" / DAY_FILE

    def counts_dir(self, run: str) -> Path:
        """Where a Spark run writes its counts (removed once loaded into the store)."""
        return self.root / "counts" / run


@dataclass(frozen=True)
class LakeExport:
    """What one export did."""

    days_written: list[str]
    days_removed: list[str]
    days: int
    complaints: int


def lake_for(home: Home) -> Lake:
    """The lake of ``home``: ``HEATMAP_LAKE`` (a path the Spark executors also see), else
    ``<home>/lake``."""
    chosen = os.environ.get(LAKE_ENV)
    return Lake(Path(chosen).resolve() if chosen else home.root / "lake")


def export_complaints(con: duckdb.DuckDBPyConnection, lake: Lake) -> LakeExport:
    """Bring the lake's day partitions in line with the complaints view of ``con``.

    ``con`` is a prepared writer connection: its time zone decides the days.
    """
    lake.complaints_dir.mkdir(parents=True, exist_ok=True)
    for leftover in lake.root.glob(".staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    execute_file(con, "pipelines", "lake_complaints", {})
    try:
        wanted = {
            str(row.day): DayFile(complaints=int(row.complaints), fingerprint=str(row.fingerprint))
            for row in query_file(con, "pipelines", "lake_day_fingerprints", {}).itertuples()
        }
        held = _read_manifest(lake)
        stale = sorted(
            day
            for day, summary in wanted.items()
            if held.get(day) != summary or not lake.day_file(day).exists()
        )
        gone = sorted((set(held) | _days_on_disk(lake)) - set(wanted))
        if stale:
            _write_days(con, lake, stale)
        for day in gone:
            lake.day_file(day).unlink(missing_ok=True)
            shutil.rmtree(lake.day_file(day).parent, ignore_errors=True)
        if stale or gone or held != wanted:
            _write_manifest(lake, wanted, con)
    finally:
        con.execute("DROP VIEW IF EXISTS temp.lake_complaints")
    return LakeExport(
        days_written=stale,
        days_removed=gone,
        days=len(wanted),
        complaints=sum(s["complaints"] for s in wanted.values()),
    )


def _write_days(con: duckdb.DuckDBPyConnection, lake: Lake, days: list[str]) -> None:
    staging = lake.root / f".staging-{uuid.uuid4().hex}"
    try:
        execute_file(con, "pipelines", "lake_export_days", {"days": days, "staging": str(staging)})
        for day in days:
            written = sorted((staging / f"day={day}").glob("*.parquet"))
            if len(written) != 1:
                raise RuntimeError(
                    f"expected one Parquet file for day {day}, DuckDB wrote {written}"
                )
            fsync_path(written[0])
            target = lake.day_file(day)
            target.parent.mkdir(exist_ok=True)
            os.replace(written[0], target)
            fsync_path(target.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _days_on_disk(lake: Lake) -> set[str]:
    return {
        path.name.removeprefix("day=")
        for path in lake.complaints_dir.glob("day=*")
        if path.is_dir()
    }


def _read_manifest(lake: Lake) -> dict[str, DayFile]:
    """The days the lake holds, by the manifest; empty (rewrite all) if it is missing or foreign."""
    try:
        manifest = json.loads(lake.manifest_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    if manifest.get("format") != MANIFEST_FORMAT:
        return {}
    return dict(manifest.get("days", {}))


def _write_manifest(lake: Lake, days: dict[str, DayFile], con: duckdb.DuckDBPyConnection) -> None:
    zone = con.execute("SELECT current_setting('TimeZone')").fetchone()
    manifest = {
        "format": MANIFEST_FORMAT,
        "timezone": zone[0] if zone else None,
        "partition": "day",
        "days": days,
    }
    partial = lake.manifest_path.with_name(f".manifest-{uuid.uuid4().hex}.json")
    partial.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    fsync_path(partial)
    os.replace(partial, lake.manifest_path)
    fsync_path(lake.complaints_dir)
