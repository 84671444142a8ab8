"""What the figures were measured on: CPU, cores, memory, Python, DuckDB, date and command."""

from __future__ import annotations

import os
import platform
import shlex
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def describe_machine() -> dict[str, object]:
    """The machine and software the benchmark ran on."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "ram_gib": _memory_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "load_average_1m_at_start": round(os.getloadavg()[0], 2),
    }


def _git(*args: str, cwd: Path = REPO) -> list[str]:
    """Lines of a read-only git command in a checkout; empty when git is unavailable."""
    try:
        done = subprocess.run(
            ["git", "--no-optional-locks", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return done.stdout.splitlines()


def describe_revision(checkout: Path = REPO) -> dict[str, object]:
    """A checkout's commit and the files changed since it (results files left out).

    Several people work in one checkout; the changed files say what the figures also include.
    """
    head = _git("rev-parse", "--short=12", "HEAD", cwd=checkout)
    changed = [
        path
        for path in _git("diff", "--name-only", "HEAD", cwd=checkout)
        + _git("ls-files", "--others", "--exclude-standard", cwd=checkout)
        if not path.startswith("benchmarks/results/")
    ]
    return {
        "path": str(checkout),
        "commit": head[0] if head else None,
        "uncommitted": sorted(set(changed)),
    }


def describe_run(argv: list[str]) -> dict[str, object]:
    """When the benchmark ran (local time with offset), the command and the engine revision."""
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": shlex.join([Path(sys.executable).name, "-m", "benchmarks", *argv]),
        "cwd": str(Path.cwd()),
        "revision": describe_revision(),
    }
