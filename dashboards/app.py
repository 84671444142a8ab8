"""热力图 · NOC complaint heat map: the live map page (run with ``heatmap dashboard``)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pydeck as pdk
import streamlit as st

from heatmap import mapdata
from heatmap.errors import NotPublishedError
from heatmap.home import resolve_home
from heatmap.store import current_snapshot, open_reader
from heatmap.taxonomy import default_taxonomy

TIMEZONE = os.environ.get("HEATMAP_TIMEZONE", "Asia/Shanghai")
TEXT = {
    "zh": {
        "title": "投诉热力图",
        "window": "时间窗口",
        "hour": "小时",
        "day": "天",
        "when": "窗口开始",
        "types": "投诉类型",
        "all": "全部",
        "colour": "着色",
        "count": "投诉量",
        "score": "异常分",
        "resolved": "显示已恢复告警",
        "alerts": "告警（按异常分排序）",
        "fresh": "数据截至",
        "published": "发布于",
        "none": "尚无发布数据：请先运行 `heatmap demo` 或 `heatmap run`。",
        "cells": "个网格",
        "complaints": "条投诉",
        "no_alerts": "当前无告警",
    },
    "zh_columns": {
        "label": "告警",
        "status": "状态",
        "district": "区",
        "observed": "实际",
        "expected": "预期",
        "score": "异常分",
        "window_start": "开始",
        "n_cells": "网格数",
        "cluster_id": "编号",
    },
    "en": {
        "title": "Complaint heat map",
        "window": "Window",
        "hour": "hour",
        "day": "day",
        "when": "Window start",
        "types": "Issue types",
        "all": "all",
        "colour": "Colour by",
        "count": "count",
        "score": "score",
        "resolved": "Show resolved alerts",
        "alerts": "Alerts (by score)",
        "fresh": "Data until",
        "published": "published",
        "none": "Nothing published yet: run `heatmap demo` or `heatmap run` first.",
        "cells": "cells",
        "complaints": "complaints",
        "no_alerts": "No open alerts",
    },
    "en_columns": {
        "label": "alert",
        "status": "status",
        "district": "district",
        "observed": "observed",
        "expected": "expected",
        "score": "score",
        "window_start": "since",
        "n_cells": "cells",
        "cluster_id": "id",
    },
}

st.set_page_config(page_title="投诉热力图 Heatmap", layout="wide")
home = resolve_home(os.environ.get("HEATMAP_HOME"))
language = st.sidebar.radio(
    "语言 / Language",
    ["zh", "en"],
    format_func=lambda x: {"zh": "中文", "en": "English"}[x],
    horizontal=True,
)
t = TEXT[language]
st.title(t["title"])

try:
    snapshot = str(current_snapshot(home))
except NotPublishedError:
    st.warning(t["none"])
    st.stop()


@st.cache_resource(max_entries=2)
def connection(snapshot_path: str):  # type: ignore[no-untyped-def]
    """One read-only connection per publication; a new snapshot opens a new one."""
    del snapshot_path
    return open_reader(home, TIMEZONE)


def cursor():  # type: ignore[no-untyped-def]
    return connection(snapshot).cursor()


@st.cache_data(max_entries=256)
def cached_windows(snapshot_path: str, window_len: str) -> pd.DataFrame:
    return mapdata.windows(cursor(), window_len)


@st.cache_data(max_entries=256)
def cached_cells(
    snapshot_path: str, window_len: str, start: pd.Timestamp, types: tuple[str, ...]
) -> pd.DataFrame:
    return mapdata.cell_layer(cursor(), window_len, start.to_pydatetime(), list(types))


@st.cache_data(max_entries=32)
def cached_alerts(snapshot_path: str, include_closed: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    return mapdata.alert_list(cursor(), include_closed), mapdata.alert_cells(
        cursor(), include_closed
    )


@st.cache_data
def cached_districts() -> dict:  # type: ignore[type-arg]
    return mapdata.district_geojson()


def local(stamp: object) -> pd.Timestamp:
    """A stored instant in the engine's time zone, for display."""
    return pd.Timestamp(stamp).tz_convert(TIMEZONE)


fresh = mapdata.freshness(cursor())
if fresh:
    st.caption(
        f"{t['fresh']} {local(fresh['data_until']):%Y-%m-%d %H:%M} · "
        f"{t['published']} "
        f"{local(fresh['finished_at']):%Y-%m-%d %H:%M:%S} · "
        f"{Path(snapshot).name}"
    )

taxonomy = default_taxonomy()
window_len = st.sidebar.radio(
    t["window"],
    ["1h", "1d"],
    format_func=lambda w: t["hour"] if w == "1h" else t["day"],
    horizontal=True,
)
available = cached_windows(snapshot, window_len)
starts = list(available["window_start"])
start = st.sidebar.selectbox(
    t["when"], starts, index=0, format_func=lambda s: f"{local(s):%Y-%m-%d %H:%M}"
)
present = mapdata.issue_types(cursor())
chosen = st.sidebar.multiselect(
    t["types"],
    present,
    default=[],
    placeholder=t["all"],
    format_func=lambda c: taxonomy[c].zh if language == "zh" else taxonomy[c].en,
)
colour_by = st.sidebar.radio(
    t["colour"],
    ["n", "score"],
    format_func=lambda c: t["count"] if c == "n" else t["score"],
    horizontal=True,
)
include_closed = st.sidebar.checkbox(t["resolved"], value=False)

cells = mapdata.colour_cells(
    cached_cells(snapshot, window_len, pd.Timestamp(start), tuple(chosen)), colour_by
)
alerts, outlines = cached_alerts(snapshot, include_closed)
label_column = "label_zh" if language == "zh" else "label"

layers = [
    pdk.Layer(
        "GeoJsonLayer",
        cached_districts(),
        id="districts",
        stroked=True,
        filled=True,
        get_fill_color=[40, 48, 64, 255],
        get_line_color=[150, 160, 180, 255],
        line_width_min_pixels=1,
    ),
    pdk.Layer(
        "H3HexagonLayer",
        cells,
        id="cells",
        get_hexagon="h3",
        get_fill_color="colour",
        extruded=False,
        stroked=False,
        pickable=True,
    ),
    pdk.Layer(
        "H3HexagonLayer",
        outlines,
        id="alerts",
        get_hexagon="h3",
        filled=False,
        stroked=True,
        get_line_color=[0, 229, 255, 255],
        line_width_min_pixels=2,
        pickable=True,
    ),
]
deck = pdk.Deck(
    layers=layers,
    map_provider=None,  # no base map is fetched: district outlines are the offline base map
    initial_view_state=pdk.ViewState(latitude=39.93, longitude=116.40, zoom=9.3),
    tooltip={"text": "{h3}\n{n} " + t["complaints"] + "\n{district}"},
)
left, right = st.columns([3, 2])
with left:
    st.pydeck_chart(deck, height=640, key="map")
    st.caption(
        f"{len(cells)} {t['cells']} · {int(cells['n'].sum()) if len(cells) else 0} "
        f"{t['complaints']}"
    )
with right:
    st.subheader(t["alerts"])
    if alerts.empty:
        st.info(t["no_alerts"])
    else:
        shown = alerts.assign(
            label=alerts[label_column], window_start=alerts["window_start"].dt.tz_convert(TIMEZONE)
        )[
            [
                "label",
                "status",
                "district",
                "observed",
                "expected",
                "score",
                "window_start",
                "n_cells",
                "cluster_id",
            ]
        ]
        st.dataframe(
            shown.rename(columns=TEXT[f"{language}_columns"]), hide_index=True, width="stretch"
        )
