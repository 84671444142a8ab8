"""The dashboard's words in Chinese (the default: operators work in Chinese) and English.

One table, looked up by key, so that every page says the same thing the same way and a missing
translation fails a test instead of showing a key on the wall.

>>> text("zh", "title"), text("en", "title")
('投诉热力图', 'Complaint heat map')
>>> text("en", "minutes_ago", n=5)
'5 min ago'
"""

from __future__ import annotations

from datetime import timedelta

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}

_TEXT: dict[str, tuple[str, str]] = {
    # app and navigation
    "title": ("投诉热力图", "Complaint heat map"),
    "page_map": ("实时地图", "Live map"),
    "page_alerts": ("告警", "Alerts"),
    "page_drilldown": ("详情", "Drill-down"),
    "page_playback": ("回放", "Playback"),
    "language": ("语言 / Language", "语言 / Language"),
    "none": (
        "尚无发布数据：请先运行 `heatmap demo` 或 `heatmap run`。",
        "Nothing published yet: run `heatmap demo` or `heatmap run` first.",
    ),
    # freshness
    "data_until": ("数据截至", "Data until"),
    "published": ("发布于", "published"),
    "refreshed": ("页面刷新于", "page refreshed"),
    "stale_publication": (
        "数据可能已过期：最近一次发布在 {age}（超过 {limit}）。请检查调度任务。",
        "Data may be stale: the last publication was {age} (more than {limit}). "
        "Check the scheduled jobs.",
    ),
    "stale_data": (
        "数据可能已过期：最新一条投诉在 {age}（{when}），超过 {limit}。请检查数据接入。",
        "Data may be stale: the newest complaint is from {age} ({when}), more than {limit}. "
        "Check the complaint feed.",
    ),
    "minutes_ago": ("{n} 分钟前", "{n} min ago"),
    "hours_ago": ("{n} 小时前", "{n} h ago"),
    "days_ago": ("{n} 天前", "{n} days ago"),
    "just_now": ("刚刚", "just now"),
    "minutes": ("{n} 分钟", "{n} min"),
    "hours": ("{n} 小时", "{n} h"),
    "days": ("{n} 天", "{n} days"),
    # map controls
    "window": ("时间窗口", "Window"),
    "win_1h": ("最近 1 小时", "Last hour"),
    "win_3h": ("最近 3 小时", "Last 3 hours"),
    "win_24h": ("最近 24 小时", "Last 24 hours"),
    "win_day": ("指定日期", "A chosen day"),
    "day": ("日期", "Day"),
    "types": ("投诉类型", "Issue types"),
    "all": ("全部", "all"),
    "colour": ("着色", "Colour by"),
    "count": ("投诉量", "count"),
    "score": ("异常分", "score"),
    "resolution": ("网格", "Grid"),
    "res_8": ("500 米", "500 m"),
    "res_7": ("1.2 公里", "1.2 km"),
    "res_district": ("区县", "district"),
    "resolved": ("显示已恢复告警", "Show resolved alerts"),
    "cells": ("个网格", "cells"),
    "districts_n": ("个区", "districts"),
    "complaints": ("条投诉", "complaints"),
    "showing": ("显示", "Showing"),
    # legend
    "legend": ("图例", "Legend"),
    "legend_count": ("投诉量（平方根刻度）", "complaints (square-root scale)"),
    "legend_score": ("异常分（≥50 为明确异常）", "score (50+ is unmistakable)"),
    "legend_flagged": ("异常网格（不透明）", "flagged cell (opaque)"),
    "legend_outline": ("告警范围", "alert outline"),
    "legend_focus": ("当前选中", "selected"),
    "legend_district": ("区界（离线底图）", "district boundary (offline base map)"),
    # alerts
    "alerts": ("告警（按异常分排序）", "Alerts (by score)"),
    "no_alerts": ("当前无告警", "No open alerts"),
    "kind": ("类型", "kind"),
    "kind_hotspot": ("热点", "hotspot"),
    "kind_surge": ("全市激增", "citywide surge"),
    "kind_data_quality": ("数据质量", "data quality"),
    "status": ("状态", "status"),
    "status_new": ("新", "new"),
    "status_ongoing": ("持续", "ongoing"),
    "status_resolved": ("已恢复", "resolved"),
    "level": ("级别", "level"),
    "level_critical": ("紧急", "critical"),
    "level_major": ("重要", "major"),
    "level_minor": ("一般", "minor"),
    "since": ("开始", "since"),
    "age": ("持续", "for"),
    "ended": ("已结束", "ended"),
    "observed_vs_expected": ("实际 / 预期", "observed / expected"),
    "observed": ("实际", "observed"),
    "expected": ("预期", "expected"),
    "severe": ("A 级情绪", "grade A"),
    "district": ("区", "district"),
    "label": ("告警", "alert"),
    "n_cells": ("网格数", "cells"),
    "cluster_id": ("编号", "id"),
    "window_start": ("开始", "start"),
    "window_end": ("结束", "end"),
    "select": ("选择", "select"),
    "selected_n": ("已选 {n} 个告警", "{n} alerts selected"),
    "clear_selection": ("清除选择", "Clear selection"),
    "export_csv": ("导出所选 CSV", "Export selected as CSV"),
    "export_geojson": ("导出所选 GeoJSON", "Export selected as GeoJSON"),
    "export_hint": ("勾选告警后可导出。", "Select alerts to export them."),
    "filter_kind": ("告警类型", "Alert kinds"),
    "filter_status": ("状态", "Statuses"),
    "open_drilldown": ("查看详情", "Open drill-down"),
    "more_alerts": ("另有 {n} 个告警，见“告警”页。", "{n} more alerts on the Alerts page."),
    # drill-down
    "drilldown": ("详情", "Drill-down"),
    "pick_hint": (
        "点击地图上的告警范围或网格，或在告警列表中选择，查看时间序列和投诉明细。",
        "Click an alert outline or a cell on the map, or choose an alert in the list, to see "
        "its time series and complaints.",
    ),
    "target": ("对象", "Showing"),
    "target_cluster": ("告警", "alert"),
    "target_cell": ("网格", "cell"),
    "target_district": ("区县", "district"),
    "series": ("投诉量与预期范围", "Complaints against the expected range"),
    "series_band": ("预期范围（95%）", "expected range (95%)"),
    "series_expected": ("预期", "expected"),
    "series_observed": ("实际", "observed"),
    "series_flagged": ("异常", "flagged"),
    "time": ("时间", "time"),
    "no_series": ("该时段无投诉。", "No complaints in this period."),
    "no_band": (
        "数据质量告警没有预期值：这些投诉堆积在同一坐标，未计入任何网格。",
        "A data-quality alert has no expectation: these complaints pile up on one coordinate "
        "and are not counted in any cell.",
    ),
    "complaints_list": ("投诉明细（号码已脱敏）", "Complaints (numbers masked)"),
    "complaints_shown": ("显示最新 {shown} 条，共 {total} 条", "latest {shown} of {total}"),
    "repeat_share": ("复燃占比（30 天内重复投诉）", "Repeat share (again within 30 days)"),
    "severe_share": ("A 级（暴躁）占比", "Grade A (angry) share"),
    "total_complaints": ("投诉总数", "Complaints"),
    "reported_at": ("时间", "time"),
    "customer": ("客户", "customer"),
    "channel": ("渠道", "channel"),
    "severity": ("情绪", "grade"),
    "text": ("内容", "text"),
    "is_repeat": ("复燃", "repeat"),
    "yes": ("是", "yes"),
    "issue_type": ("类型", "type"),
    "choose_alert": ("选择告警", "Choose an alert"),
    "choose_cell": ("或输入网格编号（H3）", "or enter a cell id (H3)"),
    "bad_cell": ("不是有效的网格编号。", "Not a valid cell id."),
    # playback
    "span": ("回放范围", "Span"),
    "span_24h": ("最近 24 小时", "Last 24 hours"),
    "span_7d": ("最近 7 天", "Last 7 days"),
    "step": ("每帧", "Frame length"),
    "speed": ("每帧停留（秒）", "Seconds per frame"),
    "cumulative": ("累计", "Cumulative"),
    "loop": ("循环播放", "Loop"),
    "play": ("播放", "Play"),
    "pause": ("暂停", "Pause"),
    "frame": ("帧", "Frame"),
    "frame_total": ("本帧投诉", "complaints in frame"),
    "city_total": ("全市每帧投诉量", "Citywide complaints per frame"),
}


