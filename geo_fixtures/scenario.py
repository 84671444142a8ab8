"""The seeded synthetic Beijing scenario: background complaints, planted events, ground truth.

The background places ``per_day`` complaints a day at gazetteer points (the population proxy),
jittered by ~150 m, with an hour-of-day and weekday rhythm, Poisson noise, a type mix that leans
towards broadband in residential addresses, and repeat callers. The planted events are in
:mod:`geo_fixtures.scenario_events`. The export looks like a Chinese ticket system's CSV (GCJ-02,
local time, Chinese column and type names); ``mapping.toml`` tells the engine how to read it.

Regenerate with ``python -m geo_fixtures.scenario --out DIR``; the same seed gives the same bytes.

>>> scenario = build_scenario(ScenarioConfig(days=10, per_day=200))
>>> [event.kind for event in scenario.truth]
['hotspot', 'hotspot', 'hotspot', 'surge', 'data_quality']
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import h3
import numpy as np
import pandas as pd

from geo_fixtures.reference import load_gazetteer
from geo_fixtures.scenario_events import (
    TZ,
    EventContext,
    Planted,
    TruthEvent,
    default_events,
    jitter,
)
from heatmap.coords import gcj02_to_wgs84, wgs84_to_gcj02
from heatmap.taxonomy import default_taxonomy

MAPPING_FILE = Path(__file__).with_name("scenario_mapping.toml")
BACKGROUND = "background"
JITTER_M = 150.0
# Complaints per hour of the local day (relative), weekdays and weekends: quiet 1–6 h,
# peaks late morning and evening; weekends start later.
HOURS_WEEKDAY = [.9, .45, .25, .18, .15, .2, .5, 1.4, 3, 5.2, 6.6, 6.8,
                 5, 5.2, 5.8, 5.9, 5.6, 5.4, 5.6, 6.4, 6.8, 6, 4, 2.2]  # fmt: skip
HOURS_WEEKEND = [1.2, .6, .3, .2, .15, .18, .35, .8, 1.8, 3.6, 5.6, 6.5,
                 5.6, 5.6, 5.8, 5.8, 5.6, 5.4, 5.8, 6.6, 7, 6.4, 4.4, 2.6]  # fmt: skip
WEEKDAY_FACTOR = [1.04, 1.03, 1.03, 1.02, 1.02, 0.95, 0.91]  # Monday first
TYPE_SHARE = {
    "broadband_slow": .17, "mobile_data_slow": .17, "mobile_no_signal": .15, "call_drop": .08,
    "broadband_down": .08, "install_repair": .08, "data_billing": .08, "service_other": .08,
    "fibre_loss": .04, "roaming": .03, "area_outage": .02, "power_outage": .02,
}  # fmt: skip
# How much likelier a type is at a residential address (and the inverse elsewhere).
RESIDENTIAL_TILT = {
    "fibre_loss": 1.5, "broadband_down": 1.4, "broadband_slow": 1.4, "install_repair": 1.4,
    "power_outage": 1.3, "mobile_no_signal": 0.8, "mobile_data_slow": 0.85, "call_drop": 0.85,
}  # fmt: skip
RESIDENTIAL = r"小区|家园|号楼|号院|公寓|社区|村|苑|花园|宿舍|里\d"
REPEAT_SHARE, REPEAT_LAG_DAYS, SAME_TYPE_ON_REPEAT = 0.12, 2.5, 0.7
CHANNELS = (np.array(["热线", "APP", "网厅"], dtype=object), [0.6, 0.3, 0.1], [0.72, 0.23, 0.05])
SEVERITIES = (np.array(list("ABCD"), dtype=object), [0.06, 0.19, 0.4, 0.35], [0.3, 0.38, 0.22, 0.1])
MOBILE_PREFIXES = np.array(
    "134 135 136 137 138 139 147 150 151 152 157 158 159 178 182 183 184 187 188 198 "
    "130 131 132 155 156 166 185 186 133 153 177 180 181 189 199".split(),
    dtype=np.int64,
)
# fmt: off
TEXTS = {  # a few phrasings per type, "|"-separated
    "fibre_loss": "家里宽带突然断了，光猫LOS灯一直红着|光猫光信号灯闪红，上不了网"
        "|宽带时断时续，师傅说是光衰太大",
    "broadband_down": "宽带完全上不了网|家里宽带断网了，重启路由器也不行"
        "|宽带从早上开始就连不上",
    "broadband_slow": "宽带网速特别慢，看视频一直卡|晚上宽带网速很慢，测速只有几兆"
        "|宽带经常卡顿，打游戏延迟高",
    "mobile_no_signal": "手机在家里没有信号|这一片手机信号很弱，经常只有一格"
        "|进电梯和地下车库就没信号",
    "mobile_data_slow": "手机上网很慢，网页打不开|4G/5G网速慢，刷视频一直转圈"
        "|流量网速慢，微信图片发不出去",
    "call_drop": "打电话经常掉线|电话打不出去，提示无法接通"
        "|通话过程中声音断断续续然后掉线",
    "area_outage": "小区一大片都没网了，邻居也一样|附近手机和宽带都用不了，是不是故障了"
        "|整个片区网络中断",
    "power_outage": "小区停电了，光猫没电上不了网|停电导致网络中断，什么时候恢复"
        "|楼里停电，基站是不是也停了",
    "install_repair": "预约的装机师傅一直没上门|维修师傅说好今天来，到现在没人联系"
        "|移机申请好几天了还没处理",
    "data_billing": "这个月莫名多扣了流量费|套餐内流量没用完却收了超出费用"
        "|收到短信说流量超额扣费，要求核实",
    "roaming": "在国外开了漫游还是用不了|国际漫游被扣了高额费用"
        "|出国前办的漫游包没有生效",
    "service_other": "客服态度不好，问题一直没解决|营业厅办理业务等了很久"
        "|要求查询话费详单并投诉处理慢",
}
# fmt: on


@dataclass(frozen=True)
class ScenarioConfig:
    """What to generate: the scenario covers ``[end - days, end)`` in Asia/Shanghai time.

    Attributes
    ----------
    seed : int
        Seeds every random draw; the same config gives byte-identical files.
    days, per_day : int
        Length of the period and mean background complaints a day.
    end : pandas.Timestamp
        tz-aware end of the period (exclusive); events are placed relative to it.
    events : tuple
        The planted events (:func:`geo_fixtures.scenario_events.default_events`).
    """

    seed: int = 42
    days: int = 28
    per_day: int = 3000
    end: pd.Timestamp = pd.Timestamp("2026-11-20 18:00", tz=TZ)
    events: tuple = field(default_factory=default_events)


@dataclass(frozen=True)
class Scenario:
    """Complaints in the export's form (sorted by time), which event planted each, and the truth.

    ``event_ids`` is aligned with ``complaints``: an event id, or ``"background"``.
    """

    config: ScenarioConfig
    complaints: pd.DataFrame
    event_ids: pd.Series
    truth: list[TruthEvent]


def export_columns() -> dict[str, str]:
    """Canonical column name → the export's Chinese column name, from the mapping file."""
    return tomllib.loads(MAPPING_FILE.read_text(encoding="utf-8"))["columns"]


