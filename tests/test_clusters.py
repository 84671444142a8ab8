"""Clusters over H3 adjacency: any shape, one score, joined only when touching."""

from __future__ import annotations

import h3
import numpy as np
import pandas as pd
import pytest

from heatmap.clusters import ClusterFinder


def _line_of_cells(start: str, steps: int) -> list[str]:
    """A thin line of cells: walk in one direction, like a fibre route along a road."""
    ring = h3.grid_ring(start, 1)
    direction = h3.cell_to_local_ij(start, ring[0])
    origin = h3.cell_to_local_ij(start, start)
    di, dj = direction[0] - origin[0], direction[1] - origin[1]
    return [
        h3.local_ij_to_cell(start, origin[0] + di * k, origin[1] + dj * k) for k in range(steps)
    ]


def _scores(
    cells: list[str],
    observed: list[int],
    expected: float = 0.05,
    window: int = 0,
    issue: str = "fibre_loss",
    window_len: str = "1h",
) -> pd.DataFrame:
    from heatmap.scoring import CellScorer, poisson_upper_tail

    obs = np.array(observed)
    p = poisson_upper_tail(obs, np.full(len(obs), expected))
    return pd.DataFrame(
        {
            "cell": [h3.str_to_int(c) for c in cells],
            "window_start": window,
            "window_len": window_len,
            "issue_type": issue,
            "observed": obs,
            "expected": expected,
            "p_value": p,
            "flagged": (p < CellScorer().alpha) & (obs >= CellScorer().min_count),
        }
    )


def test_a_long_thin_route_is_one_cluster() -> None:
    route = _line_of_cells(h3.latlng_to_cell(39.90, 116.30, 8), 9)
    assert all(h3.are_neighbor_cells(a, b) for a, b in zip(route, route[1:], strict=False))
    found = ClusterFinder().find(_scores(route, [3, 4, 2, 5, 3, 2, 4, 3, 3]))
    assert len(found) == 1
    assert found.n_cells[0] == 9 and found.observed[0] == 29
    assert found.expected[0] == pytest.approx(9 * 0.05)


def test_separate_groups_and_separate_types_and_windows_do_not_merge() -> None:
    a = h3.latlng_to_cell(39.90, 116.30, 8)
    far = h3.latlng_to_cell(40.10, 116.60, 8)
    frames = [
        _scores([a, h3.grid_ring(a, 1)[0]], [5, 4]),
        _scores([far], [7]),
        _scores([h3.grid_ring(a, 1)[1]], [6], issue="area_outage"),
        _scores([h3.grid_ring(a, 1)[2]], [6], window=1),
    ]
    found = ClusterFinder().find(pd.concat(frames, ignore_index=True))
    assert sorted(found.n_cells.tolist()) == [1, 1, 1, 2]


def test_weak_cells_join_only_when_touching_a_flagged_cell() -> None:
    a = h3.latlng_to_cell(39.90, 116.30, 8)
    weak_alone = h3.latlng_to_cell(40.10, 116.60, 8)
    found = ClusterFinder().find(_scores([a, h3.grid_ring(a, 1)[0], weak_alone], [6, 2, 2]))
    assert len(found) == 1 and found.n_cells[0] == 2


def test_a_cluster_must_be_significant_as_a_whole() -> None:
    a = h3.latlng_to_cell(39.90, 116.30, 8)
    busy = _scores([a], [4], expected=0.9)  # p = 0.013: not a cell flag, not a cluster
    assert ClusterFinder().find(busy).empty


def test_windows_of_different_lengths_that_start_together_do_not_merge() -> None:
    """The midnight hour and its day (or overlapping rolling windows) are separate windows."""
    a = h3.latlng_to_cell(39.90, 116.30, 8)
    frames = [_scores([a], [6], window_len=length) for length in ("1h", "3h", "1d")]
    found = ClusterFinder().find(pd.concat(frames, ignore_index=True))
    assert sorted(found.window_len) == ["1d", "1h", "3h"]
    assert found.observed.tolist() == [6, 6, 6]


def _nb_tail_reference(observed: int, expected: list[float], k: float = 5.0) -> float:
    """P(X ≥ observed) for the pooled negative binomial, from scipy.stats (independent)."""
    from scipy.stats import nbinom

    total, squares = sum(expected), sum(e * e for e in expected)
    size = k * total**2 / squares
    return float(nbinom.sf(observed - 1, size, size / (size + total)))


