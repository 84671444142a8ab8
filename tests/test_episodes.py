"""Episodes: one alert per event across windows, window lengths and issue types."""

from __future__ import annotations

from datetime import datetime, timedelta

import h3
import numpy as np
import pandas as pd
import pytest

from heatmap.episodes import WINDOW_LENGTHS, episode_status, link_episodes

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


def _linked_against_every_episode(clusters: pd.DataFrame, kind: str) -> list[set[int]]:
    """The linking rule applied against every episode so far: each row joins all it touches."""
    gap, spatial = timedelta(hours=1), kind == "hotspot"
    ends = [
        s + WINDOW_LENGTHS[w]
        for s, w in zip(clusters["window_start"], clusters["window_len"], strict=True)
    ]
    order = sorted(
        range(len(clusters)),
        key=lambda i: (ends[i], clusters["window_len"].iloc[i], clusters["issue_type"].iloc[i]),
    )
    episodes: list[dict] = []  # rows, cells, start, end
    for i in order:
        row = clusters.iloc[i]
        start, end = row["window_start"], ends[i]
        ring = {int(c) for c in row["cells"]} | {
            h3.str_to_int(n) for c in row["cells"] for n in h3.grid_disk(h3.int_to_str(int(c)), 1)
        }
        touching = [
            e
            for e in episodes
            if start <= e["end"] + gap
            and end >= e["start"] - gap
            and (bool(ring & e["cells"]) if spatial else e["type"] == row["issue_type"])
        ]
        if not touching:
            episodes.append(
                {"rows": {i}, "cells": {int(c) for c in row["cells"]}, "start": start,
                 "end": end, "type": row["issue_type"]}
            )  # fmt: skip
            continue
        keeper = touching[0]
        for other in [{"rows": {i}, "cells": {int(c) for c in row["cells"]}, "start": start,
                       "end": end}, *touching[1:]]:  # fmt: skip
            keeper["rows"] |= other["rows"]
            keeper["cells"] |= other["cells"]
            keeper["start"] = min(keeper["start"], other["start"])
            keeper["end"] = max(keeper["end"], other["end"])
            if other is not keeper and other in episodes:
                episodes.remove(other)
    return [e["rows"] for e in episodes]


@pytest.mark.parametrize("kind", ["hotspot", "surge"])
def test_a_month_of_random_clusters_links_as_against_every_episode(kind: str) -> None:
    """Retiring episodes that no later row can reach changes nothing: random clusters over a
    month, of every window length, near and far, link the same as against every episode."""
    rng = np.random.default_rng(7)
    near = sorted(h3.grid_disk(A, 3))
    rows = []
    for _ in range(400):
        window_len = str(rng.choice(["1h", "3h", "1d"], p=[0.6, 0.3, 0.1]))
        hour = int(rng.integers(0, 30 * 24))
        start = T0 + timedelta(hours=hour)
        if window_len == "1d":
            start = start.replace(hour=0)
        cells = rng.choice(near if rng.random() < 0.8 else [FAR], size=int(rng.integers(1, 3)))
        rows.append(
            {
                **_cluster(A, 0, issue=str(rng.choice(["fibre_loss", "outage"]))),
                "window_start": start,
                "window_len": window_len,
                "cells": np.array([h3.str_to_int(c) for c in cells], dtype=np.uint64),
            }
        )
    clusters = pd.DataFrame(rows)
    clusters["row_id"] = range(len(clusters))  # carried through to each episode's rows
    got = sorted(sorted(int(r["row_id"]) for r in e.rows) for e in link_episodes(clusters, kind))
    expected = sorted(sorted(ids) for ids in _linked_against_every_episode(clusters, kind))
    assert len(expected) > 10  # several episodes, some of them merged
    assert got == expected