def _rhythm(start: pd.Timestamp, end: pd.Timestamp, per_day: float) -> tuple[np.ndarray, ...]:
    """Hourly slots (UTC epoch seconds) from ``start`` to ``end`` and their expected counts.

    A count is for the whole hour; the rates are scaled so that ``[start, end)`` expects
    ``per_day`` complaints a day.
    """
    slots = pd.date_range(start.floor("h"), end, freq="h", inclusive="left")
    hour, dow = slots.hour.to_numpy(), slots.day_of_week.to_numpy()
    profile = np.where(dow >= 5, np.take(HOURS_WEEKEND, hour), np.take(HOURS_WEEKDAY, hour))
    slot_start = slots.as_unit("s").asi8
    rate = np.take(WEEKDAY_FACTOR, dow) * profile
    a, b = int(start.timestamp()), int(end.timestamp())
    covered = np.clip(np.minimum(slot_start + 3600, b) - np.maximum(slot_start, a), 0, 3600)
    return slot_start, rate * per_day * (b - a) / 86400 / (rate * covered / 3600).sum()


def _background(ctx: EventContext, rng: np.random.Generator, residential: np.ndarray) -> dict:
    """Poisson counts per hourly slot, placed at uniformly drawn gazetteer points."""
    lo = np.maximum(ctx.slot_start, int(ctx.start.timestamp()))
    hi = np.minimum(ctx.slot_start + 3600, int(ctx.end.timestamp()))
    counts = rng.poisson(ctx.slot_weight * (hi - lo) / 3600)
    slot = np.repeat(np.arange(len(counts)), counts)
    t = lo[slot] + (rng.random(len(slot)) * (hi - lo)[slot]).astype(np.int64)
    gaz = ctx.population(rng, len(t))
    codes = np.array(list(TYPE_SHARE), dtype=object)
    share = np.array(list(TYPE_SHARE.values()))
    tilt = np.array([RESIDENTIAL_TILT.get(code, 1.0) for code in codes])
    mixes = np.stack([share / tilt, share * tilt])
    cum = np.cumsum(mixes / mixes.sum(axis=1, keepdims=True), axis=1)
    pick = (rng.random(len(t))[:, None] > cum[residential[gaz].astype(int)]).sum(axis=1)
    return {"t": t, "gaz": gaz, "issue_type": codes[np.minimum(pick, len(codes) - 1)]}


