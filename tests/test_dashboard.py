"""The dashboard page under Streamlit's AppTest, on the published demo scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "dashboards" / "app.py")

pytestmark = pytest.mark.slow


def _app(home: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("HEATMAP_HOME", str(home))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def _deck(app: AppTest) -> dict:
    charts = app.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def test_the_map_draws_cells_alerts_and_districts_without_a_base_map(
    demo_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(demo_home, monkeypatch)
    assert app.title[0].value == "投诉热力图"
    deck = _deck(app)
    layers = {layer["id"]: layer for layer in deck["layers"]}
    assert set(layers) == {"districts", "cells", "alerts"}
    assert len(layers["districts"]["data"]["features"]) == 16
    assert layers["cells"]["data"] and all(len(row["h3"]) == 15 for row in layers["cells"]["data"])
    assert layers["alerts"]["data"], "open alerts are outlined"
    # pydeck's "no base map" sentinel: Streamlit then adds no default style from the internet
    assert deck.get("mapStyle") == "__MAP_STYLE__" and not deck.get("mapProvider")


def test_the_alert_list_leads_with_the_live_fibre_loss_hotspot(
    demo_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(demo_home, monkeypatch)
    table = app.dataframe[0].value
    assert "宽带光衰热点" in set(table["告警"])
    assert set(table["状态"]) <= {"new", "ongoing"}


def test_english_switch_and_window_change(demo_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(demo_home, monkeypatch)
    app.sidebar.radio[0].set_value("en").run()
    assert app.title[0].value == "Complaint heat map"
    assert "fibre-loss hotspot" in set(app.dataframe[0].value["alert"])
    app.sidebar.radio[1].set_value("1d").run()
    assert not app.exception
    assert _deck(app)["layers"][1]["data"], "the daily window has cells too"


def test_an_empty_home_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(tmp_path / "nothing", monkeypatch)
    assert "heatmap demo" in app.warning[0].value
