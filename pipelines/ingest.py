"""The ingest job: one or more files through one mapping into the store, under the writer lock."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from heatmap.home import Home
from heatmap.ingest import ingest_file
from heatmap.mapping import load_mapping
from heatmap.store import open_writer


def ingest_paths(
    home: Home, paths: list[Path], mapping_path: Path | None, timezone: str, show_progress: bool
) -> list[dict[str, object]]:
    """Ingest ``paths`` in order; returns each file's contract summary."""
    mapping = load_mapping(mapping_path)
    console = Console(stderr=True)
    summaries = []
    with open_writer(home, timezone) as con:
        taxonomy = home.taxonomy()
        key = home.hash_key()
        for path in paths:
            with (
                console.status(f"ingesting {path} …", spinner="dots") if show_progress else _Quiet()
            ):
                summary = ingest_file(con, path, mapping, taxonomy, key, home.work_dir)
            summaries.append(summary.as_contract())
            if show_progress:
                reasons = ", ".join(f"{k} {v}" for k, v in summary.quarantine_reasons.items())
                note = " (file already ingested)" if summary.already_ingested else ""
                console.print(
                    f"{path}: {summary.rows_read} rows read, {summary.accepted} accepted, "
                    f"{summary.quarantined} quarantined{f' ({reasons})' if reasons else ''}, "
                    f"{summary.duplicates} duplicates{note}",
                    highlight=False,
                    markup=False,
                )
    return summaries


class _Quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
