"""The detection evaluation: the engine and its peers on varied scenarios, judged alike.

For each scenario of :mod:`benchmarks.eval_scenarios` (two cities, seen and fresh seeds, planted
and null), the engine ingests the export and runs through its CLI exactly as a scheduled job
does (``heatmap ingest``, ``heatmap run``, ``heatmap alerts --all``); then the peers
(:mod:`benchmarks.peers`: per-cell EARS C2, Getis-Ord Gi* with Benjamini–Hochberg) read the
*same* counts from the published snapshot (``cell_counts``, resolution 8, hourly and daily
windows, the spatial issue types), and their flags become alerts by the engine's grouping
(:mod:`benchmarks.peer_alerts`). Every detector's hotspot alerts are matched to the truth window
by window (:func:`benchmarks.matching.judge_hotspot_windows`).

Thresholds are swept so that detectors are compared at an equal false-alarm rate: the peers
over their own thresholds (C2 from 3 to 60; BH q from 0.05 down to 1e-100), the engine by
keeping only alerts whose score reaches a floor (stricter than its operating point only), and,
when the engine exposes one, by an environment knob rerun on a copy of the ingested home
(``--engine-sweep VAR=v1,v2``). Only windows after the engine's 7-day burn-in are judged, for
every detector.
"""

from __future__ import annotations

import math
import shutil
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import h3
import numpy as np
import pandas as pd

from benchmarks import eval_scenarios, measure, peers
from benchmarks.matching import Alert, AlertWindow, describe_false, evaluate, judge_hotspot_windows
from benchmarks.peer_alerts import episodes_of, link, window_length

BURN_IN = pd.Timedelta(days=7)  # the engine's RunSettings.burn_in: nothing earlier is judged
DETECTORS = ("engine", "ears_c2", "gi_star_bh")
ENGINE_SCORE_FLOORS = (0, 10, 15, 20, 25, 30, 40, 50, 70, 100, 150)
EARS_THRESHOLDS = (3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 30, 50)
GI_LOG10_Q = (math.log10(peers.GI_Q), -3, -4, -6, -8, -10, -12, -15, -20, -25, -30, -40, -60,
              -100, -150, -200, -300)  # fmt: skip
# A threshold that flags more cell-windows than this in one scenario (three weeks) is called
# saturated: its flags are a carpet, not alerts, and grouping them would take minutes.
MAX_FLAGS = 20_000
NOMINAL = {"engine": "0", "ears_c2": "3", "gi_star_bh": f"{math.log10(peers.GI_Q):g}"}
# an event with this many calls in one cell in its first two hourly windows is hour-visible
VISIBLE_ON_TIME = eval_scenarios.VISIBLE_CALLS


@dataclass(frozen=True)
class EvalPlan:
    """What to run: seed sets, cities, scenarios per set and city, and the engine to measure."""

    seed_sets: tuple[str, ...] = ("seen", "fresh")
    cities: tuple[str, ...] = ("beijing", "boston")
    planted: int = 6
    nulls: int = 2
    fresh_base: int | None = None
    engine_path: Path | None = None
    engine_sweep: tuple[str, tuple[str, ...]] | None = None
    with_peers: bool = True
    specs: list = field(default_factory=list)

    def scenarios(self) -> list[eval_scenarios.Spec]:
        return eval_scenarios.plan(
            self.seed_sets, self.cities, self.planted, self.nulls, self.fresh_base
        )


def _scored_weeks() -> float:
    return (eval_scenarios.DAYS - BURN_IN.days) / 7


# --- reading the engine's snapshot ----------------------------------------------------------


def _snapshot(home: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(home / "published" / "current.duckdb"), read_only=True)


def _counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT cell, window_start, window_len, issue_type, n FROM cell_counts "
        "WHERE resolution = 8 AND window_len IN ('1h', '1d') AND n > 0"
    ).df()


def _engine_windows(con: duckdb.DuckDBPyConnection, alerts: list[Alert]) -> pd.DataFrame:
    """One row per window of each engine alert (``alert_windows``), or the alert's own span."""
    try:
        frame = con.execute(
            "SELECT cluster_id AS episode, window_start, window_len, cells FROM alert_windows"
        ).df()
        frame["window_end"] = frame["window_start"] + pd.to_timedelta(
            frame["window_len"].map(window_length)
        )
        frame["cells"] = frame["cells"].map(lambda cs: tuple(h3.str_to_int(c) for c in cs))
    except duckdb.Error:
        frame = pd.DataFrame(
            {
                "episode": [a.cluster_id for a in alerts],
                "window_start": [a.start for a in alerts],
                "window_end": [a.end for a in alerts],
                "cells": [tuple(h3.str_to_int(c) for c in a.cells) for a in alerts],
            }
        )
    return frame


