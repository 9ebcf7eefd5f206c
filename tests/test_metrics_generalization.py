"""interpolate_swarms against plain torch.nn networks built weight by weight."""
import numpy as np
import pytest
import torch
from torch import nn

import swarm
from swarm import metrics
from swarm.metrics.generalization import interpolate_swarms

DATA = {"samples": 90, "seed": 3}


@pytest.fixture(scope="module")
def pair():
    common = dict(bees=4, epochs=8, width=5, depth=2, lr=0.1, data=DATA, progress=False)
    return (swarm.train("spiral", batch_size=16, seed=1, **common),
            swarm.train("spiral", batch_size=64, seed=2, **common))


def _plain(rec_a, rec_b, bee, alpha, x, y):
    """Cross-entropy and accuracy of the mixed weights as an nn.Sequential, float64."""
    layers = []
    for k in rec_a.layer_indices:
        w = [torch.tensor(r.weights(k)[bee, -1], dtype=torch.float64) for r in (rec_a, rec_b)]
        b = [torch.tensor(r.biases(k)[bee, -1], dtype=torch.float64) for r in (rec_a, rec_b)]
        lin = nn.Linear(w[0].shape[1], w[0].shape[0]).double()
        with torch.no_grad():
            lin.weight.copy_((1 - alpha) * w[0] + alpha * w[1])
            lin.bias.copy_((1 - alpha) * b[0] + alpha * b[1])
        layers += [lin, nn.ReLU()]
    net = nn.Sequential(*layers[:-1])
    with torch.no_grad():
        logits = net(torch.tensor(x, dtype=torch.float64))
    labels = torch.tensor(y)
    return (nn.functional.cross_entropy(logits, labels).item(),
            (logits.argmax(1) == labels).double().mean().item())


def test_every_pair_and_alpha_equals_plain_torch(pair):
    rec_a, rec_b = pair
    alphas = [-0.5, 0.0, 0.3, 1.0, 1.7]
    out = interpolate_swarms(rec_a, rec_b, alphas, bees=[0, 2, 3])
    assert out.loss.shape == out.test_accuracy.shape == (3, 5)
    np.testing.assert_array_equal(out.alpha, alphas)
    for i, bee in enumerate([0, 2, 3]):
        for j, alpha in enumerate(alphas):
            loss, acc = _plain(rec_a, rec_b, bee, alpha, rec_a.x, rec_a.y)
            test_loss, test_acc = _plain(rec_a, rec_b, bee, alpha, rec_a["x_test"],
                                         rec_a["y_test"])
            assert out.loss[i, j] == pytest.approx(loss, rel=1e-9)
            assert out.accuracy[i, j] == pytest.approx(acc)
            assert out.test_loss[i, j] == pytest.approx(test_loss, rel=1e-9)
            assert out.test_accuracy[i, j] == pytest.approx(test_acc)


def test_ends_are_the_recorded_bees(pair):
    rec_a, rec_b = pair
    out = interpolate_swarms(rec_a, rec_b, [0.0, 1.0])
    np.testing.assert_allclose(out.loss[:, 0], rec_a["loss"][:, -1], rtol=1e-4)
    np.testing.assert_allclose(out.loss[:, 1], rec_b["loss"][:, -1], rtol=1e-4)
    np.testing.assert_allclose(out.test_accuracy[:, 0], rec_a["test_accuracy"][:, -1])
    np.testing.assert_allclose(out.accuracy[:, 1], rec_b["accuracy"][:, -1])
    # one recording with itself: the same line as metrics.interpolate between two of its bees
    same = interpolate_swarms(rec_a, rec_a.bees([1, 1, 1, 1]), [-1.0, 0.5, 2.0], bees=[3])
    np.testing.assert_allclose(same.loss[0], metrics.interpolate(rec_a, 3, 1, [-1.0, 0.5, 2.0]),
                               rtol=1e-12)


def test_a_1d_target_has_no_accuracy_or_test_data():
    a, b = (swarm.train("sin", bees=2, epochs=3, width=4, seed=s, progress=False) for s in (0, 1))
    out = interpolate_swarms(a, b, [0.0, 1.0])
    np.testing.assert_allclose(out.loss, np.stack([a["loss"][:, -1], b["loss"][:, -1]], 1),
                               rtol=1e-4)
    assert np.isnan(out.accuracy).all() and np.isnan(out.test_loss).all()


def test_mismatched_recordings_and_arguments_are_refused(pair):
    rec_a, _ = pair
    wider = swarm.train("spiral", bees=4, epochs=2, width=6, depth=2, data=DATA, progress=False)
    with pytest.raises(ValueError, match="`rec_b` must hold the same network"):
        interpolate_swarms(rec_a, wider)
    other = swarm.train("spiral", bees=4, epochs=2, width=5, depth=2,
                        data={**DATA, "seed": 4}, progress=False)
    with pytest.raises(ValueError, match="`rec_b` must be trained on `rec_a`'s data"):
        interpolate_swarms(rec_a, other)
    tanh = swarm.train("spiral", bees=4, epochs=2, width=5, depth=2, activation="tanh",
                       data=DATA, progress=False)
    with pytest.raises(ValueError, match="activation"):
        interpolate_swarms(rec_a, tanh)
    with pytest.raises(ValueError, match="`bees`"):
        interpolate_swarms(rec_a, rec_a, bees=[4])
    with pytest.raises(ValueError, match="`alphas`"):
        interpolate_swarms(rec_a, rec_a, alphas=[0.0, np.nan])
    with pytest.raises(ValueError, match="must be a swarm Recording"):
        interpolate_swarms("rec", rec_a)
