"""The store: one writer, many readers, and publication by immutable snapshots.

DuckDB allows one read-write process per file and, while it is open, no other process can open
it even read-only. So jobs write ``engine.duckdb`` under an exclusive ``flock`` and, when a run
is complete, write a new snapshot and switch the ``published/current.duckdb`` symlink to it with
an atomic rename. A snapshot is a small DuckDB file: the small tables, a view over immutable
Parquet parts for each big one (``published/parts/``, shared between snapshots, only what
changed rewritten: :mod:`heatmap.published_parts`), and the published views. Readers
(dashboard, ``heatmap sql``, analysts' DuckDB clients) only ever open snapshots read-only, so
they never wait for a job and never see a half-written run; a job killed mid-way leaves the
previous publication in place, and its unfinished transaction is rolled back by DuckDB on the
next open.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from heatmap.errors import HeatmapError, NotPublishedError, RunInProgressError
from heatmap.home import Home
from heatmap.published_parts import (
    MANIFEST_SUFFIX,
    PARTS_FOLDER,
    Part,
    fsync_path,
    manifest_path,
    read_manifest,
    write_manifest,
    write_parts,
)
from heatmap.sqlfiles import sql_files
from heatmap.sqlfunctions import prepare_connection

SNAPSHOTS_KEPT = 3
# How long a superseded snapshot stays readable, its parts with it: an analyst's session or a
# dashboard page opened on it keeps working that long (a snapshot is small: its big tables are
# shared parts, and only the parts a run rewrote are kept twice).
SNAPSHOT_GRACE = timedelta(hours=1)
# Writer-side bookkeeping left out of snapshots: what publishing must rewrite, the surge
# scorer's kept inputs (every window's citywide counts, 100 k rows for a year: copying them
# into each snapshot was a fifth of a small run's publication, for no reader) and the
# coordinate tallies (millions of rows), and which schema files the store was last brought up to
# date with.
WRITER_ONLY = frozenset({"changes", "surge_inputs", "point_tallies", "schema_state"})
SNAPSHOT_PREFIX = "heatmap-"
# What a job lets DuckDB hold in memory before it spills to the home's work folder: a year of
# complaints is sorted and joined within it, and the job's own arrays come on top. A first run
# on a year of 10 M complaints peaked at 4.1 GiB with 2GB and 3.7 GiB with 1.5GB, as fast.
MEMORY_LIMIT_ENV = "HEATMAP_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "1536MB"


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the store's tables (``store`` schema) and the published views (``main``).

    Skipped when these very files, with this DuckDB, already did (``store.schema_state``): the
    writer opens the store twice a tick, and running them all took 0.05 s each time.
    """
    scripts = [
        entry.read_text(encoding="utf-8")
        for folder in ("schema", "views")
        for entry in sql_files("heatmap", folder)
    ]
    digest = hashlib.sha256("\0".join([duckdb.__version__, *scripts]).encode()).hexdigest()
    if _schema_digest(con) == digest:
        return
    con.execute("CREATE SCHEMA IF NOT EXISTS store")
    for script in scripts:
        con.execute(script)
    con.execute("DELETE FROM store.schema_state")
    con.execute("INSERT INTO store.schema_state VALUES ($digest)", {"digest": digest})


def _schema_digest(con: duckdb.DuckDBPyConnection) -> str | None:
    """The digest ``store.schema_state`` holds, or None (a new or older store)."""
    ((exists,),) = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'store' AND table_name = 'schema_state'"
    ).fetchall()
    if not exists:
        return None
    found = con.execute("SELECT max(digest) FROM store.schema_state").fetchall()
    return str(found[0][0]) if found[0][0] is not None else None


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
    """Write a new snapshot of the writer's database and make it the current publication.

    The big tables go out as Parquet parts shared with earlier snapshots
    (:mod:`heatmap.published_parts`: only what changed is written); the snapshot file holds
    the small tables, views over the parts, and the published views. Returns its path.
    Readers that still have an older snapshot open keep reading it: a superseded snapshot and
    its parts stay for :data:`SNAPSHOT_GRACE` and :data:`SNAPSHOTS_KEPT` publications at least.
    """
    home.ensure()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    final = home.published_dir / f"{SNAPSHOT_PREFIX}{stamp}-{uuid.uuid4().hex[:8]}.duckdb"
    partial = final.with_suffix(".partial")
    previous = read_manifest(_current_or_none(home))
    parts = write_parts(con, home.published_dir / PARTS_FOLDER, previous)
    try:
        _write_snapshot(con, partial, parts)
        fsync_path(partial)
        write_manifest(final, [p for table in parts.values() for p in table])
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.rename(partial, final)
    link = home.published_dir / f".current-{uuid.uuid4().hex}"
    os.symlink(final.name, link)
    os.replace(link, home.current_path)
    fsync_path(home.published_dir)
    con.execute("DELETE FROM store.changes")  # the current snapshot now holds every change
    _prune(home, keep=final)
    return final


