"""The evaluation's peers and yardstick: EARS C2, Gi* with BH, the grouping and the matching.

EARS C2 against hand-computed values; Gi* against PySAL esda's ``G_Local`` (the reference
implementation the SPEC names); BH against SciPy; the grouping and the window matching on small
cases worked out by hand; the varied scenarios are reproducible from their seeds. The esda
comparisons need the bench extra (``esda``, ``libpysal``) and are skipped without it.
"""

from __future__ import annotations

import math

import h3
import numpy as np
import pandas as pd
import pytest

from benchmarks import eval_scenarios, peers
from benchmarks.matching import AlertWindow, judge_hotspot_windows
from benchmarks.peer_alerts import episodes_of
from geo_fixtures.scenario_events import TruthEvent

ORIGIN = h3.latlng_to_cell(39.90, 116.40, 8)
T0 = pd.Timestamp("2026-11-10 00:00", tz="UTC")


def series(values: dict[int, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {"cell": 1, "issue_type": "fibre_loss", "period": list(values), "n": list(values.values())}
    )


# --- EARS C2 ----------------------------------------------------------------------------------


def test_ears_c2_uses_seven_periods_behind_a_two_period_guard():
    # baseline periods 0..6 = 0,1,2,0,1,3,0 (mean 1, sample sd sqrt(8/6)); the guard periods
    # 7 and 8 hold 5 calls each and must not count; period 9 has 6 calls.
    counts = {0: 0, 1: 1, 2: 2, 3: 0, 4: 1, 5: 3, 6: 0, 7: 5, 8: 5, 9: 6}
    out = peers.ears_c2(series({k: v for k, v in counts.items() if v}))
    last = out[out["period"] == 9].iloc[0]
    assert last["mean"] == pytest.approx(1.0)
    assert last["sd"] == pytest.approx(math.sqrt(8 / 6))
    assert last["c2"] == pytest.approx(5 / math.sqrt(8 / 6))


def test_ears_c2_floors_the_sd_of_an_all_zero_baseline():
    out = peers.ears_c2(series({20: 4}))
    assert out["c2"].iloc[0] == pytest.approx(4 / peers.SD_FLOOR)
    assert peers.ears_c2(series({20: 4}), sd_floor=0.5)["c2"].iloc[0] == pytest.approx(8.0)


def test_ears_c2_treats_periods_before_the_data_as_missing():
    # at period 4 the baseline is periods -5..1: only 0 and 1 exist (2 and 0 calls)
    out = peers.ears_c2(series({0: 2, 4: 3}))
    row = out[out["period"] == 4].iloc[0]
    assert row["mean"] == pytest.approx(1.0)
    assert row["sd"] == pytest.approx(math.sqrt(2.0))


def test_ears_c2_keeps_series_apart():
    frame = pd.concat([series({0: 9, 9: 3}), series({9: 3}).assign(cell=2)], ignore_index=True)
    out = peers.ears_c2(frame).set_index(["cell", "period"])
    assert out.loc[(1, 9), "mean"] == pytest.approx(9 / 7)
    assert out.loc[(2, 9), "mean"] == 0.0


# --- Gi* --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def area():
    """A disk of radius 4 (61 cells) grown by one ring, as the evaluation builds it."""
    core = np.array([h3.str_to_int(c) for c in h3.grid_disk(ORIGIN, 4)], dtype=np.uint64)
    cells = peers.study_area(core)
    return cells, peers.adjacency_with_self(cells)


def test_study_area_adds_the_ring_of_zero_count_neighbours(area):
    cells, weights = area
    assert len(cells) == len(h3.grid_disk(ORIGIN, 5))
    interior = pd.Index(cells).get_loc(h3.str_to_int(ORIGIN))
    assert weights[interior].sum() == 7  # six neighbours and itself


def test_gi_star_z_and_p_match_esda(area):
    esda = pytest.importorskip("esda")
    libpysal = pytest.importorskip("libpysal")
    cells, weights = area
    rng = np.random.default_rng(3)
    y = rng.poisson(0.3, (len(cells), 3)).astype(float)
    y[5, 1] += 6
    rows, cols = np.nonzero(y)
    counts = pd.DataFrame({"cell": cells[rows], "column": cols, "n": y[rows, cols]})
    ours = peers.gi_star(counts, cells, weights).set_index(["column", "cell"])
    neighbours = {i: [int(j) for j in weights[i].indices if j != i] for i in range(len(cells))}
    w = libpysal.weights.W(neighbours, silence_warnings=True)
    for column in range(3):
        ref = esda.G_Local(y[:, column], w, transform="B", star=True, permutations=0)
        positive = ref.Zs > 0
        assert positive.sum() > 0
        got = ours.loc[column].reindex(cells[positive])
        np.testing.assert_allclose(got["z"], ref.Zs[positive], rtol=1e-10)
        np.testing.assert_allclose(np.exp(got["log_p"]), ref.p_norm[positive], rtol=1e-8)


def test_gi_star_log_p_does_not_underflow_on_sparse_counts(area):
    cells, weights = area
    # one complaint in a large, otherwise empty area: the normal approximation makes it huge
    counts = pd.DataFrame({"cell": cells[[0]], "column": [0], "n": [3.0]})
    out = peers.gi_star(counts, cells, weights)
    assert np.isfinite(out["log_p"]).all()


# --- Benjamini–Hochberg -----------------------------------------------------------------------


def test_bh_q_values_match_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    p = np.random.default_rng(1).uniform(0, 1, 200) ** 3
    groups = np.repeat([0, 1], 100)
    ours = np.exp(peers.bh_log_qvalues(np.log(p), groups, 100))
    for g in (0, 1):
        ref = scipy_stats.false_discovery_control(p[groups == g], method="bh")
        np.testing.assert_allclose(ours[groups == g], ref, rtol=1e-10)


def test_bh_over_candidates_equals_bh_over_the_whole_family():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(2)
    p = np.concatenate([rng.uniform(0, 1e-3, 20), rng.uniform(0.6, 1, 480)])
    ours = np.exp(peers.bh_log_qvalues(np.log(p[:20]), np.zeros(20, int), 500))
    ref = scipy_stats.false_discovery_control(p, method="bh")[:20]
    np.testing.assert_allclose(ours, ref, rtol=1e-10)


def test_esda_fdr_falls_back_to_bonferroni_when_nothing_passes():
    """Why BH is computed here: esda's fdr() returns α/n when no test passes."""
    esda = pytest.importorskip("esda")
    p = np.full(100, 0.5)
    assert esda.fdr(p, 0.05) == pytest.approx(0.05 / 100)
    assert (np.exp(peers.bh_log_qvalues(np.log(p), np.zeros(100, int), 100)) > 0.05).all()


# --- grouping and matching --------------------------------------------------------------------


def flag(cell: str, hour: int, window_len: str = "1h", issue_type: str = "fibre_loss") -> dict:
    return {
        "cell": h3.str_to_int(cell),
        "window_start": T0 + pd.Timedelta(hours=hour),
        "window_len": window_len,
        "issue_type": issue_type,
        "observed": 5,
        "expected": 0.1,
        "score": 5.0,
    }


def test_flags_group_into_clusters_and_episodes_as_the_engine_groups():
    ring = h3.grid_ring(ORIGIN, 1)
    far = h3.grid_ring(ORIGIN, 5)[0]
    flags = pd.DataFrame(
        [
            flag(ORIGIN, 10),
            flag(ring[0], 10),  # adjacent, same window: same cluster
            flag(ring[0], 11, issue_type="broadband_down"),  # next hour, other type: linked
            flag(far, 10),  # far away: its own episode
            flag(ORIGIN, 14),  # three hours later, past the 1 h gap: a new episode
        ]
    )
    clusters = episodes_of(flags)
    assert len(clusters) == 4
    by_size = clusters.assign(n=clusters["cells"].map(len)).sort_values(["window_start", "n"])
    assert clusters["episode"].nunique() == 3
    first = by_size[by_size["n"] == 2]["episode"].iloc[0]
    linked = clusters[clusters["issue_type"] == "broadband_down"]["episode"].iloc[0]
    assert first == linked


def test_a_daily_window_links_the_hours_of_its_day():
    flags = pd.DataFrame([flag(ORIGIN, 2), flag(ORIGIN, 20), flag(ORIGIN, 0, window_len="1d")])
    assert episodes_of(flags)["episode"].nunique() == 1


def truth_event(cells: list[str], start_h: float, end_h: float) -> TruthEvent:
    return TruthEvent(
        "e1", "hotspot", "fibre_loss", "", "", T0 + pd.Timedelta(hours=start_h),
        T0 + pd.Timedelta(hours=end_h), tuple(cells), 10, 0.0, 0.0, "", "",
    )  # fmt: skip


def test_window_matching_needs_time_cells_and_localisation():
    event = truth_event([ORIGIN], 10.5, 13)
    far = [h3.grid_ring(ORIGIN, 5)[i] for i in range(6)]
    windows = [
        (T0 + pd.Timedelta(hours=9), [ORIGIN]),  # ends before the event: no
        (T0 + pd.Timedelta(hours=11), [ORIGIN]),  # yes: known at 12:00, 1.5 h after start
        (T0 + pd.Timedelta(hours=10), [ORIGIN, *far]),  # 1 of 7 cells near: not localised
        (T0 + pd.Timedelta(hours=12), [h3.grid_ring(ORIGIN, 1)[0]]),  # adjacent only: no
    ]
    frame = pd.DataFrame(
        {
            "episode": ["a", "b", "c", "d"],
            "window_start": [w[0] for w in windows],
            "window_end": [w[0] + pd.Timedelta(hours=1) for w in windows],
            "cells": [tuple(h3.str_to_int(c) for c in w[1]) for w in windows],
        }
    )
    judged = judge_hotspot_windows(frame, [event])
    assert judged.matched.tolist() == [False, True, False, False]
    (outcome,) = judged.events
    assert outcome.found and outcome.time_to_alert_h == pytest.approx(1.5)
    assert outcome.on_time  # by 12:00, the end of the hour after the one it started in
    for (start, cells), matched in zip(windows, judged.matched, strict=True):
        window = AlertWindow(start, start + pd.Timedelta(hours=1), frozenset(cells))
        assert window.matches(event) == matched


def test_an_alert_two_hours_after_the_start_window_is_late():
    event = truth_event([ORIGIN], 10.5, 16)
    frame = pd.DataFrame(
        {
            "episode": ["a"],
            "window_start": [T0 + pd.Timedelta(hours=12)],
            "window_end": [T0 + pd.Timedelta(hours=13)],
            "cells": [(h3.str_to_int(ORIGIN),)],
        }
    )
    (outcome,) = judge_hotspot_windows(frame, [event]).events
    assert outcome.found and not outcome.on_time


# --- the varied scenarios ---------------------------------------------------------------------


def test_scenarios_are_drawn_from_their_seed_alone():
    a = eval_scenarios.draw("beijing", "seen", 2, False)
    b = eval_scenarios.draw("beijing", "seen", 2, False)
    assert a == b
    assert a.seed != eval_scenarios.draw("beijing", "fresh", 2, False).seed


def test_seen_and_fresh_seeds_never_meet():
    specs = eval_scenarios.plan(("seen", "fresh"), ("beijing", "boston"), 12, 4)
    seeds = [s.seed for s in specs]
    assert len(seeds) == len(set(seeds))


def test_planted_hotspots_follow_the_stated_ranges():
    for i in range(6):
        spec = eval_scenarios.draw("beijing", "seen", i, False)
        hotspots = [m for m in spec.events.values() if "shape" in m]
        assert 1 <= len(hotspots) <= 5
        for meta in hotspots:
            assert 1 <= meta["duration_h"] <= 12
            assert eval_scenarios.N_RANGE[0] <= meta["n"] <= eval_scenarios.N_RANGE[1]
            start = pd.Timestamp(meta["start"])
            first = spec.config.end - pd.Timedelta(days=eval_scenarios.DAYS - 9)
            assert start >= first


def test_boston_layout_reads_the_real_311_points_without_the_city_hall_pile():
    from benchmarks import boston
    from geo_fixtures.scenario import ScenarioConfig

    try:
        population = boston.load_population()
    except FileNotFoundError:
        pytest.skip("the shared Boston 311 data is not beside the checkout")
    on_hall = (population["lat"] == boston.CITY_HALL[0]) & (
        population["lon"] == boston.CITY_HALL[1]
    )
    assert len(population) > 100_000 and not on_hall.any()
    end = pd.Timestamp("2026-10-16 18:00", tz=boston.BOSTON_TZ)
    config = ScenarioConfig(5, 10, 300, end, (boston.BostonPlaceholderPile(n=60),))
    built = boston.build_boston(config, population)
    assert list(built.complaints.columns) == list(boston.COLUMNS.values())
    first = pd.to_datetime(built.complaints["OPEN_DT"].iloc[0], format=boston.TIMESTAMP_FORMAT)
    assert first.tz_localize(boston.BOSTON_TZ) >= end - pd.Timedelta(days=10)
    (pile,) = built.truth
    assert pile.cells == (h3.latlng_to_cell(*boston.CITY_HALL, 8),)
    again = boston.build_boston(config, population)
    pd.testing.assert_frame_equal(built.complaints, again.complaints)


def test_the_visibility_floor_is_the_third_call_in_one_cell():
    """Worked by hand: cell A's third call comes 50 min after the start, cell B's 35 min; a
    second event never has three calls in one cell; the other events' calls do not count."""
    event, sparse = truth_event([ORIGIN], 10, 14), truth_event([ORIGIN], 10, 14)
    sparse = TruthEvent(**{**sparse.__dict__, "event_id": "e2"})
    other = h3.grid_ring(ORIGIN, 1)[0]
    minutes = {
        ("e1", ORIGIN): [5, 30, 50, 55],
        ("e1", other): [20, 25, 35],
        ("e2", ORIGIN): [1, 2],
        ("e2", other): [3, 4],
        ("e3", ORIGIN): [0, 0, 0],
    }
    rows = [(T0 + pd.Timedelta(hours=10, minutes=m), c, e) for (e, c), ms in minutes.items()
            for m in ms]  # fmt: skip
    times, cells, ids = zip(*rows, strict=True)
    seen = eval_scenarios.visibility(
        pd.DatetimeIndex(times), list(cells), np.array(ids), [event, sparse], "UTC"
    )
    assert seen["e1"]["floor_h"] == round(35 / 60, 3)
    assert seen["e2"]["floor_h"] is None
    assert seen["e1"]["first_hours"] == 4


def test_the_floors_summary_counts_events_never_visible_as_infinitely_late():
    from benchmarks.detection_eval import _floors

    def record(floors, null=False):
        events = {f"e{i}": {"visibility": {"floor_h": h}} for i, h in enumerate(floors)}
        return {"null": null, "events": events | {"surge": {"visibility": None}}}

    group = [record([0.5, None, 2.0]), record([None, 0.9]), record([0.1], null=True)]
    assert _floors(group) == {"events": 5, "within_hour": 2, "median_h": 2.0, "never": 2}
    assert _floors([record([None, None, 0.2])])["median_h"] is None
