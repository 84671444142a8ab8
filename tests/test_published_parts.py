"""Publication parts: snapshots read exactly the writer's tables, and runs rewrite only what
their changes reach."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
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
from heatmap.sqlfiles import execute_file
from heatmap.store import current_snapshot, open_reader, open_writer, publish
from heatmap.taxonomy import default_taxonomy
from pipelines.ingest import ingest_paths
from pipelines.run import run_pipeline

TZ = "Asia/Shanghai"
TIME_COLUMN = "受理时间"
pytestmark = pytest.mark.slow
WINDOW_TABLES = {t.name for t in PARTED if not t.by_batch}


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


def _ingest_and_run(home: Home, paths: list[Path], mapping: Path) -> None:
    ingest_paths(home, paths, mapping, TZ, show_progress=False)
    run_pipeline(home, TZ, default_taxonomy())


def _store_tables(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    tables = {
        t.name: con.execute(f"SELECT * FROM store.{t.name} ORDER BY ALL").fetchall() for t in PARTED
    }
    con.close()
    return tables


def _first_day(path: Path) -> datetime:
    """The UTC start of the local day of the first complaint of an export (local times)."""
    first = pd.to_datetime(pd.read_csv(path, dtype=str)[TIME_COLUMN]).min()
    return first.tz_localize(TZ).floor("D").tz_convert(UTC).to_pydatetime()


def test_every_snapshot_reads_exactly_the_writers_tables_and_runs_rewrite_little(
    batches: tuple[list[Path], Path], tmp_path: Path
) -> None:
    paths, mapping = batches
    home = Home(tmp_path / "home")
    before: dict[tuple, str] = {}
    reused = 0
    for number, path in enumerate(paths):
        _ingest_and_run(home, [path], mapping)
        assert _store_tables(current_snapshot(home)) == _store_tables(home.store_path), path.name
        now = {(p.table, p.lower, p.upper): p.path for p in read_manifest(current_snapshot(home))}
        if number < len(paths) - 1:  # in order: a run rewrites only from the day before its data
            reached = _first_day(path) - timedelta(days=1)
            kept = [k for k in now if k[0] in WINDOW_TABLES and k[2] <= reached and k in before]
            assert all(now[k] == before[k] for k in kept), path.name
            reused += len(kept)
        before = now
    assert reused >= 20  # the check above is not vacuous: runs leave most of the past alone
    manifest = read_manifest(current_snapshot(home))
    months = [p for p in manifest if p.table == "cell_counts"]
    last = max(p.upper for p in months)
    assert [(p.lower.day, p.upper.day) for p in months] == [
        (1, 1),
        (1, 8),
        (8, 15),
        *[(d, d + 1) for d in range(15, last.day)],
    ]
    complaints = [p for p in manifest if p.table == "complaints"]
    sizes = [p.rows for p in complaints]
    assert all(newer * 2 < older for older, newer in zip(sizes, sizes[1:], strict=False))


def test_a_change_the_bookkeeping_missed_is_caught_by_the_row_count(
    batches: tuple[list[Path], Path], tmp_path: Path
) -> None:
    paths, mapping = batches
    home = Home(tmp_path / "home")
    _ingest_and_run(home, paths[:3], mapping)
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
    _ingest_and_run(home, paths[:2], mapping)
    reader = open_reader(home, TZ)
    counted = reader.execute("SELECT count(*), sum(n) FROM cell_counts").fetchone()
    for path in paths[2:5]:
        _ingest_and_run(home, [path], mapping)
    assert reader.execute("SELECT count(*), sum(n) FROM cell_counts").fetchone() == counted
    assert reader.execute("SELECT count(*) FROM complaints").fetchone()[0] > 0
    reader.close()
    read = {p.path for s in home.published_dir.glob("heatmap-*.duckdb") for p in read_manifest(s)}
    on_disk = {str(p) for p in (home.published_dir / "parts").glob("*/*")}
    assert on_disk == read  # every part a snapshot reads, and nothing else


def test_a_copied_home_publishes_parts_of_its_own(
    batches: tuple[list[Path], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths, mapping = batches
    original = Home(tmp_path / "original")
    _ingest_and_run(original, paths[:2], mapping)
    shutil.copytree(original.root, tmp_path / "copy", symlinks=True)
    monkeypatch.chdir(tmp_path)
    copy = Home(Path("copy"))  # a relative home, as the default ./heatmap_data is
    _ingest_and_run(copy, paths[2:3], mapping)
    own = (tmp_path / "copy" / "published" / "parts").resolve()
    assert all(Path(p.path).parent.parent == own for p in read_manifest(current_snapshot(copy)))
    shutil.rmtree(original.root)
    assert _store_tables(current_snapshot(copy)) == _store_tables(copy.store_path)


def test_the_newest_week_is_cut_into_days_its_month_into_weeks_and_the_others_are_whole() -> None:
    def utc(month: int, day: int, year: int = 2026) -> datetime:
        return datetime(year, month, day, tzinfo=UTC)

    lowest = datetime(2026, 10, 11, 3, tzinfo=UTC)
    highest = datetime(2026, 12, 17, 5, tzinfo=UTC)
    assert _windows(lowest, highest) == [
        (utc(10, 1), utc(11, 1)),
        (utc(11, 1), utc(12, 1)),
        (utc(12, 1), utc(12, 8)),
        (utc(12, 8), utc(12, 15)),
        (utc(12, 15), utc(12, 16)),
        (utc(12, 16), utc(12, 17)),
        (utc(12, 17), utc(12, 18)),
    ]
    # the last week of December runs to the new year: its days stop there
    december = _windows(highest, datetime(2026, 12, 31, 23, tzinfo=UTC))
    assert december[:3] == [
        (utc(12, 1), utc(12, 8)),
        (utc(12, 8), utc(12, 15)),
        (utc(12, 15), utc(12, 22)),
    ]
    assert december[3:] == [(utc(12, d), utc(12, d + 1)) for d in range(22, 31)] + [
        (utc(12, 31), utc(1, 1, 2027))
    ]


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


def test_a_whole_table_replaced_in_a_western_zone_is_published_again(home: Home) -> None:
    """Spark's load replaces the counts whole; its mark must read back in any zone."""
    with open_writer(home, "America/New_York") as con:
        con.execute(
            "INSERT INTO store.cell_counts VALUES "
            "(1, 8, TIMESTAMPTZ '2026-03-08 05:00:00+00', '1h', 'fibre_loss', 2, 0, 0)"
        )
        publish(con, home)
        inputs = {}
        for table in ("cell_counts", "district_counts"):
            inputs[table] = str(home.work_dir / f"{table}.parquet")
            con.execute(
                f"COPY (SELECT * REPLACE (n + 1 AS n) FROM store.{table}) TO '{inputs[table]}'"
            )
        execute_file(con, "pipelines", "spark_load_counts", inputs)
        publish(con, home)
    published = duckdb.connect(str(current_snapshot(home)), read_only=True)
    assert published.execute("SELECT n FROM store.cell_counts").fetchall() == [(3,)]
    published.close()
