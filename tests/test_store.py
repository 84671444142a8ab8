"""The store: schema, snapshot publication, the writer lock, read-only readers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from heatmap.errors import HeatmapError, NotPublishedError, RunInProgressError
from heatmap.home import Home
from heatmap.published_parts import manifest_path
from heatmap.store import (
    SNAPSHOT_GRACE,
    SNAPSHOTS_KEPT,
    current_snapshot,
    open_reader,
    open_writer,
    publish,
    writer_lock,
)


def test_the_schema_files_run_again_only_when_they_change(home: Home) -> None:
    """Opening the writer skips the schema and view files that already ran on this store, and
    runs them again once they (or DuckDB) differ from what ``store.schema_state`` holds."""
    with open_writer(home, "Asia/Shanghai") as con:
        con.execute("DROP VIEW alerts")  # stands for a view these files would create again
    with open_writer(home, "Asia/Shanghai") as con:
        assert not con.execute("FROM duckdb_views() WHERE view_name = 'alerts'").fetchall()
        con.execute("UPDATE store.schema_state SET digest = 'the files of an older release'")
    with open_writer(home, "Asia/Shanghai") as con:
        assert con.execute("FROM duckdb_views() WHERE view_name = 'alerts'").fetchall()
        assert con.execute("SELECT count(*) FROM store.schema_state").fetchall() == [(1,)]


def test_nothing_published_is_a_clear_error(home: Home) -> None:
    with pytest.raises(NotPublishedError, match="heatmap run"):
        current_snapshot(home)


def test_publish_switches_readers_to_a_complete_snapshot(home: Home) -> None:
    with open_writer(home, "Asia/Shanghai") as con:
        con.execute("INSERT INTO store.runs VALUES ('r1', 'duckdb', now(), now(), NULL, 0, 0)")
        first = publish(con, home)
    reader = open_reader(home, "Asia/Shanghai")
    with open_writer(home, "Asia/Shanghai") as con:
        con.execute("INSERT INTO store.runs VALUES ('r2', 'duckdb', now(), now(), NULL, 0, 0)")
        second = publish(con, home)
    assert first != second and current_snapshot(home) == second
    # the reader opened before the second publication keeps its consistent view
    assert reader.execute("SELECT count(*) FROM runs").fetchone() == (1,)
    reader.close()
    fresh = open_reader(home, "Asia/Shanghai")
    assert fresh.execute("SELECT count(*) FROM runs").fetchone() == (2,)
    with pytest.raises(duckdb.Error):
        fresh.execute("INSERT INTO store.runs VALUES ('r3', 'duckdb', now(), now(), NULL, 0, 0)")
    fresh.close()


def _age(home: Home, hours: float) -> None:
    """Make every snapshot so far look published ``hours`` ago."""
    then = time.time() - hours * 3600
    for snapshot in home.published_dir.glob("heatmap-*.duckdb"):
        os.utime(snapshot, (then, then))


def test_old_snapshots_are_pruned_once_past_their_grace(home: Home) -> None:
    with open_writer(home, "Asia/Shanghai") as con:
        for _ in range(SNAPSHOTS_KEPT + 2):
            publish(con, home)
        # within the grace every snapshot stays: a reader opened on any of them keeps reading
        assert len(list(home.published_dir.glob("heatmap-*.duckdb"))) == SNAPSHOTS_KEPT + 2
        _age(home, SNAPSHOT_GRACE.total_seconds() / 3600 + 0.1)
        # the manifest of a publication that died before its snapshot was renamed into place
        (home.published_dir / "heatmap-20260101T000000000000-dead.parts.json").write_text("[]")
        last = publish(con, home)
    snapshots = sorted(home.published_dir.glob("heatmap-*.duckdb"))
    assert len(snapshots) == SNAPSHOTS_KEPT and snapshots[-1] == last
    manifests = sorted(home.published_dir.glob("heatmap-*.parts.json"))
    assert [manifest_path(s) for s in snapshots] == manifests
    assert not list(home.published_dir.glob("*.partial"))


def test_published_views_open_in_a_plain_duckdb_client(home: Home) -> None:
    with open_writer(home, "Asia/Shanghai") as con:
        publish(con, home)
    plain = duckdb.connect(str(home.current_path), read_only=True)  # no H3 functions registered
    for view in ("complaints", "quarantine", "cell_counts", "alerts", "cells", "batches", "runs"):
        plain.execute(f"SELECT * FROM {view} LIMIT 1").fetchall()
    plain.close()


HOLDER = """
import sys, time
from pathlib import Path
from heatmap.home import Home
from heatmap.store import writer_lock
with writer_lock(Home(Path(sys.argv[1]))):
    print("holding", flush=True)
    time.sleep(300)
"""


def test_second_writer_is_refused_and_a_killed_holder_frees_the_lock(home: Home) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(home.root)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(RunInProgressError, match=f"pid {holder.pid}"):
            with writer_lock(home):
                pass
    finally:
        holder.send_signal(signal.SIGKILL)  # a crash, not a clean exit
        holder.wait(30)
    with writer_lock(home):  # the kernel released the flock: no stale lock
        pass


def test_the_writer_bounds_duckdb_memory_and_spills_in_the_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = Home(tmp_path / "home").ensure()
    monkeypatch.setenv("HEATMAP_MEMORY_LIMIT", "512MB")
    with open_writer(home, "Asia/Shanghai") as con:
        limit, spill = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchall()[0]
    assert limit in ("488.2 MiB", "512.0 MB")  # DuckDB prints 512 MB in binary units
    assert spill == str(home.work_dir / "spill")
    monkeypatch.setenv("HEATMAP_MEMORY_LIMIT", "plenty")
    with pytest.raises(HeatmapError, match="HEATMAP_MEMORY_LIMIT='plenty'"):
        with open_writer(home, "Asia/Shanghai"):
            pass