def _attach_windows(alerts: list[Alert], windows: pd.DataFrame) -> list[Alert]:
    by_id = {
        key: tuple(
            AlertWindow(r.window_start, r.window_end, frozenset(h3.int_to_str(c) for c in r.cells))
            for r in rows.itertuples()
        )
        for key, rows in windows.groupby("episode")
    }
    return [Alert(**{**a.__dict__, "windows": by_id.get(a.cluster_id, ())}) for a in alerts]


# --- judging --------------------------------------------------------------------------------


def _tally(
    windows: pd.DataFrame, truth: list, flagged: int | None = None, list_false: bool = False
) -> dict[str, Any]:
    """One detector at one threshold on one scenario.

    ``alerts``: the detector's alerts (episodes); ``true_alerts``: those with a window that
    matches a planted hotspot; ``false``: the windows matching nothing, grouped by the
    yardstick's linking (:func:`benchmarks.peer_alerts.link`), so that a false stretch chained
    to a true one still counts, and every detector's false alerts are counted alike;
    ``false_windows``: those windows one by one (cluster × window), immune to chaining.
    ``list_false`` keeps the ids of the alerts with no matching window (for the listings).
    """
    judged = judge_hotspot_windows(windows, truth)
    episodes = windows["episode"].to_numpy()
    false_windows = windows[~judged.matched]
    return {
        "flagged": flagged,
        "alerts": int(len(set(episodes))),
        "true_alerts": int(len(set(episodes[judged.matched]))),
        "false": int(len(set(link(false_windows)))) if len(false_windows) else 0,
        "false_windows": int(len(false_windows)),
        "events": {
            e.event_id: [
                bool(e.found),
                None if e.time_to_alert_h is None else round(float(e.time_to_alert_h), 2),
                bool(e.on_time),
            ]
            for e in judged.events
        },
    } | (
        {"false_episodes": sorted(str(e) for e in set(episodes) - set(episodes[judged.matched]))}
        if list_false
        else {}
    )


def _engine_tallies(alerts: list[Alert], windows: pd.DataFrame, truth: list) -> dict[str, Any]:
    hot = {a.cluster_id: a.score for a in alerts if a.kind == "hotspot"}
    hot_windows = windows[windows["episode"].isin(hot)]
    out = {}
    for floor in ENGINE_SCORE_FLOORS:
        kept = {k for k, s in hot.items() if s >= floor}
        chosen = hot_windows[hot_windows["episode"].isin(kept)]
        out[str(floor)] = _tally(chosen, truth, list_false=str(floor) == NOMINAL["engine"])
    return out


def _scored(frame: pd.DataFrame, first: dict[str, pd.Timestamp]) -> pd.Series:
    starts = frame["window_len"].map(lambda w: first[w] + BURN_IN)
    return frame["window_start"] >= starts


def _ears_rows(counts: pd.DataFrame, spatial: list[str], first: dict) -> pd.DataFrame:
    frames = []
    for window_len, step in (("1h", pd.Timedelta(hours=1)), ("1d", pd.Timedelta(days=1))):
        part = counts[(counts["window_len"] == window_len) & counts["issue_type"].isin(spatial)]
        part = part.assign(
            period=((part["window_start"] - first[window_len]) / step).round().astype(np.int64)
        )
        frames.append(peers.ears_c2(part))
    rows = pd.concat(frames, ignore_index=True)
    rows = rows[_scored(rows, first) & (rows["c2"] > min(EARS_THRESHOLDS))]
    return rows.rename(columns={"n": "observed", "mean": "expected", "c2": "score"})


def _gi_rows(counts: pd.DataFrame, spatial: list[str], first: dict) -> pd.DataFrame:
    area = peers.study_area(counts.loc[counts["window_len"] == "1h", "cell"].to_numpy(np.uint64))
    weights = peers.adjacency_with_self(area)
    part = counts[counts["issue_type"].isin(spatial)]
    part = part[_scored(part, first)].copy()
    keys = ["window_len", "window_start", "issue_type"]
    part["column"] = part.groupby(keys, sort=True).ngroup()
    tests = part.drop_duplicates("column").set_index("column")[keys]
    rows = peers.gi_star(part[["cell", "column", "n"]], area, weights)
    rows = rows[rows["log_q"] <= max(GI_LOG10_Q) * math.log(10)]
    rows = rows.join(tests, on="column")
    return rows.assign(score=rows["z"], expected=rows["local_sum"] - rows["observed"])


