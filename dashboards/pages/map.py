"""The live map: hexagons of the chosen window and types, alert outlines, the alert list and the
drill-down of what was clicked. Every control is in the URL, so a link reopens the same view."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data, panels
from heatmap import mapstyle
from heatmap.mapdata import RESOLUTIONS
from heatmap.timewindows import WINDOW_CHOICES, latest_hour, map_window

t = panels.t
language = panels.language()
snapshot = st.session_state["snapshot"]

hours = data.windows(snapshot, "1h")
if hours.empty:
    st.info(t("no_series"))
    st.stop()
latest = data.local(latest_hour(hours["window_start"]))
days = [f"{data.local(d):%Y-%m-%d}" for d in data.windows(snapshot, "1d")["window_start"]]

present = data.issue_types(snapshot)
defaults = {"win": "1h", "day": days[0] if days else None, "types": [], "res": "8", "colour": "n",
            "resolved": False}  # fmt: skip
side = st.sidebar
choice = side.radio(
    t("window"), WINDOW_CHOICES, format_func=lambda c: t(f"win_{c}"),
    **panels.bound("win", "1h", list(WINDOW_CHOICES)),
)  # fmt: skip
day = None
if choice == "day":
    picked = side.selectbox(t("day"), days, **panels.bound("day", defaults["day"], days))
    day = pd.Timestamp(picked, tz=data.TIMEZONE)
window = map_window(choice, latest, day, data.TIMEZONE)
types = side.multiselect(
    t("types"), present, format_func=panels.type_name, placeholder=t("all"),
    **panels.bound("types", [], present, multi=True),
)  # fmt: skip
resolution = side.radio(
    t("resolution"), RESOLUTIONS, format_func=lambda r: t(f"res_{r}"), horizontal=True,
    **panels.bound("res", "8", list(RESOLUTIONS)),
)  # fmt: skip
colour_by = side.radio(
    t("colour"), ["n", "score"], format_func=lambda c: t("count" if c == "n" else "score"),
    horizontal=True, **panels.bound("colour", "n", ["n", "score"]),
)  # fmt: skip
include_closed = side.checkbox(t("resolved"), **panels.bound("resolved", False))
panels.to_url(defaults)
st.session_state["map_context"] = (window, tuple(types))

alerts = data.alerts(snapshot, include_closed)
target = panels.focus()
highlighted = set(panels.selected()) | (
    {target.key} if target and target.kind == "cluster" else set()
)
outlines = data.district_outlines()

layers = mapstyle.base_layers(outlines, language)
if resolution == "district":
    values = data.districts(snapshot, window, tuple(types))
    layers.append(
        mapstyle.district_fill_layer(
            mapstyle.district_features(outlines, values, colour_by, language)
        )
    )
    shown, unit = len(values), t("districts_n")
else:
    values = data.cells(snapshot, window, tuple(types), int(resolution))
    layers.append(mapstyle.cell_layer(mapstyle.cell_records(values, colour_by, language)))
    shown, unit = len(values), t("cells")
layers.append(mapstyle.alert_layer(mapstyle.alert_features(alerts, highlighted, language)))
top = float(values["n"].max()) if len(values) else 1.0
total = int(values["n"].sum()) if len(values) else 0

left, right = st.columns([3, 2], gap="medium")
with left:
    st.pydeck_chart(
        mapstyle.deck(layers, data.view(snapshot)),
        height=620,
        key="map",
        on_select=panels.on_map_select,
        selection_mode="single-object",
    )
    st.markdown(mapstyle.legend_html(colour_by, top, language), unsafe_allow_html=True)
    st.caption(
        f"{window.label(data.TIMEZONE)} · {t('showing')} {shown} {unit} · {total} {t('complaints')}"
    )
with right:
    panels.alert_cards(alerts, snapshot)
    panels.export_buttons(snapshot, key="map-export")

panels.drilldown_panel(snapshot, target, window, latest, list(types))
