"""heatmap.arrays against numpy's own np.unique."""

from __future__ import annotations

import numpy as np
import pytest

from heatmap.arrays import sorted_distinct


@pytest.mark.parametrize("size", [0, 1, 7, 10_000])
@pytest.mark.parametrize("dtype", [np.int64, np.uint64, np.float64])
def test_sorted_distinct_is_np_unique(size: int, dtype: type) -> None:
    values = np.random.default_rng(size).integers(0, max(size // 3, 1), size).astype(dtype)
    np.testing.assert_array_equal(sorted_distinct(values), np.unique(values))
    assert sorted_distinct(values).dtype == dtype
