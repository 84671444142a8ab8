"""The benchmark results as a Markdown report (printed, and saved as ``results/latest.md``)."""

from __future__ import annotations

from typing import Any

from benchmarks import report_detection, report_scale
from benchmarks.markdown import pct, table

MAX_LISTED_ALERTS = 40


def _header(results: dict[str, Any]) -> list[str]:
    m, r = results["machine"], results["run"]
    rev = r["revision"]
    return [
        f"# Heatmap benchmarks — {r['date']}",
        "",
        f"- command: `{r['command']}` (in `{r['cwd']}`)",
        f"- engine: commit {rev['commit']}"
        + (
            f", with uncommitted changes to {', '.join(rev['uncommitted'])}"
            if rev["uncommitted"]
            else ""
        ),
        *(
            [
                f"- engine code measured: `{results['engine']['path']}` (PYTHONPATH), commit "
                f"{results['engine']['commit']}"
                + (
                    f", with uncommitted changes to {', '.join(results['engine']['uncommitted'])}"
                    if results["engine"]["uncommitted"]
                    else ""
                )
            ]
            if "engine" in results
            else []
        ),
        f"- total wall time: {results['total_wall_s']:.1f} s",
        f"- machine: {m['cpu_model']}, {m['cores']} cores ({m['usable_cores']} usable), "
        f"{m['ram_gib']} GiB RAM, {m['os']}",
        f"- software: Python {m['python']}, DuckDB {m['duckdb']}; "
        f"1-minute load average {m['load_average_1m_at_start']} at start, "
        f"{m.get('load_average_1m_at_end', 'n/a')} at end (the machine is shared: CPU seconds "
        "are steadier than wall seconds)",
        "",
    ]


def _speed(speed: dict[str, Any]) -> list[str]:
    startup = ", ".join(
        f"`{command}` {st['wall_s']:.2f} s / {st['peak_rss_mib']:.0f} MiB"
        for command, st in speed["startup"].items()
    )
    lines = [
        "## 1. Pipeline speed",
        "",
        "Every step is its own `heatmap` process, so its wall time includes interpreter start-up "
        f"and imports; measured alone (median of 3), they cost {startup}. "
        "Wall: median of the repeats (min–max); CPU: user + system seconds; RSS: the step's "
        "peak resident memory (kernel `ru_maxrss`).",
        "",
    ]
    rows = []
    for case in speed["cases"]:
        for step in ("ingest", "run", "alerts"):
            st = case["steps"][step]
            rows.append(
                [
                    case["case"],
                    f"{case['rows']:,}",
                    case["repeats"],
                    step,
                    f"{st['wall_s']:.2f} ({st['wall_min_s']:.2f}–{st['wall_max_s']:.2f})",
                    f"{st['cpu_s']:.2f}",
                    f"{st['peak_rss_mib']:.0f}",
                ]
            )
        total = f"**{case['ingest_plus_run_s']:.2f}**"
        rows.append([case["case"], "", "", "**ingest + run**", total, "", ""])
        base = case.get("baseline")
        if base:
            rows.append(
                [
                    case["case"],
                    f"{base['rows']:,}",
                    1,
                    "pandas + h3-py baseline (counts only)",
                    f"{base['wall_s']:.2f}",
                    f"{base['user_s'] + base['sys_s']:.2f}",
                    f"{base['peak_rss_mib']:.0f}",
                ]
            )
            ratio = f"**{case['baseline_over_engine']:.2f}×**"
            rows.append([case["case"], "", "", "**baseline ÷ (ingest + run)**", ratio, "", ""])
    header = ["case", "rows", "repeats", "step", "wall s", "CPU s", "peak RSS MiB"]
    lines += table(header, rows)
    rows = [
        [
            c["case"],
            f"{c['days']} d × {c['per_day']:,}/d",
            f"{c['csv_mib']:.1f}",
            f"{c['generation_s']:.1f}",
            f"{c['ingest_rows_per_s']:,}",
            f"{c['store_mib']:.1f} / {c['snapshot_mib']:.1f}",
            ", ".join(f"{k} {v}" for k, v in sorted(c["alerts_raised"].items())),
            ", ".join(f"{k} {v}" for k, v in sorted(c["alerts_unmatched"].items())) or "none",
            c["events_found"],
        ]
        for c in speed["cases"]
    ]
    header = [
        "case",
        "size",
        "CSV MiB",
        "generation s (not timed)",
        "ingest rows/s",
        "store / snapshot MiB",
        "alerts raised",
        "alerts matching no planted event",
        "planted events found",
    ]
    lines += table(header, rows)
    for c in speed["cases"]:
        if c["false_alerts"]:
            lines += [f"Alerts of the {c['case']} case matching no planted event:", ""]
            lines += _alert_list(c["false_alerts"])
    lines += ["### Incremental run (a batch of the following day on the stored history)", ""]
    rows = []
    for c in speed["cases"]:
        inc = c["incremental"]
        rows.append(
            [
                f"{inc['history_rows']:,}",
                f"{inc['batch_rows']:,}",
                f"{inc['ingest']['wall_s']:.2f}",
                f"{inc['run']['wall_s']:.2f}",
                f"**{inc['ingest_plus_run_s']:.2f}**",
                f"{inc['ingest']['peak_rss_mib']:.0f} / {inc['run']['peak_rss_mib']:.0f}",
                f"{c['steps']['run']['wall_s']:.2f}",
            ]
        )
    header = [
        "history rows",
        "batch rows",
        "ingest s",
        "run s",
        "ingest + run s",
        "peak RSS ingest / run MiB",
        "full run s (for comparison)",
    ]
    return lines + table(header, rows)


