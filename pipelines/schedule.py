"""The schedule job: every interval, ingest what landed in the drop folder, run, notify.

One *tick* does the whole cycle and is what cron or a systemd timer calls
(``heatmap schedule --once``); ``heatmap schedule`` repeats it with APScheduler, never two at
once. Files are picked up when they have stopped changing and do not look partial
(``*.part``, ``*.tmp``, dot-files); processed files move to ``processed/<day>/``; files that
can never be ingested (bad mapping, missing column, unreadable) move to ``failed/`` with the
reason beside them; anything else is logged and retried on the next tick, three times at most.
"""

from __future__ import annotations

import logging
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from heatmap.errors import InputFileError, MappingError, RunInProgressError
from heatmap.home import Home
from pipelines.ingest import ingest_paths
from pipelines.notify import notify
from pipelines.run import run_pipeline

log = logging.getLogger("heatmap.schedule")
SOURCE_SUFFIXES = (
    ".csv",
    ".csv.gz",
    ".tsv",
    ".txt",
    ".parquet",
    ".jsonl",
    ".ndjson",
    ".json",
    ".jsonl.gz",
)
PARTIAL_SUFFIXES = (".part", ".tmp", ".partial", ".crdownload")
SETTLE_SECONDS = 2.0
MAX_ATTEMPTS = 3
# In the home's work folder while complaints a tick ingested wait for their run: a run that
# failed or was killed is done again on the next tick, new files or not.
RUN_PENDING = "run-pending"


@dataclass
class ScheduleConfig:
    """What the scheduled job watches and where it reports."""

    drop: Path
    mapping: Path | None = None
    every: timedelta = timedelta(minutes=5)
    webhook: str | None = None
    attempts: dict[str, int] = field(default_factory=dict)


def parse_interval(text: str) -> timedelta:
    """``"30s"``, ``"5m"``, ``"1h"`` → a timedelta; ``ValueError`` otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*([smh])\s*", text)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"interval {text!r}: write it like 30s, 5m or 1h")
    unit = {"s": "seconds", "m": "minutes", "h": "hours"}[match.group(2)]
    return timedelta(**{unit: int(match.group(1))})


def ready_files(drop: Path, now: float | None = None) -> list[Path]:
    """Source files in ``drop`` that look complete, oldest first."""
    now = time.time() if now is None else now
    found = []
    for path in drop.iterdir() if drop.is_dir() else []:
        name = path.name.lower()
        if not path.is_file() or name.startswith(".") or name.endswith(PARTIAL_SUFFIXES):
            continue
        if not name.endswith(SOURCE_SUFFIXES) or now - path.stat().st_mtime < SETTLE_SECONDS:
            continue
        found.append(path)
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def _move(path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    counter = 1
    while target.exists():
        target = folder / f"{path.stem}.{counter}{''.join(path.suffixes[-1:])}"
        counter += 1
    shutil.move(str(path), target)
    return target


def tick(home: Home, config: ScheduleConfig, timezone: str) -> dict[str, Any]:
    """One cycle: ingest ready files, run if anything is new (or nothing was ever run, or the
    last tick's run did not finish), notify."""
    summary: dict[str, Any] = {
        "ingested": [],
        "failed": [],
        "retry": [],
        "ran": False,
        "notified": 0,
    }
    pending = home.work_dir / RUN_PENDING
    try:
        for path in ready_files(config.drop):
            try:
                result = ingest_paths(home, [path], config.mapping, timezone, show_progress=False)[
                    0
                ]
            except (InputFileError, MappingError) as exc:
                moved = _move(path, config.drop / "failed")
                moved.with_name(moved.name + ".error.txt").write_text(f"{exc}\n", encoding="utf-8")
                summary["failed"].append(path.name)
                log.error("%s: cannot be ingested, moved to failed/: %s", path.name, exc)
                continue
            except RunInProgressError:
                raise
            except Exception:
                attempts = config.attempts[path.name] = config.attempts.get(path.name, 0) + 1
                log.exception(
                    "%s: ingest failed (attempt %d of %d)", path.name, attempts, MAX_ATTEMPTS
                )
                if attempts >= MAX_ATTEMPTS:
                    _move(path, config.drop / "failed")
                    summary["failed"].append(path.name)
                else:
                    summary["retry"].append(path.name)
                continue
            if result["accepted"]:
                pending.touch()
            day = datetime.now(UTC).strftime("%Y%m%d")
            _move(path, config.drop / "processed" / day)
            summary["ingested"].append({"file": path.name, **result})
            log.info(
                "%s: %s", path.name, {k: v for k, v in result.items() if k != "quarantine_reasons"}
            )
        never_ran = not any(home.published_dir.glob("heatmap-*.duckdb"))
        if pending.exists() or never_ran:
            run = run_pipeline(home, timezone, home.taxonomy())
            pending.unlink(missing_ok=True)
            summary["ran"] = True
            summary["alerts_open"] = run["alerts_open"]
            log.info("run %s: %s open alerts", run["run_id"], run["alerts_open"])
        if config.webhook:
            summary["notified"] = notify(home, config.webhook, timezone)
    except RunInProgressError as exc:
        summary["skipped"] = str(exc)
        log.warning("tick skipped: %s", exc)
    return summary


def serve(home: Home, config: ScheduleConfig, timezone: str) -> None:
    """Run :func:`tick` now and then every ``config.every`` until interrupted."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    def safe_tick() -> None:
        try:
            tick(home, config, timezone)
        except Exception:  # a failed tick is logged; the next one tries again
            log.exception("tick failed")

    scheduler = BlockingScheduler(timezone=timezone)
    scheduler.add_job(
        safe_tick,
        IntervalTrigger(seconds=config.every.total_seconds(), timezone=timezone),
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=int(config.every.total_seconds()),
    )
    log.info("watching %s every %s", config.drop, config.every)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("schedule stopped")
