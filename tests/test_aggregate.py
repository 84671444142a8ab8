"""Incremental aggregation: batch by batch equals all at once; late data; roll-ups; windows.

And what runs keep so that the next one need not read every complaint again (the placeholder
and surge inputs, scores and clusters) is what a run on everything at once finds.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import duckdb
import h3
import pandas as pd
import pytest

from geo_fixtures.scenario import ScenarioConfig, build_scenario, write_scenario
from heatmap.home import Home
from heatmap.taxonomy import default_taxonomy
from pipelines import aggregate, detect
from pipelines.ingest import ingest_paths
from pipelines.run import run_pipeline
from pipelines.settings import RunSettings
from tests.conftest import read_rows

TZ = "Asia/Shanghai"
TIME_COLUMN = "受理时间"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scenario")
    write_scenario(build_scenario(ScenarioConfig(days=12, per_day=400, seed=7)), folder)
    return folder


def _batches(scenario: Path, folder: Path) -> list[Path]:
    """The scenario cut into daily files, with two days held back and delivered late."""
    frame = pd.read_csv(scenario / "complaints.csv", dtype=str)
    day = frame[TIME_COLUMN].str[:10]
    days = sorted(day.unique())
    late = days[-5:-3]
    paths = []
    for name in days:
        if name in late:
            continue
        paths.append(folder / f"{name}.csv")
        frame[day == name].to_csv(paths[-1], index=False)
    paths.append(folder / "late.csv")
    frame[day.isin(late)].to_csv(paths[-1], index=False)
    return paths


def _run(home: Home, paths: list[Path], scenario: Path) -> dict:
    ingest_paths(home, paths, scenario / "mapping.toml", TZ, show_progress=False)
    return run_pipeline(home, TZ, default_taxonomy())


def _tables(home: Home) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(home.current_path), read_only=True)
    out = {
        name: con.execute(f"SELECT * EXCLUDE ({exclude}) FROM {name} ORDER BY ALL").fetchall()
        for name, exclude in [
            ("cell_counts", "cell_h3"),
            ("district_counts", "window_end"),
            ("cell_scores", "cell_h3"),
            ("alerts", "n_cells"),
            ("placeholder_points", "first_at"),
        ]
        if name != "placeholder_points"
    }
    out["placeholder_points"] = con.execute(
        "SELECT lat, lon, n FROM store.placeholder_points ORDER BY ALL"
    ).fetchall()
    for kept in ("busy_points", "point_volumes"):
        out[kept] = con.execute(f"SELECT * FROM store.{kept} ORDER BY ALL").fetchall()
    con.close()
    writer = home.store_path  # what the writer keeps between runs and does not publish
    out["surge_inputs"] = read_rows(writer, "SELECT * FROM store.surge_inputs ORDER BY ALL")
    out["point_tallies"] = read_rows(
        writer, "SELECT bucket, sum(n) FROM store.point_tallies GROUP BY bucket ORDER BY ALL"
    )
    return out


@pytest.fixture(scope="module")
def at_once(scenario: Path, tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = Home(tmp_path_factory.mktemp("once") / "home").ensure()
    _run(home, [scenario / "complaints.csv"], scenario)
    return home


def test_batch_by_batch_equals_all_at_once(scenario: Path, at_once: Home, tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    summaries = [_run(home, [path], scenario) for path in _batches(scenario, tmp_path)]
    assert summaries[-1]["windows_recounted"] > 0  # the late batch recounted its old windows
    assert _tables(home) == _tables(at_once)


def test_a_batch_ingested_again_recounts_nothing(scenario: Path, at_once: Home) -> None:
    before = _tables(at_once)
    summary = _run(at_once, [scenario / "complaints.csv"], scenario)
    assert summary["batches_aggregated"] == 0 and summary["windows_recounted"] == 0
    assert _tables(at_once) == before


def test_rollups_are_the_sums_of_their_children(at_once: Home) -> None:
    con = duckdb.connect(str(at_once.current_path), read_only=True)
    fine = con.execute(
        "SELECT cell_h3, window_start, window_len, issue_type, n FROM cell_counts "
        "WHERE resolution = 8"
    ).df()
    for resolution in (7, 6):
        coarse = con.execute(
            "SELECT cell_h3, window_start, window_len, issue_type, n FROM cell_counts "
            "WHERE resolution = $r",
            {"r": resolution},
        ).df()
        expected = fine.assign(cell_h3=[h3.cell_to_parent(c, resolution) for c in fine.cell_h3])
        expected = expected.groupby(
            ["cell_h3", "window_start", "window_len", "issue_type"], as_index=False
        )["n"].sum()
        merged = expected.merge(
            coarse, on=["cell_h3", "window_start", "window_len", "issue_type"], how="outer"
        )
        assert (merged.n_x == merged.n_y).all() and len(merged) == len(coarse)
    con.close()


def test_windows_count_exactly_their_complaints(at_once: Home) -> None:
    con = duckdb.connect(str(at_once.current_path), read_only=True)
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    counted = dict(
        con.execute(
            "SELECT window_len, sum(n) FROM cell_counts WHERE resolution = 8 GROUP BY 1"
        ).fetchall()
    )
    points, until = con.execute(
        "SELECT count(*) FILTER (precision = 'point'), max(reported_at) FROM complaints"
    ).fetchone()
    assert counted["1h"] == counted["1d"] == points
    for window_len, hours in (("now_1h", 1), ("now_3h", 3), ("now_24h", 24)):
        recent = con.execute(
            "SELECT count(*) FROM complaints WHERE precision = 'point' "
            "AND reported_at > $until - to_hours($h) AND reported_at <= $until",
            {"until": until, "h": hours},
        ).fetchone()[0]
        assert counted[window_len] == recent
    districts = dict(
        con.execute("SELECT window_len, sum(n) FROM district_counts GROUP BY 1").fetchall()
    )
    located = con.execute(
        "SELECT count(*) FROM complaints WHERE precision <> 'placeholder' AND district IS NOT NULL"
    ).fetchone()[0]
    assert districts["1d"] == located
    # days are calendar days in the engine zone
    starts = con.execute(
        "SELECT DISTINCT strftime(window_start, '%H:%M') FROM cell_counts WHERE window_len = '1d'"
    ).fetchall()
    assert starts == [("00:00",)]
    con.close()


def test_complaints_from_an_instant_are_the_view_filtered_at_it(at_once: Home) -> None:
    """complaints_from(t) reads only 30 days before t, yet judges every repeat as the view does."""
    con = duckdb.connect(str(at_once.current_path), read_only=True)
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    first, last = con.execute(
        "SELECT min(reported_at), max(reported_at) FROM complaints"
    ).fetchone()
    repeats_seen = 0
    for fraction in (0.0, 0.3, 0.61, 0.9):
        since = first + (last - first) * fraction
        query = "SELECT * FROM {} ORDER BY complaint_id"
        got = con.execute(query.format("complaints_from($t)"), {"t": since}).fetchall()
        want = con.execute(
            query.format("(SELECT * FROM complaints WHERE reported_at >= $t)"), {"t": since}
        ).fetchall()
        assert got == want
        repeats_seen += con.execute(
            "SELECT count(*) FROM complaints_from($t) WHERE is_repeat", {"t": since}
        ).fetchone()[0]
    assert repeats_seen > 0  # the scenario's repeat callers make the comparison mean something
    con.close()


@pytest.mark.parametrize(
    "tables",
    [
        ("clusters",),
        ("surge_inputs",),
        ("busy_points", "point_volumes", "placeholder_state"),
        ("point_tallies",),
    ],
    ids=["clusters", "surge inputs", "placeholder inputs", "coordinate tallies"],
)
def test_a_store_without_a_kept_step_computes_it_all_again(
    scenario: Path, at_once: Home, tmp_path: Path, tables: tuple[str, ...]
) -> None:
    """A store written before clusters (or surge or placeholder inputs, or coordinate tallies)
    were kept gets them all on its next run, without a new batch."""
    home = Home(tmp_path / "home")
    shutil.copytree(at_once.root, home.root, symlinks=True)
    before = _tables(home)
    assert before["alerts"] and before["placeholder_points"]  # the planted events and pile
    con = duckdb.connect(str(home.store_path))
    stored = {t: con.execute(f"SELECT count(*) FROM store.{t}").fetchone()[0] for t in tables}
    assert all(stored.values())
    for table in tables:
        con.execute(f"DELETE FROM store.{table}")
    con.close()
    run_pipeline(home, TZ, default_taxonomy())
    assert _tables(home) == before
    con = duckdb.connect(str(home.store_path), read_only=True)
    assert {t: con.execute(f"SELECT count(*) FROM store.{t}").fetchone()[0] for t in tables} == (
        stored
    )
    con.close()


# A baseline shorter than the scenario and the burn-in: a run after the cut reads only the days
# it needs, yet the burn-in counts from the first complaint.
SHORT_HISTORY = RunSettings(history=timedelta(days=2), burn_in=timedelta(days=4))
CUT = "2026-11-18 12:00:00"


def _surges(home: Home) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(home.current_path), read_only=True)
    out = {
        "inputs": read_rows(home.store_path, "SELECT * FROM store.surge_inputs ORDER BY ALL"),
        "alerts": con.execute(
            "SELECT * EXCLUDE (n_cells) FROM alerts WHERE kind = 'surge' ORDER BY ALL"
        ).fetchall(),
        "windows": con.execute(
            "SELECT strftime(w.window_start AT TIME ZONE 'Asia/Shanghai', '%Y-%m-%d %H:%M:%S') "
            "< $cut, w.* FROM alert_windows AS w JOIN alerts USING (cluster_id) "
            "WHERE kind = 'surge' ORDER BY ALL",
            {"cut": CUT},
        ).fetchall(),
    }
    con.close()
    return out


def test_surges_found_batch_by_batch_are_those_found_at_once(
    scenario: Path, tmp_path: Path
) -> None:
    """Surge inputs are recounted only from the first changed window, on the complaints of its
    baseline and after; what is kept and what is recounted equal a run on everything at once,
    with a surge flagged on each side of the cut."""
    frame = pd.read_csv(scenario / "complaints.csv", dtype=str)
    before = frame[TIME_COLUMN] < CUT
    paths = [tmp_path / "before.csv", tmp_path / "after.csv"]
    frame[before].to_csv(paths[0], index=False)
    frame[~before].to_csv(paths[1], index=False)
    mapping, taxonomy = scenario / "mapping.toml", default_taxonomy()
    once = Home(tmp_path / "once").ensure()
    ingest_paths(once, paths, mapping, TZ, show_progress=False)
    run_pipeline(once, TZ, taxonomy, SHORT_HISTORY)
    in_two = Home(tmp_path / "in_two").ensure()
    for path in paths:
        ingest_paths(in_two, [path], mapping, TZ, show_progress=False)
        run_pipeline(in_two, TZ, taxonomy, SHORT_HISTORY)
    expected = _surges(once)
    assert _surges(in_two) == expected
    assert {row[0] for row in expected["windows"]} == {True, False}


@pytest.mark.parametrize(
    ("module", "name"),
    [(detect, "SCORING_CHUNK"), (aggregate, "RECOUNT_SPAN")],
    ids=["scores and clusters in passes", "counts in spans"],
)
def test_a_run_cut_into_two_day_pieces_equals_one_run(
    scenario: Path,
    at_once: Home,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    module: object,
    name: str,
) -> None:
    """Rescoring in passes, or recounting in spans, of two days gives every table of one go."""
    monkeypatch.setattr(module, name, timedelta(days=2))
    home = Home(tmp_path / "home").ensure()
    _run(home, [scenario / "complaints.csv"], scenario)
    assert _tables(home) == _tables(at_once)
