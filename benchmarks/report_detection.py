"""The detection evaluation as Markdown: the engine beside EARS C2 and Gi* + BH.

:func:`render` gives the report's section; :func:`readme_table` the short table for the
project README (saved as ``results/detection-readme.md``).
"""

from __future__ import annotations

from typing import Any

from benchmarks.markdown import pct, table

NAMES = {
    "engine": "engine",
    "ears_c2": "EARS C2",
    "gi_star_bh": "Gi* + BH",
    "engine_knob": "engine (knob)",
}
MAX_LISTED = 40


def _num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _threshold(detector: str, threshold: str | None) -> str:
    if threshold is None:
        return "n/a"
    if detector == "engine":
        return "as run" if threshold == "0" else f"score ≥ {threshold}"
    if detector == "ears_c2":
        return f"C2 > {threshold}"
    if detector == "gi_star_bh":
        return f"q = 1e{float(threshold):.0f}" if float(threshold) < -1.5 else "q = 0.05"
    return threshold


def _fraction(s: dict[str, Any], hits: str, total: str, share: str) -> str:
    return f"{pct(s[share])} ({s[hits]}/{s[total]})"


def _headline_rows(det: dict[str, Any], groups: list[str]) -> list[list[Any]]:
    summary = det["summary"]
    rows = []
    for group in groups:
        for detector, s in summary["table"][group].items():
            seed_set, city = group.split("/")
            if s.get("saturated"):
                rows.append(
                    [seed_set, city, NAMES[detector], _threshold(detector, s["threshold"])]
                    + [f"saturated: {s['flagged_per_scored_week']:,.0f} flagged cell-windows / wk"]
                    + [""] * 6
                    + [_equal_cell(summary, group, detector)]
                )
                continue
            rows.append(
                [
                    seed_set,
                    city,
                    NAMES[detector],
                    _threshold(detector, s["threshold"]),
                    _fraction(s, "on_time", "planted_hotspots", "recall_on_time"),
                    pct(s["recall_on_time_visible"]),
                    _fraction(s, "found", "planted_hotspots", "recall"),
                    pct(s["precision"]),
                    _num(s["false_per_scored_week_null"]),
                    _num(s["false_per_scored_week_all"]),
                    _num(s["median_time_to_alert_h"], 1),
                    _equal_cell(summary, group, detector),
                ]
            )
    return rows


def _equal_cell(summary: dict[str, Any], group: str, detector: str) -> str:
    if detector == "engine":
        return "(the reference)"
    e = summary["equal_false_rate"][group].get(detector)
    if not e or e.get("saturated"):
        return "every threshold saturated"
    mark = "" if e["within_target"] else " — none this quiet; quietest shown"
    rate = _num(e["false_per_scored_week_all"])
    return (
        f"{pct(e['recall_on_time'])} / {pct(e['recall'])} at {rate}/wk "
        f"({_threshold(detector, e['threshold'])}){mark}"
    )


HEADLINE = [
    "seeds",
    "city",
    "detector",
    "threshold",
    "on time (≤ 1 window)",
    "on time, hour-visible",
    "found, any delay",
    "precision",
    "false / wk, null",
    "false / wk, all",
    "median h to alert",
    "at the engine's false rate: on time / any",
]


def render(det: dict[str, Any]) -> list[str]:
    plan, summary = det["plan"], det["summary"]
    groups = [
        f"{s}/{c}"
        for s in plan["seed_sets"]
        for c in [*plan["cities"], "both"]
        if f"{s}/{c}" in summary["table"]
    ]
    weeks = plan["scored_weeks_per_scenario"]
    lines = [
        "## 2. Detection quality: the engine beside EARS C2 and Gi* + BH",
        "",
        f"{plan['planted_per_set_and_city']} planted and {plan['nulls_per_set_and_city']} null "
        f"scenarios per seed set and city ({', '.join(plan['cities'])}; seed sets "
        f"{', '.join(plan['seed_sets'])}), each {plan['days']} days of which {weeks} weeks are "
        "judged (the first 7 days are the engine's burn-in; no detector is judged on them). "
        "Scenarios, peers and matching: `benchmarks/README.md` §2. "
        f"Evaluation wall time {det['wall_s']:.0f} s"
        + (f"; engine code from `{plan['engine_path']}`" if plan["engine_path"] else "")
        + ".",
        "",
        "- **on time**: known by the end of the hourly window after the one the event started in "
        "(a window is judged at its end); **hour-visible**: the events with at least 3 of their "
        "calls in one cell within those two windows (the rest cannot be seen on time by a "
        "cell-level detector); **found**: at any delay.",
        "- **false / wk**: false hotspot alerts per judged week, on null scenarios (the SPEC "
        "target) and over all scenarios; a detector's false windows are grouped into alerts by "
        "one rule for all (connected cells per window, linked across windows within 1 h).",
        "- **at the engine's false rate**: the peer's best recall over its swept thresholds "
        "with false alerts per week (all scenarios) at most the engine's.",
        "",
    ]
    lines += table(HEADLINE, _headline_rows(det, groups))
    lines += _floors(summary, groups)
    lines += _strata(summary)
    lines += _curves(summary)
    lines += _other(summary, groups)
    lines += _listings(summary)
    lines += _timings(det)
    return lines