def _peer_tallies(rows: pd.DataFrame, truth: list, thresholds: Iterable, flagged) -> dict:
    out: dict[str, Any] = {}
    for threshold in thresholds:
        flags = rows[flagged(rows, threshold)]
        if len(flags) > MAX_FLAGS:
            out[f"{threshold:g}"] = {"saturated": True, "flagged": int(len(flags))}
            continue
        out[f"{threshold:g}"] = _tally(episodes_of(flags), truth, int(len(flags)))
    return out


def _peers(con: duckdb.DuckDBPyConnection, truth: list) -> dict[str, dict[str, Any]]:
    counts = _counts(con)
    first = counts.groupby("window_len")["window_start"].min().to_dict()
    spatial = eval_scenarios.spatial_codes()
    ears = _ears_rows(counts, spatial, first)
    gi = _gi_rows(counts, spatial, first)
    return {
        "ears_c2": _peer_tallies(ears, truth, EARS_THRESHOLDS, lambda r, h: r["score"] > h),
        "gi_star_bh": _peer_tallies(
            gi, truth, GI_LOG10_Q, lambda r, lq: r["log_q"] <= lq * math.log(10)
        ),
    }


# --- one scenario ---------------------------------------------------------------------------


def _engine_env(plan: EvalPlan, spec: eval_scenarios.Spec) -> dict[str, str]:
    env = {"HEATMAP_TIMEZONE": spec.timezone}
    if plan.engine_path is not None:
        env["PYTHONPATH"] = str(plan.engine_path)  # also set by measure.use_engine
    return env


def _engine_alerts(home: Path, logs: Path, env: dict, name: str = "alerts") -> list[Alert]:
    return [Alert.from_json(r) for r in measure.alerts(home, logs, name, env).json_output()]


def _other_kinds(alerts: list[Alert], truth: list) -> dict[str, Any]:
    """The engine's surges and data-quality alerts judged alert by alert."""
    outcome = evaluate([a for a in alerts if a.kind != "hotspot"], truth)
    out = {}
    for kind in ("surge", "data_quality"):
        events = [e for e in outcome.events if e.kind == kind]
        judged = [a for a in outcome.alerts if a.alert.kind == kind]
        out[kind] = {
            "planted": len(events),
            "found": sum(e.found for e in events),
            "time_to_alert_h": [
                round(e.time_to_alert_h, 2) for e in events if e.time_to_alert_h is not None
            ],
            "alerts": len(judged),
            "false": sum(a.is_false for a in judged),
            "false_listed": [describe_false(a.alert, truth) for a in judged if a.is_false],
        }
    return out


def run_scenario(spec: eval_scenarios.Spec, folder: Path, plan: EvalPlan, log) -> dict[str, Any]:
    """Generate, run the engine, run the peers, judge; the scenario's record."""
    began = time.perf_counter()
    written = eval_scenarios.write(spec, folder / "scenario")
    home, logs = folder / "home", folder / "logs"
    shutil.rmtree(home, ignore_errors=True)
    env = _engine_env(plan, spec)
    steps = {"generate": round(time.perf_counter() - began, 2)}
    steps["ingest"] = round(
        measure.ingest(home, written.csv, written.mapping, logs, env=env).wall_s, 2
    )
    if plan.engine_sweep is not None:
        shutil.copytree(home, folder / "home_ingested")
    steps["run"] = round(measure.run(home, logs, env=env).wall_s, 2)
    alerts = _engine_alerts(home, logs, env)
    began = time.perf_counter()
    with _snapshot(home) as con:
        windows = _engine_windows(con, alerts)
        alerts = _attach_windows(alerts, windows)
        results = {"engine": _engine_tallies(alerts, windows, written.truth)}
        if plan.with_peers:
            results |= _peers(con, written.truth)
    steps["peers_and_judging"] = round(time.perf_counter() - began, 2)
    if plan.engine_sweep is not None:
        results["engine_knob"] = _knob_sweep(plan, spec, folder, written.truth)
    hot_alerts = {a.cluster_id: a for a in alerts if a.kind == "hotspot"}
    nominal = results["engine"][NOMINAL["engine"]]
    record = {
        "name": spec.name,
        "city": spec.city,
        "seed_set": spec.seed_set,
        "seed": spec.seed,
        "null": spec.null,
        "per_day": spec.config.per_day,
        "rows": written.rows,
        "steps_s": steps,
        "events": {
            eid: meta | {"visibility": written.visibility.get(eid)}
            for eid, meta in spec.events.items()
        },
        "truth": [e.to_json() | {"cells": len(e.cells)} for e in written.truth],
        "results": results,
        "engine_other": _other_kinds(alerts, written.truth),
        "engine_false_hotspots": [
            describe_false(hot_alerts[e], written.truth) for e in nominal["false_episodes"]
        ],
    }
    log(
        f"{spec.name}: {written.rows:,} rows, engine {nominal['alerts']} hotspot alerts "
        f"({nominal['false']} false), steps {steps}"
    )
    return record


