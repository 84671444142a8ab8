"""Publication parts: snapshots read exactly the writer's tables, and runs rewrite only what
their changes reach."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from geo_fixtures.scenario import ScenarioConfig, build_scenario, write_scenario
from heatmap.home import Home
from heatmap.published_parts import (
    PARTED,
    Part,
    PartedTable,
    _plan_batches,
    _windows,
    read_manifest,
)
from heatmap.store import current_snapshot, open_reader, open_writer, publish
from heatmap.taxonomy import default_taxonomy
from pipelines.ingest import ingest_paths
from pipelines.run import run_pipeline

TZ = "Asia/Shanghai"
TIME_COLUMN = "受理时间"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def batches(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path]:
    """Forty days across a month's end in files of five days, two days held back to the end."""
    folder = tmp_path_factory.mktemp("scenario")
    write_scenario(build_scenario(ScenarioConfig(days=40, per_day=120, seed=5)), folder)
    frame = pd.read_csv(folder / "complaints.csv", dtype=str)
    day = pd.to_datetime(frame[TIME_COLUMN].str[:10])
    first = day.min()
    late = day.isin([first + pd.Timedelta(days=d) for d in (3, 4)])
    paths = []
    block_of = (day - first).dt.days // 5
    for block, rows in frame[~late].groupby(block_of[~late]):
        paths.append(folder / f"block-{block}.csv")
        rows.to_csv(paths[-1], index=False)
    paths.append(folder / "late.csv")
    frame[late].to_csv(paths[-1], index=False)
    return paths, folder / "mapping.toml"


def _store_tables(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    tables = {
        t.name: con.execute(f"SELECT * FROM store.{t.name} ORDER BY ALL").fetchall() for t in PARTED
    }
    con.close()
    return tables


def _window_parts(home: Home) -> dict[str, set[str]]:
    return {
        t.name: {p.path for p in read_manifest(current_snapshot(home)) if p.table == t.name}
        for t in PARTED
    }


def test_every_snapshot_reads_exactly_the_writers_tables_and_runs_rewrite_little(
    batches: tuple[list[Path], Path], tmp_path: Path
) -> None:
    paths, mapping = batches
    home = Home(tmp_path / "home")
    before: dict[str, set[str]] = {}
    for number, path in enumerate(paths):
        ingest_paths(home, [path], mapping, TZ, show_progress=False)
        run_pipeline(home, TZ, default_taxonomy())
        assert _store_tables(current_snapshot(home)) == _store_tables(home.store_path), path.name
        now = _window_parts(home)
        if 2 <= number < len(paths) - 1:  # in order: a run reaches the weeks of its days only
            for table in ("cell_counts", "cell_scores", "district_counts"):
                assert len(now[table] - before[table]) <= 2, (path.name, table)
            assert len(now["complaints"] - before["complaints"]) == 1
        before = now
    manifest = read_manifest(current_snapshot(home))
    months = [p for p in manifest if p.table == "cell_counts"]
    assert [(p.lower.day, p.upper.day) for p in months] == [(1, 1), (1, 8), (8, 15), (15, 22)]
    complaints = [p for p in manifest if p.table == "complaints"]
    sizes = [p.rows for p in complaints]
    assert all(newer * 2 < older for older, newer in zip(sizes, sizes[1:], strict=False))


def test_a_change_the_bookkeeping_missed_is_caught_by_the_row_count(
    batches: tuple[list[Path], Path], tmp_path: Path
) -> None:
    paths, mapping = batches
    home = Home(tmp_path / "home")
    ingest_paths(home, paths[:3], mapping, TZ, show_progress=False)
    run_pipeline(home, TZ, default_taxonomy())
    with open_writer(home, TZ) as con:
        # an old window's row, written without a note in store.changes
        con.execute(
            "INSERT INTO store.cell_counts SELECT * REPLACE (n + 1 AS n, 'extra' AS issue_type) "
            "FROM store.cell_counts ORDER BY window_start LIMIT 1"
        )
        publish(con, home)
    assert _store_tables(current_snapshot(home)) == _store_tables(home.store_path)


def test_an_old_snapshot_stays_whole_within_its_grace(
    batches: tuple[list[Path], Path], tmp_path: Path
) -> None:
    paths, mapping = batches
    home = Home(tmp_path / "home")
    ingest_paths(home, paths[:2], mapping, TZ, show_progress=False)
    run_pipeline(home, TZ, default_taxonomy())
    reader = open_reader(home, TZ)
    counted = reader.execute("SELECT count(*), sum(n) FROM cell_counts").fetchone()
    for path in paths[2:5]:
        ingest_paths(home, [path], mapping, TZ, show_progress=False)
        run_pipeline(home, TZ, default_taxonomy())
    assert reader.execute("SELECT count(*), sum(n) FROM cell_counts").fetchone() == counted
    assert reader.execute("SELECT count(*) FROM complaints").fetchone()[0] > 0
    reader.close()
    read = {p.path for s in home.published_dir.glob("heatmap-*.duckdb") for p in read_manifest(s)}
    on_disk = {str(p) for p in (home.published_dir / "parts").glob("*/*")}
    assert on_disk == read  # every part a snapshot reads, and nothing else


def test_the_newest_month_is_cut_into_weeks_and_the_others_are_whole() -> None:
    lowest = datetime(2026, 10, 11, 3, tzinfo=UTC)
    highest = datetime(2026, 12, 15, 0, tzinfo=UTC)
    assert _windows(lowest, highest) == [
        (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)),
        (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)),
        (datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 8, tzinfo=UTC)),
        (datetime(2026, 12, 8, tzinfo=UTC), datetime(2026, 12, 15, tzinfo=UTC)),
        (datetime(2026, 12, 15, tzinfo=UTC), datetime(2026, 12, 22, tzinfo=UTC)),
    ]
    assert _windows(highest, datetime(2026, 12, 30, tzinfo=UTC))[-1] == (
        datetime(2026, 12, 22, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )


def test_batch_parts_stay_few_and_each_complaint_is_rewritten_rarely() -> None:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA store")
    con.execute("CREATE TABLE store.batched (batch_id BIGINT)")
    table = PartedTable("batched", "batch_id", by_batch=True)
    held: list[Part] = []
    written = 0
    for batch in range(1, 257):
        con.execute("INSERT INTO store.batched SELECT $b FROM range(100)", {"b": batch})
        plan = _plan_batches(con, table, held, 1, batch)
        fresh = [p for p in plan if not isinstance(p, Part)]
        written += sum(100 * (int(upper) - int(lower)) for lower, upper in fresh)
        held = [
            p
            if isinstance(p, Part)
            else Part("batched", p[0], p[1], str(p), 100 * (p[1] - p[0]), "")
            for p in plan
        ]
        assert int(held[0].lower) == 1
        assert [int(p.lower) for p in held[1:]] == [int(p.upper) for p in held[:-1]]
    sizes = [p.rows for p in held]
    assert sum(sizes) == 100 * 256
    assert all(newer * 2 < older for older, newer in zip(sizes, sizes[1:], strict=False))
    assert len(held) <= 9  # log2(256) + 1
    assert written <= 9 * 100 * 256  # each complaint rewritten at most once per doubling
