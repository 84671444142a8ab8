"""A peer detector's flagged (cell, window, type) rows, grouped into alerts as the engine groups.

So that the engine and its peers are judged as alerts, by one matching rule, a peer's flags go
through the grouping the engine's ``heatmap.clusters`` / ``heatmap.episodes`` describe (written
out here, so that the yardstick does not move when the engine's model does):

1. **clusters**: within one window and issue type, flagged cells connected over H3 edge adjacency;
2. **episodes**: clusters, hourly and daily and of any spatial type, linked when their times
   touch (within ``gap``, 1 h) and their cells overlap or are adjacent, transitively.

An episode is one alert. Its times are those of its hourly windows when it has any, else of its
daily ones (as the engine's); its windows are kept for the window-by-window matching of
:mod:`benchmarks.matching`. ``score`` is the detector's strongest statistic in it.
"""

from __future__ import annotations

from functools import lru_cache

import h3
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from benchmarks.matching import Alert, AlertWindow

GAP = pd.Timedelta(hours=1)
FLAG_COLUMNS = ["cell", "window_start", "window_len", "issue_type", "observed", "expected", "score"]


def window_length(name: str) -> pd.Timedelta:
    """``'1h'``, ``'3h'``, ``'1d'`` … as a duration (a local day is taken as 24 h)."""
    unit = {"h": "hours", "d": "days"}[name[-1]]
    return pd.Timedelta(**{unit: int(name[:-1])})


@lru_cache(maxsize=200_000)
def _disk(cell: int) -> tuple[int, ...]:
    return tuple(h3.str_to_int(c) for c in h3.grid_disk(h3.int_to_str(cell), 1))


def _explode(frame: pd.DataFrame, disks: bool) -> pd.DataFrame:
    """``node, cell`` per cell of each row's ``cells`` (or of their ring-1 disks)."""
    cells = [
        tuple(d for c in cs for d in _disk(int(c))) if disks else tuple(cs) for cs in frame["cells"]
    ]
    lengths = np.fromiter((len(c) for c in cells), dtype=np.int64, count=len(cells))
    return pd.DataFrame(
        {
            "node": np.repeat(frame["node"].to_numpy(), lengths),
            "cell": np.fromiter(
                (c for cs in cells for c in cs), dtype=np.uint64, count=int(lengths.sum())
            ),
        }
    )


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def clusters_of(flags: pd.DataFrame) -> pd.DataFrame:
    """One row per connected group of flagged cells of one window and type."""
    rows = flags.reset_index(drop=True)
    rows["node"] = np.arange(len(rows))
    rows["cells"] = [(int(c),) for c in rows["cell"]]
    key = ["window_start", "window_len", "issue_type"]
    group = rows.groupby(key, sort=False).ngroup().to_numpy()
    near = _explode(rows, disks=True)
    near["group"] = group[near["node"].to_numpy()]
    own = pd.DataFrame({"other": rows["node"], "cell": rows["cell"].astype(np.uint64)})
    own["group"] = group
    pairs = near.merge(own, on=["group", "cell"])
    rows["cluster"] = _components(len(rows), pairs["node"].to_numpy(), pairs["other"].to_numpy())
    grouped = rows.groupby("cluster", sort=False)
    out = grouped.agg(
        window_start=("window_start", "first"),
        window_len=("window_len", "first"),
        issue_type=("issue_type", "first"),
        observed=("observed", "sum"),
        expected=("expected", "sum"),
        score=("score", "max"),
    )
    out["cells"] = grouped["cell"].agg(lambda c: tuple(sorted(int(x) for x in c)))
    out["window_end"] = out["window_start"] + pd.to_timedelta(out["window_len"].map(window_length))
    return out.reset_index(drop=True)


