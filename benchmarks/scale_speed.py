"""Telecom scale: a year of complaints from CSV to published alerts, and a batch on top of it.

The export is :func:`benchmarks.ingest_speed.write_export`'s (Chinese columns, GCJ-02, about
1% bad rows) spread over 365 days: 10 M rows by default, about 27,000 complaints a day. Then,
each step a ``heatmap`` command in its own process (:mod:`benchmarks.measure`: wall time with
start-up, CPU seconds, the step's own peak RSS):

1. ``heatmap ingest`` of the year into a fresh home, ``heatmap run`` (aggregation, scoring,
   clusters, surges, publication) and ``heatmap alerts --all``;
2. the straightforward pipeline (:mod:`benchmarks.baseline`: pandas ``read_csv``, an h3-py loop,
   ``groupby``; counts only) on the same file, in the same run;
3. the incremental batch: 10,000 complaints of the day after the year, ingested and run on
   top of it (``heatmap ingest`` and ``heatmap run``, each paying its start-up, as from cron);
4. the same in a running scheduler (:mod:`benchmarks.warm_tick`): a tick on the next day's
   batch warms a process, and ticks on each of the three days after are timed (the figure is
   their median); ``heatmap schedule`` pays its imports and indexes once, not per batch.

Run ``python -m benchmarks.scale_speed`` (about 15 minutes on 2 cores at 10 M rows; ``--rows``
for a smaller year), or ``python -m benchmarks --only scale``; or call :func:`run`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

from benchmarks import measure
from benchmarks.ingest_speed import write_export

DEFAULT_ROWS = 10_000_000
DAYS = 365
YEAR_START = "2025-11-21 00:00:00"
BATCH_START = "2026-11-21 00:00:00"  # the day after the year
# the scheduler's batches: one to warm its process, then three timed ticks (their median)
TICK_STARTS = (
    "2026-11-22 00:00:00",
    "2026-11-23 00:00:00",
    "2026-11-24 00:00:00",
    "2026-11-25 00:00:00",
)
BATCH_ROWS = 10_000
TARGETS = {"end_to_end_s": 15.0, "peak_rss_mib": 4096, "baseline_ratio": 3.0, "incremental_s": 2.0}


def _checked(step: measure.Step, rows: int) -> dict[str, Any]:
    summary = step.json_output()
    if summary["rows_read"] != rows or summary["duplicates"]:
        raise measure.BenchmarkError(f"{step.name} did not read {rows:,} new rows: {summary}")
    return summary


def run(work_dir: Path, rows: int = DEFAULT_ROWS, log: measure.Log = print) -> dict[str, Any]:
    """Write the year and the batch, measure every step; the figures as a dict."""
    work_dir.mkdir(parents=True, exist_ok=True)
    logs = work_dir / "logs"
    year, batch = work_dir / f"year-{rows}.csv", work_dir / "batch.csv"
    log(f"writing a {rows:,}-row export over {DAYS} days to {year}")
    export = write_export(year, rows, days=DAYS, start=YEAR_START)
    facts = write_export(batch, BATCH_ROWS, seed=4242, days=1, start=BATCH_START, id_prefix="INC")
    ticks = [work_dir / f"tick-{n}.csv" for n in range(len(TICK_STARTS))]
    for n, (path, start) in enumerate(zip(ticks, TICK_STARTS, strict=True)):
        write_export(path, BATCH_ROWS, seed=4343 + n, days=1, start=start, id_prefix=f"TICK{n}")
    log(f"written: {export['size_mib']} MiB in {export['generate_s']} s (not timed below)")

    home = work_dir / "home"
    shutil.rmtree(home, ignore_errors=True)
    ingest = measure.ingest(home, year, year.with_suffix(".toml"), logs, "year_ingest")
    summary = _checked(ingest, rows)
    log(f"ingest {ingest.wall_s:.1f} s, peak {ingest.peak_rss_mib:.0f} MiB")
    full_run = measure.run(home, logs, "year_run")
    log(f"run {full_run.wall_s:.1f} s, peak {full_run.peak_rss_mib:.0f} MiB")
    alerts = measure.alerts(home, logs, "year_alerts")
    kinds: dict[str, int] = {}
    for alert in alerts.json_output():
        kinds[alert["kind"]] = kinds.get(alert["kind"], 0) + 1

    baseline = measure.run_step(
        "baseline",
        [sys.executable, "-m", "benchmarks.baseline", str(year), str(year.with_suffix(".toml"))],
        logs,
    )
    log(f"pandas + h3-py baseline {baseline.wall_s:.1f} s, peak {baseline.peak_rss_mib:.0f} MiB")

    inc_ingest = measure.ingest(home, batch, batch.with_suffix(".toml"), logs, "batch_ingest")
    _checked(inc_ingest, BATCH_ROWS)
    inc_run = measure.run(home, logs, "batch_run")
    log(f"incremental: ingest {inc_ingest.wall_s:.2f} s, run {inc_run.wall_s:.2f} s")
    ticked = measure.run_step(
        "warm_tick",
        [sys.executable, "-m", "benchmarks.warm_tick", str(home), str(batch.with_suffix(".toml"))]
        + [str(path) for path in ticks],
        logs,
    ).json_output()
    for step in [ticked["warming"], *ticked["timed"]]:
        if step["rows_read"] != BATCH_ROWS or step["failed"] or not step["ran"]:
            raise measure.BenchmarkError(f"a scheduler's tick did not run its batch: {step}")
    each = ", ".join(f"{t:.2f}" for t in ticked["tick"]["wall_s_each"])
    log(f"a running scheduler's tick: {ticked['tick']['wall_s']:.2f} s (median of {each})")

    end_to_end = ingest.wall_s + full_run.wall_s
    return {
        "rows": rows,
        "days": DAYS,
        "export": export,
        "summary": summary,
        "ingest": ingest.as_dict(),
        "run": full_run.as_dict(),
        "run_summary": full_run.json_output(),
        "alerts": alerts.as_dict(),
        "alerts_raised": kinds,
        "end_to_end_s": round(end_to_end, 2),
        "peak_rss_mib": round(max(ingest.peak_rss_mib, full_run.peak_rss_mib), 1),
        "baseline": {**baseline.as_dict(), **baseline.json_output()},
        "baseline_over_engine": round(baseline.wall_s / end_to_end, 2),
        "store_mib": round((home / "engine.duckdb").stat().st_size / 2**20, 1),
        "incremental": {
            "batch_rows": facts["rows"],
            "ingest": inc_ingest.as_dict(),
            "run": inc_run.as_dict(),
            "ingest_plus_run_s": round(inc_ingest.wall_s + inc_run.wall_s, 2),
            "warm_tick": ticked["tick"],
        },
        "targets": TARGETS,
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.scale_speed``: print the figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale_speed", description=__doc__)
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="rows of the year")
    parser.add_argument("--work-dir", type=Path, help="keep the exports and the home here")
    parser.add_argument(
        "--engine-path", type=Path, help="run the engine with PYTHONPATH=DIR (another checkout)"
    )
    args = parser.parse_args(argv)
    measure.use_engine(args.engine_path)
    return measure.main_of("scale", args.work_dir, lambda folder, log: run(folder, args.rows, log))


if __name__ == "__main__":
    sys.exit(main())
