"""The scheduled job: drop folder → ingest → run → webhook, with failures set aside."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from geo_fixtures.scenario import ScenarioConfig, build_scenario, write_scenario
from heatmap.home import Home
from heatmap.store import writer_lock
from heatmap.webhook import WebhookError, post_json
from pipelines import schedule
from pipelines.schedule import ScheduleConfig, parse_interval, ready_files, tick
from tests.conftest import CONTRACT_ALERT_FIELDS, python_env, read_rows

TZ = "Asia/Shanghai"
pytestmark = pytest.mark.slow


class Receiver(BaseHTTPRequestHandler):
    received: list[dict] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 - the http.server interface
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Receiver.status == 200:
            Receiver.received.append(json.loads(body))
        self.send_response(Receiver.status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture()
def webhook() -> Iterator[str]:
    Receiver.received, Receiver.status = [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/alerts"
    server.shutdown()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scenario")
    write_scenario(build_scenario(ScenarioConfig(days=12, per_day=400, seed=3)), folder)
    return folder


def _drop(folder: Path, name: str, frame: pd.DataFrame) -> Path:
    path = folder / name
    frame.to_csv(path, index=False)
    past = time.time() - 60  # settled: not being written any more
    os.utime(path, (past, past))
    return path


def test_intervals_parse_and_garbage_is_refused() -> None:
    assert parse_interval("30s") == timedelta(seconds=30)
    assert parse_interval("5m") == timedelta(minutes=5)
    assert parse_interval(" 2h ") == timedelta(hours=2)
    for bad in ("5", "0m", "fast", "1d"):
        with pytest.raises(ValueError, match="30s, 5m or 1h"):
            parse_interval(bad)


def test_only_settled_complete_source_files_are_picked_up(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1]})
    settled = _drop(tmp_path, "a.csv", frame)
    _drop(tmp_path, "b.csv.part", frame)
    _drop(tmp_path, ".hidden.csv", frame)
    _drop(tmp_path, "notes.docx", frame)
    (tmp_path / "fresh.csv").write_text("a\n1\n")  # still being written
    assert ready_files(tmp_path) == [settled]


def test_a_tick_ingests_runs_notifies_and_sets_bad_files_aside(
    scenario: Path, webhook: str, tmp_path: Path
) -> None:
    home = Home(tmp_path / "home").ensure()
    drop = tmp_path / "drop"
    drop.mkdir()
    frame = pd.read_csv(scenario / "complaints.csv", dtype=str)
    _drop(drop, "export.csv", frame)
    _drop(drop, "wrong.csv", frame.drop(columns=["受理时间"]))
    config = ScheduleConfig(drop, scenario / "mapping.toml", webhook=webhook)

    first = tick(home, config, TZ)
    assert [i["file"] for i in first["ingested"]] == ["export.csv"] and first["failed"] == [
        "wrong.csv"
    ]
    assert first["ran"] and first["notified"] == len(Receiver.received) > 0
    assert not (drop / "export.csv").exists() and list((drop / "processed").rglob("export.csv"))
    assert "受理时间" in (drop / "failed" / "wrong.csv.error.txt").read_text(encoding="utf-8")
    for message in Receiver.received:
        assert message["event"] == "new" and set(CONTRACT_ALERT_FIELDS) <= set(message["alert"])
        assert message["alert"]["status"] in ("new", "ongoing")

    sent = len(Receiver.received)
    second = tick(home, config, TZ)  # nothing new: no run, nothing sent again
    assert second["ingested"] == [] and not second["ran"] and second["notified"] == 0
    assert len(Receiver.received) == sent


def test_a_failing_webhook_is_retried_on_the_next_tick(
    scenario: Path, webhook: str, tmp_path: Path
) -> None:
    home = Home(tmp_path / "home").ensure()
    drop = tmp_path / "drop"
    drop.mkdir()
    _drop(drop, "export.csv", pd.read_csv(scenario / "complaints.csv", dtype=str))
    config = ScheduleConfig(drop, scenario / "mapping.toml", webhook=webhook)
    Receiver.status = 503
    with pytest.raises(WebhookError, match="503"):
        tick(home, config, TZ)
    Receiver.status = 200
    retried = tick(home, config, TZ)
    assert retried["notified"] > 0 and len(Receiver.received) == retried["notified"]


def test_a_run_that_died_is_done_again_on_the_next_tick(
    scenario: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch ingested by a tick whose run then died is published by the next tick, though no
    new file came."""
    home = Home(tmp_path / "home").ensure()
    drop = tmp_path / "drop"
    drop.mkdir()
    frame = pd.read_csv(scenario / "complaints.csv", dtype=str)
    half = len(frame) // 2
    config = ScheduleConfig(drop, scenario / "mapping.toml")
    _drop(drop, "first.csv", frame.iloc[:half])
    assert tick(home, config, TZ)["ran"]

    def dies(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed mid-run")

    _drop(drop, "second.csv", frame.iloc[half:])
    with monkeypatch.context() as patched:
        patched.setattr(schedule, "run_pipeline", dies)
        with pytest.raises(RuntimeError, match="killed"):
            tick(home, config, TZ)
    assert list((drop / "processed").rglob("second.csv"))  # ingested before the run died
    assert _complaints(home.current_path) < len(frame)

    again = tick(home, config, TZ)
    assert again["ingested"] == [] and again["ran"]
    assert _complaints(home.current_path) == _complaints(home.store_path) > half
    assert not tick(home, config, TZ)["ran"]  # and only once


def _complaints(database: Path) -> int:
    ((count,),) = read_rows(database, "SELECT count(*) FROM store.complaints")
    return int(count)


def test_a_tick_while_another_job_writes_is_skipped_not_failed(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    with writer_lock(home):
        skipped = tick(home, ScheduleConfig(tmp_path / "drop"), TZ)
    assert "another heatmap job" in skipped["skipped"]


def test_unreachable_webhook_gives_up_with_a_clear_error() -> None:
    with pytest.raises(WebhookError, match="failed after 2 attempts"):
        post_json("http://127.0.0.1:9/alerts", {"event": "new"}, attempts=2, timeout=1)


def test_the_schedule_command_keeps_running_and_picks_up_new_files(
    scenario: Path, tmp_path: Path
) -> None:
    home, drop = tmp_path / "home", tmp_path / "drop"
    drop.mkdir()
    job = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "heatmap",
            "schedule",
            "--home",
            str(home),
            "--drop",
            str(drop),
            "--mapping",
            str(scenario / "mapping.toml"),
            "--every",
            "1s",
        ],
        env=python_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _drop(drop, "late-arrival.csv", pd.read_csv(scenario / "complaints.csv", dtype=str))
        deadline = time.time() + 120
        while time.time() < deadline and not list(
            Home(home).published_dir.glob("heatmap-*.duckdb")
        ):
            time.sleep(0.5)
        deadline = time.time() + 120
        while time.time() < deadline and (drop / "late-arrival.csv").exists():
            time.sleep(0.5)
        assert list((drop / "processed").rglob("late-arrival.csv"))
        assert job.poll() is None  # still watching
    finally:
        job.send_signal(signal.SIGTERM)
        job.wait(60)
    assert "late-arrival.csv" in (home / "logs" / "schedule.log").read_text(encoding="utf-8")
