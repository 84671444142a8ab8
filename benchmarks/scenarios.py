"""The benchmark's inputs: seeded scenarios from ``geo_fixtures.scenario``, written to disk.

Generation is timed but never counted as part of a pipeline figure.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from geo_fixtures.scenario import ScenarioConfig, build_scenario, export_columns, write_scenario
from geo_fixtures.scenario_events import TruthEvent


@dataclass(frozen=True)
class WrittenScenario:
    """A scenario on disk: its CSV and mapping, its size, its truth and how long it took."""

    config: ScenarioConfig
    csv: Path
    mapping: Path
    rows: int
    csv_mib: float
    truth: list[TruthEvent]
    generation_s: float

    @property
    def days(self) -> int:
        return self.config.days


def write(config: ScenarioConfig, out_dir: Path, id_prefix: str | None = None) -> WrittenScenario:
    """Build and write ``config`` into ``out_dir``.

    ``id_prefix`` replaces the generator's ``TS`` ticket-id prefix. A batch generated for the
    day after a scenario numbers its tickets per local day like the scenario does, so the two
    would share ids on the day they both touch and the engine would rightly call the batch's
    rows duplicates.
    """
    began = time.perf_counter()
    scenario = build_scenario(config)
    if id_prefix is not None:
        column = export_columns()["complaint_id"]
        ids = scenario.complaints[column]
        scenario.complaints[column] = id_prefix + ids.str.removeprefix("TS")
    paths = write_scenario(scenario, out_dir)
    return WrittenScenario(
        config=config,
        csv=paths[0],
        mapping=paths[1],
        rows=len(scenario.complaints),
        csv_mib=paths[0].stat().st_size / 1024**2,
        truth=scenario.truth,
        generation_s=time.perf_counter() - began,
    )


def following_batch(base: ScenarioConfig, rows: int, seed: int) -> ScenarioConfig:
    """A batch of about ``rows`` background complaints in the day after ``base`` ends."""
    return replace(
        base,
        seed=seed,
        days=1,
        per_day=rows,
        end=base.end + pd.Timedelta(days=1),
        events=(),
    )
