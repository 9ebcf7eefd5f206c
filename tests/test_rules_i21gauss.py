"""The decision rules of issue 21's Gaussian-mixture scripts, on hand-made numbers: one that
holds, one that does not, one on the edge."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def ex():
    sys.path.insert(0, str(EXAMPLES))
    try:
        import imbalance

        yield {"imbalance": imbalance}
    finally:
        sys.path.remove(str(EXAMPLES))


@pytest.mark.parametrize("balanced, plain, over, status", [
    (0.80, 0.60, 0.75, 1.0),   # drop 0.2, 75% recovered: holds
    (0.80, 0.79, 0.80, 0.0),   # drop 0.01: fails
    (0.80, 0.60, 0.61, 0.0),   # 5% recovered: fails
    (0.80, 0.75, 0.775, 1.0),  # on the edge: drop 0.05, 50% recovered counts
    (0.80, 0.77, 0.79, 0.5),   # drop 0.03: neither
])
def test_imbalance_seed_status(ex, balanced, plain, over, status):
    assert ex["imbalance"].seed_status(balanced, plain, over) == pytest.approx(status)


@pytest.mark.parametrize("ratio, minority", [(1, 600), (10, 109), (100, 12)])
def test_imbalance_sizes_are_the_seeds(ex, ratio, minority):
    from swarm import datasets

    ds = datasets.gaussians(2, covariance="seed", seed=1, **ex["imbalance"].sizes(ratio))
    assert np.bincount(ds.y, minlength=2)[1] == minority
    assert abs(len(ds.y) - 1200) <= 1 and np.array_equal(np.bincount(ds.y_test), [150, 150])
