"""Publication parts: a snapshot's big tables as immutable Parquet files that snapshots share.

A snapshot used to be a byte copy of the writer's store: 1.4 GiB and 6 s for a year of 10 M
complaints, on every run, however small the run. Now the big tables are published as Parquet
*parts* under ``published/parts/<table>/``, each written once and never changed, and a snapshot
holds the small tables and, for each big one, a view over its parts (``heatmap.store.publish``).
A run rewrites only the parts its changes can reach:

* ``complaints`` and ``quarantine`` only ever gain batches, so a part is a range of batch ids.
  The new batches make a new part, and the newest parts merge while the last holds at least
  half as many rows as the one before it: sizes fall geometrically from the oldest part to the
  newest, a year of five-minute batches stays a couple of dozen files, and a complaint is
  rewritten about once per doubling of what came after it.
* ``cell_counts``, ``cell_scores`` and ``district_counts`` are recounted and rescored window
  by window, so a part is a calendar month (UTC) of window starts; the newest month is cut
  into weeks (days 1–7, 8–14, 15–21, 22 to the end) and its newest week into days. A run on
  fresh complaints rewrites the day parts it reaches (today's, and yesterday's, where the
  trailing 24-hour windows start); the days become a week part when the next week begins,
  and the weeks a month part when the next month does.
  Every statement that changes them records the earliest window it touched in
  ``store.changes``; a part that ends after that is rewritten.

The bookkeeping is checked: a table's parts must hold exactly its row count, and a part whose
file is gone or outside this home, or whose table's columns changed, is rewritten. A table
whose check fails has all its parts rewritten.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from heatmap.sqlfiles import read_sql

PARTS_FOLDER = "parts"
MANIFEST_SUFFIX = ".parts.json"
WEEK_CUTS = (0, 7, 14, 21)  # days into the newest month where its weeks start


@dataclass(frozen=True)
class PartedTable:
    """A big store table and the key its parts are cut on."""

    name: str
    key: str
    by_batch: bool


PARTED = (
    PartedTable("complaints", "batch_id", by_batch=True),
    PartedTable("quarantine", "batch_id", by_batch=True),
    PartedTable("cell_counts", "window_start", by_batch=False),
    PartedTable("cell_scores", "window_start", by_batch=False),
    PartedTable("district_counts", "window_start", by_batch=False),
)


@dataclass(frozen=True)
class Part:
    """One Parquet file: the rows of ``table`` with ``lower <= key < upper``."""

    table: str
    lower: int | datetime
    upper: int | datetime
    path: str
    rows: int
    columns: str

    def to_json(self) -> dict[str, object]:
        record = asdict(self)
        for bound in ("lower", "upper"):
            value = record[bound]
            record[bound] = value.isoformat() if isinstance(value, datetime) else value
        return record

    @classmethod
    def from_json(cls, record: dict[str, object]) -> Part:
        bounds = {
            b: datetime.fromisoformat(v) if isinstance(v := record[b], str) else int(str(v))
            for b in ("lower", "upper")
        }
        return cls(
            table=str(record["table"]),
            lower=bounds["lower"],
            upper=bounds["upper"],
            path=str(record["path"]),
            rows=int(str(record["rows"])),
            columns=str(record["columns"]),
        )


def manifest_path(snapshot: Path) -> Path:
    """The list of parts a snapshot reads, kept beside it."""
    return snapshot.with_name(snapshot.name.removesuffix(".duckdb") + MANIFEST_SUFFIX)


def read_manifest(snapshot: Path | None) -> list[Part]:
    """The parts of ``snapshot``; none for a snapshot without a manifest (a whole copy)."""
    if snapshot is None:
        return []
    try:
        records = json.loads(manifest_path(snapshot).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return []
    return [Part.from_json(r) for r in records]


def write_manifest(snapshot: Path, parts: list[Part]) -> Path:
    """Write the manifest of ``snapshot`` (not yet renamed into place) and flush it."""
    target = manifest_path(snapshot)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(json.dumps([p.to_json() for p in parts], indent=1), encoding="utf-8")
    fsync_path(partial)
    os.rename(partial, target)
    return target


def write_parts(
    con: duckdb.DuckDBPyConnection, parts_dir: Path, previous: list[Part]
) -> dict[str, list[Part]]:
    """The parts of every big table for a new snapshot: ``previous`` ones that still hold,
    new ones written for the rest. ``con`` is the writer, holding the lock."""
    marks = dict(
        con.execute("SELECT table_name, min(changed_from) FROM store.changes GROUP BY 1").fetchall()
    )
    parts_dir = parts_dir.resolve()
    chosen: dict[str, list[Part]] = {}
    all_columns = _columns(con)
    for table in PARTED:
        folder = parts_dir / table.name
        folder.mkdir(parents=True, exist_ok=True)
        columns = all_columns.get(table.name, "")
        held = [p for p in previous if p.table == table.name and _usable(p, columns, folder)]
        lowest, highest, n = con.execute(_sql("part_bounds", table)).fetchone() or (None, None, 0)
        if not n:
            chosen[table.name] = []
            continue
        plan = (
            _plan_batches(con, table, held, int(lowest), int(highest))
            if table.by_batch
            else _plan_windows(held, _windows(lowest, highest), marks.get(table.name))
        )
        parts = [p if isinstance(p, Part) else _write(con, table, p, folder, columns) for p in plan]
        if sum(p.rows for p in parts) != n:  # the bookkeeping missed a change: start afresh
            whole = (
                [(int(lowest), int(highest) + 1)] if table.by_batch else _windows(lowest, highest)
            )
            fresh = {(p.lower, p.upper): p for p in parts if p not in held}
            parts = [fresh.get(r) or _write(con, table, r, folder, columns) for r in whole]
        chosen[table.name] = parts
        fsync_path(folder)
    return chosen


def _usable(part: Part, columns: str, folder: Path) -> bool:
    """Whether a part of the previous snapshot can be read again: same columns, still there,
    and in this home (a copied home's manifest still names the original's files)."""
    path = Path(part.path)
    return part.columns == columns and path.parent == folder and path.exists()


Bound = int | datetime
Range = tuple[Bound, Bound]


def _batch(bound: Bound) -> int:
    assert isinstance(bound, int), bound
    return bound


def _plan_batches(
    con: duckdb.DuckDBPyConnection,
    table: PartedTable,
    held: list[Part],
    lowest: int,
    highest: int,
) -> list[Part | Range]:
    """Held batch parts that chain from the first batch, a part for the batches after them,
    and merges of the newest parts while the last is at least half the one before."""
    chain: list[Part] = []
    for part in sorted(held, key=lambda p: _batch(p.lower)):
        if _batch(part.upper) > highest + 1:
            break
        if (chain and part.lower == chain[-1].upper) or (
            not chain and _batch(part.lower) <= lowest
        ):
            chain.append(part)
    start = _batch(chain[-1].upper) if chain else lowest
    sized: list[tuple[Part | Range, int]] = [(p, p.rows) for p in chain]
    if start <= highest:
        new_range = (start, highest + 1)
        sized.append((new_range, _range_rows(con, table, new_range)))
    while len(sized) >= 2 and sized[-1][1] * 2 >= sized[-2][1]:
        (older, older_rows), (newer, newer_rows) = sized[-2], sized[-1]
        merged = (_bounds(older)[0], _bounds(newer)[1])
        sized[-2:] = [(merged, older_rows + newer_rows)]
    return [p for p, _ in sized]


def _plan_windows(
    held: list[Part], ranges: list[Range], changed_from: datetime | None
) -> list[Part | Range]:
    """For each range, the held part if nothing changed before its end, else the range."""
    by_range = {(p.lower, p.upper): p for p in held}
    plan: list[Part | Range] = []
    for lower, upper in ranges:
        part = by_range.get((lower, upper))
        unchanged = changed_from is None or upper <= changed_from  # type: ignore[operator]
        plan.append(part if part is not None and unchanged else (lower, upper))
    return plan


def _windows(lowest: datetime, highest: datetime) -> list[Range]:
    """Whole calendar months (UTC) before the newest; the newest month's weeks before the
    newest; and the newest week's days, up to the newest day."""
    first, last = lowest.astimezone(UTC), highest.astimezone(UTC)
    month = datetime(first.year, first.month, 1, tzinfo=UTC)
    newest = datetime(last.year, last.month, 1, tzinfo=UTC)
    ranges: list[Range] = []
    while month < newest:
        ranges.append((month, _next_month(month)))
        month = _next_month(month)
    cuts = [newest + timedelta(days=d) for d in WEEK_CUTS] + [_next_month(newest)]
    weeks = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if a <= last]
    ranges += weeks[:-1]
    day, week_end = weeks[-1]
    while day <= last:
        ranges.append((day, min(day + timedelta(days=1), week_end)))
        day += timedelta(days=1)
    return ranges


