"""``python -m benchmarks``: run the benchmarks, print the report, save it under ``results/``.

Options narrow the run (``--only speed``, ``--skip-1m``, ``--sets seen``, ``--planted 2``) for a
quick look; the saved ``latest`` files always say which command produced them.
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

from benchmarks import dashboard_speed, ingest_speed, measure, report_detection, scale_speed
from benchmarks.detection import DetectionPlan, run_detection
from benchmarks.detection_eval import EvalPlan, run_evaluation
from benchmarks.machine import describe_machine, describe_revision, describe_run
from benchmarks.measure import BenchmarkError
from benchmarks.pipeline_speed import DEFAULT_CASES, run_speed
from benchmarks.report import render

RESULTS_DIR = Path(__file__).with_name("results")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Pipeline speed and detection-quality benchmarks."
    )
    parser.add_argument(
        "--only",
        choices=("speed", "ingest", "dashboard", "detection", "scale", "default-events"),
        help="run one benchmark only (default: speed, ingest, dashboard, detection and scale)",
    )
    parser.add_argument("--skip-1m", action="store_true", help="leave out the 1 M-row case")
    parser.add_argument(
        "--ingest-rows",
        type=int,
        default=ingest_speed.DEFAULT_ROWS,
        help=f"rows of the ingest benchmark's export (default {ingest_speed.DEFAULT_ROWS:,})",
    )
    parser.add_argument(
        "--scale-rows",
        type=int,
        default=scale_speed.DEFAULT_ROWS,
        help=f"rows of the year in the scale benchmark (default {scale_speed.DEFAULT_ROWS:,})",
    )
    parser.add_argument("--work-dir", type=Path, help="keep scenarios, homes and logs here")
    parser.add_argument(
        "--results", type=Path, default=RESULTS_DIR, help="where the result files go"
    )
    parser.add_argument(
        "--engine-path",
        type=Path,
        help="run the engine's commands with PYTHONPATH=DIR (another checkout of the engine)",
    )
    det = parser.add_argument_group("detection (varied scenarios, engine beside its peers)")
    det.add_argument(
        "--sets", default="seen,fresh", help="seed sets, comma-separated (default seen,fresh)"
    )
    det.add_argument("--cities", default="beijing,boston", help="layouts (default beijing,boston)")
    det.add_argument("--planted", type=int, default=6, help="planted scenarios per set and city")
    det.add_argument("--nulls", type=int, default=2, help="null scenarios per set and city")
    det.add_argument("--fresh-base", type=int, help="move the fresh seeds (default 7000)")
    det.add_argument("--no-peers", action="store_true", help="the engine only")
    det.add_argument(
        "--engine-sweep",
        metavar="VAR=V1,V2",
        help="also rerun the engine with each value of this environment knob",
    )
    old = parser.add_argument_group("default events (the generator's five events)")
    old.add_argument("--seeds", type=int, default=5, help="planted-event seeds (default 5)")
    old.add_argument("--null-seeds", type=int, default=2, help="no-event seeds (default 2)")
    return parser


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _eval_plan(args: argparse.Namespace) -> EvalPlan:
    sweep = None
    if args.engine_sweep:
        var, _, values = args.engine_sweep.partition("=")
        sweep = (var, tuple(v for v in values.split(",") if v))
    return EvalPlan(
        seed_sets=tuple(args.sets.split(",")),
        cities=tuple(args.cities.split(",")),
        planted=args.planted,
        nulls=args.nulls,
        fresh_base=args.fresh_base,
        engine_path=args.engine_path.resolve() if args.engine_path else None,
        engine_sweep=sweep,
        with_peers=not args.no_peers,
    )


def _run(args: argparse.Namespace, work_dir: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    if args.engine_path:
        measure.use_engine(args.engine_path.resolve())
        results["engine"] = describe_revision(args.engine_path.resolve())
    if args.only in (None, "speed"):
        cases = DEFAULT_CASES[:1] if args.skip_1m else DEFAULT_CASES
        results["speed"] = run_speed(work_dir / "speed", cases, _log)
    if args.only in (None, "ingest"):
        results["ingest"] = ingest_speed.run(
            work_dir / "ingest", args.ingest_rows, log=_log, phases=True
        )
    if args.only in (None, "dashboard"):
        _log("dashboard: map queries on the demo publication, 50,000 hexagons in Chromium")
        results["dashboard"] = dashboard_speed.run()
    if args.only in (None, "detection"):
        results["detection"] = run_evaluation(_eval_plan(args), work_dir / "detection", _log)
    if args.only in (None, "scale"):
        results["scale"] = scale_speed.run(work_dir / "scale", args.scale_rows, _log)
    if args.only == "default-events":
        defaults = DetectionPlan()
        plan = DetectionPlan(
            seeds=tuple(101 + i for i in range(args.seeds)),
            null_seeds=tuple(201 + i for i in range(args.null_seeds)),
            days=defaults.days,
            per_day=defaults.per_day,
        )
        results["default_events"] = run_detection(plan, work_dir / "default_events", _log)
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
    # A full run is `latest`; a narrowed one is named after what ran, so that running one
    # benchmark does not overwrite another's figures.
    stem = args.only or "latest"
    (args.results / f"{stem}.md").write_text(report, encoding="utf-8")
    (args.results / f"{stem}.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    if "detection" in results:
        (args.results / "detection-readme.md").write_text(
            report_detection.readme_table(results["detection"]), encoding="utf-8"
        )
    print(report)
    _log(f"wrote {args.results / stem}.md and {stem}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
