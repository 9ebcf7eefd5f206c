"""Layer convergence, sparsity and epochs to a threshold against hand-written loops."""
import warnings

import numpy as np
import pytest

import swarm
from swarm.metrics import epochs_to_threshold, layer_convergence, sparsity
from swarm.recording import Recording
from swarm.testing import from_params, random_walk


@pytest.fixture(scope="module")
def trained():
    return swarm.train("gaussians", bees=4, epochs=9, width=5, depth=2, lr=0.2, record_every=2,
                       data={"samples": 60, "dims": 3}, progress=False)


def _with(rec, **arrays):
    return Recording({**dict(rec), **arrays}, rec.meta)


@pytest.mark.parametrize("relative", [False, True])
def test_layer_convergence_is_the_frobenius_norm_of_each_step_by_hand(relative):
    rec = random_walk(3, 5, width=4, depth=2, step=0.2, seed=3)
    out = layer_convergence(rec, relative=relative)
    assert out.shape == (3, 5, 3) and out.dtype == np.float64
    assert np.isnan(out[:, 0]).all()
    for bee in range(3):
        for e in range(1, 5):
            for j, k in enumerate(rec.layer_indices):
                now, before = (rec.weights(k)[bee, i].astype(np.float64) for i in (e, e - 1))
                expected = np.linalg.norm(now - before)  # Frobenius
                if relative:
                    expected /= np.linalg.norm(before)
                assert out[bee, e, j] == pytest.approx(expected, rel=1e-9)


def test_layer_convergence_of_a_trained_swarm_follows_the_recorded_epochs(trained):
    out = layer_convergence(trained)
    assert out.shape == (4, trained.num_epochs, 3)
    w = trained.weights(2).astype(np.float64)  # bee 1, output layer
    np.testing.assert_allclose(out[1, 1:, 2], [np.linalg.norm(w[1, e] - w[1, e - 1])
                                               for e in range(1, trained.num_epochs)])
    assert np.isfinite(out[:, 1:]).all() and (out[:, 1:] > 0).all()


def test_layer_convergence_of_zeros_and_non_finite_weights():
    w0 = np.zeros((2, 3, 2, 1))
    w0[0, 2] = 1.0  # bee 0 moves away from zero at the last epoch: relative change inf
    w1 = np.ones((2, 3, 1, 2))
    w1[1, 1, 0, 0] = np.nan  # bee 1's epoch 1 is not finite: its steps 1 and 2 are NaN
    rec = from_params([w0, w1], [np.zeros((2, 3, 2)), np.zeros((2, 3, 1))])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = layer_convergence(rec, relative=True)
    np.testing.assert_array_equal(out[0, 1:, 0], [0.0, np.inf])
    np.testing.assert_array_equal(out[0, 1:, 1], [0.0, 0.0])
    assert np.isnan(out[1, 1:, 1]).all() and (out[1, 1:, 0] == 0).all()


def test_sparsity_counts_weights_below_tol_by_hand():
    rec = random_walk(3, 4, width=6, depth=2, step=0.05, seed=5)
    tol = 0.2
    out = sparsity(rec, tol)
    one = sparsity(rec, tol, layer=1)
    assert out.shape == one.shape == (3, 4) and out.dtype == np.float64
    for bee in range(3):
        for e in range(4):
            values = [w for k in rec.layer_indices for w in rec.weights(k)[bee, e].ravel()]
            assert out[bee, e] == pytest.approx(sum(abs(v) < tol for v in values) / len(values))
            layer1 = rec.weights(1)[bee, e].ravel()
            assert one[bee, e] == pytest.approx(sum(abs(v) < tol for v in layer1) / layer1.size)


def test_sparsity_of_known_weights_biases_left_out_and_non_finite_nan():
    w0 = np.array([0.0, 0.5, -1e-4, 2.0]).reshape(1, 1, 4, 1).repeat(2, 1)
    w1 = np.full((1, 2, 1, 4), 3.0)
    w1[0, 1, 0, 0] = np.inf
    rec = from_params([w0, w1], [np.zeros((1, 2, 4)), np.zeros((1, 2, 1))])
    np.testing.assert_array_equal(sparsity(rec, 1e-3, layer=0), [[0.5, 0.5]])
    out = sparsity(rec, 1e-3)
    assert out[0, 0] == 2 / 8 and np.isnan(out[0, 1])
    np.testing.assert_array_equal(sparsity(rec, 1.0, layer=0), [[0.75, 0.75]])