def _repeat_roots(rng: np.random.Generator, t, group, share, mean_lag_rows) -> np.ndarray:
    """For each complaint, the first complaint of its caller (itself unless it is a repeat).

    A repeat calls back after an earlier complaint of the same group (the background, or one
    event), a geometric number of complaints earlier: a lag counted in complaints, not in hours,
    so that a quiet night does not funnel every call-back onto its last caller.
    """
    n = len(t)
    order = np.lexsort((t, group))
    earlier = np.arange(n) - rng.geometric(1 / (1 + mean_lag_rows[order]))
    repeat = (rng.random(n) < share[order]) & (earlier >= 0)
    repeat &= group[order][np.maximum(earlier, 0)] == group[order]
    parent = np.where(repeat, earlier, np.arange(n))
    while not np.array_equal(parent[parent], parent):
        parent = parent[parent]
    root = np.empty(n, dtype=np.int64)
    root[order] = order[parent]
    return root


def _choose(rng: np.random.Generator, labels: np.ndarray, p_calm, p_urgent, urgent) -> np.ndarray:
    """One label per row, from ``p_urgent`` where ``urgent`` else from ``p_calm``."""
    cum = np.cumsum([p_calm, p_urgent], axis=1)
    pick = (rng.random(len(urgent))[:, None] > cum[urgent.astype(int)]).sum(axis=1)
    return labels[np.minimum(pick, len(labels) - 1)]


def _render(rng: np.random.Generator, rows: pd.DataFrame) -> pd.DataFrame:
    """The export's rows: ids, local times, Chinese names, GCJ-02, phones, channel, grade, text."""
    taxonomy = default_taxonomy()
    local = pd.to_datetime(rows["t"].to_numpy(), unit="s", utc=True).tz_convert(TZ)
    day = pd.Series(local.strftime("%Y%m%d"))
    first = np.searchsorted(day.to_numpy(), day.to_numpy(), side="left")
    seq = pd.Series(np.arange(len(day)) - first + 1).astype(str).str.zfill(6)
    codes = taxonomy.codes
    type_idx = pd.Index(codes).get_indexer(rows["issue_type"])
    phrasings = [TEXTS[code].split("|") for code in codes]
    texts = np.array([text for texts in phrasings for text in texts], dtype=object)
    n_texts = np.array([len(texts) for texts in phrasings])
    text_at = np.cumsum(n_texts) - n_texts
    pick = text_at[type_idx] + (rng.random(len(rows)) * n_texts[type_idx]).astype(int)
    lon, lat = wgs84_to_gcj02(rows["lon"].to_numpy(), rows["lat"].to_numpy())
    urgent = rows["urgent"].to_numpy()
    columns = export_columns()
    return pd.DataFrame(
        {
            columns["complaint_id"]: ("TS" + day + seq).to_numpy(),
            columns["reported_at"]: local.strftime("%Y-%m-%d %H:%M:%S"),
            columns["issue_type"]: np.array([taxonomy[c].zh for c in codes])[type_idx],
            columns["lat"]: np.round(lat, 6),
            columns["lon"]: np.round(lon, 6),
            columns["address"]: rows["address"].to_numpy(),
            columns["customer"]: rows["phone"].astype(str).to_numpy(),
            columns["channel"]: _choose(rng, CHANNELS[0], CHANNELS[1], CHANNELS[2], urgent),
            columns["severity"]: _choose(rng, SEVERITIES[0], SEVERITIES[1], SEVERITIES[2], urgent),
            columns["text"]: texts[pick],
        }
    )


def _truth_cells(complaints: pd.DataFrame, event_ids: pd.Series, truth: TruthEvent) -> TruthEvent:
    """The truth with the H3 res-8 cells its complaints fall in, as read back from the export."""
    if truth.kind == "surge":
        return truth
    columns = export_columns()
    rows = complaints[(event_ids == truth.event_id).to_numpy()]
    lon, lat = gcj02_to_wgs84(rows[columns["lon"]].to_numpy(), rows[columns["lat"]].to_numpy())
    points = set(zip(lat.tolist(), lon.tolist(), strict=True))
    cells = sorted({h3.latlng_to_cell(la, lo, 8) for la, lo in points})
    return replace(truth, cells=tuple(cells))


