"""The dispersion estimate finds the k of counts drawn with a known k, and ``inf`` for Poisson."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from benchmarks.dispersion import estimate


def _home(root: Path, observed: np.ndarray, expected: np.ndarray) -> Path:
    (root / "published").mkdir(parents=True)
    con = duckdb.connect(str(root / "published" / "current.duckdb"))
    scores = pd.DataFrame({"window_len": "1d", "observed": observed, "expected": expected})
    con.register("scores", scores)
    con.execute("CREATE SCHEMA store")
    con.execute("CREATE TABLE store.cell_scores AS SELECT * FROM scores")
    con.close()
    return root


def test_a_known_negative_binomial_size_is_recovered(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    expected = rng.uniform(5, 40, 20_000)
    size = 5.0
    observed = rng.negative_binomial(size, size / (size + expected))
    figures = estimate([_home(tmp_path, observed, expected)], min_expected=2)["1d"]
    assert figures["k"] == pytest.approx(size, rel=0.15)


def test_poisson_counts_show_no_overdispersion(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    expected = rng.uniform(5, 40, 20_000)
    figures = estimate([_home(tmp_path, rng.poisson(expected), expected)], min_expected=2)["1d"]
    assert figures["k"] > 50
