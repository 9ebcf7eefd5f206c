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
        import digits_gradient_norm
        import initializers
        import layer_convergence
        import regularization

        yield {"depth": depth_at_fixed_params, "grad": digits_gradient_norm,
               "init": initializers, "reg": regularization, "layers": layer_convergence}
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


def test_rises_first(examples):
    rises_first = examples["grad"].rises_first
    norms = np.array([[1.0, 1.5, 0.5], [1.0, 0.9, 0.1], [1.0, 1.1, 0.2], [2.0, 1.0, np.nan]])
    assert rises_first(norms[:1]) == 1.0  # rises 1.5x: holds
    assert rises_first(norms[1:2]) == 0.0  # falls from the start
    assert rises_first(norms[2:3]) == 1.0  # exactly 1.1x: the edge counts as a rise
    assert rises_first(norms) == 0.5


def test_off_plateau_and_ratio_trend(examples):
    mod = examples["grad"]
    ln10 = np.log(10)
    np.testing.assert_array_equal(mod.off_plateau([ln10, ln10 + 0.049, ln10 - 0.051, 0.1]),
                                  [False, False, True, True])
    loss = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, ln10, ln10])
    norm = np.full(10, 1e-3)
    falling = 1 - loss / 2  # low loss, high ratio: holds
    rho, p, used = mod.ratio_trend(loss, falling, norm)
    assert rho == pytest.approx(-1.0) and used == 8  # the plateau bees are left out
    rho, _, _ = mod.ratio_trend(loss, loss, norm)  # the opposite: does not hold
    assert rho == pytest.approx(1.0)
    big = norm.copy()
    big[4:8] = 1.0  # the larger norms are left out too
    assert mod.ratio_trend(loss, falling, big)[2] == 4
    assert np.isnan(mod.ratio_trend(loss[:3], loss[:3], norm[:3])[0])  # too few: unclear


@pytest.mark.parametrize("trends, status", [
    ([-0.5, -0.4, -0.3], "holds"), ([0.2, 0.1, 0.3], "does not hold"),
    ([-0.5, 0.1, -0.4], "unclear"), ([0.0, 0.1, 0.2], "unclear"), ([np.nan, -0.5, -0.5], "unclear"),
])
def test_gradient_norm_trend_levels(examples, trends, status):
    import _common

    mod = examples["grad"]
    assert _common.seed_verdict(-np.asarray(trends), -mod.TREND_AT, -mod.TREND_FAILS_AT) == status


@pytest.mark.parametrize("statuses, status", [
    (["holds", "holds"], "holds"), (["holds", "does not hold", "unclear"], "does not hold"),
    (["holds", "unclear"], "unclear"),
])
def test_all_parts(examples, statuses, status):
    import _common

    assert _common.all_parts(statuses) == status
    with pytest.raises(ValueError):
        _common.all_parts(["maybe"])


def test_gain_share(examples):
    gain_share = examples["init"].gain_share
    assert gain_share([0.9, 0.9, 0.5], best=0.9) == pytest.approx(1.0)  # the median bee
    assert gain_share([0.5, 0.5], best=0.8) == 0.0
    assert gain_share([0.65], best=0.7) == pytest.approx(0.75)  # the edge of "trains"


@pytest.mark.parametrize("shares, trains, status", [
    ([0.9, 0.8, 0.75], True, "holds"), ([0.1, 0.0, 0.3], True, "does not hold"),
    ([0.9, 0.6, 0.8], True, "unclear"), ([0.0, 0.1, 0.5], False, "holds"),
    ([0.9, 0.8, 0.95], False, "does not hold"), ([0.0, 0.6, 0.1], False, "unclear"),
])
def test_initializer_parts(examples, shares, trains, status):
    assert examples["init"].part_status(shares, trains) == status


def test_size_ratio(examples):
    size_ratio = examples["reg"].size_ratio
    sizes = {"none": [1.0, 1.0, 2.0], "L1 0.1": [0.5], "L1 1": [0.1], "L2 0.1": [0.9],
             "L2 1": [0.2]}
    assert size_ratio(sizes) == pytest.approx(0.9)  # the largest of the four ratios: the edge
    assert size_ratio({**sizes, "L2 0.1": [1.5]}) == pytest.approx(1.5)


@pytest.mark.parametrize("ratios, gaps, costs, expected", [
    ([0.5, 0.2, 0.9], [0.3, 0.2, 0.5], [0.05, 0.02, 0.1], ("holds", "holds", "holds")),
    ([1.1, 1.2, 1.01], [0.0, 0.05, 0.01], [-0.01, 0.0, 0.005],
     ("does not hold", "does not hold", "does not hold")),
    ([0.95, 0.5, 0.5], [0.15, 0.3, 0.3], [0.015, 0.03, 0.03], ("unclear", "unclear", "unclear")),
])
def test_regularization_parts(examples, ratios, gaps, costs, expected):
    status = examples["reg"].parts(ratios, gaps, costs)
    assert tuple(status.values()) == expected


def test_output_first(examples):
    output_first = examples["layers"].output_first
    assert output_first(np.array([[50.0, 40, 30], [60, 50, 20]])) == 1.0  # holds
    assert output_first(np.array([[10.0, 40, 30], [60, 50, 60]])) == 0.0  # later or tied
    assert output_first(np.array([[np.nan, 5, 5], [5, 5, np.nan]])) == 0.5  # never = last
