"""shared_weight_pca against scikit-learn's PCA; zero_gradient against a one-bee torch.nn loop."""
import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA
from torch import nn

import swarm
from swarm import metrics
from helpers import plain_net


@pytest.fixture(scope="module")
def hive():
    """Two swarms of one hive (lr 0.05 and 0.2) on a small spiral, 2 -> 5 -> 5 -> 3."""
    return [r for _, r in swarm.hive.hive({"lr": [0.05, 0.2]}, target="spiral", bees=4,
                                          epochs=10, width=5, depth=2,
                                          data={"samples": 60}, progress=False)]


def _points(recs, layer=None):
    """All (bee, epoch) points of the chosen weights, [bee * epoch, parameter] per recording."""
    ks = recs[0].layer_indices if layer is None else [layer]
    return [np.concatenate([r.weights(k).reshape(r.num_bees, r.num_epochs, -1) for k in ks],
                           -1).reshape(-1, sum(r.weights(k)[0, 0].size for k in ks))
            for r in recs]


@pytest.mark.parametrize("layer", [None, 0])
def test_shared_pca_is_one_pca_of_all_swarms_points(hive, layer):
    out = metrics.shared_weight_pca(hive, layer=layer)
    points = _points(hive, layer)
    sk = PCA(2).fit(np.concatenate(points).astype(np.float64))
    np.testing.assert_allclose(out[0].explained, sk.explained_variance_ratio_, rtol=1e-6)
    for pca, p, rec in zip(out, points, hive):
        assert pca.trajectories.shape == (rec.num_bees, rec.num_epochs, 2)
        expected = sk.transform(p.astype(np.float64)).reshape(pca.trajectories.shape)
        np.testing.assert_allclose(np.abs(pca.trajectories), np.abs(expected), atol=1e-6)
        np.testing.assert_array_equal(pca.components, out[0].components)


def test_shared_pca_of_one_recording_is_weight_pca(hive):
    one = metrics.shared_weight_pca(hive[1], biases=True)[0]
    alone = metrics.weight_pca(hive[1], biases=True)
    np.testing.assert_allclose(one.trajectories, alone.trajectories)
    np.testing.assert_allclose(one.explained, alone.explained)


def test_shared_pca_refuses_mismatched_swarms(hive):
    with pytest.raises(ValueError, match="`recs\\[1\\]` has 5 recorded epochs"):
        metrics.shared_weight_pca([hive[0], hive[1].epochs(np.arange(5))])
    other = swarm.train("spiral", bees=2, epochs=10, width=4, depth=2, data={"samples": 60},
                        progress=False)
    with pytest.raises(ValueError, match="same network"):
        metrics.shared_weight_pca([hive[0], other])
    with pytest.raises(ValueError, match="`recs` is empty"):
        metrics.shared_weight_pca([])


def _plain_zero_gradient(rec, bee, start, steps, lr):
    """bee alone: torch.nn in float64 from its weights at ``start``, Adam on |grad|^2."""
    net = plain_net(rec, bee).double()
    with torch.no_grad():
        for p, (k, kind) in zip(net.parameters(), [(k, kind) for k in rec.layer_indices
                                                   for kind in ("weight", "bias")]):
            p.copy_(torch.tensor(rec[f"layer{k}.{kind}"][bee, start], dtype=torch.float64))
    x, y = torch.tensor(rec.x, dtype=torch.float64), torch.tensor(rec.y)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    for _ in range(steps):
        grads = torch.autograd.grad(nn.functional.cross_entropy(net(x), y), net.parameters(),
                                    create_graph=True)
        opt.zero_grad()
        sum(g.pow(2).sum() for g in grads).backward()
        opt.step()
    loss = nn.functional.cross_entropy(net(x), y)
    grads = torch.autograd.grad(loss, net.parameters())
    return [p.detach().numpy() for p in net.parameters()], loss.item(), \
        torch.cat([g.flatten() for g in grads]).norm().item()


def test_zero_gradient_matches_one_bee_loops(hive):
    rec = hive[0]
    start = np.array([2, 9, -1, 5])
    out = metrics.zero_gradient(rec, start, steps=25, lr=0.01)
    assert out.num_bees == rec.num_bees and out.num_epochs == 1
    assert out.meta["zero_gradient"]["start_epoch"] == rec.epoch[start % 10].tolist()
    for bee in range(rec.num_bees):
        params, loss, norm = _plain_zero_gradient(rec, bee, start[bee], 25, 0.01)
        got = [out[f"layer{k}.{kind}"][bee, 0] for k in out.layer_indices
               for kind in ("weight", "bias")]
        for g, p in zip(got, params):
            np.testing.assert_allclose(g, p, rtol=1e-9, atol=1e-12)
        assert out["loss"][bee, 0] == pytest.approx(loss, rel=1e-9)
        assert out["grad_norm"][bee, 0] == pytest.approx(norm, rel=1e-9)
    # the minimal ratio reads the points reached
    assert metrics.minimal_ratio(out).ratio.shape == (rec.num_bees,)


def test_zero_gradient_without_steps_is_the_recorded_point(hive):
    rec = hive[1]
    out = metrics.zero_gradient(rec, steps=0)
    np.testing.assert_allclose(out["loss"][:, 0], rec["loss"][:, -1], rtol=1e-5)
    np.testing.assert_allclose(out["grad_norm"][:, 0], rec["grad_norm"][:, -1], rtol=1e-4)


def test_zero_gradient_lowers_the_gradient_norm(hive):
    rec = hive[0]
    out = metrics.zero_gradient(rec, 3, steps=200, lr=0.01)
    assert (out["grad_norm"][:, 0] < rec["grad_norm"][:, 3]).all()


@pytest.mark.parametrize("kwargs, match", [
    ({"start": 10}, "`start` must be one position"),
    ({"start": [0, 1]}, "one per bee \\(4\\)"),
    ({"start": 1.5}, "`start`"),
    ({"steps": -1}, "`steps` must be a non-negative integer"),
    ({"lr": 0}, "`lr` must be a positive number"),
])
def test_zero_gradient_refuses_bad_arguments(hive, kwargs, match):
    with pytest.raises(ValueError, match=match):
        metrics.zero_gradient(hive[0], **kwargs)
