"""The report's sections for ingest speed on a large export and for the dashboard's speed.

Each ``render_*`` takes the dict its benchmark returned (:mod:`benchmarks.ingest_speed`,
:mod:`benchmarks.dashboard_speed`) and gives Markdown lines; each ``*_targets`` gives the rows
of the SPEC-targets table that its figures answer.
"""

from __future__ import annotations

from typing import Any

from benchmarks.markdown import table


def render_ingest(ingest: dict[str, Any]) -> list[str]:
    """Section 3: ``heatmap ingest`` of one large ticket-system export."""
    export, cli, summary = ingest["export"], ingest["cli"], ingest["summary"]
    lines = [
        "## 3. Ingest speed on a large export",
        "",
        f"A {export['rows']:,}-row export ({export['size_mib']} MiB CSV, Chinese columns, "
        f"{export.get('crs', 'gcj02')} coordinates, about 1% bad rows): "
        "`python -m benchmarks.ingest_speed` (`benchmarks/README.md` §3).",
        "",
    ]
    lines += table(
        ["rows read", "accepted", "quarantined", "wall s", "CPU s", "peak RSS MiB", "rows/s",
         "rows/s without start-up"],
        [[
            f"{summary['rows_read']:,}", f"{summary['accepted']:,}",
            f"{summary['quarantined']:,}", f"{cli['wall_s']:.2f}",
            f"{cli['user_s'] + cli['sys_s']:.2f}",
            f"{cli['peak_rss_mib']:.0f}", f"{ingest['rows_per_s']:,}",
            f"{ingest['rows_per_s_engine']:,}",
        ]],
    )  # fmt: skip
    phases = ingest.get("phases")
    if phases:
        lines += ["Where the time goes (the same ingest in process):", ""]
        lines += table(
            ["phase", "s"],
            [[name.removesuffix("_s"), value] for name, value in phases.items()],
        )
    return lines


def render_dashboard(dashboard: dict[str, Any]) -> list[str]:
    """Section 4: the map queries' latency and a 50,000-hexagon layer."""
    queries, hexagons = dashboard["map_queries"], dashboard["hexagons_50k"]
    lines = [
        "## 4. Dashboard speed",
        "",
        f"Map queries on the demo publication, each {queries['samples'] // queries['queries']} "
        "times on a fresh cursor, nothing cached (`python -m benchmarks.dashboard_speed`):",
        "",
    ]
    rows = [
        [name, figures["rows"], figures["p50_ms"], figures["p95_ms"]]
        for name, figures in queries["per_query"].items()
    ]
    rows.append(["**all**", "", f"**{queries['p50_ms']}**", f"**{queries['p95_ms']}**"])
    lines += table(["query", "rows", "p50 ms", "p95 ms"], rows)
    lines += [
        f"{hexagons['hexagons']:,} hexagons: building the layer {hexagons['build_ms']} ms, "
        f"serialising it for the browser {hexagons['serialise_ms']} ms "
        f"({hexagons['json_mib']} MiB of JSON).",
        "",
    ]
    browser = hexagons.get("browser")
    if browser:
        full, empty = browser["hexagons_50k"], browser["empty_map"]
        lines += [
            "In headless Chromium (page load until the map has drawn; long tasks are main-thread "
            "tasks over 50 ms):",
            "",
        ]
        lines += table(
            ["map", "load → drawn ms", "longest task ms", "long tasks ms in all"],
            [
                ["districts only", empty["load_to_drawn_ms"], empty["longest_task_ms"],
                 empty["long_tasks_ms"]],
                [f"{hexagons['hexagons']:,} hexagons", full["load_to_drawn_ms"],
                 full["longest_task_ms"], full["long_tasks_ms"]],
            ],
        )  # fmt: skip
    return lines


def ingest_targets(ingest: dict[str, Any]) -> list[list[str]]:
    """The ingest-speed target (issue: ≥ 1 M rows/s on a large export)."""
    return [
        [
            "ingest ≥ 1 M rows/s",
            f"{ingest['rows_per_s']:,} rows/s on {ingest['export']['rows']:,} rows "
            f"({ingest['rows_per_s_engine']:,} without start-up)",
            "not met" if ingest["rows_per_s_engine"] < ingest["target_rows_per_s"] else "met",
        ]
    ]


def dashboard_targets(dashboard: dict[str, Any]) -> list[list[str]]:
    """The dashboard targets: map query p95 under 50 ms; 50,000 hexagons drawn."""
    queries, hexagons = dashboard["map_queries"], dashboard["hexagons_50k"]
    browser = hexagons.get("browser")
    drawn = (
        f"drawn {browser['hexagons_50k']['load_to_drawn_ms']} ms after load, longest task "
        f"{browser['hexagons_50k']['longest_task_ms']} ms"
        if browser
        else "browser not measured"
    )
    return [
        [
            "dashboard map query p95 < 50 ms",
            f"p95 {queries['p95_ms']} ms (p50 {queries['p50_ms']} ms, max {queries['max_ms']})",
            "met" if queries["meets_target"] else "not met",
        ],
        [
            "50,000 hexagons without stalling",
            f"built + serialised in {hexagons['total_ms']} ms; {drawn}",
            "",
        ],
    ]


