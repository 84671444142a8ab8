"""One timed step: a command in its own process, its wall time and its peak resident memory.

Peak memory is the kernel's own account, ``ru_maxrss`` of the command's process from ``wait4``.
It is read by a tiny launcher rather than by this process, because Linux seeds a child's
``ru_maxrss`` with the resident size of the process that forked it: spawned from a benchmark
that has just built a million-row scenario, even ``/bin/true`` reports 1.5 GB. The launcher
(Python with no site packages, about 10 MB) forks the command, so the figure is the command's
own. ``RUSAGE_CHILDREN`` would have the same flaw, and would give the maximum over every child
so far rather than each step's. Wall time is taken by the launcher around fork, exec and wait,
and includes the command's interpreter start-up and imports, as a scheduled job pays them;
:func:`startup` measures that fixed cost alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HASH_KEY = "benchmark-key-not-a-secret"
# Settings a developer's shell may carry that would change what the engine does.
ENGINE_ENV = ("HEATMAP_HOME", "HEATMAP_TAXONOMY", "HEATMAP_TIMEZONE")

# Set by :func:`use_engine`: what every engine step adds to its environment.
_ENGINE_OVERRIDE: dict[str, str] = {}

Log = Callable[[str], None]
"""Where a benchmark reports progress, one line per step."""


# Run as ``python -I -S -c LAUNCHER REPORT_PATH COMMAND...``: writes the command's exit status,
# wall time and rusage to REPORT_PATH as JSON. Output streams are inherited.
LAUNCHER = """
import json, os, sys, time
report, command = sys.argv[1], sys.argv[2:]
began = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - began
with open(report, "w") as out:
    json.dump({"exit": os.waitstatus_to_exitcode(status), "wall_s": wall,
               "user_s": usage.ru_utime, "sys_s": usage.ru_stime,
               "maxrss_kib": usage.ru_maxrss}, out)
"""


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


def use_engine(checkout: Path | None) -> None:
    """Run every later engine step with ``PYTHONPATH=checkout`` (another checkout of the engine).

    The ``heatmap`` command of this environment then imports ``heatmap`` and ``pipelines``
    from ``checkout``: its editable install is found only after ``PYTHONPATH``. None undoes it.
    """
    _ENGINE_OVERRIDE.clear()
    if checkout is not None:
        _ENGINE_OVERRIDE["PYTHONPATH"] = str(checkout)


def bench_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every step: a fixed hash key and no engine overrides.

    ``extra`` adds what a benchmark sets on purpose: the engine's time zone for a city, or
    ``PYTHONPATH`` pointing at another checkout of the engine.
    """
    env = {k: v for k, v in os.environ.items() if k not in ENGINE_ENV}
    env["HEATMAP_HASH_KEY"] = HASH_KEY
    return env | _ENGINE_OVERRIDE | (extra or {})


def run_step(
    name: str, command: list[str], log_dir: Path, env: dict[str, str] | None = None
) -> Step:
    """Run ``command`` to completion and measure it; :class:`BenchmarkError` if it fails.

    Output goes to files in ``log_dir`` (never a pipe, which a large output could fill).
    ``env`` is added to :func:`bench_env`.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    stem = log_dir / name.replace(" ", "_")
    out_path, err_path = stem.with_suffix(".out"), stem.with_suffix(".err")
    report_path = stem.with_suffix(".rusage.json")
    report_path.unlink(missing_ok=True)
    launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(report_path)]
    with out_path.open("wb") as out, err_path.open("wb") as err:
        subprocess.run(launcher + command, stdout=out, stderr=err, env=bench_env(env), check=False)
    try:
        usage = json.loads(report_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        usage = {"exit": None}
    if usage["exit"] != 0:
        tail = err_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise BenchmarkError(
            f"step {name!r} exited with {usage['exit']}: {' '.join(command)}\n{tail}"
        )
    return Step(
        name=name,
        wall_s=usage["wall_s"],
        user_s=usage["user_s"],
        sys_s=usage["sys_s"],
        peak_rss_mib=usage["maxrss_kib"] / 1024,
        stdout=out_path.read_text(encoding="utf-8"),
    )


def ingest(
    home: Path,
    csv: Path,
    mapping: Path,
    log_dir: Path,
    name: str = "ingest",
    env: dict[str, str] | None = None,
) -> Step:
    """``heatmap ingest --home H --mapping M FILE --json``."""
    args = ["ingest", "--home", str(home), "--mapping", str(mapping), str(csv), "--json"]
    return run_step(name, heatmap_command() + args, log_dir, env)


def run(home: Path, log_dir: Path, name: str = "run", env: dict[str, str] | None = None) -> Step:
    """``heatmap run --home H --json``."""
    return run_step(name, heatmap_command() + ["run", "--home", str(home), "--json"], log_dir, env)


def alerts(
    home: Path, log_dir: Path, name: str = "alerts", env: dict[str, str] | None = None
) -> Step:
    """``heatmap alerts --all --format json --home H``: every alert of the published snapshot."""
    args = ["alerts", "--all", "--format", "json", "--home", str(home)]
    return run_step(name, heatmap_command() + args, log_dir, env)


JOB_IMPORTS = {
    "ingest": "import heatmap.cli, pipelines.ingest",
    "run": "import heatmap.cli, pipelines.run",
    "alerts": "import heatmap.cli, heatmap.alerts, heatmap.store",
}


def startup(command: str, log_dir: Path) -> Step:
    """The fixed cost of ``heatmap COMMAND``: the interpreter starting and importing its modules."""
    return run_step(f"startup_{command}", [sys.executable, "-c", JOB_IMPORTS[command]], log_dir)


def main_of(name: str, work_dir: Path | None, run: Callable[[Path, Log], dict[str, Any]]) -> int:
    """The body of a benchmark's ``main``: run it, print its figures as JSON; the exit status.

    ``run`` gets the work folder (``work_dir``, or a temporary one removed afterwards) and a
    log that prints ``[NAME bench HH:MM:SS] message`` lines on stderr.
    """
    folder = work_dir or Path(tempfile.mkdtemp(prefix=f"heatmap-{name}-bench-"))

    def log(message: str) -> None:
        print(f"[{name} bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    try:
        result = run(folder, log)
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if work_dir is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0