def _alert_list(listed: list[dict[str, Any]]) -> list[str]:
    """A table of false alerts (the first :data:`MAX_LISTED_ALERTS`)."""
    if not listed:
        return []
    keys = ["seed"] if "seed" in listed[0] else []
    keys += ["kind", "issue_type", "window_start", "hours", "n_cells", "observed", "expected"]
    keys += ["score", "district", "shares"]
    lines = table(keys, [[a[key] for key in keys] for a in listed[:MAX_LISTED_ALERTS]])
    if len(listed) > MAX_LISTED_ALERTS:
        lines += [f"(the first {MAX_LISTED_ALERTS} of {len(listed)}; all are in latest.json)", ""]
    return lines


def _detection(det: dict[str, Any]) -> list[str]:
    plan, planted = det["plan"], det["planted"]
    lines = [
        "## 5. Detection on the generator's default events",
        "",
        f"Seeds {plan['seeds']}: {plan['days']} days × {plan['per_day']:,}/day with the "
        f"generator's default events; null seeds {plan['null_seeds']}: the same city, no events. "
        f"A scenario is {plan['weeks_per_scenario']} weeks of data, of which "
        f"{plan['scored_weeks_per_scenario']} are scored (the first 7 days are burn-in). "
        f"Delay = alert window_start − event start; 'on time' = delay ≤ {plan['on_time_h']:g} h.",
        "",
    ]
    rows = []
    for kind, k in planted["by_kind"].items():
        d = k["delay"]
        delay = (
            f"{d['median_h']} ({d['min_h']} – {d['max_h']})"
            if d["n"] and kind != "data_quality"
            else "n/a"
        )
        on_time = f"{d['within_one_window']}/{k['planted']}" if kind == "hotspot" else "n/a"
        rows.append(
            [
                kind,
                f"{k['found']}/{k['planted']}",
                pct(k["recall"]),
                f"{k['matched_alerts']}/{k['alerts']}",
                pct(k["precision"]),
                k["false_alerts"],
                k["false_per_week"],
                k["false_per_scored_week"],
                delay,
                on_time,
            ]
        )
    header = [
        "kind",
        "found",
        "recall",
        "matched / alerts",
        "precision",
        "false alerts",
        "false / week",
        "false / scored week",
        "delay h, median (min – max)",
        "on time",
    ]
    lines += table(header, rows)
    rows = [
        [event_id, e["kind"], f"{e['found']}/{e['runs']}", ", ".join(map(str, e["delays_h"]))]
        for event_id, e in planted["by_event"].items()
    ]
    lines += table(["planted event", "kind", "found", "delays h (per seed found)"], rows)
    lines += ["### No planted events", ""]
    rows = [
        [kind, v["n"], v["per_week"], v["per_scored_week"]]
        for kind, v in det["null"]["false_by_kind"].items()
    ]
    lines += table(["kind", "false alerts", "per week", "per scored week"], rows)
    listed = planted["false_alerts"] + det["null"]["alerts"]
    lines += [f"### Alerts matching no planted event ({len(listed)})", ""]
    lines += _alert_list(listed)
    return lines