def render_scale(scale: dict[str, Any]) -> list[str]:
    """Section 5: a year of complaints, CSV to published alerts, beside the baseline."""
    steps = [("ingest", scale["ingest"]), ("run", scale["run"]), ("alerts --all", scale["alerts"])]
    inc = scale["incremental"]
    base = scale["baseline"]
    lines = [
        "## 6. Telecom scale: a year of complaints",
        "",
        f"A {scale['rows']:,}-row export over {scale['days']} days "
        f"({scale['export']['size_mib']} MiB CSV, Chinese columns, GCJ-02, about 1% bad rows), "
        "each step a `heatmap` process (`python -m benchmarks.scale_speed`, "
        "`benchmarks/README.md` §6). The baseline ran on the same file in the same run.",
        "",
    ]
    rows = [
        [name, f"{st['wall_s']:.2f}", f"{st['user_s'] + st['sys_s']:.2f}",
         f"{st['peak_rss_mib']:.0f}"]
        for name, st in steps
    ]  # fmt: skip
    rows.append(["**ingest + run**", f"**{scale['end_to_end_s']:.2f}**", "", ""])
    rows.append(
        [
            f"pandas + h3-py baseline (counts only, {base['rows']:,} rows)",
            f"{base['wall_s']:.2f}",
            f"{base['user_s'] + base['sys_s']:.2f}",
            f"{base['peak_rss_mib']:.0f}",
        ]
    )
    rows.append(
        ["**baseline ÷ (ingest + run)**", f"**{scale['baseline_over_engine']:.2f}×**", "", ""]
    )
    for name, key in (("incremental ingest", "ingest"), ("incremental run", "run")):
        st = inc[key]
        rows.append(
            [f"{name} ({inc['batch_rows']:,} rows on the year)", f"{st['wall_s']:.2f}",
             f"{st['user_s'] + st['sys_s']:.2f}", f"{st['peak_rss_mib']:.0f}"]
        )  # fmt: skip
    rows.append(["**incremental ingest + run**", f"**{inc['ingest_plus_run_s']:.2f}**", "", ""])
    if "warm_tick" in inc:
        tick = inc["warm_tick"]
        timed = tick.get("timed", 1)
        what = f"median of {timed} ticks" if timed > 1 else "one tick"
        rows.append(
            [
                f"**the same in a running scheduler** ({what}: ingest + run, warm process)",
                f"**{tick['wall_s']:.2f}**",
                f"{tick['cpu_s']:.2f}",
                "",
            ]
        )
    lines += table(["step", "wall s", "CPU s", "peak RSS MiB"], rows)
    summary = scale["summary"]
    lines += [
        f"Accepted {summary['accepted']:,}, quarantined {summary['quarantined']:,}; store "
        f"{scale['store_mib']:,} MiB; alerts raised over the year: "
        + (", ".join(f"{k} {v}" for k, v in sorted(scale["alerts_raised"].items())) or "none")
        + ".",
        "",
    ]
    return lines


def scale_targets(scale: dict[str, Any]) -> list[list[str]]:
    """The scale targets: 10 M rows end to end, peak memory, the baseline ratio, incremental."""
    targets, inc = scale["targets"], scale["incremental"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "not met"

    return [
        [
            "10 M rows CSV → clusters < 15 s, < 4 GB",
            f"{scale['rows']:,} rows over a year: {scale['end_to_end_s']:.1f} s, "
            f"peak {scale['peak_rss_mib']:.0f} MiB",
            verdict(
                scale["rows"] >= 10_000_000
                and scale["end_to_end_s"] < targets["end_to_end_s"]
                and scale["peak_rss_mib"] < targets["peak_rss_mib"]
            ),
        ],
        [
            "≥ 3× the pandas + h3-py baseline",
            f"{scale['baseline_over_engine']:.2f}× at {scale['rows']:,} rows",
            verdict(scale["baseline_over_engine"] >= targets["baseline_ratio"])
            + "; the baseline only counts",
        ],
        [
            "incremental 10k batch on a year < 2 s",
            f"{inc['ingest_plus_run_s']:.2f} s (ingest + run, each with start-up)"
            + (
                f"; {inc['warm_tick']['wall_s']:.2f} s as a running scheduler's tick"
                if "warm_tick" in inc
                else ""
            ),
            verdict(
                min(inc["ingest_plus_run_s"], inc.get("warm_tick", {}).get("wall_s", 1e9))
                < targets["incremental_s"]
            ),
        ],
    ]
