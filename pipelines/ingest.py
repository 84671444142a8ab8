"""The ingest job: one or more files through one mapping into the store, under the writer lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from heatmap.home import Home
from heatmap.ingest import IngestSummary, ingest_file
from heatmap.ingest import Progress as ProgressCallback
from heatmap.mapping import load_mapping
from heatmap.store import open_writer

EXTRA_KEYS = ("repaired", "geocoded")


def ingest_paths(
    home: Home, paths: list[Path], mapping_path: Path | None, timezone: str, show_progress: bool
) -> list[dict[str, object]]:
    """Ingest ``paths`` in order; returns each file's contract summary (with its extra keys)."""
    mapping = load_mapping(mapping_path)
    console = Console(stderr=True)
    summaries = []
    with open_writer(home, timezone) as con:
        taxonomy = home.taxonomy()
        key = home.hash_key()
        for path in paths:
            with _progress_bar(console, path, show_progress) as progress:
                summary = ingest_file(con, path, mapping, taxonomy, key, home.work_dir, progress)
            summaries.append(summary.as_contract())
            if show_progress:
                console.print(describe(path, summary), highlight=False, markup=False)
    return summaries


def describe(path: Path, summary: IngestSummary) -> str:
    """The readable one-paragraph summary of one file's ingest."""
    reasons = ", ".join(f"{k} {v}" for k, v in summary.quarantine_reasons.items())
    note = " (file already ingested)" if summary.already_ingested else ""
    text = (
        f"{path}: {summary.rows_read} rows read, {summary.accepted} accepted, "
        f"{summary.quarantined} quarantined{f' ({reasons})' if reasons else ''}, "
        f"{summary.duplicates} duplicates{note}"
    )
    if summary.repaired:
        text += "; repaired: " + ", ".join(f"{k} {v}" for k, v in summary.repaired.items())
    if summary.geocoded:
        text += "; geocoded: " + ", ".join(f"{k} {v}" for k, v in summary.geocoded.items())
    return text


def total_extras(summaries: list[dict[str, object]]) -> dict[str, dict[str, int]]:
    """The extra (non-contract) keys of several files' summaries, added up."""
    totals: dict[str, dict[str, int]] = {key: {} for key in EXTRA_KEYS}
    for summary in summaries:
        for key in EXTRA_KEYS:
            counts = summary.get(key, {})
            assert isinstance(counts, dict)
            for name, n in counts.items():
                totals[key][name] = totals[key].get(name, 0) + int(n)
    return totals


@contextmanager
def _progress_bar(console: Console, path: Path, show: bool) -> Iterator[ProgressCallback | None]:
    """A progress bar on stderr through the phases of one file, or nothing when not shown.

    Only on a terminal: in a log or a pipe the summary line says all there is to say.
    """
    if not show or not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(f"{path.name}: starting", total=100)

        def report(phase: str, percent: float | None) -> None:
            bar.update(
                task,
                description=f"{path.name}: {phase}",
                completed=percent if percent is not None else 0,
            )

        yield report
