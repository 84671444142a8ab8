"""The committed benchmark reports are what the report code makes of the committed figures.

``benchmarks/results/latest.md`` is rendered from ``latest.json``, ``detection-readme.md`` from it
or from ``detection.json``; if the renderers change, or someone edits a report by hand, this fails.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import report_detection
from benchmarks.report import render

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results"


def test_latest_report_is_rendered_from_latest_json() -> None:
    results = json.loads((RESULTS / "latest.json").read_text(encoding="utf-8"))
    assert render(results) == (RESULTS / "latest.md").read_text(encoding="utf-8")


def test_readme_detection_table_is_rendered_from_a_detection_run() -> None:
    """From the full run's figures, or from a later ``--only detection`` run's."""
    tables = []
    for name in ("latest.json", "detection.json"):
        results = json.loads((RESULTS / name).read_text(encoding="utf-8"))
        tables.append(report_detection.readme_table(results["detection"]))
    assert (RESULTS / "detection-readme.md").read_text(encoding="utf-8") in tables
