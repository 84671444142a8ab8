"""Every alert ever raised, filtered by kind and status, sorted by score: select rows to export
them as CSV or GeoJSON, or to open their drill-down."""

from __future__ import annotations

import streamlit as st

from dashboards import data, panels
from heatmap import alertpanel
from heatmap.drilldown import Target
from heatmap.mapdata import ALL_STATUSES as STATUSES

t = panels.t
language = panels.language()
snapshot = st.session_state["snapshot"]

alerts = data.alerts(snapshot, True)
fresh = data.freshness(snapshot) or {}
until = data.local(fresh.get("data_until", alerts["window_end"].max() if len(alerts) else None))

left, right = st.columns(2)
kinds = left.multiselect(
    t("filter_kind"), list(alertpanel.KIND_KEYS), format_func=lambda k: t(alertpanel.KIND_KEYS[k]),
    **panels.bound("kinds", list(alertpanel.KIND_KEYS), list(alertpanel.KIND_KEYS), multi=True),
)  # fmt: skip
statuses = right.multiselect(
    t("filter_status"), list(STATUSES), format_func=lambda s: t(f"status_{s}"),
    **panels.bound("statuses", list(STATUSES), list(STATUSES), multi=True),
)  # fmt: skip
shown = alerts[alerts["kind"].isin(kinds) & alerts["status"].isin(statuses)].reset_index(drop=True)
ids = list(shown["cluster_id"])


def _table_selected() -> None:
    rows = st.session_state["alert_table"]["selection"]["rows"]
    others = [c for c in panels.selected() if c not in ids]
    panels.set_selected(others + [ids[i] for i in rows])


if shown.empty:
    st.info(t("no_alerts"))
else:
    chosen = set(panels.selected())
    st.dataframe(
        alertpanel.alert_table(shown, until, data.TIMEZONE, language),
        hide_index=True,
        placeholder="–",
        column_config={t("severe"): st.column_config.NumberColumn(format="%d%%")},
        width="stretch",
        key="alert_table",
        on_select=_table_selected,
        selection_mode="multi-row",
        selection_default={"selection": {"rows": [i for i, c in enumerate(ids) if c in chosen]}},
    )
panels.export_buttons(snapshot, key="alerts-export")
picked = [c for c in panels.selected() if c in set(alerts["cluster_id"])]
if picked and st.button(t("open_drilldown"), key="open-drilldown"):
    panels.set_focus(Target("cluster", picked[-1]))
    st.switch_page("pages/drilldown.py")
