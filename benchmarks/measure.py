"""One timed step: a command in its own process, its wall time and its peak resident memory.

Peak memory is the kernel's own account (``ru_maxrss`` of the child, from ``wait4``), so each
step's figure is its own and not the maximum of every child so far, as ``RUSAGE_CHILDREN`` would
give. Wall time includes the interpreter's start-up and imports, as a scheduled job pays them;
:func:`startup` measures that fixed cost alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HASH_KEY = "benchmark-key-not-a-secret"
# Settings a developer's shell may carry that would change what the engine does.
ENGINE_ENV = ("HEATMAP_HOME", "HEATMAP_TAXONOMY", "HEATMAP_TIMEZONE")

Log = Callable[[str], None]
"""Where a benchmark reports progress, one line per step."""


class BenchmarkError(RuntimeError):
    """A benchmarked command failed; the message names the step and ends with its stderr."""


@dataclass(frozen=True)
class Step:
    """What one command cost: seconds of wall, user and system time, peak RSS in MiB."""

    name: str
    wall_s: float
    user_s: float
    sys_s: float
    peak_rss_mib: float
    stdout: str

    def json_output(self) -> Any:
        """The command's standard output parsed as JSON."""
        return json.loads(self.stdout)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "wall_s": round(self.wall_s, 3),
            "user_s": round(self.user_s, 3),
            "sys_s": round(self.sys_s, 3),
            "peak_rss_mib": round(self.peak_rss_mib, 1),
        }


def heatmap_command() -> list[str]:
    """The ``heatmap`` console script of the running interpreter's environment."""
    script = Path(sys.executable).with_name("heatmap")
    if not script.exists():
        raise BenchmarkError(
            f"no heatmap command next to {sys.executable}: run `make bench` (it installs the "
            "project into .venv) or `pip install -e .` in this environment"
        )
    return [str(script)]


def bench_env() -> dict[str, str]:
    """The environment of every step: a fixed hash key and no engine overrides."""
    env = {k: v for k, v in os.environ.items() if k not in ENGINE_ENV}
    env["HEATMAP_HASH_KEY"] = HASH_KEY
    return env


def run_step(name: str, command: list[str], log_dir: Path) -> Step:
    """Run ``command`` to completion and measure it; :class:`BenchmarkError` if it fails.

    Output goes to files in ``log_dir`` (never a pipe, which a large output could fill).
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    stem = log_dir / name.replace(" ", "_")
    out_path, err_path = stem.with_suffix(".out"), stem.with_suffix(".err")
    with out_path.open("wb") as out, err_path.open("wb") as err:
        began = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=bench_env())
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = err_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise BenchmarkError(
            f"step {name!r} exited with {process.returncode}: {' '.join(command)}\n{tail}"
        )
    return Step(
        name=name,
        wall_s=wall,
        user_s=usage.ru_utime,
        sys_s=usage.ru_stime,
        peak_rss_mib=usage.ru_maxrss / 1024,
        stdout=out_path.read_text(encoding="utf-8"),
    )


def ingest(home: Path, csv: Path, mapping: Path, log_dir: Path, name: str = "ingest") -> Step:
    """``heatmap ingest --home H --mapping M FILE --json``."""
    args = ["ingest", "--home", str(home), "--mapping", str(mapping), str(csv), "--json"]
    return run_step(name, heatmap_command() + args, log_dir)


def run(home: Path, log_dir: Path, name: str = "run") -> Step:
    """``heatmap run --home H --json``."""
    return run_step(name, heatmap_command() + ["run", "--home", str(home), "--json"], log_dir)


def alerts(home: Path, log_dir: Path, name: str = "alerts") -> Step:
    """``heatmap alerts --all --format json --home H``: every alert of the published snapshot."""
    args = ["alerts", "--all", "--format", "json", "--home", str(home)]
    return run_step(name, heatmap_command() + args, log_dir)


JOB_IMPORTS = {
    "ingest": "import heatmap.cli, pipelines.ingest",
    "run": "import heatmap.cli, pipelines.run",
    "alerts": "import heatmap.cli, heatmap.alerts, heatmap.store",
}


def startup(command: str, log_dir: Path) -> Step:
    """The fixed cost of ``heatmap COMMAND``: the interpreter starting and importing its modules."""
    return run_step(f"startup_{command}", [sys.executable, "-c", JOB_IMPORTS[command]], log_dir)
