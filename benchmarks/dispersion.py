"""How overdispersed the cell counts are: the negative-binomial size k behind ``CellScorer``.

For the scored cell-windows of published homes, the method of moments on
``Var(Y) = E + E²/k``: ``k = Σ E² / Σ ((Y − E)² − Y)``, per window length, over the windows
whose expectation is at least ``--min-expected`` (cell_scores holds non-zero counts only, so
windows that expect less, where a zero is likely, would bias the estimate). A small k means
busy cells swing far more from window to window than a Poisson allows; ``inf`` means no
excess variance was seen.

Run it on the homes the detection benchmark keeps::

    python -m benchmarks --only detection --sets seen --no-peers --work-dir /tmp/det
    python -m benchmarks.dispersion /tmp/det/detection/boston-seen-*/home
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb
import numpy as np


def estimate(homes: list[Path], min_expected: float = 2.0) -> dict[str, dict[str, float]]:
    """Per window length: the windows used, their mean observed/expected ratio, and k."""
    frames: dict[str, list[np.ndarray]] = {}
    for home in homes:
        con = duckdb.connect(str(home / "published" / "current.duckdb"), read_only=True)
        try:
            rows = con.execute(
                "SELECT window_len, observed, expected FROM store.cell_scores "
                "WHERE expected >= $min",
                {"min": min_expected},
            ).fetchall()
        finally:
            con.close()
        for window_len, observed, expected in rows:
            frames.setdefault(window_len, []).append(np.array([observed, expected], dtype=float))
    result = {}
    for window_len, pairs in sorted(frames.items()):
        y, e = np.stack(pairs).T
        excess = float(((y - e) ** 2 - y).sum())
        result[window_len] = {
            "windows": float(len(y)),
            "observed_over_expected": round(float(y.sum() / e.sum()), 2),
            "k": round(float((e**2).sum() / excess), 1) if excess > 0 else float("inf"),
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dispersion", description=__doc__)
    parser.add_argument("homes", type=Path, nargs="+", help="published engine homes")
    parser.add_argument("--min-expected", type=float, default=2.0)
    args = parser.parse_args(argv)
    for window_len, figures in estimate(args.homes, args.min_expected).items():
        print(
            f"{window_len}: k = {figures['k']} over {figures['windows']:.0f} windows "
            f"(observed / expected {figures['observed_over_expected']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
