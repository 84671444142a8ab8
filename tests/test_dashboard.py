"""Every dashboard page under Streamlit's AppTest, on the published demo scenario."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "dashboards" / "app.py")
MASKED = re.compile(r"^\d{3}\*{4}\d{4}$")
FIBRE = "宽带光衰热点"

pytestmark = pytest.mark.slow


@pytest.fixture()
def served(demo_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEATMAP_HOME", str(demo_home))
    return demo_home


def _run(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, app.exception
    return app


def _app(page: str | None = None, **query: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update(query)
    _run(app)
    if page:
        _run(app.switch_page(page))
    return app


def _decks(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.json) for chart in app.get("deck_gl_json_chart")]


def _layers(app: AppTest) -> dict[str, dict]:
    (deck,) = _decks(app)
    return {layer["id"]: layer for layer in deck["layers"]}


def _markdown(app: AppTest) -> str:
    return "\n".join(m.value for m in app.markdown)


def _fibre_id(app: AppTest) -> str:
    cards = [m.value for m in app.markdown if FIBRE in m.value and "data-cluster" in m.value]
    return re.search(r'data-cluster="([^"]+)"', cards[0]).group(1)


# --- the live map ------------------------------------------------------------------------------


def test_the_map_draws_cells_alert_outlines_and_districts_without_a_base_map(served: Path) -> None:
    app = _app()
    assert app.title[0].value == "投诉热力图 · 实时地图"
    layers = _layers(app)
    assert set(layers) == {"districts", "district_names", "cells", "alerts"}
    assert len(layers["districts"]["data"]["features"]) == 16
    cells = layers["cells"]["data"]
    assert cells and all(len(row["h3"]) == 15 and len(row["colour"]) == 4 for row in cells)
    outlines = layers["alerts"]["data"]["features"]
    assert {f["properties"]["cluster_id"][:2] for f in outlines} == {"H-", "DQ"}
    (deck,) = _decks(app)
    # pydeck's "no base map" sentinel: Streamlit then fetches no style from the internet
    assert deck.get("mapStyle") == "__MAP_STYLE__" and not deck.get("mapProvider")
    assert "投诉量" in _markdown(app), "the legend names its scale"


def test_the_alert_list_leads_with_the_open_alerts_by_score(served: Path) -> None:
    app = _app()
    cards = [m.value for m in app.markdown if "data-cluster" in m.value]
    assert len(cards) == 2 and FIBRE in cards[1] and "坐标占位点堆积" in cards[0]
    assert "持续" in cards[1] and "131" in cards[1] and "1.4" in cards[1] and "朝阳区" in cards[1]
    assert "A 级情绪" in cards[1], "severity: the share graded A"
    assert [c.label for c in app.checkbox if c.key.startswith("pick:")] == ["选择", "选择"]


def test_the_freshness_stamp_and_the_stale_data_warning(
    served: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app()
    assert app.caption[0].value.startswith("数据截至 **2026-11-20 17:59**")
    assert "数据可能已过期" in app.warning[0].value, "the demo's newest complaint is days old"
    monkeypatch.setenv("HEATMAP_STALE_MINUTES", str(10 * 365 * 24 * 60))
    assert not _app().warning


def _choose(app: AppTest, **values: object) -> AppTest:
    """Set sidebar widgets by key (as an operator would), then rerun."""
    kinds = {"types": "multiselect", "day": "selectbox", "resolved": "checkbox"}
    for key, value in values.items():
        getattr(app.sidebar, kinds.get(key, "radio"))(key=key).set_value(value)
    return _run(app)


@pytest.mark.parametrize(
    ("choices", "cells_at_least"),
    [
        ({"win": "3h"}, 300),
        ({"win": "24h"}, 1000),
        ({"win": "day"}, 1000),
        ({"win": "24h", "res": "7"}, 300),
        ({"win": "24h", "types": ["fibre_loss"], "colour": "score"}, 10),
    ],
    ids=["3h", "24h", "chosen-day", "resolution-7", "one-type-by-score"],
)
def test_windows_types_and_resolutions(
    served: Path, choices: dict[str, object], cells_at_least: int
) -> None:
    app = _choose(_app(), **choices)
    cells = _layers(app)["cells"]["data"]
    assert len(cells) >= cells_at_least
    resolution = "7" if choices.get("res") == "7" else "8"
    assert all(row["h3"][1] == resolution for row in cells)


def test_the_district_resolution_fills_districts(served: Path) -> None:
    layers = _layers(_choose(_app(), win="24h", res="district"))
    assert "cells" not in layers
    features = layers["district_fill"]["data"]["features"]
    assert len(features) == 16
    assert max(f["properties"]["n"] for f in features) > 100


def test_english_switch(served: Path) -> None:
    # AppTest loses the entry script's elements when the page titles change under it, so the
    # session starts in English here; the browser test clicks the switch itself.
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["kept:lang"] = "en"
    _run(app)
    assert app.sidebar.radio(key="lang").value == "en"
    assert app.title[0].value == "Complaint heat map · Live map"
    assert any("fibre-loss hotspot" in m.value for m in app.markdown)
    assert app.caption[0].value.startswith("Data until")


def test_selecting_an_alert_shows_its_drill_down_and_offers_its_export(served: Path) -> None:
    app = _app()
    assert "点击地图上的告警范围" in app.info[0].value
    fibre = _fibre_id(app)
    app.checkbox(key=f"pick:{fibre}").check()
    _run(app)
    assert app.query_params["focus"] == f"cluster:{fibre}", "the drill-down is in the URL"
    assert "宽带光衰热点 · 朝阳区" in _markdown(app)
    charts = app.get("vega_lite_chart")
    assert charts, "the time series against its expected band"
    complaints = app.dataframe[0].value
    assert len(complaints) > 100
    assert all(MASKED.match(number) for number in complaints["客户"])
    metrics = {m.label: m.value for m in app.metric}
    assert re.match(r"^\d+%$", metrics["复燃占比（30 天内重复投诉）"])
    assert metrics["实际 / 预期"] == "131 / 1.4"
    downloads = {d.label: d for d in app.get("download_button")}
    assert set(downloads) == {"导出所选 CSV", "导出所选 GeoJSON"}


def test_a_shared_link_opens_the_same_drill_down(served: Path) -> None:
    app = _app()
    app.query_params["focus"] = "cell:8831aa4645fffff"
    _run(app)
    assert "网格 8831aa4645fffff" in _markdown(app)
    assert app.get("vega_lite_chart")


# --- the other pages ---------------------------------------------------------------------------


def test_the_alerts_page_lists_every_alert_and_filters_them(served: Path) -> None:
    app = _app("pages/alerts.py")
    table = app.dataframe[0].value
    assert len(table) == 5
    assert list(table["异常分"]) == sorted(table["异常分"], reverse=True)
    assert {"热点", "全市激增", "数据质量"} == set(table["类型"])
    app.multiselect(key="statuses").set_value(["resolved"])
    _run(app)
    assert set(app.dataframe[0].value["状态"]) == {"已恢复"}


def test_the_drill_down_page_follows_a_chosen_alert_or_a_typed_cell(served: Path) -> None:
    app = _app("pages/drilldown.py")
    assert "点击地图上的告警范围" in app.info[0].value
    choice = app.selectbox(key="drill_alert")
    assert len(choice.options) == 5
    choice.set_value(next(c for c in _alert_ids(served) if c.startswith("S-data_billing")))
    _run(app)
    assert "流量计费投诉激增" in _markdown(app)
    metrics = {m.label: m.value for m in app.metric}
    assert int(metrics["投诉总数"]) > 2000, "a surge lists its complaints citywide"
    app.text_input(key="drill_cell").input("8831aa4645fffff")
    _run(app)
    assert "网格 8831aa4645fffff" in _markdown(app)
    app.text_input(key="drill_cell").input("not-a-cell")
    _run(app)
    assert app.error[0].value == "不是有效的网格编号。"


def _alert_ids(home: Path) -> list[str]:
    from heatmap import mapdata
    from heatmap.home import Home
    from heatmap.store import current_snapshot, open_snapshot

    con = open_snapshot(current_snapshot(Home(home)), "Asia/Shanghai")
    try:
        return list(mapdata.alert_list(mapdata.cursor(con, "Asia/Shanghai"), True)["cluster_id"])
    finally:
        con.close()


def test_the_playback_page_steps_through_frames(served: Path) -> None:
    app = _app("pages/playback.py")
    slider = app.select_slider(key="frame")
    assert len(slider.options) == 24
    assert slider.value == 23, "opens on the latest hour"
    first = _decks(app)[0]
    slider.set_value(14)
    _run(app)
    assert _decks(app)[0] != first
    app.sidebar.radio(key="span").set_value("7d")
    _run(app)
    assert len(app.select_slider(key="frame").options) == 168
    app.button(key="play").click()
    _run(app)
    assert app.button(key="play").label == "暂停"


def test_an_empty_home_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEATMAP_HOME", str(tmp_path / "nothing"))
    app = _app()
    assert "heatmap demo" in app.warning[0].value


def test_export_of_selected_alerts_is_the_cli_format(served: Path) -> None:
    from heatmap import mapdata
    from heatmap.drilldown import export_alerts
    from heatmap.home import Home
    from heatmap.store import current_snapshot, open_snapshot

    ids = _alert_ids(served)[:2][::-1]
    con = open_snapshot(current_snapshot(Home(served)), "Asia/Shanghai")
    cur = mapdata.cursor(con, "Asia/Shanghai")
    rows = list(csv.DictReader(io.StringIO(export_alerts(cur, ids, "csv"))))
    assert [r["cluster_id"] for r in rows] == ids, "in the order selected"
    assert rows[0]["window_start"].endswith("+08:00")
    collection = json.loads(export_alerts(cur, ids, "geojson"))
    assert [f["properties"]["cluster_id"] for f in collection["features"]] == ids
    con.close()