def test_relative_sparsity_is_relative_to_the_largest_weight_by_hand():
    rng = np.random.default_rng(8)
    w = [rng.normal(size=(2, 3, 4, 1)) * np.array([1.0, 100.0])[:, None, None, None],
         rng.normal(size=(2, 3, 1, 4))]
    w[0][1, 2] = 0.0
    w[1][1, 2] = 0.0  # all zero: none below 0 x 0
    rec = from_params(w, [np.zeros((2, 3, 4)), np.zeros((2, 3, 1))])
    out = sparsity(rec, 0.3, relative=True)
    for bee in range(2):
        for e in range(3):
            values = np.abs(np.concatenate([rec.weights(k)[bee, e].ravel() for k in (0, 1)]))
            assert out[bee, e] == pytest.approx(np.mean(values < 0.3 * values.max()))
    assert out[1, 2] == 0.0
    scaled = from_params([a * 1000 for a in w], [np.zeros((2, 3, 4)), np.zeros((2, 3, 1))])
    np.testing.assert_allclose(sparsity(scaled, 0.3, relative=True), out)


def test_epochs_to_threshold_is_the_first_epoch_reaching_it_by_hand(trained):
    rng = np.random.default_rng(0)
    acc = rng.uniform(0, 1, (4, trained.num_epochs)).astype(np.float32)
    acc[0] = 0.1  # never reaches it
    acc[1, 2] = 0.7  # exactly the threshold counts
    acc[1, :2] = 0.0
    rec = _with(trained, accuracy=acc)
    out = epochs_to_threshold(rec, threshold=0.7)
    expected = []
    for bee in range(4):
        hit = [trained.epoch[e] for e in range(trained.num_epochs)
               if acc[bee, e] >= np.float32(0.7)]
        expected.append(hit[0] if hit else np.nan)
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == np.float64 and np.isnan(out[0]) and out[1] == trained.epoch[2] == 4


def test_epochs_to_threshold_below_for_losses(trained):
    out = epochs_to_threshold(trained, "loss", float(np.median(trained["loss"])), direction="below")
    for bee in range(4):
        loss = trained["loss"][bee]
        hit = np.flatnonzero(loss <= np.median(trained["loss"]).astype(np.float64))
        assert (out[bee] == trained.epoch[hit[0]]) if hit.size else np.isnan(out[bee])


def test_epochs_to_threshold_never_met_by_nan():
    rec = random_walk(2, 3, width=2, depth=1)
    loss = np.array([[np.nan, np.nan, np.nan], [np.nan, 0.5, 0.1]], dtype=np.float32)
    out = epochs_to_threshold(_with(rec, loss=loss), "loss", 0.2, direction="below")
    assert np.isnan(out[0]) and out[1] == 2


@pytest.mark.parametrize("call, message", [
    (lambda r: layer_convergence(r, relative="yes"), "`relative`"),
    (lambda r: sparsity(r, 0), "`tol`"),
    (lambda r: sparsity(r, float("nan")), "`tol`"),
    (lambda r: sparsity(r, 0.1, layer=7), "`layer`"),
    (lambda r: sparsity(r, 0.1, relative=1), "`relative`"),
    (lambda r: epochs_to_threshold(r, "accuracy"), "`key`"),
    (lambda r: epochs_to_threshold(r, "x", 0.5), "`key`"),
    (lambda r: epochs_to_threshold(r, "loss", "high"), "`threshold`"),
    (lambda r: epochs_to_threshold(r, "loss", 0.5, direction="up"), "`direction`"),
    (lambda r: sparsity({"loss": 1}), "`rec`"),
])
def test_bad_arguments_are_value_errors_naming_them(call, message):
    rec = random_walk(2, 3, width=2, depth=1)
    with pytest.raises(ValueError, match=message):
        call(rec)
