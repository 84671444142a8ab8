"""The ``heatmap`` command: the interface contract of SPEC.md.

Every command takes ``--home DIR`` (or ``HEATMAP_HOME``). Problems the user can fix print one
line starting with ``error:`` and exit with status 2; there is no traceback.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.markup import escape

from heatmap import alerts as alert_output
from heatmap.errors import HeatmapError
from heatmap.home import Home, resolve_home

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Complaint heat-map engine: ingest, run, alerts, sql, dashboard, demo.",
)
err = Console(stderr=True)
TIMEZONE_ENV = "HEATMAP_TIMEZONE"

HomeOption = Annotated[
    Path | None,
    typer.Option("--home", envvar="HEATMAP_HOME", help="Engine home (default ./heatmap_data)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a JSON object.")]


class AlertFormat(StrEnum):
    json = "json"
    csv = "csv"
    geojson = "geojson"


class SqlFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


@app.callback()
def global_options(home: HomeOption = None) -> None:
    """Complaint heat-map engine: ingest, run, alerts, sql, dashboard, demo.

    ``heatmap --home DIR COMMAND`` is the same as ``heatmap COMMAND --home DIR``.
    """
    if home is not None:
        # read by every command's own --home option, whose value wins when both are given
        os.environ["HEATMAP_HOME"] = str(home)


def engine_timezone() -> str:
    """The zone that defines days and prints times (``HEATMAP_TIMEZONE``, default Shanghai)."""
    return os.environ.get(TIMEZONE_ENV, "Asia/Shanghai")


def _home(path: Path | None) -> Home:
    return resolve_home(path)


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="CSV (plain or .gz), Parquet or JSON Lines files.")
    ],
    mapping: Annotated[Path | None, typer.Option("--mapping", help="Mapping file (TOML).")] = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read, validate, geocode, grid and store complaint files; every row is accounted for.

    Without --json a progress bar runs on stderr for each file, then a readable summary; with
    --json, one object: the contract's keys, plus ``repaired`` and ``geocoded`` counts.
    """
    from pipelines.ingest import ingest_paths, total_extras

    summaries = ingest_paths(
        _home(home), paths, mapping, engine_timezone(), show_progress=not as_json
    )
    if as_json:
        if len(summaries) == 1:
            totals = summaries[0]
        else:
            totals = {**_sum_summaries(summaries), **total_extras(summaries)}
        typer.echo(json.dumps(totals, ensure_ascii=False))


def _sum_summaries(summaries: list[dict[str, object]]) -> dict[str, object]:
    total: dict[str, object] = {"rows_read": 0, "accepted": 0, "quarantined": 0, "duplicates": 0}
    reasons: dict[str, int] = {}
    for summary in summaries:
        for key in ("rows_read", "accepted", "quarantined", "duplicates"):
            total[key] = int(total[key]) + int(summary[key])  # type: ignore[call-overload]
        for reason, n in summary["quarantine_reasons"].items():  # type: ignore[attr-defined]
            reasons[reason] = reasons.get(reason, 0) + n
    total["quarantine_reasons"] = reasons
    return total


WebhookOption = Annotated[
    str | None,
    typer.Option(
        "--webhook", envvar="HEATMAP_WEBHOOK", help="POST each new or changed alert here (JSON)."
    ),
]


