"""Playback: the last 24 hours or 7 days, frame by frame (or cumulatively), at a chosen speed.

The span's hourly counts are fetched once; each frame is a sum over them, drawn with one colour
scale for the whole span so that frames compare. The player is a fragment that reruns on its
own timer while playing, so the rest of the page stays still.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data, panels
from heatmap import mapdata, mapstyle
from heatmap.timewindows import SPANS, STEPS, latest_hour, playback_frames, span_start

SPEEDS = [0.5, 1.0, 2.0, 3.0, 5.0]

t = panels.t
language = panels.language()
snapshot = st.session_state["snapshot"]
latest = data.local(latest_hour(data.windows(snapshot, "1h")["window_start"]))

present = data.issue_types(snapshot)
side = st.sidebar
span = side.radio(
    t("span"), list(SPANS), format_func=lambda s: t(f"span_{s}"),
    **panels.bound("span", "24h", list(SPANS)),
)  # fmt: skip
step = side.select_slider(
    t("step"), list(STEPS[span]), format_func=lambda h: t("hours", n=h),
    **panels.bound(f"step_{span}", STEPS[span][0], list(STEPS[span])),
)  # fmt: skip
speed = side.select_slider(t("speed"), SPEEDS, **panels.bound("speed", 1.0, SPEEDS))
cumulative = side.checkbox(t("cumulative"), **panels.bound("cumulative", False))
loop = side.checkbox(t("loop"), **panels.bound("loop", True))
types = side.multiselect(
    t("types"), present, format_func=panels.type_name, placeholder=t("all"),
    **panels.bound("playback_types", [], present, multi=True),
)  # fmt: skip
resolution = side.radio(
    t("resolution"), ["8", "7"], format_func=lambda r: t(f"res_{r}"), horizontal=True,
    **panels.bound("playback_res", "8", ["8", "7"]),
)  # fmt: skip
colour_by = side.radio(
    t("colour"), ["n", "score"], format_func=lambda c: t("count" if c == "n" else "score"),
    horizontal=True, **panels.bound("playback_colour", "n", ["n", "score"]),
)  # fmt: skip

frames = playback_frames(latest, span, step, cumulative)
counts = data.playback(
    snapshot, span_start(latest, span), frames[-1].end, tuple(types), int(resolution)
)
totals = mapdata.frame_totals(counts, frames)
top = float(totals["top"].max()) if len(totals) else 1.0
st.session_state.setdefault("playing", False)
st.session_state.setdefault("frame", len(frames) - 1)
if st.session_state["frame"] >= len(frames):
    st.session_state["frame"] = len(frames) - 1


def _toggle_play() -> None:
    st.session_state["playing"] = not st.session_state["playing"]


playing = bool(st.session_state["playing"])
st.button(t("pause") if playing else t("play"), on_click=_toggle_play, key="play", type="primary")
base = mapstyle.base_layers(data.district_outlines(), language)
view = data.view(snapshot)


@st.fragment(run_every=speed if playing else None)
def player() -> None:
    if st.session_state["playing"]:
        index = int(st.session_state["frame"]) + 1
        if index >= len(frames) and not loop:
            st.session_state["playing"] = False
            st.rerun(scope="app")  # stops the fragment's timer
        st.session_state["frame"] = index % len(frames)
    st.select_slider(
        t("frame"),
        list(range(len(frames))),
        format_func=lambda i: frames[i].label(data.TIMEZONE),
        key="frame",
    )
    frame = frames[int(st.session_state["frame"])]
    cells = mapdata.frame_cells(counts, frame.since, frame.end)
    layers = [*base, mapstyle.cell_layer(mapstyle.cell_records(cells, colour_by, language, top))]
    st.pydeck_chart(mapstyle.deck(layers, view), height=560, key="playback_map")
    st.markdown(mapstyle.legend_html(colour_by, top, language), unsafe_allow_html=True)
    st.caption(
        f"{frame.label(data.TIMEZONE)} · {int(cells['n'].sum())} {t('frame_total')} · "
        f"{len(cells)} {t('cells')}"
    )
    bars = pd.DataFrame(
        {
            "frame": [f.start.tz_convert(data.TIMEZONE).tz_localize(None) for f in frames],
            "total": totals["total"],
            "current": [i == st.session_state["frame"] for i in range(len(frames))],
        }
    )
    st.altair_chart(
        alt.Chart(bars, title=t("city_total"))
        .mark_bar()
        .encode(
            x=alt.X("frame:T", title=t("time"), axis=alt.Axis(format="%m-%d %H:%M")),
            y=alt.Y("total:Q", title=t("complaints")),
            color=alt.condition("datum.current", alt.value("#e63946"), alt.value("#8ecae6")),
        )
        .properties(height=140),
        width="stretch",
    )


player()