def _knob_sweep(plan: EvalPlan, spec, folder: Path, truth: list) -> dict[str, Any]:
    """The engine rerun with each value of an environment knob on a copy of the ingested home."""
    assert plan.engine_sweep is not None
    var, values = plan.engine_sweep
    out = {}
    for value in values:
        home = folder / f"home_{var}_{value}"
        shutil.rmtree(home, ignore_errors=True)
        shutil.copytree(folder / "home_ingested", home)
        env = _engine_env(plan, spec) | {var: value}
        logs = folder / "logs"
        measure.run(home, logs, name=f"run_{var}_{value}", env=env)
        alerts = _engine_alerts(home, logs, env, name=f"alerts_{var}_{value}")
        with _snapshot(home) as con:
            windows = _engine_windows(con, alerts)
        hot = {a.cluster_id for a in alerts if a.kind == "hotspot"}
        out[f"{var}={value}"] = _tally(windows[windows["episode"].isin(hot)], truth)
        shutil.rmtree(home, ignore_errors=True)
    return out


# --- summaries ------------------------------------------------------------------------------


def summarise(records: list[dict], detector: str, threshold: str) -> dict[str, Any]:
    """One detector at one threshold over a group of scenario records."""
    planted = [r for r in records if not r["null"]]
    null = [r for r in records if r["null"]]
    tallies = [r["results"][detector][threshold] for r in records]
    weeks = _scored_weeks()

    def rate(k: float, scenarios: int) -> float | None:
        return round(k / (weeks * scenarios), 3) if scenarios else None

    flagged = [t.get("flagged") for t in tallies]
    head = {
        "detector": detector,
        "threshold": threshold,
        "flagged_per_scored_week": (
            rate(sum(flagged), len(records)) if None not in flagged else None
        ),
    }
    if any(t.get("saturated") for t in tallies):
        return head | {"saturated": True}
    outcomes, visible = [], []
    for r in planted:
        for eid, (found, tta, on_time) in r["results"][detector][threshold]["events"].items():
            outcomes.append((found, tta, on_time))
            seen = (r["events"].get(eid) or {}).get("visibility") or {}
            visible.append(seen.get("first_hours", 0) >= VISIBLE_ON_TIME)
    n = len(outcomes)
    found = sum(o[0] for o in outcomes)
    on_time = sum(o[2] for o in outcomes)
    n_visible = sum(visible)
    on_time_visible = sum(o[2] for o, v in zip(outcomes, visible, strict=True) if v)
    ttas = [o[1] for o in outcomes if o[0]]
    planted_tallies = [r["results"][detector][threshold] for r in planted]
    true_alerts = sum(t["true_alerts"] for t in planted_tallies)
    false_planted = sum(t["false"] for t in planted_tallies)
    false_null = sum(r["results"][detector][threshold]["false"] for r in null)
    false_windows = sum(t["false_windows"] for t in tallies)
    return head | {
        "saturated": False,
        "planted_hotspots": n,
        "found": found,
        "on_time": on_time,
        "recall": round(found / n, 3) if n else None,
        "recall_on_time": round(on_time / n, 3) if n else None,
        "visible_on_time": n_visible,
        "recall_on_time_visible": round(on_time_visible / n_visible, 3) if n_visible else None,
        "alerts_planted": sum(t["alerts"] for t in planted_tallies),
        "true_alerts": true_alerts,
        "false_planted": false_planted,
        "precision": (
            round(true_alerts / (true_alerts + false_planted), 3)
            if true_alerts + false_planted
            else None
        ),
        "false_null": false_null,
        "false_per_scored_week_null": rate(false_null, len(null)),
        "false_per_scored_week_all": rate(false_planted + false_null, len(records)),
        "false_windows_per_scored_week_all": rate(false_windows, len(records)),
        "median_time_to_alert_h": round(statistics.median(ttas), 2) if ttas else None,
    }


