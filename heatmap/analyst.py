"""``heatmap sql``: analysts' read-only queries on the published data.

The connection is the current snapshot opened read-only, prepared by the same
:func:`~heatmap.sqlfunctions.prepare_connection` as every other, then locked: no access to
files or other databases (but the snapshot's own Parquet parts, which its big tables are views
over), and the lock itself cannot be undone from the query.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from heatmap.home import Home
from heatmap.published_parts import read_manifest
from heatmap.store import current_snapshot, open_reader


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def run_query(home: Home, query: str, fmt: str, timezone: str) -> str:
    """The result of ``query`` rendered as ``table``, ``csv`` or ``json``."""
    snapshot = current_snapshot(home)
    parts = [p.path for p in read_manifest(snapshot)]
    con = open_reader(home, timezone, snapshot)
    try:
        # the exact files only: writing beside them (COPY ... TO) stays refused
        con.execute("SET allowed_paths = $parts", {"parts": parts})
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        cursor = con.execute(query)
        if cursor.description is None:
            return ""
        names = [d[0] for d in cursor.description]
        rows = [[_plain(v) for v in row] for row in cursor.fetchall()]
    finally:
        con.close()
    if fmt == "json":
        return json.dumps(
            [dict(zip(names, r, strict=True)) for r in rows], ensure_ascii=False, indent=2
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
        return buffer.getvalue().rstrip("\n")
    return _table(names, rows)


def _table(names: list[str], rows: list[list[Any]]) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(*names, show_lines=False)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console = Console(record=True, width=200, file=io.StringIO())
    console.print(table)
    return console.export_text().rstrip("\n")
