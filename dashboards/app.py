"""热力图 · NOC complaint heat map: the entry of the multipage app (``heatmap dashboard``).

Lays out what every page shares — the language switch, the title, the data-freshness stamp
with its stale-data warning, and the auto-refresh — then runs the chosen page.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from dashboards import data, panels
from heatmap import i18n
from heatmap.freshness import Freshness

st.set_page_config(page_title="投诉热力图 · Heatmap", layout="wide")
st.html(
    "<style>[data-testid='stMainBlockContainer']{padding-top:2.2rem;padding-bottom:1rem}"
    "h1{font-size:1.9rem !important;padding-bottom:0.2rem !important}</style>"
)
st.sidebar.radio(
    i18n.text("zh", "language"),
    i18n.LANGUAGES,
    format_func=i18n.LANGUAGE_NAMES.__getitem__,
    horizontal=True,
    **panels.bound("lang", i18n.DEFAULT_LANGUAGE, list(i18n.LANGUAGES)),
)
panels.to_url({"lang": i18n.DEFAULT_LANGUAGE})
t = panels.t

page = st.navigation(
    [
        st.Page("pages/map.py", title=t("page_map"), url_path="map", default=True),
        st.Page("pages/alerts.py", title=t("page_alerts"), url_path="alerts"),
        st.Page("pages/drilldown.py", title=t("page_drilldown"), url_path="drilldown"),
        st.Page("pages/playback.py", title=t("page_playback"), url_path="playback"),
    ],
    position="top",
)
st.title(f"{t('title')} · {page.title}")

snapshot = data.snapshot()
if snapshot is None:
    st.warning(t("none"))
    st.stop()
st.session_state["snapshot"] = snapshot


@st.fragment(run_every=data.REFRESH_SECONDS)
def freshness_bar(shown: str) -> None:
    """The freshness stamp, refreshed on its own; a new publication reruns the whole page."""
    if data.snapshot() not in (shown, None):
        st.rerun(scope="app")
    run = data.freshness(shown)
    if run is None:
        return
    now = datetime.now(UTC)
    fresh = Freshness.of(run, now)
    language = panels.language()
    st.caption(
        f"{t('data_until')} **{data.local(fresh.data_until):%Y-%m-%d %H:%M}** · "
        f"{t('published')} {data.local(fresh.finished_at):%Y-%m-%d %H:%M:%S} "
        f"({i18n.ago(language, fresh.publication_age)}) · "
        f"{t('refreshed')} {data.local(now):%H:%M:%S}",
        help=shown,
    )
    limit = i18n.duration(language, fresh.limit)
    if fresh.publication_stale:
        st.warning(
            t("stale_publication", age=i18n.ago(language, fresh.publication_age), limit=limit)
        )
    elif fresh.data_stale:
        st.warning(
            t(
                "stale_data",
                age=i18n.ago(language, fresh.data_age),
                when=f"{data.local(fresh.data_until):%Y-%m-%d %H:%M}",
                limit=limit,
            )
        )


freshness_bar(snapshot)
page.run()
