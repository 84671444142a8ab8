"""Ingest: a source file in, every row accounted for as accepted, quarantined or duplicate.

Read (``heatmap.sources``) → validate (``sql/ingest/validate.sql``) → convert coordinates to
WGS-84 and index H3 cells (numpy, vectorised) → store (``sql/ingest/accept.sql``), all in one
transaction: a job killed mid-way stores nothing of the batch, and the next run starts clean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from heatmap import coords, grid
from heatmap.mapping import Mapping
from heatmap.privacy import hmac_pads
from heatmap.sources import file_sha256, load_staging
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


@dataclass
class IngestSummary:
    """What one ingest did with each row it read (the contract's ``--json`` object)."""

    source_file: str
    batch_id: int
    rows_read: int
    accepted: int
    quarantined: int
    duplicates: int
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    already_ingested: bool = False

    def as_contract(self) -> dict[str, object]:
        """The object ``heatmap ingest --json`` prints."""
        return {
            "rows_read": self.rows_read,
            "accepted": self.accepted,
            "quarantined": self.quarantined,
            "duplicates": self.duplicates,
            "quarantine_reasons": dict(self.quarantine_reasons),
        }


def _timestamp_formats(mapping: Mapping) -> tuple[list[str], list[str]]:
    declared = mapping.source.timestamp_format
    if declared is None:
        return AUTO_NAIVE_FORMATS, AUTO_OFFSET_FORMATS
    if "%z" in declared or "%Z" in declared:
        return AUTO_NAIVE_FORMATS[:1], [declared]
    return [declared], AUTO_OFFSET_FORMATS


def _issue_type_names(con: duckdb.DuckDBPyConnection, mapping: Mapping, taxonomy: Taxonomy) -> None:
    """Temp table ``issue_type_names``: every accepted spelling of a type → its code."""
    names: dict[str, str] = {}
    for issue_type in taxonomy.types:
        for spelling in (issue_type.code, issue_type.zh, issue_type.en):
            names[spelling] = issue_type.code
    names.update(mapping.issue_types)
    table = pa.table({"source_value": list(names), "code": list(names.values())})
    con.register("issue_type_names_arrow", table)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE issue_type_names AS SELECT * FROM issue_type_names_arrow"
    )
    con.unregister("issue_type_names_arrow")


def _grid_valid_rows(con: duckdb.DuckDBPyConnection, crs: str) -> None:
    """Temp table ``gridded``: WGS-84 position and H3 cell of every row that passed validation."""
    valid = con.sql(
        "SELECT source_row, lat, lon FROM validated WHERE reason IS NULL"
    ).to_arrow_table()
    lon, lat = coords.to_wgs84(valid.column("lon").to_numpy(), valid.column("lat").to_numpy(), crs)
    cells = grid.latlng_to_cells(lat, lon)
    gridded = pa.table(
        {
            "source_row": valid.column("source_row"),
            "lat": np.round(lat, 7),
            "lon": np.round(lon, 7),
            "cell": cells,
        }
    )
    con.register("gridded_arrow", gridded)
    con.execute("CREATE OR REPLACE TEMP TABLE gridded AS SELECT * FROM gridded_arrow")
    con.unregister("gridded_arrow")


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: Mapping,
    taxonomy: Taxonomy,
    hash_key: bytes,
    work_dir: Path,
) -> IngestSummary:
    """Ingest one file into the store on the writer connection ``con``.

    Raises :class:`~heatmap.errors.InputFileError` for file-level problems; row-level problems
    become quarantine rows. Re-ingesting a file already stored adds nothing.
    """
    path = path.resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    sha = file_sha256(path)
    rows_read = load_staging(con, path, mapping, work_dir, hmac_pads(hash_key))
    now = datetime.now(UTC)
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
            summary = _store_batch(con, path, mapping, taxonomy, batch_id, rows_read, now)
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
        for temp in ("staging", "validated", "gridded", "outcome", "issue_type_names"):
            con.execute(f"DROP TABLE IF EXISTS temp.{temp}")
    return summary


def _store_batch(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: Mapping,
    taxonomy: Taxonomy,
    batch_id: int,
    rows_read: int,
    now: datetime,
) -> IngestSummary:
    naive_formats, offset_formats = _timestamp_formats(mapping)
    _issue_type_names(con, mapping, taxonomy)
    con.execute(
        read_sql("heatmap", "ingest/validate"),
        {
            "timezone": mapping.source.timezone,
            "naive_formats": naive_formats,
            "offset_formats": offset_formats,
            "now": now,
        },
    )
    _grid_valid_rows(con, mapping.source.crs)
    params: dict[str, object] = {
        "batch_id": batch_id,
        "source_file": str(path),
        "source_crs": mapping.source.crs,
    }
    for statement in split_statements(read_sql("heatmap", "ingest/accept")):
        con.execute(statement, bind_for(statement, params))
    counts = dict(con.execute("SELECT outcome, count(*) FROM outcome GROUP BY ALL").fetchall())
    reasons = dict(
        con.execute(
            "SELECT reason, count(*) FROM outcome WHERE outcome = 'quarantined' "
            "GROUP BY ALL ORDER BY 2 DESC, 1"
        ).fetchall()
    )
    summary = IngestSummary(
        source_file=str(path),
        batch_id=batch_id,
        rows_read=rows_read,
        accepted=int(counts.get("accepted", 0)),
        quarantined=int(counts.get("quarantined", 0)),
        duplicates=int(counts.get("duplicate", 0)),
        quarantine_reasons={str(k): int(v) for k, v in reasons.items()},
    )
    if summary.accepted + summary.quarantined + summary.duplicates != rows_read:
        raise AssertionError(f"{path}: row accounting does not add up: {summary}")
    return summary
