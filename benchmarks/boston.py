"""A second city for the detection benchmark: Boston, from the real Boston 311 coordinates.

The population proxy is every geocoded 2015 Boston 311 request (``../shared/data/boston311_2015``,
MIT / PDDL; see that folder's README) except the 17,070 that sit on the City Hall placeholder
(42.3594, −71.0587). Boston is compact and dense: its requests fall in about 200 H3 res-8 cells,
where Beijing's gazetteer spreads over thousands, so the same complaints a day make a background
about 15 times denser per cell. That is the point of a second layout.

The complaints follow the synthetic generator's rhythm, type mix and repeat callers
(:mod:`geo_fixtures.scenario`, whose private steps are reused here so that both cities are drawn
the same way), in Boston local time (America/New_York), and are exported like a Boston 311 feed:
English column and type names, WGS-84 with six decimals, ``MM/DD/YYYY hh:mm:ss AM`` timestamps.
``mapping.toml`` tells the engine how to read it. The generator in ``geo_fixtures`` is left as it
is (its bytes for a given seed are tested), so this layout lives here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import h3
import numpy as np
import pandas as pd

from geo_fixtures.reference import DEFAULT_SHARED_DATA
from geo_fixtures.scenario import (
    CHANNELS,
    SEVERITIES,
    TYPE_SHARE,
    ScenarioConfig,
    _choose,
    _rhythm,
    draw_rows,
)
from geo_fixtures.scenario_events import (
    EventContext,
    PlaceholderPile,
    Planted,
    TruthEvent,
    draw_mix,
)
from heatmap.taxonomy import default_taxonomy

BOSTON_TZ = "America/New_York"
CITY_HALL = (42.3594, -71.0587)  # the 311 feed's placeholder for requests never geocoded
SOURCE = Path("boston311_2015") / "boston311_2015.csv.gz"
# Land-use codes of the assessor's parcels that are homes (residential, apartments, condos).
RESIDENTIAL_LAND_USE = ("R1", "R2", "R3", "R4", "RL", "A", "CD", "RC")
SOURCES = np.array(["Constituent Call", "Citizens Connect App", "Self Service"], dtype=object)
COLUMNS = {
    "complaint_id": "CASE_ENQUIRY_ID",
    "reported_at": "OPEN_DT",
    "issue_type": "TYPE",
    "lat": "LATITUDE",
    "lon": "LONGITUDE",
    "address": "Location",
    "customer": "caller_phone",
    "channel": "Source",
    "severity": "emotion_grade",
}
TIMESTAMP_FORMAT = "%m/%d/%Y %I:%M:%S %p"


@lru_cache(maxsize=2)
def load_population(shared_data: Path = DEFAULT_SHARED_DATA) -> pd.DataFrame:
    """The Boston 311 request points as a gazetteer: ``lat, lon, address, district, residential``.

    Rows on the City Hall placeholder are left out: they are where the feed puts what it could
    not place, not where people are.
    """
    path = Path(shared_data) / SOURCE
    if not path.exists():
        raise FileNotFoundError(
            f"{path} not found: the Boston layout reads the shared Boston 311 data; pass "
            "--shared-data DIR (the folder holding boston311_2015/) or run only Beijing"
        )
    raw = pd.read_csv(
        path,
        usecols=["LATITUDE", "LONGITUDE", "Location", "neighborhood", "land_usage"],
        dtype={"Location": str, "neighborhood": str, "land_usage": str},
    )
    raw = raw.dropna(subset=["LATITUDE", "LONGITUDE"])
    on_city_hall = (raw["LATITUDE"] == CITY_HALL[0]) & (raw["LONGITUDE"] == CITY_HALL[1])
    kept = raw[~on_city_hall]
    return pd.DataFrame(
        {
            "lat": kept["LATITUDE"].to_numpy(np.float64),
            "lon": kept["LONGITUDE"].to_numpy(np.float64),
            "address": kept["Location"].fillna("Boston MA").str.split().str.join(" ").to_numpy(),
            "district": kept["neighborhood"].fillna("").to_numpy(object),
            "residential": kept["land_usage"].isin(RESIDENTIAL_LAND_USE).to_numpy(bool),
        }
    ).reset_index(drop=True)


def mapping_toml() -> str:
    """The column mapping of the Boston-style export."""
    taxonomy = default_taxonomy()
    lines = [
        "# Column mapping for the benchmark's Boston layout (benchmarks/boston.py): a Boston 311",
        "# style CSV, WGS-84, Boston local time without an offset.",
        "",
        "[source]",
        'encoding = "utf-8"',
        'crs = "wgs84"',
        f'timezone = "{BOSTON_TZ}"',
        f'timestamp_format = "{TIMESTAMP_FORMAT}"',
        "",
        "[columns]",
        *(f'{canonical} = "{column}"' for canonical, column in COLUMNS.items()),
        "",
        "[issue_types]",
        *(f'"{taxonomy[code].en}" = "{code}"' for code in taxonomy.codes),
    ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class BostonPlaceholderPile(PlaceholderPile):
    """The City Hall placeholder: unrelated requests of the whole period on one WGS-84 point."""

    event_id: str = "placeholder_pile"
    lat_gcj: float = CITY_HALL[0]  # WGS-84 here: the field names come from the Beijing pile
    lon_gcj: float = CITY_HALL[1]
    n: int = 400

    def plant(self, ctx: EventContext, rng: np.random.Generator) -> Planted:
        a, b = ctx.window(self.event_id, ctx.start, ctx.end)
        lat, lon = np.full(self.n, self.lat_gcj), np.full(self.n, self.lon_gcj)
        idx = ctx.population(rng, self.n)
        vague = np.array(["Boston MA", "UNKNOWN", "1 City Hall Sq Boston MA 02108"], dtype=object)
        address = np.where(rng.random(self.n) < 0.5, vague[rng.integers(0, 3, self.n)], "")
        address = np.where(address == "", ctx.gaz_address[idx], address)
        shape = f"single coordinate (WGS-84 {self.lat_gcj:.4f}, {self.lon_gcj:.4f})"
        text = f"{self.n} unrelated complaints of every kind over the whole period at one point"
        truth = ctx.truth(self, "data_quality", None, (a, b), (lat[0], lon[0]), shape, text)
        types = draw_mix(rng, tuple(ctx.type_share.items()), self.n)
        t = ctx.rhythm_times(rng, self.n, a, b)
        return Planted(truth, t, types, lat, lon, address, False, 0.0)


@dataclass(frozen=True)
class BostonScenario:
    """Rows of the export, the event of each row, and the truth (cells filled in)."""

    config: ScenarioConfig
    complaints: pd.DataFrame
    event_ids: pd.Series
    truth: list[TruthEvent]


def _boston_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """Ten-digit numbers in Boston's 617 area code."""
    return 617_000_0000 + rng.integers(0, 10**7, n)


