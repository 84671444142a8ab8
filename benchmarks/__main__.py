"""``python -m benchmarks``: run the benchmarks, print the report, save it under ``results/``.

Options narrow the run (``--only speed``, ``--skip-1m``, ``--seeds 2``) for a quick look; the
saved ``latest`` files always say which command produced them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.detection import DetectionPlan, run_detection
from benchmarks.machine import describe_machine, describe_run
from benchmarks.measure import BenchmarkError
from benchmarks.pipeline_speed import DEFAULT_CASES, run_speed
from benchmarks.report import render

RESULTS_DIR = Path(__file__).with_name("results")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Pipeline speed and detection-quality benchmarks."
    )
    parser.add_argument("--only", choices=("speed", "detection"), help="run one benchmark only")
    parser.add_argument("--skip-1m", action="store_true", help="leave out the 1 M-row case")
    parser.add_argument("--seeds", type=int, default=5, help="planted-event seeds (default 5)")
    parser.add_argument("--null-seeds", type=int, default=2, help="no-event seeds (default 2)")
    parser.add_argument("--work-dir", type=Path, help="keep scenarios, homes and logs here")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where latest.* go")
    return parser


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _run(args: argparse.Namespace, work_dir: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    if args.only in (None, "speed"):
        cases = DEFAULT_CASES[:1] if args.skip_1m else DEFAULT_CASES
        results["speed"] = run_speed(work_dir / "speed", cases, _log)
    if args.only in (None, "detection"):
        defaults = DetectionPlan()
        plan = DetectionPlan(
            seeds=tuple(101 + i for i in range(args.seeds)),
            null_seeds=tuple(201 + i for i in range(args.null_seeds)),
            days=defaults.days,
            per_day=defaults.per_day,
        )
        results["detection"] = run_detection(plan, work_dir / "detection", _log)
    return results


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    began = time.perf_counter()
    results: dict[str, Any] = {"machine": describe_machine(), "run": describe_run(argv)}
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="heatmap-bench-"))
    try:
        results |= _run(args, work_dir)
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.work_dir is None:
            shutil.rmtree(work_dir, ignore_errors=True)
    results["total_wall_s"] = round(time.perf_counter() - began, 1)
    results["machine"]["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
    report = render(results)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "latest.md").write_text(report, encoding="utf-8")
    (args.results / "latest.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(report)
    _log(f"wrote {args.results / 'latest.md'} and latest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
