"""The City of Boston's 311 requests of 2015, end to end through the shipped mapping.

A real feed with its own schema, local times with daylight saving, 4-decimal coordinates and a
geocoder's placeholder: 17,070 requests at City Hall (42.3594, -71.0587).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from heatmap.home import Home
from heatmap.ingest import IngestSummary, ingest_file
from heatmap.mapping import load_mapping
from heatmap.store import open_writer
from heatmap.taxonomy import default_taxonomy
from pipelines.aggregate import refresh_placeholders
from pipelines.settings import RunSettings
from tests.conftest import REPO, SHARED_DATA

BOSTON = SHARED_DATA / "boston311_2015" / "boston311_2015.csv.gz"
MAPPING = REPO / "geo_fixtures" / "mappings" / "boston311.toml"
CITY_HALL = (42.3594, -71.0587)
CITY_HALL_PLAZA = (42.3601, -71.0579)  # "1 City Hall Plz": a real, busy address (387 requests)

pytestmark = pytest.mark.skipif(
    not BOSTON.is_file(),
    reason=f"the shared Boston 311 file is not at {BOSTON} (../shared/data next to the repo)",
)


@pytest.fixture(scope="module")
def boston(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[IngestSummary, duckdb.DuckDBPyConnection]]:
    home = Home(tmp_path_factory.mktemp("boston") / "home").ensure()
    with open_writer(home, "America/New_York") as con:
        summary = ingest_file(
            con, BOSTON, load_mapping(MAPPING), default_taxonomy(), b"k", home.work_dir
        )
        refresh_placeholders(con, RunSettings(), after_batch=0)
        yield summary, con


def test_every_row_is_accounted_for(boston) -> None:  # type: ignore[no-untyped-def]
    summary, con = boston
    assert summary.rows_read == 121_145
    assert summary.accepted + summary.quarantined + summary.duplicates == summary.rows_read
    assert (summary.accepted, summary.quarantined, summary.duplicates) == (121_145, 0, 0)
    assert con.execute("SELECT count(DISTINCT complaint_id) FROM complaints").fetchone() == (
        121_145,
    )


def test_local_times_follow_boston_daylight_saving(boston) -> None:  # type: ignore[no-untyped-def]
    _, con = boston
    stored = dict(
        con.execute(
            "SELECT complaint_id, reported_at FROM store.complaints "
            "WHERE complaint_id IN ('101001242404', '101001421159')"
        ).fetchall()
    )
    assert stored == {
        "101001242404": datetime(2015, 1, 5, 17, 40, 41, tzinfo=UTC),  # 12:40:41 PM, EST -5
        "101001421159": datetime(2015, 7, 1, 13, 50, 0, tzinfo=UTC),  # 09:50:00 AM, EDT -4
    }


def test_city_hall_is_the_one_placeholder_and_is_not_counted(boston) -> None:  # type: ignore[no-untyped-def]
    _, con = boston
    points = con.execute("SELECT lat, lon, n FROM store.placeholder_points").fetchall()
    assert points == [(*CITY_HALL, 17_070)]
    precision = dict(
        con.execute("SELECT precision, count(*) FROM complaints GROUP BY ALL").fetchall()
    )
    assert precision == {"placeholder": 17_070, "point": 121_145 - 17_070}


def test_busy_real_addresses_stay_points(boston) -> None:  # type: ignore[no-untyped-def]
    _, con = boston
    busiest = con.execute(
        "SELECT lat, lon, count(*) AS n, count(DISTINCT issue_type) AS types FROM complaints "
        "WHERE precision = 'point' GROUP BY ALL ORDER BY n DESC LIMIT 20"
    ).fetchall()
    assert busiest[0][:3] == (*CITY_HALL_PLAZA, 387)
    assert all(n >= 35 and types >= 2 for _, _, n, types in busiest)  # piles, and not flagged


def test_the_mapping_file_is_the_one_documented() -> None:
    mapping = load_mapping(MAPPING)
    assert mapping.source.timezone == "America/New_York"
    assert mapping.source.service_area is not None
    assert mapping.source.service_area.contains(*CITY_HALL)
    assert Path(mapping.origin).name == "boston311.toml"