def _mobile_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """Eleven-digit Chinese mobile numbers."""
    return rng.choice(MOBILE_PREFIXES, n) * 10**8 + rng.integers(0, 10**8, n)


def draw_rows(
    config: ScenarioConfig,
    ctx: EventContext,
    residential: np.ndarray,
    phone_numbers: Callable[[np.random.Generator, int], np.ndarray],
) -> tuple[np.random.Generator, pd.DataFrame, list[Planted]]:
    """The rows of a city's scenario in time order, before they are written as an export.

    Background complaints over the population points of ``ctx`` (``residential`` marks the
    homes), the planted events of ``config``, repeat callers linked to their first call, and
    one column per row: ``t, issue_type, lat, lon, address, phone, urgent, event_id``; with the
    random generator that renders the export and the planted events. The Beijing scenario and the
    detection benchmark's Boston layout both draw their rows here.
    """
    rngs = [
        np.random.default_rng(s)
        for s in np.random.SeedSequence(config.seed).spawn(3 + len(config.events))
    ]
    bg = _background(ctx, rngs[0], residential)
    planted: list[Planted] = [
        event.plant(ctx, rng) for event, rng in zip(config.events, rngs[3:], strict=True)
    ]
    sizes = [len(bg["t"])] + [len(p.t) for p in planted]
    group = np.repeat(np.arange(len(sizes)), sizes)
    bg_mask = group == 0
    t = np.concatenate([bg["t"]] + [p.t for p in planted])
    issue_type = np.concatenate([bg["issue_type"]] + [p.issue_type for p in planted])
    rng = rngs[1]
    share = np.repeat([REPEAT_SHARE] + [p.repeat_share for p in planted], sizes)
    mean_lag = np.where(bg_mask, REPEAT_LAG_DAYS * config.per_day, 0.3 * np.repeat(sizes, sizes))
    root = _repeat_roots(rng, t, group, share, mean_lag)
    phone = phone_numbers(rng, len(t))
    # A background repeat caller calls from the same place, mostly about the same thing.
    gaz = bg["gaz"][root[bg_mask]]
    same_type = bg_mask & (rng.random(len(t)) < SAME_TYPE_ON_REPEAT)
    issue_type[same_type] = issue_type[root[same_type]]
    bg_lat, bg_lon = jitter(rng, ctx.gaz_lat[gaz], ctx.gaz_lon[gaz], JITTER_M)
    rows = pd.DataFrame(
        {
            "t": t,
            "issue_type": issue_type,
            "lat": np.concatenate([bg_lat] + [p.lat for p in planted]),
            "lon": np.concatenate([bg_lon] + [p.lon for p in planted]),
            "address": np.concatenate([ctx.gaz_address[gaz]] + [p.address for p in planted]),
            "phone": phone[root],
            "urgent": np.repeat([False] + [p.urgent for p in planted], sizes),
            "event_id": np.repeat([BACKGROUND] + [p.truth.event_id for p in planted], sizes),
        }
    )
    rows = rows.iloc[np.lexsort((np.arange(len(t)), t))].reset_index(drop=True)
    return rngs[2], rows, planted


def build_scenario(config: ScenarioConfig) -> Scenario:
    """Generate the complaints and the truth of ``config``; the same config gives the same rows.

    Parameters
    ----------
    config : ScenarioConfig

    Returns
    -------
    Scenario
    """
    end = config.end.tz_convert(TZ)
    start = end - pd.Timedelta(days=config.days)
    gazetteer = load_gazetteer()
    slot_start, slot_weight = _rhythm(start, end, config.per_day)
    ctx = EventContext(
        start, end, gazetteer, slot_start, slot_weight, TYPE_SHARE, default_taxonomy()
    )
    residential = gazetteer["address"].str.contains(RESIDENTIAL, na=False).to_numpy(bool)
    render_rng, rows, planted = draw_rows(config, ctx, residential, _mobile_numbers)
    complaints = _render(render_rng, rows)
    event_ids = rows["event_id"]
    truth = [_truth_cells(complaints, event_ids, p.truth) for p in planted]
    return Scenario(config, complaints, event_ids, truth)


