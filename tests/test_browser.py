"""The whole dashboard in a real browser: Debian's headless Chromium driven by Playwright.

The real server (``heatmap dashboard``) serves the demo scenario; the tests wait until deck.gl
has drawn the map (its pixels, not just its canvas), read the alert list, click the live
fibre-loss hotspot on the map and check its drill-down, switch language and pages, and save
screenshots to ``tests/artifacts/``. Every request the page makes is recorded: none may leave
the machine. ``HEATMAP_UPDATE_SCREENSHOT=1`` also refreshes the README's ``docs/img/dashboard.png``.

Chromium comes from Debian (``make test`` installs it when missing); Playwright's own browser
download is never used.
"""

from __future__ import annotations

import io
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.conftest import python_env

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"
README_SHOT = REPO / "docs" / "img" / "dashboard.png"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_PREFIXES = ("http://localhost:", "ws://localhost:", "http://127.0.0.1:", "data:", "blob:")
TZ = "Asia/Shanghai"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _require_browser() -> Any:
    """Playwright's sync API, or a skip (a failure in CI, where the browser must be there)."""
    missing = None
    try:
        from playwright import sync_api
    except ImportError:
        missing = "the playwright package is not installed"
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is missing (make test installs Debian's chromium)"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    return sync_api


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def home(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo home, so that a test can publish into it while the page watches."""
    copy = tmp_path_factory.mktemp("browser") / "home"
    shutil.copytree(demo_home, copy, symlinks=True)
    return copy


@pytest.fixture(scope="module")
def server(home: Path) -> Iterator[str]:
    """``heatmap dashboard`` on a free port, over the demo scenario; stopped afterwards."""
    _require_browser()
    ARTIFACTS.mkdir(exist_ok=True)
    port = _free_port()
    log = (ARTIFACTS / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "heatmap", "dashboard", "--port", str(port), "--home", str(home)],
        env={**python_env(), "HEATMAP_TIMEZONE": TZ, "HEATMAP_REFRESH_SECONDS": "2"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert process.poll() is None, (ARTIFACTS / "server.log").read_text()
            assert time.monotonic() < deadline, "the dashboard did not start in 90 s"
            time.sleep(0.3)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = _require_browser()
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    """A fresh page; afterwards, no request may have left the machine."""
    context = browser.new_context(
        viewport={"width": 1600, "height": 1000}, locale="zh-CN", timezone_id=TZ
    )
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith(LOCAL_PREFIXES) else outside.append(r.url)
    )
    page.on(
        "websocket",
        lambda ws: None if ws.url.startswith(LOCAL_PREFIXES) else outside.append(ws.url),
    )
    yield page
    context.close()
    assert outside == [], f"requests left the machine: {outside}"


# --- helpers -----------------------------------------------------------------------------------


def _warm_pixels(png: bytes) -> int:
    """How many pixels are hexagon-coloured (the yellow-to-red ramp, not the dark base map)."""
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int32)
    red, blue = rgb[..., 0], rgb[..., 2]
    return int(((red > 150) & (blue < 120) & (red - blue > 80)).sum())


def _wait_for_map(page: Any, at_least: int = 150, timeout_s: float = 45) -> int:
    """Wait until the deck.gl map has drawn hexagons; returns how many warm pixels it shows."""
    chart = page.locator('[data-testid="stDeckGlJsonChart"]').first
    chart.wait_for(timeout=60_000)
    deadline = time.monotonic() + timeout_s
    while True:
        warm = _warm_pixels(chart.screenshot())
        if warm >= at_least:
            return warm
        assert time.monotonic() < deadline, f"the map drew only {warm} hexagon pixels"
        page.wait_for_timeout(500)


def _wait_for_text(page: Any, text: str, timeout_ms: int = 30_000) -> None:
    page.get_by_text(text).first.wait_for(timeout=timeout_ms)


def _shot(page: Any, name: str) -> Path:
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path


def _fibre_hotspot(home: Path) -> tuple[str, float, float, dict[str, float]]:
    """The live fibre-loss hotspot (id, centre) and the map's opening view, from the data."""
    from heatmap import mapdata, mapstyle
    from heatmap.home import Home
    from heatmap.store import current_snapshot, open_snapshot

    con = open_snapshot(current_snapshot(Home(home)), TZ)
    try:
        row = con.execute(
            "SELECT cluster_id, center_lat, center_lon FROM alerts "
            "WHERE issue_type = 'fibre_loss' AND status <> 'resolved' ORDER BY score DESC LIMIT 1"
        ).fetchone()
        view = mapstyle.view_for_extent(mapdata.map_extent(con))
    finally:
        con.close()
    assert row is not None
    return str(row[0]), float(row[1]), float(row[2]), view


def _pixel(
    box: dict[str, float], view: dict[str, float], lat: float, lon: float
) -> tuple[float, float]:
    """Where (lat, lon) is drawn in a deck.gl web-mercator map of ``box`` showing ``view``."""

    def mercator_y(value: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(value) / 2))

    scale = 512 * 2 ** view["zoom"]
    x = box["x"] + box["width"] / 2 + (lon - view["longitude"]) / 360 * scale
    y = (
        box["y"]
        + box["height"] / 2
        - (mercator_y(lat) - mercator_y(view["latitude"])) / (2 * math.pi) * scale
    )
    return x, y


# --- the tests ---------------------------------------------------------------------------------


def test_the_map_draws_hexagons_and_lists_the_alerts(server: str, page: Any) -> None:
    page.goto(server)
    warm = _wait_for_map(page)
    assert warm > 150
    _wait_for_text(page, "宽带光衰热点")
    cards = page.locator(".alert-card")
    assert cards.count() == 2
    assert "坐标占位点堆积" in cards.nth(0).inner_text()
    assert "宽带光衰热点" in cards.nth(1).inner_text() and "朝阳区" in cards.nth(1).inner_text()
    body = page.inner_text("body")
    assert "数据截至 2026-11-20 17:59" in body and "数据可能已过期" in body
    assert "区界（离线底图）" in body, "the legend"
    page.wait_for_timeout(500)
    path = _shot(page, "map.png")
    if os.environ.get("HEATMAP_UPDATE_SCREENSHOT"):
        shutil.copyfile(path, README_SHOT)


def test_clicking_the_hotspot_on_the_map_opens_its_drill_down(
    server: str, page: Any, home: Path
) -> None:
    cluster_id, lat, lon, view = _fibre_hotspot(home)
    page.goto(server)
    _wait_for_map(page)
    box = page.locator('[data-testid="stDeckGlJsonChart"]').first.bounding_box()
    x, y = _pixel(box, view, lat, lon)
    page.mouse.move(x, y)
    page.get_by_text("实际 / 预期)").first.wait_for(timeout=10_000)  # the outline's tooltip
    page.mouse.click(x, y)
    _wait_for_text(page, "投诉量与预期范围")
    assert f"focus=cluster%3A{cluster_id}" in page.url or f"focus=cluster:{cluster_id}" in page.url
    assert "宽带光衰热点 · 朝阳区" in page.inner_text("body")
    for shown in ("复燃占比（30 天内重复投诉）", "A 级（暴躁）占比", "131 / 1.4"):
        _wait_for_text(page, shown, 10_000)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    chart.locator("canvas, svg").first.wait_for(timeout=20_000)
    table = page.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    masked = re.findall(r"\b1\d{2}\*{4}\d{4}\b", page.content())
    assert len(masked) >= 5, "masked customer numbers in the complaints table"
    assert not re.search(r"\b1\d{10}\b", page.content()), "no number in clear"
    assert page.get_by_text("导出所选 CSV").count() == 1
    _shot(page, "drilldown.png")


def test_the_map_keeps_its_view_when_the_page_reruns(server: str, page: Any) -> None:
    page.goto(server)
    before = _wait_for_map(page)
    chart = page.locator('[data-testid="stDeckGlJsonChart"]').first
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.45)
    for _ in range(3):
        page.mouse.wheel(0, -120)
        page.wait_for_timeout(600)
    page.wait_for_timeout(1000)
    zoomed = _warm_pixels(chart.screenshot())
    assert zoomed > 1.5 * before, "zoomed in: the hexagons are bigger"
    page.get_by_text("显示已恢复告警").click()  # a control that reruns the page
    page.get_by_text("已恢复").first.wait_for(timeout=20_000)  # resolved alerts now listed
    page.wait_for_timeout(1500)
    after = _warm_pixels(chart.screenshot())
    assert abs(after - zoomed) < 0.2 * zoomed, (before, zoomed, after)
    _shot(page, "map-zoomed.png")


