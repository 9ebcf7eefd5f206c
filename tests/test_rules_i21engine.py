"""The decision rules of issue 21's engine scripts, on hand-made numbers: one that holds,
one that does not, one on the edge."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def examples():
    sys.path.insert(0, str(EXAMPLES))
    try:
        import depth_at_fixed_params

        yield {"depth": depth_at_fixed_params}
    finally:
        sys.path.remove(str(EXAMPLES))


def test_depth_seed_data_is_the_seed_codes(examples):
    x, y = examples["depth"].seed_data()
    np.testing.assert_array_equal(x[:, 0], np.linspace(0, 1 - 1 / 16, 16))
    np.testing.assert_array_equal(y, [0, 1] * 8)


@pytest.mark.parametrize("deep, shallow, rate", [
    ([1.0, 1.0, 0.9], [0.5, 0.6, 0.7], 1.0),      # every deep bee wins: holds
    ([0.5, 0.5], [0.75, 0.875], 0.0),             # every deep bee loses
    ([0.75, 0.5], [0.75, 0.5], 0.5),              # the edge: ties count half
])
def test_deep_win_rate(examples, deep, shallow, rate):
    assert examples["depth"].deep_win_rate(np.array(deep), np.array(shallow)) == rate


@pytest.mark.parametrize("wins, status", [
    ([0.7, 0.65, 0.9], "holds"), ([0.2, 0.4, 0.1], "does not hold"),
    ([0.6, 0.6, 0.6], "holds"), ([0.7, 0.45, 0.8], "unclear"), ([0.55, 0.55, 0.55], "unclear"),
])
def test_depth_verdict_levels(examples, wins, status):
    import _common

    mod = examples["depth"]
    assert _common.seed_verdict(wins, mod.HOLDS_AT, mod.FAILS_AT) == status