def test_neighbours_none_flagged_alone_make_a_cluster_far_beyond_chance() -> None:
    """A busy block: five touching cells expecting 0.5 an hour see 4 each (each p = 0.0018)."""
    a = h3.latlng_to_cell(39.90, 116.30, 8)
    block = [a, *h3.grid_ring(a, 1)[:4]]
    scores = _scores(block, [4] * 5, expected=0.5)
    assert not scores["flagged"].any()
    pooled = _nb_tail_reference(20, [0.5] * 5)
    assert pooled < ClusterFinder().seedless_alpha  # 20 where 2.5 are usual
    found = ClusterFinder().find(scores)
    assert len(found) == 1 and found.n_cells[0] == 5 and found.observed[0] == 20
    assert found.p_value[0] == pytest.approx(pooled, rel=1e-6)


def test_a_seedless_cluster_must_clear_the_stricter_bar() -> None:
    """Three such cells (12 where 1.5 are usual) pass as a flagged cell's cluster, not alone."""
    a = h3.latlng_to_cell(39.90, 116.30, 8)
    block = [a, *h3.grid_ring(a, 1)[:2]]
    pooled = _nb_tail_reference(12, [0.5] * 3)
    finder = ClusterFinder()
    assert finder.seedless_alpha < pooled < finder.cluster_alpha
    assert finder.find(_scores(block, [4] * 3, expected=0.5)).empty
    seeded = _scores(block, [4] * 3, expected=0.5).assign(flagged=[True, False, False])
    assert len(finder.find(seeded)) == 1


def test_a_single_call_joins_only_where_one_call_is_unusual() -> None:
    """3, 1, 2, 1 along a quiet road is one cluster; a lone call in a busy cell does not join."""
    route = _line_of_cells(h3.latlng_to_cell(39.90, 116.30, 8), 4)
    quiet = _scores(route, [3, 1, 2, 1], expected=0.01)
    found = ClusterFinder().find(quiet)
    assert len(found) == 1 and found.n_cells[0] == 4 and found.observed[0] == 7
    busy_tail = pd.concat(
        [_scores(route[:3], [3, 1, 2], expected=0.01), _scores(route[3:], [1], expected=0.2)],
        ignore_index=True,
    )  # P(X ≥ 1 | 0.2) = 0.18: not support
    assert ClusterFinder().find(busy_tail).n_cells.tolist() == [3]


def test_a_lone_neighbouring_call_does_not_make_a_cluster_big_enough() -> None:
    """A flagged 4 with a neighbour's single call: 5 calls, but only 4 in cells with several."""
    a = h3.latlng_to_cell(39.90, 116.30, 8)
    scores = _scores([a, h3.grid_ring(a, 1)[0]], [4, 1], expected=0.02)
    assert scores["flagged"].tolist() == [True, False]
    assert ClusterFinder().find(scores).empty
    with_a_pair = _scores([a, h3.grid_ring(a, 1)[0]], [4, 2], expected=0.02)
    assert ClusterFinder().find(with_a_pair).observed.tolist() == [6]


def test_a_busy_city_keeps_a_chance_pair_under_its_stated_false_alarm_rate() -> None:
    """3 calls and 2 next door where 0.05 each is usual (pooled tail about 2·10⁻⁷): below the
    per-test level, and in a uniform city of 5,600 cells (9 types, 343 windows a week) about
    one such pair a week by chance. With the week's tests counted, the rate of one false
    cluster a week needs a tail below 1 / 17 M; a small city's few tests leave the per-test
    level as it was, and a clear excess is kept anywhere."""
    a = h3.latlng_to_cell(39.90, 116.40, 8)
    pair = _scores([a, h3.grid_ring(a, 1)[0]], [3, 2])
    assert ClusterFinder().find(pair).n_cells.tolist() == [2]  # no count of tests given
    busy_city = pair.assign(tests_per_week=5_600 * 9 * 343)
    assert ClusterFinder().find(busy_city).empty
    small_city = pair.assign(tests_per_week=100 * 343)
    assert ClusterFinder().find(small_city).n_cells.tolist() == [2]
    clear = _scores([a, h3.grid_ring(a, 1)[0]], [5, 4]).assign(tests_per_week=5_600 * 9 * 343)
    assert ClusterFinder().find(clear).observed.tolist() == [9]
