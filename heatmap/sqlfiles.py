"""Loading the SQL files that hold every query (one job or view per file, header first)."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

import duckdb
import pandas as pd


def sql_root(package: str) -> Traversable:
    """The ``sql/`` folder of ``package`` (``heatmap`` or ``pipelines``)."""
    return resources.files(package).joinpath("sql")


def read_sql(package: str, name: str) -> str:
    """The text of ``sql/<name>.sql`` in ``package``."""
    return sql_root(package).joinpath(f"{name}.sql").read_text(encoding="utf-8")


def sql_files(package: str, folder: str) -> list[Traversable]:
    """The ``.sql`` files of ``sql/<folder>`` in ``package``, in name order."""
    entries = sql_root(package).joinpath(folder).iterdir()
    return sorted((e for e in entries if e.name.endswith(".sql")), key=lambda e: e.name)


def split_statements(script: str) -> list[str]:
    """The statements of a SQL file: each ends with ``;`` at the end of a line."""
    statements, current = [], []
    for line in script.splitlines():
        current.append(line)
        if line.rstrip().endswith(";"):
            statement = "\n".join(current).strip()
            if any(
                not part.strip().startswith("--") for part in statement.splitlines() if part.strip()
            ):
                statements.append(statement)
            current = []
    return statements


def bind_for(statement: str, params: dict[str, object]) -> dict[str, object] | None:
    """The subset of ``params`` that ``statement`` uses (DuckDB rejects unused named parameters)."""
    code = "\n".join(line.split("--", 1)[0] for line in statement.splitlines())
    used = {name: value for name, value in params.items() if f"${name}" in code}
    return used or None


def execute_file(
    con: duckdb.DuckDBPyConnection, package: str, name: str, params: dict[str, object]
) -> None:
    """Run every statement of ``sql/<name>.sql`` with the parameters each one uses."""
    for statement in split_statements(read_sql(package, name)):
        con.execute(statement, bind_for(statement, params))


def query_file(
    con: duckdb.DuckDBPyConnection, package: str, name: str, params: dict[str, object]
) -> pd.DataFrame:
    """The result of the single query in ``sql/<name>.sql`` as a DataFrame."""
    text = read_sql(package, name)
    return con.execute(text, bind_for(text, params)).df()
