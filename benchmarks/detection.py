"""Detection quality: recall, precision, delay and false alerts against planted truth.

Each seed writes a fresh scenario with the generator's default events (placed where and when
the generator puts them; only the random draws change with the seed), runs it through the CLI
and matches ``heatmap alerts --all --format json`` to the truth (:mod:`benchmarks.matching`).
Null seeds generate the same city with no events at all: every alert there is false.

False alerts are counted per week of data and per week of *scored* data: the engine judges no
window in its first ``RunSettings.burn_in`` (7 days), so a 21-day scenario has 2 scored weeks.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import measure
from benchmarks.matching import KINDS, Alert, describe_false, evaluate
from benchmarks.scenarios import write
from geo_fixtures.scenario import ScenarioConfig
from pipelines.run import RunSettings

ON_TIME_H = 1.0  # "within one window of their start": one hourly window


@dataclass(frozen=True)
class DetectionPlan:
    """Which seeds to run, and the size of each scenario."""

    seeds: tuple[int, ...] = (101, 102, 103, 104, 105)
    null_seeds: tuple[int, ...] = (201, 202)
    days: int = 21
    per_day: int = 3_000

    def weeks(self) -> tuple[float, float]:
        """Weeks of data and weeks of scored data, per scenario."""
        burn_in_days = RunSettings().burn_in.total_seconds() / 86400
        return self.days / 7, (self.days - burn_in_days) / 7


def _alerts_of(config: ScenarioConfig, folder: Path) -> tuple[list[Alert], Any]:
    """Write, ingest, run; the alerts ever raised and the scenario's truth."""
    scenario = write(config, folder / "scenario")
    home, logs = folder / "home", folder / "logs"
    measure.ingest(home, scenario.csv, scenario.mapping, logs)
    measure.run(home, logs)
    records = measure.alerts(home, logs).json_output()
    return [Alert.from_json(r) for r in records], scenario.truth


def _rate(n: int, weeks: float) -> float:
    return round(n / weeks, 2) if weeks > 0 else float("nan")


def _delay_summary(delays: list[float]) -> dict[str, Any]:
    if not delays:
        return {"n": 0}
    return {
        "n": len(delays),
        "median_h": round(statistics.median(delays), 2),
        "min_h": round(min(delays), 2),
        "max_h": round(max(delays), 2),
        "within_one_window": sum(d <= ON_TIME_H for d in delays),
    }


def _planted(plan: DetectionPlan, work_dir: Path, log: measure.Log) -> dict[str, Any]:
    data_weeks, scored_weeks = plan.weeks()
    per_event: dict[str, dict[str, Any]] = {}
    alerts_by_kind: Counter[str] = Counter()
    matched_by_kind: Counter[str] = Counter()
    false_alerts: list[dict[str, Any]] = []
    per_seed = []
    for seed in plan.seeds:
        config = ScenarioConfig(seed=seed, days=plan.days, per_day=plan.per_day)
        alerts, truth = _alerts_of(config, work_dir / f"seed{seed}")
        outcome = evaluate(alerts, truth)
        for event in outcome.events:
            record = per_event.setdefault(
                event.event_id, {"kind": event.kind, "found": 0, "runs": 0, "delays_h": []}
            )
            record["runs"] += 1
            record["found"] += event.found
            if event.found and event.kind != "data_quality":
                record["delays_h"].append(round(event.delay_h or 0.0, 2))
        for judged in outcome.alerts:
            alerts_by_kind[judged.alert.kind] += 1
            matched_by_kind[judged.alert.kind] += not judged.is_false
        false_here = [
            describe_false(a.alert, truth) | {"seed": seed} for a in outcome.false_alerts()
        ]
        false_alerts += false_here
        per_seed.append(
            {
                "seed": seed,
                "alerts": dict(Counter(a.kind for a in alerts)),
                "found": sum(e.found for e in outcome.events),
                "false": len(false_here),
            }
        )
        log(f"detection seed {seed}: {len(alerts)} alerts, {len(false_here)} unmatched")
    by_kind = {}
    for kind in KINDS:
        events = [e for e in per_event.values() if e["kind"] == kind]
        planted = sum(e["runs"] for e in events)
        n_false = alerts_by_kind[kind] - matched_by_kind[kind]
        by_kind[kind] = {
            "planted": planted,
            "found": sum(e["found"] for e in events),
            "recall": round(sum(e["found"] for e in events) / planted, 3) if planted else None,
            "alerts": alerts_by_kind[kind],
            "matched_alerts": matched_by_kind[kind],
            "precision": (
                round(matched_by_kind[kind] / alerts_by_kind[kind], 3)
                if alerts_by_kind[kind]
                else None
            ),
            "false_alerts": n_false,
            "false_per_week": _rate(n_false, data_weeks * len(plan.seeds)),
            "false_per_scored_week": _rate(n_false, scored_weeks * len(plan.seeds)),
            "delay": _delay_summary([d for e in events for d in e["delays_h"]]),
        }
    return {
        "by_kind": by_kind,
        "by_event": per_event,
        "per_seed": per_seed,
        "false_alerts": false_alerts,
    }


def _null(plan: DetectionPlan, work_dir: Path, log: measure.Log) -> dict[str, Any]:
    data_weeks, scored_weeks = plan.weeks()
    counts: Counter[str] = Counter()
    listed: list[dict[str, Any]] = []
    for seed in plan.null_seeds:
        config = ScenarioConfig(seed=seed, days=plan.days, per_day=plan.per_day, events=())
        alerts, _ = _alerts_of(config, work_dir / f"null{seed}")
        counts.update(a.kind for a in alerts)
        listed += [describe_false(a, []) | {"seed": seed} for a in alerts]
        log(f"null seed {seed}: {len(alerts)} alerts (all false)")
    runs = len(plan.null_seeds)
    return {
        "false_by_kind": {
            kind: {
                "n": counts[kind],
                "per_week": _rate(counts[kind], data_weeks * runs),
                "per_scored_week": _rate(counts[kind], scored_weeks * runs),
            }
            for kind in KINDS
        },
        "alerts": listed,
    }


def run_detection(plan: DetectionPlan, work_dir: Path, log: measure.Log) -> dict[str, Any]:
    """The planted-event seeds and the null seeds, with what the figures are relative to."""
    data_weeks, scored_weeks = plan.weeks()
    return {
        "plan": {
            "seeds": list(plan.seeds),
            "null_seeds": list(plan.null_seeds),
            "days": plan.days,
            "per_day": plan.per_day,
            "weeks_per_scenario": round(data_weeks, 2),
            "scored_weeks_per_scenario": round(scored_weeks, 2),
            "on_time_h": ON_TIME_H,
        },
        "planted": _planted(plan, work_dir, log),
        "null": _null(plan, work_dir, log),
    }