def _floors(summary: dict[str, Any], groups: list[str]) -> list[str]:
    """What the planted calls allow any cell-level detector, beside the engine's delay."""
    if "floors" not in summary:  # a run from before the floors were measured
        return []
    rows = []
    for group in groups:
        f, engine = summary["floors"][group], summary["table"][group]["engine"]
        rows.append(
            [
                *group.split("/"),
                f["events"],
                f"{pct(f['within_hour'] / f['events'])} ({f['within_hour']}/{f['events']})"
                if f["events"]
                else "n/a",
                _num(f["median_h"]) if f["median_h"] is not None else "never",
                f["never"],
                _num(engine.get("median_time_to_alert_h"), 1),
            ]
        )
    return [
        "### What the calls allow: the earliest any cell-level detector can know an event",
        "",
        "No detector that needs three of an event's calls in one cell (two in a quiet "
        "cell-hour happen by chance most days somewhere in the city) can know it before its "
        "third call there, whatever its windows. The SPEC's median delay of an hour is out of "
        "reach for every such detector unless over half the events have that third call within "
        "the hour.",
        "",
    ] + table(
        ["seeds", "city", "planted hotspots", "3rd call in a cell within 1 h of the start",
         "median h to that call", "never 3 in a cell", "engine: median h to alert"],
        rows,
    )  # fmt: skip


def _strata(summary: dict[str, Any]) -> list[str]:
    detectors = ["engine", "ears_c2", "gi_star_bh"]
    rows = []
    for key, by_detector in summary["strata"].items():
        n = next(iter(by_detector.values()))[0]
        row = [key, n]
        for d in detectors:
            if d in by_detector:
                total, found, on_time = by_detector[d]
                row.append(f"{pct(on_time / total)} / {pct(found / total)}")
            else:
                row.append("n/a")
        rows.append(row)
    return [
        "### Recall by event shape, intensity and duration (all seeds and cities)",
        "",
        "On time / any delay. The engine as run; each peer at its threshold for the engine's "
        "false-alarm rate in that seed set and city. Intensity is the realised peak rate per "
        "affected cell-hour λ: weak < 2, medium 2–5, strong ≥ 5.",
        "",
    ] + table(["stratum", "events", *[NAMES[d] for d in detectors]], rows)


def _curves(summary: dict[str, Any]) -> list[str]:
    lines = [
        "### Threshold sweeps (false alerts per judged week, all scenarios → recall)",
        "",
        "The engine's sweep keeps only alerts whose score reaches a floor (it cannot go looser "
        "than the engine as run without an engine knob).",
        "",
    ]
    for group, curves in summary["curves"].items():
        rows = []
        for detector, curve in curves.items():
            for s in curve:
                if s.get("saturated"):
                    rows.append(
                        [NAMES[detector], _threshold(detector, s["threshold"]), "saturated",
                         f"{s['flagged_per_scored_week']:,.0f} cell-windows/wk", "", ""]
                    )  # fmt: skip
                    continue
                rows.append(
                    [
                        NAMES[detector],
                        _threshold(detector, s["threshold"]),
                        _num(s["false_per_scored_week_all"]),
                        _num(s["false_windows_per_scored_week_all"], 1),
                        pct(s["recall_on_time"]),
                        pct(s["recall"]),
                    ]
                )
        lines += [f"**{group}**", ""]
        lines += table(
            ["detector", "threshold", "false alerts / wk", "false windows / wk", "on time", "any"],
            rows,
        )
    return lines


