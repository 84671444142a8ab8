"""The dashboard's logic outside Streamlit: windows, freshness, words, colours, alerts, drill-down.

The fast tests need no data; those marked slow read the published demo scenario.
"""

from __future__ import annotations

import json
import re
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from heatmap import alertpanel, i18n, mapdata, mapstyle, timewindows
from heatmap.drilldown import Target
from heatmap.freshness import Freshness

TZ = "Asia/Shanghai"
LATEST = pd.Timestamp("2026-11-20 17:00", tz=TZ)


# --- windows and playback ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "hours"), [("1h", 1), ("3h", 3), ("24h", 24)], ids=["1h", "3h", "24h"]
)
def test_now_windows_end_with_the_latest_hour(choice: str, hours: int) -> None:
    window = timewindows.map_window(choice, LATEST, None, TZ)
    assert window.window_len == "1h"
    assert window.end == LATEST + pd.Timedelta(hours=1)
    assert window.end - window.start == pd.Timedelta(hours=hours)


def test_a_chosen_day_is_a_calendar_day_in_the_engine_zone() -> None:
    day = pd.Timestamp("2026-11-18 15:30", tz="UTC")  # 23:30 in Shanghai, still the 18th
    window = timewindows.map_window("day", LATEST, day, TZ)
    assert (window.window_len, window.label(TZ)) == ("1d", "2026-11-18")
    assert window.start == pd.Timestamp("2026-11-18", tz=TZ)
    with pytest.raises(ValueError):
        timewindows.map_window("day", LATEST, None, TZ)


@pytest.mark.parametrize(
    ("span", "step", "frames"),
    [("24h", 1, 24), ("24h", 3, 8), ("7d", 1, 168), ("7d", 6, 28), ("7d", 24, 7)],
    ids=["24h-1h", "24h-3h", "7d-1h", "7d-6h", "7d-1d"],
)
@pytest.mark.parametrize("cumulative", [False, True], ids=["windows", "cumulative"])
def test_playback_frames_tile_the_span(span: str, step: int, frames: int, cumulative: bool) -> None:
    found = timewindows.playback_frames(LATEST, span, step, cumulative)
    assert len(found) == frames
    first = timewindows.span_start(LATEST, span)
    assert found[0].start == first and found[-1].end == LATEST + pd.Timedelta(hours=1)
    for before, after in zip(found, found[1:], strict=False):
        assert before.end == after.start
    assert all(f.since == (first if cumulative else f.start) for f in found)


def test_a_playback_step_must_suit_its_span() -> None:
    with pytest.raises(ValueError):
        timewindows.playback_frames(LATEST, "24h", 24, False)


def test_a_frame_sums_its_hours_and_keeps_the_strongest_score() -> None:
    hour = pd.Timedelta(hours=1)
    counts = pd.DataFrame(
        {
            "h3": ["a", "a", "b", "b"],
            "window_start": [LATEST - hour, LATEST, LATEST, LATEST + hour],
            "n": [2, 3, 1, 9],
            "score": [5.0, 1.0, 0.0, 40.0],
            "flagged": [True, False, False, True],
        }
    )
    cells = mapdata.frame_cells(counts, LATEST - hour, LATEST + hour)
    assert cells.to_dict("records") == [
        {"h3": "a", "n": 5, "score": 5.0, "flagged": True},
        {"h3": "b", "n": 1, "score": 0.0, "flagged": False},
    ]


# --- freshness ---------------------------------------------------------------------------------


def test_stale_publication_and_stale_data_are_told_apart() -> None:
    now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    limit = timedelta(minutes=30)
    fresh = Freshness.of({"finished_at": now, "data_until": now}, now, limit)
    assert not fresh.publication_stale and not fresh.data_stale
    quiet_feed = Freshness.of(
        {"finished_at": now - timedelta(minutes=2), "data_until": now - timedelta(hours=3)},
        now,
        limit,
    )
    assert not quiet_feed.publication_stale and quiet_feed.data_stale
    stopped_jobs = Freshness.of(
        {"finished_at": now - timedelta(hours=2), "data_until": now - timedelta(hours=2)},
        now,
        limit,
    )
    assert stopped_jobs.publication_stale


def test_the_stale_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEATMAP_STALE_MINUTES", "90")
    now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    run = {"finished_at": now - timedelta(hours=1), "data_until": now - timedelta(hours=1)}
    assert not Freshness.of(run, now).data_stale


# --- words -------------------------------------------------------------------------------------


def _fields(phrase: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(phrase) if name}


@pytest.mark.parametrize("key", i18n.keys())
def test_every_phrase_exists_in_both_languages_with_the_same_fields(key: str) -> None:
    zh, en = i18n.text("zh", key), i18n.text("en", key)
    assert zh and en
    assert _fields(zh) == _fields(en)