def text(language: str, key: str, **values: object) -> str:
    """The phrase ``key`` in ``language`` (``zh`` or ``en``), with ``{name}`` fields filled."""
    zh, en = _TEXT[key]
    phrase = en if language == "en" else zh
    return phrase.format(**values) if values else phrase


def keys() -> list[str]:
    """Every phrase key (for tests)."""
    return list(_TEXT)


def ago(language: str, age: timedelta) -> str:
    """A duration in the past, in words: ``3 分钟前`` / ``3 min ago``.

    >>> ago("zh", timedelta(hours=5)), ago("en", timedelta(days=3, hours=2))
    ('5 小时前', '3 days ago')
    """
    minutes = int(age.total_seconds() // 60)
    if minutes < 1:
        return text(language, "just_now")
    if minutes < 120:
        return text(language, "minutes_ago", n=minutes)
    if minutes < 48 * 60:
        return text(language, "hours_ago", n=minutes // 60)
    return text(language, "days_ago", n=minutes // (24 * 60))


def duration(language: str, span: timedelta) -> str:
    """A length of time in words: ``4 小时`` / ``4 h``.

    >>> duration("en", timedelta(minutes=90)), duration("zh", timedelta(days=2))
    ('90 min', '2 天')
    """
    minutes = int(span.total_seconds() // 60)
    if minutes < 120:
        return text(language, "minutes", n=minutes)
    if minutes < 48 * 60:
        return text(language, "hours", n=minutes // 60)
    return text(language, "days", n=minutes // (24 * 60))