def _other(summary: dict[str, Any], groups: list[str]) -> list[str]:
    rows = []
    for group in groups:
        for kind, s in summary["engine_other_kinds"][group].items():
            rows.append(
                [
                    group,
                    kind,
                    f"{s['found']}/{s['planted']}",
                    f"{s['alerts'] - s['false']}/{s['alerts']}",
                    pct(s["precision"]),
                    _num(s["false_per_scored_week_null"]),
                    _num(s["median_time_to_alert_h"], 1),
                ]
            )
    return [
        "### Surges and data-quality alerts (the engine only: the peers have no such kinds)",
        "",
        "A surge's time to alert counts from the local midnight its day starts.",
        "",
    ] + table(
        ["seeds/city", "kind", "found", "matched / alerts", "precision", "false / wk, null",
         "median h to alert"],
        rows,
    )  # fmt: skip


def _listings(summary: dict[str, Any]) -> list[str]:
    lines = [
        "### The engine's false alerts and misses (seen seeds only; fresh ones are not listed)",
        "",
    ]
    false_hot = summary["engine_false_hotspots_seen"]
    keys = ["scenario", "issue_type", "window_start", "hours", "n_cells", "observed", "expected",
            "score", "district", "shares"]  # fmt: skip
    lines += [f"False hotspots ({len(false_hot)}):", ""]
    lines += table(keys, [[a.get(k) for k in keys] for a in false_hot[:MAX_LISTED]])
    other = summary["engine_false_other_seen"]
    keys2 = ["scenario", "kind", "issue_type", "window_start", "hours", "observed", "expected",
             "score", "shares"]  # fmt: skip
    lines += [f"False surges and data-quality alerts ({len(other)}):", ""]
    lines += table(keys2, [[a.get(k) for k in keys2] for a in other[:MAX_LISTED]])
    misses = summary["engine_misses_seen"]
    keys3 = ["scenario", "event", "outcome", "n", "cells", "hours", "ramp_min", "lambda",
             "peak_first_2h", "peak_cell_hour", "peak_cell_day", "ears_c2",
             "gi_star_bh"]  # fmt: skip
    lines += [
        f"Hotspots not found on time ({len(misses)}): peak_* are the most calls of the event in "
        "one cell in its first two hourly windows, in one cell-hour, in one cell-day; the peers "
        "at their nominal thresholds.",
        "",
    ]
    lines += table(keys3, [[m.get(k) for k in keys3] for m in misses[:MAX_LISTED]])
    return lines


def _timings(det: dict[str, Any]) -> list[str]:
    steps: dict[str, list[float]] = {}
    for r in det["scenarios"]:
        for step, seconds in r["steps_s"].items():
            steps.setdefault(step, []).append(seconds)
    text = ", ".join(f"{k} {sum(v) / len(v):.1f} s" for k, v in steps.items())
    return [f"Mean per scenario: {text}.", ""]


def readme_table(det: dict[str, Any]) -> str:
    """The short table for the README: fresh seeds when run, each city and both."""
    summary, plan = det["summary"], det["plan"]
    seed_set = "fresh" if "fresh" in plan["seed_sets"] else plan["seed_sets"][0]
    rows = []
    for city in [*plan["cities"], "both"]:
        group = f"{seed_set}/{city}"
        for detector, s in summary["table"][group].items():
            if s.get("saturated"):
                rows.append(
                    [
                        city,
                        NAMES[detector],
                        "saturated",
                        "",
                        "",
                        "",
                        _equal_cell(summary, group, detector),
                    ]
                )
                continue
            rows.append(
                [
                    city,
                    NAMES[detector],
                    pct(s["recall_on_time"]),
                    pct(s["recall"]),
                    pct(s["precision"]),
                    _num(s["false_per_scored_week_null"]),
                    _equal_cell(summary, group, detector),
                ]
            )
    lines = [
        f"Detection on {seed_set} seeds ({plan['planted_per_set_and_city']} planted + "
        f"{plan['nulls_per_set_and_city']} null scenarios per city, 21 days each; "
        "`.venv/bin/python -m benchmarks --only detection`):",
        "",
    ]
    lines += table(
        ["city", "detector", "on time", "found", "precision", "false / wk (null)",
         "at the engine's false rate: on time / any"],
        rows,
    )  # fmt: skip
    floors = summary.get("floors", {}).get(f"{seed_set}/both")
    if floors and floors["events"]:
        lines += [
            "",
            f"Within an hour of its start, {floors['within_hour']} of the {floors['events']} "
            f"{seed_set} events have three of their calls in one cell (the median event "
            + (
                f"{floors['median_h']:.2f} h after its start"
                if floors["median_h"] is not None
                else "never"
            )
            + "): no detector that needs three calls in a cell can know more of them within "
            "the hour.",
        ]
    return "\n".join(lines)