def test_a_new_publication_reaches_the_open_page_by_itself(
    server: str, page: Any, home: Path
) -> None:
    page.goto(server)
    _wait_for_map(page)

    def published() -> str:
        stamp = page.get_by_text("发布于").first.inner_text()
        found = re.search(r"发布于 (\S+ \S+)", stamp)
        assert found, stamp
        return found.group(1)

    before = published()
    job = subprocess.run(
        [sys.executable, "-m", "heatmap", "run", "--home", str(home)],
        env=python_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert job.returncode == 0, job.stdout + job.stderr
    deadline = time.monotonic() + 30
    while published() == before:
        assert time.monotonic() < deadline, "the page did not pick up the new publication"
        page.wait_for_timeout(500)
    _wait_for_map(page)
    _wait_for_text(page, "宽带光衰热点")


def test_english_playback_and_the_alerts_page(server: str, page: Any) -> None:
    page.goto(f"{server}/?win=24h&res=7")
    _wait_for_map(page)
    assert page.get_by_role("radio", name="最近 24 小时").is_checked()
    assert page.get_by_role("radio", name="1.2 公里").is_checked()
    page.get_by_text("English", exact=True).click()
    _wait_for_text(page, "Complaint heat map · Live map")
    _wait_for_text(page, "fibre-loss hotspot")
    assert page.get_by_role("radio", name="Last 24 hours").is_checked(), "kept across the switch"
    _shot(page, "map-en.png")

    page.get_by_role("link", name="Playback").click()
    _wait_for_text(page, "Complaint heat map · Playback")
    _wait_for_map(page, at_least=50)
    frame = page.get_by_text("2026-11-20 17:00–18:00").first
    frame.wait_for()
    page.get_by_role("button", name="Play").click()
    page.get_by_text("2026-11-19 18:00–19:00").first.wait_for(timeout=45_000)
    page.get_by_role("button", name="Pause").click()
    _shot(page, "playback.png")

    page.get_by_role("link", name="Alerts").click()
    _wait_for_text(page, "Complaint heat map · Alerts")
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    page.wait_for_timeout(800)
    table = page.content()  # the data grid draws on a canvas; its cells are in the DOM for a11y
    assert "data-billing surge" in table and "weak-signal hotspot" in table
    _shot(page, "alerts.png")
