"""End to end through the real CLI: the demo scenario's planted events come out as alerts."""

from __future__ import annotations

import csv
import io
import json
import shlex
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import h3
import pytest

from tests.conftest import CONTRACT_ALERT_FIELDS, python_env

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]


def heatmap(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "heatmap", *args],
        env=python_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


def _truth(home: Path) -> dict[str, dict]:
    return {e["event_id"]: e for e in json.loads((home / "scenario" / "truth.json").read_text())}


def _alerts(home: Path, *flags: str) -> list[dict]:
    return json.loads(heatmap("alerts", "--home", str(home), "--format", "json", *flags).stdout)


def _overlaps(alert: dict, event: dict) -> bool:
    same_place = not event["cells"] or bool(set(alert["cells"]) & set(event["cells"]))
    start, end = datetime.fromisoformat(event["start"]), datetime.fromisoformat(event["end"])
    return (
        same_place
        and datetime.fromisoformat(alert["window_start"]) < end
        and datetime.fromisoformat(alert["window_end"]) > start
    )


def test_alerts_have_the_contract_fields(demo_home: Path) -> None:
    alerts = _alerts(demo_home, "--all")
    assert alerts
    for alert in alerts:
        assert set(CONTRACT_ALERT_FIELDS) <= set(alert)
        assert alert["kind"] in ("hotspot", "surge", "data_quality")
        assert alert["status"] in ("new", "ongoing", "resolved")
        for stamp in (alert["window_start"], alert["window_end"]):
            assert datetime.fromisoformat(stamp).utcoffset() is not None  # ISO 8601 with offset
        assert all(h3.is_valid_cell(c) and h3.get_resolution(c) == 8 for c in alert["cells"])


@pytest.mark.parametrize(
    "event_id,label",
    [
        ("fibre_loss_e4ring", "fibre-loss hotspot"),
        ("area_outage_wangjing", "outage hotspot"),
        ("no_signal_lugu", "weak-signal hotspot"),
    ],
)
def test_planted_hotspots_are_found_where_and_when_they_happened(
    demo_home: Path, event_id: str, label: str
) -> None:
    event = _truth(demo_home)[event_id]
    matches = [
        a for a in _alerts(demo_home, "--all") if a["kind"] == "hotspot" and _overlaps(a, event)
    ]
    assert len(matches) == 1, f"{event_id}: {len(matches)} hotspot alerts"
    alert = matches[0]
    assert alert["label"] == label and alert["issue_type"] == event["issue_type"]
    assert len(set(alert["cells"]) & set(event["cells"])) >= 0.6 * len(event["cells"])
    delay = datetime.fromisoformat(alert["window_start"]) - datetime.fromisoformat(event["start"])
    assert delay.total_seconds() <= 3600, f"{event_id} flagged {delay} after it started"


def test_the_billing_surge_is_one_surge_and_not_a_rash_of_hotspots(demo_home: Path) -> None:
    event = _truth(demo_home)["data_billing_surge"]
    alerts = [
        a
        for a in _alerts(demo_home, "--all")
        if _overlaps(a, event) and a["issue_type"] == "data_billing"
    ]
    assert [a["kind"] for a in alerts] == ["surge"]


def test_the_placeholder_pile_up_is_data_quality_never_a_hotspot(demo_home: Path) -> None:
    pile = _truth(demo_home)["placeholder_pile"]
    alerts = _alerts(demo_home, "--all")
    assert not [
        a for a in alerts if a["kind"] == "hotspot" and set(a["cells"]) & set(pile["cells"])
    ]
    quality = [a for a in alerts if a["kind"] == "data_quality"]
    assert (
        len(quality) == 1
        and quality[0]["cells"] == pile["cells"]
        and quality[0]["observed"] == pile["n_planted"]
    )


def test_no_alert_without_a_planted_event(demo_home: Path) -> None:
    truth = list(_truth(demo_home).values())
    unexplained = [
        a["cluster_id"]
        for a in _alerts(demo_home, "--all")
        if not any(_overlaps(a, e) for e in truth)
    ]
    assert unexplained == []


