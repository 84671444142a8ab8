"""Array helpers numpy lacks, or has in a form too slow for the engine's sizes."""

from __future__ import annotations

import numpy as np


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of ``values``, sorted: ``np.unique(values)``, by sorting.

    NumPy 2.4's ``np.unique`` without ``return_*`` hashes integers, which is fast for a few
    distinct values and slow for many: on a million distinct int64 keys it took 0.9 s where
    this takes 0.02 s, and the scoring keys of a quarter's windows are millions. A stable sort
    (a merge of runs) is quickest on the nearly sorted keys the engine builds.

    >>> sorted_distinct(np.array([3, 1, 3, 2, 1])).tolist()
    [1, 2, 3]
    """
    ordered = np.sort(values, kind="stable")
    if ordered.size == 0:
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]
