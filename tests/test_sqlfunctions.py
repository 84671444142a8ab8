"""The H3 SQL functions registered by prepare_connection, checked against h3-py."""

from __future__ import annotations

import duckdb
import h3
import pytest

from heatmap.sqlfunctions import H3_FUNCTION_NAMES, prepare_connection


@pytest.fixture()
def con():
    connection = prepare_connection(duckdb.connect())
    yield connection
    connection.close()


def test_every_documented_function_is_registered(con) -> None:
    registered = {
        r[0] for r in con.execute("SELECT function_name FROM duckdb_functions()").fetchall()
    }
    assert set(H3_FUNCTION_NAMES) <= registered
    for required in (
        "h3_latlng_to_cell",
        "h3_cell_to_parent",
        "h3_cell_to_boundary_wkt",
        "h3_grid_disk",
    ):
        assert required in H3_FUNCTION_NAMES


def test_time_zone_is_set(con) -> None:
    assert con.execute("SELECT current_setting('TimeZone')").fetchone() == ("Asia/Shanghai",)
    day = con.execute(
        "SELECT date_trunc('day', TIMESTAMPTZ '2026-11-01 17:30:00+00')::VARCHAR"
    ).fetchone()
    assert day == ("2026-11-02 00:00:00+08",)


def test_functions_agree_with_h3py_over_a_table(con) -> None:
    con.execute(
        "CREATE TABLE pts AS SELECT 39.5 + i / 1000.0 AS lat, 116.0 + i / 700.0 AS lng "
        "FROM range(500) t(i)"
    )
    rows = con.execute(
        "SELECT lat, lng, h3_latlng_to_cell(lat, lng, 8) AS c, "
        "h3_cell_to_string(h3_latlng_to_cell(lat, lng, 8)) AS s, "
        "h3_cell_to_parent(h3_latlng_to_cell(lat, lng, 8), 6) AS p, "
        "h3_get_resolution(h3_latlng_to_cell(lat, lng, 8)) AS r, "
        "len(h3_grid_disk(h3_latlng_to_cell(lat, lng, 8), 2)) AS d "
        "FROM pts"
    ).fetchall()
    for lat, lng, cell, text, parent, res, disk in rows:
        ref = h3.latlng_to_cell(lat, lng, 8)
        assert (cell, text, res, disk) == (h3.str_to_int(ref), ref, 8, 19)
        assert parent == h3.str_to_int(h3.cell_to_parent(ref, 6))


def test_string_and_centre_functions(con) -> None:
    ref = h3.latlng_to_cell(39.9087, 116.3975, 8)
    cell, lat, lng, wkt = con.execute(
        "SELECT h3_string_to_cell($s), h3_cell_to_lat(h3_string_to_cell($s)), "
        "h3_cell_to_lng(h3_string_to_cell($s)), h3_cell_to_boundary_wkt(h3_string_to_cell($s))",
        {"s": ref},
    ).fetchone()
    assert cell == h3.str_to_int(ref)
    assert (lat, lng) == pytest.approx(h3.cell_to_latlng(ref), abs=1e-9)
    assert wkt.startswith("POLYGON ((") and wkt.count(",") == 6


def test_null_and_invalid_input_give_null_not_an_error(con) -> None:
    row = con.execute(
        "SELECT h3_latlng_to_cell(NULL, 116.0, 8), h3_latlng_to_cell(95.0, 116.0, 8), "
        "h3_string_to_cell('not-a-cell')"
    ).fetchone()
    assert row == (None, None, None)


def test_pure_sql_hex_equals_the_h3_string(con) -> None:
    """The published views turn cells into strings without UDFs: lower(hex(cell))."""
    same = con.execute(
        "SELECT bool_and(lower(hex(c)) = h3_cell_to_string(c)) FROM "
        "(SELECT h3_latlng_to_cell(-60 + i / 10.0, -170 + i / 3.0, ((i + r) % 16)::INTEGER) AS c "
        "FROM range(1000) t(i), range(16) s(r))"
    ).fetchone()
    assert same == (True,)