def _next_month(month: datetime) -> datetime:
    return month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)


def _bounds(item: Part | Range) -> Range:
    return (item.lower, item.upper) if isinstance(item, Part) else item


def _range_rows(con: duckdb.DuckDBPyConnection, table: PartedTable, bounds: Range) -> int:
    row = con.execute(_sql("part_rows", table), {"lower": bounds[0], "upper": bounds[1]}).fetchone()
    return int(row[0]) if row else 0


def _write(
    con: duckdb.DuckDBPyConnection,
    table: PartedTable,
    bounds: Range,
    folder: Path,
    columns: str,
) -> Part:
    lower, upper = bounds
    label = (
        f"batches-{lower}-{upper}" if isinstance(lower, int) else f"{lower:%Y%m%d}-{upper:%Y%m%d}"
    )
    final = folder / f"{label}-{uuid.uuid4().hex[:8]}.parquet"
    partial = final.with_name(final.name + ".partial")
    row = con.execute(
        _sql("part_copy", table), {"lower": lower, "upper": upper, "path": str(partial)}
    ).fetchone()
    fsync_path(partial)
    os.rename(partial, final)
    return Part(table.name, lower, upper, str(final), int(row[0]) if row else 0, columns)


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each store table's columns and their types, as one string (a part's columns must match)."""
    rows = con.execute(
        "SELECT table_name, "
        "string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_index) "
        "FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'store' GROUP BY table_name"
    ).fetchall()
    return {str(table): str(columns) for table, columns in rows}


def _sql(name: str, table: PartedTable) -> str:
    """A ``publish/`` query for ``table``: identifiers are the module's constants, filled in
    because DuckDB binds values only; every value is a bind parameter."""
    return read_sql("heatmap", f"publish/{name}").format(table=table.name, key=table.key)


def fsync_path(path: Path) -> None:
    """Flush a file, or a folder's entries (after a rename in it), to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