@app.command()
def run(
    engine: Annotated[Engine, typer.Option("--engine", help="Aggregation engine.")] = Engine.duckdb,
    spark_master: Annotated[
        str,
        typer.Option(
            "--spark-master",
            help="Spark master for --engine spark: local[*], local[2], spark://host:7077, yarn.",
        ),
    ] = "local[*]",
    webhook: WebhookOption = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Aggregate, score, detect clusters and surges, and publish."""
    from pipelines.notify import notify
    from pipelines.run import run_pipeline

    chosen = _home(home)
    summary = run_pipeline(
        chosen,
        engine_timezone(),
        chosen.taxonomy(),
        engine=engine.value,
        spark_master=spark_master,
    )
    if webhook:
        summary["notified"] = notify(chosen, webhook, engine_timezone())
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
    else:
        err.print(
            f"run {summary['run_id']}: {summary['complaints']} complaints up to "
            f"{summary['data_until']}; alerts {summary['alerts']} ({summary['alerts_open']} open)"
        )


@app.command()
def alerts(
    show_all: Annotated[
        bool, typer.Option("--all", help="Every alert ever raised, not only open ones.")
    ] = False,
    fmt: Annotated[AlertFormat, typer.Option("--format", help="Output format.")] = AlertFormat.json,
    home: HomeOption = None,
) -> None:
    """Print the alerts open now (hotspots, surges, data quality), or all with --all."""
    from heatmap.store import open_reader

    con = open_reader(_home(home), engine_timezone())
    try:
        found = alert_output.fetch_alerts(con, include_closed=show_all)
    finally:
        con.close()
    typer.echo(alert_output.render(found, fmt.value))


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="A read-only SQL query on the published views.")],
    fmt: Annotated[SqlFormat, typer.Option("--format", help="Output format.")] = SqlFormat.table,
    home: HomeOption = None,
) -> None:
    """Run a read-only query on the published data (H3 functions included)."""
    from heatmap.analyst import run_query

    typer.echo(run_query(_home(home), query, fmt.value, engine_timezone()))


@app.command()
def dashboard(
    port: Annotated[int, typer.Option("--port", help="Port to serve on.")] = 8501,
    home: HomeOption = None,
) -> None:
    """Start the Streamlit dashboard on the published data."""
    serve_dashboard(_home(home), port)


def serve_dashboard(home: Home, port: int) -> None:
    """Run the Streamlit server in the foreground until interrupted."""
    script = resources.files("dashboards").joinpath("app.py")
    env = {**os.environ, "HEATMAP_HOME": str(home.root)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        # a wall screen: dark, no developer menu, no file watching
        "--theme.base",
        "dark",
        "--client.toolbarMode",
        "viewer",
        "--server.fileWatcherType",
        "none",
    ]
    err.print(f"dashboard on http://localhost:{port} (Ctrl+C to stop)")
    server = subprocess.Popen(command, env=env)
    # A service manager (or a test) stops us with SIGTERM: pass it on, never orphan the server.
    previous = signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        server.wait()
    except KeyboardInterrupt:
        server.terminate()
        server.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)


@app.command()
def schedule(
    drop: Annotated[
        Path | None, typer.Option("--drop", help="Folder to watch (default <home>/drop).")
    ] = None,
    mapping: Annotated[Path | None, typer.Option("--mapping", help="Mapping file (TOML).")] = None,
    every: Annotated[str, typer.Option("--every", help="Interval: 30s, 5m, 1h.")] = "5m",
    webhook: WebhookOption = None,
    once: Annotated[bool, typer.Option("--once", help="One cycle, then exit (for cron).")] = False,
    home: HomeOption = None,
) -> None:
    """Ingest files dropped in a folder, run and notify, every interval (or once, for cron)."""
    import logging
    from logging.handlers import RotatingFileHandler

    from pipelines.schedule import ScheduleConfig, parse_interval, serve, tick

    chosen = _home(home).ensure()
    try:
        interval = parse_interval(every)
    except ValueError as exc:
        raise HeatmapError(str(exc)) from None
    config = ScheduleConfig(
        chosen.root / "drop" if drop is None else drop, mapping, interval, webhook
    )
    config.drop.mkdir(parents=True, exist_ok=True)
    (chosen.root / "logs").mkdir(exist_ok=True)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[
            logging.StreamHandler(),
            RotatingFileHandler(
                chosen.root / "logs" / "schedule.log", maxBytes=5_000_000, backupCount=3
            ),
        ],
    )
    if once:
        typer.echo(
            json.dumps(tick(chosen, config, engine_timezone()), ensure_ascii=False, default=str)
        )
    else:
        serve(chosen, config, engine_timezone())


@app.command()
def demo(
    no_dashboard: Annotated[
        bool, typer.Option("--no-dashboard", help="Build and run, do not serve.")
    ] = False,
    port: Annotated[int, typer.Option("--port", help="Dashboard port.")] = 8501,
    home: HomeOption = None,
) -> None:
    """Build the synthetic Beijing scenario, run the whole pipeline, open the dashboard."""
    from pipelines.demo import build_demo

    chosen = _home(home)
    build_demo(chosen, engine_timezone(), err)
    if not no_dashboard:
        serve_dashboard(chosen, port)


def main() -> None:
    """Console entry point: user-fixable problems become one line and exit status 2."""
    try:
        app()
    except HeatmapError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(2)
    except duckdb.Error as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc).splitlines()[0])}", highlight=False)
        sys.exit(2)
