"""Loading the SQL files that hold every query (one job or view per file, header first)."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable


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
