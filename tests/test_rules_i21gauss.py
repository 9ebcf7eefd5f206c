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
        import memorization
        import activations
        import batch_size
        import data_size
        import losses
        import pca_preprocessing

        yield {"imbalance": imbalance, "memorization": memorization, "pca": pca_preprocessing,
               "data_size": data_size, "activations": activations, "batch": batch_size,
               "losses": losses}
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


INF = float("inf")


@pytest.mark.parametrize("random_steps, true_steps, status", [
    ([300, 330, INF], [90, 120, 150], 1.0),     # 2.75x, slower in every pair: holds
    ([90, 99, 120], [90, 120, 150], 0.0),       # faster: fails
    ([180, 180, 180], [120, 120, 120], 1.0),    # on the edge: 1.5x, every pair slower
    ([180, 60, 200], [120, 120, 120], 0.5),     # 1.5x but slower in 67% of pairs: neither
    ([INF, INF], [INF, INF], float("nan")),     # neither reached 90%: decides nothing
])
def test_memorization_seed_status(ex, random_steps, true_steps, status):
    got = ex["memorization"].seed_status(np.array(random_steps), np.array(true_steps))
    assert got == pytest.approx(status, nan_ok=True)


def test_memorization_shuffle_keeps_class_counts(ex):
    true, shuffled = ex["memorization"].data(1, False), ex["memorization"].data(1, True)
    np.testing.assert_array_equal(true.x, shuffled.x)
    assert np.array_equal(np.bincount(true.y), np.bincount(shuffled.y))
    assert np.mean(true.y != shuffled.y) > 0.3


@pytest.mark.parametrize("gain, status", [
    ({10: 0.0, 100: 0.01, 1000: 0.08, 2000: 0.12}, 1.0),   # helps at both large counts
    ({10: 0.0, 1000: 0.05, 2000: -0.01}, 0.0),              # hurts at 2,000: fails
    ({1000: 0.03, 2000: 0.03}, 1.0),                        # on the edge: 0.03 counts
    ({1000: 0.01, 2000: 0.05}, 0.5),                        # not at 1,000: neither
])
def test_pca_seed_status(ex, gain, status):
    assert ex["pca"].seed_status(gain) == status


def test_pca_dummies_get_the_seeds_absolute_spread(ex):
    """The dummies' std in the data's units is U[0,1)'s, 0.289 (recovered through the
    rotation: it keeps each row's length)."""
    from swarm import datasets

    pca = ex["pca"]
    knobs = {**pca.MIXTURE, "standardize": False, "seed": 2}
    raw = datasets.gaussians(10, **knobs)
    ds = datasets.gaussians(10, dummy_dims=400, dummy_noise="uniform",
                            dummy_scale=pca.dummy_scale(2), **knobs)
    extra = np.sum(ds.x.astype(np.float64) ** 2, 1) - np.sum(raw.x.astype(np.float64) ** 2, 1)
    assert abs(np.sqrt(np.mean(extra) / 400) / (1 / np.sqrt(12)) - 1) < 0.03


SIZES = [20, 100, 500, 2000, 10000]


@pytest.mark.parametrize("gaps, status", [
    ([0.01, 0.02, 0.03, 0.05, 0.06], 1.0),     # ahead everywhere, growing: holds
    ([-0.1, -0.05, 0.01, -0.01, -0.02], 0.0),  # ahead at 1 of 5: fails
    ([-0.01, 0.01, 0.01, 0.02, 0.02], 1.0),    # on the edge: ahead at exactly 4, growing
    ([0.05, 0.04, 0.03, 0.02, 0.01], 0.5),     # ahead everywhere, shrinking: neither
    ([-0.01, -0.01, 0.02, 0.03, 0.04], 0.5),   # ahead at 3: neither
])
def test_data_size_seed_status(ex, gaps, status):
    assert ex["data_size"].seed_status(SIZES, gaps) == status


