"""Every threshold of a run, in one place (README.md explains each)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from heatmap.clusters import ClusterFinder
from heatmap.scoring import CellScorer, SurgeScorer


@dataclass(frozen=True)
class RunSettings:
    """Thresholds and model parameters of the run job."""

    history: timedelta = timedelta(days=28)
    # The gap between a cell's baseline and the window it judges (pipelines/sql/score_inputs.sql)
    guard: timedelta = timedelta(days=1)
    burn_in: timedelta = timedelta(days=7)
    placeholder_min_complaints: int = 50
    placeholder_min_types: int = 4
    placeholder_min_days: int = 3
    cell_scorer: CellScorer = field(default_factory=CellScorer)
    cluster_finder: ClusterFinder = field(default_factory=ClusterFinder)
    surge_scorer: SurgeScorer = field(default_factory=SurgeScorer)