def _write_snapshot(
    con: duckdb.DuckDBPyConnection, path: Path, parts: dict[str, list[Part]]
) -> None:
    """A new database at ``path``: the writer's small tables, a view over its parts for each
    big table, and the published views, as a reader sees them."""
    (writer,) = con.execute("SELECT current_database()").fetchone() or ("",)
    alias = f"snapshot_{uuid.uuid4().hex[:8]}"
    con.execute(f"ATTACH {_literal(path)} AS {alias}")
    try:
        con.execute(f"CREATE SCHEMA {alias}.store")
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() "
            "WHERE database_name = $db AND schema_name = 'store' ORDER BY 1",
            {"db": writer},
        ).fetchall()
        for (table,) in tables:
            if table in WRITER_ONLY:
                continue
            files = [_literal(Path(p.path)) for p in parts.get(table, [])]
            con.execute(
                f"CREATE VIEW {alias}.store.{table} AS "
                f"SELECT * FROM read_parquet([{', '.join(files)}])"
                if files
                else f"CREATE TABLE {alias}.store.{table} AS SELECT * FROM store.{table}"
            )
        con.execute(f"USE {alias}")
        try:
            for entry in sql_files("heatmap", "views"):
                con.execute(entry.read_text(encoding="utf-8"))
        finally:
            con.execute(f"USE {writer}")
    finally:
        con.execute(f"DETACH {alias}")


def _literal(path: Path) -> str:
    """``path`` as a SQL string literal (absolute: any client opens the snapshot from anywhere)."""
    return "'" + str(path.resolve()).replace("'", "''") + "'"


def _current_or_none(home: Home) -> Path | None:
    try:
        return current_snapshot(home)
    except NotPublishedError:
        return None


def _prune(home: Home, keep: Path) -> None:
    """Remove snapshots beyond the newest :data:`SNAPSHOTS_KEPT` that are older than
    :data:`SNAPSHOT_GRACE`, then every part no remaining snapshot reads, and leftovers of
    publications that died part-way."""
    snapshots = sorted(home.published_dir.glob(f"{SNAPSHOT_PREFIX}*.duckdb"))
    cutoff = time.time() - SNAPSHOT_GRACE.total_seconds()
    for old in snapshots[:-SNAPSHOTS_KEPT]:
        if old != keep and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    kept = sorted(home.published_dir.glob(f"{SNAPSHOT_PREFIX}*.duckdb"))
    # a manifest without its snapshot: pruned above, or its publication died before the rename
    manifests = {manifest_path(snapshot) for snapshot in kept}
    for manifest in home.published_dir.glob(f"{SNAPSHOT_PREFIX}*{MANIFEST_SUFFIX}"):
        if manifest not in manifests:
            manifest.unlink(missing_ok=True)
    read = {p.path for snapshot in kept for p in read_manifest(snapshot)}
    for part in (home.published_dir / PARTS_FOLDER).resolve().glob("*/*.parquet*"):
        if str(part) not in read:
            part.unlink(missing_ok=True)
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


def open_reader(
    home: Home, timezone: str, snapshot: Path | None = None
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to ``snapshot`` (default: the current publication)."""
    return open_snapshot(snapshot or current_snapshot(home), timezone)


def open_snapshot(path: str | Path, timezone: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the snapshot at ``path`` (not whatever is current by then),
    prepared like every connection.

    DuckDB shares one database instance among a process's connections to the same file, and
    the H3 functions with it: a second connection finds them registered already.
    """
    con = duckdb.connect(str(path), read_only=True)
    # a part's file never changes once written: its footer need be read only once
    con.execute("SET parquet_metadata_cache = true")
    try:
        return prepare_connection(con, timezone)
    except duckdb.CatalogException as exc:
        if "already exists" not in str(exc):
            raise
        con.execute("SET TimeZone = $tz", {"tz": timezone})
        return con