def test_chinese_is_the_default_and_ages_read_naturally() -> None:
    assert i18n.DEFAULT_LANGUAGE == "zh"
    assert i18n.ago("zh", timedelta(seconds=20)) == "刚刚"
    assert i18n.ago("en", timedelta(minutes=45)) == "45 min ago"
    assert i18n.ago("zh", timedelta(days=3, hours=5)) == "3 天前"


# --- colours, legend, layers -------------------------------------------------------------------


def test_colours_rise_with_the_count_and_flagged_cells_are_opaque() -> None:
    frame = pd.DataFrame(
        {"n": [0, 1, 4, 16], "score": [0.0] * 4, "flagged": [False, False, False, True]}
    )
    colours = mapstyle.colour_cells(frame, "n")["colour"].tolist()
    greens = [c[1] for c in colours]
    assert greens == sorted(greens, reverse=True), "pale yellow to deep red"
    assert [c[3] for c in colours] == [150, 150, 150, 235]
    assert colours[-1][:3] == [189, 0, 38]


def test_the_score_scale_is_fixed_so_that_fifty_is_always_deep_red() -> None:
    positions = mapstyle.ramp_position(np.array([0.0, 25.0, 50.0, 400.0]), "score", top=3)
    assert positions.tolist() == [0.0, 0.5, 1.0, 1.0]


def test_a_fixed_top_keeps_playback_frames_comparable() -> None:
    frame = pd.DataFrame({"n": [2], "score": [0.0], "flagged": [False]})
    own = mapstyle.colour_cells(frame, "n")["colour"][0]
    shared = mapstyle.colour_cells(frame, "n", top=50)["colour"][0]
    assert own != shared and shared[1] > own[1]


def test_the_legend_shows_the_ramp_ticks_and_line_styles() -> None:
    legend = mapstyle.legend_html("n", 26, "zh")
    assert "linear-gradient" in legend and ">26<" in legend and "告警范围" in legend
    assert ">50+<" in mapstyle.legend_html("score", 26, "en")


def test_the_opening_view_is_stable_under_small_changes() -> None:
    extent = {"south": 39.69, "north": 40.05, "west": 116.08, "east": 116.58}
    nudged = {k: v + 0.004 for k, v in extent.items()}
    assert mapstyle.view_for_extent(extent) == mapstyle.view_for_extent(nudged)
    assert mapstyle.view_for_extent(None) == mapstyle.BEIJING


def test_no_base_map_is_fetched_unless_one_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(mapstyle.BASEMAP_ENV, raising=False)
    offline = mapstyle.deck([], mapstyle.BEIJING).to_json()
    assert json.loads(offline)["mapStyle"] == "__MAP_STYLE__" and "http" not in offline
    monkeypatch.setenv(mapstyle.BASEMAP_ENV, "http://tiles.noc.local/style.json")
    online = json.loads(mapstyle.deck([], mapstyle.BEIJING).to_json())
    assert online["mapStyle"] == "http://tiles.noc.local/style.json"


def test_literal_layer_settings_are_not_turned_into_expressions() -> None:
    geojson = {"type": "FeatureCollection", "features": []}
    layers = [*mapstyle.base_layers(geojson, "zh"), mapstyle.alert_layer(geojson)]
    spec = json.loads(mapstyle.deck(layers, mapstyle.BEIJING).to_json())
    by_id = {layer["id"]: layer for layer in spec["layers"]}
    assert by_id["district_names"]["characterSet"] == "auto"
    assert by_id["alerts"]["lineWidthUnits"] == "pixels"
    assert by_id["district_names"]["getText"] == "@@=name", "accessors stay expressions"


def test_the_deck_is_sent_compact() -> None:
    cells = pd.DataFrame(
        {"h3": ["8831aa4621fffff"] * 3, "n": [1, 2, 3], "score": [0.0] * 3, "flagged": [False] * 3}
    )
    text = mapstyle.deck(
        [mapstyle.cell_layer(mapstyle.cell_records(cells, "n", "zh"))], {}
    ).to_json()
    assert "\n " not in text and "条投诉" in text, "no indentation, Chinese as UTF-8"


def test_cell_records_carry_a_tooltip_in_the_chosen_language() -> None:
    cells = pd.DataFrame(
        {
            "h3": ["8831aa4621fffff"],
            "n": [7],
            "score": [23.24],
            "flagged": [True],
            "district": ["朝阳区"],
            "district_en": ["Chaoyang"],
        }
    )
    (zh,) = mapstyle.cell_records(cells, "n", "zh")
    (en,) = mapstyle.cell_records(cells, "score", "en")
    assert zh["tip"] == "8831aa4621fffff\n7 条投诉 · 异常分 23.2\n朝阳区"
    assert en["tip"].endswith("Chaoyang") and set(en) == {"h3", "n", "score", "colour", "tip"}


