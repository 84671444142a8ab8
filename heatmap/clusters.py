"""Clusters: connected groups of anomalous cells, of any shape, with one score each.

Within one window and issue type, a cluster is a connected component over H3 edge adjacency of
cells that are flagged or elevated (``support_alpha``). A fibre route along a road is long and
thin; adjacency follows it where a circular scan would not. A cluster is kept when its pooled
count is itself significant: at ``cluster_alpha`` when it holds a flagged cell, at the
stricter ``seedless_alpha`` when none of its cells is flagged alone (the cells were picked
for being high, so their pooled tail must clear a higher bar). Both bars are also capped by a
stated false-alarm rate: a window's pooled tail must be below ``false_alarms_per_week`` divided
by the cell-windows judged in a week (Bonferroni), so that the expected number of false clusters
a week stays under that rate however many cells the city has and however busy they are. The
cluster, not the cell, is what an operator is alerted to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from heatmap import grid
from heatmap.arrays import sorted_distinct
from heatmap.scoring import log_likelihood_ratio, negative_binomial_upper_tail

CLUSTER_COLUMNS = [
    "window_start",
    "window_len",
    "issue_type",
    "cells",
    "observed",
    "expected",
    "p_value",
    "score",
    "n_cells",
]


def _components(frame: pd.DataFrame) -> np.ndarray:
    """Component label of each row: rows link when same window and type and adjacent cells.

    The same window means the same start *and* length: the midnight hour and the day that
    starts with it are different windows, and so are overlapping rolling windows. Adjacency is
    looked up once per distinct cell, and each row's neighbours found among the rows of its
    window by (window, cell) keys: no Python loop over rows.
    """
    n = len(frame)
    keys = ["window_len", "window_start", "issue_type"]
    group = frame.groupby(keys, sort=False).ngroup().to_numpy().astype(np.int64)
    cells = frame["cell"].to_numpy(dtype=np.uint64)
    distinct = sorted_distinct(cells)
    cell_index = np.searchsorted(distinct, cells)
    a, b = grid.adjacent_pairs(distinct)
    source, target = np.concatenate([a, b]), np.concatenate([b, a])
    by_source = np.argsort(source, kind="stable")
    source, target = source[by_source], target[by_source]
    degree = np.bincount(source, minlength=distinct.size)
    first_edge = np.concatenate(([0], np.cumsum(degree)[:-1]))
    row_degree = degree[cell_index]
    owner = np.repeat(np.arange(n), row_degree)
    # each row's edges: first_edge of its cell, then the next row_degree - 1
    within = np.arange(owner.size) - np.repeat(np.cumsum(row_degree) - row_degree, row_degree)
    neighbour = target[np.repeat(first_edge[cell_index], row_degree) + within]
    node_keys = group * distinct.size + cell_index
    order = np.argsort(node_keys)
    sorted_keys = node_keys[order]
    wanted = group[owner] * distinct.size + neighbour
    hit = np.minimum(np.searchsorted(sorted_keys, wanted), max(n - 1, 0))
    found = sorted_keys[hit] == wanted
    graph = coo_matrix((np.ones(int(found.sum())), (owner[found], order[hit[found]])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


@dataclass(frozen=True)
class ClusterFinder:
    """Grows clusters from scored cells (the output of :class:`heatmap.scoring.CellScorer`).

    Parameters
    ----------
    support_alpha, support_min_count : an unflagged cell joins a touching cluster when its
        p-value is below ``support_alpha`` and it has at least ``support_min_count`` complaints.
        One complaint is enough where the cell expects under about 0.05 (its P(X ≥ 1)): on a
        quiet road a fibre cut's first hour is often 3, 1, 2, 1 calls in a row of cells, and
        without the single calls the row breaks into pieces too small to keep.
    cluster_alpha : a cluster is kept when P(X ≥ its total | its total expected) is below this…
    min_observed : …and it holds at least this many complaints in cells with more than one: a
        single call may link a cluster's cells, but a flagged cell of 4 and a neighbour's
        lone call that happens to fall in the same hours is still a cluster of 4.
    seedless_alpha : a cluster with no flagged cell is kept when its pooled tail is below this
        (and it holds ``min_observed``): several neighbouring cells each a little above normal
        can together be far beyond chance when no one of them is (a busy area whose cells
        expect 0.4–1.2 calls an hour and see 4, 5, 9, 5), and stricter than ``cluster_alpha``
        because the cells were chosen for being high.
    dispersion : the negative-binomial size k of each cell's count (as in
        :class:`heatmap.scoring.CellScorer`); the total of cells with expectations ``E_i`` has
        variance ``ΣE_i + ΣE_i²/k``, a negative binomial of size ``k·(ΣE_i)²/ΣE_i²``.
    false_alarms_per_week : the stated false-alarm rate. When the scores carry
        ``tests_per_week`` (the cell-windows judged in a week: cells with a count of a spatial
        type in the baseline period, times the windows a week holds;
        ``pipelines/sql/cluster_candidates.sql``), a cluster is kept only when its pooled tail
        is also below this rate ÷ ``tests_per_week``: a Bonferroni bound on the expected false
        clusters a week. ``cluster_alpha`` alone is a per-test level, and the false clusters it
        lets through grow with the number of tests and with how busy the cells are: on a
        uniform city of 27,000 complaints a day over 5,600 cells (0.05 expected per cell-type
        in 3 hours), 3 calls in a cell and 2 in its neighbour (pooled tail about 2·10⁻⁷) happen
        about once a week by chance.

    Examples
    --------
    >>> import h3
    >>> a = h3.latlng_to_cell(39.90, 116.40, 8)
    >>> b = h3.grid_ring(a, 1)[0]
    >>> scores = pd.DataFrame({
    ...     "cell": [h3.str_to_int(a), h3.str_to_int(b)], "window_start": [0, 0],
    ...     "window_len": ["1h", "1h"], "issue_type": ["fibre_loss"] * 2,
    ...     "observed": [6, 2], "expected": [0.05, 0.05], "p_value": [1e-9, 1e-3],
    ...     "flagged": [True, False]})
    >>> found = ClusterFinder().find(scores)
    >>> int(found.n_cells[0]), int(found.observed[0])
    (2, 8)
    """

    support_alpha: float = 0.05
    support_min_count: int = 1
    cluster_alpha: float = 1e-6
    min_observed: int = 5
    seedless_alpha: float = 1e-9
    dispersion: float | None = 5.0
    false_alarms_per_week: float = 1.0

    def find(self, scores: pd.DataFrame) -> pd.DataFrame:
        """One row per cluster: window, type, cells (uint64 array), pooled counts and score."""
        candidates = scores[
            scores["flagged"]
            | (
                (scores["p_value"] < self.support_alpha)
                & (scores["observed"] >= self.support_min_count)
            )
        ].reset_index(drop=True)
        if candidates.empty:
            return pd.DataFrame(columns=CLUSTER_COLUMNS)
        component = _components(candidates)
        # components in the order of their first row, as the candidates are ordered
        labels, first_row, row_label = np.unique(component, return_index=True, return_inverse=True)
        appearance = np.argsort(first_row, kind="stable")
        rank = np.empty_like(appearance)
        rank[appearance] = np.arange(labels.size)
        member = rank[row_label]

        def total(values: np.ndarray) -> np.ndarray:
            return np.bincount(member, weights=values, minlength=labels.size)

        expected_each = candidates["expected"].to_numpy(dtype=np.float64)
        observed_each = candidates["observed"].to_numpy(dtype=np.float64)
        observed = np.rint(total(observed_each))
        in_several = np.rint(total(np.where(observed_each > 1, observed_each, 0.0)))
        expected = total(expected_each)
        expected_sq = total(expected_each**2)
        any_flagged = total(candidates["flagged"].to_numpy(dtype=np.float64)) > 0
        n_cells = np.bincount(member, minlength=labels.size)
        size = (
            None
            if self.dispersion is None
            else self.dispersion * expected**2 / np.maximum(expected_sq, 1e-300)
        )
        p_value = negative_binomial_upper_tail(observed, expected, size)
        score = log_likelihood_ratio(observed, expected)
        alpha = np.where(any_flagged, self.cluster_alpha, self.seedless_alpha)
        if "tests_per_week" in candidates:
            # every row of a cluster has its window and type, so its first row's count is its own
            tests = candidates["tests_per_week"].to_numpy(dtype=np.float64)[first_row[appearance]]
            alpha = np.minimum(alpha, self.false_alarms_per_week / np.maximum(tests, 1.0))
        kept = np.flatnonzero((p_value < alpha) & (in_several >= self.min_observed))
        by_member = np.lexsort((candidates["cell"].to_numpy(dtype=np.uint64), member))
        sorted_cells = candidates["cell"].to_numpy(dtype=np.uint64)[by_member]
        ends = np.cumsum(n_cells)
        found = candidates.iloc[first_row[appearance][kept]][
            ["window_start", "window_len", "issue_type"]
        ].reset_index(drop=True)
        found["cells"] = [sorted_cells[ends[c] - n_cells[c] : ends[c]] for c in kept]
        found["observed"] = observed[kept].astype(np.int64)
        found["expected"] = expected[kept]
        found["p_value"] = p_value[kept]
        found["score"] = score[kept]
        found["n_cells"] = n_cells[kept].astype(np.int64)
        return found[CLUSTER_COLUMNS]