def render(results: dict[str, Any]) -> str:
    """The whole report: header, speed, detection, and the SPEC targets beside the figures."""
    lines = _header(results)
    if "speed" in results:
        lines += _speed(results["speed"])
    if "detection" in results:
        lines += report_detection.render(results["detection"])
    if "ingest" in results:
        lines += report_scale.render_ingest(results["ingest"])
    if "dashboard" in results:
        lines += report_scale.render_dashboard(results["dashboard"])
    if "scale" in results:
        lines += report_scale.render_scale(results["scale"])
    if "default_events" in results:
        lines += _detection(results["default_events"])
    lines += _targets(results)
    return "\n".join(lines).rstrip() + "\n"


def _targets(results: dict[str, Any]) -> list[str]:
    rows = []
    speed, det = results.get("speed"), results.get("detection")
    if "scale" in results:
        rows += report_scale.scale_targets(results["scale"])
    if speed and "scale" not in results:
        big = speed["cases"][-1]
        peak = max(big["steps"][step]["peak_rss_mib"] for step in ("ingest", "run"))
        rows.append(
            [
                "10 M rows CSV → clusters < 15 s, < 4 GB",
                f"{big['rows']:,} rows: {big['ingest_plus_run_s']:.1f} s, peak {peak:.0f} MiB",
                "10 M not run here (time budget); no extrapolation made",
            ]
        )
        ratios = ", ".join(
            f"{c['baseline_over_engine']:.2f}× at {c['rows']:,} rows"
            for c in speed["cases"]
            if "baseline" in c
        )
        rows.append(
            [
                "≥ 3× the pandas + h3-py baseline",
                ratios or "not measured",
                "baseline time ÷ engine ingest + run; the baseline only counts",
            ]
        )
        incs = ", ".join(
            f"{c['incremental']['ingest_plus_run_s']:.2f} s on {c['rows']:,} rows"
            for c in speed["cases"]
        )
        rows.append(["incremental 10k batch on a year < 2 s", incs, "history of 28 days"])
    if "ingest" in results:
        rows += report_scale.ingest_targets(results["ingest"])
    if det:
        rows += _detection_targets(det)
    if "dashboard" in results:
        rows += report_scale.dashboard_targets(results["dashboard"])
    return ["## SPEC targets beside what was measured", ""] + table(
        ["target", "measured", "note"], rows
    )


def _detection_targets(det: dict[str, Any]) -> list[list[str]]:
    """The SPEC's detection targets beside the engine's figures (fresh seeds when run)."""
    plan, summary = det["plan"], det["summary"]
    seed_set = "fresh" if "fresh" in plan["seed_sets"] else plan["seed_sets"][0]
    group = f"{seed_set}/both"
    e = summary["table"][group]["engine"]
    equal = summary["equal_false_rate"][group]
    peers = "; ".join(
        f"{report_detection.NAMES[d]} {pct(x.get('recall_on_time'))} on time / "
        f"{pct(x.get('recall'))} any at {x.get('false_per_scored_week_all')}/wk"
        for d, x in equal.items()
    )
    return [
        [
            "≥ 95% planted clusters within one window",
            f"{pct(e['recall_on_time'])} ({e['on_time']}/{e['planted_hotspots']}) on time, "
            f"{pct(e['recall_on_time_visible'])} of the hour-visible",
            f"{seed_set} seeds; any delay {pct(e['recall'])}",
        ],
        ["≥ 90% flagged clusters real", f"hotspot precision {pct(e['precision'])}", ""],
        [
            "< 1 false cluster / week, no events",
            f"{e['false_per_scored_week_null']} false hotspots / judged week (null)",
            f"{e['false_per_scored_week_all']} over all scenarios",
        ],
        ["median delay within 1 h", f"{e['median_time_to_alert_h']} h to alert (median)", ""],
        [
            "ahead of EARS C2 and Gi* at equal false rate",
            f"engine {pct(e['recall_on_time'])} / {pct(e['recall'])} at "
            f"{e['false_per_scored_week_all']}/wk",
            peers,
        ],
    ]
