"""Markdown for the benchmark reports: tables and percentages, written one way for all."""

from __future__ import annotations

from typing import Any


def table(header: list[str], rows: list[list[Any]]) -> list[str]:
    """A Markdown table and the blank line after it."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines + [""]


def pct(value: float | None) -> str:
    """A share as a whole percentage; ``n/a`` when there is none."""
    return "n/a" if value is None else f"{100 * value:.0f}%"
