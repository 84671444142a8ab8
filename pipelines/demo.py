"""The embedded default: the synthetic Beijing scenario, ingested and run, ready to serve.

The scenario is generated from its seed into ``<home>/scenario`` (a few seconds) rather than
carried as a data file; the same seed always gives the same complaints and ground truth.
"""

from __future__ import annotations

from rich.console import Console

from heatmap.home import Home
from pipelines.ingest import ingest_paths
from pipelines.run import run_pipeline


def build_demo(home: Home, timezone: str, console: Console) -> dict[str, object]:
    """Generate the scenario (once), ingest it, run the pipeline; returns the run summary."""
    from geo_fixtures.scenario import ScenarioConfig, build_scenario, write_scenario

    folder = home.root / "scenario"
    complaints = folder / "complaints.csv"
    if not complaints.exists():
        console.print(f"generating the synthetic Beijing scenario into {folder} …")
        write_scenario(build_scenario(ScenarioConfig()), folder)
    ingest_paths(home, [complaints], folder / "mapping.toml", timezone, show_progress=True)
    summary = run_pipeline(home, timezone, home.taxonomy())
    console.print(
        f"published {summary['complaints']} complaints up to {summary['data_until']}: "
        f"alerts {summary['alerts']} ({summary['alerts_open']} open)",
        highlight=False,
    )
    return summary
