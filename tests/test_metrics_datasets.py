"""Metrics on dataset recordings, against numpy and plain torch; 1-D-only metrics refuse."""
import numpy as np
import pytest
import torch
from torch import nn

import swarm
from swarm import metrics
from helpers import plain_net


@pytest.fixture(scope="module")
def rec():
    return swarm.train("spiral", bees=5, epochs=12, width=6, depth=2, lr=0.1,
                       data={"samples": 90}, progress=False)


def _plain_loss(rec, bee, epoch=-1, x=None):
    """bee's cross-entropy on the training data and its torch.nn network, in float64."""
    net = plain_net(rec, bee).double()
    with torch.no_grad():
        for p, k in zip(net.parameters(), [(k, kind) for k in rec.layer_indices
                                           for kind in ("weight", "bias")]):
            p.copy_(torch.tensor(rec[f"layer{k[0]}.{k[1]}"][bee, epoch], dtype=torch.float64))
    x = torch.tensor(rec.x, dtype=torch.float64) if x is None else x
    return nn.functional.cross_entropy(net(x), torch.tensor(rec.y)), net


def test_summary_has_accuracy_quantiles_and_the_gap(rec):
    out = metrics.summary(rec)
    train, test = rec["accuracy"][:, -1], rec["test_accuracy"][:, -1]
    assert out["accuracy"]["median"] == pytest.approx(np.median(train))
    assert out["test_accuracy"]["q25"] == pytest.approx(np.quantile(test, 0.25))
    assert out["accuracy_gap"]["max"] == pytest.approx(np.max(train - test))
    assert out["final_test_loss"]["min"] == pytest.approx(rec["test_loss"][:, -1].min())
    text = metrics.format_summary(out)
    assert "test accuracy" in text and "train - test" in text
    assert out["breakpoint_alignment"] is None


def test_spectra_and_effective_rank_on_dataset_weights(rec):
    w = rec.weights(1)  # [bee, epoch, 6, 6]
    s = metrics.singular_values(w)
    np.testing.assert_allclose(s[2, 3], np.linalg.svd(w[2, 3].astype(np.float64),
                                                      compute_uv=False), rtol=1e-5)
    p = s / s.sum(-1, keepdims=True)
    np.testing.assert_allclose(metrics.effective_rank(w), np.exp(-(p * np.log(p)).sum(-1)),
                               rtol=1e-5)
    assert [a.shape for a in metrics.spectra(rec)] == [(5, 12, 2), (5, 12, 6), (5, 12, 3)]


def test_weight_metrics_run_on_dataset_recordings(rec):
    counts, edges = metrics.weight_density(rec, layer=2, bins=10)
    assert counts.shape == (12, 10) and counts.sum(1).tolist() == [5 * 18] * 12
    change = metrics.relative_weight_change(rec)
    w = rec.weights(1).astype(np.float64)[4]  # bee 4, layer 1: |W_e - W_e-1|_1 / |W_e-1|_1
    expected = np.abs(w[1:] - w[:-1]).sum((1, 2)) / np.abs(w[:-1]).sum((1, 2))
    np.testing.assert_allclose(change[4, 1:, 1], expected, rtol=1e-6)
    corr = metrics.delta_w_correlation(rec)
    assert corr.shape == (12, 2) and np.isfinite(corr[1:]).all()
    pca = metrics.weight_pca(rec, layer=0)  # against numpy's SVD of the centred trajectories
    points = rec.weights(0).reshape(60, 12).astype(np.float64)
    s = np.linalg.svd(points - points.mean(0), compute_uv=False)
    np.testing.assert_allclose(pca.explained, (s ** 2 / (s ** 2).sum())[:2], rtol=1e-5)
    assert metrics.weight_complexity(rec).shape == (5, 12)


def test_sensitivity_and_interpolation_equal_plain_torch(rec):
    bee = 3
    x = torch.tensor(rec.x, dtype=torch.float64, requires_grad=True)
    loss, _ = _plain_loss(rec, bee, x=x)
    (grad,) = torch.autograd.grad(loss, x)
    assert metrics.sensitivity(rec)[bee] == pytest.approx(float(grad.norm()), rel=1e-6)
    line = metrics.interpolate(rec, 1, bee, alphas=[0.0, 1.0])
    assert line[0] == pytest.approx(_plain_loss(rec, 1)[0].item(), rel=1e-6)
    assert line[1] == pytest.approx(float(rec["loss"][bee, -1]), rel=1e-5)


def test_minimal_ratio_matches_the_plain_hessian(rec):
    bee = 0
    _, net = _plain_loss(rec, bee)
    names = [n for n, _ in net.named_parameters()]
    flat0 = torch.cat([p.detach().reshape(-1) for p in net.parameters()])
    sizes = [p.numel() for p in net.parameters()]
    shapes = [p.shape for p in net.parameters()]
    x, y = torch.tensor(rec.x, dtype=torch.float64), torch.tensor(rec.y)

    def loss(flat):
        params = {n: piece.reshape(s) for n, piece, s in zip(names, flat.split(sizes), shapes)}
        return nn.functional.cross_entropy(torch.func.functional_call(net, params, (x,)), y)

    hessian = torch.autograd.functional.hessian(loss, flat0)
    out = metrics.minimal_ratio(rec)
    np.testing.assert_allclose(out.eigenvalues[bee], torch.linalg.eigvalsh(hessian), atol=1e-8)


@pytest.mark.parametrize("fn", [metrics.breakpoints, metrics.breakpoint_histogram,
                                metrics.breakpoint_alignment])
def test_line_metrics_refuse_n_d_recordings(rec, fn):
    with pytest.raises(ValueError, match="one input.*take 2 .'spiral'"):
        fn(rec)