def thresholds_of(records: list[dict], detector: str) -> list[str]:
    return list(records[0]["results"][detector]) if records else []


def at_equal_false_rate(records: list[dict], detector: str, target: float) -> dict[str, Any]:
    """The detector's best recall with false alerts per scored week at most ``target``.

    Best = the most planted hotspots found at any delay, then the most on time. When no swept
    threshold is that quiet, the quietest one is given, marked ``within_target: False``.
    """
    curve = [summarise(records, detector, t) for t in thresholds_of(records, detector)]
    curve = [s for s in curve if not s["saturated"]]
    if not curve:
        return {"detector": detector, "within_target": False, "saturated": True}
    within = [s for s in curve if (s["false_per_scored_week_all"] or 0) <= target + 1e-9]
    if not within:
        quietest = min(curve, key=lambda s: s["false_per_scored_week_all"] or 0)
        return quietest | {"within_target": False}
    best = max(within, key=lambda s: (s["recall"] or 0, s["recall_on_time"] or 0))
    return best | {"within_target": True}


def _groups(records: list[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for r in records:
        groups.setdefault(f"{r['seed_set']}/{r['city']}", []).append(r)
        groups.setdefault(f"{r['seed_set']}/both", []).append(r)
    return groups


def _strata(records: list[dict], choice: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Recall by shape, intensity tier and duration, each detector at its chosen threshold."""
    rows: dict[str, dict[str, list[int]]] = {}
    for r in records:
        if r["null"]:
            continue
        group = f"{r['seed_set']}/{r['city']}"
        for eid, meta in r["events"].items():
            if "shape" not in meta:
                continue
            keys = [
                f"shape: {meta['shape']}",
                f"intensity: {meta['tier']}",
                f"duration: {'1–3 h' if meta['duration_h'] <= 3 else '3–12 h'}",
            ]
            for detector, threshold in choice.get(group, {}).items():
                found, _, on_time = r["results"][detector][threshold]["events"][eid]
                for key in keys:
                    cell = rows.setdefault(key, {}).setdefault(detector, [0, 0, 0])
                    cell[0] += 1
                    cell[1] += found
                    cell[2] += on_time
    return dict(sorted(rows.items()))


def _misses(records: list[dict]) -> list[dict[str, Any]]:
    """The engine's missed and late hotspots on seen seeds, with what made each hard."""
    listed = []
    for r in records:
        if r["null"] or r["seed_set"] != "seen":
            continue
        tally = r["results"]["engine"][NOMINAL["engine"]]
        for eid, (found, tta, on_time) in tally["events"].items():
            if on_time:
                continue
            meta = r["events"][eid]
            listed.append(
                {
                    "scenario": r["name"],
                    "event": eid,
                    "outcome": f"late ({tta} h)" if found else "missed",
                    "n": meta["n"],
                    "cells": meta["affected_cells"],
                    "hours": meta["duration_h"],
                    "ramp_min": meta["ramp_min"],
                    "lambda": meta["lambda"],
                    "peak_first_2h": meta["visibility"]["first_hours"],
                    "peak_cell_hour": meta["visibility"]["cell_hour"],
                    "peak_cell_day": meta["visibility"]["cell_day"],
                    "start": meta["start"],
                    "ears_c2": _peer_word(r, "ears_c2", eid),
                    "gi_star_bh": _peer_word(r, "gi_star_bh", eid),
                }
            )
    return listed


def _peer_word(record: dict, detector: str, eid: str) -> str:
    if detector not in record["results"]:
        return "n/a"
    tally = record["results"][detector][NOMINAL[detector]]
    if tally.get("saturated"):
        return "saturated"
    found, tta, on_time = tally["events"][eid]
    return "on time" if on_time else f"late ({tta} h)" if found else "missed"


def summary(records: list[dict]) -> dict[str, Any]:
    """Every figure the report shows, from the scenario records."""
    detectors = [d for d in DETECTORS if records and d in records[0]["results"]]
    groups = _groups(records)
    table, equal, curves, choice, other, floors = {}, {}, {}, {}, {}, {}
    for name, group in groups.items():
        table[name] = {d: summarise(group, d, NOMINAL[d]) for d in detectors}
        target = table[name]["engine"]["false_per_scored_week_all"] or 0.0
        equal[name] = {d: at_equal_false_rate(group, d, target) for d in detectors if d != "engine"}
        choice[name] = {"engine": NOMINAL["engine"]} | {
            d: e["threshold"] for d, e in equal[name].items() if "threshold" in e
        }
        other[name] = _other_summary(group)
        floors[name] = _floors(group)
        if name.endswith("/both"):
            curves[name] = {
                d: [summarise(group, d, t) for t in thresholds_of(group, d)] for d in detectors
            }
            if "engine_knob" in group[0]["results"]:
                curves[name]["engine_knob"] = [
                    summarise(group, "engine_knob", t) for t in thresholds_of(group, "engine_knob")
                ]
    return {
        "table": table,
        "equal_false_rate": equal,
        "curves": curves,
        "strata": _strata(records, choice),
        "strata_thresholds": choice,
        "engine_other_kinds": other,
        "floors": floors,
        "engine_misses_seen": _misses(records),
        "engine_false_hotspots_seen": [
            a | {"scenario": r["name"]}
            for r in records
            if r["seed_set"] == "seen"
            for a in r["engine_false_hotspots"]
        ],
        "engine_false_other_seen": [
            a | {"scenario": r["name"]}
            for r in records
            if r["seed_set"] == "seen"
            for kind in ("surge", "data_quality")
            for a in r["engine_other"][kind]["false_listed"]
        ],
    }


def _floors(group: list[dict]) -> dict[str, Any]:
    """How soon the planted hotspots' own calls let any cell-level detector know them.

    ``floor_h`` per event (:func:`eval_scenarios.visibility`): the hours to its third call in
    one cell; an event no cell sees three calls of is never visible (an infinite floor).
    """
    floors = [
        math.inf if (h := ((meta.get("visibility") or {}).get("floor_h"))) is None else h
        for r in group
        if not r["null"]
        for meta in r["events"].values()
        if meta.get("visibility")
    ]
    median = statistics.median(floors) if floors else None
    return {
        "events": len(floors),
        "within_hour": sum(h <= 1 for h in floors),
        "median_h": round(median, 2) if median is not None and math.isfinite(median) else None,
        "never": sum(math.isinf(h) for h in floors),
    }


def _other_summary(group: list[dict]) -> dict[str, Any]:
    out = {}
    weeks = _scored_weeks()
    for kind in ("surge", "data_quality"):
        parts = [r["engine_other"][kind] for r in group]
        planted = sum(p["planted"] for p in parts)
        alerts = sum(p["alerts"] for p in parts if True)
        false = sum(p["false"] for p in parts)
        null_false = sum(r["engine_other"][kind]["false"] for r in group if r["null"])
        ttas = [t for p in parts for t in p["time_to_alert_h"]]
        out[kind] = {
            "planted": planted,
            "found": sum(p["found"] for p in parts),
            "alerts": alerts,
            "false": false,
            "precision": round(1 - false / alerts, 3) if alerts else None,
            "false_per_scored_week_null": round(
                null_false / (weeks * max(1, sum(r["null"] for r in group))), 3
            ),
            "median_time_to_alert_h": round(statistics.median(ttas), 2) if ttas else None,
        }
    return out


def run_evaluation(plan: EvalPlan, work_dir: Path, log) -> dict[str, Any]:
    """Every scenario of the plan, then the summaries."""
    began = time.perf_counter()
    records = []
    specs = plan.scenarios()
    log(f"detection: {len(specs)} scenarios")
    for spec in specs:
        records.append(run_scenario(spec, work_dir / spec.name, plan, log))
    return {
        "plan": {
            "seed_sets": list(plan.seed_sets),
            "cities": list(plan.cities),
            "planted_per_set_and_city": plan.planted,
            "nulls_per_set_and_city": plan.nulls,
            "days": eval_scenarios.DAYS,
            "scored_weeks_per_scenario": round(_scored_weeks(), 2),
            "seeds": {r["name"]: r["seed"] for r in records},
            "engine_path": str(plan.engine_path) if plan.engine_path else None,
            "engine_sweep": list(plan.engine_sweep) if plan.engine_sweep else None,
            "nominal_thresholds": NOMINAL,
            "peers": {
                "ears_sd_floor": peers.SD_FLOOR,
                "ears_baseline": peers.EARS_BASELINE,
                "ears_guard": peers.EARS_GUARD,
                "gi_q": peers.GI_Q,
            },
        },
        "wall_s": round(time.perf_counter() - began, 1),
        "summary": summary(records),
        "scenarios": records,
    }
