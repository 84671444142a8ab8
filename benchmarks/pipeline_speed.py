"""Pipeline speed: ingest, run and alerts through the CLI, at two sizes, plus an incremental run.

For each case a seeded scenario is written (not timed as part of the pipeline), then ingested
into a fresh home, run, and its alerts read back from the published snapshot, ``repeats``
times (figures: median, with min–max). On the last home a further batch of the following day is
ingested and the pipeline run again: the incremental figures.
"""

from __future__ import annotations

import shutil
import statistics
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import measure
from benchmarks.matching import Alert, describe_false, evaluate
from benchmarks.scenarios import WrittenScenario, following_batch, write
from geo_fixtures.scenario import ScenarioConfig
from heatmap.home import Home
from heatmap.published_parts import read_manifest
from heatmap.store import current_snapshot

BATCH_ROWS = 10_000
BATCH_SEED = 4242


@dataclass(frozen=True)
class SpeedCase:
    """One scenario size, and how many times its full pipeline is measured."""

    name: str
    days: int
    per_day: int
    repeats: int

    def config(self) -> ScenarioConfig:
        return ScenarioConfig(days=self.days, per_day=self.per_day)


DEFAULT_CASES = (
    SpeedCase("default 87k", days=28, per_day=3_000, repeats=3),
    SpeedCase("1M", days=28, per_day=36_000, repeats=1),
)


def _stats(steps: list[measure.Step]) -> dict[str, float]:
    """Median wall time with its range, and the highest peak RSS, over repeats of one step."""
    walls = [s.wall_s for s in steps]
    return {
        "wall_s": round(statistics.median(walls), 3),
        "wall_min_s": round(min(walls), 3),
        "wall_max_s": round(max(walls), 3),
        "cpu_s": round(statistics.median(s.user_s + s.sys_s for s in steps), 3),
        "peak_rss_mib": round(max(s.peak_rss_mib for s in steps), 1),
    }


def _checked_ingest(home: Path, scenario: WrittenScenario, logs: Path, name: str) -> measure.Step:
    step = measure.ingest(home, scenario.csv, scenario.mapping, logs, name)
    summary = step.json_output()
    if summary["rows_read"] != scenario.rows or summary["accepted"] != scenario.rows:
        raise measure.BenchmarkError(f"{name}: expected {scenario.rows} rows accepted: {summary}")
    return step


def _baseline(scenario: WrittenScenario, logs: Path) -> measure.Step:
    """The pandas + h3-py loop + groupby pipeline (:mod:`benchmarks.baseline`) on the same CSV."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.baseline",
        str(scenario.csv),
        str(scenario.mapping),
    ]
    step = measure.run_step("baseline", command, logs)
    if step.json_output()["rows"] != scenario.rows:
        raise measure.BenchmarkError(f"the baseline did not count {scenario.rows} rows")
    return step


def _mib(path: Path) -> float:
    return round(path.resolve().stat().st_size / 1024**2, 1)


def _snapshot_mib(home: Home) -> float:
    """The current snapshot with the Parquet parts it reads."""
    snapshot = current_snapshot(home)
    parts = sum(Path(p.path).stat().st_size for p in read_manifest(snapshot))
    return round((snapshot.stat().st_size + parts) / 1024**2, 1)


def run_case(
    case: SpeedCase, work_dir: Path, batch: WrittenScenario, log: measure.Log
) -> dict[str, Any]:
    """Measure ``case`` in ``work_dir``; ``log`` receives one progress line per step."""
    folder = work_dir / case.name.replace(" ", "_")
    logs = folder / "logs"
    scenario = write(case.config(), folder / "scenario")
    log(f"{case.name}: {scenario.rows:,} rows generated in {scenario.generation_s:.1f} s")
    steps: dict[str, list[measure.Step]] = {"ingest": [], "run": [], "alerts": []}
    home = folder / "home"
    last_alerts: list[Alert] = []
    for repeat in range(case.repeats):
        shutil.rmtree(home, ignore_errors=True)
        steps["ingest"].append(_checked_ingest(home, scenario, logs, f"ingest{repeat}"))
        steps["run"].append(measure.run(home, logs, f"run{repeat}"))
        steps["alerts"].append(measure.alerts(home, logs, f"alerts{repeat}"))
        last_alerts = [Alert.from_json(a) for a in steps["alerts"][-1].json_output()]
        log(
            f"{case.name} #{repeat + 1}: ingest {steps['ingest'][-1].wall_s:.2f} s, "
            f"run {steps['run'][-1].wall_s:.2f} s, alerts {steps['alerts'][-1].wall_s:.2f} s"
        )
    store_mib, snapshot_mib = _mib(home / "engine.duckdb"), _snapshot_mib(Home(home))
    baseline = _baseline(scenario, logs)
    log(f"{case.name} pandas + h3-py baseline: {baseline.wall_s:.2f} s")
    outcome = evaluate(last_alerts, scenario.truth)

    inc_ingest = _checked_ingest(home, batch, logs, "incremental_ingest")
    inc_run = measure.run(home, logs, "incremental_run")
    inc_alerts = measure.alerts(home, logs, "incremental_alerts")
    log(f"{case.name} incremental: ingest {inc_ingest.wall_s:.2f} s, run {inc_run.wall_s:.2f} s")
    ingest_wall = statistics.median(s.wall_s for s in steps["ingest"])
    full = [i.wall_s + r.wall_s for i, r in zip(steps["ingest"], steps["run"], strict=True)]
    return {
        "case": case.name,
        "days": case.days,
        "per_day": case.per_day,
        "rows": scenario.rows,
        "csv_mib": round(scenario.csv_mib, 1),
        "generation_s": round(scenario.generation_s, 2),
        "repeats": case.repeats,
        "steps": {name: _stats(measured) for name, measured in steps.items()},
        "ingest_rows_per_s": round(scenario.rows / ingest_wall),
        "ingest_plus_run_s": round(statistics.median(full), 3),
        "baseline": {**baseline.as_dict(), **baseline.json_output()},
        "baseline_over_engine": round(baseline.wall_s / statistics.median(full), 2),
        "store_mib": store_mib,
        "snapshot_mib": snapshot_mib,
        "alerts_raised": dict(Counter(a.kind for a in last_alerts)),
        "alerts_unmatched": dict(Counter(a.alert.kind for a in outcome.false_alerts())),
        "events_found": f"{sum(e.found for e in outcome.events)}/{len(outcome.events)}",
        "false_alerts": [describe_false(a.alert, scenario.truth) for a in outcome.false_alerts()],
        "incremental": {
            "history_rows": scenario.rows,
            "batch_rows": batch.rows,
            "ingest": inc_ingest.as_dict(),
            "run": inc_run.as_dict(),
            "alerts": inc_alerts.as_dict(),
            "ingest_plus_run_s": round(inc_ingest.wall_s + inc_run.wall_s, 3),
        },
    }


def run_speed(work_dir: Path, cases: tuple[SpeedCase, ...], log: measure.Log) -> dict[str, Any]:
    """Every case, the shared incremental batch, and the fixed start-up cost of a job."""
    base = cases[0].config()
    batch = write(following_batch(base, BATCH_ROWS, BATCH_SEED), work_dir / "batch", "INC")
    log(f"incremental batch: {batch.rows:,} rows of the day after {base.end:%Y-%m-%d %H:%M}")
    startup = {
        command: _stats([measure.startup(command, work_dir / "logs") for _ in range(3)])
        for command in measure.JOB_IMPORTS
    }
    return {
        "startup": startup,
        "cases": [run_case(case, work_dir, batch, log) for case in cases],
    }
