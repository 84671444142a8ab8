"""Pieces of layout that several pages share: language, selection, alert cards, drill-down.

What is selected lives in ``st.session_state`` (``selected``: alert ids for export and
outlining; ``focus``: what the drill-down shows, mirrored to the ``focus`` URL parameter so a
link opens the same drill-down). Map clicks arrive through the chart's ``on_select`` callback,
which Streamlit calls only when the selection changes: a selection that comes back empty after
a rerun (streamlit #10742) therefore never clears what the operator chose.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data
from heatmap import alertpanel, i18n
from heatmap.drilldown import Scope, Target
from heatmap.timewindows import MapWindow

COMPLAINT_COLUMNS = [
    "reported_at", "issue_type", "customer_masked", "channel", "severity", "is_repeat",
    "district", "text",
]  # fmt: skip


def language() -> str:
    """The language chosen in the sidebar (Chinese by default)."""
    chosen = st.session_state.get("lang", i18n.DEFAULT_LANGUAGE)
    return chosen if chosen in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    """The phrase ``key`` in the chosen language."""
    return i18n.text(language(), key, **values)


def type_name(code: str) -> str:
    issue_type = data.home_taxonomy()[code]
    return issue_type.zh if language() == "zh" else issue_type.en


# --- the URL: shareable state ---------------------------------------------------------------


def bound(
    key: str, default: Any, options: list[Any] | None = None, *, multi: bool = False
) -> dict[str, Any]:
    """Arguments that keep widget ``key`` across reruns, pages and links.

    Its value is kept under ``kept:<key>`` (Streamlit forgets a widget's state on pages that do
    not draw it) and first comes from the URL, where values are codes (``win=24h``,
    ``types=fibre_loss,area_outage``), not labels, so a link works in either language. Values
    no longer among ``options`` fall back to ``default``. Use as ``st.radio(…, **bound(…))``.
    """
    kept = f"kept:{key}"
    if kept not in st.session_state:
        st.session_state[kept] = _from_url(key, default, options, multi)
    value = st.session_state[kept]
    if options is not None:
        valid = all(v in options for v in value) if multi else value in options
        if not valid:
            value = default
    st.session_state[key] = value
    st.session_state[kept] = value
    return {"key": key, "on_change": _keep, "args": (key,)}


def _from_url(key: str, default: Any, options: list[Any] | None, multi: bool) -> Any:
    raw = st.query_params.get(key)
    if raw is None:
        return default
    if multi:
        return [v for v in raw.split(",") if v and (not options or v in options)]
    if options is None:
        return raw in ("1", "true")
    return raw if raw in options else default


def _keep(key: str) -> None:
    st.session_state[f"kept:{key}"] = st.session_state[key]


def to_url(defaults: dict[str, Any]) -> None:
    """Write the kept values of the widgets in ``defaults`` to the URL (defaults left out)."""
    for key, default in defaults.items():
        value = st.session_state.get(f"kept:{key}", default)
        if value == default or value in (None, []):
            if key in st.query_params:
                del st.query_params[key]
            continue
        if isinstance(value, bool):
            text_value = "1"
        elif isinstance(value, list):
            text_value = ",".join(str(v) for v in value)
        else:
            text_value = str(value)
        if st.query_params.get(key) != text_value:
            st.query_params[key] = text_value


# --- selection and focus ---------------------------------------------------------------------


def selected() -> list[str]:
    """Alert ids selected for export (in the order chosen)."""
    return list(st.session_state.setdefault("selected", []))


def set_selected(cluster_ids: list[str]) -> None:
    st.session_state["selected"] = list(dict.fromkeys(cluster_ids))


def focus() -> Target | None:
    """What the drill-down shows: from this session, else from the URL (a shared link)."""
    return Target.parse(st.session_state.get("focus") or st.query_params.get("focus"))


def set_focus(target: Target | None) -> None:
    st.session_state["focus"] = target.token if target else None
    if target:
        st.query_params["focus"] = target.token
    elif "focus" in st.query_params:
        del st.query_params["focus"]


def _picked(objects: dict[str, list[dict[str, Any]]]) -> Target | None:
    """The drill-down target of a map selection (an alert outline, a cell or a district)."""
    for layer, key, kind in (
        ("alerts", "cluster_id", "cluster"),
        ("cells", "h3", "cell"),
        ("district_fill", "district", "district"),
    ):
        for picked in objects.get(layer) or []:
            value = picked.get(key) or (picked.get("properties") or {}).get(key)
            if value:
                return Target(kind, str(value))
    return None


def on_map_select() -> None:
    """Streamlit calls this when the map selection changes: focus (and select) what was clicked."""
    event = st.session_state.get("map")
    objects = (event or {}).get("selection", {}).get("objects", {}) if event else {}
    target = _picked(objects)
    if target is None:
        return
    set_focus(target)
    if target.kind == "cluster" and target.key not in selected():
        set_selected([*selected(), target.key])


def _toggle(cluster_id: str) -> None:
    if st.session_state.get(f"pick:{cluster_id}"):
        set_selected([*selected(), cluster_id])
        set_focus(Target("cluster", cluster_id))
    else:
        set_selected([c for c in selected() if c != cluster_id])


# --- alerts -----------------------------------------------------------------------------------


def alert_cards(alerts: pd.DataFrame, snapshot: str, limit: int = 12) -> None:
    """The alert list: a card per alert, by score, each with a checkbox that selects it."""
    st.subheader(t("alerts"))
    if alerts.empty:
        st.info(t("no_alerts"))
        return
    fresh = data.freshness(snapshot) or {}
    until = data.local(fresh.get("data_until", alerts["window_end"].max()))
    chosen = set(selected())
    with st.container(height=560, border=False, key="alert_list"):
        for alert in alerts.head(limit).to_dict("records"):
            cluster_id = str(alert["cluster_id"])
            with st.container(border=True, key=f"card-{_css_key(cluster_id)}"):
                st.markdown(
                    alertpanel.card_html(alert, until, data.TIMEZONE, language()),
                    unsafe_allow_html=True,
                )
                st.session_state[f"pick:{cluster_id}"] = cluster_id in chosen
                st.checkbox(
                    t("select"), key=f"pick:{cluster_id}", on_change=_toggle, args=(cluster_id,)
                )
    if len(alerts) > limit:
        st.caption(t("more_alerts", n=len(alerts) - limit))


def _css_key(cluster_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in cluster_id)


def export_buttons(snapshot: str, key: str) -> None:
    """Download the selected alerts as CSV and GeoJSON (the CLI's formats), or say how."""
    chosen = tuple(selected())
    if not chosen:
        st.caption(t("export_hint"))
        return
    st.caption(t("selected_n", n=len(chosen)))
    left, middle, right = st.columns(3)
    left.download_button(
        t("export_csv"),
        data.export(snapshot, chosen, "csv"),
        file_name="alerts.csv",
        mime="text/csv",
        key=f"{key}-csv",
        on_click="ignore",
    )
    middle.download_button(
        t("export_geojson"),
        data.export(snapshot, chosen, "geojson"),
        file_name="alerts.geojson",
        mime="application/geo+json",
        key=f"{key}-geojson",
        on_click="ignore",
    )
    if right.button(t("clear_selection"), key=f"{key}-clear"):
        set_selected([])
        st.rerun()


# --- drill-down -------------------------------------------------------------------------------


def _title(scope: Scope, alerts: pd.DataFrame) -> str:
    target = scope.target
    if target.kind == "cluster":
        row = alerts[alerts["cluster_id"] == target.key].iloc[0]
        label = row["label_zh"] if language() == "zh" else row["label"]
        where = alertpanel.place(row.to_dict(), language())
        return f"{label} · {where}" if where else label
    if target.kind == "cell":
        return f"{t('target_cell')} {target.key}"
    return f"{t('target_district')} {district_name(target.key)}"


def district_name(name: str) -> str:
    """A district's name in the chosen language."""
    return data.district_names().get(name, name) if language() == "en" else name


def series_chart(frame: pd.DataFrame, with_band: bool) -> alt.LayerChart | alt.Chart:
    """Observed complaints per window over the expected 95% range, flagged windows marked."""
    shown = frame.assign(
        time=frame["window_start"].dt.tz_convert(data.TIMEZONE).dt.tz_localize(None)
    )
    x = alt.X("time:T", title=t("time"), axis=alt.Axis(format="%m-%d %H:%M"))
    observed = (
        alt.Chart(shown)
        .mark_line(point=alt.OverlayMarkDef(size=28), color="#f4a261")
        .encode(
            x=x,
            y=alt.Y("observed:Q", title=t("series_observed")),
            tooltip=[
                alt.Tooltip("time:T", title=t("time"), format="%Y-%m-%d %H:%M"),
                alt.Tooltip("observed:Q", title=t("series_observed")),
                alt.Tooltip("expected:Q", title=t("series_expected"), format=".1f"),
            ],
        )
    )
    flagged = (
        alt.Chart(shown[shown["flagged"]])
        .mark_point(shape="diamond", size=90, filled=True, color="#e63946")
        .encode(x=x, y="observed:Q")
    )
    if not with_band:
        return (observed + flagged).properties(height=240)
    band = (
        alt.Chart(shown)
        .mark_area(opacity=0.25, color="#8ecae6")
        .encode(x=x, y=alt.Y("low:Q"), y2="high:Q")
    )
    expected = (
        alt.Chart(shown).mark_line(strokeDash=[5, 3], color="#8ecae6").encode(x=x, y="expected:Q")
    )
    return (band + expected + observed + flagged).properties(height=240)


def drilldown_panel(
    snapshot: str,
    target: Target | None,
    window: MapWindow,
    latest: pd.Timestamp,
    types: list[str],
) -> None:
    """The drill-down of ``target``: time series against its expected band, repeat share and
    the masked complaints; a hint when nothing is chosen yet."""
    st.subheader(t("drilldown"))
    if target is None:
        st.info(t("pick_hint"))
        return
    spatial = tuple(data.home_taxonomy().spatial_codes)
    scope = data.scope(snapshot, target, window, latest, tuple(types), spatial)
    if scope is None:
        st.info(t("pick_hint"))
        return
    alerts = data.alerts(snapshot, True)
    series = data.series(snapshot, scope)
    rows, summary = data.complaints(snapshot, scope)
    st.markdown(f"**{_title(scope, alerts)}**", help=scope.target.token)
    metrics = st.columns(4)
    metrics[0].metric(t("total_complaints"), f"{summary.total}")
    metrics[1].metric(
        t("repeat_share"),
        "–" if summary.repeat_share is None else f"{100 * summary.repeat_share:.0f}%",
    )
    metrics[2].metric(
        t("severe_share"),
        "–" if summary.severe_share is None else f"{100 * summary.severe_share:.0f}%",
    )
    if scope.kind in ("hotspot", "surge", "data_quality"):
        alert = alerts[alerts["cluster_id"] == scope.target.key].iloc[0]
        metrics[3].metric(
            t("observed_vs_expected"), f"{int(alert['observed'])} / {float(alert['expected']):.1f}"
        )
    else:
        metrics[3].metric(
            t("observed_vs_expected"),
            f"{int(series['observed'].sum())} / {float(series['expected'].sum()):.1f}",
        )
    st.markdown(f"**{t('series')}**")
    if scope.kind == "data_quality":
        st.caption(t("no_band"))
    st.altair_chart(series_chart(series, scope.kind != "data_quality"), width="stretch")
    st.caption(
        f"{t('series_band')} · {t('series_flagged')} ◆ · "
        f"{MapWindow(scope.series_len, scope.series_from, scope.series_until).label(data.TIMEZONE)}"
    )
    st.markdown(
        f"**{t('complaints_list')}** · "
        f"{t('complaints_shown', shown=len(rows), total=summary.total)}"
    )
    st.dataframe(_complaint_table(rows), hide_index=True, width="stretch", height=320)


def _complaint_table(rows: pd.DataFrame) -> pd.DataFrame:
    shown = rows[COMPLAINT_COLUMNS].copy()
    shown["reported_at"] = (
        shown["reported_at"].dt.tz_convert(data.TIMEZONE).dt.strftime("%m-%d %H:%M")
    )
    shown["issue_type"] = shown["issue_type"].map(type_name)
    shown["is_repeat"] = shown["is_repeat"].map({True: t("yes"), False: ""})
    shown["district"] = shown["district"].map(lambda d: district_name(d) if d else "")
    names = {
        "reported_at": t("reported_at"),
        "issue_type": t("issue_type"),
        "customer_masked": t("customer"),
        "channel": t("channel"),
        "severity": t("severity"),
        "is_repeat": t("is_repeat"),
        "district": t("district"),
        "text": t("text"),
    }
    return shown.rename(columns=names)
