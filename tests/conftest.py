"""Shared fixtures. The expensive ones (a built scenario, a published home) are session-scoped."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from heatmap.home import Home

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
# The alert fields of the interface contract (SPEC.md), stated here independently of the code.
CONTRACT_ALERT_FIELDS = [
    "cluster_id", "kind", "issue_type", "label", "window_start", "window_end", "cells",
    "observed", "expected", "score", "status",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _fixed_hash_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests use a known key; deployments use their own (never in the repository)."""
    monkeypatch.setenv("HEATMAP_HASH_KEY", "test-key-not-a-secret")


@pytest.fixture()
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


def write_csv(path: Path, header: str, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path


def read_rows(database: Path, query: str) -> list[tuple]:
    """The rows of ``query`` on a DuckDB file opened read-only: a snapshot, or the writer's
    own store (what it keeps between runs and does not publish)."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def python_env() -> dict[str, str]:
    """The environment for CLI subprocesses: this interpreter's venv first on PATH."""
    env = dict(os.environ)
    env["PATH"] = str(Path(os.sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["HEATMAP_HASH_KEY"] = "test-key-not-a-secret"
    return env


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded default, built once through the real CLI: scenario → ingest → run → publish."""
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("demo") / "home"
    subprocess.run(
        [sys.executable, "-m", "heatmap", "demo", "--no-dashboard", "--home", str(root)],
        check=True,
        env=python_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    return root