def test_data_size_subsets_are_nested_with_one_test_set(ex):
    ds = ex["data_size"]
    base = ds.draw(1, 1000)
    small, large = ds.subset(base, 100), ds.subset(base, 500)
    assert len(small.y) == 80 and len(large.y) == 400 and len(small.y_test) == 200
    np.testing.assert_array_equal(small.y, large.y[:80])
    np.testing.assert_array_equal(small.y_test, large.y_test)
    assert ds.epochs_for(8000, 200) == 25 and ds.epochs_for(400, 200) == 200
    assert 0.3 < np.mean(small.y[:16]) < 0.7  # a prefix is a random subset, both classes


def _act(relu, tanh, square, sin, identity):
    return {"relu": relu, "tanh": tanh, "square": square, "sin": sin, "sign": 0.5,
            "identity": identity}


@pytest.mark.parametrize("medians, status", [
    (_act(0.97, 0.96, 0.97, 0.96, 0.87), 1.0),    # the four together, identity far below
    (_act(0.97, 0.96, 0.97, 0.96, 0.96), 0.0),    # identity as good: fails
    (_act(0.97, 0.85, 0.97, 0.96, 0.80), 0.0),    # the four spread 0.12: fails
    (_act(0.97, 0.94, 0.95, 0.96, 0.89), 1.0),    # on the edge: spread 0.03, 0.05 below
    (_act(0.97, 0.92, 0.95, 0.96, 0.88), 0.5),    # spread 0.05: neither
])
def test_activations_seed_status(ex, medians, status):
    assert ex["activations"].seed_status(medians) == status


@pytest.mark.parametrize("seconds, accuracy, status", [
    ([3.0, 1.0, 0.4, 0.3], [0.95, 0.94, 0.92, 0.90], 1.0),   # faster and falling: holds
    ([3.0, 1.0, 0.4, 0.3], [0.90, 0.92, 0.93, 0.95], 0.0),   # more accurate at 400: fails
    ([0.3, 0.3, 0.3, 0.4], [0.95, 0.94, 0.92, 0.90], 0.0),   # not faster: fails
    ([2.0, 1.0, 0.5, 1.0], [0.95, 0.96, 0.93, 0.93], 1.0),   # on the edge: half, 0.02, +0.01
    ([3.0, 1.0, 0.4, 0.3], [0.95, 0.90, 0.94, 0.92], 0.5),   # a rise of 0.04: neither
])
def test_batch_size_seed_status(ex, seconds, accuracy, status):
    assert ex["batch"].seed_status(seconds, accuracy) == status


def test_batch_size_steps_are_the_seeds(ex):
    # the seed: 150 x 500 / b steps; here whole epochs of ceil(400 / b) steps
    for b, steps in ((16, 4688), (64, 1172), (256, 293), (400, 188)):
        got = ex["batch"].epochs_for(b) * -(-400 // b)
        assert abs(got - steps) <= -(-400 // b) / 2 + 1


def _losses(ce, l1, mse, fourth, hinge, control):
    names = list(LOSS_NAMES)
    return dict(zip(names, (ce, l1, mse, fourth, hinge, control)))


LOSS_NAMES = ("cross-entropy", "mean absolute", "mean squared", "mean fourth power", "hinge",
              "constant (control)")


@pytest.mark.parametrize("medians, means, status", [
    (_losses(0.98, 0.98, 0.97, 0.97, 0.97, 0.5), _losses(0.98, 0.975, 0.97, 0.96, 0.97, 0), 1.0),
    (_losses(0.98, 0.98, 0.90, 0.97, 0.97, 0.5), _losses(0.98, 0.98, 0.9, 0.96, 0.97, 0), 0.0),
    (_losses(0.98, 0.98, 0.97, 0.97, 0.97, 0.6), _losses(0.98, 0.98, 0.97, 0.96, 0.97, 0), 0.0),
    (_losses(0.98, 0.98, 0.97, 0.96, 0.97, 0.5), _losses(0.98, 0.98, 0.97, 0.96, 0.97, 0), 1.0),
    (_losses(0.98, 0.98, 0.97, 0.97, 0.97, 0.5), _losses(0.98, 0.98, 0.96, 0.97, 0.97, 0), 0.5),
])
def test_losses_seed_status(ex, medians, means, status):
    means = {k: v for k, v in means.items() if k != "constant (control)"}
    assert ex["losses"].seed_status(medians, means) == status