def _day_buckets(nodes: pd.DataFrame, pad: pd.Timedelta) -> pd.DataFrame:
    """``node, bucket``: the UTC days each row's ``[start - pad, end + pad)`` touches."""
    day = 86_400 * 10**9
    first = (pd.DatetimeIndex(nodes["window_start"]).as_unit("ns").asi8 - pad.value) // day
    last = (pd.DatetimeIndex(nodes["window_end"]).as_unit("ns").asi8 + pad.value - 1) // day
    counts = last - first + 1
    node = np.repeat(nodes["node"].to_numpy(), counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return pd.DataFrame({"node": node, "bucket": np.repeat(first, counts) + offset})


def link(clusters: pd.DataFrame, gap: pd.Timedelta = GAP) -> np.ndarray:
    """Episode label of each row: linked when times touch within ``gap`` and cells touch.

    ``clusters`` needs ``window_start``, ``window_end`` and ``cells`` (tuple of int cells).
    Candidate pairs are joined on (cell, UTC day) so that a cell flagged in every window of
    three weeks does not pair every window with every other.
    """
    nodes = clusters.reset_index(drop=True)
    if nodes.empty:
        return np.empty(0, dtype=np.int64)
    nodes = nodes.assign(node=np.arange(len(nodes)))
    near = _explode(nodes, disks=True).merge(_day_buckets(nodes, gap), on="node")
    own = _explode(nodes, disks=False).merge(_day_buckets(nodes, pd.Timedelta(0)), on="node")
    pairs = near.merge(own.rename(columns={"node": "other"}), on=["cell", "bucket"])
    pairs = pairs[pairs["node"] != pairs["other"]].drop_duplicates(["node", "other"])
    start = pd.DatetimeIndex(nodes["window_start"]).as_unit("ns").asi8
    end = pd.DatetimeIndex(nodes["window_end"]).as_unit("ns").asi8
    a, b = pairs["node"].to_numpy(), pairs["other"].to_numpy()
    touch = (start[a] <= end[b] + gap.value) & (start[b] <= end[a] + gap.value)
    return _components(len(nodes), a[touch], b[touch])


def episodes_of(flags: pd.DataFrame) -> pd.DataFrame:
    """The clusters of a peer's flagged rows (:data:`FLAG_COLUMNS`), each with its ``episode``.

    One row per cluster (one window, one type): ``episode, window_start, window_end,
    window_len, issue_type, cells`` (tuple of int cells), ``observed, expected, score``.
    """
    if flags.empty:
        return pd.DataFrame(columns=["episode", *FLAG_COLUMNS, "window_end", "cells"])
    clusters = clusters_of(flags[FLAG_COLUMNS])
    clusters["episode"] = link(clusters)
    return clusters


def _hex(cells: tuple[int, ...]) -> frozenset[str]:
    return frozenset(h3.int_to_str(c) for c in cells)


def alerts_of(
    clusters: pd.DataFrame, detector: str, episodes: set[int] | None = None
) -> list[Alert]:
    """Contract-like alerts of the episodes (all, or those in ``episodes``), for listing."""
    alerts = []
    chosen = clusters if episodes is None else clusters[clusters["episode"].isin(episodes)]
    for episode, rows in chosen.groupby("episode", sort=True):
        hourly = rows[rows["window_len"] == "1h"]
        primary = hourly if not hourly.empty else rows
        totals = primary.groupby("issue_type")["observed"].sum()
        issue = max(sorted(totals.index), key=lambda t: totals[t])
        cells = tuple(sorted({c for cs in rows["cells"] for c in cs}))
        start = primary["window_start"].min()
        alerts.append(
            Alert(
                cluster_id=f"{detector}-{issue}-{start:%Y%m%dT%H%M}-{episode}",
                kind="hotspot",
                issue_type=issue,
                label=f"{detector} hotspot",
                start=start,
                end=primary["window_end"].max(),
                cells=_hex(cells),
                observed=int(primary["observed"].sum()),
                expected=float(primary["expected"].sum()),
                score=float(rows["score"].max()),
                district=None,
                windows=tuple(
                    AlertWindow(r.window_start, r.window_end, _hex(r.cells))
                    for r in rows.itertuples()
                ),
            )
        )
    return alerts
