"""Episodes: one alert per event across windows, window lengths and issue types."""

from __future__ import annotations

from datetime import datetime, timedelta

import h3
import numpy as np
import pandas as pd
import pytest

from heatmap.episodes import episode_status, link_episodes

T0 = datetime(2026, 11, 20, 13, 0)
A = h3.latlng_to_cell(39.90, 116.40, 8)
NEXT_TO_A = h3.grid_ring(A, 1)[0]
FAR = h3.latlng_to_cell(40.10, 116.70, 8)


def _cluster(
    cell: str,
    hour: int,
    issue: str = "fibre_loss",
    window_len: str = "1h",
    observed: int = 6,
    score: float = 20.0,
) -> dict:
    start = T0 + timedelta(hours=hour) if window_len != "1d" else T0.replace(hour=0)
    return {
        "window_start": start,
        "window_len": window_len,
        "issue_type": issue,
        "cells": np.array([h3.str_to_int(cell)], dtype=np.uint64),
        "observed": observed,
        "expected": 0.1,
        "p_value": 1e-9,
        "score": score,
    }


def _link(rows: list[dict], kind: str = "hotspot") -> list:
    return link_episodes(pd.DataFrame(rows), kind)


def test_consecutive_hours_at_one_place_are_one_episode() -> None:
    episodes = _link([_cluster(A, 0), _cluster(NEXT_TO_A, 1), _cluster(A, 2)])
    assert len(episodes) == 1
    assert episodes[0].start == T0 and episodes[0].end == T0 + timedelta(hours=3)


def test_a_gap_longer_than_an_hour_starts_a_new_episode() -> None:
    assert len(_link([_cluster(A, 0), _cluster(A, 3)])) == 2


def test_far_apart_places_are_separate() -> None:
    assert len(_link([_cluster(A, 0), _cluster(FAR, 0)])) == 2


def test_an_outage_with_several_issue_types_is_one_episode_named_by_the_dominant_type() -> None:
    episodes = _link(
        [
            _cluster(A, 0, "area_outage", observed=40),
            _cluster(NEXT_TO_A, 0, "broadband_down", observed=8),
            _cluster(A, 1, "mobile_no_signal", observed=6),
        ]
    )
    assert len(episodes) == 1 and episodes[0].issue_type == "area_outage"


def test_the_daily_window_of_an_hourly_event_joins_it_but_does_not_set_its_times() -> None:
    episodes = _link([_cluster(A, 0), _cluster(A, 1), _cluster(A, 0, window_len="1d", observed=12)])
    assert len(episodes) == 1
    primary = episodes[0].primary_rows()
    assert {r["window_len"] for r in primary} == {"1h"} and len(primary) == 2


def test_surges_link_by_type_only() -> None:
    rows = [
        _cluster(A, 0, "data_billing"),
        _cluster(FAR, 1, "data_billing"),
        _cluster(A, 1, "roaming"),
    ]
    for row in rows:
        row["cells"] = np.empty(0, dtype=np.uint64)
    assert sorted(e.issue_type for e in _link(rows, "surge")) == ["data_billing", "roaming"]


@pytest.mark.parametrize(
    "first,last,status",
    [(-1, 0, "new"), (-8, 0, "ongoing"), (-8, -3, "resolved")],
    ids=["new", "ongoing", "resolved"],
)
def test_status_from_the_latest_window(first: int, last: int, status: str) -> None:
    as_of = T0 + timedelta(hours=10)
    hour = timedelta(hours=1)
    assert episode_status(as_of + first * hour, as_of + last * hour, as_of, hour) == status


def test_a_cluster_bridging_two_episodes_merges_them() -> None:
    """Two separate hotspots that a third cluster touches become one episode."""
    left, right = h3.grid_ring(A, 1)[0], h3.grid_ring(A, 1)[3]  # opposite neighbours of A
    assert not h3.are_neighbor_cells(left, right)
    episodes = _link([_cluster(left, 0), _cluster(right, 0), _cluster(A, 1)])
    assert len(episodes) == 1 and len(episodes[0].rows) == 3


def test_rolling_windows_join_the_hours_of_their_event() -> None:
    rows = [_cluster(A, 0, window_len="3h"), _cluster(A, 1, window_len="3h"), _cluster(A, 2)]
    (episode,) = _link(rows)
    assert [r["window_len"] for r in episode.primary_rows()] == ["1h"]


def test_an_event_seen_only_in_rolling_windows_is_told_by_its_best_one() -> None:
    """Overlapping 3-hour windows share complaints: their counts are not added up."""
    rows = [
        _cluster(A, 0, window_len="3h", observed=5, score=12.0),
        _cluster(A, 1, window_len="3h", observed=8, score=25.0),
        _cluster(NEXT_TO_A, 2, window_len="3h", observed=7, score=18.0),
    ]
    (episode,) = _link(rows)
    (best,) = episode.primary_rows()
    assert best["observed"] == 8 and best["window_start"] == T0 + timedelta(hours=1)
