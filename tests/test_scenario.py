"""The seeded scenario generator: reproducible, realistic rows, truth that matches the export."""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import replace

import h3
import numpy as np
import pandas as pd
import pytest

from geo_fixtures.scenario import ScenarioConfig, build_scenario, main, write_scenario
from geo_fixtures.scenario_events import AreaHotspot, RoadHotspot
from heatmap.coords import gcj02_to_wgs84
from heatmap.taxonomy import default_taxonomy

SMALL = ScenarioConfig(days=10, per_day=400)
FILES = ("complaints.csv", "mapping.toml", "truth.json", "README.md")


@pytest.fixture(scope="module")
def scenario():
    return build_scenario(SMALL)


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory, scenario):
    out = tmp_path_factory.mktemp("scenario")
    write_scenario(scenario, out)
    return out


@pytest.fixture(scope="module")
def csv(out_dir):
    """The export as written, every field as its exact text."""
    return pd.read_csv(out_dir / "complaints.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def truth(out_dir):
    return {event["event_id"]: event for event in json.loads((out_dir / "truth.json").read_text())}


def planted_rows(scenario, csv, event_id):
    ids = set(scenario.complaints.loc[(scenario.event_ids == event_id).to_numpy(), "工单编号"])
    return csv[csv["工单编号"].isin(ids)]


def haversine_m(a, b):
    (lat1, lon1), (lat2, lon2) = np.radians(a), np.radians(b)
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def test_same_seed_gives_byte_identical_files(tmp_path, out_dir):
    write_scenario(build_scenario(SMALL), tmp_path)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (out_dir / name).read_bytes(), name


def test_different_seed_gives_different_complaints(scenario):
    other = build_scenario(replace(SMALL, seed=7))
    assert not other.complaints.equals(scenario.complaints)
    assert set(other.complaints["主叫号码"]).isdisjoint(set(scenario.complaints["主叫号码"][:50]))


def test_row_count_is_per_day_times_days_plus_planted(scenario, truth):
    planted = sum(event["n_planted"] for event in truth.values())
    assert (scenario.event_ids != "background").sum() == planted
    background = len(scenario.complaints) - planted
    assert abs(background - SMALL.per_day * SMALL.days) < 0.05 * SMALL.per_day * SMALL.days


def test_rows_look_like_a_ticket_export(csv):
    assert csv["工单编号"].is_unique
    assert csv["工单编号"].str.fullmatch(r"TS\d{8}\d{6}").all()
    assert csv["受理时间"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").all()
    assert csv["受理时间"].is_monotonic_increasing
    assert (csv["工单编号"].str[2:10] == csv["受理时间"].str[:10].str.replace("-", "")).all()
    assert (
        csv["纬度"].str.fullmatch(r"\d\d\.\d{6}").all()
        and csv["经度"].str.fullmatch(r"1\d\d\.\d{6}").all()
    )
    assert csv["主叫号码"].str.fullmatch(r"1[3-9]\d{9}").all()
    assert set(csv["受理渠道"]) == {"热线", "APP", "网厅"}
    assert set(csv["情绪等级"]) == set("ABCD")
    assert (csv["投诉地址"] != "").all() and (csv["投诉内容"] != "").all()
    assert set(csv["投诉类型"]) == {t.zh for t in default_taxonomy().types}


def test_times_cover_the_period_with_a_daily_rhythm(csv):
    at = pd.to_datetime(csv["受理时间"]).dt.tz_localize("Asia/Shanghai")
    end = SMALL.end
    assert at.min() >= end - pd.Timedelta(days=SMALL.days) and at.max() < end
    hours = at.dt.hour.value_counts()
    assert hours[[2, 3, 4]].sum() * 10 < hours[[10, 11, 20]].sum()


def test_repeat_callers_call_again_within_days(csv):
    at = pd.to_datetime(csv["受理时间"])
    gap = at.groupby(csv["主叫号码"]).diff()
    assert 0.05 < gap.notna().mean() < 0.25
    assert gap.median() < pd.Timedelta(days=5)


@pytest.mark.parametrize(
    "event_id", ["fibre_loss_e4ring", "area_outage_wangjing", "no_signal_lugu", "placeholder_pile"]
)
def test_planted_complaints_fall_in_their_truth_cells(scenario, csv, truth, event_id):
    rows = planted_rows(scenario, csv, event_id)
    assert len(rows) == truth[event_id]["n_planted"]
    lon, lat = gcj02_to_wgs84(
        rows["经度"].astype(float).to_numpy(), rows["纬度"].astype(float).to_numpy()
    )
    cells = {h3.latlng_to_cell(a, b, 8) for a, b in zip(lat, lon, strict=True)}
    assert cells == set(truth[event_id]["cells"])
    assert truth[event_id]["cells"] == sorted(truth[event_id]["cells"])


def test_fibre_loss_truth_is_long_and_live_at_the_end(truth):
    fibre = truth["fibre_loss_e4ring"]
    centres = [h3.cell_to_latlng(cell) for cell in fibre["cells"]]
    span = max(haversine_m(a, b) for a in centres for b in centres)
    assert span >= 3000
    assert max(h3.grid_distance(a, b) for a in fibre["cells"] for b in fibre["cells"]) >= 4
    assert pd.Timestamp(fibre["end"]) == SMALL.end
    assert (
        pd.Timedelta(hours=3) <= SMALL.end - pd.Timestamp(fibre["start"]) <= pd.Timedelta(hours=8)
    )


def test_events_lie_in_the_last_eight_days(truth):
    for event in truth.values():
        assert event["start"].endswith("+08:00") and event["end"].endswith("+08:00")
        if event["kind"] != "data_quality":
            assert pd.Timestamp(event["start"]) >= SMALL.end - pd.Timedelta(days=8)


def test_placeholder_pile_is_one_exact_coordinate_of_many_types(scenario, csv):
    rows = planted_rows(scenario, csv, "placeholder_pile")
    assert len(rows.groupby(["纬度", "经度"])) == 1
    assert rows["投诉类型"].nunique() >= 5
    days = pd.to_datetime(rows["受理时间"]).dt.date.nunique()
    assert days >= SMALL.days - 1


def test_background_makes_no_exact_coordinate_pile(scenario, csv):
    background = csv[(scenario.event_ids == "background").to_numpy()]
    assert background.groupby(["纬度", "经度"]).size().max() <= 10
    piles = csv.groupby(["纬度", "经度"]).size()
    assert (piles > 10).sum() == 1


def test_surge_day_has_far_more_data_billing(csv, truth):
    surge = truth["data_billing_surge"]
    assert surge["cells"] == []
    billing = csv[csv["投诉类型"] == default_taxonomy()["data_billing"].zh]
    per_day = billing.groupby(billing["受理时间"].str[:10]).size()
    surge_day = surge["start"][:10]
    assert per_day[surge_day] > 5 * per_day.drop(surge_day).max()


def test_mapping_parses_and_names_only_columns_of_the_export(out_dir, csv):
    mapping = tomllib.loads((out_dir / "mapping.toml").read_text(encoding="utf-8"))
    assert mapping["source"] == {
        "encoding": "auto",
        "crs": "gcj02",
        "timezone": "Asia/Shanghai",
        "timestamp_format": "%Y-%m-%d %H:%M:%S",
    }
    assert set(mapping["columns"].values()) == set(csv.columns)
    assert mapping["issue_types"] == {t.zh: t.code for t in default_taxonomy().types}


def test_gbk_export_decodes_to_the_utf8_one(scenario, out_dir, tmp_path):
    write_scenario(scenario, tmp_path, encoding="gbk")
    gbk = (tmp_path / "complaints.csv").read_bytes()
    assert gbk != (out_dir / "complaints.csv").read_bytes()
    assert gbk.decode("gbk") == (out_dir / "complaints.csv").read_text(encoding="utf-8")


def test_events_take_parameters(tmp_path):
    events = (
        RoadHotspot(n=50, spread_m=30, before_end="30h", duration="3h"),
        AreaHotspot(event_id="tiny", n=12, radius_m=100, center=(39.9087, 116.3975)),
    )
    small = build_scenario(ScenarioConfig(days=3, per_day=100, events=events))
    assert [t.n_planted for t in small.truth] == [50, 12]
    assert (small.event_ids == "tiny").sum() == 12
    assert 1 <= len(small.truth[1].cells) <= 3
    assert small.truth[0].end == SMALL.end - pd.Timedelta(hours=27)


def test_event_outside_the_period_is_refused():
    with pytest.raises(ValueError, match="outside the scenario"):
        build_scenario(ScenarioConfig(days=2, per_day=50))


def test_cli_writes_the_four_files(tmp_path, capsys):
    main(["--out", str(tmp_path), "--days", "9", "--per-day", "50", "--seed", "3"])
    assert all((tmp_path / name).is_file() for name in FILES)
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 1 and "planted in 5 events" in printed[0]
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "--seed 3 --days 9 --per-day 50" in readme
