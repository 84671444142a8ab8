"""The parsers of source text (heatmap/sql/ingest/parsers.sql), one value at a time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heatmap.ingest import AUTO_NAIVE_FORMATS, AUTO_OFFSET_FORMATS
from heatmap.sqlfiles import read_sql, split_statements

SHANGHAI = ZoneInfo("Asia/Shanghai")
FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64)
LATITUDES = st.floats(min_value=-90, max_value=90)
LONGITUDES = st.floats(min_value=-180, max_value=180)
SPACE = st.sampled_from(["", " ", "  ", "\t"])


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    for statement in split_statements(read_sql("heatmap", "ingest/parsers")):
        connection.execute(statement)
    yield connection
    connection.close()


def one(con: duckdb.DuckDBPyConnection, expression: str, **params: object) -> object:
    row = con.execute(f"SELECT {expression}", params).fetchone()
    assert row is not None
    return row[0]


@given(value=FINITE, pad=SPACE)
@settings(max_examples=150, deadline=None)
def test_a_number_reads_back_exactly(
    con: duckdb.DuckDBPyConnection, value: float, pad: str
) -> None:
    assert one(con, "hm_number($t)", t=f"{pad}{value!r}{pad}") == value


@pytest.mark.parametrize("text", ["北纬39.9", "39,9", "39.9.1", "0x10", "", "  ", "1 2"], ids=repr)
def test_text_that_is_not_a_number_is_null(con: duckdb.DuckDBPyConnection, text: str) -> None:
    assert one(con, "hm_number($t)", t=text) is None


@given(lat=LATITUDES, lon=LONGITUDES, pad=SPACE, upper=st.booleans())
@settings(max_examples=150, deadline=None)
def test_wkt_points_are_longitude_first(
    con: duckdb.DuckDBPyConnection, lat: float, lon: float, pad: str, upper: bool
) -> None:
    text = f"{pad}{'POINT' if upper else 'point'}{pad}({pad}{lon!r} {lat!r}{pad}){pad}"
    assert one(con, "[hm_coordinates_lat($t), hm_coordinates_lon($t)]", t=text) == [lat, lon]


@given(
    lat=LATITUDES,
    lon=LONGITUDES,
    brackets=st.sampled_from(["()", "[]", "  "]),
    separator=st.sampled_from([",", ", ", " ,", ";", "，"]),
)
@settings(max_examples=150, deadline=None)
def test_pairs_are_latitude_first(
    con: duckdb.DuckDBPyConnection, lat: float, lon: float, brackets: str, separator: str
) -> None:
    text = f"{brackets[0]}{lat!r}{separator}{lon!r}{brackets[1]}".strip()
    assert one(con, "[hm_coordinates_lat($t), hm_coordinates_lon($t)]", t=text) == [lat, lon]


@pytest.mark.parametrize(
    "text", ["POINT EMPTY", "POINT (1)", "LINESTRING (1 2, 3 4)", "(1, 2, 3)", "东经116"]
)
def test_other_coordinate_text_is_not_a_position(con: duckdb.DuckDBPyConnection, text: str) -> None:
    assert one(con, "[hm_coordinates_lat($t), hm_coordinates_lon($t)]", t=text) == [None, None]


MOMENTS = st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2037, 12, 30)).map(
    lambda moment: moment.replace(microsecond=0)
)


@given(moment=MOMENTS, fmt=st.sampled_from(AUTO_NAIVE_FORMATS))
@settings(max_examples=200, deadline=None)
def test_naive_times_in_every_automatic_format_are_local_instants(
    con: duckdb.DuckDBPyConnection, moment: datetime, fmt: str
) -> None:
    if "%S" not in fmt:
        moment = moment.replace(second=0)
    instant = one(
        con,
        "hm_instant($t, 'Asia/Shanghai', $naive, $offset)",
        t=moment.strftime(fmt),
        naive=AUTO_NAIVE_FORMATS,
        offset=AUTO_OFFSET_FORMATS,
    )
    assert instant == moment.replace(tzinfo=SHANGHAI)  # Shanghai has no DST: one reading


@given(moment=MOMENTS, hours=st.integers(-12, 14))
@settings(max_examples=100, deadline=None)
def test_times_with_an_offset_or_z_are_that_instant(
    con: duckdb.DuckDBPyConnection, moment: datetime, hours: int
) -> None:
    aware = moment.replace(tzinfo=UTC).astimezone(timezone(timedelta(hours=hours)))
    texts = [aware.isoformat(), aware.strftime("%Y-%m-%d %H:%M:%S%z")]
    texts += [moment.strftime("%Y-%m-%dT%H:%M:%SZ")] if hours == 0 else []
    for text in texts:
        got = one(
            con,
            "hm_instant($t, 'Asia/Shanghai', $naive, $offset)",
            t=text,
            naive=AUTO_NAIVE_FORMATS,
            offset=AUTO_OFFSET_FORMATS,
        )
        assert got == aware, text


def test_naive_boston_times_follow_daylight_saving(con: duckdb.DuckDBPyConnection) -> None:
    formats = ["%m/%d/%Y %I:%M:%S %p"]
    winter, summer = (
        one(con, "hm_instant($t, 'America/New_York', $f, $o)", t=t, f=formats, o=formats)
        for t in ("01/15/2015 09:00:00 AM", "07/15/2015 09:00:00 AM")
    )
    assert winter.astimezone(UTC).hour == 14 and summer.astimezone(UTC).hour == 13


@given(moment=MOMENTS, fmt=st.sampled_from(AUTO_NAIVE_FORMATS))
@settings(max_examples=100, deadline=None)
def test_real_dates_are_never_called_impossible(
    con: duckdb.DuckDBPyConnection, moment: datetime, fmt: str
) -> None:
    assert one(con, "hm_impossible_instant($t)", t=moment.strftime(fmt)) is False


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-29 10:00:00",
        "2026-02-30 10:00",
        "2026-04-31 10:00:00",
        "2026-13-01 10:00:00",
        "2026-00-10 10:00:00",
        "2026-03-01 24:00:00",
        "2026-03-01 10:60:00",
        "2026/3/1 10:00:61",
        "2026年2月30日 10:00",
        "02/30/2026 10:00:00 AM",
        "13/01/2026 10:00",
    ],
)
def test_impossible_calendar_values_are_recognised(
    con: duckdb.DuckDBPyConnection, text: str
) -> None:
    assert one(con, "hm_impossible_instant($t)", t=text) is True


@pytest.mark.parametrize("text", ["yesterday", "2026.03.01", "10:00", "2024-02-29 10:00"])
def test_unknown_but_possible_text_is_not_impossible(
    con: duckdb.DuckDBPyConnection, text: str
) -> None:
    assert one(con, "hm_impossible_instant($t)", t=text) is False
