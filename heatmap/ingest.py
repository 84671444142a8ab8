"""Ingest: a source file in, every row accounted for as accepted, quarantined or duplicate.

Read and validate in one pass (``heatmap.sources`` → ``sql/ingest/validate.sql``), place every
row (``heatmap.positions``: coordinate checks, CRS conversion, geocoding, H3 cells; numpy,
vectorised), then store (``sql/ingest/accept.sql``) in one transaction: a job killed mid-way
stores nothing of the batch, and the next run starts clean.

``rows_read = accepted + quarantined + duplicates`` is checked for every file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np

from heatmap.geocode import geocode
from heatmap.mapping import Mapping
from heatmap.positions import position_rows
from heatmap.privacy import hmac_pads
from heatmap.sources import (
    Staging,
    file_sha256,
    is_encoding_error,
    is_serial_only_error,
    reading_error,
    staging_query,
)
from heatmap.sqlfiles import bind_for, read_sql, split_statements
from heatmap.taxonomy import Taxonomy

AUTO_NAIVE_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y%m%d%H%M%S",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
]
AUTO_OFFSET_FORMATS = ["%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z"]
# Complaints older than this are taken for broken clocks or placeholder dates (1900-01-01).
EARLIEST_PLAUSIBLE = datetime(2000, 1, 1, tzinfo=UTC)
_BATCH_TABLES = ("validated", "duplicate_rows")

Progress = Callable[[str, float | None], None]
"""Told the phase (``reading``, ``placing``, ``storing``) and its percentage when known."""


@dataclass
class IngestSummary:
    """What one ingest did with each row it read (the contract's ``--json`` object, and more)."""

    source_file: str
    batch_id: int
    rows_read: int
    accepted: int
    quarantined: int
    duplicates: int
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    already_ingested: bool = False
    repaired: dict[str, int] = field(default_factory=dict)
    geocoded: dict[str, int] = field(default_factory=dict)

    def as_contract(self) -> dict[str, object]:
        """The object ``heatmap ingest --json`` prints: the contract's keys, then extras.

        ``repaired`` counts accepted rows whose coordinates were repaired (by kind) and
        ``geocoded`` accepted rows placed from their address (by precision).
        """
        return {
            "rows_read": self.rows_read,
            "accepted": self.accepted,
            "quarantined": self.quarantined,
            "duplicates": self.duplicates,
            "quarantine_reasons": dict(self.quarantine_reasons),
            "repaired": dict(self.repaired),
            "geocoded": dict(self.geocoded),
        }


def _timestamp_formats(mapping: Mapping) -> tuple[list[str], list[str]]:
    declared = mapping.source.timestamp_format
    if declared is None:
        return AUTO_NAIVE_FORMATS, AUTO_OFFSET_FORMATS
    if "%z" in declared or "%Z" in declared:
        return AUTO_NAIVE_FORMATS[:1], [declared]
    return [declared], AUTO_OFFSET_FORMATS


def _issue_type_names(mapping: Mapping, taxonomy: Taxonomy) -> dict[str, list[str]]:
    """Every accepted spelling of a type and its code: ``$type_spellings``, ``$type_codes``."""
    names: dict[str, str] = {}
    for issue_type in taxonomy.types:
        for spelling in (issue_type.code, issue_type.zh, issue_type.en):
            names[spelling] = issue_type.code
    names.update(mapping.issue_types)
    return {"type_spellings": list(names), "type_codes": list(names.values())}


@contextmanager
def _watch(con: duckdb.DuckDBPyConnection, phase: str, progress: Progress | None) -> Iterator[None]:
    """Report ``phase`` and, while its query runs, DuckDB's progress through it."""
    if progress is None:
        yield
        return
    progress(phase, None)
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.25):
            percent = con.query_progress()
            if percent >= 0:
                progress(phase, percent)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
        progress(phase, 100.0)


def _validate(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: Mapping,
    work_dir: Path,
    params: dict[str, object],
) -> Staging:
    """Create the temp table ``validated`` from the file; returns the staging used.

    Falls back to a serial CSV read when DuckDB needs one, and to GB18030 when an ``auto``
    file turns out not to be UTF-8 past its first MiB.
    """
    template = read_sql("heatmap", "ingest/validate")
    staging = staging_query(con, path, mapping, work_dir)
    attempts = [staging.sql]
    while True:
        sql = f"CREATE OR REPLACE TEMP TABLE validated AS WITH staging AS ({attempts[-1]}) "
        sql += f"SELECT * FROM (\n{template}\n)"
        try:
            con.execute(sql, bind_for(sql, {**params, **staging.params}))
            return staging
        except duckdb.Error as exc:
            if is_serial_only_error(exc) and staging.serial_sql and len(attempts) == 1:
                attempts.append(staging.serial_sql)
                continue
            reread = mapping.source.encoding == "auto" and staging.work_file is None
            if is_encoding_error(exc) and reread:
                staging = staging_query(con, path, mapping, work_dir, reread=True)
                attempts = [staging.sql]
                continue
            if staging.work_file is not None:
                staging.work_file.unlink(missing_ok=True)
            raise reading_error(path, exc, mapping.source.encoding) from None


