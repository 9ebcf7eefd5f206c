"""Decision metrics of classification swarms against per-bee numpy forward passes and brute force."""
import numpy as np
import pytest

import swarm
from swarm.metrics import decision


@pytest.fixture(scope="module")
def spiral():
    return swarm.train("spiral", data={"samples": 90, "classes": 3, "seed": 2}, bees=7, epochs=6,
                       width=5, depth=2, lr=0.05, seed=3, progress=False)


def numpy_classes(rec, bee, epoch, points):
    """One bee's forward pass in plain numpy: argmax of its outputs."""
    a = np.asarray(points, np.float64)
    layers = rec.layer_indices
    for k in layers:
        a = a @ rec.weights(k)[bee, epoch].astype(np.float64).T + rec.biases(k)[bee, epoch]
        if k != layers[-1]:
            a = np.maximum(a, 0)
    return a.argmax(1)


def test_vote_map_matches_per_bee_numpy(spiral):
    xs, ys = decision.plane_grid(spiral.x, 9)
    gx, gy = np.meshgrid(xs, ys)
    points = np.stack([gx.ravel(), gy.ravel()], 1)
    expect = np.zeros((3, 9 * 9), int)
    for bee in range(spiral.num_bees):
        pred = numpy_classes(spiral, bee, 4, points)
        expect[pred, np.arange(pred.size)] += 1
    maps = decision.decision_maps(spiral, [4], size=9)
    np.testing.assert_array_equal(maps["votes"][0].reshape(3, -1), expect)
    assert maps["votes"].dtype == np.uint16 and maps["bees"] == spiral.num_bees


def test_boundary_density_is_a_brute_force_count():
    rng = np.random.default_rng(0)
    pred = rng.integers(0, 3, (5, 6, 7))
    expect = np.zeros((6, 7), int)
    for bee in range(5):
        for r in range(6):
            for c in range(7):
                right = c + 1 < 7 and pred[bee, r, c + 1] != pred[bee, r, c]
                down = r + 1 < 6 and pred[bee, r + 1, c] != pred[bee, r, c]
                expect[r, c] += bool(right or down)
    np.testing.assert_array_equal(decision.boundary_density(pred), expect)


def test_majority_confusion_counts_the_vote(spiral):
    conf = decision.majority_confusion(spiral, -1)
    pred = np.stack([numpy_classes(spiral, bee, -1, spiral["x_test"]) for bee in range(7)])
    votes = np.stack([(pred == c).sum(0) for c in range(3)])
    expect = np.zeros((3, 3), int)
    for t, p in zip(spiral["y_test"], votes.argmax(0)):
        expect[t, p] += 1
    np.testing.assert_array_equal(conf, expect)
    assert conf.sum() == len(spiral["y_test"])


def test_mistakes_are_value_errors(spiral):
    with pytest.raises(ValueError, match="`size`"):
        decision.plane_grid(spiral.x, 1)
    with pytest.raises(ValueError, match="`split`"):
        decision.majority_confusion(spiral, split="val")
    digits = swarm.train("gaussians", data={"samples": 60, "dims": 3}, bees=2, epochs=2, progress=False)
    with pytest.raises(ValueError, match="2-D dataset"):
        decision.decision_maps(digits)