def build_boston(config: ScenarioConfig, population: pd.DataFrame) -> BostonScenario:
    """The Boston layout of ``config`` (``config.end`` in any zone; the rhythm is Boston's)."""
    end = config.end.tz_convert(BOSTON_TZ)
    start = end - pd.Timedelta(days=config.days)
    slot_start, slot_weight = _rhythm(start, end, config.per_day)
    taxonomy = default_taxonomy()
    ctx = EventContext(start, end, population, slot_start, slot_weight, TYPE_SHARE, taxonomy)
    residential = population["residential"].to_numpy(bool)
    render_rng, rows, planted = draw_rows(config, ctx, residential, _boston_numbers)
    # 6 decimals, as written: the truth's cells come from these rows
    rows["lat"], rows["lon"] = np.round(rows["lat"], 6), np.round(rows["lon"], 6)
    complaints = _render(render_rng, rows)
    truth = [_with_cells(rows, p.truth) for p in planted]
    return BostonScenario(config, complaints, rows["event_id"], truth)


def _with_cells(rows: pd.DataFrame, truth: TruthEvent) -> TruthEvent:
    if truth.kind == "surge":
        return truth
    mine = rows[rows["event_id"] == truth.event_id]
    points = set(zip(mine["lat"].tolist(), mine["lon"].tolist(), strict=True))
    return replace(truth, cells=tuple(sorted({h3.latlng_to_cell(a, b, 8) for a, b in points})))


def _render(rng: np.random.Generator, rows: pd.DataFrame) -> pd.DataFrame:
    taxonomy = default_taxonomy()
    local = pd.to_datetime(rows["t"].to_numpy(), unit="s", utc=True).tz_convert(BOSTON_TZ)
    names = np.array([taxonomy[code].en for code in taxonomy.codes], dtype=object)
    type_idx = pd.Index(taxonomy.codes).get_indexer(rows["issue_type"])
    urgent = rows["urgent"].to_numpy()
    return pd.DataFrame(
        {
            COLUMNS["complaint_id"]: [f"BOS{i:09d}" for i in range(1, len(rows) + 1)],
            COLUMNS["reported_at"]: local.strftime(TIMESTAMP_FORMAT),
            COLUMNS["issue_type"]: names[type_idx],
            COLUMNS["lat"]: rows["lat"].to_numpy(),
            COLUMNS["lon"]: rows["lon"].to_numpy(),
            COLUMNS["address"]: rows["address"].to_numpy(),
            COLUMNS["customer"]: rows["phone"].astype(str).to_numpy(),
            COLUMNS["channel"]: _choose(rng, SOURCES, CHANNELS[1], CHANNELS[2], urgent),
            COLUMNS["severity"]: _choose(rng, SEVERITIES[0], SEVERITIES[1], SEVERITIES[2], urgent),
        }
    )


def write_boston(scenario: BostonScenario, out_dir: Path) -> tuple[Path, Path]:
    """Write ``complaints.csv``, ``mapping.toml`` and ``truth.json``; the CSV and mapping paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv, mapping = out_dir / "complaints.csv", out_dir / "mapping.toml"
    scenario.complaints.to_csv(
        csv, index=False, encoding="utf-8", float_format="%.6f", lineterminator="\n"
    )
    mapping.write_text(mapping_toml(), encoding="utf-8")
    truth = [event.to_json() for event in scenario.truth]
    (out_dir / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return csv, mapping
