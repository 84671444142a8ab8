"""The drill-down on its own page: choose an alert (or type a cell id) and see its time series
against the expected band, its repeat share and its complaints, numbers masked."""

from __future__ import annotations

import h3
import streamlit as st

from dashboards import data, panels
from heatmap.drilldown import Target
from heatmap.timewindows import latest_hour, map_window

t = panels.t
language = panels.language()
snapshot = st.session_state["snapshot"]

alerts = data.alerts(snapshot, True)
latest = data.local(latest_hour(data.windows(snapshot, "1h")["window_start"]))
window, types = st.session_state.get(
    "map_context", (map_window("24h", latest, None, data.TIMEZONE), ())
)
target = panels.focus()
options = list(alerts["cluster_id"])
labels = {
    row["cluster_id"]: (
        f"{row['label_zh'] if language == 'zh' else row['label']} · "
        f"{t('status_' + row['status'])} · {row['district'] or ''} · "
        f"{t('score')} {row['score']:.1f}"
    )
    for row in alerts.to_dict("records")
}


def _alert_chosen() -> None:
    chosen = st.session_state.get("drill_alert")
    if chosen:
        panels.set_focus(Target("cluster", chosen))


def _cell_typed() -> None:
    typed = (st.session_state.get("drill_cell") or "").strip().lower()
    if typed and h3.is_valid_cell(typed):
        panels.set_focus(Target("cell", typed))


left, right = st.columns([3, 2])
left.selectbox(
    t("choose_alert"),
    options,
    index=options.index(target.key) if target and target.key in options else None,
    format_func=labels.__getitem__,
    placeholder=t("choose_alert"),
    key="drill_alert",
    on_change=_alert_chosen,
)
typed = right.text_input(
    t("choose_cell"),
    value=target.key if target and target.kind == "cell" else "",
    key="drill_cell",
    on_change=_cell_typed,
)
if typed and not h3.is_valid_cell(typed.strip().lower()):
    right.error(t("bad_cell"))

panels.drilldown_panel(snapshot, panels.focus(), window, latest, list(types))
