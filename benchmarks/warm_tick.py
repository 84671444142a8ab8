"""A running scheduler's tick: what the NOC pays for each batch once ``heatmap schedule`` is up.

``heatmap schedule`` runs every tick in one process (``pipelines.schedule.tick``: ingest what
landed in the drop folder, run, publish), so the interpreter's start, the imports, the
geocoder's gazetteer index and the district polygons are paid once, not per batch; a
``heatmap ingest`` and ``heatmap run`` pair from cron pays them every time. This driver warms
the process with a first tick on one batch and then times a tick on each of the next ones: the
figure is their median, since one tick of a few seconds on a shared machine varies from run
to run by as much as a second. Run it as ``python -m benchmarks.warm_tick HOME MAPPING
FIRST.csv NEXT.csv [NEXT.csv ...]`` (the home's time zone in ``HEATMAP_TIMEZONE``, else
Asia/Shanghai); it prints each tick's wall and CPU seconds and summary, and the timed ticks'
median, as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from heatmap.home import Home
from pipelines.schedule import SETTLE_SECONDS, ScheduleConfig, tick


def _drop(batch: Path, drop: Path) -> None:
    """Put ``batch`` in the drop folder as a settled file (older than the settling time)."""
    target = drop / batch.name
    shutil.copyfile(batch, target)
    settled = time.time() - 2 * SETTLE_SECONDS
    os.utime(target, (settled, settled))


def timed_ticks(home: Path, mapping: Path, first: Path, *timed: Path) -> dict[str, Any]:
    """Tick on ``first`` to warm the process, then on each of ``timed``, timed: ``tick`` is
    their median (wall and CPU seconds, each the median of its own)."""
    zone = os.environ.get("HEATMAP_TIMEZONE", "Asia/Shanghai")
    drop = home.parent / f"{home.name}-drop"
    shutil.rmtree(drop, ignore_errors=True)
    drop.mkdir(parents=True)
    config = ScheduleConfig(drop=drop, mapping=mapping)
    ticks = []
    for batch in (first, *timed):
        _drop(batch, drop)
        wall, cpu = time.perf_counter(), time.process_time()
        summary = tick(Home(home), config, zone)
        ticks.append(
            {
                "wall_s": round(time.perf_counter() - wall, 3),
                "cpu_s": round(time.process_time() - cpu, 3),
                "ran": summary["ran"],
                "rows_read": sum(item["rows_read"] for item in summary["ingested"]),
                "failed": summary["failed"] + summary["retry"],
            }
        )
    shutil.rmtree(drop, ignore_errors=True)
    measured = ticks[1:]
    median = {
        "wall_s": round(statistics.median(t["wall_s"] for t in measured), 3),
        "cpu_s": round(statistics.median(t["cpu_s"] for t in measured), 3),
        "ran": all(t["ran"] for t in measured),
        "rows_read": min(t["rows_read"] for t in measured),
        "failed": [name for t in measured for name in t["failed"]],
        "timed": len(measured),
        "wall_s_each": [t["wall_s"] for t in measured],
    }
    return {"warming": ticks[0], "timed": measured, "tick": median}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.warm_tick", description=__doc__)
    parser.add_argument("home", type=Path)
    parser.add_argument("mapping", type=Path)
    parser.add_argument("first", type=Path, help="the batch that warms the process")
    parser.add_argument("timed", type=Path, nargs="+", help="the batches whose ticks are timed")
    args = parser.parse_args(argv)
    print(json.dumps(timed_ticks(args.home, args.mapping, args.first, *args.timed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