def _position(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> None:
    """Register ``positioned``: every validated row placed, or its position reason."""
    columns = con.execute(
        "SELECT lat, lon, reason IS NULL AND NOT needs_geocode AS checked FROM validated"
    ).fetchnumpy()
    to_geocode = con.execute(
        "SELECT rowid, address FROM validated WHERE needs_geocode ORDER BY rowid"
    ).fetchnumpy()
    positioned = position_rows(
        np.ma.filled(np.ma.asarray(columns["lat"], dtype=np.float64), np.nan),
        np.ma.filled(np.ma.asarray(columns["lon"], dtype=np.float64), np.nan),
        np.ma.filled(np.ma.asarray(columns["checked"], dtype=bool), False),
        np.asarray(to_geocode["rowid"], dtype=np.int64),
        [str(a) for a in to_geocode["address"]],
        mapping.source.crs,
        mapping.source.service_area,
        geocode,
    )
    con.register("positioned", positioned.to_arrow())


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: Mapping,
    taxonomy: Taxonomy,
    hash_key: bytes,
    work_dir: Path,
    progress: Progress | None = None,
) -> IngestSummary:
    """Ingest one file into the store on the writer connection ``con``.

    Raises :class:`~heatmap.errors.InputFileError` for file-level problems; row-level problems
    become quarantine rows. Re-ingesting a file already stored adds nothing.
    """
    path = path.resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    sha = file_sha256(path)
    now = datetime.now(UTC)
    # DuckDB's own bar would print to stdout, where --json goes; its progress is read instead.
    con.execute("SET enable_progress_bar_print = false")
    if progress is not None:
        con.execute("SET enable_progress_bar = true")
    for statement in split_statements(read_sql("heatmap", "ingest/parsers")):
        con.execute(statement)
    naive_formats, offset_formats = _timestamp_formats(mapping)
    area = mapping.source.service_area
    inner, outer = hmac_pads(hash_key)
    params: dict[str, object] = {
        "timezone": mapping.source.timezone,
        "naive_formats": naive_formats,
        "offset_formats": offset_formats,
        "now": now,
        "earliest": EARLIEST_PLAUSIBLE,
        "area_west": area.west if area else None,
        "area_south": area.south if area else None,
        "area_east": area.east if area else None,
        "area_north": area.north if area else None,
        "hmac_ipad": inner,
        "hmac_opad": outer,
        **_issue_type_names(mapping, taxonomy),
    }
    staging: Staging | None = None
    try:
        with _watch(con, "reading", progress):
            staging = _validate(con, path, mapping, work_dir, params)
        counted = con.execute("SELECT count(*) FROM validated").fetchone()
        rows_read = int(counted[0]) if counted else 0
        return _store(con, path, mapping, sha, rows_read, now, progress)
    finally:
        for temp in _BATCH_TABLES:
            con.execute(f"DROP TABLE IF EXISTS temp.{temp}")
        if staging is not None and staging.work_file is not None:
            staging.work_file.unlink(missing_ok=True)


def _store(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: Mapping,
    sha: str,
    rows_read: int,
    now: datetime,
    progress: Progress | None,
) -> IngestSummary:
    con.execute("BEGIN TRANSACTION")
    try:
        batch_row = con.execute("SELECT nextval('store.batch_ids')").fetchone()
        assert batch_row is not None
        batch_id = int(batch_row[0])
        seen = con.execute(
            "SELECT 1 FROM store.batches WHERE file_sha256 = $sha", {"sha": sha}
        ).fetchone()
        if seen is not None:
            summary = IngestSummary(str(path), batch_id, rows_read, 0, 0, rows_read, {}, True)
        else:
            if progress is not None:
                progress("placing", None)
            _position(con, mapping)
            with _watch(con, "storing", progress):
                summary = _accept(con, path, mapping, batch_id, rows_read)
        con.execute(
            "INSERT INTO store.batches VALUES ($id, $file, $sha, $at, $read, $acc, $qua, $dup)",
            {
                "id": batch_id,
                "file": str(path),
                "sha": sha,
                "at": now,
                "read": summary.rows_read,
                "acc": summary.accepted,
                "qua": summary.quarantined,
                "dup": summary.duplicates,
            },
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        try:
            con.unregister("positioned")
        except duckdb.Error:
            pass
    return summary


def _accept(
    con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping, batch_id: int, rows_read: int
) -> IngestSummary:
    params: dict[str, object] = {
        "batch_id": batch_id,
        "source_file": str(path),
        "source_crs": mapping.source.crs,
    }
    for statement in split_statements(read_sql("heatmap", "ingest/accept")):
        con.execute(statement, bind_for(statement, params))
    outcome = con.execute(read_sql("heatmap", "ingest/outcome")).fetchall()
    totals = {"accepted": 0, "quarantined": 0, "duplicate": 0}
    reasons: dict[str, int] = {}
    repaired: dict[str, int] = {}
    geocoded: dict[str, int] = {}
    for kind, reason, source, precision, n, raw_missing in outcome:
        if raw_missing:
            raise AssertionError(f"{path}: {raw_missing} quarantined rows ({reason}) lack raw")
        totals[kind] += n
        if kind == "quarantined":
            reasons[reason] = reasons.get(reason, 0) + n
        elif kind == "accepted" and source == "swap_repaired":
            repaired["swapped_coordinates"] = repaired.get("swapped_coordinates", 0) + n
        elif kind == "accepted" and source == "geocoded":
            geocoded[precision] = geocoded.get(precision, 0) + n
    summary = IngestSummary(
        source_file=str(path),
        batch_id=batch_id,
        rows_read=rows_read,
        accepted=totals["accepted"],
        quarantined=totals["quarantined"],
        duplicates=totals["duplicate"],
        quarantine_reasons=dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        repaired=repaired,
        geocoded=geocoded,
    )
    if summary.accepted + summary.quarantined + summary.duplicates != rows_read:
        raise AssertionError(f"{path}: row accounting does not add up: {summary}")
    return summary
