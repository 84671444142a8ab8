"""How alerts read on the wall: level, age, and the card and table the alert panels show.

An alert's *level* comes from its score, on the scale the README gives operators: under about
10 is rarely worth a look, over 50 is unmistakable. Its *age* is measured against the newest
data (``data_until``), not the wall clock, so a dashboard replaying a backlog says how long an
alert had lasted at that point. *Severity* is the share of its complaints graded A (暴躁).
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from heatmap.i18n import duration, text

LEVELS = ((50.0, "critical"), (20.0, "major"), (0.0, "minor"))
LEVEL_COLOURS = {"critical": "#d7191c", "major": "#f17c29", "minor": "#c9a227"}
STATUS_COLOURS = {"new": "#d7191c", "ongoing": "#f17c29", "resolved": "#6b7280"}
KIND_KEYS = {"hotspot": "kind_hotspot", "surge": "kind_surge", "data_quality": "kind_data_quality"}


def level(score: float) -> str:
    """``critical`` (score ≥ 50), ``major`` (≥ 20) or ``minor``.

    >>> level(97.0), level(37.3), level(8.0)
    ('critical', 'major', 'minor')
    """
    for threshold, name in LEVELS:
        if score >= threshold:
            return name
    return "minor"


def age_text(alert: dict[str, Any], data_until: pd.Timestamp, language: str) -> str:
    """How long an open alert has lasted, or how long ago a resolved one ended.

    >>> until = pd.Timestamp("2026-11-20 17:59", tz="Asia/Shanghai")
    >>> alert = {"status": "ongoing", "window_end": until,
    ...          "window_start": pd.Timestamp("2026-11-20 14:00", tz="Asia/Shanghai")}
    >>> age_text(alert, until, "en"), age_text({**alert, "status": "resolved"}, until, "zh")
    ('for 3 h', '已结束 0 分钟')
    """
    start, end = pd.Timestamp(alert["window_start"]), pd.Timestamp(alert["window_end"])
    if alert["status"] == "resolved":
        since_end = max(data_until - end, pd.Timedelta(0))
        return f"{text(language, 'ended')} {duration(language, since_end)}"
    lasted = max(data_until - start, pd.Timedelta(0))
    return f"{text(language, 'age')} {duration(language, lasted)}"


def place(alert: dict[str, Any], language: str) -> str:
    """The alert's district in the chosen language (empty for a citywide surge).

    >>> place({"district": "朝阳区", "district_en": "Chaoyang"}, "en")
    'Chaoyang'
    """
    name = alert.get("district_en") if language == "en" else None
    name = name if name and pd.notna(name) else alert.get("district")
    return str(name) if name and pd.notna(name) else ""


def _badge(label: str, colour: str) -> str:
    return (
        f'<span style="background:{colour};color:#fff;border-radius:4px;padding:0 6px;'
        f'margin-left:6px;font-size:0.78rem;white-space:nowrap">{html.escape(label)}</span>'
    )


def card_html(alert: dict[str, Any], data_until: pd.Timestamp, timezone: str, language: str) -> str:
    """One alert as a card: label, kind, status and level; district, start and age; observed
    against expected, score and the share graded A."""
    label = alert["label_zh"] if language == "zh" else alert["label"]
    status = str(alert["status"])
    grade = level(float(alert["score"]))
    start = pd.Timestamp(alert["window_start"]).tz_convert(timezone)
    severe = alert.get("severe_share")
    severe_text = (
        f" · {text(language, 'severe')} {100 * float(severe):.0f}%"
        if severe is not None and pd.notna(severe)
        else ""
    )
    district = place(alert, language)
    where = html.escape(district) + " · " if district else ""
    return (
        f'<div class="alert-card" data-cluster="{html.escape(str(alert["cluster_id"]))}">'
        f'<div style="font-weight:600;font-size:1.02rem">{html.escape(label)}'
        f"{_badge(text(language, 'status_' + status), STATUS_COLOURS.get(status, '#6b7280'))}"
        f"{_badge(text(language, 'level_' + grade), LEVEL_COLOURS[grade])}</div>"
        f'<div style="font-size:0.85rem;opacity:0.85">'
        f"{html.escape(text(language, KIND_KEYS.get(str(alert['kind']), 'kind_hotspot')))} · "
        f"{where}{text(language, 'since')} {start:%m-%d %H:%M} · "
        f"{html.escape(age_text(alert, data_until, language))}</div>"
        f'<div style="font-size:0.85rem">{text(language, "observed_vs_expected")} '
        f"<b>{int(alert['observed'])}</b> / {float(alert['expected']):.1f} · "
        f"{text(language, 'score')} <b>{float(alert['score']):.1f}</b>{severe_text}</div>"
        "</div>"
    )


def alert_table(
    alerts: pd.DataFrame, data_until: pd.Timestamp, timezone: str, language: str
) -> pd.DataFrame:
    """The alerts as the Alerts page lists them, with translated columns, in score order."""
    label_column = "label_zh" if language == "zh" else "label"
    rows = []
    for alert in alerts.to_dict("records"):
        severe = alert.get("severe_share")
        rows.append(
            {
                text(language, "label"): alert[label_column],
                text(language, "kind"): text(
                    language, KIND_KEYS.get(alert["kind"], "kind_hotspot")
                ),
                text(language, "status"): text(language, "status_" + str(alert["status"])),
                text(language, "level"): text(language, "level_" + level(float(alert["score"]))),
                text(language, "score"): float(alert["score"]),
                text(language, "observed"): int(alert["observed"]),
                text(language, "expected"): float(alert["expected"]),
                text(language, "severe"): None
                if severe is None or pd.isna(severe)
                else round(100 * float(severe)),
                text(language, "district"): place(alert, language),
                text(
                    language, "window_start"
                ): f"{pd.Timestamp(alert['window_start']).tz_convert(timezone):%Y-%m-%d %H:%M}",
                text(language, "age"): age_text(alert, data_until, language),
                text(language, "n_cells"): int(alert["n_cells"]),
                text(language, "cluster_id"): alert["cluster_id"],
            }
        )
    return pd.DataFrame(rows)
