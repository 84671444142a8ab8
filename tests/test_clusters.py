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
