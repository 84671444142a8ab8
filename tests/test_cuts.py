"""pipelines.cuts: the cuts of a long span, against hand-computed local midnights."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pandas as pd

from heatmap.sqlfunctions import prepare_connection
from pipelines.cuts import cut_instants


def _at(text: str, zone: str = "America/New_York") -> pd.Timestamp:
    return pd.Timestamp(text, tz=zone)


def test_cuts_are_local_midnights_across_a_dst_change() -> None:
    con = duckdb.connect()
    prepare_connection(con, "America/New_York")
    cuts = cut_instants(con, _at("2015-01-01"), _at("2015-12-01"), timedelta(days=90))
    # 2015-01-01 + 90, 180, 270 calendar days; the clocks moved on 2015-03-08 and 2015-11-01
    assert [pd.Timestamp(c) for c in cuts] == [
        _at("2015-04-01"),
        _at("2015-06-30"),
        _at("2015-09-28"),
    ]
    assert pd.Timestamp(cuts[0]).utcoffset() == timedelta(hours=-4)


def test_a_span_shorter_than_a_step_has_no_cut_and_the_end_is_never_one() -> None:
    con = duckdb.connect()
    prepare_connection(con, "Asia/Shanghai")
    day = _at("2026-11-01", "Asia/Shanghai")
    assert cut_instants(con, day, day + timedelta(days=20), timedelta(days=90)) == []
    assert cut_instants(con, day, day, timedelta(days=1)) == []
    cuts = cut_instants(con, day, day + timedelta(days=3), timedelta(days=1))
    assert [pd.Timestamp(c) for c in cuts] == [day + timedelta(days=1), day + timedelta(days=2)]