def write_scenario(scenario: Scenario, out_dir: str | Path, encoding: str = "utf-8") -> list[Path]:
    """Write ``complaints.csv`` (in ``encoding``), ``mapping.toml``, ``truth.json``, ``README.md``.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / name for name in ("complaints.csv", "mapping.toml", "truth.json", "README.md")]
    scenario.complaints.to_csv(
        paths[0], index=False, encoding=encoding, float_format="%.6f", lineterminator="\n"
    )
    shutil.copyfile(MAPPING_FILE, paths[1])
    truth = [event.to_json() for event in scenario.truth]
    paths[2].write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    paths[3].write_text(_readme(scenario, encoding), encoding="utf-8")
    return paths


def _readme(scenario: Scenario, encoding: str) -> str:
    """The README of a written scenario: what it is, how to regenerate it, counts, events."""
    config, columns = scenario.config, export_columns()
    end = config.end.tz_convert(TZ)
    n_background = int((scenario.event_ids == BACKGROUND).sum())
    by_type = scenario.complaints[columns["issue_type"]].value_counts()
    lines = [
        "# Synthetic Beijing complaint scenario",
        "",
        "Generated by `geo_fixtures/scenario.py` (seeded: the same command gives the same bytes):",
        "",
        f"    python -m geo_fixtures.scenario --out DIR --seed {config.seed} --days {config.days} "
        f"--per-day {config.per_day} --end {end.isoformat()} --encoding {encoding}",
        "",
        f"Period: {end - pd.Timedelta(days=config.days):%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} "
        f"Asia/Shanghai ({config.days} days). Complaints: {len(scenario.complaints):,} "
        f"({n_background:,} background at ~{config.per_day:,}/day, "
        f"{len(scenario.complaints) - n_background:,} planted in {len(scenario.truth)} events).",
        "",
        "Background: gazetteer points (`geo_fixtures.reference`, Wi-Fi APs and cell sites) drawn",
        "uniformly as a population proxy, jittered by a 150 m Gaussian; hour-of-day and weekday",
        "rhythm with Poisson noise; repeat callers. Synthetic: no real customer or complaint.",
        "",
        "## Files",
        f"- `complaints.csv` ({encoding}): a ticket-system export, GCJ-02 coordinates, local time.",
        "- `mapping.toml`: how `heatmap ingest` reads it (SPEC.md mapping contract).",
        "- `truth.json`: the planted events, with the H3 res-8 cells their complaints fall in.",
        "",
        "## Planted events",
        "| event_id | kind | issue_type | start – end (+08:00) | n | cells | shape |",
        "|---|---|---|---|---|---|---|",
    ]
    for ev in scenario.truth:
        lines.append(
            f"| {ev.event_id} | {ev.kind} | {ev.issue_type or 'mixed'} | {ev.start:%m-%d %H:%M} – "
            f"{ev.end:%m-%d %H:%M} | {ev.n_planted} | {len(ev.cells)} | {ev.shape} |"
        )
    lines += [""] + [f"- **{ev.event_id}**: {ev.description}." for ev in scenario.truth]
    lines += ["", "## Complaints by type", "| 投诉类型 | n |", "|---|---|"]
    lines += [f"| {name} | {n:,} |" for name, n in by_type.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """``python -m geo_fixtures.scenario --out DIR [--seed N] [--days N] [--per-day N] ...``."""
    parser = argparse.ArgumentParser(description="Write the seeded synthetic Beijing scenario.")
    parser.add_argument("--out", required=True, type=Path, help="output folder")
    parser.add_argument("--seed", type=int, default=ScenarioConfig.seed)
    parser.add_argument("--days", type=int, default=ScenarioConfig.days)
    parser.add_argument("--per-day", type=int, default=ScenarioConfig.per_day)
    parser.add_argument(
        "--end", default=ScenarioConfig.end.isoformat(), help="ISO time; local if no offset"
    )
    parser.add_argument("--encoding", choices=("utf-8", "gbk"), default="utf-8")
    args = parser.parse_args(argv)
    end = pd.Timestamp(args.end)
    end = end.tz_localize(TZ) if end.tzinfo is None else end
    began = time.perf_counter()
    config = ScenarioConfig(seed=args.seed, days=args.days, per_day=args.per_day, end=end)
    scenario = build_scenario(config)
    write_scenario(scenario, args.out, args.encoding)
    n, planted = len(scenario.complaints), int((scenario.event_ids != BACKGROUND).sum())
    print(
        f"{args.out}: {n:,} complaints ({n - planted:,} background + {planted:,} planted in "
        f"{len(scenario.truth)} events), {config.days} days to "
        f"{end.isoformat()}, seed {config.seed}, {time.perf_counter() - began:.1f} s"
    )


if __name__ == "__main__":
    main()
