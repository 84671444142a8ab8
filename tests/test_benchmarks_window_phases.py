"""The quarter-hour phase study: moving an export's times, and the earliest over the phases."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from benchmarks import boston
from benchmarks.window_phases import move_earlier, summarise
from geo_fixtures.scenario import export_columns


def test_beijing_times_move_earlier_and_bad_ones_stay(tmp_path: Path) -> None:
    column = export_columns()["reported_at"]
    csv = tmp_path / "complaints.csv"
    pd.DataFrame(
        {column: ["2026-11-10 00:10:00", "2026-02-30 10:00:00"], "投诉内容": ["断网", "光衰"]}
    ).to_csv(csv, index=False, encoding="gb18030")
    assert move_earlier(csv, "beijing", 15) == 1
    moved = pd.read_csv(csv, dtype=str, encoding="gb18030")
    assert moved[column].tolist() == ["2026-11-09 23:55:00", "2026-02-30 10:00:00"]
    assert moved["投诉内容"].tolist() == ["断网", "光衰"]


def test_boston_times_move_earlier_in_their_own_format(tmp_path: Path) -> None:
    column = boston.COLUMNS["reported_at"]
    csv = tmp_path / "boston.csv"
    pd.DataFrame({column: ["11/10/2026 12:05:00 PM"]}).to_csv(csv, index=False)
    assert move_earlier(csv, "boston", 30) == 0
    assert pd.read_csv(csv, dtype=str)[column].tolist() == ["11/10/2026 11:35:00 AM"]


def test_the_earliest_phase_counts_for_each_event_and_false_alerts_add_up() -> None:
    def run(e1, e2, false, null_false=0):
        return {
            "a": {"null": False, "false": false, "events": {"e1": e1, "e2": e2}},
            "n": {"null": True, "false": null_false, "events": {}},
        }

    runs = {
        0: run([True, 1.5], [False, None], 1),
        15: run([True, 0.75], [True, 3.0], 0, 1),
        30: run([True, 1.25], [True, 2.0], 2),
    }
    summary = summarise(runs)
    # phase 0 never finds e2: the median of 1.5 h and never is never
    assert summary["phases"]["0"] == {"median_h": None, "within_hour": 0, "false": 1,
                                      "false_null": 0}  # fmt: skip
    assert summary["phases"]["15"]["median_h"] == round((0.75 + 3.0) / 2, 2)
    assert summary["earliest"] == {
        "median_h": round((0.75 + 2.0) / 2, 2),
        "within_hour": 1,
        "false": 4,
        "false_null": 1,
    }
