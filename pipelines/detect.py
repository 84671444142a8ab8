"""Detection: score cells, grow clusters, find surges, and turn them into alert rows.

Runs on the writer connection after aggregation; reads ``store.cell_counts`` through
``pipelines.score_inputs`` and the complaints through ``surge_inputs.sql``; rewrites the
``store.cell_scores``, ``store.clusters`` and ``store.surge_inputs`` of the windows it
rescores, and ``store.alerts`` and ``store.alert_windows``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from heatmap import grid
from heatmap.clusters import ClusterFinder
from heatmap.episodes import WINDOW_LENGTHS, Episode, episode_status, link_episodes
from heatmap.sqlfiles import execute_file, query_file, read_sql
from heatmap.taxonomy import Taxonomy
from pipelines.cuts import cut_instants
from pipelines.judged_pairs import add_judged_pairs, start_judged_pairs
from pipelines.score_inputs import (
    DAILY,
    HOURLY,
    ScoringPass,
    StoredCounts,
    rescored_from,
    score_inputs,
)
from pipelines.settings import RunSettings

# Each scored window length: the stored counts it is made of, and how many of them. A rolling
# 3-hour window (one starts every hour) pools the first hours of an event that no single hour
# shows clearly.
SCORED_WINDOWS = {"1h": (HOURLY, 1), "3h": (HOURLY, 3), "1d": (DAILY, 1)}
# A long rescoring (a full run on a year) is done in passes of this many days of windows, each
# with its history: memory stays that of a quarter, for about 30% more work than one pass.
SCORING_CHUNK = timedelta(days=90)
# Clusters are found in shorter passes: a window's candidates are nearly all its counts (a
# single call is support, ClusterFinder.support_min_count), and adjacency makes several arrays
# of each; a quarter's took 1.5 GB on a year of 10 M complaints.
CLUSTER_CHUNK = timedelta(days=30)
# Rolling windows of a single complaint are not scored: they are most of the rolling rows
# (b4b6106: a fifth of the run's CPU and 30% of its memory at 1 M rows), they can never be
# flagged, and as single-call links between cells (ClusterFinder.support_min_count) they found
# nothing on the seen seeds that the clock hours' single calls did not.
ROLLING_MIN_COUNT = 2
# The windows a cell is judged in a week, over every scored length (one starts every count_len):
# with the cells judged, the number of tests the stated false-alarm rate is shared among.
WINDOWS_PER_WEEK = sum(
    timedelta(days=7) // WINDOW_LENGTHS[count_len] for count_len, _ in SCORED_WINDOWS.values()
)
# The judged pairs of a day (pipelines.judged_pairs) are counted from the daily counts.
PAIRS_COUNTED_BY = DAILY
# Surges are judged on clock hours and days: a citywide count is never sparse.
SURGE_WINDOWS = ("1h", "1d")


def _rescore(
    con: duckdb.DuckDBPyConnection,
    settings: RunSettings,
    taxonomy: Taxonomy,
    since: datetime | None,
) -> pd.DataFrame:
    """Rescore the windows that end after ``since`` and find their clusters; every cluster.

    A window is judged only on data before its end, so a window that ended before the
    earliest recounted one cannot have changed: its stored scores and clusters stand. ``since``
    is None when nothing was recounted, and then nothing is rescored. A store written before
    clusters were stored has scores but no clusters: they are all found once.
    """
    rebuild = _clusters_missing(con)
    if since is None and not rebuild:
        return query_file(con, "pipelines", "stored_clusters", {})
    # one look at what the counts cover, for the scoring passes and the cluster passes
    span = _rescored_span(con, since or EPOCH)
    cuts = _cuts(con, span, since, SCORING_CHUNK) if since is not None else []
    passes = {
        window_len: ScoringPass(
            window_len=window_len,
            count_len=count_len,
            span=span,
            min_count=1 if span == 1 else ROLLING_MIN_COUNT,
            spatial_types=taxonomy.spatial_codes,
            history=settings.history,
            burn_in=settings.burn_in,
            since=since or EPOCH,
            guard=settings.guard,
        )
        for window_len, (count_len, span) in SCORED_WINDOWS.items()
    }
    firsts = {window_len: rescored_from(con, scoring) for window_len, scoring in passes.items()}
    start_judged_pairs(con)
    if rebuild:  # every window's clusters are found: every day's judged pairs are needed
        _judge_every_pair(con, settings, passes[PAIRS_COUNTED_BY])
    if since is not None:
        for window_len, first in firsts.items():
            params = {"window_len": window_len, "rescored_from": first}
            execute_file(con, "pipelines", "replace_cell_scores", params)
        for part_since, part_until in zip([since, *cuts], [*cuts, None], strict=True):
            _score_part(
                con,
                settings,
                [replace(p, since=part_since, until=part_until) for p in passes.values()],
                judge_pairs=not rebuild,
            )
    cluster_cuts = _cuts(con, span, since or EPOCH, CLUSTER_CHUNK)
    for window_len, first in firsts.items():
        _replace_clusters(con, settings, window_len, EPOCH if rebuild else first, cluster_cuts)
    con.execute("DROP TABLE IF EXISTS temp.judged_pairs")
    return query_file(con, "pipelines", "stored_clusters", {})


def _score_part(
    con: duckdb.DuckDBPyConnection,
    settings: RunSettings,
    passes: list[ScoringPass],
    judge_pairs: bool,
) -> None:
    """Score the windows of ``passes`` (one part of a rescoring) into store.cell_scores, and
    with ``judge_pairs`` count the judged pairs of their days from their daily counts.

    The clock hours and the rolling 3-hour windows are made of the same counts: they are read
    once for both, and only one count length's are held at a time (and none once this returns,
    before the clusters are found).
    """
    loaded: dict[str, StoredCounts] = {}
    for scoring in passes:
        if scoring.count_len not in loaded:
            hourly = loaded.get(HOURLY)
            # a day's count is the sum of its hours': the daily counts are not read again
            loaded = {
                scoring.count_len: hourly.daily(con, scoring)
                if hourly is not None and scoring.count_len == DAILY
                else StoredCounts.load(con, scoring)
            }
            if judge_pairs and scoring.count_len == PAIRS_COUNTED_BY:
                add_judged_pairs(con, loaded[PAIRS_COUNTED_BY], settings.history, scoring.since)
        scored = settings.cell_scorer.score(score_inputs(con, scoring, loaded[scoring.count_len]))
        scored["window_len"] = scoring.window_len
        con.register("scored", scored)
        con.execute(
            "INSERT INTO store.cell_scores SELECT cell, window_start, window_len, "
            "issue_type, observed, expected, p_value, score, flagged FROM scored"
        )
        con.unregister("scored")
        del scored


def _judge_every_pair(
    con: duckdb.DuckDBPyConnection, settings: RunSettings, daily: ScoringPass
) -> None:
    """The judged pairs of every counted day, from the daily counts of ``daily``'s length read
    in scoring chunks (a store whose clusters are all found again, though only some windows
    are rescored)."""
    whole = _rescored_span(con, EPOCH)
    cuts = _cuts(con, whole, EPOCH, SCORING_CHUNK)
    for part_since, part_until in zip([EPOCH, *cuts], [*cuts, None], strict=True):
        part = replace(daily, since=part_since, until=part_until)
        add_judged_pairs(con, StoredCounts.load(con, part), settings.history, part_since)


Span = tuple[datetime | None, datetime | None]


def _rescored_span(con: duckdb.DuckDBPyConnection, since: datetime) -> Span:
    """What a rescoring from ``since`` covers: from its day (or the first count's, if later)
    to the newest count; both None when nothing is counted."""
    ((first_day, last_count),) = con.execute(
        read_sql("pipelines", "scoring_chunks"), {"since": since}
    ).fetchall()
    return first_day, last_count


def _cuts(
    con: duckdb.DuckDBPyConnection, span: Span, since: datetime, chunk: timedelta
) -> list[datetime]:
    """Where a rescoring (or a cluster search) over ``span`` is cut into passes of ``chunk``:
    every ``chunk`` from its first day, after ``since`` and before the newest count."""
    first_day, last_count = span
    if first_day is None or last_count is None:
        return []
    return [cut for cut in cut_instants(con, first_day, last_count, chunk) if cut > since]


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CLUSTER_SCHEMA = pa.schema(
    [
        ("window_start", pa.timestamp("us", tz="UTC")),
        ("window_len", pa.string()),
        ("issue_type", pa.string()),
        ("cells", pa.list_(pa.uint64())),
        ("observed", pa.int64()),
        ("expected", pa.float64()),
        ("p_value", pa.float64()),
        ("score", pa.float64()),
        ("n_cells", pa.int32()),
    ]
)


def _clusters_missing(con: duckdb.DuckDBPyConnection) -> bool:
    ((missing,),) = con.execute(
        "SELECT NOT EXISTS (FROM store.clusters) AND EXISTS (FROM store.cell_scores)"
    ).fetchall()
    return bool(missing)


def _replace_clusters(
    con: duckdb.DuckDBPyConnection,
    settings: RunSettings,
    window_len: str,
    first: datetime,
    cuts: list[datetime],
) -> None:
    """Find the clusters of the windows of ``window_len`` from ``first`` on, and store them.

    A window's clusters depend only on its own scores, so they are found in the passes that
    ``cuts`` makes (a year's candidates at once would not fit in memory).
    """
    finder = settings.cluster_finder
    execute_file(
        con, "pipelines", "clear_clusters", {"window_len": window_len, "rescored_from": first}
    )
    bounds = [first, *(cut for cut in cuts if cut > first)]
    for part_from, part_until in zip(bounds, [*bounds[1:], None], strict=True):
        params = {
            "window_len": window_len,
            "rescored_from": part_from,
            "rescored_until": part_until,
            "support_alpha": finder.support_alpha,
            "support_min_count": finder.support_min_count,
            "windows_per_week": WINDOWS_PER_WEEK,
        }
        _store_part_clusters(con, finder, params)


def _store_part_clusters(
    con: duckdb.DuckDBPyConnection, finder: ClusterFinder, params: dict[str, object]
) -> None:
    """Find and store the clusters of one part's windows (its candidates are let go on return,
    before the next part's are read)."""
    candidates = query_file(con, "pipelines", "cluster_candidates", params)
    found = finder.find(candidates) if not candidates.empty else pd.DataFrame()
    del candidates
    columns = {n: found[n].tolist() if len(found) else [] for n in CLUSTER_SCHEMA.names}
    columns["cells"] = [np.asarray(c, dtype=np.uint64) for c in columns["cells"]]
    con.register("found_clusters", pa.Table.from_pydict(columns, schema=CLUSTER_SCHEMA))
    try:
        execute_file(con, "pipelines", "store_clusters", {})
    finally:
        con.unregister("found_clusters")


def _surges(
    con: duckdb.DuckDBPyConnection,
    settings: RunSettings,
    clusters: pd.DataFrame,
    since: datetime | None,
) -> pd.DataFrame:
    """Citywide excesses of a type beyond what its hotspots explain.

    A fibre-loss hotspot raises the citywide fibre-loss count too; only the complaints outside
    the window's hotspots can make a surge, so one local event is one alert, not two.

    A window's citywide counts and baseline are made of the complaints in it and in the
    ``history`` before it, so only those of the windows that end after ``since`` are recounted
    (``store.surge_inputs`` keeps the rest); a store written before they were stored gets them
    all once. What the hotspots explain is subtracted from every window on each run: the
    clusters of the windows before ``since`` stand too, and the others were just found again.
    """
    recount_from = EPOCH if _surge_inputs_missing(con) else since
    keys = ["window_start", "issue_type"]
    in_hotspots = (
        clusters.groupby(["window_len", *keys], as_index=False)["observed"]
        .sum()
        .rename(columns={"observed": "explained"})
        if not clusters.empty
        else None
    )
    if recount_from is not None:
        params = {
            "history": settings.history,
            "burn_in": settings.burn_in,
            "hour_from": _first_window(con, "1h", recount_from),
            "day_from": _first_window(con, "1d", recount_from),
        }
        execute_file(con, "pipelines", "surge_inputs", params)
    frames = []
    for window_len in SURGE_WINDOWS:
        inputs = query_file(con, "pipelines", "stored_surge_inputs", {"window_len": window_len})
        explained = np.zeros(len(inputs), dtype=np.int64)
        if in_hotspots is not None:
            hot = in_hotspots[in_hotspots["window_len"] == window_len].drop(columns="window_len")
            # a left merge on unique right keys keeps the inputs' rows and their order
            matched = inputs[keys].merge(hot, how="left", on=keys)["explained"]
            explained = matched.fillna(0).to_numpy(dtype=np.int64)
        inputs["observed"] = inputs["observed"] - explained
        scored = settings.surge_scorer.score(inputs)
        scored = scored[scored["flagged"]].copy()
        scored["window_len"] = window_len
        scored["cells"] = [np.empty(0, dtype=np.uint64)] * len(scored)
        frames.append(scored)
    return pd.concat(frames, ignore_index=True)


def _surge_inputs_missing(con: duckdb.DuckDBPyConnection) -> bool:
    ((missing,),) = con.execute(
        "SELECT NOT EXISTS (FROM store.surge_inputs) AND EXISTS (FROM store.complaints)"
    ).fetchall()
    return bool(missing)


def _first_window(con: duckdb.DuckDBPyConnection, window_len: str, since: datetime) -> datetime:
    """The first window of ``window_len`` that ends after ``since``."""
    params = {"window_len": window_len, "since": since, "overlap": timedelta(0)}
    ((first,),) = con.execute(read_sql("pipelines", "rescored_from"), params).fetchall()
    return first


class CellPlaces:
    """Where cells are: their centre and district, as ``store.cells`` holds them.

    Every cell with a complaint is there (``pipelines.aggregate`` adds them), so the district
    polygons are read only for a cell that is not, which an alert never has.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        known = con.execute("SELECT cell, lat, lon, district FROM store.cells ORDER BY cell").df()
        self._cells = known["cell"].to_numpy(dtype=np.uint64)
        self._lat = known["lat"].to_numpy(dtype=np.float64)
        self._lon = known["lon"].to_numpy(dtype=np.float64)
        self._district = np.array(
            [d if isinstance(d, str) else None for d in known["district"]], dtype=object
        )

    def of(self, cells: np.ndarray) -> pd.DataFrame:
        """cell, lat, lon and district of each of ``cells``, in their order."""
        cells = np.asarray(cells, dtype=np.uint64)
        lat, lon, district = self._located(cells)
        return pd.DataFrame({"cell": cells, "lat": lat, "lon": lon, "district": district})

    def centre_and_district(self, cells: np.ndarray) -> tuple[float, float, str | None]:
        """The mean centre of ``cells`` and the district most of them are in (of a tie, the
        first by name; None when none is in a district)."""
        lat, lon, district = self._located(np.asarray(cells, dtype=np.uint64))
        named = Counter(d for d in district if d is not None)
        most = max(named.values(), default=0)
        chosen = min((d for d, n in named.items() if n == most), default=None)
        return float(lat.mean()), float(lon.mean()), chosen

    def _located(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        at = np.searchsorted(self._cells, cells)
        known = at < self._cells.size
        known[known] = self._cells[at[known]] == cells[known]
        lat, lon = np.full(cells.size, np.nan), np.full(cells.size, np.nan)
        district = np.full(cells.size, None, dtype=object)
        lat[known], lon[known] = self._lat[at[known]], self._lon[at[known]]
        district[known] = self._district[at[known]]
        if not known.all():
            from heatmap.districts import locate_cells

            located = locate_cells(cells[~known])
            lat[~known], lon[~known] = located["lat"], located["lon"]
            district[~known] = located["district"]
        return lat, lon, district


def _alert_row(
    episode: Episode, taxonomy: Taxonomy, as_of: datetime, places: CellPlaces
) -> dict[str, Any]:
    rows = episode.primary_rows()
    window = WINDOW_LENGTHS[rows[0]["window_len"]]
    start = min(r["window_start"] for r in rows)
    end = max(r["window_start"] for r in rows) + window
    issue_type = episode.issue_type
    issue = taxonomy[issue_type]
    cells = np.array(sorted(episode.cells), dtype=np.uint64)
    if episode.kind == "hotspot":
        label, label_zh, prefix = issue.label_en, issue.label_zh, "H"
        anchor = "-" + grid.cells_to_strings(cells[:1])[0]
    elif issue.spatial:
        label, label_zh, prefix, anchor = (
            f"citywide {issue.en.lower()} surge",
            f"{issue.zh}全市激增",
            "S",
            "",
        )
    else:
        label, label_zh, prefix, anchor = issue.label_en, issue.label_zh, "S", ""
    district, center_lat, center_lon = None, None, None
    if cells.size:
        center_lat, center_lon, district = places.centre_and_district(cells)
    return {
        "cluster_id": f"{prefix}-{issue_type}-{start:%Y%m%dT%H%M}{anchor}",
        "kind": episode.kind,
        "issue_type": issue_type,
        "label": label,
        "label_zh": label_zh,
        "window_start": start,
        "window_end": end,
        "cells": cells.tolist(),
        "observed": int(sum(r["observed"] for r in rows)),
        "expected": float(sum(r["expected"] for r in rows)),
        "score": float(max(r["score"] for r in rows)),
        "p_value": float(min(r["p_value"] for r in rows)),
        "status": episode_status(start, end, as_of, window),
        "district": district,
        "center_lat": center_lat,
        "center_lon": center_lon,
    }


def _data_quality_rows(
    con: duckdb.DuckDBPyConnection, as_of: datetime, places: CellPlaces
) -> list[dict[str, Any]]:
    points = con.execute("SELECT * FROM store.placeholder_points ORDER BY n DESC").df()
    districts = places.of(points["cell"].to_numpy(dtype=np.uint64))["district"].tolist()
    rows = []
    for point, district in zip(points.itertuples(), districts, strict=True):
        cell_hex = grid.cells_to_strings(np.array([point.cell], dtype=np.uint64))[0]
        rows.append(
            {
                "cluster_id": f"DQ-{cell_hex}-{point.lat:.5f}-{point.lon:.5f}",
                "kind": "data_quality",
                "issue_type": "mixed",
                "label": (
                    f"placeholder pile-up: {point.n} complaints of {point.n_types} types "
                    "at one point"
                ),
                "label_zh": f"坐标占位点堆积：{point.n} 条 {point.n_types} 类投诉位于同一坐标",
                "window_start": point.first_at,
                "window_end": point.last_at,
                "cells": [int(point.cell)],
                "observed": int(point.n),
                "expected": 1.0,
                "score": float(point.n),
                "p_value": 0.0,
                "status": "ongoing" if point.last_at >= as_of - timedelta(days=7) else "resolved",
                "district": district,
                "center_lat": float(point.lat),
                "center_lon": float(point.lon),
            }
        )
    return rows


ALERT_SCHEMA = pa.schema(
    [
        ("cluster_id", pa.string()),
        ("kind", pa.string()),
        ("issue_type", pa.string()),
        ("label", pa.string()),
        ("label_zh", pa.string()),
        ("window_start", pa.timestamp("us", tz="UTC")),
        ("window_end", pa.timestamp("us", tz="UTC")),
        ("cells", pa.list_(pa.uint64())),
        ("observed", pa.int64()),
        ("expected", pa.float64()),
        ("score", pa.float64()),
        ("p_value", pa.float64()),
        ("status", pa.string()),
        ("district", pa.string()),
        ("center_lat", pa.float64()),
        ("center_lon", pa.float64()),
    ]
)


def _store_alerts(
    con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], windows: list[dict[str, Any]]
) -> None:
    con.execute("DELETE FROM store.alerts")
    con.execute("DELETE FROM store.alert_windows")
    alerts = pa.Table.from_pylist(rows, schema=ALERT_SCHEMA)
    con.register("new_alerts", alerts)
    con.execute("INSERT INTO store.alerts SELECT * FROM new_alerts")
    con.unregister("new_alerts")
    window_schema = pa.schema(
        [
            ("cluster_id", pa.string()),
            ("window_start", pa.timestamp("us", tz="UTC")),
            ("window_len", pa.string()),
            ("issue_type", pa.string()),
            ("cells", pa.list_(pa.uint64())),
            ("observed", pa.int64()),
            ("expected", pa.float64()),
            ("score", pa.float64()),
        ]
    )
    con.register("new_windows", pa.Table.from_pylist(windows, schema=window_schema))
    con.execute("INSERT INTO store.alert_windows SELECT * FROM new_windows")
    con.unregister("new_windows")


def detect(
    con: duckdb.DuckDBPyConnection,
    settings: RunSettings,
    taxonomy: Taxonomy,
    as_of: datetime,
    since: datetime | None,
) -> list[dict[str, Any]]:
    """Score what changed since ``since``, cluster, link episodes, store the alerts."""
    clusters = _rescore(con, settings, taxonomy, since)
    hotspots = link_episodes(clusters, "hotspot")
    surges = link_episodes(_surges(con, settings, clusters, since), "surge")
    places = CellPlaces(con)
    rows: list[dict[str, Any]] = []
    windows: list[dict[str, Any]] = []
    for episode in hotspots + surges:
        row = _alert_row(episode, taxonomy, as_of, places)
        rows.append(row)
        windows += [
            {
                "cluster_id": row["cluster_id"],
                "window_start": r["window_start"],
                "window_len": r["window_len"],
                "issue_type": r["issue_type"],
                "cells": [int(c) for c in r["cells"]],
                "observed": int(r["observed"]),
                "expected": float(r["expected"]),
                "score": float(r["score"]),
            }
            for r in episode.rows
        ]
    rows += _data_quality_rows(con, as_of, places)
    _store_alerts(con, rows, windows)
    return rows
