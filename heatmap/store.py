"""The store: one writer, many readers, and publication by immutable snapshots.

DuckDB allows one read-write process per file and, while it is open, no other process can open
it even read-only. So jobs write ``engine.duckdb`` under an exclusive ``flock`` and, when a run
is complete, copy it into a new snapshot file and switch the ``published/current.duckdb``
symlink to it with an atomic rename. Readers (dashboard, ``heatmap sql``, analysts' DuckDB
clients) only ever open snapshots read-only, so they never wait for a job and never see a
half-written run; a job killed mid-way leaves the previous publication in place, and its
unfinished transaction is rolled back by DuckDB on the next open.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from heatmap.errors import HeatmapError, NotPublishedError, RunInProgressError
from heatmap.home import Home
from heatmap.sqlfiles import sql_files
from heatmap.sqlfunctions import prepare_connection

SNAPSHOTS_KEPT = 3
SNAPSHOT_PREFIX = "heatmap-"
# What a job lets DuckDB hold in memory before it spills to the home's work folder: a year of
# complaints is sorted and joined within it, and the job's own arrays come on top.
MEMORY_LIMIT_ENV = "HEATMAP_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "2GB"


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the store's tables (``store`` schema) and the published views (``main``)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS store")
    for entry in sql_files("heatmap", "schema"):
        con.execute(entry.read_text(encoding="utf-8"))
    for entry in sql_files("heatmap", "views"):
        con.execute(entry.read_text(encoding="utf-8"))


@contextlib.contextmanager
def writer_lock(home: Home) -> Iterator[None]:
    """Hold the home's writer lock, or raise :class:`RunInProgressError` at once.

    ``flock`` is released by the kernel when the holder exits, however it exits, so a killed
    job never leaves a stale lock behind.
    """
    home.ensure()
    fd = os.open(home.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            raise RunInProgressError(
                f"another heatmap job (pid {holder}) is writing to {home.root}; "
                "wait for it to finish, or stop it"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def open_writer(home: Home, timezone: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """The writer connection, under the writer lock, with the schema in place."""
    with writer_lock(home):
        con = duckdb.connect(str(home.store_path))
        try:
            _limit_memory(con, home)
            prepare_connection(con, timezone)
            create_schema(con)
            yield con
        finally:
            con.close()
            # what DuckDB spilled is of no use to anyone once it is closed (and we hold the lock)
            shutil.rmtree(_spill_dir(home), ignore_errors=True)


def _limit_memory(con: duckdb.DuckDBPyConnection, home: Home) -> None:
    """Bound DuckDB's memory (``HEATMAP_MEMORY_LIMIT``, e.g. ``4GB``) and spill beyond it."""
    limit = os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT
    try:
        con.execute("SET memory_limit = $limit", {"limit": limit})
    except duckdb.Error:
        raise HeatmapError(
            f"{MEMORY_LIMIT_ENV}={limit!r} is not an amount of memory: write it like 2GB or 512MB"
        ) from None
    spill = _spill_dir(home)
    spill.mkdir(parents=True, exist_ok=True)
    con.execute("SET temp_directory = $spill", {"spill": str(spill)})


def _spill_dir(home: Home) -> Path:
    return home.work_dir / "spill"


def publish(con: duckdb.DuckDBPyConnection, home: Home) -> Path:
    """Copy the writer's database into a new snapshot and make it the current publication.

    Returns the snapshot's path. Readers that still have an older snapshot open keep reading
    it; the oldest snapshots beyond :data:`SNAPSHOTS_KEPT` are removed.
    """
    home.ensure()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    final = home.published_dir / f"{SNAPSHOT_PREFIX}{stamp}-{uuid.uuid4().hex[:8]}.duckdb"
    partial = final.with_suffix(".partial")
    # After a checkpoint the database file alone holds every committed change (its WAL is
    # empty), and the writer lock keeps anyone else from writing: a byte copy of the file is
    # then a whole database, made at disk speed instead of re-encoding every table as
    # ``COPY FROM DATABASE`` does.
    con.execute("CHECKPOINT")
    try:
        shutil.copyfile(home.store_path, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    fsync_path(partial)
    os.rename(partial, final)
    link = home.published_dir / f".current-{uuid.uuid4().hex}"
    os.symlink(final.name, link)
    os.replace(link, home.current_path)
    fsync_path(home.published_dir)
    _prune(home, keep=final)
    return final


def fsync_path(path: Path) -> None:
    """Flush a file, or a folder's entries (after a rename in it), to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune(home: Home, keep: Path) -> None:
    snapshots = sorted(home.published_dir.glob(f"{SNAPSHOT_PREFIX}*.duckdb"))
    for old in snapshots[:-SNAPSHOTS_KEPT]:
        if old != keep:
            old.unlink(missing_ok=True)
    for leftover in home.published_dir.glob(f"{SNAPSHOT_PREFIX}*.partial*"):
        leftover.unlink(missing_ok=True)


def current_snapshot(home: Home) -> Path:
    """The snapshot readers should open now; :class:`NotPublishedError` if there is none."""
    try:
        return home.current_path.resolve(strict=True)
    except FileNotFoundError:
        raise NotPublishedError(
            f"nothing is published in {home.root} yet: run `heatmap ingest FILE` and "
            "`heatmap run` (or `heatmap demo`) first"
        ) from None


def open_reader(home: Home, timezone: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current publication, prepared like every connection."""
    con = duckdb.connect(str(current_snapshot(home)), read_only=True)
    return prepare_connection(con, timezone)
