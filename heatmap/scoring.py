"""Scorers: what count is normal for a place and a window, and how surprising the observed is.

Both scorers have the same shape: built with their parameters, given a frame of counts with
their history (from ``pipelines.score_inputs`` / ``surge_inputs.sql``), they return
the frame with ``expected``, ``p_value``, ``score`` and ``flagged`` added.

``score`` is the Poisson log-likelihood ratio of "this window is elevated" against "this window
is normal": ``O·ln(O/E) − (O − E)`` when ``O > E``, else 0. An operator reads it as "how many
times more likely the excess is real than chance", on a log scale: expected 3, observed 21
gives 21·ln 7 − 18 ≈ 22.9.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import betainc, pdtrc


def poisson_upper_tail(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """P(X ≥ observed) for X ~ Poisson(expected).

    What ``scipy.stats.poisson.sf(observed - 1, expected)`` computes, bit for bit (1 below
    zero, NaN for a negative or missing mean, ``pdtrc`` otherwise), without importing
    ``scipy.stats``: that import alone is half a second of every run.

    >>> float(poisson_upper_tail(np.array([3]), np.array([3.0]))[0]).__round__(4)
    0.5768
    """
    k = np.floor(np.asarray(observed, dtype=np.float64) - 1)
    mu = np.asarray(expected, dtype=np.float64)
    k, mu = np.broadcast_arrays(k, mu)
    with np.errstate(invalid="ignore"):
        tail = np.where(k < 0, 1.0, pdtrc(np.maximum(k, 0), mu))
        return np.asarray(np.where((mu >= 0) & ~np.isnan(k), tail, np.nan), dtype=np.float64)


def negative_binomial_upper_tail(
    observed: np.ndarray, expected: np.ndarray, size: float | np.ndarray | None
) -> np.ndarray:
    """P(X ≥ observed) for X of mean ``expected`` and variance ``expected + expected²/size``.

    The negative binomial: a Poisson whose rate itself varies (from day to day, from one busy
    cell to the next). Its upper tail is the regularised incomplete beta function
    ``I_x(observed, size)`` at ``x = expected / (expected + size)``. ``size`` None is the
    Poisson.

    >>> round(float(negative_binomial_upper_tail(np.array([40]), np.array([16.0]), 5.0)[0]), 3)
    0.011
    >>> float(negative_binomial_upper_tail(np.array([40]), np.array([16.0]), None)[0]) < 1e-6
    True
    """
    if size is None:
        return poisson_upper_tail(observed, expected)
    y = np.asarray(observed, dtype=np.float64)
    mu = np.asarray(expected, dtype=np.float64)
    k = np.asarray(size, dtype=np.float64)
    y, mu, k = np.broadcast_arrays(y, mu, k)
    with np.errstate(invalid="ignore"):
        tail = betainc(np.maximum(y, 1.0), k, mu / (mu + k))
    return np.asarray(np.where(y <= 0, 1.0, tail), dtype=np.float64)


def log_likelihood_ratio(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Poisson log-likelihood ratio of an excess (0 where observed ≤ expected).

    >>> round(float(log_likelihood_ratio(np.array([21]), np.array([3.0]))[0]), 1)
    22.9
    """
    obs = np.asarray(observed, dtype=np.float64)
    exp = np.asarray(expected, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        llr = obs * np.log(obs / exp) - (obs - exp)
    return np.where(obs > exp, llr, 0.0)


@dataclass(frozen=True)
class CellScorer:
    """Expected count of a cell-window from the cell's share of past volume.

    expected = (citywide count of the type in this window) × (the cell's share of the type's
    past volume). The share comes from the cell's own history over the baseline period,
    shrunk toward its neighbourhood (the mean of the 49 resolution-8 cells of its resolution-6
    parent) by empirical Bayes: with the cells' volumes gamma-distributed around the
    neighbourhood mean ``m`` with shape ``prior_shape`` ``a``, a cell that saw ``n`` complaints
    expects ``m·(n + a)/(m + a)``. A sparse cell (``n`` and ``m`` small against ``a``) gets
    about the neighbourhood mean; a cell with a long record gets about its own count, whatever
    its neighbours (an equal-weight average of the two would expect a busy cell among quiet
    ones to see half of what it sees: on event-free Boston scenarios its cells observed 1.3–1.6
    times their expectation, and a calibrated baseline is what lets a threshold mean a false
    alarm rate). Then a floor at ``floor_fraction`` of the
    mean active cell so that an all-zero history never makes any count alarming. Using the
    window's own citywide total is what makes a citywide surge one surge, not a rash of
    hotspots: every cell's expectation rises with it.

    Parameters
    ----------
    prior_shape : the gamma prior's shape ``a``, in pseudo-complaints: how much a cell's own
        record must hold before it outweighs its neighbourhood. 1 (cells of one neighbourhood
        vary about as much as an exponential): on the detection benchmark's seen scenarios it
        gave the best predictive negative-binomial log score of daily counts in Boston and was
        within 0.3% of the best in Beijing, among 0.5, 1, 2, 3, 6 and the earlier average.
    neighbourhood_cells : cells per neighbourhood (49 resolution-8 cells per resolution-6).
    floor_fraction : the lowest expectation, as a fraction of the mean active cell's.
    dispersion : the negative-binomial size k of a cell's count: its variance is
        ``E + E²/k``. Counts of busy cells vary from day to day more than a Poisson allows:
        ``python -m benchmarks.dispersion`` on the detection benchmark's Boston scenarios
        without events gave k ≈ 5 with the earlier, biased expectation, and gives no excess
        variance with this one (benchmarks/README.md, "Dispersion"); 5 is kept as the
        conservative choice. At the fraction of a complaint a sparse cell expects in an hour
        the extra variance is small.
        None is the Poisson.
    alpha : a cell is flagged when P(X ≥ observed) is below this…
    min_count : …and at least this many complaints were observed.

    Examples
    --------
    >>> frame = pd.DataFrame({"observed": [6], "cell_hist": [0], "parent_hist": [49],
    ...                       "city_now": [40], "city_hist": [2000], "active_cells": [1000]})
    >>> scored = CellScorer().score(frame)
    >>> bool(scored.flagged[0]), round(float(scored.expected[0]), 3)
    (True, 0.02)
    """

    prior_shape: float = 1.0
    neighbourhood_cells: int = 49
    floor_fraction: float = 0.5
    dispersion: float | None = 5.0
    alpha: float = 1e-4
    min_count: int = 3

    def score(self, inputs: pd.DataFrame) -> pd.DataFrame:
        out = inputs.copy()
        own = out["cell_hist"].to_numpy(dtype=np.float64)
        neighbourhood = out["parent_hist"].to_numpy(dtype=np.float64) / self.neighbourhood_cells
        city_hist = out["city_hist"].to_numpy(dtype=np.float64)
        active = np.maximum(out["active_cells"].to_numpy(dtype=np.float64), 1.0)
        floor = self.floor_fraction * city_hist / active
        # gamma-Poisson posterior mean of the cell's volume: its own count plus prior_shape
        # pseudo-complaints, over 1 + prior_shape / neighbourhood periods (0 without neighbours)
        with np.errstate(divide="ignore", invalid="ignore"):
            posterior = np.where(
                neighbourhood > 0,
                neighbourhood * (own + self.prior_shape) / (neighbourhood + self.prior_shape),
                0.0,
            )
        shrunk = np.maximum(posterior, floor)
        share = np.where(city_hist > 0, shrunk / np.maximum(city_hist, 1e-12), 1.0 / active)
        expected = np.maximum(out["city_now"].to_numpy(dtype=np.float64) * share, 1e-9)
        observed = out["observed"].to_numpy()
        out["expected"] = expected
        out["p_value"] = negative_binomial_upper_tail(observed, expected, self.dispersion)
        out["score"] = log_likelihood_ratio(observed, expected)
        out["flagged"] = (out["p_value"] < self.alpha) & (observed >= self.min_count)
        return out


@dataclass(frozen=True)
class SurgeScorer:
    """Expected citywide count of a type from its share of the other types' volume.

    expected = (the type's past count / the other types' past count) × the other types' count
    in this window, each with one pseudo-complaint so that a new type is not infinitely
    surprising. Flagged when the Poisson tail is below ``alpha``, the count is at least
    ``min_ratio`` times the expectation and exceeds it by ``min_excess`` complaints (the ratio
    and excess guard against the overdispersion of citywide counts).

    Examples
    --------
    >>> frame = pd.DataFrame({"observed": [400], "others_now": [3000],
    ...                       "type_hist": [2800], "others_hist": [84000]})
    >>> bool(SurgeScorer().score(frame).flagged[0])
    True
    """

    alpha: float = 1e-6
    min_ratio: float = 1.5
    min_excess: int = 20

    def score(self, inputs: pd.DataFrame) -> pd.DataFrame:
        out = inputs.copy()
        share = (out["type_hist"].to_numpy(dtype=np.float64) + 1.0) / (
            out["others_hist"].to_numpy(dtype=np.float64) + 1.0
        )
        expected = np.maximum(out["others_now"].to_numpy(dtype=np.float64) * share, 1e-9)
        observed = out["observed"].to_numpy()
        out["expected"] = expected
        out["p_value"] = poisson_upper_tail(observed, expected)
        out["score"] = log_likelihood_ratio(observed, expected)
        out["flagged"] = (
            (out["p_value"] < self.alpha)
            & (observed >= self.min_ratio * expected)
            & (observed - expected >= self.min_excess)
        )
        return out
