"""Clusters: connected groups of anomalous cells, of any shape, with one score each.

Within one window and issue type, a cluster is a connected component over H3 edge adjacency of
cells that are flagged or elevated (``support_alpha``). A fibre route along a road is long and
thin; adjacency follows it where a circular scan would not. A cluster is kept when its pooled
count is itself significant: at ``cluster_alpha`` when it holds a flagged cell, at the
stricter ``seedless_alpha`` when none of its cells is flagged alone (the cells were picked
for being high, so their pooled tail must clear a higher bar). The cluster, not the cell, is
what an operator is alerted to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from heatmap import grid
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
    starts with it are different windows, and so are overlapping rolling windows.
    """
    n = len(frame)
    keys = ["window_len", "window_start", "issue_type"]
    group = frame.groupby(keys, sort=False).ngroup().to_numpy()
    cells = frame["cell"].to_numpy(dtype=np.uint64)
    disks = grid.grid_disks(cells, 1)
    lengths = np.fromiter((d.size for d in disks), dtype=np.int64, count=n)
    neighbours = pd.DataFrame(
        {
            "row": np.repeat(np.arange(n), lengths),
            "group": np.repeat(group, lengths),
            "cell": np.concatenate(disks) if n else np.empty(0, dtype=np.uint64),
        }
    )
    nodes = pd.DataFrame({"other": np.arange(n), "group": group, "cell": cells})
    edges = neighbours.merge(nodes, on=["group", "cell"])
    graph = coo_matrix(
        (np.ones(len(edges)), (edges["row"].to_numpy(), edges["other"].to_numpy())), shape=(n, n)
    )
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
        candidates["component"] = _components(candidates)
        candidates["expected_sq"] = candidates["expected"].to_numpy(dtype=np.float64) ** 2
        observed = candidates["observed"].to_numpy()
        candidates["in_several"] = np.where(observed > 1, observed, 0)
        grouped = candidates.groupby("component", sort=False)
        summary = grouped.agg(
            window_start=("window_start", "first"),
            window_len=("window_len", "first"),
            issue_type=("issue_type", "first"),
            observed=("observed", "sum"),
            expected=("expected", "sum"),
            expected_sq=("expected_sq", "sum"),
            in_several=("in_several", "sum"),
            any_flagged=("flagged", "any"),
            n_cells=("cell", "size"),
        )
        summary["cells"] = grouped["cell"].agg(lambda c: np.sort(c.to_numpy(dtype=np.uint64)))
        summary = summary.copy()
        total = summary["expected"].to_numpy(dtype=np.float64)
        size = (
            None
            if self.dispersion is None
            else self.dispersion * total**2 / np.maximum(summary["expected_sq"].to_numpy(), 1e-300)
        )
        summary["p_value"] = negative_binomial_upper_tail(
            summary["observed"].to_numpy(), total, size
        )
        summary["score"] = log_likelihood_ratio(
            summary["observed"].to_numpy(), summary["expected"].to_numpy()
        )
        alpha = np.where(summary["any_flagged"], self.cluster_alpha, self.seedless_alpha)
        kept = summary[(summary["p_value"] < alpha) & (summary["in_several"] >= self.min_observed)]
        return kept[CLUSTER_COLUMNS].reset_index(drop=True)