def test_an_empty_window_draws_an_empty_layer() -> None:
    empty = pd.DataFrame(
        {"h3": [], "n": [], "score": [], "flagged": [], "district": [], "district_en": []}
    )
    assert mapstyle.cell_records(empty, "n", "zh") == []
    features = mapstyle.district_features(
        mapdata.district_geojson(), empty.drop(columns="h3"), "score", "en"
    )
    assert len(features["features"]) == 16
    assert {f["properties"]["n"] for f in features["features"]} == {0}


def test_alert_outlines_skip_surges_and_brighten_the_selected() -> None:
    alerts = pd.DataFrame(
        {
            "cluster_id": ["H-1", "S-1"],
            "kind": ["hotspot", "surge"],
            "cells": [["8831aa4621fffff", "8831aa4625fffff"], []],
            "label_zh": ["宽带光衰热点", "流量计费投诉激增"],
            "label": ["fibre-loss hotspot", "data-billing surge"],
            "observed": [118, 2175],
            "expected": [2.1, 272.4],
            "score": [97.0, 235.2],
            "district": ["朝阳区", None],
        }
    )
    plain = mapstyle.alert_features(alerts, set(), "zh")["features"]
    focused = mapstyle.alert_features(alerts, {"H-1"}, "zh")["features"]
    assert [f["properties"]["cluster_id"] for f in plain] == ["H-1"]
    assert plain[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert focused[0]["properties"]["width"] > plain[0]["properties"]["width"]


# --- alerts panel ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "level"), [(400.0, "critical"), (50.0, "critical"), (20.0, "major"), (9.9, "minor")]
)
def test_alert_levels_follow_the_readme_scale(score: float, level: str) -> None:
    assert alertpanel.level(score) == level


def test_an_alert_card_says_what_where_since_when_and_how_bad() -> None:
    alert = {
        "cluster_id": "H-fibre_loss-1",
        "kind": "hotspot",
        "label_zh": "宽带光衰热点",
        "label": "fibre-loss hotspot",
        "status": "ongoing",
        "window_start": pd.Timestamp("2026-11-20 06:00", tz="UTC"),
        "window_end": pd.Timestamp("2026-11-20 10:00", tz="UTC"),
        "observed": 118,
        "expected": 2.1,
        "score": 97.0,
        "severe_share": 0.23,
        "district": "朝阳区",
        "district_en": "Chaoyang",
    }
    until = pd.Timestamp("2026-11-20 17:59", tz=TZ)
    card = alertpanel.card_html(alert, until, TZ, "zh")
    for part in ("宽带光衰热点", "持续", "紧急", "朝阳区", "11-20 14:00", "3 小时", "118", "23%"):
        assert part in card, part
    assert "Chaoyang" in alertpanel.card_html(alert, until, TZ, "en")
    assert "<script" not in alertpanel.card_html({**alert, "label_zh": "<script>"}, until, TZ, "zh")


# --- drill-down targets ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    [
        "cluster:H-fibre_loss-20261120T1400-8831aa4621fffff",
        "cell:8831aa4621fffff",
        "district:朝阳区",
    ],
)
def test_targets_round_trip_through_the_url(token: str) -> None:
    target = Target.parse(token)
    assert target is not None and target.token == token


@pytest.mark.parametrize("token", [None, "", "cell:", "cell:not-a-cell", "planet:mars", "x"])
def test_nonsense_targets_are_ignored(token: str | None) -> None:
    assert Target.parse(token) is None


def test_a_map_click_becomes_a_drill_down_target() -> None:
    from dashboards.panels import _picked

    feature = {"type": "Feature", "properties": {"cluster_id": "H-1"}}
    assert _picked({"alerts": [feature]}) == Target("cluster", "H-1")
    assert _picked({"cells": [{"h3": "8831aa4621fffff"}]}) == Target("cell", "8831aa4621fffff")
    assert _picked({"district_fill": [{"properties": {"district": "朝阳区"}}]}) == Target(
        "district", "朝阳区"
    )
    assert _picked({}) is None


# --- queries on the demo scenario --------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_home: Path):  # type: ignore[no-untyped-def]
    from heatmap.home import Home
    from heatmap.store import current_snapshot, open_snapshot

    con = open_snapshot(current_snapshot(Home(demo_home)), TZ)
    yield mapdata.cursor(con, TZ)
    con.close()


def _latest(demo) -> pd.Timestamp:  # type: ignore[no-untyped-def]
    return timewindows.latest_hour(mapdata.windows(demo, "1h")["window_start"]).tz_convert(TZ)


