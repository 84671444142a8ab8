"""Meta-tests that keep the structure honest: SQL headers, documented views, README commands."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from heatmap.store import create_schema
from tests.conftest import CONTRACT_ALERT_FIELDS

REPO = Path(__file__).resolve().parents[1]
SQL_FILES = sorted([*REPO.glob("heatmap/sql/**/*.sql"), *REPO.glob("pipelines/sql/*.sql")])
SQL_GUIDE = REPO / "docs" / "SQL.md"


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_sql_file_starts_with_a_header_naming_its_grain_and_inputs(path: Path) -> None:
    header = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        header.append(line)
    text = "\n".join(header)
    assert len(header) >= 2, f"{path.name}: no header comment"
    assert "Grain" in text, f"{path.name}: header does not declare the grain"
    assert "Inputs" in text, f"{path.name}: header does not name the inputs"


def test_every_sql_file_is_used_by_the_code() -> None:
    code = "\n".join(
        p.read_text(encoding="utf-8")
        for p in [*REPO.glob("heatmap/*.py"), *REPO.glob("pipelines/*.py")]
    )
    for path in SQL_FILES:
        folder = path.parent.name
        if folder in ("schema", "views"):
            continue  # loaded as whole folders by heatmap.store.create_schema
        name = path.stem if folder == "sql" else f"{folder}/{path.stem}"
        assert f'"{name}"' in code or f"{folder}/{{name}}" in code or f'"{path.stem}"' in code, (
            f"{path} is never read"
        )


def _published_columns() -> dict[str, list[str]]:
    con = duckdb.connect()
    from heatmap.sqlfunctions import prepare_connection

    prepare_connection(con)
    create_schema(con)
    views = [
        r[0]
        for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'"
        ).fetchall()
    ]
    columns = {v: [r[0] for r in con.execute(f"DESCRIBE {v}").fetchall()] for v in views}
    con.close()
    return columns


def test_the_contract_views_exist_with_their_columns() -> None:
    columns = _published_columns()
    contract = {
        "complaints": ["complaint_id", "reported_at", "issue_type", "lat", "lon", "cell"],
        "quarantine": ["reason"],
        "cell_counts": ["cell", "window_start", "window_len", "issue_type", "n"],
        "alerts": CONTRACT_ALERT_FIELDS,
    }
    for view, required in contract.items():
        assert set(required) <= set(columns[view]), view


def test_every_published_view_and_column_is_documented_in_the_sql_guide() -> None:
    guide = SQL_GUIDE.read_text(encoding="utf-8")
    for view, columns in _published_columns().items():
        section = re.search(rf"^### `{view}`\n(.*?)(?=^### |\Z)", guide, re.S | re.M)
        assert section, f"docs/SQL.md has no section for the view {view}"
        for column in columns:
            assert f"| `{column}` |" in section.group(1), (
                f"docs/SQL.md: {view}.{column} is undocumented"
            )


def test_the_readme_shows_the_commands_ci_runs() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
