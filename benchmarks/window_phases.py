"""What windows starting every quarter hour would buy: the engine's clock hours at four phases.

The engine judges a clock hour at its end, so an event that starts at 19:40 waits for 20:00 or
21:00 however loud it is. Windows that start every 15 minutes would judge one every quarter
hour. This study measures the most they could gain without building them: each scenario of the
evaluation is run four times, its complaints moved 0, 15, 30 and 45 minutes earlier (the
engine's clock hours then cover the original's hours starting at :00, :15, :30 and :45), and
each event's time to alert is the earliest over the four runs, judged against its truth moved
the same. That is an upper bound on the gain: the four runs' false alarms add up, where one
engine judging four times as many windows would share its false-alarm rate among them and
flag a little less.

Run it with ``python -m benchmarks.window_phases`` (about 8 minutes on 2 cores for the fresh
seeds, no peers); it prints a JSON summary (per phase and their union: the median time to alert
of the planted hotspots, how many are known within an hour, the false alerts) and writes it to
``--out`` if given.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks import boston, eval_scenarios, measure
from benchmarks.detection_eval import (
    NOMINAL,
    EvalPlan,
    _attach_windows,
    _engine_alerts,
    _engine_env,
    _engine_tallies,
    _engine_windows,
    _snapshot,
)
from geo_fixtures.scenario import export_columns

PHASE_MINUTES = (0, 15, 30, 45)


def move_earlier(csv: Path, city: str, minutes: int) -> int:
    """Move every parseable report time of a scenario's export ``minutes`` earlier, in place;
    the rows whose time does not parse (the planted bad rows) are left as they are and counted.
    """
    if city == "beijing":
        column, fmt = export_columns()["reported_at"], "%Y-%m-%d %H:%M:%S"
    else:
        column, fmt = boston.COLUMNS["reported_at"], boston.TIMESTAMP_FORMAT
    try:
        csv.read_bytes().decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = "gb18030"
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding=encoding)
    times = pd.to_datetime(frame[column], format=fmt, errors="coerce")
    parsed = times.notna()
    moved = times[parsed] - pd.Timedelta(minutes=minutes)
    frame.loc[parsed, column] = moved.dt.strftime(fmt)
    frame.to_csv(csv, index=False, encoding=encoding)
    return int((~parsed).sum())


def run_phase(spec: eval_scenarios.Spec, folder: Path, minutes: int) -> dict[str, Any]:
    """The engine on ``spec`` moved ``minutes`` earlier: per hotspot [found, hours to alert]."""
    shutil.rmtree(folder, ignore_errors=True)
    written = eval_scenarios.write(spec, folder / "scenario")
    unparsed = move_earlier(written.csv, spec.city, minutes)
    shift = pd.Timedelta(minutes=minutes)
    truth = [
        dataclasses.replace(e, start=e.start - shift, end=e.end - shift) for e in written.truth
    ]
    home, logs = folder / "home", folder / "logs"
    env = _engine_env(EvalPlan(with_peers=False), spec)
    measure.ingest(home, written.csv, written.mapping, logs, env=env)
    measure.run(home, logs, env=env)
    alerts = _engine_alerts(home, logs, env)
    with _snapshot(home) as con:
        windows = _engine_windows(con, alerts)
        tally = _engine_tallies(_attach_windows(alerts, windows), windows, truth)[NOMINAL["engine"]]
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "null": spec.null,
        "unparsed": unparsed,
        "false": tally["false"],
        "events": {eid: [found, tta] for eid, (found, tta, _) in tally["events"].items()},
    }


def summarise(runs: dict[int, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Per phase and for the earliest of all phases: the planted hotspots' median hours to
    alert (an event not found counts as never), how many are known within an hour, and the
    false alerts (the union's are the sum over the phases)."""

    def hours(run: dict[str, Any], eid: str) -> float:
        found, tta = run["events"][eid]
        return tta if found and tta is not None else math.inf

    first = next(iter(runs.values()))
    events = [(name, eid) for name, run in first.items() for eid in run["events"]]

    def figures(times: list[float], false: int, false_null: int) -> dict[str, Any]:
        median = statistics.median(times) if times else math.inf
        return {
            "median_h": round(median, 2) if math.isfinite(median) else None,
            "within_hour": sum(t <= 1 for t in times),
            "false": false,
            "false_null": false_null,
        }

    out: dict[str, Any] = {"events": len(events), "phases": {}}
    for minutes, run in runs.items():
        out["phases"][str(minutes)] = figures(
            [hours(run[name], eid) for name, eid in events],
            sum(r["false"] for r in run.values()),
            sum(r["false"] for r in run.values() if r["null"]),
        )
    out["earliest"] = figures(
        [min(hours(run[name], eid) for run in runs.values()) for name, eid in events],
        sum(p["false"] for p in out["phases"].values()),
        sum(p["false_null"] for p in out["phases"].values()),
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.window_phases", description=__doc__)
    parser.add_argument("--sets", default="fresh", help="seed sets, comma-separated")
    parser.add_argument("--planted", type=int, default=6)
    parser.add_argument("--nulls", type=int, default=2)
    parser.add_argument("--out", type=Path, help="also write the summary here")
    args = parser.parse_args(argv)
    specs = eval_scenarios.plan(
        tuple(args.sets.split(",")), ("beijing", "boston"), args.planted, args.nulls
    )
    runs: dict[int, dict[str, dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="heatmap-phases-") as work:
        for minutes in PHASE_MINUTES:
            runs[minutes] = {
                spec.name: run_phase(spec, Path(work) / f"{minutes}-{spec.name}", minutes)
                for spec in specs
            }
            print(f"phase +{minutes} min: {len(specs)} scenarios run", file=sys.stderr)
    summary = summarise(runs) | {"seed_sets": args.sets, "runs": runs}
    text = json.dumps(summary, indent=1)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in summary.items() if k != "runs"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
