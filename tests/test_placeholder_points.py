"""Placeholder pile-ups (pipelines/sql/placeholder_points.sql): found, and only them.

A geocoder's placeholder collects a random sample of everything the city reports, on nearly every
day; a busy real address collects a few kinds, or one burst. Both kinds of pile are planted in
a synthetic city with coordinates at 4 decimals (like Boston's), and the detector must tell
them apart in both directions. The real Boston file is checked in tests/test_ingest_boston.py.
Fed batch by batch, only the coordinates each batch touches are recounted: the piles must be
those of every complaint at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from heatmap.home import Home
from heatmap.store import open_writer
from pipelines.aggregate import refresh_placeholders
from pipelines.settings import RunSettings

TYPES = [f"type_{i:02d}" for i in range(12)]
SHARES = np.array([0.2, 0.15, 0.12, 0.1, 0.09, 0.08, 0.07, 0.06, 0.05, 0.04, 0.02, 0.02])
START = datetime(2026, 9, 1, tzinfo=UTC)
DAYS = 60


def _rows(
    rng: np.random.Generator,
    n: int,
    lat: float | np.ndarray,
    lon: float | np.ndarray,
    types: list[str] | np.ndarray,
    first_day: float = 0,
    days: float = DAYS,
    precision: str = "point",
    source: str = "coordinates",
) -> pd.DataFrame:
    seconds = rng.uniform(first_day * 86400, (first_day + days) * 86400, n)
    return pd.DataFrame(
        {
            "reported_at": [START + timedelta(seconds=float(s)) for s in seconds],
            "issue_type": types,
            "lat": np.broadcast_to(lat, n),
            "lon": np.broadcast_to(lon, n),
            "precision": precision,
            "position_source": source,
        }
    )


def _city_mix(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.choice(TYPES, size=n, p=SHARES)


PLACEHOLDER = (39.9042, 116.4074)
LATE_PLACEHOLDER = (39.95, 116.35)
BUSY_ADDRESS = (39.91, 116.42)
BURST = (39.87, 116.38)
HALF_THE_TYPES = (39.93, 116.45)
GEOCODED_CENTRE = (39.9219, 116.4436)
SMALL_PILE = (39.89, 116.33)
# A placeholder for its first days, until a flood of one type on days 40-50 shows it is not.
FADING = (39.86, 116.47)
# Like 1 City Hall Plaza in Boston: many kinds of complaint, but mostly a few of them.
BUSY_MIX = [0.45, 0.2, 0.1, 0.08, 0.07, 0.05, 0.03, 0.02]


def _planted() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    background = _rows(
        rng,
        6000,
        np.round(rng.uniform(39.8, 40.0, 6000), 4),
        np.round(rng.uniform(116.2, 116.6, 6000), 4),
        _city_mix(rng, 6000),
    )
    frames = [
        background,
        _rows(rng, 300, *PLACEHOLDER, _city_mix(rng, 300)),
        _rows(rng, 150, *LATE_PLACEHOLDER, _city_mix(rng, 150), first_day=30, days=30),
        _rows(rng, 300, *BUSY_ADDRESS, rng.choice(TYPES[:3], size=300, p=[0.6, 0.3, 0.1])),
        _rows(rng, 150, *BURST, _city_mix(rng, 150)[:150], first_day=10, days=0.3),
        _rows(rng, 120, *HALF_THE_TYPES, rng.choice(TYPES[::2], size=120)),
        _rows(
            rng, 300, *GEOCODED_CENTRE, _city_mix(rng, 300), precision="district", source="geocoded"
        ),
        _rows(rng, 40, *SMALL_PILE, _city_mix(rng, 40)),
        _rows(rng, 100, *FADING, _city_mix(rng, 100), days=20),
        _rows(rng, 600, *FADING, TYPES[:1] * 600, first_day=40, days=10),
    ]
    complaints = pd.concat(frames, ignore_index=True)
    complaints["complaint_id"] = [f"c{i}" for i in range(len(complaints))]
    return complaints


def _insert(con: duckdb.DuckDBPyConnection, complaints: pd.DataFrame, batch_id: int) -> None:
    con.register("planted", complaints.assign(batch_id=batch_id))
    con.execute(
        "INSERT INTO store.complaints BY NAME SELECT complaint_id, reported_at, issue_type, "
        "lat, lon, h3_latlng_to_cell(lat, lon, 8) AS cell, 8 AS resolution, precision, "
        "position_source, 'wgs84' AS source_crs, batch_id, 1 AS source_row FROM planted"
    )
    con.unregister("planted")


@pytest.fixture(scope="module")
def flagged(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[set, duckdb.DuckDBPyConnection]]:
    home = Home(tmp_path_factory.mktemp("piles") / "home").ensure()
    with open_writer(home, "Asia/Shanghai") as con:
        _insert(con, _planted(), 1)
        refresh_placeholders(con, RunSettings(), after_batch=0)
        points = {
            tuple(r)
            for r in con.execute("SELECT lat, lon FROM store.placeholder_points").fetchall()
        }
        yield points, con


def test_placeholders_are_found_even_one_that_started_late(flagged) -> None:  # type: ignore[no-untyped-def]
    points, _ = flagged
    assert PLACEHOLDER in points and LATE_PLACEHOLDER in points


@pytest.mark.parametrize(
    "point",
    [BUSY_ADDRESS, BURST, HALF_THE_TYPES, GEOCODED_CENTRE, SMALL_PILE],
    ids=["busy-address-few-types", "one-day-burst", "half-the-types", "geocoded", "under-50"],
)
def test_real_piles_are_not_placeholders(flagged, point: tuple[float, float]) -> None:  # type: ignore[no-untyped-def]
    points, _ = flagged
    assert point not in points


def test_nothing_else_is_flagged(flagged) -> None:  # type: ignore[no-untyped-def]
    points, _ = flagged
    assert points == {PLACEHOLDER, LATE_PLACEHOLDER}


def test_the_view_marks_them_and_only_points_are_counted(flagged) -> None:  # type: ignore[no-untyped-def]
    _, con = flagged
    precision = dict(
        con.execute("SELECT precision, count(*) FROM complaints GROUP BY ALL").fetchall()
    )
    assert precision["placeholder"] == 450 and precision["district"] == 300


def _piles(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {
        table: con.execute(f"SELECT * FROM store.{table} ORDER BY ALL").fetchall()
        for table in ("placeholder_points", "busy_points", "point_volumes")
    }


def test_batch_by_batch_the_piles_are_those_of_all_at_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Six batches of ten days: after each, the piles (and what they are judged on) recounted
    from the batch's coordinates equal those counted from every complaint so far, as piles
    appear and one stops being a pile."""
    complaints = _planted()
    batch_of = 1 + (pd.to_datetime(complaints["reported_at"]) - START).dt.days // 10
    settings, seen = RunSettings(), []
    with open_writer(Home(tmp_path / "home").ensure(), "Asia/Shanghai") as con:
        for batch_id in sorted(int(b) for b in batch_of.unique()):
            _insert(con, complaints[batch_of == batch_id], batch_id)
            refresh_placeholders(con, settings, after_batch=batch_id - 1)
            incremental = _piles(con)
            refresh_placeholders(con, settings, after_batch=0)
            assert incremental == _piles(con), f"after batch {batch_id}"
            seen.append({(lat, lon) for lat, lon, *_ in incremental["placeholder_points"]})
        # another floor, or another zone for the days, counts every complaint again
        settings = RunSettings(placeholder_min_complaints=30)
        refresh_placeholders(con, settings, after_batch=batch_id)
        assert SMALL_PILE in {(lat, lon) for lat, lon, *_ in _piles(con)["busy_points"]}
        con.execute("SET TimeZone = 'UTC'")
        refresh_placeholders(con, settings, after_batch=batch_id)
        incremental = _piles(con)
        refresh_placeholders(con, settings, after_batch=0)
        assert incremental == _piles(con)
    assert seen == [
        {FADING},
        {PLACEHOLDER, FADING},
        {PLACEHOLDER, FADING},
        {PLACEHOLDER, FADING, LATE_PLACEHOLDER},
        {PLACEHOLDER, LATE_PLACEHOLDER},  # flooded by one type: no longer a placeholder
        {PLACEHOLDER, LATE_PLACEHOLDER},
    ]
