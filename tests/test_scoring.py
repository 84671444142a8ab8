"""Scorers: Poisson tails against scipy-independent hand computations, and the model's rules."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from heatmap.scoring import (
    CellScorer,
    SurgeScorer,
    log_likelihood_ratio,
    negative_binomial_upper_tail,
    poisson_upper_tail,
)


@pytest.mark.parametrize("observed,expected", [(0, 2.0), (1, 0.5), (3, 3.0), (7, 1.2), (21, 3.0)])
def test_poisson_tail_equals_the_hand_sum(observed: int, expected: float) -> None:
    by_hand = 1 - sum(
        math.exp(-expected) * expected**k / math.factorial(k) for k in range(observed)
    )
    assert poisson_upper_tail(np.array([observed]), np.array([expected]))[0] == pytest.approx(
        by_hand, rel=1e-9
    )


def test_poisson_tail_is_scipy_stats_bit_for_bit() -> None:
    from scipy.stats import poisson

    rng = np.random.default_rng(7)
    observed = np.concatenate([rng.integers(-2, 300, 200_000), [0, 1, 1, 4]])
    expected = np.concatenate(
        [rng.exponential(6.0, 200_000) * rng.integers(0, 2, 200_000), [0.0, -1.0, np.nan, 2.5]]
    )
    np.testing.assert_array_equal(
        poisson_upper_tail(observed, expected), poisson.sf(observed - 1, expected)
    )


def test_llr_is_zero_without_excess_and_matches_the_formula() -> None:
    llr = log_likelihood_ratio(np.array([2, 3, 21]), np.array([3.0, 3.0, 3.0]))
    assert llr[0] == 0 and llr[1] == 0
    assert llr[2] == pytest.approx(21 * math.log(7) - 18)


def _cells(**columns: list[float]) -> pd.DataFrame:
    base = {
        "observed": [3],
        "cell_hist": [0],
        "parent_hist": [0],
        "city_now": [10],
        "city_hist": [1000],
        "active_cells": [500],
    }
    base.update(columns)
    return pd.DataFrame(base)


def test_an_all_zero_history_does_not_make_any_count_alarming() -> None:
    silent = CellScorer().score(
        _cells(
            observed=[1, 2],
            cell_hist=[0, 0],
            parent_hist=[0, 0],
            city_now=[10, 10],
            city_hist=[1000, 1000],
            active_cells=[500, 500],
        )
    )
    assert not silent["flagged"].any()
    floor = 0.5 * 1000 / 500 / 1000 * 10
    assert silent["expected"].tolist() == pytest.approx([floor, floor])


def test_a_busy_cell_expects_more_and_is_flagged_less() -> None:
    scored = CellScorer().score(
        _cells(
            observed=[6, 6],
            cell_hist=[0, 200],
            parent_hist=[0, 400],
            city_now=[40, 40],
            city_hist=[2000, 2000],
            active_cells=[1000, 1000],
        )
    )
    quiet, busy = scored.itertuples()
    assert busy.expected > 50 * quiet.expected
    assert quiet.flagged and not busy.flagged


def test_a_citywide_surge_raises_every_expectation_in_proportion() -> None:
    normal = CellScorer().score(_cells(observed=[5], cell_hist=[10], city_now=[40]))
    surge = CellScorer().score(_cells(observed=[5], cell_hist=[10], city_now=[400]))
    assert surge.expected[0] == pytest.approx(10 * normal.expected[0])
    assert normal.flagged[0] and not surge.flagged[0]


def test_sparse_cells_borrow_from_their_neighbourhood() -> None:
    # 5,000 active cells: the floor is 0.5 · 1000/5000 = 0.1 complaint of the 1,000
    lone = CellScorer().score(_cells(cell_hist=[0], parent_hist=[0], active_cells=[5000]))
    in_busy_area = CellScorer().score(_cells(cell_hist=[0], parent_hist=[490], active_cells=[5000]))
    assert lone.expected[0] == pytest.approx(0.1 / 1000 * 10)
    assert in_busy_area.expected[0] > lone.expected[0]
    # gamma-Poisson posterior mean m·(n + a)/(m + a): m = 490/49 = 10, n = 0, a = 1 → 10/11
    assert in_busy_area.expected[0] == pytest.approx(10 * 1 / 11 / 1000 * 10)


def test_a_long_record_outweighs_the_neighbourhood() -> None:
    """A busy cell among quiet ones expects about its own past, not the average of the two."""
    scored = CellScorer().score(
        _cells(
            observed=[1, 1],
            cell_hist=[300, 3],
            parent_hist=[490, 490],
            city_now=[10, 10],
            city_hist=[1000, 1000],
            active_cells=[5000, 5000],
        )
    )
    busy, sparse = scored["expected"].tolist()
    # m = 10: busy 10·301/11 = 273.6 of 1000 (not (300 + 10)/2 = 155); sparse 10·4/11 = 3.6
    assert busy == pytest.approx(10 * 301 / 11 / 1000 * 10)
    assert sparse == pytest.approx(10 * 4 / 11 / 1000 * 10)


def test_surges_need_significance_ratio_and_excess() -> None:
    frame = pd.DataFrame(
        {
            "observed": [400, 130, 10],
            "others_now": [3000, 3000, 30],
            "type_hist": [2800, 2800, 2800],
            "others_hist": [84000, 84000, 84000],
        }
    )
    flagged = SurgeScorer().score(frame)["flagged"].tolist()
    assert flagged == [True, False, False]  # a 4x day; a 1.3x day; a small-number excess


def test_overdispersion_calms_busy_cells_and_barely_touches_sparse_ones() -> None:
    """A busy cell at 2.5× its usual day is weather; a quiet cell with 6 calls is not."""
    busy = _cells(
        observed=[40], cell_hist=[1600], parent_hist=[1600 * 49], city_now=[1000],
        city_hist=[100_000],
    )  # fmt: skip
    quiet = _cells(observed=[6], cell_hist=[10], city_now=[100], city_hist=[100_000])
    poisson, negative_binomial = CellScorer(dispersion=None), CellScorer()
    assert poisson.score(busy).flagged[0] and not negative_binomial.score(busy).flagged[0]
    assert poisson.score(quiet).flagged[0] and negative_binomial.score(quiet).flagged[0]


@pytest.mark.parametrize("expected", [0.05, 0.5, 5.0, 50.0])
def test_negative_binomial_tail_is_a_summed_mixture_and_the_poisson_in_the_limit(
    expected: float,
) -> None:
    """Against a hand sum of the negative-binomial pmf, and the Poisson at a huge size."""
    size, observed = 5.0, int(3 * expected) + 3
    p = size / (size + expected)

    def pmf(x: int) -> float:
        log_pmf = (
            math.lgamma(x + size) - math.lgamma(size) - math.lgamma(x + 1)
            + size * math.log(p) + x * math.log(1 - p)
        )  # fmt: skip
        return math.exp(log_pmf)

    by_hand = 1.0 - sum(pmf(x) for x in range(observed))
    tail = negative_binomial_upper_tail(np.array([observed]), np.array([expected]), size)[0]
    assert tail == pytest.approx(by_hand, rel=1e-6, abs=1e-12)
    huge = negative_binomial_upper_tail(np.array([observed]), np.array([expected]), 1e9)[0]
    poisson = poisson_upper_tail(np.array([observed]), np.array([expected]))[0]
    assert huge == pytest.approx(poisson, rel=1e-4)
