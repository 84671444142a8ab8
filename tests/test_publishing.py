"""Readers never fail while jobs write; a job killed at any moment corrupts nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from geo_fixtures.scenario import ScenarioConfig, build_scenario, write_scenario
from heatmap.home import Home
from heatmap.store import SNAPSHOT_GRACE, open_reader, open_writer, publish
from tests.conftest import python_env

pytestmark = pytest.mark.slow
TZ = "Asia/Shanghai"


@pytest.fixture(scope="module")
def halves(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The scenario in two files (first and second half of the period), and its mapping."""
    folder = tmp_path_factory.mktemp("scenario")
    write_scenario(build_scenario(ScenarioConfig(days=12, per_day=500, seed=11)), folder)
    frame = pd.read_csv(folder / "complaints.csv", dtype=str)
    middle = len(frame) // 2
    first, second = folder / "first.csv", folder / "second.csv"
    frame.iloc[:middle].to_csv(first, index=False)
    frame.iloc[middle:].to_csv(second, index=False)
    return first, second, folder / "mapping.toml"


def cli(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "heatmap", *args, "--home", str(home)],
        env=python_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> None:
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err


def published_state(home: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(Home(home).current_path), read_only=True)
    state = {
        view: con.execute(f"SELECT * FROM {view} ORDER BY ALL").fetchall()
        for view in ("cell_counts", "district_counts", "alerts", "quarantine")
    }
    state["complaints"] = con.execute("SELECT complaint_id FROM complaints ORDER BY 1").fetchall()
    con.close()
    return state


def test_kill_9_at_any_moment_leaves_readers_served_and_the_rerun_equal(
    halves, tmp_path: Path
) -> None:
    first, second, mapping = halves
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    for home in (clean, killed):
        finish(cli(home, "ingest", str(first), "--mapping", str(mapping)))
        finish(cli(home, "run"))
    before = published_state(killed)

    for delay in (0.4, 0.9, 1.4, 1.9, 2.6):  # through start-up, ingest's transaction and its end
        job = cli(killed, "ingest", str(second), "--mapping", str(mapping))
        time.sleep(delay)
        job.send_signal(signal.SIGKILL)
        job.wait(30)
        assert published_state(killed) == before  # readers see the last complete publication
    finish(cli(killed, "ingest", str(second), "--mapping", str(mapping)))

    for delay in (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5):  # through aggregation, detection, publishing
        job = cli(killed, "run")
        time.sleep(delay)
        job.send_signal(signal.SIGKILL)
        job.wait(30)
        served = published_state(killed)  # always opens, always a whole publication
        assert served["complaints"] == before["complaints"] or len(served["complaints"]) > len(
            before["complaints"]
        )
    finish(cli(killed, "run"))

    finish(cli(clean, "ingest", str(second), "--mapping", str(mapping)))
    finish(cli(clean, "run"))
    assert published_state(killed) == published_state(clean)
    leftovers = list(Home(killed).published_dir.glob("*.partial*"))
    assert leftovers == []


def test_readers_never_fail_while_runs_publish(halves, tmp_path: Path) -> None:
    first, second, mapping = halves
    home = Home(tmp_path / "home")
    finish(cli(home.root, "ingest", str(first), "--mapping", str(mapping)))
    finish(cli(home.root, "run"))
    reads, failures = [0], []
    stop = threading.Event()

    def read_in_a_loop() -> None:
        while not stop.is_set():
            try:
                con = open_reader(home, TZ)
                con.execute(
                    "SELECT count(*) FROM alerts, (SELECT count(*) FROM cell_counts)"
                ).fetchall()
                con.close()
                reads[0] += 1
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                failures.append(repr(exc))

    reader = threading.Thread(target=read_in_a_loop)
    reader.start()
    try:
        finish(cli(home.root, "ingest", str(second), "--mapping", str(mapping)))
        for _ in range(3):
            finish(cli(home.root, "run"))
    finally:
        stop.set()
        reader.join(60)
    assert failures == []
    assert reads[0] > 20


def test_an_open_reader_survives_its_snapshot_being_pruned(home: Home) -> None:
    with open_writer(home, TZ) as con:
        con.execute("INSERT INTO store.runs VALUES ('r1', 'duckdb', now(), now(), NULL, 0, 0)")
        old = publish(con, home)
    past_grace = time.time() - SNAPSHOT_GRACE.total_seconds() - 60
    os.utime(old, (past_grace, past_grace))
    reader = open_reader(home, TZ)
    with open_writer(home, TZ) as con:
        for _ in range(5):
            publish(con, home)
    assert not old.exists()
    assert reader.execute("SELECT run_id FROM runs").fetchall() == [("r1",)]
    reader.close()
