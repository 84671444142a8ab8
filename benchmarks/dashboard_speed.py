"""Dashboard speed: map query latency on the demo scenario, and a 50,000-hexagon layer.

*Map queries* are the queries behind one map view (``heatmap.mapdata``): the cell layer for
each window choice (last hour, 3 h, 24 h, a chosen day) at resolutions 8 and 7, the district
layer, the alert list, the window list and the freshness stamp. Each runs ``repeats`` times on
a fresh cursor of a read-only connection to the published snapshot, with nothing cached: what
a cache miss costs a dashboard session (Streamlit then caches the result per publication).
Target: p95 under 50 ms.

*50,000 hexagons* is a synthetic layer of that many resolution-8 cells around Beijing (a disk
of radius 129 cells, cut to 50,000): the time to colour it and build the rows deck.gl receives
(``heatmap.mapstyle.cell_records``), to build the ``pydeck.Deck``, and to serialise it to the
JSON that Streamlit sends to the browser, with the payload's size.

``run(home=None)`` builds the demo scenario into a temporary home (through the CLI, as
``make demo`` does) unless given one, and returns the figures as a dict. From the shell::

    python -m benchmarks.dashboard_speed [--home DIR] [--repeats N]
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import h3
import numpy as np
import pandas as pd

from heatmap import mapdata, mapstyle
from heatmap.home import Home
from heatmap.store import current_snapshot, open_snapshot
from heatmap.timewindows import latest_hour, map_window

TIMEZONE = "Asia/Shanghai"
TARGET_P95_MS = 50.0
HEXAGONS = 50_000
BEIJING_CENTRE = (39.91, 116.40)


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def _build_demo(root: Path) -> Path:
    home = root / "home"
    subprocess.run(
        [sys.executable, "-m", "heatmap", "demo", "--no-dashboard", "--home", str(home)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "HEATMAP_HASH_KEY": os.environ.get("HEATMAP_HASH_KEY", "bench-key")},
    )
    return home


def _map_queries(con: Any) -> dict[str, Callable[[], pd.DataFrame]]:
    """The queries behind one map view, by name."""
    cursor = mapdata.cursor(con, TIMEZONE)
    latest = latest_hour(mapdata.windows(cursor, "1h")["window_start"]).tz_convert(TIMEZONE)
    day = pd.Timestamp(mapdata.windows(cursor, "1d")["window_start"].iloc[1]).tz_convert(TIMEZONE)
    windows = {c: map_window(c, latest, day, TIMEZONE) for c in ("1h", "3h", "24h", "day")}

    def on_fresh_cursor(query: Callable[[Any], pd.DataFrame]) -> Callable[[], pd.DataFrame]:
        return lambda: query(mapdata.cursor(con, TIMEZONE))

    queries: dict[str, Callable[[], pd.DataFrame]] = {}
    for choice, window in windows.items():
        for resolution in (8, 7):
            queries[f"cells {choice} res{resolution}"] = on_fresh_cursor(
                lambda cur, w=window, r=resolution: mapdata.cell_layer(cur, w, [], r)
            )
    queries["cells 24h fibre_loss res8"] = on_fresh_cursor(
        lambda cur: mapdata.cell_layer(cur, windows["24h"], ["fibre_loss"], 8)
    )
    queries["districts 24h"] = on_fresh_cursor(
        lambda cur: mapdata.district_layer(cur, windows["24h"], [])
    )
    queries["alert list"] = on_fresh_cursor(lambda cur: mapdata.alert_list(cur, False))
    queries["window list"] = on_fresh_cursor(lambda cur: mapdata.windows(cur, "1h"))
    queries["freshness"] = on_fresh_cursor(mapdata.freshness)
    return queries


def measure_map_queries(home: Path, repeats: int = 30) -> dict[str, Any]:
    """p50/p95 of the map queries on the publication in ``home`` (milliseconds)."""
    con = open_snapshot(current_snapshot(Home(home)), TIMEZONE)
    try:
        queries = _map_queries(con)
        per_query: dict[str, dict[str, float]] = {}
        every: list[float] = []
        for name, query in queries.items():
            query()  # warm-up: file pages, SQL text
            times = []
            for _ in range(repeats):
                began = time.perf_counter()
                rows = len(query())
                times.append(1000 * (time.perf_counter() - began))
            every += times
            per_query[name] = {
                "rows": rows,
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(_percentile(times, 95), 2),
            }
    finally:
        con.close()
    return {
        "queries": len(per_query),
        "samples": len(every),
        "p50_ms": round(statistics.median(every), 2),
        "p95_ms": round(_percentile(every, 95), 2),
        "max_ms": round(max(every), 2),
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": _percentile(every, 95) < TARGET_P95_MS,
        "per_query": per_query,
    }


def synthetic_cells(n: int = HEXAGONS, seed: int = 7) -> pd.DataFrame:
    """``n`` resolution-8 cells around Beijing with plausible counts, scores and districts."""
    centre = h3.latlng_to_cell(*BEIJING_CENTRE, 8)
    radius = 1
    while 3 * radius * (radius + 1) + 1 < n:
        radius += 1
    cells = sorted(h3.grid_disk(centre, radius))[:n]
    rng = np.random.default_rng(seed)
    counts = rng.poisson(2.0, n) + 1
    scores = np.round(rng.exponential(3.0, n), 1)
    return pd.DataFrame(
        {
            "h3": cells,
            "n": counts,
            "score": scores,
            "flagged": scores > 20,
            "district": rng.choice(["朝阳区", "海淀区", "东城区", "西城区"], n),
            "district_en": "",
        }
    )


def measure_hexagons(n: int = HEXAGONS, repeats: int = 3) -> dict[str, Any]:
    """Time to build and serialise a layer of ``n`` hexagons (medians of ``repeats``)."""
    from streamlit.elements.deck_gl_json_chart import _prepare_pydeck_for_json

    cells = synthetic_cells(n)
    outlines = mapdata.district_geojson()
    build, serialise, sizes = [], [], []
    for _ in range(repeats):
        began = time.perf_counter()
        records = mapstyle.cell_records(cells, "n", "zh")
        layers = [*mapstyle.base_layers(outlines, "zh"), mapstyle.cell_layer(records)]
        deck = mapstyle.deck(layers, mapstyle.BEIJING)
        built = time.perf_counter()
        _prepare_pydeck_for_json(deck)  # what st.pydeck_chart does before serialising
        payload = deck.to_json()
        done = time.perf_counter()
        build.append(1000 * (built - began))
        serialise.append(1000 * (done - built))
        sizes.append(len(payload.encode("utf-8")))
    return {
        "hexagons": n,
        "build_ms": round(statistics.median(build), 1),
        "serialise_ms": round(statistics.median(serialise), 1),
        "total_ms": round(
            statistics.median(b + s for b, s in zip(build, serialise, strict=True)), 1
        ),
        "json_mib": round(statistics.median(sizes) / 2**20, 2),
    }


# A page with nothing but the map (districts and HEATMAP_BENCH_HEXAGONS synthetic cells).
DRAW_PAGE = """
import os
import streamlit as st
from benchmarks.dashboard_speed import synthetic_cells
from heatmap import mapdata, mapstyle