def test_open_alerts_are_the_live_ones(demo_home: Path) -> None:
    open_ids = {a["cluster_id"] for a in _alerts(demo_home)}
    all_alerts = _alerts(demo_home, "--all")
    assert open_ids == {a["cluster_id"] for a in all_alerts if a["status"] != "resolved"}
    fibre = _truth(demo_home)["fibre_loss_e4ring"]  # planted to be ongoing at the scenario's end
    assert any(_overlaps(a, fibre) for a in all_alerts if a["cluster_id"] in open_ids)


def test_csv_and_geojson_carry_the_same_alerts(demo_home: Path) -> None:
    ids = sorted(a["cluster_id"] for a in _alerts(demo_home, "--all"))
    rows = list(
        csv.DictReader(
            io.StringIO(
                heatmap("alerts", "--all", "--format", "csv", "--home", str(demo_home)).stdout
            )
        )
    )
    geo = json.loads(
        heatmap("alerts", "--all", "--format", "geojson", "--home", str(demo_home)).stdout
    )
    assert sorted(r["cluster_id"] for r in rows) == ids
    assert sorted(f["properties"]["cluster_id"] for f in geo["features"]) == ids
    for feature in geo["features"]:
        if feature["properties"]["kind"] == "surge":
            assert feature["geometry"] is None
        else:
            assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_rerunning_changes_no_alert(demo_home: Path) -> None:
    before = _alerts(demo_home, "--all")
    heatmap("run", "--home", str(demo_home))
    assert _alerts(demo_home, "--all") == before


def test_sql_is_read_only_and_has_the_h3_functions(demo_home: Path) -> None:
    rows = json.loads(
        heatmap(
            "sql",
            "SELECT count(*) AS n, count(DISTINCT h3_cell_to_parent(cell, 6)) AS parents "
            "FROM complaints",
            "--format",
            "json",
            "--home",
            str(demo_home),
        ).stdout
    )
    truth_rows = (
        sum(1 for _ in open(demo_home / "scenario" / "complaints.csv", encoding="utf-8")) - 1
    )
    assert rows[0]["n"] == truth_rows and rows[0]["parents"] > 10
    for statement in ("DELETE FROM store.complaints", "COPY complaints TO '/tmp/x.csv'"):
        refused = heatmap("sql", statement, "--home", str(demo_home), check=False)
        assert (
            refused.returncode == 2
            and refused.stderr.startswith("error:")
            and "Traceback" not in refused.stderr
        )


@pytest.mark.parametrize(
    "args,message",
    [
        (("ingest", "/nonexistent/file.csv"), "no such file"),
        (("ingest", "x.csv", "--mapping", "/nonexistent/m.toml"), "mapping file not found"),
        (("alerts",), "nothing is published"),
    ],
    ids=["missing-file", "missing-mapping", "nothing-published"],
)
def test_user_errors_are_one_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    done = heatmap(*args, "--home", str(tmp_path / "empty"), check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("error:") and message in done.stderr.replace("\n", " ")
    assert "Traceback" not in done.stderr


def test_make_demo_command_line_builds_the_demo(tmp_path: Path) -> None:
    """The command `make demo` runs (as `make -n` prints it) parses and builds the scenario."""
    home = tmp_path / "home"
    printed = subprocess.run(
        ["make", "-n", "demo", f"HOME_DIR={home}", "PORT=8599"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(row for row in printed.splitlines() if "heatmap" in row and " demo" in row)
    command = shlex.split(line)
    assert Path(command[0]).name == "heatmap"
    result = subprocess.run(
        [sys.executable, "-m", "heatmap", *command[1:], "--no-dashboard"],
        env=python_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert (home / "published" / "current.duckdb").exists()


def test_home_before_the_command_is_the_same_as_after(demo_home: Path) -> None:
    before = subprocess.run(
        [sys.executable, "-m", "heatmap", "--home", str(demo_home), "alerts", "--all"],
        env=python_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(before) == _alerts(demo_home, "--all")