@pytest.mark.slow
@pytest.mark.parametrize("resolution", [8, 7], ids=["res8", "res7"])
def test_rolled_up_cells_keep_every_complaint(demo, resolution: int) -> None:  # type: ignore[no-untyped-def]
    window = timewindows.map_window("24h", _latest(demo), None, TZ)
    cells = mapdata.cell_layer(demo, window, [], resolution)
    res8 = mapdata.cell_layer(demo, window, [], 8)
    districts = mapdata.district_layer(demo, window, [])
    assert cells["n"].sum() == res8["n"].sum()
    assert districts["n"].sum() <= res8["n"].sum()
    assert cells["h3"].str.len().eq(15).all() and cells["h3"].str[1].eq(str(resolution)).all()
    assert cells["score"].max() == res8["score"].max()


@pytest.mark.slow
def test_the_alert_list_carries_types_and_severity(demo) -> None:  # type: ignore[no-untyped-def]
    alerts = mapdata.alert_list(demo, include_closed=True)
    assert list(alerts["score"]) == sorted(alerts["score"], reverse=True)
    outage = alerts[alerts["issue_type"] == "area_outage"].iloc[0]
    assert {"area_outage", "broadband_down", "mobile_no_signal"} <= set(outage["issue_types"])
    assert 0 < outage["severe_share"] < 1
    assert set(mapdata.alert_list(demo, include_closed=False)["status"]) <= {"new", "ongoing"}


@pytest.mark.slow
def test_a_hotspot_stands_above_its_expected_band_and_lists_masked_complaints(demo) -> None:  # type: ignore[no-untyped-def]
    from heatmap import drilldown

    alerts = mapdata.alert_list(demo, include_closed=True)
    fibre = alerts[alerts["issue_type"] == "fibre_loss"].iloc[0]
    latest = _latest(demo)
    window = timewindows.map_window("1h", latest, None, TZ)
    spatial = ["fibre_loss", "broadband_down", "mobile_no_signal", "area_outage"]
    scope = drilldown.scope_for(
        demo, Target("cluster", fibre["cluster_id"]), alerts, window, latest, [], spatial, TZ
    )
    assert scope is not None and scope.series_len == "1h"
    series = drilldown.series(demo, scope)
    hours = (scope.series_until - scope.series_from) / pd.Timedelta(hours=1)
    assert len(series) == hours, "every hour, zero hours included"
    during = series[series["window_start"] >= pd.Timestamp(fibre["window_start"])]
    assert (during["observed"] > during["high"]).all(), "the event stands above the band"
    before = series[
        series["window_start"] < pd.Timestamp(fibre["window_start"]) - pd.Timedelta(hours=2)
    ]
    assert (before["observed"] <= before["high"] + 1).mean() > 0.9, "normal hours sit in it"
    rows, summary = drilldown.complaints(demo, scope)
    assert summary.total == len(rows) >= fibre["observed"]
    assert rows["customer_masked"].map(lambda m: bool(re.fullmatch(r"\d{3}\*{4}\d{4}", m))).all()
    assert 0 <= summary.repeat_share < 1 and summary.repeats == rows["is_repeat"].sum()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["surge", "data_quality"])
def test_surges_and_pile_ups_have_their_own_series(demo, kind: str) -> None:  # type: ignore[no-untyped-def]
    from heatmap import drilldown

    alerts = mapdata.alert_list(demo, include_closed=True)
    alert = alerts[alerts["kind"] == kind].iloc[0]
    latest = _latest(demo)
    window = timewindows.map_window("1h", latest, None, TZ)
    scope = drilldown.scope_for(
        demo, Target("cluster", alert["cluster_id"]), alerts, window, latest, [], [], TZ
    )
    series = drilldown.series(demo, scope)
    rows, summary = drilldown.complaints(demo, scope)
    if kind == "surge":
        assert series["flagged"].sum() > 5 and (series["expected"] > 0).all()
        assert summary.total >= alert["observed"] * 0.9
    else:
        assert series["expected"].isna().all(), "a pile-up has no expectation"
        assert series["observed"].sum() == alert["observed"] == summary.total


@pytest.mark.slow
def test_a_district_series_is_close_to_its_expectation_on_a_quiet_day(demo) -> None:  # type: ignore[no-untyped-def]
    from heatmap import drilldown

    latest = _latest(demo)
    window = timewindows.map_window("1h", latest, None, TZ)
    alerts = mapdata.alert_list(demo, include_closed=True)
    spatial = ["fibre_loss", "broadband_down", "broadband_slow", "mobile_no_signal"]
    scope = drilldown.scope_for(
        demo, Target("district", "海淀区"), alerts, window, latest, [], spatial, TZ
    )
    series = drilldown.series(demo, scope)
    ratio = series["observed"].sum() / series["expected"].sum()
    assert 0.8 < ratio < 1.25
