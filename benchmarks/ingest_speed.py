"""Ingest speed: rows per second of ``heatmap ingest`` on a large ticket-system export.

The export is written by DuckDB from a seed (generation is timed apart): the demo scenario's
Chinese columns, GCJ-02 coordinates (or WGS-84 with ``--crs wgs84``) over Beijing, naive
local times over 28 days, the taxonomy's Chinese type names, phone numbers of which about a
third call more than once, gazetteer addresses (0.2% of rows have only the address, and are
geocoded), and about 1% bad rows (text in a coordinate, an impossible date, no position at
all), since real exports have them. Then:

- **cli**: ``heatmap ingest --json`` into a fresh home, in its own process, through
  :mod:`benchmarks.measure` (wall time includes start-up and imports; peak RSS is the
  command's own). ``rows_per_s`` = rows read ÷ wall time; ``rows_per_s_engine`` leaves out the
  measured start-up of the command.
- **phases** (with ``--phases``): the same ingest in this process, timed phase by phase
  (reading and validating, placing, storing), to show where the time goes; ``phases_cpu``
  gives the process's CPU seconds for the same phases (all threads), steadier than wall time
  on a shared machine.

Run ``python -m benchmarks.ingest_speed --rows 2000000`` (about a minute on 2 cores), or call
:func:`run` (returns the figures as a dict).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from benchmarks import measure
from geo_fixtures.reference import load_gazetteer
from geo_fixtures.scenario import MAPPING_FILE

DEFAULT_ROWS = 2_000_000
TARGET_ROWS_PER_S = 1_000_000
SEED = 20261120
# The customers every export's callers are drawn from: a 10 M-row year gives each about three
# complaints a year, so about a fifth of a day's callers have complained in the 30 days before
# (a repeat, 复燃), and a later batch's callers repeat the year's as a real one's would.
CUSTOMERS = 3_000_000
# Beijing's built-up area, as a box in the export's own coordinates.
BOX = {"south": 39.70, "north": 40.15, "west": 116.10, "east": 116.75}
TYPES_ZH = [
    "宽带光衰", "宽带断网", "宽带网速慢", "手机无信号/信号弱", "手机上网慢", "通话掉线/无法接通",
    "区域网络故障", "停电", "装维服务", "套餐外流量扣费/流量争议", "国际漫游", "服务态度/其他",
]  # fmt: skip


def write_export(
    path: Path,
    rows: int,
    crs: str = "gcj02",
    seed: int = SEED,
    days: int = 28,
    start: str = "2026-10-24 00:00:00",
    id_prefix: str = "GD",
) -> dict[str, Any]:
    """Write a ``rows``-row export to ``path`` and its mapping next to it; returns facts on it.

    Its complaints fall over the ``days`` from ``start`` (local time); their ids are
    ``id_prefix`` and a number, so exports of different prefixes share no id. Every field is a
    hash of the row number and ``seed``: exports of other seeds share no times, places or types
    row for row, only the pool of :data:`CUSTOMERS` their callers come from.
    """
    began = time.perf_counter()
    addresses = load_gazetteer()["address"].str.split(";").str[0].tolist()
    con = duckdb.connect()
    con.execute("SET enable_progress_bar_print = false")
    con.execute("CREATE TABLE places AS SELECT unnest($a) AS address", {"a": addresses})
    con.execute(
        "CREATE TABLE numbered AS SELECT row_number() OVER () - 1 AS k, address FROM places"
    )
    n_places = len(addresses)
    sql = f"""
    COPY (
      SELECT
        $id_prefix || lpad(CAST(i AS VARCHAR), 10, '0') AS "工单编号",
        CASE WHEN i % 211 = 7 THEN '2026-02-30 10:00:00'
             ELSE strftime(CAST($start AS TIMESTAMP)
                  + to_seconds(CAST(hash(i, 1, $seed) % ({days} * 86400) AS BIGINT)),
                  '%Y-%m-%d %H:%M:%S')
        END AS "受理时间",
        $types[1 + CAST(hash(i, 2, $seed) % 12 AS INTEGER)] AS "投诉类型",
        CASE WHEN i % 307 = 11 THEN '北纬' || CAST(round({BOX["south"]} + 0.2, 4) AS VARCHAR)
             WHEN i % 401 = 13 OR i % 503 = 17 THEN ''
             ELSE CAST(round({BOX["south"]} + (hash(i, 3, $seed) % 1000000) / 1e6
                  * {BOX["north"] - BOX["south"]}, 6) AS VARCHAR) END AS "纬度",
        CASE WHEN i % 401 = 13 OR i % 503 = 17 THEN ''
             ELSE CAST(round({BOX["west"]} + (hash(i, 4, $seed) % 1000000) / 1e6
                  * {BOX["east"] - BOX["west"]}, 6) AS VARCHAR) END AS "经度",
        CASE WHEN i % 401 = 13 THEN '' ELSE p.address END AS "投诉地址",
        '13' || lpad(CAST(hash(hash(i, 5, $seed) % {CUSTOMERS}, 5) % 1000000000 AS VARCHAR), 9, '0')
            AS "主叫号码",
        ['热线', 'APP', '网厅', '营业厅'][1 + CAST(hash(i, 6, $seed) % 4 AS INTEGER)] AS "受理渠道",
        ['A', 'B', 'C', 'D'][1 + CAST(hash(i, 7, $seed) % 4 AS INTEGER)] AS "情绪等级",
        '客户反映' || $types[1 + CAST(hash(i, 2, $seed) % 12 AS INTEGER)] || '，要求尽快处理'
            AS "投诉内容"
      FROM range({rows}) AS r(i)
      JOIN numbered AS p ON p.k = hash(i, 8, $seed) % {n_places}
      ORDER BY i
    ) TO '{path}' (HEADER, DELIMITER ',')
    """
    con.execute(sql, {"types": TYPES_ZH, "start": start, "id_prefix": id_prefix, "seed": seed})
    con.close()
    mapping = MAPPING_FILE.read_text(encoding="utf-8").replace('crs = "gcj02"', f'crs = "{crs}"')
    path.with_suffix(".toml").write_text(mapping, encoding="utf-8")
    return {
        "rows": rows,
        "crs": crs,
        "size_mib": round(path.stat().st_size / 2**20, 1),
        "generate_s": round(time.perf_counter() - began, 2),
    }


def _phases(export: Path, work_dir: Path) -> tuple[dict[str, float], dict[str, float]]:
    """The ingest in this process, timed phase by phase: wall seconds, and CPU seconds.

    CPU seconds are the process's (every DuckDB and numpy thread): on a shared machine they
    say what a phase costs when wall times are stretched by other work.
    """
    from heatmap.home import Home
    from heatmap.ingest import ingest_file
    from heatmap.mapping import load_mapping
    from heatmap.store import open_writer
    from heatmap.taxonomy import default_taxonomy

    shutil.rmtree(work_dir / "phases-home", ignore_errors=True)
    home = Home(work_dir / "phases-home").ensure()
    marks: dict[str, tuple[float, float]] = {}

    def progress(phase: str, percent: float | None) -> None:
        marks.setdefault(phase, (time.perf_counter(), time.process_time()))

    with open_writer(home, "Asia/Shanghai") as con:
        began = (time.perf_counter(), time.process_time())
        ingest_file(
            con,
            export,
            load_mapping(export.with_suffix(".toml")),
            default_taxonomy(),
            measure.HASH_KEY.encode(),
            home.work_dir,
            progress,
        )
        ended = (time.perf_counter(), time.process_time())
    order = ["reading", "placing", "storing"]
    starts = [began] + [marks[p] for p in order[1:]] + [ended]
    figures: list[dict[str, float]] = []
    for clock in (0, 1):
        spans = {
            f"{p}_s": round(b[clock] - a[clock], 2)
            for p, a, b in zip(order, starts, starts[1:], strict=False)
        }
        spans["before_reading_s"] = round(marks["reading"][clock] - began[clock], 2)
        spans["total_s"] = round(ended[clock] - began[clock], 2)
        figures.append(spans)
    return figures[0], figures[1]


def run(
    work_dir: Path,
    rows: int = DEFAULT_ROWS,
    crs: str = "gcj02",
    log: measure.Log = print,
    phases: bool = False,
) -> dict[str, Any]:
    """Write the export, ingest it through the CLI (and in process with ``phases``); the figures."""
    work_dir.mkdir(parents=True, exist_ok=True)
    export = work_dir / f"export-{rows}-{crs}.csv"
    log(f"writing a {rows:,}-row {crs} export to {export}")
    facts = write_export(export, rows, crs)
    logs = work_dir / "logs"
    startup = measure.startup("ingest", logs)
    log(f"heatmap ingest of {facts['size_mib']} MiB")
    shutil.rmtree(work_dir / "home", ignore_errors=True)  # a fresh home: nothing ingested yet
    step = measure.ingest(work_dir / "home", export, export.with_suffix(".toml"), logs)
    summary = step.json_output()
    if summary["rows_read"] != rows or summary["duplicates"]:
        raise measure.BenchmarkError(f"ingest did not read {rows} new rows: {summary}")
    result: dict[str, Any] = {
        "export": facts,
        "cli": step.as_dict(),
        "startup_s": round(startup.wall_s, 2),
        "summary": summary,
        "rows_per_s": round(rows / step.wall_s),
        "rows_per_s_engine": round(rows / max(step.wall_s - startup.wall_s, 1e-9)),
        "target_rows_per_s": TARGET_ROWS_PER_S,
    }
    if phases:
        log("the same ingest in process, phase by phase")
        result["phases"], result["phases_cpu"] = _phases(export, work_dir)
    log(
        f"{rows:,} rows in {step.wall_s:.1f} s: {result['rows_per_s']:,} rows/s "
        f"({result['rows_per_s_engine']:,} without start-up), peak {step.peak_rss_mib:.0f} MiB"
    )
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.ingest_speed``: print the figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ingest_speed", description=__doc__)
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="export rows (default 2 M)")
    parser.add_argument("--crs", choices=("gcj02", "wgs84", "bd09"), default="gcj02")
    parser.add_argument("--phases", action="store_true", help="also time each phase in process")
    parser.add_argument("--work-dir", type=Path, help="keep the export and home here")
    args = parser.parse_args(argv)
    return measure.main_of(
        "ingest",
        args.work_dir,
        lambda folder, log: run(folder, args.rows, args.crs, log, args.phases),
    )


if __name__ == "__main__":
    sys.exit(main())