cells = synthetic_cells(int(os.environ["HEATMAP_BENCH_HEXAGONS"]))
layers = [*mapstyle.base_layers(mapdata.district_geojson(), "zh"),
          mapstyle.cell_layer(mapstyle.cell_records(cells, "n", "zh"))]
st.pydeck_chart(mapstyle.deck(layers, mapstyle.BEIJING), height=640, key="map")
"""
LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
}).observe({type: "longtask", buffered: true});
"""


def _drawn_pixels(png: bytes) -> tuple[int, int]:
    """(hexagon-coloured pixels, base-map-coloured pixels) of a screenshot."""
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int32)
    red, blue = rgb[..., 0], rgb[..., 2]
    warm = int(((red > 150) & (blue < 120) & (red - blue > 80)).sum())
    base = int((np.abs(rgb - np.array(mapstyle.BASE_FILL[:3])).max(axis=-1) < 8).sum())
    return warm, base


def measure_draw_in_browser(
    hexagons: int = HEXAGONS, chromium: Path = Path("/usr/bin/chromium")
) -> dict[str, Any] | None:
    """Load a page whose map has ``hexagons`` cells in headless Chromium (software WebGL): the
    time until the map has drawn, and the browser's long tasks meanwhile (a long task is a
    stall of the page). None without a browser (Debian's chromium and playwright)."""
    if importlib.util.find_spec("playwright") is None or not chromium.exists():
        return None
    with tempfile.TemporaryDirectory(prefix="heatmap-draw-bench-") as folder:
        script = Path(folder) / "draw.py"
        script.write_text(DRAW_PAGE, encoding="utf-8")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=Path(__file__).resolve().parents[1],
            env={**os.environ, "HEATMAP_BENCH_HEXAGONS": str(hexagons)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        try:
            return {"hexagons": hexagons, **_draw(f"http://localhost:{port}", hexagons, chromium)}
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)


def _draw(url: str, hexagons: int, chromium: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.add_init_script(LONG_TASKS)
        began = time.perf_counter()
        page.goto(url)
        chart = page.locator('[data-testid="stDeckGlJsonChart"]').first
        chart.wait_for(timeout=120_000)
        while True:
            warm, base = _drawn_pixels(chart.screenshot())
            if (warm >= 20_000) if hexagons else (base >= 50_000):
                break
            if time.perf_counter() - began > 120:
                raise TimeoutError(f"the map of {hexagons} hexagons did not draw in 120 s")
            page.wait_for_timeout(100)
        drawn = time.perf_counter() - began
        tasks = page.evaluate("window.__longTasks")
        browser.close()
    return {
        "load_to_drawn_ms": round(1000 * drawn),
        "longest_task_ms": round(max(tasks, default=0.0)),
        "long_tasks_ms": round(sum(tasks)),
    }


def measure_browser() -> dict[str, Any] | None:
    """The 50,000-hexagon map against the same page with an empty map (what 50,000 add)."""
    empty = measure_draw_in_browser(0)
    if empty is None:
        return None
    full = measure_draw_in_browser(HEXAGONS)
    assert full is not None
    return {
        "empty_map": empty,
        "hexagons_50k": full,
        "added_by_50k_ms": full["load_to_drawn_ms"] - empty["load_to_drawn_ms"],
    }


def run(home: Path | None = None, repeats: int = 30, browser: bool = True) -> dict[str, Any]:
    """All measurements; builds the demo scenario in a temporary home unless given ``home``."""
    draw = measure_browser() if browser else None
    if home is not None:
        return {
            "home": str(home),
            "map_queries": measure_map_queries(home, repeats),
            "hexagons_50k": {**measure_hexagons(), "browser": draw},
        }
    with tempfile.TemporaryDirectory(prefix="heatmap-dashboard-bench-") as folder:
        built = _build_demo(Path(folder))
        return {
            "home": "demo scenario (temporary)",
            "map_queries": measure_map_queries(built, repeats),
            "hexagons_50k": {**measure_hexagons(), "browser": draw},
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dashboard_speed")
    parser.add_argument("--home", type=Path, help="a published home (default: build the demo)")
    parser.add_argument("--repeats", type=int, default=30, help="runs of each query (default 30)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium draw")
    args = parser.parse_args(argv)
    result = run(args.home, args.repeats, browser=not args.no_browser)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
